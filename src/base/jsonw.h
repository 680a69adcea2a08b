/* jsonw: writing JSON strings (escaped, UTF-8 passed through), for the
 * commands that print JSON (`show --json`, `ctl status --json`) and the
 * control socket's replies. Plain C11. */
#ifndef ADEM_JSONW_H
#define ADEM_JSONW_H

#include <stddef.h>
#include <stdio.h>

/* Writes s as a JSON string with its quotes to f; NULL as null. */
void jsonw_file(FILE *f, const char *s);

/* Appends s as a JSON string with its quotes (NULL as null) to buf, which
 * holds a NUL-terminated text of *len bytes in n; the text is cut (still
 * NUL-terminated) when it does not fit. Returns 0, or -1 when it was cut. */
int jsonw_buf(char *buf, size_t n, size_t *len, const char *s);

#endif
