#!/usr/bin/python3
"""Checks of dist/ that need a parser (tests/dist.sh): the Kubernetes manifest against the
Containerfile, the systemd unit and its own configuration; the Prometheus rules' tests cover
every alert; the Grafana dashboard and the rules use only metrics numaplace has.

Prints one PASS:/FAIL: line per check. Debian's python3-yaml (scripts/deps.sh) parses YAML.

  dist_check.py TOP manifest|rules|dashboard|conf-out|pod-out FILE
"""
import json
import os
import re
import sys

import yaml

TOP = sys.argv[1]
failed = 0


def check(desc, ok, why=""):
    global failed
    if ok:
        print(f"PASS: {desc}")
    else:
        failed += 1
        print(f"FAIL: {desc}" + (f": {why}" if why else ""))


def read(rel):
    with open(os.path.join(TOP, rel), encoding="utf-8") as f:
        return f.read()


def manifest_docs():
    return [d for d in yaml.safe_load_all(read("dist/kubernetes/numaplace.yaml")) if d]


def by_kind(docs, kind):
    return [d for d in docs if d.get("kind") == kind]


def ini_global(text):
    """key = value of [global] in numaplace.conf text (';' and '#' lines are comments)."""
    out, section = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("["):
            section = line.strip("[]").strip()
            continue
        if section == "global" and "=" in line:
            key, value = line.split("=", 1)
            out[key.strip()] = value.strip()
    return out


def containerfile_paths():
    """Destinations of the Containerfile's COPY lines of the binary and of the config."""
    binary = config = None
    for line in read("dist/Containerfile").splitlines():
        m = re.match(r"COPY\s+--from=build\s+\S*build/numaplace\s+(\S+)", line)
        if m:
            binary = m.group(1)
        m = re.match(r"COPY\s+dist/numaplace\.conf\s+(\S+)", line)
        if m:
            config = m.group(1)
    return binary, config


def unit_caps():
    m = re.search(r"^CapabilityBoundingSet=(.*)$", read("dist/numaplace.service"), re.M)
    return {c.removeprefix("CAP_") for c in m.group(1).split()} if m else set()


def check_objects(docs):
    kinds = [d.get("kind") for d in docs]
    for kind in ("Namespace", "ServiceAccount", "ConfigMap", "DaemonSet"):
        check(f"manifest: one {kind}", kinds.count(kind) == 1, f"kinds: {kinds}")
    ns = by_kind(docs, "Namespace")[0]["metadata"]["name"]
    others = [d for d in docs if d["kind"] != "Namespace"]
    check("manifest: every object in the numaplace namespace",
          all(d["metadata"].get("namespace") == ns for d in others))


def check_pod(docs):
    ds = by_kind(docs, "DaemonSet")[0]
    pod = ds["spec"]["template"]["spec"]
    check("DaemonSet: selector matches the pod's labels",
          ds["spec"]["selector"]["matchLabels"].items() <= ds["spec"]["template"]["metadata"]["labels"].items())
    check("DaemonSet: hostPID", pod.get("hostPID") is True)
    check("DaemonSet: not on the host's network", not pod.get("hostNetwork"))
    check("DaemonSet: its service account, no API token",
          pod.get("serviceAccountName") == by_kind(docs, "ServiceAccount")[0]["metadata"]["name"]
          and pod.get("automountServiceAccountToken") is False)
    check("DaemonSet: GPU nodes by label", bool(pod.get("nodeSelector")), "no nodeSelector")
    check("DaemonSet: tolerates GPU taints",
          any("gpu" in t.get("key", "") for t in pod.get("tolerations", [])))
    check("DaemonSet: system-node-critical", pod.get("priorityClassName") == "system-node-critical")
    m = re.search(r"^TimeoutStopSec=(\d+)", read("dist/numaplace.service"), re.M)
    check("DaemonSet: grace period at least the unit's TimeoutStopSec (time for the undo)",
          m and pod.get("terminationGracePeriodSeconds", 30) >= int(m.group(1)))
    return pod


