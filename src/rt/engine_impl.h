/* engine_impl: the engine's state (see engine.h). Private: included only by
 * rt/engine.c (engine_process and the rest of the audio thread's side) and
 * setup/engine_new.c (engine_new/engine_free: allocation, validation of the
 * configuration, control thread); everyone else sees the opaque type. */
#ifndef ADEM_ENGINE_IMPL_H
#define ADEM_ENGINE_IMPL_H

#include <stdatomic.h>
#include <stdint.h>

#include "rt/cuefeed.h"
#include "rt/cursor.h"
#include "rt/engine.h"
#include "rt/limiter.h"
#include "rt/spsc.h"
#include "rt/synth.h"

enum {
    BLOCK = 512,
    MAX_CUES = 16,
    MAX_TONES = 8,
    MAX_BELLS = 8,
    MAX_PULSES = 4,
    MAX_BEDS = 3,
    EVENT_CELL = 64,
    EVENTS_PER_CELL = 64,
    CMD_QUEUE = 64,
    STATUS_QUEUE = 64
};

typedef struct cue_voice {
    const float *s; /* the whole cue in memory (no feed), else NULL */
    int64_t pos, frames;
    int slot;       /* with a feed: the claimed slot, or -1 while not ready */
    int cue;        /* with a feed: the start to claim (cue, event frame) */
    int64_t at;
} cue_voice;

typedef enum transport {
    T_PLAY = 0,
    T_PAUSING, /* fading out, then T_PAUSED */
    T_PAUSED,
    T_RESUMING,/* fading in */
    T_SKIPPING,/* foreground fading out, then a jump (skip, or back: `moving`) */
    T_STOPPING /* fading out, then done */
} transport;

/* A stop that has started (a phase, a mark, a session's start): the cursor
 * from which tl_cursor_next returns its event, for ENGINE_BACK. */
typedef struct back_stop {
    tl_cursor cur; /* only stack[0..cur.depth) is copied */
    int64_t frame;
} back_stop;

typedef struct cmd_msg {
    int cmd;
    double value;
} cmd_msg;

struct engine {
    const timeline *tl;
    const adem_cue *cues;
    cuefeed *feed;  /* NULL: the cues are in memory (cues) */
    unsigned jump;  /* raised at every jump of the position (the feed follows) */
    int64_t skip_to;/* during a skip's or back's fade: where it will land */
    int move_announced; /* 1: the running fade's jump was counted (skip_to) */
    uint64_t starved; /* blocks of a cue voice that played silence: not decoded in time */
    engine_config cfg;
    synth_tables *tables;
    limiter lim;

    /* the schedule */
    tl_cursor cur;
    tl_event next;  /* the next event not started yet */
    int have_next;
    tl_cursor next_from; /* the cursor before it returned `next` (stack[0..depth)) */
    int64_t pos;    /* timeline position in frames */
    int64_t out_frames;
    int ended;      /* the END event has passed: in the ring-out */
    int64_t tail_left;
    int64_t tail_cut_at; /* frames of tail left when the cut fade starts; -1 none */
    atomic_int done; /* written by the audio thread, read by either (engine_done) */
    /* at most EVENTS_PER_CELL events start in one EVENT_CELL of timeline
     * frames; the rest start in the next cell (counted in late) */
    int64_t event_cell;
    int cell_events;
    uint64_t late;

    /* voices; a frame count of 0 (cues) or a 0 `on` flag means free */
    cue_voice cv[MAX_CUES];
    synth_tone tone[MAX_TONES];
    unsigned char tone_on[MAX_TONES];
    synth_bell bell[MAX_BELLS];
    unsigned char bell_on[MAX_BELLS];
    synth_pulse pulse[MAX_PULSES];
    unsigned char pulse_on[MAX_PULSES];
    synth_bed bed[MAX_BEDS];
    uint32_t bed_seed;
    adem_noise bed_noise; /* the bed last asked for (set_bed), and its gain */
    float bed_gain;

    /* mix */
    float g_voice, g_tone, g_bed;
    float tone_gain, bell_gain, pulse_gain;
    float master, master_target, master_step;
    int64_t master_ramp_left;
    double volume_db;
    int muted;           /* ENGINE_MUTE: the master's target is 0 */
    transport ts;
    int moving;          /* T_SKIPPING: 0 a skip, 1 a back */
    int pending_move;    /* ENGINE_SKIP/ENGINE_BACK asked for while the pause's fade
                            ran: applied once paused; 0 none */
    /* ENGINE_BACK: the last stops started, newest at back_top */
    back_stop back[ENGINE_BACK_STOPS];
    int back_top, back_count;
    int back_steps;      /* how far the running back goes: 1 this stop, 2 the one before... */
    int64_t back_out;    /* out_frames at the last back; -1 none */
    float fade;          /* transport gain 0..1 */
    float fade_from, fade_to;
    int64_t fade_pos, fade_len; /* frames into the running fade, its length */
    float vbus[BLOCK], tbus[BLOCK], bl[BLOCK], br[BLOCK];
    float tleft[BLOCK], tright[BLOCK]; /* tone buses leaning left / right */
    int spread;                 /* tl/tr were written in this block */
    unsigned char tone_side[MAX_TONES], bell_side[MAX_BELLS]; /* 0 centre, 1 left, 2 right */
    int bell_flip;

    /* ducking: the bed's gain under the voice */
    float duck, duck_floor, duck_step;
    int64_t duck_ramp;       /* frames */
    int64_t voice_until;     /* timeline frame where the last started cue ends */
    int64_t next_voice_at;   /* start of the next event that speaks, or -1 */
    int sounded;         /* a voice added to the buses in the current block */

    /* a `hold` (interactive engines only): 1 while the foreground fades
     * out, 2 once it is silent; the position stays at hold_end (the hold's
     * laid-out end) until released, and what follows keeps its spacing from
     * the release. hold_max: the hold has a max (it releases itself at
     * hold_end) */
    int hold, hold_max;
    int64_t hold_end;
    int64_t hold_fade_pos, hold_fade_len;

    /* status: what is sounding now, for the display */
    const char *title;
    const char *step_label;
    int64_t step_start, step_frames;
    adem_tone step_tone;
    engine_step step;
    int64_t round, rounds;   /* of the phase being started (tl_cursor_round) */
    const char *chapter;
    int speak_cue;
    int64_t speak_end;
    int session_no;
    int64_t session_start, session_frames;
    const char *next_label;  /* the next stop (where a skip lands) */
    tl_event_kind next_kind;
    tl_cursor scratch;       /* a copy of cur, to look ahead for the next stop */
    uint64_t dropped;
    int64_t status_every, status_left;
    int status_dirty;

    spsc *cmdq;  /* producer: control thread (engine_command); consumer: audio thread */
    spsc *statq; /* producer: audio thread; consumer: control thread (engine_poll) */
    engine_status last; /* control thread's copy (engine_poll) */
};

/* Fills the engine's state for playing tl from its start: levels, limiter,
 * transport, ducking, status and the cursor. e must be zeroed, with its
 * tables and queues set, and c valid (setup/engine_new.c does all three).
 * No allocation, no I/O (rt/engine.c). */
void engine_prepare(engine *e, const timeline *tl, const adem_cue *cues, const engine_config *c);

#endif
