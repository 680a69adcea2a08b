/* fuzz_voicepack: libFuzzer target for what a voice pack feeds adem: its
 * transcript.tsv and its audio files' headers and contents.
 *
 * The first byte chooses what the rest is:
 *   b % 4 == 0: transcript.tsv, parsed in memory, then written into a pack
 *               beside a valid cue and checked by voicepack_resolve;
 *   b % 4 == 1, 2, 3: the cue's audio file a.wav, a.flac or a.ogg, which is
 *               resolved, measured (voicepack_lengths) and decoded
 *               (voicepack_load) at an output rate chosen by (b / 4) % 4
 *               (8000, 16000, 44100, 48000 Hz). (The engine is not run here:
 *               building its tables would take most of the time; extreme cue
 *               samples through the engine are tests/e2e/e2e_bad.c's job.)
 *
 * Oracles (abort, so libFuzzer keeps the input): an error always comes with a
 * one-line non-empty message and status 1 or 2; a loaded cue has exactly the
 * length voicepack_lengths promised and only finite samples. Also every
 * ASan/UBSan report.
 * Test code: POSIX is fine here. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/transcript.h"
#include "io/voicepack.h"

static char pack[256]; /* the temporary pack folder, made once */

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
}

/* Writes n bytes to pack/name (replacing it). */
static void put(const char *name, const uint8_t *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", pack, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (n && fwrite(p, 1, n, f) != n)
        abort();
    fclose(f);
}

/* Removes pack/name if it exists. */
static void drop(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", pack, name);
    unlink(path);
}

/* A valid 16-bit mono WAV at 8 kHz of 4 frames (one impulse). */
static const uint8_t tiny_wav[] = {
    'R', 'I', 'F', 'F', 44, 0,   0,   0,    'W', 'A', 'V', 'E', 'f', 'm', 't', ' ',
    16,  0,   0,   0,   1,  0,   1,   0,    0x40, 0x1f, 0,  0,   0x80, 0x3e, 0, 0,
    2,   0,   16,  0,   'd', 'a', 't', 'a', 8,   0,   0,   0,   0x00, 0x40, 0, 0,
    0,   0,   0,   0};

/* Removes the pack folder and what is in it (at exit). */
static void cleanup(void)
{
    static const char *const files[] = {"transcript.tsv", "a.wav", "a.flac", "a.ogg"};
    for (int i = 0; i < 4; i++)
        drop(files[i]);
    rmdir(pack);
}

/* Makes the pack folder on first use. */
static void setup(void)
{
    if (pack[0])
        return;
    snprintf(pack, sizeof pack, "/tmp/adem-fuzz-vp-XXXXXX");
    if (!mkdtemp(pack))
        abort();
    atexit(cleanup);
}

/* Resolves cue "a" of the pack; then, when audio is set, measures and
 * decodes it at rate. */
static void run_pack(int audio, int rate)
{
    tl_cue cue = {pack, "a", "f.adem", {1, 1}};
    vp_dirs dirs = {NULL, NULL};
    voicepack *vp = NULL;
    adem_diag d;
    diag_clear(&d);
    if (voicepack_resolve(&cue, 1, &dirs, &vp, &d) != 0) {
        check_diag(&d);
        check(vp == NULL);
        return;
    }
    if (audio) {
        int64_t frames = -1;
        adem_cue c = {NULL, 0};
        if (voicepack_lengths(vp, rate, &frames, &d) != 0) {
            check_diag(&d);
        } else if (voicepack_load(vp, rate, &c, &d) != 0) {
            check_diag(&d);
            check(frames >= 1);
        } else {
            check(frames >= 1 && c.frames == frames && c.samples != NULL);
            for (int64_t i = 0; i < c.frames; i++)
                check(c.samples[i] - c.samples[i] == 0.0f); /* finite */
        }
    }
    voicepack_free(vp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input: see the top of the file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"transcript.tsv", "a.wav", "a.flac", "a.ogg"};
    static const int rates[] = {8000, 16000, 44100, 48000};
    if (size < 1)
        return 0;
    setup();
    int mode = data[0] % 4, rate = rates[(data[0] / 4) % 4];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    for (int i = 0; i < 4; i++)
        drop(names[i]);
    if (mode == 0) {
        transcript *t = NULL;
        adem_diag d;
        diag_clear(&d);
        if (transcript_parse("t.tsv", (const char *)p, n, &t, &d) != 0) {
            check_diag(&d);
            check(t == NULL && d.line >= 1 && d.col >= 1);
        } else {
            for (int i = 0; i < transcript_count(t); i++)
                check(transcript_find(t, transcript_id(t, i)) == i &&
                      transcript_text(t, i)[0] != '\0');
        }
        transcript_free(t);
        put("a.wav", tiny_wav, sizeof tiny_wav);
        put("transcript.tsv", p, n);
        run_pack(0, rate);
    } else {
        put(names[mode], p, n);
        run_pack(1, rate);
    }
    return 0;
}