def check_security(c):
    sc = c.get("securityContext", {})
    caps = sc.get("capabilities", {})
    added = set(caps.get("add", []))
    check("container: not privileged", sc.get("privileged") is False)
    check("container: drops every capability first", caps.get("drop") == ["ALL"])
    missing = unit_caps() - added
    check("container: every capability the systemd unit grants", not missing, f"missing {missing}")
    extra = added - unit_caps()
    check("container: beyond the unit's, only SYS_RESOURCE (memlock, kernels < 5.11)",
          extra == {"SYS_RESOURCE"}, f"extra {extra}")
    text = read("dist/kubernetes/numaplace.yaml")
    for cap in sorted(added):
        # a "# why" line right above its "- CAP" line
        m = re.search(r"\n[ ]*#[^\n]*\n[ ]*- " + cap + r"\n", text)
        check(f"container: CAP_{cap} says why", m is not None)
    check("container: no privilege escalation, read-only root",
          sc.get("allowPrivilegeEscalation") is False and sc.get("readOnlyRootFilesystem") is True)


def check_paths(docs, pod, c):
    binary, config = containerfile_paths()
    cmd = c.get("command", []) + c.get("args", [])
    check("image: the binary the manifest runs is the one the Containerfile installs",
          binary is not None and binary in cmd, f"{binary} not in {cmd}")
    conf = cmd[cmd.index("--config") + 1] if "--config" in cmd else None
    check("image: the config the manifest names is where the Containerfile puts it",
          conf is not None and conf == config, f"{conf} vs {config}")
    cm = by_kind(docs, "ConfigMap")[0]
    vols = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: vols[m["name"]] for m in c["volumeMounts"]}
    cm_dir = os.path.dirname(conf or "")
    vol = mounts.get(cm_dir, {})
    check("ConfigMap: mounted where --config points",
          vol.get("configMap", {}).get("name") == cm["metadata"]["name"]
          and os.path.basename(conf or "") in cm["data"], f"{cm_dir}: {vol}")
    settings = ini_global(cm["data"].get(os.path.basename(conf or ""), ""))
    journal = os.path.dirname(settings.get("journal", "/run/numaplace/journal"))
    check("journal directory is a hostPath (a restarted pod finishes the undo)",
          "hostPath" in mounts.get(journal, {}), f"{journal}")
    check("the host's cgroup tree mounted read-only",
          any(v.get("hostPath", {}).get("path") == "/sys/fs/cgroup" and m.get("readOnly")
              for m in c["volumeMounts"] for v in [vols[m["name"]]]))
    return settings


def check_metrics_port(c, settings):
    listen = settings.get("metrics_listen", "")
    m = re.match(r"^(\[[^]]*\]|[^:]*):(\d+)$", listen)
    check("config: metrics_listen set", m is not None, listen)
    if not m:
        return
    host, port = m.group(1), int(m.group(2))
    probe = c.get("readinessProbe", {}).get("httpGet", {})
    check("readiness probe: GET /metrics", probe.get("path") == "/metrics")
    check("readiness probe: the port of metrics_listen", probe.get("port") == port,
          f"{probe.get('port')} vs {port}")
    check("container port: the port of metrics_listen",
          any(p.get("containerPort") == port for p in c.get("ports", [])))
    loopback = host in ("127.0.0.1", "[::1]") or host.startswith("127.")
    check("config: a non-loopback metrics_listen has metrics_allow_remote = true",
          loopback or settings.get("metrics_allow_remote") == "true")
    check("config: metrics on the pod's address (the kubelet's probe cannot reach loopback)",
          not loopback)


def do_manifest():
    docs = manifest_docs()
    check_objects(docs)
    pod = check_pod(docs)
    c = pod["containers"][0]
    check_security(c)
    check_metrics_port(c, check_paths(docs, pod, c))


def conf_out(path):
    """Write the ConfigMap's numaplace.conf to path (tests/dist.sh feeds it to numaplace)."""
    cm = by_kind(manifest_docs(), "ConfigMap")[0]
    with open(path, "w", encoding="utf-8") as f:
        f.write(cm["data"]["numaplace.conf"])


