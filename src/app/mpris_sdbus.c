/* mpris_sdbus: mpris.h with sd-bus from libsystemd (the MPRIS2 D-Bus
 * interface specification, version 2.2), built as the module adem-mpris
 * (module.h): the adem binary loads it when play starts its remote control,
 * through mpris_load.c. */
#include "app/mpris.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "app/module.h"
#include "app/mpris_module.h"
#include "sys/ipc.h"

#define OBJ_PATH "/org/mpris/MediaPlayer2"
#define IFACE_ROOT "org.mpris.MediaPlayer2"
#define IFACE_PLAYER "org.mpris.MediaPlayer2.Player"

struct mpris {
    sd_bus *bus;
    sd_bus_slot *root, *player;
    mpris_info in;
    int (*send)(void *ctx, engine_cmd cmd, double value);
    void *ctx;
    engine_status st;     /* the latest snapshot */
    int have_st;
    int stop;             /* Stop or Quit was called */
    int track;            /* counts session changes, for mpris:trackid */
    char title[256];      /* the session of the last snapshot, for changes */
    int paused, stopping; /* of the last announcement */
    double volume_db;
};

/* "Playing", "Paused" or "Stopped" for status st. */
static const char *playback(const mpris *m)
{
    if (!m->have_st || m->st.done || m->st.stopping)
        return "Stopped";
    return m->st.paused ? "Paused" : "Playing";
}

/* Sends an engine command from a method call and replies. */
static int call(sd_bus_message *msg, mpris *m, engine_cmd cmd, double value)
{
    if (m->send(m->ctx, cmd, value) != 0)
        return sd_bus_reply_method_errorf(msg, SD_BUS_ERROR_FAILED, "the player is busy");
    if (cmd == ENGINE_STOP)
        m->stop = 1;
    return sd_bus_reply_method_return(msg, "");
}

/* Player methods (MPRIS Player interface). */
static int m_play_pause(sd_bus_message *msg, void *u, sd_bus_error *e)
{
    (void)e;
    return call(msg, u, ENGINE_TOGGLE, 0);
}

static int m_play(sd_bus_message *msg, void *u, sd_bus_error *e)
{
    (void)e;
    return call(msg, u, ENGINE_RESUME, 0);
}

static int m_pause(sd_bus_message *msg, void *u, sd_bus_error *e)
{
    (void)e;
    return call(msg, u, ENGINE_PAUSE, 0);
}

static int m_next(sd_bus_message *msg, void *u, sd_bus_error *e)
{
    (void)e;
    return call(msg, u, ENGINE_SKIP, 0);
}

static int m_previous(sd_bus_message *msg, void *u, sd_bus_error *e)
{
    mpris *m = u;
    (void)e;
    if (!m->in.can_prev)
        return sd_bus_reply_method_return(msg, ""); /* CanGoPrevious is false: no effect */
    return call(msg, u, ENGINE_BACK, 0);
}

static int m_stop(sd_bus_message *msg, void *u, sd_bus_error *e)
{
    (void)e;
    return call(msg, u, ENGINE_STOP, 0);
}

/* Seeking is not offered (CanSeek false): the calls do nothing, as the
 * specification asks. */
static int m_seek(sd_bus_message *msg, void *u, sd_bus_error *e)
{
    (void)u, (void)e;
    return sd_bus_reply_method_return(msg, "");
}

/* Raise: not offered (CanRaise false); Quit stops the session. */
static int m_raise(sd_bus_message *msg, void *u, sd_bus_error *e)
{
    (void)u, (void)e;
    return sd_bus_reply_method_return(msg, "");
}

static int m_quit(sd_bus_message *msg, void *u, sd_bus_error *e)
{
    (void)e;
    return call(msg, u, ENGINE_STOP, 0);
}

/* A property that is always true / false. */
static int p_true(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *r,
                  void *u, sd_bus_error *e)
{
    (void)b, (void)p, (void)i, (void)n, (void)u, (void)e;
    return sd_bus_message_append(r, "b", 1);
}

static int p_false(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *r,
                   void *u, sd_bus_error *e)
{
    (void)b, (void)p, (void)i, (void)n, (void)u, (void)e;
    return sd_bus_message_append(r, "b", 0);
}

