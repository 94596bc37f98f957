#!/usr/bin/env python3
"""compose_check.py — checks one service's compose file, as compose itself parsed it.

  compose_check.py SERVICE_YAML CONFIG_YAML PROBES_IMAGE VERSION

CONFIG_YAML is the output of `docker-compose -f FILE config` (or the plugin's), run with
ARC_PROBES_IMAGE=PROBES_IMAGE and ARC_VERSION=VERSION in the environment (what the kit
gives it). Prints one line per check: "ok <what>" or "not ok <what>: <detail>" (turned
into TAP by tests/kit/compose.t). The settings are those of the kit's contract
(docs/kit.md); upstream facts (base images, users, flags) are checked against
docs/upstream.md by tests/kit/upstream.t, not here.
"""
import re
import sys

import yaml

START_PERIOD = {"strange": "1m30s"}
PULSAR_MEM = "-Xms512m -Xmx1024m -XX:MaxDirectMemorySize=512m"


def check(ok, what, detail=""):
    print(f"ok {what}" if ok else f"not ok {what}: {detail}")


def parse_port(p):
    """(host_ip, host_port, container_port) from short or long syntax."""
    if isinstance(p, dict):
        return str(p.get("host_ip", "")), int(p.get("published", 0)), int(p["target"])
    m = re.fullmatch(r"(?:(\[?[0-9a-fA-F.:]*\]?):)?(\d+):(\d+)(?:/\w+)?", str(p))
    if not m:
        return "", 0, 0
    return m.group(1) or "", int(m.group(2)), int(m.group(3))


def duration(v):
    """compose durations ('1m30s', '90s') in seconds."""
    total = 0.0
    for n, unit in re.findall(r"([\d.]+)(h|ms|m|s|us)", str(v)):
        total += float(n) * {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6}[unit]
    return total


def main():
    meta = yaml.safe_load(open(sys.argv[1]))
    cfg = yaml.safe_load(open(sys.argv[2]))
    probes, version = sys.argv[3], sys.argv[4]
    c = meta["codename"]
    svc = cfg["services"].get(c)
    check(svc is not None, f"{c}: the compose service is named '{c}'", list(cfg["services"]))
    if svc is None:
        return
    check(svc.get("container_name") == f"arc-{c}", f"{c}: container arc-{c}", svc.get("container_name"))
    check(svc.get("image") == f"arc-{c}:latest", f"{c}: image arc-{c}:latest", svc.get("image"))
    args = (svc.get("build") or {}).get("args") or {}
    check("BASE_IMAGE" not in args,
          f"{c}: no BASE_IMAGE build arg (the Dockerfile's default is the one place it is named)", args)
    check(args.get("PROBES_IMAGE") == probes,
          f"{c}: PROBES_IMAGE build arg = $ARC_PROBES_IMAGE ({probes})", args)
    check(args.get("ARC_VERSION") == version, f"{c}: ARC_VERSION build arg = $ARC_VERSION ({version})", args)
    check(sorted(args) == ["ARC_VERSION", "PROBES_IMAGE"], f"{c}: no other build arg", sorted(args))
    check(svc.get("restart") == "unless-stopped", f"{c}: restart unless-stopped", svc.get("restart"))

    ports = [parse_port(p) for p in svc.get("ports", [])]
    check(ports and all(ip == "127.0.0.1" for ip, _, _ in ports),
          f"{c}: every host port is bound to 127.0.0.1", svc.get("ports"))
    want = sorted((p["host"], p["container"]) for p in meta.get("ports", []))
    got = sorted((h, ct) for _, h, ct in ports)
    check(got == want, f"{c}: ports match service.yaml {want}", got)

    vols = svc.get("volumes", [])
    named = cfg.get("volumes") or {}
    sources = [v.get("source") if isinstance(v, dict) else str(v).split(":")[0] for v in vols]
    check(vols and all(s in named for s in sources), f"{c}: every volume is a named volume", vols)
    check(all(re.fullmatch(rf"arc-{c}-[a-z0-9-]+", (named.get(s) or {}).get("name", ""))
              for s in sources), f"{c}: volumes are named arc-{c}-*", named)

    nets = cfg.get("networks") or {}
    net = nets.get("arc_platform_net") or {}
    check(net.get("external") in (True, {"name": "arc_platform_net"})
          and net.get("name", "arc_platform_net") == "arc_platform_net",
          f"{c}: network arc_platform_net is external", nets)
    check(list(svc.get("networks") or {}) == ["arc_platform_net"],
          f"{c}: the service is on arc_platform_net only", svc.get("networks"))

    hc = svc.get("healthcheck") or {}
    test = hc.get("test") or []
    probe = meta["health"]["probe"]
    check(test[:2] == ["CMD", f"/usr/local/bin/{probe}"],
          f"{c}: healthcheck runs /usr/local/bin/{probe} in exec form (no shell)", test)
    check("-q" in test, f"{c}: healthcheck probe is quiet (-q)", test)
    check(any("127.0.0.1" in str(a) for a in test) and not any("localhost" in str(a) for a in test),
          f"{c}: healthcheck targets 127.0.0.1", test)
    for k in ("interval", "timeout", "retries", "start_period"):
        check(k in hc, f"{c}: healthcheck sets {k}", hc)
    if "timeout" in test and "timeout" in hc:
        probe_t = float(test[test.index("--timeout") + 1])
        check(probe_t < duration(hc["timeout"]), f"{c}: the probe's --timeout is below the healthcheck timeout",
              f"{probe_t} vs {hc['timeout']}")
    if c in START_PERIOD:
        check(duration(hc.get("start_period")) == duration(START_PERIOD[c]),
              f"{c}: start_period {START_PERIOD[c]}", hc.get("start_period"))

    cmd = svc.get("command") or []
    env = svc.get("environment") or {}
    # The command is the image's CMD (one place): compose does not repeat it.
    check(not cmd, f"{c}: no command in compose (the Dockerfile's CMD is the one place)", cmd)
    if c == "sonic":
        check("--expect" in test, "sonic: healthcheck checks the settings (--expect)", test)
    if c == "strange":
        check(env.get("PULSAR_MEM") == PULSAR_MEM, f"strange: PULSAR_MEM={PULSAR_MEM}", env)
        check((8082, 8080) in got and (6650, 6650) in got, "strange: 6650 and 8082->8080", got)
        check(all(h != 8080 for h in (p[1] for p in ports)), "strange: host port 8080 stays free", got)
    if c == "flash":
        check(any(str(v).endswith(":/data") or str(v).endswith(":/data:rw") or
                  (isinstance(v, dict) and v.get("target") == "/data") for v in vols),
              "flash: the JetStream store volume is mounted at /data", vols)
    if c == "oracle":
        check(all(k in env for k in ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB")),
              "oracle: POSTGRES_USER/PASSWORD/DB set", list(env))


if __name__ == "__main__":
    main()
