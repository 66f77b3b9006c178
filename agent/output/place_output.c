// SPDX-License-Identifier: GPL-2.0
/* `numaplace place` output: the plan (also what --dry-run shows), then what was done. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "lib/journal.h"
#include "lib/pages.h"
#include "lib/text_escape.h"
#include "output/expected_output.h"
#include "output/interleave_output.h"
#include "output/json_doc.h"
#include "output/json_text.h"
#include "output/pause_output.h"
#include "output/place_output.h"
#include "output/shared_output.h"
#include "output/text_wrap.h"

#define MB(pages) np_pages_mb(pages)

static const char *balancing_name(const struct np_balancing *b)
{
	static const char *const names[] = { "keep", "off", "on", "tune" };

	return names[b->choice];
}

/* One line of the plan or outcome: "  memory     " and its text, wrapped under the text. */
static __attribute__((format(printf, 3, 4))) void put(FILE *out, const char *label, const char *fmt,
						      ...)
{
	char first[32], text[2048];
	va_list ap;

	snprintf(first, sizeof(first), "  %-10s ", label);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	np_text_wrap(out, first, 13, text);
}

static void print_balancing(const struct np_place *p, FILE *out)
{
	const struct np_balancing *b = &p->plan->balancing;
	const struct np_kstate *k = &p->topo->kernel;

	char text[512];
	size_t used = snprintf(text, sizeof(text), "%s (kernel.numa_balancing is %d",
			       balancing_name(b), k->numa_balancing);

	for (int i = 0; b->choice == NP_BALANCING_TUNE && i < NP_KNOB_COUNT; i++)
		if (b->set[i] && used < sizeof(text))
			used += snprintf(text + used, sizeof(text) - used, "; %s %ld -> %ld",
					 np_knob_names[i], k->knobs[i], b->value[i]);
	put(out, "balancing", "%s)", text);
}

/* What the plan buys: "expected   remote reads 100% -> 2%, read rate x1.8 (from ...)". */
static void print_expected(const struct np_place *p, FILE *out)
{
	char text[256];

	np_expected_text(&p->plan->expected, text, sizeof(text));
	put(out, "expected", "%s", text);
}

