/* test_engine: the engine — events on their exact frames, output that does not
 * depend on buffer sizes, the ring-out at the end, the limiter, pause/resume,
 * skip, stop, volume, channel layouts, full voice pools, status snapshots, and
 * no allocation at all inside engine_process. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt/engine.h"
#include "lang/session_parse.h"
#include "timeline/timeline.h"

#define RATE 48000

/* ---- Counting allocations (linked with -Wl,--wrap=malloc,...) ------------------ */

#ifdef ADEM_WRAP_MALLOC
static int counting;
static long allocations;
void *__real_malloc(size_t n);
void *__real_calloc(size_t a, size_t b);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t a, size_t b);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

void *__wrap_malloc(size_t n)
{
    allocations += counting;
    return __real_malloc(n);
}
void *__wrap_calloc(size_t a, size_t b)
{
    allocations += counting;
    return __real_calloc(a, b);
}
void *__wrap_realloc(void *p, size_t n)
{
    allocations += counting;
    return __real_realloc(p, n);
}
void __wrap_free(void *p)
{
    allocations += counting && p;
    __real_free(p);
}
#endif

/* ---- Fixture -------------------------------------------------------------------- */

/* A session compiled with synthetic cues: cue i is an impulse of amplitude
 * 0.5 on its first frame, lens[i] frames long (or a constant 0.25 when
 * `dc` is set, for overlap tests). */
typedef struct fx {
    ast_session *s;
    timeline *tl;
    adem_cue cues[32];
    float *buf[32];
} fx;

static void fx_build(fx *f, const char *text, int64_t cue_len, int dc)
{
    adem_diag d;
    memset(f, 0, sizeof *f);
    if (session_parse("t.adem", text, strlen(text), &f->s, &d) != 0)
        fail_msg("parse: %d:%d %s", d.line, d.col, d.msg);
    tl_options o;
    tl_options_init(&o);
    const ast_session *ss[1] = {f->s};
    if (timeline_build(ss, 1, &o, NULL, &f->tl, &d) != 0)
        fail_msg("build: %d:%d %s", d.line, d.col, d.msg);
    int n = timeline_ncues(f->tl);
    assert_true(n <= 32);
    int64_t lens[32];
    for (int i = 0; i < n; i++) {
        lens[i] = cue_len + i * 100; /* different lengths per cue */
        f->buf[i] = calloc((size_t)lens[i], sizeof(float));
        if (dc)
            for (int64_t k = 0; k < lens[i]; k++)
                f->buf[i][k] = 0.25f;
        else
            f->buf[i][0] = 0.5f;
        f->cues[i].samples = f->buf[i];
        f->cues[i].frames = lens[i];
    }
    if (timeline_layout(f->tl, RATE, lens, &d) != 0)
        fail_msg("layout: %d:%d %s", d.line, d.col, d.msg);
}

static void fx_free(fx *f)
{
    for (int i = 0; i < 32; i++)
        free(f->buf[i]);
    timeline_free(f->tl);
    session_free(f->s);
}

/* The engine's defaults, but with no headroom, so a cue's samples pass
 * unchanged and the tests can compare them exactly. */
static void unity_config(engine_config *c)
{
    engine_config_init(c);
    c->headroom_db = 0;
}

static engine *fx_engine(fx *f, const engine_config *c)
{
    engine_config def;
    adem_diag d;
    if (!c) {
        unity_config(&def);
        c = &def;
    }
    engine *e = engine_new(f->tl, f->cues, c, &d);
    if (!e)
        fail_msg("engine_new: %s", d.msg);
    return e;
}

/* Renders the whole output with buffers of `block` frames (block < 0: sizes
 * from a fixed pseudo-random sequence). Returns interleaved samples; *frames
 * is the output length. */
static float *render(fx *f, const engine_config *c, int block, int64_t *frames)
{
    engine *e = fx_engine(f, c);
    int ch = c ? c->channels : 2;
    size_t cap = 1 << 16, len = 0;
    float *out = malloc(cap * (size_t)ch * sizeof *out);
    float *tmp = malloc(8192 * (size_t)ch * sizeof *tmp);
    uint32_t rng = 12345;
    while (!engine_done(e)) {
        int n = block;
        if (block < 0) {
            rng = rng * 1103515245u + 12345u;
            n = 1 + (int)((rng >> 16) % 1500);
        }
        size_t got = engine_process(e, tmp, (size_t)n);
        if (len + got > cap) {
            while (len + got > cap)
                cap *= 2;
            out = realloc(out, cap * (size_t)ch * sizeof *out);
        }
        memcpy(out + len * (size_t)ch, tmp, got * (size_t)ch * sizeof *out);
        len += got;
        /* after the end, the rest of the buffer is silence */
        for (size_t k = got * (size_t)ch; k < (size_t)n * (size_t)ch; k++)
            assert_true(tmp[k] == 0.0f);
    }
    free(tmp);
    engine_free(e);
    *frames = (int64_t)len;
    return out;
}

