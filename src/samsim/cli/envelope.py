"""``samsim envelope``: the kinematic engagement envelope of a catalog interceptor (a thin shell over
:func:`samsim.coverage.envelope.envelope`)."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from samsim import catalog
from samsim.cli.console import bad_input, check_inputs, out_console, wide_console
from samsim.cli.tables import Column, fitted_table


def _km(x: float) -> str:
    return "—" if math.isnan(x) else f"{x / 1000.0:,.1f}"


def envelope_table(env: object, console: Console, *, wide: bool = False) -> Table:
    """Per target altitude: head-on and receding far edges, the target's range at launch, time of flight."""
    from samsim.coverage.envelope import Envelope

    assert isinstance(env, Envelope)
    rows = [
        [
            f"{r.target_alt_m / 1000.0:g}",
            _km(r.max_range_m),
            _km(r.launch_range_m),
            "—" if math.isnan(r.time_of_flight_s) else f"{r.time_of_flight_s:.0f}",
            _km(r.receding_range_m),
            _km(r.no_escape_range_m),
        ]
        for r in env.rows
    ]
    columns = (
        Column("alt km", "right"),
        Column("head-on km", "right"),
        Column("at launch km", "right", drop=2),
        Column("flight s", "right", drop=3),
        Column("receding km", "right", drop=1),
        Column("no-escape km", "right"),
    )
    best = env.max_range_m
    if math.isnan(best):
        verdict = f"no intercept found (published {env.published_max_range_m / 1000:,.0f} km)"
    else:
        published = env.published_max_range_m
        diff = 100.0 * (best / published - 1.0)
        verdict = f"emergent maximum range {best / 1000:,.1f} km, published {published / 1000:,.0f} km"
        verdict += f" ({diff:+.0f} %)"
    fuze = f"fuze timer {env.fuze_s:g} s" if env.fuze else "no fuze timer"
    return fitted_table(
        console,
        f"{env.interceptor}: kinematic envelope, {env.target_speed_mps:g} m/s target, {fuze}",
        columns,
        rows,
        wide=wide,
        caption=(
            f"{verdict}\n"
            "slant ranges from the launcher; head-on: farthest intercept, target's range at launch, flight "
            "time; receding: the target turns tail at launch; no-escape: its range at launch (inside it, "
            "running does not save it); —: no intercept"
        ),
    )


def envelope_cmd(
    name: Annotated[str, typer.Argument(help="A catalog interceptor (samsim catalog lists them).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    no_fuze: Annotated[
        bool, typer.Option("--no-fuze", help="Without the fuze / self-destruct timer: the range is energy's.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "-o", "--out", help="Folder for envelope_NAME.png and envelope_NAME.json (new or earlier)."
        ),
    ] = None,
    target_speed_mps: Annotated[
        float, typer.Option("--target-speed-mps", help="Speed of the head-on and receding targets, m/s.")
    ] = 250.0,
    wide: Annotated[
        bool, typer.Option("--wide", help="Show every column, however narrow the terminal.")
    ] = False,
) -> None:
    """Kinematic engagement envelope of an interceptor: maximum intercept range against target altitude,
    head-on and receding, and the no-escape zone, flown by the 3-DOF flyout (no timer fitted: the range
    comes from energy, the drag polar and the end-game criterion).

    Example: samsim envelope 48N6E3 -o out/envelope
    """
    from samsim.coverage.envelope import check_envelope_folder, envelope, write_envelope
    from samsim.output.files import OutputFolderError

    known = catalog.names("interceptor")
    key = {k.lower(): k for k in known}.get(name.lower())
    if key is None:
        bad_input([f"envelope: {catalog.unknown_name('interceptor', name, known)}"])
    problems = []
    if not (math.isfinite(target_speed_mps) and 0.0 <= target_speed_mps <= 2_000.0):
        problems.append(f"--target-speed-mps: must be between 0 and 2000 m/s, got {target_speed_mps:g}")
    check_inputs(problems, out, check_envelope_folder)
    t0 = time.perf_counter()
    env = envelope(catalog.interceptor(key), target_speed_mps=target_speed_mps, fuze=not no_fuze)
    paths: list[Path] = []
    if out is not None:
        try:
            paths = write_envelope(env, out)
        except OutputFolderError as exc:  # something appeared in OUT meanwhile
            bad_input([f"-o: {exc}"])
    if as_json:
        out_console.print_json(json.dumps(env.as_json()))
        return
    console = wide_console if wide else out_console
    console.print(envelope_table(env, console, wide=wide))
    if paths:
        names = ", ".join(p.name for p in paths)
        out_console.print(f"{names} in {out}/ ({time.perf_counter() - t0:.1f} s)")
