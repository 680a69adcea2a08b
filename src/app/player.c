/* player: one timeline on an output device, with keys, signals and a
 * display (see player.h). */
#include "app/player.h"

#include <stdlib.h>
#include <string.h>

#include "app/control.h"
#include "app/keys.h"
#include "app/mpris.h"
#include "app/web.h"
#include "sys/console.h"
#include "sys/ipc.h"
#include "sys/platform.h"
#include "sys/signals.h"

/* STALL_MS: the last resort, for a frozen server: a device whose callback
 * has not run for this long is lost. A server that quits or a device that is
 * unplugged is seen at the next poll, from PortAudio's own notice (see
 * outdev_poll). Below the 2 s the listener may wait, above the waits of a
 * busy machine's JACK server. */
enum { POLL_MS = 50, STALL_MS = 1800 };

struct player {
    player_config c;
    const char *album; /* the first session's title, for MPRIS */
    engine *e;
    out_device *dev;
    int lost;
    engine_status last; /* the last snapshot polled (what a lost run reached) */
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
    if ((p->e = engine_new(tl, cues, &c->engine, d)) != NULL && c->feed)
        engine_use_feed(p->e, c->feed);
    if (!p->e ||
        outdev_open(c->device, c->format, c->engine.rate, c->engine.channels, c->latency_ms,
                    p->e, &p->dev, d) != 0) {
        player_close(p);
        return -1;
    }
    *out = p;
    return 0;
}

/* What a key does. */
typedef enum key_action {
    KEY_NOTHING = 0,
    KEY_COMMAND, /* an engine command */
    KEY_HELP     /* show or hide the key help */
} key_action;

/* Turns a key (app/keys.h) into what it does under the key set `keys`: an
 * engine command with its value, or the help. Anything else means nothing. */
static key_action key_command(player_keys keys, int key, engine_cmd *cmd, double *value)
{
    *value = 0;
    if (keys == PLAYER_KEYS_STOP) {
        *cmd = ENGINE_STOP;
        return key == '\n' || key == '\r' || key == ' ' || key == 'q' || key == 'Q' ? KEY_COMMAND
                                                                                  : KEY_NOTHING;
    }
    switch (key) {
    case ' ':
        *cmd = ENGINE_TOGGLE;
        return KEY_COMMAND;
    case 'n':
    case 'N':
    case KEYS_RIGHT:
        *cmd = ENGINE_SKIP;
        return KEY_COMMAND;
    case 'b':
    case 'B':
    case KEYS_LEFT:
        *cmd = ENGINE_BACK;
        return KEY_COMMAND;
    case '+':
    case '=':
    case KEYS_UP:
        *cmd = ENGINE_VOLUME;
        *value = PLAYER_VOLUME_STEP_DB;
        return KEY_COMMAND;
    case '-':
    case '_':
    case KEYS_DOWN:
        *cmd = ENGINE_VOLUME;
        *value = -PLAYER_VOLUME_STEP_DB;
        return KEY_COMMAND;
    case 'm':
    case 'M':
        *cmd = ENGINE_MUTE;
        return KEY_COMMAND;
    case 'q':
    case 'Q':
        *cmd = ENGINE_STOP;
        return KEY_COMMAND;
    case '?':
    case 'h':
    case 'H':
        return KEY_HELP;
    }
    return KEY_NOTHING; /* Esc, other keys and sequences, characters */
}

/* control_poll's and MPRIS's way to the engine: the same queue the keys use. */
static int remote_command(void *ctx, engine_cmd cmd, double value)
{
    return engine_command(ctx, cmd, value);
}

/* Milliseconds on a monotonic clock. */
static int64_t now_ms(void)
{
    return (int64_t)(platform_now_ns() / 1000000u);
}

/* The run's state on the control thread. */
typedef struct run_state {
    ui *u;
    keys_decoder kd;
    engine_status st;
    int stopping;       /* a stop was sent */
    int stop_now;       /* a stop at once was sent: no padding after the fade */
    int stops_seen;     /* stop signals acted on */
    int suspends_seen, continues_seen, resizes_seen;
    int term;           /* the terminal is ours: raw, keys read, display drawn */
    int gone;           /* SIGHUP: the terminal is gone, nothing more is drawn */
    unsigned show;      /* UI_SHOW_* */
    int64_t grace_ms;   /* added to the stall limit after a suspension */
    int64_t grace_until;
} run_state;

/* Sets the display's states when they changed. */
static void show_state(run_state *r, unsigned show)
{
    if (show != r->show) {
        r->show = show;
        if (r->u && r->term && !r->gone)
            ui_set_state(r->u, show);
    }
}

/* Takes the terminal (back): raw mode, the display drawn afresh. Only in the
 * foreground: after `bg` the player waits, paused, for `fg`. */
static void take_terminal(player *p, run_state *r)
{
    if (r->term || r->gone || p->c.keys == PLAYER_KEYS_NONE || !console_foreground())
        return;
    if (console_raw_enter() != 0)
        return;
    r->term = 1;
    keys_init(&r->kd);
    if (r->u) {
        ui_set_state(r->u, r->show);
        ui_redraw(r->u, console_width());
    }
}

