"""The JSON API of ``samsim serve`` (FastAPI TestClient): every endpoint, bad ids, traversal
attempts, body limits, error format; numbers against closed forms (Wilson intervals, the radar
range equation, positions on straight flights)."""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from samsim.constants import MEAN_EARTH_RADIUS_M
from samsim.models import radar
from samsim.models.horizon import horizon_range_m
from samsim.web.app import create_app
from samsim.web.data import DataError, detection_range_m, histogram, wilson_interval
from samsim.web.study_data import pooled_proportion
from tests.conftest import ROOT
from tests.web.conftest import (
    INTERCEPTORS,
    REAL_STUDY_RUNS,
    STUDY_RUNS,
    STUDY_SEED,
    THREAT_FLIGHTS,
    TINY_SCENARIO,
    client_for,
    interceptor_flight,
    straight,
    write_synthetic_run,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# ---------------------------------------------------------------------------------------------------
# Pure functions


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    # Newcombe, Statistics in Medicine 17 (1998) 857-872, Table II, method 3 (Wilson score).
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_interval_matches_newcombe(k: int, n: int, lo: float, hi: float) -> None:
    got = wilson_interval(k, n)
    assert got == pytest.approx((lo, hi), abs=5e-5)


def test_wilson_interval_edges() -> None:
    assert wilson_interval(20, 20)[1] == 1.0
    lo, hi = wilson_interval(5, 10)
    assert lo + hi == pytest.approx(1.0)  # symmetric about 1/2
    with pytest.raises(ValueError):
        wilson_interval(1, 0)


def test_detection_range_fourth_root_law() -> None:
    # SNR ~ sigma / R^4: sixteen times the RCS doubles the range.
    assert detection_range_m(100e3, 1.0, 16.0) == pytest.approx(200e3)
    assert detection_range_m(390e3, 4.0, 1.0) == pytest.approx(390e3 * 0.25**0.25)
    assert detection_range_m(390e3, 4.0, 100.0, max_range_m=600e3) == 600e3
    with pytest.raises(ValueError):
        detection_range_m(1.0, 1.0, 0.0)


@pytest.mark.parametrize("rcs_m2", [0.01, 1.0, 4.0, 50.0])
def test_detection_range_is_where_the_engine_snr_meets_its_reference(rcs_m2: float) -> None:
    # The dome is the range at which the engine's calibrated SNR equals the reference SNR.
    ref_snr_db = 13.2
    r = detection_range_m(390e3, 4.0, rcs_m2)
    snr_db = float(radar.snr_db_calibrated(r, rcs_m2, 390e3, 4.0, ref_snr_db))
    assert snr_db == pytest.approx(ref_snr_db, abs=1e-9)


def test_histogram_integer_bins() -> None:
    h = histogram([0, 0, 1, 3, 3, 3])
    assert (
        h["lo"] == [0, 1, 2, 3, 4]
        and h["counts"] == [2, 1, 0, 3, 0]
        and h["mean"] == pytest.approx(10 / 6, abs=1e-4)
        and h["single"] is None
    )
    wide = histogram(list(range(200)), max_bins=50)
    assert wide["bin_width"] == 4 and sum(wide["counts"]) == 200 and len(wide["counts"]) == 50
    assert histogram([])["counts"] == []
    # Every run fired 96: the bar stands in the middle of five bins, not at the end of 97 from 0.
    same = histogram([96] * 10)
    assert same["lo"] == [94, 95, 96, 97, 98] and same["counts"] == [0, 0, 10, 0, 0] and same["single"] == 96
    assert histogram([120, 130])["lo"][0] == 120
    assert histogram([3, 3], from_zero=True)["lo"] == [0, 1, 2, 3, 4]


def test_pooled_proportion_uses_kish_effective_sample_size() -> None:
    # Two runs leak both threats, two leak none: p = 0.5 from 8 threats, but the runs vary together:
    # v = sum((k - p m)^2) / (sum m)^2 = 4 / 64, n_eff = p (1 - p) / v = 4 = the runs.
    found = pooled_proportion(np.array([2, 2, 0, 0]), np.array([2, 2, 2, 2]))
    assert (found["p"], found["k"], found["n"], found["n_eff"]) == (0.5, 4, 8, 4.0)
    assert (found["lo"], found["hi"]) == pytest.approx(wilson_interval(2, 4), abs=1e-6)
    # One trial a run: the plain Wilson interval.
    one = pooled_proportion(np.array([1, 0, 0, 1, 0]), np.ones(5))
    assert one["n_eff"] == 5 and (one["lo"], one["hi"]) == pytest.approx(wilson_interval(2, 5), abs=1e-6)


# ---------------------------------------------------------------------------------------------------
# Run folders


def test_info_and_files(run_client: TestClient) -> None:
    info = run_client.get("/api/info").json()
    assert info["kind"] == "run" and info["name"] == "synthetic" and info["replay"] == "run"
    names = {f["name"] for f in run_client.get("/api/files").json()["files"]}
    assert names == {"summary.json", "scene.json", "events.parquet", "trajectories.parquet", "report.html"}
    r = run_client.get("/files/summary.json")
    assert r.status_code == 200 and r.json()["scenario"] == "synthetic"
    assert "content-security-policy" in r.headers and r.headers["x-content-type-options"] == "nosniff"


def test_summary_and_scene(run_client: TestClient) -> None:
    summary = run_client.get("/api/replays/run/summary").json()
    assert summary["totals"]["interceptors_fired"] == 3
    scene = run_client.get("/api/replays/run/scene").json()
    assert not scene["derived"] and scene["note"] is None
    assert [b["id"] for b in scene["batteries"]] == ["bat"]
    assert scene["time"] == {"start_s": 0.0, "stop_s": 600.0}
    ext = scene["extent"]
    assert (ext["south"], ext["north"], ext["west"], ext["east"]) == (38.5, 40.5, 31.0, 34.0)


def test_trajectories_per_entity(run_client: TestClient) -> None:
    body = run_client.get("/api/replays/run/trajectories").json()
    by_id = {e["id"]: e for e in body["entities"]}
    assert set(by_id) == {"t-kill", "t-leak", "t-surv", *(i["id"] for i in INTERCEPTORS)}
    k = by_id["t-kill"]
    assert k["kind"] == "threat" and k["fate"] == "killed" and k["type"] == "F-16C"
    assert k["t"][0] == 0.0 and k["t"][-1] == 300.0 and len(k["t"]) == 301
    assert (k["lat"][150], k["lon"][150], k["alt"][150]) == pytest.approx(
        straight(THREAT_FLIGHTS["t-kill"], 150.0), abs=1e-6
    )
    assert by_id["bat/9M96E2/3"]["fate"] == "self-destruct"
    tracks = run_client.get("/api/replays/run/trajectories", params={"kind": "track"}).json()["entities"]
    assert [t["id"] for t in tracks] == ["bat/T1"] and tracks[0]["battery"] == "bat"
    assert run_client.get("/api/replays/run/trajectories", params={"kind": "bogus"}).status_code == 422


def test_markers_at_closed_form_positions(run_client: TestClient) -> None:
    markers = run_client.get("/api/replays/run/markers").json()["markers"]
    assert [(m["kind"], m["time_s"]) for m in markers] == [
        ("kill", 300.0),
        ("miss", 370.0),
        ("leak", 400.0),
        ("self_destruct", 400.0),
    ]
    kill, miss, leak, sd = markers
    assert kill["threat"] == "t-kill" and kill["interceptor"] == "bat/48N6E3/1"
    assert (kill["lat_deg"], kill["lon_deg"], kill["alt_m"]) == pytest.approx(
        straight(THREAT_FLIGHTS["t-kill"], 300.0), abs=1e-5
    )
    assert (leak["lat_deg"], leak["lon_deg"], leak["alt_m"]) == pytest.approx((39.93, 32.86, 900.0), abs=1e-5)
    assert miss["interceptor"] == "bat/48N6E3/2"
    assert (miss["lat_deg"], miss["lon_deg"]) == pytest.approx(
        interceptor_flight(INTERCEPTORS[1])[1][:2], abs=1e-5
    )
    assert sd["interceptor"] == "bat/9M96E2/3"


def test_domes_follow_the_radar_equation_and_horizon(run_client: TestClient) -> None:
    body = run_client.get("/api/replays/run/domes", params={"rcs_m2": 0.1, "alt_agl_m": 300}).json()
    acq, eng = body["radars"]
    assert acq["id"] == "bat/91N6E" and eng["id"] == "bat/92N6E"
    assert acq["range_m"] == pytest.approx(390e3 * (0.1 / 4.0) ** 0.25, abs=0.1)
    assert eng["range_m"] == pytest.approx(260e3 * (0.1 / 4.0) ** 0.25, abs=0.1)
    re_m = MEAN_EARTH_RADIUS_M
    horizon = math.sqrt(2 * (4 / 3) * re_m * 8.0) + math.sqrt(2 * (4 / 3) * re_m * 300.0)
    assert acq["horizon_range_m"] == pytest.approx(horizon, rel=1e-3)
    assert acq["horizon_range_m"] == pytest.approx(float(horizon_range_m(8.0, 300.0)), abs=0.1)
    assert acq["ring_range_m"] == min(acq["range_m"], acq["horizon_range_m"])
    assert acq["ring_alt_m"] == pytest.approx(958.0 - 8.0 + 300.0)
    capped = run_client.get("/api/replays/run/domes", params={"rcs_m2": 1000}).json()["radars"][0]
    assert capped["range_m"] == 600e3
    for bad in ({"rcs_m2": -1}, {"rcs_m2": 0}, {"rcs_m2": "x"}, {"alt_agl_m": -5}):
        r = run_client.get("/api/replays/run/domes", params=bad)
        assert r.status_code == 422 and r.json()["error"].startswith("invalid request")


def test_domes_for_a_threat_type_follow_its_rcs_table_in_each_radars_band(stealth_client: TestClient) -> None:
    """With ``target``, each dome is R_ref (sigma / sigma_ref)^(1/4) for the cross section the type's
    table gives in that radar's band at the aspect: the F-35A's X- and S-band nose-on returns are
    hundreds of times smaller than its beam, its VHF ones only a few times."""
    from samsim.catalog import threat

    table = threat("F-35A").rcs_table
    assert table is not None
    row = {band: np.asarray(table.rows(band)[0]) for band in table.band_names}
    col = {a: list(table.aspect_deg).index(d) for a, d in (("nose", 0.0), ("beam", 90.0), ("tail", 180.0))}
    ref = {"91N6E": (390e3, "S"), "92N6E": (260e3, "X"), "RLM-M": (390e3, "VHF")}
    client = stealth_client
    ranges: dict[str, dict[str, float]] = {}
    for aspect in ("nose", "beam", "tail", "worst", "best", "45"):
        body = client.get("/api/replays/run/domes", params={"target": "F-35A", "aspect": aspect}).json()
        assert body["target"] == "F-35A" and body["aspect"] == aspect and body["targets"] == ["F-35A"]
        ranges[aspect] = {}
        for d in body["radars"]:
            ref_m, band = ref[d["radar"]]
            assert d["band"] == band
            values = row[band]
            sigma = {
                "worst": values.min(),
                "best": values.max(),
                # 45 deg: halfway between the 30 and 60 deg nodes in dB, the geometric mean.
                "45": math.sqrt(values[1] * values[2]),
            }.get(aspect, values[col.get(aspect, 0)])
            assert d["rcs_m2"] == pytest.approx(sigma, rel=1e-5)
            assert d["range_m"] == pytest.approx(ref_m * (sigma / 4.0) ** 0.25, abs=0.1)
            ranges[aspect][d["radar"]] = d["range_m"]
    nose_over_beam = {r: ranges["nose"][r] / ranges["beam"][r] for r in ref}
    assert nose_over_beam["92N6E"] == pytest.approx((0.005 / 1.0) ** 0.25, rel=1e-4)
    assert nose_over_beam["91N6E"] < 0.3 < 0.6 < nose_over_beam["RLM-M"]
    assert ranges["worst"]["RLM-M"] <= ranges["nose"]["RLM-M"] <= ranges["best"]["RLM-M"]
    for params, status, text in [
        ({"target": "Su-57", "aspect": "nose"}, 422, "no signature of 'Su-57'"),
        ({"target": "F-35A", "aspect": "side"}, 422, "aspect: must be degrees or nose"),
        ({"target": "F-35A", "aspect": "400"}, 422, "between 0 and 360"),
    ]:
        r = client.get("/api/replays/run/domes", params=params)
        assert r.status_code == status and text in r.json()["error"], r.json()


def test_signature_series_gives_the_aspect_each_radar_sees_and_its_rcs(stealth_client: TestClient) -> None:
    """t-kill flies a straight line towards the city at constant speed; every radar sits north of
    its track, so it shows them its left side (aspect in (180, 360)), and the RCS is the F-35A table's
    at that aspect, mirrored to the right side, in each radar's band."""
    from samsim.catalog import threat
    from samsim.geodesy import geodetic_to_ecef
    from samsim.models.signature import body_angles_deg

    body = stealth_client.get("/api/replays/run/signature", params={"id": "t-kill"}).json()
    assert body["type"] == "F-35A" and body["signature"] is True
    t = np.asarray(body["t"])
    assert t[0] == 0.0 and t[-1] == pytest.approx(300.0) and np.all(np.diff(t) > 0)
    table = threat("F-35A").rcs_table
    assert table is not None
    (lat0, lon0, alt0), (lat1, lon1, alt1), t0, t1 = THREAT_FLIGHTS["t-kill"]
    # The straight flight's velocity, from its end points (linear in lat/lon/alt: nearly constant).
    k = 100
    f = lambda s: geodetic_to_ecef(  # noqa: E731
        lat0 + (lat1 - lat0) * s / (t1 - t0),
        lon0 + (lon1 - lon0) * s / (t1 - t0),
        alt0 + (alt1 - alt0) * s / (t1 - t0),
    )
    vel = (f(t[k] + 1.0) - f(t[k] - 1.0)) / 2.0
    scene = stealth_client.get("/api/replays/run/scene").json()
    radars = {f"bat/{r['id']}": r for r in scene["batteries"][0]["radars"]}
    assert {r["id"] for r in body["radars"]} == set(radars)
    for r in body["radars"]:
        site = radars[r["id"]]
        aspect, elevation = body_angles_deg(
            vel, f(t[k]), geodetic_to_ecef(site["lat_deg"], site["lon_deg"], site["alt_m"])
        )
        assert r["aspect_deg"][k] == pytest.approx(float(aspect), abs=0.2)
        assert 180.0 < r["aspect_deg"][k] < 360.0 and r["elevation_deg"][k] < 0.0
        mirrored = 360.0 - r["aspect_deg"][k]
        lo = max(a for a in table.aspect_deg if a <= mirrored)
        hi = min(a for a in table.aspect_deg if a >= mirrored)
        row = table.rows(r["band"])[0]
        bounds = sorted([row[table.aspect_deg.index(lo)], row[table.aspect_deg.index(hi)]])
        assert bounds[0] * 0.999 <= r["rcs_m2"][k] <= bounds[1] * 1.001
        assert float(elevation) == pytest.approx(r["elevation_deg"][k], abs=0.2)
    assert stealth_client.get("/api/replays/run/signature", params={"id": "bat"}).status_code == 404


def test_domes_by_type_need_a_scene_with_signatures(run_client: TestClient) -> None:
    """A run folder written before scene.json recorded bands and signatures still serves fixed-RCS
    domes, and says why it cannot size them for a type."""
    body = run_client.get("/api/replays/run/domes").json()
    assert body["targets"] == [] and body["radars"][0]["band"] is None
    r = run_client.get("/api/replays/run/domes", params={"target": "F-35A"})
    assert r.status_code == 422 and "older samsim" in r.json()["error"]


def test_events_filters_and_paging(run_client: TestClient) -> None:
    all_events = run_client.get("/api/replays/run/events").json()
    assert all_events["total"] == 23
    times = [e["time_s"] for e in all_events["events"]]
    assert times == sorted(times)
    launches = run_client.get("/api/replays/run/events", params={"kind": "launch"}).json()
    assert [e["interceptor"] for e in launches["events"]] == ["bat/48N6E3/1", "bat/48N6E3/2", "bat/9M96E2/3"]
    two = run_client.get("/api/replays/run/events", params={"kind": ["kill", "leak"]}).json()
    assert [e["kind"] for e in two["events"]] == ["kill", "leak"]
    page = run_client.get("/api/replays/run/events", params={"offset": 20, "limit": 10}).json()
    assert page["total"] == 23 and len(page["events"]) == 3
    about = run_client.get("/api/replays/run/events", params={"entity": "bat/48N6E3/2"}).json()
    assert [e["kind"] for e in about["events"]] == ["launch", "miss"]
    assert run_client.get("/api/replays/run/events", params={"limit": 0}).status_code == 422
    assert run_client.get("/api/replays/run/events", params={"offset": -1}).status_code == 422


def test_entity_details(run_client: TestClient) -> None:
    t = run_client.get("/api/replays/run/entity", params={"id": "t-kill"}).json()
    assert t["kind"] == "threat" and t["category"] == "aircraft" and t["fate"] == "killed"
    assert t["fate_s"] == 300.0 and t["first_detected_s"] == 120.0 and t["first_track_s"] == 130.5
    assert t["killed_by"] == "bat/48N6E3/1" and t["target"] == "city"
    assert t["detections"] == {
        "count": 10,
        "first_s": 120.0,
        "last_s": 138.0,
        "by_radar": {"92N6E": 5, "91N6E": 5},
    }
    assert [e["kind"] for e in t["events"]] == [
        "track_confirm",
        "assign",
        "launch",
        "intercept",
        "kill",
        "track_drop",
    ]
    assert (t["sampled_from_s"], t["sampled_to_s"]) == (0.0, 300.0)
    i = run_client.get("/api/replays/run/entity", params={"id": "bat/9M96E2/3"}).json()
    assert i["kind"] == "interceptor" and i["result"] == "self-destruct" and i["target"] == "t-leak"
    assert [e["kind"] for e in i["events"]] == ["launch", "self_destruct"]
    b = run_client.get("/api/replays/run/entity", params={"id": "bat"}).json()
    assert b["kind"] == "battery" and b["radars"] == ["91N6E", "92N6E"] and b["loaded"]["48N6E3"] == 24
    assert all(e["kind"] != "detect" for e in b["events"])
    r = run_client.get("/api/replays/run/entity", params={"id": "bat/92N6E"}).json()
    assert r["kind"] == "radar" and r["detections"]["count"] == 6
    a = run_client.get("/api/replays/run/entity", params={"id": "city"}).json()
    assert a["kind"] == "asset" and [e["kind"] for e in a["events"]] == ["leak"]
    assert {x["id"]: x["fate"] for x in a["threats"]} == {
        "t-kill": "killed",
        "t-leak": "leaked",
        "t-surv": "survived",
    }
    track = run_client.get("/api/replays/run/entity", params={"id": "bat/T1"}).json()
    assert track["kind"] == "track" and [e["kind"] for e in track["events"]] == [
        "track_confirm",
        "assign",
        "track_drop",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/api/replays/nope/summary",
        "/api/replays/nope/scene",
        "/api/replays/..%2f..%2fetc/summary",
        "/api/replays/run/entity?id=nope",
        "/api/replays/run/entity?id=..%2f..%2fetc%2fpasswd",
        "/api/study/runs",
        "/api/study/overview",
        "/api/nothing",
        "/nothing.html",
    ],
)
def test_unknown_ids_are_json_404(run_client: TestClient, url: str) -> None:
    r = run_client.get(url)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/json" and "error" in r.json()


