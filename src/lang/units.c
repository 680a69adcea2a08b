/* units: the value syntax of the session language (see units.h).
 *
 * Durations are parsed digit by digit in integer arithmetic, so "1.5s" is
 * exactly 1500 ms and a value finer than 1 ms is refused instead of rounded.
 * Levels and frequencies are decimal numbers read by hand too: no strtod, so
 * the result never depends on the C locale and "nan", "inf" or hex floats are
 * never accepted. Plain C11, no POSIX, no allocation. */
#include "lang/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The largest duration units_parse_duration returns (240 hours). */
#define UNITS_MAX_DURATION_MS (ADEM_MAX_SESSION_MS * 10)
/* Longest word quoted back in an error message, in bytes. */
enum { QUOTE_MAX = 40 };

/* Copies at most QUOTE_MAX bytes of the word s[0..n) into q (size
 * QUOTE_MAX + 4) for quoting in a message, ending with "..." when cut; never
 * cuts a UTF-8 sequence in half. */
static void quote_word(const char *s, size_t n, char *q)
{
    size_t k = n;
    int cut = 0;
    if (k > QUOTE_MAX) {
        k = QUOTE_MAX;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        cut = 1;
    }
    memcpy(q, s, k);
    if (cut)
        memcpy(q + k, "...", 3), k += 3;
    q[k] = '\0';
}

/* The length in bytes of the (UTF-8) character at s[i], within s[0..n). */
static int char_len(const char *s, size_t n, size_t i)
{
    size_t k = i + 1;
    while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
        k++;
    return (int)(k - i);
}

/* 1 if c is an ASCII decimal digit. */
static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* 1 if c is an ASCII letter. */
static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* 1 if the n bytes at s equal the NUL-terminated ASCII word w, ignoring
 * ASCII case. */
static int eq_nocase(const char *s, size_t n, const char *w)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char a = s[i], b = w[i];
        if (b == '\0')
            return 0;
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return w[n] == '\0';
}

/* Reads an unsigned decimal number "D+[.D+]" at s[*i..n): advances *i past it
 * and stores its value (from at most 18 significant digits, which is far more
 * precision than a level or frequency needs). Returns 0, or -1 when there is
 * no well-formed number at *i (no digit, or a '.' without digits after it). */
static int read_decimal(const char *s, size_t n, size_t *i, double *out)
{
    unsigned long long mant = 0;
    int sig = 0, frac = 0, ndig = 0;
    long long exp10 = 0;
    size_t k = *i;
    for (; k < n && is_digit(s[k]); k++, ndig++) {
        if (sig < 18) {
            mant = mant * 10u + (unsigned)(s[k] - '0');
            if (mant)
                sig++;
        } else {
            exp10++; /* digits beyond the precision kept still scale */
        }
    }
    if (ndig == 0)
        return -1;
    if (k < n && s[k] == '.') {
        k++;
        for (; k < n && is_digit(s[k]); k++, frac++) {
            if (sig < 18) {
                mant = mant * 10u + (unsigned)(s[k] - '0');
                if (mant)
                    sig++;
                exp10--;
            }
        }
        if (frac == 0)
            return -1;
    }
    double v = (double)mant;
    /* exp10 is within +-(a line's length); pow is exact enough here. */
    if (exp10 < 0)
        v /= pow(10.0, (double)-exp10);
    else if (exp10 > 0)
        v *= pow(10.0, (double)exp10);
    *out = v;
    *i = k;
    return 0;
}

/* Reads an optionally signed decimal "[+-]D+[.D+]" at s[*i..n) like
 * read_decimal. */
static int read_signed(const char *s, size_t n, size_t *i, double *out)
{
    size_t k = *i;
    int neg = 0;
    if (k < n && (s[k] == '+' || s[k] == '-'))
        neg = s[k++] == '-';
    if (read_decimal(s, n, &k, out) != 0)
        return -1;
    if (neg)
        *out = -*out;
    *i = k;
    return 0;
}

/* One unit of a duration: its spelling, its length in ms and its rank in the
 * required order (larger units first). */
typedef struct dur_unit {
    const char *name;
    int64_t ms;
} dur_unit;

static const dur_unit DUR_UNITS[] = {
    {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1},
};

