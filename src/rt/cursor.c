/* cursor: walks a laid-out timeline in time order (see rt/cursor.h).
 * Real-time safe: no allocation, bounded work per call. */
#include "rt/cursor.h"

#include <string.h>

#include "timeline/tl_repr.h"

/* ---- The cursor ------------------------------------------------------------- */

void tl_cursor_init(tl_cursor *c, const timeline *tl)
{
    memset(c, 0, sizeof *c);
    c->tl = tl;
    c->depth = 1;
    c->stack[0].block = tl->root;
    c->stack[0].child = tl->items[tl->root].u.block.first;
    c->stack[0].iter = 0;
}

/* Fills the fields every event has. */
static void ev_init(tl_event *ev, tl_event_kind kind, const item *it, int64_t frame, int depth)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->frame = frame;
    ev->depth = depth;
    ev->file = it->file;
    ev->loc = it->loc;
    ev->cue = -1;
}

/* The exact start of child `it` of frame f's block in f's current
 * iteration: the iteration's start plus the child's offset, which grows by
 * off_step per iteration when stepped durations come before it. */
static xtime child_start(const struct tl_frame *f, const item *it)
{
    xtime t = {f->ms + it->off.ms + f->iter * it->off_step, f->cf + it->off.cf};
    return t;
}

/* Moves frame f to the start of the next iteration of its block blk:
 * iteration f->iter lasted body + f->iter*body_step (exact integers, so the
 * start of iteration i is i*body + body_step*i*(i-1)/2 after the block's). */
static void next_iteration(struct tl_frame *f, const item *blk)
{
    f->ms += blk->u.block.body.ms + f->iter * blk->u.block.body_step;
    f->cf += blk->u.block.body.cf;
    f->iter++;
    f->child = blk->u.block.first;
}

/* Enters block it, which starts at `start`, unless it is empty or the stack
 * is full: pushes a frame at its first child. The caller has already moved
 * its own frame past it. Returns 1 when entered. */
static int enter(tl_cursor *c, const item *it, xtime start)
{
    if (c->depth > TL_MAX_DEPTH || it->u.block.first < 0 || it->u.block.count < 1)
        return 0;
    struct tl_frame *f = &c->stack[c->depth++];
    f->block = (int)(it - c->tl->items);
    f->child = it->u.block.first;
    f->iter = 0;
    f->ms = start.ms;
    f->cf = start.cf;
    return 1;
}

