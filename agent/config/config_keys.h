/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the run configuration (config.h), shared by its files and no one else: the keys
 * of each section, the checks of their values, the table of match sections. The file
 * loader (config.c) and the command line (np_config_set_global, np_config_add_cli_match)
 * set keys through the same functions, so a value means the same wherever it is given.
 * Every check returns 0, or -EINVAL with the reason alone in msg ("expected ..., got
 * \"x\""): the caller adds where it was given (file, line and key, or the flag).
 */
#ifndef NP_CONFIG_KEYS_H
#define NP_CONFIG_KEYS_H

#include "config/config.h"

enum np_global_key {
	NP_G_INTERVAL,
	NP_G_JOURNAL,
	NP_G_BALANCING,
	NP_G_METRICS_FILE,
	NP_G_METRICS_LISTEN,
	NP_G_METRICS_ALLOW_REMOTE,
	NP_G_LOG_LEVEL,
	NP_G_MAX_RATE,
	NP_G_RESERVE,
	NP_G_PAUSE_MS,
	NP_G_TRACE_WINDOW,
	NP_G_TRACE_EVERY,
	NP_G_COUNT,
};

enum np_match_key {
	NP_M_PROCESS,
	NP_M_COMM,
	NP_M_CMDLINE,
	NP_M_CGROUP,
	NP_M_CONTAINER,
	NP_M_UNIT,
	NP_M_ACCELERATOR,
	NP_M_NODE,
	NP_M_DEVICE,
	NP_M_ONLY,
	NP_M_NIC,
	NP_M_MIN_RSS_MB,
	NP_M_MIN_CPU,
	NP_M_REMOTE_THRESHOLD,
	NP_M_SUSTAIN,
	NP_M_MIN_MOVE_INTERVAL,
	NP_M_CGROUP_CPUSET,
	NP_M_PLACEMENT,
	NP_M_COUNT,
};

extern const char *const np_config_global_keys[NP_G_COUNT];
extern const char *const np_config_match_keys[NP_M_COUNT];

/* The key's index in names, -1 when unknown. */
int np_config_key_index(const char *const *names, int count, const char *key);

/*
 * One [global] key. check_remote: refuse a non-loopback metrics_listen at once (command
 * line); the file checks it at its end, when metrics_allow_remote is known.
 */
int np_config_set_global_key(struct np_config *cfg, enum np_global_key key, const char *value,
			     bool check_remote, char *msg, size_t msglen);

/* One [match] key. set_at: line of each key already set (0: not set), for node vs device. */
int np_config_set_match_key(struct np_match *m, enum np_match_key key, const char *value,
			    const int *set_at, char *msg, size_t msglen);

/* The match table: entries never move (their compiled regexes with them). */
struct np_match *np_config_find_match(const struct np_config *cfg, const char *name);
/* A new match at its defaults; NULL when the table is full or memory is out. */
struct np_match *np_config_add_match(struct np_config *cfg, const char *name, int line);

/* Value checks (config_values.c). */
int np_config_reason(char *msg, size_t msglen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Plain decimal in [min, max]: optional '-', digits, one '.' unless whole; no exponent, no hex. */
bool np_config_decimal(const char *text, bool whole, double min, double max, double *out);
/* true/yes/on/1 or false/no/off/0. */
int np_config_bool(const char *text, bool *out);
int np_config_text(char *dst, size_t len, const char *value, char *msg, size_t msglen);
int np_config_path(char *dst, size_t len, const char *value, bool empty_ok, char *msg,
		   size_t msglen);
/* Compiles into re (np_pattern_compile); text is set only when it compiled. */
int np_config_regex(char *text, size_t len, struct np_pattern *re, const char *value, char *msg,
		    size_t msglen);
int np_config_cgroup(char *dst, size_t len, const char *value, char *msg, size_t msglen);
int np_config_nics(char *dst, size_t len, const char *value, char *msg, size_t msglen);

#endif
