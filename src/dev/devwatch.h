/* devwatch: the control thread's watch over a device callback's count, to
 * tell a device whose callback stopped running (a frozen server, a device
 * gone without a word) from one that plays on. Control thread only. */
#ifndef ADEM_DEVWATCH_H
#define ADEM_DEVWATCH_H

#include <stdint.h>

typedef struct devwatch {
    uint64_t seen_callbacks;
    uint64_t seen_at_ns;
} devwatch;

/* Starts watching now (the callback is about to run). */
void devwatch_start(devwatch *w);

/* 1 when `callbacks` (the callback's count, read now) has not moved for
 * more than stall_ms since it last moved or since devwatch_start; else 0. */
int devwatch_stalled(devwatch *w, uint64_t callbacks, int stall_ms);

#endif
