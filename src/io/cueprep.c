/* cueprep: one raw take -> one finished voice cue (see cueprep.h). */
#include "io/cueprep.h"

#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/resample.h"
#include "sys/platform.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

enum {
    MAX_PASSES = 8,       /* shaping passes before giving up */
    TP_TAPS = 16,         /* taps of the 4x interpolator used by the limiter */
    OGG_SERIAL = 0x6164656d /* "adem": fixed Ogg stream serial number */
};

struct cueprep {
    cueprep_opts o;
    cueprep_report r;
    float *base;        /* gained, trimmed, padded take: the input of shaping */
    int64_t n;          /* frames of base and out */
    float *out;         /* base after correction gain, limiter and fades */
    double gain0_db;    /* gain in base: from the loudness of the raw take */
    double corr_db;     /* correction gain on top of base, found by measuring */
    double ceiling_db;  /* limiter ceiling (true peak estimate, dBFS) */
};

void cueprep_defaults(cueprep_opts *o)
{
    o->rate = 48000;
    o->target_lufs = -20.0;
    o->max_true_peak = -1.0;
    o->peak_margin = 0.5;
    o->tolerance_lu = 0.3;
    o->trim_db = -45.0;
    o->lead_ms = 15.0;
    o->tail_ms = 40.0;
    o->min_ms = 500.0;
    o->fade_ms = 5.0;
    o->quality = 0.4;
}

/* dB of a linear magnitude; -HUGE_VAL for 0. */
static double to_db(double lin)
{
    return lin > 0.0 ? 20.0 * log10(lin) : -HUGE_VAL;
}

/* Linear gain of a dB value. */
static double from_db(double db)
{
    return pow(10.0, db / 20.0);
}

/* Frames in ms milliseconds at rate, rounded to nearest. */
static int64_t ms_frames(double ms, int rate)
{
    return (int64_t)floor(ms * rate / 1000.0 + 0.5);
}

/* Checks that every option is in a range that makes sense; -1 with d set. */
static int check_opts(const cueprep_opts *o, adem_diag *d)
{
    if (o->rate < 8000 || o->rate > 192000)
        return diag_set(d, NULL, 0, 0, "output rate %d Hz is out of range; use 8000 to 192000",
                        o->rate);
    if (!(o->target_lufs >= -60.0 && o->target_lufs <= -5.0))
        return diag_set(d, NULL, 0, 0, "loudness target %g LUFS is out of range; use -60 to -5",
                        o->target_lufs);
    if (!(o->max_true_peak >= -20.0 && o->max_true_peak <= 0.0))
        return diag_set(d, NULL, 0, 0, "true-peak ceiling %g dBTP is out of range; use -20 to 0",
                        o->max_true_peak);
    if (!(o->peak_margin >= 0.0 && o->peak_margin <= 6.0) ||
        !(o->tolerance_lu > 0.0 && o->tolerance_lu <= 3.0))
        return diag_set(d, NULL, 0, 0,
                        "peak margin or loudness tolerance out of range; use 0..6 dB and 0..3 LU");
    if (!(o->trim_db >= -90.0 && o->trim_db <= -10.0))
        return diag_set(d, NULL, 0, 0, "trim level %g dBFS is out of range; use -90 to -10",
                        o->trim_db);
    if (!(o->lead_ms >= 0.0 && o->lead_ms <= 2000.0) || !(o->tail_ms >= 0.0 && o->tail_ms <= 2000.0) ||
        !(o->min_ms >= 0.0 && o->min_ms <= 10000.0) || !(o->fade_ms >= 0.0 && o->fade_ms <= 500.0))
        return diag_set(d, NULL, 0, 0,
                        "lead, tail, minimum length or fade out of range; use 0..2000 ms, "
                        "0..2000 ms, 0..10000 ms and 0..500 ms");
    if (!(o->quality >= 0.0 && o->quality <= 1.0))
        return diag_set(d, NULL, 0, 0, "Vorbis quality %g is out of range; use 0 to 1", o->quality);
    return 0;
}

