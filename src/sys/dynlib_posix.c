/* dynlib_posix: dynlib.h with dlopen/dlsym. */
#include "sys/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>

dynlib *dynlib_open(const char *path, char *why, size_t whyn)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(why, whyn, "%s", e ? e : "cannot be loaded");
    }
    return h;
}

void *dynlib_symbol(dynlib *lib, const char *symbol, char *why, size_t whyn)
{
    dlerror(); /* clear an old error */
    void *p = dlsym(lib, symbol);
    if (!p) {
        const char *e = dlerror();
        snprintf(why, whyn, "%s", e ? e : "the symbol is missing");
    }
    return p;
}
