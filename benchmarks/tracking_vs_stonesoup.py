"""samsim's multi-target tracker against Stone Soup's GNN tracker and a per-object FilterPy GNN.

The peer recipe (docs/performance.md; generator and peer runners in ``benchmarks/peers/``): the same
detections (2-D NCV targets, sigma 10 m, Pd 0.95, 10 clutter points
per scan, constant target density) go into

- samsim: ``Tracker(ndim=2, model="ncv", q, gate=3, confirm_hits=3, max_misses=3,
  init_velocity_sigma_mps=300, measurement_sigma_m=sigma)``;
- Stone Soup's standard GNN tracker (``benchmarks/peers/stonesoup_gnn.py``);
- one FilterPy KalmanFilter per track with SciPy's linear_sum_assignment
  (``benchmarks/peers/filterpy_gnn.py``),

all scored by the mean OSPA (c = 100 m, p = 1) of their confirmed tracks after every scan. Only the
tracking loops are timed; samsim's compiled kernels are warmed up first. samsim and FilterPy are
timed as the median of ``--repeat`` runs (FilterPy's stop once 20 s are spent), Stone Soup once
(it is slow); the machine is shared, so ratios are taken from figures measured in the same run.
Stone Soup is skipped at 2000 targets.

    python benchmarks/tracking_vs_stonesoup.py --table          # 10, 50, 200, 2000 targets
    python benchmarks/tracking_vs_stonesoup.py --quick          # < 60 s
    python benchmarks/tracking_vs_stonesoup.py --targets 200 --scans 50 --peers filterpy
    python benchmarks/tracking_vs_stonesoup.py --data d50.npz   # a data set in the recipe's format

Prints one JSON line per case (``ratio`` = samsim / Stone Soup scans per second, ``ratio_filterpy``
= samsim / FilterPy; null when a peer is skipped) and, with ``--table``, a markdown table.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time
from collections.abc import Callable
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
STONESOUP_MAX_TARGETS = 200


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


def _timed(
    runner: Runner, data: Data, params: dict[str, float], repeat: int, budget_s: float = 20.0
) -> tuple[float, float]:
    """Median scans per second over up to ``repeat`` runs (fewer once ``budget_s`` of loop time is
    spent; at least one) and the mean OSPA, which is the same for every run."""
    rates, score, spent = [], 0.0, 0.0
    while len(rates) < repeat and (not rates or spent < budget_s):
        seconds, estimates = runner(data, params)
        spent += seconds
        rates.append(len(data["times"]) / seconds)
        score = mean_ospa(estimates, data["truth"])
    return statistics.median(rates), score


def warm_up() -> None:
    """Load or compile samsim's kernels outside any timing."""
    small = generate(targets=20, scans=8, seed=0)
    run_samsim(small, {"q": 1.0, "sigma": 10.0})  # type: ignore[arg-type]


def run_case(data: Data, params: dict[str, float], peers: str, repeat: int) -> dict[str, object]:
    """Run samsim and the chosen peers on one data set; the JSON record of the case."""
    targets = int(data["truth"].shape[1])
    scans = len(data["times"])
    rate, score = _timed(run_samsim, data, params, repeat)
    rec: dict[str, object] = {
        "targets": targets,
        "scans": scans,
        "scans_per_s_samsim": round(rate, 1),
        "scans_per_s_stonesoup": None,
        "scans_per_s_filterpy": None,
        "ratio": None,
        "ratio_filterpy": None,
        "ospa_samsim": round(score, 3),
        "ospa_stonesoup": None,
        "ospa_filterpy": None,
    }
    if peers in ("all", "filterpy"):
        # FilterPy at its best: the faster of its dense and k-d-tree forms (same OSPA)
        dense_rate, fp_score = _timed(filterpy_gnn.run, data, params, repeat)
        tree_rate, _ = _timed(functools.partial(filterpy_gnn.run, tree=True), data, params, repeat)
        fp_rate = max(dense_rate, tree_rate)
        rec["filterpy_form"] = "k-d tree" if tree_rate > dense_rate else "dense"
        rec["scans_per_s_filterpy_dense"], rec["scans_per_s_filterpy_tree"] = (
            round(dense_rate, 2),
            round(tree_rate, 2),
        )
        rec.update(scans_per_s_filterpy=round(fp_rate, 2), ratio_filterpy=round(rate / fp_rate, 1))
        rec["ospa_filterpy"] = round(fp_score, 3)
    if peers == "all" and targets <= STONESOUP_MAX_TARGETS:
        ss_rate, ss_score = _timed(stonesoup_gnn.run, data, params, repeat=repeat)
        rec.update(scans_per_s_stonesoup=round(ss_rate, 3), ratio=round(rate / ss_rate))
        rec["ospa_stonesoup"] = round(ss_score, 3)
    return rec


def markdown(records: list[dict[str, object]]) -> str:
    """The records as a markdown table."""

    def cell(v: object, suffix: str = "") -> str:
        return "skipped" if v is None else f"{v}{suffix}"

    lines = [
        "| targets | scans | samsim scans/s | Stone Soup scans/s | FilterPy scans/s | samsim ÷ Stone Soup "
        "| samsim ÷ FilterPy | OSPA samsim (m) | OSPA Stone Soup (m) | OSPA FilterPy (m) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in records:
        row = [
            r["targets"], r["scans"], r["scans_per_s_samsim"], cell(r["scans_per_s_stonesoup"]),
            cell(r["scans_per_s_filterpy"]), cell(r["ratio"], "×"), cell(r["ratio_filterpy"], "×"),
            r["ospa_samsim"], cell(r["ospa_stonesoup"]), cell(r["ospa_filterpy"]),
        ]  # fmt: skip
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", type=int, default=200)
    ap.add_argument("--scans", type=int, default=None, help="default: 100, or 50 from 200 targets up")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--peers", choices=["all", "filterpy", "none"], default="all")
    ap.add_argument("--data", type=Path, default=None, help="a recipe .npz instead of --targets")
    ap.add_argument("--repeat", type=int, default=5, help="runs of samsim and FilterPy (median taken)")
    ap.add_argument("--quick", action="store_true", help="one small case (50 targets, 40 scans), < 60 s")
    ap.add_argument("--table", action="store_true", help="10, 50, 200, 2000 targets and a markdown table")
    a = ap.parse_args(argv)

    warm_up()
    cases: list[tuple[Data, dict[str, float]]] = []
    if a.data is not None:
        cases.append(load(a.data))
    else:
        if a.table:
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
        print(json.dumps(rec), flush=True)
        records.append(rec)
    if a.table:
        print()
        print(markdown(records))


if __name__ == "__main__":
    main()