int cueprep_measure(const float *x, int64_t frames, int rate, double *lufs, double *true_peak,
                    double *sample_peak, adem_diag *d)
{
    ebur128_state *st;
    double l = -HUGE_VAL, tp = 0.0, sp = 0.0;
    int64_t done = 0;

    st = ebur128_init(1, (unsigned long)rate,
                      EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_SAMPLE_PEAK);
    if (!st)
        return diag_runtime(d, "cannot start a loudness measurement at %d Hz; out of memory?", rate);
    while (done < frames) {
        size_t chunk = (size_t)(frames - done > 65536 ? 65536 : frames - done);
        if (ebur128_add_frames_float(st, x + done, chunk) != EBUR128_SUCCESS) {
            ebur128_destroy(&st);
            return diag_runtime(d, "loudness measurement failed; out of memory?");
        }
        done += (int64_t)chunk;
    }
    if (ebur128_loudness_global(st, &l) != EBUR128_SUCCESS ||
        ebur128_true_peak(st, 0, &tp) != EBUR128_SUCCESS ||
        ebur128_sample_peak(st, 0, &sp) != EBUR128_SUCCESS) {
        ebur128_destroy(&st);
        return diag_runtime(d, "loudness measurement failed; out of memory?");
    }
    ebur128_destroy(&st);
    if (lufs)
        *lufs = isfinite(l) ? l : -HUGE_VAL;
    if (true_peak)
        *true_peak = to_db(tp);
    if (sample_peak)
        *sample_peak = to_db(sp);
    return 0;
}

/* Counts clipped samples, tells whether the take looks clipped, and how much
 * of it is sound (10 ms blocks within 30 dB of the loudest block). */
static void analyse_take(const float *x, int64_t n, int rate, cueprep_report *r)
{
    int64_t run = 0, blk = rate / 100, nb, b;
    double maxms = 0.0;
    double *ms;

    r->clipped_samples = 0;
    r->clipped = 0;
    for (int64_t i = 0; i < n; i++) {
        double a = fabs((double)x[i]);
        if (a >= CUEPREP_CLIP_LEVEL) {
            r->clipped_samples++;
            if (++run >= 3 || a > 1.0)
                r->clipped = 1;
        } else {
            run = 0;
        }
    }
    r->active_ms = 0.0;
    nb = (n + blk - 1) / blk;
    ms = malloc((size_t)nb * sizeof *ms);
    if (!ms)
        return;
    for (b = 0; b < nb; b++) {
        double s = 0.0;
        int64_t e = (b + 1) * blk < n ? (b + 1) * blk : n;
        for (int64_t i = b * blk; i < e; i++)
            s += (double)x[i] * x[i];
        ms[b] = s / (double)(e - b * blk);
        if (ms[b] > maxms)
            maxms = ms[b];
    }
    for (b = 0; b < nb && maxms > 0.0; b++)
        if (ms[b] >= maxms * 1e-3 && ms[b] > 1e-9) /* -30 dB, and above -90 dBFS */
            r->active_ms += 10.0;
    free(ms);
}

/* Converts x (n frames at from Hz) to `to` Hz (io/resample.h). Returns a
 * malloc'd buffer and *m frames, or NULL with d set. */
static float *resample(const float *x, int64_t n, int from, int to, int64_t *m, adem_diag *d)
{
    int err = 0;
    float *y;

    if (n > (int64_t)0x7fffffff / 4) {
        diag_set(d, NULL, 0, 0, "the take is too long to convert; keep a cue under 10 minutes");
        return NULL;
    }
    y = resample_all(x, n, from, to, m, &err);
    if (y)
        return y;
    if (err == RESAMPLE_ETOOLONG)
        diag_set(d, NULL, 0, 0, "the take is too long to convert; keep a cue under 10 minutes");
    else if (err == RESAMPLE_ENOMEM)
        diag_runtime(d, "out of memory converting the take to %d Hz", to);
    else
        diag_runtime(d, "sample rate conversion failed: %s; try another input rate",
                     resample_strerror(err));
    return NULL;
}

/* Windowed-sinc coefficients for the values at i+1/4, i+2/4, i+3/4 from
 * x[i-7 .. i+8] (16 taps, Hann window), each phase normalised to unit gain. */
