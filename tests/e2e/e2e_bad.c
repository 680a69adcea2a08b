/* e2e_bad: bad input, end to end. Runs the real binary on every case of
 * tests/bad/cases.tsv (session files in tests/bad/, and files and voice packs
 * this program makes in its temp folder) and asserts for each: the exit status,
 * exactly one line on stderr that starts with "adem: " and contains the
 * expected fragment (file:line:col for session errors), nothing on stdout,
 * the time bound, and that a failed render left nothing in its folder.
 * Then: a 2-hour cue is refused without being loaded (time and peak memory),
 * and cue samples far beyond full scale still come out within the ceiling.
 * POSIX (tests only). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <sndfile.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"

extern char **environ;

enum { MAX_ARGS = 32, LINE_MAX_LEN = 4096 };

/* What one run of adem did. */
typedef struct run_result {
    int status;       /* exit status, or 128 + signal */
    double seconds;   /* wall time */
    long maxrss_kb;   /* the child's peak resident memory */
    char *out, *err;  /* stdout (unless redirected) and stderr */
    size_t out_len, err_len;
} run_result;

static char T[600];   /* the temp folder */
static char BAD[600]; /* tests/bad in the source tree */

/* 1 when the sanitizers are built in (set by tests/CMakeLists.txt). */
static int sanitized(void)
{
    const char *s = getenv("ADEM_SANITIZE");
    return s && *s && strcmp(s, "0") != 0;
}

/* Runs $ADEM_BIN with args (NULL-terminated, without argv[0]); stdout goes to
 * out_path when it is not NULL (else it is captured). Measures the wall time
 * and the child's peak memory. */
