/* tone_impl: the breathing tone's waveform and edges, four frames at a time
 * (rt/simd4.h). Private to src/rt/: shared by synth.c (the tone's walk through
 * its blocks) and avx2.c (the same arithmetic eight frames at a time),
 * so that both give the same bits. Pure, inline, audio-thread safe. */
#ifndef ADEM_TONE_IMPL_H
#define ADEM_TONE_IMPL_H

#include "rt/simd4.h"
#include "rt/simd8.h"
#include "rt/synth.h"

/* The polynomials' coefficients (float arithmetic, evaluated by the compiler
 * the same way wherever they are used): sin(pi t) to t^9, cos(pi t) to t^10. */
#define TONE_PI 3.14159265358979f
#define TONE_PI2 (TONE_PI * TONE_PI)
#define TONE_S9 (TONE_PI2 * TONE_PI2 * TONE_PI2 * TONE_PI2 * TONE_PI / 362880.0f)
#define TONE_S7 (-TONE_PI2 * TONE_PI2 * TONE_PI2 * TONE_PI / 5040.0f)
#define TONE_S5 (TONE_PI2 * TONE_PI2 * TONE_PI / 120.0f)
#define TONE_S3 (-TONE_PI2 * TONE_PI / 6.0f)
#define TONE_S1 TONE_PI
#define TONE_C10 (-TONE_PI2 * TONE_PI2 * TONE_PI2 * TONE_PI2 * TONE_PI2 / 3628800.0f)
#define TONE_C8 (TONE_PI2 * TONE_PI2 * TONE_PI2 * TONE_PI2 / 40320.0f)
#define TONE_C6 (-TONE_PI2 * TONE_PI2 * TONE_PI2 / 720.0f)
#define TONE_C4 (TONE_PI2 * TONE_PI2 / 24.0f)
#define TONE_C2 (-TONE_PI2 / 2.0f)

/* sin(pi t) for t in [-0.5, 0.5] (within 4e-6). */
static inline v4f sin_pi(v4f t)
{
    v4f u = v4_mul(t, t);
    v4f r = v4_all(TONE_S9);
    r = v4_add(v4_mul(r, u), v4_all(TONE_S7));
    r = v4_add(v4_mul(r, u), v4_all(TONE_S5));
    r = v4_add(v4_mul(r, u), v4_all(TONE_S3));
    r = v4_add(v4_mul(r, u), v4_all(TONE_S1));
    return v4_mul(r, t);
}

/* cos(pi t) for t in [-0.5, 0.5] (within 5e-7). */
static inline v4f cos_pi(v4f t)
{
    v4f u = v4_mul(t, t);
    v4f r = v4_all(TONE_C10);
    r = v4_add(v4_mul(r, u), v4_all(TONE_C8));
    r = v4_add(v4_mul(r, u), v4_all(TONE_C6));
    r = v4_add(v4_mul(r, u), v4_all(TONE_C4));
    r = v4_add(v4_mul(r, u), v4_all(TONE_C2));
    return v4_add(v4_mul(r, u), v4_all(1.0f));
}

/* The tone's waveform at phases x (cycles, [0, 1)), unscaled. */
static inline v4f tone_wave(const synth_tone *v, v4f x)
{
    v4f t = v4_sub(x, v4_all(0.5f)); /* the angle is 2 pi t + pi */
    v4f sp = sin_pi(t), cp = cos_pi(t);
    /* the angle's sin and cos: -sin(2 pi t), -cos(2 pi t) */
    v4f s = v4_mul(v4_mul(sp, v4_all(-2.0f)), cp);
    v4f c = v4_sub(v4_mul(v4_mul(sp, sp), v4_all(2.0f)), v4_all(1.0f));
    v4f y = v4_add(v4_add(v4_all(v->wa), v4_mul(v4_all(v->wb), v4_mul(s, s))),
                   v4_mul(v4_all(v->wc), c));
    return v4_mul(y, s);
}

/* The raised cosine 0.5 - 0.5 cos(pi x) = sin^2(pi x / 2) of each lane: 0
 * for x <= 0, 1 for x >= 1 (exactly), and never negative. */
