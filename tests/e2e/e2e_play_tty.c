/* e2e_play_tty: the live display and the keys, in a real terminal.
 *
 * `adem play` runs with its full display in a tmux pane (a private tmux
 * server on its own socket) against a private JACK dummy server. The test
 * reads the screen with capture-pane and types with send-keys:
 *   - the session starts with a `hold`: its label and "spatie: verder" stay
 *     on screen and nothing plays on until space is pressed;
 *   - the screen shows the title, the phase label, the breathing bar and
 *     "nog" with the time left;
 *   - space pauses: "gepauzeerd" appears and the display stands still; space
 *     resumes: "gepauzeerd" goes and the time moves on;
 *   - q stops: exit status 130, "stoppen…" was shown, then "gestopt na";
 *   - afterwards `stty -a` in that pane is what it was before (icanon and
 *     echo on), and the cursor is visible again.
 * Needs jackd and tmux (scripts/bootstrap --test). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "live.h"

enum { RATE = 48000, PERIOD = 256 };

static char sock[700], dir[512];
static pid_t tmux_server;

static const char title[] = "Ontspanning \xe2\x80\x94 \xc3\xa9\xc3\xa9n minuut";

/* Runs `tmux -S SOCK args...` and returns its stdout (malloc'd) and, in
 * *status, its exit status. */
static char *tmux(const char *a1, const char *a2, const char *a3, const char *a4, int *status)
{
    const char *argv[] = {"tmux", "-S", sock, a1, a2, a3, a4, NULL};
    char out[700];
    snprintf(out, sizeof out, "%s/tmux.out", dir);
    pid_t pid = e2e_spawn(argv, NULL, out, NULL);
    int st;
    if (!e2e_wait(pid, 10000, &st))
        st = e2e_stop(pid, SIGKILL, 1000);
    if (status)
        *status = st;
    return e2e_read_text(out);
}

/* The pane's text now. */
static char *screen(void)
{
    return tmux("capture-pane", "-p", "-t", "adem", NULL);
}

/* Polls the screen every 100 ms for up to timeout_ms until it contains
 * `text` (want = 1) or no longer does (want = 0). Returns the last screen. */
static char *wait_screen(const char *text, int want, int timeout_ms)
{
    double end = e2e_now_ms() + timeout_ms;
    for (;;) {
        char *s = screen();
        if ((strstr(s, text) != NULL) == want || e2e_now_ms() > end)
            return s;
        free(s);
        e2e_sleep_ms(100);
    }
}

/* The line of s that contains `text` (a copy in buf), or "" if none. */
static const char *line_with(const char *s, const char *text, char *buf, size_t n)
{
    const char *p = strstr(s, text);
    buf[0] = '\0';
    if (!p)
        return buf;
    const char *b = p;
    while (b > s && b[-1] != '\n')
        b--;
    size_t len = strcspn(b, "\n");
    snprintf(buf, n, "%.*s", (int)(len < n ? len : n - 1), b);
    return buf;
}

/* Plays in the pane, pauses, resumes and stops with keys, then checks the
 * exit status and the terminal's modes. */
