/* e2e_play_resize: the live display in a real terminal (tmux, on a private
 * JACK server) resized to 25 and then to 70 columns: what the screen shows
 * afterwards holds each line of the display once (no trace of the old
 * lines), fits the new width, and still shows the quit key. POSIX (tests
 * only); skipped (77) without tmux. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "e2e.h"
#include "live.h"

static char sock[700];

/* Runs a tmux command on the test's own server (socket sock); returns its
 * exit status and its output in *out (malloc'd) when out is not NULL. */
static int tmux(char **out, const char *fmt, ...)
{
    char args[1200], cmd[2000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    const char *o = e2e_pathf("tmux.out");
    snprintf(cmd, sizeof cmd, "tmux -S '%s' %s > '%s' 2>&1", sock, args, o);
    int st = system(cmd);
    if (out)
        *out = e2e_read_text(o);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* The number of times needle stands in hay. */
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* The widest line of text, in bytes (the display here is ASCII but for the
 * bar's blocks and a few marks: counted as characters by their lead bytes). */
static int widest(const char *text)
{
    int w = 0, best = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\n') {
            best = w > best ? w : best;
            w = 0;
        } else if ((*p & 0xC0) != 0x80) {
            w++;
        }
    }
    return w > best ? w : best;
}

/* Waits until the pane shows text (up to ms); returns the screen or NULL. */
static char *wait_screen(const char *text, int ms)
{
    double until = e2e_now_ms() + ms;
    for (;;) {
        char *s = NULL;
        tmux(&s, "capture-pane -p -t adem");
        if (strstr(s, text))
            return s;
        free(s);
        if (e2e_now_ms() > until)
            return NULL;
        e2e_sleep_ms(100);
    }
}

static void test_resize(void **state)
{
    (void)state;
    if (system("command -v tmux >/dev/null 2>&1") != 0) {
        fprintf(stderr, "note: no tmux here: skipped\n");
        exit(77);
    }
    live_jack_start(48000, 256);
    snprintf(sock, sizeof sock, "%s/tmux.sock", e2e_tmpdir());
    e2e_write_file(e2e_pathf("lang.adem"), "session \"Uitrekken\"\n"
                                            "mark \"Deel een\"\n"
                                            "repeat 8\n"
                                            "  phase \"Adem in\" 4s tone=rise\n"
                                            "  phase \"Adem uit\" 4s tone=fall\n"
                                            "end\n");
    /* adem in a terminal of 80 columns, with this test's JACK server and
     * folders (tmux gives the pane a fresh environment) */
    assert_int_equal(tmux(NULL,
                          "new-session -d -s adem -x 80 -y 20 "
                          "\"env JACK_DEFAULT_SERVER='%s' JACK_NO_AUDIO_RESERVATION=1 "
                          "XDG_DATA_HOME='%s/xdg-data' XDG_CONFIG_HOME='%s/xdg-config' "
                          "XDG_STATE_HOME='%s/xdg-state' XDG_RUNTIME_DIR='%s' TERM=xterm "
                          "LANG=C.UTF-8 '%s' play '%s'; sleep 30\"",
                          getenv("JACK_DEFAULT_SERVER"), e2e_tmpdir(), e2e_tmpdir(),
                          e2e_tmpdir(), e2e_tmpdir(), getenv("ADEM_BIN"), e2e_pathf("lang.adem")),
                     0);
    char *s = wait_screen("Adem", 15000);
    if (!s) {
        char *last = NULL;
        tmux(&last, "capture-pane -p -t adem");
        fail_msg("no display within 15 s; the screen: %s", last);
    }
    assert_int_equal(count(s, "Uitrekken"), 1);
    free(s);
    const int widths[] = {25, 70};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(tmux(NULL, "resize-window -t adem -x %d -y 20", widths[k]), 0);
        e2e_sleep_ms(1200); /* a few redraws at 20 Hz */
        tmux(&s, "capture-pane -p -t adem");
        /* the title and the quit key, each once; nothing wider than the pane */
        if (count(s, "Uitrekken") != 1 || count(s, "q ") < 1 || widest(s) > widths[k])
            fail_msg("at %d columns the screen holds the title %d times, the quit key %d times, "
                     "a line of %d:\n%s",
                     widths[k], count(s, "Uitrekken"), count(s, "q "), widest(s), s);
        free(s);
    }
    tmux(NULL, "send-keys -t adem q");
    e2e_sleep_ms(800);
    tmux(NULL, "kill-server");
    live_jack_stop();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resize),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
