"""What every command shares: the two consoles, bad-input exits, scenario loading."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from samsim.scenario import Scenario, ScenarioError, load

# Wide enough for the results table when piped (Rich would fall back to 80 columns).
out_console = Console(width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True)


def bad_input(lines: list[str]) -> NoReturn:
    """Exit 2 after printing each problem on its own line (a user mistake: no traceback)."""
    for line in lines:
        err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def load_scenario(path: Path) -> Scenario:
    """The scenario at ``path``, or exit 2 with every problem on its own line."""
    try:
        return load(path)
    except ScenarioError as exc:
        bad_input([str(p) for p in exc.problems])


def fmt_s(x: float | None) -> str:
    return "—" if x is None else f"{x:,.1f}"
