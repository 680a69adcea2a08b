/* e2e_record: `adem record` on a private JACK dummy server, with a known
 * signal fed into its input.
 *
 * How the signal gets in: the dummy driver's system:monitor_1 port carries
 * whatever is played to system:playback_1. The test connects it to adem
 * record's input port (PortAudio:in_N), then, once the take is recording, a
 * second `adem play` plays a session whose only sound is a known cue (1 s of
 * 440 Hz at -12 dBFS, or a 100 ms beep) to system:playback_*. So the recorded
 * take is silence, the exact signal, silence. The keys come from --script
 * ("SECONDS KEY", see src/app/cmd_record.c); while recording, SECONDS counts
 * recorded sound, so every take has a scripted length.
 *
 * What is asserted:
 *   - the flow: a silent take is "Niet bruikbaar: stil", enter keeps nothing,
 *     r records again; the signal's take is kept as PACKDIR/ID.ogg, q stops
 *     with status 130 and the next run resumes at the first missing cue;
 *   - the cue: Ogg Vorbis, mono, 48 kHz; -20 +-0.5 LUFS and true peak
 *     <= -1 dBTP (libebur128); its length is the signal's 48000 frames plus
 *     cueprep's 15 ms lead and 40 ms tail (50640) within 16 frames, so the
 *     seconds of silence before and after the signal are gone; its first and
 *     last 5 ms are quiet (< -50 dBFS); between the margins it is the 440 Hz
 *     sine (zero crossings);
 *   - `adem render 478 --voice PACKDIR` speaks the recorded cue (the render's
 *     first frames are the cue) and takes the rest from nl;
 *   - a mostly silent take (the 100 ms beep) is flagged "te zacht / bijna
 *     stil", asks for a second enter, and when skipped leaves the existing cue
 *     file byte for byte as it was (a retake never overwrites by itself);
 *   - a new folder gets a copy of the nl transcript; a pack name goes to
 *     $XDG_DATA_HOME/adem/voices/NAME; skipped cues stay missing;
 *   - refusals, one line each, nothing created: no terminal and no --script
 *     (2), no input device (1), a bad transcript, cue ID, script or --device (2);
 *   - a sound server that freezes mid-take (SIGSTOP): exit 1 within seconds,
 *     one line, the unfinished take removed.
 * Needs jackd, jack_lsp and jack_connect (scripts/bootstrap --test). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ebur128.h>
#include <math.h>
#include <signal.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "live.h"
#include "rt/engine.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

enum { RATE = 48000, PERIOD = 256, SIG_FRAMES = 48000, LEAD = 720, TAIL = 1920 };

static char feed_pack[600], feed_sig[600], feed_beep[600];

/* ---- helpers --------------------------------------------------------------- */

/* Number of times needle occurs in hay. */
static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Waits up to timeout_ms until the file at path holds needle `times` times;
 * returns 1, or 0 on timeout. */
static int wait_for_text(const char *path, const char *needle, int times, int timeout_ms)
{
    double end = e2e_now_ms() + timeout_ms;
    do {
        char *t = e2e_read_text(path);
        int n = count_of(t, needle);
        free(t);
        if (n >= times)
            return 1;
        e2e_sleep_ms(20);
    } while (e2e_now_ms() < end);
    return 0;
}

/* The name of adem record's JACK input port ("PortAudio:in_0"), waiting up
 * to 15 s for it to appear; fails the test when it does not. */
static void find_input_port(char *port, size_t n)
{
    double end = e2e_now_ms() + 15000;
    do {
        FILE *p = popen("jack_lsp 2>/dev/null", "r");
        char line[256];
        int found = 0;
        while (p && fgets(line, sizeof line, p)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (strncmp(line, "PortAudio", 9) == 0 && strstr(line, ":in_") && !found) {
                snprintf(port, n, "%s", line);
                found = 1;
            }
        }
        if (p)
            pclose(p);
        if (found)
            return;
        e2e_sleep_ms(50);
    } while (e2e_now_ms() < end);
    fail_msg("adem record's input port did not appear (jack_lsp lists no PortAudio:in_*)");
}

