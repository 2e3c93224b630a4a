"""Ballistic missiles: boost, drag and gravity over a spherical earth, shaped to hit the aim point.

Two models share this module.

The **powered trajectory** (:func:`fly_boost`, :func:`solve_shot`) integrates a point mass in the
vertical plane of the shot over a non-rotating spherical earth (radius R, GM of WGS-84). With r the
distance from the earth's centre, ψ the central angle travelled, V the speed, γ the flight-path angle
above the local horizontal and m the mass (Zarchan 2012, ch. 12; Regan & Anandakrishnan 1993, ch. 2):

    dr/dt = V sin γ
    dψ/dt = V cos γ / r
    dV/dt = (T − D) / m − (GM / r²) sin γ
    dγ/dt = (V / r − GM / (r² V)) cos γ            after thrust cut-off (free flight)
    dm/dt = −ṁ

* boost: constant thrust T = ṁ·Isp·g₀ and mass flow ṁ = propellant / burn time (Sutton & Biblarz
  2017); the missile rises vertically for ``vertical_rise_s``, then its guidance turns the velocity at
  a constant rate down to the flight-path angle γ_c it must have at thrust cut-off t_c (a linear pitch
  programme; the steering force is normal to the velocity, its induced drag is neglected). Range is
  controlled by cutting the thrust at t_c ≤ the burn time (thrust termination; how the real missiles
  manage energy is not public): the unburnt propellant stays on board;
* drag D = ½ρV²·S·C_D(M): density and speed of sound of the U.S. Standard Atmosphere 1976
  (:mod:`samsim.models.atmosphere`), S = πd²/4, and the zero-lift drag curve of a slender finned body
  (:data:`samsim.models.flyout.CD_TABLE`, Fleeman 2012) times a per-missile ``cd_scale``: a
  quasi-ballistic missile such as the 9M723 re-enters whole, so its re-entry body is the missile;
* gravity: central, GM/r².

The equations are integrated with the classical fourth-order Runge–Kutta method, 0.1 s steps below
90 km and 0.5 s above (where the air no longer matters), with step boundaries at the end of the
vertical rise and at cut-off; impact is where r falls back to the impact point's radius (linear
within the last step). Heights are r − R above mean sea level.

**Shaping a shot** (:func:`solve_shot`) finds (γ_c, t_c) that land at the ground range D = R·ψ:

* ``min_energy``: the least propellant burnt, i.e. the least energy at cut-off (Brent's bounded
  minimisation over γ_c, bracketing the drag-free optimum γ* = (π − Ψ)/4 of Bate, Mueller & White
  1971 eq. 6.2-16, Ψ = D/R; for each γ_c the cut-off time landing within :data:`RANGE_TOL_M` of D is
  found by regula falsi with the Illinois modification, Dowell & Jarratt 1971);
* ``depressed`` / ``lofted``: the apogee half / twice the minimum-energy one. Drag-free on a flat
  earth (H = D·tan γ/4) these are tan γ = ½ and 2, the two roots at the same burn-out speed, √1.25 ≈
  1.12 times the minimum-energy speed (sin 2γ = 0.8);
* an explicit apogee: the γ_c whose range-hitting trajectory peaks there (apogee rises monotonically
  with γ_c along the family).

A shot the motor cannot fly raises :class:`ShotError` with the reason.

**Terminal weave** (:class:`TerminalWeave`): quasi-ballistic missiles manoeuvre in their terminal
phase; the sampled path adds a lateral offset y = (a/ω²)(1 − cos ωτ) from the time the falling
missile passes below ``below_alt_m`` (τ = 0) to impact: lateral acceleration a·cos ωτ (peak a), from
rest relative to the ballistic path, with ω rounded to a whole number of periods so that it lands on
the aim point.

The **drag-free Keplerian arc** (:func:`kepler_arc`, :func:`ballistic_profile`) is the closed form:
for a launch and an impact at the same radius r₁ separated by the central angle φ, the conic with
apogee radius rₐ has eccentricity e = (rₐ − r₁)/(rₐ − r₁ cos(φ/2)) and semi-latus rectum
p = rₐ(1 − e), apogee half-way; time follows Kepler's equation. It is the reference of the powered
model's tests, and the flight of ballistic threats that give no motor figures. For short shots it
tends to the flat-earth parabola (apogee H, range D, flight time 2 sqrt(2H/g)).

In both, the ground track follows the ellipsoidal geodesic from launch to impact, so the end points
are exact.

References
----------
R. R. Bate, D. D. Mueller, J. E. White, "Fundamentals of Astrodynamics", Dover 1971, ch. 6
(ballistic missile trajectories: free-flight range equation 6.2-7, minimum-energy trajectory
6.2-10 to 6.2-16) and §4.2 (Kepler's equation).
P. Zarchan, "Tactical and Strategic Missile Guidance", 6th ed., AIAA 2012, ch. 12 (ballistic
missile boost and flight over a spherical earth).
F. J. Regan, S. M. Anandakrishnan, "Dynamics of Atmospheric Re-Entry", AIAA 1993, ch. 2
(planar equations of motion over a spherical earth).
G. P. Sutton, O. Biblarz, "Rocket Propulsion Elements", 9th ed., Wiley 2017 (T = ṁ·Isp·g₀).
E. L. Fleeman, "Missile Design and System Engineering", AIAA 2012, ch. 2 (slender-body drag).
M. Dowell, P. Jarratt, "A modified regula falsi method for computing the root of an equation",
BIT 11, 1971 (the Illinois method).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from samsim.arrays import FloatArray
from samsim.constants import G0_MPS2, GM_M3PS2, MEAN_EARTH_RADIUS_M
from samsim.geodesy import geodesic_direct, geodesic_inverse, geodetic_to_ecef
from samsim.jit import njit
from samsim.models.atmosphere import density_sound_scalar
from samsim.models.flyout import CD_TABLE, MACH_TABLE
from samsim.models.motion import SampledPath

Profile = Literal["min_energy", "depressed", "lofted"]
PROFILES: tuple[Profile, ...] = ("min_energy", "depressed", "lofted")
"""Trajectory shapes of :func:`solve_shot`."""

DEPRESSED_APOGEE_RATIO = 0.5
"""A depressed shot's apogee over the minimum-energy one (drag-free on a flat earth: tan γ = 1/2)."""
LOFTED_APOGEE_RATIO = 2.0
"""A lofted shot's apogee over the minimum-energy one (drag-free on a flat earth: tan γ = 2)."""

