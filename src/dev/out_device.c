/* out_device: PortAudio output for `adem play` (see out_device.h). */
#include "dev/out_device.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <portaudio.h>

#include "sys/console.h"
#include "dev/pa_stream.h"
#include "sys/platform.h"

struct out_device {
    PaStream *stream;
    engine *e;
    int channels;
    int64_t pad_total; /* frames of silence to play after the engine is done */
    /* Audio thread only: */
    int64_t lead_left; /* frames of silence still to play before the engine */
    int64_t pad_left;
    int finishing;
    /* Written by the audio thread, read by the control thread: */
    atomic_uint_fast64_t underflows;
    atomic_uint_fast64_t callbacks;
    atomic_int finished;  /* set by PortAudio's finished callback */
    atomic_int completed; /* the callback returned paComplete (not an error) */
    /* Control thread only: */
    uint64_t seen_callbacks;
    uint64_t seen_at_ns;
};

/* The PortAudio callback (audio thread): fill the whole buffer from the
 * engine; after the end, pad silence, then complete. */
static int callback(const void *in, void *outp, unsigned long frames,
                    const PaStreamCallbackTimeInfo *ti, PaStreamCallbackFlags flags, void *user)
{
    out_device *o = user;
    float *out = outp;
    (void)in;
    (void)ti;
    if (flags & paOutputUnderflow)
        atomic_fetch_add_explicit(&o->underflows, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&o->callbacks, 1, memory_order_relaxed);
    if (o->lead_left > 0) {
        /* the lead-in: whole buffers of silence; the engine starts after it */
        memset(out, 0, (size_t)frames * (size_t)o->channels * sizeof *out);
        o->lead_left -= (int64_t)frames;
    } else if (!o->finishing) {
        size_t n = engine_process(o->e, out, (size_t)frames);
        if (engine_done(o->e)) {
            o->finishing = 1;
            o->pad_left = o->pad_total - (int64_t)(frames - n);
        }
    } else {
        memset(out, 0, (size_t)frames * (size_t)o->channels * sizeof *out);
        o->pad_left -= (int64_t)frames;
    }
    if (o->finishing && o->pad_left <= 0) {
        atomic_store_explicit(&o->completed, 1, memory_order_release);
        return paComplete;
    }
    return paContinue;
}

/* Called by PortAudio when the stream has become inactive. */
static void finished(void *user)
{
    out_device *o = user;
    atomic_store_explicit(&o->finished, 1, memory_order_release);
}

int outdev_init(adem_diag *d)
{
    console_quiet_stderr();
    PaError err = Pa_Initialize();
    if (err != paNoError)
        return diag_runtime(d, "cannot start the audio system (%s); try `adem render` to write a "
                               "file instead", Pa_GetErrorText(err));
    return 0;
}

void outdev_terminate(void)
{
    Pa_Terminate();
}

static const char no_device[] =
    "no audio output device found; start your sound server or plug in a device, see `adem "
    "devices` and choose one with --device, or write a file with `adem render`";

int outdev_find(const char *spec, outdev_info *info, adem_diag *d)
{
    int i = pastream_find_device(spec, 0);
    if (i >= 0) {
        pastream_describe(i, 0, info);
        return 0;
    }
    if (i == PASTREAM_NO_DEVICE)
        return diag_runtime(d, "%s", no_device);
    return diag_set(d, NULL, 0, 0, "--device %s: %s; see `adem devices` for the list", spec,
                    i == PASTREAM_BAD_INDEX ? "there is no output device with that index"
                                            : "no output device has that name");
}

int outdev_list(FILE *f)
{
    int count = Pa_GetDeviceCount(), outputs = 0;
    PaDeviceIndex def = Pa_GetDefaultOutputDevice();
    for (int i = 0; i < count; i++) {
        outdev_info info;
        pastream_describe(i, 0, &info);
        if (info.max_channels <= 0)
            continue;
        if (outputs++ == 0)
            fprintf(f, "  %5s  %-26s %-36s %8s %7s\n", "index", "host", "name", "channels",
                    "rate");
        fprintf(f, "%c %5d  %-26s %-36s %8d %7.0f\n", i == def ? '*' : ' ', i, info.host,
                info.name, info.max_channels, info.default_rate);
    }
    return outputs;
}

int outdev_open(const outdev_info *dev, int rate, int channels, int latency_ms, engine *e,
                out_device **out, adem_diag *d)
{
    *out = NULL;
    if (channels > dev->max_channels)
        return diag_set(d, NULL, 0, 0, "%s has %d output channel%s; use --channels %d or fewer",
                        dev->name, dev->max_channels, dev->max_channels == 1 ? "" : "s",
                        dev->max_channels);
    out_device *o = calloc(1, sizeof *o);
    if (!o)
        return diag_runtime(d, "out of memory");
    o->e = e;
    o->channels = channels;
    o->pad_total = (int64_t)rate * OUTDEV_PAD_MS / 1000;
    o->lead_left = (int64_t)rate * OUTDEV_LEAD_MS / 1000;
    atomic_init(&o->underflows, 0);
    atomic_init(&o->callbacks, 0);
    atomic_init(&o->finished, 0);
    atomic_init(&o->completed, 0);
    PaStreamParameters p;
    memset(&p, 0, sizeof p);
    p.device = dev->index;
    p.channelCount = channels;
    p.sampleFormat = paFloat32;
    p.suggestedLatency = latency_ms > 0 ? latency_ms / 1000.0 : dev->default_latency;
    PaError err = Pa_IsFormatSupported(NULL, &p, rate);
    if (err == paNoError)
        err = Pa_OpenStream(&o->stream, NULL, &p, rate, paFramesPerBufferUnspecified,
                            paClipOff | paDitherOff, callback, o);
    if (err == paNoError)
        err = Pa_SetStreamFinishedCallback(o->stream, finished);
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

int outdev_start(out_device *o, adem_diag *d)
{
    PaError err = Pa_StartStream(o->stream);
    if (err != paNoError)
        return diag_runtime(d, "cannot start the audio stream: %s", Pa_GetErrorText(err));
    o->seen_at_ns = platform_now_ns();
    return 0;
}

outdev_state outdev_poll(out_device *o, int stall_ms)
{
    if (atomic_load_explicit(&o->finished, memory_order_acquire))
        return atomic_load_explicit(&o->completed, memory_order_acquire) ? OUTDEV_FINISHED
                                                                         : OUTDEV_LOST;
    /* PortAudio's own notice: an error, or a stream that is no longer active
     * although the callback never completed it (its JACK host API marks the
     * streams inactive in JACK's shutdown callback, when the server goes away) */
    PaError active = Pa_IsStreamActive(o->stream);
    if (active < 0 ||
        (active == 0 && !atomic_load_explicit(&o->completed, memory_order_acquire)))
        return OUTDEV_LOST;
    uint64_t now = platform_now_ns();
    uint64_t cb = atomic_load_explicit(&o->callbacks, memory_order_relaxed);
    if (cb != o->seen_callbacks) {
        o->seen_callbacks = cb;
        o->seen_at_ns = now;
    } else if (now - o->seen_at_ns > (uint64_t)stall_ms * 1000000u) {
        return OUTDEV_LOST;
    }
    return OUTDEV_PLAYING;
}

uint64_t outdev_underflows(const out_device *o)
{
    return atomic_load_explicit(&((out_device *)o)->underflows, memory_order_relaxed);
}

void outdev_close(out_device *o)
{
    if (!o)
        return;
    pastream_close(o->stream);
    free(o);
}
