/* Unit tests of synth: the breathing tone, bell, pulse and noise beds.
 *
 * Every voice is checked for chunk independence (the same samples, bit for
 * bit, whatever the sizes of the process calls), for its level bounds, for
 * starting and ending at zero without a click (a bound on the largest
 * sample-to-sample step, derived from the voice's highest frequency and its
 * envelope), and for its own property: the tone's length and glide, the beat
 * positions of the pulse, the bell's decay, the beds' level, fades, stereo
 * width and spectral slope. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt/synth.h"

#define PI 3.14159265358979323846

static const int RATES[] = {8000, 44100, 48000, 96000, 384000};
enum { NRATES = sizeof RATES / sizeof RATES[0] };

/* ---- helpers ------------------------------------------------------------- */

/* How a voice's life is cut into process calls: CHUNK_WHOLE is one call,
 * CHUNK_RANDOM random sizes 1..3000, any other value a fixed size. */
enum { CHUNK_WHOLE = 0, CHUNK_RANDOM = -1 };
static const int PLANS[] = {CHUNK_WHOLE, 1, 7, 256, 4096, CHUNK_RANDOM};
enum { NPLANS = sizeof PLANS / sizeof PLANS[0] };

/* A small deterministic LCG for the random chunk sizes. */
static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* The next chunk size for a plan (at most `left`, at least 1). */
static int next_chunk(int plan, uint32_t *rng, int64_t left)
{
    int64_t n = plan == CHUNK_WHOLE ? left : plan == CHUNK_RANDOM ? 1 + (int64_t)(lcg(rng) % 3000) : plan;
    return (int)(n < left ? n : left);
}

/* A zeroed float buffer (fails the test when out of memory). */
static float *zeros(int64_t n)
{
    float *p = calloc((size_t)n + 1, sizeof *p);
    assert_non_null(p);
    return p;
}

/* Renders a whole tone into out (frames long, added to what is there) with a
 * chunk plan, checking the return value of every call. */
static void render_tone(const synth_tables *tb, synth_shape shape, double f0, double f1,
                        int64_t frames, float gain, int plan, float *out)
{
    synth_tone v;
    uint32_t rng = 12345u;
    synth_tone_start(&v, tb, shape, f0, f1, frames, gain);
    int64_t pos = 0;
    while (pos < frames) {
        int n = next_chunk(plan, &rng, frames - pos);
        int r = synth_tone_process(&v, out + pos, n);
        pos += n;
        assert_int_equal(r, pos < frames);
    }
}

/* Renders a whole bell (SYNTH_BELL_SECONDS) with a chunk plan; checks the
 * return values and that remaining() counts down. */
static void render_bell(const synth_tables *tb, float gain, int plan, float *out)
{
    synth_bell v;
    uint32_t rng = 777u;
    synth_bell_start(&v, tb, gain);
    const int64_t frames = (int64_t)SYNTH_BELL_SECONDS * synth_tables_rate(tb);
    assert_int_equal(synth_bell_remaining(&v), frames);
    int64_t pos = 0;
    while (pos < frames) {
        int n = next_chunk(plan, &rng, frames - pos);
        int r = synth_bell_process(&v, out + pos, n);
        pos += n;
        assert_int_equal(r, pos < frames);
        assert_int_equal(synth_bell_remaining(&v), frames - pos);
    }
}

/* Renders a whole pulse with a chunk plan, checking the return values. */
static void render_pulse(const synth_tables *tb, int bpm, int64_t frames, float gain, int plan,
                         float *out)
{
    synth_pulse v;
    uint32_t rng = 4242u;
    synth_pulse_start(&v, tb, bpm, frames, gain);
    int64_t pos = 0;
    while (pos < frames) {
        int n = next_chunk(plan, &rng, frames - pos);
        int r = synth_pulse_process(&v, out + pos, n);
        pos += n;
        assert_int_equal(r, pos < frames);
    }
}

/* Renders a bed into l and r (cap frames of room) with a chunk plan, calling
 * synth_bed_stop exactly at frame stop_at (< 0: never). Returns the frame
 * count at which the bed reported that it had faded out (process returned
 * 0), or -1 when it still sounds after cap frames. Checks remaining(). */
static int64_t render_bed(const synth_tables *tb, synth_noise noise, float gain, uint32_t seed,
                          int64_t stop_at, int64_t cap, int plan, float *l, float *r)
{
    synth_bed v;
    uint32_t rng = 99u;
    synth_bed_start(&v, tb, noise, gain, seed);
    int64_t pos = 0;
    while (pos < cap) {
        if (pos == stop_at) {
            assert_int_equal(synth_bed_remaining(&v), -1);
            synth_bed_stop(&v);
            assert_int_equal(synth_bed_remaining(&v), (int64_t)SYNTH_BED_FADE_SECONDS *
                                                          synth_tables_rate(tb));
            synth_bed_stop(&v); /* a second stop changes nothing */
        }
        int64_t left = cap - pos;
        if (pos < stop_at && stop_at - pos < left)
            left = stop_at - pos;
        int n = next_chunk(plan, &rng, left);
        int64_t before = synth_bed_remaining(&v);
        int ret = synth_bed_process(&v, l + pos, r + pos, n);
        if (before >= 0 && before <= n) {
            assert_int_equal(ret, 0);
            assert_int_equal(synth_bed_remaining(&v), 0);
            return pos + before;
        }
        assert_int_equal(ret, 1);
        if (before >= 0)
            assert_int_equal(synth_bed_remaining(&v), before - n);
        pos += n;
    }
    return -1;
}

/* Largest |x[i]| for i in [a, b). */
static double peak_of(const float *x, int64_t a, int64_t b)
{
    double m = 0.0;
    for (int64_t i = a; i < b; i++)
        m = fabs(x[i]) > m ? fabs(x[i]) : m;
    return m;
}

/* Largest |x[i] - x[i-1]| for i in [1, n) (x[-1] taken as 0 too). */
static double max_step(const float *x, int64_t n)
{
    double m = fabs(x[0]);
    for (int64_t i = 1; i < n; i++) {
        double d = fabs((double)x[i] - x[i - 1]);
        m = d > m ? d : m;
    }
    return m;
}

