/* thread: one background thread, started and joined — the little that C11's
 * optional <threads.h> would give, on systems that lack it (macOS, older
 * Windows C runtimes). One implementation per system: thread_posix.c
 * (pthreads) and thread_win.c (CreateThread). Used by `adem record` for its
 * writer thread, by `adem play --pipe` for its feeder and writer, by `adem
 * play` to start PortAudio while the session is prepared (dev/out_device.c)
 * and by the cue decoder (io/cuebank.c); never called from the audio
 * thread. */
#ifndef ADEM_THREAD_H
#define ADEM_THREAD_H

typedef struct adem_thread adem_thread;

/* Starts fn(arg) on a new thread. Returns 0 and *out, or -1 (no thread
 * started; *out is NULL) when the system refuses or memory runs out. */
int thread_start(adem_thread **out, int (*fn)(void *arg), void *arg);

/* Asks the system to run the calling thread at a real-time priority (POSIX
 * SCHED_FIFO; Windows: time-critical), for threads that feed audio on time.
 * Returns 0 when granted, -1 when refused (a normal user on most systems):
 * the thread then goes on as it was. */
int thread_realtime(void);

/* Waits for the thread to return, frees it, and returns what fn returned.
 * NULL returns 0. Each started thread is joined exactly once. */
int thread_join(adem_thread *t);

#endif
