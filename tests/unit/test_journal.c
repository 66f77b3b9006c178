// SPDX-License-Identifier: GPL-2.0
/*
 * The undo journal: durable appends, reload in order, refusal of malformed journals; compaction
 * (order, exact bytes, untouched when nothing goes or on error), and which records restore no
 * longer needs, judged against real processes forked here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/journal.h"
#include "lib/procfs.h"
#include "act/restore.h"
#include "test.h"

TEST(journal_append_and_load)
{
	char dir[] = "/tmp/np-journal-XXXXXX", path[PATH_MAX], cmd[PATH_MAX + 16];
	struct np_change batch[2] = {
		{ .kind = NP_CHANGE_THREAD_AFFINITY, .id = 4242, .tgid = 4240,
		  .start_time = 123456789012ULL, .old_value = "0-63,128-191" },
		{ .kind = NP_CHANGE_IRQ_AFFINITY, .id = 201, .old_value = "0-255" },
	};
	struct np_change one = { .kind = NP_CHANGE_SETTING,
				 .path = "/proc/sys/kernel/numa_balancing",
				 .old_value = "1" };
	struct np_change *loaded;
	int n, bad = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/run/journal", dir); /* the directory is created */
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), -ENOENT);
	CHECK_INT(np_journal_append(path, batch, 2), 0);
	CHECK_INT(np_journal_append(path, &one, 1), 0);
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(loaded[0].kind, NP_CHANGE_THREAD_AFFINITY);
		CHECK_INT(loaded[0].id, 4242);
		CHECK_INT(loaded[0].start_time, 123456789012ULL);
		CHECK_STR(loaded[0].old_value, "0-63,128-191");
		CHECK_INT(loaded[1].id, 201);
		CHECK_STR(loaded[2].path, "/proc/sys/kernel/numa_balancing");
		CHECK_STR(loaded[2].old_value, "1");
	}
	np_changes_free(loaded, n);
	snprintf(cmd, sizeof(cmd), "%s.tmp", path);
	CHECK(access(cmd, F_OK) != 0); /* no temporary file left behind */

	/* a hand-damaged journal is refused with its line, never half-applied */
	{
		FILE *f = fopen(path, "a");

		fputs("{\"kind\": \"no_such_kind\", \"old_value\": \"x\"}\n", f);
		fclose(f);
	}
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), -EINVAL);
	CHECK_INT(bad, 4);
	CHECK_INT(np_journal_clear(path), 0);
	CHECK_INT(np_journal_clear(path), 0); /* idempotent */
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), -ENOENT);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}

/* ---- compaction, with a made-up predicate ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int ch;

	if (!f)
		return NULL;
	out = open_memstream(&text, &len);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, out);
	fclose(out);
	fclose(f);
	return text;
}

static void remove_tree(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}

/* drops the records whose id is odd; counts the calls */
static bool keep_even(const struct np_change *c, void *ctx)
{
	(*(int *)ctx)++;
	return c->id % 2 == 0;
}

static bool keep_all(const struct np_change *c, void *ctx)
{
	(void)c;
	(*(int *)ctx)++;
	return true;
}

static bool keep_none(const struct np_change *c, void *ctx)
{
	(void)c;
	(void)ctx;
	return false;
}

/* Six records of every kind, ids 1-6, appended in three steps. */
static void six_records(const char *path)
{
	struct np_change c[6] = {
		{ .kind = NP_CHANGE_THREAD_AFFINITY, .id = 1, .tgid = 1, .start_time = 10,
		  .old_value = "0-3", .new_value = "2-3" },
		{ .kind = NP_CHANGE_IRQ_AFFINITY, .id = 2, .old_value = "0-3" },
		{ .kind = NP_CHANGE_SETTING, .id = 3, .path = "/proc/sys/kernel/numa_balancing",
		  .old_value = "1" },
		{ .kind = NP_CHANGE_IRQBALANCE_BAN, .id = 4, .tgid = 77, .old_value = "" },
		{ .kind = NP_CHANGE_PROCESS_PAUSED, .id = 5, .tgid = 5, .start_time = 50,
		  .old_value = "running" },
		{ .kind = NP_CHANGE_THREAD_AFFINITY, .id = 6, .tgid = 1, .start_time = 60,
		  .old_value = "0-3", .new_value = "2-3" },
	};

	CHECK_INT(np_journal_append(path, c, 2), 0);
	CHECK_INT(np_journal_append(path, c + 2, 3), 0);
	CHECK_INT(np_journal_append(path, c + 5, 1), 0);
}

