/* tone_impl: the breathing tone's samples, eight frames at a time
 * (rt/simd8.h; see synth.c for the design). Private to src/rt/: compiled
 * into synth.c (SSE2 or plain C) and into avx2.c (AVX2); both give the same
 * bits. Inline, audio-thread safe. */
#ifndef ADEM_TONE_IMPL_H
#define ADEM_TONE_IMPL_H

#include "rt/simd8.h"
#include "rt/synth.h"

/* The polynomials' coefficients (float arithmetic, evaluated by the compiler
 * the same way wherever they are used): sin(pi t) to t^11, cos(pi t) to t^12. */
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
#define TONE_S11 (-TONE_PI2 * TONE_PI2 * TONE_PI2 * TONE_PI2 * TONE_PI2 * TONE_PI / 39916800.0f)
#define TONE_C12 (TONE_PI2 * TONE_PI2 * TONE_PI2 * TONE_PI2 * TONE_PI2 * TONE_PI2 / 479001600.0f)

/* sin(pi t) and cos(pi t) for t in [-0.5, 0.5] on eight lanes: Taylor
 * polynomials to the 11th and 12th power, within 1e-7 (the oscillators'
 * turns must be that good, since their error adds up over a block). */
static inline v8f sin_pi8(v8f t)
{
    v8f u = v8_mul(t, t);
    v8f r = v8_all(TONE_S11);
    r = v8_add(v8_mul(r, u), v8_all(TONE_S9));
    r = v8_add(v8_mul(r, u), v8_all(TONE_S7));
    r = v8_add(v8_mul(r, u), v8_all(TONE_S5));
    r = v8_add(v8_mul(r, u), v8_all(TONE_S3));
    r = v8_add(v8_mul(r, u), v8_all(TONE_S1));
    return v8_mul(r, t);
}

static inline v8f cos_pi8(v8f t)
{
    v8f u = v8_mul(t, t);
    v8f r = v8_all(TONE_C12);
    r = v8_add(v8_mul(r, u), v8_all(TONE_C10));
    r = v8_add(v8_mul(r, u), v8_all(TONE_C8));
    r = v8_add(v8_mul(r, u), v8_all(TONE_C6));
    r = v8_add(v8_mul(r, u), v8_all(TONE_C4));
    r = v8_add(v8_mul(r, u), v8_all(TONE_C2));
    return v8_add(v8_mul(r, u), v8_all(1.0f));
}

/* The raised cosine 0.5 - 0.5 cos(pi x) = sin^2(pi x / 2) of each lane: 0
 * for x <= 0, 1 for x >= 1 (exactly), and never negative. */
static inline v8f rc8(v8f x)
{
    const v8f zero = v8_all(0.0f), one = v8_all(1.0f);
    v8f s = sin_pi8(v8_mul(v8_min(v8_max(x, zero), one), v8_all(0.5f)));
    return v8_lt_select(x, one, v8_mul(s, s), one);
}

/* The edge factors of the group at frame g (outside the body): the
 * attack's raised cosine over frames [0, attack), the release's over the
 * last `release` frames; a group in only one of them gets only that one
 * (the other's factor would be exactly 1). */
static inline v8f tone_edges(const synth_tone *v, int64_t g)
{
    const v8f k = v8_load((const float[8]){0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f});
    v8f f = v8_all(1.0f);
    if (g < v->attack) {
        v8f xa = v8_add(v8_all((float)((double)g * v->inv_attack)),
                        v8_mul(k, v8_all((float)v->inv_attack)));
        f = rc8(xa);
    }
    if (g + 8 > v->frames - v->release) {
        v8f xr = v8_sub(v8_all((float)((double)(v->frames - 1 - g) * v->inv_release)),
                        v8_mul(k, v8_all((float)v->inv_release)));
        f = v8_mul(f, rc8(xr));
    }
    return f;
}

/* cos and sin of 2 pi x for x in [0, 1) on eight lanes, from sin and cos of
 * half the angle (the polynomials above): with t = x - 1/2 the angle is
 * 2 pi t + pi, so sin 2 pi x = -2 sin(pi t) cos(pi t) and cos 2 pi x =
 * 2 sin^2(pi t) - 1. */
