// SPDX-License-Identifier: GPL-2.0
/* The run configuration: every key, the defaults, every message, matching, the round trip. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "lib/journal.h"
#include "model/model.h"
#include "act/place.h"
#include "policy/plan.h"
#include "test.h"

static char dir[] = "/tmp/np-config-XXXXXX";
static char conf[PATH_MAX];

static void cleanup(void)
{
	unlink(conf);
	rmdir(dir);
}

/* The test file, rewritten for each case. */
static const char *write_conf(const char *text)
{
	FILE *f;

	if (!conf[0]) {
		if (!mkdtemp(dir)) {
			np_test_fail(__FILE__, __LINE__, "mkdtemp: %s", strerror(errno));
			return "/nonexistent";
		}
		snprintf(conf, sizeof(conf), "%s/numaplace.conf", dir);
		atexit(cleanup);
	}
	f = fopen(conf, "w");
	if (!f) {
		np_test_fail(__FILE__, __LINE__, "%s: %s", conf, strerror(errno));
		return conf;
	}
	fputs(text, f);
	fclose(f);
	return conf;
}

static int load(const char *text, struct np_config *cfg, char *msg, size_t msglen)
{
	msg[0] = '\0';
	return np_config_load(write_conf(text), cfg, msg, msglen);
}

/* Loading text fails with "<file>:<expected>", and leaves defaults that own nothing. */
#define CHECK_LOAD_ERROR(text, expected)                                                           \
	do {                                                                                       \
		struct np_config c_;                                                               \
		char m_[512], want_[PATH_MAX + 512];                                               \
		CHECK_INT(load(text, &c_, m_, sizeof(m_)), -EINVAL);                               \
		snprintf(want_, sizeof(want_), "%s:%s", conf, expected);                           \
		CHECK_STR(m_, want_);                                                              \
		CHECK_INT(c_.nmatches, 0);                                                         \
		CHECK(c_.matches == NULL);                                                         \
		np_config_free(&c_);                                                               \
	} while (0)

static const char rule[] = "[match m]\ncomm = x\n";

TEST(config_defaults)
{
	struct np_config cfg;
	char msg[256];

	np_config_defaults(&cfg);
	CHECK(cfg.interval_s == 5);
	CHECK_STR(cfg.journal, NP_JOURNAL_DEFAULT);
	CHECK_STR(cfg.balancing_text, "keep");
	CHECK_INT(cfg.balancing.choice, NP_BALANCING_KEEP);
	CHECK_STR(cfg.metrics_file, "");
	CHECK_STR(cfg.metrics_listen, "");
	CHECK(!cfg.metrics_allow_remote);
	CHECK_INT(cfg.log_level, NP_LOG_INFO);
	CHECK(cfg.max_rate_mbps == NP_DEFAULT_MAX_RATE_MBPS);
	CHECK_INT(cfg.reserve_mb, -1);
	CHECK_INT(cfg.nmatches, 0);
	np_config_free(&cfg);

	/* an empty file and one of comments only are the defaults */
	CHECK_INT(load("", &cfg, msg, sizeof(msg)), 0);
	CHECK_STR(cfg.path, conf);
	CHECK(cfg.interval_s == 5);
	CHECK_INT(cfg.nmatches, 0);
	np_config_free(&cfg);
	CHECK_INT(load("; comment\n# comment\n\n   \n", &cfg, msg, sizeof(msg)), 0);
	CHECK_INT(cfg.nmatches, 0);
	np_config_free(&cfg);
}

TEST(config_every_global_key)
{
	struct np_config cfg;
	char msg[256];
	int err = load("[global]\n"
		       "interval = 2.5\n"
		       "journal = /var/lib/np/journal\n"
		       "balancing = tune:scan_delay_ms=2000,scan_size_mb=64\n"
		       "metrics_file = /var/lib/node_exporter/numaplace.prom\n"
		       "metrics_listen = [::1]:9464\n"
		       "metrics_allow_remote = yes\n"
		       "log_level = debug\n"
		       "max_rate = 0\n"
		       "reserve = 4096\n",
		       &cfg, msg, sizeof(msg));

	CHECK_INT(err, 0);
	CHECK_STR(msg, "");
	CHECK(cfg.interval_s == 2.5);
	CHECK_STR(cfg.journal, "/var/lib/np/journal");
	CHECK_INT(cfg.balancing.choice, NP_BALANCING_TUNE);
	CHECK(cfg.balancing.set[NP_KNOB_SCAN_DELAY_MS]);
	CHECK_INT(cfg.balancing.value[NP_KNOB_SCAN_DELAY_MS], 2000);
	CHECK_INT(cfg.balancing.value[NP_KNOB_SCAN_SIZE_MB], 64);
	CHECK(!cfg.balancing.set[NP_KNOB_HOT_THRESHOLD_MS]);
	CHECK_STR(cfg.balancing_text, "tune:scan_delay_ms=2000,scan_size_mb=64");
	CHECK_STR(cfg.metrics_file, "/var/lib/node_exporter/numaplace.prom");
	CHECK_STR(cfg.metrics_listen, "[::1]:9464");
	CHECK(cfg.metrics_allow_remote);
	CHECK_INT(cfg.log_level, NP_LOG_DEBUG);
	CHECK(cfg.max_rate_mbps == 0);
	CHECK_INT(cfg.reserve_mb, 4096);
	np_config_free(&cfg);

	/* the other spellings */
	CHECK_INT(load("[global]\nbalancing = off\nlog_level = warning\nreserve = auto\n"
		       "metrics_allow_remote = off\nmetrics_file =\ninterval = 1\n",
		       &cfg, msg, sizeof(msg)),
		  0);
	CHECK_INT(cfg.balancing.choice, NP_BALANCING_OFF);
	CHECK_INT(cfg.log_level, NP_LOG_WARNING);
	CHECK_INT(cfg.reserve_mb, -1);
	CHECK(!cfg.metrics_allow_remote);
	CHECK_STR(cfg.metrics_file, "");
	CHECK(cfg.interval_s == 1);
	np_config_free(&cfg);
	CHECK_INT(load("[global]\nlog_level = error\nreserve = -1\nbalancing = on\n", &cfg, msg,
		       sizeof(msg)),
		  0);
	CHECK_INT(cfg.log_level, NP_LOG_ERR);
	CHECK_INT(cfg.reserve_mb, -1);
	CHECK_INT(cfg.balancing.choice, NP_BALANCING_ON);
	np_config_free(&cfg);
}

