/* test_practice_log: the practice log (practice_log.h) — ISO 8601 times with
 * their offset in several time zones, ISO weeks around New Year, the line
 * format (control characters become spaces), appending (a new file and folder
 * get the header; a damaged last line gets a line break first; a folder in the
 * way is an error), and reading totals back: per session sorted by name, per
 * week, and corrupt lines skipped and counted exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "e2e.h"
#include "io/practice_log.h"

/* ---- Dates and times ------------------------------------------------------------ */

/* ISO weeks, also where the week-numbering year differs from the date's. */
static void test_iso_week(void **state)
{
    (void)state;
    static const struct { int y, m, d, wy, w; } cases[] = {
        {2025, 11, 21, 2025, 47}, {2024, 12, 30, 2025, 1},  {2021, 1, 3, 2020, 53},
        {2020, 12, 31, 2020, 53}, {2026, 1, 1, 2026, 1},    {2027, 1, 1, 2026, 53},
        {2024, 2, 29, 2024, 9},   {2023, 1, 1, 2022, 52},   {2023, 1, 2, 2023, 1},
        {2000, 1, 1, 1999, 52},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int wy = 0, w = 0;
        assert_int_equal(plog_iso_week(cases[i].y, cases[i].m, cases[i].d, &wy, &w), 0);
        assert_int_equal(wy, cases[i].wy);
        assert_int_equal(w, cases[i].w);
    }
    int wy, w;
    assert_int_equal(plog_iso_week(2025, 2, 29, &wy, &w), -1);
    assert_int_equal(plog_iso_week(2025, 13, 1, &wy, &w), -1);
    assert_int_equal(plog_iso_week(2025, 4, 31, &wy, &w), -1);
    assert_int_equal(plog_iso_week(2025, 1, 0, &wy, &w), -1);
}

/* The Monday that starts a week. */
static void test_week_monday(void **state)
{
    (void)state;
    int y, m, d;
    plog_week_monday(2025, 47, &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 20251117);
    plog_week_monday(2025, 1, &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 20241230);
    plog_week_monday(2020, 53, &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 20201228);
}

/* Formats t in the time zone tz. */
static void when_in(const char *tz, time_t t, char *buf)
{
    setenv("TZ", tz, 1);
    tzset();
    plog_format_when(t, buf, PLOG_WHEN_MAX);
}

/* Local time with the zone's offset, also across a change of year. */
static void test_format_when(void **state)
{
    (void)state;
    char buf[PLOG_WHEN_MAX];
    const time_t nov = 1763749805; /* 2025-11-21T18:30:05Z */
    when_in("UTC0", nov, buf);
    assert_string_equal(buf, "2025-11-21T18:30:05+00:00");
    when_in("CET-1CEST,M3.5.0,M10.5.0/3", nov, buf);
    assert_string_equal(buf, "2025-11-21T19:30:05+01:00");
    when_in("CET-1CEST,M3.5.0,M10.5.0/3", 1752427800, buf); /* 2025-07-13T17:30:00Z */
    assert_string_equal(buf, "2025-07-13T19:30:00+02:00");
    when_in("<-0330>3:30", nov, buf);
    assert_string_equal(buf, "2025-11-21T15:00:05-03:30");
    when_in("<+0530>-5:30", 1767223800, buf); /* 2025-12-31T23:30:00Z */
    assert_string_equal(buf, "2026-01-01T05:00:00+05:30");
    when_in("<-10>10", 1767225600, buf); /* 2026-01-01T00:00:00Z */
    assert_string_equal(buf, "2025-12-31T14:00:00-10:00");
    unsetenv("TZ");
    tzset();
}

/* ---- Lines and appending ----------------------------------------------------------- */

/* One line: fields separated by tabs; control characters become spaces. */
static void test_format_line(void **state)
{
    (void)state;
    plog_entry e = {"2025-11-21T19:30:05+01:00", "mijn\tsessie", "Titel\nmet\rregels", 111, 57, 0};
    char buf[256];
    int n = plog_format_line(&e, buf, sizeof buf);
    assert_string_equal(buf, "2025-11-21T19:30:05+01:00\tmijn sessie\tTitel met regels\t111\t57\tstopped\n");
    assert_int_equal(n, (int)strlen(buf));
    e.finished = 1;
    e.session = "478";
    e.title = "4-7-8 ademhaling";
    plog_format_line(&e, buf, sizeof buf);
    assert_string_equal(buf, "2025-11-21T19:30:05+01:00\t478\t4-7-8 ademhaling\t111\t57\tfinished\n");
    assert_int_equal(plog_format_line(&e, buf, 20), -1);
    assert_string_equal(buf, "");
}

/* A new log in a missing folder gets the header; later lines only
 * themselves; a last line without a line break gets one first. */
