/* sessions: finding and loading session files by name or path (sessions.h). */
#include "io/sessions.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/dupstr.h"
#include "base/textdist.h"
#include "io/paths.h"
#include "sys/platform.h"
#include "lang/session_lex.h" /* ADEM_SESSION_MAX_LINE */
#include "lang/session_parse.h"

enum { PATH_LEN = 4096, M3U_MAX_ENTRIES = 10000 };

typedef struct loaded {
    char *key;         /* canonical path */
    ast_session *s;
    int synthetic;     /* an M3U: its arena holds everything, freed directly */
} loaded;

struct session_set {
    loaded *v;
    int n, cap;
};

session_set *sessions_new(void)
{
    return calloc(1, sizeof(session_set));
}

void sessions_free(session_set *ss)
{
    if (!ss)
        return;
    for (int i = 0; i < ss->n; i++) {
        if (ss->v[i].synthetic)
            arena_free(ss->v[i].s->arena);
        else
            session_free(ss->v[i].s);
        free(ss->v[i].key);
    }
    free(ss->v);
    free(ss);
}

/* 1 if s ends with ext (case-insensitive ASCII). */
static int has_ext(const char *s, const char *ext)
{
    size_t ls = strlen(s), le = strlen(ext);
    if (ls < le)
        return 0;
    for (size_t i = 0; i < le; i++) {
        char a = s[ls - le + i], b = ext[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

/* Collects shipped session names into a comma-separated list. */
typedef struct names_ctx {
    char *buf;
    size_t n, used;
} names_ctx;

/* Offers a session's name (built-in or the user's) as a suggestion. */
static int near_name(const session_entry *e, void *ctx)
{
    textdist_near_try(ctx, e->name);
    return 0;
}

static int add_name(const session_entry *e, void *ctx)
{
    names_ctx *c = ctx;
    if (!e->user && c->used < c->n)
        c->used += (size_t)snprintf(c->buf + c->used, c->n - c->used, "%s%s", c->used ? ", " : "",
                                    e->name);
    return 0;
}

int sessions_resolve(const char *target, const char *from, char *buf, size_t n, adem_diag *d)
{
    if (!target[0])
        return diag_set(d, NULL, 0, 0, "an empty session name; give a name such as 478 or a path");
    if (session_valid_name(target, strlen(target))) {
        char file[PATH_LEN];
        snprintf(file, sizeof file, "%s.adem", target);
        const char *user = paths_user_dir(), *data = paths_data_dir();
        char dir[PATH_LEN];
        if (user && paths_join(dir, sizeof dir, user, "sessions") == 0 &&
            paths_join(buf, n, dir, file) == 0 && platform_is_file(buf))
            return 0;
        if (data && paths_join(dir, sizeof dir, data, "sessions") == 0 &&
            paths_join(buf, n, dir, file) == 0 && platform_is_file(buf))
            return 0;
        if (!platform_is_file(target)) {
            char names[512] = "";
            names_ctx c = {names, sizeof names, 0};
            sessions_each(add_name, &c);
            textdist_near near;
            textdist_near_init(&near, target, strlen(target));
            sessions_each(near_name, &near);
            if (textdist_near_best(&near))
                return diag_set(d, NULL, 0, 0,
                                "no session named '%s'; did you mean '%s'? (the built-in sessions are %s; "
                                "see `adem list`)",
                                target, textdist_near_best(&near), names);
            return diag_set(d, NULL, 0, 0,
                            "no session named '%s'; the built-in sessions are %s (see `adem list`), "
                            "or give the path to a .adem file",
                            target, names[0] ? names : "missing: is adem installed completely?");
        }
    }
    /* a path: relative to the naming file's folder */
    if (from && !paths_is_absolute(target)) {
        char dir[PATH_LEN];
        paths_dirname(from, dir, sizeof dir);
        if (paths_join(buf, n, dir, target) != 0)
            return diag_set(d, NULL, 0, 0, "the path '%s' is too long", target);
    } else if ((size_t)snprintf(buf, n, "%s", target) >= n) {
        return diag_set(d, NULL, 0, 0, "the path '%s' is too long", target);
    }
    const char *what = platform_not_file(buf);
    if (what)
        return diag_set(d, NULL, 0, 0, "cannot read the session file '%s': %s; check the path",
                        buf, what);
    if (!platform_is_file(buf))
        return diag_set(d, NULL, 0, 0, "cannot find the session file '%s'; check the path", buf);
    return 0;
}

/* Appends a loaded session to the set. */
static int remember(session_set *ss, const char *key, ast_session *s, int synthetic, adem_diag *d)
{
    if (ss->n == ss->cap) {
        int cap = ss->cap ? ss->cap * 2 : 16;
        loaded *v = realloc(ss->v, (size_t)cap * sizeof *v);
        if (!v)
            return diag_runtime(d, "out of memory while loading sessions");
        ss->v = v;
        ss->cap = cap;
    }
    char *k = dupstr(key);
    if (!k)
        return diag_runtime(d, "out of memory while loading sessions");
    ss->v[ss->n].key = k;
    ss->v[ss->n].s = s;
    ss->v[ss->n].synthetic = synthetic;
    ss->n++;
    return 0;
}

/* Reads one line of f into buf (n bytes; NUL-terminated, with its '\n' when
 * it has one), like fgets, but says how many bytes it read, so that a NUL
 * byte in the line is seen: *nul is set then. Returns the length, 0 at the
 * end of the file. */
static size_t read_line(FILE *f, char *buf, size_t n, int *nul)
{
    size_t len = 0;
    int c = 0;
    *nul = 0;
    while (len + 1 < n && (c = getc(f)) != EOF) {
        buf[len++] = (char)c;
        if (c == '\0')
            *nul = 1;
        if (c == '\n')
            break;
    }
    buf[len] = '\0';
    return len;
}

/* Reads at most ADEM_SESSION_MAX_BYTES (+ one chunk) of a regular file into a
 * new buffer *text (*size bytes; the caller frees it). Returns 0, or -1 with
 * d set. */
static int read_session_text(const char *path, char **text, size_t *size, adem_diag *d)
{
    enum { CHUNK = 64 * 1024 };
    *text = NULL;
    diag_clear(d);
    if (!path || !*path)
        return diag_set(d, NULL, 0, 0, "no session file named; give the path of a .adem file");
    const char *why = NULL;
    FILE *f = platform_fopen_file(path, "rb", &why);
    if (!f)
        return diag_set(d, NULL, 0, 0, "cannot open '%s': %s; check the path", path, why);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len > ADEM_SESSION_MAX_BYTES) {
            free(buf);
            fclose(f);
            return diag_set(d, path, 0, 0,
                            "the file is larger than %d bytes; a session file must be smaller "
                            "(split it into sessions joined with play)",
                            ADEM_SESSION_MAX_BYTES);
        }
        if (cap - len < CHUNK) {
            size_t ncap = cap ? cap * 2 : CHUNK;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                return diag_runtime(d, "out of memory while reading '%s'; close other programs and try again",
                                    path);
            }
            buf = nb;
            cap = ncap;
        }
        errno = 0;
        size_t got = fread(buf + len, 1, CHUNK, f);
        len += got;
        if (got < CHUNK) {
            if (ferror(f)) {
                int e = errno;
                free(buf);
                fclose(f);
                if (e)
                    return diag_set(d, NULL, 0, 0, "cannot read '%s': %s; check the path", path, strerror(e));
                return diag_set(d, NULL, 0, 0, "cannot read '%s'; check the path", path);
            }
            if (feof(f))
                break;
        }
    }
    fclose(f);
    *text = buf;
    *size = len;
    return 0;
}

