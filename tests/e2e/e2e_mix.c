/* e2e_mix: the kinder mix, measured from renders — the bed dips 5 dB under
 * the voice with 200 ms ramps (starting before the voice), the voice sits in
 * the centre, rising tones lean left and falling tones right, --mono folds
 * the mix without changing it, and --max-level is a hard ceiling. */
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

#define RATE 48000

static char pack[700];

/* Renders session text to interleaved float; returns samples, sets frames
 * and channels. extra: more arguments (NULL-terminated) or NULL. */
static float *render(const char *text, const char *const *extra, int64_t *frames, int *channels)
{
    const char *path = e2e_path("mix.adem");
    const char *out = e2e_path("mix.wav");
    e2e_write_file(path, text);
    const char *argv[24] = {"adem", "render", "--voice", pack, "--format", "f32", path, "-o", out};
    int n = 9;
    for (int i = 0; extra && extra[i]; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    e2e_result r;
    e2e_run(argv, &r);
    if (r.status != 0)
        fail_msg("render: %s", r.err);
    e2e_result_free(&r);
    float *s;
    int rate;
    *frames = e2e_read_audio(out, &s, channels, &rate);
    return s;
}

/* RMS in dB of channel ch over [from, to) seconds. */
static double rms_db(const float *s, int channels, int ch, double from, double to)
{
    int64_t a = (int64_t)(from * RATE), b = (int64_t)(to * RATE);
    double sum = 0;
    for (int64_t i = a; i < b; i++)
        sum += (double)s[i * channels + ch] * s[i * channels + ch];
    return 10 * log10(sum / (double)(b - a) + 1e-30);
}

static int setup(void **state)
{
    (void)state;
    snprintf(pack, sizeof pack, "%s/mixpack", e2e_tmpdir());
    e2e_mkdir(pack);
    /* a silent 2 s cue: the voice "speaks" without adding anything we would
     * measure, so the bed alone is heard */
    float *z = calloc(2 * RATE, sizeof *z);
    char p[900];
    snprintf(p, sizeof p, "%s/stil.wav", pack);
    e2e_write_wav(p, RATE, z, 2 * RATE);
    free(z);
    e2e_write_impulse_cue(pack, "tik", RATE, 1000, 0.5f);
    return 0;
}

/* The bed dips 5 dB while the voice speaks: from 200 ms before the cue to
 * its start it ramps down, after the cue's end it ramps back up in 200 ms.
 * Measured exactly: the same bed without the cue is the same noise (same
 * seed), so the ratio of the two renders is the dip's gain, frame by frame. */
static void test_ducking(void **state)
{
    (void)state;
    int64_t n1, n2;
    int ch;
    float *ducked = render("session \"d\"\nbed pink -20dB\nwait 4s\nspeak stil\nwait 4s\n", NULL,
                           &n1, &ch);
    float *plain = render("session \"d\"\nbed pink -20dB\nwait 4s\nwait 2s\nwait 4s\n", NULL, &n2,
                          &ch);
    assert_int_equal(n1, n2);
    /* the bed's level: -20 dB, less the mix's headroom */
    assert_float_equal(rms_db(plain, ch, 0, 2.5, 3.75), -20.0 + ENGINE_HEADROOM_DB, 1.5);
    const double floor_ = pow(10.0, -5.0 / 20.0);
    const int64_t ramp = RATE / 5, down = 4 * RATE - ramp, up = 6 * RATE;
    int checked = 0;
    for (int64_t f = 2 * RATE; f < 8 * RATE; f++) {
        for (int c = 0; c < 2; c++) {
            float p = plain[f * 2 + c];
            if (fabsf(p) < 1e-3f)
                continue; /* the ratio is too noisy near zero crossings */
            double g = ducked[f * 2 + c] / p, want;
            if (f < down)
                want = 1.0;
            else if (f < down + ramp)
                want = 1.0 - (1.0 - floor_) * (double)(f - down + 1) / (double)ramp;
            else if (f < up)
                want = floor_;
            else if (f < up + ramp)
                want = floor_ + (1.0 - floor_) * (double)(f - up + 1) / (double)ramp;
            else
                want = 1.0;
            if (fabs(g - want) > 2e-3)
                fail_msg("frame %lld ch %d: gain %.5f, want %.5f", (long long)f, c, g, want);
            checked++;
        }
    }
    assert_true(checked > 8 * RATE);
    free(ducked);
    free(plain);
}

/* The voice is in the centre; a rising tone leans left, a falling tone
 * right, a steady tone is centred. */
static void test_stereo(void **state)
{
    (void)state;
    int64_t frames;
    int ch;
    float *s = render("session \"s\"\n"
                      "speak tik\n"
                      "phase \"in\" 2s tone=rise\n"
                      "phase \"vast\" 2s tone=steady\n"
                      "phase \"uit\" 2s tone=fall\n",
                      NULL, &frames, &ch);
    assert_true(s[0] != 0.0f && s[0] == s[1]); /* the voice: same in both */
    double in = rms_db(s, ch, 0, 0.6, 1.6) - rms_db(s, ch, 1, 0.6, 1.6);
    double hold = rms_db(s, ch, 0, 2.6, 3.6) - rms_db(s, ch, 1, 2.6, 3.6);
    double out = rms_db(s, ch, 0, 4.6, 5.6) - rms_db(s, ch, 1, 4.6, 5.6);
    double spread = 20 * log10(1.2 / 0.8);
    assert_float_equal(in, spread, 0.05);
    assert_float_equal(hold, 0.0, 0.05);
    assert_float_equal(out, -spread, 0.05);
    free(s);
}

/* --mono writes one channel equal to (L+R)/2 of the stereo render. */
static void test_mono_fold(void **state)
{
    (void)state;
    const char *text = "session \"m\"\n"
                       "bed brown -24dB\n"
                       "speak tik\n"
                       "phase \"in\" 2s tone=rise\n"
                       "bell\n"
                       "phase \"uit\" 2s tone=fall pulse=80\n";
    int64_t n2, n1;
    int c2, c1;
    float *st = render(text, NULL, &n2, &c2);
    const char *mono[] = {"--mono", NULL};
    float *mo = render(text, mono, &n1, &c1);
    assert_int_equal(c1, 1);
    assert_int_equal(n1, n2);
    for (int64_t i = 0; i < n1; i++)
        assert_float_equal(mo[i], 0.5f * (st[2 * i] + st[2 * i + 1]), 1e-6);
    free(st);
    free(mo);
}

/* --max-level is a ceiling on every sample. */
static void test_max_level(void **state)
{
    (void)state;
    const char *text = "session \"l\"\nbed pink -10dB\nphase \"p\" 3s tone=steady\nbell 6dB\nwait 2s\n";
    const char *args[] = {"--max-level", "-12", "--volume", "12", NULL};
    int64_t n;
    int c;
    float *s = render(text, args, &n, &c);
    float peak = 0;
    for (int64_t i = 0; i < n * c; i++)
        peak = fmaxf(peak, fabsf(s[i]));
    assert_true(peak <= powf(10.0f, -12.0f / 20.0f));
    assert_true(peak > powf(10.0f, -13.0f / 20.0f));
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ducking),
        cmocka_unit_test(test_stereo),
        cmocka_unit_test(test_mono_fold),
        cmocka_unit_test(test_max_level),
    };
    return cmocka_run_group_tests(tests, setup, e2e_group_teardown);
}
