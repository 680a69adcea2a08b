/* session_parse: session text -> AST (see session_parse.h).
 *
 * A recursive-descent parser in the style of Lua's lparser.c: one function
 * per grammar rule, the rule in a comment above it. Tokens come from
 * session_lex one at a time; P->tok is the current one. Every function
 * returns 0, or -1 with P->d set; the caller frees the arena on failure.
 *
 * The only recursion is a repeat's body (parse_repeat -> parse_block), and it
 * is refused beyond ADEM_SESSION_MAX_DEPTH before it goes deeper. `$param`
 * references are collected while parsing and checked once the whole file is
 * read, so a parameter may be declared after its first use. */
#include "lang/session_parse.h"

#include "lang/session_lex.h"
#include "lang/units.h"
#include "base/textdist.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest integer the language reads (repeat counts, integer params). */
#define PARSE_INT_MAX ((int64_t)1000000000000000) /* 10^15 */
/* Longest piece of source text quoted back in a message, in bytes. */
enum { SHOW_MAX = 48, SHOW_BUF = SHOW_MAX + 4 };
/* The keyword list shown when a statement is unknown. */
#define STATEMENT_LIST \
    "session, description, param, voice, speak, wait, bell, phase, repeat, end, bed, mark, hold, play"
#define ATTRIBUTE_LIST "cue=ID, tone=rise|fall|steady|none, pulse=BPM or count=down"

/* A `$name` met while parsing, checked against the params at the end. */
typedef struct param_ref {
    ast_value *v;     /* the value in the AST (its param, type and loc are set) */
    const char *what; /* the place, for messages: "wait", "a repeat count" */
    struct param_ref *next;
} param_ref;

typedef struct parser {
    lex_state ls;
    lex_token tok;        /* the current token */
    const char *prev_end; /* the end of the token before it */
    const char *stmt;     /* where the current statement's keyword starts */
    const char *path;     /* for messages */
    adem_diag *d;
    ast_session *s;
    arena *a;
    int depth;            /* repeats open around the current line */
    int rep_kind;         /* the innermost open repeat: AST_REPEAT, AST_REPEAT_FOR, or 0 */
    int desc_line, voice_line;
    ast_param *params;    /* malloc'd while parsing; copied to the arena at the end */
    int nparams, cap;
    int *slots;           /* hash of params by name: index + 1, 0 = empty */
    size_t nslots;        /* a power of two, > 2 * nparams */
    param_ref *refs, **refs_tail;
    adem_diag_list *errs; /* collect mode (adem check): every mistake goes
                             here and parsing goes on at the next line;
                             NULL: stop at the first */
    int nerrs;            /* mistakes found in collect mode */
    int lex_failed;       /* the lexer refused the current line */
    int end_typos;        /* unknown statements inside a repeat that looked
                             like `end` (its missing `end` is not reported again) */
    int refused_repeats;  /* repeats refused for nesting too deep: their `end`
                             lines are not reported again */
} parser;

/* Reports an input error at line:col; evaluates to -1. */
#define ERR(P, line, col, ...) diag_set((P)->d, (P)->path, (line), (col), __VA_ARGS__)
/* Reports an input error at token t; evaluates to -1. */
#define ERR_AT(P, t, ...) diag_set((P)->d, (P)->path, (t)->line, (t)->col, __VA_ARGS__)

/* ---- helpers ------------------------------------------------------------ */

/* Reports running out of memory; returns -1. */
static int oom(parser *P)
{
    return diag_runtime(P->d, "out of memory while reading the session; close other programs and try again");
}

/* Returns n zeroed bytes from the session's arena, or NULL with P->d set. */
static void *alloc(parser *P, size_t n)
{
    void *p = arena_alloc(P->a, n);
    if (!p)
        oom(P);
    return p;
}

/* Copies s[0..n) into the arena as a string, or NULL with P->d set. */
static char *dup_text(parser *P, const char *s, size_t n)
{
    char *p = arena_strndup(P->a, s, n);
    if (!p)
        oom(P);
    return p;
}

/* Copies at most SHOW_MAX bytes of s[0..n) into buf (SHOW_BUF bytes) for a
 * message, ending with "..." when cut, never in the middle of a character. */
static void show(const char *s, size_t n, char *buf)
{
    size_t k = n;
    int cut = 0;
    if (k > SHOW_MAX) {
        k = SHOW_MAX;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        cut = 1;
    }
    memcpy(buf, s, k);
    if (cut)
        memcpy(buf + k, "...", 3), k += 3;
    buf[k] = '\0';
}

/* Moves to the next token. Returns 0, or -1 on a lexical error. */
static int advance(parser *P)
{
    if (P->tok.raw)
        P->prev_end = P->tok.raw + P->tok.raw_n;
    if (lex_next(&P->ls, &P->tok) != 0) {
        P->lex_failed = 1;
        return -1;
    }
    return 0;
}

/* After a mistake (P->d set): in collect mode, records it and moves to the
 * end of its line (the current token becomes that line's end, or the end
 * of the file), returning 0 so parsing goes on; otherwise returns -1. Out
 * of memory always stops. */
static int recover(parser *P)
{
    if (!P->errs || P->d->status != ADEM_EXIT_INPUT)
        return -1;
    diag_list_add(P->errs, P->d);
    P->nerrs++;
    if (P->lex_failed && !P->ls.in_line)
        return -1; /* the text itself (encoding, control characters, a line too
                      long): one mistake for the file, not one per line */
    for (;;) {
        if (P->lex_failed) {
            P->lex_failed = 0;
            lex_skip_line(&P->ls);
            memset(&P->tok, 0, sizeof P->tok);
            P->tok.kind = LEX_EOL;
            return 0;
        }
        if (P->tok.kind == LEX_EOL || P->tok.kind == LEX_EOF)
            return 0;
        (void)advance(P); /* a lexical error is handled on the next turn */
    }
}

/* 1 if token t is the word w. */
static int is_word(const lex_token *t, const char *w)
{
    size_t i = 0;
    if (t->kind != LEX_WORD)
        return 0;
    for (; i < t->n && w[i] != '\0'; i++)
        if (t->s[i] != w[i])
            return 0;
    return i == t->n && w[i] == '\0';
}

/* 1 if the current token ends the statement (end of line or of file). */
static int at_end(const parser *P)
{
    return P->tok.kind == LEX_EOL || P->tok.kind == LEX_EOF;
}

/* The position of token t. */
static ast_loc loc_of(const lex_token *t)
{
    ast_loc l;
    l.line = t->line;
    l.col = t->col;
    return l;
}

/* The decoded text of STRING token t, copied into the arena (NULL with P->d
 * set when out of memory); *len gets its length when len is not NULL. */
static char *string_text(parser *P, const lex_token *t, size_t *len)
{
    char *p = alloc(P, t->n + 1);
    if (!p)
        return NULL;
    size_t n = lex_unescape(t, p);
    if (len)
        *len = n;
    return p;
}

/* 1 if s[0..n) has nothing but spaces and tabs. */
static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

/* Lower-cases an ASCII letter. */
static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Describes a type for messages: "an integer", "a duration", "a level". */
static const char *type_name(ast_type t)
{
    return t == AST_INT ? "an integer" : t == AST_DURATION ? "a duration" : "a level";
}

