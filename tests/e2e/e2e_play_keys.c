/* e2e_play_keys: keys and signals of `adem play` on a pseudo-terminal, as a
 * person at a terminal uses them, against a private JACK dummy server.
 *
 * Each case runs adem as a shell with job control would: a small shell of
 * the test's own (forkpty's child) puts adem in its own process group in the
 * foreground of the pseudo-terminal, reports when it stops (the terminal's
 * modes at that moment), then takes the terminal, sets the shell's own mode
 * and after a moment continues adem in the foreground (`fg`). The test reads
 * everything written to the terminal, types on it and sends signals:
 *   - arrow keys, Home, PgUp, F1, a lone Esc and UTF-8 input do not stop;
 *     -> goes to the next phase, <- back to its start, and again within 2 s
 *     to the phase before; m, ? and h and a resize do not stop either;
 *   - two SIGINTs 0.15 s apart: exit 130, the terminal sane afterwards
 *     (ICANON and ECHO on, the cursor shown last), the practice-log line
 *     written;
 *   - SIGHUP: exit 130, the terminal sane;
 *   - SIGTSTP: adem gives the terminal back (sane when it stops); after the
 *     shell's cooked mode and SIGCONT it is in raw mode again, paused,
 *     still alive after the stall limit, and obeys q;
 *   - n in the last phase of session A lands on session B's start (its
 *     opening wait is not skipped).
 * Needs jackd (scripts/bootstrap --test). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "e2e.h"
#include "live.h"

enum { RATE = 48000, PERIOD = 256 };

static char dir[512];

/* A run of adem under the test's shell on a pseudo-terminal. */
typedef struct pty_run {
    pid_t shell;  /* forkpty's child: the shell */
    pid_t adem;   /* adem, in its own process group */
    int master;
    char *out;    /* everything written to the terminal (escapes included) */
    size_t len, cap;
    int status;   /* adem's exit status, once the shell has exited */
} pty_run;

static pty_run *current; /* for the teardown */

/* The shell (forkpty's child, the session leader): starts adem in its own
 * process group in the foreground, and when it stops, reports the modes,
 * takes the terminal in its own cooked mode, waits 400 ms and continues it in
 * the foreground. Exits with adem's exit status. Never returns. */
static void shell(const char *const *argv)
{
    signal(SIGTTOU, SIG_IGN); /* a shell sets the foreground from anywhere */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGTTOU, SIG_DFL);
        setpgid(0, 0);
        tcsetpgrp(0, getpid());
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    setpgid(pid, pid);
    tcsetpgrp(0, pid);
    struct termios cooked;
    tcgetattr(0, &cooked);
    char msg[128];
    int n = snprintf(msg, sizeof msg, "[pid %d]\r\n", (int)pid);
    if (write(1, msg, (size_t)n) < 0)
        _exit(120);
    for (;;) {
        int st;
        if (waitpid(pid, &st, WUNTRACED) < 0)
            _exit(121);
        if (WIFEXITED(st))
            _exit(WEXITSTATUS(st));
        if (WIFSIGNALED(st))
            _exit(128 + WTERMSIG(st));
        if (WIFSTOPPED(st)) {
            struct termios t;
            tcgetattr(0, &t);
            tcsetpgrp(0, getpgrp());
            n = snprintf(msg, sizeof msg, "[stopped icanon=%d echo=%d]\r\n",
                         (t.c_lflag & ICANON) != 0, (t.c_lflag & ECHO) != 0);
            if (write(1, msg, (size_t)n) < 0)
                _exit(122);
            tcsetattr(0, TCSANOW, &cooked); /* the shell's own mode */
            usleep(400000);
            tcsetpgrp(0, pid);
            if (write(1, "[fg]\r\n", 6) < 0)
                _exit(123);
            kill(-pid, SIGCONT);
        }
    }
}

/* Reads what the terminal has for up to ms milliseconds. */
static void pump(pty_run *r, int ms)
{
    struct pollfd p = {r->master, POLLIN, 0};
    double end = e2e_now_ms() + ms;
    for (;;) {
        int left = (int)(end - e2e_now_ms());
        if (poll(&p, 1, left > 0 ? left : 0) <= 0 && left <= 0)
            return;
        if (p.revents & POLLIN) {
            char buf[4096];
            ssize_t got = read(r->master, buf, sizeof buf);
            if (got > 0) {
                if (r->len + (size_t)got + 1 > r->cap) {
                    r->cap = (r->len + (size_t)got + 1) * 2;
                    r->out = realloc(r->out, r->cap);
                }
                memcpy(r->out + r->len, buf, (size_t)got);
                r->len += (size_t)got;
                r->out[r->len] = '\0';
                continue;
            }
        }
        if (p.revents & (POLLHUP | POLLERR)) {
            e2e_sleep_ms(left > 20 ? 20 : left > 0 ? left : 0);
            if (left <= 0)
                return;
        }
    }
}

