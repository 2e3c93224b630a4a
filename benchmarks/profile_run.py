"""Where one replication's CPU goes: cProfile with the process's CPU clock as its timer (a loaded
machine then does not inflate the figures, as the default wall-clock timer would).

    .venv/bin/python benchmarks/profile_run.py SCENARIO.yaml [--seed 1] [--out run.prof] [--top 40]

The kernels are compiled first on raid-48 (untimed). Prints the replication's CPU seconds without
the profiler's overhead in the count, then the functions with the most cumulative and own time. A
theatre scenario comes from ``benchmarks/theatre.py write``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

import samsim

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="also save the profile (pstats format)")
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    scenario = samsim.load(args.scenario)
    samsim.simulate(samsim.load(ROOT / "examples" / "raid-48.yaml"), seed=1)  # compile the kernels
    cpu0 = time.process_time()
    samsim.simulate(scenario, seed=args.seed)
    print(f"replication without the profiler: {time.process_time() - cpu0:.1f} CPU s")
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    samsim.simulate(scenario, seed=args.seed)
    profiler.disable()
    stats = pstats.Stats(profiler)
    if args.out:
        stats.dump_stats(args.out)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
