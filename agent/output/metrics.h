/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Metrics of `numaplace run` in the Prometheus text exposition format 0.0.4: the daemon fills a
 * plain snapshot (struct np_metrics) once per interval, np_metrics_format() turns it into text
 * (pure), and the text goes to a textfile for node_exporter's textfile collector (replaced by an
 * atomic rename, so a scrape never sees half a file) and/or to an HTTP listener on a loopback
 * address (`--metrics-listen 127.0.0.1:9435`) that answers GET /metrics.
 *
 * The listener never lets a client hold the daemon up: its socket is non-blocking, the daemon
 * polls np_metrics_http_fd() with its other fds and calls np_metrics_http_serve() when it is
 * readable, which answers what is pending within a fixed deadline and closes the rest.
 */
#ifndef NP_METRICS_H
#define NP_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "lib/listen.h"
#include "lib/np_common.h"

enum np_metrics_action {
	NP_METRICS_ACT_THREADS, /* thread affinity set */
	NP_METRICS_ACT_MEMORY,	/* a memory migration run */
	NP_METRICS_ACT_IRQS,	/* device IRQs steered */
	NP_METRICS_ACT_KINDS,
};

/*
 * One managed process. Its series carry labels that survive a restart of the server: match,
 * container, unit and slot; pid and comm only numaplace_process_info's, so a server restarted
 * 1000 times leaves no trail of series behind.
 */
struct np_metrics_proc {
	pid_t pid;
	char comm[16];	     /* as the kernel has it: any bytes (escaped on output) */
	char match[64];	     /* name of the config section that matched it */
	char container[13];  /* the container id's 12-digit short form, "" none */
	char unit[256];	     /* its systemd unit, "" none */
	int slot;	     /* np_metrics_slot_pick's */
	double remote_ratio; /* expected remote share of its reads, 0-1; NAN: not known yet */
	int target_node;     /* node it is placed on; negative: none yet */
	/* resident 4 KiB pages by node id (np_residency's): one series per node of np_metrics */
	uint64_t pages[NP_BPF_MAX_NODES];
	uint64_t pages_moved;			/* counter: pages migrated to its target */
	uint64_t pages_pinned; /* pinned long-term, found by its last move: they stay */
	uint64_t actions[NP_METRICS_ACT_KINDS]; /* counters */
};

/* One BPF program and the events it handled. */
struct np_metrics_bpf_prog {
	char name[32];
	uint64_t events;
};

/* A counter by config section: numaplace_placements_total{match=}. */
struct np_metrics_count {
	char match[64];
	uint64_t n;
};

/* Sections a counter by section keeps (a reload may rename them: the old names stay). */
#define NP_METRICS_MATCHES_MAX 128

struct np_metrics {
	/* node ids of the host, ascending: numaplace_process_pages has one series per node */
	int nnodes;
	int node_ids[NP_MAX_NODES];

	const struct np_metrics_proc *procs; /* numaplace_managed_processes is nprocs */
	int nprocs;

	const struct np_metrics_bpf_prog *bpf_progs;
	int nbpf_progs;
	uint64_t bpf_ringbuf_drops; /* samples lost to a full ring buffer */
	uint64_t bpf_map_drops;	    /* threads lost to a full map */
	bool sampler_attached;	    /* its programs run now (a sampling window is open) */
	uint64_t sampling_windows;  /* windows opened since the start */

	const struct np_metrics_count *placements; /* by section, in the order first counted */
	int nplacements;

	uint64_t actions_failed;
	uint64_t shared_file_conflicts; /* files whose sharers were headed to other nodes */
	uint64_t cpuset_conflicts; /* placements refused: a cgroup cpuset leaves the node out */
	uint64_t intervals;
	double last_interval_seconds; /* wall time of the last interval's work */

	double agent_cpu_seconds; /* user + system, np_metrics_self() */
	uint64_t agent_rss_bytes;
};

/*
 * Pure: the exposition text of m, every family with # HELP and # TYPE, label values escaped
 * (backslash, double quote, newline; bytes that are not UTF-8 become U+FFFD). A process's
 * remote ratio and target node are left out while unknown (NAN, negative). *text is malloc'ed
 * and NUL-terminated; returns 0 or -ENOMEM.
 */
int np_metrics_format(const struct np_metrics *m, char **text, size_t *len);

/*
 * Pure: the slot of p among the live processes (p itself may be among them, its slot negative
 * meaning none yet): the lowest integer >= 0 that no other live process of the same match,
 * container and unit holds. A process keeps its slot while it lives; a server that restarts
 * takes the one its predecessor left, so its series go on under the same labels.
 */
int np_metrics_slot_pick(const struct np_metrics_proc *live, int n,
			 const struct np_metrics_proc *p);

/*
 * Pure: add one to counts' entry for match (a new entry when there is none, if *n < max).
 * Returns false when the table is full and match is not in it.
 */
bool np_metrics_count_add(struct np_metrics_count *counts, int *n, int max, const char *match);

/*
 * Pure: in (a label value) escaped as the text format wants it, between no quotes. Cut short
 * rather than overflow out; a cut never splits an escape or a character. Returns the length.
 */
size_t np_metrics_escape(char *out, size_t size, const char *in);

/* The agent's own CPU time (getrusage) and resident memory (/proc/self/statm) into m. */
int np_metrics_self(struct np_metrics *m);

/*
 * Write text to path atomically: path.tmp.<pid> in the same directory, mode 0644 (node_exporter
 * runs as another user), fsync, rename over path. Returns 0 or -errno; on error path is as it
 * was and no temporary file is left.
 */
int np_metrics_write_textfile(const char *path, const char *text, size_t len);

/* ---- HTTP listener ---- */

/* How long one np_metrics_http_serve() may take, and what it holds at once. */
#define NP_METRICS_HTTP_DEADLINE_MS 200
#define NP_METRICS_HTTP_CONNS	    16
#define NP_METRICS_HTTP_REQUEST_MAX 4096 /* request line and headers */


struct np_metrics_http;

/* Parse spec and listen on it. Returns 0 or -errno (the parse errors above) with a message. */
int np_metrics_http_open(const char *spec, bool allow_remote, struct np_metrics_http **out,
			 char *msg, size_t msglen);
/* The listening socket, for the daemon's poll(): readable when a client is waiting. */
int np_metrics_http_fd(const struct np_metrics_http *srv);
/* The port it listens on (the one picked when spec said 0). */
int np_metrics_http_port(const struct np_metrics_http *srv);
/* Change the deadline of one serve call (default NP_METRICS_HTTP_DEADLINE_MS). */
void np_metrics_http_set_deadline_ms(struct np_metrics_http *srv, int ms);
/*
 * Accept the waiting clients (and those arriving meanwhile, up to NP_METRICS_HTTP_CONNS open at
 * once), read their requests, answer GET/HEAD /metrics with body, other paths 404, other
 * methods 405, and close. Returns after the deadline at the latest, closing whoever is not
 * done; returns at once when nobody is waiting. Returns the number of requests answered.
 */
int np_metrics_http_serve(struct np_metrics_http *srv, const char *body, size_t len);
void np_metrics_http_close(struct np_metrics_http *srv);

/*
 * Pure: the status for a request head (request line, headers): 200 for GET or HEAD of /metrics
 * (a query string is ignored), 404 for other paths, 405 for other methods, 400 when it is not
 * HTTP. *head: HEAD, answered without a body.
 */
int np_metrics_http_route(const char *request, size_t len, bool *head);

#endif
