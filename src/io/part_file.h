/* part_file: a file written under a temporary name beside its target and
 * renamed over the target only when it is complete, so that a failed or
 * interrupted write leaves nothing behind: no partial file, and an older file
 * of the same name untouched. Used by `adem render` (out_file.c) and
 * `adem show --svg`.
 *
 * The temporary file is ".NAME.XXXXXX.part" in the target's folder, created
 * exclusively (C11 "wbx"), with 6 letters or digits that differ on each call;
 * for a target whose name is near the 255-byte limit, NAME is shortened (the
 * target never is).
 * An I/O module: stdio and platform.h; not for the audio thread. */
#ifndef ADEM_PART_FILE_H
#define ADEM_PART_FILE_H

#include <stdio.h>

#include "base/diag.h"

/* Creates the temporary file for target and opens it for binary writing.
 * Returns the stream and sets *tmp (malloc'd, its path), or returns NULL with
 * *tmp NULL and d set (status 1, naming target and the system's reason). */
FILE *part_file_create(const char *target, char **tmp, adem_diag *d);

/* Finishes: flushes and closes fp, then renames tmp over target. On any
 * failure the temporary file is removed. Frees tmp in every case. Returns 0,
 * or -1 with d set (status 1, naming target and the reason). */
int part_file_commit(FILE *fp, char *tmp, const char *target, adem_diag *d);

/* Abandons the file: closes fp (may be NULL), removes tmp, frees tmp. */
void part_file_discard(FILE *fp, char *tmp);

#endif
