/* test_voicepack: finding, checking, decoding and converting voice cues
 * (src/io/voicepack.c) on real files written with libsndfile. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"
#include "io/voicepack.h"

#define WAV16 (SF_FORMAT_WAV | SF_FORMAT_PCM_16)
#define WAVF (SF_FORMAT_WAV | SF_FORMAT_FLOAT)
#define FLAC16 (SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
#define OGGV (SF_FORMAT_OGG | SF_FORMAT_VORBIS)

static char T[512];         /* the test's temp dir */
static char B[600], U[600]; /* shipped and user pack folders */
static vp_dirs dirs;

/* A path under the temp dir (static rotating buffers). */
static const char *P(const char *rel)
{
    static char bufs[16][1200];
    static int next;
    char *b = bufs[next++ % 16];
    snprintf(b, sizeof bufs[0], "%s/%s", T, rel);
    return b;
}

/* Creates a folder under the temp dir (parents first). */
static void mk(const char *rel)
{
    assert_int_equal(mkdir(P(rel), 0755), 0);
}

/* Writes a mono cue of `frames` frames: amp on frame 0, then silence. */
static void write_cue(const char *rel, int format, int rate, int64_t frames, float amp)
{
    float *s = calloc((size_t)frames + 1, sizeof *s);
    s[0] = amp;
    e2e_write_audio(P(rel), format, rate, 1, s, frames);
    free(s);
}

/* A sine of freq Hz and amplitude amp, mono, malloc'd. */
static float *sine(int rate, int64_t frames, double freq, double amp)
{
    float *s = malloc((size_t)frames * sizeof *s);
    for (int64_t i = 0; i < frames; i++)
        s[i] = (float)(amp * sin(2.0 * M_PI * freq * (double)i / rate));
    return s;
}

/* Deterministic noise in [-0.5, 0.5). */
static float *noise(int64_t n)
{
    float *s = malloc((size_t)n * sizeof *s);
    uint32_t x = 12345;
    for (int64_t i = 0; i < n; i++) {
        x = x * 1664525u + 1013904223u;
        s[i] = (float)((double)(x >> 8) / 16777216.0 - 0.5);
    }
    return s;
}

/* Shortens the file at path by `cut` bytes. */
static void cut_tail(const char *path, long cut)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size - cut), 0);
}

/* The layout shared by the tests:
 *   builtin/nl: a.wav b.wav c.flac e.ogg e.wav f.flac f.wav
 *   builtin/calm: g.wav
 *   user/nl: b.wav, t.wav -> b.wav, s.wav -> ../../outside.wav, dirx.wav/
 *   user/zen: a.wav
 *   mypack: c.wav      outside.wav      bad/ (for broken files) */
static int setup_all(void **state)
{
    (void)state;
    snprintf(T, sizeof T, "%s", e2e_tmpdir());
    snprintf(B, sizeof B, "%s/builtin", T);
    snprintf(U, sizeof U, "%s/user", T);
    dirs.builtin = B;
    dirs.user = U;
    mk("builtin");
    mk("builtin/nl");
    mk("builtin/calm");
    mk("user");
    mk("user/nl");
    mk("user/zen");
    mk("mypack");
    mk("bad");
    write_cue("builtin/nl/a.wav", WAVF, 48000, 100, 0.1f);
    write_cue("builtin/nl/b.wav", WAVF, 48000, 100, 0.2f);
    write_cue("builtin/nl/c.flac", FLAC16, 48000, 100, 0.3f);
    write_cue("builtin/nl/e.ogg", OGGV, 48000, 4800, 0.4f);
    write_cue("builtin/nl/e.wav", WAVF, 48000, 100, 0.4f);
    write_cue("builtin/nl/f.flac", FLAC16, 48000, 100, 0.5f);
    write_cue("builtin/nl/f.wav", WAVF, 48000, 100, 0.5f);
    write_cue("builtin/calm/g.wav", WAVF, 48000, 100, 0.6f);
    write_cue("user/nl/b.wav", WAVF, 48000, 200, 0.7f);
    write_cue("user/zen/a.wav", WAVF, 48000, 100, 0.8f);
    write_cue("mypack/c.wav", WAVF, 48000, 100, 0.9f);
    write_cue("outside.wav", WAVF, 48000, 100, 1.0f);
    assert_int_equal(symlink("b.wav", P("user/nl/t.wav")), 0);
    assert_int_equal(symlink("../../outside.wav", P("user/nl/s.wav")), 0);
    mk("user/nl/dirx.wav");
    return 0;
}

