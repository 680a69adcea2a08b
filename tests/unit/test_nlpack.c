/* test_nlpack: the shipped Dutch voice pack (audio/voices/nl) and the module
 * that makes its files (src/io/cueprep.c).
 *
 * The pack: every cue file is mono 48 kHz, -20.0 +-0.2 LUFS integrated, true
 * peak <= -1.1 dBTP, silent (< -40 dBFS) in its first and last 5 ms; the transcript
 * and the files match one to one; no ID twice; tel_1 .. tel_10 are there and
 * each is shorter than a second. The built-in sessions only use cues of the
 * pack, and a phase's cue ends before the phase does (and before a count=down
 * on the same phase starts). Loudness is measured with libebur128 directly.
 *
 * cueprep: synthetic takes (sine bursts in silence, clipped and spiky
 * signals) with exact expectations for trimming, loudness, fades, limiting,
 * flags, resampling, padding, errors and reproducible Ogg output. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cueprep.h"
#include "base/diag.h"
#include "e2e.h"
#include "sys/platform.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define MAX_CUES 512
#define RATE 48000

/* ---- helpers --------------------------------------------------------------- */

/* The source tree (ADEM_SOURCE_DIR, set by ctest). */
static const char *source_dir(void)
{
    const char *s = getenv("ADEM_SOURCE_DIR");
    if (!s || !*s)
        fail_msg("ADEM_SOURCE_DIR is not set; run this test through ctest");
    return s;
}

/* Joins a and b with '/' into a static rotating buffer. */
static const char *join(const char *a, const char *b)
{
    static char buf[8][4096];
    static int k;
    char *p = buf[k++ % 8];
    int n = snprintf(p, 4096, "%s/%s", a, b);
    if (n < 0 || n >= 4096)
        fail_msg("path too long: %s/%s", a, b);
    return p;
}

/* The pack folder. */
static const char *pack_dir(void)
{
    static char p[4096];
    snprintf(p, sizeof p, "%s/audio/voices/nl", source_dir());
    return p;
}

/* Reads a whole text file into a malloc'd NUL-terminated buffer. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* The transcript: IDs and texts (pointers into one buffer). */
typedef struct transcript {
    char *buf;
    int n;
    char *id[MAX_CUES];
    char *text[MAX_CUES];
} transcript;

/* Loads transcript.tsv, failing the test on any malformed line. */
static void load_transcript(transcript *t)
{
    char *p, *line;
    int lineno = 0;
    memset(t, 0, sizeof *t);
    t->buf = slurp(join(pack_dir(), "transcript.tsv"));
    for (p = t->buf; *p; ) {
        char *nl = strchr(p, '\n'), *tab;
        line = p;
        if (nl) {
            *nl = '\0';
            p = nl + 1;
        } else {
            p += strlen(p);
        }
        lineno++;
        tab = strchr(line, '\t');
        if (!tab || tab == line || !tab[1])
            fail_msg("transcript.tsv:%d: not ID<TAB>text: '%s'", lineno, line);
        *tab = '\0';
        for (char *c = line; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                  *c == '_' || *c == '-'))
                fail_msg("transcript.tsv:%d: bad character in ID '%s'", lineno, line);
        assert_true(t->n < MAX_CUES);
        t->id[t->n] = line;
        t->text[t->n] = tab + 1;
        t->n++;
    }
}

/* Index of id in t, or -1. */
static int find_id(const transcript *t, const char *id, size_t len)
{
    for (int i = 0; i < t->n; i++)
        if (strlen(t->id[i]) == len && strncmp(t->id[i], id, len) == 0)
            return i;
    return -1;
}

/* Collects the names of a directory (platform_list_dir callback). */
typedef struct names {
    int n;
    char name[MAX_CUES * 2][256];
} names;

/* Adds one name to the names list in ctx. */
static int add_name(const char *name, void *ctx)
{
    names *ns = ctx;
    if (ns->n < MAX_CUES * 2)
        snprintf(ns->name[ns->n++], 256, "%s", name);
    return 0;
}

