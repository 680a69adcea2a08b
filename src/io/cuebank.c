/* cuebank: voice cues decoded just ahead of need (see cuebank.h). */
#include "io/cuebank.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "rt/cursor.h"
#include "sys/platform.h"
#include "sys/thread.h"

enum {
    CB_SCRATCH = 4096, /* frames decoded per vp_stream_read */
    CB_AHEAD = 4,      /* starts prepared beyond `need`, at most */
    CB_WORKER_MS = 5   /* the worker's pause between passes */
};
/* The cache of whole decoded cues, so that a cue spoken again and again
 * (a count, "in", "uit") is not decoded and its file opened every time: at
 * most CB_CACHE_FRAMES frames in all (256 KB), a cue only from its second
 * start, and a cue in it makes way only for one started more often. */
#define CB_CACHE_FRAMES (1 << 16)
/* How far ahead the worker works: every start within CB_NEED_MS is
 * prepared; up to CB_AHEAD more within CB_AHEAD_S. A start the engine passed
 * more than CB_LATE_MS ago without claiming it (its voices were all busy) is
 * recycled. */
#define CB_NEED_MS 500
#define CB_AHEAD_S 60
#define CB_LATE_MS 100

/* A whole decoded cue kept for its next starts. */
typedef struct cb_cached {
    float *x;      /* NULL: not cached */
    int64_t frames;
    int complete;  /* all frames are in x (else it is being filled) */
    int users;     /* slots reading it or filling it: it may not go */
} cb_cached;

/* Where a slot's frames come from while its ring is being filled. */
typedef struct cb_source {
    vp_stream *vs;   /* decoding (and copying into fill, when set) */
    cb_cached *from; /* or copying from the cache */
    cb_cached *fill; /* the cache entry being filled while decoding */
    int64_t done;    /* frames given to the ring */
} cb_source;

