/* test_ring: the SPSC float ring (src/rt/ring.h): capacity rounding, empty and
 * full, wrap-around at the end of the buffer, discard, and two threads moving
 * millions of samples through a small ring with none lost, repeated or
 * reordered. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sched.h>
#include <stdlib.h>

#include "rt/ring.h"
#include "sys/thread.h"

/* Capacities round up to a power of two; 0 and oversize are refused. */
static void capacity_rounds_to_power_of_two(void **state)
{
    (void)state;
    ring *r = ring_new(5);
    assert_non_null(r);
    assert_int_equal(ring_capacity(r), 8);
    ring_free(r);
    r = ring_new(1);
    assert_int_equal(ring_capacity(r), 2);
    ring_free(r);
    r = ring_new(64);
    assert_int_equal(ring_capacity(r), 64);
    ring_free(r);
    r = ring_new(65);
    assert_int_equal(ring_capacity(r), 128);
    ring_free(r);
    assert_null(ring_new(0));
    assert_null(ring_new(RING_MAX_CAPACITY + 1));
    ring_free(NULL);
}

/* An empty ring reads nothing and has all of its capacity free. */
static void empty_reads_nothing(void **state)
{
    (void)state;
    ring *r = ring_new(8);
    float out[4] = {7, 7, 7, 7};
    assert_int_equal(ring_read_available(r), 0);
    assert_int_equal(ring_write_space(r), 8);
    assert_int_equal(ring_read(r, out, 4), 0);
    assert_true(out[0] == 7 && out[3] == 7); /* untouched */
    assert_int_equal(ring_discard(r), 0);
    ring_free(r);
}

/* Writing more than fits stores exactly the capacity; a full ring takes
 * nothing more; everything comes back in order. */
static void full_takes_no_more(void **state)
{
    (void)state;
    ring *r = ring_new(8);
    float in[10], out[10];
    for (int i = 0; i < 10; i++)
        in[i] = (float)(i + 1);
    assert_int_equal(ring_write(r, in, 10), 8);
    assert_int_equal(ring_write_space(r), 0);
    assert_int_equal(ring_read_available(r), 8);
    assert_int_equal(ring_write(r, in, 1), 0);
    assert_int_equal(ring_read(r, out, 10), 8);
    for (int i = 0; i < 8; i++)
        assert_true(out[i] == (float)(i + 1));
    assert_int_equal(ring_read_available(r), 0);
    assert_int_equal(ring_write_space(r), 8);
    ring_free(r);
}

/* A block that crosses the end of the buffer is split and joined again. */
static void wraps_around_the_end(void **state)
{
    (void)state;
    ring *r = ring_new(8);
    float in[8], out[8];
    for (int i = 0; i < 8; i++)
        in[i] = (float)(100 + i);
    assert_int_equal(ring_write(r, in, 5), 5);
    assert_int_equal(ring_read(r, out, 5), 5);
    /* the indices are at 5: 3 samples fit before the end, 4 after it */
    for (int i = 0; i < 7; i++)
        in[i] = (float)(200 + i);
    assert_int_equal(ring_write(r, in, 7), 7);
    assert_int_equal(ring_read_available(r), 7);
    assert_int_equal(ring_write_space(r), 1);
    /* read across the seam in two uneven parts */
    assert_int_equal(ring_read(r, out, 2), 2);
    assert_true(out[0] == 200 && out[1] == 201);
    assert_int_equal(ring_read(r, out, 8), 5);
    for (int i = 0; i < 5; i++)
        assert_true(out[i] == (float)(202 + i));
    /* and around again, many times, one odd size after another */
    float next_in = 0, next_out = 0;
    for (int round = 0; round < 1000; round++) {
        size_t w = (size_t)(round % 7) + 1, rd = (size_t)(round % 5) + 1;
        for (size_t k = 0; k < w; k++)
            in[k] = next_in + (float)k;
        size_t put = ring_write(r, in, w);
        next_in += (float)put;
        size_t got = ring_read(r, out, rd);
        for (size_t k = 0; k < got; k++)
            assert_true(out[k] == next_out + (float)k);
        next_out += (float)got;
        assert_int_equal(ring_read_available(r), (size_t)(next_in - next_out));
    }
    ring_free(r);
}

/* discard empties the ring; the ring keeps working after it. */
static void discard_empties(void **state)
{
    (void)state;
    ring *r = ring_new(8);
    float in[6] = {1, 2, 3, 4, 5, 6}, out[8];
    assert_int_equal(ring_write(r, in, 6), 6);
    assert_int_equal(ring_discard(r), 6);
    assert_int_equal(ring_read_available(r), 0);
    assert_int_equal(ring_write_space(r), 8);
    assert_int_equal(ring_write(r, in, 6), 6); /* wraps: the indices were at 6 */
    assert_int_equal(ring_read(r, out, 8), 6);
    for (int i = 0; i < 6; i++)
        assert_true(out[i] == in[i]);
    ring_free(r);
}

enum { STRESS_N = 4000000 }; /* < 2^24: every count is exact as a float */

/* The producer of the stress test: writes 0, 1, 2, ... in blocks of varying
 * size, yielding when the ring is full. */
static int producer(void *arg)
{
    ring *r = arg;
    float buf[97];
    int next = 0;
    unsigned seed = 12345;
    while (next < STRESS_N) {
        seed = seed * 1103515245u + 12345u;
        int want = 1 + (int)((seed >> 16) % 97);
        if (want > STRESS_N - next)
            want = STRESS_N - next;
        for (int k = 0; k < want; k++)
            buf[k] = (float)(next + k);
        size_t put = ring_write(r, buf, (size_t)want);
        next += (int)put;
        if (put == 0)
            sched_yield();
    }
    return 0;
}

/* Two threads, a 64-sample ring, 4 million samples in blocks of 1..97 on
 * each side: the consumer sees every sample exactly once, in order. */
static void two_threads_lose_nothing(void **state)
{
    (void)state;
    ring *r = ring_new(64);
    adem_thread *t;
    assert_int_equal(thread_start(&t, producer, r), 0);
    float buf[61];
    int expect = 0, bad = -1;
    unsigned seed = 999;
    while (expect < STRESS_N) {
        seed = seed * 1103515245u + 12345u;
        size_t want = 1 + (seed >> 16) % 61;
        size_t got = ring_read(r, buf, want);
        for (size_t k = 0; k < got; k++) {
            if (buf[k] != (float)expect && bad < 0)
                bad = expect;
            expect++;
        }
        if (got == 0)
            sched_yield();
    }
    assert_int_equal(thread_join(t), 0);
    assert_int_equal(bad, -1);
    assert_int_equal(expect, STRESS_N);
    assert_int_equal(ring_read_available(r), 0);
    ring_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(capacity_rounds_to_power_of_two),
        cmocka_unit_test(empty_reads_nothing),
        cmocka_unit_test(full_takes_no_more),
        cmocka_unit_test(wraps_around_the_end),
        cmocka_unit_test(discard_empties),
        cmocka_unit_test(two_threads_lose_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
