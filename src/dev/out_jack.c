/* out_jack: adem's own JACK client for `adem play` (see out_jack.h). */
#include "dev/out_jack.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jack/jack.h>

#include "dev/devmod.h"
#include "dev/devwatch.h"

/* The most output ports adem registers (and physical ports it counts). */
enum { MAX_PORTS = 32 };

struct out_server {
    jack_client_t *client;
    char server[128];
    int rate, period, playback_ports;
    /* Control thread only, changed only while the client is not active (the
     * callback reads them): */
    jack_port_t *ports[MAX_PORTS];
    int registered; /* ports[0..registered) exist */
    int channels;   /* of fill's frames, from outjack_open */
    out_fill_fn fill;
    void *fill_ctx;
    float *buf;     /* buf_frames interleaved frames (the callback's) */
    size_t buf_frames;
    int active;
    /* Written by the control thread, read by the callback: 0 until
     * outjack_start, the callback plays silence; then fill's frames. */
    atomic_int live;
    /* Written by JACK's threads, read by the control thread: */
    atomic_uint_fast64_t callbacks;
    atomic_uint_fast64_t xruns;
    atomic_int completed; /* the padding has played */
    atomic_int shutdown;  /* the server shut the client down */
    /* Control thread only: */
    devwatch watch;
};

/* libjack's messages: nothing (adem says what matters in its own words). */
static void quiet(const char *msg)
{
    (void)msg;
}

/* The process callback (audio thread): until the start, silence on every
 * port; then the whole period from fill, in pieces of at most buf_frames,
 * each channel copied to its port; after the padding, silence until the
 * control thread deactivates the client. */
static int process(jack_nframes_t nframes, void *arg)
{
    out_jack *j = arg;
    atomic_fetch_add_explicit(&j->callbacks, 1, memory_order_relaxed);
    if (!atomic_load_explicit(&j->live, memory_order_acquire)) {
        for (int c = 0; c < j->registered; c++)
            memset(jack_port_get_buffer(j->ports[c], nframes), 0, nframes * sizeof(float));
        return 0;
    }
    float *out[MAX_PORTS];
    for (int c = 0; c < j->channels; c++)
        out[c] = jack_port_get_buffer(j->ports[c], nframes);
    int done = atomic_load_explicit(&j->completed, memory_order_relaxed);
    size_t at = 0;
    while (at < nframes) {
        size_t n = nframes - at;
        if (n > j->buf_frames)
            n = j->buf_frames;
        if (done) {
            for (int c = 0; c < j->channels; c++)
                memset(out[c] + at, 0, n * sizeof(float));
        } else {
            done = j->fill(j->fill_ctx, j->buf, n);
            const float *src = j->buf;
            for (size_t i = 0; i < n; i++)
                for (int c = 0; c < j->channels; c++)
                    out[c][at + i] = *src++;
        }
        at += n;
    }
    if (done)
        atomic_store_explicit(&j->completed, 1, memory_order_release);
    return 0;
}

/* JACK's xrun callback: counted as an underflow. */
static int xrun(void *arg)
{
    out_jack *j = arg;
    atomic_fetch_add_explicit(&j->xruns, 1, memory_order_relaxed);
    return 0;
}

/* JACK's shutdown callback: the server quit, died or threw the client out. */
static void shutdown_cb(jack_status_t code, const char *reason, void *arg)
{
    out_jack *j = arg;
    (void)code;
    (void)reason;
    atomic_store_explicit(&j->shutdown, 1, memory_order_release);
}

/* Registers ports until there are n ("out_0", "out_1", ...), or drops the
 * ones beyond n. The client is not active. 0, or -1 when one does not
 * register. */
