"""The dashboard's "why not engaged" data on constructed study folders (tests/web/conftest.py: leaked
F-16C ``a`` magazine empty in odd runs and no fire channel in even ones, leaked Tomahawk ``c`` no
track in runs 0-9 and out of envelope after), and a real study's counts against its own table."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.web.conftest import STUDY_RUNS, client_for


def test_reasons_per_type_on_a_constructed_study(study: Path) -> None:
    for client in client_for(study):
        res = client.get("/api/study/reasons").json()
        assert res["runs"] == STUDY_RUNS
        assert res["reasons"] == ["no_track", "out_of_envelope", "magazine_empty", "no_fire_channel"]
        rows = {r["type"]: r for r in res["types"]}
        # F-16C a leaks in runs 0-4 (odd: 1, 3; even: 0, 2, 4); b is always killed.
        f16 = rows["F-16C"]
        assert f16["threats"] == 2 * STUDY_RUNS and f16["not_engaged"] == 5
        assert f16["counts"] == {"magazine_empty": 2, "no_fire_channel": 3}
        assert f16["per_run"] == 0.25
        tlam = rows["Tomahawk"]
        assert tlam["threats"] == STUDY_RUNS and tlam["counts"] == {"no_track": 10, "out_of_envelope": 10}
        assert tlam["per_run"] == 1.0
        assert res["decoys"] is None  # no threat of kind decoy


def test_interceptors_spent_on_decoys(tmp_path: Path) -> None:
    """Threat ``a`` made a decoy: every interceptor of the synthetic study is fired at ``a``, r % 4 in
    run r, 30 over the 20 runs."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from tests.web.conftest import write_synthetic_study

    folder = write_synthetic_study(tmp_path / "mc")
    tab = pq.read_table(folder / "threat_outcomes.parquet")
    kind = pc.if_else(pc.equal(tab.column("threat"), "a"), "decoy", tab.column("kind"))
    tab = tab.set_column(tab.column_names.index("kind"), "kind", pa.array(kind.to_pylist(), pa.string()))
    pq.write_table(tab, folder / "threat_outcomes.parquet")
    for client in client_for(folder):
        decoys = client.get("/api/study/reasons").json()["decoys"]
        assert decoys == {
            "threats": 20,
            "interceptors": 30,
            "threats_per_run": 1.0,
            "interceptors_per_run": 1.5,
        }


def test_reasons_per_sweep_group(swept_study: Path) -> None:
    for client in client_for(swept_study):
        g1 = client.get("/api/study/reasons", params={"group": "1"}).json()
        f16 = next(r for r in g1["types"] if r["type"] == "F-16C")
        assert f16["counts"] == {"magazine_empty": 3, "no_fire_channel": 3}  # runs 0-5 leak in group 1
        both = client.get("/api/study/reasons").json()
        f16 = next(r for r in both["types"] if r["type"] == "F-16C")
        assert both["runs"] == 2 * STUDY_RUNS and f16["not_engaged"] == 11


def test_reasons_of_a_study_without_the_column(tmp_path: Path) -> None:
    """A study of samsim 0.1 (format 1) has no unengaged_reason: nothing to count, no error."""
    import pyarrow.parquet as pq

    from tests.web.conftest import write_synthetic_study

    folder = write_synthetic_study(tmp_path / "mc")
    tab = pq.read_table(folder / "threat_outcomes.parquet")
    pq.write_table(tab.drop(["unengaged_reason", "kind"]), folder / "threat_outcomes.parquet")
    for client in client_for(folder):
        res = client.get("/api/study/reasons").json()
        assert res["reasons"] == [] and all(r["not_engaged"] == 0 for r in res["types"])
        assert res["decoys"] is None


def test_real_study_reasons_match_its_database(real_study: Path) -> None:
    con = duckdb.connect(str(real_study / "results.duckdb"), read_only=True)
    try:
        expected = dict(
            con.execute(
                'SELECT type, count(unengaged_reason) FROM threat_outcomes WHERE "group" = 0 GROUP BY type'
            ).fetchall()
        )
    finally:
        con.close()
    for client in client_for(real_study):
        rows = client.get("/api/study/reasons", params={"group": "0"}).json()["types"]
        assert {r["type"]: r["not_engaged"] for r in rows} == expected


def write_why_run(out: Path) -> Path:
    from samsim.output.writers import write_run
    from tests.why_result import why_result

    return write_run(why_result(), out)


def test_strobes_are_lines_along_azimuth_and_elevation(tmp_path: Path) -> None:
    import math

    import numpy as np
    import pytest

    from samsim.geodesy import LocalFrame
    from tests.why_result import RADAR_DESTROYED_S, SCENE, STROBES

    folder = write_why_run(tmp_path / "run")
    for client in client_for(folder):
        res = client.get("/api/replays/run/strobes").json()
        assert len(res["strobes"]) == len(STROBES)
        site = SCENE["batteries"][0]["radars"][0]
        for got, (t, bid, radar, threat, az, el, jnr) in zip(res["strobes"], STROBES, strict=True):
            assert (got["time_s"], got["battery"], got["radar"], got["threat"]) == (t, bid, radar, threat)
            assert (got["az_deg"], got["el_deg"], got["jnr_db"]) == (az, el, jnr)
            assert got["from"] == [site["lat_deg"], site["lon_deg"], site["alt_m"]]
            # The far end seen from the radar: at the strobe's azimuth and elevation, at its range.
            enu = LocalFrame(site["lat_deg"], site["lon_deg"], site["alt_m"]).geodetic_to_enu(*got["to"])
            rng = float(np.linalg.norm(enu))
            assert rng == pytest.approx(site["max_range_m"], rel=1e-5)
            assert math.degrees(math.atan2(enu[0], enu[1])) % 360 == pytest.approx(az, abs=1e-4)
            assert math.degrees(math.asin(enu[2] / rng)) == pytest.approx(el, abs=1e-4)
        assert res["radars_destroyed"] == [
            {
                "battery": "north",
                "radar": "92N6E",
                "type": "92N6E",
                "time_s": RADAR_DESTROYED_S,
                "lat_deg": site["lat_deg"],
                "lon_deg": site["lon_deg"],
                "alt_m": site["alt_m"],
            }
        ]


def test_a_run_without_strobes_has_none(synthetic_run: Path) -> None:
    for client in client_for(synthetic_run):
        assert client.get("/api/replays/run/strobes").json() == {"strobes": [], "radars_destroyed": []}
