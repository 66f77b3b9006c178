// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace top`'s actions on the selected process run numaplace itself (/proc/self/exe):
 * `place --dry-run`, `place`, `restore` are then the very commands, with their checks, their
 * host lock and their journal, and their words are shown as they print them.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cli/top.h"

static void child(int fd, char *const argv[])
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	execv("/proc/self/exe", argv);
	dprintf(fd, "top: running numaplace: %s\n", strerror(errno));
	_exit(127);
}

/* All of fd's text until end of file, NUL-terminated; NULL when memory ran out. */
static char *read_all(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *grown;
	ssize_t n;

	while (buf && (n = read(fd, buf + len, cap - len - 1)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += n;
		if (cap - len < 2) {
			grown = realloc(buf, cap * 2);
			if (!grown)
				break;
			buf = grown;
			cap *= 2;
		}
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

int np_top_run(char *const argv[], char **output)
{
	int fds[2], status = 0;
	pid_t pid;

	*output = NULL;
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (!pid)
		child(fds[1], argv);
	close(fds[1]);
	*output = read_all(fds[0]);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