/* A cue used at sess.adem:LINE:COL. */
static tl_cue cue_at(const char *pack, const char *id, int line, int col)
{
    tl_cue c;
    c.pack = pack;
    c.id = id;
    c.file = "sess.adem";
    c.loc.line = line;
    c.loc.col = col;
    return c;
}

/* Resolves n cues with dirs d; fails the test on error. */
static voicepack *resolve_ok(const tl_cue *c, int n, const vp_dirs *d)
{
    voicepack *vp = NULL;
    adem_diag dg;
    diag_clear(&dg);
    if (voicepack_resolve(c, n, d, &vp, &dg) != 0)
        fail_msg("resolve: %s", dg.msg);
    assert_non_null(vp);
    return vp;
}

/* Expects resolving the single cue c to fail at sess.adem:line:col with msg. */
static void expect_resolve_error(tl_cue c, const vp_dirs *d, const char *msg)
{
    voicepack *vp = (voicepack *)&vp;
    adem_diag dg;
    diag_clear(&dg);
    assert_int_equal(voicepack_resolve(&c, 1, d, &vp, &dg), -1);
    assert_null(vp);
    assert_string_equal(dg.file, "sess.adem");
    assert_int_equal(dg.line, c.loc.line);
    assert_int_equal(dg.col, c.loc.col);
    assert_int_equal(dg.status, ADEM_EXIT_INPUT);
    assert_string_equal(dg.msg, msg);
}

/* ---- resolution --------------------------------------------------------------- */

static void test_resolution_order(void **state)
{
    (void)state;
    tl_cue c[] = {
        cue_at("nl", "a", 1, 1),   /* shipped only */
        cue_at("nl", "b", 2, 1),   /* the user's replaces the shipped one */
        cue_at("zen", "a", 3, 1),  /* the user's pack zen */
        cue_at("zen", "b", 4, 1),  /* not in zen: the user's nl */
        cue_at("zen", "c", 5, 1),  /* not in zen, not in the user's nl: shipped nl */
        cue_at("calm", "g", 6, 1), /* a shipped pack other than nl */
        cue_at("calm", "b", 7, 1), /* ... falls back to the user's nl too */
        cue_at("nl", "t", 8, 1),   /* a symlink inside the pack is fine */
    };
    voicepack *vp = resolve_ok(c, 8, &dirs);
    assert_string_equal(voicepack_file(vp, 0), P("builtin/nl/a.wav"));
    assert_string_equal(voicepack_file(vp, 1), P("user/nl/b.wav"));
    assert_string_equal(voicepack_file(vp, 2), P("user/zen/a.wav"));
    assert_string_equal(voicepack_file(vp, 3), P("user/nl/b.wav"));
    assert_string_equal(voicepack_file(vp, 4), P("builtin/nl/c.flac"));
    assert_string_equal(voicepack_file(vp, 5), P("builtin/calm/g.wav"));
    assert_string_equal(voicepack_file(vp, 6), P("user/nl/b.wav"));
    assert_string_equal(voicepack_file(vp, 7), P("user/nl/t.wav"));
    assert_null(voicepack_file(vp, 8));
    assert_null(voicepack_file(vp, -1));

    /* what was loaded is what was chosen: the user's b (200 frames, 0.7) */
    adem_cue cues[8];
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(voicepack_load(vp, 48000, cues, &d), 0);
    assert_int_equal(cues[1].frames, 200);
    assert_true(cues[1].samples[0] == 0.7f);
    assert_int_equal(cues[0].frames, 100);
    assert_true(cues[0].samples[0] == 0.1f);
    assert_true(cues[2].samples[0] == 0.8f);
    assert_true(cues[7].samples[0] == 0.7f);
    voicepack_free(vp);
}

