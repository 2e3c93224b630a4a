"""A Monte Carlo study (a ``samsim mc`` folder): its summary, sweep groups, outcome statistics with
95 % Wilson intervals, histograms over runs, and the runs table. ``group`` restricts an answer to one
sweep group (one point of a parameter sweep)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.exceptions import HTTPException

from samsim.web.data import DataError
from samsim.web.state import Folder

GroupQuery = Annotated[str | None, Query(max_length=200)]

router = APIRouter(prefix="/api/study")


@router.get("/summary")
def study_summary(folder: Folder) -> dict[str, Any]:
    """The study's summary.json (means and confidence intervals written by samsim mc)."""
    return folder.need_study().summary


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