/* Ctrl-Z: pauses with the fade, gives the terminal back (cooked mode, the
 * cursor shown) and stops the process; on `fg`, takes the terminal back and
 * stays paused, saying so, until the listener resumes. Without keys (no way
 * to resume) it plays on after `fg`, as it was. */
static void suspend(player *p, run_state *r)
{
    int was_paused = r->st.paused;
    if (!was_paused && !r->stopping) {
        engine_command(p->e, ENGINE_PAUSE, 0);
        /* the fade, and its way out of the device (at most half a second
         * on a machine too busy to run the callback) */
        for (int i = 0; i < 10 && !r->st.paused; i++) {
            platform_sleep_ms(POLL_MS);
            engine_poll(p->e, &r->st);
        }
        platform_sleep_ms(ENGINE_FADE_MS + POLL_MS);
    }
    if (r->u && r->term && !r->gone)
        ui_release(r->u);
    fflush(stdout);
    if (r->term)
        console_raw_leave();
    r->term = 0;
    int64_t t0 = now_ms();
    signals_suspend();
    /* continued: the device's callback has not run meanwhile; give it time */
    r->grace_ms = now_ms() - t0;
    r->grace_until = now_ms() + STALL_MS + r->grace_ms;
    r->continues_seen = signals_count(SIGNALS_CONTINUE);
    if (p->c.keys == PLAYER_KEYS_NONE) {
        if (!was_paused && !r->stopping)
            engine_command(p->e, ENGINE_RESUME, 0);
        return;
    }
    if (!was_paused && !r->stopping)
        show_state(r, r->show | UI_SHOW_SUSPENDED);
    take_terminal(p, r);
}

/* Acts on the signals that came since the last look: stops (the second one
 * now), Ctrl-Z, `fg`/`bg` and resizes. */
static void take_signals(player *p, run_state *r, player_end *end)
{
    int stops = signals_stop_requested();
    if (stops > r->stops_seen) {
        if (signals_count(SIGNALS_HANGUP) > 0)
            r->gone = 1; /* nothing more is drawn; the terminal is only restored */
        /* the first stops with the fade; a second (or one during a stop
         * begun by a key) stops now */
        int now = r->stopping || stops >= 2;
        engine_command(p->e, ENGINE_STOP, now ? 1 : 0);
        r->stop_now |= now;
        r->stopping = 1;
        r->stops_seen = stops;
        *end = PLAYER_STOPPED;
    }
    int n = signals_count(SIGNALS_SUSPEND);
    if (n > r->suspends_seen) {
        r->suspends_seen = n;
        if (!r->gone)
            suspend(p, r);
    }
    n = signals_count(SIGNALS_CONTINUE);
    if (n > r->continues_seen) {
        /* `fg` after a stop by another signal than Ctrl-Z (SIGSTOP), or
         * after `bg`: take the terminal when it is ours to take */
        r->continues_seen = n;
        take_terminal(p, r);
    }
    n = signals_count(SIGNALS_RESIZE);
    if (n > r->resizes_seen) {
        r->resizes_seen = n;
        if (r->u && r->term && !r->gone)
            ui_term_resize(r->u, console_width());
    }
}

/* Reads the keys typed and turns them into engine commands. */
static void take_keys(player *p, run_state *r, player_end *end)
{
    if (!r->term || r->gone || p->c.keys == PLAYER_KEYS_NONE)
        return;
    unsigned char buf[KEYS_BUF];
    int64_t t = now_ms();
    int got = console_read(buf, (int)(KEYS_BUF - r->kd.len));
    if (got > 0)
        keys_feed(&r->kd, buf, (size_t)got, t);
    for (int key; (key = keys_next(&r->kd, t)) != KEYS_NONE;) {
        engine_cmd cmd;
        double v;
        key_action a = key_command(p->c.keys, key, &cmd, &v);
        if (a == KEY_HELP)
            show_state(r, r->show ^ UI_SHOW_HELP);
        if (a != KEY_COMMAND || (cmd == ENGINE_STOP && r->stopping))
            continue;
        if (cmd == ENGINE_TOGGLE && r->st.paused)
            show_state(r, r->show & ~(unsigned)UI_SHOW_SUSPENDED);
        engine_command(p->e, cmd, v);
        if (cmd == ENGINE_STOP) {
            r->stopping = 1;
            *end = PLAYER_STOPPED;
        }
    }
}

