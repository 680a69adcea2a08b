/* ui_term: the live display and its plain counterpart (see ui_term.h). */
#include "app/ui_term.h"

#include <stdlib.h>
#include <string.h>

struct ui {
    ui_mode mode;
    FILE *out;
    int rate;
    int unicode;
    int drawn;              /* lines on screen from the last full redraw */
    const char *last_title; /* plain mode: what was printed last */
    const char *last_phase;
    int64_t last_phase_start;
    int last_paused;
};

int ui_columns(const char *s)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* Copies at most `cols` columns of UTF-8 s into buf, never splitting a
 * character; adds "..." when it had to cut. */
static void fit(const char *s, int cols, char *buf, size_t n)
{
    if (!s)
        s = "";
    if (ui_columns(s) <= cols) {
        snprintf(buf, n, "%s", s);
        return;
    }
    int keep = cols > 3 ? cols - 3 : 0, c = 0;
    size_t i = 0;
    while (s[i] && i + 4 < n) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && c++ == keep)
            break;
        buf[i] = s[i];
        i++;
    }
    buf[i] = '\0';
    snprintf(buf + i, n - i, "%s", cols > 3 ? "..." : "");
}

/* Appends spaces to buf until it is `cols` columns wide. */
static void pad(char *buf, size_t n, int cols)
{
    size_t len = strlen(buf);
    for (int c = ui_columns(buf); c < cols && len + 1 < n; c++)
        buf[len++] = ' ';
    buf[len] = '\0';
}

double ui_bar_fill(adem_tone tone, double p)
{
    p = p < 0 ? 0 : p > 1 ? 1 : p;
    switch (tone) {
    case ADEM_TONE_RISE:
        return p;
    case ADEM_TONE_FALL:
        return 1.0 - p;
    case ADEM_TONE_STEADY:
        return 1.0;
    case ADEM_TONE_NONE:
        break;
    }
    return p;
}

void ui_format_bar(double fill, int cells, int unicode, char *buf, size_t n)
{
    const char *on = unicode ? "\xe2\x96\x88" : "#";  /* U+2588 full block */
    const char *off = unicode ? "\xe2\x96\x91" : "-"; /* U+2591 light shade */
    int full = (int)(fill * cells + 0.5);
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < cells; i++) {
        const char *c = i < full ? on : off;
        size_t cl = strlen(c);
        if (len + cl + 1 > n)
            break;
        memcpy(buf + len, c, cl);
        len += cl;
    }
    buf[len] = '\0';
}

/* Writes "m:ss" for a number of whole seconds. */
static void mmss(int64_t s, char *buf, size_t n)
{
    if (s < 0)
        s = 0;
    snprintf(buf, n, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

void ui_format(const engine_status *st, int rate, int width, int unicode, char lines[3][512])
{
    char left[32], title[256], label[128], bar[256];
    width = width < 40 ? 40 : width > 80 ? 80 : width;
    int usable = width - 1; /* never touch the last column: no wrapping */

    /* line 1: title, and the time left in the session */
    int64_t rest = st->total - st->pos;
    mmss((rest + rate - 1) / rate, left, sizeof left);
    char right[64];
    snprintf(right, sizeof right, "%snog %s", st->paused ? "(pauze)  " : "", left);
    fit(st->title, usable - 2 - ui_columns(right) - 2, title, sizeof title);
    snprintf(lines[0], 512, "  %s", title);
    pad(lines[0], 512, usable - ui_columns(right));
    strncat(lines[0], right, 511 - strlen(lines[0]));

    /* line 2: the phase, the breathing bar, seconds left in the phase */
    double p = 0;
    int64_t phase_left = 0;
    if (st->phase_frames > 0) {
        p = (double)(st->pos - st->phase_start) / (double)st->phase_frames;
        phase_left = st->phase_start + st->phase_frames - st->pos;
    }
    char secs[32];
    if (st->phase_frames > 0)
        snprintf(secs, sizeof secs, "%3lld s", (long long)((phase_left + rate - 1) / rate));
    else
        secs[0] = '\0';
    int label_cols = UI_LABEL_COLS;
    int cells = usable - 2 - label_cols - 1 - 2 - 6;
    fit(st->phase ? st->phase : "", label_cols, label, sizeof label);
    pad(label, sizeof label, label_cols);
    if (st->phase_frames > 0)
        ui_format_bar(ui_bar_fill(st->tone, p), cells, unicode, bar, sizeof bar);
    else
        bar[0] = '\0';
    snprintf(lines[1], 512, "  %s %s%s%s%s", label, st->phase_frames > 0 ? "[" : "", bar,
             st->phase_frames > 0 ? "] " : "", secs);

    /* line 3: the keys */
    if (st->stopping)
        snprintf(lines[2], 512, "  stoppen...");
    else if (st->volume_db != 0)
        snprintf(lines[2], 512, "  spatie pauze  n verder  +/- volume (%+.0f dB)  q stoppen",
                 st->volume_db);
    else
        snprintf(lines[2], 512, "  spatie pauze  n verder  +/- volume  q stoppen");
    for (int i = 0; i < 3; i++) {
        char tmp[512];
        fit(lines[i], usable, tmp, sizeof tmp);
        memcpy(lines[i], tmp, sizeof tmp);
    }
}

ui *ui_new(ui_mode mode, FILE *out, int rate, int unicode)
{
    ui *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    u->mode = mode;
    u->out = out;
    u->rate = rate;
    u->unicode = unicode;
    u->last_phase_start = -1;
    if (mode == UI_FULL)
        fputs("\033[?25l", out); /* hide the cursor while drawing */
    return u;
}

/* Prints one plain line when the session, phase or pause state changed. */
static void plain(ui *u, const engine_status *st)
{
    char when[32];
    mmss(st->pos / u->rate, when, sizeof when);
    if (st->title && st->title != u->last_title) {
        fprintf(u->out, "%s  %s\n", when, st->title);
        u->last_title = st->title;
    }
    if (st->phase && (st->phase != u->last_phase || st->phase_start != u->last_phase_start)) {
        if (st->phase_frames > 0)
            fprintf(u->out, "%s    %s (%lld s)\n", when, st->phase,
                    (long long)((st->phase_frames + u->rate - 1) / u->rate));
        else
            fprintf(u->out, "%s    %s\n", when, st->phase);
    }
    u->last_phase = st->phase;
    u->last_phase_start = st->phase_start;
    if (st->paused != u->last_paused)
        fprintf(u->out, "%s  %s\n", when, st->paused ? "pauze" : "verder");
    u->last_paused = st->paused;
    fflush(u->out);
}

void ui_update(ui *u, const engine_status *st, int width)
{
    if (u->mode == UI_SILENT)
        return;
    if (u->mode == UI_PLAIN) {
        plain(u, st);
        return;
    }
    char lines[3][512];
    char frame[2048];
    ui_format(st, u->rate, width, u->unicode, lines);
    size_t len = 0;
    if (u->drawn)
        len += (size_t)snprintf(frame, sizeof frame, "\033[%dA", u->drawn);
    for (int i = 0; i < 3 && len < sizeof frame; i++)
        len += (size_t)snprintf(frame + len, sizeof frame - len, "\r%s\033[K\n", lines[i]);
    fwrite(frame, 1, len < sizeof frame ? len : sizeof frame - 1, u->out);
    fflush(u->out);
    u->drawn = 3;
}

void ui_free(ui *u)
{
    if (!u)
        return;
    if (u->mode == UI_FULL) {
        fputs("\033[?25h", u->out);
        fflush(u->out);
    }
    free(u);
}
