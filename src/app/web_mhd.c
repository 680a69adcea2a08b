/* web: the page for the room on libmicrohttpd (see web.h), built as the
 * module adem-web (module.h) that the adem binary loads for `play --web`
 * through web_load.c.
 *
 * One thread per connection (at most WEB_CONNECTIONS, WEB_PER_IP from one
 * address), each bounded by MHD's memory limit per connection (headers and
 * all) and an idle time-out. The event stream's callback waits on the shared
 * lock's condition for the next snapshot (at most WEB_BEAT_MS): it runs on
 * its connection's own thread, so a client that does not read only holds
 * that thread, until the time-out drops it. */
#define _DEFAULT_SOURCE
#include "app/web.h"

#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef ADEM_HAVE_QRENCODE
#include <qrencode.h>
#endif

#include "app/module.h"
#include "app/web_module.h"
#include "io/paths.h"
#include "sys/ipc.h"
#include "sys/lock.h"
#include "sys/entropy.h"
#include "sys/netaddr.h"
#include "sys/platform.h"
#include "sys/privfile.h"

enum {
    WEB_CONNECTIONS = 32,     /* connections at once */
    WEB_PER_IP = 16,          /* from one address */
    WEB_TIMEOUT_S = 15,       /* an idle connection is closed */
    WEB_CONN_MEMORY = 16384,  /* a request's headers and buffers, per connection */
    WEB_BODY_MAX = CONTROL_LINE_MAX, /* a command's body */
    WEB_FILE_MAX = 262144,    /* a page file */
    WEB_QUEUE = 16,           /* commands waiting for the control thread */
    TOKEN_BYTES = 16          /* 128 bits */
};

/* The page's files, read once at the start. */
enum { F_INDEX, F_JS, F_CSS, F_COUNT };
static const struct {
    const char *name, *type;
} files[F_COUNT] = {
    {"index.html", "text/html; charset=utf-8"},
    {"guide.js", "text/javascript; charset=utf-8"},
    {"guide.css", "text/css; charset=utf-8"},
};

struct web {
    struct MHD_Daemon *d;
    adem_lock *lock;
    char control_k[2 * TOKEN_BYTES + 1], view_k[2 * TOKEN_BYTES + 1];
    char control_url[160], view_url[160];
    char url_file[IPC_PATH_MAX + 32];
    char *file[F_COUNT];
    size_t file_len[F_COUNT];
    /* Under lock: */
    char status[WEB_STATUS_MAX];
    unsigned long seq;    /* bumps at every change worth an event at once */
    int quit;
    control_req queue[WEB_QUEUE];
    int nqueue;
    /* Control thread only: what the last publish saw. */
    engine_status last;
    int have_last;
};

/* One request's state across MHD's calls. */
typedef struct request {
    int role;                       /* 1 control, 2 view */
    char body[WEB_BODY_MAX + 1];
    size_t len;
} request;

/* One event stream's state. */
typedef struct stream {
    web *w;
    unsigned long seq;
    uint64_t sent_ns;
    int first;
} stream;

int web_available(void)
{
    return 1;
}

/* 1 if the given token a equals b, in time that does not depend on where
 * they differ. */
static int token_is(const char *a, const char *b)
{
    size_t n = strlen(b);
    if (!a || strlen(a) != n)
        return 0;
    unsigned char diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

/* Adds the headers every response carries. */
static void strict_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; "
                            "img-src 'self'; connect-src 'self'; base-uri 'none'; "
                            "form-action 'none'; frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
}

/* Queues a short text response with status code. */
static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned code, const char *text)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    strict_headers(r);
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    enum MHD_Result ok = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ok;
}

/* Queues page file i, with {{K}} replaced by the token k and {{ROLE}} by
 * role ("control" or "view"). */
