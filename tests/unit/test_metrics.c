// SPDX-License-Identifier: GPL-2.0
/*
 * Metrics: the exposition text of a fixture snapshot byte for byte, label escaping, the
 * atomic textfile, listen address checks, and the HTTP listener over real loopback sockets
 * (a scrape, wrong paths and methods, a client that sends nothing, one that reads slowly).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "output/metrics.h"
#include "test.h"

static const char expected_text[] =
	"# HELP numaplace_process_info A managed process now: its pid and comm behind the labels "
	"of its series (1).\n"
	"# TYPE numaplace_process_info gauge\n"
	"numaplace_process_info{match=\"llm\",container=\"0123456789ab\",unit=\"llama.service\","
	"slot=\"0\",pid=\"1234\","
	"comm=\"llama-server\"} 1\n"
	"numaplace_process_info{match=\"cpu-only\",container=\"\",unit=\"\",slot=\"0\",pid=\"77\","
	"comm=\"a\\\"b\\\\c\\nd\"} 1\n"
	"# HELP numaplace_process_remote_ratio Expected share of the process's memory reads that "
	"go to another NUMA node (0-1).\n"
	"# TYPE numaplace_process_remote_ratio gauge\n"
	"numaplace_process_remote_ratio{match=\"llm\",container=\"0123456789ab\",unit=\"llama."
	"service\",slot=\"0\"} 0.25\n"
	"# HELP numaplace_process_pages Resident 4 KiB pages of the process on each NUMA node.\n"
	"# TYPE numaplace_process_pages gauge\n"
	"numaplace_process_pages{match=\"llm\",container=\"0123456789ab\",unit=\"llama.service\","
	"slot=\"0\",node=\"0\"} "
	"1000\n"
	"numaplace_process_pages{match=\"llm\",container=\"0123456789ab\",unit=\"llama.service\","
	"slot=\"0\",node=\"2\"} "
	"3000\n"
	"numaplace_process_pages{match=\"cpu-only\",container=\"\",unit=\"\",slot=\"0\",node=\"0\"}"
	" 5\n"
	"numaplace_process_pages{match=\"cpu-only\",container=\"\",unit=\"\",slot=\"0\",node=\"2\"}"
	" 0\n"
	"# HELP numaplace_process_pages_moved_total Pages numaplace migrated to the process's "
	"target "
	"node.\n"
	"# TYPE numaplace_process_pages_moved_total counter\n"
	"numaplace_process_pages_moved_total{match=\"llm\",container=\"0123456789ab\",unit=\"llama."
	"service\",slot=\"0\"} "
	"2048\n"
	"numaplace_process_pages_moved_total{match=\"cpu-only\",container=\"\",unit=\"\",slot=\"0\""
	"} 0\n"
	"# HELP numaplace_process_pages_pinned Pages of the process pinned long-term (io_uring, "
	"RDMA, CUDA host buffers) that its last memory move had to leave.\n"
	"# TYPE numaplace_process_pages_pinned gauge\n"
	"numaplace_process_pages_pinned{match=\"llm\",container=\"0123456789ab\",unit=\"llama."
	"service\",slot=\"0\"} 512\n"
	"numaplace_process_pages_pinned{match=\"cpu-only\",container=\"\",unit=\"\",slot=\"0\""
	"} 0\n"
	"# HELP numaplace_process_actions_total Placement actions numaplace took on the process, "
	"by "
	"kind.\n"
	"# TYPE numaplace_process_actions_total counter\n"
	"numaplace_process_actions_total{match=\"llm\",container=\"0123456789ab\",unit=\"llama."
	"service\",slot=\"0\","
	"kind=\"threads\"} 2\n"
	"numaplace_process_actions_total{match=\"llm\",container=\"0123456789ab\",unit=\"llama."
	"service\",slot=\"0\","
	"kind=\"memory\"} 1\n"
	"numaplace_process_actions_total{match=\"llm\",container=\"0123456789ab\",unit=\"llama."
	"service\",slot=\"0\","
	"kind=\"irqs\"} 0\n"
	"numaplace_process_actions_total{match=\"cpu-only\",container=\"\",unit=\"\",slot=\"0\","
	"kind=\"threads\"} 0\n"
	"numaplace_process_actions_total{match=\"cpu-only\",container=\"\",unit=\"\",slot=\"0\","
	"kind=\"memory\"} 0\n"
	"numaplace_process_actions_total{match=\"cpu-only\",container=\"\",unit=\"\",slot=\"0\","
	"kind=\"irqs\"} 0\n"
	"# HELP numaplace_process_target_node The NUMA node numaplace places the process on.\n"
	"# TYPE numaplace_process_target_node gauge\n"
	"numaplace_process_target_node{match=\"llm\",container=\"0123456789ab\",unit=\"llama."
	"service\",slot=\"0\"} 2\n"
	"# HELP numaplace_managed_processes Processes numaplace manages.\n"
	"# TYPE numaplace_managed_processes gauge\n"
	"numaplace_managed_processes 2\n"
	"# HELP numaplace_bpf_events_total Events numaplace's BPF programs handled, by program.\n"
	"# TYPE numaplace_bpf_events_total counter\n"
	"numaplace_bpf_events_total{program=\"handle_switch\"} 123456\n"
	"numaplace_bpf_events_total{program=\"handle_fault\"} 42\n"
	"# HELP numaplace_bpf_drops_total Events numaplace's BPF programs could not record: ring "
	"buffer or map full.\n"
	"# TYPE numaplace_bpf_drops_total counter\n"
	"numaplace_bpf_drops_total{kind=\"ring_buffer\"} 3\n"
	"numaplace_bpf_drops_total{kind=\"map\"} 0\n"
	"# HELP numaplace_sampler_attached 1 while numaplace's BPF programs are attached (a "
	"sampling window), else 0.\n"
	"# TYPE numaplace_sampler_attached gauge\n"
	"numaplace_sampler_attached 1\n"
	"# HELP numaplace_sampling_windows_total Sampling windows numaplace opened (programs "
	"attached for them).\n"
	"# TYPE numaplace_sampling_windows_total counter\n"
	"numaplace_sampling_windows_total 4\n"
	"# HELP numaplace_actions_failed_total Placement actions that failed.\n"
	"# TYPE numaplace_actions_failed_total counter\n"
	"numaplace_actions_failed_total 1\n"
	"# HELP numaplace_placements_total Placements numaplace carried out, by config section (a "
	"server placed again and again shows as its rate).\n"
	"# TYPE numaplace_placements_total counter\n"
	"numaplace_placements_total{match=\"llm\"} 3\n"
	"numaplace_placements_total{match=\"a\\\"b\"} 1\n"
	"# HELP numaplace_shared_file_conflicts_total Placements that left a mapped file's shared "
	"pages because the processes sharing it were headed to different nodes.\n"
	"# TYPE numaplace_shared_file_conflicts_total counter\n"
	"numaplace_shared_file_conflicts_total 2\n"
	"# HELP numaplace_cpuset_conflicts_total Placements refused because the process's cgroup "
	"cpuset leaves the target node out (cgroup_cpuset = keep, or a cgroup numaplace may not "
	"rewrite).\n"
	"# TYPE numaplace_cpuset_conflicts_total counter\n"
	"numaplace_cpuset_conflicts_total 3\n"
	"# HELP numaplace_intervals_total Intervals numaplace has completed.\n"
	"# TYPE numaplace_intervals_total counter\n"
	"numaplace_intervals_total 60\n"
	"# HELP numaplace_last_interval_seconds Wall time the work of the last interval took.\n"
	"# TYPE numaplace_last_interval_seconds gauge\n"
	"numaplace_last_interval_seconds 0.3333333333333333\n"
	"# HELP numaplace_agent_cpu_seconds_total CPU time numaplace has used, user and system.\n"
	"# TYPE numaplace_agent_cpu_seconds_total counter\n"
	"numaplace_agent_cpu_seconds_total 1.5\n"
	"# HELP numaplace_agent_rss_bytes Resident memory of numaplace.\n"
	"# TYPE numaplace_agent_rss_bytes gauge\n"
	"numaplace_agent_rss_bytes 12582912\n";

static const struct np_metrics_count placements[] = { { "llm", 3 }, { "a\"b", 1 } };

static void fixture(struct np_metrics *m, struct np_metrics_proc *procs,
		    struct np_metrics_bpf_prog *progs)
{
	memset(m, 0, sizeof(*m));
	memset(procs, 0, 2 * sizeof(*procs));
	memset(progs, 0, 2 * sizeof(*progs));
	/* node ids need not be contiguous */
	m->nnodes = 2;
	m->node_ids[0] = 0;
	m->node_ids[1] = 2;
	procs[0] = (struct np_metrics_proc){ .pid = 1234,
					     .comm = "llama-server",
					     .match = "llm",
					     .container = "0123456789ab",
					     .unit = "llama.service",
					     .remote_ratio = 0.25,
					     .target_node = 2,
					     .pages_moved = 2048,
					     .pages_pinned = 512 };
	procs[0].pages[0] = 1000;
	procs[0].pages[1] = 999; /* not a node of this host: no series */
	procs[0].pages[2] = 3000;
	procs[0].actions[NP_METRICS_ACT_THREADS] = 2;
	procs[0].actions[NP_METRICS_ACT_MEMORY] = 1;
	/* a comm may hold anything; a ratio not known yet and no target leave their lines out */
	procs[1] = (struct np_metrics_proc){.pid = 77,
					    .comm = "a\"b\\c\nd",
					    .match = "cpu-only",
					    .remote_ratio = NAN,
					    .target_node = -1};
	procs[1].pages[0] = 5;
	m->procs = procs;
	m->nprocs = 2;
	snprintf(progs[0].name, sizeof(progs[0].name), "handle_switch");
	progs[0].events = 123456;
	snprintf(progs[1].name, sizeof(progs[1].name), "handle_fault");
	progs[1].events = 42;
	m->bpf_progs = progs;
	m->nbpf_progs = 2;
	m->bpf_ringbuf_drops = 3;
	m->sampler_attached = true;
	m->sampling_windows = 4;
	m->placements = placements;
	m->nplacements = 2;
	m->actions_failed = 1;
	m->shared_file_conflicts = 2;
	m->cpuset_conflicts = 3;
	m->intervals = 60;
	m->last_interval_seconds = 1.0 / 3; /* needs 16 digits to read back the same */
	m->agent_cpu_seconds = 1.5;
	m->agent_rss_bytes = 12 << 20;
}

