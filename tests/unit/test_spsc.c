/* test_spsc: the one lock-free SPSC queue (src/rt/spsc.h), used both as a
 * message queue (the engine's commands and status: spsc_push/spsc_pop) and as
 * a ring of float samples (`adem record`: spsc_write/spsc_read in blocks).
 *
 * Single-thread behaviour: push/pop order, full, empty, wrap-around, message
 * integrity at odd element sizes, capacity rounding and limits, counts,
 * blocks split across the buffer's end, discard, and single elements and
 * blocks mixed on one queue. Two-thread stress tests: sequence-numbered
 * messages through a 16-slot queue, and float samples in blocks of varying
 * size through a 64-sample ring; none may be lost, duplicated, reordered or
 * torn. Run it under ASan/UBSan and TSan too (-DADEM_SANITIZE=ON, or
 * -fsanitize=thread in a separate build). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "rt/spsc.h"
#include "sys/thread.h"

/* Messages through 16 slots, and samples through 64 (< 2^24: every count is
 * exact as a float). ADEM_SPSC_STRESS=N sets the messages' count. */
enum { STRESS_MESSAGES = 2000000, STRESS_CAPACITY = 16, STRESS_SAMPLES = 4000000 };

/* ---- messages ---- */

/* A test message: a sequence number, its complement and a pattern, so a
 * message copied half-way (torn) is detected (40 bytes with padding, which
 * make_msg zeroes so whole messages compare). */
typedef struct msg {
    uint64_t seq;
    uint64_t inv;
    unsigned char pattern[21];
} msg;

/* Fills m for sequence number seq. */
static void make_msg(msg *m, uint64_t seq)
{
    memset(m, 0, sizeof *m);
    m->seq = seq;
    m->inv = ~seq;
    for (size_t i = 0; i < sizeof m->pattern; i++)
        m->pattern[i] = (unsigned char)(seq * 31u + i * 7u);
}

/* 1 if m is exactly the message make_msg would make for seq. */
static int msg_is(const msg *m, uint64_t seq)
{
    msg want;
    make_msg(&want, seq);
    return memcmp(m, &want, sizeof want) == 0;
}

/* Pushes then pops one message; the copy is exact and the queue empty again. */
static void push_then_pop(void **state)
{
    (void)state;
    spsc *q = spsc_new(sizeof(msg), 4);
    assert_non_null(q);
    assert_int_equal(spsc_elem_size(q), sizeof(msg));
    assert_int_equal(spsc_read_available(q), 0);
    msg m, out;
    make_msg(&m, 42);
    assert_int_equal(spsc_push(q, &m), 0);
    assert_int_equal(spsc_read_available(q), 1);
    assert_int_equal(spsc_write_space(q), 3);
    memset(&out, 0xAA, sizeof out);
    assert_int_equal(spsc_pop(q, &out), 0);
    assert_true(msg_is(&out, 42));
    assert_int_equal(spsc_read_available(q), 0);
    spsc_free(q);
}

/* Popping or reading an empty queue fails and leaves the caller's buffer
 * untouched; it has all of its capacity free. */
static void empty_queue_gives_nothing(void **state)
{
    (void)state;
    spsc *q = spsc_new(sizeof(msg), 8);
    assert_non_null(q);
    assert_int_equal(spsc_write_space(q), 8);
    msg out, untouched;
    memset(&out, 0x5A, sizeof out);
    untouched = out;
    assert_int_equal(spsc_pop(q, &out), -1);
    assert_int_equal(spsc_read(q, &out, 1), 0);
    assert_memory_equal(&out, &untouched, sizeof out);
    assert_int_equal(spsc_discard(q), 0);
    /* also after it was used */
    msg m;
    make_msg(&m, 1);
    assert_int_equal(spsc_push(q, &m), 0);
    assert_int_equal(spsc_pop(q, &out), 0);
    untouched = out;
    assert_int_equal(spsc_pop(q, &out), -1);
    assert_memory_equal(&out, &untouched, sizeof out);
    assert_int_equal(spsc_read_available(q), 0);
    spsc_free(q);
}

/* A full queue refuses the next push and overwrites nothing: the messages
 * come out in order, then it is empty; after one pop one push fits again. */
