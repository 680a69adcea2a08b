/* in_device: the microphone of `adem record` — a PortAudio input stream whose
 * callback copies the input, folded to mono, into a lock-free SPSC queue of
 * floats (rt/spsc.h, "the ring")
 * while a take is armed, and keeps a peak level for the meter.
 *
 * The callback never allocates, locks, prints, does I/O or waits: when the
 * ring is full the samples that do not fit are dropped and counted (the
 * control thread reports them; the take is then flagged). The stream runs
 * from indev_start to indev_close; takes are armed and disarmed on the running
 * stream (so the stream and its connections stay up between takes).
 *
 * Threads: the callback is the ring's producer; everything else runs on the
 * control thread. PortAudio must be initialised first (outdev_init in
 * out_device.h silences the libraries' probing noise; pair with
 * outdev_terminate). These functions call PortAudio's part, pa_module.h
 * (in_pa.c); before outdev_init has loaded it they fail (status 1). */
#ifndef ADEM_IN_DEVICE_H
#define ADEM_IN_DEVICE_H

#include <stdint.h>

#include "base/diag.h"
#include "dev/pa_module.h"
#include "rt/spsc.h"

/* A chosen input device. */
typedef pastream_device indev_info;

/* Finds the input device `spec` (an index, or part of a name, case-
 * insensitive, an exact name first; NULL = the default input device).
 * Returns 0, or -1 with d set: "no audio input device found; ..." (status 1),
 * or no match (status 2, naming the input devices there are). */
int indev_find(const char *spec, indev_info *info, adem_diag *d);

/* Opens a float32 input stream on dev at `rate` Hz (mono when the device
 * offers it, else its first two channels averaged) with latency_ms (0 = the
 * device's default high latency), writing into r while armed. Returns 0, or
 * -1 with d set (status 1). */
int indev_open(const indev_info *dev, int rate, int latency_ms, spsc *r, in_device **out,
               adem_diag *d);

/* Starts the stream (nothing is recorded until indev_arm). Returns 0, or -1
 * with d set. */
int indev_start(in_device *i, adem_diag *d);

/* The stream's actual sample rate in Hz. */
int indev_rate(const in_device *i);

/* Arms a take: from the next callback on, the input goes into the ring, at
 * most max_frames frames in all (more is not written, and not counted as
 * dropped). Resets indev_frames and indev_dropped to 0. Call only when
 * disarmed. */
void indev_arm(in_device *i, int64_t max_frames);

/* Disarms: the callback stops writing. Waits (polling, up to timeout_ms)
 * until a callback has seen it, so that nothing more reaches the ring after
 * this returns. Returns 0, or -1 when no callback came in time (the device
 * stopped; whatever it wrote is in the ring). */
int indev_disarm(in_device *i, int timeout_ms);

/* Frames written to the ring since indev_arm (a snapshot). */
int64_t indev_frames(const in_device *i);

/* Frames dropped since indev_arm because the ring was full. */
int64_t indev_dropped(const in_device *i);

/* Input overflows the device reported since the stream started (samples the
 * system lost before adem saw them). */
uint64_t indev_overflows(const in_device *i);

/* The largest input magnitude since the previous call (or since the start),
 * for a level meter; then starts a new measurement. */
float indev_peak(in_device *i);

/* 1 while the stream is alive: the callback ran within the last stall_ms and
 * PortAudio reports no error; 0 when the device is lost. */
int indev_alive(in_device *i, int stall_ms);

/* Stops and closes the stream and frees i. NULL is a no-op. Not after the
 * device was lost (PortAudio may hang on a dead server): just exit then. */
void indev_close(in_device *i);

#endif
