// SPDX-License-Identifier: GPL-2.0
/* Strict parsing of command-line values (see args.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "lib/np_common.h"

int np_args_stop(struct np_args *a, int exit_code)
{
	a->exit_code = exit_code;
	return NP_ARGS_STOP;
}

/* A word of short options ("-xv") whose last letter is c. */
static bool ends_with_letter(const char *word, int c)
{
	size_t len = strlen(word);

	return len >= 2 && word[0] == '-' && word[1] != '-' && word[len - 1] == c;
}

/*
 * The word the mistake is in. getopt_long leaves optind just past it, except after an unknown
 * letter that is not the last of its word ("-json" to topo, which knows -j: 's'), where it
 * stays on that word.
 */
static const char *mistaken_word(const struct np_args *a)
{
	const char *prev = optind > 1 && optind <= a->argc ? a->argv[optind - 1] : NULL;
	const char *here = optind < a->argc ? a->argv[optind] : NULL;

	if (!optopt || (prev && ends_with_letter(prev, optopt)))
		return prev ? prev : "?";
	if (here && here[0] == '-' && here[1] != '-' && strchr(here + 1, optopt))
		return here;
	return prev ? prev : "?";
}

/* "-json" for "--json": the long option a word typed with one dash stands for, or NULL. */
static const char *one_dash_long(const struct np_args *a, const char *word)
{
	size_t len = strcspn(word + 1, "=");

	if (word[0] != '-' || word[1] == '-' || len < 2)
		return NULL;
	for (const struct option *o = a->options; o && o->name; o++)
		if (!strncmp(o->name, word + 1, len) && (!o->name[len] || len >= 3))
			return o->name;
	return NULL;
}

static int mistake(struct np_args *a, int opt)
{
	const char *word = mistaken_word(a), *meant = one_dash_long(a, word);

	if (opt == ':')
		np_err("%s: option '%s' needs a value", a->command, word);
	else if (meant)
		np_err("%s: unknown option '%s' (did you mean --%s?)", a->command, word, meant);
	else
		np_err("%s: unknown option '%s' (try 'numaplace %s --help')", a->command, word,
		       a->command);
	return np_args_stop(a, NP_EXIT_USAGE);
}

int np_args_next(struct np_args *a)
{
	char shortopts[64];
	int opt;

	if (!a->opt) {
		/* every command starts afresh, with getopt's own messages off */
		optind = 1;
		opterr = 0;
	}
	/* ':' first: a missing value is told from an unknown option */
	snprintf(shortopts, sizeof(shortopts), ":%s", a->shortopts ? a->shortopts : "h");
	opt = getopt_long(a->argc, a->argv, shortopts, a->options, NULL);
	a->opt = opt;
	if (opt == 'h') {
		a->usage(stdout);
		return np_args_stop(a, NP_EXIT_OK);
	}
	if (opt == '?' || opt == ':')
		return mistake(a, opt);
	if (opt != -1)
		return opt;
	if (optind < a->argc) {
		np_err("%s: unexpected argument '%s'", a->command, a->argv[optind]);
		return np_args_stop(a, NP_EXIT_USAGE);
	}
	return 0;
}

/* The option being read as typed in the help: "--pid", or "-o" for a short one. */
static void option_name(const struct np_args *a, char *name, size_t len)
{
	for (const struct option *o = a->options; o && o->name; o++)
		if (o->val == a->opt) {
			snprintf(name, len, "--%s", o->name);
			return;
		}
	snprintf(name, len, "-%c", a->opt);
}

int np_args_bad(struct np_args *a, const char *fmt, ...)
{
	char name[64], why[256];
	va_list ap;

	option_name(a, name, sizeof(name));
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	np_err("%s: %s '%s': %s", a->command, name, optarg ? optarg : "", why);
	return np_args_stop(a, NP_EXIT_USAGE);
}

int np_args_ulong(struct np_args *a, unsigned long min, unsigned long max, const char *what,
		  unsigned long *out)
{
	if (np_parse_ulong(optarg, min, max, out))
		return np_args_bad(a, "expected %s (%lu to %lu)", what, min, max);
	return 0;
}

int np_args_file(struct np_args *a, const char **out)
{
	if (!*optarg)
		return np_args_bad(a, "expected a file name");
	*out = optarg;
	return 0;
}

int np_args_seconds(struct np_args *a, double max, const char *what, double *out)
{
	if (np_parse_seconds(optarg, max, out))
		return np_args_bad(a, "expected %s (at most %g)", what, max);
	return 0;
}

int np_parse_ulong(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long value;
	char *end;

	if (!text || !isdigit((unsigned char)*text))
		return -EINVAL;
	errno = 0;
	value = strtoul(text, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno || value < min || value > max)
		return -ERANGE;
	*out = value;
	return 0;
}

int np_parse_seconds(const char *text, double max, double *out)
{
	size_t whole, frac = 0;
	double value;
	char *end;

	/* decimal digits and one '.': strtod alone would take "0x10", "1e3", "inf" */
	if (!text)
		return -EINVAL;
	whole = strspn(text, "0123456789");
	if (text[whole] == '.')
		frac = strspn(text + whole + 1, "0123456789");
	if (!whole && !frac)
		return -EINVAL;
	if (text[whole + (text[whole] == '.' ? 1 + frac : 0)])
		return -EINVAL;
	errno = 0;
	value = strtod(text, &end);
	if (*end || errno || isnan(value))
		return -EINVAL;
	if (value <= 0 || value > max)
		return -ERANGE;
	*out = value;
	return 0;
}

int np_parse_pid_list(const char *text, pid_t **pids, int *count)
{
	char *copy = strdup(text), *save = NULL, *item;
	pid_t *list = NULL;
	int n = 0, err = 0;

	if (!copy)
		return -ENOMEM;
	if (!*copy || copy[strlen(copy) - 1] == ',' || *copy == ',' || strstr(copy, ",,")) {
		free(copy);
		return -EINVAL;
	}
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		unsigned long pid;
		pid_t *grown;

		err = np_parse_ulong(item, 1, 4194304 /* PID_MAX_LIMIT */, &pid);
		if (err)
			break;
		for (int i = 0; i < n; i++)
			if (list[i] == (pid_t)pid)
				err = -EINVAL;
		if (err)
			break;
		grown = realloc(list, sizeof(*list) * (n + 1));
		if (!grown) {
			err = -ENOMEM;
			break;
		}
		list = grown;
		list[n++] = (pid_t)pid;
	}
	free(copy);
	if (err) {
		free(list);
		return err;
	}
	*pids = list;
	*count = n;
	return 0;
}