static enum MHD_Result reply_file(struct MHD_Connection *c, const web *w, int i, const char *k,
                                  const char *role)
{
    size_t cap = w->file_len[i] * 2 + 256, len = 0;
    char *out = malloc(cap);
    if (!out)
        return reply_text(c, 500, "out of memory\n");
    const char *s = w->file[i], *e = s + w->file_len[i];
    while (s < e) {
        const char *rep = NULL;
        size_t skip = 0;
        if (e - s >= 5 && memcmp(s, "{{K}}", 5) == 0)
            rep = k, skip = 5;
        else if (e - s >= 8 && memcmp(s, "{{ROLE}}", 8) == 0)
            rep = role, skip = 8;
        if (rep) {
            size_t n = strlen(rep);
            if (len + n >= cap)
                break;
            memcpy(out + len, rep, n);
            len += n;
            s += skip;
        } else {
            if (len + 1 >= cap)
                break;
            out[len++] = *s++;
        }
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(len, out, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(out);
        return MHD_NO;
    }
    strict_headers(r);
    MHD_add_response_header(r, "Content-Type", files[i].type);
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* The event stream's writer: the latest status as one event when it changed
 * or WEB_BEAT_MS passed, waiting on the lock's condition in between (this
 * connection's own thread). */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    stream *s = cls;
    web *w = s->w;
    lock_take(w->lock);
    for (;;) {
        if (w->quit) {
            lock_give(w->lock);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        uint64_t t = platform_now_ns();
        uint64_t since_ms = (t - s->sent_ns) / 1000000u;
        if (w->status[0] && (s->first || w->seq != s->seq || since_ms >= WEB_BEAT_MS)) {
            int n = snprintf(buf, max, "data: %s\n\n", w->status);
            s->seq = w->seq;
            s->sent_ns = t;
            s->first = 0;
            lock_give(w->lock);
            if (n < 0 || (size_t)n >= max)
                return MHD_CONTENT_READER_END_WITH_ERROR;
            return n;
        }
        int wait = since_ms >= WEB_BEAT_MS ? 50 : (int)(WEB_BEAT_MS - since_ms);
        lock_wait_ms(w->lock, wait);
    }
}

static void stream_free(void *cls)
{
    free(cls);
}

/* Queues the event stream. */
static enum MHD_Result reply_events(struct MHD_Connection *c, web *w)
{
    stream *s = calloc(1, sizeof *s);
    if (!s)
        return reply_text(c, 500, "out of memory\n");
    s->w = w;
    s->first = 1;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, WEB_STATUS_MAX + 16, stream_read, s,
                                          stream_free);
    if (!r) {
        free(s);
        return MHD_NO;
    }
    strict_headers(r);
    MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* Takes a command body: parses it as a control line and leaves it for the
 * control thread. */
static enum MHD_Result take_command(struct MHD_Connection *c, web *w, request *q)
{
    q->body[q->len] = '\0';
    char *nl = strchr(q->body, '\n');
    if (nl)
        *nl = '\0';
    if (strlen(q->body) != q->len && !nl)
        return reply_text(c, 400, "error: the command holds a NUL byte\n");
    control_req r;
    char err[240], out[300];
    if (control_parse(q->body, &r, err, sizeof err) != 0) {
        snprintf(out, sizeof out, "error: %s\n", err);
        return reply_text(c, 400, out);
    }
    if (r.kind == CONTROL_STATUS)
        return reply_text(c, 400, "error: the status comes from /events\n");
    lock_take(w->lock);
    int full = w->nqueue == WEB_QUEUE;
    if (!full)
        w->queue[w->nqueue++] = r;
    lock_give(w->lock);
    return full ? reply_text(c, 503, "error: the player is busy; try again\n")
                : reply_text(c, MHD_HTTP_OK, "ok\n");
}

/* MHD's handler: every request, on its connection's thread. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    web *w = cls;
    request *q = *con_cls;
    if (!q) {
        q = calloc(1, sizeof *q);
        if (!q)
            return MHD_NO;
        *con_cls = q;
        const char *k = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "k");
        q->role = token_is(k, w->control_k) ? 1 : token_is(k, w->view_k) ? 2 : 0;
        int post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
        if (q->role == 0 || (post && q->role != 1))
            return reply_text(c, MHD_HTTP_FORBIDDEN, "forbidden\n");
        if (!post && strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
            strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
            return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
        if (post && strcmp(url, "/cmd") != 0)
            return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (post && cl && strtoul(cl, NULL, 10) > WEB_BODY_MAX)
            return reply_text(c, 413, "error: the command is too long\n");
        if (post)
            return MHD_YES; /* the body follows */
    }
    if (q->role == 0) {
        *upload_size = 0; /* a refused body is dropped */
        return MHD_YES;
    }
    if (strcmp(method, MHD_HTTP_METHOD_POST) == 0) {
        if (*upload_size > 0) {
            size_t n = *upload_size;
            if (q->len + n > WEB_BODY_MAX)
                return MHD_NO; /* a body longer than it said: close the connection */
            memcpy(q->body + q->len, upload, n);
            q->len += n;
            *upload_size = 0;
            return MHD_YES;
        }
        return take_command(c, w, q);
    }
    const char *k = q->role == 1 ? w->control_k : w->view_k;
    const char *role = q->role == 1 ? "control" : "view";
    if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0)
        return reply_file(c, w, F_INDEX, k, role);
    if (strcmp(url, "/guide.js") == 0)
        return reply_file(c, w, F_JS, k, role);
    if (strcmp(url, "/guide.css") == 0)
        return reply_file(c, w, F_CSS, k, role);
    if (strcmp(url, "/events") == 0)
        return reply_events(c, w);
    return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    free(*con_cls);
    *con_cls = NULL;
}

