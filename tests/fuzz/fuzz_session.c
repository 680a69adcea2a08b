/* fuzz_session: libFuzzer target for the session language, end to end in
 * memory: bytes -> session_parse -> timeline_build (with a loader that serves
 * a few in-memory sessions to `play`) -> timeline_layout (fake cue lengths)
 * -> the cursor walked to the end (bounded) -> a short engine run (at 8 kHz).
 *
 * The input is split at lines "%%" into up to four texts: the first is the
 * session under test, the others are served to `play` as "s1", "s2", "s3"
 * (a fixed copy of the 4-7-8 session is served as "478"). Comment lines
 * "#set NAME=VALUE" in the first text become --set overrides. The rate and
 * tempo are chosen from a hash of the input.
 *
 * Oracles (each aborts, so libFuzzer keeps the input): an error always comes
 * with a one-line, non-empty message, status 1 or 2, and a position inside the
 * text; event frames never decrease, stay within the session's length, and
 * the walk ends exactly on timeline_frames. Also: every ASan/UBSan report. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt/engine.h"
#include "lang/session_parse.h"
#include "timeline/timeline.h"

enum { MAX_TEXTS = 4, MAX_SETS = 4, WALK_MAX = 100000, ENGINE_FRAMES = 8192 };

/* The 4-7-8 session, served to `play 478`. */
static const char s478[] = "session \"4-7-8\"\n"
                           "param cycles 4\n"
                           "param hold 7s\n"
                           "voice nl\n"
                           "speak intro_478\n"
                           "wait 2s\n"
                           "repeat $cycles\n"
                           "  phase \"in\" 4s cue=adem_in_neus tone=rise\n"
                           "  phase \"vast\" $hold cue=vasthouden tone=steady\n"
                           "  phase \"uit\" 8s cue=adem_uit_mond tone=fall count=down\n"
                           "end\n"
                           "bell\n"
                           "speak afsluiting\n";

/* The texts of one input and the sessions parsed from them (lazily). */
typedef struct fz_set {
    const char *text[MAX_TEXTS];
    size_t len[MAX_TEXTS];
    int ntext;
    ast_session *parsed[MAX_TEXTS + 1]; /* [MAX_TEXTS] is 478 */
    int tried[MAX_TEXTS + 1];
} fz_set;

static const char *const names[MAX_TEXTS + 1] = {"main", "s1", "s2", "s3", "478"};

/* Aborts (a finding) when cond is false. */
static void check(int cond)
{
    if (!cond)
        abort();
}

/* Checks that a failed step left a proper one-line diagnostic. */
static void check_diag(const adem_diag *d)
{
    check(d->msg[0] != '\0');
    check(strchr(d->msg, '\n') == NULL && strchr(d->msg, '\r') == NULL);
    check(d->status == 1 || d->status == 2);
    check(d->line >= 0 && d->col >= 0);
    check(d->line == 0 || d->col >= 1);
}

/* tl_load_fn over the in-memory texts: "s1".."s3" and "478". */
static int fz_load(void *ctx, const char *target, const char *from, const ast_session **out,
                   const char **key, adem_diag *d)
{
    fz_set *fs = ctx;
    (void)from;
    for (int i = 1; i <= MAX_TEXTS; i++) {
        if (strcmp(target, names[i]) != 0)
            continue;
        if (i < MAX_TEXTS && i >= fs->ntext)
            break;
        if (!fs->tried[i]) {
            fs->tried[i] = 1;
            const char *t = i < MAX_TEXTS ? fs->text[i] : s478;
            size_t n = i < MAX_TEXTS ? fs->len[i] : sizeof s478 - 1;
            if (session_parse(names[i], t, n, &fs->parsed[i], d) != 0) {
                check_diag(d);
                return -1;
            }
        }
        if (!fs->parsed[i])
            return diag_set(d, NULL, 0, 0, "session '%s' did not parse", target);
        *out = fs->parsed[i];
        *key = names[i];
        return 0;
    }
    return diag_set(d, NULL, 0, 0, "no session named '%s'", target);
}

