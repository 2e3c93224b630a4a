"""Sorted runs of a log's rows, spilled to Arrow IPC files and merged into one memory-mapped table.

A long replication reports millions of events; held in memory, the event log and the table built
from it grow with simulated time (docs/performance.md, "Theatre scale"). A log therefore hands its
rows, once it holds :data:`SPILL_ROWS` of them, to :class:`SortedRuns` as one *run*: the rows in time
order (a stable sort: ties keep the order in which they were reported), written to an Arrow IPC
file in a private temporary directory. When the table is asked for, the runs are merged (an external
merge sort: a block of rows at a time, the order by time, then run, then row within the run, which
is the stable order of the whole log because the runs were cut in report order) into one IPC file
of :data:`ROW_GROUP` rows a record batch, and the table is memory-mapped from it: file-backed pages
the kernel may drop, not the process's anonymous memory. Each file is unlinked as soon as it is
mapped (or, where a mapped file cannot be unlinked, when the last table on it is collected), and the
directory with it, so nothing is left on disk. A process killed before it could clean up (a signal
it cannot handle) leaves its directory behind; the next log that spills removes the directories of
processes that no longer exist (:func:`sweep_orphans`). A log that never holds :data:`SPILL_ROWS`
rows never touches the disk and its table stays one in-memory chunk.

The merged table's chunks (record batches) are :data:`ROW_GROUP` rows long but for the last: the row
group size of :func:`samsim.output.files.write_parquet`, so that each Parquet row group is written
from one chunk, as from a table of one chunk, and events.parquet is byte-identical. (Smaller chunks
are not: the writer checks a column's dictionary against its size limit per chunk written, so the
point where a column of many distinct values falls back to plain pages moves with the chunks;
tests/output/test_spill.py checks both.)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

ROW_GROUP = 1 << 20
"""Rows of each record batch of the merged table (the last may have fewer): the Parquet row group of
:func:`samsim.output.files.write_parquet`."""
SPILL_ROWS = 1 << 17
"""Rows a log holds in memory before it writes them to disk as a sorted run."""
DIR_PREFIX = "samsim-log-"
"""A log's private directory is named ``DIR_PREFIX`` + the writing process's id + ``-`` + a random part."""
ORPHAN_AGE_S = 600.0
"""A directory of a process that no longer exists is removed only once it is this old: the process
id may belong to a process of another PID namespace sharing the temporary directory, which a still
running log of would have touched since (it writes a file per run)."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def sweep_orphans(folder: Path, now_s: float) -> list[Path]:
    """Remove the log directories in ``folder`` left by processes that no longer exist (killed before
    they could clean up), untouched for :data:`ORPHAN_AGE_S`; returns them. Nothing else is touched:
    only directories named as :data:`DIR_PREFIX` names samsim's own."""
    removed = []
    for entry in folder.glob(f"{DIR_PREFIX}*-*"):
        pid_text = entry.name[len(DIR_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or not entry.is_dir() or entry.is_symlink():
            continue
        try:
            age_s = now_s - entry.stat().st_mtime
        except OSError:
            continue
        if age_s >= ORPHAN_AGE_S and not _pid_alive(int(pid_text)):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


class SortedRuns:
    """The runs of one log, in the order they were cut; each a table sorted by ``time_s`` (stable),
    held in memory or in a file of the private temporary directory (written, or mapped once merged)."""

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self._runs: list[pa.Table | Path] = []
        self._on_disk: list[bool] = []  # a file, or a table mapped from one
        self._rows: list[int] = []
        self._dir: Path | None = None
        self._files = 0

    def __len__(self) -> int:
        return sum(self._rows)

    def _path(self) -> Path:
        if self._dir is None:
            sweep_orphans(Path(tempfile.gettempdir()), time.time())
            self._dir = Path(tempfile.mkdtemp(prefix=f"{DIR_PREFIX}{os.getpid()}-"))
            # removed with everything in it if the log is dropped (or the process exits) before
            # its table is built
            weakref.finalize(self, shutil.rmtree, self._dir, ignore_errors=True)
        self._files += 1
        return self._dir / f"{self._files}.arrow"

    def add(self, run: pa.Table, *, spill: bool) -> None:
        """One more run, cut after every row of the runs before it; ``spill``: write it to disk."""
        if run.num_rows == 0:
            return
        if spill:
            path = self._path()
            with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, self.schema) as writer:
                # One record batch: its time column is then one mapped array (see _times).
                writer.write_table(run.combine_chunks(), max_chunksize=run.num_rows)
            self._runs.append(path)
        else:
            self._runs.append(run)
        self._on_disk.append(spill)
        self._rows.append(run.num_rows)

    def table(self) -> pa.Table:
        """Every run's rows in one table, in time order (ties: run, then row within the run); the
        runs are replaced by it."""
        if not self._runs:
            return self.schema.empty_table()
        if len(self._runs) == 1 and isinstance(self._runs[0], pa.Table):
            return self._runs[0]
        if not any(self._on_disk):  # small: one stable sort in memory
            merged = pa.concat_tables([r for r in self._runs if isinstance(r, pa.Table)]).combine_chunks()
            times = merged.column("time_s").to_numpy()
            merged = merged.take(pa.array(np.argsort(times, kind="stable")))
            self._runs, self._on_disk, self._rows = [merged], [False], [merged.num_rows]
            return merged
        # Each run as tables of one chunk: a table merged before is cut at its batches (runs of
        # their own, in order: the merge's order is the same), the rest combined (they are small).
        runs = [
            part
            for run, on_disk in zip(self._runs, self._on_disk, strict=True)
            for part in _parts(run, on_disk)
        ]
        path = self._path()
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, self.schema) as writer:
            for run_of, row_of in _merge_batches([_times(run) for run in runs]):
                writer.write_batch(self._gather(runs, run_of, row_of))
        del runs
        for run in self._runs:  # the runs' files: their mappings are gone with ``runs``
            if isinstance(run, Path):
                _unlink(run)
        merged = _open(path)
        _unlink(path)
        if self._dir is not None:
            with contextlib.suppress(OSError):
                self._dir.rmdir()  # empty unless a mapped file could not be unlinked (not Linux)
            self._dir = None
        self._runs, self._on_disk, self._rows = [merged], [True], [merged.num_rows]
        release()
        return merged

    def _gather(
        self, runs: list[pa.Table], run_of: NDArray[np.int32], row_of: NDArray[np.int32]
    ) -> pa.RecordBatch:
        """One record batch of the merged table: row k is row ``row_of[k]`` of run ``run_of[k]``.
        Built a column at a time, each column copied (where it must be) and then written to disk and
        mapped, so that no more than a column of the batch is held in memory at once."""
        # Each run's rows in the batch are a range, in order: from its row at its first place.
        present, first, count = np.unique(run_of, return_index=True, return_counts=True)
        starts = row_of[first]
        # Row k's place among the runs' ranges laid end to end (in run order).
        offset = np.zeros(int(present[-1]) + 1, dtype=np.int64)
        offset[present] = np.cumsum(count) - count - starts
        where = offset[run_of] + row_of
        in_order = where[0] == 0 and bool(np.all(np.diff(where) == 1))  # the ranges follow one another
        columns = []
        for name in self.schema.names:
            pieces = [
                _one_array(runs[r].column(name).slice(int(lo), int(n)))
                for r, lo, n in zip(present.tolist(), starts.tolist(), count.tolist(), strict=True)
            ]
            if len(pieces) == 1 and in_order:  # a slice of one run: no copy
                columns.append(pieces[0])
                continue
            column = pa.concat_arrays(pieces)
            if not in_order:
                column = column.take(pa.array(where))
            columns.append(self._stage(column))
            del column
        return pa.RecordBatch.from_arrays(columns, schema=self.schema)

    def _stage(self, column: pa.Array) -> pa.Array:
        """``column`` written to disk and mapped back (unlinked at once)."""
        path = self._path()
        schema = pa.schema([("column", column.type)])
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
            writer.write_batch(pa.RecordBatch.from_arrays([column], schema=schema))
        mapped = _open(path).column(0)
        _unlink(path)
        return _one_array(mapped)


