/* web_module: the table the adem-web module exports (symbol
 * "adem_web_module"; see module.h): web.h's server on libmicrohttpd
 * (web_mhd.c). The binary's web_load.c implements web.h by calling it. */
#ifndef ADEM_WEB_MODULE_H
#define ADEM_WEB_MODULE_H

#include "app/web.h"

/* Bumped whenever the table or the types it passes change. */
#define WEB_MODULE_VERSION 1
#define WEB_MODULE_SYMBOL "adem_web_module"

typedef struct web_module {
    int version; /* WEB_MODULE_VERSION */
    web *(*start)(const char *listen, const char *page_dir, FILE *msgs, char *why,
                  size_t whyn);
    const char *(*control_url)(const web *w);
    void (*print_qr)(const web *w, FILE *f);
    void (*publish)(web *w, const engine_status *st, const control_info *in,
                 int (*send)(void *ctx, engine_cmd cmd, double value), void *ctx, int *stop);
    void (*stop)(web *w);
} web_module;

#endif
