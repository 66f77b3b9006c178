// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for the IRQ part of the act layer, so the VM test bed exercises np_device_irqs,
 * np_nic_irqs, np_act_irqbalance_ban, np_act_irqs and their restore on a real kernel with a
 * real irqbalance, independently of the `place`/`restore` commands that call them.
 *
 *   np-irq device BDF                  the device's IRQs, comma-separated
 *   np-irq nic IFACE                   "BDF IRQ,IRQ,..."
 *   np-irq set JOURNAL CPULIST IRQS    ban in irqbalance, then move (the order `place` uses)
 *   np-irq restore JOURNAL             undo the journal, newest first, then clear it
 *   np-irq ask COMMAND                 send one command to irqbalance's socket, print the reply
 *
 * set and restore print "changed=N unchanged=N failed=N vanished=N" and the first error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act/act.h"
#include "topo/device_irqs.h"
#include "topo/irqbalance.h"

static int print_irqs(int n, const int *irqs)
{
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", irqs[i]);
	printf("\n");
	return 0;
}

static void print_result(const char *what, const struct np_act_result *r)
{
	printf("%s: changed=%d unchanged=%d failed=%d vanished=%d%s%s\n", what, r->changed,
	       r->unchanged, r->failed, r->vanished, r->first_error[0] ? " error=" : "",
	       r->first_error);
}

static int parse_irqs(const char *text, int *irqs, int max)
{
	int n = 0;

	for (const char *p = text; *p && n < max; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
		irqs[n++] = atoi(p);
	return n;
}

static int restore(const char *journal)
{
	struct np_act_result irq = {0}, ban = {0};
	struct np_change *c;
	int n, bad = 0, err = np_journal_load(journal, &c, &n, &bad);

	if (err) {
		fprintf(stderr, "np-irq: %s: %s (line %d)\n", journal, strerror(-err), bad);
		return 1;
	}
	/* newest first: affinities go back while irqbalance still leaves them alone */
	for (int i = n - 1; i >= 0; i--)
		if (c[i].kind == NP_CHANGE_IRQ_AFFINITY)
			np_restore_irq(&c[i], &irq);
	np_restore_irqbalance_bans(c, n, &ban);
	np_changes_free(c, n);
	print_result("irqs", &irq);
	print_result("irqbalance", &ban);
	return np_journal_clear(journal) || irq.failed || ban.failed;
}

int main(int argc, char **argv)
{
	int irqs[NP_PCI_MAX_IRQS], n;
	char bdf[64];

	if (argc == 3 && !strcmp(argv[1], "device")) {
		n = np_device_irqs("/", argv[2], irqs, NP_PCI_MAX_IRQS);
		return n < 0 ? (fprintf(stderr, "np-irq: %s\n", strerror(-n)), 1)
			     : print_irqs(n, irqs);
	}
	if (argc == 3 && !strcmp(argv[1], "nic")) {
		n = np_nic_irqs("/", argv[2], bdf, sizeof(bdf), irqs, NP_PCI_MAX_IRQS);
		if (n < 0) {
			fprintf(stderr, "np-irq: %s\n", strerror(-n));
			return 1;
		}
		printf("%s ", bdf);
		return print_irqs(n, irqs);
	}
	if (argc == 5 && !strcmp(argv[1], "set")) {
		struct np_act_result ban = {0}, irq = {0};
		struct np_cpuset cpus;
		int err;

		if (np_cpulist_parse(argv[3], &cpus)) {
			fprintf(stderr, "np-irq: bad CPU list %s\n", argv[3]);
			return 2;
		}
		n = parse_irqs(argv[4], irqs, NP_PCI_MAX_IRQS);
		err = np_act_irqbalance_ban(argv[2], irqs, n, &ban);
		if (!err)
			err = np_act_irqs(argv[2], irqs, n, &cpus, &irq);
		print_result("irqbalance", &ban);
		print_result("irqs", &irq);
		if (err)
			fprintf(stderr, "np-irq: %s\n", strerror(-err));
		return err || ban.failed || irq.failed;
	}
	if (argc == 3 && !strcmp(argv[1], "restore"))
		return restore(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "ask")) {
		static char reply[65536];
		pid_t pid = np_irqbalance_pid("/");
		int err = pid ? np_irqbalance_request(pid, argv[2], reply, sizeof(reply)) : -ESRCH;

		if (err) {
			fprintf(stderr, "np-irq: irqbalance: %s\n", strerror(-err));
			return 1;
		}
		printf("%s\n", reply);
		return 0;
	}
	fprintf(stderr, "usage: np-irq device BDF | nic IFACE | set JOURNAL CPULIST IRQS | "
			"restore JOURNAL | ask COMMAND\n");
	return 2;
}
