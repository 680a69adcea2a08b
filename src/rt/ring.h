/* ring: a lock-free single-producer single-consumer ring of float samples
 * (after PortAudio's pa_ringbuffer), for audio that has to leave the audio
 * thread: `adem record` writes the microphone's samples into it from the
 * PortAudio callback and a writer thread takes them out to a file.
 *
 * Exactly one thread writes and exactly one thread reads; each ring's owner
 * says which is which. The capacity is a power of two. The indices are C11
 * atomics that only grow (they wrap modulo SIZE_MAX + 1, a multiple of the
 * capacity): the producer copies samples in and then publishes them with a
 * release store of the write index; the consumer reads that index with an
 * acquire load before copying them out, and publishes the space it freed with
 * a release store of the read index. No sample is ever seen half-written, and
 * all of the capacity is usable (full is write - read == capacity).
 *
 * ring_new/ring_free allocate (control thread only). ring_write, ring_read and
 * the queries are wait-free and real-time safe. Plain C11, no POSIX. */
#ifndef ADEM_RING_H
#define ADEM_RING_H

#include <stddef.h>

/* Largest capacity ring_new accepts, in samples (2^26: 256 MB of floats). */
#define RING_MAX_CAPACITY ((size_t)1 << 26)

typedef struct ring ring;

/* Creates a ring of at least `capacity` samples (rounded up to a power of
 * two, at least 2). NULL when capacity is 0 or over RING_MAX_CAPACITY, or when
 * out of memory. */
ring *ring_new(size_t capacity);

/* Frees a ring; neither side may use it any more. NULL is a no-op. */
void ring_free(ring *r);

/* Producer: copies up to n samples from src into the ring; returns how many
 * fit (0..n). It never waits: what does not fit is the caller's to count.
 * Real-time safe. */
size_t ring_write(ring *r, const float *src, size_t n);

/* Consumer: copies up to n of the oldest samples into dst and removes them;
 * returns how many there were (0..n). Real-time safe. */
size_t ring_read(ring *r, float *dst, size_t n);

/* Consumer: removes every sample waiting now; returns how many. */
size_t ring_discard(ring *r);

/* Producer: samples that can be written now (a snapshot: it only grows until
 * the producer writes). */
size_t ring_write_space(const ring *r);

/* Consumer: samples waiting to be read now (a snapshot: it only grows until
 * the consumer reads). */
size_t ring_read_available(const ring *r);

/* The capacity after rounding. */
size_t ring_capacity(const ring *r);

#endif
