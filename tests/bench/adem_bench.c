/* adem-bench: the measuring program behind scripts/bench (a benchmark, not a
 * test: ctest does not run it). Each subcommand prints one result line of
 * `key=value` pairs that scripts/bench turns into its table:
 *
 *   adem-bench callback SESSION [BUFFERS [FRAMES [VOLUME_DB]]]
 *       the cost of each engine_process call on FRAMES-frame stereo buffers
 *       at 48 kHz (default 100000 buffers of 256 frames, +12 dB so that the
 *       limiter works): median, p99, p99.9 and max in ns.
 *   adem-bench voices [SECONDS]
 *       engine_process time for SECONDS (default 600) of audio with 0, 1, 8,
 *       16 ... voices sounding at once (synthetic cues, no files, no output).
 *   adem-bench startup RUNS ADEM ARG...
 *       runs ADEM ARG... RUNS times with stdout on a pipe and measures the time
 *       from fork to the first byte read: median, min, max in ms.
 *   adem-bench firstcall RUNS ADEM play ARG...
 *       runs `adem play ...` RUNS times with ADEM_MEASURE=1 and measures the
 *       time from fork to its line "adem: first callback" on stderr (written
 *       within ~1 ms of the device's first callback): median, min, max in ms.
 *       Needs an output device (e.g. a private JACK server, as the live tests
 *       start one).
 *   adem-bench parts SESSION
 *       where start-up time goes, in-process: preparing the session (parse,
 *       find the cues, read their lengths from the headers), creating the
 *       engine (synth tables), the first 4096-frame block (with decoding the
 *       cues it needs, as render does).
 *   adem-bench skip SESSION [TRIALS [FRAMES]]
 *       the costliest engine_process call of a skip (`n`) on FRAMES-frame
 *       buffers (default 64) at 48 kHz: a skip from the session's first phase
 *       over everything up to the next stop, TRIALS times (default 20); max and
 *       median of each trial's costliest call by this thread's CPU time, and
 *       the max as a share of the period. The session must need no voice
 *       pack (tests/bench/skip24h.adem: a 24-hour repeat between two phases).
 *
 * POSIX (like the tests); the program under measurement is adem's own code. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rt/engine.h"
#include "io/cuebank.h"
#include "io/prepare.h"
#include "io/sessions.h"
#include "lang/session_parse.h"
#include "timeline/timeline.h"

#define RATE 48000

/* Nanoseconds on the monotonic clock. */
static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CPU time (user + system) of this process so far, in nanoseconds. */
static int64_t cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
           ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

/* qsort comparison of two int64_t. */
static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n sorted values (nearest rank). */
static int64_t quantile(const int64_t *v, size_t n, double q)
{
    size_t i = (size_t)(q * (double)n + 0.5);
    if (i > 0)
        i--;
    return v[i < n ? i : n - 1];
}

/* Prints d's message and exits with status 1. */
static void die_diag(const char *what, const adem_diag *d)
{
    fprintf(stderr, "adem-bench: %s: %s:%d:%d: %s\n", what, d->file, d->line, d->col, d->msg);
    exit(1);
}

/* Prepares a session (as `adem render` does: parse, cues decoded at 48 kHz)
 * and makes an engine for it with master volume volume_db. */
static engine *prepare_engine(const char *session, double volume_db, prep **pp)
{
    adem_diag d;
    diag_clear(&d);
    prep_options po;
    tl_options to;
    tl_options_init(&to);
    memset(&po, 0, sizeof po);
    po.tl = &to;
    po.default_rate = RATE;
    po.decode = 1;
    const char *args[1] = {session};
    if (prep_new(args, 1, &po, pp, &d) != 0)
        die_diag("prepare", &d);
    engine_config ec;
    engine_config_init(&ec);
    ec.volume_db = volume_db;
    engine *e = engine_new(prep_timeline(*pp), prep_cues(*pp), &ec, &d);
    if (!e)
        die_diag("engine", &d);
    return e;
}

/* ---- callback ------------------------------------------------------------- */

/* Nanoseconds of CPU time used by this thread (not advanced while another
 * process runs on our core; on a virtual machine it may still advance while
 * the host runs something else). */
static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Runs a fresh engine for `buffers` calls of `frames` frames, storing each
 * call's duration in t[] by the clock `clock_ns`; returns the calls made and
 * fills *st with the final status. */
