// SPDX-License-Identifier: GPL-2.0
/*
 * The undo journal (see journal.h): JSON lines, replaced atomically on every append and on a
 * compaction, read and written only through safe_open.h.
 */
#include <errno.h>
#include <fcntl.h>
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
#include "lib/safe_open.h"

static const char *const kind_names[NP_CHANGE_KINDS] = {
	[NP_CHANGE_THREAD_AFFINITY] = "thread_affinity",
	[NP_CHANGE_IRQ_AFFINITY] = "irq_affinity",
	[NP_CHANGE_SETTING] = "setting",
	[NP_CHANGE_IRQBALANCE_BAN] = "irqbalance_ban",
	[NP_CHANGE_PROCESS_PAUSED] = "process_paused",
	[NP_CHANGE_CGROUP_CPUSET] = "cgroup_cpuset",
};

const char *np_change_kind_name(enum np_change_kind kind)
{
	return kind < NP_CHANGE_KINDS ? kind_names[kind] : "unknown";
}

/* A record's value as the journal holds it: a record made up in place may leave one NULL. */
static const char *value_of(const char *value)
{
	return value ? value : "";
}

/*
 * Both values in one allocation (old, its NUL, new): a loaded record costs one malloc, and
 * np_change_release() frees old_value alone.
 */
int np_change_values(struct np_change *c, const char *old_value, const char *new_value)
{
	size_t old_len = strlen(value_of(old_value)), new_len = strlen(value_of(new_value));
	char *both;

	if (old_len >= NP_CHANGE_VALUE_MAX || new_len >= NP_CHANGE_VALUE_MAX)
		return -ENOSPC;
	both = malloc(old_len + new_len + 2);
	if (!both)
		return -ENOMEM;
	memcpy(both, value_of(old_value), old_len + 1);
	memcpy(both + old_len + 1, value_of(new_value), new_len + 1);
	np_change_release(c);
	c->old_value = both;
	c->new_value = both + old_len + 1;
	return 0;
}

void np_change_release(struct np_change *c)
{
	free((char *)c->old_value); /* its own copy: const only to readers */
	c->old_value = NULL;
	c->new_value = NULL;
}

void np_changes_free(struct np_change *list, int n)
{
	for (int i = 0; list && i < n; i++)
		np_change_release(&list[i]);
	free(list);
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
	json_object_object_add(o, "old_value", json_object_new_string(value_of(c->old_value)));
	if (value_of(c->new_value)[0])
		json_object_object_add(o, "new_value", json_object_new_string(c->new_value));
	line = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return line;
}

/* ---- reading: one record per line, nothing else ---- */

/* A string member (the object's own text, "" when absent), shorter than NP_CHANGE_VALUE_MAX. */
static int get_value(struct json_object *o, const char *key, const char **out, bool required)
{
	struct json_object *v;

	*out = "";
	if (!json_object_object_get_ex(o, key, &v))
		return required ? -EINVAL : 0;
	if (!json_object_is_type(v, json_type_string) ||
	    (size_t)json_object_get_string_len(v) >= NP_CHANGE_VALUE_MAX)
		return -EINVAL;
	*out = json_object_get_string(v);
	return strlen(*out) == (size_t)json_object_get_string_len(v) ? 0 : -EINVAL; /* no \u0000 */
}

/* A string member that fits its field whole (a cut path would name another file). */
static int get_str(struct json_object *o, const char *key, char *out, size_t len, bool required)
{
	const char *text;
	int err = get_value(o, key, &text, required);

	out[0] = '\0';
	if (!err && strlen(text) >= len)
		err = -EINVAL;
	if (!err)
		memcpy(out, text, strlen(text) + 1);
	return err;
}

/* An integer member within [min, max]; absent leaves *out as it is. */
static int get_int(struct json_object *o, const char *key, int64_t min, int64_t max, int64_t *out)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return -EINVAL;
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return -EINVAL;
	*out = n;
	return 0;
}

