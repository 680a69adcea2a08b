/* e2e_play_countdown: `adem play --countdown` on a private JACK dummy server
 * — a soft beat on every second of the lead-in, the session's first frame
 * exactly when the countdown ends — and a cron-style `adem play --no-ui`
 * that writes nothing and exits 0. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "e2e.h"
#include "live.h"
#include "rt/engine.h"

#define RATE 48000
#define PERIOD 256

static char pack[700], session[700];

/* The session: one impulse cue, then a second of silence. */
static int group_setup(void **state)
{
    (void)state;
    snprintf(pack, sizeof pack, "%s/pack", e2e_tmpdir());
    e2e_mkdir(pack);
    e2e_write_impulse_cue(pack, "tik", RATE, 1000, 0.5f);
    snprintf(session, sizeof session, "%s", e2e_path("kort.adem"));
    e2e_write_file(session, "session \"Kort\"\nspeak tik\nwait 1s\n");
    live_jack_start(RATE, PERIOD);
    return 0;
}

/* The frames (in the capture's left channel) where a sound starts after at
 * least `gap` frames of silence: the onsets. */
static int onsets(const float *s, int64_t frames, int64_t gap, int64_t *at, int max)
{
    int n = 0;
    int64_t quiet = gap;
    for (int64_t i = 0; i < frames; i++) {
        if (fabsf(s[2 * i]) > 1e-6f) {
            if (quiet >= gap && n < max)
                at[n++] = i;
            quiet = 0;
        } else {
            quiet++;
        }
    }
    return n;
}

/* --countdown 2s: two soft beats a second apart, then the session's first
 * cue exactly 2 s after the first beat began (the beat's raised-cosine
 * attack makes its first sample 0, so its sound starts a frame or two in). */
static void test_countdown(void **state)
{
    (void)state;
    const char *argv[] = {"adem",    "play", "--no-ui",   "--device", "system", "--voice",
                          pack,      "--countdown", "2s", session,    NULL};
    live_run live;
    live_play(argv, 30000, &live);
    if (live.status != 0)
        fail_msg("play --countdown exited %d: %s", live.status, live.err);
    /* --no-ui: the lead-in, its phase and the session, each on a line */
    assert_string_equal(live.out, "0:00  Aftellen\n0:00  We beginnen zo (2 s)\n0:02  Kort\n");
    long under;
    assert_true(live_quiet_stderr(live.err, &under));
    int64_t at[8];
    int n = onsets(live.cap, live.frames, RATE / 10, at, 8);
    /* beat 1, beat 2, the session's cue */
    assert_int_equal(n, 3);
    int64_t beat = at[0];
    assert_true(at[1] - beat >= RATE - 2 && at[1] - beat <= RATE);
    /* the cue's impulse: the exact sample, 2 s after the countdown began */
    const float g = engine_db_gain(ENGINE_HEADROOM_DB);
    assert_true(live.cap[2 * at[2]] == 0.5f * g);
    int64_t start = at[2] - 2 * RATE; /* where the countdown began */
    assert_true(beat - start >= 0 && beat - start <= 2);
    live_free(&live);
}

/* As from cron: --no-ui, stdout not a terminal: the session's start line
 * (it has no chapter or phase), no escape codes, exit 0. */
static void test_cron_silent(void **state)
{
    (void)state;
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", "--voice", pack,
                          session, NULL};
    live_run live;
    live_play(argv, 30000, &live);
    assert_int_equal(live.status, 0);
    assert_string_equal(live.out, "0:00  Kort\n");
    long under;
    assert_true(live_quiet_stderr(live.err, &under));
    live_free(&live);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_countdown),
        cmocka_unit_test(test_cron_silent),
    };
    return cmocka_run_group_tests(tests, group_setup, e2e_group_teardown);
}
