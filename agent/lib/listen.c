// SPDX-License-Identifier: GPL-2.0
/*
 * Listen addresses ("127.0.0.1:9435", "[::1]:9435"): parsed the same way where the config is
 * checked and where the metrics listener opens, numeric only (nothing resolved at start,
 * nothing that changes with DNS), loopback unless the operator allows otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "lib/listen.h"

bool np_listen_is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

/*
 * [::ffff:A.B.C.D] is IPv4 address A.B.C.D: as such it is listened on (an IPv6-only socket,
 * which the listener's [::] needs, cannot bind a mapped address), and checked.
 */
static void unmap_v4(struct sockaddr_storage *addr, socklen_t *addrlen)
{
	const struct sockaddr_in6 in6 = *(const struct sockaddr_in6 *)addr;
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = in6.sin6_port };

	if (addr->ss_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr))
		return;
	memcpy(&in.sin_addr, &in6.sin6_addr.s6_addr[12], sizeof(in.sin_addr));
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, &in, sizeof(in));
	*addrlen = sizeof(in);
}

int np_listen_parse(const char *spec, bool allow_remote, struct sockaddr_storage *addr,
			    socklen_t *addrlen, char *msg, size_t msglen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE};
	char host[128];
	const char *port, *colon;
	struct addrinfo *res;
	size_t hostlen;
	long portnum;
	int rc;

	if (spec[0] == '[') { /* [IPv6]:PORT */
		const char *bracket = strchr(spec, ']');

		if (!bracket || bracket[1] != ':') {
			snprintf(msg, msglen, "metrics_listen %s: expected [ADDRESS]:PORT", spec);
			return -EINVAL;
		}
		hostlen = bracket - spec - 1;
		memcpy(host, spec + 1, hostlen < sizeof(host) ? hostlen : 0);
		port = bracket + 2;
		hints.ai_family = AF_INET6;
	} else {
		colon = strrchr(spec, ':');
		if (!colon) {
			snprintf(msg, msglen,
				 "metrics_listen '%s': expected ADDRESS:PORT, e.g. 127.0.0.1:9435",
				 spec);
			return -EINVAL;
		}
		if (memchr(spec, ':', colon - spec)) {
			snprintf(msg, msglen,
				 "metrics_listen %s: an IPv6 address goes in brackets, e.g. "
				 "[::1]:9435",
				 spec);
			return -EINVAL;
		}
		hostlen = colon - spec;
		memcpy(host, spec, hostlen < sizeof(host) ? hostlen : 0);
		port = colon + 1;
		hints.ai_family = AF_INET;
	}
	if (!hostlen || hostlen >= sizeof(host)) {
		snprintf(msg, msglen, "metrics_listen %s: %s", spec,
			 hostlen ? "address too long" : "no address before the port");
		return -EINVAL;
	}
	host[hostlen] = '\0';

	/*
	 * the port: digits only (strtol would take "+1", " 1" and "0x"), 0-65535; at most five
	 * of them are added up, so that no length of digits overflows
	 */
	if (!*port || port[strspn(port, "0123456789")]) {
		snprintf(msg, msglen, "metrics_listen %s: port '%s' is not a number", spec, port);
		return -EINVAL;
	}
	portnum = 0;
	for (const char *p = port; *p && p - port < 6; p++)
		portnum = portnum * 10 + (*p - '0');
	if (strlen(port) > 5 || portnum > 65535) {
		snprintf(msg, msglen, "metrics_listen %s: port %s is out of range (0-65535)", spec,
			 port);
		return -EINVAL;
	}

	rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		snprintf(msg, msglen,
			 "metrics_listen %s: '%s' is not a numeric IP%s address (names are not "
			 "resolved: use 127.0.0.1 or [::1])",
			 spec, host, hints.ai_family == AF_INET6 ? "v6" : "v4");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, res->ai_addr, res->ai_addrlen);
	*addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	unmap_v4(addr, addrlen);
	if (!allow_remote && !np_listen_is_loopback(addr)) {
		snprintf(msg, msglen,
			 "metrics_listen %s is not a loopback address; set "
			 "metrics_allow_remote=true to expose it",
			 spec);
		return -EPERM;
	}
	return 0;
}
