/* config: the user's settings file (see config.h). */
#include "io/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/paths.h"
#include "sys/platform.h"
#include "lang/units.h"

/* Longest value copied out of a line, in bytes (a folder path). */
enum { VALUE_MAX = CONFIG_PATH_MAX };

/* What a key's value is. */
typedef enum value_kind { V_DEVICE, V_VOICE, V_LEVEL, V_CEILING, V_LATENCY, V_CHANNELS, V_COUNTDOWN, V_ONOFF } value_kind;

/* One known key. */
typedef struct key_def {
    const char *name;
    unsigned bit;
    value_kind kind;
    const char *example; /* a valid line, for messages */
} key_def;

static const key_def keys[] = {
    {"device", CONFIG_DEVICE, V_DEVICE, "device = USB"},
    {"voice", CONFIG_VOICE, V_VOICE, "voice = nl"},
    {"volume", CONFIG_VOLUME, V_LEVEL, "volume = -6dB"},
    {"voice-level", CONFIG_VOICE_LEVEL, V_LEVEL, "voice-level = -3dB"},
    {"tone-level", CONFIG_TONE_LEVEL, V_LEVEL, "tone-level = -6dB"},
    {"bed-level", CONFIG_BED_LEVEL, V_LEVEL, "bed-level = -6dB"},
    {"max-level", CONFIG_MAX_LEVEL, V_CEILING, "max-level = -12dB"},
    {"latency", CONFIG_LATENCY, V_LATENCY, "latency = 200"},
    {"channels", CONFIG_CHANNELS, V_CHANNELS, "channels = 2"},
    {"countdown", CONFIG_COUNTDOWN, V_COUNTDOWN, "countdown = 10s"},
    {"log", CONFIG_LOG, V_ONOFF, "log = on"},
};

#define NKEYS (sizeof keys / sizeof keys[0])

/* The parser's position in the text. */
typedef struct cursor {
    const char *text;
    size_t len;
    size_t pos;        /* byte offset */
    size_t line_start; /* byte offset of the current line */
    int line;          /* 1-based */
    const char *path;
} cursor;

void config_init(adem_config *c)
{
    memset(c, 0, sizeof *c);
}

/* The 1-based column (in UTF-8 characters) of byte offset `at` on the
 * cursor's current line. */
static int column(const cursor *k, size_t at)
{
    int col = 1;
    for (size_t i = k->line_start; i < at; i++)
        if (((unsigned char)k->text[i] & 0xC0) != 0x80)
            col++;
    return col;
}

/* Sets d to the error "WHAT; todo" at byte offset `at` of the current line,
 * WHAT formatted from fmt; returns -1. */
static int fail_at(const cursor *k, size_t at, adem_diag *d, const char *todo, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(ADEM_PRINTF_FORMAT, 5, 6)))
#endif
    ;
