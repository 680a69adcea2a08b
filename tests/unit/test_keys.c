/* test_keys: the key decoder (app/keys.c) — escape sequences split across
 * reads, a lone Esc (decided by the timeout), Esc then a letter, CSI with
 * parameters, SS3 arrows, UTF-8 input, an over-long sequence, a full
 * buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app/keys.h"

/* Feeds s at time t. */
static void feed(keys_decoder *d, const char *s, int64_t t)
{
    size_t n = strlen(s);
    assert_int_equal(keys_feed(d, s, n, t), n);
}

/* All keys complete at time t, in order, into out (at most max); returns how
 * many. */
static int drain(keys_decoder *d, int64_t t, int *out, int max)
{
    int n = 0, k;
    while ((k = keys_next(d, t)) != KEYS_NONE && n < max)
        out[n++] = k;
    return n;
}

static void test_plain_bytes(void **state)
{
    (void)state;
    keys_decoder d;
    keys_init(&d);
    feed(&d, " qnb+-m?h\r", 0);
    int k[16];
    assert_int_equal(drain(&d, 0, k, 16), 10);
    const char want[] = " qnb+-m?h\r";
    for (int i = 0; i < 10; i++)
        assert_int_equal(k[i], (unsigned char)want[i]);
    assert_int_equal(keys_pending_ms(&d, 0), -1);
}

static void test_arrows(void **state)
{
    (void)state;
    keys_decoder d;
    keys_init(&d);
    feed(&d, "\033[A\033[B\033[C\033[D\033OA\033OD\033[1A", 0);
    int k[16];
    assert_int_equal(drain(&d, 0, k, 16), 7);
    int want[] = {KEYS_UP, KEYS_DOWN, KEYS_RIGHT, KEYS_LEFT, KEYS_UP, KEYS_LEFT, KEYS_UP};
    for (int i = 0; i < 7; i++)
        assert_int_equal(k[i], want[i]);
}

/* An arrow's bytes in three reads, each within the timeout: one key. */
static void test_split_sequence(void **state)
{
    (void)state;
    keys_decoder d;
    keys_init(&d);
    feed(&d, "\033", 0);
    assert_int_equal(keys_next(&d, 10), KEYS_NONE);
    assert_true(keys_pending_ms(&d, 10) == KEYS_ESC_TIMEOUT_MS - 10);
    feed(&d, "[", 20);
    assert_int_equal(keys_next(&d, 30), KEYS_NONE);
    feed(&d, "C", 40);
    assert_int_equal(keys_next(&d, 40), KEYS_RIGHT);
    assert_int_equal(keys_next(&d, 200), KEYS_NONE);
    /* a CSI with parameters split in the middle of them */
    feed(&d, "\033[5", 300);
    assert_int_equal(keys_next(&d, 310), KEYS_NONE);
    feed(&d, "~q", 320);
    assert_int_equal(keys_next(&d, 320), KEYS_OTHER); /* PgUp */
    assert_int_equal(keys_next(&d, 320), 'q');
}

/* A lone Esc, followed by nothing: KEYS_ESC once the timeout has passed,
 * never before; then a q typed later is a q. */
static void test_lone_esc(void **state)
{
    (void)state;
    keys_decoder d;
    keys_init(&d);
    feed(&d, "\033", 1000);
    assert_int_equal(keys_next(&d, 1000), KEYS_NONE);
    assert_int_equal(keys_next(&d, 1000 + KEYS_ESC_TIMEOUT_MS - 1), KEYS_NONE);
    assert_int_equal(keys_next(&d, 1000 + KEYS_ESC_TIMEOUT_MS), KEYS_ESC);
    assert_int_equal(keys_next(&d, 2000), KEYS_NONE);
    /* Esc, then (after a pause, with no keys_next in between) a q: the Esc
     * was complete before the q came */
    feed(&d, "\033", 3000);
    feed(&d, "q", 3200);
    assert_int_equal(keys_next(&d, 3200), KEYS_ESC);
    assert_int_equal(keys_next(&d, 3200), 'q');
    /* Esc Esc: two Escs */
    feed(&d, "\033\033", 4000);
    int k[4];
    assert_int_equal(drain(&d, 4100, k, 4), 2);
    assert_int_equal(k[0], KEYS_ESC);
    assert_int_equal(k[1], KEYS_ESC);
}

