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
            if (++top->iter < blk->u.block.count) {
                /* iteration iter-1 lasted body + (iter-1)*body_step: exact
                 * integers, so the start of iteration i is the sum of the
                 * bodies before it, i*body + body_step*i*(i-1)/2 */
                top->ms += blk->u.block.body.ms + (top->iter - 1) * blk->u.block.body_step;
                top->cf += blk->u.block.body.cf;
                top->child = blk->u.block.first;
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
        xtime start = {top->ms + it->off.ms + top->iter * it->off_step, top->cf + it->off.cf};
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
                c->sub = 1;
                return 1;
            }
            c->sub = 0;
            top->child = it->next;
            if (c->depth > TL_MAX_DEPTH || it->u.block.first < 0 || it->u.block.count < 1)
                continue;
            c->stack[c->depth].block = (int)(it - tl->items);
            c->stack[c->depth].child = it->u.block.first;
            c->stack[c->depth].iter = 0;
            c->stack[c->depth].ms = start.ms;
            c->stack[c->depth].cf = start.cf;
            c->depth++;
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
        }
        top->child = it->next;
        return 1;
    }
}
