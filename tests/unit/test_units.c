/* test_units: the value syntax (src/lang/units.h): durations, levels, frequencies,
 * integers, and the duration/clock formats. Every case asserts an exact
 * value or the key phrase of the error. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lang/units.h"

/* Parses the NUL-terminated s as a duration; returns ms, or -1 on error. */
static int64_t dur(const char *s)
{
    int64_t ms = -7;
    char err[UNITS_ERR_MAX] = "";
    if (units_parse_duration(s, strlen(s), &ms, err) != 0) {
        assert_true(err[0] != '\0');
        return -1;
    }
    return ms;
}

/* Asserts that s is refused as a duration with a message containing phrase. */
static void dur_fails(const char *s, const char *phrase)
{
    int64_t ms = -7;
    char err[UNITS_ERR_MAX] = "";
    assert_int_equal(units_parse_duration(s, strlen(s), &ms, err), -1);
    if (!strstr(err, phrase))
        fail_msg("duration '%s': message \"%s\" lacks \"%s\"", s, err, phrase);
    assert_int_equal(ms, -7); /* untouched */
}

/* Each unit on its own. */
static void test_duration_units(void **state)
{
    (void)state;
    assert_int_equal(dur("4s"), 4000);
    assert_int_equal(dur("0s"), 0);
    assert_int_equal(dur("250ms"), 250);
    assert_int_equal(dur("1ms"), 1);
    assert_int_equal(dur("2m"), 120000);
    assert_int_equal(dur("1h"), 3600000);
    assert_int_equal(dur("0ms"), 0);
    assert_int_equal(dur("007s"), 7000);
}

/* Decimals are exact in every unit, down to 1 ms. */
static void test_duration_decimals(void **state)
{
    (void)state;
    assert_int_equal(dur("1.5s"), 1500);
    assert_int_equal(dur("0.25s"), 250);
    assert_int_equal(dur("0.001s"), 1);
    assert_int_equal(dur("2.5m"), 150000);
    assert_int_equal(dur("0.5h"), 1800000);
    assert_int_equal(dur("0.0001h"), 360);
    assert_int_equal(dur("0.001m"), 60);
    assert_int_equal(dur("1.0000000000000000000s"), 1000); /* trailing zeros are fine */
    assert_int_equal(dur("1.50s"), 1500);
    assert_int_equal(dur("0.0000005h"), -1);               /* 1.8 ms: finer than 1 ms */
    assert_int_equal(dur("0.00001m"), -1);                 /* 0.6 ms */
}

/* Parts combine from large to small. */
static void test_duration_combinations(void **state)
{
    (void)state;
    assert_int_equal(dur("1m30s"), 90000);
    assert_int_equal(dur("1h2m3s"), 3723000);
    assert_int_equal(dur("1h2m3s4ms"), 3723004);
    assert_int_equal(dur("1h30m"), 5400000);
    assert_int_equal(dur("1h500ms"), 3600500);
    assert_int_equal(dur("2m0.5s"), 120500);
    assert_int_equal(dur("1s500ms"), 1500);
    assert_int_equal(dur("1.5m30s"), 120000);
}

/* Malformed durations are refused with a useful message. */
static void test_duration_errors(void **state)
{
    (void)state;
    dur_fails("4sec", "unknown unit 'sec' in duration '4sec'; write 4s, 250ms, 2m or 1h");
    dur_fails("4", "has no unit");
    dur_fails("", "missing duration");
    dur_fails("s", "is not a duration");
    dur_fails("-4s", "negative");
    dur_fails("+4s", "is not a duration");
    dur_fails("1s1m", "from large to small");
    dur_fails("1s1s", "each once");
    dur_fails("30s1m", "from large to small");
    dur_fails("1ms1s", "from large to small");
    dur_fails(".5s", "starting with '.'");
    dur_fails("1.s", "without decimals");
    dur_fails("4s ", "unexpected ' '");
    dur_fails("4S", "unknown unit 'S'");
    dur_fails("4 s", "unexpected ' '");
    dur_fails("4s5", "has no unit");
    dur_fails("1,5s", "unexpected ','");
    dur_fails("nan", "is not a duration");
}

/* Anything finer than 1 ms is refused, not rounded. */
static void test_duration_resolution(void **state)
{
    (void)state;
    dur_fails("1.0005s", "finer than 1 millisecond");
    dur_fails("1.5ms", "finer than 1 millisecond");
    dur_fails("0.1ms", "finer than 1 millisecond");
    dur_fails("0.0001s", "finer than 1 millisecond");
    dur_fails("0.00000000001s", "finer than 1 millisecond");
    dur_fails("1.0000000000000000001s", "finer than 1 millisecond");
}

