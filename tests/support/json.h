/* json: a small strict JSON parser for tests (RFC 8259: objects, arrays,
 * strings with escapes, numbers, true/false/null; nothing after the value). */
#ifndef ADEM_TEST_JSON_H
#define ADEM_TEST_JSON_H

#include <stddef.h>

typedef enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json {
    json_type type;
    double number;       /* JSON_NUMBER; JSON_BOOL: 0 or 1 */
    char *string;        /* JSON_STRING (UTF-8, NUL-terminated) */
    int n;               /* JSON_ARRAY, JSON_OBJECT: entries */
    char **keys;         /* JSON_OBJECT */
    struct json **items; /* JSON_ARRAY, JSON_OBJECT */
} json;

/* Parses text; returns the value, or NULL with a reason in err. */
json *json_parse(const char *text, size_t len, char *err, size_t errn);

/* Frees a parsed value. NULL is a no-op. */
void json_free(json *j);

/* The member `key` of an object, or NULL. */
const json *json_get(const json *obj, const char *key);

#endif
