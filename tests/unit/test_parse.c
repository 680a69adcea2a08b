/* test_parse: the session language's lexer and parser (src/lang/session_parse.h).
 *
 * Valid files must give exactly the AST the language says; every invalid one
 * must be refused at the exact line:col with a message that says what is
 * wrong and what to do. Run it under ASan/valgrind too: every error path must
 * free everything (the robustness test drives thousands of them). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2e.h"
#include "lang/session_lex.h"
#include "lang/session_parse.h"
#include "io/sessions.h"

/* The first line most cases start with. */
#define H "session \"T\"\n"

/* Parses text; fails the test (with the message) if it is refused. */
static ast_session *parse_ok(const char *text)
{
    ast_session *s = (ast_session *)1;
    adem_diag d;
    if (session_parse("t.adem", text, strlen(text), &s, &d) != 0) {
        char buf[2048];
        diag_format(&d, buf, sizeof buf);
        fail_msg("refused: %s\n--- text:\n%s", buf, text);
    }
    assert_non_null(s);
    assert_non_null(s->arena);
    return s;
}

/* Parses len bytes of text and checks for an error at line:col whose
 * message contains phrase, in the general form (status 2, the file named,
 * "what is wrong; what to do" on one line). Prints what differs and
 * returns 1 when something does; 0 when all is as expected. */
static int check_error(const char *text, size_t len, int line, int col, const char *phrase)
{
    ast_session *s = (ast_session *)1;
    adem_diag d;
    int shown = len > 300 ? 300 : (int)len;
    int rc = session_parse("t.adem", text, len, &s, &d);
    if (rc == 0) {
        session_free(s);
        print_error("accepted, want %d:%d \"%s\"\n--- text:\n%.*s\n---\n", line, col, phrase, shown, text);
        return 1;
    }
    if (rc != -1 || s != NULL || d.line != line || d.col != col || !strstr(d.msg, phrase) ||
        d.status != ADEM_EXIT_INPUT || strcmp(d.file, "t.adem") != 0 || !strchr(d.msg, ';') ||
        strchr(d.msg, '\n')) {
        print_error("got rc %d %s:%d:%d (status %d) \"%s\"\nwant %d:%d \"...%s...\"\n--- text:\n%.*s\n---\n", rc,
                    d.file, d.line, d.col, d.status, d.msg, line, col, phrase, shown, text);
        return 1;
    }
    return 0;
}

/* check_error, failing the test at once when it finds a difference. */
static void expect_error_n(const char *text, size_t len, int line, int col, const char *phrase)
{
    if (check_error(text, len, line, col, phrase) != 0)
        fail();
}

/* expect_error_n for a NUL-terminated text. */
static void expect_error(const char *text, int line, int col, const char *phrase)
{
    expect_error_n(text, strlen(text), line, col, phrase);
}

/* ---- valid files: the AST --------------------------------------------- */

static const char EXAMPLE[] =
    "session \"4-7-8 ademhaling\"\n"
    "description \"In 4, vast 7, uit 8 \xe2\x80\x94 kalmeert het zenuwstelsel\"\n"
    "param cycles 4\n"
    "voice nl\n"
    "\n"
    "speak intro_478\n"
    "wait 2s\n"
    "repeat $cycles\n"
    "  phase \"Adem in\"    4s  cue=adem_in_neus  tone=rise\n"
    "  phase \"Vasthouden\" 7s  cue=vasthouden    tone=steady\n"
    "  phase \"Adem uit\"   8s  cue=adem_uit_mond tone=fall\n"
    "end\n"
    "bell\n"
    "speak afsluiting\n";

/* The example of design/session-language.md, field by field. */
static void test_example_from_the_spec(void **state)
{
    (void)state;
    ast_session *s = parse_ok(EXAMPLE);
    assert_string_equal(s->path, "t.adem");
    assert_string_equal(s->title, "4-7-8 ademhaling");
    assert_string_equal(s->description, "In 4, vast 7, uit 8 \xe2\x80\x94 kalmeert het zenuwstelsel");
    assert_string_equal(s->voice, "nl");
    assert_int_equal(s->voice_loc.line, 4);
    assert_int_equal(s->voice_loc.col, 7);
    assert_int_equal(s->nparams, 1);
    assert_string_equal(s->params[0].name, "cycles");
    assert_int_equal(s->params[0].def.type, AST_INT);
    assert_int_equal(s->params[0].def.i, 4);
    assert_null(s->params[0].def.param);
    assert_int_equal(s->params[0].loc.line, 3);
    assert_int_equal(s->params[0].loc.col, 1);
    assert_int_equal(s->params[0].def.loc.col, 14);

    const ast_node *n = s->body;
    assert_int_equal(n->kind, AST_SPEAK);
    assert_string_equal(n->u.speak.cue, "intro_478");
    assert_int_equal(n->loc.line, 6);
    assert_int_equal(n->loc.col, 1);
    assert_int_equal(n->u.speak.cue_loc.line, 6);
    assert_int_equal(n->u.speak.cue_loc.col, 7);
    n = n->next;
    assert_int_equal(n->kind, AST_WAIT);
    assert_int_equal(n->u.wait.dur.ms, 2000);
    assert_int_equal(n->u.wait.dur.type, AST_DURATION);
    assert_null(n->u.wait.dur.param);
    assert_int_equal(n->u.wait.dur.loc.line, 7);
    assert_int_equal(n->u.wait.dur.loc.col, 6);
    n = n->next;
    assert_int_equal(n->kind, AST_REPEAT);
    assert_int_equal(n->loc.line, 8);
    assert_string_equal(n->u.repeat.count.param, "cycles");
    assert_int_equal(n->u.repeat.count.type, AST_INT);
    assert_int_equal(n->u.repeat.count.loc.line, 8);
    assert_int_equal(n->u.repeat.count.loc.col, 8);
    assert_int_equal(n->u.repeat.end_loc.line, 12);
    assert_int_equal(n->u.repeat.end_loc.col, 1);
    {
        const ast_node *p = n->u.repeat.body;
        static const char *const labels[] = {"Adem in", "Vasthouden", "Adem uit"};
        static const char *const cues[] = {"adem_in_neus", "vasthouden", "adem_uit_mond"};
        static const int64_t ms[] = {4000, 7000, 8000};
        static const adem_tone tones[] = {ADEM_TONE_RISE, ADEM_TONE_STEADY, ADEM_TONE_FALL};
        for (int k = 0; k < 3; k++, p = p->next) {
            assert_non_null(p);
            assert_int_equal(p->kind, AST_PHASE);
            assert_int_equal(p->loc.line, 9 + k);
            assert_int_equal(p->loc.col, 3);
            assert_string_equal(p->u.phase.label, labels[k]);
            assert_int_equal(p->u.phase.dur.ms, ms[k]);
            assert_int_equal(p->u.phase.dur.loc.col, 22);
            assert_string_equal(p->u.phase.cue, cues[k]);
            assert_int_equal(p->u.phase.cue_loc.line, 9 + k);
            assert_int_equal(p->u.phase.cue_loc.col, 30);
            assert_int_equal(p->u.phase.tone, tones[k]);
            assert_int_equal(p->u.phase.tone_loc.col, 44);
            assert_int_equal(p->u.phase.has_range, 0);
            assert_int_equal(p->u.phase.has_pulse, 0);
            assert_int_equal(p->u.phase.count_down, 0);
        }
        assert_null(p);
    }
    n = n->next;
    assert_int_equal(n->kind, AST_BELL);
    assert_int_equal(n->u.bell.has_level, 0);
    assert_int_equal(n->u.bell.level.type, AST_LEVEL);
    assert_true(n->u.bell.level.db == 0.0);
    n = n->next;
    assert_int_equal(n->kind, AST_SPEAK);
    assert_string_equal(n->u.speak.cue, "afsluiting");
    assert_null(n->next);
    session_free(s);
}

/* A title alone; header lines anywhere at the top level; the path. */
static void test_minimal_and_header(void **state)
{
    (void)state;
    ast_session *s = parse_ok("session \"Alleen een titel\"");
    assert_string_equal(s->title, "Alleen een titel");
    assert_null(s->description);
    assert_null(s->voice);
    assert_int_equal(s->nparams, 0);
    assert_null(s->params);
    assert_null(s->body);
    session_free(s);

    /* header lines may come anywhere at the top level, even after timed ones */
    s = parse_ok(H "wait 1s\nvoice en-GB_2\ndescription \"\"\n");
    assert_string_equal(s->voice, "en-GB_2");
    assert_string_equal(s->description, "");
    assert_int_equal(s->body->kind, AST_WAIT);
    assert_null(s->body->next);
    session_free(s);

    adem_diag d;
    assert_int_equal(session_parse(NULL, H, strlen(H), &s, &d), 0);
    assert_string_equal(s->path, "<string>");
    session_free(s);
    session_free(NULL);
}

