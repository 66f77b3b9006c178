// SPDX-License-Identifier: GPL-2.0
/*
 * The shape of an Ollama server, for the test bed (not Ollama): a small server process that
 * starts a runner child when a request comes and no runner is loaded, and stops it once no
 * request came for the idle time (Ollama's keep-alive); the next request starts a new one. The
 * runner maps the model and opens the GPU, as llama.cpp's server does. Runners come in the
 * shapes Ollama has had, one per generation in the order --runner-names gives:
 *   runner               the same binary again, "np-ollama runner --model M --port P" (as
 *                        `ollama runner`: the comm stays the server's, only the command line
 *                        differs; Ollama's newest releases exec llama.cpp's llama-server,
 *                        which is np-llama's shape)
 *   any other NAME       a runner that names itself NAME (setproctitle-style: comm and command
 *                        line), as Ollama's "ollama_llama_server" (comm "ollama_llama_se")
 *
 *   np-ollama serve --dir DIR --model PATH --devices PATHS [--idle-ms MS]
 *                   [--runner-names NAME[,NAME..]] [--threads T] [--seconds S]
 *   np-ollama runner --model PATH --devices PATHS --port N [--name NAME] [--threads T]
 *                    [--ready FILE] [--seconds S]
 *
 * The scenario drives it through DIR: each file whose name starts with "request" is a request
 * (removed once seen). DIR/runners gets a line "<generation> <pid> <shape>" per runner started
 * and "exit <pid>" when one is stopped; a runner creates DIR/ready.<pid> once it has loaded.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"

static struct {
	const char *dir, *model, *devices, *names, *name, *ready;
	int threads, port;
	double idle_s, seconds;
} opt = { .names = "runner", .threads = 2, .idle_s = 5, .seconds = 600 };

static void usage(void)
{
	fprintf(stderr,
		"usage: np-ollama serve --dir DIR --model PATH --devices PATHS [--idle-ms MS] "
		"[--runner-names NAMES] [--threads T] [--seconds S]\n"
		"       np-ollama runner --model PATH --devices PATHS --port N [--name NAME] "
		"[--threads T] [--ready FILE] [--seconds S]\n");
	exit(2);
}

/* (strings copied: the title is written over argv) */
static void parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", 1, 0, 'D' },	  { "model", 1, 0, 'm' },	 { "devices", 1, 0, 'd' },
		{ "idle-ms", 1, 0, 'i' }, { "runner-names", 1, 0, 'N' }, { "name", 1, 0, 'n' },
		{ "threads", 1, 0, 't' }, { "port", 1, 0, 'p' },	 { "ready", 1, 0, 'r' },
		{ "seconds", 1, 0, 's' }, { 0, 0, 0, 0 },
	};
	int c;

	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': opt.dir = strdup(optarg); break;
		case 'm': opt.model = strdup(optarg); break;
		case 'd': opt.devices = strdup(optarg); break;
		case 'i': opt.idle_s = atof(optarg) / 1000; break;
		case 'N': opt.names = strdup(optarg); break;
		case 'n': opt.name = strdup(optarg); break;
		case 't': opt.threads = atoi(optarg); break;
		case 'p': opt.port = atoi(optarg); break;
		case 'r': opt.ready = strdup(optarg); break;
		case 's': opt.seconds = atof(optarg); break;
		default: usage();
		}
	}
	if (!opt.model || !opt.devices || opt.threads < 1)
		usage();
}

/* The runner: load (map the model, open the GPU), then serve until stopped. */
static int runner(int argc, char **argv)
{
	size_t size;
	void *model;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (opt.name)
		eng_set_title(argc, argv, opt.name);
	if (eng_open_devices(opt.devices) <= 0)
		return 1;
	model = eng_map_model(opt.model, &size);
	if (!model || eng_start_readers(opt.threads, model, size, eng_now() + opt.seconds))
		return 1;
	if (opt.ready)
		eng_touch(opt.ready);
	sleep((unsigned)opt.seconds + 1);
	return 0;
}

static void note(const char *fmt, int a, int b, const char *c)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/runners", opt.dir);
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, fmt, a, b, c);
	fclose(f);
}

/* The shape of generation GEN: the GEN-th name of --runner-names, round and round. */
static void shape_of(int gen, char *name, size_t len)
{
	char *copy = strdup(opt.names), *save = NULL, *s = strtok_r(copy, ",", &save);
	char *first = s;

	for (int i = 0; i < gen && s; i++)
		s = strtok_r(NULL, ",", &save);
	snprintf(name, len, "%s", s ? s : first);
	free(copy);
}

/* As Ollama does: the server's own executable again, "runner" and the model's flags. */
static pid_t start_runner(int gen)
{
	char exe[PATH_MAX], ready[PATH_MAX], threads[16], port[16], secs[32], shape[64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	pid_t pid;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	shape_of(gen, shape, sizeof(shape));
	snprintf(threads, sizeof(threads), "%d", opt.threads);
	snprintf(port, sizeof(port), "%d", 40000 + gen);
	snprintf(secs, sizeof(secs), "%.0f", opt.seconds);
	pid = fork();
	if (pid)
		return pid;
	snprintf(ready, sizeof(ready), "%s/ready.%d", opt.dir, getpid());
	if (!strcmp(shape, "runner"))
		execl(exe, exe, "runner", "--model", opt.model, "--port", port, "--devices",
		      opt.devices, "--threads", threads, "--ready", ready, "--seconds", secs, NULL);
	else
		execl(exe, exe, "runner", "--model", opt.model, "--port", port, "--devices",
		      opt.devices, "--threads", threads, "--ready", ready, "--seconds", secs,
		      "--name", shape, NULL);
	perror("np-ollama: exec");
	_exit(127);
}

/* Requests seen (their files removed). */
static int take_requests(void)
{
	DIR *d = opendir(opt.dir);
	struct dirent *e;
	char path[PATH_MAX];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "request", 7)) {
			snprintf(path, sizeof(path), "%s/%s", opt.dir, e->d_name);
			unlink(path);
			n++;
		}
	closedir(d);
	return n;
}

static int serve(void)
{
	double deadline = eng_now() + opt.seconds, last = 0;
	pid_t child = 0;
	int gen = 0;

	if (!opt.dir)
		usage();
	while (eng_now() < deadline) {
		if (child > 0 && waitpid(child, NULL, WNOHANG) == child)
			child = 0; /* it died on its own */
		if (take_requests()) {
			last = eng_now();
			if (child <= 0) {
				char shape[64];

				shape_of(gen, shape, sizeof(shape));
				child = start_runner(gen);
				note("%d %d %s\n", gen++, child, shape);
			}
		}
		if (child > 0 && eng_now() - last > opt.idle_s) {
			kill(child, SIGTERM); /* keep-alive over: unload */
			waitpid(child, NULL, 0);
			note("exit %d\n", child, 0, "");
			child = 0;
		}
		usleep(100000);
	}
	if (child > 0)
		kill(child, SIGTERM);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	parse(argc, argv);
	if (!strcmp(argv[1], "serve"))
		return serve();
	if (!strcmp(argv[1], "runner"))
		return runner(argc, argv);
	usage();
}