/* RMS of x over [a, b). */
static double rms_of(const float *x, int64_t a, int64_t b)
{
    double e = 0.0;
    for (int64_t i = a; i < b; i++)
        e += (double)x[i] * x[i];
    return sqrt(e / (double)(b - a));
}

/* 1 if any sample is NaN or infinite. */
static int has_nonfinite(const float *x, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 1;
    return 0;
}

/* Frequency of x over [a, b) from its upward zero crossings (interpolated). */
static double zc_freq(const float *x, int64_t a, int64_t b, int rate)
{
    double first = -1.0, last = -1.0;
    int count = 0;
    for (int64_t i = a + 1; i < b; i++) {
        if (x[i - 1] <= 0.0f && x[i] > 0.0f) {
            double t = (double)(i - 1) + (double)x[i - 1] / ((double)x[i - 1] - x[i]);
            if (first < 0.0)
                first = t;
            last = t;
            count++;
        }
    }
    assert_true(count >= 3);
    return (count - 1) * (double)rate / (last - first);
}

/* ---- tables -------------------------------------------------------------- */

/* Tables build at the supported rates and not outside them. */
static void test_tables_rates(void **state)
{
    (void)state;
    assert_null(synth_tables_new(7999));
    assert_null(synth_tables_new(384001));
    assert_null(synth_tables_new(0));
    synth_tables_free(NULL);
    for (int i = 0; i < NRATES; i++) {
        synth_tables *tb = synth_tables_new(RATES[i]);
        assert_non_null(tb);
        assert_int_equal(synth_tables_rate(tb), RATES[i]);
        synth_tables_free(tb);
    }
}

/* At every rate every voice renders finite samples within its bounds and
 * starts and ends at zero, also with frequencies outside what the rate can
 * carry (they are clamped). */
static void test_all_voices_all_rates(void **state)
{
    (void)state;
    for (int i = 0; i < NRATES; i++) {
        const int rate = RATES[i];
        synth_tables *tb = synth_tables_new(rate);
        assert_non_null(tb);
        const float gain = 0.5f;

        /* tones: a normal one and one gliding over the whole audible range */
        const double glides[3][2] = {{196.0, 294.0}, {20.0, 20000.0}, {20000.0, 20.0}};
        for (int g = 0; g < 3; g++) {
            int64_t frames = 2 * (int64_t)rate;
            float *x = zeros(frames);
            render_tone(tb, SYNTH_RISE, glides[g][0], glides[g][1], frames, gain, 4096, x);
            assert_false(has_nonfinite(x, frames));
            assert_true(peak_of(x, 0, frames) <= gain);
            assert_true(peak_of(x, 0, frames) > 0.5 * gain);
            assert_true(fabs(x[0]) < 1e-3 * gain);
            assert_true(fabs(x[frames - 1]) < 1e-3 * gain);
            free(x);
        }

        /* bell */
        int64_t bf = (int64_t)SYNTH_BELL_SECONDS * rate;
        float *b = zeros(bf);
        render_bell(tb, gain, 4096, b);
        assert_false(has_nonfinite(b, bf));
        double bp = peak_of(b, 0, bf);
        assert_true(bp <= gain);
        assert_true(bp >= 0.999 * gain); /* normalised to its gain */
        assert_true(peak_of(b, bf - rate, bf) < 1e-3 * bp);
        assert_true(b[0] == 0.0f && b[bf - 1] == 0.0f);
        free(b);

        /* pulse */
        int64_t pf = 3 * (int64_t)rate;
        float *p = zeros(pf);
        render_pulse(tb, 240, pf, gain, 4096, p);
        assert_false(has_nonfinite(p, pf));
        assert_true(peak_of(p, 0, pf) <= gain);
        assert_true(peak_of(p, 0, pf) > 0.9 * gain);
        assert_true(fabs(p[0]) < 1e-3 * gain && fabs(p[pf - 1]) < 1e-3 * gain);
        free(p);

        /* beds: RMS near gain after the fade-in, peaks within 6 times it */
        for (int noise = SYNTH_PINK; noise <= SYNTH_BROWN; noise++) {
            int64_t nf = 4 * (int64_t)rate;
            float *l = zeros(nf), *r = zeros(nf);
            const float bg = 0.05f;
            assert_int_equal(render_bed(tb, (synth_noise)noise, bg, 1u, -1, nf, 4096, l, r), -1);
            assert_false(has_nonfinite(l, nf) || has_nonfinite(r, nf));
            assert_true(peak_of(l, 0, nf) < 6.0 * bg && peak_of(r, 0, nf) < 6.0 * bg);
            double rl = rms_of(l, 2 * (int64_t)rate, nf), rr = rms_of(r, 2 * (int64_t)rate, nf);
            /* 2 s of brown noise is a short look at its lowest frequencies */
            assert_true(fabs(20.0 * log10(rl / bg)) < 2.0);
            assert_true(fabs(20.0 * log10(rr / bg)) < 2.0);
            assert_true(fabs(l[0]) < 1e-3 * bg && fabs(r[0]) < 1e-3 * bg);
            free(l);
            free(r);
        }
        synth_tables_free(tb);
    }
}

/* ---- tone ---------------------------------------------------------------- */

/* Any split into process calls gives the same bits; process adds (+=). */
static void test_tone_chunks(void **state)
{
    (void)state;
    synth_tables *tb = synth_tables_new(48000);
    const synth_shape shapes[3] = {SYNTH_RISE, SYNTH_FALL, SYNTH_STEADY};
    const int64_t frames = 192001; /* 4 s and a frame: not a multiple of anything */
    float *ref = zeros(frames), *x = zeros(frames);
    for (int s = 0; s < 3; s++) {
        memset(ref, 0, (size_t)frames * sizeof *ref);
        render_tone(tb, shapes[s], 196.0, 294.0, frames, 0.8f, CHUNK_WHOLE, ref);
        for (int p = 1; p < NPLANS; p++) {
            memset(x, 0, (size_t)frames * sizeof *x);
            render_tone(tb, shapes[s], 196.0, 294.0, frames, 0.8f, PLANS[p], x);
            assert_memory_equal(ref, x, (size_t)frames * sizeof *x);
        }
        /* determinism and +=: onto 0.25 the result is 0.25 + each sample */
        for (int64_t i = 0; i < frames; i++)
            x[i] = 0.25f;
        render_tone(tb, shapes[s], 196.0, 294.0, frames, 0.8f, 256, x);
        for (int64_t i = 0; i < frames; i++)
            assert_true(x[i] == 0.25f + ref[i]);
    }
    free(ref);
    free(x);
    synth_tables_free(tb);
}

