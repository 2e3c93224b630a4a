"""Study statistics against published and closed-form values: Wilson and Student-t intervals, and the
summary computed from hand-written runs in a study database."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import samsim
from samsim.study.executors import INTERCEPTOR_FIELDS, THREAT_FIELDS, ChunkRows
from samsim.study.statistics import compute_summary, t_interval, wilson_interval
from samsim.study.store import Store, StudyIdentity
from samsim.study.sweep import Group
from tests.study.test_study import TINY


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (Wilson score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe_1998(k: int, n: int, lo: float, hi: float) -> None:
    got = wilson_interval(k, n)
    assert got == pytest.approx((lo, hi), abs=6e-5)


def test_wilson_interval_is_symmetric_and_narrows_with_n() -> None:
    lo, hi = wilson_interval(3, 10)
    lo2, hi2 = wilson_interval(7, 10)
    assert (lo, hi) == pytest.approx((1 - hi2, 1 - lo2), abs=1e-12)
    assert wilson_interval(30, 100)[1] - wilson_interval(30, 100)[0] < hi - lo


def test_t_interval_closed_form() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    lo, hi = t_interval(float(x.mean()), float(x.std(ddof=1)), x.size)
    # t(0.975, 4) = 2.776445; sd = sqrt(2.5); half = 2.776445 * sqrt(2.5) / sqrt(5) = 1.963243
    assert (lo, hi) == pytest.approx((3 - 1.963243, 3 + 1.963243), abs=2e-6)


def _store_with(tmp_path: Path, rows: list[tuple[int, list[tuple[str, int, int]], int]]) -> Store:
    """A study database holding hand-written runs: (run, [(fate, shots, ...) per threat], fired)."""
    identity = StudyIdentity("tiny", "{}", None, "[]", 5)
    store = Store(tmp_path / "results.duckdb", identity, [], len(rows))
    chunk = ChunkRows(
        group=0,
        threats={k: [] for k in ("run", *THREAT_FIELDS)},
        interceptors={k: [] for k in ("run", *INTERCEPTOR_FIELDS)},
    )
    for run, threats, fired in rows:
        fates = [f for f, _, _ in threats]
        chunk.runs.append(run)
        chunk.totals.append(
            (len(threats), fates.count("killed"), fates.count("leaked"), fates.count("survived"), fired)
        )
        for j, (fate, shots, _) in enumerate(threats):
            for key, value in (
                ("run", run),
                ("threat", f"jet-{j + 1}"),
                ("type", "F-16C"),
                ("fate", fate),
                ("fate_s", 10.0 if fate != "survived" else None),
                ("shots", shots),
                ("first_detected_s", 1.0),
                ("first_track_s", 2.0),
                ("killed_by", None),
                ("kind", "aircraft"),
                ("unengaged_reason", None if shots else "no_track"),
            ):
                chunk.threats[key].append(value)
    sc = samsim.loads(TINY)
    assert store.commit(chunk, Group(0, {}, sc), 5) == len(rows)
    return store


def test_summary_statistics_against_closed_forms(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    fates = rng.choice(["killed", "leaked", "survived"], size=(40, 2), p=[0.5, 0.3, 0.2])
    shots = rng.integers(0, 4, size=(40, 2))
    fired = shots.sum(axis=1) + rng.integers(0, 2, size=40)  # some interceptors at false tracks
    rows = [
        (r, [(str(fates[r, j]), int(shots[r, j]), 0) for j in range(2)], int(fired[r])) for r in range(40)
    ]
    store = _store_with(tmp_path, rows)
    identity = StudyIdentity("tiny", "{}", None, "[]", 5)
    summary = compute_summary(
        store.con, identity=identity, sweeps=[], groups=[Group(0, {}, samsim.loads(TINY))], runs=40
    )
    store.close()
    g = summary["groups"][0]
    assert g["runs"] == 40
    # Per threat: plain Wilson over runs, t interval of shots.
    for j, t in enumerate(g["threats"]):
        k = int((fates[:, j] == "killed").sum())
        assert t["p_kill"]["k"] == k and t["p_kill"]["n"] == 40
        assert t["p_kill"]["ci"] == pytest.approx(wilson_interval(k, 40), abs=1e-6)
        s = shots[:, j].astype(float)
        half = stats.t.ppf(0.975, 39) * s.std(ddof=1) / math.sqrt(40)
        assert t["shots"]["mean"] == pytest.approx(s.mean(), abs=1e-6)
        assert t["shots"]["ci"] == pytest.approx([s.mean() - half, s.mean() + half], abs=1e-6)
        killed = fates[:, j] == "killed"
        assert t["interceptors_per_kill"]["n"] == killed.sum()
        assert t["interceptors_per_kill"]["mean"] == pytest.approx(shots[killed, j].mean(), abs=1e-6)
    # Pooled over the two threats of a run: Wilson with Kish's effective sample size.
    overall = g["overall"]
    y = (fates == "leaked").sum(axis=1) / 2.0
    p = y.mean()
    n_eff = min(80.0, max(40.0, p * (1 - p) * 40 / y.var()))
    assert overall["p_leak"]["mean"] == pytest.approx(p, abs=1e-6)
    assert overall["p_leak"]["n_eff"] == pytest.approx(n_eff, abs=1e-5)
    assert overall["p_leak"]["ci"] == pytest.approx(wilson_interval(p * n_eff, n_eff), abs=1e-6)
    # Interceptors per kill: per-run fired / killed over the runs with a kill.
    kills = (fates == "killed").sum(axis=1)
    ratio = fired[kills > 0] / kills[kills > 0]
    half = stats.t.ppf(0.975, ratio.size - 1) * ratio.std(ddof=1) / math.sqrt(ratio.size)
    ipk = overall["interceptors_per_kill"]
    assert ipk["runs_without_kill"] == int((kills == 0).sum())
    assert ipk["mean"] == pytest.approx(ratio.mean(), abs=1e-6)
    assert ipk["ci"] == pytest.approx([ratio.mean() - half, ratio.mean() + half], abs=1e-6)
    assert ipk["ratio_of_totals"] == pytest.approx(fired.sum() / kills.sum(), abs=1e-6)
    assert overall["leakers"]["mean"] == pytest.approx((fates == "leaked").sum(axis=1).mean(), abs=1e-6)
    assert g["by_type"][0]["type"] == "F-16C" and g["by_type"][0]["threats"] == 2


def test_pooled_interval_of_fully_correlated_threats_counts_runs_not_threats(tmp_path: Path) -> None:
    # Both threats of a run share one fate: the pooled interval must be the per-run one (n = runs).
    rows = [(r, [("leaked" if r < 12 else "killed", 1, 0)] * 2, 2) for r in range(30)]
    store = _store_with(tmp_path, rows)
    summary = compute_summary(
        store.con,
        identity=StudyIdentity("tiny", "{}", None, "[]", 5),
        sweeps=[],
        groups=[Group(0, {}, samsim.loads(TINY))],
        runs=30,
    )
    store.close()
    p_leak = summary["groups"][0]["overall"]["p_leak"]
    assert p_leak["n_eff"] == pytest.approx(30.0)
    assert p_leak["ci"] == pytest.approx(wilson_interval(12, 30), abs=1e-6)
