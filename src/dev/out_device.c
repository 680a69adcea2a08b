/* out_device: PortAudio output for `adem play`, or the JACK client or the
 * pipe in its place (see out_device.h). */
#include "dev/out_device.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <portaudio.h>
/* PortAudio's ALSA extensions, where they exist (Linux) */
#if defined(__linux__) && defined(__has_include)
#if __has_include(<pa_linux_alsa.h>)
#include <pa_linux_alsa.h>
#define OUTDEV_ALSA_RT 1
#endif
#endif

#include "dev/out_feed.h"
#ifdef ADEM_HAVE_JACK
#include "dev/out_jack.h"
#endif
#include "dev/out_pipe.h"
#ifdef ADEM_HAVE_PIPEWIRE
#include "dev/out_pw.h"
#endif
#include "dev/pa_stream.h"
#include "sys/console.h"
#include "sys/platform.h"
#include "sys/thread.h"

#ifndef ADEM_HAVE_JACK
/* Built without JACK: no client is ever opened. */
typedef struct out_jack out_jack;
#endif
#ifndef ADEM_HAVE_PIPEWIRE
/* Built without PipeWire: no stream is ever opened. */
typedef struct out_pw out_pw;
#endif

/* adem's own JACK client, kept from outdev_init_end to outdev_terminate (in
 * place of PortAudio, which is not started then). Control thread only. */
static out_jack *jack_kept;
/* adem's own PipeWire connection, the same way (when no JACK server ran). */
static out_pw *pw_kept;

