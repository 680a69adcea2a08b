/* voicepack: finds, reads and converts the voice cues a timeline needs.
 *
 * A voice pack is a folder with one audio file per cue, `ID.ogg`, `ID.flac` or
 * `ID.wav` (looked for in that order), and `transcript.tsv` (`ID<TAB>text`).
 * A cue of pack P is looked for, first match wins:
 *   - P is a folder (it contains a '/' or '\\', or starts with '.'): that folder;
 *     otherwise the user's pack `<user>/P`, then the shipped pack `<builtin>/P`;
 *   - then, when P is not "nl", the user's `<user>/nl` and the shipped
 *     `<builtin>/nl` (so a user's pack overrides the shipped one cue by cue).
 * A cue found nowhere is an error naming the cue, the pack and the session line
 * that uses it. The transcript.tsv of every folder a cue is taken from is
 * checked (src/io/transcript.h): a folder without one is fine, a malformed one is
 * an error at its file:line:col, and so is one that points outside the pack.
 *
 * Cues are decoded once with libsndfile (Ogg Vorbis, FLAC, WAV), folded to mono
 * (1 or 2 channels accepted), and converted to the output rate with
 * libsamplerate; when the rates are equal the samples are copied unchanged
 * (bit-identical). The converted length is exactly
 *     max(1, (frames * rate + file_rate / 2) / file_rate)
 * so voicepack_lengths can tell it from the headers alone (for `check`, `show`,
 * `list`) without decoding anything.
 *
 * Limits (each refused with one clear line, nothing loaded): a cue at most
 * VP_MAX_CUE_SECONDS long, 1..2 channels, 8000..192000 Hz, at least 1 frame.
 * A file that does not decode completely (truncated, corrupt) is an error.
 * Not for the audio thread. Uses libsndfile and libsamplerate. */
#ifndef ADEM_VOICEPACK_H
#define ADEM_VOICEPACK_H

#include <stdint.h>

#include "base/diag.h"
#include "base/cue.h"
#include "timeline/timeline.h"

#define VP_MAX_CUE_SECONDS 600

/* Where packs live. Either may be NULL (then it is not searched). */
typedef struct vp_dirs {
    const char *builtin; /* the shipped packs: <data>/voices */
    const char *user;    /* the user's packs: $XDG_DATA_HOME/adem/voices */
} vp_dirs;

typedef struct voicepack voicepack;

/* Resolves each of the n cues to a file (see above). Returns 0 and *out, or -1
 * with d set (at the cue's file:line:col: "cue 'x' is not in voice pack 'nl'
 * (looked in ...); add x.ogg to the pack or fix the name"). n may be 0. */
int voicepack_resolve(const tl_cue *cues, int n, const vp_dirs *dirs, voicepack **out,
                      adem_diag *d);

/* The exact length of each cue at `rate`, from the file headers only.
 * frames[] has one entry per cue given to voicepack_resolve. Returns 0, or -1
 * with d set (e.g. a file that is not audio, too long, too many channels). */
int voicepack_lengths(const voicepack *vp, int rate, int64_t *frames, adem_diag *d);

/* Decodes and converts every cue to `rate`. cues[i] stays valid until
 * voicepack_free, and cues[i].frames equals voicepack_lengths' frames[i].
 * Returns 0, or -1 with d set. */
int voicepack_load(voicepack *vp, int rate, adem_cue *cues, adem_diag *d);

/* The number of cues given to voicepack_resolve. */
int voicepack_count(const voicepack *vp);

/* ---- One cue a piece at a time (the cue bank's decoder, io/cuebank.h) ----
 * The same decoding and conversion as voicepack_load, so the same samples,
 * without holding the whole cue: memory is the decoder's state only. */
typedef struct vp_stream vp_stream;

/* Opens cue i (0 <= i < voicepack_count) for decoding at `rate`. Returns 0
 * and *out, or -1 with d set (the same messages as voicepack_lengths). */
int vp_stream_open(const voicepack *vp, int i, int rate, vp_stream **out, adem_diag *d);

/* The cue's length at the rate: voicepack_lengths' frames[i]. */
int64_t vp_stream_frames(const vp_stream *s);

/* Writes the next min(n, frames left) frames of the cue to dst and returns
 * how many (0 at its end), or -1 with d set (a file damaged after its
 * header: the message names the cue, the file and the frame). */
int64_t vp_stream_read(vp_stream *s, float *dst, int64_t n, adem_diag *d);

/* Closes the stream. NULL is a no-op. */
void vp_stream_close(vp_stream *s);

/* The file chosen for cue i (for messages and `adem voices`). */
const char *voicepack_file(const voicepack *vp, int i);

/* Frees the pack and every decoded cue. NULL is a no-op. */
void voicepack_free(voicepack *vp);

#endif
