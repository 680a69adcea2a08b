/* spsc_new: creates and frees SPSC queues (see rt/spsc.h). Control thread
 * only: allocates. The wait-free operations are in rt/spsc.c. */
#include "rt/spsc.h"

#include <stdlib.h>

#include "rt/spsc_impl.h"

/* Rounds capacity up to a power of two (at least 2) and allocates the queue
 * and its buffer, both zeroed. NULL when a limit of spsc.h is passed or out
 * of memory. */
spsc *spsc_new(size_t elem_size, size_t capacity)
{
    size_t cap = 2;
    if (elem_size == 0 || capacity == 0 || capacity > SPSC_MAX_CAPACITY)
        return NULL;
    while (cap < capacity)
        cap <<= 1;
    if (elem_size > SPSC_MAX_BYTES / cap)
        return NULL;
    spsc *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->buf = calloc(cap, elem_size);
    if (!q->buf) {
        free(q);
        return NULL;
    }
    q->mask = cap - 1;
    q->elem_size = elem_size;
    atomic_init(&q->write, 0);
    atomic_init(&q->read, 0);
    return q;
}

/* Frees q and its buffer; NULL is a no-op. */
void spsc_free(spsc *q)
{
    if (!q)
        return;
    free(q->buf);
    free(q);
}