int tl_cursor_next(tl_cursor *c, tl_event *ev)
{
    const timeline *tl = c->tl;
    if (c->done)
        return 0;
    for (;;) {
        struct tl_frame *top = &c->stack[c->depth - 1];
        const item *blk = &tl->items[top->block];
        if (top->child < 0) {
            /* end of an iteration: the next one, or leave the block */
            if (top->iter + 1 < blk->u.block.count) {
                next_iteration(top, blk);
                continue;
            }
            if (--c->depth == 0) {
                ev_init(ev, TL_EV_END, blk, tl->frames, 0);
                ev->file = NULL;
                c->done = 1;
                return 1;
            }
            continue;
        }
        const item *it = &tl->items[top->child];
        xtime start = child_start(top, it);
        int64_t len_ms = it->len.ms + top->iter * it->len_step; /* this iteration's */
        int64_t frame = tl_to_frame(tl, start);
        int depth = c->depth - 1;
        switch (it->kind) {
        case IT_BLOCK:
            if (c->sub == 0) {
                xtime end = {start.ms + it->len.ms, start.cf + it->len.cf};
                ev_init(ev, it->u.block.is_session ? TL_EV_SESSION : TL_EV_REPEAT, it, frame, depth);
                ev->frames = tl_to_frame(tl, end) - frame;
                ev->label = it->u.block.title;
                ev->repeat_count = it->u.block.count;
                ev->for_cycles = it->u.block.for_ms > 0;
                ev->session_no = it->u.block.ordinal;
                c->sub = 1;
                return 1;
            }
            c->sub = 0;
            top->child = it->next;
            enter(c, it, start);
            continue;
        case IT_PHASE: {
            xtime endt = {start.ms + len_ms, start.cf};
            int64_t end = tl_to_frame(tl, endt);
            /* count=down: the whole seconds of this iteration's length */
            int ncount = it->u.phase.ncount;
            if (len_ms / tl->tempo_milli < ncount)
                ncount = (int)(len_ms / tl->tempo_milli);
            if (c->sub == 0) {
                ev_init(ev, TL_EV_PHASE, it, frame, depth);
                ev->frames = end - frame;
                ev->label = it->u.phase.label;
                ev->cue = it->u.phase.cue;
                ev->cue_frames = it->u.phase.cue_frames;
                ev->tone = it->u.phase.tone;
                ev->f_from = it->u.phase.f_from;
                ev->f_to = it->u.phase.f_to;
                ev->bpm = it->u.phase.bpm;
                ev->count_down = ncount;
                if (it->u.phase.last_ms > 0) {
                    ev->first_ms = it->u.phase.ms;
                    ev->last_ms = it->u.phase.last_ms;
                }
                c->sub = 1;
                return 1;
            }
            /* count=down: number k on end - k seconds, for the whole seconds
             * after the phase's own cue has ended */
            while (c->sub <= ncount) {
                int k = ncount - c->sub + 1;
                int64_t at = end - (int64_t)k * tl->rate;
                c->sub++;
                if (at < frame + it->u.phase.cue_frames)
                    continue;
                ev_init(ev, TL_EV_CUE, it, at, depth);
                ev->cue = it->u.phase.count_cue[k - 1];
                ev->cue_frames = tl->cue_len[ev->cue];
                ev->count_number = k;
                return 1;
            }
            c->sub = 0;
            top->child = it->next;
            continue;
        }
        case IT_SPEAK:
            ev_init(ev, TL_EV_CUE, it, frame, depth);
            ev->cue = it->u.speak.cue;
            ev->frames = it->len.cf;
            ev->cue_frames = it->len.cf;
            break;
        case IT_WAIT: {
            xtime end = {start.ms + len_ms, start.cf + it->len.cf};
            ev_init(ev, TL_EV_WAIT, it, frame, depth);
            ev->frames = tl_to_frame(tl, end) - frame;
            if (it->u.wait.last_ms > 0) {
                ev->first_ms = it->u.wait.ms;
                ev->last_ms = it->u.wait.last_ms;
            }
            break;
        }
        case IT_BELL:
            ev_init(ev, TL_EV_BELL, it, frame, depth);
            ev->gain = it->u.bell.gain;
            break;
        case IT_BED:
            ev_init(ev, TL_EV_BED, it, frame, depth);
            ev->noise = it->u.bed.noise;
            ev->gain = it->u.bed.gain;
            break;
        case IT_MARK:
            ev_init(ev, TL_EV_MARK, it, frame, depth);
            ev->label = it->u.mark.label;
            break;
        case IT_HOLD: {
            xtime end = {start.ms + it->len.ms, start.cf + it->len.cf};
            ev_init(ev, TL_EV_HOLD, it, frame, depth);
            ev->label = it->u.hold.label;
            ev->frames = tl_to_frame(tl, end) - frame;
            break;
        }
        }
        top->child = it->next;
        return 1;
    }
}

/* ---- Skipping --------------------------------------------------------------- */

/* 1 if it is a stop itself (a phase, a mark, a session's start). */
static int stop_here(const item *it)
{
    return it->kind == IT_PHASE || it->kind == IT_MARK ||
           (it->kind == IT_BLOCK && it->u.block.is_session);
}

