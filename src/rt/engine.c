/* engine: scheduler, voice pools, mixer, transport fades and limiter
 * (see engine.h).
 *
 * engine_process works in sub-blocks of at most BLOCK frames, and splits each
 * sub-block at the frame of every event, so an event starts exactly on its
 * frame. Every voice keeps its own per-sample state, the gains are ramped per
 * sample and the limiter works per sample: the output does not depend on how
 * the caller cuts it into buffers, so a render and a live play are the same.
 *
 * Everything here is safe on the audio thread: nothing allocates, locks,
 * prints, reads files or waits (the test rt_symbols checks the object with
 * nm). engine_new and engine_free, which allocate, are in
 * src/setup/engine_new.c; the struct both see is in rt/engine_impl.h. */
#include "rt/engine.h"

#include <math.h>
#include <string.h>

#include "base/cpu.h"
#include "rt/avx2.h"
#include "rt/engine_impl.h"
#include "rt/limiter.h"
#include "rt/mix_impl.h"
#include "rt/simd4.h"
#include "rt/spsc.h"
#include "rt/synth.h"

/* Internal balance of the synthesized sounds (peak levels before the bus
 * levels): soft under a voice normalised to -20 LUFS. */
#define TONE_DB (-22.0)
#define BELL_DB (-12.0)
#define PULSE_DB (-14.0)
/* The master level's smoothing ramp, and the limiter's release. */
#define MASTER_RAMP_MS 20
#define LIMITER_RELEASE_MS 80
/* The bed dips under the voice: depth, and the length of its ramps (it
 * starts going down this long before a cue starts). */
#define DUCK_DB (-5.0)
#define DUCK_RAMP_MS 200
/* Tones and bells are spread slightly: rising tones lean left, falling tones
 * right, bells alternate; (1+SPREAD, 1-SPREAD) sums to the centre level, so a
 * mono fold is unchanged. The voice and the pulse stay in the centre. */
#define SPREAD 0.2f
/* How often a status is sent while nothing changes. */
#define STATUS_EVERY_MS 50
/* The fade used when the 5 s ring-out cuts off something still sounding. */
#define TAIL_CUT_MS 20

void engine_config_init(engine_config *c)
{
    memset(c, 0, sizeof *c);
    c->rate = 48000;
    c->channels = 2;
    c->ceiling_db = -1.0;
    c->headroom_db = ENGINE_HEADROOM_DB;
}

/* Converts decibels to a float gain. */
static float db_gain(double db)
{
    return (float)pow(10.0, db / 20.0);
}

float engine_db_gain(double db)
{
    return db_gain(db);
}

/* Copies cursor src into dst: its header and the stack entries in use, so
 * O(depth). */
static void cursor_copy(tl_cursor *dst, const tl_cursor *src)
{
    dst->tl = src->tl;
    dst->depth = src->depth;
    dst->sub = src->sub;
    dst->done = src->done;
    memcpy(dst->stack, src->stack, (size_t)src->depth * sizeof src->stack[0]);
}

/* Fetches the next event from the cursor into e->next (and keeps, in
 * e->next_from, the cursor it came from: where ENGINE_BACK returns to). */
static void fetch(engine *e)
{
    cursor_copy(&e->next_from, &e->cur);
    e->have_next = tl_cursor_next(&e->cur, &e->next);
    int speaks = e->have_next && e->next.cue >= 0 &&
                 (e->next.kind == TL_EV_CUE || e->next.kind == TL_EV_PHASE);
    e->next_voice_at = speaks ? e->next.frame : -1;
}

/* 1 for the events a skip lands on: a phase, a mark, a session's start, the
 * end. */
static int is_stop(tl_event_kind k)
{
    return k == TL_EV_PHASE || k == TL_EV_MARK || k == TL_EV_SESSION || k == TL_EV_END;
}

/* Notes the next stop, where a skip would land (for the display's
 * "volgende"): e->next when it is one, else the first stop after it, found
 * on a copy of the cursor in O(depth) (tl_cursor_skip). Called when a stop
 * has started, after a skip and at the start. */
static void update_next(engine *e)
{
    const tl_event *ev = &e->next;
    tl_event found;
    if (e->have_next && !is_stop(ev->kind)) {
        cursor_copy(&e->scratch, &e->cur);
        tl_cursor_skip(&e->scratch);
        ev = tl_cursor_next(&e->scratch, &found) ? &found : NULL;
    } else if (!e->have_next)
        ev = NULL;
    e->next_kind = ev ? ev->kind : TL_EV_END;
    e->next_label = ev && ev->kind != TL_EV_END ? ev->label : NULL;
    e->status_dirty = 1;
}

/* Fills the engine's state for playing tl from its start: levels, limiter,
 * transport, ducking, status and the cursor. e was zeroed and its tables
 * and queues are set (setup/engine_new.c does both); no allocation, no
 * I/O. Called before the audio starts. */
void engine_prepare(engine *e, const timeline *tl, const adem_cue *cues, const engine_config *c)
{
    e->tl = tl;
    e->cues = cues;
    e->cfg = *c;
    limiter_init(&e->lim, c->rate, c->ceiling_db, LIMITER_RELEASE_MS);
    e->g_voice = db_gain(c->voice_db + c->headroom_db);
    e->g_tone = db_gain(c->tone_db + c->headroom_db);
    e->g_bed = db_gain(c->bed_db + c->headroom_db);
    e->tone_gain = db_gain(TONE_DB);
    e->bell_gain = db_gain(BELL_DB);
    e->pulse_gain = db_gain(PULSE_DB);
    e->volume_db = c->volume_db;
    e->master = e->master_target = db_gain(c->volume_db);
    e->fade = 1.0f;
    e->ts = T_PLAY;
    e->tail_cut_at = -1;
    e->back_out = -1;
    e->bed_seed = 0x9e3779b9u;
    e->duck = 1.0f;
    e->duck_floor = db_gain(DUCK_DB);
    e->duck_ramp = (int64_t)c->rate * DUCK_RAMP_MS / 1000;
    e->duck_step = (1.0f - e->duck_floor) / (float)e->duck_ramp;
    e->next_voice_at = -1;
    e->title = timeline_title(tl);
    e->speak_cue = -1;
    e->status_every = (int64_t)c->rate * STATUS_EVERY_MS / 1000;
    e->status_dirty = 1;
    tl_cursor_init(&e->cur, tl);
    fetch(e);
    update_next(e);
}

