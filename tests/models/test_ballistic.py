"""Ballistic arcs against the flat-earth closed form and their own end conditions."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.constants import GM_M3PS2, MEAN_EARTH_RADIUS_M
from samsim.models.ballistic import ballistic_profile, fly_ballistic, kepler_arc

G_SURFACE = GM_M3PS2 / MEAN_EARTH_RADIUS_M**2


def test_short_shot_matches_flat_earth() -> None:
    # Range 40 km, apogee 5 km: flat earth T = 2 sqrt(2H/g), horizontal speed D / T.
    rng_m, apogee = 40_000.0, 5_000.0
    _, _, flight = kepler_arc(rng_m, apogee)
    t_flat = 2.0 * np.sqrt(2.0 * apogee / G_SURFACE)
    assert flight == pytest.approx(t_flat, rel=0.01)
    t = np.linspace(0.0, flight, 20001)
    ground, height = ballistic_profile(rng_m, apogee, t)
    assert height.max() == pytest.approx(apogee, rel=1e-6)
    assert ground[-1] == pytest.approx(rng_m, rel=1e-9)
    assert t[np.argmax(height)] == pytest.approx(flight / 2, abs=flight / 10000)
    # Launch speed: sqrt(vx^2 + 2 g H) on flat earth.
    v0 = np.hypot(ground[1] - ground[0], height[1] - height[0]) / (t[1] - t[0])
    v_flat = np.hypot(rng_m / t_flat, np.sqrt(2 * G_SURFACE * apogee))
    assert v0 == pytest.approx(v_flat, rel=0.01)


def test_iskander_class_shot_lands_on_target() -> None:
    path = fly_ballistic(37.0, 36.0, 39.93, 32.86, 50_000.0, launch_s=100.0, dt_s=0.5)
    assert path.start_s == 100.0
    assert path.lat_deg[-1] == pytest.approx(39.93, abs=1e-9)
    assert path.lon_deg[-1] == pytest.approx(32.86, abs=1e-9)
    assert path.alt_m[-1] == pytest.approx(0.0, abs=1e-6)
    assert path.alt_m.max() == pytest.approx(50_000.0, rel=1e-3)
    speed = np.linalg.norm(np.diff(path.ecef_m, axis=0), axis=1) / np.diff(path.time_s)
    assert 1800 < speed[-1] < 2600  # terminal speed of a ~450 km shot without drag (published ~2100)
