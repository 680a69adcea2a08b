/* signals_posix: signals.h with sigaction, pthread_sigmask and a self-pipe
 * (Linux, macOS, BSD). */
#define _XOPEN_SOURCE 700
#include "sys/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/console.h"

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
static const int job_signals[] = {SIGTSTP, SIGCONT, SIGWINCH};
enum {
    NSTOP = sizeof stop_signals / sizeof stop_signals[0],
    NJOB = sizeof job_signals / sizeof job_signals[0],
    EMERGENCY_AT = 3 /* the stop signal that exits from inside the handler */
};

static volatile sig_atomic_t counts[SIGNALS_KINDS];
static volatile sig_atomic_t exit_status;
static int wake[2] = {-1, -1};
static int job_caught;

/* The kind a signal is counted as. */
static signals_kind kind_of(int sig)
{
    switch (sig) {
    case SIGTSTP:
        return SIGNALS_SUSPEND;
    case SIGCONT:
        return SIGNALS_CONTINUE;
    case SIGWINCH:
        return SIGNALS_RESIZE;
    }
    return SIGNALS_STOP;
}

/* Counts the signal and wakes the control thread. Async-signal-safe: only
 * sig_atomic_t stores, write, and on the third stop console_raw_leave and
 * _Exit. Keeps errno. */
static void on_signal(int sig)
{
    int saved = errno;
    signals_kind k = kind_of(sig);
    if (counts[k] < 1000000)
        counts[k]++;
    if (sig == SIGHUP && counts[SIGNALS_HANGUP] < 1000000)
        counts[SIGNALS_HANGUP]++;
    if (k == SIGNALS_STOP && counts[k] >= EMERGENCY_AT && exit_status > 0) {
        console_raw_leave();
        _Exit(exit_status);
    }
    if (wake[1] >= 0) {
        ssize_t w = write(wake[1], "s", 1); /* a full pipe already wakes */
        (void)w;
    }
    errno = saved;
}

/* Sets the action of the n signals in sigs to handler; while it runs, every
 * signal this module handles waits (one handler at a time). */
static void set_action(const int *sigs, int n, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NSTOP; i++)
        sigaddset(&sa.sa_mask, stop_signals[i]);
    for (int i = 0; i < NJOB; i++)
        sigaddset(&sa.sa_mask, job_signals[i]);
    sa.sa_flags = SA_RESTART;
    for (int i = 0; i < n; i++)
        sigaction(sigs[i], &sa, NULL);
}

/* Makes the self-pipe once: both ends non-blocking and closed on exec. */
static void make_pipe(void)
{
    if (wake[0] >= 0 || pipe(wake) != 0)
        return;
    for (int i = 0; i < 2; i++) {
        fcntl(wake[i], F_SETFL, fcntl(wake[i], F_GETFL) | O_NONBLOCK);
        fcntl(wake[i], F_SETFD, FD_CLOEXEC);
    }
}

void signals_catch_stop(int status)
{
    make_pipe();
    for (int i = 0; i < SIGNALS_KINDS; i++)
        counts[i] = 0;
    exit_status = status;
    set_action(stop_signals, NSTOP, on_signal);
}

void signals_catch_job(void)
{
    make_pipe();
    job_caught = 1;
    set_action(job_signals, NJOB, on_signal);
}

int signals_stop_requested(void)
{
    return counts[SIGNALS_STOP];
}

int signals_count(signals_kind kind)
{
    return kind >= 0 && kind < SIGNALS_KINDS ? counts[kind] : 0;
}

void signals_release_stop(void)
{
    set_action(stop_signals, NSTOP, SIG_DFL);
    if (job_caught)
        set_action(job_signals, NJOB, SIG_DFL);
    job_caught = 0;
    exit_status = 0;
    signals_unblock();
}

/* Blocks (how = SIG_BLOCK) or unblocks the handled signals on this thread. */
static void mask(int how)
{
    sigset_t s;
    sigemptyset(&s);
    for (int i = 0; i < NSTOP; i++)
        sigaddset(&s, stop_signals[i]);
    for (int i = 0; i < NJOB; i++)
        sigaddset(&s, job_signals[i]);
    pthread_sigmask(how, &s, NULL);
}

void signals_block(void)
{
    mask(SIG_BLOCK);
}

void signals_unblock(void)
{
    mask(SIG_UNBLOCK);
}

void signals_suspend(void)
{
    /* as ncurses does: SIGTSTP's default action for a moment, sent to this
     * thread (the only one that does not block it), which stops the whole
     * process; SIGCONT goes on from here */
    struct sigaction dfl, old;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGTSTP, &dfl, &old);
    sigset_t s, was;
    sigemptyset(&s);
    sigaddset(&s, SIGTSTP);
    pthread_sigmask(SIG_UNBLOCK, &s, &was);
    raise(SIGTSTP);
    pthread_sigmask(SIG_SETMASK, &was, NULL);
    sigaction(SIGTSTP, &old, NULL);
}

int signals_wake_fd(void)
{
    return wake[0];
}

void signals_ignore_pipe(int on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on ? SIG_IGN : SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
}