/* 1 if name ends in .ogg, .flac or .wav; *stem_len gets the ID's length. */
static int is_audio(const char *name, size_t *stem_len)
{
    static const char *const ext[] = {".ogg", ".flac", ".wav"};
    size_t n = strlen(name);
    for (int i = 0; i < 3; i++) {
        size_t e = strlen(ext[i]);
        if (n > e && strcmp(name + n - e, ext[i]) == 0) {
            *stem_len = n - e;
            return 1;
        }
    }
    return 0;
}

/* The audio file of cue id in the pack, or NULL. */
static const char *cue_file(const char *id)
{
    static const char *const ext[] = {".ogg", ".flac", ".wav"};
    static char p[4096];
    for (int i = 0; i < 3; i++) {
        int n = snprintf(p, sizeof p, "%s/%s%s", pack_dir(), id, ext[i]);
        if (n < 0 || (size_t)n >= sizeof p)
            fail_msg("path too long: %s/%s%s", pack_dir(), id, ext[i]);
        if (platform_is_file(p))
            return p;
    }
    return NULL;
}

/* Length in ms of cue id, from its file header. */
static double cue_ms(const char *id)
{
    SF_INFO info;
    SNDFILE *sf;
    const char *f = cue_file(id);
    if (!f)
        fail_msg("cue '%s' has no file", id);
    memset(&info, 0, sizeof info);
    sf = sf_open(f, SFM_READ, &info);
    assert_non_null(sf);
    sf_close(sf);
    return 1000.0 * (double)info.frames / info.samplerate;
}

/* Peak magnitude of x[0..n) in dBFS. */
static double peak_db(const float *x, int64_t n)
{
    double m = 0.0;
    for (int64_t i = 0; i < n; i++)
        if (fabs(x[i]) > m)
            m = fabs(x[i]);
    return m > 0.0 ? 20.0 * log10(m) : -HUGE_VAL;
}

