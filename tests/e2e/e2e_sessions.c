/* e2e_sessions: the built-in sessions as a listener gets them — each
 * renders, lasts its documented length (audio/sessions/README.md) within 1 s,
 * never makes the limiter work (no clipping), has no silence longer than its
 * design, has chapters (marks) when it lasts more than 3 minutes, keeps the
 * timings the method needs (478 is 4/7/8 s, schudden shakes 120 s seated and
 * standing, vuist's fist is 10 s counted down on its seconds, bodyscan goes
 * from the feet to the head and its length follows `stilte`, uitleg lasts
 * 2-5 minutes, les 20-40 with a check-in, the exercises and a check-out,
 * opbouw's hold grows 4, 5, 6, 7 s); a user's pack replaces cues one by one
 * and falls back to nl; `adem voices`.
 * opbouw uses the stepped duration `4s..7s`; its test is separate
 * (test_opbouw) so the others do not depend on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "e2e.h"
#include "rt/engine.h"
#include "json.h"

#define RATE 48000

/* The sessions and the longest silence their design has (seconds): the
 * stillness after shaking, the noticing after the fist, the quiet end of
 * slapen; the others always have a voice, a tone or a bed. */
static const struct {
    const char *name;
    double max_silence;
} sessions[] = {
    {"478", 3},      {"rustig", 1},    {"schudden", 25}, {"schud-staand", 25},
    {"vuist", 16},   {"pmr", 1},       {"niksdoen", 5},  {"slapen", 30},
    {"bodyscan", 1}, {"uitleg", 5},    {"les", 31},
};

/* Runs `adem show --json NAME [extra]` and parses it. */
static json *show(const char *name, const char *extra)
{
    const char *argv[] = {"adem", "show", "--json", name, extra, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    if (r.status != 0)
        fail_msg("show %s: %s", name, r.err);
    char err[128];
    json *j = json_parse(r.out, r.out_len, err, sizeof err);
    if (!j)
        fail_msg("show %s: %s", name, err);
    e2e_result_free(&r);
    return j;
}

/* The documented length (seconds) of session `name` in the sessions README:
 * the first m:ss in the last column of its table row. */
static double documented(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/audio/sessions/README.md", getenv("ADEM_SOURCE_DIR"));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096], key[64];
    snprintf(key, sizeof key, "| `%s` |", name);
    double s = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0) {
            char *last = strrchr(line, '|');
            *last = '\0';
            last = strrchr(line, '|');
            int m, sec;
            if (last && sscanf(last + 1, " %d:%d", &m, &sec) == 2)
                s = m * 60 + sec;
        }
    fclose(f);
    if (s < 0)
        fail_msg("no length for %s in audio/sessions/README.md", name);
    return s;
}

/* The longest stretch (frames) in which nothing sounds, from the timeline:
 * spoken cues for their length, phases with a tone or pulse, bells for 5 s,
 * beds from on to off (+ their 2 s fade). */
static int64_t longest_silence(const json *j)
{
    const json *steps = json_get(j, "steps");
    int64_t total = (int64_t)json_get(j, "frames")->number;
    int64_t (*iv)[2] = calloc((size_t)steps->n * 2 + 2, sizeof *iv);
    int n = 0;
    int64_t bed_on = -1;
    for (int i = 0; i < steps->n; i++) {
        const json *st = steps->items[i];
        const char *kind = json_get(st, "kind")->string;
        int64_t a = (int64_t)json_get(st, "start_frame")->number;
        int64_t dur = (int64_t)json_get(st, "duration_frames")->number;
        const json *cf = json_get(st, "cue_frames");
        if (cf)
            iv[n][0] = a, iv[n][1] = a + (int64_t)cf->number, n++;
        if (strcmp(kind, "phase") == 0 &&
            (json_get(st, "tone")->type == JSON_STRING || json_get(st, "pulse_bpm")))
            iv[n][0] = a, iv[n][1] = a + dur, n++;
        if (strcmp(kind, "bell") == 0)
            iv[n][0] = a, iv[n][1] = a + 5 * RATE, n++;
        if (strcmp(kind, "bed") == 0) {
            int off = strcmp(json_get(st, "noise")->string, "off") == 0;
            if (!off && bed_on < 0)
                bed_on = a;
            if (off && bed_on >= 0)
                iv[n][0] = bed_on, iv[n][1] = a + 2 * RATE, n++, bed_on = -1;
        }
    }
    if (bed_on >= 0)
        iv[n][0] = bed_on, iv[n][1] = total, n++;
    /* sort by start (insertion sort: small) and sweep */
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && iv[k][0] < iv[k - 1][0]; k--) {
            int64_t t0 = iv[k][0], t1 = iv[k][1];
            iv[k][0] = iv[k - 1][0], iv[k][1] = iv[k - 1][1];
            iv[k - 1][0] = t0, iv[k - 1][1] = t1;
        }
    int64_t gap = 0, covered = 0;
    for (int i = 0; i < n; i++) {
        if (iv[i][0] > covered && iv[i][0] - covered > gap)
            gap = iv[i][0] - covered;
        if (iv[i][1] > covered)
            covered = iv[i][1];
    }
    if (total > covered && total - covered > gap)
        gap = total - covered;
    free(iv);
    return gap;
}