def _parts(run: pa.Table | Path, on_disk: bool) -> list[pa.Table]:
    """A run as tables of one chunk each, to merge: a file's or a mapped table's record batches
    (runs of their own, in order, which merge in the same order; no copy), a table in memory
    combined (it is small)."""
    if isinstance(run, Path):
        run = _open(run)
    if on_disk:
        return [pa.Table.from_batches([batch]) for batch in run.to_batches()]
    return [run.combine_chunks()]


def _one_array(column: pa.ChunkedArray) -> pa.Array:
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def release() -> None:
    """Hand the memory Arrow's allocator kept from the tables just written back to the system: its
    pool keeps freed blocks for reuse, a run's worth (some 16 MB) at every spill otherwise."""
    pa.default_memory_pool().release_unused()


def _open(path: Path) -> pa.Table:
    """The table of an IPC file, memory-mapped (no copy of its buffers)."""
    with pa.memory_map(str(path), "r") as source:
        return pa.ipc.open_file(source).read_all()


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:  # mapped files cannot be removed on some systems: the directory's finalizer will
        pass


def _times(run: pa.Table) -> NDArray[np.float64]:
    """A run's ``time_s`` as one array: a view of the mapped file for a spilled run (one batch)."""
    return _one_array(run.column("time_s")).to_numpy(zero_copy_only=True)  # type: ignore[no-any-return]


