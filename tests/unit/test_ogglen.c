/* test_ogglen: an Ogg Vorbis file's length read from its pages
 * (src/io/ogglen.c) against libsndfile's SF_INFO for the same file: the
 * shipped voice pack, files written by libsndfile, streams built here with
 * libvorbisenc (granule positions that do not start at 0, one packet a page,
 * one page in all), and the files it must leave to libsndfile. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <ogg/ogg.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vorbis/vorbisenc.h>

#include "e2e.h"
#include "io/ogglen.h"

#define OGGV (SF_FORMAT_OGG | SF_FORMAT_VORBIS)

/* A test signal: a sine with a little noise, interleaved, malloc'd. */
static float *signal_of(int rate, int channels, int64_t frames)
{
    float *s = malloc(((size_t)frames + 1) * (size_t)channels * sizeof *s);
    uint32_t x = 777;
    for (int64_t i = 0; i < frames; i++)
        for (int c = 0; c < channels; c++) {
            x = x * 1664525u + 1013904223u;
            double n = (double)(x >> 8) / 16777216.0 - 0.5;
            s[i * channels + c] =
                (float)(0.3 * sin(2.0 * M_PI * (220.0 + 110.0 * c) * (double)i / rate) + 0.02 * n);
        }
    return s;
}

/* libsndfile's SF_INFO of path; 1 when it opens the file, else 0. */
static int sf_info_of(const char *path, SF_INFO *info)
{
    memset(info, 0, sizeof *info);
    SNDFILE *f = sf_open(path, SFM_READ, info);
    if (!f)
        return 0;
    sf_close(f);
    return 1;
}

/* Expects ogglen to answer for path with exactly libsndfile's frames, rate
 * and channels; returns the frames. */
static int64_t expect_same(const char *path)
{
    SF_INFO info;
    ogglen_info o;
    if (!sf_info_of(path, &info))
        fail_msg("libsndfile cannot open %s", path);
    memset(&o, 0, sizeof o);
    if (ogglen_read(path, &o) != 1)
        fail_msg("ogglen does not answer for %s (libsndfile: %lld frames)", path,
                 (long long)info.frames);
    if (o.frames != info.frames || o.rate != info.samplerate || o.channels != info.channels)
        fail_msg("%s: ogglen %lld frames %d Hz %d ch, libsndfile %lld frames %d Hz %d ch", path,
                 (long long)o.frames, o.rate, o.channels, (long long)info.frames,
                 info.samplerate, info.channels);
    return o.frames;
}

/* Expects ogglen to leave path to libsndfile. */
static void expect_declined(const char *path)
{
    ogglen_info o;
    if (ogglen_read(path, &o) != 0)
        fail_msg("ogglen answered %lld frames for %s, which it should leave to libsndfile",
                 (long long)o.frames, path);
}

/* ---- the shipped voice pack ---------------------------------------------------------- */

static void test_shipped_pack(void **state)
{
    (void)state;
    char voices[1024];
    snprintf(voices, sizeof voices, "%s/audio/voices", e2e_source_dir());
    DIR *top = opendir(voices);
    assert_non_null(top);
    int files = 0;
    struct dirent *p;
    while ((p = readdir(top)) != NULL) {
        if (p->d_name[0] == '.')
            continue;
        char pack[1300];
        snprintf(pack, sizeof pack, "%s/%s", voices, p->d_name);
        DIR *d = opendir(pack);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            size_t n = strlen(e->d_name);
            if (n < 5 || strcmp(e->d_name + n - 4, ".ogg") != 0)
                continue;
            char path[1700];
            snprintf(path, sizeof path, "%s/%s", pack, e->d_name);
            expect_same(path);
            files++;
        }
        closedir(d);
    }
    closedir(top);
    assert_true(files >= 50); /* the nl pack has about a hundred cues */
}

/* ---- files written by libsndfile ----------------------------------------------------- */

