/* timeline: AST + overrides + cue lengths -> an immutable timeline in frames.
 *
 * Compiling happens in two steps, both before any audio runs:
 *   1. timeline_build: resolves parameters (`param`, overrides, `play` args),
 *      expands `play` inline (cycles are errors), and collects the voice cues the
 *      session needs (timeline_cue) so the caller can find their lengths.
 *   2. timeline_layout: given the output rate, the tempo and each cue's exact
 *      length in frames, fixes every repeat count (`repeat for`), every length,
 *      and checks the 24-hour limit. After this the timeline is immutable.
 *
 * Nothing is expanded eagerly: a repeat stays one node with a count, however
 * large, so a 10-hour session costs as little memory as a 10-minute one.
 * The real-time cursor (rt/cursor.h) walks it in time order, one event at a
 * time, computing each start frame from the exact cumulative time:
 *     frame = floor(ms * rate / tempo_milli) + cue_frames
 * where ms is the sum of the phase and wait durations before the event (in
 * milliseconds, scaled by the tempo) and cue_frames the sum of the lengths of
 * the spoken cues before it (`speak` advances the clock by its cue's length).
 * Never by adding rounded steps: the last frame of a 10-hour session is what
 * the arithmetic says. A stepped duration (FIRST..LAST in `repeat COUNT`)
 * lasts FIRST + i*(LAST-FIRST)/(COUNT-1) ms in cycle i, a whole number of
 * milliseconds (else timeline_build refuses it, saying what would work), so
 * every start is still exact (timeline/tl_repr.h).
 *
 * Plain C11, no POSIX. Everything here allocates or may: never call it from
 * the audio thread. */
#ifndef ADEM_TIMELINE_H
#define ADEM_TIMELINE_H

#include <stdint.h>

#include "lang/ast.h"
#include "base/diag.h"
#include "timeline/options.h"

/* Deepest nesting of repeats and plays together. */
#define TL_MAX_DEPTH 64
/* Most items a timeline may hold after `play` is expanded. */
#define TL_MAX_ITEMS 200000
/* The tone frequencies (Hz) used when a phase gives no range. */
#define TL_TONE_LOW 196.0
#define TL_TONE_HIGH 294.0
/* Most numbers a count=down speaks. */
#define TL_COUNT_MAX 10

typedef struct timeline timeline;

/* Loads the session named by `target` (as written after `play` in the file
 * `from`, or on the command line when from is NULL). On success sets *out (the
 * resolver keeps ownership; it stays valid until the timeline is freed) and
 * *key (a canonical identity, e.g. the real path, used to detect cycles) and
 * returns 0; on failure fills d and returns -1. */
typedef int (*tl_load_fn)(void *ctx, const char *target, const char *from,
                          const ast_session **out, const char **key, adem_diag *d);

/* How a timeline finds what it refers to beyond the sessions it is given. */
typedef struct tl_loader {
    const char *const *keys; /* canonical identity of each top-level session (as
                                the loader's keys, for cycle detection), or NULL
                                to use each session's path */
    tl_load_fn load;         /* for `play`; may be NULL if none is used */
    void *load_ctx;
} tl_loader;

/* A voice cue the timeline needs: the pack it comes from (--voice, else the
 * `voice` of the session that speaks it, else "nl") and its ID, with the place
 * it is first used (for messages such as "cue 'x' is not in pack 'nl'"). */
typedef struct tl_cue {
    const char *pack;
    const char *id;
    const char *file;
    ast_loc loc;
} tl_cue;

/* Builds a timeline from n top-level sessions played in order, shaped by o
 * (timeline/options.h: overrides, voice, gap, tempo, a lead-in; o->rate is
 * not used here but by timeline_layout's caller). ld finds the sessions a
 * `play` line names (NULL: none may be used). The sessions must outlive the
 * timeline. Returns 0 and *out, or -1 with d set (file:line:col of the
 * fault). */
int timeline_build(const ast_session *const *sessions, int n, const tl_options *o,
                   const tl_loader *ld, timeline **out, adem_diag *d);

/* The title and phase label of the lead-in that o->countdown_ms adds. */
#define TL_COUNTDOWN_TITLE "Aftellen"
#define TL_COUNTDOWN_LABEL "We beginnen zo"
/* The lead-in's beat: one a second. */
#define TL_COUNTDOWN_BPM 60

/* Builds a timeline without a session: one session titled `title` that speaks
 * cue `id` of `pack` once (e.g. playing back a recorded take); the cue is
 * timeline_cue 0, with `file` as the place it is used (for messages). Lay it
 * out with the cue's length as usual. Returns 0 and *out, or -1 with d set
 * (out of memory). The strings must outlive the timeline. */
int timeline_one_cue(const char *title, const char *pack, const char *id, const char *file,
                     timeline **out, adem_diag *d);

/* Like timeline_build, for `adem check`: every mistake (one per statement,
 * and each wrong --set) goes to errs and building goes on without that
 * statement. Returns 0 and *out when there was none; else -1 with *out the
 * timeline of the statements without a mistake (its cues can still be
 * checked; never lay it out or play it), or NULL when nothing could be built
 * (out of memory, a wrong --tempo or --gap: then errs holds that). */
int timeline_check(const ast_session *const *sessions, int n, const tl_options *o, const tl_loader *ld,
                   timeline **out, adem_diag_list *errs);

/* Frees a timeline. NULL is a no-op. Not for the audio thread. */
void timeline_free(timeline *tl);

/* The cues the timeline needs, 0..timeline_ncues-1 (indices used by events). */
int timeline_ncues(const timeline *tl);
const tl_cue *timeline_cue(const timeline *tl, int i);

/* Lays the timeline out at `rate` Hz with cue_frames[i] the exact length of
 * cue i at that rate (>= 1). Fixes `repeat for` counts (whole cycles filling
 * the duration, at least one) and rejects a session longer than 24 hours or a
 * repeat whose body takes no time, naming the statement. May be called again
 * (e.g. for another rate). Returns 0, or -1 with d set. */
int timeline_layout(timeline *tl, int rate, const int64_t *cue_frames, adem_diag *d);

/* After layout: the output rate, and the session's length in frames (its last
 * frame, not counting the ring-out of a bell or bed). */
int timeline_rate(const timeline *tl);
int64_t timeline_frames(const timeline *tl);

/* The number of steps the timeline holds (statements after `play` is
 * expanded): it does not grow with repeat counts or session length. */
int timeline_size(const timeline *tl);

/* The number of top-level sessions the timeline was built from (a lead-in
 * not counted). */
int timeline_sessions(const timeline *tl);

/* The title of the first top-level session. */
const char *timeline_title(const timeline *tl);

#endif
