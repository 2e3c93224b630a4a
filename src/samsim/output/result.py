"""Run results: the typed :class:`Result` with its event and trajectory tables.

The writers that put a result on disk live in :mod:`samsim.output.files` and
:mod:`samsim.output.writers`; this module only defines what a replication produced.
"""

from __future__ import annotations

import json
import math
from array import array
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from samsim._version import __version__
from samsim.output.details import NumberDetail
from samsim.output.spill import SPILL_ROWS, SortedRuns, release

if TYPE_CHECKING:
    import pandas as pd

EventKind = Literal[
    "detect",
    "track_confirm",
    "track_drop",
    "assign",
    "launch",
    "intercept",
    "miss",
    "self_destruct",
    "kill",
    "leak",
    "jam_strobe",
    "magazine_empty",
    "reload",
    "move_start",
    "move_end",
    "radar_off",
    "radar_on",
    "radar_destroyed",
]
"""What an events.parquet row records (its ``kind`` column)."""
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)

Fate = Literal["killed", "leaked", "survived"]
"""How a threat ended: destroyed, reached its asset's radius, or still flying when the run ended."""
FATES: tuple[Fate, ...] = get_args(Fate)

UnengagedReason = Literal[
    "weapons_hold",
    "no_track",
    "out_of_envelope",
    "magazine_empty",
    "no_fire_channel",
    "lower_priority",
    "not_threatening",
]
"""Why no shot was fired at a threat (summary.json ``unengaged_reason``): the reason that last applied
to it while it could have been engaged (docs/outputs.md)."""
UNENGAGED_REASONS: tuple[UnengagedReason, ...] = get_args(UnengagedReason)

ThreatKind = Literal["aircraft", "cruise", "ballistic", "drone", "arm", "decoy"]
"""What a threat is (summary.json ``kind``), from its catalog entry."""
THREAT_KINDS: tuple[ThreatKind, ...] = get_args(ThreatKind)

InterceptorResult = Literal["kill", "miss", "self-destruct"]
"""How an interceptor ended: destroyed its target, missed at closest approach, or destroyed itself
(flight time, ground impact, target already destroyed, end of the run)."""
INTERCEPTOR_RESULTS: tuple[InterceptorResult, ...] = get_args(InterceptorResult)

TrajectoryKind = Literal["threat", "interceptor", "track"]
"""What a trajectories.parquet row follows (its ``kind`` column)."""
EVENT_COLUMNS = ("time_s", "kind", "battery", "radar", "threat", "track", "interceptor", "detail")
TRAJECTORY_COLUMNS = (
    "time_s",
    "entity",
    "kind",
    "battery",
    "east_m",
    "north_m",
    "up_m",
    "lat_deg",
    "lon_deg",
    "alt_m",
    "speed_mps",
)

EVENT_SCHEMA = pa.schema([("time_s", pa.float64())] + [(c, pa.string()) for c in EVENT_COLUMNS[1:]])
TRAJECTORY_SCHEMA = pa.schema(
    [
        ("time_s", pa.float64()),
        ("entity", pa.string()),
        ("kind", pa.string()),
        ("battery", pa.string()),
        ("east_m", pa.float64()),
        ("north_m", pa.float64()),
        ("up_m", pa.float64()),
        ("lat_deg", pa.float64()),
        ("lon_deg", pa.float64()),
        ("alt_m", pa.float64()),
        ("speed_mps", pa.float64()),
    ]
)


_KIND_CODE: dict[str, int] = {kind: code for code, kind in enumerate(EVENT_KINDS)}
_NAME_COLUMNS = ("battery", "radar", "threat", "track", "interceptor")


