/* synth: the synthesized voices of adem (see synth.h for the contract).
 *
 * Everything that needs libm (sin, cos, exp, pow) runs in synth_tables_new
 * (src/setup/synth_tables.c) or in a *_start function; the *_process
 * functions only index tables and run recurrences whose whole state lives in the voice struct, and every envelope
 * is a function of the frame counted from the voice's own start. That is what
 * makes any split of a voice's life into process calls give the same bits.
 *
 * The sound, chosen for listeners in long-lasting pain (soft, warm, never
 * sharp):
 *  - tone:  sine + 2nd harmonic at -18 dB + 3rd at -30 dB (warmth, and it stays
 *           audible on small speakers that barely reproduce 200 Hz); harmonics
 *           that would pass 0.45 * rate are left out for that tone.
 *  - bell:  a singing bowl on D5 (587.33 Hz, a fifth/octave above the default
 *           G3-D4 breathing tones; rendered once into the tables), with a slightly detuned twin of the
 *           fundamental (a slow ~1.6 Hz shimmer, as real bowls have) and soft
 *           inharmonic upper partials that die quickly.
 *  - pulse: a 90 -> 55 Hz thump with a 120 ms amplitude decay: felt more than
 *           heard, like a soft frame drum.
 *  - beds:  Paul Kellet's economy pink filter (two stereo frames at a time);
 *           brown is leaky-integrated white noise (corner 30 Hz) followed by a
 *           10 Hz DC blocker.
 * Plain C11, no POSIX. */
#include "rt/synth.h"

#include <math.h>
#include <string.h>

#include "rt/simd4.h"
#include "base/cpu.h"
#include "rt/pink_impl.h"
#include "rt/avx2.h"
#include "rt/synth_impl.h"
#include "rt/tone_impl.h"

/* Constants only the voices use (the tables' are in setup/synth_tables.c,
 * the shared ones in rt/synth_impl.h). */
static const double TONE_ATTACK_S = 0.250, TONE_RELEASE_S = 0.350;
static const double TONE_LOW_LEVEL = 0.75; /* rise starts here, fall ends here */
static const double BEAT_FADE_S = 0.030;       /* fade when the next beat comes sooner */
static const double PULSE_END_FADE_S = 0.010;  /* fade at the pulse's end */
/* ---- shared helpers ------------------------------------------------------ */

/* The raised cosine 0.5 - 0.5 cos(pi x) for x in [0, 1] (0 at 0, 1 at 1), from
 * the table with linear interpolation; x >= 1 gives 1. */
static inline double rc_at(const synth_tables *t, double x)
{
    double p = x * RC_N;
    int i = (int)p;
    if (i >= RC_N)
        return 1.0;
    double a = t->rc[i];
    return a + (p - i) * ((double)t->rc[i + 1] - a);
}

/* The rate the tables were built for. */
int synth_tables_rate(const synth_tables *t)
{
    return t->rate;
}

/* ---- breathing tone ------------------------------------------------------ */

/* f clamped to 20 Hz .. MAX_FRACTION of the rate (no aliasing, no DC). */
static double clamp_freq(double f, int rate)
{
    double hi = MAX_FRACTION * rate;
    if (!(f >= 20.0)) /* also catches NaN */
        f = 20.0;
    return f > hi ? hi : f;
}

/* Starts a tone (see synth.h). Frequencies are clamped to 20 Hz .. 0.45 * rate
 * and the wavetable drops the harmonics that would pass 0.45 * rate; frames < 1
 * counts as 1. Real-time safe (one pow()). */