/* The largest duration is 240 h; beyond it (however long the digits) is an error. */
static void test_duration_overflow(void **state)
{
    (void)state;
    assert_int_equal(dur("240h"), ADEM_MAX_SESSION_MS * 10);
    assert_int_equal(dur("864000000ms"), ADEM_MAX_SESSION_MS * 10);
    dur_fails("240h1ms", "too long");
    dur_fails("241h", "too long");
    dur_fails("864000001ms", "too long");
    dur_fails("99999999999999999999999999999999s", "too long");
    dur_fails("9223372036854775808ms", "too long");
    dur_fails("239h60m1s", "too long");
}

/* A word that is not NUL-terminated is read only up to n. */
static void test_duration_not_terminated(void **state)
{
    (void)state;
    const char buf[] = {'1', '5', 's', '0'};
    int64_t ms = 0;
    char err[UNITS_ERR_MAX];
    assert_int_equal(units_parse_duration(buf, 3, &ms, err), 0);
    assert_int_equal(ms, 15000);
    assert_int_equal(units_parse_duration(buf, 2, &ms, err), -1);
    assert_non_null(strstr(err, "'15' has no unit"));
}

/* Parses s as a level; fails the test on error. */
static double level(const char *s)
{
    double db = -999;
    char err[UNITS_ERR_MAX] = "";
    if (units_parse_level(s, strlen(s), &db, err) != 0)
        fail_msg("level '%s' refused: %s", s, err);
    return db;
}

/* Asserts that s is refused as a level with a message containing phrase. */
static void level_fails(const char *s, const char *phrase)
{
    double db = -999;
    char err[UNITS_ERR_MAX] = "";
    assert_int_equal(units_parse_level(s, strlen(s), &db, err), -1);
    if (!strstr(err, phrase))
        fail_msg("level '%s': message \"%s\" lacks \"%s\"", s, err, phrase);
    assert_true(db == -999);
}

/* Levels: sign, decimals, dB in any case; range; junk refused. */
static void test_levels(void **state)
{
    (void)state;
    assert_true(level("-12dB") == -12.0);
    assert_true(level("0dB") == 0.0);
    assert_false(signbit(level("-0dB"))); /* no negative zero */
    assert_true(level("-3.5dB") == -3.5);
    assert_true(level("+6dB") == 6.0);
    assert_true(level("6dB") == 6.0);
    assert_true(level("-120dB") == -120.0);
    assert_true(level("-12db") == -12.0);
    assert_true(level("-12DB") == -12.0);
    assert_true(level("-0.25dB") == -0.25);
    assert_true(level("5.999dB") == 5.999);
    assert_true(level("-000012.5000dB") == -12.5);
    level_fails("+7dB", "above +6dB");
    level_fails("6.001dB", "above +6dB");
    level_fails("-121dB", "below -120dB");
    level_fails("12dBx", "unknown unit 'dBx'");
    level_fails("", "missing level");
    level_fails("dB", "is not a level");
    level_fails("nan", "is not a level");
    level_fails("nandB", "is not a level");
    level_fails("infdB", "is not a level");
    level_fails("-infdB", "is not a level");
    level_fails("0x10dB", "unknown unit 'x10dB'");
    level_fails("1e1dB", "unknown unit 'e1dB'");
    level_fails("-12", "has no unit");
    level_fails("--12dB", "is not a level");
    level_fails("-.5dB", "is not a level");
    level_fails("-1.dB", "is not a level");
    level_fails("-12 dB", "unknown unit ' dB'");
    level_fails("99999999999999999999999999dB", "above +6dB");
}

/* Parses s as a frequency; fails the test on error. */
static double freq(const char *s)
{
    double hz = -1;
    char err[UNITS_ERR_MAX] = "";
    if (units_parse_freq(s, strlen(s), &hz, err) != 0)
        fail_msg("frequency '%s' refused: %s", s, err);
    return hz;
}

/* Asserts that s is refused as a frequency with a message containing phrase. */
static void freq_fails(const char *s, const char *phrase)
{
    double hz = -1;
    char err[UNITS_ERR_MAX] = "";
    assert_int_equal(units_parse_freq(s, strlen(s), &hz, err), -1);
    if (!strstr(err, phrase))
        fail_msg("frequency '%s': message \"%s\" lacks \"%s\"", s, err, phrase);
    assert_true(hz == -1);
}

