"""Ballistic missiles: the drag-free arc against the flat-earth and spherical closed forms, the powered
trajectory against an independent integration of the same equations, and the shaping of shots."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from samsim.constants import G0_MPS2, GM_M3PS2, MEAN_EARTH_RADIUS_M
from samsim.geodesy import LocalFrame, geodesic_direct
from samsim.models.atmosphere import isa
from samsim.models.ballistic import (
    BoostProgramme,
    ShotError,
    ShotPoints,
    TerminalWeave,
    arc_launch,
    ballistic_missile,
    ballistic_profile,
    fly_ballistic,
    fly_boost,
    kepler_arc,
    min_energy_apogee_m,
    min_energy_flight_path_rad,
    min_energy_speed_mps,
    solve_shot,
)
from samsim.models.flyout import drag_coefficient

R = MEAN_EARTH_RADIUS_M
G_SURFACE = GM_M3PS2 / R**2

# A single-stage solid missile of the Iskander's class (the engine reads the catalog's figures; these
# are fixed here so that the physics tests do not move with the catalog).
SRBM: dict[str, float] = {
    "launch_mass_kg": 3800.0,
    "boost_propellant_kg": 2600.0,
    "boost_time_s": 55.0,
    "isp_s": 265.0,
    "diameter_m": 0.92,
    "cd_scale": 1.0,
    "vertical_rise_s": 3.0,
}
# Drag-free and nearly impulsive: burns out ~100 m up within a fraction of a second, so its shots
# follow the closed forms for a launch from the ground.
IMPULSIVE: dict[str, float] = {
    "launch_mass_kg": 1000.0,
    "boost_propellant_kg": 500.0,
    "boost_time_s": 0.5,
    "isp_s": 300.0,
    "diameter_m": 0.5,
    "cd_scale": 0.0,
    "vertical_rise_s": 0.0,
}


def test_short_shot_matches_flat_earth() -> None:
    # Range 40 km, apogee 5 km: flat earth T = 2 sqrt(2H/g), horizontal speed D / T.
    rng_m, apogee = 40_000.0, 5_000.0
    _, _, flight = kepler_arc(rng_m, apogee)
    t_flat = 2.0 * np.sqrt(2.0 * apogee / G_SURFACE)
    assert flight == pytest.approx(t_flat, rel=0.01)
    t = np.linspace(0.0, flight, 20001)
    ground, height = ballistic_profile(rng_m, apogee, t)
    assert height.max() == pytest.approx(apogee, rel=1e-6)
    assert ground[-1] == pytest.approx(rng_m, rel=1e-9)
    assert t[np.argmax(height)] == pytest.approx(flight / 2, abs=flight / 10000)
    # Launch speed: sqrt(vx^2 + 2 g H) on flat earth.
    v0 = np.hypot(ground[1] - ground[0], height[1] - height[0]) / (t[1] - t[0])
    v_flat = np.hypot(rng_m / t_flat, np.sqrt(2 * G_SURFACE * apogee))
    assert v0 == pytest.approx(v_flat, rel=0.01)
    assert arc_launch(rng_m, apogee)[0] == pytest.approx(v_flat, rel=0.01)


def test_minimum_energy_closed_forms() -> None:
    # Flat earth: 45°, apogee D/4, speed sqrt(gD); 100 km is 0.9° of arc, so within a percent.
    d = 100e3
    assert math.degrees(min_energy_flight_path_rad(d)) == pytest.approx(45.0, abs=0.25)
    assert min_energy_apogee_m(d) == pytest.approx(25e3, rel=0.01)
    assert min_energy_speed_mps(d) == pytest.approx(math.sqrt(G_SURFACE * d), rel=0.01)
    # Spherical earth (Bate, Mueller & White 1971, §6.2), written out here: at Ψ = 40° the optimum is
    # γ = (180° − Ψ)/4 = 35°, Q = 2 sin 20°/(1 + sin 20°) = 0.5097, and the arc through the apogee
    # rₐ = a(1 + e), a = R/(2 − Q), e² = 1 + Q(Q − 2)cos²γ, leaves the ground at γ with V² = Q GM/R.
    d = math.radians(40.0) * R
    q = 2 * math.sin(math.radians(20)) / (1 + math.sin(math.radians(20)))
    e = math.sqrt(1 + q * (q - 2) * math.cos(math.radians(35)) ** 2)
    apogee = R / (2 - q) * (1 + e) - R
    assert math.degrees(min_energy_flight_path_rad(d)) == pytest.approx(35.0, abs=1e-9)
    assert min_energy_speed_mps(d) == pytest.approx(math.sqrt(q * GM_M3PS2 / R), rel=1e-12)
    assert min_energy_apogee_m(d) == pytest.approx(apogee, rel=1e-12)
    speed, gamma = arc_launch(d, apogee)
    assert speed == pytest.approx(math.sqrt(q * GM_M3PS2 / R), rel=1e-9)
    assert math.degrees(gamma) == pytest.approx(35.0, abs=1e-6)


def test_drag_free_minimum_energy_shot_flies_the_closed_form() -> None:
    # The solver's least-energy programme to 100 km, drag-free: γ = (π − Ψ)/4 = 44.78°, apogee
    # 24.9 km (not the 50 km the old default lofted it to), burn-out at 987 m/s (sqrt(gD) on a flat earth).
    missile = ballistic_missile(**IMPULSIVE)
    shot = solve_shot(missile, 100e3)
    assert math.degrees(shot.programme.flight_path_rad) == pytest.approx(
        math.degrees(min_energy_flight_path_rad(100e3)), abs=0.3
    )
    assert shot.apogee_m == pytest.approx(min_energy_apogee_m(100e3), rel=0.01)
    assert shot.apogee_m == pytest.approx(25e3, rel=0.015)
    assert shot.burnout_speed_mps == pytest.approx(min_energy_speed_mps(100e3), rel=0.005)


def test_drag_free_shot_through_an_apogee_flies_the_kepler_arc() -> None:
    # 480 km through a 50 km apogee, drag-free: the arc's flight time and launch speed (~2,470 m/s,
    # the speed the old model flew the Iskander at).
    missile = ballistic_missile(**IMPULSIVE | {"boost_propellant_kg": 700.0})
    shot = solve_shot(missile, 480e3, apogee_m=50e3)
    _, _, flight_s = kepler_arc(480e3, 50e3)
    speed, gamma = arc_launch(480e3, 50e3)
    assert shot.apogee_m == pytest.approx(50e3, abs=1.0)
    assert shot.flight_s == pytest.approx(flight_s, rel=0.003)
    assert shot.burnout_speed_mps == pytest.approx(speed, rel=0.003)
    assert math.degrees(shot.programme.flight_path_rad) == pytest.approx(math.degrees(gamma), abs=0.2)


def _reference_flight(fig: dict[str, float], gamma_c: float, t_c: float) -> dict[str, float]:
    """The module's equations of motion integrated independently: scipy's DOP853 at rtol 1e-11, the
    exact standard atmosphere (not the engine's table), events for apogee and impact."""
    mdot = fig["boost_propellant_kg"] / fig["boost_time_s"]
    thrust = mdot * fig["isp_s"] * G0_MPS2
    area = math.pi * fig["diameter_m"] ** 2 / 4
    t_v = fig["vertical_rise_s"]
    pitch_rate = -(math.pi / 2 - gamma_c) / (t_c - t_v)

    def rhs(t: float, y: Any, phase: str) -> list[float]:
        r, _, v, gam, m = y
        air = isa(np.array([r - R]))
        rho, sound = float(air.density_kgpm3[0]), float(air.speed_of_sound_mps[0])
        drag = 0.5 * rho * v * v * area * float(drag_coefficient(v / sound)) * fig["cd_scale"]
        g = GM_M3PS2 / r**2
        if phase == "coast":
            dgam = (v / r - g / v) * math.cos(gam)
            return [v * math.sin(gam), v * math.cos(gam) / r, -drag / m - g * math.sin(gam), dgam, 0.0]
        dgam = 0.0 if phase == "rise" else pitch_rate
        return [
            v * math.sin(gam),
            v * math.cos(gam) / r,
            (thrust - drag) / m - g * math.sin(gam),
            dgam,
            -mdot,
        ]

    def land(t: float, y: Any, phase: str) -> float:
        return float(y[0] - R)

    def top(t: float, y: Any, phase: str) -> float:
        return float(y[3])

    land.terminal, land.direction = True, -1  # type: ignore[attr-defined]
    top.direction = -1  # type: ignore[attr-defined]
    opts: dict[str, Any] = {"method": "DOP853", "rtol": 1e-11, "atol": [1e-6, 1e-12, 1e-8, 1e-11, 1e-8]}
    rise = solve_ivp(
        rhs, (0.0, t_v), [R, 0.0, 0.0, math.pi / 2, fig["launch_mass_kg"]], args=("rise",), **opts
    )
    boost = solve_ivp(rhs, (t_v, t_c), rise.y[:, -1], args=("pitch",), **opts)
    coast = solve_ivp(rhs, (t_c, 3000.0), boost.y[:, -1], args=("coast",), events=[land, top], **opts)
    return {
        "flight_s": float(coast.t_events[0][0]),
        "range_m": float(coast.y_events[0][0][1] * R),
        "apogee_m": float(coast.y_events[1][0][0] - R),
        "burnout_speed_mps": float(boost.y[2, -1]),
        "burnout_alt_m": float(boost.y[0, -1] - R),
    }


@pytest.mark.parametrize(
    ("gamma_deg", "cutoff_s"),
    [(43.0, 53.9), (20.0, 40.0), (65.0, 45.0)],
    ids=["480-km-class", "depressed", "lofted"],
)
def test_powered_flight_matches_an_independent_integration(gamma_deg: float, cutoff_s: float) -> None:
    ref = _reference_flight(SRBM, math.radians(gamma_deg), cutoff_s)
    flight = fly_boost(ballistic_missile(**SRBM), BoostProgramme(math.radians(gamma_deg), cutoff_s))
    assert flight.landed
    assert flight.range_m == pytest.approx(ref["range_m"], abs=5.0)
    assert flight.apogee_m == pytest.approx(ref["apogee_m"], abs=5.0)
    assert flight.flight_s == pytest.approx(ref["flight_s"], abs=0.01)
    assert flight.burnout_speed_mps == pytest.approx(ref["burnout_speed_mps"], abs=0.01)
    assert flight.burnout_alt_m == pytest.approx(ref["burnout_alt_m"], abs=0.5)
    assert flight.ground_m[-1] == pytest.approx(flight.range_m) and flight.alt_m[-1] == pytest.approx(0.0)


def test_minimum_energy_shot_burns_least() -> None:
    # Checked by brute force: at neighbouring cut-off angles, the burn that reaches the same range
    # (Brent's method on the cut-off time, here) is longer.
    missile = ballistic_missile(**SRBM)
    shot = solve_shot(missile, 300e3)
    assert fly_boost(missile, shot.programme).range_m == pytest.approx(300e3, abs=0.05)
    for dg in (-0.1, -0.02, 0.02, 0.1):
        prog = shot.programme._replace(flight_path_rad=shot.programme.flight_path_rad + dg)

        def miss(tc: float, prog: BoostProgramme = prog) -> float:
            return fly_boost(missile, prog._replace(cutoff_s=tc)).range_m - 300e3

        cutoff = brentq(miss, 10.0, 55.0)
        assert cutoff > shot.programme.cutoff_s


def test_profiles_order_apogees_speeds_and_flight_times() -> None:
    missile = ballistic_missile(**SRBM)
    low, mid, high = (solve_shot(missile, 250e3, profile=p) for p in ("depressed", "min_energy", "lofted"))
    assert low.apogee_m < mid.apogee_m < high.apogee_m
    assert low.apogee_m == pytest.approx(0.5 * mid.apogee_m, abs=1.0)
    assert high.apogee_m == pytest.approx(2.0 * mid.apogee_m, abs=1.0)
    assert low.flight_s < mid.flight_s < high.flight_s
    # both need more speed than the minimum-energy shot; drag-free on a flat earth √1.25 = 1.12 times
    assert low.burnout_speed_mps > mid.burnout_speed_mps and high.burnout_speed_mps > mid.burnout_speed_mps
    assert (
        1.05 < high.burnout_speed_mps / mid.burnout_speed_mps < low.burnout_speed_mps / mid.burnout_speed_mps
    )


def test_explicit_apogee_is_flown() -> None:
    shot = solve_shot(ballistic_missile(**SRBM), 200e3, apogee_m=100e3)
    assert shot.apogee_m == pytest.approx(100e3, abs=1.0)


def test_shots_beyond_the_motor_are_refused() -> None:
    missile = ballistic_missile(**SRBM)
    with pytest.raises(ShotError, match="more energy than the motor gives"):
        solve_shot(missile, 700e3)
    with pytest.raises(ShotError, match="lowest apogee"):
        solve_shot(missile, 450e3, apogee_m=30e3)
    with pytest.raises(ValueError, match="does not lift"):
        ballistic_missile(**SRBM | {"isp_s": 50.0})


def _launch_point(range_m: float) -> ShotPoints:
    lat, lon, _ = geodesic_direct(39.93, 32.86, 135.0, range_m)
    return ShotPoints(float(lat), float(lon), 0.0, 39.93, 32.86, 850.0)


def test_sampled_flight_lands_on_the_aim_point() -> None:
    missile = ballistic_missile(**SRBM)
    points = _launch_point(400e3)
    path = fly_ballistic(points, missile=missile, launch_s=100.0, dt_s=0.5)
    assert path.start_s == 100.0
    assert np.allclose(np.diff(path.time_s)[:-1], 0.5)
    assert path.lat_deg[-1] == pytest.approx(39.93, abs=1e-9)
    assert path.lon_deg[-1] == pytest.approx(32.86, abs=1e-9)
    assert path.alt_m[-1] == pytest.approx(850.0, abs=1e-6)
    shot = solve_shot(missile, 400e3, launch_alt_m=0.0, impact_alt_m=850.0)
    assert path.alt_m.max() == pytest.approx(shot.apogee_m, abs=5.0)
    assert path.end_s - path.start_s == pytest.approx(shot.flight_s, abs=1e-3)
    speed = np.linalg.norm(np.diff(path.ecef_m, axis=0), axis=1) / np.diff(path.time_s)
    assert speed.max() == pytest.approx(shot.peak_speed_mps, rel=0.01)


def test_terminal_weave_peaks_at_its_g_and_ends_on_the_aim_point() -> None:
    missile = ballistic_missile(**SRBM)
    points = _launch_point(300e3)
    weave = TerminalWeave(g=20.0, period_s=4.0, below_alt_m=15_000.0)
    plain = fly_ballistic(points, missile=missile, launch_s=0.0, dt_s=0.05)
    woven = fly_ballistic(points, missile=missile, launch_s=0.0, dt_s=0.05, weave=weave)
    offset = np.linalg.norm(woven.ecef_m - plain.ecef_m, axis=1)
    top = int(np.argmax(plain.alt_m))
    start = top + int(np.flatnonzero(plain.alt_m[top:] < 15_000.0)[0])
    assert np.all(offset[:start] == 0.0) and offset[-1] == pytest.approx(0.0, abs=1e-6)
    # lateral acceleration a·cos(ωτ): its peak is the weave's g (second differences, 5 % for the
    # whole-period rounding of ω and the 0.05 s sampling)
    frame = LocalFrame(39.93, 32.86, 0.0)
    lateral = frame.ecef_to_enu(woven.ecef_m) - frame.ecef_to_enu(plain.ecef_m)
    accel = np.linalg.norm(np.diff(lateral[:-1], 2, axis=0), axis=1) / 0.05**2
    assert accel.max() == pytest.approx(20.0 * G0_MPS2, rel=0.05)


def test_missile_without_motor_flies_the_drag_free_arc() -> None:
    points = _launch_point(100e3)._replace(impact_alt_m=0.0)
    path = fly_ballistic(points, missile=None, launch_s=0.0, dt_s=0.5)
    assert path.alt_m.max() == pytest.approx(min_energy_apogee_m(100e3), rel=1e-3)
    lofted = fly_ballistic(points, missile=None, profile="lofted", launch_s=0.0, dt_s=0.5)
    assert lofted.alt_m.max() == pytest.approx(2 * min_energy_apogee_m(100e3), rel=1e-3)
    given = fly_ballistic(points, missile=None, apogee_m=50e3, launch_s=0.0, dt_s=0.5)
    assert given.alt_m.max() == pytest.approx(50e3, rel=1e-3)