void synth_tone_start(synth_tone *v, const synth_tables *tb, synth_shape shape, double f_from,
                      double f_to, int64_t frames, float gain)
{
    const int rate = tb->rate;
    memset(v, 0, sizeof *v);
    if (frames < 1)
        frames = 1;
    f_from = clamp_freq(f_from, rate);
    f_to = clamp_freq(f_to, rate);
    v->tb = tb;
    v->frames = frames;
    v->gain = gain;
    v->shape = shape;
    v->block = 0;
    v->rgroup = -1;
    v->phase = 0.0;
    v->inc = f_from / rate;
    /* the glide: the increment is multiplied by m every frame */
    const double m = frames > 1 ? pow(f_to / f_from, 1.0 / (double)(frames - 1)) : 1.0;
    double mk = 1.0, sum = 0.0, m8 = 1.0, s8 = 0.0;
    for (int k = 0; k < 8; k++) {
        s8 += m8;
        m8 *= m;
    }
    for (int k = 0; k < TONE_BLOCK; k++) {
        if (k < 8) {
            v->lane[k] = (float)sum;
            v->step8[k] = (float)(mk * s8);
        }
        sum += mk;
        mk *= m;
    }
    v->glide8 = (float)(2.0 * SYNTH_PI * (m8 - 1.0));
    v->steady = m == 1.0; /* the increment never changes: nor does the turn */
    v->mul_block = mk;
    v->sum_block = sum;
    double fmax = f_from > f_to ? f_from : f_to;
    int kind = 3.0 * fmax <= MAX_FRACTION * rate ? 0 : 2.0 * fmax <= MAX_FRACTION * rate ? 1 : 2;
    /* sin x + h2 sin 2x + h3 sin 3x = s (1 + 3 h3 + 2 h2 c - 4 h3 s^2) */
    const double h2 = tb->wave_h2[kind], h3 = tb->wave_h3[kind], pk = tb->wave_peak[kind];
    v->wa = (float)((1.0 + 3.0 * h3) / pk);
    v->wb = (float)(-4.0 * h3 / pk);
    v->wc = (float)(2.0 * h2 / pk);

    int64_t a = frames_of(rate, TONE_ATTACK_S), r = frames_of(rate, TONE_RELEASE_S);
    a = a < frames / 4 ? a : frames / 4;
    r = r < frames / 4 ? r : frames / 4;
    v->attack = a > 1 ? a : 1;
    v->release = r > 1 ? r : 1;
    v->inv_attack = 1.0 / (double)v->attack;
    v->inv_release = 1.0 / (double)v->release;

    double from = 1.0, to = 1.0;
    if (shape == SYNTH_RISE)
        from = TONE_LOW_LEVEL;
    else if (shape == SYNTH_FALL)
        to = TONE_LOW_LEVEL;
    v->level0 = from;
    v->level_step = frames > 1 ? (to - from) / (double)(frames - 1) : 0.0;
}

/* The tone's samples are made eight frames (a group) at a time, in blocks of
 * TONE_BLOCK (128) frames counted from its start (rt/tone_impl.h). At a block's start the
 * phase and the increment are exact (double precision, advanced block by
 * block); each frame's oscillator there, cos and sin of its phase, comes
 * from polynomials (Taylor series of sin and cos of half the angle to the
 * 9th and 10th power, within 4e-6), and so does its turn over a group; every
 * later group of the block turns the one before by a complex multiplication
 * (a glide also turns the turn). From the oscillator's cos c and sin s the
 * waveform is s (wa + wb s^2 + wc c). Any split of the tone into calls gives
 * the same samples. */

/* Adds up to n frames of the tone to out; 1 while frames remain
 * (tone_process of rt/tone_impl.h, eight lanes wide with AVX2). */
int synth_tone_process(synth_tone *v, float *out, int n)
{
#if ADEM_HAVE_AVX2 && !defined(ADEM_NO_SIMD)
    if (cpu_avx2())
        return avx2_tone(v, out, n);
#endif
    return tone_process(v, out, n);
}

/* ---- bell ---------------------------------------------------------------- */

/* Strikes a bell: it starts at the first sample of the table's strike. */
void synth_bell_start(synth_bell *v, const synth_tables *tb, float gain)
{
    memset(v, 0, sizeof *v);
    v->tb = tb;
    v->frames = tb->bell_frames;
    v->gain = gain;
    /* the table's peak, 32767, times scale is at most the gain */
    float s = gain / 32767.0f;
    while (s > 0.0f && 32767.0f * s > gain)
        s = nextafterf(s, 0.0f); /* at most a step or two */
    v->scale = s;
}

/* Adds up to n frames of the bell to out; 1 while it still rings. The strike
 * is a table of 16-bit integers (tb->bell, peak 32767): each frame is the
 * table's sample times scale, four at a time (rt/simd4.h). */
