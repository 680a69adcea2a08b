/* session_lex: the session language's lexer (see session_lex.h).
 *
 * Each line is checked in one pass when the lexer first enters it (UTF-8,
 * control characters, length), then tokenised in a second pass that can rely
 * on the line being valid. Both passes are plain loops over the bytes. */
#include "lang/session_lex.h"

#include <string.h>

#include "base/utf8.h"

/* Reports a lexical error at line:col of ls's text; returns -1. */
#define LEX_ERR(ls, line, col, ...) diag_set((ls)->d, (ls)->path, (line), (col), __VA_ARGS__)

/* Sets up ls over text; refuses a text over the size limit (see session_lex.h). */
int lex_init(lex_state *ls, const char *path, const char *text, size_t len, adem_diag *d)
{
    memset(ls, 0, sizeof *ls);
    ls->path = path;
    ls->d = d;
    ls->line = 1;
    ls->col = 1;
    if (len > ADEM_SESSION_MAX_BYTES)
        return diag_set(d, path, 0, 0,
                        "the file is larger than %d bytes; a session file must be smaller "
                        "(split it into sessions joined with play)",
                        ADEM_SESSION_MAX_BYTES);
    if (!text) {
        if (len > 0)
            return diag_set(d, path, 0, 0, "no text to read; pass the session's text");
        text = "";
    }
    ls->pos = (const unsigned char *)text;
    ls->end = ls->pos + len;
    /* a UTF-8 byte-order mark says nothing to us: skip it */
    if (len >= 3 && ls->pos[0] == 0xEF && ls->pos[1] == 0xBB && ls->pos[2] == 0xBF)
        ls->pos += 3;
    return 0;
}

/* The length of the UTF-8 sequence whose first byte is c, in a line already
 * known to be valid. */
