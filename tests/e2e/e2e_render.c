/* e2e_render: `adem render` through the real binary — every impulse cue on
 * its computed frame at 48 kHz and 44.1 kHz, identical bytes twice, the
 * three file formats read back, raw PCM, and failures that leave nothing. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "e2e.h"
#include "rt/engine.h"

/* The impulse session: cue lengths a=1000, b=2205, c=48000 frames (at the
 * pack's rate, which is the output rate so the cues are copied unchanged). */
static const char impulse_session[] = "session \"Impulsen\"\n"
                                      "voice imp\n"
                                      "speak a\n"
                                      "wait 1250ms\n"
                                      "repeat 3\n"
                                      "  phase \"in\" 4s cue=b\n"
                                      "  phase \"vast\" 7s\n"
                                      "  phase \"uit\" 8s cue=c\n"
                                      "  speak a\n"
                                      "end\n"
                                      "wait 13ms\n"
                                      "speak b\n";

/* Makes the impulse pack at rate in <tmp>/voices-RATE/imp. */
static const char *make_pack(int rate)
{
    static char dir[600];
    char sub[64];
    snprintf(sub, sizeof sub, "voices-%d", rate);
    snprintf(dir, sizeof dir, "%s/imp", e2e_path(sub));
    e2e_mkdir(dir);
    e2e_write_impulse_cue(dir, "a", rate, 1000, 0.5f);
    e2e_write_impulse_cue(dir, "b", rate, 2205, 0.25f);
    e2e_write_impulse_cue(dir, "c", rate, 48000, 0.125f);
    char tsv[700];
    snprintf(tsv, sizeof tsv, "%s/transcript.tsv", dir);
    e2e_write_file(tsv, "a\tA\nb\tB\nc\tC\n");
    return dir;
}

/* The expected impulse frames and amplitudes of impulse_session at rate,
 * computed from the timing rule: start = floor(ms * rate / 1000) + cue frames. */
static int expected(int rate, int64_t *at, float *amp, int64_t *total)
{
    int n = 0;
    int64_t ms = 0, cf = 0;
#define AT() (ms * rate / 1000 + cf)
    at[n] = AT(), amp[n++] = 0.5f; /* speak a */
    cf += 1000;
    ms += 1250;
    for (int i = 0; i < 3; i++) {
        at[n] = AT(), amp[n++] = 0.25f; /* in, cue b */
        ms += 4000 + 7000;
        at[n] = AT(), amp[n++] = 0.125f; /* uit, cue c */
        ms += 8000;
        at[n] = AT(), amp[n++] = 0.5f; /* speak a */
        cf += 1000;
    }
    ms += 13;
    at[n] = AT(), amp[n++] = 0.25f; /* speak b */
    cf += 2205;
    *total = AT();
#undef AT
    return n;
}

/* Renders impulse_session at rate to a float WAV and checks every impulse. */
static void check_impulses(int rate)
{
    const char *pack = make_pack(rate);
    char voices[700], session[700], out[700], ratestr[16];
    snprintf(voices, sizeof voices, "%s", pack);
    snprintf(session, sizeof session, "%s", e2e_path("imp.adem"));
    snprintf(out, sizeof out, "%s/imp-%d.wav", e2e_tmpdir(), rate);
    snprintf(ratestr, sizeof ratestr, "%d", rate);
    e2e_write_file(session, impulse_session);
    const char *argv[] = {"adem", "render", "--voice", voices, "--rate", ratestr, "--format",
                          "f32",  session,  "-o",      out,    NULL};
    e2e_result r;
    e2e_run(argv, &r);
    if (r.status != 0)
        fail_msg("render failed (%d): %s", r.status, r.err);
    assert_int_equal(r.out_len, 0); /* nothing on stdout */
    float *s;
    int ch, got_rate;
    int64_t frames = e2e_read_audio(out, &s, &ch, &got_rate);
    assert_int_equal(ch, 2);
    assert_int_equal(got_rate, rate);
    int64_t at[16], total;
    float amp[16];
    int n = expected(rate, at, amp, &total);
    assert_int_equal(frames, total); /* nothing rings on: ends on the last frame */
    int64_t pos[32];
    assert_int_equal(e2e_find_peaks(s, frames, ch, 1e-9f, pos, 32), n);
    const float g = engine_db_gain(ENGINE_HEADROOM_DB); /* the mix's headroom */
    for (int i = 0; i < n; i++) {
        assert_int_equal(pos[i], at[i]);
        assert_true(s[pos[i] * 2] == amp[i] * g && s[pos[i] * 2 + 1] == amp[i] * g);
    }
    free(s);
    e2e_result_free(&r);
}

