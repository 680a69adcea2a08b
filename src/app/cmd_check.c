/* cmd_check: `adem check` — every independent mistake of a session file in
 * one run, and warnings about what is valid but probably not meant.
 *
 * A file is checked in rounds, each going on after a mistake:
 *   1. the text: sessions_parse_file_collect (one line per mistake);
 *   2. with no mistake there: the timeline with the options (--set, --voice,
 *      --tempo), timeline_check, which also follows `play` lines;
 *   3. the voice cues the file names (from the timeline, or when the text has
 *      mistakes from the statements that were read): each on its own, so each
 *      missing cue is reported;
 *   4. with no mistake so far: the whole preparation as `play` does it (cue
 *      lengths, decoding, the 24-hour limit), then the warnings.
 * At most ADEM_DIAG_LIST_MAX lines are printed per file, then how many more.
 * Warnings (exit status 0) are lines starting "adem: warning:". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/ui_term.h"
#include "io/paths.h"
#include "io/prepare.h"
#include "io/sessions.h"
#include "io/voicepack.h"
#include "lang/session_parse.h"
#include "rt/cursor.h"

enum { CHECK_RATE = 48000, PATH_LEN = 4096 };

/* 1 if s ends with ".m3u" (any case). */
static int is_m3u(const char *s)
{
    size_t n = strlen(s);
    if (n < 4)
        return 0;
    const char *e = s + n - 4;
    return e[0] == '.' && (e[1] | 0x20) == 'm' && (e[2] | 0x20) == '3' && (e[3] | 0x20) == 'u';
}

/* The folders voice packs are looked for in (as prepare.c has them). */
typedef struct check_dirs {
    char builtin[PATH_LEN], user[PATH_LEN];
    vp_dirs dirs;
} check_dirs;

static void dirs_init(check_dirs *c)
{
    const char *data = paths_data_dir(), *user = paths_user_dir();
    c->dirs.builtin = data && paths_join(c->builtin, PATH_LEN, data, "voices") == 0 ? c->builtin : NULL;
    c->dirs.user = user && paths_join(c->user, PATH_LEN, user, "voices") == 0 ? c->user : NULL;
}

/* Checks that voice cue c exists (on its own, so that every missing cue is
 * reported); adds the mistake to errs. */
static void check_cue(const tl_cue *c, const check_dirs *cd, adem_diag_list *errs)
{
    voicepack *vp = NULL;
    adem_diag d;
    diag_clear(&d);
    if (voicepack_resolve(c, 1, &cd->dirs, &vp, &d) != 0)
        diag_list_add(errs, &d);
    voicepack_free(vp);
}

/* Checks the cues named by the statements from n on (a session whose text has
 * mistakes: only what was read, in pack `pack`). */
static void check_ast_cues(const ast_session *s, const ast_node *n, const char *pack, const check_dirs *cd,
                           adem_diag_list *errs)
{
    for (; n; n = n->next) {
        tl_cue c = {pack, NULL, s->path, {0, 0}};
        if (n->kind == AST_SPEAK) {
            c.id = n->u.speak.cue;
            c.loc = n->u.speak.cue_loc;
        } else if (n->kind == AST_PHASE && n->u.phase.cue) {
            c.id = n->u.phase.cue;
            c.loc = n->u.phase.cue_loc;
        } else if (n->kind == AST_REPEAT || n->kind == AST_REPEAT_FOR) {
            check_ast_cues(s, n->u.repeat.body, pack, cd, errs);
        }
        if (c.id)
            check_cue(&c, cd, errs);
    }
}

/* Adds warning d to l unless l has one of its kind (the first word of its
 * message) for the same statement already: a repeat says it once. */
static void warn_add(adem_diag_list *l, const adem_diag *d)
{
    for (int i = 0; i < l->n; i++)
        if (l->item[i].line == d->line && strcmp(l->item[i].file, d->file) == 0 &&
            strncmp(l->item[i].msg, d->msg, 4) == 0)
            return;
    if (l->n < ADEM_DIAG_LIST_MAX)
        l->item[l->n++] = *d;
    else
        l->more++;
}

/* Prints "adem: warning: FILE:LINE:COL: ..." lines for the laid-out timeline:
 * a voice cue that is still speaking when the next cue starts, and a label
 * longer than the live display shows (UI_LABEL_COLS). One per statement. */
static void warnings(const timeline *tl, adem_diag_list *warns)
{
    const int rate = timeline_rate(tl);
    tl_cursor c;
    tl_event ev;
    adem_diag d;
    int64_t prev_end = -1;
    tl_event prev;
    memset(&prev, 0, sizeof prev);
    tl_cursor_init(&c, tl);
    while (tl_cursor_next(&c, &ev) && ev.kind != TL_EV_END) {
        if ((ev.kind == TL_EV_PHASE || ev.kind == TL_EV_MARK) && ev.label && ev.file &&
            ui_columns(ev.label) > UI_LABEL_COLS) {
            diag_set(&d, ev.file, ev.loc.line, ev.loc.col,
                     "the label \"%s\" has %d characters, the live display shows %d; shorten it (the "
                     "rest is cut off with ...)",
                     ev.label, ui_columns(ev.label), UI_LABEL_COLS);
            warn_add(warns, &d);
        }
        int speaks = ev.cue >= 0 && (ev.kind == TL_EV_CUE || ev.kind == TL_EV_PHASE);
        if (!speaks)
            continue;
        if (prev_end > ev.frame && prev.file) {
            int64_t over = prev_end - ev.frame;
            diag_set(&d, prev.file, prev.loc.line, prev.loc.col,
                     "cue '%s' is still speaking when cue '%s' starts (line %d): %lld.%02lld s of "
                     "overlap; give it more time before the next cue, or a shorter cue",
                     timeline_cue(tl, prev.cue)->id, timeline_cue(tl, ev.cue)->id, ev.loc.line,
                     (long long)(over / rate), (long long)(over % rate * 100 / rate));
            warn_add(warns, &d);
        }
        if (ev.frame + ev.cue_frames > prev_end) { /* the cue that ends last */
            prev = ev;
            prev_end = ev.frame + ev.cue_frames;
        }
    }
}