/* Integrated loudness (LUFS) and true peak (dBTP) with libebur128. */
static void ebu(const float *x, int64_t n, int rate, double *lufs, double *tp)
{
    ebur128_state *st = ebur128_init(1, (unsigned long)rate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
    double p = 0.0;
    assert_non_null(st);
    assert_int_equal(ebur128_add_frames_float(st, x, (size_t)n), EBUR128_SUCCESS);
    assert_int_equal(ebur128_loudness_global(st, lufs), EBUR128_SUCCESS);
    assert_int_equal(ebur128_true_peak(st, 0, &p), EBUR128_SUCCESS);
    *tp = p > 0.0 ? 20.0 * log10(p) : -HUGE_VAL;
    ebur128_destroy(&st);
}

/* ---- the pack ---------------------------------------------------------------- */

/* IDs are unique, tel_1..tel_10 exist, and transcript and files match 1:1. */
static void test_pack_matches_transcript(void **state)
{
    transcript t;
    names *ns = calloc(1, sizeof *ns);
    (void)state;
    load_transcript(&t);
    assert_true(t.n >= 30);
    for (int i = 0; i < t.n; i++)
        for (int j = i + 1; j < t.n; j++)
            if (strcmp(t.id[i], t.id[j]) == 0)
                fail_msg("cue ID '%s' is in the transcript twice", t.id[i]);
    for (int k = 1; k <= 10; k++) {
        char id[16];
        snprintf(id, sizeof id, "tel_%d", k);
        if (find_id(&t, id, strlen(id)) < 0)
            fail_msg("the transcript has no %s (count=down needs tel_1 .. tel_10)", id);
    }
    /* every ID has exactly one audio file */
    for (int i = 0; i < t.n; i++) {
        static const char *const ext[] = {".ogg", ".flac", ".wav"};
        int files = 0;
        for (int e = 0; e < 3; e++) {
            char p[4096];
            int n = snprintf(p, sizeof p, "%s/%s%s", pack_dir(), t.id[i], ext[e]);
            if (n < 0 || (size_t)n >= sizeof p)
                fail_msg("path too long: %s/%s%s", pack_dir(), t.id[i], ext[e]);
            files += platform_is_file(p);
        }
        if (files != 1)
            fail_msg("cue '%s' has %d audio files; it needs exactly one", t.id[i], files);
    }
    /* every audio file has an ID */
    assert_int_equal(platform_list_dir(pack_dir(), add_name, ns), 0);
    int audio = 0;
    for (int i = 0; i < ns->n; i++) {
        size_t len;
        if (!is_audio(ns->name[i], &len))
            continue;
        audio++;
        if (find_id(&t, ns->name[i], len) < 0)
            fail_msg("%s has no line in transcript.tsv", ns->name[i]);
    }
    assert_int_equal(audio, t.n);
    free(ns);
    free(t.buf);
}

/* Every cue: mono 48 kHz, -20.0 +-0.2 LUFS, <= -1.1 dBTP, quiet edges. */
static void test_pack_levels(void **state)
{
    transcript t;
    double lo = 0.0, hi = -100.0, tpmax = -100.0;
    (void)state;
    load_transcript(&t);
    for (int i = 0; i < t.n; i++) {
        const char *f = cue_file(t.id[i]);
        SF_INFO info;
        SNDFILE *sf;
        float *x;
        double lufs, tp, head, tail;
        int64_t edge = RATE * 5 / 1000;

        if (!f)
            fail_msg("cue '%s' has no file", t.id[i]);
        memset(&info, 0, sizeof info);
        sf = sf_open(f, SFM_READ, &info);
        if (!sf)
            fail_msg("%s: %s", f, sf_strerror(NULL));
        if (info.channels != 1 || info.samplerate != RATE)
            fail_msg("%s: %d channels at %d Hz; cues are mono at 48000 Hz", f, info.channels,
                     info.samplerate);
        assert_true(info.frames > 2 * edge);
        x = malloc((size_t)info.frames * sizeof *x);
        assert_non_null(x);
        assert_int_equal(sf_readf_float(sf, x, info.frames), info.frames);
        sf_close(sf);
        ebu(x, info.frames, RATE, &lufs, &tp);
        head = peak_db(x, edge);
        tail = peak_db(x + info.frames - edge, edge);
        if (!(fabs(lufs + 20.0) <= 0.2))
            fail_msg("%s: %.2f LUFS; cues are -20.0 +-0.2 LUFS", f, lufs);
        if (!(tp <= -1.1))
            fail_msg("%s: true peak %.2f dBTP; cues are at most -1.1 dBTP", f, tp);
        if (!(head < -40.0) || !(tail < -40.0))
            fail_msg("%s: first/last 5 ms peak at %.1f / %.1f dBFS; they must be under -40", f,
                     head, tail);
        if (lufs < lo)
            lo = lufs;
        if (lufs > hi)
            hi = lufs;
        if (tp > tpmax)
            tpmax = tp;
        free(x);
    }
    print_message("nl pack: %d cues, %.2f .. %.2f LUFS, true peak <= %.2f dBTP\n", t.n, lo, hi,
                  tpmax);
    /* a count=down number must end before the next one starts */
    for (int k = 1; k <= 10; k++) {
        char id[16];
        snprintf(id, sizeof id, "tel_%d", k);
        if (!(cue_ms(id) < 1000.0))
            fail_msg("%s lasts %.0f ms; a count cue must be shorter than a second", id, cue_ms(id));
    }
    free(t.buf);
}

/* Splits a session line into words (a quoted string is one word, quotes
 * kept), dropping a # comment. Returns the number of words. */
static int words(char *line, char **w, int max)
{
    int n = 0;
    char *p = line;
    while (*p && n < max) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (!*p || *p == '#')
            break;
        w[n++] = p;
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p)
                p++;
        } else {
            while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '#')
                p++;
        }
        if (*p == '#') {
            *p = '\0';
            break;
        }
        if (*p)
            *p++ = '\0';
    }
    return n;
}

/* A duration such as 4s, 1.5s, 250ms, 2m, 1m30s, 1h in ms; -1 if it is not one. */
static double duration_ms(const char *s)
{
    double total = 0.0;
    int parts = 0;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s)
            return -1.0;
        if (strncmp(end, "ms", 2) == 0) {
            total += v;
            s = end + 2;
        } else if (*end == 'h') {
            total += v * 3600000.0;
            s = end + 1;
        } else if (*end == 'm') {
            total += v * 60000.0;
            s = end + 1;
        } else if (*end == 's') {
            total += v * 1000.0;
            s = end + 1;
        } else {
            return -1.0;
        }
        parts++;
    }
    return parts ? total : -1.0;
}