def test_entity_needs_an_id(run_client: TestClient) -> None:
    assert run_client.get("/api/replays/run/entity").status_code == 422
    assert run_client.get("/api/replays/run/entity", params={"id": "x" * 201}).status_code == 422


def test_real_run_folder(real_run: Path) -> None:
    for client in client_for(real_run):
        scene = client.get("/api/replays/run/scene").json()
        assert scene["name"] == "tiny" and not scene["derived"]
        assert [r["id"] for r in scene["batteries"][0]["radars"]] == ["91N6E", "92N6E", "96L6E"]
        ents = client.get("/api/replays/run/trajectories").json()["entities"]
        summary = client.get("/api/replays/run/summary").json()
        assert {e["id"] for e in ents if e["kind"] == "threat"} == {"f16-1", "f16-2"}
        fired = {i["id"]: i["result"] for i in summary["interceptors"]}
        assert {e["id"]: e["fate"] for e in ents if e["kind"] == "interceptor"} == fired
        markers = client.get("/api/replays/run/markers").json()["markers"]
        killed = {t["id"] for t in summary["threats"] if t["fate"] == "killed"}
        assert {m["threat"] for m in markers if m["kind"] == "kill"} == killed
        detail = client.get("/api/replays/run/entity", params={"id": "f16-1"}).json()
        assert detail["fate"] in ("killed", "leaked", "survived") and detail["detections"]["count"] > 0


