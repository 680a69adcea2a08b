/* web_listen: --web's [ADDR:]PORT (web.h's web_parse_listen), in the adem
 * binary for the command line and in the adem-web module. Needs no HTTP
 * library. */
#include "app/web.h"

#include <stdlib.h>
#include <string.h>

#include "sys/netaddr.h"

int web_parse_listen(const char *text, char *addr, size_t addrn, int *port, char *err,
                     size_t errn)
{
    const char *colon = strrchr(text, ':');
    const char *p = colon ? colon + 1 : text;
    size_t alen = colon ? (size_t)(colon - text) : 0;
    char *end;
    long v = strtol(p, &end, 10);
    if (!*p || *end || v < 0 || v > 65535 || *p == '-' || *p == '+') {
        snprintf(err, errn, "--web %s: the port is not a number from 0 to 65535; write PORT or "
                 "ADDR:PORT (e.g. 8080 or 0.0.0.0:8080)", text);
        return -1;
    }
    if (!colon)
        snprintf(addr, addrn, "127.0.0.1");
    else {
        char tmp[64];
        if (alen == 0 || alen >= sizeof tmp) {
            snprintf(err, errn, "--web %s: the address is missing; write ADDR:PORT (e.g. "
                     "0.0.0.0:8080)", text);
            return -1;
        }
        memcpy(tmp, text, alen);
        tmp[alen] = '\0';
        if (!netaddr_is_ipv4(tmp)) {
            snprintf(err, errn, "--web %s: '%s' is not an IPv4 address; use 127.0.0.1 (this "
                     "computer) or 0.0.0.0 (every network)", text, tmp);
            return -1;
        }
        snprintf(addr, addrn, "%s", tmp);
    }
    *port = (int)v;
    return 0;
}