static void test_libsndfile_files(void **state)
{
    (void)state;
    static const int rates[] = {22050, 44100, 48000};
    for (int r = 0; r < 3; r++) {
        int rate = rates[r];
        const int64_t lengths[] = {1, 100, 4095, 4096, 4097, rate, 30LL * rate};
        for (int ch = 1; ch <= 2; ch++) {
            for (int k = 0; k < 7; k++) {
                int64_t n = lengths[k];
                const char *path = e2e_pathf("sf_%d_%d_%lld.ogg", rate, ch, (long long)n);
                float *s = signal_of(rate, ch, n);
                e2e_write_audio(path, OGGV, rate, ch, s, n);
                free(s);
                assert_int_equal(expect_same(path), n);
            }
            /* no audio at all (voicepack refuses it, with libsndfile's word) */
            const char *path = e2e_pathf("sf_%d_%d_0.ogg", rate, ch);
            float none[2] = {0, 0};
            e2e_write_audio(path, OGGV, rate, ch, none, 0);
            assert_int_equal(expect_same(path), 0);
        }
    }
}

/* ---- streams built here ------------------------------------------------------------- */

typedef struct bytes {
    unsigned char *b;
    size_t n;
} bytes;

/* Appends a page to o. */
static void put_page(bytes *o, const ogg_page *pg)
{
    o->b = realloc(o->b, o->n + (size_t)pg->header_len + (size_t)pg->body_len);
    assert_non_null(o->b);
    memcpy(o->b + o->n, pg->header, (size_t)pg->header_len);
    memcpy(o->b + o->n + pg->header_len, pg->body, (size_t)pg->body_len);
    o->n += (size_t)pg->header_len + (size_t)pg->body_len;
}

/* Encodes `frames` frames of the test signal as one Ogg Vorbis stream with
 * the given serial number, adding `offset` to every audio packet's granule
 * position (a stream cut out of a longer one). per_page > 0 ends a page after
 * every per_page audio packets; 0 lets libogg fill the pages. The first page
 * goes to *first, the others to *rest. */
static void encode(bytes *first, bytes *rest, int rate, int ch, int64_t frames, int64_t offset,
                   int per_page, int serial)
{
    vorbis_info vi;
    vorbis_comment vc;
    vorbis_dsp_state vd;
    vorbis_block vb;
    ogg_stream_state os;
    ogg_page og;
    ogg_packet op, h1, h2, h3;
    vorbis_info_init(&vi);
    assert_int_equal(vorbis_encode_init_vbr(&vi, ch, rate, 0.3f), 0);
    vorbis_comment_init(&vc);
    assert_int_equal(vorbis_analysis_init(&vd, &vi), 0);
    assert_int_equal(vorbis_block_init(&vd, &vb), 0);
    assert_int_equal(ogg_stream_init(&os, serial), 0);
    assert_int_equal(vorbis_analysis_headerout(&vd, &vc, &h1, &h2, &h3), 0);
    ogg_stream_packetin(&os, &h1);
    while (ogg_stream_flush(&os, &og))
        put_page(first, &og);
    ogg_stream_packetin(&os, &h2);
    ogg_stream_packetin(&os, &h3);
    while (ogg_stream_flush(&os, &og))
        put_page(rest, &og);

    float *s = signal_of(rate, ch, frames);
    int64_t done = 0;
    int packets = 0, eos = 0, ended = 0;
    while (!eos) {
        if (done < frames) {
            int n = frames - done < 1024 ? (int)(frames - done) : 1024;
            float **b = vorbis_analysis_buffer(&vd, n);
            for (int i = 0; i < n; i++)
                for (int c = 0; c < ch; c++)
                    b[c][i] = s[(done + i) * ch + c];
            vorbis_analysis_wrote(&vd, n);
            done += n;
        } else if (!ended) {
            vorbis_analysis_wrote(&vd, 0);
            ended = 1;
        }
        while (vorbis_analysis_blockout(&vd, &vb) == 1) {
            vorbis_analysis(&vb, NULL);
            vorbis_bitrate_addblock(&vb);
            while (vorbis_bitrate_flushpacket(&vd, &op)) {
                op.granulepos += offset;
                ogg_stream_packetin(&os, &op);
                packets++;
                for (;;) {
                    int got = per_page > 0 && packets % per_page == 0
                                  ? ogg_stream_flush(&os, &og)
                                  : ogg_stream_pageout(&os, &og);
                    if (!got)
                        break;
                    put_page(rest, &og);
                    if (ogg_page_eos(&og))
                        eos = 1;
                }
            }
        }
    }
    free(s);
    ogg_stream_clear(&os);
    vorbis_block_clear(&vb);
    vorbis_dsp_clear(&vd);
    vorbis_comment_clear(&vc);
    vorbis_info_clear(&vi);
}