def test_run_without_scene_json_is_derived(tmp_path: Path) -> None:
    folder = write_synthetic_run(tmp_path / "old")
    (folder / "scene.json").unlink()
    for client in client_for(folder):
        scene = client.get("/api/replays/run/scene").json()
        assert scene["derived"] and "scene.json" in scene["note"] and scene["batteries"] == []
        assert client.get("/api/replays/run/domes").json()["radars"] == []
        assert client.get("/api/replays/run/entity", params={"id": "t-leak"}).json()["fate"] == "leaked"


# ---------------------------------------------------------------------------------------------------
# Security


TRAVERSALS = [
    "/files/..%2f..%2fetc%2fpasswd",
    "/files/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/files/%2e%2e/%2e%2e/etc/passwd",
    "/files/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/files/%2fetc%2fpasswd",
    "/files//etc/passwd",
    "/files/..%5c..%5cetc%5cpasswd",
    "/files/summary.json%00.png",
    "/files/.hidden",
    "/files/link-out",
    "/files/dir-out/passwd",
    "/assets/..%2f..%2f..%2fapp.py",
    "/cesium/..%2f..%2f..%2fapp.py",
    "/assets/%2fetc%2fpasswd",
]


@pytest.fixture
def guarded(tmp_path: Path) -> TestClient:
    folder = write_synthetic_run(tmp_path / "out")
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    (folder / ".hidden").write_text("hidden")
    os.symlink(secret, folder / "link-out")
    os.symlink(tmp_path, folder / "dir-out")
    os.symlink(folder / "summary.json", folder / "link-in.json")
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "cesium" / "Workers").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>app</title>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    return TestClient(create_app(folder, dist=dist), base_url="http://127.0.0.1")