static long run_callbacks(const char *session, double volume_db, long buffers, int frames,
                          float *out, int64_t *t, int64_t (*clock_ns)(void), engine_status *st)
{
    prep *p = NULL;
    engine *e = prepare_engine(session, volume_db, &p);
    long done = 0;
    for (; done < buffers && !engine_done(e); done++) {
        int64_t a = clock_ns();
        engine_process(e, out, (size_t)frames);
        t[done] = clock_ns() - a;
    }
    engine_status_now(e, st);
    engine_free(e);
    prep_free(p);
    if (done < buffers)
        fprintf(stderr, "adem-bench: the session ended after %ld of %ld buffers\n", done, buffers);
    return done;
}

/* Times `buffers` engine_process calls of `frames` frames each: once by the
 * wall clock (the figure: what an audio callback sees, preemption included)
 * and once by this thread's CPU time (the engine's own work; each reading
 * also holds the ~0.1-0.5 us of the clock calls themselves). */
static int bench_callback(const char *session, long buffers, int frames, double volume_db)
{
    float *out = malloc((size_t)frames * 2 * sizeof *out);
    int64_t *t = malloc((size_t)buffers * sizeof *t);
    int64_t *tc = malloc((size_t)buffers * sizeof *tc);
    if (!out || !t || !tc) {
        fprintf(stderr, "adem-bench: out of memory\n");
        return 1;
    }
    engine_status st, stc;
    long done = run_callbacks(session, volume_db, buffers, frames, out, t, now_ns, &st);
    long donec = run_callbacks(session, volume_db, buffers, frames, out, tc, thread_cpu_ns, &stc);
    if (done < 1 || donec < 1)
        return 1;
    qsort(t, (size_t)done, sizeof *t, cmp_i64);
    qsort(tc, (size_t)donec, sizeof *tc, cmp_i64);
    const double period = 1e9 * frames / RATE;
    int64_t sum = 0;
    for (long i = 0; i < done; i++)
        sum += t[i];
    int64_t med = quantile(t, (size_t)done, 0.5), p99 = quantile(t, (size_t)done, 0.99);
    int64_t p999 = quantile(t, (size_t)done, 0.999), max = t[done - 1];
    int64_t medc = quantile(tc, (size_t)donec, 0.5), maxc = tc[donec - 1];
    printf("callback buffers=%ld frames=%d period_ns=%.0f median_ns=%lld p99_ns=%lld "
           "p999_ns=%lld max_ns=%lld mean_ns=%.0f median_pct=%.3f p99_pct=%.3f max_pct=%.2f "
           "median_cpu_ns=%lld max_cpu_ns=%lld max_cpu_pct=%.2f "
           "limited_pct=%.1f dropped=%llu\n",
           done, frames, period, (long long)med, (long long)p99, (long long)p999, (long long)max,
           (double)sum / (double)done, 100.0 * (double)med / period, 100.0 * (double)p99 / period,
           100.0 * (double)max / period, (long long)medc, (long long)maxc,
           100.0 * (double)maxc / period, 100.0 * (double)st.clipped / ((double)done * frames),
           (unsigned long long)st.dropped);
    free(out);
    free(t);
    free(tc);
    return 0;
}

/* ---- voices --------------------------------------------------------------- */

/* One voice-count case: a body of 625 ms repeated (5 s for bell_1); cues
 * last cue_ms, so that cue_ms / 625 of them overlap, and bells struck every
 * 625 ms ring 5 s (8 at once). */
typedef struct voice_case {
    const char *name;
    int voices;      /* voices sounding at once (after the first 5 s) */
    const char *bed; /* a `bed` line, or "" */
    const char *body;/* the repeated 625 ms */
    int cue_ms;      /* length of the cue `c` (when the body speaks it) */
} voice_case;

static const voice_case CASES[] = {
    {"silence", 0, "", "wait 625ms", 0},
    {"cues_1", 1, "", "phase \"v\" 625ms cue=c", 625},
    {"cues_8", 8, "", "phase \"v\" 625ms cue=c", 5000},
    {"cues_16", 16, "", "phase \"v\" 625ms cue=c", 10000},
    {"bell_1", 1, "", "bell\nwait 5s", 0},
    {"bells_8", 8, "", "bell\nwait 625ms", 0},
    {"tone_1", 1, "", "phase \"v\" 625ms tone=rise", 0},
    {"pulse_1", 1, "", "phase \"v\" 625ms pulse=96", 0},
    {"bed_1", 1, "bed pink -30dB", "wait 625ms", 0},
    {"all_27", 27, "bed pink -30dB", "phase \"v\" 625ms cue=c tone=rise pulse=96\nbell", 10000},
};

/* Renders `seconds` of one case through engine_process in 4096-frame blocks
 * (the block `adem render` uses) and prints the time per frame. */
