"""``samsim run`` and ``samsim validate``: one replication, and a scenario check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from samsim.cli.console import bad_input, err_console, fmt_s, load_scenario, out_console, wide_console
from samsim.cli.tables import Column, fitted_table

THREAT_COLUMNS = (
    Column("threat"),
    Column("type"),
    Column("seen s", "right"),
    Column("km", "right", drop=2),
    Column("firm s", "right", drop=1),
    Column("shots", "right"),
    Column("fate"),
    Column("fate s", "right"),
    Column("killed by", drop=3),
)
"""The run table: when first seen (and at what slant range), when the battery held a firm track, shots
fired at it, and how it ended."""


def threat_table(summary: dict[str, Any], title: str, console: Console, *, wide: bool = False) -> Table:
    colours = {"killed": "green", "leaked": "red", "survived": "yellow"}
    rows = []
    for t in summary["threats"]:
        fate = t["fate"]
        km = t.get("first_detected_range_m")
        rows.append(
            [
                escape(t["id"]),
                escape(t["type"]),
                fmt_s(t["first_detected_s"]),
                "—" if km is None else f"{km / 1000:,.0f}",
                fmt_s(t["first_track_s"]),
                str(t["shots"]),
                f"[{colours.get(fate, 'white')}]{fate}[/]",
                fmt_s(t["fate_s"]),
                escape(t["killed_by"] or "—"),
            ]
        )
    return fitted_table(console, title, THREAT_COLUMNS, rows, wide=wide)


def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (format version 1).")],
    out: Annotated[
        Path,
        typer.Option(
            "-o", "--out", help="Output folder: new, empty, or a previous run's (replaced atomically)."
        ),
    ],
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (default: the scenario's).")] = None,
    run_index: Annotated[
        int | None,
        typer.Option("--run", help="Reproduce replication RUN of a Monte Carlo study made with --seed."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No table on stdout.")] = False,
    wide: Annotated[bool, typer.Option("--wide", help="Every column, however wide the terminal.")] = False,
) -> None:
    """Run one replication: a results table on stdout, and in OUT summary.json, events.parquet,
    trajectories.parquet and report.html.

    Example: samsim run examples/raid-48.yaml -o out/raid --seed 3
    """
    from samsim.output.files import OutputFolderError
    from samsim.output.writers import check_run_folder, write_run
    from samsim.sim.engine import simulate

    if seed is not None and seed < 0:
        bad_input([f"--seed: must be >= 0, got {seed}"])
    if run_index is not None and run_index < 0:
        bad_input([f"--run: must be >= 0, got {run_index}"])
    sc = load_scenario(scenario)
    try:
        check_run_folder(out)
        result = simulate(sc, seed=seed, run=run_index)
        # The run is done: from here a Ctrl-C is ignored, so the (atomic, short) write and the table
        # always finish and the exit status never says "interrupted" for results that were written.
        _ignore_interrupts()
        write_run(result, out)
    except OutputFolderError as exc:
        bad_input([f"-o: {exc}"])
    except KeyboardInterrupt:
        err_console.print("interrupted; nothing was written")
        raise typer.Exit(130) from None
    if not quiet:
        summary = result.summary()
        tot = summary["totals"]
        console = wide_console if wide else out_console
        console.print(threat_table(summary, f"{sc.name} — seed {result.seed}", console, wide=wide))
        out_console.print(
            f"{tot['threats']} threats: [green]{tot['killed']} killed[/], [red]{tot['leaked']} leaked[/], "
            f"[yellow]{tot['survived']} survived[/]; {tot['interceptors_fired']} interceptors fired. "
            f"Results in {out}/"
        )


def validate(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file to check.")],
) -> None:
    """Check a scenario: exit 0 if valid, else exit 2 listing every problem as FILE:LINE: field: message."""
    sc = load_scenario(scenario)
    n_threats = sum(t.count for t in sc.threats)
    out_console.print(
        f"{scenario}: valid — {len(sc.batteries)} batteries, {n_threats} threats, {len(sc.assets)} assets, "
        f"{sc.duration_s:g} s"
    )


def _ignore_interrupts() -> None:
    """Ignore SIGINT from now on (main thread only; a signal already pending is discarded too)."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