static const char rich[] = "session \"rijk\"\n"
                           "bed pink -24dB\n"
                           "speak a\n"
                           "repeat 3\n"
                           "  phase \"in\" 1500ms cue=b tone=rise\n"
                           "  phase \"vast\" 700ms tone=steady count=down\n"
                           "  phase \"uit\" 2s cue=c tone=fall pulse=90\n"
                           "  bell -6dB\n"
                           "end\n"
                           "bed brown -30dB\n"
                           "wait 1s\n"
                           "bed off\n"
                           "speak a\n";

/* ---- Tests ---------------------------------------------------------------------- */

/* Every cue starts on its frame, also in the middle of a buffer, with the
 * cue's exact sample value on both channels; nothing else sounds. */
static void test_impulses_on_frames(void **state)
{
    (void)state;
    fx f;
    fx_build(&f,
             "session \"x\"\n"
             "speak a\n"
             "wait 10ms\n"
             "repeat 4\n"
             "  phase \"p\" 333ms cue=b\n"
             "  speak c\n"
             "end\n",
             1000, 0);
    const int blocks[] = {1, 7, 256, 4096};
    for (size_t b = 0; b < 4; b++) {
        int64_t frames;
        float *out = render(&f, NULL, blocks[b], &frames);
        assert_int_equal(frames, timeline_frames(f.tl));
        /* expected: a at 0 (1000 frames), then 480 frames of wait; each cycle
         * b at the phase start (333 ms = 15984 frames), then c (1200 frames) */
        int64_t want[16];
        int nw = 0;
        want[nw++] = 0;
        int64_t t = 1000 + 480;
        for (int i = 0; i < 4; i++) {
            want[nw++] = t;
            t += 15984;
            want[nw++] = t;
            t += 1200;
        }
        assert_int_equal(t, frames);
        int seen = 0;
        for (int64_t k = 0; k < frames; k++) {
            float l = out[2 * k], r = out[2 * k + 1];
            if (l != 0.0f || r != 0.0f) {
                assert_true(seen < nw);
                assert_int_equal(k, want[seen]);
                assert_true(l == 0.5f && r == 0.5f);
                seen++;
            }
        }
        assert_int_equal(seen, nw);
        free(out);
    }
    fx_free(&f);
}

/* The same samples whatever the buffer sizes: tones, bells, pulses, beds,
 * count-down and cues included. */
static void test_block_size_independent(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, rich, 2400, 0);
    int64_t ref_len;
    float *ref = render(&f, NULL, 4096, &ref_len);
    const int blocks[] = {1, 3, 64, 256, 511, 512, 513, 1000, -1};
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        int64_t len;
        float *out = render(&f, NULL, blocks[b], &len);
        assert_int_equal(len, ref_len);
        if (memcmp(out, ref, (size_t)len * 2 * sizeof(float)) != 0) {
            int64_t k = 0;
            while (out[k] == ref[k])
                k++;
            fail_msg("block %d: first difference at frame %lld (%g vs %g)", blocks[b],
                     (long long)(k / 2), out[k], ref[k]);
        }
        free(out);
    }
    free(ref);
    fx_free(&f);
}

/* The output ends on the last frame plus the ring-out of what still sounds
 * (a bell: 5 s; a bed: its 2 s fade), and nothing else. */
static void test_ring_out(void **state)
{
    (void)state;
    struct {
        const char *text;
        int64_t tail;
    } cases[] = {
        {"session \"x\"\nphase \"p\" 1s tone=rise\n", 0},
        {"session \"x\"\nwait 1s\nbell\n", 5 * RATE},
        {"session \"x\"\nbell\nwait 2s\n", 3 * RATE},
        {"session \"x\"\nbed pink -20dB\nwait 3s\n", 2 * RATE},
        {"session \"x\"\nbed pink -20dB\nwait 3s\nbed off\nwait 1s\n", 1 * RATE},
        {"session \"x\"\nbed pink -20dB\nwait 3s\nbed off\nwait 2500ms\n", 0},
        /* a cue running past the end of its phase */
        {"session \"x\"\nphase \"p\" 1s cue=a\n", 4 * RATE - 1 * RATE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx f;
        fx_build(&f, cases[i].text, 4 * RATE, 0);
        int64_t len;
        float *out = render(&f, NULL, 1024, &len);
        assert_int_equal(len, timeline_frames(f.tl) + cases[i].tail);
        free(out);
        fx_free(&f);
    }
}

/* A cue longer than the 5 s ring-out is cut there, faded to silence. */
static void test_ring_out_cut(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, "session \"x\"\nphase \"p\" 1s cue=a\n", 10 * RATE, 1);
    int64_t len;
    float *out = render(&f, NULL, 1024, &len);
    assert_int_equal(len, 6 * RATE);
    assert_true(out[2 * (len - 1)] == 0.0f);
    assert_true(fabsf(out[2 * (len - RATE)]) > 0.2f);     /* still full a second before */
    assert_true(fabsf(out[2 * (len - 48)]) < 0.25f * 0.1f); /* faded in the last ms */
    free(out);
    fx_free(&f);
}

