// SPDX-License-Identifier: GPL-2.0
/* Whole BPF hash maps read while BPF changes them (see map_read.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "sample/map_read.h"

/* Entries asked of the kernel per batch; doubled when one hash bucket holds more. */
#define BATCH_FIRST 256
#define BATCH_MAX   (1 << 20)

struct reader {
	struct np_map_entries *e;
	size_t value_size;
	int cap;
};

static void *value_at(const struct reader *r, int i)
{
	return (char *)r->e->values + (size_t)i * r->value_size;
}

/* Room for want entries in all. */
static int reserve(struct reader *r, int want)
{
	__u32 *keys;
	void *values;
	int cap = r->cap ? r->cap : BATCH_FIRST;

	if (want <= r->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	keys = realloc(r->e->keys, sizeof(*keys) * cap);
	if (!keys)
		return -ENOMEM;
	r->e->keys = keys;
	values = realloc(r->e->values, r->value_size * cap);
	if (!values)
		return -ENOMEM;
	r->e->values = values;
	r->cap = cap;
	return 0;
}

/*
 * Hash map batches go bucket by bucket, and the position handed from one call to the next is
 * a bucket index: entries deleted meanwhile cannot make the kernel start over.
 */
static int read_batches(int fd, struct reader *r)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 in_batch, out_batch, chunk = BATCH_FIRST;
	bool first = true;

	for (;;) {
		__u32 n = chunk;
		int err = reserve(r, r->e->n + (int)chunk);

		if (err)
			return err;
		err = bpf_map_lookup_batch(fd, first ? NULL : &in_batch, &out_batch,
					   r->e->keys + r->e->n, value_at(r, r->e->n), &n, &opts);
		if (err && err != -ENOENT)
			n = 0;
		r->e->n += (int)n;
		if (err == -ENOENT) /* past the last bucket: n holds the last entries */
			return 0;
		if (err == -ENOSPC && chunk < BATCH_MAX) {
			chunk *= 2; /* a bucket with more entries than asked for: the same again */
			continue;
		}
		if (err)
			return err;
		in_batch = out_batch;
		first = false;
	}
}

struct seen {
	__u32 key;
	int pos;
};

static int cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* A restarted walk lists keys again: keep each key's last (freshest) reading, in walk order. */
static int drop_repeats(struct reader *r)
{
	struct np_map_entries *e = r->e;
	struct seen *seen = malloc(sizeof(*seen) * (e->n ? e->n : 1));
	bool *keep = calloc(e->n ? e->n : 1, sizeof(*keep));
	int kept = 0;

	if (!seen || !keep) {
		free(seen);
		free(keep);
		return -ENOMEM;
	}
	for (int i = 0; i < e->n; i++)
		seen[i] = (struct seen){ e->keys[i], i };
	qsort(seen, e->n, sizeof(*seen), cmp_seen);
	for (int i = 0; i < e->n; i++)
		if (i + 1 == e->n || seen[i + 1].key != seen[i].key)
			keep[seen[i].pos] = true;
	for (int i = 0; i < e->n; i++) {
		if (!keep[i])
			continue;
		e->keys[kept] = e->keys[i];
		memmove(value_at(r, kept), value_at(r, i), r->value_size);
		kept++;
	}
	e->n = kept;
	free(seen);
	free(keep);
	return 0;
}

/* The map's capacity, or BATCH_MAX when the kernel does not say. */
static int map_capacity(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || !info.max_entries)
		return BATCH_MAX;
	return info.max_entries < BATCH_MAX ? (int)info.max_entries : BATCH_MAX;
}

/*
 * Kernels without batch lookup: key by key, then the repeats of restarted walks dropped. A
 * walk that a deleting BPF program keeps sending back to the start ends after four times the
 * map's capacity (-EAGAIN): a snapshot is never worth a daemon stuck in it.
 */
static int read_walk(int fd, struct reader *r)
{
	__u32 key, next, *prev = NULL;
	int limit = 4 * map_capacity(fd);

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		int err = r->e->n < limit ? reserve(r, r->e->n + 1) : -EAGAIN;

		if (err)
			return err;
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, value_at(r, r->e->n)))
			continue; /* deleted meanwhile */
		r->e->keys[r->e->n++] = key;
	}
	return drop_repeats(r);
}

/* No batch lookup: unknown command (before 5.6) or none for this map type. */
static bool no_batch_support(int err)
{
	return err == -EINVAL || err == -EOPNOTSUPP || err == -524 /* ENOTSUPP */;
}

int np_map_read_u32(int fd, size_t value_size, struct np_map_entries *out)
{
	struct reader r = { .e = out, .value_size = value_size };
	int err;

	memset(out, 0, sizeof(*out));
	/* for tests: the walk must work where batches do not, so it is exercised */
	if (getenv("NP_FORCE_MAP_WALK"))
		return read_walk(fd, &r);
	err = read_batches(fd, &r);
	if (err && no_batch_support(err) && out->n == 0)
		return read_walk(fd, &r);
	return err;
}

void np_map_entries_free(struct np_map_entries *e)
{
	free(e->keys);
	free(e->values);
	memset(e, 0, sizeof(*e));
}
