// SPDX-License-Identifier: GPL-2.0
/* --device names operators copy, against the fixture trees (topo/device_name.c). */
#include <errno.h>
#include <limits.h>

#include "test.h"
#include "topo/accel.h"
#include "topo/device_name.h"

static struct np_topo topo;
static char root[PATH_MAX];

static void load(const char *name)
{
	char msg[256];

	np_topo_free(&topo);
	snprintf(root, sizeof(root), "%s/%s", np_test_fixtures(), name);
	if (np_topo_discover(root, &topo, msg, sizeof(msg)))
		np_test_fail(__FILE__, __LINE__, "%s: %s", name, msg);
}

/* The PCI address the name resolves to, or "-ERRNO: message". */
static const char *resolve(const char *name)
{
	static char out[512];
	char msg[256] = "";
	int i = np_topo_device_resolve(root, &topo, name, msg, sizeof(msg));

	if (i >= 0)
		snprintf(out, sizeof(out), "%s", topo.devices[i].pci);
	else
		snprintf(out, sizeof(out), "%d: %s", i, msg);
	CHECK_INT(np_topo_device_find(root, &topo, name), i < 0 ? -1 : i);
	return out;
}

TEST(device_name_forms)
{
	load("epyc-2s-8gpu");
	CHECK_STR(resolve("0000:41:00.0"), "0000:41:00.0");
	CHECK_STR(resolve("00000000:41:00.0"), "0000:41:00.0"); /* nvidia-smi */
	CHECK_STR(resolve("41:00.0"), "0000:41:00.0");		/* lspci */
	CHECK_STR(resolve("0000:C1:00.0"), "0000:c1:00.0");
	CHECK_STR(resolve("c1:00.0"), "0000:c1:00.0");
	CHECK_STR(resolve("0000:0c:00.0"), "0000:0c:00.0"); /* any kind: the NIC */
	/* nvidia-smi -L, the driver's /proc file ties it to 0000:41:00.0 (minor 2) */
	CHECK_STR(resolve("GPU-2c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b"), "0000:41:00.0");
	CHECK_STR(resolve("GPU-2C2E1F3A-5B6D-7E8F-9A0B-1C2D3E4F5A6B"), "0000:41:00.0");
	CHECK_STR(resolve("GPU-7c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b"), "0000:e1:00.0");
	CHECK_INT(np_topo_device_index(&topo, "41:00.0"), -1); /* the exact lookup stays exact */
}

TEST(device_name_refused)
{
	load("epyc-2s-8gpu");
	CHECK_STR(resolve("0000:ff:00.0"), "-2: no such PCI device");
	CHECK_STR(resolve("ff:00.0"), "-2: no such PCI device");
	CHECK_STR(resolve("GPU-00000000-0000-0000-0000-000000000000"),
		  "-2: no NVIDIA GPU with UUID GPU-00000000-0000-0000-0000-000000000000");
	CHECK_STR(resolve("GPU-0000"),
		  "-22: expected a PCI address (0000:41:00.0, 00000000:41:00.0 "
		  "or 41:00.0) or a GPU UUID (GPU-...)");
	CHECK_STR(resolve("gpu0"), "-22: expected a PCI address (0000:41:00.0, 00000000:41:00.0 or "
				   "41:00.0) or a GPU UUID (GPU-...)");
	CHECK_STR(resolve(""), "-22: expected a PCI address (0000:41:00.0, 00000000:41:00.0 or "
			       "41:00.0) or a GPU UUID (GPU-...)");
	load("laptop");
	CHECK_STR(resolve("GPU-2c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b"),
		  "-2: no NVIDIA GPU with UUID GPU-2c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b (no NVIDIA "
		  "driver: /proc/driver/nvidia/gpus is empty)");
	CHECK_STR(resolve("00:02.0"), "0000:00:02.0");
}

/* The short form two domains have is refused, naming both; one domain's is taken. */
TEST(device_name_two_domains)
{
	load("two-domains");
	CHECK_STR(resolve("41:00.0"),
		  "-17: 41:00.0 is both 0000:41:00.0 and 0001:41:00.0: give the one you mean in "
		  "full");
	CHECK_STR(resolve("0001:41:00.0"), "0001:41:00.0");
	CHECK_STR(resolve("00000001:41:00.0"), "0001:41:00.0");
	CHECK_STR(resolve("81:00.0"), "0001:81:00.0");
	CHECK_STR(resolve("GPU-2c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b"), "0001:81:00.0");
	np_topo_free(&topo);
}

TEST(device_name_normalize)
{
	char out[NP_DEVICE_NAME_MAX];
	bool is_short;

	CHECK_INT(np_device_name_normalize("00000000:C1:00.0", out, sizeof(out), &is_short), 0);
	CHECK_STR(out, "0000:c1:00.0");
	CHECK(!is_short);
	CHECK_INT(np_device_name_normalize("10000:E1:1F.7", out, sizeof(out), &is_short), 0);
	CHECK_STR(out, "10000:e1:1f.7");
	CHECK_INT(np_device_name_normalize("C1:00.0", out, sizeof(out), &is_short), 0);
	CHECK_STR(out, "c1:00.0");
	CHECK(is_short);
	CHECK_INT(np_device_name_normalize("GPU-8c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b", out,
					   sizeof(out), &is_short),
		  0);
	CHECK_STR(out, "GPU-8c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b");
	CHECK_INT(np_device_name_normalize("GPU-", out, sizeof(out), &is_short), -EINVAL);
	CHECK_INT(np_device_name_normalize("GPU-xyz", out, sizeof(out), &is_short), -EINVAL);
	CHECK_INT(np_device_name_normalize("GPU--", out, sizeof(out), &is_short), -EINVAL);
	CHECK_INT(np_device_name_normalize("GPU-8c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6", out,
					   sizeof(out), &is_short),
		  -EINVAL);
	CHECK_INT(np_device_name_normalize("GPU-8c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b-", out,
					   sizeof(out), &is_short),
		  -EINVAL);
	CHECK_INT(np_device_name_normalize("0000:41:00.8", out, sizeof(out), &is_short), -EINVAL);
	CHECK_INT(np_device_name_normalize("0000:41:00.0", out, 12, &is_short), -ENAMETOOLONG);
}