static void run(char *const *args, const char *out_path, run_result *r)
{
    const char *bin = getenv("ADEM_BIN");
    assert_non_null(bin);
    char *argv[MAX_ARGS + 2];
    int n = 0;
    argv[n++] = (char *)bin;
    for (int i = 0; args[i] && n < MAX_ARGS + 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char outp[700], errp[700];
    snprintf(outp, sizeof outp, "%s/.stdout", T);
    snprintf(errp, sizeof errp, "%s/.stderr", T);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : outp,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        fail_msg("cannot run %s: %s", bin, strerror(rc));
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR) {
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    r->maxrss_kb = ru.ru_maxrss;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out = out_path ? calloc(1, 1) : e2e_read_file(outp, &r->out_len);
    if (out_path)
        r->out_len = 0;
    r->err = e2e_read_file(errp, &r->err_len);
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

/* Copies s into dst (size n) replacing {bad}, {tmp} and {out}. */
static void expand(const char *s, const char *out, char *dst, size_t n)
{
    size_t k = 0;
    while (*s && k + 1 < n) {
        const char *rep = NULL;
        size_t skip = 0;
        if (strncmp(s, "{bad}", 5) == 0)
            rep = BAD, skip = 5;
        else if (strncmp(s, "{tmp}", 5) == 0)
            rep = T, skip = 5;
        else if (strncmp(s, "{out}", 5) == 0)
            rep = out, skip = 5;
        if (rep) {
            k += (size_t)snprintf(dst + k, n - k, "%s", rep);
            if (k >= n)
                k = n - 1;
            s += skip;
        } else {
            dst[k++] = *s++;
        }
    }
    dst[k] = '\0';
}

/* ---- the files and packs the cases use ------------------------------------ */

/* Writes n bytes to path. */
static void put_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write %s: %s", path, strerror(errno));
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* Creates a folder (its parent must exist). */
static void mkdir_or_fail(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        fail_msg("cannot create %s: %s", path, strerror(errno));
}

/* Makes pack folder packs/name and returns its path. */
static const char *pack(const char *name)
{
    const char *dir = e2e_pathf("packs/%s", name);
    mkdir_or_fail(dir);
    return dir;
}

/* A 16-bit mono PCM WAV header for `declared` data bytes at rate. */
static void wav_header(unsigned char *h, int rate, uint32_t declared)
{
    uint32_t v[] = {36 + declared, 16, (uint32_t)rate, (uint32_t)rate * 2, declared};
    memcpy(h, "RIFF", 4);
    memcpy(h + 4, &v[0], 4);
    memcpy(h + 8, "WAVEfmt ", 8);
    memcpy(h + 16, &v[1], 4);
    h[20] = 1, h[21] = 0; /* PCM */
    h[22] = 1, h[23] = 0; /* mono */
    memcpy(h + 24, &v[2], 4);
    memcpy(h + 28, &v[3], 4);
    h[32] = 2, h[33] = 0;  /* block align */
    h[34] = 16, h[35] = 0; /* bits */
    memcpy(h + 36, "data", 4);
    memcpy(h + 40, &v[4], 4);
}

/* Writes a 2-hour FLAC of silence (8 kHz mono: 57.6 million frames). */
static void write_two_hours(const char *path)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = 8000;
    info.channels = 1;
    info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    if (!f)
        fail_msg("cannot write %s: %s", path, sf_strerror(NULL));
    static short zero[1 << 16];
    for (int64_t left = (int64_t)8000 * 7200; left > 0;) {
        sf_count_t k = left < (1 << 16) ? left : (1 << 16);
        assert_int_equal(sf_writef_short(f, zero, k), k);
        left -= k;
    }
    assert_int_equal(sf_close(f), 0);
}

/* Makes every file and pack the cases name (see cases.tsv). */
static void make_inputs(void)
{
    /* garbage: a PNG signature, then bytes of a fixed pseudo-random sequence */
    unsigned char g[4096];
    uint32_t x = 12345;
    memcpy(g, "\x89PNG\r\n\x1a\n", 8);
    for (size_t i = 8; i < sizeof g; i++) {
        x = x * 1103515245u + 12345u;
        g[i] = (unsigned char)(x >> 16);
    }
    put_bytes(e2e_pathf("garbage.adem"), g, sizeof g);

    /* a 10 MB line, and a 5000-character one */
    size_t big = (size_t)10 * 1024 * 1024;
    char *s = malloc(big + 64);
    int k = snprintf(s, 64, "session \"x\"\nmark \"");
    memset(s + k, 'a', big);
    memcpy(s + k + big, "\"\n", 2);
    put_bytes(e2e_pathf("line10m.adem"), s, (size_t)k + big + 2);
    memcpy(s + k + 5000, "\"\n", 2);
    put_bytes(e2e_pathf("line5k.adem"), s, (size_t)k + 5000 + 2);
    free(s);

    /* 10 000 nested repeats */
    FILE *f = fopen(e2e_pathf("nest10k.adem"), "w");
    assert_non_null(f);
    fputs("session \"Diep\"\n", f);
    for (int i = 0; i < 10000; i++)
        fputs("repeat 2\n", f);
    fputs("wait 1s\n", f);
    for (int i = 0; i < 10000; i++)
        fputs("end\n", f);
    assert_int_equal(fclose(f), 0);

    /* a FIFO where a session file is expected: must not block */
    assert_int_equal(mkfifo(e2e_pathf("fifo.adem"), 0644), 0);
    assert_int_equal(mkfifo(e2e_pathf("fifo.m3u"), 0644), 0);

    mkdir_or_fail(e2e_pathf("packs"));
    float imp[200] = {0.5f};
    const char *p;

    p = pack("ok");
    e2e_write_audio(e2e_pathf("packs/ok/a.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 1, imp, 200);
    pack("empty");

    /* symlinks out of the pack: a cue, and a transcript */
    e2e_write_audio(e2e_pathf("outside.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 1, imp, 200);
    pack("symlink_out");
    assert_int_equal(symlink(e2e_pathf("outside.wav"), e2e_pathf("packs/symlink_out/a.wav")), 0);
    e2e_write_file(e2e_pathf("outside.tsv"), "a\tA\n");
    p = pack("transcript_out");
    e2e_write_audio(e2e_pathf("packs/transcript_out/a.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 1, imp,
             200);
    assert_int_equal(symlink(e2e_pathf("outside.tsv"), e2e_pathf("packs/transcript_out/transcript.tsv")), 0);

    /* truncated: the header promises 48000 frames (96000 bytes), 1000 are there */
    unsigned char w[44 + 2000];
    memset(w, 0, sizeof w);
    wav_header(w, 48000, 96000);
    w[44] = 0x40;
    pack("truncated");
    put_bytes(e2e_pathf("packs/truncated/a.wav"), w, sizeof w);

    /* corrupt: a damaged Ogg Vorbis header (found by fuzz_voicepack; libvorbis
     * leaks on it, see tests/lsan.supp), and a FLAC damaged in its frames */
    char src[1200];
    size_t n;
    snprintf(src, sizeof src, "%s/files/vorbis_bad_header.ogg", BAD);
    char *ogg = e2e_read_file(src, &n);
    assert_true(n > 1000);
    pack("corrupt_header");
    put_bytes(e2e_pathf("packs/corrupt_header/a.ogg"), ogg, n);
    free(ogg);
    float *sine = malloc(96000 * sizeof *sine);
    for (int i = 0; i < 96000; i++)
        sine[i] = 0.5f * (float)sin(2.0 * 3.14159265358979 * 440.0 * i / 48000.0);
    pack("corrupt_frames");
    const char *fl = e2e_pathf("packs/corrupt_frames/a.flac");
    e2e_write_audio(fl, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, 1, sine, 96000);
    free(sine);
    char *flac = e2e_read_file(fl, &n);
    x = 5;
    for (size_t i = n / 3; i < n / 3 + 2000 && i < n; i++) {
        x = x * 1103515245u + 12345u;
        flac[i] = (char)(x >> 16);
    }
    put_bytes(fl, flac, n);
    free(flac);

    /* not audio, no frames, 8 channels, 384 kHz, 2 hours, a NaN */
    pack("not_audio");
    e2e_write_file(e2e_pathf("packs/not_audio/a.wav"), "Dit is geen geluid.\n");
    pack("zero");
    e2e_write_audio(e2e_pathf("packs/zero/a.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 1, imp, 0);
    float ch8[8 * 100] = {0.1f};
    pack("ch8");
    e2e_write_audio(e2e_pathf("packs/ch8/a.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 8, ch8, 100);
    pack("r384k");
    e2e_write_audio(e2e_pathf("packs/r384k/a.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 384000, 1, imp, 200);
    pack("long");
    write_two_hours(e2e_pathf("packs/long/a.flac"));
    float nan_s[16] = {0.1f, 0.2f, 0.3f, NAN};
    pack("nan");
    e2e_write_audio(e2e_pathf("packs/nan/a.wav"), SF_FORMAT_WAV | SF_FORMAT_FLOAT, 48000, 1, nan_s, 16);

    /* a folder and a FIFO where the cue's file should be */
    pack("cue_folder");
    mkdir_or_fail(e2e_pathf("packs/cue_folder/a.wav"));
    pack("cue_fifo");
    assert_int_equal(mkfifo(e2e_pathf("packs/cue_fifo/a.wav"), 0644), 0);

    /* transcripts */
    static const struct {
        const char *name, *text;
    } tsv[] = {
        {"dup_ids", "a\tEen.\nb\tTwee.\na\tNog een.\n"},
        {"no_tab", "a\tEen.\nb Twee.\n"},
        {"bad_id", "tel 1\tEen.\n"},
        {"no_text", "a\t\n"},
        {"tsv_binary", "\x89PNG\r\n\x1a\n"},
    };
    for (size_t i = 0; i < sizeof tsv / sizeof tsv[0]; i++) {
        pack(tsv[i].name);
        e2e_write_audio(e2e_pathf("packs/%s/a.wav", tsv[i].name), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 1,
                 imp, 200);
        e2e_write_file(e2e_pathf("packs/%s/transcript.tsv", tsv[i].name), tsv[i].text);
    }
    pack("tsv_fifo");
    e2e_write_audio(e2e_pathf("packs/tsv_fifo/a.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 1, imp, 200);
    assert_int_equal(mkfifo(e2e_pathf("packs/tsv_fifo/transcript.tsv"), 0644), 0);
    (void)p;
}

static int setup(void **state)
{
    (void)state;
    const char *src = getenv("ADEM_SOURCE_DIR");
    if (!src || !getenv("ADEM_BIN")) {
        fprintf(stderr, "e2e_bad: ADEM_BIN and ADEM_SOURCE_DIR must be set (run it with ctest)\n");
        return -1;
    }
    snprintf(BAD, sizeof BAD, "%s/tests/bad", src);
    snprintf(T, sizeof T, "%s", e2e_tmpdir());
    /* the user's own sessions and packs must not interfere */
    setenv("XDG_DATA_HOME", e2e_pathf("xdg-data"), 1);
    setenv("XDG_CONFIG_HOME", e2e_pathf("xdg-config"), 1);
    setenv("XDG_STATE_HOME", e2e_pathf("xdg-state"), 1);
    return 0;
}

/* ---- the table ----------------------------------------------------------- */

/* Runs one case; returns NULL when it passes, else a malloc'd description. */
static char *run_case(const char *name, const char *argstr, int want_status, const char *want,
                      double limit)
{
    char out[1200], buf[LINE_MAX_LEN * 2], fragment[LINE_MAX_LEN * 2];
    char *msg = NULL;
    size_t msgcap = 0;
    FILE *m = open_memstream(&msg, &msgcap);
    snprintf(out, sizeof out, "%s", e2e_pathf("out-%s", name));
    mkdir_or_fail(out);
    expand(argstr, out, buf, sizeof buf);
    expand(want, out, fragment, sizeof fragment);
    char *args[MAX_ARGS + 1];
    const char *redirect = NULL;
    int n = 0;
    for (char *tok = strtok(buf, " "); tok && n < MAX_ARGS; tok = strtok(NULL, " ")) {
        if (tok[0] == '>')
            redirect = tok + 1;
        else
            args[n++] = tok;
    }
    args[n] = NULL;
    run_result r;
    run(args, redirect, &r);
    const char *nl = memchr(r.err, '\n', r.err_len);
    if (r.status != want_status)
        fprintf(m, " exit status %d, want %d;", r.status, want_status);
    if (!nl || (size_t)(nl - r.err) + 1 != r.err_len)
        fprintf(m, " stderr is not exactly one line;");
    if (strncmp(r.err, "adem: ", 6) != 0)
        fprintf(m, " stderr does not start with \"adem: \";");
    if (!strstr(r.err, fragment))
        fprintf(m, " stderr lacks \"%s\";", fragment);
    if (r.out_len != 0)
        fprintf(m, " %zu bytes on stdout;", r.out_len);
    if (limit > 0 && r.seconds > limit * (sanitized() ? 5 : 1))
        fprintf(m, " took %.2f s, more than %.1f s;", r.seconds, limit * (sanitized() ? 5 : 1));
    if (e2e_dir_entries(out) != 0)
        fprintf(m, " left %d file(s) in %s;", e2e_dir_entries(out), out);
    fclose(m);
    if (msg[0] == '\0') {
        free(msg);
        msg = NULL;
    } else {
        char *full = NULL;
        size_t cap = 0;
        FILE *f = open_memstream(&full, &cap);
        fprintf(f, "%s:%s\n    stderr: %s", name, msg, r.err_len ? r.err : "(nothing)\n");
        fclose(f);
        free(msg);
        msg = full;
    }
    run_free(&r);
    return msg;
}

/* Every case of tests/bad/cases.tsv; all are run, then every failure is
 * reported together. */
static void test_cases(void **state)
{
    (void)state;
    make_inputs();
    char path[1200];
    snprintf(path, sizeof path, "%s/cases.tsv", BAD);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s", path);
    char line[LINE_MAX_LEN];
    int lineno = 0, cases = 0, failed = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *field[5] = {NULL, NULL, NULL, NULL, NULL};
        int nf = 0;
        for (char *p = line; nf < 5; nf++) {
            field[nf] = p;
            char *tab = strchr(p, '\t');
            if (!tab) {
                nf++;
                break;
            }
            *tab = '\0';
            p = tab + 1;
        }
        if (nf != 5)
            fail_msg("%s:%d: expected 5 tab-separated fields, found %d", path, lineno, nf);
        double limit = strcmp(field[4], "-") == 0 ? 0 : atof(field[4]);
        char *why = run_case(field[0], field[1], atoi(field[2]), field[3], limit);
        cases++;
        if (why) {
            failed++;
            fprintf(stderr, "FAILED %s", why);
            free(why);
        }
    }
    fclose(f);
    fprintf(stderr, "e2e_bad: %d cases, %d failed\n", cases, failed);
    assert_true(cases >= 70);
    assert_int_equal(failed, 0);
}

/* ---- beyond the table ---------------------------------------------------- */

/* A 2-hour cue is refused from its header: quickly, and without its 230 MB of
 * samples ever being in memory (the child's peak memory stays small). */
static void test_two_hours_not_loaded(void **state)
{
    (void)state;
    char session[1200];
    snprintf(session, sizeof session, "%s/speak_a.adem", BAD);
    const char *out = e2e_pathf("long-out");
    mkdir_or_fail(out);
    char target[1300];
    snprintf(target, sizeof target, "%s/x.wav", out);
    if (!e2e_exists(e2e_pathf("packs/long/a.flac"))) {
        mkdir_or_fail(e2e_pathf("packs"));
        pack("long");
        write_two_hours(e2e_pathf("packs/long/a.flac"));
    }
    char *args[] = {"render", "--voice", (char *)e2e_pathf("packs/long"), session, "-o", target, NULL};
    run_result r;
    run(args, NULL, &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "is 2:00:00 long; cues may be at most 10 minutes"));
    assert_int_equal(e2e_dir_entries(out), 0);
    if (!sanitized()) {
        if (r.seconds > 1.0)
            fail_msg("refusing took %.2f s", r.seconds);
        /* decoded, the cue alone would be 57.6 M floats = 230 MB at 8 kHz, and
         * 1.3 GB at the output's 48 kHz */
        if (r.maxrss_kb > 64 * 1024)
            fail_msg("peak memory %ld kB: the cue was loaded", r.maxrss_kb);
    }
    run_free(&r);
}

/* Cue samples far beyond full scale (a broken float WAV: 1e30, FLT_MAX,
 * -FLT_MAX, tiny denormals) are mixed without overflow: every output sample
 * is finite and within the -1 dBFS ceiling. */
static void test_extreme_samples(void **state)
{
    (void)state;
    enum { N = 4800 };
    static float s[N];
    for (int i = 0; i < N; i++)
        s[i] = (i % 4 == 0) ? 1e30f : (i % 4 == 1) ? FLT_MAX : (i % 4 == 2) ? -FLT_MAX : 1e-40f;
    mkdir_or_fail(e2e_pathf("packs"));
    pack("extreme");
    e2e_write_audio(e2e_pathf("packs/extreme/a.wav"), SF_FORMAT_WAV | SF_FORMAT_FLOAT, 48000, 1, s, N);
    const char *text = e2e_pathf("extreme.adem");
    e2e_write_file(text, "session \"Hard\"\nspeak a\nspeak a\nwait 100ms\nspeak a\n");
    const char *raw = e2e_pathf("extreme.raw");
    char *args[] = {"render", "--voice", (char *)e2e_pathf("packs/extreme"), (char *)text, "-o", "-",
                    "--format", "f32", NULL};
    run_result r;
    run(args, raw, &r);
    if (r.status != 0)
        fail_msg("render failed (%d): %s", r.status, r.err);
    size_t n;
    char *bytes = e2e_read_file(raw, &n);
    assert_int_equal(n % 8, 0);
    assert_true(n >= (size_t)(3 * N + 4800) * 8);
    const float ceiling = powf(10.0f, -1.0f / 20.0f) + 1e-6f;
    float peak = 0;
    for (size_t i = 0; i < n / 4; i++) {
        float v;
        memcpy(&v, bytes + 4 * i, 4);
        if (!isfinite(v) || fabsf(v) > ceiling)
            fail_msg("sample %zu is %g (ceiling %g)", i, v, ceiling);
        peak = fabsf(v) > peak ? fabsf(v) : peak;
    }
    assert_true(peak > 0.5f); /* the cue is heard, at the ceiling */
    free(bytes);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_two_hours_not_loaded),
        cmocka_unit_test(test_extreme_samples),
    };
    return cmocka_run_group_tests(tests, setup, e2e_group_teardown);
}