TEST(metrics_exposition_text)
{
	struct np_metrics m;
	struct np_metrics_proc procs[2];
	struct np_metrics_bpf_prog progs[2];
	char *text;
	size_t len;

	fixture(&m, procs, progs);
	CHECK_INT(np_metrics_format(&m, &text, &len), 0);
	CHECK_STR(text, expected_text);
	CHECK_INT(len, strlen(expected_text));
	free(text);

	/* nobody managed yet: every family still says what it is, the agent-wide ones have values
	 */
	memset(&m, 0, sizeof(m));
	CHECK_INT(np_metrics_format(&m, &text, &len), 0);
	CHECK(strstr(text, "# TYPE numaplace_process_pages gauge\n# HELP "));
	CHECK(strstr(text, "\nnumaplace_managed_processes 0\n"));
	CHECK(strstr(text, "\nnumaplace_last_interval_seconds 0\n"));
	CHECK(!strstr(text, "{pid="));
	free(text);
}

TEST(metrics_full_comm_and_values)
{
	struct np_metrics m = {0};
	struct np_metrics_proc p = {.pid = 1, .remote_ratio = INFINITY, .target_node = 0};
	char *text;
	size_t len;

	/* a comm that fills its array without a NUL, and a match name that does too */
	memcpy(p.comm, "0123456789abcdef", 16);
	memset(p.match, 'm', sizeof(p.match));
	m.procs = &p;
	m.nprocs = 1;
	m.last_interval_seconds = NAN;
	m.agent_cpu_seconds = 1e21;
	CHECK_INT(np_metrics_format(&m, &text, &len), 0);
	CHECK(strstr(text, "{match=\"mmmmmmmmmmmmmmmmmmmmmmmmm"
			   "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm\",container=\"\",unit=\"\","
			   "slot=\"0\"} +Inf\n"));
	CHECK(strstr(text, "unit=\"\",slot=\"0\",pid=\"1\",comm=\"0123456789abcdef\"} 1\n"));
	CHECK(strstr(text, "\nnumaplace_last_interval_seconds NaN\n"));
	CHECK(strstr(text, "\nnumaplace_agent_cpu_seconds_total 1e+21\n"));
	free(text);
}

