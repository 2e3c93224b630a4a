"""Radar receive antenna pattern: main lobe, sidelobe floor and sidelobe canceller.

Jamming reaches a radar through the antenna gain in the jammer's direction while the beam looks
elsewhere, so the jammer-to-noise ratio of a look depends on the angle between the look and the
jammer. The pattern is the one of a uniformly illuminated rectangular aperture in each principal
plane, separable in the two plane angles,

.. math::
    g(u, v) = \\mathrm{sinc}^2(x_u)\\,\\mathrm{sinc}^2(x_v), \\qquad
    x = \\xi_{3}\\,\\frac{\\sin\\theta}{\\sin(\\theta_{3}/2)}, \\quad \\xi_3 = 1.3916

(``sinc(x) = sin x / x``; ``xi_3`` is where ``sinc^2`` falls to one half, so the half-power width is
the catalog beamwidth ``theta_3``), inside the main lobe (``|x| < pi`` in both planes), and a
constant average sidelobe level ``SLL`` (dB below the peak) outside it — the sidelobe envelope of a
low-sidelobe array is flat to a few dB and set by its illumination taper and errors, not by the
uniform aperture's -13.2 dB first sidelobe. Inside the main lobe the pattern is floored at the
sidelobe level (the uniform pattern dips into nulls a real array fills). A sidelobe canceller
(auxiliary antennas whose adaptively weighted outputs subtract the jamming received in the
sidelobes) lowers noise jamming entering outside the main lobe by its cancellation ratio. A
sidelobe *blanker* does nothing against continuous noise (it would blank every range cell) and
acts on pulses only: a guard (auxiliary) antenna whose gain lies between the main lobe and the main
antenna's sidelobes feeds a second receiver, and a range cell is blanked when the guard channel's
output exceeds the main channel's by the blanking ratio ``F`` — for a pulse far above the noise, when
``G_guard - g(u, v) > F`` in dB (:func:`sidelobe_blanked`): a pulsed false target entering through the
sidelobes is removed, one in the main lobe passes.

The main-lobe angles are sines of the plane angles between the look direction and the jammer in
the beam's frame (horizontal ``u`` along increasing azimuth, ``v`` toward increasing elevation):
the pattern of a planar aperture is a function of the direction sines.

References
----------
C. A. Balanis, *Antenna Theory*, 4th ed., Wiley, 2016, ch. 12 (uniform rectangular aperture:
    ``sinc`` pattern, half-power point 1.391, first sidelobe -13.26 dB).
M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed., McGraw-Hill, 2001, ch. 9 (antenna
    patterns, low-sidelobe arrays) and ch. 10 (sidelobe cancellers and blankers).
A. Farina, "Electronic counter-countermeasures", ch. 24 of M. I. Skolnik (ed.), *Radar Handbook*,
    3rd ed., McGraw-Hill, 2008 (sidelobe canceller cancellation ratio; blanker against pulses).
D. C. Schleher, *Electronic Warfare in the Information Age*, Artech House, 1999 (stand-off
    jamming through the sidelobes).
L. Maisel, "Performance of sidelobe blanking systems", *IEEE Trans. Aerospace and Electronic
    Systems* AES-4(2), 174-180, 1968 (guard channel, blanking ratio).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from samsim.arrays import BoolArray, FloatArray

HALF_POWER_X = 1.391557  # sinc^2(x) = 1/2 (Balanis 2016, ch. 12)


class AntennaPattern(NamedTuple):
    """A radar's receive antenna (all angles in radians, levels in dB).

    Attributes
    ----------
    gain_db : main-lobe peak gain, dBi.
    beamwidth_az_rad, beamwidth_el_rad : half-power beamwidths in the two principal planes.
    sidelobe_db : average sidelobe level relative to the peak (negative).
    canceller_db : sidelobe canceller cancellation ratio for noise jamming (0: none).
    """

    gain_db: float
    beamwidth_az_rad: float
    beamwidth_el_rad: float
    sidelobe_db: float
    canceller_db: float


def _f64(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def unit_vectors(azimuth_rad: ArrayLike, elevation_rad: ArrayLike) -> FloatArray:
    """ENU unit vectors of directions given by azimuth (from north, clockwise) and elevation."""
    az, el = _f64(azimuth_rad), _f64(elevation_rad)
    return np.stack([np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)], axis=-1)


def beam_sines(
    look_az_rad: ArrayLike, look_el_rad: ArrayLike, direction_enu: ArrayLike
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Direction sines ``(u, v)`` of ``direction_enu`` in the frame of a beam looking at
    ``(look_az_rad, look_el_rad)``, and whether the direction is in front of the aperture.

    ``u`` is along the horizontal unit vector of increasing azimuth, ``v`` along the vector of
    increasing elevation; both vanish on boresight. The look angles broadcast against
    ``direction_enu[..., 0]`` (e.g. looks ``(n, 1)`` against directions ``(n, m, 3)``); the
    directions need not be normalised.
    """
    az, el = _f64(look_az_rad), _f64(look_el_rad)
    d = _f64(direction_enu)
    d = d / np.maximum(np.linalg.norm(d, axis=-1, keepdims=True), 1e-300)
    bore = unit_vectors(az, el)
    right = np.stack([np.cos(az), -np.sin(az), np.zeros_like(az)], axis=-1)
    up = np.stack([-np.sin(az) * np.sin(el), -np.cos(az) * np.sin(el), np.cos(el)], axis=-1)
    u = np.sum(d * right, axis=-1)
    v = np.sum(d * up, axis=-1)
    front = np.sum(d * bore, axis=-1) > 0.0
    return np.asarray(u, np.float64), np.asarray(v, np.float64), np.asarray(front, np.bool_)


