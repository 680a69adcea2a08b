/* ogglen: the length of an Ogg Vorbis file from its pages (see ogglen.h).
 * Every step below follows what libsndfile 1.2 does when it opens the file
 * (ogg_read_first_page, vorbis_read_header, ogg_stream_unpack_page,
 * vorbis_calculate_granulepos, ogg_sync_last_page_before); wherever libsndfile
 * would log a warning, skip something, or fail, this reader gives up instead. */
#include "io/ogglen.h"

#include <limits.h>
#include <ogg/ogg.h>
#include <stdio.h>
#include <string.h>
#include <vorbis/codec.h>

#include "sys/platform.h"

enum {
    OL_READ = 8192,  /* bytes read at a time from the start of the file */
    OL_TAIL = 65536, /* the window at the end searched for the last page */
    OL_PACKETS = 255 /* most packets libsndfile takes from one page */
};

/* The file being read from its start: the bytes given to libogg so far. */
typedef struct ol_file {
    FILE *fp;
    int64_t size;         /* bytes in the file */
    int64_t fed;          /* bytes of the file given to sync */
    ogg_sync_state sync;  /* splits the bytes into pages */
    ogg_stream_state os;  /* joins the pages of the stream into packets */
    int serial;           /* the stream's serial number */
    int eos;              /* 1 once the page with the end-of-stream flag was read */
} ol_file;

/* The next page of the file, which must begin right where the previous one
 * ended (the first at byte 0). Returns 1 with *pg set, or 0 at the end of the
 * file, at bytes that are not a page (a gap, junk, a bad checksum) or when the
 * file cannot be read. */
static int ol_sync_page(ol_file *f, ogg_page *pg)
{
    for (;;) {
        long got = ogg_sync_pageseek(&f->sync, pg);
        if (got > 0)
            return 1;
        if (got < 0 || f->fed >= f->size)
            return 0;
        int64_t left = f->size - f->fed;
        long want = left < OL_READ ? (long)left : OL_READ;
        char *buf = ogg_sync_buffer(&f->sync, want);
        if (!buf)
            return 0;
        size_t n = fread(buf, 1, (size_t)want, f->fp);
        if (n == 0 || ogg_sync_wrote(&f->sync, (long)n) != 0)
            return 0;
        f->fed += (int64_t)n;
    }
}

/* The next page of the stream, given to the stream state. Returns 1, or 0
 * after the end-of-stream page, for a page of another stream (chained or
 * multiplexed), or as ol_sync_page. */
static int ol_stream_page(ol_file *f)
{
    ogg_page pg;
    if (f->eos || !ol_sync_page(f, &pg) || ogg_page_serialno(&pg) != f->serial)
        return 0;
    f->eos = ogg_page_eos(&pg) != 0;
    return ogg_stream_pagein(&f->os, &pg) == 0;
}

/* Reads the three Vorbis headers into vi (libsndfile's checks: the first page
 * a beginning-of-stream page holding the identification header alone, the
 * comment and setup headers next, no audio on their last page). Returns 1, or
 * 0 when not answered. */
static int ol_headers(ol_file *f, vorbis_info *vi)
{
    ogg_page pg;
    ogg_packet op;
    vorbis_comment vc;
    int ok = 0, got = 0;
    vorbis_comment_init(&vc);
    if (!ol_sync_page(f, &pg) || !ogg_page_bos(&pg) || ogg_page_eos(&pg) || pg.body_len < 7 ||
        memcmp(pg.body, "\001vorbis", 7) != 0)
        goto out;
    f->serial = ogg_page_serialno(&pg);
    if (ogg_stream_reset_serialno(&f->os, f->serial) != 0 || ogg_stream_pagein(&f->os, &pg) != 0 ||
        ogg_stream_packetout(&f->os, &op) != 1 || !op.b_o_s ||
        ogg_stream_packetpeek(&f->os, NULL) != 0 || vorbis_synthesis_headerin(vi, &vc, &op) != 0)
        goto out;
    while (got < 2) {
        int r = ogg_stream_packetout(&f->os, &op);
        if (r < 0)
            goto out;
        if (r == 0) {
            if (!ol_stream_page(f) || f->eos)
                goto out;
        } else if (vorbis_synthesis_headerin(vi, &vc, &op) != 0) {
            goto out;
        } else {
            got++;
        }
    }
    ok = ogg_stream_packetout(&f->os, &op) == 0;
out:
    vorbis_comment_clear(&vc);
    return ok;
}

