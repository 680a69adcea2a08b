/* entropy: bytes from the operating system's random source, for secrets (the
 * tokens of the player's web page). One implementation per system:
 * entropy_posix.c (getrandom where there is one, else /dev/urandom).
 * Never called from the audio thread (it may block briefly at boot). */
#ifndef ADEM_ENTROPY_H
#define ADEM_ENTROPY_H

#include <stddef.h>

/* Fills buf with n random bytes fit for secrets. Returns 0, or -1 when the
 * system gives none (then do without the secret, never with weak bytes). */
int random_bytes(void *buf, size_t n);

#endif
