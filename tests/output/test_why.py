"""Why threats were not engaged, stocks over time and the detail strings, on a constructed run whose
numbers are known (tests/why_result.py)."""

from __future__ import annotations

import pytest

from samsim.output.details import (
    DetailError,
    JamStrobe,
    Reload,
    format_jam_strobe,
    format_magazine_empty,
    format_reload,
    interceptor_battery_type,
    parse_detail,
    parse_jam_strobe,
    parse_magazine_empty,
    parse_reload,
)
from samsim.output.result import UNENGAGED_REASONS
from samsim.output.why import (
    REASON_SHORT,
    battery_rows,
    decoy_shots,
    reason_counts,
    step_at,
    stock_series,
)
from tests.why_result import REASON_COUNTS, STOCK, why_result


def test_detail_strings_round_trip_and_match_the_documented_form() -> None:
    assert format_magazine_empty("48N6E3") == "type=48N6E3"
    assert parse_magazine_empty("type=48N6E3") == "48N6E3"
    assert format_reload("48N6E3", 4, 2) == "type=48N6E3; count=4; launcher=2"
    assert parse_reload("type=48N6E3; count=4; launcher=2") == Reload("48N6E3", 4, 2)
    assert format_jam_strobe(123.44, 1.25, 17.31) == "az_deg=123.4; el_deg=1.2; jnr_db=17.3"
    assert parse_jam_strobe("az_deg=123.4; el_deg=1.2; jnr_db=17.3") == JamStrobe(123.4, 1.2, 17.3)
    assert parse_detail("48N6E3; value=10; pk=0.83") == {"value": "10", "pk": "0.83"}
    assert interceptor_battery_type("s400-1/48N6E3/12") == ("s400-1", "48N6E3")
    with pytest.raises(DetailError, match="no count="):
        parse_reload("type=48N6E3; launcher=2")
    with pytest.raises(DetailError, match="not a number"):
        parse_jam_strobe("az_deg=north; el_deg=1; jnr_db=3")
    with pytest.raises(DetailError):
        interceptor_battery_type("bat")


def test_reason_counts_cover_every_reason_in_contract_order() -> None:
    result = why_result()
    counts = reason_counts((t.type, t.unengaged_reason) for t in result.threats)
    assert counts == REASON_COUNTS
    assert list(counts) == list(UNENGAGED_REASONS)
    assert all(len(label) <= 8 for label in REASON_SHORT.values())


def test_battery_rows_and_decoy_shots() -> None:
    rows = battery_rows(why_result())
    assert [(r.battery, r.missile_type, r.fired, r.left, r.empty_s) for r in rows] == [
        ("north", "48N6E3", 5, 1, 12.0),
        ("north", "9M96E2", 0, 4, None),
        ("south", "48N6E3", 1, 0, 20.0),
    ]
    assert decoy_shots(why_result()) == (3, 2)


def test_stock_series_from_hand_written_events() -> None:
    series = {(s.battery, s.missile_type): s for s in stock_series(why_result())}
    assert set(series) == set(STOCK)
    for key, (time_s, total, ready, empty, out_s) in STOCK.items():
        s = series[key]
        assert s.time_s == time_s, key
        assert s.total_left == total, key
        assert s.ready == ready, key
        assert s.empty_s == empty, key
        assert s.out_s == out_s, key
    north = series[("north", "48N6E3")]
    assert step_at(north.time_s, north.total_left, 11.0) == 5
    assert step_at(north.time_s, north.ready, 99.9) == 0
    assert step_at(north.time_s, north.ready, 100.0) == 4


def test_stock_series_without_start_loads_has_no_ready_line() -> None:
    result = why_result()
    result.scene = {}
    s = next(x for x in stock_series(result) if x.battery == "north" and x.missile_type == "48N6E3")
    assert s.ready is None
    assert s.time_s == [0.0, 10.0, 12.0, 150.0, 160.0] and s.total_left == [6, 5, 4, 2, 1]


def test_to_pandas_has_a_batteries_frame() -> None:
    frames = why_result().to_pandas()
    b = frames["batteries"]
    assert list(b.columns) == ["battery", "type", "fired", "left"]
    assert b.values.tolist() == [
        ["north", "48N6E3", 5, 1],
        ["north", "9M96E2", 0, 4],
        ["south", "48N6E3", 1, 0],
    ]
    assert frames["threats"]["unengaged_reason"].notna().sum() == 8
