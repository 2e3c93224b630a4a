"""Interceptor flyout kernel against closed forms, and the proposed catalog parameters against the
published ranges and speeds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from samsim import catalog
from samsim.c2.intercept import predict_intercept
from samsim.constants import GM_M3PS2, MEAN_EARTH_RADIUS_M
from samsim.models import flyout as fo
from samsim.models.atmosphere import isa

G = 9.80665
RE = MEAN_EARTH_RADIUS_M
CENTER = np.array([0.0, 0.0, -RE])
F64 = NDArray[np.float64]

# Flyout parameters (keyword arguments of flyout.interceptor_params).
# Published (WIKI-S400 / WIKI-S300 in src/samsim/catalog/sources.yaml, and the Wikipedia
# missile tables): launch masses 1893 kg (40N6E), 1835 kg (48N6E3), 1800 kg (48N6E2), 420 kg (9M96E2),
# 333 kg (9M96E); body diameters 0.519 m (48N6), 0.24 m (9M96). Everything else is ASSUMED: propellant
# split, burn times, Isp (typical composite solid propellant), the 40N6E diameter (0.575 m, larger
# 48N6-class airframe), fin spans, the zero-lift drag scale, max g, CN_max, the end-game criterion,
# seeker / track-via-missile terminal ranges, autopilot lag, loft and the fuze timer. The published
# maximum ranges are not fitted: tests/coverage/test_envelope.py checks that they emerge.
INTERCEPTOR_PARAMETERS: dict[str, dict[str, float]] = {
    key: {**catalog.interceptor(key).flyout, "max_accel_mps2": catalog.interceptor(key).max_g * G}
    for key in catalog.names("interceptor")
}
"""The catalog's flyout parameters (one place: src/samsim/catalog/interceptors.yaml)."""
# published max range (m), speed (m/s; 40N6E: not published, 2,000-3,000 in open sources, 2,500
# assumed) and the reference target altitude (m) of the range check
PUBLISHED = {
    "40N6E": (380e3, 2500.0, 10e3),
    "48N6E3": (250e3, 2000.0, 10e3),
    "48N6E2": (200e3, 1900.0, 10e3),
    "9M96E2": (120e3, 1000.0, 10e3),
    "9M96E": (40e3, 900.0, 5e3),
    # the systems an S-400 fights beside (PAC-3 MSE, AIM-120C-7 from the ground and IRIS-T SL speeds
    # are assumed: see their catalog notes)
    "57E6E": (20e3, 1300.0, 5e3),
    "5V55R": (90e3, 1700.0, 10e3),
    "PAC-2-GEM-T": (160e3, 1400.0, 10e3),
    "PAC-3-MSE": (36e3, 1250.0, 5e3),
    "AIM-120C-7": (30e3, 1000.0, 5e3),
    "IRIS-T-SL": (40e3, 1000.0, 5e3),
}


def _row(**overrides: float) -> F64:
    kw = dict(INTERCEPTOR_PARAMETERS["48N6E3"])
    kw.update(overrides)
    return fo.interceptor_params(**kw)


def _truth(points: F64, vel: F64 | None = None, duration_s: float = 400.0) -> fo.ThreatTruth:
    """Constant-velocity threats sampled every second."""
    vel = np.zeros_like(points) if vel is None else vel
    t = np.arange(0.0, duration_s + 1.0)
    table = points[:, None, :] + vel[:, None, :] * t[None, :, None]
    return fo.ThreatTruth(table, np.zeros(len(points)), 1.0, np.full(len(points), np.inf))


def _fly(state: fo.FlyoutState, truth: fo.ThreatTruth, t_end: float, chunk_s: float = 1.0) -> None:
    t = 0.0
    while t < t_end and np.any((state.status == fo.MIDCOURSE) | (state.status == fo.TERMINAL)):
        fo.advance(state, truth, t, t + chunk_s, 0.1, CENTER, RE)
        t += chunk_s


def _launch_at(
    state: fo.FlyoutState,
    k: int,
    row: F64,
    target: int,
    p: F64,
    v: F64,
    tof: float,
    *,
    aim_m: F64 | None = None,
    center: F64 = CENTER,
    launch_speed_mps: float = 30.0,
) -> None:
    """Launch from the origin at a track ``(p, v)``, aimed at its position after ``tof`` (or ``aim_m``)."""
    fo.launch(
        state,
        k,
        time_s=0.0,
        position_m=np.zeros(3),
        params=row,
        target=target,
        track_pos_m=p,
        track_vel_mps=v,
        track_time_s=0.0,
        aim_m=(p if math.isnan(tof) else p + v * tof) if aim_m is None else aim_m,
        intercept_s=tof,
        center_enu_m=center,
        launch_speed_mps=launch_speed_mps,
    )


# ------------------------------------------------------------------ propulsion, drag, integration


