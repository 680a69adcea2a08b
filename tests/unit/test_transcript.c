/* test_transcript: reading and checking a voice pack's transcript.tsv
 * (src/io/transcript.h): valid files with every allowed variation, each fault
 * refused at its exact line:col with its message, lookups, the size limit,
 * and the shipped nl pack's transcript. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "e2e.h"
#include "io/transcript.h"
#include "io/voicepack.h"

/* Parses the n bytes at s; asserts success and returns the transcript. */
static transcript *ok_n(const char *s, size_t n)
{
    transcript *t = NULL;
    adem_diag d;
    diag_clear(&d);
    if (transcript_parse("t.tsv", s, n, &t, &d) != 0)
        fail_msg("refused: %d:%d: %s", d.line, d.col, d.msg);
    assert_non_null(t);
    return t;
}

/* ok_n for a NUL-terminated text. */
static transcript *ok(const char *s)
{
    return ok_n(s, strlen(s));
}

/* Asserts that the n bytes at s are refused at line:col with a message
 * containing phrase (and status 2, file "t.tsv"). */
static void bad_n(const char *s, size_t n, int line, int col, const char *phrase)
{
    transcript *t = (transcript *)1;
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(transcript_parse("t.tsv", s, n, &t, &d), -1);
    assert_null(t);
    assert_int_equal(d.status, 2);
    assert_string_equal(d.file, "t.tsv");
    if (d.line != line || d.col != col || !strstr(d.msg, phrase))
        fail_msg("'%s': got %d:%d \"%s\", want %d:%d with \"%s\"", s, d.line, d.col, d.msg, line,
                 col, phrase);
    assert_null(strchr(d.msg, '\n'));
}

/* bad_n for a NUL-terminated text. */
static void bad(const char *s, int line, int col, const char *phrase)
{
    bad_n(s, strlen(s), line, col, phrase);
}

static void test_valid(void **state)
{
    (void)state;
    transcript *t = ok("intro\tWelkom bij deze oefening.\nadem_in\tIn door je neus.\n"
                       "tel-1\téén\n");
    assert_int_equal(transcript_count(t), 3);
    assert_string_equal(transcript_id(t, 0), "intro");
    assert_string_equal(transcript_text(t, 0), "Welkom bij deze oefening.");
    assert_int_equal(transcript_line(t, 0), 1);
    assert_string_equal(transcript_id(t, 2), "tel-1");
    assert_string_equal(transcript_text(t, 2), "\xc3\xa9\xc3\xa9n");
    assert_int_equal(transcript_line(t, 2), 3);
    assert_int_equal(transcript_find(t, "adem_in"), 1);
    assert_string_equal(transcript_lookup(t, "adem_in"), "In door je neus.");
    assert_null(transcript_lookup(t, "adem"));
    assert_null(transcript_lookup(t, "adem_in_"));
    assert_int_equal(transcript_find(t, "ADEM_IN"), -1); /* IDs are case-sensitive */
    transcript_free(t);
}

/* BOM, CRLF, blank lines, no final newline, an empty file. */
static void test_variations(void **state)
{
    (void)state;
    transcript *t = ok("\xef\xbb\xbf"
                       "a\tA\r\n\r\n   \nb\tB b\r\nc\tC");
    assert_int_equal(transcript_count(t), 3);
    assert_string_equal(transcript_id(t, 0), "a");
    assert_string_equal(transcript_text(t, 1), "B b");
    assert_int_equal(transcript_line(t, 1), 4);
    assert_string_equal(transcript_text(t, 2), "C");
    assert_int_equal(transcript_line(t, 2), 5);
    transcript_free(t);
    t = ok("");
    assert_int_equal(transcript_count(t), 0);
    assert_null(transcript_lookup(t, "a"));
    transcript_free(t);
    t = ok_n(NULL, 0);
    assert_int_equal(transcript_count(t), 0);
    transcript_free(t);
}

/* Many IDs: the hash table grows and every one is found. */
static void test_many(void **state)
{
    (void)state;
    size_t cap = 5000 * 24, used = 0;
    char *s = malloc(cap);
    for (int i = 0; i < 5000; i++)
        used += (size_t)snprintf(s + used, cap - used, "cue_%d\tText %d\n", i, i);
    transcript *t = ok_n(s, used);
    assert_int_equal(transcript_count(t), 5000);
    for (int i = 0; i < 5000; i += 7) {
        char id[32], text[32];
        snprintf(id, sizeof id, "cue_%d", i);
        snprintf(text, sizeof text, "Text %d", i);
        assert_int_equal(transcript_find(t, id), i);
        assert_string_equal(transcript_lookup(t, id), text);
    }
    transcript_free(t);
    free(s);
}

