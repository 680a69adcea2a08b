/* ogglen: the length of an Ogg Vorbis file read from its pages, without
 * setting up a Vorbis decoder.
 *
 * Opening an Ogg Vorbis file with libsndfile builds the whole decoder
 * (vorbis_synthesis_init: window, MDCT and codebook decode tables), some
 * millions of instructions per file, only to report its length. This module
 * reads the same length the way libsndfile 1.2 defines it,
 *     frames = pcm_end - pcm_start
 * where pcm_end is the granule position of the stream's last page and
 * pcm_start is the granule position of the first audio page minus the samples
 * that page's packets decode to (their block sizes, half-lapped). It parses
 * the three Vorbis header packets (libvorbis's vorbis_synthesis_headerin, which
 * unpacks but does not build anything) and reads only the file's start and its
 * last 64 KiB.
 *
 * It answers only for the plain case: one logical Vorbis stream whose pages
 * follow each other from the first byte to the last with no gap, a last page
 * with the end-of-stream flag, headers and granule positions that make sense.
 * Anything else (not Ogg, another codec, chained or multiplexed streams, a
 * hole, junk, a cut, an error reading the file) is "not answered", and the
 * caller asks libsndfile as before, so its behaviour and messages do not
 * change. tests/unit/test_ogglen.c checks the answers against libsndfile's
 * SF_INFO for the shipped voice pack and generated files.
 * Not for the audio thread (reads files, allocates). Uses libogg and libvorbis. */
#ifndef ADEM_OGGLEN_H
#define ADEM_OGGLEN_H

#include <stdint.h>

/* What libsndfile's SF_INFO would say of the file. */
typedef struct ogglen_info {
    int64_t frames; /* SF_INFO.frames: samples per channel */
    int rate;       /* SF_INFO.samplerate */
    int channels;   /* SF_INFO.channels */
} ogglen_info;

/* Reads the length, rate and channels of the Ogg Vorbis file at path from its
 * headers and pages. Returns 1 with *out set to exactly what libsndfile 1.2
 * reports in SF_INFO for that file (frames >= 0), or 0 when this reader does
 * not answer for the file (see above: open it with libsndfile instead); *out
 * is then unspecified. Never prints; reads at most the file's headers, its
 * first audio page and its last 64 KiB. */
int ogglen_read(const char *path, ogglen_info *out);

#endif
