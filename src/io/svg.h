/* svg: a picture of a laid-out timeline, as plain SVG (`adem show --svg`).
 *
 * Made for a teacher who sees a session at a glance, printed on A4 landscape
 * or shown on a projector: a 1600 px wide canvas on white, a sans-serif font,
 * calm colours with high contrast, Dutch labels. At the top the title, the
 * total length and a legend (only what the session uses, besides in/vast/uit).
 * Below, the session as a score: lines of a fixed duration, each with four
 * rows (1 minute per line; 2 minutes when 1-minute lines would not fit on one
 * A4 page and every phase stays at least 80 px wide; 30 s for sessions of at
 * most 30 s; a new top-level session starts a new line):
 *   fase   phases as blocks coloured by the breath (tone rising: in, steady:
 *          vast, falling: uit, no tone: neutral) with label and duration, and
 *          the tone drawn inside as a line rising, level or falling (its
 *          height follows the pitch), and count=down numbers at the bottom;
 *   stem   a marker at each spoken cue, its length as a bar and its words
 *          (from the transcript, truncated to the room there is), on two
 *          alternating heights;
 *   klank  bells, the pulse as one dot per beat, the noise bed as a band
 *          with its fades;
 *   tijd   an axis with second and minute ticks;
 * and marks (where `n` skips to) and played sessions as vertical lines with
 * their labels across the rows.
 * A session longer than 10 minutes folds its repeats: the first round of each
 * outermost repeat of 2 or more rounds is drawn, then a repeat sign with
 * "x N" and their total length, and the time axis goes on at the real time
 * after the repeat. What remains longer than 10 lines gets longer lines (2,
 * 3, 5, 10 ... minutes). So a session of any length stays a page or two, with
 * every drawn breath wide enough to read. Words that would start right at a
 * line's end run on at the start of the next line, after "…".
 *
 * Text is escaped for XML; invalid UTF-8 becomes U+FFFD and control
 * characters spaces, so the file is always well-formed.
 * Plain C11 (stdio only); not for the audio thread. */
#ifndef ADEM_SVG_H
#define ADEM_SVG_H

#include <stdio.h>

#include "base/diag.h"
#include "timeline/timeline.h"

/* Canvas width in pixels. */
#define SVG_WIDTH 1600

/* The words spoken by cue `cue` (an index for timeline_cue), or NULL when
 * they are not known (the cue's ID is drawn then). The string must stay valid
 * until svg_write returns. */
typedef const char *(*svg_words_fn)(void *ctx, int cue);

typedef struct svg_options {
    svg_words_fn words; /* may be NULL: cue IDs are drawn */
    void *words_ctx;
    const char *subtitle; /* a line under the title (e.g. the description), or NULL */
} svg_options;

/* Sets o to the defaults: no words, no subtitle. */
void svg_options_init(svg_options *o);

/* Writes the picture of tl (laid out) to f as a complete SVG document.
 * Returns 0, or -1 with d set (status 1) when memory runs out or writing to f
 * fails (f's error flag). */
int svg_write(FILE *f, const timeline *tl, const svg_options *o, adem_diag *d);

#endif
