/* test_ui: the live display's layout (src/app/ui_term.h).
 *
 * The pure functions: ui_bar_fill for every tone kind and its clamping,
 * ui_format_bar's cell counts in ASCII and Unicode (bytes and columns, never
 * a split character), ui_columns (wcwidth: an en dash and an é take one
 * column, a CJK character two, a combining mark and a colour code none), and
 * ui_format: every line within the width in columns for every width from 20
 * to 300, every kind of step, with and without colour and Unicode; the quit
 * key at every width; labels cut with an ellipsis only when they do not fit;
 * the time left rounded up; what each step says (a phase with its chapter,
 * round and bar; "luister" or the words spoken; "stilte"; "pauze tussen
 * sessies"; a hold's label with "spatie: verder"); "volgende: ...",
 * "sessie 2/3"; the paused keys. Then a real engine (no audio device, no
 * render): a 3-cycle 4-7-8 shows "ronde 1/3".."ronde 3/3", the built-in pmr
 * shows its chapters. Then the modes through a temporary file: UI_SILENT
 * prints nothing, UI_PLAIN one line per session start, chapter and phase,
 * UI_FULL redraws in place, wipes the screen on a resize and ends with
 * "klaar — N min" or "gestopt na m:ss". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ui_term.h"
#include "lang/session_parse.h"
#include "timeline/timeline.h"

enum { RATE = 48000 };

static const char long_title[] = "Ontspanning \xe2\x80\x94 \xc3\xa9\xc3\xa9n minuut, "
                                 "met de ademhaling van de buik naar de borst en "
                                 "terug \xe2\x80\x94 \xc3\xa9\xc3\xa9n, twee, drie";
static const char dutch_title[] = "Ontspanning \xe2\x80\x94 \xc3\xa9\xc3\xa9n minuut";

/* A status in phase "label" of `phase_s` seconds starting at phase_start_s,
 * at position pos (frames), in a session of total_s seconds. */
static engine_status status(const char *title, const char *label, double phase_start_s,
                            double phase_s, int64_t pos, double total_s, adem_tone tone)
{
    engine_status st;
    memset(&st, 0, sizeof st);
    st.title = title;
    st.phase = label;
    st.phase_start = (int64_t)(phase_start_s * RATE);
    st.phase_frames = (int64_t)(phase_s * RATE);
    st.pos = pos;
    st.total = (int64_t)(total_s * RATE);
    st.out_frames = pos;
    st.tone = tone;
    st.step = label ? ENGINE_STEP_PHASE : ENGINE_STEP_NONE;
    st.cue = -1;
    return st;
}