struct cuebank {
    const voicepack *vp;
    const timeline *tl;
    int rate;
    int ncues;
    cuefeed *feed;
    cb_source src[CUEFEED_SLOTS];     /* per slot: active while its ring is filling */
    cb_cached *cache;                 /* per cue */
    unsigned *starts;                 /* per cue: starts prepared so far */
    int64_t cached_frames;            /* in the cache, in all */
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
    b->ncues = timeline_ncues(tl);
    b->cache = calloc((size_t)(b->ncues ? b->ncues : 1), sizeof *b->cache);
    b->starts = calloc((size_t)(b->ncues ? b->ncues : 1), sizeof *b->starts);
    if (!b->cache || !b->starts) {
        cuebank_free(b);
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
 * after pos (from the start again when pos lies behind the walk, or the
 * walk has already reached the end). */
static void follow(cuebank *b, int64_t pos)
{
    if (!b->have_ev || b->ev.frame > pos) {
        tl_cursor_init(&b->cur, b->tl);
        b->have_ev = tl_cursor_next(&b->cur, &b->ev);
    }
    while (b->have_ev && b->ev.frame < pos)
        b->have_ev = tl_cursor_next(&b->cur, &b->ev);
}

/* Drops cue c's entry from the cache. */
static void uncache(cuebank *b, int c)
{
    free(b->cache[c].x);
    b->cached_frames -= b->cache[c].frames;
    memset(&b->cache[c], 0, sizeof b->cache[c]);
}

/* Ends slot s's source: the decoder closed; a cache entry it was filling is
 * kept when complete, dropped when not. */
static void source_end(cuebank *b, int s)
{
    cb_source *r = &b->src[s];
    vp_stream_close(r->vs);
    if (r->from)
        r->from->users--;
    if (r->fill) {
        r->fill->users--;
        r->fill->complete = r->done == r->fill->frames;
        if (!r->fill->complete)
            uncache(b, (int)(r->fill - b->cache));
    }
    memset(r, 0, sizeof *r);
}

/* Closes what slot s held and frees it. */
static void recycle(cuebank *b, int s)
{
    source_end(b, s);
    cuefeed_reset(b->feed, s);
}

/* Makes room for `frames` more in the cache for cue c: entries not in use
 * and started less often than c go, the least started first. Returns 1 when
 * there is room. */
static int cache_room(cuebank *b, int c, int64_t frames)
{
    while (b->cached_frames + frames > CB_CACHE_FRAMES) {
        int victim = -1;
        for (int i = 0; i < b->ncues; i++)
            if (b->cache[i].x && !b->cache[i].users && b->starts[i] < b->starts[c] &&
                (victim < 0 || b->starts[i] < b->starts[victim]))
                victim = i;
        if (victim < 0)
            return 0;
        uncache(b, victim);
    }
    return 1;
}

/* Opens the source of a start of cue c in slot s: the cache, or the
 * decoder (filling the cache as it goes when the cue earns a place).
 * Returns the cue's length, or -1 with d set. */
static int64_t source_open(cuebank *b, int s, int c, adem_diag *d)
{
    cb_source *r = &b->src[s];
    cb_cached *k = &b->cache[c];
    memset(r, 0, sizeof *r);
    b->starts[c]++;
    if (k->x && k->complete) {
        r->from = k;
        k->users++;
        return k->frames;
    }
    if (vp_stream_open(b->vp, c, b->rate, &r->vs, d) != 0)
        return -1;
    int64_t frames = vp_stream_frames(r->vs);
    if (!k->x && b->starts[c] >= 2 && frames <= CB_CACHE_FRAMES && cache_room(b, c, frames) &&
        (k->x = malloc((size_t)frames * sizeof *k->x)) != NULL) {
        k->frames = frames;
        k->complete = 0;
        k->users = 1;
        b->cached_frames += frames;
        r->fill = k;
    }
    return frames;
}

/* Fills slot s's ring as far as it has room. Returns 0, or -1 with d set
 * (the rest of the cue then plays as silence). */
static int source_fill(cuebank *b, int s, adem_diag *d)
{
    cb_source *r = &b->src[s];
    int64_t written;
    int64_t room = cuefeed_space(b->feed, s, &written);
    while (room > 0) {
        int64_t n = room < CB_SCRATCH ? room : CB_SCRATCH;
        if (r->from)
            cuefeed_write(b->feed, s, r->from->x + r->done, n);
        else {
            if (vp_stream_read(r->vs, b->scratch, n, d) != n) {
                source_end(b, s);
                return -1;
            }
            if (r->fill)
                memcpy(r->fill->x + r->done, b->scratch, (size_t)n * sizeof *b->scratch);
            cuefeed_write(b->feed, s, b->scratch, n);
        }
        r->done += n;
        room -= n;
    }
    int64_t total = r->from ? r->from->frames : vp_stream_frames(r->vs);
    if (r->done >= total)
        source_end(b, s); /* all in the ring: the decoder's memory goes */
    return 0;
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
        if (starts_cue(ev) && ev->frame + late >= pos) { /* (a start passed by: skipped) */
            if (ev->frame >= pos + need && (ready >= CB_AHEAD || ev->frame >= pos + ahead))
                break;
            int s = 0;
            while (s < CUEFEED_SLOTS && cuefeed_state_of(b->feed, s) != CUEFEED_FREE)
                s++;
            if (s == CUEFEED_SLOTS)
                break; /* every slot busy: the next pass */
            int64_t frames = source_open(b, s, ev->cue, d);
            if (frames < 0) {
                b->have_ev = tl_cursor_next(&b->cur, &b->ev); /* it plays as silence */
                return -1;
            }
            cuefeed_assign(b->feed, s, ev->cue, ev->frame, frames, jump);
            ready++;
            if (++used > b->peak)
                b->peak = used;
        }
        b->have_ev = tl_cursor_next(&b->cur, &b->ev);
    }
    for (int s = 0; s < CUEFEED_SLOTS; s++)
        if ((b->src[s].vs || b->src[s].from) && source_fill(b, s, d) != 0)
            return -1;
    return 0;
}

int cuebank_fill(cuebank *b, int64_t need, adem_diag *d)
{
    return pass(b, need, 0, d);
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
        vp_stream_close(b->src[s].vs);
    for (int c = 0; b->cache && c < b->ncues; c++)
        free(b->cache[c].x);
    free(b->cache);
    free(b->starts);
    cuefeed_free(b->feed);
    free(b);
}
