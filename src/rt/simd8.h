/* simd8: eight float or uint32 lanes for the synth's kernels (private to
 * src/rt/). Two ways to run the same operations, giving the same bits:
 *  - AVX2 (in a file compiled with -mavx2: src/rt/avx2.c), one instruction
 *    per operation;
 *  - two halves of rt/simd4.h (lanes 0-3 and 4-7): SSE2 on every x86-64
 *    machine, plain C lane by lane elsewhere or with ADEM_NO_SIMD.
 * Every arithmetic operation is exact IEEE single precision on each lane (no
 * fused multiply-add: the project builds with -ffp-contract=off); the rest
 * only moves lanes, and the "within each half" operations never cross from
 * lanes 0-3 to 4-7. The ctests synth_portable (SSE2 against plain C),
 * synth_avx2 and render_avx2 (AVX2 against SSE2) compare them. All functions
 * are audio-thread safe (pure, inline). */
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

#else
/* two simd4 halves: lanes 0-3 and 4-7 (SSE2, or plain C lane by lane) */
typedef struct v8f {
    v4f lo, hi;
} v8f;
typedef struct v8u {
    v4u lo, hi;
} v8u;

static inline v8f v8_join(v4f lo, v4f hi)
{
    v8f r = {lo, hi};
    return r;
}
static inline v4f v8_low(v8f a) { return a.lo; }
static inline v4f v8_high(v8f a) { return a.hi; }
static inline v8f v8_all(float a) { return v8_join(v4_all(a), v4_all(a)); }
static inline v8f v8_load(const float *p) { return v8_join(v4_load(p), v4_load(p + 4)); }
static inline void v8_store(float *p, v8f a)
{
    v4_store(p, a.lo);
    v4_store(p + 4, a.hi);
}
static inline v8f v8_add(v8f a, v8f b) { return v8_join(v4_add(a.lo, b.lo), v4_add(a.hi, b.hi)); }
static inline v8f v8_sub(v8f a, v8f b) { return v8_join(v4_sub(a.lo, b.lo), v4_sub(a.hi, b.hi)); }
static inline v8f v8_mul(v8f a, v8f b) { return v8_join(v4_mul(a.lo, b.lo), v4_mul(a.hi, b.hi)); }
static inline v8f v8_div(v8f a, v8f b) { return v8_join(v4_div(a.lo, b.lo), v4_div(a.hi, b.hi)); }
static inline v8f v8_sqrt(v8f a) { return v8_join(v4_sqrt(a.lo), v4_sqrt(a.hi)); }
static inline v8f v8_min(v8f a, v8f b) { return v8_join(v4_min(a.lo, b.lo), v4_min(a.hi, b.hi)); }
static inline v8f v8_max(v8f a, v8f b) { return v8_join(v4_max(a.lo, b.lo), v4_max(a.hi, b.hi)); }
static inline v8f v8_lt_select(v8f a, v8f b, v8f x, v8f y)
{
    return v8_join(v4_lt_select(a.lo, b.lo, x.lo, y.lo), v4_lt_select(a.hi, b.hi, x.hi, y.hi));
}
static inline v8f v8_trunc(v8f a) { return v8_join(v4_trunc(a.lo), v4_trunc(a.hi)); }
static inline v8f v8_up1(v8f a) { return v8_join(v4_up1(a.lo), v4_up1(a.hi)); }
static inline v8f v8_up2(v8f a) { return v8_join(v4_up2(a.lo), v4_up2(a.hi)); }
static inline v8f v8_up3(v8f a) { return v8_join(v4_up3(a.lo), v4_up3(a.hi)); }
static inline v8f v8_bcast0(v8f a) { return v8_join(v4_bcast0(a.lo), v4_bcast0(a.hi)); }
static inline v8f v8_bcast1(v8f a) { return v8_join(v4_bcast1(a.lo), v4_bcast1(a.hi)); }
static inline v8f v8_bcast2(v8f a) { return v8_join(v4_bcast2(a.lo), v4_bcast2(a.hi)); }
static inline v8f v8_bcast3(v8f a) { return v8_join(v4_bcast3(a.lo), v4_bcast3(a.hi)); }
static inline void v8_store_zip(float *p, v8f l, v8f r)
{
    v4_store(p, v4_zip_lo(l.lo, r.lo));
    v4_store(p + 4, v4_zip_hi(l.lo, r.lo));
    v4_store(p + 8, v4_zip_lo(l.hi, r.hi));
    v4_store(p + 12, v4_zip_hi(l.hi, r.hi));
}
static inline v8f v8_load_s16(const int16_t *p) { return v8_join(v4_load_s16(p), v4_load_s16(p + 4)); }

static inline v8u v8u_load(const uint32_t *p)
{
    v8u r = {v4u_load(p), v4u_load(p + 4)};
    return r;
}
static inline void v8u_store(uint32_t *p, v8u a)
{
    v4u_store(p, a.lo);
    v4u_store(p + 4, a.hi);
}
static inline v8u v8u_lcg(v8u x)
{
    v8u r = {v4u_lcg(x.lo), v4u_lcg(x.hi)};
    return r;
}
static inline v8f v8u_white(v8u x) { return v8_join(v4u_white(x.lo), v4u_white(x.hi)); }
#endif

#endif
