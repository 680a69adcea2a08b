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
    WAVE_BITS = 12,
    WAVE_N = 1 << WAVE_BITS, /* wavetable length (a guard point follows) */
    WAVE_KINDS = 3,          /* 0: fundamental + 2nd + 3rd, 1: + 2nd, 2: sine */
    RC_N = 4096              /* raised-cosine table segments */
};

/* Frequencies are kept at or below this fraction of the sample rate. */
static const double MAX_FRACTION = 0.45;

/* Kellet's refined pink filter: poles, input gains, direct and delayed terms
 * (run by the voices, measured by the table builder). */
static const float PINK_P[6] = {0.99886f, 0.99332f, 0.96900f, 0.86650f, 0.55000f, -0.7616f};
static const float PINK_C[6] = {0.0555179f, 0.0750759f, 0.1538520f, 0.3104856f, 0.5329522f,
                                -0.0168980f};
static const float PINK_DIRECT = 0.5362f, PINK_DELAYED = 0.115926f;

struct synth_tables {
    int rate;
    float wave[WAVE_KINDS][WAVE_N + 1];
    float rc[RC_N + 1]; /* 0.5 - 0.5 cos(pi x), x = i / RC_N: 0 -> 1 */
    /* bell */
    double bell_a1[SYNTH_BELL_PARTIALS], bell_a2[SYNTH_BELL_PARTIALS];
    double bell_y1[SYNTH_BELL_PARTIALS], bell_y2[SYNTH_BELL_PARTIALS]; /* initial states */
    int64_t bell_frames, bell_attack, bell_fade;
    double bell_inv_attack, bell_inv_fade, bell_inv_peak;
    /* pulse */
    float *thump; /* normalised to a peak of 1, ends at exactly 0 */
    int64_t thump_len;
    /* beds */
    float brown_leak, brown_in, brown_dc;
    double pink_scale, brown_scale; /* white sample -> output of RMS 1 */
    int64_t bed_fade;
    double bed_inv_fade, bed_inv_fade1; /* 1 / bed_fade, 1 / (bed_fade - 1) */
};

/* Frames in `seconds` at rate, rounded. */
static inline int64_t frames_of(int rate, double seconds)
{
    return (int64_t)(seconds * rate + 0.5);
}

/* The bell's unscaled sample sum over frames [j0, j1) of its life (rt/synth.c;
 * audio-thread safe): with out, adds each sample times scale to it; with out
 * NULL, returns the largest magnitude. The table builder measures the bell's
 * peak with it, so the peak and the played samples are the same numbers. */
double synth_bell_run(const synth_tables *t, double *y1, double *y2, int64_t j0, int64_t j1,
                      float *out, double scale);

#endif
