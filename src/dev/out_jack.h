/* out_jack: the timed output of `adem play` straight to a running JACK
 * server, through adem's own client ("adem") instead of PortAudio: opening
 * it takes a few milliseconds, where PortAudio's start (every ALSA PCM
 * probed, then its own JACK client) takes 150 ms and more (BENCHMARKS.md).
 * Used through out_device.h (outdev_init_begin with server_first); out_device.c
 * calls these through their table (server_module.h: out_jack is JACK's
 * out_server), the module adem-jack where adem is built with device
 * modules.
 *
 * The client runs from outjack_connect on, playing silence until
 * outjack_start. Then the process callback (JACK's real-time thread) fills
 * an interleaved buffer with the player's fill function (out_feed: lead-in,
 * engine, padding) and copies each channel to its output port ("out_0",
 * "out_1", ...), which are connected one to one to the server's physical
 * playback ports, as PortAudio's JACK host API does. It
 * never allocates, locks, prints or does I/O. Everything else runs on the
 * control thread (outjack_connect on outdev_init_begin's thread). */
#ifndef ADEM_OUT_JACK_H
#define ADEM_OUT_JACK_H

#include <stdint.h>

#include "base/diag.h"
#include "dev/server_module.h"

typedef out_server out_jack;

/* Opens the client "adem" on the running JACK server (JACK_DEFAULT_SERVER,
 * else "default") without starting one (JackNoStartServer), registers the
 * output ports play will most likely use (two, or one when the server has
 * one playback port), activates the client and connects them to the
 * physical playback ports: the device runs, on silence, while the session
 * is prepared (each of these steps waits for the server). libjack's error
 * and info messages are silenced first, for the whole process. Call with the
 * signals blocked: libjack's threads inherit the mask. Returns the client,
 * or NULL when no server runs, it runs at another rate than `rate` (when
 * rate > 0; fallback_rate is not used: the server's rate is the rate) or the
 * open fails (nothing is left open). */
out_jack *outjack_connect(int rate, int fallback_rate);

/* The server's sample rate, its buffer size (frames per period), its name
 * and its physical playback ports. */
int outjack_rate(const out_jack *j);
int outjack_period(const out_jack *j);
const char *outjack_server(const out_jack *j);
int outjack_playback_ports(const out_jack *j);

/* Sets what the client plays from outjack_start on: what fill (out_feed.h)
 * gives, with ctx, on `channels` output ports, at the server's rate; other
 * ports than outjack_connect registered are made with the client stopped
 * (outjack_start starts it again). Once per client. Returns 0, or -1 with d
 * set (status 1). */
int outjack_open(out_jack *j, int channels, out_fill_fn fill, void *ctx, adem_diag *d);

/* Starts playing fill's frames: from the next period when the client runs
 * already, else after activating it and connecting its ports (its first
 * callback follows within a period). Returns 0, or -1 with d set. */
int outjack_start(out_jack *j, adem_diag *d);

/* Control thread, polled: lost when libjack says the server shut the client
 * down (jack_on_info_shutdown: the server quit or died), or when the callback
 * has not run for stall_ms while it should be playing (a frozen server). */
outsrv_state outjack_poll(out_jack *j, int stall_ms);

/* The times the callback ran, and the server's xruns, so far. */
uint64_t outjack_callbacks(const out_jack *j);
uint64_t outjack_xruns(const out_jack *j);

/* Deactivates the client: no callback runs after it returns (the engine may
 * be freed then). Not after the server went away. */
void outjack_stop(out_jack *j);

/* Closes the client (deactivating it first if needed) and frees j. Not after
 * the server went away (just exit then). NULL is a no-op. */
void outjack_close(out_jack *j);

#endif
