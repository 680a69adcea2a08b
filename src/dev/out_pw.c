/* out_pw: adem's own PipeWire playback stream for `adem play` (see
 * out_pw.h). */
/* libpipewire's headers use POSIX types (ssize_t, locale_t) */
#define _DEFAULT_SOURCE
#include "dev/out_pw.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pipewire/pipewire.h>
#include <spa/param/audio/format-utils.h>
#include <spa/utils/result.h>

#include "dev/devmod.h"
#include "dev/devwatch.h"
#include "sys/platform.h"

/* The most channels the stream takes (7.1). */
enum { MAX_CHANNELS = 8, AHEAD_CHANNELS = 2 };

/* The frames per cycle the stream asks for, at 48 kHz (PipeWire scales it to
 * the graph's rate): the server's default cycle (default.clock.quantum),
 * 21 ms, what other desktop streams ask for. The callback fills a whole
 * cycle on PipeWire's data thread, which runs at a real-time priority
 * (client-rt.conf's module-rt, where the system grants one) and needs a
 * fraction of a millisecond of it: a missed cycle, which would shift the
 * output by a period (a stream has no buffer of its own beyond the cycle),
 * comes from the scheduling, not the length. A longer cycle delays the
 * first callback when the graph already runs, by up to a cycle (measured,
 * launch to first callback: at most 75 ms asking for 2048 frames, 58 ms at
 * 1024, 42 ms at 512); a shorter one makes the whole graph, every other
 * stream with it, wake up more often. The graph runs shorter cycles when
 * another stream asks for them: adem fills whatever a cycle asks. */
#define PW_PERIOD 1024
#define PW_PERIOD_RATE 48000

struct out_server {
    struct pw_thread_loop *loop;
    struct pw_context *context;
    struct pw_core *core;
    struct spa_hook core_listener;
    struct pw_stream *stream;
    struct spa_hook stream_listener;
    char server[128];
    int rate, graph_rate, channels;
    int sync_seq, synced; /* the first round trip (thread loop, locked) */
    int active;           /* the stream is connected and should run (thread loop, locked) */
    int running;          /* it was connected active (not waiting for outpw_start) */
    out_fill_fn fill;
    void *fill_ctx;
    /* Written by the control thread, read by the callback: 0 until
     * outpw_start, the callback plays silence; then fill's frames. */
    atomic_int live;
    /* Written by libpipewire's threads, read by the control thread: */
    atomic_uint_fast64_t callbacks;
    atomic_uint_fast64_t xruns;
    atomic_int completed; /* the padding has played */
    atomic_int lost;      /* the connection broke, or the stream failed */
    /* Control thread only: */
    devwatch watch;
};

/* 1 when the socket libpipewire would connect to is there (something that
 * is not a regular file at that path): PIPEWIRE_REMOTE, else "pipewire-0",
 * absolute or in PIPEWIRE_RUNTIME_DIR, else XDG_RUNTIME_DIR. A cheap check
 * that keeps libpipewire's plugins unloaded where no server runs. */
static int socket_there(void)
{
    const char *name = getenv("PIPEWIRE_REMOTE");
    if (!name || !name[0])
        name = "pipewire-0";
    char path[512];
    if (name[0] == '/') {
        snprintf(path, sizeof path, "%s", name);
    } else {
        const char *dir = getenv("PIPEWIRE_RUNTIME_DIR");
        if (!dir || !dir[0])
            dir = getenv("XDG_RUNTIME_DIR");
        if (!dir || !dir[0])
            return 0;
        if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
            return 0;
    }
    return platform_not_file(path) != NULL;
}

/* The core's info (thread loop): the server's name and the graph's rate. */
static void on_core_info(void *data, const struct pw_core_info *info)
{
    out_pw *p = data;
    if (info->name)
        snprintf(p->server, sizeof p->server, "%s", info->name);
    const char *r = info->props ? spa_dict_lookup(info->props, "default.clock.rate") : NULL;
    if (r && atoi(r) > 0)
        p->graph_rate = atoi(r);
}

