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

const server_module *devmod_jack(void)
{
#if !defined(ADEM_HAVE_JACK)
    return NULL;
#elif defined(ADEM_DEV_MODULES)
    static const server_module *jack;
    static int tried;
    if (!tried) {
        char why[400];
        tried = 1;
        jack = load("jack", JACK_MODULE_SYMBOL, SERVER_MODULE_VERSION, why, sizeof why);
    }
    return jack;
#else
    return &adem_jack_module;
#endif
}

const server_module *devmod_pipewire(void)
{
#if !defined(ADEM_HAVE_PIPEWIRE)
    return NULL;
#elif defined(ADEM_DEV_MODULES)
    static const server_module *pw;
    static int tried;
    if (!tried) {
        char why[400];
        tried = 1;
        pw = load("pipewire", PW_MODULE_SYMBOL, SERVER_MODULE_VERSION, why, sizeof why);
    }
    return pw;
#else
    return &adem_pw_module;
#endif
}
