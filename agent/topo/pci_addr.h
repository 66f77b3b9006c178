/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI addresses as people and tools write them: sysfs's "0000:41:00.0", nvidia-smi's
 * "00000000:41:00.0", lspci's short "41:00.0", in any case. Pure.
 */
#ifndef NP_PCI_ADDR_H
#define NP_PCI_ADDR_H

#include <stdbool.h>
#include <stddef.h>

struct np_pci_addr {
	unsigned long domain; /* 0 when the text has none */
	unsigned int bus, dev, fn;
	bool has_domain;
};

/*
 * "[DOMAIN:]BB:DD.F": a domain of 1 to 8 hex digits, a bus and a device of 2, a function 0-7.
 * -EINVAL for anything else (also trailing text).
 */
int np_pci_addr_parse(const char *s, struct np_pci_addr *addr);

/* As sysfs writes it: "0000:41:00.0" (longer domains keep their digits). */
void np_pci_addr_format(const struct np_pci_addr *addr, char *buf, size_t len);

/* Order of PCI addresses (domain, bus, device, function): <0, 0, >0. */
int np_pci_addr_cmp(const struct np_pci_addr *a, const struct np_pci_addr *b);

#endif
