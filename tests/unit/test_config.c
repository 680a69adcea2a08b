/* test_config: the config file parser (src/io/config.c): every key with its
 * exact value, the syntax (comments, quotes, blanks, CRLF, a byte order mark),
 * every kind of mistake at its exact line:col with its message, voice folders
 * (~/, relative to the file, missing), and config_load on a missing file, a
 * folder and an oversized file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "io/config.h"
#include "e2e.h"

/* Parses text as the file `path`; returns config_parse's result. */
static int parse_as(const char *path, const char *text, adem_config *c, adem_diag *d)
{
    config_init(c);
    diag_clear(d);
    return config_parse(c, text, strlen(text), path, d);
}

/* Parses text as /etc/adem/config. */
static int parse(const char *text, adem_config *c, adem_diag *d)
{
    return parse_as("/etc/adem/config", text, c, d);
}

/* Asserts that text fails at line:col with exactly msg. */
static void fails_at(const char *text, int line, int col, const char *msg)
{
    adem_config c;
    adem_diag d;
    if (parse(text, &c, &d) != -1)
        fail_msg("accepted: %s", text);
    assert_string_equal(d.file, "/etc/adem/config");
    if (d.line != line || d.col != col)
        fail_msg("'%s': want %d:%d, got %d:%d (%s)", text, line, col, d.line, d.col, d.msg);
    assert_string_equal(d.msg, msg);
    assert_int_equal(d.status, ADEM_EXIT_INPUT);
}

/* Every key, with the value it stands for. */
static void test_every_key(void **state)
{
    (void)state;
    adem_config c;
    adem_diag d;
    const char *text = "# adem settings\n"
                       "device = USB Audio   # the class room\n"
                       "voice = nl\n"
                       "volume = -6dB\n"
                       "voice-level = +3\n"
                       "tone-level = -12.5db\n"
                       "bed-level=0\n"
                       "max-level = -12\n"
                       "latency = 200\n"
                       "channels = 4\n"
                       "countdown = 1m30s\n"
                       "log = on\n";
    assert_int_equal(parse(text, &c, &d), 0);
    assert_int_equal(c.set, CONFIG_DEVICE | CONFIG_VOICE | CONFIG_VOLUME | CONFIG_VOICE_LEVEL |
                                CONFIG_TONE_LEVEL | CONFIG_BED_LEVEL | CONFIG_MAX_LEVEL |
                                CONFIG_LATENCY | CONFIG_CHANNELS | CONFIG_COUNTDOWN | CONFIG_LOG);
    assert_string_equal(c.device, "USB Audio");
    assert_string_equal(c.voice, "nl");
    assert_true(c.volume_db == -6.0);
    assert_true(c.voice_db == 3.0);
    assert_true(c.tone_db == -12.5);
    assert_true(c.bed_db == 0.0);
    assert_true(c.max_level_db == -12.0);
    assert_int_equal(c.latency_ms, 200);
    assert_int_equal(c.channels, 4);
    assert_int_equal(c.countdown_ms, 90000);
    assert_int_equal(c.log, 1);
}

/* Only what the file gives is set; an empty or comment-only file sets nothing. */
static void test_unset(void **state)
{
    (void)state;
    adem_config c;
    adem_diag d;
    assert_int_equal(parse("", &c, &d), 0);
    assert_int_equal(c.set, 0);
    assert_int_equal(parse("\n  \n# only a comment\n\t# another\n", &c, &d), 0);
    assert_int_equal(c.set, 0);
    assert_int_equal(parse("log = off", &c, &d), 0); /* no final newline */
    assert_int_equal(c.set, CONFIG_LOG);
    assert_int_equal(c.log, 0);
}

/* Quotes keep spaces and '#', with \" and \\; a backslash before anything
 * else stays (Windows folders). CRLF and a byte order mark are fine. */
static void test_syntax(void **state)
{
    (void)state;
    adem_config c;
    adem_diag d;
    assert_int_equal(parse("\xEF\xBB\xBF"
                           "device = \"  Kanaal #2 \\\"links\\\" \\\\ \"  # comment\r\n"
                           "  channels\t=\t2\t\r\n",
                           &c, &d),
                     0);
    assert_string_equal(c.device, "  Kanaal #2 \"links\" \\ ");
    assert_int_equal(c.channels, 2);
    assert_int_equal(parse("device = \"C:\\Geluid\\kaart\"\n", &c, &d), 0);
    assert_string_equal(c.device, "C:\\Geluid\\kaart");
}