/* The lines of text whose 1-based numbers are in want (a 0-terminated list), joined. */
static char *lines_of(const char *text, const int *want)
{
	char *out = calloc(1, strlen(text) + 1);
	int lineno = 1;

	for (const char *p = text; *p; lineno++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);

		for (const int *w = want; *w; w++)
			if (*w == lineno)
				strncat(out, p, len);
		p += len;
	}
	return out;
}

TEST(journal_compact_keeps_order_and_bytes)
{
	char dir[] = "/tmp/np-journal-XXXXXX", path[PATH_MAX], tmp[PATH_MAX + 8];
	static const int even[] = { 2, 4, 6, 0 };
	struct np_change *loaded;
	char *before, *after, *expected;
	int calls = 0, dropped = -1, n, bad = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/journal", dir);
	six_records(path);
	before = slurp(path);
	CHECK_INT(np_journal_compact(path, keep_even, &calls, &dropped), 0);
	CHECK_INT(calls, 6);
	CHECK_INT(dropped, 3);
	/* the kept records are the very lines they were, in their order */
	after = slurp(path);
	expected = lines_of(before, even);
	CHECK_STR(after, expected);
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(loaded[0].kind, NP_CHANGE_IRQ_AFFINITY);
		CHECK_INT(loaded[0].id, 2);
		CHECK_INT(loaded[1].kind, NP_CHANGE_IRQBALANCE_BAN);
		CHECK_INT(loaded[1].tgid, 77);
		CHECK_INT(loaded[2].kind, NP_CHANGE_THREAD_AFFINITY);
		CHECK_INT(loaded[2].start_time, 60);
		CHECK_STR(loaded[2].new_value, "2-3");
	}
	np_changes_free(loaded, n);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CHECK(access(tmp, F_OK) != 0);
	/* appends go on after a compaction */
	six_records(path);
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), 0);
	CHECK_INT(n, 9);
	np_changes_free(loaded, n);
	free(before);
	free(after);
	free(expected);
	remove_tree(dir);
}

TEST(journal_compact_leaves_the_file_alone_when_nothing_goes)
{
	char dir[] = "/tmp/np-journal-XXXXXX", path[PATH_MAX];
	struct stat st0, st1;
	char *before, *after;
	int calls = 0, dropped = -1;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/journal", dir);
	/* no journal: nothing to do, and none created */
	CHECK_INT(np_journal_compact(path, keep_none, NULL, &dropped), 0);
	CHECK_INT(dropped, 0);
	CHECK(access(path, F_OK) != 0);

	six_records(path);
	before = slurp(path);
	CHECK_INT(stat(path, &st0), 0);
	usleep(20000); /* a rewrite would show in the modification time too */
	CHECK_INT(np_journal_compact(path, keep_all, &calls, &dropped), 0);
	CHECK_INT(calls, 6);
	CHECK_INT(dropped, 0);
	CHECK_INT(stat(path, &st1), 0);
	/* a rewrite renames a new file over the journal: another inode */
	CHECK_INT(st1.st_ino, st0.st_ino);
	CHECK_INT(st1.st_mtim.tv_nsec, st0.st_mtim.tv_nsec);
	CHECK_INT(st1.st_mtim.tv_sec, st0.st_mtim.tv_sec);
	after = slurp(path);
	CHECK_STR(after, before);
	free(before);
	free(after);
	remove_tree(dir);
}

TEST(journal_compact_errors_leave_the_journal_as_it_was)
{
	char dir[] = "/tmp/np-journal-XXXXXX", path[PATH_MAX], tmp[PATH_MAX + 8];
	struct np_change *loaded;
	struct stat st0, st1;
	char *before, *after;
	int calls = 0, dropped = -1, n, bad = 0;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/journal", dir);
	six_records(path);

	/* the rewrite fails (its temporary file cannot be created): nothing lost */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CHECK_INT(mkdir(tmp, 0700), 0);
	before = slurp(path);
	CHECK_INT(stat(path, &st0), 0);
	CHECK_INT(np_journal_compact(path, keep_even, &calls, &dropped), -EISDIR);
	CHECK_INT(dropped, 0);
	CHECK_INT(stat(path, &st1), 0);
	CHECK_INT(st1.st_ino, st0.st_ino);
	after = slurp(path);
	CHECK_STR(after, before);
	free(after);
	CHECK_INT(rmdir(tmp), 0);

	/* a line that is no record: refused before anything is decided or written */
	f = fopen(path, "a");
	fputs("{\"kind\": \"thread_affinity\"}\n", f);
	fclose(f);
	free(before);
	before = slurp(path);
	CHECK_INT(np_journal_compact(path, keep_none, NULL, &dropped), -EINVAL);
	CHECK_INT(dropped, 0);
	after = slurp(path);
	CHECK_STR(after, before);
	free(after);
	free(before);

	/* everything dropped: an empty journal, which loads as no records */
	snprintf(path, sizeof(path), "%s/journal2", dir);
	six_records(path);
	CHECK_INT(np_journal_compact(path, keep_none, NULL, &dropped), 0);
	CHECK_INT(dropped, 6);
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), 0);
	CHECK_INT(n, 0);
	np_changes_free(loaded, n);
	remove_tree(dir);
}

