// SPDX-License-Identifier: GPL-2.0
/*
 * Listen addresses (np_listen_parse), from the config and the command line. The first byte
 * is metrics_allow_remote. An address that parses is IPv4 or IPv6 of the right length, and
 * loopback unless remote addresses are allowed; a refusal says why.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include <netinet/in.h>

#include "lib/listen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage addr;
	socklen_t addrlen = 0;
	char msg[512] = "", *spec;
	bool remote;
	int err;

	if (size < 1)
		return 0;
	remote = data[0] & 1;
	spec = fuzz_cstr(data + 1, size - 1);
	err = np_listen_parse(spec, remote, &addr, &addrlen, msg, sizeof(msg));
	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -EPERM, "%d", err);
	if (err) {
		FUZZ_CHECK(msg[0], "refused without a message");
	} else {
		FUZZ_CHECK((addr.ss_family == AF_INET && addrlen == sizeof(struct sockaddr_in)) ||
				   (addr.ss_family == AF_INET6 &&
				    addrlen == sizeof(struct sockaddr_in6)),
			   "family %d, length %u", addr.ss_family, addrlen);
		FUZZ_CHECK(remote || np_listen_is_loopback(&addr), "not loopback: %s", spec);
	}
	free(spec);
	return 0;
}
