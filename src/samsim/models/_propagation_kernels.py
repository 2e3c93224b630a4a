"""Compiled kernels behind :mod:`samsim.models.propagation` (plain arrays in, plain arrays out)."""

from __future__ import annotations

import math

import numpy as np

from samsim.arrays import BoolArray, FloatArray
from samsim.jit import njit, np_clip, np_divide, np_maximum, np_minimum


@njit
def path_difference_m(d_m: float, h1_m: float, h2_m: float, a: float) -> float:
    """Reflected minus direct path length over a sphere of radius ``a``, one ray pair: the path
    difference of :func:`samsim.models.propagation.reflection_geometry` (Blake 1986, ch. 6, after
    Kerr 1951) written on scalars, operation for operation as there."""
    d = max(d_m, 1e-9)
    ha = max(h1_m, 0.0)
    hb = max(h2_m, 0.0)
    h1 = min(ha, hb)
    h2 = max(ha, hb)
    p = (2.0 / math.sqrt(3.0)) * math.sqrt(a * (h1 + h2) + d * d / 4.0)
    xi = math.asin(min(max(2.0 * a * (h2 - h1) * d / math.pow(p, 3.0), -1.0), 1.0))
    d1 = min(max(d / 2.0 - p * math.sin(xi / 3.0), 0.0), d)
    d2 = d - d1
    s1 = math.sin(d1 / (2.0 * a))
    s2 = math.sin(d2 / (2.0 * a))
    sd = math.sin(d / (2.0 * a))
    r1 = math.sqrt(h1 * h1 + 4.0 * a * (a + h1) * (s1 * s1))
    r2 = math.sqrt(h2 * h2 + 4.0 * a * (a + h2) * (s2 * s2))
    rd = math.sqrt((h2 - h1) * (h2 - h1) + 4.0 * (a + h1) * (a + h2) * (sd * sd))
    sin_psi = (h1 - 2.0 * (a + h1) * (s1 * s1)) / r1 if r1 > 0.0 else 0.0
    if not (sin_psi > 0.0 and h1 > 0.0):
        return 0.0
    sp = math.sin(math.asin(min(max(sin_psi, 0.0), 1.0)))
    return 4.0 * r1 * r2 * (sp * sp) / (r1 + r2 + rd)


