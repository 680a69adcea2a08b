/* prepare: from SESSION arguments to a laid-out timeline and its cues.
 *
 * The one path every command takes (render, play, show, check, list): load
 * the sessions, build the timeline with the overrides, find the voice cues,
 * take their lengths from the headers (exactly the decoded lengths) and lay
 * the timeline out at the output rate. The audio of the cues is decoded later,
 * as it is needed, by the cue bank (io/cuebank.h).
 * Not for the audio thread. */
#ifndef ADEM_PREPARE_H
#define ADEM_PREPARE_H

#include <stdint.h>

#include "base/diag.h"
#include "rt/engine.h"
#include "timeline/timeline.h"
#include "io/voicepack.h"

typedef struct prep_options {
    const tl_options *tl; /* what shapes the timeline (timeline/options.h) */
    int default_rate;     /* the rate to lay out at when tl->rate is 0 */
    int decode;           /* 1: also decode every cue into memory (check: a cue
                             damaged after its header is found; tests, tools);
                             0: lengths only (render and play
                             decode as they go, io/cuebank.h) */
} prep_options;

typedef struct prep prep;

/* Prepares the n SESSION arguments (names, paths or .m3u): loads and parses
 * them, builds the timeline once (with o->tl's lead-in first when it asks
 * for one), finds the cues and lays it out. Returns 0 and *out, or -1 with d
 * set; *out is then NULL. */
int prep_new(const char *const *args, int n, const prep_options *o, prep **out, adem_diag *d);

/* The laid-out timeline; the cues (decoded only when o->decode was 1; else
 * their samples are NULL) and their voice-pack files. */
const timeline *prep_timeline(const prep *p);
const adem_cue *prep_cues(const prep *p);
const voicepack *prep_voicepack(const prep *p);

/* The i-th top-level session as parsed (0 <= i < the n given to prep_new). */
const ast_session *prep_session(const prep *p, int i);

/* 1 when the timeline begins with the lead-in (tl_options.countdown_ms). */
int prep_lead(const prep *p);

/* Lays the timeline out again at another rate (decoding cues again when they
 * were decoded). Returns 0, or -1 with d set. */
int prep_relayout(prep *p, int rate, adem_diag *d);

/* Decodes the cues at `rate` (the rate known only now, e.g. the device's) and
 * lays the timeline out at it: what was parsed and built stays. Returns 0, or
 * -1 with d set. */
int prep_decode(prep *p, int rate, adem_diag *d);

/* Frees everything. NULL is a no-op. */
void prep_free(prep *p);

#endif
