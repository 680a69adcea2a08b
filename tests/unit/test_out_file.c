/* test_out_file: the render writer (src/io/out_file.c): formats, raw stdout bytes,
 * the 16-bit conversion, errors, and "nothing half-written". */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cpu.h"
#include "e2e.h"
#include "io/out_file.h"

/* A signal with values beyond ±1 and the 16-bit integers it must become
 * (clip to [-1, 1], times 32767, round to nearest). Written by hand. */
static const float sig[] = {0.0f,  0.5f,   -0.5f, 1.0f,   -1.0f,   1.5f, -1.5f,
                            0.25f, -1e-5f, 1e-5f, 0.999f, -0.999f, 4.0f, -100.0f};
static const int16_t sig_s16[] = {0,    16384, -16384, 32767, -32767, 32767, -32767,
                                  8192, 0,     0,      32734, -32734, 32767, -32767};
enum { SIG_N = (int)(sizeof sig / sizeof sig[0]) }; /* 14 samples: 7 stereo frames */

/* A fresh empty folder under the test's temp dir. */
static const char *fresh_dir(const char *name)
{
    const char *p = e2e_path(name);
    assert_int_equal(mkdir(p, 0755), 0);
    return p;
}

/* path joined with a file name (static rotating buffers). */
static const char *join(const char *dir, const char *name)
{
    static char bufs[8][1200];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", dir, name);
    return b;
}

/* The names in dir (not . and ..), joined by '|', sorted by readdir order. */
static int list_dir(const char *dir, char names[][256], int max)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n < max)
            snprintf(names[n], 256, "%s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

/* A long stereo test signal (crosses the writer's internal buffer size) that
 * includes the hand-checked values and peaks beyond ±1. */
static float *long_signal(int64_t frames)
{
    float *s = malloc((size_t)frames * 2 * sizeof *s);
    for (int64_t i = 0; i < frames; i++) {
        s[2 * i] = 1.3f * sinf((float)i * 0.01f);
        s[2 * i + 1] = -1.2f * cosf((float)i * 0.003f);
    }
    memcpy(s, sig, sizeof sig);
    return s;
}

/* Opens path, writes frames (stereo, in blocks of `block`) and closes; all
 * must succeed. */
static void write_file(const char *path, int rate, out_format fmt, const float *s, int64_t frames,
                       int64_t block)
{
    out_file *f = NULL;
    adem_diag d;
    diag_clear(&d);
    if (out_file_open(path, rate, 2, fmt, &f, &d) != 0)
        fail_msg("open %s: %s", path, d.msg);
    for (int64_t pos = 0; pos < frames; pos += block) {
        int64_t k = frames - pos < block ? frames - pos : block;
        if (out_file_write(f, s + 2 * pos, (size_t)k, &d) != 0)
            fail_msg("write %s: %s", path, d.msg);
    }
    if (out_file_close(f, &d) != 0)
        fail_msg("close %s: %s", path, d.msg);
}

/* Reads a 16-bit file as shorts; checks format, channels, rate, frames. */
static int16_t *read_s16(const char *path, int format, int rate, int64_t frames)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    assert_non_null(sf);
    assert_int_equal(info.format, format);
    assert_int_equal(info.channels, 2);
    assert_int_equal(info.samplerate, rate);
    assert_int_equal(info.frames, frames);
    int16_t *s = malloc((size_t)frames * 2 * sizeof *s);
    assert_int_equal(sf_readf_short(sf, s, frames), frames);
    sf_close(sf);
    return s;
}

