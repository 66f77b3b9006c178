// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`, the daemon's part (issue 18): what `numaplace run` costs processes while no
 * sampling window is open. Two loops (loops.h: page faults, context switches) are timed with
 * the daemon running and with it stopped, alternated round by round (which state goes first
 * alternates too), each time the median of 3 runs of each loop; the medians are printed
 * side by side, with the median of the rounds' paired differences and their middle half:
 *   untraced   this process, the daemon's only match fitting no process
 *   managed    a child named np-duty-srv, managed by the daemon (a dry run: nothing moves),
 *              timed once the daemon's window for it has closed
 * Measured SETTLE_S seconds after the daemon's window closed (see wait_between_windows).
 * The daemon runs in a mount namespace of its own with a private /run/numaplace (its journal
 * and lock), so another numaplace on the host is not in its way.
 *
 *   np-duty NUMAPLACE [ROUNDS]     (root; default 8 rounds)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "loops.h"

#define MAX_ROUNDS 64
#define SETTLE_S   2 /* seconds after a window closed before measuring */

static char dir[] = "/tmp/np-duty-XXXXXX";

static void write_conf(const char *name, const char *comm)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	/* no periodic check while measuring: the figures are those between windows */
	fprintf(f,
		"[global]\ninterval = 5\ntrace_window = 1\ntrace_every = 1000000\n"
		"metrics_file = %s/metrics.prom\n[match bench]\ncomm = ^%s$\n"
		"min_rss_mb = 0\nmin_cpu = 0\n",
		dir, comm);
	fclose(f);
}

static pid_t start_daemon(const char *np, const char *conf)
{
	char path[64], metrics[64];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", dir, conf);
	snprintf(metrics, sizeof(metrics), "%s/metrics.prom", dir);
	unlink(metrics);
	pid = fork();
	if (pid)
		return pid;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("none", "/run/numaplace", "tmpfs", 0, NULL)) {
		perror("np-duty: a private /run/numaplace");
		_exit(1);
	}
	if (!freopen("/dev/null", "w", stderr))
		_exit(1);
	execl(np, np, "run", "--dry-run", "--config", path, (char *)NULL);
	_exit(1);
}

/* Until the metrics say: no window open, with managed processes. */
static void wait_between_windows(int managed)
{
	char path[64], want[64], text[1 << 16];
	double end = now() + 60;

	snprintf(path, sizeof(path), "%s/metrics.prom", dir);
	snprintf(want, sizeof(want), "numaplace_managed_processes %d\n", managed);
	while (now() < end) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;

		if (f)
			fclose(f);
		text[n] = '\0';
		/*
		 * then a settling pause: for about a second after a window closes, faults here
		 * measured some 10-20% slower (the links' teardown: RCU callbacks, code patched
		 * back); a window's price, not what runs between windows
		 */
		if (strstr(text, "numaplace_sampler_attached 0\n") && strstr(text, want)) {
			sleep(SETTLE_S);
			return;
		}
		usleep(100000);
	}
	fprintf(stderr, "np-duty: the daemon never closed its window (%s)\n", path);
	exit(1);
}

/* The daemon's BPF links (fds on anon_inode:bpf_link): none between windows. */
static int bpf_links(pid_t pid)
{
	char path[64], target[64];
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
		len = readlink(path, target, sizeof(target) - 1);
		if (len > 0 && (target[len] = '\0', !strcmp(target, "anon_inode:bpf_link")))
			n++;
	}
	return n;
}

static void stop_daemon(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * One measurement: the median of LOOPS runs of each loop, so that one run disturbed by
 * something else on the host (a flush, another process's burst) does not make the round.
 */
#define LOOPS 3
static void both_loops(double t[2])
{
	double fault[LOOPS], sw[LOOPS];

	for (int i = 0; i < LOOPS; i++) {
		fault[i] = fault_loop();
		sw[i] = switch_loop();
	}
	t[0] = median(fault, LOOPS);
	t[1] = median(sw, LOOPS);
}

/* The managed server: one round of both loops per byte read, the times written back. */
static pid_t start_server(int *cmd, int *res)
{
	int to[2], from[2];
	pid_t pid;

	if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC))
		exit(1);
	pid = fork();
	if (pid) {
		*cmd = to[1];
		*res = from[0];
		return pid;
	}
	close(to[1]); /* the parent's close is then the end */
	close(from[0]);
	prctl(PR_SET_NAME, "np-duty-srv");
	for (char c; read(to[0], &c, 1) == 1;) {
		double t[2];

		both_loops(t);
		if (write(from[1], t, sizeof(t)) != sizeof(t))
			break;
	}
	_exit(0);
}

