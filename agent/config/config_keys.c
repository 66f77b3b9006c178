// SPDX-License-Identifier: GPL-2.0
/*
 * The keys of the run configuration (see config.h and config_keys.h): what each one
 * accepts and sets, the defaults, the table of match sections, and the command line's
 * ways in (np_config_set_global, np_config_add_cli_match).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_keys.h"
#include "lib/journal.h"
#include "lib/listen.h"
#include "model/model.h"
#include "policy/plan.h"
#include "policy/thresholds.h"

const char *const np_config_global_keys[] = {
	"interval",	"journal",	  "balancing",
	"metrics_file", "metrics_listen", "metrics_allow_remote",
	"log_level",	"max_rate",	  "reserve",
	"pause_ms",
	"trace_window", "trace_every",
};

const char *const np_config_match_keys[] = {
	"process",     "comm",
	"cmdline",     "cgroup",
	"container",   "unit",
	"accelerator", "node",
	"device",      "only",
	"nic",	       "min_rss_mb",
	"min_cpu",     "remote_threshold",
	"sustain",     "min_move_interval",
	"cgroup_cpuset",
	"placement",
};

_Static_assert(NP_ARRAY_SIZE(np_config_global_keys) == NP_G_COUNT, "a name per [global] key");
_Static_assert(NP_ARRAY_SIZE(np_config_match_keys) == NP_M_COUNT, "a name per [match] key");

int np_config_key_index(const char *const *names, int count, const char *key)
{
	for (int i = 0; i < count; i++)
		if (!strcmp(names[i], key))
			return i;
	return -1;
}

/*
 * Values that np_config_print could not write back as they are: control characters (a stray
 * carriage return), and what a file cannot hold (only the command line can give them): a
 * ';' read as the start of a comment, whitespace around the value.
 */
static int check_printable(const char *value, char *msg, size_t msglen)
{
	size_t n = strlen(value);

	if (n && (strchr(" \t", value[0]) || strchr(" \t", value[n - 1])))
		return np_config_reason(msg, msglen,
					"whitespace around the value would be lost in a file");
	for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
		if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
			return np_config_reason(msg, msglen,
						"control character 0x%02x in the value", *c);
		if (*c == ';' &&
		    (c == (const unsigned char *)value || c[-1] == ' ' || c[-1] == '\t'))
			return np_config_reason(msg, msglen,
						"a ';' at the start or after a space starts a "
						"comment: write [;] in a regular expression");
	}
	return 0;
}

