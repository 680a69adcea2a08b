/* test_resample: the one sample-rate converter (src/io/resample.h): a sine
 * keeps its frequency and level across rates, one go and streaming give the
 * same samples, and impossible requests are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "io/resample.h"

enum { N = 48000 };

/* n frames of a 1 kHz sine of amplitude 0.5 at rate. */
static float *sine(int rate, int64_t n)
{
    float *s = malloc((size_t)n * sizeof *s);
    assert_non_null(s);
    for (int64_t i = 0; i < n; i++)
        s[i] = (float)(0.5 * sin(2.0 * M_PI * 1000.0 * (double)i / rate));
    return s;
}

/* The largest difference from the ideal sine at `rate`, away from the ends
 * (where the filter starts and stops). */
static double max_error(const float *y, int64_t m, int rate)
{
    double worst = 0.0;
    for (int64_t i = m / 10; i < m - m / 10; i++) {
        double want = 0.5 * sin(2.0 * M_PI * 1000.0 * (double)i / rate);
        double e = fabs(y[i] - want);
        if (e > worst)
            worst = e;
    }
    return worst;
}

static void converts_a_sine(void **state)
{
    (void)state;
    static const int to[] = {44100, 96000, 22050};
    float *x = sine(48000, N);
    for (int k = 0; k < 3; k++) {
        int64_t m = -1;
        int err = 0;
        float *y = resample_all(x, N, 48000, to[k], &m, &err);
        assert_non_null(y);
        assert_int_equal(err, 0);
        /* one second in, one second out, to within a few frames */
        assert_true(llabs(m - to[k]) <= 4);
        double e = max_error(y, m, to[k]);
        print_message("      48000 -> %d Hz: %lld frames, largest error %.2g\n", to[k],
                      (long long)m, e);
        assert_true(e < 1e-5);
        free(y);
    }
    free(x);
}

static void streaming_equals_one_go(void **state)
{
    (void)state;
    float *x = sine(48000, N);
    int64_t m = 0;
    int err = 0;
    float *all = resample_all(x, N, 48000, 44100, &m, &err);
    assert_non_null(all);

    SRC_STATE *st = resample_new(&err);
    assert_non_null(st);
    const int64_t cap = m + 2000;
    float *y = calloc((size_t)cap, sizeof *y);
    SRC_DATA sd = {0};
    sd.src_ratio = 44100.0 / 48000.0;
    int64_t read = 0, made = 0;
    for (;;) {
        long chunk = N - read < 1000 ? (long)(N - read) : 1000;
        sd.data_in = x + read;
        sd.input_frames = chunk;
        sd.end_of_input = read + chunk == N;
        sd.data_out = y + made;
        sd.output_frames = cap - made < 1000 ? (long)(cap - made) : 1000;
        assert_int_equal(src_process(st, &sd), 0);
        read += sd.input_frames_used;
        made += sd.output_frames_gen;
        if (sd.end_of_input && sd.input_frames_used == 0 && sd.output_frames_gen == 0)
            break;
        assert_true(made < cap);
    }
    src_delete(st);
    assert_int_equal(made, m);
    assert_memory_equal(y, all, (size_t)m * sizeof *y);
    free(y);
    free(all);
    free(x);
}

static void refuses_what_it_cannot_do(void **state)
{
    (void)state;
    float x[16] = {0};
    int64_t m = 0;
    int err = 0;
    /* a ratio libsamplerate does not take (more than 256 times) */
    assert_null(resample_all(x, 16, 100, 48000, &m, &err));
    assert_true(err > 0);
    assert_non_null(resample_strerror(err));
    /* more frames than one call takes */
    err = 0;
    assert_null(resample_all(x, (int64_t)1 << 32, 48000, 44100, &m, &err));
    assert_int_equal(err, RESAMPLE_ETOOLONG);
    assert_string_equal(resample_strerror(RESAMPLE_ETOOLONG), "too many frames");
    assert_string_equal(resample_strerror(RESAMPLE_ENOMEM), "out of memory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(converts_a_sine),
        cmocka_unit_test(streaming_equals_one_go),
        cmocka_unit_test(refuses_what_it_cannot_do),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
