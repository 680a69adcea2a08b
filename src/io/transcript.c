/* transcript: a voice pack's transcript.tsv, read and checked (see
 * transcript.h). One pass over the bytes, line by line; IDs go into an
 * open-addressing hash table as they are read, so a repeated ID is found at
 * once and lookups cost O(1). Strings live in an arena freed all at once. */
#include "io/transcript.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "sys/platform.h"
#include "lang/session_parse.h" /* session_valid_name */

/* Longest piece of the file quoted back in a message, in bytes. */
enum { TR_SHOW_MAX = 48, TR_SHOW_BUF = TR_SHOW_MAX + 4 };

typedef struct tr_entry {
    const char *id;
    const char *text;
    int line;
} tr_entry;

struct transcript {
    arena *a;
    tr_entry *e;
    int n, cap;
    int *slots;    /* index + 1 into e, 0 = empty */
    size_t nslots; /* a power of two, > 2 * n */
};

/* The parse in progress: the text, where we are, where errors go. */
typedef struct tr_parser {
    const char *path;
    adem_diag *d;
    transcript *t;
    int line;
} tr_parser;

/* Reports running out of memory (status 1); returns -1. */
static int tr_oom(adem_diag *d)
{
    return diag_runtime(d, "out of memory while reading a transcript; close other programs and try again");
}

/* FNV-1a hash of the n bytes at s. */
static size_t tr_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The slot holding the ID s[0..n), or the empty slot where it would go. */
static size_t tr_slot(const transcript *t, const char *s, size_t n)
{
    size_t mask = t->nslots - 1;
    for (size_t i = tr_hash(s, n) & mask;; i = (i + 1) & mask) {
        int k = t->slots[i];
        if (k == 0)
            return i;
        const char *id = t->e[k - 1].id;
        if (strncmp(id, s, n) == 0 && id[n] == '\0')
            return i;
    }
}

/* Grows the hash table so that it keeps more than twice as many slots as
 * entries. Returns 0, or -1 when out of memory. */
static int tr_grow_slots(transcript *t)
{
    if (t->nslots > (size_t)t->n * 2 + 2)
        return 0;
    size_t ns = t->nslots ? t->nslots * 2 : 64;
    int *slots = calloc(ns, sizeof *slots);
    if (!slots)
        return -1;
    free(t->slots);
    t->slots = slots;
    t->nslots = ns;
    for (int k = 0; k < t->n; k++)
        t->slots[tr_slot(t, t->e[k].id, strlen(t->e[k].id))] = k + 1;
    return 0;
}

/* Copies at most TR_SHOW_MAX bytes of s[0..n) into buf for a message, ending
 * with "..." when cut, never inside a UTF-8 sequence. */
static void tr_show(const char *s, size_t n, char *buf)
{
    size_t k = n;
    int cut = 0;
    if (k > TR_SHOW_MAX) {
        k = TR_SHOW_MAX;
        while (k > 0 && utf8_is_cont((unsigned char)s[k]))
            k--;
        cut = 1;
    }
    memcpy(buf, s, k);
    if (cut) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
}

/* Checks one line's content s[0..n) (no line break) character by character:
 * valid UTF-8, no control character but the one tab, not too long. Sets *tab
 * to the tab's offset (n when there is none) and *tabcol to its column.
 * Returns 0, or -1 with P->d set at the offending column. */
static int tr_check_line(tr_parser *P, const unsigned char *s, size_t n, size_t *tab, int *tabcol)
{
    const unsigned char *p = s, *e = s + n;
    int col = 1;
    *tab = n;
    *tabcol = 0;
    while (p < e) {
        unsigned c = *p;
        if (col > TRANSCRIPT_MAX_LINE)
            return diag_set(P->d, P->path, P->line, col,
                            "this line is longer than %d characters; shorten the cue's text",
                            TRANSCRIPT_MAX_LINE);
        if (c == '\t') {
            if (*tab != n)
                return diag_set(P->d, P->path, P->line, col,
                                "a second tab in this line; write ID<TAB>text with one tab, and "
                                "spaces inside the text");
            *tab = (size_t)(p - s);
            *tabcol = col;
            p++;
        } else if (c == 0) {
            return diag_set(P->d, P->path, P->line, col,
                            "NUL byte in the transcript; save it as UTF-8 text");
        } else if (c < 0x20 || c == 0x7F) {
            return diag_set(P->d, P->path, P->line, col,
                            "control character U+%04X is not allowed; remove it (a line is "
                            "ID<TAB>text)",
                            c);
        } else if (c < 0x80) {
            p++;
        } else {
            uint32_t cp = 0;
            size_t k = utf8_decode(p, (size_t)(e - p), &cp);
            if (k == 0)
                return diag_set(P->d, P->path, P->line, col,
                                "invalid UTF-8; save the transcript as UTF-8 text");
            if (cp <= 0x9F)
                return diag_set(P->d, P->path, P->line, col,
                                "control character U+%04lX is not allowed; remove it",
                                (unsigned long)cp);
            p += k;
        }
        col++;
    }
    return 0;
}