static void full_queue_refuses(void **state)
{
    (void)state;
    spsc *q = spsc_new(sizeof(msg), 4);
    assert_non_null(q);
    assert_int_equal(spsc_capacity(q), 4);
    msg m, out;
    for (uint64_t i = 0; i < 4; i++) {
        make_msg(&m, 100 + i);
        assert_int_equal(spsc_push(q, &m), 0);
    }
    assert_int_equal(spsc_read_available(q), 4);
    assert_int_equal(spsc_write_space(q), 0);
    make_msg(&m, 999);
    assert_int_equal(spsc_push(q, &m), -1);
    assert_int_equal(spsc_push(q, &m), -1);
    assert_int_equal(spsc_write(q, &m, 1), 0);
    assert_int_equal(spsc_read_available(q), 4);
    assert_int_equal(spsc_pop(q, &out), 0);
    assert_true(msg_is(&out, 100));
    make_msg(&m, 104);
    assert_int_equal(spsc_push(q, &m), 0);
    assert_int_equal(spsc_push(q, &m), -1);
    for (uint64_t i = 1; i <= 4; i++) {
        assert_int_equal(spsc_pop(q, &out), 0);
        assert_true(msg_is(&out, 100 + i));
    }
    assert_int_equal(spsc_pop(q, &out), -1);
    spsc_free(q);
}

/* Bursts of 1..capacity messages, pushed then popped, wrap the indices
 * around the buffer thousands of times without losing the order. */
static void wraps_around_many_times(void **state)
{
    (void)state;
    spsc *q = spsc_new(sizeof(msg), 8);
    assert_non_null(q);
    uint64_t next_in = 0, next_out = 0;
    msg m, out;
    for (int round = 0; round < 20000; round++) {
        int burst = 1 + round % 8;
        for (int i = 0; i < burst; i++) {
            make_msg(&m, next_in++);
            assert_int_equal(spsc_push(q, &m), 0);
        }
        /* odd rounds leave one message behind (even rounds drain all), so
         * reads and writes straddle the buffer's end at every offset; at
         * most 1 + 7 messages are ever waiting */
        int take = (round % 2) ? burst - 1 : (int)spsc_read_available(q);
        for (int i = 0; i < take; i++) {
            assert_int_equal(spsc_pop(q, &out), 0);
            if (!msg_is(&out, next_out))
                fail_msg("round %d: got seq %llu, want %llu", round,
                         (unsigned long long)out.seq, (unsigned long long)next_out);
            next_out++;
        }
        assert_int_equal(spsc_read_available(q), next_in - next_out);
    }
    while (spsc_pop(q, &out) == 0) {
        assert_true(msg_is(&out, next_out));
        next_out++;
    }
    assert_int_equal(next_out, next_in);
    assert_true(next_in > 8 * 5000); /* thousands of times the capacity */
    spsc_free(q);
}

/* Elements of odd sizes (1, 3, 37, 1000 bytes) come out byte for byte, one
 * at a time and in blocks that cross the buffer's end. */
static void odd_sizes_keep_every_byte(void **state)
{
    (void)state;
    const size_t sizes[] = {1, 3, 37, 1000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        spsc *q = spsc_new(n, 3);
        assert_non_null(q);
        assert_int_equal(spsc_capacity(q), 4);
        unsigned char *in = malloc(3 * n), *out = malloc(3 * n);
        assert_non_null(in);
        assert_non_null(out);
        for (int k = 0; k < 50; k++) {
            for (size_t i = 0; i < 3 * n; i++)
                in[i] = (unsigned char)(k * 13 + (int)i * 5 + (int)n);
            assert_int_equal(spsc_push(q, in), 0);
            memset(out, 0, n);
            assert_int_equal(spsc_pop(q, out), 0);
            assert_memory_equal(in, out, n);
            /* then 1, 2 or 3 at once: the indices move on by 2, 3 or 4 per
             * round, so the blocks start at every offset and the longer ones
             * cross the buffer's end */
            size_t b = 1 + (size_t)k % 3;
            assert_int_equal(spsc_write(q, in, b), b);
            memset(out, 0, 3 * n);
            assert_int_equal(spsc_read(q, out, 3), b);
            assert_memory_equal(in, out, b * n);
        }
        free(in);
        free(out);
        spsc_free(q);
    }
}

/* The capacity rounds up to a power of two, at least 2, and exactly that
 * many elements fit; a zero element size or capacity, a capacity above
 * SPSC_MAX_CAPACITY and a buffer above SPSC_MAX_BYTES are refused;
 * spsc_free(NULL) is a no-op. */
