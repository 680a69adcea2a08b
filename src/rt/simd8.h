/* simd8: eight float or uint32 lanes for the synth's kernels (private to
 * src/rt/). Three ways to run the same operations, giving the same bits:
 *  - AVX2 (in a file compiled with -mavx2: src/rt/avx2.c), one
 *    instruction per operation;
 *  - SSE2 (every x86-64 machine), two;
 *  - plain C (elsewhere, or with ADEM_NO_SIMD), lane by lane.
 * Every arithmetic operation is exact IEEE single precision on each lane (no
 * fused multiply-add: the project builds with -ffp-contract=off); the rest
 * only moves lanes. The ctests synth_portable (SSE2 against plain C) and
 * synth_avx2 (AVX2 against SSE2) compare them. The lanes are often four
 * stereo frames, frame k in lanes 2k (left) and 2k + 1 (right); the "frame"
 * operations below move such pairs. All functions are audio-thread safe
 * (pure, inline). */
#ifndef ADEM_SIMD8_H
#define ADEM_SIMD8_H

#include <stdint.h>

#include "rt/simd4.h"

#if defined(__AVX2__) && !defined(ADEM_NO_SIMD)
#include <immintrin.h>
#define SIMD8_AVX2 1
typedef __m256 v8f;
typedef __m256i v8u;

static inline v8f v8_all(float a) { return _mm256_set1_ps(a); }
static inline v8f v8_load(const float *p) { return _mm256_loadu_ps(p); }
static inline void v8_store(float *p, v8f a) { _mm256_storeu_ps(p, a); }
static inline v8f v8_add(v8f a, v8f b) { return _mm256_add_ps(a, b); }
static inline v8f v8_sub(v8f a, v8f b) { return _mm256_sub_ps(a, b); }
static inline v8f v8_mul(v8f a, v8f b) { return _mm256_mul_ps(a, b); }
static inline v8f v8_div(v8f a, v8f b) { return _mm256_div_ps(a, b); }
/* the smaller and the larger of each lane (a when equal; no NaN here) */
static inline v8f v8_min(v8f a, v8f b) { return _mm256_min_ps(b, a); }
static inline v8f v8_max(v8f a, v8f b) { return _mm256_max_ps(b, a); }
static inline v8f v8_lt_select(v8f a, v8f b, v8f x, v8f y) /* a < b ? x : y */
{
    return _mm256_blendv_ps(y, x, _mm256_cmp_ps(a, b, _CMP_LT_OQ));
}
static inline v8f v8_sqrt(v8f a) { return _mm256_sqrt_ps(a); }
/* lanes 0-3 from lo, 4-7 from hi; and back */
static inline v8f v8_join(v4f lo, v4f hi) { return _mm256_set_m128(hi, lo); }
static inline v4f v8_low(v8f a) { return _mm256_castps256_ps128(a); }
static inline v4f v8_high(v8f a) { return _mm256_extractf128_ps(a, 1); }
/* truncation towards zero of each lane (|a| < 2^31) */
static inline v8f v8_trunc(v8f a) { return _mm256_cvtepi32_ps(_mm256_cvttps_epi32(a)); }
/* Within each half (four lanes): every lane moved up by 1, 2 or 3, zeros
 * first; lane 0, 1, 2 or 3 in all four. */
