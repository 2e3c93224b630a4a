"""The built front end (``static/dist``, made by ``make web``), a page saying how to build it when it
is missing, and a JSON 404 for every path no other route answers (so this router goes last)."""

from __future__ import annotations

import html
import mimetypes
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from samsim.web.errors import error_response
from samsim.web.security import safe_file
from samsim.web.state import Folder

DIST_DIR = Path(__file__).resolve().parent.parent / "static" / "dist"
"""Where ``make web`` puts the built front end (git-ignored)."""

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

router = APIRouter(include_in_schema=False)


def frontend_built(dist: Path = DIST_DIR) -> bool:
    """True when the built front end (index.html and Cesium's static files) is present."""
    return (dist / "index.html").is_file() and (dist / "cesium" / "Workers").is_dir()


def send_file(root: Path, path: str, cache_control: str) -> FileResponse:
    """The file ``path`` under ``root`` (see :func:`samsim.web.security.safe_file`), or 404."""
    found = safe_file(root, path)
    if found is None:
        raise HTTPException(404, "not found")
    return FileResponse(found, headers={"cache-control": cache_control})


def send_built_file(root: Path, path: str, request: Request, cache_control: str) -> FileResponse:
    """A file of the built front end; its gzipped copy ``NAME.gz`` (made by the build) to a browser
    that accepts gzip, so that large files are not compressed again on every request."""
    found = safe_file(root, path)
    if found is None:
        raise HTTPException(404, "not found")
    headers = {"cache-control": cache_control, "vary": "Accept-Encoding"}
    packed = found.with_name(found.name + ".gz")
    if "gzip" in request.headers.get("accept-encoding", "") and packed.is_file():
        media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return FileResponse(packed, media_type=media_type, headers={**headers, "content-encoding": "gzip"})
    return FileResponse(found, headers=headers)


@router.get("/", response_model=None)
def index(folder: Folder) -> Response:
    page = folder.dist / "index.html"
    if not frontend_built(folder.dist):
        return HTMLResponse(_MISSING_FRONTEND.format(path=html.escape(str(page))), status_code=503)
    return FileResponse(page, headers={"cache-control": "no-cache"})


@router.get("/assets/{path:path}")
def assets(folder: Folder, path: str, request: Request) -> FileResponse:
    # Vite puts a content hash in every asset name, so an asset never changes under its name.
    return send_built_file(folder.dist / "assets", path, request, "public, max-age=31536000, immutable")


@router.get("/cesium/{path:path}")
def cesium(folder: Folder, path: str, request: Request) -> FileResponse:
    return send_built_file(folder.dist / "cesium", path, request, "public, max-age=86400")


@router.get("/favicon.svg")
def favicon(folder: Folder) -> FileResponse:
    return send_file(folder.dist, "favicon.svg", "public, max-age=86400")


@router.api_route("/{path:path}", methods=["GET", "HEAD"])
def not_found(path: str) -> JSONResponse:
    return error_response(404, "not found")
