// SPDX-License-Identifier: GPL-2.0
/*
 * The shape of llama.cpp's llama-server, for the test bed (not llama.cpp): one process, a
 * worker thread per CPU of the host (llama.cpp counts the machine's cores, not its affinity),
 * the model file mapped shared and read-only (its default mmap: the pages are the page cache's,
 * shared by every process mapping the same file), read by all the threads, and the GPU's
 * device file open. Two of them on the same file are two replicas sharing one copy of it.
 *
 *   np-llama --model PATH [--devices PATHS] [--threads N] [--ready FILE] [--seconds S]
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine.h"

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "model", 1, 0, 'm' },	  { "devices", 1, 0, 'd' }, { "threads", 1, 0, 't' },
		{ "ready", 1, 0, 'r' },	  { "seconds", 1, 0, 's' }, { 0, 0, 0, 0 },
	};
	const char *model = NULL, *devices = NULL, *ready = NULL;
	int threads = (int)sysconf(_SC_NPROCESSORS_ONLN), c;
	double seconds = 600;
	size_t size;
	void *map;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': model = optarg; break;
		case 'd': devices = optarg; break;
		case 't': threads = atoi(optarg); break;
		case 'r': ready = optarg; break;
		case 's': seconds = atof(optarg); break;
		default: model = NULL; optind = argc; break;
		}
	}
	if (!model || threads < 1) {
		fprintf(stderr, "usage: np-llama --model PATH [--devices PATHS] [--threads N] "
				"[--ready FILE] [--seconds S]\n");
		return 2;
	}
	if (devices && eng_open_devices(devices) <= 0)
		return 1;
	map = eng_map_model(model, &size);
	/* the main thread is one of them too, as in llama.cpp's thread pool */
	if (!map || eng_start_readers(threads - 1, map, size, eng_now() + seconds))
		return 1;
	if (ready)
		eng_touch(ready);
	eng_read(map, size, eng_now() + seconds);
	return 0;
}
