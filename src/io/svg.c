/* svg: a picture of a laid-out timeline (see svg.h).
 *
 * Two passes. The first walks the timeline with a tl_cursor, keeps what is
 * drawn (phases, cues, bells, beds, marks, sessions) and, for a long session,
 * folds repeats: it cuts real time into segments that are drawn as they are,
 * with a fold (a repeat sign) between two segments where the later rounds of
 * a repeat were left out. The second chooses the line length, places every
 * segment on "drawn time" (real time without the folded rounds, plus room for
 * each repeat sign), and writes the SVG row by row.
 * Numbers are written with printf in the C locale (adem never sets another). */
#include "io/svg.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "rt/cursor.h"
#include "rt/synth.h"

/* ---- Geometry (pixels) and limits --------------------------------------- */

enum {
    MAX_LINES = 10,      /* lines before repeats fold or lines grow longer */
    UNFOLDED_S = 600,    /* sessions up to this long are drawn in full */
    X0 = 86,             /* left edge of the time area (row names left of it) */
    X1 = SVG_WIDTH - 34, /* right edge */
    FOLD_PX = 140,       /* width of a repeat sign */
    WIDE_PHASE_PX = 80,  /* the narrowest phase that 2-minute lines may draw */
    PAGE_LINES = 4,      /* lines that fit on an A4 landscape page with the header */
    CARRY_PX = 150,      /* less room than this at a line's end: words go on the next */
    /* rows, as offsets from the top of a line */
    MARK_Y = 14,         /* baseline of mark labels */
    PHASE_TOP = 20,
    PHASE_H = 80,
    VOICE_TOP = 106,
    LANE_H = 22,         /* two lanes of cue words */
    SOUND_TOP = 154,
    SOUND_H = 28,
    AXIS_Y = 188,        /* the axis line */
    LINE_H = 228         /* one line of the score, with the gap below it */
};

/* Line lengths to choose from, in seconds (the first only for sessions of at
 * most 30 s). */
static const double line_ladder[] = {30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 10800};

/* The font: wide fonts first, so the width estimates (DejaVu Sans metrics)
 * hold or err on the safe side. */
static const char font_family[] =
    "'DejaVu Sans', Verdana, 'Segoe UI', 'Noto Sans', Arial, Helvetica, sans-serif";

/* Colours of the breath: fill, border, tone line. */
typedef struct breath_colour {
    const char *fill, *stroke, *line;
    const char *cls; /* the class of its blocks: "phase in" ... */
} breath_colour;

enum { B_IN, B_HOLD, B_OUT, B_NONE };
static const breath_colour breath[] = {
    {"#CFE2F3", "#3B76AD", "#1D568C", "in"},
    {"#F8E3B0", "#B5862A", "#7E5C12", "vast"},
    {"#D3EBDB", "#3E8C5C", "#256B40", "uit"},
    {"#E6E3EC", "#77708A", "#4A4458", "none"},
};

#define INK "#1A1A1A"
#define SOFT_INK "#555555"
#define RULE "#D0D0D0"
#define VOICE_INK "#2E3A4F"
#define BELL_INK "#8A6300"
#define PULSE_INK "#5B4A8B"
#define MARK_INK "#B03A2E"

/* What the legend shows (bits): only what the session uses. */
enum {
    U_NONE = 1 << 0, U_TONE = 1 << 1, U_VOICE = 1 << 2, U_COUNT = 1 << 3, U_BELL = 1 << 4,
    U_PULSE = 1 << 5, U_BROWN = 1 << 6, U_PINK = 1 << 7, U_MARK = 1 << 8, U_FOLD = 1 << 9,
    U_SESSION = 1 << 10
};

/* ---- The picture's state -------------------------------------------------- */

/* A stretch of real time drawn as it is, maybe followed by a fold. */
typedef struct seg {
    int64_t r0, r1;        /* real time, frames */
    double d0;             /* drawn start, seconds (after layout) */
    int newline;           /* starts a top-level session: drawn from a new line */
    int64_t fold_count;    /* > 0: a repeat of this many rounds folds after it */
    int64_t fold_frames;   /* the whole repeat's length */
    double fold_d;         /* drawn start of the repeat sign */
} seg;

/* Something drawn: an event and the segment it is drawn in. */
typedef struct item {
    tl_event ev;
    int seg;
} item;

typedef struct pic {
    FILE *f;
    const timeline *tl;
    const svg_options *o;
    int rate;
    int64_t total;
    item *items;
    size_t nitems, cap;
    seg *segs;
    int nsegs, segcap;
    int oom;
    unsigned used;
    double line_s, pxps, fold_s, drawn_total;
    int nlines;
    int header_h;
} pic;

/* ---- Output --------------------------------------------------------------- */

/* printf to the picture's file. */
static void out(pic *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* (see the prototype above) */
static void out(pic *p, const char *fmt, ...)
{
    if (!p->f)
        return; /* measuring only (see svg_write) */
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->f, fmt, ap);
    va_end(ap);
}

/* Length in bytes of the valid UTF-8 sequence at s (at most n bytes), or 0
 * when it is not one (invalid UTF-8, see utf8_decode, or U+FFFE/U+FFFF which
 * XML forbids). *cp gets the code point. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len = utf8_decode(s, n, cp);
    if (len && (*cp == 0xFFFE || *cp == 0xFFFF))
        return 0;
    return len;
}

/* Writes the first n bytes of s as XML text: markup characters as entities,
 * control characters as spaces, invalid UTF-8 as U+FFFD. */
static void out_text(pic *p, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    if (!p->f)
        return;
    while (i < n && u[i]) {
        uint32_t cp;
        size_t len = utf8_seq(u + i, n - i, &cp);
        if (len == 0) {
            fputs("\xEF\xBF\xBD", p->f);
            i++;
            continue;
        }
        switch (cp) {
        case '&': fputs("&amp;", p->f); break;
        case '<': fputs("&lt;", p->f); break;
        case '>': fputs("&gt;", p->f); break;
        case '"': fputs("&quot;", p->f); break;
        case '\'': fputs("&apos;", p->f); break;
        default:
            if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
                fputc(' ', p->f);
            else
                fwrite(u + i, 1, len, p->f);
        }
        i += len;
    }
}

/* ---- Text measure --------------------------------------------------------- */

/* Advance widths of ASCII 32..126 in thousandths of an em (DejaVu Sans). */
static const unsigned short ascii_w[95] = {
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, /* sp../ */
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, /* 0..? */
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, /* @..O */
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, /* P.._ */
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, /* `..o */
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838};     /* p..~ */

/* Estimated width in pixels of the first n bytes of s at `size` px; bold
 * text is about 12% wider. Other characters count 0.65 em. */
static double text_w(const char *s, size_t n, double size, int bold)
{
    const unsigned char *u = (const unsigned char *)s;
    double em = 0;
    size_t i = 0;
    while (i < n && u[i]) {
        uint32_t cp;
        size_t len = utf8_seq(u + i, n - i, &cp);
        if (len == 0)
            len = 1, cp = 0xFFFD;
        em += cp >= 32 && cp < 127 ? ascii_w[cp - 32] / 1000.0 : 0.65;
        i += len;
    }
    return em * size * (bold ? 1.12 : 1.0);
}

/* The width of "…". */
static double ellipsis_w(double size, int bold)
{
    return 0.82 * size * (bold ? 1.12 : 1.0);
}