int np_config_set_global_key(struct np_config *cfg, enum np_global_key key, const char *value,
			     bool check_remote, char *msg, size_t msglen)
{
	const size_t TEXT = NP_CONFIG_TEXT_MAX;
	double number;
	int err;

	if (check_printable(value, msg, msglen))
		return -EINVAL;
	switch (key) {
	case NP_G_INTERVAL:
		if (!np_config_decimal(value, false, 0.1, 3600, &number))
			return np_config_reason(msg, msglen,
						"expected seconds in 0.1..3600, got \"%s\"", value);
		cfg->interval_s = number;
		return 0;
	case NP_G_JOURNAL:
		return np_config_path(cfg->journal, TEXT, value, false, msg, msglen);
	case NP_G_BALANCING: {
		struct np_balancing b;

		if (np_balancing_parse(value, &b, msg, msglen))
			return -EINVAL;
		if (b.choice == NP_BALANCING_TUNE && !np_config_list_ok(value + strlen("tune:")))
			return np_config_reason(msg, msglen, "tune: an empty item in the list");
		err = np_config_text(cfg->balancing_text, TEXT, value, msg, msglen);
		if (!err)
			cfg->balancing = b;
		return err;
	}
	case NP_G_METRICS_FILE:
		return np_config_path(cfg->metrics_file, TEXT, value, true, msg, msglen);
	case NP_G_METRICS_LISTEN: {
		/* the listener's own parser: what loads here, np_metrics_http_open() takes */
		struct sockaddr_storage addr;
		socklen_t addrlen;

		if (*value &&
		    np_listen_parse(value, cfg->metrics_allow_remote || !check_remote,
					    &addr, &addrlen, msg, msglen))
			return -EINVAL;
		return np_config_text(cfg->metrics_listen, TEXT, value, msg, msglen);
	}
	case NP_G_METRICS_ALLOW_REMOTE:
		if (np_config_bool(value, &cfg->metrics_allow_remote))
			return np_config_reason(msg, msglen, "expected true or false, got \"%s\"",
						value);
		return 0;
	case NP_G_LOG_LEVEL:
		err = np_log_level_parse(value);
		if (err < 0)
			return np_config_reason(
				msg, msglen, "expected error, warning, info or debug, got \"%s\"",
				value);
		cfg->log_level = err;
		return 0;
	case NP_G_MAX_RATE:
		if (!np_config_decimal(value, true, 0, 1000000, &number))
			return np_config_reason(
				msg, msglen,
				"expected MB per second in 0..1000000 (0: no limit), got \"%s\"",
				value);
		cfg->max_rate_mbps = number;
		return 0;
	case NP_G_PAUSE_MS:
		if (!np_config_decimal(value, true, 0, NP_MAX_PAUSE_MS, &number))
			return np_config_reason(
				msg, msglen,
				"expected milliseconds in 0..%d (0: never), got \"%s\"",
				NP_MAX_PAUSE_MS, value);
		cfg->pause_ms = (int)number;
		return 0;
	case NP_G_RESERVE:
		if (!strcmp(value, "auto") || !strcmp(value, "-1")) {
			cfg->reserve_mb = -1;
			return 0;
		}
		if (!np_config_decimal(value, true, 0, 1 << 30, &number))
			return np_config_reason(
				msg, msglen,
				"expected MB in 0..1073741824, or auto for the larger of 5%% "
				"of the node and 256 MB, got \"%s\"",
				value);
		cfg->reserve_mb = (long)number;
		return 0;
	case NP_G_TRACE_WINDOW:
		if (!np_config_decimal(value, false, 0.1, 3600, &number))
			return np_config_reason(msg, msglen,
						"expected seconds in 0.1..3600, got \"%s\"", value);
		cfg->trace_window_s = number;
		return 0;
	case NP_G_TRACE_EVERY:
		if (!np_config_decimal(value, true, 0, 1000000, &number))
			return np_config_reason(msg, msglen,
						"expected intervals in 0..1000000 (0: trace all "
						"the time), got \"%s\"",
						value);
		cfg->trace_every = (int)number;
		return 0;
	case NP_G_COUNT:
		break;
	}
	return -ENOENT;
}

/* One [match] key. line_of: where each key was set (0: not yet), for node vs device. */
/* The thresholds and the hysteresis of a [match] section: numbers within their ranges. */
static int set_threshold_key(struct np_match *m, enum np_match_key key, const char *value,
			     char *msg, size_t msglen)
{
	double number;

	switch (key) {
	case NP_M_MIN_RSS_MB:
		if (!np_config_decimal(value, true, 0, 1 << 30, &number))
			return np_config_reason(msg, msglen,
						"expected MB in 0..1073741824, got \"%s\"", value);
		m->min_rss_mb = (long)number;
		return 0;
	case NP_M_MIN_CPU:
		if (!np_config_decimal(value, false, 0, 4096, &number))
			return np_config_reason(msg, msglen,
						"expected busy CPUs in 0..4096, got \"%s\"", value);
		m->min_cpu = number;
		return 0;
	case NP_M_REMOTE_THRESHOLD:
		if (!np_config_decimal(value, false, 0, 1, &number))
			return np_config_reason(msg, msglen,
						"expected a number in 0..1, got \"%s\"", value);
		m->remote_threshold = number;
		return 0;
	case NP_M_SUSTAIN:
		if (!np_config_decimal(value, true, 1, 1000, &number))
			return np_config_reason(
				msg, msglen,
				"expected a whole number of intervals in 1..1000, got \"%s\"",
				value);
		m->sustain = (int)number;
		return 0;
	case NP_M_MIN_MOVE_INTERVAL:
		if (!np_config_decimal(value, false, 0, 604800, &number))
			return np_config_reason(msg, msglen,
						"expected seconds in 0..604800, got \"%s\"", value);
		m->min_move_interval_s = number;
		return 0;
	default:
		break;
	}
	return -ENOENT;
}

