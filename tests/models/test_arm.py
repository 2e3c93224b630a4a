"""Anti-radiation missile path and miss distance against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from samsim.models.arm import CEP_PER_SIGMA, arm_miss_m, circular_error_m, dive_profile


def test_dive_profile_flies_level_then_dives_at_the_given_angle() -> None:
    r, h0, h1, v = 100_000.0, 9000.0, 1000.0, 600.0
    p = dive_profile(r, h0, h1, v, 30.0, 0.5)
    dive_ground = (h0 - h1) / math.tan(math.radians(30.0))
    t_level = (r - dive_ground) / v
    t_total = t_level + (h0 - h1) / (v * math.sin(math.radians(30.0)))
    assert p.time_s[-1] == pytest.approx(t_total, abs=1e-9)  # 143.57 + 26.67 s
    assert p.ground_m[-1] == r and p.alt_m[-1] == h1
    level = p.time_s <= t_level
    assert np.all(p.alt_m[level] == h0)
    assert np.allclose(p.ground_m[level], v * p.time_s[level])
    diving = p.time_s > t_level + 1.0
    # Speed along the path is v on every sample interval off the corner (ground and height combined).
    ds = np.hypot(np.diff(p.ground_m), np.diff(p.alt_m))
    straight = (p.time_s[1:] <= t_level) | (p.time_s[:-1] >= t_level)
    assert np.allclose(ds[straight] / np.diff(p.time_s)[straight], v, rtol=1e-9)
    slope = -np.diff(p.alt_m[diving]) / np.diff(p.ground_m[diving])
    assert np.allclose(slope, math.tan(math.radians(30.0)))


def test_a_launch_too_close_for_the_dive_angle_dives_straight_at_the_target() -> None:
    p = dive_profile(5000.0, 9000.0, 1000.0, 600.0, 30.0, 0.5)
    assert p.time_s[-1] == pytest.approx(math.hypot(5000.0, 8000.0) / 600.0)
    assert p.alt_m[0] == 9000.0 and p.alt_m[-1] == 1000.0


def test_circular_error_has_the_given_cep_as_median_radius() -> None:
    rng = np.random.default_rng(1)
    e = circular_error_m(200.0, 200_000, rng)
    assert np.median(np.linalg.norm(e, axis=1)) == pytest.approx(200.0, rel=0.01)
    assert np.std(e[:, 0]) == pytest.approx(200.0 / CEP_PER_SIGMA, rel=0.01)


def test_a_radiating_radar_is_missed_by_the_terminal_error_only() -> None:
    rng = np.random.default_rng(2)
    assert arm_miss_m(True, np.zeros(2), 0.0, 500.0, 0.0, rng) == 0.0
    misses = [arm_miss_m(True, np.zeros(2), 7.0, 500.0, 0.0, rng) for _ in range(20_000)]
    assert np.median(misses) == pytest.approx(7.0, rel=0.03)


def test_a_silent_radar_is_missed_by_the_distance_it_moved_plus_the_memory_error() -> None:
    rng = np.random.default_rng(3)
    # Perfect memory: the miss is exactly the move (3-4-5 triangle).
    assert arm_miss_m(False, np.array([300.0, 400.0]), 3.0, 0.0, 0.0, rng) == pytest.approx(500.0)
    # A radar that stayed put: the miss is the memory error, median = its CEP.
    misses = [arm_miss_m(False, np.zeros(2), 3.0, 200.0, 0.0, rng) for _ in range(20_000)]
    assert np.median(misses) == pytest.approx(200.0, rel=0.03)
    # A large move dominates a small memory error: the miss is about the move.
    far = [arm_miss_m(False, np.array([2000.0, 0.0]), 3.0, 10.0, 0.0, rng) for _ in range(2000)]
    assert np.mean(far) == pytest.approx(2000.0, abs=1.0)


def test_an_active_terminal_seeker_finds_a_silent_radar_within_its_footprint_only() -> None:
    rng = np.random.default_rng(4)
    # Within the 300 m acquisition radius: the terminal seeker's error (0 here), not the move.
    assert arm_miss_m(False, np.array([250.0, 0.0]), 0.0, 0.0, 300.0, rng) == 0.0
    # Beyond it: missed by the move, like a memory-only missile.
    assert arm_miss_m(False, np.array([0.0, 1000.0]), 0.0, 0.0, 300.0, rng) == pytest.approx(1000.0)
