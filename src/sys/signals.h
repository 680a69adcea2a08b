/* signals: the stop signals of a command that runs until it is done (play,
 * record, render). SIGINT, SIGTERM and SIGHUP (where the system has them)
 * are counted, nothing more happens inside the handler; the control thread
 * polls the count and stops in its own way (a fade, discarding a take,
 * removing a half-written file). A second signal while the first is being
 * handled exits at once with the terminal restored, when the caller asks for
 * that; it never falls back to the default action, which would leave the
 * terminal raw. One implementation per system: signals_posix.c (sigaction)
 * and signals_win.c (signal, re-armed in the handler). Control thread only. */
#ifndef ADEM_SIGNALS_H
#define ADEM_SIGNALS_H

/* Starts catching the stop signals and sets the count to 0. With
 * exit_on_second > 0, a second signal runs console_raw_leave and exits with
 * that status (_Exit: nothing else runs); with 0 it is only counted.
 * A command calls it first, before its preparation, so that a signal at any
 * moment is caught. */
void signals_catch_stop(int exit_on_second);

/* Changes what a second signal does (as in signals_catch_stop) without
 * touching the count: e.g. 0 once there is a temporary file to remove. */
void signals_exit_on_second(int exit_on_second);

/* on = 1: the stop signals wait (blocked in the calling thread, and in the
 * threads it starts meanwhile, which inherit that) until signals_hold(0)
 * delivers them. Around a library call that must not be cut short: a
 * process that dies while it connects to a JACK server can leave that server
 * unable to take its next client. */
void signals_hold(int on);

/* status > 0: from now on a stop signal, the first one too, writes `line`
 * (one line with its newline, or NULL) on stderr, restores the terminal and
 * exits with status at once (_Exit), for a stretch with nothing to clean up
 * (e.g. render's preparation, before there is a file). status 0: back to
 * counting. */
void signals_exit_at_once(int status, const char *line);

/* The number of stop signals since signals_catch_stop (0 when none). */
int signals_stop_requested(void);

/* The command is finishing. The stop signals stay caught until the process
 * exits, as set up (a late signal never kills adem by its default action;
 * with exit_on_second a second one still exits at once, e.g. out of a close
 * that hangs on a dead sound server). */
void signals_release_stop(void);

/* on = 1: a write to a pipe whose reader has gone fails with an error
 * instead of killing the process (SIGPIPE ignored, where there is one);
 * on = 0: the default again. */
void signals_ignore_pipe(int on);

#endif