/* The number of steps of `kind` at depth 1 (the session's own lines). */
static int own_steps(const json *j, const char *kind)
{
    const json *steps = json_get(j, "steps");
    int n = 0;
    for (int i = 0; i < steps->n; i++)
        if (strcmp(json_get(steps->items[i], "kind")->string, kind) == 0 &&
            (int)json_get(steps->items[i], "depth")->number == 1)
            n++;
    return n;
}

/* One built-in: documented length within 1 s, silences by design only, and
 * chapters (its own marks) when it lasts more than 3 minutes. */
static void check_length_and_silence(const char *name, double max_silence)
{
    json *j = show(name, NULL);
    double secs = json_get(j, "seconds")->number;
    double doc = documented(name);
    if (secs < doc - 1 || secs > doc + 1)
        fail_msg("%s lasts %.1f s, documented %.0f s", name, secs, doc);
    double quiet = (double)longest_silence(j) / RATE;
    if (quiet > max_silence)
        fail_msg("%s has %.1f s of silence (design: at most %.0f s)", name, quiet, max_silence);
    if (secs > 180 && own_steps(j, "mark") < 2)
        fail_msg("%s lasts %.0f s but has %d marks; a session over 3 minutes has chapters", name,
                 secs, own_steps(j, "mark"));
    json_free(j);
}

/* Each built-in: documented length within 1 s, and silences by design only. */
static void test_lengths_and_silence(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof sessions / sizeof sessions[0]; i++)
        check_length_and_silence(sessions[i].name, sessions[i].max_silence);
}

/* One built-in renders: its length plus at most 5 s of ring-out, and its peak
 * below the limiter's ceiling (the mix never needs limiting). */
static void check_render(const char *name, const char *extra)
{
    json *j = show(name, extra);
    int64_t frames = (int64_t)json_get(j, "frames")->number;
    json_free(j);
    const char *argv[] = {"adem", "render", name, "-o", "-", extra, NULL};
    e2e_result r;
    e2e_run(argv, &r);
    if (r.status != 0)
        fail_msg("render %s: %s", name, r.err);
    int64_t got = (int64_t)(r.out_len / 4);
    assert_true(got >= frames && got <= frames + 5 * RATE);
    int peak = 0;
    const unsigned char *b = (const unsigned char *)r.out;
    for (size_t k = 0; k + 1 < r.out_len; k += 2) {
        int v = (int16_t)(b[k] | b[k + 1] << 8);
        v = v < 0 ? -v : v;
        peak = v > peak ? v : peak;
    }
    /* -1 dBFS is 29204: a peak there means the limiter was at work */
    if (peak >= 29100 || peak < 3000)
        fail_msg("%s %s: peak %d (limit 29100)", name, extra ? extra : "", peak);
    e2e_result_free(&r);
}

/* Each built-in renders without clipping. */
static void test_render_no_clipping(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof sessions / sizeof sessions[0]; i++)
        check_render(sessions[i].name, NULL);
    /* the longest documented variant of the body scan, too */
    check_render("bodyscan", "--set=stilte=45s");
}

/* The phases of `label` in j: their durations in frames. */
static int phases(const json *j, const char *label, int64_t *dur, int max)
{
    const json *steps = json_get(j, "steps");
    int n = 0;
    for (int i = 0; i < steps->n; i++) {
        const json *st = steps->items[i];
        const json *l = json_get(st, "label");
        if (strcmp(json_get(st, "kind")->string, "phase") == 0 && l->type == JSON_STRING &&
            strcmp(l->string, label) == 0 && n < max)
            dur[n++] = (int64_t)json_get(st, "duration_frames")->number;
    }
    return n;
}

