/* fifo_posix: fifo.h for a FIFO made with mkfifo (Linux, macOS, BSD). */
#define _XOPEN_SOURCE 700
#include "sys/fifo.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How long a reader may take before fifo_open_write says that it waits. */
enum { WAIT_NOTE_MS = 1000 };

struct adem_fifo {
    int fd;
};

/* A blocking open of a FIFO for writing, on a thread of its own. */
typedef struct opener {
    const char *path;
    int fd;
    int err; /* errno when fd < 0 */
    atomic_int done;
} opener;

/* The opener's thread: opens, retrying when a signal interrupts. */
static void *open_blocking(void *arg)
{
    opener *op = arg;
    do
        op->fd = open(op->path, O_WRONLY | O_CLOEXEC);
    while (op->fd < 0 && errno == EINTR);
    op->err = op->fd < 0 ? errno : 0;
    atomic_store(&op->done, 1);
    return NULL;
}

/* Sleeps about ms milliseconds. */
static void nap_ms(int ms)
{
    struct timespec ts = {0, (long)ms * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

fifo_kind fifo_kind_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return FIFO_MISSING;
    return S_ISFIFO(st.st_mode) ? FIFO_IS_PIPE : S_ISREG(st.st_mode) ? FIFO_IS_FILE : FIFO_IS_OTHER;
}

int fifo_open_write(const char *path, void (*waiting)(void *arg), int (*give_up)(void *arg),
                    void *arg, adem_fifo **out, int *err)
{
    *out = NULL;
    adem_fifo *f = malloc(sizeof *f);
    if (!f) {
        *err = ENOMEM;
        return -1;
    }
    /* O_NONBLOCK first: without a reader the open fails with ENXIO at once */
    do
        f->fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    while (f->fd < 0 && errno == EINTR);
    if (f->fd < 0 && errno == ENXIO) {
        /* a blocking open returns when a reader opens its end: a reader that
         * polls (snapserver opens, reads, and on end-of-file closes and tries
         * again 100 ms later) is met at once, where polling would rarely
         * meet it. It runs on a thread of its own, so that the note comes
         * only when the wait is a real one (a poller is met within ~0.1 s)
         * and the caller can give up. */
        opener op;
        op.path = path;
        op.fd = -1;
        op.err = 0;
        atomic_init(&op.done, 0);
        pthread_t t;
        if (pthread_create(&t, NULL, open_blocking, &op) != 0) {
            op.fd = -1;
            op.err = EAGAIN;
        } else {
            int told = 0, gave_up = 0;
            for (int ms = 0; !atomic_load(&op.done); ms += 10) {
                if (!told && ms >= WAIT_NOTE_MS && waiting) {
                    waiting(arg);
                    told = 1;
                }
                if (!gave_up && give_up && give_up(arg)) {
                    /* be the reader ourselves for a moment: the blocked
                     * open returns, and both ends are closed again */
                    int rd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
                    gave_up = 1;
                    pthread_join(t, NULL);
                    if (op.fd >= 0)
                        close(op.fd);
                    if (rd >= 0)
                        close(rd);
                    op.fd = -1;
                    op.err = EINTR;
                    break;
                }
                nap_ms(10);
            }
            if (!gave_up)
                pthread_join(t, NULL);
        }
        f->fd = op.fd;
        errno = op.err;
    }
    if (f->fd < 0) {
        *err = errno;
        free(f);
        return -1;
    }
    /* from here on the writes block while the pipe is full */
    int fl = fcntl(f->fd, F_GETFL);
    if (fl < 0 || fcntl(f->fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        *err = errno;
        close(f->fd);
        free(f);
        return -1;
    }
    *out = f;
    return 0;
}

int fifo_write(adem_fifo *f, const void *buf, size_t n, int *err)
{
    const unsigned char *p = buf;
    while (n > 0) {
        ssize_t w = write(f->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EPIPE)
                return FIFO_GONE;
            *err = errno;
            return FIFO_FAILED;
        }
        p += w;
        n -= (size_t)w;
    }
    return FIFO_WRITTEN;
}

void fifo_close(adem_fifo *f)
{
    if (!f)
        return;
    close(f->fd);
    free(f);
}
