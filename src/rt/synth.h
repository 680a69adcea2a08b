/* synth: the synthesized voices of adem — breathing tones, bell, pulse and
 * noise beds.
 *
 * Shape (after miniaudio's ma_waveform and JACK's metro.c): everything costly
 * (wave tables, envelope tables, filter coefficients) is computed once in
 * synth_tables_new (src/setup/synth_tables.c, before the audio starts); a voice is a small plain struct that the engine keeps in a
 * fixed pool, started with *_start and run with *_process, which only index
 * tables and run recurrences.
 *
 * Guarantees every voice keeps (and the unit tests check):
 *  - Chunk independence: processing n frames and then m frames gives exactly
 *    the same samples (bit for bit) as processing n+m frames at once. Render and
 *    live playback call with different buffer sizes and must sound the same.
 *    So any "control-rate" update happens on frames counted from the voice's
 *    own start, never at the edges of the caller's buffer.
 *  - Determinism: the same start arguments give the same samples.
 *  - No sample magnitude above the voice's gain (its nominal peak), and no
 *    click: a tone starts and ends at zero with raised-cosine edges.
 *  - *_process functions add into the output (+=), never overwrite it.
 *
 * Thread safety: synth_tables_new/free allocate (control thread only; they
 * are in src/setup/synth_tables.c). All *_start and *_process functions (in
 * src/rt/synth.c) are real-time safe: no allocation, no locks, no I/O, bounded
 * work per frame. Plain C11, no POSIX. */
#ifndef ADEM_SYNTH_H
#define ADEM_SYNTH_H

#include <stdint.h>

/* Longest a bell rings, in seconds (it is silent before this, < -60 dB). */
#define SYNTH_BELL_SECONDS 5
/* Fade time of a noise bed starting or stopping, in seconds. */
#define SYNTH_BED_FADE_SECONDS 2

typedef struct synth_tables synth_tables;

/* Control thread (allocates): builds the shared read-only tables for a
 * sample rate (8000..384000).
 * Returns NULL when out of memory or the rate is out of range. */
synth_tables *synth_tables_new(int rate);

/* Control thread: frees tables from synth_tables_new. NULL is a no-op. */
void synth_tables_free(synth_tables *t);

/* The sample rate the tables were built for. */
int synth_tables_rate(const synth_tables *t);


/* ---- Breathing tone -------------------------------------------------------
 * A soft tone (a sine with a little warmth from low harmonics) that lasts
 * exactly `frames` frames and glides in pitch from f_from to f_to Hz
 * (exponentially, i.e. evenly in musical pitch). Its level swells gently while
 * rising and fades gently while falling; attack and release are raised-cosine
 * ramps (each at most 1/4 of the tone), so it starts and ends at zero. */
typedef enum synth_shape { SYNTH_RISE = 1, SYNTH_FALL, SYNTH_STEADY } synth_shape;

/* The tone's phase is exact (double precision) at the start of every block
 * of this many frames; inside a block it turns in float (rt/tone_impl.h). */
enum { TONE_BLOCK = 128 };

typedef struct synth_tone {
    const synth_tables *tb;
    int64_t pos, frames;   /* frames done, frames total */
    int64_t block;         /* first frame of the TONE_BLOCK-frame block that holds pos */
    double phase, inc;     /* phase (cycles, [0,1)) and increment at that frame */
    double mul_block, sum_block;   /* over a block: the increment's ratio, the phase's advance */
    float lane[8];         /* phase offsets of a group's eight frames, in increments */
    float step8[8];        /* the eight frames' advance over a group, in increments */
    float glide8;          /* 2 pi (m^8 - 1): a group's turn grows by this times its advance */
    float wa, wb, wc;      /* waveform: s (wa + wb s^2 + wc c) for s, c = sin, cos */
    int64_t rgroup;        /* the group a call ended inside (-1: none) and its */
    float rstate[7][8];    /* state (oscillators, turns, glide turns, levels) */
    int steady, turn_kept; /* no glide; its turn (the same in every block) is in turn */
    float turn[4][8];
    double level0, level_step;       /* level (rise/fall swell) at frame j: level0 + j*step */
    double inv_attack, inv_release;  /* 1/attack, 1/release */
    int64_t attack, release;         /* raised-cosine ramp lengths, frames */
    float gain;
    int shape;
} synth_tone;

/* Starts a tone. frames >= 1; 20 <= f_from, f_to <= 20000; gain is the peak. */
void synth_tone_start(synth_tone *v, const synth_tables *tb, synth_shape shape, double f_from,
                      double f_to, int64_t frames, float gain);

