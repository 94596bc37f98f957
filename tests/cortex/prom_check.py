#!/usr/bin/env python3
"""prom_check.py [FILE] (default stdin) — a TEST checker of the Prometheus text exposition format 0.0.4
(prometheus.io/docs/instrumenting/exposition_formats): HELP/TYPE lines, metric and label
names, label values escaped, float values, one TYPE per family given before its samples,
no family split, histogram buckets cumulative with le="+Inf" equal to _count. Prints
"ok N samples" or the first violation (exit 1)."""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s(?:,%s)*)?,?\})? (\S+)( -?\d+)?$" % (NAME, LABEL, LABEL))
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def fam_of(name, types):
    for suf in ("_bucket", "_sum", "_count"):
        if name.endswith(suf) and types.get(name[: -len(suf)]) in ("histogram", "summary"):
            return name[: -len(suf)]
    return name


def main():
    types, seen_samples, done, current, n = {}, set(), set(), None, 0
    buckets = {}
    text = open(sys.argv[1]).read() if len(sys.argv) > 1 else sys.stdin.read()
    if not text.endswith("\n"):
        sys.exit("the body must end with a newline")
    for i, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("#"):
            m = re.match(r"^# (HELP|TYPE) (%s) (.*)$" % NAME, line)
            if not m:
                continue  # a comment
            kind, name, rest = m.groups()
            if kind == "TYPE":
                if rest not in TYPES:
                    sys.exit("line %d: unknown type %r" % (i, rest))
                if name in types or name in seen_samples:
                    sys.exit("line %d: TYPE of %s twice or after its samples" % (i, name))
                types[name] = rest
            continue
        if not line.strip():
            continue
        m = SAMPLE.match(line)
        if not m:
            sys.exit("line %d: not a sample: %r" % (i, line))
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        try:
            float(value.replace("+Inf", "inf").replace("-Inf", "-inf").replace("NaN", "nan"))
        except ValueError:
            sys.exit("line %d: bad value %r" % (i, value))
        fam = fam_of(name, types)
        if fam != current:
            if fam in done:
                sys.exit("line %d: family %s split" % (i, fam))
            if current:
                done.add(current)
            current = fam
        seen_samples.add(fam)
        if types.get(fam) == "histogram" and name.endswith("_bucket"):
            le = re.search(r'le="([^"]*)"', labels)
            if not le:
                sys.exit("line %d: bucket without le" % i)
            b = buckets.setdefault(fam, [])
            if b and float(value) < b[-1][1]:
                sys.exit("line %d: buckets not cumulative" % i)
            b.append((le.group(1), float(value)))
        if types.get(fam) == "histogram" and name == fam + "_count":
            b = buckets.get(fam, [])
            if not b or b[-1][0] != "+Inf" or b[-1][1] != float(value):
                sys.exit("line %d: le=\"+Inf\" must end the buckets and equal _count" % i)
        n += 1
    print("ok %d samples" % n)


main()
