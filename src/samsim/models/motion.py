"""Threat motion in closed form: waypoint routes over the WGS-84 ellipsoid, sampled in time.

A route is a chain of geodesic legs. Corners are flown as circular fillets whose radius comes from
the threat's load-factor limit (a level coordinated turn at load factor n has horizontal acceleration
g·sqrt(n² − 1)); each waypoint's ``speed_mps`` and altitude are flown on the leg that starts there,
and the altitude moves towards the new value at the catalog climb rate from the waypoint on. Heights
may be above mean sea level or above ground (``agl``, terrain-following once reached). A weave adds a
sinusoidal lateral offset y = A sin(ωt) with A = a/ω², so its lateral acceleration is exactly a.

Everything is evaluated at once on a time grid (no integration loop), which is what lets the engine
ask for positions only at the times that matter.

References
----------
B. L. Stevens, F. L. Lewis, E. N. Johnson, "Aircraft Control and Simulation", 3rd ed., Wiley 2016,
§2.5 (coordinated turn: turn radius V² / (g sqrt(n² − 1))).
C. F. F. Karney, "Algorithms for geodesics", J. Geodesy 87, 2013 (legs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from samsim.arrays import FloatArray
from samsim.constants import G0_MPS2
from samsim.geodesy import geodesic_direct, geodesic_inverse, geodetic_to_ecef

GroundHeight = Callable[[FloatArray, FloatArray], FloatArray]
"""Terrain height above MSL in metres at (lat_deg, lon_deg) arrays."""

COARSE_STEP_S = 2.0  # geodesic evaluations; lat/lon are linear in between to well under a metre
MIN_CLEARANCE_M = 5.0


@dataclass(frozen=True)
class SampledPath:
    """A flight sampled on a regular time grid (the last sample is the end of the flight)."""

    time_s: FloatArray
    lat_deg: FloatArray
    lon_deg: FloatArray
    alt_m: FloatArray
    ecef_m: FloatArray

    @property
    def start_s(self) -> float:
        return float(self.time_s[0])

    @property
    def end_s(self) -> float:
        return float(self.time_s[-1])


def turn_acceleration_mps2(max_g: float) -> float:
    """Horizontal acceleration of a level coordinated turn at load factor ``max_g``: g sqrt(n² − 1).

    Below n = 1.15 a level turn is barely possible; the floor of 0.5 g keeps routes flyable for
    vehicles whose catalog limit is that low (documented assumption).
    """
    return float(G0_MPS2 * max(np.sqrt(max(max_g * max_g - 1.0, 0.0)), 0.5))


def _wrap_deg(a: FloatArray) -> FloatArray:
    return np.asarray((a + 180.0) % 360.0 - 180.0, dtype=np.float64)


def _unwrap_deg(a: FloatArray) -> FloatArray:
    """``numpy.unwrap(a, period=360.0)`` of a 1-D array, the same floats: where no step reaches half a
    turn (a route's samples, as a rule) every correction is +0, which NumPy's form adds to ``a[1:]``;
    otherwise NumPy's own."""
    steps = np.diff(a)
    if not (np.abs(steps) < 180.0).all():
        return np.asarray(np.unwrap(a, period=360.0), dtype=np.float64)
    out = np.array(a, dtype=np.float64)
    out[1:] += 0.0  # -0 becomes +0, as a + cumsum of +0 corrections makes it
    return out


def flat_ground(height_m: float) -> GroundHeight:
    """A ground model at constant height above MSL (used when the scenario has no DEM)."""

    def ground(lat_deg: FloatArray, lon_deg: FloatArray) -> FloatArray:
        return np.full(np.shape(lat_deg), height_m, dtype=np.float64)

    return ground


def fly_route(
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    alt_m: ArrayLike,
    speed_mps: ArrayLike,
    agl: ArrayLike,
    *,
    start_s: float,
    dt_s: float,
    climb_rate_mps: float,
    max_g: float,
    ground_height: GroundHeight,
    weave_g: float = 0.0,
    weave_period_s: float = 0.0,
) -> SampledPath:
    """Fly a waypoint route and sample it every ``dt_s`` from ``start_s`` to the last waypoint.

    Parameters
    ----------
    lat_deg, lon_deg, alt_m, speed_mps, agl : (n,) arrays
        Waypoints (n >= 2). ``speed_mps[k]`` and ``alt_m[k]`` are flown on the leg that starts at
        waypoint k; ``agl[k]`` makes ``alt_m[k]`` a height above ``ground_height``.
    start_s : time at the first waypoint.
    dt_s : sampling interval of the result.
    climb_rate_mps : maximum rate of climb or descent.
    max_g : load-factor limit, which sets the corner radius.
    ground_height : terrain height above MSL at (lat, lon).
    weave_g, weave_period_s : lateral sinusoidal weave of that acceleration (in g) and period.
    """
    lat = np.asarray(lat_deg, dtype=np.float64)
    lon = np.asarray(lon_deg, dtype=np.float64)
    alt_cmd = np.asarray(alt_m, dtype=np.float64)
    speed = np.asarray(speed_mps, dtype=np.float64)
    above_ground = np.asarray(agl, dtype=bool)
    n_wp = lat.size
    assert n_wp >= 2 and np.all(speed[:-1] > 0)

    az_start, back_az, length = geodesic_inverse(lat[:-1], lon[:-1], lat[1:], lon[1:])
    az_end = _wrap_deg(back_az + 180.0)
    n_legs = n_wp - 1

    # Corner fillets at the interior waypoints.
    turn_deg = _wrap_deg(az_start[1:] - az_end[:-1]) if n_legs > 1 else np.zeros(0)
    half = np.radians(np.abs(turn_deg)) / 2.0
    radius = speed[1:-1] ** 2 / turn_acceleration_mps2(max_g)
    cut = radius * np.tan(np.minimum(half, np.radians(85.0)))
    cut_cap = 0.45 * np.minimum(length[:-1], length[1:])
    cut = np.minimum(cut, cut_cap)
    radius = np.where(half > 1e-9, cut / np.tan(np.maximum(half, 1e-9)), 0.0)
    cut_at_start = np.concatenate([[0.0], cut])
    cut_at_end = np.concatenate([cut, [0.0]])
    straight_len = np.maximum(length - cut_at_start - cut_at_end, 0.0)
    arc_len = radius * 2.0 * half

    # Pieces in flight order: straight_0, arc_1, straight_1, ..., straight_{n-2}.
    piece_len = np.empty(2 * n_legs - 1)
    piece_len[0::2] = straight_len
    piece_len[1::2] = arc_len
    piece_speed = np.empty_like(piece_len)
    piece_speed[0::2] = speed[:-1]
    piece_speed[1::2] = speed[1:-1]
    piece_dur = piece_len / piece_speed
    piece_t0 = start_s + np.concatenate([[0.0], np.cumsum(piece_dur)[:-1]])
    end_s = start_s + float(piece_dur.sum())

    def ground_track(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        piece = np.clip(np.searchsorted(piece_t0, t, side="right") - 1, 0, piece_len.size - 1)
        u = np.clip((t - piece_t0[piece]) * piece_speed[piece], 0.0, piece_len[piece])
        out_lat = np.empty_like(t)
        out_lon = np.empty_like(t)
        out_hdg = np.empty_like(t)
        straight = piece % 2 == 0
        if np.any(straight):
            leg = piece[straight] // 2
            la, lo, hd = geodesic_direct(lat[leg], lon[leg], az_start[leg], cut_at_start[leg] + u[straight])
            out_lat[straight], out_lon[straight], out_hdg[straight] = la, lo, hd
        arc = ~straight
        if np.any(arc):
            corner = piece[arc] // 2  # index into the interior-corner arrays
            wp = corner + 1
            sign = np.sign(turn_deg[corner])
            r = radius[corner]
            az_in = np.radians(az_end[corner])
            t1_e = -cut[corner] * np.sin(az_in)
            t1_n = -cut[corner] * np.cos(az_in)
            c_e = t1_e + r * sign * np.cos(az_in)
            c_n = t1_n - r * sign * np.sin(az_in)
            hdg = az_in + sign * u[arc] / np.maximum(r, 1e-9)
            e = c_e - r * sign * np.cos(hdg)
            n = c_n + r * sign * np.sin(hdg)
            la, lo, _ = geodesic_direct(lat[wp], lon[wp], np.degrees(np.arctan2(e, n)), np.hypot(e, n))
            out_lat[arc], out_lon[arc], out_hdg[arc] = la, lo, np.degrees(hdg)
        return out_lat, out_lon, out_hdg

    n_fine = max(int(np.ceil((end_s - start_s) / dt_s - 1e-9)), 1) + 1
    t_fine = np.asarray(start_s + np.arange(n_fine) * dt_s, dtype=np.float64)
    t_fine[-1] = end_s
    n_coarse = max(int(np.ceil((end_s - start_s) / COARSE_STEP_S)), 1) + 1
    # Corner arcs are evaluated on the fine grid itself: interpolating a circle between coarse
    # samples would concentrate its acceleration at the knots.
    fine_piece = np.clip(np.searchsorted(piece_t0, t_fine, side="right") - 1, 0, piece_len.size - 1)
    t_coarse = np.unique(
        np.concatenate(
            [np.linspace(start_s, end_s, n_coarse), piece_t0, [end_s], t_fine[fine_piece % 2 == 1]]
        )
    )
    c_lat, c_lon, c_hdg = ground_track(t_coarse)
    f_lat = np.interp(t_fine, t_coarse, c_lat)
    f_lon = _wrap_deg(np.interp(t_fine, t_coarse, _unwrap_deg(c_lon)))
    f_hdg = np.interp(t_fine, t_coarse, _unwrap_deg(c_hdg))

    # Altitude: leg k's command starts at waypoint k (the middle of its corner arc).
    ground = ground_height(f_lat, f_lon)
    leg_start_t = np.concatenate([[start_s], piece_t0[1::2] + piece_dur[1::2] / 2.0])
    leg_of_t = np.clip(np.searchsorted(leg_start_t, t_fine, side="right") - 1, 0, n_legs - 1)
    alt = np.empty(n_fine)
    level = float(alt_cmd[0] + (ground[0] if above_ground[0] else 0.0))
    for k in range(n_legs):
        sel = leg_of_t == k
        if not np.any(sel):
            continue
        target = alt_cmd[k] + np.where(above_ground[k], ground[sel], 0.0)
        offset0 = level - target[0]
        tau = t_fine[sel] - leg_start_t[k]
        remaining = (
            np.maximum(np.abs(offset0) - climb_rate_mps * tau, 0.0)
            if climb_rate_mps > 0
            else np.abs(offset0) * np.ones_like(tau)
        )
        alt[sel] = target + np.sign(offset0) * remaining
        level = float(alt[sel][-1])
    alt = np.maximum(alt, ground + MIN_CLEARANCE_M)

    ecef = geodetic_to_ecef(f_lat, f_lon, alt)
    if weave_g > 0.0 and weave_period_s > 0.0:
        omega = 2.0 * np.pi / weave_period_s
        lateral = weave_g * G0_MPS2 / omega**2 * np.sin(omega * (t_fine - start_s))
        ecef = ecef + lateral[:, None] * _right_unit_ecef(f_lat, f_lon, f_hdg)
    return SampledPath(time_s=t_fine, lat_deg=f_lat, lon_deg=f_lon, alt_m=alt, ecef_m=ecef)


def _right_unit_ecef(lat_deg: FloatArray, lon_deg: FloatArray, heading_deg: FloatArray) -> FloatArray:
    """Unit vector in ECEF pointing 90° right of the heading, in the local horizontal plane."""
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    east = np.stack([-np.sin(lon), np.cos(lon), np.zeros_like(lon)], axis=-1)
    north = np.stack([-np.sin(lat) * np.cos(lon), -np.sin(lat) * np.sin(lon), np.cos(lat)], axis=-1)
    h = np.radians(heading_deg)[:, None]
    return np.asarray(np.cos(h) * east - np.sin(h) * north, dtype=np.float64)