/* Duration word -> ms, exactly (see units.h). */
int units_parse_duration(const char *s, size_t n, int64_t *ms, char err[UNITS_ERR_MAX])
{
    char q[QUOTE_MAX + 4];
    quote_word(s, n, q);
    if (n == 0) {
        snprintf(err, UNITS_ERR_MAX, "missing duration; write 4s, 250ms, 2m or 1h");
        return -1;
    }
    if (s[0] == '-') {
        snprintf(err, UNITS_ERR_MAX, "duration '%s' is negative; write a length such as 4s", q);
        return -1;
    }
    int64_t total = 0;
    int last_rank = -1;
    size_t i = 0;
    while (i < n) {
        /* the number: integer digits, then optional decimals */
        if (!is_digit(s[i])) {
            if (i > 0)
                snprintf(err, UNITS_ERR_MAX,
                         "unexpected '%.*s' in duration '%s'; write 4s, 1.5s, 250ms, 2m or 1h",
                         char_len(s, n, i), s + i, q);
            else if (s[i] == '.')
                snprintf(err, UNITS_ERR_MAX,
                         "duration '%s' has a number starting with '.'; write a digit first, as in 0.5s",
                         q);
            else
                snprintf(err, UNITS_ERR_MAX,
                         "'%s' is not a duration; write a number and a unit: 4s, 1.5s, 250ms, 2m or 1h",
                         q);
            return -1;
        }
        int64_t whole = 0;
        for (; i < n && is_digit(s[i]); i++) {
            whole = whole * 10 + (s[i] - '0');
            if (whole > UNITS_MAX_DURATION_MS) {
                snprintf(err, UNITS_ERR_MAX, "duration '%s' is too long; the most is 240h", q);
                return -1;
            }
        }
        int64_t frac = 0;
        int fdigits = 0; /* significant decimals kept in frac */
        int zeros = 0;   /* zeros seen after them (dropped unless a digit follows) */
        if (i < n && s[i] == '.') {
            i++;
            if (i >= n || !is_digit(s[i])) {
                snprintf(err, UNITS_ERR_MAX,
                         "duration '%s' has a '.' without decimals after it; write 1.5s or 2s", q);
                return -1;
            }
            for (; i < n && is_digit(s[i]); i++) {
                if (s[i] == '0') {
                    zeros++;
                    continue;
                }
                /* a significant digit: the pending zeros count now */
                if (fdigits + zeros + 1 > 9) {
                    snprintf(err, UNITS_ERR_MAX,
                             "duration '%s' is finer than 1 millisecond; use at most 3 decimals "
                             "for seconds (1.5s) or whole milliseconds (250ms)",
                             q);
                    return -1;
                }
                for (; zeros > 0; zeros--, fdigits++)
                    frac *= 10;
                frac = frac * 10 + (s[i] - '0');
                fdigits++;
            }
        }
        /* the unit: a run of letters */
        size_t u0 = i;
        while (i < n && is_alpha(s[i]))
            i++;
        size_t ulen = i - u0;
        if (ulen == 0) {
            if (i < n)
                snprintf(err, UNITS_ERR_MAX,
                         "unexpected '%.*s' in duration '%s'; write 4s, 1.5s, 250ms, 2m or 1h",
                         char_len(s, n, i), s + i, q);
            else
                snprintf(err, UNITS_ERR_MAX,
                         "duration '%s' has no unit; write 4s (seconds), 250ms, 2m or 1h", q);
            return -1;
        }
        int rank = -1;
        for (int k = 0; k < (int)(sizeof DUR_UNITS / sizeof DUR_UNITS[0]); k++)
            if (strlen(DUR_UNITS[k].name) == ulen && memcmp(DUR_UNITS[k].name, s + u0, ulen) == 0)
                rank = k;
        if (rank < 0) {
            char uq[QUOTE_MAX + 4];
            quote_word(s + u0, ulen, uq);
            snprintf(err, UNITS_ERR_MAX,
                     "unknown unit '%s' in duration '%s'; write 4s, 250ms, 2m or 1h", uq, q);
            return -1;
        }
        if (rank <= last_rank) {
            snprintf(err, UNITS_ERR_MAX,
                     "duration '%s' repeats a unit or has them out of order; write the parts "
                     "from large to small, each once, as in 1h2m3s or 1m30s",
                     q);
            return -1;
        }
        last_rank = rank;
        const int64_t unit = DUR_UNITS[rank].ms;
        int64_t pow10 = 1;
        for (int k = 0; k < fdigits; k++)
            pow10 *= 10;
        /* frac < 10^9 and unit <= 3.6e6: the product fits easily */
        if (frac * unit % pow10 != 0) {
            snprintf(err, UNITS_ERR_MAX,
                     "duration '%s' is finer than 1 millisecond; use at most 3 decimals "
                     "for seconds (1.5s) or whole milliseconds (250ms)",
                     q);
            return -1;
        }
        /* whole <= 8.64e8 and unit <= 3.6e6: no overflow */
        total += whole * unit + frac * unit / pow10;
        if (total > UNITS_MAX_DURATION_MS) {
            snprintf(err, UNITS_ERR_MAX, "duration '%s' is too long; the most is 240h", q);
            return -1;
        }
    }
    *ms = total;
    return 0;
}

