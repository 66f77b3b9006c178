/* SPDX-License-Identifier: GPL-2.0 */
/* Loading `numaplace run`'s status file, for status and top (status_load.c). */
#ifndef NP_CLI_STATUS_LOAD_H
#define NP_CLI_STATUS_LOAD_H

#include <stddef.h>

#include "output/status.h"

/*
 * The status file (NP_STATUS_FILE) into *st: opened as safe_open.h says, at most
 * NP_STATUS_MAX_SIZE bytes, parsed by np_status_parse. 0; -ENOENT when there is no file;
 * -EINVAL when it is not a status document; another -errno when it cannot be read. msg says
 * why. *st needs np_status_free afterwards, whatever the result.
 */
int np_cli_status_load(struct np_status *st, char *msg, size_t msglen);

#endif
