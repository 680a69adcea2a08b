/* cue: a decoded voice cue, the one thing the voice pack hands to the engine.
 * Plain C11. */
#ifndef ADEM_CUE_H
#define ADEM_CUE_H

#include <stdint.h>

/* A decoded voice cue at the output rate, mono. */
typedef struct adem_cue {
    const float *samples;
    int64_t frames;
} adem_cue;

#endif