/* Bounds, zero ends and the step bound: a 294 Hz tone at 48 kHz moves at most
 * 2 pi f / rate times the waveform's slope factor (1 + 2 * 0.12 + 3 * 0.03 =
 * 1.33 for its harmonics) per frame, plus the raised-cosine envelope's
 * largest slope, pi / (2 * attack frames). */
static void test_tone_edges_and_steps(void **state)
{
    (void)state;
    const int rate = 48000;
    synth_tables *tb = synth_tables_new(rate);
    const float gains[2] = {1.0f, 0.3f};
    const synth_shape shapes[3] = {SYNTH_RISE, SYNTH_FALL, SYNTH_STEADY};
    for (int gi = 0; gi < 2; gi++) {
        for (int s = 0; s < 3; s++) {
            const float gain = gains[gi];
            const int64_t frames = 4 * rate;
            const double f_hi = 294.0; /* the highest frequency of every shape here */
            const double f0 = shapes[s] == SYNTH_FALL ? 294.0 : shapes[s] == SYNTH_RISE ? 196.0 : 294.0;
            const double f1 = shapes[s] == SYNTH_RISE ? 294.0 : shapes[s] == SYNTH_FALL ? 196.0 : 294.0;
            float *x = zeros(frames);
            render_tone(tb, shapes[s], f0, f1, frames, gain, 256, x);
            double pk = peak_of(x, 0, frames);
            assert_true(pk <= gain);
            assert_true(pk >= 0.95 * gain); /* it does reach its peak */
            assert_true(fabs(x[0]) < 1e-3 * gain);
            assert_true(fabs(x[frames - 1]) < 1e-3 * gain);
            const double attack = 0.25 * rate; /* min(250 ms, frames / 4) */
            double bound = gain * (2.0 * PI * f_hi / rate * 1.34 + PI / (2.0 * attack));
            assert_true(max_step(x, frames) <= bound);
            free(x);
        }
    }
    /* a short tone: attack and release are 1/4 of it; still zero ends */
    {
        const int64_t frames = 4800; /* 100 ms: ramps of 1200 frames */
        float *x = zeros(frames);
        render_tone(tb, SYNTH_STEADY, 294.0, 294.0, frames, 1.0f, CHUNK_WHOLE, x);
        assert_true(fabs(x[0]) < 1e-3 && fabs(x[frames - 1]) < 1e-3);
        assert_true(peak_of(x, 0, frames) <= 1.0);
        assert_true(max_step(x, frames) <= 2.0 * PI * 294.0 / rate * 1.34 + PI / (2.0 * 1200.0));
        free(x);
    }
    synth_tables_free(tb);
}

/* Rise swells from about 0.75 to 1 of the gain, fall the other way, steady
 * stays: compare the peaks of 0.5 s windows after the attack and before the
 * release. */
static void test_tone_levels(void **state)
{
    (void)state;
    const int rate = 48000;
    synth_tables *tb = synth_tables_new(rate);
    const int64_t frames = 8 * rate;
    const synth_shape shapes[3] = {SYNTH_RISE, SYNTH_FALL, SYNTH_STEADY};
    const double early[3] = {0.75, 1.0, 1.0}, late[3] = {1.0, 0.75, 1.0};
    for (int s = 0; s < 3; s++) {
        float *x = zeros(frames);
        render_tone(tb, shapes[s], 220.0, 220.0, frames, 1.0f, 4096, x);
        double e = peak_of(x, rate / 4, rate / 2 + rate / 4);
        double l = peak_of(x, frames - rate / 2 - rate * 35 / 100, frames - rate * 35 / 100);
        assert_true(fabs(e - early[s]) < 0.03);
        assert_true(fabs(l - late[s]) < 0.03);
        free(x);
    }
    synth_tables_free(tb);
}

/* A tone lasts exactly `frames`: returns 0 at its end and never writes past
 * it, also when asked for more, and writes nothing once ended. */
static void test_tone_length(void **state)
{
    (void)state;
    synth_tables *tb = synth_tables_new(48000);
    const float sentinel = 7.0f;
    float buf[1300];
    for (int i = 0; i < 1300; i++)
        buf[i] = sentinel;
    synth_tone v;
    synth_tone_start(&v, tb, SYNTH_STEADY, 294.0, 294.0, 1000, 1.0f);
    assert_int_equal(synth_tone_process(&v, buf, 999), 1);
    assert_int_equal(synth_tone_process(&v, buf + 999, 300), 0);
    for (int i = 1000; i < 1300; i++)
        assert_true(buf[i] == sentinel);
    assert_true(fabsf(buf[999] - sentinel) < 1e-3f); /* the last sample is ~0 */
    assert_int_equal(synth_tone_process(&v, buf + 1000, 300), 0);
    for (int i = 1000; i < 1300; i++)
        assert_true(buf[i] == sentinel);
    assert_int_equal(synth_tone_process(&v, buf, 0), 0);

    /* asked for exactly its length in one call */
    synth_tone_start(&v, tb, SYNTH_RISE, 196.0, 294.0, 1000, 1.0f);
    assert_int_equal(synth_tone_process(&v, buf, 1000), 0);
    assert_true(buf[1000] == sentinel);

    /* a zero-length request leaves it running */
    synth_tone_start(&v, tb, SYNTH_RISE, 196.0, 294.0, 10, 1.0f);
    assert_int_equal(synth_tone_process(&v, buf, 0), 1);

    /* one frame: one silent sample */
    float one[2] = {0.0f, sentinel};
    synth_tone_start(&v, tb, SYNTH_FALL, 294.0, 196.0, 1, 1.0f);
    assert_int_equal(synth_tone_process(&v, one, 2), 0);
    assert_true(one[0] == 0.0f && one[1] == sentinel);
    synth_tables_free(tb);
}

