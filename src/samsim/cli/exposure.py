"""``samsim exposure``: what each radar of a scenario learns about each aircraft over one run (a thin
shell over :func:`samsim.coverage.exposure.exposure`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from samsim.cli.console import bad_input, check_inputs, load_scenario, out_console, wide_console
from samsim.cli.tables import Column, fitted_table

EXPOSURE_COLUMNS = (
    Column("aircraft"),
    Column("type", drop=3),
    Column("battery", drop=2),
    Column("radar"),
    Column("band"),
    Column("det", "right", drop=1),
    Column("detected s", "right"),
    Column("tracked s", "right"),
    Column("aspects", "right"),
)


def exposure(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (format version 1).")],
    out: Annotated[
        Path,
        typer.Option("-o", "--out", help="Output folder: new, empty, or earlier exposure output (replaced)."),
    ],
    threats: Annotated[
        str | None,
        typer.Option(
            "--threats", help="Threat types to report, comma-separated \\[default: every aircraft]."
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (default: the scenario's).")] = None,
    wide: Annotated[bool, typer.Option("--wide", help="Every column, however wide the terminal.")] = False,
) -> None:
    """Exposure: per aircraft and radar, the time detected and tracked and the share of the airframe's
    aspects illuminated, from one run.

    Writes to OUT exposure.json, exposure.parquet (one row per detection: time, aircraft, radar, band,
    aspect, elevation, range, SNR, RCS estimated from the SNR), aspect_<band>.png and report.html.

    Example: samsim exposure examples/f35-training-ankara.yaml -o out/exposure --threats F-35A
    """
    from samsim.coverage.exposure import exposure as compute
    from samsim.coverage.exposure_files import check_exposure_folder, write_exposure
    from samsim.output.files import OutputFolderError

    problems: list[str] = []
    if seed is not None and seed < 0:
        problems.append(f"--seed: must be >= 0, got {seed}")
    types = [t.strip() for t in threats.split(",") if t.strip()] if threats is not None else None
    if types is not None and not types:
        problems.append("--threats: give one or more threat types, comma-separated")
    check_inputs(problems, out, check_exposure_folder)
    sc = load_scenario(scenario)
    if types:
        known = sorted({t.type for t in sc.threats})
        unknown = [t for t in types if t not in known]
        if unknown:
            bad_input([f"--threats: {', '.join(unknown)} not in the scenario; its types: {', '.join(known)}"])
    result = compute(sc, threats=types, seed=seed)
    try:
        write_exposure(result, out)
    except OutputFolderError as exc:
        bad_input([f"-o: {exc}"])
    rows = [
        [
            escape(a.id),
            escape(a.type),
            escape(r.battery),
            escape(r.radar),
            r.band,
            str(r.detections),
            f"{r.detected_s:,.0f}",
            f"{r.tracked_s:,.0f}",
            f"{100.0 * r.aspect_coverage:.0f} %",
        ]
        for a in result.aircraft
        for r in a.radars
    ]
    console = wide_console if wide else out_console
    console.print(
        fitted_table(
            console,
            f"Exposure — {escape(result.scenario)}, seed {result.seed}",
            EXPOSURE_COLUMNS,
            rows,
            wide=wide,
        )
    )
    out_console.print(f"exposure.json, exposure.parquet, report.html in {out}/")