/* 1 if s is well-formed UTF-8 (no character cut in half). */
static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int extra = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
                                 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (extra < 0)
            return 0;
        p++;
        for (int i = 0; i < extra; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

/* How many times the (UTF-8) string cell occurs in s. */
static int count_of(const char *s, const char *cell)
{
    int n = 0;
    size_t len = strlen(cell);
    for (const char *p = strstr(s, cell); p; p = strstr(p + len, cell))
        n++;
    return n;
}

/* Rising follows p, falling mirrors it, steady is full, none follows p; p is
 * clamped to 0..1 first. */
static void bar_fill_per_tone(void **state)
{
    (void)state;
    assert_true(ui_bar_fill(ADEM_TONE_RISE, 0.0) == 0.0);
    assert_true(ui_bar_fill(ADEM_TONE_RISE, 0.25) == 0.25);
    assert_true(ui_bar_fill(ADEM_TONE_RISE, 1.0) == 1.0);
    assert_true(ui_bar_fill(ADEM_TONE_FALL, 0.0) == 1.0);
    assert_true(ui_bar_fill(ADEM_TONE_FALL, 0.25) == 0.75);
    assert_true(ui_bar_fill(ADEM_TONE_FALL, 1.0) == 0.0);
    assert_true(ui_bar_fill(ADEM_TONE_STEADY, 0.0) == 1.0);
    assert_true(ui_bar_fill(ADEM_TONE_STEADY, 0.6) == 1.0);
    assert_true(ui_bar_fill(ADEM_TONE_NONE, 0.4) == 0.4);
    /* clamping */
    assert_true(ui_bar_fill(ADEM_TONE_RISE, -0.5) == 0.0);
    assert_true(ui_bar_fill(ADEM_TONE_RISE, 1.5) == 1.0);
    assert_true(ui_bar_fill(ADEM_TONE_FALL, -0.5) == 1.0);
    assert_true(ui_bar_fill(ADEM_TONE_FALL, 7.0) == 0.0);
    assert_true(ui_bar_fill(ADEM_TONE_STEADY, -3.0) == 1.0);
    assert_true(ui_bar_fill(ADEM_TONE_NONE, 2.0) == 1.0);
    assert_true(ui_bar_fill(ADEM_TONE_NONE, -2.0) == 0.0);
}

/* ASCII bars: one byte per cell, '#' filled (rounded), '-' empty. */
static void bar_ascii_cells(void **state)
{
    (void)state;
    char buf[256];
    ui_format_bar(0.5, 10, 0, buf, sizeof buf);
    assert_string_equal(buf, "#####-----");
    ui_format_bar(0.0, 7, 0, buf, sizeof buf);
    assert_string_equal(buf, "-------");
    ui_format_bar(1.0, 7, 0, buf, sizeof buf);
    assert_string_equal(buf, "#######");
    ui_format_bar(0.34, 10, 0, buf, sizeof buf); /* 3.4 cells -> 3 */
    assert_string_equal(buf, "###-------");
    ui_format_bar(0.36, 10, 0, buf, sizeof buf); /* 3.6 cells -> 4 */
    assert_string_equal(buf, "####------");
    ui_format_bar(0.5, 0, 0, buf, sizeof buf);
    assert_string_equal(buf, "");
    for (int cells = 1; cells <= 120; cells++) {
        ui_format_bar(0.3, cells, 0, buf, sizeof buf);
        assert_int_equal(strlen(buf), cells);
        assert_int_equal(ui_columns(buf), cells);
        assert_int_equal(count_of(buf, "#"), (int)(0.3 * cells + 0.5));
    }
    /* a small buffer: cut at a whole cell, always terminated */
    ui_format_bar(1.0, 10, 0, buf, 5);
    assert_string_equal(buf, "####");
}

/* Unicode bars: three bytes (one column) per cell, full and light-shade
 * blocks; a small buffer never cuts a character. */
static void bar_unicode_cells(void **state)
{
    (void)state;
    static const char full[] = "\xe2\x96\x88", light[] = "\xe2\x96\x91";
    char buf[512];
    for (int cells = 1; cells <= 120; cells++) {
        ui_format_bar(0.7, cells, 1, buf, sizeof buf);
        assert_int_equal(strlen(buf), 3 * cells);
        assert_int_equal(ui_columns(buf), cells);
        int on = (int)(0.7 * cells + 0.5);
        assert_int_equal(count_of(buf, full), on);
        assert_int_equal(count_of(buf, light), cells - on);
        assert_true(valid_utf8(buf));
    }
    ui_format_bar(0.5, 4, 1, buf, sizeof buf);
    char want[64];
    snprintf(want, sizeof want, "%s%s%s%s", full, full, light, light);
    assert_string_equal(buf, want);
    for (size_t n = 1; n <= 12; n++) {
        ui_format_bar(1.0, 10, 1, buf, n);
        assert_int_equal(strlen(buf), 3 * ((n - 1) / 3));
        assert_true(valid_utf8(buf));
    }
}

/* ui_columns measures like wcwidth: a column per character, two for a
 * wide (CJK) one, none for a combining mark or an escape sequence. */
static void columns_count_code_points(void **state)
{
    (void)state;
    assert_int_equal(ui_columns(""), 0);
    assert_int_equal(ui_columns("adem"), 4);
    assert_int_equal(ui_columns("\xc3\xa9\xc3\xa9n"), 3);               /* één */
    assert_int_equal(ui_columns("\xe2\x80\x93"), 1);                    /* – en dash */
    assert_int_equal(ui_columns(dutch_title), 24);                      /* with an em dash */
    assert_int_equal(ui_columns("\xe2\x96\x88\xe2\x96\x91"), 2);        /* two blocks */
    assert_int_equal(ui_columns("\xf0\x9f\x8c\xac"), 1);                /* U+1F32C: narrow */
    assert_int_equal(ui_columns("\xf0\x9f\x98\x80"), 2);                /* U+1F600: wide */
    assert_int_equal(ui_columns("\xe5\x91\xbc\xe5\x90\xb8"), 4);        /* 呼吸: two wide */
    assert_int_equal(ui_columns("e\xcc\x81"), 1);                       /* e + combining acute */
    assert_int_equal(ui_columns("\033[36mab\033[0m"), 2);               /* colour codes */
}

/* A status of every kind of step, for the layout tests. */
static engine_status kind_status(int kind, const char *title, const char *label)
{
    engine_status st = status(title, label, 10, 4, (int64_t)(11.3 * RATE), 3725, ADEM_TONE_RISE);
    switch (kind) {
    case 0:
        break;
    case 1:
        st.step = ENGINE_STEP_SPEAK;
        st.phase = NULL;
        st.cue = 0;
        st.cue_end = st.pos + RATE;
        break;
    case 2:
        st.step = ENGINE_STEP_WAIT;
        st.phase = NULL;
        break;
    case 3:
        st.step = ENGINE_STEP_GAP;
        st.phase = NULL;
        break;
    case 4:
        st.step = ENGINE_STEP_HOLD;
        st.holding = 1;
        st.phase_frames = 0;
        break;
    case 5:
        st.step = ENGINE_STEP_NONE;
        st.phase = NULL;
        st.phase_frames = 0;
        break;
    }
    return st;
}

static const char *const words[] = {
    "Ga rustig zitten, met je voeten plat op de grond en je handen losjes in je schoot; "
    "we beginnen zo met een paar rustige ademhalingen \xe2\x80\x94 \xc3\xa9\xc3\xa9n voor \xc3\xa9\xc3\xa9n."};

/* Every line fits the width (20..300, never touching the last column, so
 * the terminal never wraps), in columns, and is valid UTF-8, for every kind
 * of step, long multi-byte titles, labels, chapters and words, with and
 * without colour and Unicode; the quit key is always there. */
static void lines_fit_every_width(void **state)
{
    (void)state;
    const char *titles[] = {"478", dutch_title, long_title};
    const char *labels[] = {"In", "Vasthouden \xe2\x80\x94 \xc3\xa9\xc3\xa9n tel lang \xe5\x91\xbc\xe5\x90\xb8"};
    char lines[UI_LINES][UI_LINE_MAX];
    for (int ti = 0; ti < 3; ti++)
        for (int li = 0; li < 2; li++)
            for (int kind = 0; kind < 6; kind++)
                for (int variant = 0; variant < 8; variant++)
                    for (int width = 1; width <= 320; width += (width < 60 ? 1 : 7))
                        for (int uni = 0; uni < 2; uni++) {
                            engine_status st = kind_status(kind, titles[ti], labels[li]);
                            st.paused = variant & 1;
                            st.volume_db = (variant & 2) ? -12 : 0;
                            st.stopping = variant == 7;
                            if (variant & 4) {
                                st.chapter = labels[1];
                                st.round = 2;
                                st.rounds = 4;
                                st.next = long_title;
                                st.next_kind = TL_EV_SESSION;
                                st.sessions = 3;
                                st.session_no = 2;
                            }
                            ui_view v = {RATE, width, uni, variant & 1, variant == 5 ? UI_SHOW_HELP : 0,
                                         words, 1};
                            int n = ui_format(&st, &v, lines);
                            int w = width < UI_MIN_COLS ? UI_MIN_COLS : width > UI_MAX_COLS ? UI_MAX_COLS : width;
                            int limit = w - 1, quit = 0;
                            for (int i = 0; i < n; i++) {
                                if (ui_columns(lines[i]) > limit || !valid_utf8(lines[i]))
                                    fail_msg("width %d, title %d, label %d, kind %d, variant %d, "
                                             "unicode %d: line %d is %d columns (limit %d): '%s'",
                                             width, ti, li, kind, variant, uni, i + 1,
                                             ui_columns(lines[i]), limit, lines[i]);
                                quit |= strstr(lines[i], "q stoppen") != NULL ||
                                        strstr(lines[i], "stoppen") != NULL;
                            }
                            if (!quit)
                                fail_msg("width %d kind %d variant %d: no quit key", width, kind,
                                         variant);
                        }
}

/* The keys line at 40 columns and up keeps "q stoppen", also with the volume
 * shown, paused and muted; the less important keys go first. */
static void quit_key_never_disappears(void **state)
{
    (void)state;
    char lines[UI_LINES][UI_LINE_MAX];
    for (int width = 20; width <= 300; width++)
        for (int variant = 0; variant < 4; variant++) {
            engine_status st = kind_status(variant == 3 ? 4 : 0, long_title, "Adem in");
            st.volume_db = -12;
            st.paused = variant == 1;
            ui_view v = {RATE, width, 1, 0, variant == 2 ? UI_SHOW_MUTED : 0, NULL, 0};
            ui_format(&st, &v, lines);
            if (!strstr(lines[5], "q stoppen"))
                fail_msg("width %d variant %d: '%s'", width, variant, lines[5]);
        }
    engine_status st = kind_status(0, "T", "Adem in");
    ui_view v = {RATE, 120, 1, 0, 0, NULL, 0};
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[5], "spatie pauze"));
    assert_non_null(strstr(lines[5], "n volgende"));
    assert_non_null(strstr(lines[5], "? hulp"));
    v.width = 40;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[5], "q stoppen"));
    assert_non_null(strstr(lines[5], "spatie pauze"));
}