static inline v8f v8_up1(v8f a) { return _mm256_castsi256_ps(_mm256_slli_si256(_mm256_castps_si256(a), 4)); }
static inline v8f v8_up2(v8f a) { return _mm256_castsi256_ps(_mm256_slli_si256(_mm256_castps_si256(a), 8)); }
static inline v8f v8_up3(v8f a) { return _mm256_castsi256_ps(_mm256_slli_si256(_mm256_castps_si256(a), 12)); }
static inline v8f v8_bcast0(v8f a) { return _mm256_permute_ps(a, 0x00); }
static inline v8f v8_bcast1(v8f a) { return _mm256_permute_ps(a, 0x55); }
static inline v8f v8_bcast2(v8f a) { return _mm256_permute_ps(a, 0xaa); }
static inline v8f v8_bcast3(v8f a) { return _mm256_permute_ps(a, 0xff); }
/* frames [0, 0, f0, f1]: each frame one later, zeros first */
static inline v8f v8_frames_up2(v8f a) { return _mm256_permute2f128_ps(a, a, 0x08); }
static inline v8f v8_frames_up1(v8f a)
{
    __m256i u = _mm256_castps_si256(a), z = _mm256_castps_si256(v8_frames_up2(a));
    return _mm256_castsi256_ps(_mm256_alignr_epi8(u, z, 8));
}
static inline v8f v8_frames_up3(v8f a)
{
    __m256i z = _mm256_castps_si256(v8_frames_up2(a));
    return _mm256_castsi256_ps(_mm256_alignr_epi8(z, _mm256_setzero_si256(), 8));
}
/* frame 3 in all four frames */
static inline v8f v8_frame3_all(v8f a)
{
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(a), 0xff));
}
/* the left and the right lanes of eight interleaved frames (a: frames 0-3,
 * b: frames 4-7), in frame order */
static inline v8f v8_lefts(v8f a, v8f b)
{
    __m256 s = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(s), 0xd8));
}
static inline v8f v8_rights(v8f a, v8f b)
{
    __m256 s = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(s), 0xd8));
}

/* eight frames, l[k] and r[k], stored interleaved at p (16 floats) */
static inline void v8_store_zip(float *p, v8f l, v8f r)
{
    __m256 a = _mm256_unpacklo_ps(l, r), b = _mm256_unpackhi_ps(l, r);
    _mm256_storeu_ps(p, _mm256_permute2f128_ps(a, b, 0x20));
    _mm256_storeu_ps(p + 8, _mm256_permute2f128_ps(a, b, 0x31));
}
/* eight 16-bit integers as floats (exact) */
static inline v8f v8_load_s16(const int16_t *p)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    return _mm256_cvtepi32_ps(_mm256_cvtepi16_epi32(x));
}

static inline v8u v8u_load(const uint32_t *p) { return _mm256_loadu_si256((const __m256i *)(const void *)p); }
static inline void v8u_store(uint32_t *p, v8u a) { _mm256_storeu_si256((__m256i *)(void *)p, a); }
/* one xorshift32 step (13, 17, 5) in each lane */
static inline v8u v8u_xorshift(v8u x)
{
    x = _mm256_xor_si256(x, _mm256_slli_epi32(x, 13));
    x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 17));
    return _mm256_xor_si256(x, _mm256_slli_epi32(x, 5));
}
/* (float)(x >> 8), exact */
static inline v8f v8u_top24(v8u x) { return _mm256_cvtepi32_ps(_mm256_srli_epi32(x, 8)); }
/* one step of the LCG x = 1664525 x + 1013904223 (mod 2^32) in each lane */
static inline v8u v8u_lcg(v8u x)
{
    return _mm256_add_epi32(_mm256_mullo_epi32(x, _mm256_set1_epi32(1664525)),
                            _mm256_set1_epi32(1013904223));
}
/* the top 23 bits as a float in [-1, 1) (2 + x / 2^31 rounded down to 2^-22,
 * minus 3: exact) */
static inline v8f v8u_white(v8u x)
{
    __m256i b = _mm256_or_si256(_mm256_srli_epi32(x, 9), _mm256_set1_epi32(0x40000000));
    return _mm256_sub_ps(_mm256_castsi256_ps(b), _mm256_set1_ps(3.0f));
}

#elif defined(__SSE2__) && !defined(ADEM_NO_SIMD)
#include <emmintrin.h>
#define SIMD8_SSE2 1
typedef struct v8f {
    __m128 lo, hi;
} v8f;
typedef struct v8u {
    __m128i lo, hi;
} v8u;

