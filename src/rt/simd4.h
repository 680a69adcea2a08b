/* simd4: four float or uint32 lanes for the synth's inner loops (private to
 * src/rt/). With SSE2 (every x86-64 machine) each operation is one SSE2
 * instruction; elsewhere, or with ADEM_NO_SIMD defined, the same operations
 * run lane by lane in plain C. Every operation is exact IEEE single-precision
 * arithmetic on each lane (no fused multiply-add: the project builds with
 * -ffp-contract=off), so both give the same bits: the ctest synth_portable
 * compares them. All functions are audio-thread safe (pure, inline). */
#ifndef ADEM_SIMD4_H
#define ADEM_SIMD4_H

#include <stdint.h>

#if defined(__SSE2__) && !defined(ADEM_NO_SIMD)
#include <emmintrin.h>
#define SIMD4_SSE2 1
typedef __m128 v4f;
typedef __m128i v4u;

static inline v4f v4_set(float a, float b, float c, float d) { return _mm_setr_ps(a, b, c, d); }
static inline v4f v4_all(float a) { return _mm_set1_ps(a); }
static inline v4f v4_load(const float *p) { return _mm_loadu_ps(p); }
static inline void v4_store(float *p, v4f a) { _mm_storeu_ps(p, a); }
static inline v4f v4_add(v4f a, v4f b) { return _mm_add_ps(a, b); }
static inline v4f v4_sub(v4f a, v4f b) { return _mm_sub_ps(a, b); }
static inline v4f v4_mul(v4f a, v4f b) { return _mm_mul_ps(a, b); }
/* [a2, a3, a2, a3] */
static inline v4f v4_dup_hi(v4f a) { return _mm_movehl_ps(a, a); }
/* [0, 0, a0, a1] */
static inline v4f v4_shift_up2(v4f a) { return _mm_movelh_ps(_mm_setzero_ps(), a); }
/* [a0, a2, b0, b2] and [a1, a3, b1, b3]: even and odd lanes of a then b */
static inline v4f v4_even(v4f a, v4f b) { return _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)); }
static inline v4f v4_odd(v4f a, v4f b) { return _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)); }
/* [a0, b0, a1, b1] and [a2, b2, a3, b3]: a and b interleaved */
static inline v4f v4_zip_lo(v4f a, v4f b) { return _mm_unpacklo_ps(a, b); }
static inline v4f v4_zip_hi(v4f a, v4f b) { return _mm_unpackhi_ps(a, b); }
/* truncation towards zero of each lane (|a| < 2^31) */
static inline v4f v4_trunc(v4f a) { return _mm_cvtepi32_ps(_mm_cvttps_epi32(a)); }
/* the smaller and the larger of each lane (a when equal; no NaN here) */
static inline v4f v4_min(v4f a, v4f b) { return _mm_min_ps(b, a); }
static inline v4f v4_max(v4f a, v4f b) { return _mm_max_ps(b, a); }
static inline v4f v4_lt_select(v4f a, v4f b, v4f x, v4f y) /* a < b ? x : y */
{
    v4f m = _mm_cmplt_ps(a, b);
    return _mm_or_ps(_mm_and_ps(m, x), _mm_andnot_ps(m, y));
}

/* four 16-bit integers as floats (exact) */
static inline v4f v4_load_s16(const int16_t *p)
{
    __m128i x = _mm_loadl_epi64((const __m128i *)(const void *)p);
    return _mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpacklo_epi16(x, x), 16));
}

