"""Batteries fought as one defence (sim/network.py), magazines and reloads, and why a threat was not
engaged: constructed cases where the answer is known."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from samsim import geodesy as geo
from samsim import loads, simulate
from samsim.output.details import Reload, parse_magazine_empty, parse_reload
from samsim.output.result import Result
from samsim.scenario import Scenario
from samsim.sim import battery
from samsim.sim.command_post import BatteryRuntime
from samsim.sim.invariants import known_gone_violations, violations
from samsim.sim.world import compile_world

SITE = (40.0, 33.0)
RADARS = "[{type: 91N6E}, {type: 92N6E, offset_m: [300, 0, 0], mast_m: 20}, {type: 96L6E, offset_m: [0, 300, 0], mast_m: 25}]"


def _point(bearing_deg: float, range_m: float) -> tuple[float, float]:
    lat, lon, _ = geo.geodesic_direct(SITE[0], SITE[1], bearing_deg, range_m)
    return float(lat), float(lon)


def _battery(name: str, bearing: float, range_m: float, extra: str = "") -> str:
    lat, lon = _point(bearing, range_m)
    return (
        f"  - {{id: {name}, system: S-400, position: {{lat_deg: {lat:.5f}, lon_deg: {lon:.5f}}}, "
        f"radars: {RADARS}{extra}}}"
    )


def _threat(
    name: str,
    ttype: str,
    bearing: float,
    range_m: float,
    alt_m: float,
    speed: float,
    count: int = 1,
    spacing_s: float = 30,
) -> str:
    lat, lon = _point(bearing, range_m)
    return (
        f"  - {{id: {name}, type: {ttype}, count: {count}, spacing_s: {spacing_s}, target: base, route: ["
        f"{{lat_deg: {lat:.5f}, lon_deg: {lon:.5f}, alt_m: {alt_m}, speed_mps: {speed}}}, "
        f"{{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}, alt_m: {alt_m}}}]}}"
    )


def _scenario(
    batteries: list[str], threats: list[str], *, extra: str = "", duration_s: float = 900
) -> Scenario:
    return loads(
        "\n".join(
            [
                "samsim: 1",
                "name: network",
                f"duration_s: {duration_s}",
                f"origin: {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}}}",
                "environment: {ground_alt_m: 0}",
                "assets:",
                f"  - {{id: base, position: {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}}}, radius_m: 3000, value: 10}}",
                "batteries:",
                *batteries,
                *([extra] if extra else []),
                "threats:",
                *threats,
            ]
        )
    )


TWO = [_battery("west", 270, 20e3), _battery("east", 90, 20e3)]
F35S = [_threat("f35", "F-35A", 0, 200e3, 9000, 260, count=4)]


def _salvos_at_one_instant(result: Result) -> Counter[tuple[float, str]]:
    return Counter((round(i.launch_s, 6), i.target) for i in result.interceptors)


def _in_flight_at_once(result: Result, *, by_track: bool = False) -> int:
    """Most interceptors in the air at one threat (or at one track of the deciding picture) at any
    instant."""
    events = result.events.to_pandas()
    launches = events[events.kind == "launch"]
    track = dict(zip(launches.interceptor, launches.track, strict=True))
    key = {i.id: (track[i.id] if by_track else i.target) for i in result.interceptors}
    worst = 0
    for ic in result.interceptors:
        at = [
            o
            for o in result.interceptors
            if key[o.id] == key[ic.id]
            and o.launch_s <= ic.launch_s + 1e-9
            and (o.end_s or np.inf) > ic.launch_s + 1e-9
        ]
        worst = max(worst, len(at))
    return worst


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_defence_fires_one_salvo_per_threat_across_batteries(seed: int) -> None:
    sc = _scenario(TWO, F35S)
    result = simulate(sc, seed=seed, trajectories=False)
    assert violations(result, sc) == []
    assert result.interceptors, "the defence fired"
    assert {i.battery for i in result.interceptors} <= {"west", "east"}
    # Salvo 2, shoot-look-shoot: never more than 2 at one threat in one cycle, nor in the air at once
    # at one track of the network's picture, whichever batteries fire them.
    assert max(_salvos_at_one_instant(result).values()) <= 2
    assert _in_flight_at_once(result, by_track=True) <= 2
    # nor at one threat: a track lost and found again, or a second track of it, gets no second salvo
    # while the first flies (the engagement is handed over; the second track is a duplicate)
    assert _in_flight_at_once(result) <= 2
    events = result.events.to_pandas()
    assert set(events.loc[events.kind == "assign", "battery"]) == {"network"}


def test_islands_double_up_where_the_network_does_not() -> None:
    alone = [b.replace("}, radars", "}, command: autonomous, radars") for b in TWO]
    islands = [simulate(_scenario(alone, F35S), seed=s, trajectories=False) for s in range(3)]
    assert any(_in_flight_at_once(r) > 2 for r in islands), "two islands both fire at the same threat"


def test_no_launch_after_a_kill_is_known() -> None:
    sc = _scenario(TWO, [_threat("cm", "Tomahawk", 0, 120e3, 300, 245, count=6)])
    for seed in range(3):
        result = simulate(sc, seed=seed, trajectories=False)
        assert known_gone_violations(result, sc) == []
        killed = {t.id: t.fate_s for t in result.threats if t.fate == "killed"}
        for ic in result.interceptors:
            if ic.target in killed:
                assert ic.launch_s <= killed[ic.target] + 1.0 + 1e-6  # kill time + link latency


def test_command_post_destroyed_leaves_batteries_fighting_alone() -> None:
    lost_s = 200.0
    command = f"commands:\n  - {{id: cp, batteries: [west, east], link_latency_s: 2, destroyed_s: {lost_s}}}"
    threats = [_threat("f16", "F-16C", 0, 260e3, 8000, 280, count=8)]
    sc = _scenario(TWO, threats, extra=command)
    result = simulate(sc, seed=3, trajectories=False)
    assert violations(result, sc) == []
    events = result.events.to_pandas()
    assign = events[events.kind == "assign"]
    before, after = assign[assign.time_s < lost_s], assign[assign.time_s >= lost_s]
    assert set(before.battery) <= {"cp"}
    assert not after.empty and set(after.battery) <= {"west", "east"}
    assert "cp" not in set(after.battery)
    late = [i for i in result.interceptors if i.launch_s >= lost_s]
    assert late, "batteries keep firing after their command post is gone"


def test_engage_on_remote_only_where_the_system_can() -> None:
    # East's own 92N6E is made nearly blind (it detects a 1 m2 target only within 5 km); west sees.
    blind = "catalog:\n  radars:\n    92N6E-blind: {base: 92N6E, ref_range_m: 5000}\n"
    east = _battery("east", 90, 20e3).replace("type: 92N6E,", "type: 92N6E-blind,")
    threats = [_threat("f16", "F-16C", 60, 150e3, 9000, 280)]

    def fired_by_east(extra_catalog: str) -> int:
        src = _scenario_text_with_catalog(
            blind + extra_catalog, [_battery("west", 270, 20e3, ", doctrine: {weapons: hold}"), east], threats
        )
        return sum(
            1 for i in simulate(loads(src), seed=1, trajectories=False).interceptors if i.battery == "east"
        )

    assert fired_by_east("") == 0
    assert fired_by_east("  systems:\n    S-400: {engage_on_remote: true}\n") > 0


def _scenario_text_with_catalog(catalog: str, batteries: list[str], threats: list[str]) -> str:
    return "\n".join(
        [
            "samsim: 1",
            "name: remote",
            "duration_s: 900",
            f"origin: {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}}}",
            "environment: {ground_alt_m: 0}",
            catalog.rstrip("\n"),
            "assets:",
            f"  - {{id: base, position: {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}}}, radius_m: 3000, value: 10}}",
            "batteries:",
            *batteries,
            "threats:",
            *threats,
        ]
    )


# --- magazines and reloads ------------------------------------------------------------------------


def test_reload_timing_and_magazine_empty() -> None:
    # One launcher with two 48N6E3, two more in reserve, a reload time of 100 s.
    launcher = ", launchers: [{type: 5P85SE2, count: 1, load: {48N6E3: 2}}], reserve: {48N6E3: 2}"
    cat = "catalog:\n  launchers:\n    5P85SE2: {reload_s: 100}\n"
    threats = [_threat("f16", "F-16C", 0, 250e3, 9000, 250, count=6)]
    src = _scenario_text_with_catalog(cat, [_battery("b", 0, 1.0, launcher)], threats)
    sc = loads(src)
    result = simulate(sc, seed=0, trajectories=False)
    assert violations(result, sc) == []
    launches = sorted(i.launch_s for i in result.interceptors)
    assert len(launches) == 4  # two loaded, two reloaded, none more
    events = result.events.to_pandas()
    reloads = events[events.kind == "reload"]
    assert len(reloads) == 1
    # Hand computation: the launcher empties with its second launch; the transloader needs 100 s.
    assert reloads.time_s.iloc[0] == pytest.approx(launches[1] + 100.0, abs=1e-9)
    assert parse_reload(reloads.detail.iloc[0]) == Reload("48N6E3", 2, 0)
    assert launches[2] >= launches[1] + 100.0 - 1e-9
    empty = events[events.kind == "magazine_empty"]
    assert len(empty) == 1 and empty.time_s.iloc[0] == pytest.approx(launches[3])
    assert parse_magazine_empty(empty.detail.iloc[0]) == "48N6E3"
    b = result.batteries[0]
    assert b.fired == {"48N6E3": 4} and b.left == {"48N6E3": 0}


# --- why not engaged ------------------------------------------------------------------------------


def _decide_on(
    sc: Scenario,
    tracks_enu_m: list[tuple[float, float, float]],
    vel_mps: tuple[float, float, float],
    setup: object = None,
) -> battery.Decision:
    """One decision of the scenario's first battery on constructed firm tracks (threat k on track k)."""
    world = compile_world(sc)
    rt = BatteryRuntime(world, 0)
    n = len(tracks_enu_m)
    ids = np.arange(n, dtype=np.int64)
    for i in range(n):
        rt.memory.first_firm_s[i] = 0.0
    if callable(setup):
        setup(rt)
    t = 100.0
    pos = np.array(tracks_enu_m, dtype=np.float64)
    vel = np.tile(np.array(vel_mps, dtype=np.float64), (n, 1))
    return battery.decide(
        rt.name,
        rt.memory,
        rt.doctrine,
        rt.where,
        [battery.FireUnit(rt.plan, rt.state, rt.recorder)],
        world,
        t,
        ids,
        pos,
        vel,
        list(range(n)),
        np.full(n, t),
        np.full(world.threats.count, np.inf),
    )