/* A title that fits is shown whole; a long one is cut with "…" (or "...")
 * on a character boundary, keeping its start; a label is not cut when it
 * fits. */
static void titles_shown_or_cut(void **state)
{
    (void)state;
    char lines[UI_LINES][UI_LINE_MAX];
    engine_status st = status(dutch_title, "In", 0, 4, 0, 60, ADEM_TONE_RISE);
    ui_view v = {RATE, 80, 1, 0, 0, NULL, 0};
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[0], dutch_title));
    assert_null(strstr(lines[0], "\xe2\x80\xa6"));
    st.title = long_title;
    v.width = 40;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[0], "Ontspanning \xe2\x80\x94"));
    assert_non_null(strstr(lines[0], "\xe2\x80\xa6"));
    assert_null(strstr(lines[0], "drie"));
    assert_non_null(strstr(lines[0], "nog 1:00"));
    v.unicode = 0;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[0], "..."));
    /* a 30-column label is whole at 80 columns, and beyond 18 columns */
    static const char lab[] = "Adem in door je neus, heel rustig";
    st = status("T", lab, 0, 4, 0, 60, ADEM_TONE_RISE);
    v.width = 80;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[1], lab));
    assert_non_null(strchr(lines[1], '['));
}

/* The time left is rounded up to whole seconds: in the session (m:ss) and
 * in the phase ("N s"). */