int engine_done(const engine *e)
{
    return atomic_load_explicit(&e->done, memory_order_acquire);
}

/* Audio thread: the output is complete (engine_done says so from now on). */
static void set_done(engine *e)
{
    atomic_store_explicit(&e->done, 1, memory_order_release);
}

/* Audio thread: 1 once the output is complete. */
static int is_done(const engine *e)
{
    return atomic_load_explicit(&e->done, memory_order_relaxed);
}

/* ---- Starting events ---------------------------------------------------------- */

/* Starts voice cue `cue` of `frames` frames for the event at timeline frame
 * `at`; drops it (counted) when every cue voice is busy. With a feed the
 * voice claims the start's slot (or keeps trying while it plays silence). */
static void start_cue(engine *e, int cue, int64_t at, int64_t frames)
{
    if (cue < 0)
        return;
    if (!e->feed) {
        if (!e->cues[cue].samples || e->cues[cue].frames <= 0)
            return;
        frames = e->cues[cue].frames;
    } else if (frames <= 0)
        return;
    e->speak_cue = cue;
    e->speak_end = e->pos + frames;
    e->status_dirty = 1;
    if (e->pos + frames > e->voice_until)
        e->voice_until = e->pos + frames;
    for (int i = 0; i < MAX_CUES; i++) {
        cue_voice *v = &e->cv[i];
        if (v->frames == 0) {
            v->s = e->feed ? NULL : e->cues[cue].samples;
            v->frames = frames;
            v->pos = 0;
            v->cue = cue;
            v->at = at;
            v->slot = e->feed ? cuefeed_claim(e->feed, cue, at, e->jump) : -1;
            return;
        }
    }
    e->dropped++;
}

/* Ends cue voice v (its cue is over, or cut): its slot goes back to the feed. */
static void end_cue(engine *e, cue_voice *v)
{
    if (e->feed && v->frames && v->slot >= 0)
        cuefeed_release(e->feed, v->slot);
    v->frames = 0;
    v->slot = -1;
}

/* Sets what the display shows as the current step (a phase's round is set
 * by schedule before it starts; any other step has none). */
static void set_step(engine *e, engine_step kind, const char *label, int64_t start, int64_t frames,
                     adem_tone tone)
{
    e->step = kind;
    if (kind != ENGINE_STEP_PHASE)
        e->round = e->rounds = 0;
    e->step_label = label;
    e->step_start = start;
    e->step_frames = frames;
    e->step_tone = tone;
    e->status_dirty = 1;
}

/* Starts a phase: its cue, tone and pulse. */
static void start_phase(engine *e, const tl_event *ev)
{
    set_step(e, ENGINE_STEP_PHASE, ev->label, ev->frame, ev->frames, ev->tone);
    start_cue(e, ev->cue, ev->frame, ev->cue_frames);
    if (ev->tone != ADEM_TONE_NONE) {
        int i = 0;
        while (i < MAX_TONES && e->tone_on[i])
            i++;
        if (i == MAX_TONES)
            e->dropped++;
        else {
            synth_shape sh = ev->tone == ADEM_TONE_RISE   ? SYNTH_RISE
                             : ev->tone == ADEM_TONE_FALL ? SYNTH_FALL
                                                         : SYNTH_STEADY;
            synth_tone_start(&e->tone[i], e->tables, sh, ev->f_from, ev->f_to, ev->frames,
                             e->tone_gain);
            e->tone_on[i] = 1;
            e->tone_side[i] = sh == SYNTH_RISE ? 1 : sh == SYNTH_FALL ? 2 : 0;
        }
    }
    if (ev->bpm > 0) {
        int i = 0;
        while (i < MAX_PULSES && e->pulse_on[i])
            i++;
        if (i == MAX_PULSES)
            e->dropped++;
        else {
            synth_pulse_start(&e->pulse[i], e->tables, ev->bpm, ev->frames, e->pulse_gain);
            e->pulse_on[i] = 1;
        }
    }
}

/* Strikes a bell; when all are ringing, the oldest makes way. */
static void start_bell(engine *e, float gain)
{
    int i = 0, oldest = 0;
    while (i < MAX_BELLS && e->bell_on[i]) {
        if (synth_bell_remaining(&e->bell[i]) < synth_bell_remaining(&e->bell[oldest]))
            oldest = i;
        i++;
    }
    if (i == MAX_BELLS) {
        e->dropped++;
        i = oldest;
    }
    synth_bell_start(&e->bell[i], e->tables, gain * e->bell_gain);
    e->bell_on[i] = 1;
    e->bell_side[i] = (unsigned char)(1 + (e->bell_flip++ & 1));
}

