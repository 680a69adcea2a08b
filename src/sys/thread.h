/* thread: one background thread, started and joined — the little that C11's
 * optional <threads.h> would give, on systems that lack it (macOS, older
 * Windows C runtimes). One implementation per system: thread_posix.c
 * (pthreads) and thread_win.c (CreateThread). Used by `adem record` for its
 * writer thread; never called from the audio thread. */
#ifndef ADEM_THREAD_H
#define ADEM_THREAD_H

typedef struct adem_thread adem_thread;

/* Starts fn(arg) on a new thread. Returns 0 and *out, or -1 (no thread
 * started; *out is NULL) when the system refuses or memory runs out. */
int thread_start(adem_thread **out, int (*fn)(void *arg), void *arg);

/* Waits for the thread to return, frees it, and returns what fn returned.
 * NULL returns 0. Each started thread is joined exactly once. */
int thread_join(adem_thread *t);

#endif
