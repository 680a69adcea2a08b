/* pcm: float samples as raw PCM, the one conversion of adem: render's files
 * and raw output (io/out_file.c) and `play --pipe` (dev/out_pipe.c) write the
 * same integers. Plain C11, no allocation. */
#ifndef ADEM_PCM_H
#define ADEM_PCM_H

#include <stddef.h>
#include <stdint.h>

/* A sample format for raw PCM and files (--format). */
typedef enum out_format {
    OUT_DEFAULT = 0, /* s16 for .wav/.flac, raw and pipes; Vorbis for .ogg */
    OUT_S16,
    OUT_F32
} out_format;

/* Converts n samples to 16-bit integers: clipped to [-1, 1] (NaN becomes 0),
 * times 32767, rounded to nearest with ties to even (as lrintf). */
void pcm_s16_block(const float *restrict in, int16_t *restrict out, size_t n);

/* pcm_s16_block's loop sixteen samples a step with AVX2 (base/pcm_avx2.c,
 * only in builds with ADEM_HAVE_AVX2; call it only when cpu_avx2() says so):
 * converts the first n rounded down to 16 samples and returns how many. */
size_t pcm_s16_avx2(const float *restrict in, int16_t *restrict out, size_t n);

/* 1 when this machine stores integers little-endian (as raw PCM wants). */
int pcm_little_endian(void);

/* Converts n float samples to raw little-endian PCM at out: 16-bit integers
 * (s16 = 1, as pcm_s16_block) at 2 bytes each, or the floats themselves at 4
 * bytes each. out holds n * 2 or n * 4 bytes. */
void pcm_from_float(const float *in, size_t n, int s16, unsigned char *out);

#endif
