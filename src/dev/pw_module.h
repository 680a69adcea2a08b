/* pw_module: adem's own PipeWire stream (out_pw.h) as a table of functions,
 * the module adem-pipewire where adem is built with device modules
 * (devmod.h): the program loads libpipewire only when `play` looks for a
 * running PipeWire server. Each entry is the out_pw.h function of the same
 * name; see there for its contract. */
#ifndef ADEM_PW_MODULE_H
#define ADEM_PW_MODULE_H

#include <stdint.h>

#include "base/diag.h"
#include "dev/out_feed.h"

/* Bumped whenever the table or the types it passes change. */
#define PW_MODULE_VERSION 1
#define PW_MODULE_SYMBOL "adem_pw_module"

typedef struct out_pw out_pw;

/* The states poll returns. */
typedef enum outpw_state {
    OUTPW_PLAYING = 0,
    OUTPW_FINISHED, /* the engine is done and the padding has played */
    OUTPW_LOST      /* the server went away, or stopped calling back */
} outpw_state;

typedef struct pw_module {
    int version; /* PW_MODULE_VERSION */
    out_pw *(*connect)(int rate, int fallback_rate);
    int (*rate)(const out_pw *p);
    const char *(*server)(const out_pw *p);
    int (*channels_max)(const out_pw *p);
    int (*period)(const out_pw *p);
    int (*open)(out_pw *p, int channels, out_fill_fn fill, void *ctx, adem_diag *d);
    int (*start)(out_pw *p, adem_diag *d);
    outpw_state (*poll)(out_pw *p, int stall_ms);
    uint64_t (*callbacks)(const out_pw *p);
    uint64_t (*xruns)(const out_pw *p);
    void (*stop)(out_pw *p);
    void (*close)(out_pw *p);
} pw_module;

#endif