static inline v4u v4u_load(const uint32_t *p) { return _mm_loadu_si128((const __m128i *)(const void *)p); }
static inline void v4u_store(uint32_t *p, v4u a) { _mm_storeu_si128((__m128i *)(void *)p, a); }
/* one xorshift32 step (13, 17, 5) in each lane */
static inline v4u v4u_xorshift(v4u x)
{
    x = _mm_xor_si128(x, _mm_slli_epi32(x, 13));
    x = _mm_xor_si128(x, _mm_srli_epi32(x, 17));
    return _mm_xor_si128(x, _mm_slli_epi32(x, 5));
}
/* (float)(x >> 8), exact */
static inline v4f v4u_top24(v4u x) { return _mm_cvtepi32_ps(_mm_srli_epi32(x, 8)); }
static inline v4f v4_div(v4f a, v4f b) { return _mm_div_ps(a, b); }
static inline v4f v4_sqrt(v4f a) { return _mm_sqrt_ps(a); }
/* every lane moved up by 1, 2 or 3, zeros first; lane 0, 1, 2 or 3 in all */
static inline v4f v4_up1(v4f a) { return _mm_castsi128_ps(_mm_slli_si128(_mm_castps_si128(a), 4)); }
static inline v4f v4_up2(v4f a) { return _mm_castsi128_ps(_mm_slli_si128(_mm_castps_si128(a), 8)); }
static inline v4f v4_up3(v4f a) { return _mm_castsi128_ps(_mm_slli_si128(_mm_castps_si128(a), 12)); }
static inline v4f v4_bcast0(v4f a) { return _mm_shuffle_ps(a, a, 0x00); }
static inline v4f v4_bcast1(v4f a) { return _mm_shuffle_ps(a, a, 0x55); }
static inline v4f v4_bcast2(v4f a) { return _mm_shuffle_ps(a, a, 0xaa); }
static inline v4f v4_bcast3(v4f a) { return _mm_shuffle_ps(a, a, 0xff); }
/* one step of the LCG x = 1664525 x + 1013904223 (mod 2^32) in each lane
 * (SSE2 has no 32-bit multiply: two 64-bit ones) */
static inline v4u v4u_lcg(v4u x)
{
    const __m128i a = _mm_set1_epi32(1664525);
    __m128i even = _mm_mul_epu32(x, a), odd = _mm_mul_epu32(_mm_srli_epi64(x, 32), a);
    __m128i p = _mm_unpacklo_epi32(_mm_shuffle_epi32(even, _MM_SHUFFLE(0, 0, 2, 0)),
                                   _mm_shuffle_epi32(odd, _MM_SHUFFLE(0, 0, 2, 0)));
    return _mm_add_epi32(p, _mm_set1_epi32(1013904223));
}
/* the top 23 bits as a float in [-1, 1): 2 + x / 2^31 rounded down to 2^-22,
 * minus 3 (exact) */
static inline v4f v4u_white(v4u x)
{
    __m128i b = _mm_or_si128(_mm_srli_epi32(x, 9), _mm_set1_epi32(0x40000000));
    return _mm_sub_ps(_mm_castsi128_ps(b), _mm_set1_ps(3.0f));
}

#else
#include <math.h>
#include <string.h>
typedef struct v4f {
    float f[4];
} v4f;
typedef struct v4u {
    uint32_t u[4];
} v4u;

