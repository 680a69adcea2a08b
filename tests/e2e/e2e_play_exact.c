/* e2e_play_exact: `adem play` on a private JACK dummy server is sample-exact.
 *
 * The server runs in synchronous mode with a 2 s client timeout (see
 * docs testing-audio.md), jack_capture records its monitor ports, and the
 * capture, aligned on its first non-silent frame, must equal
 * `adem render -o - --format f32` sample for sample over the whole render
 * (both channels), with only silence after it. Tests:
 *   - impulse cues of different lengths, waits and a repeat: every impulse
 *     on the frame the session's arithmetic gives, the output ending exactly
 *     on the session's last frame, wall time within loose bounds;
 *   - tones, a bell, a pulse and a noise bed: bit for bit as the render.
 * Both sessions start with 100 ms of silence: PortAudio's JACK backend may
 * connect the second output port a period after the stream started, so the
 * very first period can be missing on one channel; e2e_play_start.c tests
 * that on its own.
 * Needs jackd and jack_capture (scripts/bootstrap --test). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "live.h"
#include "rt/engine.h"

enum { RATE = 48000, PERIOD = 256, PAD_FRAMES = RATE / 5, LEAD = RATE / 10 };

static char pack[600];

/* Plays session live and asserts that the capture, aligned on the first
 * sound, equals its render exactly, is silent after it, and took a plausible
 * wall time. Returns the render's length; *ref_out gets the render (malloc'd,
 * stereo), *live the play and its capture, *capture_at the capture frame of
 * render frame 0. */
static int64_t play_equals_render(const char *session, float **ref_out, live_run *live,
                                  int64_t *capture_at)
{
    float *ref;
    int64_t n = e2e_render_f32(pack, session, &ref);
    assert_true(n > RATE);
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", "--voice", pack,
                          session, NULL};
    double audio_ms = 1000.0 * (double)n / RATE;
    live_play(argv, (int)(3 * audio_ms) + 20000, live);
    if (live->status != 0)
        fail_msg("adem play exited %d; stderr: %s", live->status, live->err);
    live_assert_quiet(live->err);
    /* --no-ui: plain lines ("0:00  Title"), no escape codes */
    assert_memory_equal(live->out, "0:00  ", 6);
    assert_null(strchr(live->out, '\033'));
    assert_int_equal(live->channels, 2);
    assert_int_equal(live->rate, RATE);

    int64_t r0 = e2e_first_sound(ref, n, 2);
    int64_t c0 = e2e_first_sound(live->cap, live->frames, 2);
    assert_true(r0 >= 0);
    if (c0 < 0)
        fail_msg("the capture (%lld frames) is silent", (long long)live->frames);
    int64_t off = c0 - r0; /* capture frame of render frame 0 */
    assert_true(off >= 0);
    if (live->frames < off + n)
        fail_msg("the capture holds %lld frames from the first sound, the render %lld",
                 (long long)(live->frames - off), (long long)n);
    for (int64_t i = 0; i < n * 2; i++) {
        float c = live->cap[off * 2 + i], r = ref[i];
        if (memcmp(&c, &r, sizeof c) != 0)
            fail_msg("capture differs from the render at frame %lld channel %d: %.9g vs %.9g",
                     (long long)(i / 2), (int)(i % 2), (double)c, (double)r);
    }
    /* nothing after the render's end: the padding and the stopped stream */
    for (int64_t i = (off + n) * 2; i < live->frames * 2; i++)
        if (live->cap[i] != 0.0f)
            fail_msg("sound after the render's end: capture frame %lld = %.9g (render end at "
                     "%lld)", (long long)(i / 2), (double)live->cap[i], (long long)(off + n));
    /* wall time: at least the audio (with the 200 ms padding) minus a period,
     * at most 3 times it */
    double min_ms = 1000.0 * (double)(n + PAD_FRAMES - PERIOD) / RATE;
    double max_ms = 3 * 1000.0 * (double)(n + PAD_FRAMES) / RATE;
    print_message("      %s: %lld frames equal; wall %.0f ms for %.0f ms of audio (+200 ms pad); "
                  "capture %lld frames, first sound at %lld\n",
                  strrchr(session, '/') + 1, (long long)n, live->wall_ms, audio_ms,
                  (long long)live->frames, (long long)c0);
    if (live->wall_ms < min_ms || live->wall_ms > max_ms)
        fail_msg("wall time %.0f ms outside [%.0f, %.0f]", live->wall_ms, min_ms, max_ms);
    *ref_out = ref;
    *capture_at = off;
    return n;
}

/* Appends an expected impulse (frame, amplitude) to the lists. */
static void expect(int64_t *want, float *amp, int *n, int64_t frame, float a)
{
    want[*n] = frame;
    amp[*n] = a;
    (*n)++;
}

