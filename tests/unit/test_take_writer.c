/* test_take_writer: the writer thread of `adem record` (src/io/take_writer.h)
 * moves every sample from the ring to the WAV file, in order, also while the
 * producer keeps writing; a file that cannot be made is a runtime error, and
 * a write that fails (a full disk) is reported when the take is finished. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "rt/spsc.h"
#include "io/take_writer.h"

/* 3 s at 48 kHz through a 4096-sample ring, in blocks of 480: the file holds
 * exactly the samples written, bit for bit, as 32-bit float mono. */
static void writes_every_sample_in_order(void **state)
{
    (void)state;
    const char *path = e2e_path("take.wav");
    const int64_t n = 3 * 48000;
    spsc *r = spsc_new(sizeof(float), 4096);
    take_writer *w;
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(take_writer_start(r, path, 48000, &w, &d), 0);
    float block[480];
    int64_t sent = 0;
    while (sent < n) {
        for (int k = 0; k < 480; k++)
            block[k] = (float)((sent + k) % 1000) / 1000.0f - 0.5f;
        size_t put = 0;
        while (put < 480) {
            size_t p = spsc_write(r, block + put, 480 - put);
            put += p;
            if (p == 0)
                sched_yield();
        }
        sent += 480;
    }
    int64_t frames = -1;
    assert_int_equal(take_writer_finish(w, &frames, &d), 0);
    assert_int_equal(frames, n);
    float *x;
    int ch, rate;
    int64_t got = e2e_read_audio(path, &x, &ch, &rate);
    assert_int_equal(got, n);
    assert_int_equal(ch, 1);
    assert_int_equal(rate, 48000);
    assert_true(e2e_audio_is_float(path));
    for (int64_t i = 0; i < n; i++)
        if (x[i] != (float)(i % 1000) / 1000.0f - 0.5f)
            fail_msg("sample %lld is %.9g", (long long)i, (double)x[i]);
    free(x);
    spsc_free(r);
}

/* Samples left in the ring when the take is finished are written too. */
static void finish_drains_the_ring(void **state)
{
    (void)state;
    const char *path = e2e_path("rest.wav");
    spsc *r = spsc_new(sizeof(float), 1 << 16);
    float v[50000];
    for (int i = 0; i < 50000; i++)
        v[i] = (float)i / 50000.0f;
    take_writer *w;
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(take_writer_start(r, path, 44100, &w, &d), 0);
    assert_int_equal(spsc_write(r, v, 50000), 50000);
    int64_t frames = 0;
    assert_int_equal(take_writer_finish(w, &frames, &d), 0);
    assert_int_equal(frames, 50000);
    assert_int_equal(spsc_read_available(r), 0);
    float *x;
    int ch, rate;
    assert_int_equal(e2e_read_audio(path, &x, &ch, &rate), 50000);
    assert_int_equal(rate, 44100);
    assert_memory_equal(x, v, sizeof v);
    free(x);
    spsc_free(r);
}

/* A folder that does not exist: status 1, one line naming the path. */
static void unwritable_path_is_an_error(void **state)
{
    (void)state;
    spsc *r = spsc_new(sizeof(float), 64);
    take_writer *w = (take_writer *)1;
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(take_writer_start(r, e2e_path("nope/take.wav"), 48000, &w, &d), -1);
    assert_null(w);
    assert_int_equal(d.status, ADEM_EXIT_RUNTIME);
    assert_non_null(strstr(d.msg, "nope/take.wav"));
    assert_null(strchr(d.msg, '\n'));
    spsc_free(r);
}

/* A write that fails mid-take (a full disk, here a file-size limit of 64 KB
 * with SIGXFSZ ignored): the failure is seen (take_writer_failed), the ring
 * is still emptied so the audio side never backs up, and finish reports it. */
static void full_disk_is_reported(void **state)
{
    (void)state;
    spsc *r = spsc_new(sizeof(float), 1 << 17);
    take_writer *w;
    adem_diag d;
    diag_clear(&d);
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    lim = old;
    lim.rlim_cur = 65536;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    assert_int_equal(take_writer_start(r, e2e_path("full.wav"), 48000, &w, &d), 0);
    static float v[100000]; /* 400 KB of samples */
    assert_int_equal(spsc_write(r, v, 100000), 100000);
    for (int i = 0; i < 500 && (spsc_read_available(r) > 0 || !take_writer_failed(w)); i++)
        e2e_sleep_ms(10);
    assert_int_equal(spsc_read_available(r), 0);
    assert_int_equal(take_writer_failed(w), 1);
    assert_true(take_writer_frames(w) < 100000);
    assert_int_equal(take_writer_finish(w, NULL, &d), -1);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    assert_int_equal(d.status, ADEM_EXIT_RUNTIME);
    assert_non_null(strstr(d.msg, "free some disk space"));
    assert_null(strchr(d.msg, '\n'));
    spsc_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writes_every_sample_in_order),
        cmocka_unit_test(finish_drains_the_ring),
        cmocka_unit_test(unwritable_path_is_an_error),
        cmocka_unit_test(full_disk_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
