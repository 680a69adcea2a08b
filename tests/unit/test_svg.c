/* test_svg: the picture of a timeline (svg.h) — well-formed XML whatever the
 * text (checked with xmllint), escaping and invalid UTF-8, phases coloured by
 * their breath with the tone's direction, labels and Dutch lengths, cue words
 * from the lookup (or the ID), the line length chosen, repeats folded in long
 * sessions (and not in short ones), bells, pulse, bed, marks, count=down,
 * several sessions, a 23-hour session that stays small, and write errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "e2e.h"
#include "lang/session_parse.h"
#include "io/svg.h"
#include "timeline/timeline.h"

enum { RATE = 8000 }; /* the lowest rate a timeline takes */

/* ---- Helpers ------------------------------------------------------------------ */

typedef struct pic_case {
    ast_session *s[4];
    int n;
    timeline *tl;
    char *svg;   /* the document */
    size_t len;
} pic_case;

/* Words for the lookup test: cue 0 has words, the others none. */
static const char *words_first(void *ctx, int cue)
{
    return cue == 0 ? (const char *)ctx : NULL;
}

/* Parses the n texts, builds them as one timeline (each cue `cue_ms` long)
 * and draws it with options o (NULL: defaults) into c->svg. */
static void draw_n(pic_case *c, const char *const *texts, int n, int64_t cue_ms,
                   const svg_options *o)
{
    memset(c, 0, sizeof *c);
    adem_diag d;
    diag_clear(&d);
    for (int i = 0; i < n; i++)
        if (session_parse("t.adem", texts[i], strlen(texts[i]), &c->s[i], &d) != 0)
            fail_msg("parse: %d:%d: %s", d.line, d.col, d.msg);
    c->n = n;
    tl_options to;
    tl_options_init(&to);
    if (timeline_build((const ast_session *const *)c->s, n, &to, NULL, &c->tl, &d) != 0)
        fail_msg("build: %s", d.msg);
    int nc = timeline_ncues(c->tl);
    int64_t *f = calloc((size_t)nc + 1, sizeof *f);
    for (int i = 0; i < nc; i++)
        f[i] = cue_ms * RATE / 1000;
    if (timeline_layout(c->tl, RATE, f, &d) != 0)
        fail_msg("layout: %s", d.msg);
    free(f);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    assert_int_equal(svg_write(tmp, c->tl, o, &d), 0);
    long size = ftell(tmp);
    assert_true(size > 0);
    rewind(tmp);
    c->svg = malloc((size_t)size + 1);
    assert_int_equal(fread(c->svg, 1, (size_t)size, tmp), (size_t)size);
    c->svg[size] = '\0';
    c->len = (size_t)size;
    fclose(tmp);
}

/* draw_n for one session. */
static void draw(pic_case *c, const char *text, int64_t cue_ms, const svg_options *o)
{
    draw_n(c, &text, 1, cue_ms, o);
}

static void pic_free(pic_case *c)
{
    timeline_free(c->tl);
    for (int i = 0; i < c->n; i++)
        session_free(c->s[i]);
    free(c->svg);
}

/* Occurrences of needle in hay. */
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Asserts the document is well-formed XML: xmllint --noout must accept it. */
static void assert_xml(const pic_case *c)
{
    const char *path = e2e_path("pic.svg");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(c->svg, 1, c->len, f), c->len);
    fclose(f);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "xmllint --noout '%s' 2>&1", path);
    int st = system(cmd);
    if (st != 0)
        fail_msg("xmllint rejects the SVG (status %d; is libxml2-utils installed? scripts/bootstrap "
                 "--test)",
                 st);
    /* no control characters but line breaks */
    for (size_t i = 0; i < c->len; i++)
        if ((unsigned char)c->svg[i] < 0x20 && c->svg[i] != '\n')
            fail_msg("control character 0x%02x at byte %zu", c->svg[i], i);
}

