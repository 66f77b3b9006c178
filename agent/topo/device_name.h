/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device as operators name it, copied from where they look: sysfs and lspci -D
 * ("0000:41:00.0"), nvidia-smi ("00000000:41:00.0", "GPU-8c2e..."), lspci ("41:00.0"), in any
 * case. np_topo_device_index stays the exact lookup of an address the agent read itself.
 */
#ifndef NP_DEVICE_NAME_H
#define NP_DEVICE_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "topo/topo.h"

/* Room for any accepted name: a GPU UUID is 40 characters. */
#define NP_DEVICE_NAME_MAX 80

/*
 * Index into topo->devices of the device `name` names: "0000:41:00.0", nvidia-smi's
 * "00000000:41:00.0", the short "41:00.0" (domain 0000, or the one domain that has it),
 * any case; an NVIDIA GPU UUID "GPU-..." (through np_nvidia_gpus). -1 when none.
 */
int np_topo_device_find(const char *root, const struct np_topo *topo, const char *name);

/*
 * The same with the reason in msg when there is no one device: -ENOENT (no such device, or
 * no GPU with that UUID), -EINVAL (not a form above), -EEXIST (a short form two domains have:
 * msg names both).
 */
int np_topo_device_resolve(const char *root, const struct np_topo *topo, const char *name,
			   char *msg, size_t msglen);

/*
 * Pure, for names read before the topology is (a config file): the name in the form it is
 * looked up by: a full address as sysfs writes it ("00000000:41:00.0" -> "0000:41:00.0"), a
 * short one in lower case, a UUID as given. -EINVAL when it is none of the forms above,
 * -ENAMETOOLONG when out is too small. *is_short: the short form, which only a host's
 * devices resolve.
 */
int np_device_name_normalize(const char *name, char *out, size_t len, bool *is_short);

#endif