int np_config_set_match_key(struct np_match *m, enum np_match_key key, const char *value,
			    const int *line_of, char *msg, size_t msglen)
{
	const size_t TEXT = NP_CONFIG_TEXT_MAX;
	bool is_short;
	double number;

	if (check_printable(value, msg, msglen))
		return -EINVAL;
	switch (key) {
	case NP_M_PROCESS:
		return np_config_regex(m->process, TEXT, &m->process_re, value, msg, msglen);
	case NP_M_COMM:
		return np_config_regex(m->comm, TEXT, &m->comm_re, value, msg, msglen);
	case NP_M_CMDLINE:
		return np_config_regex(m->cmdline, TEXT, &m->cmdline_re, value, msg, msglen);
	case NP_M_CGROUP:
		return np_config_cgroup(m->cgroup, TEXT, value, msg, msglen);
	case NP_M_CONTAINER:
		return np_config_regex(m->container, TEXT, &m->container_re, value, msg, msglen);
	case NP_M_UNIT:
		return np_config_regex(m->unit, TEXT, &m->unit_re, value, msg, msglen);
	case NP_M_ACCELERATOR:
		if (np_config_bool(value, &m->accelerator))
			return np_config_reason(msg, msglen, "expected true or false, got \"%s\"",
						value);
		return 0;
	case NP_M_NODE:
		if (line_of[NP_M_DEVICE])
			return np_config_reason(
				msg, msglen,
				"device is set too (line %d): give the node or the device",
				line_of[NP_M_DEVICE]);
		if (!np_config_decimal(value, true, 0, NP_MAX_NODES - 1, &number))
			return np_config_reason(msg, msglen,
						"expected a node number in 0..%d, got \"%s\"",
						NP_MAX_NODES - 1, value);
		m->node = (int)number;
		return 0;
	case NP_M_DEVICE:
		if (line_of[NP_M_NODE])
			return np_config_reason(
				msg, msglen,
				"node is set too (line %d): give the node or the device",
				line_of[NP_M_NODE]);
		/*
		 * A full address (nvidia-smi's too) or a GPU UUID; not the short form, whose
		 * meaning depends on the PCI domains of the day
		 */
		if (np_device_name_normalize(value, m->device, sizeof(m->device), &is_short) ||
		    is_short)
			return np_config_reason(
				msg, msglen, "expected a PCI address like 0000:41:00.0, got \"%s\"",
				value);
		return 0;
	case NP_M_ONLY:
		if (!np_config_list_ok(value) || np_plan_parse_only(value, &m->only))
			return np_config_reason(
				msg, msglen,
				"expected a comma-separated list of threads, memory, irqs, "
				"balancing, got \"%s\"",
				value);
		return 0;
	case NP_M_NIC:
		return np_config_nics(m->nics, TEXT, value, msg, msglen);
	case NP_M_CGROUP_CPUSET:
		if (np_cgroup_mode_parse(value, &m->cgroup_cpuset))
			return np_config_reason(msg, msglen,
						"expected keep, move or extend, got \"%s\"", value);
		return 0;
	case NP_M_MIN_RSS_MB:
	case NP_M_MIN_CPU:
	case NP_M_REMOTE_THRESHOLD:
	case NP_M_SUSTAIN:
	case NP_M_MIN_MOVE_INTERVAL:
		return set_threshold_key(m, key, value, msg, msglen);
	case NP_M_PLACEMENT:
		if (np_placement_parse(value, &m->placement))
			return np_config_reason(msg, msglen,
						"expected node, interleave or auto, got \"%s\"",
						value);
		return 0;
	case NP_M_COUNT:
		break;
	}
	return -ENOENT;
}

void np_config_defaults(struct np_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->interval_s = 5;
	strcpy(cfg->journal, NP_JOURNAL_DEFAULT);
	strcpy(cfg->balancing_text, "keep");
	cfg->balancing.choice = NP_BALANCING_KEEP;
	cfg->log_level = NP_LOG_INFO;
	cfg->max_rate_mbps = NP_DEFAULT_MAX_RATE_MBPS;
	cfg->reserve_mb = -1;
	cfg->pause_ms = NP_DEFAULT_PAUSE_MS;
	cfg->trace_window_s = NP_TRACE_WINDOW_DEFAULT_S;
	cfg->trace_every = NP_TRACE_EVERY_DEFAULT;
}