class _ColumnLog:
    """What the event and trajectory logs share: names (battery, radar, threat, track, interceptor,
    entity) as int32 codes into one table of the names seen, in the order first seen (-1 for none);
    and the table, built from the log's columns (which building empties) in time order, ties in the
    order in which rows were added. Once the log holds :attr:`spill_rows` rows, they are built into
    a sorted run written to disk, and the table is the runs merged and memory-mapped
    (:mod:`samsim.output.spill`), so that neither the log nor its table grows the process's memory
    with simulated time. Rows added after the table was built are merged in by the next
    :meth:`table`."""

    _schema: pa.Schema
    spill_rows: int = SPILL_ROWS

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}
        self._runs = SortedRuns(self._schema)  # the rows already built, as sorted runs

    def _pending(self) -> int:
        """Rows added and not yet in a built table."""
        raise NotImplementedError

    def _build(self) -> pa.Table:
        """The pending rows in time order; empties the columns."""
        raise NotImplementedError

    def _spill(self) -> None:
        """The pending rows to disk as a sorted run (called once they are :attr:`spill_rows`)."""
        self._runs.add(self._build(), spill=True)
        release()  # the run's table, now on disk

    def __len__(self) -> int:
        return self._pending() + len(self._runs)

    def table(self) -> pa.Table:
        """The rows in time order (ties keep the order in which they were added)."""
        if self._pending():
            self._runs.add(self._build(), spill=False)
        return self._runs.table()

    def _code(self, name: str | None) -> int:
        if name is None:
            return -1
        code = self._codes.get(name)
        if code is None:
            code = self._codes[name] = len(self._codes)
        return code


class NumberStage:
    """Events of one kind, with a number detail each (:class:`~samsim.output.details.NumberDetail`),
    written by a compiled reporter straight into arrays: per event its time, battery, radar and
    threat codes (:meth:`EventLog.codes`, as C ints) and number, rows ``[:n]`` in use. The log takes
    them in (:meth:`EventLog.add_numbers_at`'s rows) before any other event is reported and before
    its table is built, so that the events keep the order in which they were reported: the
    reporter called at every scan (``detect``) costs no log call, and consecutive scans' events
    are appended as one batch."""

    def __init__(self, kind: EventKind, detail: NumberDetail, rows: int):
        self.kind, self.detail = kind, detail
        self.time_s = np.empty(rows)
        self.battery = np.empty(rows, dtype=np.intc)
        self.radar = np.empty(rows, dtype=np.intc)
        self.threat = np.empty(rows, dtype=np.intc)
        self.value = np.empty(rows)
        self.n = 0


