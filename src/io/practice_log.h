/* practice_log: the practice log, $XDG_STATE_HOME/adem/log.tsv — one line
 * appended after each played session, and totals read back for `adem log`.
 *
 * The file is UTF-8 text with tab-separated fields; its first line (written
 * when the file is created) names them:
 *     when  session  title  planned_s  played_s  end
 * `when` is ISO 8601 local time with its UTC offset (2025-11-21T19:30:05+01:00),
 * `session` the name as given (478, ./mijn.adem), `title` the session's title,
 * planned_s and played_s whole seconds, `end` is finished or stopped. Tabs,
 * line breaks and other control characters in a name or title are written
 * as spaces, so one session is always one line.
 *
 * Reading is forgiving: a line that does not have that form (another number
 * of fields, a bad date, a word where a number belongs, longer than
 * PLOG_LINE_MAX bytes) is skipped and counted; the header and blank lines are
 * ignored. Appending never rewrites what is there: a last line without a line
 * break gets one first, so a damaged end costs one line, not the new one.
 * An I/O module (stdio, platform.h); not for the audio thread. */
#ifndef ADEM_PRACTICE_LOG_H
#define ADEM_PRACTICE_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/diag.h"

#define PLOG_HEADER "when\tsession\ttitle\tplanned_s\tplayed_s\tend"

enum { PLOG_WHEN_MAX = 32, PLOG_LINE_MAX = 8192 };

/* One played session. */
typedef struct plog_entry {
    char when[PLOG_WHEN_MAX]; /* plog_format_when */
    const char *session;      /* the name as given */
    const char *title;
    int64_t planned_s, played_s;
    int finished;             /* 1 finished (it ended by itself), 0 stopped */
} plog_entry;

/* Writes t as ISO 8601 local time with its UTC offset, e.g.
 * "2025-11-21T19:30:05+01:00", into buf (at least PLOG_WHEN_MAX bytes). */
void plog_format_when(time_t t, char *buf, size_t n);

/* Formats e as one log line with its "\n" into buf. Returns the length, or
 * -1 when it does not fit (buf then holds ""). */
int plog_format_line(const plog_entry *e, char *buf, size_t n);

/* Appends e to the log at path, creating the file (with the header line) and
 * its folder when missing. Returns 0, or -1 with d set (status 1: the folder
 * or file cannot be made or written, naming the path and the reason). */
int plog_append(const char *path, const plog_entry *e, adem_diag *d);

/* ---- Totals ----------------------------------------------------------------- */

/* Totals of one session (by its name as given). */
typedef struct plog_session {
    const char *session;
    const char *title;   /* the title of its latest line */
    int64_t count, finished, stopped;
    int64_t played_s;
} plog_session;

/* Totals of one ISO 8601 week (Monday to Sunday, local time). */
typedef struct plog_week {
    int year, week;      /* ISO week-numbering year and week 1..53 */
    int64_t count;
    int64_t played_s;
} plog_week;

typedef struct plog_totals plog_totals;

/* An empty set of totals, or NULL when out of memory. */
plog_totals *plog_totals_new(void);

/* Counts one line of the log (len bytes, without its line break; a final
 * "\r" is ignored). Returns 0 when counted, 1 for the header or a blank line
 * (ignored), 2 when it cannot be read (counted in plog_skipped), -1 when out
 * of memory. */
int plog_totals_add(plog_totals *t, const char *line, size_t len);

/* Counts a line that was too long to read (for plog_skipped). */
void plog_totals_skip(plog_totals *t);

/* Reads the log at path into *out. A missing file gives empty totals (and
 * *exists 0). Returns 0, or -1 with d set (status 1) when it cannot be read
 * or memory runs out. */
int plog_read(const char *path, plog_totals **out, int *exists, adem_diag *d);

/* Sessions sorted by name, weeks from the earliest. Valid until the totals
 * change or are freed. */
int plog_nsessions(plog_totals *t);
const plog_session *plog_session_at(plog_totals *t, int i);
int plog_nweeks(plog_totals *t);
const plog_week *plog_week_at(plog_totals *t, int i);

/* Lines counted, and lines skipped because they could not be read. */
int64_t plog_entries(const plog_totals *t);
int64_t plog_skipped(const plog_totals *t);

/* Frees the totals. NULL is a no-op. */
void plog_totals_free(plog_totals *t);

/* The ISO 8601 week of a date: *wyear (the week-numbering year, which may
 * differ from year around New Year) and *week (1..53). Returns 0, or -1 for
 * a date that does not exist (month 1..12, day within the month). */
int plog_iso_week(int year, int month, int day, int *wyear, int *week);

/* The Monday that starts ISO week `week` of the week-numbering year wyear:
 * *year, *month (1..12), *day. */
void plog_week_monday(int wyear, int week, int *year, int *month, int *day);

#endif
