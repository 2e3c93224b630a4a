"""Monte Carlo studies: many replications of a scenario, their outcomes in DuckDB, statistics with
confidence intervals, resume after any interruption, local-process and Dask executors, parameter sweeps.

Run ``i`` of a study with seed ``S`` is ``simulate(scenario, seed=S, run=i)``: it uses the i-th child of
``numpy.random.SeedSequence(S)`` (SPEC §3), so a study's tables do not depend on the number of workers,
the executor or the order in which runs finish. Every sweep group uses the same run seeds (common random
numbers), so differences between groups are not blurred by different random draws.

Workers return compact per-run rows; the parent process alone writes to ``OUT/results.duckdb``, a few
runs per transaction, so a study killed at any moment loses at most the runs in flight and re-running
the same command completes only the missing ones. At the end the tables are exported to Parquet (sorted,
so the files are identical whatever the executor), and ``summary.json`` and ``report.html`` are written,
each through a temporary file and a rename.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import logging
import math
import multiprocessing
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from samsim._version import __version__
from samsim.scenario import (
    Problem,
    Scenario,
    format_path,
    line_of,
    load,
    parse_yaml,
    validate_data,
)
from samsim.sim.engine import simulate_world
from samsim.sim.world import compile_world

if TYPE_CHECKING:
    from concurrent.futures import Future

    import duckdb


DB_NAME = "results.duckdb"
STUDY_FORMAT = 1
CONFIDENCE = 0.95
MAX_RUNS = 100_000_000
MAX_GROUPS = 10_000
PARQUET_ROW_GROUP = 65_536
TARGET_CHUNK_S = 1.0  # seconds of computing per task: small runs are batched, big ones sent a few at a time
MAX_CHUNK_RUNS = 64
RATIO_SCALE = 10**9  # per-run ratios are quantised to 1e-9 so their sums are exact integers
DUCKDB_MEMORY_LIMIT = "512MB"  # the parent's buffer pool; larger queries spill to disk

ProgressCallback = Callable[[int, int], None]
Scalar = bool | int | float | str


class StudyError(ValueError):
    """Bad input for a study (arguments, sweep, or an OUT that holds something else): ``problems`` lists
    every problem, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class RunFailed(RuntimeError):
    """A replication raised inside a worker; the message names the run so it can be reproduced."""


# =============================================================================================
# Parameter sweeps

SWEEP_HELP = """\
A sweep is PATH=V1,V2,... . PATH addresses a field of the scenario's YAML data: keys joined by dots,
list items by [N] (0-based), [*] (every item) or [ID] (the item whose `id` is ID), e.g.
batteries[0].position.lat_deg, threats[tlam-a].rcs_m2, threats[*].spacing_s. A path that starts
with `doctrine.` applies to every battery (batteries[*].doctrine...). Missing mappings on the way are
created (so doctrine.salvo works where the file gives no doctrine). Values are numbers, true/false or
text, separated by commas. Several sweeps run their cross product, one group per combination (the last
sweep varies fastest); every group is validated like a scenario file and uses the same run seeds."""

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_SEGMENT = re.compile(rf"({_NAME})((?:\[[^\[\]]+\])*)")
_INDEX = re.compile(r"\[([^\[\]]+)\]")
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class _Step:
    """One step of a sweep path: a mapping key, a list index, every item, or the item with an id."""

    kind: str  # "key" | "index" | "all" | "id"
    key: str = ""
    index: int = 0

    def text(self) -> str:
        if self.kind == "key":
            return f".{self.key}"
        if self.kind == "index":
            return f"[{self.index}]"
        if self.kind == "all":
            return "[*]"
        return f"[{self.key}]"


@dataclass(frozen=True)
class Sweep:
    """One swept scenario field: its path (also the column name in ``runs``) and its values."""

    path: str
    values: tuple[Scalar, ...]

    @property
    def column_type(self) -> str:
        """The DuckDB type of the column: BOOLEAN, BIGINT, DOUBLE or VARCHAR."""
        return _column_type(self.values)

    def column_value(self, value: Scalar) -> Scalar:
        kind = self.column_type
        if kind == "DOUBLE":
            return float(value)
        if kind == "VARCHAR":
            return _value_text(value)
        return value


def _column_type(values: Sequence[Scalar]) -> str:
    if all(isinstance(v, bool) for v in values):
        return "BOOLEAN"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "BIGINT"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "DOUBLE"
    return "VARCHAR"


