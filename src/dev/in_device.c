/* in_device: the microphone of `adem record`, through PortAudio's part
 * (see in_device.h; the stream itself is in_pa.c). */
#include "dev/in_device.h"

#include "dev/devmod.h"

/* PortAudio's table, or NULL with d set (status 1). outdev_init has loaded
 * it before any stream is opened; this only reads it. */
static const pa_module *table(adem_diag *d)
{
    return devmod_portaudio(d);
}

int indev_find(const char *spec, indev_info *info, adem_diag *d)
{
    const pa_module *pa = table(d);
    return pa ? pa->in_find(spec, info, d) : -1;
}

int indev_open(const indev_info *dev, int rate, int latency_ms, spsc *r, in_device **out,
               adem_diag *d)
{
    const pa_module *pa = table(d);
    *out = NULL;
    return pa ? pa->in_open(dev, rate, latency_ms, r, out, d) : -1;
}

/* (An in_device exists only when the table loaded: from here on it is.) */
int indev_start(in_device *i, adem_diag *d)
{
    return table(d)->in_start(i, d);
}

int indev_rate(const in_device *i)
{
    return table(NULL)->in_rate(i);
}

void indev_arm(in_device *i, int64_t max_frames)
{
    table(NULL)->in_arm(i, max_frames);
}

int indev_disarm(in_device *i, int timeout_ms)
{
    return table(NULL)->in_disarm(i, timeout_ms);
}

int64_t indev_frames(const in_device *i)
{
    return table(NULL)->in_frames(i);
}

int64_t indev_dropped(const in_device *i)
{
    return table(NULL)->in_dropped(i);
}

uint64_t indev_overflows(const in_device *i)
{
    return table(NULL)->in_overflows(i);
}

float indev_peak(in_device *i)
{
    return table(NULL)->in_peak(i);
}

int indev_alive(in_device *i, int stall_ms)
{
    return table(NULL)->in_alive(i, stall_ms);
}

void indev_close(in_device *i)
{
    if (i)
        table(NULL)->in_close(i);
}
