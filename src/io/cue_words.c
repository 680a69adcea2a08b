/* cue_words: each cue's words from its pack's transcript (see cue_words.h). */
#include "io/cue_words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/transcript.h"

struct cue_words {
    int n;
    const char **words;  /* per cue: into one of the transcripts, or NULL */
    transcript **tr;     /* the transcripts read, one per folder */
    char **dirs;         /* their folders */
    int ntr;
};

/* The folder part of path (without the last '/'), in a new string. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    memcpy(s, slash ? path : ".", n);
    s[n] = '\0';
    return s;
}

/* The transcript of folder dir, read once (NULL when it has none or it does
 * not read). Returns -1 when out of memory. */
static int transcript_of(cue_words *w, const char *dir, const transcript **out)
{
    for (int i = 0; i < w->ntr; i++)
        if (strcmp(w->dirs[i], dir) == 0) {
            *out = w->tr[i];
            return 0;
        }
    size_t n = strlen(dir) + sizeof "/transcript.tsv";
    char *path = malloc(n);
    char *copy = malloc(strlen(dir) + 1);
    if (!path || !copy) {
        free(path);
        free(copy);
        return -1;
    }
    snprintf(path, n, "%s/transcript.tsv", dir);
    strcpy(copy, dir);
    transcript *t = NULL;
    adem_diag d;
    diag_clear(&d);
    if (transcript_read(path, &t, &d) != 0)
        t = NULL; /* no words: the display says "luister" */
    free(path);
    w->tr[w->ntr] = t;
    w->dirs[w->ntr++] = copy;
    *out = t;
    return 0;
}

cue_words *cue_words_load(const voicepack *vp, const timeline *tl)
{
    cue_words *w = calloc(1, sizeof *w);
    int n = timeline_ncues(tl);
    if (!w)
        return NULL;
    w->n = n;
    w->words = calloc((size_t)(n ? n : 1), sizeof *w->words);
    w->tr = calloc((size_t)(n ? n : 1), sizeof *w->tr);
    w->dirs = calloc((size_t)(n ? n : 1), sizeof *w->dirs);
    if (!w->words || !w->tr || !w->dirs) {
        cue_words_free(w);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        const char *file = voicepack_file(vp, i);
        if (!file)
            continue;
        char *dir = folder_of(file);
        const transcript *t = NULL;
        int rc = dir ? transcript_of(w, dir, &t) : -1;
        free(dir);
        if (rc != 0) {
            cue_words_free(w);
            return NULL;
        }
        if (t)
            w->words[i] = transcript_lookup(t, timeline_cue(tl, i)->id);
    }
    return w;
}

const char *const *cue_words_table(const cue_words *w)
{
    return w ? w->words : NULL;
}

int cue_words_count(const cue_words *w)
{
    return w ? w->n : 0;
}

void cue_words_free(cue_words *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->ntr; i++) {
        transcript_free(w->tr[i]);
        free(w->dirs[i]);
    }
    free(w->tr);
    free(w->dirs);
    free(w->words);
    free(w);
}
