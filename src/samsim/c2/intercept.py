"""Predicted intercept point (PIP) and launch feasibility against an interceptor's envelope.

Intercept geometry
    A track moving at constant velocity, ``p(t) = p + v t``, meets an interceptor whose reach after a
    time of flight ``t`` is the slant range ``r(t)`` (a monotone table, e.g.
    :func:`samsim.models.flyout.reach_profile`) at the smallest ``t > 0`` with
    ``|p + v t - L| = r(t)``, ``L`` the launcher. Between two table points ``r`` is linear,
    ``r = a + b t``, so each table segment is solved exactly by the quadratic
    ``(v.v - b**2) t**2 + 2 (q.v - a b) t + (q.q - a**2) = 0`` with ``q = p - L`` and ``a + b t >= 0``
    (the classical constant-speed collision triangle when the table is ``r = s t``; Shneydor 1998,
    ch. 1). Segments are visited in time order, skipping
    ahead with the Lipschitz bound ``|d/dt (|q + v t| - r(t))| <= |v| + max r'`` (no root is jumped),
    so a pair costs a few segment tests, not a scan of the table.

Launch feasibility
    The PIP must lie inside the interceptor's envelope: slant range from the launcher in
    ``[min_range_m, max_range_m]``, altitude above the sphere (``|PIP - c| - R_e`` with the earth centre
    ``c`` in the battery frame, so curvature counts at 400 km) in ``[min_alt_m, max_alt_m]``, target
    speed ``<= max_target_speed_mps`` and time of flight ``<= max_flight_s``.

References
----------
Shneydor N. A., *Missile Guidance and Pursuit: Kinematics, Dynamics and Control*, Horwood, 1998.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from samsim.jit import njit

__all__ = [
    "ABOVE_MAX_ALTITUDE",
    "BELOW_MIN_ALTITUDE",
    "BELOW_MIN_RANGE",
    "BEYOND_MAX_RANGE",
    "FEASIBLE",
    "FLIGHT_TOO_LONG",
    "NO_SOLUTION",
    "REASON_NAMES",
    "TARGET_TOO_FAST",
    "launch_feasible",
    "predict_intercept",
]

_F64 = NDArray[np.float64]

FEASIBLE = 0
NO_SOLUTION = 1
"""No intercept within the profile's time span (the target outruns or out-ranges the interceptor)."""
TARGET_TOO_FAST = 2
BELOW_MIN_RANGE = 3
BEYOND_MAX_RANGE = 4
BELOW_MIN_ALTITUDE = 5
ABOVE_MAX_ALTITUDE = 6
FLIGHT_TOO_LONG = 7
REASON_NAMES = {
    FEASIBLE: "feasible",
    NO_SOLUTION: "no_intercept",
    TARGET_TOO_FAST: "target_too_fast",
    BELOW_MIN_RANGE: "below_min_range",
    BEYOND_MAX_RANGE: "beyond_max_range",
    BELOW_MIN_ALTITUDE: "below_min_altitude",
    ABOVE_MAX_ALTITUDE: "above_max_altitude",
    FLIGHT_TOO_LONG: "flight_too_long",
}
"""Reason code -> name used in events."""


@njit
def _segment_root(
    qx: float,
    qy: float,
    qz: float,
    vx: float,
    vy: float,
    vz: float,
    a: float,
    b: float,
    t_lo: float,
    t_hi: float,
) -> float:
    """Smallest ``t`` in ``[t_lo, t_hi]`` with ``|q + v t| = a + b t >= 0``, or -1."""
    qa = vx * vx + vy * vy + vz * vz - b * b
    qb = 2.0 * (qx * vx + qy * vy + qz * vz - a * b)
    qc = qx * qx + qy * qy + qz * qz - a * a
    tol = 1e-9 * max(1.0, t_hi)
    best = -1.0
    if abs(qa) < 1e-12 * (vx * vx + vy * vy + vz * vz + b * b + 1.0):
        if qb != 0.0:
            best = -qc / qb
            if best < t_lo - tol or best > t_hi + tol or a + b * best < 0.0:
                best = -1.0
        return best
    disc = qb * qb - 4.0 * qa * qc
    if disc < 0.0:
        return -1.0
    sq = math.sqrt(disc)
    # numerically stable pair of roots
    w = -0.5 * (qb + math.copysign(sq, qb))
    r1 = w / qa
    r2 = qc / w if w != 0.0 else r1
    lo = min(r1, r2)
    hi = max(r1, r2)
    for root in (lo, hi):
        if t_lo - tol <= root <= t_hi + tol and a + b * root >= -tol:
            return min(max(root, t_lo), t_hi)
    return best


