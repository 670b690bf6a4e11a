#!/usr/bin/env python3
"""Print ``make reliability``'s figures as one Markdown table.

Reads the JSON lines the fuzzers and reliability tests append to
``GUESTFS_RELIABILITY_REPORT`` (one object per measurement, with a ``kind``)
and prints a row per measurement plus a verdict per goal of issue 11:
>= 100,000 inputs and 0 unexpected outcomes per fuzzer, every fault survived
within 3 s, 0 leftovers, 0 changed files on read-only images, 0 escapes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

#: Inputs each fuzzer must try in the long run.
FUZZ_INPUTS = 100_000
#: Seconds within which a fault must become an error.
FAULT_SECONDS = 3.0


def load(path: str) -> list[dict[str, Any]]:
    """Every measurement in the report file (a missing file has none)."""
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def _figures(m: dict[str, Any]) -> str:
    """The measurement's numbers, as ``key=value`` pairs."""
    skip = {"kind", "name", "outcomes"}
    return ", ".join(f"{k}={v}" for k, v in m.items() if k not in skip)


def _bad(m: dict[str, Any]) -> bool:
    """Whether one measurement misses its goal."""
    kind = m.get("kind")
    if kind == "fuzzer":
        return bool(m.get("unexpected")) or m.get("inputs", 0) < FUZZ_INPUTS
    if kind == "fault":
        return not m.get("survived") or m.get("seconds", 0) > FAULT_SECONDS
    return any(v for k, v in m.items() if k.startswith("leftover") or k in
               ("changed_files", "succeeded", "unexpected"))


def table(measurements: Iterable[dict[str, Any]]) -> list[str]:
    """The Markdown lines: one row per measurement, a verdict column."""
    lines = ["| kind | what | figures | goal met |", "| --- | --- | --- | --- |"]
    for m in sorted(measurements, key=lambda m: (m.get("kind", ""), m.get("name", ""))):
        lines.append(f"| {m.get('kind', '?')} | {m.get('name', '?')} | {_figures(m)} | "
                     f"{'no' if _bad(m) else 'yes'} |")
    return lines


def main(argv: list[str]) -> int:
    """``reliability_report.py REPORT.jsonl``: print the table; exit 1 if a goal is missed."""
    if len(argv) != 2:
        print("usage: reliability_report.py REPORT.jsonl", file=sys.stderr)
        return 2
    ms = load(argv[1])
    if not ms:
        print(f"reliability_report: no measurements in {argv[1]}", file=sys.stderr)
        return 1
    print("\n".join(table(ms)))
    missed = [m for m in ms if _bad(m)]
    faults = [m for m in ms if m.get("kind") == "fault"]
    fuzz = [m for m in ms if m.get("kind") == "fuzzer"]
    print(f"\n{sum(m.get('inputs', 0) for m in fuzz)} fuzz inputs over {len(fuzz)} fuzzers, "
          f"{sum(m.get('unexpected', 0) for m in fuzz)} unexpected; "
          f"{sum(1 for m in faults if m.get('survived'))}/{len(faults)} faults survived, slowest "
          f"{max((m.get('seconds', 0) for m in faults), default=0):.2f} s; "
          f"{len(missed)} goals missed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
