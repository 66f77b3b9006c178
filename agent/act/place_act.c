// SPDX-License-Identifier: GPL-2.0
/*
 * The act half of a placement, shared by `place` and `run`: which IRQs follow the process,
 * which of its pages are hot, and the changes in their order - balancing first (so AutoNUMA
 * does not move pages back meanwhile), threads (new allocations then land on the target),
 * IRQs (irqbalance's ban before the masks), memory last, the long part. Every change goes
 * through the journal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pages.h"
#include "topo/irqbalance.h"
#include "act/place.h"
#include "topo/device_irqs.h"

/* IRQs of the devices the process uses (or --device) and of --nic interfaces. */
int np_place_irqs(const struct np_topo *topo, const struct np_proc_model *proc, int forced_device,
		  const char *nics, int *irqs, int *nirqs, char *sources, size_t srclen, char *msg,
		  size_t msglen)
{
	int devices[NP_MAX_PROC_ACCELS + 1], ndevices = 0, n = 0;
	size_t used = 0;

	sources[0] = '\0';
	if (forced_device >= 0)
		devices[ndevices++] = forced_device;
	for (int i = 0; i < proc->accel.ndevices; i++)
		if (proc->accel.devices[i] != forced_device)
			devices[ndevices++] = proc->accel.devices[i];
	/* discovery already read each device's IRQs */
	for (int d = 0; d < ndevices; d++) {
		const struct np_device *dev = &topo->devices[devices[d]];

		for (int i = 0; i < dev->nirqs && n < NP_PLAN_MAX_IRQS; i++)
			irqs[n++] = dev->irqs[i];
		used += snprintf(sources + used, used < srclen ? srclen - used : 0, "%s%s",
				 used ? ", " : "", dev->pci);
	}
	if (nics) {
		char copy[256], *save = NULL;

		snprintf(copy, sizeof(copy), "%s", nics);
		for (char *nic = strtok_r(copy, ",", &save); nic; nic = strtok_r(NULL, ",", &save)) {
			char bdf[32];
			int got = np_nic_irqs("/", nic, bdf, sizeof(bdf), irqs + n,
					      NP_PLAN_MAX_IRQS - n);

			if (got == -ENODEV) {
				snprintf(msg, msglen, "%s: no such network interface", nic);
				return got;
			}
			if (got == -ENOTSUP) {
				snprintf(msg, msglen, "%s: not a PCI device, it has no IRQs of its own",
					 nic);
				return got;
			}
			if (got > 0)
				n += got;
			used += snprintf(sources + used, used < srclen ? srclen - used : 0,
					 "%s%s (%s)", used ? ", " : "", bdf, nic);
		}
	}
	/* sorted, no duplicates: two names for one device give its IRQs once */
	*nirqs = np_int_sort_unique(irqs, n);
	return 0;
}


/* Fault-sample addresses of the process, one per 2 MB region, most sampled region first. */
struct hot_region {
	unsigned long base;
	int count;
};

static int by_base(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* most samples first; among equals the lower address, so the order does not depend on qsort */
static int by_count(const void *a, const void *b)
{
	const struct hot_region *x = a, *y = b;

	if (x->count != y->count)
		return y->count - x->count;
	return x->base < y->base ? -1 : x->base > y->base;
}

/*
 * The 2 MB regions of the process's sampled fault addresses, most samples first. Sorting the
 * region bases keeps it O(n log n) in the samples: a long --sample window of a busy server
 * gives tens of thousands.
 */
int np_place_hot_addresses(const struct np_sample_data *data, pid_t pid, unsigned long **out)
{
	unsigned long *bases = calloc(data->nsamples + 1, sizeof(*bases)), *addrs = NULL;
	struct hot_region *regions = NULL;
	int nbases = 0, n = 0;

	*out = NULL;
	if (!bases)
		return 0;
	for (int i = 0; i < data->nsamples; i++)
		if (data->samples[i].tgid == (__u32)pid)
			bases[nbases++] = data->samples[i].address & ~((2UL << 20) - 1);
	qsort(bases, nbases, sizeof(*bases), by_base);
	regions = calloc(nbases + 1, sizeof(*regions));
	for (int i = 0; regions && i < nbases; i++) {
		if (!n || regions[n - 1].base != bases[i])
			regions[n++].base = bases[i];
		regions[n - 1].count++;
	}
	if (regions) {
		qsort(regions, n, sizeof(*regions), by_count);
		addrs = calloc(n + 1, sizeof(*addrs));
	}
	for (int i = 0; addrs && i < n; i++)
		addrs[i] = regions[i].base;
	free(bases);
	free(regions);
	*out = addrs;
	return addrs ? n : 0;
}


int np_place_balancing(const char *journal, const struct np_topo *topo,
		       const struct np_balancing *b, struct np_act_result *res)
{
	char path[256], value[32];
	int err = 0;

	if (b->choice == NP_BALANCING_OFF || b->choice == NP_BALANCING_ON)
		err = np_act_setting(journal, NP_NUMA_BALANCING_SYSCTL,
				     b->choice == NP_BALANCING_ON ? "1" : "0", res);
	for (int k = 0; k < NP_KNOB_COUNT && !err; k++) {
		if (b->choice != NP_BALANCING_TUNE || !b->set[k])
			continue;
		/* checked before (np_balancing_check_host): gone since, it is a failure of ours */
		if (np_knob_path(&topo->kernel, k, path, sizeof(path))) {
			np_act_fail(res, "%s: no such knob on this kernel", np_knob_names[k]);
			continue;
		}
		snprintf(value, sizeof(value), "%ld", b->value[k]);
		err = np_act_setting(journal, path, value, res);
	}
	return err;
}

/* The mappings of the shared files whose pages move along (MOVE_ALL); their count. */
static int move_all_ranges(const struct np_shared_files *sf, struct np_mem_range *out, int max)
{
	int n = 0;

	for (int i = 0; sf && i < sf->nfiles; i++)
		for (int r = 0; sf->files[i].move_all && r < sf->files[i].nranges && n < max; r++)
			out[n++] = (struct np_mem_range){ sf->files[i].range_start[r],
							  sf->files[i].range_end[r] };
	return n;
}

/* An interleave plan's shares and reserves, by node id, for the mover. */
static void spread_opts(const struct np_topo *topo, const struct np_interleave *il,
			struct np_move_spread *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < topo->nnodes; i++) {
		int id = topo->nodes[i].id;

		if (id >= NP_MAX_NODES)
			continue;
		s->pages_before[id] = il->pages_before[i];
		if (!(il->nodes >> id & 1))
			continue;
		s->nodes |= 1ULL << id;
		s->pages_target[id] = il->pages_target[i];
		s->reserve_pages[id] = il->reserve_pages[i];
	}
}