static void match_defaults(struct np_match *m, const char *name, int line)
{
	struct np_thresholds t;

	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->line = line;
	m->node = NP_NO_NODE;
	/* the host's numa_balancing is [global] policy, not one process's */
	m->only = NP_PLAN_ALL & ~NP_PLAN_ONLY_BALANCING;
	/* run's and report's one set (policy/thresholds.h) */
	np_thresholds_default(&t);
	m->min_rss_mb = t.min_rss_mb;
	m->min_cpu = t.min_cpu;
	m->remote_threshold = t.remote_threshold;
	m->sustain = 3;
	m->min_move_interval_s = 300;
}

struct np_match *np_config_find_match(const struct np_config *cfg, const char *name)
{
	for (int i = 0; i < cfg->nmatches; i++)
		if (!strcmp(cfg->matches[i].name, name))
			return &cfg->matches[i];
	return NULL;
}

/* A new match section at the end of the table; NULL when full (or out of memory). */
struct np_match *np_config_add_match(struct np_config *cfg, const char *name, int line)
{
	if (!cfg->matches) {
		cfg->matches = calloc(NP_CONFIG_MAX_MATCHES, sizeof(*cfg->matches));
		if (!cfg->matches)
			return NULL;
	}
	if (cfg->nmatches == NP_CONFIG_MAX_MATCHES)
		return NULL;
	match_defaults(&cfg->matches[cfg->nmatches], name, line);
	return &cfg->matches[cfg->nmatches++];
}

void np_config_free(struct np_config *cfg)
{
	for (int i = 0; i < cfg->nmatches; i++) {
		struct np_match *m = &cfg->matches[i];

		if (m->process[0])
			np_pattern_free(&m->process_re);
		if (m->comm[0])
			np_pattern_free(&m->comm_re);
		if (m->cmdline[0])
			np_pattern_free(&m->cmdline_re);
		if (m->container[0])
			np_pattern_free(&m->container_re);
		if (m->unit[0])
			np_pattern_free(&m->unit_re);
	}
	free(cfg->matches);
	np_config_defaults(cfg);
}

int np_config_set_global(struct np_config *cfg, const char *key, const char *value, char *msg,
			 size_t msglen)
{
	int k = np_config_key_index(np_config_global_keys, NP_G_COUNT, key);

	if (k < 0) {
		np_config_reason(msg, msglen, "unknown [global] key '%s'", key);
		return -ENOENT;
	}
	return np_config_set_global_key(cfg, (enum np_global_key)k, value, true, msg, msglen);
}

int np_config_add_cli_match(struct np_config *cfg, const char *regex, const char *device, int node,
			    char *msg, size_t msglen)
{
	const struct np_match *clash = np_config_find_match(cfg, NP_MATCH_CLI_NAME);
	struct np_match *m;
	char bdf[sizeof(m->device)] = "", why[384];
	bool is_short;

	if (device && node != NP_NO_NODE)
		return np_config_reason(msg, msglen,
					"--device and --node both name the target: give one");
	if (device && np_device_name_normalize(device, bdf, sizeof(bdf), &is_short))
		return np_config_reason(msg, msglen,
					"--device '%s': expected a PCI address like 0000:41:00.0",
					device);
	if (node != NP_NO_NODE && (node < 0 || node >= NP_MAX_NODES))
		return np_config_reason(msg, msglen, "--node %d: expected a node number in 0..%d",
					node, NP_MAX_NODES - 1);
	if (clash && !clash->line)
		return np_config_reason(msg, msglen,
					"--match given twice: one on the command line, more in a "
					"config file");
	if (clash)
		return np_config_reason(msg, msglen,
					"--match: the config file has a [match " NP_MATCH_CLI_NAME
					"] section (line %d); rename it",
					clash->line);
	if (check_printable(regex, why, sizeof(why)))
		return np_config_reason(msg, msglen, "--match: %s", why);
	m = np_config_add_match(cfg, NP_MATCH_CLI_NAME, 0);
	if (!m)
		return np_config_reason(msg, msglen, "--match: more than %d match sections",
					NP_CONFIG_MAX_MATCHES);
	if (np_config_regex(m->process, sizeof(m->process), &m->process_re, regex, why,
			    sizeof(why))) {
		cfg->nmatches--;
		return np_config_reason(msg, msglen, "--match: %s", why);
	}
	strcpy(m->device, bdf);
	m->node = node;
	return 0;
}
