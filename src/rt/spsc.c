/* spsc: the wait-free operations of the SPSC queue (see spsc.h). Safe on the
 * audio thread: only atomics and memcpy. spsc_new/spsc_free are in
 * src/setup/spsc_new.c. */
#include "rt/spsc.h"

#include <string.h>

#include "rt/spsc_impl.h"

/* Copies n elements from src into the buffer from index w on, in two parts
 * when they cross the buffer's end. */
static void copy_in(spsc *q, size_t w, const unsigned char *src, size_t n)
{
    const size_t es = q->elem_size;
    size_t at = w & q->mask;
    size_t first = q->mask + 1 - at; /* room before the end of the buffer */
    if (first > n)
        first = n;
    memcpy(q->buf + at * es, src, first * es);
    if (n > first)
        memcpy(q->buf, src + first * es, (n - first) * es);
}

/* Copies n elements from index r on out of the buffer into dst. */
static void copy_out(const spsc *q, size_t r, unsigned char *dst, size_t n)
{
    const size_t es = q->elem_size;
    size_t at = r & q->mask;
    size_t first = q->mask + 1 - at;
    if (first > n)
        first = n;
    memcpy(dst, q->buf + at * es, first * es);
    if (n > first)
        memcpy(dst + first * es, q->buf, (n - first) * es);
}

/* Producer: up to n elements in; how many fit. */
size_t spsc_write(spsc *q, const void *src, size_t n)
{
    size_t w = atomic_load_explicit(&q->write, memory_order_relaxed);
    size_t r = atomic_load_explicit(&q->read, memory_order_acquire);
    size_t space = q->mask + 1 - (w - r);
    if (n > space)
        n = space;
    if (n == 0)
        return 0;
    copy_in(q, w, src, n);
    atomic_store_explicit(&q->write, w + n, memory_order_release);
    return n;
}

/* Consumer: up to n elements out; how many there were. */
size_t spsc_read(spsc *q, void *dst, size_t n)
{
    size_t r = atomic_load_explicit(&q->read, memory_order_relaxed);
    size_t w = atomic_load_explicit(&q->write, memory_order_acquire);
    size_t avail = w - r;
    if (n > avail)
        n = avail;
    if (n == 0)
        return 0;
    copy_out(q, r, dst, n);
    atomic_store_explicit(&q->read, r + n, memory_order_release);
    return n;
}

/* Producer: one element in; 0, or -1 when full. */
int spsc_push(spsc *q, const void *elem)
{
    return spsc_write(q, elem, 1) == 1 ? 0 : -1;
}

/* Consumer: one element out; 0, or -1 when empty. */
int spsc_pop(spsc *q, void *elem)
{
    return spsc_read(q, elem, 1) == 1 ? 0 : -1;
}

/* Consumer: drops everything waiting now; how many. */
size_t spsc_discard(spsc *q)
{
    size_t r = atomic_load_explicit(&q->read, memory_order_relaxed);
    size_t w = atomic_load_explicit(&q->write, memory_order_acquire);
    atomic_store_explicit(&q->read, w, memory_order_release);
    return w - r;
}

/* Producer: free elements now. (The cast drops const for the atomic loads
 * only: C11's atomic_load takes a non-const pointer.) */
size_t spsc_write_space(const spsc *q)
{
    spsc *m = (spsc *)q;
    size_t w = atomic_load_explicit(&m->write, memory_order_relaxed);
    size_t r = atomic_load_explicit(&m->read, memory_order_acquire);
    return q->mask + 1 - (w - r);
}

/* Either side: elements waiting now. Both loads acquire, so that either side
 * may ask. */
size_t spsc_read_available(const spsc *q)
{
    spsc *m = (spsc *)q;
    size_t w = atomic_load_explicit(&m->write, memory_order_acquire);
    size_t r = atomic_load_explicit(&m->read, memory_order_acquire);
    return w - r;
}

/* The capacity in elements. */
size_t spsc_capacity(const spsc *q)
{
    return q->mask + 1;
}

/* The element size in bytes. */
size_t spsc_elem_size(const spsc *q)
{
    return q->elem_size;
}
