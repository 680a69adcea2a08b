/* fifo: writing into a named pipe that another program reads, for
 * `adem play --pipe` (e.g. the pipe source of a Snapcast server). One
 * implementation per system: fifo_posix.c (a FIFO made with mkfifo) and
 * fifo_win.c (a named pipe, \\.\pipe\NAME). Never called from the audio
 * thread: fifo_write blocks until the reader has taken the bytes. */
#ifndef ADEM_FIFO_H
#define ADEM_FIFO_H

#include <stddef.h>

typedef struct adem_fifo adem_fifo;

/* What fifo_kind finds at a path. */
typedef enum fifo_kind {
    FIFO_IS_PIPE = 0, /* a FIFO (named pipe): adem can write into it */
    FIFO_IS_FILE,     /* a regular file */
    FIFO_IS_OTHER,    /* a folder, a device, a socket ... */
    FIFO_MISSING      /* nothing there (or it cannot be looked at) */
} fifo_kind;

/* What is at path. */
fifo_kind fifo_kind_of(const char *path);

/* Opens the pipe at path for writing. When no reader has it open yet, waits
 * for one, calling waiting(arg) (when not NULL) once the wait has lasted a
 * second, and give_up(arg) (when not NULL) every 10 ms or so: when that
 * returns nonzero, the wait ends (-1 with *err = EINTR). A writer should
 * ignore SIGPIPE (signals_ignore_pipe), so that a reader that goes away makes
 * fifo_write fail with FIFO_GONE instead of ending the program. Returns 0 and
 * *out, or -1 with *err set to the system's error number (EACCES, ...). */
int fifo_open_write(const char *path, void (*waiting)(void *arg), int (*give_up)(void *arg),
                    void *arg, adem_fifo **out, int *err);

/* fifo_write's results. */
enum { FIFO_WRITTEN = 0, FIFO_GONE = 1, FIFO_FAILED = -1 };

/* Writes all n bytes, blocking while the pipe is full (the reader paces the
 * writer). Returns FIFO_WRITTEN; FIFO_GONE when no reader has the pipe open
 * (it closed its end; or, on the first write, a reader that polls closed it
 * again just before we opened: open it again then);
 * or FIFO_FAILED with *err set to the system's error number. */
int fifo_write(adem_fifo *f, const void *buf, size_t n, int *err);

/* Closes the pipe (the reader then sees its end) and frees f. NULL is a
 * no-op. */
void fifo_close(adem_fifo *f);

#endif
