/* practice_log: append a line, read totals back (see practice_log.h). */
#include "io/practice_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/dupstr.h"
#include "io/paths.h"
#include "sys/platform.h"

enum { PLOG_PATH_MAX = 4096, PLOG_FIELDS = 6 };

/* ---- Dates -------------------------------------------------------------------- */

/* Days from 1970-01-01 to the date (proleptic Gregorian; H. Hinnant's method). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Days in a month of a year. */
static int month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* The ISO week of a date, by the Thursday of its week. */
int plog_iso_week(int year, int month, int day, int *wyear, int *week)
{
    if (month < 1 || month > 12 || day < 1 || day > month_days(year, month))
        return -1;
    int64_t z = days_from_civil(year, month, day);
    int wd = (int)(((z + 3) % 7 + 7) % 7); /* Monday 0 (1970-01-01 was a Thursday) */
    int64_t thu = z - wd + 3;              /* the week's Thursday decides its year */
    int y = year;
    if (thu < days_from_civil(y, 1, 1))
        y--;
    else if (thu >= days_from_civil(y + 1, 1, 1))
        y++;
    *wyear = y;
    *week = (int)((thu - days_from_civil(y, 1, 1)) / 7) + 1;
    return 0;
}

/* The date of day z counted from 1970-01-01 (inverse of days_from_civil). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* The Monday of an ISO week: the week of 4 January, moved on. */
void plog_week_monday(int wyear, int week, int *year, int *month, int *day)
{
    int64_t jan4 = days_from_civil(wyear, 1, 4);
    int wd = (int)(((jan4 + 3) % 7 + 7) % 7); /* Monday 0 */
    civil_from_days(jan4 - wd + (int64_t)(week - 1) * 7, year, month, day);
}

/* ISO 8601 local time with the offset worked out from gmtime. */
void plog_format_when(time_t t, char *buf, size_t n)
{
    struct tm lt, gt, *p;
    if (!(p = localtime(&t))) {
        snprintf(buf, n, "1970-01-01T00:00:00+00:00");
        return;
    }
    lt = *p;
    if (!(p = gmtime(&t)))
        gt = lt;
    else
        gt = *p;
    /* the offset from the two broken-down times (no POSIX tm_gmtoff) */
    long off = (lt.tm_hour - gt.tm_hour) * 3600L + (lt.tm_min - gt.tm_min) * 60L;
    if (lt.tm_year != gt.tm_year)
        off += lt.tm_year > gt.tm_year ? 86400L : -86400L;
    else
        off += (lt.tm_yday - gt.tm_yday) * 86400L;
    long a = off < 0 ? -off : off;
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", lt.tm_year + 1900, lt.tm_mon + 1,
             lt.tm_mday, lt.tm_hour, lt.tm_min, lt.tm_sec, off < 0 ? '-' : '+', a / 3600,
             a / 60 % 60);
}

/* ---- Writing -------------------------------------------------------------------- */

/* Appends s to buf at *used as one field: control characters (tabs, line
 * breaks) become spaces. Returns 0, or -1 when it does not fit. */
static int put_field(char *buf, size_t n, size_t *used, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*used + 1 >= n)
            return -1;
        buf[(*used)++] = *p < 0x20 || *p == 0x7F ? ' ' : (char)*p;
    }
    buf[*used] = '\0';
    return 0;
}

/* Appends the tab that separates fields. Returns 0, or -1 when it does not fit. */
static int put_tab(char *buf, size_t n, size_t *used)
{
    if (*used + 1 >= n)
        return -1;
    buf[(*used)++] = '\t';
    buf[*used] = '\0';
    return 0;
}

/* One log line with its "\n"; -1 when buf is too small. */
int plog_format_line(const plog_entry *e, char *buf, size_t n)
{
    size_t used = 0;
    char nums[96];
    snprintf(nums, sizeof nums, "\t%lld\t%lld\t%s\n", (long long)e->planned_s,
             (long long)e->played_s, e->finished ? "finished" : "stopped");
    if (n == 0)
        return -1;
    buf[0] = '\0';
    if (put_field(buf, n, &used, e->when) || put_tab(buf, n, &used) ||
        put_field(buf, n, &used, e->session) || put_tab(buf, n, &used) ||
        put_field(buf, n, &used, e->title) || used + strlen(nums) + 1 > n) {
        buf[0] = '\0';
        return -1;
    }
    memcpy(buf + used, nums, strlen(nums) + 1);
    return (int)(used + strlen(nums));
}

/* 1 when the file at path is non-empty and its last byte is not a line break;
 * 0 otherwise (also when it cannot be read: appending then tells). */