int synth_bell_process(synth_bell *v, float *restrict out, int n)
{
    if (n < 0)
        n = 0;
    int64_t left = v->frames - v->pos;
    int m = left < n ? (int)left : n;
    const int16_t *restrict s = v->tb->bell + v->pos;
    const float g = v->scale;
    const v4f g4 = v4_all(g);
    int k = 0;
#if ADEM_HAVE_AVX2 && !defined(ADEM_NO_SIMD)
    if (cpu_avx2())
        k = avx2_bell(out, s, g, m);
#endif
    for (; k + 4 <= m; k += 4)
        v4_store(out + k, v4_add(v4_load(out + k), v4_mul(v4_load_s16(s + k), g4)));
    for (; k < m; k++)
        out[k] += (float)s[k] * g;
    v->pos += m;
    return v->pos < v->frames;
}

/* Frames until the bell's end (0 once it has ended). */
int64_t synth_bell_remaining(const synth_bell *v)
{
    return v->frames - v->pos;
}

/* ---- pulse --------------------------------------------------------------- */

/* The frame on which beat k starts: floor(k * 60 * rate / bpm), exactly. */
static int64_t beat_start(const synth_pulse *v, int64_t k)
{
    return k * v->per_min / v->bpm;
}

/* The index of the last beat starting at or before frame p. */
static int64_t beat_at(const synth_pulse *v, int64_t p)
{
    return ((p + 1) * v->bpm - 1) / v->per_min;
}

/* Starts a pulse (see synth.h); bpm is clamped to 30..240, frames < 1 counts
 * as 1. Real-time safe. */
void synth_pulse_start(synth_pulse *v, const synth_tables *tb, int bpm, int64_t frames,
                       float gain)
{
    const int rate = tb->rate;
    memset(v, 0, sizeof *v);
    if (bpm < 30)
        bpm = 30;
    if (bpm > 240)
        bpm = 240;
    if (frames < 1)
        frames = 1;
    v->tb = tb;
    v->frames = frames;
    v->bpm = bpm;
    v->gain = gain;
    v->per_min = 60 * (int64_t)rate;
    /* Beats are at least floor(60 rate / bpm) frames apart: a beat longer than
     * that is cut short, with a fade, before the next one starts. */
    int64_t gap = v->per_min / bpm;
    if (gap < tb->thump_len) {
        int64_t f = frames_of(rate, BEAT_FADE_S);
        v->beat_len = gap;
        v->beat_fade = f < gap / 4 ? f : gap / 4;
    } else {
        v->beat_len = tb->thump_len; /* the table fades out by itself */
        v->beat_fade = 0;
    }
    int64_t e = frames_of(rate, PULSE_END_FADE_S);
    v->end_fade = e < frames ? e : frames;
}

/* Adds beat k's samples for frames [p0, p1) of the pulse (all inside the
 * beat's sounding part) to out, where out[0] is frame p0. Frames before the
 * beat's own fade and the pulse's end fade take a loop without their tests. */
static void pulse_beat(const synth_pulse *v, int64_t s, int64_t p0, int64_t p1, float *out)
{
    const synth_tables *t = v->tb;
    const float *th = t->thump;
    const int64_t fade_from = v->beat_len - v->beat_fade;
    const int64_t end_from = v->frames - v->end_fade;
    const double inv_bf = v->beat_fade > 0 ? 1.0 / (double)v->beat_fade : 0.0;
    const double inv_ef = 1.0 / (double)v->end_fade;
    const float gain = v->gain;
    int64_t plain = s + fade_from < end_from ? s + fade_from : end_from; /* first faded frame */
    plain = plain < p1 ? plain : p1;
    int64_t p = p0;
    for (; p < plain; p++)
        *out++ += (float)((double)th[p - s] * gain);
    for (; p < p1; p++) {
        int64_t o = p - s;
        double x = th[o];
        if (o >= fade_from)
            x *= rc_at(t, (double)(v->beat_len - 1 - o) * inv_bf);
        if (p >= end_from)
            x *= rc_at(t, (double)(v->frames - 1 - p) * inv_ef);
        *out++ += (float)(x * gain);
    }
}