/* The bytes of the "data" chunk of a RIFF WAVE file (points into buf). */
static const unsigned char *wav_data(const unsigned char *buf, size_t len, size_t *data_len)
{
    assert_true(len >= 12 && !memcmp(buf, "RIFF", 4) && !memcmp(buf + 8, "WAVE", 4));
    size_t pos = 12;
    while (pos + 8 <= len) {
        uint32_t n = (uint32_t)buf[pos + 4] | (uint32_t)buf[pos + 5] << 8 |
                     (uint32_t)buf[pos + 6] << 16 | (uint32_t)buf[pos + 7] << 24;
        if (!memcmp(buf + pos, "data", 4)) {
            assert_true(pos + 8 + n <= len);
            *data_len = n;
            return buf + pos + 8;
        }
        pos += 8 + n + (n & 1);
    }
    fail_msg("no data chunk");
    return NULL;
}

/* ---- formats ---------------------------------------------------------------- */

static void test_wav_s16_roundtrip(void **state)
{
    (void)state;
    const char *dir = fresh_dir("wav16");
    const char *path = join(dir, "a.wav");
    const int64_t frames = 70001;
    float *s = long_signal(frames);
    write_file(path, 44100, OUT_DEFAULT, s, frames, 4096);
    int16_t *r = read_s16(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, frames);
    for (int i = 0; i < SIG_N; i++)
        assert_int_equal(r[i], sig_s16[i]);
    for (int64_t i = 0; i < frames * 2; i++) {
        float c = s[i] > 1.0f ? 1.0f : s[i] < -1.0f ? -1.0f : s[i];
        if (fabsf((float)r[i] / 32767.0f - c) > 0.5f / 32767.0f + 1e-7f)
            fail_msg("sample %lld: %d for %g", (long long)i, r[i], (double)s[i]);
    }
    char names[4][256];
    assert_int_equal(list_dir(dir, names, 4), 1); /* no temporary file left */
    assert_string_equal(names[0], "a.wav");
    free(r);
    free(s);
}