void np_place_print_plan(const struct np_place *p, FILE *out)
{
	const struct np_plan *plan = p->plan;
	const struct np_proc_model *proc = p->proc;
	unsigned int only = p->opts->only;
	char cpus[NP_CPULIST_MAX], irqs[256], comm[NP_COMM_LEN * 8], text[512];

	np_cpulist_format(&plan->cpus, cpus, sizeof(cpus)); /* fits: NP_CPULIST_MAX */
	np_text_escape(proc->info.comm, comm, sizeof(comm)); /* any bytes: no raw control ones */
	np_interleave_format(plan->interleave.nodes, irqs, sizeof(irqs));
	if (plan->interleave.on)
		snprintf(text, sizeof(text), "pid %d (%s): interleave over nodes %s",
			 proc->info.pid, comm, irqs);
	else
		snprintf(text, sizeof(text), "pid %d (%s): node %d, %s", proc->info.pid, comm,
			 plan->target_node, proc->target_reason);
	np_text_wrap(out, p->dry_run ? "dry run, nothing changes. plan for " : "plan for ", 2,
		     text);
	if ((only & NP_PLAN_ONLY_THREADS) && p->opts->window_ns)
		put(out, "threads", "%d threads onto CPUs %s (%d busy)", plan->nthreads, cpus,
		    np_busy_threads(proc, p->opts->window_ns));
	else if (only & NP_PLAN_ONLY_THREADS)
		put(out, "threads", "%d threads onto CPUs %s (busy threads not sampled)",
		    plan->nthreads, cpus);
	if ((only & NP_PLAN_ONLY_MEMORY) && plan->interleave.on && proc->has_residency) {
		np_interleave_print_memory(p, out);
	} else if (only & NP_PLAN_ONLY_MEMORY) {
		if (!proc->has_residency)
			put(out, "memory", "residency unreadable: nothing planned");
		else if (!plan->pages_to_move)
			put(out, "memory", "all %.0f MB already on node %d",
			    MB(np_node_sum(proc->residency.pages)), plan->target_node);
		else if (plan->memory_refused[0])
			put(out, "memory", "refused: %.0f MB off node %d stay: %s",
			    MB(plan->pages_to_move), plan->target_node, plan->memory_refused);
		else {
			char pace[64] = "no rate budget";

			if (p->opts->max_rate_mbps > 0)
				snprintf(pace, sizeof(pace), ">= %.1f s at %.0f MB/s", plan->est_seconds,
					 p->opts->max_rate_mbps);
			put(out, "memory",
			    "move %.0f of %.0f MB (%.0f MB off node %d), %s; %s; "
			    "node %d keeps %.0f MB free",
			    MB(plan->pages_planned), MB(np_node_sum(proc->residency.pages)),
			    MB(plan->pages_to_move), plan->target_node,
			    p->hot_regions	 ? "sampled hot regions first"
			    : p->opts->window_ns ? "no hot region sampled"
			    : p->sample_auto	 ? "not sampled (a move this short is over before "
						   "the order of its pages could matter)"
						 : "not sampled",
			    pace, plan->target_node, MB(plan->reserve_pages));
		}
	}
	if (only & NP_PLAN_ONLY_MEMORY)
		np_shared_files_print(p->shared, proc->info.pid, proc->info.comm, plan->target_node,
				      "  shared     ", out);
	np_pause_print(&plan->pause, out);
	if (only & NP_PLAN_ONLY_IRQS) {
		np_rangelist_format(plan->irqs, plan->nirqs, irqs, sizeof(irqs));
		if (plan->nirqs)
			put(out, "irqs", "%d IRQs (%s) of %s onto CPUs %s", plan->nirqs, irqs,
			    p->irq_sources, cpus);
		else
			put(out, "irqs", "none (no accelerator IRQs%s)",
			    p->irq_sources[0] ? "" : "; --nic IFACE adds a NIC's");
	}
	if (only & NP_PLAN_ONLY_BALANCING)
		print_balancing(p, out);
	print_expected(p, out);
	for (int i = 0; i < plan->nwarnings; i++)
		put(out, "warning:", "%s", plan->warnings[i]);
	if (p->guard && p->guard->declined) {
		np_guard_print(p->guard, "  ", out);
		fprintf(out, "%s\n",
			p->dry_run ? "without --force, place declines this plan"
				   : "nothing changed (--force carries the plan out)");
	}
}

void np_place_print_outcome(const struct np_place *p, FILE *out)
{
	const struct np_place_outcome *o = &p->outcome;
	const struct np_move_result *m = &o->memory;
	unsigned int only = p->opts->only;
	char undo[2 * PATH_MAX]; /* a path quoted for a shell */

	fprintf(out, "done:\n");
	if (only & NP_PLAN_ONLY_BALANCING)
		np_act_result_print(out, "balancing", "set", &o->settings);
	if (only & NP_PLAN_ONLY_THREADS)
		np_act_result_print(out, "threads", "pinned", &o->threads);
	if (only & NP_PLAN_ONLY_IRQS) {
		np_act_result_print(out, "irqs", "steered", &o->irqs);
		if (p->topo->kernel.irqbalance_pid)
			np_act_result_print(out, "irqbalance", "banned", &o->irqbalance);
	}
	if (o->memory_ran) {
		put(out, "memory",
		    "moved %.1f MB (%.1f MB hot first) of %.1f MB misplaced in %.1f s "
		    "(%.0f MB/s)",
		    MB(m->pages_moved), MB(m->pages_hot_moved), MB(m->pages_misplaced), m->seconds,
		    m->seconds > 0 ? MB(m->pages_moved) / m->seconds : 0);
		if (m->pages_busy || m->pages_shared || m->pages_failed || m->pages_pinned)
			put(out, "",
			    "not moved: %.1f MB busy, %.1f MB pinned, %.1f MB "
			    "shared with other processes, %.1f MB failed",
			    MB(m->pages_busy), MB(m->pages_pinned), MB(m->pages_shared),
			    MB(m->pages_failed));
		if (m->move_all_denied)
			put(out, "",
			    "shared pages stayed: moving them needs "
			    "CAP_SYS_NICE");
		if (m->pauses)
			put(out, "",
			    "file pages moved slowly while read: the process was stopped "
			    "%d times, %.2f s in all (--pause-ms)",
			    m->pauses, m->paused_seconds);
		if (m->stopped_by_reserve)
			put(out, "",
			    "partial: stopped to keep %.0f MB free on node %d "
			    "(--reserve)",
			    MB(p->plan->reserve_pages), p->plan->target_node);
		if (m->error[0])
			put(out, "", "stopped: %s", m->error);
	}
	np_interleave_print_reached(p, out);
	if (!o->memory_ran && m->error[0])
		put(out, "memory", "not moved: %s", m->error);
	if (m->process_exited)
		fprintf(out, "  the process exited during placement\n");
	np_journal_undo_command(p->journal, undo, sizeof(undo));
	/* the command on lines of its own: copied as it stands, --journal included */
	np_text_wrap_cmd(out, "undo: ", 6, undo);
	fprintf(out, "      (thread and IRQ masks, irqbalance bans, settings; memory moves are "
		     "not undone)\n");
}

