/* paths: where adem finds its shipped data and the user's files (paths.h). */
#include "io/paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/platform.h"

#ifndef ADEM_SOURCE_DATA_DIR
#define ADEM_SOURCE_DATA_DIR ""
#endif
#ifndef ADEM_INSTALL_DATA_DIR
#define ADEM_INSTALL_DATA_DIR ""
#endif

enum { PATH_MAX_LEN = 4096 };

int paths_join(char *buf, size_t n, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t sep = la > 0 && a[la - 1] != '/' && a[la - 1] != PLATFORM_SEP;
    if (n == 0 || la + sep + lb >= n) {
        if (n)
            buf[0] = '\0';
        return -1;
    }
    memmove(buf, a, la); /* memmove: buf may be a */
    if (sep)
        buf[la] = PLATFORM_SEP;
    memcpy(buf + la + sep, b, lb + 1);
    return 0;
}

void paths_dirname(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
#ifdef _WIN32
    const char *bs = strrchr(path, '\\');
    if (bs && (!slash || bs > slash))
        slash = bs;
#endif
    if (!slash) {
        snprintf(buf, n, ".");
        return;
    }
    size_t len = (size_t)(slash - path);
    if (len == 0)
        len = 1; /* "/x" -> "/" */
    snprintf(buf, n, "%.*s", (int)len, path);
}

int paths_is_absolute(const char *path)
{
#ifdef _WIN32
    return path[0] == '\\' || path[0] == '/' || (path[0] && path[1] == ':');
#else
    return path[0] == '/';
#endif
}

/* 1 if dir holds adem's shipped data (a sessions/ folder). */
static int is_data_dir(const char *dir)
{
    char p[PATH_MAX_LEN];
    return dir && dir[0] && paths_join(p, sizeof p, dir, "sessions") == 0 && platform_is_dir(p);
}

const char *paths_data_dir(void)
{
    static char dir[PATH_MAX_LEN];
    static int done;
    if (done)
        return dir[0] ? dir : NULL;
    done = 1;
    const char *env = getenv("ADEM_DATA_DIR");
    if (env && is_data_dir(env)) {
        snprintf(dir, sizeof dir, "%s", env);
        return dir;
    }
    char exe[PATH_MAX_LEN], bindir[PATH_MAX_LEN];
    if (platform_exe_path(exe, sizeof exe) == 0) {
        paths_dirname(exe, bindir, sizeof bindir);
        char cand[PATH_MAX_LEN];
        if (paths_join(cand, sizeof cand, bindir, "../share/adem") == 0 && is_data_dir(cand) &&
            platform_realpath(cand, dir, sizeof dir) == 0)
            return dir;
    }
    if (is_data_dir(ADEM_SOURCE_DATA_DIR)) {
        snprintf(dir, sizeof dir, "%s", ADEM_SOURCE_DATA_DIR);
        return dir;
    }
    if (is_data_dir(ADEM_INSTALL_DATA_DIR)) {
        snprintf(dir, sizeof dir, "%s", ADEM_INSTALL_DATA_DIR);
        return dir;
    }
    dir[0] = '\0';
    return NULL;
}

/* $VAR/adem, or $HOME/fallback/adem; into buf. Returns buf or NULL. */
static const char *xdg(char *buf, size_t n, const char *var, const char *fallback)
{
    const char *v = getenv(var);
    if (v && v[0] && paths_is_absolute(v)) {
        paths_join(buf, n, v, "adem");
        return buf;
    }
    const char *home = getenv("HOME");
#ifdef _WIN32
    if (!home || !home[0])
        home = getenv("APPDATA");
#endif
    if (!home || !home[0])
        return NULL;
    char base[PATH_MAX_LEN];
    paths_join(base, sizeof base, home, fallback);
    paths_join(buf, n, base, "adem");
    return buf;
}

const char *paths_user_dir(void)
{
    static char buf[PATH_MAX_LEN];
    return xdg(buf, sizeof buf, "XDG_DATA_HOME", ".local/share");
}

const char *paths_config_file(void)
{
    static char buf[PATH_MAX_LEN];
    char dir[PATH_MAX_LEN];
    if (!xdg(dir, sizeof dir, "XDG_CONFIG_HOME", ".config"))
        return NULL;
    paths_join(buf, sizeof buf, dir, "config");
    return buf;
}

const char *paths_state_dir(void)
{
    static char buf[PATH_MAX_LEN];
    return xdg(buf, sizeof buf, "XDG_STATE_HOME", ".local/state");
}
