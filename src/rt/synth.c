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
 *           G3-D4 breathing tones), with a slightly detuned twin of the
 *           fundamental (a slow ~1.6 Hz shimmer, as real bowls have) and soft
 *           inharmonic upper partials that die quickly.
 *  - pulse: a 90 -> 55 Hz thump with a 120 ms amplitude decay: felt more than
 *           heard, like a soft frame drum.
 *  - beds:  Paul Kellet's refined pink filter; brown is leaky-integrated white
 *           noise (corner 30 Hz) followed by a 10 Hz DC blocker.
 * Plain C11, no POSIX. */
#include "rt/synth.h"

#include <math.h>
#include <string.h>

#include "rt/synth_impl.h"

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

/* ---- bell run (shared with the table builder) ---------------------------- */

/* The bell's unscaled sample sum over frames [j0, j1) of its life, advancing
 * the resonator states; adds each sample times `scale` to out, or, when out
 * is NULL, returns the largest unscaled magnitude (else 0). Shared by the peak
 * measurement at table time and by synth_bell_process, so both see the same
 * numbers. The states and coefficients are copied into locals (registers,
 * vectors), and the range is split where the attack ends and the fade
 * begins, so that the middle skips the envelope's tests. */
double synth_bell_run(const synth_tables *t, double *y1, double *y2, int64_t j0, int64_t j1,
                      float *out, double scale)
{
    enum { P = SYNTH_BELL_PARTIALS };
    const int64_t fade_start = t->bell_frames - t->bell_fade;
    double a1[P], a2[P], s1[P], s2[P];
    memcpy(a1, t->bell_a1, sizeof a1);
    memcpy(a2, t->bell_a2, sizeof a2);
    memcpy(s1, y1, sizeof s1);
    memcpy(s2, y2, sizeof s2);
    double peak = 0.0;
    int64_t j = j0;
    while (j < j1) {
        int64_t stop = j1;
        int edges = 1;
        if (j < t->bell_attack)
            stop = t->bell_attack < j1 ? t->bell_attack : j1;
        else if (j < fade_start) {
            stop = fade_start < j1 ? fade_start : j1;
            edges = 0;
        }
        for (; j < stop; j++) {
            double s = 0.0;
            for (int i = 0; i < P; i++) {
                double y = a1[i] * s1[i] - a2[i] * s2[i];
                s2[i] = s1[i];
                s1[i] = y;
                s += y;
            }
            if (edges) {
                if (j < t->bell_attack)
                    s *= rc_at(t, (double)j * t->bell_inv_attack);
                if (j >= fade_start)
                    s *= rc_at(t, (double)(t->bell_frames - 1 - j) * t->bell_inv_fade);
            }
            if (out) {
                out[j - j0] += (float)(s * scale);
            } else {
                double m = fabs(s);
                peak = m > peak ? m : peak;
            }
        }
    }
    memcpy(y1, s1, sizeof s1);
    memcpy(y2, s2, sizeof s2);
    return peak;
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
    v->phase = 0.0;
    v->inc = f_from / rate;
    v->inc_mul = frames > 1 ? pow(f_to / f_from, 1.0 / (double)(frames - 1)) : 1.0;
    double fmax = f_from > f_to ? f_from : f_to;
    v->wave = 3.0 * fmax <= MAX_FRACTION * rate ? 0 : 2.0 * fmax <= MAX_FRACTION * rate ? 1 : 2;

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

/* Frames [j0, j1) of the tone into out (out[0] is frame j0), advancing the
 * oscillator's phase and increment. `edges` is 0 when no frame of the range
 * lies in the attack or the release: the loop then skips both tests (it runs
 * for nearly all of a tone's frames). Either way the level at frame j is
 * gain * (level0 + j * step) * attack(j) * release(j), computed the same. */
static void tone_run(const synth_tone *v, int64_t j0, int64_t j1, int edges, double *phase_io,
                     double *inc_io, float *restrict out)
{
    const synth_tables *t = v->tb;
    const float *w = t->wave[v->wave];
    const int64_t att = v->attack, rel_start = v->frames - 1 - v->release;
    const double gain = v->gain, inc_mul = v->inc_mul, level0 = v->level0,
                 step = v->level_step;
    double phase = *phase_io, inc = *inc_io;
    double jd = (double)j0; /* (double)j, counted exactly (j < 2^53) */
    for (int64_t j = j0; j < j1; j++, jd += 1.0) {
        double p = phase * WAVE_N;
        int i = (int)p;
        double a = w[i];
        double y = a + (p - i) * ((double)w[i + 1] - a);
        double env = level0 + step * jd;
        if (edges) {
            if (j < att)
                env *= rc_at(t, (double)j * v->inv_attack);
            if (j > rel_start)
                env *= rc_at(t, (double)(v->frames - 1 - j) * v->inv_release);
        }
        *out++ += (float)(y * env * gain);
        phase += inc;
        phase = phase >= 1.0 ? phase - 1.0 : phase;
        inc *= inc_mul;
    }
    *phase_io = phase;
    *inc_io = inc;
}

/* Adds up to n frames of the tone to out; 1 while frames remain. Splits the
 * range where the attack ends and where the release begins, so that the
 * middle runs without the envelope's edge tests (see tone_run). */
int synth_tone_process(synth_tone *v, float *out, int n)
{
    if (n < 0)
        n = 0;
    const int64_t end = v->pos + n < v->frames ? v->pos + n : v->frames;
    const int64_t body0 = v->attack, body1 = v->frames - v->release; /* body: [body0, body1) */
    double phase = v->phase, inc = v->inc;
    int64_t j = v->pos;
    while (j < end) {
        int64_t stop = end;
        int edges = 1;
        if (j < body0)
            stop = body0 < end ? body0 : end; /* in the attack */
        else if (j < body1) {
            stop = body1 < end ? body1 : end; /* in the body */
            edges = 0;
        }
        tone_run(v, j, stop, edges, &phase, &inc, out + (j - v->pos));
        j = stop;
    }
    v->phase = phase;
    v->inc = inc;
    v->pos = end;
    return v->pos < v->frames;
}

/* ---- bell ---------------------------------------------------------------- */

/* Strikes a bell: copies the resonators' starting states from the tables. */
void synth_bell_start(synth_bell *v, const synth_tables *tb, float gain)
{
    memset(v, 0, sizeof *v);
    v->tb = tb;
    v->frames = tb->bell_frames;
    v->gain = gain;
    memcpy(v->y1, tb->bell_y1, sizeof v->y1);
    memcpy(v->y2, tb->bell_y2, sizeof v->y2);
}

/* Adds up to n frames of the bell to out; 1 while it still rings. */
int synth_bell_process(synth_bell *v, float *out, int n)
{
    if (n < 0)
        n = 0;
    int64_t end = v->pos + n < v->frames ? v->pos + n : v->frames;
    if (end > v->pos)
        synth_bell_run(v->tb, v->y1, v->y2, v->pos, end, out, (double)v->gain * v->tb->bell_inv_peak);
    v->pos = end;
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

/* Frames a bed works on at a time (the size of its gain buffer). */
enum { BED_PIECE = 256 };

/* Lanes of the bed's generators: the left channel in lane 0, the right in
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

/* Stereo pink noise: adds n frames of Kellet's refined filter (per channel:
 * six one-pole states b0..b5 and the delayed term b6, v->state[ch][0..6]),
 * frame k times gain[k], to left and right. The states live in local lane
 * arrays (registers) for the whole piece. */
static void pink_stereo(synth_bed *v, float *restrict left, float *restrict right,
                        const float *restrict gain, int n)
{
    float b0[LANES], b1[LANES], b2[LANES], b3[LANES], b4[LANES], b5[LANES], b6[LANES];
    uint32_t x[LANES];
    for (int c = 0; c < LANES; c++) {
        const float *st = v->state[c & 1];
        b0[c] = st[0], b1[c] = st[1], b2[c] = st[2], b3[c] = st[3];
        b4[c] = st[4], b5[c] = st[5], b6[c] = st[6];
        x[c] = v->rng[c & 1];
    }
    for (int k = 0; k < n; k++) {
        float w[LANES], y[LANES];
        white_lanes(x, w);
        for (int c = 0; c < LANES; c++) {
            b0[c] = PINK_P[0] * b0[c] + w[c] * PINK_C[0];
            b1[c] = PINK_P[1] * b1[c] + w[c] * PINK_C[1];
            b2[c] = PINK_P[2] * b2[c] + w[c] * PINK_C[2];
            b3[c] = PINK_P[3] * b3[c] + w[c] * PINK_C[3];
            b4[c] = PINK_P[4] * b4[c] + w[c] * PINK_C[4];
            b5[c] = PINK_P[5] * b5[c] + w[c] * PINK_C[5];
            y[c] = b0[c] + b1[c] + b2[c] + b3[c] + b4[c] + b5[c] + b6[c] + w[c] * PINK_DIRECT;
            b6[c] = w[c] * PINK_DELAYED;
        }
        left[k] += y[0] * gain[k];
        right[k] += y[1] * gain[k];
    }
    for (int c = 0; c < 2; c++) {
        float *st = v->state[c];
        st[0] = b0[c], st[1] = b1[c], st[2] = b2[c], st[3] = b3[c];
        st[4] = b4[c], st[5] = b5[c], st[6] = b6[c];
        v->rng[c] = x[c];
    }
}

/* Stereo brown noise, like pink_stereo: per channel the leaky integrator
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
        } else {
            for (int k = 0; k < m; k++)
                gain[k] = (float)scale;
        }
        if (brown)
            brown_stereo(v, left + i, right + i, gain, m);
        else
            pink_stereo(v, left + i, right + i, gain, m);
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
