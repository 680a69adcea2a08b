/* in_pa: PortAudio input for `adem record` (in_device.h; part of
 * pa_module.h's table). */
#include "dev/pa_stream.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <portaudio.h>

#include "dev/devwatch.h"
#include "sys/platform.h"

enum { FOLD_CHUNK = 512 };

struct in_device {
    PaStream *stream;
    spsc *r; /* of floats */
    int channels; /* 1, or 2 folded to mono */
    int rate;
    /* Written by the control thread, read by the audio thread. take_cmd
     * counts arm and disarm requests: odd = armed, even = disarmed. */
    atomic_int take_cmd;
    atomic_int_least64_t cap; /* frames a take may have (set before arming) */
    atomic_int meter_reset;   /* 1: start a new peak measurement */
    /* Written by the audio thread (and reset by the control thread only while
     * disarmed and acknowledged), read by the control thread: */
    atomic_int take_seen;     /* the take_cmd the last finished callback used */
    atomic_int_least64_t frames;
    atomic_int_least64_t dropped;
    atomic_uint_least32_t peak_bits; /* a float's bits: the meter's peak */
    atomic_uint_fast64_t overflows;
    atomic_uint_fast64_t callbacks;
    atomic_int finished;
    /* Audio thread only: */
    float peak;
    float mono[FOLD_CHUNK];
    /* Control thread only: */
    devwatch watch;
};

/* The PortAudio callback (audio thread): fold the input to mono, keep the
 * peak, and while a take is armed copy it into the ring; never waits. */
static int callback(const void *inp, void *outp, unsigned long frames,
                    const PaStreamCallbackTimeInfo *ti, PaStreamCallbackFlags flags, void *user)
{
    in_device *d = user;
    const float *in = inp;
    (void)outp;
    (void)ti;
    if (flags & paInputOverflow)
        atomic_fetch_add_explicit(&d->overflows, 1, memory_order_relaxed);
    int cmd = atomic_load_explicit(&d->take_cmd, memory_order_acquire);
    int armed = cmd & 1;
    int64_t left = 0, written = 0, lost = 0;
    if (armed)
        left = (int64_t)atomic_load_explicit(&d->cap, memory_order_relaxed) -
               (int64_t)atomic_load_explicit(&d->frames, memory_order_relaxed);
    if (atomic_exchange_explicit(&d->meter_reset, 0, memory_order_acquire))
        d->peak = 0.0f;
    for (unsigned long off = 0; off < frames;) {
        size_t n = frames - off < FOLD_CHUNK ? (size_t)(frames - off) : FOLD_CHUNK;
        for (size_t k = 0; k < n; k++) {
            float v = 0.0f;
            if (in && d->channels == 1)
                v = in[off + k];
            else if (in)
                v = 0.5f * (in[(off + k) * 2] + in[(off + k) * 2 + 1]);
            d->mono[k] = v;
            float a = fabsf(v);
            if (a > d->peak) /* false for NaN: a broken driver cannot stick the meter */
                d->peak = a;
        }
        if (armed && left > 0) {
            size_t want = (int64_t)n < left ? n : (size_t)left;
            size_t put = spsc_write(d->r, d->mono, want);
            written += (int64_t)put;
            lost += (int64_t)(want - put);
            left -= (int64_t)want;
        }
        off += n;
    }
    if (written)
        atomic_fetch_add_explicit(&d->frames, written, memory_order_release);
    if (lost)
        atomic_fetch_add_explicit(&d->dropped, lost, memory_order_release);
    uint_least32_t bits;
    memcpy(&bits, &d->peak, sizeof bits);
    atomic_store_explicit(&d->peak_bits, bits, memory_order_relaxed);
    atomic_fetch_add_explicit(&d->callbacks, 1, memory_order_relaxed);
    atomic_store_explicit(&d->take_seen, cmd, memory_order_release);
    return paContinue;
}

/* Called by PortAudio when the stream has become inactive (for an input
 * stream that means it was lost, or closed). */
static void finished(void *user)
{
    in_device *d = user;
    atomic_store_explicit(&d->finished, 1, memory_order_release);
}