/* An example literal of a type, for messages. */
static const char *type_example(ast_type t)
{
    return t == AST_INT ? "4" : t == AST_DURATION ? "4s" : "-12dB";
}

/* ---- parameters --------------------------------------------------------- */

/* FNV-1a hash of the n bytes at s. */
static size_t hash_name(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* The index of the declared param named s[0..n), or -1. */
static int find_param(const parser *P, const char *s, size_t n)
{
    if (P->nslots == 0)
        return -1;
    for (size_t i = hash_name(s, n) & (P->nslots - 1);; i = (i + 1) & (P->nslots - 1)) {
        int k = P->slots[i];
        if (k == 0)
            return -1;
        const char *name = P->params[k - 1].name;
        if (strlen(name) == n && memcmp(name, s, n) == 0)
            return k - 1;
    }
}

/* Puts params[k] into the hash table (which has a free slot). */
static void hash_insert(parser *P, int k)
{
    const char *name = P->params[k].name;
    size_t i = hash_name(name, strlen(name)) & (P->nslots - 1);
    while (P->slots[i] != 0)
        i = (i + 1) & (P->nslots - 1);
    P->slots[i] = k + 1;
}

/* Appends a declared param (its name not yet declared). Returns 0, or -1
 * when out of memory. */
static int add_param(parser *P, const ast_param *p)
{
    if (P->nparams == P->cap) {
        int cap = P->cap ? P->cap * 2 : 8;
        ast_param *np = realloc(P->params, (size_t)cap * sizeof *np);
        if (!np)
            return oom(P);
        P->params = np;
        P->cap = cap;
    }
    P->params[P->nparams++] = *p;
    if ((size_t)P->nparams * 2 >= P->nslots) {
        size_t ns = P->nslots ? P->nslots * 2 : 32;
        while ((size_t)P->nparams * 2 >= ns)
            ns *= 2;
        int *slots = calloc(ns, sizeof *slots);
        if (!slots)
            return oom(P);
        free(P->slots);
        P->slots = slots;
        P->nslots = ns;
        for (int k = 0; k < P->nparams; k++)
            hash_insert(P, k);
    } else {
        hash_insert(P, P->nparams - 1);
    }
    return 0;
}

/* The declared param whose name is closest to s[0..n) (edit distance <= 2
 * and shorter than the name, so "a" does not suggest "b"), or NULL. */
static const char *similar_param(const parser *P, const char *s, size_t n)
{
    const char *best = NULL;
    int bestd = 3;
    for (int k = 0; k < P->nparams; k++) {
        int dist = textdist(s, n, P->params[k].name);
        if (dist < bestd && (size_t)dist < n) {
            bestd = dist;
            best = P->params[k].name;
        }
    }
    return best;
}

/* ---- values ------------------------------------------------------------- */

/* ref := '$' NAME
 * Fills v as a reference to a parameter from WORD token t (which starts with
 * '$') of the type this place expects, and queues it for checking at the end
 * of the file. what names the place in messages. */
static int parse_ref(parser *P, const lex_token *t, ast_value *v, ast_type type, const char *what)
{
    char buf[SHOW_BUF];
    if (!session_valid_name(t->s + 1, t->n - 1)) {
        show(t->raw, t->raw_n, buf);
        return ERR_AT(P, t,
                      "'%s' is not a parameter reference; write $ and a name of letters, digits, '_' "
                      "or '-', such as $cycles",
                      buf);
    }
    param_ref *r = alloc(P, sizeof *r);
    if (!r)
        return -1;
    v->loc = loc_of(t);
    v->type = type;
    v->param = dup_text(P, t->s + 1, t->n - 1);
    if (!v->param)
        return -1;
    r->v = v;
    r->what = what;
    *P->refs_tail = r;
    P->refs_tail = &r->next;
    return 0;
}

/* Checks that the current token is a WORD holding a value, not the end of
 * the line or a string. usage is the statement as it should be written, for
 * the message. Returns 0 or -1. */
static int need_value(parser *P, const char *what, const char *usage)
{
    if (P->tok.kind == LEX_WORD)
        return 0;
    if (P->tok.kind == LEX_STRING)
        return ERR_AT(P, &P->tok, "%s is written without quotes; write %s", what, usage);
    return ERR_AT(P, &P->tok, "%s is missing; write %s", what, usage);
}

/* Reads the word t (a whole token, or a part of one) as a duration (> 0)
 * into v: a literal or a `$param`. Does not advance. what/usage as for
 * parse_duration. */
static int duration_word(parser *P, const lex_token *t, ast_value *v, const char *what, const char *usage)
{
    char err[UNITS_ERR_MAX], buf[SHOW_BUF];
    if (t->n > 0 && t->s[0] == '$')
        return parse_ref(P, t, v, AST_DURATION, what);
    v->loc = loc_of(t);
    v->type = AST_DURATION;
    if (units_parse_duration(t->s, t->n, &v->ms, err) != 0) {
        show(t->s, t->n, buf);
        if (find_param(P, t->s, t->n) >= 0)
            return ERR_AT(P, t, "'%s' is not a duration; to use the parameter %s write $%s", buf, buf, buf);
        return ERR_AT(P, t, "%s", err);
    }
    if (v->ms == 0)
        return ERR_AT(P, t, "%s cannot last 0s; give it a length of at least 1ms, as in %s", what, usage);
    return 0;
}

/* Splits the word t at its first "..": *a and *b become the parts as
 * tokens of their own (b's column after the dots). Returns 1 when t has
 * "..", else 0. */
static int split_range(const lex_token *t, lex_token *a, lex_token *b)
{
    for (size_t i = 0; i + 1 < t->n; i++) {
        if (t->s[i] != '.' || t->s[i + 1] != '.')
            continue;
        *a = *b = *t;
        a->n = a->raw_n = i;
        b->s = b->raw = t->s + i + 2;
        b->n = b->raw_n = t->n - i - 2;
        b->col = t->col + lex_columns(t->s, i + 2);
        return 1;
    }
    return 0;
}

/* duration := DURATION | ref
 * stepped  := ( DURATION | ref ) '..' ( DURATION | ref )   (where last != NULL)
 * Reads the current token as a duration (> 0) into v and advances. what
 * names the place ("wait"), usage shows it written out ("wait 4s"). Where
 * last is not NULL a stepped duration FIRST..LAST is allowed too: then v
 * gets FIRST, *last LAST and *stepped 1. It is only valid inside a counted
 * repeat (the innermost one is the one it steps with). */
static int parse_duration(parser *P, ast_value *v, const char *what, const char *usage, ast_value *last,
                          int *stepped)
{
    char buf[SHOW_BUF];
    if (need_value(P, "the duration", usage) != 0)
        return -1;
    const lex_token *t = &P->tok;
    lex_token a, b;
    if (!split_range(t, &a, &b)) {
        if (duration_word(P, t, v, what, usage) != 0)
            return -1;
        return advance(P);
    }
    show(t->raw, t->raw_n, buf);
    if (!last)
        return ERR_AT(P, t, "%s takes one duration, not the range '%s'; write e.g. %s", what, buf, usage);
    if (a.n == 0 || b.n == 0)
        return ERR_AT(P, t,
                      "the stepped duration '%s' needs a first and a last value; write FIRST..LAST, "
                      "e.g. 4s..7s",
                      buf);
    if (split_range(&b, &a, &a))
        return ERR_AT(P, t, "'%s' has more than one '..'; a stepped duration is FIRST..LAST, e.g. 4s..7s",
                      buf);
    split_range(t, &a, &b);
    if (P->rep_kind == 0)
        return ERR_AT(P, t,
                      "the stepped duration '%s' changes from cycle to cycle, so it belongs inside "
                      "repeat COUNT; put this line in a repeat, or write one duration",
                      buf);
    if (P->rep_kind == AST_REPEAT_FOR)
        return ERR_AT(P, t,
                      "the stepped duration '%s' steps with the repeat around it, but `repeat for` has no "
                      "fixed count; use repeat COUNT (e.g. repeat 4), or write one duration",
                      buf);
    if (duration_word(P, &a, v, what, usage) != 0 || duration_word(P, &b, last, what, usage) != 0)
        return -1;
    *stepped = 1;
    return advance(P);
}

/* level := LEVEL | ref
 * Reads the current token as a level into v and advances. */
static int parse_level(parser *P, ast_value *v, const char *what, const char *usage)
{
    char err[UNITS_ERR_MAX];
    if (need_value(P, "the level", usage) != 0)
        return -1;
    const lex_token *t = &P->tok;
    if (t->s[0] == '$') {
        if (parse_ref(P, t, v, AST_LEVEL, what) != 0)
            return -1;
        return advance(P);
    }
    v->loc = loc_of(t);
    v->type = AST_LEVEL;
    if (units_parse_level(t->s, t->n, &v->db, err) != 0)
        return ERR_AT(P, t, "%s", err);
    return advance(P);
}

/* name := NAME   (letters, digits, '_', '-'; see session_valid_name)
 * Reads the current token as a name into *out (arena copy) and advances.
 * what is "cue ID" or "pack name", usage the statement written out. */
static int parse_name(parser *P, const char **out, ast_loc *loc, const char *what, const char *usage)
{
    char buf[SHOW_BUF];
    if (P->tok.kind == LEX_STRING)
        return ERR_AT(P, &P->tok, "a %s is written without quotes; write %s", what, usage);
    if (P->tok.kind != LEX_WORD)
        return ERR_AT(P, &P->tok, "the %s is missing; write %s", what, usage);
    if (!session_valid_name(P->tok.s, P->tok.n)) {
        show(P->tok.raw, P->tok.raw_n, buf);
        return ERR_AT(P, &P->tok,
                      "'%s' is not a valid %s; use ASCII letters, digits, '_' and '-' (at most 64)", buf,
                      what);
    }
    if (loc)
        *loc = loc_of(&P->tok);
    *out = dup_text(P, P->tok.s, P->tok.n);
    if (!*out)
        return -1;
    return advance(P);
}

/* label := STRING
 * Reads the current token as a quoted label into *out and advances; unless
 * allow_empty, a label of only blanks is refused. what is "title" or "mark
 * label", usage the statement written out (both for messages). */
static int parse_label(parser *P, const char **out, const char *what, const char *usage, int allow_empty)
{
    size_t n;
    if (P->tok.kind == LEX_WORD)
        return ERR_AT(P, &P->tok, "the %s must be in double quotes; write %s", what, usage);
    if (P->tok.kind != LEX_STRING)
        return ERR_AT(P, &P->tok, "the %s is missing; write %s", what, usage);
    char *text = string_text(P, &P->tok, &n);
    if (!text)
        return -1;
    if (!allow_empty && is_blank(text, n))
        return ERR_AT(P, &P->tok, "the %s is empty; write it between the quotes, as in %s", what, usage);
    *out = text;
    return advance(P);
}

/* Allocates a statement node of kind k at the current token (its keyword)
 * and moves past the keyword. Returns NULL with P->d set on failure. */
static ast_node *new_node(parser *P, ast_kind k)
{
    ast_node *n = alloc(P, sizeof *n);
    if (!n)
        return NULL;
    n->kind = k;
    n->loc = loc_of(&P->tok);
    if (advance(P) != 0)
        return NULL;
    return n;
}

/* ---- statements --------------------------------------------------------- */

typedef int (*stmt_fn)(parser *P, ast_node **out);

static int parse_block(parser *P, ast_node *rep, ast_node **head);

/* session := 'session' STRING
 * The first statement; its title is not empty. */
static int parse_session(parser *P)
{
    if (advance(P) != 0)
        return -1;
    return parse_label(P, &P->s->title, "title", "session \"Title\"", 0);
}

/* session (again): a file holds one session, named on its first line. */
static int stmt_session_again(parser *P, ast_node **out)
{
    (void)out;
    return ERR_AT(P, &P->tok,
                  "a second session line; a file holds one session, named on its first line "
                  "(use play to join sessions)");
}

/* description := 'description' STRING   (once, at the top level) */
static int stmt_description(parser *P, ast_node **out)
{
    (void)out;
    if (P->desc_line)
        return ERR_AT(P, &P->tok,
                      "a second description (the first is on line %d); a session has one description, "
                      "remove one",
                      P->desc_line);
    P->desc_line = P->tok.line;
    if (advance(P) != 0)
        return -1;
    return parse_label(P, &P->s->description, "description", "description \"One line about it\"", 1);
}

/* voice := 'voice' NAME   (once, at the top level) */
static int stmt_voice(parser *P, ast_node **out)
{
    (void)out;
    if (P->voice_line)
        return ERR_AT(P, &P->tok,
                      "a second voice line (the first is on line %d); a session has one voice, remove one",
                      P->voice_line);
    P->voice_line = P->tok.line;
    P->s->voice_bad = 1; /* until it is read */
    if (advance(P) != 0 || parse_name(P, &P->s->voice, &P->s->voice_loc, "pack name", "voice nl") != 0)
        return -1;
    P->s->voice_bad = 0;
    return 0;
}

static int param_rule(parser *P, ast_param *pp);

/* param   := 'param' NAME literal   (each NAME once, at the top level)
 * literal := INTEGER | DURATION | LEVEL   (its form gives the param's type)
 * In collect mode a parameter whose default is wrong is still declared
 * (without a type), so its uses are not reported as unknown as well. */
static int stmt_param(parser *P, ast_node **out)
{
    ast_param p;
    (void)out;
    memset(&p, 0, sizeof p);
    if (param_rule(P, &p) == 0)
        return 0;
    if (P->errs && p.name && find_param(P, p.name, strlen(p.name)) < 0 && P->d->status == ADEM_EXIT_INPUT) {
        adem_diag keep = *P->d;
        p.def.type = 0; /* poisoned: no type */
        if (add_param(P, &p) != 0)
            return -1;
        *P->d = keep;
    }
    return -1;
}

/* The rule of stmt_param; fills *pp (its name as soon as it is known). */
static int param_rule(parser *P, ast_param *pp)
{
    char buf[SHOW_BUF], err[UNITS_ERR_MAX];
    ast_param p = *pp;
    p.loc = loc_of(&P->tok);
    if (advance(P) != 0)
        return -1;
    const lex_token *t = &P->tok;
    if (t->kind == LEX_STRING)
        return ERR_AT(P, t, "a parameter name is written without quotes; write param cycles 4");
    if (t->kind != LEX_WORD)
        return ERR_AT(P, t, "the parameter's name and default are missing; write param cycles 4");
    if (!session_valid_name(t->s, t->n)) {
        show(t->raw, t->raw_n, buf);
        return ERR_AT(P, t,
                      "'%s' is not a valid parameter name; use ASCII letters, digits, '_' and '-' (at most 64)",
                      buf);
    }
    int prev = find_param(P, t->s, t->n);
    if (prev >= 0) {
        show(t->raw, t->raw_n, buf);
        return ERR_AT(P, t, "parameter '%s' is already declared on line %d; give this one another name", buf,
                      P->params[prev].loc.line);
    }
    p.name = dup_text(P, t->s, t->n);
    pp->name = p.name;
    if (!p.name || advance(P) != 0)
        return -1;
    t = &P->tok;
    if (t->kind == LEX_STRING)
        return ERR_AT(P, t, "a default is written without quotes; write an integer (4), a duration (4s) or a level (-12dB)");
    if (t->kind != LEX_WORD)
        return ERR_AT(P, t,
                      "parameter '%s' has no default; write param %s 4, or a duration (4s) or a level (-12dB)",
                      p.name, p.name);
    p.def.loc = loc_of(t);
    show(t->raw, t->raw_n, buf);
    if (t->s[0] == '$')
        return ERR_AT(P, t,
                      "a default is a value, not another parameter; write an integer (4), a duration (4s) or a level (-12dB)");
    int letters = 0, digits_only = 1;
    for (size_t i = 0; i < t->n; i++) {
        char c = t->s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            letters = 1;
        if (c < '0' || c > '9')
            digits_only = 0;
    }
    if (t->n >= 2 && lower((unsigned char)t->s[t->n - 2]) == 'd' && lower((unsigned char)t->s[t->n - 1]) == 'b') {
        p.def.type = AST_LEVEL;
        if (units_parse_level(t->s, t->n, &p.def.db, err) != 0)
            return ERR_AT(P, t, "%s", err);
    } else if (digits_only) {
        p.def.type = AST_INT;
        if (units_parse_int(t->s, t->n, PARSE_INT_MAX, &p.def.i, err) != 0)
            return ERR_AT(P, t, "%s", err);
    } else if (letters) {
        p.def.type = AST_DURATION;
        if (units_parse_duration(t->s, t->n, &p.def.ms, err) != 0)
            return ERR_AT(P, t, "%s", err);
    } else {
        return ERR_AT(P, t,
                      "'%s' is not a parameter default; write an integer (4), a duration (4s) or a level (-12dB)",
                      buf);
    }
    if (add_param(P, &p) != 0)
        return -1;
    return advance(P);
}

/* speak := 'speak' NAME */
static int stmt_speak(parser *P, ast_node **out)
{
    ast_node *n = new_node(P, AST_SPEAK);
    if (!n)
        return -1;
    *out = n;
    return parse_name(P, &n->u.speak.cue, &n->u.speak.cue_loc, "cue ID", "speak intro");
}

/* wait := 'wait' duration */
static int stmt_wait(parser *P, ast_node **out)
{
    ast_node *n = new_node(P, AST_WAIT);
    if (!n)
        return -1;
    *out = n;
    return parse_duration(P, &n->u.wait.dur, "wait", "wait 4s", &n->u.wait.last, &n->u.wait.stepped);
}

/* bell := 'bell' [ level ] */
static int stmt_bell(parser *P, ast_node **out)
{
    ast_node *n = new_node(P, AST_BELL);
    if (!n)
        return -1;
    *out = n;
    n->u.bell.level.type = AST_LEVEL;
    n->u.bell.level.loc = n->loc;
    n->u.bell.level.db = 0.0;
    if (at_end(P))
        return 0;
    n->u.bell.has_level = 1;
    return parse_level(P, &n->u.bell.level, "bell", "bell -6dB");
}

/* Phase attributes, as bits of a seen-set. */
enum { ATTR_CUE = 1, ATTR_TONE = 2, ATTR_PULSE = 4, ATTR_COUNT = 8 };

/* range := FREQ [ '-' FREQ ]   (each a number with an optional hz/Hz)
 * Reads the range in s[0..n) (col: its column) of a phase's tone. */
static int parse_range(parser *P, ast_node *n, const lex_token *t, const char *s, size_t len, int col)
{
    char err[UNITS_ERR_MAX], buf[SHOW_BUF];
    double f[2];
    size_t start[2], end[2];
    size_t dash = 0;
    while (dash < len && s[dash] != '-')
        dash++;
    int count = dash < len ? 2 : 1;
    start[0] = 0;
    end[0] = dash;
    start[1] = dash + 1;
    end[1] = len;
    for (int k = 0; k < count; k++) {
        const char *p = s + start[k];
        size_t pn = end[k] - start[k];
        int pcol = col + lex_columns(s, start[k]);
        if (pn > 0 && p[0] == '$')
            return ERR(P, t->line, pcol,
                       "a tone range takes numbers, not parameters; write tone=rise:196-294");
        if (units_parse_freq(p, pn, &f[k], err) != 0)
            return ERR(P, t->line, pcol, "%s", err);
    }
    if (count == 1)
        f[1] = f[0];
    show(s, len, buf);
    switch (n->u.phase.tone) {
    case ADEM_TONE_NONE:
        return ERR(P, t->line, col, "tone=none has no pitch; remove ':%s' or choose rise, fall or steady",
                   buf);
    case ADEM_TONE_STEADY:
        if (f[0] != f[1])
            return ERR(P, t->line, col, "a steady tone has one pitch; write tone=steady:220");
        break;
    case ADEM_TONE_RISE: /* glide from the lower to the higher, as written in either order */
        if (f[0] > f[1]) {
            double x = f[0];
            f[0] = f[1];
            f[1] = x;
        }
        break;
    case ADEM_TONE_FALL: /* glide from the higher to the lower */
        if (f[0] < f[1]) {
            double x = f[0];
            f[0] = f[1];
            f[1] = x;
        }
        break;
    }
    n->u.phase.has_range = 1;
    n->u.phase.f_from = f[0];
    n->u.phase.f_to = f[1];
    return 0;
}

/* tone := ( 'rise' | 'fall' | 'steady' | 'none' ) [ ':' range ]
 * Reads the value of tone= in s[0..len) (col: its column). */
static int parse_tone(parser *P, ast_node *n, const lex_token *t, const char *s, size_t len, int col)
{
    static const struct {
        const char *name;
        adem_tone tone;
    } kinds[] = {
        {"rise", ADEM_TONE_RISE}, {"fall", ADEM_TONE_FALL}, {"steady", ADEM_TONE_STEADY}, {"none", ADEM_TONE_NONE}};
    char buf[SHOW_BUF];
    size_t colon = 0;
    while (colon < len && s[colon] != ':')
        colon++;
    int found = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if (strlen(kinds[k].name) == colon && memcmp(kinds[k].name, s, colon) == 0) {
            n->u.phase.tone = kinds[k].tone;
            found = 1;
        }
    }
    if (!found) {
        show(s, colon, buf);
        return ERR(P, t->line, col, "unknown tone '%s'; write tone=rise, tone=fall, tone=steady or tone=none",
                   buf);
    }
    if (colon == len)
        return 0;
    return parse_range(P, n, t, s + colon + 1, len - colon - 1, col + lex_columns(s, colon + 1));
}

