"""The two errors of a study: bad input, and a replication that raised. Every other study module raises
them, so they live below all of them."""

from __future__ import annotations


class StudyError(ValueError):
    """Bad input for a study (arguments, sweep, or an OUT that holds something else): ``problems`` lists
    every problem, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class RunFailed(RuntimeError):
    """A replication raised inside a worker; the message names the run so it can be reproduced."""