/* The glide glides, exponentially: the zero-crossing frequency near the start
 * and near the end matches f_from and f_to, and in the middle the geometric
 * mean. */
static void test_tone_glide(void **state)
{
    (void)state;
    const int rates[2] = {48000, 44100};
    const double pairs[2][2] = {{196.0, 294.0}, {294.0, 196.0}};
    for (int ri = 0; ri < 2; ri++) {
        const int rate = rates[ri];
        synth_tables *tb = synth_tables_new(rate);
        for (int pi = 0; pi < 2; pi++) {
            const double f0 = pairs[pi][0], f1 = pairs[pi][1];
            const int64_t frames = 8 * (int64_t)rate;
            float *x = zeros(frames);
            render_tone(tb, f1 > f0 ? SYNTH_RISE : SYNTH_FALL, f0, f1, frames, 1.0f, 777, x);
            const int64_t w = rate / 10; /* 100 ms windows */
            double fs = zc_freq(x, 0, w, rate);
            double fe = zc_freq(x, frames - w, frames, rate);
            double fm = zc_freq(x, frames / 2 - w / 2, frames / 2 + w / 2, rate);
            assert_true(fabs(fs / f0 - 1.0) < 0.02);
            assert_true(fabs(fe / f1 - 1.0) < 0.02);
            assert_true(fabs(fm / sqrt(f0 * f1) - 1.0) < 0.005);
            free(x);
        }
        synth_tables_free(tb);
    }
}

/* The shape, sample by sample, against the design in double precision: the
 * phase the sum of increments that grow by the glide's ratio every frame,
 * the waveform s (wa + wb s^2 + wc c) of the exact sin s and cos c, the swell
 * and the raised-cosine edges. The tone turns its oscillators in float
 * inside each block; this bounds what that costs (and catches a drift that
 * grows with the tone's length, a wrong turn or a glide that turns wrong):
 * within 3e-5 of the gain (-90 dB) everywhere (measured: 6e-6 to 2e-5; the
 * four-lane polynomial tone before it: 5e-6 to 4e-5), for steady, rising and
 * falling tones, low and high (above 0.15 of the rate the 3rd harmonic is
 * dropped), 44.1 and 48 kHz, 8 s long, in odd calls. */
static void test_tone_shape(void **state)
{
    (void)state;
    const int rates[2] = {48000, 44100};
    const double tones[4][2] = {{220.0, 220.0}, {196.0, 294.0}, {294.0, 150.0}, {7000.0, 9500.0}};
    const synth_shape shapes[4] = {SYNTH_STEADY, SYNTH_RISE, SYNTH_FALL, SYNTH_RISE};
    for (int ri = 0; ri < 2; ri++) {
        const int rate = rates[ri];
        synth_tables *tb = synth_tables_new(rate);
        for (int t = 0; t < 4; t++) {
            const int64_t frames = 8 * (int64_t)rate + 13;
            const float gain = 0.8f;
            float *x = zeros(frames);
            render_tone(tb, shapes[t], tones[t][0], tones[t][1], frames, gain, 777, x);
            synth_tone v;
            synth_tone_start(&v, tb, shapes[t], tones[t][0], tones[t][1], frames, gain);
            const double m = pow(tones[t][1] / tones[t][0], 1.0 / (double)(frames - 1));
            double phase = 0.0, inc = tones[t][0] / rate, worst = 0.0;
            for (int64_t n = 0; n < frames; n++) {
                double a = 2.0 * PI * phase, sn = sin(a), cs = cos(a);
                double y = sn * (v.wa + v.wb * sn * sn + v.wc * cs);
                double level = (v.level0 + v.level_step * (double)n) * v.gain;
                double ea = n < v.attack ? 0.5 - 0.5 * cos(PI * (double)n / (double)v.attack) : 1.0;
                int64_t back = frames - 1 - n;
                double er = back < v.release ? 0.5 - 0.5 * cos(PI * (double)back / (double)v.release) : 1.0;
                double err = fabs(x[n] - y * level * ea * er);
                worst = err > worst ? err : worst;
                phase += inc;
                phase -= floor(phase);
                inc *= m;
            }
            if (worst > 3e-5 * gain)
                fail_msg("rate %d, tone %d: off by %g (%.1f dB of the gain)", rate, t, worst,
                         20.0 * log10(worst / gain));
            free(x);
        }
        synth_tables_free(tb);
    }
}

/* ---- bell ---------------------------------------------------------------- */

/* Any split gives the same bits. */
static void test_bell_chunks(void **state)
{
    (void)state;
    const int rate = 44100;
    synth_tables *tb = synth_tables_new(rate);
    const int64_t frames = (int64_t)SYNTH_BELL_SECONDS * rate;
    float *ref = zeros(frames), *x = zeros(frames);
    render_bell(tb, 0.7f, CHUNK_WHOLE, ref);
    for (int p = 1; p < NPLANS; p++) {
        memset(x, 0, (size_t)frames * sizeof *x);
        render_bell(tb, 0.7f, PLANS[p], x);
        assert_memory_equal(ref, x, (size_t)frames * sizeof *x);
    }
    free(ref);
    free(x);
    synth_tables_free(tb);
}

/* Peak at gain, silent (< -60 dB) in its last second, exactly 0 at the end,
 * a soft attack, no step larger than a signal with partials below 3.5 kHz can
 * make (Bernstein: |x'| <= 2 pi f_max max|x|), and remaining() counting down
 * to 0 (checked in render_bell) with process returning 0 after the end. */