/* ---- what restore no longer needs, against real processes ---- */

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/*
 * A child that sleeps until killed: with a second thread when worker, and with its main
 * thread gone (pthread_exit: a zombie leading the worker) when leader_exits.
 */
static pid_t spawn(bool worker, bool leader_exits)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pthread_t t;

		if (worker && pthread_create(&t, NULL, sleeper, NULL))
			_exit(1);
		if (leader_exits)
			pthread_exit(NULL);
		sleeper(NULL);
	}
	return pid;
}

/* The child's other thread than its main one (0: none), or -1 when it has not n threads. */
static pid_t other_thread(pid_t pid, int n)
{
	pid_t *tids, other = 0;
	int count;

	if (np_proc_threads("/", pid, &tids, &count))
		return -1;
	for (int t = 0; t < count; t++)
		if (tids[t] != pid)
			other = tids[t];
	free(tids);
	return count == n ? other : -1;
}

/* Poll (2 s at most) until the child has n threads; its other thread's tid, 0, or -1. */
static pid_t wait_threads(pid_t pid, int n)
{
	pid_t other = other_thread(pid, n);

	for (int i = 0; i < 200 && other < 0; i++) {
		usleep(10000);
		other = other_thread(pid, n);
	}
	return other;
}

/* Poll (2 s at most) until the child's main thread is a zombie (its stat still there). */
static bool wait_zombie(pid_t pid)
{
	unsigned long long start;
	char stat[64];

	snprintf(stat, sizeof(stat), "/proc/%d/stat", pid);
	for (int i = 0; i < 200; i++) {
		if (np_thread_start_time("/", pid, pid, &start) == -ESRCH && !access(stat, F_OK))
			return true;
		usleep(10000);
	}
	return false;
}

static unsigned long long started(pid_t pid, pid_t tid)
{
	unsigned long long start = 0;

	CHECK_INT(np_thread_start_time("/", pid, tid, &start), 0);
	return start;
}

static void reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static struct np_change thread_rec(pid_t tgid, pid_t tid, unsigned long long start)
{
	struct np_change c = { .kind = NP_CHANGE_THREAD_AFFINITY, .id = tid, .tgid = tgid,
			       .start_time = start, .old_value = "0", .new_value = "0" };

	return c;
}

static struct np_change paused_rec(pid_t pid, unsigned long long start)
{
	struct np_change c = { .kind = NP_CHANGE_PROCESS_PAUSED, .id = pid, .tgid = pid,
			       .start_time = start, .old_value = "running" };

	return c;
}

