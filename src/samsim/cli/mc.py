"""``samsim mc``: the Monte Carlo study command (a thin shell over :func:`samsim.study.monte_carlo`)."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from samsim.cli.console import bad_input, err_console, out_console, wide_console
from samsim.cli.tables import Column, fitted_table
from samsim.study import SWEEP_HELP

if TYPE_CHECKING:
    import pyarrow as pa


class _RateColumn(ProgressColumn):
    """Runs per second over the runs computed in this session."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("… runs/s" if speed is None else f"{speed:,.1f} runs/s", style="progress.data.speed")


def _ci_pct(stat: dict[str, Any] | None) -> str:
    """A proportion in per cent with its interval on one line: ``41.2 [35.1–47.6]``."""
    if not stat or stat.get("mean") is None:
        return "—"
    text = f"{100 * stat['mean']:.1f}"
    if stat.get("ci"):
        text += f" [dim]\\[{100 * stat['ci'][0]:.1f}–{100 * stat['ci'][1]:.1f}][/]"
    return text


def _ci_num(stat: dict[str, Any] | None) -> str:
    """A mean with its interval on one line: ``1.95 [1.80–2.10]``."""
    if not stat or stat.get("mean") is None:
        return "—"
    text = f"{stat['mean']:.2f}"
    if stat.get("ci"):
        text += f" [dim]\\[{stat['ci'][0]:.2f}–{stat['ci'][1]:.2f}][/]"
    return text


TYPE_COLUMNS = (
    Column("threat type"),
    Column("threats", "right", drop=3),
    Column("P(kill) %", "right"),
    Column("P(leak) %", "right"),
    Column("shots/threat", "right", drop=2),
    Column("intcp/kill", "right", drop=1),
)
"""Per threat type: threats per run, P(kill) and P(leak) in per cent, shots per threat and interceptors
per kill, each mean with its 95 % interval."""


def _type_table(title: str, scopes: list[dict[str, Any]], console: Console, wide: bool) -> Table:
    rows = []
    for t in scopes:
        cells = [
            escape(str(t.get("type"))),
            str(t.get("threats", "—")),
            _ci_pct(t.get("p_kill")),
            _ci_pct(t.get("p_leak")),
            _ci_num(t.get("shots")),
            _ci_num(t.get("interceptors_per_kill")),
        ]
        if t is scopes[-1]:
            cells = [f"[bold]{c}[/]" for c in cells]
        rows.append(cells)
    return fitted_table(console, title, TYPE_COLUMNS, rows, wide=wide)


def results_tables(
    summary: dict[str, Any], console: Console, *, wide: bool = False, max_groups: int = 8
) -> list[Table]:
    """Per threat type and in total: P(kill), P(leak) with 95 % intervals, shots, interceptors per kill;
    one table per sweep group (or, beyond ``max_groups`` groups, one table of the totals per group)."""
    from samsim.output.study_report import group_label

    groups = summary["groups"]
    head = f"{summary['scenario']} — {summary['runs']} runs, seed {summary['seed']} — mean [95 % interval]"
    if len(groups) <= max_groups:
        tables = []
        for g in groups:
            scopes = [*g.get("by_type", []), {"type": "all threats", **(g.get("overall") or {})}]
            title = head if len(groups) == 1 else f"{head}\ngroup {g['group']}: {escape(group_label(g))}"
            tables.append(_type_table(title, scopes, console, wide))
        return tables
    scopes = [{**(g.get("overall") or {}), "type": group_label(g)} for g in groups]
    return [_type_table(f"{head} — all threats, per group", scopes, console, wide)]


REASON_COLUMNS = (
    Column("threat type"),
    Column("no shot/run", "right"),
    Column("why not engaged: threats over all runs", wrap=True),
)


