/* out_device: the timed output of `adem play` — a PortAudio stream whose
 * callback calls engine_process and always fills the whole buffer.
 *
 * The stream opens with OUTDEV_LEAD_MS of silence before the engine's first
 * frame. The callback never allocates, locks, prints or does I/O. It counts
 * underflows (reported after the session by the control thread), and when the
 * engine is done it pads OUTDEV_PAD_MS of silence before completing the
 * stream, because PortAudio's JACK and ALSA backends drop the last buffers
 * otherwise. The stream is never stopped from inside the callback.
 * Everything except the callback runs on the control thread. */
#ifndef ADEM_OUT_DEVICE_H
#define ADEM_OUT_DEVICE_H

#include <stdint.h>
#include <stdio.h>

#include "base/diag.h"
#include "dev/pa_stream.h"
#include "rt/engine.h"

#define OUTDEV_PAD_MS 200
/* Silence played before the engine starts: on a busy machine a JACK server
 * may not yet route a new client's ports in its first cycle, and that cycle's
 * frames would be lost. */
#define OUTDEV_LEAD_MS 50

/* A chosen output device. */
typedef pastream_device outdev_info;

/* Starts PortAudio with the libraries' probing noise silenced. Returns 0, or
 * -1 with d set (status 1). Pair with outdev_terminate. */
int outdev_init(adem_diag *d);

/* Stops PortAudio. Not to be called after a device was lost (it may hang on
 * a dead server): just exit then. */
void outdev_terminate(void);

/* Finds the output device `spec` (an index, or part of a name, case-
 * insensitive; NULL = the default device). Returns 0, or -1 with d set:
 * "no audio output device found; ..." (status 1) or no match (status 2). */
int outdev_find(const char *spec, outdev_info *info, adem_diag *d);

/* Prints the output devices for `adem devices`: index, host API, name,
 * output channels, default rate; the default marked with '*'. Returns the
 * number of output devices. */
int outdev_list(FILE *f);

typedef struct out_device out_device;

/* Opens a float32 stream on dev at rate with `channels` channels (interleaved)
 * and latency_ms (0 = the device's default) that plays engine e. Returns 0, or
 * -1 with d set (status 1). */
int outdev_open(const outdev_info *dev, int rate, int channels, int latency_ms, engine *e,
                out_device **out, adem_diag *d);

/* Starts the stream. Returns 0, or -1 with d set. */
int outdev_start(out_device *o, adem_diag *d);

typedef enum outdev_state {
    OUTDEV_PLAYING = 0,
    OUTDEV_FINISHED, /* the engine is done and the padding has played */
    OUTDEV_LOST      /* the device stopped calling back (or reported an error) */
} outdev_state;

/* Control thread, polled: the stream's state. Lost, from PortAudio's own
 * notice: the stream finished without the callback completing it (ALSA: the
 * device went away), reported an error, or is no longer active although the
 * callback never completed it (JACK: PortAudio's shutdown callback marks it
 * inactive when the server goes away). As a last resort, a stream whose
 * callback has not run for `stall_ms` while it should be playing counts as
 * lost too (a frozen server). */
outdev_state outdev_poll(out_device *o, int stall_ms);

/* Underflows counted by the callback so far. */
uint64_t outdev_underflows(const out_device *o);

/* Stops (if needed) and closes the stream, and frees o. */
void outdev_close(out_device *o);

#endif
