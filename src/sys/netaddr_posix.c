/* netaddr: BSD sockets and getifaddrs (see netaddr.h). */
#define _DEFAULT_SOURCE
#include "sys/netaddr.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

_Static_assert(sizeof(struct sockaddr_in) <= sizeof(((netaddr *)0)->bytes),
               "netaddr holds a sockaddr_in");

int netaddr_is_ipv4(const char *text)
{
    struct in_addr a;
    return inet_pton(AF_INET, text, &a) == 1;
}

int netaddr_ipv4(netaddr *a, const char *text, int port)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    if (port < 0 || port > 65535 || inet_pton(AF_INET, text, &sa.sin_addr) != 1)
        return -1;
    sa.sin_port = htons((uint16_t)port);
    memset(a, 0, sizeof *a);
    memcpy(a->bytes, &sa, sizeof sa);
    return 0;
}

void *netaddr_sockaddr(netaddr *a)
{
    return a->bytes;
}

int netaddr_lan_ipv4(char *host, size_t n)
{
    struct ifaddrs *all;
    if (getifaddrs(&all) != 0)
        return -1;
    int found = -1;
    for (struct ifaddrs *i = all; i && found != 0; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP) ||
            (i->ifa_flags & IFF_LOOPBACK))
            continue;
        struct sockaddr_in sa;
        memcpy(&sa, i->ifa_addr, sizeof sa);
        if (inet_ntop(AF_INET, &sa.sin_addr, host, (socklen_t)n))
            found = 0;
    }
    freeifaddrs(all);
    return found;
}
