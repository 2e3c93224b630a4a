"""The compact trajectory log (typed columns, names as codes) gives the very table the log of array
chunks and Python lists it replaced gave: same rows, same order, same Parquet bytes; and the event
log, once its table is built, holds the table only."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from numpy.typing import NDArray

from samsim.output.result import TRAJECTORY_SCHEMA, EventLog, TrajectoryKind, TrajectoryLog
from tests.output.test_event_log import assert_same_parquet, raid48_before_after

ROOT = Path(__file__).resolve().parents[2]


class ChunkLog:
    """The trajectory log as it was before (a dict of arrays and Python lists per call): the reference."""

    def __init__(self) -> None:
        self._chunks: list[dict[str, Any]] = []

    def add(
        self, *, entity: str | list[str], entity_index: NDArray[np.integer[Any]] | None = None, **given: Any
    ) -> None:
        time_s, kind, battery, enu_m = given["time_s"], given["kind"], given["battery"], given["enu_m"]
        n = int(np.size(time_s))
        if n == 0:
            return
        if entity_index is not None:
            assert isinstance(entity, list)
            entity = [entity[i] for i in np.asarray(entity_index).tolist()]
        self._chunks.append(
            {
                "time_s": np.asarray(time_s, np.float64),
                "entity": [entity] * n if isinstance(entity, str) else list(entity),
                "kind": [kind] * n,
                "battery": [battery] * n,
                "east_m": np.asarray(enu_m[:, 0], np.float64),
                "north_m": np.asarray(enu_m[:, 1], np.float64),
                "up_m": np.asarray(enu_m[:, 2], np.float64),
                **{c: np.asarray(given[c], np.float64) for c in ("lat_deg", "lon_deg", "alt_m", "speed_mps")},
            }
        )

    def table(self) -> pa.Table:
        if not self._chunks:
            return TRAJECTORY_SCHEMA.empty_table()
        t = pa.concat_tables([pa.table(c, schema=TRAJECTORY_SCHEMA) for c in self._chunks])
        order = np.lexsort((np.arange(t.num_rows), t.column("time_s").to_numpy()))
        return t.take(pa.array(order))


def _rows(
    log: TrajectoryLog | ChunkLog,
    times: list[float],
    entity: str | list[str],
    kind: TrajectoryKind,
    battery: str | None,
    index: list[int] | None = None,
) -> None:
    n = len(times)
    base = np.arange(n, dtype=np.float64) + 10.0 * len(times)
    log.add(
        time_s=np.array(times),
        entity=entity,
        entity_index=None if index is None else np.array(index),
        kind=kind,
        battery=battery,
        enu_m=np.column_stack([base * 1000.0, -base * 500.0, base + 0.25]),
        lat_deg=39.9 + base * 1e-3,
        lon_deg=32.8 - base * 1e-3,
        alt_m=base * 100.0,
        speed_mps=np.full(n, 250.0) + base,
    )


def _report(log: TrajectoryLog | ChunkLog) -> None:
    """Ties in time across calls, times out of order within a call, one name for all rows, a name
    per row, names by index (non-ASCII too), no battery, an empty call."""
    _rows(log, [0.0, 1.0, 2.0, 2.5], "kh101-1", "threat", None)
    _rows(log, [2.0, 1.0, 3.0], ["north/T1", "north/T2", "north/T1"], "track", "north")
    _rows(log, [], "f16-1", "threat", None)
    _rows(log, [1.0, 1.0, 0.5, 2.0], ["north/I1", "Ø/I2"], "interceptor", "north", index=[1, 0, 1, 0])
    _rows(log, [2.0], "kh101-1", "threat", None)


def test_compact_log_gives_the_chunk_logs_table_on_constructed_rows(tmp_path: Path) -> None:
    new, old = TrajectoryLog(), ChunkLog()
    _report(new)
    _report(old)
    assert len(new) == 12
    got, want = new.table(), old.table()
    assert got.schema.equals(TRAJECTORY_SCHEMA)
    assert got.num_rows == 12
    rows = got.to_pylist()
    # ties at t = 2 s in the order the rows were added
    assert [(r["entity"], r["kind"]) for r in rows if r["time_s"] == 2.0] == [
        ("kh101-1", "threat"),
        ("north/T1", "track"),
        ("north/I1", "interceptor"),
        ("kh101-1", "threat"),
    ]
    assert [r["entity"] for r in rows if r["kind"] == "interceptor"] == [
        "Ø/I2",
        "Ø/I2",
        "north/I1",
        "north/I1",
    ]
    assert all(r["battery"] is None for r in rows if r["kind"] == "threat")
    assert_same_parquet(got, want, tmp_path)
    assert new.table() is got and len(new) == 12  # built once, from the log's columns, released
    _rows(new, [1.5], "kh101-2", "threat", None)
    merged = new.table()
    assert len(new) == merged.num_rows == 13
    assert merged.column("entity").to_pylist()[5:7] == ["north/I1", "kh101-2"]  # after the ties at 1 s


def test_empty_trajectory_log() -> None:
    assert TrajectoryLog().table().equals(TRAJECTORY_SCHEMA.empty_table())


def test_raid48_trajectories_parquet_is_byte_identical_to_the_chunk_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new, old = (r.trajectories for r in raid48_before_after(monkeypatch, "TrajectoryLog", ChunkLog))
    assert new.num_rows == old.num_rows > 10_000
    assert set(new.column("kind").to_pylist()) == {"threat", "track", "interceptor"}
    assert_same_parquet(new, old, tmp_path)


def _held_bytes_per_row(log: TrajectoryLog | ChunkLog, calls: int, per_call: int) -> float:
    gc.collect()
    tracemalloc.start()
    for k in range(calls):  # one track picture's decision cycle per call, a name per row
        _rows(log, [float(k)] * per_call, [f"north/T{k + j}" for j in range(per_call)], "track", "north")
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return held / (calls * per_call)


def test_compact_trajectory_log_holds_a_fraction_of_the_memory_per_row() -> None:
    compact = _held_bytes_per_row(TrajectoryLog(), 400, 50)
    chunks = _held_bytes_per_row(ChunkLog(), 400, 50)
    # 8 x 8 (numbers) + 1 (kind) + 2 x 4 (entity, battery codes) = 73, plus the name table (each of
    # the 450 names once) and the columns' spare capacity
    assert compact < 90, compact
    assert chunks > compact + 20, (chunks, compact)


def test_event_log_keeps_its_table_and_merges_later_events() -> None:
    log = EventLog()
    log.add(5.0, "detect", battery="north", threat="f16-1", detail="range_km=210.0")
    log.add(1.0, "launch", battery="north", threat="f16-1", interceptor="north/I1")
    first = log.table()
    assert log.table() is first  # built once; the columns were released
    assert len(log) == 2
    log.add(5.0, "kill", battery="north", threat="f16-1", interceptor="north/I1", detail="miss_m=3.2")
    log.add(0.5, "leak", threat="kh101-1")
    merged = log.table()
    assert len(log) == merged.num_rows == 4
    assert merged.column("kind").to_pylist() == ["leak", "launch", "detect", "kill"]
    assert merged.column("detail").to_pylist() == [None, None, "range_km=210.0", "miss_m=3.2"]
