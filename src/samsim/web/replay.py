"""Replays of study runs: re-simulated on demand into a private cache folder.

A Monte Carlo study keeps outcomes, not trajectories. Run i of a study with seed S is reproduced
exactly by ``samsim.simulate(scenario, seed=S, run=i)`` (SPEC §3, determinism), so a replay is
computed when first asked for and written as an ordinary run folder under the cache.
"""

from __future__ import annotations

import importlib
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from samsim.scenario import Scenario, ScenarioError
from samsim.web.data import DataError, RunData, read_json

SCENARIO_FILES = ("scenario.yaml", "scenario.yml")
"""Names under which a study folder may hold a copy of its scenario."""

META_FILES = ("study.json", "summary.json")
"""JSON files of a study folder that may name its scenario."""

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def replay_id(group: Any, run: int) -> str:
    """A URL- and file-safe name for the replay of (group, run)."""
    return f"g{_SAFE.sub('_', str(group))}-r{int(run)}"


def _scenario_reference(meta: dict[str, Any]) -> tuple[str | None, str | None]:
    """(path, embedded YAML text) named by a study's metadata, where present."""
    path: str | None = None
    text: str | None = None
    for key in ("scenario_path", "scenario_file"):
        if isinstance(meta.get(key), str):
            path = meta[key]
    if isinstance(meta.get("scenario_yaml"), str):
        text = meta["scenario_yaml"]
    sc = meta.get("scenario")
    if isinstance(sc, dict):
        if isinstance(sc.get("path"), str):
            path = path or sc["path"]
        for key in ("text", "yaml"):
            if isinstance(sc.get(key), str):
                text = text or sc[key]
    return path, text


def study_scenario(folder: Path, group: Any, swept: dict[str, Any]) -> Scenario:
    """The scenario that produced ``group`` of the study in ``folder``.

    Uses ``samsim.study.scenario_for_group(folder, group)`` when the study layer provides it (it
    knows how sweeps are applied); otherwise, for a study without sweeps, the scenario copy in the
    folder (``scenario.yaml``), the YAML text embedded in its metadata, or the path it records.
    """
    try:
        study_mod: Any = importlib.import_module("samsim.study")
    except ImportError:
        study_mod = None
    hook = getattr(study_mod, "scenario_for_group", None)
    if callable(hook):
        try:
            sc = hook(folder, group)
        except ScenarioError as exc:
            raise DataError(f"the study's scenario is no longer valid: {exc.problems[0]}") from None
        except (OSError, ValueError, KeyError) as exc:
            raise DataError(f"the study's scenario cannot be rebuilt: {exc}") from None
        if isinstance(sc, Scenario):
            return sc
    if swept:
        raise DataError(
            "this study sweeps parameters ("
            + ", ".join(sorted(swept))
            + "); replaying one of its runs needs samsim.study.scenario_for_group, "
            "which this samsim version does not provide"
        )
    from samsim.scenario import load, loads

    problems: list[str] = []
    for name in SCENARIO_FILES:
        if (folder / name).is_file():
            try:
                return load(folder / name)
            except ScenarioError as exc:
                problems.append(str(exc.problems[0]))
    for name in META_FILES:
        if not (folder / name).is_file():
            continue
        path, text = _scenario_reference(read_json(folder / name))
        if path is not None and Path(path).is_file():
            try:
                return load(path)
            except ScenarioError as exc:
                problems.append(str(exc.problems[0]))
        if text is not None:
            try:
                return loads(text, file=f"{name}:scenario")
            except ScenarioError as exc:
                problems.append(str(exc.problems[0]))
        if path is not None and not Path(path).is_file():
            problems.append(f"the scenario file {path} recorded by {name} no longer exists")
    if problems:
        raise DataError("cannot replay: " + "; ".join(problems))
    raise DataError(
        "cannot replay: this study folder neither holds its scenario (scenario.yaml) nor records "
        "its path; re-run `samsim run SCENARIO --seed S --run I -o FOLDER` and serve that folder"
    )


class ReplayCache:
    """Run folders re-simulated from study runs, kept in a private temporary folder.

    At most ``capacity`` replays are kept; the least recently used is deleted first. Each replay is
    computed once even when asked for by several requests at the same time.
    """

    def __init__(self, capacity: int = 16, root: Path | None = None):
        self.capacity = capacity
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="samsim-serve-")) if root is None else root
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._runs: OrderedDict[str, RunData] = OrderedDict()

    def get(self, rid: str) -> RunData | None:
        with self._lock:
            data = self._runs.get(rid)
            if data is not None:
                self._runs.move_to_end(rid)
            return data

    def ensure(self, rid: str, scenario: Scenario, seed: int, run: int) -> RunData:
        """The replay ``rid``, simulated now if it is not in the cache."""
        from samsim import simulate, write_run

        with self._lock:
            key_lock = self._key_locks.setdefault(rid, threading.Lock())
        with key_lock:
            found = self.get(rid)
            if found is not None:
                return found
            folder = self.root / rid
            result = simulate(scenario, seed=seed, run=run)
            write_run(result, folder)
            data = RunData(folder)
            with self._lock:
                self._runs[rid] = data
                while len(self._runs) > self.capacity:
                    old, _ = self._runs.popitem(last=False)
                    shutil.rmtree(self.root / old, ignore_errors=True)
            return data

    def close(self) -> None:
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)