/* A param's default gives its type: integer, duration or level. */
static void test_params(void **state)
{
    (void)state;
    ast_session *s = parse_ok(H "param n 3\nparam len 1m30s\nparam vol -6.5dB\nparam big 1000000000000\n"
                                "param Z_0-9 0\n");
    assert_int_equal(s->nparams, 5);
    assert_string_equal(s->params[0].name, "n");
    assert_int_equal(s->params[0].def.type, AST_INT);
    assert_int_equal(s->params[0].def.i, 3);
    assert_string_equal(s->params[1].name, "len");
    assert_int_equal(s->params[1].def.type, AST_DURATION);
    assert_int_equal(s->params[1].def.ms, 90000);
    assert_int_equal(s->params[1].loc.line, 3);
    assert_int_equal(s->params[1].def.loc.line, 3);
    assert_int_equal(s->params[1].def.loc.col, 11);
    assert_string_equal(s->params[2].name, "vol");
    assert_int_equal(s->params[2].def.type, AST_LEVEL);
    assert_true(s->params[2].def.db == -6.5);
    assert_int_equal(s->params[3].def.i, 1000000000000LL);
    assert_string_equal(s->params[4].name, "Z_0-9");
    assert_int_equal(s->params[4].def.i, 0);
    session_free(s);
}

/* $name may be used before its param is declared; the reference keeps the
 * type its place expects and the position of the `$`. */
static void test_param_refs_before_declaration(void **state)
{
    (void)state;
    ast_session *s = parse_ok(H "repeat $n\n"
                                "  wait $w\n"
                                "  phase \"p\" $w pulse=$bpm\n"
                                "  bell $vol\n"
                                "  bed brown $vol\n"
                                "end\n"
                                "repeat for $total\n"
                                "  wait 1s\n"
                                "end\n"
                                "param n 3\nparam w 2s\nparam bpm 60\nparam vol -3dB\nparam total 10m\n");
    const ast_node *r = s->body;
    assert_int_equal(r->kind, AST_REPEAT);
    assert_string_equal(r->u.repeat.count.param, "n");
    assert_int_equal(r->u.repeat.count.type, AST_INT);
    const ast_node *w = r->u.repeat.body;
    assert_string_equal(w->u.wait.dur.param, "w");
    assert_int_equal(w->u.wait.dur.type, AST_DURATION);
    assert_int_equal(w->u.wait.dur.loc.line, 3);
    assert_int_equal(w->u.wait.dur.loc.col, 8);
    const ast_node *p = w->next;
    assert_string_equal(p->u.phase.dur.param, "w");
    assert_int_equal(p->u.phase.has_pulse, 1);
    assert_string_equal(p->u.phase.bpm.param, "bpm");
    assert_int_equal(p->u.phase.bpm.type, AST_INT);
    assert_int_equal(p->u.phase.bpm.loc.line, 4);
    assert_int_equal(p->u.phase.bpm.loc.col, 22);
    const ast_node *b = p->next;
    assert_int_equal(b->u.bell.has_level, 1);
    assert_string_equal(b->u.bell.level.param, "vol");
    assert_int_equal(b->u.bell.level.type, AST_LEVEL);
    assert_string_equal(b->next->u.bed.level.param, "vol");
    assert_int_equal(b->next->u.bed.noise, ADEM_NOISE_BROWN);
    const ast_node *rf = r->next;
    assert_int_equal(rf->kind, AST_REPEAT_FOR);
    assert_string_equal(rf->u.repeat.count.param, "total");
    assert_int_equal(rf->u.repeat.count.type, AST_DURATION);
    assert_int_equal(s->nparams, 5);
    session_free(s);
}

/* speak, wait, bell, mark, bed, repeat for and a huge repeat count. */
static void test_statements(void **state)
{
    (void)state;
    ast_session *s = parse_ok(H "speak a-B_9\n"
                                "wait 250ms\n"
                                "bell -6dB\n"
                                "bell +6dB\n"
                                "mark \"Deel twee\"\n"
                                "bed pink -20dB\n"
                                "bed brown -18.5dB\n"
                                "bed off\n"
                                "repeat for 10m\n"
                                "  wait 1.5s\n"
                                "end\n"
                                "repeat 1000000000000\n"
                                "  wait 1ms\n"
                                "end\n");
    const ast_node *n = s->body;
    assert_int_equal(n->kind, AST_SPEAK);
    assert_string_equal(n->u.speak.cue, "a-B_9");
    n = n->next;
    assert_int_equal(n->kind, AST_WAIT);
    assert_int_equal(n->u.wait.dur.ms, 250);
    n = n->next;
    assert_int_equal(n->kind, AST_BELL);
    assert_int_equal(n->u.bell.has_level, 1);
    assert_true(n->u.bell.level.db == -6.0);
    assert_int_equal(n->u.bell.level.loc.col, 6);
    n = n->next;
    assert_true(n->u.bell.level.db == 6.0);
    n = n->next;
    assert_int_equal(n->kind, AST_MARK);
    assert_string_equal(n->u.mark.label, "Deel twee");
    assert_int_equal(n->loc.line, 6);
    n = n->next;
    assert_int_equal(n->kind, AST_BED);
    assert_int_equal(n->u.bed.noise, ADEM_NOISE_PINK);
    assert_true(n->u.bed.level.db == -20.0);
    assert_int_equal(n->u.bed.level.type, AST_LEVEL);
    assert_int_equal(n->u.bed.level.loc.col, 10);
    n = n->next;
    assert_int_equal(n->u.bed.noise, ADEM_NOISE_BROWN);
    assert_true(n->u.bed.level.db == -18.5);
    n = n->next;
    assert_int_equal(n->u.bed.noise, ADEM_NOISE_OFF);
    n = n->next;
    assert_int_equal(n->kind, AST_REPEAT_FOR);
    assert_int_equal(n->u.repeat.count.type, AST_DURATION);
    assert_int_equal(n->u.repeat.count.ms, 600000);
    assert_int_equal(n->u.repeat.count.loc.col, 12);
    assert_int_equal(n->u.repeat.body->u.wait.dur.ms, 1500);
    assert_null(n->u.repeat.body->next);
    assert_int_equal(n->u.repeat.end_loc.line, 12);
    n = n->next;
    assert_int_equal(n->kind, AST_REPEAT);
    assert_int_equal(n->u.repeat.count.type, AST_INT);
    assert_int_equal(n->u.repeat.count.i, 1000000000000LL);
    assert_null(n->next);
    session_free(s);
}

/* hold "Label" [max=DURATION]: the label, the max (0 ms and has_max 0
 * without one; a $param; 0s allowed), inside a repeat too. */
static void test_hold(void **state)
{
    (void)state;
    static const char text[] = "session \"T\"\n"
                               "param vraag 2m\n"
                               "hold \"Vragen?\"\n"
                               "hold \"Even \xc3\xa9\xc3\xa9n minuut\" max=1m30s\n"
                               "repeat 2\n"
                               "  hold \"Klaar?\"   max=$vraag\n"
                               "  wait 1s\n"
                               "end\n"
                               "hold \"Nul\" max=0s\n";
    ast_session *s = NULL;
    adem_diag d;
    if (session_parse("t.adem", text, strlen(text), &s, &d) != 0)
        fail_msg("%d:%d %s", d.line, d.col, d.msg);
    const ast_node *n = s->body;
    assert_int_equal(n->kind, AST_HOLD);
    assert_string_equal(n->u.hold.label, "Vragen?");
    assert_int_equal(n->u.hold.has_max, 0);
    assert_int_equal(n->u.hold.max.ms, 0);
    assert_int_equal(n->loc.line, 3);
    n = n->next;
    assert_string_equal(n->u.hold.label, "Even \xc3\xa9\xc3\xa9n minuut");
    assert_int_equal(n->u.hold.has_max, 1);
    assert_int_equal(n->u.hold.max.ms, 90000);
    assert_int_equal(n->u.hold.max.loc.col, 28);
    n = n->next;
    assert_int_equal(n->kind, AST_REPEAT);
    const ast_node *h = n->u.repeat.body;
    assert_int_equal(h->kind, AST_HOLD);
    assert_string_equal(h->u.hold.max.param, "vraag");
    assert_int_equal(h->u.hold.max.type, AST_DURATION);
    assert_int_equal(h->u.hold.max.loc.col, 23);
    n = n->next;
    assert_int_equal(n->u.hold.has_max, 1);
    assert_int_equal(n->u.hold.max.ms, 0);
    assert_null(n->next);
    session_free(s);
}