static int lacks_final_newline(const char *path, int64_t *size)
{
    *size = platform_file_size(path);
    if (*size <= 0)
        return 0;
    const char *why;
    FILE *f = platform_fopen_file(path, "rb", &why);
    if (!f)
        return 0;
    int c = EOF;
    if (platform_fseek(f, -1, SEEK_END) == 0)
        c = getc(f);
    fclose(f);
    return c != EOF && c != '\n';
}

/* The error for a log that cannot be written, with the reason why. */
static int cannot_write_why(adem_diag *d, const char *path, const char *why)
{
    return diag_runtime(d,
                        "cannot write the practice log '%s': %s; check the folder's permissions, "
                        "or set log = off in the config file",
                        path, why);
}

/* Sets d for a log that cannot be written and returns -1. */
static int cannot_write(adem_diag *d, const char *path, int e)
{
    return cannot_write_why(d, path, e > 0 ? strerror(e) : "unknown error");
}

/* Appends one line (with a header for a new file); -1 with d set. */
int plog_append(const char *path, const plog_entry *e, adem_diag *d)
{
    char dir[PLOG_PATH_MAX];
    paths_dirname(path, dir, sizeof dir);
    errno = 0;
    if (!platform_is_dir(dir) && platform_mkdirs(dir) != 0)
        return cannot_write(d, path, errno ? errno : -1);
    if (platform_is_dir(path))
        return diag_runtime(d, "cannot write the practice log '%s': it is a folder; move it away",
                            path);
    int64_t size = 0;
    int newline = lacks_final_newline(path, &size);
    char line[PLOG_LINE_MAX + 64];
    size_t used = 0;
    if (newline)
        line[used++] = '\n';
    if (size <= 0) {
        memcpy(line + used, PLOG_HEADER "\n", sizeof PLOG_HEADER);
        used += sizeof PLOG_HEADER; /* the header and its "\n" */
    }
    int len = plog_format_line(e, line + used, sizeof line - used);
    if (len < 0 || (size_t)len > PLOG_LINE_MAX)
        return diag_runtime(d, "the practice log line for '%s' is too long; use a shorter name",
                            e->session ? e->session : "");
    used += (size_t)len;
    const char *why = NULL;
    FILE *f = platform_fopen_file(path, "ab", &why);
    if (!f)
        return cannot_write_why(d, path, why);
    errno = 0;
    size_t w = fwrite(line, 1, used, f);
    int err = errno;
    if (fflush(f) != 0 && !err)
        err = errno ? errno : -1;
    int c = fclose(f);
    if (w != used || err || c != 0)
        return cannot_write(d, path, err ? err : errno ? errno : -1);
    return 0;
}

/* ---- Totals -------------------------------------------------------------------- */

typedef struct week_line {
    int key; /* year * 100 + week */
    int64_t played_s;
} week_line;

struct plog_totals {
    plog_session *sessions;
    int nsessions, capsessions;
    int *slots; /* hash table of session indices (-1 empty), capslots a power of 2 */
    int capslots;
    week_line *lines; /* one per counted line, merged into weeks when asked */
    int64_t nlines, caplines;
    plog_week *weeks;
    int nweeks;
    int sorted; /* sessions sorted and weeks merged since the last change */
    int64_t entries, skipped;
};

/* Empty totals, or NULL. */
plog_totals *plog_totals_new(void)
{
    return calloc(1, sizeof(plog_totals));
}

/* Frees the totals and their strings. */
void plog_totals_free(plog_totals *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->nsessions; i++) {
        free((char *)t->sessions[i].session);
        free((char *)t->sessions[i].title);
    }
    free(t->sessions);
    free(t->slots);
    free(t->lines);
    free(t->weeks);
    free(t);
}

/* FNV-1a hash of n bytes of s. */
static uint32_t hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Rebuilds the hash table with room for twice the sessions. Returns 0 or -1. */
static int rehash(plog_totals *t)
{
    int cap = t->capslots ? t->capslots * 2 : 64;
    int *slots = malloc((size_t)cap * sizeof *slots);
    if (!slots)
        return -1;
    for (int i = 0; i < cap; i++)
        slots[i] = -1;
    for (int i = 0; i < t->nsessions; i++) {
        const char *s = t->sessions[i].session;
        uint32_t h = hash(s, strlen(s)) & (uint32_t)(cap - 1);
        while (slots[h] >= 0)
            h = (h + 1) & (uint32_t)(cap - 1);
        slots[h] = i;
    }
    free(t->slots);
    t->slots = slots;
    t->capslots = cap;
    return 0;
}

/* The totals of the session named by n bytes of name (added when new), or
 * NULL when out of memory. */
