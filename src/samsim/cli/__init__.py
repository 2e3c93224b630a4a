"""The ``samsim`` command line: one module per command, each a thin shell over the Python API."""

from __future__ import annotations

from samsim.cli.app import app, main

__all__ = ["app", "main"]