/* Changes the bed: the playing one fades out, a new one (if any) fades in. */
static void set_bed(engine *e, adem_noise noise, float gain)
{
    int free_slot = -1, quietest = 0;
    e->bed_noise = noise;
    e->bed_gain = noise == ADEM_NOISE_OFF ? 0.0f : gain;
    for (int i = 0; i < MAX_BEDS; i++) {
        if (e->bed[i].active) {
            synth_bed_stop(&e->bed[i]);
            int64_t r = synth_bed_remaining(&e->bed[i]);
            if (r >= 0 && r < synth_bed_remaining(&e->bed[quietest]))
                quietest = i;
        } else if (free_slot < 0)
            free_slot = i;
    }
    if (noise == ADEM_NOISE_OFF)
        return;
    if (free_slot < 0) {
        e->dropped++;
        free_slot = quietest;
    }
    e->bed_seed = e->bed_seed * 1664525u + 1013904223u;
    synth_bed_start(&e->bed[free_slot], e->tables, noise == ADEM_NOISE_PINK ? SYNTH_PINK : SYNTH_BROWN,
                    gain, e->bed_seed);
}

/* Frames until every voice is silent, if nothing new starts. */
static int64_t ringing(const engine *e)
{
    int64_t m = 0;
    for (int i = 0; i < MAX_CUES; i++)
        if (e->cv[i].frames && e->cv[i].frames - e->cv[i].pos > m)
            m = e->cv[i].frames - e->cv[i].pos;
    for (int i = 0; i < MAX_TONES; i++)
        if (e->tone_on[i] && e->tone[i].frames - e->tone[i].pos > m)
            m = e->tone[i].frames - e->tone[i].pos;
    for (int i = 0; i < MAX_PULSES; i++)
        if (e->pulse_on[i] && e->pulse[i].frames - e->pulse[i].pos > m)
            m = e->pulse[i].frames - e->pulse[i].pos;
    for (int i = 0; i < MAX_BELLS; i++)
        if (e->bell_on[i] && synth_bell_remaining(&e->bell[i]) > m)
            m = synth_bell_remaining(&e->bell[i]);
    for (int i = 0; i < MAX_BEDS; i++)
        if (e->bed[i].active && synth_bed_remaining(&e->bed[i]) > m)
            m = synth_bed_remaining(&e->bed[i]);
    return m;
}

/* The session's last frame has come: beds fade out, and the output goes on
 * for as long as something still sounds, at most ENGINE_MAX_TAIL_SECONDS. */
static void begin_tail(engine *e)
{
    e->ended = 1;
    for (int i = 0; i < MAX_BEDS; i++)
        if (e->bed[i].active)
            synth_bed_stop(&e->bed[i]);
    int64_t max = (int64_t)ENGINE_MAX_TAIL_SECONDS * e->cfg.rate;
    int64_t r = ringing(e);
    e->tail_left = r < max ? r : max;
    if (r > max)
        e->tail_cut_at = (int64_t)TAIL_CUT_MS * e->cfg.rate / 1000;
    set_step(e, ENGINE_STEP_NONE, NULL, e->pos, 0, ADEM_TONE_NONE);
    if (e->tail_left == 0)
        set_done(e);
}

/* Silences the foreground at once (cues, tones, bells, pulses); the bed
 * comes back up from under the voice. */
static void silence_foreground(engine *e)
{
    for (int i = 0; i < MAX_CUES; i++)
        end_cue(e, &e->cv[i]);
    memset(e->tone_on, 0, sizeof e->tone_on);
    memset(e->bell_on, 0, sizeof e->bell_on);
    memset(e->pulse_on, 0, sizeof e->pulse_on);
    e->voice_until = 0;
    e->speak_cue = -1;
}

/* A hold starts. Without a listener (render, --no-ui) it is only a step of
 * its max's length, like a wait. With one, the foreground fades out over
 * ENGINE_FADE_MS and the position stops at the hold's end until
 * release_hold (a bed keeps sounding). */
static void start_hold(engine *e, const tl_event *ev)
{
    set_step(e, ENGINE_STEP_HOLD, ev->label, ev->frame, ev->frames, ADEM_TONE_NONE);
    if (!e->cfg.interactive)
        return;
    e->hold = 1;
    e->hold_max = ev->frames > 0;
    e->hold_end = ev->frame + ev->frames;
    e->hold_fade_pos = 0;
    e->hold_fade_len = (int64_t)e->cfg.rate * ENGINE_FADE_MS / 1000;
    if (e->hold_fade_len < 1)
        e->hold_fade_len = 1;
}

/* Releases the hold: what follows starts from here, with the spacing it has
 * after the hold's laid-out end (an early release jumps to that end). */
static void release_hold(engine *e)
{
    if (e->hold == 1)
        silence_foreground(e); /* still fading: cut the last few ms */
    e->hold = 0;
    /* an early release moves the position on to the hold's end, over no
     * event: for the cue feed that is the walk going on (it retires the
     * starts it passes and keeps the ones prepared after the hold), not a
     * jump, so the jump count stays (raising it would retire those) */
    if (e->pos < e->hold_end)
        e->pos = e->hold_end;
    e->status_dirty = 1;
}

/* Starts one event (its frame is e->pos). */
static void start_event(engine *e, const tl_event *ev)
{
    switch (ev->kind) {
    case TL_EV_SESSION:
        e->title = ev->label;
        e->chapter = NULL;
        if (ev->session_no > 0) {
            e->session_no = ev->session_no;
            e->session_start = ev->frame;
            e->session_frames = ev->frames;
        }
        e->status_dirty = 1;
        break;
    case TL_EV_CUE:
        if (ev->count_number == 0)
            set_step(e, ENGINE_STEP_SPEAK, NULL, ev->frame, ev->frames, ADEM_TONE_NONE);
        start_cue(e, ev->cue, ev->frame, ev->cue_frames);
        break;
    case TL_EV_WAIT:
        set_step(e, ev->file ? ENGINE_STEP_WAIT : ENGINE_STEP_GAP, NULL, ev->frame, ev->frames,
                 ADEM_TONE_NONE);
        break;
    case TL_EV_HOLD:
        start_hold(e, ev);
        break;
    case TL_EV_PHASE:
        start_phase(e, ev);
        break;
    case TL_EV_BELL:
        start_bell(e, ev->gain);
        break;
    case TL_EV_BED:
        set_bed(e, ev->noise, ev->gain);
        break;
    case TL_EV_MARK:
        e->chapter = ev->label;
        e->status_dirty = 1;
        break;
    case TL_EV_REPEAT:
        break;
    case TL_EV_END:
        begin_tail(e);
        break;
    }
}