/* The timings the method needs, from the timeline. */
static void test_method_timings(void **state)
{
    (void)state;
    int64_t d[16];
    json *j = show("478", NULL);
    assert_int_equal(phases(j, "Adem in", d, 16), 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(d[i], 4 * RATE);
    assert_int_equal(phases(j, "Vasthouden", d, 16), 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(d[i], 7 * RATE);
    assert_int_equal(phases(j, "Adem uit", d, 16), 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(d[i], 8 * RATE);
    json_free(j);

    /* schudden: the phases with a pulse (the shaking) last 120 s in all */
    j = show("schudden", NULL);
    const json *steps = json_get(j, "steps");
    int64_t shaking = 0;
    for (int i = 0; i < steps->n; i++)
        if (json_get(steps->items[i], "pulse_bpm"))
            shaking += (int64_t)json_get(steps->items[i], "duration_frames")->number;
    assert_int_equal(shaking, 120 * RATE);
    json_free(j);

    /* vuist: the fist is one 10 s phase, counted down on its whole seconds */
    j = show("vuist", NULL);
    int nf = phases(j, "Vuist", d, 16);
    assert_true(nf >= 1);
    for (int i = 0; i < nf; i++)
        assert_int_equal(d[i], 10 * RATE);
    steps = json_get(j, "steps");
    for (int i = 0; i < steps->n; i++) {
        const json *st = steps->items[i];
        const json *l = json_get(st, "label");
        if (l->type != JSON_STRING || strcmp(l->string, "Vuist") != 0)
            continue;
        int64_t start = (int64_t)json_get(st, "start_frame")->number;
        for (int k = 10; k >= 1; k--) {
            const json *c = steps->items[++i];
            char id[16];
            snprintf(id, sizeof id, "tel_%d", k);
            assert_string_equal(json_get(c, "kind")->string, "count");
            assert_string_equal(json_get(c, "cue")->string, id);
            assert_int_equal((int64_t)json_get(c, "start_frame")->number,
                             start + (int64_t)(10 - k) * RATE);
        }
    }
    json_free(j);
}

/* The index of the first step at or after `from` with this kind and (when
 * not NULL) this label or cue; -1 when there is none. */
static int find_step(const json *j, int from, const char *kind, const char *label, const char *cue)
{
    const json *steps = json_get(j, "steps");
    for (int i = from < 0 ? 0 : from; i < steps->n; i++) {
        const json *st = steps->items[i];
        const json *l = json_get(st, "label"), *c = json_get(st, "cue");
        if (strcmp(json_get(st, "kind")->string, kind) != 0)
            continue;
        if (label && (l->type != JSON_STRING || strcmp(l->string, label) != 0))
            continue;
        if (cue && (c->type != JSON_STRING || strcmp(c->string, cue) != 0))
            continue;
        return i;
    }
    return -1;
}

/* The new built-ins of issue 19 and the content fixes, from the timeline. */
static void test_new_sessions(void **state)
{
    (void)state;
    /* bodyscan: twelve parts from the feet to the head, in that order, each
     * `stilte` long; 5-10 minutes over the documented range of stilte, and its
     * length follows the parameter exactly (12 parts) */
    static const char *const parts[] = {"Voeten", "Onderbenen", "Knieën", "Heupen",
                                        "Rug",    "Buik",       "Borst",  "Armen",
                                        "Schouders", "Gezicht", "Hoofd",  "Heel je lijf"};
    json *a = show("bodyscan", NULL);
    int at = 0;
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        int i = find_step(a, at, "phase", parts[k], NULL);
        if (i < 0)
            fail_msg("bodyscan: no part \"%s\" after the one before", parts[k]);
        assert_int_equal((int64_t)json_get(json_get(a, "steps")->items[i], "duration_frames")->number,
                         30 * RATE);
        at = i + 1;
    }
    double base = json_get(a, "seconds")->number;
    assert_true(base >= 300 && base <= 600);
    json *lo = show("bodyscan", "--set=stilte=22s"), *hi = show("bodyscan", "--set=stilte=45s");
    assert_true(json_get(lo, "seconds")->number >= 300);
    assert_true(json_get(hi, "seconds")->number <= 600);
    assert_int_equal((int64_t)json_get(hi, "frames")->number - (int64_t)json_get(a, "frames")->number,
                     12 * 15 * RATE);
    assert_int_equal((int64_t)json_get(a, "frames")->number - (int64_t)json_get(lo, "frames")->number,
                     12 * 8 * RATE);
    json_free(a);
    json_free(lo);
    json_free(hi);

    /* uitleg: a spoken explanation of 2-5 minutes, nothing but voice */
    a = show("uitleg", NULL);
    assert_true(json_get(a, "seconds")->number >= 120 && json_get(a, "seconds")->number <= 300);
    assert_true(own_steps(a, "speak") >= 8);
    assert_int_equal(own_steps(a, "phase"), 0);
    json_free(a);

    /* les: 20-40 minutes; arrival and check-in, the explanation, breathing,
     * shaking, a body scan, doing nothing, check-out, in that order, each a
     * chapter, with room for questions after the check-in, the explanation
     * and the check-out */
    a = show("les", NULL);
    double les = json_get(a, "seconds")->number;
    if (les < 1200 || les > 2400)
        fail_msg("les lasts %.0f s; a class is 20-40 minutes", les);
    static const char *const order[][2] = {
        {"mark", "Aankomen"},          {"speak", "les_welkom"},
        {"mark", "Hoe voel je je nu?"}, {"speak", "les_inchecken"},
        {"speak", "les_vragen"},       {"session", "Waarom dit helpt"},
        {"speak", "les_vragen"},       {"session", "4-7-8 ademhaling"},
        {"session", "Schudden en trillen"}, {"session", "Lichaam scannen"},
        {"session", "Even niks"},      {"mark", "Afsluiten"},
        {"speak", "les_uitchecken"},   {"speak", "les_vragen"},
        {"speak", "les_einde"},
    };
    at = 0;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        int sp = strcmp(order[k][0], "speak") == 0;
        int i = find_step(a, at, order[k][0], sp ? NULL : order[k][1], sp ? order[k][1] : NULL);
        if (i < 0)
            fail_msg("les: no %s \"%s\" after the one before", order[k][0], order[k][1]);
        if (strcmp(order[k][1], "les_vragen") == 0) {
            /* the room for questions: a hold of at most `vragen` (30 s) right
             * after, which lasts exactly that when nobody presses space */
            const json *w = json_get(a, "steps")->items[i + 1];
            assert_string_equal(json_get(w, "kind")->string, "hold");
            assert_int_equal((int64_t)json_get(w, "duration_frames")->number, 30 * RATE);
        }
        at = i + 1;
    }
    assert_true(own_steps(a, "mark") >= 7);
    json_free(a);
    /* more room for questions: three rooms, each 30 s longer */
    a = show("les", NULL);
    json *b = show("les", "--set=vragen=1m");
    assert_int_equal((int64_t)json_get(b, "frames")->number - (int64_t)json_get(a, "frames")->number,
                     3 * 30 * RATE);
    json_free(a);
    json_free(b);

    /* schudden is seated (the feet lifted in turn); schud-staand stands by a
     * chair and never lifts a leg; both shake 120 s */
    static const char *const shake[] = {"schudden", "schud-staand"};
    for (int s = 0; s < 2; s++) {
        a = show(shake[s], NULL);
        const json *steps = json_get(a, "steps");
        int64_t shaking = 0;
        for (int i = 0; i < steps->n; i++)
            if (json_get(steps->items[i], "pulse_bpm"))
                shaking += (int64_t)json_get(steps->items[i], "duration_frames")->number;
        assert_int_equal(shaking, 120 * RATE);
        assert_true(find_step(a, 0, "speak", NULL, s ? "schud_staan" : "schud_houding") >= 0);
        assert_true(find_step(a, 0, "phase", "Benen", s ? "schud_benen_staand" : "schud_benen") >= 0);
        assert_true(find_step(a, 0, "phase", "Benen", "schud_benen") < 0 || s == 0);
        json_free(a);
    }

    /* vuist: the attention goes to the right hand before the first fist */
    a = show("vuist", NULL);
    int att = find_step(a, 0, "speak", NULL, "vuist_aandacht");
    int fist = find_step(a, 0, "phase", "Vuist", NULL);
    assert_true(att >= 0 && fist > att);
    json_free(a);
}

/* opbouw: 4-7-8 whose hold grows by a second each round (4, 5, 6, 7 s),
 * written as the stepped duration `4s..7s` inside `repeat 4`. */
static void test_opbouw(void **state)
{
    (void)state;
    int64_t d[16];
    json *j = show("opbouw", NULL);
    assert_int_equal(phases(j, "Vasthouden", d, 16), 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(d[i], (int64_t)(4 + i) * RATE);
    assert_int_equal(phases(j, "Adem in", d, 16), 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(d[i], 4 * RATE);
    assert_int_equal(phases(j, "Adem uit", d, 16), 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(d[i], 8 * RATE);
    json_free(j);
    check_length_and_silence("opbouw", 3);
    check_render("opbouw", NULL);
}

/* Parameters documented for gentler/shorter variants work. */
static void test_variants(void **state)
{
    (void)state;
    json *a = show("478", NULL), *b = show("478", "--set=hold=4s");
    int64_t d[8];
    assert_int_equal(phases(b, "Vasthouden", d, 8), 4);
    assert_int_equal(d[0], 4 * RATE);
    assert_int_equal((int64_t)json_get(a, "frames")->number - (int64_t)json_get(b, "frames")->number,
                     4 * 3 * RATE);
    json_free(a);
    json_free(b);
    /* rustig --set minutes=10: a bare number takes the default's unit (m) */
    a = show("rustig", "--set=minutes=10");
    b = show("rustig", "--set=minutes=10m");
    assert_true(json_get(a, "frames")->number == json_get(b, "frames")->number);
    json_free(a);
    json_free(b);
}

/* A user's pack overrides cues one by one; the rest come from nl. */
static void test_user_pack_fallback(void **state)
{
    (void)state;
    char dir[1024], cmd[1100];
    snprintf(dir, sizeof dir, "%s/xdg-data/adem/voices/nl", e2e_tmpdir());
    e2e_mkdir(dir);
    /* the user's nl replaces only intro_478, by a 1000-frame impulse */
    e2e_write_impulse_cue(dir, "intro_478", RATE, 1000, 0.5f);
    json *j = show("478", NULL);
    const json *steps = json_get(j, "steps");
    const json *first = NULL;
    for (int i = 0; i < steps->n && !first; i++)
        if (strcmp(json_get(steps->items[i], "kind")->string, "speak") == 0)
            first = steps->items[i];
    assert_int_equal((int64_t)json_get(first, "cue_frames")->number, 1000);
    json_free(j);
    const char *argv[] = {"adem", "render", "478", "-o", "-", "--format", "f32", NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    float v;
    memcpy(&v, r.out, 4);
    assert_true(v == 0.5f * engine_db_gain(ENGINE_HEADROOM_DB)); /* the user's cue */
    memcpy(&v, r.out + 8 * 500, 4);
    assert_true(v == 0.0f);
    e2e_result_free(&r);
    /* a pack folder given with --voice that has one cue: the rest from nl */
    char mine[1024];
    snprintf(mine, sizeof mine, "%s/mijn", e2e_tmpdir());
    e2e_mkdir(mine);
    e2e_write_impulse_cue(mine, "afsluiting", RATE, 2000, 0.25f);
    const char *argv2[] = {"adem", "show", "478", "--voice", mine, NULL};
    e2e_run(argv2, &r);
    assert_int_equal(r.status, 0);
    e2e_result_free(&r);
    /* adem voices lists both, and what the small pack lacks */
    const char *argv3[] = {"adem", "voices", NULL};
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/xdg-data/adem/voices/klein'", e2e_tmpdir());
    assert_int_equal(system(cmd), 0);
    snprintf(dir, sizeof dir, "%s/xdg-data/adem/voices/klein", e2e_tmpdir());
    e2e_write_impulse_cue(dir, "tel_1", RATE, 100, 0.5f);
    e2e_run(argv3, &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "nl           shipped (yours first)"));
    assert_non_null(strstr(r.out, "complete for the built-in sessions"));
    assert_non_null(strstr(r.out, "klein"));
    assert_non_null(strstr(r.out, "spoken from nl"));
    e2e_result_free(&r);
    snprintf(cmd, sizeof cmd, "rm -rf '%s/xdg-data/adem/voices'", e2e_tmpdir());
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lengths_and_silence),
        cmocka_unit_test(test_render_no_clipping),
        cmocka_unit_test(test_method_timings),
        cmocka_unit_test(test_new_sessions),
        cmocka_unit_test(test_opbouw),
        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_user_pack_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
