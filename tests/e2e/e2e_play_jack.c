/* e2e_play_jack: `adem play` without --device goes straight to a running JACK
 * server through adem's own client (src/dev/out_jack.c), without starting
 * PortAudio; with no server it plays through PortAudio as before.
 *
 *   - on a private JACK dummy server at 48 kHz: --verbose names the JACK
 *     server ("playing on JACK server 'NAME' (JACK, 256 frames)"), the first
 *     callback comes (ADEM_MEASURE=1), no cue starves, stderr holds only
 *     adem's own lines, and the capture equals `adem render` sample for
 *     sample;
 *   - on a server at 44.1 kHz: the session prepared at 48 kHz is prepared
 *     again, and the play equals `adem render --rate 44100`;
 *   - --channels 1: the client, started with two ports while the session
 *     is prepared, plays on one (system:playback_1, the other silent), and
 *     the play equals `adem render --mono`;
 *   - the server killed while adem plays: exit 1 within 1 s with one line,
 *     "adem: the audio device stopped...", and the practice-log line;
 *   - no JACK server (and no PipeWire server): the default device of
 *     PortAudio (here an ALSA `file` PCM, testing-audio.md) plays, and what
 *     it wrote equals the render.
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
#include <unistd.h>

#include "e2e.h"
#include "live.h"

enum { RATE = 48000, PERIOD = 256 };

static char pack[600], session[600], session20[600];

/* Asserts that every line of err is adem's own ("adem: ..."): nothing from
 * libjack, ALSA or PortAudio. */
static void assert_own_lines(const char *err)
{
    for (const char *line = err; *line; line = strchr(line, '\n') + 1) {
        if (strncmp(line, "adem: ", 6) != 0)
            fail_msg("a line on stderr that is not adem's: %s", line);
        if (!strchr(line, '\n'))
            break;
    }
}

/* Plays the session on the running server without --device and checks that
 * it went through adem's own JACK client at `rate` and equals the render at
 * that rate sample for sample. */
static void plays_through_the_client(int rate)
{
    float *ref;
    int64_t n = e2e_render_f32_at(pack, session, rate, &ref);
    const char *argv[] = {"adem", "play", "--no-ui", "--verbose", "--voice", pack, session, NULL};
    const char *env[] = {"ADEM_MEASURE=1", NULL};
    live_run live;
    live_start(argv, env, &live);
    live_finish(&live, 60000);
    print_message("      %s", live.err);
    assert_int_equal(live.status, 0);
    assert_int_equal(live.rate, rate);
    char want[128];
    snprintf(want, sizeof want, "adem: playing on JACK server '%s' (JACK, %d frames) at %d Hz",
             getenv("JACK_DEFAULT_SERVER"), PERIOD, rate);
    if (!strstr(live.err, want))
        fail_msg("want '%s' on stderr: adem did not play through its own JACK client", want);
    assert_non_null(strstr(live.err, "adem: first callback\n"));
    assert_non_null(strstr(live.err, "adem: starved 0\n"));
    assert_own_lines(live.err);
    live_assert_same_sound(live.cap, live.frames, ref, n);
    live_free(&live);
    free(ref);
}

/* On a server at 48 kHz. */
static void plays_on_the_server(void **state)
{
    (void)state;
    plays_through_the_client(RATE);
}

/* On a server at 44.1 kHz: the cues prepared at 48 kHz meanwhile are
 * prepared again at the server's rate. */
static void plays_at_the_server_rate(void **state)
{
    (void)state;
    plays_through_the_client(44100);
}

/* --channels 1 on a stereo server: one port, playing what a mono render
 * holds; the second playback channel stays silent. */
static void plays_mono_on_the_server(void **state)
{
    (void)state;
    const char *rargv[] = {"adem", "render", "--voice", pack, "--mono", session, "-o", "-",
                           "--format", "f32", NULL};
    e2e_result r;
    e2e_run(rargv, &r);
    assert_int_equal(r.status, 0);
    int64_t n = (int64_t)(r.out_len / sizeof(float));
    float *ref = calloc((size_t)n * 2, sizeof *ref); /* mono -> left, silence right */
    for (int64_t i = 0; i < n; i++)
        ref[2 * i] = ((const float *)r.out)[i];
    const char *argv[] = {"adem", "play", "--no-ui", "--verbose", "--channels", "1", "--voice",
                          pack, session, NULL};
    live_run live;
    live_start(argv, NULL, &live);
    live_finish(&live, 60000);
    print_message("      %s", live.err);
    assert_int_equal(live.status, 0);
    assert_non_null(strstr(live.err, ", 1 channel\n"));
    assert_own_lines(live.err);
    live_assert_same_sound(live.cap, live.frames, ref, n);
    for (int64_t i = 0; i < live.frames; i++)
        if (live.cap[2 * i + 1] != 0.0f)
            fail_msg("the second playback channel is not silent at frame %lld",
                     (long long)i);
    free(ref);
    live_free(&live);
    e2e_result_free(&r);
}

/* The server killed under adem's client: exit 1 with one line within 1 s of
 * its death, the practice-log line written, no hang. */
