// SPDX-License-Identifier: GPL-2.0
/*
 * Messages to the operator: one line per event, one place that decides the prefix (journald's
 * "<N>" or "numaplace: "), the threshold and the rate limits. See log.h.
 *
 * A line is formatted into one buffer and written with one write(2), so lines from two threads
 * never interleave. The rate limiter's clock is np_now_s() (clock.h), or one a test injects.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/log.h"

/* Output: fd, style and threshold, decided on first use unless set. */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static bool out_ready;
static int out_fd = 2;
static enum np_log_style out_style = NP_LOG_PLAIN;
static bool out_tty; /* out_fd is a terminal: long plain lines wrap */
static int threshold = NP_LOG_INFO;

/* The global rate limiter; its reports go through np_log(), which takes out_lock only. */
static pthread_mutex_t limiter_lock = PTHREAD_MUTEX_INITIALIZER;
static bool limiter_ready;
static struct np_log_limiter limiter;
static double (*clock_fn)(void);

bool np_log_journal_stream(const char *env, dev_t dev, ino_t ino)
{
	unsigned long long d, i;
	char *end;

	if (!env || !*env)
		return false;
	errno = 0;
	d = strtoull(env, &end, 10);
	if (errno || end == env || *end != ':')
		return false;
	env = end + 1;
	i = strtoull(env, &end, 10);
	if (errno || end == env || *end)
		return false;
	return d == (unsigned long long)dev && i == (unsigned long long)ino;
}

static const char *plain_word(int level)
{
	switch (level) {
	case NP_LOG_WARNING:
		return "warning: ";
	case NP_LOG_DEBUG:
		return "debug: ";
	default:
		/* errors read as before this file knew levels: "numaplace: cannot ..." */
		return "";
	}
}

size_t np_log_format(char *buf, size_t size, enum np_log_style style, int level,
		     const char *message)
{
	size_t n, len = strlen(message), room;
	bool cut = false;
	int w;

	if (!size)
		return 0;
	if (level < 0)
		level = 0;
	if (level > 7)
		level = 7;
	if (style == NP_LOG_JOURNAL)
		w = snprintf(buf, size, "<%d>", level);
	else
		w = snprintf(buf, size, "numaplace: %s", plain_word(level));
	n = w < 0 ? 0 : (size_t)w;
	if (n + 2 > size) { /* no room even for the newline: leave what fits */
		buf[size - 1] = '\0';
		return strlen(buf);
	}
	while (len && (message[len - 1] == '\n' || message[len - 1] == '\r'))
		len--;
	room = size - n - 2; /* '\n' and NUL */
	if (len > room) {
		cut = true;
		len = room >= 3 ? room - 3 : 0;
		/* never split a UTF-8 sequence: back off to the start of the character */
		while (len && ((unsigned char)message[len] & 0xc0) == 0x80)
			len--;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)message[i];

		/* a process name or path can hold any byte: no escape sequence reaches a terminal
		 */
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		else if (c < 0x20 || c == 0x7f)
			c = '?';
		buf[n++] = (char)c;
	}
	if (cut)
		for (int i = 0; i < 3 && n + 2 < size; i++)
			buf[n++] = '.';
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}

/* The bytes of the word at s and the columns it takes (one per UTF-8 character). */
static size_t word_at(const char *s, int *cols)
{
	size_t n = 0;

	*cols = 0;
	for (; s[n] && s[n] != ' ' && s[n] != '\n'; n++)
		*cols += ((unsigned char)s[n] & 0xc0) != 0x80;
	return n;
}

size_t np_log_wrap(char *buf, size_t len, size_t size)
{
	char *in = strndup(buf, len);
	size_t n = 0;
	int col = 0;

	if (!in)
		return len;
	for (const char *s = in; *s;) {
		int cols;
		size_t w = word_at(s + (*s == ' '), &cols);

		if (*s == ' ' && col > NP_LOG_INDENT && col + 1 + cols > NP_LOG_COLS) {
			n += snprintf(buf + n, size > n ? size - n : 0, "\n%*s", NP_LOG_INDENT, "");
			col = NP_LOG_INDENT;
			s++;
		} else if (*s == ' ' || *s == '\n') {
			if (n + 1 < size)
				buf[n] = *s;
			n++;
			col = *s == '\n' ? 0 : col + 1;
			s++;
		}
		if (n + w + 1 < size)
			memcpy(buf + n, s, w);
		n += w;
		col += cols;
		s += w;
	}
	if (n >= size) { /* no room for the indents: the line as it was */
		memcpy(buf, in, len + 1);
		n = len;
	}
	buf[n] = '\0';
	free(in);
	return n;
}