static void test_extension_order(void **state)
{
    (void)state;
    tl_cue c[] = {cue_at("nl", "e", 1, 1), cue_at("nl", "f", 2, 1)};
    voicepack *vp = resolve_ok(c, 2, &dirs);
    assert_string_equal(voicepack_file(vp, 0), P("builtin/nl/e.ogg"));
    assert_string_equal(voicepack_file(vp, 1), P("builtin/nl/f.flac"));
    voicepack_free(vp);
}

static void test_folder_pack(void **state)
{
    (void)state;
    char old[1024];
    assert_non_null(getcwd(old, sizeof old));
    assert_int_equal(chdir(T), 0);
    tl_cue c[] = {
        cue_at(P("mypack"), "c", 1, 1), /* a folder: has a '/' */
        cue_at("./mypack", "c", 2, 1),  /* a folder: starts with '.' */
        cue_at("./mypack", "a", 3, 1),  /* not there: nl */
        cue_at("./mypack", "b", 4, 1),
        cue_at("mypack/", "c", 5, 1), /* a trailing separator is fine */
    };
    voicepack *vp = resolve_ok(c, 5, &dirs);
    assert_int_equal(chdir(old), 0);
    assert_string_equal(voicepack_file(vp, 0), P("mypack/c.wav"));
    assert_string_equal(voicepack_file(vp, 1), "./mypack/c.wav");
    assert_string_equal(voicepack_file(vp, 2), P("builtin/nl/a.wav"));
    assert_string_equal(voicepack_file(vp, 3), P("user/nl/b.wav"));
    assert_string_equal(voicepack_file(vp, 4), "mypack/c.wav");
    voicepack_free(vp);

    /* a folder pack works with no pack folders known at all */
    vp = resolve_ok(c, 1, NULL);
    assert_string_equal(voicepack_file(vp, 0), P("mypack/c.wav"));
    voicepack_free(vp);
}

static void test_missing_cue(void **state)
{
    (void)state;
    char msg[4096];
    snprintf(msg, sizeof msg,
             "cue 'adem_in' is not in voice pack 'nl' (looked in %s/nl, %s/nl); add adem_in.ogg "
             "to the pack or fix the name",
             U, B);
    expect_resolve_error(cue_at("nl", "adem_in", 3, 7), &dirs, msg);

    snprintf(msg, sizeof msg,
             "cue 'x' is not in voice pack 'zen' (looked in %s/zen, %s/zen, %s/nl, %s/nl); add "
             "x.ogg to the pack or fix the name",
             U, B, U, B);
    expect_resolve_error(cue_at("zen", "x", 12, 2), &dirs, msg);

    vp_dirs only_builtin = {B, NULL};
    snprintf(msg, sizeof msg,
             "cue 'x' is not in voice pack 'nl' (looked in %s/nl); add x.ogg to the pack or fix "
             "the name",
             B);
    expect_resolve_error(cue_at("nl", "x", 1, 1), &only_builtin, msg);

    expect_resolve_error(cue_at("nl", "x", 1, 1), NULL,
                         "cue 'x' is not in voice pack 'nl' (no voice pack folders are known); "
                         "add x.ogg to the pack or fix the name");

    /* the second of several cues is missing: nothing is returned, no leak */
    tl_cue c[] = {cue_at("nl", "a", 1, 1), cue_at("nl", "nope", 9, 4)};
    voicepack *vp = (voicepack *)&vp;
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(voicepack_resolve(c, 2, &dirs, &vp, &d), -1);
    assert_null(vp);
    assert_int_equal(d.line, 9);
    assert_int_equal(d.col, 4);
}

