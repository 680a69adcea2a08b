/* player: one timeline on an output device, with keys, signals and a
 * display (see player.h). */
#include "app/player.h"

#include <stdlib.h>

#include "sys/console.h"
#include "sys/platform.h"
#include "sys/signals.h"

/* STALL_MS: a device whose callback has not run for this long is lost (a
 * frozen server; a server that quits is seen at once). Below the 2 s the
 * listener may wait, above the waits of a busy machine's JACK server. */
enum { POLL_MS = 50, STALL_MS = 1800 };

struct player {
    player_config c;
    engine *e;
    out_device *dev;
    int lost;
};

int player_open(const player_config *c, const timeline *tl, const adem_cue *cues, player **out,
                adem_diag *d)
{
    *out = NULL;
    player *p = calloc(1, sizeof *p);
    if (!p)
        return diag_runtime(d, "out of memory");
    p->c = *c;
    if ((p->e = engine_new(tl, cues, &c->engine, d)) != NULL && c->feed)
        engine_use_feed(p->e, c->feed);
    if (!p->e ||
        outdev_open(c->device, c->engine.rate, c->engine.channels, c->latency_ms, p->e, &p->dev,
                    d) != 0) {
        player_close(p);
        return -1;
    }
    *out = p;
    return 0;
}

/* Turns a key into an engine command under the key set `keys`. Returns 0 when
 * the key means nothing there. */
static int key_command(player_keys keys, int key, engine_cmd *cmd, double *value)
{
    *value = 0;
    if (keys == PLAYER_KEYS_STOP) {
        *cmd = ENGINE_STOP;
        return key == '\n' || key == '\r' || key == ' ' || key == 'q' || key == 'Q';
    }
    switch (key) {
    case ' ':
        *cmd = ENGINE_TOGGLE;
        return 1;
    case 'n':
    case 'N':
        *cmd = ENGINE_SKIP;
        return 1;
    case '+':
    case '=':
        *cmd = ENGINE_VOLUME;
        *value = 1;
        return 1;
    case '-':
    case '_':
        *cmd = ENGINE_VOLUME;
        *value = -1;
        return 1;
    case 'q':
    case 'Q':
    case 27: /* Esc */
        *cmd = ENGINE_STOP;
        return 1;
    }
    return 0;
}

int player_run(player *p, player_end *end, adem_diag *d)
{
    const player_config *c = &p->c;
    ui *u = c->ui != UI_SILENT ? ui_new(c->ui, stdout, c->engine.rate, c->unicode) : NULL;
    engine_status st;
    engine_status_now(p->e, &st); /* before the audio thread runs: it reads engine internals */
    *end = PLAYER_DONE;
    if (outdev_start(p->dev, d) != 0) {
        ui_free(u);
        return -1;
    }
    if (c->first_callback) {
        /* the moment of the first callback: its first status (to ~1 ms) */
        for (int ms = 0; ms < 5000 && !engine_poll(p->e, &st); ms++)
            platform_sleep_ms(1);
        fprintf(c->first_callback, "adem: first callback\n");
        fflush(c->first_callback);
    }
    int next = 0, stopping = 0;
    for (;;) {
        platform_sleep_ms(POLL_MS);
        if (signals_stop_requested() && !stopping) {
            engine_command(p->e, ENGINE_STOP, 0);
            stopping = 1;
            *end = PLAYER_STOPPED;
        }
        for (int key; c->keys != PLAYER_KEYS_NONE && (key = console_read_key()) >= 0;) {
            engine_cmd cmd;
            double v;
            if (!key_command(c->keys, key, &cmd, &v) || (cmd == ENGINE_STOP && stopping))
                continue;
            engine_command(p->e, cmd, v);
            if (cmd == ENGINE_STOP) {
                stopping = 1;
                *end = PLAYER_STOPPED;
            }
        }
        engine_poll(p->e, &st);
        while (next < c->nscript && st.out_frames >= c->script[next].frame) {
            engine_command(p->e, c->script[next].cmd, c->script[next].value);
            if (c->script[next].cmd == ENGINE_STOP)
                *end = PLAYER_STOPPED;
            next++;
        }
        if (u)
            ui_update(u, &st, console_width());
        outdev_state s = outdev_poll(p->dev, STALL_MS);
        if (s == OUTDEV_FINISHED)
            break;
        if (s == OUTDEV_LOST) {
            p->lost = 1;
            *end = PLAYER_LOST;
            break;
        }
    }
    ui_free(u);
    return 0;
}

void player_status(const player *p, engine_status *st)
{
    engine_status_now(p->e, st);
}

uint64_t player_underflows(const player *p)
{
    return p->dev ? outdev_underflows(p->dev) : 0;
}

void player_close(player *p)
{
    if (!p)
        return;
    if (!p->lost) {
        outdev_close(p->dev);
        engine_free(p->e);
    }
    free(p);
}