/* Adds up to n frames of the pulse to out; 1 while frames remain. Which beat
 * sounds is computed from the frame itself, so there is no state to carry but
 * the position. */
int synth_pulse_process(synth_pulse *v, float *out, int n)
{
    if (n < 0)
        n = 0;
    const int64_t start = v->pos;
    const int64_t end = start + n < v->frames ? start + n : v->frames;
    int64_t p = start;
    while (p < end) {
        int64_t k = beat_at(v, p), s = beat_start(v, k);
        if (p - s < v->beat_len) {
            int64_t e = s + v->beat_len < end ? s + v->beat_len : end;
            pulse_beat(v, s, p, e, out + (p - start));
            p = e;
        } else {
            int64_t next = beat_start(v, k + 1);
            next = next > p ? next : p + 1; /* always true; keeps the loop bounded */
            p = next < end ? next : end;
        }
    }
    v->pos = end;
    return v->pos < v->frames;
}

/* ---- noise beds ---------------------------------------------------------- */

/* A 32-bit mixing function (murmur3's finaliser), never returning 0. */
static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    x *= 0xc2b2ae35u;
    x ^= x >> 16;
    return x ? x : 0x6d2b79f5u;
}

/* Starts a bed fading in; each channel's generator is seeded from a hash of
 * seed (never 0). An unknown noise plays pink. */
void synth_bed_start(synth_bed *v, const synth_tables *tb, synth_noise noise, float gain,
                     uint32_t seed)
{
    memset(v, 0, sizeof *v);
    v->tb = tb;
    v->noise = noise == SYNTH_BROWN ? SYNTH_BROWN : SYNTH_PINK;
    v->gain = gain;
    v->fade_len = tb->bed_fade;
    v->fade_pos = 0;
    v->fading_out = 0;
    v->fade_from = 1.0f;
    v->active = 1;
    v->rng[0] = mix32(seed * 2u + 0x9e3779b9u);
    v->rng[1] = mix32(seed * 2u + 1u + 0x7f4a7c15u);
    for (uint32_t i = 0; i < 8; i++)
        v->prng[i] = mix32(seed * 8u + i + 0x2545f491u);
}

/* The bed's level at fade position p of its current fade (fade-in: a raised
 * cosine from 0 reaching 1 at fade_len; fade-out: from fade_from down to
 * exactly 0 at fade_len - 1); 1 when fully on. */
static double bed_level(const synth_bed *v, int64_t p)
{
    if (v->fading_out)
        return v->fade_from * rc_at(v->tb, (double)(v->fade_len - 1 - p) * v->tb->bed_inv_fade1);
    if (p < v->fade_len)
        return rc_at(v->tb, (double)p * v->tb->bed_inv_fade);
    return 1.0;
}

/* Begins the fade-out from the level the next frame would have had; a no-op
 * when already fading out or silent. */
void synth_bed_stop(synth_bed *v)
{
    if (!v->active || v->fading_out)
        return;
    v->fade_from = (float)bed_level(v, v->fade_pos);
    v->fading_out = 1;
    v->fade_pos = 0;
}

/* Lanes of the brown bed's generators: the left channel in lane 0, the right in
 * lane 1, and lanes 2 and 3 repeating them. Each lane runs exactly the scalar
 * arithmetic of its channel (same operations, same order), so the samples are
 * those of one channel at a time; written as loops over 4 lanes, the
 * compilers (gcc, clang at -O2) run both channels in the same vector
 * instructions, generator included. The spare lanes cost nothing more. */
enum { LANES = 4 };

/* The next white sample of each lane's xorshift32 generator: its top 24 bits
 * as an odd multiple of 2^-24 in (-1, 1), symmetric around 0 (no DC), exact in
 * float. (x >> 8 fits in an int32_t, which converts to float in one
 * instruction, to the same value as from the unsigned.) */
static inline void white_lanes(uint32_t *restrict x, float *restrict w)
{
    for (int c = 0; c < LANES; c++) {
        uint32_t v = x[c];
        v ^= v << 13;
        v ^= v >> 17;
        v ^= v << 5;
        x[c] = v;
        w[c] = ((float)(int32_t)(v >> 8) * 2.0f - 16777215.0f) * (1.0f / 16777216.0f);
    }
}