/* The round trip's answer (thread loop). */
static void on_core_done(void *data, uint32_t id, int seq)
{
    out_pw *p = data;
    if (id == PW_ID_CORE && seq == p->sync_seq) {
        p->synced = 1;
        pw_thread_loop_signal(p->loop, false);
    }
}

/* An error on the core itself (thread loop): the connection broke (the
 * server quit or died: -EPIPE) or the server refused it. */
static void on_core_error(void *data, uint32_t id, int seq, int res, const char *message)
{
    out_pw *p = data;
    (void)seq;
    (void)res;
    (void)message;
    if (id == PW_ID_CORE) {
        atomic_store_explicit(&p->lost, 1, memory_order_release);
        pw_thread_loop_signal(p->loop, false);
    }
}

static const struct pw_core_events core_events = {
    .version = PW_VERSION_CORE_EVENTS,
    .info = on_core_info,
    .done = on_core_done,
    .error = on_core_error,
};

static int make_stream(out_pw *p, int channels, int running);

out_pw *outpw_connect(int rate, int fallback_rate)
{
    if (!socket_there())
        return NULL;
    /* libpipewire stays initialised after a failed connection (no
     * pw_deinit): PortAudio's ALSA PipeWire plugin may use it next, and
     * libpipewire cannot be initialised again after a pw_deinit */
    pw_init(NULL, NULL);
    pw_log_set_level(SPA_LOG_LEVEL_NONE);
    out_pw *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    atomic_init(&p->callbacks, 0);
    atomic_init(&p->xruns, 0);
    atomic_init(&p->completed, 0);
    atomic_init(&p->lost, 0);
    atomic_init(&p->live, 0);
    p->loop = pw_thread_loop_new("adem-pw", NULL);
    if (!p->loop)
        goto fail;
    /* client-rt.conf: with the module that gives the data thread a
     * real-time priority where the system grants one */
    p->context = pw_context_new(pw_thread_loop_get_loop(p->loop),
                                pw_properties_new(PW_KEY_CONFIG_NAME, "client-rt.conf",
                                                  "log.level", "0", NULL),
                                0);
    if (!p->context || pw_thread_loop_start(p->loop) != 0)
        goto fail;
    pw_thread_loop_lock(p->loop);
    p->core = pw_context_connect(p->context,
                                 pw_properties_new(PW_KEY_APP_NAME, "adem", NULL), 0);
    if (p->core) {
        pw_core_add_listener(p->core, &p->core_listener, &core_events, p);
        p->sync_seq = pw_core_sync(p->core, PW_ID_CORE, 0);
        /* a server that answers nothing in 2 s is as good as none */
        while (!p->synced && !atomic_load_explicit(&p->lost, memory_order_acquire))
            if (pw_thread_loop_timed_wait(p->loop, 2) != 0)
                break;
    }
    pw_thread_loop_unlock(p->loop);
    if (!p->synced || atomic_load_explicit(&p->lost, memory_order_acquire))
        goto fail;
    if (!p->server[0])
        snprintf(p->server, sizeof p->server, "pipewire-0");
    p->rate = rate > 0 ? rate : p->graph_rate > 0 ? p->graph_rate : fallback_rate;
    /* the stream play most often opens (stereo: the channels it takes on
     * this output), running on silence already while the caller prepares
     * the session: its format, its link and the graph's first cycles are
     * settled by the start (outpw_open makes another for other channels) */
    pw_thread_loop_lock(p->loop);
    if (make_stream(p, AHEAD_CHANNELS, 1) < 0 && p->stream) {
        pw_stream_destroy(p->stream);
        p->stream = NULL;
    }
    pw_thread_loop_unlock(p->loop);
    return p;
fail:
    if (p->loop)
        pw_thread_loop_stop(p->loop);
    if (p->core)
        pw_core_disconnect(p->core);
    if (p->context)
        pw_context_destroy(p->context);
    if (p->loop)
        pw_thread_loop_destroy(p->loop);
    free(p);
    return NULL;
}