TEST(config_every_match_key)
{
	struct np_config cfg;
	char msg[256];
	const struct np_match *m;
	int err = load("[match llama]\n"
		       "process = ^llama\n"
		       "comm = ^llama-server$\n"
		       "cmdline = --model [^ ]+\\.gguf\n"
		       "cgroup = /system.slice/llama.service/\n"
		       "accelerator = true\n"
		       "device = 0000:C1:00.0\n"
		       "only = threads,irqs,balancing\n"
		       "nic = eth0, ens1f0\n"
		       "min_rss_mb = 1024\n"
		       "min_cpu = 2.5\n"
		       "remote_threshold = 0.5\n"
		       "sustain = 5\n"
		       "min_move_interval = 600\n"
		       "\n"
		       "[match vllm]\n"
		       "node = 3\n"
		       "cmdline = vllm\n",
		       &cfg, msg, sizeof(msg));

	CHECK_INT(err, 0);
	CHECK_STR(msg, "");
	CHECK_INT(cfg.nmatches, 2);
	m = &cfg.matches[0];
	CHECK_STR(m->name, "llama");
	CHECK_INT(m->line, 1);
	CHECK_STR(m->process, "^llama");
	CHECK_STR(m->comm, "^llama-server$");
	CHECK_STR(m->cmdline, "--model [^ ]+\\.gguf");
	CHECK_STR(m->cgroup, "/system.slice/llama.service"); /* trailing slash dropped */
	CHECK(m->accelerator);
	CHECK_STR(m->device, "0000:c1:00.0"); /* as sysfs spells it */
	CHECK_INT(m->node, NP_NO_NODE);
	CHECK_INT(m->only, NP_PLAN_ONLY_THREADS | NP_PLAN_ONLY_IRQS | NP_PLAN_ONLY_BALANCING);
	CHECK_STR(m->nics, "eth0,ens1f0");
	CHECK_INT(m->min_rss_mb, 1024);
	CHECK(m->min_cpu == 2.5);
	CHECK(m->remote_threshold == 0.5);
	CHECK_INT(m->sustain, 5);
	CHECK(m->min_move_interval_s == 600);
	/* the regexes are compiled */
	CHECK(np_match_process(m, "llama-server",
			       "/opt/llama-server --model /m/llama-3-8b.gguf --port 8080",
			       "/system.slice/llama.service", true));
	CHECK(!np_match_process(m, "llama-server", "/opt/llama-server --model /m/x.bin",
				"/system.slice/llama.service", true));

	m = &cfg.matches[1];
	CHECK_STR(m->name, "vllm");
	CHECK_INT(m->line, 16);
	CHECK_INT(m->node, 3);
	CHECK_STR(m->device, "");
	np_config_free(&cfg);
	CHECK_INT(cfg.nmatches, 0);
	CHECK(cfg.matches == NULL);
}

TEST(config_match_defaults)
{
	struct np_config cfg;
	char msg[256];
	const struct np_match *m;

	CHECK_INT(load("[match a]\naccelerator = true\n", &cfg, msg, sizeof(msg)), 0);
	CHECK_INT(cfg.nmatches, 1);
	m = &cfg.matches[0];
	CHECK_STR(m->process, "");
	CHECK_STR(m->comm, "");
	CHECK_STR(m->cmdline, "");
	CHECK_STR(m->cgroup, "");
	CHECK_INT(m->node, NP_NO_NODE);
	CHECK_STR(m->device, "");
	CHECK_INT(m->only, NP_PLAN_ONLY_THREADS | NP_PLAN_ONLY_MEMORY | NP_PLAN_ONLY_IRQS);
	CHECK_STR(m->nics, "");
	CHECK_INT(m->min_rss_mb, 256);
	CHECK(m->min_cpu == 0.5);
	CHECK(m->remote_threshold == 0.30);
	CHECK_INT(m->sustain, 3);
	CHECK(m->min_move_interval_s == 300);
	np_config_free(&cfg);
}

TEST(config_layout_indent_comments_crlf_bom)
{
	struct np_config cfg;
	char msg[256];

	/* indented keys are keys (never the continuation of the value above them) */
	CHECK_INT(load("[global]\n"
		       "\tinterval = 7 ; inline comment\n"
		       "    log_level = debug\n"
		       "  # an indented comment\n"
		       "  [match a]\n"
		       "\tcomm = a\n"
		       "\tcmdline = b\n",
		       &cfg, msg, sizeof(msg)),
		  0);
	CHECK_STR(msg, "");
	CHECK(cfg.interval_s == 7);
	CHECK_INT(cfg.log_level, NP_LOG_DEBUG);
	CHECK_INT(cfg.nmatches, 1);
	CHECK_STR(cfg.matches[0].comm, "a");
	CHECK_STR(cfg.matches[0].cmdline, "b");
	np_config_free(&cfg);

	CHECK_INT(load("\xEF\xBB\xBF[global]\r\ninterval = 3\r\n[ match  b ] ; comment\r\n"
		       "comm=b\r\n",
		       &cfg, msg, sizeof(msg)),
		  0);
	CHECK_STR(msg, "");
	CHECK(cfg.interval_s == 3);
	CHECK_INT(cfg.nmatches, 1);
	CHECK_STR(cfg.matches[0].name, "b");
	CHECK_STR(cfg.matches[0].comm, "b");
	np_config_free(&cfg);

	/* a value may hold '=' and ':' */
	CHECK_INT(load("[match a]\ncmdline = --host=0.0.0.0:8080\n", &cfg, msg, sizeof(msg)), 0);
	CHECK_STR(cfg.matches[0].cmdline, "--host=0.0.0.0:8080");
	np_config_free(&cfg);
}

