/* e2e_faults: faults while rendering, through the real binary. The output
 * folder read-only (a read-only mount when running as root, where permissions
 * do not stop us), a full file system (a 64 kB tmpfs; skipped where mounting
 * is not allowed), standard output closed by its reader, and SIGINT/SIGTERM
 * in the middle of a long render: each exits 1 (130 when stopped), prints one
 * line naming the path, and leaves no file, no temporary file, and an older
 * file of the same name untouched. (Missing folder and /dev/full are cases of
 * tests/bad/cases.tsv.) POSIX (tests only). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"

static char mounted[4][700]; /* mount points to release in teardown */
static int nmounted;

/* Creates folder rel under the temp folder and returns its path. */
static const char *folder(const char *rel)
{
    const char *p = e2e_pathf("%s", rel);
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        fail_msg("mkdir %s: %s", p, strerror(errno));
    return p;
}

/* Mounts a tmpfs of `size` on dir with extra options (e.g. "ro"); returns 1,
 * or 0 when this system does not let us (not root, no CAP_SYS_ADMIN). */
static int mount_tmpfs(const char *dir, const char *size, const char *extra)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mount -t tmpfs -o size=%s%s%s tmpfs '%s' 2>/dev/null", size,
             extra ? "," : "", extra ? extra : "", dir);
    if (system(cmd) != 0)
        return 0;
    snprintf(mounted[nmounted++], sizeof mounted[0], "%s", dir);
    return 1;
}

/* Unmounts everything mount_tmpfs mounted. */
static void unmount_all(void)
{
    char cmd[800];
    while (nmounted > 0) {
        snprintf(cmd, sizeof cmd, "umount -l '%s' 2>/dev/null", mounted[--nmounted]);
        if (system(cmd) != 0)
            fprintf(stderr, "e2e_faults: could not unmount %s\n", mounted[nmounted]);
    }
}

/* The session and one-cue pack every test renders: a few seconds long. */
static const char *short_session(void)
{
    static char path[700];
    if (!path[0]) {
        snprintf(path, sizeof path, "%s", e2e_pathf("kort.adem"));
        e2e_write_file(path, "session \"Kort\"\nvoice nl\nbed pink -20dB\nphase \"in\" 4s "
                             "tone=rise\nbell\nwait 2s\n");
    }
    return path;
}

/* A session that takes long to render (two hours of bed and tones). */
static const char *long_session(void)
{
    static char path[700];
    if (!path[0]) {
        snprintf(path, sizeof path, "%s", e2e_pathf("lang.adem"));
        e2e_write_file(path, "session \"Lang\"\nbed brown -20dB\nrepeat 360\n  phase \"in\" 10s "
                             "tone=rise\n  phase \"uit\" 10s tone=fall\nend\n");
    }
    return path;
}

/* Asserts the one-line error of r: status, "adem: " prefix, fragment. */
static void assert_one_line(const e2e_result *r, int status, const char *fragment)
{
    if (r->status != status || e2e_count_lines(r->err) != 1 || strncmp(r->err, "adem: ", 6) != 0 ||
        !strstr(r->err, fragment))
        fail_msg("want exit %d and one line with \"%s\"; got exit %d and: %s", status, fragment,
                 r->status, r->err);
}

