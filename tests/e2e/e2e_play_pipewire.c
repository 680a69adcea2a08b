/* e2e_play_pipewire: `adem play` on the desktop's sound server, PipeWire (with
 * its PulseAudio and ALSA front-ends), exact with no options: without
 * --device straight to the server through adem's own stream
 * (src/dev/out_pw.c, PortAudio not started), with --device through
 * PortAudio and PipeWire's ALSA device.
 *
 * The test starts its own session bus (dbus-daemon --session), pipewire,
 * wireplumber and pipewire-pulse on a private XDG_RUNTIME_DIR (mode 0700),
 * adds a null sink "room" and makes it the default, and records the sink's
 * monitor with parecord (float, 48 kHz, 20 ms latency; started before adem,
 * stopped 1.5 s after it: with the default latency the last second is lost).
 * PortAudio sees PipeWire's ALSA devices, which report 44.1 kHz as their
 * default rate while the graph runs at 48 kHz (see testing-audio.md):
 *   - `adem devices` says it plays the default device at 48000 Hz;
 *     `adem play --verbose` says it plays on "PipeWire 'pipewire-0'" at the
 *     graph's 48000 Hz; --format (the pipe's) is refused;
 *   - `adem play SESSION` without --device (adem's stream): every impulse of
 *     the probe session on its frame relative to the first (+-1 frame) and
 *     at its level (nothing resampled), none missing at the start or at the
 *     end; the same with --device default (PortAudio, the ALSA device), and
 *     with --channels 1 (adem's stereo stream, started while the session is
 *     prepared, makes way for a mono one, which PipeWire plays on both
 *     channels of the sink);
 *   - pause and resume through --script (the keys' path), on adem's stream:
 *     exact before the pause and after the resume, silence between, no beat
 *     lost or repeated;
 *   - the server killed while adem plays on its stream: exit 1 within 1 s
 *     with one line, "adem: the audio device stopped...".
 * Where adem is built without libpipewire, every play goes through PortAudio
 * (and the killed server is not tested).
 * The voice cues are the user's own "nl" recordings (XDG_DATA_HOME), so that
 * the play needs no --voice. Every process started here is stopped by pid,
 * also when a test fails (e2e.h). Skipped (77) when pipewire is not installed;
 * scripts/bootstrap --test installs it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "e2e.h"
#include "live.h"
#include "rt/engine.h"

enum { RATE = 48000, LEAD = RATE / 10, BEAT = 4800, BEATS = 40 };

static pid_t bus, pw, wp, pulse;
static pid_t recorder[2], player; /* while a test runs */

/* 1 if `name` is a program on PATH. */
static int on_path(const char *name)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* Runs argv (a program on PATH) to its end within timeout_ms, its stdout
 * into out_path (may be NULL). Returns its exit status (-1 if it had to be
 * killed). */
static int run_tool(const char *const *argv, const char *out_path, int timeout_ms)
{
    pid_t p = e2e_spawn(argv, NULL, out_path, NULL);
    int st;
    if (!e2e_wait(p, timeout_ms, &st)) {
        e2e_stop(p, SIGKILL, 2000);
        return -1;
    }
    return st;
}

/* Runs `pactl ARGS...`; returns its status. */
static int pactl(const char *a, const char *b, const char *c)
{
    const char *argv[] = {"pactl", a, b, c, NULL};
    return run_tool(argv, e2e_path("pactl.out"), 10000);
}

/* Starts the session bus, PipeWire, WirePlumber and pipewire-pulse on a
 * private runtime folder, then the null sink "room" as the default. */