def test_parameter_derivation() -> None:
    row = fo.interceptor_params(
        launch_mass_kg=400.0,
        boost_propellant_kg=120.0,
        boost_time_s=4.0,
        sustain_propellant_kg=60.0,
        sustain_time_s=20.0,
        isp_s=250.0,
        sustain_isp_s=230.0,
        diameter_m=0.24,
        max_accel_mps2=200.0,
        nav_ratio=4.0,
        max_flight_s=60.0,
    )
    assert row[fo.P_DRY_MASS_KG] == pytest.approx(220.0)
    assert row[fo.P_BOOST_MDOT_KGPS] == pytest.approx(30.0)
    assert row[fo.P_BOOST_THRUST_N] == pytest.approx(30.0 * 250.0 * G)  # T = mdot Isp g0
    assert row[fo.P_SUSTAIN_THRUST_N] == pytest.approx(3.0 * 230.0 * G)
    assert row[fo.P_REF_AREA_M2] == pytest.approx(math.pi * 0.12**2)
    with pytest.raises(ValueError, match="propellant"):
        fo.interceptor_params(
            launch_mass_kg=100.0,
            boost_propellant_kg=120.0,
            boost_time_s=4.0,
            isp_s=250.0,
            diameter_m=0.2,
            max_accel_mps2=1.0,
            nav_ratio=3.0,
            max_flight_s=10.0,
        )


def test_drag_curve_shape() -> None:
    cd = fo.drag_coefficient(np.array([0.3, 1.2, 3.0, 6.0]))
    np.testing.assert_allclose(cd, [0.30, 0.68, 0.37, 0.26])
    assert fo.drag_coefficient(1.2) == fo.CD_TABLE.max()  # transonic peak


def test_vertical_boost_in_vacuum_follows_rocket_equation() -> None:
    row = _row(cd_scale=0.0)
    t, _, v, alt = fo.straight_flyout_profile(row, math.pi / 2, dt_s=0.1, launch_speed_mps=0.0)
    k = int(round(15.0 / 0.1))
    assert t[k] == pytest.approx(15.0)
    m0, m1 = 1835.0, 1835.0 - 1150.0
    g_mean = G * (RE / (RE + 0.5 * alt[k])) ** 2  # gravity falls with altitude on the way up
    isp_s = row[fo.P_BOOST_THRUST_N] / (row[fo.P_BOOST_MDOT_KGPS] * G)  # the catalog's
    expected = isp_s * G * math.log(m0 / m1) - g_mean * 15.0
    assert v[k] == pytest.approx(expected, rel=2e-3)


def test_drag_deceleration_matches_isa() -> None:
    """Unpowered level flight at 10 km: the first step's deceleration is 0.5 rho V^2 Cd S / m + g.v."""
    row = _row(boost_propellant_kg=0.0, boost_time_s=0.0)
    t, _, v, _ = fo.straight_flyout_profile(row, 0.0, dt_s=0.01, launch_speed_mps=1000.0, launch_alt_m=10e3)
    state = isa(10e3)
    mach = 1000.0 / float(state.speed_of_sound_mps)
    cd0 = float(fo.drag_coefficient(mach, altitude_m=10e3)) * row[fo.P_CD_SCALE]
    drag = 0.5 * float(state.density_kgpm3) * 1000.0**2 * cd0 * row[fo.P_REF_AREA_M2]
    assert (v[0] - v[1]) / (t[1] - t[0]) == pytest.approx(drag / 1835.0, rel=1e-3)


def test_coast_in_vacuum_conserves_orbital_energy_and_step_converges() -> None:
    row = _row(boost_propellant_kg=0.0, boost_time_s=0.0, cd_scale=0.0, max_flight_s=400.0)
    t, rng, v, alt = fo.straight_flyout_profile(row, math.radians(45.0), dt_s=0.1, launch_speed_mps=2000.0)
    r = RE + alt
    energy = 0.5 * v**2 - GM_M3PS2 / r
    assert np.ptp(energy) / abs(energy[0]) < 1e-5
    # flat-earth vacuum range v^2/g = 407.9 km; on the sphere gravity weakens with height and the
    # ground falls away, so the shot goes further
    assert 2000.0**2 / G < rng[-1] < 1.2 * 2000.0**2 / G
    t_fine, rng_fine, _, _ = fo.straight_flyout_profile(
        row, math.radians(45.0), dt_s=0.01, launch_speed_mps=2000.0
    )
    assert rng[-1] == pytest.approx(rng_fine[-1], rel=2e-3)
    assert t[-1] == pytest.approx(t_fine[-1], abs=0.1)


def test_burnout_inside_a_step() -> None:
    row = _row(boost_time_s=15.05, cd_scale=0.0)
    _, _, v_coarse, _ = fo.straight_flyout_profile(row, math.pi / 2, dt_s=0.1)
    _, _, v_fine, _ = fo.straight_flyout_profile(row, math.pi / 2, dt_s=0.001)
    assert v_coarse[200] == pytest.approx(v_fine[20000], rel=1e-4)


# ------------------------------------------------------------------ kernel: end conditions