TEST(journal_compact_drops_records_of_ended_processes)
{
	char dir[] = "/tmp/np-journal-XXXXXX", path[PATH_MAX];
	struct np_proc_info info;
	struct np_change rec[12] = {
		{ .kind = NP_CHANGE_SETTING, .path = "/proc/sys/kernel/numa_balancing",
		  .old_value = "1" },
	}, *loaded;
	/*
	 * what stays: every record but those of the exited, the zombie, the earlier process and
	 * the ended thread
	 */
	static const int kept[] = { 0, 1, 3, 4, 8, 9, 10 };
	pid_t live = spawn(true, false), gone = spawn(false, false), zombie = spawn(false, false);
	pid_t headless = spawn(true, true), worker;
	unsigned long long live_start, gone_start, zombie_start, headless_start = 0;
	int dropped = -1, n, bad = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/journal", dir);
	worker = wait_threads(live, 2);
	CHECK(worker > 0);
	CHECK(wait_threads(gone, 1) == 0 && wait_threads(zombie, 1) == 0);
	live_start = started(live, live);
	gone_start = started(gone, gone);
	zombie_start = started(zombie, zombie);
	CHECK(wait_zombie(headless));
	CHECK_INT(np_proc_read("/", headless, &info), 0); /* a zombie leading a live thread */
	headless_start = info.start_time;

	rec[1] = thread_rec(live, live, live_start);
	rec[2] = thread_rec(gone, gone, gone_start);
	rec[3] = (struct np_change){ .kind = NP_CHANGE_IRQ_AFFINITY, .id = 30, .old_value = "0" };
	rec[4] = thread_rec(live, worker, started(live, worker));
	rec[5] = paused_rec(gone, gone_start);
	rec[6] = thread_rec(zombie, zombie, zombie_start);
	/* an ended thread of a process that runs on: inert for restore, dropped */
	rec[7] = thread_rec(live, gone, gone_start);
	/* a ban is irqbalance's, whatever became of the pid it names */
	rec[8] = (struct np_change){ .kind = NP_CHANGE_IRQBALANCE_BAN, .id = 30, .tgid = gone,
				     .old_value = "" };
	rec[9] = thread_rec(headless, headless, headless_start);
	rec[10] = paused_rec(live, live_start);
	/* the process that had live's pid before it (born earlier): another, ended process */
	rec[11] = thread_rec(live, live, live_start - 1);
	CHECK_INT(np_journal_append(path, rec, 12), 0);

	/* gone exits and is reaped, zombie exits and waits for us */
	reap(gone);
	kill(zombie, SIGKILL);
	CHECK(wait_zombie(zombie));
	CHECK_INT(np_restore_compact(path, &dropped), 0);
	CHECK_INT(dropped, 5);
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), 0);
	CHECK_INT(n, 7);
	for (int i = 0; i < n && i < 7; i++) {
		CHECK_INT(loaded[i].kind, rec[kept[i]].kind);
		CHECK_INT(loaded[i].id, rec[kept[i]].id);
		CHECK_INT(loaded[i].tgid, rec[kept[i]].tgid);
		CHECK_INT(loaded[i].start_time, rec[kept[i]].start_time);
	}
	np_changes_free(loaded, n);
	/* a second pass finds nothing more */
	CHECK_INT(np_restore_compact(path, &dropped), 0);
	CHECK_INT(dropped, 0);

	/* the live one exits too: its records go, the others stay */
	reap(live);
	reap(headless);
	CHECK_INT(np_restore_compact(path, &dropped), 0);
	CHECK_INT(dropped, 4);
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(loaded[0].kind, NP_CHANGE_SETTING);
		CHECK_INT(loaded[1].kind, NP_CHANGE_IRQ_AFFINITY);
		CHECK_INT(loaded[2].kind, NP_CHANGE_IRQBALANCE_BAN);
	}
	np_changes_free(loaded, n);
	reap(zombie);
	remove_tree(dir);
}

/* ---- the same restore, compacted or not ---- */

static int set_mask(pid_t tid, const char *list)
{
	struct np_cpuset set;
	cpu_set_t mask;

	if (np_cpulist_parse(list, &set))
		return -EINVAL;
	CPU_ZERO(&mask);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (np_cpuset_has(&set, cpu))
			CPU_SET(cpu, &mask);
	return sched_setaffinity(tid, sizeof(mask), &mask) ? -errno : 0;
}

static void mask_of(pid_t tid, char *list, size_t len)
{
	struct np_cpuset set;

	list[0] = '\0';
	if (!np_thread_affinity(tid, &set))
		np_cpulist_format(&set, list, len);
}

/* This process's CPUs, and the first of them (the mask "numaplace" sets); false: one CPU. */
static bool two_masks(char *full, char *ours, size_t len)
{
	struct np_cpuset set;
	int first = -1;

	if (np_thread_affinity(getpid(), &set) || np_cpuset_count(&set) < 2)
		return false;
	for (int cpu = 0; cpu < NP_MAX_CPUS && first < 0; cpu++)
		if (np_cpuset_has(&set, cpu))
			first = cpu;
	np_cpulist_format(&set, full, len);
	snprintf(ours, len, "%d", first);
	return true;
}

static struct np_change placed(pid_t tgid, pid_t tid, const char *full, const char *ours)
{
	struct np_change c = { .kind = NP_CHANGE_THREAD_AFFINITY, .id = tid, .tgid = tgid };

	CHECK_INT(np_thread_start_time("/", tgid, tid, &c.start_time), 0);
	c.old_value = full; /* the caller's: they outlive the record, which is not released */
	c.new_value = ours;
	return c;
}

/*
 * One journal restored as it is, and compacted: the masks restore leaves are the same, and
 * it changes and fails as much; only the records it would have skipped as vanished are gone.
 */