static void test_impulses_48k(void **state)
{
    (void)state;
    check_impulses(48000);
}

static void test_impulses_44k1(void **state)
{
    (void)state;
    check_impulses(44100);
}

/* A session with everything in it renders to the same bytes twice. */
static void test_deterministic(void **state)
{
    (void)state;
    const char *pack = make_pack(48000);
    const char *session = e2e_path("rich.adem");
    e2e_write_file(session, "session \"Rijk\"\n"
                            "voice imp\n"
                            "bed pink -28dB\n"
                            "speak a\n"
                            "repeat 2\n"
                            "  phase \"in\" 4s cue=b tone=rise\n"
                            "  phase \"vast\" 3s tone=steady count=down\n"
                            "  phase \"uit\" 5s cue=c tone=fall pulse=80\n"
                            "  bell -6dB\n"
                            "end\n"
                            "bed off\n");
    /* count=down needs tel_1..tel_3 */
    for (int i = 1; i <= 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "tel_%d", i);
        e2e_write_impulse_cue(pack, id, 48000, 4800, 0.1f);
    }
    const char *o1 = e2e_path("one.wav"), *o2 = e2e_path("two.wav");
    const char *a1[] = {"adem", "render", "--voice", pack, session, "-o", o1, NULL};
    const char *a2[] = {"adem", "render", "--voice", pack, session, "-o", o2, NULL};
    e2e_result r1, r2;
    e2e_run(a1, &r1);
    e2e_run(a2, &r2);
    assert_int_equal(r1.status, 0);
    assert_int_equal(r2.status, 0);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", o1, o2);
    assert_int_equal(system(cmd), 0);
    float *s;
    int ch, rate;
    int64_t frames = e2e_read_audio(o1, &s, &ch, &rate);
    assert_true(frames > 24 * 48000);
    float peak = 0;
    for (int64_t i = 0; i < frames * ch; i++)
        peak = fmaxf(peak, fabsf(s[i]));
    assert_true(peak > 0.05f && peak <= 0.8913f); /* sounding, below -1 dBFS */
    free(s);
    e2e_result_free(&r1);
    e2e_result_free(&r2);
}

/* A `hold` renders exactly like a wait of its max: the same bytes as the
 * session with `wait 3s` in its place, under a bed, a ringing bell and a
 * cue; one without a max takes no time, like a mark (both are steps the bed's
 * dip under the next voice sees alike); `show` prints the hold with its
 * max. */
