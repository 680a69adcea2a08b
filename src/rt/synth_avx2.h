/* synth_avx2: the synth's kernels eight lanes wide, for x86-64 machines with
 * AVX2 (private to src/rt/). Built only when the compiler can target AVX2
 * (ADEM_HAVE_AVX2, set by CMake); called only when synth_tables_new found
 * AVX2 on the machine (synth_tables_avx2). They give the same bits as the
 * four-lane code in synth.c: the ctest synth_avx2 checks it. */
#ifndef ADEM_SYNTH_AVX2_H
#define ADEM_SYNTH_AVX2_H

#include <stdint.h>

#include "rt/synth.h"

#ifndef ADEM_HAVE_AVX2
#define ADEM_HAVE_AVX2 0
/* pink_stereo_body of rt/pink_impl.h, eight lanes at a time (the same
 * samples): adds n frames (n <= BED_PIECE) of the pink bed, frame k times
 * gain[k] (or g when gain is NULL), to left and right. Audio-thread safe. */
void synth_pink_avx2(synth_bed *v, float *left, float *right, const float *gain, float g, int n);

#endif

/* The tone's groups of four frames from group g (g % 4 == 0, inside one
 * 64-frame block), two groups per pass, while g + 8 <= stop: adds the frames
 * from j on (j < g + 4) to o (o[f] is frame f), with the edges outside the
 * body, exactly as synth_tone_process's four-lane loop. st holds the state at
 * group g (phases, increments, levels: 4 floats each) and gets the state at
 * the group returned (the first not done). es is the level's step per frame.
 * Audio-thread safe: no allocation, bounded by (stop - g) / 8 passes. */
int64_t synth_tone_pairs_avx2(const synth_tone *v, float *o, int64_t g, int64_t j, int64_t stop,
                              float es, float st[12]);

/* pink_stereo_body of rt/pink_impl.h, eight lanes at a time (the same
 * samples): adds n frames (n <= BED_PIECE) of the pink bed, frame k times
 * gain[k] (or g when gain is NULL), to left and right. Audio-thread safe. */
void synth_pink_avx2(synth_bed *v, float *left, float *right, const float *gain, float g, int n);

#endif