def sinc2(x: ArrayLike) -> FloatArray:
    """``(sin x / x)^2`` with its limit 1 at 0."""
    return np.asarray(np.sinc(_f64(x) / np.pi) ** 2, dtype=np.float64)


def relative_gain_db(
    antenna: AntennaPattern, u: ArrayLike, v: ArrayLike, front: ArrayLike | None = None
) -> FloatArray:
    """Receive gain toward direction sines ``(u, v)`` relative to the main-lobe peak, dB, for noise
    jamming (sidelobe canceller applied outside the main lobe).

    Parameters
    ----------
    antenna : AntennaPattern
        The radar's antenna.
    u, v : array_like
        Direction sines in the beam frame (:func:`beam_sines`).
    front : array_like of bool, optional
        Whether the direction is in front of the aperture (default: all); behind it is sidelobe.

    Returns
    -------
    numpy.ndarray
        Gain relative to the peak, dB (0 on boresight).

    References
    ----------
    Balanis 2016, ch. 12 (uniform aperture pattern); Skolnik 2001, ch. 9-10 (sidelobe level,
    sidelobe canceller); Farina 2008 (cancellation ratio).
    """
    xu = HALF_POWER_X * _f64(u) / np.sin(antenna.beamwidth_az_rad / 2.0)
    xv = HALF_POWER_X * _f64(v) / np.sin(antenna.beamwidth_el_rad / 2.0)
    main = (np.abs(xu) < np.pi) & (np.abs(xv) < np.pi)
    if front is not None:
        main &= np.asarray(front, dtype=bool)
    with np.errstate(divide="ignore"):
        main_db = 10.0 * np.log10(sinc2(xu) * sinc2(xv))
    side_db = antenna.sidelobe_db - antenna.canceller_db
    return np.asarray(np.where(main, np.maximum(main_db, antenna.sidelobe_db), side_db), np.float64)


def first_null_rad(beamwidth_rad: float) -> float:
    """Angle of the first null of the uniform-aperture pattern with half-power width ``beamwidth_rad``:
    ``sin(theta_0) = pi sin(theta_3 / 2) / xi_3``, about 1.13 beamwidths (Balanis 2016, ch. 12)."""
    return float(np.arcsin(min(1.0, np.pi * np.sin(beamwidth_rad / 2.0) / HALF_POWER_X)))


def pulse_gain_db(
    antenna: AntennaPattern, u: ArrayLike, v: ArrayLike, front: ArrayLike | None = None
) -> FloatArray:
    """Receive gain toward ``(u, v)`` relative to the peak for a *pulse*, dB: the pattern of
    :func:`relative_gain_db` without the sidelobe canceller, whose adaptive loop is set on
    continuous noise and does not cancel a short pulse (Farina 2008)."""
    return relative_gain_db(antenna._replace(canceller_db=0.0), u, v, front)


def sidelobe_blanked(main_gain_db: ArrayLike, guard_gain_db: float, blanking_ratio_db: float) -> BoolArray:
    """Whether a sidelobe blanker blanks a pulse received with main-antenna gain ``main_gain_db``
    (relative to the main-lobe peak), by a guard antenna of gain ``guard_gain_db`` (same reference):
    it compares the two channels' outputs and blanks when the guard's exceeds the main's by the
    blanking ratio, ``guard_gain_db - main_gain_db > blanking_ratio_db``. Both channels see the same
    incident pulse, so for a pulse far above the noise the decision is this gain comparison (Maisel
    1968; Farina 2008; Skolnik 2001, ch. 10)."""
    return np.asarray(guard_gain_db - _f64(main_gain_db) > blanking_ratio_db, dtype=np.bool_)
