"""Spherical <-> ENU conversions and the linearised converted-measurement covariance."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.models.frames import (
    azimuth_rad,
    converted_measurement,
    converted_measurement_covariance,
    enu_to_spherical,
    spherical_jacobian,
    spherical_to_enu,
)


def test_cardinal_directions() -> None:
    enu = np.array([[0, 1000, 0], [1000, 0, 0], [0, -1000, 0], [-1000, 0, 0], [0, 0, 1000], [0, 1000, -1000]])
    r, az, el = enu_to_spherical(enu)
    np.testing.assert_allclose(r, [1000, 1000, 1000, 1000, 1000, 1000 * np.sqrt(2)])
    np.testing.assert_allclose(az[:4], [0, np.pi / 2, np.pi, 3 * np.pi / 2])
    np.testing.assert_allclose(el, [0, 0, 0, 0, np.pi / 2, -np.pi / 4])


def test_azimuth_range_is_half_open() -> None:
    _, az, _ = enu_to_spherical(np.array([[-1e-300, 1.0, 0.0], [-1e-12, 1.0, 0.0], [0.0, 0.0, 0.0]]))
    assert np.all((az >= 0.0) & (az < 2 * np.pi))


def test_round_trip_enu_spherical_enu() -> None:
    rng = np.random.default_rng(11)
    enu = rng.uniform(-600e3, 600e3, (5000, 3))
    back = spherical_to_enu(*enu_to_spherical(enu))
    np.testing.assert_allclose(back, enu, rtol=0, atol=1e-9 * 600e3)


def test_round_trip_spherical_enu_spherical() -> None:
    rng = np.random.default_rng(12)
    r = rng.uniform(1.0, 600e3, 5000)
    az = rng.uniform(0.0, 2 * np.pi, 5000)
    el = rng.uniform(-1.5, 1.5, 5000)
    r2, az2, el2 = enu_to_spherical(spherical_to_enu(r, az, el))
    np.testing.assert_allclose(r2, r, rtol=1e-12)
    np.testing.assert_allclose(np.angle(np.exp(1j * (az2 - az))), 0.0, atol=1e-9)
    np.testing.assert_allclose(el2, el, atol=1e-12)


def test_spherical_to_enu_broadcasts() -> None:
    out = spherical_to_enu(np.array([1.0, 2.0]), 0.0, 0.0)
    np.testing.assert_allclose(out, [[0, 1, 0], [0, 2, 0]], atol=1e-15)
    assert spherical_to_enu(5.0, 1.0, 0.2).shape == (3,)


def test_jacobian_against_finite_differences() -> None:
    point = np.array([120e3, 2.3, 0.15])
    jac = spherical_jacobian(*point)
    steps = np.array([1e-3, 1e-9, 1e-9])
    numeric = np.empty((3, 3))
    for k in range(3):
        dp = np.zeros(3)
        dp[k] = steps[k]
        numeric[:, k] = (spherical_to_enu(*(point + dp)) - spherical_to_enu(*(point - dp))) / (2 * steps[k])
    np.testing.assert_allclose(jac, numeric, rtol=1e-6, atol=1e-6)


def test_covariance_axes_at_north_horizon() -> None:
    cov = converted_measurement_covariance(100e3, 0.0, 0.0, 20.0, 1e-3, 2e-3)
    # looking north: range error along north, azimuth error along east, elevation error along up
    np.testing.assert_allclose(cov, np.diag([100.0**2, 20.0**2, 200.0**2]), atol=1e-9)


def test_covariance_shape_symmetry_and_psd() -> None:
    rng = np.random.default_rng(13)
    k = 500
    cov = converted_measurement_covariance(
        rng.uniform(1e3, 600e3, k),
        rng.uniform(0, 2 * np.pi, k),
        rng.uniform(-0.05, 1.3, k),
        rng.uniform(5.0, 100.0, k),
        rng.uniform(1e-4, 1e-2, k),
        rng.uniform(1e-4, 1e-2, k),
    )
    assert cov.shape == (k, 3, 3)
    np.testing.assert_array_equal(cov, np.swapaxes(cov, -1, -2))
    assert np.all(np.linalg.eigvalsh(cov) > -1e-9 * np.trace(cov, axis1=-2, axis2=-1)[:, None])
    # the trace is invariant: sigma_r^2 + (r cos E sigma_A)^2 + (r sigma_E)^2
    single = converted_measurement_covariance(50e3, 1.0, 0.5, 30.0, 2e-3, 3e-3)
    expected = 30.0**2 + (50e3 * np.cos(0.5) * 2e-3) ** 2 + (50e3 * 3e-3) ** 2
    assert float(np.trace(single)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("r", "az", "el", "s_r", "s_a", "s_e"),
    [
        (100e3, np.deg2rad(40.0), np.deg2rad(10.0), 20.0, 1e-3, 1e-3),
        (300e3, np.deg2rad(250.0), np.deg2rad(3.0), 100.0, 5e-4, 1e-3),
        (30e3, np.deg2rad(135.0), np.deg2rad(45.0), 10.0, 2e-3, 2e-3),
    ],
)
def test_covariance_matches_monte_carlo_for_small_angular_errors(
    r: float, az: float, el: float, s_r: float, s_a: float, s_e: float
) -> None:
    # Lerro & Bar-Shalom's r sigma^2 / sigma_r is <= 0.03 in these cases: linearisation is accurate
    rng = np.random.default_rng(14)
    n = 400_000
    samples = spherical_to_enu(
        r + s_r * rng.standard_normal(n), az + s_a * rng.standard_normal(n), el + s_e * rng.standard_normal(n)
    )
    empirical = np.cov(samples, rowvar=False)
    cov = converted_measurement_covariance(r, az, el, s_r, s_a, s_e)
    scale = np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    # sampling error of a covariance element ~ sqrt(2 / n) = 0.2 % of the scale
    np.testing.assert_allclose(empirical / scale, cov / scale, atol=0.015)
    np.testing.assert_allclose(np.diag(empirical), np.diag(cov), rtol=0.015)


def test_azimuth_is_numpy_remainder_bit_for_bit() -> None:
    """The compiled turn into [0, 2 pi) gives NumPy's ``mod`` of the arc tangent, with a turn that
    rounds up to 2 pi taken as 0 and a -0 bearing as +0."""
    rng = np.random.default_rng(5)
    enu = rng.normal(size=(50_000, 3)) * rng.choice([1e-12, 1.0, 1e5, 1e9], size=(50_000, 1))
    enu[:10] = 0.0
    enu[10:20, 0] = -0.0
    enu[20:30, 0] = -1e-300  # a bearing a hair below 0: rounds up to 2 pi
    _, az, _ = enu_to_spherical(enu)
    ref = np.mod(np.arctan2(enu[:, 0], enu[:, 1]), 2.0 * np.pi)
    ref = np.where(ref >= 2.0 * np.pi, 0.0, ref)
    assert np.array_equal(az.view(np.int64), ref.view(np.int64))
    assert np.all((az >= 0.0) & (az < 2.0 * np.pi))
    _, one, _ = enu_to_spherical(np.array([-1e-300, 1.0, 0.0]))
    assert one.shape == () and float(one) == 0.0


def test_converted_measurement_is_the_two_conversions_bit_for_bit() -> None:
    """One call for the points and their covariances gives the floats of spherical_to_enu (shifted
    by the antenna's position) and converted_measurement_covariance, the covariance symmetric."""
    rng = np.random.default_rng(21)
    n = 5000
    r = rng.uniform(0.0, 600e3, n)
    r[:5] = 0.0
    az = rng.uniform(0.0, 2.0 * np.pi, n)
    el = rng.uniform(-np.pi / 2, np.pi / 2, n)
    origin = np.array([120.0, -3.5, 17.25])
    sigmas = (25.0, float(np.radians(0.2)), float(np.radians(0.3)))
    z, cov = converted_measurement(r, az, el, *sigmas, origin)
    ref_z = spherical_to_enu(r, az, el) + origin
    ref_cov = converted_measurement_covariance(r, az, el, *sigmas)
    assert z.shape == (n, 3) and cov.shape == (n, 3, 3)
    assert np.array_equal(z.view(np.int64), ref_z.view(np.int64))
    assert np.array_equal(cov.view(np.int64), ref_cov.view(np.int64))
    assert np.array_equal(cov, np.swapaxes(cov, -1, -2))
    z0, cov0 = converted_measurement(np.zeros(0), np.zeros(0), np.zeros(0), *sigmas)
    assert z0.shape == (0, 3) and cov0.shape == (0, 3, 3)


def test_converted_measurement_covariance_is_j_diag_jt() -> None:
    """The compiled product equals ``J diag(sigma^2) J^T`` summed exactly (to 1e-15 relative of the
    largest element), is exactly symmetric, and keeps the shape of the inputs (a scalar look gives
    one 3 x 3 matrix, a (2, 4) array of looks a (2, 4, 3, 3) stack)."""
    from fractions import Fraction

    rng = np.random.default_rng(8)
    r = rng.uniform(1e3, 400e3, 60)
    az = rng.uniform(0.0, 2.0 * np.pi, 60)
    el = rng.uniform(-0.2, 1.2, 60)
    sigmas = (30.0, float(np.radians(0.15)), float(np.radians(0.25)))
    cov = converted_measurement_covariance(r, az, el, *sigmas)
    jac = spherical_jacobian(r, az, el)
    var = [Fraction(s) ** 2 for s in sigmas]
    for i in range(60):
        exact = np.array(
            [
                [
                    float(sum(Fraction(jac[i, a, k]) * var[k] * Fraction(jac[i, b, k]) for k in range(3)))
                    for b in range(3)
                ]
                for a in range(3)
            ]
        )
        assert np.allclose(cov[i], exact, rtol=0.0, atol=1e-15 * np.abs(exact).max())
    assert np.array_equal(cov, np.swapaxes(cov, -1, -2))
    assert converted_measurement_covariance(5e4, 0.3, 0.1, *sigmas).shape == (3, 3)
    grid = converted_measurement_covariance(
        r[:8].reshape(2, 4), az[:8].reshape(2, 4), el[:8].reshape(2, 4), *sigmas
    )
    assert grid.shape == (2, 4, 3, 3)
    assert np.array_equal(grid.reshape(8, 3, 3), cov[:8])


def test_azimuth_of_a_few_points_is_that_of_all() -> None:
    """``azimuth_rad`` of some rows (a scan's detections) is :func:`enu_to_spherical`'s azimuth of
    those rows taken among all, bit for bit, and a quarter turn east of north is pi/2."""
    rng = np.random.default_rng(11)
    enu = rng.normal(size=(30_000, 3)) * rng.choice([1e-3, 1.0, 1e3, 1e5], size=(30_000, 1))
    _, az, _ = enu_to_spherical(enu)
    for size in (1, 2, 3, 7, 100, 9_999):
        rows = np.sort(rng.choice(enu.shape[0], size, replace=False))
        assert np.array_equal(azimuth_rad(enu[rows]).view(np.int64), az[rows].view(np.int64))
    assert float(azimuth_rad(np.array([[5.0, 0.0, 1.0]]))[0]) == pytest.approx(np.pi / 2, abs=1e-15)