def test_closest_approach_is_exact_within_the_step() -> None:
    """No navigation (N = 0) and no lag: gravity compensation holds a straight line past the point.

    A kinematic reference: no drag, lift without induced drag, no boost (so no thrust-vector phase)."""
    row = _row(
        boost_propellant_kg=0.0,
        boost_time_s=0.0,
        cd_scale=0.0,
        induced_drag_k=0.0,
        guidance_delay_s=0.0,
        nav_ratio=0.0,
        cn_max=0.0,
        tau_s=0.0,
    )
    state = fo.empty_state(1)
    point = np.array([0.0, 10_000.0, 1_000.0])
    fo.launch(
        state,
        0,
        time_s=0.0,
        position_m=np.zeros(3),
        params=row,
        target=0,
        track_pos_m=point,
        track_vel_mps=np.zeros(3),
        track_time_s=0.0,
        aim_m=point + np.array([30.0, 0.0, 0.0]),
        intercept_s=math.nan,
        center_enu_m=CENTER,
        launch_speed_mps=1_000.0,
    )
    # aim slightly off and reach the line's nearest point to the target between two 0.1 s steps
    _fly(state, _truth(point[None, :]), 30.0)
    assert state.status[0] == fo.INTERCEPT
    d = np.array([30.0, 10_000.0, 1_000.0]) / np.linalg.norm([30.0, 10_000.0, 1_000.0])
    expected_miss = np.linalg.norm(np.cross(point, d))
    assert state.miss_m[0] == pytest.approx(expected_miss, rel=1e-6)
    # along the line the weight's tangential part slows the 1000 m/s missile: d = v0 t - g sin(e) t^2 / 2
    along, decel = float(point @ d), G * d[2]
    assert state.cpa_s[0] == pytest.approx((1_000.0 - math.sqrt(1e6 - 2.0 * decel * along)) / decel, abs=2e-3)
    assert state.end_s[0] == state.cpa_s[0]


def test_self_destruct_at_max_flight_time_and_on_the_ground() -> None:
    state = fo.empty_state(2)
    far = np.array([[0.0, 900e3, 10e3]])
    _launch_at(state, 0, _row(max_flight_s=12.34), 0, far[0], np.zeros(3), math.nan)
    # no target: unguided, launched low, hits the ground
    fo.launch(
        state,
        1,
        time_s=0.0,
        position_m=np.zeros(3),
        params=_row(boost_propellant_kg=0.0, boost_time_s=0.0),
        target=-1,
        track_pos_m=far[0],
        track_vel_mps=np.zeros(3),
        track_time_s=0.0,
        aim_m=np.array([1000.0, 0.0, 100.0]),
        intercept_s=math.nan,
        center_enu_m=CENTER,
        launch_speed_mps=300.0,
    )
    _fly(state, _truth(far), 60.0)
    assert state.status.tolist() == [fo.SELF_DESTRUCT, fo.GROUND_IMPACT]
    assert state.end_s[0] == pytest.approx(12.34, abs=1e-9)
    # 300 m/s at 5.7 deg: a 2 v sin(e) / g = 6.09 s hop in vacuum, drag shortens it slightly; the
    # impact is noticed at the end of the 0.1 s step
    assert 5.5 < state.end_s[1] <= 6.1 + 1e-9
    assert np.linalg.norm(state.pos_m[1] - CENTER) - RE < 0.0


def test_dead_target_is_not_intercepted() -> None:
    p = np.array([[0.0, 30e3, 5e3]])
    truth = _truth(p)
    truth = truth._replace(dead_s=np.array([5.0]))
    state = fo.empty_state(1)
    _launch_at(state, 0, _row(max_flight_s=60.0), 0, p[0], np.zeros(3), 25.0)
    _fly(state, truth, 100.0)
    assert state.status[0] == fo.SELF_DESTRUCT
    assert state.end_s[0] == pytest.approx(60.0)