/* The attribute `name` (e.g. "y1") of the first element that contains
 * `marker` (e.g. class="tone"), as a number. */
static double attr_after(const char *svg, const char *marker, const char *name)
{
    const char *p = strstr(svg, marker);
    if (!p)
        fail_msg("no %s in the SVG", marker);
    const char *start = p;
    while (start > svg && *start != '<')
        start--;
    const char *end = strchr(p, '>');
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *a = strstr(start, key);
    if (!a || a > end)
        fail_msg("no %s in the element with %s", name, marker);
    return strtod(a + strlen(key), NULL);
}

/* ---- Tests ------------------------------------------------------------------------ */

/* A title with every XML markup character, words with invalid UTF-8 and
 * control characters: escaped, replaced, and the file stays well-formed. */
static void test_escaping(void **state)
{
    (void)state;
    static const char words[] = "Adem <in> & \"uit\" 'nu'\x01\tbad \xC3\x28 end \xE2\x82";
    svg_options o;
    svg_options_init(&o);
    o.words = words_first;
    o.words_ctx = (void *)words;
    o.subtitle = "een & twee";
    pic_case c;
    draw(&c,
         "session \"A <&> \\\"b\\\" 'c' \xC3\xA9\xC3\xA9n\"\n"
         "speak welkom\n"
         "phase \"<in>\" 4s tone=rise\n",
         3000, &o);
    assert_xml(&c);
    assert_non_null(strstr(c.svg, "<title>A &lt;&amp;&gt; &quot;b&quot; &apos;c&apos; \xC3\xA9\xC3\xA9n</title>"));
    assert_non_null(strstr(c.svg, "Adem &lt;in&gt; &amp; &quot;uit&quot; &apos;nu&apos;  bad \xEF\xBF\xBD( end \xEF\xBF\xBD"));
    assert_non_null(strstr(c.svg, ">een &amp; twee</text>"));
    assert_non_null(strstr(c.svg, ">&lt;in&gt;</text>"));
    pic_free(&c);
}

/* Phases are coloured by their tone: rise "in", steady "vast", fall "uit",
 * none neutral; the tone line goes up, stays level, goes down (SVG y grows
 * downwards), and a lower pitch is drawn lower. */
static void test_breaths_and_tones(void **state)
{
    (void)state;
    pic_case c;
    draw(&c,
         "session \"Adem\"\n"
         "phase \"Adem in\" 4s tone=rise\n"
         "phase \"Vasthouden\" 7s tone=steady\n"
         "phase \"Adem uit\" 8s tone=fall\n"
         "phase \"Rust\" 5s\n"
         "phase \"Laag\" 4s tone=steady:150\n",
         1000, NULL);
    assert_xml(&c);
    assert_int_equal(count(c.svg, "class=\"phase in\""), 1);
    assert_int_equal(count(c.svg, "class=\"phase vast\""), 2);
    assert_int_equal(count(c.svg, "class=\"phase uit\""), 1);
    assert_int_equal(count(c.svg, "class=\"phase none\""), 1);
    assert_int_equal(count(c.svg, "class=\"tone\""), 4);
    /* the first tone line rises */
    assert_true(attr_after(c.svg, "class=\"tone\"", "y2") < attr_after(c.svg, "class=\"tone\"", "y1"));
    const char *steady = strstr(c.svg, "class=\"phase vast\"");
    assert_true(attr_after(steady, "class=\"tone\"", "y1") == attr_after(steady, "class=\"tone\"", "y2"));
    const char *fall = strstr(c.svg, "class=\"phase uit\"");
    assert_true(attr_after(fall, "class=\"tone\"", "y2") > attr_after(fall, "class=\"tone\"", "y1"));
    /* steady 294 Hz (the default high tone) is drawn above steady 150 Hz */
    const char *low = strstr(steady + 10, "class=\"phase vast\"");
    assert_non_null(low);
    assert_true(attr_after(low, "class=\"tone\"", "y1") > attr_after(steady, "class=\"tone\"", "y1"));
    /* the legend names the breaths in Dutch */
    assert_non_null(strstr(c.svg, ">in (toon stijgt)</text>"));
    assert_non_null(strstr(c.svg, ">vast (toon blijft)</text>"));
    assert_non_null(strstr(c.svg, ">uit (toon daalt)</text>"));
    assert_non_null(strstr(c.svg, ">fase zonder toon</text>"));
    pic_free(&c);
}