/* Level word -> dB within [-120, +6] (see units.h). */
int units_parse_level(const char *s, size_t n, double *db, char err[UNITS_ERR_MAX])
{
    char q[QUOTE_MAX + 4];
    quote_word(s, n, q);
    size_t i = 0;
    double v;
    if (n == 0) {
        snprintf(err, UNITS_ERR_MAX, "missing level; write a level in dB such as -12dB or 0dB");
        return -1;
    }
    if (read_signed(s, n, &i, &v) != 0) {
        snprintf(err, UNITS_ERR_MAX, "'%s' is not a level; write a number and dB, such as -12dB or 0dB", q);
        return -1;
    }
    if (i == n) {
        snprintf(err, UNITS_ERR_MAX, "level '%s' has no unit; write it in dB, as in %sdB", q, q);
        return -1;
    }
    if (!eq_nocase(s + i, n - i, "db")) {
        char uq[QUOTE_MAX + 4];
        quote_word(s + i, n - i, uq);
        snprintf(err, UNITS_ERR_MAX, "unknown unit '%s' in level '%s'; write a level in dB such as -12dB", uq,
                 q);
        return -1;
    }
    if (v > ADEM_MAX_LEVEL_DB) {
        snprintf(err, UNITS_ERR_MAX, "level '%s' is above +6dB; the loudest level is +6dB", q);
        return -1;
    }
    if (v < ADEM_MIN_LEVEL_DB) {
        snprintf(err, UNITS_ERR_MAX, "level '%s' is below -120dB; use -120dB for near silence", q);
        return -1;
    }
    *db = v == 0.0 ? 0.0 : v; /* no -0 */
    return 0;
}

/* Gain "[+-]D[.D][dB]" within [lo, hi] (see units.h). */
int units_parse_db(const char *s, double lo, double hi, double *db)
{
    size_t n = strlen(s), i = 0;
    double v;
    if (read_signed(s, n, &i, &v) != 0)
        return -1;
    if (i < n && !eq_nocase(s + i, n - i, "db"))
        return -1;
    if (!(v >= lo && v <= hi))
        return -1;
    *db = v == 0.0 ? 0.0 : v; /* no -0 */
    return 0;
}

/* Frequency word -> Hz within [20, 20000] (see units.h). */
int units_parse_freq(const char *s, size_t n, double *hz, char err[UNITS_ERR_MAX])
{
    char q[QUOTE_MAX + 4];
    quote_word(s, n, q);
    size_t i = 0;
    double v;
    if (n == 0) {
        snprintf(err, UNITS_ERR_MAX, "missing frequency; write a number of hertz such as 196 or 196hz");
        return -1;
    }
    if (read_decimal(s, n, &i, &v) != 0) {
        snprintf(err, UNITS_ERR_MAX, "'%s' is not a frequency; write a number of hertz such as 196 or 196hz",
                 q);
        return -1;
    }
    if (i < n && !eq_nocase(s + i, n - i, "hz")) {
        char uq[QUOTE_MAX + 4];
        quote_word(s + i, n - i, uq);
        snprintf(err, UNITS_ERR_MAX, "unknown unit '%s' in frequency '%s'; write 196 or 196hz", uq, q);
        return -1;
    }
    if (v < 20.0 || v > 20000.0) {
        snprintf(err, UNITS_ERR_MAX, "frequency '%s' is outside 20..20000 Hz; choose a pitch in that range", q);
        return -1;
    }
    *hz = v;
    return 0;
}

