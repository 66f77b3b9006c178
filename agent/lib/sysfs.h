/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading (and writing) /sys and /proc below a root directory, so that every reader can run
 * against the live system ("/") or a fixture tree (--root DIR). All functions return 0 or -errno.
 */
#ifndef NP_SYSFS_H
#define NP_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

/* Join root and a path built from fmt; -ENAMETOOLONG when it does not fit. */
int np_path(char *out, size_t len, const char *root, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Whole file into buf, NUL-terminated, trailing newline stripped. -EFBIG when it does not fit. */
int np_read_str(const char *root, const char *path, char *buf, size_t len);

/* A file holding one integer (decimal, or hex with 0x). */
int np_read_long(const char *root, const char *path, long *value);

/* root as it prefixes paths in messages: "" for the live system. */
static inline const char *np_root_prefix(const char *root)
{
	return root && !(root[0] == '/' && root[1] == '\0') ? root : "";
}

/*
 * The one writer of a /proc, /sys or debugfs value (IRQ affinity, sysctl, AutoNUMA knobs): the
 * kernel parses a value from a single write(2), so the whole of value goes in one write and a
 * short write is -EIO, never continued. The file must exist (no O_CREAT) and be no symlink
 * (O_NOFOLLOW); O_NONBLOCK: a FIFO at the path cannot hang us. A failing close counts.
 */
int np_write_str(const char *root, const char *path, const char *value);

bool np_exists(const char *root, const char *path);

/* Basename of a symlink's target ("driver" -> "../../bus/pci/drivers/nvidia" gives "nvidia"). */
int np_read_link_name(const char *root, const char *path, char *buf, size_t len);

#endif
