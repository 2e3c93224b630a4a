"""Threat evaluation against hand-computed closest approaches."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.c2.evaluation import (
    MISS_SCALE_M,
    VALUE_FLOOR,
    ballistic_impact,
    closest_approach,
    evaluate_threats,
)
from samsim.c2.intercept import track_acceleration_mps2


def test_cpa_closed_form() -> None:
    # A track at (-10 km, 3 km) flying east at 200 m/s passes 3 km north of the origin after 50 s.
    d, t = closest_approach(np.array([[-10e3, 3e3, 5e3]]), np.array([[200.0, 0.0, 0.0]]), np.zeros((1, 3)))
    assert d[0, 0] == pytest.approx(3e3)
    assert t[0, 0] == pytest.approx(50.0)
    # Moving away: closest approach is now.
    d, t = closest_approach(np.array([[10e3, 0.0, 0.0]]), np.array([[200.0, 0.0, 0.0]]), np.zeros((1, 3)))
    assert t[0, 0] == 0.0 and d[0, 0] == pytest.approx(10e3)


def test_values_assets_and_ranking() -> None:
    assets = np.array([[0.0, 0.0, 0.0], [50e3, 0.0, 0.0]])
    radius = np.array([5e3, 3e3])
    value = np.array([10.0, 5.0])
    pos = np.array(
        [
            [-100e3, 0.0, 100.0],  # heads straight at asset 0, far
            [-30e3, 1e3, 100.0],  # heads at asset 0, close: most urgent
            [50e3, -80e3, 100.0],  # heads north at asset 1
            [0.0, 60e3, 100.0],  # flies away north
        ]
    )
    vel = np.array([[250.0, 0, 0], [250.0, 0, 0], [0.0, 250.0, 0], [0.0, 250.0, 0]])
    a = evaluate_threats(pos, vel, assets, radius, value)
    assert a.asset.tolist()[:3] == [0, 0, 1]
    assert a.value[:3].tolist() == pytest.approx([10.0, 10.0, 5.0])
    assert a.time_to_go_s[1] == pytest.approx(120.0)
    assert a.rank.tolist()[:2] == [1, 0]
    assert a.rank.tolist()[2] == 2
    # The outbound track: 60 km from asset 0 (55 km beyond its radius) -> 10 * 2^(-55/20).
    assert a.value[3] == pytest.approx(max(10.0 * 2 ** (-55e3 / MISS_SCALE_M), VALUE_FLOOR * 5.0))


def test_no_assets_gives_floor() -> None:
    a = evaluate_threats(np.zeros((2, 3)), np.ones((2, 3)), np.zeros((0, 3)), np.zeros(0), np.zeros(0))
    assert a.asset.tolist() == [-1, -1] and np.all(a.value == VALUE_FLOOR)


# A drag-free arc in uniform gravity: launched from the origin at 2 km/s, 45 deg up, it lands at
# R = V^2 sin(2 theta) / g after T = 2 V sin(theta) / g (Zarchan 2012, ch. 12). The track is taken
# 100 s into the flight.
G, V, T0 = 9.81, 2000.0, 100.0
VC = VS = V / np.sqrt(2.0)
RANGE_M, FLIGHT_S = V**2 / G, 2.0 * VS / G
POS = np.array([[VC * T0, 0.0, VS * T0 - 0.5 * G * T0**2]])
VEL = np.array([[VC, 0.0, VS - G * T0]])
ACC = np.array([[0.0, 0.0, -G]])


def test_ballistic_impact_closed_form() -> None:
    # At the impact point, 30 km beyond and 5 km aside, and an asset 1 km up: the arc comes down
    # through 1 km at t = (V_s + sqrt(V_s^2 - 2 g 1 km)) / g, x = V_c t.
    t_up = (VS + np.sqrt(VS**2 - 2.0 * G * 1e3)) / G
    assets = np.array([[RANGE_M, 0.0, 0.0], [RANGE_M + 30e3, 5e3, 0.0], [VC * t_up, 0.0, 1e3]])
    miss, impact = ballistic_impact(POS, VEL, ACC, assets)
    np.testing.assert_allclose(miss[0], [0.0, np.hypot(30e3, 5e3), 0.0], atol=1e-6)
    np.testing.assert_allclose(impact[0], [FLIGHT_S - T0, FLIGHT_S - T0, t_up - T0], rtol=1e-12)
    # Gravity pointing along another axis (the frame turned): the same miss and time.
    turn = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    miss_t, impact_t = ballistic_impact(POS @ turn.T, VEL @ turn.T, ACC @ turn.T, assets @ turn.T)
    np.testing.assert_allclose(miss_t, miss, atol=1e-6)
    np.testing.assert_allclose(impact_t, impact, rtol=1e-12)
    # Below an asset's plane (92 km up against 150 km) and falling: it has come down already.
    up = np.array([[0.0, 0.0, 150e3]])
    miss, impact = ballistic_impact(POS, np.array([[VC, 0.0, -500.0]]), ACC, up)
    assert impact[0, 0] == 0.0 and miss[0, 0] == pytest.approx(np.linalg.norm(POS[0] - up[0]))


def test_a_ballistic_track_threatens_where_it_lands_not_what_it_overflies() -> None:
    # Asset 0 (worth more) lies under the arc, overflown ~97 km up; asset 1 at the impact point.
    assets = np.array([[250e3, 0.0, 0.0], [RANGE_M, 0.0, 0.0]])
    radius, value = np.array([5e3, 5e3]), np.array([10.0, 5.0])
    flat = evaluate_threats(POS, VEL, assets, radius, value)
    assert flat.asset[0] == 0 and flat.cpa_m[0] == pytest.approx(0.0, abs=1e-6)  # passes over it
    falling = evaluate_threats(POS, VEL, assets, radius, value, acc_mps2=ACC)
    assert falling.asset[0] == 1
    assert falling.cpa_m[0] == pytest.approx(0.0, abs=1e-6)
    assert falling.time_to_go_s[0] == pytest.approx(FLIGHT_S - T0, rel=1e-12)
    assert falling.value[0] == pytest.approx(5.0)


def test_only_ballistic_tracks_fall_in_the_evaluation() -> None:
    # The intercept planning's acceleration: gravity for the ballistic track (1.48 km/s), none for
    # an aircraft, whose assessment stays the constant-velocity one.
    center = np.array([0.0, 0.0, -6.371e6])
    pos = np.vstack([POS, [[0.0, -30e3, 8e3]]])
    vel = np.vstack([VEL, [[0.0, 250.0, 0.0]]])
    acc = track_acceleration_mps2(pos, vel, pos[:, 2], center)
    assert np.all(acc[1] == 0.0) and acc[0, 2] < -9.5  # 9.53 m/s² at 91 km
    assets = np.array([[250e3, 0.0, 0.0], [RANGE_M, 0.0, 0.0], [0.0, 0.0, 0.0]])
    radius, value = np.full(3, 20e3), np.array([10.0, 5.0, 8.0])
    flat = evaluate_threats(pos, vel, assets, radius, value)
    a = evaluate_threats(pos, vel, assets, radius, value, acc_mps2=acc)
    assert a.asset.tolist() == [1, 2] and flat.asset.tolist() == [0, 2]
    assert a.cpa_m[1] == flat.cpa_m[1] and a.time_to_go_s[1] == flat.time_to_go_s[1]
    # Central gravity, tilted along the flight, shortens the arc a little: the impact within the radius.
    assert a.cpa_m[0] < 20e3 and a.time_to_go_s[0] == pytest.approx(FLIGHT_S - T0, rel=0.05)


def _closest_approach_numpy(
    pos_m: np.ndarray, vel_mps: np.ndarray, asset_m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The array passes closest_approach's kernel reproduces."""
    rel = pos_m[:, None, :2] - asset_m[None, :, :2]
    v = vel_mps[:, None, :2]
    v2 = np.sum(v * v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(v2 > 1e-9, -np.sum(rel * v, axis=-1) / np.maximum(v2, 1e-9), 0.0)
    t = np.maximum(t, 0.0)
    return np.linalg.norm(rel + v * t[..., None], axis=-1), t


def test_cpa_kernel_gives_numpys_floats() -> None:
    rng = np.random.default_rng(7)
    pos = rng.normal(0.0, 80e3, (200, 3))
    vel = rng.normal(0.0, 400.0, (200, 3))
    vel[:5, :2] = 0.0  # hovering: tcpa 0
    vel[5:8, :2] = 1e-6  # below the speed floor
    pos[8, :2] = 0.0  # at the asset, moving: a zero tcpa
    # beside the asset, crossing at right angles: rel . v is +0.0, so -(rel . v) / v2 is -0.0, which
    # NumPy's maximum with 0.0 makes +0.0
    pos[9, :2], vel[9, :2] = (1000.0, 0.0), (0.0, 250.0)
    assets = rng.normal(0.0, 50e3, (7, 3))
    assets[0] = 0.0
    d, t = closest_approach(pos, vel, assets)
    d_np, t_np = _closest_approach_numpy(pos, vel, assets)
    assert np.array_equal(d, d_np) and np.array_equal(t, t_np)
    assert np.array_equal(np.signbit(t), np.signbit(t_np))
    assert np.any(t > 0.0) and np.any(t == 0.0)
