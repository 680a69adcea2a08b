/* limiter: instant-attack, smooth-release peak limiter (see limiter.h). */
#include "rt/limiter.h"

#include <math.h>
#include <string.h>

#include "base/cpu.h"
#include "rt/avx2.h"
#if defined(__SSE2__) && !defined(ADEM_NO_SIMD)
#include <emmintrin.h>
#endif

void limiter_init(limiter *l, int rate, double ceiling_db, double release_ms)
{
    if (ceiling_db > 0)
        ceiling_db = 0;
    l->ceiling = (float)pow(10.0, ceiling_db / 20.0);
    l->reduction = 0.0f;
    l->gain = 1.0f;
    l->release = (float)exp(-1.0 / (release_ms * 0.001 * rate));
    l->limited = 0;
}

/* 0 when no sample of the n at x has a magnitude above c (> 0), else 1 (also
 * for a NaN, which limit_frames then handles). It works on the bits: for
 * non-negative floats their order as integers is the order of their values,
 * and cb - mag is negative exactly when mag > cb (no overflow: both lie in
 * [0, 2^31)). Sign bits are gathered with OR in 16 accumulators and looked at
 * once: branch-free, so that the compiler uses whole vectors. */
static int any_over(const float *x, int n, float c)
{
    enum { W = 16 };
    int32_t cb, acc[W] = {0}, any = 0;
    memcpy(&cb, &c, sizeof cb);
    int i = 0;
#if ADEM_HAVE_AVX2 && !defined(ADEM_NO_SIMD)
    if (cpu_avx2())
        return avx2_any_over(x, n, cb);
#endif
#if defined(__SSE2__) && !defined(ADEM_NO_SIMD)
    /* the same with SSE2, eight samples a step */
    const __m128i mask = _mm_set1_epi32(0x7fffffff), cv = _mm_set1_epi32(cb);
    __m128i va = _mm_setzero_si128(), vb = _mm_setzero_si128();
    for (; i + 8 <= n; i += 8) {
        __m128i a = _mm_castps_si128(_mm_loadu_ps(x + i));
        __m128i b = _mm_castps_si128(_mm_loadu_ps(x + i + 4));
        va = _mm_or_si128(va, _mm_sub_epi32(cv, _mm_and_si128(a, mask)));
        vb = _mm_or_si128(vb, _mm_sub_epi32(cv, _mm_and_si128(b, mask)));
    }
    if (_mm_movemask_ps(_mm_castsi128_ps(_mm_or_si128(va, vb))))
        return 1;
#endif
    for (; i + W <= n; i += W) {
        for (int k = 0; k < W; k++) {
            int32_t b;
            memcpy(&b, &x[i + k], sizeof b);
            acc[k] |= cb - (b & 0x7fffffff);
        }
    }
    for (; i < n; i++) {
        int32_t b;
        memcpy(&b, &x[i], sizeof b);
        any |= cb - (b & 0x7fffffff);
    }
    for (int k = 0; k < W; k++)
        any |= acc[k];
    return any < 0;
}

/* The limiter frame by frame: frames [0, frames) of buf, starting from and
 * returning the reduction red (1 - gain). Inline, so that the stereo call
 * below gets its own copy with the channel loops unrolled. */
static inline float limit_frames(limiter *l, float *buf, int frames, int channels, float red)
{
    const float ceiling = l->ceiling, release = l->release;
    for (int i = 0; i < frames; i++) {
        float *f = buf + (long)i * channels;
        float peak = 0.0f;
        for (int c = 0; c < channels; c++) {
            float a = fabsf(f[c]);
            peak = a > peak ? a : peak;
        }
        if (red > 0.0f) {
            red *= release; /* release towards unity */
            if (red < 1e-7f)
                red = 0.0f; /* exact unity again, and no denormals */
        }
        float g = 1.0f - red;
        if (peak * g > ceiling) {
            g = ceiling / peak; /* instant attack */
            red = 1.0f - g;
        }
        if (red > 0.0f) {
            l->limited++;
            for (int c = 0; c < channels; c++) {
                float v = f[c] * g;
                /* guard the last ulp of the division */
                f[c] = v > ceiling ? ceiling : v < -ceiling ? -ceiling : v;
            }
        }
    }
    return red;
}

/* Works in pieces of LIM_PIECE frames: a piece that starts at unity gain and
 * holds no sample above the ceiling passes untouched (the frame-by-frame loop
 * would leave it exactly so), which is nearly always; any other piece goes
 * through limit_frames. */
void limiter_process(limiter *l, float *buf, int frames, int channels)
{
    enum { LIM_PIECE = 64 };
    float red = l->reduction;
    for (int i = 0; i < frames; i += LIM_PIECE) {
        int n = frames - i < LIM_PIECE ? frames - i : LIM_PIECE;
        float *f = buf + (long)i * channels;
        if (red == 0.0f && !any_over(f, n * channels, l->ceiling))
            continue;
        red = channels == 2 ? limit_frames(l, f, n, 2, red)
                            : limit_frames(l, f, n, channels, red);
    }
    l->reduction = red;
    l->gain = 1.0f - red;
}