def _merge_batches(times: list[NDArray[np.float64]]) -> Iterator[tuple[NDArray[np.int32], NDArray[np.int32]]]:
    """The merged order of the runs (by time, then run, then row within the run), a batch of
    :data:`ROW_GROUP` rows at a time (the last: the rest), as each row's run and its row in the run.

    A block at a time: every run's rows up to a cutoff time (so later blocks hold only later times,
    or equal times of later runs), sorted stably by time, the runs in order. Any prefix of the merge
    is a prefix of each run, so a batch holds a range of rows of each run. (32-bit: a run holds
    fewer rows than that, and a batch's indices are the merge's largest transient memory.)"""
    cursor = [0] * len(times)
    held_run: list[NDArray[np.int32]] = []
    held_row: list[NDArray[np.int32]] = []
    held = 0
    while True:
        live = [r for r in range(len(times)) if cursor[r] < times[r].size]
        if live:
            step = max(ROW_GROUP // (4 * len(live)), 1)
            cutoff = min(times[r][min(cursor[r] + step, times[r].size) - 1] for r in live)
            run_parts, row_parts, time_parts = [], [], []
            for r in live:
                lo = cursor[r]
                hi = lo + int(np.searchsorted(times[r][lo:], cutoff, side="right"))
                if hi > lo:
                    run_parts.append(np.full(hi - lo, r, dtype=np.int32))
                    row_parts.append(np.arange(lo, hi, dtype=np.int32))
                    time_parts.append(times[r][lo:hi])
                    cursor[r] = hi
            run_of, row_of = np.concatenate(run_parts), np.concatenate(row_parts)
            if len(run_parts) > 1:
                order = np.argsort(np.concatenate(time_parts), kind="stable")
                run_of, row_of = run_of[order], row_of[order]
            held_run.append(run_of)
            held_row.append(row_of)
            held += run_of.size
        while held >= ROW_GROUP or (not live and held):
            run_of, row_of = np.concatenate(held_run), np.concatenate(held_row)
            n = min(ROW_GROUP, held)
            yield run_of[:n], row_of[:n]
            held_run, held_row, held = [run_of[n:]], [row_of[n:]], held - n
        if not live:
            return
