#!/usr/bin/env python3
"""procs.py DIR — count the processes in `strace -ff -e trace=execve -o DIR/t CMD` output.

Prints "ALL BASH PYTHON3": every process traced (one file per pid: forks without exec
included), those that ran bash, those that ran python3 (an interpreter named python3,
python3.X or python, directly or through a script's #! line, e.g. supervisorctl).
"""
import os
import re
import sys

EXEC = re.compile(r'^execve\("([^"]*)".*\) = 0$')


def images(path):
    """The programs a successful execve ran: the file, and the #! interpreter of a script."""
    out = [os.path.basename(path)]
    try:
        with open(path, "rb") as f:
            first = f.readline(256)
    except OSError:
        return out
    if first.startswith(b"#!"):
        words = first[2:].decode(errors="replace").split()
        if words:
            out.append(os.path.basename(words[0]))
            if out[-1] == "env" and len(words) > 1:
                out.append(os.path.basename(words[1]))
    return out


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) == 2 else 64
    d = sys.argv[1]
    total = bash = py = 0
    for name in os.listdir(d):
        total += 1
        progs = set()
        with open(os.path.join(d, name), errors="replace") as f:
            for line in f:
                m = EXEC.match(line.strip())
                if m:
                    progs.update(images(m.group(1)))
        bash += "bash" in progs
        py += any(re.fullmatch(r"python(3(\.\d+)?)?", p) for p in progs)
    print(total, bash, py)
    return 0


if __name__ == "__main__":
    sys.exit(main())