@pytest.mark.parametrize("url", TRAVERSALS)
def test_traversal_and_escapes_are_404(guarded: TestClient, url: str) -> None:
    r = guarded.get(url)
    assert r.status_code == 404, url
    assert "secret" not in r.text and "root:" not in r.text


def test_raw_dot_dot_paths_are_404(guarded: TestClient) -> None:
    # Send the path byte for byte (an HTTP client would normalise '..' segments away).
    for raw in (b"/files/../../etc/passwd", b"/files/../secret.txt", b"/assets/../../secret.txt"):
        r = guarded.request("GET", httpx.URL("http://127.0.0.1", raw_path=raw))
        assert r.status_code == 404 and "secret" not in r.text


def test_files_inside_out_are_served(guarded: TestClient) -> None:
    assert guarded.get("/files/link-in.json").json()["scenario"] == "synthetic"
    assert guarded.get("/assets/app.js").text == "console.log(1)"
    assert guarded.get("/").text.startswith("<!doctype html>")
    listed = {f["name"] for f in guarded.get("/api/files").json()["files"]}
    assert ".hidden" not in listed and "link-out" not in listed and "link-in.json" in listed


def test_body_limit_and_read_only(run_client: TestClient, study_client: TestClient) -> None:
    big = b"x" * (64 * 1024 + 1)
    r = study_client.post("/api/study/runs/0/1/replay", content=big)
    assert r.status_code == 413 and r.json()["status"] == 413

    def chunks() -> object:
        for _ in range(20):
            yield b"y" * 8192

    r = study_client.post("/api/study/runs/0/1/replay", content=chunks())  # no Content-Length
    assert r.status_code == 413
    for method in ("PUT", "DELETE", "PATCH", "POST"):
        r = run_client.request(method, "/files/summary.json")
        assert r.status_code == 405, method
        assert r.json()["error"]
    assert run_client.post("/api/info").status_code == 405


