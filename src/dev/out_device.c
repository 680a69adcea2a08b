/* out_device: PortAudio output for `adem play`, or the JACK client or the
 * pipe in its place (see out_device.h). */
#include "dev/out_device.h"

#include <stdlib.h>
#include <string.h>

#include "dev/devmod.h"
#include "dev/out_feed.h"
#include "dev/out_pipe.h"
#include "sys/console.h"
#include "sys/thread.h"

/* adem's own connection to a running sound server (its JACK client or its
 * PipeWire stream), kept from outdev_init_end to outdev_terminate (in place
 * of PortAudio, which is not started then), with its server's table; else
 * PortAudio's table, once started. Control thread only. */
static out_server *srv_kept;
static const server_module *srv;
static const pa_module *pa;

struct out_device {
    out_pipe *pipe; /* --pipe: everything goes there */
    out_server *srv; /* the server connection: everything goes there */
    pa_out *stream; /* else PortAudio's stream */
    out_feed feed;  /* audio thread only (PortAudio's or the JACK client's) */
};

/* Loads PortAudio's part and starts PortAudio. Returns 0, or -1 with d set. */
static int start_portaudio(adem_diag *d)
{
    pa = devmod_portaudio(d);
    if (!pa)
        return -1;
    if (pa->init(d) != 0) {
        pa = NULL;
        return -1;
    }
    return 0;
}

int outdev_init(adem_diag *d)
{
    console_quiet_stderr();
    return start_portaudio(d);
}

struct outdev_starter {
    adem_thread *thread;
    int server_first, rate;
    out_server *srv; /* a server connection, when one opened */
    const server_module *mod; /* its table */
    int status;     /* else PortAudio's start: 0, or -1 with diag set */
    adem_diag diag;
};

/* The starter's thread: adem's JACK client when asked and a server runs
 * (at the rate asked, if any), else adem's PipeWire connection when a
 * PipeWire server runs, else PortAudio's start. */
static int start_output(void *arg)
{
    outdev_starter *s = arg;
    /* JACK first: where both run, JACK's is the graph people route by hand */
    const server_module *servers[DEVMOD_SERVERS];
    int n = s->server_first ? devmod_servers(servers) : 0;
    for (int i = 0; i < n; i++) {
        s->srv = servers[i]->connect(s->rate, OUTDEV_PREFERRED_RATE);
        if (s->srv) {
            s->mod = servers[i];
            return 0;
        }
    }
    s->status = start_portaudio(&s->diag);
    return 0;
}

outdev_starter *outdev_init_begin(int server_first, int rate)
{
    console_quiet_stderr(); /* here, on the caller's thread: it is not thread-safe */
    outdev_starter *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->server_first = server_first;
    s->rate = rate;
    diag_clear(&s->diag);
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
    int status = s->status;
    srv_kept = s->srv;
    srv = s->mod;
    if (status != 0)
        *d = s->diag;
    free(s);
    return srv_kept ? 0 : status;
}

void outdev_terminate(void)
{
    if (srv_kept) {
        srv->close(srv_kept);
        srv_kept = NULL;
    } else if (pa) {
        pa->terminate();
        pa = NULL;
    }
}

static const char no_device[] =
    "no audio output device found; start your sound server or plug in a device, see `adem "
    "devices` and choose one with --device, or write a file with `adem render`";

