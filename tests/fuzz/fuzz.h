/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers the libFuzzer harnesses share (tests/fuzz/fuzz_*.c, built and run by `make fuzz`).
 * A broken invariant is a crash (FUZZ_CHECK aborts), so libFuzzer keeps the input that broke
 * it, like one that trips AddressSanitizer or UBSan.
 */
#ifndef NP_FUZZ_H
#define NP_FUZZ_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__, __LINE__,       \
				#cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The input as a C string (parsers of text take one), cut at an embedded NUL. Caller frees. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static char fuzz_dir[64];

static inline int fuzz_remove_one(const char *path, const struct stat *st, int flag,
				  struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static inline void fuzz_remove_scratch(void)
{
	nftw(fuzz_dir, fuzz_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A private scratch directory on tmpfs when there is one (the journal fsyncs on every
 * replace: on a disk that would be most of the run time), created once per process and
 * removed when it exits (libFuzzer exits when its time is up; a crash leaves it to look at).
 */
static inline const char *fuzz_scratch_dir(void)
{
	char *dir = fuzz_dir;

	if (dir[0])
		return dir;
	atexit(fuzz_remove_scratch);
	snprintf(dir, sizeof(fuzz_dir), "/dev/shm/np-fuzz.XXXXXX");
	if (!mkdtemp(dir)) {
		snprintf(dir, sizeof(fuzz_dir), "/tmp/np-fuzz.XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	return dir;
}

/* Write exactly size bytes to path (replacing it). */
static inline void fuzz_write_file(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd)) {
		perror(path);
		abort();
	}
}

/* mkdir -p of root + rel (a fixture tree below the scratch directory). */
static inline void fuzz_mkdirs(const char *root, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	for (char *p = path + strlen(root); *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	mkdir(path, 0700);
}

/* The file root + rel holds exactly these bytes. */
static inline void fuzz_put(const char *root, const char *rel, const void *data, size_t size)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	fuzz_write_file(path, data, size);
}

/* The whole file, NUL-terminated (*size without it); NULL when it does not exist. */
static inline char *fuzz_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = (n + 4096 + 1) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got);
	fclose(f);
	buf[n] = '\0';
	*size = n;
	return buf;
}

/*
 * The part'th piece of an input cut at "\n@@\n" (seed files hold several files at once this
 * way); an empty piece when there are fewer.
 */
static inline void fuzz_piece(const uint8_t *data, size_t size, int part, const uint8_t **start,
			      size_t *len)
{
	static const char sep[] = "\n@@\n";
	const uint8_t *p = data, *end = data + size;

	for (int i = 0;; i++) {
		const uint8_t *next = memmem(p, end - p, sep, sizeof(sep) - 1);
		const uint8_t *stop = next ? next : end;

		if (i == part) {
			*start = p;
			*len = stop - p;
			return;
		}
		if (!next)
			break;
		p = next + sizeof(sep) - 1;
	}
	*start = end;
	*len = 0;
}

#endif
