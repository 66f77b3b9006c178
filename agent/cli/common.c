// SPDX-License-Identifier: GPL-2.0
/* What every command does the same way (common.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/common.h"
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
	int lock = np_journal_lock(journal);

	if (lock >= 0)
		return lock;
	np_err("%s: %s.lock: %s", command, journal,
	       lock != -EBUSY ? strerror(-lock)
	       : busy	      ? busy
			      : "another numaplace is changing the system");
	return -1;
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
