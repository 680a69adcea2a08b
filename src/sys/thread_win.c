/* thread_win: thread.h with the Windows API (CreateThread). */
#define WIN32_LEAN_AND_MEAN
#include "sys/thread.h"

#include <stdlib.h>
#include <windows.h>

struct adem_thread {
    HANDLE handle;
    int (*fn)(void *);
    void *arg;
    int result;
};

/* The Windows entry point: runs fn and keeps its result for thread_join. */
static DWORD WINAPI trampoline(LPVOID p)
{
    adem_thread *t = p;
    t->result = t->fn(t->arg);
    return 0;
}

int thread_start(adem_thread **out, int (*fn)(void *arg), void *arg)
{
    *out = NULL;
    adem_thread *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    t->fn = fn;
    t->arg = arg;
    t->handle = CreateThread(NULL, 0, trampoline, t, 0, NULL);
    if (!t->handle) {
        free(t);
        return -1;
    }
    *out = t;
    return 0;
}

int thread_join(adem_thread *t)
{
    if (!t)
        return 0;
    WaitForSingleObject(t->handle, INFINITE);
    CloseHandle(t->handle);
    int r = t->result;
    free(t);
    return r;
}

int thread_realtime(void)
{
    return SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_TIME_CRITICAL) ? 0 : -1;
}
