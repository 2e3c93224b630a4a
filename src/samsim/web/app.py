"""The FastAPI application of ``samsim serve``: a read-only JSON API over one results folder, and
the built front end.

Routes (all ``GET`` but one):

- ``/`` the front end (``static/dist/index.html``; a page saying "run make web" when not built),
  ``/assets/...`` and ``/cesium/...`` its files;
- ``/files/PATH`` a file of the results folder (nothing outside it, no hidden files);
- ``/api/info``, ``/api/files``;
- ``/api/replays/{rid}/summary|scene|trajectories|events|markers|domes|entity`` for the run folder
  (``rid = "run"``) or a study run re-simulated for replay;
- ``/api/study/summary|groups|overview|p_leak|histograms|runs`` for a study folder, and
  ``POST /api/study/runs/{group}/{run}/replay`` which re-simulates one run into a private cache.
"""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from samsim._version import __version__
from samsim.web.data import DataError, RunData, StudyData, folder_kind
from samsim.web.replay import ReplayCache, replay_id, study_scenario
from samsim.web.security import (
    MAX_BODY_BYTES,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    safe_file,
)

DIST_DIR = Path(__file__).resolve().parent / "static" / "dist"
"""Where ``make web`` puts the built front end (git-ignored)."""

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TRAJECTORY_KINDS = ("threat", "interceptor", "track")
RUN_REPLAY = "run"