static int group_setup(void **state)
{
    (void)state;
    char run[700], cmd[800];
    snprintf(run, sizeof run, "%s", e2e_path("run"));
    if (mkdir(run, 0700) != 0)
        return -1;
    setenv("XDG_RUNTIME_DIR", run, 1);
    unsetenv("PULSE_SERVER");
    unsetenv("PIPEWIRE_REMOTE");
    unsetenv("JACK_DEFAULT_SERVER");
    /* the session bus, in the foreground of its own process (so it is ours
     * to stop): its address is its first line */
    char addr_path[700];
    snprintf(addr_path, sizeof addr_path, "%s", e2e_path("bus.address"));
    const char *dbus[] = {"dbus-daemon", "--session", "--nofork", "--print-address=1", NULL};
    bus = e2e_spawn(dbus, NULL, addr_path, e2e_path("bus.log"));
    char *addr = NULL;
    for (double end = e2e_now_ms() + 10000; e2e_now_ms() < end; e2e_sleep_ms(20)) {
        free(addr);
        addr = e2e_read_text(addr_path);
        if (strchr(addr, '\n'))
            break;
    }
    if (!strchr(addr, '\n'))
        fail_msg("dbus-daemon --session printed no address");
    addr[strcspn(addr, "\n")] = '\0';
    setenv("DBUS_SESSION_BUS_ADDRESS", addr, 1);
    free(addr);

    const char *a_pw[] = {"pipewire", NULL}, *a_wp[] = {"wireplumber", NULL},
               *a_pulse[] = {"pipewire-pulse", NULL};
    pw = e2e_spawn(a_pw, NULL, e2e_path("pipewire.log"), e2e_path("pipewire.log"));
    e2e_sleep_ms(300);
    wp = e2e_spawn(a_wp, NULL, e2e_path("wireplumber.log"), e2e_path("wireplumber.log"));
    pulse = e2e_spawn(a_pulse, NULL, e2e_path("pipewire-pulse.log"),
                      e2e_path("pipewire-pulse.log"));
    int up = 0;
    for (double end = e2e_now_ms() + 20000; !up && e2e_now_ms() < end; e2e_sleep_ms(100))
        up = pactl("info", NULL, NULL) == 0;
    if (!up) {
        char *log = e2e_read_text(e2e_path("pipewire.log"));
        fail_msg("pipewire-pulse did not answer `pactl info` within 20 s; pipewire said:\n%s",
                 log);
    }
    if (pactl("load-module", "module-null-sink", "sink_name=room") != 0 ||
        pactl("set-default-sink", "room", NULL) != 0)
        fail_msg("cannot add the null sink 'room' and make it the default");
    /* WirePlumber may take a moment to make the new sink the default */
    int is_default = 0;
    for (double end = e2e_now_ms() + 10000; !is_default && e2e_now_ms() < end; e2e_sleep_ms(100)) {
        const char *argv[] = {"pactl", "get-default-sink", NULL};
        run_tool(argv, e2e_path("default.out"), 10000);
        char *d = e2e_read_text(e2e_path("default.out"));
        is_default = strcmp(d, "room\n") == 0;
        free(d);
    }
    if (!is_default)
        fail_msg("the null sink 'room' did not become the default sink");

    /* the probe's voice cues: the user's own nl recordings */
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", e2e_path("xdg-data/adem/voices/nl"));
    if (system(cmd) != 0)
        return -1;
    const char *nl = e2e_path("xdg-data/adem/voices/nl");
    char dir[700];
    snprintf(dir, sizeof dir, "%s", nl);
    e2e_write_impulse_cue(dir, "kort", RATE, 1200, 0.5f);
    e2e_write_impulse_cue(dir, "mid", RATE, 4321, -0.375f);
    e2e_write_impulse_cue(dir, "lang", RATE, 30000, 0.25f);
    e2e_write_impulse_cue(dir, "tik", RATE, BEAT, 0.5f);
    return 0;
}

/* What `adem play --verbose` says without --device: adem's own stream on
 * the server, at the graph's rate. */
static const char direct_start[] = "adem: playing on PipeWire 'pipewire-0' (PipeWire, ";
static const char direct_end[] = " at 48000 Hz (the voice pack's rate, which the graph runs at), "
                                 "2 channels\n";
/* ... and with --device default: PortAudio, PipeWire's ALSA device. */
static const char portaudio_line[] = "adem: playing on default (ALSA) at 48000 Hz (the voice "
                                     "pack's rate, which the device takes), 2 channels\n";

/* Asserts that err's first line says adem played on its own PipeWire
 * stream (built without libpipewire: through PortAudio). */
static void assert_direct(const char *err)
{
#ifndef ADEM_HAVE_PIPEWIRE
    if (strncmp(err, portaudio_line, sizeof portaudio_line - 1) != 0)
        fail_msg("want '%s' first on stderr; got: %s", portaudio_line, err);
    return;
#endif
    const char *nl = strchr(err, '\n');
    size_t n = nl ? (size_t)(nl + 1 - err) : 0;
    if (strncmp(err, direct_start, sizeof direct_start - 1) != 0 ||
        n < sizeof direct_end - 1 ||
        strncmp(nl + 1 - (sizeof direct_end - 1), direct_end, sizeof direct_end - 1) != 0)
        fail_msg("want '%s...%s' first on stderr: adem did not play on its own PipeWire stream; "
                 "got: %s", direct_start, direct_end, err);
}

