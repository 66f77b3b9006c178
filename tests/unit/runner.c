// SPDX-License-Identifier: GPL-2.0
/* Runs every TEST() linked in; `unit-tests NAME` runs the tests whose name contains NAME. */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "output/text_wrap.h"
#include "test.h"

#define MAX_TESTS 512

static struct {
	const char *name;
	void (*fn)(void);
} tests[MAX_TESTS];
static int ntests, current_failures;

void np_test_register(const char *name, void (*fn)(void))
{
	if (ntests == MAX_TESTS) {
		fprintf(stderr, "too many tests: raise MAX_TESTS\n");
		exit(2);
	}
	tests[ntests].name = name;
	tests[ntests++].fn = fn;
}

void np_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "    %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	current_failures++;
}

const char *np_test_fixtures(void)
{
	const char *dir = getenv("NP_FIXTURES");

	return dir ? dir : "build/fixtures";
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	for (int i = 0; i < ntests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		current_failures = 0;
		tests[i].fn();
		printf("%s %s\n", current_failures ? "FAIL" : "ok  ", tests[i].name);
		if (current_failures)
			failed++;
		else
			passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

int np_test_paused_child(void)
{
	pid_t child = fork();

	if (child == 0) {
		pause();
		_exit(0);
	}
	return child;
}

bool np_test_lines_fit(const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "\n");
		char line[n + 1];

		memcpy(line, s, n);
		line[n] = '\0';
		if (np_text_cols(line) > NP_TEXT_COLS)
			return false;
		s += n + (s[n] == '\n');
	}
	return true;
}
