/* test_ui: the live display's layout (src/app/ui_term.h).
 *
 * The pure functions: ui_bar_fill for every tone kind and its clamping,
 * ui_format_bar's cell counts in ASCII and Unicode (bytes and columns, never
 * a split character), ui_columns, and ui_format: every line within the width
 * in columns (UTF-8 aware) for widths 40..200 with long Dutch titles and
 * labels, the time left rounded up, the pause marker, the volume shown only
 * when not 0. Then the three modes through a temporary file: UI_SILENT prints
 * nothing, UI_PLAIN one line per change, UI_FULL redraws three lines in place
 * and hides the cursor only while it runs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ui_term.h"

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

/* ui_columns counts code points, not bytes. */
static void columns_count_code_points(void **state)
{
    (void)state;
    assert_int_equal(ui_columns(""), 0);
    assert_int_equal(ui_columns("adem"), 4);
    assert_int_equal(ui_columns("\xc3\xa9\xc3\xa9n"), 3);               /* één */
    assert_int_equal(ui_columns(dutch_title), 24);                        /* with an em dash */
    assert_int_equal(ui_columns("\xe2\x96\x88\xe2\x96\x91"), 2);          /* two blocks */
    assert_int_equal(ui_columns("\xf0\x9f\x8c\xac"), 1);                  /* a 4-byte one */
}

/* Every line fits the width (clamped to 40..80, never touching the last
 * column, so the terminal never wraps), in columns, and is valid UTF-8, for
 * every width from 40 to 200 and for long multi-byte titles and labels. */
static void lines_fit_every_width(void **state)
{
    (void)state;
    const char *titles[] = {"478", dutch_title, long_title, NULL};
    const char *labels[] = {"In", "Vasthouden \xe2\x80\x94 \xc3\xa9\xc3\xa9n tel lang", NULL};
    for (int ti = 0; ti < 4; ti++)
        for (int li = 0; li < 3; li++)
            for (int variant = 0; variant < 4; variant++)
                for (int width = 40; width <= 200; width++)
                    for (int uni = 0; uni < 2; uni++) {
                        engine_status st = status(titles[ti], labels[li], 10, 4,
                                                  (int64_t)(11.3 * RATE), 3725, ADEM_TONE_RISE);
                        st.paused = variant & 1;
                        st.volume_db = (variant & 2) ? -12 : 0;
                        st.stopping = variant == 3;
                        if (li == 2)
                            st.phase_frames = 0; /* no phase: no bar */
                        char lines[3][512];
                        ui_format(&st, RATE, width, uni, lines);
                        int limit = (width > 80 ? 80 : width) - 1;
                        for (int i = 0; i < 3; i++) {
                            if (ui_columns(lines[i]) > limit || !valid_utf8(lines[i]))
                                fail_msg("width %d, title %d, label %d, variant %d, unicode "
                                         "%d: line %d is %d columns (limit %d): '%s'",
                                         width, ti, li, variant, uni, i + 1,
                                         ui_columns(lines[i]), limit, lines[i]);
                        }
                    }
}

/* A title that fits is shown whole; a long one is cut with "..." on a
 * character boundary, keeping its start. */
static void titles_shown_or_cut(void **state)
{
    (void)state;
    char lines[3][512];
    engine_status st = status(dutch_title, "In", 0, 4, 0, 60, ADEM_TONE_RISE);
    ui_format(&st, RATE, 80, 1, lines);
    assert_non_null(strstr(lines[0], dutch_title));
    st.title = long_title;
    ui_format(&st, RATE, 40, 1, lines);
    assert_non_null(strstr(lines[0], "Ontspanning \xe2\x80\x94"));
    assert_non_null(strstr(lines[0], "..."));
    assert_null(strstr(lines[0], "drie"));
    assert_non_null(strstr(lines[0], "nog 1:00"));
}

/* The time left is rounded up to whole seconds: in the session (m:ss) and
 * in the phase ("N s"). */
static void seconds_left_round_up(void **state)
{
    (void)state;
    char lines[3][512];
    /* session: 10 s; phase 2..6 s */
    struct {
        int64_t pos;
        const char *session, *phase;
    } cases[] = {
        {2 * RATE, "nog 0:08", "  4 s"},         /* exactly 8 s and 4 s left */
        {2 * RATE + 1, "nog 0:08", "  4 s"},     /* 1 frame less: still 8 and 4 */
        {3 * RATE - 1, "nog 0:08", "  4 s"},     /* 7 s + 1 frame and 3 s + 1 frame */
        {3 * RATE, "nog 0:07", "  3 s"},
        {6 * RATE - 1, "nog 0:05", "  1 s"},     /* the phase's last frame */
        {10 * RATE - 1, "nog 0:01", "  0 s"},    /* phase 6..10 s - 1 frame: its end */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        engine_status st = status("T", "Adem in", 2, 4, cases[i].pos, 10, ADEM_TONE_RISE);
        if (i == 5) {
            st.phase_start = 6 * RATE;
            st.phase_frames = 4 * RATE - 1;
        }
        ui_format(&st, RATE, 80, 0, lines);
        if (!strstr(lines[0], cases[i].session) || !strstr(lines[1], cases[i].phase))
            fail_msg("pos %lld: '%s' / '%s', want '%s' and '%s'", (long long)cases[i].pos,
                     lines[0], lines[1], cases[i].session, cases[i].phase);
    }
    /* minutes, and the end */
    engine_status st = status("T", NULL, 0, 0, 0, 61, ADEM_TONE_NONE);
    st.total += 1; /* 61 s and a frame */
    ui_format(&st, RATE, 80, 0, lines);
    assert_non_null(strstr(lines[0], "nog 1:02"));
    st.pos = st.total;
    ui_format(&st, RATE, 80, 0, lines);
    assert_non_null(strstr(lines[0], "nog 0:00"));
    st = status("T", NULL, 0, 0, 0, 3725, ADEM_TONE_NONE);
    ui_format(&st, RATE, 80, 0, lines);
    assert_non_null(strstr(lines[0], "nog 62:05"));
}