/* ---- Commands ------------------------------------------------------------------ */

/* Begins a transport fade from the current gain towards `to` (0 or 1),
 * lasting exactly ms milliseconds of frames. */
static void fade_to(engine *e, transport ts, float to, int ms)
{
    int64_t frames = (int64_t)e->cfg.rate * ms / 1000;
    e->ts = ts;
    e->fade_from = e->fade;
    e->fade_to = to;
    e->fade_pos = 0;
    e->fade_len = frames > 0 ? frames : 1;
    e->status_dirty = 1;
}

/* Sets the master level target (dB), reached by a short linear ramp. */
static void set_volume(engine *e, double db)
{
    if (db < -60)
        db = -60;
    if (db > 12)
        db = 12;
    e->volume_db = db;
    e->master_target = e->muted ? 0.0f : db_gain(db);
    e->master_ramp_left = (int64_t)e->cfg.rate * MASTER_RAMP_MS / 1000;
    e->master_step = (e->master_target - e->master) / (float)e->master_ramp_left;
    e->status_dirty = 1;
}

static int start_due(engine *e);

/* The cursor follows a jump: the bed and the title become what they would be
 * where it stands had everything played, the session number follows, and the
 * next event is fetched. O(depth). */
static void follow_cursor(engine *e)
{
    adem_noise noise;
    float gain;
    tl_cursor_bed(&e->cur, &noise, &gain);
    if (noise != e->bed_noise || gain != e->bed_gain)
        set_bed(e, noise, gain);
    e->title = tl_cursor_title(&e->cur);
    fetch(e);
    int64_t start, frames;
    int no = tl_cursor_session(&e->cur, &start, &frames);
    if (no > 0) {
        e->session_no = no;
        e->session_start = start;
        e->session_frames = frames;
    }
    update_next(e);
}

/* A jump (the skip's or the back's fade has ended, or at once while paused):
 * silences the foreground and moves to the next phase, mark or session start
 * (back = 0), or back to the start of a stop that has started (back = 1:
 * e->back_steps stops back, the first being the current one). The cursor
 * jumps in O(depth) (tl_cursor_skip, or a copy of the cursor kept when that
 * stop started), however much lies between; a hold being waited for is left.
 * Leaves the transport playing. */
/* The index in e->back of the stop a back goes to now, and in *steps how
 * many stops that is (e->back_count > 0). */
static int back_index(const engine *e, int *steps)
{
    const int n = ENGINE_BACK_STOPS;
    *steps = e->back_steps < 1 ? 1 : e->back_steps;
    if (*steps > e->back_count)
        *steps = e->back_count;
    return ((e->back_top - (*steps - 1)) % n + n) % n;
}

/* Where do_move(e, back) would land now (the frame e->pos will have),
 * found without moving: O(depth), on the scratch cursor. Audio thread. */
static int64_t move_target(engine *e, int back)
{
    if (back && e->back_count > 0) {
        int steps;
        return e->back[back_index(e, &steps)].frame;
    }
    if (!back && e->have_next && !is_stop(e->next.kind)) {
        tl_event ev;
        cursor_copy(&e->scratch, &e->cur);
        tl_cursor_skip(&e->scratch);
        return tl_cursor_next(&e->scratch, &ev) ? ev.frame : e->pos;
    }
    return e->have_next ? e->next.frame : e->pos;
}

/* A skip's or a back's fade begins (or a second back changes where it goes):
 * the landing is known now, and nothing starts during the fade, so the jump
 * count is raised and the landing published (engine_process) at once: the
 * cue feed has the fade's length to prepare the cues there. Audio thread. */
static void announce_move(engine *e, int back)
{
    e->skip_to = move_target(e, back);
    e->jump++;
    e->move_announced = 1;
}

static void do_move(engine *e, int back)
{
    silence_foreground(e);
    e->hold = 0;
    if (back && e->back_count > 0) {
        const int n = ENGINE_BACK_STOPS;
        int steps;
        int idx = back_index(e, &steps);
        cursor_copy(&e->cur, &e->back[idx].cur);
        /* that stop and the later ones leave the ring; it comes back when
         * its event starts again */
        e->back_count -= steps;
        e->back_top = (idx - 1 + n) % n;
        e->chapter = NULL; /* the mark before that stop sets it again */
        follow_cursor(e);
    } else if (!back && e->have_next && !is_stop(e->next.kind)) {
        tl_cursor_skip(&e->cur);
        follow_cursor(e);
    }
    if (e->have_next)
        e->pos = e->next.frame;
    /* the cue feed follows: the jump count is raised unless the fade
     * announced this very landing (announce_move) */
    if (!e->move_announced || e->pos != e->skip_to)
        e->jump++;
    e->move_announced = 0;
    /* the next phase/mark sets it */
    set_step(e, ENGINE_STEP_NONE, NULL, e->pos, 0, ADEM_TONE_NONE);
    e->ts = T_PLAY;
    e->fade = 1.0f;
    e->status_dirty = 1;
}

/* A jump while paused: made at once; the events where it lands start (their
 * voices wait silent), and the transport stays paused. */