struct series {
	double fault[2][MAX_ROUNDS], sw[2][MAX_ROUNDS]; /* [daemon running][round] */
};

static void measure(struct series *s, int on, int round, int cmd, int res)
{
	double t[2];
	char c = 'x';

	if (cmd < 0)
		both_loops(t);
	else if (write(cmd, &c, 1) != 1 || read(res, t, sizeof(t)) != sizeof(t)) {
		fprintf(stderr, "np-duty: the server did not answer\n");
		exit(1);
	}
	s->fault[on][round] = t[0];
	s->sw[on][round] = t[1] / 2; /* a round trip is two switches */
}

/* Rounds alternated: in odd rounds the daemon runs first, in even ones it is stopped first. */
static void phase(const char *np, const char *conf, int managed, int rounds, int cmd, int res,
		  struct series *s)
{
	for (int round = 0; round < rounds; round++)
		for (int k = 0; k < 2; k++) {
			int on = (round + k) % 2;
			pid_t daemon = on ? start_daemon(np, conf) : 0;

			if (on)
				wait_between_windows(managed);
			measure(s, on, round, cmd, res);
			if (on && bpf_links(daemon)) {
				fprintf(stderr,
					"np-duty: the daemon had links attached while measured\n");
				exit(1);
			}
			if (on)
				stop_daemon(daemon);
		}
}

/*
 * Medians of each state, and the median of the rounds' own differences (running against
 * stopped in the same round: a drift of the host over the bench cancels out) with their
 * middle half, which shows how far the method itself scatters.
 */
static void print_row(const char *what, const char *unit, double *off, double *on, int n)
{
	double diff[MAX_ROUNDS], a, b;

	for (int i = 0; i < n; i++)
		diff[i] = (on[i] / off[i] - 1) * 100;
	a = median(off, n) * 1e9;
	b = median(on, n) * 1e9;
	median(diff, n); /* sorts them */
	printf("  %-26s %-9s %9.1f %9.1f %+8.2f%% %+8.2f%% [%+.1f, %+.1f]\n", what, unit, a, b,
	       (b / a - 1) * 100, median(diff, n), diff[n / 4], diff[(3 * n - 1) / 4]);
}

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 8, cmd, res;
	static struct series untraced, managed;
	pid_t server;

	if (argc < 2 || argc > 3 || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: np-duty NUMAPLACE [ROUNDS 1..%d]\n", MAX_ROUNDS);
		return 2;
	}
	if (!mkdtemp(dir)) {
		perror("np-duty: mkdtemp");
		return 1;
	}
	write_conf("none.conf", "np-duty-none-such");
	write_conf("srv.conf", "np-duty-srv");
	server = start_server(&cmd, &res);
	phase(argv[1], "none.conf", 0, rounds, -1, -1, &untraced);
	phase(argv[1], "srv.conf", 1, rounds, cmd, res, &managed);
	close(cmd);
	waitpid(server, NULL, 0);
	for (const char *const *f =
		     (const char *const[]){ "none.conf", "srv.conf", "metrics.prom", NULL };
	     *f; f++) {
		char path[64];

		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		unlink(path);
	}
	rmdir(dir);
	printf("numaplace run between sampling windows: medians of %d rounds, daemon stopped and "
	       "running alternated\n",
	       rounds);
	printf("  %-26s %-9s %9s %9s %9s %9s %s\n", "loop", "unit", "stopped", "running", "slower",
	       "paired", "(middle half)");
	print_row("untraced page faults", "ns/fault", untraced.fault[0], untraced.fault[1], rounds);
	print_row("untraced context switches", "ns/switch", untraced.sw[0], untraced.sw[1], rounds);
	print_row("managed page faults", "ns/fault", managed.fault[0], managed.fault[1], rounds);
	print_row("managed context switches", "ns/switch", managed.sw[0], managed.sw[1], rounds);
	return 0;
}
