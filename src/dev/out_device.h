/* out_device: the timed output of `adem play` — a PortAudio stream whose
 * callback calls engine_process and always fills the whole buffer, or adem's
 * own client on a running JACK server (out_jack.h: without PortAudio's slow
 * start, for the default device), or adem's own stream on a running PipeWire
 * server (out_pw.h, the same way, when no JACK server runs), or (with
 * --pipe) raw PCM into a FIFO paced by its reader (out_pipe.h). The player
 * uses all of them the same way; only
 * outdev_init_begin / outdev_find / outdev_find_pipe differ.
 *
 * The stream opens with OUTDEV_LEAD_MS of silence before the engine's first
 * frame. The callback never allocates, locks, prints or does I/O. It counts
 * underflows (reported after the session by the control thread), and when the
 * engine is done it pads OUTDEV_PAD_MS of silence before completing the
 * stream, because PortAudio's JACK and ALSA backends drop the last buffers
 * otherwise (out_feed.h). The stream is never stopped from inside the
 * callback. Everything except the callback runs on the control thread, but
 * outdev_init_begin's Pa_Initialize, on a thread of its own. PortAudio and
 * the JACK client are reached through their tables (devmod.h): where they
 * are modules, each is loaded only when it is about to be used. */
#ifndef ADEM_OUT_DEVICE_H
#define ADEM_OUT_DEVICE_H

#include <stdint.h>
#include <stdio.h>

#include "base/diag.h"
#include "dev/out_feed.h"
#include "dev/pa_module.h"
#include "base/pcm.h"
#include "rt/engine.h"

/* A chosen output device. */
typedef pastream_device outdev_info;

/* The index of the "device" outdev_find_pipe describes. */
#define OUTDEV_PIPE (-2)
/* The index of the "device" outdev_find gives for adem's own connection to a
 * running sound server (its JACK client or its PipeWire stream). */
#define OUTDEV_SERVER (-3)

/* Starts PortAudio (loading its module first) with the libraries' probing
 * noise silenced. Returns 0, or -1 with d set (status 1). Pair with
 * outdev_terminate. */
int outdev_init(adem_diag *d);

/* outdev_init on a thread of its own, so that the caller prepares the session
 * meanwhile: PortAudio's start is most of the time from launch to the first
 * callback (its ALSA host API opens every PCM the ALSA configuration names,
 * in both directions — the jack, pipewire and pulse plugins each connect to
 * their server, a52 loads libavcodec — and its JACK host API opens a client).
 * With server_first (the default device is wanted) the thread first opens
 * adem's own client on a running JACK server (out_jack.h; at `rate` when
 * rate > 0: a server at another rate is not used), else its own stream on a
 * running PipeWire server (out_pw.h; at `rate` when rate > 0, which PipeWire
 * resamples, else at the graph's); when one connects (server_module.h: it
 * starts playing silence at once), PortAudio is not started at all:
 * outdev_find(NULL) then gives that connection. Where adem is built without
 * JACK or PipeWire, that server is not tried.
 * stderr is silenced here, on the calling thread. The thread, and every
 * thread PortAudio, libjack or libpipewire starts from it, inherits the caller's signal
 * mask: call it with the signals blocked (signals_block). Returns the
 * starter, or NULL when no thread could be started (outdev_init_end then
 * starts PortAudio itself). Every starter is ended with outdev_init_end,
 * once. */
typedef struct outdev_starter outdev_starter;
outdev_starter *outdev_init_begin(int server_first, int rate);

/* Waits until the starter's server connection or PortAudio is up and frees
 * the starter. Returns 0, or -1 with d set as outdev_init does. Pair a 0
 * with outdev_terminate. */
int outdev_init_end(outdev_starter *s, adem_diag *d);

/* Stops PortAudio, or closes the server connection outdev_init_end kept.
 * Not to be called after a device was lost (it may hang on a dead server):
 * just exit then. */
void outdev_terminate(void);

/* Finds the output device `spec` (an index, or part of a name, case-
 * insensitive; NULL = the default device: the server connection when
 * outdev_init_end kept one, index OUTDEV_SERVER, name "JACK server 'NAME'"
 * or "PipeWire 'NAME'", host "JACK, N frames" (its period) or "PipeWire, N
 * frames" (the cycle it asks for), as channels JACK's physical playback
 * ports or PipeWire's 8, the rate it plays at; a spec other than NULL only
 * with PortAudio started). Returns 0, or -1 with d set:
 * "no audio output device found; ..." (status 1) or no match (status 2). */
int outdev_find(const char *spec, outdev_info *info, adem_diag *d);

/* The output latency asked for without --latency, when the device's own
 * (PortAudio's "high" latency) is lower: a guided session needs no fast
 * reaction, and a buffer of this size keeps playing through the stalls of a
 * busy machine (measured on PipeWire: with its default ~46 ms the output lost
 * or gained whole periods under load; at 200 ms it stayed exact). */
