/* ui_term: the listener's live display on a terminal, and its plain
 * counterpart for logs and pipes. It reads only engine_status snapshots
 * (engine_poll), never engine internals. Control thread only.
 *
 * Modes:
 * - UI_FULL redraws a few lines in place, in one write per update, fitted to
 *   the terminal's width (20..300 columns, measured in characters with
 *   wcwidth, labels cut with "…" only when they truly do not fit): the
 *   session title (and "sessie 2/3" in a playlist) with the time left; the
 *   chapter (the last mark) and the step: a phase with its round
 *   ("ronde 2/4"), a breathing bar that grows while breathing in, stays full
 *   while holding and shrinks while breathing out, and its seconds left; the
 *   words being spoken (from the pack's transcript, else "luister"), "stilte",
 *   "pauze tussen sessies" or a hold's label with "spatie: verder"; what comes
 *   next ("volgende: …"); the keys (the quit key always). Colour for the bar
 *   and the state where the terminal has it (none with NO_COLOR or
 *   TERM=dumb).
 * - UI_PLAIN prints one plain line per session start, chapter and phase
 *   ("0:24  Adem in (4 s)"), flushed as it happens, no escape codes (--no-ui,
 *   or stdout not a terminal).
 * - UI_SILENT prints nothing.
 * The words are Dutch. */
#ifndef ADEM_UI_TERM_H
#define ADEM_UI_TERM_H

#include <stddef.h>
#include <stdio.h>

#include "rt/engine.h"

typedef enum ui_mode { UI_SILENT = 0, UI_PLAIN, UI_FULL } ui_mode;

/* The terminal widths the full display lays itself out for (a narrower or
 * wider terminal is treated as the nearest of these). */
#define UI_MIN_COLS 20
#define UI_MAX_COLS 300

typedef struct ui ui;

/* Creates a display writing to out at `rate` Hz. unicode selects block
 * characters and "…" (else ASCII). Colour is off until ui_set_color. NULL
 * when out of memory. */
ui *ui_new(ui_mode mode, FILE *out, int rate, int unicode);

/* Colour on or off (the caller decides: a terminal, no NO_COLOR, TERM not
 * dumb; see ui_color_wanted). */
void ui_set_color(ui *u, int on);

/* 1 when colour should be used on a terminal whose TERM is `term` with
 * NO_COLOR set or not (`no_color` non-NULL: set, whatever its value). */
int ui_color_wanted(const char *term, const char *no_color);

/* The words of each voice cue: words[i] for timeline cue i (NULL when the
 * transcript has none), n of them; shown while that cue is spoken. The array
 * and strings must outlive u. Call before the audio starts. */
void ui_set_words(ui *u, const char *const *words, int n);

/* Shows st: redraws in place fitted to `width` columns (full), or prints a
 * line for each session start, chapter and phase (plain). */
void ui_update(ui *u, const engine_status *st, int width);

/* States the display shows beside the engine's status (set by the player:
 * keys and signals). */
enum {
    UI_SHOW_SUSPENDED = 1, /* paused by Ctrl-Z and back after `fg`: "gepauzeerd" */
    UI_SHOW_MUTED = 2,     /* the sound is muted (m) */
    UI_SHOW_HELP = 4       /* the one-screen key help (? or h) instead of the keys line */
};

/* Sets the UI_SHOW_* flags (replacing the old ones) and redraws with the last
 * status. */
void ui_set_state(ui *u, unsigned flags);

/* The terminal is now `cols` wide (SIGWINCH): wipes the old display without
 * a trace and redraws the last status for the new width. */
void ui_term_resize(ui *u, int cols);

/* Before giving the terminal away (Ctrl-Z): leaves the cursor below the
 * display and shows it. ui_redraw takes the screen back. */
void ui_release(ui *u);

/* Draws the last status again from scratch below the cursor (after `fg`),
 * `cols` wide. */
void ui_redraw(ui *u, int cols);

/* The final line: "klaar — 12 min" when the session played to its end
 * (stopped == 0), "gestopt na 3:12" (the time played) when it was stopped.
 * Full and plain mode; prints nothing when silent. */
void ui_finish(ui *u, int stopped);

/* Leaves the display: the cursor below it, shown again. Frees u. NULL is a
 * no-op. */
void ui_free(ui *u);

/* ---- Layout (pure functions, unit-tested) ---- */

/* Columns the live display gives a phase's or mark's label; a longer label is
 * cut there with "..." (`adem check` warns about such labels). */
#define UI_LABEL_COLS 18

/* How full the breathing bar is, 0..1, for a step of `tone` at progress p
 * (0..1): rising -> p, falling -> 1-p, steady -> 1, no tone -> p. */
double ui_bar_fill(adem_tone tone, double p);

/* Writes a bar of `cells` cells, filled to `fill`, into buf (NUL-terminated).
 * Unicode uses full and light-shade blocks, else '#' and '-'. */
void ui_format_bar(double fill, int cells, int unicode, char *buf, size_t n);

/* The most lines the full display draws. */
#define UI_LINES 6
#define UI_LINE_MAX 2048

/* What ui_format needs beside the status. */
typedef struct ui_view {
    int rate;
    int width;                /* terminal columns (clamped to UI_MIN_COLS..UI_MAX_COLS) */
    int unicode;
    int color;                /* ANSI colour codes (they take no columns) */
    unsigned show;            /* UI_SHOW_* */
    const char *const *words; /* per cue, or NULL */
    int nwords;
} ui_view;

/* Formats the display lines for st into lines (each at most width-1
 * columns, never a character cut in half). Returns how many lines. */
int ui_format(const engine_status *st, const ui_view *v, char lines[UI_LINES][UI_LINE_MAX]);

/* Number of terminal columns the UTF-8 string s takes (wcwidth: a CJK
 * character takes two, a combining mark none; escape sequences none). */
int ui_columns(const char *s);

#endif