/* Every phase attribute, in any order; tone ranges and their direction. */
static void test_phase_attributes(void **state)
{
    (void)state;
    ast_session *s = parse_ok(H "phase \"a\" 4s count=down pulse=240 tone=rise:196-294 cue=x\n"
                                "phase \"b\" 1m tone=fall:196hz-294Hz pulse=30\n"
                                "phase \"c\" 2s tone=fall:294-196\n"
                                "phase \"d\" 2s tone=rise:300-200.5\n"
                                "phase \"e\" 2s tone=steady:220hz\n"
                                "phase \"f\" 2s tone=none\n"
                                "phase \"g\" 2s tone=rise:440\n"
                                "phase \"h\" 2s\n");
    const ast_node *p = s->body;
    assert_string_equal(p->u.phase.label, "a");
    assert_int_equal(p->u.phase.count_down, 1);
    assert_int_equal(p->u.phase.count_loc.line, 2);
    assert_int_equal(p->u.phase.count_loc.col, 14);
    assert_int_equal(p->u.phase.has_pulse, 1);
    assert_int_equal(p->u.phase.bpm.type, AST_INT);
    assert_int_equal(p->u.phase.bpm.i, 240);
    assert_null(p->u.phase.bpm.param);
    assert_int_equal(p->u.phase.bpm.loc.col, 31);
    assert_int_equal(p->u.phase.tone, ADEM_TONE_RISE);
    assert_int_equal(p->u.phase.tone_loc.col, 35);
    assert_int_equal(p->u.phase.has_range, 1);
    assert_true(p->u.phase.f_from == 196.0);
    assert_true(p->u.phase.f_to == 294.0);
    assert_string_equal(p->u.phase.cue, "x");
    assert_int_equal(p->u.phase.cue_loc.col, 57);
    p = p->next; /* a fall glides down: f_from is the higher */
    assert_int_equal(p->u.phase.tone, ADEM_TONE_FALL);
    assert_true(p->u.phase.f_from == 294.0);
    assert_true(p->u.phase.f_to == 196.0);
    assert_int_equal(p->u.phase.bpm.i, 30);
    assert_int_equal(p->u.phase.dur.ms, 60000);
    assert_null(p->u.phase.cue);
    p = p->next;
    assert_true(p->u.phase.f_from == 294.0);
    assert_true(p->u.phase.f_to == 196.0);
    p = p->next; /* a rise glides up, whichever order the range is written in */
    assert_true(p->u.phase.f_from == 200.5);
    assert_true(p->u.phase.f_to == 300.0);
    p = p->next;
    assert_int_equal(p->u.phase.tone, ADEM_TONE_STEADY);
    assert_int_equal(p->u.phase.has_range, 1);
    assert_true(p->u.phase.f_from == 220.0);
    assert_true(p->u.phase.f_to == 220.0);
    p = p->next;
    assert_int_equal(p->u.phase.tone, ADEM_TONE_NONE);
    assert_int_equal(p->u.phase.has_range, 0);
    assert_int_equal(p->u.phase.tone_loc.col, 14);
    p = p->next;
    assert_int_equal(p->u.phase.tone, ADEM_TONE_RISE);
    assert_true(p->u.phase.f_from == 440.0);
    assert_true(p->u.phase.f_to == 440.0);
    p = p->next;
    assert_int_equal(p->u.phase.tone, ADEM_TONE_NONE);
    assert_int_equal(p->u.phase.has_range, 0);
    assert_int_equal(p->u.phase.has_pulse, 0);
    assert_int_equal(p->u.phase.count_down, 0);
    assert_null(p->u.phase.cue);
    assert_null(p->next);
    session_free(s);
}

/* Nested bodies and end positions; the deepest nesting allowed. */
static void test_nested_repeats(void **state)
{
    (void)state;
    ast_session *s = parse_ok(H "repeat 2\n"
                                "  repeat 3\n"
                                "    wait 1s\n"
                                "  end\n"
                                "  speak x\n"
                                "end\n"
                                "speak y\n");
    const ast_node *outer = s->body;
    assert_int_equal(outer->u.repeat.count.i, 2);
    assert_int_equal(outer->u.repeat.end_loc.line, 7);
    const ast_node *inner = outer->u.repeat.body;
    assert_int_equal(inner->kind, AST_REPEAT);
    assert_int_equal(inner->u.repeat.count.i, 3);
    assert_int_equal(inner->loc.col, 3);
    assert_int_equal(inner->u.repeat.end_loc.line, 5);
    assert_int_equal(inner->u.repeat.end_loc.col, 3);
    assert_int_equal(inner->u.repeat.body->kind, AST_WAIT);
    assert_null(inner->u.repeat.body->next);
    assert_string_equal(inner->next->u.speak.cue, "x");
    assert_null(inner->next->next);
    assert_string_equal(outer->next->u.speak.cue, "y");
    session_free(s);

    /* exactly ADEM_SESSION_MAX_DEPTH deep is fine */
    char text[4096] = H;
    for (int k = 0; k < ADEM_SESSION_MAX_DEPTH; k++)
        strcat(text, "repeat 2\n");
    strcat(text, "wait 1ms\n");
    for (int k = 0; k < ADEM_SESSION_MAX_DEPTH; k++)
        strcat(text, "end\n");
    s = parse_ok(text);
    int depth = 0;
    for (const ast_node *n = s->body; n->kind == AST_REPEAT; n = n->u.repeat.body)
        depth++;
    assert_int_equal(depth, ADEM_SESSION_MAX_DEPTH);
    session_free(s);
}

/* play with a name, a quoted path, a relative path and NAME=VALUE args. */
static void test_play(void **state)
{
    (void)state;
    ast_session *s = parse_ok(H "play 4-7-8\n"
                                "play \"mijn sessie.adem\" cycles=6 len=1.5s vol=$v\n"
                                "play ../oefeningen/body_scan.adem\n");
    const ast_node *p = s->body;
    assert_int_equal(p->kind, AST_PLAY);
    assert_string_equal(p->u.play.target, "4-7-8");
    assert_int_equal(p->u.play.target_loc.col, 6);
    assert_int_equal(p->u.play.nargs, 0);
    assert_null(p->u.play.args);
    p = p->next;
    assert_string_equal(p->u.play.target, "mijn sessie.adem");
    assert_int_equal(p->u.play.nargs, 3);
    assert_string_equal(p->u.play.args[0].name, "cycles");
    assert_string_equal(p->u.play.args[0].value, "6");
    assert_int_equal(p->u.play.args[0].loc.line, 3);
    assert_int_equal(p->u.play.args[0].loc.col, 25);
    assert_int_equal(p->u.play.args[0].value_loc.col, 32);
    assert_string_equal(p->u.play.args[1].name, "len");
    assert_string_equal(p->u.play.args[1].value, "1.5s");
    assert_int_equal(p->u.play.args[1].loc.col, 34);
    assert_int_equal(p->u.play.args[1].value_loc.col, 38);
    assert_string_equal(p->u.play.args[2].name, "vol");
    assert_string_equal(p->u.play.args[2].value, "$v");
    p = p->next;
    assert_string_equal(p->u.play.target, "../oefeningen/body_scan.adem");
    assert_null(p->next);
    session_free(s);
}

/* Lexical details that a valid file may use. */
static void test_lexical(void **state)
{
    (void)state;
    /* comments, blank lines, tabs, no final newline, # inside a string */
    ast_session *s = parse_ok("# een sessie\n\n  \t\nsession \"T\" # titel\n"
                              "wait 4s#direct na een woord\n"
                              "\tmark\t\"a # b\"\n"
                              "mark \"zeg \\\"hoi\\\" \\\\ klaar\"\n"
                              "mark \"caf\xc3\xa9 \xf0\x9f\x99\x82\"");
    assert_string_equal(s->title, "T");
    const ast_node *n = s->body;
    assert_int_equal(n->u.wait.dur.ms, 4000);
    assert_int_equal(n->loc.line, 5);
    n = n->next;
    assert_string_equal(n->u.mark.label, "a # b");
    assert_int_equal(n->loc.col, 2);
    n = n->next;
    assert_string_equal(n->u.mark.label, "zeg \"hoi\" \\ klaar");
    n = n->next;
    assert_string_equal(n->u.mark.label, "caf\xc3\xa9 \xf0\x9f\x99\x82");
    session_free(s);

    /* a byte-order mark is skipped and takes no column */
    s = parse_ok("\xEF\xBB\xBFsession \"T\"\n");
    assert_string_equal(s->title, "T");
    session_free(s);
    expect_error("\xEF\xBB\xBFsession \"T\" x\n", 1, 13, "unexpected 'x' after session \"T\"");

    /* CRLF line ends */
    s = parse_ok("session \"T\"\r\nwait 4s\r\nmark \"m\"\r\n\r\n# c\r\nbell");
    assert_string_equal(s->title, "T");
    assert_int_equal(s->body->u.wait.dur.ms, 4000);
    assert_string_equal(s->body->next->u.mark.label, "m");
    assert_int_equal(s->body->next->next->loc.line, 6);
    session_free(s);
    expect_error("session \"T\"\r\nwait 4s\r\nwait 0s\r\n", 3, 6, "wait cannot last 0s");

    /* columns count characters, not bytes; a tab is one column */
    expect_error(H "mark \"\xc3\xa9\xc3\xa9n\" x", 2, 12, "unexpected 'x' after mark \"\xc3\xa9\xc3\xa9n\"");
    expect_error(H "\twait\t0s", 2, 7, "wait cannot last 0s");
    expect_error(H "mark \"\xf0\x9f\x99\x82\" \xe2\x82\xac", 2, 10, "unexpected '\xe2\x82\xac'");

    /* a line of exactly ADEM_SESSION_MAX_LINE characters is fine */
    char *text = malloc(ADEM_SESSION_MAX_LINE * 2 + 64);
    strcpy(text, H "#");
    memset(text + strlen(text), 'x', ADEM_SESSION_MAX_LINE - 1);
    strcpy(text + strlen(H) + ADEM_SESSION_MAX_LINE, "\nwait 1s\n");
    s = parse_ok(text);
    assert_int_equal(s->body->loc.line, 3);
    session_free(s);
    strcpy(text + strlen(H) + ADEM_SESSION_MAX_LINE, "\r\nwait 1s\r\n"); /* the CR is not counted */
    s = parse_ok(text);
    assert_int_equal(s->body->loc.line, 3);
    session_free(s);
    free(text);
}

/* ---- invalid files: the table -------------------------------------------- */