@njit
def bisect_edge(
    h1_m: FloatArray, h2_m: FloatArray, hi_m: FloatArray, a: float, target_m: float, steps: int
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Bisection on ``[0, hi_m]`` for the ground range where :func:`path_difference_m` falls to
    ``target_m``, per element: the result, every midpoint visited (shape (n, steps)) and whether the
    path difference there exceeded the target (the branch taken)."""
    n = h1_m.size
    mids = np.empty((n, steps))
    above = np.empty((n, steps), dtype=np.bool_)
    out = np.empty(n)
    for i in range(n):
        lo = 0.0
        hi = hi_m[i]
        for k in range(steps):
            mid = 0.5 * (lo + hi)
            up = path_difference_m(mid, h1_m[i], h2_m[i], a) > target_m
            mids[i, k] = mid
            above[i, k] = up
            if up:
                lo = mid
            else:
                hi = mid
        out[i] = 0.5 * (lo + hi)
    return out, mids, above


# The arithmetic between the transcendental functions of propagation._reflected_ray, compiled in
# stages: the sines, arcsines, tangent and power stay NumPy calls on whole arrays (numba's may differ
# from NumPy's in the last bit), and each stage below writes the same operations in the same order
# as the NumPy expressions they replace (no fused multiply-add: numba compiles without fast-math),
# so the results are the same floats, without NumPy's temporaries and per-call overhead.


@njit
def ray_heights(
    ground_m: FloatArray, h1_m: FloatArray, h2_m: FloatArray, a: float, scale: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``d = max(ground, 1e-9)``, the lower and higher of the two heights (floored at 0) and
    ``p = scale √(a (h1 + h2) + d²/4)`` (1-D arrays of one length)."""
    n = ground_m.size
    d = np.empty(n)
    lo = np.empty(n)
    hi = np.empty(n)
    p = np.empty(n)
    for i in range(n):
        di = np_maximum(ground_m[i], 1e-9)
        ha = np_maximum(h1_m[i], 0.0)
        hb = np_maximum(h2_m[i], 0.0)
        h1 = np_minimum(ha, hb)
        h2 = np_maximum(ha, hb)
        d[i] = di
        lo[i] = h1
        hi[i] = h2
        p[i] = scale * math.sqrt(a * (h1 + h2) + di * di / 4.0)
    return d, lo, hi, p


@njit
def cubic_argument(
    d: FloatArray, h1: FloatArray, h2: FloatArray, p_cubed: FloatArray, a: float
) -> FloatArray:
    """``clip(2 a (h2 - h1) d / p³, -1, 1)``."""
    n = d.size
    out = np.empty(n)
    for i in range(n):
        out[i] = np_clip(np_divide(2.0 * a * (h2[i] - h1[i]) * d[i], p_cubed[i]), -1.0, 1.0)
    return out


@njit
def ray_feet(
    d: FloatArray, p: FloatArray, sin_third: FloatArray, a: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``d1 = clip(d/2 - p sin_third, 0, d)``, ``d2 = d - d1`` and the half-angles ``(d1, d2, d)/(2a)``
    at the earth's centre (rows of one array, for one call of the sine)."""
    n = d.size
    d1 = np.empty(n)
    d2 = np.empty(n)
    half = np.empty((3, n))
    for i in range(n):
        di = d[i]
        x = np_clip(di / 2.0 - p[i] * sin_third[i], 0.0, di)
        y = di - x
        d1[i] = x
        d2[i] = y
        half[0, i] = x / (2.0 * a)
        half[1, i] = y / (2.0 * a)
        half[2, i] = di / (2.0 * a)
    return d1, d2, half


@njit
def ray_lengths(
    h1: FloatArray, h2: FloatArray, sines: FloatArray, a: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    """The ray lengths ``R1``, ``R2``, ``Rd``, the grazing angle's sine clipped to [0, 1] and where
    there is a reflection point, from the sines of :func:`ray_feet`'s half-angles."""
    n = h1.size
    r1 = np.empty(n)
    r2 = np.empty(n)
    rd = np.empty(n)
    clipped = np.empty(n)
    ok = np.empty(n, dtype=np.bool_)
    for i in range(n):
        lo = h1[i]
        hi = h2[i]
        s1 = sines[0, i]
        s2 = sines[1, i]
        sd = sines[2, i]
        x1 = math.sqrt(lo * lo + 4.0 * a * (a + lo) * (s1 * s1))
        r1[i] = x1
        r2[i] = math.sqrt(hi * hi + 4.0 * a * (a + hi) * (s2 * s2))
        rd[i] = math.sqrt((hi - lo) * (hi - lo) + 4.0 * (a + lo) * (a + hi) * (sd * sd))
        sin_psi = (lo - 2.0 * (a + lo) * (s1 * s1)) / x1 if x1 > 0.0 else 0.0
        ok[i] = sin_psi > 0.0 and lo > 0.0
        clipped[i] = np_clip(sin_psi, 0.0, 1.0)
    return r1, r2, rd, clipped, ok


@njit
def path_difference(
    r1: FloatArray, r2: FloatArray, rd: FloatArray, sin_psi: FloatArray, ok: BoolArray
) -> FloatArray:
    """``Δ = 4 R1 R2 sin²ψ / (R1 + R2 + Rd)`` where there is a reflection point, else 0."""
    n = r1.size
    out = np.empty(n)
    for i in range(n):
        s = sin_psi[i]
        out[i] = 4.0 * r1[i] * r2[i] * (s * s) / (r1[i] + r2[i] + rd[i]) if ok[i] else 0.0
    return out


@njit
def divergence(
    d: FloatArray, d1: FloatArray, d2: FloatArray, tan_psi: FloatArray, ok: BoolArray, a: float
) -> FloatArray:
    """``D = [1 + 2 d1 d2 / (a d tan ψ)]^(-1/2)`` where there is a reflection point, else 0."""
    n = d.size
    out = np.empty(n)
    for i in range(n):
        out[i] = (
            1.0 / math.sqrt(1.0 + np_divide(2.0 * d1[i] * d2[i], a * d[i] * tan_psi[i])) if ok[i] else 0.0
        )
    return out


@njit
def surface_sines(range_m: FloatArray, h: float, a: float) -> tuple[FloatArray, FloatArray]:
    """The clipped sines of the grazing and the depression angle of the surface point at each slant
    range from an antenna at height ``h`` (the arguments of the arc sines of
    :func:`samsim.models.propagation.surface_grazing_rad` and
    :func:`~samsim.models.propagation.surface_depression_rad`, the same operations in the same order)."""
    n = range_m.size
    grazing = np.empty(n)
    depression = np.empty(n)
    near = 2.0 * a * h + h * h
    for i in range(n):
        r = np_maximum(range_m[i], 1e-9)
        grazing[i] = np_clip((near - r * r) / (2.0 * a * r), 0.0, 1.0)
        depression[i] = np_clip((near + r * r) / (2.0 * (a + h) * r), 0.0, 1.0)
    return grazing, depression


@njit
def clutter_terms(
    range_m: FloatArray,
    sin_psi: FloatArray,
    cos_psi: FloatArray,
    elevation_rad: FloatArray,
    depression_rad: FloatArray,
    gamma: float,
    azimuth_beamwidth_rad: float,
    range_resolution_m: float,
    elevation_beamwidth_rad: float,
    gain_scale: float,
) -> tuple[FloatArray, FloatArray]:
    """The clutter cell's RCS ``gamma sin ψ (R θ_az ΔR / cos ψ)`` and the exponent ``gain_scale
    (θ/θ3)²`` of the two-way beam gain at the offset ``θ = elevation + depression``, the operations
    of :func:`samsim.models.propagation.clutter_rcs_m2` and
    :func:`~samsim.models.propagation.gaussian_two_way_gain` in their order."""
    n = range_m.size
    cell = np.empty(n)
    exponent = np.empty(n)
    for i in range(n):
        area = range_m[i] * azimuth_beamwidth_rad * range_resolution_m / cos_psi[i]
        cell[i] = gamma * sin_psi[i] * area
        t = (elevation_rad[i] + depression_rad[i]) / elevation_beamwidth_rad
        exponent[i] = gain_scale * t * t
    return cell, exponent
