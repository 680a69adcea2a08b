/* json: a small strict JSON parser for tests (see json.h). */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *s, *end;
    char *err;
    size_t errn;
    int depth;
} parser;

/* Records the first error; returns NULL. */
static json *fail(parser *p, const char *what)
{
    if (p->err && p->errn && !p->err[0])
        snprintf(p->err, p->errn, "%s", what);
    return NULL;
}

static void ws(parser *p, const char **c)
{
    while (*c < p->end && (**c == ' ' || **c == '\t' || **c == '\n' || **c == '\r'))
        (*c)++;
}

static json *value(parser *p, const char **c);

/* Appends a UTF-8 encoding of code point u to buf. */
static size_t utf8(unsigned u, char *buf)
{
    if (u < 0x80)
        return buf[0] = (char)u, 1;
    if (u < 0x800)
        return buf[0] = (char)(0xC0 | u >> 6), buf[1] = (char)(0x80 | (u & 0x3F)), 2;
    if (u < 0x10000)
        return buf[0] = (char)(0xE0 | u >> 12), buf[1] = (char)(0x80 | ((u >> 6) & 0x3F)),
               buf[2] = (char)(0x80 | (u & 0x3F)), 3;
    return buf[0] = (char)(0xF0 | u >> 18), buf[1] = (char)(0x80 | ((u >> 12) & 0x3F)),
           buf[2] = (char)(0x80 | ((u >> 6) & 0x3F)), buf[3] = (char)(0x80 | (u & 0x3F)), 4;
}

/* Reads 4 hex digits. */
static int hex4(parser *p, const char **c, unsigned *u)
{
    *u = 0;
    for (int i = 0; i < 4; i++, (*c)++) {
        if (*c >= p->end)
            return -1;
        char h = **c;
        *u = *u * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                  : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 99);
        if (*u > 0xFFFF)
            return -1;
    }
    return 0;
}

/* string := '"' chars '"' */
static char *string(parser *p, const char **c)
{
    if (*c >= p->end || **c != '"')
        return (char *)fail(p, "expected a string");
    (*c)++;
    size_t cap = 64, n = 0;
    char *out = malloc(cap);
    while (*c < p->end && **c != '"') {
        if (n + 8 > cap)
            out = realloc(out, cap *= 2);
        unsigned char ch = (unsigned char)**c;
        if (ch < 0x20) {
            free(out);
            return (char *)fail(p, "control character in string");
        }
        if (ch != '\\') {
            out[n++] = (char)ch;
            (*c)++;
            continue;
        }
        (*c)++;
        if (*c >= p->end)
            break;
        char e = *(*c)++;
        unsigned u;
        switch (e) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u':
            if (hex4(p, c, &u) != 0) {
                free(out);
                return (char *)fail(p, "bad \\u escape");
            }
            n += utf8(u, out + n);
            break;
        default:
            free(out);
            return (char *)fail(p, "bad escape");
        }
    }
    if (*c >= p->end) {
        free(out);
        return (char *)fail(p, "unterminated string");
    }
    (*c)++;
    out[n] = '\0';
    return out;
}

static json *node(json_type t)
{
    json *j = calloc(1, sizeof *j);
    j->type = t;
    return j;
}

/* Adds item (and key, for objects) to j. */
static void add(json *j, char *key, json *item)
{
    j->items = realloc(j->items, (size_t)(j->n + 1) * sizeof *j->items);
    if (j->type == JSON_OBJECT)
        j->keys = realloc(j->keys, (size_t)(j->n + 1) * sizeof *j->keys), j->keys[j->n] = key;
    j->items[j->n++] = item;
}