typedef struct err_case {
    const char *text;
    int line, col;
    const char *phrase;
} err_case;

static const err_case ERRORS[] = {
    /* the first statement */
    {"", 1, 1, "a session starts with session \"Title\""},
    {"# alleen commentaar\n\n", 3, 1, "a session starts with session \"Title\""},
    {"\n  wait 4s\n", 2, 3, "a session starts with session \"Title\"; add that line before 'wait'"},
    {"sesion \"T\"\n", 1, 1, "unknown statement 'sesion'; did you mean 'session'?"},
    {"\"T\"\n", 1, 1, "a session starts with session \"Title\""},
    {"session\n", 1, 8, "the title is missing; write session \"Title\""},
    {"session T\n", 1, 9, "the title must be in double quotes"},
    {"session \"\"\n", 1, 9, "the title is empty"},
    {"session \" \t \"\n", 1, 9, "the title is empty"},
    {"session\"T\"\n", 1, 8, "a quote in the middle of a word; put a space before the string"},
    {H "session \"U\"\n", 2, 1, "a second session line; a file holds one session"},
    {H "repeat 2\n  session \"U\"\nend\n", 3, 3, "a second session line"},
    /* header statements */
    {H "description \"a\"\ndescription \"b\"\n", 3, 1, "a second description (the first is on line 2)"},
    {H "description\n", 2, 12, "the description is missing"},
    {H "repeat 2\n  description \"a\"\nend\n", 3, 3,
     "description belongs at the top level, not inside a repeat"},
    {H "repeat 2\n  voice nl\nend\n", 3, 3, "voice belongs at the top level, not inside a repeat"},
    {H "repeat 2\n\tparam x 4\nend\n", 3, 2, "param belongs at the top level, not inside a repeat"},
    {H "voice nl\nvoice en\n", 3, 1, "a second voice line (the first is on line 2)"},
    {H "voice ../x\n", 2, 7, "'../x' is not a valid pack name"},
    {H "voice \"nl\"\n", 2, 7, "a pack name is written without quotes"},
    {H "voice\n", 2, 6, "the pack name is missing"},
    {H "voice nl en\n", 2, 10, "unexpected 'en' after voice nl"},
    {H "param a 4\nparam a 5s\n", 3, 7, "parameter 'a' is already declared on line 2"},
    {H "param a.b 4\n", 2, 7, "'a.b' is not a valid parameter name"},
    {H "param\n", 2, 6, "the parameter's name and default are missing"},
    {H "param a\n", 2, 8, "parameter 'a' has no default"},
    {H "param a $b\n", 2, 9, "a default is a value, not another parameter"},
    {H "param a 4.5\n", 2, 9, "'4.5' is not a parameter default"},
    {H "param a -4\n", 2, 9, "'-4' is not a parameter default"},
    {H "param a 4sec\n", 2, 9, "unknown unit 'sec' in duration '4sec'"},
    {H "param a +7dB\n", 2, 9, "above +6dB"},
    {H "param a 10000000000000000\n", 2, 9, "too large"},
    {H "param a \"4\"\n", 2, 9, "a default is written without quotes"},
    {H "param a 4 5\n", 2, 11, "unexpected '5' after param a 4"},
    /* speak, wait, bell, mark, bed */
    {H "speak\n", 2, 6, "the cue ID is missing; write speak intro"},
    {H "speak a/b\n", 2, 7, "'a/b' is not a valid cue ID"},
    {H "speak \"intro\"\n", 2, 7, "a cue ID is written without quotes"},
    {H "speak intro outro\n", 2, 13, "unexpected 'outro' after speak intro; one statement per line"},
    {H "wait\n", 2, 5, "the duration is missing; write wait 4s"},
    {H "wait   # geen duur\n", 2, 8, "the duration is missing"},
    {H "wait 0s\n", 2, 6, "wait cannot last 0s"},
    {H "wait 0ms\n", 2, 6, "wait cannot last 0s"},
    {H "wait 1.0005s\n", 2, 6, "finer than 1 millisecond"},
    {H "wait 4sec\n", 2, 6, "unknown unit 'sec' in duration '4sec'; write 4s, 250ms, 2m or 1h"},
    {H "wait 4\n", 2, 6, "has no unit"},
    {H "wait -4s\n", 2, 6, "negative"},
    {H "wait 241h\n", 2, 6, "too long"},
    {H "wait 99999999999999999999999999s\n", 2, 6, "too long"},
    {H "wait \"4s\"\n", 2, 6, "the duration is written without quotes"},
    {H "wait 4s x\n", 2, 9, "unexpected 'x' after wait 4s; one statement per line"},
    {H "wait 4s \"x\"\n", 2, 9, "unexpected '\"x\"' after wait 4s"},
    {H "wait $\n", 2, 6, "'$' is not a parameter reference"},
    {H "wait $a.b\n", 2, 6, "'$a.b' is not a parameter reference"},
    {H "bell +7dB\n", 2, 6, "level '+7dB' is above +6dB"},
    {H "bell 6.5dB\n", 2, 6, "above +6dB"},
    {H "bell -130dB\n", 2, 6, "below -120dB"},
    {H "bell 3\n", 2, 6, "has no unit"},
    {H "bell -3dBx\n", 2, 6, "unknown unit 'dBx'"},
    {H "bell \"-3dB\"\n", 2, 6, "the level is written without quotes"},
    {H "bell -3dB loud\n", 2, 11, "unexpected 'loud' after bell -3dB"},
    {H "mark\n", 2, 5, "the mark label is missing"},
    {H "mark \"\"\n", 2, 6, "the mark label is empty"},
    {H "mark Deel\n", 2, 6, "the mark label must be in double quotes"},
    /* hold */
    {H "hold\n", 2, 5, "hold needs a label; write hold \"Vragen\" max=2m"},
    {H "hold max=3s\n", 2, 6, "the hold label must be in double quotes"},
    {H "hold \"\" max=3s\n", 2, 6, "the hold label is empty"},
    {H "hold \"a\" max=-3s\n", 2, 14, "max= cannot be negative; give the longest wait"},
    {H "hold \"a\" max=\n", 2, 14, "max= has no value"},
    {H "hold \"a\" max=3\n", 2, 14, "max=: "},
    {H "hold \"a\" maxx=3s\n", 2, 10, "unexpected maxx=3s after the hold's label; the only attribute is max=DURATION"},
    {H "hold \"a\" max=3s max=4s\n", 2, 17, "unexpected 'max=4s' after hold"},
    {H "hold \"a\" max=$m\n", 2, 14, "unknown parameter '$m'"},
    {H "bed\n", 2, 4, "bed needs a noise; write bed pink -20dB, bed brown -20dB or bed off"},
    {H "bed white -3dB\n", 2, 5, "unknown bed 'white'"},
    {H "bed pink\n", 2, 9, "the level is missing; write bed pink -20dB"},
    {H "bed pink +7dB\n", 2, 10, "above +6dB"},
    {H "bed off -3dB\n", 2, 9, "unexpected '-3dB' after bed off"},
    /* phase and its attributes */
    {H "phase\n", 2, 6, "phase needs a label and a length"},
    {H "phase \"a\"\n", 2, 10, "the duration is missing"},
    {H "phase a 4s\n", 2, 7, "the phase label must be in double quotes"},
    {H "phase \"\" 4s\n", 2, 7, "the phase label is empty"},
    {H "phase \"a\" 0s\n", 2, 11, "a phase cannot last 0s"},
    {H "phase \"a\" 1.0005s\n", 2, 11, "finer than 1 millisecond"},
    {H "phase \"a\" 4s volume=3\n", 2, 14,
     "unknown phase attribute 'volume'; write cue=ID, tone=rise|fall|steady|none, pulse=BPM or count=down"},
    {H "phase \"a\" 4s fast\n", 2, 14, "unexpected 'fast' after the phase's length; its attributes are cue=ID"},
    {H "phase \"a\" 4s =x\n", 2, 14, "unexpected '=x'"},
    {H "phase \"a\" 4s cue = x\n", 2, 14, "'cue' needs a value; write it without spaces around '=', e.g. cue=adem_in"},
    {H "phase \"a\" 4s \"b\"\n", 2, 14, "unexpected string \"b\""},
    {H "phase \"a\" 4s tone=rise tone=fall\n", 2, 24, "tone= is given twice in this phase"},
    {H "phase \"a\" 4s cue=x cue=y\n", 2, 20, "cue= is given twice"},
    {H "phase \"a\" 4s cue=\n", 2, 18, "cue= has no value; write it without spaces, e.g. cue=adem_in"},
    {H "phase \"a\" 4s cue=a/b\n", 2, 18, "'a/b' is not a valid cue ID"},
    {H "phase \"a\" 4s tone=up\n", 2, 19, "unknown tone 'up'; write tone=rise, tone=fall, tone=steady or tone=none"},
    {H "phase \"a\" 4s tone=Rise\n", 2, 19, "unknown tone 'Rise'"},
    {H "phase \"a\" 4s tone=\n", 2, 19, "tone= has no value; write it without spaces, e.g. tone=rise"},
    {H "phase \"a\" 4s pulse=\n", 2, 20, "e.g. pulse=60"},
    {H "phase \"a\" 4s count=\n", 2, 20, "e.g. count=down"},
    {H "phase \"a\" 4s tone=rise:10-300\n", 2, 24, "frequency '10' is outside 20..20000 Hz"},
    {H "phase \"a\" 4s tone=rise:196-30000\n", 2, 28, "frequency '30000' is outside 20..20000 Hz"},
    {H "phase \"a\" 4s tone=rise:19.9\n", 2, 24, "outside 20..20000 Hz"},
    {H "phase \"a\" 4s tone=rise:196khz-294\n", 2, 24, "unknown unit 'khz'"},
    {H "phase \"a\" 4s tone=rise:\n", 2, 24, "missing frequency"},
    {H "phase \"a\" 4s tone=rise:196-\n", 2, 28, "missing frequency"},
    {H "phase \"a\" 4s tone=rise:$lo-294\n", 2, 24, "a tone range takes numbers, not parameters"},
    {H "phase \"a\" 4s tone=none:220\n", 2, 24, "tone=none has no pitch"},
    {H "phase \"a\" 4s tone=steady:200-300\n", 2, 26, "a steady tone has one pitch"},
    {H "phase \"a\" 4s pulse=300\n", 2, 20, "pulse=300 is outside 30..240 beats per minute"},
    {H "phase \"a\" 4s pulse=29\n", 2, 20, "pulse=29 is outside 30..240"},
    {H "phase \"a\" 4s pulse=0\n", 2, 20, "outside 30..240"},
    {H "phase \"a\" 4s pulse=99999999999999999999999\n", 2, 20, "outside 30..240"},
    {H "phase \"a\" 4s pulse=60.5\n", 2, 20, "pulse=60.5 is not a whole number of beats per minute"},
    {H "phase \"a\" 4s pulse=60bpm\n", 2, 20, "not a whole number"},
    {H "phase \"a\" 4s pulse=$\n", 2, 20, "'$' is not a parameter reference"},
    {H "phase \"a\" 4s count=up\n", 2, 20, "unknown count 'up'; the only choice is count=down"},
    {H "phase \"a\" 4s count=down count=down\n", 2, 25, "count= is given twice"},
    /* repeat and end */
    {H "repeat\nwait 1s\nend\n", 2, 7, "the repeat count is missing"},
    {H "repeat 0\nwait 1s\nend\n", 2, 8, "repeat 0 repeats nothing"},
    {H "repeat 2.5\nwait 1s\nend\n", 2, 8, "'2.5' is not a repeat count"},
    {H "repeat -1\nwait 1s\nend\n", 2, 8, "'-1' is not a repeat count"},
    {H "repeat 4s\nwait 1s\nend\n", 2, 8, "repeat takes a count; to repeat for a length of time write repeat for 4s"},
    {H "repeat 10000000000000000\nwait 1s\nend\n", 2, 8, "too large"},
    {H "repeat for 0s\nwait 1s\nend\n", 2, 12, "repeat for cannot last 0s"},
    {H "repeat for\nwait 1s\nend\n", 2, 11, "the duration is missing; write repeat for 10m"},
    {H "repeat for 4\nwait 1s\nend\n", 2, 12, "has no unit"},
    {H "repeat 2 x\nwait 1s\nend\n", 2, 10, "unexpected 'x' after repeat 2; one statement per line"},
    {H "repeat for 1m x\nwait 1s\nend\n", 2, 15, "unexpected 'x' after repeat for 1m"},
    {H "repeat 2\nend\n", 2, 1, "this repeat has nothing to repeat"},
    {H "repeat 2\n  # nog niets\n\nend\n", 2, 1, "this repeat has nothing to repeat"},
    {H "wait 1s\n  repeat 2\n    wait 1s\n", 3, 3, "this repeat has no `end`; add `end` after its last line"},
    {H "repeat 2\nrepeat 3\nwait 1s\nend\n", 2, 1, "this repeat has no `end`"},
    {H "repeat 2\n", 2, 1, "this repeat has no `end`"},
    {H "wait 1s\nend\n", 3, 1, "`end` without a repeat"},
    {H "repeat 2\nwait 1s\nend\nend\n", 5, 1, "`end` without a repeat"},
    {H "repeat 2\nwait 1s\nend now\n", 4, 5, "unexpected 'now' after end"},
    /* unknown statements */
    {H "phse \"a\" 4s\n", 2, 1,
     "unknown statement 'phse'; did you mean 'phase'? (statements: session, description, param, voice, "
     "speak, wait, bell, phase, repeat, end, bed, mark, hold, play)"},
    {H "Wait 4s\n", 2, 1, "did you mean 'wait'?"},
    {H "edn\n", 2, 1, "did you mean 'end'?"},
    {H "x\n", 2, 1, "unknown statement 'x'; a line starts with one of"}, /* no guess for one letter */
    {H "repaet 2\n", 2, 1, "did you mean 'repeat'?"},
    {H "speek x\n", 2, 1, "did you mean 'speak'?"},
    {H "xyzzy\n", 2, 1, "unknown statement 'xyzzy'; a line starts with one of session, description"},
    {H "4s\n", 2, 1, "unknown statement '4s'"},
    {H "\"a\"\n", 2, 1, "a line starts with a statement, not with the string \"a\""},
    /* play */
    {H "play\n", 2, 5, "play needs a session"},
    {H "play \"\"\n", 2, 6, "the session to play is empty"},
    {H "play x y\n", 2, 8, "unexpected 'y' after the session to play; pass parameters as NAME=VALUE"},
    {H "play x \"y\"\n", 2, 8, "unexpected string \"y\""},
    {H "play x a.b=1\n", 2, 8, "'a.b' is not a valid parameter name"},
    {H "play x =1\n", 2, 8, "a parameter name is missing before '='"},
    {H "play x a=\n", 2, 10, "parameter 'a' has no value"},
    {H "play x a=1 b=2 a=3\n", 2, 16, "parameter 'a' is given twice to this play"},
    /* parameters referred to with $ */
    {H "wait $len\n", 2, 6, "unknown parameter '$len'; declare it, e.g. param len 4s"},
    {H "param cycles 4\nrepeat $cycle\nwait 1s\nend\n", 3, 8, "unknown parameter '$cycle'; did you mean '$cycles'?"},
    {H "param len -3dB\nwait $len\n", 3, 6,
     "'$len' is a level parameter (line 2), but wait needs a duration; give it a duration default (param len 4s)"},
    {H "repeat $len\nwait 1s\nend\nparam len 4s\n", 2, 8,
     "'$len' is a duration parameter (line 5), but a repeat count needs an integer"},
    {H "param d 4s\nphase \"a\" 4s pulse=$d\n", 3, 20, "'$d' is a duration parameter (line 2), but pulse= needs an integer"},
    {H "param x 4\nbell $x\n", 3, 6, "'$x' is an integer parameter (line 2), but bell needs a level"},
    {H "param x 4\nbed pink $x\n", 3, 10, "but bed needs a level"},
    {H "param x 4\nphase \"a\" $x\n", 3, 11, "but a phase needs a duration"},
    {H "param x 4\nrepeat for $x\nwait 1s\nend\n", 3, 12, "but repeat for needs a duration"},
    {H "wait $a\nwait $b\nparam b 1s\n", 2, 6, "unknown parameter '$a'; declare it"}, /* the first; no suggestion */
    /* strings */
    {H "mark \"abc\n", 2, 6, "this string has no closing quote; add \" at its end"},
    {H "mark \"abc\\\"\n", 2, 6, "this string has no closing quote"},
    {H "mark \"abc\\", 2, 6, "this string has no closing quote"},
    {H "mark \"a\\nb\"\n", 2, 6, "unknown escape '\\n' in this string; only \\\" and \\\\ may follow a backslash"},
    {H "mark \"a\"b\n", 2, 9, "text straight after a closing quote; put a space after the string"},
    {H "speak a\"b\"\n", 2, 8, "a quote in the middle of a word; put a space before the string"},
    /* bytes that are not text */
    {H "mark \"caf\xc3\"\n", 2, 10, "invalid UTF-8; save the file as UTF-8"},
    {H "mark \"\xc3\xa9\xff\"\n", 2, 8, "invalid UTF-8"},
    {H "# \xff\n", 2, 3, "invalid UTF-8"},
    {H "wait 1s\nmark \"\xc0\xaf\"\n", 3, 7, "invalid UTF-8"},       /* overlong */
    {H "mark \"\xe0\x80\xaf\"\n", 2, 7, "invalid UTF-8"},            /* overlong */
    {H "mark \"\xed\xa0\x80\"\n", 2, 7, "invalid UTF-8"},            /* surrogate */
    {H "mark \"\xf4\x90\x80\x80\"\n", 2, 7, "invalid UTF-8"},        /* above U+10FFFF */
    {H "mark \"\xf8\x88\x80\x80\x80\"\n", 2, 7, "invalid UTF-8"},    /* 5-byte form */
    {H "mark \"\x80\"\n", 2, 7, "invalid UTF-8"},                    /* lone continuation */
    {H "mark \"a\" # \xe2\x82", 2, 12, "invalid UTF-8"},              /* cut by the end */
    {"\xEF\xBB\xBF\xEF\xBB", 1, 1, "invalid UTF-8"},                   /* a BOM, then half of one */
    {H "wait\x01 4s\n", 2, 5, "control character U+0001 is not allowed"},
    {H "wait 4s\x1b[0m\n", 2, 8, "control character U+001B"},
    {H "mark \"a\x7f\"\n", 2, 8, "control character U+007F"},
    {H "mark \"a\xc2\x85\"\n", 2, 8, "control character U+0085"},
    {H "wait 4s\rwait 1s\n", 2, 8, "carriage return (CR) in the middle of a line"},
    {H "wait 4s\n\x0c\n", 3, 1, "control character U+000C"},
    /* a syntax error on an earlier line comes first */
    {H "wait 0s\nmark \"\xff\"\n", 2, 6, "wait cannot last 0s"},
};

