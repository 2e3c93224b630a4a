"""Fixtures of the web tests: results folders with known content.

- ``synthetic_run``: a run folder written by hand with straight-line flights, so that every
  position and time the API reports has a closed form; it holds interceptors with all three
  results (kill, miss, self-destruct), which today's engine does not fire yet.
- ``real_run``: a real ``samsim.simulate`` of a tiny scenario written with ``samsim.write_run``.
- ``study``: a Monte Carlo study folder with the tables ``samsim mc`` writes (``runs``,
  ``threat_outcomes``, ``interceptors`` as Parquet) and a copy of its scenario, so runs can be
  replayed; its outcomes are chosen so that every P(leak) and histogram is known.
  ``swept_study``: two sweep points.
- ``stealth_run``: the synthetic run with the sites of an S-400 battery and a Nebo-M VHF module, and
  the F-35A's signature, as the engine's recorder writes them (``scene_of`` of a compiled scenario).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from samsim.output.result import EVENT_SCHEMA, TRAJECTORY_SCHEMA
from samsim.web.app import create_app
from tests.conftest import ANKARA, f16_pair, small_scenario

TINY_SCENARIO = small_scenario(f16_pair(31.5), name="tiny", seed=3, duration_s=400, site=ANKARA)

STEALTH_SCENARIO = """\
samsim: 1
name: stealth-sites
duration_s: 600
origin: {lat_deg: 39.93, lon_deg: 32.86, alt_m: 900}
environment: {ground_alt_m: 900}
assets:
  - {id: city, position: {lat_deg: 39.93, lon_deg: 32.86, alt_m: 900}, radius_m: 3000}
batteries:
  - id: bat
    system: S-400
    position: {lat_deg: 40.0, lon_deg: 32.7, alt_m: 950}
    radars:
      - {type: 91N6E, offset_m: [0, 0, 0], mast_m: 8}
      - {type: 92N6E, offset_m: [300, 0, 0], mast_m: 8}
      - {type: RLM-M, offset_m: [2000, 1000, 0]}
    doctrine: {weapons: hold}
threats:
  - id: f35
    type: F-35A
    target: city
    route:
      - {lat_deg: 39.5, lon_deg: 31.0, alt_m: 9000, speed_mps: 250}
      - {lat_deg: 39.93, lon_deg: 32.86, alt_m: 9000}