/* Writes n random bytes as lower-case hex into out (2n + 1 bytes). */
static int make_token(char *out)
{
    unsigned char b[TOKEN_BYTES];
    if (random_bytes(b, sizeof b) != 0)
        return -1;
    for (int i = 0; i < TOKEN_BYTES; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
    return 0;
}

/* Reads page file i from dir. */
static int read_page(web *w, const char *dir, int i, char *why, size_t whyn)
{
    char path[4096];
    if (paths_join(path, sizeof path, dir, files[i].name) != 0) {
        snprintf(why, whyn, "the page's folder %s: the path is too long", dir);
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, whyn, "the page's file %s is missing; reinstall adem", path);
        return -1;
    }
    w->file[i] = malloc(WEB_FILE_MAX);
    size_t n = w->file[i] ? fread(w->file[i], 1, WEB_FILE_MAX, f) : 0;
    int bad = !w->file[i] || ferror(f) || n == WEB_FILE_MAX;
    fclose(f);
    if (bad) {
        snprintf(why, whyn, "the page's file %s cannot be read or is too large", path);
        return -1;
    }
    w->file_len[i] = n;
    return 0;
}

/* The address to put in the URLs for a server bound to addr: a wildcard
 * means this machine's first network address that is up and not loopback
 * (so a phone in the room can reach it). */
static void url_host(const char *addr, char *host, size_t n)
{
    if (strcmp(addr, "0.0.0.0") != 0 || netaddr_lan_ipv4(host, n) != 0)
        snprintf(host, n, "%s", addr);
}

/* Writes both URLs to the URL file (mode 0600 from its creation). */
static void write_url_file(web *w)
{
    char dir[IPC_PATH_MAX], why[200], text[400];
    if (ipc_dir(dir, sizeof dir, why, sizeof why) != 0)
        return;
    snprintf(w->url_file, sizeof w->url_file, "%s/%ld.url", dir, ipc_self_pid());
    int n = snprintf(text, sizeof text, "control %s\nview %s\n", w->control_url, w->view_url);
    if (n < 0 || (size_t)n >= sizeof text || privfile_write(w->url_file, text, (size_t)n) != 0)
        w->url_file[0] = '\0';
}

web *web_start(const char *listen, const char *page_dir, FILE *msgs, char *why, size_t whyn)
{
    char addr[64];
    int port;
    if (web_parse_listen(listen, addr, sizeof addr, &port, why, whyn) != 0)
        return NULL;
    web *w = calloc(1, sizeof *w);
    if (!w || !(w->lock = lock_new())) {
        snprintf(why, whyn, "out of memory");
        free(w);
        return NULL;
    }
    if (make_token(w->control_k) != 0 || make_token(w->view_k) != 0) {
        snprintf(why, whyn, "the system gives no random bytes for the page's tokens");
        web_stop(w);
        return NULL;
    }
    for (int i = 0; i < F_COUNT; i++)
        if (read_page(w, page_dir, i, why, whyn) != 0) {
            web_stop(w);
            return NULL;
        }
    netaddr sa;
    netaddr_ipv4(&sa, addr, port); /* checked by web_parse_listen */
    w->d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL,
        NULL, on_request, w, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)netaddr_sockaddr(&sa),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)WEB_PER_IP,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_CONN_MEMORY,
        MHD_OPTION_THREAD_STACK_SIZE, (size_t)(256 * 1024), MHD_OPTION_LISTEN_BACKLOG_SIZE,
        (unsigned)16, MHD_OPTION_NOTIFY_COMPLETED, on_done, w, MHD_OPTION_END);
    if (!w->d) {
        snprintf(why, whyn, "cannot listen on %s:%d (is the port taken? try another, or 0 for "
                 "any free port)", addr, port);
        web_stop(w);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(w->d, MHD_DAEMON_INFO_BIND_PORT);
    if (info)
        port = info->port;
    char host[64];
    url_host(addr, host, sizeof host);
    snprintf(w->control_url, sizeof w->control_url, "http://%s:%d/?k=%s", host, port,
             w->control_k);
    snprintf(w->view_url, sizeof w->view_url, "http://%s:%d/?k=%s", host, port, w->view_k);
    fprintf(msgs, "adem: the page for the room: %s (control; add &remote for the buttons)\n"
                    "adem: view only (for the projector): %s\n",
            w->control_url, w->view_url);
    fflush(msgs);
    write_url_file(w);
    return w;
}

