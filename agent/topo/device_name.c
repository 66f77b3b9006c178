// SPDX-License-Identifier: GPL-2.0
/* Device names operators copy (see device_name.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "topo/accel.h"
#include "topo/device_name.h"
#include "topo/nvidia_info.h"
#include "topo/pci_addr.h"

/* The device with this UUID through the driver's GPU list; -ENOENT when none has it. */
static int by_uuid(const char *root, const struct np_topo *topo, const char *uuid, char *msg,
		   size_t msglen)
{
	struct np_nvidia_gpu gpus[NP_MAX_NVIDIA_GPUS];
	int n, index = -1;

	np_nvidia_gpus(root, gpus, NP_MAX_NVIDIA_GPUS, &n); /* -ENOSPC: the first ones still do */
	for (int i = 0; i < n && index < 0; i++)
		if (!strcasecmp(gpus[i].uuid, uuid))
			index = np_topo_device_index(topo, gpus[i].pci);
	if (index < 0)
		snprintf(msg, msglen, "no NVIDIA GPU with UUID %s%s", uuid,
			 n ? "" : " (no NVIDIA driver: /proc/driver/nvidia/gpus is empty)");
	return index < 0 ? -ENOENT : index;
}

/* "41:00.0": the device at that address in any domain, when exactly one domain has it. */
static int by_short(const struct np_topo *topo, const struct np_pci_addr *want, const char *name,
		    char *msg, size_t msglen)
{
	int index = -1;

	for (int i = 0; i < topo->ndevices; i++) {
		struct np_pci_addr a;

		if (np_pci_addr_parse(topo->devices[i].pci, &a) || a.bus != want->bus ||
		    a.dev != want->dev || a.fn != want->fn)
			continue;
		if (index >= 0) {
			snprintf(msg, msglen, "%s is both %s and %s: give the one you mean in full",
				 name, topo->devices[index].pci, topo->devices[i].pci);
			return -EEXIST;
		}
		index = i;
	}
	if (index < 0)
		snprintf(msg, msglen, "no such PCI device");
	return index < 0 ? -ENOENT : index;
}

int np_topo_device_resolve(const char *root, const struct np_topo *topo, const char *name,
			   char *msg, size_t msglen)
{
	struct np_pci_addr addr;
	char pci[24];
	int index;

	if (np_gpu_uuid_valid(name))
		return by_uuid(root, topo, name, msg, msglen);
	if (np_pci_addr_parse(name, &addr)) {
		snprintf(msg, msglen,
			 "expected a PCI address (0000:41:00.0, 00000000:41:00.0 or 41:00.0) or a "
			 "GPU UUID (GPU-...)");
		return -EINVAL;
	}
	if (!addr.has_domain)
		return by_short(topo, &addr, name, msg, msglen);
	np_pci_addr_format(&addr, pci, sizeof(pci));
	index = np_topo_device_index(topo, pci);
	if (index < 0)
		snprintf(msg, msglen, "no such PCI device");
	return index < 0 ? -ENOENT : index;
}

int np_device_name_normalize(const char *name, char *out, size_t len, bool *is_short)
{
	struct np_pci_addr addr;
	int n;

	*is_short = false;
	if (np_gpu_uuid_valid(name)) {
		n = snprintf(out, len, "%s", name);
	} else if (np_pci_addr_parse(name, &addr)) {
		return -EINVAL;
	} else if (addr.has_domain) {
		char pci[32];

		np_pci_addr_format(&addr, pci, sizeof(pci));
		n = snprintf(out, len, "%s", pci);
	} else {
		*is_short = true;
		n = snprintf(out, len, "%02x:%02x.%x", addr.bus, addr.dev, addr.fn);
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int np_topo_device_find(const char *root, const struct np_topo *topo, const char *name)
{
	char msg[256];
	int index = np_topo_device_resolve(root, topo, name, msg, sizeof(msg));

	return index < 0 ? -1 : index;
}