"""

CITY = (39.93, 32.86, 900.0)
BATTERY = (40.0, 32.7, 950.0)
DURATION_S = 600.0

# Straight flights, linear in lat/lon/alt: (start lat, lon, alt), (end lat, lon, alt), t0, t1.
THREAT_FLIGHTS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float], float, float]] = {
    "t-kill": ((39.5, 31.0, 5000.0), CITY, 0.0, 600.0),
    "t-leak": ((40.5, 34.0, 100.0), CITY, 0.0, 400.0),
    "t-surv": ((38.5, 32.0, 9000.0), (39.0, 32.5, 9000.0), 100.0, 600.0),
}
THREAT_OUTCOMES = [
    {
        "id": "t-kill",
        "type": "F-16C",
        "first_detected_s": 120.0,
        "first_track_s": 130.5,
        "shots": 1,
        "fate": "killed",
        "fate_s": 300.0,
        "killed_by": "bat/48N6E3/1",
    },
    {
        "id": "t-leak",
        "type": "Tomahawk",
        "first_detected_s": 250.0,
        "first_track_s": 262.0,
        "shots": 2,
        "fate": "leaked",
        "fate_s": 400.0,
        "killed_by": None,
    },
    {
        "id": "t-surv",
        "type": "F-16C",
        "first_detected_s": None,
        "first_track_s": None,
        "shots": 0,
        "fate": "survived",
        "fate_s": None,
        "killed_by": None,
    },
]
INTERCEPTORS = [
    {
        "id": "bat/48N6E3/1",
        "type": "48N6E3",
        "battery": "bat",
        "target": "t-kill",
        "launch_s": 250.0,
        "end_s": 300.0,
        "result": "kill",
        "miss_distance_m": 3.2,
    },
    {
        "id": "bat/48N6E3/2",
        "type": "48N6E3",
        "battery": "bat",
        "target": "t-leak",
        "launch_s": 330.0,
        "end_s": 370.0,
        "result": "miss",
        "miss_distance_m": 45.0,
    },
    {
        "id": "bat/9M96E2/3",
        "type": "9M96E2",
        "battery": "bat",
        "target": "t-leak",
        "launch_s": 340.0,
        "end_s": 400.0,
        "result": "self-destruct",
        "miss_distance_m": None,
    },
]
RADARS = [
    {
        "id": "91N6E",
        "type": "91N6E",
        "role": "acquisition",
        "lat_deg": 40.0,
        "lon_deg": 32.7,
        "alt_m": 958.0,
        "antenna_height_m": 8.0,
        "max_range_m": 600000.0,
        "ref_range_m": 390000.0,
        "ref_rcs_m2": 4.0,
        "ref_pd": 0.5,
        "min_elevation_deg": -2.0,
        "max_elevation_deg": 75.0,
    },
    {
        "id": "92N6E",
        "type": "92N6E",
        "role": "engagement",
        "lat_deg": 40.0,
        "lon_deg": 32.706,
        "alt_m": 960.0,
        "antenna_height_m": 10.0,
        "max_range_m": 400000.0,
        "ref_range_m": 260000.0,
        "ref_rcs_m2": 4.0,
        "ref_pd": 0.5,
        "min_elevation_deg": -1.0,
        "max_elevation_deg": 85.0,
    },
]


def straight(
    flight: tuple[tuple[float, float, float], tuple[float, float, float], float, float], time_s: float
) -> tuple[float, float, float]:
    """Position on a straight (linear in lat, lon, alt) flight at ``time_s``."""
    a, b, t0, t1 = flight
    f = (time_s - t0) / (t1 - t0)
    return (a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]))


def interceptor_flight(
    i: dict[str, Any],
) -> tuple[tuple[float, float, float], tuple[float, float, float], float, float]:
    """An interceptor flies straight from the battery to where its target is at its end time."""
    target = straight(THREAT_FLIGHTS[i["target"]], i["end_s"])
    return (BATTERY, target, i["launch_s"], i["end_s"])


def _rows(entity: str, kind: str, battery: str | None, flight: Any, t_end: float) -> list[dict[str, Any]]:
    t0 = flight[2]
    times = np.arange(t0, t_end, 1.0)
    times = np.append(times, t_end) if times[-1] < t_end else times
    rows = []
    for t in times.tolist():
        lat, lon, alt = straight(flight, t)
        rows.append(
            {
                "time_s": t,
                "entity": entity,
                "kind": kind,
                "battery": battery,
                "east_m": 0.0,
                "north_m": 0.0,
                "up_m": 0.0,
                "lat_deg": lat,
                "lon_deg": lon,
                "alt_m": alt,
                "speed_mps": 250.0,
            }
        )
    return rows


def write_synthetic_run(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    summary = {
        "samsim_version": "0.1.0",
        "scenario": "synthetic",
        "seed": 11,
        "duration_s": DURATION_S,
        "threats": THREAT_OUTCOMES,
        "interceptors": INTERCEPTORS,
        "totals": {"threats": 3, "killed": 1, "leaked": 1, "survived": 1, "interceptors_fired": 3},
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    scene = {
        "origin": {"lat_deg": CITY[0], "lon_deg": CITY[1], "alt_m": CITY[2]},
        "refraction_k": 4.0 / 3.0,
        "duration_s": DURATION_S,
        "assets": [
            {
                "id": "city",
                "lat_deg": CITY[0],
                "lon_deg": CITY[1],
                "alt_m": CITY[2],
                "radius_m": 3000.0,
                "value": 10.0,
            }
        ],
        "batteries": [
            {
                "id": "bat",
                "system": "S-400",
                "lat_deg": BATTERY[0],
                "lon_deg": BATTERY[1],
                "alt_m": BATTERY[2],
                "radars": RADARS,
                "launchers": 8,
                "loaded": {"48N6E3": 24, "9M96E2": 32},
                "weapons": "free",
            }
        ],
        "threats": [
            {"id": "t-kill", "type": "F-16C", "group": "t-kill", "kind": "aircraft", "target": "city"},
            {
                "id": "t-leak",
                "type": "Tomahawk",
                "group": "t-leak",
                "kind": "cruise_missile",
                "target": "city",
            },
            {"id": "t-surv", "type": "F-16C", "group": "t-surv", "kind": "aircraft", "target": "city"},
        ],
    }
    (out / "scene.json").write_text(json.dumps(scene, indent=2))
    rows: list[dict[str, Any]] = []
    ends = {"t-kill": 300.0, "t-leak": 400.0, "t-surv": DURATION_S}
    for tid, flight in THREAT_FLIGHTS.items():
        rows += _rows(tid, "threat", None, flight, ends[tid])
    for i in INTERCEPTORS:
        rows += _rows(i["id"], "interceptor", "bat", interceptor_flight(i), i["end_s"])
    rows += _rows("bat/T1", "track", "bat", THREAT_FLIGHTS["t-kill"], 300.0)[130::5]
    rows.sort(key=lambda r: r["time_s"])
    pq.write_table(pa.Table.from_pylist(rows, schema=TRAJECTORY_SCHEMA), out / "trajectories.parquet")

    def ev(time_s: float, kind: str, **kw: Any) -> dict[str, Any]:
        base = dict.fromkeys(("battery", "radar", "threat", "track", "interceptor", "detail"))
        return {"time_s": time_s, "kind": kind, **base, **kw}

    events = [
        ev(
            120.0 + 2 * k,
            "detect",
            battery="bat",
            radar="91N6E" if k % 2 else "92N6E",
            threat="t-kill",
            detail="range_km=100.0",
        )
        for k in range(10)
    ]
    events += [
        ev(130.5, "track_confirm", battery="bat", threat="t-kill", track="bat/T1"),
        ev(249.0, "assign", battery="bat", threat="t-kill", track="bat/T1", interceptor="bat/48N6E3/1"),
        ev(250.0, "launch", battery="bat", threat="t-kill", interceptor="bat/48N6E3/1"),
        ev(250.0, "detect", battery="bat", radar="92N6E", threat="t-leak", detail="range_km=50.0"),
        ev(262.0, "track_confirm", battery="bat", threat="t-leak", track="bat/T2"),
        ev(
            300.0,
            "intercept",
            battery="bat",
            threat="t-kill",
            interceptor="bat/48N6E3/1",
            detail="miss_m=3.2",
        ),
        ev(300.0, "kill", battery="bat", threat="t-kill", interceptor="bat/48N6E3/1"),
        ev(300.0, "track_drop", battery="bat", threat="t-kill", track="bat/T1"),
        ev(330.0, "launch", battery="bat", threat="t-leak", interceptor="bat/48N6E3/2"),
        ev(340.0, "launch", battery="bat", threat="t-leak", interceptor="bat/9M96E2/3"),
        ev(370.0, "miss", battery="bat", threat="t-leak", interceptor="bat/48N6E3/2", detail="miss_m=45.0"),
        ev(400.0, "self_destruct", battery="bat", threat="t-leak", interceptor="bat/9M96E2/3"),
        ev(400.0, "leak", threat="t-leak", detail="reached city"),
    ]
    events.sort(key=lambda e: e["time_s"])
    pq.write_table(pa.Table.from_pylist(events, schema=EVENT_SCHEMA), out / "events.parquet")
    (out / "report.html").write_text("<!doctype html><title>report</title><p>synthetic</p>")
    return out


# Study: threat "a" leaks in runs 0-4 (5 of 20), "b" never, "c" always; interceptors fired per run
# is run % 4.
STUDY_RUNS = 20
STUDY_SEED = 3


def _reason(threat: str, run: int) -> str:
    """Why a leaked threat of the synthetic study had no shot: F-16C ``a`` magazine empty in odd runs,
    no fire channel in even ones; Tomahawk ``c`` no track in runs 0-9, out of envelope after."""
    if threat == "a":
        return "magazine_empty" if run % 2 else "no_fire_channel"
    return "no_track" if run < 10 else "out_of_envelope"


def _study_tables(groups: list[tuple[int, dict[str, Any]]]) -> tuple[pa.Table, pa.Table, pa.Table]:
    runs, outcomes, interceptors = [], [], []
    for group, swept in groups:
        for r in range(STUDY_RUNS):
            fates = {"a": "leaked" if r < 5 + group else "killed", "b": "killed", "c": "leaked"}
            fired = r % 4
            leaked = sum(f == "leaked" for f in fates.values())
            killed = sum(f == "killed" for f in fates.values())
            runs.append(
                {
                    "group": group,
                    "run": r,
                    "seed": STUDY_SEED,
                    **swept,
                    "threats": 3,
                    "killed": killed,
                    "leaked": leaked,
                    "survived": 0,
                    "interceptors_fired": fired,
                }
            )
            for tid, fate in fates.items():
                outcomes.append(
                    {
                        "group": group,
                        "run": r,
                        "threat": tid,
                        "type": "F-16C" if tid != "c" else "Tomahawk",
                        "fate": fate,
                        "fate_s": 200.0 + r,
                        "shots": 1 if fate == "killed" else 0,
                        "first_detected_s": 50.0,
                        "first_track_s": 60.0,
                        "killed_by": f"bat/48N6E3/{r}" if fate == "killed" else None,
                        "kind": "aircraft" if tid != "c" else "cruise",
                        "unengaged_reason": _reason(tid, r) if fate == "leaked" else None,
                    }
                )
            for k in range(fired):
                interceptors.append(
                    {
                        "group": group,
                        "run": r,
                        "id": f"bat/48N6E3/{k}",
                        "type": "48N6E3",
                        "battery": "bat",
                        "target": "a",
                        "launch_s": 100.0 + k,
                        "end_s": 150.0 + k,
                        "result": "kill" if k == 0 else "miss",
                        "miss_distance_m": 3.0 + 10 * k,
                    }
                )
    return pa.Table.from_pylist(runs), pa.Table.from_pylist(outcomes), pa.Table.from_pylist(interceptors)


def write_synthetic_study(out: Path, groups: list[tuple[int, dict[str, Any]]] | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    runs, outcomes, interceptors = _study_tables(groups or [(0, {})])
    for name, table in (("runs", runs), ("threat_outcomes", outcomes), ("interceptors", interceptors)):
        pq.write_table(table, out / f"{name}.parquet")
    (out / "scenario.yaml").write_text(TINY_SCENARIO)
    (out / "summary.json").write_text(
        json.dumps({"samsim_version": "0.1.0", "scenario": "tiny", "seed": STUDY_SEED, "runs": STUDY_RUNS})
    )
    return out


@pytest.fixture(scope="session")
def synthetic_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_run(tmp_path_factory.mktemp("synthetic") / "run")


def write_stealth_run(out: Path) -> Path:
    """The synthetic run whose scene's battery and signatures are those the recorder writes for
    :data:`STEALTH_SCENARIO` (three radars: S, X and VHF band; the F-35A's RCS table); its threat
    t-kill is an F-35A."""
    import samsim
    from samsim.sim.recorder import scene_of
    from samsim.sim.world import compile_world

    write_synthetic_run(out)
    compiled = scene_of(compile_world(samsim.loads(STEALTH_SCENARIO)))
    scene = json.loads((out / "scene.json").read_text())
    scene["batteries"] = compiled["batteries"]
    scene["signatures"] = compiled["signatures"]
    # t-kill becomes an F-35A, so that its signature is the table's.
    scene["threats"][0]["type"] = "F-35A"
    (out / "scene.json").write_text(json.dumps(scene, indent=2))
    summary = json.loads((out / "summary.json").read_text())
    summary["threats"][0]["type"] = "F-35A"
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return out


@pytest.fixture(scope="session")
def stealth_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_stealth_run(tmp_path_factory.mktemp("stealth") / "run")


@pytest.fixture(scope="session")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import samsim

    folder = tmp_path_factory.mktemp("real")
    (folder / "tiny.yaml").write_text(TINY_SCENARIO)
    result = samsim.simulate(samsim.load(folder / "tiny.yaml"))
    return samsim.write_run(result, folder / "run")


@pytest.fixture(scope="session")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_study(tmp_path_factory.mktemp("study") / "mc")


REAL_STUDY_RUNS = 4
REAL_STUDY_SWEEP = {"threats[0].count": [1, 2]}


@pytest.fixture(scope="session")
def real_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real `samsim mc` study of the tiny scenario: two sweep groups of four runs."""
    import samsim

    folder = tmp_path_factory.mktemp("real-study")
    (folder / "tiny.yaml").write_text(TINY_SCENARIO)
    samsim.monte_carlo(folder / "tiny.yaml", folder / "mc", REAL_STUDY_RUNS, sweeps=REAL_STUDY_SWEEP)
    (folder / "tiny.yaml").unlink()  # the study must not need its source file to replay a run
    return folder / "mc"


@pytest.fixture(scope="session")
def swept_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    groups = [(0, {"doctrine.salvo": 1}), (1, {"doctrine.salvo": 2})]
    return write_synthetic_study(tmp_path_factory.mktemp("swept") / "mc", groups)


def client_for(folder: Path, **kwargs: Any) -> Iterator[TestClient]:
    with TestClient(create_app(folder, **kwargs), base_url="http://127.0.0.1") as client:
        yield client


@pytest.fixture
def run_client(synthetic_run: Path) -> Iterator[TestClient]:
    yield from client_for(synthetic_run)


@pytest.fixture
def study_client(study: Path) -> Iterator[TestClient]:
    yield from client_for(study)


@pytest.fixture
def stealth_client(stealth_run: Path) -> Iterator[TestClient]:
    yield from client_for(stealth_run)
