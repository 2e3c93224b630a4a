"""Weapon-target assignment benchmark (targets in docs/performance.md).

(a) samsim's exact solver against an independent HiGHS MILP written here, on random Ahuja et al.
    (2007) instances (v_j ~ U(25, 100), p_ij ~ U(0.6, 0.9)): the optima must agree.
    * one unit per weapon: a set-partitioning MILP over the teams a target can receive, every team of
      up to K_j weapons enumerated. K_j comes from an exchange argument (below), so the restricted
      MILP is exact, not merely an upper bound;
    * two units per weapon type (small sizes): a multiplicative flow MILP in the convex-hull
      (disaggregated) form of "the value leaving stage i is q_ij**k times the value entering it".
(b) The public instances of Andersen, Pavlikov & Toffolo (2022), committed under
    benchmarks/data/wta (README there: source, licence, how they are stored) or read from any
    --data FOLDER of their files (wta_MxNxU.txt): solve_wta's default heuristic, then its anytime
    search with --budgets seconds (default 2 and 60; --repeat runs each, medians and spread), the
    gap to the published best objective, and the lower bound wta_lower_bound proves (with
    --oa-b-time, also the independent bound of (c)). Each instance is marked in-sample (looked at
    while the anytime search was tuned) or out-of-sample.
(d) Out-of-sample instances drawn here from the public instances' distribution (v_j uniform on the
    integers 1..100, p_ij ~ U(0, 1), n = 2m, mu units per type), fixed seeds: the anytime search's
    gap to wta_lower_bound.
(c) a 200 x 200 random instance: the heuristic's time and its gap to two lower bounds: the one
    samsim proves within --bound-time seconds (wta_lower_bound), and one from a second formulation
    that shares no code with samsim's solver (oa_lower_bound below: an outer-approximation MILP of
    the log-transformed problem, HiGHS's dual bound, within --oa-time seconds).

Run:  .venv/bin/python benchmarks/wta.py [--quick] [--sections abdc] [--data FOLDER]
          [--budgets 2,60] [--repeat 3] [--instance FILE ...] [--bound-time 60] [--oa-time 600]
          [--oa-b-time 0]

Exchange argument for (a): with one unit per weapon and m <= n, a team of t units at target j
leaves at least E = n - m + t - 1 targets empty. Moving team member u to the best empty target gains
at least the E-th smallest v_k p_uk (k != j) and loses at most v_j p_uj prod(t - 1 largest q_ij,
i != u). If the gain bound beats the loss bound for every u, no optimal assignment has a team of
t or more units at j (both bounds only improve as t grows).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import lzma
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray

from samsim.c2.wta import expected_surviving_value, solve_wta, wta_lower_bound

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "benchmarks" / "data" / "wta"
PEERS = DATA  # the folder scripts/validate.py reads its four plain-text public instances from

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def ahuja_instance(
    rng: np.random.Generator, m: int, n: int, stock: int
) -> tuple[FloatArray, FloatArray, IntArray]:
    return rng.uniform(25.0, 100.0, n), rng.uniform(0.6, 0.9, (m, n)), np.full(m, stock, np.int64)


def read_instance(path: Path) -> tuple[FloatArray, FloatArray, IntArray]:
    """Line 1 ``m n mu``; then n lines ``v_j``; then m*n lines ``i j p_ij`` (APT 2022 format).
    A ``.xz`` file is decompressed first."""
    return parse_instance(_read_text(path))


def _read_text(path: Path) -> str:
    raw = lzma.decompress(path.read_bytes()) if path.suffix == ".xz" else path.read_bytes()
    return raw.decode("ascii")


def parse_instance(text: str) -> tuple[FloatArray, FloatArray, IntArray]:
    tok = text.split()
    m, n, mu = int(tok[0]), int(tok[1]), int(tok[2])
    value = np.array(tok[3 : 3 + n], dtype=np.float64)
    triples = np.array(tok[3 + n : 3 + n + 3 * m * n], dtype=np.float64).reshape(-1, 3)
    pk = np.zeros((m, n))
    pk[triples[:, 0].astype(int), triples[:, 1].astype(int)] = triples[:, 2]
    return value, pk, np.full(m, mu, np.int64)


@dataclass
class Public:
    """One public instance: where its text comes from and what has been published about it."""

    name: str
    path: Path  # the file holding it (for a stored instance, the mu = 1 file of its size)
    mu: int | None  # units per type to write into line 1 (stored instances), None: as read
    final_newline: bool
    sha256: str | None  # of the original file, when known
    best: float | None  # published best objective
    best_by: str
    lower: float | None  # published best lower bound
    sample: str  # "in" (looked at while tuning) or "out"

    def text(self) -> str:
        """The instance file's text, byte for byte as the authors publish it (checked against
        ``sha256`` when known: the stored mu = 2 and 3 files differ from mu = 1 in line 1 only)."""
        text = _read_text(self.path)
        if self.mu is not None:
            head, rest = text.split("\n", 1)
            m, n, _ = head.split()
            text = f"{m} {n} {self.mu}\n{rest}"
            text = text if self.final_newline else text.rstrip("\n")
        if self.sha256 is not None and hashlib.sha256(text.encode("ascii")).hexdigest() != self.sha256:
            raise ValueError(f"{self.name}: the text does not match the published file (sha256)")
        return text


def public_instances(folder: Path) -> list[Public]:
    """The instances in ``folder``: the committed store (``instances.csv``) or a folder of the
    authors' files, with the published values from ``instances.csv``, ``best_known.csv`` or the
    authors' ``results.csv`` when there."""
    manifest = folder / "instances.csv"
    if manifest.is_file():
        with manifest.open() as fh:
            rows = list(csv.DictReader(fh))
        return [
            Public(
                r["instance"],
                folder / r["stored_as"],
                None if r["stored_as"] == r["instance"] + ".txt" else int(r["units_per_type"]),
                r["final_newline"] == "yes",
                r["sha256"],
                float(r["published_best"]),
                r["published_best_by"],
                float(r["published_lower_bound"]),
                r["sample"],
            )
            for r in rows
        ]
    best = load_best_known(folder)
    key = re.compile(r"wta_(\d+)x(\d+)x(\d+)")

    def size(p: Path) -> tuple[int, ...]:
        found = key.match(p.stem)
        return tuple(int(g) for g in found.groups()) if found else (0, 0, 0)

    return [
        Public(p.stem, p, None, True, None, best.get(p.stem), "", None, "n/a")
        for p in sorted(folder.glob("wta_*.txt"), key=size)
    ]


