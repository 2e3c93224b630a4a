"""Deception jamming: the range gate walks off at the programmed pull-off rate; ECCM stop it."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.models.deception import (
    RadarEccm,
    cross_eye_bias_rad,
    cross_eye_error_rad,
    effective_js_db,
    gate_captured,
    range_gate_track,
    rgpo_cycle_s,
    rgpo_offset_m,
    velocity_gate_track,
    vgpo_cycle_s,
    vgpo_detect_s,
    vgpo_offset_mps,
    vgpo_range_walk_m,
)

HOLD_S, MAX_OFFSET_M = 1.0, 3000.0
T = np.arange(0.0, 20.0, 0.01)  # range-tracker updates at 100 Hz
TARGET_M = 50e3 - 250.0 * T  # closing at 250 m/s


def _walk(pull_mps2: float, js_db: float, leading_edge: bool = False) -> np.ndarray:
    false_m = TARGET_M + rgpo_offset_m(T, HOLD_S, pull_mps2, MAX_OFFSET_M)
    return range_gate_track(T, TARGET_M, false_m, js_db, 150.0, 0.5, 0.2, leading_edge)


@pytest.mark.parametrize("pull_mps2", [30.0, 100.0, 300.0])
def test_captured_gate_walks_off_at_the_programmed_rate(pull_mps2: float) -> None:
    gate = _walk(pull_mps2, js_db=10.0)
    off = gate - TARGET_M
    # Once the echo has left the gate (offset beyond the gate), the gate follows the copy alone: its
    # range relative to the target is a parabola of curvature the programmed pull-off rate.
    t_end = HOLD_S + np.sqrt(2 * MAX_OFFSET_M / pull_mps2)
    walking = (off > 400.0) & (T < t_end - 0.05)
    assert walking.sum() > 20
    coef = np.polyfit(T[walking], off[walking], 2)
    assert 2 * coef[0] == pytest.approx(pull_mps2, rel=0.02)
    assert np.max(off) == pytest.approx(MAX_OFFSET_M, rel=0.01)  # seduced all the way


def test_leading_edge_tracking_and_weak_copies_keep_the_gate_on_the_target() -> None:
    for gate in (_walk(100.0, js_db=10.0, leading_edge=True), _walk(100.0, js_db=-6.0)):
        assert np.max(np.abs(gate - TARGET_M)) < 150.0


def test_eccm_rules() -> None:
    eccm = RadarEccm(leading_edge_tracking=False, frequency_agility=True, pulse_compression_db=20.0)
    assert float(effective_js_db(10.0, eccm, drfm=True)) == 10.0  # a coherent copy is compressed too
    assert float(effective_js_db(10.0, eccm, drfm=False)) == -np.inf  # set-on repeater cannot follow
    fixed = eccm._replace(frequency_agility=False)
    assert float(effective_js_db(10.0, fixed, drfm=False)) == pytest.approx(-10.0)
    assert bool(gate_captured(3.0, fixed, 0.0)) and not bool(gate_captured(-1.0, fixed, 0.0))
    assert not bool(gate_captured(30.0, fixed._replace(leading_edge_tracking=True), 0.0))
    assert rgpo_cycle_s(1.0, 50.0, 2500.0) == pytest.approx(11.0)
    np.testing.assert_allclose(rgpo_offset_m([0.5, 1.0, 3.0, 100.0], 1.0, 50.0, 2500.0), [0, 0, 100, 2500])


RATE_MPS = -250.0 + 0.0 * T  # the echo's range rate: closing at 250 m/s
MAX_MPS = 300.0


@pytest.mark.parametrize("pull_mps2", [20.0, 60.0, 150.0])
def test_captured_velocity_gate_walks_off_at_the_programmed_rate(pull_mps2: float) -> None:
    false_mps = RATE_MPS + vgpo_offset_mps(T, HOLD_S, pull_mps2, MAX_MPS)
    gate = velocity_gate_track(T, RATE_MPS, false_mps, 10.0, 15.0, 0.5, 0.2)
    off = gate - RATE_MPS
    # Once the echo's Doppler has left the gate, the gate follows the copy alone: a straight line
    # whose slope is the programmed pull-off rate.
    t_end = HOLD_S + MAX_MPS / pull_mps2
    walking = (off > 40.0) & (T < t_end - 0.05)
    assert walking.sum() > 20
    slope = np.polyfit(T[walking], off[walking], 1)[0]
    assert slope == pytest.approx(pull_mps2, rel=0.02)
    assert np.max(off) == pytest.approx(MAX_MPS, rel=0.01)
    # A weak copy leaves the gate on the echo.
    weak = velocity_gate_track(T, RATE_MPS, false_mps, -6.0, 15.0, 0.5, 0.2)
    assert np.max(np.abs(weak - RATE_MPS)) < 15.0


def test_velocity_aided_range_gate_walks_by_the_integral_of_the_pulled_doppler() -> None:
    pull, hold = 50.0, 1.0
    walk = vgpo_range_walk_m(T, hold, pull, MAX_MPS)
    # Trapezoidal integral of the Doppler offset over the look times.
    integral = np.concatenate(
        [
            [0.0],
            np.cumsum(
                np.diff(T)
                * 0.5
                * (vgpo_offset_mps(T, hold, pull, MAX_MPS)[1:] + vgpo_offset_mps(T, hold, pull, MAX_MPS)[:-1])
            ),
        ]
    )
    inside = T <= hold + MAX_MPS / pull
    np.testing.assert_allclose(walk[inside], integral[inside], atol=0.01)
    assert vgpo_cycle_s(hold, pull, MAX_MPS) == pytest.approx(7.0)


def test_range_rate_check_trips_at_k_sigmas_of_the_differenced_range() -> None:
    sigma_m, update_s, pull = 10.0, 2.0, 50.0
    t_d = vgpo_detect_s(pull, sigma_m, update_s, 3.0)
    # The differenced range over one update has sigma sqrt(2) sigma_R / T (Monte Carlo check).
    rng = np.random.default_rng(5)
    diff = (rng.normal(0, sigma_m, 200_000) - rng.normal(0, sigma_m, 200_000)) / update_s
    assert np.std(diff) == pytest.approx(sigma_m * np.sqrt(2) / update_s, rel=0.01)
    assert pull * t_d == pytest.approx(3.0 * np.std(diff), rel=0.01)  # Doppler offset when tripped
    walk = vgpo_range_walk_m(np.array([0.5, 1.0 + 0.9 * t_d, 1.0 + 1.1 * t_d, 5.0]), 1.0, pull, MAX_MPS, t_d)
    np.testing.assert_allclose(walk, [0.0, 0.5 * pull * (0.9 * t_d) ** 2, 0.0, 0.0])


@pytest.mark.parametrize("a", [0.0, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("phi_deg", [0.0, 90.0, 160.0, 180.0])
def test_cross_eye_error_is_the_monopulse_ratio_of_two_coherent_sources(a: float, phi_deg: float) -> None:
    # Two sources at +-theta_e/2, amplitudes 1 and a e^{j phi}: a linear difference pattern gives
    # Delta = k (theta_e / 2) (1 - a e^{j phi}), the sum Sigma = 1 + a e^{j phi}; the radar indicates
    # Re(Delta / Sigma) / k (Sherman & Barton 2011).
    theta_e = 1e-3
    src = a * np.exp(1j * np.radians(phi_deg))
    want = (theta_e / 2) * np.real((1 - src) / (1 + src))
    assert float(cross_eye_error_rad(theta_e, a, np.radians(phi_deg))) == pytest.approx(
        want, rel=1e-9, abs=1e-15
    )


def test_cross_eye_bias_is_diluted_by_the_skin_and_held_in_the_linear_region() -> None:
    err = float(cross_eye_error_rad(1e-3, 0.9, np.pi))
    assert err == pytest.approx(0.5e-3 * 0.19 / 0.01)  # 9.5 separations off the midpoint
    assert float(cross_eye_bias_rad(1e-3, 0.9, np.pi, 0.0, 1.0)) == pytest.approx(err / 2)  # J = S
    assert float(cross_eye_bias_rad(1e-3, 0.9, np.pi, 30.0, 1.0)) == pytest.approx(err / 1.001)
    assert float(cross_eye_bias_rad(1e-3, 0.9, np.pi, 30.0, 0.004)) == pytest.approx(0.002)  # half a beam
