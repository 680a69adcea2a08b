/* pcm_avx2: pcm_s16_block's conversion sixteen samples a step, for x86-64
 * machines with AVX2 (see pcm.h). This file is compiled with -mavx2; pcm.c
 * calls it only when cpu_avx2() says the machine runs it. Lane by lane the
 * same operations as the SSE2 loop in pcm.c: NaN masked to 0, max, min,
 * times 32767, cvtps2dq (round to nearest, ties to even), packssdw. */
#include "base/pcm.h"

#if ADEM_HAVE_AVX2 && defined(__AVX2__) && !defined(ADEM_NO_SIMD)
#include <immintrin.h>

/* See pcm.h: the first n rounded down to 16 samples; returns how many. */
size_t pcm_s16_avx2(const float *restrict in, int16_t *restrict out, size_t n)
{
    const __m256 lo = _mm256_set1_ps(-1.0f), hi = _mm256_set1_ps(1.0f),
                 scale = _mm256_set1_ps(32767.0f);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 a = _mm256_loadu_ps(in + i), b = _mm256_loadu_ps(in + i + 8);
        a = _mm256_and_ps(a, _mm256_cmp_ps(a, a, _CMP_ORD_Q));
        b = _mm256_and_ps(b, _mm256_cmp_ps(b, b, _CMP_ORD_Q));
        a = _mm256_mul_ps(_mm256_min_ps(_mm256_max_ps(a, lo), hi), scale);
        b = _mm256_mul_ps(_mm256_min_ps(_mm256_max_ps(b, lo), hi), scale);
        /* packssdw works within each half: put the quarters back in order */
        __m256i s = _mm256_packs_epi32(_mm256_cvtps_epi32(a), _mm256_cvtps_epi32(b));
        s = _mm256_permute4x64_epi64(s, 0xd8);
        _mm256_storeu_si256((__m256i *)(void *)(out + i), s);
    }
    return i;
}
#else
/* Not an AVX2 build of this file: pcm.c never calls it. */
typedef int pcm_avx2_unused;
#endif
