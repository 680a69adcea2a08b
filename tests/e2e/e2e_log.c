/* e2e_log: the practice log end to end with the real binary.
 *   `adem play` (on a private JACK dummy server) appends one line per played
 *   session to $XDG_STATE_HOME/adem/log.tsv: when, the name as given, title,
 *   planned and played seconds, finished or stopped; two sessions give two
 *   lines; `log = off` writes nothing; an unwritable state folder still plays
 *   (exit 0) with one note line; a damaged last line is kept and the new line
 *   starts on a line of its own. `adem render` never logs.
 *   `adem log` prints the totals per session and per ISO week (exact output),
 *   counts unreadable lines, and says so calmly when there is nothing yet.
 * Needs jackd (scripts/bootstrap --test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "live.h"

enum { RATE = 48000, PERIOD = 256 };

static char kort[600], lang[600];

/* The log file of the test's XDG_STATE_HOME. */
static const char *log_file(void)
{
    static char p[700];
    snprintf(p, sizeof p, "%s/xdg-state/adem/log.tsv", e2e_tmpdir());
    return p;
}

/* Plays argv (argv[0] ignored) on the JACK server with extra env (may be
 * NULL); returns the exit status, *err gets stderr (malloc'd). */
static int play(const char *const *argv, const char *const *env, char **err)
{
    char out_path[700], err_path[700];
    snprintf(out_path, sizeof out_path, "%s/play.out", e2e_tmpdir());
    snprintf(err_path, sizeof err_path, "%s/play.err", e2e_tmpdir());
    pid_t pid = e2e_spawn_adem(argv, env, out_path, err_path);
    int st;
    if (!e2e_wait(pid, 60000, &st)) {
        e2e_stop(pid, 9, 5000);
        fail_msg("adem play did not finish within 60 s");
    }
    *err = e2e_read_text(err_path);
    return st;
}

/* Splits a log line into its 6 fields (in place); fails the test otherwise. */
static void fields(char *line, char **f)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p; p++)
        if (*p == '\t') {
            *p = '\0';
            if (n == 6)
                fail_msg("more than 6 fields");
            f[n++] = p + 1;
        }
    if (n != 6)
        fail_msg("%d fields, not 6", n);
}

/* Asserts `when` is ISO 8601 local time with offset, within a minute of now. */
static void assert_when(const char *when)
{
    assert_int_equal(strlen(when), 25);
    int y, mo, d, h, mi, s, oh, om;
    char sign;
    assert_int_equal(sscanf(when, "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d", &y, &mo, &d, &h, &mi, &s,
                            &sign, &oh, &om),
                     9);
    assert_true(sign == '+' || sign == '-');
    struct tm lt = {0};
    lt.tm_year = y - 1900;
    lt.tm_mon = mo - 1;
    lt.tm_mday = d;
    lt.tm_hour = h;
    lt.tm_min = mi;
    lt.tm_sec = s;
    lt.tm_isdst = -1;
    double age = difftime(time(NULL), mktime(&lt));
    if (age < 0 || age > 60)
        fail_msg("when %s is %.0f s from now", when, age);
}

/* The lines of the log (after the header), or fails. Returns their count and
 * the text (malloc'd, lines NUL-separated into lines[]). */
static int log_lines(char **text, char **lines, int max)
{
    *text = e2e_read_text(log_file());
    char *p = *text;
    if (strncmp(p, "when\tsession\ttitle\tplanned_s\tplayed_s\tend\n", 42) != 0)
        fail_msg("the log has no header: %s", p);
    p += 42;
    int n = 0;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (!nl)
            fail_msg("the last line has no line break");
        *nl = '\0';
        if (n < max)
            lines[n] = p;
        n++;
        p = nl + 1;
    }
    return n;
}

/* A session that ends by itself: one line, finished, 2 s planned and played
 * (1.5 s rounds to 2), the name as given, the title; nothing on stderr. */
static void play_logs_finished(void **state)
{
    (void)state;
    unlink(log_file());
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", kort, NULL};
    char *err;
    assert_int_equal(play(argv, NULL, &err), 0);
    long under;
    if (!live_quiet_stderr(err, &under))
        fail_msg("stderr: %s", err);
    free(err);
    char *text, *lines[4], *f[6];
    assert_int_equal(log_lines(&text, lines, 4), 1);
    fields(lines[0], f);
    assert_when(f[0]);
    assert_string_equal(f[1], kort);
    assert_string_equal(f[2], "Kort");
    assert_string_equal(f[3], "2");
    assert_string_equal(f[4], "2");
    assert_string_equal(f[5], "finished");
    free(text);
}