def pod_out(outdir):
    """The container's command (a line per argument) and capabilities (setpriv's
    --bounding-set form, +bpf,+perfmon,...) for tests/dist-image.sh."""
    c = by_kind(manifest_docs(), "DaemonSet")[0]["spec"]["template"]["spec"]["containers"][0]
    with open(os.path.join(outdir, "command"), "w", encoding="utf-8") as f:
        f.write("\n".join(c.get("command", []) + c.get("args", [])) + "\n")
    caps = c["securityContext"]["capabilities"]["add"]
    with open(os.path.join(outdir, "caps"), "w", encoding="utf-8") as f:
        f.write(",".join("+" + cap.lower() for cap in caps) + "\n")


def known_metrics():
    """Metric names in README "Logs and metrics" and in the sources that write them."""
    readme = read("README.md")
    sect = readme.split("## Logs and metrics", 1)[-1].split("\n## ", 1)[0]
    names = set(re.findall(r"`(numaplace_[a-z_]+)`", sect))
    for d in ("agent/output", "agent/run"):
        for name in os.listdir(os.path.join(TOP, d)):
            if name.endswith(".c"):
                names |= set(re.findall(r"\b(numaplace_[a-z_]+)", read(f"{d}/{name}")))
    return names


def check_names(what, exprs):
    known = known_metrics()
    used = set()
    for e in exprs:
        # a recording rule's own name (numaplace:...) is not a metric the agent writes
        used |= set(re.findall(r"(?<![:\w])(numaplace_[a-z_]+)", e))
    check(f"{what}: uses numaplace metrics", bool(used))
    for name in sorted(used):
        check(f"{what}: metric {name} exists (README or agent/output)", name in known)


def do_rules(test_file):
    rules = yaml.safe_load(read("dist/prometheus/numaplace.rules.yml"))
    alerts = [r for g in rules["groups"] for r in g["rules"] if "alert" in r]
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    check_names("rules", exprs)
    tests = yaml.safe_load(read(test_file))
    evals = [a for t in tests["tests"] for a in t.get("alert_rule_test", [])]
    for a in alerts:
        name = a["alert"]
        mine = [e for e in evals if e["alertname"] == name]
        check(f"rules test: {name} fires", any(e.get("exp_alerts") for e in mine))
        check(f"rules test: {name} does not fire", any(not e.get("exp_alerts") for e in mine))


def do_dashboard(path):
    try:
        with open(path, encoding="utf-8") as f:
            dash = json.load(f)
    except ValueError as e:
        check("dashboard: valid JSON", False, str(e))
        return
    check("dashboard: valid JSON", True)
    panels = dash.get("panels", [])
    check("dashboard: panels", len(panels) >= 6, f"{len(panels)}")
    check("dashboard: panel ids unique", len({p["id"] for p in panels}) == len(panels))
    check("dashboard: panels within 24 columns",
          all(p["gridPos"]["x"] + p["gridPos"]["w"] <= 24 for p in panels))
    check("dashboard: every panel has a query", all(p.get("targets") for p in panels))
    check("dashboard: node variable from job numaplace",
          any(v.get("name") == "instance" and 'job="numaplace"' in v.get("definition", "")
              for v in dash.get("templating", {}).get("list", [])))
    exprs = [t["expr"] for p in panels for t in p.get("targets", [])]
    check_names("dashboard", exprs)
    for want in ("remote_ratio", "process_pages", "placements_total", "actions_failed_total",
                 "agent_cpu_seconds_total"):
        check(f"dashboard: shows {want}", any(want in e for e in exprs))


def main():
    what = sys.argv[2]
    if what == "manifest":
        do_manifest()
    elif what == "rules":
        do_rules(sys.argv[3])
    elif what == "dashboard":
        do_dashboard(sys.argv[3])
    elif what == "conf-out":
        conf_out(sys.argv[3])
        return 0
    elif what == "pod-out":
        pod_out(sys.argv[3])
        return 0
    else:
        print(f"dist_check.py: unknown check {what}", file=sys.stderr)
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
