/* module: finding and loading adem's own modules (module.h). */
#include "app/module.h"

#include <stdio.h>

#include "io/paths.h"
#include "sys/dynlib.h"
#include "sys/platform.h"

#ifndef ADEM_MODULE_SUFFIX
#define ADEM_MODULE_SUFFIX ".so"
#endif
/* The modules' folder of an install, from the binary's folder. */
#ifndef ADEM_MODULE_RELDIR
#define ADEM_MODULE_RELDIR "../lib/adem"
#endif

enum { PATH_LEN = 4096 };

const void *module_load(const char *name, const char *symbol, char *why, size_t whyn)
{
    char file[128], exe[PATH_LEN], bindir[PATH_LEN], dirs[2][PATH_LEN], path[PATH_LEN];
    snprintf(file, sizeof file, "adem-%s%s", name, ADEM_MODULE_SUFFIX);
    if (platform_exe_path(exe, sizeof exe) != 0) {
        snprintf(why, whyn, "%s: the folder of the adem program cannot be told", file);
        return NULL;
    }
    paths_dirname(exe, bindir, sizeof bindir);
    snprintf(dirs[0], sizeof dirs[0], "%s", bindir);
    if (paths_join(path, sizeof path, bindir, ADEM_MODULE_RELDIR) != 0)
        dirs[1][0] = '\0';
    else if (platform_realpath(path, dirs[1], sizeof dirs[1]) != 0)
        snprintf(dirs[1], sizeof dirs[1], "%s", path); /* (missing: as it is) */
    for (int i = 0; i < 2; i++) {
        if (!dirs[i][0] || paths_join(path, sizeof path, dirs[i], file) != 0 ||
            !platform_is_file(path))
            continue;
        dynlib *lib = dynlib_open(path, why, whyn);
        if (!lib)
            return NULL;
        return dynlib_symbol(lib, symbol, why, whyn);
    }
    snprintf(why, whyn, "%s is in neither %s nor %s", file, dirs[0], dirs[1]);
    return NULL;
}