def reasons_table(
    outcomes: pa.Table, runs: int, console: Console, *, wide: bool = False, groups: int = 1
) -> Table | None:
    """Per threat type, why threats were not engaged: the threats of the type no shot was fired at,
    per run, and how many over all ``runs`` runs (of all ``groups`` sweep groups) had each reason
    (the study's ``threat_outcomes``); None when every threat was engaged or the study records no
    reasons."""
    from samsim.output.why import REASON_LABELS, reason_counts

    if outcomes.num_rows == 0 or "unengaged_reason" not in outcomes.column_names or runs <= 0:
        return None
    pairs = zip(
        outcomes.column("type").to_pylist(), outcomes.column("unengaged_reason").to_pylist(), strict=True
    )
    by_reason = reason_counts(pairs)
    if not by_reason:
        return None
    per_type: dict[str, dict[str, int]] = {}
    for t in dict.fromkeys(outcomes.column("type").to_pylist()):
        per_type[t] = {r: by_reason[r][t] for r in by_reason if t in by_reason[r]}
    rows = [
        [
            escape(str(t)),
            f"{sum(counts.values()) / runs:.2f}",
            escape(", ".join(f"{REASON_LABELS.get(r, r)} {n:,}" for r, n in counts.items()) or "—"),
        ]
        for t, counts in per_type.items()
    ]
    title = f"Why threats were not engaged — {runs:,} runs"
    if groups > 1:
        title += f" of {groups} sweep groups together"
    return fitted_table(console, title, REASON_COLUMNS, rows, wide=wide)


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into the same orderly stop as Ctrl-C: the workers are shut down and the runs
    committed so far stay (without it the process dies at once and Python warns of leaked
    semaphores)."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def mc(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (format version 1).")],
    out: Annotated[
        Path, typer.Option("-o", "--out", help="Study folder; re-running on it finishes missing runs.")
    ],
    runs: Annotated[int, typer.Option("--runs", "-n", help="Replications per sweep group.")],
    workers: Annotated[
        int, typer.Option("--workers", "-w", help="Worker processes (1: in this process).")
    ] = 1,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="ADDRESS|local",
            help="Run on a Dask cluster (tcp://host:8786), or 'local' for a LocalCluster of W workers.",
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Study seed (default: the scenario's).")] = None,
    sweep: Annotated[
        list[str] | None,
        typer.Option(
            "--sweep", metavar="PATH=V1,V2", help="Swept scenario field; repeat for a cross product."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no table.")] = False,
    wide: Annotated[bool, typer.Option("--wide", help="Every column, however wide the terminal.")] = False,
) -> None:
    """Monte Carlo study."""  # replaced below by the full help text
    from samsim.scenario import ScenarioError
    from samsim.study import RunFailed, StudyError, monte_carlo

    progress: Progress | None = None
    task_id: Any = None
    state = {"done": 0, "total": 0}

    def report(done: int, total: int) -> None:
        nonlocal progress, task_id
        state["done"], state["total"] = done, total
        if quiet:
            return
        if progress is None:
            progress = Progress(
                TextColumn("[bold]runs"),
                BarColumn(),
                MofNCompleteColumn(),
                _RateColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=err_console,
                transient=False,
            )
            progress.start()
            task_id = progress.add_task("runs", total=total, completed=done)
        else:
            progress.update(task_id, completed=done, total=total)

    started = time.perf_counter()
    previous_term = signal.signal(signal.SIGTERM, _terminated)
    try:
        result = monte_carlo(
            scenario, out, runs, workers=workers, dask=dask, seed=seed, sweeps=sweep or None, progress=report
        )
    except ScenarioError as exc:
        bad_input([str(p) for p in exc.problems])
    except StudyError as exc:
        bad_input(exc.problems)
    except KeyboardInterrupt as exc:
        if progress is not None:
            progress.stop()
        err_console.print(
            f"{'terminated' if isinstance(exc, Terminated) else 'interrupted'}: {state['done']} of "
            f"{state['total']} runs are saved in {out}/; run the same command again to finish the study",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(143 if isinstance(exc, Terminated) else 130) from None
    except RunFailed as exc:
        if progress is not None:
            progress.stop()
        err_console.print(f"internal error: {exc}", markup=False, highlight=False)
        err_console.print(f"runs finished before it are saved in {out}/", markup=False, highlight=False)
        raise typer.Exit(1) from None
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        if progress is not None:
            progress.stop()
    if not quiet:
        elapsed = time.perf_counter() - started
        console = wide_console if wide else out_console
        for table in results_tables(result.summary, console, wide=wide):
            console.print(table)
        runs_done = result.table("runs").num_rows
        why = reasons_table(
            result.table("threat_outcomes"), runs_done, console, wide=wide, groups=result.groups
        )
        if why is not None:
            console.print(why)
        rate = f" ({result.new_runs / elapsed:,.1f} runs/s)" if result.new_runs and elapsed > 0 else ""
        out_console.print(
            f"{result.runs} runs × {result.groups} group(s), {result.new_runs} computed now{rate}. "
            f"Results in {escape(str(out))}/: summary.json, report.html, results.duckdb, *.parquet"
        )


mc.__doc__ = escape(
    "Run a Monte Carlo study: replications with confidence intervals, resumable, optionally sweeping "
    "scenario parameters.\n\n"
    "Run i uses the i-th child of SeedSequence(SEED), so results do not depend on --workers or --dask. "
    "OUT gets results.duckdb (tables runs, threat_outcomes, interceptors), the same tables as Parquet, "
    "summary.json (means and 95 % intervals) and report.html. Interrupted (Ctrl-C, kill)? Run the same "
    "command again: only the missing runs are computed; a larger --runs extends the study. A different "
    "scenario, sweep or seed on an existing OUT is refused.\n\n"
    + SWEEP_HELP.replace("\n", " ")
    + "\n\nExamples:\n\n"
    "samsim mc examples/raid-48.yaml -o out/raid-mc --runs 200 --workers 2\n\n"
    "samsim mc examples/raid-48.yaml -o out/salvo --runs 100 --sweep doctrine.salvo=1,2 "
    "--sweep batteries[0].position.lat_deg=39.9,40.1"
)