def _highs(time_limit_s: float) -> Any:
    h = highspy.Highs()  # type: ignore[no-untyped-call]
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


def oa_lower_bound(
    value: FloatArray, pk: FloatArray, stock: IntArray, time_limit_s: float, tol: float = 1e-6
) -> tuple[float, float, int]:
    """A lower bound on the optimum from a second formulation, sharing no code with samsim's solver.

    With ``y_j = sum_i x_ij ln(1 - p_ij)`` the objective is ``sum_j v_j exp(y_j)``, convex in ``y``
    (Ahuja et al. 2007, section 3). Each ``v_j exp(y)`` lies above its tangent at any point ``a``,
    ``v_j e^a (1 + y - a)``, so the MILP that minimises ``sum_j z_j`` under ``z_j >=`` a finite set of
    tangents (integer ``x`` within the stocks) is a relaxation: the dual bound HiGHS proves for it,
    optimal or stopped at its time limit, is a valid lower bound (outer approximation; Duran &
    Grossmann 1986), to HiGHS's feasibility tolerance (1e-7 a row). Tangents start on a grid of
    ``y`` and are added where a round's solution is under-estimated (Kelley's cutting planes), until
    the solution's true value is within ``tol`` of the bound or ``time_limit_s`` is spent.

    Returns (best lower bound, true objective of the best assignment found, rounds).
    """
    m, n = pk.shape
    # p_ij = 1 is read as q = 1e-300: the surviving value is then overstated by at most 1e-300 v_j
    log_q = np.log(np.maximum(1.0 - pk, 1e-300))
    t_end = time.perf_counter() + time_limit_s
    h = _highs(time_limit_s)
    h.setOptionValue("mip_rel_gap", tol / 10.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    inf = highspy.kHighsInf
    usable = [(i, j) for i in range(m) for j in range(n) if pk[i, j] > 0.0 and stock[i] > 0]
    x = {ij: h.addIntegral(lb=0.0, ub=float(stock[ij[0]])) for ij in usable}
    y = [h.addVariable(lb=-inf, ub=0.0) for _ in range(n)]
    z = [h.addVariable(lb=0.0, obj=1.0) for _ in range(n)]
    for j in range(n):
        h.addConstr(y[j] == sum(float(log_q[i, j]) * x[i, j] for i in range(m) if (i, j) in x))
    for i in range(m):
        row = [x[i, j] for j in range(n) if (i, j) in x]
        if row:
            h.addConstr(sum(row) <= float(stock[i]))

    def tangent(j: int, a: float) -> None:
        slope = float(value[j] * np.exp(a))
        h.addConstr(z[j] - slope * y[j] >= slope * (1.0 - a))

    # the first grid: survival from 1 down to e^-14, steps of 0.25 in y (under-estimate <= 0.8 %)
    for j in range(n):
        for a in np.arange(0.0, -14.0, -0.25):
            tangent(j, float(a))
    lower, best, rounds = -np.inf, np.inf, 0
    while True:
        rounds += 1
        h.setOptionValue("time_limit", max(t_end - time.perf_counter(), 1e-3))
        h.minimize()
        info = h.getInfo()
        lower = max(lower, float(info.mip_dual_bound))
        if info.primal_solution_status != 2:  # no feasible solution: the bound is all there is
            break
        col = np.asarray(h.getSolution().col_value)
        xs = np.zeros((m, n))
        for ij, var in x.items():
            xs[ij] = round(col[var.index])
        y_true = (xs * log_q).sum(axis=0)
        best = min(best, float(value @ np.exp(y_true)))
        if best - lower <= tol * best or time.perf_counter() >= t_end:
            break
        z_val = col[[v.index for v in z]]
        short = np.flatnonzero(z_val < value * np.exp(y_true) * (1.0 - tol / 10.0))
        if short.size == 0:
            break
        for j in short:
            tangent(int(j), float(y_true[j]))
    return lower, best, rounds


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
    """Published best objectives by instance name: from ``instances.csv`` (the committed store),
    ``best_known.csv`` (columns instance, best_known_objective) or the authors' ``results.csv``
    (the smallest upper bound over their methods)."""
    if (folder / "instances.csv").is_file():
        with (folder / "instances.csv").open() as fh:
            return {r["instance"]: float(r["published_best"]) for r in csv.DictReader(fh)}
    if (folder / "best_known.csv").is_file():
        with (folder / "best_known.csv").open() as fh:
            return {r["instance"]: float(r["best_known_objective"]) for r in csv.DictReader(fh)}
    best: dict[str, float] = {}
    if (folder / "results.csv").is_file():
        for line in (folder / "results.csv").read_text().splitlines():
            f = line.split(",")
            if len(f) >= 7 and f[1].isdigit():
                name = f"wta_{f[1]}x{f[2]}x{f[3]}"
                best[name] = min(best.get(name, np.inf), float(f[6]))
    return best


def _spread(xs: list[float], fmt: str) -> str:
    """Median and, when runs differ, the range: "1.23 (1.20-1.31)"."""
    med = format(statistics.median(xs), fmt)
    lo, hi = format(min(xs), fmt), format(max(xs), fmt)
    return med if lo == hi else f"{med} ({lo}-{hi})"


def anytime_runs(
    value: FloatArray, pk: FloatArray, stock: IntArray, budget: float, repeat: int
) -> tuple[list[float], list[float]]:
    """Objectives and wall-clock seconds of ``repeat`` anytime runs with a ``budget`` s limit."""
    objs, times = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        x = solve_wta(value, pk, stock, method="heuristic", time_limit_s=budget)
        times.append(time.perf_counter() - t0)
        objs.append(expected_surviving_value(value, pk, x))
    return objs, times


def section_b(
    folder: Path, extra: list[Path], budgets: list[float], repeat: int, oa_time_s: float = 0.0
) -> None:
    print("\n(b) public instances (Andersen, Pavlikov & Toffolo 2022)")
    insts = public_instances(folder) if folder.is_dir() else []
    if folder.is_dir():
        print(f"reading {folder.relative_to(REPO) if folder.is_relative_to(REPO) else folder}")
    else:
        print(f"no instance folder {folder}; only --instance files are run")
    insts += [
        Public(p.stem, p, None, True, None, load_best_known(p.parent).get(p.stem), "", None, "n/a")
        for p in extra
    ]
    heads = ["instance", "sample", "default gap %", "default s"]
    heads += [f"{b:g} s: gap %" for b in budgets] + [f"{b:g} s: s" for b in budgets]
    heads += ["bound gap %", "published gap %"]
    if oa_time_s > 0:
        heads += ["independent bound", "its gap %", "its CPU s"]
    print("| " + " | ".join(heads) + " |")
    print("|" + "---|" * len(heads))
    for inst in insts:
        value, pk, stock = parse_instance(inst.text())
        best = inst.best

        def gap(obj: float, ref: float | None = best) -> float | None:
            return None if ref is None else 100.0 * (obj - ref) / ref

        def fmt(g: float | None) -> str:
            return "n/a" if g is None else f"{g:+.4f}"

        x, t_def = timed(lambda: solve_wta(value, pk, stock, method="heuristic"))  # noqa: B023
        f_def = expected_surviving_value(value, pk, x)
        record: dict[str, Any] = {
            "section": "b",
            "instance": inst.name,
            "sample": inst.sample,
            "published_best": best,
            "default_objective": f_def,
            "default_seconds": round(t_def, 4),
        }
        gaps: list[str] = []
        secs: list[str] = []
        f_all: list[float] = [f_def]
        for budget in budgets:
            objs, times = anytime_runs(value, pk, stock, budget, repeat)
            f_all += objs
            g = [gap(o) for o in objs]
            gaps.append("n/a" if None in g else _spread([float(v) for v in g if v is not None], "+.4f"))
            secs.append(_spread(times, ".2f"))
            record[f"budget_{budget:g}s"] = {"objectives": objs, "seconds": [round(t, 3) for t in times]}
        bound = wta_lower_bound(value, pk, stock, time_limit_s=max(budgets))
        f_min = min(f_all)
        record["lower_bound"] = bound
        record["load_average_1min"] = round(os.getloadavg()[0], 2)
        record["best_objective"] = f_min
        published_gap = None if inst.lower is None or best is None else 100.0 * (best - inst.lower) / best
        row = [inst.name, inst.sample, fmt(gap(f_def)), f"{t_def:.2f}", *gaps, *secs]
        row += [f"{100.0 * (f_min - bound) / f_min:.4f}", fmt(published_gap)]
        if oa_time_s > 0:
            cpu0 = time.process_time()
            oa, _, _ = oa_lower_bound(value, pk, stock, oa_time_s)
            oa_cpu = time.process_time() - cpu0
            row += [f"{oa:.6f}", f"{100.0 * (f_min - oa) / f_min:.6f}", f"{oa_cpu:.1f}"]
            record |= {"independent_bound": oa, "independent_cpu_seconds": round(oa_cpu, 1)}
        print("| " + " | ".join(row) + " |")
        print(json.dumps(record))


def section_d(sizes: list[int], mus: list[int], budget: float, repeat: int) -> None:
    print(f"\n(d) out-of-sample instances of the public distribution, anytime search with {budget:g} s")
    print("| m x n x mu | seed | objective | s | lower bound | gap % |")
    print("|---|---|---|---|---|---|")
    for m in sizes:
        for mu in mus:
            seed = 1000 * m + mu
            rng = np.random.default_rng(seed)
            value = rng.integers(1, 101, 2 * m).astype(np.float64)
            pk = rng.random((m, 2 * m))
            stock = np.full(m, mu, np.int64)
            objs, times = anytime_runs(value, pk, stock, budget, repeat)
            bound = wta_lower_bound(value, pk, stock, time_limit_s=60.0)
            gaps = [100.0 * (o - bound) / o for o in objs]
            print(
                f"| {m}x{2 * m}x{mu} | {seed} | {_spread(objs, '.6f')} | {_spread(times, '.2f')} "
                f"| {bound:.6f} | {_spread(gaps, '.4f')} |"
            )
            print(
                json.dumps(
                    {
                        "section": "d",
                        "instance": f"gen_{m}x{2 * m}x{mu}",
                        "seed": seed,
                        "objectives": objs,
                        "seconds": [round(t, 3) for t in times],
                        "lower_bound": bound,
                    }
                )
            )


def section_c(bound_time_s: float, repeat: int, oa_time_s: float) -> None:
    print("\n(c) 200 weapons x 200 targets (Ahuja generator, one unit each), heuristic vs two bounds")
    value, pk, stock = ahuja_instance(np.random.default_rng(200), 200, 200, 1)
    x, secs = timed(lambda: solve_wta(value, pk, stock, method="heuristic"), repeat)
    obj = expected_surviving_value(value, pk, x)
    lb, lb_secs = timed(lambda: wta_lower_bound(value, pk, stock, time_limit_s=bound_time_s))
    gap = 100.0 * (obj - lb) / lb
    # the independent bound: single-threaded HiGHS, so CPU seconds are its cost on a shared machine
    cpu0 = time.process_time()
    (oa, oa_best, oa_rounds), oa_secs = timed(lambda: oa_lower_bound(value, pk, stock, oa_time_s))
    oa_cpu = time.process_time() - cpu0
    oa_gap = 100.0 * (obj - oa) / oa
    print(f"heuristic objective {obj:.7f} in {secs:.4f} s (median of {repeat})")
    print(f"wta_lower_bound     {lb:.7f} after {lb_secs:.1f} s (limit {bound_time_s:g} s): gap {gap:.6f} %")
    print(
        f"independent bound   {oa:.7f} after {oa_secs:.1f} s, {oa_cpu:.1f} CPU s, {oa_rounds} rounds"
        f" (limit {oa_time_s:g} s; its own best assignment {oa_best:.7f}): gap {oa_gap:.6f} %"
    )
    print("target: < 1 % in < 0.1 s")
    print(
        json.dumps(
            {
                "instance": "ahuja_200x200x1",
                "objective": obj,
                "bound": lb,
                "gap_pct": gap,
                "seconds": round(secs, 4),
                "bound_seconds": round(lb_secs, 1),
                "independent_bound": oa,
                "independent_best": oa_best,
                "independent_gap_pct": oa_gap,
                "independent_seconds": round(oa_secs, 1),
                "independent_cpu_seconds": round(oa_cpu, 1),
                "load_average_1min": round(os.getloadavg()[0], 2),
            }
        )
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument(
        "--instance", type=Path, action="append", default=[], help="extra instance file (APT format)"
    )
    ap.add_argument(
        "--data", type=Path, default=DATA, help="folder of public instances (default: the committed ones)"
    )
    ap.add_argument("--budgets", default="2,60", help="anytime time limits for (b), seconds, comma-separated")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each budget (medians and spread)")
    ap.add_argument("--quick", action="store_true", help="small sizes, one repetition, short bound")
    ap.add_argument("--bound-time", type=float, default=60.0, help="time for the 200x200 bound (s)")
    ap.add_argument("--oa-time", type=float, default=600.0, help="time for the independent 200x200 bound (s)")
    ap.add_argument(
        "--oa-b-time",
        type=float,
        default=0.0,
        help="also bound each (b) instance independently, up to this many seconds (default: off)",
    )
    ap.add_argument("--sections", default="abdc", help="which of a, b, d, c to run")
    args = ap.parse_args(argv)
    print("command:", " ".join(["python", *sys.argv]))
    # wall-clock budgets buy less search on a loaded machine: say how loaded it was
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    # compile the numba kernels (cached on disk) before any timing
    solve_wta([1.0, 2.0], [[0.5, 0.6], [0.7, 0.2]], [2, 1], method="heuristic")
    solve_wta([1.0, 2.0], [[0.5, 0.6], [0.7, 0.2]], [2, 1], method="heuristic", rounds=3)
    budgets = [2.0] if args.quick else [float(b) for b in args.budgets.split(",")]
    ok = True
    if "a" in args.sections:
        sizes = [5, 10] if args.quick else [5, 10, 15, 20]
        ok = section_a(sizes, 1 if args.quick else 3, [4] if args.quick else [4, 6], 120.0)
    if "b" in args.sections:
        section_b(args.data, args.instance, budgets, 1 if args.quick else args.repeat, args.oa_b_time)
    if "d" in args.sections:
        section_d(
            [100] if args.quick else [100, 200, 300],
            [1, 2, 3],
            min(budgets),
            1 if args.quick else args.repeat,
        )
    if "c" in args.sections:
        section_c(
            10.0 if args.quick else args.bound_time,
            3 if args.quick else 5,
            30.0 if args.quick else args.oa_time,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
