"""samsim's multi-target tracker against Stone Soup's GNN tracker and a per-object FilterPy GNN.

The peer recipe (docs/performance.md; generator and peer runners in ``benchmarks/peers/``): the same
detections (2-D NCV targets, sigma 10 m, Pd 0.95, 10 clutter points
per scan, constant target density) go into

- samsim: ``Tracker(ndim=2, model="ncv", q, gate=3, confirm_hits=3, max_misses=3,
  init_velocity_sigma_mps=300, measurement_sigma_m=sigma)``;
- Stone Soup's standard GNN tracker (``benchmarks/peers/stonesoup_gnn.py``);
- one FilterPy KalmanFilter per track with SciPy's linear_sum_assignment
  (``benchmarks/peers/filterpy_gnn.py``),

all scored by the mean OSPA (c = 100 m, p = 1) of their confirmed tracks after every scan. Each peer
runs at its best: Stone Soup with its k-d tree associator (``DetectionKDTreeGNN2D``) and, up to 50
targets, its dense ``GNNWith2DAssignment`` too; FilterPy in its dense and k-d-tree forms; the faster
form (per CPU second) counts. Only the tracking loops are timed; samsim's compiled
kernels are warmed up first. Every tracker runs ``--repeat`` times (default 5): the median rate, its
range, and the same for the rate per CPU second of the call (set-up included; on a shared machine
the fair measure, as a long run gets a smaller share of the cores than a short one); ratios are taken
from figures measured in the same run. Stone Soup is skipped at 2000 targets.

    python benchmarks/tracking_vs_stonesoup.py --table          # 10, 50, 200, 2000 targets
    python benchmarks/tracking_vs_stonesoup.py --quick          # < 60 s
    python benchmarks/tracking_vs_stonesoup.py --targets 200 --scans 50 --peers filterpy
    python benchmarks/tracking_vs_stonesoup.py --data d50.npz   # a data set in the recipe's format
    python benchmarks/tracking_vs_stonesoup.py --scaling        # samsim alone, 200 to 20 000 targets

Prints one JSON line per case (``ratio`` = samsim / Stone Soup median scans per second,
``ratio_filterpy`` = samsim / the faster FilterPy form, ``ratio_cpu`` and ``ratio_filterpy_cpu`` the
same per CPU second; null when a peer is skipped) and, with
``--table``, a markdown table of every tracker's runs.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent / "peers"))
import filterpy_gnn  # noqa: E402
import stonesoup_gnn  # noqa: E402
from gen import generate, load, scans_of  # noqa: E402
from ospa import mean_ospa  # noqa: E402

from samsim.tracking import Tracker  # noqa: E402

Data = dict[str, NDArray[np.float64]]
Runner = Callable[[Data, dict[str, float]], tuple[float, list[NDArray[np.float64]]]]

TABLE_CASES = [(10, 100), (50, 100), (200, 50), (2000, 50)]
# samsim alone: is its cost per target and scan flat up to 20 000 targets (linear cost)?
SCALING_CASES = [(200, 50), (2000, 50), (5000, 50), (20000, 50)]
STONESOUP_MAX_TARGETS = 200
OSPA_MAX_TARGETS = 5000  # beyond, scoring a run would take far longer than the run
# above this the k-d tree form is several times the faster (benchmarks/peers/stonesoup_gnn.py)
STONESOUP_DENSE_MAX_TARGETS = 50


def run_samsim(data: Data, params: dict[str, float]) -> tuple[float, list[NDArray[np.float64]]]:
    """samsim's tracker set up like the peers; returns (loop seconds, confirmed positions per scan)."""
    scans = scans_of(data)
    times = [float(t) for t in data["times"]]
    tr = Tracker(
        ndim=2,
        model="ncv",
        q=float(params["q"]),
        gate=3.0,
        confirm_hits=3,
        max_misses=3,
        init_velocity_sigma_mps=300.0,
        measurement_sigma_m=float(params["sigma"]),
    )
    estimates: list[NDArray[np.float64]] = []
    t0 = time.perf_counter()
    for t, z in zip(times, scans, strict=True):
        tr.step(t, z)
        estimates.append(tr.mean[tr.is_confirmed][:, :2])
    return time.perf_counter() - t0, estimates


