"""Ballistic trajectories: launch -> apogee -> impact on a Keplerian arc under central gravity.

Drag-free flight in the inverse-square field of a spherical earth (radius R, GM of WGS-84). For a
launch and an impact at the same radius r₁ separated by the central angle φ, the conic with apogee
radius rₐ has eccentricity e = (rₐ − r₁)/(rₐ − r₁ cos(φ/2)) and semi-latus rectum p = rₐ(1 − e),
apogee half-way. Time follows Kepler's equation. The ground track follows the ellipsoidal geodesic
from launch to impact, so the end points are exact. For short shots this tends to the flat-earth
parabola (apogee H, range D, flight time 2 sqrt(2H/g)).

References
----------
R. R. Bate, D. D. Mueller, J. E. White, "Fundamentals of Astrodynamics", Dover 1971, ch. 6
(ballistic missile trajectories) and §4.2 (Kepler's equation).
"""

from __future__ import annotations

import numpy as np

from samsim.arrays import FloatArray
from samsim.constants import GM_M3PS2, MEAN_EARTH_RADIUS_M
from samsim.geodesy import geodesic_direct, geodesic_inverse, geodetic_to_ecef
from samsim.models.motion import SampledPath


def kepler_arc(
    range_m: float, apogee_m: float, *, earth_radius_m: float = MEAN_EARTH_RADIUS_M, gm: float = GM_M3PS2
) -> tuple[float, float, float]:
    """Elements of the symmetric ballistic arc: (eccentricity, semi-major axis m, flight time s)."""
    r1 = earth_radius_m
    ra = earth_radius_m + apogee_m
    half = range_m / earth_radius_m / 2.0
    e = (ra - r1) / (ra - r1 * np.cos(half))
    p = ra * (1.0 - e)
    a = p / (1.0 - e * e)
    nu1 = np.pi - half
    m1 = _mean_anomaly(np.array([nu1]), e)[0]
    mean_motion = np.sqrt(gm / a**3)
    flight_s = 2.0 * (np.pi - m1) / mean_motion
    return float(e), float(a), float(flight_s)


def _mean_anomaly(nu: FloatArray, e: float) -> FloatArray:
    ecc = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(nu / 2.0), np.sqrt(1.0 + e) * np.cos(nu / 2.0))
    ecc = np.where(ecc < 0.0, ecc + 2.0 * np.pi, ecc)
    return np.asarray(ecc - e * np.sin(ecc), dtype=np.float64)


def _true_anomaly(mean: FloatArray, e: float) -> FloatArray:
    ecc = mean.copy()
    for _ in range(30):  # Newton on Kepler's equation; quadratic convergence from E = M
        step = (ecc - e * np.sin(ecc) - mean) / (1.0 - e * np.cos(ecc))
        ecc -= step
        if np.max(np.abs(step)) < 1e-13:
            break
    nu = 2.0 * np.arctan2(np.sqrt(1.0 + e) * np.sin(ecc / 2.0), np.sqrt(1.0 - e) * np.cos(ecc / 2.0))
    return np.asarray(np.where(nu < 0.0, nu + 2.0 * np.pi, nu), dtype=np.float64)


def ballistic_profile(
    range_m: float,
    apogee_m: float,
    time_s: FloatArray,
    *,
    earth_radius_m: float = MEAN_EARTH_RADIUS_M,
    gm: float = GM_M3PS2,
) -> tuple[FloatArray, FloatArray]:
    """Ground distance and altitude (m) at times since launch along the arc (clipped to the flight)."""
    e, a, flight_s = kepler_arc(range_m, apogee_m, earth_radius_m=earth_radius_m, gm=gm)
    half = range_m / earth_radius_m / 2.0
    nu1 = np.pi - half
    m1 = _mean_anomaly(np.array([nu1]), e)[0]
    mean_motion = np.sqrt(gm / a**3)
    t = np.clip(np.asarray(time_s, dtype=np.float64), 0.0, flight_s)
    nu = _true_anomaly(m1 + mean_motion * t, e)
    p = a * (1.0 - e * e)
    radius = p / (1.0 + e * np.cos(nu))
    ground = (nu - nu1) * earth_radius_m
    return np.asarray(ground, np.float64), np.asarray(radius - earth_radius_m, np.float64)


def fly_ballistic(
    launch_lat_deg: float,
    launch_lon_deg: float,
    impact_lat_deg: float,
    impact_lon_deg: float,
    apogee_m: float,
    *,
    launch_s: float,
    dt_s: float,
    launch_alt_m: float = 0.0,
    impact_alt_m: float = 0.0,
) -> SampledPath:
    """A ballistic missile's flight sampled every ``dt_s`` from launch to impact.

    Heights along the arc are taken above a reference surface that slopes linearly from the launch
    altitude to the impact altitude, so both end points sit on the ground (the slope is a few hundred
    metres over hundreds of kilometres, far below the arc's own height).
    """
    az, _, range_m = geodesic_inverse(launch_lat_deg, launch_lon_deg, impact_lat_deg, impact_lon_deg)
    distance = float(range_m)
    _, _, flight_s = kepler_arc(distance, apogee_m)
    n = max(int(np.ceil(flight_s / dt_s - 1e-9)), 1) + 1
    t = np.asarray(np.arange(n) * dt_s, dtype=np.float64)
    t[-1] = flight_s
    ground, height = ballistic_profile(distance, apogee_m, t)
    frac = np.clip(ground / max(distance, 1e-9), 0.0, 1.0)
    lat, lon, _ = geodesic_direct(
        np.full(n, launch_lat_deg), np.full(n, launch_lon_deg), np.full(n, float(az)), frac * distance
    )
    alt = np.maximum(height, 0.0) + launch_alt_m + (impact_alt_m - launch_alt_m) * frac
    return SampledPath(
        time_s=np.asarray(launch_s + t, dtype=np.float64),
        lat_deg=lat,
        lon_deg=lon,
        alt_m=alt,
        ecef_m=geodetic_to_ecef(lat, lon, alt),
    )
