"""Emission control, anti-radiation missiles and decoys in the engine, on constructed cases."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from samsim import loads, simulate
from samsim.geodesy import geodesic_direct
from samsim.output.result import Result
from samsim.sim.emitters import Emitter, Emitters
from samsim.sim.invariants import violations
from samsim.sim.world import compile_world

SITE = (40.0, 33.0)


def _west(range_m: float) -> tuple[float, float]:
    lat, lon, _ = geodesic_direct(SITE[0], SITE[1], 270.0, range_m)
    return float(lat), float(lon)


def _scenario(
    threats: list[str],
    *,
    doctrine: str = "{weapons: hold}",
    catalog: str = "",
    duration_s: float = 400.0,
    radiate_from_s: float = 0.0,
) -> str:
    return "\n".join(
        [
            "samsim: 1",
            "name: emitters",
            f"duration_s: {duration_s}",
            "environment: {ground_alt_m: 0}",
            *([f"catalog: {catalog}"] if catalog else []),
            "assets:",
            f"  - {{id: base, position: {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}}}, radius_m: 2000}}",
            "batteries:",
            "  - id: b",
            "    system: S-400",
            f"    position: {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}}}",
            "    radars: [{type: 91N6E}, {type: 92N6E, offset_m: [300, 0, 0], mast_m: 20}]",
            f"    doctrine: {doctrine}",
            f"    radiate_from_s: {radiate_from_s}",
            "threats:" if threats else "threats: []",
            *threats,
        ]
    )


def _arm(ttype: str = "AGM-88E", radar: str = "92N6E", start_s: float = 0.0, range_m: float = 60e3) -> str:
    lat, lon = _west(range_m)
    return (
        f"  - {{id: arm, type: {ttype}, start_s: {start_s}, launch: {{lat_deg: {lat:.6f}, lon_deg: {lon:.6f}, "
        f"alt_m: 8000}}, target: {{battery: b, radar: {radar}}}}}"
    )


def _events(result: Result, kind: str) -> list[dict[str, object]]:
    table: pa.Table = result.events
    rows: list[dict[str, object]] = table.to_pylist()
    return [r for r in rows if r["kind"] == kind]


def _detail(row: dict[str, object], key: str) -> float:
    for part in str(row["detail"]).split("; "):
        if part.startswith(f"{key}="):
            return float(part.split("=", 1)[1])
    raise KeyError(key)


# --- the emitter state ---------------------------------------------------------------------------
def test_silences_merge_and_the_last_emission_is_where_the_silence_began() -> None:
    em = Emitter(radiate_from_s=5.0)
    em.silence(100.0, 170.0, "shutdown_on_arm")
    em.silence(150.0, 200.0, "shutdown_on_arm")  # a second warning extends the silence
    em.silence(300.0, 310.0, "blink")
    assert [(s.start_s, s.end_s) for s in em.silences] == [(100.0, 200.0), (300.0, 310.0)]
    assert [em.radiating(t) for t in (4.9, 5.0, 99.9, 100.0, 199.9, 200.0)] == [
        False,
        True,
        True,
        False,
        False,
        True,
    ]
    assert em.last_emission_s(50.0) == 50.0
    assert em.last_emission_s(180.0) == 100.0
    assert em.last_emission_s(4.0) == -math.inf
    em.destroyed_s = 250.0
    assert not em.radiating(260.0) and em.last_emission_s(400.0) == 250.0


def test_radiating_stops_at_the_first_later_silence_and_answers_as_the_search_of_them_all() -> None:
    rng = np.random.default_rng(3)
    em = Emitter(radiate_from_s=2.0, destroyed_s=900.0)
    for start in rng.uniform(0.0, 1000.0, 40):
        em.silence(float(start), float(start + rng.uniform(0.5, 30.0)), "blink")
    times = [
        *rng.uniform(-10.0, 1010.0, 2000),
        *(s.start_s for s in em.silences),
        *(s.end_s for s in em.silences),
    ]
    for t in times:
        every = not (t < em.radiate_from_s or t >= em.destroyed_s) and not any(
            s.start_s <= t < s.end_s for s in em.silences
        )
        assert em.radiating(float(t)) == every


def test_shutdown_on_arm_timing_is_exact_on_a_hand_computed_case() -> None:
    world = compile_world(loads(_scenario([], doctrine="{emcon: shutdown_on_arm}")))
    em = Emitters(world)
    # An ARM-like track 40 km west of the battery, flying at it at 630 m/s, seen at t = 100 s.
    pos, vel = np.array([[-40e3, 0.0, 8000.0]]), np.array([[630.0, 0.0, -50.0]])
    assert em.warn(0, pos, vel, 100.0) == [0]
    # S-400: off 2 s after the warning, silent 60 s, back on 10 s later: off at 102, on at 172.
    assert [(s.start_s, s.end_s) for s in em.radars[0][0].silences] == [(102.0, 172.0)]
    assert em.radiating(0, 1, 101.9) and not em.radiating(0, 1, 102.0) and em.radiating(0, 1, 172.0)
    em.warn(0, pos, vel, 101.0)  # warned again before the transmitters are off: on at 173
    assert [(s.start_s, s.end_s) for s in em.radars[0][1].silences] == [(102.0, 173.0)]
    # A fighter-speed track does not warn; an always_on battery ignores warnings.
    assert em.warn(0, pos, np.array([[250.0, 0.0, 0.0]]), 120.0) == []
    calm = Emitters(compile_world(loads(_scenario([]))))
    assert calm.warn(0, pos, vel, 100.0) == [] and calm.radars[0][0].silences == []


def test_blink_timing_in_a_run_is_exact_and_no_radar_detects_while_silent() -> None:
    # S-400 blinking 20 s on, 40 s off from radiate_from_s = 5: off at 25, 85, 145; on at 65, 125.
    lat, lon = _west(150e3)
    fighter = (
        f"  - {{id: f, type: F-16C, target: base, route: [{{lat_deg: {lat:.5f}, lon_deg: {lon:.5f}, "
        f"alt_m: 8000, speed_mps: 250}}, {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}, alt_m: 8000}}]}}"
    )
    sc = loads(
        _scenario([fighter], doctrine="{weapons: hold, emcon: blink}", duration_s=180, radiate_from_s=5)
    )
    result = simulate(sc, seed=1, trajectories=False)
    for radar in ("91N6E", "92N6E"):
        off = [r["time_s"] for r in _events(result, "radar_off") if r["radar"] == radar]
        on = [r["time_s"] for r in _events(result, "radar_on") if r["radar"] == radar]
        assert off == pytest.approx([25.0, 85.0, 145.0]) and on == pytest.approx([65.0, 125.0])
    detects = [r["time_s"] for r in _events(result, "detect")]
    assert detects and all(5 <= t < 25 or 65 <= t < 85 or 125 <= t < 145 for t in detects)
    assert violations(result, sc) == []


# --- anti-radiation missiles ---------------------------------------------------------------------
def test_an_arm_destroys_the_radar_it_homes_on_while_it_radiates() -> None:
    sc = loads(_scenario([_arm("AGM-88B", "92N6E")]))
    result = simulate(sc, seed=1, trajectories=False)
    world = compile_world(sc)
    impact_s = float(world.threats.end_s[0])
    # Launched 60 km west of the site at 8 km; the 92N6E stands 300 m east on a 20 m mast: level
    # flight to the 30-degree dive, at 630 m/s.
    dive_ground = (8000.0 - 20.0) / math.tan(math.radians(30.0))
    expected = (60e3 + 300.0 - dive_ground) / 630.0 + (8000.0 - 20.0) / (630.0 * 0.5)
    assert impact_s == pytest.approx(expected, abs=0.01)
    destroyed = _events(result, "radar_destroyed")
    assert len(destroyed) == 1
    row = destroyed[0]
    assert row["battery"] == "b" and row["radar"] == "92N6E" and row["threat"] == "arm"
    assert row["time_s"] == pytest.approx(impact_s)
    assert _detail(row, "miss_m") < 30.0  # terminal CEP 7 m: a few metres
    radars = {r.id: r.destroyed_s for r in result.batteries[0].radars}
    assert radars == {"91N6E": None, "92N6E": pytest.approx(impact_s)}
    arm = result.threats[0]
    assert arm.kind == "arm" and arm.fate == "leaked" and arm.fate_s == pytest.approx(impact_s)
    assert "homing" in str(_events(result, "leak")[0]["detail"])
    # The destroyed radar sees nothing afterwards.
    assert not [r for r in _events(result, "detect") if r["radar"] == "92N6E" and r["time_s"] >= impact_s]
    assert violations(result, sc) == []


# The radar radiates 10 s and then keeps silent for the rest of the run (blink with a long off time).
SILENT_AFTER_10_S = "{systems: {S-400: {emcon_blink_on_s: 10, emcon_blink_off_s: 5000}}}"


def _silent_radar_run(ttype: str, memory_cep_m: float | None, seed: int) -> tuple[Result, float]:
    catalog = SILENT_AFTER_10_S
    if memory_cep_m is not None:
        catalog = catalog[:-1] + f", threats: {{{ttype}: {{memory_cep_m: {memory_cep_m}}}}}}}"
    sc = loads(_scenario([_arm(ttype, "92N6E")], doctrine="{weapons: hold, emcon: blink}", catalog=catalog))
    result = simulate(sc, seed=seed, trajectories=False)
    assert violations(result, sc) == []
    return result, float(compile_world(sc).threats.end_s[0])


def test_an_arm_whose_radar_went_silent_misses_by_its_memory_error() -> None:
    # AGM-88B on inertial memory: a stationary radar is missed by the memory error alone.
    misses = []
    for seed in range(12):
        result, impact_s = _silent_radar_run("AGM-88B", 500.0, seed)
        leak = _events(result, "leak")[0]
        assert f"silent for {impact_s - 10.0:.1f} s" in str(leak["detail"])
        misses.append(_detail(leak, "miss_m"))
        if _detail(leak, "miss_m") > 150.0:  # pk = exp(-(150/45.3)^2) < 2e-5
            assert not _events(result, "radar_destroyed")
    # Median of a circular normal error = its CEP (500 m); 12 draws: within a factor of two.
    assert 250.0 < float(np.median(misses)) < 1000.0
    # With a perfect memory (CEP 1 mm) it flies onto the radar, which did not move: destroyed.
    result, impact_s = _silent_radar_run("AGM-88B", 0.001, 0)
    assert _detail(_events(result, "leak")[0], "miss_m") == 0.0  # printed to 0.1 m
    assert result.batteries[0].radars[1].destroyed_s == pytest.approx(impact_s)


def test_an_aargm_finds_the_silent_radar_with_its_terminal_seeker() -> None:
    result, impact_s = _silent_radar_run("AGM-88E", None, 3)
    leak = _events(result, "leak")[0]
    assert "silent for" in str(leak["detail"]) and _detail(leak, "miss_m") < 20.0
    assert result.batteries[0].radars[1].destroyed_s == pytest.approx(impact_s)


def _fighters_and_arm(arm_start_s: float) -> str:
    lat, lon = _west(200e3)
    fighters = (
        f"  - {{id: f, type: F-16C, count: 3, spacing_s: 60, target: base, route: [{{lat_deg: {lat:.5f}, "
        f"lon_deg: {lon:.5f}, alt_m: 9000, speed_mps: 250}}, {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}, "
        "alt_m: 9000}]}"
    )
    arm = _arm("AGM-88E", "92N6E", start_s=arm_start_s).replace("target: {", "rcs_m2: 0.0001, target: {")
    return _scenario([fighters, arm], doctrine="{}", duration_s=700)


def test_the_battery_tracks_and_engages_an_arm_like_any_threat() -> None:
    sc = loads(_fighters_and_arm(60.0))
    # A seed where the two 48N6E's kill the ARM (they do in about a third of the seeds).
    result = simulate(sc, seed=5, trajectories=False)
    arm = result.threats[-1]
    assert arm.kind == "arm" and arm.first_track_s is not None and arm.shots == 2 and arm.fate == "killed"
    assert result.batteries[0].radars[1].destroyed_s is None
    assert violations(result, sc) == []


def test_a_destroyed_engagement_radar_loses_the_missiles_it_guides_and_fires_no_more() -> None:
    sc = loads(_fighters_and_arm(180.0))
    result = simulate(sc, seed=5, trajectories=False)  # a seed where the ARM gets through
    destroyed_s = result.batteries[0].radars[1].destroyed_s
    assert destroyed_s == pytest.approx(float(compile_world(sc).threats.end_s[-1]))
    in_flight = [i for i in result.interceptors if i.launch_s < destroyed_s <= i.end_s + 1e-9]
    assert len(in_flight) == 2  # the salvo at the third fighter
    assert all(i.result == "self-destruct" and i.end_s == pytest.approx(destroyed_s) for i in in_flight)
    notes = [
        r["detail"] for r in _events(result, "self_destruct") if r["time_s"] == pytest.approx(destroyed_s)
    ]
    assert notes == ["engagement radar destroyed"] * 2
    assert all(i.launch_s < destroyed_s for i in result.interceptors)
    assert violations(result, sc) == []


# --- decoys --------------------------------------------------------------------------------------
def test_decoys_draw_interceptors_and_are_marked_as_decoys() -> None:
    lat, lon = _west(160e3)
    decoys = (
        f"  - {{id: mald, type: ADM-160B, count: 3, spacing_s: 20, target: base, route: ["
        f"{{lat_deg: {lat:.5f}, lon_deg: {lon:.5f}, alt_m: 6000, speed_mps: 240}}, "
        f"{{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}, alt_m: 6000}}]}}"
    )
    sc = loads(_scenario([decoys], doctrine="{}", duration_s=700))
    result = simulate(sc, seed=1, trajectories=False)
    assert [t.kind for t in result.threats] == ["decoy"] * 3
    at_decoys = [i for i in result.interceptors if i.target.startswith("mald-")]
    assert len(at_decoys) >= 3  # every decoy drew at least one interceptor (salvo 2)
    assert sum(t.shots for t in result.threats) == len(at_decoys)
    assert violations(result, sc) == []


def test_a_mald_j_carries_its_catalog_jammer_and_an_adm_160b_none() -> None:
    lat, lon = _west(100e3)
    route = f"route: [{{lat_deg: {lat:.5f}, lon_deg: {lon:.5f}}}, {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}}}]"
    world = compile_world(
        loads(
            _scenario(
                [
                    f"  - {{id: j, type: MALD-J, target: base, {route}}}",
                    f"  - {{id: d, type: ADM-160B, target: base, {route}}}",
                ]
            )
        )
    )
    assert world.threats.jammer_erp_dbw[0] == 20.0 and world.threats.jammer_bandwidth_mhz[0] == 200.0
    assert np.isnan(world.threats.jammer_erp_dbw[1])
    assert world.threats.rcs_m2.tolist() == [1.2, 1.2]  # augmented to an F-16C's


# --- events carry their fields ------------------------------------------------------------------
def test_every_emission_event_names_its_battery_and_radar() -> None:
    sc = loads(
        _scenario(
            [_arm("AGM-88E", "91N6E", start_s=100.0)],
            doctrine="{weapons: hold, emcon: blink}",
            catalog="{systems: {S-400: {emcon_blink_on_s: 30, emcon_blink_off_s: 30}}}",
        )
    )
    result = simulate(sc, seed=1, trajectories=False)
    kinds = {"radar_off", "radar_on", "radar_destroyed"}
    rows = [r for r in result.events.to_pylist() if r["kind"] in kinds]
    assert {r["kind"] for r in rows} == kinds
    for r in rows:
        assert r["battery"] == "b" and r["radar"] in ("91N6E", "92N6E") and r["detail"]
    destroyed = [r for r in rows if r["kind"] == "radar_destroyed"]
    assert destroyed[0]["threat"] == "arm" and "miss_m=" in str(destroyed[0]["detail"])
    assert violations(result, sc) == []
