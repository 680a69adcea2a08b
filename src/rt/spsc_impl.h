/* spsc_impl: the layout of an spsc queue (see spsc.h). Private: included only
 * by rt/spsc.c (the wait-free operations, audio thread) and
 * setup/spsc_new.c (allocation, control thread); everyone else sees the
 * opaque type. */
#ifndef ADEM_SPSC_IMPL_H
#define ADEM_SPSC_IMPL_H

#include <stdatomic.h>
#include <stddef.h>

#include "rt/spsc.h"

/* Bytes kept between the two indices so that the producer's and the
 * consumer's stores never share a cache line (padding rather than _Alignas:
 * the struct comes from calloc, which promises no 64-byte alignment). */
enum { SPSC_LINE = 64 };

struct spsc {
    /* Written by the producer only; read by both. */
    atomic_size_t write;
    unsigned char pad_w[SPSC_LINE];
    /* Written by the consumer only; read by both. */
    atomic_size_t read;
    unsigned char pad_r[SPSC_LINE];
    /* Fixed at creation: */
    size_t mask;      /* capacity - 1 (capacity a power of two) */
    size_t elem_size; /* bytes per element */
    unsigned char *buf; /* capacity * elem_size bytes */
};

#endif
