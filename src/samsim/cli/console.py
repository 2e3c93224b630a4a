"""What every command shares: the two consoles, bad-input exits and checks, scenario loading."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from samsim.scenario import Scenario, ScenarioError, load

# The terminal's width, or $COLUMNS, or 80 when piped: tables fit it (samsim.cli.tables).
out_console = Console()
err_console = Console(stderr=True)
wide_console = Console(width=1_000)
"""For ``--wide``: tables at their natural width, however wide the terminal."""


def bad_input(lines: list[str]) -> NoReturn:
    """Exit 2 after printing each problem on its own line (a user mistake: no traceback)."""
    for line in lines:
        err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def check_inputs(problems: list[str], out: Path | None, check_folder: Callable[[Path], None]) -> None:
    """The last of a command's input checks: ``check_folder(out)`` (when there is an ``out``) adds its
    complaint about the output folder to ``problems``, then exit 2 listing them all, if there are any."""
    from samsim.output.files import OutputFolderError

    if out is not None:
        try:
            check_folder(out)
        except OutputFolderError as exc:
            problems.append(f"-o: {exc}")
    if problems:
        bad_input(problems)


def load_scenario(path: Path) -> Scenario:
    """The scenario at ``path``, or exit 2 with every problem on its own line."""
    try:
        return load(path)
    except ScenarioError as exc:
        bad_input([str(p) for p in exc.problems])


def fmt_s(x: float | None) -> str:
    return "—" if x is None else f"{x:,.1f}"