/* Every case of ERRORS (all are run; each difference is printed). */
static void test_errors_table(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t k = 0; k < sizeof ERRORS / sizeof ERRORS[0]; k++)
        failed += check_error(ERRORS[k].text, strlen(ERRORS[k].text), ERRORS[k].line, ERRORS[k].col,
                              ERRORS[k].phrase);
    if (failed)
        fail_msg("%d of %zu cases differ (see above)", failed, sizeof ERRORS / sizeof ERRORS[0]);
}

/* A NUL byte is refused where it is (strings in the table cannot hold it). */
static void test_nul_byte(void **state)
{
    (void)state;
    static const char text[] = H "wait\0 4s\n";
    expect_error_n(text, sizeof text - 1, 2, 5, "NUL byte in the file");
    static const char text2[] = "\0";
    expect_error_n(text2, 1, 1, 1, "NUL byte");
    static const char text3[] = H "mark \"a\0b\"\n";
    expect_error_n(text3, sizeof text3 - 1, 2, 8, "NUL byte");
}

/* The text is read only up to len: bytes after it never count. */
static void test_reads_only_len(void **state)
{
    (void)state;
    static const char text[] = H "wait 4s\xff\xff garbage";
    ast_session *s;
    adem_diag d;
    assert_int_equal(session_parse("t.adem", text, strlen(H) + 7, &s, &d), 0);
    assert_int_equal(s->body->u.wait.dur.ms, 4000);
    session_free(s);
    /* a string cut by len is unterminated, even though a quote follows */
    static const char text2[] = H "mark \"ab\"";
    expect_error_n(text2, strlen(H) + 8, 2, 6, "no closing quote");
    /* (ASan/valgrind check that nothing beyond len is read: parse a heap copy) */
    char *heap = malloc(strlen(H) + 8);
    memcpy(heap, text2, strlen(H) + 8);
    expect_error_n(heap, strlen(H) + 8, 2, 6, "no closing quote");
    memcpy(heap, H "wait 4s", strlen(H) + 7);
    assert_int_equal(session_parse("t.adem", heap, strlen(H) + 7, &s, &d), 0);
    session_free(s);
    free(heap);
}