TEST(journal_compact_restores_the_same)
{
	char dir[] = "/tmp/np-journal-XXXXXX", j1[PATH_MAX], j2[PATH_MAX];
	char full[64], ours[64], main_mask[2][64], worker_mask[2][64], msg[256];
	struct np_restore_summary sum[2];
	struct np_change rec[6];
	pid_t live, gone, worker, gone_worker;
	int dropped = -1;

	if (!two_masks(full, ours, sizeof(full))) {
		printf("    (one CPU: nothing to restore to; skipped)\n");
		return;
	}
	live = spawn(true, false);
	gone = spawn(true, false);
	worker = wait_threads(live, 2);
	gone_worker = wait_threads(gone, 2);
	CHECK(worker > 0 && gone_worker > 0);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(j1, sizeof(j1), "%s/journal", dir);
	snprintf(j2, sizeof(j2), "%s/compacted", dir);
	/* both placed: their main threads journaled, their workers born after (inheriting) */
	rec[0] = placed(live, live, full, ours);
	rec[1] = placed(gone, gone, full, ours);
	rec[2] = placed(gone, gone_worker, full, ours);
	rec[3] = paused_rec(gone, rec[1].start_time);
	rec[4] = paused_rec(live, rec[0].start_time); /* it runs: nothing to continue */
	/* a thread of the live process that has ended (its tid: gone's worker, ended below) */
	rec[5] = rec[2];
	rec[5].tgid = live;
	CHECK_INT(np_journal_append(j1, rec, 6), 0);
	CHECK_INT(np_journal_append(j2, rec, 6), 0);
	reap(gone);
	CHECK_INT(np_restore_compact(j2, &dropped), 0);
	CHECK_INT(dropped, 4);

	for (int run = 0; run < 2; run++) {
		CHECK_INT(set_mask(live, ours), 0);
		CHECK_INT(set_mask(worker, ours), 0);
		CHECK_INT(np_restore_all(run ? j2 : j1, &sum[run], msg, sizeof(msg)), 0);
		mask_of(live, main_mask[run], sizeof(main_mask[run]));
		mask_of(worker, worker_mask[run], sizeof(worker_mask[run]));
	}
	CHECK_STR(main_mask[0], full);
	CHECK_STR(worker_mask[0], full); /* inherited our mask: given the process's old one */
	CHECK_STR(main_mask[1], main_mask[0]);
	CHECK_STR(worker_mask[1], worker_mask[0]);
	CHECK_INT(sum[0].threads.changed, 2);
	CHECK_INT(sum[1].threads.changed, sum[0].threads.changed);
	CHECK_INT(sum[1].threads.unchanged, sum[0].threads.unchanged);
	CHECK_INT(sum[1].threads.failed, sum[0].threads.failed);
	CHECK_INT(sum[1].processes.changed, sum[0].processes.changed);
	CHECK_INT(sum[1].processes.unchanged, sum[0].processes.unchanged);
	CHECK_INT(sum[1].processes.failed, sum[0].processes.failed);
	CHECK_INT(sum[0].threads.vanished - sum[1].threads.vanished, 3);
	CHECK_INT(sum[0].processes.vanished - sum[1].processes.vanished, 1);
	reap(live);
	remove_tree(dir);
}

/*
 * A record of an earlier thread under the same tid (another start time) does not cover the
 * thread there now: born later with our mask, it is given the process's old mask. Only a
 * record of that very thread leaves it to np_restore_thread().
 */
TEST(journal_restore_inherited_matches_start_time)
{
	char full[64], ours[64], mask[64];
	struct np_act_result res = { 0 };
	struct np_change rec[2];
	pid_t live, worker;

	if (!two_masks(full, ours, sizeof(full))) {
		printf("    (one CPU: nothing to restore to; skipped)\n");
		return;
	}
	live = spawn(true, false);
	worker = wait_threads(live, 2);
	CHECK(worker > 0);
	rec[0] = placed(live, live, full, ours);
	rec[1] = placed(live, worker, full, ours);
	rec[1].start_time--; /* an earlier thread with the worker's tid */
	CHECK_INT(set_mask(worker, ours), 0);
	np_restore_inherited(rec, 2, &res);
	CHECK_INT(res.changed, 1);
	mask_of(worker, mask, sizeof(mask));
	CHECK_STR(mask, full);

	memset(&res, 0, sizeof(res));
	rec[1].start_time++; /* the worker's own record */
	CHECK_INT(set_mask(worker, ours), 0);
	np_restore_inherited(rec, 2, &res);
	CHECK_INT(res.changed, 0);
	mask_of(worker, mask, sizeof(mask));
	CHECK_STR(mask, ours);
	reap(live);
}

