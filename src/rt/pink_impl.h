/* pink_impl: the pink bed's kernel, four stereo frames at a time (rt/simd8.h).
 * Private to src/rt/: compiled into synth.c (SSE2 or plain C) and into
 * avx2.c (AVX2); the three give the same bits. Audio-thread safe. */
#ifndef ADEM_PINK_IMPL_H
#define ADEM_PINK_IMPL_H

#include "rt/simd8.h"
#include "rt/synth_impl.h"

/* Frames a bed works on at a time (the size of its gain buffer). */
enum { BED_PIECE = 256 };

/* Pink noise, four stereo frames (a quad) at a time: writes `quads` quads of
 * unscaled frames, interleaved (L, R per frame), to out. Every lane has its
 * own xorshift32 generator (v->prng). Each of the three one-pole sections of
 * Kellet's economy filter, s(n) = p s(n-1) + c w(n), runs the quad from the
 * last frame of the quad before (v->pink[i], frame 3) in closed form:
 *   s(n+k) = p^(k+1) s(n-1) + c w(n+k) + c p w(n+k-1) + ... + c p^k w(n),
 * written as one expression for all four frames with the white noise moved up
 * by 1, 2 and 3 frames (zeros where a term is absent), and the output is the
 * sum of the sections plus D w (Kellet's economy filter). */
static inline void pink_quads(synth_bed *v, float *restrict out, int quads)
{
    v8f a[PINK_SECTIONS], c0[PINK_SECTIONS], c1[PINK_SECTIONS], c2[PINK_SECTIONS],
        c3[PINK_SECTIONS], s[PINK_SECTIONS];
    for (int i = 0; i < PINK_SECTIONS; i++) {
        const float p = PINK_P[i], c = PINK_C[i];
        const float p2 = p * p, p3 = p2 * p, p4 = p3 * p;
        const float pw[8] = {p, p, p2, p2, p3, p3, p4, p4};
        a[i] = v8_load(pw);
        c0[i] = v8_all(c);
        c1[i] = v8_all(c * p);
        c2[i] = v8_all(c * p * p);
        c3[i] = v8_all(c * p * p * p);
        s[i] = v8_load(v->pink[i]);
    }
    const v8f d = v8_all(PINK_DIRECT), unit = v8_all(1.0f / 8388608.0f),
              half = v8_all(16777215.0f / 16777216.0f);
    v8u x = v8u_load(v->prng);
    for (int k = 0; k < quads; k++) {
        x = v8u_xorshift(x);
        /* the top 24 bits as an odd multiple of 2^-24 in (-1, 1), exact */
        v8f w = v8_sub(v8_mul(v8u_top24(x), unit), half);
        v8f w1 = v8_frames_up1(w), w2 = v8_frames_up2(w), w3 = v8_frames_up3(w);
        v8f y = v8_mul(d, w);
        for (int i = 0; i < PINK_SECTIONS; i++) {
            v8f t = v8_add(v8_mul(a[i], v8_frame3_all(s[i])), v8_mul(c0[i], w));
            t = v8_add(t, v8_mul(c1[i], w1));
            t = v8_add(t, v8_mul(c2[i], w2));
            s[i] = v8_add(t, v8_mul(c3[i], w3));
            y = v8_add(y, s[i]);
        }
        v8_store(out + 8 * k, y);
    }
    v8u_store(v->prng, x);
    for (int i = 0; i < PINK_SECTIONS; i++)
        v8_store(v->pink[i], s[i]);
}

/* Adds m interleaved frames of lr, frame k times gain[k] (or times g when
 * gain is NULL), to left and right. */
static inline void pink_add_planar(float *restrict left, float *restrict right,
                                   const float *restrict lr, const float *restrict gain, float g,
                                   int m)
{
    int k = 0;
    const v8f gc = v8_all(g);
    for (; k + 8 <= m; k += 8) {
        v8f p = v8_load(lr + 2 * k), q = v8_load(lr + 2 * k + 8);
        v8f gk = gain ? v8_load(gain + k) : gc;
        v8_store(left + k, v8_add(v8_load(left + k), v8_mul(v8_lefts(p, q), gk)));
        v8_store(right + k, v8_add(v8_load(right + k), v8_mul(v8_rights(p, q), gk)));
    }
    for (; k < m; k++) {
        float gk = gain ? gain[k] : g;
        left[k] += lr[2 * k] * gk;
        right[k] += lr[2 * k + 1] * gk;
    }
}

/* Stereo pink noise: adds n frames, frame k times gain[k] (or g when gain is
 * NULL; n <= BED_PIECE), to left and right. Frames come in quads counted from
 * the bed's start; a call that ends inside a quad keeps the quad (unscaled)
 * for the next call, which begins with its frames from v->hnext on, so any
 * split gives the same samples. */
static inline void pink_stereo_body(synth_bed *v, float *restrict left, float *restrict right,
                                    const float *restrict gain, float g, int n)
{
    float lr[2 * BED_PIECE + 8];
    int k = 0;
    for (; v->hnext != 0 && k < n; k++) {
        float gk = gain ? gain[k] : g;
        left[k] += v->held[2 * v->hnext] * gk;
        right[k] += v->held[2 * v->hnext + 1] * gk;
        v->hnext = (v->hnext + 1) & 3;
    }
    if (k == n)
        return;
    int quads = (n - k + 3) / 4;
    pink_quads(v, lr, quads);
    pink_add_planar(left + k, right + k, lr, gain ? gain + k : NULL, g, n - k);
    int rest = (n - k) & 3;
    if (rest) {
        for (int i = 0; i < 8; i++)
            v->held[i] = lr[8 * (quads - 1) + i];
        v->hnext = rest;
    }
}

#endif