class EventLog(_ColumnLog):
    """The one place every engine component reports what happened.

    Events are kept compactly, in typed columns that grow as they are reported (``array.array``,
    amortised doubling): the time as float64, the kind as a one-byte code, battery/radar/threat/
    track/interceptor as int32 codes into one table of the names seen (-1 for none), and the detail
    text as UTF-8 bytes with its row and end offset, only for the events that have one. That is 29
    bytes an event, plus 16 and the text's length where there is a detail: 60 bytes an event on a
    theatre run, where the Python objects of the log before held 154 (docs/performance.md). A detail
    of one number (:class:`~samsim.output.details.NumberDetail`, the range of a ``detect``) is kept as
    the number (8 bytes; a batch of them its first row, size and format, 17) and written, all at
    once, when the table is built; a batch of events given with name codes and such numbers
    (:meth:`add_many`) costs no Python per event. The Arrow table is sorted by time; ties keep the
    order in which events were reported. Building it empties the log's columns, each released as
    soon as the table's column is built from it, so that the log and the table are not held twice
    over. A long run's log builds a sorted run of its events every :attr:`spill_rows` events and
    writes it to disk, and its table is memory-mapped from the runs merged
    (:mod:`samsim.output.spill`): the same table, not held in the process's memory.
    """

    _schema = EVENT_SCHEMA

    def __init__(self) -> None:
        super().__init__()
        self._time_s = array("d")
        self._kind = array("b")
        self._refs = {column: array("i") for column in _NAME_COLUMNS}
        self._detail_row = array("q")
        self._detail_end = array("q")
        self._detail_bytes = bytearray()
        # Details of one number (NumberDetail), written when the table is built: the numbers, and per
        # batch of them (add_many) its first row, its size and which of the log's number formats (in
        # the order first used) writes it.
        self._number_value = array("d")
        self._number_start = array("q")
        self._number_count = array("q")
        self._number_format = array("b")
        self._number_formats: dict[NumberDetail, int] = {}
        self._stage = NumberStage("detect", NumberDetail("", 0), 0)  # empty until number_stage

    def number_stage(self, kind: EventKind, detail: NumberDetail, rows: int) -> NumberStage:
        """The :class:`NumberStage` of ``kind`` events with ``detail`` numbers, with room for
        ``rows`` more events (the events staged of another kind or detail, or that would leave
        too little room, are taken in first). The caller writes its events at rows ``[n:]`` and
        adds their number to ``n``."""
        stage = self._stage
        if stage.n + rows > stage.time_s.size or stage.kind != kind or stage.detail != detail:
            self._take_stage()
            if stage.time_s.size < rows or stage.kind != kind or stage.detail != detail:
                stage = self._stage = NumberStage(kind, detail, max(4096, 2 * rows))
        return stage

    def _take_stage(self) -> None:
        """The staged events into the log's columns, as :meth:`add_numbers_at` adds a batch."""
        stage = self._stage
        n = stage.n
        if n == 0:
            return
        stage.n = 0
        row = len(self._time_s)
        self._time_s.frombytes(stage.time_s[:n].tobytes())
        self._kind += array("b", (_KIND_CODE[stage.kind],)) * n
        refs = self._refs
        refs["battery"].frombytes(stage.battery[:n].tobytes())
        refs["radar"].frombytes(stage.radar[:n].tobytes())
        refs["threat"].frombytes(stage.threat[:n].tobytes())
        none = array("i", (-1,)) * n
        refs["track"] += none
        refs["interceptor"] += none
        self._add_numbers(row, n, stage.detail, stage.value[:n])
        if len(self._time_s) >= self.spill_rows:
            self._spill()

    def _add_numbers(self, row: int, n: int, detail: NumberDetail, values: NDArray[np.float64]) -> None:
        """The number details ``values`` (float64) of the ``n`` events from ``row`` on, all written
        with ``detail``: kept as numbers, written when the table is built."""
        fmt = self._number_formats.get(detail)
        if fmt is None:
            fmt = self._number_formats[detail] = len(self._number_formats)
        self._number_value.frombytes(np.ascontiguousarray(values, dtype=np.float64).tobytes())
        self._number_start.append(row)
        self._number_count.append(n)
        self._number_format.append(fmt)

    def _add_detail(self, row: int, detail: str) -> None:
        self._detail_bytes += detail.encode()
        self._detail_row.append(row)
        self._detail_end.append(len(self._detail_bytes))

    def add(
        self,
        time_s: float,
        kind: EventKind,
        *,
        battery: str | None = None,
        radar: str | None = None,
        threat: str | None = None,
        track: str | None = None,
        interceptor: str | None = None,
        detail: str | None = None,
    ) -> None:
        if self._stage.n:
            self._take_stage()
        row = len(self._time_s)
        self._kind.append(_KIND_CODE[kind])
        self._time_s.append(float(time_s))
        refs, code = self._refs, self._code
        refs["battery"].append(code(battery))
        refs["radar"].append(code(radar))
        refs["threat"].append(code(threat))
        refs["track"].append(code(track))
        refs["interceptor"].append(code(interceptor))
        if detail is not None:
            self._add_detail(row, detail)
        if row >= self.spill_rows - 1:
            self._spill()

    def codes(self, names: Sequence[str | None]) -> NDArray[np.int64]:
        """The log's codes of ``names`` (-1 for None), for :meth:`add_many`: a reporter that names
        the same threats over and over looks their codes up once."""
        return np.fromiter(map(self._code, names), dtype=np.int64, count=len(names))

    def add_many(
        self,
        time_s: NDArray[np.float64],
        kind: EventKind,
        *,
        battery: str | None = None,
        radar: str | None = None,
        threat: list[str | None] | NDArray[np.integer[Any]] | None = None,
        track: list[str | None] | NDArray[np.integer[Any]] | None = None,
        detail: list[str | None] | tuple[NumberDetail, NDArray[np.float64]] | None = None,
    ) -> None:
        """Report a batch of events of one kind (e.g. every detection of a scan). ``threat`` and
        ``track``: a name per event, or their codes (:meth:`codes`). ``detail``: a text per event, or
        a :class:`~samsim.output.details.NumberDetail` and a number per event, kept as numbers and
        written when the table is built (no Python per event)."""
        code_of_kind = _KIND_CODE[kind]
        times = np.ascontiguousarray(time_s, dtype=np.float64).reshape(-1)
        n = times.size
        if n == 0:
            return
        if self._stage.n:
            self._take_stage()
        row = len(self._time_s)
        # Repeated values as repeated arrays (``array * n``): no NumPy call per column.
        self._time_s.frombytes(times.tobytes())
        self._kind += array("b", (code_of_kind,)) * n
        refs, code = self._refs, self._code
        for column, value in (("battery", battery), ("radar", radar), ("threat", threat), ("track", track)):
            if value is None or isinstance(value, str):
                refs[column] += array("i", (code(value),)) * n
            elif isinstance(value, list):
                assert len(value) == n, (column, len(value), n)
                refs[column].frombytes(self.codes(value).astype(np.intc).tobytes())
            else:
                assert value.shape == (n,), (column, value.shape, n)
                refs[column].frombytes(value.astype(np.intc).tobytes())
        refs["interceptor"] += array("i", (-1,)) * n
        if isinstance(detail, tuple):
            number_detail, values = detail
            assert np.size(values) == n, ("detail", np.size(values), n)
            self._add_numbers(row, n, number_detail, values)
        elif detail is not None:
            assert len(detail) == n, ("detail", len(detail), n)
            rows = [k for k, text in enumerate(detail) if text is not None]
            encoded = [text.encode() for text in detail if text is not None]
            ends = np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
            self._detail_row.frombytes((row + np.asarray(rows, dtype=np.int64)).tobytes())
            self._detail_end.frombytes((len(self._detail_bytes) + ends).tobytes())
            self._detail_bytes += b"".join(encoded)
        if len(self._time_s) >= self.spill_rows:
            self._spill()

    def add_numbers_at(
        self,
        time_s: float,
        kind: EventKind,
        battery: str | None,
        radar: str | None,
        threat: NDArray[np.intc],
        detail: NumberDetail,
        values: NDArray[np.float64],
    ) -> None:
        """:meth:`add_many` of events all at ``time_s``, with the threats' codes (:meth:`codes`; C
        ints are taken as they are, other integers converted) and a number detail each (``values``,
        float64): the same rows, without the general method's checks and conversions, for the
        reporter called at every scan (``detect``)."""
        n = threat.size
        if n == 0:
            return
        if self._stage.n:
            self._take_stage()
        row = len(self._time_s)
        self._time_s += array("d", (time_s,)) * n
        self._kind += array("b", (_KIND_CODE[kind],)) * n
        refs, code = self._refs, self._code
        refs["battery"] += array("i", (code(battery),)) * n
        refs["radar"] += array("i", (code(radar),)) * n
        refs["threat"].frombytes(np.asarray(threat, np.intc).tobytes())  # codes() gives int64
        none = array("i", (-1,)) * n
        refs["track"] += none
        refs["interceptor"] += none
        self._add_numbers(row, n, detail, values)
        if len(self._time_s) >= self.spill_rows:
            self._spill()

    def _pending(self) -> int:
        self._take_stage()  # staged events are pending rows too
        return len(self._time_s)

    def _build(self) -> pa.Table:
        n = len(self._time_s)
        # Views of the log's columns (no copies): each view is dropped, and its column released,
        # before anything could be appended again.
        order = np.argsort(np.frombuffer(self._time_s, dtype=np.float64), kind="stable")
        columns: dict[str, pa.Array] = {
            "time_s": pa.array(np.frombuffer(self._time_s, dtype=np.float64)[order])
        }
        self._time_s = array("d")
        kind = np.frombuffer(self._kind, dtype=np.int8)[order]
        self._kind = array("b")
        columns["kind"] = pa.array(EVENT_KINDS, type=pa.string()).take(pa.array(kind))
        del kind
        names = pa.array(list(self._codes), type=pa.string())
        for column in _NAME_COLUMNS:
            codes = np.frombuffer(self._refs[column], dtype=np.intc)[order]
            self._refs[column] = array("i")
            columns[column] = names.take(pa.array(codes, mask=codes < 0))
            del codes
        columns["detail"] = self._details(n, order)
        return pa.table([columns[c] for c in EVENT_COLUMNS], schema=EVENT_SCHEMA)

    def _details(self, n: int, order: NDArray[np.intp]) -> pa.Array:
        """The detail column in time order (null where an event has none); releases the log's text
        and numbers. The numbers are written here, all of a format at once; the details, text first
        and then each format's, are then taken in time order by one index of the events' rows."""
        rows = np.frombuffer(self._detail_row, dtype=np.int64)
        ends = np.frombuffer(self._detail_end, dtype=np.int64)
        parts: list[tuple[NDArray[np.int64], NDArray[np.int64], bytearray | NDArray[np.uint8]]] = [
            (rows, ends, self._detail_bytes)
        ]
        del rows, ends
        self._detail_row, self._detail_end, self._detail_bytes = array("q"), array("q"), bytearray()
        # each batch's rows and format, one per number
        counts = np.frombuffer(self._number_count, dtype=np.int64)
        starts = np.frombuffer(self._number_start, dtype=np.int64)
        number_rows = np.arange(counts.sum(), dtype=np.int64) + np.repeat(
            starts - (np.cumsum(counts) - counts), counts
        )
        formats = np.repeat(np.frombuffer(self._number_format, dtype=np.int8), counts)
        del counts, starts
        values = np.frombuffer(self._number_value, dtype=np.float64)
        for number_detail, code in self._number_formats.items():
            mine = formats == code
            utf8, lengths = number_detail.format_many(values[mine])
            parts.append((number_rows[mine], np.cumsum(lengths), utf8))
        del number_rows, values, formats
        self._number_value, self._number_format = array("d"), array("b")
        self._number_start, self._number_count = array("q"), array("q")
        self._number_formats = {}
        # 32-bit offsets (the table's string type) while the text fits them; else 64-bit, then cast
        large = sum(len(text) for _, _, text in parts) >= 2**31
        string = pa.large_string() if large else pa.string()
        where = np.full(n, -1, dtype=np.int64)  # each event's detail among all of them (-1: none)
        arrays, first = [], 0
        for rows, ends, data in parts:
            where[rows] = np.arange(first, first + rows.size)
            first += rows.size
            offsets = np.concatenate([[0], ends]).astype(np.int64 if large else np.int32)
            arrays.append(
                pa.Array.from_buffers(
                    string, rows.size, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)]
                )
            )
        del parts
        details = pa.concat_arrays(arrays)
        del arrays
        where = where[order]
        in_time_order = details.take(pa.array(where, mask=where < 0))
        del details, where
        return in_time_order.cast(pa.string()) if large else in_time_order