/* How many bytes of s fit in `avail` px at `size`: all of it (then *cut is 0),
 * or a prefix to be followed by "…" (*cut = 1), cut after a word when that
 * keeps most of the room, never inside a UTF-8 sequence. 0 when not even one
 * character and the ellipsis fit. */
static size_t text_fit(const char *s, double size, int bold, double avail, int *cut)
{
    size_t n = strlen(s);
    *cut = 0;
    if (text_w(s, n, size, bold) <= avail)
        return n;
    *cut = 1;
    double room = avail - ellipsis_w(size, bold);
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, fit = 0, word = 0;
    double w = 0, word_w = 0, fit_w = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_seq(u + i, n - i, &cp);
        if (len == 0)
            len = 1, cp = 0xFFFD;
        w += text_w(s + i, len, size, bold);
        if (w > room)
            break;
        i += len;
        fit = i, fit_w = w;
        if (cp == ' ' && i > 1)
            word = i - 1, word_w = w;
    }
    if (word > 0 && word_w >= 0.6 * fit_w)
        fit = word;
    while (fit > 0 && (s[fit - 1] == ' ' || s[fit - 1] == ',' || s[fit - 1] == ';' ||
                       s[fit - 1] == ':' || s[fit - 1] == '.'))
        fit--;
    return fit;
}

/* Writes a <text> at (x, y) with the attributes attr, holding s fitted into
 * avail px (see text_fit). Writes nothing when nothing fits or min_chars
 * bytes would not. Returns the estimated width drawn (0 for none). */
static double out_label(pic *p, double x, double y, const char *attr, const char *s, double size,
                        int bold, double avail, size_t min_chars)
{
    int cut;
    size_t n = text_fit(s, size, bold, avail, &cut);
    if (n == 0 || (cut && n < min_chars))
        return 0;
    out(p, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%g\"%s %s>", x, y, size,
        bold ? " font-weight=\"bold\"" : "", attr);
    out_text(p, s, n);
    out(p, "%s</text>\n", cut ? "\xE2\x80\xA6" : "");
    return text_w(s, n, size, bold) + (cut ? ellipsis_w(size, bold) : 0);
}

/* ---- Words for people ------------------------------------------------------ */

/* Writes a length for people, in Dutch: "4 s", "5,3 s", "1 min 45 s",
 * "2 min", "1 uur 5 min". */
static void dutch_length(int64_t ms, char *buf, size_t n)
{
    if (ms < 60000 && ms % 1000 != 0) {
        int64_t tenths = (ms + 50) / 100;
        if (tenths % 10 != 0) {
            snprintf(buf, n, "%lld,%lld s", (long long)(tenths / 10), (long long)(tenths % 10));
            return;
        }
    }
    int64_t s = (ms + 500) / 1000;
    if (s < 60)
        snprintf(buf, n, "%lld s", (long long)s);
    else if (s < 3600 && s % 60)
        snprintf(buf, n, "%lld min %lld s", (long long)(s / 60), (long long)(s % 60));
    else if (s < 3600)
        snprintf(buf, n, "%lld min", (long long)(s / 60));
    else if ((s / 60) % 60)
        snprintf(buf, n, "%lld uur %lld min", (long long)(s / 3600), (long long)(s / 60 % 60));
    else
        snprintf(buf, n, "%lld uur", (long long)(s / 3600));
}

/* Writes a clock time "1:05" or "1:02:03" (whole seconds, rounded down). */
static void clock_label(double seconds, char *buf, size_t n)
{
    long long s = (long long)(seconds + 1e-6);
    if (s >= 3600)
        snprintf(buf, n, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, n, "%lld:%02lld", s / 60, s % 60);
}

/* Milliseconds in frames at the picture's rate (rounded). */
static int64_t ms_of(const pic *p, int64_t frames)
{
    return (frames * 1000 + p->rate / 2) / p->rate;
}

/* The breath a phase stands for, by its tone. */
static int breath_of(const tl_event *ev)
{
    switch (ev->tone) {
    case ADEM_TONE_RISE: return B_IN;
    case ADEM_TONE_STEADY: return B_HOLD;
    case ADEM_TONE_FALL: return B_OUT;
    default: return B_NONE;
    }
}

/* The words of a cue event (speak or a phase's cue=): the transcript's, or
 * the cue's ID. */
static const char *cue_words(const pic *p, int cue)
{
    const char *w = p->o->words ? p->o->words(p->o->words_ctx, cue) : NULL;
    return w && w[0] ? w : timeline_cue(p->tl, cue)->id;
}

/* ---- Pass 1: collect and fold ---------------------------------------------- */

/* Appends an item in segment `s`; sets p->oom when memory runs out. */
static void keep(pic *p, const tl_event *ev, int s)
{
    if (p->nitems == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        item *n = realloc(p->items, cap * sizeof *n);
        if (!n) {
            p->oom = 1;
            return;
        }
        p->items = n;
        p->cap = cap;
    }
    p->items[p->nitems].ev = *ev;
    p->items[p->nitems].seg = s;
    p->nitems++;
}

/* Starts a new segment at real frame r0; returns its index or -1 (oom). */
static int new_seg(pic *p, int64_t r0)
{
    if (p->nsegs == p->segcap) {
        int cap = p->segcap ? p->segcap * 2 : 16;
        seg *n = realloc(p->segs, (size_t)cap * sizeof *n);
        if (!n) {
            p->oom = 1;
            return -1;
        }
        p->segs = n;
        p->segcap = cap;
    }
    seg *s = &p->segs[p->nsegs];
    memset(s, 0, sizeof *s);
    s->r0 = s->r1 = r0;
    return p->nsegs++;
}

/* 1 when ev is drawn (as opposed to waits, repeats, the end). */
static int drawn_kind(const tl_event *ev)
{
    return ev->kind == TL_EV_PHASE || ev->kind == TL_EV_CUE || ev->kind == TL_EV_BELL ||
           ev->kind == TL_EV_BED || ev->kind == TL_EV_MARK || ev->kind == TL_EV_SESSION;
}

/* 1 when a and b are the same statement (the start of a repeat's round). */
static int same_statement(const tl_event *a, const tl_event *b)
{
    return a->kind == b->kind && a->file == b->file && a->loc.line == b->loc.line &&
           a->loc.col == b->loc.col && a->depth == b->depth && a->count_number == 0 &&
           b->count_number == 0;
}

/* Walks the timeline: keeps the drawn events and, when `fold` is set, leaves
 * out every round but the first of each outermost repeat of 2 or more rounds
 * (a repeat's second round starts when its first statement comes again). */
