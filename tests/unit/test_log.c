// SPDX-License-Identifier: GPL-2.0
/*
 * Logging: the journald and plain line forms, the $JOURNAL_STREAM test, the threshold, and the
 * rate limiter driven by an injected clock (no sleeping).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/log.h"
#include "test.h"

static const char *line(enum np_log_style style, int level, const char *message)
{
	static char buf[NP_LOG_LINE_MAX];

	np_log_format(buf, sizeof(buf), style, level, message);
	return buf;
}

TEST(log_line_forms)
{
	CHECK_STR(line(NP_LOG_JOURNAL, NP_LOG_ERR, "cannot open x"), "<3>cannot open x\n");
	CHECK_STR(line(NP_LOG_JOURNAL, NP_LOG_WARNING, "w"), "<4>w\n");
	CHECK_STR(line(NP_LOG_JOURNAL, NP_LOG_INFO, "i"), "<6>i\n");
	CHECK_STR(line(NP_LOG_JOURNAL, NP_LOG_DEBUG, "d"), "<7>d\n");
	/* plain: errors read as np_err always did */
	CHECK_STR(line(NP_LOG_PLAIN, NP_LOG_ERR, "cannot open x"), "numaplace: cannot open x\n");
	CHECK_STR(line(NP_LOG_PLAIN, NP_LOG_WARNING, "pid 12 gone"),
		  "numaplace: warning: pid 12 gone\n");
	CHECK_STR(line(NP_LOG_PLAIN, NP_LOG_INFO, "placed"), "numaplace: placed\n");
	CHECK_STR(line(NP_LOG_PLAIN, NP_LOG_DEBUG, "tick"), "numaplace: debug: tick\n");
	/* one event, one line: inner newlines become spaces, trailing ones go */
	CHECK_STR(line(NP_LOG_JOURNAL, NP_LOG_WARNING, "a\nb\r\nc\n\n"), "<4>a b  c\n");
	/* other control bytes (a process named with an escape sequence) never go out raw */
	CHECK_STR(line(NP_LOG_PLAIN, NP_LOG_INFO, "pid 7 (\x1b[31mx\ty\x7f\x01)"),
		  "numaplace: pid 7 (?[31mx y?"
		  "?)\n");
	/* a level out of the syslog range is clamped, never printed as "<42>" */
	CHECK_STR(line(NP_LOG_JOURNAL, 42, "x"), "<7>x\n");
}

TEST(log_line_cut)
{
	static char big[NP_LOG_LINE_MAX * 2], out[NP_LOG_LINE_MAX];
	char buf[16];
	size_t n;

	n = np_log_format(buf, sizeof(buf), NP_LOG_JOURNAL, NP_LOG_INFO, "0123456789abcdef");
	CHECK_STR(buf, "<6>01234567...\n");
	CHECK_INT(n, 15);
	/* "é" is two bytes: the cut backs off rather than split it */
	n = np_log_format(buf, sizeof(buf), NP_LOG_JOURNAL, NP_LOG_INFO, "0123456\xc3\xa9xyzw");
	CHECK_STR(buf, "<6>0123456...\n");
	CHECK_INT(n, 14);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	n = np_log_format(out, sizeof(out), NP_LOG_PLAIN, NP_LOG_WARNING, big);
	CHECK_INT(n, NP_LOG_LINE_MAX - 1);
	CHECK_INT(strlen(out), n);
	CHECK(!strncmp(out, "numaplace: warning: xxx", 23));
	CHECK_STR(out + n - 5, "x...\n");
	/* a buffer too small for any message still ends in NUL */
	CHECK_INT(np_log_format(buf, 4, NP_LOG_PLAIN, NP_LOG_ERR, "x"), 3);
	CHECK_STR(buf, "num");
}

TEST(log_journal_stream)
{
	CHECK(np_log_journal_stream("8:123456", 8, 123456));
	CHECK(np_log_journal_stream("2049:18446744073709551615", 2049, (ino_t)-1));
	CHECK(!np_log_journal_stream("8:123457", 8, 123456)); /* stderr redirected elsewhere */
	CHECK(!np_log_journal_stream("9:123456", 8, 123456));
	CHECK(!np_log_journal_stream(NULL, 8, 123456));
	CHECK(!np_log_journal_stream("", 8, 123456));
	CHECK(!np_log_journal_stream("8", 8, 123456));
	CHECK(!np_log_journal_stream("8:", 8, 123456));
	CHECK(!np_log_journal_stream("8:123456x", 8, 123456));
	CHECK(!np_log_journal_stream(":123456", 8, 123456));
}

TEST(log_level_names)
{
	CHECK_INT(np_log_level_parse("debug"), NP_LOG_DEBUG);
	CHECK_INT(np_log_level_parse("INFO"), NP_LOG_INFO);
	CHECK_INT(np_log_level_parse("warn"), NP_LOG_WARNING);
	CHECK_INT(np_log_level_parse("warning"), NP_LOG_WARNING);
	CHECK_INT(np_log_level_parse("error"), NP_LOG_ERR);
	CHECK_INT(np_log_level_parse("err"), NP_LOG_ERR);
	CHECK_INT(np_log_level_parse("verbose"), -EINVAL);
	CHECK_INT(np_log_level_parse(NULL), -EINVAL);
	CHECK_STR(np_log_level_name(NP_LOG_WARNING), "warning");
	CHECK_STR(np_log_level_name(NP_LOG_ERR), "error");
}

