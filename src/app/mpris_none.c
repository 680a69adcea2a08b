/* mpris_none: mpris.h where sd-bus is not available (macOS, Windows, a Linux
 * build without libsystemd): no MPRIS; the player plays on. */
#include "app/mpris.h"

#include <stddef.h>

/* No bus in this build (see mpris.h). */
mpris *mpris_open(const mpris_info *in, int (*send)(void *ctx, engine_cmd cmd, double value),
                  void *ctx)
{
    (void)in, (void)send, (void)ctx;
    return NULL;
}

/* Nothing to serve (see mpris.h). */
void mpris_poll(mpris *m, const engine_status *st, int *stop)
{
    (void)m, (void)st, (void)stop;
}

/* Nothing to close (see mpris.h). */
void mpris_close(mpris *m)
{
    (void)m;
}