/* Stopped after 0.5 s (and the 400 ms fade) of 4 s: "stopped", played 1 s;
 * then a second play appends a second line. */
static void play_logs_stopped(void **state)
{
    (void)state;
    unlink(log_file());
    const char *script = e2e_path("stop.script");
    e2e_write_file(script, "0.5 stop\n");
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", "--script", script,
                          lang, NULL};
    char *err;
    assert_int_equal(play(argv, NULL, &err), 130);
    free(err);
    const char *again[] = {"adem", "play", "--no-ui", "--device", "system", kort, NULL};
    assert_int_equal(play(again, NULL, &err), 0);
    free(err);
    char *text, *lines[4], *f[6];
    assert_int_equal(log_lines(&text, lines, 4), 2);
    fields(lines[0], f);
    assert_string_equal(f[1], lang);
    assert_string_equal(f[2], "Lang");
    assert_string_equal(f[3], "4");
    assert_string_equal(f[4], "1");
    assert_string_equal(f[5], "stopped");
    fields(lines[1], f);
    assert_string_equal(f[1], kort);
    assert_string_equal(f[5], "finished");
    free(text);
}

/* Two sessions on one command line: one line each, in order. */
static void play_two_sessions(void **state)
{
    (void)state;
    unlink(log_file());
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", "--gap", "200ms",
                          kort, kort, NULL};
    char *err;
    assert_int_equal(play(argv, NULL, &err), 0);
    free(err);
    char *text, *lines[4], *f[6];
    assert_int_equal(log_lines(&text, lines, 4), 2);
    for (int i = 0; i < 2; i++) {
        fields(lines[i], f);
        assert_string_equal(f[1], kort);
        assert_string_equal(f[4], "2");
        assert_string_equal(f[5], "finished");
    }
    free(text);
}

/* `log = off` in the config file: nothing is written. */
static void play_log_off(void **state)
{
    (void)state;
    unlink(log_file());
    char dir[700];
    snprintf(dir, sizeof dir, "%s/xdg-config-off/adem", e2e_tmpdir());
    e2e_mkdir(dir);
    char cfg[760], env0[760];
    snprintf(cfg, sizeof cfg, "%s/config", dir);
    e2e_write_file(cfg, "# quiet\nlog = off\n");
    snprintf(env0, sizeof env0, "XDG_CONFIG_HOME=%s/xdg-config-off", e2e_tmpdir());
    const char *env[] = {env0, NULL};
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", kort, NULL};
    char *err;
    assert_int_equal(play(argv, env, &err), 0);
    free(err);
    assert_false(e2e_exists(log_file()));
    /* adem log says it is off */
    const char *log_argv[] = {"adem", "log", NULL};
    e2e_result r;
    e2e_run_env(log_argv, env, &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "The log is off (log = off in "));
    e2e_result_free(&r);
}

/* The state folder cannot be made (a file is in the way): the session still
 * plays to the end, exit 0, and stderr holds one note about the log. */
static void play_unwritable_log(void **state)
{
    (void)state;
    char blocker[700], env0[760];
    snprintf(blocker, sizeof blocker, "%s/not-a-folder", e2e_tmpdir());
    e2e_write_file(blocker, "x");
    snprintf(env0, sizeof env0, "XDG_STATE_HOME=%s", blocker);
    const char *env[] = {env0, NULL};
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", kort, NULL};
    char *err;
    assert_int_equal(play(argv, env, &err), 0);
    /* apart from an underflow note (JACK xruns), exactly one line: the log's */
    int notes = 0;
    for (char *p = err; *p;) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        static const char note[] = "adem: note: cannot write the practice log '";
        if (strncmp(p, note, sizeof note - 1) == 0)
            notes++;
        else if (!strstr(p, "underflow") || n == 0)
            fail_msg("unexpected stderr: %s", err);
        p += n + (nl ? 1 : 0);
    }
    assert_int_equal(notes, 1);
    free(err);
}

/* A damaged last line (no line break) is left as it is: the new line starts
 * on its own, and `adem log` skips the damaged one and says so. */