/* Writes the bytes of each part, one after another, to path. */
static void write_parts(const char *path, const bytes *parts, int n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < n; i++)
        assert_int_equal(fwrite(parts[i].b, 1, parts[i].n, f), parts[i].n);
    assert_int_equal(fclose(f), 0);
}

/* Encodes one stream (see encode) to path. */
static void write_stream(const char *path, int rate, int ch, int64_t frames, int64_t offset,
                         int per_page)
{
    bytes p[2] = {{NULL, 0}, {NULL, 0}};
    encode(&p[0], &p[1], rate, ch, frames, offset, per_page, 4242);
    write_parts(path, p, 2);
    free(p[0].b);
    free(p[1].b);
}

static void test_built_streams(void **state)
{
    (void)state;
    static const int64_t offsets[] = {0, 1, 999, 48000, 123456789};
    static const int per_page[] = {0, 1, 2, 7};
    static const int64_t lengths[] = {1, 700, 4097, 48000, 20 * 48000};
    int n = 0;
    for (int o = 0; o < 5; o++)
        for (int p = 0; p < 4; p++)
            for (int l = 0; l < 5; l++) {
                if (lengths[l] > 48000 && (p == 1 || o % 2)) /* keep the run short */
                    continue;
                const char *path = e2e_pathf("built_%d_%d_%d.ogg", o, p, l);
                write_stream(path, 48000, 1 + (n++ % 2), lengths[l], offsets[o], per_page[p]);
                int64_t got = expect_same(path);
                /* a stream that starts at granule 0, or a long one, is as long
                 * as what was encoded; a short one cut out of a longer stream
                 * counts from 0 (libsndfile's one-page rule) */
                if (offsets[o] == 0)
                    assert_int_equal(got, lengths[l]);
            }
}

/* ---- what ogglen leaves to libsndfile ------------------------------------------------- */

/* Writes the first `n` bytes of src to dst, then `tail` (tail_n bytes). */
static void copy_prefix(const char *src, const char *dst, long n, const void *tail,
                        size_t tail_n)
{
    size_t len;
    char *b = e2e_read_file(src, &len);
    assert_true(n >= 0 && (size_t)n <= len);
    FILE *f = fopen(dst, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, (size_t)n, f), (size_t)n);
    if (tail_n)
        assert_int_equal(fwrite(tail, 1, tail_n, f), tail_n);
    assert_int_equal(fclose(f), 0);
    free(b);
}

/* The byte offset of the last page of the Ogg file at path. */
static long last_page_at(const char *path)
{
    size_t len;
    unsigned char *b = (unsigned char *)e2e_read_file(path, &len);
    long at = -1;
    for (size_t i = 0; i + 4 <= len; i++)
        if (memcmp(b + i, "OggS", 4) == 0)
            at = (long)i;
    free(b);
    assert_true(at > 0);
    return at;
}

/* Flips one byte of the file at path, at offset at. */
static void flip_byte(const char *path, long at)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, at, SEEK_SET), 0);
    int c = fgetc(f);
    assert_int_equal(fseek(f, at, SEEK_SET), 0);
    fputc(c ^ 0x55, f);
    assert_int_equal(fclose(f), 0);
}

