/* e2e_play_pipe: `adem play --pipe FIFO` with plain readers (no sound
 * server): the samples, the wait for a reader, a reader that goes away, and
 * what is refused.
 *   - read by `cat`, the FIFO gets exactly the render (`adem render -o -`
 *     with the same --format and --rate), after the lead-in's whole buffers
 *     of silence and followed by silence only: s16 by default, f32, 44.1 kHz;
 *   - with no reader, adem says once that it waits, and SIGINT ends it;
 *   - a reader that stops reading (`head -c`): one line, exit 1;
 *   - a regular file, a folder or a missing path as --pipe: one line, exit 2
 *     (files: "use adem render"), or 1 (no FIFO there yet).
 * The paced, real-time side (Snapcast, two rooms) is e2e_play_snapcast.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"

enum { RATE = 48000, BLOCK = 1024, LEAD_BLOCKS = 3 /* 50 ms in whole 1024-frame buffers */ };

static char pack[700], session[700];

/* Makes a fresh FIFO named name in the temp folder; returns its path (static). */
static const char *make_fifo(const char *name)
{
    static char path[700];
    snprintf(path, sizeof path, "%s", e2e_path(name));
    unlink(path);
    if (mkfifo(path, 0600) != 0)
        fail_msg("mkfifo %s failed", path);
    return path;
}