struct json_object *np_act_result_json(const struct np_act_result *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "changed", json_object_new_int(r->changed));
	json_object_object_add(o, "unchanged", json_object_new_int(r->unchanged));
	json_object_object_add(o, "vanished", json_object_new_int(r->vanished));
	json_object_object_add(o, "failed", json_object_new_int(r->failed));
	json_object_object_add(o, "first_error", np_json_string_or_null(r->first_error));
	return o;
}

static struct json_object *memory_json(const struct np_move_result *m)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "pages_misplaced", json_object_new_uint64(m->pages_misplaced));
	json_object_object_add(o, "pages_moved", json_object_new_uint64(m->pages_moved));
	json_object_object_add(o, "pages_hot_moved", json_object_new_uint64(m->pages_hot_moved));
	json_object_object_add(o, "pages_busy", json_object_new_uint64(m->pages_busy));
	json_object_object_add(o, "pages_shared", json_object_new_uint64(m->pages_shared));
	json_object_object_add(o, "pages_pinned", json_object_new_uint64(m->pages_pinned));
	json_object_object_add(o, "pages_failed", json_object_new_uint64(m->pages_failed));
	json_object_object_add(o, "stopped_by_reserve",
			       json_object_new_boolean(m->stopped_by_reserve));
	json_object_object_add(o, "process_exited", json_object_new_boolean(m->process_exited));
	json_object_object_add(o, "duration_s", json_object_new_double(m->seconds));
	json_object_object_add(o, "pauses", json_object_new_int(m->pauses));
	json_object_object_add(o, "paused_s", json_object_new_double(m->paused_seconds));
	json_object_object_add(o, "error", np_json_string_or_null(m->error));
	return o;
}

static struct json_object *plan_json(const struct np_place *p)
{
	const struct np_plan *plan = p->plan;
	struct json_object *o = json_object_new_object(), *irqs = json_object_new_array(),
			   *warnings = json_object_new_array(), *knobs = json_object_new_object();
	const struct np_residency *res = &p->proc->residency;
	char cpus[NP_CPULIST_MAX], policy[64];

