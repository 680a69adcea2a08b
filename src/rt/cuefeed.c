/* cuefeed: decoded cues from the decoder to the engine (see cuefeed.h).
 * Lock-free: C11 atomics, no allocation, no I/O (checked by rt_symbols). */
#include "rt/cuefeed.h"

#include "rt/cuefeed_impl.h"

enum { RING_MASK = CUEFEED_RING - 1 };

/* Audio thread: the READY slot of this start, claimed; or -1. */
int cuefeed_claim(cuefeed *f, int cue, int64_t at, unsigned jump)
{
    for (int s = 0; s < CUEFEED_SLOTS; s++) {
        cuefeed_slot *c = &f->slot[s];
        if (atomic_load_explicit(&c->state, memory_order_acquire) != CUEFEED_READY ||
            c->cue != cue || c->at != at || c->jump != jump)
            continue;
        int want = CUEFEED_READY;
        if (atomic_compare_exchange_strong_explicit(&c->state, &want, CUEFEED_PLAYING,
                                                    memory_order_acq_rel, memory_order_acquire))
            return s;
    }
    return -1;
}

/* Audio thread: adds what is there of the next n frames; the count missing. */
int cuefeed_mix(cuefeed *f, int s, float *dst, int n)
{
    cuefeed_slot *c = &f->slot[s];
    int64_t rd = atomic_load_explicit(&c->rd, memory_order_relaxed);
    int64_t wr = atomic_load_explicit(&c->wr, memory_order_acquire);
    int64_t have = wr - rd;
    int m = have <= 0 ? 0 : have < n ? (int)have : n;
    int at = (int)(rd & RING_MASK);
    int first = CUEFEED_RING - at < m ? CUEFEED_RING - at : m;
    const float *r = c->ring + at;
    for (int k = 0; k < first; k++)
        dst[k] += r[k];
    for (int k = first; k < m; k++)
        dst[k] += c->ring[k - first];
    atomic_store_explicit(&c->rd, rd + n, memory_order_release);
    return n - m;
}

/* Audio thread: moves on by n frames. */
void cuefeed_skip(cuefeed *f, int s, int64_t n)
{
    cuefeed_slot *c = &f->slot[s];
    int64_t rd = atomic_load_explicit(&c->rd, memory_order_relaxed);
    atomic_store_explicit(&c->rd, rd + n, memory_order_release);
}

/* Audio thread: PLAYING -> DONE. */
void cuefeed_release(cuefeed *f, int s)
{
    atomic_store_explicit(&f->slot[s].state, CUEFEED_DONE, memory_order_release);
}

/* Audio thread: where the engine is. */
void cuefeed_publish(cuefeed *f, int64_t pos, unsigned jump)
{
    atomic_store_explicit(&f->jump, jump, memory_order_release);
    atomic_store_explicit(&f->pos, pos, memory_order_release);
}

void cuefeed_position(const cuefeed *f, int64_t *pos, unsigned *jump)
{
    cuefeed *m = (cuefeed *)f;
    *pos = atomic_load_explicit(&m->pos, memory_order_acquire);
    *jump = atomic_load_explicit(&m->jump, memory_order_acquire);
}

cuefeed_state cuefeed_state_of(const cuefeed *f, int s)
{
    cuefeed *m = (cuefeed *)f;
    return (cuefeed_state)atomic_load_explicit(&m->slot[s].state, memory_order_acquire);
}

void cuefeed_slot_start(const cuefeed *f, int s, int *cue, int64_t *at, unsigned *jump)
{
    *cue = f->slot[s].cue;
    *at = f->slot[s].at;
    *jump = f->slot[s].jump;
}

void cuefeed_assign(cuefeed *f, int s, int cue, int64_t at, int64_t frames, unsigned jump)
{
    cuefeed_slot *c = &f->slot[s];
    c->cue = cue;
    c->at = at;
    c->frames = frames;
    c->jump = jump;
    atomic_store_explicit(&c->wr, 0, memory_order_relaxed);
    atomic_store_explicit(&c->rd, 0, memory_order_relaxed);
    atomic_store_explicit(&c->state, CUEFEED_READY, memory_order_release);
}

int cuefeed_retire(cuefeed *f, int s)
{
    int want = CUEFEED_READY;
    return atomic_compare_exchange_strong_explicit(&f->slot[s].state, &want, CUEFEED_DONE,
                                                   memory_order_acq_rel, memory_order_acquire);
}

void cuefeed_reset(cuefeed *f, int s)
{
    atomic_store_explicit(&f->slot[s].state, CUEFEED_FREE, memory_order_release);
}

int64_t cuefeed_space(const cuefeed *f, int s, int64_t *written)
{
    cuefeed *m = (cuefeed *)f;
    cuefeed_slot *c = &m->slot[s];
    int64_t wr = atomic_load_explicit(&c->wr, memory_order_relaxed);
    int64_t rd = atomic_load_explicit(&c->rd, memory_order_acquire);
    *written = wr;
    int64_t room = CUEFEED_RING - (wr - rd);
    if (room > CUEFEED_RING)
        room = CUEFEED_RING; /* the engine ran ahead: the frames it passed still come first */
    if (room > c->frames - wr)
        room = c->frames - wr;
    return room > 0 ? room : 0;
}

void cuefeed_write(cuefeed *f, int s, const float *x, int64_t n)
{
    cuefeed_slot *c = &f->slot[s];
    int64_t wr = atomic_load_explicit(&c->wr, memory_order_relaxed);
    for (int64_t k = 0; k < n; k++)
        c->ring[(wr + k) & RING_MASK] = x[k];
    atomic_store_explicit(&c->wr, wr + n, memory_order_release);
}