TEST(config_global_value_errors)
{
	CHECK_LOAD_ERROR("[global]\ninterval = soon\n",
			 "2: [global] interval: expected seconds in 0.1..3600, got \"soon\"");
	CHECK_LOAD_ERROR("[global]\n\ninterval = 0\n",
			 "3: [global] interval: expected seconds in 0.1..3600, got \"0\"");
	CHECK_LOAD_ERROR("[global]\ninterval = 1e3\n",
			 "2: [global] interval: expected seconds in 0.1..3600, got \"1e3\"");
	CHECK_LOAD_ERROR("[global]\ninterval = 3601\n",
			 "2: [global] interval: expected seconds in 0.1..3600, got \"3601\"");
	CHECK_LOAD_ERROR("[global]\ninterval =\n",
			 "2: [global] interval: expected seconds in 0.1..3600, got \"\"");
	CHECK_LOAD_ERROR("[global]\njournal = run/journal\n",
			 "2: [global] journal: expected an absolute path, got \"run/journal\"");
	CHECK_LOAD_ERROR("[global]\njournal =\n",
			 "2: [global] journal: expected an absolute path, got \"\"");
	CHECK_LOAD_ERROR("[global]\nbalancing = auto\n",
			 "2: [global] balancing: 'auto': expected keep, off, on or "
			 "tune:KEY=VALUE,...");
	CHECK_LOAD_ERROR("[global]\nbalancing = tune:scan_speed=1\n",
			 "2: [global] balancing: tune: unknown key 'scan_speed' (known: "
			 "scan_delay_ms, scan_period_min_ms, scan_period_max_ms, scan_size_mb, "
			 "hot_threshold_ms)");
	CHECK_LOAD_ERROR("[global]\nmetrics_file = metrics.prom\n",
			 "2: [global] metrics_file: expected an absolute path or nothing, got "
			 "\"metrics.prom\"");
	/* the metrics listener's own messages, which name the key */
	CHECK_LOAD_ERROR("[global]\nmetrics_listen = 9464\n",
			 "2: [global] metrics_listen '9464': expected ADDRESS:PORT, e.g. "
			 "127.0.0.1:9435");
	CHECK_LOAD_ERROR("[global]\nmetrics_listen = 127.0.0.1:http\n",
			 "2: [global] metrics_listen 127.0.0.1:http: port 'http' is not a number");
	CHECK_LOAD_ERROR("[global]\nmetrics_listen = 127.0.0.1:65536\n",
			 "2: [global] metrics_listen 127.0.0.1:65536: port 65536 is out of range "
			 "(0-65535)");
	CHECK_LOAD_ERROR(
		"[global]\nmetrics_listen = prometheus.lan:9464\n",
		"2: [global] metrics_listen prometheus.lan:9464: 'prometheus.lan' is not a "
		"numeric IPv4 address (names are not resolved: use 127.0.0.1 or [::1])");
	CHECK_LOAD_ERROR("[global]\nmetrics_allow_remote = maybe\n",
			 "2: [global] metrics_allow_remote: expected true or false, got \"maybe\"");
	CHECK_LOAD_ERROR("[global]\nlog_level = verbose\n",
			 "2: [global] log_level: expected error, warning, info or debug, got "
			 "\"verbose\"");
	CHECK_LOAD_ERROR("[global]\nmax_rate = -5\n",
			 "2: [global] max_rate: expected MB per second in 0..1000000 (0: no "
			 "limit), got \"-5\"");
	CHECK_LOAD_ERROR("[global]\nmax_rate = 1.5\n",
			 "2: [global] max_rate: expected MB per second in 0..1000000 (0: no "
			 "limit), got \"1.5\"");
	CHECK_LOAD_ERROR("[global]\nreserve = lots\n",
			 "2: [global] reserve: expected MB in 0..1073741824, or auto for the "
			 "larger of 5% of the node and 256 MB, got \"lots\"");
	CHECK_LOAD_ERROR("[global]\nreserve = -2\n",
			 "2: [global] reserve: expected MB in 0..1073741824, or auto for the "
			 "larger of 5% of the node and 256 MB, got \"-2\"");
}

TEST(config_match_value_errors)
{
	CHECK_LOAD_ERROR("[match llama]\ncomm = x\nremote_threshold = x\n",
			 "3: [match llama] remote_threshold: expected a number in 0..1, got \"x\"");
	CHECK_LOAD_ERROR("[match llama]\ncomm = x\nremote_threshold = 1.5\n",
			 "3: [match llama] remote_threshold: expected a number in 0..1, got "
			 "\"1.5\"");
	CHECK_LOAD_ERROR("[match a]\ncomm = (\n",
			 "2: [match a] comm: invalid regular expression \"(\": Unmatched ( or \\(");
	CHECK_LOAD_ERROR("[match a]\ncmdline = [a-\n",
			 "2: [match a] cmdline: invalid regular expression \"[a-\": Unmatched [, "
			 "[^, [:, [., or [=");
	CHECK_LOAD_ERROR("[match a]\nprocess = a{2,1}\n",
			 "2: [match a] process: invalid regular expression \"a{2,1}\": Invalid "
			 "content of \\{\\}");
	CHECK_LOAD_ERROR("[match a]\ncomm =\n",
			 "2: [match a] comm: expected a regular expression, got \"\"");
	CHECK_LOAD_ERROR("[match a]\ncgroup = system.slice\n",
			 "2: [match a] cgroup: expected an absolute cgroup path like "
			 "/system.slice/llama.service, got \"system.slice\"");
	CHECK_LOAD_ERROR("[match a]\ncgroup = /a//b\n",
			 "2: [match a] cgroup: expected an absolute cgroup path like "
			 "/system.slice/llama.service, got \"/a//b\"");
	CHECK_LOAD_ERROR("[match a]\ncgroup = /a/../b\n",
			 "2: [match a] cgroup: expected an absolute cgroup path like "
			 "/system.slice/llama.service, got \"/a/../b\"");
	CHECK_LOAD_ERROR("[match a]\ncgroup = /a/.\n",
			 "2: [match a] cgroup: expected an absolute cgroup path like "
			 "/system.slice/llama.service, got \"/a/.\"");
	CHECK_LOAD_ERROR("[match a]\ncgroup = /a/b\r/c\n",
			 "2: [match a] cgroup: control character 0x0d in the value");
	CHECK_LOAD_ERROR("[match a]\ncomm =;x\n",
			 "2: [match a] comm: a ';' at the start or after a space starts a comment: "
			 "write [;] in a regular expression");
	CHECK_LOAD_ERROR("[match a]\ncgroup = /a/ /\n",
			 "2: [match a] cgroup: a cgroup path ending in whitespace, \"/a/ /\", is "
			 "surely a mistake");
	CHECK_LOAD_ERROR("[match a]\naccelerator = 2\n",
			 "2: [match a] accelerator: expected true or false, got \"2\"");
	CHECK_LOAD_ERROR("[match a]\nnode = 64\n",
			 "2: [match a] node: expected a node number in 0..63, got \"64\"");
	CHECK_LOAD_ERROR("[match a]\nnode = one\n",
			 "2: [match a] node: expected a node number in 0..63, got \"one\"");
	CHECK_LOAD_ERROR("[match a]\ndevice = 41:00.0\n",
			 "2: [match a] device: expected a PCI address like 0000:41:00.0, got "
			 "\"41:00.0\"");
	CHECK_LOAD_ERROR("[match a]\ndevice = 0000:41:20.0\n",
			 "2: [match a] device: expected a PCI address like 0000:41:00.0, got "
			 "\"0000:41:20.0\"");
	CHECK_LOAD_ERROR("[match a]\ncomm = x\nnode = 1\ndevice = 0000:41:00.0\n",
			 "4: [match a] device: node is set too (line 3): give the node or the "
			 "device");
	CHECK_LOAD_ERROR("[match a]\ndevice = 0000:41:00.0\ncomm = x\nnode = 1\n",
			 "4: [match a] node: device is set too (line 2): give the node or the "
			 "device");
	CHECK_LOAD_ERROR("[match a]\nonly = threads,cache\n",
			 "2: [match a] only: expected a comma-separated list of threads, memory, "
			 "irqs, balancing, got \"threads,cache\"");
	CHECK_LOAD_ERROR("[match a]\nonly = memory,memory\n",
			 "2: [match a] only: expected a comma-separated list of threads, memory, "
			 "irqs, balancing, got \"memory,memory\"");
	CHECK_LOAD_ERROR("[match a]\nonly =\n",
			 "2: [match a] only: expected a comma-separated list of threads, memory, "
			 "irqs, balancing, got \"\"");
	CHECK_LOAD_ERROR("[match a]\nnic = eth0,,eth1\n",
			 "2: [match a] nic: expected interface names separated by commas, got "
			 "\"eth0,,eth1\"");
	CHECK_LOAD_ERROR("[match a]\nnic = eth0,averyveryverylongname\n",
			 "2: [match a] nic: \"averyveryverylongname\" is not an interface name (1 "
			 "to 15 characters, no '/', ':' or spaces)");
	CHECK_LOAD_ERROR("[match a]\nnic = eth0:1\n",
			 "2: [match a] nic: \"eth0:1\" is not an interface name (1 to 15 "
			 "characters, no '/', ':' or spaces)");
	CHECK_LOAD_ERROR("[match a]\nnic = eth0,eth0\n",
			 "2: [match a] nic: interface \"eth0\" given twice");
	CHECK_LOAD_ERROR("[match a]\nmin_rss_mb = 1.5\n",
			 "2: [match a] min_rss_mb: expected MB in 0..1073741824, got \"1.5\"");
	CHECK_LOAD_ERROR("[match a]\nmin_cpu = -1\n",
			 "2: [match a] min_cpu: expected busy CPUs in 0..4096, got \"-1\"");
	CHECK_LOAD_ERROR("[match a]\nsustain = 0\n",
			 "2: [match a] sustain: expected a whole number of intervals in 1..1000, "
			 "got \"0\"");
	CHECK_LOAD_ERROR("[match a]\nmin_move_interval = 5m\n",
			 "2: [match a] min_move_interval: expected seconds in 0..604800, got "
			 "\"5m\"");
}