static void seconds_left_round_up(void **state)
{
    (void)state;
    char lines[UI_LINES][UI_LINE_MAX];
    ui_view v = {RATE, 80, 0, 0, 0, NULL, 0};
    struct {
        int64_t pos;
        const char *session, *phase;
    } cases[] = {
        {2 * RATE, "nog 0:08", " 4 s"},         /* exactly 8 s and 4 s left */
        {2 * RATE + 1, "nog 0:08", " 4 s"},     /* 1 frame less: still 8 and 4 */
        {3 * RATE - 1, "nog 0:08", " 4 s"},     /* 7 s + 1 frame and 3 s + 1 frame */
        {3 * RATE, "nog 0:07", " 3 s"},
        {6 * RATE - 1, "nog 0:05", " 1 s"},     /* the phase's last frame */
        {10 * RATE - 1, "nog 0:01", " 0 s"},    /* phase 6..10 s - 1 frame: its end */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        engine_status st = status("T", "Adem in", 2, 4, cases[i].pos, 10, ADEM_TONE_RISE);
        if (i == 5) {
            st.phase_start = 6 * RATE;
            st.phase_frames = 4 * RATE - 1;
        }
        ui_format(&st, &v, lines);
        if (!strstr(lines[0], cases[i].session) || !strstr(lines[1], cases[i].phase))
            fail_msg("pos %lld: '%s' / '%s', want '%s' and '%s'", (long long)cases[i].pos,
                     lines[0], lines[1], cases[i].session, cases[i].phase);
    }
    engine_status st = status("T", NULL, 0, 0, 0, 61, ADEM_TONE_NONE);
    st.total += 1; /* 61 s and a frame */
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[0], "nog 1:02"));
    st.pos = st.total;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[0], "nog 0:00"));
    st = status("T", NULL, 0, 0, 0, 3725, ADEM_TONE_NONE);
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[0], "nog 1:02:05"));
    /* in a playlist: the session's time left, and the whole when it fits */
    st = status("T", "In", 0, 4, 10 * RATE, 600, ADEM_TONE_RISE);
    st.sessions = 3;
    st.session_no = 2;
    st.session_start = 0;
    st.session_frames = 70 * RATE;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[0], "sessie 2/3"));
    assert_non_null(strstr(lines[0], "nog 1:00"));
    assert_non_null(strstr(lines[0], "(totaal 9:50)"));
}