/* Stops the servers (in reverse order, by pid), then everything else. */
static int group_teardown(void **state)
{
    pid_t order[] = {pulse, wp, pw, bus};
    for (int i = 0; i < 4; i++)
        if (order[i] > 0)
            e2e_stop(order[i], SIGTERM, 5000);
    pulse = wp = pw = bus = 0;
    return e2e_group_teardown(state);
}

/* Stops whatever a failed test left running (adem, parecord), not the servers. */
static int teardown(void **state)
{
    (void)state;
    e2e_stop(player, SIGKILL, 5000);
    for (int k = 0; k < 2; k++)
        e2e_stop(recorder[k], SIGKILL, 5000);
    player = recorder[0] = recorder[1] = 0;
    return 0;
}

/* Two recorders of the sink's monitor: a capture client on a loaded machine
 * now and then loses or inserts a period of its own (measured: two recorders
 * of one play disagreed, while one of them was always exact). A fault of the
 * play is in every capture; one of the capture's own in only one. So a play
 * passes when at least one capture passes every check. */
enum { RECORDERS = 2 };

/* A play and what the recorders captured. */
typedef struct capture {
    int status;
    char *err;
    float *cap[RECORDERS]; /* stereo */
    int64_t frames[RECORDERS];
} capture;

/* The recorder's command: parecord with a real-time priority where the
 * system grants one (chrt; as root), else plain. */
static void recorder_argv(const char *wav, const char **argv)
{
    static int rt = -1;
    if (rt < 0)
        rt = system("chrt -f 40 true >/dev/null 2>&1") == 0;
    int n = 0;
    if (rt) {
        argv[n++] = "chrt";
        argv[n++] = "-f";
        argv[n++] = "40";
    }
    const char *rec[] = {"parecord", "-d", "room.monitor", "--latency-msec=100",
                         "--file-format=wav", "--format=float32le", "--rate=48000",
                         "--channels=2", NULL};
    for (int i = 0; rec[i]; i++)
        argv[n++] = rec[i];
    argv[n++] = wav;
    argv[n] = NULL;
}

/* Starts the recorders on room.monitor, waits until they record, runs adem
 * with argv to its end, stops the recorders 1.5 s later and reads what they
 * captured. */
static void play_captured(const char *const *argv, int timeout_ms, capture *c)
{
    static int n;
    char wav[RECORDERS][700], err[700], name[64];
    n++;
    for (int k = 0; k < RECORDERS; k++) {
        snprintf(name, sizeof name, "cap-%d-%d.wav", n, k);
        snprintf(wav[k], sizeof wav[k], "%s", e2e_path(name));
        const char *rec[16];
        recorder_argv(wav[k], rec);
        recorder[k] = e2e_spawn(rec, NULL, NULL, e2e_path("parecord.log"));
    }
    snprintf(name, sizeof name, "play-%d.err", n);
    snprintf(err, sizeof err, "%s", e2e_path(name));
    /* recording once the server lists them as source outputs */
    int recording = 0;
    for (double end = e2e_now_ms() + 10000; !recording && e2e_now_ms() < end; e2e_sleep_ms(50)) {
        const char *argv2[] = {"pactl", "list", "short", "source-outputs", NULL};
        run_tool(argv2, e2e_path("outputs.out"), 10000);
        char *t = e2e_read_text(e2e_path("outputs.out"));
        recording = e2e_count_lines(t) == RECORDERS;
        free(t);
    }
    if (!recording)
        fail_msg("parecord did not start recording room.monitor");
    e2e_sleep_ms(200);
    pid_t a = player = e2e_spawn_adem(argv, NULL, NULL, err);
    int st;
    if (!e2e_wait(a, timeout_ms, &st))
        fail_msg("adem play did not finish within %d ms", timeout_ms);
    player = 0;
    e2e_sleep_ms(1500);
    c->status = st;
    c->err = e2e_read_text(err);
    for (int k = 0; k < RECORDERS; k++) {
        int rst = e2e_stop(recorder[k], SIGINT, 10000);
        recorder[k] = 0;
        if (rst != 0 && rst != 128 + SIGINT)
            fail_msg("parecord ended with status %d", rst);
        int channels, rate;
        c->frames[k] = e2e_read_audio(wav[k], &c->cap[k], &channels, &rate);
        assert_int_equal(channels, 2);
        assert_int_equal(rate, RATE);
        if (!e2e_audio_is_float(wav[k]))
            fail_msg("the capture %s is not float", wav[k]);
    }
}

