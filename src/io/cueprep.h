/* cueprep: turns one raw take of a voice cue into a finished cue file.
 *
 * A take (a synthesized sentence, or later a microphone recording made by
 * `adem record`) goes through, in this order:
 *   1. analysis of the take as it is: integrated loudness, true peak, sample
 *      peak, clipping (samples at full scale) and how much of it is sound;
 *   2. conversion to the output rate (libsamplerate) when the rates differ;
 *   3. gain to the target integrated loudness (EBU R 128 / ITU-R BS.1770,
 *      measured with libebur128);
 *   4. trimming of leading and trailing silence: exactly lead_ms before the
 *      first sound and tail_ms after the last one are kept (silence is added
 *      where the take has less), so every cue starts and ends the same way;
 *   5. a soft look-ahead peak limiter, only when the true peak would exceed
 *      the ceiling (speech at -20 LUFS rarely needs it);
 *   6. raised-cosine fades at both edges, so the cue starts and ends at zero;
 *   7. (cueprep_write_ogg) encoding to Ogg Vorbis, decoding it again and
 *      measuring; when the codec moved the loudness or the peak out of bounds,
 *      steps 3..6 are redone with a corrected gain or ceiling and the file is
 *      encoded again.
 * Loudness and true peak are always those of libebur128 (4x oversampled true
 * peak), so what this module promises can be checked with the same library.
 *
 * Errors fill an adem_diag and return -1; nothing is printed. Uses libsndfile,
 * libsamplerate and libebur128 (an I/O module). Not for the audio thread. */
#ifndef ADEM_CUEPREP_H
#define ADEM_CUEPREP_H

#include <stdint.h>

#include "base/diag.h"

/* What to make of a take. cueprep_defaults gives the values of the nl pack. */
typedef struct cueprep_opts {
    int rate;              /* output sample rate in Hz (default 48000) */
    double target_lufs;    /* integrated loudness of the result (default -20) */
    double max_true_peak;  /* true-peak ceiling in dBTP (default -1) */
    double peak_margin;    /* dB kept below max_true_peak when shaping, room for
                              the codec (default 0.5) */
    double tolerance_lu;   /* how far the encoded loudness may be from the
                              target before it is corrected (default 0.3) */
    double trim_db;        /* samples quieter than this (dBFS, after the gain)
                              at the edges count as silence (default -45) */
    double lead_ms;        /* silence kept before the first sound (default 15) */
    double tail_ms;        /* silence kept after the last sound (default 40) */
    double min_ms;         /* a shorter result is padded with silence at its end
                              to this length, since integrated loudness needs
                              at least one 400 ms block (default 500) */
    double fade_ms;        /* raised-cosine fade at each edge (default 5) */
    double quality;        /* Ogg Vorbis quality, 0 (small) .. 1 (best) (default 0.4) */
} cueprep_opts;

/* What was found and done. Levels in dB; -HUGE_VAL means silence. */
typedef struct cueprep_report {
    /* the take as given */
    int in_rate;
    int64_t in_frames;
    double in_lufs;           /* integrated loudness (LUFS) */
    double in_true_peak;      /* dBTP */
    double in_sample_peak;    /* dBFS */
    int64_t clipped_samples;  /* samples with |x| >= CUEPREP_CLIP_LEVEL */
    int clipped;              /* 1: a run of >= 3 such samples, or a sample beyond
                                 full scale: the take was recorded too loud */
    double active_ms;         /* time in 10 ms blocks within 30 dB of the loudest block */
    int mostly_silent;        /* 1: under 250 ms of sound, or quieter than -50 LUFS:
                                 the voice is barely there */
    /* what was done */
    double gain_db;           /* gain applied, in total (before limiting) */
    int limited;              /* 1 when the limiter reduced any peak */
    double limit_db;          /* deepest limiter gain reduction (<= 0 dB) */
    int64_t lead_trimmed;     /* frames removed at the start (at the output rate);
                                 negative: silence added, to keep lead_ms */
    int64_t tail_trimmed;     /* frames removed at the end; negative: added */
    int passes;               /* shaping passes (each encode counts one) */
    /* the result (after cueprep_write_ogg: as decoded from the file) */
    int64_t out_frames;
    double out_lufs;
    double out_true_peak;
    double out_sample_peak;
} cueprep_report;

/* Samples at or above this magnitude count as clipped (0.999 = -0.0087 dBFS). */
#define CUEPREP_CLIP_LEVEL 0.999

typedef struct cueprep cueprep;

/* Fills o with the defaults listed in cueprep_opts. */
void cueprep_defaults(cueprep_opts *o);

/* Prepares the mono take in[0..frames) at `rate` Hz with options o (NULL: the
 * defaults): steps 1..6 above. Returns 0 and *out (free with cueprep_free), or
 * -1 with d set: no samples, a rate outside 8000..192000, a sample that is not
 * a finite number, a take with no sound at all, options out of range.
 * A clipped or mostly silent take is not an error: see the report. */
int cueprep_process(const float *in, int64_t frames, int rate, const cueprep_opts *o,
                    cueprep **out, adem_diag *d);

/* The prepared samples (mono, at opts.rate); *frames gets their count. Valid
 * until the next cueprep_write_ogg or cueprep_free. */
const float *cueprep_samples(const cueprep *c, int64_t *frames);

/* What was measured and done so far. */
const cueprep_report *cueprep_get_report(const cueprep *c);

/* Encodes the prepared cue as Ogg Vorbis (mono, opts.rate) at path: writes
 * `path.part`, decodes it, measures it, and when its loudness is more than
 * tolerance_lu from the target or its true peak above max_true_peak, reshapes
 * the samples and encodes again (at most 8 times). The Ogg stream serial
 * number is fixed, so the same take always gives the same bytes. Renames the
 * file into place only when it is within bounds. Returns 0 (report updated to
 * the decoded file), or -1 with d set and no file left behind. */
int cueprep_write_ogg(cueprep *c, const char *path, adem_diag *d);

/* Frees c. NULL is a no-op. */
void cueprep_free(cueprep *c);

/* Reads an audio file (anything libsndfile reads) folded to mono: the mean of
 * its channels. Returns 0 with *samples (malloc'd; free it), *frames and *rate,
 * or -1 with d set. */
int cueprep_read_file(const char *path, float **samples, int64_t *frames, int *rate,
                      adem_diag *d);

/* Measures mono x[0..frames) at rate with libebur128: integrated loudness
 * (LUFS, -HUGE_VAL when no 400 ms block is above the gates), true peak (dBTP)
 * and sample peak (dBFS). Any output pointer may be NULL. Returns 0, or -1
 * with d set. */
int cueprep_measure(const float *x, int64_t frames, int rate, double *lufs,
                    double *true_peak, double *sample_peak, adem_diag *d);

#endif
