"""Monte Carlo scaling (docs/performance.md): runs/s of the reference raid with 1 and 2 local workers
and a 2-worker Dask LocalCluster, the speed-up (target >= 1.8x on 2 workers) and the peak memory of
the process tree.

Each configuration runs in its own Python process on a fresh study folder. Two rates are reported:
``total`` (wall time of the whole ``monte_carlo`` call: pool start-up, runs, statistics, Parquet, report)
and ``steady`` (from the first committed batch to the last: what a long study sees). Memory is the peak
of the summed RSS of the process and all its descendants, sampled every 50 ms (pages shared between
forked workers are counted in each). ``cores used`` is the CPU time of the process tree over the wall
time: on a machine shared with other work it shows whether the workers actually had their cores, and
``runs/CPU-s`` whether a run costs the same CPU time in every configuration.

    .venv/bin/python benchmarks/mc_scaling.py                 # 120 runs of examples/raid-48.yaml
    .venv/bin/python benchmarks/mc_scaling.py --runs 40       # quicker, noisier
    .venv/bin/python benchmarks/mc_scaling.py --scenario other.yaml --configs 1 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent(
    """
    import json, sys, threading, time
    import psutil
    from samsim.study import monte_carlo

    scenario, out, runs, workers, dask = sys.argv[1:6]
    runs, workers, dask = int(runs), int(workers), None if dask == "-" else dask
    me = psutil.Process()
    peak = [0]
    cpu = {}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                    t = p.cpu_times()
                    cpu[p.pid] = t.user + t.system
                except psutil.Error:
                    pass
            peak[0] = max(peak[0], total)
            stop.wait(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    marks = []

    def progress(done, total):
        marks.append((time.perf_counter(), done))

    t0 = time.perf_counter()
    res = monte_carlo(scenario, out, runs, workers=workers, dask=dask, progress=progress)
    wall = time.perf_counter() - t0
    stop.set()
    thread.join()
    t = me.cpu_times()
    cpu[me.pid] = t.user + t.system
    cpu_s = sum(cpu.values())
    commits = marks[1:]  # marks[0] is the call before any run
    (first_t, first_done), (last_t, last_done) = commits[0], commits[-1]
    steady = (last_done - first_done) / (last_t - first_t) if last_t > first_t else float("nan")
    print(json.dumps({
        "runs": res.new_runs, "wall_s": wall, "total_runs_per_s": res.new_runs / wall,
        "steady_runs_per_s": steady, "peak_rss_mb": peak[0] / 2**20, "cpu_s": cpu_s,
        "cores_used": cpu_s / wall, "runs_per_cpu_s": res.new_runs / cpu_s,
    }))
    """
)

CONFIGS = {
    "1": ("1 worker (in-process)", 1, "-"),
    "2": ("2 workers (processes)", 2, "-"),
    "dask2": ("Dask LocalCluster, 2 workers", 2, "local"),
}


def measure(scenario: Path, runs: int, workers: int, dask: str, folder: Path) -> dict[str, float]:
    out = folder / f"study-{workers}-{dask}"
    res = subprocess.run(
        [sys.executable, "-c", CHILD, str(scenario), str(out), str(runs), str(workers), dask],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if res.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{res.stderr}")
    data: dict[str, float] = json.loads(res.stdout.strip().splitlines()[-1])
    return data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", type=Path, default=ROOT / "examples" / "raid-48.yaml")
    ap.add_argument("--runs", type=int, default=120)
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    args = ap.parse_args()

    load_before = os.getloadavg()[0]
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="samsim-mc-bench-") as tmp:
        for key in args.configs:
            label, workers, dask = CONFIGS[key]
            print(f"running {label} ...", file=sys.stderr, flush=True)
            results[key] = measure(args.scenario, args.runs, workers, dask, Path(tmp))
    load_after = os.getloadavg()[0]

    base = results.get("1")
    print(f"\nMonte Carlo scaling: {args.scenario.name}, {args.runs} runs per configuration\n")
    header = (
        f"{'configuration':30} {'wall s':>7} {'runs/s total':>13} {'runs/s steady':>14} {'speed-up tot':>13} "
        f"{'speed-up st':>12} {'cores used':>11} {'runs/CPU-s':>11} {'peak RSS MB':>12}"
    )
    print(header)
    print("-" * len(header))
    for key, r in results.items():
        su_total = r["total_runs_per_s"] / base["total_runs_per_s"] if base else float("nan")
        su_steady = r["steady_runs_per_s"] / base["steady_runs_per_s"] if base else float("nan")
        r["speedup_total"], r["speedup_steady"] = su_total, su_steady
        print(
            f"{CONFIGS[key][0]:30} {r['wall_s']:7.1f} {r['total_runs_per_s']:13.2f} "
            f"{r['steady_runs_per_s']:14.2f} {su_total:12.2f}x {su_steady:11.2f}x {r['cores_used']:11.2f} "
            f"{r['runs_per_cpu_s']:11.2f} {r['peak_rss_mb']:12.0f}"
        )
    target = results.get("2", {}).get("speedup_steady")
    if target is not None:
        verdict = "meets" if target >= 1.8 else "misses"
        print(f"\n2-worker steady speed-up {target:.2f}x {verdict} the target of 1.8x (docs/performance.md).")
    print(
        f"{os.cpu_count()} cores; 1-minute load average {load_before:.1f} before, {load_after:.1f} after. "
        "'cores used' well under the worker count means other programs held the cores (timings are then "
        "not comparable)."
    )
    print(f"reproduce: .venv/bin/python benchmarks/mc_scaling.py --runs {args.runs}")
    summary: dict[str, object] = {
        "benchmark": "mc_scaling",
        "scenario": args.scenario.name,
        "runs": args.runs,
    }
    summary.update(cores=os.cpu_count(), load_before=load_before, load_after=load_after)
    print(json.dumps({**summary, **results}))


if __name__ == "__main__":
    main()