static void test_missing_pack(void **state)
{
    (void)state;
    char msg[4096];
    snprintf(msg, sizeof msg,
             "voice pack folder '%s' does not exist; check the folder's name where the pack is "
             "chosen (command line, config file or the session's voice line)",
             P("nothere"));
    expect_resolve_error(cue_at(P("nothere"), "a", 2, 5), &dirs, msg);

    snprintf(msg, sizeof msg,
             "voice pack 'xx' is not installed (looked in %s/xx, %s/xx); install it there, or "
             "choose the pack by its folder",
             U, B);
    expect_resolve_error(cue_at("xx", "a", 4, 1), &dirs, msg);
}

static void test_symlink_outside_refused(void **state)
{
    (void)state;
    char msg[4096];
    snprintf(msg, sizeof msg,
             "cue 's': '%s/nl/s.wav' points outside its voice pack; copy the recording into the "
             "pack",
             U);
    expect_resolve_error(cue_at("nl", "s", 5, 3), &dirs, msg);

    snprintf(msg, sizeof msg,
             "cue 'dirx': '%s/nl/dirx.wav': it is a folder, not a file; replace it with a recording",
             U);
    expect_resolve_error(cue_at("nl", "dirx", 6, 3), &dirs, msg);
}

static void test_empty(void **state)
{
    (void)state;
    voicepack *vp = resolve_ok(NULL, 0, &dirs);
    int64_t frames[1] = {-5};
    adem_cue cues[1];
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(voicepack_lengths(vp, 48000, frames, &d), 0);
    assert_int_equal(frames[0], -5);
    assert_int_equal(voicepack_load(vp, 48000, cues, &d), 0);
    assert_null(voicepack_file(vp, 0));
    voicepack_free(vp);
    voicepack_free(NULL);
}

/* ---- lengths and decoding --------------------------------------------------------- */

/* Lengths of pack folder `dir`'s cues at rate, then load; both must succeed and
 * agree. Returns the loaded cues (valid until *vpo is freed). */
static void lengths_and_load(const char *dir, const char *const *ids, int n, int rate,
                             int64_t *frames, adem_cue *cues, voicepack **vpo)
{
    tl_cue c[16];
    for (int i = 0; i < n; i++)
        c[i] = cue_at(dir, ids[i], i + 1, 1);
    voicepack *vp = resolve_ok(c, n, NULL);
    adem_diag d;
    diag_clear(&d);
    if (voicepack_lengths(vp, rate, frames, &d) != 0)
        fail_msg("lengths: %s", d.msg);
    if (voicepack_load(vp, rate, cues, &d) != 0)
        fail_msg("load: %s", d.msg);
    for (int i = 0; i < n; i++) {
        assert_non_null(cues[i].samples);
        assert_int_equal(cues[i].frames, frames[i]);
    }
    *vpo = vp;
}

static void test_lengths_match_load(void **state)
{
    (void)state;
    mk("rates");
    static const struct {
        const char *id;
        int file_rate, rate;
        int64_t frames, want; /* want: max(1, (frames*rate + file_rate/2) / file_rate), by hand */
    } t[] = {
        {"r44", 44100, 48000, 12345, 13437},  {"r22", 22050, 48000, 12345, 26873},
        {"r96", 96000, 48000, 12345, 6173},   {"r48", 48000, 44100, 12345, 11342},
        {"r48b", 48000, 48000, 12345, 12345}, {"r8", 8000, 48000, 12345, 74070},
        {"one", 192000, 8000, 1, 1},
    };
    enum { N = (int)(sizeof t / sizeof t[0]) };
    for (int i = 0; i < N; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "rates/%s.wav", t[i].id);
        float *s = sine(t[i].file_rate, t[i].frames, 440.0, 0.5);
        e2e_write_audio(P(rel), WAV16, t[i].file_rate, 1, s, t[i].frames);
        free(s);
    }
    for (int i = 0; i < N; i++) {
        int64_t frames[1];
        adem_cue cues[1];
        voicepack *vp;
        const char *ids[] = {t[i].id};
        lengths_and_load(P("rates"), ids, 1, t[i].rate, frames, cues, &vp);
        assert_int_equal(frames[0], t[i].want);
        /* the formula from voicepack.h */
        int64_t f = (t[i].frames * t[i].rate + t[i].file_rate / 2) / t[i].file_rate;
        assert_int_equal(frames[0], f < 1 ? 1 : f);
        /* the end is not cut off or padded far: the last 10 ms are still a 0.5 sine */
        if (t[i].frames > 1000) {
            float peak = 0;
            for (int64_t k = frames[0] - t[i].rate / 100 - 50; k < frames[0] - 50; k++)
                peak = fmaxf(peak, fabsf(cues[0].samples[k]));
            assert_true(peak > 0.45f && peak < 0.55f);
        }
        voicepack_free(vp);
    }
}

