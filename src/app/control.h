/* control: remote control of a running player over its private socket
 * (sys/ipc.h), for `adem ctl` and for `socat` or any script.
 *
 * The protocol is line-based text: one command per line, one reply line per
 * command (documented in adem(1)):
 *   status                 -> {"session": ..., "phase": ..., "chapter": ...,
 *                              "position": 12.5, "length": 111.2, "paused": false,
 *                              "holding": false, "volume_db": 0, "pid": 1234,
 *                              "phase_start": 8.0, "phase_length": 4.0, "tone": "rise",
 *                              "round": 2, "rounds": 4, "stopping": false, "done": false}
 *                          (tone: rise, fall, steady or none; round 0 0 outside a repeat)
 *   pause | resume | toggle | next | prev | stop | mute | continue
 *   volume +N | volume -N  (N in dB, e.g. volume -3)
 *                          -> ok
 * and "error: what is wrong" for anything else (a line of at most
 * CONTROL_LINE_MAX bytes; a longer one is answered with an error and the
 * connection is closed). Every command takes the same path as a key: an
 * engine command on the engine's queue; the state comes back from the
 * engine's status snapshots. Nothing here runs on the audio thread.
 * Control thread only. */
#ifndef ADEM_CONTROL_H
#define ADEM_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "rt/engine.h"

#define CONTROL_LINE_MAX 256
/* Connections served at once; more are told so and closed. */
#define CONTROL_CLIENTS 8

/* What a line asks for. */
typedef enum control_kind {
    CONTROL_STATUS = 1, /* a status reply */
    CONTROL_ENGINE,     /* an engine command (cmd, value) */
    CONTROL_QUIT        /* stop: the engine's ENGINE_STOP, and the player ends as stopped */
} control_kind;

typedef struct control_req {
    control_kind kind;
    engine_cmd cmd;
    double value;
} control_req;

/* Parses one line (without its newline; trailing spaces and a CR are
 * ignored). Returns 0 with *r set, or -1 with err set to the reply's reason
 * (e.g. "unknown command 'paus'; the commands are ..."). */
int control_parse(const char *line, control_req *r, char *err, size_t errn);

/* What a status reply says, besides the engine's status. */
typedef struct control_info {
    int rate;            /* the engine's rate, for seconds */
    long pid;
    const char *const *words; /* the words of each cue (timeline cue index), or NULL */
    int nwords;
} control_info;

/* Writes the status reply (one JSON object, no newline) into buf. Returns 0,
 * or -1 when it does not fit in n. */
int control_status_json(const engine_status *st, const control_info *in, char *buf, size_t n);

typedef struct control control;

/* Opens the player's socket ($XDG_RUNTIME_DIR/adem/PID.sock, see ipc.h).
 * Returns it, or NULL with why set (the player then plays without remote
 * control: say so at most in a note). */
control *control_open(char *why, size_t whyn);

/* Serves what is waiting, without blocking: accepts connections, reads their
 * lines and answers each. A command goes to send(ctx, cmd, value), which
 * queues it as a key would and returns 0 (or -1: the reply is then an
 * error); a stop also sets *stop. The work per call is bounded: at most a few
 * lines per connection. NULL c is a no-op. */
void control_poll(control *c, const engine_status *st, const control_info *in,
                  int (*send)(void *ctx, engine_cmd cmd, double value), void *ctx, int *stop);

/* The socket's path (for messages and tests), or "". */
const char *control_path(const control *c);

/* Closes every connection and the socket, and removes its file. NULL is a
 * no-op. */
void control_close(control *c);

#endif
