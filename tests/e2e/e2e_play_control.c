/* e2e_play_control: pause, resume, skip and stop during a live play on a
 * private JACK dummy server, through `--script` (the keys' path) and signals.
 *
 * When a command lands depends on scheduling, so each test first locates the
 * effect in the capture (the first frame that differs from the render), then
 * asserts that everything around it is exact: the audio before it equals the
 * render, a fade has the documented length and only ever lowers (or raises)
 * the gain, silence is exact zeros, and the audio after it equals the render
 * from the right frame, sample for sample. The cues are an impulse on a slowly
 * rising pedestal, so every frame is non-zero and tells where it came from,
 * and a fade's gain can be read off every frame (capture / render).
 *
 * Every session starts with 100 ms of silence (LEAD): PortAudio's JACK
 * backend may connect the second output port a period after the stream
 * started, so the very first period can be missing on one channel (see
 * e2e_play_start.c, which tests exactly that). Here the start is not the
 * subject, so the sessions keep it silent.
 * Needs jackd and jack_capture (scripts/bootstrap --test). */
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
#include "rt/engine.h"

enum {
    RATE = 48000,
    PERIOD = 256,
    FADE = RATE * 30 / 1000,       /* ENGINE_FADE_MS: pause, resume, skip */
    STOP_FADE = RATE * 400 / 1000, /* ENGINE_STOP_FADE_MS: q, SIGINT, SIGTERM */
    BEAT = 2400,                   /* frames per cue of the steady sessions */
    LEAD = RATE / 10               /* the silent start of every session */
};

static char pack[600];

/* Writes cue `id`: an impulse of 0.5 on frame 0, then a pedestal rising from
 * base to base + 0.05 over its `frames` frames. */
static void write_pedestal_cue(const char *id, int64_t frames, float base)
{
    float *s = malloc((size_t)frames * sizeof *s);
    s[0] = 0.5f;
    for (int64_t i = 1; i < frames; i++)
        s[i] = base + 0.05f * (float)i / (float)frames;
    char path[700];
    snprintf(path, sizeof path, "%s/%s.wav", pack, id);
    e2e_write_wav(path, RATE, s, frames);
    free(s);
}

/* A capture aligned on the render: cap[i] is the frame that render frame i
 * would be when nothing intervenes (the first sound of both at frame 0). */
typedef struct aligned {
    const float *cap; /* stereo, from the first sound on */
    int64_t frames;
    const float *ref; /* the render, stereo */
    int64_t n;
} aligned;

/* Aligns live's capture on the render by their first sounds (the first
 * impulse, render frame LEAD) and checks both channels carry the same (mono)
 * signal. */
static void align(const live_run *live, const float *ref, int64_t n, aligned *a)
{
    int64_t c0 = e2e_first_sound(live->cap, live->frames, 2);
    int64_t r0 = e2e_first_sound(ref, n, 2);
    if (c0 < 0)
        fail_msg("the capture is silent");
    assert_int_equal(r0, LEAD);
    if (c0 < r0)
        fail_msg("the capture's first sound (%lld) comes before the render's (%lld)",
                 (long long)c0, (long long)r0);
    a->cap = live->cap + (c0 - r0) * 2;
    a->frames = live->frames - (c0 - r0);
    a->ref = ref;
    a->n = n;
    for (int64_t i = 0; i < a->frames; i++)
        if (a->cap[2 * i] != a->cap[2 * i + 1])
            fail_msg("left and right differ at capture frame %lld", (long long)i);
}

/* How many frames from capture frame c on equal the render from frame r on
 * (bit for bit, both channels), up to the end of either. */
static int64_t equal_run(const aligned *a, int64_t c, int64_t r)
{
    int64_t k = 0;
    while (c + k < a->frames && r + k < a->n &&
           memcmp(&a->cap[2 * (c + k)], &a->ref[2 * (r + k)], 2 * sizeof(float)) == 0)
        k++;
    return k;
}

/* Asserts capture frames c.. are the render frames r.. times a gain that
 * moves monotonically (down when falling, else up), strictly inside (0, 1),
 * until the capture reaches an exact zero (falling) or exactly the render
 * (rising). Returns the number of frames of that fade (the zero or the first
 * exact frame not counted). */
