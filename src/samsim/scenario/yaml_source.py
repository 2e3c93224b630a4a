"""Scenario YAML read safely, keeping the line of every key and list item.

The safe loader never executes code; limits on depth, size and aliases keep hostile input from
exhausting the stack or memory.
"""

from __future__ import annotations

from typing import Any

import yaml

from samsim.scenario.problems import PathKey, first_line

_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class YamlProblem(Exception):
    def __init__(self, line: int, path: PathKey, message: str):
        self.line, self.path, self.message = line, path, message


MAX_YAML_DEPTH = 64
MAX_YAML_VALUES = 200_000
MAX_ALIAS_VALUES = 5_000
"""Limits that keep hostile YAML (deep nesting, alias bombs) from exhausting the stack or memory:
far beyond any real scenario (raid-48 has ~1,000 values, nested 5 deep, and no aliases)."""


def _to_python(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: PathKey,
    lines: dict[PathKey, int],
    problems: list[tuple[int, PathKey, str]],
    count: list[int],
    open_nodes: set[int],
    expanded: set[int],
    in_alias: bool = False,
) -> Any:
    """Convert a composed YAML node to Python data, recording the line of every path.

    ``count`` holds [values, values reached again through aliases]; ``expanded`` the nodes already
    converted once, so a node met again is an alias whose expansion is budgeted.
    """
    line = node.start_mark.line + 1
    in_alias = in_alias or id(node) in expanded
    expanded.add(id(node))
    count[0] += 1
    count[1] += in_alias
    if count[0] > MAX_YAML_VALUES or count[1] > MAX_ALIAS_VALUES:
        raise YamlProblem(line, (), "too large once its aliases are expanded")
    if len(path) > MAX_YAML_DEPTH:
        raise YamlProblem(line, (), f"nested more than {MAX_YAML_DEPTH} levels deep")
    if id(node) in open_nodes:
        raise YamlProblem(line, (), "an alias refers to a node that contains it")
    lines.setdefault(path, line)
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        problems.append((line, path, f"unsupported YAML tag {node.tag!r}"))
        return None
    if isinstance(node, yaml.MappingNode):
        open_nodes.add(id(node))
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append((key_node.start_mark.line + 1, path, "mapping keys must be plain names"))
                continue
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                problems.append((key_node.start_mark.line + 1, path, "mapping keys must be plain names"))
                continue
            if key in out:
                problems.append((key_node.start_mark.line + 1, (*path, str(key)), "duplicate key"))
                continue
            child: PathKey = (*path, str(key))
            lines[child] = key_node.start_mark.line + 1
            out[key] = _to_python(
                loader, value_node, child, lines, problems, count, open_nodes, expanded, in_alias
            )
        open_nodes.discard(id(node))
        return out
    if isinstance(node, yaml.SequenceNode):
        open_nodes.add(id(node))
        items = [
            _to_python(loader, item, (*path, i), lines, problems, count, open_nodes, expanded, in_alias)
            for i, item in enumerate(node.value)
        ]
        open_nodes.discard(id(node))
        return items
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str) -> tuple[Any, dict[PathKey, int], list[tuple[int, PathKey, str]]]:
    """Parse one YAML document, keeping the line of every key and item.

    Returns ``(data, lines, problems)``; raises ``YamlProblem`` for text that is not YAML.
    """
    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:
        raise YamlProblem(1, (), f"not valid YAML: {first_line(exc)}") from None
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise YamlProblem(1, (), f"nested more than {MAX_YAML_DEPTH} levels deep") from None
        except yaml.composer.ComposerError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise YamlProblem(
                mark.line + 1 if mark else 1, (), f"not a single YAML document: {exc.problem}"
            ) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise YamlProblem(mark.line + 1 if mark else 1, (), f"not valid YAML: {exc.problem}") from None
        except yaml.YAMLError as exc:
            raise YamlProblem(1, (), f"not valid YAML: {first_line(exc)}") from None
        if node is None:
            raise YamlProblem(1, (), "the file is empty: expected a mapping with `samsim: 1`")
        lines: dict[PathKey, int] = {}
        problems: list[tuple[int, PathKey, str]] = []
        try:
            data = _to_python(loader, node, (), lines, problems, [0, 0], set(), set())
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise YamlProblem(mark.line + 1 if mark else 1, (), f"not valid YAML: {exc.problem}") from None
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            raise YamlProblem(1, (), f"not valid YAML: {first_line(exc)}") from None
        except RecursionError:
            raise YamlProblem(1, (), f"nested more than {MAX_YAML_DEPTH} levels deep") from None
        return data, lines, problems
    finally:
        loader.dispose()
