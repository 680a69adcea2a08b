/* signals_win: signals.h with the C runtime's signal() (Windows). The
 * runtime resets a handler to the default before calling it, so the handler
 * arms itself again first; SIGINT and SIGBREAK come from Ctrl-C and
 * Ctrl-Break, SIGTERM only from raise(). There is no SIGPIPE. */
#include "sys/signals.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "sys/console.h"

#ifdef SIGBREAK
static const int stop_signals[] = {SIGINT, SIGTERM, SIGBREAK};
#else
static const int stop_signals[] = {SIGINT, SIGTERM};
#endif
enum { NSTOP = sizeof stop_signals / sizeof stop_signals[0] };

static volatile sig_atomic_t requests;
static volatile sig_atomic_t second_exit;
static volatile sig_atomic_t first_exit;
static const char *volatile first_line;

/* Counts a stop signal; the second one exits when asked to (see signals.h). */
static void on_stop(int sig)
{
    signal(sig, on_stop);
    if (first_exit > 0) {
        if (first_line)
            fputs(first_line, stderr); /* Ctrl-C runs on a thread of its own there */
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

void signals_catch_stop(int exit_on_second)
{
    requests = 0;
    second_exit = exit_on_second;
    for (int i = 0; i < NSTOP; i++)
        signal(stop_signals[i], on_stop);
}

int signals_stop_requested(void)
{
    return requests;
}

void signals_exit_at_once(int status, const char *line)
{
    first_exit = 0;
    first_line = line;
    first_exit = status;
}

void signals_exit_on_second(int exit_on_second)
{
    second_exit = exit_on_second;
}

void signals_hold(int on)
{
    (void)on; /* Ctrl-C comes on a thread of its own there */
}

void signals_release_stop(void)
{
    /* nothing to undo: the handlers stay (see signals.h) */
}

void signals_ignore_pipe(int on)
{
    (void)on;
}
