"""The compact event log (typed columns, names as codes) gives the very table the log of Python
tuples it replaced gave: same rows, same order, same Parquet bytes."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from numpy.typing import NDArray

import samsim
import samsim.sim.engine as engine
from samsim.output.files import write_parquet
from samsim.output.result import EVENT_COLUMNS, EVENT_KINDS, EVENT_SCHEMA, EventKind, EventLog, Result

ROOT = Path(__file__).resolve().parents[2]


class TupleLog:
    """The event log as it was before (one Python tuple per event, lists per batch): the reference."""

    def __init__(self) -> None:
        self._rows: list[tuple[Any, ...]] = []
        self._chunks: list[dict[str, Any]] = []
        self._order = 0

    def add(self, time_s: float, kind: EventKind, **names: str | None) -> None:
        assert kind in EVENT_KINDS, kind
        row = tuple(names.get(c) for c in EVENT_COLUMNS[2:])
        self._rows.append((float(time_s), self._order, kind, *row))
        self._order += 1

    def add_many(
        self, time_s: NDArray[np.float64], kind: EventKind, **given: str | list[str | None] | None
    ) -> None:
        n = int(np.size(time_s))
        if n == 0:
            return
        chunk: dict[str, Any] = {
            "time_s": np.asarray(time_s, dtype=np.float64),
            "order": self._order + np.arange(n),
            "kind": [kind] * n,
        }
        for c in EVENT_COLUMNS[2:]:
            value = given.get(c)
            chunk[c] = value if isinstance(value, list) else [value] * n
        self._chunks.append(chunk)
        self._order += n

    def __len__(self) -> int:
        return self._order

    def table(self) -> pa.Table:
        parts = list(self._chunks)
        if self._rows:
            cols = list(zip(*self._rows, strict=True))
            parts.append(
                {
                    name: list(col)
                    for name, col in zip(("time_s", "order", *EVENT_COLUMNS[1:]), cols, strict=True)
                }
            )
        if not parts:
            return EVENT_SCHEMA.empty_table()
        table = pa.concat_tables(
            [pa.table({name: part[name] for name in EVENT_COLUMNS}, schema=EVENT_SCHEMA) for part in parts]
        )
        order_key = np.concatenate([np.asarray(part["order"], dtype=np.int64) for part in parts])
        order = np.lexsort((order_key, table.column("time_s").to_numpy()))
        return table.take(pa.array(order))


def _report(log: EventLog | TupleLog) -> None:
    """A constructed sequence: ties in time, out-of-order times, absent names and details, non-ASCII
    text, batches with and without per-event lists, and an empty batch."""
    log.add(5.0, "detect", battery="north", radar="92N6E", threat="f16-1", detail="range_km=210.0")
    log.add(2.0, "launch", battery="north", threat="f16-1", interceptor="north/I1", detail="pk=0.80")
    log.add_many(
        np.array([5.0, 5.0, 1.5]),
        "detect",
        battery="south",
        radar="96L6",
        threat=["kh101-1", None, "f16-1"],
        detail=["range_km=88.1", None, "range_km=301.7"],
    )
    log.add_many(np.array([], dtype=np.float64), "jam_strobe", battery="south", radar="96L6", threat=[])
    log.add(5.0, "track_confirm", battery="north", threat=None, track="north/T3", detail="false track")
    log.add_many(np.full(2, 7.25), "jam_strobe", battery="north", radar="92N6E", threat=["ea18-1", "ea18-1"])
    log.add(0.0, "radar_destroyed", battery="north", radar="92N6E")
    log.add(7.25, "move_start", battery="south", detail="to Ø-site, 12.0 km — dash")
    log.add(9.0, "leak", threat="kh101-1")
    log.add(5.0, "kill", battery="north", threat="f16-1", interceptor="north/I1", detail="miss_m=3.2")


def test_compact_log_gives_the_tuple_logs_table_on_constructed_events(tmp_path: Path) -> None:
    new, old = EventLog(), TupleLog()
    _report(new)
    _report(old)
    got, want = new.table(), old.table()
    assert len(new) == len(old) == got.num_rows == 12
    assert got.schema.equals(EVENT_SCHEMA)
    assert got.equals(want)
    assert got.to_pylist() == want.to_pylist()
    # the rows at t = 5 s in the order reported, the absent names null
    at5 = [r for r in got.to_pylist() if r["time_s"] == 5.0]
    assert [r["kind"] for r in at5] == ["detect", "detect", "detect", "track_confirm", "kill"]
    assert at5[2]["threat"] is None and at5[2]["detail"] is None
    write_parquet(got, tmp_path / "new.parquet")
    write_parquet(want, tmp_path / "old.parquet")
    assert (tmp_path / "new.parquet").read_bytes() == (tmp_path / "old.parquet").read_bytes()


def test_empty_log_and_a_log_without_names_or_details() -> None:
    assert EventLog().table().equals(EVENT_SCHEMA.empty_table())
    new, old = EventLog(), TupleLog()
    for log in (new, old):
        log.add(3.0, "leak")
        log.add_many(np.array([1.0, 2.0]), "detect")
    assert new.table().equals(old.table())
    assert new.table().column("detail").null_count == 3


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(KeyError):
        EventLog().add(1.0, "explode")  # type: ignore[arg-type]


def test_raid48_events_parquet_is_byte_identical_to_the_tuple_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new, old = (r.events for r in raid48_before_after(monkeypatch, "EventLog", TupleLog))
    assert new.num_rows == old.num_rows > 1000
    assert_same_parquet(new, old, tmp_path)


def raid48_before_after(monkeypatch: pytest.MonkeyPatch, name: str, reference: type) -> tuple[Result, Result]:
    """raid-48 (seed 3) simulated as it is, then with the engine's ``name`` replaced by ``reference``."""
    scenario = samsim.load(ROOT / "examples" / "raid-48.yaml")
    new = samsim.simulate(scenario, seed=3)
    monkeypatch.setattr(engine, name, reference)
    return new, samsim.simulate(scenario, seed=3)


def assert_same_parquet(new: pa.Table, old: pa.Table, tmp_path: Path) -> None:
    """The same table, and written to the very same Parquet bytes."""
    assert new.equals(old)
    write_parquet(new, tmp_path / "new.parquet")
    write_parquet(old, tmp_path / "old.parquet")
    assert (tmp_path / "new.parquet").read_bytes() == (tmp_path / "old.parquet").read_bytes()


def _held_bytes_per_event(log: EventLog | TupleLog, n: int) -> float:
    gc.collect()
    tracemalloc.start()
    for k in range(n):
        # a new detail string per event and a track confirmed then dropped, as the engine reports them
        log.add(
            float(k),
            "track_confirm",
            battery="north",
            threat="f16-1",
            track=f"north/T{k // 2}",
            detail=f"pk={k}",
        )
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return held / n


def test_compact_log_holds_a_fraction_of_the_memory_per_event() -> None:
    compact, tuples = _held_bytes_per_event(EventLog(), 20_000), _held_bytes_per_event(TupleLog(), 20_000)
    # 8 (time) + 1 (kind) + 5 x 4 (name codes) + 16 (detail row, end) + ~8 detail bytes, plus the
    # track-name table (each name once, for two events) and the columns' spare capacity
    assert compact < 140, compact
    assert tuples > 2 * compact, (tuples, compact)
