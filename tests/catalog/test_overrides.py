"""Changes to the catalog (a scenario's ``catalog:``): what merges, what is refused and where."""

from __future__ import annotations

from typing import Any

import pytest

from samsim.catalog import CatalogError, builtin


def problems(changes: Any) -> list[tuple[str, str]]:
    """Every problem of ``changes`` as (dotted path, message)."""
    with pytest.raises(CatalogError) as info:
        builtin().with_overrides(changes)
    return [(".".join(str(p) for p in path), message) for path, message in info.value.problems]


def one_problem(changes: Any) -> tuple[str, str]:
    found = problems(changes)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "changes,path,fragment",
    [
        # sections, entries, fields: unknown ones with a near miss named
        ({"radar": {}}, "radar", "unknown section 'radar' (did you mean 'radars'?)"),
        ({"weapons": {}}, "weapons", "unknown section 'weapons'"),
        ({"radars": []}, "radars", "must be a mapping of radar names"),
        ({"radars": {"91N6": {"ref_range_m": 1}}}, "radars.91N6", "did you mean '91N6E'?"),
        ({"radars": {"91N6": {"ref_range_m": 1}}}, "radars.91N6", "a new entry needs `base:`"),
        ({"radars": {"91N6E": 3}}, "radars.91N6E", "must be a mapping of field: value"),
        ({"threats": {"F-16C": {"rcs_m": 2}}}, "threats.F-16C.rcs_m", "did you mean 'rcs_m2'?"),
        ({"threats": {"F-16C": {"rcs_m": 2}}}, "threats.F-16C.rcs_m", "unknown field 'rcs_m'"),
        ({"radars": {"91N6E": {"band": "X"}}}, "radars.91N6E.band", "descriptive"),
        (
            {"systems": {"S-400": {"doctrine": {"salvo": 1}}}},
            "systems.S-400.doctrine",
            "batteries[].doctrine",
        ),
        ({"threats": {"91N6E": {"rcs_m2": 2}}}, "threats.91N6E", "is a radar, not a threat"),
        # base
        (
            {"threats": {"X": {"base": "F35A"}}},
            "threats.X.base",
            "unknown threat 'F35A' (did you mean 'F-35A'?)",
        ),
        ({"threats": {"X": {"base": "92N6E"}}}, "threats.X.base", "'92N6E' is a radar, not a threat"),
        ({"threats": {"X": {"base": 3}}}, "threats.X.base", "must be the name of a threat"),
        ({"threats": {"F-16C": {"base": "F-35A"}}}, "threats.F-16C", "already a threat"),
        ({"threats": {"S-400": {"base": "F-35A"}}}, "threats.S-400", "already a system"),
        ({"threats": {"a.b": {"base": "F-35A"}}}, "threats.a.b", "a new entry's name"),
        # types
        ({"radars": {"91N6E": {"ref_range_m": "far"}}}, "radars.91N6E.ref_range_m", "must be a number"),
        ({"radars": {"91N6E": {"ref_range_m": [1, 2]}}}, "radars.91N6E.ref_range_m", "must be a number"),
        ({"radars": {"91N6E": {"ref_range_m": True}}}, "radars.91N6E.ref_range_m", "must be a number"),
        ({"radars": {"91N6E": {"ref_range_m": float("inf")}}}, "radars.91N6E.ref_range_m", "finite"),
        ({"radars": {"91N6E": {"pfa": "1e-6"}}}, "radars.91N6E.pfa", "write 1.0e-6"),
        ({"radars": {"91N6E": {"swerling": 1.0}}}, "radars.91N6E.swerling", "whole number"),
        ({"radars": {"91N6E": {"swerling": 2}}}, "radars.91N6E.swerling", "one of 0, 1, 3"),
        ({"launchers": {"5P85SE2": {"tubes": 4.5}}}, "launchers.5P85SE2.tubes", "whole number"),
        (
            {"radars": {"91N6E": {"role": "tracking"}}},
            "radars.91N6E.role",
            "one of acquisition, early-warning, engagement",
        ),
        ({"threats": {"F-16C": {"kind": "drones"}}}, "threats.F-16C.kind", "did you mean 'drone'?"),
        ({"interceptors": {"40N6E": {"guidance": 5}}}, "interceptors.40N6E.guidance", "must be text"),
        (
            {"systems": {"S-400": {"engagement_altitude_m": [1]}}},
            "systems.S-400.engagement_altitude_m",
            "2 numbers",
        ),
        # bounds
        ({"radars": {"91N6E": {"ref_range_m": 0}}}, "radars.91N6E.ref_range_m", "must be > 0"),
        ({"radars": {"91N6E": {"pfa": 1.5}}}, "radars.91N6E.pfa", "a probability"),
        ({"radars": {"91N6E": {"max_elevation_deg": 95.0}}}, "radars.91N6E.max_elevation_deg", "<= 90"),
        ({"interceptors": {"9M96E2": {"tube_fraction": 0}}}, "interceptors.9M96E2.tube_fraction", "> 0"),
        ({"threats": {"F-35A": {"rcs_m2": 1.0}}}, "threats.F-35A.rcs_m2", "published range 0.0015-0.005"),
        ({"radars": {"91N6E": {"ref_range_m": 1e13}}}, "radars.91N6E.ref_range_m", "magnitude"),
        # across entries
        (
            {"interceptors": {"48N6E3": {"min_range_m": 300000}}},
            "interceptors.48N6E3.min_range_m",
            "above max_range_m",
        ),
        ({"threats": {"F-16C": {"kind": "ballistic"}}}, "threats.F-16C.kind", "needs apogee_m"),
    ],
)
def test_each_problem_names_its_path(changes: Any, path: str, fragment: str) -> None:
    found = problems(changes)
    assert any(p == path and fragment in m for p, m in found), found


