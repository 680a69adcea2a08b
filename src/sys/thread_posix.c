/* thread_posix: thread.h with pthreads (Linux, macOS, BSD). */
#define _XOPEN_SOURCE 700
#include "sys/thread.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

struct adem_thread {
    pthread_t id;
    int (*fn)(void *);
    void *arg;
    int result;
};

/* The pthread entry point: runs fn and keeps its result for thread_join. */
static void *trampoline(void *p)
{
    adem_thread *t = p;
    t->result = t->fn(t->arg);
    return NULL;
}

int thread_start(adem_thread **out, int (*fn)(void *arg), void *arg)
{
    *out = NULL;
    adem_thread *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    t->fn = fn;
    t->arg = arg;
    if (pthread_create(&t->id, NULL, trampoline, t) != 0) {
        free(t);
        return -1;
    }
    *out = t;
    return 0;
}

int thread_join(adem_thread *t)
{
    if (!t)
        return 0;
    pthread_join(t->id, NULL);
    int r = t->result;
    free(t);
    return r;
}

int thread_realtime(void)
{
    /* the middle of the real-time range: above normal threads, below the
     * sound servers' own (JACK and PipeWire take 70 to 88) */
    struct sched_param sp;
    memset(&sp, 0, sizeof sp);
    int lo = sched_get_priority_min(SCHED_FIFO), hi = sched_get_priority_max(SCHED_FIFO);
    sp.sched_priority = lo + (hi - lo) * 2 / 5;
    return pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0 ? 0 : -1;
}