TEST(config_structure_errors)
{
	CHECK_LOAD_ERROR("[globals]\n",
			 "1: [globals]: unknown section; expected [global] or [match NAME]");
	CHECK_LOAD_ERROR("[matches]\n",
			 "1: [matches]: unknown section; expected [global] or [match NAME]");
	CHECK_LOAD_ERROR("[global]\nintervall = 5\n",
			 "2: [global] intervall: unknown key (known: interval, journal, "
			 "balancing, metrics_file, metrics_listen, metrics_allow_remote, "
			 "log_level, max_rate, reserve, pause_ms, trace_window, trace_every)");
	CHECK_LOAD_ERROR("[match a]\ncomm = x\nthreshold = 0.5\n",
			 "3: [match a] threshold: unknown key (known: process, comm, cmdline, "
			 "cgroup, container, unit, accelerator, node, device, only, nic, "
			 "min_rss_mb, min_cpu, "
			 "remote_threshold, sustain, min_move_interval, cgroup_cpuset, placement)");
	/* a global key in a match section is not silently taken */
	CHECK_LOAD_ERROR("[match a]\ncomm = x\ninterval = 5\n",
			 "3: [match a] interval: unknown key (known: process, comm, cmdline, "
			 "cgroup, container, unit, accelerator, node, device, only, nic, "
			 "min_rss_mb, min_cpu, "
			 "remote_threshold, sustain, min_move_interval, cgroup_cpuset, placement)");
	CHECK_LOAD_ERROR("interval = 5\n[global]\n",
			 "1: interval: outside a section; put it under [global] or [match NAME]");
	CHECK_LOAD_ERROR("[global]\ninterval = 5\n; again\ninterval = 6\n",
			 "4: [global] interval: given twice (first on line 2)");
	CHECK_LOAD_ERROR("[match a]\ncomm = x\ncomm = y\n",
			 "3: [match a] comm: given twice (first on line 2)");
	CHECK_LOAD_ERROR("[global]\n[match a]\ncomm = x\n[global]\n",
			 "4: [global]: given twice (first on line 1)");
	CHECK_LOAD_ERROR("[match a]\ncomm = x\n\n[match a]\ncomm = y\n",
			 "4: [match a]: given twice (first on line 1)");
	CHECK_LOAD_ERROR(
		"[match]\ncomm = x\n",
		"1: [match ]: expected [match NAME], NAME of 1 to 32 letters, digits, '_', "
		"'-' or '.'");
	CHECK_LOAD_ERROR("[match a b]\ncomm = x\n",
			 "1: [match a b]: expected [match NAME], NAME of 1 to 32 letters, digits, "
			 "'_', '-' or '.'");
	CHECK_LOAD_ERROR(
		"[match a23456789012345678901234567890123]\ncomm = x\n",
		"1: [match a23456789012345678901234567890123]: expected [match NAME], NAME "
		"of 1 to 32 letters, digits, '_', '-' or '.'");
	/* a match without a rule would take every process on the host */
	CHECK_LOAD_ERROR("[match a]\nnode = 1\n[global]\n",
			 "1: [match a]: no rule; give at least one of process, comm, cmdline, "
			 "cgroup, container, unit, accelerator = true");
	CHECK_LOAD_ERROR("[global]\n[match empty]\n",
			 "2: [match empty]: no rule; give at least one of process, comm, cmdline, "
			 "cgroup, container, unit, accelerator = true");
	CHECK_LOAD_ERROR("[match a]\naccelerator = false\n",
			 "1: [match a]: no rule; give at least one of process, comm, cmdline, "
			 "cgroup, container, unit, accelerator = true");
	CHECK_LOAD_ERROR("[global]\n= 5\n", "2: expected KEY = VALUE, got no key before the '='");
	CHECK_LOAD_ERROR("[global]\ninterval\n",
			 "2: expected [SECTION] or KEY = VALUE, got \"interval\"");
	CHECK_LOAD_ERROR("[global\ninterval = 5\n", "1: expected ']' to close the section header");
	CHECK_LOAD_ERROR("[global] interval = 5\n",
			 "1: unexpected text after the section header: \"interval = 5\"");
	/* the first error is the one reported */
	CHECK_LOAD_ERROR("[global]\nbogus\ninterval = x\n",
			 "2: expected [SECTION] or KEY = VALUE, got \"bogus\"");
	CHECK_LOAD_ERROR("[global]\ninterval = x\nbogus\n",
			 "2: [global] interval: expected seconds in 0.1..3600, got \"x\"");
	/* a rule-less match whose only line is garbage: the garbage is what to fix */
	CHECK_LOAD_ERROR("[match a]\ncomm ~ x\n",
			 "2: expected [SECTION] or KEY = VALUE, got \"comm ~ x\"");
}