STEP_S = 0.1
"""Integration step of the powered model in the boost and in the atmosphere."""
VACUUM_STEP_S = 0.5
"""Integration step above :data:`VACUUM_ALT_M`."""
VACUUM_ALT_M = 90_000.0
"""Above this the drag of a missile at 2 km/s is below a newton (ρ < 4e-6 kg/m³)."""
MAX_FLIGHT_S = 3600.0
"""A powered flight that has not landed by then has failed (no catalog missile comes near it)."""
RANGE_TOL_M = 0.01
"""A solved shot lands within this of the aim point (along the ground, before sampling)."""
MIN_PITCH_FRACTION = 0.05
"""The shortest burn after the vertical rise, as a fraction of the rest of the burn: the pitch
programme needs time to turn the missile."""


# ---------------------------------------------------------------------------------------------
# Drag-free closed forms


def kepler_arc(
    range_m: float, apogee_m: float, *, earth_radius_m: float = MEAN_EARTH_RADIUS_M, gm: float = GM_M3PS2
) -> tuple[float, float, float]:
    """Elements of the symmetric ballistic arc: (eccentricity, semi-major axis m, flight time s)."""
    r1 = earth_radius_m
    ra = earth_radius_m + apogee_m
    half = range_m / earth_radius_m / 2.0
    e = (ra - r1) / (ra - r1 * np.cos(half))
    p = ra * (1.0 - e)
    a = p / (1.0 - e * e)
    nu1 = np.pi - half
    m1 = _mean_anomaly(np.array([nu1]), e)[0]
    mean_motion = np.sqrt(gm / a**3)
    flight_s = 2.0 * (np.pi - m1) / mean_motion
    return float(e), float(a), float(flight_s)


def _mean_anomaly(nu: FloatArray, e: float) -> FloatArray:
    ecc = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(nu / 2.0), np.sqrt(1.0 + e) * np.cos(nu / 2.0))
    ecc = np.where(ecc < 0.0, ecc + 2.0 * np.pi, ecc)
    return np.asarray(ecc - e * np.sin(ecc), dtype=np.float64)


def _true_anomaly(mean: FloatArray, e: float) -> FloatArray:
    ecc = mean.copy()
    for _ in range(30):  # Newton on Kepler's equation; quadratic convergence from E = M
        step = (ecc - e * np.sin(ecc) - mean) / (1.0 - e * np.cos(ecc))
        ecc -= step
        if np.max(np.abs(step)) < 1e-13:
            break
    nu = 2.0 * np.arctan2(np.sqrt(1.0 + e) * np.sin(ecc / 2.0), np.sqrt(1.0 - e) * np.cos(ecc / 2.0))
    return np.asarray(np.where(nu < 0.0, nu + 2.0 * np.pi, nu), dtype=np.float64)


def ballistic_profile(
    range_m: float,
    apogee_m: float,
    time_s: FloatArray,
    *,
    earth_radius_m: float = MEAN_EARTH_RADIUS_M,
    gm: float = GM_M3PS2,
) -> tuple[FloatArray, FloatArray]:
    """Ground distance and altitude (m) at times since launch along the arc (clipped to the flight)."""
    e, a, flight_s = kepler_arc(range_m, apogee_m, earth_radius_m=earth_radius_m, gm=gm)
    half = range_m / earth_radius_m / 2.0
    nu1 = np.pi - half
    m1 = _mean_anomaly(np.array([nu1]), e)[0]
    mean_motion = np.sqrt(gm / a**3)
    t = np.clip(np.asarray(time_s, dtype=np.float64), 0.0, flight_s)
    nu = _true_anomaly(m1 + mean_motion * t, e)
    p = a * (1.0 - e * e)
    radius = p / (1.0 + e * np.cos(nu))
    ground = (nu - nu1) * earth_radius_m
    return np.asarray(ground, np.float64), np.asarray(radius - earth_radius_m, np.float64)