/* Loud settings never push a sample past the ceiling. */
static void test_limiter_ceiling(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, rich, 24000, 1); /* constant 0.25 cues overlap tones and bells */
    engine_config c;
    unity_config(&c);
    c.volume_db = 12;
    c.tone_db = 12;
    c.bed_db = 12;
    c.voice_db = 12;
    const double ceilings[] = {-1.0, -12.0};
    for (int k = 0; k < 2; k++) {
        c.ceiling_db = ceilings[k];
        float lim = (float)pow(10.0, ceilings[k] / 20.0);
        int64_t len;
        float *out = render(&f, &c, 777, &len);
        float peak = 0;
        for (int64_t i = 0; i < 2 * len; i++)
            peak = fabsf(out[i]) > peak ? fabsf(out[i]) : peak;
        assert_true(peak <= lim);
        assert_true(peak > lim * 0.9f); /* it was working, not silent */
        free(out);
    }
    fx_free(&f);
}

/* engine_process allocates nothing and frees nothing. */
static void test_no_allocation(void **state)
{
    (void)state;
#ifdef ADEM_WRAP_MALLOC
    fx f;
    fx_build(&f, rich, 2400, 0);
    engine *e = fx_engine(&f, NULL);
    static float buf[256 * 2];
    allocations = 0;
    counting = 1;
    int64_t blocks = 0;
    while (!engine_done(e)) {
        engine_process(e, buf, 256);
        if (blocks++ == 100) {
            engine_command(e, ENGINE_PAUSE, 0);
            engine_command(e, ENGINE_VOLUME, -3);
        }
        if (blocks == 300)
            engine_command(e, ENGINE_RESUME, 0);
        if (blocks == 400)
            engine_command(e, ENGINE_SKIP, 0);
        if (blocks == 500)
            engine_command(e, ENGINE_BACK, 0);
        if (blocks == 520) {
            engine_command(e, ENGINE_BACK, 0);
            engine_command(e, ENGINE_MUTE, 0);
        }
        if (blocks == 540)
            engine_command(e, ENGINE_MUTE, 0);
    }
    counting = 0;
    assert_int_equal(allocations, 0);
    assert_true(blocks > 1000);
    engine_free(e);
    fx_free(&f);
#else
    skip();
#endif
}

/* Runs an engine for `frames` frames into out (interleaved stereo). */
static void run(engine *e, float *out, int64_t frames)
{
    while (frames > 0) {
        int n = frames > 256 ? 256 : (int)frames;
        engine_process(e, out, (size_t)n);
        out += 2 * n;
        frames -= n;
    }
}

/* Pause fades out, holds silence without moving; resume fades in and the
 * audio continues where it paused. */
static void test_pause_resume(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, "session \"x\"\nrepeat 100\n  phase \"p\" 100ms cue=a\nend\n", 100, 0);
    int64_t ref_len;
    float *ref = render(&f, NULL, 256, &ref_len);
    engine *e = fx_engine(&f, NULL);
    const int64_t before = 256 * 100, paused = 256 * 200, after = 256 * 400;
    float *out = calloc((size_t)(before + paused + after) * 2, sizeof(float));
    run(e, out, before);
    engine_command(e, ENGINE_PAUSE, 0);
    run(e, out + 2 * before, paused);
    engine_command(e, ENGINE_RESUME, 0);
    run(e, out + 2 * (before + paused), after);
    /* identical before the pause */
    assert_memory_equal(out, ref, (size_t)before * 2 * sizeof(float));
    /* the fade: 30 ms; then exact silence until the resume */
    const int64_t fade = RATE * ENGINE_FADE_MS / 1000;
    for (int64_t k = before + fade; k < before + paused; k++)
        assert_true(out[2 * k] == 0.0f && out[2 * k + 1] == 0.0f);
    /* after the resume's fade: the reference continued from where the pause's
     * fade ended (the timeline moves during fades, not while paused) */
    int impulses = 0;
    for (int64_t k = before + paused + fade; k < before + paused + after; k++) {
        int64_t r = k - (paused - fade);
        assert_true(out[2 * k] == ref[2 * r]);
        impulses += out[2 * k] != 0.0f;
    }
    assert_true(impulses > 10);
    engine_status st;
    engine_status_now(e, &st);
    assert_int_equal(st.pos, before + fade + after);
    engine_free(e);
    free(out);
    free(ref);
    fx_free(&f);
}

/* Skip fades the foreground out, then continues exactly from the next
 * phase's first frame; bed changes on the way are applied. */