TEST(config_metrics_listen_loopback)
{
	struct np_config cfg;
	char msg[256];

	CHECK_LOAD_ERROR("[global]\nmetrics_listen = 0.0.0.0:9464\n",
			 "2: [global] metrics_listen 0.0.0.0:9464 is not a loopback address; set "
			 "metrics_allow_remote=true to expose it");
	CHECK_LOAD_ERROR("[global]\nmetrics_listen = [::]:9464\nmetrics_allow_remote = false\n",
			 "2: [global] metrics_listen [::]:9464 is not a loopback address; set "
			 "metrics_allow_remote=true to expose it");
	/* allowed, whichever key comes first */
	CHECK_INT(load("[global]\nmetrics_listen = 0.0.0.0:9464\nmetrics_allow_remote = true\n",
		       &cfg, msg, sizeof(msg)),
		  0);
	CHECK_STR(cfg.metrics_listen, "0.0.0.0:9464");
	np_config_free(&cfg);
	CHECK_INT(load("[global]\nmetrics_allow_remote = 1\nmetrics_listen = 10.0.0.1:9464\n", &cfg,
		       msg, sizeof(msg)),
		  0);
	np_config_free(&cfg);
	/* loopback needs no permission; port 0 is any free port */
	CHECK_INT(load("[global]\nmetrics_listen = 127.1.2.3:0\n", &cfg, msg, sizeof(msg)), 0);
	CHECK_STR(cfg.metrics_listen, "127.1.2.3:0");
	np_config_free(&cfg);
	CHECK_INT(load("[global]\nmetrics_listen = [::1]:9464\n", &cfg, msg, sizeof(msg)), 0);
	np_config_free(&cfg);
}

TEST(config_file_errors)
{
	struct np_config cfg;
	char msg[512], want[PATH_MAX + 64], path[PATH_MAX + 16], *big;
	FILE *f;

	CHECK_INT(np_config_load("/nonexistent/numaplace.conf", &cfg, msg, sizeof(msg)), -ENOENT);
	CHECK_STR(msg, "/nonexistent/numaplace.conf: No such file or directory");
	CHECK_INT(cfg.nmatches, 0);
	write_conf(""); /* makes the directory */
	CHECK_INT(np_config_load(dir, &cfg, msg, sizeof(msg)), -EISDIR);
	snprintf(want, sizeof(want), "%s: Is a directory", dir);
	CHECK_STR(msg, want);

	/* NUL bytes: not a text file */
	f = fopen(conf, "w");
	fwrite("[global]\n\0\n", 1, 11, f);
	fclose(f);
	CHECK_INT(np_config_load(conf, &cfg, msg, sizeof(msg)), -EINVAL);
	snprintf(want, sizeof(want), "%s: contains NUL bytes, not a text file", conf);
	CHECK_STR(msg, want);

	/* over 1 MiB: refused before parsing */
	snprintf(path, sizeof(path), "%s.big", conf);
	big = malloc((1 << 20) + 2);
	memset(big, '\n', (1 << 20) + 2);
	f = fopen(path, "w");
	fwrite(big, 1, (1 << 20) + 2, f);
	fclose(f);
	free(big);
	CHECK_INT(np_config_load(path, &cfg, msg, sizeof(msg)), -EFBIG);
	CHECK(strstr(msg, "larger than 1048576 bytes") != NULL);
	unlink(path);

	/* a line longer than inih's buffer is refused, never cut in two */
	{
		char text[600];

		snprintf(text, sizeof(text), "[match a]\ncmdline = %0300d\n", 0);
		CHECK_LOAD_ERROR(text, "2: line longer than 198 characters");
	}
}

TEST(config_too_many_matches)
{
	size_t cap = 80 * 32, used = 0;
	char *text = malloc(cap);
	char want[64];

	for (int i = 0; i <= NP_CONFIG_MAX_MATCHES; i++)
		used += (size_t)snprintf(text + used, cap - used, "[match m%d]\ncomm = x\n", i);
	snprintf(want, sizeof(want), "%d: [match m64]: more than 64 match sections",
		 2 * NP_CONFIG_MAX_MATCHES + 1);
	CHECK_LOAD_ERROR(text, want);
	free(text);
}

