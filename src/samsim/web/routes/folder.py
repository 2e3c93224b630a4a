"""The results folder: what it holds (a run or a study, its name and versions) and its files."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse

from samsim._version import __version__
from samsim.web.routes.static import frontend_built, send_file
from samsim.web.security import safe_file
from samsim.web.state import RUN_REPLAY, Folder

router = APIRouter()


@router.get("/files/{path:path}")
def files(folder: Folder, path: str) -> FileResponse:
    """A file of the results folder (read-only; nothing outside it)."""
    return send_file(folder.out, path, "no-cache")


@router.get("/api/info")
def info(folder: Folder) -> dict[str, Any]:
    """What is being served: a run or a study, its name and versions."""
    summary: dict[str, Any] = (
        folder.run.summary if folder.run is not None else (folder.study.summary if folder.study else {})
    )
    name = summary.get("scenario")
    if isinstance(name, dict):
        name = name.get("name")
    return {
        "kind": folder.kind,
        "name": name if isinstance(name, str) else folder.out.name,
        "folder": folder.out.name,
        "samsim_version": __version__,
        "results_version": summary.get("samsim_version"),
        "frontend_built": frontend_built(folder.dist),
        "replay": RUN_REPLAY if folder.run is not None else None,
    }


@router.get("/api/files")
def list_files(folder: Folder) -> dict[str, Any]:
    """The regular, non-hidden files at the top of the results folder."""
    items = []
    for p in sorted(folder.out.iterdir()):
        if p.name.startswith(".") or safe_file(folder.out, p.name) is None:
            continue
        items.append({"name": p.name, "bytes": p.stat().st_size, "url": f"/files/{p.name}"})
    return {"files": items}
