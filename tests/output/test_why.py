"""Why threats were not engaged, stocks over time and the detail strings, on a constructed run whose
numbers are known (tests/why_result.py)."""

from __future__ import annotations

import pytest

from samsim.output.details import (
    DETAIL_FORMATS,
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
from samsim.output.result import EVENT_KINDS, UNENGAGED_REASONS
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


def test_every_detail_format_reads_what_it_writes() -> None:
    move = (40.1, 32.75, 950.0, 13.9, 600.0, 900.0, 2570.6, 2870.6)
    samples = {
        "magazine_empty": ("9M96E2",),
        "reload": ("48N6E3", 2, 5),
        "jam_strobe": (359.9, -0.5, 3.0),
        "move_start": move,
        "move_end": move,
    }
    assert set(samples) == set(DETAIL_FORMATS) <= set(EVENT_KINDS)
    for kind, values in samples.items():
        table = DETAIL_FORMATS[kind]
        assert table.parse(table.format(*values)) == table.record(*values), kind
    with pytest.raises(DetailError, match="no type="):
        DETAIL_FORMATS["magazine_empty"].parse("count=2")


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


def test_report_shows_reasons_missiles_decoys_and_destroyed_radars() -> None:
    import re

    from samsim.output.run_report import render_run_report
    from samsim.output.why import REASON_LABELS
    from tests.why_result import THREATS

    page = render_run_report(why_result())
    threats = page.split("<h2>Threats</h2>")[1].split("</table>")[0]
    for tid, *_rest, reason in THREATS:
        row = re.search(rf"<tr><td>{tid}</td>.*?</tr>", threats)
        assert row is not None
        assert row.group(0).endswith(f"<td>{REASON_LABELS[reason] if reason else '—'}</td></tr>"), tid
    reasons = page.split("data-section='reasons'")[1].split("</table>")[0]
    assert "<td>magazine empty</td><td>2</td><td>2 Shahed-136</td>" in reasons
    assert "<td>no fire channel</td><td>1</td><td>1 Kh-101</td>" in reasons
    assert "<b>3</b> interceptors spent on <b>2</b> decoys" in page
    missiles = page.split("data-section='missiles'")[1].split("</table>")[0]
    assert "<td>north</td><td>48N6E3</td><td>5</td><td>1</td><td>12.0</td>" in missiles
    assert "<td>south</td><td>48N6E3</td><td>1</td><td>0</td><td>20.0</td>" in missiles
    assert 'alt="stock"' in page
    destroyed = page.split("data-section='radars-destroyed'")[1].split("</table>")[0]
    assert "<td>north</td><td>92N6E</td><td>92N6E</td><td>300.0</td>" in destroyed


def test_report_leaves_out_what_did_not_happen() -> None:
    from samsim.output.run_report import render_run_report

    result = why_result()
    result.threats = [t for t in result.threats if t.kind != "decoy" and t.unengaged_reason is None]
    result.batteries = []
    page = render_run_report(result)
    for section in ("reasons", "decoys", "missiles", "radars-destroyed"):
        assert f"data-section='{section}'" not in page
    assert 'alt="stock"' not in page


def test_stock_chart_draws_the_computed_steps() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from samsim.output.html import PALETTE
    from samsim.output.run_report import stock_figure

    fig = stock_figure(why_result())
    try:
        axes = [ax for ax in fig.axes if ax.get_visible()]
        assert [ax.get_title() for ax in axes] == ["north · 48N6E3", "north · 9M96E2", "south · 48N6E3"]
        lines = {to_hex(line.get_color()): line for line in axes[0].get_lines() if len(line.get_xdata()) > 2}
        left = lines[PALETTE["stock"]["left"]]
        assert list(left.get_ydata()) == [6, 5, 4, 4, 2, 1, 1]
        assert list(left.get_xdata()) == [0.0, 10.0, 12.0, 100.0, 150.0, 160.0, 600.0]
        assert list(lines[PALETTE["stock"]["ready"]].get_ydata()) == [2, 1, 0, 4, 2, 1, 1]
        empties = [line.get_xdata()[0] for line in axes[0].get_lines() if len(line.get_xdata()) == 2]
        assert empties == [12.0]  # the magazine_empty mark (axvline)
    finally:
        plt.close(fig)


def _deceived_result():  # type: ignore[no-untyped-def]
    from samsim.output.result import RadarDeception, ThreatDeception

    result = why_result()
    result.threats[1].deception = ThreatDeception(tracks=3, seduced_tracks=2, false_tracks=5)
    for b, looks in zip(result.batteries, (40, 7), strict=True):
        b.radars[0].deception = RadarDeception(
            looks=looks, pulled_off=looks // 2, false_targets=3 * looks, blanked=looks + 1
        )
    return result


def test_deception_figures_in_summary_rows_and_report() -> None:
    from samsim.output.run_report import render_run_report
    from samsim.output.why import deception_rows

    result = _deceived_result()
    summary = result.summary()
    assert summary["threats"][1]["deception"] == {"tracks": 3, "seduced_tracks": 2, "false_tracks": 5}
    assert all("deception" not in t for k, t in enumerate(summary["threats"]) if k != 1)
    assert summary["batteries"][1]["radars"][0]["deception"] == {
        "looks": 7,
        "pulled_off": 3,
        "false_targets": 21,
        "blanked": 8,
    }
    radars, jammers = deception_rows(result)
    assert [(r.battery, r.looks, r.pulled_off, r.false_targets, r.blanked) for r in radars] == [
        ("north", 40, 20, 120, 41),
        ("south", 7, 3, 21, 8),
    ]
    assert [(j.threat, j.tracks, j.seduced_tracks, j.false_tracks) for j in jammers] == [
        (result.threats[1].id, 3, 2, 5)
    ]
    page = render_run_report(result)
    radar_table = page.split("data-section='deception-radars'")[1].split("</table>")[0]
    assert "<td>north</td><td>92N6E</td><td>40</td><td>20</td><td>120</td><td>41</td>" in radar_table
    jammer_table = page.split("data-section='deception-jammers'")[1].split("</table>")[0]
    assert "<td>3</td><td>2</td><td>5</td>" in jammer_table
    assert "data-section='deception-radars'" not in render_run_report(why_result())