int player_run(player *p, player_end *end, adem_diag *d)
{
    const player_config *c = &p->c;
    run_state r;
    memset(&r, 0, sizeof r);
    r.u = c->ui != UI_SILENT ? ui_new(c->ui, stdout, c->engine.rate, c->unicode) : NULL;
    if (r.u) {
        ui_set_color(r.u, c->color);
        ui_set_words(r.u, c->words, c->nwords);
    }
    r.term = c->keys != PLAYER_KEYS_NONE; /* the caller made it raw */
    keys_init(&r.kd);
    engine_status_now(p->e, &r.st); /* before the audio thread runs: it reads engine internals */
    *end = PLAYER_DONE;
    /* the page for the room: its threads start with the signals blocked */
    char web_why[256];
    web *site = c->web ? web_start(c->web, c->web_dir, c->msgs, web_why, sizeof web_why) : NULL;
    if (c->web && !site) {
        ui_free(r.u);
        return diag_runtime(d, "--web: %s", web_why);
    }
    if (site && c->ui == UI_FULL && c->unicode)
        web_print_qr(site, stdout); /* above the display, for a phone to scan */
    if (outdev_start(p->dev, d) != 0) {
        web_stop(site);
        ui_free(r.u);
        return -1;
    }
    /* the device's threads run with the signals blocked (the caller blocked
     * them before it opened the device): from now on they come here */
    signals_unblock();
    if (c->first_callback) {
        /* the moment of the first callback (to ~1 ms), before the remote
         * control opens (it takes a few ms, MPRIS a bus connection): the
         * device's count (not the engine's first status, which comes after
         * 50 ms of audio); a pipe has no callback: its first status */
        for (int ms = 0; ms < 5000 && outdev_callbacks(p->dev) == 0 &&
                         (c->device->index != OUTDEV_PIPE || !engine_poll(p->e, &r.st));
             ms++)
            platform_sleep_ms(1);
        fprintf(c->first_callback, "adem: first callback\n");
        fflush(c->first_callback);
    }
    int next = 0;
    /* remote control: `adem ctl` and MPRIS (none: play on without) */
    char why[256];
    control *ctl = c->remote ? control_open(why, sizeof why) : NULL;
    control_info info = {c->engine.rate, ipc_self_pid(), c->words, c->nwords};
    mpris_info minfo = {c->engine.rate, p->album, 1};
    mpris *bus = c->remote ? mpris_open(&minfo, remote_command, p->e) : NULL;
    for (;;) {
        int wait = POLL_MS;
        int pending = keys_pending_ms(&r.kd, now_ms());
        if (pending >= 0 && pending < wait)
            wait = pending + 1;
        console_wait(wait);
        take_signals(p, &r, end);
        take_keys(p, &r, end);
        engine_poll(p->e, &r.st);
        p->last = r.st;
        int remote_stop = 0;
        control_poll(ctl, &r.st, &info, remote_command, p->e, &remote_stop);
        mpris_poll(bus, &r.st, &remote_stop);
        web_poll(site, &r.st, &info, remote_command, p->e, &remote_stop);
        if (remote_stop && !r.stopping) {
            r.stopping = 1;
            *end = PLAYER_STOPPED;
        }
        while (next < c->nscript && r.st.out_frames >= c->script[next].frame) {
            engine_command(p->e, c->script[next].cmd, c->script[next].value);
            if (c->script[next].cmd == ENGINE_STOP) {
                r.stopping = 1;
                *end = PLAYER_STOPPED;
            }
            next++;
        }
        if (!r.st.paused && (r.show & UI_SHOW_SUSPENDED))
            show_state(&r, r.show & ~(unsigned)UI_SHOW_SUSPENDED);
        show_state(&r, r.st.muted ? r.show | UI_SHOW_MUTED : r.show & ~(unsigned)UI_SHOW_MUTED);
        if (r.u && r.term && !r.gone)
            ui_update(r.u, &r.st, console_width());
        else if (r.u && c->keys == PLAYER_KEYS_NONE && !r.gone)
            ui_update(r.u, &r.st, console_width()); /* plain lines, no terminal of ours */
        int stall = STALL_MS;
        if (r.grace_until && now_ms() < r.grace_until)
            stall += (int)r.grace_ms;
        outdev_state s = outdev_poll(p->dev, stall);
        if (s == OUTDEV_FINISHED || (r.stop_now && engine_done(p->e)))
            break; /* (stopped at once: the padding after the fade is silence) */
        if (s == OUTDEV_LOST) {
            p->lost = 1;
            *end = PLAYER_LOST;
            break;
        }
    }
    if (r.u && !r.gone && (r.term || c->keys == PLAYER_KEYS_NONE) && *end != PLAYER_LOST)
        ui_finish(r.u, *end == PLAYER_STOPPED);
    web_stop(site);
    mpris_close(bus);
    control_close(ctl);
    ui_free(r.u);
    return 0;
}

void player_status(const player *p, engine_status *st)
{
    if (p->lost) { /* the audio thread may still run: only its snapshots are safe */
        *st = p->last;
        return;
    }
    engine_status_now(p->e, st);
}

const char *player_lost_message(const player *p)
{
    return outdev_lost_message(p->dev);
}

uint64_t player_underflows(const player *p)
{
    return p->dev ? outdev_underflows(p->dev) : 0;
}

void player_close(player *p)
{
    if (!p)
        return;
    /* a pipe whose reader went away closes like any (its threads are ours);
     * a lost sound server's stream is left as it is */
    if (!p->lost || p->c.device->index == OUTDEV_PIPE) {
        outdev_close(p->dev);
        engine_free(p->e);
    }
    free(p);
}
