// SPDX-License-Identifier: GPL-2.0
/*
 * Shared mapped files: maps and numa_maps joined, the candidate files (data, big, mapped by
 * others), the walk for other processes over a fixture /proc, and every branch of the
 * policy: move along, conflict, placed sharers, sharers on no single node, a cut list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "lib/file_maps.h"
#include "model/shared_files.h"
#include "policy/shared_files.h"
#include "test.h"

static const char maps_text[] =
	"55d0c0000000-55d0c0021000 r--p 00000000 08:01 100 /usr/bin/llama-server\n"
	"55d0c0021000-55d0c0100000 r-xp 00021000 08:01 100 /usr/bin/llama-server\n"
	"7f0000000000-7f0008000000 r--s 00000000 00:2a 555 /models/q4.gguf\n"
	"7f0008000000-7f0008100000 rw-p 00000000 00:00 0 \n"
	"7f0010000000-7f0012000000 r--p 00000000 00:2a 556 /models/small.gguf\n"
	"7f0020000000-7f0024000000 r--p 00000000 00:2a 557 /models/alone.gguf\n"
	"7f0030000000-7f0031000000 r--p 00000000 08:01 200 /usr/lib/libbig.so\n"
	"7f0031000000-7f0032000000 r-xp 01000000 08:01 200 /usr/lib/libbig.so\n"
	"7f0040000000-7f0042000000 r--s 08000000 00:2a 555 /models/q4.gguf\n"
	"7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]\n";

static const char numa_text[] =
	"55d0c0000000 default file=/usr/bin/llama-server mapped=33 mapmax=3 N0=33 "
	"kernelpagesize_kB=4\n"
	"7f0000000000 default file=/models/q4.gguf mapped=32768 mapmax=2 N0=20000 N1=12768 "
	"kernelpagesize_kB=4\n"
	"7f0008000000 default anon=256 dirty=256 N0=256 kernelpagesize_kB=4\n"
	"7f0010000000 default file=/models/small.gguf mapped=2048 mapmax=2 N0=2048 "
	"kernelpagesize_kB=4\n"
	"7f0020000000 default file=/models/alone.gguf mapped=16384 N1=16384 "
	"kernelpagesize_kB=4\n"
	"7f0030000000 default file=/usr/lib/libbig.so mapped=4096 mapmax=9 N0=4096 "
	"kernelpagesize_kB=4\n"
	"7f0031000000 default file=/usr/lib/libbig.so mapped=4096 mapmax=9 N0=4096 "
	"kernelpagesize_kB=4\n"
	"7f0040000000 default file=/models/q4.gguf mapped=8 mapmax=1 N1=8 kernelpagesize_kB=64\n";

TEST(shared_file_maps_parse_joins_numa_maps)
{
	struct np_file_map m[16];
	int n = np_file_maps_parse(maps_text, numa_text, m, 16);

	CHECK_INT(n, 8); /* anonymous and [stack] are no files */
	CHECK_STR(m[2].path, "/models/q4.gguf");
	CHECK(m[2].dev == ((0ULL << 20) | 0x2a) && m[2].ino == 555);
	CHECK(!m[2].exec && m[1].exec);
	CHECK_INT((int)m[2].pages, 32768);
	CHECK_INT(m[2].mapmax, 2);
	CHECK_INT(m[4].mapmax, 0);	    /* alone.gguf: no mapmax, nobody else */
	CHECK_INT((int)m[7].pages, 8 * 16); /* 64 KiB kernel pages in 4 KiB pages */
	CHECK(m[0].dev == ((8ULL << 20) | 1));
	/* cut at max: the count says how many there are, no figure lands out of bounds */
	CHECK_INT(np_file_maps_parse(maps_text, numa_text, m, 2), 8);
	CHECK_INT(np_file_maps_parse(maps_text, NULL, m, 16), 8);
	CHECK_INT((int)m[2].pages, 0);
	CHECK_INT(np_file_maps_parse("", "", m, 16), 0);
	CHECK_INT(np_file_maps_parse("garbage\n\n-\n", NULL, m, 16), 0);
}

