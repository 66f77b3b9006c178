// SPDX-License-Identifier: GPL-2.0
/* The NVIDIA driver's /proc GPU list and PCI address text, on the fixture trees. */
#include <errno.h>
#include <limits.h>

#include "test.h"
#include "topo/nvidia_info.h"
#include "topo/pci_addr.h"

static int gpus_of(const char *name, struct np_nvidia_gpu *gpus, int max, int *count)
{
	char root[PATH_MAX];

	snprintf(root, sizeof(root), "%s/%s", np_test_fixtures(), name);
	return np_nvidia_gpus(root, gpus, max, count);
}

TEST(nvidia_gpus_epyc)
{
	struct np_nvidia_gpu gpus[NP_MAX_NVIDIA_GPUS];
	int n = -1;

	CHECK_INT(gpus_of("epyc-2s-8gpu", gpus, NP_MAX_NVIDIA_GPUS, &n), 0);
	CHECK_INT(n, 8);
	CHECK_STR(gpus[0].pci, "0000:01:00.0");
	CHECK_STR(gpus[2].pci, "0000:41:00.0");
	CHECK_STR(gpus[2].uuid, "GPU-2c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b");
	CHECK_STR(gpus[2].model, "NVIDIA H100 80GB HBM3");
	CHECK_INT(gpus[2].minor, 2);
	CHECK_STR(gpus[7].pci, "0000:e1:00.0");
	CHECK_INT(gpus[7].minor, 7);
	/* fewer slots than GPUs: the first ones in PCI order, and a word that some are missing */
	CHECK_INT(gpus_of("epyc-2s-8gpu", gpus, 3, &n), -ENOSPC);
	CHECK_INT(n, 3);
	CHECK_STR(gpus[2].pci, "0000:41:00.0");
}

TEST(nvidia_gpus_absent_driver)
{
	struct np_nvidia_gpu gpus[4];
	int n = -1;

	CHECK_INT(gpus_of("laptop", gpus, 4, &n), 0);
	CHECK_INT(n, 0);
}

/* Sorted by address, domains numerically; odd files still give their PCI address. */
TEST(nvidia_gpus_two_domains)
{
	struct np_nvidia_gpu gpus[8];
	int n = -1;

	CHECK_INT(gpus_of("two-domains", gpus, 8, &n), 0);
	CHECK_INT(n, 3);
	CHECK_STR(gpus[0].pci, "0000:41:00.0");
	CHECK_STR(gpus[1].pci, "0001:41:00.0"); /* from the directory name: no Bus Location */
	CHECK_STR(gpus[1].uuid, "");		/* garbage is no UUID */
	CHECK_INT(gpus[1].minor, 1);
	CHECK_STR(gpus[2].pci, "0001:81:00.0");
	CHECK_STR(gpus[2].uuid, "GPU-2c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b");
}

TEST(nvidia_info_parse_bounds)
{
	struct np_nvidia_gpu gpu;
	char text[512];

	/* no address anywhere: not a GPU we can use */
	CHECK_INT(np_nvidia_info_parse("Model: x\n", "garbage", &gpu), -EINVAL);
	CHECK_INT(np_nvidia_info_parse("Model: x\n", NULL, &gpu), -EINVAL);
	/* upper-case, nvidia-smi's 8-digit domain, CRLF, no final newline */
	CHECK_INT(np_nvidia_info_parse("Bus Location:\t00000000:C1:00.0\r\nDevice Minor: 12", NULL,
				       &gpu),
		  0);
	CHECK_STR(gpu.pci, "0000:c1:00.0");
	CHECK_INT(gpu.minor, 12);
	CHECK_STR(gpu.model, "");
	/* minors that are not numbers, or too large */
	CHECK_INT(np_nvidia_info_parse("Device Minor: -1\n", "0000:01:00.0", &gpu), 0);
	CHECK_INT(gpu.minor, -1);
	CHECK_INT(np_nvidia_info_parse("Device Minor: 99999999999\n", "0000:01:00.0", &gpu), 0);
	CHECK_INT(gpu.minor, -1);
	/* a UUID too long for its field is dropped, a long model is cut; control bytes masked */
	snprintf(text, sizeof(text), "GPU UUID: GPU-%0100d\nModel: %0200d\x01\n", 0, 0);
	CHECK_INT(np_nvidia_info_parse(text, "0000:01:00.0", &gpu), 0);
	CHECK_STR(gpu.uuid, "");
	CHECK_INT(strlen(gpu.model), sizeof(gpu.model) - 1);
	CHECK_INT(np_nvidia_info_parse("Model: a\x1b[2Jb\n", "0000:01:00.0", &gpu), 0);
	CHECK_STR(gpu.model, "a?[2Jb");
	/* a key only as a prefix of another is not that key */
	CHECK_INT(np_nvidia_info_parse("Models: y\nModel:\n", "0000:01:00.0", &gpu), 0);
	CHECK_STR(gpu.model, "");
}

TEST(pci_addr_forms)
{
	struct np_pci_addr a, b;
	char buf[32];

	CHECK_INT(np_pci_addr_parse("0000:41:00.0", &a), 0);
	CHECK(a.has_domain && a.domain == 0 && a.bus == 0x41 && a.dev == 0 && a.fn == 0);
	CHECK_INT(np_pci_addr_parse("00000000:41:00.0", &b), 0);
	CHECK_INT(np_pci_addr_cmp(&a, &b), 0);
	CHECK_INT(np_pci_addr_parse("41:00.0", &b), 0);
	CHECK(!b.has_domain && b.bus == 0x41);
	CHECK_INT(np_pci_addr_parse("10000:E1:1F.7", &a), 0);
	np_pci_addr_format(&a, buf, sizeof(buf));
	CHECK_STR(buf, "10000:e1:1f.7");
	CHECK(np_pci_addr_cmp(&b, &a) < 0);
	const char *bad[] = { "",
			      "41:00",
			      "41:0.0",
			      "4:00.0",
			      "0000:41:00.8",
			      "0000:41:20.0",
			      "000000000:41:00.0",
			      "0000:41:00.0 ",
			      "x0000:41:00.0",
			      "0000:41:00.0x",
			      ":41:00.0",
			      "0000::41:00.0" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (np_pci_addr_parse(bad[i], &a) != -EINVAL)
			np_test_fail(__FILE__, __LINE__, "\"%s\" parsed", bad[i]);
}
