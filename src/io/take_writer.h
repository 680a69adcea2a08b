/* take_writer: the writer thread of `adem record`. It empties an SPSC queue of
 * mono float samples (rt/spsc.h, elements of sizeof(float)) into a 32-bit float WAV file with libsndfile, so that
 * the audio callback only ever copies into memory and a take of any length
 * goes to disk as it comes.
 *
 * The writer thread is the ring's only consumer from take_writer_start to
 * take_writer_finish. It wakes every few milliseconds, writes what is waiting,
 * and counts what it wrote. When a write fails (disk full) it remembers the
 * error and goes on emptying the ring without writing, so the producer never
 * sees a full ring because of it.
 * Every function here runs on the control thread (not the audio thread).
 * Uses libsndfile and thread.h (an I/O module). */
#ifndef ADEM_TAKE_WRITER_H
#define ADEM_TAKE_WRITER_H

#include <stdint.h>

#include "base/diag.h"
#include "rt/spsc.h"

typedef struct take_writer take_writer;

/* Creates (or truncates) the mono float WAV at path at `rate` Hz and starts
 * the thread that moves samples from r into it. Returns 0 and *out, or -1
 * with d set (status 1: the file cannot be made, or no thread). */
int take_writer_start(spsc *r, const char *path, int rate, take_writer **out, adem_diag *d);

/* Frames written to the file so far (a snapshot). */
int64_t take_writer_frames(const take_writer *w);

/* 1 once a write has failed (the rest of the take is being dropped). */
int take_writer_failed(const take_writer *w);

/* Asks the thread to write what is still in the ring and stop, waits for it,
 * closes the file and frees w. The producer must have stopped writing to the
 * ring before (else its last samples may stay in the ring). Returns 0 and
 * *frames (may be NULL) with the file complete, or -1 with d set when a write
 * or the close failed (status 1; the file is then incomplete). */
int take_writer_finish(take_writer *w, int64_t *frames, adem_diag *d);

#endif
