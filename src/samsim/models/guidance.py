"""Proportional navigation (PN) guidance, lateral-acceleration limit and autopilot lag.

Law: *true* PN in vector form (Zarchan 2012, ch. 2, written for three dimensions),

    a_c = N * V_c * (Omega x r_hat) = N * V_c * v_perp / |r|,

with ``r = p_target - p_missile``, ``v = v_target - v_missile``, line-of-sight (LOS) rate
``Omega = r x v / |r|**2``, closing velocity ``V_c = -(r . v) / |r|`` and ``v_perp`` the part of ``v``
normal to the LOS. The command is therefore **perpendicular to the line of sight**. A missile steered
by aerodynamic lift can only accelerate normal to its own velocity, so the flyout passes the command
through :func:`limit_lateral_scalar`, which removes the component along the missile velocity before
clipping the magnitude to the lateral limit (acceleration saturation, Zarchan 2012).

The flight-control system is modelled as a first-order lag ``a' = (a_c - a) / tau``
(Zarchan's "single time constant" guidance system), discretised exactly for a command held
over the step.

References
----------
Zarchan P., *Tactical and Strategic Missile Guidance*, 6th ed., AIAA Progress in Astronautics and
Aeronautics vol. 239, 2012.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from samsim.jit import njit

__all__ = [
    "closing_velocity_mps",
    "first_order_lag",
    "first_order_lag_scalar",
    "limit_lateral_acceleration",
    "limit_lateral_scalar",
    "los_rate_radps",
    "true_pn_acceleration",
    "true_pn_scalar",
]

_F64 = NDArray[np.float64]


def los_rate_radps(rel_pos_m: ArrayLike, rel_vel_mps: ArrayLike) -> _F64:
    """Line-of-sight rate vector ``Omega = r x v / |r|**2`` (rad/s), arrays shaped (..., 3)."""
    r = np.asarray(rel_pos_m, dtype=np.float64)
    v = np.asarray(rel_vel_mps, dtype=np.float64)
    return np.asarray(np.cross(r, v) / np.sum(r * r, axis=-1, keepdims=True), dtype=np.float64)


def closing_velocity_mps(rel_pos_m: ArrayLike, rel_vel_mps: ArrayLike) -> _F64:
    """Closing velocity ``V_c = -(r . v) / |r|`` (positive while the range decreases), shape (...)."""
    r = np.asarray(rel_pos_m, dtype=np.float64)
    v = np.asarray(rel_vel_mps, dtype=np.float64)
    return np.asarray(-np.sum(r * v, axis=-1) / np.linalg.norm(r, axis=-1), dtype=np.float64)


def true_pn_acceleration(
    rel_pos_m: ArrayLike,
    rel_vel_mps: ArrayLike,
    nav_ratio: ArrayLike,
    min_closing_mps: ArrayLike = -np.inf,
) -> _F64:
    """True PN command ``N V_c (Omega x r_hat)``, perpendicular to the LOS, arrays shaped (..., 3).

    Parameters
    ----------
    rel_pos_m
        Target position minus missile position.
    rel_vel_mps
        Target velocity minus missile velocity.
    nav_ratio
        Effective navigation ratio ``N'`` (typically 3-5), broadcast over the leading axes.
    min_closing_mps
        Lower bound on the ``V_c`` used in the law (default none: Zarchan's form, where an opening
        geometry reverses the command). The flyout passes the missile speed, so that during the launch
        transient and in tail chase (``V_c`` small or negative) the command keeps turning the missile
        onto the collision course; with ``V_c`` above the bound nothing changes.

    Returns
    -------
    numpy.ndarray
        Acceleration command (m/s^2).
    """
    r = np.asarray(rel_pos_m, dtype=np.float64)
    v = np.asarray(rel_vel_mps, dtype=np.float64)
    n = np.asarray(nav_ratio, dtype=np.float64)[..., None]
    r2 = np.sum(r * r, axis=-1, keepdims=True)
    rv = np.sum(r * v, axis=-1, keepdims=True)
    v_perp = v - r * (rv / r2)
    r_norm = np.sqrt(r2)
    vc = np.maximum(-rv / r_norm, np.asarray(min_closing_mps, dtype=np.float64)[..., None])
    return np.asarray(n * vc * v_perp / r_norm, dtype=np.float64)


def limit_lateral_acceleration(
    accel_mps2: ArrayLike, missile_vel_mps: ArrayLike, max_mps2: ArrayLike
) -> _F64:
    """Keep the part of ``accel`` normal to the missile velocity and clip its magnitude to ``max_mps2``."""
    a = np.asarray(accel_mps2, dtype=np.float64)
    v = np.asarray(missile_vel_mps, dtype=np.float64)
    v2 = np.sum(v * v, axis=-1, keepdims=True)
    a_n = a - v * (np.sum(a * v, axis=-1, keepdims=True) / np.where(v2 > 0.0, v2, 1.0))
    mag = np.linalg.norm(a_n, axis=-1, keepdims=True)
    lim = np.asarray(max_mps2, dtype=np.float64)[..., None]
    scale = np.where(mag > lim, lim / np.where(mag > 0.0, mag, 1.0), 1.0)
    return np.asarray(a_n * scale, dtype=np.float64)


def first_order_lag(
    accel_prev_mps2: ArrayLike, accel_cmd_mps2: ArrayLike, tau_s: ArrayLike, dt_s: float
) -> _F64:
    """Achieved acceleration after ``dt_s`` of a first-order lag driven by a held command.

    ``a(t + dt) = a_c + (a(t) - a_c) exp(-dt / tau)`` (exact for a zero-order-hold command);
    ``tau_s = 0`` means no lag. ``tau_s`` broadcasts over the leading axes of the (..., 3) arrays.
    """
    a0 = np.asarray(accel_prev_mps2, dtype=np.float64)
    ac = np.asarray(accel_cmd_mps2, dtype=np.float64)
    tau = np.asarray(tau_s, dtype=np.float64)[..., None]
    decay = np.where(tau > 0.0, np.exp(-dt_s / np.where(tau > 0.0, tau, 1.0)), 0.0)
    return ac + (a0 - ac) * decay


@njit
def true_pn_scalar(
    rx: float,
    ry: float,
    rz: float,
    vx: float,
    vy: float,
    vz: float,
    nav_ratio: float,
    min_closing_mps: float,
) -> tuple[float, float, float]:
    """Scalar true PN command, see :func:`true_pn_acceleration` (pass ``-inf`` for no bound on ``V_c``).

    ``r``: target minus missile position; ``v``: target minus missile velocity.
    """
    r2 = rx * rx + ry * ry + rz * rz
    if r2 <= 0.0:
        return 0.0, 0.0, 0.0
    r_norm = math.sqrt(r2)
    rv = rx * vx + ry * vy + rz * vz
    k = rv / r2
    g = nav_ratio * max(-rv / r_norm, min_closing_mps) / r_norm  # N Vc / |r|
    return g * (vx - k * rx), g * (vy - k * ry), g * (vz - k * rz)


@njit
def limit_lateral_scalar(
    ax: float, ay: float, az: float, vx: float, vy: float, vz: float, max_mps2: float
) -> tuple[float, float, float]:
    """Scalar :func:`limit_lateral_acceleration`."""
    v2 = vx * vx + vy * vy + vz * vz
    if v2 > 0.0:
        k = (ax * vx + ay * vy + az * vz) / v2
        ax -= k * vx
        ay -= k * vy
        az -= k * vz
    mag = math.sqrt(ax * ax + ay * ay + az * az)
    if mag > max_mps2:
        s = max_mps2 / mag
        return ax * s, ay * s, az * s
    return ax, ay, az


@njit
def first_order_lag_scalar(a_prev: float, a_cmd: float, tau_s: float, dt_s: float) -> float:
    """Scalar :func:`first_order_lag` for one component."""
    if tau_s <= 0.0:
        return a_cmd
    return a_cmd + (a_prev - a_cmd) * math.exp(-dt_s / tau_s)