static void test_bell_shape(void **state)
{
    (void)state;
    const int rate = 48000;
    synth_tables *tb = synth_tables_new(rate);
    const int64_t frames = (int64_t)SYNTH_BELL_SECONDS * rate;
    const float gain = 0.6f;
    float *x = zeros(frames + 64);
    for (int64_t i = frames; i < frames + 64; i++)
        x[i] = 3.0f;
    render_bell(tb, gain, 256, x);
    for (int64_t i = frames; i < frames + 64; i++)
        assert_true(x[i] == 3.0f);
    double pk = peak_of(x, 0, frames);
    assert_true(pk <= gain && pk >= 0.999 * gain);
    assert_true(20.0 * log10(peak_of(x, frames - rate, frames) / pk) < -60.0);
    assert_true(x[frames - 1] == 0.0f);
    assert_true(x[0] == 0.0f);
    assert_true(peak_of(x, 0, rate / 2000) < 0.05 * gain); /* first 0.5 ms */
    assert_true(peak_of(x, 0, rate / 10) > 0.5 * gain);     /* but it does ring at once */
    assert_true(max_step(x, frames) <= 2.0 * PI * 3500.0 / rate * gain);
    /* it decays: each second quieter than the one before */
    for (int s = 1; s < SYNTH_BELL_SECONDS; s++)
        assert_true(peak_of(x, (int64_t)s * rate, (int64_t)(s + 1) * rate) <
                    peak_of(x, (int64_t)(s - 1) * rate, (int64_t)s * rate));

    synth_bell v;
    synth_bell_start(&v, tb, gain);
    float buf[512] = {0};
    assert_int_equal(synth_bell_remaining(&v), frames);
    assert_int_equal(synth_bell_process(&v, buf, 512), 1);
    assert_int_equal(synth_bell_remaining(&v), frames - 512);
    free(x);
    synth_tables_free(tb);
}

/* ---- pulse --------------------------------------------------------------- */

/* Any split gives the same bits, at a rate where beats fall on fractional
 * frame positions. */
static void test_pulse_chunks(void **state)
{
    (void)state;
    const int rate = 44100;
    synth_tables *tb = synth_tables_new(rate);
    const int64_t frames = 10 * (int64_t)rate + 13;
    const int bpms[3] = {30, 110, 240};
    float *ref = zeros(frames), *x = zeros(frames);
    for (int b = 0; b < 3; b++) {
        memset(ref, 0, (size_t)frames * sizeof *ref);
        render_pulse(tb, bpms[b], frames, 0.9f, CHUNK_WHOLE, ref);
        for (int p = 1; p < NPLANS; p++) {
            memset(x, 0, (size_t)frames * sizeof *x);
            render_pulse(tb, bpms[b], frames, 0.9f, PLANS[p], x);
            assert_memory_equal(ref, x, (size_t)frames * sizeof *x);
        }
    }
    free(ref);
    free(x);
    synth_tables_free(tb);
}

/* The onset of each beat: a beat's first sample is the zero its raised-cosine
 * attack starts from, so the onset is the last exactly silent sample before
 * the signal rises above 5 % of gain; a beat has ended once two samples in a
 * row are exactly 0. Returns the number of onsets written to pos. */
static int find_onsets(const float *x, int64_t n, float gain, int64_t *pos, int max)
{
    int count = 0, in_beat = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!in_beat && fabsf(x[i]) > 0.05f * gain) {
            int64_t j = i;
            while (j > 0 && x[j] != 0.0f)
                j--;
            if (count < max)
                pos[count] = j;
            count++;
            in_beat = 1;
        } else if (in_beat && i > 0 && x[i] == 0.0f && x[i - 1] == 0.0f) {
            in_beat = 0;
        }
    }
    return count;
}

/* Beat k starts on exactly floor(k * 60 * rate / bpm), also when that is not
 * an integer (44100 Hz at 110 and 130 bpm), at the edges 30 and 240 bpm. */
static void test_pulse_onsets(void **state)
{
    (void)state;
    const struct {
        int rate, bpm;
    } cases[] = {{48000, 60},  {48000, 100}, {48000, 30},  {48000, 240}, {48000, 110},
                 {44100, 60},  {44100, 110}, {44100, 130}, {44100, 30},  {44100, 240},
                 {44100, 97},  {8000, 240},  {96000, 77}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const int rate = cases[c].rate, bpm = cases[c].bpm;
        synth_tables *tb = synth_tables_new(rate);
        const int64_t frames = 20 * (int64_t)rate + 101;
        const float gain = 0.8f;
        float *x = zeros(frames);
        render_pulse(tb, bpm, frames, gain, CHUNK_RANDOM, x);
        int64_t found[200];
        int n = find_onsets(x, frames, gain, found, 200);
        /* the beats that have room to rise before the end (10 ms) */
        int expect = 0;
        for (int64_t k = 0;; k++) {
            int64_t s = k * 60 * (int64_t)rate / bpm;
            if (s >= frames - rate / 100)
                break;
            assert_true(expect < n);
            assert_int_equal(found[expect], s);
            expect++;
        }
        assert_int_equal(n, expect);
        assert_int_equal(n, (int)((frames - rate / 100 - 1) * bpm / (60 * (int64_t)rate)) + 1);
        free(x);
        synth_tables_free(tb);
    }
}

/* Peak at most gain, zero ends, and no click: a 90 Hz thump with a raised-
 * cosine attack of at least 2 ms moves per frame at most
 * gain * (2 pi 90 / rate + pi / (2 * 2 ms)); also at the end of a pulse that
 * cuts a beat short and where a fast beat is cut by the next. */
static void test_pulse_edges(void **state)
{
    (void)state;
    const int rate = 48000;
    synth_tables *tb = synth_tables_new(rate);
    const int bpms[4] = {30, 60, 100, 240};
    const int64_t lens[3] = {5 * rate + 4321, 4 * rate + 4 * rate / 5, 300};
    for (int b = 0; b < 4; b++) {
        for (int li = 0; li < 3; li++) {
            const int64_t frames = lens[li];
            const float gain = 0.7f;
            float *x = zeros(frames + 16);
            for (int64_t i = frames; i < frames + 16; i++)
                x[i] = -5.0f;
            render_pulse(tb, bpms[b], frames, gain, 7, x);
            for (int64_t i = frames; i < frames + 16; i++)
                assert_true(x[i] == -5.0f);
            assert_true(peak_of(x, 0, frames) <= gain);
            assert_true(fabs(x[0]) < 1e-3 * gain);
            assert_true(fabs(x[frames - 1]) < 1e-3 * gain);
            double bound = gain * (2.0 * PI * 90.0 / rate + PI / (2.0 * 0.002 * rate));
            assert_true(max_step(x, frames) <= bound);
            if (frames > rate)
                assert_true(peak_of(x, 0, frames) > 0.95 * gain);
            free(x);
        }
    }
    /* a pulse of one frame: silent */
    synth_pulse v;
    float one[2] = {0.0f, 2.0f};
    synth_pulse_start(&v, tb, 60, 1, 1.0f);
    assert_int_equal(synth_pulse_process(&v, one, 2), 0);
    assert_true(one[0] == 0.0f && one[1] == 2.0f);
    assert_int_equal(synth_pulse_process(&v, one, 2), 0);
    assert_true(one[0] == 0.0f && one[1] == 2.0f);
    synth_tables_free(tb);
}

