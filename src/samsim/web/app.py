"""The FastAPI application of ``samsim serve``: a read-only JSON API over one results folder, and
the built front end.

Routes (all ``GET`` but one), one router each in :mod:`samsim.web.routes`:

- ``/`` the front end (``static/dist/index.html``; a page saying "run make web" when not built),
  ``/assets/...`` and ``/cesium/...`` its files (:mod:`~samsim.web.routes.static`);
- ``/files/PATH`` a file of the results folder (nothing outside it, no hidden files), ``/api/info``,
  ``/api/files`` (:mod:`~samsim.web.routes.folder`);
- ``/api/replays/{rid}/summary|scene|trajectories|events|markers|domes|signature|entity`` for the run folder
  (``rid = "run"``) or a study run re-simulated for replay (:mod:`~samsim.web.routes.run`);
- ``/api/study/summary|status|groups|overview|p_leak|histograms|compare|missiles|runs`` for a study
  folder, readable while ``samsim mc`` still writes it
  (:mod:`~samsim.web.routes.study`), and ``POST /api/study/runs/{group}/{run}/replay`` which
  re-simulates one run into a private cache (:mod:`~samsim.web.routes.replay`).
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from samsim._version import __version__
from samsim.web.errors import install_error_handlers
from samsim.web.routes import folder, replay, run, static, study
from samsim.web.routes.static import DIST_DIR, frontend_built
from samsim.web.security import MAX_BODY_BYTES, BodyLimitMiddleware, SecurityHeadersMiddleware
from samsim.web.state import ServedFolder

__all__ = ["DIST_DIR", "LOCAL_HOSTS", "create_app", "frontend_built"]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    folder: ServedFolder = app.state.folder
    if folder.study is not None:
        shutil.rmtree(folder.study.work, ignore_errors=True)  # the copies of a study's database
    folder.cache.close()


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
    served = ServedFolder.open(out, dist or DIST_DIR, replay_root)
    app = FastAPI(
        title="samsim serve",
        version=__version__,
        docs_url=None,  # the interactive docs load from a CDN; the app stays offline
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    app.state.folder = served
    # Outermost first: host check, body limit, then headers and compression on every response.
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts or LOCAL_HOSTS))
    install_error_handlers(app)
    # static goes last: its catch-all answers 404 for whatever the others do not route.
    for routes in (folder, run, study, replay, static):
        app.include_router(routes.router)
    return app