static void test_skip(void **state)
{
    (void)state;
    fx f;
    fx_build(&f,
             "session \"x\"\n"
             "phase \"een\" 2s cue=a\n"
             "phase \"twee\" 2s cue=b\n"
             "mark \"drie\"\n"
             "phase \"drie\" 2s cue=c\n",
             100, 0);
    int64_t ref_len;
    float *ref = render(&f, NULL, 256, &ref_len);
    engine *e = fx_engine(&f, NULL);
    float *out = calloc((size_t)ref_len * 2, sizeof(float));
    run(e, out, 256 * 400); /* into phase "twee" (96000 .. 192000) */
    engine_command(e, ENGINE_SKIP, 0);
    const int64_t fade = RATE * ENGINE_FADE_MS / 1000;
    run(e, out + 2 * 256 * 400, fade);
    engine_status st;
    engine_status_now(e, &st);
    assert_int_equal(st.pos, 4 * RATE); /* landed on the mark before "drie" */
    float *rest = calloc((size_t)2 * RATE * 2, sizeof(float));
    run(e, rest, 1);
    engine_status_now(e, &st);
    assert_string_equal(st.phase, "drie");
    run(e, rest + 2, 2 * RATE - 1);
    assert_memory_equal(rest, ref + 2 * 4 * RATE, (size_t)2 * RATE * 2 * sizeof(float));
    assert_true(rest[0] == 0.5f); /* "drie"'s cue at full level, at once */
    engine_free(e);
    free(rest);
    free(out);
    free(ref);
    fx_free(&f);
}

/* A skip over 172 800 repeats (a 24-hour session) lands on the next phase in
 * the first callback after the fade, with the bed that the repeats set on the
 * way; and the skip's work does not depend on what it passes over (the cursor
 * jumps; test_cursor checks where). */
static void test_skip_far(void **state)
{
    (void)state;
    fx f;
    fx_build(&f,
             "session \"x\"\n"
             "phase \"een\" 1s cue=a\n"
             "repeat 172800\n"
             "  bell\n"
             "  bed brown -30dB\n"
             "  wait 499ms\n"
             "end\n"
             "phase \"twee\" 1s cue=b\n",
             100, 0);
    engine *e = fx_engine(&f, NULL);
    static float out[4096 * 2];
    run(e, out, 256);
    engine_command(e, ENGINE_SKIP, 0);
    const int64_t fade = RATE * ENGINE_FADE_MS / 1000;
    run(e, out, fade);
    engine_status st;
    engine_status_now(e, &st);
    assert_int_equal(st.pos, RATE + (int64_t)172800 * 499 * (RATE / 1000));
    run(e, out, 1);
    engine_status_now(e, &st);
    assert_string_equal(st.phase, "twee");
    assert_true(out[0] != 0.0f); /* "twee"'s cue, with the bed under it */
    /* the bed the repeats set sounds: after the cue, the output is not silent */
    run(e, out, 2048);
    int bed = 0;
    for (int k = 0; k < 2048; k++)
        bed |= out[2 * k] != 0.0f;
    assert_true(bed);
    engine_free(e);
    fx_free(&f);
}

/* More than 64 events due on one frame: at most 64 start in a 64-frame cell,
 * the rest in the next cells (counted as late), the same for any buffer size. */
static void test_event_cap(void **state)
{
    (void)state;
    char text[8192] = "session \"x\"\n";
    for (int i = 0; i < 200; i++)
        strcat(text, "mark \"m\"\n");
    strcat(text, "speak a\nwait 1s\n");
    fx f;
    fx_build(&f, text, 100, 0);
    int64_t ref_len;
    float *ref = render(&f, NULL, 4096, &ref_len);
    const int blocks[] = {1, 63, 64, 65, 256, -1};
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        int64_t len;
        float *out = render(&f, NULL, blocks[b], &len);
        assert_int_equal(len, ref_len);
        assert_memory_equal(out, ref, (size_t)len * 2 * sizeof(float));
        free(out);
    }
    /* 201 events on frame 0 (200 marks and the cue): 64 per cell, so the
     * cue starts in the fourth cell, on its first frame */
    int64_t first = -1;
    for (int64_t k = 0; k < ref_len && first < 0; k++)
        if (ref[2 * k] != 0.0f)
            first = k;
    assert_int_equal(first, 3 * 64);
    engine *e = fx_engine(&f, NULL);
    static float out[256 * 2];
    run(e, out, 256);
    engine_status st;
    engine_status_now(e, &st);
    assert_int_equal(st.late, 3);
    engine_free(e);
    free(ref);
    fx_free(&f);
}

/* Stop fades out over ENGINE_STOP_FADE_MS and ends the output. */
static void test_stop(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, "session \"x\"\nphase \"p\" 10s tone=steady\n", 100, 0);
    engine *e = fx_engine(&f, NULL);
    float *out = calloc((size_t)RATE * 2 * 2, sizeof(float));
    run(e, out, RATE);
    engine_command(e, ENGINE_STOP, 0);
    size_t got = engine_process(e, out + 2 * RATE, RATE);
    assert_int_equal(got, (size_t)RATE * ENGINE_STOP_FADE_MS / 1000);
    assert_true(engine_done(e));
    /* the level falls during the fade */
    float early = 0, late = 0;
    for (size_t k = 0; k < 2400; k++) {
        early = fmaxf(early, fabsf(out[2 * (RATE + k)]));
        late = fmaxf(late, fabsf(out[2 * (RATE + got - 2400 + k)]));
    }
    assert_true(early > 0.01f);
    assert_true(late < early * 0.2f);
    engine_free(e);
    free(out);
    fx_free(&f);
}