/* A folder adem may not write in: read-only for us, also as root. */
static void test_read_only_folder(void **state)
{
    (void)state;
    const char *dir = folder("ro");
    if (geteuid() == 0) {
        if (!mount_tmpfs(dir, "64k", "ro")) {
            skip(); /* root without mount: permissions would not stop us */
            return;
        }
    } else {
        assert_int_equal(chmod(dir, 0555), 0);
    }
    char target[800], want[900];
    snprintf(target, sizeof target, "%s/x.wav", dir);
    snprintf(want, sizeof want, "cannot write '%s': %s", target,
             geteuid() == 0 ? "Read-only file system" : "Permission denied");
    const char *argv[] = {"adem", "render", short_session(), "-o", target, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_one_line(&r, 1, want);
    assert_int_equal(r.out_len, 0);
    assert_int_equal(e2e_dir_entries(dir), 0);
    e2e_result_free(&r);
    if (geteuid() != 0)
        chmod(dir, 0755);
}

/* A file system that fills up during the render, for each file format: exit
 * 1, "No space left on device" naming the file, nothing left behind. */
static void test_disk_full(void **state)
{
    (void)state;
    const char *dir = folder("full");
    if (!mount_tmpfs(dir, "64k", NULL)) {
        skip();
        return;
    }
    static const char *const exts[] = {"wav", "flac", "ogg"};
    for (int i = 0; i < 3; i++) {
        char target[800], want[900];
        snprintf(target, sizeof target, "%s/x.%s", dir, exts[i]);
        snprintf(want, sizeof want, "writing '%s' failed: No space left on device; free some space",
                 target);
        const char *argv[] = {"adem", "render", "478", "-o", target, NULL};
        e2e_result r;
        e2e_run(argv, &r);
        assert_one_line(&r, 1, want);
        assert_int_equal(r.out_len, 0);
        if (e2e_dir_entries(dir) != 0)
            fail_msg("%s: something was left in %s", exts[i], dir);
        e2e_result_free(&r);
    }
}

/* -o - into a pipe whose reader stops after 64 kB: exit 1 with one line
 * ("Broken pipe"), not a silent death by SIGPIPE. */
static void test_closed_pipe(void **state)
{
    (void)state;
    const char *err = e2e_pathf("pipe.err"), *script = e2e_pathf("pipe.sh");
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "XDG_DATA_HOME='%s' \"$ADEM_BIN\" render 478 -o - 2>'%s' | head -c 65536 >/dev/null\n"
             "exit ${PIPESTATUS[0]}\n",
             e2e_pathf("xdg"), err);
    e2e_write_file(script, cmd);
    snprintf(cmd, sizeof cmd, "bash '%s'", script);
    int st = system(cmd);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 1);
    char *text = e2e_read_text(err);
    if (e2e_count_lines(text) != 1 ||
        !strstr(text, "adem: writing to standard output failed: Broken pipe"))
        fail_msg("stderr: %s", text);
    free(text);
}

/* Starts a long render into dir/x.wav, waits until its temporary file has
 * data, sends sig, and checks: exit 130, one line, no temporary file, and
 * the older x.wav untouched. */
static void stop_render(int sig)
{
    char sub[32];
    snprintf(sub, sizeof sub, "sig%d", sig);
    const char *dir = folder(sub);
    char target[800], errp[800];
    snprintf(target, sizeof target, "%s/x.wav", dir);
    snprintf(errp, sizeof errp, "%s.err", dir);
    e2e_write_file(target, "older file");
    const char *argv[] = {"adem", "render", long_session(), "-o", target, NULL};
    pid_t pid = e2e_spawn_adem(argv, NULL, NULL, errp);
    /* wait for the temporary file ".x.wav.XXXXXX.part" to hold some audio */
    int seen = 0;
    for (int i = 0; i < 3000 && !seen; i++) {
        char cmd[1000];
        snprintf(cmd, sizeof cmd, "find '%s' -name '.x.wav.*.part' -size +100k | grep -q .", dir);
        seen = system(cmd) == 0;
        if (!seen)
            e2e_sleep_ms(10);
    }
    if (!seen) {
        e2e_stop(pid, SIGKILL, 1000);
        fail_msg("no temporary file appeared in %s", dir);
    }
    int status = e2e_stop(pid, sig, 10000);
    assert_int_equal(status, 130);
    char *err = e2e_read_text(errp);
    if (e2e_count_lines(err) != 1 || !strstr(err, "adem: render stopped; nothing was written"))
        fail_msg("stderr: %s", err);
    free(err);
    assert_int_equal(e2e_dir_entries(dir), 1); /* only the older file */
    char *old = e2e_read_text(target);
    assert_string_equal(old, "older file");
    free(old);
}

static void test_sigint(void **state)
{
    (void)state;
    stop_render(SIGINT);
}

static void test_sigterm(void **state)
{
    (void)state;
    stop_render(SIGTERM);
}

/* SIGHUP (the terminal closed) stops like SIGINT: no half-written file. */
static void test_sighup(void **state)
{
    (void)state;
    stop_render(SIGHUP);
}

