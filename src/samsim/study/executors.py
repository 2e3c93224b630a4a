"""Executors: the tasks sent to workers, the planner that sizes them, and where they run (in this
process, in a local process pool, or on a Dask cluster). Everything a worker touches is defined at the top
level of this module, so it pickles under spawn, forkserver and Dask alike."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from samsim.scenario import Scenario
from samsim.sim.engine import simulate_world
from samsim.sim.world import compile_world
from samsim.study.errors import RunFailed, StudyError
from samsim.study.sweep import Group

if TYPE_CHECKING:
    from concurrent.futures import Future

TARGET_CHUNK_S = 1.0  # seconds of computing per task: small runs are batched, big ones sent a few at a time
MAX_CHUNK_RUNS = 64


@dataclass(frozen=True)
class ChunkTask:
    """Runs ``runs`` of one sweep group; sent to a worker."""

    scenario: Scenario
    group: int
    seed: int
    runs: tuple[int, ...]


@dataclass
class ChunkRows:
    """What a worker sends back: compact per-run rows, no trajectories or events."""

    group: int
    runs: list[int] = field(default_factory=list)
    totals: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    threats: dict[str, list[Any]] = field(default_factory=dict)
    interceptors: dict[str, list[Any]] = field(default_factory=dict)
    compute_s: float = 0.0


THREAT_FIELDS = (
    "threat",
    "type",
    "fate",
    "fate_s",
    "shots",
    "first_detected_s",
    "first_track_s",
    "killed_by",
    "kind",
    "unengaged_reason",
)
INTERCEPTOR_FIELDS = ("id", "type", "battery", "target", "launch_s", "end_s", "result", "miss_distance_m")


def run_chunk(task: ChunkTask) -> ChunkRows:
    """Run the replications of one task and reduce each to its rows of the three study tables."""
    t0 = time.perf_counter()
    rows = ChunkRows(
        group=task.group,
        threats={k: [] for k in ("run", *THREAT_FIELDS)},
        interceptors={k: [] for k in ("run", *INTERCEPTOR_FIELDS)},
    )
    world = None
    for i in task.runs:
        try:
            if world is None:  # compiled once per task: every run of the task shares the world
                world = compile_world(task.scenario)
            result = simulate_world(world, task.seed, run=i, trajectories=False)
        except Exception as exc:
            raise RunFailed(
                f"run {i} of group {task.group} failed: {type(exc).__name__}: {exc} (reproduce it with "
                f"`samsim run SCENARIO -o OUT --seed {task.seed} --run {i}`, the group's sweep applied)"
            ) from None
        tot = result.totals
        rows.runs.append(i)
        rows.totals.append(
            (tot["threats"], tot["killed"], tot["leaked"], tot["survived"], tot["interceptors_fired"])
        )
        tcols = rows.threats
        for t in result.threats:
            tcols["run"].append(i)
            tcols["threat"].append(t.id)
            tcols["type"].append(t.type)
            tcols["fate"].append(t.fate)
            tcols["fate_s"].append(t.fate_s)
            tcols["shots"].append(t.shots)
            tcols["first_detected_s"].append(t.first_detected_s)
            tcols["first_track_s"].append(t.first_track_s)
            tcols["killed_by"].append(t.killed_by)
            tcols["kind"].append(t.kind)
            tcols["unengaged_reason"].append(t.unengaged_reason)
        icols = rows.interceptors
        for ic in result.interceptors:
            icols["run"].append(i)
            for name in INTERCEPTOR_FIELDS:
                icols[name].append(getattr(ic, name))
    rows.compute_s = time.perf_counter() - t0
    return rows


PARENT_POLL_S = 0.5


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs: a killed parent that nobody has reaped yet (a zombie)
    still answers signal 0, so on Linux its state is read too."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _worker_init(parent_pid: int) -> None:
    # Ctrl-C goes to the whole process group: the parent decides, workers just finish their task.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker blocks on its task queue and would never notice a parent killed with SIGKILL: watch it.
    import threading

    def watch_parent() -> None:
        while True:
            time.sleep(PARENT_POLL_S)
            if not _alive(parent_pid):
                os._exit(1)

    threading.Thread(target=watch_parent, name="samsim-parent-watch", daemon=True).start()


class Planner:
    """Hands out tasks over the missing runs, a few runs each: about ``TARGET_CHUNK_S`` of work, fewer
    near the end so that every worker stays busy. Chunking never changes results (each run depends only
    on its own seed)."""

    def __init__(self, groups: list[Group], seed: int, missing: list[NDArray[np.int64]]):
        self.groups = groups
        self.seed = seed
        self.missing = missing
        self.remaining = int(sum(m.size for m in missing))
        self.slots = 1
        self._g = 0
        self._pos = 0
        self._run_s: float | None = None

    def feedback(self, rows: ChunkRows) -> None:
        if rows.runs:
            per_run = rows.compute_s / len(rows.runs)
            self._run_s = per_run if self._run_s is None else 0.7 * self._run_s + 0.3 * per_run

    def _size(self) -> int:
        size = 1 if self._run_s is None else int(TARGET_CHUNK_S / max(self._run_s, 1e-6))
        size = min(size, MAX_CHUNK_RUNS, max(1, self.remaining // (2 * self.slots)))
        return max(1, size)

    def next_task(self) -> ChunkTask | None:
        while self._g < len(self.missing) and self._pos >= self.missing[self._g].size:
            self._g += 1
            self._pos = 0
        if self._g >= len(self.missing):
            return None
        todo = self.missing[self._g]
        size = self._size()
        runs = todo[self._pos : self._pos + size]
        self._pos += runs.size
        self.remaining -= runs.size
        group = self.groups[self._g]
        return ChunkTask(group.scenario, group.index, self.seed, tuple(int(r) for r in runs))


def _execute_inline(planner: Planner) -> Generator[ChunkRows, None, None]:
    while (task := planner.next_task()) is not None:
        yield run_chunk(task)


def _mp_context() -> multiprocessing.context.BaseContext:
    """forkserver where available: workers fork from a clean server that has imported samsim once
    (cheap to start, and safe with the parent's DuckDB threads; :mod:`samsim.study._forkserver`);
    spawn elsewhere."""
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["samsim.study._forkserver"])
        return ctx
    return multiprocessing.get_context("spawn")


def _execute_processes(planner: Planner, workers: int) -> Generator[ChunkRows, None, None]:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    planner.slots = workers
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_mp_context(), initializer=_worker_init, initargs=(os.getpid(),)
    )
    finished = False
    try:
        pending: set[Future[ChunkRows]] = set()
        while True:
            while len(pending) < 2 * workers:
                task = planner.next_task()
                if task is None:
                    break
                pending.add(pool.submit(run_chunk, task))
            if not pending:
                break
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
        finished = True
    finally:
        if not finished:
            # Interrupted: the runs in flight are given up, so stop the workers now. A worker the
            # forkserver is still starting would otherwise read its queues' semaphores after this
            # process has exited and removed them, and print a traceback to the user's terminal.
            workers_started = list((pool._processes or {}).values())
            for proc in workers_started:
                proc.terminate()
        pool.shutdown(wait=finished, cancel_futures=True)
        if not finished:
            for proc in workers_started:
                proc.join(timeout=5.0)


def _execute_dask(planner: Planner, address: str, workers: int) -> Generator[ChunkRows, None, None]:
    import importlib

    # distributed is only partly typed; its API is used through Any.
    dist: Any = importlib.import_module("distributed")
    cluster: Any = None
    try:
        if address == "local":
            cluster = dist.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = dist.Client(cluster)
        else:
            try:
                client = dist.Client(address, timeout="15s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise StudyError([f"--dask {address}: cannot connect to the Dask scheduler: {exc}"]) from None
    except BaseException:
        if cluster is not None:
            cluster.close()
        raise
    try:
        info = client.scheduler_info()
        planner.slots = max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))
        pending: set[Any] = set()
        while True:
            while len(pending) < 2 * planner.slots:
                task = planner.next_task()
                if task is None:
                    break
                pending.add(client.submit(run_chunk, task, pure=False))
            if not pending:
                break
            done, not_done = dist.wait(list(pending), return_when="FIRST_COMPLETED")
            pending = set(not_done)
            for future in done:
                rows = future.result()
                future.release()
                yield rows
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def execute(planner: Planner, *, workers: int, dask: str | None) -> Generator[ChunkRows, None, None]:
    """The rows of every task the planner hands out, as they finish: on Dask when ``dask`` is given
    (a scheduler address or ``"local"``), else in ``workers`` local processes, or in this process for
    one worker. Closing the generator stops the executor and its workers."""
    if dask is not None:
        return _execute_dask(planner, dask, workers)
    if workers > 1:
        return _execute_processes(planner, workers)
    return _execute_inline(planner)
