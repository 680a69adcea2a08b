/* test_timeline: the timeline compiler and cursor — exact frames from exact
 * cumulative time, repeats (also `repeat for`), tempo, count=down, overrides,
 * plays and their cycles, the 24-hour limit, and memory that does not grow
 * with the length of a session. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lang/session_parse.h"
#include "rt/cursor.h"
#include "timeline/timeline.h"

/* ---- Helpers ------------------------------------------------------------------ */

/* In-memory session files for `play`: name -> text. */
typedef struct mem_file {
    const char *name, *text;
} mem_file;

typedef struct mem_loader {
    const mem_file *files;
    int n;
    ast_session *loaded[16];
    int nloaded;
} mem_loader;

/* tl_load_fn over in-memory files (the key is the name). */
static int mem_load(void *ctx, const char *target, const char *from, const ast_session **out,
                    const char **key, adem_diag *d)
{
    mem_loader *l = ctx;
    (void)from;
    for (int i = 0; i < l->n; i++) {
        if (strcmp(l->files[i].name, target) != 0)
            continue;
        ast_session *s;
        if (session_parse(l->files[i].name, l->files[i].text, strlen(l->files[i].text), &s, d) != 0)
            return -1;
        l->loaded[l->nloaded++] = s;
        *out = s;
        *key = l->files[i].name;
        return 0;
    }
    return diag_set(d, NULL, 0, 0, "no session named '%s'", target);
}

/* A compiled test case: its session(s), timeline and loader. */
typedef struct tc {
    ast_session *s;
    timeline *tl;
    mem_loader loader;
    adem_diag d;
} tc;

/* Parses text and builds it with options o (NULL: defaults). Returns 0 or -1
 * (with t->d set). */
static int build(tc *t, const char *text, tl_options *o)
{
    memset(t, 0, sizeof *t);
    diag_clear(&t->d);
    if (session_parse("t.adem", text, strlen(text), &t->s, &t->d) != 0) {
        fail_msg("parse failed: %s:%d:%d: %s", t->d.file, t->d.line, t->d.col, t->d.msg);
        return -1;
    }
    tl_options def;
    if (!o) {
        tl_options_init(&def);
        o = &def;
    }
    const ast_session *ss[1] = {t->s};
    return timeline_build(ss, 1, o, NULL, &t->tl, &t->d);
}

/* Lays out at rate with every cue `cue_len` frames long (or lens[i]). */
static int layout(tc *t, int rate, int64_t cue_len, const int64_t *lens)
{
    int n = timeline_ncues(t->tl);
    int64_t *f = calloc((size_t)n + 1, sizeof *f);
    for (int i = 0; i < n; i++)
        f[i] = lens ? lens[i] : cue_len;
    int rc = timeline_layout(t->tl, rate, f, &t->d);
    free(f);
    return rc;
}

static void tc_free(tc *t)
{
    timeline_free(t->tl);
    session_free(t->s);
    for (int i = 0; i < t->loader.nloaded; i++)
        session_free(t->loader.loaded[i]);
}

/* Collects the start frames of every event of `kind` (up to max). */
static int collect(const timeline *tl, tl_event_kind kind, int64_t *frames, int max)
{
    tl_cursor c;
    tl_event ev;
    int n = 0;
    tl_cursor_init(&c, tl);
    while (tl_cursor_next(&c, &ev))
        if (ev.kind == kind) {
            if (n < max)
                frames[n] = ev.frame;
            n++;
        }
    return n;
}

/* ---- Exact timing ------------------------------------------------------------- */

/* 1000 cycles of 4-7-8 at 44.1 kHz end on exactly 19000 s * 44100: no drift,
 * and each phase starts on floor(ms * 44100 / 1000) of its exact start. */
static void test_no_drift_44k1(void **state)
{
    (void)state;
    tc t;
    assert_int_equal(build(&t,
                           "session \"x\"\n"
                           "repeat 1000\n"
                           "  phase \"in\" 4s\n"
                           "  phase \"vast\" 7s\n"
                           "  phase \"uit\" 8s\n"
                           "end\n",
                           NULL),
                     0);
    assert_int_equal(layout(&t, 44100, 1, NULL), 0);
    assert_int_equal(timeline_frames(t.tl), (int64_t)19000 * 44100);
    static int64_t f[3000];
    assert_int_equal(collect(t.tl, TL_EV_PHASE, f, 3000), 3000);
    for (int i = 0; i < 3000; i++) {
        int64_t ms = (int64_t)(i / 3) * 19000 + (i % 3 == 0 ? 0 : i % 3 == 1 ? 4000 : 11000);
        assert_int_equal(f[i], ms * 44100 / 1000);
    }
    tc_free(&t);
}

/* Odd milliseconds at 44.1 kHz: starts are floor(cumulative ms * rate / 1000),
 * never the sum of rounded steps (which would drift by a frame per step). */
static void test_cumulative_not_rounded_steps(void **state)
{
    (void)state;
    tc t;
    assert_int_equal(build(&t, "session \"x\"\nrepeat 999\n  phase \"p\" 13ms\nend\n", NULL), 0);
    assert_int_equal(layout(&t, 44100, 1, NULL), 0);
    static int64_t f[999];
    assert_int_equal(collect(t.tl, TL_EV_PHASE, f, 999), 999);
    for (int i = 0; i < 999; i++)
        assert_int_equal(f[i], (int64_t)i * 13 * 44100 / 1000);
    /* 13 ms is 573.3 frames: adding rounded steps would end at 999*573 */
    assert_int_equal(timeline_frames(t.tl), (int64_t)999 * 13 * 44100 / 1000);
    assert_true(timeline_frames(t.tl) != 999 * 573);
    tc_free(&t);

    /* nested repeats with offsets that are not whole frames: every start is
     * still floor(cumulative ms * rate / 1000) of its own exact time */
    assert_int_equal(build(&t,
                           "session \"x\"\n"
                           "wait 7ms\n"
                           "repeat 37\n"
                           "  wait 5ms\n"
                           "  phase \"a\" 13ms\n"
                           "  repeat 11\n"
                           "    wait 3ms\n"
                           "    phase \"b\" 17ms\n"
                           "  end\n"
                           "end\n",
                           NULL),
                     0);
    assert_int_equal(layout(&t, 44100, 1, NULL), 0);
    static int64_t g[37 * 12];
    assert_int_equal(collect(t.tl, TL_EV_PHASE, g, 37 * 12), 37 * 12);
    int k = 0;
    for (int i = 0; i < 37; i++) {
        int64_t base = 7 + (int64_t)i * (5 + 13 + 11 * 20);
        assert_int_equal(g[k++], (base + 5) * 44100 / 1000);
        for (int j = 0; j < 11; j++)
            assert_int_equal(g[k++], (base + 5 + 13 + (int64_t)j * 20 + 3) * 44100 / 1000);
    }
    tc_free(&t);
}

/* A spoken cue advances the clock by its exact length in frames. */
static void test_speak_advances_by_cue_frames(void **state)
{
    (void)state;
    tc t;
    assert_int_equal(build(&t,
                           "session \"x\"\n"
                           "speak a\n"
                           "wait 1ms\n"
                           "speak b\n"
                           "phase \"p\" 1s cue=a\n"
                           "speak a\n",
                           NULL),
                     0);
    assert_int_equal(timeline_ncues(t.tl), 2);
    assert_string_equal(timeline_cue(t.tl, 0)->id, "a");
    assert_string_equal(timeline_cue(t.tl, 1)->id, "b");
    assert_string_equal(timeline_cue(t.tl, 0)->pack, "nl");
    int64_t lens[2] = {12345, 777};
    assert_int_equal(layout(&t, 48000, 0, lens), 0);
    int64_t f[8];
    assert_int_equal(collect(t.tl, TL_EV_CUE, f, 8), 3);
    assert_int_equal(f[0], 0);
    assert_int_equal(f[1], 12345 + 48);
    assert_int_equal(f[2], 12345 + 48 + 777 + 48000);
    assert_int_equal(collect(t.tl, TL_EV_PHASE, f, 8), 1);
    assert_int_equal(f[0], 12345 + 48 + 777);
    assert_int_equal(timeline_frames(t.tl), 12345 + 48 + 777 + 48000 + 12345);
    tc_free(&t);
}

