"""Parameter sweeps: ``PATH=V1,V2,...`` texts, the scenario fields their paths address, and the groups a
study runs, one per combination of swept values, each validated like a scenario file."""

from __future__ import annotations

import copy
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samsim.scenario import (
    Problem,
    Scenario,
    format_path,
    line_of,
    load,
    parse_yaml,
    validate_data,
)
from samsim.study.errors import StudyError

MAX_GROUPS = 10_000

Scalar = bool | int | float | str

SWEEP_HELP = """\
A sweep is PATH=V1,V2,... . PATH addresses a field of the scenario's YAML data: keys joined by dots,
list items by [N] (0-based), [*] (every item) or [ID] (the item whose `id` is ID), e.g.
batteries[0].position.lat_deg, threats[tlam-a].rcs_m2, threats[*].spacing_s. A path that starts
with `doctrine.` applies to every battery (batteries[*].doctrine...). A path into `catalog.` changes a
catalog figure for the study, e.g. catalog.radars.91N6E.ref_range_m or catalog.threats[Storm
Shadow].rcs_m2 ([NAME] selects a mapping key that is not a plain name). Missing mappings on the way
are created (so doctrine.salvo works where the file gives no doctrine). Values are numbers, true/false or
text, separated by commas. Several sweeps run their cross product, one group per combination (the last
sweep varies fastest); every group is validated like a scenario file and uses the same run seeds."""

_NAME = r"[A-Za-z0-9_][A-Za-z0-9_+\-]*"  # catalog names too: 91N6E, S-400, F-35A-export
_SEGMENT = re.compile(rf"({_NAME})((?:\[[^\[\]]+\])*)")
_INDEX = re.compile(r"\[([^\[\]]+)\]")
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class _Step:
    """One step of a sweep path: a mapping key, a list index, every item, or the item with an id."""

    kind: str  # "key" | "index" | "all" | "id"
    key: str = ""
    index: int = 0

    def text(self) -> str:
        if self.kind == "key":
            return f".{self.key}"
        if self.kind == "index":
            return f"[{self.index}]"
        if self.kind == "all":
            return "[*]"
        return f"[{self.key}]"


@dataclass(frozen=True)
class Sweep:
    """One swept scenario field: its path (also the column name in ``runs``) and its values."""

    path: str
    values: tuple[Scalar, ...]

    @property
    def column_type(self) -> str:
        """The DuckDB type of the column: BOOLEAN, BIGINT, DOUBLE or VARCHAR."""
        return _column_type(self.values)

    def column_value(self, value: Scalar) -> Scalar:
        kind = self.column_type
        if kind == "DOUBLE":
            return float(value)
        if kind == "VARCHAR":
            return value_text(value)
        return value


def _column_type(values: Sequence[Scalar]) -> str:
    if all(isinstance(v, bool) for v in values):
        return "BOOLEAN"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "BIGINT"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "DOUBLE"
    return "VARCHAR"


def value_text(value: Scalar) -> str:
    """A swept value as it is written on the command line (``true``, ``2``, ``shoot-look-shoot``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse_steps(path: str) -> tuple[_Step, ...]:
    """``batteries[0].position.lat_deg`` -> key, index, key, key steps; raises ValueError."""
    if not path:
        raise ValueError("empty path")
    steps: list[_Step] = []
    for part in path.split("."):
        m = _SEGMENT.fullmatch(part)
        if m is None:
            raise ValueError(f"cannot read {part!r}: expected NAME, NAME[N], NAME[*] or NAME[ID]")
        steps.append(_Step("key", key=m.group(1)))
        for raw in _INDEX.findall(m.group(2)):
            sel = raw.strip()
            if sel == "*":
                steps.append(_Step("all"))
            elif _INT.fullmatch(sel):
                index = int(sel)
                if index < 0:
                    raise ValueError(f"[{sel}]: list indexes start at 0")
                steps.append(_Step("index", index=index))
            else:
                steps.append(_Step("id", key=sel))
    return tuple(steps)


def _expand(steps: tuple[_Step, ...]) -> tuple[_Step, ...]:
    """The ``doctrine.`` shorthand addresses every battery's doctrine."""
    if steps and steps[0] == _Step("key", key="doctrine"):
        return (_Step("key", key="batteries"), _Step("all"), *steps)
    return steps


def _format_steps(steps: Sequence[_Step]) -> str:
    return "".join(s.text() for s in steps).lstrip(".")