static void test_wav_f32_exact(void **state)
{
    (void)state;
    const char *dir = fresh_dir("wav32");
    const char *path = join(dir, "b.WAV"); /* extension case does not matter */
    const int64_t frames = 50000;
    float *s = long_signal(frames);
    write_file(path, 48000, OUT_F32, s, frames, 999);
    float *r = NULL;
    int ch = 0, rate = 0;
    assert_int_equal(e2e_read_audio(path, &r, &ch, &rate), frames);
    assert_int_equal(ch, 2);
    assert_int_equal(rate, 48000);
    assert_memory_equal(r, s, (size_t)frames * 2 * sizeof *s); /* 1.5 stays 1.5 */
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    assert_int_equal(info.format, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    sf_close(sf);
    free(r);
    free(s);
}

static void test_flac_roundtrip(void **state)
{
    (void)state;
    const char *dir = fresh_dir("flac");
    const char *path = join(dir, "c.Flac");
    const int64_t frames = 40000;
    float *s = long_signal(frames);
    write_file(path, 22050, OUT_S16, s, frames, 40000);
    int16_t *r = read_s16(path, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 22050, frames);
    for (int i = 0; i < SIG_N; i++)
        assert_int_equal(r[i], sig_s16[i]);
    for (int64_t i = 0; i < frames * 2; i++) {
        float c = s[i] > 1.0f ? 1.0f : s[i] < -1.0f ? -1.0f : s[i];
        assert_int_equal(r[i], (int16_t)lrintf(c * 32767.0f));
    }
    free(r);
    free(s);
}

static void test_ogg_roundtrip(void **state)
{
    (void)state;
    const char *dir = fresh_dir("ogg");
    const char *path = join(dir, "d.ogg");
    const int64_t frames = 48000;
    float *s = malloc((size_t)frames * 2 * sizeof *s);
    for (int64_t i = 0; i < frames; i++) {
        s[2 * i] = 0.5f * sinf(2.0f * 3.14159265f * 440.0f * (float)i / 48000.0f);
        s[2 * i + 1] = 0.25f * sinf(2.0f * 3.14159265f * 660.0f * (float)i / 48000.0f);
    }
    write_file(path, 48000, OUT_DEFAULT, s, frames, 1024);
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    assert_non_null(sf);
    assert_int_equal(info.format, SF_FORMAT_OGG | SF_FORMAT_VORBIS);
    assert_int_equal(info.channels, 2);
    assert_int_equal(info.samplerate, 48000);
    assert_int_equal(info.frames, frames);
    float *r = malloc((size_t)frames * 2 * sizeof *r);
    assert_int_equal(sf_readf_float(sf, r, frames), frames);
    sf_close(sf);
    /* lossy: compare the waveform (error energy well below the signal's) */
    for (int c = 0; c < 2; c++) {
        double sig_e = 0, err_e = 0;
        for (int64_t i = 4800; i < frames - 4800; i++) {
            double a = s[2 * i + c], b = r[2 * i + c];
            sig_e += a * a;
            err_e += (a - b) * (a - b);
        }
        assert_true(err_e < sig_e * 1e-3); /* better than 30 dB SNR */
    }
    free(r);
    free(s);
}

/* ---- raw stdout --------------------------------------------------------------- */

/* In a child process with stdout sent to `to`: opens "-", writes frames in
 * blocks, closes. Writes "write_rc close_rc status msg" to `report`. */
static void raw_child(const char *to, out_format fmt, const float *s, int64_t frames, int64_t block,
                      const char *report)
{
    fflush(stdout);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen(to, "wb", stdout))
            _exit(90);
        out_file *f = NULL;
        adem_diag d;
        diag_clear(&d);
        int wrc = 0, crc;
        if (out_file_open("-", 48000, 2, fmt, &f, &d) != 0)
            _exit(91);
        for (int64_t pos = 0; pos < frames && wrc == 0; pos += block) {
            int64_t k = frames - pos < block ? frames - pos : block;
            wrc = out_file_write(f, s + 2 * pos, (size_t)k, &d);
        }
        crc = out_file_close(f, &d);
        FILE *r = fopen(report, "w");
        fprintf(r, "%d %d %d %s", wrc, crc, d.status, d.msg);
        fclose(r);
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_raw_s16_bytes(void **state)
{
    (void)state;
    const char *dir = fresh_dir("raw16");
    const char *raw = join(dir, "out.raw");
    const char *rep = join(dir, "report");
    raw_child(raw, OUT_DEFAULT, sig, SIG_N / 2, 3, rep);
    size_t len;
    unsigned char *b = (unsigned char *)e2e_read_file(raw, &len);
    assert_int_equal(len, SIG_N * 2);
    /* little-endian, by hand: 16384 = 00 40, -16384 = 00 c0, -32767 = 01 80 */
    static const unsigned char head[] = {0x00, 0x00, 0x00, 0x40, 0x00, 0xc0, 0xff,
                                         0x7f, 0x01, 0x80, 0xff, 0x7f, 0x01, 0x80};
    assert_memory_equal(b, head, sizeof head);
    for (int i = 0; i < SIG_N; i++) {
        int16_t v = (int16_t)(uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
        assert_int_equal(v, sig_s16[i]);
    }
    free(b);
    b = (unsigned char *)e2e_read_file(rep, &len);
    assert_string_equal((char *)b, "0 0 2 ");
    free(b);
}

/* The 16-bit conversion (vectorised where the machine allows) against the
 * definition, lrintf(clip(x) * 32767) with NaN as 0, on a million samples:
 * random bit patterns (NaN, infinities, tiny and huge values), every step of
 * 1/32767 with the ties between them, and the edges around +-1. Blocks of odd
 * sizes put samples in both the vector loop and its tail. Both loops: with
 * AVX2 (where the machine has it) and with SSE2. */
static void test_raw_s16_matches_lrintf(void **state)
{
    (void)state;
    const char *dir = fresh_dir("raw16l");
    const char *raw = join(dir, "out.raw");
    const char *rep = join(dir, "report");
    const int64_t frames = 500000;
    float *s = malloc((size_t)frames * 2 * sizeof *s);
    assert_non_null(s);
    uint32_t x = 2463534242u;
    for (int64_t i = 0; i < frames * 2; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        float v;
        switch (i % 4) {
        case 0: /* any bits */
            memcpy(&v, &x, sizeof v);
            break;
        case 1: /* a tie: (k + 0.5) / 32767 */
            v = ((float)((int)(x % 65535u) - 32767) + 0.5f) / 32767.0f;
            break;
        case 2: /* anywhere in [-1.1, 1.1] */
            v = ((float)(x >> 8) / 16777216.0f * 2.0f - 1.0f) * 1.1f;
            break;
        default: /* next to +-1 and 0 */
            v = nextafterf((x & 2) ? 1.0f : (x & 4) ? 0.0f : -1.0f, (x & 1) ? 2.0f : -2.0f);
            break;
        }
        s[i] = v;
    }
    /* with the AVX2 loop where the machine has it, then without (cpu_limit) */
    for (int pass = 0; pass < 2; pass++) {
        cpu_limit(pass == 0);
        raw_child(raw, OUT_S16, s, frames, 4099, rep);
        cpu_limit(1);
        size_t len;
        unsigned char *b = (unsigned char *)e2e_read_file(raw, &len);
        assert_int_equal(len, (size_t)frames * 4);
        for (int64_t i = 0; i < frames * 2; i++) {
            float v = s[i];
            v = isnan(v) ? 0.0f : v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : v;
            int16_t want = (int16_t)lrintf(v * 32767.0f);
            int16_t got = (int16_t)(uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
            if (got != want)
                fail_msg("pass %d, sample %lld (%a): %d, want %d", pass, (long long)i,
                         (double)s[i], got, want);
        }
        free(b);
    }
    free(s);
}

static void test_raw_f32_bytes(void **state)
{
    (void)state;
    const char *dir = fresh_dir("raw32");
    const char *raw = join(dir, "out.raw");
    const char *rep = join(dir, "report");
    const float s[] = {1.0f, -2.0f, 0.5f, 0.0f};
    raw_child(raw, OUT_F32, s, 2, 2, rep);
    size_t len;
    unsigned char *b = (unsigned char *)e2e_read_file(raw, &len);
    static const unsigned char want[] = {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0,
                                         0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x00};
    assert_int_equal(len, sizeof want);
    assert_memory_equal(b, want, sizeof want);
    free(b);
}

/* Raw s16, WAV PCM_16 and FLAC hold the very same integers (values beyond ±1
 * included): the WAV's data chunk is byte for byte the raw stream. */
static void test_raw_equals_wav_and_flac(void **state)
{
    (void)state;
    const char *dir = fresh_dir("rawwav");
    const char *raw = join(dir, "out.raw");
    const char *wav = join(dir, "out.wav");
    const char *flac = join(dir, "out.flac");
    const char *rep = join(dir, "report");
    const int64_t frames = 100003;
    float *s = long_signal(frames);
    raw_child(raw, OUT_S16, s, frames, 10007, rep);
    write_file(wav, 48000, OUT_S16, s, frames, 512);
    write_file(flac, 48000, OUT_DEFAULT, s, frames, 65536);
    size_t rlen, wlen, dlen;
    unsigned char *rb = (unsigned char *)e2e_read_file(raw, &rlen);
    unsigned char *wb = (unsigned char *)e2e_read_file(wav, &wlen);
    const unsigned char *data = wav_data(wb, wlen, &dlen);
    assert_int_equal(rlen, (size_t)frames * 4);
    assert_int_equal(dlen, rlen);
    assert_memory_equal(data, rb, rlen);
    int16_t *fs = read_s16(flac, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, frames);
    for (int64_t i = 0; i < frames * 2; i++)
        assert_int_equal(fs[i], (int16_t)(uint16_t)(rb[2 * i] | rb[2 * i + 1] << 8));
    free(fs);
    free(rb);
    free(wb);
    free(s);
}

static void test_raw_dev_full(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0) {
        /* no /dev/full on this system (macOS) */
        skip();
    }
    const char *dir = fresh_dir("devfull");
    const char *rep = join(dir, "report");
    const int64_t frames = 48000;
    float *s = long_signal(frames);
    raw_child("/dev/full", OUT_S16, s, frames, 4800, rep);
    size_t len;
    char *b = e2e_read_file(rep, &len);
    assert_string_equal(b, "-1 -1 1 writing to standard output failed: No space left on device; "
                           "check the program or file that receives it");
    free(b);
    free(s);
}

/* ---- errors ------------------------------------------------------------------------- */

/* Expects out_file_open to fail with status and message msg, leaving out NULL. */
static void expect_open_error(const char *path, out_format fmt, int status, const char *msg)
{
    out_file *f = (out_file *)&f;
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(out_file_open(path, 48000, 2, fmt, &f, &d), -1);
    assert_null(f);
    assert_int_equal(d.status, status);
    assert_string_equal(d.file, "");
    assert_int_equal(d.line, 0);
    assert_string_equal(d.msg, msg);
}

static void test_input_errors(void **state)
{
    (void)state;
    const char *dir = fresh_dir("inerr");
    char msg[2048];
    const char *p = join(dir, "x.mp3");
    snprintf(msg, sizeof msg,
             "unknown output format '.mp3' in '%s'; name the file .wav, .flac or .ogg, or use - "
             "for raw PCM on standard output",
             p);
    expect_open_error(p, OUT_DEFAULT, 2, msg);
    p = join(dir, "noext");
    snprintf(msg, sizeof msg,
             "'%s' has no file extension to tell the format; name it .wav, .flac or .ogg, or use "
             "- for raw PCM on standard output",
             p);
    expect_open_error(p, OUT_DEFAULT, 2, msg);
    expect_open_error(join(dir, "x.FLAC"), OUT_F32, 2,
                      "FLAC cannot store float samples; write 16-bit samples (s16) or a .wav file");
    p = join(dir, "sub.wav");
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(msg, sizeof msg, "cannot write '%s': it is a folder; give a file name", p);
    expect_open_error(p, OUT_DEFAULT, 2, msg);
    assert_int_equal(rmdir(p), 0);
    assert_int_equal(e2e_dir_entries(dir), 0); /* nothing created */
}

static void test_missing_folder(void **state)
{
    (void)state;
    const char *dir = fresh_dir("nofolder");
    char msg[4096], path[1300], sub[1200];
    snprintf(sub, sizeof sub, "%s/out", dir);
    snprintf(path, sizeof path, "%s/x.wav", sub);
    snprintf(msg, sizeof msg,
             "cannot write '%s': the folder '%s' does not exist; create it or choose another path",
             path, sub);
    expect_open_error(path, OUT_DEFAULT, 1, msg);
    assert_int_equal(e2e_dir_entries(dir), 0);
}

static void test_readonly_folder(void **state)
{
    (void)state;
    if (geteuid() == 0) {
        /* root may write anywhere: permissions cannot be tested */
        skip();
    }
    const char *dir = fresh_dir("readonly");
    assert_int_equal(chmod(dir, 0555), 0);
    char msg[2048];
    const char *p = join(dir, "x.wav");
    snprintf(msg, sizeof msg,
             "cannot write '%s': Permission denied; check the folder's permissions or choose "
             "another path",
             p);
    expect_open_error(p, OUT_DEFAULT, 1, msg);
    assert_int_equal(chmod(dir, 0755), 0);
    assert_int_equal(e2e_dir_entries(dir), 0);
}

/* A write that hits the file size limit (RLIMIT_FSIZE, like a full disk) is a
 * runtime error naming the file and the reason, and no temporary file stays:
 * after abort, or after close. */
static void test_short_write(void **state)
{
    (void)state;
    for (int use_close = 0; use_close < 2; use_close++) {
        const char *dir = fresh_dir(use_close ? "short_close" : "short_abort");
        const char *path = join(dir, "big.wav");
        const char *rep = join(dir, "../report");
        fflush(stdout);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            signal(SIGXFSZ, SIG_IGN);
            struct rlimit rl;
            getrlimit(RLIMIT_FSIZE, &rl);
            rl.rlim_cur = 100000;
            if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
                _exit(90);
            float *s = calloc(48000 * 2, sizeof *s);
            out_file *f = NULL;
            adem_diag d, d2;
            diag_clear(&d);
            diag_clear(&d2);
            if (out_file_open(path, 48000, 2, OUT_S16, &f, &d) != 0)
                _exit(91);
            int wrc = 0, n = 0;
            while (wrc == 0 && n < 20) {
                wrc = out_file_write(f, s, 48000, &d);
                n++;
            }
            int again = out_file_write(f, s, 10, &d2); /* refused: already failed */
            int crc = 0;
            if (use_close)
                crc = out_file_close(f, &d2);
            else
                out_file_abort(f);
            FILE *r = fopen(rep, "w");
            fprintf(r, "%d %d %d %d %d|%s|%s", wrc, n, again, crc, d.status, d.msg,
                    strcmp(d.msg, d2.msg) == 0 ? "same" : d2.msg);
            fclose(r);
            free(s);
            _exit(0);
        }
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
        size_t len;
        char *b = e2e_read_file(rep, &len);
        char want[2048];
        snprintf(
            want, sizeof want,
            "-1 1 -1 %d 1|writing '%s' failed: File too large; check the disk and try again|same",
            use_close ? -1 : 0, path);
        assert_string_equal(b, want);
        free(b);
        assert_int_equal(e2e_dir_entries(dir), 0);
    }
}

/* Samples that still sit in stdio's buffer when the limit is hit: the writes
 * succeed, the failure shows when close writes the header, and close reports
 * it and removes the temporary file. */
static void test_close_time_failure(void **state)
{
    (void)state;
    const char *dir = fresh_dir("late_fail");
    const char *path = join(dir, "late.wav");
    const char *rep = join(dir, "../report_late");
    fflush(stdout);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl;
        getrlimit(RLIMIT_FSIZE, &rl);
        rlim_t old = rl.rlim_cur;
        rl.rlim_cur = 50; /* header (44 bytes) + 28 bytes of samples do not fit */
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(90);
        out_file *f = NULL;
        adem_diag d;
        diag_clear(&d);
        if (out_file_open(path, 48000, 2, OUT_S16, &f, &d) != 0)
            _exit(91);
        int wrc = out_file_write(f, sig, SIG_N / 2, &d); /* 7 frames: 28 bytes */
        int crc = out_file_close(f, &d);
        rl.rlim_cur = old; /* for the report */
        setrlimit(RLIMIT_FSIZE, &rl);
        FILE *r = fopen(rep, "w");
        fprintf(r, "%d %d %d|%s", wrc, crc, d.status, d.msg);
        fclose(r);
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    size_t len;
    char *b = e2e_read_file(rep, &len);
    char want[2048];
    snprintf(want, sizeof want,
             "0 -1 1|writing '%s' failed: File too large; check the disk and try again", path);
    assert_string_equal(b, want);
    free(b);
    assert_int_equal(e2e_dir_entries(dir), 0);
}

/* ---- nothing half-written ---------------------------------------------------------- */

static void test_abort_keeps_old_target(void **state)
{
    (void)state;
    const char *dir = fresh_dir("abort");
    const char *path = join(dir, "t.wav");
    e2e_write_file(path, "older file");
    out_file *f = NULL;
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(out_file_open(path, 48000, 2, OUT_DEFAULT, &f, &d), 0);
    assert_int_equal(out_file_write(f, sig, SIG_N / 2, &d), 0);
    char names[4][256];
    assert_int_equal(list_dir(dir, names, 4), 2);
    const char *tmp = strcmp(names[0], "t.wav") == 0 ? names[1] : names[0];
    /* ".t.wav.XXXXXX.part" */
    assert_int_equal(strlen(tmp), strlen(".t.wav.XXXXXX.part"));
    assert_memory_equal(tmp, ".t.wav.", 7);
    assert_string_equal(tmp + 13, ".part");
    out_file_abort(f);
    assert_int_equal(list_dir(dir, names, 4), 1);
    size_t len;
    char *b = e2e_read_file(path, &len);
    assert_string_equal(b, "older file");
    free(b);
    out_file_abort(NULL);
}

static void test_close_replaces_target(void **state)
{
    (void)state;
    const char *dir = fresh_dir("replace");
    const char *path = join(dir, "t.flac");
    e2e_write_file(path, "older file");
    out_file *f = NULL;
    adem_diag d;
    diag_clear(&d);
    assert_int_equal(out_file_open(path, 48000, 2, OUT_DEFAULT, &f, &d), 0);
    assert_int_equal(out_file_write(f, sig, SIG_N / 2, &d), 0);
    size_t len;
    char *b = e2e_read_file(path, &len); /* still the old one while writing */
    assert_string_equal(b, "older file");
    free(b);
    assert_int_equal(out_file_close(f, &d), 0);
    char names[4][256];
    assert_int_equal(list_dir(dir, names, 4), 1);
    int16_t *r = read_s16(path, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, SIG_N / 2);
    assert_memory_equal(r, sig_s16, sizeof sig_s16);
    free(r);
}

/* Target in the current folder (no folder part in the name). */
static void test_current_folder(void **state)
{
    (void)state;
    const char *dir = fresh_dir("cwd");
    char old[1024];
    assert_non_null(getcwd(old, sizeof old));
    assert_int_equal(chdir(dir), 0);
    write_file("here.wav", 8000, OUT_DEFAULT, sig, SIG_N / 2, 7);
    assert_int_equal(chdir(old), 0);
    int16_t *r = read_s16(join(dir, "here.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, SIG_N / 2);
    assert_memory_equal(r, sig_s16, sizeof sig_s16);
    free(r);
    assert_int_equal(e2e_dir_entries(dir), 1);
}

static void test_parse_format(void **state)
{
    (void)state;
    out_format f = OUT_DEFAULT;
    assert_int_equal(out_file_parse_format("s16", &f), 0);
    assert_int_equal(f, OUT_S16);
    assert_int_equal(out_file_parse_format("f32", &f), 0);
    assert_int_equal(f, OUT_F32);
    f = OUT_DEFAULT;
    assert_int_equal(out_file_parse_format("s24", &f), -1);
    assert_int_equal(out_file_parse_format("", &f), -1);
    assert_int_equal(out_file_parse_format("f32x", &f), -1);
    assert_int_equal(f, OUT_DEFAULT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wav_s16_roundtrip),
        cmocka_unit_test(test_wav_f32_exact),
        cmocka_unit_test(test_flac_roundtrip),
        cmocka_unit_test(test_ogg_roundtrip),
        cmocka_unit_test(test_raw_s16_bytes),
        cmocka_unit_test(test_raw_s16_matches_lrintf),
        cmocka_unit_test(test_raw_f32_bytes),
        cmocka_unit_test(test_raw_equals_wav_and_flac),
        cmocka_unit_test(test_raw_dev_full),
        cmocka_unit_test(test_input_errors),
        cmocka_unit_test(test_missing_folder),
        cmocka_unit_test(test_readonly_folder),
        cmocka_unit_test(test_short_write),
        cmocka_unit_test(test_close_time_failure),
        cmocka_unit_test(test_abort_keeps_old_target),
        cmocka_unit_test(test_close_replaces_target),
        cmocka_unit_test(test_current_folder),
        cmocka_unit_test(test_parse_format),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