/* Writes "0 'name', 3 'name', ..." for the input devices into buf. */
static void list_inputs(char *buf, size_t n)
{
    size_t len = 0;
    int count = Pa_GetDeviceCount();
    buf[0] = '\0';
    for (int i = 0; i < count && len + 1 < n; i++) {
        const PaDeviceInfo *di = Pa_GetDeviceInfo(i);
        if (!di || di->maxInputChannels <= 0 || !di->name)
            continue;
        int w = snprintf(buf + len, n - len, "%s%d '%s'", len ? ", " : "", i, di->name);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (len >= n && n > 4)
        memcpy(buf + n - 4, "...", 4);
}

static const char no_device[] =
    "no audio input device found; plug in a microphone or headset, or start your sound server, "
    "then try again (choose a device with --device)";

int inpa_find(const char *spec, indev_info *info, adem_diag *d)
{
    int i = pastream_find_device(spec, 1);
    if (i >= 0) {
        pastream_describe(i, 1, info);
        return 0;
    }
    if (i == PASTREAM_NO_DEVICE)
        return diag_runtime(d, "%s", no_device);
    char names[400];
    list_inputs(names, sizeof names);
    return diag_set(d, NULL, 0, 0, "--device %s: %s; the input devices are %s", spec,
                    i == PASTREAM_BAD_INDEX ? "there is no input device with that index"
                                            : "no input device has that name",
                    names);
}

int inpa_open(const indev_info *dev, int rate, int latency_ms, spsc *r, in_device **out,
               adem_diag *d)
{
    *out = NULL;
    in_device *i = calloc(1, sizeof *i);
    if (!i)
        return diag_runtime(d, "out of memory");
    i->r = r;
    atomic_init(&i->take_cmd, 0);
    atomic_init(&i->cap, 0);
    atomic_init(&i->meter_reset, 0);
    atomic_init(&i->take_seen, 0);
    atomic_init(&i->frames, 0);
    atomic_init(&i->dropped, 0);
    atomic_init(&i->peak_bits, 0);
    atomic_init(&i->overflows, 0);
    atomic_init(&i->callbacks, 0);
    atomic_init(&i->finished, 0);
    PaStreamParameters p;
    memset(&p, 0, sizeof p);
    p.device = dev->index;
    p.sampleFormat = paFloat32;
    p.suggestedLatency = latency_ms > 0 ? latency_ms / 1000.0 : dev->default_latency;
    /* mono if the device offers it; else two channels, averaged */
    PaError err = paInvalidChannelCount;
    for (int ch = 1; ch <= 2 && ch <= dev->max_channels && err != paNoError; ch++) {
        p.channelCount = ch;
        err = Pa_IsFormatSupported(&p, NULL, rate);
        i->channels = ch;
    }
    if (err == paNoError)
        err = Pa_OpenStream(&i->stream, &p, NULL, rate, paFramesPerBufferUnspecified,
                            paClipOff | paDitherOff, callback, i);
    if (err == paNoError)
        err = Pa_SetStreamFinishedCallback(i->stream, finished);
    if (err != paNoError) {
        if (i->stream)
            Pa_CloseStream(i->stream);
        free(i);
        return diag_runtime(d, "cannot open %s (%s) for recording at %d Hz: %s; try another "
                               "--rate or --device",
                            dev->name, dev->host, rate, Pa_GetErrorText(err));
    }
    const PaStreamInfo *si = Pa_GetStreamInfo(i->stream);
    i->rate = si && si->sampleRate > 0 ? (int)(si->sampleRate + 0.5) : rate;
    *out = i;
    return 0;
}

int inpa_start(in_device *i, adem_diag *d)
{
    PaError err = Pa_StartStream(i->stream);
    if (err != paNoError)
        return diag_runtime(d, "cannot start recording: %s; check the microphone and try again",
                            Pa_GetErrorText(err));
    devwatch_start(&i->watch);
    return 0;
}

int inpa_rate(const in_device *i)
{
    return i->rate;
}

void inpa_arm(in_device *i, int64_t max_frames)
{
    atomic_store_explicit(&i->frames, 0, memory_order_relaxed);
    atomic_store_explicit(&i->dropped, 0, memory_order_relaxed);
    atomic_store_explicit(&i->cap, max_frames, memory_order_relaxed);
    int cmd = atomic_load_explicit(&i->take_cmd, memory_order_relaxed);
    atomic_store_explicit(&i->take_cmd, (cmd + 1) | 1, memory_order_release);
}

int inpa_disarm(in_device *i, int timeout_ms)
{
    int cmd = atomic_load_explicit(&i->take_cmd, memory_order_relaxed);
    if (cmd & 1) {
        cmd++;
        atomic_store_explicit(&i->take_cmd, cmd, memory_order_release);
    }
    /* callbacks run one at a time and store the command they used when they
     * are done: once one has stored this one, none writes to the ring */
    for (int waited = 0;; waited += 2) {
        if (atomic_load_explicit(&i->take_seen, memory_order_acquire) == cmd)
            return 0;
        if (waited >= timeout_ms)
            return -1;
        platform_sleep_ms(2);
    }
}

int64_t inpa_frames(const in_device *i)
{
    return (int64_t)atomic_load_explicit(&((in_device *)i)->frames, memory_order_acquire);
}

int64_t inpa_dropped(const in_device *i)
{
    return (int64_t)atomic_load_explicit(&((in_device *)i)->dropped, memory_order_acquire);
}

uint64_t inpa_overflows(const in_device *i)
{
    return atomic_load_explicit(&((in_device *)i)->overflows, memory_order_relaxed);
}

float inpa_peak(in_device *i)
{
    uint_least32_t bits = atomic_load_explicit(&i->peak_bits, memory_order_relaxed);
    float p;
    memcpy(&p, &bits, sizeof p);
    atomic_store_explicit(&i->meter_reset, 1, memory_order_release);
    return p;
}

int inpa_alive(in_device *i, int stall_ms)
{
    if (atomic_load_explicit(&i->finished, memory_order_acquire))
        return 0;
    if (Pa_IsStreamActive(i->stream) < 0)
        return 0;
    if (devwatch_stalled(&i->watch,
                         atomic_load_explicit(&i->callbacks, memory_order_relaxed), stall_ms))
        return 0;
    return 1;
}

void inpa_close(in_device *i)
{
    if (!i)
        return;
    pastream_close(i->stream);
    free(i);
}
