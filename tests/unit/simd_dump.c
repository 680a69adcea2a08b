/* simd_dump: prints a checksum of everything the vector code in src/rt/ makes
 * (tones that glide and start and end in odd places, bells, pink and brown
 * beds, and a session through the engine's mix and limiter), for the ctest
 * synth_portable. It is built twice, with SSE2 where the machine has it and
 * with ADEM_NO_SIMD (plain C, lane by lane), and the two must print the same:
 * the samples do not depend on the machine. The ctest synth_avx2 runs it
 * with the eight-lane (AVX2) kernels and without them (ADEM_SIMD=sse2). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cpu.h"
#include "lang/session_parse.h"
#include "rt/engine.h"
#include "rt/synth.h"
#include "timeline/timeline.h"

/* FNV-1a over the bytes of n floats. */
static uint64_t hash(uint64_t h, const float *x, size_t n)
{
    const unsigned char *b = (const unsigned char *)x;
    for (size_t i = 0; i < n * sizeof *x; i++) {
        h ^= b[i];
        h *= 1099511628211u;
    }
    return h;
}

/* Calls of these sizes, over and over: odd splits of every voice. */
static const int SPLIT[] = {1, 3, 64, 5, 4096, 7, 255, 2, 1000};
enum { NSPLIT = sizeof SPLIT / sizeof SPLIT[0] };

static int fail(const char *what)
{
    fprintf(stderr, "simd_dump: %s\n", what);
    return 1;
}

int main(void)
{
    const int rate = 44100;
    synth_tables *tb = synth_tables_new(rate);
    if (!tb)
        return fail("no tables");
    /* which kernels: the eight-lane ones on a machine with AVX2, unless
     * ADEM_SIMD=sse2 (base/cpu.h); said on stderr for the ctest synth_avx2 */
    int wide = cpu_avx2();
#ifdef ADEM_NO_SIMD
    fprintf(stderr, "simd_dump: kernels plain%s\n", wide ? " (and avx2?)" : "");
#else
    fprintf(stderr, "simd_dump: kernels %s\n", wide ? "avx2" : "sse2");
#endif
    const int64_t len = 3 * (int64_t)rate;
    float *a = calloc((size_t)len, sizeof *a), *b = calloc((size_t)len, sizeof *b);
    if (!a || !b)
        return fail("out of memory");
    uint64_t h = 1469598103934665603u;
    /* tones: rise, fall, steady; one above where harmonics are dropped */
    const double tones[4][2] = {{196.0, 294.0}, {294.0, 150.0}, {220.0, 220.0}, {9000.0, 12000.0}};
    for (int i = 0; i < 4; i++) {
        synth_tone v;
        synth_tone_start(&v, tb, (synth_shape)(1 + i % 3), tones[i][0], tones[i][1], len - 17 * i,
                         0.5f);
        memset(a, 0, (size_t)len * sizeof *a);
        int64_t p = 0;
        for (int k = 0; p < len; k++) {
            int n = SPLIT[k % NSPLIT] < len - p ? SPLIT[k % NSPLIT] : (int)(len - p);
            synth_tone_process(&v, a + p, n);
            p += n;
        }
        h = hash(h, a, (size_t)len);
    }
    synth_bell bell;
    synth_bell_start(&bell, tb, 0.7f);
    memset(a, 0, (size_t)len * sizeof *a);
    synth_bell_process(&bell, a, (int)len);
    h = hash(h, a, (size_t)len);
    for (int noise = SYNTH_PINK; noise <= SYNTH_BROWN; noise++) {
        synth_bed v;
        synth_bed_start(&v, tb, (synth_noise)noise, 0.1f, 7u);
        memset(a, 0, (size_t)len * sizeof *a);
        memset(b, 0, (size_t)len * sizeof *b);
        int64_t p = 0;
        for (int k = 0; p < len; k++) {
            int n = SPLIT[k % NSPLIT] < len - p ? SPLIT[k % NSPLIT] : (int)(len - p);
            if (p < len / 2 && p + n >= len / 2)
                synth_bed_stop(&v);
            synth_bed_process(&v, a + p, b + p, n);
            p += n;
        }
        h = hash(hash(h, a, (size_t)len), b, (size_t)len);
    }
    free(a);
    free(b);
    synth_tables_free(tb);

    /* a session: bed, gliding and steady tones, bells on alternate sides */
    static const char text[] = "session \"t\"\n"
                               "bed pink -20dB\n"
                               "repeat 2\n"
                               "  bell\n"
                               "  phase \"in\" 3s tone=rise\n"
                               "  bell\n"
                               "  phase \"hold\" 2s tone=steady\n"
                               "  phase \"out\" 3s tone=fall\n"
                               "end\n"
                               "bed off\n";
    ast_session *s;
    timeline *tl;
    adem_diag d;
    if (session_parse("t.adem", text, strlen(text), &s, &d) != 0)
        return fail(d.msg);
    tl_options o;
    tl_options_init(&o);
    const ast_session *ss[1] = {s};
    if (timeline_build(ss, 1, &o, NULL, &tl, &d) != 0 || timeline_layout(tl, 48000, NULL, &d) != 0)
        return fail(d.msg);
    engine_config c;
    engine_config_init(&c);
    engine *e = engine_new(tl, NULL, &c, &d);
    if (!e)
        return fail(d.msg);
    float out[2 * 4096];
    for (int k = 0; !engine_done(e); k++) {
        int n = SPLIT[k % NSPLIT];
        size_t got = engine_process(e, out, (size_t)n);
        h = hash(h, out, 2 * got);
    }
    engine_free(e);
    timeline_free(tl);
    session_free(s);
    printf("%016llx\n", (unsigned long long)h);
    return 0;
}
