"""``samsim export``: a run folder in another tool's format (a thin shell over
:func:`samsim.output.exporters.export_run`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from samsim.cli.console import bad_input, out_console


def export(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by samsim run.")],
    out: Annotated[
        Path,
        typer.Option(
            "-o",
            "--out",
            help="File to write: new, or an earlier samsim export of the same format (replaced atomically).",
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="acmi (Tacview), czml (Cesium), kml (Google Earth) or geojson \\[default: OUT's extension].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Export a run for Tacview (ACMI 2.2), Cesium (CZML), Google Earth (KML) or GIS tools (GeoJSON).

    Writes to OUT the threats and interceptors (trajectories, outcomes), batteries, radars and assets.

    Time 0 of the run is 2000-01-01T00:00:00Z in every format: scenarios carry no date.

    Example: samsim export out/raid --format acmi -o out/raid.acmi
    """
    from samsim.output.exporters import ExportError, RunFolderError, export_run

    try:
        written = export_run(run_dir, out, fmt)
    except (ExportError, RunFolderError) as exc:
        bad_input(exc.problems)
    size_kb = out.stat().st_size / 1024
    out_console.print(f"{written.title}: {out} ({size_kb:,.0f} KiB)", markup=False, highlight=False)