/* First line: journald's stream when $JOURNAL_STREAM names our stderr. Under out_lock. */
static void out_init(void)
{
	struct stat st;

	if (out_ready)
		return;
	out_fd = 2;
	out_style = NP_LOG_PLAIN;
	if (!fstat(2, &st) && np_log_journal_stream(getenv("JOURNAL_STREAM"), st.st_dev, st.st_ino))
		out_style = NP_LOG_JOURNAL;
	out_tty = isatty(2);
	out_ready = true;
}

void np_log_set_output(int fd, enum np_log_style style)
{
	pthread_mutex_lock(&out_lock);
	out_fd = fd;
	out_style = style;
	out_tty = isatty(fd);
	out_ready = true;
	pthread_mutex_unlock(&out_lock);
}

void np_log_set_level(int level)
{
	if (level < NP_LOG_ERR)
		level = NP_LOG_ERR;
	if (level > NP_LOG_DEBUG)
		level = NP_LOG_DEBUG;
	__atomic_store_n(&threshold, level, __ATOMIC_RELAXED);
}

int np_log_get_level(void)
{
	return __atomic_load_n(&threshold, __ATOMIC_RELAXED);
}

static const struct {
	const char *name;
	int level;
} level_names[] = {
	{"error", NP_LOG_ERR},	  {"err", NP_LOG_ERR},	 {"warning", NP_LOG_WARNING},
	{"warn", NP_LOG_WARNING}, {"info", NP_LOG_INFO}, {"debug", NP_LOG_DEBUG},
};

int np_log_level_parse(const char *name)
{
	for (size_t i = 0; name && i < NP_ARRAY_SIZE(level_names); i++)
		if (!strcasecmp(name, level_names[i].name))
			return level_names[i].level;
	return -EINVAL;
}

const char *np_log_level_name(int level)
{
	for (size_t i = 0; i < NP_ARRAY_SIZE(level_names); i++)
		if (level_names[i].level == level)
			return level_names[i].name;
	return "unknown";
}

void np_vlog(int level, const char *fmt, va_list ap)
{
	char message[NP_LOG_LINE_MAX], line[NP_LOG_LINE_MAX + NP_LOG_LINE_MAX / 4];
	enum np_log_style style;
	size_t len, off = 0;
	int fd;
	bool tty;

	if (level > np_log_get_level())
		return;
	pthread_mutex_lock(&out_lock);
	out_init();
	fd = out_fd;
	style = out_style;
	tty = out_tty;
	pthread_mutex_unlock(&out_lock);

	vsnprintf(message, sizeof(message), fmt, ap);
	len = np_log_format(line, NP_LOG_LINE_MAX, style, level, message);
	/*
	 * On a terminal every message fits 100 columns (run's events, an error naming a long
	 * cgroup path); a file or a pipe (grep, a log shipper) and journald keep one a line.
	 */
	if (tty && style == NP_LOG_PLAIN)
		len = np_log_wrap(line, len, sizeof(line));
	while (off < len) {
		ssize_t w = write(fd, line + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* stderr is gone: nowhere left to say so */
		off += w;
	}
}

void np_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	np_vlog(level, fmt, ap);
	va_end(ap);
}

void np_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	np_vlog(NP_LOG_ERR, fmt, ap);
	va_end(ap);
}

/* ---- rate limiting ---- */

bool np_ratelimit_allow(struct np_ratelimit *rl, double now, unsigned long *suppressed)
{
	*suppressed = 0;
	if (rl->interval_s <= 0 || rl->burst <= 0)
		return true; /* no limit set */
	/* a clock that went back (a test, a restored snapshot) opens a new window too */
	if (rl->begin < 0 || now - rl->begin >= rl->interval_s || now < rl->begin) {
		*suppressed = rl->missed;
		rl->begin = now;
		rl->printed = 0;
		rl->missed = 0;
	}
	if (rl->printed < rl->burst) {
		rl->printed++;
		return true;
	}
	rl->missed++;
	return false;
}