/* ---- issue #11: what is not a journal, read errors, malformed lines, restore's trust ---- */

static void put_bytes(const char *path, const char *bytes, size_t len)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fwrite(bytes, 1, len, f);
		fclose(f);
	}
	chmod(path, 0600);
}

/* A read that fails is an error, not the end of the journal (it restored half and cleared). */
TEST(journal_read_error_is_an_error)
{
	char dir[] = "/tmp/np-journal-XXXXXX";
	struct np_change *loaded = NULL;
	int n = -1, bad = 0, dropped = -1;

	/* reading /proc/self/mem at offset 0 fails with EIO: a real read error, no mock */
	CHECK_INT(np_journal_load("/proc/self/mem", &loaded, &n, &bad), -EIO);
	CHECK(loaded == NULL);
	CHECK_INT(np_journal_compact("/proc/self/mem", keep_none, NULL, &dropped), -EIO);
	CHECK_INT(dropped, 0);
	/* a directory where the journal should be: refused, not read as empty */
	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(np_journal_load(dir, &loaded, &n, &bad), -EPERM);
	remove_tree(dir);
}

static const char rec1[] = "{\"kind\":\"irq_affinity\",\"id\":1,\"old_value\":\"0\"}";
static const char rec3[] = "{\"kind\":\"irq_affinity\",\"id\":3,\"old_value\":\"0\"}";

/* rec1, then line (len bytes), then rec3 */
static void three_lines(const char *path, const char *line, size_t len)
{
	char buf[512];
	size_t n = 0;

	memcpy(buf, rec1, sizeof(rec1) - 1);
	n = sizeof(rec1) - 1;
	buf[n++] = '\n';
	memcpy(buf + n, line, len);
	n += len;
	buf[n++] = '\n';
	memcpy(buf + n, rec3, sizeof(rec3) - 1);
	n += sizeof(rec3) - 1;
	buf[n++] = '\n';
	put_bytes(path, buf, n);
}

TEST(journal_line_with_nul_or_trailing_text_is_malformed)
{
	static const char nul[] = "{\"kind\":\"irq_affinity\",\"id\":2,\"old_value\":\"0\"}\0junk";
	static const char *const trailing[] = {
		"{\"kind\":\"irq_affinity\",\"id\":2,\"old_value\":\"0\"} junk",
		"{\"kind\":\"irq_affinity\",\"id\":2,\"old_value\":\"0\"}{\"kind\":\"setting\"}",
		"{\"kind\":\"irq_affinity\",\"id\":\"2\",\"old_value\":\"0\"}",
		"{\"kind\":\"irq_affinity\",\"id\":2,\"old_value\":\"0\\u0000x\"}",
	};
	char dir[] = "/tmp/np-journal-XXXXXX", path[PATH_MAX];
	struct np_change *loaded;
	char *before, *after;
	int n, bad = 0, dropped = -1, calls = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/journal", dir);
	/* found by fuzzing: 3 records loaded, one dropped by compaction, 1 loaded back */
	three_lines(path, nul, sizeof(nul) - 1);
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), -EINVAL);
	CHECK_INT(bad, 2);
	before = slurp(path);
	CHECK_INT(np_journal_compact(path, keep_even, &calls, &dropped), -EINVAL);
	after = slurp(path);
	CHECK_STR(after, before);
	free(before);
	free(after);
	for (size_t i = 0; i < sizeof(trailing) / sizeof(trailing[0]); i++) {
		bad = 0;
		three_lines(path, trailing[i], strlen(trailing[i]));
		CHECK_INT(np_journal_load(path, &loaded, &n, &bad), -EINVAL);
		CHECK_INT(bad, 2);
	}
	/* whitespace after the object is no text */
	{
		static const char spaces[] =
			"{\"kind\":\"irq_affinity\",\"id\":2,\"old_value\":\"0\"} \r";

		three_lines(path, spaces, strlen(spaces));
	}
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), 0);
	CHECK_INT(n, 3);
	np_changes_free(loaded, n);
	remove_tree(dir);
}