static void tp_coefs(double c[3][TP_TAPS])
{
    for (int p = 0; p < 3; p++) {
        double f = (p + 1) / 4.0, sum = 0.0;
        for (int k = 0; k < TP_TAPS; k++) {
            double t = f - (double)(k - TP_TAPS / 2 + 1); /* distance from tap */
            double s = fabs(t) < 1e-12 ? 1.0 : sin(M_PI * t) / (M_PI * t);
            double w = 0.5 * (1.0 + cos(M_PI * t / (TP_TAPS / 2)));
            c[p][k] = s * w;
            sum += c[p][k];
        }
        for (int k = 0; k < TP_TAPS; k++)
            c[p][k] /= sum;
    }
}

/* Estimates the true peak around each sample: the largest magnitude of x[i]
 * and the three 4x-interpolated values between x[i] and x[i+1]. */
static void tp_estimate(const float *x, int64_t n, float *p)
{
    double c[3][TP_TAPS];
    tp_coefs(c);
    for (int64_t i = 0; i < n; i++) {
        double m = fabs((double)x[i]);
        for (int ph = 0; ph < 3; ph++) {
            double v = 0.0;
            for (int k = 0; k < TP_TAPS; k++) {
                int64_t j = i + k - TP_TAPS / 2 + 1;
                if (j >= 0 && j < n)
                    v += c[ph][k] * x[j];
            }
            if (fabs(v) > m)
                m = fabs(v);
        }
        p[i] = (float)m;
    }
}

/* Soft look-ahead limiter, in place: each sample gets a gain no higher than
 * ceiling / (its true-peak estimate). The needed gain is the minimum over a
 * look-ahead window of w frames, averaged over w frames (so the gain glides
 * down over w frames before a peak and never exceeds what any peak needs),
 * then released with a one-pole of `rel` frames. Returns the deepest gain
 * reduction in dB (0 when nothing was touched), or 1 when out of memory. */
static double limit(float *x, int64_t n, double ceiling, int64_t w, double rel)
{
    int64_t ne = n + w - 1, head = 0, tail = 0, next = 0;
    float *req = malloc((size_t)ne * sizeof *req);
    float *h = malloc((size_t)ne * sizeof *h);
    int64_t *dq = malloc((size_t)ne * sizeof *dq);
    double a = 1.0 - exp(-1.0 / rel), g = 1.0, deepest = 1.0, sum = 0.0;
    int any = 0;

    if (!req || !h || !dq) {
        free(req);
        free(h);
        free(dq);
        return 1.0;
    }
    /* req[j] for j >= w-1 is the gain sample j-(w-1) needs; before it, none. */
    tp_estimate(x, n, req + (w - 1));
    for (int64_t j = 0; j < ne; j++) {
        if (j < w - 1) {
            req[j] = 1.0f;
        } else if (req[j] > ceiling) {
            req[j] = (float)(ceiling / req[j]);
            any = 1;
        } else {
            req[j] = 1.0f;
        }
    }
    if (!any) {
        free(req);
        free(h);
        free(dq);
        return 0.0;
    }
    /* h[j] = min(req[j .. j+w-1]), with a monotonic deque. */
    for (int64_t j = 0; j < ne; j++) {
        int64_t last = j + w - 1 < ne - 1 ? j + w - 1 : ne - 1;
        while (next <= last) {
            while (tail > head && req[dq[tail - 1]] >= req[next])
                tail--;
            dq[tail++] = next++;
        }
        while (dq[head] < j)
            head++;
        h[j] = req[dq[head]];
    }
    /* sample i gets mean(h[i .. i+w-1]) (every term <= req of sample i),
     * then a release that only ever lowers the gain further. */
    for (int64_t j = 0; j < w; j++)
        sum += h[j];
    for (int64_t i = 0; i < n; i++) {
        double s = sum / (double)w;
        g = g + (1.0 - g) * a;
        if (s < g)
            g = s;
        if (g < deepest)
            deepest = g;
        x[i] = (float)(x[i] * g);
        sum -= h[i];
        if (i + w < ne)
            sum += h[i + w];
    }
    free(req);
    free(h);
    free(dq);
    return to_db(deepest);
}