def test_chunking_and_late_launch_do_not_change_the_flight() -> None:
    p = np.array([[20e3, 60e3, 8e3], [-30e3, 40e3, 3e3]])
    v = np.array([[-250.0, -100.0, 0.0], [200.0, -150.0, 0.0]])
    row = _row()
    t_grid, r_grid, _ = fo.reach_profile(row, target_alt_m=5e3)
    tof, _ = predict_intercept(p, v, np.zeros((1, 3)), t_grid, r_grid, launch_delay_s=0.0)
    states = []
    for chunk in (1.0, 7.3):
        state = fo.empty_state(2)
        for k in range(2):
            _launch_at(state, k, row, k, p[k], v[k], tof[k, 0])
        _fly(state, _truth(p, v), 200.0, chunk_s=chunk)
        states.append(state)
    a, b = states
    assert a.status.tolist() == [fo.INTERCEPT, fo.INTERCEPT]
    assert b.status.tolist() == a.status.tolist()
    # chunk ends that cut inner steps change the discretisation a little, nothing more: the end
    # times agree to well within the 0.1 s step's own error (0.4 s against a 0.02 s step here, where
    # the missile arrives slowly after paying for its manoeuvres)
    np.testing.assert_allclose(b.miss_m, a.miss_m, atol=1.0)
    np.testing.assert_allclose(b.end_s, a.end_s, atol=0.15)
    # a launch at 3.5 s inside the [3, 4] chunk: the same flight shifted by 3.5 s
    truth = _truth(p[:1] - v[:1] * 3.5, v[:1])
    late = fo.empty_state(1)
    fo.launch(
        late,
        0,
        time_s=3.5,
        position_m=np.zeros(3),
        params=row,
        target=0,
        track_pos_m=p[0],
        track_vel_mps=v[0],
        track_time_s=3.5,
        aim_m=p[0] + v[0] * tof[0, 0],
        intercept_s=3.5 + tof[0, 0],
        center_enu_m=CENTER,
    )
    _fly(late, truth, 200.0, chunk_s=1.0)
    assert late.end_s[0] - 3.5 == pytest.approx(a.end_s[0], abs=0.15)
    assert late.miss_m[0] == pytest.approx(a.miss_m[0], abs=0.5)


def test_ideal_pn_hits_a_constant_velocity_target() -> None:
    """N = 3, no lag, no limit binding: a non-manoeuvring target is hit to well under a metre."""
    row = _row(tau_s=0.0, nav_ratio=3.0, max_accel_mps2=60.0 * G, cn_max=0.0)
    p = np.array([[10e3, 70e3, 9e3]])
    v = np.array([[-200.0, -200.0, 0.0]])
    t_grid, r_grid, _ = fo.reach_profile(row, target_alt_m=9e3)
    tof, _ = predict_intercept(p, v, np.zeros((1, 3)), t_grid, r_grid)
    state = fo.empty_state(1)
    _launch_at(state, 0, row, 0, p[0], v[0], tof[0, 0])
    _fly(state, _truth(p, v), 200.0)
    assert state.status[0] == fo.INTERCEPT
    assert state.miss_m[0] < 1.0
    assert state.end_s[0] == pytest.approx(tof[0, 0], rel=0.1)


def test_a_table_in_another_frame_flies_as_the_table_converted_into_the_flight_frame() -> None:
    """One ECEF table mapped by ThreatTruth's rotation and origin as the kernel reads it flies the
    interceptor as the same table converted into the battery's ENU frame beforehand (to rounding:
    the affine map commutes with the interpolation), and the identity default changes nothing."""
    from samsim.geodesy import LocalFrame

    frame = LocalFrame(39.93, 32.86, 900.0)
    row = _row(tau_s=0.0, nav_ratio=3.0, max_accel_mps2=60.0 * G, cn_max=0.0)
    p = np.array([[10e3, 70e3, 9e3], [-20e3, 40e3, 5e3]])
    v = np.array([[-200.0, -200.0, 0.0], [150.0, -250.0, 0.0]])
    enu = _truth(p, v)
    table_ecef = frame.enu_to_ecef(enu.pos_m.reshape(-1, 3)).reshape(enu.pos_m.shape)
    ecef = fo.ThreatTruth(table_ecef, enu.t0_s, enu.dt_s, enu.dead_s, frame.rotation, frame.origin_ecef_m)
    t_grid, r_grid, _ = fo.reach_profile(row, target_alt_m=9e3)
    tof, _ = predict_intercept(p, v, np.zeros((2, 3)), t_grid, r_grid)
    states = []
    for truth in (enu, ecef):
        state = fo.empty_state(2)
        for k in range(2):
            _launch_at(state, k, row, k, p[k], v[k], tof[k, 0])
        _fly(state, truth, 200.0)
        states.append(state)
    a, b = states
    assert np.all(a.status == fo.INTERCEPT) and np.all(a.miss_m < 1.0)
    np.testing.assert_array_equal(a.status, b.status)
    np.testing.assert_allclose(a.end_s, b.end_s, atol=1e-6)
    np.testing.assert_allclose(a.miss_m, b.miss_m, atol=1e-5)
    np.testing.assert_allclose(a.pos_m, b.pos_m, atol=1e-4)
    # the kernel's read of one instant, against the frame's own conversion
    for j in range(2):
        got = np.array(fo._truth(table_ecef, j, 12.3, 0.0, 1.0, frame.rotation, frame.origin_ecef_m))
        np.testing.assert_allclose(got[:3], p[j] + 12.3 * v[j], atol=1e-6)
        np.testing.assert_allclose(got[3:], v[j], atol=1e-9)
        ident = fo._truth(enu.pos_m, j, 12.3, 0.0, 1.0, np.eye(3), np.zeros(3))
        assert ident[0] == enu.pos_m[j, 12, 0] + 0.3 * 1.0 * (
            (enu.pos_m[j, 13, 0] - enu.pos_m[j, 12, 0]) / 1.0
        )


# ------------------------------------------------------------------ proposed catalog parameters


