"""Validation of a battery's `moves`: FILE:LINE errors, and exit code 2 from `samsim validate`."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from samsim.scenario import loads
from tests.scenario.test_validate import problems

MOVING = textwrap.dedent(
    """\
    samsim: 1
    name: t
    duration_s: 3600
    batteries:
      - id: b1
        system: S-400
        position: {lat_deg: 40.0, lon_deg: 33.0}
        moves:
          - {at_s: 600, to: {lat_deg: 40.0, lon_deg: 33.1}}
          - {at_s: 2400, to: {lat_deg: 40.1, lon_deg: 33.1, alt_m: 900}}
    """
)


def test_moves_load() -> None:
    sc = loads(MOVING)
    assert [m.at_s for m in sc.batteries[0].moves] == [600.0, 2400.0]
    assert sc.batteries[0].moves[1].to.alt_m == 900.0


@pytest.mark.parametrize(
    "old,new,line,path,fragment",
    [
        ("at_s: 2400", "at_s: 3600", 10, "batteries[0].moves[1].at_s", "not before the end of the scenario"),
        # 600 s + 5 min stow + 8.5 km at 30 km/h + 5 min deploy = 2,222 s: a move at 1,500 s overlaps
        ("at_s: 2400", "at_s: 1500", 10, "batteries[0].moves[1].at_s", "ends at 2222.2"),
        ("at_s: 2400", "at_s: 100", 10, "batteries[0].moves[1].at_s", "a move starts after the previous"),
        ("at_s: 600", "at_s: -1", 9, "batteries[0].moves[0].at_s", "greater than or equal to 0"),
        (
            "to: {lat_deg: 40.0, lon_deg: 33.1}",
            "to: {lat_deg: 40.0}",
            9,
            "batteries[0].moves[0].to",
            "lon_deg",
        ),
        ("{at_s: 600,", "{at_s: 600, speed: 3,", 9, "batteries[0].moves[0].speed", "unknown field"),
    ],
)
def test_bad_moves_name_line_and_field(old: str, new: str, line: int, path: str, fragment: str) -> None:
    assert old in MOVING
    found = problems(MOVING.replace(old, new, 1))
    assert any(ln == line and p == path and fragment in m for ln, p, m in found), found


def test_samsim_validate_exits_2_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MOVING.replace("at_s: 2400", "at_s: 1500"))
    res = subprocess.run(
        [sys.executable, "-m", "samsim", "validate", str(bad)], capture_output=True, text=True, check=False
    )
    assert res.returncode == 2
    assert any(
        ln.startswith(f"{bad}:10: batteries[0].moves[1].at_s: the move ordered at 600 s ends at 2222.2")
        for ln in res.stderr.splitlines()
    ), res.stderr