/* The bar follows the tone, filled in proportion to its cells. */
static void bar_follows_the_tone(void **state)
{
    (void)state;
    char lines[UI_LINES][UI_LINE_MAX];
    ui_view v = {RATE, 80, 0, 0, 0, NULL, 0};
    struct {
        adem_tone tone;
        double fill;
    } cases[] = {{ADEM_TONE_RISE, 0.3}, {ADEM_TONE_FALL, 0.7}, {ADEM_TONE_STEADY, 1.0},
                 {ADEM_TONE_NONE, 0.3}};
    for (size_t i = 0; i < 4; i++) {
        /* phase 0..10 s, at 3 s: progress 0.3 */
        engine_status st = status("T", "Fase", 0, 10, 3 * RATE, 20, cases[i].tone);
        ui_format(&st, &v, lines);
        const char *open = strchr(lines[1], '['), *close = strchr(lines[1], ']');
        assert_non_null(open);
        assert_non_null(close);
        int cells = (int)(close - open - 1), on = 0;
        assert_true(cells >= 20);
        for (const char *p = open + 1; p < close; p++)
            on += *p == '#';
        assert_int_equal(on, (int)(cases[i].fill * cells + 0.5));
        assert_non_null(strstr(lines[1], "Fase"));
    }
    /* no step: no bar, no seconds */
    engine_status st = status("T", NULL, 0, 0, 3 * RATE, 20, ADEM_TONE_NONE);
    ui_format(&st, &v, lines);
    assert_null(strchr(lines[1], '['));
    assert_null(strstr(lines[1], " s"));
}

/* What each step says: never an empty label with a bar. */
static void every_step_says_what_it_is(void **state)
{
    (void)state;
    char lines[UI_LINES][UI_LINE_MAX];
    ui_view v = {RATE, 100, 1, 0, 0, NULL, 0};
    /* speech: "luister" without a transcript, the words with one */
    engine_status st = kind_status(1, "T", NULL);
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[1], "luister"));
    assert_null(strchr(lines[1], '['));
    assert_string_equal(lines[2], "");
    v.words = words;
    v.nwords = 1;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[2], "Ga rustig zitten,"));
    assert_non_null(strstr(lines[3], "\xc3\xa9\xc3\xa9n")); /* wrapped onto the next line */
    st.pos = st.cue_end; /* spoken: the words go */
    ui_format(&st, &v, lines);
    assert_string_equal(lines[2], "");
    /* silence, the gap between sessions */
    st = kind_status(2, "T", NULL);
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[1], "stilte"));
    assert_null(strchr(lines[1], '['));
    assert_non_null(strstr(lines[1], "3 s")); /* 10 + 4 - 11.3 */
    st = kind_status(3, "T", NULL);
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[1], "pauze tussen sessies"));
    /* a hold: its label, and the key that goes on */
    st = kind_status(4, "T", "Vragen?");
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[1], "Vragen?"));
    assert_non_null(strstr(lines[5], "spatie: verder"));
    assert_null(strstr(lines[5], "pauze"));
    /* a phase: chapter, label, round, bar; what comes next */
    st = kind_status(0, "T", "Adem in");
    st.chapter = "Schouders";
    st.round = 2;
    st.rounds = 4;
    st.next = "Vasthouden";
    st.next_kind = TL_EV_PHASE;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[1], "Schouders \xe2\x80\xba Adem in"));
    assert_non_null(strstr(lines[1], "ronde 2/4"));
    assert_non_null(strchr(lines[1], '['));
    assert_non_null(strstr(lines[4], "volgende: Vasthouden"));
    st.next = "4-7-8 ademhaling";
    st.next_kind = TL_EV_SESSION;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[4], "volgende: sessie 4-7-8 ademhaling"));
    st.rounds = 1; /* a repeat of one: no round */
    ui_format(&st, &v, lines);
    assert_null(strstr(lines[1], "ronde"));
}