/* Raised-cosine fade-in over the first nf frames and fade-out over the last
 * nf (both shortened to n/2 for a very short cue); the first and last sample
 * become exactly 0. */
static void fade(float *x, int64_t n, int64_t nf)
{
    if (nf > n / 2)
        nf = n / 2;
    for (int64_t i = 0; i < nf; i++) {
        double w = 0.5 * (1.0 - cos(M_PI * (double)i / (double)nf));
        x[i] = (float)(x[i] * w);
        x[n - 1 - i] = (float)(x[n - 1 - i] * w);
    }
}

/* out = base * corr gain, limited to ceiling, faded; then measured into the
 * report's out_* fields. Returns 0 or -1 with d set. */
static int shape(cueprep *c, adem_diag *d)
{
    double g = from_db(c->corr_db), lim;
    for (int64_t i = 0; i < c->n; i++)
        c->out[i] = (float)(c->base[i] * g);
    lim = limit(c->out, c->n, from_db(c->ceiling_db), ms_frames(5.0, c->o.rate),
                (double)ms_frames(60.0, c->o.rate));
    if (lim > 0.5)
        return diag_runtime(d, "out of memory limiting a %lld-frame cue", (long long)c->n);
    c->r.gain_db = c->gain0_db + c->corr_db;
    c->r.limited = lim < 0.0;
    c->r.limit_db = lim;
    fade(c->out, c->n, ms_frames(c->o.fade_ms, c->o.rate));
    c->r.passes++;
    c->r.out_frames = c->n;
    return cueprep_measure(c->out, c->n, c->o.rate, &c->r.out_lufs, &c->r.out_true_peak,
                           &c->r.out_sample_peak, d);
}

/* Reshapes until the in-memory result is within 0.05 LU of the target and
 * its true peak under the shaping ceiling (at most MAX_PASSES). */
static int converge(cueprep *c, adem_diag *d)
{
    const cueprep_opts *o = &c->o;
    for (int pass = 0; pass < MAX_PASSES; pass++) {
        double over, off;
        if (shape(c, d))
            return -1;
        if (!isfinite(c->r.out_lufs))
            return diag_set(d, NULL, 0, 0, "the cue lost all its sound while shaping; "
                                           "record it again, louder");
        over = c->r.out_true_peak - (o->max_true_peak - o->peak_margin);
        off = o->target_lufs - c->r.out_lufs;
        if (over <= 0.05 && fabs(off) <= 0.05)
            return 0;
        if (over > 0.05)
            c->ceiling_db -= over + 0.02;
        c->corr_db += off;
    }
    if (c->r.out_true_peak <= o->max_true_peak &&
        fabs(c->r.out_lufs - o->target_lufs) <= o->tolerance_lu)
        return 0;
    return diag_set(d, NULL, 0, 0,
                    "cannot reach %.1f LUFS with peaks under %.1f dBTP (got %.2f LUFS, %.2f dBTP); "
                    "the take is too spiky: record it again further from the microphone",
                    o->target_lufs, o->max_true_peak, c->r.out_lufs, c->r.out_true_peak);
}

