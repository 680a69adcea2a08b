/* rtqueue: a lock-free single-producer single-consumer queue of fixed-size
 * messages (after PortAudio's pa_ringbuffer and Pure Data's s_audio_paring.c).
 *
 * Exactly one thread may push and exactly one thread may pop; each queue's
 * declaration says which thread is which. The capacity is a power of two. The
 * indices are C11 atomics: the producer publishes a message with a release
 * store of the write index after copying it, the consumer reads it after an
 * acquire load, and likewise the other way round, so no message is ever seen
 * half-written. Never `volatile` as synchronisation.
 *
 * rtqueue_new/free allocate (control thread only). rtqueue_push and
 * rtqueue_pop are wait-free and real-time safe. Plain C11, no POSIX. */
#ifndef ADEM_RTQUEUE_H
#define ADEM_RTQUEUE_H

#include <stddef.h>

typedef struct rtqueue rtqueue;

/* Creates a queue of `capacity` messages of msg_size bytes each (capacity is
 * rounded up to a power of two, at least 2). NULL when out of memory. */
rtqueue *rtqueue_new(size_t msg_size, size_t capacity);

/* Frees a queue; neither side may use it any more. NULL is a no-op. */
void rtqueue_free(rtqueue *q);

/* Producer: copies msg in. Returns 0, or -1 when the queue is full (nothing
 * is written; the caller degrades, it never waits). */
int rtqueue_push(rtqueue *q, const void *msg);

/* Consumer: copies the oldest message out and removes it. Returns 0, or -1
 * when the queue is empty. */
int rtqueue_pop(rtqueue *q, void *msg);

/* Either side: messages waiting now (a snapshot; may change at once). */
size_t rtqueue_count(const rtqueue *q);

/* The capacity after rounding. */
size_t rtqueue_capacity(const rtqueue *q);

#endif