/* Each fault at its exact position. */
static void test_faults(void **state)
{
    (void)state;
    bad("a\tA\na\tB\n", 2, 1, "cue 'a' appears twice (first on line 1)");
    bad("intro_478 We ademen\n", 1, 10, "no tab in this line; put one tab (not spaces) between "
                                        "the cue ID 'intro_478'");
    bad("a\tA\nintro\n", 2, 1, "'intro' has no text");
    bad("\tNo ID\n", 1, 1, "the cue ID is missing before the tab");
    bad("../x\tA\n", 1, 1, "'../x' is not a valid cue ID");
    bad("a b\tA\n", 1, 1, "'a b' is not a valid cue ID");
    bad("a\t  \n", 1, 3, "cue 'a' has no text after the tab");
    bad("a\t\n", 1, 3, "cue 'a' has no text after the tab");
    bad("a\tA\tB\n", 1, 4, "a second tab in this line");
    bad("a\tA\nb\tx\x01y\n", 2, 4, "control character U+0001");
    bad("a\tA\rB\n", 1, 4, "control character U+000D");
    bad("a\t\xc3\xa9\xff\n", 1, 4, "invalid UTF-8");
    bad("a\t\xc3\n", 1, 3, "invalid UTF-8");      /* cut at the line end */
    bad("a\t\xed\xa0\x80\n", 1, 3, "invalid UTF-8"); /* a surrogate */
    bad("a\t\xc0\xaf\n", 1, 3, "invalid UTF-8");  /* overlong '/' */
    bad("a\t\xc2\x85\n", 1, 3, "control character U+0085");
    bad_n("a\tA\nb\tB\0C\n", 10, 2, 4, "NUL byte");
    char id[80];
    memset(id, 'x', 65);
    snprintf(id + 65, sizeof id - 65, "\tA\n");
    bad(id, 1, 1, "is not a valid cue ID");
}

/* A line of 4096 characters is fine, 4097 is too long; multi-byte
 * characters count once. */
static void test_line_limit(void **state)
{
    (void)state;
    size_t n = 2 + (TRANSCRIPT_MAX_LINE - 2) * 2 + 1;
    char *s = malloc(n + 8);
    memcpy(s, "a\t", 2);
    for (int i = 0; i < TRANSCRIPT_MAX_LINE - 2; i++)
        memcpy(s + 2 + 2 * i, "\xc3\xa9", 2);
    s[n - 1] = '\n';
    transcript *t = ok_n(s, n);
    assert_int_equal(transcript_count(t), 1);
    transcript_free(t);
    memcpy(s + n - 1, "x\n", 2);
    bad_n(s, n + 1, 1, TRANSCRIPT_MAX_LINE + 1, "longer than 4096 characters");
    free(s);
}

/* The size limit, and reading files: a missing one, one too large, a folder. */
static void test_files(void **state)
{
    (void)state;
    transcript *t = (transcript *)1;
    adem_diag d;
    diag_clear(&d);
    char *big = malloc(TRANSCRIPT_MAX_BYTES + 2);
    memset(big, '\n', TRANSCRIPT_MAX_BYTES + 1);
    assert_int_equal(transcript_parse("big.tsv", big, TRANSCRIPT_MAX_BYTES + 1, &t, &d), -1);
    assert_null(t);
    assert_string_equal(d.file, "big.tsv");
    assert_int_equal(d.line, 0);
    assert_non_null(strstr(d.msg, "larger than 1048576 bytes"));
    big[TRANSCRIPT_MAX_BYTES + 1] = '\0';
    e2e_write_file(e2e_path("big.tsv"), big);
    assert_int_equal(transcript_read(e2e_path("big.tsv"), &t, &d), -1);
    assert_non_null(strstr(d.msg, "larger than 1048576 bytes"));
    assert_non_null(strstr(d.file, "big.tsv"));
    free(big);

    assert_int_equal(transcript_read(e2e_path("missing.tsv"), &t, &d), -1);
    assert_non_null(strstr(d.msg, "cannot open the transcript"));
    assert_non_null(strstr(d.msg, "missing.tsv"));
    assert_int_equal(d.status, 2);
    assert_int_equal(transcript_read(e2e_tmpdir(), &t, &d), -1);
    assert_non_null(strstr(d.msg, "it is a folder, not a file"));

    e2e_write_file(e2e_path("ok.tsv"), "x\tX\n");
    assert_int_equal(transcript_read(e2e_path("ok.tsv"), &t, &d), 0);
    assert_string_equal(transcript_lookup(t, "x"), "X");
    transcript_free(t);
    e2e_write_file(e2e_path("dup.tsv"), "x\tX\ny\tY\nx\tZ\n");
    assert_int_equal(transcript_read(e2e_path("dup.tsv"), &t, &d), -1);
    assert_string_equal(d.file, e2e_path("dup.tsv"));
    assert_int_equal(d.line, 3);
    assert_int_equal(d.col, 1);
    transcript_free(NULL);
}