static int bench_voice_case(const voice_case *vc, int seconds)
{
    char text[1024];
    long reps = (long)seconds * 1000 / 625;
    if (strncmp(vc->body, "bell\nwait 5s", 12) == 0)
        reps = seconds / 5;
    snprintf(text, sizeof text,
             "session \"bench %s\"\n%s\nrepeat %ld\n%s\nend\n", vc->name, vc->bed, reps, vc->body);
    adem_diag d;
    diag_clear(&d);
    ast_session *s = NULL;
    if (session_parse("voices.adem", text, strlen(text), &s, &d) != 0)
        die_diag("parse", &d);
    tl_options o;
    tl_options_init(&o);
    const ast_session *ss[1] = {s};
    timeline *tl = NULL;
    if (timeline_build(ss, 1, &o, NULL, &tl, &d) != 0)
        die_diag("timeline", &d);
    int n = timeline_ncues(tl);
    adem_cue cues[1];
    int64_t lens[1];
    float *cue = NULL;
    if (n > 0) {
        lens[0] = (int64_t)vc->cue_ms * RATE / 1000;
        cue = malloc((size_t)lens[0] * sizeof *cue);
        uint32_t x = 1;
        for (int64_t k = 0; k < lens[0]; k++) { /* quiet noise: the limiter stays idle */
            x = x * 1664525u + 1013904223u;
            cue[k] = (float)((double)(x >> 8) / 16777216.0 - 0.5) * 0.02f;
        }
        cues[0].samples = cue;
        cues[0].frames = lens[0];
    }
    if (timeline_layout(tl, RATE, lens, &d) != 0)
        die_diag("layout", &d);
    engine_config ec;
    engine_config_init(&ec);
    engine *e = engine_new(tl, cues, &ec, &d);
    if (!e)
        die_diag("engine", &d);
    static float out[4096 * 2];
    int64_t frames = 0, w0 = now_ns(), c0 = cpu_ns();
    while (!engine_done(e))
        frames += (int64_t)engine_process(e, out, 4096);
    int64_t wall = now_ns() - w0, cpu = cpu_ns() - c0;
    engine_status st;
    engine_status_now(e, &st);
    printf("voices case=%s voices=%d seconds=%.1f wall_ms=%.1f cpu_ms=%.1f ns_per_frame=%.2f "
           "x_realtime_cpu=%.0f dropped=%llu\n",
           vc->name, vc->voices, (double)frames / RATE, (double)wall / 1e6, (double)cpu / 1e6,
           (double)cpu / (double)frames, (double)frames / RATE * 1e9 / (double)(cpu ? cpu : 1),
           (unsigned long long)st.dropped);
    engine_free(e);
    free(cue);
    timeline_free(tl);
    session_free(s);
    return 0;
}

/* Runs every voice-count case. */
static int bench_voices(int seconds)
{
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
        if (bench_voice_case(&CASES[i], seconds) != 0)
            return 1;
    return 0;
}

/* ---- startup -------------------------------------------------------------- */

/* Starts argv with stdout on a pipe (stderr to /dev/null) and returns the
 * nanoseconds from just before fork to the first byte read; kills the child
 * (by its pid) once that byte has come. -1 when nothing came. */