static void collect(pic *p, int fold)
{
    tl_cursor c;
    tl_event ev, rep, first;
    int cur = new_seg(p, 0);
    int in_rep = 0, have_first = 0, skipping = 0, sessions = 0;
    memset(&rep, 0, sizeof rep);
    memset(&first, 0, sizeof first);
    tl_cursor_init(&c, p->tl);
    while (!p->oom && tl_cursor_next(&c, &ev)) {
        if (in_rep && (ev.kind == TL_EV_END || ev.depth <= rep.depth)) {
            if (skipping && (cur = new_seg(p, rep.frame + rep.frames)) < 0)
                return;
            in_rep = skipping = 0;
        } else if (in_rep && !skipping) {
            if (!have_first) {
                first = ev;
                have_first = 1;
            } else if (same_statement(&ev, &first)) {
                /* the second round starts: fold the rest of the repeat */
                seg *s = &p->segs[cur];
                s->r1 = ev.frame;
                s->fold_count = rep.repeat_count;
                s->fold_frames = rep.frames;
                skipping = 1;
                p->used |= U_FOLD;
            }
        }
        if (ev.kind == TL_EV_END)
            break;
        if (skipping) {
            if (ev.kind == TL_EV_BED)
                keep(p, &ev, -1); /* beds count in real time, also unseen */
            continue;
        }
        if (fold && !in_rep && ev.kind == TL_EV_REPEAT && ev.repeat_count >= 2) {
            in_rep = 1;
            have_first = 0;
            rep = ev;
        }
        if (ev.kind == TL_EV_SESSION && ev.depth == 0 && sessions++ > 0) {
            /* the next top-level session: a new segment, drawn from a new line */
            p->segs[cur].r1 = ev.frame;
            if ((cur = new_seg(p, ev.frame)) < 0)
                return;
            p->segs[cur].newline = 1;
        }
        if (drawn_kind(&ev) && !(ev.kind == TL_EV_SESSION && ev.depth == 0 && sessions == 1))
            keep(p, &ev, cur);
    }
    if (cur >= 0 && cur < p->nsegs)
        p->segs[cur].r1 = p->total;
}

/* ---- Pass 2: layout ---------------------------------------------------------- */

/* Places the segments on lines of `line_s` seconds: drawn time runs through
 * the segments, with room for each repeat sign (moved to the next line when
 * it would not fit on this one). */
static void place(pic *p, double line_s)
{
    p->line_s = line_s;
    p->pxps = (X1 - X0) / line_s;
    p->fold_s = FOLD_PX / p->pxps;
    double d = 0;
    for (int k = 0; k < p->nsegs; k++) {
        seg *s = &p->segs[k];
        if (s->newline) {
            double line_start = floor(d / line_s + 1e-9) * line_s;
            if (d - line_start > 1e-9)
                d = line_start + line_s;
        }
        s->d0 = d;
        d += (double)(s->r1 - s->r0) / p->rate;
        if (s->fold_count > 0) {
            double line_start = floor(d / line_s + 1e-9) * line_s;
            if (d - line_start > 1e-9 && d - line_start + p->fold_s > line_s + 1e-9)
                d = line_start + line_s;
            s->fold_d = d;
            d += p->fold_s;
        }
    }
    p->drawn_total = d;
    p->nlines = (int)ceil(d / line_s - 1e-9);
    if (p->nlines < 1)
        p->nlines = 1;
}

/* The shortest drawn phase in seconds (0 when there is none). */
static double shortest_phase(const pic *p)
{
    double m = 0;
    for (size_t i = 0; i < p->nitems; i++) {
        const item *it = &p->items[i];
        if (it->ev.kind != TL_EV_PHASE || it->seg < 0)
            continue;
        double s = (double)it->ev.frames / p->rate;
        if (m == 0 || s < m)
            m = s;
    }
    return m;
}

/* Chooses the line length: 30 s for the shortest sessions, else the shortest
 * of 1, 2, 3, 5 ... minutes that keeps the picture within MAX_LINES lines;
 * 2 minutes instead of 1 when 1-minute lines would not fit on one A4 page
 * and every phase stays wide enough for its words (long phases, as in a
 * relaxation, would otherwise fill many sparse lines). */
static void layout(pic *p)
{
    size_t n = sizeof line_ladder / sizeof line_ladder[0];
    size_t i = (double)p->total / p->rate <= line_ladder[0] ? 0 : 1;
    for (; i < n; i++) {
        place(p, line_ladder[i]);
        if (p->nlines <= MAX_LINES)
            break;
    }
    double shortest = shortest_phase(p);
    if (i == 1 && p->nlines > PAGE_LINES && shortest > 0 &&
        shortest * (X1 - X0) / line_ladder[2] >= WIDE_PHASE_PX)
        place(p, line_ladder[2]);
}

/* Drawn time of real frame `fr` inside segment s. */
static double drawn_at(const pic *p, int s, int64_t fr)
{
    const seg *g = &p->segs[s];
    return g->d0 + (double)(fr - g->r0) / p->rate;
}

/* The line that drawn time d falls on (a point at a line's end belongs to it
 * when `end` is set, else to the next). */
static int line_of(const pic *p, double d, int end)
{
    double q = d / p->line_s;
    int l = (int)floor(q + 1e-9);
    if (end && l > 0 && fabs(q - l) < 1e-9)
        l--;
    if (l >= p->nlines)
        l = p->nlines - 1;
    return l < 0 ? 0 : l;
}

/* x of drawn time d on line l. */
static double x_at(const pic *p, double d, int l)
{
    return X0 + (d - l * p->line_s) * p->pxps;
}

/* y of the top of line l. */
static double line_y(const pic *p, int l)
{
    return p->header_h + (double)l * LINE_H;
}

/* Calls fn for every piece of the real span [a, b) that is drawn: one call per
 * segment and line, with the piece's real start and end and its line. */
typedef void (*piece_fn)(pic *p, int64_t a, int64_t b, int seg, int line, void *ctx);
static void each_piece(pic *p, int64_t a, int64_t b, piece_fn fn, void *ctx)
{
    for (int k = 0; k < p->nsegs; k++) {
        const seg *g = &p->segs[k];
        int64_t pa = a > g->r0 ? a : g->r0, pb = b < g->r1 ? b : g->r1;
        if (pb <= pa)
            continue;
        double da = drawn_at(p, k, pa), db = drawn_at(p, k, pb);
        int la = line_of(p, da, 0), lb = line_of(p, db, 1);
        for (int l = la; l <= lb; l++) {
            double ls = l * p->line_s, le = ls + p->line_s;
            double qa = da > ls ? da : ls, qb = db < le ? db : le;
            if (qb <= qa)
                continue;
            int64_t ra = g->r0 + (int64_t)llround((qa - g->d0) * p->rate);
            int64_t rb = g->r0 + (int64_t)llround((qb - g->d0) * p->rate);
            fn(p, ra < pa ? pa : ra, rb > pb ? pb : rb, k, l, ctx);
        }
    }
}

/* ---- Drawing: phases ------------------------------------------------------------ */

/* y of a tone of hz in the tone band of a phase block at top y. */
static double tone_y(double top, double hz)
{
    const double lo = log(140.0), hi = log(300.0);
    double t = hz > 0 ? (log(hz) - lo) / (hi - lo) : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double y_lo = top + PHASE_H - 10, y_hi = top + 46;
    return y_lo - t * (y_lo - y_hi);
}

/* Draws one piece of a phase block (a phase may run on to the next line):
 * the block and the tone line. */
