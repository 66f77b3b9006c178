// SPDX-License-Identifier: GPL-2.0
/*
 * The value parsers behind every config key and its command-line flag (--interval,
 * --balancing, --only, --device, ...): the first byte picks the key, the rest is the value.
 * A value that is taken sets the field within the bounds the key documents; one that is not
 * comes with a reason. (The regex keys compile with the C library; their bounds are item 10
 * of issue #11, and fuzz_config reaches them.)
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include "config/config_keys.h"
#include "model/model.h"
#include "policy/plan.h"
#include "topo/nvidia_info.h"

static void check_global(const struct np_config *cfg, enum np_global_key key)
{
	const struct np_balancing *b = &cfg->balancing;

	switch (key) {
	case NP_G_INTERVAL:
		FUZZ_CHECK(cfg->interval_s >= 0.1 && cfg->interval_s <= 3600, "%g",
			   cfg->interval_s);
		break;
	case NP_G_BALANCING:
		FUZZ_CHECK(b->choice <= NP_BALANCING_TUNE, "choice %d", b->choice);
		for (int k = 0; k < NP_KNOB_COUNT; k++)
			FUZZ_CHECK(!b->set[k] || (b->value[k] >= 1 && b->value[k] <= 100000000),
				   "knob %d = %ld", k, b->value[k]);
		break;
	case NP_G_LOG_LEVEL:
		FUZZ_CHECK(cfg->log_level >= NP_LOG_ERR && cfg->log_level <= NP_LOG_DEBUG, "%d",
			   cfg->log_level);
		break;
	default:
		break;
	}
	FUZZ_CHECK(memchr(cfg->journal, '\0', sizeof(cfg->journal)), "journal");
	FUZZ_CHECK(memchr(cfg->metrics_file, '\0', sizeof(cfg->metrics_file)), "metrics_file");
}

static void check_match(const struct np_match *m, enum np_match_key key)
{
	switch (key) {
	case NP_M_NODE:
		FUZZ_CHECK(m->node >= 0 && m->node < NP_MAX_NODES, "node %d", m->node);
		break;
	case NP_M_DEVICE:
		/* DOMAIN:BB:DD.F, a domain of 4 to 8 digits, lowercase; or a GPU UUID */
		FUZZ_CHECK((strlen(m->device) >= 12 && strlen(m->device) <= 16 &&
			    strspn(m->device, "0123456789abcdef:.") == strlen(m->device)) ||
				   np_gpu_uuid_valid(m->device),
			   "device '%s'", m->device);
		break;
	case NP_M_ONLY:
		FUZZ_CHECK(m->only && !(m->only & ~0xfu), "only 0x%x", m->only);
		break;
	case NP_M_SUSTAIN:
		FUZZ_CHECK(m->sustain >= 1 && m->sustain <= 1000, "sustain %d", m->sustain);
		break;
	case NP_M_REMOTE_THRESHOLD:
		FUZZ_CHECK(m->remote_threshold >= 0 && m->remote_threshold <= 1, "%g",
			   m->remote_threshold);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int set_at[NP_M_COUNT];
	struct np_config cfg;
	struct np_match *m;
	char msg[1024] = "", *value;
	int key, err;

	if (size < 1)
		return 0;
	key = data[0] % (NP_G_COUNT + NP_M_COUNT);
	value = fuzz_cstr(data + 1, size - 1);
	np_config_defaults(&cfg);
	if (key < NP_G_COUNT) {
		err = np_config_set_global_key(&cfg, key, value, true, msg, sizeof(msg));
		if (!err)
			check_global(&cfg, key);
	} else {
		key -= NP_G_COUNT;
		if (key == NP_M_PROCESS || key == NP_M_COMM || key == NP_M_CMDLINE)
			goto out;
		m = np_config_add_match(&cfg, "fuzz", 1);
		FUZZ_CHECK(m, "no match");
		err = np_config_set_match_key(m, key, value, set_at, msg, sizeof(msg));
		if (!err)
			check_match(m, key);
	}
	FUZZ_CHECK(err == 0 || err == -EINVAL, "key %d: %d", key, err);
	FUZZ_CHECK(!err || msg[0], "key %d refused without a reason", key);
out:
	np_config_free(&cfg);
	free(value);
	return 0;
}