static void move_paused(engine *e, int back)
{
    do_move(e, back);
    e->ts = T_PAUSED;
    e->fade = 0.0f;
    start_due(e);
}

/* ENGINE_SKIP (back = 0) or ENGINE_BACK (1): a fade and then the jump while
 * playing, the jump at once while paused, after the fade when pausing. */
static void command_move(engine *e, int back)
{
    if (e->ended || (back && e->back_count == 0))
        return;
    if (e->ts == T_SKIPPING) {
        /* a second back during the first one's fade goes one further */
        if (back && e->moving) {
            if (e->back_steps < e->back_count)
                e->back_steps++;
            e->back_out = e->out_frames;
            announce_move(e, 1); /* it lands further back */
        }
        return;
    }
    if (back) {
        int64_t again = (int64_t)e->cfg.rate * ENGINE_BACK_AGAIN_MS / 1000;
        e->back_steps = e->back_out >= 0 && e->out_frames - e->back_out < again ? 2 : 1;
        e->back_out = e->out_frames;
    }
    switch (e->ts) {
    case T_PLAY:
    case T_RESUMING:
        e->moving = back;
        fade_to(e, T_SKIPPING, 0.0f, ENGINE_FADE_MS);
        announce_move(e, back);
        break;
    case T_PAUSING:
        e->pending_move = back ? ENGINE_BACK : ENGINE_SKIP;
        break;
    case T_PAUSED:
        move_paused(e, back);
        break;
    case T_SKIPPING:
    case T_STOPPING:
        break;
    }
}

/* ENGINE_STOP: a fade of ENGINE_STOP_FADE_MS; `now`: ENGINE_FADE_MS from
 * where the gain is, also while a stop's longer fade runs. */
static void command_stop(engine *e, int now)
{
    if (e->hold) { /* the bed fades with the rest; the position stays */
        silence_foreground(e);
        e->hold = 2;
        e->hold_max = 0;
    }
    if (e->ts == T_PAUSED) {
        fade_to(e, T_STOPPING, 0.0f, 1);
        return;
    }
    if (!now) {
        if (e->ts != T_STOPPING)
            fade_to(e, T_STOPPING, 0.0f, ENGINE_STOP_FADE_MS);
        return;
    }
    int64_t quick = (int64_t)e->cfg.rate * ENGINE_FADE_MS / 1000;
    if (e->ts != T_STOPPING || e->fade_len - e->fade_pos > quick)
        fade_to(e, T_STOPPING, 0.0f, ENGINE_FADE_MS);
}

/* Applies the commands queued by the control thread. */
static void take_commands(engine *e)
{
    cmd_msg m;
    while (spsc_pop(e->cmdq, &m) == 0) {
        if (is_done(e))
            continue;
        if (e->ts == T_STOPPING) {
            if (m.cmd == ENGINE_STOP && m.value != 0)
                command_stop(e, 1);
            continue;
        }
        if (e->hold && (m.cmd == ENGINE_CONTINUE || m.cmd == ENGINE_SKIP ||
                        (m.cmd == ENGINE_TOGGLE && (e->ts == T_PLAY || e->ts == T_RESUMING)))) {
            release_hold(e); /* space, n or `continue` go on from a hold */
            continue;
        }
        switch (m.cmd) {
        case ENGINE_CONTINUE:
            break; /* no hold: nothing to continue */
        case ENGINE_TOGGLE:
            m.cmd = (e->ts == T_PAUSED || e->ts == T_PAUSING) ? ENGINE_RESUME : ENGINE_PAUSE;
            /* fall through */
        case ENGINE_PAUSE:
        case ENGINE_RESUME:
            if (m.cmd == ENGINE_PAUSE && (e->ts == T_PLAY || e->ts == T_RESUMING))
                fade_to(e, T_PAUSING, 0.0f, ENGINE_FADE_MS);
            else if (m.cmd == ENGINE_RESUME && (e->ts == T_PAUSED || e->ts == T_PAUSING)) {
                e->pending_move = 0;
                fade_to(e, T_RESUMING, 1.0f, ENGINE_FADE_MS);
            }
            break;
        case ENGINE_SKIP:
        case ENGINE_BACK:
            command_move(e, m.cmd == ENGINE_BACK);
            break;
        case ENGINE_VOLUME:
            set_volume(e, e->volume_db + m.value);
            break;
        case ENGINE_MUTE:
            e->muted = m.value > 0 ? 1 : m.value < 0 ? 0 : !e->muted;
            set_volume(e, e->volume_db);
            break;
        case ENGINE_STOP:
            command_stop(e, m.value != 0);
            break;
        }
    }
}

int engine_command(engine *e, engine_cmd cmd, double value)
{
    cmd_msg m = {(int)cmd, value};
    return spsc_push(e->cmdq, &m);
}

/* ---- Status ---------------------------------------------------------------------- */

void engine_status_now(const engine *e, engine_status *st)
{
    memset(st, 0, sizeof *st);
    st->out_frames = e->out_frames;
    st->pos = e->pos;
    st->total = timeline_frames(e->tl);
    st->title = e->title;
    st->phase = e->step_label;
    st->phase_start = e->step_start;
    st->phase_frames = e->step_frames;
    st->tone = e->step_tone;
    st->step = e->step;
    st->round = e->round;
    st->rounds = e->rounds;
    st->chapter = e->chapter;
    st->cue = e->speak_cue;
    st->cue_end = e->speak_end;
    st->session_no = e->session_no;
    st->sessions = timeline_sessions(e->tl);
    st->session_start = e->session_start;
    st->session_frames = e->session_frames;
    st->next = e->next_label;
    st->next_kind = e->next_kind;
    st->holding = e->hold != 0;
    st->paused = e->ts == T_PAUSED || e->ts == T_PAUSING;
    st->stopping = e->ts == T_STOPPING;
    st->done = is_done(e);
    st->late = e->late;
    st->starved = e->starved;
    st->volume_db = e->volume_db;
    st->muted = e->muted;
    st->dropped = e->dropped;
    st->clipped = e->lim.limited;
}

