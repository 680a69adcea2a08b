/* avx2: the audio thread's hot loops eight lanes wide, for x86-64 machines
 * with AVX2 (private to src/rt/). Built only when the compiler can target
 * AVX2 (ADEM_HAVE_AVX2, set by CMake); called only when cpu_avx2() says the
 * machine runs them (base/cpu.h). They give the same bits as the code they
 * stand in for: the ctests synth_avx2 (voices, mix and limiter through
 * simd_dump) and render_avx2 (whole renders) check it. */
#ifndef ADEM_RT_AVX2_H
#define ADEM_RT_AVX2_H

#include <stdint.h>

#include "rt/mix_impl.h"
#include "rt/synth.h"

#ifndef ADEM_HAVE_AVX2
#define ADEM_HAVE_AVX2 0
#endif

/* synth_tone_process (tone_process of rt/tone_impl.h) with AVX2: the same
 * samples. Audio-thread safe. */
int avx2_tone(synth_tone *v, float *out, int n);

/* pink_stereo_body of rt/pink_impl.h with AVX2 (the same samples): adds n
 * frames (n <= BED_PIECE) of the pink bed, frame k times gain[k] (or g when
 * gain is NULL), to left and right. Audio-thread safe. */
void avx2_pink(synth_bed *v, float *left, float *right, const float *gain, float g, int n);

/* mix_eights of rt/mix_impl.h with AVX2 (the engine's common mix, the same
 * samples): frames [0, n rounded down to 8); returns the frames done.
 * Audio-thread safe. */
int avx2_mix(const mix_buses *mb, float *out, int n);

/* A bell's m frames of its 16-bit table s times g, added to out, eight at a
 * time (synth_bell_process's arithmetic); returns the frames done (m rounded
 * down to 8). Audio-thread safe. */
int avx2_bell(float *out, const int16_t *s, float g, int m);

/* 1 when a sample of the n at x has a magnitude (bits, as integers) above
 * cb, the bits of the limiter's ceiling, or is a NaN: limiter.c's any_over
 * sixteen samples a step. Audio-thread safe. */
int avx2_any_over(const float *x, int n, int32_t cb);

#endif