/* Frequencies: optional hz/Hz, 20..20000, junk refused. */
static void test_freqs(void **state)
{
    (void)state;
    assert_true(freq("196") == 196.0);
    assert_true(freq("196hz") == 196.0);
    assert_true(freq("196Hz") == 196.0);
    assert_true(freq("20") == 20.0);
    assert_true(freq("20000") == 20000.0);
    assert_true(freq("220.5") == 220.5);
    assert_true(freq("440.25Hz") == 440.25);
    freq_fails("19.99", "outside 20..20000 Hz");
    freq_fails("20001", "outside 20..20000 Hz");
    freq_fails("0", "outside 20..20000 Hz");
    freq_fails("", "missing frequency");
    freq_fails("hz", "is not a frequency");
    freq_fails("-220", "is not a frequency");
    freq_fails("220khz", "unknown unit 'khz'");
    freq_fails("nan", "is not a frequency");
    freq_fails("inf", "is not a frequency");
    freq_fails("220hzz", "unknown unit 'hzz'");
}

/* Integers: digits only, up to max, overflow refused. */
static void test_ints(void **state)
{
    (void)state;
    int64_t v = -1;
    char err[UNITS_ERR_MAX];
    assert_int_equal(units_parse_int("4", 1, 100, &v, err), 0);
    assert_int_equal(v, 4);
    assert_int_equal(units_parse_int("0", 1, 100, &v, err), 0);
    assert_int_equal(v, 0);
    assert_int_equal(units_parse_int("100", 3, 100, &v, err), 0);
    assert_int_equal(v, 100);
    assert_int_equal(units_parse_int("1000000000000", 13, INT64_MAX, &v, err), 0);
    assert_int_equal(v, 1000000000000LL);
    assert_int_equal(units_parse_int("9223372036854775807", 19, INT64_MAX, &v, err), 0);
    assert_true(v == INT64_MAX);
    v = -1;
    assert_int_equal(units_parse_int("9223372036854775808", 19, INT64_MAX, &v, err), -1);
    assert_non_null(strstr(err, "too large"));
    assert_int_equal(units_parse_int("99999999999999999999999", 23, INT64_MAX, &v, err), -1);
    assert_int_equal(units_parse_int("101", 3, 100, &v, err), -1);
    assert_non_null(strstr(err, "the most is 100"));
    assert_int_equal(units_parse_int("7", 1, 5, &v, err), -1); /* a single digit above max */
    assert_int_equal(units_parse_int("", 0, 100, &v, err), -1);
    assert_int_equal(units_parse_int("-1", 2, 100, &v, err), -1);
    assert_non_null(strstr(err, "not a whole number"));
    assert_int_equal(units_parse_int("4.5", 3, 100, &v, err), -1);
    assert_int_equal(units_parse_int("4s", 2, 100, &v, err), -1);
    assert_int_equal(units_parse_int("+4", 2, 100, &v, err), -1);
    assert_int_equal(v, -1);
}

/* Formats ms and checks the text. */
static void fmt_is(int64_t ms, const char *want)
{
    char buf[64];
    units_format_duration(ms, buf, sizeof buf);
    assert_string_equal(buf, want);
}

/* The shortest form, as the examples in units.h show. */
static void test_format_duration(void **state)
{
    (void)state;
    fmt_is(0, "0s");
    fmt_is(4000, "4s");
    fmt_is(1500, "1.5s");
    fmt_is(250, "250ms");
    fmt_is(500, "0.5s");
    fmt_is(5, "5ms");
    fmt_is(1, "1ms");
    fmt_is(90000, "1m30s");
    fmt_is(3720000, "1h2m");
    fmt_is(3600000, "1h");
    fmt_is(3723004, "1h2m3.004s");
    fmt_is(60250, "1m250ms");
    fmt_is(60500, "1m0.5s");
    fmt_is(1001, "1.001s");
    fmt_is(ADEM_MAX_SESSION_MS * 10, "240h");
    char small[4];
    units_format_duration(3723004, small, sizeof small); /* cut, still terminated */
    assert_string_equal(small, "1h2");
}

