"""``samsim coverage``: detection and engagement coverage maps, GeoJSON footprints, range-altitude
diagrams and a site comparison (a thin shell over :func:`samsim.coverage.coverage`).

Registered in :mod:`samsim.cli` with ``context_settings`` that let ``--alt-m`` take several numbers in a
row (``--alt-m 50 500 5000``); click options take one value each, so the numbers after the first
arrive as extra arguments and are checked here.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from samsim.cli.console import bad_input, check_inputs, load_scenario, out_console
from samsim.cli.tables import Column, fitted_table

CONTEXT_SETTINGS = {"allow_extra_args": True, "ignore_unknown_options": True}
"""Click settings the command is registered with (extra numbers after ``--alt-m``)."""


def _float_args(values: list[str]) -> list[float] | None:
    out: list[float] = []
    for v in values:
        try:
            out.append(float(v))
        except ValueError:
            return None
    return out


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def coverage(
    ctx: typer.Context,
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (format version 1).")],
    out: Annotated[
        Path,
        typer.Option("-o", "--out", help="Output folder: new, empty, or earlier coverage output (replaced)."),
    ],
    alt_m: Annotated[
        list[float] | None,
        typer.Option(
            "--alt-m",
            help="Target altitudes, m, one or more: --alt-m 50 500 5000 \\[default: 50 500 5000].",
            show_default=False,
        ),
    ] = None,
    agl: Annotated[
        bool, typer.Option("--agl/--msl", help="Altitudes above the ground under the target, or above MSL.")
    ] = True,
    rcs_m2: Annotated[
        float | None, typer.Option("--rcs-m2", help="Target radar cross-section, m² \\[default: 1].")
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help="Catalog threat type instead of --rcs-m2: each radar sees its RCS table in its band.",
        ),
    ] = None,
    aspect: Annotated[
        str,
        typer.Option(
            "--aspect",
            help="With --target: degrees from the nose (0-180), nose, beam, tail, or the envelopes worst "
            "(covered from every aspect) and best.",
        ),
    ] = "nose",
    pd: Annotated[
        float, typer.Option("--pd", help="Probability of detection per look that counts as covered.")
    ] = 0.5,
    swerling: Annotated[
        int | None,
        typer.Option(
            "--swerling", help="Target fluctuation, 0, 1 or 3 \\[default: each radar's calibration case]."
        ),
    ] = None,
    compare: Annotated[
        bool,
        typer.Option("--compare", help="Print covered and overlapping areas per battery; write compare.csv."),
    ] = False,
    az_step_deg: Annotated[
        float, typer.Option("--az-step-deg", help="Azimuth step of the polar grid, degrees.")
    ] = 0.5,
    range_step_m: Annotated[
        float | None,
        typer.Option(
            "--range-step-m", help="Range step of the polar grid, m \\[default: farthest reach / 1000]."
        ),
    ] = None,
    jam_at_s: Annotated[
        float | None,
        typer.Option(
            "--jam-at-s",
            help="Add a 'with jamming' layer: the scenario's jammers where they fly at this time, s "
            "(burn-through contours on the maps, kind 'jammed' in the GeoJSON).",
        ),
    ] = None,
) -> None:
    """Coverage maps: where each battery detects, and can engage, a target of given RCS at given altitudes.

    Writes to OUT per battery: a map per altitude (coverage_<battery>_<alt>m.png), the footprints as GeoJSON
    (coverage_<battery>.geojson), and a range-altitude diagram per radar (profile_<battery>_<radar>.png).

    Example: samsim coverage examples/site-compare.yaml -o out/sites --alt-m 50 500 5000 --compare
    """
    from samsim.coverage import DEFAULT_ALT_M, write_coverage
    from samsim.coverage import coverage as compute
    from samsim.coverage.files import check_coverage_folder
    from samsim.models.terrain import TerrainError
    from samsim.output.files import OutputFolderError

    problems: list[str] = []
    alts = list(alt_m) if alt_m else []
    extra = list(ctx.args)
    if extra:
        numbers = _float_args(extra)
        if numbers is None or not alt_m:
            unknown = next((a for a in extra if a.startswith("-")), None)
            what = f"no such option: {unknown}" if unknown else f"unexpected argument(s): {' '.join(extra)}"
            bad_input([f"coverage: {what} (see samsim coverage --help)"])
        alts += numbers
    if not alts:
        alts = list(DEFAULT_ALT_M)
    for a in alts:
        if not (math.isfinite(a) and a >= 0.0):
            problems.append(f"--alt-m: altitudes must be finite and >= 0 m, got {a:g}")
    if rcs_m2 is not None and not (math.isfinite(rcs_m2) and rcs_m2 > 0.0):
        problems.append(f"--rcs-m2: must be > 0, got {rcs_m2:g}")
    if rcs_m2 is not None and target is not None:
        problems.append("--target: give --rcs-m2 or --target, not both")
    aspect_value: float | str = aspect
    if aspect not in ("nose", "beam", "tail", "worst", "best"):
        try:
            aspect_value = float(aspect)
        except ValueError:
            aspect_value = math.nan
        if not (0.0 <= aspect_value <= 180.0):
            problems.append(f"--aspect: must be 0-180 degrees or nose, beam, tail, worst, best; got {aspect}")
    if not (0.0 < pd < 1.0):
        problems.append(f"--pd: must be between 0 and 1 (exclusive), got {pd:g}")
    if swerling is not None and swerling not in (0, 1, 3):
        problems.append(f"--swerling: must be 0, 1 or 3, got {swerling}")
    if not (math.isfinite(az_step_deg) and 0.01 <= az_step_deg <= 45.0):
        problems.append(f"--az-step-deg: must be between 0.01 and 45, got {az_step_deg:g}")
    if range_step_m is not None and not (math.isfinite(range_step_m) and range_step_m >= 1.0):
        problems.append(f"--range-step-m: must be >= 1 m, got {range_step_m:g}")
    check_inputs(problems, out, check_coverage_folder)
    sc = load_scenario(scenario)
    t0 = time.perf_counter()
    try:
        result = compute(
            sc,
            alt_m=alts,
            rcs_m2=1.0 if rcs_m2 is None else rcs_m2,
            pd_threshold=pd,
            agl=agl,
            swerling=swerling,
            az_step_deg=az_step_deg,
            range_step_m=range_step_m,
            jam_at_s=jam_at_s,
            target=target,
            aspect=aspect_value,
        )
    except TerrainError as exc:
        bad_input([f"{scenario}: environment.terrain: {exc}"])
    except ValueError as exc:
        bad_input([f"{scenario}: {exc}"])
    try:
        paths = write_coverage(result, out, compare=compare)
    except OutputFolderError as exc:  # something appeared in OUT while the maps were computed
        bad_input([f"-o: {exc}"])
    elapsed = time.perf_counter() - t0
    if compare:
        out_console.print(compare_table(result, out_console))
    ref = "AGL" if result.agl else "MSL"
    n_png = sum(1 for p in paths if p.suffix == ".png")
    n_geojson = sum(1 for p in paths if p.suffix == ".geojson")
    alt_list = ", ".join(f"{a:g}" for a in result.alt_m)
    out_console.print(
        f"{_count(len(result.sites), 'battery', 'batteries')} x {_count(len(result.alt_m), 'altitude')} "
        f"({alt_list} m {ref}), "
        f"{result.rcs_text}, Pd ≥ {result.pd_threshold:g}: {n_png} PNG, {n_geojson} GeoJSON"
        + (", compare.csv" if compare else "")
        + f" in {out}/ ({elapsed:.1f} s)"
    )


def compare_table(result: object, console: Console, *, wide: bool = False) -> Table:
    """Covered area per battery and altitude (detection / engagement), then the overlaps."""
    from samsim.coverage import CoverageResult, alt_label

    assert isinstance(result, CoverageResult)
    rows = result.compare()
    ref = "AGL" if result.agl else "MSL"
    value = {(r.battery, r.other, r.kind, r.alt_m): r.area_km2 for r in rows}
    cells, sections, styles = [], [], []
    for i, alt in enumerate(result.alt_m):
        keys = list(dict.fromkeys((r.battery, r.other) for r in rows if r.alt_m == alt))
        for j, (battery, other) in enumerate(keys):
            cells.append(
                [
                    alt_label(alt) if j == 0 else "",
                    escape(battery if other is None else f"{battery} ∩ {other}"),
                    f"{value[(battery, other, 'detection', alt)]:,.0f}",
                    f"{value[(battery, other, 'engagement', alt)]:,.0f}",
                ]
            )
            sections.append(j == len(keys) - 1 and i < len(result.alt_m) - 1)
            styles.append("dim" if other is not None else None)
    columns = (
        Column(f"alt m {ref}", "right"),
        Column("battery / overlap", wrap=True),
        Column("detect km²", "right"),
        Column("engage km²", "right"),
    )
    return fitted_table(
        console,
        f"Covered area, km² ({result.rcs_text}, Pd ≥ {result.pd_threshold:g} per look)",
        columns,
        cells,
        wide=wide,
        caption="detect: any radar of the battery; engage: any interceptor (static envelope); ∩: overlap",
        sections=sections,
        styles=styles,
    )
