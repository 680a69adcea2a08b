/* player: plays one laid-out timeline on an output device, for every command
 * that plays (`play`, its --countdown lead-in, `record`'s play-back of a
 * take). It makes the engine, opens and starts the device, and then polls at
 * ~20 Hz on the control thread: stop signals (sys/signals.h, caught by the
 * command), keys and timed script commands become engine commands (the same
 * path for all), engine status snapshots feed the display (app/ui_term.h),
 * and the stream's state tells when the timeline is over or the device was
 * lost. It never touches engine internals.
 * Control thread only. */
#ifndef ADEM_PLAYER_H
#define ADEM_PLAYER_H

#include <stdint.h>
#include <stdio.h>

#include "base/cue.h"
#include "base/diag.h"
#include "dev/out_device.h"
#include "rt/engine.h"
#include "app/ui_term.h"

/* Which keys the player reads from the terminal (already in raw mode: the
 * caller sets it up and restores it at the end; the player gives it back and
 * takes it again around Ctrl-Z). Keys are decoded with app/keys.h: an arrow
 * is one key, a lone Esc does nothing. */
typedef enum player_keys {
    PLAYER_KEYS_NONE = 0,
    PLAYER_KEYS_TRANSPORT, /* space pause/resume, n or right next, b or left back
                              (again within 2 s: the stop before), + - up down
                              volume in PLAYER_VOLUME_STEP_DB, m mute, ? or h the
                              key help, q stop; anything else nothing */
    PLAYER_KEYS_STOP       /* enter, space or q stop (a short preview) */
} player_keys;

/* The volume keys' step. */
#define PLAYER_VOLUME_STEP_DB 2.0

/* A command sent when the output reaches `frame` (--script: tests drive the
 * same control path as the keys). */
typedef struct player_cmd {
    int64_t frame;
    engine_cmd cmd;
    double value;
} player_cmd;

typedef struct player_config {
    const outdev_info *device; /* from outdev_find or outdev_find_pipe */
    int latency_ms;            /* 0: the device's default */
    out_format format;         /* a pipe's samples (OUT_DEFAULT: s16); a device: OUT_DEFAULT */
    engine_config engine;      /* rate, channels and mix */
    ui_mode ui;                /* the display on stdout */
    int unicode;               /* the display may use block characters */
    player_keys keys;
    const player_cmd *script;  /* in frame order, or NULL */
    int nscript;
    int remote;                /* listen for `adem ctl` (app/control.h) */
    const char *web;           /* --web [ADDR:]PORT: the page for the room (app/web.h), or NULL */
    const char *web_dir;       /* the page's files (<data>/web) */
    FILE *msgs;                /* the real stderr, for the page's URLs */
    /* the display (read only when ui is not UI_SILENT): colour, and the
     * words of each cue (ui_set_words; they must outlive the player) */
    int color;
    const char *const *words;
    int nwords;
    cuefeed *feed;             /* where the engine's cues come from (io/cuebank.h),
                                  or NULL: the cues array given to player_open */
    FILE *first_callback;      /* NULL, or where to write "adem: first callback"
                                  the moment the device first asks for audio (a
                                  measurement: ADEM_MEASURE=1) */
} player_config;

/* How a run ended. */
typedef enum player_end {
    PLAYER_DONE = 0, /* the timeline and its ring-out played to the end */
    PLAYER_STOPPED,  /* stopped by a key, the script or a stop signal (with a fade;
                        a second stop signal ends the run at once) */
    PLAYER_LOST      /* the device stopped calling back or reported an error */
} player_end;

typedef struct player player;

/* Makes the engine for tl and cues (they must outlive the player) and opens
 * the device. Returns 0 and *out, or -1 with d set (status 1, or 2 for a bad
 * configuration); *out is then NULL. */
int player_open(const player_config *c, const timeline *tl, const adem_cue *cues, player **out,
                adem_diag *d);

/* Starts the device and plays until the end, a stop or a lost device; the
 * display is left below its last line. Signals (sys/signals.h): the caller
 * has caught the stop signals (and, with a terminal, the job-control ones)
 * and blocked them before player_open, so that the device's threads start
 * with them blocked; player_run unblocks them on its own (the control)
 * thread once the device runs, and handles them: a stop signal stops with
 * the fade, a second one (or one during a stop) at once; SIGHUP also stops
 * drawing; Ctrl-Z pauses, gives the terminal back and stops the process, and
 * `fg` takes it back, still paused; a resize redraws. Returns 0 and *end, or
 * -1 with d set when the device does not start. */
int player_run(player *p, player_end *end, adem_diag *d);

/* The engine's status now (the position reached, sounds dropped); after
 * PLAYER_LOST the last snapshot the player polled. */
void player_status(const player *p, engine_status *st);

/* After PLAYER_LOST: what happened and what to do, one sentence without
 * "adem: " (the device stopped; a pipe's reader went away). */
const char *player_lost_message(const player *p);

/* Underflows the device reported. */
uint64_t player_underflows(const player *p);

/* Closes the device and frees the engine and p. After PLAYER_LOST the stream
 * and the engine are left as they are (PortAudio may hang closing a stream of
 * a dead server, whose callback may still run): only p is freed; exit soon.
 * NULL is a no-op. */
void player_close(player *p);

#endif
