/* mpris: the player on the desktop's session bus as an MPRIS2 media player
 * (org.mpris.MediaPlayer2.adem), so that media keys, a Bluetooth headset's
 * play/pause button (through BlueZ), the desktop's sound menu, KDE Connect on
 * a phone and `playerctl` control a session like any player.
 *
 * Methods become the same engine commands as keys and `adem ctl` (PlayPause,
 * Play, Pause, Next, Previous, Stop, Quit; Volume is writable); properties
 * come from the engine's status snapshots, and PropertiesChanged is sent when
 * the state, the session or the volume changes. Everything runs on the
 * control thread, polled between other work; no session bus means no MPRIS,
 * silently. Built with sd-bus (libsystemd) where it is found (mpris_sdbus.c,
 * the module adem-mpris, which the binary's mpris_load.c loads at mpris_open;
 * a module that does not load means no MPRIS, silently), else mpris_none.c,
 * which offers nothing. Control thread only. */
#ifndef ADEM_MPRIS_H
#define ADEM_MPRIS_H

#include "rt/engine.h"

typedef struct mpris mpris;

/* What the bus shows besides the engine's status. */
typedef struct mpris_info {
    int rate;          /* the engine's rate */
    const char *album; /* the playlist's (first session's) title */
    int can_prev;      /* the engine goes back (Previous) */
} mpris_info;

/* Joins the session bus as org.mpris.MediaPlayer2.adem (or
 * ...adem.instancePID when another player holds that name). Commands go to
 * send(ctx, cmd, value); a Stop or Quit also sets *stop on the next poll.
 * Returns NULL when there is no session bus (or no MPRIS in this build). */
mpris *mpris_open(const mpris_info *in, int (*send)(void *ctx, engine_cmd cmd, double value),
                  void *ctx);

/* Serves the bus without blocking and announces what changed in st since
 * the last call. NULL m is a no-op. */
void mpris_poll(mpris *m, const engine_status *st, int *stop);

/* Leaves the bus. NULL is a no-op. */
void mpris_close(mpris *m);

#endif
