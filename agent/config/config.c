// SPDX-License-Identifier: GPL-2.0
/*
 * Loading the run configuration file (see config.h). libinih splits lines into sections and
 * KEY = VALUE pairs; numaplace feeds it the file line by line through its own reader, which
 * is what makes the messages exact and the result independent of how inih was built:
 *  - the reader counts lines, so every message has the line of the key at fault;
 *  - it strips leading whitespace, so an indented key is a key, never the continuation of
 *    the previous value (inih's multi-line mode, on by default, would glue them together);
 *  - it reads section headers itself: inih does not report a section without keys, and
 *    truncates long names, and both would hide mistakes;
 *  - it refuses lines longer than inih's buffer instead of letting them be cut in two.
 * Only the first error is reported: later ones are often consequences of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config_keys.h"
#include "lib/listen.h"

#define CONFIG_MAX_BYTES (1 << 20)

enum section_kind { SECTION_NONE, SECTION_GLOBAL, SECTION_MATCH };

struct load_state {
	struct np_config *cfg;
	const char *path;
	const char *buf;
	size_t len, pos;
	int line;  /* the line last handed to inih */
	bool done; /* end of file seen, final checks made */
	enum section_kind section;
	struct np_match *match;	    /* the current [match] */
	int global_line;	    /* of [global], 0 when not seen */
	int global_set[NP_G_COUNT]; /* line of each [global] key, 0 when not set */
	int match_set[NP_M_COUNT];  /* same for the current [match] */
	int err_line;		    /* the first error's line, 0 while there is none */
	int err_found_at;	    /* the line being read when it was found */
	char *msg;
	size_t msglen;
};

static void fail(struct load_state *st, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct load_state *st, int line, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (st->err_line)
		return;
	st->err_line = line;
	st->err_found_at = st->line;
	used = (size_t)snprintf(st->msg, st->msglen, "%s:%d: ", st->path, line);
	if (used >= st->msglen)
		return;
	va_start(ap, fmt);
	vsnprintf(st->msg + used, st->msglen - used, fmt, ap);
	va_end(ap);
}

/* The checks a section gets once all its keys are in. */
static void finish_section(struct load_state *st)
{
	const struct np_match *m = st->match;

	if (st->section == SECTION_MATCH && m && !m->process[0] && !m->comm[0] && !m->cmdline[0] &&
	    !m->cgroup[0] && !m->container[0] && !m->unit[0] && !m->accelerator)
		fail(st, m->line,
		     "[match %s]: no rule; give at least one of process, comm, cmdline, cgroup, "
		     "container, unit, accelerator = true",
		     m->name);
	st->section = SECTION_NONE;
	st->match = NULL;
}

static void finish_file(struct load_state *st)
{
	struct np_config *cfg = st->cfg;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char why[384];

	finish_section(st);
	/* now that metrics_allow_remote is known, wherever it was in [global] */
	if (cfg->metrics_listen[0] &&
	    np_listen_parse(cfg->metrics_listen, cfg->metrics_allow_remote, &addr, &addrlen,
				    why, sizeof(why)))
		fail(st, st->global_set[NP_G_METRICS_LISTEN], "[global] %s", why);
}

static bool valid_match_name(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n <= NP_MATCH_NAME_MAX &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
		       n;
}

