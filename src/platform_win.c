/* platform_win: platform.h for Windows (MSVC or MinGW, with <windows.h>).
 * Not compiled on the development machine: keep every function small.
 * NOTE: so far only the functions below are written here; the rest of
 * platform.h (see platform_posix.c) still has to be added. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <errno.h>
#include <stdio.h>

#include "platform.h"

/* _fseeki64: 64-bit offsets (see platform.h). */
int platform_fseek(FILE *f, int64_t offset, int whence)
{
    return _fseeki64(f, (__int64)offset, whence) == 0 ? 0 : -1;
}

/* _ftelli64: 64-bit positions (see platform.h). */
int64_t platform_ftell(FILE *f)
{
    __int64 pos = _ftelli64(f);
    return pos < 0 ? -1 : (int64_t)pos;
}
