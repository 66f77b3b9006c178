// SPDX-License-Identifier: GPL-2.0
/* PCI devices whose locality matters for placement, from /sys/bus/pci/devices. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/device_irqs.h"
#include "lib/sysfs.h"
#include "topo/topo.h"

#define PCI_DIR "/sys/bus/pci/devices"

#define VENDOR_MATROX 0x102b
#define VENDOR_ASPEED 0x1a03

enum np_dev_kind np_pci_classify(unsigned int vendor, unsigned int class)
{
	switch (class >> 8) {
	case 0x0300: /* VGA: a BMC's VGA (ASPEED, or Matrox on Dell/HPE) drives no compute */
		if (vendor == VENDOR_ASPEED || vendor == VENDOR_MATROX)
			return NP_DEV_NONE;
		return NP_DEV_ACCEL;
	case 0x0302: /* 3D controller: NVIDIA data-center GPUs */
	case 0x0380: /* other display controller: AMD Instinct, bochs-display stand-in */
	case 0x1200: /* processing accelerator: Gaudi, Intel, AMD MI300 */
		return NP_DEV_ACCEL;
	case 0x0200:
		return NP_DEV_NIC;
	case 0x0108:
		return NP_DEV_NVME;
	default:
		return NP_DEV_NONE;
	}
}

const char *np_dev_kind_name(enum np_dev_kind kind)
{
	switch (kind) {
	case NP_DEV_ACCEL:
		return "accelerator";
	case NP_DEV_NIC:
		return "nic";
	case NP_DEV_NVME:
		return "nvme";
	default:
		return "other";
	}
}

const char *np_pci_vendor_name(unsigned int vendor)
{
	static const struct {
		unsigned int id;
		const char *name;
	} vendors[] = {
		{ 0x1002, "AMD" },	  { 0x1022, "AMD" },	 { 0x10de, "NVIDIA" },
		{ 0x8086, "Intel" },	  { 0x15b3, "Mellanox" }, { 0x14e4, "Broadcom" },
		{ 0x1da3, "Habana" },	  { 0x1d0f, "Amazon" },	 { 0x1ae0, "Google" },
		{ 0x144d, "Samsung" },	  { 0x1af4, "virtio" },	 { 0x1234, "QEMU" },
		{ 0x1a03, "ASPEED" },	  { 0x102b, "Matrox" },	 { 0x1e0f, "KIOXIA" },
		{ 0x1c5c, "SK hynix" }, { 0x15ad, "VMware" },	 { 0x1924, "Solarflare" },
	};

	for (size_t i = 0; i < NP_ARRAY_SIZE(vendors); i++)
		if (vendors[i].id == vendor)
			return vendors[i].name;
	return NULL;
}

static int cmp_device(const void *a, const void *b)
{
	return strcmp(((const struct np_device *)a)->pci, ((const struct np_device *)b)->pci);
}

/* Names of the entries of a directory, joined by commas (net/ holds the interface names). */
static void dir_names(const char *root, const char *path, char *buf, size_t len)
{
	char full[PATH_MAX];
	struct dirent *ent;
	size_t used = 0;
	DIR *dir;

	buf[0] = '\0';
	if (np_path(full, sizeof(full), root, "%s", path) || !(dir = opendir(full)))
		return;
	while ((ent = readdir(dir))) {
		int n;

		if (ent->d_name[0] == '.')
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", ent->d_name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += n;
	}
	closedir(dir);
}

/* Interfaces sit in net/ of the PCI function, or one level down for virtio (virtioN/net/). */
static void read_netdevs(const char *root, const char *bdf, struct np_device *dev)
{
	char path[PATH_MAX], full[PATH_MAX];
	struct dirent *ent;
	DIR *dir;

	snprintf(path, sizeof(path), PCI_DIR "/%s/net", bdf);
	dir_names(root, path, dev->netdevs, sizeof(dev->netdevs));
	if (dev->netdevs[0])
		return;
	snprintf(path, sizeof(path), PCI_DIR "/%s", bdf);
	if (np_path(full, sizeof(full), root, "%s", path) || !(dir = opendir(full)))
		return;
	while ((ent = readdir(dir)) && !dev->netdevs[0]) {
		if (strncmp(ent->d_name, "virtio", 6))
			continue;
		snprintf(path, sizeof(path), PCI_DIR "/%s/%s/net", bdf, ent->d_name);
		dir_names(root, path, dev->netdevs, sizeof(dev->netdevs));
	}
	closedir(dir);
}