	np_cpulist_format(&plan->cpus, cpus, sizeof(cpus)); /* fits: NP_CPULIST_MAX */
	np_mpol_format(res->policy_kind, res->policy_nodes, policy, sizeof(policy));
	json_object_object_add(o, "cpus", json_object_new_string(cpus));
	json_object_object_add(o, "threads", json_object_new_int(plan->nthreads));
	json_object_object_add(o, "busy_threads",
			       json_object_new_int(np_busy_threads(p->proc, p->opts->window_ns)));
	json_object_object_add(o, "pages_to_move", json_object_new_uint64(plan->pages_to_move));
	json_object_object_add(o, "pages_planned", json_object_new_uint64(plan->pages_planned));
	json_object_object_add(o, "reserve_pages", json_object_new_uint64(plan->reserve_pages));
	json_object_object_add(o, "memory_policy",
			       p->proc->has_residency ? json_object_new_string(policy) : NULL);
	json_object_object_add(o, "max_rate_mbps", json_object_new_double(p->opts->max_rate_mbps));
	json_object_object_add(o, "est_s", json_object_new_double(plan->est_seconds));
	json_object_object_add(
		o, "memory_refused",
		plan->memory_refused[0] ? json_object_new_string(plan->memory_refused) : NULL);
	json_object_object_add(o, "hot_regions", json_object_new_int(p->hot_regions));
	for (int i = 0; i < plan->nirqs; i++)
		json_object_array_add(irqs, json_object_new_int(plan->irqs[i]));
	json_object_object_add(o, "irqs", irqs);
	json_object_object_add(o, "irq_sources", np_json_string_or_null(p->irq_sources));
	json_object_object_add(o, "balancing",
			       json_object_new_string(balancing_name(&plan->balancing)));
	for (int i = 0; i < NP_KNOB_COUNT; i++)
		if (plan->balancing.set[i])
			json_object_object_add(knobs, np_knob_names[i],
					       json_object_new_int64(plan->balancing.value[i]));
	json_object_object_add(o, "tune", knobs);
	for (int i = 0; i < plan->nwarnings; i++)
		json_object_array_add(warnings, json_object_new_string(plan->warnings[i]));
	json_object_object_add(o, "warnings", warnings);
	json_object_object_add(o, "shared_files", np_shared_files_json(p->shared));
	json_object_object_add(o, "expected", np_expected_json(&plan->expected));
	json_object_object_add(o, "interleave", np_interleave_plan_json(p));
	json_object_object_add(o, "pause", np_pause_json(&plan->pause));
	return o;
}

struct json_object *np_place_to_json(const struct np_place *p)
{
	const struct np_place_outcome *out = &p->outcome;
	struct json_object *o = np_json_doc(NP_PLACE_SCHEMA), *only = json_object_new_array(), *r;
	static const char *const parts[] = { "threads", "memory", "irqs", "balancing" };

	json_object_object_add(o, "pid", json_object_new_int(p->proc->info.pid));
	json_object_object_add(o, "comm", np_json_text(p->proc->info.comm));
	json_object_object_add(o, "dry_run", json_object_new_boolean(p->dry_run));
	json_object_object_add(
		o, "placement",
		json_object_new_string(p->plan->interleave.on ? "interleave" : "node"));
	json_object_object_add(o, "target_node", json_object_new_int(p->plan->target_node));
	json_object_object_add(o, "target_reason", np_json_string_or_null(p->proc->target_reason));
	for (size_t i = 0; i < 4; i++)
		if (p->opts->only & (1u << i))
			json_object_array_add(only, json_object_new_string(parts[i]));
	json_object_object_add(o, "only", only);
	json_object_object_add(o, "plan", plan_json(p));
	json_object_object_add(o, "declined", np_guard_json(p->guard));
	if (!out->done) {
		json_object_object_add(o, "result", NULL);
		return o;
	}
	r = json_object_new_object();
	json_object_object_add(r, "threads", np_act_result_json(&out->threads));
	json_object_object_add(r, "irqs", np_act_result_json(&out->irqs));
	json_object_object_add(r, "irqbalance", np_act_result_json(&out->irqbalance));
	json_object_object_add(r, "settings", np_act_result_json(&out->settings));
	/* a refused move has its reason in error, pages all 0: nothing was tried */
	json_object_object_add(r, "memory",
			       out->memory_ran || out->memory.error[0] ? memory_json(&out->memory)
								       : NULL);
	json_object_object_add(r, "process_exited",
			       json_object_new_boolean(out->memory.process_exited));
	json_object_object_add(r, "interleave", np_interleave_result_json(p));
	json_object_object_add(o, "result", r);
	return o;
}
