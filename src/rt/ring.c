/* ring: lock-free SPSC ring of float samples (see ring.h). */
#include "rt/ring.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct ring {
    /* Written by the producer only; read by both. */
    _Alignas(64) atomic_size_t write;
    /* Written by the consumer only; read by both. */
    _Alignas(64) atomic_size_t read;
    _Alignas(64) size_t mask;
    float *buf;
};

ring *ring_new(size_t capacity)
{
    size_t cap = 2;
    if (capacity == 0 || capacity > RING_MAX_CAPACITY)
        return NULL;
    while (cap < capacity)
        cap <<= 1;
    ring *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->buf = calloc(cap, sizeof *r->buf);
    if (!r->buf) {
        free(r);
        return NULL;
    }
    r->mask = cap - 1;
    atomic_init(&r->write, 0);
    atomic_init(&r->read, 0);
    return r;
}

void ring_free(ring *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r);
}

size_t ring_write(ring *r, const float *src, size_t n)
{
    size_t w = atomic_load_explicit(&r->write, memory_order_relaxed);
    size_t rd = atomic_load_explicit(&r->read, memory_order_acquire);
    size_t space = r->mask + 1 - (w - rd);
    if (n > space)
        n = space;
    if (n == 0)
        return 0;
    size_t at = w & r->mask;
    size_t first = r->mask + 1 - at; /* room before the end of the buffer */
    if (first > n)
        first = n;
    memcpy(r->buf + at, src, first * sizeof *src);
    memcpy(r->buf, src + first, (n - first) * sizeof *src);
    atomic_store_explicit(&r->write, w + n, memory_order_release);
    return n;
}

size_t ring_read(ring *r, float *dst, size_t n)
{
    size_t rd = atomic_load_explicit(&r->read, memory_order_relaxed);
    size_t w = atomic_load_explicit(&r->write, memory_order_acquire);
    size_t avail = w - rd;
    if (n > avail)
        n = avail;
    if (n == 0)
        return 0;
    size_t at = rd & r->mask;
    size_t first = r->mask + 1 - at;
    if (first > n)
        first = n;
    memcpy(dst, r->buf + at, first * sizeof *dst);
    memcpy(dst + first, r->buf, (n - first) * sizeof *dst);
    atomic_store_explicit(&r->read, rd + n, memory_order_release);
    return n;
}

size_t ring_discard(ring *r)
{
    size_t rd = atomic_load_explicit(&r->read, memory_order_relaxed);
    size_t w = atomic_load_explicit(&r->write, memory_order_acquire);
    atomic_store_explicit(&r->read, w, memory_order_release);
    return w - rd;
}

size_t ring_write_space(const ring *r)
{
    ring *m = (ring *)r;
    size_t w = atomic_load_explicit(&m->write, memory_order_relaxed);
    size_t rd = atomic_load_explicit(&m->read, memory_order_acquire);
    return r->mask + 1 - (w - rd);
}

size_t ring_read_available(const ring *r)
{
    ring *m = (ring *)r;
    size_t w = atomic_load_explicit(&m->write, memory_order_acquire);
    size_t rd = atomic_load_explicit(&m->read, memory_order_relaxed);
    return w - rd;
}

size_t ring_capacity(const ring *r)
{
    return r->mask + 1;
}