/* Connects system:monitor_1 (what is played) to adem record's input port. */
static void connect_monitor(void)
{
    char port[600];
    find_input_port(port, sizeof port);
    const char *argv[] = {"jack_connect", "system:monitor_1", port, NULL};
    int st;
    pid_t pid = e2e_spawn(argv, NULL, NULL, NULL);
    if (!e2e_wait(pid, 10000, &st) || st != 0)
        fail_msg("jack_connect system:monitor_1 %s failed (%d)", port, st);
    if (!live_jack_wait_connected("system:monitor_1", 5000))
        fail_msg("system:monitor_1 is not connected to %s", port);
}

/* Plays the feeder session through JACK (its sound reaches adem record via
 * system:monitor_1) and waits for it; returns its wall time in ms. */
static double feed(const char *session)
{
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", "--voice", feed_pack,
                          session, NULL};
    const char *outp = e2e_path("feed.out"), *errp = e2e_path("feed.err");
    double t0 = e2e_now_ms();
    pid_t pid = e2e_spawn_adem(argv, NULL, outp, errp);
    int st;
    if (!e2e_wait(pid, 30000, &st)) {
        e2e_stop(pid, SIGKILL, 2000);
        fail_msg("the feeder (adem play %s) did not finish in 30 s", session);
    }
    if (st != 0) {
        char *e = e2e_read_text(errp);
        fail_msg("the feeder (adem play %s) exited %d: %s", session, st, e);
    }
    return e2e_now_ms() - t0;
}

/* A background `adem record`, its output files and, when done, its status. */
typedef struct rec_run {
    pid_t pid;
    char out[600], err[600];
    int status;
    char *out_text, *err_text;
} rec_run;

/* Starts adem record ARGS... (argv[0] ignored) with the keys of `keys` in a
 * script file, and extra environment entries (may be NULL). */
static void rec_start(const char *const *argv, const char *keys, const char *const *env,
                      rec_run *r)
{
    static int n;
    char name[64];
    memset(r, 0, sizeof *r);
    snprintf(name, sizeof name, "keys-%d.txt", ++n);
    char script[600];
    snprintf(script, sizeof script, "%s", e2e_path(name));
    e2e_write_file(script, keys);
    const char *args[32];
    int k = 0;
    args[k++] = "adem";
    args[k++] = "record";
    args[k++] = "--script";
    args[k++] = script;
    for (int i = 1; argv[i] && k < 31; i++)
        args[k++] = argv[i];
    args[k] = NULL;
    snprintf(name, sizeof name, "rec-%d.out", n);
    snprintf(r->out, sizeof r->out, "%s", e2e_path(name));
    snprintf(name, sizeof name, "rec-%d.err", n);
    snprintf(r->err, sizeof r->err, "%s", e2e_path(name));
    r->pid = e2e_spawn_adem(args, env, r->out, r->err);
}

/* Waits up to timeout_ms for adem record to exit (else kills it and fails)
 * and reads its output. */
static void rec_finish(rec_run *r, int timeout_ms)
{
    if (!e2e_wait(r->pid, timeout_ms, &r->status)) {
        e2e_stop(r->pid, SIGKILL, 2000);
        char *o = e2e_read_text(r->out), *e = e2e_read_text(r->err);
        fail_msg("adem record did not finish in %d ms; stdout:\n%s\nstderr:\n%s", timeout_ms, o,
                 e);
    }
    r->out_text = e2e_read_text(r->out);
    r->err_text = e2e_read_text(r->err);
}

/* Frees what rec_finish read. */
static void rec_free(rec_run *r)
{
    free(r->out_text);
    free(r->err_text);
}

/* Asserts that adem's stderr is empty or holds only its own notes (input
 * overflows: PortAudio flags one on every JACK xrun). */