/* Labels and lengths in Dutch: "4 s", "5,3 s", "1 min 45 s", "2 min", the
 * pulse rate beside the length, and the total in the header. */
static void test_labels_and_lengths(void **state)
{
    (void)state;
    pic_case c;
    draw(&c,
         "session \"Lengtes\"\n"
         "phase \"Kort\" 4s\n"
         "phase \"Komma\" 5300ms\n"
         "phase \"Lang\" 1m45s\n"
         "phase \"Twee\" 2m pulse=96\n",
         1000, NULL);
    assert_xml(&c);
    assert_non_null(strstr(c.svg, ">Kort</text>"));
    assert_non_null(strstr(c.svg, ">4 s</text>"));
    assert_non_null(strstr(c.svg, ">5,3 s</text>"));
    assert_non_null(strstr(c.svg, ">1 min 45 s</text>"));
    assert_non_null(strstr(c.svg, ">2 min \xC2\xB7 96/min</text>"));
    /* 4 + 5.3 + 105 + 120 s = 234.3 s */
    assert_non_null(strstr(c.svg, ">Duur 3 min 54 s</text>"));
    assert_non_null(strstr(c.svg, ">einde 3:54</text>"));
    pic_free(&c);
}

/* Cue words come from the lookup; a cue without words shows its ID; a
 * count=down shows its numbers in the phase instead of words. */
static void test_cue_words(void **state)
{
    (void)state;
    svg_options o;
    svg_options_init(&o);
    o.words = words_first;
    o.words_ctx = (void *)"Adem rustig in.";
    pic_case c;
    draw(&c,
         "session \"Woorden\"\n"
         "speak uitleg\n"
         "phase \"In\" 4s cue=zonder_tekst tone=rise\n"
         "phase \"Span\" 5s count=down\n",
         1500, &o);
    assert_xml(&c);
    assert_non_null(strstr(c.svg, ">Adem rustig in.</text>"));
    assert_non_null(strstr(c.svg, ">zonder_tekst</text>"));
    assert_int_equal(count(c.svg, "class=\"cue\""), 2);
    assert_int_equal(count(c.svg, "class=\"count\""), 5);
    for (int i = 1; i <= 5; i++) {
        char want[64];
        snprintf(want, sizeof want, "fill=\"#2E3A4F\">%d</text>", i);
        assert_non_null(strstr(c.svg, want));
    }
    pic_free(&c);
}

/* The line length: 30 s lines for a session of at most 30 s, 1 minute lines
 * up to 10 minutes, 2 minute lines when 1-minute lines would not fit on a page
 * and every phase is long. */
