/* platform_win: platform.h for Windows (MinGW-w64 or MSVC, with <windows.h>).
 *
 * Paths are UTF-8 everywhere in adem; here they are converted to UTF-16 and
 * the wide (W) functions are used, so names outside the ANSI code page work.
 * Both '/' and '\\' separate folders. Compile-checked on Linux with
 * x86_64-w64-mingw32-gcc (the "portability" test); not run there. */
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600 /* Vista: GetFinalPathNameByHandleW */
#endif
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/platform.h"

/* Longest path handled, in UTF-16 units (the \\?\ limit). */
enum { WPATH_MAX = 32768 };

/* Converts UTF-8 s to a malloc'd UTF-16 string, or NULL (invalid UTF-8, out
 * of memory). */
static wchar_t *widen(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    if (n <= 0)
        return NULL;
    wchar_t *w = malloc((size_t)n * sizeof *w);
    if (w && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n) != n) {
        free(w);
        w = NULL;
    }
    return w;
}

/* Converts UTF-16 w to UTF-8 in buf (size n). Returns 0, or -1 when it does
 * not fit or cannot be converted (buf is then ""). */
static int narrow(const wchar_t *w, char *buf, size_t n)
{
    if (n == 0)
        return -1;
    buf[0] = '\0';
    int cap = n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
    if (WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, cap, NULL, NULL) <= 0) {
        buf[0] = '\0';
        return -1;
    }
    return 0;
}

/* Sets errno from the thread's last Windows error. */
static void set_errno_from_win(void)
{
    switch (GetLastError()) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_NAME:
        errno = ENOENT;
        break;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
        errno = EACCES;
        break;
    case ERROR_ALREADY_EXISTS:
    case ERROR_FILE_EXISTS:
        errno = EEXIST;
        break;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
        errno = ENOSPC;
        break;
    case ERROR_NOT_SAME_DEVICE:
        errno = EXDEV;
        break;
    case ERROR_FILENAME_EXCED_RANGE:
        errno = ENAMETOOLONG;
        break;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
        errno = ENOMEM;
        break;
    default:
        errno = EIO;
        break;
    }
}

/* Opens path (following symbolic links) for reading its attributes only;
 * folders too. Returns INVALID_HANDLE_VALUE when it does not exist. */
