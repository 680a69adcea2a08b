/* e2e_playlist: sessions made of sessions, and a command line fit for
 * scripts — playlist timing to the frame, --tempo, several sessions with
 * --gap, M3U playlists, `show --json` agreeing with the render, and the
 * errors of `play` (cycles, unknown parameters, missing sessions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "e2e.h"
#include "json.h"

#define RATE 48000

static char pack[700];

/* Writes a file under the temp dir (creating folders) and returns its path. */
static const char *put(const char *name, const char *text)
{
    static char paths[16][700];
    static int next;
    char *p = paths[next++ % 16];
    snprintf(p, 700, "%s/%s", e2e_tmpdir(), name);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", p);
    assert_int_equal(system(cmd), 0);
    e2e_write_file(p, text);
    return p;
}

/* Renders argv (after "adem render --voice PACK") to raw f32 on stdout and
 * returns the left channel's frames; *frames is the length. */
static float *render(const char *const *args, int64_t *frames)
{
    const char *argv[32] = {"adem", "render", "--voice", pack, "-o", "-", "--format", "f32"};
    int n = 8;
    for (int i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    e2e_result r;
    e2e_run(argv, &r);
    if (r.status != 0)
        fail_msg("render failed (%d): %s", r.status, r.err);
    assert_int_equal(r.err_len, 0);
    *frames = (int64_t)(r.out_len / 8);
    float *left = malloc((size_t)*frames * sizeof *left + 1);
    for (int64_t i = 0; i < *frames; i++)
        memcpy(&left[i], r.out + i * 8, 4);
    e2e_result_free(&r);
    return left;
}

/* The frames of every nonzero sample (impulses) in s. */
static int impulses(const float *s, int64_t frames, int64_t *at, int max)
{
    int n = 0;
    for (int64_t i = 0; i < frames; i++)
        if (s[i] != 0.0f) {
            if (n < max)
                at[n] = i;
            n++;
        }
    return n;
}

static const char sess_a[] = "session \"A\"\n"
                             "param n 2\n"
                             "speak a\n"
                             "repeat $n\n"
                             "  phase \"pa\" 3s cue=b\n"
                             "end\n";
static const char sess_b[] = "session \"B\"\n"
                             "mark \"b-begin\"\n"
                             "phase \"pb\" 2500ms cue=a\n"
                             "speak b\n";

static int setup(void **state)
{
    (void)state;
    snprintf(pack, sizeof pack, "%s/imp", e2e_tmpdir());
    e2e_mkdir(pack);
    e2e_write_impulse_cue(pack, "a", RATE, 1000, 0.5f);
    e2e_write_impulse_cue(pack, "b", RATE, 2205, 0.25f);
    put("lists/a.adem", sess_a);
    put("lists/b.adem", sess_b);
    return 0;
}

/* playlist = a, wait 10s, b: exactly len(a) + 10 s + len(b) frames, and every
 * inner impulse on its frame (b's shifted by len(a) + 10 s). */
static void test_playlist_timing(void **state)
{
    (void)state;
    const char *list = put("lists/playlist.adem", "session \"Lijst\"\n"
                                                  "play a.adem\n"
                                                  "wait 10s\n"
                                                  "play b.adem\n");
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/lists/a.adem", e2e_tmpdir());
    snprintf(b, sizeof b, "%s/lists/b.adem", e2e_tmpdir());
    int64_t la, lb, ll;
    const char *ra[] = {a, NULL}, *rb[] = {b, NULL}, *rl[] = {list, NULL};
    float *sa = render(ra, &la), *sb = render(rb, &lb), *sl = render(rl, &ll);
    assert_int_equal(la, 1000 + 2 * 3 * RATE);
    assert_int_equal(lb, 5 * RATE / 2 + 2205);
    assert_int_equal(ll, la + 10 * RATE + lb);
    int64_t ia[8], ib[8], il[16];
    int na = impulses(sa, la, ia, 8), nb = impulses(sb, lb, ib, 8), nl = impulses(sl, ll, il, 16);
    assert_int_equal(na, 3);
    assert_int_equal(nb, 2);
    assert_int_equal(nl, na + nb);
    for (int i = 0; i < na; i++)
        assert_int_equal(il[i], ia[i]);
    for (int i = 0; i < nb; i++)
        assert_int_equal(il[na + i], la + 10 * RATE + ib[i]);
    free(sa);
    free(sb);
    free(sl);
}

/* Parameters are passed per play (and $values from the playlist's own). */
static void test_playlist_params(void **state)
{
    (void)state;
    const char *list = put("lists/params.adem", "session \"P\"\n"
                                                "param keer 3\n"
                                                "play a.adem n=1\n"
                                                "play a.adem n=$keer\n");
    int64_t len;
    const char *args[] = {list, "--set", "keer=4", NULL};
    float *s = render(args, &len);
    assert_int_equal(len, (1000 + 1 * 3 * RATE) + (1000 + 4 * 3 * RATE));
    free(s);
}

/* --tempo 0.5 and 2: every phase starts on the exact scaled frame; spoken
 * cues keep their length. */
static void test_tempo(void **state)
{
    (void)state;
    char a[700];
    snprintf(a, sizeof a, "%s/lists/a.adem", e2e_tmpdir());
    const char *tempos[] = {"0.5", "2", "1.25"};
    const int milli[] = {500, 2000, 1250};
    for (int k = 0; k < 3; k++) {
        int64_t len;
        const char *args[] = {a, "--tempo", tempos[k], NULL};
        float *s = render(args, &len);
        int64_t at[8];
        assert_int_equal(impulses(s, len, at, 8), 3);
        assert_int_equal(at[0], 0);
        for (int i = 0; i < 2; i++) /* phase i starts at 1000 + i*3000 ms scaled */
            assert_int_equal(at[1 + i], 1000 + (int64_t)i * 3000 * RATE / milli[k]);
        assert_int_equal(len, 1000 + (int64_t)6000 * RATE / milli[k]);
        free(s);
    }
}

/* Several sessions on the command line, --gap between them. */
static void test_command_line_list(void **state)
{
    (void)state;
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/lists/a.adem", e2e_tmpdir());
    snprintf(b, sizeof b, "%s/lists/b.adem", e2e_tmpdir());
    int64_t la, lb, len;
    const char *ra[] = {a, NULL}, *rb[] = {b, NULL};
    free(render(ra, &la));
    free(render(rb, &lb));
    const char *args[] = {a, b, a, "--gap", "1500ms", NULL};
    float *s = render(args, &len);
    assert_int_equal(len, la + 3 * RATE / 2 + lb + 3 * RATE / 2 + la);
    free(s);
}

/* An M3U: one name or path per line, `#` comments, paths relative to the
 * M3U's folder; accepted wherever a SESSION is (also inside `play`). */
static void test_m3u(void **state)
{
    (void)state;
    const char *m3u = put("m3u/sub/ochtend.m3u", "#EXTM3U\n"
                                                "# ochtend\n"
                                                "../../lists/a.adem\n"
                                                "\n"
                                                "  ../../lists/b.adem\n");
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/lists/a.adem", e2e_tmpdir());
    snprintf(b, sizeof b, "%s/lists/b.adem", e2e_tmpdir());
    int64_t la, lb, len;
    const char *ra[] = {a, NULL}, *rb[] = {b, NULL};
    free(render(ra, &la));
    free(render(rb, &lb));
    const char *args[] = {m3u, NULL};
    float *s = render(args, &len);
    assert_int_equal(len, la + lb);
    free(s);
    const char *inner = put("m3u/wrap.adem", "session \"W\"\nplay sub/ochtend.m3u\nwait 1s\n");
    const char *args2[] = {inner, NULL};
    s = render(args2, &len);
    assert_int_equal(len, la + lb + RATE);
    free(s);
    /* a missing entry names the M3U's line */
    const char *bad = put("m3u/bad.m3u", "../lists/a.adem\nnergens.adem\n");
    const char *argv[] = {"adem", "check", "--voice", pack, bad, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 2);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "bad.m3u:2:1:"));
    assert_non_null(strstr(r.err, "nergens.adem"));
    e2e_result_free(&r);
}