static void capacity_rounds_to_power_of_two(void **state)
{
    (void)state;
    const size_t ask[] = {1, 2, 3, 4, 5, 8, 9, 63, 64, 65, 1000, (size_t)1 << 20};
    const size_t get[] = {2, 2, 4, 4, 8, 8, 16, 64, 64, 128, 1024, (size_t)1 << 20};
    for (size_t i = 0; i < sizeof ask / sizeof ask[0]; i++) {
        spsc *q = spsc_new(1, ask[i]);
        assert_non_null(q);
        assert_int_equal(spsc_capacity(q), get[i]);
        unsigned char b = 7;
        for (size_t k = 0; k < get[i]; k++)
            assert_int_equal(spsc_push(q, &b), 0);
        assert_int_equal(spsc_push(q, &b), -1);
        assert_int_equal(spsc_read_available(q), get[i]);
        spsc_free(q);
    }
    assert_null(spsc_new(0, 4));
    assert_null(spsc_new(4, 0));
    assert_null(spsc_new(1, SPSC_MAX_CAPACITY + 1));
    assert_null(spsc_new(SPSC_MAX_BYTES / 1024 + 1, 1024));
    spsc *big = spsc_new(1, SPSC_MAX_CAPACITY);
    assert_non_null(big);
    assert_int_equal(spsc_capacity(big), SPSC_MAX_CAPACITY);
    spsc_free(big);
    spsc *most = spsc_new(SPSC_MAX_BYTES / 1024, 1024); /* exactly SPSC_MAX_BYTES */
    assert_non_null(most);
    spsc_free(most);
    spsc_free(NULL);
}

/* ---- float samples in blocks ---- */

/* Writing more than fits stores exactly the capacity; a full ring takes
 * nothing more; everything comes back in order. */
static void block_write_stops_when_full(void **state)
{
    (void)state;
    spsc *r = spsc_new(sizeof(float), 8);
    float in[10], out[10];
    for (int i = 0; i < 10; i++)
        in[i] = (float)(i + 1);
    assert_int_equal(spsc_write(r, in, 10), 8);
    assert_int_equal(spsc_write_space(r), 0);
    assert_int_equal(spsc_read_available(r), 8);
    assert_int_equal(spsc_write(r, in, 1), 0);
    assert_int_equal(spsc_read(r, out, 10), 8);
    for (int i = 0; i < 8; i++)
        assert_true(out[i] == (float)(i + 1));
    assert_int_equal(spsc_read_available(r), 0);
    assert_int_equal(spsc_write_space(r), 8);
    spsc_free(r);
}

/* A block that crosses the end of the buffer is split and joined again. */
static void blocks_wrap_around_the_end(void **state)
{
    (void)state;
    spsc *r = spsc_new(sizeof(float), 8);
    float in[8], out[8];
    for (int i = 0; i < 8; i++)
        in[i] = (float)(100 + i);
    assert_int_equal(spsc_write(r, in, 5), 5);
    assert_int_equal(spsc_read(r, out, 5), 5);
    /* the indices are at 5: 3 samples fit before the end, 4 after it */
    for (int i = 0; i < 7; i++)
        in[i] = (float)(200 + i);
    assert_int_equal(spsc_write(r, in, 7), 7);
    assert_int_equal(spsc_read_available(r), 7);
    assert_int_equal(spsc_write_space(r), 1);
    /* read across the seam in two uneven parts */
    assert_int_equal(spsc_read(r, out, 2), 2);
    assert_true(out[0] == 200 && out[1] == 201);
    assert_int_equal(spsc_read(r, out, 8), 5);
    for (int i = 0; i < 5; i++)
        assert_true(out[i] == (float)(202 + i));
    /* and around again, many times, one odd size after another */
    float next_in = 0, next_out = 0;
    for (int round = 0; round < 1000; round++) {
        size_t w = (size_t)(round % 7) + 1, rd = (size_t)(round % 5) + 1;
        for (size_t k = 0; k < w; k++)
            in[k] = next_in + (float)k;
        size_t put = spsc_write(r, in, w);
        next_in += (float)put;
        size_t got = spsc_read(r, out, rd);
        for (size_t k = 0; k < got; k++)
            assert_true(out[k] == next_out + (float)k);
        next_out += (float)got;
        assert_int_equal(spsc_read_available(r), (size_t)(next_in - next_out));
    }
    spsc_free(r);
}

/* discard empties the ring; the ring keeps working after it. */
static void discard_empties(void **state)
{
    (void)state;
    spsc *r = spsc_new(sizeof(float), 8);
    float in[6] = {1, 2, 3, 4, 5, 6}, out[8];
    assert_int_equal(spsc_write(r, in, 6), 6);
    assert_int_equal(spsc_discard(r), 6);
    assert_int_equal(spsc_read_available(r), 0);
    assert_int_equal(spsc_write_space(r), 8);
    assert_int_equal(spsc_write(r, in, 6), 6); /* wraps: the indices were at 6 */
    assert_int_equal(spsc_read(r, out, 8), 6);
    for (int i = 0; i < 6; i++)
        assert_true(out[i] == in[i]);
    spsc_free(r);
}

/* ---- two threads ---- */

typedef struct stress {
    spsc *q;
    uint64_t n;
    uint64_t full_waits;  /* producer: pushes refused because the queue was full */
    uint64_t empty_waits; /* consumer: pops refused because it was empty */
    uint64_t received;
    uint64_t first_bad;   /* the first sequence number that came wrong, or n */
    uint64_t got_instead;
} stress;