/* Lines longer than ADEM_SESSION_MAX_LINE characters are refused at the first extra one. */
static void test_long_line(void **state)
{
    (void)state;
    size_t n = strlen(H) + ADEM_SESSION_MAX_LINE + 16;
    char *text = malloc(n + 1);
    strcpy(text, H "mark \"");
    size_t len = strlen(text);
    memset(text + len, 'x', n - len);
    text[n] = '\0';
    expect_error_n(text, n, 2, ADEM_SESSION_MAX_LINE + 1, "this line is longer than 4096 characters");
    /* counted in characters: 4096 two-byte characters are fine, one more is not */
    char *u = malloc(strlen(H) + 2 * (ADEM_SESSION_MAX_LINE + 1) + 16);
    strcpy(u, H "#");
    len = strlen(u);
    for (int k = 0; k < ADEM_SESSION_MAX_LINE - 1; k++, len += 2)
        memcpy(u + len, "\xc3\xa9", 2);
    memcpy(u + len, "\nwait 1s", 9); /* with its NUL */
    ast_session *s = parse_ok(u);
    session_free(s);
    memcpy(u + len, "\xc3\xa9\n", 3);
    expect_error_n(u, len + 3, 2, ADEM_SESSION_MAX_LINE + 1, "longer than 4096");
    free(u);
    free(text);
}

/* Elapsed wall-clock seconds of a monotonic-enough clock. */
static double now_s(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A text over ADEM_SESSION_MAX_BYTES is refused at once, without a position. */
static void test_file_too_large(void **state)
{
    (void)state;
    size_t n = 10u * 1024 * 1024; /* a 10 MB single line */
    char *text = malloc(n);
    memcpy(text, H "mark \"", strlen(H) + 6);
    memset(text + strlen(H) + 6, 'x', n - strlen(H) - 6);
    ast_session *s;
    adem_diag d;
    double t0 = now_s();
    assert_int_equal(session_parse("t.adem", text, n, &s, &d), -1);
    double dt = now_s() - t0;
    assert_null(s);
    assert_int_equal(d.line, 0);
    assert_int_equal(d.col, 0);
    assert_string_equal(d.file, "t.adem");
    assert_non_null(strstr(d.msg, "the file is larger than 1048576 bytes"));
    assert_true(dt < 0.01);
    /* one byte over the limit is refused; at the limit, the line length is */
    assert_int_equal(session_parse("t.adem", text, ADEM_SESSION_MAX_BYTES + 1, &s, &d), -1);
    assert_non_null(strstr(d.msg, "larger than"));
    t0 = now_s();
    expect_error_n(text, ADEM_SESSION_MAX_BYTES, 2, ADEM_SESSION_MAX_LINE + 1, "longer than 4096");
    print_message("1 MB single line refused in %.2f ms\n", (now_s() - t0) * 1e3);
    free(text);
}

/* Repeats nested one too deep are refused at the repeat, fast. */
static void test_deep_nesting(void **state)
{
    (void)state;
    /* 33 nested repeats: refused at the 33rd, on line 34 */
    char text[4096] = H;
    for (int k = 0; k < ADEM_SESSION_MAX_DEPTH + 1; k++)
        strcat(text, "  repeat 2\n");
    strcat(text, "wait 1ms\n");
    for (int k = 0; k < ADEM_SESSION_MAX_DEPTH + 1; k++)
        strcat(text, "end\n");
    expect_error(text, ADEM_SESSION_MAX_DEPTH + 2, 3, "repeats are nested more than 32 deep");

    /* 10 000 nested repeats fail just as fast, without deep recursion */
    size_t cap = strlen(H) + 10000 * 9 + 1;
    char *big = malloc(cap);
    strcpy(big, H);
    size_t len = strlen(big);
    for (int k = 0; k < 10000; k++, len += 9)
        memcpy(big + len, "repeat 2\n", 9);
    double t0 = now_s();
    expect_error_n(big, len, ADEM_SESSION_MAX_DEPTH + 2, 1, "nested more than 32 deep");
    assert_true(now_s() - t0 < 0.05);
    free(big);
}

/* A big valid file (just under 1 MB) parses fast. */
static void test_speed(void **state)
{
    (void)state;
    static const char body[] =
        "repeat 4\n"
        "  phase \"Adem in\"    4s  cue=adem_in_neus  tone=rise:196-294 pulse=$bpm\n"
        "  phase \"Vasthouden\" 7s  cue=vasthouden    tone=steady count=down\n"
        "  phase \"Adem uit\"   8s  cue=adem_uit_mond tone=fall # uit\n"
        "end\n"
        "wait 1.5s\n"
        "bell -6dB\n";
    size_t cap = ADEM_SESSION_MAX_BYTES;
    char *text = malloc(cap);
    size_t len = 0;
    const char *head = H "param bpm 60\n";
    memcpy(text, head, strlen(head));
    len = strlen(head);
    int blocks = 0;
    while (len + sizeof body - 1 <= cap) {
        memcpy(text + len, body, sizeof body - 1);
        len += sizeof body - 1;
        blocks++;
    }
    ast_session *s;
    adem_diag d;
    double t0 = now_s();
    int rc = session_parse("t.adem", text, len, &s, &d);
    double dt = now_s() - t0;
    assert_int_equal(rc, 0);
    int count = 0;
    for (const ast_node *n = s->body; n; n = n->next)
        count++;
    assert_int_equal(count, blocks * 3);
    print_message("%zu bytes (%d blocks) parsed in %.1f ms\n", len, blocks, dt * 1e3);
    assert_true(dt < 2.0); /* "well under 100 ms" in a normal build; generous for sanitizers */
    session_free(s);
    free(text);
}

/* Every prefix of a rich valid file, and that file with single bytes
 * replaced, either parses or fails with a positioned one-line message and
 * leaks nothing (run under ASan or valgrind to see the leaks). */
static void test_robustness(void **state)
{
    (void)state;
    static const char rich[] =
        "\xEF\xBB\xBFsession \"R\xc3\xa9\xc3\xabl \\\"x\\\"\"\r\n"
        "description \"d\"\n"
        "param n 2\nparam w 1.5s\nparam v -3dB\n"
        "voice nl\n"
        "repeat $n\n"
        "  repeat for 1m\n"
        "    phase \"a\" $w cue=c tone=rise:196-294hz pulse=60 count=down # x\n"
        "  end\n"
        "  bed pink $v\n"
        "end\n"
        "bell\nmark \"m\"\nplay \"x y\" n=3 w=2s\nspeak s\nwait 1m30s\n";
    static const char subst[] = {'\0', '"', '#', '\\', '$', '=', ' ', '\n', '\r', '\t', 'x', '0', ':', '-',
                                 (char)0xff, (char)0xc3};
    const size_t n = sizeof rich - 1;
    char *buf = malloc(n);
    int ok = 0, bad = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i <= n; i++) {
            for (size_t k = 0; k < (pass ? sizeof subst : 1); k++) {
                size_t len = n;
                memcpy(buf, rich, n);
                if (pass == 0)
                    len = i; /* a prefix */
                else if (i < n)
                    buf[i] = subst[k];
                else
                    continue;
                ast_session *s = (ast_session *)1, *c = NULL;
                adem_diag d;
                /* collect mode: the same verdict, the same first mistake,
                 * and every mistake in the general form */
                static adem_diag_list errs;
                diag_list_clear(&errs);
                int crc = session_parse_collect("t.adem", buf, len, &c, &errs);
                for (int e = 0; e < errs.n; e++) {
                    assert_true(errs.item[e].line >= 1 && errs.item[e].col >= 1);
                    assert_non_null(strchr(errs.item[e].msg, ';'));
                }
                if (crc == 0)
                    assert_non_null(c);
                session_free(c);
                if (session_parse("t.adem", buf, len, &s, &d) == 0) {
                    assert_int_equal(crc, 0);
                    assert_int_equal(errs.n, 0);
                    assert_non_null(s);
                    assert_non_null(s->title);
                    session_free(s);
                    ok++;
                } else {
                    assert_int_equal(crc, -1);
                    assert_true(errs.n >= 1);
                    assert_int_equal(errs.item[0].line, d.line);
                    assert_int_equal(errs.item[0].col, d.col);
                    assert_string_equal(errs.item[0].msg, d.msg);
                    assert_null(s);
                    assert_true(d.line >= 1 && d.col >= 1);
                    assert_true(d.msg[0] != '\0');
                    assert_non_null(strchr(d.msg, ';'));
                    bad++;
                }
            }
        }
    }
    assert_true(ok > 100 && bad > 100); /* both paths were exercised */
    free(buf);
}