/* Pumps until `text` appears after offset `from` of the output; returns its
 * offset, or -1 after timeout_ms. */
static long wait_text(pty_run *r, size_t from, const char *text, int timeout_ms)
{
    double end = e2e_now_ms() + timeout_ms;
    for (;;) {
        if (r->out && from <= r->len) {
            const char *p = strstr(r->out + from, text);
            if (p)
                return (long)(p - r->out);
        }
        if (e2e_now_ms() > end)
            return -1;
        pump(r, 50);
    }
}

/* Starts adem with the arguments after "play" under the shell on a new
 * pseudo-terminal of 100 x 30, and waits for its pid. */
static void start(pty_run *r, const char *const *args)
{
    memset(r, 0, sizeof *r);
    current = r;
    const char *argv[32];
    int n = 0;
    argv[n++] = getenv("ADEM_BIN");
    argv[n++] = "play";
    argv[n++] = "--device";
    argv[n++] = "system";
    for (int i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char xdg[700];
    snprintf(xdg, sizeof xdg, "%s/xdg", dir);
    setenv("XDG_DATA_HOME", xdg, 1);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    snprintf(xdg, sizeof xdg, "%s/xdg-state", dir);
    setenv("XDG_STATE_HOME", xdg, 1);
    setenv("TERM", "xterm", 1);
    setenv("LANG", "C.UTF-8", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    unsetenv("NO_COLOR");
    struct winsize ws = {30, 100, 0, 0};
    pid_t pid = forkpty(&r->master, NULL, NULL, &ws);
    assert_true(pid >= 0);
    if (pid == 0)
        shell(argv);
    r->shell = pid;
    long at = wait_text(r, 0, "[pid ", 10000);
    assert_true(at >= 0);
    pump(r, 50);
    r->adem = (pid_t)atol(r->out + at + 5);
    assert_true(r->adem > 0);
}

/* Waits up to timeout_ms for the shell to exit with adem's status. Returns
 * 1 then (r->status set). */
static int finish(pty_run *r, int timeout_ms)
{
    double end = e2e_now_ms() + timeout_ms;
    for (;;) {
        pump(r, 50);
        int st;
        pid_t w = waitpid(r->shell, &st, WNOHANG);
        if (w == r->shell) {
            pump(r, 100);
            r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 200 + WTERMSIG(st);
            r->shell = 0;
            return 1;
        }
        if (e2e_now_ms() > end)
            return 0;
    }
}

/* The terminal's local modes now. */
static tcflag_t lflag(const pty_run *r)
{
    struct termios t;
    assert_int_equal(tcgetattr(r->master, &t), 0);
    return t.c_lflag;
}

/* Waits for adem to exit (10 s at most) and checks its status, showing the
 * end of what the terminal shows when either fails. */
static void assert_exit(pty_run *r, int status)
{
    int done = finish(r, 10000);
    if (!done || r->status != status)
        fail_msg("%s (status %d, want %d); the terminal's last bytes:\n%s",
                 done ? "wrong exit status" : "adem did not exit", done ? r->status : -1, status,
                 r->out ? r->out + (r->len > 1500 ? r->len - 1500 : 0) : "");
}

/* Writes s to the terminal (typing). */
static void type(pty_run *r, const char *s)
{
    assert_int_equal(write(r->master, s, strlen(s)), (ssize_t)strlen(s));
}

/* 1 when adem is still running (not a zombie or gone). */
static int alive(const pty_run *r)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)r->adem);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* The cursor is shown at the end of out (from `from` on): a "show" after the
 * last "hide". */
static void assert_cursor_shown(const pty_run *r, size_t from)
{
    const char *hide = NULL, *show = NULL;
    for (const char *p = r->out + from; (p = strstr(p, "\033[?25l")); p++)
        hide = p;
    for (const char *p = r->out + from; (p = strstr(p, "\033[?25h")); p++)
        show = p;
    assert_non_null(show);
    assert_true(!hide || show > hide);
}

/* The number of lines in the practice log. */
static int log_lines(void)
{
    char *s = e2e_read_text(e2e_path("xdg-state/adem/log.tsv"));
    int n = s ? e2e_count_lines(s) : 0;
    free(s);
    return n;
}