def arc_launch(
    range_m: float, apogee_m: float, *, earth_radius_m: float = MEAN_EARTH_RADIUS_M, gm: float = GM_M3PS2
) -> tuple[float, float]:
    """Launch speed (m/s) and flight-path angle (rad) of the drag-free arc through ``apogee_m``.

    Vis-viva V² = GM(2/r₁ − 1/a), and tan γ = e sin ν₁ / (1 + e cos ν₁) at the launch's true anomaly
    ν₁ = π − φ/2 (Bate, Mueller & White 1971, eqs. 1.4-2 and 2.5-6). The launch speed is the arc's
    highest: it needs that much at burn-out from the ground.
    """
    e, a, _ = kepler_arc(range_m, apogee_m, earth_radius_m=earth_radius_m, gm=gm)
    nu1 = math.pi - range_m / earth_radius_m / 2.0
    speed = math.sqrt(gm * (2.0 / earth_radius_m - 1.0 / a))
    return speed, math.atan2(e * math.sin(nu1), 1.0 + e * math.cos(nu1))


def min_energy_flight_path_rad(range_m: float, *, earth_radius_m: float = MEAN_EARTH_RADIUS_M) -> float:
    """Flight-path angle at burn-out of the minimum-energy shot, γ* = (π − Ψ)/4, Ψ = D/R.

    Bate, Mueller & White 1971, eq. 6.2-16 (45° on a flat earth).
    """
    return (math.pi - range_m / earth_radius_m) / 4.0


def min_energy_speed_mps(
    range_m: float, *, earth_radius_m: float = MEAN_EARTH_RADIUS_M, gm: float = GM_M3PS2
) -> float:
    """Least burn-out speed that reaches ``range_m`` from the ground, drag-free: V² = Q·GM/R with
    Q = 2 sin(Ψ/2) / (1 + sin(Ψ/2)) (Bate, Mueller & White 1971, eqs. 6.2-10 and 6.2-11; gD on a
    flat earth)."""
    s = math.sin(range_m / earth_radius_m / 2.0)
    return math.sqrt(2.0 * s / (1.0 + s) * gm / earth_radius_m)


def min_energy_apogee_m(
    range_m: float, *, earth_radius_m: float = MEAN_EARTH_RADIUS_M, gm: float = GM_M3PS2
) -> float:
    """Apogee height of the drag-free minimum-energy shot (D/4 on a flat earth).

    From Q and γ* (:func:`min_energy_speed_mps`, :func:`min_energy_flight_path_rad`): a = R/(2 − Q),
    e² = 1 + Q(Q − 2)cos²γ*, rₐ = a(1 + e) (Bate, Mueller & White 1971, eqs. 6.2-5 and 6.2-6).
    """
    v = min_energy_speed_mps(range_m, earth_radius_m=earth_radius_m, gm=gm)
    q = v * v * earth_radius_m / gm
    c = math.cos(min_energy_flight_path_rad(range_m, earth_radius_m=earth_radius_m))
    e = math.sqrt(1.0 + q * (q - 2.0) * c * c)
    return earth_radius_m / (2.0 - q) * (1.0 + e) - earth_radius_m


# ---------------------------------------------------------------------------------------------
# The powered model


class BallisticMissile(NamedTuple):
    """A ballistic missile's boost and drag figures, in SI units (see :func:`ballistic_missile`)."""

    launch_mass_kg: float
    burn_time_s: float
    thrust_n: float
    mass_flow_kgps: float
    ref_area_m2: float
    cd_scale: float
    vertical_rise_s: float


