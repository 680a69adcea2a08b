/* entropy: the POSIX systems' random source (see entropy.h). */
#define _DEFAULT_SOURCE
#include "sys/entropy.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/random.h>
#endif

/* Reads n bytes from /dev/urandom. Returns 0 or -1. */
static int from_urandom(unsigned char *p, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while (n > 0) {
        ssize_t k = read(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            close(fd);
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    close(fd);
    return 0;
}

int random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
#if defined(__linux__)
    while (n > 0) {
        ssize_t k = getrandom(p, n, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return from_urandom(p, n); /* an old kernel without getrandom */
        p += k;
        n -= (size_t)k;
    }
    return 0;
#else
    return from_urandom(p, n);
#endif
}