static int fail_at(const cursor *k, size_t at, adem_diag *d, const char *todo, const char *fmt, ...)
{
    char what[ADEM_DIAG_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return diag_set(d, k->path, k->line, column(k, at), "%s; %s", what, todo);
}

/* 1 if c is a space or a tab. */
static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* 1 if the byte at offset i ends the line (newline, CR before a newline or
 * at the end of the text, or the end of the text itself). */
static int at_eol(const cursor *k, size_t i)
{
    if (i >= k->len || k->text[i] == '\n')
        return 1;
    return k->text[i] == '\r' && (i + 1 >= k->len || k->text[i + 1] == '\n');
}

/* Moves i past spaces and tabs; returns the new offset. */
static size_t skip_blanks(const cursor *k, size_t i)
{
    while (i < k->len && is_blank(k->text[i]))
        i++;
    return i;
}

/* Copies text[from..to) into buf (size n) as a string. Returns -1 when it
 * does not fit. */
static int copy_span(const cursor *k, size_t from, size_t to, char *buf, size_t n)
{
    size_t len = to - from;
    if (len >= n)
        return -1;
    memcpy(buf, k->text + from, len);
    buf[len] = '\0';
    return 0;
}

/* Finds the key named by text[from..to), or NULL. */
static const key_def *find_key(const cursor *k, size_t from, size_t to)
{
    size_t len = to - from;
    for (size_t i = 0; i < NKEYS; i++)
        if (strlen(keys[i].name) == len && memcmp(keys[i].name, k->text + from, len) == 0)
            return &keys[i];
    return NULL;
}

/* Reads the value that starts at offset *i (after the blanks following '='):
 * a quoted string or the rest of the line up to a '#', trailing blanks
 * removed. Writes it into buf (size n) and leaves *i at the end of the line.
 * Returns 0, or -1 with d set. */
static int read_value(cursor *k, size_t *i, char *buf, size_t n, adem_diag *d)
{
    size_t p = *i, out = 0;
    if (p < k->len && k->text[p] == '"') {
        size_t open = p++;
        for (;;) {
            if (at_eol(k, p))
                return fail_at(k, open, d, "end it with \" on the same line",
                               "the quoted value is not closed");
            char c = k->text[p];
            if (c == '"')
                break;
            if (c == '\\' && p + 1 < k->len && (k->text[p + 1] == '"' || k->text[p + 1] == '\\'))
                c = k->text[++p];
            if (out + 1 >= n)
                return fail_at(k, open, d, "shorten it", "the value is longer than %d bytes",
                               VALUE_MAX - 1);
            buf[out++] = c;
            p++;
        }
        buf[out] = '\0';
        p = skip_blanks(k, p + 1);
        if (!at_eol(k, p) && k->text[p] != '#')
            return fail_at(k, p, d, "start a comment with #",
                           "unexpected text after the quoted value");
    } else {
        size_t end = p;
        while (!at_eol(k, end) && k->text[end] != '#')
            end++;
        size_t last = end;
        while (last > p && is_blank(k->text[last - 1]))
            last--;
        if (copy_span(k, p, last, buf, n) != 0)
            return fail_at(k, p, d, "shorten it", "the value is longer than %d bytes", VALUE_MAX - 1);
        p = end;
    }
    while (!at_eol(k, p))
        p++;
    *i = p;
    return 0;
}

/* Parses a whole number within [lo, hi]. Returns 0 or -1. */
static int parse_whole(const char *s, long lo, long hi, int *out)
{
    if (!(*s >= '0' && *s <= '9'))
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end || errno || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* 1 if s is a pack name: ASCII letters, digits, '_' and '-'. */
static int is_pack_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* Turns the voice value v into a pack name or an absolute folder in
 * c->voice: ~/x is under $HOME, a relative folder is under the config
 * file's folder. Returns 0, or -1 with d set at offset `at`. */
static int set_voice(adem_config *c, const cursor *k, size_t at, const char *v, adem_diag *d)
{
    static const char todo[] = "write a pack name (voice = nl) or the folder of a pack";
    char dir[CONFIG_PATH_MAX];
    int w = 0;
    if (is_pack_name(v)) {
        snprintf(c->voice, sizeof c->voice, "%s", v);
        return 0;
    }
    if (v[0] == '~' && (v[1] == '/' || v[1] == '\\')) {
        const char *home = getenv("HOME");
        if (!home || !home[0])
            return fail_at(k, at, d, "write the folder in full",
                           "voice %s starts with ~ but HOME is not set", v);
        w = snprintf(c->voice, sizeof c->voice, "%s%s", home, v + 1);
    } else if (paths_is_absolute(v)) {
        w = snprintf(c->voice, sizeof c->voice, "%s", v);
    } else if (strchr(v, '/') || strchr(v, '\\') || v[0] == '.') {
        paths_dirname(k->path, dir, sizeof dir);
        while (v[0] == '.' && (v[1] == '/' || v[1] == '\\'))
            v += 2; /* ./x is x */
        w = paths_join(c->voice, sizeof c->voice, dir, v) == 0 ? 0 : -1;
    } else {
        return fail_at(k, at, d, todo,
                       "voice '%s' is neither a pack name (letters, digits, _ and -) nor a folder",
                       v);
    }
    if (w < 0 || (size_t)w >= sizeof c->voice)
        return fail_at(k, at, d, "shorten it", "the voice folder %s is too long", v);
    if (!platform_is_dir(c->voice)) {
        char shown[ADEM_DIAG_MSG_MAX / 2];
        size_t n = strlen(c->voice) < sizeof shown ? strlen(c->voice) : sizeof shown - 1;
        memcpy(shown, c->voice, n);
        shown[n] = '\0';
        c->voice[0] = '\0';
        return fail_at(k, at, d, todo, "the voice folder %s does not exist", shown);
    }
    return 0;
}

/* Checks value v of key kd (found at offset at) and stores it in c.
 * Returns 0, or -1 with d set. */
static int set_value(adem_config *c, const cursor *k, const key_def *kd, size_t at, const char *v,
                     adem_diag *d)
{
    char what[ADEM_DIAG_MSG_MAX], todo[128], err[UNITS_ERR_MAX];
    const char *range = NULL;
    int bad = 0;
    switch (kd->kind) {
    case V_DEVICE:
        if (strlen(v) >= sizeof c->device)
            return fail_at(k, at, d, "write a shorter part of it",
                           "the device name is longer than %d bytes", CONFIG_DEVICE_MAX - 1);
        snprintf(c->device, sizeof c->device, "%s", v);
        break;
    case V_VOICE:
        if (set_voice(c, k, at, v, d) != 0)
            return -1;
        break;
    case V_LEVEL: {
        double *t = kd->bit == CONFIG_VOLUME        ? &c->volume_db
                    : kd->bit == CONFIG_VOICE_LEVEL ? &c->voice_db
                    : kd->bit == CONFIG_TONE_LEVEL  ? &c->tone_db
                                                    : &c->bed_db;
        bad = units_parse_db(v, -60, 12, t);
        range = "a level from -60 to +12 dB";
        break;
    }
    case V_CEILING:
        bad = units_parse_db(v, -60, 0, &c->max_level_db);
        range = "a level from -60 to 0 dB";
        break;
    case V_LATENCY:
        bad = parse_whole(v, 1, 2000, &c->latency_ms);
        range = "a latency from 1 to 2000 (milliseconds)";
        break;
    case V_CHANNELS:
        bad = parse_whole(v, 1, 8, &c->channels);
        range = "a channel count from 1 to 8";
        break;
    case V_COUNTDOWN:
        if (units_parse_duration(v, strlen(v), &c->countdown_ms, err) != 0) {
            snprintf(what, sizeof what, "countdown %s: %s", v, err);
            return diag_set(d, k->path, k->line, column(k, at), "%s", what);
        }
        bad = c->countdown_ms > 600000;
        range = "a duration up to 10m";
        break;
    case V_ONOFF:
        if (strcmp(v, "on") == 0)
            c->log = 1;
        else if (strcmp(v, "off") == 0)
            c->log = 0;
        else
            bad = 1;
        range = "on or off";
        break;
    }
    if (bad) {
        snprintf(what, sizeof what, "%s = %s is not %s", kd->name, v, range);
        snprintf(todo, sizeof todo, "write e.g. %s", kd->example);
        return diag_set(d, k->path, k->line, column(k, at), "%s; %s", what, todo);
    }
    c->set |= kd->bit;
    return 0;
}

/* Parses the line that starts at k->pos; leaves k->pos at its newline (or the
 * end). first_line[] holds the line each key was first set on. Returns 0, or
 * -1 with d set. */
static int parse_line(adem_config *c, cursor *k, int first_line[NKEYS], adem_diag *d)
{
    static const char todo[] = "write one setting per line as key = value, e.g. volume = -6dB";
    size_t i = skip_blanks(k, k->pos);
    if (at_eol(k, i) || k->text[i] == '#') {
        while (!at_eol(k, i))
            i++;
        k->pos = i;
        return 0;
    }
    size_t key = i;
    while (!at_eol(k, i) && !is_blank(k->text[i]) && k->text[i] != '=' && k->text[i] != '#')
        i++;
    size_t key_end = i;
    if (key_end == key)
        return fail_at(k, key, d, todo, "a setting needs a name before '='");
    char name[64];
    if (copy_span(k, key, key_end, name, sizeof name) != 0) {
        memcpy(name, k->text + key, 40);
        memcpy(name + 40, "...", 4);
    }
    const key_def *kd = find_key(k, key, key_end);
    if (!kd)
        return fail_at(k, key, d,
                       "the settings are device, voice, volume, voice-level, tone-level, "
                       "bed-level, max-level, latency, channels, countdown and log",
                       "unknown setting '%s'", name);
    i = skip_blanks(k, i);
    if (at_eol(k, i) || k->text[i] != '=')
        return fail_at(k, i, d, todo, "expected '=' after '%s'", name);
    i = skip_blanks(k, i + 1);
    size_t at = i;
    char value[VALUE_MAX];
    if (read_value(k, &i, value, sizeof value, d) != 0)
        return -1;
    k->pos = i;
    if (!value[0]) {
        char t[128];
        snprintf(t, sizeof t, "write e.g. %s, or remove the line", kd->example);
        return fail_at(k, at, d, t, "'%s' has no value", name);
    }
    size_t idx = (size_t)(kd - keys);
    if (first_line[idx]) {
        return diag_set(d, k->path, k->line, column(k, key),
                        "'%s' is set twice (first on line %d); keep one of the two", kd->name,
                        first_line[idx]);
    }
    first_line[idx] = k->line;
    return set_value(c, k, kd, at, value, d);
}

int config_parse(adem_config *c, const char *text, size_t len, const char *path, adem_diag *d)
{
    cursor k = {text, len, 0, 0, 1, path};
    int first_line[NKEYS] = {0};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        k.pos = k.line_start = 3; /* a UTF-8 byte order mark */
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        size_t at = (size_t)(nul - text);
        for (size_t i = 0; i < at; i++)
            if (text[i] == '\n') {
                k.line++;
                k.line_start = i + 1;
            }
        return fail_at(&k, at, d, "a config file is plain text: key = value lines",
                       "the file contains a NUL byte");
    }
    while (k.pos < len) {
        if (parse_line(c, &k, first_line, d) != 0)
            return -1;
        if (k.pos < len && k.text[k.pos] == '\r')
            k.pos++;
        if (k.pos < len) { /* the newline */
            k.pos++;
            k.line++;
            k.line_start = k.pos;
        }
    }
    return 0;
}

int config_load(adem_config *c, const char *path, adem_diag *d)
{
    if (platform_is_dir(path))
        return diag_set(d, NULL, 0, 0, "the config file %s is a folder; remove it or make it a file",
                        path);
    const char *why = NULL;
    FILE *f = platform_fopen_file(path, "rb", &why);
    if (!f) {
        if (errno == ENOENT)
            return 0; /* no config file: the defaults */
        return diag_set(d, NULL, 0, 0, "cannot read the config file %s: %s; make it a small text "
                                       "file or remove it",
                        path, why);
    }
    int64_t size = platform_file_size(path);
    if (size > CONFIG_FILE_MAX) {
        fclose(f);
        return diag_set(d, NULL, 0, 0,
                        "the config file %s is larger than 64 KB; it should hold a few key = value "
                        "lines",
                        path);
    }
    char *buf = malloc(CONFIG_FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        return diag_runtime(d, "out of memory while reading the config file %s", path);
    }
    size_t n = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
    int failed = ferror(f);
    fclose(f);
    if (failed || n > CONFIG_FILE_MAX) {
        free(buf);
        return diag_set(d, NULL, 0, 0, "cannot read the config file %s; check that it is a "
                                       "small text file",
                        path);
    }
    int rc = config_parse(c, buf, n, path, d);
    free(buf);
    return rc;
}
