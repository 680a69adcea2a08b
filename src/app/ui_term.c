/* ui_term: the live display and its plain counterpart (see ui_term.h). */
#include "app/ui_term.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

struct ui {
    ui_mode mode;
    FILE *out;
    int rate;
    int unicode, color;
    unsigned show;
    const char *const *words;
    int nwords;
    int drawn;            /* lines on screen from the last full redraw */
    int width;            /* the width of the last redraw */
    engine_status last;   /* the last status shown */
    int have_last;
    /* plain mode: what was printed last */
    const char *p_title;
    int p_session;
    const char *p_chapter;
    const char *p_phase;
    int64_t p_phase_start;
};

/* ---- Measuring text ------------------------------------------------------- */

/* Code point ranges (inclusive) that take two columns (East Asian wide and
 * full-width characters, and the emoji shown wide) or none (combining marks,
 * zero-width characters, variation selectors). Sorted. */
static const uint32_t WIDE[][2] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F004, 0x1F004},
    {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251},
    {0x1F300, 0x1F320}, {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393},
    {0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4},
    {0x1F3F8, 0x1F43E}, {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D},
    {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596},
    {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC},
    {0x1F6D0, 0x1F6D2}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB},
    {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};
static const uint32_t ZERO[][2] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

/* 1 if cp lies in one of the n sorted ranges r (binary search). */
static int in_ranges(uint32_t cp, const uint32_t (*r)[2], size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid][0])
            hi = mid;
        else if (cp > r[mid][1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

/* The columns code point cp takes on a terminal: 0, 1 or 2 (a control
 * character takes none). */
static int cp_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 0;
    if (cp < 0x300)
        return 1;
    if (in_ranges(cp, ZERO, sizeof ZERO / sizeof ZERO[0]))
        return 0;
    return in_ranges(cp, WIDE, sizeof WIDE / sizeof WIDE[0]) ? 2 : 1;
}

/* Reads one piece of s: an escape sequence (ESC '[' ... final byte), one
 * character, or one invalid byte. Returns its length in bytes (>= 1, 0 at
 * the end) and sets *cols to the columns it takes. */
static size_t piece(const char *s, int *cols)
{
    const unsigned char *p = (const unsigned char *)s;
    *cols = 0;
    if (!*p)
        return 0;
    if (*p == 0x1B) {
        size_t i = 1;
        if (p[i] == '[') {
            i++;
            while (p[i] && (p[i] < 0x40 || p[i] > 0x7E))
                i++;
            if (p[i])
                i++;
        } else if (p[i])
            i++;
        return i;
    }
    uint32_t cp;
    size_t len = utf8_decode(p, strlen(s) < 4 ? strlen(s) : 4, &cp);
    if (len == 0) {
        *cols = 1; /* shown as a replacement character */
        return 1;
    }
    *cols = cp_width(cp);
    return len;
}

int ui_columns(const char *s)
{
    int n = 0, c;
    if (!s)
        return 0;
    for (size_t len; (len = piece(s, &c)) > 0; s += len)
        n += c;
    return n;
}

/* ---- Building lines --------------------------------------------------------- */

/* A line being built: bytes, and the columns they take. */
typedef struct line {
    char *b;
    size_t n, cap;
} line;

/* Appends s to l (cut at the capacity, never in a character). */
static void put(line *l, const char *s)
{
    int c;
    for (size_t len; (len = piece(s, &c)) > 0; s += len) {
        if (l->n + len + 1 > l->cap)
            break;
        memcpy(l->b + l->n, s, len);
        l->n += len;
    }
    l->b[l->n] = '\0';
}

/* Appends k spaces. */
static void spaces(line *l, int k)
{
    while (k-- > 0 && l->n + 2 <= l->cap)
        l->b[l->n++] = ' ';
    l->b[l->n] = '\0';
}

/* Copies at most `cols` columns of s into buf: whole when it fits, else cut
 * on a character boundary with an ellipsis ("…" or "...") at the end. Escape
 * sequences are copied and take no columns. */
static void fit(const char *s, int cols, int unicode, char *buf, size_t n)
{
    line l = {buf, 0, n};
    buf[0] = '\0';
    if (!s || cols <= 0)
        return;
    if (ui_columns(s) <= cols) {
        put(&l, s);
        return;
    }
    const char *dots = unicode ? "\xe2\x80\xa6" : "...";
    int keep = cols - (unicode ? 1 : 3), used = 0, c;
    if (keep < 0) {
        keep = cols;
        dots = "";
    }
    for (size_t len; (len = piece(s, &c)) > 0; s += len) {
        if (used + c > keep)
            break;
        if (l.n + len + 1 > l.cap)
            break;
        memcpy(l.b + l.n, s, len);
        l.n += len;
        used += c;
    }
    l.b[l.n] = '\0';
    while (used < keep && l.n + 2 <= l.cap) { /* a wide character left a gap */
        l.b[l.n++] = ' ';
        used++;
    }
    l.b[l.n] = '\0';
    put(&l, dots);
}

/* Appends s fitted to `cols` columns and padded to exactly that many. */
static void put_fit(line *l, const char *s, int cols, int unicode)
{
    char buf[UI_LINE_MAX];
    fit(s, cols, unicode, buf, sizeof buf);
    put(l, buf);
    spaces(l, cols - ui_columns(buf));
}

/* Puts the first `cols` columns' worth of words of s into buf, breaking at
 * a space when it can (a word longer than the line is cut); returns where
 * the rest starts (spaces skipped). */
static const char *wrap(const char *s, int cols, char *buf, size_t n)
{
    const char *p = s, *brk = NULL;
    int used = 0, c;
    for (size_t len; (len = piece(p, &c)) > 0; p += len) {
        if (used + c > cols)
            break;
        if (*p == ' ')
            brk = p;
        used += c;
    }
    if (!*p || !brk || brk == s)
        brk = p; /* all of it fits, or a word longer than the line */
    size_t len = (size_t)(brk - s) < n - 1 ? (size_t)(brk - s) : n - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    while (*brk == ' ')
        brk++;
    return brk;
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

/* Writes "m:ss" for a number of whole seconds (h:mm:ss from an hour). */
static void mmss(int64_t s, char *buf, size_t n)
{
    if (s < 0)
        s = 0;
    if (s >= 3600)
        snprintf(buf, n, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
                 (long long)(s % 60));
    else
        snprintf(buf, n, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

/* Whole seconds in `frames`, rounded up. */
static int64_t secs_up(int64_t frames, int rate)
{
    return frames <= 0 ? 0 : (frames + rate - 1) / rate;
}

/* Colour codes, or nothing without colour. */
#define C_BAR "\033[36m"
#define C_STATE "\033[33m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"
static const char *col(const ui_view *v, const char *code)
{
    return v->color ? code : "";
}

/* The title line: the title (and "sessie 2/3" in a playlist) on the left,
 * the state and the time left on the right. */
static void title_line(const engine_status *st, const ui_view *v, int margin, int usable, line *l)
{
    char right[160], left_time[32], total[32], state[64] = "";
    int64_t rest = st->total - st->pos;
    if (st->session_no > 0 && st->session_frames > 0)
        rest = st->session_start + st->session_frames - st->pos;
    mmss(secs_up(rest, v->rate), left_time, sizeof left_time);
    mmss(secs_up(st->total - st->pos, v->rate), total, sizeof total);
    const char *dot = v->unicode ? " \xc2\xb7 " : " - ";
    if (v->show & UI_SHOW_SUSPENDED || st->paused)
        snprintf(state, sizeof state, "gepauzeerd%s", dot);
    else if (v->show & UI_SHOW_MUTED)
        snprintf(state, sizeof state, "geluid uit%s", dot);
    snprintf(right, sizeof right, "%snog %s", state, left_time);
    /* in a playlist, the whole run's time left when there is room */
    char with_total[sizeof right + 48];
    snprintf(with_total, sizeof with_total, "%s (totaal %s)", right, total);
    char sess[64] = "";
    if (st->sessions > 1 && st->session_no > 0)
        snprintf(sess, sizeof sess, "%ssessie %d/%d", dot, st->session_no, st->sessions);
    int title_cols = ui_columns(st->title ? st->title : "");
    const char *r = right;
    if (st->sessions > 1 && title_cols + ui_columns(sess) + ui_columns(with_total) + 2 <= usable - margin)
        r = with_total;
    int rc = ui_columns(r);
    if (rc > usable - margin) { /* very narrow: the time alone */
        snprintf(right, sizeof right, "nog %s", left_time);
        r = right;
        rc = ui_columns(r);
    }
    int room = usable - margin - rc - 2;
    spaces(l, margin);
    char left[UI_LINE_MAX];
    if (room > 0) {
        if (title_cols + ui_columns(sess) <= room)
            snprintf(left, sizeof left, "%s%s", st->title ? st->title : "", sess);
        else
            snprintf(left, sizeof left, "%s", st->title ? st->title : "");
        char cut[UI_LINE_MAX];
        fit(left, room, v->unicode, cut, sizeof cut);
        put(l, cut);
        spaces(l, room - ui_columns(cut) + 2);
    }
    if (state[0] && v->color && strncmp(r, state, strlen(state)) == 0) {
        /* the state in colour: "gepauzeerd · " is the start of r */
        char head[64];
        snprintf(head, sizeof head, "%s", state);
        put(l, C_STATE);
        put(l, head);
        put(l, C_OFF);
        put(l, r + strlen(head));
    } else
        put(l, r);
}

/* The words of the cue being spoken, or NULL. */
static const char *spoken(const engine_status *st, const ui_view *v)
{
    if (st->cue < 0 || st->pos >= st->cue_end || !v->words || st->cue >= v->nwords)
        return NULL;
    return v->words[st->cue];
}

/* The step line: the chapter, what is happening (a phase with its round and
 * bar, "luister", "stilte", a hold's label) and the seconds left in it. */
static void step_line(const engine_status *st, const ui_view *v, int margin, int usable, line *l)
{
    char what[UI_LINE_MAX], secs[32] = "", round[32] = "";
    const char *sep = v->unicode ? " \xe2\x80\xba " : " > "; /* › */
    const char *label = "";
    int bar = 0;
    switch (st->step) {
    case ENGINE_STEP_PHASE:
        label = st->phase ? st->phase : "";
        bar = st->phase_frames > 0;
        if (st->rounds > 1)
            snprintf(round, sizeof round, "ronde %lld/%lld", (long long)st->round,
                     (long long)st->rounds);
        break;
    case ENGINE_STEP_SPEAK:
        label = "luister";
        break;
    case ENGINE_STEP_WAIT:
        label = "stilte";
        break;
    case ENGINE_STEP_GAP:
        label = "pauze tussen sessies";
        break;
    case ENGINE_STEP_HOLD:
        label = st->phase ? st->phase : "";
        break;
    case ENGINE_STEP_NONE:
        label = st->done ? "klaar" : "";
        break;
    }
    if (st->phase_frames > 0 && st->step != ENGINE_STEP_NONE)
        snprintf(secs, sizeof secs, "%3lld s",
                 (long long)secs_up(st->phase_start + st->phase_frames - st->pos, v->rate));
    int avail = usable - margin;
    int sc = ui_columns(secs), rc = 0, wc = 0;
    int tail = (sc ? sc + 1 : 0);
    int labw = 0, cells = 0;
    /* with a bar: the chapter, then the word "ronde" give way before the
     * bar does (it is what guides the breath); the label column has a steady
     * width so that the bars line up, wider when the label needs it */
    for (int attempt = 0; bar && attempt < 3; attempt++) {
        int chapter = st->chapter && attempt == 0;
        if (attempt == 2 && st->rounds > 1)
            snprintf(round, sizeof round, "%lld/%lld", (long long)st->round, (long long)st->rounds);
        snprintf(what, sizeof what, "%s%s%s", chapter ? st->chapter : "", chapter ? sep : "",
                 label);
        wc = ui_columns(what);
        rc = ui_columns(round);
        labw = avail * 3 / 10;
        if (labw < 12)
            labw = 12;
        if (wc > labw || avail < 50)
            labw = wc;
        int least = avail >= 40 ? 10 : 5;
        cells = avail - labw - 1 - (rc ? rc + 1 : 0) - 2 - tail;
        if (cells < least && attempt == 2 && labw - (least - cells) >= 8) {
            labw -= least - cells; /* a long label is cut to keep the bar */
            cells = least;
        }
        if (cells >= least)
            break;
        cells = 0;
    }
    if (!cells) {
        /* no bar: the label and the round share the line before the seconds */
        if (st->rounds > 1)
            snprintf(round, sizeof round, "ronde %lld/%lld", (long long)st->round,
                     (long long)st->rounds);
        snprintf(what, sizeof what, "%s%s%s", st->chapter ? st->chapter : "",
                 st->chapter ? sep : "", label);
        wc = ui_columns(what);
        rc = ui_columns(round);
        labw = avail - tail - (rc ? rc + 1 : 0);
        if (wc > labw && st->chapter) { /* the chapter gives way to the label */
            snprintf(what, sizeof what, "%s", label);
            wc = ui_columns(what);
        }
        if (rc && labw < 6) {
            round[0] = '\0';
            rc = 0;
            labw = avail - tail;
        }
        if (labw < 1) {
            secs[0] = '\0';
            sc = tail = 0;
            labw = avail;
        }
    }
    spaces(l, margin);
    int bold = st->step == ENGINE_STEP_HOLD && v->color;
    if (bold)
        put(l, C_BOLD);
    char cut[UI_LINE_MAX];
    fit(what, labw, v->unicode, cut, sizeof cut);
    put(l, cut);
    if (bold)
        put(l, C_OFF);
    int used = ui_columns(cut);
    if (cells || rc) {
        spaces(l, labw - used + 1);
        used = labw + 1;
    }
    if (rc) {
        put(l, round);
        put(l, " ");
        used += rc + 1;
    }
    if (cells) {
        char b[UI_LINE_MAX];
        double p = (double)(st->pos - st->phase_start) / (double)st->phase_frames;
        ui_format_bar(ui_bar_fill(st->tone, p), cells, v->unicode, b, sizeof b);
        put(l, "[");
        put(l, col(v, C_BAR));
        put(l, b);
        put(l, col(v, C_OFF));
        put(l, "]");
        used += cells + 2;
    }
    if (sc) {
        spaces(l, avail - used - sc);
        put(l, secs);
    }
}

/* A key and what it does, with how important it is to show (0 = always). */
typedef struct key_item {
    const char *text;
    int prio;
} key_item;

/* The keys line: as many keys as fit, the most important first; the quit
 * key always. */
static void keys_line(const engine_status *st, const ui_view *v, int margin, int usable, line *l)
{
    char vol[64];
    key_item k[8];
    int n = 0;
    spaces(l, margin);
    if (st->stopping) {
        put(l, v->unicode ? "stoppen\xe2\x80\xa6" : "stoppen...");
        return;
    }
    if (st->volume_db != 0)
        snprintf(vol, sizeof vol, "+/- volume (%+.0f dB)", st->volume_db);
    else
        snprintf(vol, sizeof vol, "+/- volume");
    int paused = st->paused || (v->show & UI_SHOW_SUSPENDED);
    if (st->holding && !paused) {
        k[n++] = (key_item){"spatie: verder", 1};
        k[n++] = (key_item){"q stoppen", 0};
    } else {
        k[n++] = (key_item){paused ? "spatie verder" : "spatie pauze", 1};
        k[n++] = (key_item){"n volgende", 2};
        k[n++] = (key_item){"b terug", 5};
        k[n++] = (key_item){vol, 4};
        k[n++] = (key_item){v->show & UI_SHOW_MUTED ? "m geluid aan" : "m stil", 6};
        k[n++] = (key_item){"? hulp", 3};
        k[n++] = (key_item){"q stoppen", 0};
    }
    /* drop the least important until the rest fits */
    int maxprio = 6;
    for (;; maxprio--) {
        int w = 0, shown = 0;
        for (int i = 0; i < n; i++)
            if (k[i].prio <= maxprio) {
                w += ui_columns(k[i].text) + (shown ? 2 : 0);
                shown++;
            }
        if (w <= usable - margin || maxprio == 0)
            break;
    }
    int shown = 0;
    for (int i = 0; i < n; i++) {
        if (k[i].prio > maxprio)
            continue;
        if (shown++)
            put(l, "  ");
        int hold_key = st->holding && !paused && k[i].prio == 1 && v->color;
        if (hold_key)
            put(l, C_BOLD);
        put(l, k[i].text);
        if (hold_key)
            put(l, C_OFF);
    }
}

/* The one-screen key help (UI_SHOW_HELP), the quit key first on its line. */
static const char *const HELP_UNI[] = {
    "spatie   pauze / verder (een hold: verder)",
    "n  \xe2\x86\x92     volgende stap, hoofdstuk of sessie",
    "b  \xe2\x86\x90     terug naar het begin van de stap",
    "+ - \xe2\x86\x91 \xe2\x86\x93  volume (2 dB)   m  stil / geluid aan",
    "q stoppen   ? of h terug",
};
static const char *const HELP_ASCII[] = {
    "spatie   pauze / verder (een hold: verder)",
    "n  ->    volgende stap, hoofdstuk of sessie",
    "b  <-    terug naar het begin van de stap",
    "+ - up/down  volume (2 dB)   m  stil / geluid aan",
    "q stoppen   ? of h terug",
};

int ui_format(const engine_status *st, const ui_view *v, char lines[UI_LINES][UI_LINE_MAX])
{
    int width = v->width < UI_MIN_COLS ? UI_MIN_COLS : v->width > UI_MAX_COLS ? UI_MAX_COLS : v->width;
    int usable = width - 1; /* never touch the last column: no wrapping */
    int margin = width >= 40 ? 2 : 0;
    line l[UI_LINES];
    for (int i = 0; i < UI_LINES; i++) {
        l[i] = (line){lines[i], 0, UI_LINE_MAX};
        lines[i][0] = '\0';
    }
    title_line(st, v, margin, usable, &l[0]);
    if (v->show & UI_SHOW_HELP) {
        const char *const *h = v->unicode ? HELP_UNI : HELP_ASCII;
        for (int i = 0; i < 5; i++) {
            spaces(&l[i + 1], margin);
            put_fit(&l[i + 1], h[i], usable - margin, v->unicode);
        }
    } else {
        step_line(st, v, margin, usable, &l[1]);
        /* the words being spoken, over up to two lines */
        const char *w = spoken(st, v);
        if (w) {
            char buf[UI_LINE_MAX];
            int cols = usable - margin - 2;
            const char *rest = wrap(w, cols, buf, sizeof buf);
            spaces(&l[2], margin + 2);
            put(&l[2], buf);
            if (*rest) {
                spaces(&l[3], margin + 2);
                put_fit(&l[3], rest, cols, v->unicode);
            }
        }
        /* what comes next */
        if (st->next || st->next_kind == TL_EV_END) {
            char nx[UI_LINE_MAX];
            if (!st->next)
                snprintf(nx, sizeof nx, "volgende: einde");
            else if (st->next_kind == TL_EV_SESSION)
                snprintf(nx, sizeof nx, "volgende: sessie %s", st->next);
            else
                snprintf(nx, sizeof nx, "volgende: %s", st->next);
            spaces(&l[4], margin);
            put_fit(&l[4], nx, usable - margin, v->unicode);
        }
        keys_line(st, v, margin, usable, &l[5]);
    }
    /* safety: nothing longer than the line (colour reset at the end) */
    for (int i = 0; i < UI_LINES; i++) {
        char tmp[UI_LINE_MAX];
        fit(lines[i], usable, v->unicode, tmp, sizeof tmp);
        size_t len = strlen(tmp);
        /* trailing blanks are not drawn: \033[K clears the rest */
        while (len > 0 && tmp[len - 1] == ' ')
            tmp[--len] = '\0';
        if (v->color && strchr(tmp, 0x1B) && len + 5 < sizeof tmp)
            strcat(tmp, C_OFF);
        memcpy(lines[i], tmp, len + 6 < sizeof tmp ? len + 6 : sizeof tmp);
        lines[i][UI_LINE_MAX - 1] = '\0';
    }
    return UI_LINES;
}

/* ---- The display ------------------------------------------------------------- */

int ui_color_wanted(const char *term, const char *no_color)
{
    if (no_color)
        return 0;
    if (!term || !term[0] || strcmp(term, "dumb") == 0)
        return 0;
    return 1;
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
    u->p_phase_start = -1;
    u->width = 80;
    if (mode == UI_FULL) {
        fputs("\033[?25l", out); /* hide the cursor while drawing */
        fflush(out);
    }
    return u;
}

void ui_set_color(ui *u, int on)
{
    if (u)
        u->color = on;
}

void ui_set_words(ui *u, const char *const *words, int n)
{
    if (!u)
        return;
    u->words = words;
    u->nwords = n;
}

/* Prints one plain line for each session start, chapter and phase (and
 * hold), at the time it began. */
static void plain(ui *u, const engine_status *st)
{
    char when[32];
    if (st->out_frames == 0 && st->step == ENGINE_STEP_NONE)
        return; /* nothing has started yet (not even the first session) */
    /* a new session: another title, or the same one played again (the
     * status before the first event has no session number yet) */
    int again = st->session_no > 0 && u->p_session > 0 && st->session_no != u->p_session;
    if (st->title && (st->title != u->p_title || again)) {
        mmss(st->session_no > 0 ? st->session_start / u->rate : st->pos / u->rate, when,
             sizeof when);
        if (st->sessions > 1 && st->session_no > 0)
            fprintf(u->out, "%s  sessie %d/%d: %s\n", when, st->session_no, st->sessions,
                    st->title);
        else
            fprintf(u->out, "%s  %s\n", when, st->title);
        u->p_title = st->title;
        u->p_chapter = NULL;
    }
    if (st->session_no > 0)
        u->p_session = st->session_no;
    if (st->chapter && st->chapter != u->p_chapter) {
        mmss(st->pos / u->rate, when, sizeof when);
        fprintf(u->out, "%s  %s %s\n", when, u->unicode ? "\xe2\x80\x94" : "--", st->chapter);
    }
    u->p_chapter = st->chapter;
    int step = (st->step == ENGINE_STEP_PHASE || st->step == ENGINE_STEP_HOLD) && st->phase;
    if (step && (st->phase != u->p_phase || st->phase_start != u->p_phase_start)) {
        mmss(st->phase_start / u->rate, when, sizeof when);
        char round[48] = "";
        if (st->rounds > 1)
            snprintf(round, sizeof round, ", ronde %lld/%lld", (long long)st->round,
                     (long long)st->rounds);
        if (st->phase_frames > 0)
            fprintf(u->out, "%s  %s (%lld s%s)\n", when, st->phase,
                    (long long)secs_up(st->phase_frames, u->rate), round);
        else
            fprintf(u->out, "%s  %s\n", when, st->phase);
    }
    if (step) {
        u->p_phase = st->phase;
        u->p_phase_start = st->phase_start;
    } else
        u->p_phase = NULL;
    fflush(u->out);
}

/* Draws st at `width` columns over what was drawn before (or from the
 * cursor when nothing is on screen), in one write. */
static void draw(ui *u, const engine_status *st, int width)
{
    char lines[UI_LINES][UI_LINE_MAX];
    static char frame[UI_LINES * (UI_LINE_MAX + 16) + 32];
    ui_view v = {u->rate, width, u->unicode, u->color, u->show, u->words, u->nwords};
    int n = ui_format(st, &v, lines);
    size_t len = 0;
    if (u->drawn)
        len += (size_t)snprintf(frame, sizeof frame, "\033[%dA", u->drawn);
    for (int i = 0; i < n && len < sizeof frame; i++)
        len += (size_t)snprintf(frame + len, sizeof frame - len, "\r%s\033[K\n", lines[i]);
    if (len < sizeof frame)
        len += (size_t)snprintf(frame + len, sizeof frame - len, "\033[J");
    fwrite(frame, 1, len < sizeof frame ? len : sizeof frame - 1, u->out);
    fflush(u->out);
    u->drawn = n;
    u->width = width;
}

void ui_update(ui *u, const engine_status *st, int width)
{
    if (!u || u->mode == UI_SILENT)
        return;
    u->last = *st;
    u->have_last = 1;
    if (u->mode == UI_PLAIN) {
        plain(u, st);
        return;
    }
    draw(u, st, width);
}

void ui_set_state(ui *u, unsigned flags)
{
    if (!u)
        return;
    u->show = flags;
    if (u->mode == UI_FULL && u->have_last)
        draw(u, &u->last, u->width);
}

/* Draws the last display anew at cols columns, from where the cursor is
 * (nothing of it counted as drawn). */
static void draw_anew(ui *u, int cols)
{
    u->drawn = 0;
    u->width = cols;
    if (u->have_last)
        draw(u, &u->last, cols);
    else
        fflush(u->out);
}

void ui_term_resize(ui *u, int cols)
{
    if (!u || u->mode != UI_FULL)
        return;
    /* the old lines may have been wrapped or cut by the terminal: clear the
     * screen and draw from its top, so nothing of them is left */
    fputs("\033[H\033[2J", u->out);
    draw_anew(u, cols);
}

void ui_release(ui *u)
{
    if (!u || u->mode != UI_FULL)
        return;
    fputs("\033[0m\033[?25h", u->out);
    fflush(u->out);
    u->drawn = 0; /* the lines stay above: ui_redraw draws anew */
}

void ui_redraw(ui *u, int cols)
{
    if (!u || u->mode != UI_FULL)
        return;
    fputs("\033[?25l", u->out);
    draw_anew(u, cols);
}

void ui_finish(ui *u, int stopped)
{
    if (!u || u->mode != UI_FULL)
        return;
    char msg[96], t[32];
    int64_t played = u->have_last ? u->last.pos : 0;
    const char *dash = u->unicode ? "\xe2\x80\x94" : "-";
    if (stopped) {
        mmss(played / u->rate, t, sizeof t);
        snprintf(msg, sizeof msg, "gestopt na %s", t);
    } else {
        int64_t s = (played + u->rate / 2) / u->rate;
        if (s < 60)
            snprintf(msg, sizeof msg, "klaar %s %lld s", dash, (long long)s);
        else
            snprintf(msg, sizeof msg, "klaar %s %lld min", dash, (long long)((s + 30) / 60));
    }
    /* the live lines give way to the title and the final line */
    char title[UI_LINE_MAX];
    int usable = (u->width < UI_MIN_COLS ? UI_MIN_COLS : u->width > UI_MAX_COLS ? UI_MAX_COLS : u->width) - 1;
    int margin = usable >= 39 ? 2 : 0;
    fit(u->have_last && u->last.title ? u->last.title : "", usable - margin, u->unicode, title,
        sizeof title);
    if (u->drawn)
        fprintf(u->out, "\033[%dA\r\033[J", u->drawn);
    fprintf(u->out, "%*s%s\n%*s%s\n", margin, "", title, margin, "", msg);
    fflush(u->out);
    u->drawn = 0;
}

void ui_free(ui *u)
{
    if (!u)
        return;
    if (u->mode == UI_FULL) {
        fputs("\033[0m\033[?25h", u->out);
        fflush(u->out);
    }
    free(u);
}
