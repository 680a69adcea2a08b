/* test_cursor: the real-time cursor's skip (rt/cursor.h) against the plain
 * walk. From every event of a set of timelines (nested repeats, plays, beds,
 * marks, count=down, `repeat for`, a gap between sessions), tl_cursor_skip
 * must land on exactly the stop the walk reaches next — the same event, on
 * the same frame — with the bed and the title the walk had there; and a skip
 * over a 24-hour session of 172 800 repeats takes as few cursor steps as one
 * over a single repeat (it does not walk). */
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

/* In-memory files for `play`. */
static const char *const inner_text =
    "session \"Binnen\"\n"
    "bed brown -20dB\n"
    "phase \"In\" 2s tone=rise\n"
    "bell\n"
    "wait 500ms\n";

/* tl_load_fn: only "inner" exists. */
static int load(void *ctx, const char *target, const char *from, const ast_session **out,
                const char **key, adem_diag *d)
{
    ast_session **slot = ctx;
    (void)from;
    if (strcmp(target, "inner") != 0)
        return diag_set(d, NULL, 0, 0, "no session named '%s'", target);
    if (!*slot && session_parse("inner", inner_text, strlen(inner_text), slot, d) != 0)
        return -1;
    *out = *slot;
    *key = "inner";
    return 0;
}

/* Builds and lays out text (and, when twice, the same session again after a
 * 1 s gap) at 48 kHz with every cue 4800 frames long. */
static timeline *make(const char *text, int twice, ast_session **s, ast_session **inner)
{
    adem_diag d;
    diag_clear(&d);
    *inner = NULL;
    if (session_parse("t.adem", text, strlen(text), s, &d) != 0)
        fail_msg("parse: %d:%d: %s", d.line, d.col, d.msg);
    tl_options o;
    tl_options_init(&o);
    o.gap_ms = 1000;
    const ast_session *ss[2] = {*s, *s};
    const char *keys[2] = {"a", "b"};
    tl_loader ld = {keys, load, inner};
    timeline *tl = NULL;
    if (timeline_build(ss, twice ? 2 : 1, &o, &ld, &tl, &d) != 0)
        fail_msg("build: %d:%d: %s", d.line, d.col, d.msg);
    int64_t *len = calloc((size_t)timeline_ncues(tl) + 1, sizeof *len);
    for (int i = 0; i < timeline_ncues(tl); i++)
        len[i] = 4800;
    if (timeline_layout(tl, 48000, len, &d) != 0)
        fail_msg("layout: %s", d.msg);
    free(len);
    return tl;
}

/* 1 for the events a skip lands on. */
static int is_stop(tl_event_kind k)
{
    return k == TL_EV_PHASE || k == TL_EV_MARK || k == TL_EV_SESSION || k == TL_EV_END;
}

/* What the plain walk knows at an event: the bed last set and the title of
 * the innermost session still running. */
typedef struct walk_state {
    adem_noise noise;
    float gain;
    const char *titles[TL_MAX_DEPTH + 2];
    int64_t ends[TL_MAX_DEPTH + 2];
    int nsess;
} walk_state;

/* Applies event ev to w (before ev's frame, sessions that ended are left). */
static void walk_apply(walk_state *w, const tl_event *ev)
{
    while (w->nsess > 0 && ev->frame >= w->ends[w->nsess - 1])
        w->nsess--;
    if (ev->kind == TL_EV_SESSION) {
        w->titles[w->nsess] = ev->label;
        w->ends[w->nsess] = ev->frame + ev->frames;
        w->nsess++;
    }
    if (ev->kind == TL_EV_BED) {
        w->noise = ev->noise;
        w->gain = ev->noise == ADEM_NOISE_OFF ? 0.0f : ev->gain;
    }
}