static void play_after_damage(void **state)
{
    (void)state;
    e2e_write_file(log_file(), "when\tsession\ttitle\tplanned_s\tplayed_s\tend\n2025-11-2");
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", kort, NULL};
    char *err;
    assert_int_equal(play(argv, NULL, &err), 0);
    free(err);
    char *text, *lines[4];
    assert_int_equal(log_lines(&text, lines, 4), 2);
    assert_string_equal(lines[0], "2025-11-2");
    free(text);
    const char *log_argv[] = {"adem", "log", NULL};
    e2e_result r;
    e2e_run(log_argv, &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "In all: 1 session, 0.0 minutes.\n"));
    assert_non_null(strstr(r.out, "1 line could not be read and was skipped.\n"));
    e2e_result_free(&r);
}

/* `adem render` never writes the log. */
static void render_does_not_log(void **state)
{
    (void)state;
    unlink(log_file());
    const char *argv[] = {"adem", "render", kort, "-o", e2e_path("kort.wav"), NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    e2e_result_free(&r);
    assert_false(e2e_exists(log_file()));
}

/* `adem log`: the exact totals of a log with two sessions over two weeks and
 * two unreadable lines. */
static void log_prints_totals(void **state)
{
    (void)state;
    e2e_write_file(log_file(),
                   "when\tsession\ttitle\tplanned_s\tplayed_s\tend\n"
                   "2025-11-17T08:00:00+01:00\trustig\tRustig ademen\t338\t338\tfinished\n"
                   "2025-11-21T19:30:05+01:00\t478\t4-7-8 ademhaling\t111\t111\tfinished\n"
                   "not a line\n"
                   "\n"
                   "2025-11-23T21:00:00+01:00\t478\t4-7-8 ademhaling\t111\t40\tstopped\n"
                   "2025-11-24T07:00:00+01:00\trustig\tRustig ademen\t338\t300\tstopped\n"
                   "2025-11-24T07:00:00+01:00\trustig\tRustig ademen\t338\tlots\tstopped\n");
    const char *argv[] = {"adem", "log", NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    char want[2048];
    snprintf(want, sizeof want,
             "Practice log: %s\n"
             "\n"
             "session  title             times   minutes  finished  stopped\n"
             "478      4-7-8 ademhaling      2       2.5         1        1\n"
             "rustig   Rustig ademen         2      10.6         1        1\n"
             "\n"
             "week                      times   minutes\n"
             "2025-W47 (from 17 Nov)        3       8.2\n"
             "2025-W48 (from 24 Nov)        1       5.0\n"
             "\n"
             "In all: 4 sessions, 13.2 minutes.\n"
             "2 lines could not be read and were skipped.\n",
             log_file());
    assert_string_equal(r.out, want);
    e2e_result_free(&r);
}

/* `adem log` with no log yet: a calm sentence naming the file; with an
 * argument: a usage error. */
static void log_empty_and_usage(void **state)
{
    (void)state;
    unlink(log_file());
    const char *argv[] = {"adem", "log", NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    char want[1024];
    snprintf(want, sizeof want,
             "Nothing in the practice log yet. After each session you play, adem adds a line to\n"
             "%s\n",
             log_file());
    assert_string_equal(r.out, want);
    e2e_result_free(&r);
    const char *bad[] = {"adem", "log", "478", NULL};
    e2e_run(bad, &r);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "adem: log takes no arguments (got '478'); see adem log --help\n");
    e2e_result_free(&r);
}

/* Writes the sessions and starts the private JACK server. */
static int group_setup(void **state)
{
    (void)state;
    snprintf(kort, sizeof kort, "%s", e2e_path("kort.adem"));
    snprintf(lang, sizeof lang, "%s", e2e_path("lang.adem"));
    e2e_write_file(kort, "session \"Kort\"\nphase \"Adem in\" 1500ms tone=rise\n");
    e2e_write_file(lang, "session \"Lang\"\nphase \"Adem uit\" 4s tone=fall\n");
    live_jack_start(RATE, PERIOD);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(play_logs_finished, e2e_teardown),
        cmocka_unit_test_teardown(play_logs_stopped, e2e_teardown),
        cmocka_unit_test_teardown(play_two_sessions, e2e_teardown),
        cmocka_unit_test_teardown(play_log_off, e2e_teardown),
        cmocka_unit_test_teardown(play_unwritable_log, e2e_teardown),
        cmocka_unit_test_teardown(play_after_damage, e2e_teardown),
        cmocka_unit_test(render_does_not_log),
        cmocka_unit_test(log_prints_totals),
        cmocka_unit_test(log_empty_and_usage),
    };
    return cmocka_run_group_tests(tests, group_setup, e2e_group_teardown);
}
