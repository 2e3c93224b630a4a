"""ARM launch warning on constructed tracks."""

from __future__ import annotations

import numpy as np

from samsim.c2.emcon import arm_warning

RADARS = np.array([[0.0, 0.0, 10.0], [0.0, 30_000.0, 10.0]])


def _warn(pos: list[float], vel: list[float]) -> np.ndarray:
    return arm_warning(np.array([pos]), np.array([vel]), RADARS, 450.0, 2000.0)[0]


def test_a_fast_track_closing_on_a_radar_warns_for_that_radar_only() -> None:
    assert _warn([-50_000.0, 0.0, 9000.0], [630.0, 0.0, -20.0]).tolist() == [True, False]
    # Aimed 1.5 km beside the first radar: still taken as aimed at it; 30 km off: the other one.
    assert _warn([-50_000.0, 1500.0, 9000.0], [630.0, 0.0, 0.0]).tolist() == [True, False]
    assert _warn([-50_000.0, 29_000.0, 9000.0], [630.0, 0.0, 0.0]).tolist() == [False, True]


def test_slow_receding_offset_or_ballistic_tracks_do_not_warn() -> None:
    assert not _warn([-50_000.0, 0.0, 9000.0], [300.0, 0.0, 0.0]).any()  # a fighter's speed
    assert not _warn([-50_000.0, 0.0, 9000.0], [-630.0, 0.0, 0.0]).any()  # flying away
    assert not _warn([-50_000.0, 5000.0, 9000.0], [630.0, 0.0, 0.0]).any()  # passes 5 km wide
    assert not _warn([-50_000.0, 0.0, 40_000.0], [2000.0, 0.0, -500.0]).any()  # ballistic class