/* For every event i of tl: walk to i, skip, and compare with walking on. */
static void check_all_skips(const timeline *tl)
{
    tl_cursor all;
    tl_event ev;
    int n = 0;
    tl_cursor_init(&all, tl);
    while (tl_cursor_next(&all, &ev))
        n++;
    for (int i = 0; i < n; i++) {
        tl_cursor a, b;
        tl_event ea, eb;
        tl_cursor_init(&a, tl);
        for (int k = 0; k <= i; k++)
            assert_true(tl_cursor_next(&a, &ea));
        if (ea.kind == TL_EV_END)
            continue;
        b = a;
        /* the plain walk: the first stop after event i, with the bed and
         * the title in effect just before it */
        walk_state w;
        memset(&w, 0, sizeof w);
        tl_cursor c;
        tl_event ec;
        tl_cursor_init(&c, tl);
        for (int k = 0; k <= i; k++) {
            tl_cursor_next(&c, &ec);
            walk_apply(&w, &ec);
        }
        for (;;) {
            assert_true(tl_cursor_next(&c, &ec));
            if (is_stop(ec.kind))
                break;
            walk_apply(&w, &ec);
        }
        while (w.nsess > 0 && ec.frame >= w.ends[w.nsess - 1] && ec.kind != TL_EV_END)
            w.nsess--;
        /* the skip */
        tl_cursor_skip(&b);
        adem_noise noise;
        float gain;
        tl_cursor_bed(&b, &noise, &gain);
        const char *title = tl_cursor_title(&b);
        assert_true(tl_cursor_next(&b, &eb));
        if (eb.kind != ec.kind || eb.frame != ec.frame || eb.loc.line != ec.loc.line)
            fail_msg("from event %d (kind %d at %lld): skip lands on kind %d at %lld (line %d), "
                     "the walk on kind %d at %lld (line %d)",
                     i, ea.kind, (long long)ea.frame, eb.kind, (long long)eb.frame, eb.loc.line,
                     ec.kind, (long long)ec.frame, ec.loc.line);
        if (noise != w.noise || gain != w.gain)
            fail_msg("from event %d: skip's bed %d/%g, the walk's %d/%g", i, noise, (double)gain,
                     w.noise, (double)w.gain);
        if (ec.kind != TL_EV_END && w.nsess > 0 && strcmp(title, w.titles[w.nsess - 1]) != 0)
            fail_msg("from event %d: skip's title '%s', the walk's '%s'", i, title,
                     w.titles[w.nsess - 1]);
        /* and the rest of the walk goes on identically */
        for (;;) {
            int gb = tl_cursor_next(&b, &eb), gc = tl_cursor_next(&c, &ec);
            assert_int_equal(gb, gc);
            if (!gb)
                break;
            assert_int_equal(eb.kind, ec.kind);
            assert_int_equal(eb.frame, ec.frame);
        }
    }
}

static const char *const sessions[] = {
    /* flat, with beds changing between stops */
    "session \"Plat\"\nbed pink -20dB\nspeak a\nwait 1s\nphase \"In\" 4s cue=b tone=rise\n"
    "bed off\nbell\nwait 2s\nhold \"Vragen\" max=1s\nmark \"Twee\"\nhold \"Klaar\"\nbed brown -18dB\nwait 1s\nphase \"Uit\" 3s\n"
    "bell\nwait 1s\n",
    /* stops only inside repeats, nested, with count=down and a bed inside */
    "session \"Genest\"\nwait 1s\nrepeat 3\n  bell\n  wait 500ms\n  repeat 2\n"
    "    phase \"In\" 4s tone=rise count=down\n    bed pink -24dB\n    wait 1s\n  end\n"
    "  bell\nend\nwait 2s\n",
    /* a repeat without stops between stops, and `repeat for` */
    "session \"Lang\"\nphase \"Begin\" 1s\nrepeat 50\n  bell\n  wait 100ms\n  bed brown -30dB\n"
    "end\nmark \"Midden\"\nrepeat for 10s\n  wait 1s\n  phase \"Adem\" 2s\nend\nbell\n",
    /* plays: a session start is a stop, and the title comes back after it */
    "session \"Lijst\"\nbed pink -22dB\nwait 1s\nplay inner\nwait 1s\nbell\nplay inner\n"
    "repeat 2\n  play inner\n  wait 300ms\nend\nwait 2s\n",
    /* stepped durations: each cycle's stops on their exact frames, also
     * when the skip jumps into a later cycle (its start is the sum of the
     * cycles before it) */
    "session \"Opbouw\"\nwait 1s\nrepeat 4\n  wait 1s..2500ms\n  phase \"In\" 4s\n"
    "  phase \"Vast\" 4s..7s count=down\n  wait 10ms..13ms\n  bell\nend\nmark \"Na\"\nwait 1s\n",
    "session \"Trap\"\nrepeat 3\n  wait 1s..3s\n  bell\n  repeat 2\n    wait 100ms..300ms\n"
    "    phase \"P\" 1s..2s\n    wait 7ms..5ms\n  end\n  wait 2s..1s\nend\nwait 1s\n",
    /* no stop after the first: skips go to the end */
    "session \"Leeg\"\nbell\nrepeat 4\n  wait 1s\n  bell\nend\n",
};

/* Every skip from every event of every session above, alone and twice on
 * one line (a gap and a second session start between). */