static inline v8f v8_make(__m128 lo, __m128 hi)
{
    v8f r = {lo, hi};
    return r;
}
static inline v8f v8_all(float a) { return v8_make(_mm_set1_ps(a), _mm_set1_ps(a)); }
static inline v8f v8_load(const float *p) { return v8_make(_mm_loadu_ps(p), _mm_loadu_ps(p + 4)); }
static inline void v8_store(float *p, v8f a)
{
    _mm_storeu_ps(p, a.lo);
    _mm_storeu_ps(p + 4, a.hi);
}
static inline v8f v8_add(v8f a, v8f b) { return v8_make(_mm_add_ps(a.lo, b.lo), _mm_add_ps(a.hi, b.hi)); }
static inline v8f v8_sub(v8f a, v8f b) { return v8_make(_mm_sub_ps(a.lo, b.lo), _mm_sub_ps(a.hi, b.hi)); }
static inline v8f v8_mul(v8f a, v8f b) { return v8_make(_mm_mul_ps(a.lo, b.lo), _mm_mul_ps(a.hi, b.hi)); }
static inline v8f v8_div(v8f a, v8f b) { return v8_make(_mm_div_ps(a.lo, b.lo), _mm_div_ps(a.hi, b.hi)); }
static inline v8f v8_min(v8f a, v8f b) { return v8_make(v4_min(a.lo, b.lo), v4_min(a.hi, b.hi)); }
static inline v8f v8_max(v8f a, v8f b) { return v8_make(v4_max(a.lo, b.lo), v4_max(a.hi, b.hi)); }
static inline v8f v8_lt_select(v8f a, v8f b, v8f x, v8f y)
{
    return v8_make(v4_lt_select(a.lo, b.lo, x.lo, y.lo), v4_lt_select(a.hi, b.hi, x.hi, y.hi));
}
static inline v8f v8_sqrt(v8f a) { return v8_make(_mm_sqrt_ps(a.lo), _mm_sqrt_ps(a.hi)); }
static inline v8f v8_join(v4f lo, v4f hi) { return v8_make(lo, hi); }
static inline v4f v8_low(v8f a) { return a.lo; }
static inline v4f v8_high(v8f a) { return a.hi; }
static inline v8f v8_trunc(v8f a) { return v8_make(v4_trunc(a.lo), v4_trunc(a.hi)); }
#define SIMD8_UP(a, n) _mm_castsi128_ps(_mm_slli_si128(_mm_castps_si128(a), n))
static inline v8f v8_up1(v8f a) { return v8_make(SIMD8_UP(a.lo, 4), SIMD8_UP(a.hi, 4)); }
static inline v8f v8_up2(v8f a) { return v8_make(SIMD8_UP(a.lo, 8), SIMD8_UP(a.hi, 8)); }
static inline v8f v8_up3(v8f a) { return v8_make(SIMD8_UP(a.lo, 12), SIMD8_UP(a.hi, 12)); }
static inline v8f v8_bcast0(v8f a) { return v8_make(_mm_shuffle_ps(a.lo, a.lo, 0x00), _mm_shuffle_ps(a.hi, a.hi, 0x00)); }
static inline v8f v8_bcast1(v8f a) { return v8_make(_mm_shuffle_ps(a.lo, a.lo, 0x55), _mm_shuffle_ps(a.hi, a.hi, 0x55)); }
static inline v8f v8_bcast2(v8f a) { return v8_make(_mm_shuffle_ps(a.lo, a.lo, 0xaa), _mm_shuffle_ps(a.hi, a.hi, 0xaa)); }
static inline v8f v8_bcast3(v8f a) { return v8_make(_mm_shuffle_ps(a.lo, a.lo, 0xff), _mm_shuffle_ps(a.hi, a.hi, 0xff)); }
static inline v8f v8_frames_up2(v8f a) { return v8_make(_mm_setzero_ps(), a.lo); }
static inline v8f v8_frames_up1(v8f a)
{
    return v8_make(_mm_movelh_ps(_mm_setzero_ps(), a.lo),
                   _mm_shuffle_ps(a.lo, a.hi, _MM_SHUFFLE(1, 0, 3, 2)));
}
static inline v8f v8_frames_up3(v8f a)
{
    return v8_make(_mm_setzero_ps(), _mm_movelh_ps(_mm_setzero_ps(), a.lo));
}
static inline v8f v8_frame3_all(v8f a)
{
    __m128 d = _mm_movehl_ps(a.hi, a.hi);
    return v8_make(d, d);
}
static inline v8f v8_lefts(v8f a, v8f b)
{
    return v8_make(_mm_shuffle_ps(a.lo, a.hi, _MM_SHUFFLE(2, 0, 2, 0)),
                   _mm_shuffle_ps(b.lo, b.hi, _MM_SHUFFLE(2, 0, 2, 0)));
}
static inline v8f v8_rights(v8f a, v8f b)
{
    return v8_make(_mm_shuffle_ps(a.lo, a.hi, _MM_SHUFFLE(3, 1, 3, 1)),
                   _mm_shuffle_ps(b.lo, b.hi, _MM_SHUFFLE(3, 1, 3, 1)));
}

