/* out_file: audio files through libsndfile, raw PCM on stdout (see out_file.h).
 *
 * Files are written through sf_open_virtual on a FILE* opened with the C11
 * exclusive mode "wbx" under a temporary name, then renamed over the target.
 * Float to 16-bit conversion happens here, not in libsndfile, so that raw
 * output, WAV and FLAC all hold the same integers: clip to [-1, 1], multiply
 * by 32767, round to nearest (lrintf). (libsndfile 1.2 itself scales by 32768
 * and rounds differently for WAV and for FLAC.) */
#include "io/out_file.h"

#include <errno.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/dupstr.h"
#include "io/part_file.h"
#include "sys/platform.h"

enum {
    OF_BUF_BYTES = 1 << 16 /* conversion buffer: raw bytes or 16-bit samples */
};

/* The most audio bytes a WAV file can hold: its sizes are 32 bits, and the
 * header (with fact and PEAK chunks) needs a little room. */
#define OF_WAV_MAX_DATA ((uint64_t)0xFFFFFFFFu - 4096u)

typedef enum of_kind { OF_RAW, OF_WAV, OF_FLAC, OF_OGG } of_kind;

struct out_file {
    of_kind kind;
    int channels;
    int s16;             /* samples leave as 16-bit integers (else float) */
    FILE *fp;            /* the temporary file, or stdout */
    SNDFILE *sf;         /* NULL for raw */
    char *target;        /* the path as given */
    char *tmp;           /* the temporary file; NULL for raw */
    int io_errno;        /* errno of the first failed write through fp, or 0 */
    int failed;          /* a write failed: err says why; only close/abort remain */
    adem_diag err;       /* the first write error */
    uint64_t data_bytes; /* audio bytes written so far (for the WAV limit) */
    unsigned char *buf;  /* conversion buffer of buf_size bytes */
    size_t buf_size;
};

/* The system's reason for errno value e ("unknown error" when there is none). */
static const char *of_reason(int e)
{
    return e > 0 ? strerror(e) : "unknown error";
}

/* Sets d to a failed write of f (status 1), with the system's reason. */
static int of_write_error(const out_file *f, int e, adem_diag *d)
{
    if (f->kind == OF_RAW)
        return diag_runtime(d,
                            "writing to standard output failed: %s; check the program or file "
                            "that receives it",
                            of_reason(e));
#ifdef ENOSPC
    if (e == ENOSPC)
        return diag_runtime(d, "writing '%s' failed: %s; free some space or write elsewhere",
                            f->target, of_reason(e));
#endif
    return diag_runtime(d, "writing '%s' failed: %s; check the disk and try again", f->target,
                        of_reason(e));
}

/* Remembers the first write error of f (from d) and returns -1. */
static int of_fail(out_file *f, const adem_diag *d)
{
    if (!f->failed) {
        f->failed = 1;
        f->err = *d;
    }
    return -1;
}

/* One float sample as a 16-bit integer: clipped to [-1, 1] (NaN becomes 0),
 * times 32767, rounded to nearest with ties to even, as lrintf does in the
 * default rounding mode. Branch-free, so that loops of it run on whole
 * vectors: the clipping works on the bits (for floats that are not NaN, the
 * order of their magnitudes' bits is the order of the magnitudes), and the
 * rounding adds and takes away 1.5 * 2^23: for |v| <= 32767 the sum lies where
 * floats are whole numbers, so the addition rounds v exactly as lrintf would
 * and the subtraction is exact. (Checked against the lrintf version for all
 * 2^32 floats.) */
static inline int16_t of_f2s(float x)
{
    const int32_t one = 0x3f800000, inf = 0x7f800000; /* the bits of 1.0f and infinity */
    const float magic = 12582912.0f; /* 1.5 * 2^23 */
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    uint32_t sign = u & 0x80000000u;
    int32_t mag = (int32_t)(u & 0x7fffffffu);
    mag = mag > inf ? 0 : mag;   /* NaN -> 0 */
    mag = mag > one ? one : mag; /* |x| > 1 -> 1 */
    u = sign | (uint32_t)mag;
    memcpy(&x, &u, sizeof x);
    float r = x * 32767.0f + magic;
    r -= magic;
    return (int16_t)(int32_t)r;
}