/* MSI/MSI-X vectors, else the legacy line: the same IRQs `place` moves (np_device_irqs). */
static int read_irqs(const char *root, const char *bdf, struct np_device *dev)
{
	int irqs[NP_PCI_MAX_IRQS], n = np_device_irqs(root, bdf, irqs, NP_PCI_MAX_IRQS);

	if (n == -ENODEV) /* removed while we looked: the caller's reads say so */
		n = 0;
	if (n <= 0)
		return n;
	dev->irqs = malloc(sizeof(int) * n);
	if (!dev->irqs)
		return -ENOMEM;
	memcpy(dev->irqs, irqs, sizeof(int) * n);
	dev->nirqs = n;
	return 0;
}

static int read_device(const char *root, const char *bdf, struct np_device *dev, char *msg,
		       size_t msglen)
{
	static const char *const ids[] = { "vendor", "device", "class" };
	unsigned int *fields[] = { &dev->vendor, &dev->device, &dev->class };
	char path[PATH_MAX];
	long value;
	int err;

	memset(dev, 0, sizeof(*dev));
	if (strlen(bdf) >= sizeof(dev->pci)) {
		snprintf(msg, msglen, PCI_DIR ": unexpected entry '%.64s'", bdf);
		return -EINVAL;
	}
	strcpy(dev->pci, bdf);
	for (size_t i = 0; i < NP_ARRAY_SIZE(ids); i++) {
		snprintf(path, sizeof(path), PCI_DIR "/%s/%s", bdf, ids[i]);
		err = np_read_long(root, path, &value);
		if (err) {
			snprintf(msg, msglen, "%s%s: %s", np_root_prefix(root), path,
				 err == -EINVAL ? "not a number" : strerror(-err));
			return err;
		}
		*fields[i] = (unsigned int)value;
	}
	dev->kind = np_pci_classify(dev->vendor, dev->class);
	if (dev->kind == NP_DEV_NONE)
		return 0;

	/* numa_node is absent on kernels without NUMA and -1 where firmware gives no _PXM. */
	snprintf(path, sizeof(path), PCI_DIR "/%s/numa_node", bdf);
	dev->node = np_read_long(root, path, &value) == 0 && value >= 0 ? (int)value
									  : NP_NODE_UNKNOWN;
	snprintf(path, sizeof(path), PCI_DIR "/%s/driver", bdf);
	if (np_read_link_name(root, path, dev->driver, sizeof(dev->driver)))
		dev->driver[0] = '\0';
	if (dev->kind == NP_DEV_NIC)
		read_netdevs(root, bdf, dev);
	err = read_irqs(root, bdf, dev);
	if (err)
		snprintf(msg, msglen, "%s: %s", bdf, strerror(-err));
	return err;
}

int np_pci_discover(const char *root, struct np_topo *topo, char *msg, size_t msglen)
{
	char full[PATH_MAX];
	struct dirent *ent;
	int cap = 0, err = 0;
	DIR *dir;

	if (np_path(full, sizeof(full), root, PCI_DIR))
		return -ENAMETOOLONG;
	dir = opendir(full);
	if (!dir) {
		/* No PCI bus at all (some VMs, containers): nothing to report, not an error. */
		if (errno == ENOENT)
			return 0;
		err = -errno;
		snprintf(msg, msglen, "%s: %s", full, strerror(errno));
		return err;
	}
	while ((ent = readdir(dir))) {
		struct np_device dev;

		if (ent->d_name[0] == '.')
			continue;
		err = read_device(root, ent->d_name, &dev, msg, msglen);
		if (err == -ENOENT) {
			/* Removed while we looked (hot unplug, SR-IOV VF teardown). */
			free(dev.irqs);
			err = 0;
			continue;
		}
		if (err) {
			free(dev.irqs);
			break;
		}
		if (dev.kind == NP_DEV_NONE)
			continue;
		if (topo->ndevices == cap) {
			struct np_device *grown;

			cap = cap ? cap * 2 : 16;
			grown = realloc(topo->devices, sizeof(*grown) * cap);
			if (!grown) {
				free(dev.irqs);
				err = -ENOMEM;
				break;
			}
			topo->devices = grown;
		}
		topo->devices[topo->ndevices++] = dev;
	}
	closedir(dir);
	if (!err)
		qsort(topo->devices, topo->ndevices, sizeof(*topo->devices), cmp_device);
	return err;
}