const char *web_control_url(const web *w)
{
    return w ? w->control_url : "";
}

void web_print_qr(const web *w, FILE *f)
{
#ifdef ADEM_HAVE_QRENCODE
    if (!w)
        return;
    QRcode *q = QRcode_encodeString(w->control_url, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
    if (!q)
        return;
    const int quiet = 2, size = q->width + 2 * quiet;
    /* module (x, y) dark? Outside the symbol: the light quiet zone. */
#define DARK(x, y)                                                                            \
    ((x) >= quiet && (y) >= quiet && (x) < quiet + q->width && (y) < quiet + q->width &&      \
     (q->data[((y) - quiet) * q->width + ((x) - quiet)] & 1))
    for (int y = 0; y < size; y += 2) {
        fputs("\033[30;47m", f); /* black on white, whatever the terminal's colours */
        for (int x = 0; x < size; x++) {
            int top = DARK(x, y), bottom = y + 1 < size && DARK(x, y + 1);
            fputs(top && bottom ? "\xe2\x96\x88" : top ? "\xe2\x96\x80"
                                                : bottom ? "\xe2\x96\x84" : " ",
                  f);
        }
        fputs("\033[0m\n", f);
    }
#undef DARK
    QRcode_free(q);
    fflush(f);
#else
    (void)w, (void)f;
#endif
}

/* 1 if the status changed in a way the page shows at once. */
static int changed(const engine_status *a, const engine_status *b)
{
    return a->phase != b->phase || a->title != b->title || a->phase_start != b->phase_start ||
           a->paused != b->paused || a->stopping != b->stopping || a->done != b->done ||
           a->volume_db != b->volume_db || a->tone != b->tone;
}

void web_poll(web *w, const engine_status *st, const control_info *in,
              int (*send)(void *ctx, engine_cmd cmd, double value), void *ctx, int *stop)
{
    if (!w)
        return;
    char json[WEB_STATUS_MAX];
    int ok = control_status_json(st, in, json, sizeof json) == 0;
    int major = !w->have_last || changed(&w->last, st);
    w->last = *st;
    w->have_last = 1;
    control_req q[WEB_QUEUE];
    lock_take(w->lock);
    if (ok)
        memcpy(w->status, json, strlen(json) + 1);
    if (major)
        w->seq++;
    int n = w->nqueue;
    memcpy(q, w->queue, (size_t)n * sizeof q[0]);
    w->nqueue = 0;
    lock_give(w->lock);
    if (major)
        lock_wake(w->lock);
    for (int i = 0; i < n; i++)
        if (send(ctx, q[i].cmd, q[i].value) == 0 && q[i].kind == CONTROL_QUIT)
            *stop = 1;
}

void web_stop(web *w)
{
    if (!w)
        return;
    if (w->d) {
        lock_take(w->lock);
        w->quit = 1;
        lock_give(w->lock);
        lock_wake(w->lock);
        MHD_stop_daemon(w->d);
    }
    if (w->url_file[0])
        remove(w->url_file);
    for (int i = 0; i < F_COUNT; i++)
        free(w->file[i]);
    lock_free(w->lock);
    free(w);
}

/* The module's table (web_module.h): everything else here is hidden. */
MODULE_EXPORT const web_module adem_web_module = {
    WEB_MODULE_VERSION, web_start, web_control_url, web_print_qr, web_poll, web_stop,
};
