/* platform_posix: platform.h for Linux, macOS and the BSDs. */
#define _XOPEN_SOURCE 700
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#endif
#include "sys/platform.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

int platform_exe_path(char *buf, size_t n)
{
    if (n == 0)
        return -1;
    buf[0] = '\0';
#if defined(__APPLE__)
    char raw[PATH_MAX];
    uint32_t size = sizeof raw;
    if (_NSGetExecutablePath(raw, &size) != 0)
        return -1;
    return platform_realpath(raw, buf, n);
#else
    ssize_t len = readlink("/proc/self/exe", buf, n - 1);
    if (len <= 0 || (size_t)len >= n - 1) {
        buf[0] = '\0';
        return -1;
    }
    buf[len] = '\0';
    return 0;
#endif
}

int platform_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int platform_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* What a path that is not a regular file is, for a message. */
static const char *kind_of(mode_t m)
{
    if (S_ISFIFO(m))
        return "it is a FIFO, not a file";
    if (S_ISDIR(m))
        return "it is a folder, not a file";
    if (S_ISSOCK(m))
        return "it is a socket, not a file";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "it is a device, not a file";
    return "it is not a regular file";
}

/* open(2) with O_NONBLOCK, so that a FIFO never blocks, then fstat; the
 * descriptor is made blocking again before it is returned. */
static int open_regular(const char *path, int append, const char **why)
{
    struct stat st;
    int flags = (append ? O_WRONLY | O_APPEND | O_CREAT : O_RDONLY) | O_NONBLOCK | O_CLOEXEC;
    int fd = open(path, flags, 0666);
    if (fd < 0) {
        int e = errno;
        /* a FIFO without a reader refuses O_WRONLY|O_NONBLOCK with ENXIO */
        if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
            *why = kind_of(st.st_mode);
        else
            *why = strerror(e);
        errno = e;
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *why = fstat(fd, &st) == 0 ? kind_of(st.st_mode) : strerror(errno);
        close(fd);
        errno = EINVAL;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
        int e = errno;
        *why = strerror(e);
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* See platform.h. */
FILE *platform_fopen_file(const char *path, const char *mode, const char **why)
{
    int append = mode[0] == 'a';
    int fd = open_regular(path, append, why);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, append ? "ab" : "rb");
    if (!f) {
        *why = strerror(errno);
        close(fd);
    }
    return f;
}

/* See platform.h. */
const char *platform_not_file(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
        return NULL;
    return kind_of(st.st_mode);
}

/* See platform.h. */
int platform_open_file(const char *path, const char **why)
{
    return open_regular(path, 0, why);
}

int64_t platform_file_size(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    return (int64_t)st.st_size;
}

int platform_realpath(const char *path, char *buf, size_t n)
{
    char *r = realpath(path, NULL);
    if (!r)
        return -1;
    size_t len = strlen(r);
    if (len >= n) {
        free(r);
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, r, len + 1);
    free(r);
    return 0;
}

int platform_replace(const char *from, const char *to)
{
    return rename(from, to);
}

/* fseeko with an int64_t offset (see platform.h). */
int platform_fseek(FILE *f, int64_t offset, int whence)
{
    if ((int64_t)(off_t)offset != offset) {
        errno = EOVERFLOW;
        return -1;
    }
    return fseeko(f, (off_t)offset, whence) == 0 ? 0 : -1;
}

/* ftello as an int64_t (see platform.h). */
int64_t platform_ftell(FILE *f)
{
    off_t pos = ftello(f);
    return pos < 0 ? -1 : (int64_t)pos;
}

int platform_mkdirs(const char *dir)
{
    char tmp[4096];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(tmp, dir, len + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return -1;
    return platform_is_dir(tmp) ? 0 : -1;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int platform_list_dir(const char *dir, int (*fn)(const char *name, void *ctx), void *ctx)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            char **nn = realloc(names, ncap * sizeof *nn);
            if (!nn) {
                rc = -1;
                break;
            }
            names = nn;
            cap = ncap;
        }
        if (!(names[count] = strdup(e->d_name))) {
            rc = -1;
            break;
        }
        count++;
    }
    closedir(d);
    if (rc == 0 && count > 0) { /* (qsort takes no NULL, even for nothing) */
        qsort(names, count, sizeof *names, cmp_names);
        for (size_t i = 0; i < count; i++)
            if (fn(names[i], ctx))
                break;
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return rc;
}

int platform_isatty(int fd)
{
    return isatty(fd);
}

void platform_stdout_binary(void)
{
}

uint64_t platform_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void platform_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}