/* ---- sessions_parse_file -------------------------------------------------- */

/* Reading files: success, errors naming the file, missing, a folder, too large. */
static void test_parse_file(void **state)
{
    (void)state;
    ast_session *s = (ast_session *)1;
    adem_diag d;
    const char *path = e2e_path("ok.adem");
    e2e_write_file(path, "session \"Uit een bestand\"\nwait 4s\n");
    assert_int_equal(sessions_parse_file(path, &s, &d), 0);
    assert_string_equal(s->title, "Uit een bestand");
    assert_string_equal(s->path, path);
    session_free(s);

    /* errors name the file */
    path = e2e_path("bad.adem");
    e2e_write_file(path, "session \"x\"\nwait 0s\n");
    assert_int_equal(sessions_parse_file(path, &s, &d), -1);
    assert_null(s);
    assert_string_equal(d.file, path);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 6);

    /* a missing file */
    path = e2e_path("missing.adem");
    s = (ast_session *)1;
    assert_int_equal(sessions_parse_file(path, &s, &d), -1);
    assert_null(s);
    assert_int_equal(d.status, ADEM_EXIT_INPUT);
    assert_int_equal(d.line, 0);
    assert_int_equal(d.col, 0);
    char want[2048];
    snprintf(want, sizeof want, "cannot open '%s': No such file or directory; check the path", path);
    assert_string_equal(d.msg, want);

    /* a folder */
    assert_int_equal(sessions_parse_file(e2e_tmpdir(), &s, &d), -1);
    assert_int_equal(d.status, ADEM_EXIT_INPUT);
    assert_non_null(strstr(d.msg, "it is a folder, not a file"));

    /* a file over the limit is refused without reading it all */
    path = e2e_path("big.adem");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    static char chunk[65536];
    memset(chunk, '#', sizeof chunk);
    for (int k = 0; k < 8 * 1024 * 1024 / (int)sizeof chunk; k++)
        assert_int_equal(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
    fclose(f);
    double t0 = now_s();
    assert_int_equal(sessions_parse_file(path, &s, &d), -1);
    double dt = now_s() - t0;
    assert_null(s);
    assert_string_equal(d.file, path);
    assert_int_equal(d.line, 0);
    assert_non_null(strstr(d.msg, "larger than 1048576 bytes"));
    print_message("8 MB file refused in %.2f ms\n", dt * 1e3);
    assert_true(dt < 0.5);

    /* exactly at the limit is read whole (and here refused for its line) */
    f = fopen(path, "wb");
    fputs("session \"x\"\n", f);
    for (int k = 0; k < ADEM_SESSION_MAX_BYTES - 12; k++)
        fputc(k % 64 == 63 ? '\n' : '#', f);
    fclose(f);
    assert_int_equal(sessions_parse_file(path, &s, &d), 0);
    assert_null(s->body);
    session_free(s);
}

/* ---- names and the lexer on its own -------------------------------------- */

/* Names: ASCII letters, digits, '_' and '-', 1..64 of them. */
static void test_valid_name(void **state)
{
    (void)state;
    assert_int_equal(session_valid_name("nl", 2), 1);
    assert_int_equal(session_valid_name("adem_in-neus_2", 14), 1);
    assert_int_equal(session_valid_name("", 0), 0);
    assert_int_equal(session_valid_name("a/b", 3), 0);
    assert_int_equal(session_valid_name("..", 2), 0);
    assert_int_equal(session_valid_name("a.b", 3), 0);
    assert_int_equal(session_valid_name("\xc3\xa9", 2), 0);
    assert_int_equal(session_valid_name("a b", 3), 0);
    char name[66];
    memset(name, 'a', sizeof name);
    assert_int_equal(session_valid_name(name, 64), 1);
    assert_int_equal(session_valid_name(name, 65), 0);
}

/* The lexer alone: kinds, positions, escapes, the end of the text. */
static void test_lexer_tokens(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBF"
                               "a \"b\\\"c\"\t\xc3\xa9=1#c\r\n"
                               "\n"
                               "  x";
    lex_state ls;
    lex_token t;
    adem_diag d;
    assert_int_equal(lex_init(&ls, "t", text, sizeof text - 1, &d), 0);
    static const struct {
        lex_kind kind;
        const char *s;
        int line, col;
    } want[] = {
        {LEX_WORD, "a", 1, 1},      {LEX_STRING, "b\\\"c", 1, 3}, {LEX_WORD, "\xc3\xa9=1", 1, 10},
        {LEX_EOL, "", 1, 13},       {LEX_EOL, "", 2, 1},          {LEX_WORD, "x", 3, 3},
        {LEX_EOL, "", 3, 4},        {LEX_EOF, "", 3, 4},          {LEX_EOF, "", 3, 4},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        assert_int_equal(lex_next(&ls, &t), 0);
        assert_int_equal(t.kind, want[k].kind);
        assert_int_equal(t.n, strlen(want[k].s));
        assert_memory_equal(t.s, want[k].s, t.n);
        assert_int_equal(t.line, want[k].line);
        assert_int_equal(t.col, want[k].col);
        if (t.kind == LEX_STRING) {
            char buf[16];
            assert_int_equal(t.escapes, 1);
            assert_int_equal(t.raw_n, 6);
            assert_int_equal(lex_unescape(&t, buf), 3);
            assert_string_equal(buf, "b\"c");
        }
    }
    assert_int_equal(lex_columns("\xc3\xa9\xe2\x82\xac" "a", 6), 3);

    /* the end of the text after a final line break */
    assert_int_equal(lex_init(&ls, "t", "a\n", 2, &d), 0);
    assert_int_equal(lex_next(&ls, &t), 0);
    assert_int_equal(lex_next(&ls, &t), 0);
    assert_int_equal(t.kind, LEX_EOL);
    assert_int_equal(lex_next(&ls, &t), 0);
    assert_int_equal(t.kind, LEX_EOF);
    assert_int_equal(t.line, 2);
    assert_int_equal(t.col, 1);

    /* an empty text, even a NULL one */
    assert_int_equal(lex_init(&ls, "t", NULL, 0, &d), 0);
    assert_int_equal(lex_next(&ls, &t), 0);
    assert_int_equal(t.kind, LEX_EOF);
    assert_int_equal(t.line, 1);
    assert_int_equal(t.col, 1);
}

/* Runs every test above. */

/* ---- stepped durations ------------------------------------------------- */

/* FIRST..LAST inside repeat COUNT: a phase's and a wait's, literal or $param
 * on either side; the innermost repeat counts (also inside a repeat for). */