/* Converts n samples with of_f2s. With SSE2 (every x86-64 machine), eight
 * at a time with the same results: NaN lanes masked to 0, clipped with
 * max/min, times 32767, converted with cvtps2dq (round to nearest, ties to
 * even: the default rounding mode, which adem never changes) and narrowed
 * with packssdw (no saturation happens: the values lie in [-32767, 32767]).
 * test_out_file compares it with lrintf on a million samples. */
static void of_f2s_block(const float *restrict in, int16_t *restrict out, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128 lo = _mm_set1_ps(-1.0f), hi = _mm_set1_ps(1.0f), scale = _mm_set1_ps(32767.0f);
    for (; i + 8 <= n; i += 8) {
        __m128 a = _mm_loadu_ps(in + i), b = _mm_loadu_ps(in + i + 4);
        a = _mm_and_ps(a, _mm_cmpord_ps(a, a));
        b = _mm_and_ps(b, _mm_cmpord_ps(b, b));
        a = _mm_mul_ps(_mm_min_ps(_mm_max_ps(a, lo), hi), scale);
        b = _mm_mul_ps(_mm_min_ps(_mm_max_ps(b, lo), hi), scale);
        __m128i s = _mm_packs_epi32(_mm_cvtps_epi32(a), _mm_cvtps_epi32(b));
        _mm_storeu_si128((__m128i *)(void *)(out + i), s);
    }
#else
    for (; i + 8 <= n; i += 8) /* an inner loop of known length: vectorised at -O2 too */
        for (int k = 0; k < 8; k++)
            out[i + k] = of_f2s(in[i + k]);
#endif
    for (; i < n; i++)
        out[i] = of_f2s(in[i]);
}

/* 1 when this machine stores integers little-endian (as raw output wants). */
static int of_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* ---- virtual I/O for libsndfile on the FILE* of the temporary file ------- */

/* Records errno as the reason of f's first I/O failure (a seek flushes the
 * buffer, so it can fail like a write) and returns -1. */
static sf_count_t of_vio_failed(out_file *f)
{
    if (!f->io_errno)
        f->io_errno = errno ? errno : -1;
    return -1;
}

/* Length of the file: the end position, keeping the current one. */
static sf_count_t of_vio_len(void *u)
{
    out_file *f = u;
    errno = 0;
    int64_t pos = platform_ftell(f->fp), end;
    if (pos < 0 || platform_fseek(f->fp, 0, SEEK_END) != 0 || (end = platform_ftell(f->fp)) < 0 ||
        platform_fseek(f->fp, pos, SEEK_SET) != 0)
        return of_vio_failed(f);
    return end;
}

/* Seeks; returns the new position or -1. */
static sf_count_t of_vio_seek(sf_count_t off, int whence, void *u)
{
    out_file *f = u;
    errno = 0;
    int64_t pos;
    if (platform_fseek(f->fp, off, whence) != 0 || (pos = platform_ftell(f->fp)) < 0)
        return of_vio_failed(f);
    return pos;
}

/* Reads (libsndfile may read back its header); returns the bytes read. */
static sf_count_t of_vio_read(void *p, sf_count_t n, void *u)
{
    return (sf_count_t)fread(p, 1, (size_t)n, ((out_file *)u)->fp);
}

/* Writes; a short write records errno for the message. */
static sf_count_t of_vio_write(const void *p, sf_count_t n, void *u)
{
    out_file *f = u;
    errno = 0;
    size_t w = fwrite(p, 1, (size_t)n, f->fp);
    if (w < (size_t)n)
        of_vio_failed(f);
    return (sf_count_t)w;
}

/* The current position. */
static sf_count_t of_vio_tell(void *u)
{
    out_file *f = u;
    errno = 0;
    int64_t pos = platform_ftell(f->fp);
    return pos < 0 ? of_vio_failed(f) : pos;
}

/* ---- names ---------------------------------------------------------------- */

/* 1 when c separates folders in a path. */
static int of_is_sep(char c)
{
    return c == '/' || c == PLATFORM_SEP;
}

