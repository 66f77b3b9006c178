// SPDX-License-Identifier: GPL-2.0
/* Which IRQs a PCI device or a network interface raises (act.h: np_device_irqs, np_nic_irqs). */
#include <errno.h>
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cpulist.h"
#include "topo/device_irqs.h"
#include "lib/sysfs.h"

#define PCI_DIR "/sys/bus/pci/devices"

/* A name used as one path component: no "/", no "." or "..", not empty. */
static bool plain_name(const char *name, size_t max)
{
	return name[0] && name[0] != '.' && !strchr(name, '/') && strlen(name) < max;
}

int np_device_irqs(const char *root, const char *bdf, int *irqs, int max)
{
	char path[PATH_MAX], full[PATH_MAX];
	struct dirent *ent;
	int n = 0;
	long irq;
	DIR *dir;

	if (!plain_name(bdf, 64))
		return -ENODEV;
	snprintf(path, sizeof(path), PCI_DIR "/%s", bdf);
	if (!np_exists(root, path))
		return -ENODEV;
	/* MSI/MSI-X: one file per vector, named by its IRQ number */
	snprintf(path, sizeof(path), PCI_DIR "/%s/msi_irqs", bdf);
	if (!np_path(full, sizeof(full), root, "%s", path) && (dir = opendir(full))) {
		while ((ent = readdir(dir)) && n <= max) {
			char *end;
			long v = strtol(ent->d_name, &end, 10);

			if (ent->d_name[0] == '.' || *end || v < 0 || v > INT_MAX)
				continue;
			if (n < max)
				irqs[n] = (int)v;
			n++;
		}
		closedir(dir);
		if (n > max)
			return -ENOSPC;
		if (n) {
			qsort(irqs, n, sizeof(int), np_int_cmp);
			return n;
		}
	}
	/* the legacy INTx line; 0 means the device has none (or its driver never enabled it) */
	snprintf(path, sizeof(path), PCI_DIR "/%s/irq", bdf);
	if (np_read_long(root, path, &irq) || irq <= 0 || irq > INT_MAX)
		return 0;
	if (max < 1)
		return -ENOSPC;
	irqs[0] = (int)irq;
	return 1;
}

/*
 * The PCI function behind an interface: its device link names it directly (ixgbe, mlx5), or
 * names a virtio device whose parent it is (virtio-net). Anything else (USB, platform, no
 * device at all: lo, bridges, veth, bonds) has no PCI IRQs of its own to place.
 */
static int nic_pci_function(const char *root, const char *iface, char *bdf, size_t bdflen)
{
	char path[PATH_MAX], full[PATH_MAX], real[PATH_MAX], subsystem[32];
	const char *fn;

	snprintf(path, sizeof(path), "/sys/class/net/%s/device", iface);
	if (np_path(full, sizeof(full), root, "%s", path) || !realpath(full, real))
		return -ENOTSUP;
	snprintf(path, sizeof(path), "/sys/class/net/%s/device/subsystem", iface);
	if (np_read_link_name(root, path, subsystem, sizeof(subsystem)) == 0 &&
	    !strcmp(subsystem, "virtio"))
		dirname(real);
	fn = strrchr(real, '/');
	fn = fn ? fn + 1 : real;
	if (!plain_name(fn, 64))
		return -ENOTSUP;
	snprintf(path, sizeof(path), PCI_DIR "/%s", fn);
	if (!np_exists(root, path))
		return -ENOTSUP;
	if (strlen(fn) >= bdflen)
		return -ENAMETOOLONG;
	strcpy(bdf, fn);
	return 0;
}

int np_nic_irqs(const char *root, const char *iface, char *bdf, size_t bdflen, int *irqs, int max)
{
	char path[PATH_MAX];
	int err;

	/* IFNAMSIZ is 16 with the terminating NUL */
	if (!plain_name(iface, 16))
		return -ENODEV;
	snprintf(path, sizeof(path), "/sys/class/net/%s", iface);
	if (!np_exists(root, path))
		return -ENODEV;
	err = nic_pci_function(root, iface, bdf, bdflen);
	return err ? err : np_device_irqs(root, bdf, irqs, max);
}