/* Decimal integer word -> 0..max, max >= 0 (see units.h). */
int units_parse_int(const char *s, size_t n, int64_t max, int64_t *v, char err[UNITS_ERR_MAX])
{
    char q[QUOTE_MAX + 4];
    quote_word(s, n, q);
    if (n == 0) {
        snprintf(err, UNITS_ERR_MAX, "missing number; write a whole number such as 4");
        return -1;
    }
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i])) {
            snprintf(err, UNITS_ERR_MAX, "'%s' is not a whole number; write digits only, such as 4", q);
            return -1;
        }
        int dgt = s[i] - '0';
        if (x > max / 10 || (x == max / 10 && dgt > max % 10)) {
            snprintf(err, UNITS_ERR_MAX, "number '%s' is too large; the most is %lld", q, (long long)max);
            return -1;
        }
        x = x * 10 + dgt;
    }
    *v = x;
    return 0;
}

/* Appends the formatted text to buf[*len..n), keeping buf NUL-terminated and
 * never writing past n (the text is cut when it does not fit). */
static void append(char *buf, size_t n, size_t *len, const char *text)
{
    size_t k = strlen(text);
    if (*len + 1 >= n)
        return;
    if (k > n - 1 - *len)
        k = n - 1 - *len;
    memcpy(buf + *len, text, k);
    *len += k;
    buf[*len] = '\0';
}

/* ms -> the shortest duration text that parses back to ms (see units.h). */
void units_format_duration(int64_t ms, char *buf, size_t n)
{
    char part[32];
    size_t len = 0;
    if (n == 0)
        return;
    buf[0] = '\0';
    if (ms < 0) {
        append(buf, n, &len, "-");
        ms = ms == INT64_MIN ? INT64_MAX : -ms;
    }
    if (ms == 0) {
        append(buf, n, &len, "0s");
        return;
    }
    int64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, sub = ms % 1000;
    if (h) {
        snprintf(part, sizeof part, "%lldh", (long long)h);
        append(buf, n, &len, part);
    }
    if (m) {
        snprintf(part, sizeof part, "%lldm", (long long)m);
        append(buf, n, &len, part);
    }
    if (sub == 0) {
        if (s) {
            snprintf(part, sizeof part, "%llds", (long long)s);
            append(buf, n, &len, part);
        }
        return;
    }
    /* decimals of the second, without trailing zeros: 500 -> "5", 250 -> "25" */
    char dec[4];
    snprintf(dec, sizeof dec, "%03d", (int)sub);
    int nd = 3;
    while (dec[nd - 1] == '0')
        nd--;
    dec[nd] = '\0';
    if (s == 0 && 2 + (sub >= 100 ? 3 : sub >= 10 ? 2 : 1) <= 3 + nd) {
        /* "250ms" is no longer than "0.25s": prefer milliseconds */
        snprintf(part, sizeof part, "%dms", (int)sub);
    } else {
        snprintf(part, sizeof part, "%lld.%ss", (long long)s, dec);
    }
    append(buf, n, &len, part);
}

/* ms -> "m:ss.mmm" or "h:mm:ss.mmm" (see units.h). */
void units_format_clock(int64_t ms, char *buf, size_t n)
{
    if (n == 0)
        return;
    if (ms < 0)
        ms = 0;
    long long h = (long long)(ms / 3600000), m = (long long)(ms / 60000 % 60),
              s = (long long)(ms / 1000 % 60), sub = (long long)(ms % 1000);
    if (h)
        snprintf(buf, n, "%lld:%02lld:%02lld.%03lld", h, m, s, sub);
    else
        snprintf(buf, n, "%lld:%02lld.%03lld", m, s, sub);
}

/* dB -> linear gain; -inf -> 0 (see units.h). */
double units_db_to_gain(double db)
{
    if (isinf(db) && db < 0)
        return 0.0;
    return pow(10.0, db / 20.0);
}
