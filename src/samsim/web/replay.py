"""Replays of study runs: re-simulated on demand into a private cache folder.

A Monte Carlo study keeps outcomes, not trajectories. The simulation is deterministic: the same
scenario, seed and run index give the same run, so run i of a study with seed S is reproduced exactly
by ``samsim.simulate(scenario, seed=S, run=i)``. A replay is therefore computed when first asked for
and written as an ordinary run folder under the cache.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from samsim.scenario import Scenario, ScenarioError
from samsim.web.data import DataError, RunData

SCENARIO_FILES = ("scenario.yaml", "scenario.yml")
"""Names under which a hand-made study folder may hold a copy of its scenario."""

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def replay_id(group: Any, run: int) -> str:
    """A URL- and file-safe name for the replay of (group, run)."""
    return f"g{_SAFE.sub('_', str(group))}-r{int(run)}"


def study_scenario(folder: Path, group: Any, swept: dict[str, Any]) -> Scenario:
    """The scenario that produced ``group`` of the study in ``folder``.

    A ``samsim mc`` folder stores its scenario's content and sweeps in ``results.duckdb`` (table
    ``study``); a hand-made study folder without sweeps may instead hold ``scenario.yaml``.
    """
    if (folder / "results.duckdb").is_file():
        from samsim.study import StudyError, scenario_for_group

        try:
            index = int(group)
        except (TypeError, ValueError):
            raise DataError(f"group {group!r} is not a sweep group index") from None
        try:
            return scenario_for_group(folder, index)
        except StudyError as exc:
            raise DataError(f"cannot replay: {exc.problems[0]}") from None
    if swept:
        raise DataError(
            "this study sweeps parameters ("
            + ", ".join(sorted(swept))
            + ") but its results.duckdb, which records how, is missing; replay is not possible"
        )
    from samsim.scenario import load

    for name in SCENARIO_FILES:
        if (folder / name).is_file():
            try:
                return load(folder / name)
            except ScenarioError as exc:
                raise DataError(f"cannot replay: {exc.problems[0]}") from None
    raise DataError(
        "cannot replay: this study folder records no scenario (no results.duckdb, no scenario.yaml); "
        "run `samsim run SCENARIO --seed S --run I -o FOLDER` and serve that folder instead"
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
        from samsim.output import write_run
        from samsim.sim import simulate

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
