"""The kinematic envelope: published maximum ranges emerge from energy without a timer, the fuze timer
is a separate limit, the envelope's shape, its files, and ``samsim envelope``'s exit codes and output."""

from __future__ import annotations

import dataclasses
import json
import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from samsim import catalog
from samsim.coverage.envelope import NO_FUZE_S, Envelope, default_altitudes_m, envelope, write_envelope
from tests.coverage.test_coverage import run_cli

INTERCEPTORS = list(catalog.names("interceptor"))
EMERGENT_TOLERANCE = 0.25
"""Published maximum range vs the farthest head-on intercept of the flyout, no timer: within 25 %."""
FUZE_EFFECT = 0.01
"""The fuze timer changes no far edge of the envelope by more than 1 %."""


@cache
def _envelope(name: str, fuze: bool) -> Envelope:
    return envelope(catalog.interceptor(name), fuze=fuze)


@pytest.mark.parametrize("name", INTERCEPTORS)
def test_published_maximum_range_emerges_from_energy_without_a_timer(name: str) -> None:
    spec = catalog.interceptor(name)
    env = _envelope(name, False)
    assert env.fuze_s == NO_FUZE_S
    assert env.max_range_m == pytest.approx(spec.max_range_m, rel=EMERGENT_TOLERANCE)
    # a head-on target was farther at launch than where it is met, a receding one nearer. (The far
    # edges themselves are not ordered: both end where the missile can no longer reach the planned
    # point, and a receding target that the slowing missile meets late is met a little beyond it.)
    for r in env.rows:
        if math.isnan(r.max_range_m):
            continue
        assert r.launch_range_m > r.max_range_m
        if not math.isnan(r.receding_range_m):
            assert r.no_escape_range_m < r.receding_range_m
            assert r.no_escape_range_m < r.launch_range_m


@pytest.mark.parametrize("name", INTERCEPTORS)
def test_the_fuze_timer_is_a_separate_limit_that_does_not_set_the_range(name: str) -> None:
    with_fuze, without = _envelope(name, True), _envelope(name, False)
    assert with_fuze.fuze_s == catalog.interceptor(name).flyout["max_flight_s"] < NO_FUZE_S
    assert abs(with_fuze.max_range_m / without.max_range_m - 1.0) < FUZE_EFFECT
    for a, b in zip(with_fuze.rows, without.rows, strict=True):
        for field in ("max_range_m", "receding_range_m", "no_escape_range_m"):
            x, y = getattr(a, field), getattr(b, field)
            assert math.isnan(x) == math.isnan(y)
            if not math.isnan(y):
                assert abs(x / y - 1.0) < FUZE_EFFECT
    # the timer still ends a flight that outlives it: cut it below the longest flight and the far edge
    # at that altitude comes in
    longest = max(
        (r for r in without.rows if not math.isnan(r.time_of_flight_s)), key=lambda r: r.time_of_flight_s
    )
    spec = catalog.interceptor(name)
    short = dict(spec.flyout, max_flight_s=0.5 * longest.time_of_flight_s)
    cut = envelope(
        dataclasses.replace(spec, flyout_items=tuple(short.items())), alt_m=[longest.target_alt_m], fuze=True
    )
    assert cut.rows[0].max_range_m < 0.9 * longest.max_range_m


def test_high_targets_run_out_of_available_g() -> None:
    """The 9M96E2's envelope closes below its published 30 km ceiling: up there the air no longer lets
    it pull the end game's 5 g (the q S CN_max / m limit), however far it flies."""
    env = envelope(catalog.interceptor("9M96E2"), alt_m=[10e3, 29e3])
    low, high = env.rows
    assert low.max_range_m > 100e3
    assert math.isnan(high.max_range_m) or high.max_range_m < 0.3 * low.max_range_m


def test_default_altitudes_end_at_the_published_ceiling() -> None:
    alts = default_altitudes_m(27_000.0)
    assert alts[0] == 500.0 and alts[-1] == 27_000.0
    assert np.all(np.diff(alts) > 0.0)
    with pytest.raises(ValueError, match="target speed"):
        envelope(catalog.interceptor("9M96E"), target_speed_mps=-1.0)
    with pytest.raises(ValueError, match="altitudes"):
        envelope(catalog.interceptor("9M96E"), alt_m=[math.nan])


def test_files_round_trip_and_a_foreign_folder_is_refused(tmp_path: Path) -> None:
    from samsim.output.files import OutputFolderError

    env = _envelope("9M96E", True)
    paths = write_envelope(env, tmp_path / "env")
    assert [p.name for p in paths] == ["envelope_9M96E.png", "envelope_9M96E.json"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads(paths[1].read_text())
    assert data["interceptor"] == "9M96E" and data["published_max_range_m"] == 40_000.0
    assert [r["target_alt_m"] for r in data["rows"]] == [r.target_alt_m for r in env.rows]
    assert data["max_range_m"] == pytest.approx(env.max_range_m, abs=0.1)
    write_envelope(env, tmp_path / "env")  # an earlier envelope folder is replaced
    (tmp_path / "env" / "notes.txt").write_text("mine")
    with pytest.raises(OutputFolderError, match="notes.txt"):
        write_envelope(env, tmp_path / "env")


# --------------------------------------------------------------------------------------------------
# Command line


def test_cli_table_fits_80_columns_and_json_has_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run_cli(monkeypatch, capsys, "envelope", "9m96e", "-o", str(tmp_path / "o"))
    assert code == 0, err
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "9M96E: kinematic envelope" in lines[0]
    assert any("emergent maximum range" in line for line in lines)
    assert (tmp_path / "o" / "envelope_9M96E.png").is_file()
    code, out, err = run_cli(monkeypatch, capsys, "envelope", "9M96E", "--json", "--no-fuze")
    assert code == 0, err
    data = json.loads(out)
    assert data["interceptor"] == "9M96E" and data["published_max_range_m"] == 40_000.0
    assert data["fuze"] is False
    assert all({"target_alt_m", "max_range_m"} <= set(row) for row in data["rows"])
    best = max(r["max_range_m"] for r in data["rows"] if r["max_range_m"] is not None)
    assert best == pytest.approx(40_000.0, rel=EMERGENT_TOLERANCE)


def test_cli_unknown_name_and_bad_options_are_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(monkeypatch, capsys, "envelope", "48N6")
    assert code == 2
    assert err.strip() == (
        "envelope: unknown interceptor '48N6' (did you mean '48N6E3'?); known: " + ", ".join(INTERCEPTORS)
    )
    code, _, err = run_cli(monkeypatch, capsys, "envelope", "9M96E", "--target-speed-mps", "-5")
    assert code == 2 and "--target-speed-mps" in err
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("x")
    code, _, err = run_cli(monkeypatch, capsys, "envelope", "9M96E", "-o", str(foreign))
    assert code == 2 and "thesis.tex" in err
    assert (foreign / "thesis.tex").read_text() == "x"