static void test_line_length(void **state)
{
    (void)state;
    pic_case c;
    draw(&c, "session \"Kort\"\nphase \"Een\" 25s\n", 1000, NULL);
    assert_non_null(strstr(c.svg, "1 regel van 30 s."));
    pic_free(&c);
    draw(&c, "session \"Twee\"\nrepeat 6\n phase \"In\" 4s tone=rise\n phase \"Uit\" 6s tone=fall\nend\n"
             "wait 51s\n",
         1000, NULL);
    assert_non_null(strstr(c.svg, "2 regels van 1 min."));
    assert_int_equal(count(c.svg, "class=\"phase "), 12);
    pic_free(&c);
    /* 6 minutes of long phases: 3 lines of 2 minutes */
    draw(&c, "session \"Niks\"\nrepeat 4\n phase \"Niks\" 1m15s\n phase \"Voel\" 15s\nend\n", 1000,
         NULL);
    assert_non_null(strstr(c.svg, "3 regels van 2 min."));
    pic_free(&c);
    /* 6 minutes with 4 s phases: 6 lines of 1 minute */
    draw(&c, "session \"Adem\"\nrepeat 36\n phase \"In\" 4s tone=rise\n phase \"Uit\" 6s tone=fall\nend\n",
         1000, NULL);
    assert_non_null(strstr(c.svg, "6 regels van 1 min."));
    assert_null(strstr(c.svg, "ingekort"));
    assert_int_equal(count(c.svg, "class=\"fold\""), 0);
    assert_int_equal(count(c.svg, "class=\"phase in\""), 36);
    pic_free(&c);
}

/* Over 10 minutes, the outermost repeats fold: one round drawn, a repeat
 * sign with "x N" and the repeat's length, the axis going on at the real time
 * after it; nested repeats inside the drawn round stay whole. */
static void test_folds(void **state)
{
    (void)state;
    pic_case c;
    draw(&c,
         "session \"Lang\"\n"
         "bed brown -30dB\n"
         "speak intro\n"
         "repeat 100\n"
         "  phase \"In\" 4s tone=rise\n"
         "  repeat 2\n"
         "    phase \"Uit\" 3s tone=fall\n"
         "  end\n"
         "end\n"
         "bell\n"
         "speak einde\n",
         2000, NULL);
    assert_xml(&c);
    assert_non_null(strstr(c.svg, "herhalingen ingekort"));
    assert_int_equal(count(c.svg, "class=\"fold\""), 1);
    assert_non_null(strstr(c.svg, ">\xC3\x97 100</text>"));
    assert_non_null(strstr(c.svg, ">16 min 40 s</text>")); /* 100 x 10 s */
    assert_int_equal(count(c.svg, "class=\"phase in\""), 1);
    assert_int_equal(count(c.svg, "class=\"phase uit\""), 2);
    assert_int_equal(count(c.svg, "class=\"bell\""), 1);
    assert_int_equal(count(c.svg, "class=\"cue\""), 2);
    /* after the fold the axis is labelled with the real time: 2 s + 1000 s */
    assert_non_null(strstr(c.svg, ">16:42</text>"));
    assert_non_null(strstr(c.svg, ">einde 16:44</text>"));
    assert_non_null(strstr(c.svg, "herhaling ingekort: \xC3\xA9\xC3\xA9n ronde getekend"));
    pic_free(&c);
}

/* A 23-hour session stays a small picture (one round and a fold) and is
 * drawn quickly: no smear of thousands of breaths. */
static void test_day_long(void **state)
{
    (void)state;
    pic_case c;
    draw(&c,
         "session \"Dag\"\nbed pink -30dB\nrepeat for 23h\n  phase \"In\" 4s tone=rise\n"
         "  phase \"Uit\" 6s tone=fall\nend\n",
         1000, NULL);
    assert_xml(&c);
    assert_true(c.len < 40000);
    assert_non_null(strstr(c.svg, ">\xC3\x97 8280</text>"));
    assert_non_null(strstr(c.svg, ">Duur 23 uur</text>"));
    assert_int_equal(count(c.svg, "class=\"phase "), 2);
    assert_non_null(strstr(c.svg, "class=\"bed pink\""));
    pic_free(&c);
}

/* Bells, a pulse (one dot per beat: a dash pattern of the beat's width),
 * the bed with its fades, and marks with their labels. */
