// SPDX-License-Identifier: GPL-2.0
/* Topology discovery against the fixture trees of tests/fixtures/mkfixtures.sh. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "test.h"
#include "topo/topo.h"

static struct np_topo *load(const char *name)
{
	static struct np_topo topo;
	char root[PATH_MAX], msg[256] = "";
	int err;

	np_topo_free(&topo);
	snprintf(root, sizeof(root), "%s/%s", np_test_fixtures(), name);
	err = np_topo_discover(root, &topo, msg, sizeof(msg));
	if (err) {
		np_test_fail(__FILE__, __LINE__, "%s: %s", name, msg);
		memset(&topo, 0, sizeof(topo));
	}
	return &topo;
}

static const struct np_device *find_device(const struct np_topo *topo, const char *pci)
{
	for (int i = 0; i < topo->ndevices; i++)
		if (!strcmp(topo->devices[i].pci, pci))
			return &topo->devices[i];
	return NULL;
}

static int count_kind(const struct np_topo *topo, enum np_dev_kind kind, int node)
{
	int n = 0;

	for (int i = 0; i < topo->ndevices; i++)
		n += topo->devices[i].kind == kind && topo->devices[i].node == node;
	return n;
}

TEST(pci_classify)
{
	CHECK_INT(np_pci_classify(0x10de, 0x030200), NP_DEV_ACCEL); /* H100: 3D controller */
	CHECK_INT(np_pci_classify(0x10de, 0x030000), NP_DEV_ACCEL); /* GeForce: VGA */
	CHECK_INT(np_pci_classify(0x1002, 0x038000), NP_DEV_ACCEL); /* Instinct */
	CHECK_INT(np_pci_classify(0x1da3, 0x120000), NP_DEV_ACCEL); /* Gaudi */
	CHECK_INT(np_pci_classify(0x1234, 0x038000), NP_DEV_ACCEL); /* bochs-display stand-in */
	CHECK_INT(np_pci_classify(0x1a03, 0x030000), NP_DEV_NONE);  /* ASPEED BMC */
	CHECK_INT(np_pci_classify(0x102b, 0x030000), NP_DEV_NONE);  /* Matrox G200 BMC */
	CHECK_INT(np_pci_classify(0x15b3, 0x020000), NP_DEV_NIC);
	CHECK_INT(np_pci_classify(0x8086, 0x028000), NP_DEV_NONE); /* Wi-Fi */
	CHECK_INT(np_pci_classify(0x144d, 0x010802), NP_DEV_NVME);
	CHECK_INT(np_pci_classify(0x1022, 0x060000), NP_DEV_NONE); /* host bridge */
}

TEST(topo_epyc_dual_socket_8gpu)
{
	struct np_topo *topo = load("epyc-2s-8gpu");
	const struct np_device *nic;

	CHECK_INT(topo->nnodes, 2);
	CHECK_INT(np_cpuset_count(&topo->nodes[1].cpus), 192);
	CHECK(np_cpuset_has(&topo->nodes[1].cpus, 288));
	CHECK_INT(topo->nodes[0].mem_total_kb, 792512000);
	CHECK_INT(topo->nodes[1].mem_free_kb, 780000000);
	CHECK_INT(topo->nodes[0].distance[1], 32);
	CHECK_INT(topo->nodes[1].distance[1], 10);
	/* 8 GPUs, 2 NICs, 1 NVMe; the ASPEED VGA and the host bridge are not listed */
	CHECK_INT(topo->ndevices, 11);
	CHECK_INT(count_kind(topo, NP_DEV_ACCEL, 0), 4);
	CHECK_INT(count_kind(topo, NP_DEV_ACCEL, 1), 4);
	CHECK(find_device(topo, "0000:c3:00.0") == NULL);
	CHECK(find_device(topo, "0000:00:00.0") == NULL);
	nic = find_device(topo, "0000:8c:00.0");
	CHECK(nic != NULL);
	if (nic) {
		CHECK_INT(nic->node, 1);
		CHECK_INT(nic->nirqs, 4);
		CHECK_INT(nic->irqs[3], 213);
		CHECK_STR(nic->driver, "mlx5_core");
		CHECK_STR(nic->netdevs, "ens2np0");
	}
	CHECK_INT(topo->kernel.numa_balancing, 1);
	CHECK_STR(topo->kernel.knobs_source, "debugfs");
	CHECK_INT(topo->kernel.knobs[NP_KNOB_SCAN_SIZE_MB], 256);
	CHECK(topo->kernel.knob_present[NP_KNOB_HOT_THRESHOLD_MS]);
	CHECK_STR(topo->kernel.thp_enabled, "madvise");
	CHECK_INT(topo->kernel.irqbalance_pid, 812);
	CHECK(topo->kernel.irqbalance_banned_cpus_set);
	CHECK_INT(np_cpuset_count(&topo->kernel.irqbalance_banned_cpus), 8);
	CHECK_STR(topo->kernel.irqbalance_banned_irqs, "200-201");
	CHECK_INT(topo->kernel.tp_page_fault_user, NP_YES);
	CHECK(!topo->kernel.probes[NP_PROBE_KPROBE].probed);
}

