"""Study statistics: Wilson and Student-t intervals, and ``summary.json`` computed from the tables.

Each scope (the whole raid, a threat type, one threat) of each sweep group is reduced by one SQL query to
exact integer sums of per-run counts (Σk, Σk²); proportions, means and per-kill ratios with their
confidence intervals follow from those sums, so the summary has the same bytes whatever the executor or
the order in which runs were inserted."""

from __future__ import annotations

import math
from fractions import Fraction
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

from samsim._version import __version__
from samsim.scenario import Scenario
from samsim.study.store import StudyIdentity
from samsim.study.sweep import Group, Sweep

if TYPE_CHECKING:
    import duckdb

CONFIDENCE = 0.95
RATIO_SCALE = 10**9  # per-run ratios are quantised to 1e-9 so their sums are exact integers


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def wilson_interval(successes: float, trials: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    ``(p̂ + z²/2n ± z·sqrt(p̂(1-p̂)/n + z²/4n²)) / (1 + z²/n)`` with ``p̂ = successes / trials``. It keeps
    its coverage near the nominal level for small n and for p̂ near 0 or 1, where the Wald interval
    collapses. ``trials`` may be an effective (non-integer) sample size.

    References
    ----------
    E. B. Wilson, "Probable inference, the law of succession, and statistical inference", JASA 22 (1927)
    209-212. R. G. Newcombe, "Two-sided confidence intervals for the single proportion: comparison of
    seven methods", Statistics in Medicine 17 (1998) 857-872, method 3.
    """
    if trials <= 0:
        raise ValueError("wilson_interval needs trials > 0")
    z = _z(confidence)
    p = min(max(successes / trials, 0.0), 1.0)
    z2n = z * z / trials
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z * math.sqrt(p * (1.0 - p) / trials + z2n / (4.0 * trials)) / (1.0 + z2n)
    return max(0.0, centre - half), min(1.0, centre + half)


def t_interval(mean: float, sd: float, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Student-t interval for a mean of ``n`` independent replications: ``mean ± t(n-1)·sd/√n``.

    References
    ----------
    Student, "The probable error of a mean", Biometrika 6 (1908) 1-25; A. M. Law, Simulation Modeling
    and Analysis, 5th ed. (2015) §9.4.1.
    """
    if n < 2:
        raise ValueError("t_interval needs n >= 2")
    from scipy.special import stdtrit  # the t quantile, without importing all of scipy.stats

    half = float(stdtrit(n - 1, 0.5 + confidence / 2.0)) * sd / math.sqrt(n)
    return mean - half, mean + half


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _proportion(n: int, m: int, k1: int, k2: int) -> dict[str, Any]:
    """P(event) over ``n`` runs with ``m`` threats each, from Σk and Σk² of per-run event counts.

    For m = 1 this is the Wilson interval with n trials. With m > 1 the outcomes of one run are not
    independent (a saturated defence lets several threats through at once), so the Wilson interval uses
    Kish's effective sample size n_eff = p(1-p)/v, where v = Σ(y_r - p)²/n² is the between-run variance
    of the mean of the per-run fractions y_r = k_r/m; n_eff is kept within [n, n·m] (design effect ≥ 1,
    as Korn & Graubard do). References: L. Kish, Survey Sampling (1965) §8.2; E. L. Korn and
    B. I. Graubard, Survey Methodology 24 (1998) 193-201.
    """
    if n == 0 or m == 0:
        return {"mean": None, "ci": None, "k": k1, "n": n * m, "n_eff": None}
    trials = n * m
    p = Fraction(k1, trials)
    ss = Fraction(k2 * n - k1 * k1, n * m * m)  # Σ(y_r - p)² (exact)
    if ss > 0 and 0 < p < 1:
        n_eff = min(Fraction(trials), max(Fraction(n), p * (1 - p) * n * n / ss))
    else:
        n_eff = Fraction(trials)
    lo, hi = wilson_interval(float(p) * float(n_eff), float(n_eff))
    return {
        "mean": _round(float(p)),
        "ci": [_round(lo), _round(hi)],
        "k": k1,
        "n": trials,
        "n_eff": _round(float(n_eff)),
    }


def _mean(n: int, x1: int, x2: int, scale: int = 1) -> dict[str, Any]:
    """Mean and t interval of per-run values y_r = x_r / scale from exact Σx and Σx² (so Σy = Σx/scale
    and Σy² = Σx²/scale²)."""
    if n == 0:
        return {"mean": None, "ci": None, "n": 0}
    mean = Fraction(x1, n * scale)
    out: dict[str, Any] = {"mean": _round(float(mean)), "ci": None, "n": n}
    if n >= 2:
        var = Fraction(x2 * n - x1 * x1, n * (n - 1) * scale * scale)
        sd = math.sqrt(max(float(var), 0.0))
        lo, hi = t_interval(float(mean), sd, n)
        out["ci"] = [_round(lo), _round(hi)]
        out["sd"] = _round(sd)
    return out


def _per_kill(n_k: int, q1: int, q2: int, runs_without: int, spent: int, kills: int) -> dict[str, Any]:
    out = _mean(n_k, q1, q2, RATIO_SCALE)
    out["runs_without_kill"] = runs_without
    out["ratio_of_totals"] = _round(spent / kills) if kills else None
    return out


DEFINITIONS = {
    "p_kill": "fraction of threats killed (per threat: of runs). 95 % Wilson interval; pooled over several "
    "threats per run it uses Kish's effective sample size from the between-run variance",
    "p_leak": "fraction of threats that reached their asset's radius; interval as p_kill",
    "shots": "interceptors fired at one threat of the scope in a run, mean over runs; 95 % Student-t "
    "interval",
    "interceptors_per_kill": "per run: interceptors fired (overall: all fired in the run; per type or "
    "threat: fired at those threats) divided by threats of the scope killed in that run; runs with no kill "
    "are left out of the mean and counted in runs_without_kill; 95 % Student-t interval over the runs with "
    "a kill. ratio_of_totals: all interceptors fired / all kills over every run",
    "leakers": "threats leaked per run, mean over runs; 95 % Student-t interval",
    "interceptors_fired": "interceptors fired per run, mean over runs; 95 % Student-t interval",
}

_PER_RUN_SQL = f"""
WITH per AS (
    SELECT r."group", 0 AS kind, '' AS scope, r.run, r.threats AS m, r.killed AS kill, r.leaked AS leak,
           coalesce(s.shots, 0) AS shots, r.interceptors_fired AS spent
    FROM runs r LEFT JOIN (
        SELECT "group", run, sum(shots) AS shots FROM threat_outcomes WHERE run < $n GROUP BY "group", run
    ) s ON s."group" = r."group" AND s.run = r.run
    WHERE r.run < $n
    UNION ALL
    SELECT "group", 1, type, run, count(*), count(*) FILTER (WHERE fate = 'killed'),
           count(*) FILTER (WHERE fate = 'leaked'), sum(shots), sum(shots)
    FROM threat_outcomes WHERE run < $n GROUP BY "group", type, run
    UNION ALL
    SELECT "group", 2, threat, run, 1, CAST(fate = 'killed' AS INTEGER), CAST(fate = 'leaked' AS INTEGER),
           shots, shots
    FROM threat_outcomes WHERE run < $n
), q AS (
    SELECT *, CASE WHEN kill > 0 THEN CAST(round(spent * {RATIO_SCALE}.0 / kill) AS HUGEINT) END AS ratio
    FROM per
)
SELECT "group", kind, scope, count(*) AS n, min(m), max(m),
       sum(CAST(kill AS HUGEINT)), sum(CAST(kill AS HUGEINT) * kill),
       sum(CAST(leak AS HUGEINT)), sum(CAST(leak AS HUGEINT) * leak),
       sum(CAST(shots AS HUGEINT)), sum(CAST(shots AS HUGEINT) * shots),
       sum(CAST(spent AS HUGEINT)), sum(CAST(spent AS HUGEINT) * spent),
       count(ratio), sum(ratio), sum(ratio * ratio)
FROM q GROUP BY "group", kind, scope
"""


def _scope_stats(row: tuple[Any, ...]) -> dict[str, Any]:
    (_, kind, _, n, m_lo, m_hi, k1, k2, l1, l2, s1, s2, e1, e2, n_k, q1, q2) = row
    if m_lo != m_hi:
        raise RuntimeError(f"threat count varies between runs of one group ({m_lo}..{m_hi})")
    n, m = int(n), int(m_lo)
    k1, k2, l1, l2, s1, s2, e1, e2 = (int(v or 0) for v in (k1, k2, l1, l2, s1, s2, e1, e2))
    out: dict[str, Any] = {
        "threats": m,
        "p_kill": _proportion(n, m, k1, k2),
        "p_leak": _proportion(n, m, l1, l2),
        "shots": _mean(n, s1, s2, m) if m else _mean(0, 0, 0),
        "interceptors_per_kill": _per_kill(int(n_k), int(q1 or 0), int(q2 or 0), n - int(n_k), e1, k1),
    }
    if kind == 0:
        out["leakers"] = _mean(n, l1, l2)
        out["interceptors_fired"] = _mean(n, e1, e2)
    return out


def _order_of_threats(sc: Scenario) -> tuple[list[str], list[str]]:
    ids: list[str] = []
    types: list[str] = []
    for t in sc.threats:
        ids.extend(t.member_ids())
        if t.type not in types:
            types.append(t.type)
    return ids, types


def compute_summary(
    con: duckdb.DuckDBPyConnection,
    *,
    identity: StudyIdentity,
    sweeps: list[Sweep],
    groups: list[Group],
    runs: int,
) -> dict[str, Any]:
    """The content of summary.json, from the tables (exact integer sums: the same bytes whatever the
    executor or insertion order)."""
    rows = con.execute(_PER_RUN_SQL, {"n": runs}).fetchall()
    by_group: dict[int, dict[tuple[int, str], tuple[Any, ...]]] = {}
    for row in rows:
        by_group.setdefault(int(row[0]), {})[(int(row[1]), str(row[2]))] = row
    out_groups = []
    for g in groups:
        found = by_group.get(g.index, {})
        ids, types = _order_of_threats(g.scenario)
        overall = found.get((0, ""))
        n_runs = int(overall[3]) if overall else 0
        entry: dict[str, Any] = {"group": g.index, "values": dict(g.values), "runs": n_runs}
        entry["overall"] = _scope_stats(overall) if overall else None
        known_types = types + sorted(s for k, s in found if k == 1 and s not in types)
        entry["by_type"] = [
            {"type": t, **_scope_stats(found[(1, t)])} for t in known_types if (1, t) in found
        ]
        known_ids = ids + sorted(s for k, s in found if k == 2 and s not in ids)
        type_of = {tid: t.type for t in g.scenario.threats for tid in t.member_ids()}
        threats = []
        for tid in known_ids:
            if (2, tid) not in found:
                continue
            stats = _scope_stats(found[(2, tid)])
            stats.pop("threats")
            threats.append({"id": tid, "type": type_of.get(tid), **stats})
        entry["threats"] = threats
        out_groups.append(entry)
    return {
        "samsim_version": __version__,
        "scenario": identity.scenario_name,
        "seed": identity.seed,
        "runs": runs,
        "study_hash": identity.hash,
        "confidence": CONFIDENCE,
        "sweeps": [{"path": s.path, "values": [s.column_value(v) for v in s.values]} for s in sweeps],
        "groups": out_groups,
        "definitions": DEFINITIONS,
    }


def histograms(con: duckdb.DuckDBPyConnection, runs: int) -> dict[str, dict[int, list[tuple[int, int]]]]:
    """For ``leaked`` and ``interceptors_fired``: per sweep group, each value taken in a run and how many
    runs took it (the report's histograms)."""
    out: dict[str, dict[int, list[tuple[int, int]]]] = {}
    for column in ("leaked", "interceptors_fired"):
        rows = con.execute(
            f'SELECT "group", {column}, count(*) FROM runs WHERE run < ? GROUP BY ALL ORDER BY ALL', [runs]
        ).fetchall()
        hist: dict[int, list[tuple[int, int]]] = {}
        for g, value, count in rows:
            hist.setdefault(int(g), []).append((int(value), int(count)))
        out[column] = hist
    return out
