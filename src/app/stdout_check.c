/* stdout_check: see stdout_check.h. */
#include "app/stdout_check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int first_err; /* errno of the first failed stdout_flush */

void stdout_flush(void)
{
    errno = 0;
    if (fflush(stdout) != 0 && !first_err)
        first_err = errno;
}

int stdout_check(int rc)
{
    errno = 0;
    int flushed = fflush(stdout) == 0;
    int err = errno;
    if (flushed && !ferror(stdout))
        return rc;
    if (rc != 0)
        return rc;
    /* glibc mostly keeps the bytes it could not write and tries them again in
     * the flush, which gives the reason; else an earlier stdout_flush kept it */
    return stdout_report(first_err ? first_err : !flushed ? err : 0);
}

int stdout_report(int err)
{
    fprintf(stderr, "adem: writing to standard output failed: %s; check the disk, or the "
                    "program that reads adem's output\n",
            err ? strerror(err) : "a write was refused");
    return 1;
}

int stdout_failed(void)
{
    return ferror(stdout) != 0;
}
