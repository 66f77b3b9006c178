// SPDX-License-Identifier: GPL-2.0
/*
 * The measure cache (topo --measure): its key, its file's text written and read back, every
 * kind of bad file refused, the budget and buffer arithmetic, and the tables within 100
 * columns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "lib/measure_cache.h"
#include "output/topo_output.h"
#include "test.h"
#include "topo/measure.h"
#include "topo/measure_run.h"

/* n nodes of two CPUs each, kernel 6.1.0. */
static void two_cpu_nodes(struct np_topo *t, int n)
{
	memset(t, 0, sizeof(*t));
	t->nnodes = n;
	for (int i = 0; i < n; i++) {
		t->nodes[i].id = i;
		np_cpuset_set(&t->nodes[i].cpus, 2 * i);
		np_cpuset_set(&t->nodes[i].cpus, 2 * i + 1);
	}
	snprintf(t->kernel.release, sizeof(t->kernel.release), "6.1.0");
}

static void matrix(struct np_measure *m, int n)
{
	memset(m, 0, sizeof(*m));
	m->nnodes = n;
	for (int i = 0; i < n; i++) {
		m->node_ids[i] = i;
		for (int j = 0; j < n; j++) {
			m->latency_ns[i][j] = i == j ? 80.5 : 140.25;
			m->read_gbps[i][j] = i == j ? 40.0 : 21.5;
		}
	}
	m->measured_at = 1796000000;
	m->seconds = 29.5;
	m->buffer_mb = 256;
	m->valid = true;
}

TEST(measure_key_and_name)
{
	struct np_topo t;
	char key[NP_MEASURE_KEY_MAX], name[64], other[64];

	two_cpu_nodes(&t, 2);
	np_measure_key(&t, "AMD EPYC 9654", key, sizeof(key));
	CHECK_STR(key, "nodes=0:0-1,1:2-3 kernel=6.1.0 cpu=AMD EPYC 9654");
	np_measure_file_name(key, name, sizeof(name));
	CHECK(!strncmp(name, "measure-", 8) && strlen(name) == 8 + 16 + 5);
	np_cpuset_set(&t.nodes[1].cpus, 9); /* another layout: another file */
	np_measure_key(&t, "AMD EPYC 9654", key, sizeof(key));
	np_measure_file_name(key, other, sizeof(other));
	CHECK(strcmp(name, other) != 0);
	np_measure_key(&t, "AMD EPYC 9654", key, 20); /* cut: no key at all */
	CHECK_STR(key, "");
}

TEST(measure_cache_text_round_trip)
{
	struct np_measure m, back;
	char msg[128];
	char *text;

	matrix(&m, 3);
	m.latency_ns[2][0] = NAN; /* a cell not measured: null, kept */
	text = np_measure_format(&m, "k1");
	CHECK(text != NULL);
	CHECK_INT(np_measure_parse(text, strlen(text), "k1", &back, msg, sizeof(msg)), 0);
	CHECK(back.valid);
	CHECK_INT(back.nnodes, 3);
	CHECK(back.latency_ns[0][1] == 140.25 && back.read_gbps[1][1] == 40.0);
	CHECK(isnan(back.latency_ns[2][0]));
	CHECK(back.measured_at == 1796000000 && back.seconds == 29.5);
	CHECK_STR(back.source, "cache");
	CHECK_INT(np_measure_parse(text, strlen(text), "k2", &back, msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, "another topology") != NULL);
	CHECK(!back.valid);
	free(text);
}