/* The thump's pitch falls: early in a beat it is faster than late. */
static void test_pulse_pitch_falls(void **state)
{
    (void)state;
    const int rate = 48000;
    synth_tables *tb = synth_tables_new(rate);
    const int64_t frames = rate;
    float *x = zeros(frames);
    render_pulse(tb, 30, frames, 1.0f, CHUNK_WHOLE, x);
    double early = zc_freq(x, 0, rate / 20, rate);        /* first 50 ms */
    double late = zc_freq(x, rate / 5, rate / 2, rate);   /* 200 .. 500 ms */
    assert_true(early > 65.0 && early < 92.0);
    assert_true(late > 52.0 && late < 58.0);
    free(x);
    synth_tables_free(tb);
}

/* ---- noise beds ---------------------------------------------------------- */

/* Any split gives the same bits, with and without a stop (at the same
 * frame), and the same seed gives the same noise. */
static void test_bed_chunks(void **state)
{
    (void)state;
    const int rate = 48000;
    synth_tables *tb = synth_tables_new(rate);
    const int64_t cap = 7 * rate;
    const int64_t stops[3] = {-1, 3 * rate + 17, rate / 2 + 3};
    float *rl = zeros(cap), *rr = zeros(cap), *l = zeros(cap), *r = zeros(cap);
    for (int noise = SYNTH_PINK; noise <= SYNTH_BROWN; noise++) {
        for (int s = 0; s < 3; s++) {
            memset(rl, 0, (size_t)cap * sizeof *rl);
            memset(rr, 0, (size_t)cap * sizeof *rr);
            int64_t end = render_bed(tb, (synth_noise)noise, 0.1f, 5u, stops[s], cap, CHUNK_WHOLE,
                                     rl, rr);
            for (int p = 1; p < NPLANS; p++) {
                memset(l, 0, (size_t)cap * sizeof *l);
                memset(r, 0, (size_t)cap * sizeof *r);
                int64_t e2 = render_bed(tb, (synth_noise)noise, 0.1f, 5u, stops[s], cap,
                                        PLANS[p], l, r);
                assert_int_equal(e2, end);
                assert_memory_equal(rl, l, (size_t)cap * sizeof *l);
                assert_memory_equal(rr, r, (size_t)cap * sizeof *r);
            }
        }
    }
    /* another seed gives other noise */
    memset(l, 0, (size_t)cap * sizeof *l);
    memset(r, 0, (size_t)cap * sizeof *r);
    render_bed(tb, SYNTH_BROWN, 0.1f, 6u, -1, rate, 256, l, r);
    assert_true(memcmp(rl + rate / 2, l + rate / 2, (size_t)(rate / 2) * sizeof *l) != 0);
    free(rl);
    free(rr);
    free(l);
    free(r);
    synth_tables_free(tb);
}

/* RMS within 1.5 dB of gain after the fade-in (over 10 s, both channels),
 * peaks well inside 6 times the RMS, and L and R uncorrelated. */
static void test_bed_level_and_width(void **state)
{
    (void)state;
    const int rate = 48000;
    synth_tables *tb = synth_tables_new(rate);
    const int64_t frames = 12 * rate, from = 2 * rate;
    const float gains[2] = {0.1f, 0.02f};
    float *l = zeros(frames), *r = zeros(frames);
    for (int noise = SYNTH_PINK; noise <= SYNTH_BROWN; noise++) {
        for (int g = 0; g < 2; g++) {
            memset(l, 0, (size_t)frames * sizeof *l);
            memset(r, 0, (size_t)frames * sizeof *r);
            render_bed(tb, (synth_noise)noise, gains[g], 1234u + (uint32_t)g, -1, frames, 4096, l,
                       r);
            double dl = 20.0 * log10(rms_of(l, from, frames) / gains[g]);
            double dr = 20.0 * log10(rms_of(r, from, frames) / gains[g]);
            assert_true(fabs(dl) < 1.5 && fabs(dr) < 1.5);
            assert_true(peak_of(l, 0, frames) < 6.0 * gains[g]);
            assert_true(peak_of(r, 0, frames) < 6.0 * gains[g]);
            double sl = 0, sr = 0, slr = 0;
            for (int64_t i = from; i < frames; i++) {
                sl += (double)l[i] * l[i];
                sr += (double)r[i] * r[i];
                slr += (double)l[i] * r[i];
            }
            assert_true(fabs(slr / sqrt(sl * sr)) < 0.2);
        }
    }
    free(l);
    free(r);
    synth_tables_free(tb);
}

/* The fade-in: silent start, about half the level (-6 dB) at 1 s, full level
 * from 2 s (averaged over several seeds to tame the noise's own wobble). */
