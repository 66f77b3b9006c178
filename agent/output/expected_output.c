// SPDX-License-Identifier: GPL-2.0
/* Predictions and declined plans on paper (see expected_output.h). */
#include <math.h>
#include <stdio.h>

#include "lib/pages.h"
#include "output/expected_output.h"
#include "output/json_doc.h"
#include "output/text_wrap.h"

struct json_object *np_expected_json(const struct np_expected *e)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "remote_share_before", np_json_fixed(e->remote_share_before, 3));
	json_object_object_add(o, "remote_share_after", np_json_fixed(e->remote_share_after, 3));
	json_object_object_add(o, "accelerator_local_share_before",
			       np_json_fixed(e->accel_local_share_before, 3));
	json_object_object_add(o, "accelerator_local_share_after",
			       np_json_fixed(e->accel_local_share_after, 3));
	json_object_object_add(o, "read_rate_ratio", np_json_fixed(e->read_rate_change, 3));
	json_object_object_add(o, "source", json_object_new_string(e->source ? e->source : "slit"));
	return o;
}

struct json_object *np_guard_json(const struct np_guard *g)
{
	struct json_object *o, *alts;

	if (!g || !g->declined)
		return NULL;
	o = json_object_new_object();
	alts = json_object_new_array();
	json_object_object_add(o, "why", json_object_new_string(g->why));
	json_object_object_add(o, "resident_pages", json_object_new_uint64(g->resident));
	json_object_object_add(o, "on_target_pages", json_object_new_uint64(g->on_target));
	json_object_object_add(
		o, "free_needed_mb",
		g->free_pages ? json_object_new_int64((int64_t)(np_pages_mb(g->free_pages) + 0.5))
			      : NULL);
	for (int i = 0; i < g->nalternatives; i++)
		json_object_array_add(alts, json_object_new_string(g->alternatives[i]));
	json_object_object_add(o, "alternatives", alts);
	return o;
}

void np_guard_print(const struct np_guard *g, const char *prefix, FILE *out)
{
	char first[64];
	int indent;

	snprintf(first, sizeof(first), "%sdeclined: ", prefix);
	indent = np_text_cols(prefix) + 4;
	np_text_wrap(out, first, indent, g->why);
	snprintf(first, sizeof(first), "%s  better: ", prefix);
	for (int i = 0; i < g->nalternatives; i++)
		np_text_wrap(out, first, indent + 2, g->alternatives[i]);
}

bool np_report_expected(const struct np_report *r, const struct np_proc_model *p,
			struct np_expected *e)
{
	if (p->exited || p->target_node < 0 || p->target_node >= NP_BPF_MAX_NODES ||
	    !p->has_residency)
		return false;
	np_plan_expect_recommended(r->topo, r->measure, p, e);
	return true;
}
