"""Exports: a run folder in the formats other tools read (Tacview ACMI, CZML, KML, GeoJSON).

Each format is one module of this package that registers its writer with :func:`exporter`: a function
``(run_folder, out_file) -> None`` that reads the run folder (:func:`load_run`) and writes
``out_file``. Every module of the package is loaded when it is imported, so a new format is one new
module (docs/architecture.md). :func:`export_run` is what ``samsim export`` calls: it checks the
request, reporting every problem at once, and writes the file atomically (a temporary file beside it,
then one rename), replacing only an earlier samsim export of the same format.
"""

from __future__ import annotations

import importlib
import itertools
import os
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from samsim.output.exporters._run import (
    EPOCH,
    MARK,
    WRITTEN_BY,
    Event,
    Mover,
    RunData,
    RunFolderError,
    Samples,
    Site,
    folder_problems,
    iso,
    load_run,
)
from samsim.registry import Registry

__all__ = [
    "EPOCH",
    "EXPORTERS",
    "MARK",
    "WRITTEN_BY",
    "Event",
    "ExportError",
    "ExportFormat",
    "Exporter",
    "Mover",
    "RunData",
    "RunFolderError",
    "Samples",
    "Site",
    "check_export",
    "export_run",
    "exporter",
    "iso",
    "load_run",
    "written_by_samsim",
]

Exporter = Callable[[Path, Path], None]
"""``(run_folder, out_file) -> None``: write ``out_file`` from the run folder."""

HEAD_BYTES = 4096
"""How much of an existing file is read for the mark of a samsim export (every format writes it in
its header)."""


@dataclass(frozen=True)
class ExportFormat:
    """A registered export format.

    Attributes
    ----------
    name
        What ``--format`` takes (``acmi``).
    suffix
        The file extension the format's readers expect (``.acmi``).
    title
        The format, for people (``Tacview ACMI 2.2``).
    write
        The exporter.
    """

    name: str
    suffix: str
    title: str
    write: Exporter


EXPORTERS: Registry[str, ExportFormat] = Registry("export format")
"""Format name -> :class:`ExportFormat`."""


def exporter(name: str, *, suffix: str, title: str) -> Callable[[Exporter], Exporter]:
    """Register an export format: ``@exporter("acmi", suffix=".acmi", title="Tacview ACMI 2.2")``.

    The decorated function must write :data:`MARK` (in :data:`WRITTEN_BY` or
    :meth:`RunData.description`) within the file's first 4 KiB, in the format's header or description:
    that is how a later export knows it may replace the file.
    """

    def register(write: Exporter) -> Exporter:
        EXPORTERS.add(name, ExportFormat(name=name, suffix=suffix, title=title, write=write))
        return write

    return register


class ExportError(ValueError):
    """A request that cannot be exported as asked; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def written_by_samsim(path: Path, fmt: ExportFormat) -> bool:
    """Whether ``path`` is an earlier samsim export in ``fmt``: its extension, and the mark in its
    header."""
    if path.suffix.lower() != fmt.suffix or not path.is_file():
        return False
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    return MARK.encode() in head


def format_of(fmt: str | None, out_file: Path) -> tuple[ExportFormat | None, list[str]]:
    """The format asked for, else the one whose extension ``out_file`` has, with any problems."""
    known = ", ".join(sorted(EXPORTERS))
    by_suffix = {f.suffix: f for f in EXPORTERS.values()}
    from_suffix = by_suffix.get(out_file.suffix.lower())
    if fmt is None:
        if from_suffix is None:
            return None, [
                f"--format: not given, and {out_file.name} has no format's extension "
                f"({', '.join(sorted(by_suffix))}); give one of {known}"
            ]
        return from_suffix, []
    chosen = EXPORTERS.get(fmt.lower())
    if chosen is None:
        return None, [f"--format: unknown export format {fmt!r} (known: {known})"]
    if from_suffix is not None and from_suffix is not chosen:
        return chosen, [
            f"-o: {out_file.name} has the extension of {from_suffix.name}, not {chosen.name}; "
            f"name the file *{chosen.suffix}"
        ]
    return chosen, []


def check_export(
    run_folder: Path, out_file: Path, fmt: str | None = None
) -> tuple[ExportFormat | None, list[str]]:
    """Everything wrong with exporting ``run_folder`` to ``out_file`` in ``fmt``, one line each.

    ``fmt`` None takes the format from ``out_file``'s extension. ``out_file`` may be new (in an
    existing folder) or an earlier samsim export of the same format; anything else is left alone.
    """
    problems = folder_problems(run_folder)
    chosen, format_problems = format_of(fmt, out_file)
    problems += format_problems
    if out_file.is_dir():
        problems.append(f"-o: {out_file} is a folder; give the file to write")
    elif out_file.exists() or out_file.is_symlink():
        # With a format problem already named, whether the file is an export of it adds nothing.
        if chosen is not None and not format_problems and not written_by_samsim(out_file, chosen):
            problems.append(
                f"-o: {out_file} exists and is not an earlier samsim {chosen.name} export; samsim replaces "
                "only its own exports: choose a new file name"
            )
    elif not out_file.parent.is_dir():
        problems.append(f"-o: the folder {out_file.parent} does not exist")
    return chosen, problems


_TEMPORARY = itertools.count()


def export_run(run_folder: str | Path, out_file: str | Path, fmt: str | None = None) -> ExportFormat:
    """Export the run folder ``run_folder`` to ``out_file`` in ``fmt`` (default: by extension).

    The file appears whole or not at all: the exporter writes a temporary file beside ``out_file``,
    which then replaces it in one rename; on any failure (Ctrl-C included) the temporary file is
    removed and ``out_file`` is as it was.

    Returns
    -------
    ExportFormat
        The format written.

    Raises
    ------
    ExportError
        With every problem of the request (:func:`check_export`); nothing is written.
    RunFolderError
        When a file of the run folder cannot be read.
    """
    run_path, out_path = Path(run_folder), Path(out_file)
    chosen, problems = check_export(run_path, out_path, fmt)
    if problems or chosen is None:
        raise ExportError(problems)
    tmp = out_path.with_name(f".{out_path.name}.tmp-{os.getpid()}-{next(_TEMPORARY)}")
    try:
        chosen.write(run_path, tmp)
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())  # on disk before the rename makes it the file
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return chosen


for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