static inline v4f rc4(v4f x)
{
    const v4f zero = v4_all(0.0f), one = v4_all(1.0f);
    v4f s = sin_pi(v4_mul(v4_min(v4_max(x, zero), one), v4_all(0.5f)));
    return v4_lt_select(x, one, v4_mul(s, s), one);
}

/* The attack and release factors of the group at frame g. */
static inline v4f tone_edges(const synth_tone *v, int64_t g)
{
    const float ia = (float)v->inv_attack, ir = (float)v->inv_release;
    const v4f k = v4_set(0.0f, 1.0f, 2.0f, 3.0f);
    v4f xa = v4_add(v4_all((float)((double)g * v->inv_attack)), v4_mul(k, v4_all(ia)));
    v4f xr = v4_sub(v4_all((float)((double)(v->frames - 1 - g) * v->inv_release)),
                    v4_mul(k, v4_all(ir)));
    return v4_mul(rc4(xa), rc4(xr));
}

/* The step from one group of four frames to the next, lane by lane: the
 * phase x advances by d (and keeps its fraction), the increments d grow by
 * mul4 (the glide), the levels e by ramp4. */
static inline void tone_step4(v4f *x, v4f *d, v4f *e, v4f mul4, v4f ramp4)
{
    *x = v4_add(*x, *d);
    *x = v4_sub(*x, v4_trunc(*x));
    *d = v4_mul(*d, mul4);
    *e = v4_add(*e, ramp4);
}

/* The same on eight lanes (two groups at once). */
static inline void tone_step8(v8f *x, v8f *d, v8f *e, v8f mul4, v8f ramp4)
{
    *x = v8_add(*x, *d);
    *x = v8_sub(*x, v8_trunc(*x));
    *d = v8_mul(*d, mul4);
    *e = v8_add(*e, ramp4);
}

/* tone_wave on eight lanes: the same operations, lane by lane. */
static inline v8f tone_wave8(const synth_tone *v, v8f x)
{
    v8f t = v8_sub(x, v8_all(0.5f));
    v8f u = v8_mul(t, t);
    v8f r = v8_all(TONE_S9);
    r = v8_add(v8_mul(r, u), v8_all(TONE_S7));
    r = v8_add(v8_mul(r, u), v8_all(TONE_S5));
    r = v8_add(v8_mul(r, u), v8_all(TONE_S3));
    r = v8_add(v8_mul(r, u), v8_all(TONE_S1));
    v8f sp = v8_mul(r, t);
    r = v8_all(TONE_C10);
    r = v8_add(v8_mul(r, u), v8_all(TONE_C8));
    r = v8_add(v8_mul(r, u), v8_all(TONE_C6));
    r = v8_add(v8_mul(r, u), v8_all(TONE_C4));
    r = v8_add(v8_mul(r, u), v8_all(TONE_C2));
    v8f cp = v8_add(v8_mul(r, u), v8_all(1.0f));
    v8f s = v8_mul(v8_mul(sp, v8_all(-2.0f)), cp);
    v8f c = v8_sub(v8_mul(v8_mul(sp, sp), v8_all(2.0f)), v8_all(1.0f));
    v8f y = v8_add(v8_add(v8_all(v->wa), v8_mul(v8_all(v->wb), v8_mul(s, s))),
                   v8_mul(v8_all(v->wc), c));
    return v8_mul(y, s);
}

/* One group of four frames at g: adds frames [max(g, j), min(g + 4, stop))
 * of y (the wave times the level) to o, with the edges outside the body
 * [body0, body1). */
static inline void tone_group_out(const synth_tone *v, float *o, int64_t g, int64_t j,
                                  int64_t stop, v4f y)
{
    const int64_t body0 = v->attack, body1 = v->frames - v->release;
    if (g >= j && g + 4 <= stop && g >= body0 && g + 4 <= body1) {
        v4_store(o + g, v4_add(v4_load(o + g), y));
        return;
    }
    float ys[4];
    v4_store(ys, g >= body0 && g + 4 <= body1 ? y : v4_mul(y, tone_edges(v, g)));
    for (int64_t f = g > j ? g : j; f < g + 4 && f < stop; f++)
        o[f] += ys[f - g];
}

