"""Logs that spill sorted runs to disk give the very table (same rows, same order, same Parquet
bytes) as logs held in memory, leave no file behind, and their results pickle."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import samsim
import samsim.output.spill as spill
import samsim.sim.engine as engine
from samsim.output.details import RANGE_KM
from samsim.output.files import write_parquet
from samsim.output.result import EVENT_SCHEMA, EventLog, TrajectoryLog

from .test_event_log import ROOT, TupleLog, assert_same_parquet


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temporary directory, pointed at an empty folder (to see what is left in it)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _report_many(log: EventLog | TupleLog, seed: int, n: int) -> None:
    """``n`` events mostly in time order, in single reports and batches, with ties, late events (up
    to a minute back, and a few from the start at the end, as emitter events are), details as text
    and as numbers, and absent names."""
    rng = np.random.default_rng(seed)
    t = 0.0
    k = 0
    while k < n:
        t += float(rng.choice([0.0, 0.0, 0.5, 1.25]))
        if rng.random() < 0.3:
            m = int(rng.integers(1, 40))
            times = np.full(m, t) - np.where(rng.random(m) < 0.1, rng.integers(0, 60, m), 0)
            threats = log.codes([f"t{j}" if j % 7 else None for j in rng.integers(0, 500, m).tolist()])
            log.add_many(
                times,
                "detect",
                battery=f"b{k % 3}",
                radar="96L6",
                threat=threats,
                detail=(RANGE_KM, rng.uniform(0, 400, m)),
            )
            k += m
        else:
            late = float(rng.integers(0, 30)) if rng.random() < 0.05 else 0.0
            log.add(
                t - late,
                "launch",
                battery="north",
                threat=f"t{k % 500}",
                interceptor=f"I{k}",
                detail=f"pk=0.{k % 97:02d}" if k % 3 else None,
            )
            k += 1
    for j in range(25):  # reported at the end, from anywhere in the run
        log.add(float(rng.uniform(0, t)), "radar_off", battery="south", radar=f"r{j % 4}")


def test_spilled_event_log_gives_the_in_memory_table_and_parquet_bytes(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spill, "ROW_GROUP", 1024)
    monkeypatch.setattr(EventLog, "spill_rows", 1500)
    spilled, reference = EventLog(), TupleLog()
    _report_many(spilled, 7, 12_000)
    _report_many(reference, 7, 12_000)
    assert len(spilled._runs) > 5 * 1500  # it did spill
    assert list(private_tmp.iterdir())  # to its private directory
    got = spilled.table()
    assert len(spilled) == len(reference) == got.num_rows
    assert got.schema.equals(EVENT_SCHEMA)
    sizes = [len(c) for c in got.column("time_s").chunks]
    assert sizes[:-1] == [1024] * (len(sizes) - 1) and 0 < sizes[-1] <= 1024
    assert_same_parquet(got, reference.table(), tmp_path)
    assert not list(private_tmp.iterdir())  # mapped and unlinked: nothing left
    # events after the table was built are merged in by the next table
    for log in (spilled, reference):
        log.add(3.0, "leak", threat="late")
    assert_same_parquet(spilled.table(), reference.table(), tmp_path)


def test_small_logs_do_not_spill(private_tmp: Path) -> None:
    log = EventLog()
    _report_many(log, 3, 2000)
    table = log.table()
    assert table.column("time_s").num_chunks == 1
    assert not list(private_tmp.iterdir())


def test_a_dropped_log_leaves_no_file(private_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(EventLog, "spill_rows", 100)
    log = EventLog()
    _report_many(log, 5, 1000)
    assert list(private_tmp.iterdir())
    del log
    assert not list(private_tmp.iterdir())


def test_a_killed_process_directory_is_removed_by_the_next_log_that_spills(
    private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory of a process that no longer exists (killed by a signal it could not handle) goes
    at the next spill once old enough; a live process's, a young one and anything not samsim's stay."""
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(done.stdout)
    old_s = 1.0e9  # 2001: far older than ORPHAN_AGE_S
    orphan = private_tmp / f"{spill.DIR_PREFIX}{dead_pid}-abc"
    young = private_tmp / f"{spill.DIR_PREFIX}{dead_pid}-young"
    alive = private_tmp / f"{spill.DIR_PREFIX}{os.getpid()}-live"
    foreign = private_tmp / "samsim-log-notapid-x"
    for d in (orphan, young, alive, foreign):
        d.mkdir()
        (d / "1.arrow").write_bytes(b"x")
    for d in (orphan, alive, foreign):
        os.utime(d, (old_s, old_s))
    monkeypatch.setattr(EventLog, "spill_rows", 100)
    log = EventLog()
    _report_many(log, 5, 1000)
    assert not orphan.exists()
    assert young.exists() and alive.exists() and foreign.exists()
    (own,) = [
        d
        for d in private_tmp.iterdir()
        if d.name.startswith(f"{spill.DIR_PREFIX}{os.getpid()}-") and d != alive
    ]
    del log
    assert not own.exists()


def _distinct_rows(n: int) -> pa.Table:
    """Rows of distinct times and details: the dictionaries of both columns outgrow their limit."""
    rng = np.random.default_rng(1)
    return pa.table(
        {
            "time_s": np.sort(rng.uniform(0, 7200, n)),
            "detail": pa.array(np.char.add("range_km=", rng.integers(0, 10**6, n).astype(str))),
        }
    )


def test_chunks_of_row_group_rows_write_the_same_parquet_bytes(tmp_path: Path) -> None:
    """A table written from chunks of :data:`ROW_GROUP` rows (the Parquet row group) and from one
    chunk: the same bytes, where chunks of 64 Ki rows are not."""
    table = _distinct_rows(spill.ROW_GROUP + 70_000)
    write_parquet(table, tmp_path / "one.parquet")
    for rows, same in ((spill.ROW_GROUP, True), (1 << 16, False)):
        chunked = pa.Table.from_batches(table.to_batches(max_chunksize=rows))
        assert chunked.column("time_s").num_chunks > 1
        write_parquet(chunked, tmp_path / "chunks.parquet")
        assert ((tmp_path / "one.parquet").read_bytes() == (tmp_path / "chunks.parquet").read_bytes()) is same


def test_raid48_spilled_outputs_are_byte_identical_and_pickle(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = samsim.load(ROOT / "examples" / "raid-48.yaml")
    held = samsim.simulate(scenario, seed=3)
    monkeypatch.setattr(spill, "ROW_GROUP", 1024)
    monkeypatch.setattr(EventLog, "spill_rows", 1000)
    monkeypatch.setattr(TrajectoryLog, "spill_rows", 1000)
    # and each picture's tracks converted in parts of some 200 rows rather than at once
    monkeypatch.setattr(engine._picture_parts, "__defaults__", (200,))
    spilled = samsim.simulate(scenario, seed=3)
    assert spilled.events.column("time_s").num_chunks > 1
    assert spilled.trajectories.column("time_s").num_chunks > 1
    assert_same_parquet(spilled.events, held.events, tmp_path)
    assert_same_parquet(spilled.trajectories, held.trajectories, tmp_path)
    assert not list(private_tmp.iterdir())
    back = pickle.loads(pickle.dumps(spilled))
    assert back.events.equals(held.events) and back.trajectories.equals(held.trajectories)
    assert back.summary() == held.summary()
