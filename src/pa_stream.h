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

#endif
