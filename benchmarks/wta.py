"""Weapon-target assignment benchmark (targets in docs/performance.md).

(a) samsim's exact solver against an independent HiGHS MILP written here, on random Ahuja et al.
    (2007) instances (v_j ~ U(25, 100), p_ij ~ U(0.6, 0.9)): the optima must agree.
    * one unit per weapon: a set-partitioning MILP over the teams a target can receive, every team of
      up to K_j weapons enumerated. K_j comes from an exchange argument (below), so the restricted
      MILP is exact, not merely an upper bound;
    * two units per weapon type (small sizes): a multiplicative flow MILP in the convex-hull
      (disaggregated) form of "the value leaving stage i is q_ij**k times the value entering it".
(b) solve_wta (default settings) on the public instances of Andersen, Pavlikov & Toffolo (2022) in
    ../shared/peers/wta next to the repository and on any --instance FILE: objective, gap to the
    best-known objective in best_known.csv, seconds.
(c) a 200 x 200 random instance: the heuristic's time and its gap to the best bound the exact
    solver's MILP (HiGHS) proves within --bound-time seconds.

Run:  .venv/bin/python benchmarks/wta.py [--quick] [--instance FILE ...] [--bound-time 60]

Exchange argument for (a): with one unit per weapon and m <= n, a team of t units at target j
leaves at least E = n - m + t - 1 targets empty. Moving team member u to the best empty target gains
at least the E-th smallest v_k p_uk (k != j) and loses at most v_j p_uj prod(t - 1 largest q_ij,
i != u). If the gain bound beats the loss bound for every u, no optimal assignment has a team of
t or more units at j (both bounds only improve as t grows).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray

from samsim.c2.wta import expected_surviving_value, solve_wta, wta_lower_bound

REPO = Path(__file__).resolve().parents[1]
PEERS = REPO.parent / "shared" / "peers" / "wta"

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def ahuja_instance(
    rng: np.random.Generator, m: int, n: int, stock: int
) -> tuple[FloatArray, FloatArray, IntArray]:
    return rng.uniform(25.0, 100.0, n), rng.uniform(0.6, 0.9, (m, n)), np.full(m, stock, np.int64)


def read_instance(path: Path) -> tuple[FloatArray, FloatArray, IntArray]:
    """Line 1 ``m n mu``; then n lines ``v_j``; then m*n lines ``i j p_ij`` (APT 2022 format)."""
    tok = path.read_text().split()
    m, n, mu = int(tok[0]), int(tok[1]), int(tok[2])
    value = np.array(tok[3 : 3 + n], dtype=np.float64)
    triples = np.array(tok[3 + n : 3 + n + 3 * m * n], dtype=np.float64).reshape(-1, 3)
    pk = np.zeros((m, n))
    pk[triples[:, 0].astype(int), triples[:, 1].astype(int)] = triples[:, 2]
    return value, pk, np.full(m, mu, np.int64)


def _highs(time_limit_s: float) -> Any:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", time_limit_s)
    h.setOptionValue("mip_rel_gap", 1e-8)
    return h


# -------------------------------------------------------------------------------- independent MILPs


def max_team_sizes(value: FloatArray, pk: FloatArray) -> list[int]:
    """Largest team each target can hold in an optimal assignment (one unit per weapon, m <= n)."""
    m, n = pk.shape
    q = 1.0 - pk
    sizes = []
    for j in range(n):
        size = m
        for t in range(2, m + 1):
            empty = n - m + t - 1
            ok = True
            for u in range(m):
                others = np.sort(np.delete(q[:, j], u))[::-1][: t - 1]
                loss = value[j] * pk[u, j] * np.prod(others)
                gains = np.sort(np.delete(value * pk[u], j))
                if empty < 1 or empty > gains.size or not gains[empty - 1] > loss:
                    ok = False
                    break
            if ok:
                size = t - 1
                break
        sizes.append(size)
    return sizes


def team_milp(value: FloatArray, pk: FloatArray, time_limit_s: float) -> tuple[float, float, str]:
    """Set partitioning over teams: one team per target (the empty one included), each weapon in
    at most one team; cost v_j * prod_{i in team} (1 - p_ij). Exact with the sizes above."""
    m, n = pk.shape
    if m > n:
        raise ValueError("the exchange argument needs m <= n")
    q = 1.0 - pk
    h = _highs(time_limit_s)
    per_weapon: list[list[Any]] = [[] for _ in range(m)]
    cost = []
    for j, k_max in enumerate(max_team_sizes(value, pk)):
        pick = []
        for t in range(k_max + 1):
            for team in itertools.combinations(range(m), t):
                var = h.addBinary()
                pick.append(var)
                cost.append(float(value[j] * np.prod(q[list(team), j])) * var)
                for i in team:
                    per_weapon[i].append(var)
        h.addConstr(sum(pick) == 1)
    for i in range(m):
        h.addConstr(sum(per_weapon[i]) <= 1)
    h.minimize(sum(cost))
    info = h.getInfo()
    return (
        float(info.objective_function_value),
        float(info.mip_dual_bound),
        h.modelStatusToString(h.getModelStatus()),
    )


def flow_milp(
    value: FloatArray, pk: FloatArray, stock: IntArray, time_limit_s: float
) -> tuple[float, float, str]:
    """Target j's value passes weapon stages i = 1..m; at stage i it is split over shot counts k
    (binary w_ijk, flow rho_ijk <= v_j w_ijk) and leaves multiplied by (1 - p_ij)**k. The
    disaggregated form is the convex hull of each stage's disjunction (Balas 1979)."""
    m, n = pk.shape
    q = 1.0 - pk
    h = _highs(time_limit_s)
    shots: list[list[Any]] = [[] for _ in range(m)]
    leaving = []
    for j in range(n):
        entering: Any = float(value[j])
        for i in range(m):
            if pk[i, j] <= 0.0 or stock[i] == 0:
                continue
            w = [h.addBinary() for _ in range(int(stock[i]) + 1)]
            rho = [h.addVariable(lb=0.0) for _ in w]
            h.addConstr(sum(w) == 1)
            h.addConstr(sum(rho) == entering)
            for k in range(len(w)):
                h.addConstr(rho[k] <= float(value[j]) * w[k])
                if k:
                    shots[i].append(k * w[k])
            out = h.addVariable(lb=0.0)
            h.addConstr(out == sum(float(q[i, j] ** k) * rho[k] for k in range(len(w))))
            entering = out
        leaving.append(entering)
    for i in range(m):
        if shots[i]:
            h.addConstr(sum(shots[i]) <= int(stock[i]))
    h.minimize(sum(leaving))
    info = h.getInfo()
    return (
        float(info.objective_function_value),
        float(info.mip_dual_bound),
        h.modelStatusToString(h.getModelStatus()),
    )