static inline void tone_cossin(v8f x, v8f *c, v8f *s)
{
    v8f t = v8_sub(x, v8_all(0.5f));
    v8f sp = sin_pi8(t), cp = cos_pi8(t);
    *s = v8_mul(v8_mul(sp, v8_all(-2.0f)), cp);
    *c = v8_sub(v8_mul(v8_mul(sp, sp), v8_all(2.0f)), v8_all(1.0f));
}

/* A tone's state at a group of eight frames: each lane's oscillator
 * (zc + i zs = e^(2 pi i phase)), its turn over the next eight frames
 * (rc + i rs), the turn's own change over them for a glide (qc + i qs), and
 * the level. */
typedef struct tone_state {
    v8f zc, zs, rc, rs, qc, qs, e;
} tone_state;

/* The state at the first group of the block at b0, from the exact
 * phase and increment there (v->phase, v->inc): lane k's phase is the
 * block's plus the increments of the k frames before it, its turn is the
 * advance over eight frames (normalised to length 1, so that the
 * oscillator's level does not drift), and a glide turns the turn by the
 * growth of that advance from group to group (to second order: the angle is
 * below 0.001 radians). */
static inline void tone_block_start(synth_tone *v, int64_t b0, float es, tone_state *st)
{
    const v8f inc = v8_all((float)v->inc);
    v8f x = v8_add(v8_all((float)v->phase), v8_mul(inc, v8_load(v->lane)));
    tone_cossin(v8_sub(x, v8_trunc(x)), &st->zc, &st->zs);
    if (v->turn_kept) {
        /* a steady tone: the same turn in every block, made once */
        st->rc = v8_load(v->turn[0]), st->rs = v8_load(v->turn[1]);
        st->qc = v8_load(v->turn[2]), st->qs = v8_load(v->turn[3]);
    } else {
        v8f dx = v8_mul(inc, v8_load(v->step8));
        v8f th = v8_mul(dx, v8_all(v->glide8));
        v8f c, s;
        tone_cossin(v8_sub(dx, v8_trunc(dx)), &c, &s);
        v8f inv = v8_div(v8_all(1.0f), v8_sqrt(v8_add(v8_mul(c, c), v8_mul(s, s))));
        st->rc = v8_mul(c, inv);
        st->rs = v8_mul(s, inv);
        st->qc = v8_sub(v8_all(1.0f), v8_mul(v8_mul(th, th), v8_all(0.5f)));
        st->qs = th;
        if (v->steady) {
            v8_store(v->turn[0], st->rc), v8_store(v->turn[1], st->rs);
            v8_store(v->turn[2], st->qc), v8_store(v->turn[3], st->qs);
            v->turn_kept = 1;
        }
    }
    const float ramp[8] = {0.0f, es, 2.0f * es, 3.0f * es, 4.0f * es, 5.0f * es, 6.0f * es, 7.0f * es};
    st->e = v8_add(v8_all((float)((v->level0 + v->level_step * (double)b0) * v->gain)),
                   v8_load(ramp));
}

/* From one group to the next: the oscillators turn, the turns turn (a
 * glide), the levels step by 8 es (e8). */
static inline void tone_turn(tone_state *st, v8f e8)
{
    v8f zc = v8_sub(v8_mul(st->zc, st->rc), v8_mul(st->zs, st->rs));
    v8f zs = v8_add(v8_mul(st->zc, st->rs), v8_mul(st->zs, st->rc));
    v8f rc = v8_sub(v8_mul(st->rc, st->qc), v8_mul(st->rs, st->qs));
    v8f rs = v8_add(v8_mul(st->rc, st->qs), v8_mul(st->rs, st->qc));
    st->zc = zc, st->zs = zs, st->rc = rc, st->rs = rs;
    st->e = v8_add(st->e, e8);
}

/* The waveform's coefficients and the body [body0, body1) (frames without
 * edges), read once per call (the compiler cannot keep them in registers
 * across the stores to the output, which might alias the voice). */
typedef struct tone_consts {
    v8f wa, wb, wc;
    int64_t body0, body1;
} tone_consts;

/* The group's eight samples: the waveform s (wa + wb s^2 + wc c) (= sin x +
 * h2 sin 2x + h3 sin 3x over its peak) times the level. */