/* Esc and a letter together (Alt+letter, or Esc typed fast): one other key,
 * not the letter. */
static void test_esc_letter(void **state)
{
    (void)state;
    keys_decoder d;
    keys_init(&d);
    feed(&d, "\033q", 0);
    assert_int_equal(keys_next(&d, 0), KEYS_OTHER);
    assert_int_equal(keys_next(&d, 100), KEYS_NONE);
    /* Esc [ and then nothing: Alt+[ */
    feed(&d, "\033[", 200);
    assert_int_equal(keys_next(&d, 210), KEYS_NONE);
    assert_int_equal(keys_next(&d, 260), KEYS_OTHER);
    assert_int_equal(keys_pending_ms(&d, 260), -1);
}

/* Home, End, PgUp, F-keys, modified arrows: other keys, each consumed whole. */
static void test_csi_parameters(void **state)
{
    (void)state;
    keys_decoder d;
    keys_init(&d);
    feed(&d, "\033[H\033[F\033[5~\033[6~\033[15~\033[1;5C\033OP\033[200~n", 0);
    int k[16];
    assert_int_equal(drain(&d, 0, k, 16), 9);
    for (int i = 0; i < 8; i++)
        assert_int_equal(k[i], KEYS_OTHER);
    assert_int_equal(k[8], 'n');
}

/* UTF-8: one other key per character, also split across reads; stray and
 * invalid bytes are other keys, one each. */
static void test_utf8(void **state)
{
    (void)state;
    keys_decoder d;
    keys_init(&d);
    feed(&d, "\xc3\xa9q\xe2\x80\x94\xf0\x9f\x99\x82", 0);
    int k[8];
    assert_int_equal(drain(&d, 0, k, 8), 4);
    assert_int_equal(k[0], KEYS_OTHER);
    assert_int_equal(k[1], 'q');
    assert_int_equal(k[2], KEYS_OTHER);
    assert_int_equal(k[3], KEYS_OTHER);
    feed(&d, "\xe2\x80", 100);
    assert_int_equal(keys_next(&d, 110), KEYS_NONE);
    feed(&d, "\x94n", 120);
    assert_int_equal(keys_next(&d, 120), KEYS_OTHER);
    assert_int_equal(keys_next(&d, 120), 'n');
    feed(&d, "\x80\xffm", 200);
    assert_int_equal(drain(&d, 200, k, 8), 3);
    assert_int_equal(k[0], KEYS_OTHER);
    assert_int_equal(k[1], KEYS_OTHER);
    assert_int_equal(k[2], 'm');
    /* a character cut short by a pause */
    feed(&d, "\xc3", 300);
    assert_int_equal(keys_next(&d, 300 + KEYS_ESC_TIMEOUT_MS), KEYS_OTHER);
}

/* An endless CSI sequence is dropped up to its final byte; the keys after it
 * count again. */
static void test_long_sequence(void **state)
{
    (void)state;
    keys_decoder d;
    keys_init(&d);
    char s[128] = "\033[";
    for (int i = 0; i < 20; i++)
        strcat(s, "1;");
    feed(&d, s, 0);
    int k[8];
    assert_int_equal(drain(&d, 0, k, 8), 1);
    assert_int_equal(k[0], KEYS_OTHER);
    feed(&d, "1;1;9~q", 10);
    assert_int_equal(drain(&d, 10, k, 8), 1);
    assert_int_equal(k[0], 'q');
}

/* A full buffer takes no more bytes until keys are taken out. */
static void test_full_buffer(void **state)
{
    (void)state;
    keys_decoder d;
    keys_init(&d);
    char s[KEYS_BUF + 10];
    memset(s, 'x', sizeof s);
    assert_int_equal(keys_feed(&d, s, sizeof s, 0), KEYS_BUF);
    int k[KEYS_BUF + 10];
    assert_int_equal(drain(&d, 0, k, KEYS_BUF + 10), KEYS_BUF);
    assert_int_equal(keys_feed(&d, s, 10, 0), 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_bytes),   cmocka_unit_test(test_arrows),
        cmocka_unit_test(test_split_sequence), cmocka_unit_test(test_lone_esc),
        cmocka_unit_test(test_esc_letter),    cmocka_unit_test(test_csi_parameters),
        cmocka_unit_test(test_utf8),          cmocka_unit_test(test_long_sequence),
        cmocka_unit_test(test_full_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
