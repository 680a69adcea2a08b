/* e2e_play_device: `adem play` and `adem devices` without a device, with a
 * device that dies, and with the JACK dummy server running.
 *
 *   - no device at all: no JACK server (a server name nobody uses) and ALSA
 *     made to see no card (see no_device_env): play and devices exit 1 with
 *     exactly one line on stderr, "adem: no audio output device found...",
 *     no ALSA or JACK noise, nothing on stdout;
 *   - device lost: the JACK server is SIGKILLed in the middle of a 20 s
 *     session (playing, and paused; the server in its synchronous mode
 *     `-S -t 2000` and in its default asynchronous one): adem exits 1 within
 *     1 s of the server's death (PortAudio's notice, not adem's stall timer)
 *     with one line on stderr, the minutes played still in the practice log
 *     (one line, "stopped", after the header), and never hangs (the test kills it after 10 s);
 *   - `adem devices` with the server running lists "system" on host API
 *     "JACK Audio Connection Kit" and marks one default with '*'; into a
 *     full disk (/dev/full) it exits 1 with one line;
 *   - PortAudio starts while the session is prepared (cmd_play.c): a
 *     mistake in the session is its one line and exit 2 with the server
 *     running, and the server serves the next play at once; on a server at
 *     44.1 kHz the cues prepared meanwhile at 48 kHz are prepared again, and
 *     the play equals `adem render --rate 44100` sample for sample.
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

static char pack[600], session20[600], alsa_none[600];
static char no_server[96], env_server[128], env_pw[128], env_alsa[700];

static const char no_device[] = "adem: no audio output device found";

/* The environment of a machine with no sound device: JACK_DEFAULT_SERVER
 * and PIPEWIRE_REMOTE name servers that do not run, and ALSA_CONFIG_PATH
 * points at a configuration whose only PCM is a card that does not exist.
 * (An empty configuration is not usable: PortAudio 19.6 then fails an
 * assertion in its ALSA device scan and aborts, PortAudio issue #294.) */
static const char *const *no_device_env(void)
{
    static const char *env[4];
    env[0] = env_server;
    env[1] = env_pw;
    env[2] = env_alsa;
    env[3] = NULL;
    return env;
}

/* Asserts err is exactly one line that starts with `start`. */
static void assert_one_line(const char *err, const char *start)
{
    if (e2e_count_lines(err) != 1 || strncmp(err, start, strlen(start)) != 0 ||
        err[strlen(err) - 1] != '\n')
        fail_msg("want one line starting '%s' on stderr, got:\n%s", start, err);
}

/* No JACK server and no ALSA card: play and devices exit 1 with one line. */
static void no_device_is_one_line(void **state)
{
    (void)state;
    const char *play[] = {"adem", "play", "478", NULL};
    const char *play_dev[] = {"adem", "play", "--no-ui", "--device", "system", "478", NULL};
    const char *devices[] = {"adem", "devices", NULL};
    const char *const *cmds[] = {play, play_dev, devices};
    for (int i = 0; i < 3; i++) {
        e2e_result r;
        e2e_run_env(cmds[i], no_device_env(), &r);
        print_message("      adem %s%s: exit %d, stderr: %s", cmds[i][1],
                      i == 1 ? " --device system" : "", r.status, r.err);
        assert_int_equal(r.status, 1);
        assert_one_line(r.err, no_device);
        assert_string_equal(r.out, "");
        e2e_result_free(&r);
    }
}

/* Starts adem on the 20 s session (with the script, if any) and waits
 * until it plays. Returns its pid; out/err files in *out, *err. */
static pid_t start_long_play(const char *script, char *out, char *err, size_t n)
{
    snprintf(out, n, "%s", e2e_path("lost.out"));
    snprintf(err, n, "%s", e2e_path("lost.err"));
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", "--voice", pack,
                          session20, script ? "--script" : NULL, script, NULL};
    /* In the sanitizer build: adem deliberately leaves the engine allocated
     * when the device is lost (the audio thread may still run), which
     * LeakSanitizer would turn into exit status 86. */
    const char *san[] = {"ASAN_OPTIONS=exitcode=86:detect_leaks=0", NULL};
    const char *const *env = getenv("ADEM_SANITIZE") ? san : NULL;
    for (int attempt = 1;; attempt++) {
        pid_t pid = e2e_spawn_adem(argv, env, out, err);
        if (live_jack_wait_connected("PortAudio:out_0", 15000))
            return pid;
        int st = e2e_stop(pid, SIGKILL, 2000);
        char *text = e2e_read_text(err);
        int missed = st == 1 && strncmp(text, no_device, sizeof no_device - 1) == 0;
        if (!missed || attempt == 3)
            fail_msg("adem did not start playing (status %d): %s", st, text);
        free(text);
        print_message("      (adem found no device while the JACK server runs: the machine is "
                      "overloaded; trying again)\n");
    }
}

/* The practice log of the test's XDG_STATE_HOME (e2e_spawn_adem sets it). */
static const char *log_file(void)
{
    static char p[700];
    snprintf(p, sizeof p, "%s/xdg-state/adem/log.tsv", e2e_tmpdir());
    return p;
}