def _value_text(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse_steps(path: str) -> tuple[_Step, ...]:
    """``batteries[0].position.lat_deg`` -> key, index, key, key steps; raises ValueError."""
    if not path:
        raise ValueError("empty path")
    steps: list[_Step] = []
    for part in path.split("."):
        m = _SEGMENT.fullmatch(part)
        if m is None:
            raise ValueError(f"cannot read {part!r}: expected NAME, NAME[N], NAME[*] or NAME[ID]")
        steps.append(_Step("key", key=m.group(1)))
        for raw in _INDEX.findall(m.group(2)):
            sel = raw.strip()
            if sel == "*":
                steps.append(_Step("all"))
            elif _INT.fullmatch(sel):
                index = int(sel)
                if index < 0:
                    raise ValueError(f"[{sel}]: list indexes start at 0")
                steps.append(_Step("index", index=index))
            else:
                steps.append(_Step("id", key=sel))
    return tuple(steps)


def _expand(steps: tuple[_Step, ...]) -> tuple[_Step, ...]:
    """The ``doctrine.`` shorthand addresses every battery's doctrine."""
    if steps and steps[0] == _Step("key", key="doctrine"):
        return (_Step("key", key="batteries"), _Step("all"), *steps)
    return steps


def _format_steps(steps: Sequence[_Step]) -> str:
    return "".join(s.text() for s in steps).lstrip(".")


def _parse_value(text: str) -> Scalar:
    s = text.strip()
    if not s:
        raise ValueError("empty value")
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    if s.lower() in ("true", "false"):
        return s.lower() == "true"
    if _INT.fullmatch(s):
        return int(s)
    if _FLOAT.fullmatch(s):
        return float(s)
    return s


def parse_sweep(text: str) -> Sweep:
    """Read ``PATH=V1,V2,...`` (see ``SWEEP_HELP``); raises :class:`StudyError` with the reason."""
    if "=" not in text:
        raise StudyError([f"--sweep {text}: expected PATH=V1,V2,... (e.g. doctrine.salvo=1,2)"])
    path_text, _, values_text = text.partition("=")
    try:
        steps = _parse_steps(path_text.strip())
        values = tuple(_parse_value(v) for v in values_text.split(","))
    except ValueError as exc:
        raise StudyError([f"--sweep {text}: {exc}"]) from None
    return _make_sweep(_format_steps(steps), values, text)


def _make_sweep(path: str, values: Sequence[Any], where: str) -> Sweep:
    steps = _expand(_parse_steps(path))
    if steps[0].kind == "key" and steps[0].key in ("seed", "samsim") and len(steps) == 1:
        hint = "; use --seed (every run already has its own seed)" if steps[0].key == "seed" else ""
        raise StudyError([f"--sweep {where}: {steps[0].key} cannot be swept{hint}"])
    if not values:
        raise StudyError([f"--sweep {where}: no values"])
    for v in values:
        if not isinstance(v, bool | int | float | str):
            raise StudyError([f"--sweep {where}: {v!r} is not a number, true/false or text"])
        if isinstance(v, float) and not math.isfinite(v):
            raise StudyError([f"--sweep {where}: {v!r} is not a finite number"])
    sweep = Sweep(path, tuple(values))
    seen = [sweep.column_value(v) for v in sweep.values]
    dupes = sorted({_value_text(v) for v in seen if seen.count(v) > 1})
    if dupes:
        raise StudyError([f"--sweep {where}: value {', '.join(dupes)} given twice"])
    return sweep


def _sweeps(sweeps: Sequence[str] | Mapping[str, Sequence[Any]] | None) -> list[Sweep]:
    if sweeps is None:
        return []
    out: list[Sweep] = []
    problems: list[str] = []
    items: list[tuple[str, Sweep | None]] = []
    if isinstance(sweeps, Mapping):
        for path, values in sweeps.items():
            try:
                steps = _parse_steps(str(path).strip())
                items.append((str(path), _make_sweep(_format_steps(steps), list(values), str(path))))
            except ValueError as exc:
                problems.append(f"--sweep {path}: {exc}")
            except StudyError as exc:
                problems.extend(exc.problems)
    else:
        for text in sweeps:
            try:
                items.append((text, parse_sweep(text)))
            except StudyError as exc:
                problems.extend(exc.problems)
    for text, sweep in items:
        if sweep is None:
            continue
        if any(s.path == sweep.path for s in out):
            problems.append(f"--sweep {text}: {sweep.path} is swept twice; give its values in one --sweep")
        out.append(sweep)
    if problems:
        raise StudyError(problems)
    return out


def _set(node: Any, steps: Sequence[_Step], value: Scalar, done: list[_Step]) -> int:
    """Set ``value`` at ``steps`` inside parsed YAML data; returns how many places were set."""
    step, rest = steps[0], steps[1:]
    here = _format_steps(done) or "(root)"
    if step.kind == "key":
        if not isinstance(node, dict):
            raise ValueError(f"{here} is not a mapping, so it has no field {step.key!r}")
        if not rest:
            node[step.key] = value
            return 1
        child = node.get(step.key)
        if child is None:
            if rest[0].kind != "key":
                raise ValueError(f"{_format_steps([*done, step])}: the scenario has no such list")
            child = node[step.key] = {}
        return _set(child, rest, value, [*done, step])
    if not isinstance(node, list):
        raise ValueError(f"{here} is not a list")
    if step.kind == "index":
        if step.index >= len(node):
            raise ValueError(
                f"{here}[{step.index}]: out of range ({here} has {len(node)} item{'s' * (len(node) != 1)})"
            )
        targets = [step.index]
    elif step.kind == "all":
        if not node:
            raise ValueError(f"{here} is empty")
        targets = list(range(len(node)))
    else:
        targets = [i for i, item in enumerate(node) if isinstance(item, dict) and item.get("id") == step.key]
        if not targets:
            ids = [str(item.get("id")) for item in node if isinstance(item, dict) and "id" in item]
            raise ValueError(f"{here}: no item with id {step.key!r} (ids: {', '.join(ids) or 'none'})")
    count = 0
    for i in targets:
        if not rest:
            node[i] = value
            count += 1
        else:
            count += _set(node[i], rest, value, [*done, _Step("index", index=i)])
    return count


@dataclass(frozen=True)
class Group:
    """One combination of swept values and the validated scenario it gives."""

    index: int
    values: dict[str, Scalar]
    scenario: Scenario


def _base_data(scenario: Scenario | str | Path) -> tuple[Scenario, Any, dict[Any, int], str]:
    """The validated base scenario and the YAML data sweeps are applied to (with its line numbers)."""
    if isinstance(scenario, Scenario):
        data = scenario.model_dump(mode="json", exclude_none=True)
        name = str(scenario.source_path) if scenario.source_path else "<scenario>"
        return scenario, data, {}, name
    base = load(scenario)  # raises ScenarioError; after it the text is known to parse
    data, lines, _ = parse_yaml(Path(scenario).read_text(encoding="utf-8"))
    return base, data, lines, str(scenario)


def _apply(
    base: Scenario,
    data: Any,
    lines: dict[Any, int],
    file: str,
    sweeps: Sequence[Sweep],
    combo: Sequence[Scalar],
) -> tuple[Scenario | None, list[str]]:
    """The scenario with ``combo`` applied to ``sweeps``, validated like a file; or the problems."""
    modified = copy.deepcopy(data)
    where = " ".join(f"--sweep {s.path}={_value_text(v)}" for s, v in zip(sweeps, combo, strict=True))
    problems = []
    for sweep, value in zip(sweeps, combo, strict=True):
        try:
            _set(modified, _expand(_parse_steps(sweep.path)), value, [])
        except ValueError as exc:
            problems.append(f"--sweep {sweep.path}={_value_text(value)}: {exc}")
    if problems:
        return None, problems
    sc, found = validate_data(modified, lines, file)
    if sc is not None and sc.environment.terrain is not None and base.source_path is not None:
        terrain = (base.source_path.parent / sc.environment.terrain).resolve()
        if not terrain.is_file():
            path = ("environment", "terrain")
            found.append(
                Problem(file, line_of(path, lines), format_path(path), f"terrain file not found: {terrain}")
            )
    if found or sc is None:
        return None, [f"{p} (with {where})" for p in found]
    if base.source_path is not None:
        sc.read_from(base.source_path)
    return sc, []


def _groups(base: Scenario, data: Any, lines: dict[Any, int], file: str, sweeps: list[Sweep]) -> list[Group]:
    """One group per combination of swept values (the last sweep varies fastest)."""
    if not sweeps:
        return [Group(0, {}, base)]
    n_groups = math.prod(len(s.values) for s in sweeps)
    if n_groups > MAX_GROUPS:
        raise StudyError([f"--sweep: {n_groups} groups; at most {MAX_GROUPS}"])
    # Each value on its own first, so every bad path or value is reported, not just the first combination.
    problems: list[str] = []
    for sweep in sweeps:
        for value in sweep.values:
            problems.extend(_apply(base, data, lines, file, [sweep], [value])[1])
    if problems:
        raise StudyError(list(dict.fromkeys(problems)))
    groups: list[Group] = []
    for g, combo in enumerate(itertools.product(*(s.values for s in sweeps))):
        sc, found = _apply(base, data, lines, file, sweeps, combo)
        problems.extend(found)
        if sc is not None:
            values = {s.path: s.column_value(v) for s, v in zip(sweeps, combo, strict=True)}
            groups.append(Group(g, values, sc))
    if problems:
        raise StudyError(list(dict.fromkeys(problems)))
    return groups


def sweep_groups(
    scenario: Scenario | str | Path, sweeps: Sequence[str] | Mapping[str, Sequence[Any]] | None
) -> list[Group]:
    """The groups a study with these sweeps runs, in order: index, swept values (typed as in the ``runs``
    columns) and the validated scenario of each. Raises :class:`StudyError` or ``ScenarioError``."""
    base, data, lines, file = _base_data(scenario)
    return _groups(base, data, lines, file, _sweeps(sweeps))


# =============================================================================================
# Study identity


def _canonical(base: Scenario) -> str:
    return json.dumps(
        base.model_dump(mode="json", exclude_none=True),
        sort_keys=True,
        separators=(",", ":"),
        allow_nan=False,
    )


def _terrain_digest(base: Scenario) -> str | None:
    path = base.terrain_path if base.source_path is not None else None
    if path is None or not path.is_file():
        return None
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def scenario_for_group(out: str | Path, group: int) -> Scenario:
    """The scenario that produced sweep group ``group`` of the study in ``out``.

    Rebuilt from the content stored in ``results.duckdb`` with the same sweep rules as ``samsim mc``,
    so ``simulate(scenario_for_group(out, g), seed=S, run=i)`` replays run i of group g exactly. A
    scenario with a DEM resolves it next to the original scenario file, which must still hold the
    same terrain (checked by its SHA-256). Raises :class:`StudyError` when that is not possible.
    """
    import duckdb

    db = Path(out) / DB_NAME
    if not db.is_file():
        raise StudyError([f"{out}: no {DB_NAME}: not a samsim mc folder"])
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StudyError([f"{db}: cannot be opened ({first}); a study still running locks it"]) from None
    try:
        rows = con.execute(
            "SELECT scenario_json, sweeps, scenario_path, terrain_sha256 FROM study"
        ).fetchall()
    except duckdb.Error as exc:
        raise StudyError([f"{db}: no readable study table ({exc})"]) from None
    finally:
        con.close()
    if len(rows) != 1:
        raise StudyError([f"{db}: the study table should hold one row, it holds {len(rows)}"])
    scenario_json, sweeps_json, scenario_path, terrain_sha = rows[0]
    where = f"{db}:study"
    data = json.loads(scenario_json)
    base, problems = validate_data(copy.deepcopy(data), {}, where)
    if base is None:
        raise StudyError([f"the study's scenario is not valid in this samsim version: {problems[0]}"])
    if scenario_path:
        base.read_from(Path(scenario_path))
    if terrain_sha is not None and _terrain_digest(base) != terrain_sha:
        raise StudyError(
            [f"the study's terrain ({base.terrain_path}) is missing or has changed since the study"]
        )
    stored = json.loads(sweeps_json or "[]")
    sweep_list = _sweeps({s["path"]: s["values"] for s in stored}) if stored else []
    for g in _groups(base, data, {}, where, sweep_list):
        if g.index == group:
            return g.scenario
    raise StudyError([f"the study has no sweep group {group}"])


def _sweeps_json(sweeps: list[Sweep]) -> str:
    return json.dumps([{"path": s.path, "values": list(s.values)} for s in sweeps], separators=(",", ":"))


@dataclass(frozen=True)
class _Identity:
    """What makes a study the same study: scenario content (and its DEM), sweeps, seed."""

    scenario_name: str
    scenario_json: str
    terrain_sha256: str | None
    sweeps_json: str
    seed: int
    scenario_path: str | None = None  # not part of the identity: the same study may move

    @property
    def hash(self) -> str:
        content = {
            "format": STUDY_FORMAT,
            "scenario": json.loads(self.scenario_json),
            "terrain_sha256": self.terrain_sha256,
            "sweeps": json.loads(self.sweeps_json),
            "seed": self.seed,
        }
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# =============================================================================================
# Workers (top level, picklable: spawn / forkserver / Dask safe)


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
        icols = rows.interceptors
        for ic in result.interceptors:
            icols["run"].append(i)
            for name in INTERCEPTOR_FIELDS:
                icols[name].append(getattr(ic, name))
    rows.compute_s = time.perf_counter() - t0
    return rows


PARENT_POLL_S = 0.5


def _worker_init(parent_pid: int) -> None:
    # Ctrl-C goes to the whole process group: the parent decides, workers just finish their task.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker blocks on its task queue and would never notice a parent killed with SIGKILL: watch it.
    import threading

    def watch_parent() -> None:
        while True:
            time.sleep(PARENT_POLL_S)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch_parent, name="samsim-parent-watch", daemon=True).start()