def ballistic_missile(
    *,
    launch_mass_kg: float,
    boost_propellant_kg: float,
    boost_time_s: float,
    isp_s: float,
    diameter_m: float,
    cd_scale: float = 1.0,
    vertical_rise_s: float = 0.0,
) -> BallisticMissile:
    """The record of a missile from its catalog figures (the catalog's names).

    Mass flow ṁ = propellant / burn time, thrust T = ṁ·Isp·g₀ (Sutton & Biblarz 2017), reference area
    S = πd²/4.

    Parameters
    ----------
    launch_mass_kg, diameter_m
        Launch mass and body diameter.
    boost_propellant_kg, boost_time_s, isp_s
        Propellant, burn time and specific impulse (s) of the motor.
    cd_scale
        Multiplier on the drag curve :data:`samsim.models.flyout.CD_TABLE`.
    vertical_rise_s
        Time from launch before the pitch programme starts.

    Raises
    ------
    ValueError
        When the figures describe no missile that can fly (propellant not below the launch mass, a
        burn no longer than the vertical rise, thrust below the launch weight).
    """
    if not 0.0 < boost_propellant_kg < launch_mass_kg:
        raise ValueError(f"propellant {boost_propellant_kg:g} kg must be above 0 and below the launch mass")
    if not boost_time_s > vertical_rise_s >= 0.0:
        raise ValueError(
            f"the burn ({boost_time_s:g} s) must outlast the vertical rise ({vertical_rise_s:g} s)"
        )
    mdot = boost_propellant_kg / boost_time_s
    thrust = mdot * isp_s * G0_MPS2
    if thrust <= launch_mass_kg * G0_MPS2:
        raise ValueError(f"its thrust ({thrust / 1e3:.0f} kN) does not lift its launch weight")
    return BallisticMissile(
        launch_mass_kg=float(launch_mass_kg),
        burn_time_s=float(boost_time_s),
        thrust_n=float(thrust),
        mass_flow_kgps=float(mdot),
        ref_area_m2=math.pi * diameter_m**2 / 4.0,
        cd_scale=float(cd_scale),
        vertical_rise_s=float(vertical_rise_s),
    )


class BoostProgramme(NamedTuple):
    """What the guidance of one shot sets: the flight-path angle at thrust cut-off and its time,
    with the heights (above MSL) of the launch and impact points."""

    flight_path_rad: float
    cutoff_s: float
    launch_alt_m: float = 0.0
    impact_alt_m: float = 0.0


class BoostFlight(NamedTuple):
    """One powered flight (:func:`fly_boost`): the samples of the integration and its summary.

    ``ground_m`` is R·ψ, the distance along the earth's surface; ``alt_m`` is r − R. ``landed`` is
    False when the missile did not come back to the impact height (it cannot lift off, or it flies
    longer than :data:`MAX_FLIGHT_S`); ``range_m`` is then 0.
    """

    time_s: FloatArray
    ground_m: FloatArray
    alt_m: FloatArray
    speed_mps: FloatArray
    flight_path_rad: FloatArray
    landed: bool
    flight_s: float
    range_m: float
    apogee_m: float
    burnout_speed_mps: float
    burnout_alt_m: float
    peak_speed_mps: float


_State = tuple[float, float, float, float, float]
"""(r, ψ, V, γ, m) of the equations of motion."""


@njit
def _rates(mis: BallisticMissile, coast: bool, pitch_rate: float, y: _State, re: float, gm: float) -> _State:
    """Right-hand side of the equations of motion (module notes) in one phase of the flight."""
    r, _, v, gam, m = y
    rho, sound = density_sound_scalar(r - re)
    cd = np.interp(v / sound, MACH_TABLE, CD_TABLE) * mis.cd_scale
    drag = 0.5 * rho * v * v * mis.ref_area_m2 * cd
    g = gm / (r * r)
    sg = math.sin(gam)
    cg = math.cos(gam)
    if coast:
        return v * sg, v * cg / r, -drag / m - g * sg, (v / r - g / v) * cg, 0.0
    return v * sg, v * cg / r, (mis.thrust_n - drag) / m - g * sg, pitch_rate, -mis.mass_flow_kgps


@njit
def _shifted(y: _State, k: _State, c: float) -> _State:
    return y[0] + c * k[0], y[1] + c * k[1], y[2] + c * k[2], y[3] + c * k[3], y[4] + c * k[4]


@njit
def _rk4(
    mis: BallisticMissile, coast: bool, pitch_rate: float, y: _State, h: float, re: float, gm: float
) -> _State:
    """One step of the classical fourth-order Runge-Kutta method."""
    k1 = _rates(mis, coast, pitch_rate, y, re, gm)
    k2 = _rates(mis, coast, pitch_rate, _shifted(y, k1, 0.5 * h), re, gm)
    k3 = _rates(mis, coast, pitch_rate, _shifted(y, k2, 0.5 * h), re, gm)
    k4 = _rates(mis, coast, pitch_rate, _shifted(y, k3, h), re, gm)
    mean = (
        k1[0] + 2.0 * k2[0] + 2.0 * k3[0] + k4[0],
        k1[1] + 2.0 * k2[1] + 2.0 * k3[1] + k4[1],
        k1[2] + 2.0 * k2[2] + 2.0 * k3[2] + k4[2],
        k1[3] + 2.0 * k2[3] + 2.0 * k3[3] + k4[3],
        k1[4] + 2.0 * k2[4] + 2.0 * k3[4] + k4[4],
    )
    return _shifted(y, mean, h / 6.0)


