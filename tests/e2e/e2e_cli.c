/* e2e_cli: the command line as a user and a script meet it — check, show,
 * list, help and version, and the exit codes and one-line errors of
 * design/cli.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "e2e.h"

/* Runs adem with argv and returns the result (caller frees). */
static e2e_result run(const char *const *argv)
{
    e2e_result r;
    e2e_run(argv, &r);
    return r;
}

/* Asserts r is one `adem: ` line on stderr with status st containing phrase. */
static void one_error(const e2e_result *r, int st, const char *phrase)
{
    if (r->status != st || e2e_count_lines(r->err) != 1 || strncmp(r->err, "adem: ", 6) != 0 ||
        (phrase && !strstr(r->err, phrase)))
        fail_msg("want status %d, one line with '%s'; got %d: %s", st, phrase ? phrase : "",
                 r->status, r->err);
}

/* check prints nothing for valid files (every built-in is valid). */
static void test_check_valid(void **state)
{
    (void)state;
    const char *names[] = {"478", "rustig", "schudden", "vuist", "pmr", "niksdoen", "slapen"};
    for (int i = 0; i < 7; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/audio/sessions/%s.adem", getenv("ADEM_SOURCE_DIR"), names[i]);
        const char *argv[] = {"adem", "check", path, NULL};
        e2e_result r = run(argv);
        if (r.status != 0)
            fail_msg("%s: %s", names[i], r.err);
        assert_int_equal(r.out_len, 0);
        assert_int_equal(r.err_len, 0);
        e2e_result_free(&r);
    }
}

/* check names file:line:col and what to do, one line per broken file, and
 * exits 2 when any is broken. */
static void test_check_broken(void **state)
{
    (void)state;
    const char *a = e2e_path("a.adem"), *b = e2e_path("b.adem"), *ok = e2e_path("ok.adem");
    e2e_write_file(a, "session \"A\"\nwait 4s\nphase \"x\" 4sec\n");
    e2e_write_file(b, "session \"B\"\nrepeat 3\n  wait 1s\n");
    e2e_write_file(ok, "session \"OK\"\nwait 1s\n");
    const char *argv[] = {"adem", "check", a, ok, b, NULL};
    e2e_result r = run(argv);
    assert_int_equal(r.status, 2);
    assert_int_equal(r.out_len, 0);
    assert_int_equal(e2e_count_lines(r.err), 2);
    char want[1200];
    snprintf(want, sizeof want, "adem: %s:3:11: ", a);
    assert_non_null(strstr(r.err, want));
    snprintf(want, sizeof want, "adem: %s:2:1: ", b);
    assert_non_null(strstr(r.err, want));
    e2e_result_free(&r);
    const char *argv2[] = {"adem", "check", e2e_path("missing.adem"), NULL};
    r = run(argv2);
    one_error(&r, 2, "missing.adem");
    e2e_result_free(&r);
}

/* show lists every step and a total that equals the session's length. */
static void test_show(void **state)
{
    (void)state;
    const char *s = e2e_path("show.adem");
    e2e_write_file(s, "session \"Toon\"\n"
                      "param n 2\n"
                      "mark \"begin\"\n"
                      "repeat $n\n"
                      "  phase \"In\" 4s tone=rise\n"
                      "  phase \"Uit\" 6s tone=fall pulse=60\n"
                      "end\n"
                      "bell\n");
    const char *argv[] = {"adem", "show", s, "--set", "n=3", NULL};
    e2e_result r = run(argv);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.err_len, 0);
    assert_non_null(strstr(r.out, "Toon\n"));
    assert_non_null(strstr(r.out, "repeat 3x"));
    assert_non_null(strstr(r.out, "tone rise 196-294 Hz"));
    assert_non_null(strstr(r.out, "pulse 60/min"));
    assert_non_null(strstr(r.out, "0:24.000"));       /* the third "Uit" */
    assert_non_null(strstr(r.out, "total 0:30.000 (1440000 frames at 48000 Hz)"));
    int in = 0;
    for (const char *p = r.out; (p = strstr(p, " In (4s)")); p++)
        in++;
    assert_int_equal(in, 3);
    e2e_result_free(&r);
}

/* list shows the seven built-ins with a length; a user's session with a
 * built-in's name replaces it, and is marked. */