static int64_t fade_run(const aligned *a, int64_t c, int64_t r, int falling)
{
    double last = falling ? 1.0 : 0.0;
    int64_t k = 0;
    for (;; k++) {
        if (c + k >= a->frames || r + k >= a->n)
            fail_msg("the fade at capture frame %lld does not end", (long long)c);
        float cv = a->cap[2 * (c + k)], rv = a->ref[2 * (r + k)];
        if (falling ? cv == 0.0f : cv == rv)
            return k;
        double g = (double)cv / (double)rv;
        if (!(g > 0.0 && g < 1.0) || (falling ? g > last + 1e-6 : g < last - 1e-6))
            fail_msg("fade at capture frame %lld: gain %.7f after %.7f (capture %.9g, render "
                     "%.9g)", (long long)(c + k), g, last, (double)cv, (double)rv);
        last = g;
    }
}

/* Frames from c to the end of the capture that are exact zeros. */
static int64_t zero_run(const aligned *a, int64_t c)
{
    int64_t k = 0;
    while (c + k < a->frames && a->cap[2 * (c + k)] == 0.0f && a->cap[2 * (c + k) + 1] == 0.0f)
        k++;
    return k;
}

/* Writes the script and the session, plays live with --script, returns the
 * render in *ref. */
static int64_t play_script(const char *name, const char *session_text, const char *script_text,
                           live_run *live, float **ref)
{
    char sname[64], pname[64];
    snprintf(sname, sizeof sname, "%s.adem", name);
    snprintf(pname, sizeof pname, "%s.script", name);
    char session[700], script[700];
    snprintf(session, sizeof session, "%s", e2e_path(sname));
    snprintf(script, sizeof script, "%s", e2e_path(pname));
    e2e_write_file(session, session_text);
    e2e_write_file(script, script_text);
    int64_t n = e2e_render_f32(pack, session, ref);
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", "--voice", pack,
                          "--script", script, session, NULL};
    live_play(argv, 60000, live);
    return n;
}

/* 1 when the first command's effect starts where a callback buffer starts
 * (the engine takes commands at the start of a buffer; the capture's frame 0
 * is the start of adem's first buffer). */
static int on_buffer(int64_t frame)
{
    return frame % PERIOD == 0;
}

/* The steady session: after the lead, 100 beats of 50 ms (5 s), each an
 * impulse on a pedestal. */
static const char steady[] = "session \"Regelmaat\"\n"
                             "wait 100ms\n"
                             "repeat 100\n"
                             "  speak tik\n"
                             "end\n";

/* Pause at 1 s and resume at 2 s (output time): exact before, a 30 ms fade
 * that only lowers the gain, exact zeros, a 30 ms fade in from exactly where
 * the timeline stopped, then exactly the render shifted by the pause. */
