// SPDX-License-Identifier: GPL-2.0
/*
 * Inputs the fuzzers of tests/fuzz/ found to break something, kept as tests once fixed. Each
 * names its harness; the input is the smallest one that showed the fault.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "lib/pages.h"
#include "lib/procfs.h"
#include "test.h"

/* A fixture root holding /proc/1/{stat,comm}; "" when it cannot be made. */
static void proc_root(char *root, size_t len, const char *stat)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(root, len, "%s/np-fuzz-found.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	CHECK(mkdtemp(root) != NULL);
	snprintf(path, sizeof(path), "%s/proc", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/proc/1", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/proc/1/comm", root);
	f = fopen(path, "w");
	CHECK(f && fputs("server\n", f) >= 0 && !fclose(f));
	snprintf(path, sizeof(path), "%s/proc/1/stat", root);
	f = fopen(path, "w");
	CHECK(f && fputs(stat, f) >= 0 && !fclose(f));
}

static void remove_root(const char *root)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK_INT(system(cmd), 0);
}

/*
 * fuzz_procfs: an rss field beyond LONG_MAX (sscanf saturates it) overflowed rss_kb in
 * np_proc_read (UBSan: signed integer overflow); a negative one gave a negative size.
 */
TEST(stat_rss_out_of_range_is_malformed)
{
	static const char *const rss[] = { "18446744073709551615", "9223372036854775807", "-4" };
	char root[PATH_MAX], stat[512];
	struct np_proc_info info;
	struct np_stat st;

	for (size_t i = 0; i < sizeof(rss) / sizeof(rss[0]); i++) {
		snprintf(stat, sizeof(stat),
			 "20388 (tmux: server) R 20385 20385 23805 0 -1 4194304 102 0 0 0 0 0 0 0 "
			 "20 0 1 0 165444 3133440 %s 18446744073709551615\n",
			 rss[i]);
		proc_root(root, sizeof(root), stat);
		CHECK_INT(np_stat_read(root, 1, 0, &st), -EINVAL);
		CHECK_INT(np_proc_read(root, 1, &info), -EINVAL);
		remove_root(root);
	}
	/* the largest rss that still counts in KiB is a size */
	snprintf(stat, sizeof(stat), "1 (x) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 2 4096 %ld\n",
		 LONG_MAX / np_base_page_kb());
	proc_root(root, sizeof(root), stat);
	CHECK_INT(np_proc_read(root, 1, &info), 0);
	CHECK_INT(info.rss_kb, LONG_MAX / np_base_page_kb() * np_base_page_kb());
	remove_root(root);
}

/* Load text as a config file; 0 or the loader's error (msg says why). */
static int load_text(const char *text, struct np_config *cfg, char *msg, size_t msglen)
{
	char path[PATH_MAX];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/np-fuzz-found.conf", getenv("TMPDIR") ?: "/tmp");
	f = fopen(path, "w");
	CHECK(f && fputs(text, f) >= 0 && !fclose(f));
	err = np_config_load(path, cfg, msg, msglen);
	unlink(path);
	return err;
}

/*
 * fuzz_config: `run --check-config` printed 0.00001 as "1e-05", which the loader refuses, and
 * rounded a value to 15 digits, so the printed configuration did not load, or loaded to another
 * number than the one that runs.
 */
TEST(check_config_prints_decimals_that_load_back_exactly)
{
	static const char conf[] = "[global]\ninterval = 1234.56789012345678\n"
				   "[match a]\naccelerator = true\nmin_cpu = 0.00001\n"
				   "remote_threshold = 0.12345678901234567\n"
				   "min_move_interval = 0.000000000000000000000001\n";
	struct np_config cfg, again;
	char msg[512] = "", *text = NULL;
	size_t len;
	FILE *out;

	CHECK_INT(load_text(conf, &cfg, msg, sizeof(msg)), 0);
	out = open_memstream(&text, &len);
	np_config_print(out, &cfg);
	fclose(out);
	CHECK(strstr(text, "min_cpu = 0.00001\n"));
	CHECK(strstr(text, "interval = 5\n") == NULL); /* the file's, not the default */
	CHECK_INT(load_text(text, &again, msg, sizeof(msg)), 0);
	if (!msg[0] && again.nmatches == 1) {
		CHECK(again.interval_s == cfg.interval_s);
		CHECK(again.matches[0].min_cpu == cfg.matches[0].min_cpu);
		CHECK(again.matches[0].remote_threshold == cfg.matches[0].remote_threshold);
		CHECK(again.matches[0].min_move_interval_s == cfg.matches[0].min_move_interval_s);
		np_config_free(&again);
	}
	np_config_free(&cfg);
	free(text);
}

/*
 * fuzz_numa_maps: a line without a space left its policy unset, and the parse counted it
 * under whatever the line before had (or stack garbage: "policy 165383040"). Here that would
 * give bind:1 a second mapping and win the tie with interleave, which came first.
 */
TEST(numa_maps_line_without_a_space_has_default_policy)
{
	struct np_residency res;

	np_numa_maps_parse("1000 interleave:0-1 anon=2 N0=1 N1=1\n"
			   "2000 bind:1 anon=2 N1=2\n"
			   "x\n",
			   &res);
	CHECK_INT(res.policy_kind, NP_MPOL_INTERLEAVE);
	CHECK_INT(res.policy_pages, 2);
	np_numa_maps_parse("7f0ize_kB=4\n", &res);
	CHECK_INT(res.policy_kind, NP_MPOL_DEFAULT);
	CHECK_INT(res.policy_nodes, 0);
}
