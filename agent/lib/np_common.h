/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space-only definitions shared by every part of the agent: limits, exit codes, messages.
 * (BPF-only code lives in bpf/, types shared by both halves in include/NAME_shared.h.)
 */
#ifndef NP_COMMON_H
#define NP_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes: every command uses the same three. */
#define NP_EXIT_OK	0
#define NP_EXIT_RUNTIME 1 /* the system failed us: unreadable file, kernel refused */
#define NP_EXIT_USAGE	2 /* the operator asked for something wrong: flag, pid, node, list */

/* Hosts with more nodes than this are refused with a clear message, never truncated. */
#define NP_MAX_NODES 64

/* No node: not decided, not known, not running. */
#define NP_NO_NODE (-1)

#define NP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "numaplace: <message>" on stderr ("<3><message>" under journald): np_log(NP_LOG_ERR, ...). */
void np_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
