/* pa_module: adem's PortAudio part — the output stream of `adem play`, the
 * input stream of `adem record` and the device list — as one table of
 * functions. The rest of adem reaches PortAudio only through this table
 * (out_device.c, in_device.c; devmod.h finds it), so that where adem is built
 * with device modules (ADEM_DEV_MODULES) the table is the module
 * adem-portaudio, loaded only when a command needs a PortAudio device: a
 * render, `play --pipe` or `play` on a running JACK server never loads
 * PortAudio, nor what it pulls in (libasound, libjack, libstdc++, ...).
 * Without device modules the table is linked into the program.
 *
 * Threads: the control thread only (init may run on out_device's starter
 * thread); the streams' callbacks run on PortAudio's audio threads. */
#ifndef ADEM_PA_MODULE_H
#define ADEM_PA_MODULE_H

#include <stdint.h>

#include "base/diag.h"
#include "dev/out_feed.h"
#include "rt/spsc.h"

/* Bumped whenever the table or the types it passes change. */
#define PA_MODULE_VERSION 1
#define PA_MODULE_SYMBOL "adem_pa_module"

/* A PortAudio device as adem shows and opens it, for one direction. */
typedef struct pastream_device {
    int index;
    char name[256];
    char host[64];
    int max_channels;       /* input or output channels, as asked */
    double default_rate;
    double default_latency; /* seconds (PortAudio's "high" latency of that direction) */
} pastream_device;

/* What find_device returns when it finds no device. */
enum {
    PASTREAM_NO_DEVICE = -1, /* no device of that direction at all, or no default */
    PASTREAM_BAD_INDEX = -2, /* spec is a number that is not such a device's index */
    PASTREAM_BAD_NAME = -3   /* spec matches no such device's name */
};

/* The states out_poll returns (the same values as outdev_state). */
enum { PAOUT_PLAYING = 0, PAOUT_FINISHED, PAOUT_LOST };

typedef struct pa_out pa_out;       /* an output stream */
typedef struct in_device in_device; /* an input stream (in_device.h) */

typedef struct pa_module {
    int version; /* PA_MODULE_VERSION */

    /* Pa_Initialize: 0, or -1 with d set (status 1). Pair with terminate. */
    int (*init)(adem_diag *d);
    void (*terminate)(void);

    /* The devices (between init and terminate): how many there are, the
     * default output's index (< 0: none), the index `spec` names among the
     * devices of a direction (input = 1 or 0: NULL the default, else an
     * index, else an exact name, else the first name containing spec,
     * ignoring ASCII case; or a PASTREAM_ value), a device's description for
     * a direction ("?" with no channels when unknown), and whether it takes a
     * float32 stream of `channels` at `rate` Hz (Pa_IsFormatSupported). */
    int (*device_count)(void);
    int (*default_output)(void);
    int (*find_device)(const char *spec, int input);
    void (*describe)(int i, int input, pastream_device *info);
    int (*supports)(const pastream_device *d, int input, int channels, double rate);

    /* The output stream: a float32 stream on dev at rate with `channels`
     * interleaved channels and a suggested latency of latency_s seconds,
     * whose callback plays what fill gives with ctx (out_feed.h); *latency_s
     * gets the stream's actual output latency. Returns 0, or -1 with d set
     * (status 1). The callback never allocates, locks, prints or does I/O,
     * and counts underflows. */
    int (*out_open)(const pastream_device *dev, int rate, int channels, double *latency_s,
                    out_fill_fn fill, void *ctx, pa_out **out, adem_diag *d);
    int (*out_start)(pa_out *o, adem_diag *d);
    /* PAOUT_FINISHED once fill returned 1 and the stream completed; LOST
     * from PortAudio's own notice (finished without completing, an error, no
     * longer active) or when the callback has not run for stall_ms. */
    int (*out_poll)(pa_out *o, int stall_ms);
    uint64_t (*out_callbacks)(const pa_out *o);
    uint64_t (*out_underflows)(const pa_out *o);
    /* Stops (if needed) and closes the stream and frees o. */
    void (*out_close)(pa_out *o);

    /* The input stream: in_device.h's functions, each documented there. */
    int (*in_find)(const char *spec, pastream_device *info, adem_diag *d);
    int (*in_open)(const pastream_device *dev, int rate, int latency_ms, spsc *r,
                   in_device **out, adem_diag *d);
    int (*in_start)(in_device *i, adem_diag *d);
    int (*in_rate)(const in_device *i);
    void (*in_arm)(in_device *i, int64_t max_frames);
    int (*in_disarm)(in_device *i, int timeout_ms);
    int64_t (*in_frames)(const in_device *i);
    int64_t (*in_dropped)(const in_device *i);
    uint64_t (*in_overflows)(const in_device *i);
    float (*in_peak)(in_device *i);
    int (*in_alive)(in_device *i, int stall_ms);
    void (*in_close)(in_device *i);
} pa_module;

#endif
