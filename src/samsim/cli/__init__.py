"""The ``samsim`` command line: one module per command, each a thin shell over the Python API."""

from __future__ import annotations

import signal
import sys
import threading

from samsim import portable

__all__ = ["main"]

_stopping = threading.Event()


def stopping() -> bool:
    """Whether the command is stopping on a Ctrl-C (:func:`go_deaf` has run)."""
    return _stopping.is_set()


def go_deaf() -> None:
    """Ignore any further Ctrl-C: the command is stopping on one. A Ctrl-C delivered again from a C
    callback (``samsim.cli.app``) or pressed again while the command reports the first and exits would
    otherwise escape that report and end the process by the signal (exit -2, a traceback) instead of
    130. One that lands before the signal is ignored is caught and the step retried."""
    if threading.current_thread() is not threading.main_thread():
        return
    while True:
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            _stopping.set()
            return
        except KeyboardInterrupt:
            continue


def _asks_portable(args: list[str]) -> bool:
    """Whether ``--portable`` is among the options before the command (``samsim --portable run``)."""
    for arg in args:
        if arg == "--portable":
            return True
        if not arg.startswith("-"):
            return False
    return False


def interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` is a Ctrl-C: a KeyboardInterrupt, or an error it caused on its way out of
    compiled code or an import (numba reports an interrupt inside a kernel as a SystemError whose
    context is the KeyboardInterrupt; an extension module interrupted while it loads, an ImportError
    caused by it)."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, KeyboardInterrupt):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def main() -> None:
    """Console entry point (``samsim``): the commands load here, so a Ctrl-C while they load is
    reported like one during a run, not as a traceback. ``--portable`` starts the process again
    under :func:`samsim.portable.environment` first, before any library has chosen its CPU routes."""
    try:
        args = sys.argv[1:]
        asks = _asks_portable(args)
        if "--portable" in args and not asks:
            print("error: --portable goes before the command: samsim --portable COMMAND ...", file=sys.stderr)
            sys.exit(2)
        if asks and not portable.active():
            portable.restart(sys.argv)
        from samsim.cli.app import main as run_command
    except BaseException as exc:
        if not interrupted(exc):
            raise
        print("interrupted; nothing was written", file=sys.stderr)
        sys.exit(130)
    run_command()