/* Frees what play_captured read. */
static void capture_free(capture *c)
{
    free(c->err);
    for (int k = 0; k < RECORDERS; k++)
        free(c->cap[k]);
}

/* Runs check on each capture; passes when one of them passes (printing why
 * the others did not), else fails with every reason. */
static void assert_one_capture(const capture *c, const char *(*check)(const float *, int64_t))
{
    char why[RECORDERS][600];
    int good = 0;
    for (int k = 0; k < RECORDERS; k++) {
        const char *w = check(c->cap[k], c->frames[k]);
        snprintf(why[k], sizeof why[k], "%s", w ? w : "");
        good += w == NULL;
    }
    for (int k = 0; k < RECORDERS && good; k++)
        if (why[k][0])
            print_message("      (capture %d has a fault of its own: %s)\n", k, why[k]);
    if (!good)
        fail_msg("every capture shows the fault: %s | %s", why[0], why[1]);
}

/* `adem devices`: the default device (PipeWire's ALSA "default", 44.1 kHz
 * by its own account) is played at 48000 Hz, the voice pack's rate. */
static void devices_say_48k(void **state)
{
    (void)state;
    const char *argv[] = {"adem", "devices", NULL};
    e2e_result r;
    e2e_run(argv, &r);
    print_message("      adem devices:\n%s", r.out);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    char *line = strchr(r.out, '*');
    if (!line || (line != r.out && line[-1] != '\n'))
        fail_msg("no default device marked with *");
    line[strcspn(line, "\n")] = '\0';
    const char *last = strrchr(line, ' ');
    assert_non_null(last);
    assert_string_equal(last + 1, "48000");
    e2e_result_free(&r);

    /* --verbose says where, at what rate and why: adem's own stream, at the
     * graph's rate */
    char session[700];
    snprintf(session, sizeof session, "%s", e2e_path("kort.adem"));
    e2e_write_file(session, "session \"Kort\"\nspeak kort\n");
    const char *play[] = {"adem", "play", "--verbose", session, NULL};
    e2e_run(play, &r);
    print_message("      adem play --verbose: %s", r.err);
    assert_int_equal(r.status, 0);
    assert_direct(r.err);
    e2e_result_free(&r);

    /* --format is the pipe's: a device plays float */
    const char *fmt[] = {"adem", "play", "--format", "s16", session, NULL};
    e2e_run(fmt, &r);
    print_message("      adem play --format s16: exit %d: %s", r.status, r.err);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "--format is for --pipe"));
    e2e_result_free(&r);
}

/* The probe's impulses, relative to the first (lang): kort 1200, mid 4321,
 * lang 30000 frames; waits 250 ms = 12000, 37 ms = 1776, 1 s = 48000. */
static int64_t probe_want[32];
static float probe_amp[32];
static int probe_n;

/* Checks a capture of the probe: every impulse on its frame relative to the
 * first (+-1 frame) and at its level, none missing at the start or the end.
 * Returns NULL, or why not. */
static const char *check_probe(const float *cap, int64_t frames)
{
    static char why[600];
    int64_t pos[64];
    int64_t found = e2e_find_peaks(cap, frames, 2, 0.05f, pos, 64);
    int len = snprintf(why, sizeof why, "%lld impulses, relative:", (long long)found);
    for (int64_t i = 0; i < found && i < 64 && len < 500; i++)
        len += snprintf(why + len, sizeof why - (size_t)len, " %lld", (long long)(pos[i] - pos[0]));
    print_message("      %s\n", why);
    if (found != probe_n)
        return why;
    for (int i = 0; i < probe_n; i++) {
        int64_t d = pos[i] - pos[0] - probe_want[i];
        float v = cap[2 * pos[i]];
        if (d < -1 || d > 1 || v < probe_amp[i] - 0.01f || v > probe_amp[i] + 0.01f) {
            snprintf(why, sizeof why, "impulse %d is %.4f at %lld relative to the first, want "
                     "%.4f at %lld", i, (double)v, (long long)(pos[i] - pos[0]),
                     (double)probe_amp[i], (long long)probe_want[i]);
            return why;
        }
    }
    return NULL;
}

/* The probe on `device` (NULL: none given, adem's own stream), with
 * --verbose: every impulse on its frame relative to the first, the first
 * and the last there; stderr holds the verbose line (the way it played) and
 * at most a note of underflows. */
