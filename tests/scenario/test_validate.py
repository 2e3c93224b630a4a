"""Scenario loading and validation: every error class, reported with its line, all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samsim.scenario import ScenarioError, load, loads

VALID = textwrap.dedent(
    """\
    samsim: 1
    name: t
    duration_s: 600
    assets:
      - id: city
        position: {lat_deg: 39.93, lon_deg: 32.86, alt_m: 900}
    batteries:
      - id: b1
        system: S-400
        position: {lat_deg: 40.05, lon_deg: 32.60, alt_m: 950}
    threats:
      - id: f16
        type: F-16C
        count: 2
        target: city
        route:
          - {lat_deg: 39.0, lon_deg: 31.0, alt_m: 6000, speed_mps: 250}
          - {lat_deg: 39.93, lon_deg: 32.86, alt_m: 6000}
    """
)


def problems(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(ScenarioError) as info:
        loads(text, "s.yaml")
    return [(p.line, p.path, p.message) for p in info.value.problems]


def with_line(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_valid_scenario_loads() -> None:
    sc = loads(VALID)
    assert sc.threats[0].member_ids() == ["f16-1", "f16-2"]
    assert sc.environment.refraction_k == pytest.approx(4 / 3)


@pytest.mark.parametrize(
    "old,new,line,path,fragment",
    [
        ("name: t", "name: t\nbogus: 1", 3, "bogus", "unknown field"),
        ("duration_s: 600", "duration_s: -5", 3, "duration_s", "greater than 0"),
        ("duration_s: 600", "duration_s: .inf", 3, "duration_s", "finite"),
        ("duration_s: 600", "duration_s: 100000", 3, "duration_s", "less than or equal"),
        ("system: S-400", "system: S-999", 9, "batteries[0].system", "unknown system"),
        ("type: F-16C", "type: MiG-99", 13, "threats[0].type", "unknown threat"),
        ("target: city", "target: town", 15, "threats[0].target", "no asset with id 'town'"),
        ("lat_deg: 40.05", "lat_deg: 95.0", 10, "batteries[0].position.lat_deg", "less than or equal to 90"),
        ("speed_mps: 250}", "speed_mps: 2500}", 17, "threats[0].route[0].speed_mps", "maximum speed"),
        ("samsim: 1", "samsim: 3", 1, "samsim", "format version"),
    ],
)
def test_each_error_names_line_and_field(old: str, new: str, line: int, path: str, fragment: str) -> None:
    found = problems(with_line(VALID, old, new))
    assert any(ln == line and p == path and fragment in m for ln, p, m in found), found


def test_one_point_route() -> None:
    text = VALID.replace("      - {lat_deg: 39.93, lon_deg: 32.86, alt_m: 6000}\n", "")
    assert (16, "threats[0].route", "a route needs at least two points, got 1") in problems(text)


def test_duplicate_ids_and_group_collisions() -> None:
    text = VALID + (
        "  - id: f16-2\n"
        "    type: Tomahawk\n"
        "    route:\n"
        "      - {lat_deg: 39.0, lon_deg: 31.0, alt_m: 50, speed_mps: 240}\n"
        "      - {lat_deg: 39.5, lon_deg: 32.0, alt_m: 50}\n"
    )
    text = text.replace(
        "batteries:\n", "  - id: city\n    position: {lat_deg: 39.9, lon_deg: 32.8}\nbatteries:\n"
    )
    found = problems(text)
    assert any(p == "assets[1].id" and "duplicate id 'city'" in m for _, p, m in found)
    assert any(p == "threats[1].id" and "f16-2" in m for _, p, m in found)


def test_all_problems_reported_at_once() -> None:
    text = with_line(VALID, "duration_s: 600", "duration_s: -1")
    text = with_line(text, "system: S-400", "system: nope")
    text = with_line(text, "target: city", "target: nowhere")
    found = problems(text)
    assert {p for _, p, _ in found} >= {"duration_s", "batteries[0].system", "threats[0].target"}
    assert [ln for ln, _, _ in found] == sorted(ln for ln, _, _ in found)


def test_off_globe_and_mixed_positions() -> None:
    text = with_line(
        VALID,
        "position: {lat_deg: 39.93, lon_deg: 32.86, alt_m: 900}",
        "position: {lat_deg: 39.93, east_m: 5}",
    )
    assert any(p == "assets[0].position" and "not both" in m for _, p, m in problems(text))
    text = with_line(VALID, "lon_deg: 32.60", "lon_deg: 190")
    assert any(p == "batteries[0].position.lon_deg" for _, p, _ in problems(text))


def test_launcher_load_must_fit() -> None:
    text = with_line(
        VALID,
        "    position: {lat_deg: 40.05, lon_deg: 32.60, alt_m: 950}",
        "    position: {lat_deg: 40.05, lon_deg: 32.60, alt_m: 950}\n"
        "    launchers: [{type: 5P85SE2, count: 2, load: {48N6E3: 3, 9M96E2: 8}}]",
    )
    found = problems(text)
    assert any(p == "batteries[0].launchers[0]" and "5 tube positions" in m for _, p, m in found), found


def test_ballistic_needs_ballistic_block() -> None:
    text = with_line(VALID, "type: F-16C", "type: Iskander-M")
    assert any("ballistic missile" in m for _, _, m in problems(text))


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("", "empty"),
        ("samsim: [1, 2", "not valid YAML"),
        ("- just\n- a list", "expected a mapping"),
        ("samsim: 1\nname: a\nname: b\nduration_s: 1", "duplicate key"),
        ("a: !!python/object/apply:os.system ['echo hi']", "unsupported YAML tag"),
        ("samsim: !!python/name:os.system", "not valid YAML"),
        ("---\na: 1\n---\nb: 2", "single YAML document"),
    ],
)
def test_not_yaml_or_not_a_mapping(text: str, fragment: str) -> None:
    assert any(fragment in m for _, _, m in problems(text))


def test_files(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read the file"):
        load(tmp_path / "missing.yaml")
    binary = tmp_path / "x.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ScenarioError, match="not a text file"):
        load(binary)
    ok = tmp_path / "ok.yaml"
    ok.write_text(VALID.replace("duration_s: 600", "duration_s: 600\nenvironment: {terrain: nope.tif}"))
    with pytest.raises(ScenarioError, match=r"ok.yaml:4: environment.terrain: terrain file not found"):
        load(ok)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_fuzzed_text_never_crashes(text: str) -> None:
    try:
        loads(text)
    except ScenarioError as exc:
        assert exc.problems and all(p.line >= 1 for p in exc.problems)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_fuzzed_mutations_of_a_valid_scenario(data: st.DataObject) -> None:
    lines = VALID.splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    junk = data.draw(st.sampled_from(["-1", ".nan", "[]", "{}", "x", "1e999", "null", "true", "'", "{a: 1}"]))
    if ":" in lines[i]:
        key = lines[i].split(":")[0]
        lines[i] = f"{key}: {junk}"
    try:
        loads("\n".join(lines))
    except ScenarioError as exc:
        assert all(p.line >= 1 for p in exc.problems)


ARM = VALID + textwrap.indent(
    textwrap.dedent(
        """\
        - id: harm
          type: AGM-88E
          count: 4
          spacing_s: 5
          start_s: 300
          launch: {lat_deg: 40.0, lon_deg: 31.6, alt_m: 9000, speed_mps: 630}
          target: {battery: b1, radar: 92N6E}
        """
    ),
    "  ",
)


def test_an_arm_group_loads_with_its_radar_target() -> None:
    sc = loads(ARM)
    harm = sc.threats[1]
    assert harm.launch is not None and harm.launch.speed_mps == 630
    assert harm.target is not None and not isinstance(harm.target, str)
    assert (harm.target.battery, harm.target.radar) == ("b1", "92N6E")


def test_an_arm_at_an_unknown_battery_or_radar_names_file_line_and_field() -> None:
    assert problems(ARM.replace("battery: b1, radar", "battery: b9, radar")) == [
        (25, "threats[1].target.battery", "no battery with id 'b9'")
    ]
    found = problems(ARM.replace("radar: 92N6E", "radar: 92N6"))
    assert found[0][:2] == (25, "threats[1].target.radar")
    assert "battery 'b1' has no radar '92N6'" in found[0][2] and "91N6E, 92N6E, 96L6E" in found[0][2]


def test_an_arm_needs_launch_and_radar_target_and_others_may_not_have_them() -> None:
    no_launch = ARM.replace("    launch: {lat_deg: 40.0, lon_deg: 31.6, alt_m: 9000, speed_mps: 630}\n", "")
    assert any(p == "threats[1]" and "anti-radiation missile" in m for _, p, m in problems(no_launch))
    aimed_f16 = VALID.replace("target: city", "target: {battery: b1, radar: 92N6E}")
    assert any("not an anti-radiation missile" in m for _, _, m in problems(aimed_f16))
    assert any(
        p == "batteries[0].doctrine.emcon"
        for _, p, _ in problems(
            VALID.replace(
                "    position: {lat_deg: 40.05, lon_deg: 32.60, alt_m: 950}\n",
                "    position: {lat_deg: 40.05, lon_deg: 32.60, alt_m: 950}\n    doctrine: {emcon: dark}\n",
            )
        )
    )


def test_an_arm_launched_beyond_its_range_or_too_fast_is_refused() -> None:
    far = ARM.replace(
        "lon_deg: 31.6, alt_m: 9000, speed_mps: 630", "lon_deg: 30.0, alt_m: 9000, speed_mps: 900"
    )
    found = problems(far)
    assert (24, "threats[1].launch.speed_mps", "900 m/s exceeds the AGM-88E's maximum speed 630 m/s") in found
    beyond = [m for _, p, m in found if p == "threats[1].launch"]
    assert (
        beyond and "beyond the AGM-88E's range of 110 km" in beyond[0] and beyond[0].startswith("222.0 km")
    )  # 2.6° of longitude at 40° N


def test_command_posts_name_real_batteries_once() -> None:
    text = VALID.replace(
        "threats:\n",
        "  - id: b2\n"
        "    system: S-400\n"
        "    position: {lat_deg: 40.10, lon_deg: 32.90}\n"
        "    command: autonomous\n"
        "    reserve: {48N6E3: -1}\n"
        "commands:\n"
        "  - {id: cp, batteries: [b1, b9]}\n"
        "  - {id: cp2, batteries: [b1, b2], link_latency_s: -1}\n"
        "threats:\n",
    )
    found = problems(text)
    paths = {path: msg for _, path, msg in found}
    assert "no battery with id 'b9'" in paths["commands[0].batteries[1]"]
    assert "already belongs to commands[0]" in paths["commands[1].batteries[0]"]
    assert "autonomous" in paths["commands[1].batteries[1]"]
    assert "greater than or equal to 0" in paths["commands[1].link_latency_s"]
    assert "reserve cannot be negative" in paths["batteries[1].reserve"]
    ok = loads(
        VALID.replace("threats:\n", "commands:\n  - {id: cp, link_latency_s: 2, cut_s: 100}\nthreats:\n")
    )
    assert ok.commands[0].cut_s == 100