/* Every duration formats to text that parses back to the same value. */
static void test_format_round_trip(void **state)
{
    (void)state;
    char buf[64];
    int64_t ms;
    char err[UNITS_ERR_MAX];
    for (int64_t v = 0; v <= 200000; v++) { /* every ms up to 3m20s */
        units_format_duration(v, buf, sizeof buf);
        assert_int_equal(units_parse_duration(buf, strlen(buf), &ms, err), 0);
        assert_int_equal(ms, v);
    }
    for (int64_t v = 0; v <= ADEM_MAX_SESSION_MS * 10; v += 999983) { /* a prime step across all */
        units_format_duration(v, buf, sizeof buf);
        assert_int_equal(units_parse_duration(buf, strlen(buf), &ms, err), 0);
        assert_int_equal(ms, v);
    }
}

/* Formats ms as a clock and checks the text. */
static void clock_is(int64_t ms, const char *want)
{
    char buf[64];
    units_format_clock(ms, buf, sizeof buf);
    assert_string_equal(buf, want);
}

/* The clock form, hours only when nonzero. */
static void test_format_clock(void **state)
{
    (void)state;
    clock_is(0, "0:00.000");
    clock_is(8312, "0:08.312");
    clock_is(59999, "0:59.999");
    clock_is(60000, "1:00.000");
    clock_is(725000, "12:05.000");
    clock_is(3599999, "59:59.999");
    clock_is(3600000, "1:00:00.000");
    clock_is(3723000, "1:02:03.000");
    clock_is(ADEM_MAX_SESSION_MS, "24:00:00.000");
}

/* 10^(dB/20), and silence for -inf. */
static void test_db_to_gain(void **state)
{
    (void)state;
    assert_true(units_db_to_gain(0.0) == 1.0);
    assert_true(fabs(units_db_to_gain(-20.0) - 0.1) < 1e-12);
    assert_true(fabs(units_db_to_gain(6.0) - 1.9952623149688795) < 1e-12);
    assert_true(fabs(units_db_to_gain(-6.0) - 0.5011872336272722) < 1e-12);
    assert_true(units_db_to_gain(-INFINITY) == 0.0);
}

/* Runs every test above. */
/* units_parse_db: the gain syntax of the command line and the config file,
 * "-6", "-6dB", "+3.5db", within a range; anything else is refused and the
 * output left alone. */
static void test_parse_db(void **state)
{
    (void)state;
    struct {
        const char *s;
        double lo, hi;
        int ok;
        double v;
    } cases[] = {
        {"-6", -60, 12, 1, -6.0},      {"-6dB", -60, 12, 1, -6.0},  {"+3.5db", -60, 12, 1, 3.5},
        {"0", -60, 0, 1, 0.0},         {"-0", -60, 0, 1, 0.0},      {"12DB", -60, 12, 1, 12.0},
        {"-60", -60, 12, 1, -60.0},    {"-0.25dB", -60, 0, 1, -0.25},
        {"12.01", -60, 12, 0, 0},      {"-61", -60, 12, 0, 0},      {"1", -60, 0, 0, 0},
        {"", -60, 12, 0, 0},           {"dB", -60, 12, 0, 0},       {"-6 dB", -60, 12, 0, 0},
        {" -6", -60, 12, 0, 0},        {"-6dBx", -60, 12, 0, 0},    {"-6d", -60, 12, 0, 0},
        {".5", -60, 12, 0, 0},         {"1e1", -60, 12, 0, 0},      {"nan", -60, 12, 0, 0},
        {"inf", -60, 12, 0, 0},        {"0x1", -60, 12, 0, 0},      {"--6", -60, 12, 0, 0},
        {"-6.", -60, 12, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = 99.0;
        int rc = units_parse_db(cases[i].s, cases[i].lo, cases[i].hi, &v);
        if (rc != (cases[i].ok ? 0 : -1))
            fail_msg("units_parse_db(\"%s\") returned %d", cases[i].s, rc);
        if (cases[i].ok) {
            assert_true(v == cases[i].v);
            if (v == 0.0)
                assert_false(signbit(v)); /* never -0 */
        } else {
            assert_true(v == 99.0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_units),
        cmocka_unit_test(test_duration_decimals),
        cmocka_unit_test(test_duration_combinations),
        cmocka_unit_test(test_duration_errors),
        cmocka_unit_test(test_duration_resolution),
        cmocka_unit_test(test_duration_overflow),
        cmocka_unit_test(test_duration_not_terminated),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_freqs),
        cmocka_unit_test(test_ints),
        cmocka_unit_test(test_format_duration),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_format_clock),
        cmocka_unit_test(test_db_to_gain),
        cmocka_unit_test(test_parse_db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
