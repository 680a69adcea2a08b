/* units: the value syntax of the session language and the command line.
 *
 * Durations are integer milliseconds ("4s", "1.5s", "250ms", "2m", "1m30s",
 * "1h"; at most 1 ms resolution). Levels are decibels ("-12dB", "0dB", at most
 * +6 dB). Frequencies are hertz ("196hz", 20..20000). Integers are plain
 * decimal ("4"). Each parser takes a whole word (not NUL-terminated: pointer
 * plus length) and on failure writes a short reason with a hint into err
 * (e.g. "unknown unit 'sec' in duration '4sec'; write 4s, 250ms, 2m or 1h").
 * Plain C11, no POSIX, no allocation. */
#ifndef ADEM_UNITS_H
#define ADEM_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* The longest session adem plays: 24 hours, in milliseconds. */
#define ADEM_MAX_SESSION_MS ((int64_t)24 * 3600 * 1000)
/* Largest level the language accepts, in dB. */
#define ADEM_MAX_LEVEL_DB 6.0
/* Quietest level accepted, in dB ("-120dB" is as good as silence). */
#define ADEM_MIN_LEVEL_DB (-120.0)

enum { UNITS_ERR_MAX = 256 };

/* Parses a duration word into milliseconds. Parts must be in the order
 * h, m, s, ms, each at most once (e.g. "1h2m3s", "1m30s", "2.5s"); a part may
 * have decimals as long as the result is a whole number of milliseconds.
 * The result is 0..ADEM_MAX_SESSION_MS*10 (a larger value is an overflow
 * error). Zero is accepted here; callers reject it where it is not allowed.
 * Returns 0 on success, -1 with err filled. */
int units_parse_duration(const char *s, size_t n, int64_t *ms, char err[UNITS_ERR_MAX]);

/* Parses a level word ("-12dB", "0dB", "-3.5dB"; the unit is case-insensitive)
 * into decibels, within [ADEM_MIN_LEVEL_DB, ADEM_MAX_LEVEL_DB].
 * Returns 0 on success, -1 with err filled. */
int units_parse_level(const char *s, size_t n, double *db, char err[UNITS_ERR_MAX]);

/* Parses a gain as the command line and the config file write it: a number
 * with an optional dB ("-6", "-6dB", "+3.5db"), within [lo, hi] dB. s is a
 * whole NUL-terminated string (no spaces around it). Returns 0 and *db, or
 * -1 (*db unchanged). */
int units_parse_db(const char *s, double lo, double hi, double *db);

/* Parses a frequency word: a number with an optional "hz"/"Hz" suffix, in
 * 20..20000. Returns 0 on success, -1 with err filled. */
int units_parse_freq(const char *s, size_t n, double *hz, char err[UNITS_ERR_MAX]);

/* Parses a non-negative decimal integer word no larger than max.
 * Returns 0 on success, -1 with err filled. */
int units_parse_int(const char *s, size_t n, int64_t max, int64_t *v, char err[UNITS_ERR_MAX]);

/* Writes a duration for people into buf: "4s", "1.5s", "250ms", "1m30s",
 * "1h2m", i.e. the shortest form units_parse_duration reads back exactly. */
void units_format_duration(int64_t ms, char *buf, size_t n);

/* Writes a clock time for people into buf: "0:08.312" or "1:02:03.000"
 * (hours only when nonzero). ms must be >= 0. */
void units_format_clock(int64_t ms, char *buf, size_t n);

/* Converts decibels to a linear gain (10^(db/20)); -inf maps to 0. */
double units_db_to_gain(double db);

#endif
