/* spsc: the one lock-free single-producer single-consumer queue of adem
 * (after PortAudio's pa_ringbuffer and Pure Data's s_audio_paring.c). The
 * engine's commands and status snapshots go through it as fixed-size
 * messages (spsc_push / spsc_pop); `adem record` moves the microphone's float
 * samples through it in blocks (spsc_write / spsc_read).
 *
 * Exactly one thread writes and exactly one thread reads; each queue's owner
 * says which is which. The element size is fixed at creation and the
 * capacity is a power of two. The indices are C11 atomics that only grow
 * (they wrap modulo SIZE_MAX + 1, a multiple of the capacity): the producer
 * copies elements in and then publishes them with a release store of the
 * write index; the consumer reads that index with an acquire load before
 * copying them out, and publishes the space it freed with a release store of
 * the read index. No element is ever seen half-written, and all of the
 * capacity is usable (full is write - read == capacity). Never `volatile` as
 * synchronisation.
 *
 * spsc_new/spsc_free allocate: they are in src/setup/ (control thread, before
 * the audio starts / after it stopped). Every other function is wait-free and
 * safe on the audio thread: no allocation, lock or system call, work bounded
 * by the elements copied. Plain C11, no POSIX. */
#ifndef ADEM_SPSC_H
#define ADEM_SPSC_H

#include <stddef.h>

/* Largest capacity spsc_new accepts, in elements (2^26). */
#define SPSC_MAX_CAPACITY ((size_t)1 << 26)
/* Largest buffer spsc_new accepts, capacity (after rounding) times element
 * size, in bytes (1 GiB). */
#define SPSC_MAX_BYTES ((size_t)1 << 30)

typedef struct spsc spsc;

/* Control thread (allocates; src/setup/spsc_new.c): creates a queue of at
 * least `capacity` elements of elem_size bytes each, rounded up to a power
 * of two, at least 2. NULL when elem_size or capacity is 0, capacity is over
 * SPSC_MAX_CAPACITY, the buffer would pass SPSC_MAX_BYTES, or out of memory. */
spsc *spsc_new(size_t elem_size, size_t capacity);

/* Control thread (src/setup/spsc_new.c): frees a queue; neither side may use
 * it any more. NULL is a no-op. */
void spsc_free(spsc *q);

/* Producer, audio-thread safe: copies one element in. Returns 0, or -1 when
 * the queue is full (nothing is written; the caller degrades, never waits). */
int spsc_push(spsc *q, const void *elem);

/* Consumer, audio-thread safe: copies the oldest element out and removes it.
 * Returns 0, or -1 when the queue is empty (elem is left untouched). */
int spsc_pop(spsc *q, void *elem);

/* Producer, audio-thread safe: copies up to n elements from src in; returns
 * how many fit (0..n). What does not fit is the caller's to count. */
size_t spsc_write(spsc *q, const void *src, size_t n);

/* Consumer, audio-thread safe: copies up to n of the oldest elements into
 * dst and removes them; returns how many there were (0..n). */
size_t spsc_read(spsc *q, void *dst, size_t n);

/* Consumer, audio-thread safe: removes every element waiting now; returns
 * how many. */
size_t spsc_discard(spsc *q);

/* Producer (a snapshot that only grows until the producer writes):
 * elements that can be written now. Audio-thread safe. */
size_t spsc_write_space(const spsc *q);

/* Either side (a snapshot; for the consumer it only grows until it reads):
 * elements waiting to be read now. Audio-thread safe. */
size_t spsc_read_available(const spsc *q);

/* The capacity after rounding, in elements. Audio-thread safe. */
size_t spsc_capacity(const spsc *q);

/* The element size given at creation, in bytes. Audio-thread safe. */
size_t spsc_elem_size(const spsc *q);

#endif