/* attribute := 'cue=' NAME | 'tone=' tone | 'pulse=' ( INTEGER | ref ) | 'count=down'
 * Reads the current token as one attribute of phase n; each at most once. */
static int parse_attribute(parser *P, ast_node *n, unsigned *seen)
{
    static const struct {
        const char *key;
        unsigned bit;
        const char *example;
    } keys[] = {{"cue", ATTR_CUE, "cue=adem_in"},
                {"tone", ATTR_TONE, "tone=rise or tone=rise:196-294"},
                {"pulse", ATTR_PULSE, "pulse=60"},
                {"count", ATTR_COUNT, "count=down"}};
    const char *example = "";
    char buf[SHOW_BUF], err[UNITS_ERR_MAX];
    const lex_token *t = &P->tok;
    show(t->raw, t->raw_n, buf);
    if (t->kind == LEX_STRING)
        return ERR_AT(P, t, "unexpected string %s after the phase's length; its attributes are " ATTRIBUTE_LIST,
                      buf);
    size_t eq = 0;
    while (eq < t->n && t->s[eq] != '=')
        eq++;
    unsigned bit = 0;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        if (strlen(keys[k].key) == eq && memcmp(keys[k].key, t->s, eq) == 0) {
            bit = keys[k].bit;
            example = keys[k].example;
        }
    }
    if (eq == t->n && bit)
        return ERR_AT(P, t, "'%s' needs a value; write it without spaces around '=', e.g. %s", buf, example);
    if (eq == t->n || eq == 0 || !bit) {
        char key[SHOW_BUF];
        show(t->s, eq, key);
        if (eq == t->n || eq == 0)
            return ERR_AT(P, t, "unexpected '%s' after the phase's length; its attributes are " ATTRIBUTE_LIST,
                          buf);
        return ERR_AT(P, t, "unknown phase attribute '%s'; write " ATTRIBUTE_LIST, key);
    }
    show(t->s, eq, buf);
    if (*seen & bit)
        return ERR_AT(P, t, "%s= is given twice in this phase; keep one", buf);
    *seen |= bit;
    const char *v = t->s + eq + 1;
    size_t vn = t->n - eq - 1;
    int vcol = t->col + (int)eq + 1; /* the key is ASCII */
    if (vn == 0)
        return ERR(P, t->line, vcol, "%s= has no value; write it without spaces, e.g. %s", buf, example);
    switch (bit) {
    case ATTR_CUE:
        if (!session_valid_name(v, vn)) {
            show(v, vn, buf);
            return ERR(P, t->line, vcol,
                       "'%s' is not a valid cue ID; use ASCII letters, digits, '_' and '-' (at most 64)", buf);
        }
        n->u.phase.cue_loc.line = t->line;
        n->u.phase.cue_loc.col = vcol;
        if (!(n->u.phase.cue = dup_text(P, v, vn)))
            return -1;
        break;
    case ATTR_TONE:
        n->u.phase.tone_loc = loc_of(t);
        if (parse_tone(P, n, t, v, vn, vcol) != 0)
            return -1;
        break;
    case ATTR_PULSE: {
        ast_value *bpm = &n->u.phase.bpm;
        n->u.phase.has_pulse = 1;
        if (v[0] == '$') {
            lex_token sub = *t; /* the value part as a token of its own */
            sub.s = sub.raw = v;
            sub.n = sub.raw_n = vn;
            sub.col = vcol;
            if (parse_ref(P, &sub, bpm, AST_INT, "pulse=") != 0)
                return -1;
            break;
        }
        bpm->loc.line = t->line;
        bpm->loc.col = vcol;
        bpm->type = AST_INT;
        show(v, vn, buf);
        if (units_parse_int(v, vn, 240, &bpm->i, err) != 0 || bpm->i < 30) {
            size_t k = 0;
            while (k < vn && v[k] >= '0' && v[k] <= '9')
                k++;
            if (k < vn)
                return ERR(P, t->line, vcol,
                           "pulse=%s is not a whole number of beats per minute; write e.g. pulse=60 (30..240)",
                           buf);
            return ERR(P, t->line, vcol,
                       "pulse=%s is outside 30..240 beats per minute; choose a pulse in that range", buf);
        }
        break;
    }
    case ATTR_COUNT:
        if (vn != 4 || memcmp(v, "down", 4) != 0) {
            show(v, vn, buf);
            return ERR(P, t->line, vcol, "unknown count '%s'; the only choice is count=down", buf);
        }
        n->u.phase.count_down = 1;
        n->u.phase.count_loc = loc_of(t);
        break;
    }
    return advance(P);
}