void tl_cursor_skip(tl_cursor *c)
{
    const timeline *tl = c->tl;
    if (c->done)
        return;
    struct tl_frame *top = &c->stack[c->depth - 1];
    if (c->sub > 0 && top->child >= 0) {
        /* inside an item whose first event was returned: a block's
         * REPEAT/SESSION event (go in), or a phase's count-down */
        const item *it = &tl->items[top->child];
        c->sub = 0;
        top->child = it->next;
        if (it->kind == IT_BLOCK)
            enter(c, it, child_start(top, it));
    }
    /* Up: find the level whose rest holds a stop (the rest of this
     * iteration, or a later iteration); then down into it. Each level is
     * O(1) thanks to nav_next, so the whole is O(depth). */
    for (;;) {
        top = &c->stack[c->depth - 1];
        const item *blk = &tl->items[top->block];
        int j = top->child >= 0 ? tl->items[top->child].nav_next : -1;
        if (j >= 0) {
            const item *it = &tl->items[j];
            top->child = j;
            c->sub = 0;
            if (stop_here(it))
                return; /* tl_cursor_next returns the stop's event next */
            /* a repeat that holds a stop: go in, past its REPEAT event */
            xtime start = child_start(top, it);
            top->child = it->next;
            enter(c, it, start);
            continue;
        }
        int first = blk->u.block.first;
        if (first >= 0 && tl->items[first].nav_next >= 0 && top->iter + 1 < blk->u.block.count) {
            /* the next iteration holds one */
            next_iteration(top, blk);
            continue;
        }
        if (c->depth == 1) {
            /* no stop left: the next event is the end */
            top->child = -1;
            top->iter = blk->u.block.count - 1;
            c->sub = 0;
            return;
        }
        c->depth--; /* leave the block: the parent's frame is already past it */
    }
}

int tl_cursor_bed(const tl_cursor *c, adem_noise *noise, float *gain)
{
    const timeline *tl = c->tl;
    for (int l = c->depth - 1; l >= 0; l--) {
        const struct tl_frame *f = &c->stack[l];
        const item *blk = &tl->items[f->block];
        /* the item the walk is at on this level: the next child on the top
         * level, the block being walked on the others */
        int k = l == c->depth - 1 ? f->child : c->stack[l + 1].block;
        int b = k >= 0 ? tl->items[k].bed_prev : blk->u.block.bed_last;
        if (b < 0 && f->iter > 0)
            b = blk->u.block.bed_last; /* from an earlier iteration */
        if (b >= 0) {
            *noise = tl->items[b].u.bed.noise;
            *gain = *noise == ADEM_NOISE_OFF ? 0.0f : tl->items[b].u.bed.gain;
            return 1;
        }
    }
    *noise = ADEM_NOISE_OFF;
    *gain = 0.0f;
    return 0;
}

const char *tl_cursor_title(const tl_cursor *c)
{
    for (int l = c->depth - 1; l >= 0; l--) {
        const item *blk = &c->tl->items[c->stack[l].block];
        if (blk->u.block.is_session)
            return blk->u.block.title;
    }
    return timeline_title(c->tl);
}

int tl_cursor_round(const tl_cursor *c, int64_t *iter, int64_t *count)
{
    for (int l = c->depth - 1; l >= 0; l--) {
        const item *blk = &c->tl->items[c->stack[l].block];
        if (blk->u.block.is_repeat) {
            *iter = c->stack[l].iter + 1;
            *count = blk->u.block.count;
            return 1;
        }
    }
    *iter = *count = 0;
    return 0;
}

int tl_cursor_session(const tl_cursor *c, int64_t *start, int64_t *frames)
{
    *start = *frames = 0;
    if (c->depth < 2)
        return 0;
    const timeline *tl = c->tl;
    const struct tl_frame *root = &c->stack[0];
    const item *it = &tl->items[c->stack[1].block];
    if (!it->u.block.is_session || it->u.block.ordinal == 0)
        return 0;
    xtime s = {root->ms + it->off.ms, root->cf + it->off.cf};
    xtime e = {s.ms + it->len.ms, s.cf + it->len.cf};
    *start = tl_to_frame(tl, s);
    *frames = tl_to_frame(tl, e) - *start;
    return it->u.block.ordinal;
}