static void test_stepped(void **state)
{
    (void)state;
    ast_session *s = parse_ok(H "param kort 4s\nparam lang 7s\nrepeat 4\n"
                                "  phase \"Vasthouden\" 4s..7s tone=steady\n"
                                "  phase \"b\" $kort..$lang\n"
                                "  wait 1s..$lang\n"
                                "  wait 2s\n"
                                "end\n"
                                "repeat for 10m\n  repeat 3\n    phase \"c\" 1.5s..500ms\n  end\nend\n");
    const ast_node *r = s->body;
    assert_int_equal(r->kind, AST_REPEAT);
    const ast_node *p = r->u.repeat.body;
    assert_int_equal(p->kind, AST_PHASE);
    assert_int_equal(p->u.phase.stepped, 1);
    assert_int_equal(p->u.phase.dur.ms, 4000);
    assert_int_equal(p->u.phase.last.ms, 7000);
    assert_int_equal(p->u.phase.dur.loc.col, 22);
    assert_int_equal(p->u.phase.last.loc.col, 26);
    assert_int_equal(p->u.phase.tone, ADEM_TONE_STEADY);
    p = p->next;
    assert_string_equal(p->u.phase.dur.param, "kort");
    assert_string_equal(p->u.phase.last.param, "lang");
    assert_int_equal(p->u.phase.last.type, AST_DURATION);
    assert_int_equal(p->u.phase.last.loc.col, 20);
    p = p->next;
    assert_int_equal(p->kind, AST_WAIT);
    assert_int_equal(p->u.wait.stepped, 1);
    assert_int_equal(p->u.wait.dur.ms, 1000);
    assert_string_equal(p->u.wait.last.param, "lang");
    p = p->next;
    assert_int_equal(p->u.wait.stepped, 0);
    assert_int_equal(p->u.wait.dur.ms, 2000);
    const ast_node *c = r->next->u.repeat.body->u.repeat.body;
    assert_int_equal(c->u.phase.dur.ms, 1500);
    assert_int_equal(c->u.phase.last.ms, 500);
    session_free(s);
}

/* Where a stepped duration is not allowed, and how it is mistyped. */
static void test_stepped_errors(void **state)
{
    (void)state;
    expect_error(H "phase \"a\" 4s..7s\n", 2, 11, "belongs inside repeat COUNT");
    expect_error(H "wait 4s..7s\n", 2, 6, "belongs inside repeat COUNT");
    expect_error(H "repeat for 10m\n  phase \"a\" 4s..7s\nend\n", 3, 13, "`repeat for` has no fixed count");
    expect_error(H "repeat 3\n  repeat for 1m\n    wait 1s..2s\n  end\nend\n", 4, 10, "repeat COUNT");
    expect_error(H "repeat for 4s..7s\n  wait 1s\nend\n", 2, 12, "repeat for takes one duration");
    expect_error(H "repeat 2\n  wait 4s..\nend\n", 3, 8, "needs a first and a last value");
    expect_error(H "repeat 2\n  wait ..7s\nend\n", 3, 8, "needs a first and a last value");
    expect_error(H "repeat 2\n  wait 1s..2s..3s\nend\n", 3, 8, "more than one '..'");
    expect_error(H "repeat 2\n  wait 1s..7x\nend\n", 3, 12, "7x");
    expect_error(H "repeat 2\n  wait 1s..0s\nend\n", 3, 12, "cannot last 0s");
    expect_error(H "repeat 2\n  wait $a..2s\nend\n", 3, 8, "unknown parameter '$a'");
    expect_error(H "param n 3\nrepeat 2\n  wait 1s..$n\nend\n", 4, 12, "is an integer parameter");
    /* a parameter's name without $ where a duration or count goes */
    expect_error(H "param pauze 2s\nwait pauze\n", 3, 6, "write $pauze");
    expect_error(H "param rondes 4\nrepeat rondes\n  wait 1s\nend\n", 3, 8, "did you mean the parameter $rondes");
}


/* ---- every mistake in one run (adem check) ----------------------------- */

/* Collects the mistakes of text; checks their lines (want[], n of them, in
 * order) and that each has the general form. Returns the session read. */
static ast_session *collect_lines(const char *text, const int *want, int n)
{
    adem_diag_list errs;
    ast_session *s = NULL;
    diag_list_clear(&errs);
    int rc = session_parse_collect("t.adem", text, strlen(text), &s, &errs);
    int ok = rc == (n ? -1 : 0) && errs.n == n && errs.more == 0;
    for (int i = 0; ok && i < n; i++)
        ok = errs.item[i].line == want[i] && strcmp(errs.item[i].file, "t.adem") == 0 &&
             errs.item[i].col > 0 && strchr(errs.item[i].msg, ';') != NULL;
    if (!ok) {
        for (int i = 0; i < errs.n; i++)
            print_error("  got %d:%d %s\n", errs.item[i].line, errs.item[i].col, errs.item[i].msg);
        fail_msg("rc %d, %d mistakes (+%d), want %d\n--- text:\n%s", rc, errs.n, errs.more, n, text);
    }
    return s;
}

/* Five independent mistakes: five lines, nothing that only follows from
 * them; the statements without a mistake are kept. */
static void test_collect_five(void **state)
{
    (void)state;
    static const char text[] = H "param rondes 4\nvoice nl\n"
                                 "speek intro_478\n"                                   /* 4 */
                                 "repeat rondes\n"                                     /* 5 */
                                 "  phase \"Adem in\" 4 cue=adem_in_neus tone=rise\n"  /* 6 */
                                 "  phase \"Vasthouden\" 7s tone=stedy\n"              /* 7 */
                                 "  phase \"Adem uit\" 8s cue=adem_uit_mond\n"
                                 "end\n"
                                 "wait $pauze\n"                                       /* 10 */
                                 "speak afsluiting\n";
    const int want[] = {4, 5, 6, 7, 10};
    ast_session *s = collect_lines(text, want, 5);
    assert_non_null(s);
    assert_string_equal(s->title, "T");
    assert_int_equal(s->nparams, 1);
    /* kept: the repeat (with its good phase), the wait, the last speak */
    const ast_node *r = s->body;
    assert_int_equal(r->kind, AST_REPEAT);
    assert_int_equal(r->u.repeat.body->kind, AST_PHASE);
    assert_string_equal(r->u.repeat.body->u.phase.cue, "adem_uit_mond");
    assert_int_equal(r->next->kind, AST_WAIT);
    assert_string_equal(r->next->next->u.speak.cue, "afsluiting");
    session_free(s);
    /* the same file stops at the first for session_parse */
    expect_error(text, 4, 1, "did you mean 'speak'");
}

/* Mistakes that would cascade are reported once; lexical mistakes are
 * passed over to the next line; more than 20 are counted. */
static void test_collect_no_cascade(void **state)
{
    (void)state;
    /* a misspelt `end`: one mistake, not also "no end" */
    const int a[] = {4};
    session_free(collect_lines(H "repeat 2\n  wait 1s\nned\n", a, 1));
    /* a missing `end`: one mistake */
    const int b[] = {2};
    session_free(collect_lines(H "repeat 2\n  wait 1s\nwait 2s\n", b, 1));
    /* a wrong count: its `end` is still its own */
    const int c[] = {2, 5};
    session_free(collect_lines(H "repeat x\n  wait 1s\nend\nwait 0s\n", c, 2));
    /* a parameter with a wrong default: its uses are not unknown */
    const int d[] = {2};
    session_free(collect_lines(H "param p 4x\nwait $p\nrepeat $p\n  wait 1s\nend\n", d, 1));
    /* lexical mistakes: an open string and a quote in a word are passed
     * over; text that is not valid UTF-8 text ends the list (one mistake
     * for the file, not one per line) */
    const int e[] = {2, 3, 5, 6};
    session_free(collect_lines(H "mark \"open\nwait 1\"s\nwait 1s\n`end`\nmark \"\xff\"\nwait\x01 1s\n", e, 4));
    /* two mistakes on one line: one line */
    const int f[] = {2};
    session_free(collect_lines(H "phase \"a\" 0s tone=x\n", f, 1));
    /* no session line: said once, the statements are still read */
    const int g[] = {1, 2};
    session_free(collect_lines("wait 1s\nwait 0s\n", g, 2));
    /* all of a repeat's lines wrong: not also "nothing to repeat" */
    const int h[] = {3};
    session_free(collect_lines(H "repeat 2\n  wiat 1s\nend\n", h, 1));
    /* 25 mistakes: 20 kept, 5 counted */
    char big[2048] = H;
    for (int i = 0; i < 25; i++)
        strcat(big, "wait 0s\n");
    adem_diag_list errs;
    ast_session *s = NULL;
    diag_list_clear(&errs);
    assert_int_equal(session_parse_collect("t.adem", big, strlen(big), &s, &errs), -1);
    assert_int_equal(errs.n, 20);
    assert_int_equal(errs.more, 5);
    assert_int_equal(diag_list_count(&errs), 25);
    assert_int_equal(errs.item[19].line, 21);
    session_free(s);
    /* a valid file: 0, no mistakes */
    session_free(collect_lines(EXAMPLE, NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_from_the_spec),
        cmocka_unit_test(test_minimal_and_header),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_param_refs_before_declaration),
        cmocka_unit_test(test_statements),
        cmocka_unit_test(test_phase_attributes),
        cmocka_unit_test(test_nested_repeats),
        cmocka_unit_test(test_play),
        cmocka_unit_test(test_lexical),
        cmocka_unit_test(test_errors_table),
        cmocka_unit_test(test_hold),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_reads_only_len),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_file_too_large),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_speed),
        cmocka_unit_test(test_robustness),
        cmocka_unit_test(test_parse_file),
        cmocka_unit_test(test_valid_name),
        cmocka_unit_test(test_lexer_tokens),
        cmocka_unit_test(test_stepped),
        cmocka_unit_test(test_stepped_errors),
        cmocka_unit_test(test_collect_five),
        cmocka_unit_test(test_collect_no_cascade),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
