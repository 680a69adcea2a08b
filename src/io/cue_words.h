/* cue_words: the words of each voice cue a timeline speaks, from the
 * transcript.tsv beside each cue's file, for the live display (it shows them
 * while the cue is spoken). Read before the audio starts.
 * Not for the audio thread. */
#ifndef ADEM_CUE_WORDS_H
#define ADEM_CUE_WORDS_H

#include "io/voicepack.h"
#include "timeline/timeline.h"

typedef struct cue_words cue_words;

/* Looks up the words of every cue of tl (timeline_cue(tl, i)) in the
 * transcript of the folder its file was taken from (voicepack_file(vp, i)).
 * A cue without a transcript line, or a folder without a readable
 * transcript, has NULL words (the display then says "luister"). Returns NULL
 * only when out of memory. */
cue_words *cue_words_load(const voicepack *vp, const timeline *tl);

/* The words, one per cue (NULL where unknown), and how many cues. */
const char *const *cue_words_table(const cue_words *w);
int cue_words_count(const cue_words *w);

/* Frees w. NULL is a no-op. */
void cue_words_free(cue_words *w);

#endif