/* Kills the server under a playing adem: it must exit 1 with one line within
 * 1 s of the server's death, write its practice-log line, and not hang. */
static void lose_device(const char *script, const char *what)
{
    char out[700], err[700];
    remove(log_file());
    pid_t pid = start_long_play(script, out, err, sizeof out);
    e2e_sleep_ms(1500);
    int st;
    assert_int_equal(e2e_wait(pid, 0, &st), 0); /* still playing */
    double t0 = e2e_now_ms();
    live_jack_kill_only(); /* returns when the server is dead */
    double dead = e2e_now_ms();
    int exited = e2e_wait(pid, 10000, &st);
    double took = e2e_now_ms() - dead;
    live_jack_stop(); /* the cleaning up after the killed server */
    if (!exited) {
        e2e_stop(pid, SIGKILL, 2000);
        fail_msg("adem still ran 10 s after its JACK server was killed (%s): it hangs", what);
    }
    char *e = e2e_read_text(err), *o = e2e_read_text(out), *log = e2e_read_text(log_file());
    print_message("      server killed while %s (kill took %.0f ms): exit %d %.0f ms after its "
                  "death: %s      log: %s", what, dead - t0, st, took, e, log);
    assert_int_equal(st, 1);
    assert_one_line(e, "adem: the audio device stopped");
    assert_null(strstr(o, "adem:")); /* stdout: at most the --no-ui lines */
    if (took >= 1000.0)
        fail_msg("adem noticed the lost device only after %.0f ms (want < 1000)", took);
    /* the header and one practice-log line: the session, stopped */
    if (e2e_count_lines(log) != 2 || !strstr(log, session20) || !strstr(log, "\tstopped"))
        fail_msg("want one practice-log line for %s, stopped; the log holds:\n%s", session20,
                 log);
    free(e);
    free(o);
    free(log);
}

/* The server dies while adem plays. */
static void device_lost_while_playing(void **state)
{
    (void)state;
    lose_device(NULL, "playing");
}

/* The server dies while adem is paused (the callback still runs). */
static void device_lost_while_paused(void **state)
{
    (void)state;
    const char *script = e2e_path("pause.script");
    e2e_write_file(script, "0.5 pause\n");
    char copy[700];
    snprintf(copy, sizeof copy, "%s", script);
    lose_device(copy, "paused");
}

/* The same two with the server in its asynchronous mode. */
static void device_lost_while_playing_async(void **state)
{
    device_lost_while_playing(state);
}

static void device_lost_while_paused_async(void **state)
{
    device_lost_while_paused(state);
}

/* With the server running, `adem devices` lists the JACK device "system"
 * and marks the default; with ALSA made to see nothing, that default is
 * "system". */
static void devices_lists_jack(void **state)
{
    (void)state;
    const char *argv[] = {"adem", "devices", NULL};
    for (int alsa_off = 0; alsa_off < 2; alsa_off++) {
        const char *env[] = {env_alsa, NULL};
        e2e_result r;
        for (int attempt = 1;; attempt++) {
            e2e_run_env(argv, alsa_off ? env : NULL, &r);
            if (r.status != 1 || attempt == 3 ||
                strncmp(r.err, no_device, sizeof no_device - 1) != 0)
                break;
            print_message("      (no device while the JACK server runs: overloaded; again)\n");
            e2e_result_free(&r);
        }
        print_message("      adem devices%s: exit %d\n%s", alsa_off ? " (no ALSA)" : "", r.status,
                      r.out);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.err, "");
        int defaults = 0, jack = 0, jack_default = 0;
        char *save = NULL;
        for (char *line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            int is_jack = strstr(line, " JACK Audio Connection Kit ") != NULL &&
                          strstr(line, " system ") != NULL && strstr(line, " 48000") != NULL;
            jack += is_jack;
            defaults += line[0] == '*';
            jack_default += is_jack && line[0] == '*';
        }
        assert_int_equal(jack, 1);
        assert_int_equal(defaults, 1);
        if (alsa_off)
            assert_int_equal(jack_default, 1);
        e2e_result_free(&r);
    }
    /* its list into a full disk: exit 1 with one line, not 0 */
    const char *errp = e2e_path("devices-full.err");
    pid_t pid = e2e_spawn_adem(argv, NULL, "/dev/full", errp);
    int st;
    if (!e2e_wait(pid, 30000, &st)) {
        e2e_stop(pid, SIGKILL, 1000);
        fail_msg("adem devices >/dev/full did not finish within 30 s");
    }
    char *err = e2e_read_text(errp);
    print_message("      adem devices >/dev/full: exit %d: %s", st, err);
    assert_int_equal(st, 1);
    assert_one_line(err, "adem: writing to standard output failed: No space left on device");
    free(err);
}

/* A mistake in the session while PortAudio starts on its own thread: its one
 * line and exit 2, and PortAudio ends properly (a JACK client left open would
 * stall the synchronous server): the next play runs at once. */
