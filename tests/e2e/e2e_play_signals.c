/* e2e_play_signals: stop signals, any number and in any order, at random
 * moments of `adem play` on a private JACK dummy server.
 *
 * 20 rounds: adem plays 478 (the server runs at 44.1 kHz, so its voice cues
 * are resampled first: a preparation of a second or more); 1, 2 or 3 signals
 * (SIGINT, SIGTERM, SIGHUP mixed, 0-150 ms apart) arrive at a random moment,
 * in even rounds soon after adem starts catching them (mostly during the
 * preparation), in odd rounds 1.5-3 s later (mostly while it plays). Every time: exit status 130
 * (never a death by a signal's default action, never a hang: the test kills
 * it after 10 s and fails) and at most one line on stderr (besides adem's own
 * underflow note, which a loaded machine's JACK server may cause).
 * Needs jackd (scripts/bootstrap --test). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"
#include "live.h"

enum { RATE = 44100, PERIOD = 256, ROUNDS = 20 };

static const char no_device[] = "adem: no audio output device found";
static const char underflow_note[] = "adem: note: the audio device reported ";

/* Lines of err that are not adem's underflow note. */
static int lines_besides_note(const char *err)
{
    int n = 0;
    for (const char *l = err; *l;) {
        const char *nl = strchr(l, '\n');
        if (strncmp(l, underflow_note, sizeof underflow_note - 1) != 0)
            n++;
        if (!nl)
            break;
        l = nl + 1;
    }
    return n;
}

/* One round: play, signal, check. Returns 0 when adem found no device
 * although the server runs (an overloaded machine: the round is repeated). */
static int round_once(int i, unsigned *seed)
{
    char out[700], err[700], what[64];
    snprintf(out, sizeof out, "%s", e2e_pathf("play-%d.out", i));
    snprintf(err, sizeof err, "%s", e2e_pathf("play-%d.err", i));
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", "478", NULL};
    pid_t pid = e2e_spawn_adem(argv, NULL, out, err);
    if (!e2e_wait_catching(pid, SIGINT, 5000)) {
        e2e_stop(pid, SIGKILL, 1000);
        fail_msg("round %d: adem play never caught SIGINT", i);
    }
    /* even rounds: 0-400 ms after adem catches signals (mostly while it
     * prepares); odd rounds: 1.5-3 s (mostly while it plays; a client that
     * an earlier round's immediate exit left behind may change the port's
     * name, so the moment is not taken from the port) */
    const char *when = i % 2 ? "later" : "early";
    int delay = i % 2 ? 1500 + (int)(rand_r(seed) % 1500u) : (int)(rand_r(seed) % 400u);
    e2e_sleep_ms(delay);
    int n = 1 + i % 3;
    e2e_send_stop_signals(pid, n, seed, 150, what, sizeof what);
    int st;
    /* the sanitizer build prepares (decodes, resamples) several times slower */
    int limit_s = getenv("ADEM_SANITIZE") ? 30 : 10;
    if (!e2e_wait(pid, limit_s * 1000, &st)) {
        e2e_stop(pid, SIGKILL, 1000);
        fail_msg("round %d: adem play still ran %d s after %s", i, limit_s, what);
    }
    char *text = e2e_read_text(err);
    if (st == 1 && strncmp(text, no_device, sizeof no_device - 1) == 0) {
        free(text);
        return 0;
    }
    print_message("      round %2d: %s %4d ms after the start (%s): exit %d: %s", i, what, delay,
                  when, st,
                  text[0] ? text : "(nothing on stderr)\n");
    if (st != 130)
        fail_msg("round %d (%s while %s): exit status %d, want 130", i, what, when, st);
    if (lines_besides_note(text) > 1 || (text[0] && strncmp(text, "adem: ", 6) != 0))
        fail_msg("round %d (%s while %s): want at most one line on stderr, got:\n%s", i, what,
                 when, text);
    free(text);
    return 1;
}

/* The 20 rounds. */
static void signals_at_random_moments(void **state)
{
    (void)state;
    unsigned seed = (unsigned)getpid() ^ (unsigned)e2e_now_ms();
    print_message("      seed %u\n", seed);
    for (int i = 0; i < ROUNDS; i++) {
        int tries = 0;
        while (!round_once(i, &seed)) {
            if (++tries == 3)
                fail_msg("round %d: adem found no device 3 times while the server runs", i);
            print_message("      (adem found no device while the JACK server runs: the machine "
                          "is overloaded; trying again)\n");
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(signals_at_random_moments, live_setup_jack44,
                                        live_teardown_jack),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
