/* cuebank: decodes a timeline's voice cues just ahead of need into the cue
 * feed (rt/cuefeed.h) that the engine plays them from, so that memory stays
 * O(voices sounding) however many cues the session has, and the first sound
 * does not wait for every cue to be decoded.
 *
 * The bank walks its own cursor over the timeline ahead of the engine: every
 * start of a cue (a `speak`, a phase's cue=, a counted number) gets a slot of
 * the feed before it is due, and the slot's ring is kept full as the engine
 * plays it (decoding with voicepack's vp_stream: the same samples as
 * decoding the whole cue). When the engine jumps (a skip, a back), the bank
 * follows: starts it will not reach are recycled and the walk resumes at the
 * new position (from the start again when that lies behind the walk). Cue lengths are the headers' (voicepack_lengths), which are the
 * decoded lengths exactly, so the timeline is laid out before any decoding.
 *
 * Two ways to run it:
 *   - render (untimed): call cuebank_fill before every engine_process; it
 *     decodes on the calling thread whatever the next block needs, so the
 *     output is the same bytes as ever, whatever the machine's speed;
 *   - play (timed): cuebank_fill once before the stream starts (the first
 *     cues ready), then cuebank_start runs the same work on a worker thread
 *     every few milliseconds; the audio callback never waits for it: frames
 *     not ready in time play as silence, counted in engine_status.starved.
 * Not for the audio thread. */
#ifndef ADEM_CUEBANK_H
#define ADEM_CUEBANK_H

#include <stdint.h>

#include "base/diag.h"
#include "rt/cuefeed.h"
#include "timeline/timeline.h"
#include "io/voicepack.h"

typedef struct cuebank cuebank;

/* A bank for the laid-out tl (cue i of tl is cue i of vp), at tl's rate,
 * with its feed allocated. vp and tl must outlive it. Returns 0 and *out, or
 * -1 with d set (out of memory). */
int cuebank_new(const voicepack *vp, const timeline *tl, cuebank **out, adem_diag *d);

/* The feed to give the engine (engine_use_feed). */
cuefeed *cuebank_feed(cuebank *b);

/* Decodes on this thread until every cue start before the engine's position
 * + `need` frames has its slot (while slots are free) and every slot's ring
 * is full or complete; nothing further ahead (the worker does that).
 * Returns 0, or -1 with d set (a cue damaged after its header). Not while
 * the worker runs. */
int cuebank_fill(cuebank *b, int64_t need, adem_diag *d);

/* Starts the worker thread (play). Returns 0, or -1 with d set. */
int cuebank_start(cuebank *b, adem_diag *d);

/* Stops and joins the worker, after the audio stopped. Returns 0, or -1
 * with d set to the first error the worker met (the cue then played as
 * silence). Without a worker: 0. */
int cuebank_stop(cuebank *b, adem_diag *d);

/* Test hook: the worker sleeps ms more before each pass (a slow decoder). */
void cuebank_slow(cuebank *b, int ms);

/* The most slots in use at once so far (for tests: memory stays bounded). */
int cuebank_peak_slots(const cuebank *b);

/* Stops the worker if it runs and frees the bank and its feed. NULL is a
 * no-op. */
void cuebank_free(cuebank *b);

#endif
