"""The ``samsim`` command line: a thin shell over the Python API.

Exit codes: 0 success; 2 bad input (scenario or arguments), one line per problem, no traceback;
1 internal error.
"""

from __future__ import annotations

import _thread
import sys
import threading
from collections.abc import Callable
from typing import Annotated, Any, NoReturn

import typer

from samsim import portable
from samsim._version import __version__
from samsim.cli import (
    catalog,
    coverage,
    envelope,
    export,
    exposure,
    go_deaf,
    interrupted,
    mc,
    run,
    serve,
    stopping,
)
from samsim.cli.console import err_console, out_console


def _hide_flag_types() -> None:
    """On/off flags take no value, yet typer's rich help prints ``<bool>`` after them (typer 0.29 with
    click 8.5): show no type for flags, as click's plain help does."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_hide_flag_types()

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
# Every command, in the order `samsim --help` lists them: to add one, write its module and add a line.
app.command(name="run")(run.run)
app.command(name="validate")(run.validate)
app.command(name="mc")(mc.mc)
app.command(name="coverage", context_settings=coverage.CONTEXT_SETTINGS)(coverage.coverage)
app.command(name="envelope")(envelope.envelope_cmd)
app.command(name="exposure")(exposure.exposure)
app.command(name="export")(export.export)
app.command(name="catalog")(catalog.catalog_cmd)
app.command(name="serve")(serve.serve)


def version_callback(value: bool) -> None:
    if value:
        mode = " (portable floating point)" if portable.active() else ""
        out_console.print(f"samsim {__version__}{mode}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    portable_fp: Annotated[
        bool,
        typer.Option(
            "--portable",
            help=(
                "Give the same bytes on any x86-64 Linux machine: run NumPy, libm, OpenBLAS and numba "
                "on their baseline code instead of the CPU's fastest (AVX-512, FMA), whose last bits "
                "differ. Results then differ from a default run by rounding. Put it before the command."
            ),
        ),
    ] = False,
) -> None:
    """samsim: what an S-400-class battery sees, what it can engage, and what leaks through."""
    if portable_fp and not portable.active():  # only in-process callers get here (main restarts)
        err_console.print("error: --portable needs a new process: run the samsim command itself")
        raise typer.Exit(2)


def _deliver_interrupts_again(previous: Callable[[Any], object]) -> Callable[[Any], object]:
    """An unraisable-exception hook that hands a Ctrl-C swallowed by a C callback back to the main
    thread. A Ctrl-C that arrives while numba compiles lands in llvmlite's ctypes callback, which
    cannot raise: Python would print "Exception ignored ... KeyboardInterrupt" and carry on."""

    def hook(unraisable: Any) -> None:
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            # From another thread a moment later: raised here, inside the callback's hook, it would
            # be swallowed again. A daemon thread, so a command already stopping does not wait for it.
            timer = threading.Timer(0.01, _interrupt_main_once)
            timer.daemon = True
            timer.start()
            return
        previous(unraisable)

    return hook


def _interrupt_main_once() -> None:
    """Interrupt the main thread unless it is already stopping on an interrupt: a second one while
    it reports the first would escape the handler and kill the process by SIGINT instead of exit
    130."""
    if not stopping():
        _thread.interrupt_main()


INTERRUPTED_EXITS = (130, 143)
"""The exit statuses of a command stopped by Ctrl-C (130) or SIGTERM (143)."""


def _stop_interrupted() -> NoReturn:
    """Exit 130 after a Ctrl-C, deaf to further ones (:func:`samsim.cli.go_deaf`) before anything
    else."""
    go_deaf()
    try:
        err_console.print("interrupted; nothing was written")
    except KeyboardInterrupt:  # tripped before the signal was ignored: it cuts only the report short
        pass
    sys.exit(130)


def main() -> None:
    """Console entry point: maps errors to exit codes (2 bad input, 1 internal error). A Ctrl-C that
    lands anywhere in it, even while a command's own handler reports an earlier one, ends in exit 130
    (:func:`_stop_interrupted`)."""
    try:
        _main()
    except KeyboardInterrupt:
        _stop_interrupted()


def _main() -> None:
    sys.unraisablehook = _deliver_interrupts_again(sys.unraisablehook)
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        if exc.exit_code in INTERRUPTED_EXITS:
            go_deaf()  # the command reported the interrupt: a re-delivered one must not undo that
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _stop_interrupted()
    except OSError as exc:  # the machine, not samsim: a full or read-only disk, a missing folder
        where = f": {exc.filename}" if exc.filename else ""
        err_console.print(f"error: {exc.strerror or exc}{where}", markup=False, highlight=False)
        sys.exit(1)
    except Exception as exc:  # usage errors (typer's click) and internal errors
        if interrupted(exc):
            _stop_interrupted()
        if any(c.__name__ == "ClickException" for c in type(exc).__mro__):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(int(exc.exit_code))  # type: ignore[attr-defined]
        err_console.print(f"internal error: {type(exc).__name__}: {exc}")
        err_console.print("please report it with the scenario file; run with SAMSIM_DEBUG=1 for a traceback")
        import os

        if os.environ.get("SAMSIM_DEBUG"):
            raise
        sys.exit(1)
