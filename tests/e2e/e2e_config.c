/* e2e_config: the user's config file ($XDG_CONFIG_HOME/adem/config; e2e_run
 * points XDG_CONFIG_HOME into the test's temp dir) as the real binary meets
 * it: `voice` is used by render (also relative to the file's folder) and
 * --voice wins; the levels give the same samples as the options of the same
 * name, and the options win; a bad line is one error with file:line:col and
 * exit 2 for every command, after the command line's own errors and never for
 * --help; and on a private JACK server `device` and `channels` are used by
 * play and --device/--channels win. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "e2e.h"
#include "live.h"

enum { RATE = 48000 };

/* The config file's path, its folder created. */
static const char *config_path(void)
{
    static char path[700];
    char dir[650];
    snprintf(dir, sizeof dir, "%s/xdg-config", e2e_tmpdir());
    mkdir(dir, 0755);
    snprintf(dir, sizeof dir, "%s/xdg-config/adem", e2e_tmpdir());
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/config", dir);
    return path;
}

/* Writes the config file (NULL removes it). */
static void set_config(const char *text)
{
    if (text)
        e2e_write_file(config_path(), text);
    else
        remove(config_path());
}

/* Makes a voice pack at dir with one cue "hallo" of `frames` frames. */
static void make_pack(const char *dir, int64_t frames)
{
    mkdir(dir, 0755);
    e2e_write_impulse_cue(dir, "hallo", RATE, frames, 0.5f);
    char tsv[1024];
    snprintf(tsv, sizeof tsv, "%s/transcript.tsv", dir);
    e2e_write_file(tsv, "hallo\tHallo.\n");
}

/* Writes the session that speaks "hallo" then waits 100 ms; returns its path. */
static const char *hallo_session(void)
{
    static char path[700];
    snprintf(path, sizeof path, "%s", e2e_path("hallo.adem"));
    e2e_write_file(path, "session \"Hallo\"\nspeak hallo\nwait 100ms\n");
    return path;
}

/* Renders argv (ending in -o OUT) and returns the frames written; fails on error. */
static int64_t render_frames(const char *const *argv, const char *out)
{
    e2e_result r;
    e2e_run(argv, &r);
    if (r.status != 0)
        fail_msg("render failed (%d): %s", r.status, r.err);
    e2e_result_free(&r);
    float *s = NULL;
    int ch = 0, rate = 0;
    int64_t frames = e2e_read_audio(out, &s, &ch, &rate);
    free(s);
    remove(out);
    return frames;
}

/* `voice = DIR` is the pack render uses; --voice on the command line wins;
 * without the config the cue is in no pack (so it was the config). */
static void test_voice(void **state)
{
    (void)state;
    char p1[700], p2[700], line[800];
    snprintf(p1, sizeof p1, "%s", e2e_path("pack-kort"));
    snprintf(p2, sizeof p2, "%s", e2e_path("pack-lang"));
    make_pack(p1, 4800);
    make_pack(p2, 9600);
    const char *session = hallo_session(), *out = e2e_path("out.wav");
    snprintf(line, sizeof line, "# my voice\nvoice = %s\n", p1);
    set_config(line);
    const char *plain[] = {"adem", "render", session, "-o", out, NULL};
    assert_int_equal(render_frames(plain, out), 4800 + 4800);
    const char *cli[] = {"adem", "render", "--voice", p2, session, "-o", out, NULL};
    assert_int_equal(render_frames(cli, out), 9600 + 4800);

    set_config(NULL);
    e2e_result r;
    e2e_run(plain, &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "hallo"));
    e2e_result_free(&r);
}

/* A relative voice folder is under the config file's folder. */
static void test_voice_relative(void **state)
{
    (void)state;
    char pack[800];
    config_path();
    snprintf(pack, sizeof pack, "%s/xdg-config/adem/mijn-stem", e2e_tmpdir());
    make_pack(pack, 2400);
    set_config("voice = ./mijn-stem\n");
    const char *session = hallo_session(), *out = e2e_path("rel.wav");
    const char *argv[] = {"adem", "render", session, "-o", out, NULL};
    assert_int_equal(render_frames(argv, out), 2400 + 4800);
    set_config(NULL);
}

/* Renders argv to out and returns its bytes (caller frees). */
static char *render_bytes(const char *const *argv, const char *out, size_t *n)
{
    e2e_result r;
    e2e_run(argv, &r);
    if (r.status != 0)
        fail_msg("render failed (%d): %s", r.status, r.err);
    e2e_result_free(&r);
    char *b = e2e_read_file(out, n);
    remove(out);
    return b;
}

/* The mix settings give the very samples of the options of the same name,
 * and the options given on the command line win over them. */