def _peak_speed_to(row: F64, ground_m: float, alt_m: float) -> tuple[int, float, float]:
    ang = ground_m / RE
    point = np.array([[0.0, (RE + alt_m) * math.sin(ang), (RE + alt_m) * math.cos(ang) - RE]])
    state = fo.empty_state(1)
    _launch_at(state, 0, row, 0, point[0], np.zeros(3), math.nan)
    truth = _truth(point, duration_s=1.0)
    t, peak = 0.0, 0.0
    while state.status[0] in (fo.MIDCOURSE, fo.TERMINAL):
        fo.advance(state, truth, t, t + 0.5, 0.1, CENTER, RE)
        t += 0.5
        peak = max(peak, float(np.linalg.norm(state.vel_mps[0])))
    return int(state.status[0]), float(state.miss_m[0]), peak


@pytest.mark.parametrize("name", list(INTERCEPTOR_PARAMETERS))
def test_catalog_motors_reach_published_speed_and_the_timer_does_not_end_the_reach(name: str) -> None:
    """The motors give the published peak speed; the stationary reach ends on energy, before the fuze.

    (The published maximum ranges are compared with the emergent envelope in
    tests/coverage/test_envelope.py.)"""
    row = fo.interceptor_params(**INTERCEPTOR_PARAMETERS[name])
    max_range_m, speed_mps, ref_alt_m = PUBLISHED[name]
    t, r, _ = fo.reach_profile(row, target_alt_m=ref_alt_m)
    assert t[-1] < 0.95 * row[fo.P_MAX_FLIGHT_S]
    # the peak speed of a long shot (lofted out of the thick air), inside the stationary reach, which
    # like reach_profile leaves the closing speed (a property of the target's motion) out of the end game
    plain = row.copy()
    plain[fo.P_ENDGAME_MIN_CLOSING_MPS] = 0.0
    status, miss, peak = _peak_speed_to(plain, 0.9 * float(r[-1]), ref_alt_m)
    assert status == fo.INTERCEPT and miss < 1.0
    assert peak == pytest.approx(speed_mps, rel=0.10)


# ------------------------------------------------------------------ airframe: drag polar, lift limits, end game


def _pull_at_constant_g(
    row: F64, speed_mps: float, alt_m: float, duration_s: float, dt_s: float
) -> fo.FlyoutState:
    """A coasting missile in a level turn at its full lateral limit, gravity switched off.

    The earth is moved 1e12 m away (gravity ~ 4e-10 m/s^2, the ground flat) with its sphere raised so
    that the missile flies at ``alt_m``; the target sits 28 km away, 45 degrees off the nose, so
    saturated PN pulls
    ``max_accel`` in the horizontal plane for the whole flight.
    """
    far = 1e12
    center = np.array([0.0, 0.0, -far])
    state = fo.empty_state(1)
    target = np.array([[20e3, 20e3, 0.0]])  # 45 degrees off the nose (a beam target is PN's blind spot)
    north = np.array([0.0, 10e3, 0.0])
    _launch_at(
        state,
        0,
        row,
        0,
        target[0],
        np.zeros(3),
        math.nan,
        aim_m=north,
        center=center,
        launch_speed_mps=speed_mps,
    )
    fo.advance(state, _truth(target), 0.0, duration_s, dt_s, center, far - alt_m)
    return state


def _rk4_speed(row: F64, speed_mps: float, alt_m: float, accel_mps2: float, duration_s: float) -> float:
    """Hand-integrated reference: m dV/dt = -q S (cd_scale C_D0(M, h) + k C_L**2), C_L = m a / (q S)."""
    air = isa(alt_m)
    rho = float(air.density_kgpm3)
    sound = float(air.speed_of_sound_mps)
    mass, area = row[fo.P_LAUNCH_MASS_KG], row[fo.P_REF_AREA_M2]

    def dv(v: float) -> float:
        qs = 0.5 * rho * v * v * area
        cd0 = row[fo.P_CD_SCALE] * float(fo.drag_coefficient(v / sound, altitude_m=alt_m))
        cl = mass * accel_mps2 / qs
        return -qs * (cd0 + row[fo.P_INDUCED_K] * cl * cl) / mass

    v, h = speed_mps, 1e-3
    for _ in range(int(round(duration_s / h))):
        k1 = dv(v)
        k2 = dv(v + 0.5 * h * k1)
        k3 = dv(v + 0.5 * h * k2)
        k4 = dv(v + h * k3)
        v += h * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0
    return v


