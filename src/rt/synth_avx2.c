/* synth_avx2: the breathing tone eight frames at a time, for x86-64 machines
 * with AVX2 (see synth_avx2.h). This file alone is compiled with -mavx2; its
 * functions run only when synth_tables_new found AVX2 on the machine.
 *
 * The same bits as the four-lane code in synth.c, by construction: the eight
 * lanes hold two consecutive groups of four frames (lanes 0-3 group g, lanes
 * 4-7 group g + 1), and every lane runs exactly the operations that lane of
 * its group runs in synth.c, in the same order (the upper group's state is
 * made by one four-lane step from the lower one's, and each pass steps every
 * lane twice, as synth.c does for two groups). Only the polynomials, the
 * expensive part, are shared by the two groups. No fused multiply-add: the
 * project builds with -ffp-contract=off and this file without -mfma. The ctest
 * synth_avx2 compares the two paths. */
#include "rt/synth_avx2.h"

#if ADEM_HAVE_AVX2 && defined(__AVX2__) && !defined(ADEM_NO_SIMD)

#include <immintrin.h>

#include "rt/pink_impl.h"
#include "rt/tone_impl.h"

/* See synth_avx2.h. */
void synth_pink_avx2(synth_bed *v, float *left, float *right, const float *gain, float g, int n)
{
    pink_stereo_body(v, left, right, gain, g, n);
}

static inline v8f v8_join(__m128 lo, __m128 hi) { return _mm256_set_m128(hi, lo); }
/* a - trunc(a): the fraction, as v4_sub(a, v4_trunc(a)) */
static inline v8f v8_frac(v8f a)
{
    return _mm256_sub_ps(a, _mm256_cvtepi32_ps(_mm256_cvttps_epi32(a)));
}

/* sin_pi, cos_pi and tone_wave of rt/tone_impl.h on eight lanes. */
static inline v8f sin_pi8(v8f t)
{
    v8f u = v8_mul(t, t);
    v8f r = v8_all(TONE_S9);
    r = v8_add(v8_mul(r, u), v8_all(TONE_S7));
    r = v8_add(v8_mul(r, u), v8_all(TONE_S5));
    r = v8_add(v8_mul(r, u), v8_all(TONE_S3));
    r = v8_add(v8_mul(r, u), v8_all(TONE_S1));
    return v8_mul(r, t);
}

static inline v8f cos_pi8(v8f t)
{
    v8f u = v8_mul(t, t);
    v8f r = v8_all(TONE_C10);
    r = v8_add(v8_mul(r, u), v8_all(TONE_C8));
    r = v8_add(v8_mul(r, u), v8_all(TONE_C6));
    r = v8_add(v8_mul(r, u), v8_all(TONE_C4));
    r = v8_add(v8_mul(r, u), v8_all(TONE_C2));
    return v8_add(v8_mul(r, u), v8_all(1.0f));
}

static inline v8f tone_wave8(float wa, float wb, float wc, v8f x)
{
    v8f t = v8_sub(x, v8_all(0.5f));
    v8f sp = sin_pi8(t), cp = cos_pi8(t);
    v8f s = v8_mul(v8_mul(sp, v8_all(-2.0f)), cp);
    v8f c = v8_sub(v8_mul(v8_mul(sp, sp), v8_all(2.0f)), v8_all(1.0f));
    v8f y = v8_add(v8_add(v8_all(wa), v8_mul(v8_all(wb), v8_mul(s, s))), v8_mul(v8_all(wc), c));
    return v8_mul(y, s);
}

/* See synth_avx2.h. */
int64_t synth_tone_pairs_avx2(const synth_tone *v, float *o, int64_t g, int64_t j, int64_t stop,
                              float es, float st[12])
{
    const int64_t body0 = v->attack, body1 = v->frames - v->release;
    const v4f mul4 = v4_all(v->mul4), ramp4 = v4_all(4.0f * es);
    v4f x = v4_load(st), d = v4_load(st + 4), e = v4_load(st + 8);
    /* group g + 1: one step of group g's state, as synth.c makes it */
    v4f x1 = v4_add(x, d);
    x1 = v4_sub(x1, v4_trunc(x1));
    v8f X = v8_join(x, x1), D = v8_join(d, v4_mul(d, mul4)), E = v8_join(e, v4_add(e, ramp4));
    const v8f M = v8_join(mul4, mul4), R = v8_join(ramp4, ramp4);
    const float wa = v->wa, wb = v->wb, wc = v->wc;
    for (; g + 8 <= stop; g += 8) {
        v8f y = v8_mul(tone_wave8(wa, wb, wc, X), E);
        if (g >= j && g >= body0 && g + 8 <= body1) {
            _mm256_storeu_ps(o + g, v8_add(_mm256_loadu_ps(o + g), y));
        } else {
            /* each group as synth.c does it: edges outside the body, and
             * only the frames from j on */
            float ys[8];
            _mm256_storeu_ps(ys, y);
            for (int h = 0; h < 2; h++) {
                int64_t gh = g + 4 * h;
                if (!(gh >= body0 && gh + 4 <= body1))
                    v4_store(ys + 4 * h, v4_mul(v4_load(ys + 4 * h), tone_edges(v, gh)));
                for (int64_t f = gh > j ? gh : j; f < gh + 4; f++)
                    o[f] += ys[4 * h + f - gh];
            }
        }
        /* two steps: lanes 0-3 to group g + 2, lanes 4-7 to g + 3 */
        X = v8_frac(v8_add(X, D));
        D = v8_mul(D, M);
        E = v8_add(E, R);
        X = v8_frac(v8_add(X, D));
        D = v8_mul(D, M);
        E = v8_add(E, R);
    }
    v4_store(st, _mm256_castps256_ps128(X));
    v4_store(st + 4, _mm256_castps256_ps128(D));
    v4_store(st + 8, _mm256_castps256_ps128(E));
    return g;
}

#else
/* Not an AVX2 build of this file: synth.c never calls it. */
typedef int synth_avx2_unused;
#endif