static void server_killed(void **state)
{
    (void)state;
    remove(live_log_file());
    char out[700], err[700];
    snprintf(out, sizeof out, "%s", e2e_path("lost.out"));
    snprintf(err, sizeof err, "%s", e2e_path("lost.err"));
    const char *argv[] = {"adem", "play", "--no-ui", "--voice", pack, session20, NULL};
    /* In the sanitizer build: adem deliberately leaves the engine allocated
     * when the device is lost (the audio thread may still run). */
    const char *san[] = {"ASAN_OPTIONS=exitcode=86:detect_leaks=0", NULL};
    pid_t pid = e2e_spawn_adem(argv, getenv("ADEM_SANITIZE") ? san : NULL, out, err);
    if (!live_jack_wait_connected("adem:out_0", 15000)) {
        e2e_stop(pid, SIGKILL, 2000);
        char *text = e2e_read_text(err);
        fail_msg("adem's JACK client did not start playing: %s", text);
    }
    e2e_sleep_ms(1500);
    int st;
    assert_int_equal(e2e_wait(pid, 0, &st), 0); /* still playing */
    live_jack_kill_only();
    live_assert_lost(pid, e2e_now_ms(), err, session20, "JACK");
}

/* No JACK server (nor a PipeWire server, which adem would try next):
 * PortAudio's default device, here an ALSA `file` PCM that writes the float
 * samples it gets into a file (as fast as it can). */
static void no_server_plays_through_portaudio(void **state)
{
    (void)state;
    char conf[700], raw[700], env_alsa[800], env_server[128], env_pw[128];
    snprintf(raw, sizeof raw, "%s", e2e_path("alsa-out.raw"));
    snprintf(conf, sizeof conf, "%s", e2e_path("alsa-file.conf"));
    char text[1600];
    snprintf(text, sizeof text,
             "pcm.!default {\n  type file\n  slave.pcm { type null }\n  file \"%s\"\n"
             "  format \"raw\"\n}\n", raw);
    e2e_write_file(conf, text);
    snprintf(env_alsa, sizeof env_alsa, "ALSA_CONFIG_PATH=%s", conf);
    snprintf(env_server, sizeof env_server, "JACK_DEFAULT_SERVER=adem-test-none-%ld",
             (long)getpid());
    snprintf(env_pw, sizeof env_pw, "PIPEWIRE_REMOTE=adem-test-none-%ld", (long)getpid());
    const char *env[] = {env_alsa, env_server, env_pw, NULL};
    const char *argv[] = {"adem", "play", "--no-ui", "--verbose", "--voice", pack, session, NULL};
    /* PortAudio 19.6's start of an ALSA null or file PCM fails now and then
     * ("Internal PortAudio error", about 1 in 10, the same before adem had
     * a JACK client): then again, at most 3 times in all */
    static const char flaky[] = "adem: cannot start the audio stream: Internal PortAudio error";
    e2e_result r;
    for (int attempt = 1;; attempt++) {
        remove(raw);
        e2e_run_env(argv, env, &r);
        if (attempt == 3 || r.status != 1 || !strstr(r.err, flaky))
            break;
        print_message("      (PortAudio could not start the ALSA file PCM; again)\n");
        e2e_result_free(&r);
    }
    print_message("      no JACK server: exit %d: %s", r.status, r.err);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "adem: playing on default (ALSA) at 48000 Hz"));
    assert_null(strstr(r.err, "JACK"));
    assert_own_lines(r.err);
    e2e_result_free(&r);
    float *ref;
    int64_t n = e2e_render_f32(pack, session, &ref);
    size_t len;
    float *got = (float *)e2e_read_file(raw, &len);
    int64_t frames = (int64_t)(len / (2 * sizeof(float)));
    live_assert_same_sound(got, frames, ref, n);
    free(got);
    free(ref);
}

/* A private server at 48 kHz (in the synchronous mode), or at 44.1 kHz. */
/* The voice pack, a short session of clicks and a 20 s one. */
static int group_setup(void **state)
{
    (void)state;
    snprintf(pack, sizeof pack, "%s", e2e_path("pack"));
    e2e_mkdir(pack);
    e2e_write_impulse_cue(pack, "tik", RATE, 2400, 0.5f);
    e2e_write_file(e2e_path("pack/transcript.tsv"), "tik\ttik\n");
    snprintf(session, sizeof session, "%s", e2e_path("tik.adem"));
    e2e_write_file(session, "session \"Tik\"\nwait 100ms\nspeak tik\nwait 700ms\nspeak tik\n"
                            "phase \"In\" 300ms tone=rise\nspeak tik\n");
    snprintf(session20, sizeof session20, "%s", e2e_path("twintig.adem"));
    e2e_write_file(session20, "session \"Twintig\"\nrepeat 400\n  speak tik\nend\n");
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(plays_on_the_server, live_setup_jack48, live_teardown_jack),
        cmocka_unit_test_setup_teardown(plays_at_the_server_rate, live_setup_jack44,
                                        live_teardown_jack),
        cmocka_unit_test_setup_teardown(plays_mono_on_the_server, live_setup_jack48,
                                        live_teardown_jack),
        cmocka_unit_test_setup_teardown(server_killed, live_setup_jack48, live_teardown_jack),
        cmocka_unit_test(no_server_plays_through_portaudio),
    };
    return cmocka_run_group_tests(tests, group_setup, e2e_group_teardown);
}
