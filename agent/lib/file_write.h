/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing whole files: every byte of a buffer, and a file replaced as one step (the undo
 * journal, the metrics textfile). Both return 0 or -errno.
 */
#ifndef NP_FILE_WRITE_H
#define NP_FILE_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* All len bytes to fd, across short writes and EINTR. */
int np_write_all(int fd, const void *buf, size_t len);

/* fsync the directory holding path: a rename or unlink in it survives a crash. */
int np_fsync_dir(const char *path);

/*
 * Replace path with what fill() writes to fd, so that a reader sees the old file or the new
 * one, never part of either: fill() writes tmp (created with exactly mode, whatever the
 * umask; see safe_open.h: never through a symlink, never over anything already there but a
 * crash's leftover), which is fsync'ed and renamed over path. tmp must be beside path (only
 * its last component is used). path's directory must pass np_safe_dir(). sync_dir: fsync the
 * directory too, so the rename itself survives a crash. On error tmp is removed (when it was
 * ours) and path is as it was.
 */
int np_file_replace(const char *path, const char *tmp, mode_t mode, bool sync_dir,
		    int (*fill)(int fd, const void *arg), const void *arg);

/* The same in a directory already opened and checked (np_safe_dir): name and tmp in dirfd. */
int np_file_replace_at(int dirfd, const char *name, const char *tmp, mode_t mode, bool sync_dir,
		       int (*fill)(int fd, const void *arg), const void *arg);

/* What np_fill_buf() writes: one buffer, whole. */
struct np_buf {
	const void *data;
	size_t len;
};

/* A fill() for np_file_replace(): arg is a struct np_buf. */
int np_fill_buf(int fd, const void *arg);

#endif
