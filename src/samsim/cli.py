"""The ``samsim`` command line: a thin shell over the Python API.

Exit codes: 0 success; 2 bad input (scenario or arguments), one line per problem, no traceback;
1 internal error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from samsim import catalog
from samsim._version import __version__
from samsim.scenario import ScenarioError

app = typer.Typer(
    name="samsim",
    help=(
        "Simulate and analyse S-400-class air-defence batteries from open-literature models.\n\n"
        "Start with:  samsim validate examples/ankara-f16-trial.yaml  then  "
        "samsim run examples/ankara-f16-trial.yaml -o out/ankara"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
# Wide enough for the results table when piped (Rich would fall back to 80 columns).
out_console = Console(width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True)


def _bad_input(lines: list[str]) -> NoReturn:
    for line in lines:
        err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _load(path: Path) -> Any:
    from samsim.scenario import load

    try:
        return load(path)
    except ScenarioError as exc:
        _bad_input([str(p) for p in exc.problems])


def _fmt_s(x: float | None) -> str:
    return "—" if x is None else f"{x:,.1f}"


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
            _fmt_s(t["first_detected_s"]),
            "—" if t.get("first_detected_range_m") is None else f"{t['first_detected_range_m'] / 1000:,.0f}",
            _fmt_s(t["first_track_s"]),
            str(t["shots"]),
            f"[{colours.get(fate, 'white')}]{fate}[/]",
            _fmt_s(t["fate_s"]),
            t["killed_by"] or "—",
        )
    return table


@app.command()
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
    from samsim.engine import simulate
    from samsim.results import write_run

    if seed is not None and seed < 0:
        _bad_input([f"--seed: must be >= 0, got {seed}"])
    if run_index is not None and run_index < 0:
        _bad_input([f"--run: must be >= 0, got {run_index}"])
    sc = _load(scenario)
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


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file to check.")],
) -> None:
    """Check a scenario: exit 0 if valid, else exit 2 listing every problem as FILE:LINE: field: message."""
    sc = _load(scenario)
    n_threats = sum(t.count for t in sc.threats)
    out_console.print(
        f"{scenario}: valid — {len(sc.batteries)} batteries, {n_threats} threats, {len(sc.assets)} assets, "
        f"{sc.duration_s:g} s"
    )


def _figure_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return f"{value:,}" if abs(value) >= 1000 else f"{value:g}"
    return str(value)


@app.command(name="catalog")
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
        table = Table(title="samsim catalog", title_justify="left", header_style="bold")
        for col in ("name", "kind", "description", "key figures"):
            table.add_column(col)
        key_figs = {
            "system": ("max_engagement_range_m", "reaction_time_s"),
            "radar": ("max_range_m", "ref_range_m", "ref_rcs_m2"),
            "launcher": ("tubes",),
            "interceptor": ("max_range_m", "max_altitude_m", "speed_mps"),
            "threat": ("rcs_m2", "cruise_speed_mps", "max_speed_mps"),
        }
        for key, e in entries.items():
            figs = ", ".join(f"{f}={_figure_text(e.value(f))}" for f in key_figs[e.kind] if f in e.figures)
            table.add_row(key, e.kind, e.name, figs)
        out_console.print(table)
        out_console.print("Show one with its sources: samsim catalog NAME")
        return
    if name not in entries:
        close = [k for k in entries if k.lower().startswith(name.lower()[:2])]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        _bad_input([f"catalog: unknown name {name!r}{hint}; `samsim catalog` lists them"])
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


# Commands defined in their own modules register here (one str_replace-sized line each).
# --- registered commands ---
from samsim import cli_mc  # noqa: E402

app.command(name="mc")(cli_mc.mc)
app.command(name="serve")(__import__("samsim.web.cli", fromlist=["serve"]).serve)
from samsim import cli_coverage  # noqa: E402

app.command(name="coverage", context_settings=cli_coverage.CONTEXT_SETTINGS)(cli_coverage.coverage)
# --- end registered commands ---


def version_callback(value: bool) -> None:
    if value:
        out_console.print(f"samsim {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """samsim: what an S-400-class battery sees, what it can engage, and what leaks through."""


def main() -> None:
    """Console entry point: maps errors to exit codes (2 bad input, 1 internal error)."""
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("interrupted; nothing was written")
        sys.exit(130)
    except OSError as exc:  # the machine, not samsim: a full or read-only disk, a missing folder
        where = f": {exc.filename}" if exc.filename else ""
        err_console.print(f"error: {exc.strerror or exc}{where}", markup=False, highlight=False)
        sys.exit(1)
    except Exception as exc:  # usage errors (typer's click) and internal errors
        if any(c.__name__ == "ClickException" for c in type(exc).__mro__):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(int(exc.exit_code))  # type: ignore[attr-defined]
        err_console.print(f"internal error: {type(exc).__name__}: {exc}")
        err_console.print("please report it with the scenario file; run with SAMSIM_DEBUG=1 for a traceback")
        import os

        if os.environ.get("SAMSIM_DEBUG"):
            raise
        sys.exit(1)


if __name__ == "__main__":
    main()