/* Paused: "gepauzeerd", and the keys say what they do then (space goes
 * on); the volume only when it is not 0 dB; "stoppen…" while stopping;
 * muted and suspended states; the help screen. */
static void pause_volume_and_stop_markers(void **state)
{
    (void)state;
    char lines[UI_LINES][UI_LINE_MAX];
    ui_view v = {RATE, 100, 1, 0, 0, NULL, 0};
    engine_status st = status(dutch_title, "In", 0, 4, RATE, 60, ADEM_TONE_RISE);
    ui_format(&st, &v, lines);
    assert_null(strstr(lines[0], "gepauzeerd"));
    assert_null(strstr(lines[5], "dB"));
    assert_non_null(strstr(lines[5], "spatie pauze"));
    st.paused = 1;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[0], "gepauzeerd"));
    assert_non_null(strstr(lines[0], "nog 0:59"));
    assert_non_null(strstr(lines[5], "spatie verder"));
    assert_null(strstr(lines[5], "spatie pauze"));
    assert_null(strstr(lines[5], "n verder"));
    st.paused = 0;
    v.show = UI_SHOW_SUSPENDED;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[0], "gepauzeerd"));
    assert_non_null(strstr(lines[5], "spatie verder"));
    v.show = UI_SHOW_MUTED;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[0], "geluid uit"));
    assert_non_null(strstr(lines[5], "m geluid aan"));
    v.show = UI_SHOW_HELP;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[1], "spatie"));
    assert_non_null(strstr(lines[5], "? of h"));
    v.show = 0;
    st.volume_db = -6;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[5], "(-6 dB)"));
    st.volume_db = 3;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[5], "(+3 dB)"));
    st.stopping = 1;
    ui_format(&st, &v, lines);
    assert_string_equal(lines[5], "  stoppen\xe2\x80\xa6");
}

/* Colour only when asked for: codes around the bar and the state, none
 * otherwise; none with NO_COLOR or TERM=dumb. */
static void colour_only_when_wanted(void **state)
{
    (void)state;
    char lines[UI_LINES][UI_LINE_MAX];
    ui_view v = {RATE, 100, 1, 1, 0, NULL, 0};
    engine_status st = status("T", "In", 0, 4, RATE, 60, ADEM_TONE_RISE);
    st.paused = 1;
    ui_format(&st, &v, lines);
    assert_non_null(strstr(lines[1], "\033[36m"));
    assert_non_null(strstr(lines[0], "\033[33mgepauzeerd"));
    v.color = 0;
    ui_format(&st, &v, lines);
    for (int i = 0; i < UI_LINES; i++)
        assert_null(strchr(lines[i], '\033'));
    assert_true(ui_color_wanted("xterm-256color", NULL));
    assert_false(ui_color_wanted("xterm-256color", ""));
    assert_false(ui_color_wanted("xterm-256color", "1"));
    assert_false(ui_color_wanted("dumb", NULL));
    assert_false(ui_color_wanted(NULL, NULL));
}

/* ---- A real engine, no device: the display from its statuses ---- */

/* Plays `text` (or the file at path when text is NULL) on an engine with
 * silent cues of 0.5 s, in 2400-frame blocks, and formats every status it
 * sends; returns 1 if any line ever held each of the n strings in want[]
 * (found[] says which). */