/* Events come in time order, END last on timeline_frames, and a cursor
 * restarted gives the same walk. */
static void test_cursor_order_and_end(void **state)
{
    (void)state;
    tc t;
    assert_int_equal(build(&t,
                           "session \"x\"\n"
                           "bed pink -30dB\n"
                           "mark \"begin\"\n"
                           "repeat 3\n"
                           "  bell -6dB\n"
                           "  repeat 2\n"
                           "    phase \"a\" 1s tone=rise\n"
                           "    wait 250ms\n"
                           "  end\n"
                           "  speak c\n"
                           "end\n"
                           "bed off\n",
                           NULL),
                     0);
    assert_int_equal(layout(&t, 48000, 4800, NULL), 0);
    tl_cursor c;
    tl_event ev;
    int64_t last = -1;
    int n = 0, ends = 0;
    tl_cursor_init(&c, t.tl);
    while (tl_cursor_next(&c, &ev)) {
        assert_true(ev.frame >= last);
        last = ev.frame;
        n++;
        if (ev.kind == TL_EV_END) {
            ends++;
            assert_int_equal(ev.frame, timeline_frames(t.tl));
        }
    }
    assert_int_equal(ends, 1);
    assert_int_equal(tl_cursor_next(&c, &ev), 0);
    assert_int_equal(timeline_frames(t.tl), 3 * (2 * (48000 + 12000) + 4800));
    int64_t bells[4];
    assert_int_equal(collect(t.tl, TL_EV_BELL, bells, 4), 3);
    assert_int_equal(bells[1], 2 * (48000 + 12000) + 4800);
    tc_free(&t);
}

/* ---- repeat for --------------------------------------------------------------- */

/* Whole cycles filling the duration, rounded to the nearest, at least one. */
static void test_repeat_for_counts(void **state)
{
    (void)state;
    struct {
        const char *dur, *body;
        int tempo;
        int64_t cycles;
    } cases[] = {
        {"5m", "phase \"in\" 4s\nphase \"uit\" 6s\n", 1000, 30},
        {"5m", "phase \"p\" 7s\n", 1000, 43},   /* 42.86 -> 43 */
        {"5m", "phase \"p\" 8s\n", 1000, 38},   /* 37.5 -> 38 (half up) */
        {"1s", "phase \"p\" 10s\n", 1000, 1},   /* at least one */
        {"5m", "phase \"p\" 10s\n", 2000, 60},  /* tempo 2: 5 s a cycle */
        {"5m", "phase \"p\" 10s\n", 500, 15},   /* tempo 0.5: 20 s a cycle */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "session \"x\"\nrepeat for %s\n%send\n", cases[i].dur,
                 cases[i].body);
        tl_options o;
        tl_options_init(&o);
        o.tempo_milli = cases[i].tempo;
        tc t;
        assert_int_equal(build(&t, text, &o), 0);
        assert_int_equal(layout(&t, 48000, 1, NULL), 0);
        tl_cursor c;
        tl_event ev;
        tl_cursor_init(&c, t.tl);
        while (tl_cursor_next(&c, &ev) && ev.kind != TL_EV_REPEAT) {
        }
        assert_int_equal(ev.kind, TL_EV_REPEAT);
        assert_int_equal(ev.repeat_count, cases[i].cycles);
        assert_true(ev.for_cycles);
        tc_free(&t);
    }
}

/* A spoken cue in the body counts in the cycle's length. */
static void test_repeat_for_with_cues(void **state)
{
    (void)state;
    tc t;
    assert_int_equal(build(&t, "session \"x\"\nrepeat for 1m\n  speak a\n  wait 5s\nend\n", NULL), 0);
    assert_int_equal(layout(&t, 48000, 48000, NULL), 0); /* 1 s cue: 6 s a cycle */
    assert_int_equal(timeline_frames(t.tl), (int64_t)10 * 6 * 48000);
    tc_free(&t);
}

/* ---- Tempo -------------------------------------------------------------------- */

/* Phases and waits scale by 1/tempo from the exact scaled cumulative time;
 * spoken cues keep their length. */
static void test_tempo(void **state)
{
    (void)state;
    const int tempos[] = {500, 750, 1000, 1333, 2000};
    for (size_t k = 0; k < sizeof tempos / sizeof tempos[0]; k++) {
        tl_options o;
        tl_options_init(&o);
        o.tempo_milli = tempos[k];
        tc t;
        assert_int_equal(build(&t,
                               "session \"x\"\n"
                               "repeat 10\n"
                               "  speak a\n"
                               "  phase \"in\" 4s\n"
                               "  wait 1500ms\n"
                               "end\n",
                               &o),
                         0);
        assert_int_equal(layout(&t, 44100, 1000, NULL), 0);
        int64_t f[16];
        assert_int_equal(collect(t.tl, TL_EV_PHASE, f, 16), 10);
        for (int i = 0; i < 10; i++) {
            int64_t ms = (int64_t)i * 5500;
            int64_t cf = (int64_t)(i + 1) * 1000;
            assert_int_equal(f[i], ms * 44100 / tempos[k] + cf);
        }
        assert_int_equal(timeline_frames(t.tl), (int64_t)55000 * 44100 / tempos[k] + 10000);
        tc_free(&t);
    }
}

/* --gap is real time: not scaled by the tempo. */
static void test_gap_not_scaled(void **state)
{
    (void)state;
    ast_session *a, *b;
    adem_diag d;
    const char *ta = "session \"a\"\nphase \"p\" 2s\n", *tb = "session \"b\"\nphase \"q\" 3s\n";
    assert_int_equal(session_parse("a", ta, strlen(ta), &a, &d), 0);
    assert_int_equal(session_parse("b", tb, strlen(tb), &b, &d), 0);
    tl_options o;
    tl_options_init(&o);
    o.gap_ms = 10000;
    o.tempo_milli = 500;
    const ast_session *ss[2] = {a, b};
    timeline *tl;
    assert_int_equal(timeline_build(ss, 2, &o, NULL, &tl, &d), 0);
    assert_int_equal(timeline_layout(tl, 48000, NULL, &d), 0);
    int64_t f[4];
    assert_int_equal(collect(tl, TL_EV_PHASE, f, 4), 2);
    assert_int_equal(f[1], 4 * 48000 + 10 * 48000);
    assert_int_equal(timeline_frames(tl), (4 + 10 + 6) * 48000);
    assert_string_equal(timeline_title(tl), "a");
    timeline_free(tl);
    session_free(a);
    session_free(b);
}

/* ---- count=down --------------------------------------------------------------- */

/* Number k starts exactly k seconds before the phase ends, for the whole
 * seconds after the phase's own cue, at most 10. */
