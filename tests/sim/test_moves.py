"""Battery relocation (`moves`) on constructed cases: the timeline, silence on the move, the new site."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pyarrow as pa
import pytest

from samsim import loads, simulate
from samsim.constants import MEAN_EARTH_RADIUS_M
from samsim.geodesy import geodesic_direct, geodetic_to_ecef
from samsim.output.details import parse_move
from samsim.output.result import Result
from samsim.sim.invariants import violations
from samsim.sim.sensing import scan_radar
from samsim.sim.strobes import scan_strobes
from samsim.sim.world import World, compile_world, positions_ecef

SITE = (40.0, 33.0)


def _scenario(
    moves: str,
    threats: str,
    *,
    duration_s: float,
    radars: str = "",
    weapons: str = "hold",
    base_lon: float = 32.0,
) -> str:
    return f"""
samsim: 1
name: moves
duration_s: {duration_s}
environment: {{ground_alt_m: 0}}
assets:
  - {{id: base, position: {{lat_deg: 40.0, lon_deg: {base_lon}}}, radius_m: 2000}}
batteries:
  - id: b
    system: S-400
    position: {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}, alt_m: 0}}
{radars}    doctrine: {{weapons: {weapons}}}
    moves: {moves}
threats:
{threats}
"""


def _events(result: Result, kind: str) -> list[dict[str, object]]:
    table: pa.Table = result.events
    return [r for r in table.to_pylist() if r["kind"] == kind]


def test_move_timeline_is_stow_march_deploy() -> None:
    """S-400: 5 min to stow, 30 km/h on the road, 5 min to deploy; 0.2 deg of longitude at 40 deg N
    is 2 R asin(cos 40 sin 0.1) of great circle."""
    sc = loads(_scenario("[{at_s: 100, to: {lat_deg: 40.0, lon_deg: 33.2}}]", "  []", duration_s=4000))
    distance_m = (
        2.0 * MEAN_EARTH_RADIUS_M * math.asin(math.cos(math.radians(40.0)) * math.sin(math.radians(0.1)))
    )
    ready_s = 100.0 + 300.0 + distance_m / (30.0 / 3.6) + 300.0
    site = compile_world(sc).batteries[0].sites[1]
    assert site.distance_m == pytest.approx(distance_m, rel=1e-9)
    assert (site.move_at_s, site.stowed_s) == (100.0, 400.0)
    assert site.from_s == pytest.approx(ready_s, rel=1e-9)
    result = simulate(sc)
    (start,) = _events(result, "move_start")
    (end,) = _events(result, "move_end")
    assert start["time_s"] == 100.0
    assert end["time_s"] == pytest.approx(ready_s, rel=1e-9)
    move = parse_move(str(end["detail"]))
    assert (move.to_lat_deg, move.to_lon_deg) == (40.0, 33.2)
    assert move.ready_s == round(ready_s, 1)
    assert move.distance_km == round(distance_m / 1000.0, 1)
    offs = [r for r in _events(result, "radar_off") if r["detail"] == "moving"]
    ons = [r for r in _events(result, "radar_on") if r["detail"] == "moving"]
    assert len(offs) == len(ons) == 3  # the template's three radars
    assert {r["time_s"] for r in offs} == {100.0}
    scene = result.scene
    assert scene is not None
    assert scene["batteries"][0]["moves"][0]["ready_s"] == pytest.approx(ready_s, rel=1e-9)


def test_a_moving_battery_neither_detects_nor_fires() -> None:
    threats = """  - id: f
    type: F-16C
    count: 6
    spacing_s: 150
    target: base
    route:
      - {lat_deg: 40.0, lon_deg: 29.5, alt_m: 6000, speed_mps: 250}
      - {lat_deg: 40.0, lon_deg: 32.0, alt_m: 6000}