static void pause_and_resume(void **state)
{
    (void)state;
    float *ref;
    live_run live;
    int64_t n = play_script("pause", steady, "1.0 pause\n2.0 resume\n", &live, &ref);
    assert_int_equal(n, LEAD + 100 * BEAT);
    if (live.status != 0)
        fail_msg("adem play exited %d: %s", live.status, live.err);
    live_assert_quiet(live.err);
    aligned a;
    align(&live, ref, n, &a);

    int64_t P = equal_run(&a, 0, 0); /* the pause takes effect */
    int64_t F_out = fade_run(&a, P, P, 1);
    int64_t Z = P + F_out;           /* the first exact zero */
    int64_t R = Z + zero_run(&a, Z); /* the resume takes effect */
    /* the timeline moved during the fade out, up to and including the frame
     * that reached gain 0: it continues from the next one */
    int64_t Q = Z + 1;
    int64_t F_in = fade_run(&a, R, Q, 0);
    int64_t after = equal_run(&a, R + F_in, Q + F_in);
    int64_t shift = R - Q;
    print_message("      pause at %lld (%.3f s), fade out %lld, zeros %lld..%lld, resume at %lld "
                  "(%.3f s), fade in %lld, then %lld frames equal; shift %lld (%.3f s)\n",
                  (long long)P, (double)P / RATE, (long long)F_out, (long long)Z, (long long)R,
                  (long long)R, (double)R / RATE, (long long)F_in, (long long)after,
                  (long long)shift, (double)shift / RATE);
    /* sent when the output reached 1.0 s and 2.0 s, applied at a buffer start */
    assert_true(P >= RATE && P <= RATE + RATE / 2);
    assert_true(R >= 2 * RATE && R <= 2 * RATE + RATE / 2);
    assert_true(on_buffer(P));
    assert_true(on_buffer(R));
    /* 30 ms fades (the last frame of the fade out is the zero) */
    assert_true(F_out + 1 >= FADE - 1 && F_out + 1 <= FADE + 1);
    assert_true(F_in >= FADE - 1 && F_in <= FADE + 1);
    /* a real stretch of exact silence */
    assert_true(R - Z >= RATE / 2);
    /* then exactly the rest of the render, then only silence */
    assert_int_equal(Q + F_in + after, n);
    int64_t end = R + F_in + after;
    assert_int_equal(zero_run(&a, end), a.frames - end);

    /* no impulse lost or repeated: outside the two fades the impulses are
     * exactly the render's, in order, shifted by the pause after it; inside
     * them they are attenuated, not lost */
    int64_t pos[256];
    int64_t found = 0;
    for (int64_t c = 0; c < end; c++) {
        if ((c >= P && c <= Z) || (c >= R && c < R + F_in))
            continue; /* the fades */
        if (a.cap[2 * c] > 0.3f) {
            if (found < 256)
                pos[found] = c;
            found++;
        }
    }
    int64_t want = 0, in_fades = 0;
    for (int64_t t = LEAD; t < n; t += BEAT) {
        if (t < P) {
            assert_int_equal(pos[want++], t);
        } else if (t >= Q + F_in) {
            assert_int_equal(pos[want++], t + shift);
        } else {
            int64_t c = t < Q ? t : t + shift; /* fading out, or fading in */
            assert_true(a.cap[2 * c] >= 0.0f &&
                        a.cap[2 * c] < 0.5f * engine_db_gain(ENGINE_HEADROOM_DB));
            in_fades++;
        }
    }
    assert_int_equal(found, want);
    assert_int_equal(want + in_fades, 100);
    free(ref);
    live_free(&live);
}

/* Skips inside phase 2 (to phase 3) and inside phase 3 (to the mark): each
 * time the foreground fades over 30 ms without the timeline moving, then the
 * capture is exactly the render from the next phase's or mark's first frame. */