# =============================================================================================
# Scheduling and executors


class _Planner:
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


def _execute_inline(planner: _Planner) -> Generator[ChunkRows, None, None]:
    while (task := planner.next_task()) is not None:
        yield run_chunk(task)


def _mp_context() -> multiprocessing.context.BaseContext:
    """forkserver where available: workers fork from a clean server that has imported samsim once
    (cheap to start, and safe with the parent's DuckDB threads); spawn elsewhere."""
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["samsim.study.core"])
        return ctx
    return multiprocessing.get_context("spawn")


def _execute_processes(planner: _Planner, workers: int) -> Generator[ChunkRows, None, None]:
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
        pool.shutdown(wait=finished, cancel_futures=True)


def _execute_dask(planner: _Planner, address: str, workers: int) -> Generator[ChunkRows, None, None]:
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


# =============================================================================================
# The database

_RUNS_FIXED = [
    ("threats", "INTEGER", pa.int32()),
    ("killed", "INTEGER", pa.int32()),
    ("leaked", "INTEGER", pa.int32()),
    ("survived", "INTEGER", pa.int32()),
    ("interceptors_fired", "INTEGER", pa.int32()),
]
_THREAT_COLUMNS = [
    ("group", "INTEGER", pa.int32()),
    ("run", "INTEGER", pa.int32()),
    ("threat", "VARCHAR", pa.string()),
    ("type", "VARCHAR", pa.string()),
    ("fate", "VARCHAR", pa.string()),
    ("fate_s", "DOUBLE", pa.float64()),
    ("shots", "INTEGER", pa.int32()),
    ("first_detected_s", "DOUBLE", pa.float64()),
    ("first_track_s", "DOUBLE", pa.float64()),
    ("killed_by", "VARCHAR", pa.string()),
]
_INTERCEPTOR_COLUMNS = [
    ("group", "INTEGER", pa.int32()),
    ("run", "INTEGER", pa.int32()),
    ("id", "VARCHAR", pa.string()),
    ("type", "VARCHAR", pa.string()),
    ("battery", "VARCHAR", pa.string()),
    ("target", "VARCHAR", pa.string()),
    ("launch_s", "DOUBLE", pa.float64()),
    ("end_s", "DOUBLE", pa.float64()),
    ("result", "VARCHAR", pa.string()),
    ("miss_distance_m", "DOUBLE", pa.float64()),
]
_STUDY_COLUMNS = [
    ("format", "INTEGER"),
    ("hash", "VARCHAR"),
    ("scenario", "VARCHAR"),
    ("seed", "BIGINT"),
    ("runs", "BIGINT"),
    ("sweeps", "VARCHAR"),
    ("scenario_json", "VARCHAR"),
    ("terrain_sha256", "VARCHAR"),
    ("samsim_version", "VARCHAR"),
    ("scenario_path", "VARCHAR"),  # where the scenario file was: replays resolve its terrain from it
]
_ARROW_TYPES = {"BOOLEAN": pa.bool_(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(), "VARCHAR": pa.string()}
TABLES = ("runs", "threat_outcomes", "interceptors")


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return text.splitlines()[0] if text else type(exc).__name__


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _runs_columns(sweeps: list[Sweep]) -> list[tuple[str, str, pa.DataType]]:
    cols: list[tuple[str, str, pa.DataType]] = [
        ("group", "INTEGER", pa.int32()),
        ("run", "INTEGER", pa.int32()),
        ("seed", "BIGINT", pa.int64()),
    ]
    cols += [(s.path, s.column_type, _ARROW_TYPES[s.column_type]) for s in sweeps]
    return cols + _RUNS_FIXED


def _ddl(table: str, cols: Sequence[tuple[Any, ...]], key: str = "") -> str:
    body = ", ".join(f"{_q(name)} {kind}" for name, kind, *_ in cols)
    return f"CREATE TABLE {table} ({body}{key})"


class _Store:
    """The study's DuckDB file; only the parent process opens it."""

    def __init__(self, path: Path, identity: _Identity, sweeps: list[Sweep], runs: int):
        import duckdb

        self.path = path
        self.sweeps = sweeps
        self.runs_columns = _runs_columns(sweeps)
        created = not path.exists()
        if not created:
            # Every check first, on a read-only connection: a file that is refused is never touched.
            try:
                self.con: duckdb.DuckDBPyConnection = duckdb.connect(str(path), read_only=True)
            except (duckdb.Error, OSError) as exc:
                raise StudyError([self._unreadable(exc)]) from None
            try:
                self._check_or_create(identity, runs)
            except (duckdb.Error, OSError) as exc:
                raise StudyError([self._unreadable(exc)]) from None
            finally:
                self.con.close()
        try:
            self.con = duckdb.connect(str(path), config={"memory_limit": DUCKDB_MEMORY_LIMIT})
        except (duckdb.Error, OSError) as exc:
            if created:
                self._remove_files()
            raise StudyError([self._unreadable(exc)]) from None
        try:
            self.runs = self._check_or_create(identity, runs)
        except StudyError:
            self.con.close()
            raise
        except (duckdb.Error, OSError) as exc:
            self.con.close()
            if created:  # a database this call began and could not finish is not left behind
                self._remove_files()
            raise StudyError([self._unreadable(exc)]) from None

    def _read_only(self) -> bool:
        row = self.con.execute("SELECT current_setting('access_mode')").fetchone()
        return row is not None and str(row[0]).lower() == "read_only"

    def _remove_files(self) -> None:
        for f in (self.path, self.path.with_name(self.path.name + ".wal")):
            f.unlink(missing_ok=True)

    def _verify(self) -> None:
        """Read every stored value once, so that damage anywhere in the file (DuckDB checks each block's
        checksum as it reads it) is found before anything is written into it."""
        for table in ("study", *TABLES):
            self.con.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {_q(table)}").fetchall()

    def _unreadable(self, exc: Exception) -> str:
        text = _first_line(exc)
        lowered = text.lower()
        if "could not set lock" in lowered or "conflicting lock" in lowered:
            return (
                f"{self.path}: in use by another process ({text}); wait for that study to finish or "
                "choose another OUT"
            )
        if any(
            s in lowered
            for s in ("read-only file system", "permission denied", "no space left", "file too large")
        ):
            return f"{self.path}: cannot be written ({text})"
        return (
            f"{self.path}: cannot be read as a samsim study database ({text}). It was left untouched: "
            "move it away, or choose a new OUT"
        )

    def _check_or_create(self, identity: _Identity, runs: int) -> int:
        con = self.con
        listed = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()
        tables = {r[0] for r in listed}
        if not tables and self._read_only():
            return runs  # an empty file (a creation killed early): the writable pass creates the tables
        if not tables:
            con.begin()
            con.execute(_ddl("study", [(n, k) for n, k in _STUDY_COLUMNS]))
            con.execute(_ddl("runs", self.runs_columns, ', PRIMARY KEY ("group", run)'))
            con.execute(_ddl("threat_outcomes", _THREAT_COLUMNS))
            con.execute(_ddl("interceptors", _INTERCEPTOR_COLUMNS))
            con.execute(
                f"INSERT INTO study VALUES ({', '.join('?' * len(_STUDY_COLUMNS))})",
                [
                    STUDY_FORMAT,
                    identity.hash,
                    identity.scenario_name,
                    identity.seed,
                    runs,
                    identity.sweeps_json,
                    identity.scenario_json,
                    identity.terrain_sha256,
                    __version__,
                    identity.scenario_path,
                ],
            )
            con.commit()
            return runs
        expected = {"study": [n for n, _ in _STUDY_COLUMNS]}
        expected["runs"] = [n for n, *_ in self.runs_columns]
        expected["threat_outcomes"] = [n for n, *_ in _THREAT_COLUMNS]
        expected["interceptors"] = [n for n, *_ in _INTERCEPTOR_COLUMNS]
        if "study" not in tables or not set(TABLES) <= tables:
            raise StudyError(
                [
                    f"{self.path}: not a samsim study database (tables: {', '.join(sorted(tables))}); "
                    "it was left untouched: choose a new OUT"
                ]
            )
        cols = [r[0] for r in con.execute("SELECT column_name FROM (DESCRIBE study)").fetchall()]
        if cols != expected["study"]:
            raise StudyError([f"{self.path}: written by an incompatible samsim version; choose a new OUT"])
        rows = con.execute(f"SELECT {', '.join(expected['study'])} FROM study").fetchall()
        if len(rows) != 1:
            raise StudyError([f"{self.path}: damaged study metadata ({len(rows)} rows); choose a new OUT"])
        meta = dict(zip(expected["study"], rows[0], strict=True))
        if meta["format"] != STUDY_FORMAT:
            raise StudyError([f"{self.path}: study format {meta['format']} is not {STUDY_FORMAT}; new OUT"])
        if meta["hash"] != identity.hash:
            raise StudyError([self._difference(meta, identity)])
        for table in TABLES:
            have = [r[0] for r in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()]
            if have != expected[table]:
                raise StudyError([f"{self.path}: table {table} has unexpected columns; choose a new OUT"])
        stored = int(meta["runs"])
        if runs < stored:
            raise StudyError(
                [
                    f"--runs {runs}: {self.path.parent} holds a study of {stored} runs per group; ask for "
                    f"--runs {stored} (or more, to extend it), or choose a new OUT"
                ]
            )
        self._verify()  # before the first write into an existing file
        if runs > stored and not self._read_only():
            con.execute("UPDATE study SET runs = ?", [runs])
        return runs

    def _difference(self, meta: dict[str, Any], identity: _Identity) -> str:
        what = []
        if meta["scenario_json"] != identity.scenario_json:
            what.append(
                f"the scenario differs (stored: {meta['scenario']!r}, now: {identity.scenario_name!r})"
            )
        if meta["terrain_sha256"] != identity.terrain_sha256:
            what.append("the terrain file differs")
        if meta["sweeps"] != identity.sweeps_json:
            what.append(f"the sweeps differ (stored: {_describe_sweeps(meta['sweeps'])})")
        if int(meta["seed"]) != identity.seed:
            what.append(f"the seed differs (stored: {meta['seed']}, now: {identity.seed})")
        reason = "; ".join(what) or "its identity hash differs"
        return (
            f"{self.path.parent}: holds a different study — {reason}. Results of different studies are "
            "never mixed: choose a new OUT (e.g. -o "
            f"{self.path.parent.name}-2), or repeat the original scenario, --sweep and --seed to resume it"
        )

    def missing(self, groups: list[Group], runs: int) -> list[NDArray[np.int64]]:
        out = []
        for g in groups:
            have = np.zeros(runs, dtype=bool)
            done = self.con.execute(
                'SELECT run FROM runs WHERE "group" = ? AND run < ?', [g.index, runs]
            ).fetchnumpy()["run"]
            have[np.asarray(done, dtype=np.int64)] = True
            out.append(np.flatnonzero(~have).astype(np.int64))
        return out

    def commit(self, rows: ChunkRows, group: Group, seed: int) -> int:
        """Insert one task's runs in one transaction, skipping any already present; returns how many
        runs were new."""
        import duckdb

        if not rows.runs:
            return 0
        con = self.con
        con.begin()
        try:
            present = {
                int(r[0])
                for r in con.execute(
                    'SELECT run FROM runs WHERE "group" = ? AND run BETWEEN ? AND ?',
                    [rows.group, min(rows.runs), max(rows.runs)],
                ).fetchall()
            }
            keep = [k for k, r in enumerate(rows.runs) if r not in present]
            if keep:
                self._insert_runs(rows, keep, group, seed)
                self._insert_children(rows, present)
            con.commit()
        except BaseException as exc:
            try:
                con.rollback()
            except duckdb.Error:
                pass  # a failed write (disk full) may already have ended the transaction
            if isinstance(exc, duckdb.Error):
                raise StudyError([f"{self.path}: cannot be written ({_first_line(exc)})"]) from None
            raise
        return len(keep)

    def _insert_runs(self, rows: ChunkRows, keep: list[int], group: Group, seed: int) -> None:
        n = len(keep)
        data: dict[str, Any] = {
            "group": [rows.group] * n,
            "run": [rows.runs[k] for k in keep],
            "seed": [seed] * n,
        }
        for sweep in self.sweeps:
            data[sweep.path] = [group.values[sweep.path]] * n
        for j, (name, _, _) in enumerate(_RUNS_FIXED):
            data[name] = [rows.totals[k][j] for k in keep]
        schema = pa.schema([(name, typ) for name, _, typ in self.runs_columns])
        self._append("runs", pa.table(data, schema=schema))

    def _insert_children(self, rows: ChunkRows, present: set[int]) -> None:
        for table, cols, src in (
            ("threat_outcomes", _THREAT_COLUMNS, rows.threats),
            ("interceptors", _INTERCEPTOR_COLUMNS, rows.interceptors),
        ):
            runs = src["run"]
            if not runs:
                continue
            take = [k for k, r in enumerate(runs) if r not in present] if present else range(len(runs))
            data: dict[str, Any] = {"group": [rows.group] * len(take), "run": [runs[k] for k in take]}
            for name, _, _ in cols[2:]:
                column = src[name]
                data[name] = [column[k] for k in take]
            schema = pa.schema([(name, typ) for name, _, typ in cols])
            self._append(table, pa.table(data, schema=schema))

    def _append(self, table: str, data: pa.Table) -> None:
        if data.num_rows == 0:
            return
        self.con.register("_chunk", data)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _chunk")
        finally:
            self.con.unregister("_chunk")

    def close(self) -> None:
        self.con.close()


def _describe_sweeps(text: str) -> str:
    try:
        items = json.loads(text)
    except ValueError:
        return "?"
    if not items:
        return "none"
    return " ".join(f"{i['path']}={','.join(_value_text(v) for v in i['values'])}" for i in items)


# =============================================================================================
# Statistics


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def wilson_interval(successes: float, trials: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    ``(p̂ + z²/2n ± z·sqrt(p̂(1-p̂)/n + z²/4n²)) / (1 + z²/n)`` with ``p̂ = successes / trials``. It keeps
    its coverage near the nominal level for small n and for p̂ near 0 or 1, where the Wald interval
    collapses. ``trials`` may be an effective (non-integer) sample size.

    References
    ----------
    E. B. Wilson, "Probable inference, the law of succession, and statistical inference", JASA 22 (1927)
    209-212. R. G. Newcombe, "Two-sided confidence intervals for the single proportion: comparison of
    seven methods", Statistics in Medicine 17 (1998) 857-872, method 3.
    """
    if trials <= 0:
        raise ValueError("wilson_interval needs trials > 0")
    z = _z(confidence)
    p = min(max(successes / trials, 0.0), 1.0)
    z2n = z * z / trials
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z * math.sqrt(p * (1.0 - p) / trials + z2n / (4.0 * trials)) / (1.0 + z2n)
    return max(0.0, centre - half), min(1.0, centre + half)


def t_interval(mean: float, sd: float, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Student-t interval for a mean of ``n`` independent replications: ``mean ± t(n-1)·sd/√n``.

    References
    ----------
    Student, "The probable error of a mean", Biometrika 6 (1908) 1-25; A. M. Law, Simulation Modeling
    and Analysis, 5th ed. (2015) §9.4.1.
    """
    if n < 2:
        raise ValueError("t_interval needs n >= 2")
    from scipy.special import stdtrit  # the t quantile, without importing all of scipy.stats

    half = float(stdtrit(n - 1, 0.5 + confidence / 2.0)) * sd / math.sqrt(n)
    return mean - half, mean + half


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _proportion(n: int, m: int, k1: int, k2: int) -> dict[str, Any]:
    """P(event) over ``n`` runs with ``m`` threats each, from Σk and Σk² of per-run event counts.

    For m = 1 this is the Wilson interval with n trials. With m > 1 the outcomes of one run are not
    independent (a saturated defence lets several threats through at once), so the Wilson interval uses
    Kish's effective sample size n_eff = p(1-p)/v, where v = Σ(y_r - p)²/n² is the between-run variance
    of the mean of the per-run fractions y_r = k_r/m; n_eff is kept within [n, n·m] (design effect ≥ 1,
    as Korn & Graubard do). References: L. Kish, Survey Sampling (1965) §8.2; E. L. Korn and
    B. I. Graubard, Survey Methodology 24 (1998) 193-201.
    """
    if n == 0 or m == 0:
        return {"mean": None, "ci": None, "k": k1, "n": n * m, "n_eff": None}
    trials = n * m
    p = Fraction(k1, trials)
    ss = Fraction(k2 * n - k1 * k1, n * m * m)  # Σ(y_r - p)² (exact)
    if ss > 0 and 0 < p < 1:
        n_eff = min(Fraction(trials), max(Fraction(n), p * (1 - p) * n * n / ss))
    else:
        n_eff = Fraction(trials)
    lo, hi = wilson_interval(float(p) * float(n_eff), float(n_eff))
    return {
        "mean": _round(float(p)),
        "ci": [_round(lo), _round(hi)],
        "k": k1,
        "n": trials,
        "n_eff": _round(float(n_eff)),
    }


def _mean(n: int, x1: int, x2: int, scale: int = 1) -> dict[str, Any]:
    """Mean and t interval of per-run values y_r = x_r / scale from exact Σx and Σx² (so Σy = Σx/scale
    and Σy² = Σx²/scale²)."""
    if n == 0:
        return {"mean": None, "ci": None, "n": 0}
    mean = Fraction(x1, n * scale)
    out: dict[str, Any] = {"mean": _round(float(mean)), "ci": None, "n": n}
    if n >= 2:
        var = Fraction(x2 * n - x1 * x1, n * (n - 1) * scale * scale)
        sd = math.sqrt(max(float(var), 0.0))
        lo, hi = t_interval(float(mean), sd, n)
        out["ci"] = [_round(lo), _round(hi)]
        out["sd"] = _round(sd)
    return out


def _per_kill(n_k: int, q1: int, q2: int, runs_without: int, spent: int, kills: int) -> dict[str, Any]:
    out = _mean(n_k, q1, q2, RATIO_SCALE)
    out["runs_without_kill"] = runs_without
    out["ratio_of_totals"] = _round(spent / kills) if kills else None
    return out


DEFINITIONS = {
    "p_kill": "fraction of threats killed (per threat: of runs). 95 % Wilson interval; pooled over several "
    "threats per run it uses Kish's effective sample size from the between-run variance",
    "p_leak": "fraction of threats that reached their asset's radius; interval as p_kill",
    "shots": "interceptors fired at one threat of the scope in a run, mean over runs; 95 % Student-t "
    "interval",
    "interceptors_per_kill": "per run: interceptors fired (overall: all fired in the run; per type or "
    "threat: fired at those threats) divided by threats of the scope killed in that run; runs with no kill "
    "are left out of the mean and counted in runs_without_kill; 95 % Student-t interval over the runs with "
    "a kill. ratio_of_totals: all interceptors fired / all kills over every run",
    "leakers": "threats leaked per run, mean over runs; 95 % Student-t interval",
    "interceptors_fired": "interceptors fired per run, mean over runs; 95 % Student-t interval",
}

_PER_RUN_SQL = f"""
WITH per AS (
    SELECT r."group", 0 AS kind, '' AS scope, r.run, r.threats AS m, r.killed AS kill, r.leaked AS leak,
           coalesce(s.shots, 0) AS shots, r.interceptors_fired AS spent
    FROM runs r LEFT JOIN (
        SELECT "group", run, sum(shots) AS shots FROM threat_outcomes WHERE run < $n GROUP BY "group", run
    ) s ON s."group" = r."group" AND s.run = r.run
    WHERE r.run < $n
    UNION ALL
    SELECT "group", 1, type, run, count(*), count(*) FILTER (WHERE fate = 'killed'),
           count(*) FILTER (WHERE fate = 'leaked'), sum(shots), sum(shots)
    FROM threat_outcomes WHERE run < $n GROUP BY "group", type, run
    UNION ALL
    SELECT "group", 2, threat, run, 1, CAST(fate = 'killed' AS INTEGER), CAST(fate = 'leaked' AS INTEGER),
           shots, shots
    FROM threat_outcomes WHERE run < $n
), q AS (
    SELECT *, CASE WHEN kill > 0 THEN CAST(round(spent * {RATIO_SCALE}.0 / kill) AS HUGEINT) END AS ratio
    FROM per
)
SELECT "group", kind, scope, count(*) AS n, min(m), max(m),
       sum(CAST(kill AS HUGEINT)), sum(CAST(kill AS HUGEINT) * kill),
       sum(CAST(leak AS HUGEINT)), sum(CAST(leak AS HUGEINT) * leak),
       sum(CAST(shots AS HUGEINT)), sum(CAST(shots AS HUGEINT) * shots),
       sum(CAST(spent AS HUGEINT)), sum(CAST(spent AS HUGEINT) * spent),
       count(ratio), sum(ratio), sum(ratio * ratio)
FROM q GROUP BY "group", kind, scope
"""


def _scope_stats(row: tuple[Any, ...]) -> dict[str, Any]:
    (_, kind, _, n, m_lo, m_hi, k1, k2, l1, l2, s1, s2, e1, e2, n_k, q1, q2) = row
    if m_lo != m_hi:
        raise RuntimeError(f"threat count varies between runs of one group ({m_lo}..{m_hi})")
    n, m = int(n), int(m_lo)
    k1, k2, l1, l2, s1, s2, e1, e2 = (int(v or 0) for v in (k1, k2, l1, l2, s1, s2, e1, e2))
    out: dict[str, Any] = {
        "threats": m,
        "p_kill": _proportion(n, m, k1, k2),
        "p_leak": _proportion(n, m, l1, l2),
        "shots": _mean(n, s1, s2, m) if m else _mean(0, 0, 0),
        "interceptors_per_kill": _per_kill(int(n_k), int(q1 or 0), int(q2 or 0), n - int(n_k), e1, k1),
    }
    if kind == 0:
        out["leakers"] = _mean(n, l1, l2)
        out["interceptors_fired"] = _mean(n, e1, e2)
    return out


def _order_of_threats(sc: Scenario) -> tuple[list[str], list[str]]:
    ids: list[str] = []
    types: list[str] = []
    for t in sc.threats:
        ids.extend(t.member_ids())
        if t.type not in types:
            types.append(t.type)
    return ids, types


def compute_summary(
    con: duckdb.DuckDBPyConnection,
    *,
    identity: _Identity,
    sweeps: list[Sweep],
    groups: list[Group],
    runs: int,
) -> dict[str, Any]:
    """The content of summary.json, from the tables (exact integer sums: the same bytes whatever the
    executor or insertion order)."""
    rows = con.execute(_PER_RUN_SQL, {"n": runs}).fetchall()
    by_group: dict[int, dict[tuple[int, str], tuple[Any, ...]]] = {}
    for row in rows:
        by_group.setdefault(int(row[0]), {})[(int(row[1]), str(row[2]))] = row
    out_groups = []
    for g in groups:
        found = by_group.get(g.index, {})
        ids, types = _order_of_threats(g.scenario)
        overall = found.get((0, ""))
        n_runs = int(overall[3]) if overall else 0
        entry: dict[str, Any] = {"group": g.index, "values": dict(g.values), "runs": n_runs}
        entry["overall"] = _scope_stats(overall) if overall else None
        known_types = types + sorted(s for k, s in found if k == 1 and s not in types)
        entry["by_type"] = [
            {"type": t, **_scope_stats(found[(1, t)])} for t in known_types if (1, t) in found
        ]
        known_ids = ids + sorted(s for k, s in found if k == 2 and s not in ids)
        type_of = {tid: t.type for t in g.scenario.threats for tid in t.member_ids()}
        threats = []
        for tid in known_ids:
            if (2, tid) not in found:
                continue
            stats = _scope_stats(found[(2, tid)])
            stats.pop("threats")
            threats.append({"id": tid, "type": type_of.get(tid), **stats})
        entry["threats"] = threats
        out_groups.append(entry)
    return {
        "samsim_version": __version__,
        "scenario": identity.scenario_name,
        "seed": identity.seed,
        "runs": runs,
        "study_hash": identity.hash,
        "confidence": CONFIDENCE,
        "sweeps": [{"path": s.path, "values": [s.column_value(v) for v in s.values]} for s in sweeps],
        "groups": out_groups,
        "definitions": DEFINITIONS,
    }


def _histograms(con: duckdb.DuckDBPyConnection, runs: int) -> dict[str, dict[int, list[tuple[int, int]]]]:
    out: dict[str, dict[int, list[tuple[int, int]]]] = {}
    for column in ("leaked", "interceptors_fired"):
        rows = con.execute(
            f'SELECT "group", {column}, count(*) FROM runs WHERE run < ? GROUP BY ALL ORDER BY ALL', [runs]
        ).fetchall()
        hist: dict[int, list[tuple[int, int]]] = {}
        for g, value, count in rows:
            hist.setdefault(int(g), []).append((int(value), int(count)))
        out[column] = hist
    return out


# =============================================================================================
# Files

_ORDER = {
    "runs": '"group", run',
    "threat_outcomes": '"group", run, rowid',
    "interceptors": '"group", run, rowid',
}


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def _write_text_atomic(path: Path, text: str) -> None:
    tmp = _tmp_name(path)
    try:
        with tmp.open("w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _export_parquet(con: duckdb.DuckDBPyConnection, table: str, runs: int, path: Path) -> None:
    """Stream a table, sorted, into Parquet with fixed-size row groups (identical bytes for identical
    rows, memory bounded by one row group)."""
    reader = con.sql(
        f"SELECT * FROM {table} WHERE run < $n ORDER BY {_ORDER[table]}", params={"n": runs}
    ).to_arrow_reader(PARQUET_ROW_GROUP)
    tmp = _tmp_name(path)
    try:
        with pq.ParquetWriter(tmp, reader.schema, compression="zstd") as writer:
            pending: list[pa.RecordBatch] = []
            count = 0
            for batch in reader:
                pending.append(batch)
                count += batch.num_rows
                while count >= PARQUET_ROW_GROUP:
                    block = pa.Table.from_batches(pending, schema=reader.schema)
                    writer.write_table(block.slice(0, PARQUET_ROW_GROUP), row_group_size=PARQUET_ROW_GROUP)
                    rest = block.slice(PARQUET_ROW_GROUP)
                    pending = rest.to_batches()
                    count = rest.num_rows
            if count:
                block = pa.Table.from_batches(pending, schema=reader.schema)
                writer.write_table(block, row_group_size=PARQUET_ROW_GROUP)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _clean_stale(out: Path) -> None:
    """Temporary files left by a study killed while writing its outputs."""
    for p in out.glob(".*.tmp-*"):
        if p.is_file():
            p.unlink(missing_ok=True)


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise StudyError([f"-o {out}: exists and is not a folder; choose a new OUT"])
    if out.is_dir() and not (out / DB_NAME).exists():
        others = [p.name for p in out.iterdir() if not re.fullmatch(r"\..*\.tmp-\d+", p.name)]
        if others:
            raise StudyError(
                [
                    f"-o {out}: exists and holds no study ({DB_NAME} missing; it has "
                    f"{', '.join(sorted(others)[:5])}{' …' if len(others) > 5 else ''}); "
                    "choose a new or empty OUT"
                ]
            )


# =============================================================================================
# The API


@dataclass(frozen=True)
class StudyResult:
    """What a study produced: the content of summary.json and where each file is."""

    out: Path
    summary: dict[str, Any]
    runs: int  # per group
    groups: int
    new_runs: int  # runs completed by this call (the others were already in OUT)
    database: Path
    parquet: dict[str, Path]  # table name -> Parquet file
    summary_json: Path
    report_html: Path

    def table(self, name: str) -> pa.Table:
        """One of the study tables (``runs``, ``threat_outcomes``, ``interceptors``) from its Parquet."""
        return pq.read_table(self.parquet[name])


def monte_carlo(
    scenario: Scenario | str | Path,
    out: str | Path,
    runs: int,
    *,
    workers: int = 1,
    dask: str | None = None,
    seed: int | None = None,
    sweeps: Sequence[str] | Mapping[str, Sequence[Any]] | None = None,
    progress: ProgressCallback | None = None,
) -> StudyResult:
    """Run (or resume, or extend) a Monte Carlo study and write its files into ``out``.

    Parameters
    ----------
    scenario : a validated :class:`~samsim.scenario.Scenario` or the path of a scenario file.
    out : the study folder: ``results.duckdb`` (tables ``study``, ``runs``, ``threat_outcomes``,
        ``interceptors``), the tables as Parquet, ``summary.json`` and ``report.html``. If it already holds
        this study (same scenario content, sweeps and seed), only the missing runs are computed; a larger
        ``runs`` extends it. A different study there raises :class:`StudyError`.
    runs : replications per sweep group; run i uses the i-th child of ``SeedSequence(seed)``.
    workers : local worker processes (1: in this process); with ``dask="local"`` the LocalCluster size.
    dask : a Dask scheduler address (``tcp://host:8786``) or ``"local"`` to start a LocalCluster.
    seed : the study seed (default: the scenario's ``seed``).
    sweeps : ``["doctrine.salvo=1,2", ...]`` or ``{"doctrine.salvo": [1, 2]}``; see ``SWEEP_HELP``.
    progress : called as ``progress(done, total)`` after each committed batch of runs.

    Raises
    ------
    ScenarioError
        The scenario file is invalid.
    StudyError
        Bad arguments or sweeps (every problem listed), or ``out`` holds something else.
    RunFailed
        A replication raised (the runs committed before it stay in ``out``).
    """
    problems = []
    if isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= MAX_RUNS:
        problems.append(f"--runs: must be an integer from 1 to {MAX_RUNS}, got {runs!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 1024:
        problems.append(f"--workers: must be an integer from 1 to 1024, got {workers!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63):
        problems.append(f"--seed: must be an integer from 0 to 2**63-1, got {seed!r}")
    if dask is not None and dask != "local" and not re.match(r"^[a-z+]+://\S+$|^[\w.\-]+:\d+$", dask):
        problems.append(f"--dask: expected 'local' or a scheduler address like tcp://host:8786, got {dask!r}")
    try:
        sweep_list = _sweeps(sweeps)
    except StudyError as exc:
        problems.extend(exc.problems)
        sweep_list = []
    if problems:
        raise StudyError(problems)
    base, data, lines, file = _base_data(scenario)
    study_seed = base.seed if seed is None else int(seed)
    groups = _groups(base, data, lines, file, sweep_list)
    identity = _Identity(
        scenario_name=base.name,
        scenario_json=_canonical(base),
        terrain_sha256=_terrain_digest(base),
        sweeps_json=_sweeps_json(sweep_list),
        seed=study_seed,
        scenario_path=str(base.source_path) if base.source_path is not None else None,
    )
    out_path = Path(out)
    _check_out(out_path)
    out_path.mkdir(parents=True, exist_ok=True)
    store = _Store(out_path / DB_NAME, identity, sweep_list, runs)
    try:
        _clean_stale(out_path)  # only once the database lock shows no other process works here
        missing = store.missing(groups, store.runs)
        total = store.runs * len(groups)
        done = total - int(sum(m.size for m in missing))
        if progress is not None:
            progress(done, total)
        planner = _Planner(groups, study_seed, missing)
        by_index = {g.index: g for g in groups}
        new_runs = 0
        if planner.remaining:
            chunks: Generator[ChunkRows, None, None]
            if dask is not None:
                chunks = _execute_dask(planner, dask, workers)
            elif workers > 1:
                chunks = _execute_processes(planner, workers)
            else:
                chunks = _execute_inline(planner)
            try:
                for rows in chunks:
                    added = store.commit(rows, by_index[rows.group], study_seed)
                    planner.feedback(rows)
                    new_runs += added
                    done += added
                    if progress is not None:
                        progress(done, total)
            finally:
                chunks.close()  # stops the executor (and its workers) on any error or Ctrl-C
        summary = compute_summary(
            store.con, identity=identity, sweeps=sweep_list, groups=groups, runs=store.runs
        )
        parquet = {name: out_path / f"{name}.parquet" for name in TABLES}
        for name, path in parquet.items():
            _export_parquet(store.con, name, store.runs, path)
        hist = _histograms(store.con, store.runs)
        from samsim.output.study_report import render_study_report

        summary_path = out_path / "summary.json"
        _write_text_atomic(summary_path, json.dumps(summary, indent=2, allow_nan=False) + "\n")
        report_path = out_path / "report.html"
        _write_text_atomic(report_path, render_study_report(summary, hist))
    finally:
        store.close()
    return StudyResult(
        out=out_path,
        summary=summary,
        runs=store.runs,
        groups=len(groups),
        new_runs=new_runs,
        database=out_path / DB_NAME,
        parquet=parquet,
        summary_json=summary_path,
        report_html=report_path,
    )
