/* ui_term: the listener's live display on a terminal, and its plain
 * counterpart for logs. It reads only engine_status snapshots (engine_poll),
 * never engine internals. Control thread only.
 *
 * Modes: UI_FULL redraws three lines in place (title and time left; the phase
 * with a breathing bar that grows while breathing in, stays while holding and
 * shrinks while breathing out, and the seconds left in it; the keys), in one
 * write per frame, fitted to the terminal's width (at most 80 columns).
 * UI_PLAIN prints one plain line per change of phase, no escape codes.
 * UI_SILENT prints nothing (cron, pipes). The words are Dutch. */
#ifndef ADEM_UI_TERM_H
#define ADEM_UI_TERM_H

#include <stddef.h>
#include <stdio.h>

#include "rt/engine.h"

typedef enum ui_mode { UI_SILENT = 0, UI_PLAIN, UI_FULL } ui_mode;

typedef struct ui ui;

/* Creates a display writing to out. unicode selects block characters for
 * the bar (else ASCII). NULL when out of memory. */
ui *ui_new(ui_mode mode, FILE *out, int rate, int unicode);

/* Shows st (redraws in place fitted to `width` columns, or prints a line
 * when the phase changed). */
void ui_update(ui *u, const engine_status *st, int width);

/* Leaves the display: the cursor below it, shown again. Frees u. */
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

/* Formats the three display lines for st at `rate`, each at most `width`
 * columns (the width is clamped to 40..80). */
void ui_format(const engine_status *st, int rate, int width, int unicode, char lines[3][512]);

/* Number of terminal columns the UTF-8 string s takes (code points). */
int ui_columns(const char *s);

#endif