static HANDLE open_for_info(const char *path)
{
    wchar_t *w = widen(path);
    if (!w)
        return INVALID_HANDLE_VALUE;
    HANDLE h = CreateFileW(w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    free(w);
    return h;
}

/* Attributes and size of the file path names, after symbolic links.
 * Returns 0, or -1 when it does not exist. */
static int file_info(const char *path, DWORD *attrs, int64_t *size)
{
    HANDLE h = open_for_info(path);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    BY_HANDLE_FILE_INFORMATION info;
    BOOL ok = GetFileInformationByHandle(h, &info);
    CloseHandle(h);
    if (!ok)
        return -1;
    *attrs = info.dwFileAttributes;
    *size = (int64_t)(((uint64_t)info.nFileSizeHigh << 32) | info.nFileSizeLow);
    return 0;
}

/* GetModuleFileNameW, in UTF-8 (see platform.h). */
int platform_exe_path(char *buf, size_t n)
{
    if (n == 0)
        return -1;
    buf[0] = '\0';
    wchar_t *w = malloc(WPATH_MAX * sizeof *w);
    if (!w)
        return -1;
    DWORD len = GetModuleFileNameW(NULL, w, WPATH_MAX);
    int rc = (len == 0 || len >= WPATH_MAX) ? -1 : narrow(w, buf, n);
    free(w);
    return rc;
}

/* 1 if path is a folder, after symbolic links (see platform.h). */
int platform_is_dir(const char *path)
{
    DWORD attrs;
    int64_t size;
    return file_info(path, &attrs, &size) == 0 && (attrs & FILE_ATTRIBUTE_DIRECTORY);
}

/* 1 if path is a file, after symbolic links (see platform.h). */
int platform_is_file(const char *path)
{
    DWORD attrs;
    int64_t size;
    return file_info(path, &attrs, &size) == 0 && !(attrs & FILE_ATTRIBUTE_DIRECTORY);
}

/* Windows has no FIFOs at a path: a folder is the one thing to refuse before
 * _wfopen (see platform.h). */
FILE *platform_fopen_file(const char *path, const char *mode, const char **why)
{
    DWORD attrs;
    int64_t size;
    if (file_info(path, &attrs, &size) == 0 && (attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        *why = "it is a folder, not a file";
        errno = EISDIR;
        return NULL;
    }
    wchar_t *w = widen(path);
    FILE *f = w ? _wfopen(w, mode[0] == 'a' ? L"ab" : L"rb") : NULL;
    int e = w ? errno : ENOMEM;
    free(w);
    if (!f) {
        *why = strerror(e);
        errno = e;
    }
    return f;
}

/* Only a folder can stand at a file's path here (see platform.h). */
const char *platform_not_file(const char *path)
{
    return platform_is_dir(path) ? "it is a folder, not a file" : NULL;
}

/* _wopen for reading, a folder refused first (see platform.h). */
int platform_open_file(const char *path, const char **why)
{
    DWORD attrs;
    int64_t size;
    if (file_info(path, &attrs, &size) == 0 && (attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        *why = "it is a folder, not a file";
        errno = EISDIR;
        return -1;
    }
    wchar_t *w = widen(path);
    int fd = w ? _wopen(w, _O_RDONLY | _O_BINARY) : -1;
    int e = w ? errno : ENOMEM;
    free(w);
    if (fd < 0) {
        *why = strerror(e);
        errno = e;
    }
    return fd;
}

/* The size of the file at path, or -1 (see platform.h). */
int64_t platform_file_size(const char *path)
{
    DWORD attrs;
    int64_t size;
    if (file_info(path, &attrs, &size) != 0 || (attrs & FILE_ATTRIBUTE_DIRECTORY))
        return -1;
    return size;
}

/* GetFinalPathNameByHandleW without its \\?\ prefix (see platform.h). */
int platform_realpath(const char *path, char *buf, size_t n)
{
    HANDLE h = open_for_info(path);
    if (h == INVALID_HANDLE_VALUE) {
        errno = ENOENT;
        return -1;
    }
    wchar_t *w = malloc(WPATH_MAX * sizeof *w);
    DWORD len = w ? GetFinalPathNameByHandleW(h, w, WPATH_MAX, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS)
                  : 0;
    CloseHandle(h);
    if (len == 0 || len >= WPATH_MAX) {
        free(w);
        errno = ENAMETOOLONG;
        return -1;
    }
    const wchar_t *p = w;
    if (wcsncmp(p, L"\\\\?\\UNC\\", 8) == 0) {
        p += 6; /* \\?\UNC\server\share -> \\server\share */
        w[6] = L'\\';
    } else if (wcsncmp(p, L"\\\\?\\", 4) == 0) {
        p += 4;
    }
    int rc = narrow(p, buf, n);
    free(w);
    if (rc != 0)
        errno = ENAMETOOLONG;
    return rc;
}

/* MoveFileExW replacing the target (see platform.h). */
int platform_replace(const char *from, const char *to)
{
    wchar_t *wf = widen(from), *wt = widen(to);
    int rc = -1;
    if (!wf || !wt)
        errno = EINVAL;
    else if (MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        rc = 0;
    else
        set_errno_from_win();
    free(wf);
    free(wt);
    return rc;
}

/* _fseeki64: 64-bit offsets (see platform.h). */
int platform_fseek(FILE *f, int64_t offset, int whence)
{
    return _fseeki64(f, (__int64)offset, whence) == 0 ? 0 : -1;
}

/* _ftelli64: 64-bit positions (see platform.h). */
int64_t platform_ftell(FILE *f)
{
    __int64 pos = _ftelli64(f);
    return pos < 0 ? -1 : (int64_t)pos;
}

/* Creates one folder (UTF-8). Returns 0 when it was made or already exists. */
static int make_one_dir(const char *dir)
{
    wchar_t *w = widen(dir);
    if (!w) {
        errno = EINVAL;
        return -1;
    }
    BOOL ok = CreateDirectoryW(w, NULL);
    DWORD err = ok ? 0 : GetLastError();
    free(w);
    if (ok || err == ERROR_ALREADY_EXISTS)
        return 0;
    SetLastError(err);
    set_errno_from_win();
    return -1;
}

/* The offset in path after its root ("C:\", "\\server\share\", "\"), where
 * the first folder that may need creating starts. */
static size_t root_length(const char *path)
{
    size_t i = 0;
    if (path[0] && path[1] == ':')
        i = 2;
    else if ((path[0] == '\\' || path[0] == '/') && (path[1] == '\\' || path[1] == '/')) {
        int parts = 0; /* skip \\server\share */
        for (i = 2; path[i] && parts < 2; i++)
            if (path[i] == '\\' || path[i] == '/')
                parts++;
        return i;
    }
    while (path[i] == '\\' || path[i] == '/')
        i++;
    return i;
}

/* Creates dir and its parents (see platform.h; Windows has no modes). */
int platform_mkdirs(const char *dir)
{
    char tmp[4096];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(tmp, dir, len + 1);
    for (size_t i = root_length(tmp); tmp[i]; i++) {
        if (tmp[i] != '/' && tmp[i] != '\\')
            continue;
        char sep = tmp[i];
        tmp[i] = '\0';
        if (make_one_dir(tmp) != 0)
            return -1;
        tmp[i] = sep;
    }
    if (make_one_dir(tmp) != 0)
        return -1;
    return platform_is_dir(tmp) ? 0 : -1;
}

/* qsort comparison of two UTF-8 names (byte order, as on POSIX). */
static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* FindFirstFileW over dir\*, names sorted (see platform.h). */
int platform_list_dir(const char *dir, int (*fn)(const char *name, void *ctx), void *ctx)
{
    size_t len = strlen(dir);
    char *pattern = malloc(len + 3);
    if (!pattern)
        return -1;
    memcpy(pattern, dir, len);
    size_t p = len;
    if (len > 0 && dir[len - 1] != '/' && dir[len - 1] != '\\')
        pattern[p++] = '\\';
    pattern[p++] = '*';
    pattern[p] = '\0';
    wchar_t *w = widen(pattern);
    free(pattern);
    if (!w)
        return -1;
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(w, &fd);
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_FILE_NOT_FOUND ? 0 : -1; /* an empty drive root */
    char **names = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;
    do {
        if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0)
            continue;
        char name[MAX_PATH * 4];
        if (narrow(fd.cFileName, name, sizeof name) != 0)
            continue; /* not representable: skip it, as an unreadable entry */
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
        size_t nl = strlen(name) + 1;
        if (!(names[count] = malloc(nl))) {
            rc = -1;
            break;
        }
        memcpy(names[count], name, nl);
        count++;
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    if (rc == 0) {
        if (count > 1)
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

/* _isatty (see platform.h). */
int platform_isatty(int fd)
{
    return _isatty(fd) != 0;
}

/* _setmode(stdout, _O_BINARY): raw PCM must not get \r added (platform.h). */
void platform_stdout_binary(void)
{
    fflush(stdout);
    _setmode(_fileno(stdout), _O_BINARY);
}

/* QueryPerformanceCounter in nanoseconds (see platform.h). */
uint64_t platform_now_ns(void)
{
    static LARGE_INTEGER freq; /* constant while the system runs */
    LARGE_INTEGER now;
    if (freq.QuadPart == 0)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    uint64_t f = (uint64_t)freq.QuadPart, c = (uint64_t)now.QuadPart;
    return c / f * 1000000000u + c % f * 1000000000u / f;
}

/* Sleep (see platform.h). */
void platform_sleep_ms(int ms)
{
    Sleep(ms > 0 ? (DWORD)ms : 0);
}
