/* synth_tables: builds and frees the synth's shared read-only tables (see
 * rt/synth.h): the tone's waveform coefficients, the raised cosine, the bell's resonators and peak,
 * the bell's strike, the pulse's thump, the beds' filter normalisation. Control thread only,
 * before the audio starts: allocates and calls libm. The voices that read the
 * tables are in rt/synth.c; the layout both see is in rt/synth_impl.h. */
#include "rt/synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/cpu.h"
#include "rt/synth_impl.h"

/* Harmonic amplitudes of the breathing tone (relative to the fundamental). */
static const double TONE_H2 = 0.12, TONE_H3 = 0.03;

/* The bell: partial ratios, relative amplitudes and T60 (seconds). */
static const double BELL_BASE_HZ = 587.33;
static const double BELL_RATIO[SYNTH_BELL_PARTIALS] = {1.0, 1.0028, 2.0, 2.76, 4.1, 5.4};
static const double BELL_AMP[SYNTH_BELL_PARTIALS] = {0.60, 0.40, 0.30, 0.22, 0.10, 0.05};
static const double BELL_T60[SYNTH_BELL_PARTIALS] = {3.6, 3.4, 2.6, 1.8, 1.2, 0.9};
static const double BELL_ATTACK_S = 0.004, BELL_FADE_S = 0.050;

/* The pulse's thump. */
static const double THUMP_F_START = 90.0, THUMP_F_END = 55.0;
static const double THUMP_PITCH_TAU_S = 0.045; /* pitch fall time constant */
static const double THUMP_DECAY_TAU_S = 0.120; /* amplitude time constant */
static const double THUMP_ATTACK_S = 0.0025;
static const double THUMP_LEN_S = 0.700;       /* -50 dB by then */
static const double THUMP_TAIL_S = 0.080;      /* the table's own fade-out */

static const double BROWN_CORNER_HZ = 30.0, BROWN_DC_HZ = 10.0;
/* RMS of our white noise (uniform in [-1, 1)): 1/sqrt(3). */
static const double WHITE_RMS = 0.57735026918962576;

/* ---- tables -------------------------------------------------------------- */

/* The tone's waveform coefficients for each kind (all harmonics, without the
 * 3rd, a pure sine): its harmonic amplitudes and its peak, searched on a fine
 * grid and raised by 1e-5 so that the voices' polynomial sine (accurate to a
 * few 1e-6) never passes 1 after normalisation. */
static void build_waves(synth_tables *t)
{
    const double h[WAVE_KINDS][2] = {{TONE_H2, TONE_H3}, {TONE_H2, 0.0}, {0.0, 0.0}};
    enum { GRID = 1 << 13 }; /* points per cycle; the grid's error is < 2e-7 */
    double peak[WAVE_KINDS] = {0.0, 0.0, 0.0};
    for (int i = 0; i < GRID / 2; i++) { /* odd waveforms: half a cycle */
        double x = 2.0 * SYNTH_PI * i / GRID;
        double s1 = sin(x), s2 = sin(2.0 * x), s3 = sin(3.0 * x);
        for (int k = 0; k < WAVE_KINDS; k++) {
            double y = fabs(s1 + h[k][0] * s2 + h[k][1] * s3);
            peak[k] = y > peak[k] ? y : peak[k];
        }
    }
    for (int k = 0; k < WAVE_KINDS; k++) {
        t->wave_h2[k] = h[k][0];
        t->wave_h3[k] = h[k][1];
        t->wave_peak[k] = peak[k] * (1.0 + 1e-5);
    }
}

/* Fills the raised-cosine table (exact 0 and 1 at its ends). */
static void build_rc(synth_tables *t)
{
    for (int i = 0; i <= RC_N; i++)
        t->rc[i] = (float)(0.5 - 0.5 * cos(SYNTH_PI * i / RC_N));
    t->rc[0] = 0.0f;
    t->rc[RC_N] = 1.0f;
}

/* The bell's resonators: partial i is y[n] = a1 y[n-1] - a2 y[n-2], started
 * from y1 = y[-1], y2 = y[-2]; and its envelope's edges. */
typedef struct bell_res {
    double a1[SYNTH_BELL_PARTIALS], a2[SYNTH_BELL_PARTIALS];
    double y1[SYNTH_BELL_PARTIALS], y2[SYNTH_BELL_PARTIALS];
    int64_t frames, attack, fade;
} bell_res;

/* The raised cosine 0.5 - 0.5 cos(pi x), x in [0, 1]. */
static double raised_cos(double x)
{
    return 0.5 - 0.5 * cos(SYNTH_PI * x);
}

/* The bell's unscaled samples for frames [j0, j1) of its life, advancing the
 * resonators in b: with out, stores each sample times scale, rounded to an
 * integer within +-32767, in out[j - j0]; with out NULL, returns the largest
 * magnitude (else 0). */
