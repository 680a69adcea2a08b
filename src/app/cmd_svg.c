/* cmd_svg: `adem show --svg FILE SESSION`, the picture of a session (svg.h).
 * The words of each cue come from the transcript.tsv beside the cue's file
 * (the pack that really speaks it), read once per folder. The file is written
 * beside FILE under a temporary name and renamed when complete (part_file.h),
 * as render does; "-" writes to stdout. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/stdout_check.h"
#include "io/part_file.h"
#include "io/paths.h"
#include "io/prepare.h"
#include "io/svg.h"
#include "io/transcript.h"

enum { SVG_PATH_MAX = 4096 };

/* A voice-pack folder and its transcript (NULL when it has none or it cannot
 * be read: the cue IDs are drawn then). */
typedef struct pack_words {
    char dir[SVG_PATH_MAX];
    transcript *t;
} pack_words;

typedef struct words_ctx {
    const prep *p;
    pack_words *packs;
    int n, cap;
} words_ctx;

/* svg_words_fn: the transcript's words for cue i, or NULL. */
static const char *words_of(void *ctx, int cue)
{
    words_ctx *w = ctx;
    const char *file = voicepack_file(prep_voicepack(w->p), cue);
    if (!file)
        return NULL;
    char dir[SVG_PATH_MAX];
    paths_dirname(file, dir, sizeof dir);
    int k = 0;
    while (k < w->n && strcmp(w->packs[k].dir, dir) != 0)
        k++;
    if (k == w->n) {
        if (w->n == w->cap) {
            int cap = w->cap ? w->cap * 2 : 4;
            pack_words *np = realloc(w->packs, (size_t)cap * sizeof *np);
            if (!np)
                return NULL;
            w->packs = np;
            w->cap = cap;
        }
        pack_words *pw = &w->packs[w->n++];
        snprintf(pw->dir, sizeof pw->dir, "%s", dir);
        pw->t = NULL;
        char path[SVG_PATH_MAX];
        adem_diag d;
        diag_clear(&d);
        if (paths_join(path, sizeof path, dir, "transcript.tsv") == 0 &&
            transcript_read(path, &pw->t, &d) != 0)
            pw->t = NULL; /* no words: the picture shows the cue IDs */
    }
    const pack_words *pw = &w->packs[k];
    return pw->t ? transcript_lookup(pw->t, timeline_cue(prep_timeline(w->p), cue)->id) : NULL;
}

/* Writes the picture to o->svg or stdout; the exit status. */
int cmd_show_svg(const cli_opts *o, const prep *p)
{
    adem_diag d;
    diag_clear(&d);
    if (o->json) {
        fprintf(stderr, "adem: show takes --json or --svg, not both; run it twice for both\n");
        return ADEM_EXIT_INPUT;
    }
    words_ctx w = {p, NULL, 0, 0};
    svg_options so;
    svg_options_init(&so);
    so.words = words_of;
    so.words_ctx = &w;
    const ast_session *s = prep_session(p, 0);
    so.subtitle = s && o->nargs == 1 ? s->description : NULL; /* one session's */
    int rc = 0;
    if (strcmp(o->svg, "-") == 0) {
        /* a failed write to stdout is said as for every command */
        if (svg_write(stdout, prep_timeline(p), &so, &d) != 0) {
            int e = errno; /* svg_write's last call is the failed flush */
            rc = ferror(stdout) ? stdout_report(e) : cli_report(&d);
        }
    } else {
        char *tmp = NULL;
        FILE *f = part_file_create(o->svg, &tmp, &d);
        if (!f)
            rc = cli_report(&d);
        else if (svg_write(f, prep_timeline(p), &so, &d) != 0) {
            int e = errno; /* svg_write's last call is the failed flush */
            if (ferror(f))
                diag_runtime(&d, "writing '%s' failed: %s; check the disk and try again", o->svg,
                             e ? strerror(e) : "a write was refused");
            part_file_discard(f, tmp);
            rc = cli_report(&d);
        } else if (part_file_commit(f, tmp, o->svg, &d) != 0)
            rc = cli_report(&d);
    }
    for (int i = 0; i < w.n; i++)
        transcript_free(w.packs[i].t);
    free(w.packs);
    return rc;
}
