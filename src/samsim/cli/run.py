"""``samsim run`` and ``samsim validate``: one replication, and a scenario check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from samsim.cli.console import (
    bad_input,
    err_console,
    fmt_s,
    load_scenario,
    out_console,
    wide_console,
)
from samsim.cli.tables import Column, fitted_table

if TYPE_CHECKING:
    from samsim.output.result import Result

THREAT_COLUMNS = (
    Column("threat"),
    Column("type"),
    Column("seen s", "right", drop=1),
    Column("km", "right", drop=3),
    Column("firm s", "right", drop=2),
    Column("shots", "right"),
    Column("fate"),
    Column("fate s", "right"),
    Column("killed by", drop=4),
    Column("why"),
)
"""The run table: when first seen (and at what slant range), when the battery held a firm track, shots
fired at it, how it ended, and for a threat no shot was fired at, why not."""

REASON_COLUMNS = (Column("not engaged because"), Column("threats", "right"), Column("by type", wrap=True))
BATTERY_COLUMNS = (
    Column("battery"),
    Column("missile"),
    Column("fired", "right"),
    Column("left", "right"),
    Column("ran out s", "right", drop=1),
)


def threat_table(summary: dict[str, Any], title: str, console: Console, *, wide: bool = False) -> Table:
    colours = {"killed": "green", "leaked": "red", "survived": "yellow"}
    from samsim.output.why import REASON_SHORT

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
                _why(t, REASON_SHORT),
            ]
        )
    return fitted_table(console, title, THREAT_COLUMNS, rows, wide=wide)


def _why(threat: dict[str, Any], short: dict[str, str]) -> str:
    reason = threat.get("unengaged_reason")
    if reason is None:
        return "—"
    return escape(short.get(reason, reason))


def reasons_table(summary: dict[str, Any], console: Console, *, wide: bool = False) -> Table | None:
    """ "Why threats were not engaged": threats per reason, and how many of each type; None when every
    threat was engaged (or the run gives no reasons)."""
    from samsim.output.why import REASON_LABELS, reason_counts

    counts = reason_counts((t["type"], t.get("unengaged_reason")) for t in summary["threats"])
    if not counts:
        return None
    rows = [
        [
            escape(REASON_LABELS.get(reason, reason)),
            str(sum(per_type.values())),
            escape(", ".join(f"{n} {ttype}" for ttype, n in per_type.items())),
        ]
        for reason, per_type in counts.items()
    ]
    return fitted_table(console, "Why threats were not engaged", REASON_COLUMNS, rows, wide=wide)


def battery_table(result: Result, console: Console, *, wide: bool = False) -> Table | None:
    """Missiles fired and left per battery and type, and when the type first ran out on the
    launchers; None when the run reports no batteries."""
    from samsim.output.why import battery_rows

    rows = [
        [escape(r.battery), escape(r.missile_type), str(r.fired), str(r.left), fmt_s(r.empty_s)]
        for r in battery_rows(result)
    ]
    if not rows:
        return None
    return fitted_table(console, "Missiles per battery", BATTERY_COLUMNS, rows, wide=wide)


RADAR_DECEPTION_COLUMNS = (
    Column("battery"),
    Column("radar"),
    Column("looks", "right"),
    Column("pulled off", "right"),
    Column("false targets", "right"),
    Column("blanked", "right", drop=1),
)
JAMMER_DECEPTION_COLUMNS = (
    Column("jammer"),
    Column("type", drop=1),
    Column("firm tracks", "right"),
    Column("seduced", "right"),
    Column("false tracks", "right"),
)


def deception_tables(result: Result, console: Console, *, wide: bool = False) -> list[Table]:
    """What repeater jammers put into each radar's measurements and did to the trackers; no table
    without a repeater jammer."""
    from samsim.output.why import deception_rows

    radars, jammers = deception_rows(result)
    if not jammers:
        return []
    r_rows = [
        [
            escape(r.battery),
            escape(r.radar),
            *(str(n) for n in (r.looks, r.pulled_off, r.false_targets, r.blanked)),
        ]
        for r in radars
    ]
    j_rows = [
        [escape(j.threat), escape(j.type), str(j.tracks), str(j.seduced_tracks), str(j.false_tracks)]
        for j in jammers
    ]
    return [
        fitted_table(console, "Deception jamming per radar", RADAR_DECEPTION_COLUMNS, r_rows, wide=wide),
        fitted_table(console, "Deception jamming per jammer", JAMMER_DECEPTION_COLUMNS, j_rows, wide=wide),
    ]


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
    except KeyboardInterrupt:  # (one surfacing from compiled code as a SystemError: samsim.cli.app.main)
        err_console.print("interrupted; nothing was written")
        raise typer.Exit(130) from None
    if not quiet:
        summary = result.summary()
        tot = summary["totals"]
        console = wide_console if wide else out_console
        console.print(threat_table(summary, f"{sc.name} — seed {result.seed}", console, wide=wide))
        for table in (reasons_table(summary, console, wide=wide), battery_table(result, console, wide=wide)):
            if table is not None:
                console.print(table)
        for table in deception_tables(result, console, wide=wide):
            console.print(table)
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
