// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel state that decides whether placement sticks: AutoNUMA (numa_balancing and its scan
 * knobs), transparent huge pages, irqbalance, and what tracefs/BTF say about BPF tracing.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/irqbalance.h"
#include "lib/sysfs.h"
#include "topo/topo.h"

/* Since 5.18 the scan knobs live in debugfs; older kernels have them as sysctls. */
static void read_numa_balancing(const char *root, struct np_kstate *k)
{
	static const struct {
		const char *source;
		const char *fmt;
	} places[] = {
		{ "debugfs", "/sys/kernel/debug/sched/numa_balancing/%s" },
		{ "sysctl", "/proc/sys/kernel/numa_balancing_%s" },
	};
	long mode;

	k->numa_balancing = np_read_long(root, "/proc/sys/kernel/numa_balancing", &mode) == 0
				    ? (int)mode
				    : -1;
	for (size_t p = 0; p < NP_ARRAY_SIZE(places) && !k->knobs_source; p++) {
		for (int i = 0; i < NP_KNOB_COUNT; i++) {
			char path[PATH_MAX];

			snprintf(path, sizeof(path), places[p].fmt, np_knob_names[i]);
			if (np_read_long(root, path, &k->knobs[i]) == 0) {
				k->knob_present[i] = true;
				k->knobs_source = places[p].source;
			}
		}
	}
}

/* "always [madvise] never" -> "madvise" */
static void read_bracketed(const char *root, const char *path, char *out, size_t len)
{
	char buf[256], *open, *close;

	out[0] = '\0';
	if (np_read_str(root, path, buf, sizeof(buf)))
		return;
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || (size_t)(close - open - 1) >= len)
		return;
	memcpy(out, open + 1, close - open - 1);
	out[close - open - 1] = '\0';
}

/* NUL-separated "KEY=VALUE" entries of /proc/PID/environ. */
static const char *environ_value(const char *env, size_t len, const char *key)
{
	size_t keylen = strlen(key);

	for (const char *p = env; p < env + len; p += strlen(p) + 1)
		if (!strncmp(p, key, keylen) && p[keylen] == '=')
			return p + keylen + 1;
	return NULL;
}

static size_t read_raw(const char *root, const char *path, char *buf, size_t len)
{
	char full[PATH_MAX];
	size_t n = 0;
	FILE *f;

	if (np_path(full, sizeof(full), root, "%s", path) || !(f = fopen(full, "re")))
		return 0;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

/*
 * Bans made at run time (by numaplace place, irqbalance-ui) exist only in the daemon: ask it.
 * Only on the live system: a fixture tree's irqbalance pid is not a process here.
 */
static int read_socket_bans(const char *root, struct np_kstate *k, int *irqs, int max)
{
	int n;

	if (np_root_prefix(root)[0])
		return 0;
	n = np_irqbalance_banned(k->irqbalance_pid, irqs, max);
	if (n >= 0)
		return n;
	snprintf(k->irqbalance_socket_error, sizeof(k->irqbalance_socket_error), "%s",
		 n == -EACCES ? "refused: not root" : strerror(-n));
	return 0;
}

/* irqbalance is configured by environment (Debian: /etc/default/irqbalance) and options. */
static void read_irqbalance_config(const char *root, struct np_kstate *k)
{
	char path[64], buf[16384];
	const char *value;
	int irqs[NP_IRQBALANCE_MAX_BANS], nirqs = 0;
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/environ", k->irqbalance_pid);
	len = read_raw(root, path, buf, sizeof(buf));
	if ((value = environ_value(buf, len, "IRQBALANCE_BANNED_CPULIST")))
		k->irqbalance_banned_cpus_set =
			np_cpulist_parse(value, &k->irqbalance_banned_cpus) == 0;
	else if ((value = environ_value(buf, len, "IRQBALANCE_BANNED_CPUS")))
		k->irqbalance_banned_cpus_set =
			np_cpumask_parse_hex(value, &k->irqbalance_banned_cpus) == 0;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", k->irqbalance_pid);
	len = read_raw(root, path, buf, sizeof(buf));
	for (const char *arg = buf; arg < buf + len && nirqs < (int)NP_ARRAY_SIZE(irqs);
	     arg += strlen(arg) + 1) {
		const char *v = NULL;

		if (!strncmp(arg, "--banirq=", 9))
			v = arg + 9;
		else if (!strcmp(arg, "--banirq") || !strcmp(arg, "-i"))
			v = arg + strlen(arg) + 1 < buf + len ? arg + strlen(arg) + 1 : NULL;
		if (v && *v >= '0' && *v <= '9')
			irqs[nirqs++] = atoi(v);
	}
	nirqs += read_socket_bans(root, k, irqs + nirqs, (int)NP_ARRAY_SIZE(irqs) - nirqs);
	/* the socket's list holds the --banirq ones too: sort and drop the repeats */
	nirqs = np_int_sort_unique(irqs, nirqs);
	np_rangelist_format(irqs, nirqs, k->irqbalance_banned_irqs,
			    sizeof(k->irqbalance_banned_irqs));
}

/* tracefs is mounted at /sys/kernel/tracing, or under debugfs on older setups. */
static enum np_tristate tracepoint_exists(const char *root, const char *category,
					  const char *event)
{
	static const char *const bases[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[PATH_MAX];

	for (size_t i = 0; i < NP_ARRAY_SIZE(bases); i++) {
		snprintf(path, sizeof(path), "%s/events", bases[i]);
		if (!np_exists(root, path))
			continue;
		snprintf(path, sizeof(path), "%s/events/%s/%s", bases[i], category, event);
		return np_exists(root, path) ? NP_YES : NP_NO;
	}
	return NP_UNKNOWN;
}

void np_kstate_discover(const char *root, struct np_kstate *k)
{
	memset(k, 0, sizeof(*k));
	if (np_read_str(root, "/proc/sys/kernel/osrelease", k->release, sizeof(k->release)))
		k->release[0] = '\0';
	read_numa_balancing(root, k);
	read_bracketed(root, "/sys/kernel/mm/transparent_hugepage/enabled", k->thp_enabled,
		       sizeof(k->thp_enabled));
	read_bracketed(root, "/sys/kernel/mm/transparent_hugepage/defrag", k->thp_defrag,
		       sizeof(k->thp_defrag));
	k->irqbalance_pid = np_irqbalance_pid(root);
	if (k->irqbalance_pid)
		read_irqbalance_config(root, k);
	k->btf = np_exists(root, "/sys/kernel/btf/vmlinux") ? NP_YES : NP_NO;
	k->tp_sched_switch = tracepoint_exists(root, "sched", "sched_switch");
	k->tp_page_fault_user = tracepoint_exists(root, "exceptions", "page_fault_user");
}
