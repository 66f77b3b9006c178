// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/comm as the kernel writes it, on the odd-comms fixture (mkfixtures.sh): names of
 * 15 bytes, with spaces, parentheses, a newline inside and bytes that are not UTF-8 are read
 * whole (only the final newline goes), by every reader of comm.
 */
#include <errno.h>
#include <limits.h>

#include "lib/procfs.h"
#include "test.h"

static const char *root(void)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/odd-comms", np_test_fixtures());
	return path;
}

static const struct {
	pid_t pid;
	const char *comm;
} odd[] = {
	{ 4301, "ollama_llama_se" },
	{ 4302, "VLLM::Worker_TP" },
	{ 4303, "llama server" },
	{ 4304, "a) (b" },
	{ 4305, "line\nbreak" },
	{ 4306, "caf\351\377" },
	{ 4307, "kworker/0:0H-ev" }, /* a kernel thread's long name, cut to a task's 15 */
	{ 4308, "bare" },	     /* no final newline */
};

TEST(comm_read_keeps_every_byte)
{
	char comm[NP_COMM_LEN];

	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		memset(comm, 'x', sizeof(comm));
		CHECK_INT(np_comm_read(root(), odd[i].pid, 0, comm, sizeof(comm)), 0);
		CHECK_STR(comm, odd[i].comm);
		memset(comm, 'x', sizeof(comm));
		CHECK_INT(np_comm_read(root(), odd[i].pid, odd[i].pid, comm, sizeof(comm)), 0);
		CHECK_STR(comm, odd[i].comm);
		np_thread_comm(root(), odd[i].pid, odd[i].pid, comm, sizeof(comm));
		CHECK_STR(comm, odd[i].comm);
	}
	CHECK_INT(np_comm_read(root(), 4399, 0, comm, sizeof(comm)), -ESRCH);
	CHECK_STR(comm, "");
	np_thread_comm(root(), 4301, 4399, comm, sizeof(comm));
	CHECK_STR(comm, "");
	/* a smaller buffer cuts, never overflows */
	CHECK_INT(np_comm_read(root(), 4301, 0, comm, 7), 0);
	CHECK_STR(comm, "ollama");
}

/* The process reader: a 15-byte name used to be -EFBIG, i.e. "no such process". */
TEST(proc_read_odd_comms)
{
	struct np_proc_info info;

	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		CHECK_INT(np_proc_read(root(), odd[i].pid, &info), 0);
		CHECK_STR(info.comm, odd[i].comm);
		CHECK_INT(info.ppid, 1);
		CHECK_STR(info.cmdline, "server --port 1");
	}
}