/* 1 if s[0..n) holds only spaces and tabs. */
static int tr_blank(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

/* Reads one line's content s[0..n): ID<TAB>text, or blank. Returns 0, or -1
 * with P->d set. */
static int tr_line(tr_parser *P, const unsigned char *s, size_t n)
{
    char show[TR_SHOW_BUF];
    size_t tab;
    int tabcol;
    transcript *t = P->t;
    if (tr_check_line(P, s, n, &tab, &tabcol) != 0)
        return -1;
    if (tr_blank(s, n))
        return 0;
    if (tab == n) {
        const unsigned char *sp = memchr(s, ' ', n);
        if (sp) {
            tr_show((const char *)s, (size_t)(sp - s), show);
            return diag_set(P->d, P->path, P->line, 1 + (int)(sp - s),
                            "no tab in this line; put one tab (not spaces) between the cue ID "
                            "'%s' and its words",
                            show);
        }
        tr_show((const char *)s, n, show);
        return diag_set(P->d, P->path, P->line, 1,
                        "'%s' has no text; write ID<TAB>text: the cue ID, one tab, the words it "
                        "says",
                        show);
    }
    if (!session_valid_name((const char *)s, tab)) {
        if (tab == 0)
            return diag_set(P->d, P->path, P->line, 1,
                            "the cue ID is missing before the tab; write ID<TAB>text");
        tr_show((const char *)s, tab, show);
        return diag_set(P->d, P->path, P->line, 1,
                        "'%s' is not a valid cue ID; use ASCII letters, digits, '_' and '-' "
                        "(at most 64)",
                        show);
    }
    if (tr_blank(s + tab + 1, n - tab - 1)) {
        tr_show((const char *)s, tab, show);
        return diag_set(P->d, P->path, P->line, tabcol + 1,
                        "cue '%s' has no text after the tab; write the words it says", show);
    }
    if (tr_grow_slots(t) != 0)
        return tr_oom(P->d);
    size_t slot = tr_slot(t, (const char *)s, tab);
    if (t->slots[slot] != 0) {
        tr_show((const char *)s, tab, show);
        return diag_set(P->d, P->path, P->line, 1,
                        "cue '%s' appears twice (first on line %d); give each cue its own ID "
                        "or remove one line",
                        show, t->e[t->slots[slot] - 1].line);
    }
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 64;
        tr_entry *ne = realloc(t->e, (size_t)cap * sizeof *ne);
        if (!ne)
            return tr_oom(P->d);
        t->e = ne;
        t->cap = cap;
    }
    tr_entry *en = &t->e[t->n];
    en->id = arena_strndup(t->a, (const char *)s, tab);
    en->text = arena_strndup(t->a, (const char *)s + tab + 1, n - tab - 1);
    en->line = P->line;
    if (!en->id || !en->text)
        return tr_oom(P->d);
    t->slots[slot] = ++t->n;
    return 0;
}

/* Parses the bytes line by line (see transcript.h); 0, or -1 with d set. */
int transcript_parse(const char *path, const char *text, size_t len, transcript **out,
                     adem_diag *d)
{
    *out = NULL;
    if (len > TRANSCRIPT_MAX_BYTES)
        return diag_set(d, path, 0, 0,
                        "the transcript is larger than %d bytes; keep one short line per cue",
                        TRANSCRIPT_MAX_BYTES);
    if (!text)
        len = 0;
    transcript *t = calloc(1, sizeof *t);
    if (!t || !(t->a = arena_new())) {
        free(t);
        return tr_oom(d);
    }
    tr_parser P = {path, d, t, 1};
    const unsigned char *p = (const unsigned char *)text, *e = p + len;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        p += 3; /* a UTF-8 byte-order mark */
    int rc = 0;
    while (rc == 0 && p < e) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(e - p));
        const unsigned char *le = nl ? nl : e;
        const unsigned char *ce = le;
        if (ce > p && ce[-1] == '\r')
            ce--; /* CRLF, or a CR ending the file */
        rc = tr_line(&P, p, (size_t)(ce - p));
        p = nl ? nl + 1 : e;
        P.line++;
    }
    if (rc != 0) {
        transcript_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

/* Reads at most TRANSCRIPT_MAX_BYTES + 1 bytes of the file, then parses. */
int transcript_read(const char *path, transcript **out, adem_diag *d)
{
    *out = NULL;
    const char *why = NULL;
    FILE *f = platform_fopen_file(path, "rb", &why);
    if (!f)
        return diag_set(d, NULL, 0, 0, "cannot open the transcript '%s': %s; check the voice pack",
                        path, why);
    char *buf = malloc((size_t)TRANSCRIPT_MAX_BYTES + 1);
    if (!buf) {
        fclose(f);
        return tr_oom(d);
    }
    errno = 0;
    size_t n = fread(buf, 1, (size_t)TRANSCRIPT_MAX_BYTES + 1, f);
    int bad = ferror(f), e = errno;
    fclose(f);
    int rc;
    if (bad)
        rc = diag_set(d, NULL, 0, 0, "cannot read the transcript '%s': %s; check the voice pack",
                      path, e ? strerror(e) : "unknown error");
    else
        rc = transcript_parse(path, buf, n, out, d);
    free(buf);
    return rc;
}

/* The number of cues. */
int transcript_count(const transcript *t)
{
    return t ? t->n : 0;
}

/* Cue i's ID. */
const char *transcript_id(const transcript *t, int i)
{
    return t->e[i].id;
}

/* Cue i's text. */
const char *transcript_text(const transcript *t, int i)
{
    return t->e[i].text;
}

/* Cue i's line in the file. */
int transcript_line(const transcript *t, int i)
{
    return t->e[i].line;
}

/* The index of id, or -1. */
int transcript_find(const transcript *t, const char *id)
{
    if (!t || t->n == 0 || !id)
        return -1;
    int k = t->slots[tr_slot(t, id, strlen(id))];
    return k - 1;
}

/* The text of id, or NULL. */
const char *transcript_lookup(const transcript *t, const char *id)
{
    int k = transcript_find(t, id);
    return k < 0 ? NULL : t->e[k].text;
}

/* Frees t and its strings; NULL is a no-op. */
void transcript_free(transcript *t)
{
    if (!t)
        return;
    arena_free(t->a);
    free(t->e);
    free(t->slots);
    free(t);
}
