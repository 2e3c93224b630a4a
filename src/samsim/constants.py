"""Physical constants and earth models: one definition each, imported everywhere else.

References
----------
NIMA TR8350.2, *Department of Defense World Geodetic System 1984*, 3rd ed., 2000 (WGS-84 ellipsoid,
GM). Moritz, H., "Geodetic Reference System 1980", J. Geodesy 74, 2000 (mean radius R1 = (2a + b)/3).
CODATA 2018 (speed of light, Boltzmann constant; exact SI values). ISO 2533:1975 (standard gravity).
Skolnik, M. I., *Introduction to Radar Systems*, 3rd ed., 2001, ch. 2 and 8 (T0 = 290 K; k = 4/3).
"""

from __future__ import annotations

WGS84_A_M = 6_378_137.0
"""WGS-84 semi-major axis."""
WGS84_F = 1.0 / 298.257223563
"""WGS-84 flattening."""
WGS84_B_M = WGS84_A_M * (1.0 - WGS84_F)
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
"""First eccentricity squared."""
WGS84_EP2 = WGS84_E2 / (1.0 - WGS84_E2)
"""Second eccentricity squared."""

MEAN_EARTH_RADIUS_M = 6_371_008.8
"""IUGG mean earth radius R1 = (2a + b) / 3: the sphere of the horizon, curvature and flyout models."""
GM_M3PS2 = 3.986004418e14
"""WGS-84 geocentric gravitational constant."""
G0_MPS2 = 9.80665
"""Standard gravity (ISO 2533): g-load conversions and the specific impulse."""

STANDARD_REFRACTION_K = 4.0 / 3.0
"""Effective earth-radius factor of the standard atmosphere (Skolnik 2001, ch. 8)."""

SPEED_OF_LIGHT_MPS = 299_792_458.0
BOLTZMANN_J_PER_K = 1.380649e-23
REFERENCE_TEMPERATURE_K = 290.0
"""Standard noise temperature T0 (IEEE Std 145)."""

RADAR_BANDS_GHZ: tuple[tuple[str, float, float], ...] = (
    ("HF", 0.003, 0.03),
    ("VHF", 0.03, 0.3),
    ("UHF", 0.3, 1.0),
    ("L", 1.0, 2.0),
    ("S", 2.0, 4.0),
    ("C", 4.0, 8.0),
    ("X", 8.0, 12.0),
    ("Ku", 12.0, 18.0),
    ("K", 18.0, 27.0),
    ("Ka", 27.0, 40.0),
    ("V", 40.0, 75.0),
    ("W", 75.0, 110.0),
)
"""IEEE radar letter bands (IEEE Std 521-2019, Table 1): name, lower and upper edge, GHz."""