int cueprep_process(const float *in, int64_t frames, int rate, const cueprep_opts *opts,
                    cueprep **out, adem_diag *d)
{
    cueprep *c;
    float *x = NULL;
    int64_t m = 0, first = -1, last = -1, start, end, lead, tail, minn;
    double thr, g0, lufs0;

    *out = NULL;
    if (!in || frames < 1)
        return diag_set(d, NULL, 0, 0, "the take is empty; record or synthesize it again");
    if (rate < 8000 || rate > 192000)
        return diag_set(d, NULL, 0, 0, "take sample rate %d Hz is out of range; use 8000 to 192000",
                        rate);
    for (int64_t i = 0; i < frames; i++)
        if (!isfinite(in[i]))
            return diag_set(d, NULL, 0, 0, "sample %lld of the take is not a number; "
                                           "the file is damaged, make it again", (long long)i);
    c = calloc(1, sizeof *c);
    if (!c)
        return diag_runtime(d, "out of memory preparing a cue");
    if (opts)
        c->o = *opts;
    else
        cueprep_defaults(&c->o);
    if (check_opts(&c->o, d))
        goto fail;

    /* 1. the take as it is */
    c->r.in_rate = rate;
    c->r.in_frames = frames;
    analyse_take(in, frames, rate, &c->r);
    if (cueprep_measure(in, frames, rate, &c->r.in_lufs, &c->r.in_true_peak,
                        &c->r.in_sample_peak, d))
        goto fail;

    /* 2. to the output rate */
    if (rate != c->o.rate) {
        x = resample(in, frames, rate, c->o.rate, &m, d);
        if (!x)
            goto fail;
    } else {
        m = frames;
        x = malloc((size_t)m * sizeof *x);
        if (!x) {
            diag_runtime(d, "out of memory preparing a cue");
            goto fail;
        }
        memcpy(x, in, (size_t)m * sizeof *x);
    }

    /* 3. first gain, from the loudness of the take padded to the minimum
     * length (short takes have no full 400 ms block otherwise) */
    minn = ms_frames(c->o.min_ms > 400.0 ? c->o.min_ms : 400.0, c->o.rate);
    {
        int64_t pn = m > minn ? m : minn;
        float *p = calloc((size_t)pn, sizeof *p);
        if (!p) {
            diag_runtime(d, "out of memory preparing a cue");
            goto fail;
        }
        memcpy(p, x, (size_t)m * sizeof *p);
        if (cueprep_measure(p, pn, c->o.rate, &lufs0, NULL, NULL, d)) {
            free(p);
            goto fail;
        }
        free(p);
    }
    if (!isfinite(lufs0)) {
        diag_set(d, NULL, 0, 0, "the take is silent (no sound above -70 LUFS); "
                                "check the microphone and record it again");
        goto fail;
    }
    c->r.mostly_silent = c->r.active_ms < 250.0 || c->r.in_lufs < -50.0;
    c->gain0_db = c->o.target_lufs - lufs0;
    g0 = from_db(c->gain0_db);

    /* 4. trim what stays under trim_db after the gain, keep lead and tail */
    thr = from_db(c->o.trim_db);
    for (int64_t i = 0; i < m; i++) {
        if (fabs(x[i] * g0) > thr) {
            if (first < 0)
                first = i;
            last = i;
        }
    }
    if (first < 0) {
        diag_set(d, NULL, 0, 0, "the take has no sound above %.0f dBFS after normalising; "
                                "record it again closer to the microphone", c->o.trim_db);
        goto fail;
    }
    lead = ms_frames(c->o.lead_ms, c->o.rate);
    tail = ms_frames(c->o.tail_ms, c->o.rate);
    start = first - lead; /* may be < 0: silence is added */
    end = last + 1 + tail; /* may be > m: likewise */
    c->r.lead_trimmed = start;
    c->r.tail_trimmed = m - end;
    c->n = end - start > minn ? end - start : minn;
    c->base = calloc((size_t)c->n, sizeof *c->base);
    c->out = calloc((size_t)c->n, sizeof *c->out);
    if (!c->base || !c->out) {
        diag_runtime(d, "out of memory preparing a cue");
        goto fail;
    }
    for (int64_t i = start > 0 ? start : 0; i < end && i < m; i++)
        c->base[i - start] = (float)(x[i] * g0);
    free(x);
    x = NULL;

    /* 5., 6. limiter and fades, measured until they meet the target */
    c->corr_db = 0.0;
    c->ceiling_db = c->o.max_true_peak - c->o.peak_margin;
    if (converge(c, d))
        goto fail;
    *out = c;
    return 0;

fail:
    free(x);
    cueprep_free(c);
    return -1;
}

const float *cueprep_samples(const cueprep *c, int64_t *frames)
{
    *frames = c->n;
    return c->out;
}

const cueprep_report *cueprep_get_report(const cueprep *c)
{
    return &c->r;
}

void cueprep_free(cueprep *c)
{
    if (!c)
        return;
    free(c->base);
    free(c->out);
    free(c);
}

