/* ast: the parsed form of one session file (design/session-language.md).
 *
 * The parser builds it; the timeline compiler reads it. Every node and string
 * lives in the session's arena and is freed with it (session_free). Values that
 * may be a `$param` are ast_value: either a literal of a known type or a
 * reference, resolved by the compiler against params and overrides.
 * Plain C11, no POSIX. */
#ifndef ADEM_AST_H
#define ADEM_AST_H

#include <stdint.h>

#include "base/arena.h"
#include "base/sound.h"

/* A position in a session file; line and col are 1-based, col counts
 * characters (UTF-8 code points), a tab counts as one. */
typedef struct ast_loc {
    int line, col;
} ast_loc;

typedef enum ast_type {
    AST_INT = 1,  /* a non-negative integer ("4") */
    AST_DURATION, /* integer milliseconds ("4s") */
    AST_LEVEL     /* decibels ("-12dB") */
} ast_type;

/* A literal or a $param reference where a number, duration or level is
 * expected. For a literal, exactly one of i/ms/db is meaningful (by type). */
typedef struct ast_value {
    ast_loc loc;       /* where the value (or the `$`) starts */
    const char *param; /* parameter name without `$`, or NULL for a literal */
    ast_type type;     /* the type the grammar expects at this place */
    int64_t i;         /* AST_INT */
    int64_t ms;        /* AST_DURATION */
    double db;         /* AST_LEVEL */
} ast_value;

typedef enum ast_kind {
    AST_SPEAK = 1, /* speak CUE */
    AST_WAIT,      /* wait DURATION */
    AST_BELL,      /* bell [LEVEL] */
    AST_PHASE,     /* phase "Label" DURATION [attributes] */
    AST_REPEAT,    /* repeat COUNT ... end */
    AST_REPEAT_FOR,/* repeat for DURATION ... end */
    AST_BED,       /* bed NOISE LEVEL | bed off */
    AST_MARK,      /* mark "Label" */
    AST_PLAY,      /* play SESSION [NAME=VALUE ...] */
    AST_HOLD       /* hold "Label" [max=DURATION] */
} ast_kind;


/* NAME=VALUE as written after `play`; VALUE is kept as text because its type
 * is the inner session's parameter's type, known only when it is loaded. */
typedef struct ast_arg {
    const char *name;
    const char *value;
    ast_loc loc;       /* of NAME */
    ast_loc value_loc; /* of VALUE */
} ast_arg;

typedef struct ast_node ast_node;
struct ast_node {
    ast_kind kind;
    ast_loc loc;    /* of the statement's keyword */
    ast_node *next; /* the next statement in the same block, or NULL */
    union {
        struct {
            const char *cue; /* cue ID (validated name) */
            ast_loc cue_loc;
        } speak;
        struct {
            ast_value dur;  /* AST_DURATION; with `stepped`, the first cycle's */
            int stepped;    /* written FIRST..LAST (see `last`) */
            ast_value last; /* AST_DURATION: the last cycle's, when stepped */
        } wait;
        struct {
            int has_level;
            ast_value level; /* AST_LEVEL; default 0 dB when !has_level */
        } bell;
        struct {
            const char *label;
            ast_value dur;   /* AST_DURATION; with `stepped`, the first cycle's */
            int stepped;     /* written FIRST..LAST: a stepped duration */
            ast_value last;  /* AST_DURATION: the last cycle's, when stepped */
            const char *cue; /* cue=ID, or NULL */
            ast_loc cue_loc;
            adem_tone tone;   /* tone=..., ADEM_TONE_NONE when absent or tone=none */
            int has_range;   /* tone=KIND:LO-HI or tone=KIND:HZ was given */
            double f_from, f_to; /* Hz; equal for a single frequency */
            ast_loc tone_loc;
            int has_pulse;
            ast_value bpm;   /* AST_INT, 30..240 (range checked by the compiler
                                when it is a $param, by the parser otherwise) */
            int count_down;  /* count=down */
            ast_loc count_loc;
        } phase;
        struct {
            ast_value count; /* AST_INT for AST_REPEAT; AST_DURATION for AST_REPEAT_FOR */
            ast_node *body;  /* first statement of the body, never NULL */
            ast_loc end_loc; /* of the matching `end` */
        } repeat;
        struct {
            adem_noise noise;
            ast_value level; /* AST_LEVEL; unused for ADEM_NOISE_OFF */
        } bed;
        struct {
            const char *label;
        } mark;
        struct {
            const char *label;
            int has_max;
            ast_value max; /* AST_DURATION (>= 0); 0 ms when !has_max */
        } hold;
        struct {
            const char *target; /* session name or path, as written */
            ast_loc target_loc;
            int nargs;
            ast_arg *args;
        } play;
    } u;
};

typedef struct ast_param {
    const char *name;
    ast_value def; /* a literal: its type is the parameter's type */
    ast_loc loc;   /* of the `param` keyword */
} ast_param;

/* One parsed session file. */
typedef struct ast_session {
    arena *arena;            /* owns everything below */
    const char *path;        /* the file as named by the caller ("<string>" for text) */
    const char *title;       /* from `session "Title"` */
    const char *description; /* or NULL */
    const char *voice;       /* `voice PACK`, or NULL */
    ast_loc voice_loc;
    int voice_bad;           /* session_parse_collect: the voice line had a mistake */
    int nparams;
    ast_param *params;       /* in declaration order */
    ast_node *body;          /* first timed statement, or NULL for none */
} ast_session;

#endif