"""
    sc = loads(
        _scenario(
            "[{at_s: 200, to: {lat_deg: 40.0, lon_deg: 33.01}}]", threats, duration_s=1400, weapons="free"
        )
    )
    site = compile_world(sc).batteries[0].sites[1]
    result = simulate(sc)
    for kind in ("detect", "jam_strobe", "launch", "track_confirm", "assign"):
        times = [float(str(r["time_s"])) for r in _events(result, kind)]
        assert not [t for t in times if site.move_at_s <= t < site.from_s], kind
    detect_times = [float(str(r["time_s"])) for r in _events(result, "detect")]
    assert min(detect_times) < site.move_at_s  # it saw before the move ...
    assert max(detect_times) >= site.from_s  # ... and sees again from the new site
    assert [r for r in _events(result, "launch") if float(str(r["time_s"])) >= site.from_s]
    assert violations(result, sc) == []
    # The invariant checker catches a detection on the move.
    row = {**_events(result, "detect")[0], "time_s": site.move_at_s + 10.0}
    events = pa.concat_tables([result.events, pa.Table.from_pylist([row], schema=result.events.schema)])
    found = violations(dataclasses.replace(result, events=events), sc)
    assert f"b: detect at {site.move_at_s + 10.0} s while on the move" in found


def test_first_detection_after_the_move_is_bounded_by_the_new_site_horizon() -> None:
    """A 96L6E on a 25 m mast moved 20 km towards a cruise missile at 50 m: it sees it first within
    the smooth-earth horizon of the new site, sqrt(2 k R h1) + sqrt(2 k R h2) (k = 4/3), which is
    20 km beyond the old site's horizon."""
    lon_new = 33.0 - math.degrees(20e3 / (MEAN_EARTH_RADIUS_M * math.cos(math.radians(40.0))))
    threat = """  - id: cm
    type: Tomahawk
    rcs_m2: 5.0
    start_s: 3100
    target: base
    route:
      - {lat_deg: 40.0, lon_deg: 31.5, alt_m: 50, speed_mps: 245}
      - {lat_deg: 40.0, lon_deg: 34.0, alt_m: 50}
"""
    radars = "    radars: [{type: 96L6E, mast_m: 25}]\n"
    sc = loads(
        _scenario(
            f"[{{at_s: 0, to: {{lat_deg: 40.0, lon_deg: {lon_new:.6f}, alt_m: 0}}}}]",
            threat,
            duration_s=3600,
            base_lon=34.0,
            radars=radars,
        )
    )
    world = compile_world(sc)
    site = world.batteries[0].sites[1]
    assert site.from_s < 3100.0
    ka = 4.0 / 3.0 * MEAN_EARTH_RADIUS_M
    horizon_m = math.sqrt(2.0 * ka * 25.0) + math.sqrt(2.0 * ka * 50.0)
    result = simulate(sc)
    first = min(float(str(r["time_s"])) for r in _events(result, "detect"))
    pos = positions_ecef(world.threats, np.array([0]), np.array([first]))[0]
    new_radar = geodetic_to_ecef(40.0, lon_new, 25.0)
    old_radar = geodetic_to_ecef(*SITE, 25.0)
    from_new = float(np.linalg.norm(pos - new_radar))
    from_old = float(np.linalg.norm(pos - old_radar))
    assert from_new <= horizon_m * 1.01
    # The old site could not have seen it: it was beyond that site's horizon.
    assert from_old > horizon_m * 1.2
    # ... and it was seen soon after crossing the new site's horizon (one 96L6E revisit or so).
    assert from_new >= horizon_m - 245.0 * 30.0


def _moved_world() -> tuple[World, float]:
    lon_new = 33.0 - math.degrees(20e3 / (MEAN_EARTH_RADIUS_M * math.cos(math.radians(40.0))))
    threat = """  - id: cm
    type: Tomahawk
    rcs_m2: 5.0
    start_s: 3100
    target: base
    route:
      - {lat_deg: 40.0, lon_deg: 31.5, alt_m: 3000, speed_mps: 245}
      - {lat_deg: 40.0, lon_deg: 34.0, alt_m: 3000}
"""
    sc = loads(
        _scenario(
            f"[{{at_s: 0, to: {{lat_deg: 40.0, lon_deg: {lon_new:.6f}, alt_m: 0}}}}]",
            threat,
            duration_s=3400,
            radars="    radars: [{type: 96L6E, mast_m: 25}]\n",
            base_lon=34.0,
        )
    )
    return compile_world(sc), lon_new


