/* sessions: finding and loading session files by name or path.
 *
 * A SESSION (on the command line, after `play`, or in an M3U) is looked up:
 *   - a plain name (letters, digits, _ and -): the user's
 *     $XDG_DATA_HOME/adem/sessions/NAME.adem first (so a user's file with a
 *     built-in's name wins), then the shipped sessions/NAME.adem;
 *   - anything else is a path: relative to the folder of the file that names it
 *     (a session or an M3U), or to the current folder on the command line.
 * An M3U playlist (.m3u: one session name or path per line, `#` comments) is
 * loaded as a session made of `play` lines, so it works wherever a session does.
 * Every file is parsed once per set and kept until sessions_free.
 * Not for the audio thread. */
#ifndef ADEM_SESSIONS_H
#define ADEM_SESSIONS_H

#include <stddef.h>

#include "lang/ast.h"
#include "base/diag.h"

typedef struct session_set session_set;

/* Reads the session file at path (a regular file of at most
 * ADEM_SESSION_MAX_BYTES; a FIFO, folder or device is refused without waiting)
 * and parses it like session_parse. A missing or unreadable file is an input
 * error naming the path (status ADEM_EXIT_INPUT). */
int sessions_parse_file(const char *path, ast_session **out, adem_diag *d);

/* sessions_parse_file for `adem check`: every mistake goes to errs, as
 * session_parse_collect does it (also a file that cannot be read). Returns 0
 * and *out when there was none; else -1 with *out what could be read, or
 * NULL. */
int sessions_parse_file_collect(const char *path, ast_session **out, adem_diag_list *errs);

/* Creates an empty set. NULL when out of memory. */
session_set *sessions_new(void);

/* Frees the set and every session it loaded. NULL is a no-op. */
void sessions_free(session_set *ss);

/* Finds and loads `target` as named in the file `from` (NULL: the command
 * line). Sets *out (owned by the set) and *key (its canonical path).
 * Matches tl_load_fn, with ctx the session_set. Returns 0, or -1 with d set. */
int sessions_load(void *ctx, const char *target, const char *from, const ast_session **out,
                  const char **key, adem_diag *d);

/* Writes the file `target` resolves to into buf (see above), without loading
 * it. Returns 0, or -1 with d set (no such session: lists the built-ins). */
int sessions_resolve(const char *target, const char *from, char *buf, size_t n, adem_diag *d);

/* One session file found by sessions_each. */
typedef struct session_entry {
    const char *name; /* without .adem */
    const char *path;
    int user;         /* 1: the user's own, 0: shipped */
    int replaces;     /* a user's session that hides a shipped one of that name */
    int hidden;       /* a shipped session hidden by the user's */
} session_entry;

/* Calls fn for every session in the user's and the shipped folders, sorted
 * by name (user's first when both have a name). Stops when fn returns nonzero. */
void sessions_each(int (*fn)(const session_entry *e, void *ctx), void *ctx);

#endif