int outpw_rate(const out_pw *p)
{
    return p->rate;
}

const char *outpw_server(const out_pw *p)
{
    return p->server;
}

int outpw_channels_max(const out_pw *p)
{
    (void)p;
    return MAX_CHANNELS;
}

int outpw_period(const out_pw *p)
{
    return (int)(((int64_t)PW_PERIOD * p->rate + PW_PERIOD_RATE / 2) / PW_PERIOD_RATE);
}

/* The process callback (PipeWire's real-time data thread): one buffer, as
 * many frames as the cycle asks (at most the buffer's size): silence until
 * outpw_start, then from fill; after the padding, silence until the control
 * thread stops the stream. No buffer free: counted as an underflow. */
static void on_process(void *data)
{
    out_pw *p = data;
    atomic_fetch_add_explicit(&p->callbacks, 1, memory_order_relaxed);
    struct pw_buffer *b = pw_stream_dequeue_buffer(p->stream);
    if (!b) {
        atomic_fetch_add_explicit(&p->xruns, 1, memory_order_relaxed);
        return;
    }
    struct spa_data *d = &b->buffer->datas[0];
    uint32_t stride = (uint32_t)(sizeof(float) * (size_t)p->channels);
    uint64_t frames = d->data ? d->maxsize / stride : 0;
    if (b->requested > 0 && b->requested < frames)
        frames = b->requested;
    if (frames > 0) {
        if (!atomic_load_explicit(&p->live, memory_order_acquire) ||
            atomic_load_explicit(&p->completed, memory_order_relaxed))
            memset(d->data, 0, (size_t)frames * stride);
        else if (p->fill(p->fill_ctx, d->data, (size_t)frames))
            atomic_store_explicit(&p->completed, 1, memory_order_release);
    }
    d->chunk->offset = 0;
    d->chunk->stride = (int32_t)stride;
    d->chunk->size = (uint32_t)(frames * stride);
    pw_stream_queue_buffer(p->stream, b);
}

/* The stream's state (thread loop): an error, or unconnected while it
 * should play (the server dropped it), is a lost output. */
static void on_state(void *data, enum pw_stream_state old, enum pw_stream_state state,
                     const char *error)
{
    out_pw *p = data;
    (void)old;
    (void)error;
    if (state == PW_STREAM_STATE_ERROR || (state == PW_STREAM_STATE_UNCONNECTED && p->active))
        atomic_store_explicit(&p->lost, 1, memory_order_release);
}

static const struct pw_stream_events stream_events = {
    .version = PW_VERSION_STREAM_EVENTS,
    .state_changed = on_state,
    .process = on_process,
};

/* The channel positions of `channels` channels: mono, stereo, then the
 * usual surround orders (2.1, quad, 5.0, 5.1, 6.1, 7.1). */