static void test_hold_renders_like_wait(void **state)
{
    (void)state;
    const char *pack = make_pack(48000);
    static const char body[] = "session \"Vragen\"\n"
                               "voice imp\n"
                               "bed pink -28dB\n"
                               "speak a\n"
                               "bell -6dB\n"
                               "%s\n"
                               "phase \"in\" 2s cue=b tone=rise\n"
                               "%s\n"
                               "phase \"uit\" 2s cue=c tone=fall\n";
    char text[1024];
    const char *hold = e2e_path("hold.adem"), *wait = e2e_path("wait.adem");
    snprintf(text, sizeof text, body, "hold \"Vragen?\" max=3s", "hold \"Klaar?\"");
    e2e_write_file(hold, text);
    snprintf(text, sizeof text, body, "wait 3s", "mark \"Klaar?\"");
    e2e_write_file(wait, text);
    const char *o1 = e2e_path("hold.wav"), *o2 = e2e_path("wait.wav");
    const char *a1[] = {"adem", "render", "--voice", pack, hold, "-o", o1, NULL};
    const char *a2[] = {"adem", "render", "--voice", pack, wait, "-o", o2, NULL};
    e2e_result r1, r2;
    e2e_run(a1, &r1);
    e2e_run(a2, &r2);
    assert_int_equal(r1.status, 0);
    assert_int_equal(r2.status, 0);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", o1, o2);
    assert_int_equal(system(cmd), 0);
    float *s;
    int ch, rate;
    int64_t frames = e2e_read_audio(o1, &s, &ch, &rate);
    assert_true(frames >= 7 * 48000); /* the cue, 3 s, 2 s, 2 s */
    free(s);
    const char *a3[] = {"adem", "show", "--voice", pack, hold, NULL};
    e2e_result r3;
    e2e_run(a3, &r3);
    assert_int_equal(r3.status, 0);
    assert_non_null(strstr(r3.out, "hold \"Vragen?\" max=3s"));
    assert_non_null(strstr(r3.out, "hold \"Klaar?\""));
    assert_null(strstr(r3.out, "hold \"Klaar?\" max"));
    e2e_result_free(&r1);
    e2e_result_free(&r2);
    e2e_result_free(&r3);
}

/* .wav, .flac and .ogg: each reads back with libsndfile, stereo, 48 kHz, of
 * the session's length; --mono writes one channel. */
