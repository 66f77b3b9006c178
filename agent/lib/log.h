/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging for the long-running agent: one line per event on stderr, in the form journald keeps.
 *
 * Under systemd, stderr is a journald stream and every line starts with the sd-daemon priority
 * prefix ("<4>cannot move pid 1234: ..."): journald strips it and files the line at that
 * priority (SyslogLevelPrefix=yes, the default), and adds "numaplace[pid]:" itself. Anywhere
 * else (a terminal, a file, a pipe) the line reads "numaplace: warning: ...". journald is
 * recognised the way sd-daemon(3) says: $JOURNAL_STREAM names the device and inode of stderr.
 *
 * Noisy events (a move that fails every interval, a process that vanishes while it is read)
 * go through np_log_ratelimited(): at most burst lines per key per interval, then one
 * "N similar messages suppressed" line when the key's window has closed.
 *
 * The formatting, the journald test and the rate limiter are pure (plain values in, the clock
 * passed as an argument), so unit tests check them without sleeping.
 */
#ifndef NP_LOG_H
#define NP_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/np_common.h"

/* syslog(3) priorities, which are also the sd-daemon prefixes ("<3>" ... "<7>"). */
enum np_log_level {
	NP_LOG_ERR = 3,
	NP_LOG_WARNING = 4,
	NP_LOG_INFO = 6,
	NP_LOG_DEBUG = 7,
};

enum np_log_style {
	NP_LOG_PLAIN,	/* "numaplace: warning: message" */
	NP_LOG_JOURNAL, /* "<4>message" */
};

/* A line longer than this (prefix and newline included) is cut and ends in "...". */
#define NP_LOG_LINE_MAX 2048

/*
 * Log one event at level: dropped when level is above the threshold. np_err() is
 * np_log(NP_LOG_ERR, ...). Newlines inside the message become spaces: one event, one line.
 */
void np_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void np_vlog(int level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* The threshold (default NP_LOG_INFO). Errors always pass: a lower value means NP_LOG_ERR. */
void np_log_set_level(int level);
int np_log_get_level(void);
/* "err"/"error", "warning"/"warn", "info", "debug" -> level; -EINVAL for anything else. */
int np_log_level_parse(const char *name);
const char *np_log_level_name(int level);

/*
 * Where lines go and in which style. Without a call, the first line decides: fd 2, journal
 * style when np_log_journal_stream() says stderr is journald's.
 */
void np_log_set_output(int fd, enum np_log_style style);

/* Pure: does $JOURNAL_STREAM ("DEVICE:INODE", may be NULL) name the stream (dev, ino)? */
bool np_log_journal_stream(const char *env, dev_t dev, ino_t ino);

/* Plain lines to a terminal wrap here, continued under the text after "numaplace: ". */
#define NP_LOG_COLS   100
#define NP_LOG_INDENT 11

/*
 * Pure: the line in buf (len bytes, ending in '\n') wrapped at spaces before NP_LOG_COLS, each
 * continuation indented NP_LOG_INDENT; a word is never split, a line that would not fit size
 * stays as it was. Returns the new length.
 */
size_t np_log_wrap(char *buf, size_t len, size_t size);

/*
 * Pure: the line for message (already formatted) in style, ending in '\n', NUL-terminated,
 * cut to size: one line (newlines, tabs as spaces), other control bytes as '?'. Returns its
 * length.
 */
size_t np_log_format(char *buf, size_t size, enum np_log_style style, int level,
		     const char *message);

/* ---- rate limiting ---- */

/*
 * One window per key: the first line opens it, burst lines pass, the rest are counted until
 * interval_s has passed since it opened. begin < 0: no window open yet. interval_s <= 0 or
 * burst <= 0: no limit.
 */
struct np_ratelimit {
	double interval_s;
	int burst;
	double begin;
	int printed;
	unsigned long missed;
};

#define NP_RATELIMIT_INIT(interval, nburst)                                                        \
	{                                                                                          \
		.interval_s = (interval), .burst = (nburst), .begin = -1                           \
	}

/*
 * Pure: may a line go out at time now (seconds, any monotonic origin)? When this call closes a
 * window that suppressed lines, *suppressed gets their count (the caller reports it first),
 * else 0.
 */
bool np_ratelimit_allow(struct np_ratelimit *rl, double now, unsigned long *suppressed);

/* Pure: lines suppressed in a window that has closed by now (and forget them), else 0. */
unsigned long np_ratelimit_flush(struct np_ratelimit *rl, double now);

/* Keys remembered at once; the least recently used one makes room for a new key. */
#define NP_LOG_LIMITER_KEYS 64
#define NP_LOG_KEY_MAX	    64

struct np_log_limiter_slot {
	char key[NP_LOG_KEY_MAX]; /* "" = free */
	int level;		  /* of the last line under this key: the report uses it */
	double last_used;
	struct np_ratelimit rl;
};

struct np_log_limiter {
	double interval_s;
	int burst;
	struct np_log_limiter_slot slots[NP_LOG_LIMITER_KEYS];
};

/* Where the limiter sends "N similar messages suppressed" reports. */
typedef void np_log_suppressed_fn(void *ctx, const char *key, int level, unsigned long count);

/* Defaults of the global limiter: 5 lines per key per minute. */
#define NP_LOG_RATELIMIT_INTERVAL_S 60.0
#define NP_LOG_RATELIMIT_BURST	    5

/* Pure: an empty limiter with these limits. */
void np_log_limiter_init(struct np_log_limiter *l, double interval_s, int burst);

/*
 * Pure: may a line under key (cut to NP_LOG_KEY_MAX - 1 bytes) go out at time now? Pending
 * suppressed counts (of this key's closed window, or of a key evicted to make room) go to
 * report before it returns.
 */
bool np_log_limiter_allow(struct np_log_limiter *l, const char *key, int level, double now,
			  np_log_suppressed_fn *report, void *ctx);

/* Pure: report every key whose window has closed by now with suppressed lines. */
void np_log_limiter_flush(struct np_log_limiter *l, double now, np_log_suppressed_fn *report,
			  void *ctx);

/*
 * np_log() through the global limiter, keyed by key (e.g. "move-failed", or "read:1234" to
 * limit per process). The daemon calls np_log_ratelimit_flush() once per interval so a count
 * of suppressed lines is not held back until the key's next event.
 */
void np_log_ratelimited(const char *key, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void np_log_ratelimit_flush(void);
/* Limits of the global limiter (forgets its keys). */
void np_log_set_ratelimit(double interval_s, int burst);
/* The global limiter's clock (default: CLOCK_MONOTONIC in seconds); NULL restores it. */
void np_log_set_clock(double (*now)(void));

#endif