static int p_can_prev(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *r,
                      void *u, sd_bus_error *e)
{
    (void)b, (void)p, (void)i, (void)n, (void)e;
    return sd_bus_message_append(r, "b", ((mpris *)u)->in.can_prev);
}

static int p_identity(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *r,
                      void *u, sd_bus_error *e)
{
    (void)b, (void)p, (void)i, (void)n, (void)u, (void)e;
    return sd_bus_message_append(r, "s", "adem");
}

/* An empty string list (SupportedUriSchemes, SupportedMimeTypes). */
static int p_none(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *r,
                  void *u, sd_bus_error *e)
{
    (void)b, (void)p, (void)i, (void)n, (void)u, (void)e;
    return sd_bus_message_append(r, "as", 0);
}

static int p_status(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *r,
                    void *u, sd_bus_error *e)
{
    (void)b, (void)p, (void)i, (void)n, (void)e;
    return sd_bus_message_append(r, "s", playback(u));
}

static int p_rate(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *r,
                  void *u, sd_bus_error *e)
{
    (void)b, (void)p, (void)i, (void)n, (void)u, (void)e;
    return sd_bus_message_append(r, "d", 1.0);
}

/* Microseconds of `frames` at the engine's rate. */
static int64_t usec(const mpris *m, int64_t frames)
{
    return frames * 1000000 / (m->in.rate > 0 ? m->in.rate : 48000);
}

static int p_position(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *r,
                      void *u, sd_bus_error *e)
{
    mpris *m = u;
    (void)b, (void)p, (void)i, (void)n, (void)e;
    return sd_bus_message_append(r, "x", m->have_st ? usec(m, m->st.pos) : (int64_t)0);
}

/* Volume: linear, 1.0 at 0 dB (adem's range is -60 to +12 dB). */
static int p_volume(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *r,
                    void *u, sd_bus_error *e)
{
    mpris *m = u;
    (void)b, (void)p, (void)i, (void)n, (void)e;
    return sd_bus_message_append(r, "d", pow(10.0, m->st.volume_db / 20.0));
}

static int set_volume(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *v,
                      void *u, sd_bus_error *e)
{
    mpris *m = u;
    double lin;
    (void)b, (void)p, (void)i, (void)n;
    int rc = sd_bus_message_read(v, "d", &lin);
    if (rc < 0)
        return rc;
    double db = lin <= 0.001 ? -60.0 : 20.0 * log10(lin);
    if (m->send(m->ctx, ENGINE_VOLUME, db - m->st.volume_db) != 0)
        return sd_bus_error_set_const(e, SD_BUS_ERROR_FAILED, "the player is busy");
    return 1;
}

static int p_metadata(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *r,
                      void *u, sd_bus_error *e)
{
    mpris *m = u;
    char track[64];
    (void)b, (void)p, (void)i, (void)n, (void)e;
    snprintf(track, sizeof track, "/org/adem/track/%d", m->track);
    int rc = sd_bus_message_open_container(r, 'a', "{sv}");
    if (rc >= 0)
        rc = sd_bus_message_append(r, "{sv}", "mpris:trackid", "o", track);
    if (rc >= 0 && m->have_st && m->st.title)
        rc = sd_bus_message_append(r, "{sv}", "xesam:title", "s", m->st.title);
    if (rc >= 0 && m->in.album)
        rc = sd_bus_message_append(r, "{sv}", "xesam:album", "s", m->in.album);
    if (rc >= 0 && m->have_st)
        rc = sd_bus_message_append(r, "{sv}", "mpris:length", "x", usec(m, m->st.total));
    if (rc >= 0)
        rc = sd_bus_message_close_container(r);
    return rc;
}

#define CHANGES SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE

