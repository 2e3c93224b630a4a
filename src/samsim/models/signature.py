"""Target signatures over aspect and radar band: the geometry of stealth.

A shaped aircraft's radar cross section is not one number. In the optical region (features many
wavelengths long) shaping sends the energy away from the radar in a few chosen directions, so the
return is small from the front and large near the beam, where flat sides and edges face the radar,
and again from behind (nozzles, cavities). When the wavelength is comparable to the airframe's
features (VHF, UHF: metres to decimetres) the scattering is resonant, the shaping has little effect
and the cross section approaches that of the physical size (Knott, Shaeffer & Tuley, *Radar Cross
Section*, 2nd ed., SciTech, 2004, ch. 1-2 and 7: Rayleigh, resonance and optical regions; Skolnik,
*Introduction to Radar Systems*, 3rd ed., 2001, sec. 2.7).

This module holds the pure functions of that model:

* :func:`band_of_frequency` — the IEEE letter band of a radar frequency (IEEE Std 521-2019);
* :func:`nearest_band` — which band of a table serves a radar whose own band the table lacks;
* :func:`body_angles_deg` — aspect and elevation of the line of sight to a sensor in the target's body
  frame, the attitude taken from the velocity (no bank, no angle of attack);
* :func:`table_rcs_m2` — a cross section from an aspect (and optional elevation) table, interpolated
  linearly in dB and symmetric left/right, aspect 0 being nose-on.

Interpolating in dB keeps a table that spans four orders of magnitude (0.001 m² nose-on, 10 m² beam)
from being dominated by its largest values between grid points: half-way between -30 dBsm and
+10 dBsm is -10 dBsm, not 5 m².
"""

from __future__ import annotations

import math

import numpy as np

from samsim.arrays import FloatArray
from samsim.constants import RADAR_BANDS_GHZ, WGS84_A_M, WGS84_B_M
from samsim.models import _frames_kernels, _signature_kernels

__all__ = ["band_of_frequency", "body_angles_deg", "nearest_band", "table_rcs_m2"]

_A2 = WGS84_A_M**2
_B2 = WGS84_B_M**2


def band_of_frequency(frequency_ghz: float) -> str:
    """The IEEE letter band of a frequency (IEEE Std 521-2019, Table 1).

    Parameters
    ----------
    frequency_ghz : the radar's carrier frequency, GHz.

    Returns
    -------
    The band's letter name (``"VHF"``, ``"UHF"``, ``"L"``, ``"S"``, ``"C"``, ``"X"``, ...). A frequency
    on a band edge belongs to the upper band (2.0 GHz is S).

    References
    ----------
    IEEE Std 521-2019, *IEEE Standard Letter Designations for Radar-Frequency Bands*.
    """
    f = float(frequency_ghz)
    for name, lo, hi in RADAR_BANDS_GHZ:
        if lo <= f < hi:
            return name
    raise ValueError(f"{f:g} GHz is outside the IEEE radar letter bands")


def _band_centre_log(name: str) -> float:
    for band, lo, hi in RADAR_BANDS_GHZ:
        if band == name:
            return 0.5 * (math.log(lo) + math.log(hi))
    raise ValueError(f"unknown radar band {name!r}")


def nearest_band(available: tuple[str, ...] | list[str], band: str) -> str:
    """The band of ``available`` closest to ``band`` in log-frequency (its geometric centre).

    A table that gives X-band values serves a Ku-band radar; one without UHF values serves a UHF radar
    from VHF or L, whichever centre is nearer. A band that is in ``available`` is its own answer.
    """
    if band in available:
        return band
    assert available, "an RCS table has at least one band"
    target = _band_centre_log(band)
    return min(available, key=lambda b: abs(_band_centre_log(b) - target))


