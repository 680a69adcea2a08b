/* keys: turns the bytes a terminal sends into keys. Plain bytes are keys of
 * their own; escape sequences (CSI "ESC [ ... final", SS3 "ESC O x") become
 * one key each, arrows named, everything else (Home, PgUp, F-keys, modified
 * arrows, Alt+key) KEYS_OTHER; a UTF-8 character is one KEYS_OTHER. An Esc
 * is only a key of its own when nothing follows it within KEYS_ESC_TIMEOUT_MS
 * (as mpv does): a sequence split across reads is still one key, and a lone
 * Esc is KEYS_ESC, never the start of something else.
 * Pure: the caller passes the time; no I/O. Control thread only. */
#ifndef ADEM_KEYS_H
#define ADEM_KEYS_H

#include <stddef.h>
#include <stdint.h>

/* How long an Esc waits for the rest of its sequence. */
#define KEYS_ESC_TIMEOUT_MS 50

/* Keys: 1..127 are ASCII bytes (control characters included: 13 is enter);
 * these are the rest. 0 is "no key". */
enum {
    KEYS_NONE = 0,
    KEYS_UP = 0x100,
    KEYS_DOWN,
    KEYS_RIGHT,
    KEYS_LEFT,
    KEYS_ESC,  /* a lone Esc */
    KEYS_OTHER /* any other sequence, a non-ASCII character, a stray byte */
};

enum { KEYS_BUF = 64 };

/* The decoder's state: plain data, set up with keys_init. */
typedef struct keys_decoder {
    unsigned char buf[KEYS_BUF]; /* bytes not decoded yet */
    size_t len;
    size_t cut;      /* bytes before a pause of the timeout: complete as they are */
    int64_t last_ms; /* when the last byte arrived */
    int discard;     /* the rest of an over-long CSI sequence is being dropped */
} keys_decoder;

/* Empties d. */
void keys_init(keys_decoder *d);

/* Hands d the bytes just read at time now_ms (milliseconds, any origin, never
 * decreasing). Returns how many it took: fewer than n only when its buffer is
 * full (take keys out with keys_next, then feed the rest). */
size_t keys_feed(keys_decoder *d, const void *bytes, size_t n, int64_t now_ms);

/* The next complete key at time now_ms, or KEYS_NONE when none is complete
 * (an Esc or a sequence still within its timeout waits for more bytes; once
 * the timeout has passed, it is decided without them). */
int keys_next(keys_decoder *d, int64_t now_ms);

/* Milliseconds until keys_next may decide a pending sequence by its timeout
 * (0: now), or -1 when nothing is pending. */
int keys_pending_ms(const keys_decoder *d, int64_t now_ms);

#endif