static int64_t time_first_byte(char *const *argv)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    int64_t t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(fd[1], 1);
        if (null >= 0)
            dup2(null, 2);
        close(fd[0]);
        close(fd[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    char c;
    ssize_t r;
    while ((r = read(fd[0], &c, 1)) < 0 && errno == EINTR)
        ;
    int64_t t = now_ns() - t0;
    kill(pid, SIGKILL);
    close(fd[0]);
    waitpid(pid, NULL, 0);
    return r == 1 ? t : -1;
}

/* Starts argv with ADEM_MEASURE=1, stderr on a pipe (stdout to /dev/null)
 * and returns the nanoseconds from just before fork to the end of the line
 * "adem: first callback"; stops the child (SIGINT, by its pid) then. -1 when the
 * line did not come. */
static int64_t time_first_callback(char *const *argv)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    int64_t t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        setenv("ADEM_MEASURE", "1", 1);
        dup2(fd[1], 2);
        if (null >= 0)
            dup2(null, 1);
        close(fd[0]);
        close(fd[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    static const char want[] = "adem: first callback\n";
    char line[256];
    size_t len = 0;
    int64_t t = -1;
    for (;;) {
        char c;
        ssize_t r = read(fd[0], &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r != 1)
            break;
        if (len < sizeof line - 1)
            line[len++] = c;
        if (c == '\n') {
            line[len] = '\0';
            if (strcmp(line, want) == 0) {
                t = now_ns() - t0;
                break;
            }
            len = 0;
        }
    }
    /* a stop signal, not SIGKILL: a killed JACK client stalls the server */
    kill(pid, SIGINT);
    close(fd[0]);
    waitpid(pid, NULL, 0);
    return t;
}

/* Measures launch-to-first-callback `runs` times: median, min, max. */
static int bench_firstcall(int runs, char *const *argv)
{
    int64_t *t = malloc((size_t)runs * sizeof *t);
    if (!t)
        return 1;
    for (int i = 0; i < runs; i++) {
        t[i] = time_first_callback(argv);
        if (t[i] < 0) {
            fprintf(stderr, "adem-bench: %s did not report a first callback (no device?)\n",
                    argv[0]);
            free(t);
            return 1;
        }
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_i64);
    printf("firstcall runs=%d median_ms=%.2f min_ms=%.2f max_ms=%.2f\n", runs,
           (double)quantile(t, (size_t)runs, 0.5) / 1e6, (double)t[0] / 1e6,
           (double)t[runs - 1] / 1e6);
    free(t);
    return 0;
}

/* Measures launch-to-first-frame `runs` times and prints median, min, max. */
static int bench_startup(int runs, char *const *argv)
{
    int64_t *t = malloc((size_t)runs * sizeof *t);
    if (!t)
        return 1;
    for (int i = 0; i < runs; i++) {
        t[i] = time_first_byte(argv);
        if (t[i] < 0) {
            fprintf(stderr, "adem-bench: %s wrote nothing\n", argv[0]);
            free(t);
            return 1;
        }
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_i64);
    printf("startup runs=%d median_ms=%.2f min_ms=%.2f max_ms=%.2f\n", runs,
           (double)quantile(t, (size_t)runs, 0.5) / 1e6, (double)t[0] / 1e6,
           (double)t[runs - 1] / 1e6);
    free(t);
    return 0;
}

/* ---- parts ---------------------------------------------------------------- */

/* Times the start-up steps of a render in-process (best of 5 runs each, so
 * that the figures show the work, not the machine's load). */
static int bench_parts(const char *session)
{
    double best_prep = 1e30, best_eng = 1e30, best_first = 1e30;
    int ncues = 0;
    for (int run = 0; run < 5; run++) {
        adem_diag d;
        diag_clear(&d);
        prep_options po;
        tl_options to;
        tl_options_init(&to);
        memset(&po, 0, sizeof po);
        po.tl = &to;
        po.default_rate = RATE;
        po.decode = 0; /* as render: lengths from the headers, cues decoded as needed */
        const char *args[1] = {session};
        prep *p = NULL;
        int64_t a = now_ns();
        if (prep_new(args, 1, &po, &p, &d) != 0)
            die_diag("prepare", &d);
        int64_t b = now_ns();
        engine_config ec;
        engine_config_init(&ec);
        engine *e = engine_new(prep_timeline(p), NULL, &ec, &d);
        cuebank *bank = NULL;
        if (!e || cuebank_new(prep_voicepack(p), prep_timeline(p), &bank, &d) != 0)
            die_diag("engine", &d);
        engine_use_feed(e, cuebank_feed(bank));
        int64_t c = now_ns();
        static float out[4096 * 2];
        if (cuebank_fill(bank, 4096 + 128, &d) != 0) /* the first block's cues */
            die_diag("cues", &d);
        engine_process(e, out, 4096);
        int64_t f = now_ns();
        ncues = timeline_ncues(prep_timeline(p));
        best_prep = (double)(b - a) < best_prep ? (double)(b - a) : best_prep;
        best_eng = (double)(c - b) < best_eng ? (double)(c - b) : best_eng;
        best_first = (double)(f - c) < best_first ? (double)(f - c) : best_first;
        engine_free(e);
        cuebank_free(bank);
        prep_free(p);
    }
    printf("parts cues=%d prepare_ms=%.2f engine_new_ms=%.2f first_block_ms=%.3f\n", ncues,
           best_prep / 1e6, best_eng / 1e6, best_first / 1e6);
    return 0;
}

/* Prints how to call the program. */
/* ---- skip ------------------------------------------------------------------ */

/* Builds session (a file that needs no voice pack) into a laid-out timeline
 * at RATE; exits on an error. */
static timeline *skip_timeline(const char *session, ast_session **s)
{
    adem_diag d;
    diag_clear(&d);
    if (sessions_parse_file(session, s, &d) != 0)
        die_diag("parse", &d);
    tl_options o;
    tl_options_init(&o);
    const ast_session *ss[1] = {*s};
    timeline *tl = NULL;
    if (timeline_build(ss, 1, &o, NULL, &tl, &d) != 0)
        die_diag("build", &d);
    if (timeline_ncues(tl) > 0) {
        fprintf(stderr, "adem-bench: skip: %s speaks cues; use a session without\n", session);
        exit(2);
    }
    if (timeline_layout(tl, RATE, NULL, &d) != 0)
        die_diag("layout", &d);
    return tl;
}

/* Times every call from the skip command until the position has jumped
 * (the fade, then the jump), TRIALS times on fresh engines; prints the max
 * and median of each trial's costliest call. */
static int bench_skip(const char *session, int trials, int frames)
{
    ast_session *s = NULL;
    timeline *tl = skip_timeline(session, &s);
    float *out = malloc((size_t)frames * 2 * sizeof *out);
    int64_t *worst = malloc((size_t)trials * sizeof *worst);
    int64_t landed_at = 0;
    for (int t = 0; t < trials; t++) {
        adem_diag d;
        engine_config ec;
        engine_config_init(&ec);
        engine *e = engine_new(tl, NULL, &ec, &d);
        if (!e)
            die_diag("engine", &d);
        engine_process(e, out, (size_t)frames); /* into the first phase */
        engine_command(e, ENGINE_SKIP, 0);
        engine_status st;
        int64_t max = 0, before;
        engine_status_now(e, &st);
        before = st.pos;
        for (int k = 0; k < 100000; k++) {
            int64_t a = thread_cpu_ns();
            engine_process(e, out, (size_t)frames);
            int64_t dt = thread_cpu_ns() - a;
            if (dt > max)
                max = dt;
            engine_status_now(e, &st);
            if (st.pos > before + frames) /* jumped */
                break;
        }
        landed_at = st.pos;
        worst[t] = max;
        engine_free(e);
    }
    qsort(worst, (size_t)trials, sizeof *worst, cmp_i64);
    double period_ns = (double)frames * 1e9 / RATE;
    printf("skip frames=%d trials=%d landed_s=%.3f max_ns=%lld median_ns=%lld max_pct=%.2f\n",
           frames, trials, (double)landed_at / RATE, (long long)worst[trials - 1],
           (long long)quantile(worst, (size_t)trials, 0.5),
           100.0 * (double)worst[trials - 1] / period_ns);
    free(worst);
    free(out);
    timeline_free(tl);
    session_free(s);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: adem-bench callback SESSION [BUFFERS [FRAMES [VOLUME_DB]]]\n"
                    "       adem-bench voices [SECONDS]\n"
                    "       adem-bench startup RUNS ADEM ARG...\n"
                    "       adem-bench firstcall RUNS ADEM play ARG...\n"
                    "       adem-bench parts SESSION\n"
                    "       adem-bench skip SESSION [TRIALS [FRAMES]]\n");
    return 2;
}

/* Runs the subcommand named by argv[1] (see the top of this file); exit
 * status 0, 1 on a failure, 2 on a usage error. */
int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "callback") == 0) {
        long buffers = argc > 3 ? atol(argv[3]) : 100000;
        int frames = argc > 4 ? atoi(argv[4]) : 256;
        double vol = argc > 5 ? atof(argv[5]) : 12.0;
        if (buffers < 1 || frames < 1 || frames > 1 << 16)
            return usage();
        return bench_callback(argv[2], buffers, frames, vol);
    }
    if (argc >= 2 && strcmp(argv[1], "voices") == 0) {
        int seconds = argc > 2 ? atoi(argv[2]) : 600;
        return seconds >= 10 ? bench_voices(seconds) : usage();
    }
    if (argc >= 4 && strcmp(argv[1], "startup") == 0) {
        int runs = atoi(argv[2]);
        return runs >= 1 ? bench_startup(runs, argv + 3) : usage();
    }
    if (argc >= 4 && strcmp(argv[1], "firstcall") == 0) {
        int runs = atoi(argv[2]);
        return runs >= 1 ? bench_firstcall(runs, argv + 3) : usage();
    }
    if (argc == 3 && strcmp(argv[1], "parts") == 0)
        return bench_parts(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "skip") == 0) {
        int trials = argc > 3 ? atoi(argv[3]) : 20;
        int frames = argc > 4 ? atoi(argv[4]) : 64;
        if (trials < 1 || frames < 1 || frames > 1 << 16)
            return usage();
        return bench_skip(argv[2], trials, frames);
    }
    return usage();
}