/* Every one of these is refused with a reason, m left invalid. */
TEST(measure_cache_bad_files)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"version\":2,\"key\":\"k\"}",
		"{\"version\":1,\"key\":\"k\",\"measured_at\":1,\"seconds\":1,\"buffer_mb\":1,"
		"\"nodes\":[0],\"latency_ns\":[[-1]],\"read_gbps\":[[1]]}",
		"{\"version\":1,\"key\":\"k\",\"measured_at\":1,\"seconds\":1,\"buffer_mb\":1,"
		"\"nodes\":[0],\"latency_ns\":[[1e300]],\"read_gbps\":[[1]]}",
		"{\"version\":1,\"key\":\"k\",\"measured_at\":1,\"seconds\":1,\"buffer_mb\":1,"
		"\"nodes\":[0,1],\"latency_ns\":[[1]],\"read_gbps\":[[1]]}",
		"{\"version\":1,\"key\":\"k\",\"measured_at\":1,\"seconds\":1,\"buffer_mb\":1,"
		"\"nodes\":[0,0],\"latency_ns\":[[1,1],[1,1]],\"read_gbps\":[[1,1],[1,1]]}",
		"{\"version\":1,\"key\":\"k\",\"measured_at\":1,\"seconds\":1,\"buffer_mb\":1,"
		"\"nodes\":[0],\"latency_ns\":[[\"1\"]],\"read_gbps\":[[1]]}",
		"{\"version\":1,\"key\":\"k\",\"measured_at\":1,\"seconds\":1,\"buffer_mb\":1,"
		"\"nodes\":[0],\"latency_ns\":[[1]],\"read_gbps\":[[1]]} x",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	};
	static const char good[] = "{\"version\":1,\"key\":\"k\",\"measured_at\":1,\"seconds\":1,"
				   "\"buffer_mb\":1,\"nodes\":[0],\"latency_ns\":[[1]],"
				   "\"read_gbps\":[[null]]}\n";
	struct np_measure m;
	char msg[128];

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		msg[0] = '\0';
		CHECK_INT(np_measure_parse(bad[k], strlen(bad[k]), "k", &m, msg, sizeof(msg)),
			  -EINVAL);
		CHECK(msg[0] && !m.valid);
	}
	CHECK_INT(np_measure_parse(good, sizeof(good) - 1, "k", &m, msg, sizeof(msg)), 0);
	/* the same text with a NUL inside is not ours */
	CHECK_INT(np_measure_parse(good, sizeof(good), "k", &m, msg, sizeof(msg)), -EINVAL);
}

TEST(measure_cache_file)
{
	char dir[] = "/tmp/np-measure-XXXXXX", sub[64], msg[256];
	struct np_measure m, back;
	struct np_topo t;
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(sub, sizeof(sub), "%s/cache", dir);
	two_cpu_nodes(&t, 2);
	CHECK_INT(np_measure_load_dir(&t, sub, &back, msg, sizeof(msg)), -ENOENT);
	matrix(&m, 2);
	CHECK_INT(np_measure_save_dir(&t, sub, &m, msg, sizeof(msg)), 0);
	CHECK_INT(stat(sub, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0700);
	CHECK_INT(np_measure_load_dir(&t, sub, &back, msg, sizeof(msg)), 0);
	CHECK(back.valid && back.read_gbps[0][1] == 21.5);
	t.nodes[1].id = 5; /* another layout: not this cache */
	CHECK_INT(np_measure_load_dir(&t, sub, &back, msg, sizeof(msg)), -ENOENT);
	CHECK(!back.valid);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		CHECK(system(cmd) == 0);
	}
}

TEST(measure_budget_and_buffer)
{
	CHECK(np_measure_budget(1) == 7.5 && np_measure_budget(2) == 30 &&
	      np_measure_budget(8) == 30);
	CHECK(np_measure_cell_budget(30, 4) == 7.5);
	CHECK(np_measure_cell_budget(-3, 4) == 1.0); /* over budget: the floor */
	CHECK(np_measure_buffer_bytes(32ULL << 20, 64ULL << 30) == 256ULL << 20);
	CHECK(np_measure_buffer_bytes(480ULL << 20, 64ULL << 30) == 1920ULL << 20);
	CHECK(np_measure_buffer_bytes(32ULL << 20, 301ULL << 20) == 150ULL << 20);
}

/* 64 nodes: every line of the tables fits in 100 columns; never measured: all JSON null. */
TEST(measure_text_and_json)
{
	struct np_measure *m = calloc(1, sizeof(*m));
	char *text = NULL, *line;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct json_object *o;

	matrix(m, 64);
	m->latency_ns[3][4] = 123456.7;
	snprintf(m->source, sizeof(m->source), "measured");
	np_measure_print_text(m, out);
	fclose(out);
	CHECK(strstr(text, "latency ns") && strstr(text, "read GB/s"));
	for (char *save = NULL, *p = text; (line = strtok_r(p, "\n", &save)); p = NULL)
		CHECK(strlen(line) <= 100);
	free(text);
	o = np_measure_to_json(m);
	CHECK_INT((int)json_object_array_length(json_object_object_get(o, "latency_ns")), 64);
	json_object_put(o);
	m->valid = false;
	o = np_measure_to_json(m);
	CHECK(json_object_object_get_ex(o, "read_gbps", NULL) &&
	      !json_object_object_get(o, "read_gbps") && !json_object_object_get(o, "source"));
	json_object_put(o);
	free(m);
}