/* phase := 'phase' STRING duration { attribute } */
static int stmt_phase(parser *P, ast_node **out)
{
    unsigned seen = 0;
    ast_node *n = new_node(P, AST_PHASE);
    if (!n)
        return -1;
    *out = n;
    if (at_end(P))
        return ERR_AT(P, &P->tok, "phase needs a label and a length; write phase \"Adem in\" 4s");
    if (parse_label(P, &n->u.phase.label, "phase label", "phase \"Adem in\" 4s", 0) != 0)
        return -1;
    if (parse_duration(P, &n->u.phase.dur, "a phase", "phase \"Adem in\" 4s", &n->u.phase.last,
                       &n->u.phase.stepped) != 0)
        return -1;
    while (!at_end(P))
        if (parse_attribute(P, n, &seen) != 0)
            return -1;
    return 0;
}

/* repeat := 'repeat' ( count | 'for' duration ) EOL block 'end'
 * count  := INTEGER | ref   (at least 1) */
static int repeat_header(parser *P, ast_node *n);

static int stmt_repeat(parser *P, ast_node **out)
{
    if (P->depth >= ADEM_SESSION_MAX_DEPTH) {
        P->refused_repeats++;
        if (P->refused_repeats > 1 && P->errs) { /* said once: skip its line */
            while (!at_end(P))
                if (advance(P) != 0)
                    return -1;
            return 0;
        }
        return ERR_AT(P, &P->tok,
                      "repeats are nested more than %d deep here; flatten them or move the inner part "
                      "into its own session and play it",
                      ADEM_SESSION_MAX_DEPTH);
    }
    ast_node *n = new_node(P, AST_REPEAT);
    if (!n)
        return -1;
    *out = n;
    if (repeat_header(P, n) != 0) {
        /* a wrong count: reported, and its body is still read up to its
         * `end`, so that `end` is not reported as well */
        if (recover(P) != 0)
            return -1;
        n->u.repeat.count.type = AST_INT;
        n->u.repeat.count.i = 1;
    }
    int outer_kind = P->rep_kind, errs_before = P->nerrs;
    P->depth++;
    P->rep_kind = (int)n->kind;
    int rc = parse_block(P, n, &n->u.repeat.body);
    P->depth--;
    P->rep_kind = outer_kind;
    if (rc != 0)
        return -1;
    if (!n->u.repeat.body && P->nerrs > errs_before)
        return 0; /* its lines had mistakes, reported already */
    if (!n->u.repeat.body)
        return ERR(P, n->loc.line, n->loc.col,
                   "this repeat has nothing to repeat; put statements between repeat and end, or remove it");
    return 0;
}

