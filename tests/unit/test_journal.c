// SPDX-License-Identifier: GPL-2.0
/* The undo journal: durable appends, reload in order, refusal of malformed journals. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "journal.h"
#include "test.h"

TEST(journal_append_and_load)
{
	char dir[] = "/tmp/np-journal-XXXXXX", path[PATH_MAX], cmd[PATH_MAX + 16];
	struct np_change batch[2] = {
		{ .kind = NP_CHANGE_THREAD_AFFINITY, .id = 4242, .tgid = 4240,
		  .start_time = 123456789012ULL, .old_value = "0-63,128-191" },
		{ .kind = NP_CHANGE_IRQ_AFFINITY, .id = 201, .old_value = "0-255" },
	};
	struct np_change one = { .kind = NP_CHANGE_SETTING,
				 .path = "/proc/sys/kernel/numa_balancing",
				 .old_value = "1" };
	struct np_change *loaded;
	int n, bad = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/run/journal", dir); /* the directory is created */
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), -ENOENT);
	CHECK_INT(np_journal_append(path, batch, 2), 0);
	CHECK_INT(np_journal_append(path, &one, 1), 0);
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(loaded[0].kind, NP_CHANGE_THREAD_AFFINITY);
		CHECK_INT(loaded[0].id, 4242);
		CHECK_INT(loaded[0].start_time, 123456789012ULL);
		CHECK_STR(loaded[0].old_value, "0-63,128-191");
		CHECK_INT(loaded[1].id, 201);
		CHECK_STR(loaded[2].path, "/proc/sys/kernel/numa_balancing");
		CHECK_STR(loaded[2].old_value, "1");
	}
	free(loaded);
	snprintf(cmd, sizeof(cmd), "%s.tmp", path);
	CHECK(access(cmd, F_OK) != 0); /* no temporary file left behind */

	/* a hand-damaged journal is refused with its line, never half-applied */
	{
		FILE *f = fopen(path, "a");

		fputs("{\"kind\": \"no_such_kind\", \"old_value\": \"x\"}\n", f);
		fclose(f);
	}
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), -EINVAL);
	CHECK_INT(bad, 4);
	CHECK_INT(np_journal_clear(path), 0);
	CHECK_INT(np_journal_clear(path), 0); /* idempotent */
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), -ENOENT);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}
