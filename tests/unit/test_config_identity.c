// SPDX-License-Identifier: GPL-2.0
/*
 * The container and unit rules of a [match] section: what they match (identities read from
 * the cgroup paths the runtimes really create), what they refuse, and their printing.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "config/config.h"
#include "lib/cgroup_id.h"
#include "test.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static int load_text(const char *text, struct np_config *cfg, char *msg, size_t msglen)
{
	char path[] = "/tmp/np-config-id-XXXXXX";
	int fd = mkstemp(path), err;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f) {
		np_test_fail(__FILE__, __LINE__, "mkstemp: %s", strerror(errno));
		return -EIO;
	}
	fputs(text, f);
	fclose(f);
	msg[0] = '\0';
	err = np_config_load(path, cfg, msg, msglen);
	unlink(path);
	return err;
}

static bool meets(const struct np_match *m, const char *cgroup)
{
	struct np_cgroup_id id;

	np_cgroup_identify(cgroup, &id);
	return np_match_process_id(m, "srv", "srv", cgroup, &id, false);
}

TEST(config_container_rule)
{
	struct np_config cfg;
	char msg[512];
	const struct np_match *full, *short_id, *any;

	CHECK_INT(load_text("[match full]\ncontainer = ^" ID "$\n"
			    "[match short]\ncontainer = ^0123456789ab$\n"
			    "[match any]\ncontainer = .\n",
			    &cfg, msg, sizeof(msg)),
		  0);
	CHECK_STR(msg, "");
	full = &cfg.matches[0];
	short_id = &cfg.matches[1];
	any = &cfg.matches[2];
	/* docker's systemd driver, podman, a Kubernetes pod (systemd driver) */
	CHECK(meets(full, "/system.slice/docker-" ID ".scope"));
	CHECK(meets(short_id, "/system.slice/docker-" ID ".scope"));
	CHECK(meets(short_id, "/machine.slice/libpod-" ID ".scope/container"));
	CHECK(meets(short_id,
		    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
		    "1b2c3d4e_0000_1111_2222_333344445555.slice/cri-containerd-" ID ".scope"));
	/* the pod UID is not a container id: a pod is matched by its containers */
	CHECK(!meets(any,
		     "/kubepods.slice/kubepods-pod1b2c3d4e_0000_1111_2222_333344445555.slice"));
	/* conmon beside the container is not the server */
	CHECK(!meets(any, "/machine.slice/libpod-conmon-" ID ".scope"));
	CHECK(!meets(any, "/system.slice/llama.service"));
	CHECK(!meets(any, "/system.slice/docker-0123.scope"));
	CHECK(!np_match_process_id(any, "srv", "srv", NULL, NULL, false));
	/* the plain form (no identity) never meets a container rule */
	CHECK(!np_match_process(any, "srv", "srv", "/system.slice/docker-" ID ".scope", false));
	np_config_free(&cfg);
}

TEST(config_unit_rule)
{
	struct np_config cfg;
	char msg[512];
	const struct np_match *vllm, *both;

	CHECK_INT(load_text("[match vllm]\nunit = ^vllm(@[0-9]+)?\\.service$\n"
			    "[match both]\nunit = llama\ncomm = ^srv$\n",
			    &cfg, msg, sizeof(msg)),
		  0);
	CHECK_STR(msg, "");
	vllm = &cfg.matches[0];
	both = &cfg.matches[1];
	CHECK(meets(vllm, "/system.slice/vllm.service"));
	CHECK(meets(vllm, "/system.slice/system-vllm.slice/vllm@2.service"));
	CHECK(!meets(vllm, "/system.slice/vllm-old.service"));
	/* a container started by a unit is the container's: its scope is not a unit name here */
	CHECK(!meets(vllm, "/system.slice/docker-" ID ".scope"));
	CHECK(!meets(vllm, "/user.slice/user-1000.slice/session-3.scope"));
	CHECK(meets(both, "/system.slice/llama.service"));
	CHECK(!np_match_process_id(both, "other", "other", "/system.slice/llama.service", NULL,
				   false));
	np_config_free(&cfg);
}

TEST(config_identity_rules_errors_and_print)
{
	struct np_config cfg;
	char msg[512], *text = NULL;
	size_t len = 0;
	FILE *f;

	CHECK_INT(load_text("[match a]\ncontainer = (\n", &cfg, msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, ":2: [match a] container: invalid regular expression \"(\""));
	CHECK_INT(load_text("[match a]\nunit = [a-\n", &cfg, msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, ":2: [match a] unit: invalid regular expression \"[a-\""));
	CHECK_INT(load_text("[match a]\nunit =\n", &cfg, msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, "[match a] unit: expected a regular expression"));

	/* either rule alone is a rule; --check-config prints them back */
	CHECK_INT(load_text("[match a]\ncontainer = ^abc\n[match b]\nunit = x\\.service\n", &cfg,
			    msg, sizeof(msg)),
		  0);
	f = open_memstream(&text, &len);
	np_config_print(f, &cfg);
	fclose(f);
	CHECK(strstr(text, "\n[match a]\ncontainer = ^abc\naccelerator = false\n"));
	CHECK(strstr(text, "\n[match b]\nunit = x\\.service\naccelerator = false\n"));
	free(text);
	np_config_free(&cfg);
}