def test_host_header_guard(synthetic_run: Path) -> None:
    client = TestClient(create_app(synthetic_run), base_url="http://evil.example")
    assert client.get("/api/info").status_code == 400
    ok = TestClient(create_app(synthetic_run), base_url="http://localhost:8000")
    assert ok.get("/api/info").status_code == 200


def test_internal_errors_are_json_without_traceback(
    synthetic_run: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samsim.web import data

    def boom(self: object) -> None:
        raise RuntimeError("secret internals /home/user/path")

    monkeypatch.setattr(data.RunData, "markers", boom)
    client = TestClient(create_app(synthetic_run), base_url="http://127.0.0.1", raise_server_exceptions=False)
    r = client.get("/api/replays/run/markers")
    assert r.status_code == 500 and r.json() == {
        "error": "internal error (the server log has the details)",
        "status": 500,
    }
    assert "Traceback" not in r.text and "secret" not in r.text


def test_missing_frontend_page(synthetic_run: Path, tmp_path: Path) -> None:
    client = TestClient(create_app(synthetic_run, dist=tmp_path / "none"), base_url="http://127.0.0.1")
    r = client.get("/")
    assert r.status_code == 503 and "make web" in r.text
    assert client.get("/api/info").json()["frontend_built"] is False
    assert client.get("/assets/index.js").status_code == 404


def test_not_a_results_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not a samsim results folder"):
        create_app(tmp_path)
    with pytest.raises(DataError, match="no such folder"):
        create_app(tmp_path / "missing")


# ---------------------------------------------------------------------------------------------------
# Studies


def test_study_info_groups_overview(study_client: TestClient) -> None:
    info = study_client.get("/api/info").json()
    assert info["kind"] == "study" and info["name"] == "tiny" and info["replay"] is None
    groups = study_client.get("/api/study/groups").json()
    assert groups == {"swept": [], "groups": [{"group": 0, "runs": STUDY_RUNS, "values": {}}]}
    ov = study_client.get("/api/study/overview").json()
    assert ov["runs"] == 20 and ov["mean_leaked"] == pytest.approx(1.25)
    assert ov["mean_interceptors_fired"] == pytest.approx(1.5)
    lo, hi = wilson_interval(0, 20)
    assert ov["p_no_leak"] == {"p": 0.0, "lo": round(lo, 6), "hi": round(hi, 6), "k": 0, "n": 20}
    assert study_client.get("/api/study/summary").json()["seed"] == STUDY_SEED


def test_study_p_leak_with_wilson_intervals(study_client: TestClient) -> None:
    rows = {r["threat"]: r for r in study_client.get("/api/study/p_leak").json()["rows"]}
    a = rows["a"]
    assert (a["n"], a["leaked"], a["p_leak"]) == (20, 5, 0.25)
    assert (a["p_leak_lo"], a["p_leak_hi"]) == pytest.approx(wilson_interval(5, 20), abs=1e-6)
    assert (a["p_leak_lo"], a["p_leak_hi"]) == pytest.approx((0.1119, 0.4687), abs=1e-4)
    assert rows["b"]["p_leak"] == 0.0 and rows["b"]["p_kill"] == 1.0 and rows["b"]["mean_shots"] == 1.0
    assert rows["c"]["p_leak"] == 1.0 and rows["c"]["p_leak_hi"] == 1.0
    assert (a["runs"], a["threats_per_run"]) == (20, 1)
    by_type = {
        r["type"]: r for r in study_client.get("/api/study/p_leak", params={"by": "type"}).json()["rows"]
    }
    # Per type: runs are runs, not threat-runs; two F-16C in each of 20 runs make 40 trials.
    f16 = by_type["F-16C"]
    assert (f16["runs"], f16["threats_per_run"], f16["n"], f16["leaked"]) == (20, 2, 40, 5)
    assert by_type["Tomahawk"]["p_leak"] == 1.0
    assert list(f16)[:3] == ["type", "runs", "threats_per_run"]  # the key is the type, once
    assert study_client.get("/api/study/p_leak", params={"by": "nope"}).status_code == 422


def test_study_histograms(study_client: TestClient) -> None:
    h = study_client.get("/api/study/histograms").json()
    assert h["leaked"]["lo"] == [0, 1, 2, 3, 4] and h["leaked"]["counts"] == [0, 15, 5, 0, 0]
    assert h["interceptors_fired"]["counts"] == [5, 5, 5, 5, 0]


def test_study_runs_table(study_client: TestClient) -> None:
    page = study_client.get("/api/study/runs", params={"limit": 5}).json()
    assert page["total"] == 20 and [r["run"] for r in page["rows"]] == [0, 1, 2, 3, 4]
    # Every run has the study's seed: it heads the table; a row's run index tells it apart.
    assert page["columns"][:3] == ["group", "run", "threats"] and page["seed"] == STUDY_SEED
    assert page["rows"][4]["reproduce"] == f"--seed {STUDY_SEED} --run 4"
    srt = study_client.get("/api/study/runs", params={"sort": "interceptors_fired", "desc": True, "limit": 3})
    assert [(r["interceptors_fired"], r["run"]) for r in srt.json()["rows"]] == [(3, 3), (3, 7), (3, 11)]
    assert study_client.get("/api/study/runs", params={"sort": "nope"}).status_code == 422
    assert study_client.get("/api/study/runs", params={"limit": 5000}).status_code == 422
    assert study_client.get("/api/study/runs", params={"group": "7"}).status_code == 404
    assert study_client.get("/api/study/runs", params={"offset": 100}).json()["rows"] == []


def test_study_replay_resimulates_into_a_private_cache(real_study: Path, tmp_path: Path) -> None:
    import samsim

    before = {p.name: p.stat().st_mtime for p in real_study.iterdir()}
    cache = tmp_path / "cache"
    cache.mkdir()
    for client in client_for(real_study, replay_root=cache):
        groups = client.get("/api/study/groups").json()
        assert groups["swept"] == ["threats[0].count"] and len(groups["groups"]) == 2
        assert client.get("/api/study/overview").json()["runs"] == 2 * REAL_STUDY_RUNS
        r = client.post("/api/study/runs/0/2/replay")
        assert r.status_code == 200, r.text
        assert r.json() == {"replay": "g0-r2", "group": 0, "run": 2, "seed": 3}
        assert (cache / "g0-r2" / "trajectories.parquet").is_file()
        summary = client.get("/api/replays/g0-r2/summary").json()
        # Group 0 is the scenario with threats[0].count = 1; run 2 of seed 3 is simulate(seed=3, run=2).
        scenario = samsim.loads(TINY_SCENARIO.replace("count: 2", "count: 1"))
        expected = samsim.simulate(scenario, seed=3, run=2).summary()
        assert summary["run"] == 2 and summary["seed"] == 3
        assert summary["threats"] == expected["threats"] and len(summary["threats"]) == 1
        stored = client.get("/api/study/runs", params={"group": "0", "limit": 4}).json()["rows"][2]
        assert stored["leaked"] == summary["totals"]["leaked"]
        assert client.get("/api/replays/g0-r2/scene").json()["batteries"][0]["id"] == "bat"
        assert client.post("/api/study/runs/0/2/replay").json()["replay"] == "g0-r2"  # cached
        two = client.post("/api/study/runs/1/0/replay").json()
        assert len(client.get(f"/api/replays/{two['replay']}/summary").json()["threats"]) == 2
        assert client.post("/api/study/runs/0/99/replay").status_code == 404
        assert client.post("/api/study/runs/9/1/replay").status_code == 404
        assert client.post("/api/study/runs/0/x/replay").status_code == 422
        assert client.get("/api/replays/g0-r3/summary").status_code == 404  # not simulated yet
    assert {p.name: p.stat().st_mtime for p in real_study.iterdir()} == before  # OUT untouched


def test_study_replay_from_a_scenario_copy(study: Path) -> None:
    import samsim

    for client in client_for(study):
        r = client.post("/api/study/runs/0/4/replay")
        assert r.status_code == 200, r.text
        summary = client.get(f"/api/replays/{r.json()['replay']}/summary").json()
        expected = samsim.simulate(samsim.loads(TINY_SCENARIO), seed=STUDY_SEED, run=4).summary()
        assert summary["threats"] == expected["threats"]


def test_study_replay_without_scenario_explains(tmp_path: Path) -> None:
    from tests.web.conftest import write_synthetic_study

    folder = write_synthetic_study(tmp_path / "mc")
    (folder / "scenario.yaml").unlink()
    for client in client_for(folder):
        r = client.post("/api/study/runs/0/1/replay")
        assert r.status_code == 409 and "scenario" in r.json()["error"]


def test_swept_study_groups(swept_study: Path) -> None:
    for client in client_for(swept_study):
        groups = client.get("/api/study/groups").json()
        assert groups["swept"] == ["doctrine.salvo"]
        assert [(g["group"], g["values"]) for g in groups["groups"]] == [
            (0, {"doctrine.salvo": 1}),
            (1, {"doctrine.salvo": 2}),
        ]
        a1 = next(
            r
            for r in client.get("/api/study/p_leak", params={"group": "1"}).json()["rows"]
            if r["threat"] == "a"
        )
        assert (a1["n"], a1["leaked"]) == (20, 6)
        assert client.get("/api/study/overview").json()["runs"] == 40
        assert client.get("/api/study/overview", params={"group": "1"}).json()["runs"] == 20
        # Without results.duckdb, nothing records how the sweep was applied.
        r = client.post("/api/study/runs/1/2/replay")
        assert r.status_code == 409 and "sweeps parameters" in r.json()["error"]


def test_study_from_duckdb_only(tmp_path: Path) -> None:
    import duckdb

    from tests.web.conftest import write_synthetic_study

    folder = write_synthetic_study(tmp_path / "mc")
    con = duckdb.connect(str(folder / "results.duckdb"))
    for name in ("runs", "threat_outcomes", "interceptors"):
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{folder / name}.parquet')")
        (folder / f"{name}.parquet").unlink()
    con.close()
    for client in client_for(folder):
        assert client.get("/api/study/overview").json()["runs"] == 20
        assert len(client.get("/api/study/p_leak").json()["rows"]) == 3


def test_study_groups_side_by_side(swept_study: Path) -> None:
    for client in client_for(swept_study):
        res = client.get("/api/study/compare").json()
        assert res["swept"] == ["doctrine.salvo"] and [g["group"] for g in res["groups"]] == [0, 1]
        g0, g1 = res["groups"]
        # Group g: "a" leaks in runs 0 .. 4 + g, "c" always, "b" never; 3 threats a run.
        assert (g0["p_leak"]["k"], g0["p_leak"]["n"]) == (25, 60) and g1["p_leak"]["k"] == 26
        assert g0["values"] == {"doctrine.salvo": 1} and g0["runs"] == STUDY_RUNS
        fired = g0["interceptors_fired"]
        assert (
            fired["mean"] == 1.5
            and (fired["min"], fired["max"]) == (0, 3)
            and fired["lo"] < 1.5 < fired["hi"]
        )
        assert g1["leaked"]["mean"] == pytest.approx(26 / 20)
        assert g0["p_no_leak"]["p"] == 0.0


def test_study_missiles_fired_and_left_by_type(study: Path, swept_study: Path) -> None:
    import samsim
    from samsim.sim.recorder import scene_of
    from samsim.sim.world import compile_world

    stock = scene_of(compile_world(samsim.loads(TINY_SCENARIO)))["batteries"][0]["loaded"]
    for client in client_for(study):
        types = {t["type"]: t for t in client.get("/api/study/missiles").json()["types"]}
        assert set(stock) <= set(types)
        m = types["48N6E3"]
        # Run r fires r % 4 missiles of 48N6E3.
        assert m["loaded"] == stock["48N6E3"] and m["fired"]["mean"] == 1.5 and m["fired"]["max"] == 3
        assert m["left"]["mean"] == pytest.approx(stock["48N6E3"] - 1.5) and m["runs_used_up"] == 0
        other = next(t for t in stock if t != "48N6E3")
        assert types[other]["fired"]["mean"] == 0 and types[other]["left"]["min"] == stock[other]
    for client in client_for(swept_study):
        # Without results.duckdb the swept scenarios are unknown: missiles fired, no stock.
        m = client.get("/api/study/missiles", params={"group": "1"}).json()["types"][0]
        assert m["type"] == "48N6E3" and m["loaded"] is None and m["left"] is None
        assert m["fired"]["mean"] == 1.5


def test_real_study_intervals_match_its_summary(real_study: Path) -> None:
    summary = json.loads((real_study / "summary.json").read_text())
    for client in client_for(real_study):
        for g in summary["groups"]:
            rows = client.get("/api/study/p_leak", params={"group": str(g["group"]), "by": "type"}).json()
            for row, ref in zip(rows["rows"], g["by_type"], strict=True):
                assert row["type"] == ref["type"] and row["p_leak"] == ref["p_leak"]["mean"]
                assert [row["p_leak_lo"], row["p_leak_hi"]] == pytest.approx(ref["p_leak"]["ci"], abs=2e-6)
                assert row["n_eff"] == pytest.approx(ref["p_leak"]["n_eff"], abs=1e-6)
        compared = client.get("/api/study/compare").json()["groups"]
        for found, ref in zip(compared, summary["groups"], strict=True):
            assert found["p_leak"]["p"] == ref["overall"]["p_leak"]["mean"]
            assert [found["p_leak"]["lo"], found["p_leak"]["hi"]] == pytest.approx(
                ref["overall"]["p_leak"]["ci"], abs=2e-6
            )
            assert found["interceptors_fired"]["mean"] == pytest.approx(
                ref["overall"]["interceptors_fired"]["mean"], abs=1e-4
            )
        status = client.get("/api/study/status").json()
        assert status["running"] is False and status["runs"] == status["runs_asked"] == 2 * REAL_STUDY_RUNS
        assert status["source"] == "duckdb" and status["seed"] == 3


# A stand-in for `samsim mc` in the middle of a study: it holds results.duckdb open for writing
# (DuckDB's exclusive lock, as the study does), commits one more run when told, and waits.
_WRITER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
con.begin()
n = con.execute("SELECT max(run) + 1 FROM runs").fetchone()[0]
for table in ("runs", "threat_outcomes", "interceptors"):
    con.execute(f"INSERT INTO {table} SELECT * REPLACE ({n} AS run) FROM {table} WHERE run = 0")
con.commit()
print("committed", flush=True)
sys.stdin.readline()
con.close()
"""


def test_study_is_readable_while_samsim_mc_writes_it(real_study: Path, tmp_path: Path) -> None:
    import shutil

    import duckdb

    folder = tmp_path / "mc"
    shutil.copytree(real_study, folder)
    for name in ("runs", "threat_outcomes", "interceptors"):
        (folder / f"{name}.parquet").unlink()  # as at the start of a study: no Parquet yet
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(folder / "results.duckdb")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdin is not None and writer.stdout is not None
    try:
        assert writer.stdout.readline().strip() == "open"
        with pytest.raises(duckdb.Error, match="lock"):
            duckdb.connect(str(folder / "results.duckdb"), read_only=True)  # what the server used to do
        for client in client_for(folder):
            status = client.get("/api/study/status").json()
            assert status["running"] is True and status["runs"] == 2 * REAL_STUDY_RUNS
            assert client.get("/api/study/overview").json()["runs"] == 2 * REAL_STUDY_RUNS
            writer.stdin.write("commit\n")
            writer.stdin.flush()
            assert writer.stdout.readline().strip() == "committed"
            deadline = time.monotonic() + 10
            while client.get("/api/study/status").json()["version"] == status["version"]:
                assert time.monotonic() < deadline, "the committed batch was not picked up"
                time.sleep(0.2)
            after = client.get("/api/study/status").json()
            assert after["running"] is True and after["runs"] == 2 * REAL_STUDY_RUNS + 2
            groups = client.get("/api/study/groups").json()["groups"]
            assert [g["runs"] for g in groups] == [REAL_STUDY_RUNS + 1] * 2
            # A run can be replayed meanwhile: its scenario comes from the copy of the database.
            r = client.post("/api/study/runs/1/0/replay")
            assert r.status_code == 200, r.text
            writer.stdin.write("close\n")
            writer.stdin.flush()
            writer.wait(timeout=30)
            deadline = time.monotonic() + 10
            while client.get("/api/study/status").json()["running"]:
                assert time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert not list(folder.glob("*.tmp*"))  # the study folder is only read


# ---------------------------------------------------------------------------------------------------
# The command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_command_binds_localhost_and_answers(synthetic_run: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "samsim.cli",
            "serve",
            str(synthetic_run),
            "--port",
            str(port),
            "--no-browser",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/info", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert r.json()["kind"] == "run"
        assert "server" not in r.headers
        busy = subprocess.run(
            [
                sys.executable,
                "-m",
                "samsim.cli",
                "serve",
                str(synthetic_run),
                "--port",
                str(port),
                "--no-browser",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert busy.returncode == 2 and "in use" in busy.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_command_rejects_bad_folders(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "samsim.cli", "serve", str(tmp_path), "--no-browser"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        res.returncode == 2 and "not a samsim results folder" in res.stderr and "Traceback" not in res.stderr
    )