static void phase_piece(pic *p, int64_t a, int64_t b, int s, int l, void *ctx)
{
    const tl_event *ev = ctx;
    const breath_colour *bc = &breath[breath_of(ev)];
    double top = line_y(p, l) + PHASE_TOP;
    double xa = x_at(p, drawn_at(p, s, a), l), xb = x_at(p, drawn_at(p, s, b), l);
    double w = xb - xa - 2;
    if (w < 1)
        w = 1;
    out(p, "<rect class=\"phase %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"4\" "
           "fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
        bc->cls, xa + 1, top, w, PHASE_H, bc->fill, bc->stroke);
    if (ev->tone != ADEM_TONE_NONE && w > 8) {
        double t0 = (double)(a - ev->frame) / (double)ev->frames;
        double t1 = (double)(b - ev->frame) / (double)ev->frames;
        double f0 = ev->f_from + (ev->f_to - ev->f_from) * t0;
        double f1 = ev->f_from + (ev->f_to - ev->f_from) * t1;
        out(p, "<line class=\"tone\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
               "stroke-width=\"3\" stroke-linecap=\"round\"/>\n",
            xa + 5, tone_y(top, f0), xb - 5, tone_y(top, f1), bc->line);
    }
}

/* Writes the label and the length of a phase into a piece from xa, width w
 * (as much of them as fits). */
static void phase_words(pic *p, const tl_event *ev, double xa, double w, double top)
{
    char len[48], line2[96];
    dutch_length(ms_of(p, ev->frames), len, sizeof len);
    if (ev->bpm)
        snprintf(line2, sizeof line2, "%s \xC2\xB7 %d/min", len, ev->bpm);
    else
        snprintf(line2, sizeof line2, "%s", len);
    double avail = w - 10;
    if (avail < 14)
        return;
    const char *label = ev->label ? ev->label : "";
    out_label(p, xa + 6, top + 20, "class=\"label\" fill=\"" INK "\"", label, 15, 1, avail, 3);
    if (out_label(p, xa + 6, top + 37, "class=\"length\" fill=\"" INK "\"", line2, 13, 0, avail, 6) == 0)
        out_label(p, xa + 6, top + 37, "class=\"length\" fill=\"" INK "\"", len, 13, 0, avail, 100);
}

/* Piece callback for phases (ctx: the phase): the block, then its words on
 * every piece with room for them (a score repeats them on each line). */
static void phase_cb(pic *p, int64_t a, int64_t b, int s, int l, void *ctx)
{
    const tl_event *ev = ctx;
    phase_piece(p, a, b, s, l, ctx);
    double top = line_y(p, l) + PHASE_TOP;
    double xa = x_at(p, drawn_at(p, s, a), l), xb = x_at(p, drawn_at(p, s, b), l);
    phase_words(p, ev, xa, xb - xa, top);
}

/* Draws a count=down number at the bottom of its phase block, centred just
 * after its beat: 13 px, or 10 px when the beats are close; left out when it
 * would touch the number before (*right: where that one ends, on *line). */
static void draw_count(pic *p, const item *it, double *right, int *line)
{
    double d = drawn_at(p, it->seg, it->ev.frame);
    int l = line_of(p, d, 0);
    double size = p->pxps >= 22 ? 13 : 10;
    double x = x_at(p, d, l) + 9, top = line_y(p, l) + PHASE_TOP;
    char num[16];
    snprintf(num, sizeof num, "%d", it->ev.count_number);
    double w = text_w(num, strlen(num), size, 1);
    p->used |= U_COUNT;
    if (l == *line && x - w / 2 < *right + 0.5)
        return;
    out(p, "<text class=\"count\" x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" font-weight=\"bold\" "
           "text-anchor=\"middle\" fill=\"" VOICE_INK "\">%s</text>\n",
        x, top + PHASE_H - 6, size, num);
    *right = x + w / 2;
    *line = l;
}

/* Draws every phase, then the count=down numbers on top. */
static void draw_phases(pic *p)
{
    out(p, "<g id=\"fasen\">\n");
    for (size_t i = 0; i < p->nitems; i++) {
        const item *it = &p->items[i];
        if (it->ev.kind != TL_EV_PHASE || it->seg < 0 || it->ev.frames <= 0)
            continue;
        if (breath_of(&it->ev) == B_NONE)
            p->used |= U_NONE;
        if (it->ev.tone != ADEM_TONE_NONE)
            p->used |= U_TONE;
        each_piece(p, it->ev.frame, it->ev.frame + it->ev.frames, phase_cb, (void *)&it->ev);
    }
    double right = 0;
    int line = -1;
    for (size_t i = 0; i < p->nitems; i++)
        if (p->items[i].ev.kind == TL_EV_CUE && p->items[i].ev.count_number && p->items[i].seg >= 0)
            draw_count(p, &p->items[i], &right, &line);
    out(p, "</g>\n");
}

/* ---- Labels that run on ------------------------------------------------------------ */

/* The x where a label that starts at x on line l must end: before the next
 * label's start next_d (drawn time; < 0 for none) minus gap when that is on
 * line l, before a repeat sign on line l, else at the right margin. */
static double label_limit(const pic *p, int l, double x, double next_d, double gap)
{
    double limit = X1 + 24;
    if (next_d >= 0 && line_of(p, next_d, 0) == l && x_at(p, next_d, l) - gap < limit)
        limit = x_at(p, next_d, l) - gap;
    for (int k = 0; k < p->nsegs; k++) {
        const seg *g = &p->segs[k];
        if (g->fold_count <= 0 || line_of(p, g->fold_d, 0) != l)
            continue;
        double xf = x_at(p, g->fold_d, l) - 4;
        if (xf > x && xf < limit)
            limit = xf;
    }
    return limit;
}

/* Where a label starting at x on line l goes: there, or at the start of the
 * next line when there is little room left on this one and more on the next
 * (not before `busy`, where a label carried there before ends). Sets *cx and
 * *cl and returns the limit at that place. */
static double label_place(const pic *p, int l, double x, double limit, double next_d, double gap,
                          double busy, double *cx, int *cl)
{
    *cx = x;
    *cl = l;
    if (limit - x >= CARRY_PX || l + 1 >= p->nlines)
        return limit;
    double x2 = X0 + 4;
    double lim2 = label_limit(p, l + 1, x2, next_d, gap);
    if (x2 > busy && lim2 - x2 > limit - x) {
        *cx = x2;
        *cl = l + 1;
        return lim2;
    }
    return limit;
}

/* ---- Drawing: voice ---------------------------------------------------------------- */

/* 1 when item i is a spoken cue drawn in the voice row (speak, or a phase's
 * cue=; count=down numbers are drawn in the phase). */
static int is_voice(const item *it)
{
    if (it->seg < 0 || it->ev.cue < 0)
        return 0;
    return (it->ev.kind == TL_EV_CUE && !it->ev.count_number) || it->ev.kind == TL_EV_PHASE;
}

/* Piece callback: a cue's length as a bar in its lane (ctx: the lane's top y
 * offset inside the line, as an int). */
static void cue_bar(pic *p, int64_t a, int64_t b, int s, int l, void *ctx)
{
    int lane = *(const int *)ctx;
    double y = line_y(p, l) + VOICE_TOP + lane * LANE_H + 18;
    double xa = x_at(p, drawn_at(p, s, a), l), xb = x_at(p, drawn_at(p, s, b), l);
    out(p, "<rect class=\"cue-length\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"3\" "
           "fill=\"" VOICE_INK "\" fill-opacity=\"0.35\"/>\n",
        xa, y, xb - xa > 1 ? xb - xa : 1);
}

/* Draws the spoken cues: a flag at the start, the length as a bar, the words
 * beside the flag, on two alternating lanes; the words may run on until the
 * next cue in the same lane (or the line's end). */