/* Sends a status to the control thread when something changed or every
 * STATUS_EVERY_MS; a full queue just skips this one. */
static void send_status(engine *e, int64_t frames)
{
    e->status_left -= frames;
    if (!e->status_dirty && e->status_left > 0)
        return;
    engine_status st;
    engine_status_now(e, &st);
    if (spsc_push(e->statq, &st) == 0) {
        e->status_dirty = 0;
        e->status_left = e->status_every;
    }
}

int engine_poll(engine *e, engine_status *st)
{
    int got = 0;
    while (spsc_pop(e->statq, &e->last) == 0)
        got = 1;
    if (got)
        *st = e->last;
    return got;
}

/* ---- Rendering ------------------------------------------------------------------- */

/* Adds m samples of s to o, in pieces of 8 that the compiler vectorises. */
static void add_samples(float *restrict o, const float *restrict s, int m)
{
    int k = 0;
    for (; k + 8 <= m; k += 8)
        for (int j = 0; j < 8; j++)
            o[k + j] += s[k + j];
    for (; k < m; k++)
        o[k] += s[k];
}

/* Runs every active voice for n frames into the buses at offset `at`, and
 * notes in e->sounded that one did. */
/* The bed dips by DUCK_DB while a cue speaks, from DUCK_RAMP_MS before the
 * next speaking event starts until its cue ends, with linear ramps. Decided
 * per frame from timeline positions only (the segment's frames are pos..),
 * so it does not depend on how the output is cut into buffers. */
static void duck(engine *e, int at, int n, int bed)
{
    const float floor_ = e->duck_floor, step = e->duck_step;
    const int64_t until = e->voice_until;
    const int64_t soon =
        e->next_voice_at >= 0 && !e->hold ? e->next_voice_at - e->duck_ramp : INT64_MAX;
    float g = e->duck;
    if (!bed) {
        /* nothing to dip: follow the target at once */
        int64_t last = e->pos + n - 1;
        e->duck = (last < until || last >= soon) ? floor_ : 1.0f;
        return;
    }
    float *l = e->bl + at, *r = e->br + at;
    const int64_t first = e->pos, last = e->pos + n - 1;
    const float t0 = (first < until || first >= soon) ? floor_ : 1.0f;
    /* the target changes only at `until` and `soon`: when neither falls in
     * this segment and the gain has reached it, the gain is a constant */
    if (g == t0 && !(until > first && until <= last) && !(soon > first && soon <= last)) {
        if (g != 1.0f)
            for (int k = 0; k < n; k++) {
                l[k] *= g;
                r[k] *= g;
            }
        return;
    }
    for (int k = 0; k < n; k++) {
        int64_t f = e->pos + k;
        float target = (f < until || f >= soon) ? floor_ : 1.0f;
        g = g > target ? (g - step > target ? g - step : target)
                       : (g + step < target ? g + step : target);
        l[k] *= g;
        r[k] *= g;
    }
    e->duck = g;
}

static void run_voices(engine *e, int at, int n)
{
    int any = 0;
    for (int i = 0; i < MAX_CUES; i++) {
        cue_voice *v = &e->cv[i];
        if (!v->frames)
            continue;
        int64_t left = v->frames - v->pos;
        int m = left < n ? (int)left : n;
        if (v->s)
            add_samples(e->vbus + at, v->s + v->pos, m);
        else {
            if (v->slot < 0 && (v->slot = cuefeed_claim(e->feed, v->cue, v->at, e->jump)) >= 0)
                cuefeed_skip(e->feed, v->slot, v->pos); /* late: from where it is now */
            if (v->slot < 0 || cuefeed_mix(e->feed, v->slot, e->vbus + at, m) > 0)
                e->starved++;
        }
        v->pos += m;
        if (v->pos >= v->frames)
            end_cue(e, v);
        any = 1;
    }
    float *const side[3] = {e->tbus, e->tleft, e->tright};
    for (int i = 0; i < MAX_TONES; i++)
        if (e->tone_on[i]) {
            e->tone_on[i] =
                (unsigned char)synth_tone_process(&e->tone[i], side[e->tone_side[i]] + at, n);
            e->spread |= e->tone_side[i] != 0;
            any = 1;
        }
    for (int i = 0; i < MAX_BELLS; i++)
        if (e->bell_on[i]) {
            e->bell_on[i] =
                (unsigned char)synth_bell_process(&e->bell[i], side[e->bell_side[i]] + at, n);
            e->spread |= e->bell_side[i] != 0;
            any = 1;
        }
    for (int i = 0; i < MAX_PULSES; i++)
        if (e->pulse_on[i]) {
            e->pulse_on[i] = (unsigned char)synth_pulse_process(&e->pulse[i], e->tbus + at, n);
            any = 1;
        }
    int bed = 0;
    for (int i = 0; i < MAX_BEDS; i++)
        if (e->bed[i].active) {
            synth_bed_process(&e->bed[i], e->bl + at, e->br + at, n);
            bed = any = 1;
        }
    duck(e, at, n, bed);
    if (any)
        e->sounded = 1;
}

/* Notes that the stop whose event is e->next (a phase, a mark, a session's
 * start) starts, with the cursor it came from, for ENGINE_BACK; a stop on the
 * same frame as the last one is not noted (back goes to the first of them).
 * O(depth). */