TEST(shared_file_candidates_are_big_shared_data_files)
{
	struct np_file_map m[16];
	struct np_shared_files sf;
	int n = np_file_maps_parse(maps_text, numa_text, m, 16);

	np_shared_candidates(m, n, &sf);
	/* small.gguf below 16 MB, alone.gguf mapped by nobody else, libbig.so is code */
	CHECK_INT(sf.nfiles, 1);
	CHECK_STR(sf.files[0].path, "/models/q4.gguf");
	CHECK_INT((int)sf.files[0].pages, 32768 + 128); /* both its mappings */
	CHECK_INT(sf.files[0].nranges, 2);
	CHECK(sf.files[0].range_start[0] == 0x7f0000000000UL);
	CHECK(sf.files[0].range_end[1] == 0x7f0042000000UL);
	CHECK_INT(sf.files[0].nsharers, 0);
}

TEST(shared_file_candidates_keep_the_largest)
{
	struct np_file_map m[NP_SHARED_MAX_FILES + 3];
	struct np_shared_files sf;
	int n = NP_SHARED_MAX_FILES + 3;

	for (int i = 0; i < n; i++)
		m[i] = (struct np_file_map){ .start = 0x1000UL * i,
					     .end = 0x1000UL * (i + 1),
					     .ino = 1000 + i,
					     .pages = NP_SHARED_MIN_PAGES + i,
					     .mapmax = 2 };
	np_shared_candidates(m, n, &sf);
	CHECK_INT(sf.nfiles, NP_SHARED_MAX_FILES);
	CHECK_INT((int)sf.files[0].ino, 1000 + n - 1); /* largest first */
	CHECK_INT((int)sf.files[NP_SHARED_MAX_FILES - 1].ino, 1003);
	np_shared_candidates(m, 0, &sf);
	CHECK_INT(sf.nfiles, 0);
}

TEST(shared_file_uses_by_device_and_inode)
{
	struct np_file_key keys[] = { { 0x2a, 555 }, { 0x2a, 999 }, { (8ULL << 20) | 1, 100 } };

	CHECK(np_file_maps_uses(maps_text, keys, 3) == 0x5);
	CHECK(np_file_maps_uses("", keys, 3) == 0);
	/* the same inode on another device is another file */
	CHECK(np_file_maps_uses("7f0000000000-7f0000001000 r--s 00000000 00:2b 555 /x\n", keys,
				3) == 0);
}

static void one_file(struct np_shared_files *sf, int nodes, const int *node_of)
{
	memset(sf, 0, sizeof(*sf));
	sf->nfiles = 1;
	snprintf(sf->files[0].path, sizeof(sf->files[0].path), "/models/q4.gguf");
	sf->files[0].pages = 32768;
	sf->files[0].nsharers = nodes;
	for (int i = 0; i < nodes; i++) {
		sf->files[0].sharers[i] = (struct np_shared_sharer){ .pid = 200 + i,
								     .node = node_of[i],
								     .start_time = 10 + i };
		snprintf(sf->files[0].sharers[i].comm, 16, "llama-server");
	}
}

TEST(shared_file_policy)
{
	struct np_shared_files sf;
	int same[] = { 1, 1 }, apart[] = { 1, 0 }, spread[] = { NP_NO_NODE };

	one_file(&sf, 2, same);
	CHECK_INT(np_shared_decide(&sf, 1, NULL, 0), 0);
	CHECK(sf.files[0].move_all && !sf.files[0].conflict);
	one_file(&sf, 2, apart);
	CHECK_INT(np_shared_decide(&sf, 1, NULL, 0), 1);
	CHECK(!sf.files[0].move_all && sf.files[0].conflict);
	/* the other is placed on node 1 (the fleet's node, or placed together): no conflict */
	{
		struct np_shared_placed placed[] = { { .pid = 201, .node = 1 } };

		one_file(&sf, 2, apart);
		CHECK_INT(np_shared_decide(&sf, 1, placed, 1), 0);
		CHECK_INT(sf.files[0].sharers[1].node, 1); /* written back */
		/* placed elsewhere overrides where it runs now */
		placed[0].node = 0;
		one_file(&sf, 2, same);
		CHECK_INT(np_shared_decide(&sf, 1, placed, 1), 1);
		/* a pid of another process (start time) does not count */
		placed[0] = (struct np_shared_placed){ .pid = 201, .start_time = 99, .node = 1 };
		one_file(&sf, 2, apart);
		CHECK_INT(np_shared_decide(&sf, 1, placed, 1), 1);
		placed[0].start_time = 11;
		one_file(&sf, 2, apart);
		CHECK_INT(np_shared_decide(&sf, 1, placed, 1), 0);
	}
	/* a sharer free to run anywhere is on no single node */
	one_file(&sf, 1, spread);
	CHECK_INT(np_shared_decide(&sf, 0, NULL, 0), 1);
	/* someone unseen maps it */
	one_file(&sf, 2, same);
	sf.files[0].sharers_cut = true;
	CHECK_INT(np_shared_decide(&sf, 1, NULL, 0), 1);
	/* no target */
	one_file(&sf, 2, same);
	CHECK_INT(np_shared_decide(&sf, NP_NO_NODE, NULL, 0), 1);
	sf.nfiles = 0;
	CHECK_INT(np_shared_decide(&sf, 1, NULL, 0), 0);
}

