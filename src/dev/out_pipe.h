/* out_pipe: the timed output of `adem play --pipe PATH` — raw PCM into a FIFO
 * (e.g. the pipe source of a Snapcast server), paced by whoever reads it.
 *
 * Two threads besides the control thread. The feeder is the audio side, as a
 * PortAudio callback is for a device: whenever the ring (an rt/spsc.h queue
 * of floats) has room for a buffer of OUTPIPE_BLOCK frames it fills one with
 * out_feed (lead-in, engine, padding) and puts it in; it never does I/O and
 * never waits on the writer.
 * The writer takes buffers out of the ring, converts them to s16 or f32
 * little-endian (base/pcm.h, as render writes raw PCM) and writes them into
 * the FIFO, blocking while the FIFO is full. The ring holds one buffer: the
 * engine runs ahead of what the writer is writing by at most one buffer, and
 * keys, pause and stop reach the output that soon. Used through out_device.h
 * (outdev_find_pipe); out_device.c calls these. */
#ifndef ADEM_OUT_PIPE_H
#define ADEM_OUT_PIPE_H

#include <stdint.h>

#include "base/diag.h"
#include "base/pcm.h"
#include "rt/engine.h"

/* Frames per buffer (about 21 ms at 48 kHz). */
#define OUTPIPE_BLOCK 1024

typedef struct out_pipe out_pipe;

/* Checks that path is a FIFO adem can write to: a regular file is refused
 * ("use adem render for a file", status 2), as is anything else that is not a
 * FIFO (status 2); a missing one is a runtime error (status 1: its reader
 * makes it, e.g. snapserver). Returns 0, or -1 with d set. */
int outpipe_check(const char *path, adem_diag *d);

/* Opens the FIFO at path for `rate` Hz, `channels` channels of fmt (s16 for
 * OUT_DEFAULT) fed by engine e. When nothing reads the FIFO yet, waits for a
 * reader, saying so in one line on `note` (may be NULL) after a second; a
 * stop signal (sys/signals.h, when the caller catches them) ends the wait:
 * -1 with d's status ADEM_EXIT_STOPPED. SIGPIPE is ignored until
 * outpipe_close. Returns 0, or -1 with d set (status 1). */
int outpipe_open(const char *path, out_format fmt, int rate, int channels, engine *e, FILE *note,
                 out_pipe **out, adem_diag *d);

/* Starts the feeder and the writer. Returns 0, or -1 with d set. */
int outpipe_start(out_pipe *p, adem_diag *d);

typedef enum outpipe_state {
    OUTPIPE_PLAYING = 0,
    OUTPIPE_FINISHED, /* the engine is done, the padding written */
    OUTPIPE_LOST      /* the reader went away, or a write failed */
} outpipe_state;

/* Control thread, polled: the output's state. */
outpipe_state outpipe_poll(out_pipe *p);

/* After OUTPIPE_LOST: the sentence to print (without "adem: "). */
const char *outpipe_lost_message(const out_pipe *p);

/* Stops both threads (the engine may be mid-session), closes the FIFO and
 * frees p. NULL is a no-op. */
void outpipe_close(out_pipe *p);

#endif
