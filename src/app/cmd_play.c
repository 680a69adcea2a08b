/* cmd_play: `adem play` and `adem devices`. play prepares before the stream
 * starts (the sessions parsed and built once, laid out at the device's rate,
 * the first cues decoded; the rest are decoded as they are needed by the cue
 * bank's worker, io/cuebank.h) and hands the timeline to the player (app/player.h),
 * which runs it with keys, signals and the display; afterwards it reports
 * what the device and the engine counted and writes the practice log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/cli.h"
#include "app/stdout_check.h"
#include "app/player.h"
#include "io/paths.h"
#include "sys/console.h"
#include "sys/signals.h"
#include "rt/engine.h"
#include "dev/out_device.h"
#include "io/cue_words.h"
#include "io/cuebank.h"
#include "io/prepare.h"
#include "app/ui_term.h"

enum { SCRIPT_MAX = 256 };

/* Reads a --script file: lines "SECONDS COMMAND [VALUE]", where COMMAND is
 * pause, resume, toggle, skip, back, volume, mute or stop and SECONDS is the output time
 * at which to send it (for tests: the same control path as the keys). */
static int read_script(const char *path, int rate, player_cmd *v, int *n, FILE *err)
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
                       : strcmp(word, "back") == 0   ? ENGINE_BACK
                       : strcmp(word, "mute") == 0   ? ENGINE_MUTE
                                                     : (engine_cmd)0;
        if (got < 2 || at < 0 || !c || *n == SCRIPT_MAX) {
            fprintf(err, "adem: %s:%d:1: expected SECONDS COMMAND [VALUE] with a command of pause, "
                         "resume, toggle, skip, back, volume, mute, stop\n", path, lineno);
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
    stdout_flush();
    cli_set_err(stderr);
    console_restore_stderr();
    return rc;
}

/* The rate prep_new lays the timeline out at without --rate. */
enum { PREP_RATE = 48000 };

/* Lays p's timeline out at rate, unless it is laid out there (*laid_at: the
 * rate it is laid out at, updated), and makes its cue bank there with the
 * cues of the first half second decoded (on this thread). Returns 0 and
 * *bank, or -1 with d set (*bank NULL). */
static int prepare_cues(prep *p, int *laid_at, int rate, cuebank **bank, adem_diag *d)
{
    *bank = NULL;
    if (rate != *laid_at) {
        if (prep_relayout(p, rate, d) != 0)
            return -1;
        *laid_at = rate;
    }
    if (cuebank_new(prep_voicepack(p), prep_timeline(p), bank, d) != 0)
        return -1;
    if (cuebank_fill(*bank, rate / 2, d) != 0) {
        cuebank_free(*bank);
        *bank = NULL;
        return -1;
    }
    return 0;
}