_TRAJECTORY_KIND_CODE: dict[str, int] = {kind: code for code, kind in enumerate(get_args(TrajectoryKind))}
_TRAJECTORY_FLOATS = ("time_s", "east_m", "north_m", "up_m", "lat_deg", "lon_deg", "alt_m", "speed_mps")


class TrajectoryLog(_ColumnLog):
    """Sampled positions of threats, interceptors and tracks, kept compactly as :class:`EventLog`
    keeps events: typed columns that grow as rows are added (``array.array``), the eight numbers of
    a row as float64, the kind as a one-byte code, entity and battery as int32 codes into one table
    of the names seen (-1: no battery). 73 bytes a row, and no Python object per row; the Arrow table
    is sorted by time (ties keep the order in which rows were added), and each column of the log is
    released as soon as its column of the table is built, so that building the table does not hold
    the log and the table at once (docs/performance.md). Past :attr:`spill_rows` rows, the rows go to
    disk as sorted runs, merged and memory-mapped as :class:`EventLog`'s."""

    _schema = TRAJECTORY_SCHEMA

    def __init__(self) -> None:
        super().__init__()
        self._floats = {column: array("d") for column in _TRAJECTORY_FLOATS}
        self._kind = array("b")
        self._entity = array("i")
        self._battery = array("i")

    def _pending(self) -> int:
        return len(self._kind)

    def add(
        self,
        *,
        time_s: NDArray[np.float64],
        entity: str | list[str],
        kind: TrajectoryKind,
        battery: str | None,
        enu_m: NDArray[np.float64],
        lat_deg: NDArray[np.float64],
        lon_deg: NDArray[np.float64],
        alt_m: NDArray[np.float64],
        speed_mps: NDArray[np.float64],
        entity_index: NDArray[np.integer[Any]] | None = None,
    ) -> None:
        """Rows of one kind (and battery). ``entity``: one name for every row, or a name per row;
        with ``entity_index``, the distinct names and, per row, the index of its name among them
        (no Python string per row)."""
        n = int(np.size(time_s))
        if n == 0:
            return
        if entity_index is not None:
            assert isinstance(entity, list), "entity_index indexes a list of names"
            table = np.fromiter((self._code(name) for name in entity), dtype=np.intc, count=len(entity))
            codes = table[np.asarray(entity_index, dtype=np.intp).reshape(n)]
        elif isinstance(entity, str):
            codes = np.full(n, self._code(entity), dtype=np.intc)
        else:
            assert len(entity) == n, ("entity", len(entity), n)
            codes = np.fromiter((self._code(name) for name in entity), dtype=np.intc, count=n)
        enu = np.asarray(enu_m, dtype=np.float64).reshape(n, 3)
        given = (time_s, enu[:, 0], enu[:, 1], enu[:, 2], lat_deg, lon_deg, alt_m, speed_mps)
        for column, values in zip(_TRAJECTORY_FLOATS, given, strict=True):
            self._floats[column].frombytes(
                np.ascontiguousarray(values, dtype=np.float64).reshape(n).tobytes()
            )
        self._entity.frombytes(codes.tobytes())
        self._kind.frombytes(np.full(n, _TRAJECTORY_KIND_CODE[kind], dtype=np.int8).tobytes())
        self._battery.frombytes(np.full(n, self._code(battery), dtype=np.intc).tobytes())
        if len(self._kind) >= self.spill_rows:
            self._spill()

    def _build(self) -> pa.Table:
        # Views of the log's columns: nothing is appended while they live, and each is released
        # (the view, then the column) as soon as its column of the table is built.
        order = np.argsort(np.frombuffer(self._floats["time_s"], dtype=np.float64), kind="stable")
        columns: dict[str, pa.Array] = {}
        for column in _TRAJECTORY_FLOATS:
            columns[column] = pa.array(np.frombuffer(self._floats[column], dtype=np.float64)[order])
            self._floats[column] = array("d")
        names = pa.array(list(self._codes), type=pa.string())
        entity = np.frombuffer(self._entity, dtype=np.intc)[order]
        self._entity = array("i")
        columns["entity"] = names.take(pa.array(entity))
        del entity
        kind = np.frombuffer(self._kind, dtype=np.int8)[order]
        self._kind = array("b")
        columns["kind"] = pa.array(get_args(TrajectoryKind), type=pa.string()).take(pa.array(kind))
        battery = np.frombuffer(self._battery, dtype=np.intc)[order]
        self._battery = array("i")
        columns["battery"] = names.take(pa.array(battery, mask=battery < 0))
        self._codes = {}
        return pa.table([columns[c] for c in TRAJECTORY_COLUMNS], schema=TRAJECTORY_SCHEMA)


