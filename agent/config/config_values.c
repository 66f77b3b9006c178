// SPDX-License-Identifier: GPL-2.0
/* The checks of configuration values (config_keys.h), and PCI addresses. Pure. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_keys.h"

int np_config_reason(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Plain decimal: optional '-', digits, at most one '.' (whole: none). No exponents, no hex. */
bool np_config_decimal(const char *text, bool whole, double min, double max, double *out)
{
	const char *p = text + (*text == '-');
	size_t digits = strspn(p, "0123456789"), dots = 0;
	char *end;

	for (const char *c = p; *c; c++)
		if (*c == '.')
			dots++;
		else if (*c < '0' || *c > '9')
			return false;
	if (!digits && !(dots == 1 && p[0] == '.' && p[1]))
		return false;
	if (dots > (whole ? 0u : 1u))
		return false;
	*out = strtod(text, &end);
	return !*end && *out >= min && *out <= max;
}

bool np_config_list_ok(const char *text)
{
	size_t n = strlen(text);

	return n && text[0] != ',' && text[n - 1] != ',' && !strstr(text, ",,");
}

int np_config_bool(const char *text, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};

	for (size_t i = 0; i < NP_ARRAY_SIZE(yes); i++) {
		if (!strcmp(text, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(text, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int np_config_text(char *dst, size_t len, const char *value, char *msg, size_t msglen)
{
	if (strlen(value) >= len)
		return np_config_reason(msg, msglen, "longer than %zu characters", len - 1);
	strcpy(dst, value);
	return 0;
}

int np_config_path(char *dst, size_t len, const char *value, bool empty_ok, char *msg,
		   size_t msglen)
{
	if (!(empty_ok && !*value) && value[0] != '/')
		return np_config_reason(msg, msglen, "expected an absolute path%s, got \"%s\"",
					empty_ok ? " or nothing" : "", value);
	return np_config_text(dst, len, value, msg, msglen);
}

int np_config_regex(char *text, size_t len, struct np_pattern *re, const char *value, char *msg,
		    size_t msglen)
{
	char why[128];

	if (!*value)
		return np_config_reason(msg, msglen, "expected a regular expression, got \"\"");
	if (strlen(value) >= len)
		return np_config_reason(msg, msglen, "longer than %zu characters", len - 1);
	if (np_pattern_compile(re, value, why, sizeof(why)))
		return np_config_reason(msg, msglen, "invalid regular expression \"%s\": %s", value,
					why);
	strcpy(text, value);
	return 0;
}

/* A cgroup v2 path prefix, kept without a trailing slash ("/" itself stays). */
int np_config_cgroup(char *dst, size_t len, const char *value, char *msg, size_t msglen)
{
	size_t n = strlen(value);

	if (value[0] != '/' || strstr(value, "//") || strstr(value, "/../") ||
	    strstr(value, "/./") || (n >= 3 && !strcmp(value + n - 3, "/..")) ||
	    (n >= 2 && !strcmp(value + n - 2, "/.")))
		return np_config_reason(
			msg, msglen,
			"expected an absolute cgroup path like /system.slice/llama.service, "
			"got \"%s\"",
			value);
	if (n >= len)
		return np_config_reason(msg, msglen, "longer than %zu characters", len - 1);
	strcpy(dst, value);
	if (n > 1 && dst[n - 1] == '/')
		dst[--n] = '\0';
	/* "/a/ /": kept as "/a/ ", which a file would read back as "/a/" */
	if (dst[n - 1] == ' ' || dst[n - 1] == '\t')
		return np_config_reason(msg, msglen,
					"a cgroup path ending in whitespace, \"%s\", is surely a "
					"mistake",
					value);
	return 0;
}

/* "eth0,ens1f0": interface names as the kernel allows them, no duplicates; "" for none. */
int np_config_nics(char *dst, size_t len, const char *value, char *msg, size_t msglen)
{
	char copy[NP_CONFIG_TEXT_MAX], out[NP_CONFIG_TEXT_MAX] = "", *save = NULL;
	size_t n = strlen(value);

	if (n >= sizeof(copy) || n >= len)
		return np_config_reason(msg, msglen, "longer than %zu characters", len - 1);
	if (n && (value[0] == ',' || value[n - 1] == ',' || strstr(value, ",,")))
		return np_config_reason(msg, msglen,
					"expected interface names separated by commas, got \"%s\"",
					value);
	strcpy(copy, value);
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		char *end;
		size_t used = strlen(out);

		while (*name == ' ')
			name++;
		end = name + strlen(name);
		while (end > name && end[-1] == ' ')
			*--end = '\0';
		if (!*name || strlen(name) > 15 || !strcmp(name, ".") || !strcmp(name, "..") ||
		    strpbrk(name, "/: \t"))
			return np_config_reason(
				msg, msglen,
				"\"%s\" is not an interface name (1 to 15 characters, "
				"no '/', ':' or spaces)",
				name);
		for (char *seen = out; *seen;) {
			size_t l = strcspn(seen, ",");

			if (l == strlen(name) && !strncmp(seen, name, l))
				return np_config_reason(msg, msglen, "interface \"%s\" given twice",
							name);
			seen += l + (seen[l] == ',');
		}
		snprintf(out + used, sizeof(out) - used, "%s%s", used ? "," : "", name);
	}
	strcpy(dst, out);
	return 0;
}

/*
 * One [global] key. check_remote: refuse a non-loopback metrics_listen right away (the
 * command line); the file checks it at its end, when metrics_allow_remote is known.
 */

static bool hex_run(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* DOMAIN:BUS:DEV.FN, domain 4 to 8 hex digits (VMD domains are longer than 4). */
int np_parse_bdf(const char *text, char *bdf, size_t len)
{
	const char *colon = strchr(text, ':');
	size_t domain = colon ? (size_t)(colon - text) : 0;
	unsigned int dev;

	if (domain < 4 || domain > 8 || !hex_run(text, domain))
		return -EINVAL;
	/* after the domain: "BB:DD.F" exactly */
	colon++;
	if (strlen(colon) != 7 || !hex_run(colon, 2) || colon[2] != ':' || !hex_run(colon + 3, 2) ||
	    colon[5] != '.' || colon[6] < '0' || colon[6] > '7')
		return -EINVAL;
	if (sscanf(colon + 3, "%2x", &dev) != 1 || dev > 0x1f)
		return -EINVAL;
	if (strlen(text) + 1 > len)
		return -ENAMETOOLONG;
	for (size_t i = 0; text[i]; i++)
		bdf[i] = (char)tolower((unsigned char)text[i]);
	bdf[strlen(text)] = '\0';
	return 0;
}
