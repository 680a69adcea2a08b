/* keys: the terminal's bytes as keys (see keys.h). */
#include "app/keys.h"

#include <string.h>

/* A CSI sequence longer than this is dropped to its final byte. */
enum { SEQ_MAX = 32 };

void keys_init(keys_decoder *d)
{
    memset(d, 0, sizeof *d);
}

size_t keys_feed(keys_decoder *d, const void *bytes, size_t n, int64_t now_ms)
{
    if (n == 0)
        return 0;
    if (d->len > 0 && now_ms - d->last_ms >= KEYS_ESC_TIMEOUT_MS) {
        /* a pause: what is pending was complete before these bytes came */
        d->cut = d->len;
        d->discard = 0;
    }
    size_t take = KEYS_BUF - d->len < n ? KEYS_BUF - d->len : n;
    memcpy(d->buf + d->len, bytes, take);
    d->len += take;
    d->last_ms = now_ms;
    return take;
}

/* Drops the first k bytes. */
static void consume(keys_decoder *d, size_t k)
{
    memmove(d->buf, d->buf + k, d->len - k);
    d->len -= k;
    d->cut = d->cut > k ? d->cut - k : 0;
}

/* Consumes k bytes and returns key. */
static int take(keys_decoder *d, size_t k, int key)
{
    consume(d, k);
    return key;
}

/* The arrow for a final byte A..D, else KEYS_OTHER. */
static int arrow(unsigned char f)
{
    switch (f) {
    case 'A':
        return KEYS_UP;
    case 'B':
        return KEYS_DOWN;
    case 'C':
        return KEYS_RIGHT;
    case 'D':
        return KEYS_LEFT;
    }
    return KEYS_OTHER;
}

/* Decodes "ESC [ params intermediates final" at the start of the first
 * `avail` bytes; `done`: no more bytes belong to it. */
static int csi(keys_decoder *d, size_t avail, int done)
{
    const unsigned char *b = d->buf;
    size_t i = 2;
    while (i < avail && b[i] >= 0x30 && b[i] <= 0x3F)
        i++;
    size_t params_end = i;
    while (i < avail && b[i] >= 0x20 && b[i] <= 0x2F)
        i++;
    if (i == avail) {
        if (done)
            return take(d, avail, KEYS_OTHER);
        if (avail >= SEQ_MAX) {
            d->discard = 1;
            return take(d, avail, KEYS_OTHER);
        }
        return KEYS_NONE; /* wait for the rest */
    }
    if (b[i] < 0x40 || b[i] > 0x7E)
        return take(d, i, KEYS_OTHER); /* broken off: the byte is a key of its own */
    /* an arrow: no parameters, or "1" (no modifier) */
    int plain = params_end == 2 || (params_end == 3 && b[2] == '1');
    int key = plain && i == params_end ? arrow(b[i]) : KEYS_OTHER;
    return take(d, i + 1, key);
}

int keys_next(keys_decoder *d, int64_t now_ms)
{
    while (d->len > 0 && d->discard) {
        /* the rest of an over-long sequence: up to and with its final byte */
        size_t i = 0;
        while (i < d->len && (d->buf[i] < 0x40 || d->buf[i] > 0x7E) && d->buf[i] >= 0x20)
            i++;
        if (i == d->len) {
            consume(d, i);
            return KEYS_NONE;
        }
        consume(d, d->buf[i] >= 0x20 ? i + 1 : i);
        d->discard = 0;
    }
    if (d->len == 0)
        return KEYS_NONE;
    /* the bytes before a pause are complete; after the timeout, all are */
    size_t avail = d->cut > 0 ? d->cut : d->len;
    int done = d->cut > 0 || now_ms - d->last_ms >= KEYS_ESC_TIMEOUT_MS;
    const unsigned char *b = d->buf;
    unsigned char c = b[0];
    if (c != 0x1B) {
        if (c < 0x80)
            return take(d, 1, c ? c : KEYS_OTHER);
        size_t need = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                      : c >= 0xF0 && c <= 0xF4 ? 4 : 1;
        size_t i = 1;
        while (i < need && i < avail && (b[i] & 0xC0) == 0x80)
            i++;
        if (i < need && i == avail && !done)
            return KEYS_NONE; /* the rest of the character is on its way */
        return take(d, i, KEYS_OTHER);
    }
    if (avail == 1)
        return done ? take(d, 1, KEYS_ESC) : KEYS_NONE;
    unsigned char n = b[1];
    if (n == '[')
        return csi(d, avail, done);
    if (n == 'O') {
        if (avail == 2)
            return done ? take(d, 2, KEYS_OTHER) : KEYS_NONE;
        if (b[2] >= 0x40 && b[2] <= 0x7E)
            return take(d, 3, arrow(b[2]));
        return take(d, 2, KEYS_OTHER);
    }
    if (n == 0x1B || n >= 0x80)
        return take(d, 1, n == 0x1B ? KEYS_ESC : KEYS_OTHER); /* Esc, then a key anew */
    return take(d, 2, KEYS_OTHER); /* Alt+key */
}

int keys_pending_ms(const keys_decoder *d, int64_t now_ms)
{
    if (d->len == 0)
        return -1;
    if (d->cut > 0)
        return 0;
    int64_t left = d->last_ms + KEYS_ESC_TIMEOUT_MS - now_ms;
    return left > 0 ? (int)left : 0;
}
