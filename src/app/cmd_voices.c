/* cmd_voices: `adem voices` — the installed voice packs (shipped and the
 * user's), how many cues each has, and which cues of the built-in sessions
 * each lacks (those are spoken from the nl pack instead); `adem voices PACK`
 * — every cue of one pack with its words, for writing sessions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "base/dupstr.h"
#include "io/paths.h"
#include "sys/platform.h"
#include "lang/session_parse.h"
#include "io/sessions.h"
#include "io/transcript.h"
#include "base/textdist.h"
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

/* Orders C strings (for qsort). */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Offers a pack folder's name as a suggestion (a textdist_near ctx). */
static int near_pack(const char *name, void *ctx)
{
    textdist_near_try(ctx, name);
    return 0;
}

/* `adem voices PACK`: each cue ID of the pack (the user's folder and the
 * shipped one by that name, or the folder PACK) with its words from
 * transcript.tsv, sorted by ID; a cue without a recording or without words
 * says so. Returns the exit status. */
static int list_pack(const char *pack)
{
    char dirs[2][PATH_LEN], path[PATH_LEN];
    int nd = 0;
    const char *data = paths_data_dir(), *home = paths_user_dir();
    char shipped[PATH_LEN] = "", user[PATH_LEN] = "";
    if (home)
        paths_join(user, sizeof user, home, "voices");
    if (data)
        paths_join(shipped, sizeof shipped, data, "voices");
    if (!session_valid_name(pack, strlen(pack))) { /* a folder */
        if (platform_is_dir(pack))
            snprintf(dirs[nd++], PATH_LEN, "%s", pack);
    } else {
        if (user[0] && paths_join(dirs[nd], PATH_LEN, user, pack) == 0 && platform_is_dir(dirs[nd]))
            nd++;
        if (shipped[0] && paths_join(dirs[nd], PATH_LEN, shipped, pack) == 0 && platform_is_dir(dirs[nd]))
            nd++;
    }
    if (nd == 0) {
        textdist_near near;
        textdist_near_init(&near, pack, strlen(pack));
        if (user[0])
            platform_list_dir(user, near_pack, &near);
        if (shipped[0])
            platform_list_dir(shipped, near_pack, &near);
        if (textdist_near_best(&near))
            fprintf(stderr, "adem: no voice pack '%s'; did you mean '%s'? (adem voices lists the packs)\n", pack,
                    textdist_near_best(&near));
        else
            fprintf(stderr, "adem: no voice pack '%s'; adem voices lists the packs, or give a pack's folder\n",
                    pack);
        return ADEM_EXIT_INPUT;
    }
    static idset ids, recorded;
    transcript *tr[2] = {NULL, NULL};
    for (int i = 0; i < nd; i++) {
        platform_list_dir(dirs[i], collect_file, &recorded);
        adem_diag d;
        diag_clear(&d);
        if (paths_join(path, sizeof path, dirs[i], "transcript.tsv") == 0 && platform_is_file(path) &&
            transcript_read(path, &tr[i], &d) != 0) {
            cli_report(&d);
            transcript_free(tr[0]);
            idset_free(&recorded);
            return d.status;
        }
        for (int k = 0; tr[i] && k < transcript_count(tr[i]); k++)
            idset_add(&ids, transcript_id(tr[i], k), strlen(transcript_id(tr[i], k)));
    }
    for (int i = 0; i < recorded.n; i++)
        idset_add(&ids, recorded.v[i], strlen(recorded.v[i]));
    if (ids.n > 1) /* (qsort takes no NULL, even for nothing) */
        qsort(ids.v, (size_t)ids.n, sizeof ids.v[0], cmp_str);
    int width = 8;
    for (int i = 0; i < ids.n; i++)
        if ((int)strlen(ids.v[i]) > width)
            width = (int)strlen(ids.v[i]);
    printf("%s: %d cue%s (%s%s%s)\n", pack, ids.n, ids.n == 1 ? "" : "s", dirs[0], nd > 1 ? ", then " : "",
           nd > 1 ? dirs[1] : "");
    for (int i = 0; i < ids.n; i++) {
        const char *words = NULL;
        for (int k = 0; k < nd && !words; k++)
            words = tr[k] ? transcript_lookup(tr[k], ids.v[i]) : NULL;
        printf("%-*s  %s%s\n", width, ids.v[i], words ? words : "(no words in transcript.tsv)",
               has(&recorded, ids.v[i]) ? "" : "  [not recorded]");
    }
    transcript_free(tr[0]);
    transcript_free(tr[1]);
    idset_free(&ids);
    idset_free(&recorded);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "adem: writing to standard output failed\n");
        return ADEM_EXIT_RUNTIME;
    }
    return 0;
}

int cmd_voices(const cli_opts *o)
{
    if (o->nargs > 1) {
        fprintf(stderr, "adem: voices takes at most one PACK; e.g. adem voices nl\n");
        return ADEM_EXIT_INPUT;
    }
    if (o->nargs == 1)
        return list_pack(o->args[0]);
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
