"""The Catalog object: the built-in one, typed specs, module helpers, immutability, pickling."""

from __future__ import annotations

import pickle

import pytest

from samsim import catalog
from samsim.catalog import Catalog, InterceptorSpec, builtin


def test_builtin_is_read_once_and_the_module_helpers_read_it() -> None:
    assert builtin() is builtin()
    cat = builtin()
    assert catalog.entries() == cat.entries
    assert catalog.names("radar") == cat.names("radar")
    assert cat.names("radar")[:9] == [
        "91N6E",
        "92N6E",
        "96L6E",
        "64N6E2",
        "30N6E2",
        "RLM-M",
        "RLM-D",
        "RLM-S",
        "P-18",
    ]
    assert catalog.radar("91N6E") is cat.radar("91N6E")  # specs are built once per catalog
    assert catalog.get("F-16C") is cat.get("F-16C")
    assert catalog.threat("F-16C").rcs_m2 == pytest.approx(1.2)
    assert catalog.launcher("5P85SE2").tubes == 4
    assert catalog.system("S-400").radars[0]["type"] == "91N6E"


def test_entries_by_key_and_kind() -> None:
    cat = builtin()
    assert "48N6E3" in cat and "Patriot" in cat and "THAAD" not in cat
    assert len(cat) == sum(len(cat.names(k.kind)) for k in catalog.KINDS)
    assert [k.section for k in catalog.KINDS] == list(catalog.SECTIONS)
    with pytest.raises(KeyError, match="unknown catalog name 'THAAD'"):
        cat.get("THAAD")
    with pytest.raises(KeyError, match="'91N6E' is a radar, not a threat"):
        cat.threat("91N6E")


def test_entries_cannot_be_changed_through_the_catalog() -> None:
    with pytest.raises(TypeError):
        builtin().entries["F-16C"] = builtin().get("F-35A")  # type: ignore[index]


def test_interceptor_spec_is_hashable_and_gives_its_flyout_keywords() -> None:
    spec = catalog.interceptor("48N6E3")
    assert isinstance(hash(spec), int)
    assert spec.flyout == dict(spec.flyout_items)
    assert set(spec.flyout) <= set(catalog.FLYOUT_FIELDS)
    assert spec.flyout["launch_mass_kg"] == pytest.approx(1835.0)
    again = Catalog(builtin().entries).interceptor("48N6E3")
    assert again is not spec and again == spec and hash(again) == hash(spec)
    assert isinstance(spec, InterceptorSpec)


def test_with_overrides_returns_a_new_catalog_and_leaves_this_one() -> None:
    cat = builtin()
    assert cat.with_overrides({}) is cat and cat.with_overrides(None) is cat
    new = cat.with_overrides({"radars": {"91N6E": {"ref_range_m": 300000}}})
    assert new is not cat
    assert new.radar("91N6E").ref_range_m == pytest.approx(300_000.0)
    assert cat.radar("91N6E").ref_range_m == pytest.approx(390_000.0)
    assert new.radar("92N6E") == cat.radar("92N6E")
    assert new.get("91N6E").figures["ref_range_m"].source == "SCENARIO"
    assert cat.get("91N6E").figures["ref_range_m"].source == "ASSUMED"
    assert cat.overrides == ()
    assert [o.as_dict() for o in new.overrides] == [
        {
            "kind": "radar",
            "entry": "91N6E",
            "field": "ref_range_m",
            "value": 300000,
            "original": 390000,
            "base": None,
        }
    ]


def test_changes_chain_and_keep_their_records() -> None:
    one = builtin().with_overrides({"threats": {"F-16C": {"rcs_m2": 2.0}}})
    two = one.with_overrides({"threats": {"F-16C": {"rcs_m2": 3.0}}})
    assert two.threat("F-16C").rcs_m2 == pytest.approx(3.0)
    assert [(o.value, o.original) for o in two.overrides] == [(2.0, 1.2), (3.0, 2.0)]


def test_new_entries_come_last_in_their_kind() -> None:
    new = builtin().with_overrides({"threats": {"F-35A-export": {"base": "F-35A", "rcs_m2": 0.01}}})
    assert new.names("threat")[-1] == "F-35A-export"
    assert new.names("threat")[:-1] == builtin().names("threat")
    spec = new.threat("F-35A-export")
    base = builtin().threat("F-35A")
    assert spec.rcs_m2 == pytest.approx(0.01)
    assert (spec.kind, spec.max_speed_mps, spec.max_g) == (base.kind, base.max_speed_mps, base.max_g)
    assert "F-35A-export" not in builtin()


def test_catalogs_pickle_the_builtin_one_by_reference() -> None:
    assert pickle.loads(pickle.dumps(builtin())) is builtin()
    new = builtin().with_overrides({"radars": {"91N6E": {"ref_range_m": 300000}}})
    back = pickle.loads(pickle.dumps(new))
    assert back.radar("91N6E") == new.radar("91N6E")
    assert back.overrides == new.overrides


def test_load_problem_is_the_one_rule_for_launcher_loads() -> None:
    cat = builtin()
    assert cat.load_problem("5P85SE2", {"48N6E3": 4}) is None
    assert cat.load_problem("5P85SE2", {"9M96E2": 16}) is None  # four 9M96 share a tube
    found = cat.load_problem("5P85SE2", {"48N6E3": 3, "9M96E2": 8})
    assert found is not None and "5 tube positions" in found


def test_every_radar_band_is_the_ieee_band_of_its_frequency() -> None:
    from samsim.models.signature import band_of_frequency

    cat = builtin()
    for key, e in cat.entries.items():
        if e.kind == "radar":
            assert e.attrs["band"] == band_of_frequency(cat.radar(key).frequency_ghz), key


def test_a_threat_table_gives_rcs_m2_nose_on_at_x_band() -> None:
    cat = builtin()
    with_tables = [k for k, e in cat.entries.items() if e.kind == "threat" and cat.threat(k).rcs_table]
    assert {"F-35A", "F-16C", "Su-34"} <= set(with_tables)
    for key in with_tables:
        spec = cat.threat(key)
        assert spec.rcs_table is not None
        assert spec.rcs_table.aspect_deg[0] == 0.0
        assert spec.rcs_table.rows("X")[0][0] == spec.rcs_m2, key


def test_an_rcs_table_written_back_reads_as_the_same_table() -> None:
    """``RcsTable.as_value`` is what scene.json records for viewers; reading it gives the table back."""
    from samsim.catalog.signatures import rcs_table, rcs_table_problems

    tables = [t for k in builtin().names("threat") if (t := builtin().threat(k).rcs_table) is not None]
    assert tables
    with_elevations = {
        "aspect_deg": [0, 90, 180],
        "bands": {"X": [[1, 2, 3], [4, 5, 6]]},
        "elevation_deg": [0, 30],
    }
    tables.append(rcs_table(with_elevations))
    for table in tables:
        value = table.as_value()
        assert list(rcs_table_problems(value)) == []
        assert rcs_table(value) == table


def test_the_nebo_svu_is_a_vhf_early_warning_radar_with_its_published_range() -> None:
    spec = catalog.radar("1L119")
    assert spec.role == "early-warning" and spec.frequency_ghz < 0.3
    # The catalog's calibration rule: 0.65 x the published maximum range on 4 m2.
    assert (
        spec.max_range_m == 380e3
        and spec.ref_range_m == pytest.approx(0.65 * 380e3)
        and spec.ref_rcs_m2 == 4.0
    )
