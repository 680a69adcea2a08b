/* pa_stream: what the files of adem's PortAudio part (pa_module.h: out_pa.c,
 * in_pa.c, pa_table.c) share; nothing outside them includes it. Control
 * thread only. */
#ifndef ADEM_PA_STREAM_H
#define ADEM_PA_STREAM_H

#include <portaudio.h>

#include "dev/in_device.h"
#include "dev/pa_module.h"

/* Stops the stream s when it is running, then closes it. On JACK it first
 * lets the client's notification thread settle (PASTREAM_JACK_SETTLE_MS):
 * libjack (jack2 1.9.21) walks the client's port list in its latency
 * notification without a lock while jack_port_unregister, called by
 * Pa_CloseStream, edits that list, and the stop has just disconnected the
 * ports, which sends exactly that notification. NULL is a no-op. */
void pastream_close(PaStream *s);

enum { PASTREAM_JACK_SETTLE_MS = 150 };

/* Fills info from PortAudio's device i, for its inputs (input = 1) or its
 * outputs (input = 0); a device PortAudio does not know reads as "?" with no
 * channels. */
void pastream_describe(int i, int input, pastream_device *info);

/* 1 if PortAudio says device d takes a float32 stream of `channels` channels
 * at `rate` Hz (Pa_IsFormatSupported, at the device's default latency), for
 * its inputs (input = 1) or its outputs (input = 0). Call between
 * Pa_Initialize and Pa_Terminate. */
int pastream_supports(const pastream_device *d, int input, int channels, double rate);

/* The index of the PortAudio device that `spec` names among the devices with
 * input channels (input = 1) or output channels (input = 0): the default one
 * when spec is NULL, else an index, else a name (an exact match first, then
 * the first name that contains spec, ignoring ASCII case). Returns the index
 * (>= 0) or one of PASTREAM_NO_DEVICE, _BAD_INDEX, _BAD_NAME. Call between
 * Pa_Initialize and Pa_Terminate. */
int pastream_find_device(const char *spec, int input);

/* Pa_Initialize and Pa_Terminate as the table has them. */
int pastream_init(adem_diag *d);
void pastream_terminate(void);

/* The output stream (out_pa.c) and the input stream (in_pa.c): the table's
 * out_ and in_ entries (pa_module.h, in_device.h). */
int outpa_open(const pastream_device *dev, int rate, int channels, double *latency_s,
               out_fill_fn fill, void *ctx, pa_out **out, adem_diag *d);
int outpa_start(pa_out *o, adem_diag *d);
int outpa_poll(pa_out *o, int stall_ms);
uint64_t outpa_callbacks(const pa_out *o);
uint64_t outpa_underflows(const pa_out *o);
void outpa_close(pa_out *o);
int inpa_find(const char *spec, indev_info *info, adem_diag *d);
int inpa_open(const indev_info *dev, int rate, int latency_ms, spsc *r, in_device **out,
              adem_diag *d);
int inpa_start(in_device *i, adem_diag *d);
int inpa_rate(const in_device *i);
void inpa_arm(in_device *i, int64_t max_frames);
int inpa_disarm(in_device *i, int timeout_ms);
int64_t inpa_frames(const in_device *i);
int64_t inpa_dropped(const in_device *i);
uint64_t inpa_overflows(const in_device *i);
float inpa_peak(in_device *i);
int inpa_alive(in_device *i, int stall_ms);
void inpa_close(in_device *i);

#endif