static void draw_voice(pic *p)
{
    out(p, "<g id=\"stem\">\n");
    int k = 0;
    size_t *order = malloc((p->nitems ? p->nitems : 1) * sizeof *order);
    if (!order) {
        p->oom = 1;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < p->nitems; i++)
        if (is_voice(&p->items[i]))
            order[n++] = i;
    /* per lane: the line and x where the last words carried to a line end */
    int carried_line[2] = {-1, -1};
    double carried_end[2] = {0, 0};
    for (size_t j = 0; j < n; j++, k ^= 1) {
        const item *it = &p->items[order[j]];
        int lane = k;
        int64_t len = it->ev.cue_frames > 0 ? it->ev.cue_frames : 1;
        each_piece(p, it->ev.frame, it->ev.frame + len, cue_bar, &lane);
        double d = drawn_at(p, it->seg, it->ev.frame);
        int l = line_of(p, d, 0);
        double x = x_at(p, d, l), y = line_y(p, l) + VOICE_TOP + lane * LANE_H;
        double next_d = -1;
        if (j + 2 < n) {
            const item *nx = &p->items[order[j + 2]];
            next_d = drawn_at(p, nx->seg, nx->ev.frame);
        }
        out(p, "<rect class=\"cue\" x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"%d\" fill=\"" VOICE_INK
               "\"/>\n",
            x - 1, y + 2, LANE_H - 3);
        double limit = label_limit(p, l, x, next_d, 6), tx;
        int tl;
        double busy = carried_line[lane] == l + 1 ? carried_end[lane] : -1;
        limit = label_place(p, l, x + 6, limit, next_d, 6, busy, &tx, &tl);
        const char *words = cue_words(p, it->ev.cue);
        if (tl == l) {
            out_label(p, tx, y + 15, "class=\"words\" fill=\"" VOICE_INK "\"", words, 14, 0,
                      limit - tx, 4);
        } else {
            /* run on at the next line's start, marked as carried on */
            char buf[1024];
            snprintf(buf, sizeof buf, "\xE2\x80\xA6 %s", words);
            double ty = line_y(p, tl) + VOICE_TOP + lane * LANE_H + 15;
            double w = out_label(p, tx, ty, "class=\"words\" fill=\"" VOICE_INK "\"", buf, 14, 0,
                                 limit - tx, 6);
            carried_line[lane] = tl;
            carried_end[lane] = tx + w;
        }
        p->used |= U_VOICE;
    }
    free(order);
    out(p, "</g>\n");
}

/* ---- Drawing: sound ---------------------------------------------------------------- */

/* Draws a bell glyph centred at x, its top at y (`cls`: its class, e.g. "bell"
 * for a strike, "" for the legend's). */
static void bell_at(pic *p, double x, double y, const char *cls)
{
    out(p, "<path class=\"%s\" d=\"M%.1f %.1fh16l-2.5-3.5v-5.5a5.5 5.5 0 0 0-11 0v5.5z\" "
           "fill=\"" BELL_INK "\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"" BELL_INK "\"/>"
           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" BELL_INK "\" "
           "stroke-width=\"1.5\"/>\n",
        cls, x - 8, y + 14, x, y + 16.5, x, y - 1, x, y + 2.5);
}

/* Piece callback: the dots of a pulse (ctx: the phase). */
static void pulse_piece(pic *p, int64_t a, int64_t b, int s, int l, void *ctx)
{
    const tl_event *ev = ctx;
    double period = 60.0 / ev->bpm; /* seconds between beats */
    /* the first beat in the piece: beats are at phase start + k * period */
    double ta = (double)(a - ev->frame) / p->rate, tb = (double)(b - ev->frame) / p->rate;
    double k0 = ceil(ta / period - 1e-9);
    double first = k0 * period;
    if (first >= tb)
        return;
    double y = line_y(p, l) + SOUND_TOP + 9;
    double xa = x_at(p, drawn_at(p, s, ev->frame) + first, l);
    double xb = x_at(p, drawn_at(p, s, b), l);
    double gap = period * p->pxps;
    if (gap < 4) {
        out(p, "<line class=\"pulse\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" PULSE_INK
               "\" stroke-width=\"4\" stroke-opacity=\"0.6\"/>\n",
            xa, y, xb, y);
        return;
    }
    /* one round-capped zero-length dash per beat, the dots never touching */
    double dot = gap * 0.6 < 6 ? gap * 0.6 : 6;
    out(p, "<line class=\"pulse\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" PULSE_INK
           "\" stroke-width=\"%.1f\" stroke-linecap=\"round\" stroke-dasharray=\"0 %.3f\"/>\n",
        xa, y, xb, y, dot, gap);
}

/* One stretch of a bed: its noise, start, end (of the sound, before the
 * fade-out) in real frames. */
typedef struct bed_span {
    adem_noise noise;
    int64_t on, off, fade;
} bed_span;

/* The bed's level (0..1) at real frame t: fades in and out linearly. */
static double bed_level(const bed_span *b, int64_t t)
{
    double in = (double)(t - b->on) / (double)b->fade;
    double out_ = 1.0 - (double)(t - b->off) / (double)b->fade;
    double v = in < 1 ? in : 1;
    if (t > b->off)
        v = out_ < v ? out_ : v;
    return v < 0 ? 0 : v;
}

/* Piece callback: the band of a bed (ctx: bed_span), its height following
 * the fades. */
static void bed_piece(pic *p, int64_t a, int64_t b, int s, int l, void *ctx)
{
    const bed_span *bs = ctx;
    double base = line_y(p, l) + SOUND_TOP + SOUND_H - 1, h = 9;
    int64_t pts[6];
    int n = 0;
    pts[n++] = a;
    int64_t brk[3] = {bs->on + bs->fade, bs->off, bs->off + bs->fade};
    for (int i = 0; i < 3; i++)
        if (brk[i] > a && brk[i] < b && (n == 1 || brk[i] > pts[n - 1]))
            pts[n++] = brk[i];
    pts[n++] = b;
    out(p, "<path class=\"bed %s\" d=\"M%.1f %.1f", bs->noise == ADEM_NOISE_PINK ? "pink" : "brown",
        x_at(p, drawn_at(p, s, a), l), base);
    for (int i = 0; i < n; i++)
        out(p, "L%.1f %.1f", x_at(p, drawn_at(p, s, pts[i]), l), base - h * bed_level(bs, pts[i]));
    out(p, "L%.1f %.1fZ\" fill=\"%s\"/>\n", x_at(p, drawn_at(p, s, b), l), base,
        bs->noise == ADEM_NOISE_PINK ? "#E3A1C0" : "#A88B6A");
}

