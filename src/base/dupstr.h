/* dupstr: malloc'd copies of strings (C11 has no strdup/strndup). Plain C11. */
#ifndef ADEM_DUPSTR_H
#define ADEM_DUPSTR_H

#include <stddef.h>

/* A malloc'd copy of the n bytes at s followed by a NUL (s need not be
 * NUL-terminated), or NULL when out of memory. Free with free(). */
char *dupstr_n(const char *s, size_t n);

/* A malloc'd copy of the NUL-terminated string s, or NULL when out of memory. */
char *dupstr(const char *s);

#endif