def _parse_value(text: str) -> Scalar:
    s = text.strip()
    if not s:
        raise ValueError("empty value")
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    if s.lower() in ("true", "false"):
        return s.lower() == "true"
    if _INT.fullmatch(s):
        return int(s)
    if _FLOAT.fullmatch(s):
        return float(s)
    return s


def parse_sweep(text: str) -> Sweep:
    """Read ``PATH=V1,V2,...`` (see ``SWEEP_HELP``); raises :class:`StudyError` with the reason."""
    if "=" not in text:
        raise StudyError([f"--sweep {text}: expected PATH=V1,V2,... (e.g. doctrine.salvo=1,2)"])
    path_text, _, values_text = text.partition("=")
    try:
        steps = _parse_steps(path_text.strip())
        values = tuple(_parse_value(v) for v in values_text.split(","))
    except ValueError as exc:
        raise StudyError([f"--sweep {text}: {exc}"]) from None
    return _make_sweep(_format_steps(steps), values, text)


def _make_sweep(path: str, values: Sequence[Any], where: str) -> Sweep:
    steps = _expand(_parse_steps(path))
    if steps[0].kind == "key" and steps[0].key in ("seed", "samsim") and len(steps) == 1:
        hint = "; use --seed (every run already has its own seed)" if steps[0].key == "seed" else ""
        raise StudyError([f"--sweep {where}: {steps[0].key} cannot be swept{hint}"])
    if not values:
        raise StudyError([f"--sweep {where}: no values"])
    for v in values:
        if not isinstance(v, bool | int | float | str):
            raise StudyError([f"--sweep {where}: {v!r} is not a number, true/false or text"])
        if isinstance(v, float) and not math.isfinite(v):
            raise StudyError([f"--sweep {where}: {v!r} is not a finite number"])
    sweep = Sweep(path, tuple(values))
    seen = [sweep.column_value(v) for v in sweep.values]
    dupes = sorted({value_text(v) for v in seen if seen.count(v) > 1})
    if dupes:
        raise StudyError([f"--sweep {where}: value {', '.join(dupes)} given twice"])
    return sweep


def parse_sweeps(sweeps: Sequence[str] | Mapping[str, Sequence[Any]] | None) -> list[Sweep]:
    """The sweeps of a study, from ``PATH=V1,...`` texts or a mapping of path to values; raises
    :class:`StudyError` listing every problem, not just the first."""
    if sweeps is None:
        return []
    out: list[Sweep] = []
    problems: list[str] = []
    items: list[tuple[str, Sweep | None]] = []
    if isinstance(sweeps, Mapping):
        for path, values in sweeps.items():
            try:
                steps = _parse_steps(str(path).strip())
                items.append((str(path), _make_sweep(_format_steps(steps), list(values), str(path))))
            except ValueError as exc:
                problems.append(f"--sweep {path}: {exc}")
            except StudyError as exc:
                problems.extend(exc.problems)
    else:
        for text in sweeps:
            try:
                items.append((text, parse_sweep(text)))
            except StudyError as exc:
                problems.extend(exc.problems)
    for text, sweep in items:
        if sweep is None:
            continue
        if any(s.path == sweep.path for s in out):
            problems.append(f"--sweep {text}: {sweep.path} is swept twice; give its values in one --sweep")
        out.append(sweep)
    if problems:
        raise StudyError(problems)
    return out


def _set(node: Any, steps: Sequence[_Step], value: Scalar, done: list[_Step]) -> int:
    """Set ``value`` at ``steps`` inside parsed YAML data; returns how many places were set."""
    step, rest = steps[0], steps[1:]
    here = _format_steps(done) or "(root)"
    if step.kind == "key":
        if not isinstance(node, dict):
            raise ValueError(f"{here} is not a mapping, so it has no field {step.key!r}")
        if not rest:
            node[step.key] = value
            return 1
        child = node.get(step.key)
        if child is None:
            if rest[0].kind not in ("key", "id"):
                raise ValueError(f"{_format_steps([*done, step])}: the scenario has no such list")
            child = node[step.key] = {}
        return _set(child, rest, value, [*done, step])
    if step.kind == "id" and isinstance(node, dict):  # [NAME] on a mapping: that key
        return _set(node, (_Step("key", key=step.key), *rest), value, done)
    if not isinstance(node, list):
        raise ValueError(f"{here} is not a list")
    if step.kind == "index":
        if step.index >= len(node):
            raise ValueError(
                f"{here}[{step.index}]: out of range ({here} has {len(node)} item{'s' * (len(node) != 1)})"
            )
        targets = [step.index]
    elif step.kind == "all":
        if not node:
            raise ValueError(f"{here} is empty")
        targets = list(range(len(node)))
    else:
        targets = [i for i, item in enumerate(node) if isinstance(item, dict) and item.get("id") == step.key]
        if not targets:
            ids = [str(item.get("id")) for item in node if isinstance(item, dict) and "id" in item]
            raise ValueError(f"{here}: no item with id {step.key!r} (ids: {', '.join(ids) or 'none'})")
    count = 0
    for i in targets:
        if not rest:
            node[i] = value
            count += 1
        else:
            count += _set(node[i], rest, value, [*done, _Step("index", index=i)])
    return count


