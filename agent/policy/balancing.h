/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `--balancing` asks of the kernel's own NUMA balancing (AutoNUMA): keep it as it is,
 * switch it off or on, or tune its scan knobs. Parsing is pure; the paths of the knobs come
 * from what topology discovery found (debugfs since 5.18, sysctls before).
 */
#ifndef NP_BALANCING_H
#define NP_BALANCING_H

#include <stdbool.h>
#include <stddef.h>

#include "topo/topo.h"

enum np_balancing_choice { NP_BALANCING_KEEP, NP_BALANCING_OFF, NP_BALANCING_ON, NP_BALANCING_TUNE };

struct np_balancing {
	enum np_balancing_choice choice;
	bool set[NP_KNOB_COUNT]; /* tune: the knobs to write */
	long value[NP_KNOB_COUNT];
};

/*
 * "keep", "off", "on" or "tune:scan_delay_ms=1000,scan_size_mb=64". Returns 0, or -EINVAL
 * with the reason in msg (unknown word or key, value not a number >= 1, key given twice).
 */
int np_balancing_parse(const char *text, struct np_balancing *b, char *msg, size_t msglen);

/* The file behind a knob on this kernel ("" and -ENOENT when the kernel has none). */
int np_knob_path(const struct np_kstate *k, enum np_knob knob, char *path, size_t len);

/*
 * What b writes exists on this kernel: the sysctl for on and off, each knob tune: sets. 0, or
 * -EINVAL with the reason in msg ("this kernel has no ..."), for place and run alike.
 */
int np_balancing_check_host(const struct np_balancing *b, const struct np_kstate *k, char *msg,
			    size_t msglen);

#define NP_NUMA_BALANCING_SYSCTL "/proc/sys/kernel/numa_balancing"

#endif