/* "[global]" or "[match NAME]", the line without leading whitespace. */
static void section_header(struct load_state *st, char *line)
{
	char *close = strchr(line, ']'), *name = line + 1, *end, *rest;
	struct np_match *dup;

	finish_section(st);
	if (!close) {
		fail(st, st->line, "expected ']' to close the section header");
		return;
	}
	rest = close + 1;
	rest += strspn(rest, " \t");
	for (end = rest + strlen(rest); end > rest && strchr(" \t\r", end[-1]);)
		*--end = '\0';
	if (*rest && *rest != ';' && *rest != '#') {
		fail(st, st->line, "unexpected text after the section header: \"%s\"", rest);
		return;
	}
	*close = '\0';
	name += strspn(name, " \t");
	for (end = name + strlen(name); end > name && (end[-1] == ' ' || end[-1] == '\t');)
		*--end = '\0';

	if (!strcmp(name, "global")) {
		if (st->global_line) {
			fail(st, st->line, "[global]: given twice (first on line %d)",
			     st->global_line);
			return;
		}
		st->global_line = st->line;
		st->section = SECTION_GLOBAL;
		return;
	}
	if (strncmp(name, "match", 5) || (name[5] && name[5] != ' ' && name[5] != '\t')) {
		fail(st, st->line, "[%s]: unknown section; expected [global] or [match NAME]",
		     name);
		return;
	}
	name += 5;
	name += strspn(name, " \t");
	if (!valid_match_name(name)) {
		fail(st, st->line,
		     "[match %s]: expected [match NAME], NAME of 1 to %d letters, digits, '_', "
		     "'-' or '.'",
		     name, NP_MATCH_NAME_MAX);
		return;
	}
	dup = np_config_find_match(st->cfg, name);
	if (dup) {
		fail(st, st->line, "[match %s]: given twice (first on line %d)", name, dup->line);
		return;
	}
	st->match = np_config_add_match(st->cfg, name, st->line);
	if (!st->match) {
		fail(st, st->line, "[match %s]: more than %d match sections", name,
		     NP_CONFIG_MAX_MATCHES);
		return;
	}
	memset(st->match_set, 0, sizeof(st->match_set));
	st->section = SECTION_MATCH;
}

/* inih's reader: one line per call, numbered, indentation removed, headers noted. */
static char *next_line(char *str, int num, void *stream)
{
	struct load_state *st = stream;
	const char *start, *nl;
	size_t n;

	if (st->err_line || st->done)
		return NULL;
	if (st->pos >= st->len) {
		st->done = true;
		finish_file(st);
		return NULL;
	}
	start = st->buf + st->pos;
	nl = memchr(start, '\n', st->len - st->pos);
	n = nl ? (size_t)(nl - start) : st->len - st->pos;
	st->pos += n + (nl != NULL);
	st->line++;
	if (st->line == 1 && n >= 3 && !memcmp(start, "\xEF\xBB\xBF", 3)) {
		start += 3; /* UTF-8 byte order mark */
		n -= 3;
	}
	while (n && (*start == ' ' || *start == '\t')) {
		start++;
		n--;
	}
	/* the line, its newline and the NUL must fit in inih's buffer */
	if (n + 2 > (size_t)num) {
		fail(st, st->line, "line longer than %d characters", num - 2);
		return NULL;
	}
	memcpy(str, start, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	if (*str == '[') {
		char header[NP_CONFIG_TEXT_MAX * 2];

		snprintf(header, sizeof(header), "%.*s", (int)n, start);
		section_header(st, header);
	}
	return str;
}

static void join_names(const char *const *names, int count, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < count && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? ", " : "", names[i]);
}