static int set_ports(out_jack *j, int n)
{
    for (; j->registered > n; j->registered--)
        jack_port_unregister(j->client, j->ports[j->registered - 1]);
    for (; j->registered < n; j->registered++) {
        char name[16];
        snprintf(name, sizeof name, "out_%d", j->registered);
        j->ports[j->registered] =
            jack_port_register(j->client, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
        if (!j->ports[j->registered])
            return -1;
    }
    return 0;
}

/* Activates the client and connects its ports one to one to the physical
 * playback ports (a port that does not connect stays unconnected: the
 * server's own tools can still connect it). 0, or -1 when it does not
 * activate. */
static int activate(out_jack *j)
{
    if (jack_activate(j->client) != 0)
        return -1;
    j->active = 1;
    const char **phys = jack_get_ports(j->client, NULL, JACK_DEFAULT_AUDIO_TYPE,
                                       JackPortIsPhysical | JackPortIsInput);
    for (int c = 0; phys && c < j->registered && phys[c]; c++)
        jack_connect(j->client, jack_port_name(j->ports[c]), phys[c]);
    jack_free(phys);
    return 0;
}

out_jack *outjack_connect(int rate, int fallback_rate)
{
    jack_set_error_function(quiet);
    jack_set_info_function(quiet);
    jack_status_t status;
    jack_client_t *c = jack_client_open("adem", JackNoStartServer, &status);
    if (!c)
        return NULL;
    (void)fallback_rate; /* the server's rate is the rate */
    if (rate > 0 && (int)jack_get_sample_rate(c) != rate) {
        jack_client_close(c); /* --rate that the server does not run at */
        return NULL;
    }
    out_jack *j = calloc(1, sizeof *j);
    if (!j) {
        jack_client_close(c);
        return NULL;
    }
    j->client = c;
    j->rate = (int)jack_get_sample_rate(c);
    j->period = (int)jack_get_buffer_size(c);
    const char *name = getenv("JACK_DEFAULT_SERVER");
    snprintf(j->server, sizeof j->server, "%s", name && name[0] ? name : "default");
    const char **ports =
        jack_get_ports(c, NULL, JACK_DEFAULT_AUDIO_TYPE, JackPortIsPhysical | JackPortIsInput);
    for (int i = 0; ports && ports[i] && i < MAX_PORTS; i++)
        j->playback_ports++;
    jack_free(ports);
    atomic_init(&j->live, 0);
    atomic_init(&j->callbacks, 0);
    atomic_init(&j->xruns, 0);
    atomic_init(&j->completed, 0);
    atomic_init(&j->shutdown, 0);
    if (jack_set_process_callback(c, process, j) != 0 || jack_set_xrun_callback(c, xrun, j) != 0) {
        outjack_close(j);
        return NULL;
    }
    jack_on_info_shutdown(c, shutdown_cb, j);
    /* the ports play will most likely use (stereo, or mono on one playback
     * port), active and connected already, here on the starter thread while
     * the session is prepared: each step waits for the server */
    if (j->playback_ports > 0 && set_ports(j, j->playback_ports >= 2 ? 2 : 1) == 0)
        activate(j);
    return j;
}

int outjack_rate(const out_jack *j)
{
    return j->rate;
}

int outjack_period(const out_jack *j)
{
    return j->period;
}

const char *outjack_server(const out_jack *j)
{
    return j->server;
}

int outjack_playback_ports(const out_jack *j)
{
    return j->playback_ports;
}

int outjack_open(out_jack *j, int channels, out_fill_fn fill, void *ctx, adem_diag *d)
{
    if (channels < 1 || channels > MAX_PORTS)
        return diag_runtime(d, "the JACK output takes 1 to %d channels", MAX_PORTS);
    /* at least one period in one piece; a server that grows its periods
     * later is served in pieces */
    size_t frames = j->period > 1024 ? (size_t)j->period : 1024;
    float *buf = malloc(frames * (size_t)channels * sizeof *buf);
    if (!buf)
        return diag_runtime(d, "out of memory");
    if (channels != j->registered) {
        /* other ports than outjack_connect guessed: they change only while
         * no callback runs */
        outjack_stop(j);
        if (set_ports(j, channels) != 0) {
            free(buf);
            return diag_runtime(d, "cannot register the output ports of adem's JACK client on "
                                   "server '%s'; try --device (see `adem devices`)", j->server);
        }
    }
    free(j->buf);
    j->buf = buf;
    j->buf_frames = frames;
    j->channels = channels;
    j->fill = fill;
    j->fill_ctx = ctx;
    return 0;
}

int outjack_start(out_jack *j, adem_diag *d)
{
    /* the callback plays fill's frames from its next period on */
    atomic_store_explicit(&j->live, 1, memory_order_release);
    if (!j->active && activate(j) != 0)
        return diag_runtime(d, "cannot start adem's JACK client on server '%s'; check the "
                               "server, or try --device (see `adem devices`)", j->server);
    devwatch_start(&j->watch);
    return 0;
}

outsrv_state outjack_poll(out_jack *j, int stall_ms)
{
    if (atomic_load_explicit(&j->shutdown, memory_order_acquire))
        return OUTSRV_LOST;
    if (atomic_load_explicit(&j->completed, memory_order_acquire))
        return OUTSRV_FINISHED;
    if (devwatch_stalled(&j->watch,
                         atomic_load_explicit(&j->callbacks, memory_order_relaxed), stall_ms))
        return OUTSRV_LOST;
    return OUTSRV_PLAYING;
}

uint64_t outjack_callbacks(const out_jack *j)
{
    return atomic_load_explicit(&((out_jack *)j)->callbacks, memory_order_relaxed);
}

uint64_t outjack_xruns(const out_jack *j)
{
    return atomic_load_explicit(&((out_jack *)j)->xruns, memory_order_relaxed);
}

void outjack_stop(out_jack *j)
{
    if (j && j->active) {
        jack_deactivate(j->client);
        j->active = 0;
    }
}

void outjack_close(out_jack *j)
{
    if (!j)
        return;
    /* no jack_port_unregister: the close stops libjack's notification
     * thread before the server drops the ports (pa_stream.h) */
    outjack_stop(j);
    jack_client_close(j->client);
    free(j->buf);
    free(j);
}

DEVMOD_EXPORT const server_module adem_jack_module = {
    .version = SERVER_MODULE_VERSION,
    .name_format = "JACK server '%s'",
    .host = "JACK",
    .rate_same = "the voice pack's rate, which the server runs at",
    .rate_other = "the JACK server's rate: it does not run at the voice pack's",
    .underflow_advice = "give the JACK server larger periods (e.g. jackd -p 1024)",
    .connect = outjack_connect,
    .rate = outjack_rate,
    .period = outjack_period,
    .name = outjack_server,
    .channels_max = outjack_playback_ports,
    .open = outjack_open,
    .start = outjack_start,
    .poll = outjack_poll,
    .callbacks = outjack_callbacks,
    .xruns = outjack_xruns,
    .stop = outjack_stop,
    .close = outjack_close,
};