static void test_sound_and_marks(void **state)
{
    (void)state;
    pic_case c;
    draw(&c,
         "session \"Klank\"\n"
         "bed brown -30dB\n"
         "bell\n"
         "mark \"Begin & zo\"\n"
         "phase \"Schud\" 10s pulse=120\n"
         "mark \"Stil\"\n"
         "phase \"Stil\" 20s\n"
         "bed off\n"
         "bell -6dB\n"
         "wait 5s\n",
         1000, NULL);
    assert_xml(&c);
    assert_int_equal(count(c.svg, "class=\"bell\""), 2);
    assert_int_equal(count(c.svg, "class=\"pulse\""), 1);
    /* 120/min on 1-minute lines of 1480 px: a beat every 0.5 s = 12.333 px */
    assert_non_null(strstr(c.svg, "stroke-dasharray=\"0 12.333\""));
    assert_int_equal(count(c.svg, "class=\"bed brown\""), 1);
    assert_int_equal(count(c.svg, "class=\"mark\""), 2);
    assert_non_null(strstr(c.svg, ">Begin &amp; zo</text>"));
    assert_non_null(strstr(c.svg, "class=\"mark-label\" fill=\"#B03A2E\">Stil</text>"));
    assert_non_null(strstr(c.svg, ">markering: n springt hierheen</text>"));
    assert_non_null(strstr(c.svg, ">puls (per tel een stip)</text>"));
    assert_non_null(strstr(c.svg, ">achtergrondruis (bruin)</text>"));
    /* the bed fades in over 2 s: its band starts at height 0 */
    const char *bed = strstr(c.svg, "class=\"bed brown\" d=\"M");
    assert_non_null(bed);
    double x0, y0, x1, y1;
    assert_int_equal(sscanf(bed, "class=\"bed brown\" d=\"M%lf %lfL%lf %lf", &x0, &y0, &x1, &y1), 4);
    assert_true(x0 == x1 && y0 == y1);
    pic_free(&c);
}

/* Two sessions on one line: both titles in the header, the second starts
 * on a new line of the score with its title at the line's start. */
static void test_two_sessions(void **state)
{
    (void)state;
    const char *texts[] = {"session \"Eerste\"\nphase \"A\" 10s\n",
                           "session \"Tweede\"\nphase \"B\" 10s\n"};
    pic_case c;
    draw_n(&c, texts, 2, 1000, NULL);
    assert_xml(&c);
    assert_non_null(strstr(c.svg, "class=\"title\" fill=\"#1A1A1A\">Eerste + Tweede</text>"));
    assert_int_equal(count(c.svg, "class=\"session\""), 1);
    assert_non_null(strstr(c.svg, ">sessie: Tweede</text>"));
    assert_true(attr_after(c.svg, "class=\"session\"", "x1") == 86.0);
    assert_non_null(strstr(c.svg, "2 regels van 30 s."));
    pic_free(&c);
}

/* A stream that cannot be written: -1 with a runtime error. */
static void test_write_error(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    ast_session *s;
    timeline *tl;
    adem_diag d;
    diag_clear(&d);
    const char *text = "session \"x\"\nphase \"a\" 1s\n";
    assert_int_equal(session_parse("t", text, strlen(text), &s, &d), 0);
    tl_options to;
    tl_options_init(&to);
    const ast_session *ss[1] = {s};
    assert_int_equal(timeline_build(ss, 1, &to, NULL, &tl, &d), 0);
    assert_int_equal(timeline_layout(tl, RATE, NULL, &d), 0);
    assert_int_equal(svg_write(full, tl, NULL, &d), -1);
    assert_int_equal(d.status, ADEM_EXIT_RUNTIME);
    assert_non_null(strstr(d.msg, "writing the picture failed"));
    fclose(full);
    timeline_free(tl);
    session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping),       cmocka_unit_test(test_breaths_and_tones),
        cmocka_unit_test(test_labels_and_lengths), cmocka_unit_test(test_cue_words),
        cmocka_unit_test(test_line_length),    cmocka_unit_test(test_folds),
        cmocka_unit_test(test_day_long),       cmocka_unit_test(test_sound_and_marks),
        cmocka_unit_test(test_two_sessions),   cmocka_unit_test(test_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
