/* e2e_play_ctl: control from outside the terminal, for real: `adem play
 * --no-ui` in the background on a private JACK server, with a private
 * XDG_RUNTIME_DIR and a private session bus (dbus-daemon --session), driven
 * by `adem ctl` and by `playerctl` over MPRIS2. What is asserted: status
 * --json has the documented fields; pause through ctl is seen by playerctl
 * (Paused) within a poll and the fade; playerctl play-pause resumes; the
 * title is MPRIS's xesam:title; playerctl next reaches the next chapter; bad,
 * NUL-holding and oversized lines on the socket get an error reply and the
 * player plays on; another user cannot reach the player; two players need
 * --player; ctl stop ends play with 130; ctl with no player exits 1. POSIX
 * (tests only). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#include "json.h"
#include "live.h"

static const char session[] = "session \"Proef op afstand\"\n"
                              "mark \"Begin\"\n"
                              "phase \"In\" 4s tone=rise\n"
                              "phase \"Uit\" 4s tone=fall\n"
                              "mark \"Midden\"\n"
                              "phase \"Vast\" 20s tone=steady\n"
                              "wait 20s\n";

static pid_t dbus_pid;
static int have_playerctl;

/* Runs a shell command line; returns its exit status, its stdout in *out
 * (malloc'd; may be NULL). */
static int sh(char **out, const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    const char *o = e2e_pathf("sh.out");
    char full[2400];
    snprintf(full, sizeof full, "( %s ) > '%s' 2>&1", cmd, o);
    int st = system(full);
    if (out)
        *out = e2e_read_text(o);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* A private runtime folder and session bus, and a JACK server. */
static int setup(void **state)
{
    (void)state;
    const char *rt = e2e_pathf("run");
    e2e_mkdir(rt);
    chmod(rt, 0700);
    setenv("XDG_RUNTIME_DIR", rt, 1);
    char *addr = NULL;
    if (sh(&addr, "dbus-daemon --session --fork --print-address=1 --print-pid=1") == 0 && addr) {
        char a[512];
        long pid = 0;
        if (sscanf(addr, "%511s %ld", a, &pid) == 2) {
            setenv("DBUS_SESSION_BUS_ADDRESS", a, 1);
            dbus_pid = (pid_t)pid;
        }
    }
    free(addr);
    have_playerctl = dbus_pid > 0 && sh(NULL, "command -v playerctl") == 0;
    if (!have_playerctl)
        fprintf(stderr, "note: no dbus-daemon or playerctl here: the MPRIS cases are skipped\n");
    e2e_write_file(e2e_pathf("proef.adem"), session);
    live_jack_start(48000, 256);
    return 0;
}

/* Stops the bus and everything else. */
static int teardown(void **state)
{
    if (dbus_pid > 0)
        kill(dbus_pid, SIGTERM);
    return e2e_group_teardown(state);
}

/* Runs `adem ctl ARGS...` (NULL-terminated); the result in r. */
static void ctl(e2e_result *r, ...)
{
    const char *argv[12] = {"adem", "ctl"};
    int n = 2;
    va_list ap;
    va_start(ap, r);
    for (const char *a; n < 11 && (a = va_arg(ap, const char *));)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    e2e_run(argv, r);
}

/* Polls status until paused == want, for at most ms; returns 1 when seen. */
static int wait_paused(int want, int ms)
{
    double until = e2e_now_ms() + ms;
    while (e2e_now_ms() < until) {
        json *j = live_ctl_status();
        int p = (int)live_json_num(j, "paused");
        json_free(j);
        if (p == want)
            return 1;
        e2e_sleep_ms(20);
    }
    return 0;
}

/* Starts a player in the background; waits until ctl reaches it. */
static pid_t start_player(const char *name)
{
    const char *argv[] = {"adem", "play", "--no-ui", e2e_pathf("proef.adem"), NULL};
    pid_t pid = e2e_spawn_adem(argv, NULL, e2e_pathf("%s.out", name), e2e_pathf("%s.err", name));
    char sock[700];
    snprintf(sock, sizeof sock, "%s/adem/%ld.sock", getenv("XDG_RUNTIME_DIR"), (long)pid);
    double until = e2e_now_ms() + 15000;
    while (access(sock, F_OK) != 0) {
        int st;
        if (e2e_wait(pid, 0, &st))
            fail_msg("the player exited (%d) before listening: %s", st,
                     e2e_read_text(e2e_pathf("%s.err", name)));
        if (e2e_now_ms() > until)
            fail_msg("the player did not open %s", sock);
        e2e_sleep_ms(20);
    }
    return pid;
}

/* Sends raw bytes on the player's socket and reads one reply line. */
static char *raw(pid_t pid, const char *bytes, size_t n)
{
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s/adem/%ld.sock", getenv("XDG_RUNTIME_DIR"),
             (long)pid);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        fail_msg("connect %s", a.sun_path);
    assert_true(write(fd, bytes, n) == (ssize_t)n);
    static char line[1024];
    size_t len = 0;
    struct timeval tv = {3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (len + 1 < sizeof line && read(fd, line + len, 1) == 1 && line[len] != '\n')
        len++;
    line[len] = '\0';
    close(fd);
    return line;
}

/* No player: one line, exit 1. */
static void test_no_player(void **state)
{
    (void)state;
    e2e_result r;
    ctl(&r, "status", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "no adem player is running"));
    e2e_result_free(&r);
    ctl(&r, "bogus", NULL);
    assert_int_equal(r.status, 2);
    e2e_result_free(&r);
}