/* Each built-in session speaks only cues of the pack; a phase's cue fits in
 * the phase and ends before that phase's count=down begins. */
static void test_sessions_use_pack(void **state)
{
    transcript t;
    names *ns = calloc(1, sizeof *ns);
    char dir[4096];
    int sessions = 0;
    (void)state;
    load_transcript(&t);
    snprintf(dir, sizeof dir, "%s/audio/sessions", source_dir());
    assert_int_equal(platform_list_dir(dir, add_name, ns), 0);
    for (int s = 0; s < ns->n; s++) {
        size_t len = strlen(ns->name[s]);
        char *text, *p;
        char pname[32][64];
        double pval[32];
        int np = 0, lineno = 0;
        if (len < 6 || strcmp(ns->name[s] + len - 5, ".adem") != 0)
            continue;
        sessions++;
        text = slurp(join(dir, ns->name[s]));
        /* first pass: parameter defaults that are durations */
        for (int pass = 0; pass < 2; pass++) {
            char *copy = malloc(strlen(text) + 1);
            strcpy(copy, text);
            lineno = 0;
            for (p = copy; p && *p; ) {
                char *line = p, *nl = strchr(p, '\n'), *w[16];
                int nw;
                if (nl) {
                    *nl = '\0';
                    p = nl + 1;
                } else {
                    p = NULL;
                }
                lineno++;
                nw = words(line, w, 16);
                if (nw == 0)
                    continue;
                if (pass == 0) {
                    if (strcmp(w[0], "param") == 0 && nw == 3 && np < 32) {
                        snprintf(pname[np], 64, "%s", w[1]);
                        pval[np++] = duration_ms(w[2]);
                    }
                    continue;
                }
                if (strcmp(w[0], "speak") == 0 && nw >= 2) {
                    if (find_id(&t, w[1], strlen(w[1])) < 0)
                        fail_msg("%s:%d: speak %s: no such cue in the nl pack", ns->name[s],
                                 lineno, w[1]);
                } else if (strcmp(w[0], "phase") == 0 && nw >= 3) {
                    double dur = -1.0, cue = 0.0;
                    int count = 0;
                    const char *cid = NULL;
                    /* a stepped duration A..B (growing over a repeat's
                     * cycles): the cue must fit the shortest, A */
                    char *dots = strstr(w[2], "..");
                    if (dots)
                        *dots = '\0';
                    if (w[2][0] == '$') {
                        for (int k = 0; k < np; k++)
                            if (strcmp(pname[k], w[2] + 1) == 0)
                                dur = pval[k];
                    } else {
                        dur = duration_ms(w[2]);
                    }
                    if (dots) {
                        double hi = duration_ms(dots + 2);
                        if (hi >= 0.0 && hi < dur)
                            dur = hi;
                    }
                    if (dur <= 0.0)
                        fail_msg("%s:%d: cannot read the phase's duration '%s'", ns->name[s],
                                 lineno, w[2]);
                    for (int k = 3; k < nw; k++) {
                        if (strncmp(w[k], "cue=", 4) == 0)
                            cid = w[k] + 4;
                        else if (strcmp(w[k], "count=down") == 0)
                            count = 1;
                    }
                    if (cid) {
                        if (find_id(&t, cid, strlen(cid)) < 0)
                            fail_msg("%s:%d: cue=%s: no such cue in the nl pack", ns->name[s],
                                     lineno, cid);
                        cue = cue_ms(cid);
                        if (!(cue < dur))
                            fail_msg("%s:%d: cue %s (%.0f ms) is longer than its phase (%.0f ms)",
                                     ns->name[s], lineno, cid, cue, dur);
                        if (count) {
                            double nums = floor(dur / 1000.0) < 10 ? floor(dur / 1000.0) : 10;
                            if (!(cue <= dur - nums * 1000.0))
                                fail_msg("%s:%d: cue %s (%.0f ms) still speaks when count=down "
                                         "starts at %.0f ms", ns->name[s], lineno, cid, cue,
                                         dur - nums * 1000.0);
                        }
                    }
                }
            }
            free(copy);
        }
        free(text);
    }
    /* 478 rustig schudden schud-staand vuist pmr niksdoen slapen bodyscan
     * opbouw uitleg les */
    assert_true(sessions >= 12);
    free(ns);
    free(t.buf);
}

