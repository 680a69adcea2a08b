/* cuebank: voice cues decoded just ahead of need (see cuebank.h). */
#include "io/cuebank.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "rt/cursor.h"
#include "sys/platform.h"
#include "sys/thread.h"

enum {
    CB_SCRATCH = 4096, /* frames decoded per vp_stream_read */
    CB_AHEAD = 4,      /* starts prepared beyond `need`, at most */
    CB_WORKER_MS = 5   /* the worker's pause between passes */
};
/* How far ahead the worker works: every start within CB_NEED_MS is
 * prepared; up to CB_AHEAD more within CB_AHEAD_S. A start the engine passed
 * more than CB_LATE_MS ago without claiming it (its voices were all busy) is
 * recycled. */
#define CB_NEED_MS 500
#define CB_AHEAD_S 60
#define CB_LATE_MS 100

struct cuebank {
    const voicepack *vp;
    const timeline *tl;
    int rate;
    cuefeed *feed;
    vp_stream *stream[CUEFEED_SLOTS]; /* open while its cue is being decoded */
    tl_cursor cur;                    /* the bank's walk, ahead of the engine */
    tl_event ev;                      /* the next event of the walk */
    int have_ev;
    unsigned jump;                    /* the engine's jump count last followed */
    int peak;
    float scratch[CB_SCRATCH];
    adem_thread *thread;
    atomic_int stop;
    atomic_int slow_ms;
    int failed;                       /* the worker met an error: err holds it */
    adem_diag err;
};

int cuebank_new(const voicepack *vp, const timeline *tl, cuebank **out, adem_diag *d)
{
    *out = NULL;
    cuebank *b = calloc(1, sizeof *b);
    if (!b || !(b->feed = cuefeed_new())) {
        free(b);
        return diag_runtime(d, "not enough memory for the voice cues; close other programs and "
                               "try again");
    }
    b->vp = vp;
    b->tl = tl;
    b->rate = timeline_rate(tl);
    atomic_init(&b->stop, 0);
    atomic_init(&b->slow_ms, 0);
    diag_clear(&b->err);
    tl_cursor_init(&b->cur, tl);
    b->have_ev = tl_cursor_next(&b->cur, &b->ev);
    *out = b;
    return 0;
}

cuefeed *cuebank_feed(cuebank *b)
{
    return b->feed;
}

/* 1 when ev starts a voice cue. */
static int starts_cue(const tl_event *ev)
{
    return (ev->kind == TL_EV_CUE || ev->kind == TL_EV_PHASE) && ev->cue >= 0 &&
           ev->cue_frames > 0;
}

/* The engine jumped to pos: the walk goes on from the first event at or
 * after pos (from the start again when pos lies behind the walk). */
static void follow(cuebank *b, int64_t pos)
{
    if (b->have_ev && b->ev.frame > pos) {
        tl_cursor_init(&b->cur, b->tl);
        b->have_ev = tl_cursor_next(&b->cur, &b->ev);
    }
    while (b->have_ev && b->ev.frame < pos)
        b->have_ev = tl_cursor_next(&b->cur, &b->ev);
}

/* Closes what slot s held and frees it. */
static void recycle(cuebank *b, int s)
{
    vp_stream_close(b->stream[s]);
    b->stream[s] = NULL;
    cuefeed_reset(b->feed, s);
}