static void test_bit_identical(void **state)
{
    (void)state;
    mk("exact");
    const int64_t n = 30001; /* crosses the decoder's blocks */
    float *s = noise(n);
    s[5] = 1.75f; /* beyond full scale: still unchanged */
    s[6] = -3.0f;
    e2e_write_audio(P("exact/x.wav"), WAVF, 44100, 1, s, n);
    int64_t frames[1];
    adem_cue cues[1];
    voicepack *vp;
    const char *ids[] = {"x"};
    lengths_and_load(P("exact"), ids, 1, 44100, frames, cues, &vp);
    assert_int_equal(frames[0], n);
    assert_memory_equal(cues[0].samples, s, (size_t)n * sizeof *s);
    voicepack_free(vp);
    free(s);
}

static void test_stereo_fold(void **state)
{
    (void)state;
    mk("stereo");
    const int64_t n = 20000;
    float *l = noise(2 * n), *s = malloc((size_t)n * 2 * sizeof *s);
    for (int64_t i = 0; i < n; i++) {
        s[2 * i] = l[i];
        s[2 * i + 1] = l[n + i] * 0.3f;
    }
    s[0] = 0.5f; /* by hand: (0.5 + 0.25) / 2 = 0.375 */
    s[1] = 0.25f;
    e2e_write_audio(P("stereo/st.wav"), WAVF, 32000, 2, s, n);
    int64_t frames[1];
    adem_cue cues[1];
    voicepack *vp;
    const char *ids[] = {"st"};
    lengths_and_load(P("stereo"), ids, 1, 32000, frames, cues, &vp);
    assert_int_equal(frames[0], n);
    assert_true(cues[0].samples[0] == 0.375f);
    for (int64_t i = 0; i < n; i++)
        if (cues[0].samples[i] != (s[2 * i] + s[2 * i + 1]) / 2)
            fail_msg("frame %lld: %g", (long long)i, (double)cues[0].samples[i]);
    voicepack_free(vp);
    free(l);
    free(s);
}

/* Frequency (from the first and last upward zero crossings) and RMS of the
 * middle 80% of x. */
static void measure(const float *x, int64_t n, int rate, double *freq, double *rms)
{
    int64_t a = n / 10, b = n - n / 10, count = 0;
    double first = -1, last = -1, e = 0;
    for (int64_t i = a; i < b; i++) {
        e += (double)x[i] * x[i];
        if (x[i - 1] < 0 && x[i] >= 0) {
            double pos = (double)(i - 1) + x[i - 1] / (double)(x[i - 1] - x[i]);
            if (first < 0)
                first = pos;
            last = pos;
            count++;
        }
    }
    *freq = (double)(count - 1) * rate / (last - first);
    *rms = sqrt(e / (double)(b - a));
}

