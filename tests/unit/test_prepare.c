/* test_prepare: the one path from SESSION arguments to a laid-out timeline —
 * built once and decoded later at the rate known only then (a device's), the
 * lead-in from the timeline options, the rate from the options or the
 * caller's default. Uses the shipped sessions and nl pack of the source tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/prepare.h"

/* Prepares the built-in 478 with options to. */
static prep *prepare(const tl_options *to, int default_rate, int decode)
{
    prep_options po = {to, default_rate, decode};
    const char *args[1] = {"478"};
    prep *p = NULL;
    adem_diag d;
    diag_clear(&d);
    if (prep_new(args, 1, &po, &p, &d) != 0)
        fail_msg("prep_new: %s:%d:%d: %s", d.file, d.line, d.col, d.msg);
    return p;
}

/* Lengths first, the cues decoded afterwards at another rate: the same
 * timeline (parsed and built once), laid out as a fresh preparation at that
 * rate would be, with every cue's samples there. */
static void test_decode_later(void **state)
{
    (void)state;
    tl_options to;
    tl_options_init(&to);
    prep *p = prepare(&to, 48000, 0);
    const timeline *tl = prep_timeline(p);
    assert_int_equal(timeline_rate(tl), 48000);
    int n = timeline_ncues(tl);
    assert_true(n > 0);
    for (int i = 0; i < n; i++)
        assert_null(prep_cues(p)[i].samples);
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(prep_decode(p, 44100, &d), 0);
    assert_ptr_equal(prep_timeline(p), tl);
    assert_int_equal(timeline_rate(tl), 44100);

    prep *fresh = prepare(&to, 44100, 0);
    assert_int_equal(timeline_frames(tl), timeline_frames(prep_timeline(fresh)));
    assert_int_equal(timeline_ncues(prep_timeline(fresh)), n);
    prep *decoded = prepare(&to, 44100, 1);
    for (int i = 0; i < n; i++) {
        assert_non_null(prep_cues(p)[i].samples);
        assert_true(prep_cues(p)[i].frames > 0);
        assert_int_equal(prep_cues(p)[i].frames, prep_cues(decoded)[i].frames);
        assert_memory_equal(prep_cues(p)[i].samples, prep_cues(decoded)[i].samples,
                            (size_t)prep_cues(p)[i].frames * sizeof(float));
    }
    prep_free(decoded);
    prep_free(fresh);
    prep_free(p);
}

/* The options decide: their rate over the caller's default, and the
 * countdown lead-in before the session (not its title, not its log entry). */
static void test_options_reach_the_timeline(void **state)
{
    (void)state;
    tl_options to;
    tl_options_init(&to);
    prep *plain = prepare(&to, 48000, 0);
    assert_int_equal(prep_lead(plain), 0);
    to.rate = 22050;
    prep *p = prepare(&to, 48000, 0);
    assert_int_equal(timeline_rate(prep_timeline(p)), 22050);
    prep_free(p);

    tl_options_init(&to);
    to.countdown_ms = 3000;
    p = prepare(&to, 48000, 0);
    assert_int_equal(prep_lead(p), 1);
    assert_string_equal(timeline_title(prep_timeline(p)), timeline_title(prep_timeline(plain)));
    assert_string_equal(prep_session(p, 0)->title, prep_session(plain, 0)->title);
    assert_int_equal(timeline_frames(prep_timeline(p)),
                     timeline_frames(prep_timeline(plain)) + 3 * 48000);
    prep_free(p);
    prep_free(plain);
}

int main(void)
{
    /* the shipped sessions only: no user folder */
    setenv("XDG_DATA_HOME", "/nonexistent/adem-test-prepare", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_later),
        cmocka_unit_test(test_options_reach_the_timeline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