static void assert_quiet(const char *err)
{
    for (const char *p = err; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (strncmp(p, "adem: note: ", 12) != 0)
            fail_msg("unexpected stderr: %s", err);
        p += len + (nl ? 1 : 0);
    }
}

/* Asserts that s contains needle, showing s when it does not. */
static void assert_has(const char *s, const char *needle)
{
    if (!strstr(s, needle))
        fail_msg("expected \"%s\" in:\n%s", needle, s);
}

/* Copies the file at from to to. */
static void copy_file(const char *from, const char *to)
{
    size_t n;
    unsigned char *b = (unsigned char *)e2e_read_file(from, &n);
    FILE *f = fopen(to, "wb");
    if (!f || fwrite(b, 1, n, f) != n || fclose(f) != 0)
        fail_msg("cannot write %s", to);
    free(b);
}

/* ---- tests ----------------------------------------------------------------- */

/* Without a terminal on stdin and without --script, record refuses in one
 * line (status 2) and creates nothing. */
static void refuses_without_a_terminal(void **state)
{
    (void)state;
    char dir[600];
    snprintf(dir, sizeof dir, "%s", e2e_path("niemand"));
    const char *argv[] = {"adem", "record", dir, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_has(r.err, "adem: recording needs a person at the keyboard");
    assert_string_equal(r.out, "");
    assert_false(e2e_exists(dir));
    e2e_result_free(&r);
}

/* No input device at all (no JACK server by that name, and a machine without
 * a sound card, as the test machines are): status 1, one line, and no folder
 * made. On a machine with a microphone of its own the case cannot be made
 * (an empty ALSA configuration makes PortAudio 19.6 abort), so it is skipped
 * there, saying so. */
static void no_input_device(void **state)
{
    (void)state;
    char dir[600];
    snprintf(dir, sizeof dir, "%s", e2e_path("zonder-microfoon"));
    const char *env[] = {"JACK_DEFAULT_SERVER=adem-test-nobody", "JACK_NO_START_SERVER=1", NULL};
    e2e_write_file(e2e_path("q.txt"), "0.1 q\n");
    const char *argv[] = {"adem", "record", "--script", e2e_path("q.txt"), dir, NULL};
    e2e_result r;
    e2e_run_env(argv, env, &r);
    if (r.status == 130 && strstr(r.out, "Microfoon: ")) {
        print_message("      skipped: this machine has an input device besides JACK\n");
        e2e_result_free(&r);
        skip();
    }
    assert_int_equal(r.status, 1);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_has(r.err, "adem: no audio input device found; ");
    assert_false(e2e_exists(dir));
    e2e_result_free(&r);
}

/* Input errors are found before the microphone is opened: status 2, one
 * line each, with the place. */
static void bad_input_is_refused(void **state)
{
    (void)state;
    char dir[600];
    snprintf(dir, sizeof dir, "%s", e2e_path("fout"));
    e2e_mkdir(dir);
    char tsv[700];
    snprintf(tsv, sizeof tsv, "%s/transcript.tsv", dir);
    e2e_write_file(tsv, "intro_478\tGoed.\nzonder tab\n");
    e2e_write_file(e2e_path("k.txt"), "0.1 q\n");
    char script[600];
    snprintf(script, sizeof script, "%s", e2e_path("k.txt"));
    e2e_result r;
    {
        const char *argv[] = {"adem", "record", "--script", script, dir, NULL};
        e2e_run(argv, &r);
        assert_int_equal(r.status, 2);
        assert_int_equal(e2e_count_lines(r.err), 1);
        assert_has(r.err, "transcript.tsv:2:");
        e2e_result_free(&r);
    }
    e2e_write_file(tsv, "intro_478\tGoed.\n");
    {
        const char *argv[] = {"adem", "record", "--script", script, dir, "bestaat_niet", NULL};
        e2e_run(argv, &r);
        assert_int_equal(r.status, 2);
        assert_int_equal(e2e_count_lines(r.err), 1);
        assert_has(r.err, "cue 'bestaat_niet' is not in ");
        e2e_result_free(&r);
    }
    {
        e2e_write_file(e2e_path("bad.txt"), "0.5 enter\nsoon x\n");
        const char *argv[] = {"adem", "record", "--script", e2e_path("bad.txt"), dir, NULL};
        e2e_run(argv, &r);
        assert_int_equal(r.status, 2);
        assert_has(r.err, "bad.txt:2:1: expected SECONDS KEY");
        e2e_result_free(&r);
    }
    {
        const char *argv[] = {"adem", "record", "--script", script, "--device", "geen-zulk-ding",
                              dir, NULL};
        e2e_run(argv, &r);
        assert_int_equal(r.status, 2);
        assert_int_equal(e2e_count_lines(r.err), 1);
        assert_has(r.err, "--device geen-zulk-ding: no input device has that name; the input "
                          "devices are ");
        assert_has(r.err, "'system'");
        e2e_result_free(&r);
    }
    assert_int_equal(e2e_dir_entries(dir), 1); /* only the transcript */
}

/* The whole way: a silent take refused, the known signal recorded, kept,
 * measured; quit; resume; render 478 with the pack. */
static void records_a_known_signal(void **state)
{
    (void)state;
    char pack[600];
    snprintf(pack, sizeof pack, "%s", e2e_path("mijnstem"));
    e2e_mkdir(pack);
    char tsv[700], ogg[700], raw[700], part[700];
    snprintf(tsv, sizeof tsv, "%s/transcript.tsv", pack);
    snprintf(ogg, sizeof ogg, "%s/intro_478.ogg", pack);
    snprintf(raw, sizeof raw, "%s/.takes/intro_478.wav", pack);
    snprintf(part, sizeof part, "%s/.takes/intro_478.new.wav", pack);
    e2e_write_file(tsv, "intro_478\tWe beginnen rustig.\nveilig_adem\tAdem gewoon door als het "
                        "te veel wordt.\n");
    const char *argv[] = {"adem", "--device", "system", pack, NULL};
    rec_run r;
    rec_start(argv, "0.3 enter\n" /* cue 1: record */
                    "1.0 enter\n" /* a silent take of 1 s */
                    "0.3 enter\n" /* keep? nothing to keep */
                    "0.3 r\n"     /* again */
                    "7.0 enter\n" /* 7 s with the signal in it */
                    "0.3 p\n"     /* play it back (to its end: a script's keys wait) */
                    "0.3 enter\n" /* keep */
                    "0.3 q\n",    /* cue 2: stop */
              NULL, &r);
    connect_monitor();
    if (!wait_for_text(r.out, "Opnemen:", 2, 40000)) {
        rec_finish(&r, 5000);
        fail_msg("the second take did not start; stdout:\n%s\nstderr:\n%s", r.out_text,
                 r.err_text);
    }
    double fed_ms = feed(feed_sig);
    if (fed_ms > 6000)
        fail_msg("the feeder took %.0f ms: the signal may run past the 7 s take (machine too "
                 "loaded)", fed_ms);
    rec_finish(&r, 60000);
    if (r.status != 130)
        fail_msg("adem record exited %d (want 130 after q); stderr: %s", r.status, r.err_text);
    assert_quiet(r.err_text);
    const char *o = r.out_text;
    assert_has(o, "Cue 1 van 2: intro_478\n  \"We beginnen rustig.\"\n");
    assert_has(o, "Niet bruikbaar: stil");
    assert_has(o, "Er is niets om te bewaren");
    assert_int_equal(count_of(o, "Opnemen:"), 2);
    assert_has(o, "luidheid -");
    assert_has(o, "Bewaard: intro_478.ogg");
    assert_int_equal(count_of(o, "Let op"), 0); /* the signal's take is not flagged */
    /* the play-back went through the player on the output device */
    assert_int_equal(count_of(o, "Afspelen... (enter of q stopt)"), 1);
    assert_int_equal(count_of(o, "afspelen lukt niet"), 0);
    assert_has(o, "Cue 2 van 2: veilig_adem");
    assert_has(o, "Gestopt. 1 van 2 cues opgenomen.");
    assert_has(o, "gaat verder bij veilig_adem");
    rec_free(&r);

    /* the files: the cue, its raw take; no leftovers, nothing for cue 2 */
    assert_true(e2e_exists(ogg));
    assert_true(e2e_exists(raw));
    assert_false(e2e_exists(part));
    char p2[700];
    snprintf(p2, sizeof p2, "%s/intro_478.ogg.part", pack);
    assert_false(e2e_exists(p2));
    snprintf(p2, sizeof p2, "%s/veilig_adem.ogg", pack);
    assert_false(e2e_exists(p2));
    assert_int_equal(e2e_dir_entries(pack), 3); /* transcript, cue, .takes */

    /* the cue: Ogg Vorbis, mono, 48 kHz */
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(ogg, SFM_READ, &info);
    assert_non_null(sf);
    sf_close(sf);
    assert_int_equal(info.format & SF_FORMAT_TYPEMASK, SF_FORMAT_OGG);
    assert_int_equal(info.format & SF_FORMAT_SUBMASK, SF_FORMAT_VORBIS);
    float *x;
    int ch, rate;
    int64_t n = e2e_read_audio(ogg, &x, &ch, &rate);
    assert_int_equal(ch, 1);
    assert_int_equal(rate, RATE);

    /* loudness and true peak, by libebur128 */
    ebur128_state *st = ebur128_init(1, RATE, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
    assert_non_null(st);
    assert_int_equal(ebur128_add_frames_float(st, x, (size_t)n), EBUR128_SUCCESS);
    double lufs, tp;
    assert_int_equal(ebur128_loudness_global(st, &lufs), EBUR128_SUCCESS);
    assert_int_equal(ebur128_true_peak(st, 0, &tp), EBUR128_SUCCESS);
    ebur128_destroy(&st);
    double tp_db = 20 * log10(tp);

    /* the edges: the first and last 5 ms quiet */
    double head = 0, tail = 0;
    for (int64_t i = 0; i < RATE / 200; i++) {
        if (fabs(x[i]) > head)
            head = fabs(x[i]);
        if (fabs(x[n - 1 - i]) > tail)
            tail = fabs(x[n - 1 - i]);
    }
    /* the body: the 440 Hz sine (zero crossings between the margins) */
    int64_t from = LEAD + 240, to = n - TAIL - 240, crossings = 0;
    for (int64_t i = from + 1; i < to; i++)
        crossings += (x[i - 1] < 0) != (x[i] < 0);
    double hz = crossings / 2.0 / ((double)(to - from) / RATE);
    print_message("      cue: %lld frames (want %d), %.2f LUFS, %.2f dBTP, edges %.1f / %.1f dBFS, "
                  "%.1f Hz\n",
                  (long long)n, SIG_FRAMES + LEAD + TAIL, lufs, tp_db, 20 * log10(head + 1e-12),
                  20 * log10(tail + 1e-12), hz);
    assert_true(fabs(lufs + 20.0) <= 0.5);
    assert_true(tp_db <= -1.0);
    if (llabs(n - (SIG_FRAMES + LEAD + TAIL)) > 16)
        fail_msg("the cue is %lld frames; the signal plus lead and tail is %d", (long long)n,
                 SIG_FRAMES + LEAD + TAIL);
    assert_true(head < pow(10, -50 / 20.0));
    assert_true(tail < pow(10, -50 / 20.0));
    assert_true(fabs(hz - 440.0) < 1.0);

    /* the next run resumes at the first cue without a file */
    {
        const char *argv2[] = {"adem", "--device", "system", pack, NULL};
        rec_start(argv2, "0.3 q\n", NULL, &r);
        rec_finish(&r, 30000);
        if (r.status != 130)
            fail_msg("the second run exited %d; stdout:\n%s\nstderr:\n%s", r.status,
                     r.out_text, r.err_text);
        assert_has(r.out_text, "(2 cues, 1 al opgenomen)");
        assert_has(r.out_text, "Cue 2 van 2: veilig_adem");
        assert_null(strstr(r.out_text, "Cue 1 van 2"));
        rec_free(&r);
    }

    /* render 478 with the pack: the recorded cue first, then nl's */
    char out[600];
    snprintf(out, sizeof out, "%s", e2e_path("478.wav"));
    const char *rargv[] = {"adem", "render", "478", "--voice", pack, "--set", "cycles=1",
                           "--format", "f32", "-o", out, NULL};
    e2e_result rr;
    e2e_run(rargv, &rr);
    if (rr.status != 0)
        fail_msg("adem render 478 --voice %s failed (%d): %s", pack, rr.status, rr.err);
    e2e_result_free(&rr);
    float *y;
    int ych, yrate;
    int64_t yn = e2e_read_audio(out, &y, &ych, &yrate);
    assert_int_equal(ych, 2);
    assert_int_equal(yrate, RATE);
    assert_true(yn > n + RATE);
    double diff = 0;
    const float g = engine_db_gain(ENGINE_HEADROOM_DB); /* the mix's headroom */
    for (int64_t i = 0; i < n; i++)
        for (int c = 0; c < 2; c++)
            if (fabs(y[i * 2 + c] - x[i] * g) > diff)
                diff = fabs(y[i * 2 + c] - x[i] * g);
    print_message("      render: the recorded cue is its first %lld frames (max diff %.3g)\n",
                  (long long)n, diff);
    assert_true(diff < 1e-5);
    /* then `wait 1s` of silence, then veilig_adem (from nl) starts */
    for (int64_t i = n * 2; i < (n + RATE) * 2; i++)
        if (y[i] != 0.0f)
            fail_msg("sound at frame %lld, inside the wait after the cue", (long long)(i / 2));
    int64_t next = e2e_first_sound(y + (n + RATE) * 2, yn - n - RATE, 2);
    assert_true(next >= 0 && next < RATE / 10);
    free(y);
    free(x);
}

/* A retake of an existing cue that is mostly silent (a 100 ms beep) is
 * flagged, asks for a second enter, and when skipped leaves the cue file as
 * it was. */
static void flagged_retake_is_not_kept(void **state)
{
    (void)state;
    char pack[600];
    snprintf(pack, sizeof pack, "%s", e2e_path("opnieuw"));
    e2e_mkdir(pack);
    char tsv[700], ogg[700], from[1200];
    snprintf(tsv, sizeof tsv, "%s/transcript.tsv", pack);
    snprintf(ogg, sizeof ogg, "%s/intro_478.ogg", pack);
    snprintf(from, sizeof from, "%s/audio/voices/nl/intro_478.ogg", e2e_source_dir());
    e2e_write_file(tsv, "intro_478\tWe beginnen rustig.\nveilig_adem\tAdem door.\n");
    copy_file(from, ogg);
    size_t n0, n1;
    unsigned char *before = (unsigned char *)e2e_read_file(ogg, &n0);

    const char *argv[] = {"adem", "--device", "system", pack, "intro_478", NULL};
    rec_run r;
    rec_start(argv, "0.3 enter\n" /* record */
                    "5.0 enter\n" /* 5 s with a 100 ms beep in it */
                    "0.3 enter\n" /* keep? it is flagged: asks again */
                    "0.3 s\n",    /* skip after all */
              NULL, &r);
    connect_monitor();
    if (!wait_for_text(r.out, "Opnemen:", 1, 40000)) {
        rec_finish(&r, 5000);
        fail_msg("the take did not start; stdout:\n%s\nstderr:\n%s", r.out_text, r.err_text);
    }
    double fed_ms = feed(feed_beep);
    if (fed_ms > 4500)
        fail_msg("the feeder took %.0f ms: machine too loaded", fed_ms);
    rec_finish(&r, 60000);
    if (r.status != 0)
        fail_msg("adem record exited %d; stderr: %s", r.status, r.err_text);
    assert_quiet(r.err_text);
    const char *o = r.out_text;
    assert_has(o, "(deze cue heeft al een opname; die blijft tot je een nieuwe bewaart)");
    assert_has(o, "Let op: te zacht / bijna stil");
    assert_has(o, "Toch bewaren? Druk nog eens op enter");
    assert_null(strstr(o, "Bewaard"));
    assert_has(o, "Voor nu klaar: 1 van 2 cues opgenomen.");
    rec_free(&r);
    unsigned char *after = (unsigned char *)e2e_read_file(ogg, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    char p[700];
    snprintf(p, sizeof p, "%s/.takes/intro_478.new.wav", pack);
    assert_false(e2e_exists(p));
    snprintf(p, sizeof p, "%s/.takes/intro_478.wav", pack);
    assert_false(e2e_exists(p));
    free(before);
    free(after);
}

/* A pack name (no slash) is the user's pack: a new one is created in
 * $XDG_DATA_HOME/adem/voices with a copy of the nl transcript; skipped cues
 * stay missing, and the next run starts at the first of them. */
static void new_pack_starts_from_nl(void **state)
{
    (void)state;
    const char *argv[] = {"adem", "--device", "system", "nieuwestem", NULL};
    rec_run r;
    rec_start(argv, "0.2 s\n0.2 s\n0.2 q\n", NULL, &r);
    rec_finish(&r, 30000);
    if (r.status != 130)
        fail_msg("adem record exited %d; stderr: %s", r.status, r.err_text);
    assert_quiet(r.err_text);
    char dir[700], tsv[800], nl[1200];
    snprintf(dir, sizeof dir, "%s/xdg-data/adem/voices/nieuwestem", e2e_tmpdir());
    snprintf(tsv, sizeof tsv, "%s/transcript.tsv", dir);
    snprintf(nl, sizeof nl, "%s/audio/voices/nl/transcript.tsv", e2e_source_dir());
    const char *o = r.out_text;
    assert_has(o, "Nieuw stempakket in ");
    assert_has(o, "xdg-data/adem/voices/nieuwestem");
    assert_has(o, "Cue 1 van 104: intro_478\n");
    assert_has(o, "Cue 2 van 104: veilig_adem\n");
    assert_has(o, "Cue 3 van 104: hand_op_buik\n");
    assert_has(o, "Gestopt. 0 van 104 cues opgenomen. `adem record nieuwestem` gaat verder bij "
                  "intro_478");
    rec_free(&r);
    size_t a, b;
    unsigned char *mine = (unsigned char *)e2e_read_file(tsv, &a);
    unsigned char *theirs = (unsigned char *)e2e_read_file(nl, &b);
    assert_int_equal(a, b);
    assert_memory_equal(mine, theirs, a);
    free(mine);
    free(theirs);
    assert_int_equal(e2e_dir_entries(dir), 2); /* transcript.tsv and .takes */
}

/* The sound server freezes during a take (SIGSTOP): the input counts as lost
 * after 2 s without callbacks; record says so in one line, exits 1, leaves
 * no take behind, and does not hang. The last test: it stops the server
 * itself, patiently (after the freeze jackd needs ~25 s to drop the client
 * that vanished; killing it sooner would leave its entry in JACK's server
 * registry in /dev/shm, which holds only 8). */
static void lost_device_ends_the_run(void **state)
{
    (void)state;
    char pack[600];
    snprintf(pack, sizeof pack, "%s", e2e_path("weg"));
    e2e_mkdir(pack);
    char tsv[700], raw[700];
    snprintf(tsv, sizeof tsv, "%s/transcript.tsv", pack);
    snprintf(raw, sizeof raw, "%s/.takes/intro_478.new.wav", pack);
    e2e_write_file(tsv, "intro_478\tWe beginnen rustig.\n");
    const char *argv[] = {"adem", "--device", "system", pack, NULL};
    rec_run r;
    rec_start(argv, "0.3 enter\n30 enter\n", NULL, &r);
    if (!wait_for_text(r.out, "Opnemen:", 1, 40000)) {
        rec_finish(&r, 5000);
        fail_msg("the take did not start; stdout:\n%s\nstderr:\n%s", r.out_text, r.err_text);
    }
    e2e_sleep_ms(500);
    assert_true(e2e_exists(raw));
    pid_t server = live_jack_pid();
    assert_true(server > 0);
    kill(server, SIGSTOP);
    double t0 = e2e_now_ms();
    int done = e2e_wait(r.pid, 15000, &r.status);
    double waited = e2e_now_ms() - t0;
    kill(server, SIGCONT);
    if (!done)
        e2e_stop(r.pid, SIGKILL, 2000);
    double s0 = e2e_now_ms();
    int sst = e2e_stop(server, SIGTERM, 60000);
    print_message("      the server took %.0f ms to stop (status %d)\n", e2e_now_ms() - s0, sst);
    if (!done)
        fail_msg("adem record did not notice the frozen server in 15 s");
    r.out_text = e2e_read_text(r.out);
    r.err_text = e2e_read_text(r.err);
    print_message("      exited %d after %.0f ms\n", r.status, waited);
    assert_int_equal(r.status, 1);
    assert_int_equal(e2e_count_lines(r.err_text), 1);
    assert_has(r.err_text, "adem: the input device stopped");
    assert_true(waited >= 1500 && waited < 6000);
    assert_false(e2e_exists(raw));
    rec_free(&r);
}

/* ---- setup ------------------------------------------------------------------ */

/* Writes the feeder pack (a 1 s 440 Hz sine at -12 dBFS, a 100 ms beep) and
 * its sessions, and starts the private JACK server. */
static int group_setup(void **state)
{
    (void)state;
    snprintf(feed_pack, sizeof feed_pack, "%s", e2e_path("feed"));
    e2e_mkdir(feed_pack);
    static float sig[SIG_FRAMES], beep[RATE / 10];
    for (int i = 0; i < SIG_FRAMES; i++)
        sig[i] = (float)(0.25 * sin(2 * M_PI * 440.0 * i / RATE));
    for (int i = 0; i < RATE / 10; i++)
        beep[i] = (float)(0.25 * sin(2 * M_PI * 660.0 * i / RATE));
    char path[800];
    snprintf(path, sizeof path, "%s/sig.wav", feed_pack);
    e2e_write_wav(path, RATE, sig, SIG_FRAMES);
    snprintf(path, sizeof path, "%s/piep.wav", feed_pack);
    e2e_write_wav(path, RATE, beep, RATE / 10);
    snprintf(path, sizeof path, "%s/transcript.tsv", feed_pack);
    e2e_write_file(path, "sig\tsignaal\npiep\tpiep\n");
    snprintf(feed_sig, sizeof feed_sig, "%s", e2e_path("feed_sig.adem"));
    e2e_write_file(feed_sig, "session \"Signaal\"\nwait 1s\nspeak sig\nwait 500ms\n");
    snprintf(feed_beep, sizeof feed_beep, "%s", e2e_path("feed_beep.adem"));
    e2e_write_file(feed_beep, "session \"Piep\"\nwait 1s\nspeak piep\nwait 500ms\n");
    live_jack_start(RATE, PERIOD);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(refuses_without_a_terminal, e2e_teardown),
        cmocka_unit_test_teardown(no_input_device, e2e_teardown),
        cmocka_unit_test_teardown(bad_input_is_refused, e2e_teardown),
        cmocka_unit_test_teardown(records_a_known_signal, e2e_teardown),
        cmocka_unit_test_teardown(flagged_retake_is_not_kept, e2e_teardown),
        cmocka_unit_test_teardown(new_pack_starts_from_nl, e2e_teardown),
        cmocka_unit_test_teardown(lost_device_ends_the_run, e2e_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, e2e_group_teardown);
}