/* Orders the kept diagnostics by file (the checked one first) and line,
 * keeping the order of equal ones. */
static void sort_by_line(adem_diag_list *l, const char *path)
{
    for (int i = 1; i < l->n; i++) {
        adem_diag x = l->item[i];
        int xo = strcmp(x.file, path) != 0;
        int j = i - 1;
        for (; j >= 0; j--) {
            const adem_diag *y = &l->item[j];
            int yo = strcmp(y->file, path) != 0;
            if (yo < xo || (yo == xo && (yo || y->line <= x.line)))
                break;
            l->item[j + 1] = *y;
        }
        l->item[j + 1] = x;
    }
}

/* Checks one FILE argument; prints its mistakes or warnings. Returns the
 * exit status for it. */
static int check_one(const cli_opts *o, const char *arg, adem_diag_list *errs, adem_diag_list *warns)
{
    adem_diag d;
    char path[PATH_LEN];
    check_dirs cd;
    diag_list_clear(errs);
    diag_list_clear(warns);
    diag_clear(&d);
    dirs_init(&cd);
    prep_options po;
    /* decode the cues too: a cue damaged after its header is found now,
     * not in front of a class */
    cli_prep_options(o, CHECK_RATE, 1, &po);
    snprintf(path, sizeof path, "%s", arg);
    if (!is_m3u(arg) && sessions_resolve(arg, NULL, path, sizeof path, &d) != 0)
        return cli_report(&d);
    if (!is_m3u(arg)) {
        ast_session *s = NULL;
        sessions_parse_file_collect(path, &s, errs);
        if (s && diag_list_count(errs) > 0 && !s->voice_bad) {
            const char *pack = o->tl.voice ? o->tl.voice : s->voice ? s->voice : "nl";
            check_ast_cues(s, s->body, pack, &cd, errs);
        } else if (s) {
            session_set *ss = sessions_new();
            const ast_session *top = NULL;
            const char *key = NULL;
            timeline *tl = NULL;
            if (!ss) {
                diag_runtime(&d, "out of memory");
                diag_list_add(errs, &d);
            } else if (sessions_load(ss, arg, NULL, &top, &key, &d) != 0) {
                diag_list_add(errs, &d);
            } else {
                tl_loader ld = {&key, sessions_load, ss};
                timeline_check(&top, 1, &o->tl, &ld, &tl, errs);
                for (int i = 0; tl && i < timeline_ncues(tl); i++)
                    check_cue(timeline_cue(tl, i), &cd, errs);
            }
            timeline_free(tl);
            sessions_free(ss);
        }
        session_free(s);
    }
    if (diag_list_count(errs) == 0) {
        prep *p = NULL;
        if (prep_new(&arg, 1, &po, &p, &d) != 0)
            diag_list_add(errs, &d);
        else
            warnings(prep_timeline(p), warns);
        prep_free(p);
    }
    FILE *err = stderr;
    int status = 0;
    sort_by_line(errs, path);
    for (int i = 0; i < errs->n; i++) {
        diag_print(&errs->item[i], err);
        if (errs->item[i].status > status)
            status = errs->item[i].status;
    }
    if (errs->more > 0)
        fprintf(err, "adem: and %d more mistake%s in %s; mend these and run adem check again\n", errs->more,
                errs->more == 1 ? "" : "s", arg);
    for (int i = 0; i < warns->n; i++) {
        char line[ADEM_DIAG_FILE_MAX + ADEM_DIAG_MSG_MAX + 64];
        diag_format(&warns->item[i], line, sizeof line);
        fprintf(err, "adem: warning: %s\n", line + strlen("adem: "));
    }
    if (warns->more > 0)
        fprintf(err, "adem: warning: and %d more in %s\n", warns->more, arg);
    return status;
}

int cmd_check(const cli_opts *o)
{
    if (o->nargs == 0) {
        fprintf(stderr, "adem: check needs a FILE; e.g. adem check mijn-sessie.adem\n");
        return ADEM_EXIT_INPUT;
    }
    adem_diag_list *errs = malloc(sizeof *errs), *warns = malloc(sizeof *warns);
    if (!errs || !warns) {
        free(errs);
        free(warns);
        fprintf(stderr, "adem: out of memory\n");
        return ADEM_EXIT_RUNTIME;
    }
    int worst = 0;
    for (int i = 0; i < o->nargs; i++) {
        int st = check_one(o, o->args[i], errs, warns);
        worst = st > worst ? st : worst;
    }
    free(errs);
    free(warns);
    return worst;
}