@dataclass(frozen=True)
class Group:
    """One combination of swept values and the validated scenario it gives."""

    index: int
    values: dict[str, Scalar]
    scenario: Scenario


def load_base(scenario: Scenario | str | Path) -> tuple[Scenario, Any, dict[Any, int], str]:
    """The validated base scenario and the YAML data sweeps are applied to (with its line numbers)."""
    if isinstance(scenario, Scenario):
        data = scenario.model_dump(mode="json", exclude_none=True)
        name = str(scenario.source_path) if scenario.source_path else "<scenario>"
        return scenario, data, {}, name
    base = load(scenario)  # raises ScenarioError; after it the text is known to parse
    data, lines, _ = parse_yaml(Path(scenario).read_text(encoding="utf-8"))
    return base, data, lines, str(scenario)


def _apply(
    base: Scenario,
    data: Any,
    lines: dict[Any, int],
    file: str,
    sweeps: Sequence[Sweep],
    combo: Sequence[Scalar],
) -> tuple[Scenario | None, list[str]]:
    """The scenario with ``combo`` applied to ``sweeps``, validated like a file; or the problems."""
    modified = copy.deepcopy(data)
    where = " ".join(f"--sweep {s.path}={value_text(v)}" for s, v in zip(sweeps, combo, strict=True))
    problems = []
    for sweep, value in zip(sweeps, combo, strict=True):
        try:
            _set(modified, _expand(_parse_steps(sweep.path)), value, [])
        except ValueError as exc:
            problems.append(f"--sweep {sweep.path}={value_text(value)}: {exc}")
    if problems:
        return None, problems
    sc, found = validate_data(modified, lines, file)
    if sc is not None and sc.environment.terrain is not None and base.source_path is not None:
        terrain = (base.source_path.parent / sc.environment.terrain).resolve()
        if not terrain.is_file():
            path = ("environment", "terrain")
            found.append(
                Problem(file, line_of(path, lines), format_path(path), f"terrain file not found: {terrain}")
            )
    if found or sc is None:
        return None, [f"{p} (with {where})" for p in found]
    if base.source_path is not None:
        sc.read_from(base.source_path)
    return sc, []


def build_groups(
    base: Scenario, data: Any, lines: dict[Any, int], file: str, sweeps: list[Sweep]
) -> list[Group]:
    """One group per combination of swept values (the last sweep varies fastest)."""
    if not sweeps:
        return [Group(0, {}, base)]
    n_groups = math.prod(len(s.values) for s in sweeps)
    if n_groups > MAX_GROUPS:
        raise StudyError([f"--sweep: {n_groups} groups; at most {MAX_GROUPS}"])
    # Each value on its own first, so every bad path or value is reported, not just the first combination.
    problems: list[str] = []
    for sweep in sweeps:
        for value in sweep.values:
            problems.extend(_apply(base, data, lines, file, [sweep], [value])[1])
    if problems:
        raise StudyError(list(dict.fromkeys(problems)))
    groups: list[Group] = []
    for g, combo in enumerate(itertools.product(*(s.values for s in sweeps))):
        sc, found = _apply(base, data, lines, file, sweeps, combo)
        problems.extend(found)
        if sc is not None:
            values = {s.path: s.column_value(v) for s, v in zip(sweeps, combo, strict=True)}
            groups.append(Group(g, values, sc))
    if problems:
        raise StudyError(list(dict.fromkeys(problems)))
    return groups


def sweep_groups(
    scenario: Scenario | str | Path, sweeps: Sequence[str] | Mapping[str, Sequence[Any]] | None
) -> list[Group]:
    """The groups a study with these sweeps runs, in order: index, swept values (typed as in the ``runs``
    columns) and the validated scenario of each. Raises :class:`StudyError` or ``ScenarioError``."""
    base, data, lines, file = load_base(scenario)
    return build_groups(base, data, lines, file, parse_sweeps(sweeps))