static void drive(const char *path, const char *text, const char *const *want, int n, int *found)
{
    adem_diag d;
    ast_session *s = NULL;
    static char file[1 << 16];
    if (!text) {
        FILE *f = fopen(path, "r");
        if (!f)
            fail_msg("cannot open %s", path);
        size_t got = fread(file, 1, sizeof file - 1, f);
        fclose(f);
        file[got] = '\0';
        text = file;
    }
    if (session_parse(path ? path : "t.adem", text, strlen(text), &s, &d) != 0)
        fail_msg("parse: %s:%d:%d %s", d.file, d.line, d.col, d.msg);
    tl_options o;
    tl_options_init(&o);
    const ast_session *ss[1] = {s};
    timeline *tl = NULL;
    if (timeline_build(ss, 1, &o, NULL, &tl, &d) != 0)
        fail_msg("build: %d:%d %s", d.line, d.col, d.msg);
    int nc = timeline_ncues(tl);
    int64_t *lens = calloc((size_t)nc + 1, sizeof *lens);
    adem_cue *cues = calloc((size_t)nc + 1, sizeof *cues);
    float *silence = calloc(RATE / 2, sizeof *silence);
    for (int i = 0; i < nc; i++) {
        lens[i] = RATE / 2;
        cues[i].samples = silence;
        cues[i].frames = RATE / 2;
    }
    if (timeline_layout(tl, RATE, lens, &d) != 0)
        fail_msg("layout: %s", d.msg);
    engine_config c;
    engine_config_init(&c);
    c.rate = RATE;
    engine *e = engine_new(tl, cues, &c, &d);
    assert_non_null(e);
    static float out[2400 * 2];
    engine_status st;
    char lines[UI_LINES][UI_LINE_MAX];
    ui_view v = {RATE, 80, 1, 0, 0, NULL, 0};
    memset(found, 0, (size_t)n * sizeof *found);
    while (!engine_done(e)) {
        engine_process(e, out, 2400);
        if (!engine_poll(e, &st))
            continue;
        ui_format(&st, &v, lines);
        for (int k = 0; k < n; k++)
            for (int i = 0; i < UI_LINES; i++)
                found[k] |= strstr(lines[i], want[k]) != NULL;
    }
    engine_free(e);
    free(silence);
    free(cues);
    free(lens);
    timeline_free(tl);
    session_free(s);
}

/* A 3-cycle 4-7-8 shows each round, and the next phase. */
static void rounds_of_a_478(void **state)
{
    (void)state;
    static const char text[] = "session \"4-7-8\"\n"
                               "speak intro\n"
                               "repeat 3\n"
                               "  phase \"Adem in\" 4s tone=rise\n"
                               "  phase \"Vasthouden\" 7s tone=steady\n"
                               "  phase \"Adem uit\" 8s tone=fall\n"
                               "end\n"
                               "wait 2s\n";
    const char *const want[] = {"ronde 1/3", "ronde 2/3", "ronde 3/3", "volgende: Vasthouden",
                                "volgende: Adem in", "luister", "stilte", "volgende: einde",
                                "ronde 4/3"};
    int found[9];
    drive(NULL, text, want, 9, found);
    for (int k = 0; k < 8; k++)
        if (!found[k])
            fail_msg("'%s' never shown", want[k]);
    assert_false(found[8]);
}

/* The built-in pmr shows its chapters beside the phase. */
static void pmr_shows_its_chapters(void **state)
{
    (void)state;
    const char *src = getenv("ADEM_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/audio/sessions/pmr.adem", src ? src : ".");
    const char *const want[] = {"Handen \xe2\x80\xba", "Schouders \xe2\x80\xba",
                                "Heel je lijf \xe2\x80\xba", "volgende: Armen"};
    int found[4];
    drive(path, NULL, want, 4, found);
    for (int k = 0; k < 4; k++)
        if (!found[k])
            fail_msg("'%s' never shown", want[k]);
}

/* Reads back what a display wrote to f. */
static char *written(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    char *s = malloc((size_t)n + 1);
    rewind(f);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    return s;
}

/* UI_SILENT writes nothing at all. */
static void silent_mode_prints_nothing(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    ui *u = ui_new(UI_SILENT, f, RATE, 1);
    assert_non_null(u);
    engine_status st = status(dutch_title, "In", 0, 4, RATE, 60, ADEM_TONE_RISE);
    ui_update(u, &st, 80);
    st.paused = 1;
    ui_update(u, &st, 80);
    ui_finish(u, 1);
    ui_free(u);
    char *s = written(f);
    assert_string_equal(s, "");
    free(s);
    fclose(f);
}

/* UI_PLAIN: one line per session start, chapter and phase (with its round),
 * at the time it began; repeated updates, pauses, speech and waits print
 * nothing; no escape codes. */