def test_scans_from_the_new_site_are_measured_in_the_battery_frame() -> None:
    """Measurements made 20 km from the first site land on the true target in the battery frame (its
    tracker's and command post's), within the radar's errors, not 20 km off."""
    world, _ = _moved_world()
    bat = world.batteries[0]
    scans = scan_radar(world, 0, 0, np.random.default_rng(1))
    rows = np.flatnonzero(scans.truth >= 0)
    assert rows.size > 10
    scan_of = np.searchsorted(scans.offsets, rows, side="right") - 1
    t = scans.time_s[scan_of]
    assert np.all(t >= bat.sites[1].from_s)
    true_enu = bat.frame.ecef_to_enu(positions_ecef(world.threats, scans.truth[rows], t))
    error_m = np.linalg.norm(scans.z_enu_m[rows] - true_enu, axis=1)
    assert np.median(error_m) < 1000.0


def test_strobe_rays_start_at_the_antenna_of_the_site_they_were_measured_from() -> None:
    world, lon_new = _moved_world()
    bat = world.batteries[0]
    times = np.array([1.0, bat.sites[1].from_s + 1.0])
    ss = scan_strobes(world, 0, 0, times, np.random.default_rng(1))
    old, _ = ss.antenna_at(-1.0)
    new, rotation = ss.antenna_at(float(times[1]))
    assert np.allclose(old, geodetic_to_ecef(*SITE, 25.0), atol=1e-6)
    assert np.allclose(new, geodetic_to_ecef(40.0, lon_new, 25.0), atol=1e-6)
    assert np.allclose(rotation, bat.sites[1].frame.rotation)


@pytest.mark.parametrize("networked", [False, True])
def test_after_the_move_interceptors_leave_from_the_new_site_and_hit(networked: bool) -> None:
    """A battery moved 8.5 km west fires from there (its interceptors' first trajectory point is at
    the new site, within the launcher ring) and its interceptors reach their targets, alone or under a
    command post with a second battery that stays."""
    threats = """  - id: f
    type: F-16C
    count: 3
    spacing_s: 60
    start_s: 1750
    target: base
    route:
      - {lat_deg: 40.0, lon_deg: 31.5, alt_m: 6000, speed_mps: 250}
      - {lat_deg: 40.0, lon_deg: 32.0, alt_m: 6000}
"""
    text = _scenario(
        "[{at_s: 0, to: {lat_deg: 40.0, lon_deg: 32.9}}]", threats, duration_s=2300, weapons="free"
    )
    if networked:
        text = text.replace(
            "threats:\n",
            "  - id: far\n    system: S-400\n    position: {lat_deg: 40.6, lon_deg: 33.5}\n"
            "    doctrine: {weapons: hold}\nthreats:\n",
            1,
        )
    sc = loads(text)
    world = compile_world(sc)
    assert len(world.commands) == (1 if networked else 0)
    ready_s = world.batteries[0].sites[1].from_s
    result = simulate(sc)
    assert violations(result, sc) == []
    fired = [i for i in result.interceptors if i.battery == "b"]
    assert fired and all(i.launch_s >= ready_s for i in fired)
    traj = result.trajectories.to_pylist()
    new_site = geodetic_to_ecef(40.0, 32.9, 0.0)
    for i in fired:
        first = min((r for r in traj if r["entity"] == i.id), key=lambda r: r["time_s"])
        at = geodetic_to_ecef(first["lat_deg"], first["lon_deg"], first["alt_m"])
        assert np.linalg.norm(at - new_site) < 400.0
    # Where the interceptors ended is where their targets were (the flight and the plan in one frame).
    ended = [i for i in fired if i.result in ("kill", "miss")]
    assert ended
    index = {t: k for k, t in enumerate(world.threats.ids)}
    for i in ended:
        last = max((r for r in traj if r["entity"] == i.id), key=lambda r: r["time_s"])
        at = geodetic_to_ecef(last["lat_deg"], last["lon_deg"], last["alt_m"])
        target = positions_ecef(world.threats, np.array([index[i.target]]), np.array([last["time_s"]]))[0]
        assert np.linalg.norm(at - target) < 500.0
        # ... and the command post or the battery planned the shot from the new site: the predicted
        # intercept point's range is the range from there (8.5 km more or less from the old site).
        assert abs(np.linalg.norm(at - new_site) - i.pip_range_m) < 3000.0


