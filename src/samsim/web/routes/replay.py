"""Replays of study runs. A study keeps outcomes, not trajectories; a run is reproduced exactly from
its seed and replication index (determinism: the same seed and run index give the same run), so it is
re-simulated on demand into the server's private cache and then read like a run folder
(:mod:`samsim.web.routes.run`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi import Path as PathParam
from starlette.exceptions import HTTPException

from samsim.web.data import DataError
from samsim.web.replay import replay_id, study_scenario
from samsim.web.state import Folder

router = APIRouter()

# The ``run`` column is a 32-bit INTEGER: a larger index names no run, and must not reach Arrow's
# comparison as a Python int it cannot convert (which raised, a 500).
RunIndex = Annotated[int, PathParam(ge=0, le=2**31 - 1)]


@router.post("/api/study/runs/{group}/{run}/replay")
def study_replay(folder: Folder, group: str, run: RunIndex) -> dict[str, Any]:
    """Re-simulate run ``run`` of ``group`` (same seed, same replication index) for replay; the
    result goes to the server's private cache, never into the results folder."""
    s = folder.need_study()
    row = s.find_run(group, run)
    if row is None:
        raise HTTPException(404, f"no run {run} in group {group!r}")
    rid = replay_id(row["group"], run)
    if folder.cache.get(rid) is None:
        swept = {c: row.get(c) for c in s.swept_columns}
        scenario = study_scenario(s.scenario_folder, row["group"], swept)
        seed = row.get("seed")
        if not isinstance(seed, int):
            seed = scenario.seed
        try:
            folder.cache.ensure(rid, scenario, seed, run)
        except (OSError, ValueError) as exc:  # e.g. the scenario's terrain file has moved
            raise DataError(f"re-simulation failed: {exc}") from None
    return {"replay": rid, "group": row["group"], "run": run, "seed": row.get("seed")}