/* Draws beds, bells and pulses. */
static void draw_sound(pic *p)
{
    out(p, "<g id=\"klank\">\n");
    int64_t fade = (int64_t)SYNTH_BED_FADE_SECONDS * p->rate;
    bed_span cur = {ADEM_NOISE_OFF, 0, 0, fade};
    for (size_t i = 0; i <= p->nitems; i++) {
        const tl_event *ev = i < p->nitems ? &p->items[i].ev : NULL;
        if (ev && ev->kind != TL_EV_BED)
            continue;
        if (cur.noise != ADEM_NOISE_OFF) {
            cur.off = ev ? ev->frame : p->total;
            int64_t end = cur.off + fade < p->total ? cur.off + fade : p->total;
            if (end > cur.on)
                each_piece(p, cur.on, end, bed_piece, &cur);
            p->used |= cur.noise == ADEM_NOISE_PINK ? U_PINK : U_BROWN;
        }
        if (ev) {
            cur.noise = ev->noise;
            cur.on = ev->frame;
            cur.off = INT64_MAX / 4;
        }
    }
    for (size_t i = 0; i < p->nitems; i++) {
        const item *it = &p->items[i];
        if (it->seg < 0)
            continue;
        if (it->ev.kind == TL_EV_BELL) {
            double d = drawn_at(p, it->seg, it->ev.frame);
            int l = line_of(p, d, 1);
            bell_at(p, x_at(p, d, l), line_y(p, l) + SOUND_TOP + 1, "bell");
            p->used |= U_BELL;
        } else if (it->ev.kind == TL_EV_PHASE && it->ev.bpm > 0 && it->ev.frames > 0) {
            each_piece(p, it->ev.frame, it->ev.frame + it->ev.frames, pulse_piece,
                       (void *)&it->ev);
            p->used |= U_PULSE;
        }
    }
    out(p, "</g>\n");
}

/* ---- Drawing: marks, sessions, repeat signs ----------------------------------------------- */

/* Draws marks and played sessions: a vertical line through the rows and a
 * label above, running on until the next label on the line. */
static void draw_marks(pic *p)
{
    out(p, "<g id=\"markeringen\">\n");
    for (size_t i = 0; i < p->nitems; i++) {
        const item *it = &p->items[i];
        if (it->seg < 0 || (it->ev.kind != TL_EV_MARK && it->ev.kind != TL_EV_SESSION))
            continue;
        int mark = it->ev.kind == TL_EV_MARK;
        double d = drawn_at(p, it->seg, it->ev.frame);
        int l = line_of(p, d, 0);
        double x = x_at(p, d, l), y = line_y(p, l);
        double next_d = -1;
        for (size_t j = i + 1; j < p->nitems; j++) {
            const item *nx = &p->items[j];
            if (nx->seg < 0 || (nx->ev.kind != TL_EV_MARK && nx->ev.kind != TL_EV_SESSION))
                continue;
            next_d = drawn_at(p, nx->seg, nx->ev.frame);
            break;
        }
        const char *ink = mark ? MARK_INK : SOFT_INK;
        out(p, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
               "stroke-width=\"2\"%s/>\n",
            mark ? "mark" : "session", x, y + 3, x, y + SOUND_TOP + SOUND_H,
            ink, mark ? " stroke-dasharray=\"6 4\"" : "");
        out(p, "<path d=\"M%.1f %.1fl5 5l-5 5z\" fill=\"%s\"/>\n", x, y + 4, ink);
        char label[512];
        snprintf(label, sizeof label, "%s%s", mark ? "" : "sessie: ", it->ev.label ? it->ev.label : "");
        double tx;
        int tl;
        double limit = label_place(p, l, x + 8, label_limit(p, l, x, next_d, 8), next_d, 8, -1, &tx,
                                   &tl);
        char run_on[520];
        snprintf(run_on, sizeof run_on, "%s%s", tl != l ? "\xE2\x80\xA6 " : "", label);
        out_label(p, tx, line_y(p, tl) + MARK_Y,
                  mark ? "class=\"mark-label\" fill=\"" MARK_INK "\""
                       : "class=\"session-label\" fill=\"" SOFT_INK "\"",
                  run_on, 14, 1, limit - tx, 3);
        p->used |= mark ? U_MARK : U_SESSION;
    }
    out(p, "</g>\n");
}

/* Draws the repeat sign of each fold: the sign, "x N", "rondes", and the
 * length of the whole repeat. */
static void draw_folds(pic *p)
{
    for (int k = 0; k < p->nsegs; k++) {
        const seg *g = &p->segs[k];
        if (g->fold_count <= 0)
            continue;
        int l = line_of(p, g->fold_d, 0);
        double x = x_at(p, g->fold_d, l), y = line_y(p, l);
        char n[32], len[48];
        snprintf(n, sizeof n, "\xC3\x97 %lld", (long long)g->fold_count);
        dutch_length(ms_of(p, g->fold_frames), len, sizeof len);
        out(p, "<g class=\"fold\">\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" "
               "fill=\"#F1F1F1\"/>\n",
            x + 2, y + PHASE_TOP, FOLD_PX - 4, SOUND_TOP + SOUND_H - PHASE_TOP);
        /* the end-of-repeat sign: two dots, a thin and a thick bar */
        double cy = y + PHASE_TOP + PHASE_H / 2.0;
        out(p, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"" INK "\"/>"
               "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"" INK "\"/>\n"
               "<rect x=\"%.1f\" y=\"%.1f\" width=\"2\" height=\"%d\" fill=\"" INK "\"/>"
               "<rect x=\"%.1f\" y=\"%.1f\" width=\"5\" height=\"%d\" fill=\"" INK "\"/>\n",
            x + 9, cy - 9, x + 9, cy + 9, x + 15, y + PHASE_TOP, PHASE_H, x + 20, y + PHASE_TOP,
            PHASE_H);
        double room = FOLD_PX - 34, size = 24;
        while (size > 12 && text_w(n, strlen(n), size, 1) > room)
            size -= 2;
        out(p, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" font-weight=\"bold\" fill=\"" INK
               "\">",
            x + 30, y + PHASE_TOP + 28, size);
        out_text(p, n, strlen(n));
        out(p, "</text>\n<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"" INK
               "\">rondes, samen</text>\n",
            x + 30, y + PHASE_TOP + 48);
        out_label(p, x + 30, y + PHASE_TOP + 66, "fill=\"" INK "\"", len, 13, 0, room, 100);
        out(p, "</g>\n");
    }
}

/* ---- Drawing: lines, axis, header -------------------------------------------------------- */

/* Picks a step from `steps` (seconds) at least min_px apart at this scale. */
static double pick_step(const pic *p, const double *steps, size_t n, double min_px)
{
    for (size_t i = 0; i < n; i++)
        if (steps[i] * p->pxps >= min_px)
            return steps[i];
    return steps[n - 1];
}

typedef struct axis_ctx {
    double minor, major;
    double last_label_x; /* right end of the last label on this line */
    double end_x;        /* x of the session's end on this line, or -1 */
} axis_ctx;

