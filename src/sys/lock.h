/* lock: a mutex with one condition, for two threads that share a little
 * state off the audio thread (the player's control thread and its web
 * server's threads). One implementation per system: lock_posix.c (pthreads).
 * Never used on the audio thread. */
#ifndef ADEM_LOCK_H
#define ADEM_LOCK_H

typedef struct adem_lock adem_lock;

/* A new lock, or NULL when memory runs out. */
adem_lock *lock_new(void);

/* Frees it (nobody may hold or wait on it). NULL is a no-op. */
void lock_free(adem_lock *l);

void lock_take(adem_lock *l);
void lock_give(adem_lock *l);

/* With the lock held: releases it, waits until lock_wake or about ms
 * milliseconds have passed, and takes it again. Returns 1 if woken (or
 * spuriously), 0 on the time-out. */
int lock_wait_ms(adem_lock *l, int ms);

/* Wakes every waiter (call with or without the lock held). */
void lock_wake(adem_lock *l);

#endif