int cmd_play(const cli_opts *o)
{
    adem_diag d;
    diag_clear(&d);
    static const char *const default_session[] = {"478"};
    const char *const *args = o->nargs ? o->args : default_session; /* `adem play`: 4-7-8 */
    int nargs = o->nargs ? o->nargs : 1;
    /* the stop signals from the start: one during the preparation stops
     * before the first frame. They are only counted, never an exit from the
     * handler: a process that dies with PortAudio's JACK client open stalls
     * a JACK server in its synchronous mode for 20 s, every client with it;
     * the player stops at once on the second (player.h). */
    signals_catch_stop(0);
    FILE *err = console_quiet_stderr();
    cli_set_err(err);
    int rc = 0, pa_up = 0;
    player_end end = PLAYER_DONE;
    time_t started = 0; /* when playback began, for the practice log */
    prep *p = NULL;
    cuebank *bank = NULL;
    player *pl = NULL;
    cue_words *words = NULL;
    static player_cmd script[SCRIPT_MAX];
    int nscript = 0;
    outdev_info info;

    /* PortAudio starts on a thread of its own while the session is prepared
     * (not for --pipe): its start is most of the time to the first sound
     * (out_device.h). For
     * the default device a running JACK server is tried first, through
     * adem's own client, then a running PipeWire server, through adem's own
     * stream: PortAudio is not started then. The signals are blocked
     * whenever PortAudio, libjack or libpipewire may start threads, so that they
     * all inherit the mask and only this thread (the control thread) ever
     * handles them (the player unblocks them) */
    signals_block();
    outdev_starter *pa_start = o->pipe ? NULL : outdev_init_begin(!o->device, o->tl.rate);
    signals_unblock();

    /* the session, parsed and built once (cue lengths from headers only,
     * cheap): a mistake in it is reported as such, whatever the state of the
     * audio devices */
    prep_options po;
    cli_prep_options(o, PREP_RATE, 0, &po);
    if (prep_new(args, nargs, &po, &p, &d) != 0)
        rc = cli_report(&d);
    /* the first cues decoded meanwhile too: at --rate, else at the rate play
     * prefers, which most devices take (done again below for a device that
     * does not) */
    int laid = o->tl.rate ? o->tl.rate : PREP_RATE;
    int cue_rate = o->tl.rate ? o->tl.rate : OUTDEV_PREFERRED_RATE;
    if (rc == 0 && prepare_cues(p, &laid, cue_rate, &bank, &d) != 0)
        rc = cli_report(&d);
    /* the job-control signals from here (a terminal of ours) */
    int tty_out = console_is_tty(1);
    if (tty_out && console_is_tty(0))
        signals_catch_job();
    signals_block();
    /* PortAudio up, also after a mistake (its threads end before the exit);
     * a pipe needs neither PortAudio nor a server */
    adem_diag pa_d;
    diag_clear(&pa_d);
    if (!o->pipe) {
        if (outdev_init_end(pa_start, &pa_d) == 0)
            pa_up = 1;
        else if (rc == 0)
            rc = cli_report(&pa_d);
    }
    if (rc == 0 && (o->pipe ? outdev_find_pipe(o->pipe, &info, &d)
                            : outdev_find(o->device, &info, &d)) != 0)
        rc = cli_report(&d);
    signals_unblock(); /* while the script is read and the cues decoded again */
    int rate = 0, channels = 0;
    if (rc == 0) {
        channels = o->channels ? o->channels : info.max_channels >= 2 ? 2 : 1;
        const char *why = "as asked with --rate";
        rate = o->tl.rate ? o->tl.rate
                          : outdev_choose_rate(&info, channels, OUTDEV_PREFERRED_RATE, &why);
        if (o->verbose)
            fprintf(err, "adem: playing on %s (%s) at %d Hz (%s), %d channel%s\n", info.name,
                    info.host, rate, why, channels, channels == 1 ? "" : "s");
        if (o->script)
            rc = read_script(o->script, rate, script, &nscript, err);
    }
    /* a device that does not take that rate: the same timeline laid out at
     * its own, the first cues decoded at it */
    if (rc == 0 && rate != cue_rate) {
        cuebank_free(bank);
        if (prepare_cues(p, &laid, rate, &bank, &d) != 0)
            rc = cli_report(&d);
    }
    signals_block();
    /* the decoder's thread started with the signals blocked: they come to
     * this thread only */
    if (rc == 0 && cuebank_start(bank, &d) != 0)
        rc = cli_report(&d);
    if (rc == 0 && signals_stop_requested())
        rc = ADEM_EXIT_STOPPED; /* stopped before it began: nothing played */
    player_config pc;
    pc.device = &info;
    pc.latency_ms = o->latency_ms;
    pc.format = o->format;
    cli_engine_config(o, rate, channels, &pc.engine);
    /* --no-ui, or stdout not a terminal: the plain lines */
    pc.ui = (!tty_out || o->no_ui || console_is_dumb()) ? UI_PLAIN : UI_FULL;
    pc.unicode = utf8_locale();
    pc.color = ui_color_wanted(getenv("TERM"), getenv("NO_COLOR"));
    if (rc == 0 && (pc.ui == UI_FULL || o->web)) /* the display and the page show them */
        words = cue_words_load(prep_voicepack(p), prep_timeline(p));
    pc.words = cue_words_table(words);
    pc.nwords = cue_words_count(words);
    pc.keys = PLAYER_KEYS_NONE;
    pc.script = script;
    pc.nscript = nscript;
    pc.remote = 1; /* adem ctl, also with --no-ui and from cron */
    char web_dir[4096];
    const char *data = paths_data_dir();
    if (!data || paths_join(web_dir, sizeof web_dir, data, "web") != 0)
        web_dir[0] = '\0';
    pc.web = o->web;
    pc.web_dir = web_dir;
    pc.msgs = err;
    pc.feed = bank ? cuebank_feed(bank) : NULL;
    pc.first_callback = getenv("ADEM_MEASURE") ? err : NULL;
    if (rc == 0 && pc.ui == UI_FULL && console_raw_enter() == 0)
        pc.keys = PLAYER_KEYS_TRANSPORT; /* the keys: only with the full display */
    pc.engine.interactive = pc.keys != PLAYER_KEYS_NONE; /* a hold waits for the listener */
    /* a --pipe may wait in the open for its reader: a stop signal (pending
     * while they are blocked) ends that wait, silently, as a stop */
    if (rc == 0 && player_open(&pc, prep_timeline(p), NULL, &pl, &d) != 0)
        rc = d.status == ADEM_EXIT_STOPPED ? ADEM_EXIT_STOPPED : cli_report(&d);
    if (rc == 0 && signals_stop_requested()) {
        fprintf(err, "adem: stopped before the session began; nothing was played\n");
        rc = ADEM_EXIT_STOPPED;
    }
    if (rc == 0) {
        started = time(NULL);
        if (player_run(pl, &end, &d) != 0)
            rc = cli_report(&d);
        else if (end == PLAYER_STOPPED)
            rc = ADEM_EXIT_STOPPED;
    }
    /* the terminal as it was found, however the run ended (the signals stay
     * caught until the practice log is written) */
    console_raw_leave();
    if (end == PLAYER_LOST) {
        fprintf(err, "adem: %s\n", player_lost_message(pl));
        /* the minutes played still count */
        engine_status st;
        player_status(pl, &st);
        cmd_log_played(o, p, args, nargs, started, st.pos, err);
        /* a dead server can make PortAudio hang on close: leave it to exit
         * (the callback may still read the cue bank's feed: it stays too).
         * A pipe's threads are ours: it closes, and so does everything else. */
        player_close(pl);
        pl = NULL;
        rc = ADEM_EXIT_RUNTIME;
        if (info.index != OUTDEV_PIPE) {
            stdout_flush();
            fflush(err);
            signals_release_stop();
            return rc;
        }
    }
    if (pl) {
        uint64_t under = player_underflows(pl);
        engine_status st;
        player_status(pl, &st);
        player_close(pl);
        if (cuebank_stop(bank, &d) != 0 && rc == 0)
            rc = cli_report(&d); /* a cue damaged after its header: it played as silence */
        if (st.starved > 0)
            fprintf(err, "adem: note: %llu piece%s of voice cues %s not decoded in time and "
                         "played as silence; the computer is very busy\n",
                    (unsigned long long)st.starved, st.starved == 1 ? "" : "s",
                    st.starved == 1 ? "was" : "were");
        if (getenv("ADEM_MEASURE"))
            fprintf(err, "adem: starved %llu\n", (unsigned long long)st.starved);
        /* (on adem's JACK client the latency is the server's: its periods;
         * on its PipeWire stream the graph's cycles) */
        if (under > 0)
            fprintf(err, "adem: note: the audio device reported %llu underflow%s; if you heard "
                         "dropouts, %s\n",
                    (unsigned long long)under, under == 1 ? "" : "s",
                    outdev_underflow_advice(&info));
        if (st.dropped > 0)
            fprintf(err, "adem: note: %llu sound%s could not start because too many were "
                         "playing at once\n",
                    (unsigned long long)st.dropped, st.dropped == 1 ? "" : "s");
        /* the practice log: after the notes, at most one line of its own */
        if (started)
            cmd_log_played(o, p, args, nargs, started, st.pos, err);
    }
    cue_words_free(words);
    cuebank_free(bank);
    prep_free(p);
    if (pa_up)
        outdev_terminate();
    stdout_flush();
    signals_release_stop();
    cli_set_err(stderr);
    console_restore_stderr();
    return rc;
}