/* The granule position of the stream's first sample (libsndfile's
 * pcm_start): that of the first page with audio packets, less what those
 * packets decode to; 0 for a stream of one page that ends early. Returns 1
 * with *start set, or 0 when not answered. */
static int ol_start(ol_file *f, vorbis_info *vi, int64_t *start)
{
    ogg_packet op;
    int r, n = 0;
    while ((r = ogg_stream_packetout(&f->os, &op)) == 0)
        if (!ol_stream_page(f))
            return 0;
    long last = -1;
    uint64_t duration = 0;
    for (; r == 1; r = ogg_stream_packetout(&f->os, &op)) {
        if (++n > OL_PACKETS)
            return 0;
        long block = vorbis_packet_blocksize(vi, &op);
        if (block >= 0) {
            if (last != -1)
                duration += (uint64_t)((last + block) >> 2);
            last = block;
        }
        if (ogg_stream_packetpeek(&f->os, NULL) == 0) {
            /* the page's last packet carries its granule position */
            if (op.granulepos < 0)
                return 0;
            uint64_t gp = (uint64_t)op.granulepos;
            if (op.e_o_s && gp <= duration)
                *start = 0;
            else if (gp < duration)
                return 0;
            else
                *start = (int64_t)(gp - duration);
            return 1;
        }
    }
    return 0; /* a hole */
}

/* The granule position of the file's last page (libsndfile's pcm_end), found
 * as libsndfile finds it: pages synced from 64 KiB before the end. The pages
 * found must all be the stream's, follow each other up to the file's last
 * byte, and the last must end the stream. Returns 1 with *end set, or 0. */
static int ol_end(ol_file *f, int64_t *end)
{
    int64_t begin = f->size > OL_TAIL ? f->size - OL_TAIL : 0, at = begin;
    long n = (long)(f->size - begin), got;
    ogg_sync_state sy;
    ogg_page pg;
    int pages = 0, ok = 0, eos = 0;
    int64_t gp = -1;
    ogg_sync_init(&sy);
    char *buf = ogg_sync_buffer(&sy, n);
    if (!buf || platform_fseek(f->fp, begin, SEEK_SET) != 0 ||
        fread(buf, 1, (size_t)n, f->fp) != (size_t)n || ogg_sync_wrote(&sy, n) != 0)
        goto out;
    while ((got = ogg_sync_pageseek(&sy, &pg)) != 0) {
        if (got < 0) {
            if (pages > 0)
                goto out; /* junk between pages */
            at -= got;    /* the window began inside a page */
            continue;
        }
        at += got;
        pages++;
        gp = ogg_page_granulepos(&pg);
        eos = ogg_page_eos(&pg) != 0;
        if (ogg_page_serialno(&pg) != f->serial || gp < -1)
            goto out;
    }
    ok = pages > 0 && at == f->size && eos && gp >= 0;
    *end = gp;
out:
    ogg_sync_clear(&sy);
    return ok;
}

/* Reads the file's length (see ogglen.h). */
int ogglen_read(const char *path, ogglen_info *out)
{
    const char *why;
    ol_file f;
    memset(&f, 0, sizeof f);
    f.size = platform_file_size(path);
    if (f.size < 4 || f.size > LONG_MAX)
        return 0;
    f.fp = platform_fopen_file(path, "rb", &why);
    if (!f.fp)
        return 0;
    vorbis_info vi;
    vorbis_info_init(&vi);
    ogg_sync_init(&f.sync);
    ogg_stream_init(&f.os, 0);
    int64_t start = 0, end = 0;
    int ok = ol_headers(&f, &vi) && ol_start(&f, &vi, &start) && ol_end(&f, &end) &&
             end >= start && vi.channels >= 1 && vi.rate >= 1 && vi.rate <= INT_MAX;
    if (ok) {
        out->frames = end - start;
        out->rate = (int)vi.rate;
        out->channels = vi.channels;
    }
    ogg_stream_clear(&f.os);
    ogg_sync_clear(&f.sync);
    vorbis_info_clear(&vi);
    fclose(f.fp);
    return ok;
}
