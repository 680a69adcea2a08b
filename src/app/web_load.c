/* web_load: web.h in the adem binary: loads the module adem-web (module.h,
 * web_module.h) at the first web_start, so that only `play --web` loads
 * libmicrohttpd and what it needs. When the module does not load, --web
 * fails with the loader's reason in one line. */
#include "app/web.h"

#include <stdio.h>

#include "app/module.h"
#include "app/web_module.h"

static const web_module *mod;   /* once loaded */
static char load_why[400];      /* why it did not load */

/* The module's table, loading it at the first call; NULL when it does not
 * load (load_why says why). */
static const web_module *load(void)
{
    static int tried;
    if (tried)
        return mod;
    tried = 1;
    const web_module *m = module_load("web", WEB_MODULE_SYMBOL, load_why, sizeof load_why);
    if (m && m->version != WEB_MODULE_VERSION) {
        snprintf(load_why, sizeof load_why, "the module adem-web is version %d, this adem needs "
                 "%d", m->version, WEB_MODULE_VERSION);
        m = NULL;
    }
    mod = m;
    return mod;
}

int web_available(void)
{
    return load() != NULL;
}

web *web_start(const char *listen, const char *page_dir, FILE *msgs, char *why, size_t whyn)
{
    char addr[64];
    int port;
    if (web_parse_listen(listen, addr, sizeof addr, &port, why, whyn) != 0)
        return NULL;
    if (!load()) {
        snprintf(why, whyn, "this adem cannot serve the page: %s; reinstall adem (its "
                 "adem-web module needs libmicrohttpd)", load_why);
        return NULL;
    }
    return mod->start(listen, page_dir, msgs, why, whyn);
}

/* (A web exists only when the module loaded: mod is set from here on.) */
const char *web_control_url(const web *w)
{
    return w ? mod->control_url(w) : "";
}

void web_print_qr(const web *w, FILE *f)
{
    if (w)
        mod->print_qr(w, f);
}

void web_poll(web *w, const engine_status *st, const control_info *in,
              int (*send)(void *ctx, engine_cmd cmd, double value), void *ctx, int *stop)
{
    if (w)
        mod->publish(w, st, in, send, ctx, stop);
}

void web_stop(web *w)
{
    if (w)
        mod->stop(w);
}