/* Volume: a 20 ms ramp to the new level, then exactly scaled samples. */
static void test_volume(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, "session \"x\"\nrepeat 50\n  phase \"p\" 100ms cue=a\nend\n", 100, 0);
    int64_t ref_len;
    float *ref = render(&f, NULL, 256, &ref_len);
    engine *e = fx_engine(&f, NULL);
    float *out = calloc((size_t)ref_len * 2, sizeof(float));
    run(e, out, 256 * 10);
    engine_command(e, ENGINE_VOLUME, -6);
    run(e, out + 2 * 256 * 10, ref_len - 256 * 10);
    float g = powf(10.0f, -6.0f / 20.0f);
    int checked = 0;
    for (int64_t k = 256 * 10 + RATE / 10; k < ref_len; k++)
        if (ref[2 * k] != 0.0f) {
            assert_float_equal(out[2 * k], ref[2 * k] * g, 1e-6);
            checked++;
        }
    assert_true(checked > 30);
    engine_status st;
    engine_status_now(e, &st);
    assert_float_equal(st.volume_db, -6.0, 1e-9);
    engine_free(e);
    free(out);
    free(ref);
    fx_free(&f);
}

/* One channel: (L+R)/2; more than two: that mono mix on every channel;
 * --mono on two channels: the same mix on both. */
static void test_channels(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, "session \"x\"\nbed pink -20dB\nphase \"p\" 1s cue=a tone=rise\n", 100, 0);
    int64_t len2, len1, len4, lenm;
    float *st = render(&f, NULL, 300, &len2);
    engine_config c;
    unity_config(&c);
    c.channels = 1;
    float *mo = render(&f, &c, 300, &len1);
    c.channels = 4;
    float *qu = render(&f, &c, 300, &len4);
    c.channels = 2;
    c.mono = 1;
    float *mm = render(&f, &c, 300, &lenm);
    assert_int_equal(len1, len2);
    assert_int_equal(len4, len2);
    int differ = 0;
    for (int64_t k = 0; k < len2; k++) {
        float m = 0.5f * (st[2 * k] + st[2 * k + 1]);
        assert_float_equal(mo[k], m, 1e-6);
        for (int ch = 0; ch < 4; ch++)
            assert_true(qu[4 * k + ch] == mo[k]);
        assert_true(mm[2 * k] == mo[k] && mm[2 * k + 1] == mo[k]);
        differ += st[2 * k] != st[2 * k + 1];
    }
    assert_true(differ > len2 / 2); /* the bed is wide in stereo */
    free(st);
    free(mo);
    free(qu);
    free(mm);
    fx_free(&f);
}

/* More overlapping cues than voices: the extra ones are dropped and counted,
 * the rest play. */
static void test_pool_full(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, "session \"x\"\nrepeat 40\n  phase \"p\" 1ms cue=a\nend\n", RATE, 1);
    engine *e = fx_engine(&f, NULL);
    static float buf[4096 * 2];
    while (!engine_done(e))
        engine_process(e, buf, 4096);
    engine_status st;
    engine_status_now(e, &st);
    assert_int_equal(st.dropped, 40 - 16);
    engine_free(e);
    fx_free(&f);
}

/* The status queue reports the session title and each phase as it starts. */
static void test_status(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, "session \"Titel\"\nphase \"in\" 1s tone=rise\nphase \"uit\" 1s tone=fall\n", 100,
             0);
    engine *e = fx_engine(&f, NULL);
    static float buf[256 * 2];
    engine_status st;
    const char *seen[4] = {0};
    int n = 0;
    while (!engine_done(e)) {
        engine_process(e, buf, 256);
        if (engine_poll(e, &st) && st.phase && (n == 0 || seen[n - 1] != st.phase) && n < 4)
            seen[n++] = st.phase;
    }
    assert_int_equal(n, 2);
    assert_string_equal(seen[0], "in");
    assert_string_equal(seen[1], "uit");
    assert_string_equal(st.title, "Titel");
    assert_int_equal(st.total, 2 * RATE);
    engine_free(e);
    fx_free(&f);
}

/* Plays f on an engine (interactive or not) in blocks of 480 frames for
 * `frames` output frames, sending `cmd` before the block that starts at
 * output frame `at` (at < 0: never). Returns the output (stereo); *st gets
 * the last status seen before the command. */
static float *play_hold(fx *f, int interactive, int64_t frames, int64_t at, engine_cmd cmd,
                        engine_status *st)
{
    engine_config c;
    unity_config(&c);
    c.interactive = interactive;
    engine *e = fx_engine(f, &c);
    float *out = calloc((size_t)frames * 2, sizeof *out);
    for (int64_t pos = 0; pos < frames; pos += 480) {
        if (pos == at) {
            engine_poll(e, st);
            assert_int_equal(engine_command(e, cmd, 0), 0);
        }
        engine_process(e, out + pos * 2, 480);
    }
    if (at < 0)
        engine_poll(e, st);
    engine_free(e);
    return out;
}

/* The output frames where an impulse (a cue's first sample) sounds, in
 * order; returns how many (at most max). */
static int impulses(const float *out, int64_t frames, int64_t *where, int max)
{
    int n = 0;
    for (int64_t i = 0; i < frames && n < max; i++)
        if (out[2 * i] > 0.25f)
            where[n++] = i;
    return n;
}

