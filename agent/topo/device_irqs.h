/* SPDX-License-Identifier: GPL-2.0 */
/* The IRQs of a PCI device or a network interface, from sysfs (device_irqs.c). */
#ifndef NP_DEVICE_IRQS_H
#define NP_DEVICE_IRQS_H

#include <stddef.h>

/* MSI-X allows 2048 vectors per function: enough for any device. */
#define NP_PCI_MAX_IRQS 2048

/*
 * IRQs of a PCI device: its MSI/MSI-X vectors (msi_irqs/), else its legacy irq when not 0.
 * Ascending. Returns the count (0: none), -ENODEV when the device does not exist, -ENOSPC
 * when it has more than max.
 */
int np_device_irqs(const char *root, const char *bdf, int *irqs, int max);

/*
 * IRQs of a network interface through the PCI device behind it. bdf receives that device.
 * -ENODEV: no such interface; -ENOTSUP: not backed by a PCI device (lo, bridge, veth).
 */
int np_nic_irqs(const char *root, const char *iface, char *bdf, size_t bdflen, int *irqs,
		int max);

#endif