static int record_fields(struct json_object *o, struct np_change *c)
{
	struct json_object *v;
	const char *kind, *old_value, *new_value;
	int64_t id = 0, tgid = 0, start = 0;
	int err;

	if (!json_object_object_get_ex(o, "kind", &v) || !json_object_is_type(v, json_type_string))
		return -EINVAL;
	kind = json_object_get_string(v);
	c->kind = NP_CHANGE_KINDS;
	for (int k = 0; k < NP_CHANGE_KINDS; k++)
		if (!strcmp(kind, kind_names[k]))
			c->kind = k;
	if (c->kind == NP_CHANGE_KINDS)
		return -EINVAL;
	err = get_int(o, "id", INT_MIN, INT_MAX, &id);
	err = err ?: get_int(o, "tgid", INT_MIN, INT_MAX, &tgid);
	/* json-c reads numbers above INT64_MAX as unsigned: start times are far below */
	err = err ?: get_int(o, "start_time", 0, INT64_MAX, &start);
	err = err ?: get_str(o, "path", c->path, sizeof(c->path), false);
	err = err ?: get_value(o, "old_value", &old_value, true);
	err = err ?: get_value(o, "new_value", &new_value, false);
	err = err ?: np_change_values(c, old_value, new_value); /* -ENOMEM is no damage */
	c->id = (int)id;
	c->tgid = (pid_t)tgid;
	c->start_time = (unsigned long long)start;
	return err;
}

/* The header, alone on the first line of a journal that has no record left. */
static bool is_header(struct json_object *o)
{
	struct json_object *v;

	return json_object_object_length(o) == 1 &&
	       json_object_object_get_ex(o, "numaplace_journal", &v) &&
	       json_object_is_type(v, json_type_int) && json_object_get_int(v) == 1;
}

/*
 * One line (without its newline): 0 a record (its values c's own), 1 the header, -EINVAL
 * anything else, also a NUL byte or text after the object (compaction copies lines whole:
 * such a line would glue the next record onto it); -ENOMEM.
 */
static int parse_line(const char *line, size_t len, struct np_change *c)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t end;
	int err = -EINVAL;

	memset(c, 0, sizeof(*c));
	if (memchr(line, '\0', len) || len > INT_MAX || !(tok = json_tokener_new()))
		return -EINVAL;
	o = json_tokener_parse_ex(tok, line, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (o && json_tokener_get_error(tok) == json_tokener_success &&
	    json_object_is_type(o, json_type_object) && strspn(line + end, " \t\r") == len - end)
		err = is_header(o) ? 1 : record_fields(o, c);
	json_object_put(o);
	json_tokener_free(tok);
	if (err < 0)
		np_change_release(c);
	return err;
}

/*
 * Called with each record (c) or the header (c NULL) and its line, without the newline. c's
 * values are released after: a function that keeps them sets them NULL.
 */
typedef int (*np_line_fn)(const char *line, size_t len, struct np_change *c, void *ctx);

/*
 * Every line of text a record, in order (blank lines skipped; the header only first). A file
 * whose first line is no record is not a journal (-EPERM, also when empty); a later line that
 * is none is damage (-EINVAL). *bad_line: that line.
 */
static int scan(const char *text, size_t len, np_line_fn fn, void *ctx, int *bad_line)
{
	struct np_change c;
	size_t pos = 0;
	int lineno = 0, seen = 0, err = 0;

	while (pos < len && !err) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		int kind;

		pos += n + (nl != NULL);
		lineno++;
		if (!n)
			continue;
		kind = parse_line(line, n, &c);
		if (kind == -ENOMEM)
			return kind; /* not a damaged line */
		if (kind < 0 || (kind == 1 && seen)) {
			*bad_line = lineno;
			return seen ? -EINVAL : -EPERM;
		}
		seen++;
		if (fn)
			err = fn(line, n, kind ? NULL : &c, ctx);
		np_change_release(&c);
	}
	return err ? err : seen ? 0 : -EPERM;
}

/* A whole file: a read error is an error, never the end of the journal. */
static int read_all(int fd, char **text, size_t *len)
{
	size_t cap = 0;
	char *buf = NULL;

	*len = 0;
	for (;;) {
		ssize_t n;

		if (cap - *len < 4096) {
			char *grown = realloc(buf, cap = cap * 2 + 65536);

			if (!grown) {
				free(buf);
				return -ENOMEM;
			}
			buf = grown;
		}
		n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;

			free(buf);
			return err;
		}
		if (!n)
			break;
		*len += (size_t)n;
	}
	*text = buf;
	return 0;
}

/* A journal's directory (checked), and its content when it exists (text NULL when not). */
struct jfile {
	int dirfd;
	char name[NAME_MAX + 1];
	char *text;
	size_t len;
	char msg[192];
};

