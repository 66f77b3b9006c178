// SPDX-License-Identifier: GPL-2.0
/* Interleave output (see interleave_output.h), beside place_output.c's plan and outcome. */
#include <string.h>

#include "lib/pages.h"
#include "output/interleave_output.h"
#include "output/text_wrap.h"

#define MB(pages) np_pages_mb(pages)

static double part(__u64 pages, __u64 total)
{
	return total ? 100.0 * (double)pages / (double)total : 0;
}

void np_interleave_print_memory(const struct np_place *p, FILE *out)
{
	const struct np_interleave *il = &p->plan->interleave;
	const struct np_topo *topo = p->topo;
	char nodes[128], pace[64] = "no rate budget", text[1024];
	size_t used;

	np_interleave_format(il->nodes, nodes, sizeof(nodes));
	if (p->opts->max_rate_mbps > 0)
		snprintf(pace, sizeof(pace), ">= %.1f s at %.0f MB/s", p->plan->est_seconds,
			 p->opts->max_rate_mbps);
	used = snprintf(text, sizeof(text),
			"interleave %.0f MB over nodes %s by 2 MB region, move %.0f MB, %s:",
			MB(il->pages_total), nodes, MB(p->plan->pages_to_move), pace);
	for (int i = 0; i < topo->nnodes && used < sizeof(text); i++) {
		char item[128];

		if (!il->pages_target[i] &&
		    !(topo->nodes[i].id < 64 && il->nodes >> topo->nodes[i].id & 1))
			continue;
		/* one node's figures stay on one line */
		snprintf(item, sizeof(item),
			 "node %d %.1f%% (%.0f MB, now %.1f%%, keeps %.0f MB free)",
			 topo->nodes[i].id, 100 * il->share[i], MB(il->pages_target[i]),
			 part(il->pages_before[i], il->pages_total), MB(il->reserve_pages[i]));
		np_text_glue(item);
		used += snprintf(text + used, sizeof(text) - used, "%s %s", i ? "," : "", item);
	}
	np_text_wrap(out, "  memory     ", 13, text);
}

void np_interleave_print_reached(const struct np_place *p, FILE *out)
{
	const struct np_residency *r = &p->outcome.residency_after;
	const struct np_interleave *il = &p->plan->interleave;
	__u64 total = np_node_sum(r->pages);
	char text[1024] = "reached";
	size_t used = strlen(text);

	if (!p->outcome.residency_after_read)
		return;
	for (int i = 0; i < p->topo->nnodes && used < sizeof(text); i++) {
		int id = p->topo->nodes[i].id;
		__u64 pages = id < NP_BPF_MAX_NODES ? r->pages[id] : 0;
		char item[96];

		if (!pages && !(id < 64 && il->nodes >> id & 1))
			continue;
		snprintf(item, sizeof(item), "node %d %.1f%% (planned %.1f%%)", id,
			 part(pages, total), 100 * il->share[i]);
		np_text_glue(item);
		used += snprintf(text + used, sizeof(text) - used, "%s %s", i ? "," : "", item);
	}
	if (used < sizeof(text))
		snprintf(text + used, sizeof(text) - used, " of %.0f MB", MB(total));
	np_text_wrap(out, "  interleave ", 13, text);
}

struct json_object *np_interleave_plan_json(const struct np_place *p)
{
	const struct np_interleave *il = &p->plan->interleave;
	struct json_object *o, *shares;
	char nodes[128];

	if (!il->on)
		return NULL;
	o = json_object_new_object();
	shares = json_object_new_array();
	np_interleave_format(il->nodes, nodes, sizeof(nodes));
	json_object_object_add(o, "nodes", json_object_new_string(nodes));
	json_object_object_add(o, "pages_total", json_object_new_uint64(il->pages_total));
	json_object_object_add(o, "pages_short", json_object_new_uint64(il->pages_short));
	for (int i = 0; i < p->topo->nnodes; i++) {
		struct json_object *s;
		int id = p->topo->nodes[i].id;

		if (id >= 64 || !(il->nodes >> id & 1))
			continue;
		s = json_object_new_object();
		json_object_object_add(s, "node", json_object_new_int(id));
		json_object_object_add(s, "share", json_object_new_double(il->share[i]));
		json_object_object_add(
			s, "share_before",
			json_object_new_double(part(il->pages_before[i], il->pages_total) / 100));
		json_object_object_add(s, "pages_before",
				       json_object_new_uint64(il->pages_before[i]));
		json_object_object_add(s, "pages_target",
				       json_object_new_uint64(il->pages_target[i]));
		json_object_object_add(s, "reserve_pages",
				       json_object_new_uint64(il->reserve_pages[i]));
		json_object_array_add(shares, s);
	}
	json_object_object_add(o, "shares", shares);
	return o;
}

struct json_object *np_interleave_result_json(const struct np_place *p)
{
	const struct np_residency *r = &p->outcome.residency_after;
	struct json_object *o, *shares;
	__u64 total = np_node_sum(r->pages);

	if (!p->plan->interleave.on || !p->outcome.residency_after_read)
		return NULL;
	o = json_object_new_object();
	shares = json_object_new_array();
	for (int i = 0; i < p->topo->nnodes; i++) {
		struct json_object *s;
		int id = p->topo->nodes[i].id;
		__u64 pages = id < NP_BPF_MAX_NODES ? r->pages[id] : 0;

		if (!pages && !(id < 64 && p->plan->interleave.nodes >> id & 1))
			continue;
		s = json_object_new_object();
		json_object_object_add(s, "node", json_object_new_int(id));
		json_object_object_add(s, "pages", json_object_new_uint64(pages));
		json_object_object_add(s, "share",
				       json_object_new_double(part(pages, total) / 100));
		json_object_array_add(shares, s);
	}
	json_object_object_add(o, "pages_total", json_object_new_uint64(total));
	json_object_object_add(o, "shares", shares);
	return o;
}
