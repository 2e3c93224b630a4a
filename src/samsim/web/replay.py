"""Replays of study runs: re-simulated on demand into a private cache folder.

A Monte Carlo study keeps outcomes, not trajectories. Run i of a study with seed S is reproduced
exactly by ``samsim.simulate(scenario, seed=S, run=i)`` (SPEC §3, determinism), so a replay is
computed when first asked for and written as an ordinary run folder under the cache.
"""

from __future__ import annotations

import copy
import json
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


def _stored_study(folder: Path) -> dict[str, Any] | None:
    """The ``study`` row of ``results.duckdb`` (scenario content, sweeps, seed), if there is one."""
    db = folder / "results.duckdb"
    if not db.is_file():
        return None
    import duckdb

    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(
            f"results.duckdb cannot be opened ({first}); if the study is still running, "
            "replay its runs when it has finished"
        ) from None
    try:
        rows = con.sql("SELECT scenario, seed, sweeps, scenario_json FROM study").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    if len(rows) != 1:
        return None
    name, seed, sweeps, scenario_json = rows[0]
    return {"scenario": name, "seed": seed, "sweeps": sweeps, "scenario_json": scenario_json}


def _scenario_of_group(stored: dict[str, Any], group: int) -> Scenario:
    """Rebuild the scenario of sweep group ``group`` from the study's stored scenario and sweeps,
    with the study layer's own rules for applying sweeps."""
    from samsim.scenario import validate_data

    where = "results.duckdb:study"
    try:
        data = json.loads(stored["scenario_json"])
        sweeps = json.loads(stored["sweeps"] or "[]")
    except (TypeError, ValueError):
        raise DataError("results.duckdb: the stored scenario cannot be read") from None
    base, problems = validate_data(copy.deepcopy(data), {}, where)
    if base is None:
        first = problems[0] if problems else "invalid"
        raise DataError(f"the study's scenario is not valid in this samsim version: {first}")
    if not sweeps:
        return base
    # Sweeps are applied exactly as `samsim mc` applied them (same paths, same group order).
    from samsim import study as study_layer

    try:
        sweep_list = study_layer._sweeps({s["path"]: s["values"] for s in sweeps})
        groups = study_layer._groups(base, data, {}, where, sweep_list)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise DataError(f"the study's sweep groups cannot be rebuilt: {exc}") from None
    for g in groups:
        if g.index == group:
            return g.scenario
    raise DataError(f"the study has no sweep group {group}")


def study_scenario(folder: Path, group: Any, swept: dict[str, Any]) -> Scenario:
    """The scenario that produced ``group`` of the study in ``folder``.

    A ``samsim mc`` folder stores its scenario's content and sweeps in ``results.duckdb`` (table
    ``study``); a hand-made study folder without sweeps may instead hold ``scenario.yaml``.
    """
    stored = _stored_study(folder)
    if stored is not None:
        try:
            index = int(group)
        except (TypeError, ValueError):
            raise DataError(f"group {group!r} is not a sweep group index") from None
        return _scenario_of_group(stored, index)
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
