"""``samsim run`` and ``samsim validate``: one replication, and a scenario check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from samsim.cli.console import bad_input, err_console, fmt_s, load_scenario, out_console


def threat_table(summary: dict[str, Any], title: str) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for col, justify in [
        ("threat", "left"),
        ("type", "left"),
        ("detected s", "right"),
        ("range km", "right"),
        ("firm track s", "right"),
        ("shots", "right"),
        ("fate", "left"),
        ("fate s", "right"),
        ("killed by", "left"),
    ]:
        table.add_column(col, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    colours = {"killed": "green", "leaked": "red", "survived": "yellow"}
    for t in summary["threats"]:
        fate = t["fate"]
        table.add_row(
            t["id"],
            t["type"],
            fmt_s(t["first_detected_s"]),
            "—" if t.get("first_detected_range_m") is None else f"{t['first_detected_range_m'] / 1000:,.0f}",
            fmt_s(t["first_track_s"]),
            str(t["shots"]),
            f"[{colours.get(fate, 'white')}]{fate}[/]",
            fmt_s(t["fate_s"]),
            t["killed_by"] or "—",
        )
    return table


def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (format version 1).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder (replaced atomically).")],
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (default: the scenario's).")] = None,
    run_index: Annotated[
        int | None,
        typer.Option("--run", help="Reproduce replication RUN of a Monte Carlo study made with --seed."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No table on stdout.")] = False,
) -> None:
    """Run one replication: a results table on stdout, and in OUT summary.json, events.parquet,
    trajectories.parquet and report.html.

    Example: samsim run examples/raid-48.yaml -o out/raid --seed 3
    """
    from samsim.output.writers import write_run
    from samsim.sim.engine import simulate

    if seed is not None and seed < 0:
        bad_input([f"--seed: must be >= 0, got {seed}"])
    if run_index is not None and run_index < 0:
        bad_input([f"--run: must be >= 0, got {run_index}"])
    sc = load_scenario(scenario)
    try:
        result = simulate(sc, seed=seed, run=run_index)
        write_run(result, out)
    except KeyboardInterrupt:
        err_console.print("interrupted; nothing was written")
        raise typer.Exit(130) from None
    if not quiet:
        summary = result.summary()
        tot = summary["totals"]
        out_console.print(threat_table(summary, f"{sc.name} — seed {result.seed}"))
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