static void jfile_close(struct jfile *j)
{
	if (j->dirfd >= 0)
		close(j->dirfd);
	free(j->text);
}

/* 0 (text NULL: no journal), or -errno with j->msg; j needs jfile_close() either way. */
static int jfile_open(const char *path, bool create, struct jfile *j)
{
	int fd, err;

	memset(j, 0, sizeof(*j));
	j->dirfd = np_safe_dir(path, create, j->name, sizeof(j->name), j->msg, sizeof(j->msg));
	if (j->dirfd < 0)
		return j->dirfd;
	fd = np_safe_open(j->dirfd, j->name, O_RDONLY, j->msg, sizeof(j->msg));
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	err = read_all(fd, &j->text, &j->len);
	close(fd);
	if (err)
		snprintf(j->msg, sizeof(j->msg), "reading it: %s", strerror(-err));
	return err;
}

/* ---- writing: the whole journal replaced in one durable step ---- */

static int replace(struct jfile *j, const char *text, size_t len)
{
	struct np_buf buf = { text, len };
	char tmp[NAME_MAX + 1];

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", j->name) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	return np_file_replace_at(j->dirfd, j->name, tmp, 0600, true, np_fill_buf, &buf);
}

/* A line to out, with its newline (also the last line of a file that had none). */
static int put_line(const char *line, size_t len, struct np_change *c, void *ctx)
{
	(void)c;
	fwrite(line, 1, len, ctx);
	fputc('\n', ctx);
	return 0;
}

static int append_to(struct jfile *j, const struct np_change *changes, int count)
{
	FILE *out;
	char *text = NULL;
	size_t len = 0;
	int bad = 0, err = 0;

	out = open_memstream(&text, &len);
	if (!out)
		return -ENOMEM;
	if (j->text) /* only a journal, and a whole one, is written over */
		err = scan(j->text, j->len, put_line, out, &bad);
	for (int i = 0; i < count && !err; i++) {
		char *line = NULL;

		/* what the journal could not load back is not written */
		if (strlen(value_of(changes[i].old_value)) >= NP_CHANGE_VALUE_MAX ||
		    strlen(value_of(changes[i].new_value)) >= NP_CHANGE_VALUE_MAX)
			err = -ENOSPC;
		else if (!(line = change_line(&changes[i])))
			err = -ENOMEM;
		else
			fprintf(out, "%s\n", line);
		free(line);
	}
	if (fclose(out) && !err)
		err = -ENOMEM;
	if (!err)
		err = replace(j, text, len);
	free(text);
	return err;
}

int np_journal_append(const char *path, const struct np_change *changes, int count)
{
	struct jfile j;
	int err = jfile_open(path, true, &j);

	if (!err)
		err = append_to(&j, changes, count);
	jfile_close(&j);
	return err;
}

struct collect {
	struct np_change *list;
	int n, cap;
};

/* The record joins the list, its values with it (taken from c, not copied). */
static int collect_one(const char *line, size_t len, struct np_change *c, void *ctx)
{
	struct collect *all = ctx;
	struct np_change *grown;

	(void)line;
	(void)len;
	if (!c)
		return 0;
	if (all->n == all->cap) {
		int cap = all->cap ? all->cap * 2 : 64;

		grown = all->n < INT_MAX / 2 ? realloc(all->list, sizeof(*grown) * cap) : NULL;
		if (!grown)
			return -ENOMEM;
		all->list = grown;
		all->cap = cap;
	}
	all->list[all->n++] = *c;
	c->old_value = c->new_value = NULL;
	return 0;
}

int np_journal_load(const char *path, struct np_change **changes, int *count, int *bad_line)
{
	struct np_change *grown;
	struct collect all = { 0 };
	struct jfile j;
	int bad = 0, err = jfile_open(path, false, &j);

	*changes = NULL;
	*count = 0;
	if (!err && !j.text)
		err = -ENOENT;
	if (!err)
		err = scan(j.text, j.len, collect_one, &all, &bad);
	jfile_close(&j);
	if (bad_line)
		*bad_line = bad;
	if (err) {
		np_changes_free(all.list, all.n);
		return err;
	}
	/* the list as long as it is, not as the doubling left it (a failed shrink keeps it) */
	if (all.n && all.n < all.cap && (grown = realloc(all.list, sizeof(*grown) * all.n)))
		all.list = grown;
	*changes = all.list;
	*count = all.n;
	return 0;
}

