/* cmd_voices: `adem voices` — the installed voice packs (shipped and the
 * user's), how many cues each has, and which cues of the built-in sessions
 * each lacks (those are spoken from the nl pack instead). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "base/dupstr.h"
#include "io/paths.h"
#include "sys/platform.h"
#include "lang/session_parse.h"
#include "io/sessions.h"
#include "timeline/timeline.h"

enum { PATH_LEN = 4096, MAX_IDS = 4096 };

/* A set of cue IDs (small; linear search is fine). */
typedef struct idset {
    char *v[MAX_IDS];
    int n;
} idset;

/* Adds id to s unless it is there already. */
static void idset_add(idset *s, const char *id, size_t len)
{
    for (int i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && strncmp(s->v[i], id, len) == 0)
            return;
    if (s->n == MAX_IDS)
        return;
    char *c = dupstr_n(id, len);
    if (!c)
        return;
    s->v[s->n++] = c;
}

static void idset_free(idset *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->v[i]);
    s->n = 0;
}

/* Collects the cue IDs of one shipped session into the idset ctx. */
static int collect_session(const session_entry *e, void *ctx)
{
    idset *ids = ctx;
    if (e->user)
        return 0;
    session_set *ss = sessions_new();
    const ast_session *s;
    const char *key;
    adem_diag d;
    timeline *tl = NULL;
    if (ss && sessions_load(ss, e->path, NULL, &s, &key, &d) == 0) {
        tl_options o;
        tl_options_init(&o);
        o.tempo_milli = TL_TEMPO_MIN; /* the slowest tempo needs the most count=down numbers */
        tl_loader ld = {&key, sessions_load, ss};
        if (timeline_build(&s, 1, &o, &ld, &tl, &d) == 0)
            for (int i = 0; i < timeline_ncues(tl); i++)
                idset_add(ids, timeline_cue(tl, i)->id, strlen(timeline_cue(tl, i)->id));
    }
    timeline_free(tl);
    sessions_free(ss);
    return 0;
}

/* Collects the cue IDs a pack folder has audio files for. */
static int collect_file(const char *name, void *ctx)
{
    idset *ids = ctx;
    const char *dot = strrchr(name, '.');
    if (!dot || (strcmp(dot, ".ogg") != 0 && strcmp(dot, ".flac") != 0 && strcmp(dot, ".wav") != 0))
        return 0;
    if (session_valid_name(name, (size_t)(dot - name)))
        idset_add(ids, name, (size_t)(dot - name));
    return 0;
}

typedef struct pack_ctx {
    const char *root; /* the folder holding packs */
    int user;
    const idset *needed;
    const idset *user_names; /* packs the user has (a user's nl extends the shipped nl) */
    int count;
} pack_ctx;

/* 1 if set s contains id. */
static int has(const idset *s, const char *id)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->v[i], id) == 0)
            return 1;
    return 0;
}

/* Prints one pack's line. */
static int print_pack(const char *name, void *ctx)
{
    pack_ctx *c = ctx;
    char dir[PATH_LEN];
    if (!session_valid_name(name, strlen(name)) || paths_join(dir, sizeof dir, c->root, name) != 0 ||
        !platform_is_dir(dir))
        return 0;
    idset cues = {0};
    platform_list_dir(dir, collect_file, &cues);
    int lacking = 0;
    char list[512] = "";
    size_t used = 0;
    for (int i = 0; i < c->needed->n; i++) {
        if (has(&cues, c->needed->v[i]))
            continue;
        if (lacking < 8 && used < sizeof list)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", lacking ? ", " : "",
                                     c->needed->v[i]);
        lacking++;
    }
    const char *where = c->user ? (strcmp(name, "nl") == 0 ? "yours (over nl)" : "yours")
                                : (has(c->user_names, name) ? "shipped (yours first)" : "shipped");
    printf("%-12s %-22s %5d  ", name, where, cues.n);
    if (lacking == 0)
        printf("complete for the built-in sessions\n");
    else if (!c->user && strcmp(name, "nl") == 0)
        printf("lacks %d cue%s of the built-in sessions: %s%s\n", lacking, lacking == 1 ? "" : "s",
               list, lacking > 8 ? ", ..." : "");
    else
        printf("lacks %d of the built-ins' cues (spoken from nl): %s%s\n", lacking, list,
               lacking > 8 ? ", ..." : "");
    c->count++;
    idset_free(&cues);
    return 0;
}

/* Collects folder names (packs) of root into the idset ctx. */
static int collect_dir(const char *name, void *ctx)
{
    idset_add(ctx, name, strlen(name));
    return 0;
}

int cmd_voices(const cli_opts *o)
{
    (void)o;
    static idset needed, user_names;
    char shipped[PATH_LEN] = "", user[PATH_LEN] = "";
    const char *data = paths_data_dir(), *home = paths_user_dir();
    sessions_each(collect_session, &needed);
    if (home && paths_join(user, sizeof user, home, "voices") == 0)
        platform_list_dir(user, collect_dir, &user_names);
    printf("%-12s %-22s %5s  %s\n", "pack", "where", "cues", "for the built-in sessions");
    pack_ctx c = {NULL, 0, &needed, &user_names, 0};
    if (data && paths_join(shipped, sizeof shipped, data, "voices") == 0) {
        c.root = shipped;
        platform_list_dir(shipped, print_pack, &c);
    }
    if (user[0]) {
        c.root = user;
        c.user = 1;
        platform_list_dir(user, print_pack, &c);
    }
    int count = c.count;
    idset_free(&needed);
    idset_free(&user_names);
    if (count == 0) {
        fprintf(stderr, "adem: no voice packs found; is adem installed completely? (set "
                        "ADEM_DATA_DIR to the folder with sessions/ and voices/)\n");
        return ADEM_EXIT_RUNTIME;
    }
    return 0;
}