static const sd_bus_vtable root_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Raise", "", "", m_raise, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Quit", "", "", m_quit, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("CanQuit", "b", p_true, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanRaise", "b", p_false, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("HasTrackList", "b", p_false, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Identity", "s", p_identity, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("SupportedUriSchemes", "as", p_none, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("SupportedMimeTypes", "as", p_none, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

static const sd_bus_vtable player_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Next", "", "", m_next, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Previous", "", "", m_previous, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Pause", "", "", m_pause, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("PlayPause", "", "", m_play_pause, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Stop", "", "", m_stop, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Play", "", "", m_play, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Seek", "x", "", m_seek, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetPosition", "ox", "", m_seek, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("OpenUri", "s", "", m_seek, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL("Seeked", "x", 0),
    SD_BUS_PROPERTY("PlaybackStatus", "s", p_status, 0, CHANGES),
    SD_BUS_PROPERTY("Rate", "d", p_rate, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("MinimumRate", "d", p_rate, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("MaximumRate", "d", p_rate, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Metadata", "a{sv}", p_metadata, 0, CHANGES),
    SD_BUS_WRITABLE_PROPERTY("Volume", "d", p_volume, set_volume, 0, CHANGES),
    SD_BUS_PROPERTY("Position", "x", p_position, 0, 0),
    SD_BUS_PROPERTY("CanGoNext", "b", p_true, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanGoPrevious", "b", p_can_prev, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanPlay", "b", p_true, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanPause", "b", p_true, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanSeek", "b", p_false, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanControl", "b", p_true, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

mpris *mpris_open(const mpris_info *in, int (*send)(void *ctx, engine_cmd cmd, double value),
                  void *ctx)
{
    mpris *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->in = *in;
    m->send = send;
    m->ctx = ctx;
    m->st.volume_db = 0;
    if (sd_bus_open_user(&m->bus) < 0 ||
        sd_bus_add_object_vtable(m->bus, &m->root, OBJ_PATH, IFACE_ROOT, root_vtable, m) < 0 ||
        sd_bus_add_object_vtable(m->bus, &m->player, OBJ_PATH, IFACE_PLAYER, player_vtable, m) <
            0) {
        mpris_close(m);
        return NULL;
    }
    if (sd_bus_request_name(m->bus, "org.mpris.MediaPlayer2.adem", 0) < 0) {
        char name[96];
        snprintf(name, sizeof name, "org.mpris.MediaPlayer2.adem.instance%ld", ipc_self_pid());
        if (sd_bus_request_name(m->bus, name, 0) < 0) {
            mpris_close(m);
            return NULL;
        }
    }
    return m;
}

void mpris_poll(mpris *m, const engine_status *st, int *stop)
{
    if (!m)
        return;
    m->st = *st;
    m->have_st = 1;
    /* what changed since the last announcement */
    const char *title = st->title ? st->title : "";
    int new_track = strncmp(title, m->title, sizeof m->title - 1) != 0;
    int new_state = st->paused != m->paused || (st->stopping || st->done) != m->stopping;
    int new_volume = st->volume_db != m->volume_db;
    if (new_track) {
        snprintf(m->title, sizeof m->title, "%s", title);
        m->track++;
    }
    m->paused = st->paused;
    m->stopping = st->stopping || st->done;
    m->volume_db = st->volume_db;
    char *names[4];
    int n = 0;
    if (new_track)
        names[n++] = "Metadata";
    if (new_state)
        names[n++] = "PlaybackStatus";
    if (new_volume)
        names[n++] = "Volume";
    names[n] = NULL;
    if (n > 0)
        sd_bus_emit_properties_changed_strv(m->bus, OBJ_PATH, IFACE_PLAYER, names);
    /* serve the calls that are waiting and send what is queued; sd_bus_process
     * never blocks (at most 64 messages a poll) */
    for (int k = 0; k < 64 && sd_bus_process(m->bus, NULL) > 0; k++)
        ;
    if (m->stop)
        *stop = 1;
}

void mpris_close(mpris *m)
{
    if (!m)
        return;
    sd_bus_slot_unref(m->root);
    sd_bus_slot_unref(m->player);
    if (m->bus)
        sd_bus_flush_close_unref(m->bus);
    free(m);
}

/* The module's table (mpris_module.h): everything else here is hidden. */
MODULE_EXPORT const mpris_module adem_mpris_module = {
    MPRIS_MODULE_VERSION, mpris_open, mpris_poll, mpris_close,
};
