/* dupstr: malloc'd copies of strings (see dupstr.h). */
#include "base/dupstr.h"

#include <stdlib.h>
#include <string.h>

/* Copies n bytes and appends a NUL. */
char *dupstr_n(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

/* dupstr_n of the whole string. */
char *dupstr(const char *s)
{
    return dupstr_n(s, strlen(s));
}
