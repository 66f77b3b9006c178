// SPDX-License-Identifier: GPL-2.0
/* What every part of the act layer shares: counting failures with the first one's words. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "act.h"

void np_act_fail(struct np_act_result *res, const char *fmt, ...)
{
	va_list ap;

	if (res->failed++)
		return;
	va_start(ap, fmt);
	vsnprintf(res->first_error, sizeof(res->first_error), fmt, ap);
	va_end(ap);
}

/*
 * TEMPORARY until the IRQ part (act_irqs.c, irqbalance.c) lands: weak fallbacks so the tree
 * links; the real definitions override them.
 */
__attribute__((weak)) int np_restore_irq(const struct np_change *c, struct np_act_result *res)
{
	(void)c;
	np_act_fail(res, "IRQ restore not built");
	return 0;
}

__attribute__((weak)) int np_restore_irqbalance_ban(const struct np_change *c,
						     struct np_act_result *res)
{
	(void)c;
	np_act_fail(res, "irqbalance restore not built");
	return 0;
}

__attribute__((weak)) int np_device_irqs(const char *root, const char *bdf, int *irqs, int max)
{
	(void)root, (void)bdf, (void)irqs, (void)max;
	return 0;
}

__attribute__((weak)) int np_nic_irqs(const char *root, const char *iface, char *bdf,
				      size_t bdflen, int *irqs, int max)
{
	(void)root, (void)iface, (void)bdf, (void)bdflen, (void)irqs, (void)max;
	return -ENODEV;
}

__attribute__((weak)) int np_act_irqs(const char *journal, const int *irqs, int nirqs,
				      const struct np_cpuset *cpus, struct np_act_result *res)
{
	(void)journal, (void)irqs, (void)nirqs, (void)cpus;
	np_act_fail(res, "IRQ steering not built");
	return 0;
}

__attribute__((weak)) int np_act_irqbalance_ban(const char *journal, const int *irqs, int nirqs,
						struct np_act_result *res)
{
	(void)journal, (void)irqs, (void)nirqs, (void)res;
	return 0;
}
