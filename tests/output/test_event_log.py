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
from samsim.output.details import RANGE_KM, NumberDetail
from samsim.output.files import write_parquet
from samsim.output.result import (
    EVENT_COLUMNS,
    EVENT_KINDS,
    EVENT_SCHEMA,
    EventKind,
    EventLog,
    NumberStage,
    Result,
)

ROOT = Path(__file__).resolve().parents[2]
MISS = NumberDetail("miss_m", 2)


class TupleLog:
    """The event log as it was before (one Python tuple per event, lists per batch): the reference."""

    def __init__(self) -> None:
        self._rows: list[tuple[Any, ...]] = []
        self._chunks: list[dict[str, Any]] = []
        self._order = 0
        self._names: dict[str, int] = {}

        self._stage: NumberStage | None = None

    def number_stage(self, kind: EventKind, detail: NumberDetail, rows: int) -> NumberStage:
        """The compact log's stage, taken in (its rows one by one, by name) before anything else."""
        self._take_stage()
        self._stage = NumberStage(kind, detail, rows)
        return self._stage

    def _take_stage(self) -> None:
        stage, self._stage = self._stage, None
        if stage is not None and stage.n:
            names = list(self._names)
            for k in range(stage.n):
                self.add(
                    float(stage.time_s[k]),
                    stage.kind,
                    battery=names[stage.battery[k]],
                    radar=names[stage.radar[k]],
                    threat=names[stage.threat[k]],
                    detail=stage.detail.format(float(stage.value[k])),
                )

    def add(self, time_s: float, kind: EventKind, **names: str | None) -> None:
        assert kind in EVENT_KINDS, kind
        self._take_stage()
        row = tuple(names.get(c) for c in EVENT_COLUMNS[2:])
        self._rows.append((float(time_s), self._order, kind, *row))
        self._order += 1

    def codes(self, names: list[str | None]) -> NDArray[np.int64]:
        """Codes as the compact log hands them out: here, indices into the names seen (-1: None)."""
        out = []
        for name in names:
            if name is not None and name not in self._names:
                self._names[name] = len(self._names)
            out.append(-1 if name is None else self._names[name])
        return np.array(out, dtype=np.int64)

    def add_many(self, time_s: NDArray[np.float64], kind: EventKind, **given: Any) -> None:
        n = int(np.size(time_s))
        if n == 0:
            return
        self._take_stage()
        names = list(self._names)
        for c, value in given.items():
            if isinstance(value, np.ndarray):  # codes: the names, one by one
                given[c] = [None if code < 0 else names[code] for code in value.tolist()]
        if isinstance(given.get("detail"), tuple):  # a NumberDetail and numbers: its format, one by one
            number_detail, values = given["detail"]
            given["detail"] = [number_detail.format(v) for v in np.asarray(values).tolist()]
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

    def add_numbers_at(self, time_s: float, kind: EventKind, *given: Any) -> None:
        """The compact log's batch at one time (battery, radar, threat codes, a NumberDetail, numbers)."""
        battery, radar, threat, detail, values = given
        self.add_many(
            np.full(threat.size, time_s),
            kind,
            battery=battery,
            radar=radar,
            threat=threat,
            detail=(detail, values),
        )

    def __len__(self) -> int:
        self._take_stage()
        return self._order

    def table(self) -> pa.Table:
        self._take_stage()
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
    # threats by code and details as numbers, of two formats, between the text details
    log.add_many(
        np.array([5.0, 4.0]),
        "detect",
        battery="east",
        radar="96L6",
        threat=log.codes(["f16-1", "su35-2"]),
        detail=(RANGE_KM, np.array([88.15, -0.04])),
    )
    log.add_many(
        np.array([6.0]), "detect", battery="east", threat=log.codes([None]), detail=(MISS, np.ones(1))
    )
    # a scan's detections all at one time, by code and number (the engine's route, with C int codes),
    # the codes as codes() gives them (int64: a reviewer found them mislabelled), and an empty batch
    threats = log.codes(["su35-2", "f16-1"]).astype(np.intc)
    log.add_numbers_at(2.5, "detect", "west", "92N6E", log.codes(["f16-1", "su35-2"]), RANGE_KM, np.ones(2))
    log.add_numbers_at(3.0, "detect", "west", "91N6E", threats, RANGE_KM, np.array([12.34, 0.5]))
    log.add_numbers_at(3.0, "detect", "west", "91N6E", threats[:0], RANGE_KM, np.zeros(0))
    log.add(5.0, "track_confirm", battery="north", threat=None, track="north/T3", detail="false track")
    log.add_many(np.full(2, 7.25), "jam_strobe", battery="north", radar="92N6E", threat=["ea18-1", "ea18-1"])
    log.add(0.0, "radar_destroyed", battery="north", radar="92N6E")
    log.add(7.25, "move_start", battery="south", detail="to Ø-site, 12.0 km — dash")
    log.add(9.0, "leak", threat="kh101-1")
    log.add(5.0, "kill", battery="north", threat="f16-1", interceptor="north/I1", detail="miss_m=3.2")
    log.add_many(np.array([0.5, 9.0]), "detect", radar="96L6", detail=(RANGE_KM, np.array([np.nan, 1e3])))


