// SPDX-License-Identifier: GPL-2.0
/*
 * The status file `numaplace run` rewrites every interval, read back (status_load.h). It is
 * input: whatever sits in /run/numaplace may be a symlink, huge or not ours, so it is opened
 * safely and read only up to the size a status document can have.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/status_load.h"
#include "lib/safe_open.h"

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

int np_cli_status_load(struct np_status *st, char *msg, size_t msglen)
{
	size_t len = 0;
	char *text;
	int err;

	msg[0] = '\0';
	text = read_status(&len, &err, msg, msglen);
	if (!text)
		return err;
	err = np_status_parse(text, len, st, msg, msglen);
	free(text);
	return err;
}
