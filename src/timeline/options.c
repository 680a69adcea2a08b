/* options: what shapes a timeline, its defaults and ranges (see options.h). */
#include "timeline/options.h"

#include <stdio.h>
#include <string.h>

void tl_options_init(tl_options *o)
{
    memset(o, 0, sizeof *o);
    o->tempo_milli = TL_TEMPO_DEFAULT;
}

/* Reads a factor with at most 3 decimals ("0.75", "2") into thousandths.
 * Returns 0, or -1 when text is not such a number (or absurdly large). */
static int read_milli(const char *s, int *milli)
{
    int whole = 0, frac = 0, digits = 0;
    const char *p = s;
    if (*p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9' && whole < 100)
        whole = whole * 10 + (*p++ - '0');
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9' && digits < 3) {
            frac = frac * 10 + (*p++ - '0');
            digits++;
        }
        if (digits == 0)
            return -1;
        while (digits < 3) {
            frac *= 10;
            digits++;
        }
    }
    if (*p)
        return -1;
    *milli = whole * 1000 + frac;
    return 0;
}

int tl_options_set_tempo(tl_options *o, const char *text, char err[UNITS_ERR_MAX])
{
    int v;
    if (read_milli(text, &v) != 0 || v < TL_TEMPO_MIN || v > TL_TEMPO_MAX) {
        snprintf(err, UNITS_ERR_MAX, "a tempo is a factor from 0.5 to 2.0 (e.g. 0.75)");
        return -1;
    }
    o->tempo_milli = v;
    return 0;
}

int tl_options_set_gap(tl_options *o, const char *text, char err[UNITS_ERR_MAX])
{
    int64_t ms;
    if (units_parse_duration(text, strlen(text), &ms, err) != 0)
        return -1;
    if (ms > TL_GAP_MAX_MS) {
        snprintf(err, UNITS_ERR_MAX, "a gap may last at most 24 hours");
        return -1;
    }
    o->gap_ms = ms;
    return 0;
}

int tl_options_set_countdown(tl_options *o, const char *text, char err[UNITS_ERR_MAX])
{
    int64_t ms;
    if (units_parse_duration(text, strlen(text), &ms, err) != 0)
        return -1;
    if (ms > TL_COUNTDOWN_MAX_MS) {
        snprintf(err, UNITS_ERR_MAX, "too long: a countdown lasts at most 10m");
        return -1;
    }
    o->countdown_ms = ms;
    return 0;
}

int tl_options_set_rate(tl_options *o, const char *text, char err[UNITS_ERR_MAX])
{
    int64_t v;
    if (units_parse_int(text, strlen(text), TL_RATE_MAX, &v, err) != 0 || v < TL_RATE_MIN) {
        snprintf(err, UNITS_ERR_MAX, "not a sample rate from %d to %d Hz", TL_RATE_MIN,
                 TL_RATE_MAX);
        return -1;
    }
    o->rate = (int)v;
    return 0;
}

int tl_options_check(const tl_options *o, adem_diag *d)
{
    if (o->tempo_milli < TL_TEMPO_MIN || o->tempo_milli > TL_TEMPO_MAX)
        return diag_set(d, NULL, 0, 0, "a tempo of %g is outside 0.5 to 2.0; give a factor in "
                        "that range", o->tempo_milli / 1000.0);
    if (o->gap_ms < 0 || o->gap_ms > TL_GAP_MAX_MS)
        return diag_set(d, NULL, 0, 0, "a gap between sessions must last 0 to 24 hours");
    if (o->countdown_ms < 0 || o->countdown_ms > TL_COUNTDOWN_MAX_MS)
        return diag_set(d, NULL, 0, 0, "a countdown must last 0 to 10 minutes");
    if (o->rate != 0 && (o->rate < TL_RATE_MIN || o->rate > TL_RATE_MAX))
        return diag_set(d, NULL, 0, 0, "a sample rate of %d Hz is out of range; use %d to %d",
                        o->rate, TL_RATE_MIN, TL_RATE_MAX);
    if (o->nsets < 0 || (o->nsets > 0 && !o->sets))
        return diag_set(d, NULL, 0, 0, "internal error: overrides without a list");
    return 0;
}