/* Starts adem (as start) and waits until the display is up: the phase
 * label shown. When adem found no device although the server runs
 * (PortAudio's JACK client timed out on an overloaded machine), notes it and
 * starts again, at most 3 times in all. */
static void start_playing(pty_run *r, const char *const *args, const char *label)
{
    for (int tries = 1;; tries++) {
        start(r, args);
        if (wait_text(r, 0, label, 20000) >= 0)
            return;
        if (tries < 3 && r->out && strstr(r->out, "adem: no audio output device found") &&
            finish(r, 5000)) {
            print_message("      (adem found no device while the JACK server runs: the "
                          "machine is overloaded; trying again)\n");
            free(r->out);
            close(r->master);
            continue;
        }
        fail_msg("no display; the terminal shows:\n%s", r->out ? r->out : "");
    }
}

/* args: --voice PACK SESSION */
static const char *const *args_for(const char *session)
{
    static char pack[700], path[700];
    static const char *a[4];
    snprintf(pack, sizeof pack, "%s/pack", dir);
    snprintf(path, sizeof path, "%s/%s", dir, session);
    a[0] = "--voice";
    a[1] = pack;
    a[2] = path;
    a[3] = NULL;
    return a;
}

/* Arrows, Home, PgUp, F1, a lone Esc and UTF-8 do not stop; -> goes on to
 * the next phase, <- back to its start; q stops with 130. */
static void arrows_and_esc_do_not_stop(void **state)
{
    (void)state;
    static pty_run r;
    start_playing(&r, args_for("long.adem"), "Adem in");
    type(&r, "\033[A");
    type(&r, "\033[B");
    type(&r, "\033");
    pump(&r, 300); /* a lone Esc: nothing follows within the timeout */
    type(&r, "\033[H\033[5~\033OP\xc3\xa9\033[1;5D");
    type(&r, "\033");
    pump(&r, 1500);
    assert_true(alive(&r));
    assert_true(r.out && !strstr(r.out, "stoppen..."));
    /* -> : the next phase */
    size_t mark = r.len;
    type(&r, "\033[C");
    long at = wait_text(&r, mark, "Adem uit", 5000);
    assert_true(at >= 0);
    pump(&r, 300);
    /* <- : back to this phase's start ("Adem uit", 20 s left) */
    mark = r.len;
    e2e_sleep_ms(1200);
    type(&r, "\033[D");
    pump(&r, 600);
    assert_true(alive(&r));
    /* <- again within 2 s: the phase before, "Adem in" */
    mark = r.len;
    type(&r, "\033[D");
    at = wait_text(&r, mark, "Adem in", 5000);
    assert_true(at >= 0);
    /* mute, the help, a resize (SIGWINCH): it plays on and draws again */
    type(&r, "m?");
    struct winsize ws = {20, 60, 0, 0};
    assert_int_equal(ioctl(r.master, TIOCSWINSZ, &ws), 0);
    mark = r.len;
    pump(&r, 800);
    assert_true(alive(&r));
    assert_true(wait_text(&r, mark, "Adem in", 3000) >= 0);
    type(&r, "hm");
    mark = r.len;
    type(&r, "q");
    assert_exit(&r, 130);
    tcflag_t l = lflag(&r);
    assert_true(l & ICANON);
    assert_true(l & ECHO);
    assert_cursor_shown(&r, 0);
}

/* Two SIGINTs 0.15 s apart: 130, the terminal sane, the log line written. */
static void two_sigints(void **state)
{
    (void)state;
    int before = log_lines();
    static pty_run r;
    start_playing(&r, args_for("long.adem"), "Adem in");
    pump(&r, 500);
    kill(r.adem, SIGINT);
    pump(&r, 150);
    kill(r.adem, SIGINT);
    assert_exit(&r, 130);
    tcflag_t l = lflag(&r);
    assert_true(l & ICANON);
    assert_true(l & ECHO);
    assert_cursor_shown(&r, 0);
    assert_int_equal(log_lines(), before + 1);
}

/* SIGHUP: 130, the terminal restored, the log line written. */
static void sighup(void **state)
{
    (void)state;
    int before = log_lines();
    static pty_run r;
    start_playing(&r, args_for("long.adem"), "Adem in");
    pump(&r, 300);
    kill(r.adem, SIGHUP);
    assert_exit(&r, 130);
    tcflag_t l = lflag(&r);
    assert_true(l & ICANON);
    assert_true(l & ECHO);
    assert_int_equal(log_lines(), before + 1);
}

/* Ctrl-Z: the terminal given back when adem stops; `fg` (after the shell's
 * cooked mode): raw again, paused and saying so, alive past the stall limit,
 * and q stops it. */