/* Piece callback: ticks and time labels of the axis for a piece. */
static void axis_piece(pic *p, int64_t a, int64_t b, int s, int l, void *ctx)
{
    axis_ctx *ac = ctx;
    double y = line_y(p, l) + AXIS_Y;
    double ta = (double)a / p->rate, tb = (double)b / p->rate;
    double xa = x_at(p, drawn_at(p, s, a), l), xb = x_at(p, drawn_at(p, s, b), l);
    out(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" SOFT_INK
           "\" stroke-width=\"1.5\"/>\n",
        xa, y, xb, y);
    char lab[32];
    /* a label where the piece starts off the grid (after a fold) */
    double first_major = ceil(ta / ac->major - 1e-9) * ac->major;
    if (ta > 0 && fabs(first_major - ta) > 1e-6 && (first_major - ta) * p->pxps > 70 &&
        xa > ac->last_label_x + 8) {
        clock_label(ta, lab, sizeof lab);
        out(p, "<text class=\"time\" x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"" SOFT_INK
               "\">%s</text>\n",
            xa + 2, y + 22, lab);
        ac->last_label_x = xa + 2 + text_w(lab, strlen(lab), 13, 0);
    }
    for (double t = ceil(ta / ac->minor - 1e-9) * ac->minor; t <= tb + 1e-9; t += ac->minor) {
        double x = x_at(p, drawn_at(p, s, (int64_t)llround(t * p->rate)), l);
        double q = t / ac->major;
        int major = fabs(q - floor(q + 0.5)) < 1e-6;
        out(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" SOFT_INK
               "\" stroke-width=\"%s\"/>\n",
            x, y, x, y + (major ? 8 : 4), major ? "1.5" : "1");
        if (!major)
            continue;
        clock_label(t, lab, sizeof lab);
        double w = text_w(lab, strlen(lab), 13, 0);
        if (x - w / 2 < ac->last_label_x + 8 || (ac->end_x >= 0 && x + w / 2 > ac->end_x - 60 &&
                                                  x - w / 2 < ac->end_x + 60))
            continue;
        out(p, "<text class=\"time\" x=\"%.1f\" y=\"%.1f\" font-size=\"13\" text-anchor=\"middle\" "
               "fill=\"" SOFT_INK "\">%s</text>\n",
            x, y + 22, lab);
        ac->last_label_x = x + w / 2;
    }
}

/* Draws each line's row names, row rules and time axis, and the end. */
static void draw_lines(pic *p)
{
    static const double majors[] = {5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200};
    static const double minors[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800};
    axis_ctx ac;
    ac.major = pick_step(p, majors, sizeof majors / sizeof majors[0], 150);
    ac.minor = ac.major;
    for (size_t i = 0; i < sizeof minors / sizeof minors[0]; i++) {
        double q = ac.major / minors[i];
        if (minors[i] * p->pxps >= 12 && fabs(q - floor(q + 0.5)) < 1e-9) {
            ac.minor = minors[i];
            break;
        }
    }
    double end_d = p->nsegs ? drawn_at(p, p->nsegs - 1, p->segs[p->nsegs - 1].r1) : 0;
    int end_l = line_of(p, end_d, 1);
    out(p, "<g id=\"regels\">\n");
    for (int l = 0; l < p->nlines; l++) {
        double y = line_y(p, l);
        double right = l == end_l ? x_at(p, end_d, l) : X1;
        if (l == p->nlines - 1 && p->drawn_total > end_d)
            right = x_at(p, p->drawn_total, l);
        static const char *const names[] = {"fase", "stem", "klank", "tijd"};
        const double name_y[] = {PHASE_TOP + PHASE_H / 2.0 + 5, VOICE_TOP + LANE_H + 5,
                                 SOUND_TOP + SOUND_H / 2.0 + 5, AXIS_Y + 5};
        for (int r = 0; r < 4; r++)
            out(p, "<text x=\"%d\" y=\"%.1f\" font-size=\"13\" text-anchor=\"end\" fill=\"" SOFT_INK
                   "\">%s</text>\n",
                X0 - 12, y + name_y[r], names[r]);
        out(p, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" RULE
               "\" stroke-width=\"1\"/>\n",
            X0, y + VOICE_TOP + 2 * LANE_H + 3, right, y + VOICE_TOP + 2 * LANE_H + 3);
        out(p, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" RULE
               "\" stroke-width=\"1\"/>\n",
            X0, y + SOUND_TOP + SOUND_H, right, y + SOUND_TOP + SOUND_H);
    }
    for (int l = 0; l < p->nlines; l++) {
        ac.last_label_x = -1e9;
        ac.end_x = l == end_l ? x_at(p, end_d, l) : -1;
        /* the axis of line l: pieces of every segment that fall on it */
        for (int k = 0; k < p->nsegs; k++) {
            const seg *g = &p->segs[k];
            double da = g->d0, db = drawn_at(p, k, g->r1);
            double ls = l * p->line_s, le = ls + p->line_s;
            if (db <= ls || da >= le || db <= da)
                continue;
            double qa = da > ls ? da : ls, qb = db < le ? db : le;
            int64_t ra = g->r0 + (int64_t)llround((qa - da) * p->rate);
            int64_t rb = g->r0 + (int64_t)llround((qb - da) * p->rate);
            axis_piece(p, ra, rb, k, l, &ac);
        }
    }
    /* the end of the session */
    char lab[64], len[48];
    clock_label((double)((ms_of(p, p->total) + 500) / 1000), len, sizeof len);
    snprintf(lab, sizeof lab, "einde %s", len);
    double x = x_at(p, end_d, end_l), y = line_y(p, end_l);
    out(p, "<line class=\"end\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" INK
           "\" stroke-width=\"3\"/>\n"
           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" INK
           "\" stroke-width=\"3\"/>\n",
        x, y + PHASE_TOP, x, y + PHASE_TOP + PHASE_H, x, y + AXIS_Y - 6, x, y + AXIS_Y + 8);
    double w = text_w(lab, strlen(lab), 13, 1);
    const char *anchor = x + w / 2 > SVG_WIDTH - 4 ? "end" : x - w / 2 < X0 ? "start" : "middle";
    out(p, "<text class=\"end-label\" x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\" "
           "text-anchor=\"%s\" fill=\"" INK "\">%s</text>\n</g>\n",
        x, y + AXIS_Y + 22, anchor, lab);
}

/* Draws one legend entry: a symbol (kind) and its words at x; returns the x
 * after it. */
static double legend_entry(pic *p, double x, double y, int kind, const char *words)
{
    switch (kind) {
    case 0: case 1: case 2: case 3: /* a breath swatch with its tone */
        out(p, "<rect x=\"%.1f\" y=\"%.1f\" width=\"34\" height=\"18\" rx=\"3\" fill=\"%s\" "
               "stroke=\"%s\" stroke-width=\"1.5\"/>\n",
            x, y - 14, breath[kind].fill, breath[kind].stroke);
        if (kind != B_NONE)
            out(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"2.5\" stroke-linecap=\"round\"/>\n",
                x + 5, y + (kind == B_IN ? 0 : kind == B_OUT ? -10 : -6), x + 29,
                y + (kind == B_IN ? -10 : kind == B_OUT ? 0 : -6), breath[kind].line);
        x += 40;
        break;
    case 4: /* voice */
        out(p, "<rect x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"18\" fill=\"" VOICE_INK "\"/>"
               "<rect x=\"%.1f\" y=\"%.1f\" width=\"26\" height=\"3\" fill=\"" VOICE_INK "\" "
               "fill-opacity=\"0.35\"/>\n",
            x, y - 14, x + 1, y + 1);
        x += 32;
        break;
    case 5: /* bell */
        bell_at(p, x + 8, y - 15, "legend");
        x += 22;
        break;
    case 6: /* pulse */
        out(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" PULSE_INK "\" "
               "stroke-width=\"6\" stroke-linecap=\"round\" stroke-dasharray=\"0 11\"/>\n",
            x + 3, y - 5, x + 26, y - 5);
        x += 36;
        break;
    case 7: case 8: /* bed */
        out(p, "<path d=\"M%.1f %.1fl8 -9h18l8 9z\" fill=\"%s\"/>\n", x, y + 1,
            kind == 7 ? "#A88B6A" : "#E3A1C0");
        x += 40;
        break;
    case 9: /* mark */
        out(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" MARK_INK "\" "
               "stroke-width=\"2\" stroke-dasharray=\"5 3\"/><path d=\"M%.1f %.1fl5 5l-5 5z\" "
               "fill=\"" MARK_INK "\"/>\n",
            x + 2, y - 16, x + 2, y + 3, x + 2, y - 16);
        x += 14;
        break;
    case 10: /* fold */
        out(p, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"16\" font-weight=\"bold\" fill=\"" INK
               "\">\xC3\x97 N</text>\n",
            x, y);
        x += 40;
        break;
    case 11: /* count */
        out(p, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\" fill=\"" VOICE_INK
               "\">3 2 1</text>\n",
            x, y);
        x += 40;
        break;
    }
    out(p, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" fill=\"" INK "\">", x, y);
    out_text(p, words, strlen(words));
    out(p, "</text>\n");
    return x + text_w(words, strlen(words), 14, 0) + 26;
}

