/* control: the player's side of remote control (see control.h). */
#include "app/control.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"
#include "sys/ipc.h"

/* Lines served per connection in one control_poll: a client that floods
 * the socket cannot hold the player up. */
enum { LINES_PER_POLL = 8 };

typedef struct client {
    int fd;                       /* -1: free */
    char buf[CONTROL_LINE_MAX];
    size_t len;
} client;

struct control {
    ipc_server *srv;
    char path[IPC_PATH_MAX + 32]; /* ipc_dir leaves room; ipc_listen checks */
    client cl[CONTROL_CLIENTS];
};

static const char commands_list[] =
    "status, pause, resume, toggle, next, prev, stop, volume +N|-N, mute, continue";

/* Parses the dB of `volume +N`: a signed number of at most 60 dB. */
static int parse_step(const char *s, double *db)
{
    if (*s != '+' && *s != '-')
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s + 1 || *end != '\0' || !(v >= -60.0 && v <= 60.0) || v == 0.0)
        return -1;
    *db = v;
    return 0;
}

int control_parse(const char *line, control_req *r, char *err, size_t errn)
{
    char w[CONTROL_LINE_MAX];
    size_t n = strlen(line);
    if (n >= sizeof w) {
        snprintf(err, errn, "the line is too long");
        return -1;
    }
    memcpy(w, line, n + 1);
    while (n > 0 && (w[n - 1] == ' ' || w[n - 1] == '\t' || w[n - 1] == '\r'))
        w[--n] = '\0';
    char *word = w;
    while (*word == ' ' || *word == '\t')
        word++;
    char *arg = strchr(word, ' ');
    if (arg) {
        *arg++ = '\0';
        while (*arg == ' ')
            arg++;
    }
    static const struct {
        const char *name;
        control_kind kind;
        engine_cmd cmd;
    } simple[] = {
        {"status", CONTROL_STATUS, 0},           {"pause", CONTROL_ENGINE, ENGINE_PAUSE},
        {"resume", CONTROL_ENGINE, ENGINE_RESUME}, {"toggle", CONTROL_ENGINE, ENGINE_TOGGLE},
        {"next", CONTROL_ENGINE, ENGINE_SKIP},    {"stop", CONTROL_QUIT, ENGINE_STOP},
        {"continue", CONTROL_ENGINE, ENGINE_CONTINUE}, {"prev", CONTROL_ENGINE, ENGINE_BACK},
        {"mute", CONTROL_ENGINE, ENGINE_MUTE},
    };
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
        if (strcmp(word, simple[i].name) != 0)
            continue;
        if (arg && *arg) {
            snprintf(err, errn, "'%s' takes no argument", word);
            return -1;
        }
        r->kind = simple[i].kind;
        r->cmd = simple[i].cmd;
        return 0;
    }
    if (strcmp(word, "volume") == 0) {
        if (!arg || parse_step(arg, &r->value) != 0) {
            snprintf(err, errn, "volume takes a step in dB such as +3 or -3 (at most 60)");
            return -1;
        }
        r->kind = CONTROL_ENGINE;
        r->cmd = ENGINE_VOLUME;
        return 0;
    }
    if (!*word)
        snprintf(err, errn, "empty line; the commands are %s", commands_list);
    else
        snprintf(err, errn, "unknown command '%.40s'; the commands are %s", word, commands_list);
    return -1;
}

/* Appends printf output to buf (length *len of n); -1 when it does not fit. */
static int add(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *len, n - *len, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= n - *len)
        return -1;
    *len += (size_t)k;
    return 0;
}

int control_status_json(const engine_status *st, const control_info *in, char *buf, size_t n)
{
    size_t len = 0;
    double rate = in->rate > 0 ? in->rate : 48000;
    buf[0] = '\0';
    int bad = add(buf, n, &len, "{\"session\": ");
    bad |= jsonw_buf(buf, n, &len, st->title);
    bad |= add(buf, n, &len, ", \"phase\": ");
    bad |= jsonw_buf(buf, n, &len, st->phase);
    bad |= add(buf, n, &len, ", \"chapter\": ");
    bad |= jsonw_buf(buf, n, &len, st->chapter);
    /* the words being spoken (from the pack's transcript), while they are */
    const char *said = NULL;
    if (in->words && st->cue >= 0 && st->cue < in->nwords && st->pos < st->cue_end)
        said = in->words[st->cue];
    bad |= add(buf, n, &len, ", \"words\": ");
    bad |= jsonw_buf(buf, n, &len, said);
    bad |= add(buf, n, &len,
               ", \"position\": %.3f, \"length\": %.3f, \"paused\": %s, \"holding\": %s, "
               "\"volume_db\": %g, \"pid\": %ld",
               (double)st->pos / rate, (double)st->total / rate, st->paused ? "true" : "false",
               st->holding ? "true" : "false", st->volume_db, in->pid);
    /* For the page (app/web.h): the current phase's span and its tone, so it
     * can draw the breath between snapshots, and the round of a repeat (0 0
     * outside one). */
    static const char *const tones[] = {"none", "rise", "fall", "steady"};
    unsigned tone = (unsigned)st->tone < 4 ? (unsigned)st->tone : 0;
    bad |= add(buf, n, &len,
               ", \"phase_start\": %.3f, \"phase_length\": %.3f, \"tone\": \"%s\", "
               "\"round\": %lld, \"rounds\": %lld, \"stopping\": %s, \"done\": %s}",
               (double)st->phase_start / rate, (double)st->phase_frames / rate, tones[tone],
               (long long)st->round, (long long)st->rounds, st->stopping ? "true" : "false",
               st->done ? "true" : "false");
    return bad ? -1 : 0;
}