def body_angles_deg(
    velocity_ecef_mps: FloatArray, target_ecef_m: FloatArray, sensor_ecef_m: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Aspect and elevation of the sensor as seen from the target's body frame.

    The body frame follows the velocity: forward along it, no bank, so the wings lie in the plane
    holding the velocity and the local horizontal normal to it (up is the WGS-84 ellipsoid normal at
    the target). With ``l`` the unit line of sight from the target to the sensor, ``f`` forward,
    ``r = f × up / |f × up|`` the right wing and ``u = r × f`` the body's up:

    ``aspect = atan2(l·r, l·f)`` in [0°, 360°): 0 nose-on, 90 from the right, 180 tail-on, 270 left;
    ``elevation = asin(l·u)``: positive when the sensor is above the wing plane (a ground radar sees a
    level aircraft from below, at negative elevation).

    A target at rest (speed under 1 mm/s) or flying straight up takes the horizontal direction to the
    sensor as forward: it is seen nose-on.

    Parameters
    ----------
    velocity_ecef_mps : (..., 3) target velocities in ECEF.
    target_ecef_m : (..., 3) target positions in ECEF.
    sensor_ecef_m : (..., 3) or (3,) sensor positions in ECEF.

    Returns
    -------
    (aspect_deg, elevation_deg), each of the leading shape.

    References
    ----------
    Zipfel, P. H., *Modeling and Simulation of Aerospace Vehicle Dynamics*, 2nd ed., AIAA, 2007,
    ch. 3 (body and velocity coordinate systems; with zero angle of attack and sideslip they coincide).
    """
    v = np.asarray(velocity_ecef_mps, dtype=np.float64)
    p = np.asarray(target_ecef_m, dtype=np.float64)
    sensor = np.asarray(sensor_ecef_m, dtype=np.float64)
    if _rows_and_one_sensor(v, p, sensor):
        # rows of targets and one sensor: the vector algebra below compiled, the angles NumPy's
        right_c, fwd_c, up_c = _signature_kernels.body_frame_components(v, p, sensor, _A2, _B2)
        return _aspect_deg(right_c, fwd_c), np.asarray(np.degrees(np.arcsin(up_c)), dtype=np.float64)
    los = sensor - p
    los = los / np.maximum(np.linalg.norm(los, axis=-1, keepdims=True), 1e-9)
    # Geodetic up: the ellipsoid normal (x/a², y/a², z/b²), normalised.
    up = p / np.array([_A2, _A2, _B2])
    up = up / np.linalg.norm(up, axis=-1, keepdims=True)
    horiz = v - np.sum(v * up, axis=-1, keepdims=True) * up
    los_h = los - np.sum(los * up, axis=-1, keepdims=True) * up
    degenerate = (np.linalg.norm(v, axis=-1) < 1e-3) | (np.linalg.norm(horiz, axis=-1) < 1e-6)
    fwd = np.where(degenerate[..., None], los_h, v)
    fwd = fwd / np.maximum(np.linalg.norm(fwd, axis=-1, keepdims=True), 1e-12)
    right = np.cross(fwd, up)
    right = right / np.maximum(np.linalg.norm(right, axis=-1, keepdims=True), 1e-12)
    body_up = np.cross(right, fwd)
    aspect = np.degrees(np.arctan2(np.sum(los * right, axis=-1), np.sum(los * fwd, axis=-1))) % 360.0
    elevation = np.degrees(np.arcsin(np.clip(np.sum(los * body_up, axis=-1), -1.0, 1.0)))
    return np.asarray(aspect, dtype=np.float64), np.asarray(elevation, dtype=np.float64)


def body_aspect_deg(
    velocity_ecef_mps: FloatArray, target_ecef_m: FloatArray, sensor_ecef_m: FloatArray
) -> FloatArray:
    """The aspect of :func:`body_angles_deg` alone, the same floats, for a reader that needs no
    elevation (a table over aspect only)."""
    v = np.asarray(velocity_ecef_mps, dtype=np.float64)
    p = np.asarray(target_ecef_m, dtype=np.float64)
    sensor = np.asarray(sensor_ecef_m, dtype=np.float64)
    if _rows_and_one_sensor(v, p, sensor):
        right_c, fwd_c, _ = _signature_kernels.body_frame_components(v, p, sensor, _A2, _B2)
        return _aspect_deg(right_c, fwd_c)
    return body_angles_deg(v, p, sensor)[0]


def _rows_and_one_sensor(v: FloatArray, p: FloatArray, sensor: FloatArray) -> bool:
    """Whether the angles are asked for rows of targets seen by one sensor (the compiled case)."""
    return v.ndim == 2 and v.shape == p.shape and v.shape[1] == 3 and sensor.shape == (3,)


def _aspect_deg(right_c: FloatArray, fwd_c: FloatArray) -> FloatArray:
    """Aspect in [0°, 360°) from the line of sight's right-wing and forward components."""
    return _frames_kernels.remainder(np.degrees(np.arctan2(right_c, fwd_c)), 360.0)


def _weights(grid: FloatArray, x: FloatArray) -> tuple[np.ndarray, np.ndarray, FloatArray]:
    """Grid cells around each ``x`` and the weight of the upper node (clamped at the ends)."""
    n = grid.size
    if n == 1:
        zero = np.zeros(x.shape, dtype=np.int64)
        return zero, zero, np.zeros(x.shape)
    xc = np.clip(x, grid[0], grid[-1])
    i1 = np.clip(np.searchsorted(grid, xc, side="right"), 1, n - 1)
    i0 = i1 - 1
    w = (xc - grid[i0]) / (grid[i1] - grid[i0])
    return i0, i1, np.asarray(w, dtype=np.float64)


def table_rcs_m2(
    aspect_grid_deg: FloatArray,
    rcs_grid_m2: FloatArray,
    aspect_deg: FloatArray,
    elevation_grid_deg: FloatArray | None = None,
    elevation_deg: FloatArray | None = None,
) -> FloatArray:
    """Cross section from a table over aspect (and elevation), linear in dB between nodes.

    The table is symmetric left/right: an aspect ``a`` in [0°, 360°) reads the table at
    ``min(a, 360 - a)``, so its grid covers [0°, 180°] (outside its first and last node the end values
    hold). With an elevation grid, ``rcs_grid_m2`` has shape (n_elevation, n_aspect) and the
    interpolation is bilinear in dB; without one, shape (n_aspect,) applies at every elevation.

    Parameters
    ----------
    aspect_grid_deg : (n_aspect,) increasing aspects of the table, degrees from the nose.
    rcs_grid_m2 : (n_aspect,) or (n_elevation, n_aspect) cross sections, m², all positive.
    aspect_deg : (...) aspects to read, degrees (any turn; 0 = nose-on, see :func:`body_angles_deg`).
    elevation_grid_deg : (n_elevation,) increasing elevations of the table, or None.
    elevation_deg : (...) elevations to read, degrees; needed with an elevation grid.

    Returns
    -------
    (...) cross sections, m².

    References
    ----------
    Knott, Shaeffer & Tuley, *Radar Cross Section*, 2nd ed., 2004, ch. 14 (RCS patterns plotted and
    tabulated in dBsm over aspect); Press et al., *Numerical Recipes*, 3rd ed., 2007, sec. 3.6
    (bilinear interpolation).
    """
    a = np.asarray(aspect_deg, dtype=np.float64)
    if a.ndim == 1 and (elevation_grid_deg is None or np.asarray(elevation_deg).shape in (a.shape, ())):
        return _table_rcs_rows_m2(aspect_grid_deg, rcs_grid_m2, a, elevation_grid_deg, elevation_deg)
    a = a % 360.0
    a = np.minimum(a, 360.0 - a)
    grid_a = np.asarray(aspect_grid_deg, dtype=np.float64)
    table_db = 10.0 * np.log10(np.asarray(rcs_grid_m2, dtype=np.float64))
    i0, i1, w = _weights(grid_a, a)
    if elevation_grid_deg is None:
        assert table_db.ndim == 1, "a table without elevations has one value per aspect"
        db = (1.0 - w) * table_db[i0] + w * table_db[i1]
    else:
        assert elevation_deg is not None, "a table over elevation needs the elevation to read"
        grid_e = np.asarray(elevation_grid_deg, dtype=np.float64)
        e = np.broadcast_to(np.asarray(elevation_deg, dtype=np.float64), a.shape)
        j0, j1, u = _weights(grid_e, e)
        lo = (1.0 - w) * table_db[j0, i0] + w * table_db[j0, i1]
        hi = (1.0 - w) * table_db[j1, i0] + w * table_db[j1, i1]
        db = (1.0 - u) * lo + u * hi
    return np.asarray(np.power(10.0, db / 10.0), dtype=np.float64)


def _table_rcs_rows_m2(
    aspect_grid_deg: FloatArray,
    rcs_grid_m2: FloatArray,
    aspect_deg: FloatArray,
    elevation_grid_deg: FloatArray | None,
    elevation_deg: FloatArray | None,
) -> FloatArray:
    """:func:`table_rcs_m2` of a 1-D array of aspects (and one elevation or one per aspect), the same
    floats: the aspects turned into [0°, 360°) as ``numpy.remainder``, the folding, cells, weights and
    interpolation in dB compiled, NumPy's logarithm of the table and power of the result."""
    a = _frames_kernels.remainder(np.ascontiguousarray(aspect_deg), 360.0)
    table_db = 10.0 * np.log10(np.asarray(rcs_grid_m2, dtype=np.float64))
    grid_a = np.asarray(aspect_grid_deg, dtype=np.float64)
    if elevation_grid_deg is None:
        assert table_db.ndim == 1, "a table without elevations has one value per aspect"
        grid_e, e, with_elevation = grid_a[:0], a[:0], False
    else:
        assert elevation_deg is not None, "a table over elevation needs the elevation to read"
        grid_e = np.asarray(elevation_grid_deg, dtype=np.float64)
        e = np.ascontiguousarray(np.broadcast_to(np.asarray(elevation_deg, dtype=np.float64), a.shape))
        with_elevation = True
    db_10 = _frames_kernels.table_db_over_10(grid_a, np.atleast_2d(table_db), a, grid_e, e, with_elevation)
    return np.asarray(np.power(10.0, db_10), dtype=np.float64)
