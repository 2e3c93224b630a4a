"""Run files come from a registry: a registered writer's file appears in every run folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from samsim import loads, simulate
from samsim.output import RUN_WRITERS, Result, run_writer, write_run

SCENARIO = """
samsim: 1
name: writers
duration_s: 30
assets: [{id: city, position: {lat_deg: 40.0, lon_deg: 33.0, alt_m: 900}}]
threats:
  - id: f16
    type: F-16C
    target: city
    route:
      - {lat_deg: 40.0, lon_deg: 32.9, alt_m: 8000, speed_mps: 250}
      - {lat_deg: 40.0, lon_deg: 33.0, alt_m: 8000}
"""


def test_write_run_writes_every_registered_file(tmp_path: Path) -> None:
    result = simulate(loads(SCENARIO), seed=1)
    assert list(RUN_WRITERS) == [
        "summary.json",
        "scene.json",
        "events.parquet",
        "trajectories.parquet",
        "report.html",
    ]

    @run_writer("threat-ids.txt")
    def ids(res: Result, path: Path) -> None:
        path.write_text("\n".join(t.id for t in res.threats) + "\n", encoding="utf-8")

    try:
        out = write_run(result, tmp_path / "run")
    finally:
        del RUN_WRITERS["threat-ids.txt"]
    assert sorted(p.name for p in out.iterdir()) == sorted([*RUN_WRITERS, "threat-ids.txt"])
    assert (out / "threat-ids.txt").read_text(encoding="utf-8") == "f16\n"
    with pytest.raises(ValueError, match="already registered"):
        run_writer("summary.json")(ids)


def test_result_to_pandas_gives_one_frame_per_table() -> None:
    result = simulate(loads(SCENARIO), seed=1)
    frames = result.to_pandas()
    assert set(frames) == {"threats", "interceptors", "events", "trajectories", "batteries"}
    threats = frames["threats"]
    assert list(threats["id"]) == ["f16"] and threats.loc[0, "fate"] == result.threats[0].fate
    assert list(frames["interceptors"].columns)[:3] == ["id", "type", "battery"]  # columns even when empty
    assert len(frames["events"]) == result.events.num_rows
    assert list(frames["trajectories"].columns) == result.trajectories.column_names
