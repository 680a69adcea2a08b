/* lock: pthreads (see lock.h). The condition waits on CLOCK_MONOTONIC where
 * pthreads offers it (not macOS), so a change of the wall clock does not
 * stretch a wait. */
#define _POSIX_C_SOURCE 200809L
#include "sys/lock.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#if defined(__APPLE__)
#define WAIT_CLOCK CLOCK_REALTIME
#else
#define WAIT_CLOCK CLOCK_MONOTONIC
#endif

struct adem_lock {
    pthread_mutex_t m;
    pthread_cond_t c;
};

adem_lock *lock_new(void)
{
    adem_lock *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    pthread_condattr_t a;
    pthread_condattr_init(&a);
#if !defined(__APPLE__)
    pthread_condattr_setclock(&a, WAIT_CLOCK);
#endif
    if (pthread_mutex_init(&l->m, NULL) != 0) {
        free(l);
        return NULL;
    }
    if (pthread_cond_init(&l->c, &a) != 0) {
        pthread_mutex_destroy(&l->m);
        free(l);
        return NULL;
    }
    pthread_condattr_destroy(&a);
    return l;
}

void lock_free(adem_lock *l)
{
    if (!l)
        return;
    pthread_cond_destroy(&l->c);
    pthread_mutex_destroy(&l->m);
    free(l);
}

void lock_take(adem_lock *l)
{
    pthread_mutex_lock(&l->m);
}

void lock_give(adem_lock *l)
{
    pthread_mutex_unlock(&l->m);
}

int lock_wait_ms(adem_lock *l, int ms)
{
    struct timespec t;
    clock_gettime(WAIT_CLOCK, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return pthread_cond_timedwait(&l->c, &l->m, &t) == 0;
}

void lock_wake(adem_lock *l)
{
    pthread_cond_broadcast(&l->c);
}
