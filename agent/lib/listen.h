/* SPDX-License-Identifier: GPL-2.0 */
/* Listen addresses of the metrics endpoint (listen.c). */
#ifndef NP_LISTEN_H
#define NP_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* A loopback address (127/8, ::1, v4-mapped 127/8). */
bool np_listen_is_loopback(const struct sockaddr_storage *addr);

/*
 * Parse "HOST:PORT" or "[HOST6]:PORT" (numeric addresses only: names are not resolved; port
 * 0-65535, 0 = any free port); an IPv4-mapped IPv6 address comes back as the IPv4 address
 * it is. A non-loopback address is refused unless allow_remote.
 * Returns 0, -EINVAL (malformed) or -EPERM (not loopback), with a message naming spec.
 */
int np_listen_parse(const char *spec, bool allow_remote, struct sockaddr_storage *addr,
		    socklen_t *addrlen, char *msg, size_t msglen);

#endif
