/* test_cuebank: cues decoded just ahead of need (io/cuebank.h) through the
 * cue feed (rt/cuefeed.h): the same output as with every cue decoded first,
 * also after a skip and at a rate that needs conversion; a bounded number of
 * slots however long the session; silence (counted) where the decoder is
 * late, never a wait. Uses the shipped sessions and nl pack of the source
 * tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/cuebank.h"
#include "io/prepare.h"
#include "rt/engine.h"
#include "sys/platform.h"

enum { BLOCK = 4096 };

/* Prepares the sessions args at rate; decode 1 also decodes every cue. */
static prep *prepare(const char *const *args, int n, int rate, int decode)
{
    static tl_options to;
    tl_options_init(&to);
    prep_options po = {&to, rate, decode};
    prep *p = NULL;
    adem_diag d;
    diag_clear(&d);
    if (prep_new(args, n, &po, &p, &d) != 0)
        fail_msg("prep_new: %s:%d:%d: %s", d.file, d.line, d.col, d.msg);
    return p;
}

/* interactive: the engines made have a listener (a hold waits for it). */
static int interactive = 0;

static engine *new_engine(const prep *p, const adem_cue *cues, int rate)
{
    engine_config ec;
    engine_config_init(&ec);
    ec.rate = rate;
    ec.interactive = interactive;
    adem_diag d;
    diag_clear(&d);
    engine *e = engine_new(prep_timeline(p), cues, &ec, &d);
    if (!e)
        fail_msg("engine_new: %s", d.msg);
    return e;
}

/* need: how far ahead cuebank_fill prepares before each block (the worker
 * of a play prepares up to 60 s and the next starts ahead). */
static int64_t fill_need = BLOCK + 128;

/* What run sends at skip_at (ENGINE_SKIP, ENGINE_BACK or ENGINE_CONTINUE),
 * and 1 to send it again one short block later (a second back during the
 * first one's fade goes one stop further). */
static engine_cmd move_cmd = ENGINE_SKIP;
static int move_twice = 0;

/* The whole output of an engine in blocks of BLOCK frames (with bank: filled
 * before each block, as `render` does); skip_at >= 0 sends a skip before
 * that block. Returns a malloc'd buffer of *frames stereo frames. */
static float *run(engine *e, cuebank *bank, long skip_at, int64_t *frames)
{
    size_t cap = 1 << 20, n = 0;
    float *out = malloc(cap * 2 * sizeof *out);
    assert_non_null(out);
    for (long block = 0; !engine_done(e); block++) {
        if (n + BLOCK > cap) {
            cap *= 2;
            out = realloc(out, cap * 2 * sizeof *out);
            assert_non_null(out);
        }
        int len = BLOCK;
        if (skip_at >= 0 && (block == skip_at || (move_twice && block == skip_at + 1))) {
            /* the skip's fade begins in a short block: the bank hears of
             * the jump (as the worker would during the fade) before it lands */
            assert_int_equal(engine_command(e, move_cmd, 0), 0);
            len = 64;
        }
        if (bank) {
            adem_diag d;
            diag_clear(&d);
            if (cuebank_fill(bank, fill_need, &d) != 0)
                fail_msg("cuebank_fill: %s", d.msg);
        }
        n += engine_process(e, out + n * 2, (size_t)len);
    }
    *frames = (int64_t)n;
    return out;
}

/* Renders args at rate both ways (every cue decoded first; the cue bank)
 * and checks the outputs are identical, nothing starved, and at most
 * max_slots slots were in use at once. */
static void same_output(const char *const *args, int n, int rate, long skip_at, int max_slots)
{
    prep *all = prepare(args, n, rate, 1);
    prep *lazy = prepare(args, n, rate, 0);
    engine *e1 = new_engine(all, prep_cues(all), rate);
    engine *e2 = new_engine(lazy, NULL, rate);
    cuebank *bank = NULL;
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(cuebank_new(prep_voicepack(lazy), prep_timeline(lazy), &bank, &d), 0);
    engine_use_feed(e2, cuebank_feed(bank));
    int64_t f1, f2;
    float *o1 = run(e1, NULL, skip_at, &f1);
    float *o2 = run(e2, bank, skip_at, &f2);
    assert_int_equal(f1, f2);
    assert_memory_equal(o1, o2, (size_t)f1 * 2 * sizeof *o1);
    engine_status st;
    engine_status_now(e2, &st);
    assert_int_equal(st.starved, 0);
    assert_true(cuebank_peak_slots(bank) >= 1);
    assert_true(cuebank_peak_slots(bank) <= max_slots);
    free(o1);
    free(o2);
    engine_free(e1);
    engine_free(e2);
    cuebank_free(bank);
    prep_free(all);
    prep_free(lazy);
}

