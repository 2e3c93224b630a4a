"""Passive location: a position from the bearings (jam strobes) of two or more separated sensors.

Each sensor at ``p_i`` measures the direction ``d_i`` of the emitter with independent angle errors
``sigma_a`` and ``sigma_b`` in the two directions ``a_i``, ``b_i`` perpendicular to it (azimuth and
elevation). A point ``x`` at range ``r_i = d_i . (x - p_i)`` along the ray is seen off it by the
small angles ``a_i . (x - p_i) / r_i`` and ``b_i . (x - p_i) / r_i``; the weighted least-squares
position minimises

.. math::
    \\chi^2(x) = \\sum_i \\Bigl(\\frac{a_i\\cdot(x - p_i)}{r_i\\,\\sigma_{a,i}}\\Bigr)^2
               + \\Bigl(\\frac{b_i\\cdot(x - p_i)}{r_i\\,\\sigma_{b,i}}\\Bigr)^2

which for fixed ranges is linear in ``x``: with ``W_i = a_i a_i^T / (r_i sigma_a)^2 + b_i b_i^T /
(r_i sigma_b)^2`` the solution is ``x = (sum W_i)^-1 sum W_i p_i`` and its covariance the inverse
Fisher information ``(sum W_i)^-1``. The ranges are re-evaluated at the solution and the solve
repeated (a few iterations suffice: the ranges change by the relative size of the error). With
``k`` sensors, ``chi^2`` at the solution follows a chi-square law with ``2k - 3`` degrees of freedom
when the bearings are of one emitter, which gates which strobes belong together.

References
----------
D. J. Torrieri, "Statistical theory of passive location systems", *IEEE Trans. Aerospace and
    Electronic Systems* AES-20(2), 183-198, 1984 (least-squares bearing intersection and its
    covariance).
R. G. Stansfield, "Statistical theory of d.f. fixing", *J. IEE* 94(15), 762-770, 1947.
S. Blackman, R. Popoli, *Design and Analysis of Modern Tracking Systems*, Artech House, 1999,
    section 11 (passive tracking, strobe association and ghosts).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from samsim.arrays import BoolArray, FloatArray

FIX_ITERATIONS = 4
# Conditioning limit of the normal matrix: rays closer to parallel than this give no position.
_MAX_CONDITION = 1e12


class Fix(NamedTuple):
    """Least-squares bearing intersections, batched over fixes (leading axis n).

    Attributes
    ----------
    position_m : (n, 3) estimated emitter positions in the common frame of the inputs.
    covariance_m2 : (n, 3, 3) their covariances.
    chi2 : (n,) weighted squared angle residuals at the solution (2k - 3 degrees of freedom).
    valid : (n,) whether the rays intersect in front of every sensor with a usable geometry.
    """

    position_m: FloatArray
    covariance_m2: FloatArray
    chi2: FloatArray
    valid: BoolArray


def perpendiculars(direction: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Unit vectors along increasing azimuth and elevation perpendicular to ENU unit directions
    ``direction`` (..., 3): the axes of a strobe's two angle errors."""
    d = np.asarray(direction, dtype=np.float64)
    horiz = np.hypot(d[..., 0], d[..., 1])
    safe = np.maximum(horiz, 1e-12)
    a = np.stack([d[..., 1] / safe, -d[..., 0] / safe, np.zeros_like(horiz)], axis=-1)
    b = np.stack([-d[..., 0] * d[..., 2] / safe, -d[..., 1] * d[..., 2] / safe, horiz], axis=-1)
    return np.asarray(a, np.float64), np.asarray(b, np.float64)


def triangulate(
    origin_m: FloatArray,
    direction: FloatArray,
    axis_a: FloatArray,
    axis_b: FloatArray,
    sigma_a_rad: FloatArray,
    sigma_b_rad: FloatArray,
) -> Fix:
    """Least-squares intersection of ``k`` bearings, batched over ``n`` fixes.

    Parameters
    ----------
    origin_m : (n, k, 3) array
        Sensor positions in a common Cartesian frame, m.
    direction : (n, k, 3) array
        Measured unit directions from each sensor, in the same frame.
    axis_a, axis_b : (n, k, 3) arrays
        Unit vectors perpendicular to each direction along which its two angle errors lie.
    sigma_a_rad, sigma_b_rad : (n, k) arrays
        Standard deviations of those angle errors, rad.

    Returns
    -------
    Fix
        Positions, covariances, chi-square residuals and validity.

    References
    ----------
    Torrieri 1984 (iterated weighted least squares and its covariance); Stansfield 1947.
    """
    p = np.asarray(origin_m, dtype=np.float64)
    d = np.asarray(direction, dtype=np.float64)
    a = np.asarray(axis_a, dtype=np.float64)
    b = np.asarray(axis_b, dtype=np.float64)
    sa = np.asarray(sigma_a_rad, dtype=np.float64)
    sb = np.asarray(sigma_b_rad, dtype=np.float64)
    n = p.shape[0]
    aa = a[..., :, None] * a[..., None, :]
    bb = b[..., :, None] * b[..., None, :]
    # First pass: every ray weighted as if at unit range (the perpendicular-distance intersection),
    # then the angle weighting at the ranges of the current solution.
    r = np.ones(p.shape[:2])
    x = np.zeros((n, 3))
    h = np.tile(np.eye(3), (n, 1, 1))
    valid = np.ones(n, dtype=bool)
    for it in range(FIX_ITERATIONS + 1):
        if it == 0:
            w = aa / sa[..., None, None] ** 2 + bb / sb[..., None, None] ** 2
        else:
            w = aa / (r * sa)[..., None, None] ** 2 + bb / (r * sb)[..., None, None] ** 2
        h = w.sum(axis=1)
        rhs = np.einsum("nkij,nkj->ni", w, p)
        good = np.linalg.cond(h) < _MAX_CONDITION
        valid &= good
        h = np.where(good[:, None, None], h, np.eye(3))
        x = np.linalg.solve(h, rhs[..., None])[..., 0]
        r = np.einsum("nki,nki->nk", d, x[:, None, :] - p)
        valid &= np.all(r > 0.0, axis=1)
        r = np.where(r > 0.0, r, 1.0)
    rel = x[:, None, :] - p
    ea = np.einsum("nki,nki->nk", a, rel) / (r * sa)
    eb = np.einsum("nki,nki->nk", b, rel) / (r * sb)
    chi2 = np.sum(ea**2 + eb**2, axis=1)
    cov = np.linalg.inv(h)
    return Fix(
        position_m=np.asarray(x, np.float64),
        covariance_m2=np.asarray(cov, np.float64),
        chi2=np.asarray(chi2, np.float64),
        valid=np.asarray(valid, np.bool_),
    )
