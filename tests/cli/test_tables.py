"""Tables fit the terminal: at 80 columns nothing is cut, the least important columns go (and are
named), intervals stay on one line; --wide and wide terminals keep every column."""

from __future__ import annotations

import io
import subprocess
import sys
from typing import Any

from rich.console import Console

from samsim.cli.mc import results_tables
from samsim.cli.run import THREAT_COLUMNS, threat_table
from samsim.cli.tables import Column, fitted_table
from tests.conftest import ROOT

THREAT = {
    "id": "storm-shadow-12",
    "type": "Storm Shadow",
    "first_detected_s": 1205.9,
    "first_detected_range_m": 77_000.0,
    "first_track_s": 1224.8,
    "shots": 2,
    "fate": "killed",
    "fate_s": 1483.6,
    "killed_by": "s400-1/48N6E3/12",
}
STAT = {"mean": 0.412, "ci": [0.351, 0.476]}
NUM = {"mean": 1.95, "ci": [1.80, 2.10]}
STUDY = {
    "scenario": "raid-48",
    "runs": 200,
    "seed": 1,
    "groups": [
        {
            "group": 0,
            "by_type": [
                {
                    "type": "Storm Shadow",
                    "threats": 8,
                    "p_kill": STAT,
                    "p_leak": STAT,
                    "shots": NUM,
                    "interceptors_per_kill": NUM,
                }
            ],
            "overall": {
                "threats": 48,
                "p_kill": STAT,
                "p_leak": STAT,
                "shots": NUM,
                "interceptors_per_kill": NUM,
            },
        }
    ],
}


def render(table: Any, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(table)
    return console.file.getvalue().splitlines()  # type: ignore[attr-defined]


def test_run_table_at_80_columns_drops_named_columns_and_cuts_nothing() -> None:
    console = Console(file=io.StringIO(), width=80)
    lines = render(threat_table({"threats": [THREAT] * 3}, "raid — seed 1", console), 80)
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert "…" not in text and "storm-shadow-12" in text and "Storm Shadow" in text
    flat = " ".join(" ".join(lines).split())
    assert "not shown at this width: km, firm s, killed by (--wide shows every column)" in flat
    assert "1,205.9" in text and "1,483.6" in text  # when first seen and the fate time stay


def test_wide_tables_keep_every_column() -> None:
    console = Console(file=io.StringIO(), width=1000)
    text = "\n".join(render(threat_table({"threats": [THREAT]}, "t", console, wide=True), 1000))
    for column in THREAT_COLUMNS:
        assert column.header in text
    assert "s400-1/48N6E3/12" in text and "not shown" not in text


def test_study_table_keeps_each_interval_on_one_line_at_80_columns() -> None:
    console = Console(file=io.StringIO(), width=80)
    lines = render(results_tables(STUDY, console)[0], 80)
    assert max(len(line) for line in lines) <= 80
    rows = [line for line in lines if "Storm Shadow" in line or "all threats" in line]
    assert len(rows) == 2
    for row in rows:
        assert "41.2 [35.1–47.6]" in row  # mean and interval together


def test_columns_go_least_important_first_until_the_table_fits() -> None:
    columns = [Column("a"), Column("b", drop=1), Column("c", drop=2)]
    rows = [["x" * 30, "y" * 30, "z" * 30]]
    for width, kept in [(200, "abc"), (80, "ab"), (50, "a")]:
        console = Console(file=io.StringIO(), width=width)
        table = fitted_table(console, "t", columns, rows)
        assert "".join(c.header for c in table.columns) == kept


def samsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samsim.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": ""},
    )


def test_catalog_names_match_without_regard_to_case_and_help_shows_no_bool() -> None:
    res = samsim("catalog", "48n6e3")
    assert res.returncode == 0, res.stderr
    assert "48N6E3" in res.stdout
    res = samsim("run", "--help")
    assert res.returncode == 0 and "--quiet" in res.stdout and "<bool>" not in res.stdout
