/* cursor: the real-time walk over a laid-out timeline.
 *
 * A tl_cursor yields the timeline's events in time order, one at a time,
 * computing each start frame from the exact cumulative time (see
 * timeline/timeline.h for the timing rule). It is plain data, so the engine
 * keeps one without allocating. Every function here is real-time safe.
 * Plain C11, no POSIX. */
#ifndef ADEM_CURSOR_H
#define ADEM_CURSOR_H

#include <stdint.h>

#include "base/sound.h"
#include "timeline/timeline.h"

/* ---- Walking the timeline ------------------------------------------------ */

typedef enum tl_event_kind {
    TL_EV_SESSION = 1, /* a session starts (top level or `play`): title, frames */
    TL_EV_CUE,         /* a voice cue starts: cue (speak, or a count=down number) */
    TL_EV_WAIT,        /* silence starts: frames */
    TL_EV_PHASE,       /* a phase starts: label, frames, cue, tone, pulse */
    TL_EV_BELL,        /* a bell strike: gain */
    TL_EV_BED,         /* the bed changes: noise (0 = off), gain */
    TL_EV_MARK,        /* a chapter mark: label */
    TL_EV_REPEAT,      /* a repeat starts: count (for `show`) */
    TL_EV_END,         /* the session is over: frame = timeline_frames */
    TL_EV_HOLD         /* a hold: label, frames (its max as laid out; 0 without) */
} tl_event_kind;

typedef struct tl_event {
    tl_event_kind kind;
    int64_t frame;     /* start, in frames from the session's start */
    int64_t frames;    /* length: SESSION, WAIT, PHASE (end - start, exact);
                          for CUE the cue's length; else 0 */
    int depth;         /* nesting depth (0 = top level), for display */
    const char *file;  /* statement's file and position, for messages/show */
    ast_loc loc;
    const char *label; /* SESSION title, PHASE, MARK and HOLD label; else NULL */
    int cue;           /* CUE; PHASE's cue=; else -1 */
    int64_t cue_frames;/* the length of that cue in frames (CUE, PHASE); else 0 */
    int count_number;  /* CUE from count=down: the number spoken; else 0 */
    adem_tone tone;     /* PHASE */
    float f_from, f_to;/* PHASE with a tone: Hz */
    int bpm;           /* PHASE with pulse=; else 0 */
    int count_down;    /* PHASE with count=down: the most numbers it may speak */
    int64_t first_ms, last_ms; /* PHASE, WAIT with a stepped duration
                          (FIRST..LAST): the first and last cycle's length in
                          ms as written (before --tempo); else 0 */
    int64_t repeat_count; /* REPEAT: the number of cycles (after layout) */
    int for_cycles;    /* REPEAT: 1 if it was `repeat for` */
    int session_no;    /* SESSION: 1..n for a top-level session (timeline_sessions), else 0 */
    adem_noise noise;   /* BED */
    float gain;        /* BELL, BED: linear gain from the level */
} tl_event;

/* The walk state: plain data, so the engine can keep one without allocating. */
typedef struct tl_cursor {
    const timeline *tl;
    int depth;         /* entries in use in stack */
    int sub;           /* position inside the current item (phase sub-events) */
    int done;
    struct tl_frame {
        int block;     /* item index of the block */
        int child;     /* index of the next child within the block */
        int64_t iter;  /* current iteration */
        int64_t ms, cf;/* start of the current iteration: ms and cue frames */
    } stack[TL_MAX_DEPTH + 1];
} tl_cursor;

/* Puts c at the start of tl (laid out). Real-time safe. */
void tl_cursor_init(tl_cursor *c, const timeline *tl);

/* Fills ev with the next event in time order (start frames never decrease)
 * and returns 1; after TL_EV_END has been returned, returns 0.
 * Real-time safe: the work per call is bounded by the size of the timeline,
 * never by its length or repeat counts. */
int tl_cursor_next(tl_cursor *c, tl_event *ev);

/* Moves c on so that the next event tl_cursor_next returns is the next stop
 * after the last one it returned — a phase, a mark or a session's start — or
 * TL_EV_END when none is left; everything between is passed over without
 * being returned. Real-time safe and O(depth): the timeline holds, for each
 * step, where the next stop is, so the cost does not grow with the session's
 * length or repeat counts. */
void tl_cursor_skip(tl_cursor *c);

/* The bed in effect where c stands (before the next event it returns): the
 * last `bed` statement before that point in time, as if everything before had
 * played. Returns 1 with *noise and *gain set, or 0 (no bed yet: *noise is
 * ADEM_NOISE_OFF). Real-time safe, O(depth). */
int tl_cursor_bed(const tl_cursor *c, adem_noise *noise, float *gain);

/* The title of the innermost session c stands in. Real-time safe, O(depth). */
const char *tl_cursor_title(const tl_cursor *c);

/* The innermost repeat c stands in (counting `repeat` blocks, not sessions)
 * when the event it returned last is inside it: *iter is its iteration
 * (1-based) and *count its cycles; returns 1. Returns 0 with both 0 when c is
 * in no repeat. Real-time safe, O(depth). */
int tl_cursor_round(const tl_cursor *c, int64_t *iter, int64_t *count);

/* The top-level session c stands in: returns its number (1..
 * timeline_sessions) with *start and *frames its first frame and length, or 0
 * (outside one, or in a lead-in: both set to 0). Real-time safe, O(1). */
int tl_cursor_session(const tl_cursor *c, int64_t *start, int64_t *frames);

#endif
