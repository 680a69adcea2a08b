/* cmd_play: `adem play` and `adem devices` — the control thread of live
 * playback. It prepares everything before the stream starts, then polls at
 * ~20 Hz: keys and signals become engine commands (the same path for both),
 * engine status snapshots feed the display, and the stream's state tells when
 * the session is over or the device was lost. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "app/cli.h"
#include "sys/console.h"
#include "rt/engine.h"
#include "dev/out_device.h"
#include "sys/platform.h"
#include "io/prepare.h"
#include "app/ui_term.h"
#include "lang/units.h"

/* STALL_MS: a device whose callback has not run for this long is lost (a
 * frozen server; a server that quits is seen at once). Below the 2 s the
 * listener may wait, above the waits of a busy machine's JACK server. */
enum { POLL_MS = 50, STALL_MS = 1800, SCRIPT_MAX = 256 };

static volatile sig_atomic_t stop_requests;

/* SIGINT/SIGTERM: the first asks for a stop with a fade; a second one while
 * that fade runs exits at once (with the terminal restored). */
static void on_stop_signal(int sig)
{
    (void)sig;
    if (stop_requests++ > 0) {
        console_raw_leave();
        _Exit(ADEM_EXIT_STOPPED);
    }
}

/* A command from --script: at `frame` of output, send cmd(value). */
typedef struct scripted {
    int64_t frame;
    engine_cmd cmd;
    double value;
} scripted;

/* Reads a --script file: lines "SECONDS COMMAND [VALUE]", where COMMAND is
 * pause, resume, toggle, skip, volume or stop and SECONDS is the output time
 * at which to send it (for tests: the same control path as the keys). */
static int read_script(const char *path, int rate, scripted *v, int *n, FILE *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(err, "adem: cannot open the script '%s'; check the path\n", path);
        return ADEM_EXIT_INPUT;
    }
    char line[256], word[32];
    int lineno = 0;
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        double at, value = 0;
        if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
            continue;
        int got = sscanf(line, "%lf %31s %lf", &at, word, &value);
        engine_cmd c = strcmp(word, "pause") == 0    ? ENGINE_PAUSE
                       : strcmp(word, "resume") == 0 ? ENGINE_RESUME
                       : strcmp(word, "toggle") == 0 ? ENGINE_TOGGLE
                       : strcmp(word, "skip") == 0   ? ENGINE_SKIP
                       : strcmp(word, "volume") == 0 ? ENGINE_VOLUME
                       : strcmp(word, "stop") == 0   ? ENGINE_STOP
                                                     : (engine_cmd)0;
        if (got < 2 || at < 0 || !c || *n == SCRIPT_MAX) {
            fprintf(err, "adem: %s:%d:1: expected SECONDS COMMAND [VALUE] with a command of pause, "
                         "resume, toggle, skip, volume, stop\n", path, lineno);
            fclose(f);
            return ADEM_EXIT_INPUT;
        }
        v[*n].frame = (int64_t)(at * rate + 0.5);
        v[*n].cmd = c;
        v[*n].value = value;
        (*n)++;
    }
    fclose(f);
    return 0;
}

/* Builds the --countdown lead-in: one phase "We beginnen zo" with a soft
 * pulse on every second, so the listener hears the seconds and sees them
 * counting down. Returns NULL when out of memory. */
static ast_session *countdown_session(int64_t ms)
{
    arena *a = arena_new();
    ast_session *s = a ? arena_alloc(a, sizeof *s) : NULL;
    ast_node *n = s ? arena_alloc(a, sizeof *n) : NULL;
    if (!n) {
        arena_free(a);
        return NULL;
    }
    s->arena = a;
    s->path = "--countdown";
    s->title = "Aftellen";
    s->body = n;
    n->kind = AST_PHASE;
    n->loc.line = n->loc.col = 1;
    n->u.phase.label = "We beginnen zo";
    n->u.phase.dur.type = AST_DURATION;
    n->u.phase.dur.ms = ms;
    n->u.phase.has_pulse = 1;
    n->u.phase.bpm.type = AST_INT;
    n->u.phase.bpm.i = 60;
    return s;
}

