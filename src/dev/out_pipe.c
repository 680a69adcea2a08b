/* out_pipe: raw PCM into a FIFO, paced by its reader (see out_pipe.h). */
#include "dev/out_pipe.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/out_feed.h"
#include "rt/spsc.h"
#include "sys/fifo.h"
#include "sys/platform.h"
#include "sys/signals.h"
#include "sys/thread.h"

/* How long the feeder and the writer sleep when there is nothing to do (the
 * ring full, or empty). A buffer lasts about 21 ms. */
enum { IDLE_MS = 1 };

struct out_pipe {
    char *path;
    int s16;
    int channels;
    adem_fifo *fifo;
    spsc *ring;         /* one buffer, feeder -> writer */
    out_feed feed;      /* feeder only */
    float *feed_buf;    /* feeder only: OUTPIPE_BLOCK frames */
    float *write_buf;   /* writer only: OUTPIPE_BLOCK frames */
    unsigned char *pcm; /* writer only: the same as bytes */
    adem_thread *feeder, *writer;
    atomic_int quit;     /* control -> both: stop now */
    atomic_int fed;      /* feeder -> writer: the padding is in the ring */
    atomic_int finished; /* writer -> control: everything written */
    atomic_int lost;     /* writer -> control: the reader went away or a write failed */
    int lost_errno;      /* written before `lost` is set */
    uint64_t written;    /* writer only: buffers written into the FIFO */
    char message[512];
};

int outpipe_check(const char *path, adem_diag *d)
{
    switch (fifo_kind_of(path)) {
    case FIFO_IS_PIPE:
        return 0;
    case FIFO_IS_FILE:
        return diag_set(d, NULL, 0, 0, "--pipe %s is a regular file, not a FIFO; use adem render "
                                       "for a file (adem render SESSION -o FILE)", path);
    case FIFO_IS_OTHER:
        return diag_set(d, NULL, 0, 0, "--pipe %s is not a FIFO; give the FIFO that its reader "
                                       "reads (e.g. Snapcast's pipe source)", path);
    case FIFO_MISSING:
        break;
    }
    return diag_runtime(d, "--pipe %s: there is no FIFO there; start its reader first (snapserver "
                           "makes it with mode=create) or make it with mkfifo", path);
}

/* Where and what fifo_open_write's note says. */
typedef struct wait_note {
    FILE *f;
    const char *path;
} wait_note;

/* fifo_open_write calls this once when nothing has read the FIFO for a
 * second. */
static void say_waiting(void *arg)
{
    const wait_note *w = arg;
    if (!w->f)
        return;
    fprintf(w->f, "adem: waiting for a reader of %s (e.g. snapserver with a pipe source); "
                  "Ctrl-C to give up\n", w->path);
    fflush(w->f);
}

/* fifo_open_write asks this while it waits: a stop signal ends the wait. */
static int stop_asked(void *arg)
{
    (void)arg;
    return signals_stop_pending();
}

/* The feeder thread: the audio side. Fills a buffer whenever the ring has
 * room for one, until the padding is in or it is told to quit. */
static int feeder_main(void *arg)
{
    out_pipe *p = arg;
    size_t samples = (size_t)OUTPIPE_BLOCK * (size_t)p->channels;
    thread_realtime(); /* as a device's callback thread, where allowed */
    while (!atomic_load_explicit(&p->quit, memory_order_acquire)) {
        if (spsc_write_space(p->ring) < samples) {
            platform_sleep_ms(IDLE_MS);
            continue;
        }
        int done = outfeed_fill(&p->feed, p->feed_buf, OUTPIPE_BLOCK);
        spsc_write(p->ring, p->feed_buf, samples);
        if (done) {
            atomic_store_explicit(&p->fed, 1, memory_order_release);
            break;
        }
    }
    return 0;
}