def test_not_a_mapping() -> None:
    assert one_problem(["radars"]) == (
        "",
        "must be a mapping of sections (systems, radars, launchers, interceptors, threats), not a list",
    )


def test_every_problem_at_once_and_the_valid_changes_kept() -> None:
    with pytest.raises(CatalogError) as info:
        builtin().with_overrides(
            {
                "radars": {"91N6E": {"ref_range_m": 300000, "pfa": "x"}},
                "threats": {"F-35A-export": {"base": "F-35A", "rcs_m2": -1}, "F-16": {"rcs_m2": 1}},
            }
        )
    assert {".".join(str(p) for p in path) for path, _ in info.value.problems} == {
        "radars.91N6E.pfa",
        "threats.F-35A-export.rcs_m2",
        "threats.F-16",
    }
    partial = info.value.catalog
    assert partial.radar("91N6E").ref_range_m == pytest.approx(300_000.0)
    assert partial.radar("91N6E").pfa == pytest.approx(1e-6)
    assert partial.threat("F-35A-export").rcs_m2 == pytest.approx(0.005)  # the base's: its change was refused


def test_a_number_in_the_published_range_spread_is_accepted() -> None:
    # F-35A rcs_m2: published 0.0015-0.005; ten times either way is 0.00015-0.05
    for value in (0.00015, 0.01, 0.05):
        assert (
            builtin().with_overrides({"threats": {"F-35A": {"rcs_m2": value}}}).threat("F-35A").rcs_m2
            == value
        )
    assert problems({"threats": {"F-35A": {"rcs_m2": 0.051}}})


def test_whole_numbers_where_the_catalog_writes_them_and_any_number_elsewhere() -> None:
    # max_g is written 9 in the YAML but the engine reads a float: 7.5 is fine
    cat = builtin().with_overrides(
        {"threats": {"F-16C": {"max_g": 7.5}}, "radars": {"91N6E": {"swerling": 0}}}
    )
    assert cat.threat("F-16C").max_g == pytest.approx(7.5)
    assert cat.radar("91N6E").swerling == 0


def test_a_figure_the_entry_lacks_but_its_kind_has() -> None:
    # cruise missiles give cruise_altitude_m; an aircraft may be given one (the spec reads it)
    cat = builtin().with_overrides({"threats": {"F-16C": {"cruise_altitude_m": 150}}})
    assert cat.threat("F-16C").cruise_altitude_m == pytest.approx(150.0)
    (record,) = cat.overrides
    assert (record.field, record.value, record.original) == ("cruise_altitude_m", 150, None)


