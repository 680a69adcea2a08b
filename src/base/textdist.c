/* textdist: the closest name to a mistyped word (see textdist.h). */
#include "base/textdist.h"

#include <string.h>

/* Lower-cases an ASCII letter. */
static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Optimal string alignment distance over three rolling rows. */
int textdist(const char *a, size_t n, const char *b)
{
    size_t m = strlen(b);
    int row[3][TEXTDIST_MAX + 1]; /* rows i-2, i-1, i of the table, cyclically */
    if (n > TEXTDIST_MAX || m > TEXTDIST_MAX)
        return 1000;
    for (size_t j = 0; j <= m; j++)
        row[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        int *cur = row[i % 3], *prev = row[(i - 1) % 3], *prev2 = row[(i + 1) % 3];
        cur[0] = (int)i;
        for (size_t j = 1; j <= m; j++) {
            int cost = lower((unsigned char)a[i - 1]) != lower((unsigned char)b[j - 1]);
            int v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && lower((unsigned char)a[i - 1]) == lower((unsigned char)b[j - 2]) &&
                lower((unsigned char)a[i - 2]) == lower((unsigned char)b[j - 1]) && prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
        }
    }
    return row[n % 3][m];
}

void textdist_near_init(textdist_near *t, const char *word, size_t n)
{
    t->word = word;
    t->n = n;
    t->best = (n >= 8 ? 3 : 2) + 1;
    t->name[0] = '\0';
}

void textdist_near_try(textdist_near *t, const char *name)
{
    size_t len = strlen(name);
    if (len > TEXTDIST_MAX)
        return;
    int d = textdist(t->word, t->n, name);
    if (d > 0 && d < t->best && (size_t)d < t->n) {
        t->best = d;
        memcpy(t->name, name, len + 1);
    }
}

const char *textdist_near_best(const textdist_near *t)
{
    return t->name[0] ? t->name : NULL;
}
