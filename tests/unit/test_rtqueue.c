/* test_rtqueue: the lock-free SPSC queue (src/rt/rtqueue.h).
 *
 * Single-thread behaviour (push/pop order, full, empty, wrap-around, message
 * integrity, capacity rounding, count) and a two-thread stress test that moves
 * STRESS_MESSAGES sequence numbers through a 16-slot queue and checks that
 * none is lost, duplicated, reordered or torn. Run it under ASan/UBSan and
 * TSan too (-DADEM_SANITIZE=ON, or -fsanitize=thread in a separate build). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "rt/rtqueue.h"

enum { STRESS_MESSAGES = 10000000, STRESS_CAPACITY = 16 };

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
    rtqueue *q = rtqueue_new(sizeof(msg), 4);
    assert_non_null(q);
    assert_int_equal(rtqueue_count(q), 0);
    msg m, out;
    make_msg(&m, 42);
    assert_int_equal(rtqueue_push(q, &m), 0);
    assert_int_equal(rtqueue_count(q), 1);
    memset(&out, 0xAA, sizeof out);
    assert_int_equal(rtqueue_pop(q, &out), 0);
    assert_true(msg_is(&out, 42));
    assert_int_equal(rtqueue_count(q), 0);
    rtqueue_free(q);
}

/* Popping an empty queue fails and leaves the caller's buffer untouched. */
static void empty_queue_pops_nothing(void **state)
{
    (void)state;
    rtqueue *q = rtqueue_new(sizeof(msg), 8);
    assert_non_null(q);
    msg out, untouched;
    memset(&out, 0x5A, sizeof out);
    untouched = out;
    assert_int_equal(rtqueue_pop(q, &out), -1);
    assert_memory_equal(&out, &untouched, sizeof out);
    /* also after it was used */
    msg m;
    make_msg(&m, 1);
    assert_int_equal(rtqueue_push(q, &m), 0);
    assert_int_equal(rtqueue_pop(q, &out), 0);
    untouched = out;
    assert_int_equal(rtqueue_pop(q, &out), -1);
    assert_memory_equal(&out, &untouched, sizeof out);
    assert_int_equal(rtqueue_count(q), 0);
    rtqueue_free(q);
}

/* A full queue refuses the next push and overwrites nothing: the messages
 * come out in order, then it is empty; after one pop one push fits again. */
static void full_queue_refuses(void **state)
{
    (void)state;
    rtqueue *q = rtqueue_new(sizeof(msg), 4);
    assert_non_null(q);
    assert_int_equal(rtqueue_capacity(q), 4);
    msg m, out;
    for (uint64_t i = 0; i < 4; i++) {
        make_msg(&m, 100 + i);
        assert_int_equal(rtqueue_push(q, &m), 0);
    }
    assert_int_equal(rtqueue_count(q), 4);
    make_msg(&m, 999);
    assert_int_equal(rtqueue_push(q, &m), -1);
    assert_int_equal(rtqueue_push(q, &m), -1);
    assert_int_equal(rtqueue_count(q), 4);
    assert_int_equal(rtqueue_pop(q, &out), 0);
    assert_true(msg_is(&out, 100));
    make_msg(&m, 104);
    assert_int_equal(rtqueue_push(q, &m), 0);
    assert_int_equal(rtqueue_push(q, &m), -1);
    for (uint64_t i = 1; i <= 4; i++) {
        assert_int_equal(rtqueue_pop(q, &out), 0);
        assert_true(msg_is(&out, 100 + i));
    }
    assert_int_equal(rtqueue_pop(q, &out), -1);
    rtqueue_free(q);
}

/* Bursts of 1..capacity messages, pushed then popped, wrap the indices
 * around the buffer thousands of times without losing the order. */
static void wraps_around_many_times(void **state)
{
    (void)state;
    rtqueue *q = rtqueue_new(sizeof(msg), 8);
    assert_non_null(q);
    uint64_t next_in = 0, next_out = 0;
    msg m, out;
    for (int round = 0; round < 20000; round++) {
        int burst = 1 + round % 8;
        for (int i = 0; i < burst; i++) {
            make_msg(&m, next_in++);
            assert_int_equal(rtqueue_push(q, &m), 0);
        }
        /* odd rounds leave one message behind (even rounds drain all), so
         * reads and writes straddle the buffer's end at every offset; at
         * most 1 + 7 messages are ever waiting */
        int take = (round % 2) ? burst - 1 : (int)rtqueue_count(q);
        for (int i = 0; i < take; i++) {
            assert_int_equal(rtqueue_pop(q, &out), 0);
            if (!msg_is(&out, next_out))
                fail_msg("round %d: got seq %llu, want %llu", round,
                         (unsigned long long)out.seq, (unsigned long long)next_out);
            next_out++;
        }
        assert_int_equal(rtqueue_count(q), next_in - next_out);
    }
    while (rtqueue_pop(q, &out) == 0) {
        assert_true(msg_is(&out, next_out));
        next_out++;
    }
    assert_int_equal(next_out, next_in);
    assert_true(next_in > 8 * 5000); /* thousands of times the capacity */
    rtqueue_free(q);
}

