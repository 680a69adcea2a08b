/* out_pa: the PortAudio output stream of `adem play` (pa_module.h's out_
 * entries; out_device.c chooses it). */
#include "dev/pa_stream.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <portaudio.h>
/* PortAudio's ALSA extensions, where they exist (Linux) */
#if defined(__linux__) && defined(__has_include)
#if __has_include(<pa_linux_alsa.h>)
#include <pa_linux_alsa.h>
#define OUTPA_ALSA_RT 1
#endif
#endif

#include "dev/devwatch.h"

struct pa_out {
    PaStream *stream;
    out_fill_fn fill;
    void *fill_ctx;
    /* Written by the audio thread, read by the control thread: */
    atomic_uint_fast64_t underflows;
    atomic_uint_fast64_t callbacks;
    atomic_int finished;  /* set by PortAudio's finished callback */
    atomic_int completed; /* the callback returned paComplete (not an error) */
    /* Control thread only: */
    devwatch watch;
};

/* The PortAudio callback (audio thread): fill the whole buffer (out_feed:
 * lead-in, engine, padding); after the padding, complete. */
static int callback(const void *in, void *outp, unsigned long frames,
                    const PaStreamCallbackTimeInfo *ti, PaStreamCallbackFlags flags, void *user)
{
    pa_out *o = user;
    (void)in;
    (void)ti;
    if (flags & paOutputUnderflow)
        atomic_fetch_add_explicit(&o->underflows, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&o->callbacks, 1, memory_order_relaxed);
    if (o->fill(o->fill_ctx, outp, (size_t)frames)) {
        atomic_store_explicit(&o->completed, 1, memory_order_release);
        return paComplete;
    }
    return paContinue;
}

/* Called by PortAudio when the stream has become inactive. */
static void finished(void *user)
{
    pa_out *o = user;
    atomic_store_explicit(&o->finished, 1, memory_order_release);
}

int outpa_open(const pastream_device *dev, int rate, int channels, double *latency_s,
               out_fill_fn fill, void *ctx, pa_out **out, adem_diag *d)
{
    *out = NULL;
    pa_out *o = calloc(1, sizeof *o);
    if (!o)
        return diag_runtime(d, "out of memory");
    atomic_init(&o->underflows, 0);
    atomic_init(&o->callbacks, 0);
    atomic_init(&o->finished, 0);
    atomic_init(&o->completed, 0);
    o->fill = fill;
    o->fill_ctx = ctx;
    PaStreamParameters p;
    memset(&p, 0, sizeof p);
    p.device = dev->index;
    p.channelCount = channels;
    p.sampleFormat = paFloat32;
    p.suggestedLatency = *latency_s;
    /* no Pa_IsFormatSupported first: the open says the same, and on ALSA
     * each of them opens the PCM (a client of its sound server) */
    PaError err = Pa_OpenStream(&o->stream, NULL, &p, rate, paFramesPerBufferUnspecified,
                                paClipOff | paDitherOff, callback, o);
    if (err == paNoError)
        err = Pa_SetStreamFinishedCallback(o->stream, finished);
    if (err == paNoError) {
        const PaStreamInfo *si = Pa_GetStreamInfo(o->stream);
        *latency_s = si ? si->outputLatency : 0;
    }
#ifdef OUTPA_ALSA_RT
    /* ALSA (also PipeWire's and PulseAudio's ALSA devices): ask for a
     * real-time callback thread, as JACK gives one; where the system refuses,
     * PortAudio goes on with a normal one */
    if (err == paNoError && Pa_GetStreamHostApiType(o->stream) == paALSA)
        PaAlsa_EnableRealtimeScheduling(o->stream, 1);
#endif
    if (err != paNoError) {
        if (o->stream)
            Pa_CloseStream(o->stream);
        free(o);
        return diag_runtime(d, "cannot open %s (%s) at %d Hz with %d channel%s: %s; try another "
                               "--rate, --channels or --device (see `adem devices`)",
                            dev->name, dev->host, rate, channels, channels == 1 ? "" : "s",
                            Pa_GetErrorText(err));
    }
    *out = o;
    return 0;
}

int outpa_start(pa_out *o, adem_diag *d)
{
    PaError err = Pa_StartStream(o->stream);
    if (err != paNoError)
        return diag_runtime(d, "cannot start the audio stream: %s", Pa_GetErrorText(err));
    devwatch_start(&o->watch);
    return 0;
}

int outpa_poll(pa_out *o, int stall_ms)
{
    if (atomic_load_explicit(&o->finished, memory_order_acquire))
        return atomic_load_explicit(&o->completed, memory_order_acquire) ? PAOUT_FINISHED
                                                                         : PAOUT_LOST;
    /* PortAudio's own notice: an error, or a stream that is no longer active
     * although the callback never completed it (its JACK host API marks the
     * streams inactive in JACK's shutdown callback, when the server goes away) */
    PaError active = Pa_IsStreamActive(o->stream);
    if (active < 0 ||
        (active == 0 && !atomic_load_explicit(&o->completed, memory_order_acquire)))
        return PAOUT_LOST;
    if (devwatch_stalled(&o->watch,
                         atomic_load_explicit(&o->callbacks, memory_order_relaxed), stall_ms))
        return PAOUT_LOST;
    return PAOUT_PLAYING;
}

uint64_t outpa_callbacks(const pa_out *o)
{
    return atomic_load_explicit(&((pa_out *)o)->callbacks, memory_order_relaxed);
}

uint64_t outpa_underflows(const pa_out *o)
{
    return atomic_load_explicit(&((pa_out *)o)->underflows, memory_order_relaxed);
}

void outpa_close(pa_out *o)
{
    if (!o)
        return;
    pastream_close(o->stream);
    free(o);
}
