/* jack_module: adem's own JACK client (out_jack.h) as a table of functions,
 * the module adem-jack where adem is built with device modules (devmod.h):
 * the program loads libjack only when `play` looks for a running JACK
 * server. Each entry is the out_jack.h function of the same name; see there
 * for its contract. */
#ifndef ADEM_JACK_MODULE_H
#define ADEM_JACK_MODULE_H

#include <stdint.h>

#include "base/diag.h"
#include "dev/out_feed.h"

/* Bumped whenever the table or the types it passes change. */
#define JACK_MODULE_VERSION 1
#define JACK_MODULE_SYMBOL "adem_jack_module"

typedef struct out_jack out_jack;

/* The states poll returns. */
typedef enum outjack_state {
    OUTJACK_PLAYING = 0,
    OUTJACK_FINISHED, /* the engine is done and the padding has played */
    OUTJACK_LOST      /* the server went away, or stopped calling back */
} outjack_state;

typedef struct jack_module {
    int version; /* JACK_MODULE_VERSION */
    out_jack *(*connect)(void);
    int (*rate)(const out_jack *j);
    int (*period)(const out_jack *j);
    const char *(*server)(const out_jack *j);
    int (*playback_ports)(const out_jack *j);
    int (*open)(out_jack *j, int channels, out_fill_fn fill, void *ctx, adem_diag *d);
    int (*start)(out_jack *j, adem_diag *d);
    outjack_state (*poll)(out_jack *j, int stall_ms);
    uint64_t (*callbacks)(const out_jack *j);
    uint64_t (*xruns)(const out_jack *j);
    void (*stop)(out_jack *j);
    void (*close)(out_jack *j);
} jack_module;

#endif
