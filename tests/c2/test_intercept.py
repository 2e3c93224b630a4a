"""Predicted intercept point against the closed-form collision triangle; envelope checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from samsim.c2.evaluation import BALLISTIC, BALLISTIC_SPEED_MPS, classify_tracks
from samsim.c2.intercept import (
    ABOVE_MAX_ALTITUDE,
    BELOW_MIN_ALTITUDE,
    BELOW_MIN_RANGE,
    BEYOND_MAX_RANGE,
    FEASIBLE,
    FLIGHT_TOO_LONG,
    NO_SOLUTION,
    REASON_NAMES,
    TARGET_TOO_FAST,
    extrapolate_track,
    gravity_mps2,
    launch_feasible,
    predict_intercept,
    predict_intercept_by_altitude,
    track_acceleration_mps2,
)
from samsim.constants import G0_MPS2, MEAN_EARTH_RADIUS_M
from samsim.models.ballistic import ballistic_profile, kepler_arc

RE = MEAN_EARTH_RADIUS_M
CENTER = np.array([0.0, 0.0, -RE])
S = 1_500.0  # constant interceptor speed of the closed-form checks
T = np.array([0.0, 400.0])
R = S * T


def _closed_form(q: np.ndarray, v: np.ndarray, s: float) -> float:
    """Smallest positive root of (v.v - s^2) t^2 + 2 q.v t + q.q = 0."""
    roots = np.roots([v @ v - s * s, 2.0 * (q @ v), q @ q])
    real = roots[np.isreal(roots)].real
    return float(real[real > 0].min())


def test_head_on_constant_speed() -> None:
    p = np.array([[0.0, 100_000.0, 8_000.0]])
    v = np.array([[0.0, -300.0, 0.0]])
    tof, pip = predict_intercept(p, v, np.zeros((1, 3)), T, R)
    rng = math.hypot(100_000.0, 8_000.0)
    # closing along the line: 100 km ground, target speed along y only -> quadratic
    expected = _closed_form(p[0], v[0], S)
    assert tof[0, 0] == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(rng / (S + 300.0), rel=0.01)
    np.testing.assert_allclose(np.linalg.norm(pip[0, 0]), S * tof[0, 0], rtol=1e-12)


def test_crossing_and_receding_constant_speed_vectorised() -> None:
    rng = np.random.default_rng(7)
    p = rng.uniform(-150e3, 150e3, size=(40, 3))
    p[:, 2] = rng.uniform(50.0, 20e3, size=40)
    v = rng.normal(0.0, 400.0, size=(40, 3))
    v[:, 2] *= 0.1
    lau = np.array([[0.0, 0.0, 0.0], [2_000.0, -1_000.0, 5.0], [-3_000.0, 500.0, 0.0]])
    tof, pip = predict_intercept(p, v, lau, T, R)
    assert tof.shape == (40, 3) and pip.shape == (40, 3, 3)
    for k in range(40):
        for j in range(3):
            expected = _closed_form(p[k] - lau[j], v[k], S)
            assert tof[k, j] == pytest.approx(expected, rel=1e-9)
            np.testing.assert_allclose(pip[k, j], p[k] + v[k] * expected, rtol=1e-9)
    # explicit crossing target: passes 50 km abeam at 600 m/s
    q = np.array([-80e3, 50e3, 10e3])
    w = np.array([600.0, 0.0, 0.0])
    tof_c, _ = predict_intercept(q[None, :], w[None, :], np.zeros((1, 3)), T, R)
    assert tof_c[0, 0] == pytest.approx(_closed_form(q, w, S), rel=1e-12)


def test_faster_receding_target_has_no_solution() -> None:
    tof, pip = predict_intercept([[50e3, 0.0, 5e3]], [[2_000.0, 0.0, 0.0]], np.zeros((1, 3)), T, R)
    assert np.isnan(tof[0, 0]) and np.all(np.isnan(pip[0, 0]))


def test_tabulated_profile_first_root_and_delay() -> None:
    # a boost-coast style reach: fast early, slowing later (concave, monotone)
    t = np.linspace(0.0, 200.0, 2001)
    r = 2_000.0 * 60.0 * (1.0 - np.exp(-t / 60.0))
    p = np.array([[90e3, 30e3, 10e3], [-20e3, 5e3, 3e3]])
    v = np.array([[-250.0, 0.0, 0.0], [0.0, 800.0, 0.0]])
    lau = np.array([[0.0, 0.0, 0.0]])
    for delay in (0.0, 7.0):
        tof, pip = predict_intercept(p, v, lau, t, r, launch_delay_s=delay)
        for k in range(2):
            # brute force: first sign change of |p + v (delay + t)| - r(t) on a fine grid
            tt = np.linspace(0.0, 200.0, 200_001)
            gap = np.linalg.norm(p[k] + np.outer(delay + tt, v[k]), axis=1) - np.interp(tt, t, r)
            first = tt[np.argmax(gap <= 0.0)]
            assert tof[k, 0] == pytest.approx(first, abs=2e-3)
            np.testing.assert_allclose(pip[k, 0], p[k] + v[k] * (delay + tof[k, 0]), rtol=1e-12)
            assert np.linalg.norm(pip[k, 0]) == pytest.approx(np.interp(tof[k, 0], t, r), rel=1e-9)


def test_per_launcher_tables_with_nan_padding() -> None:
    t = np.array([0.0, 10.0, 20.0, 30.0])
    r = np.array([[0.0, 10e3, 20e3, 30e3], [0.0, 5e3, np.nan, np.nan]])
    p = np.array([[15e3, 0.0, 0.0]])
    tof, _ = predict_intercept(p, np.zeros((1, 3)), np.zeros((2, 3)), t, r)
    assert tof[0, 0] == pytest.approx(15.0)
    assert np.isnan(tof[0, 1])  # the short missile's table ends at 10 s / 5 km


def test_launch_feasible_reasons_with_curvature() -> None:
    lau = np.zeros((1, 3))
    env = dict(
        min_range_m=3_000.0,
        max_range_m=250_000.0,
        min_alt_m=10.0,
        max_alt_m=27_000.0,
        max_target_speed_mps=4_800.0,
        max_flight_s=230.0,
    )
    # PIP 240 km away at up_m = 0 in the local frame: 4.5 km above the sphere because of curvature
    far = np.array([240e3, 0.0, 0.0])
    far_alt = np.linalg.norm(far - CENTER) - RE
    assert far_alt == pytest.approx(240e3**2 / (2 * RE), rel=1e-3)
    pips = np.array(
        [
            [50e3, 0.0, 5e3],  # feasible
            [np.nan, np.nan, np.nan],  # no solution
            [50e3, 0.0, 5e3],  # too fast
            [2e3, 0.0, 500.0],  # too close
            [260e3, 0.0, 0.0],  # too far
            [20e3, 0.0, -30.0],  # below 10 m above the sphere
            [20e3, 0.0, 28e3],  # too high
            [50e3, 0.0, 5e3],  # flight too long
            far,  # feasible: 4.5 km up thanks to curvature, although up_m = 0
        ]
    ).reshape(9, 1, 3)
    tof = np.array([[40.0], [np.nan], [40.0], [5.0], [200.0], [15.0], [30.0], [240.0], [200.0]])
    vel = np.zeros((9, 3))
    vel[:, 0] = 300.0
    vel[2, 0] = 5_000.0
    ok, reason = launch_feasible(pips, tof, vel, lau, CENTER, RE, **env)  # type: ignore[arg-type]
    expected = [
        FEASIBLE,
        NO_SOLUTION,
        TARGET_TOO_FAST,
        BELOW_MIN_RANGE,
        BEYOND_MAX_RANGE,
        BELOW_MIN_ALTITUDE,
        ABOVE_MAX_ALTITUDE,
        FLIGHT_TOO_LONG,
        FEASIBLE,
    ]
    assert reason[:, 0].tolist() == expected
    assert ok[:, 0].tolist() == [code == FEASIBLE for code in expected]
    assert REASON_NAMES[int(reason[4, 0])] == "beyond_max_range"


def test_launch_feasible_per_launcher_envelopes() -> None:
    lau = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    pip = np.array([[[100e3, 0.0, 8e3], [100e3, 0.0, 8e3]]])
    tof = np.array([[90.0, 90.0]])
    ok, reason = launch_feasible(
        pip,
        tof,
        np.array([[250.0, 0.0, 0.0]]),
        lau,
        CENTER,
        RE,
        min_range_m=np.array([3e3, 1e3]),
        max_range_m=np.array([250e3, 40e3]),
        min_alt_m=10.0,
        max_alt_m=np.array([27e3, 20e3]),
        max_target_speed_mps=4_800.0,
        max_flight_s=np.array([230.0, 60.0]),
    )
    assert ok.tolist() == [[True, False]]
    assert reason[0, 1] == BEYOND_MAX_RANGE


def _arc_enu(range_m: float, apogee_m: float, t_s: np.ndarray) -> np.ndarray:
    """Points of the drag-free Kepler arc at ``t_s`` in the ENU frame of its launch point (east = downrange)."""
    ground, alt = ballistic_profile(range_m, apogee_m, t_s)
    theta = ground / RE
    rho = RE + alt
    return np.stack([rho * np.sin(theta), np.zeros_like(theta), rho * np.cos(theta) - RE], axis=-1)


def test_ballistic_extrapolation_follows_the_kepler_arc() -> None:
    # A descending 300 km / 80 km-apogee arc, predicted 20 s ahead from a point and velocity on it:
    # p + v t + g t^2 / 2 with the central gravity there stays on the closed-form Kepler arc to a few
    # metres (what is left is gravity's change in direction and size over ~30 km of flight, ~0.05 m/s^2,
    # so ~10 m after 20 s), while the constant-velocity prediction is g t^2 / 2 ~ 1.96 km high.
    range_m, apogee_m = 300e3, 80e3
    _, _, flight_s = kepler_arc(range_m, apogee_m)
    t0 = 0.7 * flight_s
    h = 1e-3
    p0, p_plus, p_minus = _arc_enu(range_m, apogee_m, np.array([t0, t0 + h, t0 - h]))
    v0 = (p_plus - p_minus) / (2 * h)
    assert v0[2] < 0.0  # descending
    g = gravity_mps2(p0[None], CENTER)[0]
    assert np.linalg.norm(g) == pytest.approx(G0_MPS2 * (RE / (RE + p0[2])) ** 2, rel=3e-3)
    dt = np.array([5.0, 10.0, 20.0])
    truth = _arc_enu(range_m, apogee_m, t0 + dt)
    predicted = extrapolate_track(p0, v0, g, dt)
    np.testing.assert_allclose(predicted, truth, atol=30.0)
    straight = extrapolate_track(p0, v0, np.zeros(3), dt)
    assert np.linalg.norm(straight[-1] - truth[-1]) == pytest.approx(
        0.5 * np.linalg.norm(g) * 20.0**2, rel=0.02
    )


def test_track_acceleration_is_gravity_for_ballistic_tracks_only() -> None:
    pos = np.array([[50e3, 0.0, 30e3], [50e3, 0.0, 8e3], [20e3, 0.0, 100.0]])
    vel = np.array([[-1_500.0, 0.0, -900.0], [-250.0, 0.0, 0.0], [-240.0, 0.0, 0.0]])
    height = np.linalg.norm(pos - CENTER, axis=1) - RE
    acc = track_acceleration_mps2(pos, vel, height, CENTER)
    np.testing.assert_allclose(acc[0], gravity_mps2(pos[:1], CENTER)[0])
    assert acc[0, 2] < -9.6 and np.all(acc[1:] == 0.0)


def test_track_acceleration_agrees_with_the_classification_on_either_side_of_ballistic_speed() -> None:
    # the function skips the classification when no track reaches BALLISTIC_SPEED_MPS: it must give
    # what classify_tracks says at any height, just below and at that speed
    rng = np.random.default_rng(5)
    n = 200
    pos = np.column_stack([rng.uniform(-1e5, 1e5, n), rng.uniform(-1e5, 1e5, n), rng.uniform(0.0, 9e4, n)])
    direction = rng.normal(size=(n, 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    height = np.linalg.norm(pos - CENTER, axis=1) - RE
    for speed in (np.nextafter(BALLISTIC_SPEED_MPS, 0.0), BALLISTIC_SPEED_MPS, 1.5 * BALLISTIC_SPEED_MPS):
        vel = direction * speed
        acc = track_acceleration_mps2(pos, vel, height, CENTER)
        ballistic = classify_tracks(np.linalg.norm(vel, axis=1), height) == BALLISTIC
        np.testing.assert_array_equal(np.any(acc != 0.0, axis=1), ballistic)
        np.testing.assert_array_equal(acc[ballistic], gravity_mps2(pos[ballistic], CENTER))


def test_track_acceleration_with_one_centre_per_track_is_each_tracks_gravity() -> None:
    # tracks in several frames (each with its own earth centre): each fast one gets gravity_mps2 at
    # its own centre, to the last bit, the slow ones none
    rng = np.random.default_rng(11)
    n = 60
    pos = rng.uniform(-2e5, 2e5, (n, 3))
    centers = CENTER + rng.uniform(-5e4, 5e4, (n, 3))
    speed = np.where(np.arange(n) % 2 == 0, 2.0 * BALLISTIC_SPEED_MPS, 0.5 * BALLISTIC_SPEED_MPS)
    vel = np.column_stack([speed, np.zeros(n), np.zeros(n)])
    acc = track_acceleration_mps2(pos, vel, None, centers)
    for k in range(n):
        want = gravity_mps2(pos[k : k + 1], centers[k])[0] if speed[k] > BALLISTIC_SPEED_MPS else np.zeros(3)
        np.testing.assert_array_equal(acc[k], want)


def _quartic_root(q: np.ndarray, v: np.ndarray, a: np.ndarray, s: float) -> float:
    """Smallest positive root of |q + v t + a t^2 / 2|^2 = (s t)^2, a quartic in t."""
    c4 = 0.25 * (a @ a)
    c3 = v @ a
    c2 = v @ v + q @ a - s * s
    c1 = 2.0 * (q @ v)
    c0 = q @ q
    roots = np.roots([c4, c3, c2, c1, c0])
    real = roots[np.abs(roots.imag) < 1e-6].real
    return float(real[real > 0].min())


def test_ballistic_pip_solves_the_falling_collision_quartic() -> None:
    # A constant-speed interceptor against targets falling under gravity: the time of flight is the
    # smallest positive root of the quartic |q + v t + g t^2/2| = s t, and the PIP lies on the arc.
    rng = np.random.default_rng(11)
    n = 30
    p = np.column_stack(
        [rng.uniform(30e3, 120e3, n), rng.uniform(-30e3, 30e3, n), rng.uniform(20e3, 60e3, n)]
    )
    v = np.column_stack(
        [rng.uniform(-1_800.0, -900.0, n), rng.uniform(-200.0, 200.0, n), rng.uniform(-900.0, 0.0, n)]
    )
    acc = gravity_mps2(p, CENTER)
    lau = np.array([[0.0, 0.0, 0.0], [3_000.0, -2_000.0, 10.0]])
    tof, pip = predict_intercept(p, v, lau, T, R, track_acc_mps2=acc)
    flat, _ = predict_intercept(p, v, lau, T, R)
    for k in range(n):
        for j in range(2):
            expected = _quartic_root(p[k] - lau[j], v[k], acc[k], S)
            assert tof[k, j] == pytest.approx(expected, rel=1e-9)
            np.testing.assert_allclose(pip[k, j], extrapolate_track(p[k], v[k], acc[k], expected), rtol=1e-9)
            assert np.linalg.norm(pip[k, j] - lau[j]) == pytest.approx(S * expected, rel=1e-9)
    # gravity moves the solution: without it the PIP is the constant-velocity one
    assert np.all(np.abs(tof - flat) > 1e-3)
    # with a launch delay the track first falls for the delay, then the same quartic from there
    tof_d, _ = predict_intercept(p[:1], v[:1], lau[:1], T, R, track_acc_mps2=acc[:1], launch_delay_s=4.0)
    q4 = extrapolate_track(p[0], v[0], acc[0], 4.0)
    assert tof_d[0, 0] == pytest.approx(_quartic_root(q4, v[0] + 4.0 * acc[0], acc[0], S), rel=1e-9)


# ------------------------------------------------------------------ reach by target altitude

ALTS = np.array([1_000.0, 10_000.0, 20_000.0])
SPEEDS = np.array([900.0, 1_300.0, 1_700.0])  # a faster interceptor in thinner air


def _by_altitude(p: np.ndarray, v: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Constant-speed rows ``r = s_a t`` at ALTS over ``grid``, searched by altitude in the frame of
    CENTER."""
    table = SPEEDS[:, None] * grid[None, :]
    return predict_intercept_by_altitude(
        p, v, np.zeros((1, 3)), grid, ALTS, table[None], np.zeros(p.shape), CENTER, RE
    )


