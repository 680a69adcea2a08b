/* out_feed: what both timed outputs of `adem play` (a PortAudio device,
 * out_device.c, and a pipe, out_pipe.c) do for each buffer on their audio
 * side: OUTDEV_LEAD_MS of silence first, then the engine, then
 * OUTDEV_PAD_MS of silence after the engine is done. */
#ifndef ADEM_OUT_FEED_H
#define ADEM_OUT_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "rt/engine.h"

/* Silence played after the engine is done, before the stream completes:
 * PortAudio's JACK and ALSA backends drop the last buffers otherwise. A
 * device pads at least its output latency plus half of this (out_device.c). */
#define OUTDEV_PAD_MS 200
/* Silence played before the engine starts: on a busy machine a JACK server
 * may not yet route a new client's ports in its first cycle, and that cycle's
 * frames would be lost. */
#define OUTDEV_LEAD_MS 50

typedef struct out_feed {
    engine *e;
    int channels;
    int64_t pad_total; /* frames of silence to play after the engine is done */
    int64_t lead_left; /* frames of silence still to play before the engine */
    int64_t pad_left;
    int finishing;
} out_feed;

/* Sets f up to feed engine e at rate with `channels` interleaved channels.
 * Control thread, before the audio side runs. */
void outfeed_init(out_feed *f, engine *e, int rate, int channels);

/* Fills the whole buffer out (frames x channels floats): the lead-in in whole
 * buffers of silence, then the engine, then the padding. Returns 1 when the
 * padding has played (the output may complete after this buffer), else 0.
 * Safe on the audio thread (it calls only engine_process and memset). */
int outfeed_fill(out_feed *f, float *out, size_t frames);

/* How an output backend gets its audio, without knowing the engine (so that
 * a backend can live in a module of its own): fill(ctx, out, frames) fills
 * the whole interleaved buffer and returns 1 once the output may complete
 * after it, as outfeed_fill does. Safe on the audio thread. */
typedef int (*out_fill_fn)(void *ctx, float *out, size_t frames);

/* outfeed_fill as an out_fill_fn: ctx is the out_feed. */
int outfeed_fill_fn(void *ctx, float *out, size_t frames);

#endif
