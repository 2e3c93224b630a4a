"""Carleton damage function and cube-root warhead scaling against their closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from samsim.models.lethality import (
    REFERENCE_LETHAL_RADIUS_M,
    REFERENCE_WARHEAD_KG,
    expected_kill_probability,
    kill_probability,
    kill_probability_scalar,
    lethal_radius_m,
    terminal_miss_m,
)


def test_cube_root_scaling_of_catalog_warheads() -> None:
    radii = lethal_radius_m(np.array([180.0, 143.0, 24.0, REFERENCE_WARHEAD_KG]))
    np.testing.assert_allclose(radii, [63.289, 58.616, 32.332, REFERENCE_LETHAL_RADIUS_M], atol=0.01)
    # eight times the charge doubles the radius (Hopkinson-Cranz)
    assert lethal_radius_m(8.0 * 24.0) == pytest.approx(2.0 * lethal_radius_m(24.0), rel=1e-12)


def test_damage_function_closed_form() -> None:
    r_l = 60.0
    miss = np.array([0.0, 30.0, 60.0, 120.0, 300.0])
    pk = kill_probability(miss, r_l, 0.9)
    np.testing.assert_allclose(pk, 0.9 * np.exp(-((miss / r_l) ** 2)), rtol=1e-14)
    assert pk[2] == pytest.approx(0.9 / np.e)
    assert pk[4] < 1e-10
    assert kill_probability_scalar(30.0, r_l, 0.9) == pytest.approx(pk[1], rel=1e-14)


def test_lethal_area_equals_cookie_cutter() -> None:
    r_l = 45.0
    area, _ = integrate.quad(lambda r: 2.0 * np.pi * r * float(kill_probability(r, r_l)), 0.0, 20 * r_l)
    assert area == pytest.approx(np.pi * r_l**2, rel=1e-9)


def test_expected_pk_matches_monte_carlo() -> None:
    rng = np.random.default_rng(3)
    r_l, sigma, mu = 40.0, 25.0, 30.0
    xy = rng.normal(0.0, sigma, size=(400_000, 2)) + np.array([mu, 0.0])
    mc = kill_probability(np.hypot(xy[:, 0], xy[:, 1]), r_l, 0.8).mean()
    closed = expected_kill_probability(sigma, r_l, 0.8, mu)
    assert closed == pytest.approx(0.8 * 1600.0 / 2850.0 * np.exp(-900.0 / 2850.0), rel=1e-12)
    assert mc == pytest.approx(float(closed), abs=3e-3)
    # no dispersion and no bias: the peak value
    assert expected_kill_probability(0.0, r_l, 0.8) == pytest.approx(0.8)


def test_terminal_miss_is_rice_distributed() -> None:
    rng = np.random.default_rng(3)
    # Zero kinematic miss: Rayleigh with mean sigma sqrt(pi/2).
    miss = terminal_miss_m(np.zeros(200_000), 5.0, rng)
    assert miss.mean() == pytest.approx(5.0 * np.sqrt(np.pi / 2), rel=0.01)
    # Large kinematic miss: mean ~ m, spread ~ sigma (Rice with nu >> sigma).
    miss = terminal_miss_m(np.full(200_000, 100.0), 5.0, rng)
    assert miss.mean() == pytest.approx(100.0 + 25.0 / 200.0, abs=0.05)
    assert miss.std() == pytest.approx(5.0, rel=0.02)