static void note_stop(engine *e, int64_t frame)
{
    if (e->back_count > 0 && e->back[e->back_top].frame == frame)
        return;
    e->back_top = (e->back_top + 1) % ENGINE_BACK_STOPS;
    cursor_copy(&e->back[e->back_top].cur, &e->next_from);
    e->back[e->back_top].frame = frame;
    if (e->back_count < ENGINE_BACK_STOPS)
        e->back_count++;
}

/* Starts everything that is due at e->pos, at most EVENTS_PER_CELL in a cell
 * of EVENT_CELL timeline frames (the rest in the next cell: the work per call
 * stays bounded, and it depends on timeline positions only, so a render and a
 * play still agree); a skip's fade holds new starts. Returns 1 when the cap
 * held some back. Stops early when the output is complete. */
static int start_due(engine *e)
{
    if (e->hold && e->hold_max && e->pos >= e->hold_end)
        release_hold(e); /* its max has passed */
    /* a skip's fade, and a hold at its end, keep the position */
    if (e->ts == T_SKIPPING || (e->hold && e->pos >= e->hold_end))
        return 0;
    while (e->have_next && e->next.frame <= e->pos) {
        int64_t cell = e->pos / EVENT_CELL;
        if (cell != e->event_cell) {
            e->event_cell = cell;
            e->cell_events = 0;
        }
        if (e->cell_events == EVENTS_PER_CELL) {
            e->late++;
            return 1;
        }
        e->cell_events++;
        tl_event ev = e->next;
        if (ev.kind != TL_EV_END && is_stop(ev.kind))
            note_stop(e, ev.frame);
        if (ev.kind == TL_EV_PHASE) /* the cursor stands at it: its round */
            tl_cursor_round(&e->cur, &e->round, &e->rounds);
        fetch(e);
        start_event(e, &ev);
        if (is_stop(ev.kind))
            update_next(e);
        if (is_done(e))
            return 0;
        if (e->hold && e->pos >= e->hold_end)
            break; /* a hold with no max: nothing more starts until released */
    }
    return 0;
}

/* Advances the schedule and the voices by up to n frames (n <= BLOCK),
 * splitting at event frames. Returns the frames done; fewer than n only when
 * the output ends inside this block. */
static int schedule(engine *e, int n)
{
    int i = 0;
    while (i < n && !is_done(e)) {
        int capped = start_due(e);
        if (is_done(e))
            return i;
        int still = e->ts == T_SKIPPING || (e->hold && e->pos >= e->hold_end);
        int seg = n - i;
        if (capped) {
            int64_t to_cell = (e->pos / EVENT_CELL + 1) * EVENT_CELL - e->pos;
            if (to_cell < seg)
                seg = (int)to_cell;
        } else if (!still && e->have_next && e->next.frame - e->pos < seg)
            seg = (int)(e->next.frame - e->pos);
        if (e->hold && e->hold_max && e->pos < e->hold_end && e->hold_end - e->pos < seg)
            seg = (int)(e->hold_end - e->pos);
        if (e->ended && e->tail_left < seg)
            seg = (int)e->tail_left;
        if (seg < 1)
            seg = 1; /* every pass moves on: the loop is bounded by n */
        run_voices(e, i, seg);
        if (e->ts != T_SKIPPING && !(e->hold && e->pos >= e->hold_end))
            e->pos += seg;
        i += seg;
        if (e->ended) {
            e->tail_left -= seg;
            if (e->tail_left <= 0)
                set_done(e);
        }
    }
    return i;
}

/* The common case of mix: stereo, playing (no transport fade), no ring-out
 * cut and no master ramp. The arithmetic is mix's with its gains of 1 left
 * out (x * 1.0f is x, exactly): eight frames at a time (rt/mix_impl.h, with
 * AVX2 where the machine has it), the rest frame by frame. */
static void mix_plain(const engine *e, float *restrict out, int n)
{
    const float *restrict v = e->vbus, *restrict t = e->tbus;
    const float *restrict bl = e->bl, *restrict br = e->br;
    const float gv = e->g_voice, gt = e->g_tone, gb = e->g_bed, m = e->master;
    const float a = 1.0f + SPREAD, b = 1.0f - SPREAD;
    const mix_buses mb = {v, t, e->spread ? e->tleft : NULL, e->spread ? e->tright : NULL,
                          bl, br, gv, gt, gb, m, a, b};
    int k;
#if ADEM_HAVE_AVX2 && !defined(ADEM_NO_SIMD)
    if (cpu_avx2())
        k = avx2_mix(&mb, out, n);
    else
#endif
        k = mix_eights(&mb, out, n);
    if (e->spread) {
        const float *restrict tl = e->tleft, *restrict tr = e->tright;
        for (; k < n; k++) {
            float vv = v[k] * gv;
            float left = (t[k] + a * tl[k] + b * tr[k]) * gt;
            float right = (t[k] + b * tl[k] + a * tr[k]) * gt;
            out[2 * k] = (vv + left + bl[k] * gb) * m;
            out[2 * k + 1] = (vv + right + br[k] * gb) * m;
        }
        return;
    }
    for (; k < n; k++) {
        float fore = v[k] * gv + t[k] * gt;
        out[2 * k] = (fore + bl[k] * gb) * m;
        out[2 * k + 1] = (fore + br[k] * gb) * m;
    }
}

/* Mixes the buses of n frames into out (interleaved) with the bus levels,
 * the transport fade and the master level. */
