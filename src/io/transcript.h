/* transcript: a voice pack's transcript.tsv, read and checked.
 *
 * The transcript says the words of every cue; it is also the script for
 * recording a pack (scripts/make-voice-pack, `adem record`). Its format:
 * UTF-8 text, one cue per line,
 *     ID<TAB>text
 * where ID is a cue name (1..64 ASCII letters, digits, '_' and '-', as in a
 * session) and text is the words (not blank, no further tab). Each ID appears
 * once. Blank lines are allowed; a leading UTF-8 byte-order mark is skipped;
 * CRLF line ends are fine.
 *
 * Every fault is refused with file:line:col and a one-line message (status 2):
 * invalid UTF-8, a NUL or other control character, a missing tab, an invalid
 * or repeated ID, an empty text, a line over TRANSCRIPT_MAX_LINE characters,
 * a file over TRANSCRIPT_MAX_BYTES.
 * Plain C11 (stdio for transcript_read); not for the audio thread. */
#ifndef ADEM_TRANSCRIPT_H
#define ADEM_TRANSCRIPT_H

#include <stddef.h>

#include "base/diag.h"

#define TRANSCRIPT_MAX_BYTES (1024 * 1024)
#define TRANSCRIPT_MAX_LINE 4096

typedef struct transcript transcript;

/* Parses len bytes of text (need not be NUL-terminated) named path (for
 * messages; may be NULL). Returns 0 and *out, or -1 with d set (status 2 with
 * path:line:col, or status 1 when out of memory); *out is then NULL. */
int transcript_parse(const char *path, const char *text, size_t len, transcript **out,
                     adem_diag *d);

/* Reads the file at path and parses it like transcript_parse. A file that is
 * missing, unreadable or larger than TRANSCRIPT_MAX_BYTES is an input error
 * naming the path; nothing beyond the limit is read. */
int transcript_read(const char *path, transcript **out, adem_diag *d);

/* The number of cues (lines with an ID), in file order 0..count-1. */
int transcript_count(const transcript *t);

/* The ID, the text and the line number of cue i (0 <= i < count); the strings
 * live until transcript_free. */
const char *transcript_id(const transcript *t, int i);
const char *transcript_text(const transcript *t, int i);
int transcript_line(const transcript *t, int i);

/* The index of the cue with this ID, or -1 when it is not in the transcript. */
int transcript_find(const transcript *t, const char *id);

/* The text of the cue with this ID, or NULL when it is not in the transcript. */
const char *transcript_lookup(const transcript *t, const char *id);

/* Frees a transcript. NULL is a no-op. */
void transcript_free(transcript *t);

#endif
