// SPDX-License-Identifier: GPL-2.0
/* The rule of which processes numaplace may match: never itself nor its ancestors. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/lineage.h"
#include "test.h"

TEST(lineage_holds_self_and_ancestors_not_others)
{
	struct np_lineage mine;
	pid_t child = np_test_paused_child();

	np_lineage_read("/", getpid(), &mine);
	CHECK(mine.n >= 2);
	CHECK_INT(mine.pids[0], getpid());
	CHECK(np_lineage_has(&mine, getpid()));
	CHECK(np_lineage_has(&mine, getppid()));
	CHECK(!np_lineage_has(&mine, 1));     /* init is everyone's, never excluded */
	CHECK(!np_lineage_has(&mine, child)); /* a child is not an ancestor */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

TEST(lineage_of_a_child_holds_its_parent)
{
	struct np_lineage theirs;
	pid_t child = np_test_paused_child();

	np_lineage_read("/", child, &theirs);
	CHECK(theirs.n >= 2);
	CHECK_INT(theirs.pids[0], child);
	CHECK_INT(theirs.pids[1], getpid());
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

TEST(lineage_of_a_gone_process_is_only_itself)
{
	struct np_lineage gone;

	/* unreadable: the walk ends there, nothing else is taken as ours */
	np_lineage_read("/nonexistent", 4242, &gone);
	CHECK_INT(gone.n, 1);
	np_lineage_read("/", 1, &gone);
	CHECK_INT(gone.n, 0);
}
