#!/usr/bin/env python3
"""measure.py — run commands alternately and report median wall time, CPU time,
peak memory (max RSS, by GNU time) and the instruction count of one run (valgrind callgrind).

    measure.py --runs N --label NAME -- CMD... [--label NAME -- CMD...]...

Commands of one group are run in turn (A, B, A, B, ...) so that drift on a noisy
machine hits them alike. Prints one JSON object per command on stdout.
Every command must exit with the status given by --expect-rc (default 0); a
command that does not is reported as an error instead of being measured.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time


def parse(argv):
    runs, expect, groups, cur = 50, 0, [], None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--runs":
            runs = int(argv[i + 1]); i += 2
        elif a == "--expect-rc":
            expect = int(argv[i + 1]); i += 2
        elif a == "--label":
            cur = {"label": argv[i + 1], "cmd": []}
            groups.append(cur); i += 2
            if i < len(argv) and argv[i] == "--":
                i += 1
            while i < len(argv) and argv[i] != "--label":
                cur["cmd"].append(argv[i]); i += 1
        else:
            sys.exit(f"measure.py: unexpected argument {a!r} (see --help)")
    if not groups or any(not g["cmd"] for g in groups):
        sys.exit("measure.py: need at least one --label NAME -- CMD...")
    return runs, expect, groups


def one_run(cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    return rc, wall, ru.ru_utime + ru.ru_stime


def peak_rss_kb(cmd, runs=5):
    """Largest max-RSS over a few runs, measured by GNU time (a small C parent,
    so the figure is the command's own, not the fork of this Python process)."""
    best = None
    for _ in range(runs):
        r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", "/dev/stderr"] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        lines = [l for l in r.stderr.strip().splitlines() if l.strip().isdigit()]
        if lines:
            v = int(lines[-1])
            best = v if best is None else max(best, v)
    return best


def instructions(cmd):
    """Instruction count of one run under callgrind (deterministic), or None."""
    try:
        r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                            "--trace-children=no"] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"Collected\s*:\s*(\d+)", r.stderr)
    return int(m.group(1)) if m else None


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    runs, expect, groups = parse(sys.argv[1:])
    for g in groups:
        g.update(walls=[], cpus=[], error=None)
        one_run(g["cmd"])  # warm-up: page cache, first connection
    for _ in range(runs):
        for g in groups:
            if g["error"]:
                continue
            rc, wall, cpu = one_run(g["cmd"])
            if rc != expect:
                g["error"] = f"exit {rc}, expected {expect}"
                continue
            g["walls"].append(wall); g["cpus"].append(cpu)
    for g in groups:
        out = {"label": g["label"], "cmd": " ".join(g["cmd"]), "runs": len(g["walls"])}
        if g["error"]:
            out["error"] = g["error"]
        else:
            out.update(median_wall_ms=round(statistics.median(g["walls"]) * 1000, 3),
                       median_cpu_ms=round(statistics.median(g["cpus"]) * 1000, 3),
                       peak_rss_kb=peak_rss_kb(g["cmd"]),
                       instructions=instructions(g["cmd"]))
        print(json.dumps(out))
    return 1 if any(g["error"] for g in groups) else 0


if __name__ == "__main__":
    sys.exit(main())