/* inih's handler: one KEY = VALUE of the section the reader is in. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct load_state *st = user;
	bool global = st->section == SECTION_GLOBAL;
	const char *const *names = global ? np_config_global_keys : np_config_match_keys;
	int count = global ? NP_G_COUNT : NP_M_COUNT, key, *set_at, err;
	char where[NP_MATCH_NAME_MAX + 16], why[512];

	(void)section; /* the reader knows it, untruncated */
	if (st->err_line)
		return 1;
	if (st->section == SECTION_NONE) {
		fail(st, st->line, "%s: outside a section; put it under [global] or [match NAME]",
		     name);
		return 1;
	}
	if (!*name) {
		fail(st, st->line, "expected KEY = VALUE, got no key before the '='");
		return 1;
	}
	if (global)
		snprintf(where, sizeof(where), "[global]");
	else
		snprintf(where, sizeof(where), "[match %s]", st->match->name);

	key = np_config_key_index(names, count, name);
	if (key < 0) {
		join_names(names, count, why, sizeof(why));
		fail(st, st->line, "%s %s: unknown key (known: %s)", where, name, why);
		return 1;
	}
	set_at = global ? &st->global_set[key] : &st->match_set[key];
	if (*set_at) {
		fail(st, st->line, "%s %s: given twice (first on line %d)", where, name, *set_at);
		return 1;
	}
	if (global)
		err = np_config_set_global_key(st->cfg, (enum np_global_key)key, value, false, why,
					       sizeof(why));
	else
		err = np_config_set_match_key(st->match, (enum np_match_key)key, value,
					      st->match_set, why, sizeof(why));
	/* a reason that names the key already (the metrics listener's) is not prefixed again */
	if (err && !strncmp(why, name, strlen(name)) && why[strlen(name)] == ' ')
		fail(st, st->line, "%s %s", where, why);
	else if (err)
		fail(st, st->line, "%s %s: %s", where, name, why);
	else
		*set_at = st->line;
	return 1;
}

/* The whole file in memory: lines can then be numbered and quoted exactly. */
static int read_file(const char *path, char **buf, size_t *len, char *msg, size_t msglen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;
	size_t used = 0;
	char *data;

	if (fd < 0) {
		err = -errno;
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return err;
	}
	data = malloc(CONFIG_MAX_BYTES + 1);
	if (!data) {
		close(fd);
		snprintf(msg, msglen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (;;) {
		ssize_t got = read(fd, data + used, CONFIG_MAX_BYTES + 1 - used);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			snprintf(msg, msglen, "%s: %s", path, strerror(errno));
			break;
		}
		if (got == 0)
			break;
		used += (size_t)got;
		if (used > CONFIG_MAX_BYTES) {
			err = -EFBIG;
			snprintf(msg, msglen, "%s: larger than %d bytes, not a numaplace config",
				 path, CONFIG_MAX_BYTES);
			break;
		}
	}
	close(fd);
	if (!err && memchr(data, '\0', used)) {
		err = -EINVAL;
		snprintf(msg, msglen, "%s: contains NUL bytes, not a text file", path);
	}
	if (err) {
		free(data);
		return err;
	}
	*buf = data;
	*len = used;
	return 0;
}

/* A line inih refused (no '=' or ':', no closing ']'), quoted in the message. */
static void syntax_error(struct load_state *st, int line)
{
	const char *p = st->buf, *end = st->buf + st->len, *nl;
	int n;

	for (int i = 1; i < line && p < end; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	n = (int)((nl ? nl : end) - p);
	while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	st->err_line = 0;
	fail(st, line, "expected [SECTION] or KEY = VALUE, got \"%.*s\"", n > 80 ? 80 : n, p);
}

int np_config_load(const char *path, struct np_config *cfg, char *msg, size_t msglen)
{
	struct load_state st = {.cfg = cfg, .path = path, .msg = msg, .msglen = msglen};
	char *buf = NULL;
	int ret, err;

	np_config_defaults(cfg);
	err = read_file(path, &buf, &st.len, msg, msglen);
	if (err)
		return err;
	st.buf = buf;
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	ret = ini_parse_stream(next_line, &st, on_key, &st);
	if (ret == -2) {
		snprintf(msg, msglen, "%s: %s", path, strerror(ENOMEM));
		err = -ENOMEM;
	} else if (ret > 0 && (!st.err_line || (ret <= st.err_found_at && ret != st.err_line))) {
		/* inih's complaint came first (a header it refused too is reported as ours) */
		syntax_error(&st, ret);
		err = -EINVAL;
	} else if (st.err_line) {
		err = -EINVAL;
	}
	free(buf);
	if (err)
		np_config_free(cfg);
	return err;
}
