/* test_utf8: the one UTF-8 decoder (src/base/utf8.h), strict per RFC 3629,
 * and the string copies (src/base/dupstr.h). Every case asserts the exact
 * length and code point, or the refusal. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/dupstr.h"
#include "base/utf8.h"

/* Decodes the n bytes of s (all of them offered); returns the length and
 * the code point in *cp (0xDEADBEEF when refused: *cp stays untouched). */
static size_t dec(const char *s, size_t n, uint32_t *cp)
{
    *cp = 0xDEADBEEFu;
    return utf8_decode((const unsigned char *)s, n, cp);
}

/* Asserts s (NUL-terminated, all its bytes) is one valid character. */
static void valid(const char *s, uint32_t want)
{
    uint32_t cp;
    size_t n = strlen(s);
    assert_int_equal(dec(s, n, &cp), n);
    assert_int_equal(cp, want);
}

/* Asserts that the first n bytes of s are refused. */
static void refused(const char *s, size_t n)
{
    uint32_t cp;
    assert_int_equal(dec(s, n, &cp), 0);
    assert_int_equal(cp, 0xDEADBEEFu);
}

static void decodes_every_length(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(dec("\0", 1, &cp), 1);
    assert_int_equal(cp, 0);
    valid("A", 0x41);
    valid("\x7F", 0x7F);
    valid("\xC2\x80", 0x80);
    valid("\xC3\xA9", 0xE9);         /* é */
    valid("\xDF\xBF", 0x7FF);
    valid("\xE0\xA0\x80", 0x800);
    valid("\xE2\x80\xA6", 0x2026);   /* … */
    valid("\xED\x9F\xBF", 0xD7FF);   /* just below the surrogates */
    valid("\xEE\x80\x80", 0xE000);   /* just above them */
    valid("\xEF\xBF\xBD", 0xFFFD);
    valid("\xEF\xBF\xBF", 0xFFFF);
    valid("\xF0\x90\x80\x80", 0x10000);
    valid("\xF0\x9F\x8C\xAC", 0x1F32C); /* 🌬 */
    valid("\xF4\x8F\xBF\xBF", 0x10FFFF);
}

static void reads_only_the_first_character(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(dec("ab", 2, &cp), 1);
    assert_int_equal(cp, 'a');
    assert_int_equal(dec("\xC3\xA9x", 3, &cp), 2);
    assert_int_equal(cp, 0xE9);
    assert_int_equal(dec("\xE2\x80\xA6\xE2\x80\xA6", 6, &cp), 3);
    assert_int_equal(cp, 0x2026);
}

static void refuses_overlong_forms(void **state)
{
    (void)state;
    refused("\xC0\x80", 2);         /* U+0000 in two bytes */
    refused("\xC0\xAF", 2);         /* '/' */
    refused("\xC1\xBF", 2);
    refused("\xE0\x80\x80", 3);
    refused("\xE0\x9F\xBF", 3);     /* U+07FF in three bytes */
    refused("\xF0\x80\x80\x80", 4);
    refused("\xF0\x8F\xBF\xBF", 4); /* U+FFFF in four bytes */
}

static void refuses_surrogates(void **state)
{
    (void)state;
    refused("\xED\xA0\x80", 3); /* U+D800 */
    refused("\xED\xAD\xBF", 3);
    refused("\xED\xB0\x80", 3); /* U+DC00 */
    refused("\xED\xBF\xBF", 3); /* U+DFFF */
}

static void refuses_beyond_u10ffff(void **state)
{
    (void)state;
    refused("\xF4\x90\x80\x80", 4); /* U+110000 */
    refused("\xF4\xBF\xBF\xBF", 4);
    refused("\xF5\x80\x80\x80", 4);
    refused("\xF7\xBF\xBF\xBF", 4); /* U+1FFFFF */
    refused("\xF8\x88\x80\x80\x80", 5);
    refused("\xFC\x84\x80\x80\x80\x80", 6);
    refused("\xFE", 1);
    refused("\xFF", 1);
}

static void refuses_truncated_sequences(void **state)
{
    (void)state;
    /* cut by the end of the input */
    refused("\xC3\xA9", 1);
    refused("\xE2\x80\xA6", 1);
    refused("\xE2\x80\xA6", 2);
    refused("\xF0\x9F\x8C\xAC", 3);
    /* cut by a byte that is no continuation */
    refused("\xC3" "A", 2);
    refused("\xE2\x80" "A", 3);
    refused("\xF0\x9F\x8C" "A", 4);
    refused("\xE2\xC3\xA9", 3);
}

static void refuses_stray_continuation_bytes(void **state)
{
    (void)state;
    refused("\x80", 1);
    refused("\xBF\x41", 2);
    assert_true(utf8_is_cont(0x80));
    assert_true(utf8_is_cont(0xBF));
    assert_false(utf8_is_cont(0x7F));
    assert_false(utf8_is_cont(0xC0));
    assert_false(utf8_is_cont('a'));
}

static void copies_strings(void **state)
{
    (void)state;
    char *a = dupstr_n("adem-xyz", 4);
    assert_non_null(a);
    assert_string_equal(a, "adem");
    char *b = dupstr("rustig ademen");
    assert_non_null(b);
    assert_string_equal(b, "rustig ademen");
    char *c = dupstr_n("", 0);
    assert_non_null(c);
    assert_string_equal(c, "");
    /* the bytes need no NUL: a cut out of a longer buffer */
    const char buf[3] = {'x', 'y', 'z'};
    char *d = dupstr_n(buf + 1, 2);
    assert_string_equal(d, "yz");
    free(a);
    free(b);
    free(c);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_every_length),
        cmocka_unit_test(reads_only_the_first_character),
        cmocka_unit_test(refuses_overlong_forms),
        cmocka_unit_test(refuses_surrogates),
        cmocka_unit_test(refuses_beyond_u10ffff),
        cmocka_unit_test(refuses_truncated_sequences),
        cmocka_unit_test(refuses_stray_continuation_bytes),
        cmocka_unit_test(copies_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
