/* engine: the only thing in adem that makes sound.
 *
 * engine_process(engine, out, frames) plays a laid-out timeline: every event
 * starts on its frame (also in the middle of a buffer), voice cues, tones,
 * bells, pulses and beds are mixed on three buses (voice, tone, bed) with
 * their own levels, then a smoothed master gain and a limiter that keeps every
 * sample within the ceiling. The PortAudio callback calls it (timed); `render`
 * calls it in a loop (untimed): the samples are the same, whatever the buffer
 * sizes.
 *
 * The output ends on the timeline's last frame plus the ring-out of whatever
 * still sounds then (a bell, a bed's fade, a cue running past the end), at most
 * ENGINE_MAX_TAIL_SECONDS.
 *
 * Threads: engine_new/engine_free allocate (control thread, before the audio
 * starts and after it stopped); they are in src/setup/engine_new.c, which also
 * checks the configuration. engine_process runs on the audio thread and is
 * real-time safe: no allocation, locks, I/O or unbounded loops; when a voice
 * pool is full the event is dropped and counted. It and everything it calls
 * are in src/rt/ (checked with nm: ctest -R rt_symbols). The control thread
 * talks to it only through engine_command (an SPSC queue, rt/spsc.h, control
 * -> audio) and engine_poll (an SPSC queue, audio -> control).
 * Plain C11, no POSIX. */
#ifndef ADEM_ENGINE_H
#define ADEM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "base/cue.h"
#include "base/sound.h"
#include "rt/cuefeed.h"
#include "rt/cursor.h"
#include "timeline/timeline.h"

#define ENGINE_MAX_CHANNELS 8
#define ENGINE_MAX_TAIL_SECONDS 5
/* Fade used by pause/resume and skip, in milliseconds (<= 50). */
#define ENGINE_FADE_MS 30
/* Fade used by stop (q, SIGINT, SIGTERM), in milliseconds. */
#define ENGINE_STOP_FADE_MS 400

/* The mix's headroom, in dB, applied to every bus: voice cues are normalised
 * to -20 LUFS with peaks up to -1 dBTP, so a tone and a bed under them would
 * push the sum over the ceiling. 3 dB lower, the voice sits near -23 LUFS (the
 * EBU R128 programme level) and the limiter only guards, it never shapes. */
#define ENGINE_HEADROOM_DB (-3.0)


typedef struct engine_config {
    int rate;          /* output rate; must equal timeline_rate() */
    int channels;      /* 1..ENGINE_MAX_CHANNELS; 2 is stereo, other counts
                          get the mono mix on every channel */
    int mono;          /* fold the mix to mono (on every channel) */
    double volume_db;  /* master level */
    double voice_db, tone_db, bed_db; /* bus levels (mix balance) */
    double headroom_db; /* added to every bus level: ENGINE_HEADROOM_DB by
                           default; 0 makes a cue's samples pass unchanged */
    double ceiling_db; /* the limiter's ceiling (<= 0) */
    int interactive;   /* a listener can answer (keys or remote control): a
                          `hold` waits for ENGINE_CONTINUE (or its max);
                          0 (render, --no-ui): a hold lasts exactly its max */
} engine_config;

/* Defaults: 48000 Hz, 2 channels, not mono, all levels 0 dB, headroom
 * ENGINE_HEADROOM_DB, ceiling -1 dBFS, not interactive. */
void engine_config_init(engine_config *c);

/* The linear gain the engine uses for a level of db decibels (10^(db/20) in
 * float), so tests can predict output samples exactly. */
float engine_db_gain(double db);

typedef struct engine engine;

/* Control thread (src/setup/engine_new.c; allocates): creates an engine for
 * a laid-out timeline and its cues (cues[i] for cue i, at the output rate). tl and cues must outlive the engine. Returns NULL with
 * d set when the configuration is invalid or memory runs out. */
engine *engine_new(const timeline *tl, const adem_cue *cues, const engine_config *c,
                   adem_diag *d);

/* Control thread, before the audio starts: the engine takes its cues from
 * the feed (filled by io/cuebank.h) instead of the cues array given to
 * engine_new (which may then be NULL). f must outlive the engine. */
void engine_use_feed(engine *e, cuefeed *f);

/* Control thread (src/setup/engine_new.c), after the audio stopped: frees an
 * engine. NULL is a no-op. */
void engine_free(engine *e);

/* Audio thread: writes `frames` interleaved frames (frames * channels floats)
 * into out, always filling all of it. Returns how many of them belong to the
 * session's output; after the end (engine_done) the rest is silence. */
size_t engine_process(engine *e, float *out, size_t frames);

/* Either thread: 1 once the whole output (session + ring-out, or a stop's
 * fade) has been produced. */
