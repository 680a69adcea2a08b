/* cuefeed_impl: the feed's state (see rt/cuefeed.h). Private: included only
 * by rt/cuefeed.c and setup/cuefeed_new.c. */
#ifndef ADEM_CUEFEED_IMPL_H
#define ADEM_CUEFEED_IMPL_H

#include <stdatomic.h>
#include <stdint.h>

#include "rt/cuefeed.h"

typedef struct cuefeed_slot {
    atomic_int state;          /* cuefeed_state */
    int cue;                   /* written by the decoder while FREE */
    unsigned jump;
    int64_t at, frames;
    atomic_int_fast64_t wr;    /* frames written: decoder stores, engine loads */
    atomic_int_fast64_t rd;    /* frames read: engine stores, decoder loads */
    float *ring;               /* CUEFEED_RING frames */
} cuefeed_slot;

struct cuefeed {
    cuefeed_slot slot[CUEFEED_SLOTS];
    atomic_int_fast64_t pos;   /* the engine's timeline frame */
    atomic_uint jump;          /* the engine's jump count */
    float *rings;              /* one allocation for every ring */
};

#endif
