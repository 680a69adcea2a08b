/* textdist: "did you mean ...?" — the closest name to a mistyped word.
 *
 * An edit distance (insertions, deletions, substitutions and swaps of two
 * neighbours; ASCII case ignored) and a small collector that keeps the
 * closest of the candidates it is shown. Used for statements, parameters,
 * session names and cue IDs. Plain C11, no POSIX, no allocation. */
#ifndef ADEM_TEXTDIST_H
#define ADEM_TEXTDIST_H

#include <stddef.h>

/* Longest word textdist compares, in bytes; longer ones are never close. */
enum { TEXTDIST_MAX = 64 };

/* The edit distance between a[0..n) and the string b, or a large number
 * (1000) when either is longer than TEXTDIST_MAX bytes. */
int textdist(const char *a, size_t n, const char *b);

/* Keeps the candidate closest to a word. */
typedef struct textdist_near {
    const char *word;  /* the mistyped word (not NUL-terminated) */
    size_t n;
    int best;          /* distance of name, or above the limit when none */
    char name[TEXTDIST_MAX + 1]; /* the closest candidate so far ("" = none) */
} textdist_near;

/* Starts looking for the closest to word[0..n). A candidate counts when its
 * distance is at most 2 (3 for words of 8 bytes or more) and less than n,
 * so a short word does not "resemble" everything. */
void textdist_near_init(textdist_near *t, const char *word, size_t n);

/* Considers the candidate name (ties: the first one shown wins; the word
 * itself, at distance 0, is not a suggestion). */
void textdist_near_try(textdist_near *t, const char *name);

/* The closest candidate, or NULL when none was close enough. */
const char *textdist_near_best(const textdist_near *t);

#endif