def _level_point(ground_m: float, alt_m: float) -> np.ndarray:
    ang = ground_m / RE
    return np.array([0.0, (RE + alt_m) * math.sin(ang), (RE + alt_m) * math.cos(ang) - RE])


@pytest.mark.parametrize("alt_m", [500.0, 1_000.0, 5_500.0, 10_000.0, 17_500.0, 30_000.0])
def test_a_target_is_met_at_the_speed_of_its_altitudes_row(alt_m: float) -> None:
    """A target that stays at one altitude (at rest, so its height never changes) meets the
    interceptor at the collision triangle's time for the speed read at that altitude: a row's own,
    linear between rows, the end rows' beyond them."""
    q = _level_point(60e3, alt_m)
    tof, pip = _by_altitude(q[None], np.zeros((1, 3)), np.array([0.0, 400.0]))
    speed = float(np.interp(alt_m, ALTS, SPEEDS))
    assert tof[0, 0] == pytest.approx(np.linalg.norm(q) / speed, rel=1e-9)
    np.testing.assert_allclose(pip[0, 0], q, atol=1e-6)


def test_a_climbing_target_is_met_where_the_reach_along_its_path_catches_it() -> None:
    """Along a climbing target's path the reach table is read at each time node at the altitude it has
    then: on a fine grid the first meeting is the root of ``|q + v t| = s(h(t)) t`` (found here by
    bisection on the exact altitudes), not the speed of the altitude it starts at."""
    q = _level_point(80e3, 2_000.0)
    v = np.array([150.0, -200.0, 250.0])
    grid = np.arange(0.0, 200.0, 0.05)
    tof, _ = _by_altitude(q[None], v[None], grid)

    def gap(t: float) -> float:
        pos = q + v * t
        h = float(np.linalg.norm(pos - CENTER) - RE)
        return float(np.linalg.norm(pos) - np.interp(h, ALTS, SPEEDS) * t)

    lo, hi = 0.0, 200.0
    assert gap(lo) > 0.0 > gap(hi)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if gap(mid) > 0.0 else (lo, mid)
    assert tof[0, 0] == pytest.approx(lo, abs=1e-3)
    start_speed = float(np.interp(2_000.0, ALTS, SPEEDS))
    assert abs(tof[0, 0] - _closed_form(q, v, start_speed)) > 5.0


