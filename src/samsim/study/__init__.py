"""Monte Carlo studies: replications, sweeps, executors, the DuckDB store and statistics.

- :mod:`samsim.study.api`: :func:`monte_carlo` runs, resumes or extends a study and writes its folder.
- :mod:`samsim.study.sweep`: ``PATH=V1,V2,...`` sweeps and the groups of scenarios they give.
- :mod:`samsim.study.executors`: the tasks, the planner that sizes them, and where they run (this process,
  local worker processes, Dask).
- :mod:`samsim.study.store`: ``results.duckdb`` (tables, study identity, resume checks, commits) and the
  files exported from it; :func:`scenario_for_group` rebuilds a group's scenario from it.
- :mod:`samsim.study.statistics`: Wilson and Student-t intervals and ``summary.json``.
- :mod:`samsim.study.errors`: :class:`StudyError` and :class:`RunFailed`.

The modules import one another in that order, bottom up: errors, sweep, executors, store, statistics, api.
"""

from __future__ import annotations

from samsim.study.api import StudyResult, monte_carlo
from samsim.study.errors import RunFailed, StudyError
from samsim.study.executors import ChunkRows, ChunkTask, run_chunk
from samsim.study.statistics import CONFIDENCE, compute_summary, t_interval, wilson_interval
from samsim.study.store import DB_NAME, scenario_for_group
from samsim.study.sweep import SWEEP_HELP, Group, Sweep, parse_sweep, sweep_groups

__all__ = [
    "CONFIDENCE",
    "DB_NAME",
    "SWEEP_HELP",
    "ChunkRows",
    "ChunkTask",
    "Group",
    "RunFailed",
    "StudyError",
    "StudyResult",
    "Sweep",
    "compute_summary",
    "monte_carlo",
    "parse_sweep",
    "run_chunk",
    "scenario_for_group",
    "sweep_groups",
    "t_interval",
    "wilson_interval",
]