int engine_done(const engine *e);

typedef enum engine_cmd {
    ENGINE_PAUSE = 1, /* fade out, then hold the position */
    ENGINE_RESUME,    /* continue from the held position, fading in */
    ENGINE_TOGGLE,    /* pause when playing, resume when paused */
    ENGINE_SKIP,      /* fade out, then jump to the next phase, mark or session
                         start; while paused: jump at once and stay paused */
    ENGINE_VOLUME,    /* master level += value dB (clamped to -60..+12 dB) */
    ENGINE_STOP,      /* fade out (ENGINE_STOP_FADE_MS) and finish; value != 0:
                         now (an ENGINE_FADE_MS fade from where the gain is),
                         also while a stop's fade runs */
    ENGINE_CONTINUE,  /* release a `hold` (nothing when none is held); during a
                         hold ENGINE_TOGGLE and ENGINE_SKIP release it too */
    ENGINE_BACK,      /* fade out, then jump back to the start of the current
                         phase, mark or session start; again within 2 s of
                         output: to the one before (up to ENGINE_BACK_STOPS);
                         while paused: jump at once and stay paused */
    ENGINE_MUTE       /* value 0: mute/unmute; > 0 mute; < 0 unmute (a short
                         ramp of the master level; the volume is kept) */
} engine_cmd;

/* How many stops ENGINE_BACK can go back (a ring of the last ones started),
 * and the window in which a second ENGINE_BACK goes to the previous one. */
#define ENGINE_BACK_STOPS 8
#define ENGINE_BACK_AGAIN_MS 2000

/* Control thread: queues a command for the audio thread. Returns 0, or -1
 * if the queue is full. */
int engine_command(engine *e, engine_cmd cmd, double value);

/* What the current step is, for the display. */
typedef enum engine_step {
    ENGINE_STEP_NONE = 0, /* nothing yet, or after the end */
    ENGINE_STEP_PHASE,    /* a phase: phase, phase_start/frames, tone, round */
    ENGINE_STEP_SPEAK,    /* a spoken cue (`speak`): cue */
    ENGINE_STEP_WAIT,     /* silence (`wait`) */
    ENGINE_STEP_GAP,      /* the --gap between two sessions */
    ENGINE_STEP_HOLD      /* a `hold`: phase is its label; holding while it waits */
} engine_step;

/* A snapshot of what is playing, sent by the audio thread at every change of
 * phase, session, pause state or volume, and at least every 50 ms. */
typedef struct engine_status {
    int64_t out_frames;      /* frames output so far */
    int64_t pos;             /* position in the timeline, frames */
    int64_t total;           /* timeline_frames */
    const char *title;       /* current session's title (top level or play) */
    const char *phase;       /* current phase or mark label, or NULL */
    int64_t phase_start, phase_frames; /* of the current phase; 0 for none */
    adem_tone tone;           /* current phase's tone (for the breathing bar) */
    engine_step step;         /* what the current step is */
    int64_t round, rounds;    /* a phase inside a repeat: the innermost repeat's
                                 iteration (1-based) and count; 0 0 otherwise */
    const char *chapter;      /* the last `mark` in this session, or NULL */
    int cue;                  /* the voice cue spoken last (timeline cue index), or -1 */
    int64_t cue_end;          /* the timeline frame where it ends */
    int session_no, sessions; /* top-level session i of n (1-based; 0 in a lead-in) */
    int64_t session_start, session_frames; /* of the current top-level session */
    const char *next;         /* the next stop (where `n` lands): its label or
                                 title, NULL at the end */
    tl_event_kind next_kind;  /* TL_EV_PHASE, TL_EV_MARK, TL_EV_SESSION or TL_EV_END */
    int holding;              /* a `hold` is waiting for the listener */
    int paused, stopping, done;
    double volume_db;
    int muted;               /* ENGINE_MUTE: the master is silent */
    uint64_t dropped;        /* events dropped because a pool was full */
    uint64_t clipped;        /* frames where the limiter reduced the gain */
    uint64_t starved;        /* blocks of a voice cue that played as silence
                                because the cue feed had not decoded them in
                                time (0 when every cue was ready) */
    uint64_t late;           /* times more than 64 events fell due within 64
                                frames, and the rest started up to 64 frames
                                late (a pathological session) */
} engine_status;

/* Control thread: takes the latest status the audio thread has sent (drains
 * the queue). Returns 1 if st was updated, 0 if nothing new arrived. */
int engine_poll(engine *e, engine_status *st);

/* Any thread when the audio thread is not running (e.g. between render
 * blocks): the current status, computed directly. */
void engine_status_now(const engine *e, engine_status *st);

#endif