/* Impulse cues, waits and a repeat: the capture equals the render, and every
 * impulse sits on the frame the arithmetic of the session gives. */
static void impulses_land_on_their_frames(void **state)
{
    (void)state;
    /* cue lengths: kort 1200, mid 4321, lang 30000 frames; waits 250 ms =
     * 12000, 37 ms = 1776, 1 s = 48000 frames */
    char session[700]; /* e2e_path's buffers rotate: keep a copy */
    snprintf(session, sizeof session, "%s", e2e_path("impulsen.adem"));
    e2e_write_file(session, "session \"Impulsen\"\n"
                            "wait 100ms\n"
                            "speak lang\n"
                            "wait 250ms\n"
                            "repeat 4\n"
                            "  speak kort\n"
                            "  wait 37ms\n"
                            "  speak mid\n"
                            "  wait 1s\n"
                            "end\n"
                            "speak kort\n");
    int64_t want[16];
    float amp[16];
    int nw = 0;
    int64_t t = LEAD;
    expect(want, amp, &nw, t, 0.25f * engine_db_gain(ENGINE_HEADROOM_DB));
    t += 30000 + 12000;
    for (int k = 0; k < 4; k++) {
        expect(want, amp, &nw, t, 0.5f * engine_db_gain(ENGINE_HEADROOM_DB));
        expect(want, amp, &nw, t + 1200 + 1776, -0.375f * engine_db_gain(ENGINE_HEADROOM_DB));
        t += 1200 + 1776 + 4321 + 48000;
    }
    expect(want, amp, &nw, t, 0.5f * engine_db_gain(ENGINE_HEADROOM_DB));
    t += 1200;

    float *ref;
    live_run live;
    int64_t off;
    int64_t n = play_equals_render(session, &ref, &live, &off);
    /* the output ends on the session's last frame (nothing rings out) */
    assert_int_equal(n, t);
    /* every impulse on its computed frame, both channels, nothing else */
    int64_t pos[64];
    int64_t found = e2e_find_peaks(live.cap + off * 2, n, 2, 0.0f, pos, 64);
    assert_int_equal(found, nw);
    for (int i = 0; i < nw; i++) {
        assert_int_equal(pos[i], want[i]);
        assert_true(live.cap[(off + pos[i]) * 2] == amp[i]);
        assert_true(live.cap[(off + pos[i]) * 2 + 1] == amp[i]);
    }
    free(ref);
    live_free(&live);
}

/* Tones, a bell, a pulse and a noise bed: the live output is bit for bit the
 * render (the engine is deterministic and block-size independent). */
static void synth_session_equals_render(void **state)
{
    (void)state;
    char session[700]; /* e2e_path's buffers rotate: keep a copy */
    snprintf(session, sizeof session, "%s", e2e_path("klanken.adem"));
    e2e_write_file(session, "session \"Klanken\"\n"
                            "wait 100ms\n"
                            "bed pink -20dB\n"
                            "phase \"Adem in\" 2s cue=kort tone=rise\n"
                            "phase \"Vasthouden\" 1s tone=steady\n"
                            "phase \"Adem uit\" 1500ms cue=mid tone=fall\n"
                            "bell\n"
                            "wait 700ms\n"
                            "phase \"Schudden\" 1s pulse=120\n"
                            "bed off\n"
                            "wait 500ms\n");
    float *ref;
    live_run live;
    int64_t off;
    int64_t n = play_equals_render(session, &ref, &live, &off);
    /* the session is 6.8 s; the bell and the bed's fade ring out, at most 5 s */
    assert_true(n >= (int64_t)RATE * 68 / 10);
    assert_true(n <= (int64_t)RATE * 68 / 10 + 5 * RATE);
    free(ref);
    live_free(&live);
}

/* Starts the private JACK server and writes the voice pack. */
static int group_setup(void **state)
{
    (void)state;
    snprintf(pack, sizeof pack, "%s", e2e_path("pack"));
    e2e_mkdir(pack);
    e2e_write_impulse_cue(pack, "kort", RATE, 1200, 0.5f);
    e2e_write_impulse_cue(pack, "mid", RATE, 4321, -0.375f);
    e2e_write_impulse_cue(pack, "lang", RATE, 30000, 0.25f);
    e2e_write_file(e2e_path("pack/transcript.tsv"), "kort\tkort\nmid\tmidden\nlang\tlang\n");
    live_jack_start(RATE, PERIOD);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(impulses_land_on_their_frames, e2e_teardown),
        cmocka_unit_test_teardown(synth_session_equals_render, e2e_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, e2e_group_teardown);
}
