/* devwatch: a callback that stopped running (see devwatch.h). */
#include "dev/devwatch.h"

#include "sys/platform.h"

void devwatch_start(devwatch *w)
{
    w->seen_at_ns = platform_now_ns();
}

int devwatch_stalled(devwatch *w, uint64_t callbacks, int stall_ms)
{
    uint64_t now = platform_now_ns();
    if (callbacks != w->seen_callbacks) {
        w->seen_callbacks = callbacks;
        w->seen_at_ns = now;
        return 0;
    }
    return now - w->seen_at_ns > (uint64_t)stall_ms * 1000000u;
}
