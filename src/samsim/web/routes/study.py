"""A Monte Carlo study (a ``samsim mc`` folder, also while it runs): its summary and progress, sweep
groups, outcome statistics with 95 % Wilson intervals, histograms over runs, the groups side by side,
missiles fired and left by type, why threats were not engaged, and the runs table. ``group``
restricts an answer to one sweep group (one point of a parameter sweep)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.exceptions import HTTPException

from samsim.web.data import DataError
from samsim.web.replay import study_scenario
from samsim.web.state import Folder
from samsim.web.study_data import StudyData

GroupQuery = Annotated[str | None, Query(max_length=200)]

router = APIRouter(prefix="/api/study")


@router.get("/summary")
def study_summary(folder: Folder) -> dict[str, Any]:
    """The study's summary.json (means and confidence intervals written by samsim mc)."""
    return folder.need_study().summary


@router.get("/status")
def study_status(folder: Folder) -> dict[str, Any]:
    """Whether ``samsim mc`` is still writing the study, runs committed and asked for, and a version
    number that changes whenever the data do (the dashboard polls it to refresh)."""
    return folder.need_study().status()


@router.get("/groups")
def study_groups(folder: Folder) -> dict[str, Any]:
    """Groups of the study (one per point of a parameter sweep) and their swept values."""
    s = folder.need_study()
    return {"swept": s.swept_columns, "groups": s.groups()}


@router.get("/overview")
def study_overview(folder: Folder, group: GroupQuery = None) -> dict[str, Any]:
    """Run count, mean outcomes per run, and P(no leak) with its Wilson interval."""
    s, g = folder.need_study_group(group)
    return s.overview(g)


@router.get("/p_leak")
def study_p_leak(
    folder: Folder,
    group: GroupQuery = None,
    by: Annotated[str, Query(pattern="^(threat|type)$")] = "threat",
) -> dict[str, Any]:
    """P(leak) and P(kill) per threat or per threat type, with 95 % Wilson intervals."""
    s, g = folder.need_study_group(group)
    return {"by": by, "rows": s.p_leak(g, by)}


@router.get("/histograms")
def study_histograms(folder: Folder, group: GroupQuery = None) -> dict[str, Any]:
    """Histograms over runs of leakers and of interceptors fired."""
    s, g = folder.need_study_group(group)
    return s.histograms(g)


@router.get("/compare")
def study_compare(folder: Folder) -> dict[str, Any]:
    """Every sweep group side by side: P(leak) and P(no leak), leakers and interceptors per run."""
    s = folder.need_study()
    return {"swept": s.swept_columns, "groups": s.compare()}


def _loaded(s: StudyData, group: str | None) -> dict[str, int] | None:
    """Missiles loaded per interceptor type at the start of a run of ``group``, all batteries: the
    scenario of the group compiled as the engine does (None when the scenario is not at hand)."""
    cached = s.loaded_cache(group)
    if cached is not False:
        return cached if isinstance(cached, dict) else None
    groups = s.groups()
    chosen = next((g for g in groups if group is None or str(g["group"]) == group), None)
    loaded: dict[str, int] | None = None
    if chosen is not None and (group is not None or len(groups) == 1):
        from samsim.sim.recorder import scene_of
        from samsim.sim.world import compile_world

        try:
            scenario = study_scenario(s.scenario_folder, chosen["group"], chosen["values"])
            loaded = {}
            for battery in scene_of(compile_world(scenario))["batteries"]:
                for kind, count in battery["loaded"].items():
                    loaded[kind] = loaded.get(kind, 0) + int(count)
        except (DataError, OSError, ValueError):
            loaded = None
    s.remember_loaded(group, loaded)
    return loaded


@router.get("/missiles")
def study_missiles(folder: Folder, group: GroupQuery = None) -> dict[str, Any]:
    """Per interceptor type: loaded at the start, fired and left per run, runs that used it up."""
    s, g = folder.need_study_group(group)
    return {"types": s.missiles(g, _loaded(s, g))}


@router.get("/reasons")
def study_reasons(folder: Folder, group: GroupQuery = None) -> dict[str, Any]:
    """Per threat type: threats no shot was fired at, and how many had each unengaged reason."""
    s, g = folder.need_study_group(group)
    return s.reasons(g)


@router.get("/runs")
def study_runs(
    folder: Folder,
    group: GroupQuery = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    sort: Annotated[str | None, Query(max_length=100)] = None,
    desc: bool = False,
) -> dict[str, Any]:
    """One page of the runs table."""
    s, g = folder.need_study_group(group)
    try:
        return s.runs_page(g, offset, limit, sort, desc)
    except DataError as exc:
        raise HTTPException(422, str(exc)) from None
