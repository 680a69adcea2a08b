/* tl_repr: the representation of a laid-out timeline, shared by the timeline
 * compiler (timeline/timeline.c, which builds and lays it out, allocating) and
 * the real-time cursor (rt/cursor.c, which only reads it). Nothing else may
 * include this header: everyone else sees the opaque `timeline`.
 *
 * A flat array of items. A block (the whole run, a session, a repeat) links its
 * children through `next`; nothing is ever unrolled. Each item has an offset
 * and a length inside its parent's iteration, kept as an exact pair
 * (milliseconds of phases/waits, frames of spoken cues), so a start is always
 * floor(ms * rate / tempo_milli) + cue_frames of exact integers.
 *
 * A stepped duration (FIRST..LAST inside `repeat COUNT`) is no exception: the
 * phase or wait keeps its first cycle's length in `len` and the exact change
 * per cycle of its repeat in `len_step` (whole milliseconds, may be negative).
 * So in iteration i (0-based) of a repeat, a child lasts len + i*len_step and
 * starts at off + i*off_step (off_step: the steps of the siblings before it);
 * the body lasts body + i*body_step; the whole block lasts
 * count*body + body_step*count*(count-1)/2. All integers: nothing is rounded
 * before tl_to_frame. Without stepped durations every step is 0.
 * Plain C11, no POSIX. */
#ifndef ADEM_TL_REPR_H
#define ADEM_TL_REPR_H

#include <stdint.h>

#include "timeline/timeline.h"

typedef enum item_kind {
    IT_SPEAK = 1, IT_WAIT, IT_PHASE, IT_BELL, IT_BED, IT_MARK, IT_BLOCK, IT_HOLD
} item_kind;

/* An exact time: milliseconds (scaled by the tempo) plus cue frames. */
typedef struct xtime {
    int64_t ms, cf;
} xtime;

typedef struct item {
    item_kind kind;
    int next;         /* next sibling, or -1 */
    int depth;        /* 0 for the root's children */
    const char *file; /* statement's file (NULL for a --gap) */
    ast_loc loc;
    xtime off;        /* start within the parent's iteration (layout) */
    xtime len;        /* whole length: for a block, its total over all
                         iterations; for a stepped phase or wait, the length
                         in its repeat's first iteration (layout) */
    int64_t len_step; /* ms added to len per iteration of the parent (a
                         stepped phase or wait; else 0) */
    int64_t off_step; /* ms added to off per iteration of the parent: the sum
                         of the len_step of the siblings before it (layout) */
    /* Navigation, so that the real-time cursor can skip in O(depth) (built
     * with the timeline, see timeline.c: index_block). A "stop" is where a
     * skip lands: a phase, a mark, a session's start. */
    int stop;         /* this item is a stop, or its subtree holds one */
    int nav_next;     /* the first sibling from this one on (itself included)
                         with stop set, or -1 */
    int bed_prev;     /* the last BED item among the earlier siblings and their
                         subtrees (in one iteration of the parent), or -1 */
    union {
        struct { int cue; } speak;
        struct {
            int64_t ms;     /* the first cycle's length */
            int unscaled;   /* a --gap: real time */
            int64_t last_ms;/* stepped: the last cycle's length; else 0 */
        } wait;
        struct {
            const char *label;
            int64_t ms;               /* the first cycle's length */
            int64_t last_ms;          /* stepped: the last cycle's length; else 0 */
            int cue;                  /* -1 for none */
            int64_t cue_frames;       /* length of cue (layout) */
            adem_tone tone;
            float f_from, f_to;
            int bpm;
            int ncount;               /* count=down cues available: tel_1..tel_ncount */
            int count_cue[TL_COUNT_MAX];
        } phase;
        struct { float gain; } bell;
        struct { adem_noise noise; float gain; } bed;
        struct { const char *label; } mark;
        struct { const char *label; int64_t ms; } hold; /* ms: max (0 when absent) */
        struct {
            int first;                /* first child, or -1 */
            int64_t count;            /* cycles (for `repeat for`: set by layout) */
            int64_t for_ms;           /* `repeat for` duration, or 0 */
            int is_session;           /* a session (top level or play) */
            int ordinal;              /* a top-level session given to timeline_build:
                                         1..n; else 0 */
            int is_repeat;
            const char *title;        /* session title */
            xtime body;               /* the first iteration (layout) */
            int64_t body_step;        /* ms added to body per iteration (layout) */
            int bed_last;             /* the last BED item in one iteration, or -1 */
        } block;
    } u;
} item;

struct timeline {
    item *items;
    int nitems, capitems;
    tl_cue *cues;
    int ncues, capcues;
    int *cue_hash; /* open addressing over cues: index+1, 0 = empty */
    int hashcap;
    int root;
    int rate, tempo_milli;
    int64_t *cue_len; /* each cue's length in frames (layout) */
    int laid_out;
    int64_t frames;
    const char *title;
    int nsessions;    /* top-level sessions given to timeline_build */
};

/* The frame at exact time t: floor(ms * rate / tempo_milli) + cue frames. */
static inline int64_t tl_to_frame(const timeline *tl, xtime t)
{
    return t.ms * tl->rate / tl->tempo_milli + t.cf;
}

#endif
