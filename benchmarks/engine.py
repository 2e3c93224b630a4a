"""Wall and CPU time of one replication (default: the reference raid, examples/raid-48.yaml).

    .venv/bin/python benchmarks/engine.py [SCENARIO] [--runs 5] [--trajectories]

Compilation of the numba kernels and the per-process caches (reach tables) are warmed up by one
untimed run first; then each replication is timed. Target for raid-48 (docs/performance.md): < 0.5 s
on one core.
Prints a table, the per-stage profile of one run (cProfile, cumulative), and one JSON line.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import time
from pathlib import Path

import samsim

ROOT = Path(__file__).resolve().parents[1]


def main(default: Path = ROOT / "examples" / "raid-48.yaml") -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", nargs="?", type=Path, default=default)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--trajectories", action="store_true", help="also record trajectories (as samsim run does)"
    )
    ap.add_argument("--profile", action="store_true", help="print a cProfile of one run")
    args = ap.parse_args()
    scenario = samsim.load(args.scenario)
    samsim.simulate(scenario, seed=0, trajectories=args.trajectories)  # warm-up: compile and caches
    walls, cpus = [], []
    totals = None
    for seed in range(args.runs):
        w0, c0 = time.perf_counter(), time.process_time()
        result = samsim.simulate(scenario, seed=seed, trajectories=args.trajectories)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
        totals = result.totals
    print(
        f"| scenario | runs | median wall s | median CPU s | min CPU s |\n|---|---|---|---|---|\n"
        f"| {scenario.name} | {args.runs} | {statistics.median(walls):.3f} | {statistics.median(cpus):.3f} "
        f"| {min(cpus):.3f} |"
    )
    print("last run:", totals)
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(samsim.simulate, scenario, seed=0, trajectories=args.trajectories)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(20)
    print(
        json.dumps(
            {
                "scenario": scenario.name,
                "runs": args.runs,
                "median_wall_s": round(statistics.median(walls), 4),
                "median_cpu_s": round(statistics.median(cpus), 4),
                "min_cpu_s": round(min(cpus), 4),
                "trajectories": args.trajectories,
            }
        )
    )


if __name__ == "__main__":
    main()
