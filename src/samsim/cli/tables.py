"""Tables that fit the terminal: columns are dropped, least important first, until the table's natural
width fits; ``--wide`` keeps them all. A dropped column is named under the table, so nothing is
silently lost. Every command's tables go through :func:`fitted_table`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

MIN_WIDTH = 40
"""Below this many columns the terminal is taken to be 80 wide (a pipe that reports nothing)."""


@dataclass(frozen=True)
class Column:
    """One column: header, alignment, and how soon it goes when space is short (0 never goes;
    higher numbers go first)."""

    header: str
    justify: Literal["left", "right", "center"] = "left"
    drop: int = 0
    wrap: bool = False  # long text may wrap inside the cell instead of widening it


def fitted_table(
    console: Console,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    wide: bool = False,
    caption: str | None = None,
    sections: Sequence[bool] | None = None,
    styles: Sequence[str | None] | None = None,
) -> Table:
    """A Rich table of ``rows`` (markup allowed) whose natural width fits ``console``'s width.

    Columns with ``drop > 0`` are removed, highest ``drop`` first, while the table is wider than the
    console; with ``wide`` every column stays (the caller prints on a console wide enough).
    ``sections[i]`` ends a section after row i; ``styles[i]`` styles row i.
    """
    width = console.width if console.width >= MIN_WIDTH else 80
    keep = list(range(len(columns)))
    order = sorted((c.drop, i) for i, c in enumerate(columns) if c.drop > 0)
    while True:
        table = _build(
            title, [columns[i] for i in keep], [[r[i] for i in keep] for r in rows], sections, styles
        )
        if wide or not order or _natural_width(console, table) <= width:
            break
        keep.remove(order.pop()[1])
    dropped = [columns[i].header for i in range(len(columns)) if i not in keep]
    notes = [caption] if caption else []
    if dropped:
        notes.append(f"not shown at this width: {', '.join(dropped)} (--wide shows every column)")
    if notes:
        table.caption = "\n".join(notes)
        table.caption_justify = "left"
    return table


def _build(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    sections: Sequence[bool] | None,
    styles: Sequence[str | None] | None,
) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for c in columns:
        table.add_column(c.header, justify=c.justify, no_wrap=not c.wrap, overflow="fold")
    for i, row in enumerate(rows):
        table.add_row(
            *row,
            end_section=bool(sections[i]) if sections is not None else False,
            style=styles[i] if styles is not None else None,
        )
    return table


def _natural_width(console: Console, table: Table) -> int:
    """The table's width when nothing wraps, except wrapping columns, counted at their longest word."""
    options = console.options.update_width(10_000)
    total = 0
    for col in table.columns:
        cells = [col.header, *col.cells]
        widths = []
        for cell in cells:
            m = Measurement.get(console, options, cell)
            widths.append(m.minimum if not col.no_wrap else m.maximum)
        total += max(widths, default=0) + 3  # padding and the vertical rule
    return total + 1