def test_a_new_entry_records_its_base_and_every_field_it_sets() -> None:
    cat = builtin().with_overrides(
        {
            "threats": {
                "F-35A-export": {"base": "F-35A", "rcs_m2": 0.01, "max_speed_mps": 450},
                "Alias": {"base": "Su-34"},
            }
        }
    )
    assert [o.as_dict() for o in cat.overrides] == [
        {
            "kind": "threat",
            "entry": "F-35A-export",
            "field": "rcs_m2",
            "value": 0.01,
            "original": 0.005,
            "base": "F-35A",
        },
        {
            "kind": "threat",
            "entry": "F-35A-export",
            "field": "max_speed_mps",
            "value": 450,
            "original": 472,
            "base": "F-35A",
        },
        {"kind": "threat", "entry": "Alias", "field": None, "value": None, "original": None, "base": "Su-34"},
    ]
    assert cat.threat("Alias") == builtin().threat("Su-34").__class__(
        **{**builtin().threat("Su-34").__dict__, "key": "Alias"}
    )


def test_base_is_the_catalog_being_changed_not_another_change() -> None:
    cat = builtin().with_overrides(
        {"radars": {"91N6E": {"ref_range_m": 300000}, "91N6E-b": {"base": "91N6E", "revisit_s": 5.0}}}
    )
    assert cat.radar("91N6E-b").ref_range_m == pytest.approx(390_000.0)
    assert cat.radar("91N6E-b").revisit_s == pytest.approx(5.0)


def test_a_new_entry_name_is_new_across_the_changes() -> None:
    (path, message) = one_problem(
        {"radars": {"X-1": {"base": "91N6E"}}, "threats": {"X-1": {"base": "F-16C"}}}
    )
    assert path == "threats.X-1" and "already a radar defined above" in message


def test_system_templates_take_radar_and_launcher_lists() -> None:
    cat = builtin().with_overrides(
        {
            "radars": {"92N6E-tower": {"base": "92N6E", "mast_m": 30.0}},
            "systems": {
                "S-400-lite": {
                    "base": "S-400",
                    "radars": [{"type": "91N6E"}, {"type": "92N6E-tower", "offset_m": [600, 0, 0]}],
                    "launchers": [{"type": "5P85TE2", "load": {"9M96E2": 16}}],
                }
            },
        }
    )
    spec = cat.system("S-400-lite")
    assert [r["type"] for r in spec.radars] == ["91N6E", "92N6E-tower"]
    assert spec.launchers == ({"count": 1, "type": "5P85TE2", "load": {"9M96E2": 16}},)
    assert spec.doctrine == builtin().system("S-400").doctrine


@pytest.mark.parametrize(
    "attr,value,path,fragment",
    [
        ("radars", [], "systems.S-400.radars", "at least one radar"),
        ("radars", [{"type": "91N6"}], "systems.S-400.radars.0.type", "did you mean '91N6E'?"),
        ("radars", [{"type": "F-16C"}], "systems.S-400.radars.0.type", "unknown radar 'F-16C'"),
        (
            "radars",
            [{"type": "91N6E", "ofset_m": [0, 0, 0]}],
            "systems.S-400.radars.0.ofset_m",
            "did you mean 'offset_m'?",
        ),
        (
            "radars",
            [{"type": "91N6E", "offset_m": [0, 60000, 0]}],
            "systems.S-400.radars.0.offset_m.1",
            "<= 50000",
        ),
        ("radars", [{"type": "91N6E", "mast_m": -1}], "systems.S-400.radars.0.mast_m", ">= 0"),
        ("radars", [{"offset_m": [0, 0, 0]}], "systems.S-400.radars.0.type", "required"),
        (
            "launchers",
            [{"type": "5P85SE2", "load": {"48N6E3": 5}}],
            "systems.S-400.launchers.0.load",
            "5 tube positions",
        ),
        (
            "launchers",
            [{"type": "5P85SE2", "load": {"48N6": 4}}],
            "systems.S-400.launchers.0.load.48N6",
            "did you mean",
        ),
        (
            "launchers",
            [{"type": "5P85SE2", "count": 0, "load": {"48N6E3": 4}}],
            "systems.S-400.launchers.0.count",
            ">= 1",
        ),
        (
            "launchers",
            [{"type": "5P85SE2", "load": {"48N6E3": -1}}],
            "systems.S-400.launchers.0.load.48N6E3",
            ">= 0",
        ),
        ("launchers", [{"type": "5P85SE2"}], "systems.S-400.launchers.0.load", "required"),
    ],
)
def test_system_template_lists_are_checked_item_by_item(
    attr: str, value: Any, path: str, fragment: str
) -> None:
    found = problems({"systems": {"S-400": {attr: value}}})
    assert any(p == path and fragment in m for p, m in found), found