static void test_declined(void **state)
{
    (void)state;
    const int64_t n = 48000;
    float *s = signal_of(48000, 1, 30 * n);
    e2e_write_audio(e2e_path("ok.ogg"), OGGV, 48000, 1, s, n);
    e2e_write_audio(e2e_path("long.ogg"), OGGV, 48000, 1, s, 30 * n);
    e2e_write_audio(e2e_path("a.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 1, s, n);
    e2e_write_audio(e2e_path("a.flac"), SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, 1, s, n);
    free(s);
    expect_same(e2e_path("ok.ogg"));
    expect_same(e2e_path("long.ogg"));

    /* not Ogg Vorbis: WAV and FLAC (also named .ogg), text, nothing, a page of "OggS" junk */
    expect_declined(e2e_path("a.wav"));
    expect_declined(e2e_path("a.flac"));
    copy_prefix(e2e_path("a.wav"), e2e_path("wav_named.ogg"), 4000, NULL, 0);
    expect_declined(e2e_path("wav_named.ogg"));
    e2e_write_file(e2e_path("text.ogg"), "this is not a recording\n");
    expect_declined(e2e_path("text.ogg"));
    e2e_write_file(e2e_path("empty.ogg"), "");
    expect_declined(e2e_path("empty.ogg"));
    char junk[3000];
    memset(junk, 0x5a, sizeof junk);
    memcpy(junk, "OggS", 4);
    copy_prefix(e2e_path("ok.ogg"), e2e_path("junk.ogg"), 0, junk, sizeof junk);
    expect_declined(e2e_path("junk.ogg"));
    expect_declined(e2e_path("no such file.ogg"));

    /* cut: inside the last page, at its start (no end-of-stream page), inside the headers */
    size_t len;
    free(e2e_read_file(e2e_path("ok.ogg"), &len));
    copy_prefix(e2e_path("ok.ogg"), e2e_path("cut.ogg"), (long)len - 100, NULL, 0);
    expect_declined(e2e_path("cut.ogg"));
    long last = last_page_at(e2e_path("ok.ogg"));
    copy_prefix(e2e_path("ok.ogg"), e2e_path("cut_page.ogg"), last, NULL, 0);
    expect_declined(e2e_path("cut_page.ogg"));
    copy_prefix(e2e_path("ok.ogg"), e2e_path("cut_head.ogg"), 200, NULL, 0);
    expect_declined(e2e_path("cut_head.ogg"));

    /* junk after the last page; a damaged page near the end or in the headers */
    copy_prefix(e2e_path("ok.ogg"), e2e_path("tail_junk.ogg"), (long)len, "xyz", 3);
    expect_declined(e2e_path("tail_junk.ogg"));
    copy_prefix(e2e_path("ok.ogg"), e2e_path("bad_end.ogg"), (long)len, NULL, 0);
    flip_byte(e2e_path("bad_end.ogg"), (long)len - 50);
    expect_declined(e2e_path("bad_end.ogg"));
    copy_prefix(e2e_path("ok.ogg"), e2e_path("bad_head.ogg"), (long)len, NULL, 0);
    flip_byte(e2e_path("bad_head.ogg"), 100);
    expect_declined(e2e_path("bad_head.ogg"));

    /* a damaged page far from the end is not read: libsndfile does not read it either */
    free(e2e_read_file(e2e_path("long.ogg"), &len));
    assert_true(len > 200000);
    copy_prefix(e2e_path("long.ogg"), e2e_path("bad_middle.ogg"), (long)len, NULL, 0);
    flip_byte(e2e_path("bad_middle.ogg"), (long)len / 2);
    expect_same(e2e_path("bad_middle.ogg"));

    /* chained (two streams one after the other) and multiplexed (side by side) */
    bytes a[2] = {{NULL, 0}, {NULL, 0}}, b[2] = {{NULL, 0}, {NULL, 0}};
    encode(&a[0], &a[1], 48000, 1, 30000, 0, 0, 11);
    encode(&b[0], &b[1], 48000, 2, 20000, 0, 0, 22);
    bytes chained[4] = {a[0], a[1], b[0], b[1]}, muxed[4] = {a[0], b[0], a[1], b[1]};
    write_parts(e2e_path("chained.ogg"), chained, 4);
    expect_declined(e2e_path("chained.ogg"));
    write_parts(e2e_path("muxed.ogg"), muxed, 4);
    expect_declined(e2e_path("muxed.ogg"));
    for (int i = 0; i < 2; i++) {
        free(a[i].b);
        free(b[i].b);
    }

    /* granule positions that start before the first audio page's samples */
    write_stream(e2e_path("negative.ogg"), 48000, 1, 48000, -5000, 0);
    expect_declined(e2e_path("negative.ogg"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_pack),
        cmocka_unit_test(test_libsndfile_files),
        cmocka_unit_test(test_built_streams),
        cmocka_unit_test(test_declined),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