/* Runs `adem render` of the session with extra options; returns stdout. */
static char *render(const char *format, const char *rate, size_t *len)
{
    const char *argv[] = {"adem", "render", "--voice", pack, session, "-o", "-", "--format",
                          format, "--rate", rate, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    if (r.status != 0)
        fail_msg("adem render failed (%d): %s", r.status, r.err);
    free(r.err);
    *len = r.out_len;
    return r.out;
}

/* Plays the session into a FIFO read by cat and compares with the render. */
static void pipe_equals_render(const char *format, const char *rate, int width)
{
    const char *fifo = make_fifo("equal.fifo");
    char out[700], fifo_copy[700];
    snprintf(fifo_copy, sizeof fifo_copy, "%s", fifo);
    snprintf(out, sizeof out, "%s", e2e_path("equal.raw"));
    const char *cat[] = {"cat", fifo_copy, NULL};
    pid_t reader = e2e_spawn(cat, NULL, out, NULL);
    const char *argv[] = {"adem", "play", "--voice", pack, "--pipe", fifo_copy, "--format", format,
                          "--rate", rate, session, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    int st;
    if (!e2e_wait(reader, 10000, &st))
        fail_msg("cat did not end after adem closed the FIFO");
    print_message("      --format %s --rate %s: exit %d %s", format, rate, r.status, r.err);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    size_t n;
    char *ref = render(format, rate, &n);
    size_t got_len;
    char *got = e2e_read_text(out);
    FILE *f = fopen(out, "rb");
    fseek(f, 0, SEEK_END);
    got_len = (size_t)ftell(f);
    fclose(f);
    size_t frame = 2 * (size_t)width, lead = LEAD_BLOCKS * BLOCK * frame;
    print_message("      %zu bytes written, the render %zu\n", got_len, n);
    assert_int_equal(got_len % (BLOCK * frame), 0);     /* whole buffers */
    assert_true(got_len >= lead + n + (size_t)atoi(rate) / 5 * frame); /* and the padding */
    for (size_t i = 0; i < lead; i++)
        if (got[i] != 0)
            fail_msg("byte %zu of the lead-in is not silence", i);
    if (memcmp(got + lead, ref, n) != 0)
        fail_msg("the FIFO's samples differ from the render's");
    for (size_t i = lead + n; i < got_len; i++)
        if (got[i] != 0)
            fail_msg("byte %zu after the session is not silence", i);
    free(ref);
    free(got);
    e2e_result_free(&r);
}

/* s16 (the default format), f32, and another rate: the render's samples. */
static void samples_are_the_render(void **state)
{
    (void)state;
    pipe_equals_render("s16", "48000", 2);
    pipe_equals_render("f32", "48000", 4);
    pipe_equals_render("f32", "44100", 4);
}

/* No reader: one line that adem waits; SIGINT ends the wait. */
static void waits_for_a_reader(void **state)
{
    (void)state;
    const char *fifo = make_fifo("lonely.fifo");
    char err[700], fifo_copy[700];
    snprintf(fifo_copy, sizeof fifo_copy, "%s", fifo);
    snprintf(err, sizeof err, "%s", e2e_path("lonely.err"));
    const char *argv[] = {"adem", "play", "--voice", pack, "--pipe", fifo_copy, session, NULL};
    pid_t pid = e2e_spawn_adem(argv, NULL, NULL, err);
    /* the note comes after a second of waiting (later on a loaded machine) */
    int st, noted = 0;
    for (double end = e2e_now_ms() + 20000; !noted && e2e_now_ms() < end; e2e_sleep_ms(50)) {
        char *e = e2e_read_text(err);
        noted = strchr(e, '\n') != NULL;
        free(e);
        if (!noted && e2e_wait(pid, 0, &st))
            fail_msg("adem play --pipe ended (%d) with no reader", st);
    }
    assert_true(noted);
    assert_false(e2e_wait(pid, 0, &st)); /* still waiting */
    double t = e2e_now_ms();
    kill(pid, SIGINT);
    int exited = e2e_wait(pid, 3000, &st);
    char *e = e2e_read_text(err);
    print_message("      stderr: %s      SIGINT: exit %d after %.0f ms\n", e, exited ? st : -1,
                  e2e_now_ms() - t);
    if (!exited) {
        e2e_stop(pid, SIGKILL, 2000);
        fail_msg("SIGINT did not end the wait for a reader");
    }
    assert_int_equal(st, 130);
    assert_int_equal(e2e_count_lines(e), 1);
    assert_non_null(strstr(e, "adem: waiting for a reader of "));
    free(e);
}

/* The reader stops reading after 100000 bytes: one line, exit 1. */
static void reader_goes_away(void **state)
{
    (void)state;
    const char *fifo = make_fifo("short.fifo");
    char fifo_copy[700];
    snprintf(fifo_copy, sizeof fifo_copy, "%s", fifo);
    const char *head[] = {"head", "-c", "100000", fifo_copy, NULL};
    pid_t reader = e2e_spawn(head, NULL, NULL, NULL);
    const char *argv[] = {"adem", "play", "--voice", pack, "--pipe", fifo_copy, session, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    int st;
    e2e_wait(reader, 5000, &st);
    print_message("      exit %d: %s", r.status, r.err);
    assert_int_equal(r.status, 1);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "adem: the pipe's reader went away"));
    e2e_result_free(&r);
}

/* A regular file, a folder, a missing path; --format without --pipe. */
static void refused(void **state)
{
    (void)state;
    char file[700], missing[700];
    snprintf(file, sizeof file, "%s", e2e_path("not-a-fifo.raw"));
    snprintf(missing, sizeof missing, "%s", e2e_path("nothing-here"));
    e2e_write_file(file, "");
    struct {
        const char *pipe;
        int status;
        const char *says;
    } cases[] = {
        {file, 2, "is a regular file, not a FIFO; use adem render for a file"},
        {e2e_tmpdir(), 2, "is not a FIFO"},
        {missing, 1, "there is no FIFO there"},
    };
    for (int i = 0; i < 3; i++) {
        const char *argv[] = {"adem", "play", "--pipe", cases[i].pipe, "478", NULL};
        e2e_result r;
        e2e_run(argv, &r);
        print_message("      exit %d: %s", r.status, r.err);
        assert_int_equal(r.status, cases[i].status);
        assert_int_equal(e2e_count_lines(r.err), 1);
        assert_non_null(strstr(r.err, cases[i].says));
        e2e_result_free(&r);
    }
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_size, 0); /* untouched */
}

static int teardown(void **state)
{
    (void)state;
    e2e_kill_spawned();
    return 0;
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(pack, sizeof pack, "%s", e2e_path("pack"));
    snprintf(session, sizeof session, "%s", e2e_path("pipe.adem"));
    char cmd[800];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", pack);
    if (system(cmd) != 0)
        return -1;
    e2e_write_impulse_cue(pack, "kort", RATE, 1200, 0.5f);
    e2e_write_file(e2e_path("pack/transcript.tsv"), "kort\tkort\n");
    /* tones and a bed as well as a cue: every kind of sample */
    e2e_write_file(session, "session \"Pijp\"\n"
                            "wait 100ms\n"
                            "bed pink -20dB\n"
                            "phase \"Adem in\" 1s cue=kort tone=rise\n"
                            "bell\n"
                            "phase \"Adem uit\" 1s tone=fall\n"
                            "bed off\n");
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(samples_are_the_render, teardown),
        cmocka_unit_test_teardown(waits_for_a_reader, teardown),
        cmocka_unit_test_teardown(reader_goes_away, teardown),
        cmocka_unit_test_teardown(refused, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, e2e_group_teardown);
}
