/* resample: sample-rate conversion of mono float audio with libsamplerate,
 * at one quality for the whole program (voice cues at the render rate, takes
 * at the device's rate, prepared cues at the pack's rate). Not for the audio
 * thread: it allocates. */
#ifndef ADEM_RESAMPLE_H
#define ADEM_RESAMPLE_H

#include <samplerate.h>
#include <stdint.h>

/* The converter every resampling uses: libsamplerate's medium-quality
 * windowed sinc (the voice pack's, which every render depends on). */
#define ADEM_RESAMPLE_QUALITY SRC_SINC_MEDIUM_QUALITY

/* Error codes of resample_all beyond libsamplerate's own (which are > 0). */
enum { RESAMPLE_ENOMEM = -1, RESAMPLE_ETOOLONG = -2 };

/* A new mono converter at ADEM_RESAMPLE_QUALITY for streaming with
 * src_process; free with src_delete. NULL with *err (for src_strerror) when
 * it cannot be made. */
SRC_STATE *resample_new(int *err);

/* Converts the n mono frames at x from `from` Hz to `to` Hz in one go.
 * Returns a malloc'd buffer (with at least 16 zero frames of room after the
 * *m frames made), or NULL with *err set: RESAMPLE_ENOMEM, RESAMPLE_ETOOLONG
 * (more frames than libsamplerate takes in one call), or libsamplerate's
 * code. */
float *resample_all(const float *x, int64_t n, int from, int to, int64_t *m, int *err);

/* The message for an error code of resample_new or resample_all. */
const char *resample_strerror(int err);

#endif