TEST(shared_file_text)
{
	struct np_shared_files sf;
	int apart[] = { 0, NP_NO_NODE }, same[] = { 1 };
	char buf[1024];

	one_file(&sf, 2, apart);
	sf.files[0].sharers_cut = true;
	np_shared_decide(&sf, 1, NULL, 0);
	np_shared_file_text(&sf.files[0], 100, "llama-server", 1, buf, sizeof(buf));
	CHECK_STR(buf, "pid 100 (llama-server) on node 1 shares /models/q4.gguf (128 MB) with pid "
		       "200 (llama-server) on node 0, pid 201 (llama-server) on no single node and "
		       "others: its pages stay where they are (moving them would take them from "
		       "the others); fix: one copy of the file per node, or the engine's no-mmap "
		       "option (llama.cpp --no-mmap, Ollama use_mmap false)");
	one_file(&sf, 1, same);
	np_shared_decide(&sf, 1, NULL, 0);
	np_shared_file_text(&sf.files[0], 100, "llama-server", 1, buf, sizeof(buf));
	CHECK_STR(buf, "pid 100 (llama-server) shares /models/q4.gguf (128 MB) with pid 200 "
		       "(llama-server) on node 1: every process mapping it is on node 1, its pages "
		       "move along");
	np_shared_file_text(&sf.files[0], 100, "llama-server", 1, buf, 20);
	CHECK_INT((int)strlen(buf), 19);
}

static void put(const char *root, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(shared_file_users_walk_proc)
{
	char root[] = "/tmp/np-shared-XXXXXX", dir[600];
	struct np_file_key keys[] = { { 0x2a, 555 }, { 0x2a, 557 } };
	struct np_file_user *users;
	int n;
	bool cut;

	CHECK(mkdtemp(root) != NULL);
	for (int pid = 10; pid <= 13; pid++) {
		snprintf(dir, sizeof(dir), "%s/proc/%d", root, pid);
		snprintf(dir + strlen(root), sizeof(dir) - strlen(root), "/proc");
		mkdir(dir, 0700);
		snprintf(dir, sizeof(dir), "%s/proc/%d", root, pid);
		mkdir(dir, 0700);
	}
	put(root, "proc/10/maps", maps_text); /* itself: left out */
	put(root, "proc/11/maps",
	    "7f00-7f01 r--s 00000000 00:2a 555 /models/q4.gguf\n"
	    "7f02-7f03 r--s 00000000 00:2a 557 /models/alone.gguf\n");
	put(root, "proc/12/maps", "7f00-7f01 r--s 00000000 00:2b 555 /other/q4.gguf\n");
	/* 13 has no maps: gone meanwhile */
	CHECK_INT(np_file_users(root, 10, keys, 2, &users, &n, &cut), 0);
	CHECK(!cut);
	CHECK_INT(n, 2);
	CHECK(users[0].pid == 11 && users[0].key == 0);
	CHECK(users[1].pid == 11 && users[1].key == 1);
	free(users);
	snprintf(dir, sizeof(dir), "rm -rf %s", root);
	CHECK_INT(system(dir), 0);
}
