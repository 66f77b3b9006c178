/* SPDX-License-Identifier: GPL-2.0 */
/* Who a process belongs to (lib/cgroup_id.h) in a few words, for report and run's logs. */
#ifndef NP_IDENTITY_TEXT_H
#define NP_IDENTITY_TEXT_H

#include <stddef.h>

#include "lib/cgroup_id.h"

/* The 12-digit form docker ps shows, "" when not in a container; out has 13 bytes or more. */
void np_container_short(const struct np_cgroup_id *id, char *out, size_t len);

/*
 * Pure: "container 0123456789ab (docker), pod <uid> (burstable), unit vllm.service", the parts
 * known; "" when none is. Every field is hex, dashes or a checked unit name: nothing to escape.
 */
void np_identity_words(const struct np_cgroup_id *id, char *buf, size_t len);

#endif