/* Adds up to n frames of the tone to out; 1 while frames remain. Inside each
 * 64-frame block: from the block's exact start to the call's first group (or
 * from the state the last call kept there, the same bits),
 * then two groups at a time on eight lanes (lanes 0-3 group g, lanes 4-7
 * group g + 1, whose state is one step of group g's: every lane runs exactly
 * the operations of its group, so the samples are those of one group at a
 * time), then the last group alone. */
static inline int tone_process(synth_tone *v, float *out, int n)
{
    if (n < 0)
        n = 0;
    const int64_t end = v->pos + n < v->frames ? v->pos + n : v->frames;
    const int64_t body0 = v->attack, body1 = v->frames - v->release; /* body: [body0, body1) */
    const float es = (float)(v->level_step * v->gain);
    const v4f lane = v4_load(v->lane), step = v4_load(v->step), mul4 = v4_all(v->mul4),
              ramp = v4_set(0.0f, es, 2.0f * es, 3.0f * es), ramp4 = v4_all(4.0f * es);
    const v8f mul8 = v8_join(mul4, mul4), ramp8 = v8_join(ramp4, ramp4);
    float *o = out - v->pos; /* o[j] is frame j */
    int64_t j = v->pos;
    while (j < end) {
        /* the block's start, exact */
        const int64_t b0 = v->block, b1 = b0 + 64;
        v4f x, d, e;
        int64_t g;
        if (v->rgroup >= b0 && v->rgroup == (j & ~(int64_t)3)) {
            /* where the last call left this block */
            x = v4_load(v->rx), d = v4_load(v->rd), e = v4_load(v->re);
            g = v->rgroup;
        } else {
            x = v4_add(v4_all((float)v->phase), v4_mul(v4_all((float)v->inc), lane));
            x = v4_sub(x, v4_trunc(x));
            d = v4_mul(v4_all((float)v->inc), step);
            e = v4_add(v4_all((float)((v->level0 + v->level_step * (double)b0) * v->gain)), ramp);
            for (g = b0; g + 4 <= j; g += 4) /* to the call's first group */
                tone_step4(&x, &d, &e, mul4, ramp4);
        }
        v->rgroup = -1;
        const int64_t stop = b1 < end ? b1 : end;
        if (g + 8 <= stop) {
            v4f x1 = x, d1 = d, e1 = e;
            tone_step4(&x1, &d1, &e1, mul4, ramp4);
            v8f X = v8_join(x, x1), D = v8_join(d, d1), E = v8_join(e, e1);
            /* the pairs wholly inside the body and the call */
            int64_t fast_end = body1 < stop ? body1 : stop;
            for (; g + 8 <= stop; g += 8) {
                v8f y = v8_mul(tone_wave8(v, X), E);
                if (g >= j && g >= body0 && g + 8 <= fast_end) {
                    v8_store(o + g, v8_add(v8_load(o + g), y));
                } else {
                    tone_group_out(v, o, g, j, stop, v8_low(y));
                    tone_group_out(v, o, g + 4, j, stop, v8_high(y));
                }
                tone_step8(&X, &D, &E, mul8, ramp8);
                tone_step8(&X, &D, &E, mul8, ramp8);
            }
            x = v8_low(X), d = v8_low(D), e = v8_low(E);
        }
        for (; g < stop; g += 4) {
            tone_group_out(v, o, g, j, stop, v4_mul(tone_wave(v, x), e));
            if (g + 4 > stop)
                break; /* the call ends inside this group: keep its state */
            tone_step4(&x, &d, &e, mul4, ramp4);
        }
        if (stop < b1) {
            /* the call ends inside the block: the next call goes on from
             * group g (the one that holds frame stop) with the same state */
            v4_store(v->rx, x), v4_store(v->rd, d), v4_store(v->re, e);
            v->rgroup = g;
            break;
        }
        double ph = v->phase + v->inc * v->sum64;
        v->phase = ph - (double)(int64_t)ph;
        v->inc *= v->mul64;
        v->block = b1;
        j = b1;
    }
    v->pos = end;
    return v->pos < v->frames;
}

#endif
