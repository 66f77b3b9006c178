// SPDX-License-Identifier: GPL-2.0
/*
 * The run configuration (config/): the input is a config file, loaded through libinih the way
 * `run --config` does. A file that loads prints (`run --check-config`) as a file that loads
 * back to the same configuration and prints the same; one that does not load says where.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include <sys/mman.h>

#include "config/config.h"

static char path[64];
static int fd = -1;

static void put(const void *data, size_t size)
{
	if (fd < 0) {
		fd = memfd_create("numaplace.conf", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
}

static char *print(const struct np_config *cfg, size_t *len)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	if (!out)
		abort();
	np_config_print(out, cfg);
	fclose(out);
	return text;
}

#define SAME(field)	 FUZZ_CHECK(a->field == b->field, "%s changed on reload", #field)
#define SAME_TEXT(field) FUZZ_CHECK(!strcmp(a->field, b->field), "%s changed on reload", #field)

static void same_match(const struct np_match *a, const struct np_match *b)
{
	SAME_TEXT(name);
	SAME_TEXT(process);
	SAME_TEXT(comm);
	SAME_TEXT(cmdline);
	SAME_TEXT(cgroup);
	SAME(accelerator);
	SAME(node);
	SAME_TEXT(device);
	SAME(only);
	SAME_TEXT(nics);
	SAME(min_rss_mb);
	SAME(min_cpu);
	SAME(remote_threshold);
	SAME(sustain);
	SAME(min_move_interval_s);
}

static void same_config(const struct np_config *a, const struct np_config *b)
{
	SAME(interval_s);
	SAME_TEXT(journal);
	SAME_TEXT(balancing_text);
	FUZZ_CHECK(!memcmp(&a->balancing, &b->balancing, sizeof(a->balancing)), "balancing");
	SAME_TEXT(metrics_file);
	SAME_TEXT(metrics_listen);
	SAME(metrics_allow_remote);
	SAME(log_level);
	SAME(max_rate_mbps);
	SAME(reserve_mb);
	SAME(nmatches);
	for (int i = 0; i < a->nmatches; i++)
		same_match(&a->matches[i], &b->matches[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_config cfg, again;
	char msg[1024] = "", *first, *second;
	size_t len1, len2;
	int err;

	put(data, size);
	err = np_config_load(path, &cfg, msg, sizeof(msg));
	if (err) {
		FUZZ_CHECK(err == -EINVAL || err == -EFBIG, "%d: %s", err, msg);
		FUZZ_CHECK(!strncmp(msg, path, strlen(path)), "the message names no file: %s", msg);
		FUZZ_CHECK(cfg.nmatches == 0 && !cfg.matches, "a failed load owns matches");
		return 0;
	}
	first = print(&cfg, &len1);
	put(first, len1);
	err = np_config_load(path, &again, msg, sizeof(msg));
	FUZZ_CHECK(err == 0, "the printed configuration does not load: %s\n%s", msg, first);
	second = print(&again, &len2);
	FUZZ_CHECK(len1 == len2 && !memcmp(first, second, len1), "printed differently:\n%s\n%s",
		   first, second);
	same_config(&cfg, &again);
	np_config_free(&cfg);
	np_config_free(&again);
	free(first);
	free(second);
	return 0;
}
