/* resample: libsamplerate at one quality (see resample.h). */
#include "io/resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* src_new at the one quality, mono. */
SRC_STATE *resample_new(int *err)
{
    return src_new(ADEM_RESAMPLE_QUALITY, 1, err);
}

/* src_simple into a buffer of ceil(n * to / from) + 16 zeroed frames. */
float *resample_all(const float *x, int64_t n, int from, int to, int64_t *m, int *err)
{
    double ratio = (double)to / from;
    int64_t cap = (int64_t)ceil((double)n * ratio) + 16;
    if (n > 0x7fffffffL || cap > 0x7fffffffL) {
        *err = RESAMPLE_ETOOLONG;
        return NULL;
    }
    float *y = calloc((size_t)cap, sizeof *y);
    if (!y) {
        *err = RESAMPLE_ENOMEM;
        return NULL;
    }
    SRC_DATA sd;
    memset(&sd, 0, sizeof sd);
    sd.data_in = x;
    sd.input_frames = (long)n;
    sd.data_out = y;
    sd.output_frames = (long)cap;
    sd.src_ratio = ratio;
    int e = src_simple(&sd, ADEM_RESAMPLE_QUALITY, 1);
    if (e) {
        free(y);
        *err = e;
        return NULL;
    }
    *m = sd.output_frames_gen;
    return y;
}

/* Our own codes, else libsamplerate's message. */
const char *resample_strerror(int err)
{
    if (err == RESAMPLE_ENOMEM)
        return "out of memory";
    if (err == RESAMPLE_ETOOLONG)
        return "too many frames";
    const char *s = src_strerror(err);
    return s ? s : "unknown error";
}
