"""``samsim export``: exit 0 with a file, exit 2 with one line per problem and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from samsim import loads, simulate
from samsim.output import write_run
from tests.cli.test_cli import samsim
from tests.output.test_exporters import SCENARIO


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run(simulate(loads(SCENARIO), seed=3), tmp_path_factory.mktemp("cli-export") / "run")


def test_export_writes_the_format_of_the_extension_and_replaces_its_own(
    run_folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "replay.acmi"
    first = samsim("export", str(run_folder), "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert "Tacview ACMI 2.2" in first.stdout and str(out) in first.stdout.replace("\n", "")
    assert out.read_bytes().startswith(b"\xef\xbb\xbfFileType=text/acmi/tacview\nFileVersion=2.2\n")
    again = samsim("export", str(run_folder), "--format", "kml", "-o", str(tmp_path / "replay.KML"))
    assert again.returncode == 0, again.stderr
    assert (
        samsim("export", str(run_folder), "-f", "geojson", "-o", str(tmp_path / "map.json")).returncode == 0
    )
    assert samsim("export", str(run_folder), "-o", str(out)).returncode == 0  # an earlier export: replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.json", "replay.KML", "replay.acmi"]


def test_export_bad_input_exits_2_with_one_line_per_problem(run_folder: Path, tmp_path: Path) -> None:
    res = samsim(
        "export", str(tmp_path / "nothing"), "--format", "shapefile", "-o", str(tmp_path / "a" / "b.shp")
    )
    assert res.returncode == 2
    assert res.stderr.splitlines() == [
        f"{tmp_path / 'nothing'}: no such folder",
        "--format: unknown export format 'shapefile' (known: acmi, czml, geojson, kml)",
        f"-o: the folder {tmp_path / 'a'} does not exist",
    ]

    foreign = tmp_path / "mine.czml"
    foreign.write_text("[]")
    res = samsim("export", str(run_folder), "-o", str(foreign))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.splitlines() == [
        f"-o: {foreign} exists and is not an earlier samsim czml export; samsim replaces only its own "
        "exports: choose a new file name"
    ]
    assert foreign.read_text() == "[]"

    res = samsim("export", str(run_folder / "summary.json"), "-o", str(tmp_path / "x.txt"))
    assert res.returncode == 2
    assert res.stderr.splitlines() == [
        f"{run_folder / 'summary.json'}: not a folder; give the folder `samsim run` wrote",
        "--format: not given, and x.txt has no format's extension (.acmi, .czml, .geojson, .kml); "
        "give one of acmi, czml, geojson, kml",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.czml"]
    assert samsim("export", str(run_folder)).returncode == 2  # -o is required
