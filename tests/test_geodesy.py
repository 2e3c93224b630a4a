"""Geodesy against closed forms and published reference values."""

from __future__ import annotations

import numpy as np
import pytest

from samsim import constants
from samsim import geodesy as geo


def test_round_trip_below_a_millimetre() -> None:
    rng = np.random.default_rng(1)
    n = 20000
    lat = rng.uniform(-89.999, 89.999, n)
    lon = rng.uniform(-180, 180, n)
    alt = rng.uniform(-400, 1.0e6, n)
    back = geo.ecef_to_geodetic(geo.geodetic_to_ecef(lat, lon, alt))
    ecef2 = geo.geodetic_to_ecef(*back)
    assert np.max(np.linalg.norm(ecef2 - geo.geodetic_to_ecef(lat, lon, alt), axis=1)) < 1e-3
    assert np.max(np.abs(back[2] - alt)) < 1e-3


def test_reference_points() -> None:
    # Equator/prime meridian and the pole: x = a, z = b (WGS-84 defining constants, TR8350.2).
    assert np.allclose(geo.geodetic_to_ecef(0.0, 0.0, 0.0), [6378137.0, 0.0, 0.0], atol=1e-6)
    assert np.allclose(geo.geodetic_to_ecef(90.0, 0.0, 0.0), [0.0, 0.0, 6356752.314245], atol=1e-5)
    # 45 N 45 E at 1 km: N = a / sqrt(1 - e2 sin^2) by hand.
    n = 6378137.0 / np.sqrt(1 - constants.WGS84_E2 * 0.5)
    expected = [(n + 1000) * 0.5, (n + 1000) * 0.5, (n * (1 - constants.WGS84_E2) + 1000) * np.sqrt(0.5)]
    assert np.allclose(geo.geodetic_to_ecef(45.0, 45.0, 1000.0), expected, atol=1e-6)


def test_enu_frame_round_trip_and_axes() -> None:
    frame = geo.LocalFrame(39.93, 32.86, 900.0)
    enu = np.array([[1000.0, -2000.0, 300.0], [0.0, 0.0, 0.0], [1.0e5, 2.0e5, 1.0e4]])
    assert np.allclose(frame.ecef_to_enu(frame.enu_to_ecef(enu)), enu, atol=1e-6)
    # Straight up from the origin is +up; the earth centre is ~6370 km below.
    up = frame.geodetic_to_enu(39.93, 32.86, 1900.0)
    assert np.allclose(up, [0.0, 0.0, 1000.0], atol=1e-6)
    centre = frame.earth_center_enu_m
    assert 6.35e6 < -centre[2] < 6.39e6 and abs(centre[0]) < 1e-3


def test_vincenty_flinders_peak_to_buninyong() -> None:
    # Vincenty (1975), Survey Review 23(176): 54 972.271 m, forward azimuth 306°52'05.37".
    lat1 = -(37 + 57 / 60 + 3.72030 / 3600)
    lon1 = 144 + 25 / 60 + 29.52440 / 3600
    lat2 = -(37 + 39 / 60 + 10.15610 / 3600)
    lon2 = 143 + 55 / 60 + 35.38390 / 3600
    az, _, dist = geo.geodesic_inverse(lat1, lon1, lat2, lon2)
    assert dist == pytest.approx(54972.271, abs=1e-3)
    assert (az % 360) == pytest.approx(306 + 52 / 60 + 5.37 / 3600, abs=1e-5)
    lat, lon, _ = geo.geodesic_direct(lat1, lon1, az, dist)
    assert lat == pytest.approx(lat2, abs=1e-9) and lon == pytest.approx(lon2, abs=1e-9)


def test_geodesic_vs_haversine() -> None:
    # Ellipsoidal and spherical great-circle lengths agree to the flattening (< 0.5 %).
    rng = np.random.default_rng(2)
    lat1, lat2 = rng.uniform(-60, 60, (2, 200))
    lon1, lon2 = rng.uniform(-170, 170, (2, 200))
    _, _, d = geo.geodesic_inverse(lat1, lon1, lat2, lon2)
    h = geo.haversine_m(lat1, lon1, lat2, lon2)
    assert np.max(np.abs(d / h - 1)) < 0.006  # flattening 1/298 plus the choice of R
    # Ankara to Istanbul is ~350 km.
    assert geo.haversine_m(39.93, 32.86, 41.01, 28.98) == pytest.approx(351_000, rel=0.01)


def test_ecef_to_geodetic_is_the_numpy_arithmetic_bit_for_bit() -> None:
    # Heikkinen's closed form runs compiled between NumPy's cube root and arc tangents: the floats are
    # those of Zhu's formulas written in NumPy, for points from the ground to orbit, at the poles, in
    # any array shape.
    rng = np.random.default_rng(2)
    n = 2000
    p = geo.geodetic_to_ecef(rng.uniform(-90, 90, n), rng.uniform(-180, 180, n), rng.uniform(-400, 4e5, n))
    p[:10, :2] = 0.0
    a, b = constants.WGS84_A_M, constants.WGS84_B_M
    e2, ep2 = constants.WGS84_E2, constants.WGS84_EP2
    x, y, z = p[:, 0], p[:, 1], p[:, 2]
    r2 = x * x + y * y
    r = np.sqrt(r2)
    z2 = z * z
    f = 54.0 * b * b * z2
    g = r2 + (1.0 - e2) * z2 - e2 * (a * a - b * b)
    c = e2 * e2 * f * r2 / (g * g * g)
    s = np.cbrt(1.0 + c + np.sqrt(c * c + 2.0 * c))
    k = s + 1.0 / s + 1.0
    big_p = f / (3.0 * k * k * g * g)
    q = np.sqrt(1.0 + 2.0 * e2 * e2 * big_p)
    inner = 0.5 * a * a * (1.0 + 1.0 / q) - big_p * (1.0 - e2) * z2 / (q * (1.0 + q)) - 0.5 * big_p * r2
    r0 = -(big_p * e2 * r) / (1.0 + q) + np.sqrt(np.maximum(inner, 0.0))
    t = r - e2 * r0
    v = np.sqrt(t * t + (1.0 - e2) * z2)
    lat_ref = np.degrees(np.arctan2(z + ep2 * (b * b * z / (a * v)), r))
    alt_ref = np.sqrt(t * t + z2) * (1.0 - b * b / (a * v))
    lat, lon, alt = geo.ecef_to_geodetic(p)
    np.testing.assert_array_equal(lat, lat_ref)
    np.testing.assert_array_equal(lon, np.degrees(np.arctan2(y, x)))
    np.testing.assert_array_equal(alt, alt_ref)
    grid = geo.ecef_to_geodetic(p[:12].reshape(3, 4, 3))
    assert all(v.shape == (3, 4) for v in grid)
    np.testing.assert_array_equal(grid[2].ravel(), alt[:12])
    one = geo.ecef_to_geodetic(p[20])
    assert all(np.shape(v) == () for v in one) and float(one[2]) == alt[20]


def test_row_norms_are_numpy_norms_bit_for_bit() -> None:
    # x + (y + z) differs from (x + y) + z in about one row in ten: a check that can fail
    rng = np.random.default_rng(3)
    v = rng.normal(size=(20_000, 3)) * rng.uniform(1.0, 1e4, size=(20_000, 1))
    got = geo.row_norms(v)
    np.testing.assert_array_equal(got, np.linalg.norm(v, axis=1))
    np.testing.assert_allclose(geo.row_norms(np.array([[3.0, 4.0, 12.0]])), [13.0], rtol=0, atol=0)
