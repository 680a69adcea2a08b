/* out_pw: the timed output of `adem play` straight to a running PipeWire
 * server, through adem's own playback stream ("adem") instead of PortAudio:
 * connecting takes a few milliseconds, where PortAudio's start (every ALSA
 * PCM probed, PipeWire's among them) takes 60-175 ms (BENCHMARKS.md). Used
 * through out_device.h (outdev_init_begin with server_first, after JACK);
 * out_device.c calls these through their table (server_module.h: out_pw is
 * PipeWire's out_server), the module adem-pipewire where adem is built with
 * device modules.
 *
 * The stream plays float32 interleaved at the rate outpw_connect chose; the
 * session manager (WirePlumber) links it to the default sink. It runs from
 * outpw_connect on, on silence until outpw_start. Its process callback runs
 * on PipeWire's real-time data thread: it takes a buffer, fills it with the
 * player's fill function (out_feed: lead-in, engine,
 * padding) and queues it. It never allocates, locks, prints or does I/O.
 * Everything else runs on the control thread (outpw_connect on
 * outdev_init_begin's thread). */
#ifndef ADEM_OUT_PW_H
#define ADEM_OUT_PW_H

#include <stdint.h>

#include "base/diag.h"
#include "dev/server_module.h"

typedef out_server out_pw;

/* Connects to the running PipeWire server (PIPEWIRE_REMOTE, else
 * "pipewire-0", in PIPEWIRE_RUNTIME_DIR or XDG_RUNTIME_DIR, as libpipewire
 * looks for it) without starting one; libpipewire's log is silenced first,
 * for the whole process. When no server's socket is there it returns at
 * once, without loading libpipewire's plugins. The stream will play at
 * `rate` when rate > 0 (PipeWire resamples it to the graph), else at the
 * graph's rate (the server's default.clock.rate: nothing resamples then),
 * else at fallback_rate (out_device's OUTDEV_PREFERRED_RATE). It then
 * starts the stream play most often opens (stereo) on silence, so that its
 * format, its link to the default sink and the graph's first cycles are
 * settled while the caller prepares the session. Call with the signals blocked: the threads
 * libpipewire starts inherit the mask. Returns the connection, or NULL when
 * no server runs or the connection fails (nothing is left open). */
out_pw *outpw_connect(int rate, int fallback_rate);

/* The rate the stream plays at; the server's name (its core's, e.g.
 * "pipewire-0"); the most channels the stream takes (PipeWire mixes them
 * down or up to the sink's); the frames per cycle the stream asks for
 * (node.latency; the graph may run shorter cycles when another stream asks
 * for them). */
int outpw_rate(const out_pw *p);
const char *outpw_server(const out_pw *p);
int outpw_channels_max(const out_pw *p);
int outpw_period(const out_pw *p);

/* Sets what the stream plays from outpw_start on: what fill (out_feed.h)
 * gives, with ctx, on `channels` channels (1 = mono, 2 = front left and
 * right, more in the usual surround order). With other channels than the
 * stream outpw_connect started, that one goes and a new one is connected
 * inactive (outpw_start activates it). Once per connection. Returns 0, or
 * -1 with d set (status 1). */
int outpw_open(out_pw *p, int channels, out_fill_fn fill, void *ctx, adem_diag *d);

/* Starts playing fill's frames: from the next cycle when the stream runs
 * already, else after activating it (its first callback follows within a
 * cycle of the graph). Returns 0, or -1 with d set. */
int outpw_start(out_pw *p, adem_diag *d);

/* Control thread, polled: lost when libpipewire says the connection broke
 * (the core's error, e.g. the server quit or died) or the stream failed or
 * was disconnected by the server, or when the callback has not run for
 * stall_ms while it should be playing (a frozen server). */
outsrv_state outpw_poll(out_pw *p, int stall_ms);

/* The times the callback ran, and the cycles in which it found no free
 * buffer to fill (the stream's underflows), so far. */
uint64_t outpw_callbacks(const out_pw *p);
uint64_t outpw_xruns(const out_pw *p);

/* Disconnects the stream: no callback runs after it returns (the engine may
 * be freed then). Not after the server went away. */
void outpw_stop(out_pw *p);

/* Closes the stream (stopping it first if needed) and the connection, and
 * frees p. Not after the server went away (just exit then). NULL is a
 * no-op. */
void outpw_close(out_pw *p);

#endif