/* An interactive engine holds at a `hold` without a max: the position stays
 * and nothing after it starts, however long; ENGINE_CONTINUE (and space's
 * TOGGLE, and n's SKIP) releases it, and what follows keeps its exact
 * spacing from the release, to the frame. Without a listener the same hold
 * takes no time. */
static void test_hold_waits_until_continue(void **state)
{
    (void)state;
    fx f;
    /* cues: a 100 frames, b 200, c 300 */
    fx_build(&f, "session \"x\"\nspeak a\nhold \"Vragen\"\nspeak b\nwait 1s\nspeak c\n", 100, 0);
    int64_t where[8];
    engine_status st;
    memset(&st, 0, sizeof st);
    /* not interactive: a, b at 100, c at 100 + 200 + 1 s */
    float *out = play_hold(&f, 0, 3 * RATE, -1, ENGINE_CONTINUE, &st);
    assert_int_equal(impulses(out, 3 * RATE, where, 8), 3);
    assert_int_equal(where[0], 0);
    assert_int_equal(where[1], 100);
    assert_int_equal(where[2], 100 + 200 + RATE);
    free(out);
    static const engine_cmd go[] = {ENGINE_CONTINUE, ENGINE_TOGGLE, ENGINE_SKIP};
    for (int k = 0; k < 3; k++) {
        /* interactive: nothing but a for 10 s; then released at 10.01 s */
        const int64_t at = 10 * RATE + 480;
        out = play_hold(&f, 1, 13 * RATE, at, go[k], &st);
        assert_int_equal(st.holding, 1);
        assert_int_equal(st.step, ENGINE_STEP_HOLD);
        assert_string_equal(st.phase, "Vragen");
        assert_int_equal(st.pos, 100); /* the position waits at the hold */
        assert_int_equal(impulses(out, 13 * RATE, where, 8), 3);
        assert_int_equal(where[0], 0);
        assert_int_equal(where[1], at);
        assert_int_equal(where[2], at + 200 + RATE);
        free(out);
    }
    /* a command that is not a release leaves the hold as it is */
    out = play_hold(&f, 1, 4 * RATE, RATE, ENGINE_VOLUME, &st);
    assert_int_equal(impulses(out, 4 * RATE, where, 8), 1);
    free(out);
    fx_free(&f);
}

/* A hold with a max releases itself when the max has passed (like a wait of
 * it), or earlier on ENGINE_CONTINUE, and what follows keeps its spacing
 * from the release. */
static void test_hold_max(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, "session \"x\"\nspeak a\nhold \"Vragen\" max=2s\nspeak b\nwait 1s\nspeak c\n", 100,
             0);
    int64_t where[8];
    engine_status st;
    for (int interactive = 0; interactive < 2; interactive++) {
        float *out = play_hold(&f, interactive, 5 * RATE, -1, ENGINE_CONTINUE, &st);
        assert_int_equal(impulses(out, 5 * RATE, where, 8), 3);
        assert_int_equal(where[1], 100 + 2 * RATE);
        assert_int_equal(where[2], 100 + 2 * RATE + 200 + RATE);
        free(out);
    }
    /* released after 0.5 s of its 2 */
    const int64_t at = RATE / 2 + 480 * 5;
    float *out = play_hold(&f, 1, 4 * RATE, at, ENGINE_CONTINUE, &st);
    assert_int_equal(st.holding, 1);
    assert_int_equal(st.phase_frames, 2 * RATE);
    assert_int_equal(impulses(out, 4 * RATE, where, 8), 3);
    assert_int_equal(where[1], at);
    assert_int_equal(where[2], at + 200 + RATE);
    free(out);
    fx_free(&f);
}

/* A hold fades the foreground out (a cue still sounding goes silent) and
 * keeps the bed sounding. */
static void test_hold_keeps_the_bed(void **state)
{
    (void)state;
    fx f;
    /* cue a (dc 0.25, 2 s) starts with the phase and runs past it */
    fx_build(&f, "session \"x\"\nbed pink -20dB\nphase \"p\" 100ms cue=a\nhold \"h\"\nwait 1s\n",
             2 * RATE, 1);
    engine_status st;
    float *out = play_hold(&f, 1, 3 * RATE, -1, ENGINE_CONTINUE, &st);
    assert_int_equal(st.holding, 1);
    /* from 0.2 s on: the cue is gone (it would add 0.25 to the mean), the
     * bed sounds; without a listener the cue plays on */
    for (int interactive = 1; interactive >= 0; interactive--) {
        double sum = 0, mean = 0;
        for (int64_t i = RATE / 5; i < 2 * RATE; i++) {
            sum += fabs(out[2 * i]);
            mean += out[2 * i];
        }
        mean /= (double)(2 * RATE - RATE / 5);
        assert_true(sum > 100); /* the bed */
        if (interactive)
            assert_true(fabs(mean) < 0.05);
        else
            assert_true(mean > 0.2);
        free(out);
        if (interactive)
            out = play_hold(&f, 0, 3 * RATE, -1, ENGINE_CONTINUE, &st);
    }
    fx_free(&f);
}

