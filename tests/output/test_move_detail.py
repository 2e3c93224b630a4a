"""The ``move_start`` / ``move_end`` detail string: written and read in one place."""

from __future__ import annotations

import pytest

from samsim.output.details import DetailError, Move, format_move, parse_move

DOCUMENTED = (
    "to_lat_deg=40.10000; to_lon_deg=32.75000; to_alt_m=950; distance_km=13.9; at_s=600.0; "
    "stowed_s=900.0; arrived_s=2570.6; ready_s=2870.6"
)


def test_move_detail_round_trips_in_the_documented_form() -> None:
    move = Move(40.1, 32.75, 950.0, 13.9, 600.0, 900.0, 2570.6, 2870.6)
    assert format_move(move) == DOCUMENTED
    assert parse_move(DOCUMENTED) == move
    with pytest.raises(DetailError, match="no ready_s="):
        parse_move(DOCUMENTED.replace("; ready_s=2870.6", ""))
