/* privfile: a small file only its owner may read (mode 0600 from the moment
 * it exists), for secrets such as the web page's links. One implementation
 * per system: privfile_posix.c. Not for the audio thread. */
#ifndef ADEM_PRIVFILE_H
#define ADEM_PRIVFILE_H

#include <stddef.h>

/* Replaces the file at path by a new one, mode 0600, holding the n bytes of
 * data. Returns 0, or -1 (then nothing is left at path). */
int privfile_write(const char *path, const char *data, size_t n);

#endif
