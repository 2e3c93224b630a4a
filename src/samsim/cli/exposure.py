"""``samsim exposure``: what each radar of a scenario learns about each aircraft over one run, or its
spread over Monte Carlo runs (a thin shell over :func:`samsim.coverage.exposure.exposure`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from samsim.cli.console import bad_input, check_inputs, err_console, load_scenario, out_console, wide_console
from samsim.cli.tables import Column, fitted_table

if TYPE_CHECKING:
    from samsim.coverage.exposure import ExposureResult, RadarExposure
    from samsim.scenario import Scenario

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
    runs: Annotated[
        int,
        typer.Option(
            "--runs",
            help="Monte Carlo runs, seeded as `samsim mc`: adds each figure's mean and 5-95 % interval.",
        ),
    ] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    wide: Annotated[bool, typer.Option("--wide", help="Every column, however wide the terminal.")] = False,
) -> None:
    """Exposure: per aircraft and radar, the time detected and tracked and the share of the airframe's
    aspects illuminated, from one run, or with --runs N their mean and 5-95 % interval over N runs.

    Writes to OUT exposure.json, exposure.parquet (one row per detection: time, aircraft, radar, band,
    aspect, elevation, range, SNR, RCS estimated from the SNR; run 0's with --runs), aspect_<band>.png
    and report.html.

    Example: samsim exposure examples/f35-training-ankara.yaml -o out/exposure --threats F-35A
    """
    from samsim.coverage.exposure import exposure as compute
    from samsim.coverage.exposure_files import check_exposure_folder, write_exposure
    from samsim.output.files import OutputFolderError

    problems: list[str] = []
    if seed is not None and seed < 0:
        problems.append(f"--seed: must be >= 0, got {seed}")
    if runs < 1:
        problems.append(f"--runs: must be >= 1, got {runs}")
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
    result = _compute_with_progress(compute, sc, types, seed, runs, quiet or runs == 1)
    try:
        write_exposure(result, out)
    except OutputFolderError as exc:
        bad_input([f"-o: {exc}"])
    several = result.runs > 1

    def figure(r: RadarExposure, name: str, text: Callable[[float], str], unit: str = "") -> str:
        if not several:
            return text(getattr(r, name)) + unit
        sp = r.over_runs[name]
        return f"{text(sp.mean)}{unit}\n[dim]{text(sp.p5)}–{text(sp.p95)}{unit}[/]"

    rows = [
        [
            escape(a.id),
            escape(a.type),
            escape(r.battery),
            escape(r.radar),
            r.band,
            str(r.detections),
            figure(r, "detected_s", lambda x: f"{x:,.0f}"),
            figure(r, "tracked_s", lambda x: f"{x:,.0f}"),
            figure(r, "aspect_coverage", lambda x: f"{100.0 * x:.0f}", " %"),
        ]
        for a in result.aircraft
        for r in a.radars
    ]
    console = wide_console if wide else out_console
    title = f"Exposure — {escape(result.scenario)}, seed {result.seed}"
    columns = EXPOSURE_COLUMNS
    caption = None
    if several:
        title += f", {result.runs} runs"
        columns = (*EXPOSURE_COLUMNS[:5], Column("det₀", "right", drop=1), *EXPOSURE_COLUMNS[6:])
        caption = "per cell the mean, under it the 5–95 % interval over the runs; det₀: detections in run 0"
    console.print(fitted_table(console, title, columns, rows, wide=wide, caption=caption))
    out_console.print(f"exposure.json, exposure.parquet, report.html in {out}/")


def _compute_with_progress(
    compute: Callable[..., ExposureResult],
    sc: Scenario,
    types: list[str] | None,
    seed: int | None,
    runs: int,
    quiet: bool,
) -> ExposureResult:
    """The exposure over ``runs`` runs, with a progress bar of the runs on stderr unless ``quiet``."""
    if quiet:
        return compute(sc, threats=types, seed=seed, runs=runs)
    progress = Progress(
        TextColumn("[bold]runs"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err_console,
    )
    task = progress.add_task("runs", total=runs)
    with progress:
        return compute(
            sc,
            threats=types,
            seed=seed,
            runs=runs,
            progress=lambda done, _: progress.update(task, completed=done),
        )