@dataclass
class Timing:
    """Scans per second of one tracker over its runs: wall-clock (the loop) and per CPU second (the
    whole call, set-up included; on a shared machine the steadier of the two), and the mean OSPA,
    which is the same for every run."""

    rates: list[float]
    cpu_rates: list[float]
    ospa: float

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_rates)

    def record(self, name: str) -> dict[str, object]:
        """JSON fields: median, range and runs of the wall-clock and the CPU rates."""
        return {
            f"scans_per_s_{name}": round(self.median, 3),
            f"scans_per_s_{name}_range": [round(min(self.rates), 3), round(max(self.rates), 3)],
            f"scans_per_cpu_s_{name}": round(self.cpu_median, 3),
            f"scans_per_cpu_s_{name}_range": [round(min(self.cpu_rates), 3), round(max(self.cpu_rates), 3)],
            f"runs_{name}": len(self.rates),
        }


def _cell(rates: list[float]) -> str:
    """``median (min–max)`` for the table."""
    med, lo, hi = statistics.median(rates), min(rates), max(rates)
    return f"{_fmt(med)} ({_fmt(lo)}–{_fmt(hi)})"


def _fmt(rate: float) -> str:
    return f"{rate:.3g}" if rate < 100 else f"{rate:.0f}"


def _timed(
    runner: Runner, data: Data, params: dict[str, float], repeat: int, score_ospa: bool = True
) -> Timing:
    """``repeat`` runs of ``runner`` on the data (every tracker the same number: medians of five by
    default, whatever they cost). ``score_ospa`` False leaves the OSPA NaN (its optimal assignment is
    a dense targets × tracks problem per scan, beyond reach at 20 000 targets)."""
    rates, cpu_rates, score = [], [], math.nan
    scans = len(data["times"])
    for _ in range(repeat):
        cpu0 = time.process_time()
        seconds, estimates = runner(data, params)
        cpu = time.process_time() - cpu0
        rates.append(scans / seconds)
        cpu_rates.append(scans / max(cpu, 1e-9))
        if score_ospa:
            score = mean_ospa(estimates, data["truth"])
    return Timing(rates, cpu_rates, score)


def warm_up() -> None:
    """Load or compile samsim's kernels outside any timing."""
    small = generate(targets=20, scans=8, seed=0)
    run_samsim(small, {"q": 1.0, "sigma": 10.0})  # type: ignore[arg-type]


def run_case(data: Data, params: dict[str, float], peers: str, repeat: int) -> dict[str, object]:
    """Run samsim and the chosen peers on one data set; the JSON record of the case (the
    ``Timing`` of each tracker under ``"timings"``, for the table)."""
    targets = int(data["truth"].shape[1])
    scans = len(data["times"])
    ours = _timed(run_samsim, data, params, repeat, score_ospa=targets <= OSPA_MAX_TARGETS)
    timings: dict[str, Timing] = {"samsim": ours}
    rec: dict[str, object] = {"targets": targets, "scans": scans, "repeat": repeat}
    rec["load_average_1min"] = round(os.getloadavg()[0], 2)
    rec |= ours.record("samsim") | {"ospa_samsim": None if math.isnan(ours.ospa) else round(ours.ospa, 3)}
    rec |= {"ratio": None, "ratio_filterpy": None, "ratio_cpu": None, "ratio_filterpy_cpu": None}
    rec |= {"ospa_stonesoup": None, "ospa_filterpy": None}
    if peers in ("all", "filterpy"):
        # FilterPy at its best: the faster of its dense and k-d-tree forms (same OSPA)
        dense = _timed(filterpy_gnn.run, data, params, repeat)
        tree = _timed(functools.partial(filterpy_gnn.run, tree=True), data, params, repeat)
        best = tree if tree.cpu_median > dense.cpu_median else dense
        timings |= {"filterpy dense": dense, "filterpy k-d tree": tree}
        rec["filterpy_form"] = "k-d tree" if best is tree else "dense"
        rec |= dense.record("filterpy_dense") | tree.record("filterpy_tree")
        rec |= {"ratio_filterpy": round(ours.median / best.median, 1), "ospa_filterpy": round(dense.ospa, 3)}
        rec["ratio_filterpy_cpu"] = round(ours.cpu_median / best.cpu_median, 1)
    if peers == "all" and targets <= STONESOUP_MAX_TARGETS:
        # Stone Soup at its best: its own k-d tree associator (DetectionKDTreeGNN2D), and up to
        # STONESOUP_DENSE_MAX_TARGETS also the dense GNNWith2DAssignment, the faster of the two there
        ss = _timed(stonesoup_gnn.run, data, params, repeat)
        timings["stonesoup k-d tree"] = ss
        form = "k-d tree (DetectionKDTreeGNN2D)"
        if targets <= STONESOUP_DENSE_MAX_TARGETS:
            dense_ss = _timed(functools.partial(stonesoup_gnn.run, dense=True), data, params, repeat)
            timings["stonesoup dense"] = dense_ss
            if dense_ss.cpu_median > ss.cpu_median:
                ss, form = dense_ss, "dense (GNNWith2DAssignment)"
        rec |= ss.record("stonesoup") | {"stonesoup_form": form}
        rec |= {"ratio": round(ours.median / ss.median), "ospa_stonesoup": round(ss.ospa, 3)}
        rec["ratio_cpu"] = round(ours.cpu_median / ss.cpu_median)
    rec["timings"] = timings
    return rec


