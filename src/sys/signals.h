/* signals: the signals of a command that runs until it is done (play,
 * record, render), handled on the control thread only.
 *
 * The handlers (sigaction, no SA_RESETHAND: a second signal comes to the
 * handler too) only count and write a byte to a self-pipe that wakes the
 * control thread's wait (console_wait); the control thread compares the
 * counts with what it has seen and acts in its own way (a fade, discarding a
 * take, removing a half-written file, giving the terminal back). Every other
 * thread has them blocked: signals_block before a library starts its threads
 * (they inherit the mask), signals_unblock on the control thread once they
 * run. Kinds:
 *   SIGNALS_STOP     SIGINT, SIGTERM, SIGHUP (and Ctrl-Break on Windows)
 *   SIGNALS_HANGUP   SIGHUP alone (the terminal is gone), also counted as a stop
 *   SIGNALS_SUSPEND  SIGTSTP (Ctrl-Z)
 *   SIGNALS_CONTINUE SIGCONT (`fg`, `bg`)
 *   SIGNALS_RESIZE   SIGWINCH (the terminal's size changed)
 * Only the stop signals are caught by signals_catch_stop; the job-control
 * ones by signals_catch_job. One implementation per system: signals_posix.c
 * (sigaction, pthread_sigmask, a pipe) and signals_win.c (signal(), re-armed
 * in the handler; only the stop kind). Control thread only, but for the
 * handlers. */
#ifndef ADEM_SIGNALS_H
#define ADEM_SIGNALS_H

typedef enum signals_kind {
    SIGNALS_STOP = 0,
    SIGNALS_HANGUP,
    SIGNALS_SUSPEND,
    SIGNALS_CONTINUE,
    SIGNALS_RESIZE,
    SIGNALS_KINDS
} signals_kind;

/* Starts catching the stop signals and sets every count to 0. With
 * exit_status > 0, a third stop signal (the control thread did not finish
 * after two) runs console_raw_leave and exits with that status at once
 * (_Exit, inside the handler: a way out when the control thread is stuck);
 * with 0 they are only counted. */
void signals_catch_stop(int exit_status);

/* Starts catching SIGTSTP, SIGCONT and SIGWINCH as well (a player with a
 * terminal). Undone by signals_release_stop. */
void signals_catch_job(void);

/* The number of stop signals since signals_catch_stop (0 when none). */
int signals_stop_requested(void);

/* The number of signals of `kind` since signals_catch_stop. */
int signals_count(signals_kind kind);

/* Gives the caught signals their default actions back and unblocks them on
 * the calling thread. */
void signals_release_stop(void);

/* Blocks every signal this module handles on the calling thread; threads it
 * starts afterwards (PortAudio's, JACK's) inherit the mask, so the signals
 * never land on them. A signal sent meanwhile waits until signals_unblock. */
void signals_block(void);

/* Unblocks them on the calling thread: the control thread. */
void signals_unblock(void);

/* Stops the process as SIGTSTP's default action does (the shell sees a job
 * stopped by Ctrl-Z) and returns once it is continued (SIGCONT). The caller
 * has given the terminal back first. */
void signals_suspend(void);

/* The read end of the self-pipe the handlers write to (readable when a
 * signal came; console_wait drains it), or -1 where there is none. */
int signals_wake_fd(void);

/* on = 1: a write to a pipe whose reader has gone fails with an error
 * instead of killing the process (SIGPIPE ignored, where there is one);
 * on = 0: the default again. */
void signals_ignore_pipe(int on);

#endif