@njit
def _fly_kernel(
    mis: BallisticMissile, prog: BoostProgramme, record: bool, re: float, gm: float
) -> tuple[
    int,
    float,
    float,
    float,
    float,
    float,
    float,
    int,
    FloatArray,
    FloatArray,
    FloatArray,
    FloatArray,
    FloatArray,
]:
    """One flight from launch to impact (module notes).

    Returns the status (1 landed, 2 failed: sank at launch or flew past :data:`MAX_FLIGHT_S`), the
    impact time and central angle, apogee height, speed and height at cut-off, peak speed, the number
    of samples, and the samples t, r, ψ, V, γ at every step (none unless ``record``).
    """
    # every step is at most STEP_S long; the vertical rise and cut-off split at most two more
    cap = int(MAX_FLIGHT_S / STEP_S) + 8 if record else 1
    ts = np.empty(cap)
    rs = np.empty(cap)
    ps = np.empty(cap)
    vs = np.empty(cap)
    gs = np.empty(cap)
    t_rise = mis.vertical_rise_s
    t_cut = prog.cutoff_s
    # The velocity turns at a constant rate from vertical to the cut-off flight-path angle.
    pitch_rate = -(0.5 * math.pi - prog.flight_path_rad) / (t_cut - t_rise) if t_cut > t_rise else 0.0
    r_launch = re + prog.launch_alt_m
    r_impact = re + prog.impact_alt_m
    t, r, psi, v, gam, m = 0.0, r_launch, 0.0, 0.0, 0.5 * math.pi, mis.launch_mass_kg
    r_max, v_max, v_cut, r_cut = r, 0.0, 0.0, r
    been_above = r > r_impact
    k = 0
    if record:
        ts[0], rs[0], ps[0], vs[0], gs[0] = t, r, psi, v, gam
        k = 1
    status = 0  # 0: flying, 1: landed, 2: failed
    t_end, psi_end = 0.0, 0.0
    while status == 0:
        coast = t >= t_cut - 1e-9
        if coast:
            h = STEP_S if r - re < VACUUM_ALT_M else VACUUM_STEP_S
            rate = 0.0
        else:
            # steps end exactly at the end of the vertical rise and at cut-off
            stop = t_rise if t < t_rise - 1e-9 else t_cut
            h = min(STEP_S, stop - t)
            rate = 0.0 if t < t_rise - 1e-9 else pitch_rate
        r0, psi0 = r, psi
        r, psi, v, gam, m = _rk4(mis, coast, rate, (r, psi, v, gam, m), h, re, gm)
        t0 = t
        t += h
        if not coast and t >= t_cut - 1e-9:
            v_cut, r_cut = v, r
        r_max = max(r_max, r)
        v_max = max(v_max, v)
        if r > r_impact:
            been_above = True
        if coast and been_above and r <= r_impact:
            f = (r0 - r_impact) / (r0 - r)  # the crossing, linear within the step
            t_end = t0 + f * h
            psi_end = psi0 + f * (psi - psi0)
            t, r, psi = t_end, r_impact, psi_end
            status = 1
        elif r < r_launch - 1.0 and not been_above and t > t_rise or t > MAX_FLIGHT_S:
            status = 2  # sinks at launch, or never lands
        if record and k < cap:
            ts[k], rs[k], ps[k], vs[k], gs[k] = t, r, psi, v, gam
            k += 1
    return (
        status,
        t_end,
        psi_end,
        r_max - re,
        v_cut,
        r_cut - re,
        v_max,
        k,
        ts[:k],
        rs[:k],
        ps[:k],
        vs[:k],
        gs[:k],
    )


def fly_boost(
    missile: BallisticMissile,
    programme: BoostProgramme,
    *,
    record: bool = True,
    earth_radius_m: float = MEAN_EARTH_RADIUS_M,
    gm: float = GM_M3PS2,
) -> BoostFlight:
    """Integrate one powered flight from launch to impact (the equations of the module notes).

    Parameters
    ----------
    missile
        Boost and drag figures (:func:`ballistic_missile`).
    programme
        Cut-off flight-path angle and time, launch and impact heights.
    record
        Keep every integration step (False: the summary only, for solvers).

    Returns
    -------
    BoostFlight
        Samples at each integration step (the last one at impact) and the flight's summary.
    """
    out = _fly_kernel(missile, programme, record, float(earth_radius_m), float(gm))
    status, t_end, psi_end, apogee, v_cut, alt_cut, v_max, _, ts, rs, ps, vs, gs = out
    landed = status == 1
    return BoostFlight(
        time_s=ts,
        ground_m=ps * earth_radius_m,
        alt_m=rs - earth_radius_m,
        speed_mps=vs,
        flight_path_rad=gs,
        landed=landed,
        flight_s=float(t_end) if landed else math.inf,
        range_m=float(psi_end * earth_radius_m) if landed else 0.0,
        apogee_m=float(apogee),
        burnout_speed_mps=float(v_cut),
        burnout_alt_m=float(alt_cut),
        peak_speed_mps=float(v_max),
    )


class ShotError(ValueError):
    """A shot the missile cannot fly; the message says why."""