/* CRC-32 of Ogg pages: polynomial 0x04c11db7, not reflected, initial 0. */
static uint32_t ogg_crc(const unsigned char *p, size_t n)
{
    uint32_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint32_t)p[i] << 24;
        for (int b = 0; b < 8; b++)
            crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04c11db7u : crc << 1;
    }
    return crc;
}

/* Rewrites every Ogg page of the file at path with stream serial number
 * `serial` and a fresh CRC (libsndfile picks a random serial, which would make
 * every encode of the same cue differ). Returns 0, or -1 with d set. */
static int ogg_set_serial(const char *path, uint32_t serial, adem_diag *d)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long len;
    size_t pos = 0;

    if (!f)
        return diag_runtime(d, "cannot read back '%s'; check the folder's permissions", path);
    if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
        !(buf = malloc((size_t)len + 1)) || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        fclose(f);
        free(buf);
        return diag_runtime(d, "cannot read back '%s'; check the disk", path);
    }
    fclose(f);
    while (pos < (size_t)len) {
        size_t hdr, body = 0;
        uint32_t crc;
        if ((size_t)len - pos < 27 || memcmp(buf + pos, "OggS", 4) != 0) {
            free(buf);
            return diag_runtime(d, "'%s' is not a well-formed Ogg file after encoding; "
                                   "check libsndfile's Vorbis support", path);
        }
        hdr = 27 + buf[pos + 26];
        if ((size_t)len - pos < hdr) {
            free(buf);
            return diag_runtime(d, "'%s' ends inside an Ogg page header; check the disk", path);
        }
        for (size_t k = 0; k < buf[pos + 26]; k++)
            body += buf[pos + 27 + k];
        if ((size_t)len - pos < hdr + body) {
            free(buf);
            return diag_runtime(d, "'%s' ends inside an Ogg page; check the disk", path);
        }
        for (int k = 0; k < 4; k++) {
            buf[pos + 14 + k] = (unsigned char)(serial >> (8 * k));
            buf[pos + 22 + k] = 0;
        }
        crc = ogg_crc(buf + pos, hdr + body);
        for (int k = 0; k < 4; k++)
            buf[pos + 22 + k] = (unsigned char)(crc >> (8 * k));
        pos += hdr + body;
    }
    f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, (size_t)len, f) != (size_t)len) {
        if (f)
            fclose(f);
        free(buf);
        return diag_runtime(d, "cannot rewrite '%s'; is the disk full?", path);
    }
    free(buf);
    if (fclose(f))
        return diag_runtime(d, "cannot rewrite '%s'; is the disk full?", path);
    return 0;
}

/* Encodes x as mono Ogg Vorbis at rate and quality q into path (with a fixed
 * serial number). Returns 0, or -1 with d set (the file may be left; the
 * caller removes it). */
static int encode_ogg(const char *path, const float *x, int64_t n, int rate, double q,
                      adem_diag *d)
{
    SF_INFO info;
    SNDFILE *sf;
    sf_count_t w;

    memset(&info, 0, sizeof info);
    info.samplerate = rate;
    info.channels = 1;
    info.format = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    sf = sf_open(path, SFM_WRITE, &info);
    if (!sf)
        return diag_runtime(d, "cannot write '%s': %s; check that the folder exists and that "
                               "libsndfile has Vorbis support", path, sf_strerror(NULL));
    sf_command(sf, SFC_SET_VBR_ENCODING_QUALITY, &q, sizeof q);
    w = sf_writef_float(sf, x, (sf_count_t)n);
    if (w != (sf_count_t)n) {
        diag_runtime(d, "cannot write '%s': %s; is the disk full?", path, sf_strerror(sf));
        sf_close(sf);
        return -1;
    }
    if (sf_close(sf))
        return diag_runtime(d, "cannot finish '%s'; is the disk full?", path);
    return ogg_set_serial(path, OGG_SERIAL, d);
}