@pytest.mark.parametrize("induced_k", [None, 0.0])
def test_induced_drag_of_a_constant_g_pull_matches_a_hand_integrated_point_mass(
    induced_k: float | None,
) -> None:
    """A 10 g level turn at 10 km from 1000 m/s: the kernel's speed loss is the RK4 solution of the
    same point-mass equations; with the catalog's fins the pull costs several times the zero-lift drag."""
    kw: dict[str, float] = dict(
        boost_propellant_kg=0.0,
        boost_time_s=0.0,
        guidance_delay_s=0.0,
        tau_s=0.0,
        nav_ratio=30.0,  # PN stays saturated for the whole turn
        loft=0.0,
        launch_loft_rad=0.0,
        cn_max=50.0,  # the 10 g structural limit binds, not the aerodynamic one
        max_accel_mps2=10.0 * G,
        max_flight_s=100.0,
    )
    if induced_k is not None:
        kw["induced_drag_k"] = induced_k
    row = _row(**kw)
    state = _pull_at_constant_g(row, 1_000.0, 10e3, 5.0, 0.01)
    assert np.linalg.norm(state.acc_mps2[0]) == pytest.approx(10.0 * G, rel=1e-9)  # saturated all along
    assert abs(state.pos_m[0, 2]) < 1.0  # a level turn
    speed = float(np.linalg.norm(state.vel_mps[0]))
    reference = _rk4_speed(row, 1_000.0, 10e3, 10.0 * G, 5.0)
    assert 1_000.0 - speed == pytest.approx(1_000.0 - reference, rel=5e-3)
    if induced_k is None:
        zero_lift = _rk4_speed(row, 1_000.0, 10e3, 0.0, 5.0)
        assert 1_000.0 - speed > 3.0 * (1_000.0 - zero_lift)


def test_slender_body_lift_slope_gives_the_induced_drag_factor() -> None:
    """k = 1 / C_L_alpha on the body cross-section: Munk's body alone (C_N_alpha = 2 per radian) and
    Jones's slender wing (C_L_alpha = pi A / 2 on its own area, NACA Report 835, 1946)."""
    assert fo.induced_drag_factor(0.5, 0.5) == pytest.approx(0.5)
    # a slender delta wing of span b and area S (A = b^2 / S) referenced to S: k = 2 / (pi A)
    span, area = 1.2, 0.9
    d_equivalent = math.sqrt(4.0 * area / math.pi)  # the body whose cross-section is S
    aspect = span**2 / area
    assert fo.induced_drag_factor(d_equivalent, span) == pytest.approx(2.0 / (math.pi * aspect))
    # the catalog's 48N6 tail (2.2 diameters): k ~ 0.1; the polar's (L/D)max = 1 / (2 sqrt(k C_D0))
    # sits at C_L = sqrt(C_D0 / k), where the induced drag equals the zero-lift drag
    row = fo.interceptor_params(**INTERCEPTOR_PARAMETERS["48N6E3"])
    k = row[fo.P_INDUCED_K]
    assert k == pytest.approx(0.5 * (0.519 / 1.14) ** 2)
    cd0 = float(fo.drag_coefficient(3.0))
    cl_star = math.sqrt(cd0 / k)
    assert float(fo.drag_coefficient(3.0, cl_star, k)) == pytest.approx(2.0 * cd0)
    ld = np.array([cl / float(fo.drag_coefficient(3.0, cl, k)) for cl in np.linspace(0.1, 5.0, 491)])
    assert ld.max() == pytest.approx(1.0 / (2.0 * math.sqrt(k * cd0)), rel=1e-4)


def test_skin_friction_follows_the_flight_pressure() -> None:
    """Fleeman's turbulent skin friction 0.053 (l/d) (M / (q l))**0.2 (q psf, l ft) of the reference body
    (l/d = 14.5, l = 7.5 m): the table holds it at 10 km, the kernel adds the change with altitude."""

    def friction(mach: float, alt_m: float) -> float:
        q_psf = 0.7 * float(isa(alt_m).pressure_pa) * mach**2 / 47.880259
        return 0.053 * 14.5 * (mach / (q_psf * 7.5 / 0.3048)) ** 0.2

    for mach, alt in ((3.0, 40e3), (2.0, 0.0), (5.0, 25e3)):
        excess = float(fo.drag_coefficient(mach, altitude_m=alt) - fo.drag_coefficient(mach))
        assert excess == pytest.approx(friction(mach, alt) - friction(mach, 10e3), rel=1e-4)
    assert float(fo.drag_coefficient(3.0, altitude_m=10e3)) == pytest.approx(float(fo.drag_coefficient(3.0)))


def test_available_g_falls_with_altitude_from_the_published_9m96e2_figure() -> None:
    """WIKI-S400 credits the 9M96E2 with 20 g (the catalog's max_g; "up to 20 g at 3 km" in some
    sources): at 3 km and its published 1000 m/s the airframe pulls the full 20 g; the limit
    q S CN_max / m falls with the air density above, and with the speed."""
    spec = catalog.interceptor("9M96E2")
    row = fo.interceptor_params(**INTERCEPTOR_PARAMETERS["9M96E2"])
    alts = np.array([3e3, 10e3, 20e3, 25e3, 30e3])
    g = fo.available_accel_mps2(row, alts, spec.speed_mps) / G
    assert g[0] == pytest.approx(spec.max_g)
    assert np.all(np.diff(g) <= 0.0) and g[-1] < g[2] < spec.max_g
    rho = isa(alts).density_kgpm3
    aero = (
        0.5 * rho * spec.speed_mps**2 * row[fo.P_REF_AREA_M2] * row[fo.P_CN_MAX] / row[fo.P_DRY_MASS_KG] / G
    )
    np.testing.assert_allclose(g, np.minimum(aero, spec.max_g))
    assert fo.available_accel_mps2(row, 20e3, 500.0) == pytest.approx(
        fo.available_accel_mps2(row, 20e3, 1000.0) / 4.0
    )


