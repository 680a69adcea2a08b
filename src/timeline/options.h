/* options: what shapes a timeline, whoever asks for one (the command line, a
 * test, another program): parameter overrides, the voice pack, the output
 * rate, the gap between sessions, the tempo and a counted-down lead-in.
 *
 * The defaults and the allowed ranges are here and only here: tl_options_init
 * sets the defaults, the tl_options_set_* functions read a value written as
 * text (the value syntax of lang/units.h) and check its range, and
 * tl_options_check checks fields that were set directly. Messages name the
 * thing ("a tempo is a factor from 0.5 to 2.0"), never a command-line flag:
 * the caller says where the value came from ("--tempo 3: ...").
 * Plain C11, no POSIX, no allocation. */
#ifndef ADEM_TL_OPTIONS_H
#define ADEM_TL_OPTIONS_H

#include <stdint.h>

#include "base/diag.h"
#include "lang/units.h"

/* The tempo factor, in thousandths: 0.5 .. 2.0. */
#define TL_TEMPO_MIN 500
#define TL_TEMPO_MAX 2000
#define TL_TEMPO_DEFAULT 1000
/* Output rates a timeline can be laid out at, in Hz. */
#define TL_RATE_MIN 8000
#define TL_RATE_MAX 384000
/* The longest gap between sessions: as long as a session may be. */
#define TL_GAP_MAX_MS ADEM_MAX_SESSION_MS
/* The longest counted-down lead-in. */
#define TL_COUNTDOWN_MAX_MS ((int64_t)600000)

/* A NAME=VALUE override of a session parameter. `from` says where it was
 * given, for messages ("--set" on the command line; NULL when it does not
 * matter): an error reads "FROM NAME=VALUE: what is wrong". */
typedef struct tl_override {
    const char *name, *value;
    const char *from;
} tl_override;

typedef struct tl_options {
    const tl_override *sets; /* applied to every top-level session that
                                declares the name; a name none declares is an
                                error */
    int nsets;
    const char *voice;       /* a pack name or folder for every cue, or NULL
                                for each session's own `voice` (else nl) */
    int rate;                /* output rate in Hz; 0: the output's own (a
                                device's, 48000 for a file) */
    int64_t gap_ms;          /* silence between top-level sessions, real time
                                (not scaled by the tempo) */
    int tempo_milli;         /* tempo factor x 1000: phases and waits last
                                1000/tempo_milli as long; cues keep theirs */
    int64_t countdown_ms;    /* > 0: a counted-down lead-in of this length
                                before the first session (a soft beat every
                                second); no gap after it, no overrides for it,
                                not the title */
} tl_options;

/* Sets o to the defaults: no overrides, no voice, the output's own rate, no
 * gap, tempo 1.0, no lead-in. */
void tl_options_init(tl_options *o);

/* Each reads `text` into one field after checking its range: a tempo factor
 * ("0.75": 0.5 to 2.0, at most 3 decimals), a gap (a duration, at most 24
 * hours), a lead-in (a duration, at most 10 minutes), a rate (a whole number
 * of Hz, 8000 to 384000). Returns 0, or -1 with the reason in err (the field
 * is then unchanged). */
int tl_options_set_tempo(tl_options *o, const char *text, char err[UNITS_ERR_MAX]);
int tl_options_set_gap(tl_options *o, const char *text, char err[UNITS_ERR_MAX]);
int tl_options_set_countdown(tl_options *o, const char *text, char err[UNITS_ERR_MAX]);
int tl_options_set_rate(tl_options *o, const char *text, char err[UNITS_ERR_MAX]);

/* Checks every field's range (for fields set directly). Returns 0, or -1 with
 * d set (status 2, no position). */
int tl_options_check(const tl_options *o, adem_diag *d);

#endif
