"""Monte Carlo studies: replications, sweeps, executors, the DuckDB store and statistics."""

from __future__ import annotations

from samsim.study.core import (
    CONFIDENCE,
    DB_NAME,
    SWEEP_HELP,
    ChunkRows,
    ChunkTask,
    Group,
    RunFailed,
    StudyError,
    StudyResult,
    Sweep,
    compute_summary,
    monte_carlo,
    parse_sweep,
    run_chunk,
    scenario_for_group,
    sweep_groups,
    t_interval,
    wilson_interval,
)

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