class ShotSolution(NamedTuple):
    """The programme that flies a shot, and what the flight reaches."""

    programme: BoostProgramme
    apogee_m: float
    burnout_speed_mps: float
    burnout_alt_m: float
    peak_speed_mps: float
    flight_s: float


class _Shooter:
    """Range-hitting flights of one missile between two heights (the inner problem of the solver)."""

    def __init__(self, missile: BallisticMissile, range_m: float, launch_alt_m: float, impact_alt_m: float):
        self.missile = missile
        self.range_m = range_m
        self.alts = (launch_alt_m, impact_alt_m)
        rest = missile.burn_time_s - missile.vertical_rise_s
        self.t_min = missile.vertical_rise_s + MIN_PITCH_FRACTION * rest
        self.t_max = missile.burn_time_s

    def flight(self, gamma: float, cutoff_s: float) -> BoostFlight:
        return fly_boost(self.missile, BoostProgramme(gamma, cutoff_s, *self.alts), record=False)

    def cutoff(self, gamma: float) -> tuple[float, float]:
        """(cut-off time hitting the range, shortfall of a full burn as a fraction of the range).

        The cut-off is nan when a full burn falls short (the shortfall is then > 0) or the shortest
        burn overshoots (shortfall < 0).
        """
        short_full = self.range_m - self.flight(gamma, self.t_max).range_m
        if short_full > 0.0:
            return math.nan, short_full / self.range_m
        short_least = self.range_m - self.flight(gamma, self.t_min).range_m
        if short_least < 0.0:
            return math.nan, short_least / self.range_m
        # range grows smoothly with the burn at a fixed cut-off angle: regula falsi converges fast
        root = _illinois(
            lambda tc: self.flight(gamma, tc).range_m - self.range_m,
            (self.t_min, -short_least),
            (self.t_max, -short_full),
            tol=RANGE_TOL_M,
        )
        return root, 0.0

    def energy(self, gamma: float) -> float:
        """Cut-off time hitting the range; past a full burn, the burn time grown by the shortfall
        (so that the minimiser is led back towards the feasible angles)."""
        tc, short = self.cutoff(gamma)
        if math.isnan(tc):
            return self.t_max * (1.0 + abs(short)) if short > 0 else self.t_min * (1.0 + abs(short))
        return tc

    def apogee(self, gamma: float) -> float:
        """Apogee of the range-hitting flight at ``gamma`` (nan when none hits the range)."""
        tc, _ = self.cutoff(gamma)
        return math.nan if math.isnan(tc) else self.flight(gamma, tc).apogee_m


def _illinois(
    f: Callable[[float], float], lo: tuple[float, float], hi: tuple[float, float], *, tol: float
) -> float:
    """Root of the increasing ``f`` between the points ``lo`` and ``hi`` (x, f(x)) that bracket it,
    within ``tol`` of f = 0: regula falsi with the Illinois modification (Dowell & Jarratt, BIT 11,
    1971), superlinear on smooth functions and never leaving the bracket."""
    (a, fa), (b, fb) = lo, hi
    side = 0
    x = a
    for _ in range(100):
        x = b - fb * (b - a) / (fb - fa) if fb != fa else 0.5 * (a + b)
        fx = f(x)
        if abs(fx) <= tol or b - a < 1e-12:
            break
        if fx < 0.0:
            a, fa = x, fx
            if side == -1:
                fb *= 0.5
            side = -1
        else:
            b, fb = x, fx
            if side == 1:
                fa *= 0.5
            side = 1
    return x


_GAMMA_LO = math.radians(3.0)
_GAMMA_HI = math.radians(87.0)


def _min_energy_gamma(shooter: _Shooter) -> float:
    guess = min_energy_flight_path_rad(shooter.range_m)  # the drag-free optimum brackets the search
    lo, hi = max(_GAMMA_LO, guess - 0.45), min(_GAMMA_HI, guess + 0.45)
    best = minimize_scalar(shooter.energy, bounds=(lo, hi), method="bounded", options={"xatol": 1e-5})
    gamma = float(best.x)
    if math.isnan(shooter.cutoff(gamma)[0]):
        full = max((shooter.flight(g, shooter.t_max).range_m for g in np.linspace(lo, hi, 41)), default=0.0)
        raise ShotError(
            f"it needs more energy than the motor gives (a full burn reaches {full / 1e3:.0f} km)"
        )
    return gamma