static void probe_exact(const char *device, int mono)
{
    char session[700];
    snprintf(session, sizeof session, "%s", e2e_path("probe.adem"));
    e2e_write_file(session, "session \"Proef\"\n"
                            "wait 100ms\n"
                            "speak lang\n"
                            "wait 250ms\n"
                            "repeat 8\n"
                            "  speak kort\n"
                            "  wait 37ms\n"
                            "  speak mid\n"
                            "  wait 1s\n"
                            "end\n"
                            "speak kort\n");
    const float g = engine_db_gain(ENGINE_HEADROOM_DB);
    int64_t t = 0;
    probe_n = 0;
    probe_want[probe_n] = t, probe_amp[probe_n++] = 0.25f * g;
    t += 30000 + 12000;
    for (int k = 0; k < 8; k++) {
        probe_want[probe_n] = t, probe_amp[probe_n++] = 0.5f * g;
        probe_want[probe_n] = t + 1200 + 1776, probe_amp[probe_n++] = -0.375f * g;
        t += 1200 + 1776 + 4321 + 48000;
    }
    probe_want[probe_n] = t, probe_amp[probe_n++] = 0.5f * g;

    const char *with_device[] = {"adem", "play", "--verbose", "--device", device, session, NULL};
    const char *without[] = {"adem", "play", "--verbose", session, NULL};
    const char *one[] = {"adem", "play", "--verbose", "--channels", "1", session, NULL};
    capture c;
    play_captured(device ? with_device : mono ? one : without, 60000, &c);
    if (c.status != 0)
        fail_msg("adem play exited %d: %s", c.status, c.err);
    if (device) {
        if (strncmp(c.err, portaudio_line, sizeof portaudio_line - 1) != 0)
            fail_msg("want '%s' first on stderr: adem did not play through PortAudio; got: %s",
                     portaudio_line, c.err);
    } else if (mono) {
        /* another stream than the one started ahead: stereo */
        const char *nl = strchr(c.err, '\n');
        if (strncmp(c.err, direct_start, sizeof direct_start - 1) != 0 || !nl ||
            nl - c.err < 11 || strncmp(nl - 11, ", 1 channel", 11) != 0)
            fail_msg("want '%s..., 1 channel' first on stderr; got: %s", direct_start, c.err);
    } else {
        assert_direct(c.err);
    }
    long under;
    if (!live_quiet_stderr(strchr(c.err, '\n') + 1, &under))
        fail_msg("unexpected stderr: %s", c.err);
    assert_one_capture(&c, check_probe);
    capture_free(&c);
}

/* Without --device: adem's own stream. */
static void probe_exact_without_device(void **state)
{
    (void)state;
    probe_exact(NULL, 0);
}

/* Without --device, with --channels 1: the stream adem started ahead
 * (stereo) makes way for a mono one; PipeWire plays it on both channels of
 * the sink, each impulse on its frame and at its level. */
static void probe_exact_mono(void **state)
{
    (void)state;
#ifndef ADEM_HAVE_PIPEWIRE
    skip();
#endif
    probe_exact(NULL, 1);
}

/* With --device default: PortAudio and PipeWire's ALSA device. */
static void probe_exact_through_portaudio(void **state)
{
    (void)state;
    probe_exact("default", 0);
}

/* Checks a capture of the steady session paused at 1 s and resumed at 2 s:
 * the beats before the pause and after the resume exactly BEAT apart, one
 * gap of at least half a second after about a second, every beat once (a
 * beat on a fade's zero may be lost: no more). Returns NULL, or why not. */
static const char *check_pause(const float *cap, int64_t frames)
{
    static char why[600];
    const float full = 0.5f * engine_db_gain(ENGINE_HEADROOM_DB);
    int64_t pos[128];
    int64_t found = e2e_find_peaks(cap, frames, 2, 0.001f, pos, 128);
    if (found < 2 || found > 128) {
        snprintf(why, sizeof why, "%lld beats", (long long)found);
        return why;
    }
    int64_t gap_at = -1; /* the first beat after the pause */
    for (int64_t i = 1; i < found; i++) {
        int64_t d = pos[i] - pos[i - 1];
        if (d > 3 * BEAT && gap_at < 0) {
            gap_at = i;
        } else if (d < BEAT - 1 || d > BEAT + 1) {
            snprintf(why, sizeof why, "beats %lld and %lld are %lld frames apart, want %d",
                     (long long)i - 1, (long long)i, (long long)d, BEAT);
            return why;
        }
    }
    int faded = 0;
    for (int64_t i = 0; i < found; i++)
        faded += cap[2 * pos[i]] < full - 0.01f;
    snprintf(why, sizeof why, "%lld beats, %d of them inside a fade; the pause after beat %lld, "
             "%.3f s", (long long)found, faded, (long long)gap_at,
             gap_at > 0 ? (double)(pos[gap_at] - pos[gap_at - 1]) / RATE : 0.0);
    print_message("      %s\n", why);
    /* paused at 1 s of output (with the lead and the silent start: after
     * about 9 beats), for about a second */
    if (gap_at < 8 || gap_at > 13 || pos[gap_at] - pos[gap_at - 1] < RATE / 2 ||
        !(found == BEATS || found == BEATS - 1) || faded > 2)
        return why;
    return NULL;
}