static void skip_to_phase_and_mark(void **state)
{
    (void)state;
    /* after the lead: Een 0..48000, Twee ..144000, Drie ..240000, mark Vier
     * at 240000: speak 48000, wait 24000; Vijf 312000..360000 */
    static const char session[] = "session \"Verder\"\n"
                                  "wait 100ms\n"
                                  "phase \"Een\" 1s cue=een\n"
                                  "phase \"Twee\" 2s cue=twee\n"
                                  "phase \"Drie\" 2s cue=drie\n"
                                  "mark \"Vier\"\n"
                                  "speak vier\n"
                                  "wait 500ms\n"
                                  "phase \"Vijf\" 1s cue=vijf\n";
    const int64_t drie = LEAD + 144000, vier = LEAD + 240000;
    float *ref;
    live_run live;
    int64_t n = play_script("skip", session, "1.5 skip\n2.3 skip\n", &live, &ref);
    assert_int_equal(n, LEAD + 360000);
    if (live.status != 0)
        fail_msg("adem play exited %d: %s", live.status, live.err);
    live_assert_quiet(live.err);
    aligned a;
    align(&live, ref, n, &a);

    /* first skip: inside Twee */
    int64_t P1 = equal_run(&a, 0, 0);
    int64_t F1 = fade_run(&a, P1, P1, 1);
    int64_t J1 = P1 + F1 + 1; /* after the zero-gain frame: Drie's first frame */
    int64_t run1 = equal_run(&a, J1, drie);
    /* second skip: inside Drie */
    int64_t P2 = J1 + run1;
    int64_t F2 = fade_run(&a, P2, drie + run1, 1);
    int64_t J2 = P2 + F2 + 1;
    int64_t run2 = equal_run(&a, J2, vier);
    print_message("      skip 1 at %lld (%.3f s), fade %lld, Drie from %lld; skip 2 at %lld "
                  "(timeline %lld), fade %lld, mark from %lld, %lld frames equal\n",
                  (long long)P1, (double)P1 / RATE, (long long)F1, (long long)J1, (long long)P2,
                  (long long)(drie + run1), (long long)F2, (long long)J2, (long long)run2);
    assert_true(P1 >= 72000 && P1 <= 72000 + RATE / 2 && P1 < drie - FADE);
    assert_true(P1 > LEAD + 48000); /* inside Twee */
    assert_true(on_buffer(P1));
    assert_true(on_buffer(P2));
    /* the jump comes <= 30 ms (+1 frame) after the command took effect */
    assert_true(F1 + 1 >= FADE - 1 && F1 + 1 <= FADE + 1);
    assert_true(F2 + 1 >= FADE - 1 && F2 + 1 <= FADE + 1);
    /* Drie's impulse and the mark's at full level on the jump frame */
    assert_true(a.cap[2 * J1] == 0.5f * engine_db_gain(ENGINE_HEADROOM_DB));
    assert_true(a.cap[2 * J2] == 0.5f * engine_db_gain(ENGINE_HEADROOM_DB));
    /* the second skip was sent at 2.3 s output and landed inside Drie */
    assert_true(P2 >= 110400 && drie + run1 < vier - FADE);
    /* from the mark to the end exactly the render, then silence */
    assert_int_equal(vier + run2, n);
    assert_int_equal(zero_run(&a, J2 + run2), a.frames - (J2 + run2));
    free(ref);
    live_free(&live);
}

/* Checks a stopped play: exit 130, nothing on stderr, on stdout only the
 * session's start line (--no-ui), the render exactly up
 * to the stop, a fade that only lowers the gain, then only zeros. Returns the
 * fade's length in frames (up to the first zero) and the stop frame in *at. */
static int64_t check_stopped(const live_run *live, const float *ref, int64_t n, int64_t *at)
{
    if (live->status != 130)
        fail_msg("adem play exited %d, want 130; stderr: %s", live->status, live->err);
    live_assert_quiet(live->err);
    assert_string_equal(live->out, "0:00  Regelmaat\n"); /* --no-ui: the session's start */
    aligned a;
    align(live, ref, n, &a);
    int64_t P = equal_run(&a, 0, 0);
    assert_true(P < n);
    int64_t F = fade_run(&a, P, P, 1);
    int64_t rest = zero_run(&a, P + F);
    assert_int_equal(P + F + rest, a.frames);
    *at = P;
    return F;
}

/* `stop` from the script at 1 s: exit 130 after a 400 ms fade, no abrupt cut. */
static void stop_from_script(void **state)
{
    (void)state;
    float *ref;
    live_run live;
    int64_t n = play_script("stop", steady, "1.0 stop\n", &live, &ref);
    int64_t P;
    int64_t F = check_stopped(&live, ref, n, &P);
    print_message("      stop at %lld (%.3f s), fade %lld frames, exit %d after %.0f ms\n",
                  (long long)P, (double)P / RATE, (long long)F, live.status, live.wall_ms);
    assert_true(P >= RATE && P <= RATE + RATE / 2);
    assert_true(on_buffer(P));
    assert_true(F + 1 >= STOP_FADE - 1 && F + 1 <= STOP_FADE + 1);
    free(ref);
    live_free(&live);
}

/* Starts the steady session live and waits until its stream plays. */
static int64_t start_steady(live_run *live, float **ref)
{
    char session[700]; /* e2e_path's buffers rotate: keep a copy */
    snprintf(session, sizeof session, "%s", e2e_path("signal.adem"));
    e2e_write_file(session, steady);
    int64_t n = e2e_render_f32(pack, session, ref);
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", "--voice", pack,
                          session, NULL};
    for (int attempt = 1;; attempt++) {
        live_start(argv, NULL, live);
        int playing = live_wait_playing(live, 10000);
        if (playing == 1)
            return n;
        if (playing == 0 || attempt == 3)
            fail_msg("adem's stream did not start (status %d): %s", live->status,
                     live->err ? live->err : "");
        print_message("      (adem found no device while the JACK server runs: the machine is "
                      "overloaded; trying again)\n");
        live_free(live);
    }
}

