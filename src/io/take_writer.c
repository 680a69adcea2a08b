/* take_writer: ring -> WAV file on a thread (see take_writer.h). */
#include "io/take_writer.h"

#include <sndfile.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/platform.h"
#include "sys/thread.h"

enum { CHUNK = 4096, IDLE_MS = 5 };

struct take_writer {
    spsc *r; /* of floats */
    SNDFILE *f;
    adem_thread *thread;
    char path[1024];
    /* Written by the control thread, read by the writer thread: */
    atomic_int stop;
    /* Written by the writer thread, read by the control thread: */
    atomic_int_least64_t frames;
    atomic_int failed;
    char error[256]; /* libsndfile's message of the first failed write; read
                        by the control thread only after the join */
};

/* Writes n samples of buf; on the first failure keeps sf_strerror. */
static void put(take_writer *w, const float *buf, size_t n)
{
    if (atomic_load_explicit(&w->failed, memory_order_relaxed))
        return;
    sf_count_t done = sf_write_float(w->f, buf, (sf_count_t)n);
    if (done != (sf_count_t)n) {
        snprintf(w->error, sizeof w->error, "%s", sf_strerror(w->f));
        atomic_store_explicit(&w->failed, 1, memory_order_release);
        return;
    }
    atomic_fetch_add_explicit(&w->frames, (int_least64_t)n, memory_order_release);
}

/* The writer thread: drain the ring into the file until asked to stop, then
 * drain what is left once more. */
static int writer_main(void *arg)
{
    take_writer *w = arg;
    float buf[CHUNK];
    for (;;) {
        int stopping = atomic_load_explicit(&w->stop, memory_order_acquire);
        size_t n, moved = 0;
        while ((n = spsc_read(w->r, buf, CHUNK)) > 0) {
            put(w, buf, n);
            moved += n;
        }
        /* the stop was seen before this drain began: everything the producer
         * wrote before the stop request is out of the ring now */
        if (stopping)
            break;
        if (moved < CHUNK)
            platform_sleep_ms(IDLE_MS);
    }
    return 0;
}

int take_writer_start(spsc *r, const char *path, int rate, take_writer **out, adem_diag *d)
{
    *out = NULL;
    take_writer *w = calloc(1, sizeof *w);
    if (!w)
        return diag_runtime(d, "out of memory starting a recording");
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = rate;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    w->f = sf_open(path, SFM_WRITE, &info);
    if (!w->f) {
        diag_runtime(d, "cannot write the take to '%s' (%s); check that the folder is writable "
                        "and the disk not full", path, sf_strerror(NULL));
        free(w);
        return -1;
    }
    w->r = r;
    snprintf(w->path, sizeof w->path, "%s", path);
    atomic_init(&w->stop, 0);
    atomic_init(&w->frames, 0);
    atomic_init(&w->failed, 0);
    if (thread_start(&w->thread, writer_main, w) != 0) {
        sf_close(w->f);
        free(w);
        return diag_runtime(d, "cannot start the writer thread for a recording; the system is "
                               "out of resources, close some programs and try again");
    }
    *out = w;
    return 0;
}

int64_t take_writer_frames(const take_writer *w)
{
    return (int64_t)atomic_load_explicit(&((take_writer *)w)->frames, memory_order_acquire);
}

int take_writer_failed(const take_writer *w)
{
    return atomic_load_explicit(&((take_writer *)w)->failed, memory_order_acquire);
}

int take_writer_finish(take_writer *w, int64_t *frames, adem_diag *d)
{
    atomic_store_explicit(&w->stop, 1, memory_order_release);
    thread_join(w->thread);
    int failed = atomic_load_explicit(&w->failed, memory_order_acquire);
    int64_t n = (int64_t)atomic_load_explicit(&w->frames, memory_order_acquire);
    int closed = sf_close(w->f) == 0;
    int rc = 0;
    if (failed)
        rc = diag_runtime(d, "writing the take to '%s' failed (%s); free some disk space and "
                             "record again", w->path, w->error);
    else if (!closed)
        rc = diag_runtime(d, "cannot finish the take '%s'; free some disk space and record again",
                          w->path);
    if (frames)
        *frames = n;
    free(w);
    return rc;
}
