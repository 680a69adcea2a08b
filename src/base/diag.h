/* diag: one-line diagnostics with a source position.
 *
 * Every error adem reports is one line on stderr:
 *     adem: FILE:LINE:COL: what is wrong; what to do
 * or, when there is no position,
 *     adem: what is wrong; what to do
 * Core modules never print: they fill an adem_diag and return an error code,
 * and the command line prints it. Plain C11, no POSIX. */
#ifndef ADEM_DIAG_H
#define ADEM_DIAG_H

#include <stdio.h>

enum { ADEM_DIAG_FILE_MAX = 1024, ADEM_DIAG_MSG_MAX = 768 };

/* Exit statuses (design/cli.md). */
enum {
    ADEM_EXIT_OK = 0,
    ADEM_EXIT_RUNTIME = 1, /* no device, device lost, disk full */
    ADEM_EXIT_INPUT = 2,   /* bad usage or invalid input */
    ADEM_EXIT_STOPPED = 130
};

typedef struct adem_diag {
    char file[ADEM_DIAG_FILE_MAX]; /* "" when the error has no file */
    int line;                      /* 1-based; 0 when unknown */
    int col;                       /* 1-based, in characters; 0 when unknown */
    int status;                    /* ADEM_EXIT_INPUT or ADEM_EXIT_RUNTIME */
    char msg[ADEM_DIAG_MSG_MAX];   /* "what is wrong; what to do", no newline */
} adem_diag;

/* The printf format archetype for -Wformat: on MinGW, the one of the printf
 * the C library really has (gnu_printf with __USE_MINGW_ANSI_STDIO, which the
 * build defines, so %zu and %lld work on Windows too). */
#if defined(__MINGW32__)
#define ADEM_PRINTF_FORMAT __MINGW_PRINTF_FORMAT
#else
#define ADEM_PRINTF_FORMAT printf
#endif

/* Clears d: no file, no position, empty message, status ADEM_EXIT_INPUT. */
void diag_clear(adem_diag *d);

/* Sets d to an input error (status 2) at file:line:col with a printf-style
 * message. file may be NULL; line/col 0 mean "no position". Newlines and
 * control characters in the formatted text are replaced by spaces so the
 * message stays one line. Returns -1, so callers can `return diag_set(...)`. */
int diag_set(adem_diag *d, const char *file, int line, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(ADEM_PRINTF_FORMAT, 5, 6)))
#endif
    ;

/* Like diag_set with no position, and with status ADEM_EXIT_RUNTIME. */
int diag_runtime(adem_diag *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(ADEM_PRINTF_FORMAT, 2, 3)))
#endif
    ;

/* ---- Lists: every independent mistake of a file (adem check) ---------------- */

/* How many diagnostics a list keeps; the rest are only counted. */
enum { ADEM_DIAG_LIST_MAX = 20 };

typedef struct adem_diag_list {
    adem_diag item[ADEM_DIAG_LIST_MAX]; /* in the order they were added */
    int n;                              /* kept: 0..ADEM_DIAG_LIST_MAX */
    int more;                           /* added after the list was full */
} adem_diag_list;

/* Empties l. */
void diag_list_clear(adem_diag_list *l);

/* Adds a copy of d to l, unless l already holds one for the same file and
 * line (one line per source line: a second complaint about a line is most
 * often a consequence of the first). Returns 1 when it was counted, else 0. */
int diag_list_add(adem_diag_list *l, const adem_diag *d);

/* The number of diagnostics counted in l (kept and more). */
int diag_list_count(const adem_diag_list *l);

/* Writes the one-line form of d ("adem: ...\n") to f. */
void diag_print(const adem_diag *d, FILE *f);

/* Formats the one-line form of d (without "\n") into buf of size n. */
void diag_format(const adem_diag *d, char *buf, size_t n);

#endif
