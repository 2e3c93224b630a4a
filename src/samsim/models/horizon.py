"""Radar horizon and propagation geometry over an effective (refracted) spherical earth.

Standard-atmosphere refraction bends radar rays downward with a curvature close to a quarter of the
earth's curvature. The classical device (Schelleng, Burrows & Ferrell 1933; Skolnik 2001, ch. 8) replaces
the real earth of radius Re by an *effective earth* of radius ``a = k * Re`` over which rays are
straight lines; heights above the surface and ground distances along it are kept unchanged. With the
standard value k = 4/3 this is the "4/3-earth model".

Every function here works in that effective-earth geometry and is vectorised with numpy broadcasting.
Heights are measured above the (spherical) surface, e.g. above mean sea level; a ground range is the
arc length along the surface between the two sub-points.

References
----------
M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed., McGraw-Hill, 2001, ch. 8 (atmospheric
    refraction, the 4/3 earth, radar horizon).
L. V. Blake, *Radar Range-Performance Analysis*, Artech House, 1986 (ray geometry over the effective
    earth; range-height-angle charts).
D. K. Barton, *Radar Equations for Modern Radar*, Artech House, 2013 (effective earth, horizon range).
J. C. Schelleng, C. R. Burrows, E. B. Ferrell, "Ultra-short-wave propagation", Proc. IRE 21(3), 1933.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike

from samsim.arrays import BoolArray, FloatArray
from samsim.constants import MEAN_EARTH_RADIUS_M, STANDARD_REFRACTION_K
from samsim.models import _horizon_kernels

# the scalar pieces of the horizon test, re-exported for compiled kernels elsewhere that test one
# point at a time
from samsim.models._horizon_kernels import half_chord_sine_one as half_chord_sine_one
from samsim.models._horizon_kernels import horizon_bounds as horizon_bounds


def _f64(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _surface_height_m(height_m: ArrayLike) -> FloatArray:
    # A point below the reference sphere (e.g. a site below sea level) is treated as lying on it: the
    # tangent construction is undefined there and the difference is at most metres of height.
    return np.maximum(_f64(height_m), 0.0)


def horizon_range_m(
    antenna_height_m: ArrayLike,
    target_height_m: ArrayLike,
    refraction_k: ArrayLike = STANDARD_REFRACTION_K,
) -> FloatArray:
    """Radar-horizon distance by the tangent formula on the effective earth.

    .. math:: d = \\sqrt{2 k R_e h_1} + \\sqrt{2 k R_e h_2}

    the sum of the two tangent distances from antenna and target to the grazing point, with the
    h**2 terms dropped (h << k Re).

    Parameters
    ----------
    antenna_height_m : array_like
        Height of the antenna phase centre above the surface, m (negative heights count as 0).
    target_height_m : array_like
        Height of the target above the surface, m (negative heights count as 0).
    refraction_k : array_like, optional
        Effective earth-radius factor k; default 4/3.

    Returns
    -------
    numpy.ndarray
        Horizon range, m (broadcast shape of the inputs).

    References
    ----------
    Skolnik, *Introduction to Radar Systems*, 3rd ed., 2001, ch. 8 (radar horizon on the 4/3 earth);
    Barton, *Radar Equations for Modern Radar*, 2013 (horizon range).

    Examples
    --------
    30 m antenna, 50 m target, k = 4/3: 22.58 km + 29.15 km = 51.72 km.
    """
    a_m = _f64(refraction_k) * MEAN_EARTH_RADIUS_M
    h1 = _surface_height_m(antenna_height_m)
    h2 = _surface_height_m(target_height_m)
    return np.asarray(np.sqrt(2.0 * a_m * h1) + np.sqrt(2.0 * a_m * h2), dtype=np.float64)


def horizon_central_angle_rad(
    height_m: ArrayLike, refraction_k: ArrayLike = STANDARD_REFRACTION_K
) -> FloatArray:
    """Earth-centre angle from a point at height h to its tangent (grazing) point on the effective earth.

    Exact: cos(theta) = a / (a + h), evaluated as ``atan2(sqrt(h (2a + h)), a)`` which stays accurate
    for h << a (no acos near 1).

    Parameters
    ----------
    height_m : array_like
        Height above the surface, m (negative heights count as 0).
    refraction_k : array_like, optional
        Effective earth-radius factor k; default 4/3.

    Returns
    -------
    numpy.ndarray
        Central angle, rad.

    References
    ----------
    Blake, *Radar Range-Performance Analysis*, 1986 (geometry of the tangent ray on the effective
    earth).
    """
    if np.ndim(height_m) == 0 and np.ndim(refraction_k) == 0:  # one antenna: remembered
        return np.asarray(_central_angle_scalar_rad(float(_f64(height_m)), float(_f64(refraction_k))))
    return _central_angle_rad(height_m, refraction_k)


def _central_angle_rad(height_m: ArrayLike, refraction_k: ArrayLike) -> FloatArray:
    a_m = _f64(refraction_k) * MEAN_EARTH_RADIUS_M
    h = _surface_height_m(height_m)
    return np.asarray(np.arctan2(np.sqrt(h * (2.0 * a_m + h)), a_m), dtype=np.float64)


@functools.lru_cache(maxsize=1024)
def _central_angle_scalar_rad(height_m: float, refraction_k: float) -> float:
    """:func:`horizon_central_angle_rad` of one height, remembered: a radar's own horizon angle is
    asked for at every visibility test of its looks."""
    return float(_central_angle_rad(height_m, refraction_k))


def horizon_ground_range_m(
    antenna_height_m: ArrayLike,
    target_height_m: ArrayLike,
    refraction_k: ArrayLike = STANDARD_REFRACTION_K,
) -> FloatArray:
    """Exact largest ground range at which a target of the given height is above the radar horizon.

    The straight ray on the effective earth grazes the sphere when the central angle between antenna
    and target equals theta1 + theta2 (each the tangent-point angle of
    :func:`horizon_central_angle_rad`); the ground range is the arc ``a (theta1 + theta2)``. It agrees
    with :func:`horizon_range_m` to O(h / a), i.e. to ~1e-5 relative for heights of tens of km.

    Parameters
    ----------
    antenna_height_m, target_height_m : array_like
        Heights above the surface, m (negative heights count as 0).
    refraction_k : array_like, optional
        Effective earth-radius factor k; default 4/3.

    Returns
    -------
    numpy.ndarray
        Ground (arc) range, m.

    References
    ----------
    Blake, *Radar Range-Performance Analysis*, 1986 (effective-earth geometry).
    """
    a_m = _f64(refraction_k) * MEAN_EARTH_RADIUS_M
    theta = horizon_central_angle_rad(antenna_height_m, refraction_k) + horizon_central_angle_rad(
        target_height_m, refraction_k
    )
    return np.asarray(a_m * theta, dtype=np.float64)


def above_horizon(
    ground_range_m: ArrayLike,
    antenna_height_m: ArrayLike,
    target_height_m: ArrayLike,
    refraction_k: ArrayLike = STANDARD_REFRACTION_K,
) -> BoolArray:
    """Whether the straight line antenna -> target clears the effective-earth sphere.

    Exact geometric test on the sphere of radius ``a = k Re``: with both points at or above the
    surface, the chord between them clears the sphere if and only if their central angle
    ``d / a`` does not exceed the sum of their tangent-point angles (see
    :func:`horizon_ground_range_m`). Terrain masking is a separate test (DEM line of sight).

    Parameters
    ----------
    ground_range_m : array_like
        Arc distance along the surface between the sub-antenna and sub-target points, m.
    antenna_height_m, target_height_m : array_like
        Heights above the surface, m (negative heights count as 0).
    refraction_k : array_like, optional
        Effective earth-radius factor k; default 4/3.

    Returns
    -------
    numpy.ndarray of bool
        True where the target is visible over the smooth effective earth.

    References
    ----------
    Skolnik 2001, ch. 8; Blake 1986.
    """
    ground = _f64(ground_range_m)
    target = _f64(target_height_m)
    if (
        isinstance(antenna_height_m, float | int)
        and isinstance(refraction_k, float | int)
        and ground.ndim == 1
        and ground.shape == target.shape
    ):
        # One antenna over many targets: bracket the arc tangent of each target's tangent angle
        # (x - x³/3 <= atan x <= x) and evaluate it only where the bracket cannot decide, which
        # gives the same answers as evaluating it everywhere.
        theta1 = _central_angle_scalar_rad(float(antenna_height_m), float(refraction_k))
        a_m = float(refraction_k) * MEAN_EARTH_RADIUS_M
        decided, n_close = _horizon_kernels.horizon_decided(ground, theta1, target, a_m)
        if n_close == 0:
            return decided.view(np.bool_)  # every element 0 or 1
        out: BoolArray = np.asarray(decided == 1, dtype=np.bool_)
        close = np.flatnonzero(decided < 0)
        limit_m = horizon_ground_range_m(antenna_height_m, target[close], refraction_k)
        out[close] = ground[close] <= limit_m
        return out
    limit_m = horizon_ground_range_m(antenna_height_m, target_height_m, refraction_k)
    return np.asarray(ground <= limit_m, dtype=np.bool_)


def within_limits_and_horizon(
    range_m: FloatArray,
    elevation_rad: FloatArray,
    target_height_m: FloatArray,
    max_range_m: float,
    min_elevation_rad: float,
    max_elevation_rad: float,
    antenna_height_m: float,
    refraction_k: float = STANDARD_REFRACTION_K,
) -> BoolArray:
    """Whether looks of one antenna are inside its range and elevation limits and above its horizon.

    For 1-D float64 rows of slant range, elevation and target height (heights below the surface
    count as 0), the same answers as ``(range_m <= max_range_m) & (elevation_rad >= min_elevation_rad)
    & (elevation_rad <= max_elevation_rad) & above_horizon(arc_from_slant_m(range_m, h1, h2), h1, h2,
    k)`` with ``h2 = max(target_height_m, 0)``: the ground range between the feet on the true sphere,
    then the exact chord test on the effective earth of radius ``k Re``. The arithmetic runs in two
    compiled passes around NumPy's arc sine, the arc tangent of a target's tangent angle only where
    the bracket ``x - x³/3 <= atan x <= x`` cannot decide (as :func:`above_horizon`), for a radar that
    asks this at every scan of every look.

    Parameters
    ----------
    range_m, elevation_rad, target_height_m : (n,) float64
        Slant range, elevation and target height above the surface, per look.
    max_range_m, min_elevation_rad, max_elevation_rad : float
        The instrumented limits.
    antenna_height_m : float
        Antenna height above the surface, m (not negative).
    refraction_k : float, optional
        Effective earth-radius factor k; default 4/3.

    Returns
    -------
    numpy.ndarray of bool
        Per look.

    References
    ----------
    Skolnik 2001, ch. 8 (radar horizon on the k·Re earth); Blake 1986.
    """
    inside, h2, half = _horizon_kernels.limits_half_chords(
        range_m,
        elevation_rad,
        target_height_m,
        (float(max_range_m), float(min_elevation_rad), float(max_elevation_rad)),
        float(antenna_height_m),
        MEAN_EARTH_RADIUS_M,
    )
    np.arcsin(half, out=half)  # arc_from_slant_m's central angle, then its ground range in the kernel
    theta1 = _central_angle_scalar_rad(antenna_height_m, refraction_k)
    decided, n_close = _horizon_kernels.limits_and_horizon(
        half, MEAN_EARTH_RADIUS_M, inside, theta1, h2, refraction_k * MEAN_EARTH_RADIUS_M
    )
    if n_close:
        close = np.flatnonzero(decided < 0)
        decided[close] = half[close] <= horizon_ground_range_m(antenna_height_m, h2[close], refraction_k)
    return decided.view(np.bool_)


def slant_range_elevation(
    ground_range_m: ArrayLike,
    antenna_height_m: ArrayLike,
    target_height_m: ArrayLike,
    refraction_k: ArrayLike = STANDARD_REFRACTION_K,
) -> tuple[FloatArray, FloatArray]:
    """Slant range and apparent elevation of a target given its ground range and height.

    On the effective earth the ray is straight, so with r1 = a + h1, r2 = a + h2 and central angle
    phi = d / a (law of cosines, written without cancellation for small phi):

    .. math::
        R^2 = (h_2 - h_1)^2 + 4 r_1 r_2 \\sin^2(\\varphi/2), \\qquad
        \\tan E = \\frac{(h_2 - h_1) - 2 r_2 \\sin^2(\\varphi/2)}{r_2 \\sin \\varphi}

    E is the elevation at which the antenna sees the target (the apparent, refracted elevation in
    the real atmosphere). This is the geometry of the range-height-angle (coverage) diagram.

    Parameters
    ----------
    ground_range_m : array_like
        Arc distance along the surface, m.
    antenna_height_m, target_height_m : array_like
        Heights above the surface, m.
    refraction_k : array_like, optional
        Effective earth-radius factor k; default 4/3.

    Returns
    -------
    slant_range_m : numpy.ndarray
        Straight-line range on the effective earth, m.
    elevation_rad : numpy.ndarray
        Elevation above the antenna's local horizontal, rad.

    References
    ----------
    Blake, *Radar Range-Performance Analysis*, 1986 (range-height-angle charts);
    Skolnik 2001, ch. 8.
    """
    a_m = _f64(refraction_k) * MEAN_EARTH_RADIUS_M
    h1 = _f64(antenna_height_m)
    h2 = _f64(target_height_m)
    phi = _f64(ground_range_m) / a_m
    r1 = a_m + h1
    r2 = a_m + h2
    half_chord = np.sin(0.5 * phi)
    slant_m = np.sqrt((h2 - h1) ** 2 + 4.0 * r1 * r2 * half_chord**2)
    up_m = (h2 - h1) - 2.0 * r2 * half_chord**2
    horizontal_m = r2 * np.sin(phi)
    return (
        np.asarray(slant_m, dtype=np.float64),
        np.asarray(np.arctan2(up_m, horizontal_m), dtype=np.float64),
    )


def target_height_m(
    slant_range_m: ArrayLike,
    elevation_rad: ArrayLike,
    antenna_height_m: ArrayLike,
    refraction_k: ArrayLike = STANDARD_REFRACTION_K,
) -> FloatArray:
    """Height above the surface of a point at a given slant range and elevation from the antenna.

    .. math::
        r_2^2 = r_1^2 + R^2 + 2 r_1 R \\sin E, \\qquad
        h_2 = h_1 + \\frac{R^2 + 2 r_1 R \\sin E}{r_1 + r_2}

    (the second form avoids subtracting two earth radii). Inverse of :func:`slant_range_elevation`.

    Parameters
    ----------
    slant_range_m : array_like
        Straight-line range on the effective earth, m.
    elevation_rad : array_like
        Elevation above the antenna's local horizontal, rad.
    antenna_height_m : array_like
        Antenna height above the surface, m.
    refraction_k : array_like, optional
        Effective earth-radius factor k; default 4/3.

    Returns
    -------
    numpy.ndarray
        Height, m.

    References
    ----------
    Skolnik 2001, ch. 8 (height finding on the 4/3 earth); Blake 1986.
    """
    a_m = _f64(refraction_k) * MEAN_EARTH_RADIUS_M
    r1 = a_m + _f64(antenna_height_m)
    rng_m = _f64(slant_range_m)
    rise = rng_m**2 + 2.0 * r1 * rng_m * np.sin(_f64(elevation_rad))
    r2 = np.sqrt(r1**2 + rise)
    return np.asarray(_f64(antenna_height_m) + rise / (r1 + r2), dtype=np.float64)


def ground_range_m(
    slant_range_m: ArrayLike,
    elevation_rad: ArrayLike,
    antenna_height_m: ArrayLike,
    refraction_k: ArrayLike = STANDARD_REFRACTION_K,
) -> FloatArray:
    """Arc distance along the surface to the sub-point of a point at a given slant range and elevation.

    .. math:: d = a \\operatorname{atan2}(R \\cos E,\\; r_1 + R \\sin E)

    Inverse of :func:`slant_range_elevation` together with :func:`target_height_m`.

    Parameters
    ----------
    slant_range_m : array_like
        Straight-line range on the effective earth, m.
    elevation_rad : array_like
        Elevation above the antenna's local horizontal, rad.
    antenna_height_m : array_like
        Antenna height above the surface, m.
    refraction_k : array_like, optional
        Effective earth-radius factor k; default 4/3.

    Returns
    -------
    numpy.ndarray
        Ground (arc) range, m.

    References
    ----------
    Blake 1986; Skolnik 2001, ch. 8.
    """
    a_m = _f64(refraction_k) * MEAN_EARTH_RADIUS_M
    r1 = a_m + _f64(antenna_height_m)
    rng_m = _f64(slant_range_m)
    el = _f64(elevation_rad)
    return np.asarray(a_m * np.arctan2(rng_m * np.cos(el), r1 + rng_m * np.sin(el)), dtype=np.float64)


def arc_from_slant_m(
    slant_range_m: ArrayLike,
    height1_m: ArrayLike,
    height2_m: ArrayLike,
    earth_radius_m: float = MEAN_EARTH_RADIUS_M,
) -> FloatArray:
    """Arc distance over the true (unrefracted) sphere between the sub-points of two points, from
    their slant range and heights.

    .. math:: (2 r_1 r_2 \\sin(\varphi/2))^2 = \rho^2 - (h_2 - h_1)^2, \\qquad d = R \varphi

    with :math:`r_i = R + h_i`: the law of cosines written with the half-angle sine, free of the
    cancellation of ``acos`` at short range.

    Parameters
    ----------
    slant_range_m : array_like
        Straight-line distance between the points, m.
    height1_m, height2_m : array_like
        Heights of the two points above the sphere, m.
    earth_radius_m : float, optional
        Radius R of the sphere; default the IUGG mean earth radius.

    Returns
    -------
    numpy.ndarray
        Arc (ground) distance, m.

    References
    ----------
    Skolnik 2001, ch. 8 (spherical-earth geometry of the radar horizon).
    """
    h1 = _f64(height1_m)
    h2 = _f64(height2_m)
    rho = _f64(slant_range_m)
    if h1.ndim == 0 and rho.ndim == 1 and rho.shape == h2.shape:
        # one antenna over many targets: the arithmetic compiled, the arc sine NumPy's as below
        half = _horizon_kernels.half_chord_sine(rho, float(h1), h2, float(earth_radius_m))
        np.arcsin(half, out=half)
        half *= 2.0
        half *= earth_radius_m
        return half
    r1 = earth_radius_m + h1
    r2 = earth_radius_m + h2
    chord2 = np.maximum(rho * rho - (h2 - h1) ** 2, 0.0)
    # a square root is never below +0: only its top is clipped (np.clip's wrapper cost more than the sum)
    half = np.arcsin(np.minimum(np.sqrt(chord2 / (4.0 * r1 * r2)), 1.0))
    return np.asarray(2.0 * half * earth_radius_m, dtype=np.float64)
