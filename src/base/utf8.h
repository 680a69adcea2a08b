/* utf8: decoding UTF-8 strictly per RFC 3629 (no overlong forms, no
 * surrogates, nothing above U+10FFFF, no sequence cut short). The one decoder
 * of the program: the session lexer, the transcript reader and the SVG writer
 * all use it. Plain C11. */
#ifndef ADEM_UTF8_H
#define ADEM_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the character at s, of which n >= 1 bytes may be read. Returns
 * its length in bytes (1..4) and sets *cp to its code point, or returns 0
 * (and leaves *cp alone) when the bytes there are not valid UTF-8: a stray
 * continuation byte, a bad lead byte (0xC0, 0xC1, 0xF5..0xFF), an overlong
 * form, a surrogate (U+D800..U+DFFF), a value above U+10FFFF, or a sequence
 * that n cuts. */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* 1 if byte b is a continuation byte (10xxxxxx), else 0. */
int utf8_is_cont(unsigned char b);

#endif
