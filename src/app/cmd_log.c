/* cmd_log: `adem log` (practice totals per session and per week) and the
 * line that `adem play` appends after each session it played (practice_log.h).
 * Plain facts in calm words: no streaks, no goals, no judgement. */
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/stdout_check.h"
#include "io/paths.h"
#include "io/practice_log.h"
#include "rt/cursor.h"
#include "io/prepare.h"

enum { LOG_PATH_MAX = 4096, TITLE_COLS = 36 };

/* Writes the log's path ($XDG_STATE_HOME/adem/log.tsv) into buf. Returns 0,
 * or -1 when there is no state folder (neither XDG_STATE_HOME nor HOME). */
static int log_path(char *buf, size_t n)
{
    const char *dir = paths_state_dir();
    return dir && paths_join(buf, n, dir, "log.tsv") == 0 ? 0 : -1;
}

/* The number of characters (UTF-8 code points) in s. */
static int columns(const char *s)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* Prints s in a column `width` characters wide (cut with "..." when longer),
 * control characters as '?', then `gap` spaces. */
static void print_cell(const char *s, int width, int gap)
{
    int n = columns(s), shown = 0;
    int room = n > width ? width - 3 : width;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80 && shown++ == room)
            break;
        putchar(*p < 0x20 || *p == 0x7F ? '?' : *p);
    }
    if (n > width)
        fputs("...", stdout);
    for (int i = n > width ? width : n; i < width + gap; i++)
        putchar(' ');
}

/* Minutes of s seconds with one decimal, e.g. "9.5". */
static void minutes(int64_t s, char *buf, size_t n)
{
    int64_t tenths = (s * 10 + 30) / 60;
    snprintf(buf, n, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

/* Prints the totals per session, per week and in all. */
static void print_totals(plog_totals *t)
{
    static const char *const month[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int ns = plog_nsessions(t), wname = 7, wtitle = 5;
    for (int i = 0; i < ns; i++) {
        const plog_session *s = plog_session_at(t, i);
        int a = columns(s->session), b = columns(s->title);
        wname = a > wname ? a : wname;
        wtitle = b > wtitle ? b : wtitle;
    }
    wname = wname > 40 ? 40 : wname;
    wtitle = wtitle > TITLE_COLS ? TITLE_COLS : wtitle;
    char m[32];
    int64_t all_s = 0, all_n = 0;
    print_cell("session", wname, 2);
    print_cell("title", wtitle, 2);
    printf("%5s  %8s  %8s  %7s\n", "times", "minutes", "finished", "stopped");
    for (int i = 0; i < ns; i++) {
        const plog_session *s = plog_session_at(t, i);
        minutes(s->played_s, m, sizeof m);
        print_cell(s->session, wname, 2);
        print_cell(s->title, wtitle, 2);
        printf("%5lld  %8s  %8lld  %7lld\n", (long long)s->count, m, (long long)s->finished,
               (long long)s->stopped);
        all_s += s->played_s;
        all_n += s->count;
    }
    printf("\n%-24s  %5s  %8s\n", "week", "times", "minutes");
    for (int i = 0; i < plog_nweeks(t); i++) {
        const plog_week *w = plog_week_at(t, i);
        int y, mo, d;
        char label[64];
        plog_week_monday(w->year, w->week, &y, &mo, &d);
        snprintf(label, sizeof label, "%04d-W%02d (from %d %s)", w->year, w->week, d,
                 month[mo - 1]);
        minutes(w->played_s, m, sizeof m);
        printf("%-24s  %5lld  %8s\n", label, (long long)w->count, m);
    }
    minutes(all_s, m, sizeof m);
    printf("\nIn all: %lld session%s, %s minutes.\n", (long long)all_n, all_n == 1 ? "" : "s", m);
}

/* `adem log`: prints the totals, or a calm line when there are none. */
int cmd_log(const cli_opts *o)
{
    if (o->nargs > 0) {
        fprintf(stderr, "adem: log takes no arguments (got '%s'); see adem log --help\n",
                o->args[0]);
        return ADEM_EXIT_INPUT;
    }
    char path[LOG_PATH_MAX];
    if (log_path(path, sizeof path) != 0) {
        fprintf(stderr, "adem: cannot tell where the practice log is; set HOME or "
                        "XDG_STATE_HOME\n");
        return ADEM_EXIT_RUNTIME;
    }
    adem_diag d;
    diag_clear(&d);
    plog_totals *t = NULL;
    int exists = 0;
    if (plog_read(path, &t, &exists, &d) != 0)
        return cli_report(&d);
    if (plog_entries(t) == 0) {
        printf("Nothing in the practice log yet. After each session you play, adem adds a line "
               "to\n%s\n",
               path);
    } else {
        printf("Practice log: %s\n\n", path);
        print_totals(t);
    }
    int64_t skipped = plog_skipped(t);
    if (skipped > 0)
        printf("%lld line%s could not be read and %s skipped.\n", (long long)skipped,
               skipped == 1 ? "" : "s", skipped == 1 ? "was" : "were");
    if (o->log_off)
        printf("The log is off (log = off in %s): nothing new is added.\n",
               paths_config_file() ? paths_config_file() : "the config file");
    plog_totals_free(t);
    return stdout_check(0);
}

/* Whole seconds in frames at rate, rounded. */
static int64_t seconds_of(int64_t frames, int rate)
{
    return (frames + rate / 2) / rate;
}

/* Appends a line per started top-level session (see cli.h). */
void cmd_log_played(const cli_opts *o, const prep *p, const char *const *names, int n,
                    time_t started, int64_t pos, FILE *err)
{
    if (o->log_off || !p || pos <= 0)
        return;
    char path[LOG_PATH_MAX];
    if (log_path(path, sizeof path) != 0) {
        fprintf(err, "adem: note: the practice log was not written: set HOME or XDG_STATE_HOME "
                     "(or log = off in the config file)\n");
        return;
    }
    const timeline *tl = prep_timeline(p);
    const int rate = timeline_rate(tl);
    plog_entry e;
    memset(&e, 0, sizeof e);
    plog_format_when(started, e.when, sizeof e.when);
    tl_cursor c;
    tl_event ev;
    int k = prep_lead(p) ? -1 : 0;
    tl_cursor_init(&c, tl);
    adem_diag d;
    diag_clear(&d);
    while (tl_cursor_next(&c, &ev) && ev.kind != TL_EV_END) {
        if (ev.kind != TL_EV_SESSION || ev.depth != 0)
            continue;
        int i = k++;
        if (i < 0)
            continue; /* the --countdown lead-in */
        if (i >= n || pos <= ev.frame)
            break; /* this one (and those after it) never started */
        int64_t played = pos - ev.frame < ev.frames ? pos - ev.frame : ev.frames;
        e.session = names[i];
        e.title = ev.label;
        e.planned_s = seconds_of(ev.frames, rate);
        e.played_s = seconds_of(played, rate);
        e.finished = played >= ev.frames;
        if (plog_append(path, &e, &d) != 0) {
            fprintf(err, "adem: note: %s\n", d.msg);
            return; /* one note at most */
        }
    }
}