def test_end_game_criterion_decides_the_closest_approach() -> None:
    """The same coasting flight to a stationary point: an intercept when the arrival speed clears the
    closing-speed floor, a kinematic defeat (self-destruct at the closest approach) when it does not,
    and also when the thin air leaves less than the required g."""
    base = dict(boost_propellant_kg=0.0, boost_time_s=0.0, guidance_delay_s=0.0, max_flight_s=200.0)
    point = np.array([0.0, 15e3, 10e3])
    ends = []
    for floor, min_g in ((0.0, 0.0), (900.0, 0.0), (0.0, 0.0), (0.0, 60.0)):
        row = _row(**base, endgame_min_closing_mps=floor, endgame_min_g=min_g)
        state = fo.empty_state(1)
        _launch_at(state, 0, row, 0, point, np.zeros(3), math.nan, launch_speed_mps=1_000.0)
        _fly(state, _truth(point[None, :]), 100.0)
        ends.append((int(state.status[0]), float(state.miss_m[0]), float(np.linalg.norm(state.vel_mps[0]))))
    (ok, miss, arrival), (slow, _, _), _, (weak, _, _) = ends
    assert ok == fo.INTERCEPT and miss < 1.0 and 300.0 < arrival < 900.0
    assert slow == fo.ENDGAME_FAILED
    # 60 g at 10 km needs q S CN_max / m >= 60 g, far beyond the 22 g structure: no end game
    assert weak == fo.ENDGAME_FAILED


def test_thrust_vector_boost_pays_in_axial_thrust() -> None:
    """While the motor burns and guidance has not started, the side force is thrust turned sideways:
    no induced drag, and what stays along the velocity is sqrt(T^2 - F^2)."""
    row = _row(cd_scale=0.0, guidance_delay_s=15.0, tau_s=0.0)
    state = fo.empty_state(1)
    # holding the launch line takes g cos(gamma) of side force against gravity
    aim = np.array([0.0, 50e3, 50e3 * math.tan(math.radians(2.0))])
    _launch_at(state, 0, row, 0, aim, np.zeros(3), math.nan, launch_speed_mps=300.0)
    v0 = state.vel_mps[0].copy()
    gamma = math.asin(v0[2] / np.linalg.norm(v0))  # the launch line (lofted above the aim)
    fo.advance(state, _truth(aim[None, :]), 0.0, 0.1, 0.1, CENTER, RE)
    side = np.linalg.norm(state.acc_mps2[0])
    assert side == pytest.approx(G * math.cos(gamma), rel=2e-3)
    thrust, mdot = row[fo.P_BOOST_THRUST_N], row[fo.P_BOOST_MDOT_KGPS]
    m_mid = row[fo.P_LAUNCH_MASS_KG] - 0.5 * mdot * 0.1
    axial = math.sqrt(thrust**2 - (m_mid * side) ** 2) / m_mid - G * math.sin(gamma)
    dv_along = float((state.vel_mps[0] - v0) @ v0 / np.linalg.norm(v0)) / 0.1
    assert dv_along == pytest.approx(axial, rel=1e-3)


def test_lateral_acceleration_limited_by_dynamic_pressure() -> None:
    """At 40 km a 1500 m/s missile can pull only q S CN_max / m, far below its 20 g structural limit."""
    row = _row(boost_propellant_kg=0.0, boost_time_s=0.0, tau_s=0.0, guidance_delay_s=0.0)
    start = np.array([0.0, 0.0, 40e3])
    target = np.array([[30e3, 30e3, 40e3]])  # 45 deg off the nose: PN saturates
    state = fo.empty_state(1)
    fo.launch(
        state,
        0,
        time_s=0.0,
        position_m=start,
        params=row,
        target=0,
        track_pos_m=target[0],
        track_vel_mps=np.zeros(3),
        track_time_s=0.0,
        aim_m=start + np.array([0.0, 10e3, 0.0]),
        intercept_s=math.nan,
        center_enu_m=CENTER,
        launch_speed_mps=1_500.0,
    )
    fo.advance(state, _truth(target), 0.0, 0.1, 0.1, CENTER, RE)
    air = isa(40e3)
    q = 0.5 * float(air.density_kgpm3) * 1_500.0**2
    a_aero = q * row[fo.P_REF_AREA_M2] * row[fo.P_CN_MAX] / row[fo.P_DRY_MASS_KG]
    assert a_aero < 2.0 * G
    assert np.linalg.norm(state.acc_mps2[0]) == pytest.approx(a_aero, rel=1e-9)


