/* pa_stream: what adem's PortAudio streams (out_device, in_device) share.
 * Control thread only. */
#ifndef ADEM_PA_STREAM_H
#define ADEM_PA_STREAM_H

#include <portaudio.h>

/* Stops the stream s when it is running, then closes it. On JACK it first
 * lets the client's notification thread settle (PASTREAM_JACK_SETTLE_MS):
 * libjack (jack2 1.9.21) walks the client's port list in its latency
 * notification without a lock while jack_port_unregister, called by
 * Pa_CloseStream, edits that list, and the stop has just disconnected the
 * ports, which sends exactly that notification. NULL is a no-op. */
void pastream_close(PaStream *s);

enum { PASTREAM_JACK_SETTLE_MS = 150 };

/* A PortAudio device as adem shows and opens it, for one direction. */
typedef struct pastream_device {
    int index;
    char name[256];
    char host[64];
    int max_channels;       /* input or output channels, as asked */
    double default_rate;
    double default_latency; /* seconds (PortAudio's "high" latency of that direction) */
} pastream_device;

/* Fills info from PortAudio's device i, for its inputs (input = 1) or its
 * outputs (input = 0); a device PortAudio does not know reads as "?" with no
 * channels. */
void pastream_describe(int i, int input, pastream_device *info);

/* 1 if PortAudio says device d takes a float32 stream of `channels` channels
 * at `rate` Hz (Pa_IsFormatSupported, at the device's default latency), for
 * its inputs (input = 1) or its outputs (input = 0). Call between
 * Pa_Initialize and Pa_Terminate. */
int pastream_supports(const pastream_device *d, int input, int channels, double rate);

/* What pastream_find_device returns when it finds no device. */
enum {
    PASTREAM_NO_DEVICE = -1, /* no device of that direction at all, or no default */
    PASTREAM_BAD_INDEX = -2, /* spec is a number that is not such a device's index */
    PASTREAM_BAD_NAME = -3   /* spec matches no such device's name */
};

/* The index of the PortAudio device that `spec` names among the devices with
 * input channels (input = 1) or output channels (input = 0): the default one
 * when spec is NULL, else an index, else a name (an exact match first, then
 * the first name that contains spec, ignoring ASCII case). Returns the index
 * (>= 0) or one of PASTREAM_NO_DEVICE, _BAD_INDEX, _BAD_NAME. Call between
 * Pa_Initialize and Pa_Terminate. */
int pastream_find_device(const char *spec, int input);

#endif