/* Turns a key into an engine command. Returns 0 when the key means nothing. */
static int key_command(int key, engine_cmd *cmd, double *value)
{
    *value = 0;
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

/* 1 when the locale says the terminal speaks UTF-8. */
static int utf8_locale(void)
{
    const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (int i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && v[0])
            return strstr(v, "UTF-8") || strstr(v, "utf8") || strstr(v, "UTF8") ||
                   strstr(v, "utf-8");
    }
    return 0;
}

int cmd_devices(const cli_opts *o)
{
    (void)o;
    adem_diag d;
    diag_clear(&d);
    FILE *err = console_quiet_stderr();
    cli_set_err(err);
    int rc = 0;
    if (outdev_init(&d) != 0)
        rc = cli_report(&d);
    else {
        if (outdev_list(stdout) == 0) {
            diag_runtime(&d, "no audio output device found; start your sound server or plug in a "
                             "device, or write a file with `adem render`");
            rc = cli_report(&d);
        }
        outdev_terminate();
    }
    fflush(stdout);
    cli_set_err(stderr);
    console_restore_stderr();
    return rc;
}

/* The session is prepared and the stream open: run it to its end. Returns
 * the exit status. */
static int run(const cli_opts *o, engine *e, out_device *dev, int rate, const scripted *script,
               int nscript, FILE *err, int *lost)
{
    int tty_out = console_is_tty(1);
    ui_mode mode = !tty_out ? UI_SILENT : (o->no_ui || console_is_dumb()) ? UI_PLAIN : UI_FULL;
    int keys = mode == UI_FULL && console_raw_enter() == 0;
    ui *u = ui_new(mode, stdout, rate, utf8_locale());
    adem_diag d;
    diag_clear(&d);
    engine_status st;
    engine_status_now(e, &st); /* before the audio thread runs: it reads engine internals */
    if (outdev_start(dev, &d) != 0) {
        console_raw_leave();
        ui_free(u);
        return cli_report(&d);
    }
    int next_script = 0, stopping = 0, status = 0;
    for (;;) {
        platform_sleep_ms(POLL_MS);
        if (stop_requests && !stopping) {
            engine_command(e, ENGINE_STOP, 0);
            stopping = 1;
            status = ADEM_EXIT_STOPPED;
        }
        for (int key; keys && (key = console_read_key()) >= 0;) {
            engine_cmd c;
            double v;
            if (key_command(key, &c, &v)) {
                engine_command(e, c, v);
                if (c == ENGINE_STOP) {
                    stopping = 1;
                    status = ADEM_EXIT_STOPPED;
                }
            }
        }
        engine_poll(e, &st);
        while (next_script < nscript && st.out_frames >= script[next_script].frame) {
            engine_command(e, script[next_script].cmd, script[next_script].value);
            if (script[next_script].cmd == ENGINE_STOP)
                status = ADEM_EXIT_STOPPED;
            next_script++;
        }
        if (u)
            ui_update(u, &st, console_width());
        outdev_state s = outdev_poll(dev, STALL_MS);
        if (s == OUTDEV_FINISHED)
            break;
        if (s == OUTDEV_LOST) {
            *lost = 1;
            break;
        }
    }
    console_raw_leave();
    ui_free(u);
    if (*lost) {
        fprintf(err, "adem: %s\n", outdev_lost_message(dev));
        return ADEM_EXIT_RUNTIME;
    }
    return status;
}

