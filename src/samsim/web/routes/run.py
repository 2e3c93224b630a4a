"""One run: the run folder being served (``rid = "run"``) or a study run re-simulated for replay.

Each answer is read from the run folder's files: ``summary.json`` (outcome of every threat and
interceptor), ``scene.json`` (sites, threats), ``trajectories.parquet`` (sampled paths) and
``events.parquet``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.exceptions import HTTPException

from samsim.web.data import DataError
from samsim.web.state import Folder

TRAJECTORY_KINDS = ("threat", "interceptor", "track")

router = APIRouter(prefix="/api/replays/{rid}")


@router.get("/summary")
def replay_summary(folder: Folder, rid: str) -> dict[str, Any]:
    """The run's summary.json: scenario, seed, totals, and the outcome of every threat and interceptor."""
    return folder.replay(rid).summary


@router.get("/scene")
def replay_scene(folder: Folder, rid: str) -> dict[str, Any]:
    """Sites (batteries, radars, assets), threats, the camera extent and the time span."""
    data = folder.replay(rid)
    return {
        **data.scene,
        "derived": data.scene_derived,
        "note": (
            "scene.json is missing from this folder (made by an older samsim): batteries, radars "
            "and assets cannot be shown; re-run the scenario to see them"
            if data.scene_derived
            else None
        ),
        "extent": data.extent(),
        "time": data.time_span(),
        "name": data.summary.get("scenario"),
        "seed": data.summary.get("seed"),
        "run": data.summary.get("run"),
    }


@router.get("/trajectories")
def replay_trajectories(
    folder: Folder, rid: str, kind: Annotated[list[str] | None, Query(max_length=3)] = None
) -> dict[str, Any]:
    """Sampled paths per entity (columns t, lat, lon, alt, speed) of the given kinds."""
    kinds = kind or ["threat", "interceptor"]
    bad = [k for k in kinds if k not in TRAJECTORY_KINDS]
    if bad:
        raise HTTPException(422, f"kind: must be one of {', '.join(TRAJECTORY_KINDS)}")
    return {"entities": folder.replay(rid).trajectory_json(kinds)}


@router.get("/events")
def replay_events(
    folder: Folder,
    rid: str,
    kind: Annotated[list[str] | None, Query(max_length=10)] = None,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=20000)] = 1000,
) -> dict[str, Any]:
    """Events in time order, optionally of some kinds and about one entity."""
    return folder.replay(rid).events_json(kind, entity, offset, limit)


@router.get("/markers")
def replay_markers(folder: Folder, rid: str) -> dict[str, Any]:
    """Kill and leak points of threats, miss and self-destruct points of interceptors."""
    return {"markers": folder.replay(rid).markers()}


@router.get("/strobes")
def replay_strobes(folder: Folder, rid: str) -> dict[str, Any]:
    """Jam strobes as lines from their radar along (azimuth, elevation), and radars destroyed."""
    data = folder.replay(rid)
    return {"strobes": data.strobes(), "radars_destroyed": data.radars_destroyed()}


@router.get("/domes")
def replay_domes(
    folder: Folder,
    rid: str,
    rcs_m2: Annotated[float, Query(gt=0, le=1e4)] = 1.0,
    alt_agl_m: Annotated[float, Query(ge=0, le=1e5)] = 100.0,
    target: Annotated[str | None, Query(max_length=200)] = None,
    aspect: Annotated[str, Query(max_length=20)] = "nose",
) -> dict[str, Any]:
    """Per radar: detection range for a target of ``rcs_m2`` (R_ref (rcs/rcs_ref)^1/4, capped at
    the instrumented range), radar horizon and coverage ring at ``alt_agl_m``. With ``target`` (a
    threat type of the run), each radar's RCS is that type's at ``aspect`` (degrees from the nose,
    ``nose``, ``beam``, ``tail``, or the envelopes ``worst`` and ``best``) in the radar's band."""
    data = folder.replay(rid)
    try:
        angle: float | str = float(aspect)
    except ValueError:
        angle = aspect
    try:
        radars = data.domes(rcs_m2, alt_agl_m, target, angle)
    except DataError as exc:
        raise HTTPException(422, str(exc)) from None
    return {
        "rcs_m2": rcs_m2 if target is None else None,
        "alt_agl_m": alt_agl_m,
        "target": target,
        "aspect": None if target is None else aspect,
        "targets": data.target_types(),
        "radars": radars,
    }


@router.get("/signature")
def replay_signature(
    folder: Folder, rid: str, entity_id: Annotated[str, Query(alias="id", max_length=200)]
) -> dict[str, Any]:
    """For one threat, at its path's samples: per radar, the aspect and elevation it presents and the
    cross section the radar sees in its band (its type's RCS table at that aspect, or its fixed RCS)."""
    found = folder.replay(rid).signature_series(entity_id)
    if found is None:
        raise HTTPException(404, f"no threat {entity_id!r} with a path in this run")
    return found


@router.get("/entity")
def replay_entity(
    folder: Folder, rid: str, entity_id: Annotated[str, Query(alias="id", max_length=200)]
) -> dict[str, Any]:
    """One threat, interceptor, track, battery, radar (``battery/radar``) or asset, with its events."""
    found = folder.replay(rid).entity(entity_id)
    if found is None:
        raise HTTPException(404, f"no entity {entity_id!r} in this run")
    return found
