// SPDX-License-Identifier: GPL-2.0
/*
 * Finding a device's or an interface's IRQs in fixture trees, and reading and writing
 * irqbalance's control-socket messages. Changing IRQs is tested for real in the VM.
 */
#include <errno.h>
#include <limits.h>

#include "act/act.h"
#include "topo/device_irqs.h"
#include "topo/irqbalance.h"
#include "test.h"

static const char *tree(const char *name)
{
	static char root[PATH_MAX];

	snprintf(root, sizeof(root), "%s/%s", np_test_fixtures(), name);
	return root;
}

TEST(device_irqs_msix_ascending)
{
	int irqs[8];

	CHECK_INT(np_device_irqs(tree("epyc-2s-8gpu"), "0000:0c:00.0", irqs, 8), 4);
	CHECK_INT(irqs[0], 200);
	CHECK_INT(irqs[3], 203);
	CHECK_INT(np_device_irqs(tree("kvm-nics"), "0000:41:02.0", irqs, 4), 4);
	CHECK_INT(irqs[0], 24);
	CHECK_INT(irqs[3], 27);
}

TEST(device_irqs_legacy_line_and_none)
{
	int irqs[4] = {-1};

	CHECK_INT(np_device_irqs(tree("laptop"), "0000:00:02.0", irqs, 4), 1);
	CHECK_INT(irqs[0], 16);
	/* no MSI and irq 0: the device raises nothing */
	CHECK_INT(np_device_irqs(tree("kvm-nics"), "0000:00:1f.0", irqs, 4), 0);
}

TEST(device_irqs_refusals)
{
	int irqs[2];

	CHECK_INT(np_device_irqs(tree("kvm-nics"), "0000:99:00.0", irqs, 2), -ENODEV);
	CHECK_INT(np_device_irqs(tree("kvm-nics"), "../../../etc", irqs, 2), -ENODEV);
	CHECK_INT(np_device_irqs(tree("kvm-nics"), "", irqs, 2), -ENODEV);
	/* four vectors do not fit in two: refused, not cut short */
	CHECK_INT(np_device_irqs(tree("kvm-nics"), "0000:41:02.0", irqs, 2), -ENOSPC);
}

TEST(nic_irqs_pci_and_virtio)
{
	char bdf[32] = "";
	int irqs[8];

	CHECK_INT(np_nic_irqs(tree("kvm-nics"), "eth0", bdf, sizeof(bdf), irqs, 8), 4);
	CHECK_STR(bdf, "0000:41:02.0"); /* the virtio device's parent */
	CHECK_INT(irqs[1], 25);
	CHECK_INT(np_nic_irqs(tree("kvm-nics"), "ens3", bdf, sizeof(bdf), irqs, 8), 1);
	CHECK_STR(bdf, "0000:00:03.0");
	CHECK_INT(irqs[0], 11);
}

TEST(nic_irqs_refusals)
{
	char bdf[32], small[4];
	int irqs[8];

	CHECK_INT(np_nic_irqs(tree("kvm-nics"), "eth9", bdf, sizeof(bdf), irqs, 8), -ENODEV);
	CHECK_INT(np_nic_irqs(tree("kvm-nics"), "../lo", bdf, sizeof(bdf), irqs, 8), -ENODEV);
	CHECK_INT(np_nic_irqs(tree("kvm-nics"), "averyveryverylongname", bdf, sizeof(bdf), irqs, 8),
		  -ENODEV);
	CHECK_INT(np_nic_irqs(tree("kvm-nics"), "lo", bdf, sizeof(bdf), irqs, 8), -ENOTSUP);
	/* a USB adapter must not borrow its host controller's IRQs */
	CHECK_INT(np_nic_irqs(tree("kvm-nics"), "usb0", bdf, sizeof(bdf), irqs, 8), -ENOTSUP);
	CHECK_INT(np_nic_irqs(tree("kvm-nics"), "eth0", small, sizeof(small), irqs, 8),
		  -ENAMETOOLONG);
}

TEST(irqbalance_setup_reply)
{
	/* irqbalance 1.9.2's reply with two banned IRQs, in the order it keeps them */
	const char *reply = "SLEEP 10 IRQ 45 LOAD 0 DIFF 0 CLASS 4 IRQ 27 LOAD 12 DIFF 3 CLASS 4 "
			    "IRQ 45 LOAD 0 DIFF 0 CLASS 4 BANNED 00000000,00000003";
	int irqs[4];

	CHECK_INT(np_irqbalance_parse_setup(reply, irqs, 4), 2);
	CHECK_INT(irqs[0], 27);
	CHECK_INT(irqs[1], 45);
	CHECK_INT(np_irqbalance_parse_setup("SLEEP 10 BANNED 00000000", irqs, 4), 0);
	CHECK_INT(np_irqbalance_parse_setup(reply, irqs, 1), -ENOSPC);
}

TEST(irqbalance_setup_reply_malformed)
{
	int irqs[4];

	CHECK_INT(np_irqbalance_parse_setup("", irqs, 4), -EINVAL);
	CHECK_INT(np_irqbalance_parse_setup("TYPE 0 NUMBER 0 LOAD 0", irqs, 4), -EINVAL);
	CHECK_INT(np_irqbalance_parse_setup("SLEEP 10 IRQ x LOAD 0 BANNED 0", irqs, 4), -EINVAL);
	/* cut short before BANNED */
	CHECK_INT(np_irqbalance_parse_setup("SLEEP 10 IRQ 5 LOAD 0", irqs, 4), -EINVAL);
}

TEST(irqbalance_ban_command)
{
	int irqs[200];
	char cmd[NP_IRQBALANCE_MSG_MAX + 1];

	CHECK_INT(np_irqbalance_ban_command((int[]){24, 25, 27}, 3, cmd, sizeof(cmd)), 0);
	CHECK_STR(cmd, "settings ban irqs 24 25 27");
	/* the empty list has its own word */
	CHECK_INT(np_irqbalance_ban_command(NULL, 0, cmd, sizeof(cmd)), 0);
	CHECK_STR(cmd, "settings ban irqs NONE");
	/* irqbalance reads 500 bytes: 200 four-digit IRQs do not fit */
	for (int i = 0; i < 200; i++)
		irqs[i] = 1000 + i;
	CHECK_INT(np_irqbalance_ban_command(irqs, 200, cmd, sizeof(cmd)), -ENOSPC);
	CHECK_INT(np_irqbalance_ban_command(irqs, 96, cmd, sizeof(cmd)), 0);
}

TEST(int_sort_unique)
{
	int v[] = {5, 3, 5, 1, 3};

	CHECK_INT(np_int_sort_unique(v, 5), 3);
	CHECK_INT(v[0], 1);
	CHECK_INT(v[1], 3);
	CHECK_INT(v[2], 5);
}
