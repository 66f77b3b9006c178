// SPDX-License-Identifier: GPL-2.0
/* The process's signal handling (signals.h). */
#include <errno.h>
#include <string.h>
#include <sys/signalfd.h>

#include "cli/signals.h"

static volatile sig_atomic_t stop_signal;
static struct sigaction saved_int, saved_term;

static void on_stop(int sig)
{
	stop_signal = sig;
}

const volatile sig_atomic_t *np_cli_catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	stop_signal = 0;
	sigaction(SIGINT, &sa, &saved_int);
	sigaction(SIGTERM, &sa, &saved_term);
	return &stop_signal;
}

int np_cli_release_stop(void)
{
	/* a signal after this acts as it would have before: the flag below is final */
	sigaction(SIGINT, &saved_int, NULL);
	sigaction(SIGTERM, &saved_term, NULL);
	return stop_signal;
}

int np_cli_signalfd(void)
{
	sigset_t signals;
	int fd;

	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGHUP);
	sigprocmask(SIG_BLOCK, &signals, NULL);
	fd = signalfd(-1, &signals, SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