/* show --json is valid JSON, alone on stdout, and its frames agree with the
 * render: total, and every cue step's start on an impulse. */
static void test_show_json(void **state)
{
    (void)state;
    const char *list = put("lists/json.adem", "session \"J \\\"quote\\\"\"\n"
                                              "play a.adem\n"
                                              "wait 10s\n"
                                              "play b.adem\n");
    const char *argv[] = {"adem", "show", "--json", "--voice", pack, list, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.err_len, 0);
    char err[128];
    json *j = json_parse(r.out, r.out_len, err, sizeof err);
    if (!j)
        fail_msg("invalid JSON: %s", err);
    assert_string_equal(json_get(j, "title")->string, "J \"quote\"");
    assert_int_equal((int)json_get(j, "rate")->number, RATE);
    int64_t total = (int64_t)json_get(j, "frames")->number;
    const json *steps = json_get(j, "steps");
    assert_non_null(steps);
    assert_int_equal(steps->type, JSON_ARRAY);
    int64_t len;
    const char *args[] = {list, NULL};
    float *s = render(args, &len);
    assert_int_equal(total, len);
    assert_float_equal(json_get(j, "seconds")->number, (double)len / RATE, 1e-6);
    int64_t at[16];
    int n = impulses(s, len, at, 16), k = 0, marks = 0;
    for (int i = 0; i < steps->n; i++) {
        const json *st = steps->items[i];
        const json *cue = json_get(st, "cue");
        const char *kind = json_get(st, "kind")->string;
        assert_non_null(json_get(st, "start"));
        assert_non_null(json_get(st, "duration"));
        assert_non_null(json_get(st, "label"));
        assert_non_null(json_get(st, "tone"));
        marks += strcmp(kind, "mark") == 0;
        if (cue && cue->type == JSON_STRING) {
            assert_true(k < n);
            assert_int_equal((int64_t)json_get(st, "start_frame")->number, at[k]);
            k++;
        }
    }
    assert_int_equal(k, n);
    assert_int_equal(marks, 1); /* b's mark is visible in the playlist */
    json_free(j);
    free(s);
    e2e_result_free(&r);
}