static void test_bed_fade_in(void **state)
{
    (void)state;
    const int rate = 48000;
    synth_tables *tb = synth_tables_new(rate);
    const int64_t frames = 6 * rate;
    float *l = zeros(frames), *r = zeros(frames);
    for (int noise = SYNTH_PINK; noise <= SYNTH_BROWN; noise++) {
        double e_start = 0, e_mid = 0, e_full = 0, e_ref = 0;
        for (uint32_t seed = 0; seed < 8; seed++) {
            memset(l, 0, (size_t)frames * sizeof *l);
            memset(r, 0, (size_t)frames * sizeof *r);
            render_bed(tb, (synth_noise)noise, 0.1f, seed, -1, frames, 4096, l, r);
            assert_true(fabs(l[0]) < 1e-4 && fabs(r[0]) < 1e-4);
            e_start += pow(rms_of(l, 0, rate / 10), 2) + pow(rms_of(r, 0, rate / 10), 2);
            e_mid += pow(rms_of(l, rate - rate / 10, rate + rate / 10), 2) +
                     pow(rms_of(r, rate - rate / 10, rate + rate / 10), 2);
            e_full += pow(rms_of(l, 2 * rate, 3 * rate), 2) + pow(rms_of(r, 2 * rate, 3 * rate), 2);
            e_ref += pow(rms_of(l, 3 * rate, frames), 2) + pow(rms_of(r, 3 * rate, frames), 2);
        }
        assert_true(10.0 * log10(e_start / e_ref) < -30.0);
        assert_true(fabs(10.0 * log10(e_mid / e_ref) + 6.0) < 1.5);
        assert_true(fabs(10.0 * log10(e_full / e_ref)) < 1.0);
    }
    free(l);
    free(r);
    synth_tables_free(tb);
}

/* The raised cosine 0.5 - 0.5 cos(pi x). */
static double rcos(double x)
{
    return 0.5 - 0.5 * cos(PI * x);
}

/* Stop: the same noise as the unstopped bed, times a raised-cosine fade from
 * the level it had (also mid fade-in, without a jump), silent and returning 0
 * after exactly SYNTH_BED_FADE_SECONDS; nothing written after that. */
static void test_bed_stop(void **state)
{
    (void)state;
    const int rate = 48000;
    const int64_t F = (int64_t)SYNTH_BED_FADE_SECONDS * rate;
    synth_tables *tb = synth_tables_new(rate);
    const int64_t frames = 8 * rate;
    float *al = zeros(frames), *ar = zeros(frames), *bl = zeros(frames), *br = zeros(frames);
    const int64_t stops[2] = {3 * rate, rate / 2};
    for (int noise = SYNTH_PINK; noise <= SYNTH_BROWN; noise++) {
        for (int s = 0; s < 2; s++) {
            const int64_t st = stops[s];
            memset(al, 0, (size_t)frames * sizeof *al);
            memset(ar, 0, (size_t)frames * sizeof *ar);
            memset(bl, 0, (size_t)frames * sizeof *bl);
            memset(br, 0, (size_t)frames * sizeof *br);
            render_bed(tb, (synth_noise)noise, 0.1f, 77u, -1, frames, 512, al, ar);
            int64_t end = render_bed(tb, (synth_noise)noise, 0.1f, 77u, st, frames, 333, bl, br);
            assert_int_equal(end, st + F);
            assert_memory_equal(al, bl, (size_t)st * sizeof *al);
            const double l0 = st >= F ? 1.0 : rcos((double)st / (double)F);
            double worst = 0.0;
            for (int64_t q = 0; q < F; q++) {
                int64_t i = st + q;
                double a_level = i >= F ? 1.0 : rcos((double)i / (double)F);
                double expect = l0 * rcos((double)(F - 1 - q) / (double)(F - 1)) / a_level;
                if (fabs(al[i]) > 1e-3) {
                    double d = fabs(bl[i] / al[i] - expect);
                    worst = d > worst ? d : worst;
                }
            }
            assert_true(worst < 1e-4);
            /* no jump: right at the stop the ratio is still 1 */
            assert_true(fabs(bl[st] / al[st] - 1.0) < 1e-4 || fabs(al[st]) < 1e-3);
            assert_true(bl[st + F - 1] == 0.0f && br[st + F - 1] == 0.0f);
            for (int64_t i = st + F; i < frames; i++)
                assert_true(bl[i] == 0.0f && br[i] == 0.0f);
        }
    }
    /* after the fade-out: process returns 0 and writes nothing */
    synth_bed v;
    synth_bed_start(&v, tb, SYNTH_PINK, 0.1f, 1u);
    synth_bed_stop(&v); /* stopped at once: from level 0, silent */
    float l[64], r[64];
    for (int i = 0; i < 64; i++)
        l[i] = r[i] = 0.0f;
    assert_int_equal(synth_bed_remaining(&v), F);
    int64_t done = 0;
    while (synth_bed_process(&v, al, ar, 4096))
        done += 4096;
    assert_true(done < F && done + 4096 >= F);
    assert_int_equal(synth_bed_remaining(&v), 0);
    assert_int_equal(synth_bed_process(&v, l, r, 64), 0);
    for (int i = 0; i < 64; i++)
        assert_true(l[i] == 0.0f && r[i] == 0.0f);
    synth_bed_stop(&v); /* no-op once silent */
    assert_int_equal(synth_bed_process(&v, l, r, 64), 0);
    free(al);
    free(ar);
    free(bl);
    free(br);
    synth_tables_free(tb);
}

/* In-place radix-2 FFT of n (a power of 2) complex values. */
static void fft(double *re, double *im, int n)
{
    for (int i = 1, j = 0; i < n; i++) {
        int bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            double t = re[i];
            re[i] = re[j];
            re[j] = t;
            t = im[i];
            im[i] = im[j];
            im[j] = t;
        }
    }
    for (int len = 2; len <= n; len <<= 1) {
        double a = -2.0 * PI / len;
        for (int i = 0; i < n; i += len) {
            for (int k = 0; k < len / 2; k++) {
                double wr = cos(a * k), wi = sin(a * k);
                double xr = re[i + k + len / 2] * wr - im[i + k + len / 2] * wi;
                double xi = re[i + k + len / 2] * wi + im[i + k + len / 2] * wr;
                re[i + k + len / 2] = re[i + k] - xr;
                im[i + k + len / 2] = im[i + k] - xi;
                re[i + k] += xr;
                im[i + k] += xi;
            }
        }
    }
}

/* Slope in dB per octave of the noise's power density: a Welch average of
 * 4096-point Hann-windowed spectra, the mean density in octave bands centred
 * on 125 Hz .. 8 kHz, and a least-squares line through them. */