@njit
def _pip_kernel(
    p: _F64,
    v: _F64,
    launchers: _F64,
    t_grid: _F64,
    r_tab: _F64,
    delay_s: float,
    tof: _F64,
    pip: _F64,
) -> None:
    n_k = p.shape[0]
    n_l = launchers.shape[0]
    n_t = t_grid.size
    for l_idx in range(n_l):
        r = r_tab[l_idx]
        # usable length of this launcher's table (nan marks beyond its maximum flight time)
        n_ok = 0
        slope_max = 0.0
        while n_ok < n_t and not math.isnan(r[n_ok]):
            if n_ok > 0:
                slope_max = max(slope_max, abs(r[n_ok] - r[n_ok - 1]) / (t_grid[n_ok] - t_grid[n_ok - 1]))
            n_ok += 1
        for k in range(n_k):
            tof[k, l_idx] = np.nan
            pip[k, l_idx, 0] = np.nan
            pip[k, l_idx, 1] = np.nan
            pip[k, l_idx, 2] = np.nan
            if n_ok < 2:
                continue
            vx = v[k, 0]
            vy = v[k, 1]
            vz = v[k, 2]
            qx = p[k, 0] + vx * delay_s - launchers[l_idx, 0]
            qy = p[k, 1] + vy * delay_s - launchers[l_idx, 1]
            qz = p[k, 2] + vz * delay_s - launchers[l_idx, 2]
            lip = math.sqrt(vx * vx + vy * vy + vz * vz) + slope_max
            t = t_grid[0]
            i = 0
            t_end = t_grid[n_ok - 1]
            while t <= t_end:
                if t_grid[i + 1] <= t:
                    i = min(int(np.searchsorted(t_grid[:n_ok], t, side="right")) - 1, n_ok - 2)
                b = (r[i + 1] - r[i]) / (t_grid[i + 1] - t_grid[i])
                a = r[i] - b * t_grid[i]
                root = _segment_root(qx, qy, qz, vx, vy, vz, a, b, t, t_grid[i + 1])
                if root >= 0.0:
                    tof[k, l_idx] = root
                    pip[k, l_idx, 0] = p[k, 0] + vx * (delay_s + root)
                    pip[k, l_idx, 1] = p[k, 1] + vy * (delay_s + root)
                    pip[k, l_idx, 2] = p[k, 2] + vz * (delay_s + root)
                    break
                if i >= n_ok - 2:
                    break
                # no root up to the segment end; from there the gap closes no faster than lip
                t = t_grid[i + 1]
                ex = qx + vx * t
                ey = qy + vy * t
                ez = qz + vz * t
                gap = math.sqrt(ex * ex + ey * ey + ez * ez) - r[i + 1]
                if lip > 0.0 and gap > 0.0:
                    t += gap / lip


def predict_intercept(
    track_pos_m: ArrayLike,
    track_vel_mps: ArrayLike,
    launcher_pos_m: ArrayLike,
    profile_time_s: ArrayLike,
    profile_range_m: ArrayLike,
    *,
    launch_delay_s: float = 0.0,
) -> tuple[_F64, _F64]:
    """Time of flight and predicted intercept point for every (track, launcher) pair.

    Parameters
    ----------
    track_pos_m, track_vel_mps
        (K, 3) track positions (now) and velocities, battery ENU frame.
    launcher_pos_m
        (L, 3) launcher positions.
    profile_time_s
        (T,) increasing times of flight.
    profile_range_m
        (T,) or (L, T) non-decreasing slant reach ``r(t)`` (one row per launcher when missiles differ);
        ``nan`` after a missile's last time (resample with ``np.interp(grid, t, r, right=np.nan)``).
    launch_delay_s
        Time from now to launch; the target moves on meanwhile.

    Returns
    -------
    tof_s
        (K, L) time of flight from launch to the intercept, ``nan`` when the table has no solution.
    pip_m
        (K, L, 3) predicted intercept point, ``nan`` likewise.
    """
    p = np.ascontiguousarray(np.asarray(track_pos_m, dtype=np.float64).reshape(-1, 3))
    v = np.ascontiguousarray(np.asarray(track_vel_mps, dtype=np.float64).reshape(-1, 3))
    lau = np.ascontiguousarray(np.asarray(launcher_pos_m, dtype=np.float64).reshape(-1, 3))
    t_grid = np.ascontiguousarray(np.asarray(profile_time_s, dtype=np.float64))
    r_tab = np.asarray(profile_range_m, dtype=np.float64)
    r_tab = np.ascontiguousarray(np.broadcast_to(r_tab, (lau.shape[0], t_grid.size)))
    tof = np.empty((p.shape[0], lau.shape[0]))
    pip = np.empty((p.shape[0], lau.shape[0], 3))
    _pip_kernel(p, v, lau, t_grid, r_tab, float(launch_delay_s), tof, pip)
    return tof, pip