@dataclass
class ThreatDeception:
    """What a threat's repeater jammer did to the trackers of every picture (batteries that keep
    their own and command posts) over a run (docs/outputs.md)."""

    tracks: int = 0  # firm tracks that held the threat
    seduced_tracks: int = 0  # of them, updated at least once by a pulled-off measurement while firm
    false_tracks: int = 0  # tracks confirmed from its DRFM false targets


@dataclass
class RadarDeception:
    """What deception jamming put into a radar's measurements over a run (docs/outputs.md)."""

    looks: int = 0  # detections of threats carrying a repeater jammer, handed to the tracker
    pulled_off: int = 0  # of them, measured > 3 sigma off: gate pull-off (range) or cross-eye (azimuth)
    false_targets: int = 0  # DRFM false-target measurements handed to the tracker
    blanked: int = 0  # sidelobe false targets the sidelobe blanker removed (ones it would have detected)


@dataclass
class ThreatOutcome:
    id: str
    type: str
    first_detected_s: float | None = None
    first_detected_range_m: float | None = None  # slant range from the radar that saw it first
    first_track_s: float | None = None
    shots: int = 0
    fate: Fate = "survived"
    fate_s: float | None = None
    killed_by: str | None = None
    kind: str = "aircraft"  # ThreatKind
    # Null when shots were fired at it; else why not, and the last time that reason applied.
    unengaged_reason: UnengagedReason | None = None
    unengaged_reason_s: float | None = None
    first_strobe_s: float | None = None  # first jam strobe any radar reported on it
    deception: ThreatDeception | None = None  # its repeater jammer's effect; None: it has none