control *control_open(char *why, size_t whyn)
{
    char dir[IPC_PATH_MAX];
    if (ipc_dir(dir, sizeof dir, why, whyn) != 0)
        return NULL;
    control *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(why, whyn, "out of memory");
        return NULL;
    }
    snprintf(c->path, sizeof c->path, "%s/%ld.sock", dir, ipc_self_pid());
    for (int i = 0; i < CONTROL_CLIENTS; i++)
        c->cl[i].fd = -1;
    if (!(c->srv = ipc_listen(c->path, why, whyn))) {
        free(c);
        return NULL;
    }
    return c;
}

const char *control_path(const control *c)
{
    return c ? c->path : "";
}

/* Sends one reply line; closes the connection when it cannot be written at
 * once (a client that does not read its replies is dropped). */
static void reply(client *k, const char *text)
{
    if (k->fd < 0)
        return;
    char line[1024];
    int n = snprintf(line, sizeof line, "%s\n", text);
    if (n < 0 || (size_t)n >= sizeof line || ipc_write(k->fd, line, (size_t)n, 0) != 0) {
        ipc_hangup(k->fd);
        k->fd = -1;
    }
}

/* Answers one line of client k. */
static void serve_line(client *k, const char *line, const engine_status *st,
                       const control_info *in,
                       int (*send)(void *ctx, engine_cmd cmd, double value), void *ctx, int *stop)
{
    control_req r;
    char err[200], out[1024];
    if (control_parse(line, &r, err, sizeof err) != 0) {
        snprintf(out, sizeof out, "error: %s", err);
        reply(k, out);
        return;
    }
    if (r.kind == CONTROL_STATUS) {
        if (control_status_json(st, in, out, sizeof out) != 0)
            snprintf(out, sizeof out, "error: the status does not fit in a line");
        reply(k, out);
        return;
    }
    if (send(ctx, r.cmd, r.value) != 0) {
        reply(k, "error: the player is busy; try again");
        return;
    }
    if (r.kind == CONTROL_QUIT)
        *stop = 1;
    reply(k, "ok");
}

/* Reads what client k sent and answers its complete lines (at most
 * LINES_PER_POLL). */
static void serve(client *k, const engine_status *st, const control_info *in,
                  int (*send)(void *ctx, engine_cmd cmd, double value), void *ctx, int *stop)
{
    long got = ipc_read(k->fd, k->buf + k->len, sizeof k->buf - k->len);
    if (got < 0) {
        ipc_hangup(k->fd);
        k->fd = -1;
        return;
    }
    k->len += (size_t)got;
    for (int lines = 0; lines < LINES_PER_POLL && k->fd >= 0; lines++) {
        char *nl = memchr(k->buf, '\n', k->len);
        if (!nl) {
            if (k->len == sizeof k->buf) {
                reply(k, "error: the line is too long (at most 255 bytes)");
                ipc_hangup(k->fd);
                k->fd = -1;
            }
            return;
        }
        *nl = '\0';
        if (memchr(k->buf, '\0', (size_t)(nl - k->buf)))
            reply(k, "error: the line holds a NUL byte");
        else
            serve_line(k, k->buf, st, in, send, ctx, stop);
        size_t used = (size_t)(nl - k->buf) + 1;
        memmove(k->buf, nl + 1, k->len - used);
        k->len -= used;
    }
}

void control_poll(control *c, const engine_status *st, const control_info *in,
                  int (*send)(void *ctx, engine_cmd cmd, double value), void *ctx, int *stop)
{
    if (!c)
        return;
    for (int fd; (fd = ipc_accept(c->srv)) >= 0;) {
        int i = 0;
        while (i < CONTROL_CLIENTS && c->cl[i].fd >= 0)
            i++;
        if (i == CONTROL_CLIENTS) {
            client k = {fd, {0}, 0};
            reply(&k, "error: too many connections; close one and try again");
            ipc_hangup(k.fd);
            continue;
        }
        c->cl[i].fd = fd;
        c->cl[i].len = 0;
    }
    for (int i = 0; i < CONTROL_CLIENTS; i++)
        if (c->cl[i].fd >= 0)
            serve(&c->cl[i], st, in, send, ctx, stop);
}

void control_close(control *c)
{
    if (!c)
        return;
    for (int i = 0; i < CONTROL_CLIENTS; i++)
        ipc_hangup(c->cl[i].fd);
    ipc_close(c->srv);
    free(c);
}
