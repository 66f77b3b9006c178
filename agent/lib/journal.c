// SPDX-License-Identifier: GPL-2.0
/*
 * The undo journal (see journal.h): JSON lines, replaced atomically on every append and on a
 * compaction.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/file_write.h"
#include "lib/journal.h"

static const char *const kind_names[NP_CHANGE_KINDS] = {
	[NP_CHANGE_THREAD_AFFINITY] = "thread_affinity",
	[NP_CHANGE_IRQ_AFFINITY] = "irq_affinity",
	[NP_CHANGE_SETTING] = "setting",
	[NP_CHANGE_IRQBALANCE_BAN] = "irqbalance_ban",
	[NP_CHANGE_PROCESS_PAUSED] = "process_paused",
};

const char *np_change_kind_name(enum np_change_kind kind)
{
	return kind < NP_CHANGE_KINDS ? kind_names[kind] : "unknown";
}

static char *change_line(const struct np_change *c)
{
	struct json_object *o = json_object_new_object();
	char *line;

	json_object_object_add(o, "kind", json_object_new_string(np_change_kind_name(c->kind)));
	json_object_object_add(o, "id", json_object_new_int(c->id));
	json_object_object_add(o, "tgid", json_object_new_int(c->tgid));
	json_object_object_add(o, "start_time", json_object_new_uint64(c->start_time));
	json_object_object_add(o, "path", json_object_new_string(c->path));
	json_object_object_add(o, "old_value", json_object_new_string(c->old_value));
	if (c->new_value[0])
		json_object_object_add(o, "new_value", json_object_new_string(c->new_value));
	line = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return line;
}

static int copy_existing(const char *path, int fd)
{
	char buf[65536];
	ssize_t n;
	int in = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (in < 0)
		return errno == ENOENT ? 0 : -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0 && !err)
		err = np_write_all(fd, buf, (size_t)n);
	if (n < 0)
		err = -errno;
	close(in);
	return err;
}

/*
 * Replace the journal with what fill() writes, as one durable step: a temporary file, fsync,
 * rename over the journal, fsync of the directory. On error the journal is as it was.
 */
static int replace_journal(const char *path, int (*fill)(int fd, const void *arg), const void *arg)
{
	char tmp[PATH_MAX], dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0700) && errno != EEXIST)
		return -errno;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	return np_file_replace(path, tmp, 0600, true, fill, arg);
}

struct append_arg {
	const char *path;
	const struct np_change *changes;
	int count;
};

/* Old records, then the new ones. */
static int fill_append(int fd, const void *arg)
{
	const struct append_arg *a = arg;
	int err = copy_existing(a->path, fd);

	for (int i = 0; i < a->count && !err; i++) {
		char *line = change_line(&a->changes[i]);

		err = line ? np_write_all(fd, line, strlen(line)) : -ENOMEM;
		if (!err)
			err = np_write_all(fd, "\n", 1);
		free(line);
	}
	return err;
}

int np_journal_append(const char *path, const struct np_change *changes, int count)
{
	const struct append_arg a = { path, changes, count };

	return replace_journal(path, fill_append, &a);
}

static int parse_line(const char *line, struct np_change *c)
{
	struct json_object *o = json_tokener_parse(line), *v;
	const char *kind;
	int err = -EINVAL;

	memset(c, 0, sizeof(*c));
	if (!o || !json_object_is_type(o, json_type_object))
		goto out;
	if (!json_object_object_get_ex(o, "kind", &v) || !(kind = json_object_get_string(v)))
		goto out;
	c->kind = NP_CHANGE_KINDS;
	for (int k = 0; k < NP_CHANGE_KINDS; k++)
		if (!strcmp(kind, kind_names[k]))
			c->kind = k;
	if (c->kind == NP_CHANGE_KINDS)
		goto out;
	if (json_object_object_get_ex(o, "id", &v))
		c->id = json_object_get_int(v);
	if (json_object_object_get_ex(o, "tgid", &v))
		c->tgid = json_object_get_int(v);
	if (json_object_object_get_ex(o, "start_time", &v))
		c->start_time = json_object_get_uint64(v);
	if (json_object_object_get_ex(o, "path", &v))
		snprintf(c->path, sizeof(c->path), "%s", json_object_get_string(v));
	if (!json_object_object_get_ex(o, "old_value", &v))
		goto out;
	snprintf(c->old_value, sizeof(c->old_value), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "new_value", &v))
		snprintf(c->new_value, sizeof(c->new_value), "%s", json_object_get_string(v));
	err = 0;
