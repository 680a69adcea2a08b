/* avx2: the audio thread's hot loops eight lanes wide (see avx2.h). This file
 * is compiled with -mavx2 (and no other file of rt/); its functions run only
 * when cpu_avx2() found AVX2 on the machine. No fused multiply-add: the
 * project builds with -ffp-contract=off and this file without -mfma, so every
 * lane runs exactly the IEEE operations of the code it stands in for.
 *
 * The tone, the pink bed and the mix: rt/tone_impl.h, rt/pink_impl.h and
 * rt/mix_impl.h compiled for AVX2 (rt/simd8.h). The bell and the limiter's
 * scan: lane by lane the same operations as their four-lane loops, eight
 * frames a step. */
#include "rt/avx2.h"

#if ADEM_HAVE_AVX2 && defined(__AVX2__) && !defined(ADEM_NO_SIMD)

#include <immintrin.h>
#include <string.h>

#include "rt/mix_impl.h"
#include "rt/pink_impl.h"
#include "rt/simd8.h"
#include "rt/tone_impl.h"

/* See avx2.h. */
void avx2_pink(synth_bed *v, float *left, float *right, const float *gain, float g, int n)
{
    pink_stereo_body(v, left, right, gain, g, n);
}

/* See avx2.h. */
int avx2_tone(synth_tone *v, float *out, int n)
{
    return tone_process(v, out, n);
}

/* See avx2.h. */
int avx2_mix(const mix_buses *mb, float *out, int n)
{
    return mix_eights(mb, out, n);
}

/* See avx2.h. */
int avx2_bell(float *restrict out, const int16_t *restrict s, float g, int m)
{
    const v8f g8 = v8_all(g);
    int k = 0;
    for (; k + 8 <= m; k += 8)
        v8_store(out + k, v8_add(v8_load(out + k), v8_mul(v8_load_s16(s + k), g8)));
    return k;
}

/* See avx2.h. The limiter's own scan (limiter.c) sixteen samples a step. */
int avx2_any_over(const float *x, int n, int32_t cb)
{
    const __m256i mask = _mm256_set1_epi32(0x7fffffff), cv = _mm256_set1_epi32(cb);
    __m256i va = _mm256_setzero_si256(), vb = _mm256_setzero_si256();
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256i p = _mm256_castps_si256(_mm256_loadu_ps(x + i));
        __m256i q = _mm256_castps_si256(_mm256_loadu_ps(x + i + 8));
        va = _mm256_or_si256(va, _mm256_sub_epi32(cv, _mm256_and_si256(p, mask)));
        vb = _mm256_or_si256(vb, _mm256_sub_epi32(cv, _mm256_and_si256(q, mask)));
    }
    int32_t any = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_or_si256(va, vb))) ? -1 : 0;
    for (; i < n; i++) {
        int32_t b;
        memcpy(&b, &x[i], sizeof b);
        any |= cb - (b & 0x7fffffff);
    }
    return any < 0;
}

#else
/* Not an AVX2 build of this file: synth.c never calls it. */
typedef int avx2_unused;
#endif