/* The whole tour on one player. */
static void test_control(void **state)
{
    (void)state;
    pid_t pid = start_player("one");
    /* status --json: the documented fields */
    json *j = live_ctl_status();
    const json *title = json_get(j, "session");
    assert_non_null(title);
    assert_string_equal(title->string, "Proef op afstand");
    for (const char *const *k = (const char *const[]){"phase", "chapter", "position", "length",
                                                        "paused", "volume_db", "pid", NULL};
         *k; k++)
        if (!json_get(j, *k))
            fail_msg("status --json lacks '%s'", *k);
    assert_int_equal((long)live_json_num(j, "pid"), (long)pid);
    assert_true(live_json_num(j, "length") > 47.9 && live_json_num(j, "length") < 48.1);
    json_free(j);

    /* pause through ctl: paused within a poll and the fade; MPRIS agrees */
    e2e_result r;
    ctl(&r, "pause", NULL);
    assert_int_equal(r.status, 0);
    e2e_result_free(&r);
    assert_true(wait_paused(1, 500));
    char *out = NULL;
    if (have_playerctl) {
        assert_int_equal(sh(&out, "playerctl -p adem status"), 0);
        assert_non_null(strstr(out, "Paused"));
        free(out);
        /* play-pause resumes */
        assert_int_equal(sh(NULL, "playerctl -p adem play-pause"), 0);
        assert_true(wait_paused(0, 1000));
        assert_int_equal(sh(&out, "playerctl -p adem metadata xesam:title"), 0);
        assert_non_null(strstr(out, "Proef op afstand"));
        free(out);
        /* next: to the next chapter or phase */
        j = live_ctl_status();
        double before = live_json_num(j, "position");
        json_free(j);
        assert_int_equal(sh(NULL, "playerctl -p adem next"), 0);
        e2e_sleep_ms(400);
        j = live_ctl_status();
        assert_true(live_json_num(j, "position") >= 4.0 && live_json_num(j, "position") > before);
        json_free(j);
    } else {
        ctl(&r, "resume", NULL);
        assert_int_equal(r.status, 0);
        e2e_result_free(&r);
        assert_true(wait_paused(0, 1000));
    }

    /* volume */
    ctl(&r, "volume", "-3", NULL);
    assert_int_equal(r.status, 0);
    e2e_result_free(&r);
    e2e_sleep_ms(200);
    j = live_ctl_status();
    assert_true(live_json_num(j, "volume_db") == -3.0);
    json_free(j);

    /* bad lines get an error reply; the player plays on */
    assert_non_null(strstr(raw(pid, "paus\n", 5), "error: unknown command 'paus'"));
    assert_non_null(strstr(raw(pid, "volume +1000\n", 13), "error: volume"));
    assert_non_null(strstr(raw(pid, "sta\0tus\n", 8), "error: the line holds a NUL byte"));
    char big[600];
    memset(big, 'x', sizeof big);
    assert_non_null(strstr(raw(pid, big, sizeof big), "error: the line is too long"));
    int st;
    assert_false(e2e_wait(pid, 0, &st));

    /* another user cannot reach it, and nothing changes */
    if (geteuid() == 0 && sh(NULL, "command -v runuser") == 0) {
        assert_int_not_equal(sh(&out, "runuser -u nobody -- env XDG_RUNTIME_DIR='%s' '%s' ctl pause",
                                getenv("XDG_RUNTIME_DIR"), getenv("ADEM_BIN")),
                             0);
        assert_int_equal(e2e_count_lines(out), 1);
        free(out);
        char sock[700];
        snprintf(sock, sizeof sock, "%s/adem/%ld.sock", getenv("XDG_RUNTIME_DIR"), (long)pid);
        assert_int_not_equal(sh(NULL, "runuser -u nobody -- sh -c 'test -r \"%s\" || test -w \"%s\"'",
                                sock, sock),
                             0);
        j = live_ctl_status();
        assert_int_equal((int)live_json_num(j, "paused"), 0);
        json_free(j);
    }

    /* two players: ctl needs --player */
    pid_t two = start_player("two");
    ctl(&r, "status", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--player"));
    e2e_result_free(&r);
    char p2[32];
    snprintf(p2, sizeof p2, "%ld", (long)two);
    ctl(&r, "--player", p2, "stop", NULL);
    assert_int_equal(r.status, 0);
    e2e_result_free(&r);
    assert_true(e2e_wait(two, 5000, &st));
    assert_int_equal(st, 130);

    /* ctl stop: play ends as stopped by the listener */
    ctl(&r, "stop", NULL);
    assert_int_equal(r.status, 0);
    e2e_result_free(&r);
    assert_true(e2e_wait(pid, 5000, &st));
    assert_int_equal(st, 130);
    char *err = e2e_read_text(e2e_pathf("one.err"));
    live_assert_quiet(err);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_player),
        cmocka_unit_test(test_control),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