int np_place_act(struct np_place *p, const struct np_act_opts *a, const unsigned long *hot,
		 int nhot)
{
	struct np_mem_range all[NP_SHARED_MAX_FILES * NP_SHARED_MAX_RANGES];
	struct np_place_outcome *o = &p->outcome;
	const struct np_plan *plan = p->plan;
	struct np_move_spread spread;
	pid_t pid = p->proc->info.pid;
	int err = 0;

	o->done = true;
	if (a->only & NP_PLAN_ONLY_BALANCING)
		err = np_place_balancing(a->journal, p->topo, &plan->balancing, &o->settings);
	if (!err && (a->only & NP_PLAN_ONLY_THREADS)) {
		err = np_act_threads(a->journal, pid, &plan->cpus, &o->threads);
		if (err == -ESRCH) {
			o->memory.process_exited = true;
			return 0;
		}
	}
	if (!err && (a->only & NP_PLAN_ONLY_IRQS) && plan->nirqs) {
		/* banned first: irqbalance must not move them between our write and its ban */
		err = np_act_irqbalance_ban(a->journal, plan->irqs, plan->nirqs, &o->irqbalance);
		if (!err)
			err = np_act_irqs(a->journal, plan->irqs, plan->nirqs, &plan->cpus,
					  &o->irqs);
	}
	/* a target outside the cpuset's mems was known at the plan: no page is tried */
	if (!err && (a->only & NP_PLAN_ONLY_MEMORY) && plan->memory_refused[0])
		snprintf(o->memory.error, sizeof(o->memory.error), "%s", plan->memory_refused);
	else if (!err && (a->only & NP_PLAN_ONLY_MEMORY) && plan->pages_to_move) {
		struct np_move_opts mopts = {
			.target_node = plan->target_node,
			.max_rate_mbps = a->max_rate_mbps,
			/* the reserve limits the move only when the plan says so */
			.max_pages = plan->pages_planned < plan->pages_to_move ? plan->pages_planned
									       : ~0ULL,
			.expected_pages = plan->pages_planned,
			.reserve_mb = (long)np_pages_mb_floor(plan->reserve_pages),
			.hot_addrs = hot,
			.nhot = nhot,
			.progress = a->progress,
			.progress_ctx = a->progress_ctx,
			.pause_ms = a->pause_ms,
			.pause_below_mbps = a->pause_below_mbps,
			.pause_total_ms = plan->pause.max_total_ms,
			.tick = a->tick,
			.tick_ctx = a->tick_ctx,
			.journal = a->journal,
			.move_all = all,
			.nmove_all = move_all_ranges(p->shared, all, NP_ARRAY_SIZE(all)),
		};

		if (plan->interleave.on) {
			/* the shares bound each node: no overall page budget */
			spread_opts(p->topo, &plan->interleave, &spread);
			mopts.spread = &spread;
			mopts.max_pages = ~0ULL;
		}
		o->memory_ran = true;
		err = np_act_memory(pid, &mopts, &o->memory);
	}
	if (!err && plan->interleave.on && (a->only & NP_PLAN_ONLY_MEMORY))
		o->residency_after_read = !np_numa_maps_read("/", pid, 0, &o->residency_after);
	return err;
}