/* The file name part of path (after the last separator). */
static const char *of_base(const char *path)
{
    const char *b = path;
    for (const char *p = path; *p; p++)
        if (of_is_sep(*p))
            b = p + 1;
    return b;
}

/* ASCII case-insensitive equality. */
static int of_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* Creates the temporary file beside f->target (part_file.h) and sets f->tmp
 * and f->fp. Returns 0, or -1 with d set. */
static int of_create_tmp(out_file *f, adem_diag *d)
{
    f->fp = part_file_create(f->target, &f->tmp, d);
    return f->fp ? 0 : -1;
}

/* Frees f and what it holds, closing files; removes the temporary file when
 * remove_tmp is set. */
static void of_free(out_file *f, int remove_tmp)
{
    if (f->sf)
        sf_close(f->sf);
    if (f->fp && f->kind != OF_RAW)
        fclose(f->fp);
    if (f->tmp && remove_tmp)
        remove(f->tmp);
    free(f->tmp);
    free(f->target);
    free(f->buf);
    free(f);
}

/* Chooses the kind and libsndfile format for path and fmt. Returns 0, or -1
 * with d set (an input error). */
static int of_choose(const char *path, out_format fmt, of_kind *kind, int *format, int *s16,
                     adem_diag *d)
{
    const char *base = of_base(path);
    const char *dot = strrchr(base, '.');
    if (!dot || dot[1] == '\0')
        return diag_set(d, NULL, 0, 0,
                        "'%s' has no file extension to tell the format; name it .wav, .flac or "
                        ".ogg, or use - for raw PCM on standard output",
                        path);
    if (of_ieq(dot, ".wav")) {
        *kind = OF_WAV;
        *s16 = fmt != OUT_F32;
        *format = SF_FORMAT_WAV | (*s16 ? SF_FORMAT_PCM_16 : SF_FORMAT_FLOAT);
    } else if (of_ieq(dot, ".flac")) {
        if (fmt == OUT_F32)
            return diag_set(d, NULL, 0, 0,
                            "FLAC cannot store float samples; use --format s16 or a .wav file");
        *kind = OF_FLAC;
        *s16 = 1;
        *format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    } else if (of_ieq(dot, ".ogg")) {
        *kind = OF_OGG;
        *s16 = 0;
        *format = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    } else {
        return diag_set(d, NULL, 0, 0,
                        "unknown output format '%s' in '%s'; name the file .wav, .flac or .ogg, "
                        "or use - for raw PCM on standard output",
                        dot, path);
    }
    return 0;
}

/* Checks the folder the target goes in: it must exist. Returns 0, or -1 with
 * d set (a runtime error). */
static int of_check_folder(const char *path, adem_diag *d)
{
    const char *base = of_base(path);
    if (base == path)
        return 0; /* the current folder */
    size_t n = (size_t)(base - path);
    if (n > 1)
        n--; /* without the trailing separator, except for the root "/" */
    char *dir = dupstr_n(path, n);
    int rc = 0;
    if (!dir)
        return diag_runtime(d, "not enough memory to write '%s'; close other programs", path);
    if (platform_is_file(dir))
        rc = diag_runtime(d, "cannot write '%s': '%s' is a file, not a folder; choose another path",
                          path, dir);
    else if (!platform_is_dir(dir))
        rc = diag_runtime(d,
                          "cannot write '%s': the folder '%s' does not exist; create it or choose "
                          "another path",
                          path, dir);
    free(dir);
    return rc;
}

/* The highest rate libvorbis's encoder accepts (its setup tables end at 200
 * kHz; measured with libvorbis 1.3.7: 200000 encodes, 200001 does not). */
#define OF_OGG_MAX_RATE 200000

