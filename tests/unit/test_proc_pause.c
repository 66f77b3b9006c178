// SPDX-License-Identifier: GPL-2.0
/*
 * The mover's pause (proc_pause.c) on real processes: every thread held in a ptrace stop and
 * let go, the stop ended by the kernel when the holder dies (SIGKILL) or its thread ends, a
 * SIGSTOP sent meanwhile kept, threads born meanwhile held too, and a process that someone
 * else traces left running.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "act/mover.h"
#include "lib/procfs.h"
#include "test.h"

#define SPINNERS 3

/* Counters the workload's threads bump, shared with the test (MAP_SHARED before fork). */
static volatile unsigned long *counters;

static void *spin(void *arg)
{
	volatile unsigned long *c = arg;

	for (;;)
		(*c)++;
	return NULL;
}

static void *short_life(void *arg)
{
	(void)arg;
	usleep(200);
	return NULL;
}

/* The workload: SPINNERS threads counting; with churn, the main thread keeps creating threads. */
static pid_t workload(bool churn)
{
	pid_t pid;

	if (!counters)
		counters =
			mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid = fork();
	if (pid) {
		/* every spinner exists before a test looks at the threads (a tracer seizes them) */
		for (int tries = 0; tries < 2000; tries++) {
			pid_t *tids;
			int count = 0;

			if (!np_proc_threads("/", pid, &tids, &count))
				free(tids);
			if (count >= SPINNERS)
				break;
			usleep(1000);
		}
		return pid;
	}
	for (int i = 1; i < SPINNERS; i++) {
		pthread_t t;

		pthread_create(&t, NULL, spin, (void *)&counters[i]);
	}
	while (churn) {
		pthread_t t;

		counters[0]++;
		if (!pthread_create(&t, NULL, short_life, NULL))
			pthread_join(t, NULL);
	}
	spin((void *)&counters[0]);
	return 0;
}

