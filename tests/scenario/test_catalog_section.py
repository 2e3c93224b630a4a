"""A scenario's ``catalog:`` section: validated like every other field, and the rest of the file checked
against the merged catalog; "did you mean" for near misses anywhere in the file."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from samsim.catalog import builtin
from samsim.scenario import Scenario, loads, parse_yaml, validate_data
from tests.cli.test_cli import samsim
from tests.scenario.test_validate import VALID, problems
from tests.test_fuzz import cli

CATALOG = """\
catalog:
  radars:
    91N6E: {ref_range_m: 300000}                  # patch a built-in entry
  threats:
    F-35A-export: {base: F-35A, rcs_m2: 0.01}     # a new entry derived from a built-in one
"""
# test_validate's scenario with the section above (lines 4-8) and one threat of the new type
TEXT = VALID.replace("assets:\n", CATALOG + "assets:\n", 1).replace(
    "  - id: f16\n    type: F-16C\n    count: 2\n", "  - id: stealth\n    type: F-35A-export\n"
)


def edit(old: str, new: str, text: str = TEXT) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_the_section_merges_and_the_threats_use_it() -> None:
    sc = loads(TEXT)
    cat = sc.merged_catalog
    assert cat.radar("91N6E").ref_range_m == pytest.approx(300_000.0)
    assert cat.threat("F-35A-export").rcs_m2 == pytest.approx(0.01)
    assert sc.threats[0].type == "F-35A-export"
    assert sc.catalog == {
        "radars": {"91N6E": {"ref_range_m": 300000}},
        "threats": {"F-35A-export": {"base": "F-35A", "rcs_m2": 0.01}},
    }
    assert builtin().radar("91N6E").ref_range_m == pytest.approx(390_000.0)  # the package is untouched


def test_without_a_section_the_scenario_runs_with_the_builtin_catalog() -> None:
    start = TEXT.index("catalog:")
    end = TEXT.index("assets:")
    text = TEXT[:start] + TEXT[end:]
    text = text.replace("type: F-35A-export", "type: F-35A")
    sc = loads(text)
    assert sc.catalog is None and sc.merged_catalog is builtin()
    assert "catalog" not in sc.model_dump(mode="json", exclude_none=True)


@pytest.mark.parametrize(
    "old,new,line,path,fragment",
    [
        ("  radars:\n", "  radar:\n", 5, "catalog.radar", "unknown section 'radar' (did you mean 'radars'?)"),
        ("91N6E: {ref", "91N6: {ref", 6, "catalog.radars.91N6", "did you mean '91N6E'?"),
        (
            "ref_range_m: 300000",
            "ref_range: 300000",
            6,
            "catalog.radars.91N6E.ref_range",
            "did you mean 'ref_range_m'?",
        ),
        (
            "ref_range_m: 300000",
            "ref_range_m: far",
            6,
            "catalog.radars.91N6E.ref_range_m",
            "must be a number",
        ),
        ("base: F-35A,", "base: F35A,", 8, "catalog.threats.F-35A-export.base", "did you mean 'F-35A'?"),
        ("base: F-35A,", "base: 91N6E,", 8, "catalog.threats.F-35A-export.base", "is a radar, not a threat"),
        ("F-35A-export: {base", "F-16C: {base", 8, "catalog.threats.F-16C", "already a threat"),
        ("catalog:\n", "catalog: 3\nx:\n", 4, "catalog", "valid dictionary"),
    ],
)
def test_section_problems_name_line_and_path(old: str, new: str, line: int, path: str, fragment: str) -> None:
    found = problems(edit(old, new))
    assert any(ln == line and p == path and fragment in m for ln, p, m in found), found


def test_a_refused_new_entry_leaves_its_users_unknown_and_a_refused_field_does_not() -> None:
    found = problems(edit("base: F-35A,", "base: F35A,"))
    assert any(p == "threats[0].type" and "unknown threat 'F-35A-export'" in m for _, p, m in found), found
    found = problems(edit("rcs_m2: 0.01", "rcs_m2: [1]"))
    assert [p for _, p, _ in found] == ["catalog.threats.F-35A-export.rcs_m2"]


@pytest.mark.parametrize(
    "old,new,path,fragment",
    [
        (
            "    target: city\n",
            "    target: city\n    rcs_m: 3\n",
            "threats[0].rcs_m",
            "unknown field 'rcs_m' (did you mean 'rcs_m2'?)",
        ),
        ("assets:", "asets: []\nassets:", "asets", "did you mean 'assets'?"),
        (
            "alt_m: 950}",
            "alt_m: 950}\n    doctrine: {salvos: 2}",
            "batteries[0].doctrine.salvos",
            "did you mean 'salvo'?",
        ),
        ("speed_mps: 250}", "sped_mps: 250}", "threats[0].route[0].sped_mps", "did you mean 'speed_mps'?"),
        (
            "system: S-400",
            "system: S400",
            "batteries[0].system",
            "unknown system 'S400' (did you mean 'S-400'?)",
        ),
    ],
)
def test_unknown_fields_and_names_anywhere_get_did_you_mean(
    old: str, new: str, path: str, fragment: str
) -> None:
    found = problems(edit(old, new))
    assert any(p == path and fragment in m for _, p, m in found), found


def test_threat_limits_use_the_patched_figures() -> None:
    slow = edit("rcs_m2: 0.01}", "rcs_m2: 0.01, max_speed_mps: 200}")
    found = problems(slow)
    assert (
        21,
        "threats[0].route[0].speed_mps",
        "250 m/s exceeds the F-35A-export's maximum speed 200 m/s",
    ) in found
    fast = edit("rcs_m2: 0.01}", "rcs_m2: 0.01, max_speed_mps: 700}")
    fast = edit("speed_mps: 250}", "speed_mps: 650}", fast)
    assert loads(fast).merged_catalog.threat("F-35A-export").max_speed_mps == pytest.approx(700.0)
    weave = edit("    target: city\n", "    target: city\n    maneuver: {kind: weave, g: 5, period_s: 20}\n")
    assert loads(weave).threats[0].maneuver is not None
    weave = edit("rcs_m2: 0.01}", "rcs_m2: 0.01, max_g: 4}", weave)
    assert any(p == "threats[0].maneuver.g" and "limit of 4 g" in m for _, p, m in problems(weave))


def test_launcher_loads_use_the_patched_tubes() -> None:
    text = edit(
        "alt_m: 950}",
        "alt_m: 950}\n    launchers: [{type: 5P85SE2, count: 2, load: {48N6E3: 6}}]",
    )
    assert any(p == "batteries[0].launchers[0]" and "6 tube positions" in m for _, p, m in problems(text))
    text = edit("  threats:\n    F-35A", "  launchers:\n    5P85SE2: {tubes: 6}\n  threats:\n    F-35A", text)
    assert loads(text).merged_catalog.launcher("5P85SE2").tubes == 6


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    """What a study sweep does: set a value at a dotted path, creating the mappings on the way."""
    *keys, last = path.split(".")
    node = data
    for key in keys:
        node = node.setdefault(key, {})
    node[last] = value


def test_a_value_set_at_a_catalog_path_in_the_raw_data_revalidates() -> None:
    text = TEXT[: TEXT.index("catalog:")] + TEXT[TEXT.index("assets:") :]
    text = text.replace("type: F-35A-export", "type: F-35A")
    data, lines, _ = parse_yaml(text)
    for value in (300000, 390000, 450000.5):
        swept = copy.deepcopy(data)
        _set(swept, "catalog.radars.91N6E.ref_range_m", value)
        sc, found = validate_data(swept, lines, "s.yaml")
        assert found == [] and sc is not None
        assert sc.merged_catalog.radar("91N6E").ref_range_m == pytest.approx(value)
        assert [(o.entry, o.field, o.value) for o in sc.merged_catalog.overrides] == [
            ("91N6E", "ref_range_m", value)
        ]
    swept = copy.deepcopy(data)
    _set(swept, "catalog.radars.91N6E.ref_range_m", -1)
    sc, found = validate_data(swept, lines, "s.yaml")
    assert sc is None
    assert [(p.path, p.line) for p in found] == [
        ("catalog.radars.91N6E.ref_range_m", 1)
    ]  # no line of its own
    data2, lines2, _ = parse_yaml(TEXT)  # a file that has the section: its lines are kept
    _set(data2, "catalog.radars.91N6E.ref_range_m", "x")
    _, found = validate_data(data2, lines2, "s.yaml")
    assert [(p.path, p.line) for p in found] == [("catalog.radars.91N6E.ref_range_m", 6)]


def test_a_scenario_dumped_and_validated_again_keeps_its_changes() -> None:
    sc = loads(TEXT)
    again, found = validate_data(sc.model_dump(mode="json", exclude_none=True), {}, "<dump>")
    assert found == [] and again is not None
    assert again.merged_catalog.overrides == sc.merged_catalog.overrides


def test_built_in_python_the_section_is_checked_too() -> None:
    data, _, _ = parse_yaml(TEXT)
    sc = Scenario.model_validate(data)
    assert sc.merged_catalog.threat("F-35A-export").rcs_m2 == pytest.approx(0.01)
    data["catalog"]["threats"]["F-35A-export"]["rcs_m2"] = "x"
    with pytest.raises(ValidationError, match=r"catalog: threats\.F-35A-export\.rcs_m2: must be a number"):
        Scenario.model_validate(data)


@pytest.mark.parametrize(
    "old,new,path",
    [
        ("  radars:\n", "  radar:\n", "catalog.radar"),
        ("91N6E: {ref", "91N6: {ref", "catalog.radars.91N6"),
        ("ref_range_m: 300000", "ref_range: 300000", "catalog.radars.91N6E.ref_range"),
        ("ref_range_m: 300000", "ref_range_m: [3]", "catalog.radars.91N6E.ref_range_m"),
        ("base: F-35A,", "base: F35A,", "catalog.threats.F-35A-export.base"),
    ],
    ids=["unknown-section", "unknown-entry", "unknown-field", "wrong-type", "bad-base"],
)
def test_validate_exits_2_with_file_line_and_path(tmp_path: Path, old: str, new: str, path: str) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(edit(old, new), encoding="utf-8")
    code, _, err = cli("validate", str(file))
    assert code == 2, err
    assert "Traceback" not in err
    assert any(line.startswith(f"{file}:") and f": {path}: " in line for line in err.splitlines()), err


def test_validate_subprocess_reports_every_catalog_problem_without_traceback(tmp_path: Path) -> None:
    text = edit("  radars:\n", "  radar: {}\n  radars:\n")
    text = edit("ref_range_m: 300000", "ref_range: 300000", text)
    text = edit("base: F-35A,", "base: F35A,", text)
    file = tmp_path / "s.yaml"
    file.write_text(text, encoding="utf-8")
    res = samsim("validate", str(file))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    lines = res.stderr.splitlines()
    assert (
        f"{file}:5: catalog.radar: unknown section 'radar' (did you mean 'radars'?); sections: " in res.stderr
    )
    assert any(ln.startswith(f"{file}:7: catalog.radars.91N6E.ref_range: unknown field") for ln in lines)
    assert any(
        ln.startswith(f"{file}:9: catalog.threats.F-35A-export.base: unknown threat 'F35A'") for ln in lines
    )