/* Errors of play: a cycle names the chain, an unknown parameter names the
 * session's parameters, a missing session is named; all exit 2 with
 * file:line:col. */
static void test_play_errors(void **state)
{
    (void)state;
    put("cyc/x.adem", "session \"X\"\nwait 1s\nplay y.adem\n");
    put("cyc/y.adem", "session \"Y\"\nwait 1s\nplay x.adem\n");
    char x[700];
    snprintf(x, sizeof x, "%s/cyc/x.adem", e2e_tmpdir());
    const char *p1 = put("cyc/param.adem", "session \"P\"\nplay ../lists/a.adem m=3\n");
    const char *p2 = put("cyc/missing.adem", "session \"M\"\nwait 1s\nplay weg.adem\n");
    struct {
        const char *file, *where, *phrase;
    } cases[] = {
        {x, "y.adem:3:6:", "cycle"},
        {p1, "param.adem:2:22:", "no parameter 'm'"},
        {p2, "missing.adem:3:6:", "weg.adem"},
    };
    for (int i = 0; i < 3; i++) {
        const char *argv[] = {"adem", "check", "--voice", pack, cases[i].file, NULL};
        e2e_result r;
        e2e_run(argv, &r);
        if (r.status != 2 || e2e_count_lines(r.err) != 1 || !strstr(r.err, cases[i].where) ||
            !strstr(r.err, cases[i].phrase))
            fail_msg("case %d: status %d: %s", i, r.status, r.err);
        e2e_result_free(&r);
    }
}

/* A teacher's running order of built-ins: check, show, render to one .ogg. */
static void test_teacher_playlist(void **state)
{
    (void)state;
    const char *list = put("ochtend.adem", "session \"Ochtend\"\n"
                                           "bell\n"
                                           "play 478 cycles=1\n"
                                           "wait 5s\n"
                                           "play vuist\n"
                                           "mark \"Rustig\"\n"
                                           "play rustig minutes=1m\n"
                                           "play niksdoen minutes=1m\n");
    const char *check[] = {"adem", "check", list, NULL};
    const char *show[] = {"adem", "show", list, NULL};
    const char *ogg = e2e_path("ochtend.ogg");
    const char *rend[] = {"adem", "render", list, "-o", ogg, NULL};
    e2e_result r;
    e2e_run(check, &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.out_len + r.err_len, 0);
    e2e_result_free(&r);
    e2e_run(show, &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "play \"4-7-8 ademhaling\""));
    assert_non_null(strstr(r.out, "mark \"Rustig\""));
    e2e_result_free(&r);
    e2e_run(rend, &r);
    if (r.status != 0)
        fail_msg("%s", r.err);
    float *s;
    int ch, rate;
    assert_true(e2e_read_audio(ogg, &s, &ch, &rate) > 3 * 60 * RATE);
    assert_int_equal(ch, 2);
    free(s);
    e2e_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_playlist_timing),
        cmocka_unit_test(test_playlist_params),
        cmocka_unit_test(test_tempo),
        cmocka_unit_test(test_command_line_list),
        cmocka_unit_test(test_m3u),
        cmocka_unit_test(test_show_json),
        cmocka_unit_test(test_play_errors),
        cmocka_unit_test(test_teacher_playlist),
    };
    return cmocka_run_group_tests(tests, setup, e2e_group_teardown);
}
