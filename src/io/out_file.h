/* out_file: the untimed output of `adem render` — an audio file written with
 * libsndfile, or raw PCM on stdout.
 *
 * A file is written under a temporary name in the same folder
 * (".NAME.XXXXXX.part", created exclusively) and renamed over the target only
 * when it is complete, so a failed or interrupted render leaves nothing behind:
 * no partial file, and an older file of the same name untouched.
 * Format by extension (case-insensitive): .wav (16-bit PCM, or 32-bit float
 * with OUT_F32), .flac (16-bit; float is refused), .ogg (Ogg Vorbis).
 * "-" writes raw interleaved little-endian PCM to stdout, s16 or f32.
 * Samples are written in large blocks. Not for the audio thread. */
#ifndef ADEM_OUT_FILE_H
#define ADEM_OUT_FILE_H

#include <stddef.h>

#include "base/diag.h"
#include "base/pcm.h" /* out_format */

typedef struct out_file out_file;

/* Opens the output. An unknown extension or float FLAC is an input error
 * (status 2); a folder that is missing or not writable is a runtime error
 * (status 1) naming the path. Returns 0 and *out, or -1 with d set. */
int out_file_open(const char *path, int rate, int channels, out_format fmt, out_file **out,
                  adem_diag *d);

/* Writes `frames` interleaved frames. Samples are clipped to [-1, 1] when
 * converted to integers. A short write (disk full, closed pipe) is a runtime
 * error naming the path and the system's reason. Returns 0, or -1 with d set. */
int out_file_write(out_file *f, const float *frames_in, size_t frames, adem_diag *d);

/* Finishes the file: flushes, closes and renames it over the target (for "-",
 * flushes stdout). Frees f in every case; on failure the temporary file is
 * removed. Returns 0, or -1 with d set. */
int out_file_close(out_file *f, adem_diag *d);

/* Abandons the output: closes and removes the temporary file, frees f. */
void out_file_abort(out_file *f);

/* Parses "s16" or "f32" (for --format). Returns 0 and *fmt, or -1. */
int out_file_parse_format(const char *s, out_format *fmt);

#endif
