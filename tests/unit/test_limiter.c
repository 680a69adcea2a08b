/* test_limiter: the output limiter — transparent below the ceiling, never
 * above it, linked channels, a smooth release back to exactly unity, and the
 * same output whatever the block sizes. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt/limiter.h"

#define RATE 48000

/* Fills buf with n interleaved stereo frames of a sine of amplitude amp. */
static void sine(float *buf, int n, float amp, double hz)
{
    for (int i = 0; i < n; i++) {
        float v = amp * (float)sin(2 * M_PI * hz * i / RATE);
        buf[2 * i] = v;
        buf[2 * i + 1] = -0.5f * v;
    }
}

/* Below the ceiling the samples pass bit for bit, and nothing is counted. */
static void test_transparent(void **state)
{
    (void)state;
    int n = RATE;
    float *a = malloc((size_t)n * 2 * sizeof *a), *b = malloc((size_t)n * 2 * sizeof *b);
    sine(a, n, 0.89f, 440);
    memcpy(b, a, (size_t)n * 2 * sizeof *a);
    limiter l;
    limiter_init(&l, RATE, -1.0, 80);
    limiter_process(&l, b, n, 2);
    assert_memory_equal(a, b, (size_t)n * 2 * sizeof *a);
    assert_int_equal(l.limited, 0);
    free(a);
    free(b);
}

/* Loud input never exceeds the ceiling; both channels get the same gain. */
static void test_ceiling_and_link(void **state)
{
    (void)state;
    int n = RATE;
    float *a = malloc((size_t)n * 2 * sizeof *a), *b = malloc((size_t)n * 2 * sizeof *b);
    uint32_t r = 1;
    for (int i = 0; i < n; i++) {
        r = r * 1664525u + 1013904223u;
        float v = ((float)(r >> 8) / 16777216.0f - 0.5f) * 8.0f; /* +-4 */
        a[2 * i] = v;
        a[2 * i + 1] = 0.25f * v;
    }
    memcpy(b, a, (size_t)n * 2 * sizeof *a);
    const double ceilings[] = {-1.0, -6.0, -20.0, 3.0};
    for (int k = 0; k < 4; k++) {
        memcpy(b, a, (size_t)n * 2 * sizeof *a);
        limiter l;
        limiter_init(&l, RATE, ceilings[k], 80);
        float c = (float)pow(10.0, (ceilings[k] > 0 ? 0 : ceilings[k]) / 20.0);
        limiter_process(&l, b, n, 2);
        for (int i = 0; i < n; i++) {
            assert_true(fabsf(b[2 * i]) <= c && fabsf(b[2 * i + 1]) <= c);
            if (a[2 * i] != 0.0f)
                assert_float_equal(b[2 * i + 1] / b[2 * i], 0.25f, 1e-4);
        }
        assert_true(l.limited > (uint64_t)n / 2);
    }
    free(a);
    free(b);
}

/* After a loud burst the gain comes back smoothly (no jumps up) and reaches
 * exactly 1, so quiet audio afterwards is bit-identical again. */
static void test_release(void **state)
{
    (void)state;
    limiter l;
    limiter_init(&l, RATE, -1.0, 80);
    float burst[2 * 480];
    sine(burst, 480, 4.0f, 1000);
    limiter_process(&l, burst, 480, 2);
    assert_true(l.gain < 0.3f);
    float prev = l.gain;
    float quiet[2];
    for (int i = 0; i < RATE * 2; i++) {
        quiet[0] = quiet[1] = 0.1f;
        limiter_process(&l, quiet, 1, 2);
        assert_true(l.gain >= prev);
        assert_true(l.gain - prev < 0.01f); /* no jump */
        prev = l.gain;
    }
    assert_true(l.gain == 1.0f);
    quiet[0] = quiet[1] = 0.1f;
    limiter_process(&l, quiet, 1, 2);
    assert_true(quiet[0] == 0.1f);
}

/* Any split into blocks gives the same output. */
static void test_blocks(void **state)
{
    (void)state;
    int n = RATE;
    float *a = malloc((size_t)n * 2 * sizeof *a), *b = malloc((size_t)n * 2 * sizeof *b);
    sine(a, n, 3.0f, 97);
    memcpy(b, a, (size_t)n * 2 * sizeof *a);
    limiter l1, l2;
    limiter_init(&l1, RATE, -1.0, 80);
    limiter_init(&l2, RATE, -1.0, 80);
    limiter_process(&l1, a, n, 2);
    for (int i = 0, step = 1; i < n; i += step, step = step * 3 % 1021 + 1) {
        int m = i + step > n ? n - i : step;
        limiter_process(&l2, b + 2 * i, m, 2);
    }
    assert_memory_equal(a, b, (size_t)n * 2 * sizeof *a);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transparent),
        cmocka_unit_test(test_ceiling_and_link),
        cmocka_unit_test(test_release),
        cmocka_unit_test(test_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
