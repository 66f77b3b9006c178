// SPDX-License-Identifier: GPL-2.0
/* Hot regions from sampled fault addresses: the order place moves them in. */
#include <stdlib.h>

#include "act/place.h"
#include "test.h"

#define MB2 (2UL << 20)

TEST(hot_regions_most_sampled_first)
{
	struct np_fault_sample samples[] = {
		{ .tgid = 7, .address = 5 * MB2 + 100 }, { .tgid = 7, .address = 9 * MB2 },
		{ .tgid = 7, .address = 5 * MB2 + 4096 }, { .tgid = 8, .address = 1 * MB2 },
		{ .tgid = 8, .address = 1 * MB2 + 1 },	  { .tgid = 7, .address = 3 * MB2 + 5 },
		{ .tgid = 7, .address = 9 * MB2 + 77 },	  { .tgid = 7, .address = 5 * MB2 + MB2 - 1 },
	};
	struct np_sample_data data = { .nsamples = 8, .samples = samples };
	unsigned long *hot;
	int n = np_place_hot_addresses(&data, 7, &hot);

	/* pid 7: region 5 three samples, 9 two, 3 one; pid 8's region is not its */
	CHECK_INT(n, 3);
	CHECK_INT(hot[0] == 5 * MB2, 1);
	CHECK_INT(hot[1] == 9 * MB2, 1);
	CHECK_INT(hot[2] == 3 * MB2, 1);
	free(hot);
}

TEST(hot_regions_ties_by_address_and_many_samples)
{
	enum { NSAMPLES = 200000 };
	struct np_fault_sample *samples = calloc(NSAMPLES, sizeof(*samples));
	struct np_sample_data data = { .nsamples = NSAMPLES, .samples = samples };
	unsigned long *hot;
	int n;

	/* 100000 regions sampled twice each, in descending address order: ties go by address */
	for (int i = 0; i < NSAMPLES; i++) {
		samples[i].tgid = 7;
		samples[i].address = (unsigned long)(NSAMPLES / 2 - i % (NSAMPLES / 2)) * MB2;
	}
	n = np_place_hot_addresses(&data, 7, &hot);
	CHECK_INT(n, NSAMPLES / 2);
	CHECK_INT(hot[0] == 1 * MB2, 1);
	CHECK_INT(hot[n - 1] == (unsigned long)(NSAMPLES / 2) * MB2, 1);
	free(hot);
	free(samples);

	data.nsamples = 0;
	CHECK_INT(np_place_hot_addresses(&data, 7, &hot), 0);
	free(hot);
}
