/* netaddr: IPv4 socket addresses for a server that a library runs (the
 * player's web page, app/web_mhd.c), without socket headers above sys/.
 * One implementation per system: netaddr_posix.c. Control thread only. */
#ifndef ADEM_NETADDR_H
#define ADEM_NETADDR_H

#include <stddef.h>

/* Room for a socket address (a struct sockaddr_in inside), aligned for it;
 * pass netaddr_sockaddr(a) where a library asks for a struct sockaddr *. */
typedef struct netaddr {
    _Alignas(16) unsigned char bytes[128];
} netaddr;

/* 1 if text is a numeric IPv4 address (e.g. 0.0.0.0, 192.168.1.20). */
int netaddr_is_ipv4(const char *text);

/* Fills a with the IPv4 address text and port. Returns 0, or -1 when text
 * is not a numeric IPv4 address or port is not 0..65535. */
int netaddr_ipv4(netaddr *a, const char *text, int port);

/* a's bytes as the system's struct sockaddr (as void *: the caller casts). */
void *netaddr_sockaddr(netaddr *a);

/* Writes this machine's first network address that is up and not loopback
 * (IPv4, numeric) into host. Returns 0, or -1 when there is none. */
int netaddr_lan_ipv4(char *host, size_t n);

#endif