static size_t utf8_len(unsigned c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Checks the line that starts at ls->pos and sets ls->line_end (the end of
 * its content, before CR LF) and ls->next (the start of the next line).
 * Refuses, at the offending character: invalid UTF-8, NUL, control
 * characters other than tab (a CR only directly before LF or the end of the
 * text), and more than ADEM_SESSION_MAX_LINE characters. Returns 0 or -1. */
static int check_line(lex_state *ls)
{
    const unsigned char *p = ls->pos, *e = ls->end;
    int col = ls->col;
    while (p < e) {
        unsigned c = *p;
        if (c >= 0x20 && c < 0x7F) { /* printable ASCII: the common case */
            if (col > ADEM_SESSION_MAX_LINE)
                break;
            p++;
            col++;
            continue;
        }
        if (c == '\n') {
            ls->line_end = p;
            ls->next = p + 1;
            return 0;
        }
        if (c == '\r' && (p + 1 == e || p[1] == '\n')) {
            ls->line_end = p;
            ls->next = p + 1 == e ? e : p + 2;
            return 0;
        }
        if (col > ADEM_SESSION_MAX_LINE)
            break;
        if (c < 0x80) {
            if (c == 0)
                return LEX_ERR(ls, ls->line, col,
                               "NUL byte in the file; this is not a text file, save it as UTF-8 text");
            if (c == '\r')
                return LEX_ERR(ls, ls->line, col,
                               "carriage return (CR) in the middle of a line; save the file with LF "
                               "or CRLF line ends");
            if ((c < 0x20 && c != '\t') || c == 0x7F)
                return LEX_ERR(ls, ls->line, col,
                               "control character U+%04X is not allowed; remove it (words are "
                               "separated by spaces or tabs)",
                               c);
            p++;
        } else {
            uint32_t cp = 0;
            size_t k = utf8_decode(p, (size_t)(e - p), &cp);
            if (k == 0)
                return LEX_ERR(ls, ls->line, col, "invalid UTF-8; save the file as UTF-8");
            if (cp >= 0x80 && cp <= 0x9F)
                return LEX_ERR(ls, ls->line, col,
                               "control character U+%04lX is not allowed; remove it",
                               (unsigned long)cp);
            p += k;
        }
        col++;
    }
    if (p < e) /* left the loop early: too long */
        return LEX_ERR(ls, ls->line, col, "this line is longer than %d characters; split it or shorten it",
                       ADEM_SESSION_MAX_LINE);
    ls->line_end = e;
    ls->next = e;
    return 0;
}

/* Ends the current line: moves to the start of the next one (or, when the
 * text ends without a line break, stays at the end of this one). */
static void finish_line(lex_state *ls)
{
    if (ls->next > ls->line_end) {
        ls->line++;
        ls->col = 1;
    } else {
        ls->col += lex_columns((const char *)ls->pos, (size_t)(ls->line_end - ls->pos));
    }
    ls->pos = ls->next;
    ls->in_line = 0;
}

/* Fills t with a token of kind k at ls's position covering [from, to). */
static void set_token(const lex_state *ls, lex_token *t, lex_kind k, const unsigned char *from,
                      const unsigned char *to)
{
    memset(t, 0, sizeof *t);
    t->kind = k;
    t->s = t->raw = (const char *)from;
    t->n = t->raw_n = (size_t)(to - from);
    t->line = ls->line;
    t->col = ls->col;
}

/* Reads the string token starting at the opening quote at ls->pos. */
static int lex_string(lex_state *ls, lex_token *t)
{
    const unsigned char *q = ls->pos + 1, *le = ls->line_end;
    int col = ls->col + 1, esc = 0;
    for (;;) {
        if (q >= le)
            return LEX_ERR(ls, ls->line, ls->col,
                           "this string has no closing quote; add \" at its end");
        if (*q == '"')
            break;
        if (*q == '\\') {
            if (q + 1 >= le)
                return LEX_ERR(ls, ls->line, ls->col,
                               "this string has no closing quote; add \" at its end");
            if (q[1] != '"' && q[1] != '\\') {
                size_t k = utf8_len(q[1]);
                return LEX_ERR(ls, ls->line, ls->col,
                               "unknown escape '\\%.*s' in this string; only \\\" and \\\\ may follow "
                               "a backslash (write \\\\ for a backslash)",
                               (int)k, (const char *)q + 1);
            }
            q += 2;
            col += 2;
            esc = 1;
            continue;
        }
        q += utf8_len(*q);
        col++;
    }
    q++; /* the closing quote */
    col++;
    if (q < le && *q != ' ' && *q != '\t' && *q != '#')
        return LEX_ERR(ls, ls->line, col,
                       "text straight after a closing quote; put a space after the string");
    set_token(ls, t, LEX_STRING, ls->pos, q);
    t->s = t->raw + 1;
    t->n = t->raw_n - 2;
    t->escapes = esc;
    ls->pos = q;
    ls->col = col;
    return 0;
}

/* Reads the word token starting at ls->pos. */
static int lex_word(lex_state *ls, lex_token *t)
{
    const unsigned char *q = ls->pos, *le = ls->line_end;
    int col = ls->col;
    while (q < le && *q != ' ' && *q != '\t' && *q != '#') {
        if (*q == '"')
            return LEX_ERR(ls, ls->line, col,
                           "a quote in the middle of a word; put a space before the string");
        q += utf8_len(*q);
        col++;
    }
    set_token(ls, t, LEX_WORD, ls->pos, q);
    ls->pos = q;
    ls->col = col;
    return 0;
}

/* Reads the next token; checks each line as it is entered (see session_lex.h). */
int lex_next(lex_state *ls, lex_token *t)
{
    if (!ls->in_line) {
        if (ls->at_eof || ls->pos >= ls->end) {
            ls->at_eof = 1;
            set_token(ls, t, LEX_EOF, ls->end, ls->end);
            return 0;
        }
        if (check_line(ls) != 0)
            return -1;
        ls->in_line = 1;
    }
    while (ls->pos < ls->line_end && (*ls->pos == ' ' || *ls->pos == '\t')) {
        ls->pos++;
        ls->col++;
    }
    if (ls->pos >= ls->line_end || *ls->pos == '#') {
        set_token(ls, t, LEX_EOL, ls->pos, ls->pos);
        finish_line(ls);
        return 0;
    }
    if (*ls->pos == '"')
        return lex_string(ls, t);
    return lex_word(ls, t);
}

/* Skips to the start of the next line (see session_lex.h): the line's end
 * is known once it was checked; else it is the next line feed. */
void lex_skip_line(lex_state *ls)
{
    const unsigned char *p;
    int newline;
    if (ls->in_line) {
        p = ls->next;
        newline = ls->next > ls->line_end;
    } else {
        p = ls->pos;
        while (p < ls->end && *p != '\n')
            p++;
        newline = p < ls->end;
        if (newline)
            p++;
    }
    if (newline) {
        ls->line++;
        ls->col = 1;
    }
    ls->pos = p;
    ls->in_line = 0;
}

/* Decodes a STRING token's escapes (backslash-quote, backslash-backslash) into dst. */
size_t lex_unescape(const lex_token *t, char *dst)
{
    size_t j = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (t->s[i] == '\\' && i + 1 < t->n)
            i++;
        dst[j++] = t->s[i];
    }
    dst[j] = '\0';
    return j;
}

/* Counts the code points in s[0..n) (see session_lex.h). */
int lex_columns(const char *s, size_t n)
{
    int cols = 0;
    for (size_t i = 0; i < n; i++)
        if (!utf8_is_cont((unsigned char)s[i]))
            cols++;
    return cols;
}
