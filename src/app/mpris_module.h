/* mpris_module: the table the adem-mpris module exports (symbol
 * "adem_mpris_module"; see module.h): mpris.h on sd-bus (mpris_sdbus.c). The
 * binary's mpris_load.c implements mpris.h by calling it. */
#ifndef ADEM_MPRIS_MODULE_H
#define ADEM_MPRIS_MODULE_H

#include "app/mpris.h"

/* Bumped whenever the table or the types it passes change. */
#define MPRIS_MODULE_VERSION 1
#define MPRIS_MODULE_SYMBOL "adem_mpris_module"

typedef struct mpris_module {
    int version; /* MPRIS_MODULE_VERSION */
    mpris *(*join)(const mpris_info *in, int (*send)(void *ctx, engine_cmd cmd, double value),
                   void *ctx);
    void (*serve)(mpris *m, const engine_status *st, int *stop);
    void (*leave)(mpris *m);
} mpris_module;

#endif
