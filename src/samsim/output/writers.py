"""Output writers: the files ``samsim run`` puts in its output folder, one registered writer each.

To add a file to every run's output, write a function ``(result, path) -> None`` that writes
``path`` and register it with :func:`run_writer`; :func:`write_run` calls every registered writer, in
registration order, inside one atomic folder swap (:func:`samsim.output.files.atomic_dir`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from samsim.output.files import atomic_dir, check_output_folder, write_parquet
from samsim.output.result import Result, summary_json
from samsim.output.run_report import render_run_report
from samsim.registry import Registry

RunWriter = Callable[[Result, Path], None]
RUN_WRITERS: Registry[str, RunWriter] = Registry("run writer")
"""File name -> the function that writes it from a :class:`Result`."""
run_writer = RUN_WRITERS.register
"""Register a file of every run's output folder: ``@run_writer("name.ext")``."""


@run_writer("summary.json")
def _summary(result: Result, path: Path) -> None:
    path.write_text(summary_json(result), encoding="utf-8")


@run_writer("scene.json")
def _scene(result: Result, path: Path) -> None:
    path.write_text(json.dumps(result.scene, indent=2) + "\n", encoding="utf-8")


@run_writer("events.parquet")
def _events(result: Result, path: Path) -> None:
    write_parquet(result.events, path)


@run_writer("trajectories.parquet")
def _trajectories(result: Result, path: Path) -> None:
    write_parquet(result.trajectories, path)


@run_writer("report.html")
def _report(result: Result, path: Path) -> None:
    path.write_text(render_run_report(result), encoding="utf-8")


RUN_KIND = "samsim run"


def check_run_folder(out: str | Path) -> None:
    """Refuse (:class:`~samsim.output.files.OutputFolderError`) an ``out`` that holds anything but a
    previous run's files, before a run is computed."""
    check_output_folder(Path(out), RUN_KIND, RUN_WRITERS.__contains__)


def write_run(result: Result, out: str | Path) -> Path:
    """Write every registered run file (summary, events, trajectories, scene, report) into ``out``.

    The folder appears whole or not at all: an interrupted write leaves ``out`` as it was. ``out``
    must be new, empty, or a previous run's folder; anything else raises
    :class:`~samsim.output.files.OutputFolderError` and nothing is written.
    """
    out_path = Path(out)
    with atomic_dir(out_path, kind=RUN_KIND, owns=RUN_WRITERS.__contains__) as tmp:
        for filename, write in RUN_WRITERS.items():
            write(result, tmp / filename)
    return out_path