static void test_resampled_sine(void **state)
{
    (void)state;
    mk("sine");
    static const struct {
        const char *id;
        int file_rate, rate;
    } t[] = {
        {"s44", 44100, 48000}, {"s22", 22050, 48000}, {"s96", 96000, 48000}, {"s48", 48000, 44100}};
    for (int i = 0; i < 4; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "sine/%s.flac", t[i].id);
        float *s = sine(t[i].file_rate, t[i].file_rate, 1000.0, 0.5); /* 1 s */
        e2e_write_audio(P(rel), FLAC16, t[i].file_rate, 1, s, t[i].file_rate);
        free(s);
        int64_t frames[1];
        adem_cue cues[1];
        voicepack *vp;
        const char *ids[] = {t[i].id};
        lengths_and_load(P("sine"), ids, 1, t[i].rate, frames, cues, &vp);
        assert_int_equal(frames[0], t[i].rate);
        double freq, rms;
        measure(cues[0].samples, frames[0], t[i].rate, &freq, &rms);
        if (fabs(freq - 1000.0) > 0.5 || fabs(rms - 0.5 / sqrt(2.0)) > 0.002)
            fail_msg("%s: %.3f Hz, rms %.5f", t[i].id, freq, rms);
        /* and it is the same sine, in time (no delay) and clean (a good
         * converter): compare with the ideal one away from the ends */
        double maxerr = 0;
        for (int64_t k = t[i].rate / 10; k < frames[0] - t[i].rate / 10; k++) {
            double ideal = 0.5 * sin(2.0 * M_PI * 1000.0 * (double)k / t[i].rate);
            maxerr = fmax(maxerr, fabs(cues[0].samples[k] - ideal));
        }
        if (maxerr > 2e-4) /* measured: 3e-5 (16-bit source) */
            fail_msg("%s: differs from the ideal sine by up to %.2e", t[i].id, maxerr);
        voicepack_free(vp);
    }
}

static void test_formats_load(void **state)
{
    (void)state;
    mk("fmt");
    const int64_t n = 24000;
    float *s = sine(48000, n, 440.0, 0.5);
    e2e_write_audio(P("fmt/o.ogg"), OGGV, 48000, 1, s, n);
    e2e_write_audio(P("fmt/fl.flac"), FLAC16, 48000, 1, s, n);
    e2e_write_audio(P("fmt/w.wav"), WAVF, 48000, 1, s, n);
    int64_t frames[3];
    adem_cue cues[3];
    voicepack *vp;
    const char *ids[] = {"o", "fl", "w"};
    lengths_and_load(P("fmt"), ids, 3, 48000, frames, cues, &vp);
    for (int i = 0; i < 3; i++)
        assert_int_equal(frames[i], n);
    double err_o = 0, sig = 0, max_fl = 0;
    for (int64_t i = 0; i < n; i++) {
        sig += (double)s[i] * s[i];
        err_o += ((double)cues[0].samples[i] - s[i]) * ((double)cues[0].samples[i] - s[i]);
        max_fl = fmax(max_fl, fabs((double)cues[1].samples[i] - s[i]));
    }
    assert_true(err_o < sig * 1e-3); /* Vorbis: better than 30 dB */
    assert_true(max_fl <= 1.0 / 32768);
    assert_memory_equal(cues[2].samples, s, (size_t)n * sizeof *s);

    /* loading again at another rate replaces the cues */
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(voicepack_lengths(vp, 24000, frames, &d), 0);
    assert_int_equal(voicepack_load(vp, 24000, cues, &d), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(frames[i], n / 2);
        assert_int_equal(cues[i].frames, n / 2);
    }
    voicepack_free(vp);
    free(s);
}

/* ---- limits and damaged files ------------------------------------------------------- */

/* Resolves cue id of the folder pack "bad" (used at sess.adem:7:3) to `file`;
 * expects lengths to fail with lengths_fmt (or to pass when it is NULL) and
 * load to fail with load_fmt. In both formats "%s" stands for the file's path. */
