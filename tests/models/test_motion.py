"""Threat motion: leg lengths and times, corners, climb limits, terrain-following, weave."""

from __future__ import annotations

import numpy as np
import pytest

from samsim import constants
from samsim import geodesy as geo
from samsim.models.motion import flat_ground, fly_route, turn_acceleration_mps2


def _speed_and_accel(ecef: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
    v = np.diff(ecef, axis=0) / dt
    a = np.diff(v, axis=0) / dt
    return np.linalg.norm(v, axis=1), a


def test_straight_leg_time_is_geodesic_length_over_speed() -> None:
    path = fly_route(
        [39.0, 40.0],
        [30.0, 33.0],
        [5000, 5000],
        [250, 250],
        [False, False],
        start_s=10.0,
        dt_s=0.5,
        climb_rate_mps=50,
        max_g=9,
        ground_height=flat_ground(0.0),
    )
    _, _, length = geo.geodesic_inverse(39.0, 30.0, 40.0, 33.0)
    assert path.end_s - path.start_s == pytest.approx(float(length) / 250.0, rel=1e-9)
    assert path.lat_deg[-1] == pytest.approx(40.0, abs=1e-9) and path.lon_deg[-1] == pytest.approx(
        33.0, abs=1e-9
    )
    speed, _ = _speed_and_accel(path.ecef_m[:-1], 0.5)
    assert np.allclose(speed, 250.0 * (constants.WGS84_A_M + 5000) / constants.WGS84_A_M, rtol=2e-3)
    assert np.allclose(path.alt_m, 5000.0)


def test_corner_respects_load_factor() -> None:
    # A 90-degree corner at 250 m/s with a 4 g limit: turn radius v^2 / (g sqrt(15)).
    path = fly_route(
        [39.0, 39.0, 39.5],
        [30.0, 30.6, 30.6],
        [3000, 3000, 3000],
        [250, 250, 250],
        [False] * 3,
        start_s=0.0,
        dt_s=0.5,
        climb_rate_mps=50,
        max_g=4,
        ground_height=flat_ground(0.0),
    )
    frame = geo.LocalFrame(39.0, 30.6, 0.0)
    enu = frame.ecef_to_enu(path.ecef_m)
    _, acc = _speed_and_accel(path.ecef_m[:-1], 0.5)
    horiz = np.linalg.norm(acc @ frame.rotation[:2].T, axis=1)
    a_lim = turn_acceleration_mps2(4.0)
    assert a_lim == pytest.approx(9.80665 * np.sqrt(15.0))
    assert np.max(horiz) < a_lim * 1.1  # sampled, within discretisation
    assert np.max(horiz) > a_lim * 0.8  # and the corner is really flown at the limit
    # The path cuts inside the corner by r (1 - 1/sqrt 2)... it never reaches the waypoint itself.
    r = 250.0**2 / a_lim
    closest = np.min(np.linalg.norm(enu[:, :2], axis=1))
    assert closest == pytest.approx(r * (np.sqrt(2) - 1), rel=0.05)


def test_climb_rate_limit_and_leg_altitudes() -> None:
    path = fly_route(
        [39.0, 39.0, 39.0],
        [30.0, 30.5, 31.5],
        [1000, 6000, 6000],
        [200, 200, 200],
        [False] * 3,
        start_s=0.0,
        dt_s=0.5,
        climb_rate_mps=20.0,
        max_g=5,
        ground_height=flat_ground(0.0),
    )
    climb = np.diff(path.alt_m) / np.diff(path.time_s)
    assert np.max(np.abs(climb)) <= 20.0 + 1e-6
    t_wp1 = path.time_s[np.argmin(np.abs(path.lon_deg - 30.5))]
    # The first leg is flown at 1000 m; the climb to 6000 m starts at waypoint 1 and takes 250 s.
    assert np.all(path.alt_m[path.time_s < t_wp1 - 20] == pytest.approx(1000.0))
    reach = path.time_s[np.argmax(path.alt_m >= 6000 - 1e-6)]
    assert reach - t_wp1 == pytest.approx(250.0, abs=2.0)


def test_agl_leg_follows_ground() -> None:
    def ground(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        return 500.0 + 300.0 * np.sin(np.radians(lon - 30.0) * 40)

    path = fly_route(
        [39.0, 39.0],
        [30.0, 31.0],
        [100, 100],
        [250, 250],
        [True, True],
        start_s=0.0,
        dt_s=0.5,
        climb_rate_mps=50,
        max_g=5,
        ground_height=ground,
    )
    assert np.allclose(path.alt_m - ground(path.lat_deg, path.lon_deg), 100.0, atol=1e-6)


@pytest.mark.parametrize("g,period", [(2.0, 10.0), (4.0, 12.0), (8.0, 6.0)])
def test_weave_lateral_acceleration_within_limit(g: float, period: float) -> None:
    path = fly_route(
        [39.0, 39.0],
        [30.0, 31.5],
        [5000, 5000],
        [250, 250],
        [False, False],
        start_s=0.0,
        dt_s=0.05,
        climb_rate_mps=50,
        max_g=9,
        ground_height=flat_ground(0.0),
        weave_g=g,
        weave_period_s=period,
    )
    _, acc = _speed_and_accel(path.ecef_m[:-1], 0.05)
    frame = geo.LocalFrame(39.0, 30.75, 0.0)
    lateral = np.abs(acc @ frame.rotation[1])  # flying east: north is lateral
    assert np.max(lateral) <= g * 9.80665 * 1.02
    assert np.max(lateral) >= g * 9.80665 * 0.95


def test_unwrap_is_numpy_unwrap_bit_for_bit() -> None:
    from samsim.models.motion import _unwrap_deg

    rng = np.random.default_rng(7)
    for trial in range(300):
        a = np.cumsum(rng.normal(0.0, [1.0, 60.0, 150.0][trial % 3], rng.integers(1, 40)))
        if trial % 5 == 0:
            a[rng.integers(0, a.size)] = -0.0  # -0 after the first sample becomes +0, as NumPy's
        got, want = _unwrap_deg(a), np.unwrap(a, period=360.0)
        np.testing.assert_array_equal(got.view(np.int64), want.view(np.int64))
    np.testing.assert_array_equal(_unwrap_deg(np.array([179.0, -179.0])), [179.0, 181.0])