static void test_append(void **state)
{
    (void)state;
    char path[700];
    snprintf(path, sizeof path, "%s/state/adem/log.tsv", e2e_tmpdir());
    plog_entry e = {"2025-11-21T19:30:05+01:00", "478", "4-7-8 ademhaling", 111, 111, 1};
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(plog_append(path, &e, &d), 0);
    e.finished = 0;
    e.played_s = 40;
    assert_int_equal(plog_append(path, &e, &d), 0);
    char *text = e2e_read_text(path);
    assert_string_equal(text, PLOG_HEADER "\n"
                              "2025-11-21T19:30:05+01:00\t478\t4-7-8 ademhaling\t111\t111\tfinished\n"
                              "2025-11-21T19:30:05+01:00\t478\t4-7-8 ademhaling\t111\t40\tstopped\n");
    free(text);
    /* damage: a last line cut short */
    FILE *f = fopen(path, "ab");
    fputs("2025-11-2", f);
    fclose(f);
    assert_int_equal(plog_append(path, &e, &d), 0);
    text = e2e_read_text(path);
    const char *tail = strstr(text, "2025-11-2\n2025-11-21T19:30:05+01:00\t478\t");
    assert_non_null(tail);
    free(text);
    plog_totals *t;
    int exists;
    assert_int_equal(plog_read(path, &t, &exists, &d), 0);
    assert_int_equal(exists, 1);
    assert_int_equal(plog_entries(t), 3);
    assert_int_equal(plog_skipped(t), 1);
    plog_totals_free(t);
    /* an empty file gets the header too */
    char empty[700];
    snprintf(empty, sizeof empty, "%s/empty.tsv", e2e_tmpdir());
    e2e_write_file(empty, "");
    assert_int_equal(plog_append(empty, &e, &d), 0);
    text = e2e_read_text(empty);
    assert_int_equal(strncmp(text, PLOG_HEADER "\n2025", strlen(PLOG_HEADER) + 5), 0);
    free(text);
}

/* A folder where the log should be, or a file where its folder should be:
 * a runtime error naming the path. */
static void test_append_errors(void **state)
{
    (void)state;
    char dir[700], path[760];
    snprintf(dir, sizeof dir, "%s/adir.tsv", e2e_tmpdir());
    mkdir(dir, 0755);
    plog_entry e = {"2025-11-21T19:30:05+01:00", "478", "t", 1, 1, 1};
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(plog_append(dir, &e, &d), -1);
    assert_int_equal(d.status, ADEM_EXIT_RUNTIME);
    assert_non_null(strstr(d.msg, "it is a folder"));
    snprintf(dir, sizeof dir, "%s/afile", e2e_tmpdir());
    e2e_write_file(dir, "x");
    snprintf(path, sizeof path, "%s/adem/log.tsv", dir);
    diag_clear(&d);
    assert_int_equal(plog_append(path, &e, &d), -1);
    assert_int_equal(d.status, ADEM_EXIT_RUNTIME);
    assert_non_null(strstr(d.msg, "cannot write the practice log"));
    assert_non_null(strstr(d.msg, path));
    assert_non_null(strstr(d.msg, "log = off"));
    /* a FIFO (with no reader: opening it for writing would block for ever
     * with fopen) is refused at once, and says what it is */
    snprintf(path, sizeof path, "%s/fifo.tsv", e2e_tmpdir());
    assert_int_equal(mkfifo(path, 0644), 0);
    diag_clear(&d);
    assert_int_equal(plog_append(path, &e, &d), -1);
    assert_int_equal(d.status, ADEM_EXIT_RUNTIME);
    assert_non_null(strstr(d.msg, "it is a FIFO, not a file"));
}

/* ---- Totals -------------------------------------------------------------------------- */

/* Adds a line (a C string) to t and returns what plog_totals_add says. */
static int add(plog_totals *t, const char *line)
{
    return plog_totals_add(t, line, strlen(line));
}

/* Per session (sorted by name, the latest title), per ISO week, and every
 * kind of corrupt line skipped and counted. */