def markdown(records: list[dict[str, object]]) -> str:
    """The records as a markdown table: a row per tracker and case, medians with (min–max)."""
    lines = [
        "| targets × scans | tracker, configuration | runs | scans/s | scans per CPU s "
        "| samsim ÷ it, wall | samsim ÷ it, CPU | OSPA (m) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in records:
        timings: dict[str, Timing] = r["timings"]  # type: ignore[assignment]
        ours = timings["samsim"]
        for name, t in timings.items():
            wall = "1" if name == "samsim" else f"{ours.median / t.median:.0f}×"
            cpu = "1" if name == "samsim" else f"{ours.cpu_median / t.cpu_median:.0f}×"
            row = [f"{r['targets']} × {r['scans']}", name, str(len(t.rates)), _cell(t.rates)]
            row += [_cell(t.cpu_rates), wall, cpu, f"{t.ospa:.3f}"]
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def scaling_markdown(records: list[dict[str, object]]) -> str:
    """samsim's cost per target and scan (CPU microseconds) at each size, relative to the smallest:
    a flat last column is a linear cost."""
    lines = [
        "| targets × scans | runs | scans per CPU s | CPU µs per target-scan "
        "| relative to the first | OSPA (m) |",
        "|---|---|---|---|---|---|",
    ]
    first = None
    for r in records:
        t: Timing = r["timings"]["samsim"]  # type: ignore[index]
        targets = int(str(r["targets"]))
        per = [1e6 / (rate * targets) for rate in t.cpu_rates]
        med = statistics.median(per)
        first = first or med
        lines.append(
            f"| {r['targets']} × {r['scans']} | {len(per)} | {_cell(t.cpu_rates)} "
            f"| {med:.3g} ({min(per):.3g}–{max(per):.3g}) | {med / first:.2f} "
            f"| {'—' if math.isnan(t.ospa) else f'{t.ospa:.3f}'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", type=int, default=200)
    ap.add_argument("--scans", type=int, default=None, help="default: 100, or 50 from 200 targets up")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--peers", choices=["all", "filterpy", "none"], default="all")
    ap.add_argument("--data", type=Path, default=None, help="a recipe .npz instead of --targets")
    ap.add_argument("--repeat", type=int, default=5, help="runs of every tracker (median and range)")
    ap.add_argument("--quick", action="store_true", help="one small case (50 targets, 40 scans), < 60 s")
    ap.add_argument("--table", action="store_true", help="10, 50, 200, 2000 targets and a markdown table")
    ap.add_argument(
        "--scaling", action="store_true", help="samsim alone at 200 to 20 000 targets: cost per target-scan"
    )
    a = ap.parse_args(argv)
    if a.scaling:
        a.peers = "none"

    warm_up()
    cases: list[tuple[Data, dict[str, float]]] = []
    if a.data is not None:
        cases.append(load(a.data))
    else:
        if a.scaling:
            sizes = SCALING_CASES
        elif a.table:
            sizes = TABLE_CASES
        elif a.quick:
            sizes = [(50, 40)]
        else:
            sizes = [(a.targets, a.scans or (100 if a.targets < 200 else 50))]
        for targets, scans in sizes:
            params = {"targets": targets, "scans": scans, "seed": a.seed, "dt": 1.0, "clutter": 10.0}
            params |= {"pd": 0.95, "sigma": 10.0, "q": 1.0}
            cases.append((generate(targets, scans, a.seed), params))  # type: ignore[arg-type]
    repeat = 1 if a.quick else a.repeat
    records = []
    for data, params in cases:
        rec = run_case(data, params, a.peers, repeat)
        print(json.dumps({k: v for k, v in rec.items() if k != "timings"}), flush=True)
        records.append(rec)
    if a.table:
        print()
        print(markdown(records))
    if a.scaling:
        print()
        print(scaling_markdown(records))


if __name__ == "__main__":
    main()
