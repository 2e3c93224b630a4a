"""Radar measurement frames: range/azimuth/elevation <-> local East-North-Up, and converted covariances.

Conventions (the project's): local ENU arrays shaped (..., 3) = (east_m, north_m, up_m) centred on
the antenna; azimuth in radians clockwise from north, returned in [0, 2 pi); elevation in radians
above the local horizontal, in [-pi/2, pi/2].

Converted measurements: a tracker working in Cartesian ENU needs the covariance of the converted
position. :func:`converted_measurement_covariance` gives the standard *linearised* conversion
``R_c = J diag(sigma_r^2, sigma_az^2, sigma_el^2) J^T`` with J the Jacobian of the spherical-to-ENU
map at the measured point. It is consistent while the conversion bias stays small against the
range error, the criterion of Lerro & Bar-Shalom (1993): ``r sigma_angle^2 / sigma_r < 0.4``. Beyond
that (long range, coarse angles) the debiased conversion of Lerro & Bar-Shalom (2-D) or its 3-D
extension (Longbin, Xiaoquan, Yiyu, Kang & Bar-Shalom 1998) should be used; it is not implemented
here.

References
----------
Y. Bar-Shalom, X. R. Li, T. Kirubarajan, *Estimation with Applications to Tracking and
    Navigation*, Wiley, 2001 (linearised transformation of the measurement covariance; converted
    measurement Kalman filter).
D. Lerro, Y. Bar-Shalom, "Tracking with debiased consistent converted measurements versus EKF",
    IEEE Trans. AES 29(3), pp. 1015-1022, 1993.
M. Longbin, S. Xiaoquan, Z. Yiyu, S. Z. Kang, Y. Bar-Shalom, "Unbiased converted measurements for
    tracking", IEEE Trans. AES 34(3), pp. 1023-1027, 1998.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from samsim.arrays import FloatArray
from samsim.models import _frames_kernels


def _f64(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def enu_to_spherical(enu_m: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Local ENU position to range, azimuth (clockwise from north) and elevation.

    .. math:: R = \\lVert (e, n, u) \\rVert,\\quad A = \\operatorname{atan2}(e, n) \\bmod 2\\pi,\\quad
              E = \\operatorname{atan2}(u, \\sqrt{e^2 + n^2})

    Parameters
    ----------
    enu_m : array_like, shape (..., 3)
        East, north, up, m, relative to the antenna.

    Returns
    -------
    range_m, azimuth_rad, elevation_rad : numpy.ndarray
        Each of shape (...). Azimuth in [0, 2 pi); 0 at the origin.

    References
    ----------
    Bar-Shalom, Li & Kirubarajan 2001 (spherical measurement coordinates); Skolnik 2001, ch. 1
    (azimuth/elevation conventions of surveillance radar).
    """
    enu = _f64(enu_m)
    east, north, up = enu[..., 0], enu[..., 1], enu[..., 2]
    horizontal = np.hypot(east, north)
    range_m = np.hypot(horizontal, up)
    azimuth = azimuth_rad(enu)
    elevation = np.arctan2(up, horizontal)
    return (
        np.asarray(range_m, dtype=np.float64),
        np.asarray(azimuth, dtype=np.float64),
        np.asarray(elevation, dtype=np.float64),
    )


def azimuth_rad(enu_m: FloatArray) -> FloatArray:
    """The azimuth of :func:`enu_to_spherical` alone (the same floats), for a reader that needs it of
    a few of the points whose range and elevation it took: ``atan2(e, n) mod 2 pi`` in [0, 2 pi).

    Parameters
    ----------
    enu_m : numpy.ndarray, shape (..., 3), float64
        East, north, up, m, relative to the antenna.
    """
    # the turn taken modulo 2 pi (compiled: NumPy's remainder costs more than the arc tangents); a
    # tiny negative angle rounds up to exactly 2 pi, which is 0
    bearing = np.asarray(np.arctan2(enu_m[..., 0], enu_m[..., 1]), dtype=np.float64)
    return _frames_kernels.azimuth_turn(bearing.reshape(-1)).reshape(bearing.shape)


def spherical_to_enu(range_m: ArrayLike, azimuth_rad: ArrayLike, elevation_rad: ArrayLike) -> FloatArray:
    """Range, azimuth (clockwise from north) and elevation to local ENU.

    .. math:: e = R\\cos E\\sin A,\\quad n = R\\cos E\\cos A,\\quad u = R\\sin E

    Parameters
    ----------
    range_m, azimuth_rad, elevation_rad : array_like
        Spherical coordinates (broadcast together).

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        East, north, up, m.

    References
    ----------
    Bar-Shalom, Li & Kirubarajan 2001 (polar/spherical-to-Cartesian conversion).
    """
    r, az, el = np.broadcast_arrays(_f64(range_m), _f64(azimuth_rad), _f64(elevation_rad))
    horizontal = r * np.cos(el)
    return np.stack((horizontal * np.sin(az), horizontal * np.cos(az), r * np.sin(el)), axis=-1)