int cueprep_write_ogg(cueprep *c, const char *path, adem_diag *d)
{
    const cueprep_opts *o = &c->o;
    size_t len = strlen(path);
    char *part = malloc(len + 6);
    double lufs = -HUGE_VAL, tp = 0.0, sp;

    if (!part)
        return diag_runtime(d, "out of memory writing '%s'", path);
    memcpy(part, path, len);
    memcpy(part + len, ".part", 6);
    for (int pass = 0; pass < MAX_PASSES; pass++) {
        float *y = NULL;
        int64_t yn = 0;
        int yr = 0;
        double over, off;

        if (pass > 0 && shape(c, d))
            goto fail;
        if (encode_ogg(part, c->out, c->n, o->rate, o->quality, d) ||
            cueprep_read_file(part, &y, &yn, &yr, d))
            goto fail;
        if (yn != c->n || yr != o->rate) {
            free(y);
            diag_runtime(d, "'%s' decodes to %lld frames at %d Hz instead of %lld at %d Hz; "
                            "check libsndfile's Vorbis support", part, (long long)yn, yr,
                         (long long)c->n, o->rate);
            goto fail;
        }
        if (cueprep_measure(y, yn, yr, &lufs, &tp, &sp, d)) {
            free(y);
            goto fail;
        }
        free(y);
        over = tp - o->max_true_peak;
        off = o->target_lufs - lufs;
        if (over <= 0.0 && fabs(off) <= o->tolerance_lu) {
            if (platform_replace(part, path)) {
                diag_runtime(d, "cannot move '%s' into place; check the folder's permissions", path);
                goto fail;
            }
            c->r.out_lufs = lufs;
            c->r.out_true_peak = tp;
            c->r.out_sample_peak = sp;
            free(part);
            return 0;
        }
        /* the codec moved it: aim the shaping at what was missed */
        if (over > 0.0)
            c->ceiling_db -= over + 0.1;
        if (isfinite(lufs))
            c->corr_db += off;
    }
    diag_set(d, path, 0, 0, "the encoded cue stays out of bounds (%.2f LUFS, %.2f dBTP) after %d "
                            "tries; use a higher Vorbis quality", lufs, tp, MAX_PASSES);
fail:
    remove(part);
    free(part);
    return -1;
}

int cueprep_read_file(const char *path, float **samples, int64_t *frames, int *rate, adem_diag *d)
{
    SF_INFO info;
    SNDFILE *sf;
    float *buf, *mono;
    sf_count_t got;

    *samples = NULL;
    memset(&info, 0, sizeof info);
    const char *why = NULL;
    int fd = platform_open_file(path, &why);
    if (fd < 0)
        return diag_set(d, path, 0, 0, "cannot read audio: %s; give a WAV, FLAC or Ogg file", why);
    sf = sf_open_fd(fd, SFM_READ, &info, 1);
    if (!sf)
        return diag_set(d, path, 0, 0, "cannot read audio: %s; give a WAV, FLAC or Ogg file",
                        sf_strerror(NULL));
    if (info.channels < 1 || info.channels > 16 || info.frames < 1 ||
        info.frames > (sf_count_t)info.samplerate * 600) {
        sf_close(sf);
        return diag_set(d, path, 0, 0, "%d channels, %lld frames: not a usable take; give 1..16 "
                                       "channels and 1 frame to 10 minutes", info.channels,
                        (long long)info.frames);
    }
    buf = malloc((size_t)info.frames * (size_t)info.channels * sizeof *buf);
    mono = malloc((size_t)info.frames * sizeof *mono);
    if (!buf || !mono) {
        free(buf);
        free(mono);
        sf_close(sf);
        return diag_runtime(d, "out of memory reading '%s'", path);
    }
    got = sf_readf_float(sf, buf, info.frames);
    sf_close(sf);
    if (got != info.frames) {
        free(buf);
        free(mono);
        return diag_set(d, path, 0, 0, "the file ends early (%lld of %lld frames); it is damaged, "
                                       "make it again", (long long)got, (long long)info.frames);
    }
    for (sf_count_t i = 0; i < got; i++) {
        double s = 0.0;
        for (int ch = 0; ch < info.channels; ch++)
            s += buf[i * info.channels + ch];
        mono[i] = (float)(s / info.channels);
    }
    free(buf);
    *samples = mono;
    *frames = (int64_t)got;
    *rate = info.samplerate;
    return 0;
}
