/* mpris_load: mpris.h in the adem binary: loads the module adem-mpris
 * (module.h, mpris_module.h) when play opens its remote control, so that
 * only then libsystemd is loaded. When the module does not load there is no
 * MPRIS, silently, as without a session bus (mpris.h); the player plays on. */
#include "app/mpris.h"

#include <stddef.h>

#include "app/module.h"
#include "app/mpris_module.h"

static const mpris_module *mod; /* once loaded */

/* The module's table, loading it at the first call; NULL when it does not
 * load. */
static const mpris_module *load(void)
{
    static int tried;
    if (tried)
        return mod;
    tried = 1;
    char why[400];
    const mpris_module *m = module_load("mpris", MPRIS_MODULE_SYMBOL, why, sizeof why);
    mod = m && m->version == MPRIS_MODULE_VERSION ? m : NULL;
    return mod;
}

mpris *mpris_open(const mpris_info *in, int (*send)(void *ctx, engine_cmd cmd, double value),
                  void *ctx)
{
    return load() ? mod->join(in, send, ctx) : NULL;
}

/* (An mpris exists only when the module loaded: mod is set from here on.) */
void mpris_poll(mpris *m, const engine_status *st, int *stop)
{
    if (m)
        mod->serve(m, st, stop);
}

void mpris_close(mpris *m)
{
    if (m)
        mod->leave(m);
}
