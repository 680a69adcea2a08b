/* mix_impl: the engine's common mix eight frames at a time (rt/simd8.h).
 * Private to src/rt/: compiled into engine.c (SSE2 or plain C) and into
 * avx2.c (AVX2); both give the same bits. Inline, audio-thread safe. */
#ifndef ADEM_MIX_IMPL_H
#define ADEM_MIX_IMPL_H

#include "rt/simd8.h"

/* The buses of a block and their levels: the voice bus v, the tone bus t,
 * the leaning tone buses tl and tr (NULL: nothing leans), the bed's bl and
 * br; gains gv, gt, gb, the master m, the lean factors a (towards) and b
 * (away). */
typedef struct mix_buses {
    const float *v, *t, *tl, *tr, *bl, *br;
    float gv, gt, gb, m, a, b;
} mix_buses;

/* Mixes frames [0, n rounded down to 8) into out (interleaved stereo), each
 * lane with exactly the operations of engine.c's frame-by-frame loop
 * (mix_plain); returns the frames done. */
static inline int mix_eights(const mix_buses *mb, float *restrict out, int n)
{
    const v8f gv = v8_all(mb->gv), gt = v8_all(mb->gt), gb = v8_all(mb->gb), m = v8_all(mb->m);
    const float *restrict v = mb->v, *restrict t = mb->t, *restrict bl = mb->bl,
                          *restrict br = mb->br;
    int k = 0;
    if (mb->tl) {
        const float *restrict tl = mb->tl, *restrict tr = mb->tr;
        const v8f a = v8_all(mb->a), b = v8_all(mb->b);
        for (; k + 8 <= n; k += 8) {
            v8f t8 = v8_load(t + k), l8 = v8_load(tl + k), r8 = v8_load(tr + k);
            v8f vv = v8_mul(v8_load(v + k), gv);
            v8f left = v8_mul(v8_add(v8_add(t8, v8_mul(a, l8)), v8_mul(b, r8)), gt);
            v8f right = v8_mul(v8_add(v8_add(t8, v8_mul(b, l8)), v8_mul(a, r8)), gt);
            v8f lo = v8_mul(v8_add(v8_add(vv, left), v8_mul(v8_load(bl + k), gb)), m);
            v8f ro = v8_mul(v8_add(v8_add(vv, right), v8_mul(v8_load(br + k), gb)), m);
            v8_store_zip(out + 2 * k, lo, ro);
        }
        return k;
    }
    for (; k + 8 <= n; k += 8) {
        v8f fore = v8_add(v8_mul(v8_load(v + k), gv), v8_mul(v8_load(t + k), gt));
        v8f lo = v8_mul(v8_add(fore, v8_mul(v8_load(bl + k), gb)), m);
        v8f ro = v8_mul(v8_add(fore, v8_mul(v8_load(br + k), gb)), m);
        v8_store_zip(out + 2 * k, lo, ro);
    }
    return k;
}

#endif