/* The header of a repeat after its keyword: ( count | 'for' duration ) and
 * nothing more on the line. */
static int repeat_header(parser *P, ast_node *n)
{
    char err[UNITS_ERR_MAX], buf[SHOW_BUF];
    ast_value *v = &n->u.repeat.count;
    if (is_word(&P->tok, "for")) {
        n->kind = AST_REPEAT_FOR;
        if (advance(P) != 0 || parse_duration(P, v, "repeat for", "repeat for 10m", NULL, NULL) != 0)
            return -1;
    } else {
        if (need_value(P, "the repeat count", "repeat 4 (or repeat for 10m)") != 0)
            return -1;
        const lex_token *t = &P->tok;
        if (t->s[0] == '$') {
            if (parse_ref(P, t, v, AST_INT, "a repeat count") != 0)
                return -1;
        } else {
            int64_t ms;
            char derr[UNITS_ERR_MAX];
            v->loc = loc_of(t);
            v->type = AST_INT;
            if (units_parse_int(t->s, t->n, PARSE_INT_MAX, &v->i, err) != 0) {
                show(t->raw, t->raw_n, buf);
                if (units_parse_duration(t->s, t->n, &ms, derr) == 0)
                    return ERR_AT(P, t, "repeat takes a count; to repeat for a length of time write repeat for %s",
                                  buf);
                size_t k = 0;
                while (k < t->n && t->s[k] >= '0' && t->s[k] <= '9')
                    k++;
                if (k == t->n) /* only digits: too large */
                    return ERR_AT(P, t, "%s", err);
                if (find_param(P, t->s, t->n) >= 0)
                    return ERR_AT(P, t,
                                  "'%s' is not a repeat count; did you mean the parameter $%s? "
                                  "(write repeat $%s)",
                                  buf, buf, buf);
                return ERR_AT(P, t,
                              "'%s' is not a repeat count; write a whole number, as in repeat 4, or a length "
                              "of time, as in repeat for 10m",
                              buf);
            }
            if (v->i == 0)
                return ERR_AT(P, t, "repeat 0 repeats nothing; the count is at least 1 (remove the lines to skip them)");
        }
        if (advance(P) != 0)
            return -1;
    }
    /* the rest of the header line, then the body up to its `end` */
    if (!at_end(P)) {
        char stmt[SHOW_BUF], word[SHOW_BUF];
        show(P->stmt, (size_t)(P->prev_end - P->stmt), stmt);
        show(P->tok.raw, P->tok.raw_n, word);
        return ERR_AT(P, &P->tok, "unexpected '%s' after %s; one statement per line", word, stmt);
    }
    return 0;
}