/* number := '-'? int frac? exp? */
static json *number(parser *p, const char **c)
{
    const char *b = *c;
    if (*c < p->end && **c == '-')
        (*c)++;
    if (*c >= p->end || !(**c >= '0' && **c <= '9'))
        return fail(p, "bad number");
    if (**c == '0')
        (*c)++;
    else
        while (*c < p->end && **c >= '0' && **c <= '9')
            (*c)++;
    if (*c < p->end && **c == '.') {
        (*c)++;
        if (*c >= p->end || !(**c >= '0' && **c <= '9'))
            return fail(p, "bad fraction");
        while (*c < p->end && **c >= '0' && **c <= '9')
            (*c)++;
    }
    if (*c < p->end && (**c == 'e' || **c == 'E')) {
        (*c)++;
        if (*c < p->end && (**c == '+' || **c == '-'))
            (*c)++;
        if (*c >= p->end || !(**c >= '0' && **c <= '9'))
            return fail(p, "bad exponent");
        while (*c < p->end && **c >= '0' && **c <= '9')
            (*c)++;
    }
    char tmp[64];
    size_t len = (size_t)(*c - b);
    if (len >= sizeof tmp)
        return fail(p, "number too long");
    memcpy(tmp, b, len);
    tmp[len] = '\0';
    json *j = node(JSON_NUMBER);
    j->number = strtod(tmp, NULL);
    return j;
}

/* value := object | array | string | number | true | false | null */
static json *value(parser *p, const char **c)
{
    ws(p, c);
    if (*c >= p->end)
        return fail(p, "unexpected end");
    if (++p->depth > 200)
        return fail(p, "nested too deep");
    json *j = NULL;
    char ch = **c;
    if (ch == '{' || ch == '[') {
        int obj = ch == '{';
        j = node(obj ? JSON_OBJECT : JSON_ARRAY);
        (*c)++;
        ws(p, c);
        if (*c < p->end && **c == (obj ? '}' : ']')) {
            (*c)++;
        } else {
            for (;;) {
                char *key = NULL;
                if (obj) {
                    ws(p, c);
                    if (!(key = string(p, c)))
                        break;
                    ws(p, c);
                    if (*c >= p->end || **c != ':') {
                        free(key);
                        fail(p, "expected ':'");
                        break;
                    }
                    (*c)++;
                }
                json *item = value(p, c);
                if (!item) {
                    free(key);
                    break;
                }
                add(j, key, item);
                ws(p, c);
                if (*c < p->end && **c == ',') {
                    (*c)++;
                    continue;
                }
                if (*c < p->end && **c == (obj ? '}' : ']')) {
                    (*c)++;
                    p->depth--;
                    return j;
                }
                fail(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
                break;
            }
            json_free(j);
            return NULL;
        }
    } else if (ch == '"') {
        char *s = string(p, c);
        if (s) {
            j = node(JSON_STRING);
            j->string = s;
        }
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
        j = number(p, c);
    } else {
        static const char *const words[] = {"true", "false", "null"};
        for (int i = 0; i < 3 && !j; i++) {
            size_t l = strlen(words[i]);
            if ((size_t)(p->end - *c) >= l && memcmp(*c, words[i], l) == 0) {
                *c += l;
                j = node(i == 2 ? JSON_NULL : JSON_BOOL);
                j->number = i == 0;
            }
        }
        if (!j)
            return fail(p, "unexpected character");
    }
    p->depth--;
    return j;
}

json *json_parse(const char *text, size_t len, char *err, size_t errn)
{
    parser p = {text, text + len, err, errn, 0};
    if (err && errn)
        err[0] = '\0';
    const char *c = text;
    json *j = value(&p, &c);
    if (!j)
        return NULL;
    ws(&p, &c);
    if (c != p.end) {
        json_free(j);
        return fail(&p, "text after the value");
    }
    return j;
}

void json_free(json *j)
{
    if (!j)
        return;
    for (int i = 0; i < j->n; i++) {
        json_free(j->items[i]);
        if (j->keys)
            free(j->keys[i]);
    }
    free(j->items);
    free(j->keys);
    free(j->string);
    free(j);
}

const json *json_get(const json *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (int i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}
