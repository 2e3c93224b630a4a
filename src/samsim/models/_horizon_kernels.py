"""Compiled kernels behind :mod:`samsim.models.horizon` (plain arrays in, plain arrays out).

Only the arithmetic is compiled: the transcendental functions (``arcsin``, ``arctan2``) stay with
NumPy in the callers, whose library may round them differently from numba's in the last bit.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from samsim.arrays import BoolArray, FloatArray
from samsim.jit import njit, njit_inline, np_maximum

# Relative margin of the bracketing test of :func:`horizon_decided`: far above the few units in the
# last place by which the float evaluation of either side can differ from the exact value.
_MARGIN = 1e-12


@njit_inline
def half_chord_sine_one(
    rho_m: float, h1_m: float, h2_m: float, four_r1_m: float, earth_radius_m: float
) -> float:
    """:func:`half_chord_sine` of one point (``four_r1_m`` = 4 (R + h1), computed once by the caller)."""
    dh = h2_m - h1_m
    c = rho_m * rho_m - dh * dh
    if c < 0.0:
        c = 0.0
    s = math.sqrt(c / (four_r1_m * (earth_radius_m + h2_m)))
    if s > 1.0:
        s = 1.0
    return s


@njit_inline
def horizon_bounds(theta1_rad: float, h2_m: float, a_m: float, margin: float) -> tuple[float, float]:
    """The bracket of :func:`horizon_decided` for a target at height ``h2_m`` (not negative): ground
    distances at most the first are above the horizon, beyond the second below it, with the relative
    ``margin``; from ``x - x³/3 <= atan(x) <= x``."""
    x = math.sqrt(h2_m * (2.0 * a_m + h2_m)) / a_m
    return a_m * (theta1_rad + (x - x * x * x / 3.0)) * (1.0 - margin), a_m * (theta1_rad + x) * (
        1.0 + margin
    )


@njit_inline
def horizon_verdict(ground_m: float, theta1_rad: float, h2_m: float, a_m: float) -> int:
    """:func:`horizon_decided` of one look (``h2_m`` not negative): 1 above, 0 below, -1 too close."""
    below, beyond = horizon_bounds(theta1_rad, h2_m, a_m, _MARGIN)
    if ground_m <= below:
        return 1
    if ground_m > beyond:
        return 0
    return -1


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
        out[i] = half_chord_sine_one(rho_m[i], h1_m, h2_m[i], four_r1, earth_radius_m)
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
        out[i] = horizon_verdict(ground_m[i], theta1_rad, h, a_m)
        if out[i] < 0:
            n_close += 1
    return out, n_close


@njit
def limits_half_chords(
    range_m: FloatArray,
    elevation_rad: FloatArray,
    target_height_m: FloatArray,
    limits: tuple[float, float, float],
    antenna_height_m: float,
    earth_radius_m: float,
) -> tuple[BoolArray, FloatArray, FloatArray]:
    """The first half of :func:`samsim.models.horizon.within_limits_and_horizon` in one pass: per
    look, whether it is inside the ``limits`` (maximum range, minimum and maximum elevation), the
    target's height taken at least 0
    (``numpy.maximum``), and the sine of half the central angle between the two feet
    (:func:`half_chord_sine`, operation for operation), whose arc sine the caller takes with NumPy:
    ``(inside, height, half)``."""
    n = range_m.size
    inside = np.empty(n, dtype=np.bool_)
    height = np.empty(n)
    half = np.empty(n)
    max_range_m, min_elevation_rad, max_elevation_rad = limits
    four_r1 = 4.0 * (earth_radius_m + antenna_height_m)
    for i in range(n):
        r = range_m[i]
        e = elevation_rad[i]
        inside[i] = r <= max_range_m and e >= min_elevation_rad and e <= max_elevation_rad
        h = np_maximum(target_height_m[i], 0.0)
        height[i] = h
        half[i] = half_chord_sine_one(r, antenna_height_m, h, four_r1, earth_radius_m)
    return inside, height, half


@njit
def limits_and_horizon(
    half_angle_rad: FloatArray,
    earth_radius_m: float,
    inside: BoolArray,
    theta1_rad: float,
    height_m: FloatArray,
    a_m: float,
) -> tuple[NDArray[np.int8], int]:
    """The second half, given the half central angles (the arc sines of
    :func:`limits_half_chords`' sines): the ground range ``2 x R`` (``arc_from_slant_m``'s two
    products, in their order, written back into ``half_angle_rad``) and per look 1 where it is
    inside and settled above the horizon, 0 where it is outside or settled below, -1 where it is
    inside and too close to the horizon to tell without the arc tangent
    (:func:`horizon_decided`'s bracket); and how many are -1."""
    n = half_angle_rad.size
    out = np.empty(n, dtype=np.int8)
    n_close = 0
    for i in range(n):
        d = half_angle_rad[i] * 2.0
        d = d * earth_radius_m
        half_angle_rad[i] = d
        h = height_m[i]
        if h < 0.0:
            h = 0.0
        out[i] = horizon_verdict(d, theta1_rad, h, a_m)
        if not inside[i]:
            out[i] = 0
        elif out[i] < 0:
            n_close += 1
    return out, n_close
