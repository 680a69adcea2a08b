/* dynlib_win: dynlib.h with LoadLibraryW/GetProcAddress. */
#define WIN32_LEAN_AND_MEAN
#include "sys/dynlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

/* The system's message for error code e, on one line, into why. */
static void say(DWORD e, const char *what, char *why, size_t whyn)
{
    char msg[256] = "";
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                             e, 0, msg, (DWORD)sizeof msg, NULL);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    snprintf(why, whyn, "%s: %s (error %lu)", what, n ? msg : "cannot be loaded",
             (unsigned long)e);
}

dynlib *dynlib_open(const char *path, char *why, size_t whyn)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, NULL, 0);
    wchar_t *w = n > 0 ? malloc((size_t)n * sizeof *w) : NULL;
    if (!w || MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, w, n) != n) {
        free(w);
        snprintf(why, whyn, "%s: the path is not valid UTF-8", path);
        return NULL;
    }
    HMODULE h = LoadLibraryExW(w, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    DWORD e = GetLastError();
    free(w);
    if (!h)
        say(e, path, why, whyn);
    return (dynlib *)h;
}

void *dynlib_symbol(dynlib *lib, const char *symbol, char *why, size_t whyn)
{
    FARPROC p = GetProcAddress((HMODULE)lib, symbol);
    if (!p)
        say(GetLastError(), symbol, why, whyn);
    /* a data symbol's address, as GetProcAddress gives it */
    void *v;
    memcpy(&v, &p, sizeof v);
    return v;
}
