/* jsonw: JSON strings (see jsonw.h). */
#include "base/jsonw.h"

#include <stdio.h>
#include <string.h>

/* The escaped form of byte c: itself, \" \\ or \u00XX. Returns its length. */
static int escape(unsigned char c, char out[8])
{
    if (c == '"' || c == '\\') {
        out[0] = '\\';
        out[1] = (char)c;
        return 2;
    }
    if (c < 0x20)
        return snprintf(out, 8, "\\u%04x", c);
    out[0] = (char)c;
    return 1;
}

void jsonw_file(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    char e[8];
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fwrite(e, 1, (size_t)escape(*p, e), f);
    fputc('"', f);
}

/* Appends n bytes of t to buf; -1 (and nothing) when they do not fit. */
static int put(char *buf, size_t n, size_t *len, const char *t, size_t k)
{
    if (*len + k + 1 > n)
        return -1;
    memcpy(buf + *len, t, k);
    *len += k;
    buf[*len] = '\0';
    return 0;
}

int jsonw_buf(char *buf, size_t n, size_t *len, const char *s)
{
    if (!s)
        return put(buf, n, len, "null", 4);
    char e[8];
    if (put(buf, n, len, "\"", 1) != 0)
        return -1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (put(buf, n, len, e, (size_t)escape(*p, e)) != 0)
            return -1;
    return put(buf, n, len, "\"", 1);
}
