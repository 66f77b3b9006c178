/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irqbalance's control socket (the one irqbalance-ui talks to, irqbalance >= 1.2). irqbalance
 * binds /run/irqbalance/irqbalance<PID>.sock, or, when that directory is missing, the abstract
 * address whose name is all zero bytes. One command per connection, sent with SCM_CREDENTIALS
 * (irqbalance accepts uid 0 only):
 *
 *   "setup"                    reply "SLEEP 10 IRQ 43 LOAD 0 DIFF 0 CLASS 4 ... BANNED <cpumask>":
 *                              the IRQs banned by --banirq and through this socket
 *   "settings ban irqs 43 44"  REPLACES that list (the --banirq ones too), no reply;
 *                              "settings ban irqs NONE" empties it ("NULL" is the word of
 *                              "settings cpus", not of this command)
 *
 * irqbalance reads one message of at most 500 bytes, so a ban list that does not fit is
 * refused here rather than cut short there. Every ban-list change makes irqbalance 1.9.2
 * rescan at its next round and then sleep a whole interval without answering the socket, so
 * changes are best made in as few requests as possible.
 */
#ifndef NP_IRQBALANCE_H
#define NP_IRQBALANCE_H

#include <stddef.h>
#include <sys/types.h>

#define NP_IRQBALANCE_SOCKET_DIR "/run/irqbalance"
#define NP_IRQBALANCE_MSG_MAX	 500
#define NP_IRQBALANCE_MAX_BANS	 256

/* pid of the running irqbalance below root ("/" for the live system), 0 when none runs. */
pid_t np_irqbalance_pid(const char *root);

/*
 * IRQs listed in a "setup" reply, ascending. Returns the count, -EINVAL when the reply does
 * not have irqbalance's shape, -ENOSPC when more than max.
 */
int np_irqbalance_parse_setup(const char *reply, int *irqs, int max);

/* The "settings ban irqs ..." command for irqs (NONE for none); -ENOSPC beyond 500 bytes. */
int np_irqbalance_ban_command(const int *irqs, int n, char *buf, size_t len);

/*
 * Send one command and read what the daemon sends until it closes the connection, which it
 * does only after handling the command: a return means the command took effect. reply gets
 * "" for commands without an answer. -EFBIG when the answer does not fit in len.
 */
int np_irqbalance_request(pid_t pid, const char *cmd, char *reply, size_t len);

/*
 * Ask the irqbalance with this pid for its ban list. -ECONNREFUSED/-ENOENT: no socket
 * answers; -EACCES: it closed without a reply (irqbalance refuses callers that are not root).
 */
int np_irqbalance_banned(pid_t pid, int *irqs, int max);

/* Replace its ban list with irqs (see above: the whole list, not an addition). */
int np_irqbalance_set_banned(pid_t pid, const int *irqs, int n);

#endif
