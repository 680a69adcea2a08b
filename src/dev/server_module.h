/* server_module: a sound server adem plays to through a connection of its
 * own instead of PortAudio — JACK (out_jack.c, adem's client) or PipeWire
 * (out_pw.c, adem's stream) — as one table of functions per server. The
 * table is the module adem-jack or adem-pipewire where adem is built with
 * device modules (devmod.h): the program loads libjack or libpipewire only
 * when `play` looks for a running server. out_device.c uses both the same
 * way; each entry's contract is that of the out_jack.h / out_pw.h function
 * of the same name (outjack_connect, outpw_connect, ...).
 *
 * A connection runs from connect on, playing silence while the caller
 * prepares the session; open says what it is to play (out_feed.h's fill),
 * start switches it to that. Control thread only, but for connect (on
 * out_device's starter thread) and the callbacks (the server's real-time
 * thread). */
#ifndef ADEM_SERVER_MODULE_H
#define ADEM_SERVER_MODULE_H

#include <stdint.h>

#include "base/diag.h"
#include "dev/out_feed.h"

/* Bumped whenever the table or the types it passes change. */
#define SERVER_MODULE_VERSION 1
#define JACK_MODULE_SYMBOL "adem_jack_module"
#define PW_MODULE_SYMBOL "adem_pw_module"

/* A connection to a server: out_jack or out_pw, by the table's server. Each
 * server's file defines struct out_server its own way, and only that file
 * looks inside; everyone else holds the pointer. */
typedef struct out_server out_server;

/* The states poll returns. */
typedef enum outsrv_state {
    OUTSRV_PLAYING = 0,
    OUTSRV_FINISHED, /* the engine is done and the padding has played */
    OUTSRV_LOST      /* the server went away, or stopped calling back */
} outsrv_state;

typedef struct server_module {
    int version; /* SERVER_MODULE_VERSION */
    /* How adem names the server (--verbose, `adem play`'s notes): the
     * device's name, printf'd with the server's name ("JACK server '%s'");
     * its host ("JACK"; "JACK, 256 frames" with the period); why play runs
     * at the server's rate when it is the voice pack's and when it is not;
     * what to do about underflows. */
    const char *name_format;
    const char *host;
    const char *rate_same, *rate_other;
    const char *underflow_advice;
    /* Connects (NULL: no server runs, or it does not take `rate` when
     * rate > 0), at rate, else the server's, else fallback_rate. */
    out_server *(*connect)(int rate, int fallback_rate);
    int (*rate)(const out_server *s);
    int (*period)(const out_server *s);
    const char *(*name)(const out_server *s);
    int (*channels_max)(const out_server *s);
    int (*open)(out_server *s, int channels, out_fill_fn fill, void *ctx, adem_diag *d);
    int (*start)(out_server *s, adem_diag *d);
    outsrv_state (*poll)(out_server *s, int stall_ms);
    uint64_t (*callbacks)(const out_server *s);
    uint64_t (*xruns)(const out_server *s);
    void (*stop)(out_server *s);
    void (*close)(out_server *s);
} server_module;

#endif