/* Adds the next n frames of the tone (mono) to out. Returns 1 while frames
 * remain after this call, 0 when the tone has ended (frames past its end are
 * left untouched). */
int synth_tone_process(synth_tone *v, float *out, int n);

/* ---- Bell -----------------------------------------------------------------
 * A soft bell: a few inharmonic partials with exponential decays (higher
 * partials die sooner), a short raised-cosine attack, and an end that reaches
 * exact silence within SYNTH_BELL_SECONDS. The strike is rendered once into
 * the tables (synth_tables_new); a sounding bell scales and adds it. */
enum { SYNTH_BELL_PARTIALS = 6 };

typedef struct synth_bell {
    const synth_tables *tb;
    int64_t pos, frames;
    float gain;
    float scale; /* the table's integers to samples: gain / 32767, rounded down */
} synth_bell;

/* Strikes a bell whose peak is at most gain. */
void synth_bell_start(synth_bell *v, const synth_tables *tb, float gain);

/* Adds the next n frames (mono) to out. Returns 1 while it still rings. */
int synth_bell_process(synth_bell *v, float *out, int n);

/* Frames left before the bell is silent. */
int64_t synth_bell_remaining(const synth_bell *v);

/* ---- Pulse ----------------------------------------------------------------
 * A soft, low, drum-like beat at bpm (30..240) for exactly `frames` frames.
 * Beat k starts on frame floor(k * 60 * rate / bpm) after the start (exact,
 * never accumulated); each beat is a short low thump with a falling pitch.
 * Whatever still sounds at the end is faded out within the last few ms. */
typedef struct synth_pulse {
    const synth_tables *tb;
    int64_t pos, frames;
    int64_t per_min;    /* 60 * rate: beat k starts on k * per_min / bpm */
    int64_t beat_len;   /* frames each beat sounds (less than the beat gap) */
    int64_t beat_fade;  /* fade at the end of a shortened beat, 0 = none */
    int64_t end_fade;   /* fade at the end of the pulse, frames */
    int bpm;
    float gain;
} synth_pulse;

/* Starts a pulse. frames >= 1, 30 <= bpm <= 240, gain is the peak. */
void synth_pulse_start(synth_pulse *v, const synth_tables *tb, int bpm, int64_t frames,
                       float gain);

/* Adds the next n frames (mono) to out. Returns 1 while frames remain. */
int synth_pulse_process(synth_pulse *v, float *out, int n);

/* ---- Noise bed ------------------------------------------------------------
 * Continuous pink or brown noise, different in the left and right channels
 * (a wide bed), with RMS about `gain` (full-scale peaks are clamped away by the
 * engine's limiter, but the bed itself stays well below full scale). It fades
 * in over SYNTH_BED_FADE_SECONDS when started and out over the same time when
 * stopped. The noise is pseudo-random from a fixed seed: the same start gives
 * the same samples. */
typedef enum synth_noise { SYNTH_PINK = 1, SYNTH_BROWN } synth_noise;

typedef struct synth_bed {
    const synth_tables *tb;
    int noise;
    float gain;
    int64_t fade_pos, fade_len; /* position in the current fade */
    float fade_from;            /* level when the fade-out began */
    int fading_out;
    int active;
    uint32_t rng[2];            /* brown: a generator per channel */
    float state[2][3];          /* brown: filter states per channel */
    uint32_t prng[8];           /* pink: a generator per lane (four stereo frames) */
    float pstate[8];            /* pink: the sections' states (L: lanes 0-2, R: 4-6) */
    float held[8];              /* pink: the unscaled quad a call ended inside (L 0-3, R 4-7) */
    int hnext;                  /* pink: held's next frame (1..3), 0 for none */
} synth_bed;

/* Starts a bed fading in. seed makes different beds differ. */
void synth_bed_start(synth_bed *v, const synth_tables *tb, synth_noise noise, float gain,
                     uint32_t seed);

/* Begins the fade-out (from the level it has now); a no-op when already
 * fading out. */
void synth_bed_stop(synth_bed *v);

/* Adds the next n stereo frames to left and right. Returns 1 while the bed
 * is sounding (on, or fading out), 0 once it has faded out completely. */
int synth_bed_process(synth_bed *v, float *left, float *right, int n);

/* Frames until the bed is silent: -1 while it is on (not fading out). */
int64_t synth_bed_remaining(const synth_bed *v);

#endif
