/* ipc_win: ipc.h on Windows — not available yet: every call says so, and
 * `adem ctl` reports it in one line. The player plays without it. */
#include "sys/ipc.h"

#include <stdio.h>
#include <windows.h>

/* Not available (see ipc.h). */
int ipc_dir(char *dir, size_t n, char *why, size_t whyn)
{
    if (n)
        dir[0] = '\0';
    snprintf(why, whyn, "remote control is not available on Windows yet");
    return -1;
}

/* Not available (see ipc.h). */
ipc_server *ipc_listen(const char *path, char *why, size_t whyn)
{
    (void)path;
    snprintf(why, whyn, "remote control is not available on Windows yet");
    return NULL;
}

/* Not available (see ipc.h). */
int ipc_accept(ipc_server *s)
{
    (void)s;
    return -1;
}

/* Nothing to close (see ipc.h). */
void ipc_close(ipc_server *s)
{
    (void)s;
}

/* Not available (see ipc.h). */
long ipc_read(int fd, char *buf, size_t n)
{
    (void)fd, (void)buf, (void)n;
    return -1;
}

/* Not available (see ipc.h). */
int ipc_write(int fd, const char *buf, size_t n, int timeout_ms)
{
    (void)fd, (void)buf, (void)n, (void)timeout_ms;
    return -1;
}

/* Not available (see ipc.h). */
long ipc_read_line(int fd, char *buf, size_t n, int timeout_ms)
{
    (void)fd, (void)buf, (void)n, (void)timeout_ms;
    return -1;
}

/* Not available (see ipc.h). */
int ipc_connect(const char *path, char *why, size_t whyn)
{
    (void)path;
    snprintf(why, whyn, "remote control is not available on Windows yet");
    return -1;
}

/* Nothing to close (see ipc.h). */
void ipc_hangup(int fd)
{
    (void)fd;
}

/* OpenProcess tells whether the process exists (see ipc.h). */
int ipc_pid_alive(long pid)
{
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
    if (!h)
        return 0;
    CloseHandle(h);
    return 1;
}

/* See ipc.h. */
long ipc_self_pid(void)
{
    return (long)GetCurrentProcessId();
}