int np_journal_check(const char *path, char *msg, size_t msglen)
{
	struct jfile j;
	int bad = 0, err = jfile_open(path, false, &j);

	if (err == -ENOENT) /* no directory yet: the first append makes it */
		err = 0;
	else if (err)
		snprintf(msg, msglen, "%s: %s", path, j.msg);
	if (!err && j.text)
		err = scan(j.text, j.len, NULL, NULL, &bad);
	if (err == -EPERM && !bad && j.text)
		snprintf(msg, msglen, "%s: empty, not a numaplace journal", path);
	else if (err == -EPERM && bad)
		snprintf(msg, msglen, "%s: not a numaplace journal (line %d is no journal record)",
			 path, bad);
	else if (err == -EINVAL)
		snprintf(msg, msglen, "%s: line %d is not a journal record", path, bad);
	jfile_close(&j);
	return err;
}

/* ---- compaction ---- */

struct compact_ctx {
	np_journal_keep_fn keep;
	void *ctx;
	FILE *out;
	int kept, dropped;
};

static int keep_line(const char *line, size_t len, struct np_change *c, void *ctx)
{
	struct compact_ctx *cc = ctx;

	if (c && !cc->keep(c, cc->ctx)) {
		cc->dropped++;
		return 0;
	}
	cc->kept++; /* the header too: it stays first */
	return put_line(line, len, c, cc->out);
}

int np_journal_compact(const char *path, np_journal_keep_fn keep, void *ctx, int *dropped)
{
	struct compact_ctx cc = { keep, ctx, NULL, 0, 0 };
	char *text = NULL;
	size_t len = 0;
	struct jfile j;
	int bad = 0, err = jfile_open(path, false, &j);

	*dropped = 0;
	if (err == -ENOENT || (!err && !j.text)) {
		jfile_close(&j);
		return 0; /* no journal: nothing to drop */
	}
	cc.out = open_memstream(&text, &len);
	if (!err && !cc.out)
		err = -ENOMEM;
	if (!err)
		err = scan(j.text, j.len, keep_line, &cc, &bad);
	/* a journal with no record left keeps its header: it stays recognisably ours */
	if (!err && !cc.kept)
		fprintf(cc.out, "%s\n", NP_JOURNAL_HEADER);
	if (cc.out && fclose(cc.out) && !err)
		err = -ENOMEM;
	/* nothing dropped: the journal is not written at all (nor its mtime changed) */
	if (!err && cc.dropped)
		err = replace(&j, text, len);
	if (!err)
		*dropped = cc.dropped;
	free(text);
	jfile_close(&j);
	return err;
}

int np_journal_clear(const char *path)
{
	struct jfile j;
	int bad = 0, err = jfile_open(path, false, &j);

	if (err == -ENOENT || (!err && !j.text)) {
		jfile_close(&j);
		return 0;
	}
	/* only a journal is removed: its first line says so (a damaged one may go too) */
	if (!err)
		err = scan(j.text, j.len, NULL, NULL, &bad);
	if (err == -EINVAL)
		err = 0;
	if (!err && unlinkat(j.dirfd, j.name, 0))
		err = -errno;
	if (!err && fsync(j.dirfd)) /* the removal itself must survive a crash */
		err = -errno;
	jfile_close(&j);
	return err;
}

void np_journal_undo_command(const char *journal, char *buf, size_t len)
{
	const char *plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_./,:=@%+-";
	size_t at;

	if (!journal || !strcmp(journal, NP_JOURNAL_DEFAULT)) {
		snprintf(buf, len, "numaplace restore");
		return;
	}
	if (journal[strspn(journal, plain)] == '\0') {
		snprintf(buf, len, "numaplace restore --journal %s", journal);
		return;
	}
	/* '...' with each ' as '\'' */
	at = (size_t)snprintf(buf, len, "numaplace restore --journal '");
	for (const char *c = journal; *c && at + 5 < len; c++)
		at += (size_t)snprintf(buf + at, len - at, *c == '\'' ? "'\\''" : "%c", *c);
	if (at + 1 < len)
		snprintf(buf + at, len - at, "'");
}
