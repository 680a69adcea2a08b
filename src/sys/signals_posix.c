/* signals_posix: signals.h with sigaction (Linux, macOS, BSD). */
#define _XOPEN_SOURCE 700
#include "sys/signals.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/console.h"

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
enum { NSTOP = sizeof stop_signals / sizeof stop_signals[0] };

static volatile sig_atomic_t requests;
static volatile sig_atomic_t second_exit;
static volatile sig_atomic_t first_exit;
static const char *volatile first_line;
static volatile size_t first_len;

/* Counts a stop signal; the second one exits when asked to (see signals.h).
 * Async-signal-safe: console_raw_leave and _Exit only. */
static void on_stop(int sig)
{
    (void)sig;
    if (first_exit > 0) {
        if (first_line)
            (void)!write(2, first_line, first_len);
        console_raw_leave();
        _Exit(first_exit);
    }
    if (requests < 1000)
        requests++;
    if (requests > 1 && second_exit > 0) {
        console_raw_leave();
        _Exit(second_exit);
    }
}

/* Sets the action of every stop signal to handler (no SA_RESETHAND: a second
 * signal comes to the handler too). */
static void set_all(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NSTOP; i++)
        sigaddset(&sa.sa_mask, stop_signals[i]); /* one handler at a time */
    sa.sa_flags = SA_RESTART;
    for (int i = 0; i < NSTOP; i++)
        sigaction(stop_signals[i], &sa, NULL);
}

void signals_catch_stop(int exit_on_second)
{
    requests = 0;
    second_exit = exit_on_second;
    set_all(on_stop);
}

int signals_stop_requested(void)
{
    return requests;
}

void signals_exit_at_once(int status, const char *line)
{
    first_exit = 0; /* the handler sees the line and its length complete */
    first_line = line;
    first_len = line ? strlen(line) : 0;
    first_exit = status;
}

void signals_exit_on_second(int exit_on_second)
{
    second_exit = exit_on_second;
}

void signals_hold(int on)
{
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < NSTOP; i++)
        sigaddset(&set, stop_signals[i]);
    pthread_sigmask(on ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

void signals_release_stop(void)
{
    /* nothing to undo: the handlers stay (see signals.h) */
}

void signals_ignore_pipe(int on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on ? SIG_IGN : SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
}