/* The bar follows the tone: 50 cells at width 80, '#' for the filled part. */
static void bar_follows_the_tone(void **state)
{
    (void)state;
    char lines[3][512];
    struct {
        adem_tone tone;
        int on;
    } cases[] = {{ADEM_TONE_RISE, 15}, {ADEM_TONE_FALL, 35}, {ADEM_TONE_STEADY, 50},
                 {ADEM_TONE_NONE, 15}};
    for (size_t i = 0; i < 4; i++) {
        /* phase 0..10 s, at 3 s: progress 0.3 */
        engine_status st = status("T", "Fase", 0, 10, 3 * RATE, 20, cases[i].tone);
        ui_format(&st, RATE, 80, 0, lines);
        const char *open = strchr(lines[1], '['), *close = strchr(lines[1], ']');
        assert_non_null(open);
        assert_non_null(close);
        assert_int_equal(close - open - 1, 50);
        int on = 0;
        for (const char *p = open + 1; p < close; p++)
            on += *p == '#';
        assert_int_equal(on, cases[i].on);
        assert_non_null(strstr(lines[1], "Fase"));
    }
    /* no phase: no bar, no seconds */
    engine_status st = status("T", NULL, 0, 0, 3 * RATE, 20, ADEM_TONE_NONE);
    ui_format(&st, RATE, 80, 0, lines);
    assert_null(strchr(lines[1], '['));
    assert_null(strstr(lines[1], " s"));
}

/* "(pauze)" only while paused; the volume only when it is not 0 dB;
 * "stoppen..." while stopping. */
static void pause_volume_and_stop_markers(void **state)
{
    (void)state;
    char lines[3][512];
    engine_status st = status(dutch_title, "In", 0, 4, RATE, 60, ADEM_TONE_RISE);
    ui_format(&st, RATE, 80, 1, lines);
    assert_null(strstr(lines[0], "(pauze)"));
    assert_null(strstr(lines[2], "dB"));
    assert_non_null(strstr(lines[2], "q stoppen"));
    st.paused = 1;
    ui_format(&st, RATE, 80, 1, lines);
    assert_non_null(strstr(lines[0], "(pauze)"));
    assert_non_null(strstr(lines[0], "nog 0:59"));
    st.paused = 0;
    st.volume_db = -6;
    ui_format(&st, RATE, 80, 1, lines);
    assert_non_null(strstr(lines[2], "(-6 dB)"));
    st.volume_db = 3;
    ui_format(&st, RATE, 80, 1, lines);
    assert_non_null(strstr(lines[2], "(+3 dB)"));
    st.stopping = 1;
    ui_format(&st, RATE, 80, 1, lines);
    assert_string_equal(lines[2], "  stoppen...");
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
    ui_free(u);
    char *s = written(f);
    assert_string_equal(s, "");
    free(s);
    fclose(f);
}

/* UI_PLAIN: one line for the title, one per phase change, one per pause
 * change; repeated updates print nothing; no escape codes. */
static void plain_mode_prints_changes(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    ui *u = ui_new(UI_PLAIN, f, RATE, 0);
    assert_non_null(u);
    static const char in[] = "Adem in", uit[] = "Adem uit";
    engine_status st = status(dutch_title, in, 0, 4, 0, 60, ADEM_TONE_RISE);
    ui_update(u, &st, 80);
    st.pos = RATE;
    ui_update(u, &st, 80);
    st = status(dutch_title, uit, 4, 6, 4 * RATE, 60, ADEM_TONE_FALL);
    ui_update(u, &st, 80);
    st.pos = 5 * RATE;
    st.paused = 1;
    ui_update(u, &st, 80);
    ui_update(u, &st, 80);
    st.paused = 0;
    ui_update(u, &st, 80);
    ui_free(u);
    char *s = written(f);
    char want[512];
    snprintf(want, sizeof want,
             "0:00  %s\n0:00    Adem in (4 s)\n0:04    Adem uit (6 s)\n0:05  pauze\n"
             "0:05  verder\n",
             dutch_title);
    assert_string_equal(s, want);
    assert_null(strchr(s, '\033'));
    free(s);
    fclose(f);
}

/* UI_FULL: hides the cursor, draws three lines, then moves up three lines
 * before each redraw; shows the cursor again when freed. */
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
    ui_free(u);
    char *s = written(f);
    assert_memory_equal(s, "\033[?25l", 6);
    const char *second = strstr(s, "\033[3A");
    assert_non_null(second);
    assert_null(strstr(second + 1, "\033[3A")); /* only before the second frame */
    assert_int_equal(count_of(s, "\r"), 6);
    assert_int_equal(count_of(s, "\033[K\n"), 6);
    assert_non_null(strstr(s, dutch_title));
    size_t len = strlen(s);
    assert_true(len > 6);
    assert_string_equal(s + len - 6, "\033[?25h");
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
        cmocka_unit_test(titles_shown_or_cut),
        cmocka_unit_test(seconds_left_round_up),
        cmocka_unit_test(bar_follows_the_tone),
        cmocka_unit_test(pause_volume_and_stop_markers),
        cmocka_unit_test(silent_mode_prints_nothing),
        cmocka_unit_test(plain_mode_prints_changes),
        cmocka_unit_test(full_mode_redraws_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
