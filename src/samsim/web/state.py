"""What the app serves, shared by its routes: the results folder, its kind, its data, the replay cache.

:func:`samsim.web.app.create_app` opens one :class:`ServedFolder` and keeps it in ``app.state``; a
route asks for it with the :data:`Folder` dependency, so that two apps in one process (as in the
tests) never share state.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from starlette.exceptions import HTTPException

from samsim.web.data import DataError, RunData, folder_kind
from samsim.web.replay import ReplayCache
from samsim.web.study_data import StudyData

RUN_REPLAY = "run"
"""The replay id of the run folder itself (study runs get theirs from :func:`replay_id`)."""


@dataclass(frozen=True)
class ServedFolder:
    """The results folder being served and everything read from it."""

    out: Path
    """The results folder (resolved); the only folder whose files are served."""
    dist: Path
    """The built front end (resolved)."""
    kind: str
    """``"run"`` or ``"study"``."""
    run: RunData | None
    study: StudyData | None
    cache: ReplayCache
    """Study runs re-simulated for replay."""

    @classmethod
    def open(cls, out: str | Path, dist: Path, replay_root: Path | None) -> ServedFolder:
        """Read the results folder ``out``.

        Raises
        ------
        DataError
            When ``out`` is not a results folder.
        """
        out_dir = Path(out).resolve()
        if not out_dir.is_dir():
            raise DataError(f"{out}: no such folder")
        kind = folder_kind(out_dir)
        if kind is None:
            raise DataError(
                f"{out}: not a samsim results folder (expected summary.json and trajectories.parquet "
                "from `samsim run`, or runs.parquet / results.duckdb from `samsim mc`)"
            )
        cache = ReplayCache(root=replay_root)
        return cls(
            out=out_dir,
            dist=dist.resolve(),
            kind=kind,
            run=RunData(out_dir) if kind == "run" else None,
            # The study's database is copied into the server's private folder to be read.
            study=StudyData(out_dir, cache.root / ".study") if kind == "study" else None,
            cache=cache,
        )

    def replay(self, rid: str) -> RunData:
        """The run folder (``rid == "run"``) or a study run already re-simulated into the cache."""
        if rid == RUN_REPLAY and self.run is not None:
            return self.run
        found = self.cache.get(rid)
        if found is None:
            raise HTTPException(
                404, f"no replay {rid!r}" + ("; open it from the study's table" if self.study else "")
            )
        return found

    def need_study(self) -> StudyData:
        """The study, its tables re-read if they changed (the study may still be running)."""
        if self.study is None:
            raise HTTPException(404, "this folder is a single run, not a study")
        self.study.refresh()
        return self.study

    def need_study_group(self, group: str | None) -> tuple[StudyData, str | None]:
        """The study, and ``group`` once checked to be one of its groups (None means all of them)."""
        study = self.need_study()
        if group is not None and not study.has_group(group):
            raise HTTPException(404, f"no group {group!r} in this study")
        return study, group


async def served_folder(request: Request) -> ServedFolder:
    # async: a plain attribute read need not hop to the thread pool as a sync dependency would.
    folder: ServedFolder = request.app.state.folder
    return folder


Folder = Annotated[ServedFolder, Depends(served_folder)]
"""A route parameter of this type receives the app's :class:`ServedFolder`."""
