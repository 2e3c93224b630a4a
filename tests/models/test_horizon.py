"""Radar horizon and effective-earth geometry against closed forms and an independent geometric test."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.constants import MEAN_EARTH_RADIUS_M
from samsim.models.horizon import (
    above_horizon,
    arc_from_slant_m,
    ground_range_m,
    horizon_central_angle_rad,
    horizon_ground_range_m,
    horizon_range_m,
    slant_range_elevation,
    target_height_m,
)

K43 = 4.0 / 3.0
A43_M = K43 * MEAN_EARTH_RADIUS_M


def test_horizon_30m_antenna_50m_target_is_51_72_km() -> None:
    # sqrt(2 * 4/3 * 6371.0088 km * 30 m) = 22.576 km, same with 50 m = 29.146 km
    assert float(horizon_range_m(30.0, 50.0)) == pytest.approx(51_721.7, abs=0.5)
    assert float(horizon_range_m(30.0, 50.0)) / 1000.0 == pytest.approx(51.72, abs=0.005)


def test_horizon_25m_antenna_low_and_high_targets() -> None:
    got = horizon_range_m(25.0, np.array([50.0, 10_000.0]))
    re_km = MEAN_EARTH_RADIUS_M / 1000.0
    antenna_km = np.sqrt(2 * K43 * re_km * 0.025)  # 20.61 km
    expected_km = antenna_km + np.sqrt(2 * K43 * re_km * np.array([0.050, 10.0]))
    np.testing.assert_allclose(got / 1000.0, expected_km, rtol=1e-12)
    np.testing.assert_allclose(got / 1000.0, [49.75, 432.79], atol=0.01)


def test_horizon_scales_with_sqrt_k() -> None:
    ratio = horizon_range_m(25.0, 5000.0, K43) / horizon_range_m(25.0, 5000.0, 1.0)
    assert float(ratio) == pytest.approx(np.sqrt(K43), rel=1e-12)


@pytest.mark.parametrize(
    ("h1", "h2"),
    [(8.0, 50.0), (25.0, 100.0), (30.0, 50.0), (39.0, 1000.0), (25.0, 10_000.0), (8.0, 20_000.0)],
)
def test_exact_boundary_agrees_with_tangent_formula(h1: float, h2: float) -> None:
    tangent = float(horizon_range_m(h1, h2))
    exact = float(horizon_ground_range_m(h1, h2))
    assert abs(exact / tangent - 1.0) < 1e-3
    assert bool(above_horizon(tangent * (1.0 - 1e-3), h1, h2))
    assert not bool(above_horizon(tangent * (1.0 + 1e-3), h1, h2))


def _segment_clears_sphere(phi: np.ndarray, h1: np.ndarray, h2: np.ndarray, radius: float) -> np.ndarray:
    """Independent test: minimum distance from the centre to the 2-D segment P1-P2 vs the radius."""
    p1 = np.stack([np.zeros_like(phi), radius + h1], axis=-1)
    p2 = np.stack([(radius + h2) * np.sin(phi), (radius + h2) * np.cos(phi)], axis=-1)
    d = p2 - p1
    t = np.clip(-np.sum(p1 * d, axis=-1) / np.sum(d * d, axis=-1), 0.0, 1.0)
    closest = p1 + t[:, None] * d
    return np.linalg.norm(closest, axis=-1) >= radius


def test_above_horizon_matches_segment_sphere_geometry() -> None:
    rng = np.random.default_rng(1)
    n = 20_000
    h1 = rng.uniform(0.0, 100.0, n)
    h2 = rng.uniform(0.0, 30_000.0, n)
    ground = rng.uniform(0.0, 900_000.0, n)
    ours = above_horizon(ground, h1, h2)
    reference = _segment_clears_sphere(ground / A43_M, h1, h2, A43_M)
    # away from the boundary (where float rounding in the reference decides) they must agree exactly
    margin = np.abs(ground - horizon_ground_range_m(h1, h2)) > 1.0
    assert margin.sum() > 0.99 * n
    np.testing.assert_array_equal(ours[margin], reference[margin])
    assert 0.2 < ours.mean() < 0.8


def test_negative_heights_count_as_surface() -> None:
    assert float(horizon_range_m(-10.0, 50.0)) == pytest.approx(float(horizon_range_m(0.0, 50.0)))
    assert float(horizon_central_angle_rad(-5.0)) == 0.0


def test_central_angle_is_exact_acos() -> None:
    h = np.array([1.0, 30.0, 1000.0, 100_000.0])
    np.testing.assert_allclose(horizon_central_angle_rad(h), np.arccos(A43_M / (A43_M + h)), rtol=1e-6)
    # one height (an antenna's, remembered) gives the same angle as within an array, at any k
    for hi, expected in zip(h.tolist(), horizon_central_angle_rad(h).tolist(), strict=True):
        assert float(horizon_central_angle_rad(hi)) == pytest.approx(expected, rel=1e-15)
        assert float(horizon_central_angle_rad(np.float64(hi), 1.0)) == pytest.approx(
            float(np.arccos(MEAN_EARTH_RADIUS_M / (MEAN_EARTH_RADIUS_M + hi))), rel=1e-6
        )


def test_grazing_ray_elevation_is_minus_dip_angle() -> None:
    h1, h2 = 25.0, 3000.0
    d = horizon_ground_range_m(h1, h2)
    _, elevation = slant_range_elevation(d, h1, h2)
    assert float(elevation) == pytest.approx(-float(horizon_central_angle_rad(h1)), rel=1e-7)


def test_slant_range_elevation_against_law_of_cosines() -> None:
    ground = np.array([1_000.0, 50_000.0, 300_000.0, 800_000.0])
    h1, h2 = 30.0, np.array([100.0, 5_000.0, 12_000.0, 40_000.0])
    slant, elevation = slant_range_elevation(ground, h1, h2)
    phi = ground / A43_M
    r1, r2 = A43_M + h1, A43_M + h2
    np.testing.assert_allclose(slant, np.sqrt(r1**2 + r2**2 - 2 * r1 * r2 * np.cos(phi)), rtol=1e-8)
    # sin E from the triangle: r2^2 = r1^2 + R^2 + 2 r1 R sin E
    sin_e = (r2**2 - r1**2 - slant**2) / (2 * r1 * slant)
    np.testing.assert_allclose(np.sin(elevation), sin_e, atol=1e-6)


def test_flat_short_range_limit() -> None:
    # over 100 m the curvature terms are O(d / a) ~ 1e-5
    slant, elevation = slant_range_elevation(100.0, 0.0, 100.0)
    assert float(slant) == pytest.approx(np.hypot(100.0, 100.0), rel=1e-5)
    assert float(elevation) == pytest.approx(np.pi / 4, abs=3e-5)


def test_round_trip_height_and_ground_range() -> None:
    rng = np.random.default_rng(2)
    ground = rng.uniform(100.0, 500_000.0, 1000)
    h1 = rng.uniform(0.0, 50.0, 1000)
    h2 = rng.uniform(0.0, 25_000.0, 1000)
    slant, elevation = slant_range_elevation(ground, h1, h2)
    np.testing.assert_allclose(target_height_m(slant, elevation, h1), h2, atol=1e-6)
    np.testing.assert_allclose(ground_range_m(slant, elevation, h1), ground, rtol=1e-10, atol=1e-6)


def test_target_height_classic_approximation() -> None:
    # h ~ h1 + R sin E + R^2 / (2 k Re) for small elevation (Skolnik 2001, ch. 8 height finding)
    slant, elevation, h1 = 200_000.0, 0.02, 25.0
    approx = h1 + slant * np.sin(elevation) + slant**2 / (2 * A43_M)
    assert float(target_height_m(slant, elevation, h1)) == pytest.approx(approx, rel=2e-3)


@pytest.mark.parametrize(
    ("h1", "h2", "arc_km"), [(25.0, 25.0, 0.5), (30.0, 9000.0, 350.0), (0.0, 100.0, 40.0)]
)
def test_arc_from_slant_inverts_the_law_of_cosines(h1: float, h2: float, arc_km: float) -> None:
    """Two points at heights h1, h2 over sub-points ``arc`` apart on the sphere: their chord by the law
    of cosines, fed back, gives the arc (to a millimetre even at short range)."""

    phi = arc_km * 1000.0 / MEAN_EARTH_RADIUS_M
    r1, r2 = MEAN_EARTH_RADIUS_M + h1, MEAN_EARTH_RADIUS_M + h2
    slant = np.sqrt(r1 * r1 + r2 * r2 - 2.0 * r1 * r2 * np.cos(phi))
    assert float(arc_from_slant_m(slant, h1, h2)) == pytest.approx(arc_km * 1000.0, abs=1e-3)


@pytest.mark.parametrize(("h1", "k"), [(0.0, 4.0 / 3.0), (30.0, 4.0 / 3.0), (12.5, 1.0), (-5.0, 4.0 / 3.0)])
def test_one_antenna_fast_paths_agree_bit_for_bit_with_the_general_ones(h1: float, k: float) -> None:
    """One antenna over many targets takes compiled arithmetic and an arc-tangent bracket; the answers
    must be those of the broadcast NumPy forms, also on the horizon limit and one ulp either side."""
    rng = np.random.default_rng(3)
    n = 20_000
    rho = rng.uniform(0.0, 900e3, n)
    h2 = np.concatenate([rng.uniform(-100.0, 300e3, n - 100), rng.uniform(0.0, 1e7, 100)])
    arc = arc_from_slant_m(rho, h1, h2)
    assert np.array_equal(arc.view(np.int64), arc_from_slant_m(rho, np.full(n, h1), h2).view(np.int64))
    limit = horizon_ground_range_m(h1, h2, k)
    d = np.concatenate([arc, limit, np.nextafter(limit, 0.0), np.nextafter(limit, np.inf)])
    hh = np.tile(h2, 4)
    expected = d <= horizon_ground_range_m(np.full(hh.size, h1), hh, k)
    np.testing.assert_array_equal(above_horizon(d, h1, hh, k), expected)
    assert 0.3 < expected.mean() < 0.9  # both answers are exercised


def test_within_limits_and_horizon_matches_the_composed_tests() -> None:
    """The compiled test of a row of looks gives the range and elevation limits & above_horizon of
    arc_from_slant_m, look for look: with looks on the horizon to the last digits (where the bracket
    cannot tell and the arc tangent decides), outside the limits, below the surface and of unknown
    height."""
    from samsim.models import _horizon_kernels, horizon

    rng = np.random.default_rng(4)
    n_close = 0
    for h1, kf, max_range_m in ((12.0, 4.0 / 3.0, 300e3), (0.0, 1.0, 150e3), (38.5, 1.2, 600e3)):
        n = 400
        h2 = rng.uniform(-50.0, 25e3, n)
        h2[:4] = [np.nan, -10.0, 0.0, 1e5]
        hc = np.maximum(h2, 0.0)
        # ground ranges around the horizon limit (every other one on it), the slant ranges on the
        # true sphere that give them (arc_from_slant_m's inverse)
        limit = horizon.horizon_ground_range_m(h1, hc, kf)
        ground = limit * np.where(np.arange(n) % 2 == 0, 1.0, rng.uniform(0.2, 1.8, n))
        half = np.sin(ground / (2.0 * MEAN_EARTH_RADIUS_M))
        r1, r2 = MEAN_EARTH_RADIUS_M + h1, MEAN_EARTH_RADIUS_M + hc
        rho = np.sqrt((hc - h1) ** 2 + 4.0 * r1 * r2 * half * half)
        el = rng.uniform(-0.1, 1.6, n)
        min_el, max_el = np.radians(-2.0), np.radians(75.0)
        got = horizon.within_limits_and_horizon(rho, el, h2, max_range_m, min_el, max_el, h1, kf)
        inside = (rho <= max_range_m) & (el >= min_el) & (el <= max_el)
        over = horizon.above_horizon(horizon.arc_from_slant_m(rho, h1, hc), h1, hc, kf)
        np.testing.assert_array_equal(got, inside & over)
        assert got.dtype == np.bool_ and got.any() and not got.all()
        _, _, sines = _horizon_kernels.limits_half_chords(
            rho, el, h2, (1e12, -10.0, 10.0), h1, MEAN_EARTH_RADIUS_M
        )
        n_close += _horizon_kernels.limits_and_horizon(
            np.arcsin(sines),
            MEAN_EARTH_RADIUS_M,
            np.ones(n, dtype=np.bool_),
            float(horizon.horizon_central_angle_rad(h1, kf)),
            hc,
            kf * MEAN_EARTH_RADIUS_M,
        )[1]
    assert n_close > 0  # the arc tangent's branch was taken