static void test_count_down(void **state)
{
    (void)state;
    tc t;
    assert_int_equal(build(&t,
                           "session \"x\"\n"
                           "phase \"a\" 5s count=down\n"
                           "phase \"b\" 5s cue=lang count=down\n"
                           "phase \"c\" 15s count=down\n",
                           NULL),
                     0);
    /* cues: tel_1..tel_5 (a), lang, tel_1..5 again, then up to tel_10 (c) */
    int n = timeline_ncues(t.tl);
    int64_t lens[16];
    for (int i = 0; i < n; i++)
        lens[i] = strcmp(timeline_cue(t.tl, i)->id, "lang") == 0 ? 57600 /* 1.2 s */ : 2400;
    assert_int_equal(layout(&t, 48000, 0, lens), 0);
    tl_cursor c;
    tl_event ev;
    int numbers[32], nn = 0;
    int64_t at[32];
    tl_cursor_init(&c, t.tl);
    while (tl_cursor_next(&c, &ev))
        if (ev.kind == TL_EV_CUE && ev.count_number) {
            numbers[nn] = ev.count_number;
            at[nn++] = ev.frame;
            char id[16];
            snprintf(id, sizeof id, "tel_%d", ev.count_number);
            assert_string_equal(timeline_cue(t.tl, ev.cue)->id, id);
        }
    /* a: 5 4 3 2 1 at 0..4 s; b (cue 1.2 s): 3 2 1 at 7..9 s; c: 10..1 at 15..24 s */
    int want_n[] = {5, 4, 3, 2, 1, 3, 2, 1, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    int64_t want_s[] = {0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24};
    assert_int_equal(nn, 18);
    for (int i = 0; i < nn; i++) {
        assert_int_equal(numbers[i], want_n[i]);
        assert_int_equal(at[i], want_s[i] * 48000);
    }
    tc_free(&t);
}

/* The numbers use cues tel_1..tel_N of the session's pack. */
static void test_count_down_cue_ids(void **state)
{
    (void)state;
    tc t;
    assert_int_equal(build(&t, "session \"x\"\nvoice eigen\nphase \"a\" 3s count=down\n", NULL), 0);
    assert_int_equal(timeline_ncues(t.tl), 3);
    for (int i = 0; i < 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "tel_%d", i + 1);
        assert_string_equal(timeline_cue(t.tl, i)->id, id);
        assert_string_equal(timeline_cue(t.tl, i)->pack, "eigen");
    }
    tc_free(&t);
}

/* ---- Parameters and overrides --------------------------------------------------- */

/* --set changes integers, durations (a bare number takes the default's unit)
 * and levels; wrong types and unknown names are errors. */
