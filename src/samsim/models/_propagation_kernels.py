"""Compiled kernels behind :mod:`samsim.models.propagation` (plain arrays in, plain arrays out)."""

from __future__ import annotations

import math

import numpy as np

from samsim.arrays import BoolArray, FloatArray
from samsim.jit import njit


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