/* Draws the title, the length, the subtitle and the legend. */
static void draw_header(pic *p)
{
    char len[64], total[96];
    dutch_length(ms_of(p, p->total), len, sizeof len);
    snprintf(total, sizeof total, "Duur %s", len);
    double tw = text_w(total, strlen(total), 20, 1);
    out(p, "<g id=\"kop\">\n");
    out(p, "<text x=\"%d\" y=\"%d\" font-size=\"20\" font-weight=\"bold\" text-anchor=\"end\" "
           "fill=\"" INK "\">%s</text>\n",
        X1, 44, total);
    char title[1024];
    snprintf(title, sizeof title, "%s", timeline_title(p->tl));
    for (size_t i = 0; i < p->nitems; i++) {
        const tl_event *ev = &p->items[i].ev;
        size_t used = strlen(title);
        if (ev->kind == TL_EV_SESSION && ev->depth == 0 && ev->label && used < sizeof title)
            snprintf(title + used, sizeof title - used, " + %s", ev->label);
    }
    out_label(p, 24, 44, "class=\"title\" fill=\"" INK "\"", title, 30, 1, X1 - tw - 48, 1);
    int y = 76;
    if (p->o->subtitle && p->o->subtitle[0]) {
        out_label(p, 24, y, "fill=\"" SOFT_INK "\"", p->o->subtitle, 16, 0, X1 - 24, 1);
        y += 34;
    }
    /* the legend: the breaths always, the rest only when used */
    double x = 24;
    struct { unsigned bit; int kind; const char *words; } rest[] = {
        {U_NONE, 3, "fase zonder toon"},
        {U_VOICE, 4, "gesproken tekst"},
        {U_COUNT, 11, "aftellen"},
        {U_BELL, 5, "bel"},
        {U_PULSE, 6, "puls (per tel een stip)"},
        {U_BROWN, 7, "achtergrondruis (bruin)"},
        {U_PINK, 8, "achtergrondruis (roze)"},
        {U_MARK, 9, "markering: n springt hierheen"},
        {U_FOLD, 10, "herhaling ingekort: \xC3\xA9\xC3\xA9n ronde getekend"},
    };
    x = legend_entry(p, x, y, B_IN, "in (toon stijgt)");
    x = legend_entry(p, x, y, B_HOLD, "vast (toon blijft)");
    x = legend_entry(p, x, y, B_OUT, "uit (toon daalt)");
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++) {
        if (!(p->used & rest[i].bit))
            continue;
        double need = 48 + text_w(rest[i].words, strlen(rest[i].words), 14, 0);
        if (x + need > X1) {
            x = 24;
            y += 30;
        }
        x = legend_entry(p, x, y, rest[i].kind, rest[i].words);
    }
    out(p, "</g>\n");
    p->header_h = y + 24;
}

/* ---- The document ------------------------------------------------------------------- */

void svg_options_init(svg_options *o)
{
    memset(o, 0, sizeof *o);
}

/* Decides what the legend needs before anything is drawn (the header comes
 * first in the file but depends on what the rows hold). */
static void scan_used(pic *p)
{
    for (size_t i = 0; i < p->nitems; i++) {
        const item *it = &p->items[i];
        const tl_event *ev = &it->ev;
        if (ev->kind == TL_EV_BED) {
            if (ev->noise != ADEM_NOISE_OFF)
                p->used |= ev->noise == ADEM_NOISE_PINK ? U_PINK : U_BROWN;
            continue;
        }
        if (it->seg < 0)
            continue;
        if (ev->kind == TL_EV_PHASE && breath_of(ev) == B_NONE)
            p->used |= U_NONE;
        if (ev->kind == TL_EV_PHASE && ev->bpm)
            p->used |= U_PULSE;
        if (ev->kind == TL_EV_CUE && ev->count_number)
            p->used |= U_COUNT;
        if (is_voice(it))
            p->used |= U_VOICE;
        if (ev->kind == TL_EV_BELL)
            p->used |= U_BELL;
        if (ev->kind == TL_EV_MARK)
            p->used |= U_MARK;
    }
}

/* Collects, lays out and writes the whole document (see svg.h). */
int svg_write(FILE *f, const timeline *tl, const svg_options *o, adem_diag *d)
{
    svg_options def;
    if (!o) {
        svg_options_init(&def);
        o = &def;
    }
    pic p;
    memset(&p, 0, sizeof p);
    p.f = f;
    p.tl = tl;
    p.o = o;
    p.rate = timeline_rate(tl) > 0 ? timeline_rate(tl) : 48000;
    p.total = timeline_frames(tl);
    collect(&p, (double)p.total / p.rate > UNFOLDED_S);
    if (p.oom) {
        free(p.items);
        free(p.segs);
        return diag_runtime(d, "not enough memory to draw the session; close other programs");
    }
    layout(&p);
    scan_used(&p);

    /* the header first without output, to know its height */
    p.f = NULL;
    draw_header(&p);
    p.f = f;
    int height = p.header_h + p.nlines * LINE_H;
    out(&p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"%s\">\n",
        SVG_WIDTH, height, SVG_WIDTH, height, font_family);
    char len[48], per[48];
    dutch_length(ms_of(&p, p.total), len, sizeof len);
    dutch_length((int64_t)(p.line_s * 1000), per, sizeof per);
    out(&p, "<title>");
    out_text(&p, timeline_title(tl), strlen(timeline_title(tl)));
    out(&p, "</title>\n<desc>Tijdlijn van een adem-sessie: duur %s, %d regel%s van %s%s.</desc>\n",
        len, p.nlines, p.nlines == 1 ? "" : "s", per,
        p.used & U_FOLD ? ", herhalingen ingekort" : "");
    out(&p, "<rect width=\"100%%\" height=\"100%%\" fill=\"#FFFFFF\"/>\n");
    draw_header(&p);
    draw_lines(&p);
    draw_folds(&p);
    draw_sound(&p);
    draw_phases(&p);
    draw_voice(&p);
    draw_marks(&p);
    out(&p, "</svg>\n");
    free(p.items);
    free(p.segs);
    if (p.oom)
        return diag_runtime(d, "not enough memory to draw the session; close other programs");
    errno = 0;
    if (fflush(f) != 0 || ferror(f))
        return diag_runtime(d, "writing the picture failed: %s; check the disk and try again",
                            errno ? strerror(errno) : "a write was refused");
    return 0;
}
