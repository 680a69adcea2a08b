/* pa_stream: starting PortAudio, its devices, closing a stream (see
 * pa_stream.h). */
#include "dev/pa_stream.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/platform.h"

int pastream_init(adem_diag *d)
{
    PaError err = Pa_Initialize();
    if (err != paNoError)
        return diag_runtime(d, "cannot start the audio system (%s); try `adem render` to write a "
                               "file instead", Pa_GetErrorText(err));
    return 0;
}

void pastream_terminate(void)
{
    Pa_Terminate();
}

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

/* 1 if needle occurs in hay, ignoring ASCII case. */
static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t k = 0;
        while (k < n && hay[k] &&
               tolower((unsigned char)hay[k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k == n)
            return 1;
    }
    return n == 0;
}

/* The channels device i has in the direction asked for (0 when it has none or
 * does not exist). */
static int channels(int i, int input)
{
    const PaDeviceInfo *di = Pa_GetDeviceInfo(i);
    return !di ? 0 : input ? di->maxInputChannels : di->maxOutputChannels;
}

int pastream_find_device(const char *spec, int input)
{
    int count = Pa_GetDeviceCount();
    int have = 0;
    for (int i = 0; i < count; i++)
        have += channels(i, input) > 0;
    if (count <= 0 || have == 0)
        return PASTREAM_NO_DEVICE;
    if (!spec) {
        PaDeviceIndex def = input ? Pa_GetDefaultInputDevice() : Pa_GetDefaultOutputDevice();
        return def == paNoDevice ? PASTREAM_NO_DEVICE : (int)def;
    }
    char *end;
    long idx = strtol(spec, &end, 10);
    if (end != spec && *end == '\0')
        return idx >= 0 && idx < count && channels((int)idx, input) > 0 ? (int)idx
                                                                         : PASTREAM_BAD_INDEX;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < count; i++) {
            const PaDeviceInfo *di = Pa_GetDeviceInfo(i);
            if (channels(i, input) <= 0 || !di->name)
                continue;
            if (pass == 0 ? strcmp(di->name, spec) == 0 : contains_nocase(di->name, spec))
                return i;
        }
    }
    return PASTREAM_BAD_NAME;
}

void pastream_describe(int i, int input, pastream_device *info)
{
    const PaDeviceInfo *di = Pa_GetDeviceInfo(i);
    const PaHostApiInfo *hi = di ? Pa_GetHostApiInfo(di->hostApi) : NULL;
    memset(info, 0, sizeof *info);
    info->index = i;
    snprintf(info->name, sizeof info->name, "%s", di && di->name ? di->name : "?");
    snprintf(info->host, sizeof info->host, "%s", hi && hi->name ? hi->name : "?");
    info->max_channels = channels(i, input);
    info->default_rate = di ? di->defaultSampleRate : 48000;
    info->default_latency = !di ? 0.1 : input ? di->defaultHighInputLatency
                                              : di->defaultHighOutputLatency;
}

int pastream_supports(const pastream_device *d, int input, int channels, double rate)
{
    PaStreamParameters p;
    memset(&p, 0, sizeof p);
    p.device = d->index;
    p.channelCount = channels;
    p.sampleFormat = paFloat32;
    p.suggestedLatency = d->default_latency;
    return Pa_IsFormatSupported(input ? &p : NULL, input ? NULL : &p, rate) == paFormatIsSupported;
}