static inline void v8_store_zip(float *p, v8f l, v8f r)
{
    _mm_storeu_ps(p, _mm_unpacklo_ps(l.lo, r.lo));
    _mm_storeu_ps(p + 4, _mm_unpackhi_ps(l.lo, r.lo));
    _mm_storeu_ps(p + 8, _mm_unpacklo_ps(l.hi, r.hi));
    _mm_storeu_ps(p + 12, _mm_unpackhi_ps(l.hi, r.hi));
}
static inline __m128 simd8_s16x4(const int16_t *p)
{
    __m128i x = _mm_loadl_epi64((const __m128i *)(const void *)p);
    return _mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpacklo_epi16(x, x), 16));
}
static inline v8f v8_load_s16(const int16_t *p) { return v8_make(simd8_s16x4(p), simd8_s16x4(p + 4)); }

static inline v8u v8u_load(const uint32_t *p)
{
    v8u r = {_mm_loadu_si128((const __m128i *)(const void *)p),
             _mm_loadu_si128((const __m128i *)(const void *)(p + 4))};
    return r;
}
static inline void v8u_store(uint32_t *p, v8u a)
{
    _mm_storeu_si128((__m128i *)(void *)p, a.lo);
    _mm_storeu_si128((__m128i *)(void *)(p + 4), a.hi);
}
static inline __m128i simd8_xs4(__m128i x)
{
    x = _mm_xor_si128(x, _mm_slli_epi32(x, 13));
    x = _mm_xor_si128(x, _mm_srli_epi32(x, 17));
    return _mm_xor_si128(x, _mm_slli_epi32(x, 5));
}
static inline v8u v8u_xorshift(v8u x)
{
    v8u r = {simd8_xs4(x.lo), simd8_xs4(x.hi)};
    return r;
}
static inline v8f v8u_top24(v8u x)
{
    return v8_make(_mm_cvtepi32_ps(_mm_srli_epi32(x.lo, 8)), _mm_cvtepi32_ps(_mm_srli_epi32(x.hi, 8)));
}
/* the low 32 bits of a * x in each lane (SSE2 has no pmulld) */
static inline __m128i simd8_lcg4(__m128i x)
{
    const __m128i a = _mm_set1_epi32(1664525);
    __m128i even = _mm_mul_epu32(x, a), odd = _mm_mul_epu32(_mm_srli_epi64(x, 32), a);
    __m128i p = _mm_unpacklo_epi32(_mm_shuffle_epi32(even, _MM_SHUFFLE(0, 0, 2, 0)),
                                   _mm_shuffle_epi32(odd, _MM_SHUFFLE(0, 0, 2, 0)));
    return _mm_add_epi32(p, _mm_set1_epi32(1013904223));
}
static inline v8u v8u_lcg(v8u x)
{
    v8u r = {simd8_lcg4(x.lo), simd8_lcg4(x.hi)};
    return r;
}
static inline __m128 simd8_white4(__m128i x)
{
    __m128i b = _mm_or_si128(_mm_srli_epi32(x, 9), _mm_set1_epi32(0x40000000));
    return _mm_sub_ps(_mm_castsi128_ps(b), _mm_set1_ps(3.0f));
}
static inline v8f v8u_white(v8u x) { return v8_make(simd8_white4(x.lo), simd8_white4(x.hi)); }