def test_feasible_launches_mostly_kill_with_a_perfect_track() -> None:
    """Regression guard for the whole chain: PIP -> feasibility -> launch -> flyout (48N6E3)."""
    from samsim.c2.intercept import launch_feasible
    from samsim.models.lethality import lethal_radius_m

    row = fo.interceptor_params(**INTERCEPTOR_PARAMETERS["48N6E3"])
    rng = np.random.default_rng(11)
    n = 40
    ground = rng.uniform(5e3, 240e3, n)
    az = rng.uniform(0.0, 2.0 * np.pi, n)
    alt = rng.uniform(3e3, 20e3, n)
    heading = rng.uniform(0.0, 2.0 * np.pi, n)
    speed = rng.uniform(150.0, 450.0, n)
    ang = ground / RE
    p = np.stack(
        [
            (RE + alt) * np.sin(ang) * np.sin(az),
            (RE + alt) * np.sin(ang) * np.cos(az),
            (RE + alt) * np.cos(ang) - RE,
        ],
        axis=1,
    )
    v = np.stack([speed * np.sin(heading), speed * np.cos(heading), np.zeros(n)], axis=1)
    t_grid, r_grid, _ = fo.reach_profile(row, target_alt_m=10e3)
    tof, pip = predict_intercept(p, v, np.zeros((1, 3)), t_grid, r_grid)
    ok, _ = launch_feasible(
        pip,
        tof,
        v,
        np.zeros((1, 3)),
        CENTER,
        RE,
        min_range_m=3e3,
        max_range_m=250e3,
        min_alt_m=10.0,
        max_alt_m=27e3,
        max_target_speed_mps=4_800.0,
        max_flight_s=row[fo.P_MAX_FLIGHT_S],
    )
    idx = np.flatnonzero(ok[:, 0])
    assert idx.size >= 20
    state = fo.empty_state(idx.size)
    for k, i in enumerate(idx):
        _launch_at(state, k, row, k, p[i], v[i], tof[i, 0])
    _fly(state, _truth(p[idx], v[idx]), 460.0)
    kills = (state.status == fo.INTERCEPT) & (state.miss_m < lethal_radius_m(180.0))
    # The plan knows only the reach to stationary points: low, receding targets that a missile slowed
    # by the thick air (and by paying for its manoeuvres) cannot catch fail the end game or pass wide
    # (before the drag polar, lift was free and nearly every feasible launch arrived: >= 85 %).
    assert kills.mean() >= 0.75


def test_advance_many_flies_each_set_exactly_as_advance_does() -> None:
    # Two batteries' interceptor sets in frames with different earth centres, flown together in 1 s
    # chunks, must end bit for bit where each set flown on its own ends, and report each flight
    # that ended in the chunk in which it ended.
    from numba.typed import List

    centers = [CENTER, np.array([0.0, 2.0e3, -RE - 150.0])]
    targets = np.array([[30e3, 5e3, 8e3], [45e3, -8e3, 12e3], [20e3, 0.0, 3e3]])
    vel = np.array([[-250.0, 0.0, 0.0], [-300.0, 40.0, 0.0], [-200.0, 0.0, 0.0]])
    rows = [_row(), _row(max_flight_s=15.0)]

    def fleet() -> list[fo.FlyoutState]:
        out = []
        for center in centers:
            st = fo.empty_state(4)
            for k in range(3):
                _launch_at(st, k, rows[k % 2], k, targets[k], vel[k], 60.0, center=center)
            out.append(st)
        return out

    alone, together = fleet(), fleet()
    truths = [_truth(targets, vel), _truth(targets, vel)]
    flights = List(together)
    ended: list[tuple[int, int, float]] = []
    buf_u = np.zeros(8, dtype=np.int64)
    buf_s = np.zeros(8, dtype=np.int64)
    for step in range(120):
        t0, t1 = float(step), float(step + 1)
        for st, truth, center in zip(alone, truths, centers, strict=True):
            fo.advance(st, truth, t0, t1, 0.1, center, RE)
        n = fo.advance_many_kernel(
            np.full(2, t0),
            t1,
            0.1,
            flights,
            List([tr._replace(dt_s=float(tr.dt_s)) for tr in truths]),
            np.array(centers),
            np.full(2, RE),
            np.ones(2, dtype=bool),
            buf_u,
            buf_s,
        )
        ended += [(int(u), int(s), t1) for u, s in zip(buf_u[:n], buf_s[:n], strict=True)]
    for a, b in zip(alone, together, strict=True):
        for field_a, field_b in zip(a, b, strict=True):
            np.testing.assert_array_equal(field_a, field_b)
    # every flight ended, once, in the chunk holding its end time
    assert sorted((u, s) for u, s, _ in ended) == [(u, s) for u in range(2) for s in range(3)]
    for u, s, t1 in ended:
        assert t1 - 1.0 <= together[u].end_s[s] <= t1
        assert together[u].status[s] in fo.ENDED