TEST(config_cli_match)
{
	struct np_config cfg;
	char msg[256];
	const struct np_match *m;

	/* no file: defaults plus the command line's match */
	np_config_defaults(&cfg);
	CHECK_INT(np_config_add_cli_match(&cfg, "llama|vllm", NULL, NP_NO_NODE, msg, sizeof(msg)),
		  0);
	CHECK_INT(cfg.nmatches, 1);
	m = &cfg.matches[0];
	CHECK_STR(m->name, "cli");
	CHECK_INT(m->line, 0);
	CHECK_STR(m->process, "llama|vllm");
	CHECK_INT(m->node, NP_NO_NODE);
	CHECK_STR(m->device, "");
	CHECK_INT(m->min_rss_mb, 256);
	/* comm OR cmdline */
	CHECK(np_match_process(m, "llama-server", "/opt/bin/server", NULL, false));
	CHECK(np_match_process(m, "python3", "python3 -m vllm.entrypoints.api_server", NULL,
			       false));
	CHECK(!np_match_process(m, "python3", "python3 train.py", NULL, false));
	/* a second --match is a second [match cli]: refused */
	CHECK_INT(np_config_add_cli_match(&cfg, "x", NULL, NP_NO_NODE, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "--match given twice: one on the command line, more in a config file");
	np_config_free(&cfg);

	np_config_defaults(&cfg);
	CHECK_INT(np_config_add_cli_match(&cfg, "llama", "0000:41:00.0", NP_NO_NODE, msg,
					  sizeof(msg)),
		  0);
	CHECK_STR(cfg.matches[0].device, "0000:41:00.0");
	np_config_free(&cfg);
	np_config_defaults(&cfg);
	CHECK_INT(np_config_add_cli_match(&cfg, "llama", NULL, 1, msg, sizeof(msg)), 0);
	CHECK_INT(cfg.matches[0].node, 1);
	np_config_free(&cfg);

	/* errors leave the config as it was */
	np_config_defaults(&cfg);
	CHECK_INT(np_config_add_cli_match(&cfg, "(", NULL, NP_NO_NODE, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "--match: invalid regular expression \"(\": Unmatched ( or \\(");
	CHECK_INT(cfg.nmatches, 0);
	CHECK_INT(np_config_add_cli_match(&cfg, "a", "0000:41:00.9", NP_NO_NODE, msg, sizeof(msg)),
		  -EINVAL);
	CHECK_STR(msg, "--device '0000:41:00.9': expected a PCI address like 0000:41:00.0");
	CHECK_INT(cfg.nmatches, 0);
	CHECK_INT(np_config_add_cli_match(&cfg, "a", "0000:41:00.0", 1, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "--device and --node both name the target: give one");
	CHECK_INT(np_config_add_cli_match(&cfg, "a", NULL, 64, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "--node 64: expected a node number in 0..63");
	CHECK_INT(np_config_add_cli_match(&cfg, "", NULL, NP_NO_NODE, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "--match: expected a regular expression, got \"\"");
	CHECK_INT(np_config_add_cli_match(&cfg, "a ;b", NULL, NP_NO_NODE, msg, sizeof(msg)),
		  -EINVAL);
	CHECK_STR(msg, "--match: a ';' at the start or after a space starts a comment: write [;] "
		       "in a regular expression");
	CHECK_INT(np_config_add_cli_match(&cfg, "llama ", NULL, NP_NO_NODE, msg, sizeof(msg)),
		  -EINVAL);
	CHECK_STR(msg, "--match: whitespace around the value would be lost in a file");
	CHECK_INT(np_config_add_cli_match(&cfg, "a;b", NULL, NP_NO_NODE, msg, sizeof(msg)), 0);
	CHECK_STR(cfg.matches[0].process, "a;b");
	np_config_free(&cfg);
	CHECK_INT(cfg.nmatches, 0);
	np_config_free(&cfg);

	/* with a file: added after its sections, and a [match cli] of the file clashes */
	CHECK_INT(load(rule, &cfg, msg, sizeof(msg)), 0);
	CHECK_INT(np_config_add_cli_match(&cfg, "y", NULL, 0, msg, sizeof(msg)), 0);
	CHECK_INT(cfg.nmatches, 2);
	CHECK_STR(cfg.matches[1].name, "cli");
	np_config_free(&cfg);
	CHECK_INT(load("\n[match cli]\ncomm = x\n", &cfg, msg, sizeof(msg)), 0);
	CHECK_INT(np_config_add_cli_match(&cfg, "y", NULL, 0, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "--match: the config file has a [match cli] section (line 2); rename it");
	CHECK_INT(cfg.nmatches, 1);
	np_config_free(&cfg);
}

TEST(config_set_global_overrides)
{
	struct np_config cfg;
	char msg[256];

	CHECK_INT(load("[global]\ninterval = 10\nmetrics_allow_remote = true\n", &cfg, msg,
		       sizeof(msg)),
		  0);
	CHECK_INT(np_config_set_global(&cfg, "interval", "1", msg, sizeof(msg)), 0);
	CHECK(cfg.interval_s == 1);
	CHECK_INT(np_config_set_global(&cfg, "balancing", "off", msg, sizeof(msg)), 0);
	CHECK_INT(cfg.balancing.choice, NP_BALANCING_OFF);
	CHECK_STR(cfg.balancing_text, "off");
	/* the file allowed remote metrics */
	CHECK_INT(np_config_set_global(&cfg, "metrics_listen", "0.0.0.0:9464", msg, sizeof(msg)),
		  0);
	CHECK_INT(np_config_set_global(&cfg, "metrics_listen", "", msg, sizeof(msg)), 0);
	CHECK_STR(cfg.metrics_listen, "");
	/* a failed override changes nothing */
	CHECK_INT(np_config_set_global(&cfg, "balancing", "tune:", msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "tune: expected KEY=VALUE,... after 'tune:'");
	CHECK_INT(cfg.balancing.choice, NP_BALANCING_OFF);
	CHECK_INT(np_config_set_global(&cfg, "interval", "0", msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "expected seconds in 0.1..3600, got \"0\"");
	CHECK(cfg.interval_s == 1);
	CHECK_INT(np_config_set_global(&cfg, "speed", "1", msg, sizeof(msg)), -ENOENT);
	CHECK_STR(msg, "unknown [global] key 'speed'");
	np_config_free(&cfg);

	/* by default --metrics-listen is loopback only */
	np_config_defaults(&cfg);
	CHECK_INT(np_config_set_global(&cfg, "metrics_listen", "0.0.0.0:9464", msg, sizeof(msg)),
		  -EINVAL);
	CHECK_STR(msg, "metrics_listen 0.0.0.0:9464 is not a loopback address; set "
		       "metrics_allow_remote=true to expose it");
	CHECK_STR(cfg.metrics_listen, "");
	CHECK_INT(np_config_set_global(&cfg, "metrics_listen", "127.0.0.1:9464", msg, sizeof(msg)),
		  0);
	CHECK_INT(np_config_set_global(&cfg, "metrics_file", "/run/np.prom", msg, sizeof(msg)), 0);
	CHECK_STR(cfg.metrics_file, "/run/np.prom");
	np_config_free(&cfg);
}

TEST(config_match_process_rules)
{
	struct np_config cfg;
	char msg[256];
	const struct np_match *both, *cg, *root, *accel;

	CHECK_INT(load("[match both]\ncomm = ^python\ncmdline = vllm\n"
		       "[match cg]\ncgroup = /system.slice/llama.service\n"
		       "[match root]\ncgroup = /\n"
		       "[match accel]\naccelerator = true\ncomm = srv\n",
		       &cfg, msg, sizeof(msg)),
		  0);
	CHECK_STR(msg, "");
	both = &cfg.matches[0];
	cg = &cfg.matches[1];
	root = &cfg.matches[2];
	accel = &cfg.matches[3];

	/* every rule that is set must hold */
	CHECK(np_match_process(both, "python3", "python3 -m vllm", NULL, false));
	CHECK(!np_match_process(both, "python3", "python3 train.py", NULL, false));
	CHECK(!np_match_process(both, "vllm", "vllm serve", NULL, false));
	/* no cmdline (kernel thread, zombie): the cmdline rule fails */
	CHECK(!np_match_process(both, "python3", NULL, NULL, false));
	CHECK(!np_match_process(both, "python3", "", NULL, false));

	/* cgroup prefixes go by whole path components */
	CHECK(np_match_process(cg, "x", "x", "/system.slice/llama.service", false));
	CHECK(np_match_process(cg, "x", "x", "/system.slice/llama.service/worker", false));
	CHECK(!np_match_process(cg, "x", "x", "/system.slice/llama.service2", false));
	CHECK(!np_match_process(cg, "x", "x", "/system.slice", false));
	CHECK(!np_match_process(cg, "x", "x", NULL, false));
	CHECK(np_match_process(root, "x", "x", "/user.slice/user-1000.slice", false));
	CHECK(np_match_process(root, "x", "x", "/", false));
	CHECK(!np_match_process(root, "x", "x", NULL, false));

	CHECK(np_match_process(accel, "srv", "srv", NULL, true));
	CHECK(!np_match_process(accel, "srv", "srv", NULL, false));
	CHECK(!np_match_process(accel, "other", "srv", NULL, true));

	/* size and CPU thresholds: at least the minimum */
	CHECK(np_match_big_enough(both, 256, 0.5));
	CHECK(!np_match_big_enough(both, 255.9, 8));
	CHECK(!np_match_big_enough(both, 4096, 0.49));
	np_config_free(&cfg);
}

/* np_config_print's output as a string (caller frees). */
static char *print_to_string(const struct np_config *cfg)
{
	FILE *f = tmpfile();
	long len;
	char *text;

	np_config_print(f, cfg);
	len = ftell(f);
	text = calloc(1, (size_t)len + 1);
	rewind(f);
	if (fread(text, 1, (size_t)len, f) != (size_t)len)
		np_test_fail(__FILE__, __LINE__, "short read of the printed config");
	fclose(f);
	return text;
}

TEST(config_print_round_trip)
{
	struct np_config cfg, again;
	char msg[256], *first, *second, *body, *cli_note;

	CHECK_INT(load("[global]\ninterval = 0.5\nbalancing = tune:scan_size_mb=64\n"
		       "metrics_listen = 127.0.0.1:9464\nlog_level = debug\nmax_rate = 200\n"
		       "reserve = 1024\n"
		       "[match llama]\ncomm = ^llama\ncmdline = gguf\ncgroup = /a.slice/\n"
		       "accelerator = yes\ndevice = 0000:41:00.0\nonly = memory\nnic = eth0,eth1\n"
		       "min_rss_mb = 0\nmin_cpu = 0.25\nremote_threshold = 0.1\nsustain = 1\n"
		       "min_move_interval = 0\n"
		       "[match plain]\nprocess = vllm\nnode = 1\n"
		       "[match auto]\naccelerator = true\n",
		       &cfg, msg, sizeof(msg)),
		  0);
	CHECK_STR(msg, "");
	CHECK_INT(np_config_add_cli_match(&cfg, "server", NULL, 0, msg, sizeof(msg)), 0);
	first = print_to_string(&cfg);
	CHECK(strstr(first, "[global]\ninterval = 0.5\n") != NULL);
	CHECK(strstr(first, "balancing = tune:scan_size_mb=64\n") != NULL);
	CHECK(strstr(first, "reserve = 1024\n") != NULL);
	CHECK(strstr(first,
		     "[match llama]\ncomm = ^llama\ncmdline = gguf\ncgroup = /a.slice\n"
		     "accelerator = true\ndevice = 0000:41:00.0\nonly = memory\n"
		     "nic = eth0,eth1\nmin_rss_mb = 0\nmin_cpu = 0.25\n"
		     "remote_threshold = 0.1\nsustain = 1\nmin_move_interval = 0\n") != NULL);
	CHECK(strstr(first, "[match plain]\nprocess = vllm\naccelerator = false\nnode = 1\n"
			    "only = threads,memory,irqs\n") != NULL);
	CHECK(strstr(first, "[match auto]\naccelerator = true\n; no node or device") != NULL);
	CHECK(strstr(first,
		     "[match cli]\n; from --match on the command line\nprocess = server\n") !=
	      NULL);

	/* the printed form loads back to the same configuration (the cli match included) */
	/* the first line names the source file; the cli match's comment says where it came from */
	body = strchr(first, '\n') + 1;
	cli_note = strstr(body, "; from --match on the command line\n");
	CHECK(cli_note != NULL);
	if (cli_note)
		memmove(cli_note, cli_note + 35, strlen(cli_note + 35) + 1);
	CHECK_INT(load(body, &again, msg, sizeof(msg)), 0);
	CHECK_STR(msg, "");
	second = print_to_string(&again);
	CHECK_STR(strchr(second, '\n') + 1, body);
	CHECK_INT(again.nmatches, 4);
	np_config_free(&again);
	free(second);
	free(first);
	np_config_free(&cfg);

	/* defaults only */
	np_config_defaults(&cfg);
	first = print_to_string(&cfg);
	CHECK_STR(first, "; numaplace run: effective configuration (no file)\n"
			 "[global]\ninterval = 5\njournal = /run/numaplace/journal\n"
			 "balancing = keep\nmetrics_file = \nmetrics_listen = \n"
			 "metrics_allow_remote = false\nlog_level = info\nmax_rate = 1024\n"
			 "reserve = auto\npause_ms = 50\n");
	free(first);
}

TEST(config_bdf_parser)
{
	char bdf[24];

	CHECK_INT(np_parse_bdf("0000:41:00.0", bdf, sizeof(bdf)), 0);
	CHECK_STR(bdf, "0000:41:00.0");
	CHECK_INT(np_parse_bdf("10000:E1:1F.7", bdf, sizeof(bdf)), 0); /* VMD domain */
	CHECK_STR(bdf, "10000:e1:1f.7");
	CHECK_INT(np_parse_bdf("41:00.0", bdf, sizeof(bdf)), -EINVAL);
	CHECK_INT(np_parse_bdf("0000:41:00.8", bdf, sizeof(bdf)), -EINVAL);
	CHECK_INT(np_parse_bdf("0000:41:00.0 ", bdf, sizeof(bdf)), -EINVAL);
	CHECK_INT(np_parse_bdf("0000:4g:00.0", bdf, sizeof(bdf)), -EINVAL);
	CHECK_INT(np_parse_bdf("000:41:00.0", bdf, sizeof(bdf)), -EINVAL);
	CHECK_INT(np_parse_bdf("", bdf, sizeof(bdf)), -EINVAL);
}

/* dist/numaplace.conf, as installed and with every '#' setting and example switched on. */
TEST(config_example_file_loads)
{
	struct np_config cfg;
	char msg[512], line[512];
	size_t cap = 1 << 16, used = 0;
	char *all = calloc(1, cap);
	FILE *f = fopen("dist/numaplace.conf", "r");

	if (!f) {
		np_test_fail(__FILE__, __LINE__,
			     "dist/numaplace.conf: %s (run from the top "
			     "directory)",
			     strerror(errno));
		free(all);
		return;
	}
	fclose(f);
	CHECK_INT(np_config_load("dist/numaplace.conf", &cfg, msg, sizeof(msg)), 0);
	CHECK_INT(cfg.nmatches, 1);
	CHECK_STR(cfg.matches[0].name, "accelerated");
	CHECK(cfg.matches[0].accelerator);
	CHECK_INT(cfg.matches[0].min_rss_mb, 1024);
	CHECK(cfg.interval_s == 5);
	np_config_free(&cfg);

	f = fopen("dist/numaplace.conf", "r");
	while (f && fgets(line, sizeof(line), f))
		used += (size_t)snprintf(all + used, cap - used, "%s", line + (line[0] == '#'));
	if (f)
		fclose(f);
	CHECK_INT(load(all, &cfg, msg, sizeof(msg)), 0);
	CHECK_STR(msg, "");
	CHECK_INT(cfg.nmatches, 3);
	CHECK_STR(cfg.metrics_listen, "127.0.0.1:9435");
	CHECK_STR(cfg.metrics_file, "/var/lib/prometheus/node-exporter/numaplace.prom");
	CHECK_STR(cfg.matches[1].comm, "^llama-server$");
	CHECK_STR(cfg.matches[2].device, "0000:41:00.0");
	CHECK_STR(cfg.matches[2].nics, "ens1f0");
	np_config_free(&cfg);
	free(all);
}

/* device = what operators copy from nvidia-smi: its 8-digit domain, a GPU UUID (issue 12). */
TEST(config_device_names_operators_copy)
{
	struct np_config cfg;
	char msg[512];

	CHECK_INT(load("[match a]\ncomm = x\ndevice = 00000000:41:00.0\n", &cfg, msg, sizeof(msg)),
		  0);
	CHECK_STR(cfg.matches[0].device, "0000:41:00.0"); /* as sysfs spells it */
	np_config_free(&cfg);
	CHECK_INT(load("[match a]\ncomm = x\ndevice = GPU-8c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b\n",
		       &cfg, msg, sizeof(msg)),
		  0);
	CHECK_STR(cfg.matches[0].device, "GPU-8c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b");
	np_config_free(&cfg);
	CHECK_LOAD_ERROR("[match a]\ndevice = GPU-x\n",
			 "2: [match a] device: expected a PCI address like 0000:41:00.0, got "
			 "\"GPU-x\"");
	/* run --match R --device: the short form too, resolved against the host at the start */
	np_config_defaults(&cfg);
	CHECK_INT(np_config_add_cli_match(&cfg, "llama", "C1:00.0", NP_NO_NODE, msg, sizeof(msg)),
		  0);
	CHECK_STR(cfg.matches[0].device, "c1:00.0");
	np_config_free(&cfg);
	np_config_defaults(&cfg);
	CHECK_INT(np_config_add_cli_match(&cfg, "llama", "GPU-8c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b",
					  NP_NO_NODE, msg, sizeof(msg)),
		  0);
	CHECK_STR(cfg.matches[0].device, "GPU-8c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b");
	np_config_free(&cfg);
}

TEST(config_cgroup_cpuset_key)
{
	struct np_config cfg;
	char msg[512];

	CHECK_INT(load("[match a]\ncomm = x\ncgroup = /system.slice\ncgroup_cpuset = move\n"
		       "[match b]\ncomm = y\n",
		       &cfg, msg, sizeof(msg)),
		  0);
	CHECK_INT(cfg.nmatches, 2);
	if (cfg.nmatches == 2) {
		CHECK_INT(cfg.matches[0].cgroup_cpuset, NP_CGROUP_MOVE);
		CHECK_STR(cfg.matches[0].cgroup, "/system.slice"); /* the prefix rule is apart */
		CHECK_INT(cfg.matches[1].cgroup_cpuset, NP_CGROUP_KEEP); /* the default */
	}
	np_config_free(&cfg);
	CHECK_LOAD_ERROR("[match a]\ncgroup_cpuset = replace\n",
			 "2: [match a] cgroup_cpuset: expected keep, move or extend, got "
			 "\"replace\"");
	CHECK_LOAD_ERROR("[global]\ncgroup_cpuset = move\n",
			 "2: [global] cgroup_cpuset: unknown key (known: interval, journal, "
			 "balancing, metrics_file, metrics_listen, metrics_allow_remote, "
			 "log_level, max_rate, reserve, pause_ms, trace_window, trace_every)");
}

TEST(config_pause_ms_key)
{
	struct np_config cfg;
	char msg[256];

	np_config_defaults(&cfg);
	CHECK_INT(cfg.pause_ms, NP_DEFAULT_PAUSE_MS);
	CHECK_INT(load("[global]\npause_ms = 0\n", &cfg, msg, sizeof(msg)), 0);
	CHECK_INT(cfg.pause_ms, 0);
	np_config_free(&cfg);
	CHECK_INT(load("[global]\npause_ms = 100\n", &cfg, msg, sizeof(msg)), 0);
	CHECK_INT(cfg.pause_ms, 100);
	np_config_free(&cfg);
	CHECK(load("[global]\npause_ms = -1\n", &cfg, msg, sizeof(msg)) != 0);
	CHECK(strstr(msg, "expected milliseconds in 0..10000 (0: never)") != NULL);
	CHECK(load("[global]\npause_ms = 5.5\n", &cfg, msg, sizeof(msg)) != 0);
}
