"""Run every benchmark in turn (what `make bench` does) and keep their output.

    .venv/bin/python benchmarks/run_all.py [--full]

Each benchmark prints a table and JSON lines; this runner streams them and saves a copy under
benchmarks/results/ (git-ignored). The default is each benchmark's quick mode, a few minutes in all;
--full runs the configurations whose figures are quoted in docs/performance.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

QUICK = [
    ["geodesy.py", "--points", "200000"],
    ["raid48.py", "--runs", "3"],
    ["planning.py", "--calls", "30"],
    ["tracking_vs_stonesoup.py", "--quick"],
    ["wta.py", "--quick"],
    ["viewshed_vs_gdal.py"],
    ["mc_scaling.py", "--runs", "40"],
    ["theatre.py", "bench", "--quick"],
]
FULL = [
    ["geodesy.py"],
    ["raid48.py", "--runs", "10", "--trajectories"],
    ["planning.py", "--calls", "200"],
    ["tracking_vs_stonesoup.py", "--table"],
    ["wta.py"],
    ["viewshed_vs_gdal.py", "--repeat", "7"],
    ["mc_scaling.py"],
    ["theatre.py", "bench"],
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true")
    args = ap.parse_args()
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    failed = []
    for cmd in FULL if args.full else QUICK:
        script = HERE / cmd[0]
        if not script.exists():
            print(f"== {cmd[0]}: missing, skipped")
            continue
        print(f"\n== {' '.join(cmd)}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(script), *cmd[1:]], cwd=HERE, capture_output=True, text=True
        )
        print(proc.stdout, end="")
        if proc.returncode:
            print(proc.stderr, end="", file=sys.stderr)
            failed.append(cmd[0])
        (out_dir / f"{script.stem}.txt").write_text(proc.stdout + proc.stderr)
        print(f"-- {cmd[0]}: {time.perf_counter() - t0:.1f} s, exit {proc.returncode}")
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
