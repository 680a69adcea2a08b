/* web: a build without libmicrohttpd (see web.h): --web says so. */
#include "app/web.h"

#include <string.h>

int web_available(void)
{
    return 0;
}

int web_parse_listen(const char *text, char *addr, size_t addrn, int *port, char *err,
                     size_t errn)
{
    (void)addr, (void)addrn, (void)port;
    snprintf(err, errn, "--web %s: this adem was built without libmicrohttpd; install it and "
             "build again", text);
    return -1;
}

web *web_start(const char *listen, const char *page_dir, FILE *msgs, char *why, size_t whyn)
{
    (void)page_dir, (void)msgs;
    char addr[8];
    int port;
    web_parse_listen(listen, addr, sizeof addr, &port, why, whyn);
    return NULL;
}

const char *web_control_url(const web *w)
{
    (void)w;
    return "";
}

void web_print_qr(const web *w, FILE *f)
{
    (void)w, (void)f;
}

void web_poll(web *w, const engine_status *st, const control_info *in,
              int (*send)(void *ctx, engine_cmd cmd, double value), void *ctx, int *stop)
{
    (void)w, (void)st, (void)in, (void)send, (void)ctx, (void)stop;
}

void web_stop(web *w)
{
    (void)w;
}