TEST(ratelimit_window)
{
	struct np_ratelimit rl = NP_RATELIMIT_INIT(10, 3);
	unsigned long sup;

	CHECK(np_ratelimit_allow(&rl, 100.0, &sup));
	CHECK_INT(sup, 0);
	CHECK(np_ratelimit_allow(&rl, 101.0, &sup));
	CHECK(np_ratelimit_allow(&rl, 102.0, &sup));
	CHECK(!np_ratelimit_allow(&rl, 103.0, &sup)); /* burst used up */
	CHECK(!np_ratelimit_allow(&rl, 109.9, &sup));
	CHECK_INT(sup, 0);
	CHECK_INT(np_ratelimit_flush(&rl, 109.9), 0); /* window still open: nothing to say */
	/* the window reopens 10 s after it opened: the count comes with the first new line */
	CHECK(np_ratelimit_allow(&rl, 110.0, &sup));
	CHECK_INT(sup, 2);
	CHECK(np_ratelimit_allow(&rl, 111.0, &sup));
	CHECK_INT(sup, 0);
	CHECK(np_ratelimit_allow(&rl, 112.0, &sup));
	CHECK(!np_ratelimit_allow(&rl, 113.0, &sup));
	/* no further line: the flush says it once the window has closed, and only once */
	CHECK_INT(np_ratelimit_flush(&rl, 119.0), 0);
	CHECK_INT(np_ratelimit_flush(&rl, 120.0), 1);
	CHECK_INT(np_ratelimit_flush(&rl, 121.0), 0);
	CHECK(np_ratelimit_allow(&rl, 500.0, &sup));
	CHECK_INT(sup, 0);

	/* no limit set: everything passes */
	{
		struct np_ratelimit off = NP_RATELIMIT_INIT(0, 0);

		for (int i = 0; i < 1000; i++)
			CHECK(np_ratelimit_allow(&off, 1.0, &sup));
	}
}

struct reports {
	int n;
	char text[8][96];
};

static void collect(void *ctx, const char *key, int level, unsigned long count)
{
	struct reports *r = ctx;

	if (r->n < 8)
		snprintf(r->text[r->n++], sizeof(r->text[0]), "%s/%d/%lu", key, level, count);
}

TEST(ratelimit_keys)
{
	static struct np_log_limiter l;
	struct reports r = {0};
	char key[32];
	int passed = 0;

	np_log_limiter_init(&l, 60, 2);
	/* keys are independent */
	for (int i = 0; i < 5; i++) {
		passed += np_log_limiter_allow(&l, "move-failed", NP_LOG_WARNING, i, collect, &r);
		passed += np_log_limiter_allow(&l, "gone", NP_LOG_INFO, i, collect, &r);
	}
	CHECK_INT(passed, 4);
	CHECK_INT(r.n, 0);
	/* flush before the window closes says nothing; after, one report per key */
	np_log_limiter_flush(&l, 59.0, collect, &r);
	CHECK_INT(r.n, 0);
	np_log_limiter_flush(&l, 60.0, collect, &r);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.text[0], "move-failed/4/3");
	CHECK_STR(r.text[1], "gone/6/3");

	/* a full table evicts the least recently used key and says what it held back */
	r.n = 0;
	np_log_limiter_init(&l, 60, 1);
	CHECK(np_log_limiter_allow(&l, "old", NP_LOG_WARNING, 0, collect, &r));
	CHECK(!np_log_limiter_allow(&l, "old", NP_LOG_WARNING, 1, collect, &r));
	for (int i = 1; i < NP_LOG_LIMITER_KEYS; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		CHECK(np_log_limiter_allow(&l, key, NP_LOG_INFO, 2 + i, collect, &r));
	}
	CHECK_INT(r.n, 0);
	CHECK(np_log_limiter_allow(&l, "new", NP_LOG_INFO, 100, collect, &r));
	CHECK_INT(r.n, 1);
	CHECK_STR(r.text[0], "old/4/1");
	/* "k1" is still limited: the eviction took "old" only */
	CHECK(!np_log_limiter_allow(&l, "k1", NP_LOG_INFO, 10, collect, &r));

	/* keys longer than the slot are cut, and the cut key still matches itself */
	np_log_limiter_init(&l, 60, 1);
	memset(key, 'a', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	{
		char longkey[NP_LOG_KEY_MAX + 20];

		memset(longkey, 'z', sizeof(longkey) - 1);
		longkey[sizeof(longkey) - 1] = '\0';
		CHECK(np_log_limiter_allow(&l, longkey, NP_LOG_INFO, 0, collect, &r));
		CHECK(!np_log_limiter_allow(&l, longkey, NP_LOG_INFO, 1, collect, &r));
	}
	CHECK(np_log_limiter_allow(&l, "", NP_LOG_INFO, 0, collect, &r));
	CHECK(!np_log_limiter_allow(&l, NULL, NP_LOG_INFO, 0, collect, &r));
}