# -------------------------------------------------------------------------------- sections


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[Any, float]:
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times)


def section_a(sizes: list[int], reps: int, flow_sizes: list[int], time_limit_s: float) -> bool:
    print("\n(a) exact solver vs an independent HiGHS MILP, random Ahuja instances")
    print(
        f"{'m x n':>7} {'units':>5} {'rep':>3} {'samsim exact':>14} {'s':>6}"
        f" {'independent':>14} {'s':>6} {'status':>12} {'rel diff':>9}"
    )
    rng = np.random.default_rng(2007)
    all_equal = True
    cases = [(s, 1) for s in sizes] + [(s, 2) for s in flow_sizes]
    for size, units in cases:
        for rep in range(reps):
            value, pk, stock = ahuja_instance(rng, size, size, units)
            x, t_ours = timed(lambda: solve_wta(value, pk, stock, method="exact"))  # noqa: B023
            ours = expected_surviving_value(value, pk, x)
            if units == 1:
                (ref, _, status), t_ref = timed(lambda: team_milp(value, pk, time_limit_s))  # noqa: B023
            else:
                (ref, _, status), t_ref = timed(lambda: flow_milp(value, pk, stock, time_limit_s))  # noqa: B023
            diff = (ours - ref) / ref
            equal = status == "Optimal" and abs(diff) <= 1e-6
            all_equal &= equal or status != "Optimal"
            print(
                f"{size:>3}x{size:<3} {units:>5} {rep:>3} {ours:>14.6f} {t_ours:>6.2f}"
                f" {ref:>14.6f} {t_ref:>6.2f} {status:>12} {diff:>9.1e}"
            )
            print(
                json.dumps(
                    {
                        "section": "a",
                        "instance": f"ahuja_{size}x{size}x{units}_{rep}",
                        "exact_objective": ours,
                        "independent_objective": ref,
                        "independent_status": status,
                        "equal": equal,
                        "exact_seconds": round(t_ours, 4),
                        "independent_seconds": round(t_ref, 4),
                    }
                )
            )
    print("(a) optima agree on every instance the independent MILP solved:", all_equal)
    return all_equal