static void plain_mode_prints_changes(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    ui *u = ui_new(UI_PLAIN, f, RATE, 0);
    assert_non_null(u);
    static const char in[] = "Adem in", uit[] = "Adem uit", chap[] = "Deel twee";
    engine_status st = status(dutch_title, NULL, 0, 0, 0, 60, ADEM_TONE_NONE);
    st.step = ENGINE_STEP_SPEAK;
    ui_update(u, &st, 80);
    st = status(dutch_title, in, 24, 4, 24 * RATE, 60, ADEM_TONE_RISE);
    ui_update(u, &st, 80);
    st.pos = 25 * RATE;
    ui_update(u, &st, 80);
    st = status(dutch_title, uit, 28, 6, 28 * RATE + 100, 60, ADEM_TONE_FALL);
    st.chapter = chap;
    st.round = 1;
    st.rounds = 3;
    ui_update(u, &st, 80);
    st.pos = 30 * RATE;
    st.paused = 1;
    ui_update(u, &st, 80);
    st.paused = 0;
    ui_update(u, &st, 80);
    ui_finish(u, 0);
    ui_free(u);
    char *s = written(f);
    char want[512];
    snprintf(want, sizeof want,
             "0:00  %s\n0:24  Adem in (4 s)\n0:28  -- Deel twee\n0:28  Adem uit (6 s, ronde 1/3)\n",
             dutch_title);
    assert_string_equal(s, want);
    assert_null(strchr(s, '\033'));
    free(s);
    fclose(f);
}

/* UI_FULL: hides the cursor, draws its lines, then moves up over them
 * before each redraw; a resize wipes the screen and draws anew; the end
 * leaves the title and "klaar — N min" (or "gestopt na m:ss") and shows the
 * cursor again. */
static void full_mode_redraws_in_place(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    ui *u = ui_new(UI_FULL, f, RATE, 1);
    assert_non_null(u);
    engine_status st = status(dutch_title, "Adem in", 0, 4, RATE, 60, ADEM_TONE_RISE);
    ui_update(u, &st, 100);
    st.pos = 2 * RATE;
    ui_update(u, &st, 100);
    char up[16];
    snprintf(up, sizeof up, "\033[%dA", UI_LINES);
    char *s = written(f);
    assert_memory_equal(s, "\033[?25l", 6);
    const char *second = strstr(s, up);
    assert_non_null(second);
    assert_null(strstr(second + 1, up)); /* only before the second frame */
    assert_int_equal(count_of(s, "\r"), 2 * UI_LINES);
    assert_int_equal(count_of(s, "\033[K\n"), 2 * UI_LINES);
    assert_non_null(strstr(s, dutch_title));
    free(s);
    /* a resize: the screen wiped, the lines drawn at the new width */
    long mark = ftell(f);
    ui_term_resize(u, 25);
    s = written(f);
    assert_memory_equal(s + mark, "\033[H\033[2J", 7);
    assert_null(strstr(s + mark, up));
    assert_non_null(strstr(s + mark, "q stoppen"));
    free(s);
    /* played to the end: 12 minutes */
    st.pos = 12 * 60 * RATE - RATE;
    ui_update(u, &st, 100);
    ui_finish(u, 0);
    ui_free(u);
    s = written(f);
    assert_non_null(strstr(s, "klaar \xe2\x80\x94 12 min\n"));
    size_t len = strlen(s);
    assert_string_equal(s + len - 10, "\033[0m\033[?25h");
    free(s);
    fclose(f);

    f = tmpfile();
    u = ui_new(UI_FULL, f, RATE, 1);
    st.pos = (3 * 60 + 12) * RATE + 100;
    ui_update(u, &st, 80);
    ui_finish(u, 1);
    ui_free(u);
    s = written(f);
    assert_non_null(strstr(s, "gestopt na 3:12\n"));
    free(s);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bar_fill_per_tone),
        cmocka_unit_test(bar_ascii_cells),
        cmocka_unit_test(bar_unicode_cells),
        cmocka_unit_test(columns_count_code_points),
        cmocka_unit_test(lines_fit_every_width),
        cmocka_unit_test(quit_key_never_disappears),
        cmocka_unit_test(titles_shown_or_cut),
        cmocka_unit_test(seconds_left_round_up),
        cmocka_unit_test(bar_follows_the_tone),
        cmocka_unit_test(every_step_says_what_it_is),
        cmocka_unit_test(pause_volume_and_stop_markers),
        cmocka_unit_test(colour_only_when_wanted),
        cmocka_unit_test(rounds_of_a_478),
        cmocka_unit_test(pmr_shows_its_chapters),
        cmocka_unit_test(silent_mode_prints_nothing),
        cmocka_unit_test(plain_mode_prints_changes),
        cmocka_unit_test(full_mode_redraws_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