/* Random-ish records, appended in batches: compaction keeps every wanted line, byte for byte. */
TEST(journal_compact_keeps_wanted_records_byte_for_byte)
{
	static const char *const values[] = {
		"0-3",	     "a\"b", "back\\slash", "/x/y", "\xc3\xa9t\xc3\xa9",
		"tab\there", "",     "0,2,4-63:2"
	};
	char dir[] = "/tmp/np-journal-XXXXXX", path[PATH_MAX];
	unsigned int seed = 11;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/journal", dir);
	for (int round = 0; round < 40; round++) {
		struct np_change c[8];
		int want[64] = { 0 }, nwant = 0, total = 0, calls = 0, dropped, n, bad;
		struct np_change *loaded;
		char *before, *after, *expected;

		unlink(path);
		for (int batch = 0; batch < 3; batch++) {
			int count = 1 + rand_r(&seed) % 8;

			for (int i = 0; i < count; i++) {
				c[i] = (struct np_change){ .kind = rand_r(&seed) % NP_CHANGE_KINDS,
							   .id = rand_r(&seed) % 1000,
							   .tgid = rand_r(&seed) % 1000 };
				c[i].old_value = values[rand_r(&seed) % 8];
				c[i].new_value = values[rand_r(&seed) % 8];
				if (c[i].id % 2 == 0)
					want[nwant++] = total + i + 1;
			}
			CHECK_INT(np_journal_append(path, c, count), 0);
			total += count;
		}
		before = slurp(path);
		CHECK_INT(np_journal_compact(path, keep_even, &calls, &dropped), 0);
		CHECK_INT(dropped, total - nwant);
		after = slurp(path);
		expected = nwant ? lines_of(before, want) : strdup(NP_JOURNAL_HEADER "\n");
		CHECK_STR(after, expected);
		CHECK_INT(np_journal_load(path, &loaded, &n, &bad), 0);
		CHECK_INT(n, nwant);
		np_changes_free(loaded, n);
		free(before);
		free(after);
		free(expected);
	}
	remove_tree(dir);
}

/* Never written over, truncated or removed: a file that is not numaplace's journal. */
TEST(journal_never_touches_what_is_not_a_journal)
{
	char dir[] = "/tmp/np-journal-XXXXXX", path[PATH_MAX], other[PATH_MAX], msg[256];
	struct np_change one = { .kind = NP_CHANGE_IRQ_AFFINITY, .id = 7, .old_value = "0" };
	struct np_change *loaded;
	struct stat st;
	char *text;
	int n, bad = 0, dropped;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/journal", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	put_bytes(path, "hello\n", 6);
	CHECK_INT(np_journal_append(path, &one, 1), -EPERM);
	CHECK_INT(np_journal_clear(path), -EPERM);
	CHECK_INT(np_journal_compact(path, keep_none, NULL, &dropped), -EPERM);
	CHECK_INT(np_journal_check(path, msg, sizeof(msg)), -EPERM);
	CHECK(strstr(msg, "not a numaplace journal") != NULL);
	text = slurp(path);
	CHECK_STR(text, "hello\n");
	free(text);
	put_bytes(path, "", 0); /* empty: nothing says it is ours */
	CHECK_INT(np_journal_append(path, &one, 1), -EPERM);
	CHECK_INT(np_journal_clear(path), -EPERM);
	CHECK_INT(unlink(path), 0);
	if (geteuid() == 0) {
		CHECK_INT(mknod(path, S_IFCHR | 0600, makedev(1, 3)), 0);
		CHECK_INT(np_journal_append(path, &one, 1), -EPERM);
		CHECK_INT(np_journal_clear(path), -EPERM);
		CHECK_INT(stat(path, &st), 0);
		CHECK(S_ISCHR(st.st_mode));
		CHECK_INT(unlink(path), 0);
	}
	put_bytes(other, "mine\n", 5);
	CHECK_INT(symlink(other, path), 0);
	CHECK_INT(np_journal_append(path, &one, 1), -ELOOP);
	CHECK_INT(np_journal_clear(path), -ELOOP);
	text = slurp(other);
	CHECK_STR(text, "mine\n");
	free(text);
	CHECK_INT(unlink(path), 0);
	/* a journal others may write is not one to trust */
	CHECK_INT(np_journal_append(path, &one, 1), 0);
	CHECK_INT(np_journal_check(path, msg, sizeof(msg)), 0);
	CHECK_INT(chmod(path, 0606), 0);
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), -EPERM);
	CHECK_INT(np_journal_check(path, msg, sizeof(msg)), -EPERM);
	CHECK(strstr(msg, "writable by group or others") != NULL);
	CHECK_INT(chmod(path, 0600), 0);
	/* compacted to nothing: the header keeps it ours, appends go on after it */
	CHECK_INT(np_journal_compact(path, keep_none, NULL, &dropped), 0);
	CHECK_INT(dropped, 1);
	CHECK_INT(np_journal_check(path, msg, sizeof(msg)), 0);
	CHECK_INT(np_journal_append(path, &one, 1), 0);
	CHECK_INT(np_journal_load(path, &loaded, &n, &bad), 0);
	CHECK_INT(n, 1);
	np_changes_free(loaded, n);
	CHECK_INT(np_journal_clear(path), 0);
	CHECK(access(path, F_OK) != 0);
	remove_tree(dir);
}