static void test_overrides(void **state)
{
    (void)state;
    const char *text = "session \"x\"\n"
                       "param cycles 4\n"
                       "param hold 7s\n"
                       "param minutes 5m\n"
                       "param lvl -30dB\n"
                       "bed pink $lvl\n"
                       "repeat $cycles\n"
                       "  phase \"h\" $hold\n"
                       "end\n"
                       "repeat for $minutes\n"
                       "  phase \"p\" 1m\n"
                       "end\n";
    tl_override sets[] = {{"cycles", "2", NULL}, {"hold", "3", NULL}, {"minutes", "2", NULL},
                          {"lvl", "-20dB", NULL}};
    tl_options o;
    tl_options_init(&o);
    o.sets = sets;
    o.nsets = 4;
    tc t;
    assert_int_equal(build(&t, text, &o), 0);
    assert_int_equal(layout(&t, 48000, 1, NULL), 0);
    /* 2 x 3 s + 2 x 1 m */
    assert_int_equal(timeline_frames(t.tl), (int64_t)(6 + 120) * 48000);
    tl_cursor c;
    tl_event ev;
    tl_cursor_init(&c, t.tl);
    while (tl_cursor_next(&c, &ev) && ev.kind != TL_EV_BED) {
    }
    assert_true(ev.gain > 0.0999f && ev.gain < 0.1001f);
    tc_free(&t);

    struct {
        tl_override set;
        const char *phrase;
    } bad[] = {
        {{"cycles", "4s", "--set"}, "cycles"},
        {{"hold", "-3dB", "--set"}, "hold"},
        {{"lvl", "loud", "--set"}, "lvl"},
        {{"lvl", "+9dB", "--set"}, "lvl"},
        {{"nope", "1", "--set"}, "no session here has a parameter 'nope'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tl_options_init(&o);
        o.sets = &bad[i].set;
        o.nsets = 1;
        assert_int_equal(build(&t, text, &o), -1);
        assert_int_equal(t.d.status, 2);
        assert_non_null(strstr(t.d.msg, bad[i].phrase));
        assert_non_null(strstr(t.d.msg, "--set"));
        tc_free(&t);
        /* given by no flag, the message names none: where it came from is
         * the caller's to say */
        tl_override plain = bad[i].set;
        plain.from = NULL;
        o.sets = &plain;
        assert_int_equal(build(&t, text, &o), -1);
        assert_non_null(strstr(t.d.msg, bad[i].phrase));
        assert_null(strstr(t.d.msg, "--"));
        assert_true(strncmp(t.d.msg, plain.name, strlen(plain.name)) == 0);
        tc_free(&t);
    }
}

/* A parameter of 0 where 0 is not allowed is caught after substitution. */
static void test_zero_from_param(void **state)
{
    (void)state;
    tl_override set = {"n", "0", NULL};
    tl_options o;
    tl_options_init(&o);
    o.sets = &set;
    o.nsets = 1;
    tc t;
    assert_int_equal(build(&t, "session \"x\"\nparam n 3\nrepeat $n\n  wait 1s\nend\n", &o), -1);
    assert_int_equal(t.d.line, 3);
    assert_non_null(strstr(t.d.msg, "at least 1"));
    tc_free(&t);
    set.name = "w";
    set.value = "0s";
    assert_int_equal(build(&t, "session \"x\"\nparam w 2s\nwait $w\n", &o), -1);
    assert_int_equal(t.d.line, 3);
    tc_free(&t);
}

/* ---- Limits ------------------------------------------------------------------- */

/* Longer than 24 hours: an error naming the repeat, found without expanding
 * (a count of two billion answers at once). */
static void test_24h_limit(void **state)
{
    (void)state;
    tc t;
    assert_int_equal(build(&t, "session \"x\"\nwait 1s\nrepeat 2000000000\n  phase \"p\" 19s\nend\n",
                           NULL),
                     0);
    assert_int_equal(layout(&t, 48000, 1, NULL), -1);
    assert_int_equal(t.d.line, 3);
    assert_non_null(strstr(t.d.msg, "24 hours"));
    tc_free(&t);
    /* nested repeats whose product is huge: no overflow, an error */
    assert_int_equal(build(&t,
                           "session \"x\"\nrepeat 1000000000000\n  repeat 1000000000000\n"
                           "    wait 1h\n  end\nend\n",
                           NULL),
                     0);
    assert_int_equal(layout(&t, 384000, 1, NULL), -1);
    assert_non_null(strstr(t.d.msg, "24 hours"));
    tc_free(&t);
    /* exactly 24 hours is allowed; one ms more is not */
    assert_int_equal(build(&t, "session \"x\"\nrepeat 24\n  wait 1h\nend\n", NULL), 0);
    assert_int_equal(layout(&t, 48000, 1, NULL), 0);
    tc_free(&t);
    assert_int_equal(build(&t, "session \"x\"\nrepeat 24\n  wait 1h\nend\nwait 1ms\n", NULL), 0);
    assert_int_equal(layout(&t, 48000, 1, NULL), -1);
    tc_free(&t);
}

/* A repeat whose body takes no time would start endless events at one
 * frame: refused. */
static void test_repeat_without_time(void **state)
{
    (void)state;
    tc t;
    assert_int_equal(build(&t, "session \"x\"\nrepeat 5\n  bell\n  mark \"m\"\nend\n", NULL), 0);
    assert_int_equal(layout(&t, 48000, 1, NULL), -1);
    assert_int_equal(t.d.line, 2);
    assert_non_null(strstr(t.d.msg, "takes no time"));
    tc_free(&t);
}

/* A hold is laid out like a wait of its max (scaled by the tempo like one),
 * 0 without a max; a $param max; a repeat of only a hold without a max takes
 * no time; timeline_sessions counts the sessions given. */
static void test_hold_layout(void **state)
{
    (void)state;
    const int tempos[] = {1000, 1333};
    for (int k = 0; k < 2; k++) {
        tl_options o;
        tl_options_init(&o);
        o.tempo_milli = tempos[k];
        tc h, w;
        assert_int_equal(build(&h,
                               "session \"x\"\nparam m 1500ms\nspeak a\nhold \"h\" max=3s\n"
                               "phase \"p\" 4s\nhold \"nul\"\nhold \"p\" max=$m\nphase \"q\" 1s\n",
                               &o),
                         0);
        assert_int_equal(build(&w,
                               "session \"x\"\nparam m 1500ms\nspeak a\nwait 3s\n"
                               "phase \"p\" 4s\nwait 1500ms\nphase \"q\" 1s\n",
                               &o),
                         0);
        assert_int_equal(layout(&h, 44100, 1000, NULL), 0);
        assert_int_equal(layout(&w, 44100, 1000, NULL), 0);
        int64_t fh[4], fw[4];
        assert_int_equal(collect(h.tl, TL_EV_PHASE, fh, 4), 2);
        assert_int_equal(collect(w.tl, TL_EV_PHASE, fw, 4), 2);
        assert_int_equal(fh[0], fw[0]);
        assert_int_equal(fh[1], fw[1]);
        assert_int_equal(timeline_frames(h.tl), timeline_frames(w.tl));
        int64_t holds[4];
        assert_int_equal(collect(h.tl, TL_EV_HOLD, holds, 4), 3);
        assert_int_equal(holds[0], 1000);
        assert_int_equal(holds[1], holds[2]); /* the hold without max takes no time */
        assert_int_equal(timeline_sessions(h.tl), 1);
        tc_free(&h);
        tc_free(&w);
    }
    tc t;
    assert_int_equal(build(&t, "session \"x\"\nrepeat 5\n  hold \"h\"\nend\n", NULL), 0);
    assert_int_equal(layout(&t, 48000, 1, NULL), -1);
    assert_non_null(strstr(t.d.msg, "takes no time"));
    tc_free(&t);
}

/* A 10-hour session is as small as a 10-second one, and its last event is
 * on exactly the computed frame. */
static void test_long_session_small(void **state)
{
    (void)state;
    tc t, u;
    const char *body = "  speak a\n  phase \"in\" 4s tone=rise\n  phase \"uit\" 6s tone=fall\nend\n";
    char text[512];
    snprintf(text, sizeof text, "session \"x\"\nrepeat 3600\n%s", body);
    assert_int_equal(build(&t, text, NULL), 0);
    snprintf(text, sizeof text, "session \"x\"\nrepeat 1\n%s", body);
    assert_int_equal(build(&u, text, NULL), 0);
    assert_int_equal(timeline_size(t.tl), timeline_size(u.tl));
    assert_int_equal(layout(&t, 44100, 441, NULL), 0);
    assert_int_equal(timeline_frames(t.tl), (int64_t)3600 * (10 * 44100 + 441));
    int64_t last = -1;
    tl_cursor c;
    tl_event ev;
    tl_cursor_init(&c, t.tl);
    while (tl_cursor_next(&c, &ev))
        if (ev.kind == TL_EV_PHASE)
            last = ev.frame;
    assert_int_equal(last, (int64_t)3599 * (10 * 44100 + 441) + 441 + 4 * 44100);
    tc_free(&t);
    tc_free(&u);
}


/* ---- Stepped durations (FIRST..LAST inside repeat COUNT) ------------------ */

/* A reference for one cycle list: walks cycles i = 0..n-1 of a body of
 * speak a (cue frames cf), phase in 4s, phase vast F..L count=down,
 * phase uit 8s, wait W0..W1, adding exact milliseconds, and checks the
 * cursor's every phase, wait and count=down start and length against
 * floor(ms * rate / tempo) + cue frames. */
static void check_stepped(int rate, int tempo, int64_t n, int64_t f, int64_t l, int64_t w0, int64_t w1)
{
    char text[512];
    char fs[32], ls[32], w0s[32], w1s[32];
    snprintf(fs, sizeof fs, "%lldms", (long long)f);
    snprintf(ls, sizeof ls, "%lldms", (long long)l);
    snprintf(w0s, sizeof w0s, "%lldms", (long long)w0);
    snprintf(w1s, sizeof w1s, "%lldms", (long long)w1);
    snprintf(text, sizeof text,
             "session \"x\"\nrepeat %lld\n  speak a\n  phase \"in\" 4s\n"
             "  phase \"vast\" %s..%s count=down\n  phase \"uit\" 8s\n  wait %s..%s\nend\n",
             (long long)n, fs, ls, w0s, w1s);
    tl_options o;
    tl_options_init(&o);
    o.tempo_milli = tempo;
    tc t;
    assert_int_equal(build(&t, text, &o), 0);
    const int64_t cf = 1234; /* the cue's frames */
    assert_int_equal(layout(&t, rate, cf, NULL), 0);
    int64_t ms = 0, cfs = 0; /* exact time at the start of the cycle */
    tl_cursor c;
    tl_event ev;
    tl_cursor_init(&c, t.tl);
    int64_t hstep = n > 1 ? (l - f) / (n - 1) : 0, wstep = n > 1 ? (w1 - w0) / (n - 1) : 0;
#define FR(m, k) ((m) * rate / tempo + (k))
    for (int64_t i = 0; i < n; i++) {
        int64_t hold = f + i * hstep, wait = w0 + i * wstep;
        cfs += cf; /* speak a */
        int64_t in = ms, vast = ms + 4000, uit = vast + hold, w = uit + 8000;
        int64_t phases[3][2] = {{in, 4000}, {vast, hold}, {uit, 8000}};
        int k = 0, counts = -1;
        for (;;) { /* up to this cycle's wait */
            assert_int_equal(tl_cursor_next(&c, &ev), 1);
            if (ev.kind == TL_EV_PHASE) {
                assert_true(k < 3);
                assert_int_equal(ev.frame, FR(phases[k][0], cfs));
                assert_int_equal(ev.frames, FR(phases[k][0] + phases[k][1], cfs) - FR(phases[k][0], cfs));
                if (k == 1) {
                    assert_int_equal(ev.first_ms, f);
                    assert_int_equal(ev.last_ms, l);
                    int64_t secs = hold / tempo;
                    assert_int_equal(ev.count_down, secs > 10 ? 10 : secs);
                    counts = ev.count_down;
                } else {
                    assert_int_equal(ev.last_ms, 0);
                }
                k++;
            } else if (ev.kind == TL_EV_CUE && ev.count_number) {
                /* number k on the phase's end minus k seconds */
                assert_int_equal(ev.count_number, counts);
                assert_int_equal(ev.frame, FR(uit, cfs) - (int64_t)ev.count_number * rate);
                counts--;
            } else if (ev.kind == TL_EV_WAIT) {
                assert_int_equal(k, 3);
                assert_int_equal(counts, 0); /* every number was spoken */
                assert_int_equal(ev.frame, FR(w, cfs));
                assert_int_equal(ev.frames, FR(w + wait, cfs) - FR(w, cfs));
                assert_int_equal(ev.first_ms, w0);
                assert_int_equal(ev.last_ms, w1);
                break;
            }
        }
        ms = w + wait;
    }
    /* the whole: count*body + step*count*(count-1)/2 */
    int64_t body0 = 4000 + f + 8000 + w0, bstep = hstep + wstep;
    assert_int_equal(ms, n * body0 + bstep * n * (n - 1) / 2);
    assert_int_equal(timeline_frames(t.tl), FR(ms, cfs));
    do
        assert_int_equal(tl_cursor_next(&c, &ev), 1);
    while (ev.kind != TL_EV_END);
    assert_int_equal(ev.frame, FR(ms, cfs));
#undef FR
    tc_free(&t);
}

/* Every cycle of a stepped hold and wait starts and lasts exactly what the
 * arithmetic says, at 44.1 and 48 kHz and every tempo; up and down. */
static void test_stepped_exact(void **state)
{
    (void)state;
    const int rates[] = {44100, 48000};
    const int tempos[] = {500, 750, 1000, 1333, 2000};
    for (size_t r = 0; r < 2; r++)
        for (size_t k = 0; k < sizeof tempos / sizeof tempos[0]; k++) {
            check_stepped(rates[r], tempos[k], 4, 4000, 7000, 1000, 2500); /* 4,5,6,7 s */
            check_stepped(rates[r], tempos[k], 7, 7000, 4000, 13, 1);      /* down, odd ms */
            check_stepped(rates[r], tempos[k], 1, 4000, 7000, 5, 9);       /* one cycle: FIRST */
            check_stepped(rates[r], tempos[k], 301, 1000, 13000, 7, 307);  /* 40 ms, 1 ms steps */
        }
}

/* The 4-7-8 that grows (the opbouw built-in's shape): holds 4, 5, 6, 7 s. */
static void test_stepped_holds(void **state)
{
    (void)state;
    tc t;
    assert_int_equal(build(&t,
                           "session \"x\"\nparam rondes 4\nparam kort 4s\nrepeat $rondes\n"
                           "  phase \"in\" 4s\n  phase \"vast\" $kort..7s\n  phase \"uit\" 8s\nend\n",
                           NULL),
                     0);
    assert_int_equal(layout(&t, 48000, 1, NULL), 0);
    tl_cursor c;
    tl_event ev;
    int64_t holds[8];
    int n = 0;
    tl_cursor_init(&c, t.tl);
    while (tl_cursor_next(&c, &ev))
        if (ev.kind == TL_EV_PHASE && strcmp(ev.label, "vast") == 0 && n < 8)
            holds[n++] = ev.frames;
    assert_int_equal(n, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(holds[i], (int64_t)(4 + i) * 48000);
    assert_int_equal(timeline_frames(t.tl), (int64_t)(4 * 12 + 4 + 5 + 6 + 7) * 48000);
    /* the timeline does not grow with the count: one node per statement */
    int size = timeline_size(t.tl);
    tc_free(&t);
    tl_override set = {"rondes", "7", NULL};
    tl_options o;
    tl_options_init(&o);
    o.sets = &set;
    o.nsets = 1;
    assert_int_equal(build(&t,
                           "session \"x\"\nparam rondes 4\nparam kort 4s\nrepeat $rondes\n"
                           "  phase \"in\" 4s\n  phase \"vast\" $kort..7s\n  phase \"uit\" 8s\nend\n",
                           &o),
                     0);
    assert_int_equal(timeline_size(t.tl), size);
    assert_int_equal(layout(&t, 48000, 1, NULL), 0);
    /* 7 rounds: 4, 4.5, ..., 7 s */
    assert_int_equal(timeline_frames(t.tl), (int64_t)(7 * 12000 + 7 * 4000 + 500 * 21) * 48);
    tc_free(&t);
}

/* Nested repeats: a stepped duration steps with its innermost repeat; the
 * inner repeat's length is the same in every outer cycle. */
static void test_stepped_nested(void **state)
{
    (void)state;
    const int rates[] = {44100, 48000};
    for (size_t r = 0; r < 2; r++) {
        int rate = rates[r];
        tc t;
        assert_int_equal(build(&t,
                               "session \"x\"\nwait 7ms\n"
                               "repeat 3\n"
                               "  phase \"a\" 1s..3s\n"
                               "  repeat 5\n"
                               "    phase \"b\" 100ms..300ms\n"
                               "    wait 10ms\n"
                               "  end\n"
                               "  phase \"c\" 2s\n"
                               "end\n",
                               NULL),
                         0);
        assert_int_equal(layout(&t, rate, 1, NULL), 0);
        int64_t want[3 * 7], len[3 * 7], got[3 * 7], ms = 7;
        int k = 0;
        for (int i = 0; i < 3; i++) {
            want[k] = ms;
            len[k++] = 1000 + (int64_t)i * 1000;
            ms += 1000 + (int64_t)i * 1000;
            for (int j = 0; j < 5; j++) {
                want[k] = ms;
                len[k++] = 100 + (int64_t)j * 50;
                ms += 100 + (int64_t)j * 50 + 10;
            }
            want[k] = ms;
            len[k++] = 2000;
            ms += 2000;
        }
        assert_int_equal(collect(t.tl, TL_EV_PHASE, got, 21), 21);
        tl_cursor c;
        tl_event ev;
        int i = 0;
        tl_cursor_init(&c, t.tl);
        while (tl_cursor_next(&c, &ev))
            if (ev.kind == TL_EV_PHASE) {
                assert_int_equal(ev.frame, want[i] * rate / 1000);
                assert_int_equal(ev.frames, (want[i] + len[i]) * rate / 1000 - want[i] * rate / 1000);
                i++;
            }
        assert_int_equal(timeline_frames(t.tl), ms * rate / 1000);
        tc_free(&t);
    }
}

/* A step that is not a whole number of milliseconds is an error at the
 * value, saying the step and what would work; also when the count comes
 * from --set. A count of 1 is FIRST. */
static void test_stepped_not_whole(void **state)
{
    (void)state;
    tc t;
    assert_int_equal(build(&t, "session \"x\"\nrepeat 8\n  phase \"p\" 4s..7s\nend\n", NULL), -1);
    assert_int_equal(t.d.line, 3);
    assert_int_equal(t.d.col, 13);
    assert_non_null(strstr(t.d.msg, "428.571ms"));
    assert_non_null(strstr(t.d.msg, "4s..6.996s"));
    assert_non_null(strstr(t.d.msg, "4s..7.003s"));
    assert_non_null(strstr(t.d.msg, "repeat 7 or 9 times"));
    tc_free(&t);
    tl_override set = {"n", "8", NULL};
    tl_options o;
    tl_options_init(&o);
    o.sets = &set;
    o.nsets = 1;
    assert_int_equal(build(&t, "session \"x\"\nparam n 4\nrepeat $n\n  wait 4s..7s\nend\n", &o), -1);
    assert_int_equal(t.d.line, 4);
    assert_non_null(strstr(t.d.msg, "whole number of milliseconds"));
    tc_free(&t);
    set.value = "1";
    assert_int_equal(build(&t, "session \"x\"\nparam n 4\nrepeat $n\n  wait 4s..7s\nend\n", &o), 0);
    assert_int_equal(layout(&t, 48000, 1, NULL), 0);
    assert_int_equal(timeline_frames(t.tl), 4 * 48000);
    tc_free(&t);
    /* a zero from a parameter on either side */
    set.name = "z";
    set.value = "0s";
    assert_int_equal(build(&t, "session \"x\"\nparam z 1s\nrepeat 2\n  wait 4s..$z\nend\n", &o), -1);
    assert_int_equal(t.d.line, 4);
    assert_int_equal(t.d.col, 12);
    tc_free(&t);
}

/* The 24-hour limit with stepping, found without expanding: the total, the
 * last cycle's body, and a huge count. */
static void test_stepped_24h(void **state)
{
    (void)state;
    tc t;
    /* 1 h + 23 h: exactly 24 h */
    assert_int_equal(build(&t, "session \"x\"\nrepeat 2\n  wait 1h..23h\nend\n", NULL), 0);
    assert_int_equal(layout(&t, 48000, 1, NULL), 0);
    assert_int_equal(timeline_frames(t.tl), (int64_t)24 * 3600 * 48000);
    tc_free(&t);
    assert_int_equal(build(&t, "session \"x\"\nrepeat 2\n  wait 1h..23h\nend\nwait 1ms\n", NULL), 0);
    assert_int_equal(layout(&t, 48000, 1, NULL), -1);
    assert_non_null(strstr(t.d.msg, "24 hours"));
    tc_free(&t);
    /* the last cycle alone is longer than 24 h */
    assert_int_equal(build(&t, "session \"x\"\nrepeat 3\n  wait 1s..25h\nend\n", NULL), 0);
    assert_int_equal(layout(&t, 48000, 1, NULL), -1);
    assert_int_equal(t.d.line, 3);
    assert_non_null(strstr(t.d.msg, "24 hours"));
    tc_free(&t);
    /* fifty million cycles of 1 ms .. 13.9 h: the sum, at once */
    assert_int_equal(build(&t, "session \"x\"\nrepeat 50000001\n  phase \"p\" 1ms..50000001ms\nend\n", NULL),
                     0);
    assert_int_equal(layout(&t, 384000, 1, NULL), -1);
    assert_int_equal(t.d.line, 2);
    assert_non_null(strstr(t.d.msg, "24 hours"));
    tc_free(&t);
    /* going down to 1 ms: many cycles that still fit in 24 h */
    assert_int_equal(build(&t, "session \"x\"\nrepeat 10001\n  phase \"p\" 10001ms..1ms\nend\n", NULL), 0);
    assert_int_equal(layout(&t, 44100, 1, NULL), 0);
    assert_int_equal(timeline_frames(t.tl), (int64_t)10001 * 10002 / 2 * 44100 / 1000);
    tc_free(&t);
}


/* timeline_check: every wrong statement and --set is reported and building
 * goes on; the statements without a mistake are kept (their cues are there). */
static void test_check_collects(void **state)
{
    (void)state;
    static const mem_file files[] = {{"ok", "session \"ok\"\nwait 1s\n"}};
    tc t;
    memset(&t, 0, sizeof t);
    const char *text = "session \"x\"\nparam p 50\nparam w 2s\n"
                       "play nergens\n"                 /* 4: no such session */
                       "speak a\n"
                       "phase \"p\" 1s pulse=$p\n"      /* 6: fine with the default */
                       "repeat 8\n  wait 4s..7s\nend\n" /* 8: not whole ms */
                       "play ok x=1\n"                  /* 10: no parameter x */
                       "speak b\n";
    assert_int_equal(session_parse("t.adem", text, strlen(text), &t.s, &t.d), 0);
    tl_override sets[3] = {{"p", "500", NULL}, {"w", "x", "--set"}, {"q", "1", "--set"}};
    tl_options o;
    tl_options_init(&o);
    o.sets = sets;
    o.nsets = 3;
    t.loader.files = files;
    t.loader.n = 1;
    tl_loader ld = {NULL, mem_load, &t.loader};
    const ast_session *ss[1] = {t.s};
    adem_diag_list errs;
    diag_list_clear(&errs);
    assert_int_equal(timeline_check(ss, 1, &o, &ld, &t.tl, &errs), -1);
    assert_non_null(t.tl);
    /* --set w=x (no line), then the statements in order, then --set q */
    int lines[8], n = errs.n;
    for (int i = 0; i < n; i++)
        lines[i] = errs.item[i].line;
    assert_int_equal(n, 6);
    assert_int_equal(lines[0], 0);
    assert_non_null(strstr(errs.item[0].msg, "--set w=x"));
    assert_int_equal(lines[1], 4);
    assert_int_equal(lines[2], 6); /* pulse=500 from --set p=500 */
    assert_int_equal(lines[3], 8);
    assert_int_equal(lines[4], 10);
    assert_non_null(strstr(errs.item[5].msg, "--set q"));
    /* the good statements are there: both cues */
    assert_int_equal(timeline_ncues(t.tl), 2);
    assert_string_equal(timeline_cue(t.tl, 1)->id, "b");
    tc_free(&t);
    /* a valid session: 0, nothing reported, a whole timeline */
    memset(&t, 0, sizeof t);
    assert_int_equal(session_parse("t.adem", "session \"x\"\nwait 1s\n", 20, &t.s, &t.d), 0);
    ss[0] = t.s;
    tl_options_init(&o);
    assert_int_equal(timeline_check(ss, 1, &o, NULL, &t.tl, &errs), 0);
    assert_int_equal(diag_list_count(&errs), 6); /* unchanged */
    assert_int_equal(layout(&t, 48000, 1, NULL), 0);
    assert_int_equal(timeline_frames(t.tl), 48000);
    tc_free(&t);
}

/* ---- play --------------------------------------------------------------------- */

/* A playlist: inner sessions inline, args typed per inner param, marks and
 * phases of inner sessions visible, titles as SESSION events. */
static void test_play(void **state)
{
    (void)state;
    mem_file files[] = {
        {"a", "session \"A\"\nparam n 2\nmark \"a-start\"\nrepeat $n\n  phase \"pa\" 1s\nend\n"},
        {"b", "session \"B\"\nparam d 3s\nvoice eigen\nspeak hallo\nphase \"pb\" $d\n"},
    };
    tc t;
    memset(&t, 0, sizeof t);
    t.loader.files = files;
    t.loader.n = 2;
    const char *text = "session \"lijst\"\nplay a n=3\nwait 10s\nplay b d=2\nplay a\n";
    assert_int_equal(session_parse("t.adem", text, strlen(text), &t.s, &t.d), 0);
    tl_options o;
    tl_options_init(&o);
    tl_loader ld = {NULL, mem_load, &t.loader};
    const ast_session *ss[1] = {t.s};
    assert_int_equal(timeline_build(ss, 1, &o, &ld, &t.tl, &t.d), 0);
    assert_int_equal(timeline_ncues(t.tl), 1);
    assert_string_equal(timeline_cue(t.tl, 0)->pack, "eigen"); /* b's own voice */
    int64_t len = 4800;
    assert_int_equal(timeline_layout(t.tl, 48000, &len, &t.d), 0);
    /* a(3 s) + 10 s + b(hallo + 2 s) + a(2 s) */
    assert_int_equal(timeline_frames(t.tl), (int64_t)17 * 48000 + 4800);
    int64_t f[16];
    assert_int_equal(collect(t.tl, TL_EV_MARK, f, 16), 2);
    assert_int_equal(f[0], 0);
    assert_int_equal(f[1], (int64_t)15 * 48000 + 4800);
    assert_int_equal(collect(t.tl, TL_EV_SESSION, f, 16), 4);
    assert_int_equal(f[2], (int64_t)13 * 48000);
    tc_free(&t);
}

/* Cycles name the chain; unknown parameters name the session and its
 * parameters; a $value passes the outer session's parameter. */
static void test_play_errors(void **state)
{
    (void)state;
    mem_file files[] = {
        {"a", "session \"A\"\nplay b\n"},
        {"b", "session \"B\"\nwait 1s\nplay a\n"},
        {"c", "session \"C\"\nparam n 2\nrepeat $n\n  wait 1s\nend\n"},
    };
    struct {
        const char *text;
        int line, col;
        const char *phrase;
    } cases[] = {
        {"session \"t\"\nplay a\n", 3, 6, "cycle"},
        {"session \"t\"\nplay c m=4\n", 2, 8, "has no parameter 'm'"},
        {"session \"t\"\nplay c n=4s\n", 2, 10, "n=4s"},
        {"session \"t\"\nplay zz\n", 2, 6, "no session named 'zz'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tc t;
        memset(&t, 0, sizeof t);
        t.loader.files = files;
        t.loader.n = 3;
        assert_int_equal(session_parse("t.adem", cases[i].text, strlen(cases[i].text), &t.s, &t.d), 0);
        tl_options o;
        tl_options_init(&o);
        tl_loader ld = {NULL, mem_load, &t.loader};
        const ast_session *ss[1] = {t.s};
        assert_int_equal(timeline_build(ss, 1, &o, &ld, &t.tl, &t.d), -1);
        assert_non_null(strstr(t.d.msg, cases[i].phrase));
        assert_int_equal(t.d.line, cases[i].line);
        assert_int_equal(t.d.col, cases[i].col);
        tc_free(&t);
    }
    /* play c n=$k passes this session's own parameter */
    tc t;
    memset(&t, 0, sizeof t);
    t.loader.files = files;
    t.loader.n = 3;
    const char *text = "session \"t\"\nparam k 5\nplay c n=$k\n";
    assert_int_equal(session_parse("t.adem", text, strlen(text), &t.s, &t.d), 0);
    tl_options o;
    tl_options_init(&o);
    tl_loader ld = {NULL, mem_load, &t.loader};
    const ast_session *ss[1] = {t.s};
    assert_int_equal(timeline_build(ss, 1, &o, &ld, &t.tl, &t.d), 0);
    assert_int_equal(timeline_layout(t.tl, 48000, NULL, &t.d), 0);
    assert_int_equal(timeline_frames(t.tl), 5 * 48000);
    tc_free(&t);
}

/* Phase fields: default tone ranges, explicit range, pulse, labels; bell and
 * bed gains from their levels. */
static void test_event_fields(void **state)
{
    (void)state;
    tc t;
    assert_int_equal(build(&t,
                           "session \"x\"\n"
                           "phase \"in\" 4s tone=rise\n"
                           "phase \"vast\" 2s tone=steady\n"
                           "phase \"uit\" 4s tone=fall pulse=100\n"
                           "phase \"hoog\" 1s tone=rise:220-440\n"
                           "bell -6dB\n"
                           "bed brown -20dB\n",
                           NULL),
                     0);
    assert_int_equal(layout(&t, 48000, 1, NULL), 0);
    tl_cursor c;
    tl_event ev[16];
    int n = 0;
    tl_cursor_init(&c, t.tl);
    while (n < 16 && tl_cursor_next(&c, &ev[n]))
        n++;
    /* SESSION, 4 PHASE, BELL, BED, END */
    assert_int_equal(n, 8);
    assert_int_equal(ev[0].kind, TL_EV_SESSION);
    assert_string_equal(ev[0].label, "x");
    assert_int_equal(ev[1].tone, ADEM_TONE_RISE);
    assert_true(ev[1].f_from == 196.0f && ev[1].f_to == 294.0f);
    assert_true(ev[2].f_from == 294.0f && ev[2].f_to == 294.0f);
    assert_true(ev[3].f_from == 294.0f && ev[3].f_to == 196.0f);
    assert_int_equal(ev[3].bpm, 100);
    assert_int_equal(ev[3].frames, 4 * 48000);
    assert_true(ev[4].f_from == 220.0f && ev[4].f_to == 440.0f);
    assert_int_equal(ev[5].kind, TL_EV_BELL);
    assert_true(ev[5].gain > 0.5f && ev[5].gain < 0.502f);
    assert_int_equal(ev[6].kind, TL_EV_BED);
    assert_int_equal(ev[6].noise, ADEM_NOISE_BROWN);
    assert_true(ev[6].gain > 0.0999f && ev[6].gain < 0.1001f);
    assert_int_equal(ev[7].kind, TL_EV_END);
    tc_free(&t);
}

/* ---- Options, the lead-in and the one-cue timeline ------------------------------ */

/* The defaults live in tl_options_init; every range is checked by the
 * setters and by timeline_build, with messages that name no flag. */
static void test_options_defaults_and_ranges(void **state)
{
    (void)state;
    tl_options o;
    memset(&o, 0x5a, sizeof o);
    tl_options_init(&o);
    assert_null(o.sets);
    assert_int_equal(o.nsets, 0);
    assert_null(o.voice);
    assert_int_equal(o.rate, 0);
    assert_int_equal(o.gap_ms, 0);
    assert_int_equal(o.tempo_milli, 1000);
    assert_int_equal(o.countdown_ms, 0);
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(tl_options_check(&o, &d), 0);

    char err[UNITS_ERR_MAX];
    struct {
        const char *text;
        int ok, milli;
    } tempos[] = {{"0.75", 1, 750}, {"2", 1, 2000}, {"0.5", 1, 500}, {"1.125", 1, 1125},
                  {"3", 0, 0},      {"0.4", 0, 0},  {"2.001", 0, 0}, {"1.0001", 0, 0},
                  {"abc", 0, 0},    {"1.", 0, 0},   {"", 0, 0},      {"-1", 0, 0}};
    for (size_t i = 0; i < sizeof tempos / sizeof tempos[0]; i++) {
        tl_options_init(&o);
        err[0] = '\0';
        int rc = tl_options_set_tempo(&o, tempos[i].text, err);
        assert_int_equal(rc, tempos[i].ok ? 0 : -1);
        assert_int_equal(o.tempo_milli, tempos[i].ok ? tempos[i].milli : 1000);
        if (!tempos[i].ok) {
            assert_non_null(strstr(err, "0.5 to 2.0"));
            assert_null(strstr(err, "--"));
        }
    }
    tl_options_init(&o);
    assert_int_equal(tl_options_set_gap(&o, "1m30s", err), 0);
    assert_int_equal(o.gap_ms, 90000);
    assert_int_equal(tl_options_set_gap(&o, "24h", err), 0);
    assert_int_equal(tl_options_set_gap(&o, "25h", err), -1);
    assert_non_null(strstr(err, "24 hours"));
    assert_int_equal(tl_options_set_gap(&o, "10sec", err), -1);
    assert_non_null(strstr(err, "unknown unit"));
    assert_int_equal(o.gap_ms, (int64_t)24 * 3600000);
    assert_int_equal(tl_options_set_countdown(&o, "10m", err), 0);
    assert_int_equal(o.countdown_ms, 600000);
    assert_int_equal(tl_options_set_countdown(&o, "10m1ms", err), -1);
    assert_non_null(strstr(err, "10m"));
    assert_int_equal(tl_options_set_rate(&o, "44100", err), 0);
    assert_int_equal(o.rate, 44100);
    assert_int_equal(tl_options_set_rate(&o, "7999", err), -1);
    assert_int_equal(tl_options_set_rate(&o, "384001", err), -1);
    assert_int_equal(tl_options_set_rate(&o, "48k", err), -1);
    assert_non_null(strstr(err, "8000 to 384000"));
    assert_int_equal(o.rate, 44100);

    /* fields set directly: timeline_build refuses them out of range, and a
     * tempo of 0 is no longer taken to mean 1.0 */
    struct {
        int tempo;
        int64_t gap, countdown;
        int rate;
        const char *phrase;
    } bad[] = {{0, 0, 0, 0, "tempo of 0 "},
               {2500, 0, 0, 0, "tempo of 2.5 "},
               {1000, -1, 0, 0, "gap"},
               {1000, (int64_t)24 * 3600000 + 1, 0, 0, "gap"},
               {1000, 0, 600001, 0, "countdown"},
               {1000, 0, 0, 100, "100 Hz"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tl_options_init(&o);
        o.tempo_milli = bad[i].tempo;
        o.gap_ms = bad[i].gap;
        o.countdown_ms = bad[i].countdown;
        o.rate = bad[i].rate;
        tc t;
        assert_int_equal(build(&t, "session \"x\"\nwait 1s\n", &o), -1);
        assert_int_equal(t.d.status, 2);
        assert_non_null(strstr(t.d.msg, bad[i].phrase));
        assert_null(strstr(t.d.msg, "--"));
        assert_null(t.tl);
        tc_free(&t);
    }
}

/* countdown_ms puts a lead-in before the sessions: a session "Aftellen" with
 * one phase of that length and a beat a second; no gap after it, no
 * overrides for it, and the title stays the first session's. */
static void test_countdown_lead_in(void **state)
{
    (void)state;
    const char *text = "session \"Echt\"\nparam n 2\nrepeat $n\n  phase \"p\" 1s\nend\n";
    tl_override set = {"n", "3", NULL};
    tl_options o;
    tl_options_init(&o);
    o.countdown_ms = 5000;
    o.gap_ms = 7000; /* between sessions only: not after the lead-in */
    o.sets = &set;
    o.nsets = 1;
    tc t;
    assert_int_equal(build(&t, text, &o), 0);
    assert_int_equal(layout(&t, 48000, 1, NULL), 0);
    assert_string_equal(timeline_title(t.tl), "Echt");
    assert_int_equal(timeline_ncues(t.tl), 0);
    /* 5 s lead-in + 3 x 1 s: the override reached the session */
    assert_int_equal(timeline_frames(t.tl), (int64_t)8 * 48000);
    tl_cursor c;
    tl_event ev;
    tl_cursor_init(&c, t.tl);
    int sessions = 0, phases = 0;
    while (tl_cursor_next(&c, &ev) && ev.kind != TL_EV_END) {
        if (ev.kind == TL_EV_SESSION && ev.depth == 0) {
            if (sessions == 0) {
                assert_string_equal(ev.label, TL_COUNTDOWN_TITLE);
                assert_int_equal(ev.frame, 0);
                assert_int_equal(ev.frames, 5 * 48000);
            } else {
                assert_string_equal(ev.label, "Echt");
                assert_int_equal(ev.frame, 5 * 48000);
            }
            sessions++;
        }
        if (ev.kind == TL_EV_PHASE) {
            if (phases == 0) {
                assert_string_equal(ev.label, TL_COUNTDOWN_LABEL);
                assert_int_equal(ev.bpm, TL_COUNTDOWN_BPM);
                assert_int_equal(ev.tone, ADEM_TONE_NONE);
                assert_int_equal(ev.cue, -1);
                assert_int_equal(ev.frames, 5 * 48000);
            } else {
                assert_int_equal(ev.bpm, 0);
            }
            phases++;
        }
    }
    assert_int_equal(sessions, 2);
    assert_int_equal(phases, 4);
    tc_free(&t);

    /* the session twice: the gap comes between them, not after the lead-in */
    assert_int_equal(session_parse("t.adem", text, strlen(text), &t.s, &t.d), 0);
    const ast_session *two[2] = {t.s, t.s};
    tl_options_init(&o);
    o.countdown_ms = 5000;
    o.gap_ms = 7000;
    assert_int_equal(timeline_build(two, 2, &o, NULL, &t.tl, &t.d), 0);
    assert_int_equal(layout(&t, 48000, 1, NULL), 0);
    int64_t f[4];
    assert_int_equal(collect(t.tl, TL_EV_SESSION, f, 4), 3);
    assert_int_equal(f[1], (int64_t)5 * 48000);
    assert_int_equal(f[2], (int64_t)(5 + 2 + 7) * 48000);
    assert_int_equal(timeline_frames(t.tl), (int64_t)(5 + 2 + 7 + 2) * 48000);
    tc_free(&t);

    /* without countdown_ms nothing comes first */
    tl_options_init(&o);
    assert_int_equal(build(&t, text, &o), 0);
    assert_int_equal(layout(&t, 48000, 1, NULL), 0);
    assert_int_equal(timeline_frames(t.tl), (int64_t)2 * 48000);
    tc_free(&t);
}

/* timeline_one_cue: one session that speaks one cue, built from no text. */
static void test_one_cue(void **state)
{
    (void)state;
    timeline *tl = NULL;
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(timeline_one_cue("Afspelen", "nl", "opname", "afspelen", &tl, &d), 0);
    assert_non_null(tl);
    assert_string_equal(timeline_title(tl), "Afspelen");
    assert_int_equal(timeline_ncues(tl), 1);
    assert_string_equal(timeline_cue(tl, 0)->pack, "nl");
    assert_string_equal(timeline_cue(tl, 0)->id, "opname");
    assert_string_equal(timeline_cue(tl, 0)->file, "afspelen");
    int64_t len = 12345;
    assert_int_equal(timeline_layout(tl, 44100, &len, &d), 0);
    assert_int_equal(timeline_rate(tl), 44100);
    assert_int_equal(timeline_frames(tl), 12345);
    tl_cursor c;
    tl_event ev;
    tl_cursor_init(&c, tl);
    int cues = 0, sessions = 0;
    while (tl_cursor_next(&c, &ev) && ev.kind != TL_EV_END) {
        if (ev.kind == TL_EV_SESSION) {
            assert_string_equal(ev.label, "Afspelen");
            sessions++;
        }
        if (ev.kind == TL_EV_CUE) {
            assert_int_equal(ev.cue, 0);
            assert_int_equal(ev.frame, 0);
            assert_int_equal(ev.frames, 12345);
            cues++;
        }
    }
    assert_int_equal(sessions, 1);
    assert_int_equal(cues, 1);
    /* laid out again at another length: still exact */
    len = 7;
    assert_int_equal(timeline_layout(tl, 48000, &len, &d), 0);
    assert_int_equal(timeline_frames(tl), 7);
    timeline_free(tl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_drift_44k1),
        cmocka_unit_test(test_cumulative_not_rounded_steps),
        cmocka_unit_test(test_speak_advances_by_cue_frames),
        cmocka_unit_test(test_cursor_order_and_end),
        cmocka_unit_test(test_repeat_for_counts),
        cmocka_unit_test(test_repeat_for_with_cues),
        cmocka_unit_test(test_tempo),
        cmocka_unit_test(test_gap_not_scaled),
        cmocka_unit_test(test_count_down),
        cmocka_unit_test(test_count_down_cue_ids),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_zero_from_param),
        cmocka_unit_test(test_24h_limit),
        cmocka_unit_test(test_repeat_without_time),
        cmocka_unit_test(test_hold_layout),
        cmocka_unit_test(test_long_session_small),
        cmocka_unit_test(test_play),
        cmocka_unit_test(test_play_errors),
        cmocka_unit_test(test_event_fields),
        cmocka_unit_test(test_stepped_exact),
        cmocka_unit_test(test_stepped_holds),
        cmocka_unit_test(test_stepped_nested),
        cmocka_unit_test(test_stepped_not_whole),
        cmocka_unit_test(test_stepped_24h),
        cmocka_unit_test(test_check_collects),
        cmocka_unit_test(test_options_defaults_and_ranges),
        cmocka_unit_test(test_countdown_lead_in),
        cmocka_unit_test(test_one_cue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