def load_best_known(folder: Path) -> dict[str, float]:
    path = folder / "best_known.csv"
    if not path.is_file():
        return {}
    with path.open() as fh:
        return {row["instance"]: float(row["best_known_objective"]) for row in csv.DictReader(fh)}


def section_b(extra: list[Path], repeat: int) -> None:
    print("\n(b) public instances (Andersen, Pavlikov & Toffolo 2022), solve_wta default settings")
    files: list[Path] = []
    if PEERS.is_dir():
        files += sorted(PEERS.glob("wta_*.txt"))
        print(f"reading {PEERS}")
    else:
        print(f"public instances ABSENT: {PEERS} does not exist; only --instance files are run")
    files += extra
    best = load_best_known(PEERS)
    for f in extra:
        best.update(load_best_known(f.parent))
    print(
        f"{'instance':<16} {'m':>4} {'n':>4} {'units':>5} {'objective':>12}"
        f" {'best known':>12} {'gap %':>8} {'s':>7}"
    )
    for path in files:
        value, pk, stock = read_instance(path)
        x, secs = timed(lambda: solve_wta(value, pk, stock), repeat)  # noqa: B023
        obj = expected_surviving_value(value, pk, x)
        bk = best.get(path.stem)
        gap = None if bk is None else 100.0 * (obj - bk) / bk
        gap_s = "n/a" if gap is None else f"{gap:.3f}"
        bk_s = "n/a" if bk is None else f"{bk:.4f}"
        m, n = pk.shape
        print(
            f"{path.stem:<16} {m:>4} {n:>4} {int(stock[0]):>5} {obj:>12.4f}"
            f" {bk_s:>12} {gap_s:>8} {secs:>7.3f}"
        )
        print(
            json.dumps({"instance": path.stem, "objective": obj, "gap_pct": gap, "seconds": round(secs, 4)})
        )


def section_c(bound_time_s: float, repeat: int) -> None:
    print("\n(c) 200 weapons x 200 targets (Ahuja generator, one unit each), heuristic vs the MILP bound")
    value, pk, stock = ahuja_instance(np.random.default_rng(200), 200, 200, 1)
    x, secs = timed(lambda: solve_wta(value, pk, stock, method="heuristic"), repeat)
    obj = expected_surviving_value(value, pk, x)
    lb, lb_secs = timed(lambda: wta_lower_bound(value, pk, stock, time_limit_s=bound_time_s))
    gap = 100.0 * (obj - lb) / lb
    print(f"heuristic objective {obj:.4f} in {secs:.4f} s (median of {repeat})")
    print(f"MILP best bound     {lb:.4f} after {lb_secs:.1f} s (limit {bound_time_s:g} s)")
    print(f"gap to the bound    {gap:.4f} %   target: < 1 % in < 0.1 s")
    print(
        json.dumps(
            {
                "instance": "ahuja_200x200x1",
                "objective": obj,
                "bound": lb,
                "gap_pct": gap,
                "seconds": round(secs, 4),
                "bound_seconds": round(lb_secs, 1),
            }
        )
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument(
        "--instance", type=Path, action="append", default=[], help="extra instance file (APT format)"
    )
    ap.add_argument("--quick", action="store_true", help="small sizes, one repetition, short bound")
    ap.add_argument("--bound-time", type=float, default=60.0, help="HiGHS time for the 200x200 bound (s)")
    ap.add_argument("--sections", default="abc", help="which of a, b, c to run")
    args = ap.parse_args(argv)
    print("command:", " ".join(["python", *sys.argv]))
    # compile the numba kernels (cached on disk) before any timing
    solve_wta([1.0, 2.0], [[0.5, 0.6], [0.7, 0.2]], [2, 1], method="heuristic")
    ok = True
    if "a" in args.sections:
        sizes = [5, 10] if args.quick else [5, 10, 15, 20]
        ok = section_a(sizes, 1 if args.quick else 3, [4] if args.quick else [4, 6], 120.0)
    if "b" in args.sections:
        section_b(args.instance, 1 if args.quick else 3)
    if "c" in args.sections:
        section_c(10.0 if args.quick else args.bound_time, 3 if args.quick else 5)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
