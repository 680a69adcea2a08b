/* diag: one-line diagnostics with a source position (see diag.h). */
#include "base/diag.h"

#include <stdarg.h>
#include <string.h>

/* Replaces every control character in s by a space, so text from files or
 * system messages can never break the one-line rule. */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
}

void diag_clear(adem_diag *d)
{
    memset(d, 0, sizeof *d);
    d->status = ADEM_EXIT_INPUT;
}

static void set_file(adem_diag *d, const char *file)
{
    d->file[0] = '\0';
    if (file) {
        size_t n = strlen(file);
        if (n >= sizeof d->file)
            n = sizeof d->file - 1;
        memcpy(d->file, file, n);
        d->file[n] = '\0';
        one_line(d->file);
    }
}

/* Fills d: position, status and the formatted message (one line). */
static int vset(adem_diag *d, const char *file, int line, int col, int status, const char *fmt,
                va_list ap)
{
    set_file(d, file);
    d->line = line;
    d->col = col;
    d->status = status;
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    one_line(d->msg);
    return -1;
}

int diag_set(adem_diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(d, file, line, col, ADEM_EXIT_INPUT, fmt, ap);
    va_end(ap);
    return -1;
}

int diag_runtime(adem_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(d, NULL, 0, 0, ADEM_EXIT_RUNTIME, fmt, ap);
    va_end(ap);
    return -1;
}

void diag_format(const adem_diag *d, char *buf, size_t n)
{
    if (n == 0)
        return;
    if (d->file[0] && d->line > 0)
        snprintf(buf, n, "adem: %s:%d:%d: %s", d->file, d->line, d->col > 0 ? d->col : 1, d->msg);
    else if (d->file[0])
        snprintf(buf, n, "adem: %s: %s", d->file, d->msg);
    else
        snprintf(buf, n, "adem: %s", d->msg);
}

void diag_print(const adem_diag *d, FILE *f)
{
    char buf[ADEM_DIAG_FILE_MAX + ADEM_DIAG_MSG_MAX + 64];
    diag_format(d, buf, sizeof buf);
    fprintf(f, "%s\n", buf);
}

void diag_list_clear(adem_diag_list *l)
{
    l->n = 0;
    l->more = 0;
}

int diag_list_add(adem_diag_list *l, const adem_diag *d)
{
    for (int i = 0; i < l->n; i++)
        if (d->line > 0 && l->item[i].line == d->line && strcmp(l->item[i].file, d->file) == 0)
            return 0;
    if (l->n < ADEM_DIAG_LIST_MAX)
        l->item[l->n++] = *d;
    else
        l->more++;
    return 1;
}

int diag_list_count(const adem_diag_list *l)
{
    return l->n + l->more;
}