#else
#include <math.h>
#include <string.h>
typedef struct v8f {
    float f[8];
} v8f;
typedef struct v8u {
    uint32_t u[8];
} v8u;

static inline v8f v8_all(float a)
{
    v8f r;
    for (int i = 0; i < 8; i++)
        r.f[i] = a;
    return r;
}
static inline v8f v8_load(const float *p)
{
    v8f r;
    for (int i = 0; i < 8; i++)
        r.f[i] = p[i];
    return r;
}
static inline void v8_store(float *p, v8f a)
{
    for (int i = 0; i < 8; i++)
        p[i] = a.f[i];
}
static inline v8f v8_add(v8f a, v8f b)
{
    for (int i = 0; i < 8; i++)
        a.f[i] = a.f[i] + b.f[i];
    return a;
}
static inline v8f v8_sub(v8f a, v8f b)
{
    for (int i = 0; i < 8; i++)
        a.f[i] = a.f[i] - b.f[i];
    return a;
}
static inline v8f v8_mul(v8f a, v8f b)
{
    for (int i = 0; i < 8; i++)
        a.f[i] = a.f[i] * b.f[i];
    return a;
}
static inline v8f v8_div(v8f a, v8f b)
{
    for (int i = 0; i < 8; i++)
        a.f[i] = a.f[i] / b.f[i];
    return a;
}
static inline v8f v8_min(v8f a, v8f b)
{
    for (int i = 0; i < 8; i++)
        a.f[i] = b.f[i] < a.f[i] ? b.f[i] : a.f[i];
    return a;
}
static inline v8f v8_max(v8f a, v8f b)
{
    for (int i = 0; i < 8; i++)
        a.f[i] = b.f[i] > a.f[i] ? b.f[i] : a.f[i];
    return a;
}
static inline v8f v8_lt_select(v8f a, v8f b, v8f x, v8f y)
{
    for (int i = 0; i < 8; i++)
        x.f[i] = a.f[i] < b.f[i] ? x.f[i] : y.f[i];
    return x;
}
/* the correctly rounded square root (IEEE), as the vector instructions */
static inline v8f v8_sqrt(v8f a)
{
    for (int i = 0; i < 8; i++)
        a.f[i] = sqrtf(a.f[i]);
    return a;
}
static inline v8f v8_join(v4f lo, v4f hi)
{
    v8f r;
    for (int i = 0; i < 4; i++)
        r.f[i] = lo.f[i], r.f[4 + i] = hi.f[i];
    return r;
}
static inline v4f v8_low(v8f a) { return v4_set(a.f[0], a.f[1], a.f[2], a.f[3]); }
static inline v4f v8_high(v8f a) { return v4_set(a.f[4], a.f[5], a.f[6], a.f[7]); }
static inline v8f v8_trunc(v8f a)
{
    for (int i = 0; i < 8; i++)
        a.f[i] = (float)(int32_t)a.f[i];
    return a;
}
/* within each half, lanes moved up by k, zeros first; lane e in all four */
static inline v8f simd8_up(v8f a, int k)
{
    v8f r;
    for (int i = 0; i < 8; i++)
        r.f[i] = (i & 3) >= k ? a.f[i - k] : 0.0f;
    return r;
}
static inline v8f v8_up1(v8f a) { return simd8_up(a, 1); }
static inline v8f v8_up2(v8f a) { return simd8_up(a, 2); }
static inline v8f v8_up3(v8f a) { return simd8_up(a, 3); }
static inline v8f simd8_bcast(v8f a, int e)
{
    v8f r;
    for (int i = 0; i < 8; i++)
        r.f[i] = a.f[(i & 4) + e];
    return r;
}
static inline v8f v8_bcast0(v8f a) { return simd8_bcast(a, 0); }
static inline v8f v8_bcast1(v8f a) { return simd8_bcast(a, 1); }
static inline v8f v8_bcast2(v8f a) { return simd8_bcast(a, 2); }
static inline v8f v8_bcast3(v8f a) { return simd8_bcast(a, 3); }
/* frames moved up by k, zeros first */
static inline v8f simd8_frames_up(v8f a, int k)
{
    v8f r;
    for (int i = 0; i < 8; i++)
        r.f[i] = i >= 2 * k ? a.f[i - 2 * k] : 0.0f;
    return r;
}
static inline v8f v8_frames_up1(v8f a) { return simd8_frames_up(a, 1); }
static inline v8f v8_frames_up2(v8f a) { return simd8_frames_up(a, 2); }
static inline v8f v8_frames_up3(v8f a) { return simd8_frames_up(a, 3); }
static inline v8f v8_frame3_all(v8f a)
{
    v8f r;
    for (int i = 0; i < 8; i++)
        r.f[i] = a.f[6 + (i & 1)];
    return r;
}
static inline v8f v8_lefts(v8f a, v8f b)
{
    v8f r;
    for (int i = 0; i < 4; i++)
        r.f[i] = a.f[2 * i], r.f[4 + i] = b.f[2 * i];
    return r;
}
static inline v8f v8_rights(v8f a, v8f b)
{
    v8f r;
    for (int i = 0; i < 4; i++)
        r.f[i] = a.f[2 * i + 1], r.f[4 + i] = b.f[2 * i + 1];
    return r;
}

