/* e2e_paths: what a session or a pack can make adem read, and what adem never
 * does. `play` resolves a path from the folder of the file that contains it
 * (not from the current folder); a session's `voice` takes a name, a folder
 * works only as --voice DIR; and adem runs no other program and opens no
 * network connection for render, check, show, list and voices (seen with
 * strace; skipped where strace is missing or not allowed). The refusals of
 * `cue=../..`, absolute `voice` paths and symlinks out of a pack are cases of
 * tests/bad/cases.tsv. POSIX (tests only). */
#define _GNU_SOURCE
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
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"

/* Creates folder rel under the temp folder. */
static void folder(const char *rel)
{
    const char *p = e2e_pathf("%s", rel);
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        fail_msg("mkdir %s: %s", p, strerror(errno));
}

/* `play inner.adem` is found beside the file that says it, not in the
 * current folder (which holds a different inner.adem). */
static void test_play_relative_to_file(void **state)
{
    (void)state;
    folder("p");
    folder("p/sub");
    e2e_write_file(e2e_pathf("p/main.adem"), "session \"Hoofd\"\nplay sub/inner.adem\nwait 1s\n");
    e2e_write_file(e2e_pathf("p/sub/inner.adem"), "session \"Binnen\"\nplay ../leaf.adem\n");
    e2e_write_file(e2e_pathf("p/leaf.adem"), "session \"Blad\"\nwait 2s\n");
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(e2e_tmpdir()), 0);
    /* a decoy where a path taken from the current folder would land */
    folder("sub");
    e2e_write_file(e2e_pathf("sub/inner.adem"), "session \"Fout\"\nwait 9s\n");
    const char *argv[] = {"adem", "show", "p/main.adem", NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(chdir(cwd), 0);
    if (r.status != 0)
        fail_msg("show failed (%d): %s", r.status, r.err);
    assert_non_null(strstr(r.out, "play \"Binnen\" (2s)"));
    assert_non_null(strstr(r.out, "play \"Blad\" (2s)"));
    assert_null(strstr(r.out, "Fout"));
    assert_non_null(strstr(r.out, "total 0:03.000"));
    e2e_result_free(&r);
}

/* A pack folder is given with --voice DIR (absolute or relative); the same
 * folder in a session's `voice` line is refused (a name is expected). */
static void test_voice_folder_only_on_command_line(void **state)
{
    (void)state;
    folder("pack");
    e2e_write_impulse_cue(e2e_pathf("pack"), "a", 48000, 480, 0.5f);
    e2e_write_file(e2e_pathf("pack/transcript.tsv"), "a\tA\n");
    e2e_write_file(e2e_pathf("s.adem"), "session \"S\"\nspeak a\n");
    const char *argv[] = {"adem", "check", "--voice", e2e_pathf("pack"), e2e_pathf("s.adem"), NULL};
    e2e_result r;
    e2e_run(argv, &r);
    if (r.status != 0)
        fail_msg("check --voice DIR failed (%d): %s", r.status, r.err);
    assert_int_equal(r.err_len, 0);
    e2e_result_free(&r);

    char text[1400];
    snprintf(text, sizeof text, "session \"S\"\nvoice %s\nspeak a\n", e2e_pathf("pack"));
    e2e_write_file(e2e_pathf("v.adem"), text);
    const char *argv2[] = {"adem", "check", e2e_pathf("v.adem"), NULL};
    e2e_run(argv2, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "v.adem:2:7: '"));
    assert_non_null(strstr(r.err, "' is not a valid pack name"));
    e2e_result_free(&r);
}

/* 1 if strace can trace here. */
static int have_strace(void)
{
    return system("strace -f -o /dev/null true >/dev/null 2>&1") == 0;
}

/* Runs adem under strace (following every child) with args (a string for
 * the shell), and checks its log: one execve (adem itself: no other program
 * ever runs), no network socket, no connect but to a local socket. (The leak
 * checker of the sanitizer build cannot run under ptrace: it is off here.) */
static void traced(const char *args, int want_status)
{
    const char *log = e2e_pathf("strace.log"), *script = e2e_pathf("strace.sh");
    char cmd[3000];
    snprintf(cmd, sizeof cmd,
             "XDG_DATA_HOME='%s' XDG_CONFIG_HOME='%s' XDG_STATE_HOME='%s' "
             "ASAN_OPTIONS=\"$ASAN_OPTIONS:detect_leaks=0\" strace -f -qq "
             "-e trace=execve,execveat,socket,connect,bind,sendto,sendmsg "
             "-o '%s' \"$ADEM_BIN\" %s >/dev/null 2>'%s.err'\n",
             e2e_pathf("xdg-data"), e2e_pathf("xdg-config"), e2e_pathf("xdg-state"), log, args, log);
    e2e_write_file(script, cmd);
    snprintf(cmd, sizeof cmd, "bash '%s'", script);
    int st = system(cmd);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != want_status) {
        char *err = e2e_read_text(e2e_pathf("strace.log.err")), msg[600];
        snprintf(msg, sizeof msg, "%s", err);
        free(err);
        fail_msg("adem %s: exit %d, want %d: %s", args, WIFEXITED(st) ? WEXITSTATUS(st) : -1,
                 want_status, msg);
    }
    char *text = e2e_read_text(log);
    int execs = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strstr(line, "execve(") || strstr(line, "execveat("))
            execs++;
        else if (strstr(line, "socket(") && !strstr(line, "AF_UNIX") && !strstr(line, "AF_LOCAL"))
            fail_msg("adem %s opened a network socket: %s", args, line);
        else if (strstr(line, "connect(") && !strstr(line, "AF_UNIX") && !strstr(line, "AF_LOCAL"))
            fail_msg("adem %s connected: %s", args, line);
        else if (strstr(line, "sendto(") || strstr(line, "sendmsg(") || strstr(line, "bind("))
            fail_msg("adem %s used a socket: %s", args, line);
    }
    if (execs != 1)
        fail_msg("adem %s: %d execve calls, want 1 (adem itself)", args, execs);
    free(text);
}

static void test_no_program_no_network(void **state)
{
    (void)state;
    if (!have_strace()) {
        skip();
        return;
    }
    char args[1200];
    traced("check 478", 0);
    traced("show 478", 0);
    traced("show --json 478", 0);
    traced("list", 0);
    snprintf(args, sizeof args, "render 478 --set cycles=1 -o '%s'", e2e_pathf("x.ogg"));
    traced(args, 0);
    traced("render 478 --set cycles=1 -o -", 0);
    traced("check nergens", 2);
    /* `adem voices` (added with the voice-pack commands) when it exists */
    e2e_result r;
    const char *argv[] = {"adem", "voices", NULL};
    e2e_run(argv, &r);
    if (r.status == 0)
        traced("voices", 0);
    e2e_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_play_relative_to_file),
        cmocka_unit_test(test_voice_folder_only_on_command_line),
        cmocka_unit_test(test_no_program_no_network),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
