"""What is wrong with a scenario, and where: problems located by file, line and field path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

PathKey = tuple[str | int, ...]
"""A field's place in the scenario data: keys and list indices from the top."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located in its file."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path or '(root)'}: {self.message}"


class ScenarioError(Exception):
    """A scenario is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))


def first_line(exc: BaseException) -> str:
    """A parser message on one line (PyYAML appends the position in a second one)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def line_of(path: PathKey, lines: dict[PathKey, int]) -> int:
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return 1
