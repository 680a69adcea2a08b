/* pcm: float samples as raw PCM (see pcm.h). */
#include "base/pcm.h"

#include <string.h>

#include "base/cpu.h"
#if defined(__SSE2__) && !defined(ADEM_NO_SIMD)
#include <emmintrin.h>
#endif

/* One float sample as a 16-bit integer: clipped to [-1, 1] (NaN becomes 0),
 * times 32767, rounded to nearest with ties to even, as lrintf does in the
 * default rounding mode. Branch-free, so that loops of it run on whole
 * vectors: the clipping works on the bits (for floats that are not NaN, the
 * order of their magnitudes' bits is the order of the magnitudes), and the
 * rounding adds and takes away 1.5 * 2^23: for |v| <= 32767 the sum lies where
 * floats are whole numbers, so the addition rounds v exactly as lrintf would
 * and the subtraction is exact. (Checked against the lrintf version for all
 * 2^32 floats.) */
static inline int16_t pcm_f2s(float x)
{
    const int32_t one = 0x3f800000, inf = 0x7f800000; /* the bits of 1.0f and infinity */
    const float magic = 12582912.0f; /* 1.5 * 2^23 */
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    uint32_t sign = u & 0x80000000u;
    int32_t mag = (int32_t)(u & 0x7fffffffu);
    mag = mag > inf ? 0 : mag;   /* NaN -> 0 */
    mag = mag > one ? one : mag; /* |x| > 1 -> 1 */
    u = sign | (uint32_t)mag;
    memcpy(&x, &u, sizeof x);
    float r = x * 32767.0f + magic;
    r -= magic;
    return (int16_t)(int32_t)r;
}

/* With SSE2 (every x86-64 machine), eight at a time with the same results:
 * NaN lanes masked to 0, clipped with max/min, times 32767, converted with
 * cvtps2dq (round to nearest, ties to even: the default rounding mode, which
 * adem never changes) and narrowed with packssdw (no saturation happens: the
 * values lie in [-32767, 32767]). test_out_file compares it with lrintf on a
 * million samples. */
void pcm_s16_block(const float *restrict in, int16_t *restrict out, size_t n)
{
    size_t i = 0;
#if ADEM_HAVE_AVX2 && !defined(ADEM_NO_SIMD)
    if (cpu_avx2())
        i = pcm_s16_avx2(in, out, n);
#endif
#if defined(__SSE2__) && !defined(ADEM_NO_SIMD)
    const __m128 lo = _mm_set1_ps(-1.0f), hi = _mm_set1_ps(1.0f), scale = _mm_set1_ps(32767.0f);
    for (; i + 8 <= n; i += 8) {
        __m128 a = _mm_loadu_ps(in + i), b = _mm_loadu_ps(in + i + 4);
        a = _mm_and_ps(a, _mm_cmpord_ps(a, a));
        b = _mm_and_ps(b, _mm_cmpord_ps(b, b));
        a = _mm_mul_ps(_mm_min_ps(_mm_max_ps(a, lo), hi), scale);
        b = _mm_mul_ps(_mm_min_ps(_mm_max_ps(b, lo), hi), scale);
        __m128i s = _mm_packs_epi32(_mm_cvtps_epi32(a), _mm_cvtps_epi32(b));
        _mm_storeu_si128((__m128i *)(void *)(out + i), s);
    }
#else
    for (; i + 8 <= n; i += 8) /* an inner loop of known length: vectorised at -O2 too */
        for (int k = 0; k < 8; k++)
            out[i + k] = pcm_f2s(in[i + k]);
#endif
    for (; i < n; i++)
        out[i] = pcm_f2s(in[i]);
}

int pcm_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

void pcm_from_float(const float *in, size_t n, int s16, unsigned char *out)
{
    if (s16) {
        int16_t *s = (int16_t *)(void *)out;
        pcm_s16_block(in, s, n);
        if (!pcm_little_endian())
            for (size_t i = 0; i < n; i++) {
                uint16_t u = (uint16_t)s[i];
                out[2 * i] = (unsigned char)(u & 0xFF);
                out[2 * i + 1] = (unsigned char)(u >> 8);
            }
    } else if (pcm_little_endian()) {
        memcpy(out, in, n * 4); /* floats are already stored as little-endian bytes */
    } else {
        for (size_t i = 0; i < n; i++) {
            uint32_t u;
            memcpy(&u, &in[i], 4);
            out[4 * i] = (unsigned char)(u & 0xFF);
            out[4 * i + 1] = (unsigned char)((u >> 8) & 0xFF);
            out[4 * i + 2] = (unsigned char)((u >> 16) & 0xFF);
            out[4 * i + 3] = (unsigned char)(u >> 24);
        }
    }
}

