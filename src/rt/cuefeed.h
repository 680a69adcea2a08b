/* cuefeed: the hand-off of decoded voice cues from the cue bank's decoder
 * (io/cuebank.h, a worker thread, or the render loop itself) to the engine
 * (the audio thread), so that a session's cues are never all in memory.
 *
 * A fixed number of slots (CUEFEED_SLOTS), each a ring of CUEFEED_RING mono
 * frames at the output rate. The decoder assigns a free slot to one start of
 * one cue (the cue, and the timeline frame of the event that starts it),
 * then keeps its ring filled as the engine reads it; the engine claims the
 * slot when the event starts, reads the frames as it plays them and gives
 * the slot back when the cue ends or is cut. Each slot is a single-producer
 * single-consumer ring (the indices are C11 atomics that only grow, as in
 * rt/spsc.h); its state moves FREE -> READY (decoder) -> PLAYING (engine)
 * -> DONE (engine) -> FREE (decoder), or READY -> DONE (decoder: a start the
 * engine passed by, e.g. after a skip); the READY exits are compare-and-swaps.
 *
 * The engine publishes where it is (its timeline frame and a jump count,
 * raised whenever its position jumps: a skip, a back) so that the decoder
 * can follow.
 * Frames not decoded in time play as silence and are counted by the engine:
 * the audio thread never waits.
 *
 * cuefeed_new/cuefeed_free allocate (src/setup/cuefeed_new.c, before the audio
 * starts / after it stopped). Every other function is lock-free, allocates
 * nothing and does no I/O; those marked "audio thread" are what the engine
 * calls, the rest are the decoder's. Plain C11, no POSIX. */
#ifndef ADEM_CUEFEED_H
#define ADEM_CUEFEED_H

#include <stdint.h>

enum {
    CUEFEED_SLOTS = 24,   /* the engine's 16 cue voices, and starts prepared ahead */
    CUEFEED_RING = 16384  /* frames per slot: 0.34 s at 48 kHz */
};

typedef enum cuefeed_state {
    CUEFEED_FREE = 0,
    CUEFEED_READY,   /* assigned to a start, filling, not yet claimed */
    CUEFEED_PLAYING, /* claimed by the engine */
    CUEFEED_DONE     /* given back by the engine (or passed by): the decoder frees it */
} cuefeed_state;

typedef struct cuefeed cuefeed;

/* Control thread: a feed with every slot free and the engine at frame 0,
 * jump count 0. NULL when memory runs out. The rings' memory is touched only
 * as it is used (the decoder takes the lowest free slot). */
cuefeed *cuefeed_new(void);

/* Control thread, after the audio and the decoder stopped. NULL is a no-op. */
void cuefeed_free(cuefeed *f);

/* ---- The engine's side (audio thread: safe) ------------------------------ */

/* Claims the READY slot for cue `cue` started by the event at timeline frame
 * `at` in jump count `jump`: returns its index (now PLAYING), or -1 when the
 * decoder has not prepared it (yet). O(CUEFEED_SLOTS). */
int cuefeed_claim(cuefeed *f, int cue, int64_t at, unsigned jump);

/* Adds the next n frames of PLAYING slot s to dst and moves on by n; frames
 * not decoded yet add nothing. Returns how many were missing (0 normally). */
int cuefeed_mix(cuefeed *f, int s, float *dst, int n);

/* Moves PLAYING slot s on by n frames without reading them. */
void cuefeed_skip(cuefeed *f, int s, int64_t n);

/* Gives PLAYING slot s back (its cue ended or was cut). */
void cuefeed_release(cuefeed *f, int s);

/* Publishes the engine's timeline frame and jump count. */
void cuefeed_publish(cuefeed *f, int64_t pos, unsigned jump);

/* ---- The decoder's side -------------------------------------------------- */

/* What the engine published last. */
void cuefeed_position(const cuefeed *f, int64_t *pos, unsigned *jump);

/* The state of slot s (acquire: a READY or DONE seen here is complete). */
cuefeed_state cuefeed_state_of(const cuefeed *f, int s);

/* The start a slot was assigned to. */
void cuefeed_slot_start(const cuefeed *f, int s, int *cue, int64_t *at, unsigned *jump);

/* Assigns FREE slot s to cue `cue` of `frames` frames started at `at` in
 * jump count `jump`, with an empty ring; it becomes READY. */
void cuefeed_assign(cuefeed *f, int s, int cue, int64_t at, int64_t frames, unsigned jump);

/* READY -> DONE, unless the engine claimed it first: 1 when retired. */
int cuefeed_retire(cuefeed *f, int s);

/* DONE -> FREE (the decoder has closed what it held for it). */
void cuefeed_reset(cuefeed *f, int s);

/* How many frames may be written to slot s now, and how many were written. */
int64_t cuefeed_space(const cuefeed *f, int s, int64_t *written);

/* Appends n (<= cuefeed_space) frames to slot s and publishes them. Frames
 * the engine has already passed (it was starved) are simply never read. */
void cuefeed_write(cuefeed *f, int s, const float *x, int64_t n);

#endif