/* Messages of odd sizes (1, 3, 37, 1000 bytes) come out byte for byte. */
static void odd_sizes_keep_every_byte(void **state)
{
    (void)state;
    const size_t sizes[] = {1, 3, 37, 1000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        rtqueue *q = rtqueue_new(n, 3);
        assert_non_null(q);
        unsigned char *in = malloc(n), *out = malloc(n);
        for (int k = 0; k < 50; k++) {
            for (size_t i = 0; i < n; i++)
                in[i] = (unsigned char)(k * 13 + (int)i * 5 + (int)n);
            assert_int_equal(rtqueue_push(q, in), 0);
            memset(out, 0, n);
            assert_int_equal(rtqueue_pop(q, out), 0);
            assert_memory_equal(in, out, n);
        }
        free(in);
        free(out);
        rtqueue_free(q);
    }
}

/* The capacity rounds up to a power of two, at least 2; a zero message size
 * or a capacity above 2^24 is refused; free(NULL) is a no-op. */
static void capacity_rounds_to_power_of_two(void **state)
{
    (void)state;
    const size_t ask[] = {0, 1, 2, 3, 4, 5, 8, 9, 63, 64, 65, 1000, (size_t)1 << 20};
    const size_t get[] = {2, 2, 2, 4, 4, 8, 8, 16, 64, 64, 128, 1024, (size_t)1 << 20};
    for (size_t i = 0; i < sizeof ask / sizeof ask[0]; i++) {
        rtqueue *q = rtqueue_new(1, ask[i]);
        assert_non_null(q);
        assert_int_equal(rtqueue_capacity(q), get[i]);
        /* and that many fit, no more */
        unsigned char b = 7;
        for (size_t k = 0; k < get[i]; k++)
            assert_int_equal(rtqueue_push(q, &b), 0);
        assert_int_equal(rtqueue_push(q, &b), -1);
        assert_int_equal(rtqueue_count(q), get[i]);
        rtqueue_free(q);
    }
    assert_null(rtqueue_new(0, 4));
    assert_null(rtqueue_new(4, ((size_t)1 << 24) + 1));
    rtqueue *big = rtqueue_new(1, (size_t)1 << 24);
    assert_non_null(big);
    assert_int_equal(rtqueue_capacity(big), (size_t)1 << 24);
    rtqueue_free(big);
    rtqueue_free(NULL);
}

/* ---- two threads ---- */

typedef struct stress {
    rtqueue *q;
    uint64_t n;
    uint64_t full_waits;  /* producer: pushes refused because the queue was full */
    uint64_t empty_waits; /* consumer: pops refused because it was empty */
    uint64_t received;
    uint64_t first_bad;   /* the first sequence number that came wrong, or n */
    uint64_t got_instead;
} stress;

/* Producer thread: pushes 0..n-1, retrying (with a yield) while full. */
static void *producer(void *arg)
{
    stress *s = arg;
    msg m;
    for (uint64_t i = 0; i < s->n; i++) {
        make_msg(&m, i);
        while (rtqueue_push(s->q, &m) != 0) {
            s->full_waits++;
            sched_yield();
        }
    }
    return NULL;
}

/* Consumer thread: pops n messages, checking each is the next in order and
 * whole. */
static void *consumer(void *arg)
{
    stress *s = arg;
    msg m;
    s->first_bad = s->n;
    for (uint64_t want = 0; want < s->n; want++) {
        while (rtqueue_pop(s->q, &m) != 0) {
            s->empty_waits++;
            sched_yield();
        }
        if (!msg_is(&m, want) && s->first_bad == s->n) {
            s->first_bad = want;
            s->got_instead = m.seq;
        }
        s->received++;
    }
    return NULL;
}

/* Ten million messages through 16 slots between two threads: every one
 * arrives, once, in order, whole; the queue ends empty. */
static void two_threads_lose_nothing(void **state)
{
    (void)state;
    stress s;
    memset(&s, 0, sizeof s);
    s.q = rtqueue_new(sizeof(msg), STRESS_CAPACITY);
    assert_non_null(s.q);
    s.n = STRESS_MESSAGES;
    const char *env = getenv("ADEM_RTQUEUE_STRESS");
    if (env && atoll(env) > 0)
        s.n = (uint64_t)atoll(env);
    pthread_t p, c;
    assert_int_equal(pthread_create(&c, NULL, consumer, &s), 0);
    assert_int_equal(pthread_create(&p, NULL, producer, &s), 0);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    print_message("      %llu messages; the producer found it full %llu times, the consumer "
                  "empty %llu times\n",
                  (unsigned long long)s.received, (unsigned long long)s.full_waits,
                  (unsigned long long)s.empty_waits);
    if (s.first_bad != s.n)
        fail_msg("message %llu arrived as %llu (or torn)", (unsigned long long)s.first_bad,
                 (unsigned long long)s.got_instead);
    assert_int_equal(s.received, s.n);
    assert_int_equal(rtqueue_count(s.q), 0);
    msg m;
    assert_int_equal(rtqueue_pop(s.q, &m), -1);
    rtqueue_free(s.q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(push_then_pop),
        cmocka_unit_test(empty_queue_pops_nothing),
        cmocka_unit_test(full_queue_refuses),
        cmocka_unit_test(wraps_around_many_times),
        cmocka_unit_test(odd_sizes_keep_every_byte),
        cmocka_unit_test(capacity_rounds_to_power_of_two),
        cmocka_unit_test(two_threads_lose_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
