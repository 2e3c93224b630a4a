"""Rows of threat paths written in one pass (sim/recorder.py): each path's speeds are its own legs'."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import numpy as np

from samsim.geodesy import LocalFrame
from samsim.output.result import TrajectoryLog
from samsim.sim.flights import TABLE_DT_S
from samsim.sim.recorder import _add_path_rows, record_threats
from samsim.sim.world import World


def test_paths_in_one_pass_keep_their_own_speeds() -> None:
    frame = LocalFrame(45.0, 10.0, 0.0)
    world = cast(World, SimpleNamespace(frame=frame))
    # "a": 3 samples at 100 m/s east then 50 m/s north; "b": one sample; "c": 2 samples 1 s apart, 3-4-5
    enu = np.array(
        [[0.0, 0, 1000], [100, 0, 1000], [100, 100, 1000], [5e3, 5e3, 2e3], [0, 0, 500], [3, 4, 500]]
    )
    times = np.array([0.0, 1.0, 3.0, 7.0, 2.0, 3.0])
    sizes = np.array([3, 1, 2])
    log = TrajectoryLog()
    _add_path_rows(
        log,
        world,
        times,
        ["a", "b", "c"],
        np.repeat(np.arange(3), sizes),
        sizes,
        "threat",
        None,
        frame.enu_to_ecef(enu),
    )
    table = log.table().to_pydict()
    speed = {(e, t): s for e, t, s in zip(table["entity"], table["time_s"], table["speed_mps"], strict=True)}
    expected = {("a", 0.0): 100, ("a", 1.0): 50, ("a", 3.0): 50, ("b", 7.0): 0, ("c", 2.0): 5, ("c", 3.0): 5}
    assert speed.keys() == expected.keys()
    for key, value in expected.items():
        assert abs(speed[key] - value) < 1e-6, key
    assert table["time_s"] == sorted(table["time_s"])
    assert set(table["kind"]) == {"threat"} and set(table["battery"]) == {None}


def test_threat_paths_sample_every_second_and_end_at_their_end() -> None:
    """Samples every OUTPUT_STEP_S of each table up to the threat's end, plus the end itself when the
    last sample falls short of it (and the threat outlived its start); a straight line at 100 m/s."""
    frame = LocalFrame(45.0, 10.0, 0.0)
    t0 = np.array([10.0, 0.0, 20.0, 30.0, 40.0])
    n = np.array([7, 1, 5, 5, 3])
    start = t0.copy()
    start[1] = 5.0
    end = np.array([12.2, 3.0, 19.0, 32.0, 40.5])
    k = np.arange(7) * TABLE_DT_S
    origin = frame.origin_ecef_m
    table = origin + (100.0 * (t0[:, None] + k[None, :]))[..., None] * np.array([1.0, 0.0, 0.0])
    threats = SimpleNamespace(
        count=5,
        ids=["A", "B", "C", "D", "E"],
        table_t0_s=t0,
        table_n=n,
        start_s=start,
        table_ecef_m=table,
        table_alt_m=np.zeros((5, 7)),
    )
    world = cast(World, SimpleNamespace(frame=frame, threats=threats))
    log = TrajectoryLog()
    record_threats(log, world, end)
    rows = log.table().to_pydict()
    got: dict[str, list[float]] = {}
    for e, t, s in zip(rows["entity"], rows["time_s"], rows["speed_mps"], strict=True):
        got.setdefault(e, []).append(t)
        assert abs(s - (0.0 if e == "B" else 100.0)) < 1e-6, (e, t, s)
    assert got == {"A": [10.0, 11.0, 12.0, 12.2], "B": [0.0], "D": [30.0, 31.0, 32.0], "E": [40.0, 40.5]}