/* The status names the step, the round of a repeat, the chapter, the next
 * stop and the session. */
static void test_status_guides(void **state)
{
    (void)state;
    fx f;
    fx_build(&f,
             "session \"T\"\nmark \"Deel een\"\nspeak a\nrepeat 3\n  phase \"in\" 1s\n"
             "  phase \"uit\" 1s\nend\nwait 1s\n",
             4800, 0);
    engine *e = fx_engine(&f, NULL);
    static float buf[480 * 2];
    engine_status st;
    int rounds_seen = 0, speak = 0, wait = 0;
    while (!engine_done(e)) {
        engine_process(e, buf, 480);
        if (!engine_poll(e, &st))
            continue;
        assert_int_equal(st.sessions, 1);
        if (st.step == ENGINE_STEP_SPEAK) {
            speak = 1;
            assert_int_equal(st.cue, 0);
            assert_string_equal(st.chapter, "Deel een");
            assert_string_equal(st.next, "in");
        }
        if (st.step == ENGINE_STEP_PHASE) {
            assert_int_equal(st.rounds, 3);
            assert_true(st.round >= 1 && st.round <= 3);
            rounds_seen |= 1 << st.round;
            assert_int_equal(st.session_no, 1);
            if (strcmp(st.phase, "in") == 0)
                assert_string_equal(st.next, "uit");
            else if (st.round < 3)
                assert_string_equal(st.next, "in");
            else
                assert_int_equal(st.next_kind, TL_EV_END);
        }
        if (st.step == ENGINE_STEP_WAIT) {
            wait = 1;
            assert_int_equal(st.rounds, 0);
            assert_null(st.next);
        }
    }
    assert_int_equal(rounds_seen, 2 | 4 | 8);
    assert_true(speak && wait);
    engine_free(e);
    fx_free(&f);
}

/* By default every bus is ENGINE_HEADROOM_DB lower: a cue's sample comes out
 * scaled by exactly that gain. */
static void test_headroom(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, "session \"x\"\nspeak a\n", 100, 0);
    engine_config c;
    engine_config_init(&c);
    assert_true(c.headroom_db == ENGINE_HEADROOM_DB);
    int64_t len;
    float *out = render(&f, &c, 64, &len);
    float g = engine_db_gain(ENGINE_HEADROOM_DB);
    assert_true(out[0] == 0.5f * g && out[1] == 0.5f * g);
    assert_float_equal(g, 0.70795, 1e-4);
    free(out);
    fx_free(&f);
}

/* Back: after the fade, the output lands on the current phase's first frame
 * and is the same as the first time; a second back within 2 s of output goes
 * to the stop before (here the session's start, with its first phase). */
static void test_back(void **state)
{
    (void)state;
    fx f;
    fx_build(&f,
             "session \"x\"\n"
             "phase \"een\" 2s cue=a\n"
             "phase \"twee\" 2s cue=b tone=rise\n"
             "phase \"drie\" 2s cue=c\n",
             100, 0);
    int64_t ref_len;
    float *ref = render(&f, NULL, 256, &ref_len);
    engine *e = fx_engine(&f, NULL);
    const int64_t fade = RATE * ENGINE_FADE_MS / 1000;
    float *out = calloc((size_t)3 * RATE * 2, sizeof(float));
    run(e, out, 2 * RATE + RATE / 2); /* half a second into "twee" */
    engine_command(e, ENGINE_BACK, 0);
    run(e, out, fade);
    engine_status st;
    engine_status_now(e, &st);
    assert_int_equal(st.pos, 2 * RATE);
    run(e, out, RATE);
    assert_memory_equal(out, ref + 2 * 2 * RATE, (size_t)RATE * 2 * sizeof(float));
    assert_true(out[0] == 0.5f); /* "twee"'s cue on its first frame */
    engine_status_now(e, &st);
    assert_string_equal(st.phase, "twee");
    /* again, 1 s (+ the fade) after the first back: the stop before */
    engine_command(e, ENGINE_BACK, 0);
    run(e, out, fade);
    engine_status_now(e, &st);
    assert_int_equal(st.pos, 0);
    run(e, out, 3 * RATE);
    assert_memory_equal(out, ref, (size_t)3 * RATE * 2 * sizeof(float));
    engine_status_now(e, &st);
    assert_string_equal(st.phase, "twee");
    /* later than 2 s after the last back: this phase's start again */
    engine_command(e, ENGINE_BACK, 0);
    run(e, out, fade);
    engine_status_now(e, &st);
    assert_int_equal(st.pos, 2 * RATE);
    engine_free(e);
    free(out);
    free(ref);
    fx_free(&f);
}

/* While paused, n and b move at once and the engine stays paused (silent,
 * the new phase shown); resume plays from there. */
