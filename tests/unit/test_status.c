// SPDX-License-Identifier: GPL-2.0
/*
 * numaplace status: the status file as the daemon writes it reads back the same; what is not
 * such a file is refused with a reason; the text fits 100 columns. run's log: long lines
 * wrap within the log's width, and where a process stands is news once per change.
 */
#define _GNU_SOURCE /* open_memstream */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output/status.h"
#include "run/run.h"
#include "test.h"

static struct np_status_proc procs[2] = {
	{ .pid = 4321,
	  .comm = "llama-server",
	  .match = "llama",
	  .node = 1,
	  .state = NP_STATE_PLACED,
	  .placed_at_s = 1764625628,
	  .result = NP_RESULT_CHANGED,
	  .why = "remote ratio 0.62 to node 1 above 0.30 for 3 of 3 intervals" },
	{ .pid = 4400, .comm = "vllm", .match = "vllm", .node = -1, .state = NP_STATE_WATCHING },
};

static void sample(struct np_status *st)
{
	memset(st, 0, sizeof(*st));
	st->pid = 1234;
	strcpy(st->hostname, "gpu-host-7");
	strcpy(st->version, "0.1.0");
	st->time_s = 1764625630;
	st->started_s = 1764620000;
	st->interval_s = 5;
	st->intervals = 1126;
	st->last_interval_s = 1764625630;
	st->last_interval_ms = 14.25;
	strcpy(st->journal, "/run/numaplace/journal");
	st->journal_records = 14;
	st->nprocs = 2;
	st->procs = procs;
}

TEST(status_reads_back_what_run_writes)
{
	struct np_status st, back;
	char *text, msg[256] = "";

	sample(&st);
	CHECK_INT(np_status_to_json(&st, &text), 0);
	CHECK_INT(np_status_parse(text, strlen(text), &back, msg, sizeof(msg)), 0);
	CHECK_STR(msg, "");
	CHECK_INT(back.pid, 1234);
	CHECK_STR(back.hostname, "gpu-host-7");
	CHECK_STR(back.version, "0.1.0");
	CHECK(back.time_s == st.time_s && back.started_s == st.started_s);
	CHECK(back.last_interval_s == st.last_interval_s && back.last_interval_ms == 14.25);
	CHECK_INT(back.intervals, 1126);
	CHECK_INT(back.journal_records, 14);
	CHECK_STR(back.journal, "/run/numaplace/journal");
	CHECK_INT(back.nprocs, 2);
	CHECK_INT(back.procs[0].node, 1);
	CHECK_INT(back.procs[0].state, NP_STATE_PLACED);
	CHECK_INT(back.procs[0].result, NP_RESULT_CHANGED);
	CHECK(back.procs[0].placed_at_s == 1764625628);
	CHECK_STR(back.procs[0].why, procs[0].why);
	CHECK_INT(back.procs[1].node, -1);
	CHECK_INT(back.procs[1].result, NP_RESULT_NONE);
	CHECK(strstr(text, "\"time\":\"2025-12-01T21:47:10Z\"") != NULL);
	np_status_free(&back);
	free(text);
}

static void refused(const char *doc, const char *why)
{
	struct np_status st;
	char msg[256] = "";

	CHECK_INT(np_status_parse(doc, strlen(doc), &st, msg, sizeof(msg)), -EINVAL);
	if (!strstr(msg, why))
		np_test_fail(__FILE__, __LINE__, "\"%s\" does not say \"%s\"", msg, why);
	np_status_free(&st);
}

TEST(status_refuses_what_is_not_a_status)
{
	struct np_status st;
	char *text, *bad, msg[256];

	refused("", "not a JSON document");
	refused("[1]", "not a JSON object");
	refused("{\"schema\":1", "not a JSON document");
	refused("{\"schema\":2}", "schema 2");
	sample(&st);
	CHECK_INT(np_status_to_json(&st, &text), 0);
	bad = malloc(strlen(text) + 16);
	strcpy(bad, text);
	strcat(bad, "{}"); /* two documents */
	refused(bad, "not a JSON document");
	strcpy(bad, text);
	memcpy(strstr(bad, "\"watching\""), "\"sleeping\"", 10);
	refused(bad, "process 1: \"state\": missing or not a known word");
	strcpy(bad, text);
	memcpy(strstr(bad, "\"2025-12-01T21:47:10Z\""), "\"2025-12-01 21:47:10Z\"", 22);
	refused(bad, "not a time");
	strcpy(bad, text);
	memcpy(strstr(bad, "\"pid\":4321"), "\"pid\":-432", 10);
	refused(bad, "process 0: \"pid\": -432 out of range");
	CHECK_INT(np_status_parse(text, NP_STATUS_MAX_SIZE + 1, &st, msg, sizeof(msg)), -EINVAL);
	free(bad);
	free(text);
}

TEST(status_text_fits_100_columns)
{
	struct np_status st;
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	sample(&st);
	memset(st.hostname, 'h', sizeof(st.hostname) - 1);
	memset(st.journal, 'j', sizeof(st.journal) - 1);
	memset(procs[1].why, 'w', sizeof(procs[1].why) - 1);
	np_status_print_text(&st, 1764625633, out);
	fclose(out);
	CHECK(strstr(text, "numaplace run: pid 1234, up 1h33m, every 5 s, 1126 intervals\n"));
	CHECK(strstr(text, "last interval: 2025-12-01T21:47:10Z (3s ago), took 14 ms\n"));
	CHECK(strstr(text, "\n   4321 llama-server    llama           1 placed    "
			   "2025-12-01T21:47:08Z changed\n"));
	CHECK(strstr(text, "\n   4400 vllm            vllm            - watching  -\n"));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strlen(line) > 100)
			np_test_fail(__FILE__, __LINE__, "%zu columns: %s", strlen(line), line);
	procs[1].why[0] = '\0';
	free(text);
}

TEST(run_wrap_within_width)
{
	char out[512];

	CHECK_INT(np_run_wrap("short", 20, "  ", out, sizeof(out)), 1);
	CHECK_STR(out, "short\n");
	CHECK_INT(np_run_wrap("one two three four five six", 10, "  ", out, sizeof(out)), 4);
	CHECK_STR(out, "one two\n  three\n  four\n  five six\n");
	/* a word longer than the line is cut inside */
	CHECK_INT(np_run_wrap("abcdefghijkl", 5, "", out, sizeof(out)), 3);
	CHECK_STR(out, "abcde\nfghij\nkl\n");
}

TEST(run_state_news_once_per_change)
{
	struct np_skip_note note = { 0 };

	CHECK(np_run_state_news(&note, NP_STATE_NEW));
	CHECK(np_run_state_news(&note, NP_STATE_WATCHING));
	CHECK(!np_run_state_news(&note, NP_STATE_WATCHING)); /* next interval, same verdict */
	CHECK(np_run_state_news(&note, NP_STATE_WAITING));
	CHECK(np_run_state_news(&note, NP_STATE_PLACED));
	CHECK(!np_run_state_news(&note, NP_STATE_PLACED));
}