/* bed := 'bed' ( ( 'pink' | 'brown' ) level | 'off' ) */
static int stmt_bed(parser *P, ast_node **out)
{
    char buf[SHOW_BUF];
    ast_node *n = new_node(P, AST_BED);
    if (!n)
        return -1;
    *out = n;
    n->u.bed.level.type = AST_LEVEL;
    n->u.bed.level.loc = n->loc;
    if (is_word(&P->tok, "off")) {
        n->u.bed.noise = ADEM_NOISE_OFF;
        return advance(P);
    }
    if (is_word(&P->tok, "pink"))
        n->u.bed.noise = ADEM_NOISE_PINK;
    else if (is_word(&P->tok, "brown"))
        n->u.bed.noise = ADEM_NOISE_BROWN;
    else if (at_end(P))
        return ERR_AT(P, &P->tok, "bed needs a noise; write bed pink -20dB, bed brown -20dB or bed off");
    else {
        show(P->tok.raw, P->tok.raw_n, buf);
        return ERR_AT(P, &P->tok, "unknown bed '%s'; write bed pink -20dB, bed brown -20dB or bed off", buf);
    }
    if (advance(P) != 0)
        return -1;
    return parse_level(P, &n->u.bed.level, "bed", "bed pink -20dB");
}

/* mark := 'mark' STRING   (not empty) */
static int stmt_mark(parser *P, ast_node **out)
{
    ast_node *n = new_node(P, AST_MARK);
    if (!n)
        return -1;
    *out = n;
    return parse_label(P, &n->u.mark.label, "mark label", "mark \"Part two\"", 0);
}

/* hold := 'hold' STRING [ 'max=' ( DURATION | ref ) ]   (the label not empty;
 * max may be 0s, the same as leaving it out) */
static int stmt_hold(parser *P, ast_node **out)
{
    static const char usage[] = "hold \"Vragen\" max=2m";
    char buf[SHOW_BUF], err[UNITS_ERR_MAX];
    ast_node *n = new_node(P, AST_HOLD);
    if (!n)
        return -1;
    *out = n;
    ast_value *v = &n->u.hold.max;
    v->type = AST_DURATION;
    v->loc = n->loc;
    if (at_end(P))
        return ERR_AT(P, &P->tok, "hold needs a label; write %s", usage);
    if (parse_label(P, &n->u.hold.label, "hold label", usage, 0) != 0)
        return -1;
    if (at_end(P))
        return 0;
    const lex_token *t = &P->tok;
    show(t->raw, t->raw_n, buf);
    if (t->kind != LEX_WORD || t->n < 4 || memcmp(t->s, "max=", 4) != 0)
        return ERR_AT(P, t, "unexpected %s after the hold's label; the only attribute is max=DURATION, "
                      "as in %s", buf, usage);
    lex_token sub = *t; /* the value part as a token of its own */
    sub.s = sub.raw = t->s + 4;
    sub.n = sub.raw_n = t->n - 4;
    sub.col = t->col + 4;
    n->u.hold.has_max = 1;
    if (sub.n == 0)
        return ERR_AT(P, &sub, "max= has no value; write it without spaces, as in %s", usage);
    if (sub.s[0] == '$') {
        if (parse_ref(P, &sub, v, AST_DURATION, "max=") != 0)
            return -1;
        return advance(P);
    }
    v->loc = loc_of(&sub);
    if (sub.s[0] == '-')
        return ERR_AT(P, &sub, "max= cannot be negative; give the longest wait, as in %s, or leave it out",
                      usage);
    if (units_parse_duration(sub.s, sub.n, &v->ms, err) != 0)
        return ERR_AT(P, &sub, "max=: %s", err);
    return advance(P);
}

/* A play argument while its line is being read. */
typedef struct arg_item {
    ast_arg arg;
    struct arg_item *next;
} arg_item;