out:
	json_object_put(o);
	return err;
}

int np_journal_load(const char *path, struct np_change **changes, int *count, int *bad_line)
{
	struct np_change *list = NULL;
	char *line = NULL;
	size_t cap = 0;
	int n = 0, lineno = 0, err = 0;
	FILE *f = fopen(path, "re");

	*changes = NULL;
	*count = 0;
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		struct np_change *grown;

		lineno++;
		if (line[0] == '\n')
			continue;
		grown = realloc(list, sizeof(*list) * (n + 1));
		if (!grown) {
			err = -ENOMEM;
			break;
		}
		list = grown;
		err = parse_line(line, &list[n]);
		if (err) {
			if (bad_line)
				*bad_line = lineno;
			break;
		}
		n++;
	}
	free(line);
	fclose(f);
	if (err) {
		free(list);
		return err;
	}
	*changes = list;
	*count = n;
	return 0;
}

/*
 * The lines of the records keep() wants, as they are in the file (byte for byte: a record is
 * never rewritten, only left out). Returns 0, -ENOENT, -EINVAL (a line is not a record), -EIO
 * or -ENOMEM.
 */
static int select_lines(const char *path, np_journal_keep_fn keep, void *ctx, FILE *out,
			int *dropped)
{
	struct np_change c;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int err = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while (!err && (len = getline(&line, &cap, f)) > 0) {
		if (line[0] == '\n')
			continue;
		err = parse_line(line, &c);
		if (err)
			break;
		if (!keep(&c, ctx)) {
			(*dropped)++;
			continue;
		}
		fputs(line, out);
		if (line[len - 1] != '\n') /* a last line without its newline gets one */
			fputc('\n', out);
	}
	/* a read that failed is not the end of the journal: what follows it would be lost */
	if (!err && ferror(f))
		err = -EIO;
	free(line);
	fclose(f);
	if (!err && ferror(out))
		err = -ENOMEM;
	return err;
}

int np_journal_compact(const char *path, np_journal_keep_fn keep, void *ctx, int *dropped)
{
	struct np_buf kept = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int err;

	*dropped = 0;
	if (!out)
		return -ENOMEM;
	err = select_lines(path, keep, ctx, out, dropped);
	if (fclose(out) && !err)
		err = -ENOMEM;
	if (err == -ENOENT)
		err = 0; /* no journal: nothing to drop */
	/* nothing dropped: the journal is not written at all (nor its mtime changed) */
	if (!err && *dropped) {
		kept.data = text;
		kept.len = len;
		err = replace_journal(path, np_fill_buf, &kept);
	}
	if (err)
		*dropped = 0;
	free(text);
	return err;
}

int np_journal_clear(const char *path)
{
	int err;

	if (unlink(path) && errno != ENOENT)
		return -errno;
	err = np_fsync_dir(path); /* the removal itself must survive a crash */
	return err == -ENOENT ? 0 : err;
}

int np_journal_lock(const char *path)
{
	char lock[PATH_MAX], dir[PATH_MAX];
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0700) && errno != EEXIST)
		return -errno;
	if (snprintf(lock, sizeof(lock), "%s.lock", path) >= (int)sizeof(lock))
		return -ENAMETOOLONG;
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = errno == EWOULDBLOCK ? -EBUSY : -errno;

		close(fd);
		return err;
	}
	return fd;
}