static void positions(int channels, uint32_t *pos)
{
    static const uint32_t layouts[MAX_CHANNELS][MAX_CHANNELS] = {
        {SPA_AUDIO_CHANNEL_MONO},
        {SPA_AUDIO_CHANNEL_FL, SPA_AUDIO_CHANNEL_FR},
        {SPA_AUDIO_CHANNEL_FL, SPA_AUDIO_CHANNEL_FR, SPA_AUDIO_CHANNEL_LFE},
        {SPA_AUDIO_CHANNEL_FL, SPA_AUDIO_CHANNEL_FR, SPA_AUDIO_CHANNEL_RL, SPA_AUDIO_CHANNEL_RR},
        {SPA_AUDIO_CHANNEL_FL, SPA_AUDIO_CHANNEL_FR, SPA_AUDIO_CHANNEL_FC, SPA_AUDIO_CHANNEL_RL,
         SPA_AUDIO_CHANNEL_RR},
        {SPA_AUDIO_CHANNEL_FL, SPA_AUDIO_CHANNEL_FR, SPA_AUDIO_CHANNEL_FC, SPA_AUDIO_CHANNEL_LFE,
         SPA_AUDIO_CHANNEL_RL, SPA_AUDIO_CHANNEL_RR},
        {SPA_AUDIO_CHANNEL_FL, SPA_AUDIO_CHANNEL_FR, SPA_AUDIO_CHANNEL_FC, SPA_AUDIO_CHANNEL_LFE,
         SPA_AUDIO_CHANNEL_RC, SPA_AUDIO_CHANNEL_SL, SPA_AUDIO_CHANNEL_SR},
        {SPA_AUDIO_CHANNEL_FL, SPA_AUDIO_CHANNEL_FR, SPA_AUDIO_CHANNEL_FC, SPA_AUDIO_CHANNEL_LFE,
         SPA_AUDIO_CHANNEL_RL, SPA_AUDIO_CHANNEL_RR, SPA_AUDIO_CHANNEL_SL, SPA_AUDIO_CHANNEL_SR},
    };
    for (int c = 0; c < channels; c++)
        pos[c] = layouts[channels - 1][c];
}

/* Creates the stream with `channels` channels and connects it: running
 * (playing silence until outpw_start) or inactive (outpw_start activates
 * it); the server negotiates its format and the session manager links it
 * meanwhile. Thread loop locked. Returns 0, or a negative errno (the stream,
 * if made, is left for outpw_close). */
static int make_stream(out_pw *p, int channels, int running)
{
    char latency[32];
    snprintf(latency, sizeof latency, "%d/%d", PW_PERIOD, PW_PERIOD_RATE);
    struct spa_audio_info_raw info;
    memset(&info, 0, sizeof info);
    info.format = SPA_AUDIO_FORMAT_F32;
    info.rate = (uint32_t)p->rate;
    info.channels = (uint32_t)channels;
    positions(channels, info.position);
    uint8_t pod[1024];
    struct spa_pod_builder b = SPA_POD_BUILDER_INIT(pod, sizeof pod);
    const struct spa_pod *params[1];
    params[0] = spa_format_audio_raw_build(&b, SPA_PARAM_EnumFormat, &info);
    p->stream = pw_stream_new(p->core, "adem",
                              pw_properties_new(PW_KEY_MEDIA_TYPE, "Audio",
                                                PW_KEY_MEDIA_CATEGORY, "Playback",
                                                PW_KEY_MEDIA_ROLE, "Music",
                                                PW_KEY_NODE_NAME, "adem",
                                                PW_KEY_APP_NAME, "adem",
                                                PW_KEY_NODE_LATENCY, latency, NULL));
    if (!p->stream)
        return -EIO;
    p->channels = channels;
    p->running = running;
    p->active = running;
    pw_stream_add_listener(p->stream, &p->stream_listener, &stream_events, p);
    return pw_stream_connect(p->stream, PW_DIRECTION_OUTPUT, PW_ID_ANY,
                             PW_STREAM_FLAG_AUTOCONNECT | PW_STREAM_FLAG_MAP_BUFFERS |
                                 PW_STREAM_FLAG_RT_PROCESS |
                                 (running ? 0 : PW_STREAM_FLAG_INACTIVE),
                             params, 1);
}

int outpw_open(out_pw *p, int channels, out_fill_fn fill, void *ctx, adem_diag *d)
{
    if (channels < 1 || channels > MAX_CHANNELS)
        return diag_runtime(d, "the PipeWire output takes 1 to %d channels", MAX_CHANNELS);
    /* the stream outpw_connect started, unless it has other channels */
    if (p->stream && p->channels != channels)
        outpw_stop(p);
    int res = 0;
    pw_thread_loop_lock(p->loop);
    if (p->stream && p->channels != channels) {
        pw_stream_destroy(p->stream);
        p->stream = NULL;
    }
    if (!p->stream)
        res = make_stream(p, channels, 0);
    /* (the callback reads these only from outpw_start on) */
    p->fill = fill;
    p->fill_ctx = ctx;
    pw_thread_loop_unlock(p->loop);
    if (res < 0)
        return diag_runtime(d, "cannot open a playback stream on PipeWire server '%s' (%s); try "
                               "--device (see `adem devices`)", p->server, spa_strerror(res));
    return 0;
}