/* Producer thread: pushes 0..n-1, retrying (with a yield) while full. */
static int msg_producer(void *arg)
{
    stress *s = arg;
    msg m;
    for (uint64_t i = 0; i < s->n; i++) {
        make_msg(&m, i);
        while (spsc_push(s->q, &m) != 0) {
            s->full_waits++;
            sched_yield();
        }
    }
    return 0;
}

/* Consumer thread: pops n messages, checking each is the next in order and
 * whole. */
static int msg_consumer(void *arg)
{
    stress *s = arg;
    msg m;
    s->first_bad = s->n;
    for (uint64_t want = 0; want < s->n; want++) {
        while (spsc_pop(s->q, &m) != 0) {
            s->empty_waits++;
            sched_yield();
        }
        if (!msg_is(&m, want) && s->first_bad == s->n) {
            s->first_bad = want;
            s->got_instead = m.seq;
        }
        s->received++;
    }
    return 0;
}

/* STRESS_MESSAGES messages through 16 slots between two threads: every one
 * arrives, once, in order, whole; the queue ends empty. */
static void messages_two_threads_lose_nothing(void **state)
{
    (void)state;
    stress s;
    memset(&s, 0, sizeof s);
    s.q = spsc_new(sizeof(msg), STRESS_CAPACITY);
    assert_non_null(s.q);
    s.n = STRESS_MESSAGES;
    const char *env = getenv("ADEM_SPSC_STRESS");
    if (env && atoll(env) > 0)
        s.n = (uint64_t)atoll(env);
    adem_thread *p, *c;
    assert_int_equal(thread_start(&c, msg_consumer, &s), 0);
    assert_int_equal(thread_start(&p, msg_producer, &s), 0);
    assert_int_equal(thread_join(p), 0);
    assert_int_equal(thread_join(c), 0);
    print_message("      %llu messages; the producer found it full %llu times, the consumer "
                  "empty %llu times\n",
                  (unsigned long long)s.received, (unsigned long long)s.full_waits,
                  (unsigned long long)s.empty_waits);
    if (s.first_bad != s.n)
        fail_msg("message %llu arrived as %llu (or torn)", (unsigned long long)s.first_bad,
                 (unsigned long long)s.got_instead);
    assert_int_equal(s.received, s.n);
    assert_int_equal(spsc_read_available(s.q), 0);
    msg m;
    assert_int_equal(spsc_pop(s.q, &m), -1);
    spsc_free(s.q);
}

/* The producer of the sample stress test: writes 0, 1, 2, ... in blocks of
 * varying size, yielding when the ring is full. */
static int sample_producer(void *arg)
{
    spsc *r = arg;
    float buf[97];
    int next = 0;
    unsigned seed = 12345;
    while (next < STRESS_SAMPLES) {
        seed = seed * 1103515245u + 12345u;
        int want = 1 + (int)((seed >> 16) % 97);
        if (want > STRESS_SAMPLES - next)
            want = STRESS_SAMPLES - next;
        for (int k = 0; k < want; k++)
            buf[k] = (float)(next + k);
        size_t put = spsc_write(r, buf, (size_t)want);
        next += (int)put;
        if (put == 0)
            sched_yield();
    }
    return 0;
}

/* Two threads, a 64-sample ring, 4 million samples in blocks of 1..97 on
 * each side: the consumer sees every sample exactly once, in order. */
static void samples_two_threads_lose_nothing(void **state)
{
    (void)state;
    spsc *r = spsc_new(sizeof(float), 64);
    assert_non_null(r);
    adem_thread *t;
    assert_int_equal(thread_start(&t, sample_producer, r), 0);
    float buf[61];
    int expect = 0, bad = -1;
    unsigned seed = 999;
    while (expect < STRESS_SAMPLES) {
        seed = seed * 1103515245u + 12345u;
        size_t want = 1 + (seed >> 16) % 61;
        size_t got = spsc_read(r, buf, want);
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
    assert_int_equal(expect, STRESS_SAMPLES);
    assert_int_equal(spsc_read_available(r), 0);
    spsc_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(push_then_pop),
        cmocka_unit_test(empty_queue_gives_nothing),
        cmocka_unit_test(full_queue_refuses),
        cmocka_unit_test(wraps_around_many_times),
        cmocka_unit_test(odd_sizes_keep_every_byte),
        cmocka_unit_test(capacity_rounds_to_power_of_two),
        cmocka_unit_test(block_write_stops_when_full),
        cmocka_unit_test(blocks_wrap_around_the_end),
        cmocka_unit_test(discard_empties),
        cmocka_unit_test(messages_two_threads_lose_nothing),
        cmocka_unit_test(samples_two_threads_lose_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