@dataclass
class InterceptorOutcome:
    id: str
    type: str
    battery: str
    target: str
    launch_s: float
    end_s: float | None = None
    result: InterceptorResult | None = None
    miss_distance_m: float | None = None
    planned_pk: float | None = None  # the command post's estimate when it fired
    pip_range_m: float | None = None  # planned intercept point: slant range from the battery
    pip_alt_m: float | None = None  # planned intercept point: altitude above the earth's sphere


@dataclass
class RadarOutcome:
    id: str
    type: str
    destroyed_s: float | None = None
    deception: RadarDeception | None = None  # None: no repeater jammer in the run


@dataclass
class BatteryOutcome:
    """A battery's radars and missiles at the end of a run: ``fired`` and ``left`` per missile type
    (left counts loaded and reserve rounds)."""

    id: str
    radars: list[RadarOutcome] = field(default_factory=list)
    fired: dict[str, int] = field(default_factory=dict)
    left: dict[str, int] = field(default_factory=dict)


@dataclass
class Result:
    """Everything one replication produced."""

    scenario: str
    seed: int
    duration_s: float
    threats: list[ThreatOutcome]
    interceptors: list[InterceptorOutcome]
    events: pa.Table
    trajectories: pa.Table
    run: int | None = None  # Monte Carlo replication index, None for a single run
    scene: dict[str, Any] = field(default_factory=dict)  # positions of assets, batteries, radars
    samsim_version: str = __version__
    # The scenario's changes to the catalog (samsim.catalog.Override.as_dict), in file order.
    catalog_overrides: list[dict[str, Any]] = field(default_factory=list)
    batteries: list[BatteryOutcome] = field(default_factory=list)

    def to_pandas(self) -> dict[str, pd.DataFrame]:
        """The run as pandas DataFrames: ``threats`` and ``interceptors`` (one row each, the fields
        of summary.json), ``events`` and ``trajectories`` (the Parquet tables), and ``batteries``: one
        row per battery and missile type with ``battery``, ``type``, ``fired`` and ``left``.

        Examples
        --------
        >>> frames = result.to_pandas()                                      # doctest: +SKIP
        >>> frames["threats"].groupby("type")["fate"].value_counts()         # doctest: +SKIP
        """
        import pandas as pd

        def records(rows: list[Any], cls: type) -> pd.DataFrame:
            columns = [f.name for f in fields(cls)]
            return pd.DataFrame([asdict(r) for r in rows], columns=columns)

        return {
            "threats": records(self.threats, ThreatOutcome),
            "interceptors": records(self.interceptors, InterceptorOutcome),
            "events": self.events.to_pandas(),
            "trajectories": self.trajectories.to_pandas(),
            "batteries": pd.DataFrame(
                [
                    {"battery": b.id, "type": m, "fired": b.fired.get(m, 0), "left": b.left.get(m, 0)}
                    for b in self.batteries
                    for m in dict.fromkeys([*b.fired, *b.left])
                ],
                columns=["battery", "type", "fired", "left"],
            ),
        }

    @property
    def totals(self) -> dict[str, int]:
        fates = [t.fate for t in self.threats]
        return {
            "threats": len(self.threats),
            "killed": fates.count("killed"),
            "leaked": fates.count("leaked"),
            "survived": fates.count("survived"),
            "interceptors_fired": len(self.interceptors),
        }

    def summary(self) -> dict[str, Any]:
        """The content of summary.json (docs/outputs.md)."""
        return {
            "samsim_version": self.samsim_version,
            "scenario": self.scenario,
            "seed": self.seed,
            **({"run": self.run} if self.run is not None else {}),
            "duration_s": _num(self.duration_s),
            "threats": [_drop_none(_clean(asdict(t)), "deception") for t in self.threats],
            "interceptors": [_clean(asdict(i)) for i in self.interceptors],
            "totals": self.totals,
            **({"batteries": [_battery_summary(b) for b in self.batteries]} if self.batteries else {}),
            # Left out when the scenario changes nothing, so such summaries stay as they were.
            **({"catalog_overrides": self.catalog_overrides} if self.catalog_overrides else {}),
        }


def _battery_summary(b: BatteryOutcome) -> dict[str, Any]:
    return {
        "id": b.id,
        "radars": [_drop_none(_clean(asdict(r)), "deception") for r in b.radars],
        "fired": dict(b.fired),
        "left": dict(b.left),
    }


def _drop_none(d: dict[str, Any], key: str) -> dict[str, Any]:
    """``d`` without ``key`` when it is None (a field only some runs have leaves the others' files
    as they were)."""
    if d.get(key, 0) is None:
        del d[key]
    return d


def _num(x: float) -> float | int:
    if float(x).is_integer():
        return int(x)
    return round(float(x), 3)


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, float):
            out[k] = None if not math.isfinite(v) else round(v, 3)
        else:
            out[k] = v
    return out


def summary_json(result: Result) -> str:
    return json.dumps(result.summary(), indent=2, allow_nan=False) + "\n"
