"""Terrain masks jamming: a jammer the antenna cannot see over a ridge neither jams a radar nor gives
it a strobe; the masking agrees with the closed-form line of sight over the ridge's crest."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samsim.constants import MEAN_EARTH_RADIUS_M
from samsim.models.terrain import ridge_dem, write_dem
from samsim.scenario import load
from samsim.sim.jamming import jammer_geometry, jammers_of, look_jnr_db
from samsim.sim.sensing import radar_geometry
from samsim.sim.strobes import scan_strobes
from samsim.sim.world import compile_world

LAT0, LON0 = 40.0, 33.0
RIDGE_EAST_M, RIDGE_H_M, CREST_M = 2000.0, 300.0, 200.0
JAMMER_EAST_M = 20_000.0
ALTS_M = (1000.0, 2000.0, 4000.0, 8000.0)
K = 4.0 / 3.0


def scenario(tmp: Path) -> Path:
    crs = f"+proj=tmerc +lat_0={LAT0} +lon_0={LON0} +k=1 +datum=WGS84 +units=m +no_defs"
    dem = ridge_dem(
        (240, 1200), cell_m=50.0, ridge_east_m=RIDGE_EAST_M, ridge_height_m=RIDGE_H_M,
        crest_width_m=CREST_M, center_lon_deg=LON0, center_lat_deg=LAT0, crs=crs,
    )  # fmt: skip
    write_dem(tmp / "ridge.tif", dem)
    lon = LON0 + np.degrees(JAMMER_EAST_M / (MEAN_EARTH_RADIUS_M * np.cos(np.radians(LAT0))))
    threats = "".join(
        f"  - id: j{int(alt)}\n    type: EA-18G\n    target: base\n"
        f"    jammer: {{erp_dbw: 40, bandwidth_mhz: 500}}\n    route:\n"
        f"      - {{lat_deg: {LAT0 - 0.04}, lon_deg: {lon:.6f}, alt_m: {alt}, speed_mps: 200}}\n"
        f"      - {{lat_deg: {LAT0 + 0.04}, lon_deg: {lon:.6f}, alt_m: {alt}}}\n"
        for alt in ALTS_M
    )
    text = (
        "samsim: 1\nname: ridge-jam\nduration_s: 40\n"
        f"environment: {{refraction_k: {K}, terrain: ridge.tif, surface: none}}\n"
        f"assets:\n  - {{id: base, position: {{lat_deg: {LAT0}, lon_deg: {LON0}}}, radius_m: 3000}}\n"
        f"batteries:\n  - id: b\n    system: S-400\n    position: {{lat_deg: {LAT0}, lon_deg: {LON0}}}\n"
        "    radars: [{type: 91N6E, mast_m: 10}]\n    doctrine: {weapons: hold}\n"
        f"threats:\n{threats}"
    )
    path = tmp / "ridge-jam.yaml"
    path.write_text(text)
    return path


def clears_crest(antenna_m: float, jammer_alt_m: float) -> bool:
    """The straight ray from the antenna to the jammer (its height lowered by the k·Re earth's
    curvature over the distance) passes above the far edge of the crest."""
    far_m = RIDGE_EAST_M + CREST_M
    drop_m = JAMMER_EAST_M**2 / (2 * K * MEAN_EARTH_RADIUS_M)
    at_crest = antenna_m + (jammer_alt_m - drop_m - antenna_m) * far_m / JAMMER_EAST_M
    return bool(at_crest - far_m**2 / (2 * K * MEAN_EARTH_RADIUS_M) > RIDGE_H_M)


def test_a_jammer_behind_a_ridge_neither_jams_nor_strobes(tmp_path: Path) -> None:
    world = compile_world(load(scenario(tmp_path)))
    assert world.has_terrain
    battery = world.batteries[0]
    geom = radar_geometry(world, battery, 0)
    jammers = jammers_of(world)
    times = np.array([5.0, 20.0, 35.0])
    _, on = jammer_geometry(world, battery, geom.enu_m, geom.antenna_height_m, jammers, times)
    antenna_m = float(battery.frame.alt_m + geom.enu_m[2])
    want = [clears_crest(antenna_m, alt) for alt in ALTS_M]
    assert want == [False, False, True, True]  # margins of 50 m or more either side of the crest
    for row in on:
        assert row.tolist() == want
    # A look north (away from every jammer) receives only the jammers the antenna sees.
    look = np.tile([0.0, 50_000.0, 3000.0], (times.size, 1))
    jnr = look_jnr_db(world, battery, geom.spec, geom.enu_m, geom.antenna_height_m, times, look)
    assert jnr is not None and np.all(np.isfinite(jnr))
    strobes = scan_strobes(world, 0, 0, times, np.random.default_rng(1))
    seen = {world.threats.ids[i] for i in strobes.jammer.tolist()}
    assert seen == {"j4000", "j8000"}
    # Alone, the masked jammers leave the look unjammed.
    hidden = np.array([i for i, a in zip(jammers.tolist(), ALTS_M, strict=True) if a < 3000.0])
    _, on_hidden = jammer_geometry(world, battery, geom.enu_m, geom.antenna_height_m, hidden, times)
    assert not np.any(on_hidden)
