// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace status`: what the running daemon manages now, from the status file it replaces
 * every interval (output/status.h). The file alone does not prove a daemon: a killed one
 * leaves it behind, so the daemon is running only while the pid the file names holds the host
 * lock (/proc/locks says who holds a flock). Otherwise "not running", exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "lib/host_lock.h"
#include "lib/safe_open.h"
#include "output/status.h"

static void status_usage(FILE *out)
{
	fprintf(out,
		"usage: numaplace status [--json]\n"
		"\n"
		"What the running 'numaplace run' manages now: each process with its node,\n"
		"its state and its last placement, the journal's records, the last interval.\n"
		"Read from the status file the daemon rewrites every interval (%s).\n"
		"Exit 1 with 'not running' when no daemon runs (a dry run keeps no status).\n"
		"\n"
		"  --json    the status document (schema in numaplace(8))\n",
		NP_STATUS_FILE);
}

static int parse_args(int argc, char **argv, bool *json, int *exit_code)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct np_args p = { .command = "status",
			     .argc = argc,
			     .argv = argv,
			     .options = options,
			     .shortopts = "h",
			     .usage = status_usage };
	int opt;

	while ((opt = np_args_next(&p)) > 0)
		*json = true;
	*exit_code = p.exit_code;
	return opt;
}

/* The status file, whole (bounded); NULL with *err -ENOENT when there is none. */
static char *read_status(size_t *len, int *err, char *msg, size_t msglen)
{
	char name[64], *buf = malloc(NP_STATUS_MAX_SIZE + 1);
	int dirfd = -1, fd = -1;
	ssize_t got = 0, n = 1;

	*err = -ENOMEM;
	if (buf)
		*err = dirfd = np_safe_dir(NP_STATUS_FILE, false, name, sizeof(name), msg, msglen);
	if (dirfd >= 0)
		*err = fd = np_safe_open(dirfd, name, O_RDONLY, msg, msglen);
	while (fd >= 0 && n > 0 && got <= NP_STATUS_MAX_SIZE) {
		n = read(fd, buf + got, NP_STATUS_MAX_SIZE + 1 - got);
		got += n > 0 ? n : 0;
		*err = n < 0 ? -errno : 0;
	}
	if (dirfd >= 0)
		close(dirfd);
	if (fd >= 0)
		close(fd);
	if (*err) {
		if (*err != -ENOENT && !msg[0])
			snprintf(msg, msglen, "%s", strerror(-*err));
		free(buf);
		return NULL;
	}
	*len = (size_t)got;
	return buf;
}

static int print_status(const struct np_status *st, bool json)
{
	char *text;

	if (!json) {
		np_status_print_text(st, (double)time(NULL), stdout);
		return NP_EXIT_OK;
	}
	if (np_status_to_json(st, &text))
		return NP_EXIT_RUNTIME;
	fputs(text, stdout);
	free(text);
	return NP_EXIT_OK;
}

int np_cmd_status(int argc, char **argv)
{
	struct np_status st = { 0 };
	char msg[256] = "", *text;
	bool json = false;
	size_t len = 0;
	pid_t holder;
	int rc, err;

	if (parse_args(argc, argv, &json, &rc))
		return rc;
	rc = np_cli_need_root("status", "(the daemon's status is in a directory only root reads)");
	if (rc)
		return rc;
	text = read_status(&len, &err, msg, sizeof(msg));
	if (!text && err != -ENOENT) {
		np_err("status: %s: %s", NP_STATUS_FILE, msg);
		return NP_EXIT_RUNTIME;
	}
	err = text ? np_status_parse(text, len, &st, msg, sizeof(msg)) : -ENOENT;
	free(text);
	holder = err == -ENOENT ? 0 : np_host_lock_holder();
	if (!holder || (!err && holder != st.pid)) {
		/* no file, or one a daemon that is gone left behind */
		np_status_free(&st);
		np_err("not running");
		return NP_EXIT_RUNTIME;
	}
	if (err) {
		np_status_free(&st);
		np_err("status: %s: %s", NP_STATUS_FILE, msg);
		return err == -EINVAL ? NP_EXIT_USAGE : NP_EXIT_RUNTIME;
	}
	rc = print_status(&st, json);
	np_status_free(&st);
	return rc;
}
