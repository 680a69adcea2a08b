/* part_file: write beside the target, rename when complete (see part_file.h). */
#include "io/part_file.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sys/platform.h"

enum { PF_TRIES = 100 }; /* temporary names tried before giving up */

/* The system's reason for errno value e ("unknown error" when there is none). */
static const char *pf_reason(int e)
{
    return e > 0 ? strerror(e) : "unknown error";
}

/* The file name part of path (after the last separator). */
static const char *pf_base(const char *path)
{
    const char *b = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == PLATFORM_SEP)
            b = p + 1;
    return b;
}

/* splitmix64: spreads the bits of x (for temporary names). */
static uint64_t pf_mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

/* Writes 6 letters or digits, different on each call, into s. */
static void pf_suffix(char *s)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static uint64_t counter;
    int local = 0;
    uint64_t x = pf_mix((uint64_t)time(NULL) ^ ((uint64_t)clock() << 21) ^
                        (uint64_t)(uintptr_t)&local ^ (++counter << 44));
    for (int i = 0; i < 6; i++) {
        s[i] = abc[x % 62];
        x /= 62;
    }
}

/* The longest file name the common file systems take (ext4, XFS, Btrfs, APFS,
 * NTFS: 255 bytes or UTF-16 units). */
#define PF_NAME_MAX 255

/* How many bytes of a target's name the temporary name keeps: all of it when
 * ".NAME.XXXXXX.part" fits in PF_NAME_MAX, else fewer, cut before a UTF-8
 * continuation byte so the name stays readable. */
static size_t pf_keep(const char *base)
{
    size_t n = strlen(base), room = PF_NAME_MAX - (1 + 1 + 6 + 5);
    if (n <= room)
        return n;
    n = room;
    while (n > 0 && ((unsigned char)base[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Creates ".NAME.XXXXXX.part" beside target exclusively (NAME shortened when
 * the whole would exceed PF_NAME_MAX; the target keeps its name); NULL with d
 * set. */
FILE *part_file_create(const char *target, char **tmp, adem_diag *d)
{
    const char *base = pf_base(target);
    size_t dirlen = (size_t)(base - target);
    size_t keep = pf_keep(base);
    size_t size = dirlen + 1 + keep + 1 + 6 + 5 + 1;
    char *name = malloc(size);
    *tmp = NULL;
    if (!name) {
        diag_runtime(d, "not enough memory to write '%s'; close other programs", target);
        return NULL;
    }
    for (int t = 0; t < PF_TRIES; t++) {
        char sfx[6];
        pf_suffix(sfx);
        snprintf(name, size, "%.*s.%.*s.%.6s.part", (int)dirlen, target, (int)keep, base, sfx);
        errno = 0;
        FILE *fp = fopen(name, "wbx");
        if (fp) {
            *tmp = name;
            return fp;
        }
        int e = errno;
#ifdef EEXIST
        if (e == EEXIST)
            continue;
#endif
        if (platform_is_file(name))
            continue; /* taken by someone else: try another name */
        free(name);
#ifdef ENOENT
        if (e == ENOENT) {
            diag_runtime(d, "cannot write '%s': its folder does not exist; create it or choose "
                            "another path",
                         target);
            return NULL;
        }
#endif
        diag_runtime(d, "cannot write '%s': %s; check the folder's permissions or choose another path",
                     target, pf_reason(e));
        return NULL;
    }
    free(name);
    diag_runtime(d, "cannot write '%s': no free temporary name beside it; remove old .%s.*.part files",
                 target, base);
    return NULL;
}

/* Flushes, closes and renames; removes the temporary file on failure. */
int part_file_commit(FILE *fp, char *tmp, const char *target, adem_diag *d)
{
    int rc = 0;
    errno = 0;
    if (fflush(fp) != 0 || ferror(fp)) {
        int e = errno ? errno : -1;
        rc = diag_runtime(d, "writing '%s' failed: %s; check the disk and try again", target,
                          pf_reason(e));
    }
    errno = 0;
    if (fclose(fp) != 0 && rc == 0)
        rc = diag_runtime(d, "writing '%s' failed: %s; check the disk and try again", target,
                          pf_reason(errno ? errno : -1));
    if (rc == 0) {
        errno = 0;
        if (platform_replace(tmp, target) != 0)
            rc = diag_runtime(d, "cannot replace '%s': %s; check the folder's permissions", target,
                              pf_reason(errno));
    }
    if (rc != 0)
        remove(tmp);
    free(tmp);
    return rc;
}

/* Closes, removes and frees. */
void part_file_discard(FILE *fp, char *tmp)
{
    if (fp)
        fclose(fp);
    if (tmp)
        remove(tmp);
    free(tmp);
}