/* Reads a session file and parses it, stopping at the first mistake (see
 * sessions.h). */
int sessions_parse_file(const char *path, ast_session **out, adem_diag *d)
{
    char *text;
    size_t len;
    *out = NULL;
    if (read_session_text(path, &text, &len, d) != 0)
        return -1;
    int rc = session_parse(path, text, len, out, d);
    free(text);
    return rc;
}

/* Reads a session file and parses it, reporting every mistake (sessions.h). */
int sessions_parse_file_collect(const char *path, ast_session **out, adem_diag_list *errs)
{
    adem_diag d;
    char *text;
    size_t len;
    *out = NULL;
    if (read_session_text(path, &text, &len, &d) != 0) {
        diag_list_add(errs, &d);
        return -1;
    }
    int rc = session_parse_collect(path, text, len, out, errs);
    free(text);
    return rc;
}

/* Parses an M3U playlist at path into a session of `play` lines. */
static int load_m3u(const char *path, ast_session **out, adem_diag *d)
{
    const char *why = NULL;
    FILE *f = platform_fopen_file(path, "rb", &why);
    if (!f)
        return diag_set(d, path, 0, 0, "cannot open the playlist: %s; check the path", why);
    arena *a = arena_new();
    ast_session *s = a ? arena_alloc(a, sizeof *s) : NULL;
    if (!s) {
        fclose(f);
        arena_free(a);
        return diag_runtime(d, "out of memory while loading '%s'", path);
    }
    s->arena = a;
    s->path = arena_strdup(a, path);
    const char *base = strrchr(path, '/');
    s->title = arena_strdup(a, base ? base + 1 : path);
    ast_node **tail = &s->body;
    char line[ADEM_SESSION_MAX_LINE + 2];
    int lineno = 0, entries = 0, rc = 0, nul = 0;
    size_t len;
    while (rc == 0 && (len = read_line(f, line, sizeof line, &nul)) > 0) {
        lineno++;
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            rc = diag_set(d, path, lineno, 1, "line too long; a playlist line is a session name or path");
            break;
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                       line[len - 1] == '\t'))
            line[--len] = '\0';
        char *p = line;
        if (lineno == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
            (unsigned char)p[2] == 0xBF)
            p += 3; /* UTF-8 byte-order mark */
        while (*p == ' ' || *p == '\t')
            p++;
        if (nul) {
            rc = diag_set(d, path, lineno, 1, "the playlist contains a NUL byte; save it as text");
            break;
        }
        if (!*p || *p == '#')
            continue;
        if (++entries > M3U_MAX_ENTRIES) {
            rc = diag_set(d, path, lineno, 1, "more than %d entries; split the playlist",
                          M3U_MAX_ENTRIES);
            break;
        }
        ast_node *nd = arena_alloc(a, sizeof *nd);
        if (!nd || !(nd->u.play.target = arena_strdup(a, p))) {
            rc = diag_runtime(d, "out of memory while loading '%s'", path);
            break;
        }
        nd->kind = AST_PLAY;
        nd->loc.line = lineno;
        nd->loc.col = (int)(p - line) + 1;
        nd->u.play.target_loc = nd->loc;
        *tail = nd;
        tail = &nd->next;
    }
    if (rc == 0 && ferror(f))
        rc = diag_set(d, path, 0, 0, "cannot read the playlist");
    fclose(f);
    if (rc == 0 && entries == 0)
        rc = diag_set(d, path, 0, 0, "the playlist names no sessions; add one name or path per line");
    if (rc != 0) {
        arena_free(a);
        return -1;
    }
    *out = s;
    return 0;
}

