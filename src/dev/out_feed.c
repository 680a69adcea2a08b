/* out_feed: the audio side of adem's timed outputs (see out_feed.h). */
#include "dev/out_feed.h"

#include <string.h>

void outfeed_init(out_feed *f, engine *e, int rate, int channels)
{
    memset(f, 0, sizeof *f);
    f->e = e;
    f->channels = channels;
    f->pad_total = (int64_t)rate * OUTDEV_PAD_MS / 1000;
    f->lead_left = (int64_t)rate * OUTDEV_LEAD_MS / 1000;
}

int outfeed_fill(out_feed *f, float *out, size_t frames)
{
    if (f->lead_left > 0) {
        /* the lead-in: whole buffers of silence; the engine starts after it */
        memset(out, 0, frames * (size_t)f->channels * sizeof *out);
        f->lead_left -= (int64_t)frames;
    } else if (!f->finishing) {
        size_t n = engine_process(f->e, out, frames);
        if (engine_done(f->e)) {
            f->finishing = 1;
            f->pad_left = f->pad_total - (int64_t)(frames - n);
        }
    } else {
        memset(out, 0, frames * (size_t)f->channels * sizeof *out);
        f->pad_left -= (int64_t)frames;
    }
    return f->finishing && f->pad_left <= 0;
}

int outfeed_fill_fn(void *ctx, float *out, size_t frames)
{
    return outfeed_fill(ctx, out, frames);
}