static void suspend_and_continue(void **state)
{
    (void)state;
    static pty_run r;
    start_playing(&r, args_for("long.adem"), "Adem in");
    pump(&r, 500);
    size_t mark = r.len;
    kill(r.adem, SIGTSTP);
    long at = wait_text(&r, mark, "[stopped icanon=1 echo=1]", 10000);
    if (at < 0)
        fail_msg("the terminal after Ctrl-Z:\n%s", r.out + mark);
    assert_cursor_shown(&r, mark);
    at = wait_text(&r, (size_t)at, "[fg]", 5000);
    assert_true(at >= 0);
    /* raw mode again */
    double end = e2e_now_ms() + 5000;
    while ((lflag(&r) & ICANON) && e2e_now_ms() < end)
        pump(&r, 50);
    assert_false(lflag(&r) & ICANON);
    assert_false(lflag(&r) & ECHO);
    assert_true(wait_text(&r, (size_t)at, "gepauzeerd", 5000) >= 0);
    /* still there after the stall limit (the device's callback stopped while
     * the process was stopped: not a lost device) */
    pump(&r, 2500);
    assert_true(alive(&r));
    mark = r.len;
    type(&r, "q");
    assert_exit(&r, 130);
    assert_true(lflag(&r) & ICANON);
    assert_cursor_shown(&r, mark);
}

/* n in the last phase of session A: session B's start, its opening wait
 * included (B1 is not the current phase for 3 s). */
static void next_lands_on_session_start(void **state)
{
    (void)state;
    char pack[700], a[700], b[700];
    snprintf(pack, sizeof pack, "%s/pack", dir);
    snprintf(a, sizeof a, "%s/a.adem", dir);
    snprintf(b, sizeof b, "%s/b.adem", dir);
    const char *args[] = {"--voice", pack, a, b, NULL};
    static pty_run r;
    start_playing(&r, args, "A2");
    pump(&r, 300);
    size_t mark = r.len;
    type(&r, "n");
    long at = wait_text(&r, mark, "Sessie B", 5000);
    assert_true(at >= 0);
    pump(&r, 1000);
    /* B1 only as what comes next, never as the phase playing */
    for (const char *p = r.out + at; (p = strstr(p, "B1")); p++) {
        const char *from = p - 12 > r.out ? p - 12 : r.out;
        char before[16];
        snprintf(before, sizeof before, "%.*s", (int)(p - from), from);
        assert_non_null(strstr(before, "volgende"));
    }
    type(&r, "q");
    assert_exit(&r, 130);
}

/* Kills what a failed case left. */
static int teardown(void **state)
{
    (void)state;
    if (current) {
        if (current->adem > 0)
            kill(current->adem, SIGKILL);
        if (current->shell > 0) {
            kill(current->shell, SIGKILL);
            waitpid(current->shell, NULL, 0);
        }
        if (current->master > 0)
            close(current->master);
        free(current->out);
        current = NULL;
    }
    return 0;
}

/* The voice pack, the sessions and the JACK server. */
static int group_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", e2e_tmpdir());
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/pack' '%s/xdg' '%s/xdg-state'", dir, dir, dir);
    if (system(cmd) != 0)
        return -1;
    char pack[700];
    snprintf(pack, sizeof pack, "%s/pack", dir);
    e2e_write_impulse_cue(pack, "tik", RATE, 2400, 0.5f);
    e2e_write_file(e2e_path("pack/transcript.tsv"), "tik\ttik\n");
    e2e_write_file(e2e_path("long.adem"), "session \"Lang\"\n"
                                                  "phase \"Adem in\" 20s cue=tik tone=rise\n"
                                                  "phase \"Adem uit\" 20s tone=fall\n");
    e2e_write_file(e2e_path("a.adem"), "session \"Sessie A\"\n"
                                               "phase \"A1\" 1s cue=tik\n"
                                               "phase \"A2\" 30s tone=fall\n");
    e2e_write_file(e2e_path("b.adem"), "session \"Sessie B\"\n"
                                               "speak tik\n"
                                               "wait 3s\n"
                                               "phase \"B1\" 10s tone=rise\n");
    live_jack_start(RATE, PERIOD);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(arrows_and_esc_do_not_stop, teardown),
        cmocka_unit_test_teardown(two_sigints, teardown),
        cmocka_unit_test_teardown(sighup, teardown),
        cmocka_unit_test_teardown(suspend_and_continue, teardown),
        cmocka_unit_test_teardown(next_lands_on_session_start, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, e2e_group_teardown);
}
