/* fifo_win: fifo.h for a Windows named pipe (\\.\pipe\NAME), which the
 * reader creates (CreateNamedPipe) and adem opens as a client. */
#define WIN32_LEAN_AND_MEAN
#include "sys/fifo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

struct adem_fifo {
    HANDLE h;
};

/* 1 if path names a pipe in the pipe namespace (\\.\pipe\...). */
static int pipe_name(const char *path)
{
    return strncmp(path, "\\\\.\\pipe\\", 9) == 0 || strncmp(path, "//./pipe/", 9) == 0;
}

fifo_kind fifo_kind_of(const char *path)
{
    if (pipe_name(path))
        return FIFO_IS_PIPE;
    DWORD a = GetFileAttributesA(path);
    if (a == INVALID_FILE_ATTRIBUTES)
        return FIFO_MISSING;
    return (a & FILE_ATTRIBUTE_DIRECTORY) ? FIFO_IS_OTHER : FIFO_IS_FILE;
}

/* errno's closest value for a Windows error. */
static int win_errno(DWORD e)
{
    return e == ERROR_ACCESS_DENIED ? EACCES : e == ERROR_FILE_NOT_FOUND ? ENOENT : EIO;
}

int fifo_open_write(const char *path, void (*waiting)(void *arg), int (*give_up)(void *arg),
                    void *arg, adem_fifo **out, int *err)
{
    *out = NULL;
    adem_fifo *f = malloc(sizeof *f);
    if (!f) {
        *err = ENOMEM;
        return -1;
    }
    /* the reader creates the pipe: until it does, look every 50 ms */
    for (int told = 0;;) {
        f->h = CreateFileA(path, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        if (f->h != INVALID_HANDLE_VALUE)
            break;
        DWORD e = GetLastError();
        /* not created yet, or every instance busy: wait for the reader */
        if (e != ERROR_FILE_NOT_FOUND && e != ERROR_PIPE_BUSY) {
            *err = win_errno(e);
            free(f);
            return -1;
        }
        if (give_up && give_up(arg)) {
            *err = EINTR;
            free(f);
            return -1;
        }
        if (told++ == 20 && waiting) /* after a second */
            waiting(arg);
        Sleep(50);
    }
    *out = f;
    return 0;
}

int fifo_write(adem_fifo *f, const void *buf, size_t n, int *err)
{
    const unsigned char *p = buf;
    while (n > 0) {
        DWORD chunk = n > 0x40000000u ? 0x40000000u : (DWORD)n, w = 0;
        if (!WriteFile(f->h, p, chunk, &w, NULL)) {
            DWORD e = GetLastError();
            if (e == ERROR_NO_DATA || e == ERROR_BROKEN_PIPE || e == ERROR_PIPE_NOT_CONNECTED)
                return FIFO_GONE;
            *err = win_errno(e);
            return FIFO_FAILED;
        }
        p += w;
        n -= w;
    }
    return FIFO_WRITTEN;
}

void fifo_close(adem_fifo *f)
{
    if (!f)
        return;
    CloseHandle(f->h);
    free(f);
}