static plog_session *session_for(plog_totals *t, const char *name, size_t n)
{
    if ((t->nsessions + 1) * 2 > t->capslots && rehash(t) != 0)
        return NULL;
    uint32_t mask = (uint32_t)(t->capslots - 1), h = hash(name, n) & mask;
    for (; t->slots[h] >= 0; h = (h + 1) & mask) {
        plog_session *s = &t->sessions[t->slots[h]];
        if (strlen(s->session) == n && memcmp(s->session, name, n) == 0)
            return s;
    }
    if (t->nsessions == t->capsessions) {
        int cap = t->capsessions ? t->capsessions * 2 : 16;
        plog_session *ns = realloc(t->sessions, (size_t)cap * sizeof *ns);
        if (!ns)
            return NULL;
        t->sessions = ns;
        t->capsessions = cap;
    }
    plog_session *s = &t->sessions[t->nsessions];
    memset(s, 0, sizeof *s);
    if (!(s->session = dupstr_n(name, n)))
        return NULL;
    t->slots[h] = t->nsessions++;
    return s;
}

/* Parses n bytes of s as a whole number 0..999999999. Returns 0 or -1. */
static int parse_seconds(const char *s, size_t n, int64_t *v)
{
    if (n == 0 || n > 9)
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

/* Parses the digits of s[0..n) as a number; -1 if any is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Checks a `when` field (YYYY-MM-DDTHH:MM:SS followed by +HH:MM, -HH:MM or
 * Z) and gives its ISO week. Returns 0, or -1 when it is not one. */
static int parse_when(const char *s, size_t n, int *wyear, int *week)
{
    if (n != 19 + 6 && n != 19 + 1)
        return -1;
    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return -1;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
    int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
        return -1;
    if (n == 20) {
        if (s[19] != 'Z')
            return -1;
    } else if ((s[19] != '+' && s[19] != '-') || s[22] != ':' || digits(s + 20, 2) < 0 ||
               digits(s + 20, 2) > 23 || digits(s + 23, 2) < 0 || digits(s + 23, 2) > 59) {
        return -1;
    }
    return plog_iso_week(y, mo, d, wyear, week);
}

/* Counts one line: 0 counted, 1 ignored, 2 skipped, -1 out of memory. */
int plog_totals_add(plog_totals *t, const char *line, size_t len)
{
    if (len > 0 && line[len - 1] == '\r')
        len--;
    size_t blank = 0;
    while (blank < len && (line[blank] == ' ' || line[blank] == '\t'))
        blank++;
    if (blank == len)
        return 1;
    if (len == strlen(PLOG_HEADER) && memcmp(line, PLOG_HEADER, len) == 0)
        return 1;
    const char *f[PLOG_FIELDS];
    size_t fl[PLOG_FIELDS];
    int nf = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] == '\0')
            goto skip;
        if (i == len || line[i] == '\t') {
            if (nf == PLOG_FIELDS)
                goto skip;
            f[nf] = line + start;
            fl[nf++] = i - start;
            start = i + 1;
        }
    }
    int wyear, week, finished;
    int64_t planned, played;
    if (nf != PLOG_FIELDS || parse_when(f[0], fl[0], &wyear, &week) != 0 || fl[1] == 0 ||
        parse_seconds(f[3], fl[3], &planned) != 0 || parse_seconds(f[4], fl[4], &played) != 0)
        goto skip;
    if (fl[5] == 8 && memcmp(f[5], "finished", 8) == 0)
        finished = 1;
    else if (fl[5] == 7 && memcmp(f[5], "stopped", 7) == 0)
        finished = 0;
    else
        goto skip;
    (void)planned;
    plog_session *s = session_for(t, f[1], fl[1]);
    if (!s)
        return -1;
    if (!s->title || strlen(s->title) != fl[2] || memcmp(s->title, f[2], fl[2]) != 0) {
        char *title = dupstr_n(f[2], fl[2]);
        if (!title)
            return -1;
        free((char *)s->title);
        s->title = title;
    }
    if (t->nlines == t->caplines) {
        int64_t cap = t->caplines ? t->caplines * 2 : 64;
        week_line *nl = realloc(t->lines, (size_t)cap * sizeof *nl);
        if (!nl)
            return -1;
        t->lines = nl;
        t->caplines = cap;
    }
    t->lines[t->nlines].key = wyear * 100 + week;
    t->lines[t->nlines].played_s = played;
    t->nlines++;
    s->count++;
    s->finished += finished;
    s->stopped += !finished;
    s->played_s += played;
    t->entries++;
    t->sorted = 0;
    return 0;
skip:
    t->skipped++;
    return 2;
}