/* One pass (see cuebank_fill): recycle, assign, fill. */
static int pass(cuebank *b, int64_t need, int64_t ahead, adem_diag *d)
{
    int64_t pos;
    unsigned jump;
    cuefeed_position(b->feed, &pos, &jump);
    if (jump != b->jump) {
        b->jump = jump;
        follow(b, pos);
    }
    const int64_t late = (int64_t)b->rate * CB_LATE_MS / 1000;
    int ready = 0, used = 0;
    for (int s = 0; s < CUEFEED_SLOTS; s++) {
        cuefeed_state st = cuefeed_state_of(b->feed, s);
        if (st == CUEFEED_READY) {
            int cue;
            int64_t at;
            unsigned sj;
            cuefeed_slot_start(b->feed, s, &cue, &at, &sj);
            if ((sj != jump || at + late < pos) && cuefeed_retire(b->feed, s))
                st = CUEFEED_DONE;
            else
                ready++;
        }
        if (st == CUEFEED_DONE) {
            recycle(b, s);
            st = CUEFEED_FREE;
        }
        used += st != CUEFEED_FREE;
    }
    while (b->have_ev) {
        const tl_event *ev = &b->ev;
        if (starts_cue(ev)) {
            if (ev->frame >= pos + need && (ready >= CB_AHEAD || ev->frame >= pos + ahead))
                break;
            int s = 0;
            while (s < CUEFEED_SLOTS && cuefeed_state_of(b->feed, s) != CUEFEED_FREE)
                s++;
            if (s == CUEFEED_SLOTS)
                break; /* every slot busy: the next pass */
            vp_stream *vs = NULL;
            if (vp_stream_open(b->vp, ev->cue, b->rate, &vs, d) != 0) {
                b->have_ev = tl_cursor_next(&b->cur, &b->ev); /* it plays as silence */
                return -1;
            }
            b->stream[s] = vs;
            cuefeed_assign(b->feed, s, ev->cue, ev->frame, vp_stream_frames(vs), jump);
            ready++;
            if (++used > b->peak)
                b->peak = used;
        }
        b->have_ev = tl_cursor_next(&b->cur, &b->ev);
    }
    for (int s = 0; s < CUEFEED_SLOTS; s++) {
        if (!b->stream[s])
            continue;
        int64_t written;
        int64_t room = cuefeed_space(b->feed, s, &written);
        while (room > 0) {
            int64_t n = room < CB_SCRATCH ? room : CB_SCRATCH;
            if (vp_stream_read(b->stream[s], b->scratch, n, d) != n) {
                vp_stream_close(b->stream[s]); /* the rest plays as silence */
                b->stream[s] = NULL;
                return -1;
            }
            cuefeed_write(b->feed, s, b->scratch, n);
            room -= n;
            written += n;
        }
        if (written >= vp_stream_frames(b->stream[s])) {
            vp_stream_close(b->stream[s]); /* all in the ring: the decoder's memory goes */
            b->stream[s] = NULL;
        }
    }
    return 0;
}

int cuebank_fill(cuebank *b, int64_t need, adem_diag *d)
{
    return pass(b, need, (int64_t)b->rate * CB_AHEAD_S, d);
}

/* The worker: a pass every few milliseconds until told to stop. */
static int worker(void *arg)
{
    cuebank *b = arg;
    const int64_t need = (int64_t)b->rate * CB_NEED_MS / 1000;
    const int64_t ahead = (int64_t)b->rate * CB_AHEAD_S;
    while (!atomic_load_explicit(&b->stop, memory_order_acquire)) {
        int slow = atomic_load_explicit(&b->slow_ms, memory_order_relaxed);
        if (slow > 0)
            platform_sleep_ms(slow);
        adem_diag d;
        diag_clear(&d);
        if (pass(b, need, ahead, &d) != 0 && !b->failed) {
            b->failed = 1;
            b->err = d;
        }
        platform_sleep_ms(CB_WORKER_MS);
    }
    return 0;
}

int cuebank_start(cuebank *b, adem_diag *d)
{
    atomic_store(&b->stop, 0);
    if (thread_start(&b->thread, worker, b) != 0)
        return diag_runtime(d, "cannot start the voice cue decoder (a thread); close other "
                               "programs and try again");
    return 0;
}

int cuebank_stop(cuebank *b, adem_diag *d)
{
    if (!b || !b->thread)
        return 0;
    atomic_store_explicit(&b->stop, 1, memory_order_release);
    thread_join(b->thread);
    b->thread = NULL;
    if (b->failed) {
        *d = b->err;
        return -1;
    }
    return 0;
}

void cuebank_slow(cuebank *b, int ms)
{
    atomic_store_explicit(&b->slow_ms, ms, memory_order_relaxed);
}

int cuebank_peak_slots(const cuebank *b)
{
    return b->peak;
}

void cuebank_free(cuebank *b)
{
    if (!b)
        return;
    adem_diag d;
    cuebank_stop(b, &d);
    for (int s = 0; s < CUEFEED_SLOTS; s++)
        vp_stream_close(b->stream[s]);
    cuefeed_free(b->feed);
    free(b);
}
