// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/numa_maps (np_numa_maps_parse): lines a process shapes through its mappings (file
 * names with spaces, "N1=" inside a name, huge counts). The parse returns counts and a policy;
 * the policy formats back to text numa_maps would show.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include "lib/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_residency res;
	char *text = fuzz_cstr(data, size), policy[256];

	np_numa_maps_parse(text, &res);
	FUZZ_CHECK(res.policy_kind <= NP_MPOL_WEIGHTED_INTERLEAVE, "policy %d", res.policy_kind);
	FUZZ_CHECK(res.policy_kind != NP_MPOL_DEFAULT || (!res.policy_nodes && !res.policy_pages),
		   "default policy with nodes or pages");
	np_mpol_format(res.policy_kind, res.policy_nodes, policy, sizeof(policy));
	FUZZ_CHECK(strlen(policy) < sizeof(policy), "policy text");
	free(text);
	return 0;
}