/* Counts a skipped line. */
void plog_totals_skip(plog_totals *t)
{
    t->skipped++;
}

/* Reads the whole log line by line; a missing file is empty. */
int plog_read(const char *path, plog_totals **out, int *exists, adem_diag *d)
{
    *out = NULL;
    *exists = platform_is_file(path);
    const char *what = platform_not_file(path);
    if (what)
        return diag_runtime(d, "cannot read the practice log '%s': %s; move it away", path, what);
    plog_totals *t = plog_totals_new();
    if (!t)
        return diag_runtime(d, "not enough memory to read the practice log; close other programs");
    if (!*exists) {
        *out = t;
        return 0;
    }
    const char *why = NULL;
    FILE *f = platform_fopen_file(path, "rb", &why);
    if (!f) {
        plog_totals_free(t);
        return diag_runtime(d, "cannot read the practice log '%s': %s; check its permissions",
                            path, why);
    }
    char line[PLOG_LINE_MAX + 1];
    size_t n = 0;
    int too_long = 0, rc = 0, c;
    while (rc >= 0) {
        c = getc(f);
        if (c == EOF || c == '\n') {
            if (too_long)
                plog_totals_skip(t);
            else if (n > 0 || c == '\n')
                rc = plog_totals_add(t, line, n);
            n = 0;
            too_long = 0;
            if (c == EOF)
                break;
            continue;
        }
        if (n < PLOG_LINE_MAX)
            line[n++] = (char)c;
        else
            too_long = 1;
    }
    int bad = ferror(f);
    fclose(f);
    if (rc < 0 || bad) {
        plog_totals_free(t);
        return rc < 0 ? diag_runtime(d, "not enough memory to read the practice log; close other "
                                        "programs")
                      : diag_runtime(d, "reading the practice log '%s' failed; check the disk",
                                     path);
    }
    *out = t;
    return 0;
}

/* qsort: sessions by name (bytes). */
static int by_name(const void *a, const void *b)
{
    return strcmp(((const plog_session *)a)->session, ((const plog_session *)b)->session);
}

/* qsort: week lines by week. */
static int by_week(const void *a, const void *b)
{
    int x = ((const week_line *)a)->key, y = ((const week_line *)b)->key;
    return (x > y) - (x < y);
}

/* Sorts the sessions (the hash table is rebuilt) and merges the weeks.
 * Returns 0, or -1 when out of memory (the totals stay as they were). */
static int finish(plog_totals *t)
{
    if (t->sorted)
        return 0;
    plog_week *w = malloc((size_t)(t->nlines ? t->nlines : 1) * sizeof *w);
    if (!w)
        return -1;
    if (t->nsessions > 1)
        qsort(t->sessions, (size_t)t->nsessions, sizeof *t->sessions, by_name);
    free(t->slots);
    t->slots = NULL;
    t->capslots = 0;
    if (t->nsessions > 0 && rehash(t) != 0) {
        free(w);
        return -1;
    }
    if (t->nlines > 1)
        qsort(t->lines, (size_t)t->nlines, sizeof *t->lines, by_week);
    int nw = 0;
    for (int64_t i = 0; i < t->nlines; i++) {
        int key = t->lines[i].key;
        if (nw == 0 || w[nw - 1].year * 100 + w[nw - 1].week != key) {
            w[nw].year = key / 100;
            w[nw].week = key % 100;
            w[nw].count = 0;
            w[nw].played_s = 0;
            nw++;
        }
        w[nw - 1].count++;
        w[nw - 1].played_s += t->lines[i].played_s;
    }
    free(t->weeks);
    t->weeks = w;
    t->nweeks = nw;
    t->sorted = 1;
    return 0;
}

/* The number of sessions (sorted first). */
int plog_nsessions(plog_totals *t)
{
    return finish(t) == 0 ? t->nsessions : 0;
}

/* Session i, or NULL. */
const plog_session *plog_session_at(plog_totals *t, int i)
{
    return finish(t) == 0 && i >= 0 && i < t->nsessions ? &t->sessions[i] : NULL;
}

/* The number of weeks (merged first). */
int plog_nweeks(plog_totals *t)
{
    return finish(t) == 0 ? t->nweeks : 0;
}

/* Week i, or NULL. */
const plog_week *plog_week_at(plog_totals *t, int i)
{
    return finish(t) == 0 && i >= 0 && i < t->nweeks ? &t->weeks[i] : NULL;
}

/* Lines counted. */
int64_t plog_entries(const plog_totals *t)
{
    return t->entries;
}

/* Lines skipped. */
int64_t plog_skipped(const plog_totals *t)
{
    return t->skipped;
}