static double bell_run(bell_res *b, int64_t j0, int64_t j1, int16_t *out, double scale)
{
    double peak = 0.0;
    const int64_t fade_start = b->frames - b->fade;
    for (int64_t j = j0; j < j1; j++) {
        double s = 0.0;
        for (int i = 0; i < SYNTH_BELL_PARTIALS; i++) {
            double y = b->a1[i] * b->y1[i] - b->a2[i] * b->y2[i];
            b->y2[i] = b->y1[i];
            b->y1[i] = y;
            s += y;
        }
        if (j < b->attack)
            s *= raised_cos((double)j / (double)b->attack);
        if (j >= fade_start)
            s *= raised_cos((double)(b->frames - 1 - j) / (double)b->fade);
        if (out) {
            double q = nearbyint(s * scale);
            out[j - j0] = (int16_t)(q > 32767.0 ? 32767.0 : q < -32767.0 ? -32767.0 : q);
        } else {
            double m = fabs(s);
            peak = m > peak ? m : peak;
        }
    }
    return peak;
}

/* Renders one strike of the bell into t->bell (SYNTH_BELL_SECONDS long,
 * 16-bit, its peak at 32767). Returns -1 when out of memory. */
static int build_bell(synth_tables *t)
{
    const int rate = t->rate;
    double amp[SYNTH_BELL_PARTIALS], rr[SYNTH_BELL_PARTIALS];
    bell_res b0;
    for (int i = 0; i < SYNTH_BELL_PARTIALS; i++) {
        double f = BELL_BASE_HZ * BELL_RATIO[i];
        double w = 2.0 * SYNTH_PI * f / rate;
        double r = exp(-3.0 * log(10.0) / (BELL_T60[i] * rate));
        amp[i] = f <= MAX_FRACTION * rate ? BELL_AMP[i] : 0.0;
        rr[i] = r;
        b0.a1[i] = 2.0 * r * cos(w);
        b0.a2[i] = r * r;
        /* States for y[n] = amp r^n sin(n w): y[-1] and y[-2]. */
        b0.y1[i] = -amp[i] * sin(w) / r;
        b0.y2[i] = -amp[i] * sin(2.0 * w) / (r * r);
    }
    b0.frames = (int64_t)SYNTH_BELL_SECONDS * rate;
    b0.attack = frames_of(rate, BELL_ATTACK_S);
    b0.fade = frames_of(rate, BELL_FADE_S);
    t->bell_frames = b0.frames;
    t->bell = malloc((size_t)b0.frames * sizeof *t->bell);
    if (!t->bell)
        return -1;
    /* The peak: run the bell in pieces until no later sample can reach it.
     * Partial i is amp_i r_i^n sin(n w_i), so no sample from frame n on
     * exceeds the sum of amp_i r_i^n (the envelope's edges only lower it);
     * the margin dwarfs the recursion's rounding. */
    bell_res b = b0;
    double peak = 0.0;
    const int64_t piece = rate / 100 > 0 ? rate / 100 : 1;
    for (int64_t j = 0; j < b.frames; j += piece) {
        int64_t e = j + piece < b.frames ? j + piece : b.frames;
        double p = bell_run(&b, j, e, NULL, 0.0);
        peak = p > peak ? p : peak;
        double bound = 0.0;
        for (int i = 0; i < SYNTH_BELL_PARTIALS; i++)
            bound += amp[i] * pow(rr[i], (double)e);
        if (bound < 0.999 * peak)
            break;
    }
    b = b0;
    bell_run(&b, 0, b.frames, t->bell, peak > 0.0 ? 32767.0 / peak : 0.0);
    return 0;
}

/* Sample i of the unnormalised thump of n frames at rate, advancing its
 * oscillator's phase (in cycles; start it at 0 and call for i = 0, 1, ...).
 * *decay is set to the amplitude envelope at i, which bounds the magnitude of
 * this sample and of every later one (it only falls). */
static double thump_sample(int rate, int64_t n, int64_t i, double *phase, double *decay)
{
    const int64_t att = frames_of(rate, THUMP_ATTACK_S);
    const int64_t tail = frames_of(rate, THUMP_TAIL_S);
    double s = (double)i / rate;
    double f = THUMP_F_END + (THUMP_F_START - THUMP_F_END) * exp(-s / THUMP_PITCH_TAU_S);
    *decay = exp(-s / THUMP_DECAY_TAU_S);
    double y = sin(2.0 * SYNTH_PI * *phase) * *decay;
    if (i < att)
        y *= 0.5 - 0.5 * cos(SYNTH_PI * (double)i / (double)att);
    if (i >= n - tail)
        y *= 0.5 - 0.5 * cos(SYNTH_PI * (double)(n - 1 - i) / (double)tail);
    *phase += f / rate;
    *phase -= floor(*phase);
    return y;
}

/* Computes the thump table: a sine falling from 90 to 55 Hz with an
 * exponential decay, a raised-cosine attack and a raised-cosine tail that ends
 * on exactly 0; normalised to a peak of 1. Returns -1 when out of memory. */