static void test_list(void **state)
{
    (void)state;
    const char *argv[] = {"adem", "list", NULL};
    e2e_result r = run(argv);
    assert_int_equal(r.status, 0);
    const char *names[] = {"478", "rustig", "schudden", "vuist", "pmr", "niksdoen", "slapen"};
    for (int i = 0; i < 7; i++) {
        char line[32];
        snprintf(line, sizeof line, "\n%s ", names[i]);
        assert_non_null(strstr(r.out, line));
    }
    e2e_result_free(&r);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/xdg-data/adem/sessions", e2e_tmpdir());
    e2e_mkdir(dir);
    char path[1100];
    snprintf(path, sizeof path, "%s/vuist.adem", dir);
    e2e_write_file(path, "session \"Mijn vuist\"\nwait 3s\n");
    snprintf(path, sizeof path, "%s/eigen.adem", dir);
    e2e_write_file(path, "session \"Eigen\"\ndescription \"van mij\"\nwait 1m\n");
    r = run(argv);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Mijn vuist"));
    assert_non_null(strstr(r.out, "replaces the built-in"));
    assert_non_null(strstr(r.out, "Eigen"));
    assert_non_null(strstr(r.out, "1:00"));
    assert_null(strstr(r.out, "Voel het verschil"));
    e2e_result_free(&r);
    /* and `show vuist` now shows the user's */
    const char *argv2[] = {"adem", "show", "vuist", NULL};
    r = run(argv2);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Mijn vuist"));
    e2e_result_free(&r);
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* --help, COMMAND --help and --version go to stdout with status 0. */
static void test_help_version(void **state)
{
    (void)state;
    const char *a1[] = {"adem", "--help", NULL};
    const char *a2[] = {"adem", "render", "--help", NULL};
    const char *a3[] = {"adem", "--version", NULL};
    e2e_result r = run(a1);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "adem play"));
    assert_non_null(strstr(r.out, "Exit status"));
    e2e_result_free(&r);
    r = run(a2);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "--format"));
    assert_non_null(strstr(r.out, "--tempo"));
    e2e_result_free(&r);
    r = run(a3);
    assert_int_equal(r.status, 0);
    assert_memory_equal(r.out, "adem ", 5);
    e2e_result_free(&r);
}

/* Usage mistakes: exit 2, one line that says what to do. */
static void test_usage_errors(void **state)
{
    (void)state;
    struct {
        const char *argv[8];
        const char *phrase;
    } cases[] = {
        {{"adem", NULL}, NULL},
        {{"adem", "speel", NULL}, "unknown command 'speel'"},
        {{"adem", "show", "478", "--bogus", NULL}, "unknown option '--bogus'"},
        {{"adem", "show", "478", "--device", "1", NULL}, "does not take --device"},
        {{"adem", "show", "478", "--set", "cycles", NULL}, "NAME=VALUE"},
        {{"adem", "show", "478", "--set", "nope=1", NULL}, "'nope'"},
        {{"adem", "show", "478", "--set", "cycles=4s", NULL}, "cycles"},
        {{"adem", "show", "478", "--tempo", "3", NULL}, "--tempo"},
        {{"adem", "show", "478", "--rate", "100", NULL}, "--rate"},
        {{"adem", "show", "geen-sessie", NULL}, "no session named 'geen-sessie'"},
        {{"adem", "show", NULL}, "needs a SESSION"},
        {{"adem", "render", "478", "--rate", NULL}, "needs a value"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        e2e_result r = run(cases[i].argv);
        if (!cases[i].phrase) {
            assert_int_equal(r.status, 2); /* bare `adem`: usage on stderr */
            assert_non_null(strstr(r.err, "Usage"));
        } else {
            one_error(&r, 2, cases[i].phrase);
        }
        assert_int_equal(r.out_len, 0);
        e2e_result_free(&r);
    }
}

/* --tempo and --set change what show reports, exactly. */
static void test_tempo_show(void **state)
{
    (void)state;
    const char *s = e2e_path("tempo.adem");
    e2e_write_file(s, "session \"T\"\nphase \"a\" 4s\nphase \"b\" 4s\n");
    const char *argv[] = {"adem", "show", "--tempo", "0.5", s, NULL};
    e2e_result r = run(argv);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "0:08.000"));
    assert_non_null(strstr(r.out, "total 0:16.000 (768000 frames"));
    e2e_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_valid),
        cmocka_unit_test(test_check_broken),
        cmocka_unit_test(test_show),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_help_version),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_tempo_show),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
