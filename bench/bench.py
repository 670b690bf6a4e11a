#!/usr/bin/env python3
"""Run the benchmark scenario through this library and through the stock
libguestfs 1.48 in the same run, alternating, and print the ratios.

Usage: bench/bench.py [--rounds N] [--json FILE]
Ours runs under this interpreter (the project's venv); the stock binding
under Debian's /usr/bin/python3.  Both use TCG (force_tcg).  Ours runs twice
a round: launching from the saved appliance (primed by one launch before
the first round) and with it off (a cold boot); the launch rows compare
each with stock's launch, the other rows come from the saved-appliance run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "scenario.py")
STOCK_PYTHON = "/usr/bin/python3"
#: Lower is better for these; higher for the rest.
LOWER_IS_BETTER = {"launch_s", "launch_saved_s", "launch_cold_s", "parallel4_launch_s", "exists_ms",
                   "read_file_ms", "qemu_peak_rss_mib", "shutdown_s"}
#: The goals (issue 12), as ratios ours/stock.
TARGETS = {"launch_saved_s": 0.03, "parallel4_launch_s": 0.10, "launch_cold_s": 0.20, "exists_ms": 1.0,
           "upload_mib_s": 2.0, "download_mib_s": 2.5, "qemu_peak_rss_mib": 0.5}
#: Our environment for each mode (``guestfs/backends/saved.py``).
SAVED_ON = {"GUESTFS_SAVED_APPLIANCE": "1"}
SAVED_OFF = {"GUESTFS_SAVED_APPLIANCE": "0"}


def run(python: str, env_extra: dict[str, str]) -> dict[str, float]:
    """Run the scenario once under ``python``; return its measurements."""
    env = dict(os.environ, **env_extra)
    cp = subprocess.run([python, SCENARIO], capture_output=True, text=True, env=env, timeout=900,
                        cwd="/")
    if cp.returncode != 0:
        raise SystemExit(f"scenario failed under {python}:\n{cp.stderr[-3000:]}")
    result: dict[str, float] = json.loads(cp.stdout)
    return result


def main() -> None:
    """Alternate ours/stock for N rounds and report medians and ratios."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", help="also write the results to this file")
    opts = ap.parse_args()
    if not os.path.exists(STOCK_PYTHON):
        raise SystemExit("the stock libguestfs baseline needs Debian's python3-guestfs")
    # From /, so the interpreter cannot pick up this checkout's guestfs package.
    check = subprocess.run([STOCK_PYTHON, "-c", "import guestfs, libguestfsmod"], capture_output=True,
                           cwd="/", env=dict(os.environ, PYTHONPATH=""))
    if check.returncode != 0:
        raise SystemExit("install the baseline first: apt-get install python3-guestfs libguestfs-tools")
    ours: list[dict[str, float]] = []
    stock: list[dict[str, float]] = []
    # The stock library must not pick up our settings and vice versa.
    stock_env = {"LIBGUESTFS_PATH": "/usr/lib/x86_64-linux-gnu/guestfs", "PYTHONPATH": ""}
    print("priming the saved appliance …", file=sys.stderr)
    run(sys.executable, SAVED_ON)
    for i in range(opts.rounds):
        print(f"round {i + 1}/{opts.rounds} …", file=sys.stderr)
        r = run(sys.executable, SAVED_ON)
        r["launch_saved_s"] = r.pop("launch_s")
        r["launch_cold_s"] = run(sys.executable, {**SAVED_OFF, "BENCH_PARALLEL": "0"})["launch_s"]
        ours.append(r)
        s = run(STOCK_PYTHON, stock_env)
        s["launch_saved_s"] = s["launch_cold_s"] = s.pop("launch_s")
        stock.append(s)
    rows = []
    print(f"{'measure':<20}{'ours':>10}{'stock':>10}{'ours/stock':>12}  target")
    for key in ["launch_saved_s", "launch_cold_s", *(k for k in ours[0] if not k.startswith("launch"))]:
        a = statistics.median(r[key] for r in ours)
        b = statistics.median(r[key] for r in stock)
        ratio = a / b if b else float("nan")
        target = TARGETS.get(key)
        verdict = ""
        if target is not None:
            met = ratio <= target if key in LOWER_IS_BETTER else ratio >= target
            verdict = f"{'≤' if key in LOWER_IS_BETTER else '≥'} {target} {'met' if met else 'NOT met'}"
        better = "lower is better" if key in LOWER_IS_BETTER else "higher is better"
        print(f"{key:<20}{a:>10.2f}{b:>10.2f}{ratio:>12.2f}  {verdict or better}")
        rows.append({"measure": key, "ours": a, "stock": b, "ratio": ratio})
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"rounds": opts.rounds, "rows": rows, "ours": ours, "stock": stock}, f, indent=1)


if __name__ == "__main__":
    main()
