/* synth_impl: the layout of the synth tables and what the voices and the
 * table builder share (see synth.h). Private: included only by rt/synth.c
 * (the voices, audio thread) and setup/synth_tables.c (synth_tables_new/free:
 * builds the tables, allocates, control thread). */
#ifndef ADEM_SYNTH_IMPL_H
#define ADEM_SYNTH_IMPL_H

#include <stdint.h>

#include "rt/synth.h"

#define SYNTH_PI 3.14159265358979323846

enum {
    WAVE_KINDS = 3, /* 0: fundamental + 2nd + 3rd, 1: + 2nd, 2: sine */
    RC_N = 4096     /* raised-cosine table segments */
};

/* Frequencies are kept at or below this fraction of the sample rate. */
static const double MAX_FRACTION = 0.45;

/* Kellet's economy pink filter (three one-pole sections and a direct term,
 * within 0.5 dB of -3 dB per octave from 10 Hz up): poles and input gains
 * (run by the voices, measured by the table builder). */
enum { PINK_SECTIONS = 3 };
static const float PINK_P[PINK_SECTIONS] = {0.99765f, 0.96300f, 0.57000f};
static const float PINK_C[PINK_SECTIONS] = {0.0990460f, 0.2965164f, 1.0526913f};
static const float PINK_DIRECT = 0.1848f;

struct synth_tables {
    int rate;
    /* the tone: sin x + h2 sin 2x + h3 sin 3x, divided by its peak */
    double wave_h2[WAVE_KINDS], wave_h3[WAVE_KINDS], wave_peak[WAVE_KINDS];
    float rc[RC_N + 1]; /* 0.5 - 0.5 cos(pi x), x = i / RC_N: 0 -> 1 */
    /* bell: one whole strike, rendered once, as 16-bit integers with its
     * peak at 32767 (half the memory of floats; the rounding is 98 dB below
     * the bell's peak) */
    int16_t *bell;
    int64_t bell_frames;
    /* pulse */
    float *thump; /* normalised to a peak of 1, ends at exactly 0 */
    int64_t thump_len;
    /* beds */
    float brown_leak, brown_in, brown_dc;
    double pink_scale, brown_scale; /* white sample -> output of RMS 1 */
    /* the pink filter four frames at a time (rt/pink_impl.h): h[m] = D [m = 0]
     * + sum_i c_i p_i^m; a[i] = p_i^(k+1) in lanes k and 4 + k; p4 and k[m]:
     * p_i^4 and c_i p_i^m in lanes i and 4 + i (0 in lanes 3 and 7) */
    float pink_h[4], pink_a[PINK_SECTIONS][8], pink_p4[8], pink_k[4][8];
    int64_t bed_fade;
    int avx2; /* 1: the voices use rt/avx2.c's kernels (same bits) */
    double bed_inv_fade, bed_inv_fade1; /* 1 / bed_fade, 1 / (bed_fade - 1) */
};

/* Frames in `seconds` at rate, rounded. */
static inline int64_t frames_of(int rate, double seconds)
{
    return (int64_t)(seconds * rate + 0.5);
}

#endif
