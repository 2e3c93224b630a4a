"""The kill chain end to end: invariants on random scenarios and the behaviours users rely on."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samsim import geodesy as geo
from samsim import loads, simulate
from samsim.models import horizon
from samsim.scenario import Scenario
from samsim.sim.invariants import violations
from tests.strategies import random_scenarios

SITE = (40.0, 33.0)


def _point(bearing_deg: float, range_m: float) -> tuple[float, float]:
    lat, lon, _ = geo.geodesic_direct(SITE[0], SITE[1], bearing_deg, range_m)
    return float(lat), float(lon)


def scenario_text(
    threats: list[str], *, doctrine: str = "{}", launchers: str = "", duration_s: float = 600
) -> str:
    return "\n".join(
        [
            "samsim: 1",
            "name: kill-chain",
            f"duration_s: {duration_s}",
            "environment: {ground_alt_m: 0}",
            "assets:",
            f"  - {{id: base, position: {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}}}, radius_m: 2000, value: 10}}",
            "batteries:",
            "  - id: b",
            "    system: S-400",
            f"    position: {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}}}",
            *([f"    launchers: {launchers}"] if launchers else []),
            "    radars: [{type: 91N6E}, {type: 92N6E, offset_m: [300, 0, 0], mast_m: 20}, "
            "{type: 96L6E, offset_m: [0, 300, 0], mast_m: 25}]",
            f"    doctrine: {doctrine}",
            "threats:",
            *threats,
        ]
    )


def route_threat(
    name: str,
    ttype: str,
    bearing: float,
    range_m: float,
    alt_m: float,
    speed: float,
    *,
    agl: bool = False,
    start_s: float = 0.0,
    count: int = 1,
) -> str:
    lat, lon = _point(bearing, range_m)
    agl_txt = ", agl: true" if agl else ""
    return (
        f"  - {{id: {name}, type: {ttype}, count: {count}, spacing_s: 15, start_s: {start_s}, target: base, route: ["
        f"{{lat_deg: {lat:.5f}, lon_deg: {lon:.5f}, alt_m: {alt_m}, speed_mps: {speed}{agl_txt}}}, "
        f"{{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}, alt_m: {alt_m}{agl_txt}}}]}}"
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_scenarios(), st.integers(0, 1000))
def test_invariants_hold_on_random_scenarios(scenario: Scenario, seed: int) -> None:
    result = simulate(scenario, seed=seed, trajectories=False)
    assert violations(result, scenario) == []


def test_weapons_hold_never_fires() -> None:
    sc = loads(scenario_text([route_threat("f", "F-16C", 270, 150e3, 8000, 280)], doctrine="{weapons: hold}"))
    result = simulate(sc, seed=2)
    assert result.interceptors == []
    assert result.threats[0].first_track_s is not None
    assert violations(result, sc) == []


def test_high_f16_inbound_is_killed_in_most_seeds() -> None:
    sc = loads(scenario_text([route_threat("f", "F-16C", 250, 180e3, 9000, 280)]))
    fates = [simulate(sc, seed=s, trajectories=False).threats[0].fate for s in range(8)]
    assert fates.count("killed") >= 7, fates


def test_sea_skimmer_engaged_only_inside_its_horizon() -> None:
    alt = 30.0
    sc = loads(scenario_text([route_threat("cm", "Tomahawk", 200, 150e3, alt, 245, agl=True)]))
    # The farthest any of the battery's radars can see a 30 m target over the 4/3 earth.
    masts = [8.0, 20.0, 25.0]
    limit_m = max(float(horizon.horizon_ground_range_m(h, alt)) for h in masts)
    launches = 0
    for seed in range(4):
        result = simulate(sc, seed=seed)
        first = min((i.launch_s for i in result.interceptors), default=None)
        if first is None:
            continue
        launches += 1
        traj = result.trajectories
        ent = np.asarray(traj.column("entity").to_pylist())
        sel = ent == "cm"
        t = traj.column("time_s").to_numpy()[sel]
        east = traj.column("east_m").to_numpy()[sel]
        north = traj.column("north_m").to_numpy()[sel]
        dist = np.hypot(np.interp(first, t, east), np.interp(first, t, north))
        assert dist <= limit_m * 1.01, (dist, limit_m)
    assert launches >= 3


def test_salvo_and_shoot_look_shoot() -> None:
    # Salvo 2 with shoot-look-shoot: launches come in pairs at one instant, never while a pair flies.
    sc = loads(
        scenario_text(
            [route_threat("f", "Su-34", 90, 120e3, 6000, 250)],
            doctrine="{salvo: 2, policy: shoot-look-shoot}",
        )
    )
    result = simulate(sc, seed=5)
    launches = sorted(i.launch_s for i in result.interceptors)
    assert launches and len(launches) % 2 == 0
    pairs = [launches[i : i + 2] for i in range(0, len(launches), 2)]
    assert all(a == b for a, b in pairs)
    # The next salvo waits for every interceptor of the previous one to end (and the kill assessment).
    for later in result.interceptors:
        for earlier in result.interceptors:
            if earlier.launch_s < later.launch_s:
                assert earlier.end_s is not None and earlier.end_s + 4.0 <= later.launch_s + 1e-6
    assert violations(result, sc) == []


def test_runs_of_a_study_differ_and_reproduce() -> None:
    import numpy as np_

    from samsim.sim.engine import run_seed_sequence

    sc = loads(scenario_text([route_threat("f", "F-16C", 250, 180e3, 9000, 280)]))
    a = simulate(sc, seed=4, run=0, trajectories=False)
    b = simulate(sc, seed=4, run=1, trajectories=False)
    again = simulate(sc, seed=4, run=1, trajectories=False)
    assert a.events.column("time_s").to_pylist() != b.events.column("time_s").to_pylist()
    assert b.events.equals(again.events)
    # Run i's stream is the i-th child of SeedSequence(seed).
    child = np_.random.SeedSequence(4).spawn(2)[1]
    assert run_seed_sequence(4, 1).generate_state(4).tolist() == child.generate_state(4).tolist()


def test_scenario_without_threats_runs() -> None:
    text = scenario_text([]).replace("threats:", "threats: []")
    result = simulate(loads(text), seed=1)
    assert result.threats == [] and result.interceptors == []


def test_ballistic_missiles_are_tracked_and_engaged() -> None:
    # Two Iskander-class shots at the defended base from ~400 km on the minimum-energy trajectory: fast
    # targets must still form firm tracks (wide initial velocity gate) and be engaged inside the
    # system's ballistic range.
    lat, lon = _point(160, 400e3)
    threat = (
        f"  - {{id: isk, type: Iskander-M, count: 2, spacing_s: 20, ballistic: {{launch: {{lat_deg: {lat:.4f}, "
        f"lon_deg: {lon:.4f}}}, impact_on: base, launch_s: 10}}}}"
    )
    sc = loads(scenario_text([threat]))
    result = simulate(sc, seed=3, trajectories=False)
    assert all(t.first_track_s is not None for t in result.threats)
    assert result.interceptors and all(
        i.pip_range_m is not None and i.pip_range_m <= 60e3 + 1 for i in result.interceptors
    )
    assert violations(result, sc) == []


def test_frame_map_fuses_multiply_adds() -> None:
    # x0 m0 + x1 m1 with x0 m0 = -1 and x1 m1 = (1 + e)(1 - e) = 1 - e**2: a fused multiply-add keeps the
    # exact -e**2, a product rounded to 1 first gives 0
    from samsim.sim.battery import _map_rows_fma

    e = 2.0**-30
    mean = np.array([[1.0, 1.0 + e, 0.0, 1.0, 1.0 + e, 0.0]])
    rotation = np.array([[-1.0, 1.0 - e, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    pos, vel = np.empty((1, 3)), np.empty((1, 3))
    _map_rows_fma(mean, np.array([0]), rotation, np.array([0.0, 3.0, 0.0]), pos, vel)
    assert vel[0, 0] == -(e**2)
    assert pos[0, 0] == -(e**2)
    assert pos[0, 1] == (1.0 + e) + 3.0 and pos[0, 2] == 0.0


def test_rows_map_like_the_whole_picture() -> None:
    # A fire unit's mid-course updates map only the rows they read: the same bits as the rows of the
    # whole picture mapped, and the frame map x_b = R x_p + o to rounding.
    from samsim.sim.battery import _map_rows_fma

    rng = np.random.default_rng(5)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    mean = rng.normal(size=(40, 6)) * np.array([1e5, 1e5, 1e4, 300.0, 300.0, 100.0])
    offset = rng.normal(size=3) * 1e5
    pos_all, vel_all = np.empty((40, 3)), np.empty((40, 3))
    _map_rows_fma(mean, np.arange(40), q, offset, pos_all, vel_all)
    rows = np.array([31, 2, 17])
    pos, vel = np.empty((3, 3)), np.empty((3, 3))
    _map_rows_fma(mean, rows, q, offset, pos, vel)
    np.testing.assert_array_equal(pos, pos_all[rows])
    np.testing.assert_array_equal(vel, vel_all[rows])
    np.testing.assert_allclose(pos_all, mean[:, :3] @ q.T + offset, rtol=0, atol=1e-9)
    np.testing.assert_allclose(vel_all, mean[:, 3:] @ q.T, rtol=0, atol=1e-11)
