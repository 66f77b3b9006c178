// SPDX-License-Identifier: GPL-2.0
/* PCI address text (see pci_addr.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "topo/pci_addr.h"

/* Exactly up to max (at least min) hex digits at *s; advances *s. -1 when there are none. */
static long hex_field(const char **s, int min, int max)
{
	long value = 0;
	int n = 0;

	while (n < max && isxdigit((unsigned char)(*s)[n])) {
		char c = (char)tolower((unsigned char)(*s)[n]);

		value = value * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
		n++;
	}
	if (n < min || isxdigit((unsigned char)(*s)[n]))
		return -1;
	*s += n;
	return value;
}

int np_pci_addr_parse(const char *s, struct np_pci_addr *addr)
{
	const char *colon = strchr(s, ':');
	long domain = 0, bus, dev, fn;

	memset(addr, 0, sizeof(*addr));
	/* two colons: the first field is the domain */
	if (colon && strchr(colon + 1, ':')) {
		domain = hex_field(&s, 1, 8);
		if (domain < 0 || *s++ != ':')
			return -EINVAL;
		addr->has_domain = true;
	}
	bus = hex_field(&s, 2, 2);
	if (bus < 0 || *s++ != ':')
		return -EINVAL;
	dev = hex_field(&s, 2, 2);
	if (dev < 0 || dev > 0x1f || *s++ != '.')
		return -EINVAL;
	fn = hex_field(&s, 1, 1);
	if (fn < 0 || fn > 7 || *s)
		return -EINVAL;
	addr->domain = (unsigned long)domain;
	addr->bus = (unsigned int)bus;
	addr->dev = (unsigned int)dev;
	addr->fn = (unsigned int)fn;
	return 0;
}

void np_pci_addr_format(const struct np_pci_addr *addr, char *buf, size_t len)
{
	snprintf(buf, len, "%04lx:%02x:%02x.%x", addr->domain, addr->bus, addr->dev, addr->fn);
}

int np_pci_addr_cmp(const struct np_pci_addr *a, const struct np_pci_addr *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	return a->fn < b->fn ? -1 : a->fn > b->fn;
}