static void test_formats(void **state)
{
    (void)state;
    const char *pack = make_pack(48000);
    const char *session = e2e_path("fmt.adem");
    e2e_write_file(session, impulse_session);
    int64_t at[16], total;
    float amp[16];
    expected(48000, at, amp, &total);
    const char *names[] = {"x.wav", "x.flac", "x.ogg", "X.WAV"};
    for (int i = 0; i < 4; i++) {
        const char *out = e2e_path(names[i]);
        const char *argv[] = {"adem", "render", "--voice", pack, session, "-o", out, NULL};
        e2e_result r;
        e2e_run(argv, &r);
        if (r.status != 0)
            fail_msg("%s: %s", names[i], r.err);
        float *s;
        int ch, rate;
        int64_t frames = e2e_read_audio(out, &s, &ch, &rate);
        assert_int_equal(ch, 2);
        assert_int_equal(rate, 48000);
        assert_int_equal(frames, total);
        if (i != 2) /* lossless: the first impulse is there, 16-bit */
            assert_float_equal(s[0], 0.5f * engine_db_gain(ENGINE_HEADROOM_DB), 1.0 / 32767);
        free(s);
        e2e_result_free(&r);
    }
    const char *mono = e2e_path("mono.wav");
    const char *argv[] = {"adem", "render", "--mono", "--voice", pack, session, "-o", mono, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    float *s;
    int ch, rate;
    assert_int_equal(e2e_read_audio(mono, &s, &ch, &rate), total);
    assert_int_equal(ch, 1);
    free(s);
    e2e_result_free(&r);
}

/* -o - writes raw little-endian PCM: s16 equals the WAV's samples, f32 the
 * float WAV's, and nothing else is on stdout. */
static void test_raw(void **state)
{
    (void)state;
    const char *pack = make_pack(48000);
    const char *session = e2e_path("raw.adem");
    e2e_write_file(session, impulse_session);
    int64_t at[16], total;
    float amp[16];
    expected(48000, at, amp, &total);
    const char *a16[] = {"adem", "render", "--voice", pack, session, "-o", "-", NULL};
    const char *a32[] = {"adem", "render", "--voice", pack, session, "-o", "-", "--format", "f32",
                         NULL};
    e2e_result r16, r32;
    e2e_run(a16, &r16);
    e2e_run(a32, &r32);
    assert_int_equal(r16.status, 0);
    assert_int_equal(r32.status, 0);
    assert_int_equal(r16.out_len, (size_t)total * 2 * 2);
    assert_int_equal(r32.out_len, (size_t)total * 2 * 4);
    const unsigned char *b = (const unsigned char *)r16.out;
    const float g = engine_db_gain(ENGINE_HEADROOM_DB);
    int16_t first = (int16_t)(b[0] | b[1] << 8);
    assert_int_equal(first, lrintf(0.5f * g * 32767.0f)); /* rounded to nearest */
    float f;
    memcpy(&f, r32.out + (size_t)at[1] * 8, 4);
    assert_true(f == 0.25f * g);
    e2e_result_free(&r16);
    e2e_result_free(&r32);
}

/* A render that fails leaves no file (and no temporary file) behind, keeps
 * an older file of that name, and says why in one line. */
static void test_failures_leave_nothing(void **state)
{
    (void)state;
    const char *pack = make_pack(48000);
    char dir[600];
    snprintf(dir, sizeof dir, "%s", e2e_path("outdir"));
    e2e_mkdir(dir);
    const char *bad = e2e_path("bad.adem");
    e2e_write_file(bad, "session \"x\"\nvoice imp\nspeak a\nspeak bestaat_niet\n");
    char out[700];
    snprintf(out, sizeof out, "%s/x.wav", dir);
    e2e_write_file(out, "older file");
    /* unknown cue: input error, exit 2, file:line:col */
    const char *a1[] = {"adem", "render", "--voice", pack, bad, "-o", out, NULL};
    e2e_result r;
    e2e_run(a1, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "bad.adem:4:7:"));
    assert_non_null(strstr(r.err, "bestaat_niet"));
    assert_int_equal(e2e_dir_entries(dir), 1);
    e2e_result_free(&r);
    /* the older file is untouched */
    FILE *f = fopen(out, "rb");
    char buf[32] = {0};
    assert_non_null(f);
    assert_int_equal(fread(buf, 1, sizeof buf - 1, f), 10);
    fclose(f);
    assert_string_equal(buf, "older file");
    /* a missing folder: runtime error, exit 1, names the path */
    const char *good = e2e_path("good.adem");
    e2e_write_file(good, "session \"x\"\nvoice imp\nspeak a\n");
    char missing[700];
    snprintf(missing, sizeof missing, "%s/nope/x.wav", dir);
    const char *a2[] = {"adem", "render", "--voice", pack, good, "-o", missing, NULL};
    e2e_run(a2, &r);
    assert_int_equal(r.status, 1);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "nope"));
    e2e_result_free(&r);
    /* an unknown extension: input error */
    char mp3[700];
    snprintf(mp3, sizeof mp3, "%s/x.mp3", dir);
    const char *a3[] = {"adem", "render", "--voice", pack, good, "-o", mp3, NULL};
    e2e_run(a3, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_int_equal(e2e_dir_entries(dir), 1);
    e2e_result_free(&r);
    /* disk full on stdout */
    const char *a4[] = {"adem", "render", "--voice", pack, good, "-o", "-", NULL};
    char sh[1400];
    snprintf(sh, sizeof sh, "'%s' render --voice '%s' '%s' -o - > /dev/full 2> '%s'",
             getenv("ADEM_BIN"), pack, good, e2e_path("full.err"));
    (void)a4;
    int st = system(sh);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
}

/* render without -o, or without a session: usage errors. */
static void test_usage(void **state)
{
    (void)state;
    const char *a1[] = {"adem", "render", "478", NULL};
    const char *a2[] = {"adem", "render", "-o", "x.wav", NULL};
    const char *a3[] = {"adem", "render", "478", "-o", "x.wav", "--format", "s24", NULL};
    const char *const *cases[] = {a1, a2, a3};
    for (int i = 0; i < 3; i++) {
        e2e_result r;
        e2e_run(cases[i], &r);
        assert_int_equal(r.status, 2);
        assert_int_equal(e2e_count_lines(r.err), 1);
        assert_memory_equal(r.err, "adem: ", 6);
        e2e_result_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_impulses_48k),
        cmocka_unit_test(test_impulses_44k1),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_hold_renders_like_wait),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_raw),
        cmocka_unit_test(test_failures_leave_nothing),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
