"""Compiled kernels behind :mod:`samsim.models.horizon` (plain arrays in, plain arrays out).

Only the arithmetic is compiled: the transcendental functions (``arcsin``, ``arctan2``) stay with
NumPy in the callers, whose library may round them differently from numba's in the last bit.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from samsim.arrays import FloatArray
from samsim.jit import njit

# Relative margin of the bracketing test of :func:`horizon_decided`: far above the few units in the
# last place by which the float evaluation of either side can differ from the exact value.
_MARGIN = 1e-12


@njit
def half_chord_sine(rho_m: FloatArray, h1_m: float, h2_m: FloatArray, earth_radius_m: float) -> FloatArray:
    """``min(sqrt(max(rho² - (h2 - h1)², 0) / (4 r1 r2)), 1)`` per element, ``r_i = R + h_i``: the sine
    of half the central angle of :func:`samsim.models.horizon.arc_from_slant_m`, operation for
    operation as there."""
    n = rho_m.size
    out = np.empty(n)
    r1 = earth_radius_m + h1_m
    four_r1 = 4.0 * r1
    for i in range(n):
        rho = rho_m[i]
        dh = h2_m[i] - h1_m
        c = rho * rho - dh * dh
        if c < 0.0:
            c = 0.0
        s = math.sqrt(c / (four_r1 * (earth_radius_m + h2_m[i])))
        if s > 1.0:
            s = 1.0
        out[i] = s
    return out


@njit
def horizon_decided(
    ground_m: FloatArray, theta1_rad: float, h2_m: FloatArray, a_m: float
) -> tuple[NDArray[np.int8], int]:
    """Per element, whether ``ground_m <= a (theta1 + theta2)`` (the test of
    :func:`samsim.models.horizon.above_horizon`, ``theta2 = atan(sqrt(h (2a + h)) / a)``) is settled
    by the bounds ``x - x³/3 <= atan(x) <= x`` (x >= 0) with a safety margin: 1 above, 0 below, -1
    too close to tell without the arc tangent itself; and how many were too close."""
    n = ground_m.size
    out = np.empty(n, dtype=np.int8)
    n_close = 0
    for i in range(n):
        h = h2_m[i]
        if h < 0.0:
            h = 0.0
        x = math.sqrt(h * (2.0 * a_m + h)) / a_m
        d = ground_m[i]
        if d <= a_m * (theta1_rad + (x - x * x * x / 3.0)) * (1.0 - _MARGIN):
            out[i] = 1
        elif d > a_m * (theta1_rad + x) * (1.0 + _MARGIN):
            out[i] = 0
        else:
            out[i] = -1
            n_close += 1
    return out, n_close
