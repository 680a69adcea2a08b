/* web: the player's page for the room (`adem play --web [ADDR:]PORT`).
 *
 * A small HTTP server (libmicrohttpd, web_mhd.c in the module adem-web, which
 * the binary's web_load.c loads at web_start; web_none.c where libmicrohttpd
 * is not found) on its own threads serves, to a request that carries one of two
 * random 128-bit tokens (?k=...; any other request gets 403):
 *   /          the guide (audio/web/index.html, guide.js, guide.css): a shape
 *              that breathes with the status; with the control token and
 *              ?remote, the remote's buttons too
 *   /events    Server-Sent Events: the status JSON (control_status_json) at
 *              every change and at least every 250 ms (WEB_BEAT_MS)
 *   POST /cmd  a line of the control protocol (app/control.h) as the body;
 *              the control token only
 * It talks to the player only through a mutex-protected snapshot and command
 * mailbox (sys/lock.h) that web_poll fills and drains on the player's
 * control thread: nothing of HTTP comes near the audio thread, and a slow or
 * hostile client never holds up the player (bounded connections, request
 * sizes and time-outs; the HTTP threads only wait on their own sockets).
 * Control thread only (the functions below). */
#ifndef ADEM_WEB_H
#define ADEM_WEB_H

#include <stddef.h>
#include <stdio.h>

#include "app/control.h"
#include "rt/engine.h"

/* The longest status an event carries. */
#define WEB_STATUS_MAX 1024
/* An event at least this often, in milliseconds (the page is promised one
 * every 250 ms; this leaves room for the scheduling of threads). */
#define WEB_BEAT_MS 200

/* 1 when this build can serve the page (libmicrohttpd was found and, in
 * the binary, its module adem-web loads). */
int web_available(void);

/* Parses "[ADDR:]PORT" (ADDR a numeric IPv4 address, default 127.0.0.1;
 * PORT 0..65535, 0 for any free port) into addr and *port. Returns 0, or -1
 * with err set (what is wrong, what to write). */
int web_parse_listen(const char *text, char *addr, size_t addrn, int *port, char *err,
                     size_t errn);

typedef struct web web;

/* Starts the server on listen ("[ADDR:]PORT") with the page's files from
 * page_dir: makes the tokens, prints both URLs once on msgs (the real
 * stderr) and writes
 * them to $XDG_RUNTIME_DIR/adem/PID.url (mode 0600). Returns it, or NULL
 * with why set (the port is taken, the page's files are missing, ...). */
web *web_start(const char *listen, const char *page_dir, FILE *msgs, char *why, size_t whyn);

/* The control URL (with its token), for the QR code and tests. */
const char *web_control_url(const web *w);

/* Prints the control URL as a QR code of UTF-8 half blocks to f (dark on
 * light, with a quiet zone), when the build has libqrencode; else nothing. */
void web_print_qr(const web *w, FILE *f);

/* Publishes the status st (as control_status_json with in) to the page and
 * hands the commands that arrived since the last call to send, as
 * control_poll does (a stop also sets *stop). Bounded work; never waits on a
 * client. NULL w is a no-op. */
void web_poll(web *w, const engine_status *st, const control_info *in,
              int (*send)(void *ctx, engine_cmd cmd, double value), void *ctx, int *stop);

/* Stops the server (closing every connection), removes the URL file and
 * frees w. NULL is a no-op. */
void web_stop(web *w);

#endif