/* 1 if dir holds a file whose name ends in ".part". */
static int has_part_file(const char *dir)
{
    char cmd[1000];
    snprintf(cmd, sizeof cmd, "find '%s' -name '*.part' | grep -q .", dir);
    return system(cmd) == 0;
}

/* 1, 2 or 3 stop signals (SIGINT, SIGTERM, SIGHUP mixed) at random moments
 * of a render, 20 times: while the cues are prepared (resampled) or while
 * the audio is written, into a file or onto stdout. Every time: exit 130
 * (never a death by a signal's default action), at most one line on stderr,
 * no temporary file left and no target made; a render onto stdout that wrote
 * something never says "nothing was written". */
static void test_signals_random(void **state)
{
    (void)state;
    unsigned seed = (unsigned)getpid() ^ (unsigned)e2e_now_ms();
    print_message("      seed %u\n", seed);
    for (int i = 0; i < 20; i++) {
        char sub[32], dir[700], target[800], errp[800], outp[800], what[64];
        snprintf(sub, sizeof sub, "rnd%d", i);
        snprintf(dir, sizeof dir, "%s", folder(sub));
        int to_stdout = i % 4 == 3;
        snprintf(target, sizeof target, "%s/x.wav", dir);
        snprintf(errp, sizeof errp, "%s.err", dir);
        snprintf(outp, sizeof outp, "%s.out", dir);
        /* odd rounds: 478 (its voice cues resampled to 44.1 kHz: a preparation
         * of a second or more), then the long session */
        const char *plain[] = {"adem", "render", long_session(), "-o", to_stdout ? "-" : target,
                               NULL};
        const char *heavy[] = {"adem", "render", "--rate", "44100", "478", long_session(),
                               "-o", to_stdout ? "-" : target, NULL};
        const char *const *argv = i % 2 ? heavy : plain;
        pid_t pid = e2e_spawn_adem(argv, NULL, outp, errp);
        if (!e2e_wait_catching(pid, SIGINT, 5000)) {
            e2e_stop(pid, SIGKILL, 1000);
            fail_msg("round %d: adem render never caught SIGINT", i);
        }
        int delay = (int)(rand_r(&seed) % 400u);
        e2e_sleep_ms(delay);
        int n = 1 + i % 3;
        e2e_send_stop_signals(pid, n, &seed, 150, what, sizeof what);
        int st;
        if (!e2e_wait(pid, 10000, &st)) {
            e2e_stop(pid, SIGKILL, 1000);
            fail_msg("round %d: adem render still ran 10 s after %s", i, what);
        }
        char *err = e2e_read_text(errp);
        size_t out_len = 0;
        char *out = e2e_read_file(outp, &out_len);
        print_message("      round %2d: %s%s after %3d ms: %s: exit %d, %zu bytes out: %s", i,
                      i % 2 ? "heavy " : "", what, delay, to_stdout ? "stdout" : "file", st,
                      out_len, err[0] ? err : "(nothing on stderr)\n");
        if (st != 130)
            fail_msg("round %d (%s): exit status %d, want 130", i, what, st);
        if (e2e_count_lines(err) > 1 || (err[0] && strncmp(err, "adem: ", 6) != 0))
            fail_msg("round %d (%s): want at most one line on stderr, got:\n%s", i, what, err);
        if (to_stdout && out_len > 0 && strstr(err, "nothing was written"))
            fail_msg("round %d (%s): %zu bytes went to stdout, yet: %s", i, what, out_len, err);
        if (has_part_file(dir))
            fail_msg("round %d (%s): a temporary .part file was left in %s", i, what, dir);
        assert_int_equal(e2e_dir_entries(dir), 0); /* no x.wav either */
        free(err);
        free(out);
    }
}

static int teardown(void **state)
{
    (void)state;
    unmount_all();
    e2e_kill_all();
    e2e_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_only_folder), cmocka_unit_test(test_disk_full),
        cmocka_unit_test(test_closed_pipe),      cmocka_unit_test(test_sigint),
        cmocka_unit_test(test_sigterm),
        cmocka_unit_test(test_sighup),           cmocka_unit_test(test_signals_random),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
