/* session_lex: the session language's lexer (design/session-language.md).
 *
 * Turns the bytes of a session file into tokens, line by line: words, quoted
 * strings, end of line and end of file. Before the first token of a line is
 * returned, the whole line is checked: valid UTF-8, no NUL byte, no control
 * character other than tab (and CR as part of a CRLF line end), at most
 * ADEM_SESSION_MAX_LINE characters. A leading UTF-8 byte-order mark is
 * skipped. `#` outside a string starts a comment running to the end of the
 * line (also straight after a word: `4s#x` is `4s` then a comment).
 *
 * Positions are 1-based; columns count UTF-8 code points, a tab is one.
 * The lexer never reads outside [text, text+len) (the text need not be
 * NUL-terminated), never allocates and never recurses: each call to lex_next
 * does work proportional to the bytes it moves over.
 * Plain C11, no POSIX; not for the audio thread. */
#ifndef ADEM_SESSION_LEX_H
#define ADEM_SESSION_LEX_H

#include <stddef.h>

#include "base/diag.h"

/* The limits of a session text: its size in bytes and a line's length in
 * characters. */
#define ADEM_SESSION_MAX_BYTES (1024 * 1024)
#define ADEM_SESSION_MAX_LINE 4096

typedef enum lex_kind {
    LEX_WORD = 1, /* a run of characters up to a space, tab, `#` or line end */
    LEX_STRING,   /* "..." on one line; escapes \" and \\ only */
    LEX_EOL,      /* the end of a line (its comment, if any, is skipped) */
    LEX_EOF       /* the end of the text; returned again on every later call */
} lex_kind;

typedef struct lex_token {
    lex_kind kind;
    const char *s; /* WORD: its bytes; STRING: the bytes between the quotes,
                      escapes not yet decoded (see lex_unescape) */
    size_t n;
    const char *raw; /* the token as written (a STRING with its quotes) */
    size_t raw_n;
    int escapes;     /* STRING: 1 when s contains a backslash escape */
    int line, col;   /* where the token starts; for EOL where the line's
                        content ends (its `#` or line break) */
} lex_token;

/* The lexer's state: plain data, kept by the caller (usually on the stack).
 * Set it up with lex_init; its fields are private to session_lex.c. */
typedef struct lex_state {
    const char *path;             /* for messages */
    adem_diag *d;                 /* where errors go */
    const unsigned char *pos;     /* the next byte to read */
    const unsigned char *end;     /* the end of the text */
    const unsigned char *line_end;/* the end of the current line's content */
    const unsigned char *next;    /* the start of the next line */
    int line, col;                /* position of pos */
    int in_line;                  /* 1 once the current line has been checked */
    int at_eof;                   /* 1 after the last line was finished */
} lex_state;

/* Sets ls up to read len bytes of text; path (may be NULL) names the text in
 * messages, d receives errors. A text longer than ADEM_SESSION_MAX_BYTES is
 * refused here (d set, no position). Returns 0 or -1. */
int lex_init(lex_state *ls, const char *path, const char *text, size_t len, adem_diag *d);

/* Reads the next token into t. Returns 0, or -1 with ls->d set (file:line:col
 * and a one-line message) when the text breaks a lexical rule; after an error
 * the state must not be used again, except for lex_skip_line. */
int lex_next(lex_state *ls, lex_token *t);

/* Moves past the rest of the current line (also after an error of lex_next),
 * so the next lex_next starts at the beginning of the next line. Lets a
 * checker go on after a mistake and report the next one. */
void lex_skip_line(lex_state *ls);

/* Writes the decoded contents of a STRING token to dst (which has room for
 * t->n + 1 bytes), NUL-terminated; returns its length (<= t->n). */
size_t lex_unescape(const lex_token *t, char *dst);

/* The number of UTF-8 code points in the n bytes at s (bytes that do not
 * start a code point are not counted), i.e. how many columns they take. */
int lex_columns(const char *s, size_t n);

#endif
