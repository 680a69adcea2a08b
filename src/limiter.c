/* limiter: instant-attack, smooth-release peak limiter (see limiter.h). */
#include "limiter.h"

#include <math.h>

void limiter_init(limiter *l, int rate, double ceiling_db, double release_ms)
{
    if (ceiling_db > 0)
        ceiling_db = 0;
    l->ceiling = (float)pow(10.0, ceiling_db / 20.0);
    l->reduction = 0.0f;
    l->gain = 1.0f;
    l->release = (float)exp(-1.0 / (release_ms * 0.001 * rate));
    l->limited = 0;
}

void limiter_process(limiter *l, float *buf, int frames, int channels)
{
    const float ceiling = l->ceiling, release = l->release;
    float red = l->reduction;
    for (int i = 0; i < frames; i++) {
        float *f = buf + (long)i * channels;
        float peak = 0.0f;
        for (int c = 0; c < channels; c++) {
            float a = fabsf(f[c]);
            peak = a > peak ? a : peak;
        }
        if (red > 0.0f) {
            red *= release; /* release towards unity */
            if (red < 1e-7f)
                red = 0.0f; /* exact unity again, and no denormals */
        }
        float g = 1.0f - red;
        if (peak * g > ceiling) {
            g = ceiling / peak; /* instant attack */
            red = 1.0f - g;
        }
        if (red > 0.0f) {
            l->limited++;
            for (int c = 0; c < channels; c++) {
                float v = f[c] * g;
                /* guard the last ulp of the division */
                f[c] = v > ceiling ? ceiling : v < -ceiling ? -ceiling : v;
            }
        }
    }
    l->reduction = red;
    l->gain = 1.0f - red;
}