_MISSING_FRONTEND = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>samsim serve: front end not built</title>
<style>body{{font-family:system-ui,sans-serif;max-width:42rem;margin:4rem auto;color:#1b1f24}}
code{{background:#f2f2f2;padding:.1rem .3rem}}</style></head>
<body><h1>The samsim web front end is not built</h1>
<p>The server is running and its JSON API answers under <code>/api/</code>, but the page itself
has not been built. From the samsim source folder, run:</p>
<pre><code>make web</code></pre>
<p>(it runs <code>npm ci</code> and <code>npm run build</code> in
<code>src/samsim/web/frontend</code>) and reload this page.</p>
<p>Looked for: <code>{path}</code></p></body></html>
"""


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


def frontend_built(dist: Path = DIST_DIR) -> bool:
    """True when the built front end (index.html and Cesium's static files) is present."""
    return (dist / "index.html").is_file() and (dist / "cesium" / "Workers").is_dir()


def create_app(
    out: str | Path,
    *,
    dist: Path | None = None,
    allowed_hosts: Sequence[str] | None = None,
    replay_root: Path | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """The web app over the results folder ``out`` (a ``samsim run`` or ``samsim mc`` output).

    Parameters
    ----------
    out : the results folder; the only folder whose files are served.
    dist : the built front end (default: the package's ``static/dist``).
    allowed_hosts : Host header values accepted (default: 127.0.0.1, localhost, ::1), a guard
        against DNS rebinding; ``["*"]`` accepts any.
    replay_root : folder for re-simulated replays (default: a fresh temporary folder, deleted when
        the app shuts down).
    max_body_bytes : larger request bodies get 413.

    Raises
    ------
    DataError
        When ``out`` is not a results folder.
    """
    out_dir = Path(out).resolve()
    dist_dir = (dist or DIST_DIR).resolve()
    if not out_dir.is_dir():
        raise DataError(f"{out}: no such folder")
    kind = folder_kind(out_dir)
    if kind is None:
        raise DataError(
            f"{out}: not a samsim results folder (expected summary.json and trajectories.parquet from "
            "`samsim run`, or runs.parquet / results.duckdb from `samsim mc`)"
        )
    run_data = RunData(out_dir) if kind == "run" else None
    study = StudyData(out_dir) if kind == "study" else None
    cache = ReplayCache(root=replay_root)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        cache.close()

    app = FastAPI(
        title="samsim serve",
        version=__version__,
        docs_url=None,  # the interactive docs load from a CDN; the app stays offline
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.out = out_dir
    app.state.cache = cache

    # Outermost first: host check, body limit, then headers and compression on every response.
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts or LOCAL_HOSTS))

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = "not found"
        response = _error(exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        return _error(422, "invalid request: " + "; ".join(problems))

    @app.exception_handler(DataError)
    async def data_error(_: Request, exc: DataError) -> JSONResponse:
        return _error(409, str(exc))

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        return _error(500, "internal error (the server log has the details)")

    # -- helpers -------------------------------------------------------------------------------
    def replay(rid: str) -> RunData:
        if rid == RUN_REPLAY and run_data is not None:
            return run_data
        found = cache.get(rid)
        if found is None:
            raise HTTPException(
                404, f"no replay {rid!r}" + ("; open it from the study's table" if study else "")
            )
        return found

    def need_study() -> StudyData:
        if study is None:
            raise HTTPException(404, "this folder is a single run, not a study")
        study.refresh()
        return study

    def group_filter(s: StudyData, group: str | None) -> str | None:
        if group is not None and not s.has_group(group):
            raise HTTPException(404, f"no group {group!r} in this study")
        return group

    def send_file(root: Path, path: str, cache_control: str) -> FileResponse:
        found = safe_file(root, path)
        if found is None:
            raise HTTPException(404, "not found")
        return FileResponse(found, headers={"cache-control": cache_control})

    # -- front end ------------------------------------------------------------------------------
    @app.get("/", include_in_schema=False, response_model=None)
    def index() -> Response:
        page = dist_dir / "index.html"
        if not frontend_built(dist_dir):
            return HTMLResponse(_MISSING_FRONTEND.format(path=html.escape(str(page))), status_code=503)
        return FileResponse(page, headers={"cache-control": "no-cache"})

    @app.get("/assets/{path:path}", include_in_schema=False)
    def assets(path: str) -> FileResponse:
        return send_file(dist_dir / "assets", path, "public, max-age=31536000, immutable")

    @app.get("/cesium/{path:path}", include_in_schema=False)
    def cesium(path: str) -> FileResponse:
        return send_file(dist_dir / "cesium", path, "public, max-age=86400")

    @app.get("/favicon.svg", include_in_schema=False)
    def favicon() -> FileResponse:
        return send_file(dist_dir, "favicon.svg", "public, max-age=86400")

    # -- the results folder ---------------------------------------------------------------------
    @app.get("/files/{path:path}")
    def files(path: str) -> FileResponse:
        """A file of the results folder (read-only; nothing outside it)."""
        return send_file(out_dir, path, "no-cache")

    @app.get("/api/info")
    def info() -> dict[str, Any]:
        """What is being served: a run or a study, its name and versions."""
        summary: dict[str, Any] = (
            run_data.summary if run_data is not None else (study.summary if study else {})
        )
        name = summary.get("scenario")
        if isinstance(name, dict):
            name = name.get("name")
        return {
            "kind": kind,
            "name": name if isinstance(name, str) else out_dir.name,
            "folder": out_dir.name,
            "samsim_version": __version__,
            "results_version": summary.get("samsim_version"),
            "frontend_built": frontend_built(dist_dir),
            "replay": RUN_REPLAY if run_data is not None else None,
        }

    @app.get("/api/files")
    def list_files() -> dict[str, Any]:
        """The regular, non-hidden files at the top of the results folder."""
        items = []
        for p in sorted(out_dir.iterdir()):
            if p.name.startswith(".") or safe_file(out_dir, p.name) is None:
                continue
            items.append({"name": p.name, "bytes": p.stat().st_size, "url": f"/files/{p.name}"})
        return {"files": items}

    # -- replays --------------------------------------------------------------------------------
    @app.get("/api/replays/{rid}/summary")
    def replay_summary(rid: str) -> dict[str, Any]:
        """summary.json of the run (SPEC §4)."""
        return replay(rid).summary

    @app.get("/api/replays/{rid}/scene")
    def replay_scene(rid: str) -> dict[str, Any]:
        """Sites (batteries, radars, assets), threats, the camera extent and the time span."""
        data = replay(rid)
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

    @app.get("/api/replays/{rid}/trajectories")
    def replay_trajectories(
        rid: str, kind: Annotated[list[str] | None, Query(max_length=3)] = None
    ) -> dict[str, Any]:
        """Sampled paths per entity (columns t, lat, lon, alt, speed) of the given kinds."""
        kinds = kind or ["threat", "interceptor"]
        bad = [k for k in kinds if k not in TRAJECTORY_KINDS]
        if bad:
            raise HTTPException(422, f"kind: must be one of {', '.join(TRAJECTORY_KINDS)}")
        return {"entities": replay(rid).trajectory_json(kinds)}

    @app.get("/api/replays/{rid}/events")
    def replay_events(
        rid: str,
        kind: Annotated[list[str] | None, Query(max_length=10)] = None,
        entity: Annotated[str | None, Query(max_length=200)] = None,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=20000)] = 1000,
    ) -> dict[str, Any]:
        """Events in time order, optionally of some kinds and about one entity."""
        return replay(rid).events_json(kind, entity, offset, limit)

    @app.get("/api/replays/{rid}/markers")
    def replay_markers(rid: str) -> dict[str, Any]:
        """Kill and leak points of threats, miss and self-destruct points of interceptors."""
        return {"markers": replay(rid).markers()}

    @app.get("/api/replays/{rid}/domes")
    def replay_domes(
        rid: str,
        rcs_m2: Annotated[float, Query(gt=0, le=1e4)] = 1.0,
        alt_agl_m: Annotated[float, Query(ge=0, le=1e5)] = 100.0,
    ) -> dict[str, Any]:
        """Per radar: detection range for a target of ``rcs_m2`` (R_ref (rcs/rcs_ref)^1/4, capped at
        the instrumented range), radar horizon and coverage ring at ``alt_agl_m``."""
        return {"rcs_m2": rcs_m2, "alt_agl_m": alt_agl_m, "radars": replay(rid).domes(rcs_m2, alt_agl_m)}

    @app.get("/api/replays/{rid}/entity")
    def replay_entity(
        rid: str, entity_id: Annotated[str, Query(alias="id", max_length=200)]
    ) -> dict[str, Any]:
        """One threat, interceptor, track, battery, radar (``battery/radar``) or asset, with its events."""
        found = replay(rid).entity(entity_id)
        if found is None:
            raise HTTPException(404, f"no entity {entity_id!r} in this run")
        return found

    # -- studies --------------------------------------------------------------------------------
    @app.get("/api/study/summary")
    def study_summary() -> dict[str, Any]:
        """The study's summary.json (means and confidence intervals written by samsim mc)."""
        return need_study().summary

    @app.get("/api/study/groups")
    def study_groups() -> dict[str, Any]:
        """Groups of the study (one per point of a parameter sweep) and their swept values."""
        s = need_study()
        return {"swept": s.swept_columns, "groups": s.groups()}

    @app.get("/api/study/overview")
    def study_overview(group: Annotated[str | None, Query(max_length=200)] = None) -> dict[str, Any]:
        """Run count, mean outcomes per run, and P(no leak) with its Wilson interval."""
        s = need_study()
        return s.overview(group_filter(s, group))

    @app.get("/api/study/p_leak")
    def study_p_leak(
        group: Annotated[str | None, Query(max_length=200)] = None,
        by: Annotated[str, Query(pattern="^(threat|type)$")] = "threat",
    ) -> dict[str, Any]:
        """P(leak) and P(kill) per threat or per threat type, with 95 % Wilson intervals."""
        s = need_study()
        return {"by": by, "rows": s.p_leak(group_filter(s, group), by)}

    @app.get("/api/study/histograms")
    def study_histograms(group: Annotated[str | None, Query(max_length=200)] = None) -> dict[str, Any]:
        """Histograms over runs of leakers and of interceptors fired."""
        s = need_study()
        return s.histograms(group_filter(s, group))

    @app.get("/api/study/runs")
    def study_runs(
        group: Annotated[str | None, Query(max_length=200)] = None,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        sort: Annotated[str | None, Query(max_length=100)] = None,
        desc: bool = False,
    ) -> dict[str, Any]:
        """One page of the runs table."""
        s = need_study()
        try:
            return s.runs_page(group_filter(s, group), offset, limit, sort, desc)
        except DataError as exc:
            raise HTTPException(422, str(exc)) from None

    @app.post("/api/study/runs/{group}/{run}/replay")
    def study_replay(group: str, run: int) -> dict[str, Any]:
        """Re-simulate run ``run`` of ``group`` (same seed, same replication index) for replay; the
        result goes to the server's private cache, never into the results folder."""
        s = need_study()
        row = s.find_run(group, run)
        if row is None:
            raise HTTPException(404, f"no run {run} in group {group!r}")
        rid = replay_id(row["group"], run)
        if cache.get(rid) is None:
            swept = {c: row.get(c) for c in s.swept_columns}
            scenario = study_scenario(out_dir, row["group"], swept)
            seed = row.get("seed")
            if not isinstance(seed, int):
                seed = scenario.seed
            try:
                cache.ensure(rid, scenario, seed, run)
            except (OSError, ValueError) as exc:  # e.g. the scenario's terrain file has moved
                raise DataError(f"re-simulation failed: {exc}") from None
        return {"replay": rid, "group": row["group"], "run": run, "seed": row.get("seed")}

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    def not_found(path: str) -> JSONResponse:
        return _error(404, "not found")

    return app
