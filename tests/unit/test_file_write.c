// SPDX-License-Identifier: GPL-2.0
/*
 * Whole-file replacement (the journal's and the metrics textfile's): the new content with the
 * caller's mode whatever the umask, the old file intact when fill() fails, and no write
 * through a symlink planted at the temporary name.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file_write.h"
#include "lib/sysfs.h"
#include "test.h"

static int fill_fails(int fd, const void *arg)
{
	(void)arg;
	return write(fd, "half", 4) == 4 ? -ENOSPC : -errno;
}

TEST(file_replace_mode_and_failure)
{
	char root[] = "/tmp/np-replace-XXXXXX", path[PATH_MAX], tmp[PATH_MAX], back[64];
	struct np_buf one = { "one\n", 4 }, two = { "two\n", 4 };
	struct stat st;
	mode_t old_umask;

	CHECK(mkdtemp(root) != NULL);
	snprintf(path, sizeof(path), "%s/file", root);
	snprintf(tmp, sizeof(tmp), "%s/file.tmp", root);
	old_umask = umask(077);
	CHECK_INT(np_file_replace(path, tmp, 0644, true, np_fill_buf, &one), 0);
	umask(old_umask);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0644);
	CHECK_INT(np_file_replace(path, tmp, 0644, false, fill_fails, &two), -ENOSPC);
	CHECK_INT(np_read_str(root, "/file", back, sizeof(back)), 0);
	CHECK_STR(back, "one");
	CHECK(access(tmp, F_OK) != 0);
	unlink(path);
	rmdir(root);
}

TEST(file_replace_no_write_through_a_link)
{
	char root[] = "/tmp/np-replace-XXXXXX", path[PATH_MAX], tmp[PATH_MAX], other[PATH_MAX],
	     back[64];
	struct np_buf text = { "new\n", 4 };
	FILE *f;

	CHECK(mkdtemp(root) != NULL);
	snprintf(path, sizeof(path), "%s/journal", root);
	snprintf(tmp, sizeof(tmp), "%s/journal.tmp", root);
	snprintf(other, sizeof(other), "%s/other", root);
	f = fopen(other, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("mine\n", f);
		fclose(f);
	}
	CHECK_INT(symlink(other, tmp), 0);
	CHECK_INT(np_file_replace(path, tmp, 0600, true, np_fill_buf, &text), -ELOOP);
	CHECK_INT(np_read_str(root, "/other", back, sizeof(back)), 0);
	CHECK_STR(back, "mine");
	CHECK(access(path, F_OK) != 0);
	unlink(tmp);
	unlink(other);
	rmdir(root);
}