static void end_workload(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Whether every counter moves within about 200 ms. */
static bool all_run(void)
{
	unsigned long before[SPINNERS];
	bool moved = false;

	for (int i = 0; i < SPINNERS; i++)
		before[i] = counters[i];
	for (int tries = 0; tries < 200 && !moved; tries++) {
		usleep(1000);
		moved = true;
		for (int i = 0; i < SPINNERS; i++)
			moved = moved && counters[i] != before[i];
	}
	return moved;
}

/* Whether no counter moves for 20 ms. */
static bool none_runs(void)
{
	unsigned long before[SPINNERS];

	for (int i = 0; i < SPINNERS; i++)
		before[i] = counters[i];
	usleep(20000);
	for (int i = 0; i < SPINNERS; i++)
		if (counters[i] != before[i])
			return false;
	return true;
}

/* Every thread's state letter is want; how many threads (-1: one is not). */
static int threads_in(pid_t pid, char want)
{
	int count, n = 0;
	pid_t *tids;

	if (np_proc_threads("/", pid, &tids, &count))
		return -1;
	for (int i = 0; i < count; i++) {
		struct np_stat st;

		if (!np_stat_read("/", pid, tids[i], &st) && st.state != want)
			n = -1;
		else if (n >= 0)
			n++;
	}
	free(tids);
	return n;
}

struct pauser {
	struct np_move_opts opts;
	struct np_mover m;
	struct np_mover_worker wk;
	char dir[32], journal[64];
};

static void pauser_init(struct pauser *p, pid_t pid)
{
	*p = (struct pauser){ 0 };
	snprintf(p->dir, sizeof(p->dir), "/tmp/np-pause-XXXXXX");
	if (!mkdtemp(p->dir))
		np_test_fail(__FILE__, __LINE__, "mkdtemp: %s", strerror(errno));
	snprintf(p->journal, sizeof(p->journal), "%s/journal", p->dir);
	p->opts.journal = p->journal;
	p->m.pid = pid;
	p->m.opts = &p->opts;
	p->wk.m = &p->m;
}

static void pauser_end(struct pauser *p)
{
	unlink(p->journal);
	rmdir(p->dir);
	free(p->wk.pause.held);
}

TEST(pause_holds_every_thread_and_lets_go)
{
	pid_t pid = workload(false);
	struct pauser p;

	pauser_init(&p, pid);
	CHECK(all_run());
	CHECK_INT(np_mover_stop_process(&p.wk), 0);
	CHECK(p.m.pause_journaled);
	CHECK(access(p.journal, F_OK) == 0);
	CHECK_INT(threads_in(pid, 't'), SPINNERS); /* a ptrace stop, not a job-control one */
	CHECK(none_runs());
	np_mover_continue_process(&p.wk, 1);
	CHECK(all_run());
	CHECK_INT(p.m.pauses, 1);
	CHECK_INT(p.wk.pause.n, 0);
	/* again: a second pause of the same mover */
	CHECK_INT(np_mover_stop_process(&p.wk), 0);
	CHECK(none_runs());
	np_mover_continue_process(&p.wk, 1);
	CHECK(all_run());
	end_workload(pid);
	pauser_end(&p);
}

/* The holder, SIGKILLed in the middle of a pause: the process runs again on its own. */
TEST(pause_ends_when_the_holder_is_killed)
{
	pid_t pid = workload(false), holder;
	struct pauser p;
	int ready[2];
	char c = 0;

	CHECK(all_run());
	CHECK(pipe(ready) == 0);
	pauser_init(&p, pid);
	holder = fork();
	if (!holder) {
		c = np_mover_stop_process(&p.wk) ? 'e' : 'h';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	CHECK(read(ready[0], &c, 1) == 1);
	CHECK_INT(c, 'h');
	CHECK(none_runs());
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	CHECK(all_run()); /* SIGSTOP: stopped until someone sends SIGCONT */
	CHECK(threads_in(pid, 't') < 0);
	end_workload(pid);
	pauser_end(&p);
	close(ready[0]);
	close(ready[1]);
}

static void *hold_and_end(void *arg)
{
	struct pauser *p = arg;

	return (void *)(long)np_mover_stop_process(&p->wk);
}

/* The holding thread ends without letting go: the kernel does (run's movers end each move). */
TEST(pause_ends_with_the_holding_thread)
{
	pid_t pid = workload(false);
	struct pauser p;
	pthread_t t;
	void *ret;

	pauser_init(&p, pid);
	pthread_create(&t, NULL, hold_and_end, &p);
	pthread_join(t, &ret);
	CHECK_INT((long)ret, 0);
	CHECK(all_run());
	end_workload(pid);
	pauser_end(&p);
}

/* A SIGSTOP someone sends while we hold the process takes effect when we let go. */
TEST(pause_keeps_a_stop_sent_meanwhile)
{
	pid_t pid = workload(false);
	struct pauser p;

	pauser_init(&p, pid);
	CHECK_INT(np_mover_stop_process(&p.wk), 0);
	kill(pid, SIGSTOP);
	usleep(10000);
	np_mover_continue_process(&p.wk, 1);
	for (int i = 0; i < 100 && threads_in(pid, 'T') != SPINNERS; i++)
		usleep(1000);
	CHECK_INT(threads_in(pid, 'T'), SPINNERS);
	CHECK(none_runs());
	kill(pid, SIGCONT);
	CHECK(all_run());
	end_workload(pid);
	pauser_end(&p);
}

/* Threads created while the others stop are held too: not one thread runs. */
TEST(pause_holds_threads_born_meanwhile)
{
	pid_t pid = workload(true);
	struct pauser p;

	pauser_init(&p, pid);
	CHECK(all_run());
	for (int round = 0; round < 20; round++) {
		CHECK_INT(np_mover_stop_process(&p.wk), 0);
		CHECK(threads_in(pid, 't') >= SPINNERS);
		np_mover_continue_process(&p.wk, 1);
	}
	CHECK(all_run());
	end_workload(pid);
	pauser_end(&p);
}

/* Someone else traces the process (a debugger): no pause, it keeps running, untouched. */
TEST(pause_leaves_a_traced_process_alone)
{
	pid_t pid = workload(false), tracer;
	int ready[2];
	char c = 0;
	struct pauser p;

	CHECK(pipe(ready) == 0);
	tracer = fork();
	if (!tracer) {
		pid_t *tids;
		int count;

		c = np_proc_threads("/", pid, &tids, &count) ? 'e' : 's';
		for (int i = 0; c == 's' && i < count; i++)
			if (ptrace(PTRACE_SEIZE, tids[i], NULL, NULL))
				c = 'e';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	CHECK(read(ready[0], &c, 1) == 1);
	CHECK_INT(c, 's');
	pauser_init(&p, pid);
	CHECK_INT(np_mover_stop_process(&p.wk), -EPERM);
	CHECK_INT(p.wk.pause.n, 0);
	CHECK(all_run());
	kill(tracer, SIGKILL);
	waitpid(tracer, NULL, 0);
	np_mover_pause_end(&p.wk); /* were one held after all, its exit would wait for us */
	end_workload(pid);
	pauser_end(&p);
	close(ready[0]);
	close(ready[1]);
}
