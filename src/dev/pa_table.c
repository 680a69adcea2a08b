/* pa_table: the table of adem's PortAudio part (pa_module.h), the one symbol
 * the module adem-portaudio exports. */
#include "dev/pa_stream.h"

#include <portaudio.h>

#include "dev/devmod.h"

/* Pa_GetDeviceCount, as the table has it (a negative error: none). */
static int device_count(void)
{
    int n = Pa_GetDeviceCount();
    return n > 0 ? n : 0;
}

/* Pa_GetDefaultOutputDevice, as the table has it. */
static int default_output(void)
{
    return Pa_GetDefaultOutputDevice();
}

DEVMOD_EXPORT const pa_module adem_pa_module = {
    .version = PA_MODULE_VERSION,
    .init = pastream_init,
    .terminate = pastream_terminate,
    .device_count = device_count,
    .default_output = default_output,
    .find_device = pastream_find_device,
    .describe = pastream_describe,
    .supports = pastream_supports,
    .out_open = outpa_open,
    .out_start = outpa_start,
    .out_poll = outpa_poll,
    .out_callbacks = outpa_callbacks,
    .out_underflows = outpa_underflows,
    .out_close = outpa_close,
    .in_find = inpa_find,
    .in_open = inpa_open,
    .in_start = inpa_start,
    .in_rate = inpa_rate,
    .in_arm = inpa_arm,
    .in_disarm = inpa_disarm,
    .in_frames = inpa_frames,
    .in_dropped = inpa_dropped,
    .in_overflows = inpa_overflows,
    .in_peak = inpa_peak,
    .in_alive = inpa_alive,
    .in_close = inpa_close,
};