static void session_mistake_while_portaudio_starts(void **state)
{
    (void)state;
    char bad[600];
    snprintf(bad, sizeof bad, "%s", e2e_path("fout.adem"));
    e2e_write_file(bad, "session \"Fout\"\nwait tien\n");
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", "--voice", pack, bad,
                          NULL};
    e2e_result r;
    e2e_run(argv, &r);
    print_message("      adem play fout.adem: exit %d: %s", r.status, r.err);
    assert_int_equal(r.status, 2);
    assert_one_line(r.err, "adem: ");
    assert_non_null(strstr(r.err, "fout.adem:2:"));
    e2e_result_free(&r);
    char once[600];
    snprintf(once, sizeof once, "%s", e2e_path("een.adem"));
    e2e_write_file(once, "session \"Een\"\nspeak tik\n");
    const char *play[] = {"adem", "play", "--no-ui", "--device", "system", "--voice", pack, once,
                          NULL};
    double t0 = e2e_now_ms();
    e2e_run(play, &r);
    double ms = e2e_now_ms() - t0;
    print_message("      then adem play een.adem: exit %d in %.0f ms: %s", r.status, ms, r.err);
    assert_int_equal(r.status, 0);
    assert_true(ms < 10000); /* a stalled server holds every client for 20 s */
    e2e_result_free(&r);
}

/* On a server at 44.1 kHz (the 48 kHz the cues were prepared at meanwhile is
 * not the device's): adem plays at 44.1 kHz, and the capture equals the
 * render at --rate 44100 sample for sample, with no cue starved. */
static void plays_at_the_device_rate(void **state)
{
    (void)state;
    char session[600];
    snprintf(session, sizeof session, "%s", e2e_path("rate.adem"));
    e2e_write_file(session, "session \"Rate\"\nwait 100ms\nspeak tik\nwait 700ms\nspeak tik\n"
                            "phase \"In\" 300ms tone=rise\nspeak tik\n");
    float *ref;
    int64_t n = e2e_render_f32_at(pack, session, 44100, &ref);
    const char *argv[] = {"adem", "play", "--no-ui", "--verbose", "--device", "system",
                          "--voice", pack, session, NULL};
    const char *env[] = {"ADEM_MEASURE=1", NULL};
    live_run live;
    live_start(argv, env, &live);
    live_finish(&live, 60000);
    print_message("      %s", live.err);
    assert_int_equal(live.status, 0);
    assert_int_equal(live.rate, 44100);
    assert_non_null(strstr(live.err, " at 44100 Hz (the device's default rate"));
    assert_non_null(strstr(live.err, "adem: starved 0\n"));
    live_assert_same_sound(live.cap, live.frames, ref, n);
    live_free(&live);
    free(ref);
}

/* The same, in JACK's default asynchronous mode (no -S -t 2000). */
static int start_server_async(void **state)
{
    (void)state;
    live_jack_start_async(RATE, PERIOD);
    return 0;
}

/* Writes the voice pack, the 20 s session and the no-card ALSA config. */
static int group_setup(void **state)
{
    (void)state;
    snprintf(pack, sizeof pack, "%s", e2e_path("pack"));
    e2e_mkdir(pack);
    e2e_write_impulse_cue(pack, "tik", RATE, 2400, 0.5f);
    e2e_write_file(e2e_path("pack/transcript.tsv"), "tik\ttik\n");
    snprintf(session20, sizeof session20, "%s", e2e_path("twintig.adem"));
    e2e_write_file(session20, "session \"Twintig\"\nrepeat 400\n  speak tik\nend\n");
    snprintf(alsa_none, sizeof alsa_none, "%s", e2e_path("alsa-none.conf"));
    e2e_write_file(alsa_none, "# no sound card: one PCM on a card that does not exist\n"
                              "pcm.adem_none {\n  type hw\n  card 99\n}\n");
    snprintf(no_server, sizeof no_server, "adem-test-none-%ld", (long)getpid());
    snprintf(env_server, sizeof env_server, "JACK_DEFAULT_SERVER=%s", no_server);
    snprintf(env_pw, sizeof env_pw, "PIPEWIRE_REMOTE=%s", no_server);
    snprintf(env_alsa, sizeof env_alsa, "ALSA_CONFIG_PATH=%s", alsa_none);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_device_is_one_line),
        cmocka_unit_test_setup_teardown(device_lost_while_playing, live_setup_jack48,
                                        live_teardown_jack),
        cmocka_unit_test_setup_teardown(device_lost_while_paused, live_setup_jack48,
                                        live_teardown_jack),
        cmocka_unit_test_setup_teardown(device_lost_while_playing_async, start_server_async,
                                        live_teardown_jack),
        cmocka_unit_test_setup_teardown(device_lost_while_paused_async, start_server_async,
                                        live_teardown_jack),
        cmocka_unit_test_setup_teardown(devices_lists_jack, live_setup_jack48, live_teardown_jack),
        cmocka_unit_test_setup_teardown(session_mistake_while_portaudio_starts, live_setup_jack48,
                                        live_teardown_jack),
        cmocka_unit_test_setup_teardown(plays_at_the_device_rate, live_setup_jack44,
                                        live_teardown_jack),
    };
    return cmocka_run_group_tests(tests, group_setup, e2e_group_teardown);
}
