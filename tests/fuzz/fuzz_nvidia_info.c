// SPDX-License-Identifier: GPL-2.0
/*
 * The NVIDIA driver's /proc/driver/nvidia/gpus/<BDF>/information parser and the PCI address
 * parser (topo/nvidia_info.c, topo/pci_addr.c): whatever the text, a GPU comes back with a
 * well-formed PCI address, a UUID that is empty or well-formed, printable fields.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include "topo/nvidia_info.h"
#include "topo/pci_addr.h"

static void check_printable(const char *s, size_t size, const char *what)
{
	FUZZ_CHECK(memchr(s, '\0', size), "%s unterminated", what);
	for (; *s; s++)
		FUZZ_CHECK((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f, "%s: byte %#x",
			   what, (unsigned char)*s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct np_nvidia_gpu gpu;
	struct np_pci_addr addr;
	char again[32];

	if (np_nvidia_info_parse(text, "0000:01:00.0", &gpu) == 0) {
		check_printable(gpu.pci, sizeof(gpu.pci), "pci");
		check_printable(gpu.uuid, sizeof(gpu.uuid), "uuid");
		check_printable(gpu.model, sizeof(gpu.model), "model");
		FUZZ_CHECK(np_pci_addr_parse(gpu.pci, &addr) == 0, "pci \"%s\"", gpu.pci);
		FUZZ_CHECK(!gpu.uuid[0] || np_gpu_uuid_valid(gpu.uuid), "uuid \"%s\"", gpu.uuid);
		FUZZ_CHECK(gpu.minor >= -1, "minor %ld", gpu.minor);
	}
	/* the input as an address: what parses formats back to something that parses the same */
	if (np_pci_addr_parse(text, &addr) == 0) {
		struct np_pci_addr back;

		np_pci_addr_format(&addr, again, sizeof(again));
		FUZZ_CHECK(np_pci_addr_parse(again, &back) == 0 && !np_pci_addr_cmp(&addr, &back),
			   "\"%s\" -> \"%s\"", text, again);
	}
	free(text);
	return 0;
}
