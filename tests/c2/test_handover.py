"""Engagement hand-over (c2/handover.py): the track-to-track statistic and the one-to-one matching."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from samsim.c2.handover import hand_over, may_pass_gate, track_distance2
from samsim.sim.command_post import predict_position


def test_distance_is_the_mahalanobis_distance_under_the_summed_covariance() -> None:
    # Δ = (300, 400, 0) m; P_a = diag(100², 200², 50²), P_b = diag(200², 100², 50²): both sum to
    # diag(5e4, 5e4, 5e3), so d² = (9e4 + 16e4) / 5e4 = 5.
    a = np.array([[1000.0, 2000.0, 500.0]])
    b = a + np.array([[300.0, 400.0, 0.0]])
    pa = np.diag([100.0**2, 200.0**2, 50.0**2])[None]
    pb = np.diag([200.0**2, 100.0**2, 50.0**2])[None]
    assert track_distance2(a, pa, b, pb)[0, 0] == pytest.approx(5.0)
    # a correlated covariance: Δ along the long axis of the ellipse counts less than across it
    rot = np.array([[np.cos(0.5), -np.sin(0.5), 0.0], [np.sin(0.5), np.cos(0.5), 0.0], [0.0, 0.0, 1.0]])
    p = rot @ np.diag([400.0**2, 50.0**2, 50.0**2]) @ rot.T
    along = rot[:, 0] * 300.0
    across = rot[:, 1] * 300.0
    d_along = track_distance2(np.zeros((1, 3)), p[None], along[None], np.zeros((1, 3, 3)))[0, 0]
    d_across = track_distance2(np.zeros((1, 3)), p[None], across[None], np.zeros((1, 3, 3)))[0, 0]
    assert d_along == pytest.approx((300.0 / 400.0) ** 2)
    assert d_across == pytest.approx((300.0 / 50.0) ** 2)


def test_same_target_estimates_pass_the_gate_at_its_chi_square_probability() -> None:
    # Two independent unbiased estimates of one position: d² is chi-square with 3 d.o.f., so a gate
    # at d = 4 keeps P(chi2_3 <= 16) = 99.89 % of the true pairs.
    rng = np.random.default_rng(5)
    n = 2000
    pa = np.diag([150.0**2, 80.0**2, 60.0**2])
    pb = np.diag([60.0**2, 120.0**2, 90.0**2])
    a = rng.multivariate_normal(np.zeros(3), pa, n)
    b = rng.multivariate_normal(np.zeros(3), pb, n)
    d2 = np.array([track_distance2(a[i : i + 1], pa[None], b[i : i + 1], pb[None])[0, 0] for i in range(n)])
    assert np.mean(d2) == pytest.approx(3.0, rel=0.1)
    inside = np.mean(d2 <= 16.0)
    assert inside == pytest.approx(stats.chi2.cdf(16.0, 3), abs=0.01)


def test_hand_over_matches_one_to_one_inside_the_gate() -> None:
    cov = np.repeat((100.0**2 * np.eye(3))[None], 3, axis=0)
    lost = np.array([[0.0, 0.0, 0.0], [2000.0, 0.0, 0.0], [50_000.0, 0.0, 0.0]])
    # new track 0 sits 150 m from lost 0 and 1850 m from lost 1; new track 1 200 m from lost 1;
    # nothing near lost 2. Gate 4: pairs up to 4 * 141 m = 566 m apart.
    new = np.array([[2200.0, 0.0, 0.0], [150.0, 0.0, 0.0]])
    match = hand_over(lost, cov, new, cov[:2], gate=4.0)
    assert match.tolist() == [1, 0, -1]
    # one new track between two lost ones continues the nearer only
    between = np.array([[1200.0, 0.0, 0.0]])
    wide = np.repeat((1000.0**2 * np.eye(3))[None], 3, axis=0)
    assert hand_over(lost, wide, between, wide[:1], gate=4.0).tolist() == [-1, 0, -1]
    # outside the gate nothing is handed over
    assert hand_over(lost[:1], cov[:1], np.array([[700.0, 0.0, 0.0]]), cov[:1], gate=4.0).tolist() == [-1]
    assert hand_over(lost, cov, np.zeros((0, 3)), np.zeros((0, 3, 3)), gate=4.0).tolist() == [-1, -1, -1]


def _random_states(rng: np.random.Generator, n: int, spread_m: float) -> tuple[np.ndarray, np.ndarray]:
    mean = np.hstack([rng.normal(0.0, spread_m, (n, 3)), rng.normal(0.0, 300.0, (n, 3))])
    root = rng.normal(0.0, 1.0, (n, 6, 6)) * np.array([80.0, 80.0, 80.0, 20.0, 20.0, 20.0])[None, :, None]
    return mean, root @ root.transpose(0, 2, 1)


def test_gate_bound_never_rules_out_a_pair_inside_the_gate() -> None:
    # may_pass_gate against the test itself on predicted estimates: a row it rules out has no pair
    # within the gate, and pairs far apart (many sigmas) are ruled out
    rng = np.random.default_rng(3)
    gate2 = 4.0**2
    ruled_out = 0
    for spread in (100.0, 1_000.0, 30_000.0):
        for _ in range(20):
            mean_a, cov_a = _random_states(rng, 6, spread)
            mean_b, cov_b = _random_states(rng, 3, spread)
            rows = rng.permutation(6)[:4]
            q_a = rng.uniform(1.0, 100.0, 4)
            dt_b, q_b = rng.uniform(0.0, 3.0, 3), rng.uniform(1.0, 100.0, 3)
            near = may_pass_gate(mean_a, cov_a, rows, 1.5, q_a, mean_b, cov_b, dt_b, q_b, gate2)
            pos_a, p_a = predict_position(mean_a[rows], cov_a[rows], np.full(4, 1.5), q_a)
            pos_b, p_b = predict_position(mean_b, cov_b, dt_b, q_b)
            inside = np.any(track_distance2(pos_a, p_a, pos_b, p_b) <= gate2, axis=1)
            assert np.all(near[inside])
            ruled_out += int(np.count_nonzero(~near))
            if spread == 30_000.0:
                assert not np.any(near & ~inside)  # tens of km against sigmas of ~200 m
    assert ruled_out > 0