/* Built-ins (counts, many different cues, a short one): the same samples,
 * decoded a block ahead. */
static void test_same_as_decoded_first(void **state)
{
    (void)state;
    static const char *const names[] = {"478", "vuist", "pmr"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        same_output(&names[i], 1, 48000, -1, 4);
}

/* At a rate that needs conversion: the resampler fed a piece at a time makes
 * the same samples. */
static void test_same_converted(void **state)
{
    (void)state;
    const char *args[] = {"pmr"};
    same_output(args, 1, 44100, -1, 4);
    const char *args2[] = {"478"};
    same_output(args2, 1, 96000, -1, 4);
}

/* Memory O(voices, not cues): twelve sessions in a row use no more slots
 * at once than one does; the slots are recycled. */
static void test_bounded(void **state)
{
    (void)state;
    const char *args[] = {"478", "vuist", "478", "vuist", "478", "vuist",
                          "478", "vuist", "478", "vuist", "478", "vuist"};
    same_output(args, 12, 48000, -1, 4);
}

/* A skip (n) jumps the engine: the bank follows it and the cues after the
 * jump are there, the same as with every cue in memory. */
static void test_jump(void **state)
{
    (void)state;
    const char *args[] = {"pmr"};
    same_output(args, 1, 48000, 100, 4);  /* in the middle of a cue */
    same_output(args, 1, 48000, 1000, 4); /* later */
}

/* A skip after the bank's walk has reached the end of a short session (a
 * play prepares far ahead): the bank walks again from the jump. */
static void test_jump_after_walk_ended(void **state)
{
    (void)state;
    FILE *f = fopen("test_cuebank_skip.adem", "w");
    assert_non_null(f);
    fputs("session \"Verder\"\nwait 100ms\nphase \"Een\" 1s cue=adem_in\n"
          "phase \"Twee\" 2s cue=adem_uit\nphase \"Drie\" 2s cue=vasthouden\n"
          "mark \"Vier\"\nspeak tel_1\nwait 500ms\nphase \"Vijf\" 1s cue=tel_2\n",
          f);
    assert_int_equal(fclose(f), 0);
    const char *args[] = {"test_cuebank_skip.adem"};
    fill_need = 48000 * 60;
    same_output(args, 1, 48000, 18, 8); /* inside Twee */
    fill_need = BLOCK + 128;
    remove("test_cuebank_skip.adem");
}

/* A back (b) jumps the engine back to the start of the current stop, or,
 * pressed again during its fade, of the one before: the bank follows it
 * behind its walk (the landing is announced when the fade begins) and the
 * cues there are ready again, the same as with every cue in memory. */
static void test_back(void **state)
{
    (void)state;
    const char *args[] = {"pmr"};
    move_cmd = ENGINE_BACK;
    same_output(args, 1, 48000, 100, 4);  /* in the middle of a cue */
    same_output(args, 1, 48000, 1000, 4); /* later */
    move_twice = 1;
    same_output(args, 1, 48000, 1000, 4); /* two stops back */
    move_twice = 0;
    fill_need = 48000 * 60; /* a play's walk, far ahead: the back lands behind it */
    same_output(args, 1, 48000, 1000, CUEFEED_SLOTS);
    fill_need = BLOCK + 128;
    move_cmd = ENGINE_SKIP;
}

/* A hold with a max released early (a listener pressed space): the position
 * moves on to the hold's end; the cue after it, prepared while the hold ran,
 * is the one played (nothing starved), the same as with every cue in
 * memory. */
static void test_hold_released_early(void **state)
{
    (void)state;
    FILE *f = fopen("test_cuebank_hold.adem", "w");
    assert_non_null(f);
    fputs("session \"Houden\"\nwait 100ms\nphase \"Een\" 1s cue=adem_in\n"
          "hold \"Vragen\" max=30s\nphase \"Twee\" 2s cue=adem_uit\nspeak tel_1\n",
          f);
    assert_int_equal(fclose(f), 0);
    const char *args[] = {"test_cuebank_hold.adem"};
    interactive = 1;
    move_cmd = ENGINE_CONTINUE;
    fill_need = 48000 * 60; /* as a play's worker: the cue after the hold is ready early */
    same_output(args, 1, 48000, 20, 4); /* 1.7 s: inside the hold */
    fill_need = BLOCK + 128;
    move_cmd = ENGINE_SKIP;
    interactive = 0;
    remove("test_cuebank_hold.adem");
}

/* A decoder that does not keep up: the cues play as silence, counted, and
 * the engine never waits. With no decoding at all, the output equals the
 * output with every cue silent (zeros of the same lengths). */
static void test_starved_is_silence(void **state)
{
    (void)state;
    const char *args[] = {"478"};
    prep *lazy = prepare(args, 1, 48000, 0);
    prep *all = prepare(args, 1, 48000, 1);
    int nc = timeline_ncues(prep_timeline(all));
    adem_cue *zeros = calloc((size_t)nc, sizeof *zeros);
    for (int i = 0; i < nc; i++) {
        zeros[i].frames = prep_cues(all)[i].frames;
        zeros[i].samples = calloc((size_t)zeros[i].frames, sizeof(float));
    }
    engine *e1 = new_engine(all, zeros, 48000);
    engine *e2 = new_engine(lazy, NULL, 48000);
    cuebank *bank = NULL;
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(cuebank_new(prep_voicepack(lazy), prep_timeline(lazy), &bank, &d), 0);
    engine_use_feed(e2, cuebank_feed(bank));
    int64_t f1, f2;
    float *o1 = run(e1, NULL, -1, &f1);
    float *o2 = run(e2, NULL, -1, &f2); /* the bank never fills */
    assert_int_equal(f1, f2);
    assert_memory_equal(o1, o2, (size_t)f1 * 2 * sizeof *o1);
    engine_status st;
    engine_status_now(e2, &st);
    assert_true(st.starved > 0);
    engine_status_now(e1, &st);
    assert_int_equal(st.starved, 0);
    free(o1);
    free(o2);
    engine_free(e1);
    engine_free(e2);
    cuebank_free(bank);
    for (int i = 0; i < nc; i++)
        free((void *)zeros[i].samples);
    free(zeros);
    prep_free(all);
    prep_free(lazy);
}

/* The worker, deliberately slow (the test hook), against an engine run far
 * faster than real time: cues are missed and counted, nothing waits, and
 * every sample is still a number within the ceiling. With the worker at its
 * normal pace and the engine at real time (10 s), nothing is missed. */
static void test_worker(void **state)
{
    (void)state;
    const char *args[] = {"478"};
    for (int slow = 1; slow >= 0; slow--) {
        prep *lazy = prepare(args, 1, 48000, 0);
        engine *e = new_engine(lazy, NULL, 48000);
        cuebank *bank = NULL;
        adem_diag d;
        diag_clear(&d);
        assert_int_equal(cuebank_new(prep_voicepack(lazy), prep_timeline(lazy), &bank, &d), 0);
        engine_use_feed(e, cuebank_feed(bank));
        assert_int_equal(cuebank_fill(bank, 24000, &d), 0);
        if (slow)
            cuebank_slow(bank, 300);
        assert_int_equal(cuebank_start(bank, &d), 0);
        static float out[1024 * 2];
        for (int k = 0; k < 480; k++) { /* 10 s in 1024-frame periods */
            engine_process(e, out, 1024);
            for (int i = 0; i < 2048; i++)
                assert_true(out[i] <= 1.0f && out[i] >= -1.0f);
            if (!slow) {
                platform_sleep_ms(21); /* about real time */
            }
        }
        assert_int_equal(cuebank_stop(bank, &d), 0);
        engine_status st;
        engine_status_now(e, &st);
        if (slow)
            assert_true(st.starved > 0);
        else
            assert_int_equal(st.starved, 0);
        engine_free(e);
        cuebank_free(bank);
        prep_free(lazy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_decoded_first),
        cmocka_unit_test(test_same_converted),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_jump),
        cmocka_unit_test(test_jump_after_walk_ended),
        cmocka_unit_test(test_back),
        cmocka_unit_test(test_hold_released_early),
        cmocka_unit_test(test_starved_is_silence),
        cmocka_unit_test(test_worker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
