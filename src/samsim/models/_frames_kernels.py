"""Compiled kernels behind :mod:`samsim.models.frames` and :mod:`samsim.models.signature`."""

from __future__ import annotations

import numpy as np

from samsim.arrays import FloatArray
from samsim.jit import fma, njit, np_clip, np_minimum


def remainder(x: FloatArray, period: float) -> FloatArray:
    """``numpy.remainder(x, period)`` of a 1-D array for a positive ``period``, element for element
    the same value: compiled where ``|x| < period`` (there C ``fmod`` returns ``x``, and the floored
    remainder is ``x``, ``x + period`` below zero, +0 for a zero), NumPy's own elsewhere."""
    out, inside = _remainder_within(x, period)
    if not inside:
        rest = np.flatnonzero(~(np.abs(x) < period))
        out[rest] = np.remainder(x[rest], period)
    return out


@njit
def _remainder_within(x: FloatArray, period: float) -> tuple[FloatArray, bool]:
    """:func:`remainder` of the elements inside ``(-period, period)``, and whether that was all of
    them (the others are left for NumPy: an ``fmod`` in this loop, even on a branch not taken, would
    be computed for every element)."""
    n = x.size
    out = np.empty(n)
    inside = True
    for i in range(n):
        v = x[i]
        if -period < v < period:
            if v < 0.0:
                v = v + period
            elif v == 0.0:
                v = 0.0
            out[i] = v
        else:
            inside = False
    return out, inside


def azimuth_turn(azimuth_rad: FloatArray) -> FloatArray:
    """An ``arctan2`` azimuth in [-pi, pi] (1-D) moved into [0, 2 pi): :func:`remainder` by 2 pi, and
    a result that rounds up to 2 pi itself taken as 0."""
    out = remainder(azimuth_rad, 2.0 * np.pi)
    return _zero_full_turns(out)


@njit
def _zero_full_turns(turn_rad: FloatArray) -> FloatArray:
    """``turn_rad`` with every value at or above 2 pi set to 0, in place."""
    two_pi = 2.0 * np.pi
    for i in range(turn_rad.size):
        if turn_rad[i] >= two_pi:
            turn_rad[i] = 0.0
    return turn_rad


