"""Interceptor flyout: 3-DOF point mass over a spherical earth, batched and compiled.

Frame
    One battery's local ENU frame (metres). ``center_enu_m`` is the earth centre in that frame
    (about ``(0, 0, -6.371e6)``); gravity is central, ``g = -mu r / |r|**3`` with ``r`` measured from
    the centre, and altitude is ``|r| - earth_radius_m`` (so long flights feel the curvature).

Equations of motion (per interceptor; point-mass flyout as in Zarchan 2012 and Fleeman 2012)
    ``m dv/dt = T v_hat - D v_hat + m g + L``, ``dm/dt = -mdot``, ``L = m a_lat`` normal to ``v``
    * thrust ``T`` and mass flow ``mdot = T / (Isp g0)`` constant over a boost and an optional sustain
      phase (:func:`interceptor_params` derives both from propellant mass, burn time and ``Isp``);
    * drag ``D = q S C_D`` in the standard atmosphere (:mod:`samsim.models.atmosphere`),
      ``q = rho V**2 / 2``, ``S = pi d**2 / 4``, with the **drag polar**
      ``C_D = cd_scale * C_D0(M, h) + k * C_L**2`` and ``C_L = |L| / (q S)`` (Fleeman 2012, ch. 2):
      ``C_D0`` is the zero-lift curve of a slender missile (:data:`MACH_TABLE` / :data:`CD_TABLE`, its
      skin friction moved from 10 km to the flight's pressure by Fleeman's ``(M / (q l))**0.2``), and
      ``k = 1 / C_L_alpha = (d / b)**2 / 2`` from the lifting span ``b`` by slender-body theory, the
      drag due to lift of surfaces without leading-edge suction (:func:`induced_drag_factor`);
    * ``a_lat``: the guidance command normal to the velocity (PN plus gravity compensation), through a
      first-order autopilot lag (:mod:`samsim.models.guidance`), limited to
      ``min(max_accel_mps2, q S CN_max / m)``: the structural limit and what the maximum normal-force
      coefficient can pull at ``q`` (``C_L <= CN_max``), so the available g falls with altitude and
      with speed (Fleeman 2012; above ~40 km an aerodynamic interceptor is nearly ballistic). The
      lift is paid every step: holding the missile up against gravity and every turn cost the induced
      drag ``k L**2 / (q S)``, so there is no free glide;
    * during the pitch-programmed boost (before ``guidance_delay_s``) the side force is thrust turned
      sideways by thrust-vector / gas-dynamic control instead: at most ``T``, paid as the axial thrust
      ``sqrt(T**2 - L**2)`` (no induced drag, no dynamic-pressure limit).
    The inner step holds every acceleration constant over the step
    (``x += v h + a h**2 / 2``, ``v += a h``); near the closest approach the step shrinks to a third of
    the time to go (floor 1 ms) so that end-game PN and the miss distance stay accurate.

Guidance
    * before ``guidance_delay_s`` after launch (recommended: the boost time) the missile holds its
      launch line (gravity compensation only, by thrust-vector control, not limited by dynamic
      pressure): :func:`launch` points that line at the predicted intercept point, so the boost flies a
      pitch program instead of PN, which misjudges the lead while the missile's speed is still
      multiplying;
    * the law is true PN (:mod:`samsim.models.guidance`) with the closing velocity bounded below by the
      missile speed (keeps the command's sense while the missile is slower than a receding target);
    * mid-course: PN with gravity compensation at the predicted intercept point: the engagement
      radar's track extrapolated from its time of estimate to the planned intercept time at its
      assumed constant acceleration, ``p + v t + a t**2 / 2`` (``a`` = gravity for a ballistic track,
      else 0: :func:`samsim.c2.intercept.track_acceleration_mps2`; the engine refreshes track and plan
      at radar updates), aimed above it by
      ``loft * max(0, R_go - R_end)`` (trajectory shaping; ``R_end`` is the seeker range, or
      :data:`LOFT_END_M` when there is none);
    * terminal: once the *true* target is within ``seeker_range_m`` (active seeker acquisition range,
      or for track-via-missile types the range inside which the missile-borne receiver dominates the
      accuracy; 0 = none, guide on the track to the end), PN on the true target.

Prediction
    :func:`reach_profile` flies this same kernel at stationary points to tabulate the time of flight
    against slant range, the ``r(t)`` that :func:`samsim.c2.intercept.predict_intercept` solves with;
    :func:`straight_flyout_profile` flies the unguided gravity turn at a fixed launch elevation.

End conditions (checked every inner step)
    * closest approach: the range rate to the true target turns from negative to non-negative within a
      step and the closest point of that step (relative motion linear over the step) is within
      ``max(seeker_range_m, CPA_GATE_M)``; miss and time are recorded exactly at that point, then the
      **end-game criterion** decides: status :data:`INTERCEPT` if the closing speed (relative speed at
      the closest approach) is at least ``endgame_min_closing_mps`` and the airframe can still pull
      ``endgame_min_g`` there (``min(max_accel, q S CN_max / m)``), else :data:`ENDGAME_FAILED` (the
      missile is kinematically defeated: too slow to catch the target or to out-turn it);
    * the **fuze / self-destruct timer** ``max_flight_s`` after launch: :data:`SELF_DESTRUCT`; the
      ground (altitude < 0 while descending): :data:`GROUND_IMPACT`. The timer is a separate limit:
      the catalog sets it beyond the longest energy-limited flight, so the reach ends on energy, not
      on the clock.
    ``miss_m`` / ``cpa_s`` always hold the smallest range to the true target seen so far (the miss of a
    missile that self-destructs after passing its target).
    A target whose ``dead_s`` has passed (killed, leaked, or out of its table) is no longer there: the
    missile flies on without lateral command until it self-destructs (the engine may end it sooner).

References
----------
Zarchan P., *Tactical and Strategic Missile Guidance*, 6th ed., AIAA, 2012.
Fleeman E. L., *Missile Design and System Engineering*, AIAA, 2012 (ch. 2: zero-lift drag build-up,
skin friction, normal force and drag due to lift of slender missiles; manoeuvrability vs altitude).
Munk M. M., "The aerodynamic forces on airship hulls", NACA Report 184, 1924 (slender body, C_N_alpha = 2).
Jones R. T., "Properties of low-aspect-ratio pointed wings at speeds below and above the speed of
sound", NACA Report 835, 1946 (slender wing, C_L_alpha = pi A / 2).
Sutton G. P., Biblarz O., *Rocket Propulsion Elements*, 9th ed., Wiley, 2017 (``T = mdot Isp g0``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from samsim.constants import G0_MPS2, GM_M3PS2, MEAN_EARTH_RADIUS_M
from samsim.jit import njit
from samsim.models.atmosphere import GAMMA_AIR, density_sound_scalar, isa
from samsim.models.guidance import limit_lateral_scalar, true_pn_scalar

__all__ = [
    "CD_TABLE",
    "CPA_GATE_M",
    "ENDED",
    "ENDGAME_FAILED",
    "END_REASONS",
    "FRICTION_COEF",
    "FRICTION_P_PA",
    "FRICTION_REF_PA",
    "FlyoutState",
    "GROUND_IMPACT",
    "INACTIVE",
    "INTERCEPT",
    "LOFT_END_M",
    "MACH_TABLE",
    "MIDCOURSE",
    "N_PARAMS",
    "P_BOOST_MDOT_KGPS",
    "P_BOOST_THRUST_N",
    "P_BOOST_TIME_S",
    "P_CD_SCALE",
    "P_CN_MAX",
    "P_DRY_MASS_KG",
    "P_ENDGAME_MIN_ACCEL_MPS2",
    "P_ENDGAME_MIN_CLOSING_MPS",
    "P_GUIDANCE_DELAY_S",
    "P_INDUCED_K",
    "P_LAUNCH_LOFT_RAD",
    "P_LAUNCH_MASS_KG",
    "P_LOFT",
    "P_MAX_ACCEL_MPS2",
    "P_MAX_FLIGHT_S",
    "P_NAV_RATIO",
    "P_REF_AREA_M2",
    "P_SEEKER_RANGE_M",
    "P_SUSTAIN_MDOT_KGPS",
    "P_SUSTAIN_THRUST_N",
    "P_SUSTAIN_TIME_S",
    "P_TAU_S",
    "SELF_DESTRUCT",
    "TERMINAL",
    "ThreatTruth",
    "advance",
    "advance_kernel",
    "available_accel_mps2",
    "drag_coefficient",
    "empty_state",
    "induced_drag_factor",
    "interceptor_params",
    "launch",
    "launch_velocity_enu",
    "reach_profile",
    "straight_flyout_profile",
]

_F64 = NDArray[np.float64]

CPA_GATE_M = 1_000.0
"""Closest approaches farther than this (and outside the seeker range) do not end the flight."""
LOFT_END_M = 10_000.0
"""Range to go at which mid-course lofting has faded out when the missile has no seeker."""
_MIN_STEP_S = 1e-3
_T_EPS_S = 1e-9

# ---- status codes
INACTIVE = 0
"""Slot unused or not yet launched (skipped)."""
MIDCOURSE = 1
"""Flying, guided on the radar track."""
TERMINAL = 2
"""Flying, guided on the true target."""
INTERCEPT = 3
"""Ended at the closest approach to the target (outcome from the miss distance)."""
SELF_DESTRUCT = 4
"""Ended by the fuze / self-destruct timer (``max_flight_s``), or destroyed by the battery."""
ENDGAME_FAILED = 5
"""Ended at the closest approach by the end-game criterion (too slow, or too little g): a kinematic
defeat, the missile then self-destructs."""
GROUND_IMPACT = 6
"""Ended by hitting the ground."""
ENDED = (INTERCEPT, SELF_DESTRUCT, ENDGAME_FAILED, GROUND_IMPACT)
"""Every status of a flight that has ended."""
END_REASONS = {
    SELF_DESTRUCT: "fuze timer",
    ENDGAME_FAILED: "end-game criterion failed",
    GROUND_IMPACT: "ground impact",
}
"""Why a flight that did not intercept ended, by status."""

# ---- parameter columns of ``params`` (n, N_PARAMS)
P_LAUNCH_MASS_KG = 0
P_DRY_MASS_KG = 1
P_BOOST_THRUST_N = 2
P_BOOST_TIME_S = 3
P_BOOST_MDOT_KGPS = 4
P_SUSTAIN_THRUST_N = 5
P_SUSTAIN_TIME_S = 6
P_SUSTAIN_MDOT_KGPS = 7
P_REF_AREA_M2 = 8
P_CD_SCALE = 9
P_MAX_ACCEL_MPS2 = 10
P_NAV_RATIO = 11
P_MAX_FLIGHT_S = 12
P_SEEKER_RANGE_M = 13
P_TAU_S = 14
P_LOFT = 15
P_GUIDANCE_DELAY_S = 16
P_CN_MAX = 17
P_LAUNCH_LOFT_RAD = 18
P_INDUCED_K = 19
P_ENDGAME_MIN_ACCEL_MPS2 = 20
P_ENDGAME_MIN_CLOSING_MPS = 21
N_PARAMS = 22

# Zero-lift drag coefficient (motor off, referenced to the body cross-section) of a slender missile:
# body of fineness ~15 with a ~3-calibre ogive nose and tail fins. Estimated with Fleeman's (2012,
# ch. 2) component build-up: supersonic nose wave drag ~(1.59 + 1.83/M**2) atan(0.5 d/l_N)**1.69,
# base drag ~0.25/M, skin friction ~0.053 (l/d) (M / (q l))**0.2 (q in psf, l in ft) at mid
# altitudes, plus ~0.05 for the fins; subsonic ~0.3, transonic rise to ~0.7 near M 1.1.
# An assumption of this model; scale per missile with ``cd_scale``.
MACH_TABLE = np.array([0.0, 0.6, 0.8, 0.95, 1.05, 1.2, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 12.0])
CD_TABLE = np.array([0.30, 0.30, 0.31, 0.42, 0.65, 0.68, 0.58, 0.48, 0.37, 0.31, 0.28, 0.26, 0.23, 0.21])
# Skin friction of the same body, Fleeman's (2012, ch. 2) turbulent estimate
# 0.053 (l/d) (M / (q l))**0.2 with q in psf and l in ft, l/d = 14.5 and l = 7.5 m: with
# q = 0.7 p M**2 this is FRICTION_COEF (P_FRICTION / (p M))**0.2 (p in Pa). CD_TABLE holds it at the
# pressure of 10 km (FRICTION_REF_PA); the kernel adds the difference at the flight's pressure, so a
# lofted missile pays the thicker boundary layer of thin air (~+0.15 at 40 km, -0.02 at sea level).
FRICTION_COEF = 0.053 * 14.5
FRICTION_P_PA = 47.880259 / (0.7 * 7.5 / 0.3048)
FRICTION_REF_PA = 26_499.9


class FlyoutState(NamedTuple):
    """Structure of arrays for ``n`` interceptor slots (all updated in place by :func:`advance`).

    Attributes
    ----------
    pos_m, vel_mps, acc_mps2
        (n, 3) position, velocity, achieved lateral acceleration (autopilot state).
    mass_kg, launch_s
        (n,) current mass; launch time.
    status
        (n,) int8: :data:`INACTIVE`, :data:`MIDCOURSE`, :data:`TERMINAL`, :data:`INTERCEPT`,
        :data:`SELF_DESTRUCT`, :data:`ENDGAME_FAILED`, :data:`GROUND_IMPACT`.
    params
        (n, N_PARAMS) rows from :func:`interceptor_params`.
    target
        (n,) int64 threat index into :class:`ThreatTruth` (-1 = none: unguided).
    track_pos_m, track_vel_mps, track_time_s
        (n, 3), (n, 3), (n,): the engagement radar's estimate of the target used in mid-course.
    track_acc_mps2
        (n, 3) acceleration the track is extrapolated with (gravity for a ballistic track, else 0).
    plan_s
        (n,) planned intercept time (launch time + predicted time of flight); mid-course steers at the
        track extrapolated to it. ``nan`` (or past): steer at the track itself.
    miss_m, cpa_s
        (n,) smallest range to the true target so far and its time (inf / nan before any).
    end_s
        (n,) time the flight ended (nan while flying).
    """

    pos_m: _F64
    vel_mps: _F64
    acc_mps2: _F64
    mass_kg: _F64
    launch_s: _F64
    status: NDArray[np.int8]
    params: _F64
    target: NDArray[np.int64]
    track_pos_m: _F64
    track_vel_mps: _F64
    track_time_s: _F64
    track_acc_mps2: _F64
    plan_s: _F64
    miss_m: _F64
    cpa_s: _F64
    end_s: _F64


_IDENTITY3 = np.eye(3)
_ZERO3 = np.zeros(3)


class ThreatTruth(NamedTuple):
    """True threat positions sampled at a fixed interval, interpolated linearly inside the kernel.

    Attributes
    ----------
    pos_m
        (n_threats, n_samples, 3) positions in the table's frame; sample ``k`` of threat ``j`` is at
        ``t0_s[j] + k * dt_s``. Beyond the last sample the last segment is extrapolated.
    t0_s
        (n_threats,) time of each threat's first sample (the threat is absent before it).
    dt_s
        Common sample interval.
    dead_s
        (n_threats,) time from which the threat is no longer there (killed, leaked, or the end of its
        samples); ``inf`` while it lives.
    rotation, origin_m
        The flight's frame from the table's: a table point ``p`` is at ``rotation @ (p - origin_m)``
        (the identity by default: the table is in the flight's frame). An affine map commutes with the
        linear interpolation, so one table (e.g. every threat in ECEF) serves flights in any number of
        frames (every battery's ENU, ``LocalFrame.rotation`` and ``origin_ecef_m``) without a copy each.
    """

    pos_m: _F64
    t0_s: _F64
    dt_s: float
    dead_s: _F64
    rotation: _F64 = _IDENTITY3
    origin_m: _F64 = _ZERO3


def interceptor_params(
    *,
    launch_mass_kg: float,
    boost_propellant_kg: float,
    boost_time_s: float,
    isp_s: float,
    diameter_m: float,
    max_accel_mps2: float,
    nav_ratio: float,
    max_flight_s: float,
    seeker_range_m: float = 0.0,
    sustain_propellant_kg: float = 0.0,
    sustain_time_s: float = 0.0,
    sustain_isp_s: float | None = None,
    cd_scale: float = 1.0,
    tau_s: float = 0.0,
    loft: float = 0.0,
    guidance_delay_s: float = 0.0,
    cn_max: float = 0.0,
    launch_loft_rad: float = 0.0,
    fin_span_m: float | None = None,
    induced_drag_k: float | None = None,
    endgame_min_g: float = 0.0,
    endgame_min_closing_mps: float = 0.0,
) -> _F64:
    """One parameter row for the flyout kernel.

    Mass flow ``mdot = propellant / burn time`` and thrust ``T = mdot Isp g0`` per phase
    (Sutton & Biblarz 2017, ``F = mdot v_e``, ``v_e = Isp g0``); dry mass ``launch - propellants``;
    reference area ``pi d**2 / 4``; induced-drag factor ``k`` of the drag polar
    ``C_D = C_D0(M) + k C_L**2`` from the lifting span (:func:`induced_drag_factor`).

    Parameters
    ----------
    launch_mass_kg, diameter_m
        Launch mass and body diameter.
    boost_propellant_kg, boost_time_s, isp_s
        Boost phase (from launch); ``Isp`` in seconds.
    sustain_propellant_kg, sustain_time_s, sustain_isp_s
        Optional sustain phase right after the boost (``sustain_isp_s`` defaults to ``isp_s``).
    max_accel_mps2
        Lateral acceleration limit (structure / autopilot).
    cn_max
        Maximum normal-force coefficient (on the body cross-section): the airframe pulls at most
        ``q S cn_max / m``; 0 = no aerodynamic limit.
    nav_ratio
        PN navigation ratio.
    tau_s
        Flight-control time constant (first-order lag; 0 = none).
    max_flight_s
        Fuze / self-destruct timer: the flight ends after this time, whatever the energy left.
    seeker_range_m
        Terminal range: active-seeker acquisition, or track-via-missile terminal range; 0 = none.
    cd_scale
        Multiplier on the reference zero-lift drag curve :data:`CD_TABLE`.
    fin_span_m
        Largest tip-to-tip span of the lifting surfaces (default: the body diameter, i.e. the body
        alone); sets ``k`` through :func:`induced_drag_factor`.
    induced_drag_k
        ``k`` itself, overriding ``fin_span_m`` (0 = lift without induced drag, for reference cases).
    endgame_min_g, endgame_min_closing_mps
        End-game criterion: a closest approach counts as an intercept only if the airframe can still
        pull ``endgame_min_g`` there and the closing speed is at least ``endgame_min_closing_mps``;
        otherwise the missile is kinematically defeated (0 = no criterion).
    loft
        Mid-course aim height above the predicted intercept point per metre of range to go beyond the
        terminal range (0 = none).
    launch_loft_rad
        Extra launch elevation for long shots (see :func:`launch`).
    guidance_delay_s
        Pitch-programmed boost: no PN before this time after launch (see the module notes).

    Returns
    -------
    numpy.ndarray
        Shape (N_PARAMS,), columns ``P_*`` of this module.
    """
    row = np.zeros(N_PARAMS)
    s_isp = isp_s if sustain_isp_s is None else sustain_isp_s
    row[P_LAUNCH_MASS_KG] = launch_mass_kg
    row[P_DRY_MASS_KG] = launch_mass_kg - boost_propellant_kg - sustain_propellant_kg
    row[P_BOOST_TIME_S] = boost_time_s
    row[P_BOOST_MDOT_KGPS] = boost_propellant_kg / boost_time_s if boost_time_s > 0 else 0.0
    row[P_BOOST_THRUST_N] = row[P_BOOST_MDOT_KGPS] * isp_s * G0_MPS2
    row[P_SUSTAIN_TIME_S] = sustain_time_s
    row[P_SUSTAIN_MDOT_KGPS] = sustain_propellant_kg / sustain_time_s if sustain_time_s > 0 else 0.0
    row[P_SUSTAIN_THRUST_N] = row[P_SUSTAIN_MDOT_KGPS] * s_isp * G0_MPS2
    row[P_REF_AREA_M2] = math.pi * diameter_m**2 / 4.0
    row[P_CD_SCALE] = cd_scale
    row[P_MAX_ACCEL_MPS2] = max_accel_mps2
    row[P_NAV_RATIO] = nav_ratio
    row[P_MAX_FLIGHT_S] = max_flight_s
    row[P_SEEKER_RANGE_M] = seeker_range_m
    row[P_TAU_S] = tau_s
    row[P_LOFT] = loft
    row[P_GUIDANCE_DELAY_S] = guidance_delay_s
    row[P_CN_MAX] = cn_max
    row[P_LAUNCH_LOFT_RAD] = launch_loft_rad
    if induced_drag_k is None:
        induced_drag_k = float(
            induced_drag_factor(diameter_m, diameter_m if fin_span_m is None else fin_span_m)
        )
    row[P_INDUCED_K] = induced_drag_k
    row[P_ENDGAME_MIN_ACCEL_MPS2] = endgame_min_g * G0_MPS2
    row[P_ENDGAME_MIN_CLOSING_MPS] = endgame_min_closing_mps
    if row[P_DRY_MASS_KG] <= 0.0:
        raise ValueError("propellant mass exceeds launch mass")
    return row


def drag_coefficient(
    mach: ArrayLike,
    lift_coefficient: ArrayLike = 0.0,
    induced_k: ArrayLike = 0.0,
    altitude_m: ArrayLike | None = None,
) -> _F64:
    """Drag polar ``C_D = C_D0(M, h) + k C_L**2`` of the reference slender missile (on ``S = pi d**2 / 4``).

    ``C_D0`` is :data:`CD_TABLE` at ``mach`` (zero lift, skin friction at 10 km); with ``altitude_m``
    the skin friction is taken at that altitude's pressure instead (Fleeman's ``(M / (q l))**0.2``,
    see :data:`FRICTION_COEF`). Multiply ``C_D0`` by ``cd_scale`` for a particular missile.
    Arguments broadcast.
    """
    m = np.asarray(mach, dtype=np.float64)
    cd0 = np.interp(m, MACH_TABLE, CD_TABLE)
    if altitude_m is not None:
        p = isa(altitude_m).pressure_pa
        k = FRICTION_COEF * (FRICTION_P_PA / np.maximum(m, 0.5)) ** 0.2
        cd0 = cd0 + k * (p**-0.2 - FRICTION_REF_PA**-0.2)
    cl = np.asarray(lift_coefficient, dtype=np.float64)
    return np.asarray(cd0 + np.asarray(induced_k, dtype=np.float64) * cl * cl, dtype=np.float64)


def induced_drag_factor(diameter_m: ArrayLike, span_m: ArrayLike) -> _F64:
    """Induced-drag factor ``k`` of a slender missile: ``k = 1 / C_L_alpha = S_ref / ((pi / 2) b**2)``.

    Slender-body theory gives the lift slope of a slender configuration from its largest span ``b``
    alone, ``dL/d(alpha) = (pi / 2) b**2 q`` (Munk 1924 for the body, ``b = d``: ``C_N_alpha = 2`` per
    radian; Jones 1946 for slender wings, ``C_L_alpha = pi A / 2``). Supersonic missile surfaces have
    no leading-edge suction, so the normal force tilts back with the angle of attack and the drag due
    to lift is ``C_L tan(alpha) ~ C_L**2 / C_L_alpha`` (Fleeman 2012, ch. 2: drag due to lift as the
    axial component of the normal force), twice the elliptic-loading minimum ``C_L**2 / (pi A)``.
    With ``S_ref = pi d**2 / 4`` this is ``k = (d / b)**2 / 2``: 0.5 for a body alone, ~0.1 for tail
    fins spanning ~2.2 body diameters.

    References
    ----------
    Jones R. T., "Properties of low-aspect-ratio pointed wings at speeds below and above the speed of
    sound", NACA Report 835, 1946. Fleeman E. L., *Missile Design and System Engineering*, AIAA, 2012.
    """
    d = np.asarray(diameter_m, dtype=np.float64)
    b = np.asarray(span_m, dtype=np.float64)
    return np.asarray((math.pi * d * d / 4.0) / (0.5 * math.pi * b * b), dtype=np.float64)


def available_accel_mps2(
    params: ArrayLike, altitude_m: ArrayLike, speed_mps: ArrayLike, mass_kg: ArrayLike | None = None
) -> _F64:
    """Lateral acceleration the airframe can pull: ``min(max_accel, q S CN_max / m)`` (m/s**2).

    ``q = rho V**2 / 2`` in the standard atmosphere at ``altitude_m``; ``mass_kg`` defaults to the dry
    mass (motor burnt out). Manoeuvrability falls with altitude and with speed (Fleeman 2012, ch. 2);
    ``cn_max = 0`` in ``params`` means no aerodynamic limit. Arguments broadcast; ``params`` is one
    interceptor's row or (..., N_PARAMS) rows, one per element (several types in one call).
    """
    row = np.asarray(params, dtype=np.float64)
    rho = isa(altitude_m).density_kgpm3
    v = np.asarray(speed_mps, dtype=np.float64)
    m = row[..., P_DRY_MASS_KG] if mass_kg is None else np.asarray(mass_kg, dtype=np.float64)
    max_accel = row[..., P_MAX_ACCEL_MPS2]
    limit = np.full(np.broadcast(rho, v, m, max_accel).shape, max_accel)
    if row.ndim > 1:  # per element: the aerodynamic limit where the row has one
        aero = row[..., P_CN_MAX] > 0.0
        if np.any(aero):
            pull = 0.5 * rho * v * v * row[..., P_REF_AREA_M2] * row[..., P_CN_MAX] / m
            limit = np.where(aero, np.minimum(limit, pull), limit)
    elif row[P_CN_MAX] > 0.0:
        limit = np.minimum(limit, 0.5 * rho * v * v * row[P_REF_AREA_M2] * row[P_CN_MAX] / m)
    return np.asarray(limit, dtype=np.float64)


def empty_state(n: int) -> FlyoutState:
    """``n`` inactive interceptor slots."""
    return FlyoutState(
        pos_m=np.zeros((n, 3)),
        vel_mps=np.zeros((n, 3)),
        acc_mps2=np.zeros((n, 3)),
        mass_kg=np.zeros(n),
        launch_s=np.full(n, np.inf),
        status=np.zeros(n, dtype=np.int8),
        params=np.zeros((n, N_PARAMS)),
        target=np.full(n, -1, dtype=np.int64),
        track_pos_m=np.zeros((n, 3)),
        track_vel_mps=np.zeros((n, 3)),
        track_time_s=np.zeros(n),
        track_acc_mps2=np.zeros((n, 3)),
        plan_s=np.full(n, np.nan),
        miss_m=np.full(n, np.inf),
        cpa_s=np.full(n, np.nan),
        end_s=np.full(n, np.nan),
    )


def launch(
    state: FlyoutState,
    slot: int,
    *,
    time_s: float,
    position_m: ArrayLike,
    params: ArrayLike,
    target: int,
    track_pos_m: ArrayLike,
    track_vel_mps: ArrayLike,
    track_time_s: float,
    aim_m: ArrayLike,
    intercept_s: float,
    center_enu_m: ArrayLike,
    launch_speed_mps: float = 30.0,
    track_acc_mps2: ArrayLike = (0.0, 0.0, 0.0),
) -> None:
    """Put an interceptor in ``slot``, flying from ``time_s`` (may lie inside the next :func:`advance`).

    It leaves ``position_m`` at ``launch_speed_mps`` (the cold-launch ejection) with its launch mass,
    pointed by :func:`launch_velocity_enu` at ``aim_m``, the predicted intercept point (PIP) expected at
    ``intercept_s`` (launch time + predicted time of flight; ``nan`` if unknown), raised by the
    mid-course loft of ``params``, plus an extra elevation ``params[P_LAUNCH_LOFT_RAD]`` that grows from
    0 at the terminal range ``R_end`` to its full value at ``4 R_end`` (long shots climb out of the dense
    air early; short shots go straight for the PIP). ``track_acc_mps2``: the acceleration mid-course
    extrapolates the track with (gravity for a ballistic track).
    """
    row = np.asarray(params, dtype=np.float64)
    origin = np.asarray(position_m, dtype=np.float64)
    center = np.asarray(center_enu_m, dtype=np.float64)
    aim = np.asarray(aim_m, dtype=np.float64)
    if not (np.all(np.isfinite(aim)) and np.all(np.isfinite(origin))):
        raise ValueError("launch needs a finite aim point (no predicted intercept: do not launch)")
    r_end = row[P_SEEKER_RANGE_M] if row[P_SEEKER_RANGE_M] > 0.0 else LOFT_END_M
    up_aim = (aim - center) / np.linalg.norm(aim - center)
    beyond_m = max(0.0, float(np.linalg.norm(aim - origin)) - r_end)
    lofted = aim + up_aim * row[P_LOFT] * beyond_m
    extra_rad = row[P_LAUNCH_LOFT_RAD] * min(1.0, beyond_m / (3.0 * r_end))
    state.pos_m[slot] = origin
    state.vel_mps[slot] = launch_velocity_enu(origin, lofted, center, extra_rad, launch_speed_mps)
    state.acc_mps2[slot] = 0.0
    state.mass_kg[slot] = row[P_LAUNCH_MASS_KG]
    state.launch_s[slot] = time_s
    state.status[slot] = MIDCOURSE
    state.params[slot] = row
    state.target[slot] = target
    state.track_pos_m[slot] = track_pos_m
    state.track_vel_mps[slot] = track_vel_mps
    state.track_time_s[slot] = track_time_s
    state.track_acc_mps2[slot] = track_acc_mps2
    state.plan_s[slot] = intercept_s
    state.miss_m[slot] = np.inf
    state.cpa_s[slot] = np.nan
    state.end_s[slot] = np.nan


def launch_velocity_enu(
    launcher_m: ArrayLike,
    aim_m: ArrayLike,
    center_enu_m: ArrayLike,
    loft_rad: float,
    speed_mps: float,
) -> _F64:
    """Velocity of ``speed_mps`` pointing at ``aim_m`` raised by ``loft_rad`` in the vertical plane.

    The elevation of the line of sight to the aim point (from the local horizontal at the launcher,
    i.e. the plane normal to ``launcher - center``) is increased by ``loft_rad`` and capped at 89 deg.
    """
    lau = np.asarray(launcher_m, dtype=np.float64)
    up = lau - np.asarray(center_enu_m, dtype=np.float64)
    up /= np.linalg.norm(up)
    d = np.asarray(aim_m, dtype=np.float64) - lau
    vertical = float(d @ up)
    horiz = d - vertical * up
    h_norm = float(np.linalg.norm(horiz))
    if h_norm < 1e-9:
        return np.asarray(up * speed_mps, dtype=np.float64)
    elev = min(math.atan2(vertical, h_norm) + loft_rad, math.radians(89.0))
    return np.asarray((horiz / h_norm * math.cos(elev) + up * math.sin(elev)) * speed_mps, dtype=np.float64)


# ---------------------------------------------------------------- compiled kernels


# the same curve on a uniform 0.05-Mach grid (every knot of MACH_TABLE lies on it, so it is exact)
_CD_DM = 0.05
_CD_UNIFORM = np.interp(np.arange(0.0, MACH_TABLE[-1] + _CD_DM / 2, _CD_DM), MACH_TABLE, CD_TABLE)


@njit
def _cd_scalar(mach: float) -> float:
    u = mach / _CD_DM
    n = _CD_UNIFORM.size
    if u >= n - 1:
        return float(_CD_UNIFORM[n - 1])
    k = int(u)
    return float(_CD_UNIFORM[k] + (u - k) * (_CD_UNIFORM[k + 1] - _CD_UNIFORM[k]))


@njit
def _friction_excess(mach: float, pressure_pa: float) -> float:
    """Skin-friction drag coefficient at ``pressure_pa`` minus the one :data:`CD_TABLE` holds (10 km)."""
    m = max(mach, 0.5)  # the turbulent estimate is for supersonic flight: no blow-up at rest
    k = FRICTION_COEF * (FRICTION_P_PA / m) ** 0.2
    return k * (pressure_pa**-0.2 - FRICTION_REF_PA**-0.2) if pressure_pa > 0.0 else 0.0


@njit
def _propulsion(p: _F64, tau0: float, h: float) -> tuple[float, float]:
    """Mean thrust and mean mass flow over ``[tau0, tau0 + h]`` after launch (burn-outs inside a step)."""
    tb = p[P_BOOST_TIME_S]
    ts = tb + p[P_SUSTAIN_TIME_S]
    tau1 = tau0 + h
    ob = max(0.0, min(tau1, tb) - max(tau0, 0.0))
    os_ = max(0.0, min(tau1, ts) - max(tau0, tb))
    thrust = (p[P_BOOST_THRUST_N] * ob + p[P_SUSTAIN_THRUST_N] * os_) / h
    mdot = (p[P_BOOST_MDOT_KGPS] * ob + p[P_SUSTAIN_MDOT_KGPS] * os_) / h
    return thrust, mdot


@njit
def _truth(
    tbl: _F64, j: int, t: float, t0: float, dt: float, rot: _F64, org: _F64
) -> tuple[float, float, float, float, float, float]:
    """Linearly interpolated position and the segment's velocity of threat ``j`` at ``t``, mapped into
    the flight's frame (``rot @ (p - org)``, :class:`ThreatTruth`)."""
    ns = tbl.shape[1]
    if ns < 2:
        px, py, pz = tbl[j, 0, 0], tbl[j, 0, 1], tbl[j, 0, 2]
        vx = vy = vz = 0.0
    else:
        u = (t - t0) / dt
        k = int(math.floor(u))
        if k < 0:
            k = 0
        elif k > ns - 2:
            k = ns - 2
        f = u - k
        vx = (tbl[j, k + 1, 0] - tbl[j, k, 0]) / dt
        vy = (tbl[j, k + 1, 1] - tbl[j, k, 1]) / dt
        vz = (tbl[j, k + 1, 2] - tbl[j, k, 2]) / dt
        px = tbl[j, k, 0] + f * dt * vx
        py = tbl[j, k, 1] + f * dt * vy
        pz = tbl[j, k, 2] + f * dt * vz
    # exact for the identity map: 1 * x + 0 * y + 0 * z == x
    dx, dy, dz = px - org[0], py - org[1], pz - org[2]
    return (
        rot[0, 0] * dx + rot[0, 1] * dy + rot[0, 2] * dz,
        rot[1, 0] * dx + rot[1, 1] * dy + rot[1, 2] * dz,
        rot[2, 0] * dx + rot[2, 1] * dy + rot[2, 2] * dz,
        rot[0, 0] * vx + rot[0, 1] * vy + rot[0, 2] * vz,
        rot[1, 0] * vx + rot[1, 1] * vy + rot[1, 2] * vz,
        rot[2, 0] * vx + rot[2, 1] * vy + rot[2, 2] * vz,
    )


@njit
def _step(
    p: _F64,
    tau: float,
    h: float,
    x: float,
    y: float,
    z: float,
    vx: float,
    vy: float,
    vz: float,
    m: float,
    lx: float,
    ly: float,
    lz: float,
    gx: float,
    gy: float,
    gz: float,
    rho: float,
    sound: float,
    tvc: bool,
) -> tuple[float, float, float, float, float, float, float]:
    """One constant-acceleration step of the point mass (thrust, drag, gravity ``g``, lateral ``l``).

    ``g``, ``rho`` and ``sound`` are gravity, air density and speed of sound at the start of the step.
    The lateral force ``m |l|`` is either lift, which costs the induced drag ``k L**2 / (q S)`` of
    the drag polar, or (``tvc``) the thrust turned sideways, which leaves ``sqrt(T**2 - (m l)**2)``
    along the velocity.
    """
    speed = math.sqrt(vx * vx + vy * vy + vz * vz)
    thrust, mdot = _propulsion(p, tau, h)
    m_mid = max(m - 0.5 * mdot * h, p[P_DRY_MASS_KG])
    side = m_mid * math.sqrt(lx * lx + ly * ly + lz * lz)
    if tvc:
        thrust = math.sqrt(max(thrust * thrust - side * side, 0.0))
    axial = thrust / m_mid
    if speed > 1e-6:
        qs = 0.5 * rho * speed * speed * p[P_REF_AREA_M2]
        mach = speed / sound
        pressure = rho * sound * sound / GAMMA_AIR
        cd = (_cd_scalar(mach) + _friction_excess(mach, pressure)) * p[P_CD_SCALE]
        drag = qs * cd
        if not tvc and side > 0.0 and qs > 0.0:
            # drag due to lift: C_Di = k C_L**2 with C_L = L / (q S), i.e. D_i = k L**2 / (q S)
            drag += p[P_INDUCED_K] * side * side / qs
        axial -= drag / m_mid
        ux = vx / speed
        uy = vy / speed
        uz = vz / speed
    else:  # at rest: thrust acts against gravity (along the local vertical)
        gn = math.sqrt(gx * gx + gy * gy + gz * gz)
        ux = -gx / gn
        uy = -gy / gn
        uz = -gz / gn
    ax = axial * ux + gx + lx
    ay = axial * uy + gy + ly
    az = axial * uz + gz + lz
    hh = 0.5 * h * h
    return (
        x + vx * h + ax * hh,
        y + vy * h + ay * hh,
        z + vz * h + az * hh,
        vx + ax * h,
        vy + ay * h,
        vz + az * h,
        max(m - mdot * h, p[P_DRY_MASS_KG]),
    )


@njit
def _track_position(
    trk_pos: _F64, trk_vel: _F64, trk_acc: _F64, i: int, dt_s: float
) -> tuple[float, float, float]:
    """Where track estimate ``i`` puts its target ``dt_s`` after the estimate: ``p + v t + a t**2 / 2``
    (a ballistic track falls under gravity, the others have ``a = 0``)."""
    return (
        trk_pos[i, 0] + trk_vel[i, 0] * dt_s + 0.5 * trk_acc[i, 0] * dt_s * dt_s,
        trk_pos[i, 1] + trk_vel[i, 1] * dt_s + 0.5 * trk_acc[i, 1] * dt_s * dt_s,
        trk_pos[i, 2] + trk_vel[i, 2] * dt_s + 0.5 * trk_acc[i, 2] * dt_s * dt_s,
    )


@njit
def _advance_slot(
    i: int,
    t0_s: float,
    t1_s: float,
    dt_s: float,
    state: FlyoutState,
    tbl: _F64,
    tbl_t0: _F64,
    tbl_dt: float,
    dead_s: _F64,
    rot: _F64,
    org: _F64,
    cx: float,
    cy: float,
    cz: float,
    re: float,
) -> None:
    """Advance interceptor ``i`` of ``state`` from ``t0_s`` (or its launch) to ``t1_s``, in place, if it
    flies: its own inner loop of steps of at most ``dt_s`` (shorter near the closest approach and at
    the self-destruct time), against the threat table ``tbl`` (:class:`ThreatTruth`'s fields) and the
    earth's centre ``(cx, cy, cz)`` and radius ``re`` in the frame."""
    pos = state.pos_m
    vel = state.vel_mps
    acc = state.acc_mps2
    mass = state.mass_kg
    launch_s = state.launch_s
    status = state.status
    params = state.params
    target = state.target
    trk_pos = state.track_pos_m
    trk_vel = state.track_vel_mps
    trk_t = state.track_time_s
    trk_acc = state.track_acc_mps2
    plan = state.plan_s
    miss = state.miss_m
    cpa_s = state.cpa_s
    end_s = state.end_s
    st = status[i]
    if st != MIDCOURSE and st != TERMINAL:
        return
    t = max(t0_s, launch_s[i])
    if t >= t1_s:
        return
    p = params[i]
    t_launch = launch_s[i]
    t_sd = t_launch + p[P_MAX_FLIGHT_S]
    t_guid = t_launch + p[P_GUIDANCE_DELAY_S]
    seeker = p[P_SEEKER_RANGE_M]
    gate = max(seeker, CPA_GATE_M)
    loft = p[P_LOFT]
    loft_end = seeker if seeker > 0.0 else LOFT_END_M
    nav = p[P_NAV_RATIO]
    amax = p[P_MAX_ACCEL_MPS2]
    lag = p[P_TAU_S]
    cn_max = p[P_CN_MAX]
    area = p[P_REF_AREA_M2]
    min_accel = p[P_ENDGAME_MIN_ACCEL_MPS2]
    min_closing = p[P_ENDGAME_MIN_CLOSING_MPS]
    x = pos[i, 0]
    y = pos[i, 1]
    z = pos[i, 2]
    vx = vel[i, 0]
    vy = vel[i, 1]
    vz = vel[i, 2]
    lx = acc[i, 0]
    ly = acc[i, 1]
    lz = acc[i, 2]
    m = mass[i]
    j = target[i]
    keep_dt = math.exp(-dt_s / lag) if lag > 0.0 else 0.0
    # a planned intercept point stays put for the whole call: its lofting direction too
    # (p + v t + a t^2 / 2: a ballistic track falls under gravity on the way)
    dtp = plan[i] - trk_t[i]
    pax, pay, paz = _track_position(trk_pos, trk_vel, trk_acc, i, dtp)
    pun = math.sqrt((pax - cx) ** 2 + (pay - cy) ** 2 + (paz - cz) ** 2)
    pux = (pax - cx) / pun
    puy = (pay - cy) / pun
    puz = (paz - cz) / pun
    cached = False  # truth at the start of the step known from the previous step's end
    tx = ty = tz = tvx = tvy = tvz = 0.0
    while t < t1_s - _T_EPS_S:
        if t >= t_sd - _T_EPS_S:
            st = SELF_DESTRUCT
            end_s[i] = t
            break
        # steps land exactly on t1 and on the self-destruct time (no sliver steps from round-off)
        h = dt_s
        if t1_s - t <= dt_s + _T_EPS_S:
            h = t1_s - t
        if t_sd - t <= h + _T_EPS_S:
            h = t_sd - t
        alive = j >= 0 and t >= tbl_t0[j] and t < dead_s[j]
        rx = ry = rz = 0.0
        rdot0 = 0.0
        if alive:
            if not cached:
                tx, ty, tz, tvx, tvy, tvz = _truth(tbl, j, t, tbl_t0[j], tbl_dt, rot, org)
            rx = tx - x
            ry = ty - y
            rz = tz - z
            rng = math.sqrt(rx * rx + ry * ry + rz * rz)
            if rng > 0.0:
                rdot0 = ((tvx - vx) * rx + (tvy - vy) * ry + (tvz - vz) * rz) / rng
            if st == MIDCOURSE and seeker > 0.0 and rng <= seeker:
                st = TERMINAL
            # end game: a third of the time to go per step keeps PN and the miss accurate
            if rdot0 < 0.0 and rng < -3.0 * rdot0 * h:
                h = max(rng / (-3.0 * rdot0), min(_MIN_STEP_S, h))
        # ---- air and the lateral acceleration the airframe can pull here
        ex = x - cx
        ey = y - cy
        ez = z - cz
        e2 = ex * ex + ey * ey + ez * ez
        e1 = math.sqrt(e2)
        gk = -GM_M3PS2 / (e2 * e1)
        rho, sound = density_sound_scalar(e1 - re)
        speed = math.sqrt(vx * vx + vy * vy + vz * vz)
        a_lim = amax
        if cn_max > 0.0:
            a_lim = min(amax, 0.5 * rho * speed * speed * area * cn_max / m)
        a_aero = a_lim
        # ---- guidance command
        cmx = cmy = cmz = 0.0
        guided = False
        tvc = t < t_guid
        if tvc:
            # pitch-programmed boost: thrust-vector / gas-dynamic control, which does not need
            # dynamic pressure, turns at most the whole thrust sideways (paid in axial thrust)
            thrust_now, _ = _propulsion(p, t - t_launch, h)
            a_lim = min(amax, thrust_now / m)
        if j >= 0 and t < dead_s[j]:
            if tvc:
                # hold the launch line against gravity
                guided = True
            elif st == TERMINAL and alive:
                cmx, cmy, cmz = true_pn_scalar(rx, ry, rz, tvx - vx, tvy - vy, tvz - vz, nav, speed)
                guided = True
            elif st == MIDCOURSE:
                # aim at the track extrapolated to the planned intercept time (a point fixed in
                # space, steered at by PN), or, without a plan, at the moving track itself
                if plan[i] > t:
                    ax_ = pax
                    ay_ = pay
                    az_ = paz
                    ux = pux
                    uy = puy
                    uz = puz
                    avx = avy = avz = 0.0
                else:
                    dtk = t - trk_t[i]
                    ax_, ay_, az_ = _track_position(trk_pos, trk_vel, trk_acc, i, dtk)
                    un = math.sqrt((ax_ - cx) ** 2 + (ay_ - cy) ** 2 + (az_ - cz) ** 2)
                    ux = (ax_ - cx) / un
                    uy = (ay_ - cy) / un
                    uz = (az_ - cz) / un
                    avx = trk_vel[i, 0] + trk_acc[i, 0] * dtk
                    avy = trk_vel[i, 1] + trk_acc[i, 1] * dtk
                    avz = trk_vel[i, 2] + trk_acc[i, 2] * dtk
                dx = ax_ - x
                dy = ay_ - y
                dz = az_ - z
                r_go = math.sqrt(dx * dx + dy * dy + dz * dz)
                if loft > 0.0 and r_go > loft_end:
                    # PN sees the raised point as moving with the track only: were it told that
                    # the point sinks as the range closes, it would lead it straight to the target
                    lift_m = loft * (r_go - loft_end)
                    dx += ux * lift_m
                    dy += uy * lift_m
                    dz += uz * lift_m
                cmx, cmy, cmz = true_pn_scalar(dx, dy, dz, avx - vx, avy - vy, avz - vz, nav, speed)
                guided = True
        if guided:
            # gravity compensation (Zarchan): lift also carries the weight's normal component
            cmx, cmy, cmz = limit_lateral_scalar(
                cmx - gk * ex, cmy - gk * ey, cmz - gk * ez, vx, vy, vz, a_lim
            )
        # first-order autopilot lag, exact for the command held over the step
        keep = keep_dt
        if h != dt_s:
            keep = math.exp(-h / lag) if lag > 0.0 else 0.0
        lx = cmx + (lx - cmx) * keep
        ly = cmy + (ly - cmy) * keep
        lz = cmz + (lz - cmz) * keep
        lx, ly, lz = limit_lateral_scalar(lx, ly, lz, vx, vy, vz, a_lim)
        # ---- move
        x1, y1, z1, vx1, vy1, vz1, m1 = _step(
            p,
            t - t_launch,
            h,
            x,
            y,
            z,
            vx,
            vy,
            vz,
            m,
            lx,
            ly,
            lz,
            gk * ex,
            gk * ey,
            gk * ez,
            rho,
            sound,
            tvc,
        )
        # ---- closest approach to the true target within the step
        cached = False
        if alive:
            tx1, ty1, tz1, tvx1, tvy1, tvz1 = _truth(tbl, j, t + h, tbl_t0[j], tbl_dt, rot, org)
            r1x = tx1 - x1
            r1y = ty1 - y1
            r1z = tz1 - z1
            ddx = r1x - rx
            ddy = r1y - ry
            ddz = r1z - rz
            dd = ddx * ddx + ddy * ddy + ddz * ddz
            s = 0.0
            if dd > 0.0:
                s = min(max(-(rx * ddx + ry * ddy + rz * ddz) / dd, 0.0), 1.0)
            mx = rx + s * ddx
            my = ry + s * ddy
            mz = rz + s * ddz
            r_min = math.sqrt(mx * mx + my * my + mz * mz)
            if r_min < miss[i]:
                miss[i] = r_min
                cpa_s[i] = t + s * h
            r1 = math.sqrt(r1x * r1x + r1y * r1y + r1z * r1z)
            rdot1 = 0.0
            if r1 > 0.0:
                rdot1 = ((tvx1 - vx1) * r1x + (tvy1 - vy1) * r1y + (tvz1 - vz1) * r1z) / r1
            if rdot0 < 0.0 and rdot1 >= 0.0 and r_min <= gate:
                x += s * (x1 - x)
                y += s * (y1 - y)
                z += s * (z1 - z)
                vx += s * (vx1 - vx)
                vy += s * (vy1 - vy)
                vz += s * (vz1 - vz)
                m += s * (m1 - m)
                t += s * h
                # end game: the closing speed and what the airframe can still pull decide
                # whether this closest approach is an intercept or a kinematic defeat
                wx = tvx1 - vx
                wy = tvy1 - vy
                wz = tvz1 - vz
                closing = math.sqrt(wx * wx + wy * wy + wz * wz)
                st = INTERCEPT
                if closing < min_closing or a_aero < min_accel:
                    st = ENDGAME_FAILED
                end_s[i] = t
                break
            cached = True
            tx = tx1
            ty = ty1
            tz = tz1
            tvx = tvx1
            tvy = tvy1
            tvz = tvz1
        x = x1
        y = y1
        z = z1
        vx = vx1
        vy = vy1
        vz = vz1
        m = m1
        t += h
        # ---- ground (spherical earth, descending)
        gx = x - cx
        gy = y - cy
        gz = z - cz
        if gx * vx + gy * vy + gz * vz < 0.0 and gx * gx + gy * gy + gz * gz < re * re:
            st = GROUND_IMPACT
            end_s[i] = t
            break
        if t >= t_sd - _T_EPS_S:
            st = SELF_DESTRUCT
            end_s[i] = t
            break
    pos[i, 0] = x
    pos[i, 1] = y
    pos[i, 2] = z
    vel[i, 0] = vx
    vel[i, 1] = vy
    vel[i, 2] = vz
    acc[i, 0] = lx
    acc[i, 1] = ly
    acc[i, 2] = lz
    mass[i] = m
    status[i] = st


@njit
def advance_kernel(
    t0_s: float,
    t1_s: float,
    dt_s: float,
    state: FlyoutState,
    truth: ThreatTruth,
    center: _F64,
    earth_radius_m: float,
) -> None:
    """Advance every flying interceptor of ``state`` from ``t0_s`` (or its launch) to ``t1_s``, in place.

    :func:`advance` is the checked entry point. Each interceptor runs its own inner loop of steps of
    at most ``dt_s`` (shorter near the closest approach and at the self-destruct time).
    """
    for i in range(state.pos_m.shape[0]):
        _advance_slot(
            i,
            t0_s,
            t1_s,
            dt_s,
            state,
            truth.pos_m,
            truth.t0_s,
            truth.dt_s,
            truth.dead_s,
            truth.rotation,
            truth.origin_m,
            center[0],
            center[1],
            center[2],
            earth_radius_m,
        )


@njit
def advance_many_kernel(
    t0_s: _F64,
    t1_s: float,
    dt_s: float,
    states: list[FlyoutState],
    truths: list[ThreatTruth],
    centers: _F64,
    radii_m: _F64,
    go: NDArray[np.bool_],
    ended_unit: NDArray[np.int64],
    ended_slot: NDArray[np.int64],
) -> int:
    """:func:`advance_kernel` over several interceptor sets at once (e.g. every battery's, each in its
    own frame), one compiled call instead of one per set: set ``u`` (where ``go[u]``) flies from
    ``t0_s[u]`` to ``t1_s`` against ``truths[u]`` (its :class:`ThreatTruth`, ``dt_s`` a float), earth
    centre ``centers[u]`` and radius ``radii_m[u]``.

    Writes the flights that ended in this call as ``(ended_unit[k], ended_slot[k])`` (in set, then
    slot order; the buffers hold at least every slot) and returns their number. Two typed lists
    (states, truths) rather than one per table field: each typed list argument costs the call a
    type look-up and an unboxing.
    """
    n = 0
    for u in range(len(states)):
        if not go[u]:
            continue
        state = states[u]
        status = state.status
        truth = truths[u]
        tbl = truth.pos_m
        tbl_t0 = truth.t0_s
        tbl_dt = truth.dt_s
        dead = truth.dead_s
        rot = truth.rotation
        org = truth.origin_m
        for i in range(state.pos_m.shape[0]):
            before = status[i]
            if before != MIDCOURSE and before != TERMINAL:
                continue
            _advance_slot(
                i,
                t0_s[u],
                t1_s,
                dt_s,
                state,
                tbl,
                tbl_t0,
                tbl_dt,
                dead,
                rot,
                org,
                centers[u, 0],
                centers[u, 1],
                centers[u, 2],
                radii_m[u],
            )
            after = status[i]
            if after != MIDCOURSE and after != TERMINAL:
                ended_unit[n] = u
                ended_slot[n] = i
                n += 1
    return n


def advance(
    state: FlyoutState,
    truth: ThreatTruth,
    t0_s: float,
    t1_s: float,
    dt_s: float,
    center_enu_m: ArrayLike,
    earth_radius_m: float = MEAN_EARTH_RADIUS_M,
) -> None:
    """Fly every launched interceptor of ``state`` from ``t0_s`` to ``t1_s`` (in place).

    Parameters
    ----------
    state
        Interceptor slots (:func:`empty_state`, :func:`launch`); positions are taken to be at ``t0_s``
        (or at their launch time if that is later). Between calls the engine refreshes ``track_*`` at
        each radar update of the target (keep ``plan_s``: the aim is the new track extrapolated to the
        planned time), and may end a flight by setting ``status``.
    truth
        True threat positions (:class:`ThreatTruth`).
    t0_s, t1_s
        Interval to fly (``t1_s > t0_s``), e.g. the engine's 1 s chunk.
    dt_s
        Inner step (0.05-0.1 s recommended).
    center_enu_m
        Earth centre in the battery's ENU frame, shape (3,).
    earth_radius_m
        Radius of the sphere whose surface is altitude 0.
    """
    if state.target.size and int(state.target.max()) >= truth.pos_m.shape[0]:
        raise IndexError("an interceptor's target index is beyond the threat table")
    advance_kernel(
        float(t0_s),
        float(t1_s),
        float(dt_s),
        state,
        truth._replace(
            dt_s=float(truth.dt_s),
            rotation=np.ascontiguousarray(truth.rotation, dtype=np.float64),
            origin_m=np.ascontiguousarray(truth.origin_m, dtype=np.float64),
        ),
        np.asarray(center_enu_m, dtype=np.float64),
        float(earth_radius_m),
    )


@njit
def _profile_kernel(
    p: _F64, elevation_rad: float, dt_s: float, launch_speed_mps: float, launch_alt_m: float, re: float
) -> tuple[_F64, _F64, _F64, _F64]:
    cz = -(re + launch_alt_m)
    n_max = int(math.ceil(p[P_MAX_FLIGHT_S] / dt_s)) + 2
    time = np.empty(n_max)
    rng = np.empty(n_max)
    spd = np.empty(n_max)
    alt = np.empty(n_max)
    x = 0.0
    y = 0.0
    z = 0.0
    vx = launch_speed_mps * math.cos(elevation_rad)
    vy = 0.0
    vz = launch_speed_mps * math.sin(elevation_rad)
    m = p[P_LAUNCH_MASS_KG]
    t = 0.0
    k = 0
    while True:
        time[k] = t
        rng[k] = math.sqrt(x * x + y * y + z * z)
        spd[k] = math.sqrt(vx * vx + vy * vy + vz * vz)
        r_c = math.sqrt(x * x + y * y + (z - cz) ** 2)
        alt[k] = r_c - re
        k += 1
        if t >= p[P_MAX_FLIGHT_S] - 1e-9 or (alt[k - 1] < 0.0 and x * vx + y * vy + (z - cz) * vz < 0.0):
            break
        h = min(dt_s, p[P_MAX_FLIGHT_S] - t)
        rho, sound = density_sound_scalar(alt[k - 1])
        gk = -GM_M3PS2 / (r_c * r_c * r_c)
        x, y, z, vx, vy, vz, m = _step(
            p, t, h, x, y, z, vx, vy, vz, m, 0.0, 0.0, 0.0, gk * x, gk * y, gk * (z - cz), rho, sound, False
        )
        t += h
    return time[:k], rng[:k], spd[:k], alt[:k]


def straight_flyout_profile(
    params: ArrayLike,
    elevation_rad: float,
    *,
    dt_s: float = 0.1,
    launch_speed_mps: float = 30.0,
    launch_alt_m: float = 0.0,
    earth_radius_m: float = MEAN_EARTH_RADIUS_M,
) -> tuple[_F64, _F64, _F64, _F64]:
    """Unguided flyout at a fixed launch elevation (a gravity turn: thrust along the velocity).

    The same point-mass dynamics as :func:`advance` without lateral acceleration, from the launcher
    at ``launch_alt_m`` until ``max_flight_s`` or ground impact.

    Returns
    -------
    time_s, range_m, speed_mps, altitude_m
        Samples every ``dt_s``; ``range_m`` is the slant (straight-line) distance from the launcher,
        ``altitude_m`` above the sphere.
    """
    row = np.asarray(params, dtype=np.float64)
    return _profile_kernel(
        row,
        float(elevation_rad),
        float(dt_s),
        float(launch_speed_mps),
        float(launch_alt_m),
        float(earth_radius_m),
    )


def reach_profile(
    params: ArrayLike,
    *,
    target_alt_m: float = 10_000.0,
    ground_ranges_m: ArrayLike | None = None,
    dt_s: float = 0.1,
    launch_speed_mps: float = 30.0,
    launch_alt_m: float = 0.0,
    earth_radius_m: float = MEAN_EARTH_RADIUS_M,
) -> tuple[_F64, _F64, _F64]:
    """Guided range-versus-time-of-flight table: the ``r(t)`` of intercept prediction.

    One guided flyout (this module's kernel, launched by :func:`launch` at the point) per ground range
    at stationary points at ``target_alt_m``; each successful intercept (miss < 1 m) gives one
    ``(time of flight, slant range)`` pair. Using the guided flight rather than the best ballistic arc
    keeps prediction and flyout consistent (a ballistic envelope is 10-40 % optimistic at long range).
    The end game is judged on the available g only: the closing speed of a real engagement depends on
    the target's velocity (a head-on target adds its speed, a receding one takes it away), which a
    table of stationary points cannot know, so the arrival speed is returned instead.

    Parameters
    ----------
    params
        One row of :func:`interceptor_params`.
    target_alt_m
        Altitude of the reference points above the sphere.
    ground_ranges_m
        Great-circle distances of the points (default every 2 km from 1 km to the ideal
        rocket-equation speed times ``max_flight_s``, at most 800 km).

    Returns
    -------
    time_s, range_m, speed_mps
        Strictly increasing time of flight and slant range from the launcher, starting at ``(0, 0)``,
        and the interceptor's speed on arrival (to compare with the target's: an interceptor that
        arrives slower than a receding or crossing target rarely hits it).
    """
    row = np.array(params, dtype=np.float64)
    row[P_ENDGAME_MIN_CLOSING_MPS] = 0.0
    if ground_ranges_m is None:
        # no point beyond the ideal (rocket-equation) speed flown for the whole flight time
        m_boost_end = row[P_LAUNCH_MASS_KG] - row[P_BOOST_MDOT_KGPS] * row[P_BOOST_TIME_S]
        dv = 0.0
        if row[P_BOOST_MDOT_KGPS] > 0.0:
            dv += (
                row[P_BOOST_THRUST_N] / row[P_BOOST_MDOT_KGPS] * math.log(row[P_LAUNCH_MASS_KG] / m_boost_end)
            )
        if row[P_SUSTAIN_MDOT_KGPS] > 0.0:
            dv += (
                row[P_SUSTAIN_THRUST_N]
                / row[P_SUSTAIN_MDOT_KGPS]
                * math.log(m_boost_end / row[P_DRY_MASS_KG])
            )
        top = min(800e3, max(dv, 100.0) * row[P_MAX_FLIGHT_S])
        ground = np.arange(1_000.0, top, 2_000.0)
    else:
        ground = np.asarray(ground_ranges_m, dtype=np.float64)
    n = ground.size
    r_sphere = earth_radius_m + launch_alt_m
    center = np.array([0.0, 0.0, -r_sphere])
    ang = ground / earth_radius_m
    r_t = earth_radius_m + target_alt_m
    points = np.stack([np.zeros(n), r_t * np.sin(ang), r_t * np.cos(ang) - r_sphere], axis=1)
    truth = ThreatTruth(points[:, None, :].repeat(2, axis=1), np.zeros(n), 1e9, np.full(n, np.inf))
    state = empty_state(n)
    for k in range(n):
        launch(
            state,
            k,
            time_s=0.0,
            position_m=np.zeros(3),
            params=row,
            target=k,
            track_pos_m=points[k],
            track_vel_mps=np.zeros(3),
            track_time_s=0.0,
            aim_m=points[k],
            intercept_s=np.nan,
            center_enu_m=center,
            launch_speed_mps=launch_speed_mps,
        )
    advance(state, truth, 0.0, row[P_MAX_FLIGHT_S] + dt_s, dt_s, center, earth_radius_m)
    ok = (state.status == INTERCEPT) & (state.miss_m < 1.0)
    time = state.end_s[ok]
    slant = np.linalg.norm(points[ok], axis=1)
    speed = np.linalg.norm(state.vel_mps[ok], axis=1)
    order = np.argsort(time)
    time = np.concatenate([[0.0], time[order]])
    slant = np.concatenate([[0.0], slant[order]])
    speed = np.concatenate([[launch_speed_mps], speed[order]])
    # keep the pairs that extend the reach: r(t) must be increasing
    keep = np.concatenate([[True], slant[1:] > np.maximum.accumulate(slant)[:-1]])
    keep[1:] &= np.diff(time) > 0.0
    return time[keep], slant[keep], speed[keep]