def launch_feasible(
    pip_m: ArrayLike,
    tof_s: ArrayLike,
    track_vel_mps: ArrayLike,
    launcher_pos_m: ArrayLike,
    center_enu_m: ArrayLike,
    earth_radius_m: float,
    *,
    min_range_m: ArrayLike,
    max_range_m: ArrayLike,
    min_alt_m: ArrayLike,
    max_alt_m: ArrayLike,
    max_target_speed_mps: ArrayLike,
    max_flight_s: ArrayLike,
) -> tuple[NDArray[np.bool_], NDArray[np.int8]]:
    """Whether each (track, launcher) pair may fire, and why not.

    Parameters
    ----------
    pip_m, tof_s
        (K, L, 3) and (K, L) from :func:`predict_intercept`.
    track_vel_mps
        (K, 3) track velocities (for the target-speed limit).
    launcher_pos_m
        (L, 3) launcher positions.
    center_enu_m, earth_radius_m
        Earth centre in the battery frame and the sphere radius: PIP altitude is
        ``|pip - center| - earth_radius_m``.
    min_range_m, max_range_m, min_alt_m, max_alt_m, max_target_speed_mps, max_flight_s
        Envelope of the interceptor on each launcher, scalars or (L,).

    Returns
    -------
    ok
        (K, L) bool.
    reason
        (K, L) int8: the first failed check in the order :data:`NO_SOLUTION`,
        :data:`TARGET_TOO_FAST`, :data:`BELOW_MIN_RANGE`, :data:`BEYOND_MAX_RANGE`,
        :data:`BELOW_MIN_ALTITUDE`, :data:`ABOVE_MAX_ALTITUDE`, :data:`FLIGHT_TOO_LONG`; else
        :data:`FEASIBLE`. Names in :data:`REASON_NAMES`.
    """
    pip = np.asarray(pip_m, dtype=np.float64)
    tof = np.asarray(tof_s, dtype=np.float64)
    lau = np.asarray(launcher_pos_m, dtype=np.float64).reshape(-1, 3)
    speed = np.linalg.norm(np.asarray(track_vel_mps, dtype=np.float64).reshape(-1, 3), axis=1)[:, None]
    slant = np.linalg.norm(pip - lau[None, :, :], axis=-1)
    alt = np.linalg.norm(pip - np.asarray(center_enu_m, dtype=np.float64), axis=-1) - earth_radius_m
    checks = [
        (np.isnan(tof), NO_SOLUTION),
        (speed > np.asarray(max_target_speed_mps, dtype=np.float64), TARGET_TOO_FAST),
        (slant < np.asarray(min_range_m, dtype=np.float64), BELOW_MIN_RANGE),
        (slant > np.asarray(max_range_m, dtype=np.float64), BEYOND_MAX_RANGE),
        (alt < np.asarray(min_alt_m, dtype=np.float64), BELOW_MIN_ALTITUDE),
        (alt > np.asarray(max_alt_m, dtype=np.float64), ABOVE_MAX_ALTITUDE),
        (tof > np.asarray(max_flight_s, dtype=np.float64), FLIGHT_TOO_LONG),
    ]
    reason = np.zeros(tof.shape, dtype=np.int8)
    # later checks first so that the earliest failing check wins
    for failed, code in reversed(checks):
        reason[np.broadcast_to(failed, tof.shape)] = code
    return reason == FEASIBLE, reason