/* The writer thread: moves whole buffers from the ring into the FIFO. */
static int writer_main(void *arg)
{
    out_pipe *p = arg;
    size_t samples = (size_t)OUTPIPE_BLOCK * (size_t)p->channels;
    size_t width = p->s16 ? 2 : 4;
    /* the reader takes what the FIFO holds at its own pace and plays
     * silence when it finds too little: keep it filled on a busy machine */
    thread_realtime();
    while (!atomic_load_explicit(&p->quit, memory_order_acquire)) {
        /* read `fed` before looking at the ring: once it is set, what the
         * ring holds is all there will be */
        int fed = atomic_load_explicit(&p->fed, memory_order_acquire);
        if (spsc_read_available(p->ring) < samples) {
            if (fed) {
                atomic_store_explicit(&p->finished, 1, memory_order_release);
                break;
            }
            platform_sleep_ms(IDLE_MS);
            continue;
        }
        spsc_read(p->ring, p->write_buf, samples);
        pcm_from_float(p->write_buf, samples, p->s16, p->pcm);
        int err = 0;
        int r = fifo_write(p->fifo, p->pcm, samples * width, &err);
        while (r == FIFO_GONE && !p->written) {
            /* nothing reached a reader yet: one that polls (snapserver) met
             * our open with an end-of-file and closed again; wait for it */
            fifo_close(p->fifo);
            p->fifo = NULL;
            if (fifo_open_write(p->path, NULL, stop_asked, NULL, &p->fifo, &err) != 0) {
                r = FIFO_FAILED;
                break;
            }
            r = fifo_write(p->fifo, p->pcm, samples * width, &err);
        }
        p->written += r == FIFO_WRITTEN;
        if (r != FIFO_WRITTEN) {
            p->lost_errno = r == FIFO_GONE ? 0 : err;
            atomic_store_explicit(&p->lost, 1, memory_order_release);
            atomic_store_explicit(&p->quit, 1, memory_order_release); /* the feeder too */
            break;
        }
    }
    return 0;
}

/* Frees p and what it holds (the threads must be joined). */
static void free_pipe(out_pipe *p)
{
    fifo_close(p->fifo);
    spsc_free(p->ring);
    free(p->feed_buf);
    free(p->write_buf);
    free(p->pcm);
    free(p->path);
    free(p);
}

int outpipe_open(const char *path, out_format fmt, int rate, int channels, engine *e, FILE *note,
                 out_pipe **out, adem_diag *d)
{
    *out = NULL;
    if (outpipe_check(path, d) != 0)
        return -1;
    out_pipe *p = calloc(1, sizeof *p);
    size_t samples = (size_t)OUTPIPE_BLOCK * (size_t)channels;
    if (!p || !(p->path = malloc(strlen(path) + 1)) ||
        !(p->ring = spsc_new(sizeof(float), samples)) ||
        !(p->feed_buf = malloc(samples * sizeof(float))) ||
        !(p->write_buf = malloc(samples * sizeof(float))) || !(p->pcm = malloc(samples * 4))) {
        if (p)
            free_pipe(p);
        return diag_runtime(d, "out of memory");
    }
    strcpy(p->path, path);
    p->s16 = fmt != OUT_F32;
    p->channels = channels;
    outfeed_init(&p->feed, e, rate, channels);
    atomic_init(&p->quit, 0);
    atomic_init(&p->fed, 0);
    atomic_init(&p->finished, 0);
    atomic_init(&p->lost, 0);
    int err = 0;
    wait_note w = {note, path};
    signals_ignore_pipe(1); /* a reader that goes away: EPIPE, not the end of adem */
    if (fifo_open_write(path, say_waiting, stop_asked, &w, &p->fifo, &err) != 0) {
        free_pipe(p);
        if (err == EINTR) {
            diag_runtime(d, "stopped while waiting for a reader of --pipe %s", path);
            d->status = ADEM_EXIT_STOPPED;
            return -1;
        }
        return diag_runtime(d, "cannot open --pipe %s: %s; check its permissions", path,
                            strerror(err));
    }
    *out = p;
    return 0;
}

int outpipe_start(out_pipe *p, adem_diag *d)
{
    if (thread_start(&p->writer, writer_main, p) != 0)
        return diag_runtime(d, "cannot start the thread that writes into --pipe %s", p->path);
    if (thread_start(&p->feeder, feeder_main, p) != 0) {
        atomic_store_explicit(&p->quit, 1, memory_order_release);
        thread_join(p->writer);
        p->writer = NULL;
        return diag_runtime(d, "cannot start the thread that feeds --pipe %s", p->path);
    }
    return 0;
}

outpipe_state outpipe_poll(out_pipe *p)
{
    if (atomic_load_explicit(&p->lost, memory_order_acquire)) {
        if (p->lost_errno)
            snprintf(p->message, sizeof p->message,
                     "writing into --pipe %s failed: %s; check its reader and play again",
                     p->path, strerror(p->lost_errno));
        else
            snprintf(p->message, sizeof p->message,
                     "the pipe's reader went away (nothing reads %s any more); start it again "
                     "(e.g. snapserver) and play again", p->path);
        return OUTPIPE_LOST;
    }
    if (atomic_load_explicit(&p->finished, memory_order_acquire))
        return OUTPIPE_FINISHED;
    return OUTPIPE_PLAYING;
}

const char *outpipe_lost_message(const out_pipe *p)
{
    return p->message;
}

void outpipe_close(out_pipe *p)
{
    if (!p)
        return;
    atomic_store_explicit(&p->quit, 1, memory_order_release);
    thread_join(p->feeder);
    thread_join(p->writer);
    free_pipe(p);
    signals_ignore_pipe(0);
}