static void expect_bad(const char *id, const char *file, const char *lengths_fmt,
                       const char *load_fmt)
{
    tl_cue c = cue_at(P("bad"), id, 7, 3);
    voicepack *vp = resolve_ok(&c, 1, NULL);
    char path[1300], msg[3000];
    snprintf(path, sizeof path, "%s/bad/%s", T, file);
    assert_string_equal(voicepack_file(vp, 0), path);
    int64_t frames[1] = {0};
    adem_cue cues[1];
    adem_diag d;
    if (lengths_fmt) {
        diag_clear(&d);
        assert_int_equal(voicepack_lengths(vp, 48000, frames, &d), -1);
        snprintf(msg, sizeof msg, lengths_fmt, path);
        assert_string_equal(d.msg, msg);
        assert_string_equal(d.file, "sess.adem");
        assert_int_equal(d.line, 7);
        assert_int_equal(d.col, 3);
        assert_int_equal(d.status, ADEM_EXIT_INPUT);
    } else {
        diag_clear(&d);
        assert_int_equal(voicepack_lengths(vp, 48000, frames, &d), 0);
    }
    diag_clear(&d);
    assert_int_equal(voicepack_load(vp, 48000, cues, &d), -1);
    assert_null(cues[0].samples);
    snprintf(msg, sizeof msg, load_fmt, path);
    if (strcmp(d.msg, msg) != 0)
        fail_msg("load: '%s', want '%s'", d.msg, msg);
    assert_int_equal(d.line, 7);
    assert_int_equal(d.status, ADEM_EXIT_INPUT);
    voicepack_free(vp);
}

static void test_limits(void **state)
{
    (void)state;
    float z[3 * 16] = {0};
    e2e_write_audio(P("bad/zero.wav"), WAV16, 48000, 1, z, 0);
    e2e_write_audio(P("bad/three.wav"), WAV16, 48000, 3, z, 16);
    e2e_write_audio(P("bad/fast.wav"), WAV16, 384000, 1, z, 16);
    e2e_write_audio(P("bad/slow.wav"), WAV16, 4000, 1, z, 16);
    e2e_write_file(P("bad/text.wav"), "this is not a recording\n");
    /* Ogg Vorbis whose length is read from its pages (io/ogglen): the same messages */
    e2e_write_audio(P("bad/zeroo.ogg"), OGGV, 48000, 1, z, 0);
    e2e_write_audio(P("bad/threeo.ogg"), OGGV, 48000, 3, z, 16);

    /* 10:01 at 8000 Hz (16-bit mono: under 10 MB) */
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = 8000;
    info.channels = 1;
    info.format = WAV16;
    SNDFILE *f = sf_open(P("bad/long.wav"), SFM_WRITE, &info);
    short *blk = calloc(8000, sizeof *blk);
    for (int i = 0; i < 601; i++)
        assert_int_equal(sf_writef_short(f, blk, 8000), 8000);
    sf_close(f);
    /* exactly 10:00 is allowed */
    mk("ok");
    memset(&info, 0, sizeof info);
    info.samplerate = 8000;
    info.channels = 1;
    info.format = WAV16;
    f = sf_open(P("ok/ten.wav"), SFM_WRITE, &info);
    for (int i = 0; i < 600; i++)
        assert_int_equal(sf_writef_short(f, blk, 8000), 8000);
    sf_close(f);
    free(blk);

    const char *m;
    m = "cue 'zero': '%s' holds no audio (0 frames); record it again";
    expect_bad("zero", "zero.wav", m, m);
    m = "cue 'three': '%s' has 3 channels; cues must be mono or stereo";
    expect_bad("three", "three.wav", m, m);
    m = "cue 'zeroo': '%s' holds no audio (0 frames); record it again";
    expect_bad("zeroo", "zeroo.ogg", m, m);
    m = "cue 'threeo': '%s' has 3 channels; cues must be mono or stereo";
    expect_bad("threeo", "threeo.ogg", m, m);
    m = "cue 'fast': '%s' has a sample rate of 384000 Hz; cues must be 8000 to 192000 Hz";
    expect_bad("fast", "fast.wav", m, m);
    m = "cue 'slow': '%s' has a sample rate of 4000 Hz; cues must be 8000 to 192000 Hz";
    expect_bad("slow", "slow.wav", m, m);
    m = "cue 'long': '%s' is 10:01 long; cues may be at most 10 minutes";
    expect_bad("long", "long.wav", m, m);
    m = "cue 'text': '%s' is not audio that libsndfile can read; save it as Ogg Vorbis (.ogg), "
        "FLAC (.flac) or WAV (.wav)";
    expect_bad("text", "text.wav", m, m);

    tl_cue c = cue_at(P("ok"), "ten", 1, 1);
    voicepack *vp = resolve_ok(&c, 1, NULL);
    int64_t frames[1];
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(voicepack_lengths(vp, 48000, frames, &d), 0);
    assert_int_equal(frames[0], 600 * 48000);
    voicepack_free(vp);
}

