"""Monte Carlo studies: sweeps, study identity, resume and extension, damaged databases, and the
`samsim mc` command's exit codes (the statistics are in test_statistics.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import samsim
from samsim.study import StudyError, monte_carlo, parse_sweep, sweep_groups
from tests.conftest import ROOT, TOWN, small_scenario, town_jets

TINY = small_scenario(town_jets(30000, count=2), name="tiny", seed=5, duration_s=40, site=TOWN)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    return path


def table(out: Path, name: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(out / "results.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# Sweeps


def test_parse_sweep_types_and_paths() -> None:
    s = parse_sweep("doctrine.salvo=1,2")
    assert s.path == "doctrine.salvo" and s.values == (1, 2) and s.column_type == "BIGINT"
    s = parse_sweep("batteries[ 0 ].position.lat_deg=39.9,40")
    assert s.path == "batteries[0].position.lat_deg" and s.column_type == "DOUBLE"
    assert s.column_value(40) == 40.0
    assert parse_sweep("doctrine.policy=shoot-shoot,shoot-look-shoot").column_type == "VARCHAR"
    assert parse_sweep("doctrine.weapons=free,hold").values == ("free", "hold")
    assert parse_sweep("threats[jet].maneuver.g=2e0,4").values == (2.0, 4)


@pytest.mark.parametrize(
    "text",
    ["doctrine.salvo", "doctrine.salvo=", "doctrine..salvo=1", "seed=1,2", "doctrine.salvo=1,1", "x[-1]=2"],
)
def test_parse_sweep_rejects(text: str) -> None:
    with pytest.raises(StudyError):
        parse_sweep(text)


def test_sweep_two_by_two_gives_four_groups_with_columns(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    res = monte_carlo(
        tiny,
        out,
        3,
        sweeps=["doctrine.salvo=1,2", "batteries[0].position.lat_deg=39.99,40.01"],
    )
    assert res.groups == 4
    con = duckdb.connect(str(out / "results.duckdb"), read_only=True)
    cols = con.execute("SELECT column_name, column_type FROM (DESCRIBE runs)").fetchall()
    rows = con.execute(
        'SELECT "group", count(*), min("doctrine.salvo"), min("batteries[0].position.lat_deg"), min(seed) '
        'FROM runs GROUP BY "group" ORDER BY "group"'
    ).fetchall()
    con.close()
    assert cols[:5] == [
        ("group", "INTEGER"),
        ("run", "INTEGER"),
        ("seed", "BIGINT"),
        ("doctrine.salvo", "BIGINT"),
        ("batteries[0].position.lat_deg", "DOUBLE"),
    ]
    assert [c for c, _ in cols[5:]] == ["threats", "killed", "leaked", "survived", "interceptors_fired"]
    assert rows == [(0, 3, 1, 39.99, 5), (1, 3, 1, 40.01, 5), (2, 3, 2, 39.99, 5), (3, 3, 2, 40.01, 5)]
    summary = json.loads((out / "summary.json").read_text())
    assert [g["values"] for g in summary["groups"]] == [
        {"doctrine.salvo": 1, "batteries[0].position.lat_deg": 39.99},
        {"doctrine.salvo": 1, "batteries[0].position.lat_deg": 40.01},
        {"doctrine.salvo": 2, "batteries[0].position.lat_deg": 39.99},
        {"doctrine.salvo": 2, "batteries[0].position.lat_deg": 40.01},
    ]
    groups = sweep_groups(tiny, ["doctrine.salvo=1,2", "batteries[0].position.lat_deg=39.99,40.01"])
    assert [g.values for g in groups] == [g["values"] for g in summary["groups"]]
    bat = groups[2].scenario.batteries[0]
    assert bat.doctrine.salvo == 2 and bat.position.lat_deg == 39.99 and bat.system == "S-400"
    # The sweep reached the scenario: a group's run i is simulate(swept scenario, seed, run=i).
    moved = samsim.loads(
        TINY.replace(
            "position: {lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}\n    radars",
            "position: {lat_deg: 40.01, lon_deg: 33.0, alt_m: 0}\n    radars",
        )
    )
    direct = samsim.simulate(moved, seed=5, run=2, trajectories=False)
    t = res.table("threat_outcomes").to_pylist()
    row = next(r for r in t if r["group"] == 3 and r["run"] == 2 and r["threat"] == "jet-1")
    assert row["first_detected_s"] == direct.threats[0].first_detected_s
    for p in res.parquet.values():
        assert p.is_file()
    assert "data:image/png;base64," in res.report_html.read_text()


def samsim_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samsim.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_bad_sweeps_exit_2_with_one_line_each(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "bad"
    res = samsim_cli(
        "mc", str(tiny), "-o", str(out), "--runs", "2", "--quiet",
        "--sweep", "doctrine.salvo=0,2",
        "--sweep", "batteries[3].system=S-400",
        "--sweep", "threats[nope].rcs_m2=1",
        "--sweep", "nonsense",
    )  # fmt: skip
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert "--sweep nonsense: expected PATH=V1,V2,... (e.g. doctrine.salvo=1,2)" in lines
    assert len(lines) == 1  # argument problems first; the sweeps' targets are checked once they parse
    res = samsim_cli(
        "mc", str(tiny), "-o", str(out), "--runs", "2", "--quiet",
        "--sweep", "doctrine.salvo=0,2",
        "--sweep", "batteries[3].system=S-400",
        "--sweep", "threats[nope].rcs_m2=1",
    )  # fmt: skip
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert any(
        ln.startswith(f"{tiny}:9: batteries[0].doctrine.salvo: must be greater than or equal to 1")
        for ln in lines
    )
    assert "--sweep batteries[3].system=S-400: batteries[3]: out of range (batteries has 1 item)" in lines
    assert "--sweep threats[nope].rcs_m2=1: threats: no item with id 'nope' (ids: jet)" in lines
    assert "Traceback" not in res.stderr
    assert not out.exists()  # nothing written for bad input


def test_run_i_is_simulate_with_run_i_and_runs_differ(tiny: Path, tmp_path: Path) -> None:
    res = monte_carlo(tiny, tmp_path / "study", 6, seed=9)
    rows = res.table("threat_outcomes").to_pylist()
    sc = samsim.load(tiny)
    for i in (0, 5):
        direct = samsim.simulate(sc, seed=9, run=i, trajectories=False)
        mine = [r for r in rows if r["run"] == i]
        assert [(r["threat"], r["fate"], r["first_detected_s"], r["first_track_s"]) for r in mine] == [
            (t.id, t.fate, t.first_detected_s, t.first_track_s) for t in direct.threats
        ]
    per_run = {tuple(r["first_detected_s"] for r in rows if r["run"] == i) for i in range(6)}
    assert len(per_run) > 1  # run i draws from the i-th child of SeedSequence(seed)


# ---------------------------------------------------------------------------------------------
# Identity, resume, extension, damage


def test_resume_extend_and_identity(tiny: Path, tmp_path: Path) -> None:
    ref = monte_carlo(tiny, tmp_path / "ref", 12)
    out = tmp_path / "study"
    first = monte_carlo(tiny, out, 5)
    assert first.new_runs == 5
    again = monte_carlo(tiny, out, 5)
    assert again.new_runs == 0 and again.summary == first.summary
    extended = monte_carlo(tiny, out, 12)
    assert extended.new_runs == 7
    for name in ("runs", "threat_outcomes", "interceptors"):
        assert table(out, name) == table(ref.out, name)
        assert (out / f"{name}.parquet").read_bytes() == (ref.out / f"{name}.parquet").read_bytes()
    assert (out / "summary.json").read_bytes() == (ref.out / "summary.json").read_bytes()
    with pytest.raises(StudyError, match="holds a study of 12 runs"):
        monte_carlo(tiny, out, 6)
    with pytest.raises(StudyError, match=r"the seed differs \(stored: 5, now: 6\)"):
        monte_carlo(tiny, out, 12, seed=6)
    with pytest.raises(StudyError, match="the sweeps differ"):
        monte_carlo(tiny, out, 12, sweeps={"doctrine.salvo": [1, 2]})
    changed = tmp_path / "changed.yaml"
    changed.write_text(TINY.replace("radius_m: 2000", "radius_m: 2500"))
    with pytest.raises(StudyError, match="the scenario differs"):
        monte_carlo(changed, out, 12)
    # The same scenario content given as an object (not a file) is the same study.
    assert monte_carlo(samsim.loads(TINY), out, 12).new_runs == 0


def test_cli_refuses_a_different_scenario_on_an_existing_out(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "study"
    monte_carlo(tiny, out, 2)
    before = (out / "results.duckdb").read_bytes()
    other = tmp_path / "other.yaml"
    other.write_text(TINY.replace("name: tiny", "name: other"))
    res = samsim_cli("mc", str(other), "-o", str(out), "--runs", "2", "--quiet")
    assert res.returncode == 2
    assert "holds a different study — the scenario differs (stored: 'tiny', now: 'other')" in res.stderr
    assert "choose a new OUT" in res.stderr and "Traceback" not in res.stderr
    assert (out / "results.duckdb").read_bytes() == before


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign"])
def test_damaged_database_is_reported_and_left_alone(tiny: Path, tmp_path: Path, damage: str) -> None:
    out = tmp_path / "study"
    monte_carlo(tiny, out, 2)
    db = out / "results.duckdb"
    if damage == "garbage":
        db.write_bytes(bytes(range(256)) * 64)
    elif damage == "truncated":
        db.write_bytes(db.read_bytes()[:8192])
    else:
        db.unlink()
        con = duckdb.connect(str(db))
        con.execute("CREATE TABLE something (x INTEGER)")
        con.close()
    before = db.read_bytes()
    with pytest.raises(StudyError) as err:
        monte_carlo(tiny, out, 2)
    message = str(err.value)
    assert str(db) in message and ("left untouched" in message)
    assert db.read_bytes() == before


def test_cli_corrupt_database_exit_2(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "study"
    out.mkdir()
    (out / "results.duckdb").write_bytes(b"not a database" * 500)
    res = samsim_cli("mc", str(tiny), "-o", str(out), "--runs", "2", "--quiet")
    assert res.returncode == 2
    assert "cannot be read as a samsim study database" in res.stderr and "Traceback" not in res.stderr
    assert (out / "results.duckdb").read_bytes() == b"not a database" * 500


def test_out_holding_other_files_is_refused(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "summary.json").write_text("{}")
    with pytest.raises(StudyError, match="holds no study"):
        monte_carlo(tiny, out, 2)
    assert (out / "summary.json").read_text() == "{}"


def test_bad_arguments(tiny: Path, tmp_path: Path) -> None:
    with pytest.raises(StudyError) as err:
        monte_carlo(tiny, tmp_path / "x", 0, workers=0, seed=-1, dask="no address")
    assert len(err.value.problems) == 4
    res = samsim_cli("mc", str(tiny), "-o", str(tmp_path / "x"), "--runs", "-3")
    assert res.returncode == 2 and "--runs: must be an integer from 1" in res.stderr


def test_scenario_for_group_replays_runs_with_terrain(tmp_path: Path) -> None:
    # A scenario with a DEM, swept: the stored study rebuilds each group's scenario, terrain included.
    from samsim.study import scenario_for_group

    examples = ROOT / "examples"
    text = (
        "samsim: 1\nname: dem-study\nduration_s: 120\n"
        "environment: {terrain: terrain/anatolia-synthetic.tif}\n"
        "batteries:\n  - {id: b, system: S-400, position: {lat_deg: 39.9, lon_deg: 32.8}, doctrine: {weapons: hold}}\n"
        "threats:\n  - {id: j, type: F-16C, route: [{lat_deg: 39.5, lon_deg: 32.0, alt_m: 300, agl: true, speed_mps: 250},"
        " {lat_deg: 39.9, lon_deg: 32.8, alt_m: 300, agl: true}]}\n"
    )
    (tmp_path / "terrain").mkdir()
    shutil.copy(examples / "terrain" / "anatolia-synthetic.tif", tmp_path / "terrain")
    scenario = tmp_path / "dem.yaml"
    scenario.write_text(text)
    res = monte_carlo(scenario, tmp_path / "s", 2, seed=5, sweeps=["threats[j].rcs_m2=1,3"])
    rows = res.table("threat_outcomes").to_pylist()
    for group in (0, 1):
        sc = scenario_for_group(tmp_path / "s", group)
        assert sc.terrain_path is not None and sc.terrain_path.is_file()
        direct = samsim.simulate(sc, seed=5, run=1, trajectories=False)
        mine = [r for r in rows if r["group"] == group and r["run"] == 1]
        assert [(r["fate"], r["first_detected_s"]) for r in mine] == [
            (t.fate, t.first_detected_s) for t in direct.threats
        ]


def test_a_sweep_over_a_catalog_figure_gives_one_group_per_value(tiny: Path, tmp_path: Path) -> None:
    """--sweep catalog.radars.92N6E.ref_range_m=...: each group's scenario carries that figure, the
    engine sees it, and the runs table has the column."""
    assert (
        parse_sweep("catalog.radars.92N6E.ref_range_m=200000,260000").path
        == "catalog.radars.92N6E.ref_range_m"
    )
    assert (
        parse_sweep("catalog.threats[Storm Shadow].rcs_m2=0.01,0.1").path
        == "catalog.threats[Storm Shadow].rcs_m2"
    )
    groups = sweep_groups(tiny, ["catalog.radars.92N6E.ref_range_m=200000,260000,320000"])
    assert [g.values for g in groups] == [
        {"catalog.radars.92N6E.ref_range_m": v} for v in (200000, 260000, 320000)
    ]
    assert [g.scenario.merged_catalog.radar("92N6E").ref_range_m for g in groups] == [
        200000.0,
        260000.0,
        320000.0,
    ]
    out = tmp_path / "cat"
    res = monte_carlo(tiny, out, 2, sweeps=["catalog.radars.92N6E.ref_range_m=150000,320000"])
    assert res.groups == 2
    rows = table(out, "runs")
    assert sorted({r[3] for r in rows}) == [150000, 320000]
    # A longer reach detects the inbound jets earlier, run for run.
    seen = {
        (r["group"], r["run"], r["threat"]): r["first_detected_s"]
        for r in res.table("threat_outcomes").to_pylist()
    }
    for run in (0, 1):
        for jet in ("jet-1", "jet-2"):
            assert seen[(1, run, jet)] <= seen[(0, run, jet)]
    summary = json.loads((out / "summary.json").read_text())
    assert [g["values"] for g in summary["groups"]] == [
        {"catalog.radars.92N6E.ref_range_m": 150000},
        {"catalog.radars.92N6E.ref_range_m": 320000},
    ]


def test_a_catalog_sweep_to_an_unknown_field_is_refused_with_its_path(tiny: Path) -> None:
    with pytest.raises(StudyError, match=r"catalog\.radars\.92N6E\.ref_rang_m"):
        sweep_groups(tiny, ["catalog.radars.92N6E.ref_rang_m=1,2"])