/* FNV-1a over the input, for the rate and tempo. */
static uint32_t fz_hash(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Splits the input at lines "%%" into fs->text. */
static void fz_split(fz_set *fs, const char *s, size_t n)
{
    size_t start = 0;
    fs->ntext = 0;
    for (size_t i = 0; i + 3 <= n && fs->ntext < MAX_TEXTS - 1; i++) {
        if ((i == 0 || s[i - 1] == '\n') && s[i] == '%' && s[i + 1] == '%' && s[i + 2] == '\n') {
            fs->text[fs->ntext] = s + start;
            fs->len[fs->ntext++] = i - start;
            start = i + 3;
            i += 2;
        }
    }
    fs->text[fs->ntext] = s + start;
    fs->len[fs->ntext++] = n - start;
}

/* Collects "#set NAME=VALUE" lines of text into sets (strings in buf). */
static int fz_sets(const char *s, size_t n, tl_override *sets, char buf[MAX_SETS][128])
{
    int k = 0;
    for (size_t i = 0; i < n && k < MAX_SETS; i++) {
        if ((i == 0 || s[i - 1] == '\n') && n - i > 5 && memcmp(s + i, "#set ", 5) == 0) {
            size_t j = i + 5, m = 0;
            while (j < n && s[j] != '\n' && m < 127)
                buf[k][m++] = s[j++];
            buf[k][m] = '\0';
            char *eq = strchr(buf[k], '=');
            if (!eq || eq == buf[k])
                continue;
            *eq = '\0';
            sets[k].name = buf[k];
            sets[k].value = eq + 1;
            sets[k].from = "#set"; /* messages: "#set NAME=VALUE: ..." */
            k++;
        }
    }
    return k;
}

/* A fake length for cue id at rate: 1 .. rate/2 frames, from its name. */
static int64_t fz_cue_frames(const char *id, int rate)
{
    uint32_t h = fz_hash((const uint8_t *)id, strlen(id));
    return 1 + (int64_t)(h % (uint32_t)(rate / 2));
}

/* Walks the cursor: frames never decrease, stay within the length, and the
 * walk ends on timeline_frames (unless the bound is met first). */
static void fz_walk(const timeline *tl)
{
    tl_cursor c;
    tl_event ev;
    int64_t last = 0, total = timeline_frames(tl);
    check(total >= 0);
    tl_cursor_init(&c, tl);
    for (int k = 0; k < WALK_MAX; k++) {
        if (!tl_cursor_next(&c, &ev))
            abort(); /* returned 0 before TL_EV_END */
        check(ev.frame >= last && ev.frame <= total);
        last = ev.frame;
        if (ev.kind == TL_EV_END) {
            check(ev.frame == total);
            check(tl_cursor_next(&c, &ev) == 0);
            return;
        }
        if (ev.kind == TL_EV_CUE)
            check(ev.cue >= 0 && ev.cue < timeline_ncues(tl));
        check(ev.frames >= 0);
    }
}

/* Runs the engine over the first frames of the session with silent cues. */
static void fz_engine(const timeline *tl, const int64_t *frames, int ncues)
{
    static float zeros[384000 / 2 + 1];
    static float out[1024 * 2];
    adem_cue *cues = calloc((size_t)(ncues ? ncues : 1), sizeof *cues);
    if (!cues)
        return;
    for (int i = 0; i < ncues; i++) {
        cues[i].samples = zeros;
        cues[i].frames = frames[i];
    }
    engine_config ec;
    adem_diag d;
    engine_config_init(&ec);
    ec.rate = timeline_rate(tl);
    engine *e = engine_new(tl, cues, &ec, &d);
    if (e) {
        for (int done = 0; done < ENGINE_FRAMES && !engine_done(e); done += 1024) {
            engine_process(e, out, 1024);
            for (size_t i = 0; i < sizeof out / sizeof out[0]; i++)
                check(out[i] == out[i] && out[i] <= 1.0f && out[i] >= -1.0f);
        }
        engine_free(e);
    } else {
        check_diag(&d);
    }
    free(cues);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input: see the top of the file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int rates[] = {48000, 44100, 8000, 384000};
    static const int tempos[] = {1000, 500, 2000, 750};
    fz_set fs;
    adem_diag d;
    tl_override sets[MAX_SETS];
    char setbuf[MAX_SETS][128];
    memset(&fs, 0, sizeof fs);
    fz_split(&fs, (const char *)data, size);
    /* collect mode (adem check): the same verdict and first mistake, each
     * mistake well formed, and what it read is freed */
    static adem_diag_list errs;
    ast_session *all = NULL;
    diag_list_clear(&errs);
    int crc = session_parse_collect(names[0], fs.text[0], fs.len[0], &all, &errs);
    for (int i = 0; i < errs.n; i++)
        check_diag(&errs.item[i]);
    session_free(all);
    if (session_parse(names[0], fs.text[0], fs.len[0], &fs.parsed[0], &d) != 0) {
        check_diag(&d);
        check(d.line <= 1 + (int)fs.len[0]);
        check(crc == -1 && errs.n >= 1 && errs.item[0].line == d.line && errs.item[0].col == d.col);
        return 0;
    }
    check(crc == 0 && errs.n == 0);
    uint32_t h = fz_hash(data, size);
    tl_options o;
    tl_options_init(&o);
    o.sets = sets;
    o.nsets = fz_sets(fs.text[0], fs.len[0], sets, setbuf);
    o.tempo_milli = tempos[(h >> 2) & 3];
    o.gap_ms = (h >> 4) & 1 ? 1500 : 0;
    tl_loader ld = {NULL, fz_load, &fs};
    const ast_session *top[2] = {fs.parsed[0], fs.parsed[0]};
    int ntop = (h >> 5) & 1 ? 2 : 1; /* the session twice, with a gap */
    timeline *tl = NULL;
    if (timeline_build(top, ntop, &o, &ld, &tl, &d) != 0) {
        check_diag(&d);
    } else {
        int rate = rates[h & 3];
        int n = timeline_ncues(tl);
        int64_t *frames = calloc((size_t)(n ? n : 1), sizeof *frames);
        if (frames) {
            for (int i = 0; i < n; i++)
                frames[i] = fz_cue_frames(timeline_cue(tl, i)->id, rate);
            if (timeline_layout(tl, rate, frames, &d) != 0) {
                check_diag(&d);
            } else {
                check(timeline_rate(tl) == rate);
                fz_walk(tl);
                if (rate == 8000) /* the engine's tables take long at high rates */
                    fz_engine(tl, frames, n);
            }
        }
        free(frames);
        timeline_free(tl);
    }
    for (int i = 0; i <= MAX_TEXTS; i++)
        session_free(fs.parsed[i]);
    return 0;
}
