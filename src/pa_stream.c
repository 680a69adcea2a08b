/* pa_stream: closing a PortAudio stream (see pa_stream.h). */
#include "pa_stream.h"

#include "platform.h"

void pastream_close(PaStream *s)
{
    if (!s)
        return;
    if (Pa_IsStreamStopped(s) == 0)
        Pa_StopStream(s);
    if (Pa_GetStreamHostApiType(s) == paJACK)
        platform_sleep_ms(PASTREAM_JACK_SETTLE_MS);
    Pa_CloseStream(s);
}