static inline v4f v4_set(float a, float b, float c, float d)
{
    v4f r = {{a, b, c, d}};
    return r;
}
static inline v4f v4_all(float a) { return v4_set(a, a, a, a); }
static inline v4f v4_load(const float *p) { return v4_set(p[0], p[1], p[2], p[3]); }
static inline void v4_store(float *p, v4f a)
{
    for (int i = 0; i < 4; i++)
        p[i] = a.f[i];
}
static inline v4f v4_add(v4f a, v4f b)
{
    for (int i = 0; i < 4; i++)
        a.f[i] = a.f[i] + b.f[i];
    return a;
}
static inline v4f v4_sub(v4f a, v4f b)
{
    for (int i = 0; i < 4; i++)
        a.f[i] = a.f[i] - b.f[i];
    return a;
}
static inline v4f v4_mul(v4f a, v4f b)
{
    for (int i = 0; i < 4; i++)
        a.f[i] = a.f[i] * b.f[i];
    return a;
}
static inline v4f v4_dup_hi(v4f a) { return v4_set(a.f[2], a.f[3], a.f[2], a.f[3]); }
static inline v4f v4_shift_up2(v4f a) { return v4_set(0.0f, 0.0f, a.f[0], a.f[1]); }
static inline v4f v4_even(v4f a, v4f b) { return v4_set(a.f[0], a.f[2], b.f[0], b.f[2]); }
static inline v4f v4_odd(v4f a, v4f b) { return v4_set(a.f[1], a.f[3], b.f[1], b.f[3]); }
static inline v4f v4_zip_lo(v4f a, v4f b) { return v4_set(a.f[0], b.f[0], a.f[1], b.f[1]); }
static inline v4f v4_zip_hi(v4f a, v4f b) { return v4_set(a.f[2], b.f[2], a.f[3], b.f[3]); }
static inline v4f v4_trunc(v4f a)
{
    for (int i = 0; i < 4; i++)
        a.f[i] = (float)(int32_t)a.f[i];
    return a;
}
static inline v4f v4_min(v4f a, v4f b)
{
    for (int i = 0; i < 4; i++)
        a.f[i] = b.f[i] < a.f[i] ? b.f[i] : a.f[i];
    return a;
}
static inline v4f v4_max(v4f a, v4f b)
{
    for (int i = 0; i < 4; i++)
        a.f[i] = b.f[i] > a.f[i] ? b.f[i] : a.f[i];
    return a;
}
static inline v4f v4_lt_select(v4f a, v4f b, v4f x, v4f y)
{
    for (int i = 0; i < 4; i++)
        x.f[i] = a.f[i] < b.f[i] ? x.f[i] : y.f[i];
    return x;
}

static inline v4f v4_load_s16(const int16_t *p)
{
    return v4_set((float)p[0], (float)p[1], (float)p[2], (float)p[3]);
}

static inline v4u v4u_load(const uint32_t *p)
{
    v4u r = {{p[0], p[1], p[2], p[3]}};
    return r;
}
static inline void v4u_store(uint32_t *p, v4u a)
{
    for (int i = 0; i < 4; i++)
        p[i] = a.u[i];
}
static inline v4u v4u_xorshift(v4u x)
{
    for (int i = 0; i < 4; i++) {
        uint32_t v = x.u[i];
        v ^= v << 13;
        v ^= v >> 17;
        v ^= v << 5;
        x.u[i] = v;
    }
    return x;
}
static inline v4f v4u_top24(v4u x)
{
    v4f r;
    for (int i = 0; i < 4; i++)
        r.f[i] = (float)(int32_t)(x.u[i] >> 8);
    return r;
}
static inline v4f v4_div(v4f a, v4f b)
{
    for (int i = 0; i < 4; i++)
        a.f[i] = a.f[i] / b.f[i];
    return a;
}
/* the correctly rounded square root (IEEE), as the vector instruction */
static inline v4f v4_sqrt(v4f a)
{
    for (int i = 0; i < 4; i++)
        a.f[i] = sqrtf(a.f[i]);
    return a;
}
static inline v4f simd4_up(v4f a, int k)
{
    v4f r;
    for (int i = 0; i < 4; i++)
        r.f[i] = i >= k ? a.f[i - k] : 0.0f;
    return r;
}
static inline v4f v4_up1(v4f a) { return simd4_up(a, 1); }
static inline v4f v4_up2(v4f a) { return simd4_up(a, 2); }
static inline v4f v4_up3(v4f a) { return simd4_up(a, 3); }
static inline v4f v4_bcast0(v4f a) { return v4_all(a.f[0]); }
static inline v4f v4_bcast1(v4f a) { return v4_all(a.f[1]); }
static inline v4f v4_bcast2(v4f a) { return v4_all(a.f[2]); }
static inline v4f v4_bcast3(v4f a) { return v4_all(a.f[3]); }
static inline v4u v4u_lcg(v4u x)
{
    for (int i = 0; i < 4; i++)
        x.u[i] = x.u[i] * 1664525u + 1013904223u;
    return x;
}
static inline v4f v4u_white(v4u x)
{
    v4f r;
    for (int i = 0; i < 4; i++) {
        uint32_t b = (x.u[i] >> 9) | 0x40000000u;
        float f;
        memcpy(&f, &b, sizeof f);
        r.f[i] = f - 3.0f;
    }
    return r;
}
#endif

#endif
