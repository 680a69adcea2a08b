/* cmd_show: `adem show` (the timeline for people, or as JSON for tools),
 * `adem check` and `adem list`. All of them walk a laid-out timeline; none
 * decodes audio (cue lengths come from the files' headers). */
#include <stdio.h>
#include <string.h>

#include "app/cli.h"
#include "io/prepare.h"
#include "io/sessions.h"
#include "rt/cursor.h"
#include "lang/units.h"

#define SHOW_RATE 48000

/* Milliseconds in `frames` at `rate` (rounded down). */
static int64_t ms_of(int64_t frames, int rate)
{
    return frames / rate * 1000 + frames % rate * 1000 / rate;
}

/* Writes the sound of a phase ("tone rise 196-294 Hz, pulse 100/min") into buf. */
static void phase_sound(const tl_event *ev, char *buf, size_t n)
{
    static const char *const tones[] = {"", "rise", "fall", "steady"};
    size_t used = 0;
    buf[0] = '\0';
    if (ev->tone != ADEM_TONE_NONE) {
        if (ev->f_from == ev->f_to)
            used += (size_t)snprintf(buf, n, "tone %s %g Hz", tones[ev->tone], ev->f_from);
        else
            used += (size_t)snprintf(buf, n, "tone %s %g-%g Hz", tones[ev->tone], ev->f_from,
                                     ev->f_to);
    }
    if (ev->bpm && used < n)
        used += (size_t)snprintf(buf + used, n - used, "%spulse %d/min", used ? ", " : "", ev->bpm);
    if (ev->count_down && used < n)
        snprintf(buf + used, n - used, "%scount down", used ? ", " : "");
}

/* Prints the timeline for people: one line per step, then the total. */
static void show_text(const timeline *tl)
{
    const int rate = timeline_rate(tl);
    tl_cursor c;
    tl_event ev;
    char when[32], len[32], step[160], sound[96];
    int sessions = 0;
    tl_cursor_init(&c, tl);
    printf("%s\n", timeline_title(tl));
    printf("  %-10s  %-34s  %-20s  %s\n", "time", "step", "cue", "sound");
    while (tl_cursor_next(&c, &ev)) {
        if (ev.kind == TL_EV_END)
            break;
        int indent = ev.depth > 1 ? (ev.depth - 1) * 2 : 0;
        const char *cue = ev.cue >= 0 ? timeline_cue(tl, ev.cue)->id : "";
        units_format_clock(ms_of(ev.frame, rate), when, sizeof when);
        units_format_duration(ms_of(ev.frames, rate), len, sizeof len);
        sound[0] = '\0';
        switch (ev.kind) {
        case TL_EV_SESSION:
            if (ev.depth == 0) {
                /* a top-level session: the first one's title heads the list */
                if (sessions++ > 0)
                    printf("  %-10s  %s\n", when, ev.label);
                continue;
            }
            snprintf(step, sizeof step, "play \"%s\" (%s)", ev.label, len);
            break;
        case TL_EV_CUE:
            if (ev.count_number) {
                snprintf(step, sizeof step, "  count %d", ev.count_number);
            } else
                snprintf(step, sizeof step, "speak");
            break;
        case TL_EV_WAIT:
            snprintf(step, sizeof step, "wait %s", len);
            break;
        case TL_EV_PHASE:
            snprintf(step, sizeof step, "%s (%s)", ev.label, len);
            phase_sound(&ev, sound, sizeof sound);
            break;
        case TL_EV_BELL:
            snprintf(step, sizeof step, "bell");
            break;
        case TL_EV_BED:
            if (ev.noise == ADEM_NOISE_OFF)
                snprintf(step, sizeof step, "bed off");
            else
                snprintf(step, sizeof step, "bed %s", ev.noise == ADEM_NOISE_PINK ? "pink" : "brown");
            break;
        case TL_EV_MARK:
            snprintf(step, sizeof step, "mark \"%s\"", ev.label);
            break;
        case TL_EV_REPEAT:
            snprintf(step, sizeof step, "repeat %lldx (%s)%s", (long long)ev.repeat_count, len,
                     ev.for_cycles ? ", whole cycles" : "");
            break;
        case TL_EV_END:
            break;
        }
        printf("  %-10s  %*s%-*s  %-20s  %s\n", when, indent, "", 34 - indent, step, cue, sound);
    }
    int64_t total = timeline_frames(tl);
    units_format_clock(ms_of(total, rate), when, sizeof when);
    printf("total %s (%lld frames at %d Hz)\n", when, (long long)total, rate);
}

