/* privfile: open(2) with O_EXCL and mode 0600 (see privfile.h). */
#define _POSIX_C_SOURCE 200809L
#include "sys/privfile.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int privfile_write(const char *path, const char *data, size_t n)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    while (n > 0) {
        ssize_t k = write(fd, data, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            close(fd);
            unlink(path);
            return -1;
        }
        data += k;
        n -= (size_t)k;
    }
    if (close(fd) != 0) {
        unlink(path);
        return -1;
    }
    return 0;
}