/* SIGINT or SIGTERM during the play: a stop with the 400 ms fade, exit 130. */
static void stop_by_signal(int sig)
{
    float *ref;
    live_run live;
    int64_t n = start_steady(&live, &ref);
    e2e_sleep_ms(1000);
    kill(live.adem, sig);
    live_finish(&live, 20000);
    int64_t P;
    int64_t F = check_stopped(&live, ref, n, &P);
    print_message("      %s: stop at %lld (%.3f s), fade %lld frames\n",
                  sig == SIGINT ? "SIGINT" : "SIGTERM", (long long)P, (double)P / RATE,
                  (long long)F);
    assert_true(on_buffer(P));
    assert_true(F + 1 >= STOP_FADE - 1 && F + 1 <= STOP_FADE + 1);
    free(ref);
    live_free(&live);
}

/* SIGINT stops with the fade. */
static void stop_by_sigint(void **state)
{
    (void)state;
    stop_by_signal(SIGINT);
}

/* SIGTERM stops with the fade. */
static void stop_by_sigterm(void **state)
{
    (void)state;
    stop_by_signal(SIGTERM);
}

/* A second SIGINT during the stop's fade stops at once with 130 (the fade
 * and the padding are cut short), with nothing on stderr. "At once" still
 * closes the stream and PortAudio properly: a client that vanishes without
 * closing wedges a synchronous JACK server for 20 s (every client with it),
 * and the close takes ~300 ms here (PASTREAM_JACK_SETTLE_MS and the JACK
 * client's close). Without the cut the exit would come ~500 ms later still
 * (the rest of the 400 ms fade, the 200 ms padding). No capture here; this
 * test runs last and the server is stopped after it. */
static void second_sigint_exits_at_once(void **state)
{
    (void)state;
    char session[700]; /* e2e_path's buffers rotate: keep a copy */
    snprintf(session, sizeof session, "%s", e2e_path("twice.adem"));
    e2e_write_file(session, steady);
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", "--voice", pack,
                          session, NULL};
    char out[700], err[700];
    snprintf(out, sizeof out, "%s", e2e_path("twice.out"));
    snprintf(err, sizeof err, "%s", e2e_path("twice.err"));
    pid_t pid = e2e_spawn_adem(argv, NULL, out, err);
    if (!live_jack_wait_connected("PortAudio:out_0", 10000))
        fail_msg("adem's stream did not start");
    e2e_sleep_ms(1000);
    kill(pid, SIGINT);
    e2e_sleep_ms(100);
    double t = e2e_now_ms();
    kill(pid, SIGINT);
    int st;
    int exited = e2e_wait(pid, 5000, &st);
    double took = e2e_now_ms() - t;
    print_message("      second SIGINT 100 ms into the 400 ms fade: exit %d after %.1f ms\n",
                  exited ? st : -1, took);
    assert_true(exited);
    assert_int_equal(st, 130);
    /* the close (~300 ms), without the rest of the fade and the padding */
    assert_true(took < (getenv("ADEM_SANITIZE") ? 1800.0 : 600.0)); /* ASan: ~3x slower */
    char *o = e2e_read_text(out), *e = e2e_read_text(err);
    live_assert_quiet(e); /* at most adem's underflow note: it closes properly now */
    assert_string_equal(o, "0:00  Regelmaat\n"); /* --no-ui: the session's start line */
    free(o);
    free(e);
}

/* --no-ui with stdout a pipe (`| cat`): one plain line per session start,
 * chapter and phase ("0:00  Adem in (2 s)", with the round in a repeat),
 * each written as it happens (the first phase's line is there while adem
 * still plays), and nothing else: no escape codes, no line for speech or
 * silence. */