def test_the_search_never_skips_a_root_where_the_reach_changes_with_altitude() -> None:
    """The skip bound counts the reach's change across altitudes and its steps in time: random tracks
    climbing and diving through rows of very different reach, some with steps, on the table's own
    coarse grid, find the same first root as a search of the reach along each track's path sampled at
    every node."""
    rng = np.random.default_rng(3)
    n = 400
    grid = np.concatenate([[0.0], np.cumsum(rng.uniform(1.0, 6.0, 80))])
    # rows of very different speeds, each varying along its flight (300-2,500 m/s)
    speed = rng.uniform(300.0, 2_500.0, (3, grid.size - 1)) * np.array([[0.5], [1.0], [1.5]])
    # and steps: a lofted shot reaches 10-15 km farther within a second or so
    steps = rng.random(speed.shape) < 0.05
    speed[steps] += (
        rng.uniform(10e3, 15e3, np.count_nonzero(steps)) / np.broadcast_to(np.diff(grid), speed.shape)[steps]
    )
    table = np.concatenate([np.zeros((3, 1)), np.cumsum(speed * np.diff(grid), axis=1)], axis=1)
    ground = rng.uniform(5e3, 150e3, n)
    alt = rng.uniform(0.0, 30e3, n)
    p = np.array([_level_point(g, a) for g, a in zip(ground, alt, strict=True)])
    p[:, 0] = rng.uniform(-40e3, 40e3, n)
    v = rng.normal(0.0, 300.0, (n, 3))
    tof, _ = predict_intercept_by_altitude(
        p, v, np.zeros((1, 3)), grid, ALTS, table[None], np.zeros((n, 3)), CENTER, RE
    )
    for k in range(n):
        path = p[k] + v[k] * grid[:, None]
        h = np.linalg.norm(path - CENTER, axis=1) - RE
        along = np.array([np.interp(h[i], ALTS, table[:, i]) for i in range(grid.size)])
        ref, _ = predict_intercept(p[k : k + 1], v[k : k + 1], np.zeros((1, 3)), grid, along)
        assert tof[k, 0] == pytest.approx(ref[0, 0], rel=1e-9, abs=1e-9, nan_ok=True)
    assert np.count_nonzero(np.isfinite(tof)) > n // 4
