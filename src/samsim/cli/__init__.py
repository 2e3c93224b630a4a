"""The ``samsim`` command line: one module per command, each a thin shell over the Python API."""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """Console entry point (``samsim``): the commands load here, so a Ctrl-C while they load is
    reported like one during a run, not as a traceback."""
    try:
        from samsim.cli.app import main as run_command
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        sys.exit(130)
    run_command()