def spherical_jacobian(range_m: ArrayLike, azimuth_rad: ArrayLike, elevation_rad: ArrayLike) -> FloatArray:
    """Jacobian of :func:`spherical_to_enu`, d(e, n, u) / d(R, A, E).

    .. math::
        J = \\begin{pmatrix}
            \\cos E\\sin A & R\\cos E\\cos A & -R\\sin E\\sin A \\\\
            \\cos E\\cos A & -R\\cos E\\sin A & -R\\sin E\\cos A \\\\
            \\sin E & 0 & R\\cos E
        \\end{pmatrix}

    Parameters
    ----------
    range_m, azimuth_rad, elevation_rad : array_like
        Point of linearisation (broadcast together).

    Returns
    -------
    numpy.ndarray, shape (..., 3, 3)
        Rows (e, n, u), columns (R, A, E).

    References
    ----------
    Bar-Shalom, Li & Kirubarajan 2001 (linearised coordinate conversion).
    """
    r, az, el = np.broadcast_arrays(_f64(range_m), _f64(azimuth_rad), _f64(elevation_rad))
    sa, ca = np.sin(az), np.cos(az)
    se, ce = np.sin(el), np.cos(el)
    jac = np.empty((*r.shape, 3, 3), dtype=np.float64)
    jac[..., 0, 0] = ce * sa
    jac[..., 0, 1] = r * ce * ca
    jac[..., 0, 2] = -r * se * sa
    jac[..., 1, 0] = ce * ca
    jac[..., 1, 1] = -r * ce * sa
    jac[..., 1, 2] = -r * se * ca
    jac[..., 2, 0] = se
    jac[..., 2, 1] = 0.0
    jac[..., 2, 2] = r * ce
    return jac


def converted_measurement_covariance(
    range_m: ArrayLike,
    azimuth_rad: ArrayLike,
    elevation_rad: ArrayLike,
    sigma_range_m: ArrayLike,
    sigma_azimuth_rad: ArrayLike,
    sigma_elevation_rad: ArrayLike,
) -> FloatArray:
    """ENU covariance of a converted radar measurement by linearisation (first-order propagation).

    .. math:: R_c = J\\, \\mathrm{diag}(\\sigma_R^2, \\sigma_A^2, \\sigma_E^2)\\, J^T

    with J from :func:`spherical_jacobian` evaluated at the (measured) point. Independent range,
    azimuth and elevation errors. See the module notes for the domain where this linearised form
    is consistent (``r sigma_angle^2 / sigma_r < 0.4``).

    Parameters
    ----------
    range_m, azimuth_rad, elevation_rad : array_like
        Measured spherical coordinates, shape (k,) (or any broadcast shape).
    sigma_range_m, sigma_azimuth_rad, sigma_elevation_rad : array_like
        One-sigma measurement errors (broadcast against the measurements).

    Returns
    -------
    numpy.ndarray, shape (k, 3, 3)
        Symmetric positive semi-definite covariance in ENU, m^2 (shape (..., 3, 3) in general).

    References
    ----------
    Bar-Shalom, Li & Kirubarajan 2001 (covariance of the converted measurement, linearised);
    Lerro & Bar-Shalom 1993 (consistency limit of the linearised conversion).
    """
    r, az, el, s_r, s_az, s_el = np.broadcast_arrays(
        _f64(range_m),
        _f64(azimuth_rad),
        _f64(elevation_rad),
        _f64(sigma_range_m),
        _f64(sigma_azimuth_rad),
        _f64(sigma_elevation_rad),
    )
    jac = spherical_jacobian(r, az, el)
    variances = np.stack((s_r**2, s_az**2, s_el**2), axis=-1)
    weighted = jac * variances[..., np.newaxis, :]
    # J diag(s^2) J^T, made exactly symmetric (the product's rounding leaves ~1e-16 relative
    # asymmetry; filters want exact symmetry), compiled over the stack
    cov = _frames_kernels.symmetric_product(
        np.ascontiguousarray(weighted.reshape(-1, 3, 3)), np.ascontiguousarray(jac.reshape(-1, 3, 3))
    )
    return cov.reshape(jac.shape)


def converted_measurement(
    range_m: FloatArray,
    azimuth_rad: FloatArray,
    elevation_rad: FloatArray,
    sigma_range_m: float,
    sigma_azimuth_rad: float,
    sigma_elevation_rad: float,
    origin_enu_m: ArrayLike = (0.0, 0.0, 0.0),
) -> tuple[FloatArray, FloatArray]:
    """A radar's spherical measurements converted for a Cartesian tracker: the ENU points
    (:func:`spherical_to_enu`, shifted by the antenna's position ``origin_enu_m``) and their
    linearised covariances (:func:`converted_measurement_covariance`,
    ``R_c = J diag(sigma_R^2, sigma_A^2, sigma_E^2) J^T``), with the same floats as those two
    functions, for 1-D arrays of one length and one radar's accuracies: the sines and cosines of the
    angles are taken once for both, and the products between them run compiled.

    Returns
    -------
    enu_m : numpy.ndarray, shape (k, 3)
    covariance_m2 : numpy.ndarray, shape (k, 3, 3)

    References
    ----------
    Bar-Shalom, Li & Kirubarajan 2001 (polar/spherical-to-Cartesian conversion; covariance of the
    converted measurement, linearised).
    """
    r, az, el = _f64(range_m), _f64(azimuth_rad), _f64(elevation_rad)
    variances = np.square(np.array([sigma_range_m, sigma_azimuth_rad, sigma_elevation_rad], dtype=np.float64))
    enu, jac, weighted = _frames_kernels.enu_and_jacobian(
        r, np.sin(az), np.cos(az), np.sin(el), np.cos(el), variances, _f64(origin_enu_m)
    )
    return enu, _frames_kernels.symmetric_product(weighted, jac)