/* Opens a file (under a temporary name) or stdout; 0, or -1 with d set. */
int out_file_open(const char *path, int rate, int channels, out_format fmt, out_file **out,
                  adem_diag *d)
{
    of_kind kind = OF_RAW;
    int format = 0, s16 = fmt != OUT_F32;
    *out = NULL;
    if (rate < 1 || channels < 1)
        return diag_set(d, NULL, 0, 0,
                        "cannot write audio with %d channels at %d Hz; give at least one channel "
                        "and a rate such as 48000",
                        channels, rate);
    if (strcmp(path, "-") != 0) {
        if (of_choose(path, fmt, &kind, &format, &s16, d) != 0)
            return -1;
        if (kind == OF_OGG && rate > OF_OGG_MAX_RATE)
            return diag_set(d, NULL, 0, 0,
                            "cannot write '%s': Ogg Vorbis holds at most %d Hz, not %d; use --rate "
                            "%d or lower, or write .flac or .wav",
                            path, OF_OGG_MAX_RATE, rate, OF_OGG_MAX_RATE);
        if (platform_is_dir(path))
            return diag_set(d, NULL, 0, 0, "cannot write '%s': it is a folder; give a file name",
                            path);
        if (of_check_folder(path, d) != 0)
            return -1;
    }

    out_file *f = calloc(1, sizeof *f);
    if (!f)
        return diag_runtime(d, "not enough memory to write '%s'; close other programs", path);
    f->kind = kind;
    f->channels = channels;
    f->s16 = s16;
    f->buf_size = OF_BUF_BYTES;
    if ((size_t)channels * 4 > f->buf_size)
        f->buf_size = (size_t)channels * 4;
    f->buf = malloc(f->buf_size);
    f->target = dupstr(path);
    if (!f->buf || !f->target) {
        of_free(f, 0);
        return diag_runtime(d, "not enough memory to write '%s'; close other programs", path);
    }

    if (kind == OF_RAW) {
        platform_stdout_binary();
        f->fp = stdout;
        *out = f;
        return 0;
    }

    if (of_create_tmp(f, d) != 0) {
        of_free(f, 0);
        return -1;
    }
    SF_VIRTUAL_IO vio = {of_vio_len, of_vio_seek, of_vio_read, of_vio_write, of_vio_tell};
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    f->sf = sf_open_virtual(&vio, SFM_WRITE, &info, f);
    if (!f->sf) {
        if (f->io_errno)
            of_write_error(f, f->io_errno, d);
        else
            diag_set(d, NULL, 0, 0,
                     "cannot write '%s' with %d channels at %d Hz: %s; choose another format, "
                     "--rate or channel count",
                     path, channels, rate, sf_strerror(NULL));
        of_free(f, 1);
        return -1;
    }
    sf_command(f->sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
    if (kind == OF_OGG) {
        double q = 0.6;
        sf_command(f->sf, SFC_SET_VBR_ENCODING_QUALITY, &q, sizeof q);
    }
    *out = f;
    return 0;
}

/* Raw output: converts n samples to little-endian bytes and writes them to
 * stdout in buffer-sized pieces. Returns 0, or -1 with d set. */
static int of_write_raw(out_file *f, const float *in, size_t n, adem_diag *d)
{
    size_t width = f->s16 ? 2 : 4;
    size_t per = f->buf_size / width;
    while (n > 0) {
        size_t k = n < per ? n : per;
        unsigned char *b = f->buf;
        const void *src = b; /* the bytes to write */
        if (f->s16) {
            int16_t *s = (int16_t *)(void *)b;
            of_f2s_block(in, s, k);
            if (!of_little_endian())
                for (size_t i = 0; i < k; i++) {
                    uint16_t u = (uint16_t)s[i];
                    b[2 * i] = (unsigned char)(u & 0xFF);
                    b[2 * i + 1] = (unsigned char)(u >> 8);
                }
        } else if (of_little_endian()) {
            src = in; /* floats are already stored as little-endian bytes */
        } else {
            for (size_t i = 0; i < k; i++) {
                uint32_t u;
                memcpy(&u, &in[i], 4);
                b[4 * i] = (unsigned char)(u & 0xFF);
                b[4 * i + 1] = (unsigned char)((u >> 8) & 0xFF);
                b[4 * i + 2] = (unsigned char)((u >> 16) & 0xFF);
                b[4 * i + 3] = (unsigned char)(u >> 24);
            }
        }
        errno = 0;
        if (fwrite(src, width, k, f->fp) != k) {
            of_write_error(f, errno ? errno : -1, d);
            return of_fail(f, d);
        }
        in += k;
        n -= k;
    }
    return 0;
}

/* Sets d to a failed libsndfile write of f and remembers it. */
static int of_sf_error(out_file *f, adem_diag *d)
{
    if (f->io_errno)
        of_write_error(f, f->io_errno, d);
    else
        diag_runtime(d, "writing '%s' failed: %s; check the disk and try again", f->target,
                     sf_strerror(f->sf));
    return of_fail(f, d);
}

/* Writes interleaved frames; 0, or -1 with d set (f then only closes/aborts). */
int out_file_write(out_file *f, const float *frames_in, size_t frames, adem_diag *d)
{
    if (f->failed) {
        *d = f->err;
        return -1;
    }
    if (frames == 0)
        return 0;
    if (frames > SIZE_MAX / 4 / (size_t)f->channels) {
        diag_runtime(
            d, "writing '%s' failed: a block of %zu frames is too large; write smaller blocks",
            f->target, frames);
        return of_fail(f, d);
    }
    size_t n = frames * (size_t)f->channels;
    if (f->kind == OF_RAW)
        return of_write_raw(f, frames_in, n, d);

    if (f->kind == OF_WAV) {
        f->data_bytes += (uint64_t)n * (f->s16 ? 2u : 4u);
        if (f->data_bytes > OF_WAV_MAX_DATA) {
            diag_set(d, NULL, 0, 0,
                     "'%s' would be larger than 4 GB, more than a WAV file can hold; write a .flac "
                     "or .ogg file, or use a lower --rate",
                     f->target);
            return of_fail(f, d);
        }
    }
    if (!f->s16) {
        if (sf_writef_float(f->sf, frames_in, (sf_count_t)frames) != (sf_count_t)frames)
            return of_sf_error(f, d);
        return 0;
    }
    int16_t *s = (int16_t *)(void *)f->buf;
    size_t per = f->buf_size / sizeof *s / (size_t)f->channels; /* frames per piece */
    while (frames > 0) {
        size_t k = frames < per ? frames : per;
        size_t m = k * (size_t)f->channels;
        of_f2s_block(frames_in, s, m);
        if (sf_writef_short(f->sf, s, (sf_count_t)k) != (sf_count_t)k)
            return of_sf_error(f, d);
        frames_in += m;
        frames -= k;
    }
    return 0;
}

/* Finishes and renames (or flushes stdout), frees f; 0, or -1 with d set. */
int out_file_close(out_file *f, adem_diag *d)
{
    int rc = 0;
    if (!f)
        return 0;
    if (f->failed) {
        *d = f->err;
        rc = -1;
    } else if (f->kind == OF_RAW) {
        errno = 0;
        if (fflush(f->fp) != 0 || ferror(f->fp))
            rc = of_write_error(f, errno ? errno : -1, d);
    } else {
        int e = sf_close(f->sf);
        f->sf = NULL;
        if (f->io_errno)
            rc = of_write_error(f, f->io_errno, d);
        else if (e != 0)
            rc = diag_runtime(d, "writing '%s' failed: %s; check the disk and try again", f->target,
                              sf_error_number(e));
        if (rc == 0) {
            errno = 0;
            if (fflush(f->fp) != 0 || ferror(f->fp))
                rc = of_write_error(f, errno ? errno : -1, d);
        }
        errno = 0;
        int c = fclose(f->fp);
        f->fp = NULL;
        if (rc == 0 && c != 0)
            rc = of_write_error(f, errno ? errno : -1, d);
        if (rc == 0) {
            errno = 0;
            if (platform_replace(f->tmp, f->target) != 0)
                rc = diag_runtime(d, "cannot replace '%s': %s; check the folder's permissions",
                                  f->target, of_reason(errno));
        }
    }
    of_free(f, rc != 0);
    return rc;
}

/* Drops the output: closes, removes the temporary file, frees f. */
void out_file_abort(out_file *f)
{
    if (f)
        of_free(f, 1);
}

/* "s16" or "f32" (any case) to *fmt; 0, or -1. */
int out_file_parse_format(const char *s, out_format *fmt)
{
    if (s && of_ieq(s, "s16")) {
        *fmt = OUT_S16;
        return 0;
    }
    if (s && of_ieq(s, "f32")) {
        *fmt = OUT_F32;
        return 0;
    }
    return -1;
}