/* ---- cueprep on synthetic takes ------------------------------------------------ */

/* A take: `pre` frames of silence, a sine of freq/amp for `len` frames
 * (starting at phase `ph`), `post` frames of silence. */
static float *burst(int rate, int64_t pre, int64_t len, int64_t post, double freq, double amp,
                    double ph, int64_t *n)
{
    float *x = calloc((size_t)(pre + len + post), sizeof *x);
    assert_non_null(x);
    for (int64_t i = 0; i < len; i++)
        x[pre + i] = (float)(amp * sin(2.0 * M_PI * freq * (double)i / rate + ph));
    *n = pre + len + post;
    return x;
}

/* A burst in silence: trimmed to lead/tail, at the target, faded, not flagged. */
static void test_cueprep_trims_and_normalises(void **state)
{
    int64_t n, m, first = -1, last = -1;
    float *x = burst(RATE, 24000, 48000, 33600, 1000.0, 0.3, 0.5, &n);
    cueprep *c = NULL;
    adem_diag d;
    const cueprep_report *r;
    const float *y;
    double lufs, tp;
    (void)state;
    diag_clear(&d);
    assert_int_equal(cueprep_process(x, n, RATE, NULL, &c, &d), 0);
    r = cueprep_get_report(c);
    y = cueprep_samples(c, &m);
    /* the sine starts at sin(0.5) = 0.48 of its amplitude: the first sample
     * counts, so exactly 15 ms (720 frames) are kept before it; at the end the
     * last sample is sin(2 pi 1000 47999/48000 + 0.5) = 0.37 of it */
    assert_int_equal(r->lead_trimmed, 24000 - 720);
    assert_int_equal(r->tail_trimmed, 33600 - 1920);
    assert_int_equal(m, 720 + 48000 + 1920);
    assert_int_equal(r->out_frames, m);
    for (int64_t i = 0; i < m; i++)
        if (fabs(y[i]) > 1e-4) {
            if (first < 0)
                first = i;
            last = i;
        }
    assert_int_equal(first, 720);
    assert_int_equal(last, 720 + 48000 - 1);
    ebu(y, m, RATE, &lufs, &tp);
    assert_true(fabs(lufs + 20.0) <= 0.05);
    assert_true(fabs(r->out_lufs - lufs) < 1e-9);
    /* a 1 kHz sine at -20 LUFS peaks at -20 + 3.01 dB: no limiting */
    assert_int_equal(r->limited, 0);
    assert_true(fabs(tp - (-20.0 + 3.01)) < 0.1);
    /* a 1 kHz sine of amplitude A is 20 log10(A) - 3.01 LUFS (BS.1770);
     * the take: 1 s of it in 13 gated blocks (7 full, 2 each 3/4, 1/2, 1/4) */
    assert_true(fabs(r->in_lufs - (20.0 * log10(0.3) - 3.01 + 10.0 * log10(10.0 / 13.0))) < 0.05);
    /* the result: the sine fills (almost) every block, so it sits at -20 */
    assert_true(fabs(r->gain_db - (-20.0 - (20.0 * log10(0.3) - 3.01))) < 0.15);
    assert_int_equal(r->clipped, 0);
    assert_int_equal(r->clipped_samples, 0);
    assert_int_equal(r->mostly_silent, 0);
    assert_true(fabs(r->active_ms - 1000.0) <= 20.0);
    assert_true(y[0] == 0.0f && y[m - 1] == 0.0f);
    cueprep_free(c);
    free(x);
}

/* With no lead or tail the 5 ms raised-cosine fades act on the sound itself:
 * sample k of the first 240 is the steady gain times 0.5(1 - cos(pi k/240)). */