/* Each mistake at its line and column, with what to do. */
static void test_mistakes(void **state)
{
    (void)state;
    fails_at("# c\n\nvolume = loud\n", 3, 10,
             "volume = loud is not a level from -60 to +12 dB; write e.g. volume = -6dB");
    fails_at("  volum = 3\n", 1, 3,
             "unknown setting 'volum'; the settings are device, voice, volume, voice-level, "
             "tone-level, bed-level, max-level, latency, channels, countdown and log");
    fails_at("volume -6dB\n", 1, 8,
             "expected '=' after 'volume'; write one setting per line as key = value, e.g. "
             "volume = -6dB");
    fails_at("volume\n", 1, 7,
             "expected '=' after 'volume'; write one setting per line as key = value, e.g. "
             "volume = -6dB");
    fails_at("= 4\n", 1, 1,
             "a setting needs a name before '='; write one setting per line as key = value, e.g. "
             "volume = -6dB");
    fails_at("volume =   \n", 1, 12, "'volume' has no value; write e.g. volume = -6dB, or remove the line");
    fails_at("volume = # later\n", 1, 10, "'volume' has no value; write e.g. volume = -6dB, or remove the line");
    fails_at("channels = 2\nvolume = 0\n channels = 4\n", 3, 2,
             "'channels' is set twice (first on line 1); keep one of the two");
    fails_at("device = \"USB\n", 1, 10, "the quoted value is not closed; end it with \" on the same line");
    fails_at("device = \"USB\" 2\n", 1, 16, "unexpected text after the quoted value; start a comment with #");
    fails_at("volume = 13\n", 1, 10,
             "volume = 13 is not a level from -60 to +12 dB; write e.g. volume = -6dB");
    fails_at("bed-level = -61dB\n", 1, 13,
             "bed-level = -61dB is not a level from -60 to +12 dB; write e.g. bed-level = -6dB");
    fails_at("max-level = 1\n", 1, 13,
             "max-level = 1 is not a level from -60 to 0 dB; write e.g. max-level = -12dB");
    fails_at("volume = nan\n", 1, 10, "volume = nan is not a level from -60 to +12 dB; write e.g. volume = -6dB");
    fails_at("latency = 0\n", 1, 11,
             "latency = 0 is not a latency from 1 to 2000 (milliseconds); write e.g. latency = 200");
    fails_at("latency = 200ms\n", 1, 11,
             "latency = 200ms is not a latency from 1 to 2000 (milliseconds); write e.g. latency = 200");
    fails_at("channels = 9\n", 1, 12, "channels = 9 is not a channel count from 1 to 8; write e.g. channels = 2");
    fails_at("countdown = 11m\n", 1, 13, "countdown = 11m is not a duration up to 10m; write e.g. countdown = 10s");
    fails_at("countdown = 10sec\n", 1, 13,
             "countdown 10sec: unknown unit 'sec' in duration '10sec'; write 4s, 250ms, 2m or 1h");
    fails_at("log = yes\n", 1, 7, "log = yes is not on or off; write e.g. log = on");
    fails_at("voice = mijn stem\n", 1, 9,
             "voice 'mijn stem' is neither a pack name (letters, digits, _ and -) nor a folder; write "
             "a pack name (voice = nl) or the folder of a pack");
}

/* Columns count characters, not bytes; a NUL byte is refused at its place. */
static void test_columns(void **state)
{
    (void)state;
    fails_at("device = \"é\" x\n", 1, 14, "unexpected text after the quoted value; start a comment with #");
    adem_config c;
    adem_diag d;
    config_init(&c);
    diag_clear(&d);
    const char text[] = "log = on\nvol\0ume = 1\n";
    assert_int_equal(config_parse(&c, text, sizeof text - 1, "/x/config", &d), -1);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 4);
    assert_string_equal(d.msg, "the file contains a NUL byte; a config file is plain text: key = value lines");
}

/* A voice folder: ~/ is under HOME, a relative one under the config file's
 * folder (./ dropped), an absolute one as it is; it must exist. */
