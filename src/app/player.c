/* player: one timeline on an output device, with keys, signals and a
 * display (see player.h). */
#include "app/player.h"

#include <stdlib.h>

#include "app/control.h"
#include "app/mpris.h"
#include "app/web.h"
#include "sys/console.h"
#include "sys/ipc.h"
#include "sys/platform.h"
#include "sys/signals.h"

/* STALL_MS: a device whose callback has not run for this long is lost (a
 * frozen server; a server that quits is seen at once). Below the 2 s the
 * listener may wait, above the waits of a busy machine's JACK server. */
enum { POLL_MS = 50, STALL_MS = 1800 };

struct player {
    player_config c;
    const char *album; /* the first session's title, for MPRIS */
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
    p->album = timeline_title(tl);
    if (!(p->e = engine_new(tl, cues, &c->engine, d)) ||
        outdev_open(c->device, c->engine.rate, c->engine.channels, c->latency_ms, p->e, &p->dev,
                    d) != 0) {
        player_close(p);
        return -1;
    }
    *out = p;
    return 0;
}

/* control_poll's way to the engine: the same queue the keys use. */
static int remote_command(void *ctx, engine_cmd cmd, double value)
{
    return engine_command(ctx, cmd, value);
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
    char why[256];
    web *site = c->web ? web_start(c->web, c->web_dir, c->msgs, why, sizeof why) : NULL;
    if (c->web && !site) {
        ui_free(u);
        return diag_runtime(d, "--web: %s", why);
    }
    if (site && c->ui == UI_FULL && c->unicode)
        web_print_qr(site, stdout); /* above the display, for a phone to scan */
    if (outdev_start(p->dev, d) != 0) {
        web_stop(site);
        ui_free(u);
        return -1;
    }
    int next = 0, stopping = 0;
    control *ctl = c->remote ? control_open(why, sizeof why) : NULL; /* none: play on */
    control_info info = {c->engine.rate, ipc_self_pid(), NULL};
    mpris_info minfo = {c->engine.rate, p->album, 0};
    mpris *bus = c->remote ? mpris_open(&minfo, remote_command, p->e) : NULL;
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
        int remote_stop = 0;
        control_poll(ctl, &st, &info, remote_command, p->e, &remote_stop);
        mpris_poll(bus, &st, &remote_stop);
        web_poll(site, &st, &info, remote_command, p->e, &remote_stop);
        if (remote_stop && !stopping) {
            stopping = 1;
            *end = PLAYER_STOPPED;
        }
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
    web_stop(site);
    mpris_close(bus);
    control_close(ctl);
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