unsigned long np_ratelimit_flush(struct np_ratelimit *rl, double now)
{
	unsigned long missed = rl->missed;

	if (rl->begin < 0 || (now - rl->begin < rl->interval_s && now >= rl->begin))
		return 0;
	rl->begin = -1;
	rl->printed = 0;
	rl->missed = 0;
	return missed;
}

void np_log_limiter_init(struct np_log_limiter *l, double interval_s, int burst)
{
	memset(l, 0, sizeof(*l));
	l->interval_s = interval_s;
	l->burst = burst;
}

static struct np_log_limiter_slot *limiter_slot(struct np_log_limiter *l, const char *key,
						np_log_suppressed_fn *report, void *ctx)
{
	struct np_log_limiter_slot *s, *victim = NULL;

	for (int i = 0; i < NP_LOG_LIMITER_KEYS; i++) {
		s = &l->slots[i];
		if (!strcmp(s->key, key))
			return s;
		if (!victim || (victim->key[0] && (!s->key[0] || s->last_used < victim->last_used)))
			victim = s;
	}
	/* the least recently used key (or a free slot) goes; its pending count is said first */
	if (victim->key[0] && victim->rl.missed)
		report(ctx, victim->key, victim->level, victim->rl.missed);
	memset(victim, 0, sizeof(*victim));
	snprintf(victim->key, sizeof(victim->key), "%s", key);
	victim->rl = (struct np_ratelimit)NP_RATELIMIT_INIT(l->interval_s, l->burst);
	return victim;
}

bool np_log_limiter_allow(struct np_log_limiter *l, const char *key, int level, double now,
			  np_log_suppressed_fn *report, void *ctx)
{
	char cut[NP_LOG_KEY_MAX];
	struct np_log_limiter_slot *s;
	unsigned long suppressed;
	bool ok;

	/* "" marks a free slot: an empty key gets a name */
	snprintf(cut, sizeof(cut), "%s", key && *key ? key : "-");
	s = limiter_slot(l, cut, report, ctx);
	ok = np_ratelimit_allow(&s->rl, now, &suppressed);
	if (suppressed)
		report(ctx, s->key, s->level, suppressed);
	s->level = level;
	s->last_used = now;
	return ok;
}

void np_log_limiter_flush(struct np_log_limiter *l, double now, np_log_suppressed_fn *report,
			  void *ctx)
{
	for (int i = 0; i < NP_LOG_LIMITER_KEYS; i++) {
		struct np_log_limiter_slot *s = &l->slots[i];
		unsigned long n;

		if (!s->key[0])
			continue;
		n = np_ratelimit_flush(&s->rl, now);
		if (n)
			report(ctx, s->key, s->level, n);
	}
}

static void report_suppressed(void *ctx, const char *key, int level, unsigned long count)
{
	(void)ctx;
	np_log(level, "%lu similar message%s suppressed (%s)", count, count == 1 ? "" : "s", key);
}

/* Under limiter_lock. */
static void limiter_init(void)
{
	if (limiter_ready)
		return;
	np_log_limiter_init(&limiter, NP_LOG_RATELIMIT_INTERVAL_S, NP_LOG_RATELIMIT_BURST);
	limiter_ready = true;
}

static double limiter_now(void)
{
	return clock_fn ? clock_fn() : np_now_s();
}

void np_log_ratelimited(const char *key, int level, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	/* below the threshold a line neither prints nor uses up the key's burst */
	if (level > np_log_get_level())
		return;
	pthread_mutex_lock(&limiter_lock);
	limiter_init();
	ok = np_log_limiter_allow(&limiter, key, level, limiter_now(), report_suppressed, NULL);
	pthread_mutex_unlock(&limiter_lock);
	if (!ok)
		return;
	va_start(ap, fmt);
	np_vlog(level, fmt, ap);
	va_end(ap);
}

void np_log_ratelimit_flush(void)
{
	pthread_mutex_lock(&limiter_lock);
	limiter_init();
	np_log_limiter_flush(&limiter, limiter_now(), report_suppressed, NULL);
	pthread_mutex_unlock(&limiter_lock);
}

void np_log_set_ratelimit(double interval_s, int burst)
{
	pthread_mutex_lock(&limiter_lock);
	np_log_limiter_init(&limiter, interval_s, burst);
	limiter_ready = true;
	pthread_mutex_unlock(&limiter_lock);
}

void np_log_set_clock(double (*now)(void))
{
	pthread_mutex_lock(&limiter_lock);
	clock_fn = now;
	pthread_mutex_unlock(&limiter_lock);
}