/* Writes s as a JSON string (with quotes) to f. */
static void json_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* Prints the compiled timeline as one JSON object for tools. */
static void show_json(const timeline *tl)
{
    static const char *const kinds[] = {"",     "session", "speak", "wait",   "phase",
                                        "bell", "bed",     "mark",  "repeat", "end"};
    static const char *const tones[] = {NULL, "rise", "fall", "steady"};
    const int rate = timeline_rate(tl);
    int64_t total = timeline_frames(tl);
    tl_cursor c;
    tl_event ev;
    printf("{\"title\":");
    json_string(stdout, timeline_title(tl));
    printf(",\"rate\":%d,\"frames\":%lld,\"seconds\":%.6f,\"steps\":[", rate, (long long)total,
           (double)total / rate);
    tl_cursor_init(&c, tl);
    int first = 1;
    while (tl_cursor_next(&c, &ev) && ev.kind != TL_EV_END) {
        printf("%s\n{\"kind\":\"%s\"", first ? "" : ",",
               ev.kind == TL_EV_CUE && ev.count_number ? "count" : kinds[ev.kind]);
        first = 0;
        printf(",\"start_frame\":%lld,\"start\":%.6f,\"duration_frames\":%lld,\"duration\":%.6f",
               (long long)ev.frame, (double)ev.frame / rate, (long long)ev.frames,
               (double)ev.frames / rate);
        printf(",\"depth\":%d,\"label\":", ev.depth);
        json_string(stdout, ev.label);
        printf(",\"cue\":");
        json_string(stdout, ev.cue >= 0 ? timeline_cue(tl, ev.cue)->id : NULL);
        if (ev.cue >= 0)
            printf(",\"cue_frames\":%lld", (long long)ev.cue_frames);
        printf(",\"tone\":");
        json_string(stdout, ev.kind == TL_EV_PHASE ? tones[ev.tone] : NULL);
        if (ev.kind == TL_EV_PHASE && ev.tone != ADEM_TONE_NONE)
            printf(",\"tone_from_hz\":%g,\"tone_to_hz\":%g", ev.f_from, ev.f_to);
        if (ev.bpm)
            printf(",\"pulse_bpm\":%d", ev.bpm);
        if (ev.count_number)
            printf(",\"number\":%d", ev.count_number);
        if (ev.kind == TL_EV_REPEAT)
            printf(",\"count\":%lld", (long long)ev.repeat_count);
        if (ev.kind == TL_EV_BED)
            printf(",\"noise\":\"%s\"", ev.noise == ADEM_NOISE_PINK    ? "pink"
                                        : ev.noise == ADEM_NOISE_BROWN ? "brown"
                                                                      : "off");
        if (ev.file)
            printf(",\"line\":%d", ev.loc.line);
        printf("}");
    }
    printf("\n]}\n");
}

int cmd_show(const cli_opts *o)
{
    adem_diag d;
    diag_clear(&d);
    if (o->nargs == 0) {
        fprintf(stderr, "adem: show needs a SESSION; e.g. adem show 478\n");
        return ADEM_EXIT_INPUT;
    }
    prep_options po;
    cli_prep_options(o, SHOW_RATE, 0, &po);
    prep *p = NULL;
    if (prep_new(o->args, o->nargs, &po, &p, &d) != 0)
        return cli_report(&d);
    if (o->svg) {
        int rc = cmd_show_svg(o, p);
        prep_free(p);
        return rc;
    }
    if (o->json)
        show_json(prep_timeline(p));
    else
        show_text(prep_timeline(p));
    prep_free(p);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "adem: writing to standard output failed\n");
        return ADEM_EXIT_RUNTIME;
    }
    return 0;
}

int cmd_check(const cli_opts *o)
{
    if (o->nargs == 0) {
        fprintf(stderr, "adem: check needs a FILE; e.g. adem check mijn-sessie.adem\n");
        return ADEM_EXIT_INPUT;
    }
    int worst = 0;
    for (int i = 0; i < o->nargs; i++) {
        adem_diag d;
        diag_clear(&d);
        prep_options po;
        /* the cues' files are found, opened and their headers checked; they
         * are not decoded (that is render's and play's work, as they go) */
        cli_prep_options(o, SHOW_RATE, 0, &po);
        prep *p = NULL;
        if (prep_new(&o->args[i], 1, &po, &p, &d) != 0) {
            int st = cli_report(&d);
            worst = st > worst ? st : worst;
        }
        prep_free(p);
    }
    return worst;
}

typedef struct list_ctx {
    const cli_opts *o;
    int status;
    int count;
} list_ctx;

/* Prints one row of `adem list`. */
static int list_one(const session_entry *e, void *ctx)
{
    list_ctx *c = ctx;
    if (e->hidden)
        return 0;
    adem_diag d;
    diag_clear(&d);
    prep_options po;
    tl_options to = c->o->tl; /* each session as it is: no overrides */
    to.nsets = 0;
    cli_prep_options(c->o, SHOW_RATE, 0, &po);
    po.tl = &to;
    prep *p = NULL;
    const char *path = e->path;
    char len[32] = "?";
    const char *title = "(invalid: see adem check)", *desc = "";
    if (prep_new(&path, 1, &po, &p, &d) == 0) {
        units_format_clock(ms_of(timeline_frames(prep_timeline(p)), SHOW_RATE), len, sizeof len);
        char *dot = strchr(len, '.');
        if (dot)
            *dot = '\0'; /* whole seconds are enough here */
        title = prep_session(p, 0)->title;
        desc = prep_session(p, 0)->description ? prep_session(p, 0)->description : "";
    } else {
        int st = cli_report(&d);
        c->status = st > c->status ? st : c->status;
    }
    printf("%-12s %-32s %8s  %s%s\n", e->name, title, len, desc,
           e->replaces ? "  [yours, replaces the built-in]" : e->user ? "  [yours]" : "");
    c->count++;
    prep_free(p);
    return 0;
}

int cmd_list(const cli_opts *o)
{
    list_ctx c = {o, 0, 0};
    printf("%-12s %-32s %8s  %s\n", "name", "title", "length", "description");
    sessions_each(list_one, &c);
    if (c.count == 0) {
        fprintf(stderr, "adem: no sessions found; is adem installed completely? (set ADEM_DATA_DIR "
                        "to the folder with sessions/ and voices/)\n");
        return ADEM_EXIT_RUNTIME;
    }
    return c.status;
}