int outdev_find(const char *spec, outdev_info *info, adem_diag *d)
{
    if (srv_kept && !spec) {
        memset(info, 0, sizeof *info);
        info->index = OUTDEV_SERVER;
        snprintf(info->name, sizeof info->name, srv->name_format, srv->name(srv_kept));
        snprintf(info->host, sizeof info->host, "%s, %d frames", srv->host, srv->period(srv_kept));
        info->max_channels = srv->channels_max(srv_kept);
        info->default_rate = srv->rate(srv_kept);
        info->default_latency = (double)srv->period(srv_kept) / srv->rate(srv_kept);
        if (info->max_channels <= 0)
            return diag_runtime(d, "%s", no_device);
        return 0;
    }
    if (!pa)
        return diag_runtime(d, "%s", no_device);
    int i = pa->find_device(spec, 0);
    if (i >= 0) {
        pa->describe(i, 0, info);
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
    if (dev->index == OUTDEV_SERVER) {
        int rate = (int)dev->default_rate;
        *why = rate == preferred ? srv->rate_same : srv->rate_other;
        return rate;
    }
    int def = (int)(dev->default_rate + 0.5);
    if (def == preferred || (pa && pa->supports(dev, 0, channels, preferred))) {
        *why = "the voice pack's rate, which the device takes";
        return preferred;
    }
    *why = "the device's default rate: it does not take the voice pack's";
    return def > 0 ? def : preferred;
}

int outdev_list(FILE *f)
{
    if (!pa)
        return 0;
    int count = pa->device_count(), outputs = 0;
    int def = pa->default_output();
    for (int i = 0; i < count; i++) {
        outdev_info info;
        pa->describe(i, 0, &info);
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
    out_device *o = calloc(1, sizeof *o);
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
    outfeed_init(&o->feed, e, rate, channels);
    if (dev->index == OUTDEV_SERVER) {
        if (!srv_kept || rate != srv->rate(srv_kept)) {
            free(o);
            return diag_runtime(d, "%s plays at %d Hz, not %d Hz; leave out --rate, or choose a "
                                   "device with --device (see `adem devices`)",
                                dev->name, (int)dev->default_rate, rate);
        }
        if (srv->open(srv_kept, channels, outfeed_fill_fn, &o->feed, d) != 0) {
            free(o);
            return -1;
        }
        o->srv = srv_kept;
        *out = o;
        return 0;
    }
    if (!pa) {
        free(o);
        return diag_runtime(d, "%s", no_device);
    }
    double latency = latency_ms > 0                                    ? latency_ms / 1000.0
                     : dev->default_latency > OUTDEV_LATENCY_MS / 1000.0 ? dev->default_latency
                                                                         : OUTDEV_LATENCY_MS / 1000.0;
    if (pa->out_open(dev, rate, channels, &latency, outfeed_fill_fn, &o->feed, &o->stream, d) !=
        0) {
        free(o);
        return -1;
    }
    /* the padding covers the whole output buffer: some backends (ALSA's
     * pulse device) drop what it still holds when the stream stops */
    int64_t pad = (int64_t)((latency + OUTDEV_PAD_MS / 2000.0) * rate);
    if (pad > o->feed.pad_total)
        o->feed.pad_total = pad;
    *out = o;
    return 0;
}

int outdev_start(out_device *o, adem_diag *d)
{
    if (o->pipe)
        return outpipe_start(o->pipe, d);
    if (o->srv)
        return srv->start(o->srv, d);
    return pa->out_start(o->stream, d);
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
    if (o->srv) {
        outsrv_state s = srv->poll(o->srv, stall_ms);
        return s == OUTSRV_FINISHED ? OUTDEV_FINISHED
               : s == OUTSRV_LOST   ? OUTDEV_LOST
                                    : OUTDEV_PLAYING;
    }
    int s = pa->out_poll(o->stream, stall_ms);
    return s == PAOUT_FINISHED ? OUTDEV_FINISHED : s == PAOUT_LOST ? OUTDEV_LOST : OUTDEV_PLAYING;
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
    if (o->pipe)
        return 0;
    return o->srv ? srv->callbacks(o->srv) : pa->out_callbacks(o->stream);
}

const char *outdev_underflow_advice(const outdev_info *dev)
{
    if (dev->index == OUTDEV_SERVER && srv)
        return srv->underflow_advice;
    return "try a larger --latency (e.g. --latency 200)";
}

uint64_t outdev_underflows(const out_device *o)
{
    if (o->pipe)
        return 0;
    return o->srv ? srv->xruns(o->srv) : pa->out_underflows(o->stream);
}

void outdev_close(out_device *o)
{
    if (!o)
        return;
    if (o->pipe)
        outpipe_close(o->pipe);
    else if (o->srv)
        srv->stop(o->srv); /* the connection itself: outdev_terminate */
    else
        pa->out_close(o->stream);
    free(o);
}
