/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a whole BPF hash map while BPF programs add and delete its entries: each key is
 * listed once (a bpf_map_get_next_key walk whose cursor is deleted restarts from the first
 * key, and lists again what it had already listed).
 */
#ifndef NP_MAP_READ_H
#define NP_MAP_READ_H

#include <stddef.h>

#include <linux/types.h>

/* Entry i: keys[i], and its value at values + i * value_size. */
struct np_map_entries {
	int n;
	__u32 *keys;
	void *values;
};

/*
 * Every entry of a hash map with __u32 keys, by batches (bpf_map_lookup_batch, Linux 5.6), or
 * where the kernel has no batch lookup by a walk whose repeats are dropped. Returns 0 or -errno;
 * the caller frees out with np_map_entries_free() either way.
 */
int np_map_read_u32(int fd, size_t value_size, struct np_map_entries *out);
void np_map_entries_free(struct np_map_entries *e);

#endif
