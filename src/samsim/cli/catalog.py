"""``samsim catalog``: the built-in systems and threats, each figure with its public source."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from samsim import catalog
from samsim.cli.console import bad_input, out_console
from samsim.cli.tables import Column, fitted_table


def _figure_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return f"{value:,}" if abs(value) >= 1000 else f"{value:g}"
    if isinstance(value, dict) and "aspect_deg" in value and "bands" in value:  # an rcs_table, m²
        head = "aspect " + ", ".join(f"{a:g}" for a in value["aspect_deg"]) + "°"
        rows = [f"{band}: {', '.join(f'{x:g}' for x in row)}" for band, row in value["bands"].items()]
        return "\n".join([head, *rows])
    return str(value)


def catalog_cmd(
    name: Annotated[
        str | None, typer.Argument(help="A system, radar, launcher, interceptor or threat.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List the built-in systems and threats, or show one with the public source of every figure.

    Example: samsim catalog 48N6E3
    """
    entries = catalog.entries()
    if name is None:
        if as_json:
            out_console.print_json(
                json.dumps({k: {"kind": e.kind, "name": e.name} for k, e in entries.items()})
            )
            return
        key_figs = {
            "system": ("max_engagement_range_m", "reaction_time_s"),
            "radar": ("max_range_m", "ref_range_m", "ref_rcs_m2"),
            "launcher": ("tubes",),
            "interceptor": ("max_range_m", "max_altitude_m", "speed_mps"),
            "threat": ("rcs_m2", "cruise_speed_mps", "max_speed_mps"),
        }
        rows = [
            [
                escape(key),
                e.kind,
                escape(e.name),
                escape(
                    "\n".join(f"{f} {_figure_text(e.value(f))}" for f in key_figs[e.kind] if f in e.figures)
                ),
            ]
            for key, e in entries.items()
        ]
        columns = (
            Column("name"),
            Column("kind"),
            Column("description", wrap=True),
            Column("key figures", wrap=True),
        )
        table = fitted_table(out_console, "samsim catalog", columns, rows)
        out_console.print(table)
        out_console.print("Show one with its sources: samsim catalog NAME")
        return
    by_lower = {k.lower(): k for k in entries}
    name = by_lower.get(name.lower(), name)  # names are matched without regard to case
    if name not in entries:
        close = [k for k in entries if k.lower().startswith(name.lower()[:2])]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        bad_input([f"catalog: unknown name {name!r}{hint}; `samsim catalog` lists them"])
    e = entries[name]
    srcs = catalog.sources()
    if as_json:
        out_console.print_json(
            json.dumps(
                {
                    "key": e.key,
                    "kind": e.kind,
                    "name": e.name,
                    "attributes": e.attrs,
                    "figures": {
                        k: {
                            "value": f.value,
                            "source": f.source,
                            "note": f.note or None,
                            "range": list(f.range) if f.range else None,
                            "assumed": f.assumed,
                        }
                        for k, f in e.figures.items()
                    },
                    "sources": {k: srcs.get(k, {}) for k in e.sources()},
                }
            )
        )
        return
    table = Table(title=f"{e.key} — {e.name} ({e.kind})", title_justify="left", header_style="bold")
    for col in ("figure", "value", "source", "note"):
        table.add_column(col)
    for k, f in e.figures.items():
        value = _figure_text(f.value)
        if f.range:
            value += f" [dim](range {_figure_text(f.range[0])}–{_figure_text(f.range[1])})[/]"
        table.add_row(k, value, ("[yellow]" + f.source + "[/]") if f.assumed else f.source, f.note)
    out_console.print(table)
    for k, v in e.attrs.items():
        out_console.print(f"[bold]{k}[/]: {v}")
    out_console.print("\n[bold]Sources[/]")
    for key in e.sources():
        s = srcs.get(key, {})
        out_console.print(f"  {key}: {s.get('title', '?')}" + (f" <{s['url']}>" if "url" in s else ""))