static void mix(engine *e, float *out, int n)
{
    if (e->ts == T_PLAY && !e->hold && e->cfg.channels == 2 && !e->cfg.mono &&
        e->master_ramp_left == 0 && !(e->tail_cut_at > 0 && e->ended)) {
        if (e->sounded)
            mix_plain(e, out, n);
        else /* silence: the buses hold +0, and so does their mix (the gains are > 0) */
            memset(out, 0, (size_t)n * 2 * sizeof *out);
        return;
    }
    const int ch = e->cfg.channels;
    const int stereo = ch == 2 && !e->cfg.mono;
    const float gv = e->g_voice, gt = e->g_tone, gb = e->g_bed;
    for (int k = 0; k < n; k++) {
        /* transport fade (pause, skip, stop) */
        float fg = 1.0f, bg = 1.0f;
        if (e->ts == T_PAUSING || e->ts == T_RESUMING || e->ts == T_SKIPPING ||
            e->ts == T_STOPPING) {
            /* linear, and exactly fade_len frames long: the last frame of a
             * fade-out is 0 */
            e->fade_pos++;
            float f = e->fade_from + (e->fade_to - e->fade_from) * (float)e->fade_pos /
                                         (float)e->fade_len;
            e->fade = f;
            fg = f;
            bg = e->ts == T_SKIPPING ? 1.0f : f;
        } else if (e->ts == T_PAUSED) {
            fg = bg = 0.0f;
        }
        if (e->hold) {
            /* a hold: the foreground fades out linearly, the bed stays */
            if (e->hold_fade_pos < e->hold_fade_len)
                e->hold_fade_pos++;
            fg *= 1.0f - (float)e->hold_fade_pos / (float)e->hold_fade_len;
        }
        if (e->tail_cut_at > 0 && e->ended) {
            /* the 5 s ring-out is cutting something off: fade it to 0 on
             * the last frame (frames left after this one: tail_left + n-k-1) */
            int64_t rest = e->tail_left + (n - k - 1);
            if (rest < e->tail_cut_at) {
                float f = (float)rest / (float)e->tail_cut_at;
                fg *= f;
                bg *= f;
            }
        }
        if (e->master_ramp_left > 0) {
            e->master += e->master_step;
            if (--e->master_ramp_left == 0)
                e->master = e->master_target;
        }
        float m = e->master;
        float tl = e->tbus[k], tr = e->tbus[k];
        if (e->spread) {
            tl += (1.0f + SPREAD) * e->tleft[k] + (1.0f - SPREAD) * e->tright[k];
            tr += (1.0f - SPREAD) * e->tleft[k] + (1.0f + SPREAD) * e->tright[k];
        }
        float v = e->vbus[k] * gv;
        float l = ((v + tl * gt) * fg + e->bl[k] * gb * bg) * m;
        float r = ((v + tr * gt) * fg + e->br[k] * gb * bg) * m;
        float *o = out + (long)k * ch;
        if (stereo) {
            o[0] = l;
            o[1] = r;
        } else {
            float mono = 0.5f * (l + r);
            for (int c = 0; c < ch; c++)
                o[c] = mono;
        }
    }
}

/* 1 while a transport fade runs. */
static int fading(const engine *e)
{
    return e->ts == T_PAUSING || e->ts == T_RESUMING || e->ts == T_SKIPPING ||
           e->ts == T_STOPPING;
}

/* Moves the transport on when a fade has finished. */
static void transport_step(engine *e)
{
    if (!fading(e) || e->fade_pos < e->fade_len)
        return;
    e->fade = e->fade_to;
    e->status_dirty = 1;
    if (e->ts == T_PAUSING) {
        e->ts = T_PAUSED;
        if (e->pending_move) {
            move_paused(e, e->pending_move == ENGINE_BACK);
            e->pending_move = 0;
        }
    } else if (e->ts == T_RESUMING)
        e->ts = T_PLAY;
    else if (e->ts == T_SKIPPING)
        do_move(e, e->moving);
    else if (e->ts == T_STOPPING)
        set_done(e);
}

/* Frames until the current transport fade ends, or n when none runs. */
static int fade_frames_left(const engine *e, int n)
{
    if (!fading(e))
        return n;
    int64_t left = e->fade_len - e->fade_pos;
    return left < n ? (int)left : n;
}

size_t engine_process(engine *e, float *out, size_t frames)
{
    const int ch = e->cfg.channels;
    size_t produced = 0;
    take_commands(e);
    while (produced < frames && !is_done(e)) {
        int n = frames - produced < BLOCK ? (int)(frames - produced) : BLOCK;
        float *o = out + produced * (size_t)ch;
        if (e->ts == T_PAUSED) {
            memset(o, 0, (size_t)n * (size_t)ch * sizeof *o);
            produced += (size_t)n;
            e->out_frames += n;
            continue;
        }
        n = fade_frames_left(e, n); /* a fade's end splits the block */
        memset(e->vbus, 0, (size_t)n * sizeof(float));
        memset(e->tbus, 0, (size_t)n * sizeof(float));
        memset(e->bl, 0, (size_t)n * sizeof(float));
        memset(e->br, 0, (size_t)n * sizeof(float));
        memset(e->tleft, 0, (size_t)n * sizeof(float));
        memset(e->tright, 0, (size_t)n * sizeof(float));
        e->spread = 0;
        e->sounded = 0;
        int got = schedule(e, n);
        mix(e, o, got);
        if (e->hold == 1 && e->hold_fade_pos >= e->hold_fade_len) {
            silence_foreground(e); /* faded out: the hold is silent but for the bed */
            e->hold = 2;
        }
        limiter_process(&e->lim, o, got, ch);
        produced += (size_t)got;
        e->out_frames += got;
        transport_step(e);
        if (got < n)
            break;
    }
    if (produced < frames)
        memset(out + produced * (size_t)ch, 0, (frames - produced) * (size_t)ch * sizeof *out);
    if (e->feed)
        cuefeed_publish(e->feed, e->ts == T_SKIPPING ? e->skip_to : e->pos, e->jump);
    send_status(e, (int64_t)frames);
    return produced;
}
