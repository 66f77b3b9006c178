/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a running daemon manages, for `numaplace status`: `run` writes it every interval to a
 * status file (status_json.c builds the document), `status` reads it back (status_read.c,
 * bounded: the file is input) and prints it (status_text.c, or the JSON again).
 *
 * Times are wall-clock seconds since the epoch (0: never), shown in RFC 3339, UTC.
 */
#ifndef NP_STATUS_H
#define NP_STATUS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define NP_STATUS_FILE	    "/run/numaplace/status.json"
#define NP_STATUS_SCHEMA    1
#define NP_STATUS_MAX_SIZE  (4 << 20) /* bytes: a file larger than this is refused */
#define NP_STATUS_MAX_PROCS 4096
#define NP_STATUS_WHY_MAX   192

/* Where a managed process stands (words: np_status_state_name). */
enum np_status_state {
	NP_STATE_NEW,	    /* found, not measured yet */
	NP_STATE_IDLE,	    /* no CPU time or no resident memory this interval */
	NP_STATE_WATCHING,  /* remote ratio at or below its threshold: nothing to do */
	NP_STATE_WAITING,   /* above it, not for long enough yet, or held since its last move */
	NP_STATE_NO_TARGET, /* no node to place it on */
	NP_STATE_PLACED,    /* placed (and followed up) on its node */
	NP_STATE_DECLINED,  /* its plan would leave most of its memory off the node */
	NP_STATE_REFUSED,   /* its cgroup cpuset leaves the node out */
	NP_STATE_FAILED,    /* its plan or its placement failed */
	NP_STATE_COUNT,
};

/* The result of a placement, the words every output uses. */
enum np_status_result {
	NP_RESULT_NONE, /* never placed */
	NP_RESULT_CHANGED,
	NP_RESULT_UNCHANGED,
	NP_RESULT_VANISHED,
	NP_RESULT_FAILED,
	NP_RESULT_COUNT,
};

struct np_status_proc {
	pid_t pid;
	char comm[16];
	char match[40];
	int node; /* its assigned node, -1: none */
	enum np_status_state state;
	double placed_at_s; /* its last placement, 0: never */
	enum np_status_result result;
	char why[NP_STATUS_WHY_MAX]; /* the last decision's words */
};

struct np_status {
	pid_t pid; /* the daemon */
	char hostname[256];
	char version[32];
	double time_s; /* when the file was written */
	double started_s;
	bool dry_run;
	double interval_s; /* configured */
	unsigned long long intervals;
	double last_interval_s;	 /* when the last interval ended, 0: none yet */
	double last_interval_ms; /* how long it took */
	char journal[256];
	long journal_records; /* -1: unknown */
	int nprocs;
	struct np_status_proc *procs;
};

const char *np_status_state_name(enum np_status_state state);
const char *np_status_result_name(enum np_status_result result);

/* The document, newline-terminated, in *text (caller frees). 0 or -ENOMEM. */
int np_status_to_json(const struct np_status *st, char **text);

/*
 * A status document (len bytes, not necessarily NUL-terminated) into *st (free it with
 * np_status_free, also on error). 0, or -EINVAL with msg saying what is wrong, -ENOMEM.
 */
int np_status_parse(const char *text, size_t len, struct np_status *st, char *msg, size_t msglen);
void np_status_free(struct np_status *st);

/* For people, every line within 100 columns. now_s: the time it is printed at. */
void np_status_print_text(const struct np_status *st, double now_s, FILE *out);

/* "2026-12-01T21:50:03Z" for t (UTC). */
void np_status_time_text(double t, char *buf, size_t len);

#endif