static void test_voice_folders(void **state)
{
    (void)state;
    char home[600], pack[700], cfgdir[700], rel[800], cfg[800], want[900];
    snprintf(home, sizeof home, "%s/home", e2e_tmpdir());
    snprintf(pack, sizeof pack, "%s/opnames", home);
    snprintf(cfgdir, sizeof cfgdir, "%s/cfg", e2e_tmpdir());
    snprintf(rel, sizeof rel, "%s/stem", cfgdir);
    snprintf(cfg, sizeof cfg, "%s/config", cfgdir);
    assert_int_equal(mkdir(home, 0755), 0);
    assert_int_equal(mkdir(pack, 0755), 0);
    assert_int_equal(mkdir(cfgdir, 0755), 0);
    assert_int_equal(mkdir(rel, 0755), 0);
    setenv("HOME", home, 1);
    adem_config c;
    adem_diag d;
    assert_int_equal(parse_as(cfg, "voice = ~/opnames\n", &c, &d), 0);
    assert_string_equal(c.voice, pack);
    assert_int_equal(parse_as(cfg, "voice = ./stem\n", &c, &d), 0);
    assert_string_equal(c.voice, rel);
    assert_int_equal(parse_as(cfg, "voice = stem/\n", &c, &d), 0);
    snprintf(want, sizeof want, "%s/", rel);
    assert_string_equal(c.voice, want);
    snprintf(want, sizeof want, "voice = \"%s\"\n", pack);
    assert_int_equal(parse_as(cfg, want, &c, &d), 0);
    assert_string_equal(c.voice, pack);
    assert_int_equal(parse_as(cfg, "voice = ./weg\n", &c, &d), -1);
    snprintf(want, sizeof want,
             "the voice folder %s/weg does not exist; write a pack name (voice = nl) or the folder of a "
             "pack",
             cfgdir);
    assert_string_equal(d.msg, want);
    assert_int_equal(d.col, 9);
    assert_int_equal(c.set & CONFIG_VOICE, 0);
    unsetenv("HOME");
    assert_int_equal(parse_as(cfg, "voice = ~/opnames\n", &c, &d), -1);
    assert_string_equal(d.msg, "voice ~/opnames starts with ~ but HOME is not set; write the folder in full");
}

/* config_load: a missing file is no error; a folder, or a file over 64 KB, is. */
static void test_load(void **state)
{
    (void)state;
    adem_config c;
    adem_diag d;
    config_init(&c);
    diag_clear(&d);
    assert_int_equal(config_load(&c, e2e_path("no-such-config"), &d), 0);
    assert_int_equal(c.set, 0);

    const char *file = e2e_path("config");
    e2e_write_file(file, "channels = 2\nvolume = x\n");
    assert_int_equal(config_load(&c, file, &d), -1);
    assert_string_equal(d.file, file);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 10);

    config_init(&c);
    e2e_write_file(file, "# ok\ntone-level = -3dB\n");
    assert_int_equal(config_load(&c, file, &d), 0);
    assert_int_equal(c.set, CONFIG_TONE_LEVEL);
    assert_true(c.tone_db == -3.0);

    char msg[ADEM_DIAG_MSG_MAX];
    diag_clear(&d);
    assert_int_equal(config_load(&c, e2e_tmpdir(), &d), -1);
    snprintf(msg, sizeof msg, "the config file %s is a folder; remove it or make it a file", e2e_tmpdir());
    assert_string_equal(d.msg, msg);
    assert_int_equal(d.line, 0);

    char *big = malloc(CONFIG_FILE_MAX + 2);
    assert_non_null(big);
    memset(big, '#', CONFIG_FILE_MAX + 1);
    big[CONFIG_FILE_MAX + 1] = '\0';
    e2e_write_file(file, big);
    free(big);
    diag_clear(&d);
    assert_int_equal(config_load(&c, file, &d), -1);
    snprintf(msg, sizeof msg,
             "the config file %s is larger than 64 KB; it should hold a few key = value lines", file);
    assert_string_equal(d.msg, msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key),      cmocka_unit_test(test_unset),
        cmocka_unit_test(test_syntax),         cmocka_unit_test(test_mistakes),
        cmocka_unit_test(test_columns),        cmocka_unit_test(test_voice_folders),
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
