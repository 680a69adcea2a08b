/* console: the terminal and the standard streams, for live playback.
 * One implementation per system: console_posix.c (termios) and
 * console_win.c (the Windows console API). Control thread only. */
#ifndef ADEM_CONSOLE_H
#define ADEM_CONSOLE_H

#include <stdio.h>

/* Points file descriptor 2 at the null device, so audio libraries (ALSA,
 * JACK) cannot print their probing noise, and returns a stream on the real
 * stderr for adem's own messages. Returns stderr when it cannot. The
 * environment variable ADEM_AUDIO_DEBUG=1 keeps the libraries' messages. */
FILE *console_quiet_stderr(void);

/* Undoes console_quiet_stderr. Safe to call when it was not called. */
void console_restore_stderr(void);

/* Puts the terminal on stdin in raw mode (keys arrive one at a time, no
 * echo; Ctrl-C still sends SIGINT). Returns 0, or -1 when stdin is not a
 * terminal. */
int console_raw_enter(void);

/* Restores the terminal mode saved by console_raw_enter (and shows the
 * cursor). Idempotent and async-signal-safe, so signal handlers and atexit
 * may call it. */
void console_raw_leave(void);

/* The next byte typed, or -1 when none is waiting. Never blocks. (One byte
 * at a time: an arrow is three; the player decodes them with app/keys.h.) */
int console_read_key(void);

/* Reads up to n bytes typed on the terminal in raw mode into buf. Returns
 * how many (0 when none are waiting, not in raw mode, or the terminal is
 * gone). Never blocks. On Windows, arrow keys come as their escape sequences
 * (ESC [ A..D), other characters as UTF-8. */
int console_read(unsigned char *buf, int n);

/* Waits up to ms milliseconds until bytes are waiting on the terminal (in
 * raw mode) or a signal came (signals.h wakes it), whichever is first; drains
 * the signals' wake-up. Returns 1 when bytes are waiting, else 0. A terminal
 * that hung up is not watched any more. */
int console_wait(int ms);

/* 1 when this process's group owns the terminal on stdin (it may set its
 * mode without being stopped: not after `bg`), or stdin is no terminal. */
int console_foreground(void);

/* Columns of the terminal on stdout, or 80 when unknown. */
int console_width(void);

/* 1 if fd (0, 1, 2) is a terminal. */
int console_is_tty(int fd);

/* 1 if the terminal cannot move the cursor (TERM unset, "dumb" or "unknown"). */
int console_is_dumb(void);

#endif