/* Pause at 1 s, resume at 2 s (--script, as the keys): the beats before the
 * pause and after the resume exact, silence between, every beat once. */
static void pause_and_resume(void **state)
{
    (void)state;
    char session[700], script[700];
    snprintf(session, sizeof session, "%s", e2e_path("steady.adem"));
    snprintf(script, sizeof script, "%s", e2e_path("pause.script"));
    char text[200];
    snprintf(text, sizeof text, "session \"Regelmaat\"\nwait 100ms\nrepeat %d\n  speak tik\nend\n",
             BEATS);
    e2e_write_file(session, text);
    e2e_write_file(script, "1.0 pause\n2.0 resume\n");
    const char *argv[] = {"adem", "play", "--verbose", "--script", script, session, NULL};
    capture c;
    play_captured(argv, 60000, &c);
    if (c.status != 0)
        fail_msg("adem play exited %d: %s", c.status, c.err);
    assert_direct(c.err);
    assert_one_capture(&c, check_pause);
    capture_free(&c);
}

#ifdef ADEM_HAVE_PIPEWIRE
/* The server killed under adem's stream: exit 1 with one line within 1 s of
 * its death, the practice-log line written, no hang. Last: the servers are
 * gone after it. */
static void server_killed(void **state)
{
    (void)state;
    remove(live_log_file());
    char session[700], out[700], err[700];
    snprintf(session, sizeof session, "%s", e2e_path("twintig.adem"));
    e2e_write_file(session, "session \"Twintig\"\nrepeat 400\n  speak tik\nend\n");
    snprintf(out, sizeof out, "%s", e2e_path("lost.out"));
    snprintf(err, sizeof err, "%s", e2e_path("lost.err"));
    const char *argv[] = {"adem", "play", "--no-ui", session, NULL};
    /* In the sanitizer build: adem deliberately leaves the engine allocated
     * when the device is lost (the audio thread may still run). */
    const char *env[] = {"ADEM_MEASURE=1", NULL, NULL};
    if (getenv("ADEM_SANITIZE"))
        env[1] = "ASAN_OPTIONS=exitcode=86:detect_leaks=0";
    player = e2e_spawn_adem(argv, env, out, err);
    int playing = 0;
    for (double end = e2e_now_ms() + 15000; !playing && e2e_now_ms() < end; e2e_sleep_ms(50)) {
        char *text = e2e_read_text(err);
        playing = strstr(text, "adem: first callback\n") != NULL;
        free(text);
    }
    if (!playing) {
        char *text = e2e_read_text(err);
        fail_msg("adem's PipeWire stream did not start playing: %s", text);
    }
    e2e_sleep_ms(1500);
    int st;
    assert_int_equal(e2e_wait(player, 0, &st), 0); /* still playing */
    e2e_stop(pw, SIGKILL, 5000);
    pw = 0;
    pid_t pid = player;
    player = 0; /* (live_assert_lost stops it if it hangs) */
    live_assert_lost(pid, e2e_now_ms(), err, session, "PipeWire");
}
#endif

int main(void)
{
    if (!on_path("pipewire")) {
        printf("skipped: pipewire is not installed (scripts/bootstrap --test installs it)\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(devices_say_48k, teardown),
        cmocka_unit_test_teardown(probe_exact_without_device, teardown),
        cmocka_unit_test_teardown(probe_exact_mono, teardown),
        cmocka_unit_test_teardown(probe_exact_through_portaudio, teardown),
        cmocka_unit_test_teardown(pause_and_resume, teardown),
#ifdef ADEM_HAVE_PIPEWIRE
        cmocka_unit_test_teardown(server_killed, teardown),
#endif
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
