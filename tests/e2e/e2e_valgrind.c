/* e2e_valgrind: the real binary under valgrind's memcheck. A whole render of
 * 478 to a WAV file, and some error paths (a session error, a broken voice
 * pack, a render that fails half-way on a damaged cue): no memory errors and
 * nothing leaked ("definitely lost: 0", or all heap blocks freed), with the
 * exit status adem gives without valgrind. Not built with the sanitizers
 * (they cannot run under valgrind); skipped when valgrind is missing.
 * POSIX (tests only). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "e2e.h"

/* Runs `valgrind ... $ADEM_BIN args` (args: a shell string) and checks that
 * adem exited with want_status and that valgrind found no error and no leak. */
static void memcheck(const char *args, int want_status)
{
    char log[700], script[700], cmd[3000];
    snprintf(log, sizeof log, "%s/valgrind.log", e2e_tmpdir());
    snprintf(script, sizeof script, "%s/valgrind.sh", e2e_tmpdir());
    snprintf(cmd, sizeof cmd,
             "XDG_DATA_HOME='%s/xdg' valgrind --leak-check=full --show-leak-kinds=definite,indirect "
             "--errors-for-leak-kinds=definite,indirect --error-exitcode=9 --log-file='%s' "
             "\"$ADEM_BIN\" >/dev/null 2>&1 %s\n",
             e2e_tmpdir(), log, args);
    e2e_write_file(script, cmd);
    snprintf(cmd, sizeof cmd, "bash '%s'", script);
    int st = system(cmd);
    char *text = e2e_read_text(log);
    int status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    int no_leak = strstr(text, "definitely lost: 0 bytes") != NULL ||
                  strstr(text, "All heap blocks were freed -- no leaks are possible") != NULL;
    int no_error = strstr(text, "ERROR SUMMARY: 0 errors") != NULL;
    if (status != want_status || !no_leak || !no_error)
        fail_msg("adem %s under valgrind: exit %d (want %d), leak-free %d, error-free %d:\n%s",
                 args, status, want_status, no_leak, no_error, text);
    free(text);
}

static void test_render_478(void **state)
{
    (void)state;
    if (system("valgrind --version >/dev/null 2>&1") != 0) {
        skip();
        return;
    }
    char args[800];
    snprintf(args, sizeof args, "render 478 -o '%s/478.wav'", e2e_tmpdir());
    memcheck(args, 0);
    snprintf(args, sizeof args, "%s/478.wav", e2e_tmpdir());
    assert_true(e2e_exists(args));
}

static void test_error_paths(void **state)
{
    (void)state;
    if (system("valgrind --version >/dev/null 2>&1") != 0) {
        skip();
        return;
    }
    const char *src = getenv("ADEM_SOURCE_DIR");
    assert_non_null(src);
    char pack[700], args[2000];
    memcheck("check 478 --set cycles=4s", 2);
    snprintf(args, sizeof args, "check '%s/tests/bad/play_cycle.adem'", src);
    memcheck(args, 2);
    /* a pack with a malformed transcript */
    snprintf(pack, sizeof pack, "%s/pack", e2e_tmpdir());
    assert_int_equal(mkdir(pack, 0755), 0);
    e2e_write_impulse_cue(pack, "a", 48000, 480, 0.5f);
    char tsv[800];
    snprintf(tsv, sizeof tsv, "%s/transcript.tsv", pack);
    e2e_write_file(tsv, "a\tA\na\tB\n");
    snprintf(args, sizeof args, "check --voice '%s' '%s/tests/bad/speak_a.adem'", pack, src);
    memcheck(args, 2);
    /* a render that fails while decoding (a FLAC damaged after its header),
     * and renders whose output cannot be written */
    e2e_write_file(tsv, "a\tA\n");
    char cue[800];
    snprintf(cue, sizeof cue, "%s/a.flac", pack);
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = 44100; /* resampled to 48 kHz: the converter is freed too */
    info.channels = 1;
    info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    SNDFILE *sf = sf_open(cue, SFM_WRITE, &info);
    assert_non_null(sf);
    static float sine[88200];
    for (int i = 0; i < 88200; i++)
        sine[i] = 0.5f * (float)sin(2.0 * 3.14159265358979 * 440.0 * i / 44100.0);
    assert_int_equal(sf_writef_float(sf, sine, 88200), 88200);
    sf_close(sf);
    snprintf(args, sizeof args, "%s/a.wav", pack);
    remove(args);
    FILE *f = fopen(cue, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, size / 3, SEEK_SET);
    for (int i = 0; i < 2000; i++)
        fputc((i * 7919) & 0xFF, f);
    fclose(f);
    snprintf(args, sizeof args, "render --voice '%s' '%s/tests/bad/speak_a.adem' -o '%s/x.wav'",
             pack, src, e2e_tmpdir());
    memcheck(args, 2);
    memcheck("render 478 --set cycles=1 -o /nonexistent-adem-folder/x.flac", 1);
    memcheck("render 478 --set cycles=1 -o - >/dev/full", 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_478),
        cmocka_unit_test(test_error_paths),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
