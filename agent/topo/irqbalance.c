// SPDX-License-Identifier: GPL-2.0
/* irqbalance's control socket: finding the daemon, its ban list, replacing it (irqbalance.h). */
#define _GNU_SOURCE /* struct ucred */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/cpulist.h"
#include "lib/procfs.h"
#include "topo/irqbalance.h"
#include "lib/sysfs.h"

/*
 * irqbalance 1.9.2 answers from its one main loop, and after a ban-list change its next round
 * rebuilds its tree and then sleeps one whole interval (10 s by default) inside that loop: a
 * request can wait that long. Longer than two intervals means it is stuck.
 */
#define REPLY_TIMEOUT_S 25
/* "setup" spends about 40 bytes per banned IRQ */
#define REPLY_MAX 65536

pid_t np_irqbalance_pid(const char *root)
{
	char full[PATH_MAX], comm[NP_COMM_LEN];
	struct dirent *ent;
	pid_t found = 0;
	DIR *dir;

	if (np_path(full, sizeof(full), root, "/proc") || !(dir = opendir(full)))
		return 0;
	while (!found && (ent = readdir(dir))) {
		char *end;
		long pid = strtol(ent->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		if (np_comm_read(root, (pid_t)pid, 0, comm, sizeof(comm)) == 0 &&
		    !strcmp(comm, "irqbalance"))
			found = (pid_t)pid;
	}
	closedir(dir);
	return found;
}

/* The file socket first; irqbalance falls back to the all-zero abstract name without /run. */
static int connect_daemon(pid_t pid)
{
	struct timeval tv = {.tv_sec = REPLY_TIMEOUT_S};
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd, err;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	snprintf(addr.sun_path, sizeof(addr.sun_path),
		 NP_IRQBALANCE_SOCKET_DIR "/irqbalance%d.sock", (int)pid);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
		return fd;
	err = -errno;
	if (err == -ENOENT) {
		memset(addr.sun_path, 0, sizeof(addr.sun_path));
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
			return fd;
		err = -errno;
	}
	close(fd);
	return err;
}

/* irqbalance drops a message that does not carry the sender's credentials (uid 0 only). */
static int send_command(int fd, const char *cmd)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} control = {0};
	struct ucred cred = {.pid = getpid(), .uid = geteuid(), .gid = getegid()};
	struct iovec iov = {.iov_base = (void *)cmd, .iov_len = strlen(cmd)};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_CREDENTIALS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(cmsg), &cred, sizeof(cred));
	n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	return (size_t)n == iov.iov_len ? 0 : -EIO;
}

int np_irqbalance_request(pid_t pid, const char *cmd, char *reply, size_t len)
{
	size_t used = 0;
	int fd, err;

	if (strlen(cmd) > NP_IRQBALANCE_MSG_MAX)
		return -ENOSPC;
	fd = connect_daemon(pid);
	if (fd < 0)
		return fd;
	err = send_command(fd, cmd);
	while (!err) {
		ssize_t n = recv(fd, reply + used, len - 1 - used, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = errno == EAGAIN ? -ETIMEDOUT : -errno;
		else if (n == 0)
			break;
		else if ((used += (size_t)n) == len - 1)
			err = -EFBIG;
	}
	close(fd);
	reply[used] = '\0';
	return err;
}

int np_irqbalance_parse_setup(const char *reply, int *irqs, int max)
{
	char *copy = strdup(reply), *save, *tok;
	int n = 0, err = 0;

	if (!copy)
		return -ENOMEM;
	tok = strtok_r(copy, " \n", &save);
	if (!tok || strcmp(tok, "SLEEP") || !strtok_r(NULL, " \n", &save))
		err = -EINVAL;
	/* IRQ <n> LOAD <n> DIFF <n> CLASS <n>, repeated, then BANNED <cpu mask> */
	while (!err && (tok = strtok_r(NULL, " \n", &save)) && strcmp(tok, "BANNED")) {
		char *num = strtok_r(NULL, " \n", &save), *end;
		long irq;

		if (strcmp(tok, "IRQ"))
			continue; /* LOAD, DIFF, CLASS and their values */
		irq = num ? strtol(num, &end, 10) : -1;
		if (!num || *end || irq < 0 || irq > INT_MAX)
			err = -EINVAL;
		else if (n == max)
			err = -ENOSPC;
		else
			irqs[n++] = (int)irq;
	}
	if (!err && !tok)
		err = -EINVAL;
	free(copy);
	if (err)
		return err;
	return np_int_sort_unique(irqs, n);
}

int np_irqbalance_ban_command(const int *irqs, int n, char *buf, size_t len)
{
	size_t limit = len < NP_IRQBALANCE_MSG_MAX + 1 ? len : NP_IRQBALANCE_MSG_MAX + 1;
	int used = snprintf(buf, limit, "settings ban irqs%s", n ? "" : " NONE");

	/*
	 * irqbalance reads the numbers with strtoul until one reads as 0, so IRQ 0 (never an
	 * MSI, but legal) only survives first: callers pass the list ascending.
	 */
	for (int i = 0; i < n && used < (int)limit; i++)
		used += snprintf(buf + used, limit - used, " %d", irqs[i]);
	return used < (int)limit ? 0 : -ENOSPC;
}

int np_irqbalance_banned(pid_t pid, int *irqs, int max)
{
	char *reply = malloc(REPLY_MAX);
	int err;

	if (!reply)
		return -ENOMEM;
	err = np_irqbalance_request(pid, "setup", reply, REPLY_MAX);
	if (!err && !reply[0])
		err = -EACCES;
	if (!err)
		err = np_irqbalance_parse_setup(reply, irqs, max);
	free(reply);
	return err;
}

int np_irqbalance_set_banned(pid_t pid, const int *irqs, int n)
{
	char cmd[NP_IRQBALANCE_MSG_MAX + 1], reply[256];
	int err = np_irqbalance_ban_command(irqs, n, cmd, sizeof(cmd));

	return err ? err : np_irqbalance_request(pid, cmd, reply, sizeof(reply));
}