static void test_cueprep_fades(void **state)
{
    int64_t n, m, nf = RATE * 5 / 1000;
    /* a cosine (phase pi/2): the first sample is the full amplitude */
    float *x = burst(RATE, 0, 96000, 0, 500.0, 0.2, M_PI / 2, &n);
    cueprep_opts o;
    cueprep *c = NULL;
    adem_diag d;
    const float *y;
    double g;
    (void)state;
    cueprep_defaults(&o);
    o.lead_ms = 0.0;
    o.tail_ms = 0.0;
    diag_clear(&d);
    assert_int_equal(cueprep_process(x, n, RATE, &o, &c, &d), 0);
    y = cueprep_samples(c, &m);
    assert_int_equal(m, n);
    assert_int_equal(cueprep_get_report(c)->limited, 0);
    g = y[48000] / x[48000]; /* the steady gain, mid-take */
    assert_true(g > 0.1 && g < 10.0);
    for (int64_t k = 0; k < nf; k++) {
        double w = 0.5 * (1.0 - cos(M_PI * (double)k / (double)nf));
        assert_true(fabs(y[k] - g * w * x[k]) < 1e-5);
        assert_true(fabs(y[m - 1 - k] - g * w * x[m - 1 - k]) < 1e-5);
    }
    for (int64_t k = nf; k < m - nf; k += 997)
        assert_true(fabs(y[k] - g * x[k]) < 1e-5);
    assert_true(y[0] == 0.0f && y[m - 1] == 0.0f);
    cueprep_free(c);
    free(x);
}

/* A take with no silence around its sound gets the lead and tail added. */
static void test_cueprep_pads_edges(void **state)
{
    int64_t n, m;
    float *x = burst(RATE, 0, 48000, 0, 440.0, 0.3, M_PI / 2, &n);
    cueprep *c = NULL;
    adem_diag d;
    const cueprep_report *r;
    const float *y;
    (void)state;
    diag_clear(&d);
    assert_int_equal(cueprep_process(x, n, RATE, NULL, &c, &d), 0);
    r = cueprep_get_report(c);
    y = cueprep_samples(c, &m);
    assert_int_equal(r->lead_trimmed, -720);
    assert_int_equal(r->tail_trimmed, -1920);
    assert_int_equal(m, 720 + 48000 + 1920);
    for (int64_t i = 0; i < 720; i++)
        assert_true(y[i] == 0.0f);
    for (int64_t i = 720 + 48000; i < m; i++)
        assert_true(y[i] == 0.0f);
    assert_true(fabs(y[720]) > 0.05);
    cueprep_free(c);
    free(x);
}

/* A hard-clipped take is flagged (and still prepared); a clean one is not. */
static void test_cueprep_flags_clipping(void **state)
{
    int64_t n, clipped = 0;
    float *x = burst(RATE, 4800, 48000, 4800, 300.0, 1.6, 0.0, &n);
    cueprep *c = NULL;
    adem_diag d;
    const cueprep_report *r;
    (void)state;
    for (int64_t i = 0; i < n; i++) {
        if (fabs(x[i]) >= 1.0f)
            x[i] = x[i] > 0 ? 1.0f : -1.0f;
        clipped += fabs(x[i]) >= CUEPREP_CLIP_LEVEL;
    }
    assert_true(clipped > 1000);
    diag_clear(&d);
    assert_int_equal(cueprep_process(x, n, RATE, NULL, &c, &d), 0);
    r = cueprep_get_report(c);
    assert_int_equal(r->clipped, 1);
    assert_int_equal(r->clipped_samples, clipped);
    assert_true(fabs(r->in_sample_peak) < 1e-9);
    cueprep_free(c);
    free(x);

    x = burst(RATE, 4800, 48000, 4800, 300.0, 0.9, 0.0, &n);
    assert_int_equal(cueprep_process(x, n, RATE, NULL, &c, &d), 0);
    assert_int_equal(cueprep_get_report(c)->clipped, 0);
    assert_int_equal(cueprep_get_report(c)->clipped_samples, 0);
    cueprep_free(c);
    free(x);
}

/* A take with sharp peaks is softly limited: true peak under the ceiling,
 * loudness still on target. */