def test_a_launcher_change_that_breaks_a_template_load_is_reported_where_it_was_made() -> None:
    found = problems({"launchers": {"5P85SE2": {"tubes": 2}}})
    assert {p for p, _ in found} == {"launchers.5P85SE2.tubes"}
    assert any("S-400 template's launchers[0]" in m and "4 tube positions" in m for _, m in found)
    found = problems({"interceptors": {"9M96E2": {"tube_fraction": 0.5}}})
    assert found == [
        (
            "interceptors.9M96E2.tube_fraction",
            "the S-400 template's launchers[1]: load takes 8 tube positions but a 5P85TE2 has 4 (a 9M96 takes a quarter of one)",
        )
    ]


def test_a_threat_made_ballistic_with_an_apogee() -> None:
    cat = builtin().with_overrides({"threats": {"F-16C": {"kind": "ballistic", "apogee_m": 40000}}})
    assert cat.threat("F-16C").kind == "ballistic" and cat.threat("F-16C").apogee_m == pytest.approx(40_000.0)


def test_an_rcs_table_is_set_and_read_with_elevations() -> None:
    table = {
        "aspect_deg": [0, 90, 180],
        "elevation_deg": [-30, 0],
        "bands": {"VHF": [[1.0, 3.0, 1.0], [0.5, 2.0, 0.5]], "X": [[0.01, 1.0, 0.1], [0.005, 0.5, 0.05]]},
    }
    cat = builtin().with_overrides({"threats": {"Shahed-136": {"rcs_table": table}}})
    got = cat.threat("Shahed-136").rcs_table
    assert got is not None
    assert got.band_names == ("VHF", "X")
    assert got.elevation_deg == (-30.0, 0.0)
    assert got.rows("X") == ((0.01, 1.0, 0.1), (0.005, 0.5, 0.05))
    (record,) = cat.overrides
    assert record.field == "rcs_table" and record.original is None


@pytest.mark.parametrize(
    "table,path,fragment",
    [
        ([1, 2], "", "must be a mapping"),
        ({"bands": {"X": [1.0]}}, "aspect_deg", "required field is missing"),
        ({"aspect_deg": [0, 90], "bands": {"X": [1.0, 2.0]}, "colour": 1}, "colour", "unknown field"),
        ({"aspect_deg": [0, 200], "bands": {"X": [1.0, 2.0]}}, "aspect_deg.1", "between 0 and 180"),
        ({"aspect_deg": [90, 0], "bands": {"X": [1.0, 2.0]}}, "aspect_deg", "increase strictly"),
        ({"aspect_deg": [0, 90], "bands": {"Q": [1.0, 2.0]}}, "bands.Q", "unknown band 'Q'"),
        ({"aspect_deg": [0, 90], "bands": {"X": [1.0]}}, "bands.X", "list of 2 cross sections"),
        ({"aspect_deg": [0, 90], "bands": {"X": [1.0, 0.0]}}, "bands.X.1", "cross section > 0"),
        ({"aspect_deg": [0, 90], "elevation_deg": [0], "bands": {"X": [1.0, 2.0]}}, "bands.X", "1 rows"),
    ],
)
def test_a_bad_rcs_table_names_its_path(table: Any, path: str, fragment: str) -> None:
    where, message = one_problem({"threats": {"F-35A": {"rcs_table": table}}})
    assert where == "threats.F-35A.rcs_table" + (f".{path}" if path else "")
    assert fragment in message


def test_a_new_rcs_m2_scales_the_rcs_table_with_it() -> None:
    base = builtin().threat("F-16C").rcs_table
    cat = builtin().with_overrides({"threats": {"F-16C-coated": {"base": "F-16C", "rcs_m2": 0.12}}})
    got = cat.threat("F-16C-coated").rcs_table
    assert base is not None and got is not None
    for band in base.band_names:
        assert got.rows(band)[0] == pytest.approx(tuple(0.1 * x for x in base.rows(band)[0]))
    assert got.rows("X")[0][0] == pytest.approx(0.12)
    # A table given with it is taken as written.
    table = {"aspect_deg": [0, 180], "bands": {"X": [2.0, 3.0]}}
    both = builtin().with_overrides({"threats": {"F-16C": {"rcs_m2": 2.0, "rcs_table": table}}})
    assert both.threat("F-16C").rcs_table.rows("X") == ((2.0, 3.0),)  # type: ignore[union-attr]