TEST(metrics_label_escaping)
{
	char out[64];

	CHECK_INT(np_metrics_escape(out, sizeof(out), "plain"), 5);
	CHECK_STR(out, "plain");
	np_metrics_escape(out, sizeof(out), "q\"b\\n\nx");
	CHECK_STR(out, "q\\\"b\\\\n\\nx");
	/* tabs and other bytes the format allows pass as they are; UTF-8 stays */
	np_metrics_escape(out, sizeof(out), "t\tcaf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	CHECK_STR(out, "t\tcaf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* what is not UTF-8 becomes U+FFFD, byte by byte: stray, overlong, surrogate, cut short */
	np_metrics_escape(out, sizeof(out),
			  "a\xff"
			  "b");
	CHECK_STR(out, "a\xef\xbf\xbd"
		       "b");
	np_metrics_escape(out, sizeof(out), "\xc0\xaf");
	CHECK_STR(out, "\xef\xbf\xbd\xef\xbf\xbd");
	np_metrics_escape(out, sizeof(out), "\xed\xa0\x80");
	CHECK_STR(out, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	np_metrics_escape(out, sizeof(out), "x\xe2\x82");
	CHECK_STR(out, "x\xef\xbf\xbd\xef\xbf\xbd");
	np_metrics_escape(out, sizeof(out), "\xf4\x90\x80\x80"); /* above U+10FFFF */
	CHECK_STR(out, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* a short buffer cuts before an escape, never through it */
	CHECK_INT(np_metrics_escape(out, 4, "ab\"c"), 2);
	CHECK_STR(out, "ab");
	CHECK_INT(np_metrics_escape(out, 5, "ab\"c"), 4);
	CHECK_STR(out, "ab\\\"");
}

TEST(metrics_self)
{
	struct np_metrics m = {0};

	CHECK_INT(np_metrics_self(&m), 0);
	CHECK(m.agent_rss_bytes > 100 * 1024);
	CHECK(m.agent_rss_bytes < 1024ULL * 1024 * 1024);
	CHECK(m.agent_cpu_seconds >= 0);
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

TEST(metrics_textfile)
{
	char dir[] = "/tmp/np-metrics-XXXXXX", path[256], sub[256], cmd[300];
	struct stat st;
	mode_t old;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/numaplace.prom", dir);
	old = umask(077); /* node_exporter still gets to read it */
	CHECK_INT(np_metrics_write_textfile(path, "a 1\n", 4), 0);
	umask(old);
	CHECK_STR(slurp(path), "a 1\n");
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0644);
	/* replaced whole, shorter than before, and no temporary file stays */
	CHECK_INT(np_metrics_write_textfile(path, "bb 22\nc 3\n", 10), 0);
	CHECK_INT(np_metrics_write_textfile(path, "d 4\n", 4), 0);
	CHECK_STR(slurp(path), "d 4\n");
	CHECK_INT(entries(dir), 1);
	/* errors come back as -errno and leave nothing behind */
	snprintf(sub, sizeof(sub), "%s/missing/numaplace.prom", dir);
	CHECK_INT(np_metrics_write_textfile(sub, "x\n", 2), -ENOENT);
	snprintf(sub, sizeof(sub), "%s/adir", dir);
	CHECK_INT(mkdir(sub, 0755), 0);
	CHECK_INT(np_metrics_write_textfile(sub, "x\n", 2), -EISDIR);
	CHECK_INT(entries(dir), 2); /* numaplace.prom and adir */
	CHECK_STR(slurp(path), "d 4\n");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}

/* parse spec; returns the error and leaves the message in msg, the port in *port */
static int parse(const char *spec, bool allow, char *msg, size_t msglen, int *port, int *family)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int err;

	msg[0] = '\0';
	err = np_listen_parse(spec, allow, &ss, &len, msg, msglen);
	if (!err) {
		*family = ss.ss_family;
		*port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						       : ((struct sockaddr_in *)&ss)->sin_port);
	}
	return err;
}

#define CHECK_REFUSED(spec, allow, err, text)                                                      \
	do {                                                                                       \
		CHECK_INT(parse(spec, allow, msg, sizeof(msg), &port, &family), err);              \
		if (!strstr(msg, text))                                                            \
			np_test_fail(__FILE__, __LINE__, "%s: '%s' lacks '%s'", spec, msg, text);  \
	} while (0)

TEST(metrics_listen_address)
{
	char msg[256];
	int port = -1, family = -1;

	CHECK_INT(parse("127.0.0.1:9435", false, msg, sizeof(msg), &port, &family), 0);
	CHECK_INT(port, 9435);
	CHECK_INT(family, AF_INET);
	CHECK_INT(parse("[::1]:9435", false, msg, sizeof(msg), &port, &family), 0);
	CHECK_INT(family, AF_INET6);
	CHECK_INT(port, 9435);
	CHECK_INT(parse("127.8.9.10:65535", false, msg, sizeof(msg), &port, &family), 0);
	CHECK_INT(port, 65535);
	CHECK_INT(parse("[::ffff:127.0.0.1]:1", false, msg, sizeof(msg), &port, &family), 0);
	CHECK_INT(parse("127.0.0.1:0", false, msg, sizeof(msg), &port, &family), 0);
	CHECK_INT(port, 0);

	/* not loopback: refused unless allowed, with the message that says how */
	CHECK_INT(parse("0.0.0.0:9435", false, msg, sizeof(msg), &port, &family), -EPERM);
	CHECK_STR(msg, "metrics_listen 0.0.0.0:9435 is not a loopback address; set "
		       "metrics_allow_remote=true to expose it");
	CHECK_INT(parse("0.0.0.0:9435", true, msg, sizeof(msg), &port, &family), 0);
	CHECK_REFUSED("192.168.1.10:9435", false, -EPERM, "not a loopback address");
	CHECK_REFUSED("[::]:9435", false, -EPERM, "not a loopback address");
	CHECK_REFUSED("[::ffff:10.0.0.1]:9435", false, -EPERM, "not a loopback address");

	/* names are not resolved */
	CHECK_REFUSED("localhost:9435", false, -EINVAL,
		      "'localhost' is not a numeric IPv4 address (names are not resolved");
	CHECK_REFUSED("localhost:9435", true, -EINVAL, "names are not resolved");
	CHECK_REFUSED("[127.0.0.1]:9435", false, -EINVAL, "not a numeric IPv6 address");
	CHECK_REFUSED("127.0.0.1:70000", false, -EINVAL, "port 70000 is out of range (0-65535)");
	CHECK_REFUSED("127.0.0.1:123456789012", false, -EINVAL, "out of range");
	CHECK_REFUSED("127.0.0.1:65536", false, -EINVAL, "out of range");
	CHECK_REFUSED("127.0.0.1:", false, -EINVAL, "port '' is not a number");
	CHECK_REFUSED("127.0.0.1:+1", false, -EINVAL, "port '+1' is not a number");
	CHECK_REFUSED("127.0.0.1:http", false, -EINVAL, "not a number");
	CHECK_REFUSED("127.0.0.1", false, -EINVAL, "expected ADDRESS:PORT");
	CHECK_REFUSED("", false, -EINVAL, "expected ADDRESS:PORT");
	CHECK_REFUSED("::1:9435", false, -EINVAL, "IPv6 address goes in brackets");
	CHECK_REFUSED(":9435", false, -EINVAL, "no address before the port");
	CHECK_REFUSED("[::1]9435", false, -EINVAL, "expected [ADDRESS]:PORT");
	CHECK_REFUSED("[::1", false, -EINVAL, "expected [ADDRESS]:PORT");
}

/*
 * Issue 11: an IPv4-mapped address is the IPv4 address it maps (what the listener can bind,
 * so --check-config and the start agree); a port of any length is refused without overflow
 * (-fsanitize=undefined saw a signed overflow on 20 digits).
 */
TEST(metrics_listen_mapped_and_long_port)
{
	char msg[256];
	int port = -1, family = -1;

	CHECK_INT(parse("[::ffff:127.0.0.1]:9435", false, msg, sizeof(msg), &port, &family), 0);
	CHECK_INT(family, AF_INET);
	CHECK_INT(port, 9435);
	CHECK_REFUSED("[::ffff:10.0.0.1]:9435", false, -EPERM, "not a loopback address");
	CHECK_INT(parse("[::ffff:10.0.0.1]:9435", true, msg, sizeof(msg), &port, &family), 0);
	CHECK_INT(family, AF_INET);
	CHECK_REFUSED("127.0.0.1:99999999999999999999", false, -EINVAL, "out of range");
	CHECK_REFUSED("127.0.0.1:999999999999999999999999999999x", false, -EINVAL,
		      "is not a number");
	CHECK_REFUSED("127.0.0.1:065535", false, -EINVAL, "out of range");
}

TEST(metrics_http_route)
{
	bool head;

#define ROUTE(req) np_metrics_http_route(req, strlen(req), &head)
	CHECK_INT(ROUTE("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), 200);
	CHECK(!head);
	CHECK_INT(ROUTE("GET /metrics?name[]=up HTTP/1.0\n\n"), 200);
	CHECK_INT(ROUTE("HEAD /metrics HTTP/1.1\r\n\r\n"), 200);
	CHECK(head);
	CHECK_INT(ROUTE("GET / HTTP/1.1\r\n\r\n"), 404);
	CHECK_INT(ROUTE("GET /metricsx HTTP/1.1\r\n\r\n"), 404);
	CHECK_INT(ROUTE("GET /metrics/ HTTP/1.1\r\n\r\n"), 404);
	CHECK_INT(ROUTE("POST /metrics HTTP/1.1\r\n\r\n"), 405);
	CHECK_INT(ROUTE("DELETE / HTTP/1.1\r\n\r\n"), 405);
	CHECK_INT(ROUTE("GET /metrics\r\n\r\n"), 400); /* HTTP/0.9 */
	CHECK_INT(ROUTE("get /metrics HTTP/1.1\r\n\r\n"), 400);
	CHECK_INT(ROUTE("GET /metrics FTP/1.1\r\n\r\n"), 400);
	CHECK_INT(ROUTE("GET  /metrics HTTP/1.1\r\n\r\n"), 400);
	CHECK_INT(ROUTE("GET /metrics HTTP/1.1"), 400); /* no end of line */
	CHECK_INT(ROUTE("\r\n"), 400);
	CHECK_INT(np_metrics_http_route("\0\1\2\n", 4, &head), 400);
#undef ROUTE
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A blocking TCP client of the listener, with a 3 s receive timeout so no test hangs. */
static int client(int family, int port)
{
	struct sockaddr_storage ss = {.ss_family = family};
	struct timeval tv = {.tv_sec = 3};
	socklen_t len;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_port = htons(port);
		in6->sin6_addr = in6addr_loopback;
		len = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_port = htons(port);
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*in);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (fd >= 0 && connect(fd, (struct sockaddr *)&ss, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int request(int family, int port, const char *req)
{
	int fd = client(family, port);

	if (fd >= 0 && req && send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Everything until the server closes (or the timeout), NUL-terminated; closes fd. */
static size_t response(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (fd >= 0 && n + 1 < size && (r = recv(fd, buf + n, size - 1 - n, 0)) > 0)
		n += r;
	buf[n] = '\0';
	if (fd >= 0)
		close(fd);
	return n;
}

static const char metrics_body[] = "numaplace_managed_processes 1\n";
#define OK_HEAD                                                                                    \
	"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"            \
	"Content-Length: 30\r\nConnection: close\r\n\r\n"

TEST(metrics_http_scrape)
{
	struct np_metrics_http *srv = NULL;
	struct pollfd pfd;
	char msg[256], buf[4096];
	int port, fds[5];
	double t0;

	CHECK_INT(np_metrics_http_open("127.0.0.1:0", false, &srv, msg, sizeof(msg)), 0);
	if (!srv)
		return;
	port = np_metrics_http_port(srv);
	CHECK(port > 0);
	pfd = (struct pollfd){.fd = np_metrics_http_fd(srv), .events = POLLIN};

	/* nobody waiting: the listener is not readable and serve returns at once */
	CHECK_INT(poll(&pfd, 1, 0), 0);
	t0 = now_s();
	CHECK_INT(np_metrics_http_serve(srv, metrics_body, strlen(metrics_body)), 0);
	CHECK(now_s() - t0 < 0.05);

	/* a scrape, the way the daemon sees it: the fd turns readable, serve answers */
	fds[0] = request(AF_INET, port,
			 "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			 "Accept-Encoding: gzip\r\n\r\n");
	CHECK(fds[0] >= 0);
	CHECK_INT(poll(&pfd, 1, 1000), 1);
	CHECK_INT(np_metrics_http_serve(srv, metrics_body, strlen(metrics_body)), 1);
	response(fds[0], buf, sizeof(buf));
	CHECK_STR(buf, OK_HEAD "numaplace_managed_processes 1\n");
	CHECK_INT(poll(&pfd, 1, 0), 0);

	/* several clients in one call, each answered on its own */
	fds[0] = request(AF_INET, port, "HEAD /metrics HTTP/1.1\r\n\r\n");
	fds[1] = request(AF_INET, port, "GET /other HTTP/1.1\r\n\r\n");
	fds[2] = request(AF_INET, port, "PUT /metrics HTTP/1.1\r\n\r\n");
	fds[3] = request(AF_INET, port, "hello\r\n\r\n");
	fds[4] = request(AF_INET, port, "GET /metrics HTTP/1.0\r\n"); /* then closes its side */
	shutdown(fds[4], SHUT_WR);
	CHECK_INT(np_metrics_http_serve(srv, metrics_body, strlen(metrics_body)), 5);
	response(fds[0], buf, sizeof(buf));
	CHECK_STR(buf, OK_HEAD);
	response(fds[1], buf, sizeof(buf));
	CHECK_STR(buf, "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
		       "Content-Length: 39\r\nConnection: close\r\n\r\n"
		       "not found: the metrics are at /metrics\n");
	response(fds[2], buf, sizeof(buf));
	CHECK_STR(buf,
		  "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\n"
		  "Content-Length: 28\r\nAllow: GET, HEAD\r\nConnection: close\r\n\r\n"
		  "method not allowed: use GET\n");
	response(fds[3], buf, sizeof(buf));
	CHECK_STR(buf, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
		       "Content-Length: 12\r\nConnection: close\r\n\r\nbad request\n");
	response(fds[4], buf, sizeof(buf));
	CHECK_STR(buf, OK_HEAD "numaplace_managed_processes 1\n");

	/* a request head that fills the buffer without ending is no scrape */
	{
		char big[NP_METRICS_HTTP_REQUEST_MAX + 1];

		memset(big, 'a', NP_METRICS_HTTP_REQUEST_MAX);
		big[NP_METRICS_HTTP_REQUEST_MAX] = '\0';
		memcpy(big, "GET /metrics HTTP/1.1\r\nX-Pad: ", 30);
		fds[0] = request(AF_INET, port, big);
		CHECK_INT(np_metrics_http_serve(srv, metrics_body, strlen(metrics_body)), 1);
		response(fds[0], buf, sizeof(buf));
		CHECK(!strncmp(buf, "HTTP/1.1 400 Bad Request\r\n", 26));
	}
	np_metrics_http_close(srv);

	/* the port is free again once closed */
	CHECK(request(AF_INET, port, NULL) < 0);
}

TEST(metrics_http_ipv6)
{
	struct np_metrics_http *srv = NULL;
	char msg[256], buf[4096];
	int err, fd;

	err = np_metrics_http_open("[::1]:0", false, &srv, msg, sizeof(msg));
	if (err == -EADDRNOTAVAIL || err == -EAFNOSUPPORT) {
		printf("    (no IPv6 loopback here: %s)\n", msg);
		return;
	}
	CHECK_INT(err, 0);
	if (!srv)
		return;
	fd = request(AF_INET6, np_metrics_http_port(srv), "GET /metrics HTTP/1.1\r\n\r\n");
	CHECK_INT(np_metrics_http_serve(srv, metrics_body, strlen(metrics_body)), 1);
	response(fd, buf, sizeof(buf));
	CHECK_STR(buf, OK_HEAD "numaplace_managed_processes 1\n");
	np_metrics_http_close(srv);
}

TEST(metrics_http_listen_errors)
{
	struct np_metrics_http *a = NULL, *b = NULL;
	char msg[256], spec[64];

	CHECK_INT(np_metrics_http_open("0.0.0.0:0", false, &b, msg, sizeof(msg)), -EPERM);
	CHECK(b == NULL);
	CHECK_INT(np_metrics_http_open("127.0.0.1:0", false, &a, msg, sizeof(msg)), 0);
	if (!a)
		return;
	snprintf(spec, sizeof(spec), "127.0.0.1:%d", np_metrics_http_port(a));
	CHECK_INT(np_metrics_http_open(spec, false, &b, msg, sizeof(msg)), -EADDRINUSE);
	CHECK(strstr(msg, "cannot listen on 127.0.0.1:") != NULL);
	CHECK(strstr(msg, "for metrics: Address already in use") != NULL);
	np_metrics_http_close(a);
}

TEST(metrics_http_silent_client)
{
	struct np_metrics_http *srv = NULL;
	char msg[256], buf[4096];
	int port, silent, good;
	double t0, took;

	CHECK_INT(np_metrics_http_open("127.0.0.1:0", false, &srv, msg, sizeof(msg)), 0);
	if (!srv)
		return;
	np_metrics_http_set_deadline_ms(srv, 150);
	port = np_metrics_http_port(srv);

	/* one client connects and says nothing; the one after it is still answered */
	silent = request(AF_INET, port, NULL);
	good = request(AF_INET, port, "GET /metrics HTTP/1.1\r\n\r\n");
	t0 = now_s();
	CHECK_INT(np_metrics_http_serve(srv, metrics_body, strlen(metrics_body)), 1);
	took = now_s() - t0;
	/* the silent one costs one deadline, no more */
	CHECK(took >= 0.14);
	CHECK(took < 0.5);
	response(good, buf, sizeof(buf));
	CHECK_STR(buf, OK_HEAD "numaplace_managed_processes 1\n");
	/* and is closed: its read ends at once instead of waiting for the 3 s timeout */
	t0 = now_s();
	CHECK_INT(response(silent, buf, sizeof(buf)), 0);
	CHECK(now_s() - t0 < 1);

	/* a client that asks for a large body and never reads it: same deadline */
	{
		size_t size = 32 << 20;
		char *body = malloc(size);

		memset(body, 'x', size);
		silent = request(AF_INET, port, "GET /metrics HTTP/1.1\r\n\r\n");
		t0 = now_s();
		CHECK_INT(np_metrics_http_serve(srv, body, size), 0);
		took = now_s() - t0;
		CHECK(took >= 0.14);
		CHECK(took < 0.5);
		close(silent);
		free(body);
	}
	np_metrics_http_close(srv);
}

/*
 * A child scrapes like a slow, real client: its request comes in two pieces 50 ms apart, and
 * it starts reading a body far larger than the socket buffers only 100 ms later, so the server
 * writes it in many pieces as room appears.
 */
TEST(metrics_http_slow_client_large_body)
{
	struct np_metrics_http *srv = NULL;
	size_t size = 16 << 20;
	char msg[256], *body;
	struct pollfd pfd;
	int port, status = -1;
	pid_t child;

	CHECK_INT(np_metrics_http_open("127.0.0.1:0", false, &srv, msg, sizeof(msg)), 0);
	if (!srv)
		return;
	np_metrics_http_set_deadline_ms(srv, 3000);
	port = np_metrics_http_port(srv);
	body = malloc(size);
	for (size_t i = 0; i < size; i++)
		body[i] = 'a' + i % 26;
	body[size - 1] = '\n';

	child = fork();
	if (child == 0) {
		char *got = malloc(size + 4096), *start;
		int fd = request(AF_INET, port, "GET /met");
		size_t n;

		usleep(50000);
		send(fd, "rics HTTP/1.1\r\n\r\n", 17, MSG_NOSIGNAL);
		usleep(100000);
		n = response(fd, got, size + 4096);
		start = strstr(got, "\r\n\r\n");
		_exit(!start || strncmp(got, "HTTP/1.1 200 OK\r\n", 17) ||
		      !strstr(got, "\r\nContent-Length: 16777216\r\n") ||
		      n - (start + 4 - got) != size || memcmp(start + 4, body, size));
	}
	pfd = (struct pollfd){.fd = np_metrics_http_fd(srv), .events = POLLIN};
	CHECK_INT(poll(&pfd, 1, 3000), 1);
	CHECK_INT(np_metrics_http_serve(srv, body, size), 1);
	CHECK_INT(waitpid(child, &status, 0), child);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(body);
	np_metrics_http_close(srv);
}
