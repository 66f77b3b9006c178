// SPDX-License-Identifier: GPL-2.0
/* What every command does the same way (common.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/common.h"
#include "lib/host_lock.h"
#include "lib/journal.h"
#include "lib/np_common.h"

void np_cli_topo_free(struct np_topo *topo)
{
	if (!topo)
		return;
	np_topo_free(topo);
	free(topo);
}

struct np_topo *np_cli_topo(const char *command, const char *root)
{
	struct np_topo *topo = calloc(1, sizeof(*topo));
	char msg[512] = "";
	int err;

	if (!topo) {
		np_err("%s: out of memory", command);
		return NULL;
	}
	err = np_topo_discover(root, topo, msg, sizeof(msg));
	if (err) {
		np_err("%s: %s", command, msg[0] ? msg : strerror(-err));
		np_cli_topo_free(topo); /* what was found before the failure */
		return NULL;
	}
	return topo;
}

int np_cli_need_root(const char *command, const char *why)
{
	if (geteuid() == 0)
		return 0;
	np_err("%s: needs root %s", command, why);
	return NP_EXIT_RUNTIME;
}

int np_cli_lock(const char *command, const char *journal, const char *busy)
{
	char msg[512] = "";
	int lock = np_host_lock(msg, sizeof(msg)), err;

	if (lock == -EBUSY) {
		np_err("%s: %s: %s", command, NP_HOST_LOCK,
		       busy ? busy : "another numaplace is changing the system");
		if (msg[0]) /* a line of its own: both fit 100 columns */
			np_err("%s: the lock is held by %s", command, msg);
		return -NP_EXIT_RUNTIME;
	}
	if (lock < 0) {
		np_err("%s: %s", command, msg);
		return -NP_EXIT_RUNTIME;
	}
	/* under the lock: nobody changes the journal between this look and its use */
	err = np_journal_check(journal, msg, sizeof(msg));
	if (!err || err == -EINVAL) /* damage: the command says which line, as it reads it */
		return lock;
	close(lock);
	np_err("%s: %s%s", command, msg, err == -EPERM ? "; nothing changed" : "");
	return err == -EPERM ? -NP_EXIT_USAGE : -NP_EXIT_RUNTIME;
}

int np_cli_print_json(FILE *out, struct json_object *doc)
{
	int err = fprintf(out, "%s\n",
			  json_object_to_json_string_ext(
				  doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					       JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(doc);
	return err < 0 ? -EIO : 0;
}
