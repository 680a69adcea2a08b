/* devmod: the backends' tables, linked in or loaded (see devmod.h). */
#include "dev/devmod.h"

#include <stdio.h>

#ifndef ADEM_DEV_MODULES
extern const pa_module adem_pa_module;
#ifdef ADEM_HAVE_JACK
extern const server_module adem_jack_module;
#endif
#ifdef ADEM_HAVE_PIPEWIRE
extern const server_module adem_pw_module;
#endif
#endif

static devmod_loader loader;

void devmod_set_loader(devmod_loader load)
{
    loader = load;
}

#ifdef ADEM_DEV_MODULES
/* Module adem-NAME's table `symbol` if it loads and has the version wanted;
 * else NULL with why set. */
static const void *load(const char *name, const char *symbol, int version, char *why,
                        size_t whyn)
{
    if (!loader) {
        snprintf(why, whyn, "adem-%s: no way to load modules was set", name);
        return NULL;
    }
    const int *table = loader(name, symbol, why, whyn);
    if (table && *table != version) {
        snprintf(why, whyn, "adem-%s is of another version of adem (table %d, not %d)", name,
                 *table, version);
        return NULL;
    }
    return table;
}
#endif

const pa_module *devmod_portaudio(adem_diag *d)
{
#ifdef ADEM_DEV_MODULES
    static const pa_module *pa;
    static char why[400];
    if (!pa && !why[0])
        pa = load("portaudio", PA_MODULE_SYMBOL, PA_MODULE_VERSION, why, sizeof why);
    if (!pa && d)
        diag_runtime(d, "cannot load adem's PortAudio part (%s); reinstall adem, or write a "
                        "file with `adem render`", why);
    return pa;
#else
    (void)d;
    return &adem_pa_module;
#endif
}

#if defined(ADEM_DEV_MODULES) && (defined(ADEM_HAVE_JACK) || defined(ADEM_HAVE_PIPEWIRE))
/* The table of the server module adem-NAME, loaded at the first call into
 * *slot (NULL when it does not load: that server is not tried, silently). */
static const server_module *server(const char *name, const char *symbol,
                                   const server_module **slot, int *tried)
{
    if (!*tried) {
        char why[400];
        *tried = 1;
        *slot = load(name, symbol, SERVER_MODULE_VERSION, why, sizeof why);
    }
    return *slot;
}
#endif

int devmod_servers(const server_module **out)
{
    int n = 0;
    (void)out; /* (built without either server) */
#if defined(ADEM_HAVE_JACK) && defined(ADEM_DEV_MODULES)
    static const server_module *jack;
    static int jack_tried;
    if (server("jack", JACK_MODULE_SYMBOL, &jack, &jack_tried))
        out[n++] = jack;
#elif defined(ADEM_HAVE_JACK)
    out[n++] = &adem_jack_module;
#endif
#if defined(ADEM_HAVE_PIPEWIRE) && defined(ADEM_DEV_MODULES)
    static const server_module *pw;
    static int pw_tried;
    if (server("pipewire", PW_MODULE_SYMBOL, &pw, &pw_tried))
        out[n++] = pw;
#elif defined(ADEM_HAVE_PIPEWIRE)
    out[n++] = &adem_pw_module;
#endif
    return n;
}