def test_compact_log_gives_the_tuple_logs_table_on_constructed_events(tmp_path: Path) -> None:
    new, old = EventLog(), TupleLog()
    _report(new)
    _report(old)
    got, want = new.table(), old.table()
    assert len(new) == len(old) == got.num_rows == 21
    assert got.schema.equals(EVENT_SCHEMA)
    assert got.equals(want)
    assert got.to_pylist() == want.to_pylist()
    # the rows at t = 5 s in the order reported, the absent names null
    at5 = [r for r in got.to_pylist() if r["time_s"] == 5.0]
    assert [r["kind"] for r in at5] == ["detect", "detect", "detect", "detect", "track_confirm", "kill"]
    assert at5[2]["threat"] is None and at5[2]["detail"] is None
    assert at5[3]["threat"] == "f16-1" and at5[3]["detail"] == "range_km=88.2"
    details = set(got.column("detail").to_pylist())
    assert {"range_km=nan", "range_km=-0.0", "range_km=1000.0", "miss_m=1.00", "range_km=12.3"} <= details
    at3 = [(r["battery"], r["radar"], r["threat"]) for r in got.to_pylist() if r["time_s"] == 3.0]
    assert at3 == [("west", "91N6E", "su35-2"), ("west", "91N6E", "f16-1")]
    write_parquet(got, tmp_path / "new.parquet")
    write_parquet(want, tmp_path / "old.parquet")
    assert (tmp_path / "new.parquet").read_bytes() == (tmp_path / "old.parquet").read_bytes()


def test_staged_events_take_their_place_among_the_others_as_reported_and_spill_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A compiled reporter's rows written to the stage give the table add_numbers_at gives: in
    report order among the other events (taken in before each), across spills."""
    rng = np.random.default_rng(5)
    staged, direct = EventLog(), EventLog()
    monkeypatch.setattr(staged, "spill_rows", 50)
    monkeypatch.setattr(direct, "spill_rows", 50)
    for log in (staged, direct):
        log.codes(["north", "92N6E", "f16-1", "kh101-1"])
    for k in range(400):
        t = float(k // 3)
        if rng.random() < 0.3:
            for log in (staged, direct):
                log.add(t, "track_confirm", battery="north", threat="f16-1", track=f"north/T{k}")
        n = int(rng.integers(0, 9))
        threat = rng.integers(2, 4, n).astype(np.intc)
        value = rng.uniform(0.0, 400.0, n)
        direct.add_numbers_at(t, "detect", "north", "92N6E", threat, RANGE_KM, value)
        stage = staged.number_stage("detect", RANGE_KM, n)
        at = stage.n
        stage.threat[at : at + n], stage.value[at : at + n], stage.time_s[at : at + n] = threat, value, t
        stage.battery[at : at + n], stage.radar[at : at + n] = 0, 1
        stage.n += n
    assert len(staged) == len(direct) > 1000
    assert staged.table().equals(direct.table())


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


def test_detections_by_code_and_number_hold_less_than_by_name_and_text() -> None:
    def held(by_code: bool) -> float:
        log = EventLog()
        names = [f"f16-{k}" for k in range(100)]
        codes = log.codes(names)
        rng = np.random.default_rng(1)
        batches = [(rng.integers(0, 100, 50), rng.uniform(1e3, 4e5, 50)) for _ in range(400)]
        gc.collect()
        tracemalloc.start()
        for k, (seen, range_m) in enumerate(batches):
            if by_code:
                threat: Any = codes[seen]
                detail: Any = (RANGE_KM, range_m / 1000.0)
            else:
                threat = [names[i] for i in seen.tolist()]
                detail = [RANGE_KM.format(r) for r in (range_m / 1000.0).tolist()]
            log.add_many(
                np.full(seen.size, float(k)),
                "detect",
                battery="north",
                radar="92N6E",
                threat=threat,
                detail=detail,
            )
        out = tracemalloc.get_traced_memory()[0] / 20_000
        tracemalloc.stop()
        return out

    by_code, by_name = held(True), held(False)
    # 8 (time) + 1 (kind) + 5 x 4 (name codes) + 8 (range) + 8 (row) + 1 (format), and spare capacity
    assert by_code < 52, by_code
    assert by_name > by_code + 10, (by_name, by_code)  # text: ~14 bytes and a 16-byte row and end