static void test_totals(void **state)
{
    (void)state;
    plog_totals *t = plog_totals_new();
    assert_non_null(t);
    assert_int_equal(add(t, PLOG_HEADER), 1);
    assert_int_equal(add(t, ""), 1);
    assert_int_equal(add(t, "  \t "), 1);
    assert_int_equal(add(t, "2025-11-17T08:00:00+01:00\trustig\tRustig ademen\t338\t338\tfinished"), 0);
    assert_int_equal(add(t, "2025-11-21T19:30:05+01:00\t478\tOude titel\t111\t111\tfinished\r"), 0);
    assert_int_equal(add(t, "2025-11-23T21:00:00+01:00\t478\t4-7-8 ademhaling\t111\t40\tstopped"), 0);
    assert_int_equal(add(t, "2025-11-24T07:00:00Z\trustig\tRustig ademen\t338\t300\tstopped"), 0);
    /* corrupt: each is skipped */
    static const char *const bad[] = {
        "2025-11-24T07:00:00+01:00\trustig\tRustig\t338\t300",          /* 5 fields */
        "2025-11-24T07:00:00+01:00\trustig\tRustig\t338\t300\tstopped\tx", /* 7 fields */
        "2025-13-24T07:00:00+01:00\trustig\tRustig\t338\t300\tstopped",  /* month 13 */
        "2025-02-29T07:00:00+01:00\trustig\tRustig\t338\t300\tstopped",  /* no such day */
        "2025-11-24 07:00:00+01:00\trustig\tRustig\t338\t300\tstopped",  /* no T */
        "2025-11-24T07:00:00+0100\trustig\tRustig\t338\t300\tstopped",   /* offset form */
        "2025-11-24T07:00:00+01:00\trustig\tRustig\t33a\t300\tstopped",  /* a word */
        "2025-11-24T07:00:00+01:00\trustig\tRustig\t338\t-1\tstopped",   /* negative */
        "2025-11-24T07:00:00+01:00\trustig\tRustig\t338\t300\tdone",     /* end */
        "2025-11-24T07:00:00+01:00\t\tRustig\t338\t300\tstopped",        /* no session */
        "garbage",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (add(t, bad[i]) != 2)
            fail_msg("not skipped: %s", bad[i]);
    static const char nul[] = "2025-11-24T07:00:00+01:00\tx\0y\tR\t1\t1\tstopped";
    assert_int_equal(plog_totals_add(t, nul, sizeof nul - 1), 2); /* a NUL byte */
    assert_int_equal(plog_entries(t), 4);
    assert_int_equal(plog_skipped(t), 12);

    assert_int_equal(plog_nsessions(t), 2);
    const plog_session *s = plog_session_at(t, 0);
    assert_string_equal(s->session, "478");
    assert_string_equal(s->title, "4-7-8 ademhaling");
    assert_int_equal(s->count, 2);
    assert_int_equal(s->finished, 1);
    assert_int_equal(s->stopped, 1);
    assert_int_equal(s->played_s, 151);
    s = plog_session_at(t, 1);
    assert_string_equal(s->session, "rustig");
    assert_int_equal(s->count, 2);
    assert_int_equal(s->played_s, 638);
    assert_null(plog_session_at(t, 2));

    /* weeks: 17-23 Nov is 2025-W47 (3 lines), 24 Nov starts W48 */
    assert_int_equal(plog_nweeks(t), 2);
    const plog_week *w = plog_week_at(t, 0);
    assert_int_equal(w->year, 2025);
    assert_int_equal(w->week, 47);
    assert_int_equal(w->count, 3);
    assert_int_equal(w->played_s, 338 + 111 + 40);
    w = plog_week_at(t, 1);
    assert_int_equal(w->week, 48);
    assert_int_equal(w->played_s, 300);

    /* adding after reading still counts (and sorts again) */
    assert_int_equal(add(t, "2024-12-30T10:00:00+01:00\t0-eerst\tA\t60\t60\tfinished"), 0);
    assert_int_equal(plog_nsessions(t), 3);
    assert_string_equal(plog_session_at(t, 0)->session, "0-eerst");
    assert_int_equal(plog_week_at(t, 0)->year, 2025); /* 30 Dec 2024 is in 2025-W01 */
    assert_int_equal(plog_week_at(t, 0)->week, 1);
    plog_totals_free(t);
}

/* Reading a file: a missing one is empty; a line longer than the limit and
 * one without its line break at the end of the file are handled. */
static void test_read_file(void **state)
{
    (void)state;
    plog_totals *t;
    int exists = 1;
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(plog_read(e2e_path("none.tsv"), &t, &exists, &d), 0);
    assert_int_equal(exists, 0);
    assert_int_equal(plog_entries(t), 0);
    assert_int_equal(plog_nsessions(t), 0);
    plog_totals_free(t);

    size_t big = PLOG_LINE_MAX + 100;
    char *text = malloc(big + 400);
    strcpy(text, PLOG_HEADER "\n2025-11-21T19:30:05+01:00\t478\tT\t111\t111\tfinished\n");
    size_t n = strlen(text);
    memset(text + n, 'x', big);
    n += big;
    strcpy(text + n, "\n2025-11-22T19:30:05+01:00\tvuist\tV\t132\t100\tstopped");
    const char *path = e2e_path("big.tsv");
    e2e_write_file(path, text);
    free(text);
    assert_int_equal(plog_read(path, &t, &exists, &d), 0);
    assert_int_equal(exists, 1);
    assert_int_equal(plog_entries(t), 2);
    assert_int_equal(plog_skipped(t), 1);
    assert_int_equal(plog_nsessions(t), 2);
    assert_string_equal(plog_session_at(t, 1)->session, "vuist");
    plog_totals_free(t);

    /* a folder is not a log */
    assert_int_equal(plog_read(e2e_tmpdir(), &t, &exists, &d), -1);
    assert_int_equal(d.status, ADEM_EXIT_RUNTIME);
    assert_null(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso_week),     cmocka_unit_test(test_week_monday),
        cmocka_unit_test(test_format_when),  cmocka_unit_test(test_format_line),
        cmocka_unit_test(test_append),       cmocka_unit_test(test_append_errors),
        cmocka_unit_test(test_totals),       cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
