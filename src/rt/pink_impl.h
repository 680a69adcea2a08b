/* pink_impl: the pink bed's kernel, four stereo frames at a time (rt/simd8.h).
 * Private to src/rt/: compiled into synth.c (SSE2 or plain C) and into avx2.c
 * (AVX2); the three give the same bits. Audio-thread safe. */
#ifndef ADEM_PINK_IMPL_H
#define ADEM_PINK_IMPL_H

#include "rt/simd8.h"
#include "rt/synth_impl.h"

/* Frames a bed works on at a time (the size of its gain buffer). */
enum { BED_PIECE = 256 };

/* The filter's constants for four frames at a time (see pink_quad; made
 * once, in synth_tables_new, as floats: tb->pink_*). */
typedef struct pink_consts {
    v8f h[4];                 /* the four frames' response to the noise: h[m] w(n - m) */
    v8f a[PINK_SECTIONS];     /* p_i^(k+1): how frame k follows section i's state */
    v8f p4;                   /* p_i^4 in lane i of each half: the states a quad later */
    v8f k[4];                 /* c_i p_i^m in lane i of each half: the states' noise terms */
} pink_consts;

static inline void pink_consts_init(pink_consts *pc, const synth_tables *tb)
{
    for (int m = 0; m < 4; m++) {
        pc->h[m] = v8_all(tb->pink_h[m]);
        pc->k[m] = v8_load(tb->pink_k[m]);
    }
    for (int i = 0; i < PINK_SECTIONS; i++)
        pc->a[i] = v8_load(tb->pink_a[i]);
    pc->p4 = v8_load(tb->pink_p4);
}

/* The next quad of unscaled pink noise, lanes [L0 L1 L2 L3 | R0 R1 R2 R3].
 * Every lane has its own generator (x: an LCG, the top 23 bits as white
 * noise w in [-1, 1)). Kellet's economy filter (three one-pole sections
 * s_i(n) = p_i s_i(n-1) + c_i w(n), output D w + the sections) in closed form
 * over the quad, from the sections' states after the quad before (st: lane i
 * of each half, section i):
 *   out(n+k) = sum_i p_i^(k+1) s_i(n-1) + sum_m h[m] w(n+k-m),
 *   h[m] = sum_i c_i p_i^m (+ D for m = 0),
 *   s_i(n+3) = p_i^4 s_i(n-1) + c_i (w(n+3) + p_i w(n+2) + p_i^2 w(n+1) + p_i^3 w(n)). */
static inline v8f pink_quad(const pink_consts *pc, v8u *x, v8f *st)
{
    *x = v8u_lcg(*x);
    v8f w = v8u_white(*x);
    v8f y = v8_add(v8_mul(pc->h[0], w), v8_mul(pc->h[1], v8_up1(w)));
    y = v8_add(y, v8_mul(pc->h[2], v8_up2(w)));
    y = v8_add(y, v8_mul(pc->h[3], v8_up3(w)));
    y = v8_add(y, v8_mul(pc->a[0], v8_bcast0(*st)));
    y = v8_add(y, v8_mul(pc->a[1], v8_bcast1(*st)));
    y = v8_add(y, v8_mul(pc->a[2], v8_bcast2(*st)));
    v8f s = v8_add(v8_mul(pc->p4, *st), v8_mul(pc->k[0], v8_bcast3(w)));
    s = v8_add(s, v8_mul(pc->k[1], v8_bcast2(w)));
    s = v8_add(s, v8_mul(pc->k[2], v8_bcast1(w)));
    *st = v8_add(s, v8_mul(pc->k[3], v8_bcast0(w)));
    return y;
}

/* Stereo pink noise: adds n frames, frame k times gain[k] (or g when gain is
 * NULL; n <= BED_PIECE), to left and right. Frames come in quads counted from
 * the bed's start; a call that ends inside a quad keeps the quad (unscaled,
 * v->held) for the next call, which begins with its frames from v->hnext on,
 * so any split gives the same samples. */
static inline void pink_stereo_body(synth_bed *v, float *restrict left, float *restrict right,
                                    const float *restrict gain, float g, int n)
{
    int k = 0;
    for (; v->hnext != 0 && k < n; k++) {
        float gk = gain ? gain[k] : g;
        left[k] += v->held[v->hnext] * gk;
        right[k] += v->held[4 + v->hnext] * gk;
        v->hnext = (v->hnext + 1) & 3;
    }
    if (k == n)
        return;
    pink_consts pc;
    pink_consts_init(&pc, v->tb);
    v8u x = v8u_load(v->prng);
    v8f st = v8_load(v->pstate);
    const v4f g4 = v4_all(g);
    for (; k + 4 <= n; k += 4) {
        v4f gk = gain ? v4_load(gain + k) : g4;
        v8f y = v8_mul(pink_quad(&pc, &x, &st), v8_join(gk, gk));
        v4_store(left + k, v4_add(v4_load(left + k), v8_low(y)));
        v4_store(right + k, v4_add(v4_load(right + k), v8_high(y)));
    }
    if (k < n) {
        v8_store(v->held, pink_quad(&pc, &x, &st));
        for (v->hnext = 0; k < n; k++, v->hnext++) {
            float gk = gain ? gain[k] : g;
            left[k] += v->held[v->hnext] * gk;
            right[k] += v->held[4 + v->hnext] * gk;
        }
    }
    v8u_store(v->prng, x);
    v8_store(v->pstate, st);
}

#endif