static void test_cueprep_limits_peaks(void **state)
{
    int64_t n, m;
    float *x = burst(RATE, 4800, 96000, 4800, 220.0, 0.05, 0.0, &n);
    cueprep *c = NULL;
    adem_diag d;
    const cueprep_report *r;
    const float *y;
    double lufs, tp;
    (void)state;
    /* a click every 100 ms, 20x the sine: a crest factor of ~29 dB */
    for (int64_t i = 4800 + 2400; i < 4800 + 96000; i += 4800) {
        x[i] = 1.0f;
        x[i + 1] = -0.9f;
    }
    diag_clear(&d);
    assert_int_equal(cueprep_process(x, n, RATE, NULL, &c, &d), 0);
    r = cueprep_get_report(c);
    y = cueprep_samples(c, &m);
    ebu(y, m, RATE, &lufs, &tp);
    assert_int_equal(r->limited, 1);
    assert_true(r->limit_db < -3.0);
    assert_true(tp <= -1.0 - 0.5 + 0.05);
    assert_true(fabs(lufs + 20.0) <= 0.05);
    cueprep_free(c);
    free(x);
}

/* Takes with little or no sound: flagged, or refused with a clear message. */
static void test_cueprep_silence(void **state)
{
    int64_t n;
    float *x = burst(RATE, 72000, 4800, 72000, 440.0, 0.3, 0.0, &n);
    cueprep *c = NULL;
    adem_diag d;
    const cueprep_report *r;
    (void)state;
    diag_clear(&d);
    assert_int_equal(cueprep_process(x, n, RATE, NULL, &c, &d), 0);
    r = cueprep_get_report(c);
    assert_int_equal(r->mostly_silent, 1);
    assert_true(fabs(r->active_ms - 100.0) <= 10.0);
    /* shorter than 500 ms after trimming: padded to 500 ms at the end */
    assert_int_equal(r->out_frames, 24000);
    assert_true(fabs(r->out_lufs + 20.0) <= 0.05);
    cueprep_free(c);
    /* a very quiet take: mostly silent too */
    for (int64_t i = 0; i < n; i++)
        x[i] = 0.0f;
    for (int64_t i = 0; i < 48000; i++)
        x[24000 + i] = (float)(0.001 * sin(2.0 * M_PI * 440.0 * i / RATE));
    assert_int_equal(cueprep_process(x, n, RATE, NULL, &c, &d), 0);
    assert_int_equal(cueprep_get_report(c)->mostly_silent, 1);
    assert_true(cueprep_get_report(c)->in_lufs < -50.0);
    cueprep_free(c);
    /* nothing at all */
    memset(x, 0, (size_t)n * sizeof *x);
    assert_int_equal(cueprep_process(x, n, RATE, NULL, &c, &d), -1);
    assert_null(c);
    assert_non_null(strstr(d.msg, "silent"));
    assert_null(strchr(d.msg, '\n'));
    free(x);
}

/* Bad input is refused with one line saying what to do. */
static void test_cueprep_bad_input(void **state)
{
    int64_t n;
    float *x = burst(RATE, 0, 48000, 0, 440.0, 0.3, 0.0, &n);
    cueprep *c = NULL;
    cueprep_opts o;
    adem_diag d;
    (void)state;
    diag_clear(&d);
    assert_int_equal(cueprep_process(x, 0, RATE, NULL, &c, &d), -1);
    assert_non_null(strstr(d.msg, "empty"));
    assert_int_equal(cueprep_process(x, n, 4000, NULL, &c, &d), -1);
    assert_non_null(strstr(d.msg, "4000 Hz"));
    x[100] = NAN;
    assert_int_equal(cueprep_process(x, n, RATE, NULL, &c, &d), -1);
    assert_non_null(strstr(d.msg, "sample 100"));
    x[100] = 0.0f;
    cueprep_defaults(&o);
    o.quality = 2.0;
    assert_int_equal(cueprep_process(x, n, RATE, &o, &c, &d), -1);
    assert_non_null(strstr(d.msg, "quality"));
    assert_non_null(strchr(d.msg, ';'));
    assert_null(c);
    free(x);
}

