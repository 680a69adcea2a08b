/* e2e_check: `adem check` as someone writing their own session meets it.
 * Every independent mistake of a file in one run (one line each, at most 20,
 * then how many more), while render and play keep stopping at the first with
 * one line; "did you mean" for a parameter without $, a session name, a cue;
 * warnings (exit status 0) for a cue that runs into the next cue and for a
 * label longer than the live display shows, and none for the defaults of any
 * built-in session; `adem voices PACK` lists the cues with their words; and
 * `show` gives a stepped duration's range. POSIX (tests only). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "e2e.h"

/* A path under the temp folder (static rotating buffers). */
static const char *tp(const char *fmt, ...)
{
    static char bufs[8][1200];
    static int next;
    char *b = bufs[next++ % 8];
    char rel[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof rel, fmt, ap);
    va_end(ap);
    snprintf(b, sizeof bufs[0], "%s/%s", e2e_tmpdir(), rel);
    return b;
}

/* Counts the lines of s that start with prefix. */
static int lines_starting(const char *s, const char *prefix)
{
    int n = 0;
    size_t k = strlen(prefix);
    for (const char *p = s; p && *p;) {
        if (strncmp(p, prefix, k) == 0)
            n++;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return n;
}

/* A file with five independent mistakes, on lines 4, 5, 6, 7 and 10. */
static const char FIVE[] = "session \"Mijn sessie\"\n"
                           "param rondes 4\n"
                           "voice nl\n"
                           "speek intro_478\n"
                           "repeat rondes\n"
                           "  phase \"Adem in\" 4 cue=adem_in_neus tone=rise\n"
                           "  phase \"Vasthouden\" 7s tone=stedy\n"
                           "  phase \"Adem uit\" 8s cue=adem_uit_mond\n"
                           "end\n"
                           "wait $pauze\n"
                           "speak afsluiting\n";

/* Five independent mistakes: five lines, each at its file:line:col, with the
 * suggestions; exit status 2; nothing on stdout. */
static void test_five_mistakes(void **state)
{
    (void)state;
    const char *f = tp("vijf.adem");
    e2e_write_file(f, FIVE);
    const char *argv[] = {"adem", "check", f, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(r.out_len, 0);
    if (e2e_count_lines(r.err) != 5)
        fail_msg("want 5 lines, got:\n%s", r.err);
    char want[1400];
    const char *at[] = {"4:1: unknown statement 'speek'; did you mean 'speak'?",
                        "5:8: 'rondes' is not a repeat count; did you mean the parameter $rondes?",
                        "6:19: duration '4' has no unit", "7:30: unknown tone 'stedy'",
                        "10:6: unknown parameter '$pauze'"};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        snprintf(want, sizeof want, "adem: %s:%s", f, at[i]);
        if (!strstr(r.err, want))
            fail_msg("missing \"%s\" in:\n%s", want, r.err);
    }
    e2e_result_free(&r);
    /* misspelt cues: each one, with the closest cue of the pack */
    e2e_write_file(f, "session \"S\"\nspeak intro_478\nphase \"Adem uit\" 8s cue=adem_uit_mnd\nspeak afsluting\n");
    e2e_run(argv, &r);
    assert_int_equal(r.status, 2);
    if (e2e_count_lines(r.err) != 2)
        fail_msg("want 2 lines, got:\n%s", r.err);
    snprintf(want, sizeof want, "adem: %s:3:25: cue 'adem_uit_mnd' is not in voice pack 'nl'", f);
    assert_non_null(strstr(r.err, want));
    assert_non_null(strstr(r.err, "did you mean 'adem_uit_mond'?"));
    assert_non_null(strstr(r.err, "did you mean 'afsluiting'?"));
    e2e_result_free(&r);
}

/* render and play keep their one line: the first mistake. */
static void test_render_one_line(void **state)
{
    (void)state;
    const char *f = tp("vijf2.adem");
    e2e_write_file(f, FIVE);
    const char *argv[] = {"adem", "render", f, "-o", tp("x.wav"), NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, ":4:1: unknown statement 'speek'"));
    assert_int_equal(e2e_exists(tp("x.wav")), 0);
    e2e_result_free(&r);
    const char *argv2[] = {"adem", "play", "--no-ui", f, NULL};
    e2e_run(argv2, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, ":4:1: unknown statement 'speek'"));
    e2e_result_free(&r);
}

/* More than 20 mistakes: 20 lines, then how many more. */
static void test_at_most_20(void **state)
{
    (void)state;
    char text[4096] = "session \"Veel\"\n";
    for (int i = 0; i < 27; i++)
        strcat(text, "wait 0s\n");
    const char *f = tp("veel.adem");
    e2e_write_file(f, text);
    const char *argv[] = {"adem", "check", f, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 21);
    assert_int_equal(lines_starting(r.err, "adem: /"), 20);
    assert_non_null(strstr(r.err, "adem: and 7 more mistakes in"));
    e2e_result_free(&r);
}

