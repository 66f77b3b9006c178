// SPDX-License-Identifier: GPL-2.0
/*
 * The two measuring kernels of `topo --measure` (measure_run.h): a dependent-load chase (every
 * load's address is the previous load's value, so the CPU cannot overlap them: the time per
 * load is the memory's latency) and a streaming read with 16-byte loads from one pinned thread
 * per CPU (the CPUs' prefetchers and queues kept busy: the bandwidth).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "topo/measure_run.h"

#define LINE	     64
#define CHUNK_LOADS  4096	 /* loads between two clock reads */
#define STREAM_CHUNK (256 << 10) /* bytes between two clock reads */

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int np_chase_build(void *buf, size_t nlines, uint64_t seed)
{
	uint32_t *perm;
	char *base = buf;

	if (nlines < 2 || nlines > UINT32_MAX)
		return -EINVAL;
	perm = malloc(nlines * sizeof(*perm));
	if (!perm)
		return -ENOMEM;
	for (size_t k = 0; k < nlines; k++)
		perm[k] = (uint32_t)k;
	/* Sattolo's shuffle: k -> perm[k] is one cycle through every line */
	seed |= 1;
	for (size_t k = nlines - 1; k > 0; k--) {
		size_t r = xorshift(&seed) % k;
		uint32_t t = perm[k];

		perm[k] = perm[r];
		perm[r] = t;
	}
	for (size_t k = 0; k < nlines; k++)
		*(void **)(base + k * LINE) = base + (size_t)perm[k] * LINE;
	free(perm);
	return 0;
}

/* Start fn(arg) on a thread pinned to cpu. 0 or -errno. */
static int start_pinned(pthread_t *t, int cpu, void *(*fn)(void *), void *arg)
{
	size_t size = CPU_ALLOC_SIZE(NP_MAX_CPUS);
	cpu_set_t *set = CPU_ALLOC(NP_MAX_CPUS);
	pthread_attr_t attr;
	int err;

	if (!set)
		return -ENOMEM;
	CPU_ZERO_S(size, set);
	CPU_SET_S(cpu, size, set);
	pthread_attr_init(&attr);
	err = -pthread_attr_setaffinity_np(&attr, size, set);
	if (!err)
		err = -pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	CPU_FREE(set);
	return err;
}

struct chase {
	void *start;
	double seconds;
	double ns;
	void *volatile sink;
};

#define HOP p = *(void **)p
#define HOP8                                                                                       \
	HOP;                                                                                       \
	HOP;                                                                                       \
	HOP;                                                                                       \
	HOP;                                                                                       \
	HOP;                                                                                       \
	HOP;                                                                                       \
	HOP;                                                                                       \
	HOP

static void *chase_thread(void *arg)
{
	struct chase *c = arg;
	void *p = c->start;
	uint64_t loads = 0, t0, now, end;

	for (int k = 0; k < CHUNK_LOADS / 8; k++) { /* warm the TLB and caches a little */
		HOP8;
	}
	t0 = np_mono_ns();
	end = t0 + (uint64_t)(c->seconds * 1e9);
	do {
		for (int k = 0; k < CHUNK_LOADS / 8; k++) {
			HOP8;
		}
		loads += CHUNK_LOADS;
		now = np_mono_ns();
	} while (now < end);
	c->sink = p;
	c->ns = (double)(now - t0) / (double)loads;
	return NULL;
}

double np_chase_ns(void *buf, int cpu, double seconds)
{
	struct chase c = { .start = buf, .seconds = seconds, .ns = NAN };
	pthread_t t;

	if (start_pinned(&t, cpu, chase_thread, &c))
		return NAN;
	pthread_join(t, NULL);
	return c.ns;
}

typedef uint64_t np_v16 __attribute__((vector_size(16)));

struct stream {
	const char *from;
	size_t len;
	double seconds;
	const volatile int *go; /* 1: start, -1: give up (a sibling could not start) */
	uint64_t t0, t1, bytes;
	np_v16 sink;
};

/* XOR every 16 bytes of len (a multiple of 64) into four accumulators: loads, no stores. */
static np_v16 read_block(const char *p, size_t len)
{
	const np_v16 *v = (const np_v16 *)p;
	np_v16 a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };

	for (size_t k = 0; k < len / 16; k += 4) {
		a ^= v[k];
		b ^= v[k + 1];
		c ^= v[k + 2];
		d ^= v[k + 3];
	}
	return a ^ b ^ c ^ d;
}

static void *stream_thread(void *arg)
{
	struct stream *s = arg;
	size_t off = 0, n;
	uint64_t end;

	while (!*s->go)
		sched_yield();
	if (*s->go < 0)
		return NULL;
	s->t0 = np_mono_ns();
	end = s->t0 + (uint64_t)(s->seconds * 1e9);
	do {
		n = s->len - off < STREAM_CHUNK ? s->len - off : STREAM_CHUNK;
		s->sink ^= read_block(s->from + off, n);
		s->bytes += n;
		off = off + n >= s->len ? 0 : off + n;
		s->t1 = np_mono_ns();
	} while (s->t1 < end);
	return NULL;
}

double np_stream_gbps(const void *buf, size_t len, const int *cpus, int ncpus, double seconds)
{
	size_t slice = len / (size_t)ncpus / LINE * LINE;
	uint64_t t0 = UINT64_MAX, t1 = 0, bytes = 0;
	struct stream *s = calloc(ncpus, sizeof(*s));
	pthread_t *t = calloc(ncpus, sizeof(*t));
	volatile int go = 0;
	int started = 0;

	if (!s || !t || slice < LINE)
		goto out;
	for (; started < ncpus; started++) {
		s[started] = (struct stream){ .from = (const char *)buf + started * slice,
					      .len = slice,
					      .seconds = seconds,
					      .go = &go };
		if (start_pinned(&t[started], cpus[started], stream_thread, &s[started]))
			break;
	}
	go = started == ncpus ? 1 : -1;
	for (int k = 0; k < started; k++)
		pthread_join(t[k], NULL);
	for (int k = 0; go > 0 && k < ncpus; k++) {
		t0 = s[k].t0 < t0 ? s[k].t0 : t0;
		t1 = s[k].t1 > t1 ? s[k].t1 : t1;
		bytes += s[k].bytes;
	}
out:
	free(s);
	free(t);
	return go > 0 && t1 > t0 ? (double)bytes / (double)(t1 - t0) : NAN; /* bytes/ns = GB/s */
}
