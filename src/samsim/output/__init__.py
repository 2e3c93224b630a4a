"""Results and what is made of them: the typed :class:`Result`, its files, reports and exports."""

from __future__ import annotations

from samsim.output.result import InterceptorOutcome, Result, ThreatOutcome
from samsim.output.writers import RUN_WRITERS, run_writer, write_run

__all__ = ["RUN_WRITERS", "InterceptorOutcome", "Result", "ThreatOutcome", "run_writer", "write_run"]