static inline void v8_store_zip(float *p, v8f l, v8f r)
{
    for (int i = 0; i < 8; i++)
        p[2 * i] = l.f[i], p[2 * i + 1] = r.f[i];
}
static inline v8f v8_load_s16(const int16_t *p)
{
    v8f r;
    for (int i = 0; i < 8; i++)
        r.f[i] = (float)p[i];
    return r;
}

static inline v8u v8u_load(const uint32_t *p)
{
    v8u r;
    for (int i = 0; i < 8; i++)
        r.u[i] = p[i];
    return r;
}
static inline void v8u_store(uint32_t *p, v8u a)
{
    for (int i = 0; i < 8; i++)
        p[i] = a.u[i];
}
static inline v8u v8u_xorshift(v8u x)
{
    for (int i = 0; i < 8; i++) {
        uint32_t v = x.u[i];
        v ^= v << 13;
        v ^= v >> 17;
        v ^= v << 5;
        x.u[i] = v;
    }
    return x;
}
static inline v8f v8u_top24(v8u x)
{
    v8f r;
    for (int i = 0; i < 8; i++)
        r.f[i] = (float)(int32_t)(x.u[i] >> 8);
    return r;
}
static inline v8u v8u_lcg(v8u x)
{
    for (int i = 0; i < 8; i++)
        x.u[i] = x.u[i] * 1664525u + 1013904223u;
    return x;
}
static inline v8f v8u_white(v8u x)
{
    v8f r;
    for (int i = 0; i < 8; i++) {
        uint32_t b = (x.u[i] >> 9) | 0x40000000u;
        float f;
        memcpy(&f, &b, sizeof f);
        r.f[i] = f - 3.0f;
    }
    return r;
}
#endif

#endif