static void test_damaged_files(void **state)
{
    (void)state;
    const int64_t n = 48000;
    float *s = noise(n);
    e2e_write_audio(P("bad/cutw.wav"), WAV16, 48000, 1, s, n);
    cut_tail(P("bad/cutw.wav"), 1000);
    e2e_write_audio(P("bad/cutf.flac"), FLAC16, 48000, 1, s, n);
    cut_tail(P("bad/cutf.flac"), 20000);
    e2e_write_audio(P("bad/cuto.ogg"), OGGV, 48000, 1, s, n);
    cut_tail(P("bad/cuto.ogg"), 3000);
    free(s);

    const char *m = "cue 'cutw': '%s' is cut short: its header promises 96000 bytes of audio "
                    "but the file holds 95000; export or record it again";
    expect_bad("cutw", "cutw.wav", m, m);
    m = "cue 'cuto': '%s' is damaged: its length cannot be read (is it cut short?); export or "
        "record it again";
    expect_bad("cuto", "cuto.ogg", m, m);

    /* FLAC keeps its length in the header: lengths pass, decoding finds the cut */
    tl_cue c = cue_at(P("bad"), "cutf", 7, 3);
    voicepack *vp = resolve_ok(&c, 1, NULL);
    int64_t frames[1];
    adem_cue cues[1];
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(voicepack_lengths(vp, 44100, frames, &d), 0);
    assert_int_equal(frames[0], 44100);
    assert_int_equal(voicepack_load(vp, 44100, cues, &d), -1);
    char head[1300];
    snprintf(head, sizeof head, "cue 'cutf': '%s' is damaged or cut short: it ends after ",
             P("bad/cutf.flac"));
    assert_memory_equal(d.msg, head, strlen(head));
    const char *tail = " of its 48000 frames; export or record it again";
    assert_true(strlen(d.msg) > strlen(tail));
    assert_string_equal(d.msg + strlen(d.msg) - strlen(tail), tail);
    long got = strtol(d.msg + strlen(head), NULL, 10);
    assert_true(got > 0 && got < 48000);
    assert_null(cues[0].samples);
    voicepack_free(vp);
}

static void test_bad_rate(void **state)
{
    (void)state;
    tl_cue c = cue_at("nl", "a", 1, 1);
    voicepack *vp = resolve_ok(&c, 1, &dirs);
    int64_t frames[1];
    adem_cue cues[1];
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(voicepack_lengths(vp, 0, frames, &d), -1);
    assert_string_equal(d.msg, "output rate 0 Hz is invalid; give a rate such as 48000");
    assert_int_equal(voicepack_load(vp, -1, cues, &d), -1);
    voicepack_free(vp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolution_order),
        cmocka_unit_test(test_extension_order),
        cmocka_unit_test(test_folder_pack),
        cmocka_unit_test(test_missing_cue),
        cmocka_unit_test(test_missing_pack),
        cmocka_unit_test(test_symlink_outside_refused),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_lengths_match_load),
        cmocka_unit_test(test_bit_identical),
        cmocka_unit_test(test_stereo_fold),
        cmocka_unit_test(test_resampled_sine),
        cmocka_unit_test(test_formats_load),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_damaged_files),
        cmocka_unit_test(test_bad_rate),
    };
    return cmocka_run_group_tests(tests, setup_all, e2e_group_teardown);
}
