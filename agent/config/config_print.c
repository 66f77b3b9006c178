// SPDX-License-Identifier: GPL-2.0
/*
 * The effective run configuration as INI (`run --check-config`): every key, defaults
 * included, in a form np_config_load reads back to the same configuration, so what is
 * shown is exactly what runs.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "policy/plan.h"

/*
 * A number as the loader takes it (plain decimal: "%g" would print 0.00001 as "1e-05", which
 * np_config_decimal refuses) with the fewest digits that read back as the same double (a
 * fixed "%.15g" rounds away the 16th and 17th): what --check-config shows is what runs.
 */
static void print_decimal(FILE *out, const char *key, double value)
{
	char text[384];
	int digits, exp, decimals;

	for (digits = 1; digits < 17; digits++) {
		snprintf(text, sizeof(text), "%.*e", digits - 1, value);
		if (strtod(text, NULL) == value)
			break;
	}
	snprintf(text, sizeof(text), "%.*e", digits - 1, value);
	exp = atoi(strchr(text, 'e') + 1);
	decimals = digits - 1 - exp;
	fprintf(out, "%s = %.*f\n", key, decimals > 0 ? decimals : 0, value);
}

static void print_only(FILE *out, unsigned int only)
{
	static const char *const parts[] = {"threads", "memory", "irqs", "balancing"};
	const char *sep = "";

	fputs("only = ", out);
	for (unsigned int i = 0; i < 4; i++) {
		if (only & (1u << i)) {
			fprintf(out, "%s%s", sep, parts[i]);
			sep = ",";
		}
	}
	fputc('\n', out);
}

static void print_match(FILE *out, const struct np_match *m)
{
	fprintf(out, "\n[match %s]\n", m->name);
	if (!m->line)
		fputs("; from --match on the command line\n", out);
	if (m->process[0])
		fprintf(out, "process = %s\n", m->process);
	if (m->comm[0])
		fprintf(out, "comm = %s\n", m->comm);
	if (m->cmdline[0])
		fprintf(out, "cmdline = %s\n", m->cmdline);
	if (m->cgroup[0])
		fprintf(out, "cgroup = %s\n", m->cgroup);
	if (m->container[0])
		fprintf(out, "container = %s\n", m->container);
	if (m->unit[0])
		fprintf(out, "unit = %s\n", m->unit);
	fprintf(out, "accelerator = %s\n", m->accelerator ? "true" : "false");
	if (m->device[0])
		fprintf(out, "device = %s\n", m->device);
	else if (m->node >= 0)
		fprintf(out, "node = %d\n", m->node);
	else
		fputs("; no node or device: the model chooses (the accelerator's node, else the "
		      "memory's)\n",
		      out);
	print_only(out, m->only);
	fprintf(out, "nic = %s\n", m->nics);
	fprintf(out, "min_rss_mb = %ld\n", m->min_rss_mb);
	print_decimal(out, "min_cpu", m->min_cpu);
	print_decimal(out, "remote_threshold", m->remote_threshold);
	fprintf(out, "sustain = %d\n", m->sustain);
	print_decimal(out, "min_move_interval", m->min_move_interval_s);
	if (m->cgroup_cpuset != NP_CGROUP_KEEP)
		fprintf(out, "cgroup_cpuset = %s\n", np_cgroup_mode_name(m->cgroup_cpuset));
	fprintf(out, "placement = %s\n", np_placement_name(m->placement));
}

void np_config_print(FILE *out, const struct np_config *cfg)
{
	fprintf(out, "; numaplace run: effective configuration (%s%s)\n",
		cfg->path[0] ? "file " : "no file", cfg->path);
	fputs("[global]\n", out);
	print_decimal(out, "interval", cfg->interval_s);
	fprintf(out, "journal = %s\n", cfg->journal);
	fprintf(out, "balancing = %s\n", cfg->balancing_text);
	fprintf(out, "metrics_file = %s\n", cfg->metrics_file);
	fprintf(out, "metrics_listen = %s\n", cfg->metrics_listen);
	fprintf(out, "metrics_allow_remote = %s\n", cfg->metrics_allow_remote ? "true" : "false");
	fprintf(out, "log_level = %s\n", np_log_level_name(cfg->log_level));
	fprintf(out, "max_rate = %.0f\n", cfg->max_rate_mbps);
	if (cfg->reserve_mb < 0)
		fputs("reserve = auto\n", out);
	else
		fprintf(out, "reserve = %ld\n", cfg->reserve_mb);
	fprintf(out, "pause_ms = %d\n", cfg->pause_ms);
	/* the duty cycle's keys only when set: the defaults' printed form stays as it was */
	if (cfg->trace_window_s != NP_TRACE_WINDOW_DEFAULT_S)
		print_decimal(out, "trace_window", cfg->trace_window_s);
	if (cfg->trace_every != NP_TRACE_EVERY_DEFAULT)
		fprintf(out, "trace_every = %d\n", cfg->trace_every);
	for (int i = 0; i < cfg->nmatches; i++)
		print_match(out, &cfg->matches[i]);
}