static void test_skip_matches_walk(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof sessions / sizeof *sessions; i++) {
        for (int twice = 0; twice <= 1; twice++) {
            ast_session *s, *inner;
            timeline *tl = make(sessions[i], twice, &s, &inner);
            check_all_skips(tl);
            timeline_free(tl);
            session_free(s);
            session_free(inner);
        }
    }
}

/* The cursor's work for a skip does not grow with what it passes over: the
 * stack it leaves is the same after skipping 172 800 repeats (a 24-hour
 * session) as after skipping 2, and the skip lands at the end's frame. */
static void test_skip_is_not_a_walk(void **state)
{
    (void)state;
    static const char *const text[2] = {
        "session \"Kort\"\nphase \"Begin\" 1s\nrepeat 2\n  bell\n  wait 499ms\nend\n"
        "phase \"Eind\" 1s\n",
        "session \"Dag\"\nphase \"Begin\" 1s\nrepeat 172800\n  bell\n  wait 499ms\nend\n"
        "phase \"Eind\" 1s\n",
    };
    for (int k = 0; k < 2; k++) {
        ast_session *s, *inner;
        timeline *tl = make(text[k], 0, &s, &inner);
        tl_cursor c;
        tl_event ev;
        tl_cursor_init(&c, tl);
        assert_true(tl_cursor_next(&c, &ev)); /* SESSION */
        assert_true(tl_cursor_next(&c, &ev)); /* PHASE Begin */
        assert_true(tl_cursor_next(&c, &ev)); /* REPEAT */
        tl_cursor_skip(&c);
        assert_int_equal(c.depth, 2); /* back at the session's level */
        assert_true(tl_cursor_next(&c, &ev));
        assert_int_equal(ev.kind, TL_EV_PHASE);
        assert_string_equal(ev.label, "Eind");
        assert_int_equal(ev.frame, timeline_frames(tl) - 48000);
        timeline_free(tl);
        session_free(s);
    }
}

/* tl_cursor_round names the innermost repeat's iteration and count at every
 * phase (0 0 outside one); tl_cursor_session the top-level session (1..n)
 * with the start and length its SESSION event had; a hold is an event with
 * its label and its max as length. */
static void test_round_session_hold(void **state)
{
    (void)state;
    static const char text[] = "session \"R\"\n"
                               "repeat 3\n"
                               "  phase \"a\" 1s\n"
                               "  repeat 2\n"
                               "    phase \"b\" 1s\n"
                               "  end\n"
                               "end\n"
                               "hold \"h\" max=2s\n"
                               "hold \"nul\"\n"
                               "phase \"c\" 1s\n";
    static const char *const want[] = {"a1/3", "b1/2", "b2/2", "a2/3", "b1/2", "b2/2",
                                       "a3/3", "b1/2", "b2/2", "c0/0"};
    ast_session *s, *inner;
    timeline *tl = make(text, 1, &s, &inner);
    assert_int_equal(timeline_sessions(tl), 2);
    tl_cursor c;
    tl_event ev;
    tl_cursor_init(&c, tl);
    int k = 0, holds = 0, nsess = 0;
    int64_t sess_start = -1, sess_frames = -1;
    while (tl_cursor_next(&c, &ev) && ev.kind != TL_EV_END) {
        int64_t start, frames;
        int no = tl_cursor_session(&c, &start, &frames);
        if (ev.kind == TL_EV_SESSION) {
            assert_int_equal(ev.session_no, ++nsess);
            sess_start = ev.frame;
            sess_frames = ev.frames;
            continue;
        }
        if (ev.kind == TL_EV_WAIT && !ev.file) {
            /* the gap between the nsess: in neither */
            assert_int_equal(no, 0);
            continue;
        }
        assert_int_equal(no, nsess);
        assert_int_equal(start, sess_start);
        assert_int_equal(frames, sess_frames);
        if (ev.kind == TL_EV_HOLD) {
            assert_string_equal(ev.label, holds % 2 ? "nul" : "h");
            assert_int_equal(ev.frames, holds % 2 ? 0 : 2 * 48000);
            holds++;
        }
        if (ev.kind != TL_EV_PHASE)
            continue;
        int64_t iter, count;
        tl_cursor_round(&c, &iter, &count);
        char got[32];
        snprintf(got, sizeof got, "%s%lld/%lld", ev.label, (long long)iter, (long long)count);
        assert_string_equal(got, want[k % 10]);
        k++;
    }
    assert_int_equal(k, 20);
    assert_int_equal(holds, 4);
    assert_int_equal(nsess, 2);
    timeline_free(tl);
    session_free(s);
    session_free(inner);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skip_matches_walk),
        cmocka_unit_test(test_skip_is_not_a_walk),
        cmocka_unit_test(test_round_session_hold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
