"""Exports: every format read back (with its own library where one exists) against the run folder.

One small run serves every test: a battery, an asset and four threats that end in each way (two
F-16s killed, a Tomahawk that leaks, an F-16 far away that survives), six interceptors.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from samsim import loads, simulate
from samsim.geodesy import geodesic_inverse
from samsim.output import write_run
from samsim.output.exporters import (
    EPOCH,
    EXPORTERS,
    ExportError,
    RunFolderError,
    check_export,
    export_run,
    exporter,
    load_run,
)
from tests.conftest import ANKARA, f16_pair, small_scenario

SCENARIO = small_scenario(
    f16_pair(31.9)
    + """\
  - id: tlam
    type: Tomahawk
    target: city
    route:
      - {lat_deg: 39.93, lon_deg: 32.80, alt_m: 950, speed_mps: 250}
      - {lat_deg: 39.93, lon_deg: 32.86, alt_m: 950}
  - id: far
    type: F-16C
    start_s: 200
    route:
      - {lat_deg: 42.5, lon_deg: 32.0, alt_m: 9000, speed_mps: 250}
      - {lat_deg: 42.5, lon_deg: 34.0, alt_m: 9000}
""",
    name="export-small",
    seed=3,
    duration_s=300,
    site=ANKARA,
)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run(simulate(loads(SCENARIO), seed=3), tmp_path_factory.mktemp("exports") / "run")


@pytest.fixture(scope="module")
def expected(run_folder: Path) -> dict[str, Any]:
    """What the exports must say, read from the run folder with pandas."""
    summary = json.loads((run_folder / "summary.json").read_text())
    scene = json.loads((run_folder / "scene.json").read_text())
    traj = pd.read_parquet(run_folder / "trajectories.parquet")
    paths = {
        (kind, entity): rows.sort_values("time_s")[["time_s", "lon_deg", "lat_deg", "alt_m"]].to_numpy()
        for (kind, entity), rows in traj[traj["kind"] != "track"].groupby(["kind", "entity"])
    }
    assert {t["fate"] for t in summary["threats"]} == {"killed", "leaked", "survived"}
    assert summary["interceptors"], "the scenario must fire"
    return {"summary": summary, "scene": scene, "paths": paths}


def exported(run_folder: Path, tmp_path: Path, fmt: str) -> Path:
    out = tmp_path / f"run.{fmt}"
    assert export_run(run_folder, out).name == fmt
    return out


def close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol


# --- Tacview ACMI 2.2 --------------------------------------------------------------------------------


def parse_acmi(raw: bytes) -> dict[str, Any]:
    """A small reader of ACMI 2.2 text as the specification describes it: two header lines, global
    properties on object 0, ``#t`` frames, ``id,prop=value,...`` lines (commas in values escaped
    with a backslash, empty T components unchanged), ``-id`` removals and ``0,Event=`` lines."""
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark"
    lines = raw.decode("utf-8-sig").split("\n")
    assert lines[:2] == ["FileType=text/acmi/tacview", "FileVersion=2.2"]
    assert lines[-1] == "" and "\r" not in raw.decode("utf-8-sig")
    out: dict[str, Any] = {"globals": {}, "frames": [], "objects": {}, "removed": {}, "events": []}
    t: float | None = None
    for line in lines[2:-1]:
        if line.startswith("#"):
            t = float(line[1:])
            out["frames"].append(t)
            continue
        if line.startswith("-"):
            assert t is not None
            out["removed"][line[1:]] = t
            continue
        oid, _, rest = line.partition(",")
        assert re.fullmatch(r"[0-9A-F]+", oid), f"hexadecimal object id: {line}"
        props = dict(p.split("=", 1) for p in re.split(r"(?<!\\),", rest))
        props = {k: v.replace("\\,", ",") for k, v in props.items()}
        if oid == "0":
            if t is None:
                out["globals"].update(props)
            else:
                out["events"].append((t, props["Event"]))
            continue
        assert t is not None
        obj = out["objects"].setdefault(oid, {"first": props, "samples": [], "at": t})
        last = obj["samples"][-1][1:] if obj["samples"] else ("", "", "")
        parts = props["T"].split("|")
        assert len(parts) == 3
        obj["samples"].append((t, *(float(p) if p else last[i] for i, p in enumerate(parts))))
    return out


def test_acmi_is_tacview_2_2_and_matches_the_trajectories(
    run_folder: Path, expected: dict[str, Any], tmp_path: Path
) -> None:
    acmi = parse_acmi(exported(run_folder, tmp_path, "acmi").read_bytes())
    summary = expected["summary"]

    g = acmi["globals"]
    assert g["ReferenceTime"] == "2000-01-01T00:00:00Z"
    assert g["Author"] == "samsim" and g["Title"] == "export-small"
    assert g["DataRecorder"].startswith("samsim ")
    assert g["Comments"].startswith("Written by samsim") and "seed 3" in g["Comments"]
    assert all(b > a for a, b in zip(acmi["frames"], acmi["frames"][1:], strict=False)), "frames increase"

    by_callsign = {o["first"]["CallSign"]: (oid, o) for oid, o in acmi["objects"].items()}
    for oid, obj in acmi["objects"].items():
        assert {"Type", "Name", "Coalition", "Color"} <= set(obj["first"]), oid
        assert oid != "0"

    # Sites, placed once at t = 0 with the specification's type tags.
    assert by_callsign["bat"][1]["first"]["Type"] == "Ground+Static+AntiAircraft"
    assert by_callsign["bat"][1]["first"]["Name"] == "S-400"
    assert by_callsign["city"][1]["first"]["Type"] == "Ground+Static+Building"
    radars = [r["id"] for r in expected["scene"]["batteries"][0]["radars"]]
    for r in radars:
        assert by_callsign[f"bat/{r}"][1]["first"]["Type"] == "Ground+Static+Sensor"
    battery_scene = expected["scene"]["batteries"][0]
    assert by_callsign["bat"][1]["samples"] == [
        (0.0, battery_scene["lon_deg"], battery_scene["lat_deg"], 950.0)
    ]

    movers = [("threat", t, t["fate_s"]) for t in summary["threats"]]
    movers += [("interceptor", i, i["end_s"]) for i in summary["interceptors"]]
    for kind, row, end_s in movers:
        oid, obj = by_callsign[row["id"]]
        path = expected["paths"][(kind, row["id"])]
        samples = np.asarray(obj["samples"])
        assert samples.shape == path.shape, row["id"]
        assert np.allclose(samples[:, 0], path[:, 0], atol=5e-4)
        assert np.allclose(samples[:, 1:3], path[:, 1:3], atol=1e-6)
        assert np.allclose(samples[:, 3], path[:, 3], atol=0.005)
        assert obj["first"]["Name"] == row["type"]
        removed = acmi["removed"][oid]
        assert close(removed, path[-1, 0], 5e-4)
        if end_s is not None:  # removed at the fate or end, to the millisecond the frames keep
            assert close(removed, end_s, 1e-3)
        if kind == "threat":
            assert obj["first"]["Coalition"] == "Enemies" and obj["first"]["Color"] == "Red"
            assert obj["first"]["Group"] in ("f16", "tlam", "far")
        else:
            assert obj["first"]["Type"] == "Weapon+Missile"
            assert obj["first"]["Parent"] == by_callsign["bat"][0]
            assert obj["first"]["LockedTarget"] == by_callsign[row["target"]][0]
    assert by_callsign["f16-1"][1]["first"]["Type"] == "Medium+Air+FixedWing"
    assert by_callsign["tlam"][1]["first"]["Type"] == "Weapon+Missile"

    events = acmi["events"]
    kinds = [e.split("|", 1)[0] for _, e in events]
    killed = [t for t in summary["threats"] if t["fate"] == "killed"]
    assert kinds.count("Destroyed") == len(killed)
    for t in killed:
        oid = by_callsign[t["id"]][0]
        killer = by_callsign[t["killed_by"]][0]
        [(when, text)] = [(w, e) for w, e in events if e.startswith(f"Destroyed|{oid}|")]
        assert text.startswith(f"Destroyed|{oid}|{killer}|{t['id']} killed by {t['killed_by']}")
        assert close(when, t["fate_s"], 1e-3)
    leaked = [t for t in summary["threats"] if t["fate"] == "leaked"]
    assert kinds.count("Bookmark") == len(leaked)
    assert kinds.count("LeftArea") == len(summary["threats"]) - len(killed)
    launches = [e for _, e in events if " launches " in e]
    assert len(launches) == len(summary["interceptors"])
    assert any(" detects " in e and "for the first time" in e for _, e in events)


# --- CZML ---------------------------------------------------------------------------------------------


def test_czml_reads_back_with_czml3_and_matches_the_trajectories(
    run_folder: Path, expected: dict[str, Any], tmp_path: Path
) -> None:
    import czml3

    out = exported(run_folder, tmp_path, "czml")
    document = czml3.Document.load(out)  # czml3 validates every packet
    packets = {p["id"]: p for p in json.loads(out.read_text())}
    assert len(packets) == len(document.packets)

    preamble = json.loads(out.read_text())[0]
    assert preamble["id"] == "document" and preamble["version"] == "1.0"
    assert preamble["description"].startswith("Written by samsim")
    assert preamble["clock"]["interval"] == "2000-01-01T00:00:00Z/2000-01-01T00:05:00Z"
    assert preamble["clock"]["range"] == "CLAMPED"

    summary = expected["summary"]
    rows = [("threat", t) for t in summary["threats"]] + [("interceptor", i) for i in summary["interceptors"]]
    for kind, row in rows:
        packet = packets[f"{kind}:{row['id']}"]
        path = expected["paths"][(kind, row["id"])]
        position = packet["position"]
        assert position["epoch"] == "2000-01-01T00:00:00Z"
        samples = np.asarray(position["cartographicDegrees"]).reshape(-1, 4)
        assert samples.shape == path.shape
        assert np.allclose(samples[:, 0], path[:, 0], atol=5e-4)
        assert np.allclose(samples[:, 1:3], path[:, 1:3], atol=1e-6)
        assert np.allclose(samples[:, 3], path[:, 3], atol=0.005)
        start, end = packet["availability"].split("/")
        assert dt.datetime.fromisoformat(start) == EPOCH + dt.timedelta(seconds=round(path[0, 0], 3))
        assert dt.datetime.fromisoformat(end) == EPOCH + dt.timedelta(seconds=round(path[-1, 0], 3))
        assert "billboard" not in packet and {"point", "path", "label"} <= set(packet)
    # The replay's colours: a killed threat orange, a leaked one red, an interceptor's kill blue.
    fates = {t["id"]: t["fate"] for t in summary["threats"]}
    colour = {"killed": [255, 169, 77, 255], "leaked": [255, 59, 48, 255], "survived": [255, 212, 59, 255]}
    for tid, fate in fates.items():
        assert packets[f"threat:{tid}"]["point"]["color"]["rgba"] == colour[fate]
    kill = next(i for i in summary["interceptors"] if i["result"] == "kill")
    assert packets[f"interceptor:{kill['id']}"]["point"]["color"]["rgba"] == [77, 171, 247, 255]
    assert {f"marker:kill:{t}" for t, f in fates.items() if f == "killed"} <= set(packets)

    for site in ("battery:bat", "asset:city", "area:city", "radar:bat/91N6E", "range:bat/91N6E"):
        assert site in packets
        assert len(packets[site]["position"]["cartographicDegrees"]) == 3
    assert packets["range:bat/91N6E"]["ellipse"]["semiMajorAxis"] == 600000.0
    assert "Not a detection footprint" in packets["range:bat/91N6E"]["description"]


# --- KML ----------------------------------------------------------------------------------------------


def test_kml_reads_back_with_fastkml_against_the_schema(
    run_folder: Path, expected: dict[str, Any], tmp_path: Path
) -> None:
    from fastkml import KML
    from fastkml.gx.track import Track
    from fastkml.validator import validate

    out = exported(run_folder, tmp_path, "kml")
    assert validate(file_to_validate=out)  # the OGC KML 2.2 schema and Google's gx schema
    document = KML.parse(out).features[0]
    assert document.description.startswith("Written by samsim")
    folders = {f.name: f for f in document.features}
    assert list(folders) == ["Threats", "Interceptors", "Sites", "Assets", "Radar ranges"]

    summary = expected["summary"]
    for folder, kind, rows in (
        ("Threats", "threat", summary["threats"]),
        ("Interceptors", "interceptor", summary["interceptors"]),
    ):
        placemarks = {p.name: p for p in folders[folder].features}
        assert set(placemarks) == {r["id"] for r in rows}
        for row in rows:
            placemark = placemarks[row["id"]]
            path = expected["paths"][(kind, row["id"])]
            track = placemark.kml_geometry
            assert isinstance(track, Track)
            assert track.altitude_mode.value == "absolute"
            assert len(track.track_items) == len(path)
            seconds = [(item.when.dt - EPOCH).total_seconds() for item in track.track_items]
            coords = np.asarray([item.coord.coords[0] for item in track.track_items])
            assert np.allclose(seconds, path[:, 0], atol=5e-4)
            assert np.allclose(coords[:, :2], path[:, 1:3], atol=1e-6)
            assert np.allclose(coords[:, 2], path[:, 3], atol=0.005)
            data = {d.name: d.value for d in placemark.extended_data.elements}
            assert data["kind"] == kind and data["type"] == row["type"]
            assert data["fate" if kind == "threat" else "result"] == (row.get("fate") or row.get("result"))

    sites = {p.name: p for p in folders["Sites"].features}
    radars = expected["scene"]["batteries"][0]["radars"]
    assert set(sites) == {"bat"} | {f"bat/{r['id']}" for r in radars}
    assert sites["bat"].kml_geometry.geometry.coords[0] == (32.7, 40.0, 950.0)
    assets = [p.name for p in folders["Assets"].features]
    assert assets == ["city", "city leak radius"]

    circles = {p.name: p for p in folders["Radar ranges"].features}
    assert set(circles) == {f"bat/{r['id']} maximum instrumented range" for r in radars}
    for r in radars:
        circle = circles[f"bat/{r['id']} maximum instrumented range"]
        ring = np.asarray(circle.kml_geometry.geometry.exterior.coords)
        assert len(ring) == 121 and tuple(ring[0]) == tuple(ring[-1])
        n = len(ring)
        _, _, dist = geodesic_inverse(
            np.full(n, r["lat_deg"]), np.full(n, r["lon_deg"]), ring[:, 1], ring[:, 0]
        )
        assert np.allclose(dist, r["max_range_m"], atol=1.0)
        assert "Not a detection footprint" in circle.description


# --- GeoJSON ------------------------------------------------------------------------------------------


def test_geojson_is_an_rfc7946_feature_collection_of_the_run(
    run_folder: Path, expected: dict[str, Any], tmp_path: Path
) -> None:
    data = json.loads(exported(run_folder, tmp_path, "geojson").read_text())
    assert data["type"] == "FeatureCollection" and "crs" not in data
    assert data["name"] == "export-small" and data["description"].startswith("Written by samsim")
    summary, scene = expected["summary"], expected["scene"]
    n_radars = sum(len(b["radars"]) for b in scene["batteries"])
    n_sites = len(scene["batteries"]) + n_radars + len(scene["assets"])
    features = data["features"]
    assert len(features) == len(summary["threats"]) + len(summary["interceptors"]) + n_sites
    assert len({f["id"] for f in features}) == len(features)

    by_id = {f["id"]: f for f in features}
    for kind, rows, outcome in (
        ("threat", summary["threats"], "fate"),
        ("interceptor", summary["interceptors"], "result"),
    ):
        for row in rows:
            feature = by_id[f"{kind}:{row['id']}"]
            assert feature["type"] == "Feature" and feature["geometry"]["type"] == "LineString"
            path = expected["paths"][(kind, row["id"])]
            coords = np.asarray(feature["geometry"]["coordinates"])
            assert coords.shape == (len(path), 3)
            assert np.allclose(coords[:, :2], path[:, 1:3], atol=1e-6)
            props = feature["properties"]
            assert set(props) == {
                "id", "kind", "type", "battery", "group", "target", "fate", "result", "start_s", "end_s", "time_s"
            }  # fmt: skip
            assert props["id"] == row["id"] and props["kind"] == kind and props["type"] == row["type"]
            assert props[outcome] == row[outcome]
            assert props["result" if kind == "threat" else "fate"] is None
            assert props["battery"] == row.get("battery")
            assert np.allclose(props["time_s"], path[:, 0], atol=5e-4)
            assert close(props["start_s"], path[0, 0], 5e-4) and close(props["end_s"], path[-1, 0], 5e-4)
    battery = by_id["battery:bat"]
    assert battery["geometry"] == {"type": "Point", "coordinates": [32.7, 40.0, 950.0]}
    assert battery["properties"]["system"] == "S-400" and battery["properties"]["kind"] == "battery"
    assert by_id["radar:bat/91N6E"]["properties"]["max_range_m"] == 600000.0
    assert by_id["asset:city"]["properties"]["radius_m"] == 3000.0


# --- The registry, the checks and the atomic write -----------------------------------------------------


def test_every_format_is_registered_and_exports_the_same_bytes_twice(
    run_folder: Path, tmp_path: Path
) -> None:
    assert sorted(EXPORTERS) == ["acmi", "czml", "geojson", "kml"]
    assert {f.suffix for f in EXPORTERS.values()} == {".acmi", ".czml", ".geojson", ".kml"}
    for name in EXPORTERS:
        out = exported(run_folder, tmp_path, name)
        first = out.read_bytes()
        exported(run_folder, tmp_path, name)  # replaces its own earlier export
        assert out.read_bytes() == first
        assert b"Written by samsim" in first[:4096]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"run.{n}" for n in EXPORTERS)


def test_a_registered_format_is_exported_atomically(run_folder: Path, tmp_path: Path) -> None:
    disk_full = False

    @exporter("threat-ids", suffix=".ids", title="threat ids")
    def ids(folder: Path, out: Path) -> None:
        run = load_run(folder)
        out.write_text("Written by samsim\n" + "".join(f"{t.id}\n" for t in run.threats))
        if disk_full:
            raise OSError(28, "No space left on device")

    try:
        out = tmp_path / "ids.ids"
        assert export_run(run_folder, out).title == "threat ids"
        assert out.read_text().splitlines()[1:] == ["f16-1", "f16-2", "tlam", "far"]
        with pytest.raises(ValueError, match="already registered"):
            exporter("threat-ids", suffix=".ids", title="again")(ids)
        disk_full = True
        with pytest.raises(OSError, match="No space left"):
            export_run(run_folder, out)
    finally:
        del EXPORTERS["threat-ids"]
    # The failed export left the earlier file whole and no temporary file beside it.
    assert out.read_text().splitlines()[1:] == ["f16-1", "f16-2", "tlam", "far"]
    assert [p.name for p in tmp_path.iterdir()] == ["ids.ids"]


def test_bad_requests_are_refused_with_every_problem(run_folder: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "notes.kml"
    foreign.write_text("<kml>mine</kml>")
    _, problems = check_export(run_folder, foreign)
    assert problems == [
        f"-o: {foreign} exists and is not an earlier samsim kml export; samsim replaces only its own "
        "exports: choose a new file name"
    ]
    with pytest.raises(ExportError):
        export_run(run_folder, foreign)
    assert foreign.read_text() == "<kml>mine</kml>"

    _, problems = check_export(tmp_path / "nowhere", tmp_path / "no" / "x.acmi", "tacview")
    assert problems == [
        f"{tmp_path / 'nowhere'}: no such folder",
        "--format: unknown export format 'tacview' (known: acmi, czml, geojson, kml)",
        f"-o: the folder {tmp_path / 'no'} does not exist",
    ]
    _, problems = check_export(run_folder, tmp_path / "x.txt")
    assert problems == [
        "--format: not given, and x.txt has no format's extension (.acmi, .czml, .geojson, .kml); "
        "give one of acmi, czml, geojson, kml"
    ]
    _, problems = check_export(run_folder, tmp_path / "x.kml", "acmi")
    assert problems == ["-o: x.kml has the extension of kml, not acmi; name the file *.acmi"]
    chosen, problems = check_export(run_folder, tmp_path / "replay.txt", "ACMI")
    assert chosen is not None and chosen.name == "acmi" and problems == []
    _, problems = check_export(run_folder, tmp_path, "acmi")
    assert problems == [f"-o: {tmp_path} is a folder; give the file to write"]


def test_only_run_folders_are_exported(run_folder: Path, tmp_path: Path) -> None:
    study = tmp_path / "study"
    study.mkdir()
    (study / "results.duckdb").touch()
    _, problems = check_export(study, tmp_path / "x.acmi")
    assert problems and "a Monte Carlo study folder, not a run folder" in problems[0]
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "summary.json").write_text("{}")
    _, problems = check_export(partial, tmp_path / "x.acmi")
    assert problems == [
        f"{partial}: not a run folder of `samsim run` (no scene.json, trajectories.parquet, events.parquet)"
    ]
    broken = tmp_path / "broken"
    broken.mkdir()
    for p in run_folder.iterdir():
        (broken / p.name).write_bytes(p.read_bytes())
    (broken / "trajectories.parquet").write_bytes(b"not parquet")
    with pytest.raises(RunFolderError, match="cannot be read as Parquet"):
        load_run(broken)
    (broken / "trajectories.parquet").write_bytes((run_folder / "trajectories.parquet").read_bytes())
    summary = json.loads((run_folder / "summary.json").read_text())
    summary["threats"][0].pop("type")
    (broken / "summary.json").write_text(json.dumps(summary))
    with pytest.raises(RunFolderError, match=r"is not as `samsim run` writes it \(KeyError: 'type'\)"):
        load_run(broken)