#define OUTDEV_LATENCY_MS 200

/* The rate play prefers on a device: the voice packs' rate (the nl pack and
 * the cues `adem record` makes are stored at 48 kHz; files render at it). At
 * that rate nothing between adem and a sound server running at 48 kHz (as
 * PipeWire and most JACK setups do) resamples. */
#define OUTDEV_PREFERRED_RATE 48000

/* The rate to play at on dev with `channels` channels when no --rate is
 * given: `preferred` when the device takes it (Pa_IsFormatSupported), else
 * the device's default rate. *why gets a short phrase that says which (for
 * --verbose); on the JACK client, the server's rate; on the PipeWire stream,
 * the rate it was connected for (the graph's). Call between outdev_init
 * and outdev_terminate. */
int outdev_choose_rate(const outdev_info *dev, int channels, int preferred, const char **why);

/* Prints the output devices for `adem devices`: index, host API, name,
 * output channels, default rate, and the rate play chooses there without
 * --rate (outdev_choose_rate with OUTDEV_PREFERRED_RATE, at up to 2
 * channels); the default marked with '*'. Returns the number of output
 * devices. */
int outdev_list(FILE *f);

/* Describes the FIFO at path (--pipe) as an output: index OUTDEV_PIPE, host
 * "pipe", name the path, up to 8 channels, default rate OUTDEV_PREFERRED_RATE.
 * Returns 0, or -1 with d set: a regular file or anything else that is not a
 * FIFO (status 2: "use adem render for a file"), no FIFO there (status 1). */
int outdev_find_pipe(const char *path, outdev_info *info, adem_diag *d);

typedef struct out_device out_device;

/* Opens a float32 stream on dev at rate with `channels` channels (interleaved)
 * and latency_ms (0 = the device's default, at least OUTDEV_LATENCY_MS) that
 * plays engine e; for a pipe
 * (outdev_find_pipe), opens the FIFO to write fmt (s16 for OUT_DEFAULT, or
 * f32), waiting for a reader when it has none yet (saying so in one line on
 * stderr; a signal still ends the program) — latency_ms does not apply; on
 * the JACK client, at the server's rate (another is refused), with the
 * server's latency; on the PipeWire stream, at the rate it was connected for
 * (another is refused), latency_ms does not apply (out_pw.c says why). A
 * device takes only OUT_DEFAULT (status 2 otherwise). Returns 0, or -1 with d
 * set (status 1 unless said). */
int outdev_open(const outdev_info *dev, out_format fmt, int rate, int channels, int latency_ms,
                engine *e, out_device **out, adem_diag *d);

/* Starts the stream. Returns 0, or -1 with d set. */
int outdev_start(out_device *o, adem_diag *d);

typedef enum outdev_state {
    OUTDEV_PLAYING = 0,
    OUTDEV_FINISHED, /* the engine is done and the padding has played */
    OUTDEV_LOST      /* the device stopped calling back (or reported an error) */
} outdev_state;

/* Control thread, polled: the stream's state. Lost, from PortAudio's own
 * (or libjack's, for adem's JACK client: jack_on_info_shutdown; or
 * libpipewire's, for adem's PipeWire stream: the core's error, the stream's)
 * notice: the stream finished without the callback completing it (ALSA: the
 * device went away), reported an error, or is no longer active although the
 * callback never completed it (JACK: PortAudio's shutdown callback marks it
 * inactive when the server goes away). As a last resort, a stream whose
 * callback has not run for `stall_ms` while it should be playing counts as
 * lost too (a frozen server);
 * a pipe is lost only when its reader goes away (a slow reader is waited
 * for). */
outdev_state outdev_poll(out_device *o, int stall_ms);

/* After OUTDEV_LOST: what happened and what to do, one sentence without the
 * "adem: " (the device stopped; the pipe's reader went away). */
const char *outdev_lost_message(const out_device *o);

/* The times the device's callback ran so far (0 for a pipe, which has none:
 * its writer thread is paced by the reader). */
uint64_t outdev_callbacks(const out_device *o);

/* What to do about underflows on dev, for a note after the play ("try a
 * larger --latency ..."; on a server, its own advice). */
const char *outdev_underflow_advice(const outdev_info *dev);

/* Underflows counted by the callback so far (none for a pipe; the server's
 * xruns for the JACK client; the cycles without a free buffer for the
 * PipeWire stream). */
uint64_t outdev_underflows(const out_device *o);

/* Stops (if needed) and closes the stream, and frees o (the JACK client is
 * only deactivated, the PipeWire stream only disconnected: outdev_terminate
 * closes them). */
void outdev_close(out_device *o);

#endif
