/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration of `numaplace run`: an INI file (read with libinih) with one [global]
 * section and named [match NAME] sections, each a rule for which processes to manage and the
 * policy for them. The command-line form `--match REGEX [--device DEV | --node N]` is one
 * more match section named "cli". Loading is strict: unknown sections and keys, keys given
 * twice and bad values are errors whose message names file, line, section and key, so a
 * typo never silently turns into a default. Regexes are compiled once, at load, and run
 * with a bounded budget (lib/pattern.h).
 */
#ifndef NP_CONFIG_H
#define NP_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/cgroup_id.h"
#include "lib/log.h"
#include "lib/pattern.h"
#include "policy/balancing.h"
#include "policy/cpuset_fix.h"
#include "policy/interleave.h"
#include "topo/device_name.h"

#define NP_CONFIG_DEFAULT_PATH "/etc/numaplace/numaplace.conf"
#define NP_CONFIG_MAX_MATCHES  64
#define NP_MATCH_NAME_MAX      32
#define NP_CONFIG_TEXT_MAX     256
#define NP_MATCH_CLI_NAME      "cli"

/* A [match NAME] section. A process is managed when every rule that is set holds. */
struct np_match {
	char name[NP_MATCH_NAME_MAX + 1];
	int line; /* of its [match NAME] header; 0 when it comes from the command line */

	/* Rules; "" / false when not set. Regexes: POSIX extended as PCRE2 reads it, unanchored. */
	char process[NP_CONFIG_TEXT_MAX];	 /* comm or cmdline matches (what --match sets) */
	char comm[NP_CONFIG_TEXT_MAX];		 /* on /proc/PID/comm */
	char cmdline[NP_CONFIG_TEXT_MAX];	 /* on the arguments joined by spaces */
	struct np_pattern process_re, comm_re, cmdline_re; /* compiled when the text is set */
	char cgroup[NP_CONFIG_TEXT_MAX];	 /* cgroup v2 path prefix, whole components */
	/*
	 * On the container id (lib/cgroup_id.h): the 64 hex digits or the 12-digit short form
	 * docker ps shows; a runtime's monitor (conmon) and a process in no container never match.
	 */
	char container[NP_CONFIG_TEXT_MAX];
	char unit[NP_CONFIG_TEXT_MAX]; /* on the systemd unit: "vllm.service", "session-3.scope" */
	struct np_pattern container_re, unit_re;
	bool accelerator;			 /* only processes with an accelerator open */

	/* Policy. */
	int node;		       /* target node, NP_NO_NODE (-1): see device / the model */
	/* target the node of this device (np_device_name_normalize), "" when not set */
	char device[NP_DEVICE_NAME_MAX];
	unsigned int only;	       /* NP_PLAN_ONLY_* bits */
	char nics[NP_CONFIG_TEXT_MAX]; /* interfaces whose IRQs follow, comma list, "" none */
	long min_rss_mb;	       /* smaller processes are left alone */
	double min_cpu;		       /* so are processes keeping fewer CPUs busy */
	double remote_threshold;       /* act when the remote ratio stays above this ... */
	int sustain;		       /* ... for this many intervals in a row */
	double min_move_interval_s;    /* between two moves of one process */
	/* a cpuset that leaves the target node out: keep (refused, logged), move, extend */
	enum np_cgroup_mode cgroup_cpuset;
	enum np_placement placement;   /* one node, interleaved over all, or as suits it */
};

#define NP_TRACE_WINDOW_DEFAULT_S 10
#define NP_TRACE_EVERY_DEFAULT	  60

struct np_config {
	char path[NP_CONFIG_TEXT_MAX]; /* the file it was loaded from, "" for defaults only */
	double interval_s;
	char journal[NP_CONFIG_TEXT_MAX];
	char balancing_text[NP_CONFIG_TEXT_MAX]; /* as given, for printing */
	struct np_balancing balancing;		 /* host-wide, while running */
	char metrics_file[NP_CONFIG_TEXT_MAX];	 /* Prometheus textfile, "" none */
	char metrics_listen[NP_CONFIG_TEXT_MAX]; /* for np_metrics_http_open(), "" none */
	bool metrics_allow_remote;
	int log_level;	      /* NP_LOG_ERR ... NP_LOG_DEBUG (log.h) */
	double max_rate_mbps; /* 0: no limit */
	long reserve_mb;      /* < 0: the plan's default */
	int pause_ms;	      /* place's --pause-ms for every process run places (0: never) */
	/* run traces (BPF attached) only in windows of trace_window_s: for a new or moving
	 * process, and a check every trace_every intervals (0: traces all the time) */
	double trace_window_s;
	int trace_every;
	int nmatches;
	struct np_match *matches; /* in file order, the command line's last; entries never move */
};

