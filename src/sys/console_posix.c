/* console_posix: console.h with termios (Linux, macOS, BSD). */
#define _XOPEN_SOURCE 700
#include "sys/console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "sys/signals.h"

static int saved_fd = -1;
static FILE *saved_stream;
static struct termios saved_tio;
static volatile sig_atomic_t raw_on;
static int input_gone; /* the terminal on stdin hung up */

FILE *console_quiet_stderr(void)
{
    const char *dbg = getenv("ADEM_AUDIO_DEBUG");
    if ((dbg && dbg[0] == '1') || saved_stream)
        return saved_stream ? saved_stream : stderr;
    fflush(stderr);
    int keep = dup(2);
    int null = open("/dev/null", O_WRONLY);
    if (keep < 0 || null < 0) {
        if (keep >= 0)
            close(keep);
        if (null >= 0)
            close(null);
        return stderr;
    }
    FILE *f = fdopen(keep, "w");
    if (!f) {
        close(keep);
        close(null);
        return stderr;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    dup2(null, 2);
    close(null);
    saved_fd = keep;
    saved_stream = f;
    return f;
}

void console_restore_stderr(void)
{
    if (!saved_stream)
        return;
    fflush(saved_stream);
    dup2(saved_fd, 2);
    fclose(saved_stream); /* closes saved_fd */
    saved_stream = NULL;
    saved_fd = -1;
}

int console_raw_enter(void)
{
    if (!isatty(0) || tcgetattr(0, &saved_tio) != 0)
        return -1;
    struct termios t = saved_tio;
    t.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(0, TCSANOW, &t) != 0)
        return -1;
    raw_on = 1;
    input_gone = 0;
    return 0;
}

void console_raw_leave(void)
{
    if (!raw_on)
        return;
    raw_on = 0;
    tcsetattr(0, TCSANOW, &saved_tio);
    if (isatty(1)) {
        static const char show[] = "\033[?25h";
        ssize_t w = write(1, show, sizeof show - 1);
        (void)w;
    }
}

int console_read_key(void)
{
    unsigned char c;
    if (!raw_on)
        return -1;
    return read(0, &c, 1) == 1 ? c : -1;
}

int console_read(unsigned char *buf, int n)
{
    if (!raw_on || input_gone || n <= 0)
        return 0;
    ssize_t got = read(0, buf, (size_t)n);
    if (got > 0)
        return (int)got;
    if (got < 0 && errno != EAGAIN && errno != EINTR)
        input_gone = 1; /* EIO: the terminal is gone */
    return 0;
}

int console_wait(int ms)
{
    struct pollfd p[2];
    int n = 0, in = -1, wk = -1;
    int fd = signals_wake_fd();
    if (fd >= 0) {
        p[n].fd = fd;
        p[n].events = POLLIN;
        wk = n++;
    }
    if (raw_on && !input_gone) {
        p[n].fd = 0;
        p[n].events = POLLIN;
        in = n++;
    }
    int r = poll(p, (nfds_t)n, ms < 0 ? 0 : ms);
    if (r <= 0)
        return 0;
    if (wk >= 0 && (p[wk].revents & POLLIN)) {
        char drain[64];
        while (read(fd, drain, sizeof drain) > 0) {
        }
    }
    if (in < 0)
        return 0;
    if (p[in].revents & (POLLHUP | POLLERR | POLLNVAL)) {
        input_gone = 1;
        return 0;
    }
    return (p[in].revents & POLLIN) != 0;
}

int console_foreground(void)
{
    if (!isatty(0))
        return 1;
    pid_t fg = tcgetpgrp(0);
    return fg < 0 || fg == getpgrp();
}

int console_width(void)
{
    struct winsize ws;
    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

int console_is_tty(int fd)
{
    return isatty(fd);
}

int console_is_dumb(void)
{
    const char *t = getenv("TERM");
    return !t || !t[0] || strcmp(t, "dumb") == 0 || strcmp(t, "unknown") == 0;
}