/* Stereo pink noise: adds n frames, frame k times gain[k] (or g when gain is
 * NULL; n <= BED_PIECE), to left and right (rt/pink_impl.h), eight lanes
 * wide with AVX2 when the tables say so. */
static void pink_stereo(synth_bed *v, float *restrict left, float *restrict right,
                        const float *restrict gain, float g, int n)
{
#if ADEM_HAVE_AVX2 && !defined(ADEM_NO_SIMD)
    if (cpu_avx2()) {
        avx2_pink(v, left, right, gain, g, n);
        return;
    }
#endif
    pink_stereo_body(v, left, right, gain, g, n);
}

/* Stereo brown noise: adds n frames, frame k times gain[k], to left and
 * right. Per channel the leaky integrator
 * (state[ch][0]), its previous value ([1]) and the DC blocker's output ([2]). */
static void brown_stereo(synth_bed *v, float *restrict left, float *restrict right,
                         const float *restrict gain, int n)
{
    const synth_tables *t = v->tb;
    const float leak = t->brown_leak, in = t->brown_in, dc = t->brown_dc;
    float acc[LANES], prev[LANES], z[LANES];
    uint32_t x[LANES];
    for (int c = 0; c < LANES; c++) {
        acc[c] = v->state[c & 1][0], prev[c] = v->state[c & 1][1], z[c] = v->state[c & 1][2];
        x[c] = v->rng[c & 1];
    }
    for (int k = 0; k < n; k++) {
        float w[LANES];
        white_lanes(x, w);
        for (int c = 0; c < LANES; c++) {
            acc[c] = leak * acc[c] + in * w[c];
            z[c] = acc[c] - prev[c] + dc * z[c];
            prev[c] = acc[c];
        }
        left[k] += z[0] * gain[k];
        right[k] += z[1] * gain[k];
    }
    for (int c = 0; c < 2; c++) {
        v->state[c][0] = acc[c], v->state[c][1] = prev[c], v->state[c][2] = z[c];
        v->rng[c] = x[c];
    }
}

/* Adds up to n stereo frames; 1 while sounding, 0 once faded out (frames after
 * the fade-out's end are left untouched). Works in pieces of at most
 * BED_PIECE frames, each inside a fade or outside one: first the piece's gain
 * per frame (the fade's level times the normalisation), then each channel. */
int synth_bed_process(synth_bed *v, float *left, float *right, int n)
{
    if (!v->active)
        return 0;
    const synth_tables *t = v->tb;
    const int brown = v->noise == SYNTH_BROWN;
    const double scale = (double)v->gain * (brown ? t->brown_scale : t->pink_scale);
    float gain[BED_PIECE];
    int i = 0;
    while (i < n) {
        int m = n - i < BED_PIECE ? n - i : BED_PIECE;
        const int fading = v->fading_out || v->fade_pos < v->fade_len;
        if (fading) {
            /* the level changes every frame */
            if (v->fade_len - v->fade_pos < m)
                m = (int)(v->fade_len - v->fade_pos);
            for (int k = 0; k < m; k++)
                gain[k] = (float)(bed_level(v, v->fade_pos + k) * scale);
            if (brown)
                brown_stereo(v, left + i, right + i, gain, m);
            else
                pink_stereo(v, left + i, right + i, gain, 0.0f, m);
        } else if (brown) {
            for (int k = 0; k < m; k++)
                gain[k] = (float)scale;
            brown_stereo(v, left + i, right + i, gain, m);
        } else {
            pink_stereo(v, left + i, right + i, NULL, (float)scale, m);
        }
        i += m;
        if (fading) {
            v->fade_pos += m;
            if (v->fading_out && v->fade_pos >= v->fade_len) {
                v->active = 0;
                return 0;
            }
        }
    }
    return 1;
}

/* Frames until silent: -1 while on, 0 once silent. */
int64_t synth_bed_remaining(const synth_bed *v)
{
    if (!v->active)
        return 0;
    if (!v->fading_out)
        return -1;
    return v->fade_len - v->fade_pos;
}