/* A 44.1 kHz take comes out at 48 kHz with the right length and loudness. */
static void test_cueprep_resamples(void **state)
{
    int64_t n, m;
    float *x = burst(44100, 0, 44100, 0, 1000.0, 0.25, M_PI / 2, &n);
    cueprep_opts o;
    cueprep *c = NULL;
    adem_diag d;
    const float *y;
    double lufs, tp;
    (void)state;
    cueprep_defaults(&o);
    o.lead_ms = o.tail_ms = 0.0;
    diag_clear(&d);
    assert_int_equal(cueprep_process(x, n, 44100, &o, &c, &d), 0);
    y = cueprep_samples(c, &m);
    assert_int_equal(cueprep_get_report(c)->in_rate, 44100);
    /* one second at 48 kHz, give or take the converter's edge samples */
    assert_true(m >= 47990 && m <= 48000);
    ebu(y, m, RATE, &lufs, &tp);
    assert_true(fabs(lufs + 20.0) <= 0.05);
    cueprep_free(c);
    free(x);
}

/* The Ogg file: mono 48 kHz, same length, on target after decoding, quiet
 * edges, and byte-identical when written twice. */
static void test_cueprep_write_ogg(void **state)
{
    int64_t n, m, got;
    float *x = burst(RATE, 9600, 72000, 9600, 330.0, 0.4, 0.0, &n), *y;
    cueprep *c = NULL;
    adem_diag d;
    int rate;
    double lufs, tp;
    const char *a = e2e_path("a.ogg"), *b = e2e_path("b.ogg");
    char *ba, *bb;
    FILE *f;
    long la, lb;
    (void)state;
    for (int64_t i = 0; i < 72000; i++) /* a vowel-like blend with overtones */
        x[9600 + i] += (float)(0.15 * sin(2.0 * M_PI * 990.0 * i / RATE) +
                               0.05 * sin(2.0 * M_PI * 2310.0 * i / RATE));
    diag_clear(&d);
    assert_int_equal(cueprep_process(x, n, RATE, NULL, &c, &d), 0);
    cueprep_samples(c, &m);
    if (cueprep_write_ogg(c, a, &d))
        fail_msg("%s", d.msg);
    assert_int_equal(cueprep_write_ogg(c, b, &d), 0);
    assert_false(e2e_exists(e2e_path("a.ogg.part")));
    assert_int_equal(cueprep_read_file(a, &y, &got, &rate, &d), 0);
    assert_int_equal(rate, RATE);
    assert_int_equal(got, m);
    ebu(y, got, RATE, &lufs, &tp);
    assert_true(fabs(lufs + 20.0) <= 0.3);
    assert_true(tp <= -1.0);
    assert_true(fabs(cueprep_get_report(c)->out_lufs - lufs) < 1e-9);
    assert_true(peak_db(y, 240) < -40.0 && peak_db(y + got - 240, 240) < -40.0);
    free(y);
    /* same bytes both times (fixed Ogg serial number) */
    f = fopen(a, "rb");
    fseek(f, 0, SEEK_END);
    la = ftell(f);
    fclose(f);
    f = fopen(b, "rb");
    fseek(f, 0, SEEK_END);
    lb = ftell(f);
    fclose(f);
    assert_int_equal(la, lb);
    ba = slurp(a);
    bb = slurp(b);
    assert_memory_equal(ba, bb, (size_t)la);
    assert_memory_equal(ba + 14, "meda", 4); /* serial 0x6164656d ("adem"), little-endian */
    free(ba);
    free(bb);
    /* a folder that does not exist: an error, nothing left behind */
    assert_int_equal(cueprep_write_ogg(c, e2e_path("no/such/dir/c.ogg"), &d), -1);
    assert_non_null(strstr(d.msg, "cannot write"));
    cueprep_free(c);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_matches_transcript),
        cmocka_unit_test(test_pack_levels),
        cmocka_unit_test(test_sessions_use_pack),
        cmocka_unit_test(test_cueprep_trims_and_normalises),
        cmocka_unit_test(test_cueprep_fades),
        cmocka_unit_test(test_cueprep_pads_edges),
        cmocka_unit_test(test_cueprep_flags_clipping),
        cmocka_unit_test(test_cueprep_limits_peaks),
        cmocka_unit_test(test_cueprep_silence),
        cmocka_unit_test(test_cueprep_bad_input),
        cmocka_unit_test(test_cueprep_resamples),
        cmocka_unit_test(test_cueprep_write_ogg),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