/* The shipped nl pack's transcript is valid, and every cue has its file. */
static void test_nl_pack(void **state)
{
    (void)state;
    const char *src = getenv("ADEM_SOURCE_DIR");
    assert_non_null(src);
    char path[1024];
    snprintf(path, sizeof path, "%s/audio/voices/nl/transcript.tsv", src);
    transcript *t = NULL;
    adem_diag d;
    diag_clear(&d);
    if (transcript_read(path, &t, &d) != 0)
        fail_msg("%s:%d:%d: %s", d.file, d.line, d.col, d.msg);
    assert_true(transcript_count(t) >= 60);
    assert_non_null(transcript_lookup(t, "intro_478"));
    for (int i = 0; i < transcript_count(t); i++) {
        char ogg[1200];
        snprintf(ogg, sizeof ogg, "%s/audio/voices/nl/%s.ogg", src, transcript_id(t, i));
        if (!e2e_exists(ogg))
            fail_msg("cue '%s' of the transcript has no %s", transcript_id(t, i), ogg);
    }
    transcript_free(t);
}

/* Resolves cue `id` of the folder pack dir; returns voicepack_resolve's
 * result with d filled. */
static int resolve(const char *dir, const char *id, adem_diag *d)
{
    tl_cue cue = {dir, id, "s.adem", {3, 7}};
    vp_dirs dirs = {NULL, NULL};
    voicepack *vp = NULL;
    diag_clear(d);
    int rc = voicepack_resolve(&cue, 1, &dirs, &vp, d);
    assert_true(rc == 0 ? vp != NULL : vp == NULL);
    voicepack_free(vp);
    return rc;
}

/* voicepack_resolve checks the transcript of the folder it takes a cue from:
 * none is fine, a malformed one is refused at its line:col, one that is a
 * symlink out of the pack or a folder is refused. */
static void test_resolve_checks_transcript(void **state)
{
    (void)state;
    char pack[700], tsv[800], cmd[2000];
    adem_diag d;
    snprintf(pack, sizeof pack, "%s/pack", e2e_tmpdir());
    snprintf(tsv, sizeof tsv, "%s/transcript.tsv", pack);
    e2e_mkdir(pack);
    e2e_write_impulse_cue(pack, "a", 48000, 100, 0.5f);
    assert_int_equal(resolve(pack, "a", &d), 0); /* no transcript */
    e2e_write_file(tsv, "a\tA\n");
    assert_int_equal(resolve(pack, "a", &d), 0);
    e2e_write_file(tsv, "a\tA\nb\tB\na\tC\n");
    assert_int_equal(resolve(pack, "a", &d), -1);
    assert_string_equal(d.file, tsv);
    assert_int_equal(d.line, 3);
    assert_int_equal(d.col, 1);
    assert_int_equal(d.status, 2);
    assert_non_null(strstr(d.msg, "cue 'a' appears twice (first on line 1)"));
    e2e_write_file(tsv, "a A\n");
    assert_int_equal(resolve(pack, "a", &d), -1);
    assert_int_equal(d.line, 1);
    assert_int_equal(d.col, 2);
    /* a symlink to a file outside the pack */
    char outside[800];
    snprintf(outside, sizeof outside, "%s/outside.tsv", e2e_tmpdir());
    e2e_write_file(outside, "a\tA\n");
    assert_int_equal(unlink(tsv), 0);
    assert_int_equal(symlink(outside, tsv), 0);
    assert_int_equal(resolve(pack, "a", &d), -1);
    assert_non_null(strstr(d.msg, "points outside its voice pack"));
    assert_non_null(strstr(d.msg, tsv));
    /* a folder named transcript.tsv */
    assert_int_equal(unlink(tsv), 0);
    snprintf(cmd, sizeof cmd, "mkdir '%s'", tsv);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(resolve(pack, "a", &d), -1);
    assert_non_null(strstr(d.msg, "it is a folder, not a file"));
    /* a dangling symlink counts as no transcript */
    assert_int_equal(rmdir(tsv), 0);
    assert_int_equal(symlink("/nonexistent/adem/transcript.tsv", tsv), 0);
    assert_int_equal(resolve(pack, "a", &d), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),     cmocka_unit_test(test_variations),
        cmocka_unit_test(test_many),      cmocka_unit_test(test_faults),
        cmocka_unit_test(test_line_limit), cmocka_unit_test(test_files),
        cmocka_unit_test(test_nl_pack),   cmocka_unit_test(test_resolve_checks_transcript),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