int sessions_load(void *ctx, const char *target, const char *from, const ast_session **out,
                  const char **key, adem_diag *d)
{
    session_set *ss = ctx;
    char path[PATH_LEN], real[PATH_LEN];
    if (sessions_resolve(target, from, path, sizeof path, d) != 0)
        return -1;
    if (platform_realpath(path, real, sizeof real) != 0)
        snprintf(real, sizeof real, "%s", path);
    for (int i = 0; i < ss->n; i++) {
        if (strcmp(ss->v[i].key, real) == 0) {
            *out = ss->v[i].s;
            *key = ss->v[i].key;
            return 0;
        }
    }
    ast_session *s = NULL;
    int synthetic = has_ext(path, ".m3u");
    if (synthetic ? load_m3u(path, &s, d) : sessions_parse_file(path, &s, d))
        return -1;
    if (remember(ss, real, s, synthetic, d) != 0) {
        if (synthetic)
            arena_free(s->arena);
        else
            session_free(s);
        return -1;
    }
    *out = s;
    *key = ss->v[ss->n - 1].key;
    return 0;
}

/* ---- Listing ---------------------------------------------------------------- */

typedef struct name_list {
    char **v;
    int n, cap;
} name_list;

/* Adds NAME for each NAME.adem file with a valid name. */
static int collect(const char *file, void *ctx)
{
    name_list *l = ctx;
    size_t len = strlen(file);
    if (len <= 5 || !has_ext(file, ".adem") || !session_valid_name(file, len - 5))
        return 0;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, (size_t)cap * sizeof *v);
        if (!v)
            return 1;
        l->v = v;
        l->cap = cap;
    }
    char *name = malloc(len - 4);
    if (!name)
        return 1;
    memcpy(name, file, len - 5);
    name[len - 5] = '\0';
    l->v[l->n++] = name;
    return 0;
}

/* 1 if list l (sorted) contains name. */
static int contains(const name_list *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0)
            return 1;
    return 0;
}

void sessions_each(int (*fn)(const session_entry *e, void *ctx), void *ctx)
{
    name_list user = {0}, shipped = {0};
    char udir[PATH_LEN] = "", sdir[PATH_LEN] = "";
    const char *u = paths_user_dir(), *s = paths_data_dir();
    if (u && paths_join(udir, sizeof udir, u, "sessions") == 0)
        platform_list_dir(udir, collect, &user);
    if (s && paths_join(sdir, sizeof sdir, s, "sessions") == 0)
        platform_list_dir(sdir, collect, &shipped);
    int i = 0, j = 0, stop = 0;
    while (!stop && (i < user.n || j < shipped.n)) {
        int take_user = j >= shipped.n || (i < user.n && strcmp(user.v[i], shipped.v[j]) <= 0);
        session_entry e = {0};
        char path[PATH_LEN], file[PATH_LEN];
        e.name = take_user ? user.v[i] : shipped.v[j];
        snprintf(file, sizeof file, "%s.adem", e.name);
        paths_join(path, sizeof path, take_user ? udir : sdir, file);
        e.path = path;
        e.user = take_user;
        e.replaces = take_user && contains(&shipped, e.name);
        e.hidden = !take_user && contains(&user, e.name);
        stop = fn(&e, ctx);
        if (take_user)
            i++;
        else
            j++;
    }
    for (int k = 0; k < user.n; k++)
        free(user.v[k]);
    for (int k = 0; k < shipped.n; k++)
        free(shipped.v[k]);
    free(user.v);
    free(shipped.v);
}
