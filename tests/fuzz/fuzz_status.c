// SPDX-License-Identifier: GPL-2.0
/*
 * The status file `numaplace status` reads (output/status_read.c): it is input, whatever sits
 * in /run/numaplace. A refusal says why; a document that parses has its counts, ranges and
 * words within bounds, prints within 100 columns a line, and written out again
 * (np_status_to_json, what the daemon writes) reads back to the same processes and times.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include "output/status.h"

static void check_text(const struct np_status *st)
{
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		abort();
	np_status_print_text(st, 2e9, out);
	fclose(out);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		FUZZ_CHECK(strlen(line) <= 100, "a line of %zu bytes: %s", strlen(line), line);
	free(text);
}

static void check_again(const struct np_status *st)
{
	struct np_status again;
	char msg[256] = "", *doc = NULL;
	int err = np_status_to_json(st, &doc);

	FUZZ_CHECK(!err, "writing it: %d", err);
	err = np_status_parse(doc, strlen(doc), &again, msg, sizeof(msg));
	FUZZ_CHECK(!err, "what it writes does not read back: %s\n%s", msg, doc);
	FUZZ_CHECK(again.pid == st->pid && again.nprocs == st->nprocs, "pid %d/%d, %d/%d",
		   again.pid, st->pid, again.nprocs, st->nprocs);
	FUZZ_CHECK(again.time_s == st->time_s && again.started_s == st->started_s &&
			   again.last_interval_s == st->last_interval_s,
		   "times differ");
	for (int i = 0; i < st->nprocs; i++) {
		const struct np_status_proc *a = &again.procs[i], *b = &st->procs[i];

		FUZZ_CHECK(a->pid == b->pid && a->node == b->node && a->state == b->state &&
				   a->result == b->result && a->placed_at_s == b->placed_at_s,
			   "process %d differs", i);
	}
	np_status_free(&again);
	free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_status st;
	char msg[256] = "";
	int err = np_status_parse((const char *)data, size, &st, msg, sizeof(msg));

	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -ENOMEM, "%d", err);
	if (err) {
		FUZZ_CHECK(err != -EINVAL || msg[0], "refused without a message");
		np_status_free(&st);
		return 0;
	}
	FUZZ_CHECK(st.nprocs >= 0 && st.nprocs <= NP_STATUS_MAX_PROCS, "%d processes", st.nprocs);
	for (int i = 0; i < st.nprocs; i++) {
		FUZZ_CHECK(st.procs[i].state >= 0 && st.procs[i].state < NP_STATE_COUNT, "state");
		FUZZ_CHECK(st.procs[i].result >= 0 && st.procs[i].result < NP_RESULT_COUNT,
			   "result");
		FUZZ_CHECK(st.procs[i].pid > 0 && st.procs[i].node >= -1, "pid, node");
	}
	check_text(&st);
	check_again(&st);
	np_status_free(&st);
	return 0;
}