static void keys_in_a_terminal(void **state)
{
    (void)state;
    char path[700], rc[700], before[700], after[700];
    snprintf(rc, sizeof rc, "%s/rc.txt", dir);
    snprintf(before, sizeof before, "%s/stty-before.txt", dir);
    snprintf(after, sizeof after, "%s/stty-after.txt", dir);
    snprintf(path, sizeof path, "%s/play.sh", dir);
    char sh[8192];
    snprintf(sh, sizeof sh,
             "export JACK_DEFAULT_SERVER='%s' LANG=C.UTF-8 LC_ALL=C.UTF-8\n"
             "export XDG_DATA_HOME='%s/xdg' XDG_CONFIG_HOME='%s/xdg' XDG_STATE_HOME='%s/xdg'\n"
             "stty -a > '%s'\n"
             "'%s' play --device system --voice '%s/pack' '%s/tty.adem'\n"
             "echo $? > '%s.tmp' && mv '%s.tmp' '%s'\n"
             "stty -a > '%s'\n"
             "sleep 60\n",
             getenv("JACK_DEFAULT_SERVER"), dir, dir, dir, before, getenv("ADEM_BIN"), dir, dir,
             rc, rc, rc, after);
    e2e_write_file(path, sh);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "sh '%s'", path);
    const char *argv[] = {"tmux", "-S", sock, "-u", "-f", "/dev/null", "new-session", "-d",
                          "-s", "adem", "-x", "100", "-y", "30", cmd, NULL};
    pid_t pid = e2e_spawn(argv, NULL, NULL, NULL);
    int st;
    assert_true(e2e_wait(pid, 10000, &st));
    assert_int_equal(st, 0);
    char *spid = tmux("display-message", "-p", "#{pid}", NULL, &st);
    tmux_server = (pid_t)atol(spid);
    free(spid);

    /* a hold: its label and the key that goes on, until space */
    char *s = wait_screen("spatie: verder", 1, 15000);
    char line[512];
    assert_non_null(strstr(s, "Vragen?"));
    free(s);
    e2e_sleep_ms(1500);
    s = screen();
    assert_non_null(strstr(s, "spatie: verder"));
    assert_null(strchr(s, '[')); /* no phase has started */
    free(s);
    free(tmux("send-keys", "-t", "adem", "Space", NULL));
    s = wait_screen("spatie: verder", 0, 5000);
    free(s);

    /* the display: title, phase, bar, time left */
    s = wait_screen("]", 1, 15000);
    print_message("      screen:\n%.*s\n", (int)(strstr(s, "\n\n") ? strstr(s, "\n\n") - s : 0), s);
    assert_non_null(strstr(s, title));
    assert_non_null(strstr(s, "Adem in"));
    assert_non_null(strstr(s, "nog 0:"));
    line_with(s, "Adem in", line, sizeof line);
    assert_non_null(strchr(line, '['));
    assert_non_null(strchr(line, ']'));
    assert_non_null(strstr(s, "q stoppen"));
    free(s);

    /* space pauses, and the display stands still */
    free(tmux("send-keys", "-t", "adem", "Space", NULL));
    s = wait_screen("gepauzeerd", 1, 5000);
    assert_non_null(strstr(s, "gepauzeerd"));
    free(s);
    e2e_sleep_ms(600); /* the fade and the last status */
    char *p1 = screen();
    e2e_sleep_ms(1000);
    char *p2 = screen();
    assert_string_equal(p1, p2);
    assert_non_null(strstr(p2, "gepauzeerd"));
    free(p1);

    /* space resumes, and the time moves again */
    free(tmux("send-keys", "-t", "adem", "Space", NULL));
    s = wait_screen("gepauzeerd", 0, 5000);
    assert_null(strstr(s, "gepauzeerd"));
    free(s);
    e2e_sleep_ms(1500);
    s = screen();
    char was[512], now[512];
    line_with(p2, "Adem in", was, sizeof was);
    line_with(s, "Adem", now, sizeof now);
    assert_string_not_equal(was, now);
    free(p2);
    free(s);

    /* q stops with a fade: 130, and the terminal as it was */
    free(tmux("send-keys", "-t", "adem", "q", NULL));
    s = wait_screen("stoppen\xe2\x80\xa6", 1, 3000);
    assert_non_null(strstr(s, "stoppen\xe2\x80\xa6"));
    free(s);
    s = wait_screen("gestopt na 0:", 1, 5000);
    assert_non_null(strstr(s, "gestopt na 0:"));
    free(s);
    double end = e2e_now_ms() + 10000;
    while (!e2e_exists(rc) && e2e_now_ms() < end)
        e2e_sleep_ms(100);
    char *code = e2e_read_text(rc);
    print_message("      exit status after q: %s", code);
    assert_string_equal(code, "130\n");
    free(code);
    end = e2e_now_ms() + 5000;
    while (!e2e_exists(after) && e2e_now_ms() < end)
        e2e_sleep_ms(50);
    e2e_sleep_ms(100);
    char *b = e2e_read_text(before), *a = e2e_read_text(after);
    assert_non_null(strstr(a, " icanon "));
    assert_non_null(strstr(a, " echo "));
    assert_null(strstr(a, "-icanon"));
    assert_string_equal(a, b);
    free(a);
    free(b);
    char *cursor = tmux("display-message", "-p", "#{cursor_flag}", NULL, &st);
    assert_string_equal(cursor, "1\n");
    free(cursor);
}

/* Stops the tmux server (and with it the pane), then anything else left. */
static int teardown(void **state)
{
    (void)state;
    free(tmux("kill-server", NULL, NULL, NULL, NULL));
    if (tmux_server > 0 && kill(tmux_server, 0) == 0) {
        e2e_sleep_ms(200);
        kill(tmux_server, SIGKILL);
    }
    tmux_server = 0;
    e2e_kill_spawned();
    return 0;
}

/* Writes the voice pack and a 40 s session, and starts the JACK server. */
static int group_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", e2e_tmpdir());
    snprintf(sock, sizeof sock, "%s/tmux.sock", dir);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/pack' '%s/xdg'", dir, dir);
    if (system(cmd) != 0)
        return -1;
    char pack[700];
    snprintf(pack, sizeof pack, "%s/pack", dir);
    e2e_write_impulse_cue(pack, "tik", RATE, 2400, 0.5f);
    e2e_write_file(e2e_path("pack/transcript.tsv"), "tik\ttik\n");
    char session[700];
    snprintf(session, sizeof session, "%s/tty.adem", dir);
    char text[512];
    snprintf(text, sizeof text,
             "session \"%s\"\n"
             "hold \"Vragen?\"\n"
             "phase \"Adem in\" 20s cue=tik tone=rise\n"
             "phase \"Adem uit\" 20s tone=fall\n",
             title);
    e2e_write_file(session, text);
    live_jack_start(RATE, PERIOD);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(keys_in_a_terminal, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, e2e_group_teardown);
}
