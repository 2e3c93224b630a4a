"""``samsim run`` and ``samsim mc`` say why threats were not engaged and what each battery fired and has
left, in tables that fit 80 columns (tests/why_result.py holds the constructed run)."""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
from rich.console import Console

from samsim.cli.mc import reasons_table as study_reasons_table
from samsim.cli.run import battery_table, reasons_table, threat_table
from samsim.output.why import REASON_LABELS, REASON_SHORT
from tests.why_result import REASON_COUNTS, THREATS, why_result


def render(table: Any, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(table)
    return console.file.getvalue().splitlines()  # type: ignore[attr-defined]


def _console(width: int) -> Console:
    return Console(file=io.StringIO(), width=width)


def test_threat_table_gives_each_unengaged_threat_its_reason_within_80_columns() -> None:
    result = why_result()
    lines = render(threat_table(result.summary(), "why — seed 1", _console(80)), 80)
    assert max(len(line) for line in lines) <= 80
    rows = {line.split("│")[1].strip(): line.split("│")[-2].strip() for line in lines if line.startswith("│")}
    for tid, _type, _kind, _shots, _fate, reason in THREATS:
        assert rows[tid] == (REASON_SHORT[reason] if reason else "—"), tid
    flat = " ".join(" ".join(lines).split())
    assert "not shown at this width: km, firm s, killed by" in flat


def test_long_ids_drop_the_first_seen_time_before_the_reason() -> None:
    summary = why_result().summary()
    for k, t in enumerate(summary["threats"]):
        t["id"] = f"storm-shadow-{k + 1}"
        t["type"] = "Storm Shadow"
        t["first_detected_s"] = 1205.9
    lines = render(threat_table(summary, "t", _console(80)), 80)
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert "…" not in text and "priority" in text and "1,205.9" not in text
    assert "seen s" in " ".join(" ".join(lines).split()).split("not shown at this width:")[1]


def test_no_reasons_summary_when_every_threat_was_engaged() -> None:
    summary = why_result().summary()
    for t in summary["threats"]:
        t["unengaged_reason"] = None
    assert reasons_table(summary, _console(80)) is None


def test_reasons_summary_counts_per_reason_and_type() -> None:
    lines = render(reasons_table(why_result().summary(), _console(80)), 80)
    assert max(len(line) for line in lines) <= 80
    cells = {line.split("│")[1].strip(): line.split("│")[2:4] for line in lines if line.startswith("│")}
    for reason, per_type in REASON_COUNTS.items():
        count, types = cells[REASON_LABELS[reason]]
        assert int(count) == sum(per_type.values())
        assert types.strip() == ", ".join(f"{n} {t}" for t, n in per_type.items())


def test_battery_table_fired_left_and_when_the_type_ran_out() -> None:
    lines = render(battery_table(why_result(), _console(80)), 80)
    assert max(len(line) for line in lines) <= 80
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in lines if line.startswith("│")]
    assert rows == [
        ["north", "48N6E3", "5", "1", "12.0"],
        ["north", "9M96E2", "0", "4", "—"],
        ["south", "48N6E3", "1", "0", "20.0"],
    ]


def test_mc_reasons_per_type_over_runs_fit_80_columns() -> None:
    result = why_result()
    runs = 50
    pairs = [(t.type, t.unengaged_reason) for t in result.threats] * runs
    outcomes = pa.table({"type": [p[0] for p in pairs], "unengaged_reason": [p[1] for p in pairs]})
    lines = render(study_reasons_table(outcomes, runs, _console(80)), 80)
    assert max(len(line) for line in lines) <= 80
    wide = render(study_reasons_table(outcomes, runs, _console(200)), 200)
    rows = {r[0]: r[1:] for r in ([c.strip() for c in line.split("│")[1:-1]] for line in wide) if r}
    assert rows["Shahed-136"] == ["4.00", "weapons hold 50, magazine empty 100, lower priority 50"]
    assert rows["Kh-101"] == ["2.00", "no track 50, no fire channel 50"]
    assert rows["ADM-160B"] == ["0.00", "—"]
    grouped = render(study_reasons_table(outcomes, runs, _console(80), groups=2), 80)
    assert "50 runs of 2 sweep groups together" in " ".join(" ".join(grouped).split())
    none = pa.table({"type": ["F-16C"], "unengaged_reason": pa.array([None], pa.string())})
    assert study_reasons_table(none, 1, _console(80)) is None


def test_deception_tables_per_radar_and_jammer_fit_80_columns() -> None:
    from samsim.cli.run import deception_tables
    from samsim.output.result import RadarDeception, ThreatDeception

    result = why_result()
    assert deception_tables(result, _console(80)) == []
    result.threats[0].deception = ThreatDeception(tracks=4, seduced_tracks=1, false_tracks=6)
    result.batteries[0].radars[0].deception = RadarDeception(
        looks=30, pulled_off=12, false_targets=90, blanked=5
    )
    radar_table, jammer_table = deception_tables(result, _console(80))
    lines = render(radar_table, 80)
    assert max(len(line) for line in lines) <= 80
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in lines if line.startswith("│")]
    assert rows == [["north", "92N6E", "30", "12", "90", "5"]]
    rows = [
        [c.strip() for c in line.split("│")[1:-1]]
        for line in render(jammer_table, 80)
        if line.startswith("│")
    ]
    assert rows == [[result.threats[0].id, result.threats[0].type, "4", "1", "6"]]