def _apogee_gamma(shooter: _Shooter, gamma0: float, apogee0: float, target_m: float) -> float:
    """The cut-off angle whose range-hitting flight peaks at ``target_m``.

    Apogee grows with the angle along the range-hitting flights, so the search steps from the
    minimum-energy angle ``gamma0`` (apogee ``apogee0``) up for a higher apogee, down for a lower one,
    until it passes the target (then Brent's method between the last two angles) or the angles the
    motor can fly (then the shot is refused).
    """
    up = target_m > apogee0
    edge = _GAMMA_HI if up else _GAMMA_LO
    step = 0.05 if up else -0.05

    def reaches(apogee: float) -> bool:
        return apogee >= target_m if up else apogee <= target_m

    near, near_apogee = gamma0, apogee0  # feasible and short of the target
    while True:
        far = min(near + step, edge) if up else max(near + step, edge)
        far_apogee = shooter.apogee(far)
        if math.isnan(far_apogee):
            # past the angles a full burn can fly: close in on their edge
            bad = far
            for _ in range(30):
                mid = 0.5 * (near + bad)
                mid_apogee = shooter.apogee(mid)
                if math.isnan(mid_apogee):
                    bad = mid
                elif reaches(mid_apogee):
                    far, far_apogee = mid, mid_apogee
                    break
                else:
                    near, near_apogee = mid, mid_apogee
            else:
                side = "highest" if up else "lowest"
                raise ShotError(
                    f"it needs more energy than the motor gives (the {side} apogee it can fly at "
                    f"{shooter.range_m / 1e3:.0f} km is {near_apogee / 1e3:.0f} km)"
                )
            break
        if reaches(far_apogee):
            break
        if far == edge:
            side = "below" if up else "above"
            raise ShotError(
                f"every trajectory to {shooter.range_m / 1e3:.0f} km peaks {side} {far_apogee / 1e3:.0f} km"
            )
        near, near_apogee = far, far_apogee
    lo, hi = (near, far) if up else (far, near)
    return float(brentq(lambda x: shooter.apogee(x) - target_m, lo, hi, xtol=1e-9))