static inline v8f tone_samples(const tone_consts *k, const tone_state *st)
{
    v8f s = st->zs;
    v8f y = v8_add(v8_add(k->wa, v8_mul(k->wb, v8_mul(s, s))), v8_mul(k->wc, st->zc));
    return v8_mul(v8_mul(y, s), st->e);
}

/* Adds frames [max(g, j), min(g + 8, stop)) of the group at g (samples y)
 * to o, with the edges outside the body. */
static inline void tone_group_out(const synth_tone *v, const tone_consts *k, float *o, int64_t g,
                                  int64_t j, int64_t stop, v8f y)
{
    const int in_body = g >= k->body0 && g + 8 <= k->body1;
    if (in_body && g >= j && g + 8 <= stop) {
        v8_store(o + g, v8_add(v8_load(o + g), y));
        return;
    }
    float ys[8];
    if (!in_body)
        y = v8_mul(y, tone_edges(v, g));
    if (g >= j && g + 8 <= stop) {
        v8_store(o + g, v8_add(v8_load(o + g), y));
        return;
    }
    v8_store(ys, y);
    for (int64_t f = g > j ? g : j; f < g + 8 && f < stop; f++)
        o[f] += ys[f - g];
}

/* Adds up to n frames of the tone to out; 1 while frames remain. The tone
 * is made in blocks of TONE_BLOCK frames counted from its start, each in groups of
 * eight frames: the block's first group from the exact phase (double
 * precision, advanced block by block), every later group by turning the
 * one before (tone_turn). A call that starts inside a block goes on from the
 * state the last call kept there, or turns from the block's start to its own
 * group: the same operations, so any split gives the same samples. */
static inline int tone_process(synth_tone *v, float *out, int n)
{
    if (n < 0)
        n = 0;
    const int64_t end = v->pos + n < v->frames ? v->pos + n : v->frames;
    const float es = (float)(v->level_step * v->gain);
    const v8f e8 = v8_all(8.0f * es);
    const tone_consts k = {v8_all(v->wa), v8_all(v->wb), v8_all(v->wc), v->attack,
                           v->frames - v->release};
    float *o = out - v->pos; /* o[j] is frame j */
    int64_t j = v->pos;
    while (j < end) {
        const int64_t b0 = v->block, b1 = b0 + TONE_BLOCK;
        tone_state st;
        int64_t g;
        if (v->rgroup >= b0 && v->rgroup == (j & ~(int64_t)7)) {
            /* where the last call left this block */
            st.zc = v8_load(v->rstate[0]), st.zs = v8_load(v->rstate[1]), st.rc = v8_load(v->rstate[2]);
            st.rs = v8_load(v->rstate[3]), st.qc = v8_load(v->rstate[4]), st.qs = v8_load(v->rstate[5]);
            st.e = v8_load(v->rstate[6]);
            g = v->rgroup;
        } else {
            tone_block_start(v, b0, es, &st);
            for (g = b0; g + 8 <= j; g += 8) /* to the call's first group */
                tone_turn(&st, e8);
        }
        v->rgroup = -1;
        const int64_t stop = b1 < end ? b1 : end;
        for (; g < stop; g += 8) {
            tone_group_out(v, &k, o, g, j, stop, tone_samples(&k, &st));
            if (g + 8 > stop)
                break; /* the call ends inside this group: keep its state */
            tone_turn(&st, e8);
        }
        if (stop < b1) {
            /* the call ends inside the block: the next call goes on from
             * group g (the one that holds frame stop) */
            v8_store(v->rstate[0], st.zc), v8_store(v->rstate[1], st.zs), v8_store(v->rstate[2], st.rc);
            v8_store(v->rstate[3], st.rs), v8_store(v->rstate[4], st.qc), v8_store(v->rstate[5], st.qs);
            v8_store(v->rstate[6], st.e);
            v->rgroup = g;
            break;
        }
        double ph = v->phase + v->inc * v->sum_block;
        v->phase = ph - (double)(int64_t)ph;
        v->inc *= v->mul_block;
        v->block = b1;
        j = b1;
    }
    v->pos = end;
    return v->pos < v->frames;
}
#endif
