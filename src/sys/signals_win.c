/* signals_win: signals.h with the C runtime's signal() (Windows). The
 * runtime resets a handler to the default before calling it, so the handler
 * arms itself again first; SIGINT and SIGBREAK come from Ctrl-C and
 * Ctrl-Break, SIGTERM only from raise(). There is no SIGPIPE, no job control
 * (SIGTSTP, SIGCONT), no SIGWINCH and no signal mask: only the stop kind is
 * ever counted, and the console's handler runs on a thread of its own. */
#include "sys/signals.h"

#include <signal.h>
#include <stdlib.h>

#include "sys/console.h"

#ifdef SIGBREAK
static const int stop_signals[] = {SIGINT, SIGTERM, SIGBREAK};
#else
static const int stop_signals[] = {SIGINT, SIGTERM};
#endif
enum { NSTOP = sizeof stop_signals / sizeof stop_signals[0] };

static volatile sig_atomic_t requests;
static volatile sig_atomic_t exit_status;

/* Counts a stop signal; the third one exits when asked to (see signals.h). */
static void on_stop(int sig)
{
    signal(sig, on_stop);
    if (requests < 1000000)
        requests++;
    if (requests >= 3 && exit_status > 0) {
        console_raw_leave();
        _Exit(exit_status);
    }
}

void signals_catch_stop(int status)
{
    requests = 0;
    exit_status = status;
    for (int i = 0; i < NSTOP; i++)
        signal(stop_signals[i], on_stop);
}

/* Nothing to catch on Windows (signals.h). */
void signals_catch_job(void)
{
}

int signals_stop_requested(void)
{
    return requests;
}

/* Only stops are counted here (signals.h). */
int signals_count(signals_kind kind)
{
    return kind == SIGNALS_STOP ? requests : 0;
}

/* No signal masks on Windows (signals.h). */
void signals_block(void)
{
}

/* No signal masks on Windows (signals.h). */
void signals_unblock(void)
{
}

/* No job control on Windows (signals.h). */
void signals_suspend(void)
{
}

/* No self-pipe: console_wait polls (signals.h). */
int signals_wake_fd(void)
{
    return -1;
}

void signals_release_stop(void)
{
    for (int i = 0; i < NSTOP; i++)
        signal(stop_signals[i], SIG_DFL);
}

void signals_ignore_pipe(int on)
{
    (void)on;
}