@lru_cache(maxsize=512)
def solve_shot(
    missile: BallisticMissile,
    range_m: float,
    *,
    profile: Profile = "min_energy",
    apogee_m: float | None = None,
    launch_alt_m: float = 0.0,
    impact_alt_m: float = 0.0,
) -> ShotSolution:
    """The boost programme that lands ``range_m`` away with the trajectory asked for.

    Parameters
    ----------
    missile
        Boost and drag figures.
    range_m
        Ground range to the aim point (distance along the earth's surface).
    profile
        ``min_energy`` (least energy), ``depressed`` (apogee half the minimum-energy one) or
        ``lofted`` (twice); ignored when ``apogee_m`` is given.
    apogee_m
        Apogee height above MSL to fly through instead of a profile.
    launch_alt_m, impact_alt_m
        Heights of the launch and aim points above MSL.

    Returns
    -------
    ShotSolution
        Results are cached per arguments (the engine flies every member of a group, and validation
        flies the same shots).

    Raises
    ------
    ShotError
        When no programme within the motor's burn lands there with that shape.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r} (one of {', '.join(PROFILES)})")
    shooter = _Shooter(missile, float(range_m), float(launch_alt_m), float(impact_alt_m))
    if shooter.flight(_GAMMA_HI, shooter.t_min).range_m > range_m and (
        shooter.flight(_GAMMA_LO, shooter.t_min).range_m > range_m
    ):
        raise ShotError("it is shorter than the motor's shortest burn flies")
    gamma = _min_energy_gamma(shooter)
    if apogee_m is not None or profile != "min_energy":
        base = shooter.apogee(gamma)
        if apogee_m is not None:
            target = float(apogee_m)
        else:
            target = base * (DEPRESSED_APOGEE_RATIO if profile == "depressed" else LOFTED_APOGEE_RATIO)
        if abs(target - base) > 1e-3:
            gamma = _apogee_gamma(shooter, gamma, base, target)
    cutoff, _ = shooter.cutoff(gamma)
    prog = BoostProgramme(gamma, cutoff, float(launch_alt_m), float(impact_alt_m))
    flight = fly_boost(missile, prog, record=False)
    return ShotSolution(
        programme=prog,
        apogee_m=flight.apogee_m,
        burnout_speed_mps=flight.burnout_speed_mps,
        burnout_alt_m=flight.burnout_alt_m,
        peak_speed_mps=flight.peak_speed_mps,
        flight_s=flight.flight_s,
    )


def kepler_apogee_m(
    range_m: float, *, profile: Profile = "min_energy", apogee_m: float | None = None
) -> float:
    """Apogee of a drag-free shot: the given one, or the profile's (:data:`DEPRESSED_APOGEE_RATIO`,
    :data:`LOFTED_APOGEE_RATIO` times :func:`min_energy_apogee_m`)."""
    if apogee_m is not None:
        return float(apogee_m)
    ratio = {"min_energy": 1.0, "depressed": DEPRESSED_APOGEE_RATIO, "lofted": LOFTED_APOGEE_RATIO}[profile]
    return ratio * min_energy_apogee_m(range_m)


# ---------------------------------------------------------------------------------------------
# The flight the engine samples


class TerminalWeave(NamedTuple):
    """Lateral weave of the terminal phase: peak acceleration (g), period (s, rounded to whole
    periods of the phase) and the height (m above MSL) below which the falling missile starts it."""

    g: float
    period_s: float
    below_alt_m: float


class ShotPoints(NamedTuple):
    """Launch and aim points: WGS-84 latitude and longitude (degrees), height above MSL (m)."""

    launch_lat_deg: float
    launch_lon_deg: float
    launch_alt_m: float
    impact_lat_deg: float
    impact_lon_deg: float
    impact_alt_m: float


def fly_ballistic(
    points: ShotPoints,
    *,
    missile: BallisticMissile | None,
    profile: Profile = "min_energy",
    apogee_m: float | None = None,
    launch_s: float,
    dt_s: float,
    weave: TerminalWeave | None = None,
) -> SampledPath:
    """A ballistic missile's flight sampled every ``dt_s`` from launch to impact.

    With a ``missile``, the powered trajectory that :func:`solve_shot` shapes; without one, the
    drag-free arc through the apogee of :func:`kepler_apogee_m`, with heights above a reference
    surface sloping linearly from the launch altitude to the impact altitude (a few hundred metres
    over hundreds of kilometres, far below the arc's own height). Either way the ground track is the
    geodesic from launch to impact and both end points are exact; a ``weave`` is added in the terminal
    phase (module notes).

    Raises
    ------
    ShotError
        When the missile cannot fly the shot (scenario validation reports it first).
    """
    p = points
    az, _, dist = geodesic_inverse(p.launch_lat_deg, p.launch_lon_deg, p.impact_lat_deg, p.impact_lon_deg)
    distance = float(dist)
    if missile is not None:
        shot = solve_shot(
            missile,
            distance,
            profile=profile,
            apogee_m=apogee_m,
            launch_alt_m=p.launch_alt_m,
            impact_alt_m=p.impact_alt_m,
        )
        flight = fly_boost(missile, shot.programme)
        flight_s = flight.flight_s
        t = _sample_times(flight_s, dt_s)
        ground = np.interp(t, flight.time_s, flight.ground_m)
        alt = np.interp(t, flight.time_s, flight.alt_m)
        frac = np.clip(ground / max(distance, 1e-9), 0.0, 1.0)
        frac[-1] = 1.0  # the solver lands within RANGE_TOL_M: the last sample is the aim point itself
    else:
        apogee = kepler_apogee_m(distance, profile=profile, apogee_m=apogee_m)
        _, _, flight_s = kepler_arc(distance, apogee)
        t = _sample_times(flight_s, dt_s)
        ground, height = ballistic_profile(distance, apogee, t)
        frac = np.clip(ground / max(distance, 1e-9), 0.0, 1.0)
        alt = np.maximum(height, 0.0) + p.launch_alt_m + (p.impact_alt_m - p.launch_alt_m) * frac
    n = t.size
    lat, lon, _ = geodesic_direct(
        np.full(n, p.launch_lat_deg), np.full(n, p.launch_lon_deg), np.full(n, float(az)), frac * distance
    )
    ecef = geodetic_to_ecef(lat, lon, alt)
    if weave is not None and weave.g > 0.0 and weave.period_s > 0.0:
        ecef = ecef + _weave_offset_m(t, alt, weave)[:, None] * _cross_track_unit(ecef[0], ecef[-1])
    return SampledPath(
        time_s=np.asarray(launch_s + t, dtype=np.float64), lat_deg=lat, lon_deg=lon, alt_m=alt, ecef_m=ecef
    )


def _sample_times(flight_s: float, dt_s: float) -> FloatArray:
    n = max(int(np.ceil(flight_s / dt_s - 1e-9)), 1) + 1
    t = np.asarray(np.arange(n) * dt_s, dtype=np.float64)
    t[-1] = flight_s
    return t


def _weave_offset_m(t: FloatArray, alt_m: FloatArray, weave: TerminalWeave) -> FloatArray:
    """Lateral offset of the terminal weave at the sample times (0 before the terminal phase)."""
    top = int(np.argmax(alt_m))
    below = np.flatnonzero(alt_m[top:] < weave.below_alt_m)
    if below.size == 0:
        return np.zeros_like(t)
    k0 = top + int(below[0])
    t0, t1 = float(t[k0]), float(t[-1])
    if t1 - t0 <= 0.0:
        return np.zeros_like(t)
    cycles = max(1, round((t1 - t0) / weave.period_s))  # whole periods: the weave ends on the aim point
    omega = 2.0 * math.pi * cycles / (t1 - t0)
    tau = np.clip(t - t0, 0.0, None)
    return np.asarray(weave.g * G0_MPS2 / omega**2 * (1.0 - np.cos(omega * tau)), dtype=np.float64)


def _cross_track_unit(launch_ecef: FloatArray, impact_ecef: FloatArray) -> FloatArray:
    """Unit normal of the plane through the earth's centre, the launch and the impact point."""
    n = np.cross(launch_ecef, impact_ecef)
    norm = float(np.linalg.norm(n))
    if norm == 0.0:
        return np.zeros(3)
    return np.asarray(n / norm, dtype=np.float64)