static void test_move_paused(void **state)
{
    (void)state;
    fx f;
    fx_build(&f,
             "session \"x\"\n"
             "phase \"een\" 2s cue=a\n"
             "phase \"twee\" 2s cue=b\n"
             "phase \"drie\" 2s cue=c\n",
             100, 0);
    engine *e = fx_engine(&f, NULL);
    const int64_t fade = RATE * ENGINE_FADE_MS / 1000;
    float *out = calloc((size_t)RATE * 2, sizeof(float));
    run(e, out, RATE / 2);
    engine_command(e, ENGINE_PAUSE, 0);
    run(e, out, fade + 256);
    engine_command(e, ENGINE_SKIP, 0);
    run(e, out, RATE / 2);
    engine_status st;
    engine_status_now(e, &st);
    assert_true(st.paused);
    assert_int_equal(st.pos, 2 * RATE);
    assert_string_equal(st.phase, "twee");
    for (int64_t k = 0; k < RATE / 2; k++)
        assert_true(out[2 * k] == 0.0f);
    engine_command(e, ENGINE_SKIP, 0);
    run(e, out, 256);
    engine_status_now(e, &st);
    assert_int_equal(st.pos, 4 * RATE);
    assert_string_equal(st.phase, "drie");
    engine_command(e, ENGINE_BACK, 0); /* the start of "drie" */
    run(e, out, 256);
    engine_status_now(e, &st);
    assert_int_equal(st.pos, 4 * RATE);
    engine_command(e, ENGINE_BACK, 0); /* within 2 s: the stop before, "twee" */
    run(e, out, 256);
    engine_status_now(e, &st);
    assert_string_equal(st.phase, "twee");
    assert_int_equal(st.pos, 2 * RATE);
    engine_command(e, ENGINE_BACK, 0); /* and the one before that */
    run(e, out, 256);
    engine_status_now(e, &st);
    assert_true(st.paused);
    assert_string_equal(st.phase, "een");
    assert_int_equal(st.pos, 0);
    engine_command(e, ENGINE_RESUME, 0);
    run(e, out, RATE / 2);
    engine_status_now(e, &st);
    assert_false(st.paused);
    assert_int_equal(st.pos, RATE / 2);
    engine_free(e);
    free(out);
    fx_free(&f);
}

/* Mute ramps the master to silence and keeps the volume; mute again brings
 * the sound back at that volume. */
static void test_mute(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, "session \"x\"\nphase \"p\" 4s tone=steady\n", 100, 0);
    engine *e = fx_engine(&f, NULL);
    float *out = calloc((size_t)RATE * 2, sizeof(float));
    run(e, out, RATE / 2);
    engine_command(e, ENGINE_VOLUME, -4);
    engine_command(e, ENGINE_MUTE, 0);
    run(e, out, RATE / 2);
    engine_status st;
    engine_status_now(e, &st);
    assert_true(st.muted);
    assert_float_equal(st.volume_db, -4.0, 1e-9);
    for (int64_t k = RATE / 10; k < RATE / 2; k++)
        assert_true(out[2 * k] == 0.0f && out[2 * k + 1] == 0.0f);
    engine_command(e, ENGINE_MUTE, 0);
    run(e, out, RATE / 2);
    engine_status_now(e, &st);
    assert_false(st.muted);
    float peak = 0;
    for (int64_t k = RATE / 10; k < RATE / 2; k++)
        peak = fmaxf(peak, fabsf(out[2 * k]));
    assert_true(peak > 0.01f);
    engine_free(e);
    free(out);
    fx_free(&f);
}

/* A second stop during the stop's fade ends it within ENGINE_FADE_MS. */
static void test_stop_now(void **state)
{
    (void)state;
    fx f;
    fx_build(&f, "session \"x\"\nphase \"p\" 10s tone=steady\n", 100, 0);
    engine *e = fx_engine(&f, NULL);
    float *out = calloc((size_t)RATE * 2, sizeof(float));
    run(e, out, RATE / 2);
    engine_command(e, ENGINE_STOP, 0);
    size_t got = engine_process(e, out, RATE / 10);
    assert_int_equal(got, RATE / 10);
    assert_false(engine_done(e));
    engine_command(e, ENGINE_STOP, 1);
    got = engine_process(e, out, RATE);
    assert_int_equal(got, (size_t)RATE * ENGINE_FADE_MS / 1000);
    assert_true(engine_done(e));
    assert_true(fabsf(out[2 * (got - 1)]) < 1e-6f);
    engine_free(e);
    free(out);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_impulses_on_frames),
        cmocka_unit_test(test_block_size_independent),
        cmocka_unit_test(test_ring_out),
        cmocka_unit_test(test_ring_out_cut),
        cmocka_unit_test(test_limiter_ceiling),
        cmocka_unit_test(test_no_allocation),
        cmocka_unit_test(test_pause_resume),
        cmocka_unit_test(test_skip),
        cmocka_unit_test(test_skip_far),
        cmocka_unit_test(test_event_cap),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_volume),
        cmocka_unit_test(test_channels),
        cmocka_unit_test(test_pool_full),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_hold_waits_until_continue),
        cmocka_unit_test(test_hold_max),
        cmocka_unit_test(test_hold_keeps_the_bed),
        cmocka_unit_test(test_status_guides),
        cmocka_unit_test(test_headroom),
        cmocka_unit_test(test_back),
        cmocka_unit_test(test_move_paused),
        cmocka_unit_test(test_mute),
        cmocka_unit_test(test_stop_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