/*
 * A struct np_config may be moved by assignment (reload: cfg = fresh): the match table stays
 * where it is on the heap. Free exactly one of the copies.
 */

/* Defaults, no match section. */
void np_config_defaults(struct np_config *cfg);

/*
 * Defaults, then the file at path (*cfg is overwritten: free an old configuration first, or
 * load into another struct). Returns 0; -EINVAL with "FILE:LINE: [SECTION] KEY: reason" in
 * msg; -errno with "FILE: strerror" when it cannot be read. On error *cfg is defaults and
 * owns nothing, so a reload can load into a fresh struct and keep the old one on failure.
 * A file without match sections is valid: the caller decides whether --match makes up for it.
 */
int np_config_load(const char *path, struct np_config *cfg, char *msg, size_t msglen);

/*
 * Set one [global] key as the file would (command-line overrides: --interval,
 * --balancing, --metrics-file, ...). -EINVAL with the reason in msg (no key prefix); -ENOENT
 * for an unknown key.
 */
int np_config_set_global(struct np_config *cfg, const char *key, const char *value, char *msg,
			 size_t msglen);

/*
 * `--match REGEX [--device DEV | --node N]`: a [match cli] section whose process rule is
 * REGEX (comm or cmdline), other keys at their defaults. device NULL and node NP_NO_NODE
 * when not given. -EINVAL with the reason in msg (bad regex or device name, both targets, a [match
 * cli] already in the file, too many sections).
 */
int np_config_add_cli_match(struct np_config *cfg, const char *regex, const char *device, int node,
			    char *msg, size_t msglen);

/* Release the compiled regexes and the match table; *cfg is defaults afterwards. */
void np_config_free(struct np_config *cfg);

/*
 * The effective configuration as an INI file that loads back to the same thing: every key
 * of every section, defaults included (for `run --check-config`).
 */
void np_config_print(FILE *out, const struct np_config *cfg);

/*
 * Whether a process meets a match's rules (pure). comm: /proc/PID/comm; cmdline: the
 * arguments joined by spaces ("" or NULL for kernel threads and zombies); cgroup: its
 * cgroup v2 path ("/system.slice/x.service", NULL when unknown); has_accel: it has an
 * accelerator open. Size and CPU thresholds are separate: np_match_big_enough.
 */
bool np_match_process(const struct np_match *m, const char *comm, const char *cmdline,
		      const char *cgroup, bool has_accel);
/*
 * The same with the identity np_cgroup_identify gave for cgroup, for the container and unit
 * rules (id NULL: not known, so those rules do not hold).
 */
bool np_match_process_id(const struct np_match *m, const char *comm, const char *cmdline,
			 const char *cgroup, const struct np_cgroup_id *id, bool has_accel);

/* At least min_rss_mb resident and min_cpu CPUs busy (measured over an interval). */
bool np_match_big_enough(const struct np_match *m, double rss_mb, double busy_cpus);

/* The thresholds of a section a process falls below, as bits (0: big enough). */
enum { NP_BELOW_RSS = 1, NP_BELOW_CPU = 2 };
int np_match_below(const struct np_match *m, double rss_mb, double busy_cpus);

/*
 * A comma-separated list with no empty item: "a,b", never "", "a,", ",a" or "a,,b" (pure).
 * The lists of the file and of the command line (--only, tune:) are read the same way.
 */
bool np_config_list_ok(const char *text);

/* DOMAIN:BUS:DEV.FN, lowercased into bdf (pure). 0, -EINVAL or -ENAMETOOLONG. */
int np_parse_bdf(const char *text, char *bdf, size_t len);

#endif
