/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that opens a file numaplace writes as root (the journal, its temporary file,
 * the host lock, the metrics textfile). A user who can write a directory could otherwise plant
 * a symlink or a FIFO where root then writes or blocks, so:
 *  - the directory is opened once, checked (a directory owned by the user numaplace runs as,
 *    root, not writable by group or others unless sticky like /tmp, where others may add names
 *    but never rename or remove ours), and every later step goes through that fd;
 *  - a file is never opened through a symlink (O_NOFOLLOW), never blocks in open (O_NONBLOCK,
 *    cleared once open), and must be a regular file owned by us, not writable by group or
 *    others, with one link (a hard link elsewhere would make a write land in another file);
 *  - a new file is created with O_EXCL: whatever sits at its name is refused, never reused.
 * Functions return an fd or 0, or -errno; -EPERM is a refusal, explained in msg.
 */
#ifndef NP_SAFE_OPEN_H
#define NP_SAFE_OPEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The directory holding path, opened (O_DIRECTORY) and checked; create: made (0700) when
 * missing. name gets path's last component. The directory's fd, or -errno (-ENOENT: missing).
 */
int np_safe_dir(const char *path, bool create, char *name, size_t namelen, char *msg,
		size_t msglen);

/*
 * An existing file name in dirfd, opened with flags (O_RDONLY or O_RDWR) and checked as above.
 * -ENOENT: absent; -ELOOP: a symlink; -EPERM: anything else that is not such a file.
 */
int np_safe_open(int dirfd, const char *name, int flags, char *msg, size_t msglen);

/*
 * A new file name in dirfd, O_WRONLY, with exactly mode (whatever the umask). Whatever is at
 * name is refused (-ELOOP a symlink, -EISDIR a directory, -EEXIST anything else), except, when
 * stale_ok, a regular file of ours left by a crash, which is removed first.
 */
int np_safe_create(int dirfd, const char *name, mode_t mode, bool stale_ok, char *msg,
		   size_t msglen);

#endif
