/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One numaplace at a time changes the system, whatever journal each uses: an exclusive flock
 * on one host-wide file, held by place, restore and run until the fd is closed (or the
 * process dies). Two journals written side by side would each restore masks the other set.
 */
#ifndef NP_HOST_LOCK_H
#define NP_HOST_LOCK_H

#include <stddef.h>
#include <sys/types.h>

#define NP_HOST_LOCK "/run/numaplace/lock"

/*
 * Take the lock (its directory created 0700, the file opened as safe_open.h says). The fd, or
 * -EBUSY when another numaplace holds it, msg then naming the holder ("pid 1234 (numaplace run
 * ...)", "" when it cannot be told), or another -errno with msg saying why.
 */
int np_host_lock(char *msg, size_t msglen);

/* The pid holding the lock now (from /proc/locks), 0 when none or when it cannot be told. */
pid_t np_host_lock_holder(void);

#endif
