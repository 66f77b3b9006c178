// SPDX-License-Identifier: GPL-2.0
/* Regexes on PCRE2 (lib/pattern.h): POSIX extended meaning for what users write, bounded work. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "config/config_keys.h"
#include "lib/pattern.h"
#include "lib/procfs.h"
#include "test.h"

/* CPU time, not wall time: the budget is work, and a loaded test machine must not fail it. */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 1/0 as np_pattern_match says, -100 when the pattern does not compile. */
static int match(const char *pattern, const char *subject)
{
	struct np_pattern p;
	char msg[128];
	int rc;

	if (np_pattern_compile(&p, pattern, msg, sizeof(msg)))
		return -100;
	rc = np_pattern_match(&p, subject);
	np_pattern_free(&p);
	return rc;
}

/* What the README and the example config show, read as glibc's regexec read it. */
TEST(pattern_posix_extended_meaning)
{
	CHECK_INT(match("llama-server", "/opt/bin/llama-server --port 8080"), 1);
	CHECK_INT(match("^llama-server$", "llama-server"), 1);
	CHECK_INT(match("^llama-server$", "llama-server2"), 0);
	CHECK_INT(match("python3? -m vllm", "python -m vllm.entrypoints"), 1);
	CHECK_INT(match("vllm|sglang", "python3 -m sglang.launch_server"), 1);
	CHECK_INT(match("(ab){2}c", "xababc"), 1);
	CHECK_INT(match("(ab){2}c", "xabc"), 0);
	CHECK_INT(match("[[:alpha:]]+-[[:digit:]]+", "srv-12"), 1);
	CHECK_INT(match("^[[:upper:]]", "srv"), 0);
	CHECK_INT(match("--model [^ ]*\\.gguf", "x --model /m/a.gguf"), 1);
	CHECK_INT(match("a.b", "a\nb"), 1);   /* . takes a newline, as without REG_NEWLINE */
	CHECK_INT(match("ab$", "xab\n"), 0);  /* $ is the end only */
	CHECK_INT(match("^b", "a\nb"), 0);    /* ^ is the start only */
	CHECK_INT(match("(a)\\1", "xaa"), 1); /* GNU back references work on */
	CHECK_INT(match("[.]", "x"), 0);
	CHECK_INT(match("", "anything"), 1);
}

TEST(pattern_refusals_say_why)
{
	struct np_pattern p = { 0 };
	char msg[128], big[NP_PATTERN_MAX_LEN + 2];

	CHECK_INT(np_pattern_compile(&p, "(", msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "Unmatched ( or \\(");
	CHECK_INT(np_pattern_compile(&p, "[a-", msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "Unmatched [, [^, [:, [., or [=");
	CHECK_INT(np_pattern_compile(&p, "a{2,1}", msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "Invalid content of \\{\\}");
	CHECK_INT(np_pattern_compile(&p, "\\<word\\>", msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "\\< and \\> are not supported: use \\b for a word boundary");
	CHECK_INT(np_pattern_compile(&p, "*a", msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, "at offset 0") != NULL);
	CHECK_INT(np_pattern_compile(&p, "[[.a.]]", msg, sizeof(msg)), -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_INT(np_pattern_compile(&p, big, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "longer than 1024 characters");
	CHECK(p.code == NULL);
	np_pattern_free(&p); /* nothing compiled: fine */
}

/* glibc: 8 GB and seconds (ENOMEM under a limit); here a refusal at once. */
TEST(pattern_huge_compile_refused_at_once)
{
	struct np_pattern p;
	char msg[128];
	double t0 = cpu_s();

	CHECK_INT(np_pattern_compile(&p, "((((a{1,100}){1,100}){1,100}){1,100})", msg, sizeof(msg)),
		  -EINVAL);
	CHECK_STR(msg, "compiles to more than 65536 bytes");
	CHECK(cpu_s() - t0 < 1.0);
}

/* glibc: over a minute in one regexec for this argv; here the budget ends it, as no match. */
TEST(pattern_backtracking_is_bounded)
{
	char subject[160] = "";
	struct np_match m = { .name = "hostile" };
	char msg[256];
	double t0;

	memset(subject, 'a', 129);
	strcpy(subject + 129, "!x");
	t0 = cpu_s();
	CHECK_INT(match("(a*)*\\1\\1x!", subject), -ERANGE);
	CHECK(match("(.*)(.*)(.*)\\3\\2\\1x!", subject) <= 0);
	CHECK(cpu_s() - t0 < 1.0);
	/* a [match] rule takes it for no match */
	CHECK_INT(np_config_regex(m.cmdline, sizeof(m.cmdline), &m.cmdline_re, "(a*)*\\1\\1x!", msg,
				  sizeof(msg)),
		  0);
	t0 = cpu_s();
	CHECK(!np_match_process(&m, "sleep", subject, NULL, false));
	CHECK(cpu_s() - t0 < 1.0);
	np_pattern_free(&m.cmdline_re);
}

/* Ordinary patterns on the longest command line /proc gives us stay well inside the budget. */
TEST(pattern_budget_fits_real_patterns)
{
	char subject[sizeof(((struct np_proc_info *)0)->cmdline)];

	memset(subject, 'a', sizeof(subject) - 1);
	subject[sizeof(subject) - 1] = '\0';
	CHECK_INT(match("(a|b)*c", subject), 0);
	CHECK_INT(match("^(a|b)*$", subject), 1);
	CHECK_INT(match("^(a|aa)+$", subject), 1);
	CHECK_INT(match(".*a.*a.*a.*b", subject), 0);
	CHECK_INT(match("(a+)+b", subject), 0);
}