/* play := 'play' ( WORD | STRING ) { NAME '=' VALUE }   (each NAME once) */
static int stmt_play(parser *P, ast_node **out)
{
    char buf[SHOW_BUF];
    arg_item *first = NULL, **tail = &first;
    int nargs = 0;
    ast_node *n = new_node(P, AST_PLAY);
    if (!n)
        return -1;
    *out = n;
    const lex_token *t = &P->tok;
    if (at_end(P))
        return ERR_AT(P, t, "play needs a session; write play 4-7-8 or play \"my session.adem\"");
    n->u.play.target_loc = loc_of(t);
    if (t->kind == LEX_STRING) {
        size_t len;
        if (!(n->u.play.target = string_text(P, t, &len)))
            return -1;
        if (len == 0)
            return ERR_AT(P, t, "the session to play is empty; write its name or path between the quotes");
    } else if (!(n->u.play.target = dup_text(P, t->s, t->n))) {
        return -1;
    }
    if (advance(P) != 0)
        return -1;
    while (!at_end(P)) {
        show(t->raw, t->raw_n, buf);
        if (t->kind == LEX_STRING)
            return ERR_AT(P, t, "unexpected string %s after the session to play; pass parameters as NAME=VALUE, "
                                "e.g. cycles=6",
                          buf);
        size_t eq = 0;
        while (eq < t->n && t->s[eq] != '=')
            eq++;
        if (eq == t->n)
            return ERR_AT(P, t,
                          "unexpected '%s' after the session to play; pass parameters as NAME=VALUE, e.g. cycles=6",
                          buf);
        if (eq == 0)
            return ERR_AT(P, t, "a parameter name is missing before '='; pass parameters as NAME=VALUE, e.g. cycles=6");
        if (!session_valid_name(t->s, eq)) {
            show(t->s, eq, buf);
            return ERR_AT(P, t,
                          "'%s' is not a valid parameter name; use ASCII letters, digits, '_' and '-', as in "
                          "cycles=6",
                          buf);
        }
        int vcol = t->col + lex_columns(t->s, eq + 1);
        if (eq + 1 == t->n)
            return ERR(P, t->line, vcol, "parameter '%.*s' has no value; write %.*s=VALUE, e.g. cycles=6",
                       (int)eq, t->s, (int)eq, t->s);
        for (arg_item *it = first; it; it = it->next)
            if (strlen(it->arg.name) == eq && memcmp(it->arg.name, t->s, eq) == 0)
                return ERR_AT(P, t, "parameter '%s' is given twice to this play; keep one", it->arg.name);
        arg_item *it = alloc(P, sizeof *it);
        if (!it)
            return -1;
        it->arg.name = dup_text(P, t->s, eq);
        it->arg.value = dup_text(P, t->s + eq + 1, t->n - eq - 1);
        if (!it->arg.name || !it->arg.value)
            return -1;
        it->arg.loc = loc_of(t);
        it->arg.value_loc.line = t->line;
        it->arg.value_loc.col = vcol;
        *tail = it;
        tail = &it->next;
        nargs++;
        if (advance(P) != 0)
            return -1;
    }
    if (nargs > 0) {
        n->u.play.args = alloc(P, (size_t)nargs * sizeof *n->u.play.args);
        if (!n->u.play.args)
            return -1;
        int k = 0;
        for (arg_item *it = first; it; it = it->next)
            n->u.play.args[k++] = it->arg;
        n->u.play.nargs = nargs;
    }
    return 0;
}

/* The statements: keyword, rule, and whether it is allowed only at the top
 * level (outside every repeat). `end` is handled by parse_block. */
static const struct {
    const char *name;
    stmt_fn fn;
    int top_only;
} STATEMENTS[] = {
    {"session", stmt_session_again, 1},
    {"description", stmt_description, 1},
    {"param", stmt_param, 1},
    {"voice", stmt_voice, 1},
    {"speak", stmt_speak, 0},
    {"wait", stmt_wait, 0},
    {"bell", stmt_bell, 0},
    {"phase", stmt_phase, 0},
    {"repeat", stmt_repeat, 0},
    {"bed", stmt_bed, 0},
    {"mark", stmt_mark, 0},
    {"hold", stmt_hold, 0},
    {"play", stmt_play, 0},
};

/* The known keyword (statements and `end`) closest to s[0..n) within edit
 * distance 2 (and shorter than the word), or NULL. */
static const char *similar_keyword(const char *s, size_t n)
{
    const char *best = NULL;
    int bestd = 3;
    for (size_t k = 0; k <= sizeof STATEMENTS / sizeof STATEMENTS[0]; k++) {
        const char *name = k < sizeof STATEMENTS / sizeof STATEMENTS[0] ? STATEMENTS[k].name : "end";
        int dist = textdist(s, n, name);
        if (dist < bestd && (size_t)dist < n) {
            bestd = dist;
            best = name;
        }
    }
    return best;
}

/* The index in STATEMENTS of the keyword token t, or -1. */
static int statement_index(const lex_token *t)
{
    for (size_t k = 0; k < sizeof STATEMENTS / sizeof STATEMENTS[0]; k++)
        if (is_word(t, STATEMENTS[k].name))
            return (int)k;
    return -1;
}

/* statement := description | param | voice | speak | wait | bell | phase
 *            | repeat | repeat_for | bed | mark | play
 * Reads one statement starting at the current WORD token; *out gets its
 * node, or stays NULL for a statement that only sets a header field. */
static int parse_statement(parser *P, ast_node **out)
{
    char buf[SHOW_BUF];
    const lex_token *t = &P->tok;
    P->stmt = t->raw;
    for (size_t k = 0; k < sizeof STATEMENTS / sizeof STATEMENTS[0]; k++) {
        if (!is_word(t, STATEMENTS[k].name))
            continue;
        if (STATEMENTS[k].top_only && P->depth > 0 && STATEMENTS[k].fn != stmt_session_again)
            return ERR_AT(P, t, "%s belongs at the top level, not inside a repeat; move it above the repeat",
                          STATEMENTS[k].name);
        return STATEMENTS[k].fn(P, out);
    }
    show(t->raw, t->raw_n, buf);
    const char *near = similar_keyword(t->s, t->n);
    if (near && P->depth > 0 && textdist(t->s, t->n, "end") <= textdist(t->s, t->n, near))
        near = "end"; /* inside a repeat, an `end` is the likelier one */
    if (near && strcmp(near, "end") == 0 && P->depth > 0)
        P->end_typos++;
    if (near)
        return ERR_AT(P, t, "unknown statement '%s'; did you mean '%s'? (statements: " STATEMENT_LIST ")", buf,
                      near);
    return ERR_AT(P, t, "unknown statement '%s'; a line starts with one of " STATEMENT_LIST, buf);
}

/* Ends a line: the current token must be its end (else the word is extra and
 * is reported after the statement it follows); moves past it. */
static int end_line(parser *P)
{
    if (P->tok.kind == LEX_EOF)
        return 0;
    if (P->tok.kind != LEX_EOL) {
        char stmt[SHOW_BUF], word[SHOW_BUF];
        show(P->stmt, (size_t)(P->prev_end - P->stmt), stmt);
        show(P->tok.raw, P->tok.raw_n, word);
        return ERR_AT(P, &P->tok, "unexpected '%s' after %s; one statement per line", word, stmt);
    }
    return advance(P);
}

/* block := { line }          ended by EOF at the top level (rep NULL),
 *                            by `end` inside repeat rep
 * line  := [ statement ] EOL
 * Appends the block's statements to *head. */