/* A record's path is never written: restore refuses such a journal, and nothing changes. */
TEST(restore_refuses_records_numaplace_never_writes)
{
	static const char *const refused[] = {
		"{\"kind\":\"setting\",\"path\":\"%s/victim\",\"old_value\":\"pwned\"}\n",
		"{\"kind\":\"setting\",\"path\":\"/proc/sys/kernel/numa_balancing\","
		"\"old_value\":\"7\"}\n",
		"{\"kind\":\"setting\",\"path\":\"/proc/sys/kernel/numa_balancing_scan_size_mb\","
		"\"old_value\":\"1; rm\"}\n",
		"{\"kind\":\"irq_affinity\",\"id\":5,\"old_value\":\"0-4095,99999\"}\n",
		"{\"kind\":\"irq_affinity\",\"id\":5,\"old_value\":\"\"}\n",
		"{\"kind\":\"thread_affinity\",\"id\":1,\"tgid\":1,\"old_value\":\"x\"}\n",
		"{\"kind\":\"process_paused\",\"id\":-1,\"tgid\":-1,\"old_value\":\"running\"}\n",
	};
	char dir[] = "/tmp/np-journal-XXXXXX", path[PATH_MAX], victim[PATH_MAX], line[512],
	     msg[256];
	struct np_restore_summary sum;
	char *text;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/journal", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	put_bytes(victim, "precious\n", 9);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(line, sizeof(line), refused[i], dir);
		put_bytes(path, line, strlen(line));
		msg[0] = '\0';
		CHECK_INT(np_restore_all(path, &sum, msg, sizeof(msg)), -EPERM);
		CHECK(strstr(msg, "nothing restored") != NULL);
		CHECK(access(path, F_OK) == 0); /* kept for a look */
	}
	text = slurp(victim);
	CHECK_STR(text, "precious\n");
	free(text);
	/* the settings numaplace changes, with values they take, pass */
	snprintf(line, sizeof(line), "%s",
		 "{\"kind\":\"setting\",\"path\":\"/sys/kernel/debug/sched/numa_balancing/"
		 "scan_delay_ms\",\"old_value\":\"1000\"}\n");
	{
		struct np_change *c;
		int n, bad;

		put_bytes(path, line, strlen(line));
		CHECK_INT(np_journal_load(path, &c, &n, &bad), 0);
		CHECK_INT(np_restore_check(c, n, NULL, msg, sizeof(msg)), 0);
		np_changes_free(c, n);
	}
	remove_tree(dir);
}

/*
 * What malloc holds, in kB: the loaded list and its values, counted exactly (the process's RSS
 * would also count pages freed by earlier tests and reused). 0 under valgrind, which keeps its
 * own heap.
 */
static long heap_kb(void)
{
	struct mallinfo2 mi = mallinfo2();

	return (long)((mi.uordblks + mi.hblkhd) / 1024);
}

TEST(journal_load_memory_follows_text)
{
	char dir[] = "/tmp/np-journal-XXXXXX", path[PATH_MAX];
	struct np_change *loaded = NULL;
	int n = 0, bad = 0, err;
	long before, after;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/journal", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	for (int i = 0; f && i < 10000; i++)
		fprintf(f,
			"{\"kind\":\"thread_affinity\",\"id\":%d,\"tgid\":1000,\"start_time\":%d,"
			"\"path\":\"\",\"old_value\":\"0-127\",\"new_value\":\"64-127\"}\n",
			1000 + i, 5000 + i);
	if (f)
		fclose(f);
	chmod(path, 0600);
	before = heap_kb();
	err = np_journal_load(path, &loaded, &n, &bad);
	after = heap_kb();
	CHECK_INT(err, 0);
	CHECK_INT(n, 10000);
	if (n == 10000) {
		CHECK_INT(loaded[9999].id, 10999);
		CHECK_STR(loaded[9999].old_value, "0-127");
		CHECK_STR(loaded[9999].new_value, "64-127");
	}
	if (after - before >= 8 * 1024)
		np_test_fail(__FILE__, __LINE__, "10,000 records took %ld kB", after - before);
	np_changes_free(loaded, n);
	remove_tree(dir);
}
