/* limiter: keeps every output sample within a ceiling, so adem never clips.
 *
 * A peak limiter with instant attack and a smooth exponential release, linked
 * across channels (the stereo image does not move). While nothing exceeds the
 * ceiling its gain is exactly 1, so the samples pass through bit-identical.
 * The state is per sample, so any split into blocks gives the same output.
 * Real-time safe (limiter_process): no allocation, bounded work. Plain C11. */
#ifndef ADEM_LIMITER_H
#define ADEM_LIMITER_H

#include <stdint.h>

typedef struct limiter {
    float ceiling;   /* linear, <= 1 */
    float reduction; /* 1 - gain: kept as the state because it keeps full float
                        precision as it decays (1 - gain itself would stall an
                        ulp-step below unity) */
    float gain;      /* current gain (1 - reduction), for reading */
    float release;   /* per-frame factor of the reduction's decay */
    uint64_t limited;/* frames where the gain was below 1 */
} limiter;

/* Sets up l for `rate` Hz with a ceiling in dBFS (<= 0; larger values are
 * treated as 0) and a release time constant in milliseconds. */
void limiter_init(limiter *l, int rate, double ceiling_db, double release_ms);

/* Limits `frames` interleaved frames of `channels` channels in place. After
 * it, no |sample| exceeds the ceiling. Real-time safe. */
void limiter_process(limiter *l, float *buf, int frames, int channels);

#endif
