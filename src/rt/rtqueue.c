/* rtqueue: lock-free SPSC queue of fixed-size messages (see rtqueue.h). */
#include "rt/rtqueue.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct rtqueue {
    /* Written by the producer only; read by both. */
    _Alignas(64) atomic_size_t write;
    /* Written by the consumer only; read by both. */
    _Alignas(64) atomic_size_t read;
    _Alignas(64) size_t mask, msg_size;
    unsigned char *buf;
};

rtqueue *rtqueue_new(size_t msg_size, size_t capacity)
{
    size_t cap = 2;
    if (msg_size == 0 || capacity > ((size_t)1 << 24))
        return NULL;
    while (cap < capacity)
        cap <<= 1;
    rtqueue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->buf = calloc(cap, msg_size);
    if (!q->buf) {
        free(q);
        return NULL;
    }
    q->mask = cap - 1;
    q->msg_size = msg_size;
    atomic_init(&q->write, 0);
    atomic_init(&q->read, 0);
    return q;
}

void rtqueue_free(rtqueue *q)
{
    if (!q)
        return;
    free(q->buf);
    free(q);
}

int rtqueue_push(rtqueue *q, const void *msg)
{
    size_t w = atomic_load_explicit(&q->write, memory_order_relaxed);
    size_t r = atomic_load_explicit(&q->read, memory_order_acquire);
    if (w - r > q->mask)
        return -1;
    memcpy(q->buf + (w & q->mask) * q->msg_size, msg, q->msg_size);
    atomic_store_explicit(&q->write, w + 1, memory_order_release);
    return 0;
}

int rtqueue_pop(rtqueue *q, void *msg)
{
    size_t r = atomic_load_explicit(&q->read, memory_order_relaxed);
    size_t w = atomic_load_explicit(&q->write, memory_order_acquire);
    if (r == w)
        return -1;
    memcpy(msg, q->buf + (r & q->mask) * q->msg_size, q->msg_size);
    atomic_store_explicit(&q->read, r + 1, memory_order_release);
    return 0;
}

size_t rtqueue_count(const rtqueue *q)
{
    size_t w = atomic_load_explicit(&((rtqueue *)q)->write, memory_order_acquire);
    size_t r = atomic_load_explicit(&((rtqueue *)q)->read, memory_order_acquire);
    return w - r;
}

size_t rtqueue_capacity(const rtqueue *q)
{
    return q->mask + 1;
}