int outpw_start(out_pw *p, adem_diag *d)
{
    pw_thread_loop_lock(p->loop);
    p->active = 1;
    /* the callback plays fill's frames from its next cycle on */
    atomic_store_explicit(&p->live, 1, memory_order_release);
    int res = p->running ? 0 : pw_stream_set_active(p->stream, true);
    pw_thread_loop_unlock(p->loop);
    if (res < 0)
        return diag_runtime(d, "cannot start adem's stream on PipeWire server '%s' (%s); check "
                               "the server, or try --device (see `adem devices`)", p->server,
                            spa_strerror(res));
    devwatch_start(&p->watch);
    return 0;
}

outsrv_state outpw_poll(out_pw *p, int stall_ms)
{
    if (atomic_load_explicit(&p->lost, memory_order_acquire))
        return OUTSRV_LOST;
    if (atomic_load_explicit(&p->completed, memory_order_acquire))
        return OUTSRV_FINISHED;
    if (devwatch_stalled(&p->watch, atomic_load_explicit(&p->callbacks, memory_order_relaxed),
                         stall_ms))
        return OUTSRV_LOST;
    return OUTSRV_PLAYING;
}

uint64_t outpw_callbacks(const out_pw *p)
{
    return atomic_load_explicit(&((out_pw *)p)->callbacks, memory_order_relaxed);
}

uint64_t outpw_xruns(const out_pw *p)
{
    return atomic_load_explicit(&((out_pw *)p)->xruns, memory_order_relaxed);
}

/* Runs on the data thread, after any process callback in progress there. */
static int barrier(struct spa_loop *loop, bool async, uint32_t seq, const void *data, size_t size,
                   void *user_data)
{
    (void)loop;
    (void)async;
    (void)seq;
    (void)data;
    (void)size;
    (void)user_data;
    return 0;
}

void outpw_stop(out_pw *p)
{
    if (!p || !p->stream)
        return;
    pw_thread_loop_lock(p->loop);
    p->active = 0;
    pw_stream_disconnect(p->stream);
    pw_thread_loop_unlock(p->loop);
    /* the callback runs on the data thread: once a call there has run, no
     * callback is under way, and the disconnected stream gets no other */
    pw_data_loop_invoke(pw_context_get_data_loop(p->context), barrier, 0, NULL, 0, true, NULL);
}

void outpw_close(out_pw *p)
{
    if (!p)
        return;
    outpw_stop(p);
    pw_thread_loop_stop(p->loop);
    if (p->stream)
        pw_stream_destroy(p->stream);
    pw_core_disconnect(p->core);
    pw_context_destroy(p->context);
    pw_thread_loop_destroy(p->loop);
    free(p);
    /* nothing else of adem's uses libpipewire: PortAudio was not started */
    pw_deinit();
}

DEVMOD_EXPORT const server_module adem_pw_module = {
    .version = SERVER_MODULE_VERSION,
    .name_format = "PipeWire '%s'",
    .host = "PipeWire",
    .rate_same = "the voice pack's rate, which the graph runs at",
    .rate_other = "the PipeWire graph's rate: it does not run at the voice pack's",
    .underflow_advice = "give PipeWire longer cycles (e.g. pw-metadata -n settings 0 "
                        "clock.force-quantum 2048)",
    .connect = outpw_connect,
    .rate = outpw_rate,
    .period = outpw_period,
    .name = outpw_server,
    .channels_max = outpw_channels_max,
    .open = outpw_open,
    .start = outpw_start,
    .poll = outpw_poll,
    .callbacks = outpw_callbacks,
    .xruns = outpw_xruns,
    .stop = outpw_stop,
    .close = outpw_close,
};