static void no_ui_prints_the_phase_lines(void **state)
{
    (void)state;
    char session[700], out[700];
    snprintf(session, sizeof session, "%s", e2e_path("lines.adem"));
    snprintf(out, sizeof out, "%s", e2e_path("lines.out"));
    e2e_write_file(session, "session \"Lijnen\"\n"
                            "wait 100ms\n"
                            "mark \"Deel een\"\n"
                            "speak tik\n"
                            "phase \"Adem in\" 2s\n"
                            "repeat 2\n"
                            "  phase \"Uit\" 2s tone=fall\n"
                            "end\n"
                            "wait 500ms\n");
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "'%s' play --no-ui --device system --voice '%s' '%s' | cat > '%s'",
             getenv("ADEM_BIN"), pack, session, out);
    const char *argv[] = {"sh", "-c", cmd, NULL};
    char xdg[3][700];
    snprintf(xdg[0], sizeof xdg[0], "XDG_DATA_HOME=%s/xdg-data", e2e_tmpdir());
    snprintf(xdg[1], sizeof xdg[1], "XDG_CONFIG_HOME=%s/xdg-config", e2e_tmpdir());
    snprintf(xdg[2], sizeof xdg[2], "XDG_STATE_HOME=%s/xdg-state", e2e_tmpdir());
    const char *env[] = {xdg[0], xdg[1], xdg[2], NULL};
    pid_t pid = e2e_spawn(argv, env, NULL, NULL);
    if (!live_jack_wait_connected("PortAudio:out_0", 10000))
        fail_msg("adem's stream did not start");
    e2e_sleep_ms(1200); /* into "Adem in" (0.15 .. 2.15 s) */
    char *early = e2e_read_text(out);
    print_message("      after 1.2 s:\n%s", early);
    assert_non_null(strstr(early, "Adem in (2 s)"));
    assert_null(strstr(early, "Uit"));
    free(early);
    int st;
    assert_true(e2e_wait(pid, 20000, &st));
    assert_int_equal(st, 0);
    char *o = e2e_read_text(out);
    print_message("      at the end:\n%s", o);
    const char *want[] = {"0:00  Lijnen\n", "Deel een\n", "0:00  Adem in (2 s)\n",
                          "0:02  Uit (2 s, ronde 1/2)\n", "0:04  Uit (2 s, ronde 2/2)\n"};
    const char *at = o;
    for (int i = 0; i < 5; i++) {
        const char *p = strstr(at, want[i]);
        if (!p)
            fail_msg("'%s' missing or out of order in:\n%s", want[i], o);
        at = p + strlen(want[i]);
    }
    assert_int_equal(e2e_count_lines(o), 5);
    assert_null(strchr(o, '\033'));
    free(o);
}

/* Starts the private JACK server and writes the voice pack. */
static int group_setup(void **state)
{
    (void)state;
    snprintf(pack, sizeof pack, "%s", e2e_path("pack"));
    e2e_mkdir(pack);
    write_pedestal_cue("tik", BEAT, 0.10f);
    write_pedestal_cue("een", 48000, 0.05f);
    write_pedestal_cue("twee", 96000, 0.10f);
    write_pedestal_cue("drie", 96000, 0.15f);
    write_pedestal_cue("vier", 48000, 0.20f);
    write_pedestal_cue("vijf", 48000, 0.25f);
    e2e_write_file(e2e_path("pack/transcript.tsv"), "tik\ttik\neen\teen\ntwee\ttwee\n"
                                                    "drie\tdrie\nvier\tvier\nvijf\tvijf\n");
    live_jack_start(RATE, PERIOD);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(pause_and_resume, e2e_teardown),
        cmocka_unit_test_teardown(no_ui_prints_the_phase_lines, e2e_teardown),
        cmocka_unit_test_teardown(skip_to_phase_and_mark, e2e_teardown),
        cmocka_unit_test_teardown(stop_from_script, e2e_teardown),
        cmocka_unit_test_teardown(stop_by_sigint, e2e_teardown),
        cmocka_unit_test_teardown(stop_by_sigterm, e2e_teardown),
        cmocka_unit_test_teardown(second_sigint_exits_at_once, e2e_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, e2e_group_teardown);
}