static int parse_block(parser *P, ast_node *rep, ast_node **head)
{
    char buf[SHOW_BUF];
    ast_node **tail = head;
    for (;;) {
        const lex_token *t = &P->tok;
        if (t->kind == LEX_EOL) {
            if (advance(P) != 0 && recover(P) != 0)
                return -1;
            continue;
        }
        if (t->kind == LEX_EOF) {
            if (rep && P->end_typos > 0) { /* its `end` was misspelt: said already */
                P->end_typos--;
                return 0;
            }
            if (rep)
                return ERR(P, rep->loc.line, rep->loc.col, "this repeat has no `end`; add `end` after its last line");
            return 0;
        }
        if (t->kind == LEX_STRING) {
            show(t->raw, t->raw_n, buf);
            ERR_AT(P, t, "a line starts with a statement, not with the string %s; e.g. mark %s", buf, buf);
            if (recover(P) != 0)
                return -1;
            continue;
        }
        if (is_word(t, "end")) {
            if (!rep && P->refused_repeats > 0) { /* closes a refused repeat */
                P->refused_repeats--;
                P->stmt = t->raw;
                if ((advance(P) != 0 || end_line(P) != 0) && recover(P) != 0)
                    return -1;
                continue;
            }
            if (!rep) {
                ERR_AT(P, t, "`end` without a repeat; remove it, or add the repeat it closes");
                if (recover(P) != 0)
                    return -1;
                continue;
            }
            rep->u.repeat.end_loc = loc_of(t);
            P->stmt = t->raw;
            return advance(P); /* the caller's line ends after `end` */
        }
        ast_node *n = NULL;
        int rc = parse_statement(P, &n);
        if (rc == 0 && n) { /* a complete statement, even with words after it */
            *tail = n;
            tail = &n->next;
        }
        if ((rc != 0 || end_line(P) != 0) && recover(P) != 0)
            return -1;
    }
}

static int ref_error(parser *P, const param_ref *r);

/* Checks every `$name` against the declared params: it must exist and have
 * the type its place needs (in collect mode: each one). */
static int resolve_refs(parser *P)
{
    for (param_ref *r = P->refs; r; r = r->next) {
        if (ref_error(P, r) != 0 && recover(P) != 0)
            return -1;
    }
    return 0;
}

/* Checks one `$name` (see resolve_refs). A parameter whose declaration had
 * a mistake (no type) matches any use. */
static int ref_error(parser *P, const param_ref *r)
{
    {
        const ast_value *v = r->v;
        size_t n = strlen(v->param);
        int k = find_param(P, v->param, n);
        if (k < 0) {
            const char *near = similar_param(P, v->param, n);
            if (near)
                return ERR(P, v->loc.line, v->loc.col,
                           "unknown parameter '$%s'; did you mean '$%s'? (or declare it: param %s %s)", v->param,
                           near, v->param, type_example(v->type));
            return ERR(P, v->loc.line, v->loc.col, "unknown parameter '$%s'; declare it, e.g. param %s %s",
                       v->param, v->param, type_example(v->type));
        }
        const ast_param *p = &P->params[k];
        if (p->def.type != 0 && p->def.type != v->type)
            return ERR(P, v->loc.line, v->loc.col,
                       "'$%s' is %s parameter (line %d), but %s needs %s; give it %s default (param %s %s) "
                       "or use another parameter",
                       v->param, type_name(p->def.type), p->loc.line, r->what, type_name(v->type),
                       type_name(v->type), v->param, type_example(v->type));
    }
    return 0;
}

/* file := { EOL } session EOL block EOF
 * In collect mode a missing or wrong session line is reported and the rest
 * is still read. Returns 0, or -1 (in collect mode: when any mistake was
 * found; P->s then holds the statements without one). */
static int parse_file(parser *P)
{
    char buf[SHOW_BUF];
    P->s->title = "";
    while (advance(P) != 0 || P->tok.kind == LEX_EOL)
        if (P->lex_failed && recover(P) != 0)
            return -1;
    const lex_token *t = &P->tok;
    if (t->kind == LEX_EOF && P->nerrs > 0)
        return -1; /* its first line had a mistake, said already */
    if (t->kind == LEX_EOF) {
        ERR_AT(P, t, "this file has no statements; a session starts with session \"Title\"");
        return recover(P) == 0 ? -1 : -1;
    }
    if (!is_word(t, "session") && P->nerrs > 0) {
        /* the session line had a mistake, said already: read on from here */
    } else if (!is_word(t, "session")) {
        show(t->raw, t->raw_n, buf);
        if (t->kind == LEX_WORD && textdist(t->s, t->n, "session") <= 2)
            ERR_AT(P, t, "unknown statement '%s'; did you mean 'session'? A session starts with session \"Title\"",
                   buf);
        else
            ERR_AT(P, t, "a session starts with session \"Title\"; add that line before '%s'", buf);
        if (!P->errs)
            return -1;
        if (statement_index(t) >= 0) {
            diag_list_add(P->errs, P->d); /* read this line as a statement */
            P->nerrs++;
        } else if (recover(P) != 0) {
            return -1;
        }
    } else {
        P->stmt = t->raw;
        if ((parse_session(P) != 0 || end_line(P) != 0) && recover(P) != 0)
            return -1;
    }
    if (parse_block(P, NULL, &P->s->body) != 0)
        return -1;
    if (resolve_refs(P) != 0)
        return -1;
    int typed = 0;
    for (int k = 0; k < P->nparams; k++)
        typed += P->params[k].def.type != 0;
    if (typed > 0) {
        P->s->params = alloc(P, (size_t)typed * sizeof *P->s->params);
        if (!P->s->params)
            return -1;
        for (int k = 0; k < P->nparams; k++)
            if (P->params[k].def.type != 0)
                P->s->params[P->s->nparams++] = P->params[k];
    }
    return P->nerrs > 0 ? -1 : 0;
}

/* Parses text into a new session (see session_parse.h): stops at the first
 * mistake (d), or, with errs, reports each (errs) and keeps what it read. */
static int parse_text(const char *path, const char *text, size_t len, ast_session **out, adem_diag *d,
                      adem_diag_list *errs)
{
    parser P;
    int rc = -1;
    *out = NULL;
    diag_clear(d);
    memset(&P, 0, sizeof P);
    P.path = path ? path : "<string>";
    P.d = d;
    P.errs = errs;
    P.refs_tail = &P.refs;
    if (lex_init(&P.ls, P.path, text, len, d) != 0) {
        if (errs)
            diag_list_add(errs, d);
        return -1;
    }
    P.a = arena_new();
    if (!P.a) {
        oom(&P);
        if (errs)
            diag_list_add(errs, d);
        return -1;
    }
    P.s = alloc(&P, sizeof *P.s);
    if (P.s) {
        P.s->arena = P.a;
        P.s->path = dup_text(&P, P.path, strlen(P.path));
        if (P.s->path)
            rc = parse_file(&P);
    }
    free(P.params);
    free(P.slots);
    if (errs && P.nerrs == 0 && rc != 0) /* stopped: out of memory */
        diag_list_add(errs, d);
    if (rc != 0 && (!errs || P.nerrs == 0 || !P.s || !P.s->path)) {
        arena_free(P.a);
        return -1;
    }
    *out = P.s;
    return rc;
}

/* ---- public ------------------------------------------------------------- */

/* Text -> a new session, or -1 with d set and nothing leaked (see session_parse.h). */
int session_parse(const char *path, const char *text, size_t len, ast_session **out, adem_diag *d)
{
    return parse_text(path, text, len, out, d, NULL);
}

/* Text -> a session and every mistake in it (see session_parse.h). */
int session_parse_collect(const char *path, const char *text, size_t len, ast_session **out,
                          adem_diag_list *errs)
{
    adem_diag d;
    return parse_text(path, text, len, out, &d, errs);
}

/* Frees a session and everything in its arena; NULL is a no-op. */
void session_free(ast_session *s)
{
    if (s)
        arena_free(s->arena);
}

/* 1 if s[0..n) is 1..64 ASCII letters, digits, '_' or '-'. */
int session_valid_name(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}
