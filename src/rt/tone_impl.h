/* tone_impl: the breathing tone's waveform and edges, four frames at a time
 * (rt/simd4.h). Private to src/rt/: shared by synth.c (the tone's walk through
 * its blocks) and synth_avx2.c (the same arithmetic eight frames at a time),
 * so that both give the same bits. Pure, inline, audio-thread safe. */
#ifndef ADEM_TONE_IMPL_H
#define ADEM_TONE_IMPL_H

#include "rt/simd4.h"
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

#endif