TEST(topo_nps4_asymmetric)
{
	struct np_topo *topo = load("nps4-1s");
	const struct np_device *gaudi;

	CHECK_INT(topo->nnodes, 4);
	/* rows are "from", columns "to": the SLIT is asymmetric between 0 and 3 */
	CHECK_INT(topo->nodes[0].distance[3], 12);
	CHECK_INT(topo->nodes[3].distance[0], 13);
	CHECK_INT(topo->nodes[2].distance[3], 11);
	gaudi = find_device(topo, "0000:83:00.0");
	CHECK(gaudi && gaudi->kind == NP_DEV_ACCEL && gaudi->node == 2);
	CHECK_INT(count_kind(topo, NP_DEV_ACCEL, 1), 1);
	CHECK_INT(count_kind(topo, NP_DEV_ACCEL, 3), 1);
	CHECK_STR(topo->kernel.knobs_source, "sysctl");
	CHECK(!topo->kernel.knob_present[NP_KNOB_HOT_THRESHOLD_MS]);
	CHECK_INT(topo->kernel.tp_sched_switch, NP_UNKNOWN); /* no tracefs in the tree */
	CHECK_INT(topo->kernel.irqbalance_pid, 0);
}

TEST(topo_laptop_single_node)
{
	struct np_topo *topo = load("laptop");
	const struct np_device *igpu;

	CHECK_INT(topo->nnodes, 1);
	CHECK_INT(topo->ndevices, 2); /* iGPU, NVMe; Wi-Fi is not an Ethernet NIC */
	igpu = find_device(topo, "0000:00:02.0");
	CHECK(igpu != NULL);
	if (igpu) {
		CHECK_INT(igpu->node, NP_NODE_UNKNOWN);
		CHECK_INT(igpu->nirqs, 1); /* legacy INTx line, no msi_irqs */
		CHECK_INT(igpu->irqs[0], 16);
	}
}

TEST(topo_cloud_vm_unknown_nodes)
{
	struct np_topo *topo = load("cloud-vm");

	CHECK_INT(topo->nnodes, 2);
	CHECK_INT(topo->ndevices, 4);
	for (int i = 0; i < topo->ndevices; i++)
		CHECK_INT(topo->devices[i].node, NP_NODE_UNKNOWN);
	CHECK_INT(topo->kernel.numa_balancing, -1);
	CHECK_INT(topo->kernel.btf, NP_NO);
	CHECK(topo->kernel.knobs_source == NULL);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		np_test_fail(__FILE__, __LINE__, "cannot write %s", path);
		return;
	}
	fputs(text, f);
	fclose(f);
}

TEST(topo_errors_name_the_file)
{
	char root[] = "/tmp/np-topo-XXXXXX", dir[PATH_MAX], msg[256] = "";
	struct np_topo topo;

	CHECK(mkdtemp(root) != NULL);
	CHECK_INT(np_topo_discover(root, &topo, msg, sizeof(msg)), -ENOENT);
	CHECK(strstr(msg, "/sys/devices/system/node/online") != NULL);

	snprintf(dir, sizeof(dir), "%s/sys/devices/system/node/node0", root);
	for (char *p = dir + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	mkdir(dir, 0755);
	write_file(dir, "../online", "0\n");
	write_file(dir, "cpulist", "0-3\n");
	write_file(dir, "meminfo", "Node 0 MemTotal: 100 kB\nNode 0 MemFree: 50 kB\n");
	write_file(dir, "distance", "10 20\n"); /* two values, one node online */
	CHECK_INT(np_topo_discover(root, &topo, msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, "node0/distance") != NULL);

	write_file(dir, "distance", "10\n");
	write_file(dir, "cpulist", "0-x\n");
	CHECK_INT(np_topo_discover(root, &topo, msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, "node0/cpulist") != NULL);

	write_file(dir, "cpulist", "0-3\n");
	CHECK_INT(np_topo_discover(root, &topo, msg, sizeof(msg)), 0);
	CHECK_INT(topo.nodes[0].mem_free_kb, 50);
	np_topo_free(&topo);
	snprintf(dir, sizeof(dir), "rm -rf %s", root);
	CHECK_INT(system(dir), 0);
}
