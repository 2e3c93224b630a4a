"""Anti-radiation missiles: the flight path to an emitter and the miss distance at impact.

Flight path
    An anti-radiation missile (ARM) launched at a radar flies its ground track along the geodesic to
    the emitter at constant speed ``V``, level at its launch height until a straight dive of angle
    ``γ`` takes it onto the antenna. With ground range ``R`` and height to lose ``Δh``, the dive
    starts ``Δh / tan γ`` before the target (at once, at the shallower angle ``atan(Δh / R)``, when the
    launch is closer than that); the horizontal speed is ``V`` level and ``V cos γ`` in the dive, so
    the flight lasts ``(R − Δh / tan γ) / V + Δh / (V sin γ)``. The loft-and-dive profile of the HARM
    family is described by Zarchan (2012, ch. 25, on air-to-surface engagement geometry); the
    constant-speed straight dive is the simplest path with the published speed that ends on the target.

Miss distance at impact
    The radar does not move while it radiates, so homing on a radiating emitter leaves only the
    seeker's terminal error, a circular normal error of circular error probable ``CEP_t``. Once the
    radar stops radiating the missile flies to its *last known position*: with inertial memory (the
    AGM-88B) it misses that point by a circular normal error of ``CEP_m``, and the radar's own move
    ``d`` since its last emission adds vectorially, ``miss = |e − d|``. A missile with an active
    terminal seeker of its own (the AGM-88E's millimetre-wave seeker) acquires the silent radar when it
    lies within the seeker's acquisition radius of the aim point and then misses by ``CEP_t`` again;
    a radar that moved further away is missed as by a memory-only missile.

    A circular normal error of standard deviation ``σ`` per axis has a Rayleigh-distributed radius
    whose median is ``CEP = σ sqrt(2 ln 2) ≈ 1.1774 σ`` (Driels, *Weaponeering*, 2nd ed., AIAA 2013,
    ch. 7 on delivery accuracy).

References
----------
P. Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed., AIAA, 2012.
M. R. Driels, *Weaponeering: Conventional Weapon System Effectiveness*, 2nd ed., AIAA, 2013.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from samsim.arrays import FloatArray

CEP_PER_SIGMA = math.sqrt(2.0 * math.log(2.0))
"""Median radius of a circular normal error per unit standard deviation per axis (Rayleigh median)."""


class DiveProfile(NamedTuple):
    """Ground distance flown and height of a dive path on a time grid (the last sample is impact)."""

    time_s: FloatArray
    ground_m: FloatArray
    alt_m: FloatArray


def dive_profile(
    ground_range_m: float,
    launch_alt_m: float,
    target_alt_m: float,
    speed_mps: float,
    dive_deg: float,
    dt_s: float,
) -> DiveProfile:
    """Level flight at the launch height, then a straight dive at ``dive_deg`` onto the target.

    Parameters
    ----------
    ground_range_m : ground distance from the launch point to the target, > 0.
    launch_alt_m, target_alt_m : heights above MSL of the launch and of the target's antenna.
    speed_mps : constant flight speed along the path.
    dive_deg : dive angle below the horizontal, in (0, 90); shallower when the launch is too close.
    dt_s : sampling interval (the impact is the last sample).

    Returns
    -------
    DiveProfile with times from 0 (launch) to impact.
    """
    drop_m = max(launch_alt_m - target_alt_m, 0.0)
    gamma = math.radians(dive_deg)
    dive_ground_m = drop_m / math.tan(gamma) if drop_m > 0.0 else 0.0
    if dive_ground_m > ground_range_m:  # too close for the full dive angle: dive straight at it
        dive_ground_m = ground_range_m
        gamma = math.atan2(drop_m, ground_range_m)
    level_m = ground_range_m - dive_ground_m
    t_level = level_m / speed_mps
    t_total = t_level + math.hypot(dive_ground_m, drop_m) / speed_mps
    n = max(int(math.ceil(t_total / dt_s)), 1)
    t = np.minimum(np.arange(n + 1) * dt_s, t_total)
    in_dive = np.maximum(t - t_level, 0.0)
    ground = np.minimum(t, t_level) * speed_mps + in_dive * speed_mps * math.cos(gamma)
    alt = launch_alt_m - in_dive * speed_mps * math.sin(gamma)
    ground[-1], alt[-1] = ground_range_m, min(target_alt_m, launch_alt_m)
    return DiveProfile(t, np.asarray(ground, np.float64), np.asarray(alt, np.float64))


def circular_error_m(cep_m: float, n: int, rng: np.random.Generator) -> FloatArray:
    """``n`` horizontal aim errors (east, north), circular normal with the given CEP, m."""
    sigma = cep_m / CEP_PER_SIGMA
    return np.asarray(rng.normal(0.0, 1.0, (n, 2)) * sigma, dtype=np.float64)


def arm_miss_m(
    radiating: bool,
    moved_en_m: FloatArray,
    terminal_cep_m: float,
    memory_cep_m: float,
    acquisition_radius_m: float,
    rng: np.random.Generator,
) -> float:
    """Horizontal miss distance of an ARM at the radar it was fired at.

    Parameters
    ----------
    radiating : the radar radiated within the seeker's window before impact (homing to the end).
    moved_en_m : (2,) how far the radar moved (east, north) since its last emission the ARM saw.
    terminal_cep_m : CEP of terminal homing (passive on an emitter, or the active terminal seeker).
    memory_cep_m : CEP of the flight to the last known position once the emitter is silent.
    acquisition_radius_m : how far from the aim point an active terminal seeker finds a silent radar
        (0: the missile has none).
    rng : random stream of the run.

    Returns
    -------
    The distance between the impact point and the radar, m (see the module notes).
    """
    moved = np.asarray(moved_en_m, dtype=np.float64)
    if radiating:
        return float(np.linalg.norm(circular_error_m(terminal_cep_m, 1, rng)[0]))
    aim = circular_error_m(memory_cep_m, 1, rng)[0]
    if acquisition_radius_m > 0.0 and float(np.linalg.norm(aim - moved)) <= acquisition_radius_m:
        return float(np.linalg.norm(circular_error_m(terminal_cep_m, 1, rng)[0]))
    return float(np.linalg.norm(aim - moved))
