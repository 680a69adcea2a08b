/* e2e_long: a 10-hour session rendered by the real binary to -o - (s16) into
 * a pipe this test reads and counts, never to disk: 4-7-8-like cycles with
 * impulse cues, breathing tones and a pink bed, then silence and one last
 * impulse. Asserts the exact total of frames and the exact frame of the last
 * impulse, both computed here from the timing rule
 *     frame = floor(ms * rate / 1000) + cue frames
 * and that the peak memory of a 10-hour render is within a few MB of a
 * 10-minute one (nothing grows with the session's length).
 * Takes about a minute (ctest label "long"). POSIX (tests only). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "rt/engine.h"

extern char **environ;

enum { RATE = 48000, CUE_A = 1000, CUE_B = 2205, CUE_C = 48000, CUE_Z = 4800 };

/* The session: one cycle lasts 19 s of phases plus cue a's 1000 frames. */
static const char session_text[] = "session \"Tien uur\"\n"
                                   "param cycles 1892\n"
                                   "bed pink -30dB\n"
                                   "speak a\n"
                                   "wait 1250ms\n"
                                   "repeat $cycles\n"
                                   "  phase \"in\" 4s cue=b tone=rise\n"
                                   "  phase \"vast\" 7s tone=steady\n"
                                   "  phase \"uit\" 8s cue=c tone=fall\n"
                                   "  speak a\n"
                                   "end\n"
                                   "bed off\n"
                                   "wait 3s\n"
                                   "speak z\n";

/* What a render into the pipe gave. */
typedef struct counted {
    int status;
    int64_t frames;      /* frames read */
    int64_t last_sound;  /* the last frame with a nonzero sample, or -1 */
    int16_t last_l, last_r;
    long maxrss_kb;      /* adem's peak memory */
    double seconds;
} counted;

/* The expected frame of the last impulse (z) and the total, for n cycles,
 * from the timing rule. */
static void expected(int64_t n, int64_t *z, int64_t *total)
{
    int64_t ms = 0, cf = 0;
    cf += CUE_A;             /* speak a */
    ms += 1250;              /* wait */
    ms += n * (4000 + 7000 + 8000);
    cf += n * CUE_A;         /* speak a in each cycle */
    ms += 3000;              /* wait after bed off */
    *z = ms * RATE / 1000 + cf;
    *total = *z + CUE_Z;
}

/* Renders the session with `cycles` cycles to a pipe and reads all of it. */
static void render_counted(const char *session, const char *pack, int64_t cycles, counted *c)
{
    char set[64];
    snprintf(set, sizeof set, "cycles=%lld", (long long)cycles);
    const char *bin = getenv("ADEM_BIN");
    assert_non_null(bin);
    char *argv[] = {(char *)bin, "render", "--voice", (char *)pack, "--set", set,
                    (char *)session, "-o", "-", "--format", "s16", NULL};
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addclose(&fa, fd[1]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    if (rc != 0)
        fail_msg("cannot run %s: %s", bin, strerror(rc));
    enum { BUF = 1 << 20 };
    unsigned char *buf = malloc(BUF + 4);
    size_t have = 0; /* bytes of an incomplete frame carried over */
    c->frames = 0;
    c->last_sound = -1;
    for (;;) {
        ssize_t got = read(fd[0], buf + have, BUF - have);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        size_t n = have + (size_t)got, whole = n / 4 * 4;
        for (size_t i = 0; i < whole; i += 4) {
            int16_t l = (int16_t)(buf[i] | buf[i + 1] << 8);
            int16_t r = (int16_t)(buf[i + 2] | buf[i + 3] << 8);
            if (l != 0 || r != 0) {
                c->last_sound = c->frames + (int64_t)(i / 4);
                c->last_l = l;
                c->last_r = r;
            }
        }
        c->frames += (int64_t)(whole / 4);
        have = n - whole;
        memmove(buf, buf + whole, have);
    }
    close(fd[0]);
    free(buf);
    assert_int_equal(have, 0);
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR) {
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    c->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    c->maxrss_kb = ru.ru_maxrss;
}

/* Writes the impulse pack and the session into the temp folder. */
static void make_inputs(char *session, char *pack, size_t n)
{
    snprintf(pack, n, "%s/imp", e2e_tmpdir());
    assert_int_equal(mkdir(pack, 0755), 0);
    e2e_write_impulse_cue(pack, "a", RATE, CUE_A, 0.5f);
    e2e_write_impulse_cue(pack, "b", RATE, CUE_B, 0.25f);
    e2e_write_impulse_cue(pack, "c", RATE, CUE_C, 0.125f);
    e2e_write_impulse_cue(pack, "z", RATE, CUE_Z, 0.5f);
    char tsv[800];
    snprintf(tsv, sizeof tsv, "%s/transcript.tsv", pack);
    e2e_write_file(tsv, "a\tA\nb\tB\nc\tC\nz\tZ\n");
    snprintf(session, n, "%s/tien-uur.adem", e2e_tmpdir());
    e2e_write_file(session, session_text);
}

/* Checks one counted render of `cycles` cycles. */
static void check_counted(const counted *c, int64_t cycles)
{
    int64_t z, total;
    expected(cycles, &z, &total);
    if (c->status != 0)
        fail_msg("render of %lld cycles failed with status %d", (long long)cycles, c->status);
    assert_int_equal(c->frames, total);
    assert_int_equal(c->last_sound, z);
    /* the impulse 0.5, less the mix's headroom, as 16-bit: rounded to nearest */
    const long s16 = lrintf(0.5f * engine_db_gain(ENGINE_HEADROOM_DB) * 32767.0f);
    assert_int_equal(c->last_l, s16);
    assert_int_equal(c->last_r, s16);
}

static void test_ten_hours(void **state)
{
    (void)state;
    char session[700], pack[700];
    char xdg[800];
    snprintf(xdg, sizeof xdg, "%s/xdg", e2e_tmpdir());
    setenv("XDG_DATA_HOME", xdg, 1); /* the user's own files must not interfere */
    make_inputs(session, pack, sizeof session);

    counted shortr, longr;
    render_counted(session, pack, 31, &shortr); /* 10 min */
    check_counted(&shortr, 31);
    render_counted(session, pack, 1892, &longr); /* 10 h */
    check_counted(&longr, 1892);
    int64_t z, total;
    expected(1892, &z, &total);
    assert_true(total >= (int64_t)RATE * 36000 - RATE * 60); /* 10 hours, give or take a minute */
    fprintf(stderr,
            "e2e_long: 10 h = %lld frames in %.1f s (%.0fx real time); peak memory 10 min %ld kB, "
            "10 h %ld kB\n",
            (long long)longr.frames, longr.seconds, (double)total / RATE / longr.seconds,
            shortr.maxrss_kb, longr.maxrss_kb);
    /* memory does not grow with the length: within 4 MB */
    long diff = longr.maxrss_kb - shortr.maxrss_kb;
    if (diff > 4096 || diff < -4096)
        fail_msg("peak memory: 10 min %ld kB, 10 h %ld kB", shortr.maxrss_kb, longr.maxrss_kb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ten_hours),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