static void test_levels(void **state)
{
    (void)state;
    const char *session = e2e_path("toon.adem"), *out = e2e_path("lv.wav");
    e2e_write_file(session, "session \"Toon\"\nbed pink -20dB\nphase \"x\" 2s tone=steady\nbell\n");
    const char *plain[] = {"adem", "render", session, "-o", out, NULL};
    const char *opts[] = {"adem", "render", "--volume", "-6", "--tone-level", "-3dB", "--bed-level", "-9",
                          "--max-level", "-12", session, "-o", out, NULL};
    const char *back[] = {"adem", "render", "--volume", "0", "--tone-level", "0", "--bed-level", "0",
                          "--max-level", "-1", session, "-o", out, NULL};
    size_t n_none, n_opts, n_cfg, n_back;
    set_config(NULL);
    char *none = render_bytes(plain, out, &n_none);
    char *with_opts = render_bytes(opts, out, &n_opts);
    set_config("volume = -6dB\ntone-level = -3\nbed-level = -9dB\nmax-level = -12dB\n");
    char *with_cfg = render_bytes(plain, out, &n_cfg);
    char *overridden = render_bytes(back, out, &n_back);
    set_config(NULL);
    assert_int_equal(n_cfg, n_opts);
    assert_memory_equal(with_cfg, with_opts, n_opts);
    assert_int_equal(n_none, n_opts);
    assert_memory_not_equal(none, with_opts, n_opts);
    assert_int_equal(n_back, n_none);
    assert_memory_equal(overridden, none, n_none);
    free(none);
    free(with_opts);
    free(with_cfg);
    free(overridden);
}

/* A bad line: one error line with file:line:col, exit 2, nothing else done,
 * for every command. */
static void test_bad_line(void **state)
{
    (void)state;
    set_config("channels = 2\n\nvolume = loud  # too loud\n");
    char want[1200];
    snprintf(want, sizeof want,
             "adem: %s:3:10: volume = loud is not a level from -60 to +12 dB; write e.g. volume = -6dB\n",
             config_path());
    const char *out = e2e_path("never.wav");
    const char *cmds[][6] = {{"adem", "show", "478", NULL},
                             {"adem", "list", NULL},
                             {"adem", "check", e2e_path("hallo.adem"), NULL},
                             {"adem", "render", "478", "-o", out, NULL},
                             {"adem", "voices", NULL},
                             {"adem", "play", "--no-ui", "478", NULL}};
    hallo_session();
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        e2e_result r;
        e2e_run(cmds[i], &r);
        if (r.status != 2 || strcmp(r.err, want) != 0)
            fail_msg("adem %s: want 2 and %s got %d and %s", cmds[i][1], want, r.status, r.err);
        assert_int_equal(r.out_len, 0);
        e2e_result_free(&r);
    }
    assert_false(e2e_exists(out));

    set_config("  volum = 3\n");
    snprintf(want, sizeof want,
             "adem: %s:1:3: unknown setting 'volum'; the settings are device, voice, volume, "
             "voice-level, tone-level, bed-level, max-level, latency, channels, countdown and log\n",
             config_path());
    const char *show[] = {"adem", "show", "478", NULL};
    e2e_result r;
    e2e_run(show, &r);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, want);
    e2e_result_free(&r);
    set_config(NULL);
}

/* --help works with a broken config; the command line's own mistake is the
 * one reported. */
static void test_help_and_order(void **state)
{
    (void)state;
    set_config("volume = loud\n");
    const char *h1[] = {"adem", "play", "--help", NULL};
    const char *h2[] = {"adem", "--help", NULL};
    const char *h3[] = {"adem", "--version", NULL};
    const char *const *helps[] = {h1, h2, h3};
    for (int i = 0; i < 3; i++) {
        e2e_result r;
        e2e_run(helps[i], &r);
        assert_int_equal(r.status, 0);
        assert_int_equal(r.err_len, 0);
        assert_true(r.out_len > 0);
        e2e_result_free(&r);
    }
    const char *bogus[] = {"adem", "show", "--bogus", "478", NULL};
    e2e_result r;
    e2e_run(bogus, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "--bogus"));
    e2e_result_free(&r);
    set_config(NULL);
}

/* On a private JACK server: `device` in the config is the device play opens
 * (a name no device has is refused), --device wins; `channels` likewise. */
static void test_play_device(void **state)
{
    (void)state;
    const char *session = e2e_path("kort.adem");
    e2e_write_file(session, "session \"Kort\"\nwait 300ms\n");
    live_jack_start(RATE, 256);
    const char *play[] = {"adem", "play", "--no-ui", session, NULL};
    const char *play_dev[] = {"adem", "play", "--no-ui", "--device", "system", session, NULL};
    const char *play_ch[] = {"adem", "play", "--no-ui", "--channels", "2", session, NULL};
    e2e_result r;

    set_config("device = geen-zulk-apparaat\n");
    e2e_run(play, &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--device geen-zulk-apparaat: no output device has that name"));
    e2e_result_free(&r);
    e2e_run(play_dev, &r);
    if (r.status != 0)
        fail_msg("--device system did not win over the config: %d %s", r.status, r.err);
    e2e_result_free(&r);

    set_config("device = system\nchannels = 8\n");
    e2e_run(play, &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "system has 2 output channels"));
    e2e_result_free(&r);
    e2e_run(play_ch, &r);
    if (r.status != 0)
        fail_msg("--channels 2 did not win over the config: %d %s", r.status, r.err);
    e2e_result_free(&r);

    set_config(NULL);
    live_jack_stop();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_voice),      cmocka_unit_test(test_voice_relative),
        cmocka_unit_test(test_levels),     cmocka_unit_test(test_bad_line),
        cmocka_unit_test(test_help_and_order), cmocka_unit_test(test_play_device),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
