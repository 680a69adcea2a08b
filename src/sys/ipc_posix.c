/* ipc_posix: ipc.h with Unix domain sockets (Linux, macOS, the BSDs). */
#define _GNU_SOURCE /* SO_PEERCRED and struct ucred on Linux */
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#endif
#include "sys/ipc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct ipc_server {
    int fd;
    char path[sizeof ((struct sockaddr_un *)0)->sun_path];
};

/* Makes dir with mode 0700 if missing, then checks that it is a folder owned
 * by this user that nobody else may enter. Returns 0, or -1 with why set. */
static int private_dir(const char *dir, char *why, size_t whyn)
{
    struct stat st;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(why, whyn, "cannot make the folder %s: %s", dir, strerror(errno));
        return -1;
    }
    if (lstat(dir, &st) != 0) {
        snprintf(why, whyn, "cannot use the folder %s: %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(why, whyn, "%s is not a folder", dir);
        return -1;
    }
    if (st.st_uid != geteuid()) {
        snprintf(why, whyn, "the folder %s belongs to another user", dir);
        return -1;
    }
    if (st.st_mode & 077) {
        snprintf(why, whyn, "others may enter the folder %s (make it mode 0700)", dir);
        return -1;
    }
    return 0;
}

int ipc_dir(char *dir, size_t n, char *why, size_t whyn)
{
    const char *rt = getenv("XDG_RUNTIME_DIR");
    int len;
    if (rt && rt[0] == '/')
        len = snprintf(dir, n, "%s/adem", rt);
    else {
        const char *tmp = getenv("TMPDIR");
        if (!tmp || tmp[0] != '/')
            tmp = "/tmp";
        len = snprintf(dir, n, "%s/adem-%ld", tmp, (long)geteuid());
    }
    /* room for "/PID.sock" */
    if (len < 0 || (size_t)len + 24 >= n || (size_t)len + 24 >= IPC_PATH_MAX) {
        snprintf(why, whyn, "the folder for the control socket has too long a path");
        return -1;
    }
    return private_dir(dir, why, whyn);
}

/* Sets O_NONBLOCK and FD_CLOEXEC on fd. */
static int nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
        return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Fills a sockaddr_un for path; -1 when it is too long. */
static int addr_of(const char *path, struct sockaddr_un *a)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a->sun_path)
        return -1;
    memcpy(a->sun_path, path, strlen(path) + 1);
    return 0;
}

ipc_server *ipc_listen(const char *path, char *why, size_t whyn)
{
    struct sockaddr_un a;
    if (addr_of(path, &a) != 0) {
        snprintf(why, whyn, "the socket path %s is too long", path);
        return NULL;
    }
    ipc_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(why, whyn, "out of memory");
        return NULL;
    }
    memcpy(s->path, a.sun_path, sizeof s->path);
    s->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s->fd < 0 || nonblocking(s->fd) != 0) {
        snprintf(why, whyn, "cannot make a socket: %s", strerror(errno));
        if (s->fd >= 0)
            close(s->fd);
        free(s);
        return NULL;
    }
    unlink(path);
    mode_t old = umask(077); /* the socket file is made 0600 */
    int rc = bind(s->fd, (struct sockaddr *)&a, sizeof a);
    umask(old);
    if (rc != 0 || chmod(path, 0600) != 0 || listen(s->fd, 8) != 0) {
        snprintf(why, whyn, "cannot listen on %s: %s", path, strerror(errno));
        close(s->fd);
        unlink(path);
        free(s);
        return NULL;
    }
    return s;
}

/* 1 when the peer of fd runs as this user (or the system cannot tell, the
 * folder's and socket's modes being the guard then). */
static int same_user(int fd)
{
#if defined(__linux__)
    struct ucred cr;
    socklen_t len = sizeof cr;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
        return 0;
    return cr.uid == geteuid();
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
    uid_t uid;
    gid_t gid;
    if (getpeereid(fd, &uid, &gid) != 0)
        return 0;
    return uid == geteuid();
#else
    (void)fd;
    return 1;
#endif
}

int ipc_accept(ipc_server *s)
{
    for (;;) {
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0)
            return -1;
        if (!same_user(fd) || nonblocking(fd) != 0) {
            close(fd);
            continue;
        }
        return fd;
    }
}

void ipc_close(ipc_server *s)
{
    if (!s)
        return;
    close(s->fd);
    unlink(s->path);
    free(s);
}

long ipc_read(int fd, char *buf, size_t n)
{
    ssize_t got = recv(fd, buf, n, 0);
    if (got > 0)
        return (long)got;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return -1; /* 0: the peer closed */
}

/* Milliseconds on a monotonic clock. */
static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for `events` or the deadline passes; 1 when ready. */
static int wait_for(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, (int)left);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return 0;
    }
}

int ipc_write(int fd, const char *buf, size_t n, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    while (n > 0) {
        ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
        if (w > 0) {
            buf += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        if (!wait_for(fd, POLLOUT, deadline))
            return -1;
    }
    return 0;
}

long ipc_read_line(int fd, char *buf, size_t n, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    size_t len = 0;
    for (;;) {
        if (len + 1 >= n)
            return -1;
        if (!wait_for(fd, POLLIN, deadline))
            return -1;
        ssize_t got = recv(fd, buf + len, 1, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        if (buf[len] == '\n') {
            buf[len] = '\0';
            return (long)len;
        }
        len++;
    }
}

int ipc_connect(const char *path, char *why, size_t whyn)
{
    struct sockaddr_un a;
    if (addr_of(path, &a) != 0) {
        snprintf(why, whyn, "the socket path %s is too long", path);
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        snprintf(why, whyn, "cannot make a socket: %s", strerror(errno));
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        int e = errno;
        close(fd);
        if (e == ECONNREFUSED || e == ENOENT)
            snprintf(why, whyn, "no player is listening on %s", path);
        else
            snprintf(why, whyn, "cannot connect to %s: %s", path, strerror(e));
        return -1;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

void ipc_hangup(int fd)
{
    if (fd >= 0)
        close(fd);
}

int ipc_pid_alive(long pid)
{
    if (pid <= 0)
        return 0;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

long ipc_self_pid(void)
{
    return (long)getpid();
}