static int build_thump(synth_tables *t)
{
    const int64_t n = frames_of(t->rate, THUMP_LEN_S);
    t->thump = malloc((size_t)n * sizeof *t->thump);
    if (!t->thump)
        return -1;
    /* Two passes over the same arithmetic, the peak and then the table
     * (cheaper in memory than keeping the samples in double). The first stops
     * once the falling envelope is below the peak found (with a margin far
     * above exp's rounding): no later sample can reach it. */
    double phase = 0.0, peak = 0.0, decay;
    for (int64_t i = 0; i < n; i++) {
        double y = fabs(thump_sample(t->rate, n, i, &phase, &decay));
        peak = y > peak ? y : peak;
        if (decay < 0.999 * peak)
            break;
    }
    phase = 0.0;
    for (int64_t i = 0; i < n; i++)
        t->thump[i] = (float)(thump_sample(t->rate, n, i, &phase, &decay) / peak);
    t->thump[n - 1] = 0.0f;
    t->thump_len = n;
    return 0;
}

/* Sum of squares of the impulse response of the pink filter, in closed form:
 * h[n] = g[n] + D [n = 0] with g[n] = sum_i c_i p_i^n, and
 * sum_n g[n]^2 = sum_ij c_i c_j / (1 - p_i p_j). */
static double pink_energy(void)
{
    double gg = 0.0, g0 = 0.0;
    for (int i = 0; i < PINK_SECTIONS; i++) {
        const double c = PINK_C[i], p = PINK_P[i];
        g0 += c;
        for (int j = 0; j < PINK_SECTIONS; j++)
            gg += c * (double)PINK_C[j] / (1.0 - p * (double)PINK_P[j]);
    }
    const double d = PINK_DIRECT;
    return gg + 2.0 * d * g0 + d * d;
}

/* Sum of squares of the impulse response of the brown chain (leaky integrator
 * then DC blocker) with the table's coefficients. */
static double brown_energy(const synth_tables *t)
{
    double acc = 0.0, x1 = 0.0, z = 0.0, e = 0.0;
    const int64_t n = (int64_t)t->rate * 4; /* >> both time constants */
    for (int64_t k = 0; k < n; k++) {
        double w = k == 0 ? 1.0 : 0.0;
        acc = (double)t->brown_leak * acc + (double)t->brown_in * w;
        z = acc - x1 + (double)t->brown_dc * z;
        x1 = acc;
        e += z * z;
        if (k > 0 && fabs(acc) < 1e-12 && fabs(z) < 1e-12)
            break; /* the rest adds < 1e-20: stop before denormals slow us */
    }
    return e;
}

/* The pink filter's constants for four frames at a time, in float
 * arithmetic (the same on every machine). */
static void build_pink_quad(synth_tables *t)
{
    float h[4] = {PINK_DIRECT, 0.0f, 0.0f, 0.0f};
    memset(t->pink_k, 0, sizeof t->pink_k);
    memset(t->pink_p4, 0, sizeof t->pink_p4);
    for (int i = 0; i < PINK_SECTIONS; i++) {
        const float p = PINK_P[i], c = PINK_C[i];
        const float pw[4] = {p, p * p, p * p * p, p * p * p * p};
        const float cm[4] = {c, c * p, c * p * p, c * p * p * p};
        for (int k = 0; k < 4; k++)
            t->pink_a[i][k] = t->pink_a[i][4 + k] = pw[k];
        for (int m = 0; m < 4; m++) {
            h[m] += cm[m];
            t->pink_k[m][i] = t->pink_k[m][4 + i] = cm[m];
        }
        t->pink_p4[i] = t->pink_p4[4 + i] = pw[3];
    }
    for (int m = 0; m < 4; m++)
        t->pink_h[m] = h[m];
}

/* Computes the bed filters' coefficients and RMS normalisation. */
static void build_beds(synth_tables *t)
{
    const int rate = t->rate;
    t->brown_leak = (float)exp(-2.0 * SYNTH_PI * BROWN_CORNER_HZ / rate);
    t->brown_in = 1.0f - t->brown_leak;
    t->brown_dc = (float)exp(-2.0 * SYNTH_PI * BROWN_DC_HZ / rate);
    t->pink_scale = 1.0 / (WHITE_RMS * sqrt(pink_energy()));
    build_pink_quad(t);
    t->brown_scale = 1.0 / (WHITE_RMS * sqrt(brown_energy(t)));
    t->bed_fade = (int64_t)SYNTH_BED_FADE_SECONDS * rate;
    t->bed_inv_fade = 1.0 / (double)t->bed_fade;
    t->bed_inv_fade1 = 1.0 / (double)(t->bed_fade - 1);
}

/* Builds all tables for rate (8000..384000); NULL when out of range or out of
 * memory. Control thread only: allocates and calls libm. */
synth_tables *synth_tables_new(int rate)
{
    if (rate < 8000 || rate > 384000)
        return NULL;
    synth_tables *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->rate = rate;
    build_waves(t);
    build_rc(t);
    if (build_bell(t) != 0 || build_thump(t) != 0) {
        synth_tables_free(t);
        return NULL;
    }
    build_beds(t);
    cpu_init(); /* the kernels' choice, made here before any audio thread runs */
    return t;
}


/* Frees tables; NULL is a no-op. */
void synth_tables_free(synth_tables *t)
{
    if (!t)
        return;
    free(t->bell);
    free(t->thump);
    free(t);
}