def _one(extra: str = "", threats: int = 1, catalog: str = "") -> Scenario:
    return loads(
        _scenario_text_with_catalog(
            catalog,
            [_battery("b", 0, 1.0, extra)],
            [_threat(f"t{k}", "F-16C", 0, 200e3, 8000, 250) for k in range(threats)],
        )
    )


def test_reason_weapons_hold() -> None:
    d = _decide_on(_one(", doctrine: {weapons: hold}"), [(0.0, 60e3, 8000.0)], (0.0, -250.0, 0.0))
    assert d.reasons == {0: "weapons_hold"} and not d.launches


def test_reason_out_of_envelope() -> None:
    # 300 km out: beyond every missile of the battery (48N6E3 250 km).
    d = _decide_on(_one(), [(0.0, 300e3, 9000.0)], (250.0, 0.0, 0.0))
    assert d.reasons == {0: "out_of_envelope"} and not d.launches


def test_reason_magazine_empty() -> None:
    def empty(rt: BatteryRuntime) -> None:
        rt.state.stock[:] = 0

    d = _decide_on(_one(), [(0.0, 60e3, 8000.0)], (0.0, -250.0, 0.0), empty)
    assert d.reasons == {0: "magazine_empty"} and not d.launches


def test_reason_no_fire_channel() -> None:
    # The engagement radar guides missiles at two targets at a time: of three tracks, two are engaged.
    cat = "catalog:\n  radars:\n    92N6E: {engaged_targets: 2}\n"
    d = _decide_on(
        _one(threats=3, catalog=cat),
        [(-5e3, 60e3, 8000.0), (0.0, 60e3, 8000.0), (5e3, 60e3, 8000.0)],
        (0.0, -250.0, 0.0),
    )
    engaged = {launch.meta.threat for launch in d.launches}
    assert len(engaged) == 2
    (other,) = {0, 1, 2} - engaged
    assert d.reasons == {other: "no_fire_channel"}


def test_every_zero_shot_threat_has_a_reason() -> None:
    sc = _scenario(TWO, [*F35S, _threat("cm", "Tomahawk", 180, 150e3, 50, 245, count=12)], duration_s=1200)
    result = simulate(sc, seed=0, trajectories=False)
    for t in result.threats:
        assert (t.unengaged_reason is None) == (t.shots > 0), t
        if t.shots == 0:
            assert t.unengaged_reason_s is not None


def test_a_low_receding_target_the_missile_cannot_catch_is_out_of_envelope() -> None:
    # 300 m up, 20 km north, flying away: at 150 m/s the 9M96E2/48N6E3 arrive with closing speed to
    # spare; at 350 m/s they would arrive with less than the end game's 200 m/s (their speed on
    # arrival at low altitude, from the reach tables, is 500-700 m/s out there).
    sc = _one()
    slow = _decide_on(sc, [(0.0, 20e3, 300.0)], (0.0, 150.0, 0.0))
    assert slow.launches and slow.reasons == {}
    fast = _decide_on(sc, [(0.0, 20e3, 300.0)], (0.0, 350.0, 0.0))
    assert not fast.launches and fast.reasons == {0: "out_of_envelope"}
