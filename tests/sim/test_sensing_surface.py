"""The surface in the engine's looks: raid-48's 96L6E against a Tomahawk near the horizon."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from samsim import load, loads
from samsim.constants import MEAN_EARTH_RADIUS_M
from samsim.models import horizon, propagation, radar
from samsim.sim import sensing
from samsim.sim.world import World, compile_world

RAID = Path(__file__).resolve().parents[2] / "examples" / "raid-48.yaml"


@pytest.fixture(scope="module")
def raid() -> World:
    return compile_world(load(RAID))


def _radar_96l6e(world: World) -> tuple[int, sensing.RadarGeometry]:
    battery = world.batteries[0]
    k = battery.radars.types.index("96L6E")
    return k, sensing.radar_geometry(world, battery, k)


def test_pd_per_look_drops_as_f4_says(raid: World) -> None:
    """raid-48's 96L6E (75 m up) and a 0.05 m² Swerling 1 Tomahawk 50 m up. At 80 % of the horizon
    (interference region) the engine's Pd is the Swerling 1 Pd ``Pfa^(1/(1 + SNR F⁴))`` with F⁴ from
    the two-ray sum worked here from its pieces. At 90 % (58.4 km) the two-ray sum alone gives F⁴ ≈
    -5 dB and Pd 0.25 against 0.64 in free space; there the intermediate region takes the path towards
    the diffraction shadow at the horizon, and Pd falls further."""
    assert raid.surface is not None and raid.surface.kind == "land"
    _, geom = _radar_96l6e(raid)
    spec, h1, h2 = geom.spec, geom.antenna_height_m, 50.0
    assert h1 == pytest.approx(75.0)
    horizon_m = float(horizon.horizon_range_m(h1, h2, raid.refraction_k))
    ka = raid.refraction_k * MEAN_EARTH_RADIUS_M
    lam = float(radar.wavelength_m(spec.frequency_ghz * 1e9))
    sigma = np.array([0.05])

    def two_ray_f4(rng_m: float) -> float:
        d = horizon.arc_from_slant_m(rng_m, h1, h2)
        geo = propagation.reflection_geometry(d, h1, h2, ka)
        gamma = propagation.fresnel_reflection(geo.grazing_rad, 15.0, 0.005, lam, "horizontal")
        rho = np.exp(-2.0 * (2.0 * np.pi * 1.0 * np.sin(geo.grazing_rad) / lam) ** 2)
        f = np.abs(1.0 + gamma * geo.divergence * rho * np.exp(-2j * np.pi * geo.path_difference_m / lam))
        return float(f**4)

    def looks(rng_m: float) -> tuple[float, float, float]:
        r = np.array([rng_m])
        path = sensing.path_terms(
            raid.surface, spec, h1, raid.refraction_k, r, np.array([h2]), np.array([0.0])
        )
        assert path is not None and path.clutter_m2[0] == 0.0  # beyond the surface horizon: no clutter
        snr = 10 ** (sensing.look_snr_db(spec, r, sigma)[0] / 10)
        free = float(sensing.look_pd(spec, r, sigma, 1)[0])
        return free, float(sensing.look_pd(spec, r, sigma, 1, path=path)[0]), snr

    free, seen, snr = looks(0.8 * horizon_m)
    assert seen == pytest.approx(spec.pfa ** (1.0 / (1.0 + snr * two_ray_f4(0.8 * horizon_m))), rel=1e-9)
    free, seen, snr = looks(0.9 * horizon_m)
    assert 0.9 * horizon_m == pytest.approx(58_400.0, rel=0.01)
    assert free == pytest.approx(0.64, abs=0.01)
    assert 10 * np.log10(two_ray_f4(0.9 * horizon_m)) == pytest.approx(-5.0, abs=0.3)
    assert spec.pfa ** (1.0 / (1.0 + snr * two_ray_f4(0.9 * horizon_m))) == pytest.approx(0.25, abs=0.01)
    assert seen < 0.25


def test_scans_of_low_fliers_near_the_horizon_follow_the_surface(raid: World) -> None:
    """The same random stream with and without the surface: between 56 and 61 km, where F⁴ is -1 to
    -5 dB, the 96L6E detects the Tomahawks on far fewer looks over land than in free space."""
    b = 0
    k, geom = _radar_96l6e(raid)
    free_world = dataclasses.replace(raid, surface=None)
    land = sensing.scan_radar(raid, b, k, np.random.default_rng(5))
    free = sensing.scan_radar(free_world, b, k, np.random.default_rng(5))
    np.testing.assert_array_equal(land.time_s, free.time_s)
    tlam = {i for i, name in enumerate(raid.threats.ids) if name.startswith("tlam")}

    def band(s: sensing.RadarScans) -> set[tuple[int, int]]:
        out = set()
        for scan in range(s.time_s.size):
            for j in range(s.offsets[scan], s.offsets[scan + 1]):
                if int(s.truth[j]) in tlam and 56_000.0 < s.range_m[j] < 61_000.0:
                    out.add((scan, int(s.truth[j])))
        return out

    seen_land, seen_free = band(land), band(free)
    assert len(seen_free) >= 10
    assert len(seen_land) < 0.7 * len(seen_free)


def test_surface_none_is_free_space() -> None:
    text = RAID.read_text().replace("  ground_alt_m: 900\n", "  ground_alt_m: 900\n  surface: none\n")
    world = compile_world(loads(text))
    assert world.surface is None
    sea = compile_world(loads(text.replace("surface: none", "surface: sea\n  roughness_m: 0.5")))
    assert sea.surface == dataclasses.replace(propagation.SURFACE_DEFAULTS["sea"], rms_height_m=0.5)