struct out_device {
    out_pipe *pipe;    /* --pipe: everything goes there (stream is NULL) */
    out_jack *jack;    /* the JACK client: everything goes there (stream is NULL) */
    out_pw *pw;        /* the PipeWire stream: everything goes there (stream is NULL) */
    PaStream *stream;
    out_feed feed;     /* audio thread only (PortAudio's or the JACK client's) */
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
 * engine (out_feed); after the padding, complete. */
static int callback(const void *in, void *outp, unsigned long frames,
                    const PaStreamCallbackTimeInfo *ti, PaStreamCallbackFlags flags, void *user)
{
    out_device *o = user;
    (void)in;
    (void)ti;
    if (flags & paOutputUnderflow)
        atomic_fetch_add_explicit(&o->underflows, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&o->callbacks, 1, memory_order_relaxed);
    if (outfeed_fill(&o->feed, outp, (size_t)frames)) {
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

/* 0 when Pa_Initialize returned err = paNoError, else -1 with d set. */
static int init_result(PaError err, adem_diag *d)
{
    if (err != paNoError)
        return diag_runtime(d, "cannot start the audio system (%s); try `adem render` to write a "
                               "file instead", Pa_GetErrorText(err));
    return 0;
}

int outdev_init(adem_diag *d)
{
    console_quiet_stderr();
    return init_result(Pa_Initialize(), d);
}

struct outdev_starter {
    adem_thread *thread;
    int jack_first, rate;
    out_jack *jack; /* the JACK client, when it opened */
    out_pw *pw;     /* else the PipeWire connection, when it opened */
    PaError err;    /* else Pa_Initialize's, once the thread is joined */
};

/* The starter's thread: adem's JACK client when asked and a server runs
 * (at the rate asked, if any), else adem's PipeWire connection when a
 * PipeWire server runs, else PortAudio's start. */
static int start_output(void *arg)
{
    outdev_starter *s = arg;
#ifdef ADEM_HAVE_JACK
    if (s->jack_first) {
        s->jack = outjack_connect();
        if (s->jack && s->rate > 0 && outjack_rate(s->jack) != s->rate) {
            outjack_close(s->jack); /* --rate that the server does not run at */
            s->jack = NULL;
        }
        if (s->jack)
            return 0;
    }
#endif
#ifdef ADEM_HAVE_PIPEWIRE
    if (s->jack_first) {
        s->pw = outpw_connect(s->rate); /* PipeWire resamples --rate: any rate */
        if (s->pw)
            return 0;
    }
#endif
    s->err = Pa_Initialize();
    return 0;
}

outdev_starter *outdev_init_begin(int jack_first, int rate)
{
    console_quiet_stderr(); /* here, on the caller's thread: it is not thread-safe */
    outdev_starter *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->jack_first = jack_first;
    s->rate = rate;
    if (thread_start(&s->thread, start_output, s) != 0) {
        free(s);
        s = NULL;
    }
    return s;
}

int outdev_init_end(outdev_starter *s, adem_diag *d)
{
    if (!s)
        return outdev_init(d);
    thread_join(s->thread);
    PaError err = s->err;
    jack_kept = s->jack;
    pw_kept = s->pw;
    free(s);
    if (jack_kept || pw_kept)
        return 0;
    return init_result(err, d);
}

void outdev_terminate(void)
{
#ifdef ADEM_HAVE_JACK
    if (jack_kept) {
        outjack_close(jack_kept);
        jack_kept = NULL;
        return;
    }
#endif
#ifdef ADEM_HAVE_PIPEWIRE
    if (pw_kept) {
        outpw_close(pw_kept);
        pw_kept = NULL;
        return;
    }
#endif
    Pa_Terminate();
}

static const char no_device[] =
    "no audio output device found; start your sound server or plug in a device, see `adem "
    "devices` and choose one with --device, or write a file with `adem render`";

int outdev_find(const char *spec, outdev_info *info, adem_diag *d)
{
#ifdef ADEM_HAVE_JACK
    if (jack_kept && !spec) {
        memset(info, 0, sizeof *info);
        info->index = OUTDEV_JACK;
        snprintf(info->name, sizeof info->name, "JACK server '%s'", outjack_server(jack_kept));
        snprintf(info->host, sizeof info->host, "JACK, %d frames", outjack_period(jack_kept));
        info->max_channels = outjack_playback_ports(jack_kept);
        info->default_rate = outjack_rate(jack_kept);
        info->default_latency = (double)outjack_period(jack_kept) / outjack_rate(jack_kept);
        if (info->max_channels <= 0)
            return diag_runtime(d, "%s", no_device);
        return 0;
    }
#endif
#ifdef ADEM_HAVE_PIPEWIRE
    if (pw_kept && !spec) {
        memset(info, 0, sizeof *info);
        info->index = OUTDEV_PW;
        snprintf(info->name, sizeof info->name, "PipeWire '%s'", outpw_server(pw_kept));
        snprintf(info->host, sizeof info->host, "PipeWire, %d frames", outpw_period(pw_kept));
        info->max_channels = outpw_channels_max(pw_kept);
        info->default_rate = outpw_rate(pw_kept);
        info->default_latency = (double)outpw_period(pw_kept) / outpw_rate(pw_kept);
        return 0;
    }
#endif
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

int outdev_choose_rate(const outdev_info *dev, int channels, int preferred, const char **why)
{
    if (dev->index == OUTDEV_PIPE) {
        *why = "the voice pack's rate";
        return preferred;
    }
    if (dev->index == OUTDEV_JACK) {
        int rate = (int)dev->default_rate;
        *why = rate == preferred ? "the voice pack's rate, which the server runs at"
                                 : "the JACK server's rate: it does not run at the voice pack's";
        return rate;
    }
    if (dev->index == OUTDEV_PW) {
        /* outpw_connect's: the graph's rate, where nothing resamples */
        int rate = (int)dev->default_rate;
        *why = rate == preferred ? "the voice pack's rate, which the graph runs at"
                                 : "the PipeWire graph's rate: it does not run at the voice pack's";
        return rate;
    }
    int def = (int)(dev->default_rate + 0.5);
    if (def == preferred || pastream_supports(dev, 0, channels, preferred)) {
        *why = "the voice pack's rate, which the device takes";
        return preferred;
    }
    *why = "the device's default rate: it does not take the voice pack's";
    return def > 0 ? def : preferred;
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
            fprintf(f, "  %5s  %-26s %-36s %8s %7s %7s\n", "index", "host", "name", "channels",
                    "rate", "play at");
        const char *why;
        int play = outdev_choose_rate(&info, info.max_channels >= 2 ? 2 : 1,
                                      OUTDEV_PREFERRED_RATE, &why);
        fprintf(f, "%c %5d  %-26s %-36s %8d %7.0f %7d\n", i == def ? '*' : ' ', i, info.host,
                info.name, info.max_channels, info.default_rate, play);
    }
    return outputs;
}

int outdev_find_pipe(const char *path, outdev_info *info, adem_diag *d)
{
    if (outpipe_check(path, d) != 0)
        return -1;
    memset(info, 0, sizeof *info);
    if (strlen(path) >= sizeof info->name)
        return diag_set(d, NULL, 0, 0, "--pipe %.60s...: the path is too long; use a shorter one",
                        path);
    info->index = OUTDEV_PIPE;
    snprintf(info->name, sizeof info->name, "%s", path);
    snprintf(info->host, sizeof info->host, "pipe");
    info->max_channels = 8;
    info->default_rate = OUTDEV_PREFERRED_RATE;
    return 0;
}

/* Allocates an out_device with its counters set to zero. */
static out_device *new_device(void)
{
    out_device *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    atomic_init(&o->underflows, 0);
    atomic_init(&o->callbacks, 0);
    atomic_init(&o->finished, 0);
    atomic_init(&o->completed, 0);
    return o;
}

int outdev_open(const outdev_info *dev, out_format fmt, int rate, int channels, int latency_ms,
                engine *e, out_device **out, adem_diag *d)
{
    *out = NULL;
    if (dev->index != OUTDEV_PIPE && fmt != OUT_DEFAULT)
        return diag_set(d, NULL, 0, 0, "--format is for --pipe: a device plays float samples; "
                                       "leave it out, or add --pipe FIFO");
    if (channels > dev->max_channels)
        return diag_set(d, NULL, 0, 0, "%s has %d output channel%s; use --channels %d or fewer",
                        dev->name, dev->max_channels, dev->max_channels == 1 ? "" : "s",
                        dev->max_channels);
    out_device *o = new_device();
    if (!o)
        return diag_runtime(d, "out of memory");
    if (dev->index == OUTDEV_PIPE) {
        if (outpipe_open(dev->name, fmt, rate, channels, e, console_quiet_stderr(), &o->pipe,
                         d) != 0) {
            free(o);
            return -1;
        }
        *out = o;
        return 0;
    }
#ifdef ADEM_HAVE_JACK
    if (dev->index == OUTDEV_JACK) {
        if (!jack_kept || rate != outjack_rate(jack_kept)) {
            free(o);
            return diag_runtime(d, "%s runs at %d Hz, not %d Hz; leave out --rate, or choose a "
                                   "device with --device (see `adem devices`)",
                                dev->name, (int)dev->default_rate, rate);
        }
        outfeed_init(&o->feed, e, rate, channels);
        if (outjack_open(jack_kept, channels, outfeed_fill_fn, &o->feed, d) != 0) {
            free(o);
            return -1;
        }
        o->jack = jack_kept;
        *out = o;
        return 0;
    }
#endif
#ifdef ADEM_HAVE_PIPEWIRE
    if (dev->index == OUTDEV_PW) {
        if (!pw_kept || rate != outpw_rate(pw_kept)) {
            free(o);
            return diag_runtime(d, "%s plays at %d Hz, not %d Hz; leave out --rate, or choose a "
                                   "device with --device (see `adem devices`)",
                                dev->name, (int)dev->default_rate, rate);
        }
        outfeed_init(&o->feed, e, rate, channels);
        if (outpw_open(pw_kept, channels, outfeed_fill_fn, &o->feed, d) != 0) {
            free(o);
            return -1;
        }
        o->pw = pw_kept;
        *out = o;
        return 0;
    }
#endif
    outfeed_init(&o->feed, e, rate, channels);
    PaStreamParameters p;
    memset(&p, 0, sizeof p);
    p.device = dev->index;
    p.channelCount = channels;
    p.sampleFormat = paFloat32;
    p.suggestedLatency = latency_ms > 0                                    ? latency_ms / 1000.0
                         : dev->default_latency > OUTDEV_LATENCY_MS / 1000.0 ? dev->default_latency
                                                                             : OUTDEV_LATENCY_MS / 1000.0;
    /* no Pa_IsFormatSupported first: the open says the same, and on ALSA
     * each of them opens the PCM (a client of its sound server) */
    PaError err = Pa_OpenStream(&o->stream, NULL, &p, rate, paFramesPerBufferUnspecified,
                                paClipOff | paDitherOff, callback, o);
    if (err == paNoError)
        err = Pa_SetStreamFinishedCallback(o->stream, finished);
    if (err == paNoError) {
        /* the padding covers the whole output buffer: some backends (ALSA's
         * pulse device) drop what it still holds when the stream stops */
        const PaStreamInfo *si = Pa_GetStreamInfo(o->stream);
        int64_t pad = si ? (int64_t)((si->outputLatency + OUTDEV_PAD_MS / 2000.0) * rate) : 0;
        if (pad > o->feed.pad_total)
            o->feed.pad_total = pad;
    }
#ifdef OUTDEV_ALSA_RT
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

int outdev_start(out_device *o, adem_diag *d)
{
    if (o->pipe)
        return outpipe_start(o->pipe, d);
#ifdef ADEM_HAVE_JACK
    if (o->jack)
        return outjack_start(o->jack, d);
#endif
#ifdef ADEM_HAVE_PIPEWIRE
    if (o->pw)
        return outpw_start(o->pw, d);
#endif
    PaError err = Pa_StartStream(o->stream);
    if (err != paNoError)
        return diag_runtime(d, "cannot start the audio stream: %s", Pa_GetErrorText(err));
    o->seen_at_ns = platform_now_ns();
    return 0;
}

outdev_state outdev_poll(out_device *o, int stall_ms)
{
    if (o->pipe) {
        /* paced by the reader: a reader that stops reading is waited for */
        outpipe_state s = outpipe_poll(o->pipe);
        return s == OUTPIPE_FINISHED ? OUTDEV_FINISHED
               : s == OUTPIPE_LOST   ? OUTDEV_LOST
                                     : OUTDEV_PLAYING;
    }
#ifdef ADEM_HAVE_JACK
    if (o->jack) {
        outjack_state s = outjack_poll(o->jack, stall_ms);
        return s == OUTJACK_FINISHED ? OUTDEV_FINISHED
               : s == OUTJACK_LOST   ? OUTDEV_LOST
                                     : OUTDEV_PLAYING;
    }
#endif
#ifdef ADEM_HAVE_PIPEWIRE
    if (o->pw) {
        outpw_state s = outpw_poll(o->pw, stall_ms);
        return s == OUTPW_FINISHED ? OUTDEV_FINISHED
               : s == OUTPW_LOST   ? OUTDEV_LOST
                                   : OUTDEV_PLAYING;
    }
#endif
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

const char *outdev_lost_message(const out_device *o)
{
    if (o->pipe)
        return outpipe_lost_message(o->pipe);
    return "the audio device stopped (it was disconnected, or its sound server quit); check it "
           "and play again, see `adem devices`";
}

uint64_t outdev_callbacks(const out_device *o)
{
#ifdef ADEM_HAVE_JACK
    if (o->jack)
        return outjack_callbacks(o->jack);
#endif
#ifdef ADEM_HAVE_PIPEWIRE
    if (o->pw)
        return outpw_callbacks(o->pw);
#endif
    return atomic_load_explicit(&((out_device *)o)->callbacks, memory_order_relaxed);
}

uint64_t outdev_underflows(const out_device *o)
{
#ifdef ADEM_HAVE_JACK
    if (o->jack)
        return outjack_xruns(o->jack);
#endif
#ifdef ADEM_HAVE_PIPEWIRE
    if (o->pw)
        return outpw_xruns(o->pw);
#endif
    return atomic_load_explicit(&((out_device *)o)->underflows, memory_order_relaxed);
}

void outdev_close(out_device *o)
{
    if (!o)
        return;
    if (o->pipe)
        outpipe_close(o->pipe);
#ifdef ADEM_HAVE_JACK
    else if (o->jack)
        outjack_stop(o->jack); /* the client itself: outdev_terminate */
#endif
#ifdef ADEM_HAVE_PIPEWIRE
    else if (o->pw)
        outpw_stop(o->pw); /* the connection itself: outdev_terminate */
#endif
    else
        pastream_close(o->stream);
    free(o);
}