static double spectral_slope(const float *x, int64_t n, int rate)
{
    enum { N = 4096, BANDS = 7 };
    static double re[N], im[N], psd[N / 2];
    memset(psd, 0, sizeof psd);
    int blocks = 0;
    for (int64_t off = 0; off + N <= n; off += N / 2, blocks++) {
        for (int i = 0; i < N; i++) {
            re[i] = x[off + i] * (0.5 - 0.5 * cos(2.0 * PI * i / N));
            im[i] = 0.0;
        }
        fft(re, im, N);
        for (int k = 0; k < N / 2; k++)
            psd[k] += re[k] * re[k] + im[k] * im[k];
    }
    assert_true(blocks > 10);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int b = 0; b < BANDS; b++) {
        double fc = 125.0 * pow(2.0, b);
        int k0 = (int)ceil(fc / sqrt(2.0) * N / rate), k1 = (int)floor(fc * sqrt(2.0) * N / rate);
        double e = 0;
        for (int k = k0; k <= k1; k++)
            e += psd[k];
        double db = 10.0 * log10(e / (k1 - k0 + 1));
        sx += b;
        sy += db;
        sxx += (double)b * b;
        sxy += b * db;
    }
    return (BANDS * sxy - sx * sy) / (BANDS * sxx - sx * sx);
}

/* Power of x[0, frames) in the octaves [f0 2^b, f0 2^(b+1)), b < nb, by
 * Welch's method (Hann windows of 8192, half overlapping). */
static void octave_powers(const float *x, int64_t frames, int rate, double f0, int nb,
                          double *band)
{
    enum { N = 8192 };
    double *re = malloc(N * sizeof *re), *im = malloc(N * sizeof *im);
    for (int b = 0; b < nb; b++)
        band[b] = 0.0;
    for (int64_t s = 0; s + N <= frames; s += N / 2) {
        for (int i = 0; i < N; i++) {
            re[i] = x[s + i] * (0.5 - 0.5 * cos(2.0 * PI * i / N));
            im[i] = 0.0;
        }
        fft(re, im, N);
        for (int k = 1; k < N / 2; k++) {
            double f = (double)k * rate / N;
            int b = (int)floor(log2(f / f0));
            if (b >= 0 && b < nb)
                band[b] += re[k] * re[k] + im[k] * im[k];
        }
    }
    free(re);
    free(im);
}

/* The pink bed's spectrum: equal power in every octave from 31 Hz to 16 kHz
 * (pink: -3 dB per octave of density), each octave within 0.5 dB of their
 * mean, in both channels, at 48 and 44.1 kHz; and its loudness: RMS within
 * 0.25 dB of the gain. (Kellet's economy filter is within 0.45 dB of pink at
 * any frequency; the octaves average the ripple out.) */
static void test_pink_spectrum_and_level(void **state)
{
    (void)state;
    const int rates[2] = {48000, 44100};
    enum { NB = 9 };
    for (int ri = 0; ri < 2; ri++) {
        const int rate = rates[ri];
        synth_tables *tb = synth_tables_new(rate);
        const int64_t from = 2 * (int64_t)rate, frames = from + 60 * (int64_t)rate;
        float *l = zeros(frames), *r = zeros(frames);
        render_bed(tb, SYNTH_PINK, 0.1f, 99u, -1, frames, 999, l, r);
        for (int c = 0; c < 2; c++) {
            const float *x = (c ? r : l) + from;
            double band[NB], mean = 0.0;
            octave_powers(x, frames - from, rate, 31.25, NB, band);
            for (int b = 0; b < NB; b++)
                mean += 10.0 * log10(band[b]) / NB;
            for (int b = 0; b < NB; b++) {
                double dev = 10.0 * log10(band[b]) - mean;
                if (fabs(dev) > 0.5)
                    fail_msg("rate %d, channel %d: octave from %.0f Hz is %+.2f dB off", rate, c,
                             31.25 * pow(2.0, b), dev);
            }
            double db = 20.0 * log10(rms_of(c ? r : l, from, frames) / 0.1);
            if (fabs(db) > 0.25)
                fail_msg("rate %d, channel %d: RMS %+.2f dB from the gain", rate, c, db);
        }
        free(l);
        free(r);
        synth_tables_free(tb);
    }
}

/* Pink falls about 3 dB per octave, brown about 6, in both channels. */
static void test_bed_spectrum(void **state)
{
    (void)state;
    const int rate = 48000;
    synth_tables *tb = synth_tables_new(rate);
    const int64_t frames = 22 * rate, from = 2 * rate;
    float *l = zeros(frames), *r = zeros(frames);
    const double want[3] = {0, -3.01, -6.02};
    for (int noise = SYNTH_PINK; noise <= SYNTH_BROWN; noise++) {
        memset(l, 0, (size_t)frames * sizeof *l);
        memset(r, 0, (size_t)frames * sizeof *r);
        render_bed(tb, (synth_noise)noise, 0.1f, 9u, -1, frames, 4096, l, r);
        double sl = spectral_slope(l + from, frames - from, rate);
        double sr = spectral_slope(r + from, frames - from, rate);
        assert_true(fabs(sl - want[noise]) < 0.5);
        assert_true(fabs(sr - want[noise]) < 0.5);
    }
    free(l);
    free(r);
    synth_tables_free(tb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_rates),
        cmocka_unit_test(test_all_voices_all_rates),
        cmocka_unit_test(test_tone_chunks),
        cmocka_unit_test(test_tone_edges_and_steps),
        cmocka_unit_test(test_tone_levels),
        cmocka_unit_test(test_tone_length),
        cmocka_unit_test(test_tone_glide),
        cmocka_unit_test(test_tone_shape),
        cmocka_unit_test(test_bell_chunks),
        cmocka_unit_test(test_bell_shape),
        cmocka_unit_test(test_pulse_chunks),
        cmocka_unit_test(test_pulse_onsets),
        cmocka_unit_test(test_pulse_edges),
        cmocka_unit_test(test_pulse_pitch_falls),
        cmocka_unit_test(test_bed_chunks),
        cmocka_unit_test(test_bed_level_and_width),
        cmocka_unit_test(test_pink_spectrum_and_level),
        cmocka_unit_test(test_bed_fade_in),
        cmocka_unit_test(test_bed_stop),
        cmocka_unit_test(test_bed_spectrum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
