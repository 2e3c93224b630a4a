"""Compiled kernel behind :func:`samsim.models.signature.body_angles_deg` (plain arrays in and out).

Only the vector arithmetic is compiled, operation for operation as the NumPy form there (the same
sums in the same order, no fused multiply-adds); the arc tangent and arc sine stay NumPy's.
"""

from __future__ import annotations

import math

import numpy as np

from samsim.arrays import FloatArray
from samsim.jit import njit, njit_inline


@njit_inline
def _sum3(a: float, b: float, c: float) -> float:
    """``a + b + c`` as NumPy's sum over a last axis of three adds them: onto +0, left to right
    (so that -0 terms give +0, as there)."""
    return ((0.0 + a) + b) + c


@njit_inline
def _unit(x0: float, x1: float, x2: float, floor: float) -> tuple[float, float, float]:
    """``x / max(|x|, floor)`` with NumPy's norm (the square root of :func:`_sum3`)."""
    n = math.sqrt(_sum3(x0 * x0, x1 * x1, x2 * x2))
    if n < floor:
        n = floor
    return x0 / n, x1 / n, x2 / n


@njit_inline
def _cross(a0: float, a1: float, a2: float, b0: float, b1: float, b2: float) -> tuple[float, float, float]:
    """``numpy.cross`` of two 3-vectors: each component one product minus the other."""
    return a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0


@njit
def body_frame_components(
    velocity: FloatArray, target: FloatArray, sensor: FloatArray, a2: float, b2: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per row, the unit line of sight to ``sensor`` on the body's right, forward and up axes (the
    up component clipped to [-1, 1]); ``a2``, ``b2`` the squared WGS-84 semi-axes."""
    n = target.shape[0]
    on_right = np.empty(n)
    on_fwd = np.empty(n)
    on_up = np.empty(n)
    for i in range(n):
        l0, l1, l2 = _unit(sensor[0] - target[i, 0], sensor[1] - target[i, 1], sensor[2] - target[i, 2], 1e-9)
        # geodetic up: the ellipsoid normal (x/a², y/a², z/b²), normalised (no floor)
        u0, u1, u2 = _unit(target[i, 0] / a2, target[i, 1] / a2, target[i, 2] / b2, 0.0)
        v0 = velocity[i, 0]
        v1 = velocity[i, 1]
        v2 = velocity[i, 2]
        sv = _sum3(v0 * u0, v1 * u1, v2 * u2)
        h0 = v0 - sv * u0
        h1 = v1 - sv * u1
        h2 = v2 - sv * u2
        still = math.sqrt(_sum3(v0 * v0, v1 * v1, v2 * v2)) < 1e-3
        if still or math.sqrt(_sum3(h0 * h0, h1 * h1, h2 * h2)) < 1e-6:
            sl = _sum3(l0 * u0, l1 * u1, l2 * u2)
            f0, f1, f2 = _unit(l0 - sl * u0, l1 - sl * u1, l2 - sl * u2, 1e-12)
        else:
            f0, f1, f2 = _unit(v0, v1, v2, 1e-12)
        r0, r1, r2 = _cross(f0, f1, f2, u0, u1, u2)
        r0, r1, r2 = _unit(r0, r1, r2, 1e-12)
        b0, b1, b2_ = _cross(r0, r1, r2, f0, f1, f2)
        on_right[i] = _sum3(l0 * r0, l1 * r1, l2 * r2)
        on_fwd[i] = _sum3(l0 * f0, l1 * f1, l2 * f2)
        z = _sum3(l0 * b0, l1 * b1, l2 * b2_)
        if z < -1.0:
            z = -1.0
        elif z > 1.0:
            z = 1.0
        on_up[i] = z
    return on_right, on_fwd, on_up
