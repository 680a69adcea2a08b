/* session_parse: session text -> AST (ast.h), with file:line:col errors.
 *
 * The grammar (design/session-language.md, version 1, plus `repeat for`):
 *   file      := { line }
 *   line      := [ statement ] [ comment ] NEWLINE
 *   statement := session | description | param | voice | speak | wait | bell
 *              | phase | repeat | repeat_for | end | bed | mark | play
 * `session` must be the first statement. `description`, `param` and `voice`
 * appear at the top level only (not inside a repeat), each name once.
 * A phase's or wait's duration may be stepped, FIRST..LAST (each a duration
 * or a $param), only inside `repeat COUNT` (the innermost repeat around it,
 * not a `repeat for`); the timeline compiler checks that the step is whole
 * milliseconds once the count is known.
 * One function per grammar rule lives in session_parse.c, the rule above it.
 *
 * Limits (each refused with a clear message, never a crash): a file of at most
 * ADEM_SESSION_MAX_BYTES, lines of at most ADEM_SESSION_MAX_LINE characters,
 * repeats nested at most ADEM_SESSION_MAX_DEPTH deep, valid UTF-8 without NUL
 * bytes (a leading UTF-8 byte-order mark is skipped; CRLF line ends are fine).
 * Plain C11, no POSIX; not for the audio thread. */
#ifndef ADEM_SESSION_PARSE_H
#define ADEM_SESSION_PARSE_H

#include <stddef.h>

#include "lang/ast.h"
#include "base/diag.h"

#define ADEM_SESSION_MAX_DEPTH 32

/* Parses len bytes of text (need not be NUL-terminated) named path (used in
 * messages only) into a new session. Returns 0 and sets *out on success, or -1
 * with d set (status ADEM_EXIT_INPUT, file = path, line:col of the fault, and a
 * message that says what is wrong and how to mend it); *out is then NULL and
 * nothing is leaked. */
int session_parse(const char *path, const char *text, size_t len, ast_session **out, adem_diag *d);

/* Like session_parse, for `adem check`: reports every independent mistake,
 * one per line, into errs (which keeps the first ADEM_DIAG_LIST_MAX and counts
 * the rest), going on at the next line after each: a statement with a
 * mistake is left out, a repeat whose count is wrong still reads its lines up
 * to its `end`, and a mistake that only follows from another (the `end` of a
 * refused repeat, a parameter whose default was wrong) is not reported again.
 * Returns 0 and *out when there was none; else -1, with *out holding the
 * statements that were read without a mistake (for further checks, e.g. of
 * the cues they name; never to be played), or NULL when nothing could be read
 * (no such file, out of memory). */
int session_parse_collect(const char *path, const char *text, size_t len, ast_session **out,
                          adem_diag_list *errs);

/* Frees a session returned by session_parse*. NULL is a no-op. */
void session_free(ast_session *s);

/* Returns 1 if the n bytes at s form a valid name (cue ID, parameter, pack):
 * 1..64 ASCII letters, digits, '_' and '-'. */
int session_valid_name(const char *s, size_t n);

#endif