@njit
def enu_and_jacobian(
    range_m: FloatArray,
    sin_az: FloatArray,
    cos_az: FloatArray,
    sin_el: FloatArray,
    cos_el: FloatArray,
    variances: FloatArray,
    origin_m: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The products of :func:`samsim.models.frames.converted_measurement` from the sines and cosines
    of the angles (1-D arrays of one length): the ENU points shifted by ``origin_m``, the Jacobian of
    :func:`~samsim.models.frames.spherical_jacobian` and that Jacobian with its columns scaled by the
    three ``variances``, each element the same operations in the same order as the NumPy expressions
    of :func:`~samsim.models.frames.spherical_to_enu` and
    :func:`~samsim.models.frames.converted_measurement_covariance` (so the same floats)."""
    n = range_m.size
    enu = np.empty((n, 3))
    jac = np.empty((n, 3, 3))
    weighted = np.empty((n, 3, 3))
    for i in range(n):
        r = range_m[i]
        sa = sin_az[i]
        ca = cos_az[i]
        se = sin_el[i]
        ce = cos_el[i]
        horizontal = r * ce
        enu[i, 0] = horizontal * sa + origin_m[0]
        enu[i, 1] = horizontal * ca + origin_m[1]
        enu[i, 2] = r * se + origin_m[2]
        jac[i, 0, 0] = ce * sa
        jac[i, 0, 1] = horizontal * ca
        jac[i, 0, 2] = -r * se * sa
        jac[i, 1, 0] = ce * ca
        jac[i, 1, 1] = -r * ce * sa
        jac[i, 1, 2] = -r * se * ca
        jac[i, 2, 0] = se
        jac[i, 2, 1] = 0.0
        jac[i, 2, 2] = horizontal
        for row in range(3):
            for col in range(3):
                weighted[i, row, col] = jac[i, row, col] * variances[col]
    return enu, jac, weighted


@njit
def symmetric_product(weighted: FloatArray, jac: FloatArray) -> FloatArray:
    """``weighted @ jac^T`` of two stacks of 3 x 3 matrices (shape (n, 3, 3)) made exactly symmetric
    as :func:`symmetrized` makes it: each element of the product the chain
    ``fma(w2, j2, fma(w1, j1, w0 j0))`` an optimised BLAS kernel sums (the floats of NumPy's ``@``
    there: :data:`samsim.jit.fma`), without a BLAS call per matrix (NumPy makes one per 3 x 3 matrix
    of a stack, ten times the arithmetic's cost)."""
    n = weighted.shape[0]
    cov = np.empty((n, 3, 3))
    for i in range(n):
        for row in range(3):
            for col in range(3):
                cov[i, row, col] = fma(
                    weighted[i, row, 2],
                    jac[i, col, 2],
                    fma(weighted[i, row, 1], jac[i, col, 1], weighted[i, row, 0] * jac[i, col, 0]),
                )
    return symmetrized(cov)


@njit
def symmetrized(cov: FloatArray) -> FloatArray:
    """``0.5 * (cov + cov^T)`` of a stack of 3 x 3 matrices (shape (n, 3, 3)), in place: each element
    the same two operations as the NumPy expression, so the same floats, without its temporaries."""
    for i in range(cov.shape[0]):
        for row in range(3):
            for col in range(row + 1, 3):
                v = 0.5 * (cov[i, row, col] + cov[i, col, row])
                cov[i, row, col] = v
                cov[i, col, row] = v
            cov[i, row, row] = 0.5 * (cov[i, row, row] + cov[i, row, row])
    return cov


@njit
def _cell(grid: FloatArray, x: float) -> tuple[int, int, float]:
    """``signature._weights`` of one value: the grid cell around ``x`` and the weight of its upper
    node, ``x`` clamped to the grid's ends (``numpy.searchsorted`` on the right: the first node above
    ``x``; a NaN sorts after every node)."""
    n = grid.size
    if n == 1:
        return 0, 0, 0.0
    xc = np_clip(x, grid[0], grid[n - 1])
    above = 0
    while above < n and not xc < grid[above]:
        above += 1
    i1 = min(max(above, 1), n - 1)
    i0 = i1 - 1
    return i0, i1, (xc - grid[i0]) / (grid[i1] - grid[i0])


@njit
def table_db_over_10(
    aspect_grid_deg: FloatArray,
    table_db: FloatArray,
    aspect_deg: FloatArray,
    elevation_grid_deg: FloatArray,
    elevation_deg: FloatArray,
    with_elevation: bool,
) -> FloatArray:
    """The dB value of an RCS table at each (aspect, elevation), divided by 10: aspects folded onto
    [0°, 180°] (``min(a, 360 - a)`` of aspects already in [0°, 360°)), then interpolated linearly over
    aspect (``table_db`` of shape (1, n_aspect), elevations ignored) or, ``with_elevation``,
    bilinearly over aspect and elevation (shape (n_elevation, n_aspect)), the operations of
    :func:`samsim.models.signature.table_rcs_m2` in their order (so the same floats)."""
    n = aspect_deg.size
    out = np.empty(n)
    for k in range(n):
        a = aspect_deg[k]
        a = np_minimum(a, 360.0 - a)
        i0, i1, w = _cell(aspect_grid_deg, a)
        if with_elevation:
            j0, j1, u = _cell(elevation_grid_deg, elevation_deg[k])
            lo = (1.0 - w) * table_db[j0, i0] + w * table_db[j0, i1]
            hi = (1.0 - w) * table_db[j1, i0] + w * table_db[j1, i1]
            db = (1.0 - u) * lo + u * hi
        else:
            db = (1.0 - w) * table_db[0, i0] + w * table_db[0, i1]
        out[k] = db / 10.0
    return out
