"""The with-and-without-the-S-400 studies of the examples: the commands printed in the example files and
in docs/examples.md are the same, and their sweeps build valid groups that differ only in the S-400."""

from __future__ import annotations

import re
import shlex

import pytest

from samsim.study.sweep import build_groups, load_base, parse_sweeps
from tests.conftest import EXAMPLES, ROOT

STUDIES = {"regiment-ankara.yaml": 2, "ukraine-kyiv.yaml": 2}
"""Example -> sweep groups of its study (with and without the S-400)."""


def _commands(text: str) -> list[list[str]]:
    """The `samsim mc` commands in a text (comment prefixes and line continuations removed)."""
    lines = [re.sub(r"^\s*#\s?", "", ln) for ln in text.splitlines()]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [shlex.split(m) for m in re.findall(r"samsim mc [^\n]+", joined)]


def _sweeps(command: list[str]) -> list[str]:
    return [command[i + 1] for i, word in enumerate(command) if word == "--sweep"]


@pytest.mark.parametrize("example", sorted(STUDIES))
def test_the_study_command_is_the_same_in_the_example_and_the_docs(example: str) -> None:
    in_file = [c for c in _commands((EXAMPLES / example).read_text()) if f"examples/{example}" in c]
    in_docs = [
        c for c in _commands((ROOT / "docs" / "examples.md").read_text()) if f"examples/{example}" in c
    ]
    assert len(in_file) == 1 and in_file == in_docs


@pytest.mark.parametrize("example", sorted(STUDIES))
def test_the_study_sweeps_build_groups_that_differ_only_in_the_s400(example: str) -> None:
    (command,) = [c for c in _commands((EXAMPLES / example).read_text()) if f"examples/{example}" in c]
    base, data, lines, name = load_base(EXAMPLES / example)
    groups = build_groups(base, data, lines, name, parse_sweeps(_sweeps(command)))
    assert len(groups) == STUDIES[example]
    with_s400, without = groups[0].scenario, groups[1].scenario
    s400 = [b.id for b in with_s400.batteries if b.system == "S-400"]
    assert s400
    assert [b.id for b in with_s400.batteries] == [b.id for b in without.batteries]
    assert with_s400.threats == without.threats and with_s400.assets == without.assets
    for a, b in zip(with_s400.batteries, without.batteries, strict=True):
        if a.id not in s400:
            assert a == b  # the rest of the defence is the same in both groups