def test_an_arm_fired_at_the_old_site_misses_a_radar_on_the_march() -> None:
    """An AGM-88E fired at the 92N6E before it moves flies to where the radar was; by its impact the
    battery (stowed in a minute here) is marching east at 30 km/h, farther than the missile's 300 m
    terminal seeker reaches: it misses by the distance marched (memory CEP 10 m)."""
    lat, lon, _ = geodesic_direct(SITE[0], SITE[1], 270.0, 100e3)
    arm = (
        f"  - {{id: arm, type: AGM-88E, launch: {{lat_deg: {float(lat):.6f}, lon_deg: {float(lon):.6f}, "
        "alt_m: 8000}, target: {battery: b, radar: 92N6E}}\n"
    )
    text = _scenario("[{at_s: 10, to: {lat_deg: 40.0, lon_deg: 33.2}}]", arm, duration_s=400)
    sc = loads(
        text.replace("name: moves\n", "name: moves\ncatalog: {systems: {S-400: {stow_time_min: 1}}}\n")
    )
    site = compile_world(sc).batteries[0].sites[1]
    result = simulate(sc)
    assert not _events(result, "radar_destroyed")
    (leak,) = _events(result, "leak")
    t = float(str(leak["time_s"]))
    assert site.stowed_s < t < site.arrived_s
    marched_m = site.distance_m * (t - site.stowed_s) / (site.arrived_s - site.stowed_s)
    assert marched_m > 300.0
    miss_m = float(str(leak["detail"]).split("miss_m=")[1].split(";")[0])
    assert abs(miss_m - marched_m) < 40.0
    assert "radar survived" in str(leak["detail"])


def test_after_the_move_the_interceptors_read_the_threats_in_the_new_site_frame() -> None:
    """The battery's truth for terminal homing is the world's one ECEF table (no copy per battery),
    read through the frame of the site it stands at: after the move every threat's position is the
    new site's conversion of it, never the old frame's coordinates."""
    from samsim.models import flyout
    from samsim.sim.command_post import BatteryRuntime
    from samsim.sim.moves import resite

    world, _ = _moved_world()
    rt = BatteryRuntime(world, 0)
    assert rt.state.truth.pos_m is world.threats.table_ecef_m
    resite(world, rt, world.batteries[0].sites[1])
    site_frame = world.batteries[0].sites[1].frame
    truth = rt.state.truth
    assert truth.pos_m is world.threats.table_ecef_m
    t_s = float(truth.t0_s[0]) + 2.5 * truth.dt_s
    got = np.array(
        flyout._truth(truth.pos_m, 0, t_s, truth.t0_s[0], truth.dt_s, truth.rotation, truth.origin_m)
    )
    ecef = world.threats.table_ecef_m[0]
    expected = site_frame.ecef_to_enu(ecef[2] + 0.5 * (ecef[3] - ecef[2]))
    np.testing.assert_allclose(got[:3], expected, atol=1e-6)
    old_site = world.batteries[0].frame.ecef_to_enu(ecef[2] + 0.5 * (ecef[3] - ecef[2]))
    assert np.linalg.norm(got[:3] - old_site) > 100.0
