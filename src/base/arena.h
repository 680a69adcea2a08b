/* arena: a bump allocator for data that lives and dies together (an AST, a
 * compiled timeline). Memory is released only by arena_free, all at once.
 * Not for the audio thread: allocation may call malloc. Plain C11. */
#ifndef ADEM_ARENA_H
#define ADEM_ARENA_H

#include <stddef.h>

typedef struct arena arena;

/* Creates an empty arena. Returns NULL when out of memory. */
arena *arena_new(void);

/* Frees every block the arena handed out, and the arena. NULL is a no-op. */
void arena_free(arena *a);

/* Returns n zeroed bytes aligned for any object type, valid until
 * arena_free; NULL when out of memory (or n is absurdly large). */
void *arena_alloc(arena *a, size_t n);

/* Copies the n bytes at s into the arena and appends a NUL. */
char *arena_strndup(arena *a, const char *s, size_t n);

/* Copies the NUL-terminated string s into the arena. */
char *arena_strdup(arena *a, const char *s);

/* Total bytes requested from malloc so far (for memory benchmarks/tests). */
size_t arena_bytes(const arena *a);

#endif
