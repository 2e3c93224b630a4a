"""Least-squares bearing intersection: its covariance against the closed form, its errors against it."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from samsim.tracking.bearings import perpendiculars, triangulate


def _noisy_fixes(
    sensors_m: np.ndarray, target_m: np.ndarray, sigma_rad: float, n: int, seed: int = 1
) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    k = sensors_m.shape[0]
    d = target_m - sensors_m
    d /= np.linalg.norm(d, axis=1)[:, None]
    a, b = perpendiculars(d)
    ea, eb = rng.normal(0.0, sigma_rad, (n, k)), rng.normal(0.0, sigma_rad, (n, k))
    dn = d[None] + ea[..., None] * a[None] + eb[..., None] * b[None]
    dn /= np.linalg.norm(dn, axis=-1)[..., None]
    an, bn = perpendiculars(dn)
    s = np.full((n, k), sigma_rad)
    fix = triangulate(np.broadcast_to(sensors_m, (n, k, 3)), dn, an, bn, s, s)
    return fix.position_m - target_m, fix.covariance_m2, fix.chi2, fix.valid


def test_two_sensor_covariance_matches_the_crossing_angle_closed_form() -> None:
    # Sensors at (-b/2, 0) and (b/2, 0), target at (0, R) on the perpendicular bisector, both at
    # range r = sqrt(R^2 + b^2/4) with half crossing angle beta: sigma_x = r sigma / (sqrt 2 cos beta),
    # sigma_y = r sigma / (sqrt 2 sin beta) (Torrieri 1984), and the vertical r sigma / sqrt 2.
    base, r_y, sigma = 40e3, 150e3, np.radians(0.2)
    sensors = np.array([[-base / 2, 0.0, 0.0], [base / 2, 0.0, 0.0]])
    target = np.array([0.0, r_y, 0.0])
    d = target - sensors
    d /= np.linalg.norm(d, axis=1)[:, None]
    a, b = perpendiculars(d)
    fix = triangulate(
        sensors[None], d[None], a[None], b[None], np.full((1, 2), sigma), np.full((1, 2), sigma)
    )
    r = np.hypot(r_y, base / 2)
    beta = np.arctan2(base / 2, r_y)
    cov = fix.covariance_m2[0]
    assert np.sqrt(cov[0, 0]) == pytest.approx(r * sigma / (np.sqrt(2) * np.cos(beta)), rel=1e-6)
    assert np.sqrt(cov[1, 1]) == pytest.approx(r * sigma / (np.sqrt(2) * np.sin(beta)), rel=1e-6)
    assert np.sqrt(cov[2, 2]) == pytest.approx(r * sigma / np.sqrt(2), rel=1e-6)
    np.testing.assert_allclose(fix.position_m[0], target, atol=1e-3)
    assert fix.valid[0] and fix.chi2[0] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("sensors", "target", "sigma_deg"),
    [
        ([[0, 0, 10], [30e3, 0, 10]], [10e3, 100e3, 8e3], 0.3),  # two radars of two batteries
        ([[0, 0, 10], [60e3, 0, 10], [0, 50e3, 10]], [150e3, 120e3, 9e3], 0.1),  # three radars
        ([[0, 0, 10], [5e3, 0, 10]], [0, 60e3, 3e3], 0.05),  # a short baseline, steep ellipse
    ],
)
def test_errors_fall_in_the_predicted_ellipse(
    sensors: list[list[float]], target: list[float], sigma_deg: float
) -> None:
    s = np.array(sensors, dtype=float)
    n = 4000
    err, cov, chi2, valid = _noisy_fixes(s, np.array(target, dtype=float), np.radians(sigma_deg), n)
    assert valid.all()
    m2 = np.einsum("ni,nij,nj->n", err, np.linalg.inv(cov), err)
    # Mahalanobis distance of the error is chi-square with 3 d.o.f.: 95 % inside the 95 % ellipsoid
    # (binomial standard error 0.34 %).
    inside = np.mean(m2 <= stats.chi2.ppf(0.95, 3))
    assert inside == pytest.approx(0.95, abs=0.015)
    # The sample covariance agrees with the predicted one along its major axis.
    w, v = np.linalg.eigh(cov[0])
    major = v[:, -1]
    assert np.var(err @ major) == pytest.approx(w[-1], rel=0.1)
    # The residual is chi-square with 2k - 3 degrees of freedom.
    assert np.mean(chi2) == pytest.approx(2 * s.shape[0] - 3, rel=0.1)


def test_parallel_rays_and_intersections_behind_are_invalid() -> None:
    sensors = np.array([[0.0, 0.0, 0.0], [1000.0, 0.0, 0.0]])
    d = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    a, b = perpendiculars(d)
    s = np.full((1, 2), 1e-3)
    assert not triangulate(sensors[None], d[None], a[None], b[None], s, s).valid[0]
    # Rays diverging forwards meet behind both sensors.
    d = np.array([[-0.1, 1.0, 0.0], [0.1, 1.0, 0.0]])
    d /= np.linalg.norm(d, axis=1)[:, None]
    a, b = perpendiculars(d)
    assert not triangulate(sensors[None], d[None], a[None], b[None], s, s).valid[0]