/* An unknown session: the closest name, on the command line and after play. */
static void test_session_suggestions(void **state)
{
    (void)state;
    const char *argv[] = {"adem", "show", "schuden", NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "no session named 'schuden'; did you mean 'schudden'?"));
    e2e_result_free(&r);
    const char *f = tp("lijst.adem");
    e2e_write_file(f, "session \"Lijst\"\nplay 487\nplay pnr\n");
    const char *argv2[] = {"adem", "check", f, NULL};
    e2e_run(argv2, &r);
    assert_int_equal(r.status, 2);
    if (e2e_count_lines(r.err) != 2)
        fail_msg("want 2 lines, got:\n%s", r.err);
    assert_non_null(strstr(r.err, ":2:6: no session named '487'; did you mean '478'?"));
    assert_non_null(strstr(r.err, ":3:6: no session named 'pnr'; did you mean 'pmr'?"));
    e2e_result_free(&r);
}

/* The built-in sessions, from `adem list` (its first column). */
static int builtins(char names[][64], int max)
{
    const char *argv[] = {"adem", "list", NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    int n = 0;
    const char *p = strchr(r.out, '\n'); /* the header */
    while (p && *++p && n < max) {
        size_t k = strcspn(p, " \n");
        if (k > 0 && k < 64) {
            memcpy(names[n], p, k);
            names[n++][k] = '\0';
        }
        p = strchr(p, '\n');
    }
    e2e_result_free(&r);
    return n;
}

/* No warning (nor anything else) for the defaults of any built-in. */
static void test_builtins_no_warnings(void **state)
{
    (void)state;
    char names[64][64];
    int n = builtins(names, 64);
    assert_true(n >= 7);
    for (int i = 0; i < n; i++) {
        const char *argv[] = {"adem", "check", names[i], NULL};
        e2e_result r;
        e2e_run(argv, &r);
        if (r.status != 0 || r.err_len != 0)
            fail_msg("check %s (%d):\n%s", names[i], r.status, r.err);
        e2e_result_free(&r);
    }
}

/* pmr with a short release lets los_gezicht run into span_buik: a warning,
 * exit status 0. */
static void test_pmr_overlap_warning(void **state)
{
    (void)state;
    const char *argv[] = {"adem", "check", "pmr", "--set", "ontspan=5s", NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    assert_true(e2e_count_lines(r.err) >= 1);
    assert_int_equal(lines_starting(r.err, "adem: warning: "), e2e_count_lines(r.err));
    assert_non_null(strstr(r.err, "cue 'los_gezicht' is still speaking when cue 'span_buik' starts"));
    assert_non_null(strstr(r.err, "pmr.adem:"));
    e2e_result_free(&r);
}

/* The warnings on a file of their own: a cue into the next (each statement
 * once, however often its repeat runs), and a label of 19 characters (18
 * fit). */
static void test_warnings(void **state)
{
    (void)state;
    if (mkdir(tp("pack"), 0755) != 0 && errno != EEXIST)
        fail_msg("mkdir: %s", strerror(errno));
    e2e_write_impulse_cue(tp("pack"), "lang", 48000, 96000, 0.5f); /* 2 s */
    e2e_write_impulse_cue(tp("pack"), "kort", 48000, 24000, 0.5f); /* 0.5 s */
    e2e_write_file(tp("pack/transcript.tsv"), "lang\tLang.\nkort\tKort.\n");
    const char *f = tp("w.adem");
    e2e_write_file(f, "session \"W\"\n"
                      "repeat 3\n"
                      "  phase \"Achttien tekens....\" 1500ms cue=lang\n" /* 19: cut */
                      "  phase \"Achttien tekens...\" 2s cue=kort\n"     /* 18: fits */
                      "  mark \"Een heel lang hoofdstuk\"\n"
                      "end\n"
                      "speak kort\n"
                      "wait 1s\n"
                      "speak lang\n");
    const char *argv[] = {"adem", "check", "--voice", tp("pack"), f, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    char want[1400];
    if (e2e_count_lines(r.err) != 3)
        fail_msg("want 3 warnings, got:\n%s", r.err);
    snprintf(want, sizeof want, "adem: warning: %s:3:3: the label \"Achttien tekens....\" has 19", f);
    assert_non_null(strstr(r.err, want));
    /* once, however often the repeat runs */
    snprintf(want, sizeof want,
             "adem: warning: %s:3:3: cue 'lang' is still speaking when cue 'kort' starts (line 4): 0.50 s", f);
    assert_non_null(strstr(r.err, want));
    snprintf(want, sizeof want, "adem: warning: %s:5:3: the label \"Een heel lang hoofdstuk\"", f);
    assert_non_null(strstr(r.err, want));
    assert_null(strstr(r.err, "tekens...\" has 18"));
    e2e_result_free(&r);
    /* the overlap alone */
    e2e_write_file(f, "session \"W\"\nrepeat 3\n  phase \"In\" 1500ms cue=lang\n  phase \"Uit\" 2s cue=kort\nend\n");
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    if (e2e_count_lines(r.err) != 1)
        fail_msg("want 1 warning, got:\n%s", r.err);
    snprintf(want, sizeof want,
             "adem: warning: %s:3:3: cue 'lang' is still speaking when cue 'kort' starts (line 4): 0.50 s", f);
    assert_non_null(strstr(r.err, want));
    e2e_result_free(&r);
    /* with room: nothing */
    e2e_write_file(f, "session \"W\"\nrepeat 3\n  phase \"In\" 2s cue=lang\n  phase \"Uit\" 2s cue=kort\nend\n");
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.err_len, 0);
    e2e_result_free(&r);
}

/* `adem voices nl`: intro_478 with its words from the transcript. */
static void test_voices_pack(void **state)
{
    (void)state;
    char path[1024], line[4096], words[4096] = "";
    snprintf(path, sizeof path, "%s/audio/voices/nl/transcript.tsv", getenv("ADEM_SOURCE_DIR"));
    FILE *t = fopen(path, "r");
    assert_non_null(t);
    while (fgets(line, sizeof line, t))
        if (strncmp(line, "intro_478\t", 10) == 0) {
            snprintf(words, sizeof words, "%s", line + 10);
            words[strcspn(words, "\r\n")] = '\0';
        }
    fclose(t);
    assert_true(words[0] != '\0');
    const char *argv[] = {"adem", "voices", "nl", NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.err_len, 0);
    const char *p = strstr(r.out, "\nintro_478 ");
    assert_non_null(p);
    const char *end = strchr(p + 1, '\n');
    assert_non_null(end);
    char got[4096];
    snprintf(got, sizeof got, "%.*s", (int)(end - p - 1), p + 1);
    if (!strstr(got, words))
        fail_msg("want \"%s\" in \"%s\"", words, got);
    assert_null(strstr(got, "[not recorded]"));
    e2e_result_free(&r);
    /* a pack's folder: its recordings and its transcript, each said */
    if (mkdir(tp("eigen"), 0755) != 0 && errno != EEXIST)
        fail_msg("mkdir: %s", strerror(errno));
    e2e_write_impulse_cue(tp("eigen"), "hoi", 48000, 4800, 0.5f);
    e2e_write_impulse_cue(tp("eigen"), "extra", 48000, 4800, 0.5f);
    e2e_write_file(tp("eigen/transcript.tsv"), "hoi\tHoi daar.\nweg\tDag.\n");
    const char *argv3[] = {"adem", "voices", tp("eigen"), NULL};
    e2e_run(argv3, &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(e2e_count_lines(r.out), 4);
    assert_non_null(strstr(r.out, "\nextra     (no words in transcript.tsv)\n"));
    assert_non_null(strstr(r.out, "\nhoi       Hoi daar.\n"));
    assert_non_null(strstr(r.out, "\nweg       Dag.  [not recorded]\n"));
    e2e_result_free(&r);
    const char *argv2[] = {"adem", "voices", "nll", NULL};
    e2e_run(argv2, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "no voice pack 'nll'; did you mean 'nl'?"));
    e2e_result_free(&r);
}

/* `show` prints each cycle of a stepped duration with its range. */
static void test_show_stepped(void **state)
{
    (void)state;
    const char *f = tp("op.adem");
    e2e_write_file(f, "session \"Op\"\nrepeat 4\n  phase \"Vast\" 4s..7s\nend\n");
    const char *argv[] = {"adem", "show", f, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Vast (4s, of 4s..7s)"));
    assert_non_null(strstr(r.out, "Vast (5s, of 4s..7s)"));
    assert_non_null(strstr(r.out, "Vast (7s, of 4s..7s)"));
    assert_non_null(strstr(r.out, "total 0:22.000"));
    e2e_result_free(&r);
    e2e_write_file(f, "session \"Op\"\nrepeat 8\n  phase \"Vast\" 4s..7s\nend\n");
    e2e_run(argv, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, ":3:16: 4s..7s over 8 cycles would step 428.571ms per cycle"));
    e2e_result_free(&r);
}

static int teardown(void **state)
{
    (void)state;
    e2e_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_five_mistakes),
        cmocka_unit_test(test_render_one_line),
        cmocka_unit_test(test_at_most_20),
        cmocka_unit_test(test_session_suggestions),
        cmocka_unit_test(test_builtins_no_warnings),
        cmocka_unit_test(test_pmr_overlap_warning),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_voices_pack),
        cmocka_unit_test(test_show_stepped),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