int cmd_play(const cli_opts *o)
{
    adem_diag d;
    diag_clear(&d);
    static const char *const default_session[] = {"478"};
    const char *const *args = o->nargs ? o->args : default_session; /* `adem play`: 4-7-8 */
    int nargs = o->nargs ? o->nargs : 1;
    FILE *err = console_quiet_stderr();
    cli_set_err(err);
    int rc = 0, lost = 0, pa_up = 0;
    time_t started = 0; /* when playback began, for the practice log */
    prep *p = NULL;
    engine *e = NULL;
    out_device *dev = NULL;
    ast_session *lead = NULL;
    static scripted script[SCRIPT_MAX];
    int nscript = 0;
    outdev_info info;

    {
        /* the session first (cue lengths from headers only, cheap): a mistake
         * in it is reported as such, whatever the state of the audio devices */
        prep_options po;
        prep *check = NULL;
        cli_prep_options(o, o->rate ? o->rate : 48000, 0, &po);
        if (prep_new(args, nargs, &po, &check, &d) != 0)
            rc = cli_report(&d);
        prep_free(check);
    }
    if (rc == 0 && outdev_init(&d) != 0)
        rc = cli_report(&d);
    else if (rc == 0)
        pa_up = 1;
    if (rc == 0 && (o->pipe ? outdev_find_pipe(o->pipe, &info, &d)
                            : outdev_find(o->device, &info, &d)) != 0)
        rc = cli_report(&d);
    int rate = 0, channels = 0;
    if (rc == 0) {
        channels = o->channels ? o->channels : info.max_channels >= 2 ? 2 : 1;
        const char *why = "as asked with --rate";
        rate = o->rate ? o->rate : outdev_choose_rate(&info, channels, OUTDEV_PREFERRED_RATE, &why);
        if (o->verbose)
            fprintf(err, "adem: playing on %s (%s) at %d Hz (%s), %d channel%s\n", info.name,
                    info.host, rate, why, channels, channels == 1 ? "" : "s");
        if (o->script)
            rc = read_script(o->script, rate, script, &nscript, err);
    }
    if (rc == 0 && o->countdown_ms > 0 && !(lead = countdown_session(o->countdown_ms))) {
        fprintf(err, "adem: out of memory\n");
        rc = ADEM_EXIT_RUNTIME;
    }
    if (rc == 0) {
        prep_options po;
        cli_prep_options(o, rate, 1, &po);
        po.lead_in = lead;
        if (prep_new(args, nargs, &po, &p, &d) != 0)
            rc = cli_report(&d);
    }
    if (rc == 0) {
        engine_config ec;
        cli_engine_config(o, rate, channels, &ec);
        if (!(e = engine_new(prep_timeline(p), prep_cues(p), &ec, &d)) ||
            outdev_open(&info, o->format, rate, channels, o->latency_ms, e, &dev, &d) != 0)
            rc = cli_report(&d);
    }
    if (rc == 0) {
        signal(SIGINT, on_stop_signal);
        signal(SIGTERM, on_stop_signal);
        started = time(NULL);
        rc = run(o, e, dev, rate, script, nscript, err, &lost);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
    }
    if (lost) {
        /* a dead server can make PortAudio hang on close: leave it to exit */
        fflush(stdout);
        fflush(err);
        return rc;
    }
    if (dev) {
        uint64_t under = outdev_underflows(dev);
        outdev_close(dev);
        engine_status st;
        engine_status_now(e, &st);
        if (under > 0)
            fprintf(err, "adem: note: the audio device reported %llu underflow%s; if you heard "
                         "dropouts, try a larger --latency (e.g. --latency 200)\n",
                    (unsigned long long)under, under == 1 ? "" : "s");
        if (st.dropped > 0)
            fprintf(err, "adem: note: %llu sound%s could not start because too many were "
                         "playing at once\n",
                    (unsigned long long)st.dropped, st.dropped == 1 ? "" : "s");
        /* the practice log: after the notes, at most one line of its own */
        cmd_log_played(o, p, args, nargs, lead != NULL, started, st.pos, err);
    }
    engine_free(e);
    prep_free(p);
    if (lead)
        arena_free(lead->arena);
    if (pa_up)
        outdev_terminate();
    fflush(stdout);
    cli_set_err(stderr);
    console_restore_stderr();
    return rc;
}