static double fake_now;

static double fake_clock(void)
{
	return fake_now;
}

/* Everything written to the pipe so far, NUL-terminated. */
static const char *drain(int fd)
{
	static char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

TEST(log_threshold_and_ratelimited_output)
{
	int p[2];

	CHECK_INT(pipe(p), 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	np_log_set_output(p[1], NP_LOG_JOURNAL);
	np_log_set_level(NP_LOG_INFO);

	np_log(NP_LOG_DEBUG, "hidden %d", 1);
	np_log(NP_LOG_WARNING, "cannot move pid %d", 1234);
	np_err("bad %s", "config");
	CHECK_STR(drain(p[0]), "<4>cannot move pid 1234\n<3>bad config\n");
	np_log_set_level(NP_LOG_DEBUG);
	np_log(NP_LOG_DEBUG, "shown");
	CHECK_STR(drain(p[0]), "<7>shown\n");
	np_log_set_level(0); /* errors are never filtered */
	CHECK_INT(np_log_get_level(), NP_LOG_ERR);
	np_log(NP_LOG_WARNING, "hidden");
	np_err("still");
	CHECK_STR(drain(p[0]), "<3>still\n");

	/* the global limiter on the injected clock */
	np_log_set_level(NP_LOG_INFO);
	np_log_set_clock(fake_clock);
	np_log_set_ratelimit(10, 2);
	fake_now = 1000;
	for (int i = 0; i < 5; i++)
		np_log_ratelimited("move-failed", NP_LOG_WARNING, "move %d failed", i);
	np_log_ratelimited("debug-noise", NP_LOG_DEBUG, "below threshold");
	CHECK_STR(drain(p[0]), "<4>move 0 failed\n<4>move 1 failed\n");
	fake_now = 1005;
	np_log_ratelimit_flush();
	CHECK_STR(drain(p[0]), "");
	fake_now = 1010;
	np_log_ratelimited("move-failed", NP_LOG_WARNING, "move %d failed", 5);
	CHECK_STR(drain(p[0]),
		  "<4>3 similar messages suppressed (move-failed)\n<4>move 5 failed\n");
	np_log_ratelimited("move-failed", NP_LOG_WARNING, "move %d failed", 6);
	np_log_ratelimited("move-failed", NP_LOG_WARNING, "move %d failed", 7);
	fake_now = 1020;
	np_log_ratelimit_flush();
	CHECK_STR(drain(p[0]), "<4>move 6 failed\n<4>1 similar message suppressed (move-failed)\n");

	np_log_set_output(p[1], NP_LOG_PLAIN);
	np_log(NP_LOG_WARNING, "plain");
	CHECK_STR(drain(p[0]), "numaplace: warning: plain\n");

	np_log_set_clock(NULL);
	np_log_set_ratelimit(NP_LOG_RATELIMIT_INTERVAL_S, NP_LOG_RATELIMIT_BURST);
	np_log_set_output(2, NP_LOG_PLAIN);
	close(p[0]);
	close(p[1]);
}

/* Issue #15: a plain line wider than 100 columns wraps at spaces, under its text. */
TEST(log_line_wraps_at_100_columns)
{
	static char buf[NP_LOG_LINE_MAX * 2];
	size_t n, len;
	const char *nl;

	len = np_log_format(buf, NP_LOG_LINE_MAX, NP_LOG_PLAIN, NP_LOG_INFO,
			    "pid 9778 (sleep) matches [match cli] but holds 2 MB, below min_rss_mb "
			    "256, and keeps 0.00 CPUs busy, below min_cpu 0.5");
	n = np_log_wrap(buf, len, sizeof(buf));
	CHECK_STR(buf, "numaplace: pid 9778 (sleep) matches [match cli] but holds 2 MB, below "
		       "min_rss_mb 256, and keeps 0.00\n"
		       "           CPUs busy, below min_cpu 0.5\n");
	CHECK_INT(n, strlen(buf));
	nl = strchr(buf, '\n');
	CHECK(nl - buf <= NP_LOG_COLS);
	/* short lines and words longer than a line stay as they are */
	len = np_log_format(buf, NP_LOG_LINE_MAX, NP_LOG_PLAIN, NP_LOG_INFO, "placed");
	CHECK_INT(np_log_wrap(buf, len, sizeof(buf)), len);
	CHECK_STR(buf, "numaplace: placed\n");
	/* no room for the indent: unchanged */
	len = np_log_format(
		buf, NP_LOG_LINE_MAX, NP_LOG_PLAIN, NP_LOG_INFO,
		"a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a "
		"a a a a a a a a a a a a a a a a");
	CHECK_INT(np_log_wrap(buf, len, len + 1), len);
}
