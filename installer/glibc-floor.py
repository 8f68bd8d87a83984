#!/usr/bin/env python3
"""The oldest glibc a built bundle runs on: the highest GLIBC_x.y symbol version any of its ELF
files (executables, .so) requires, read with ``objdump -T`` (binutils).

    installer/glibc-floor.py [dist/fupin-desktop] [--top N] [--max X.Y]

Prints the floor and the files that need it; ``--max 2.35`` exits 1 when the floor is higher
(used by installer/check so a dependency upgrade that raises it does not go unnoticed).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

VERSION = re.compile(r"\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?\b")


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def required_versions(path: Path) -> set[tuple[int, ...]]:
    """GLIBC versions of the undefined (imported) dynamic symbols of one ELF file."""
    out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True).stdout
    found = set()
    for line in out.splitlines():
        if "*UND*" not in line:
            continue
        m = VERSION.search(line)
        if m:
            found.add(tuple(int(g) for g in m.groups() if g is not None))
    return found


def fmt(v: tuple[int, ...]) -> str:
    return ".".join(map(str, v))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("bundle", nargs="?", default="dist/fupin-desktop", type=Path)
    p.add_argument("--top", type=int, default=8, help="list this many files, highest need first")
    p.add_argument("--max", metavar="X.Y", help="fail when the floor is above this version")
    args = p.parse_args(argv)
    if not args.bundle.is_dir():
        print(f"no bundle at {args.bundle}: run installer/build-bundle.sh first", file=sys.stderr)
        return 2
    need: dict[Path, tuple[int, ...]] = {}
    files = [f for f in sorted(args.bundle.rglob("*")) if f.is_file() and not f.is_symlink() and is_elf(f)]
    for f in files:
        versions = required_versions(f)
        if versions:
            need[f] = max(versions)
    if not need:
        print("no ELF file with GLIBC symbol versions found", file=sys.stderr)
        return 2
    floor = max(need.values())
    print(f"glibc floor: {fmt(floor)} ({len(files)} ELF files in {args.bundle})")
    for f, v in sorted(need.items(), key=lambda kv: (kv[1], str(kv[0])), reverse=True)[: args.top]:
        print(f"  {fmt(v):>6}  {f.relative_to(args.bundle)}")
    if args.max and floor > tuple(int(x) for x in args.max.split(".")):
        print(f"glibc floor {fmt(floor)} is above the allowed {args.max}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
