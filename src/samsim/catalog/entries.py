"""Catalog entries as the YAML files write them: every figure with its source, and plain attributes.

A figure is written ``{value, source, note?, range?}``; ``source: ASSUMED`` marks a documented
modelling assumption. Anything else under an entry (``role: engagement``, a system's ``radars`` list)
is a plain attribute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import yaml

Kind = Literal["system", "radar", "launcher", "interceptor", "threat"]


@dataclass(frozen=True)
class Figure:
    """One published (or assumed) figure with where it comes from."""

    value: Any
    source: str
    note: str = ""
    range: tuple[float, float] | None = None

    @property
    def assumed(self) -> bool:
        return "ASSUMED" in self.source


@dataclass(frozen=True)
class Entry:
    """A catalog item: its figures (with sources) and its plain attributes."""

    kind: Kind
    key: str
    name: str
    figures: dict[str, Figure]
    attrs: dict[str, Any] = field(default_factory=dict)

    def value(self, name: str, default: Any = None) -> Any:
        """The value of figure ``name``, or ``default`` when the entry has no such figure."""
        fig = self.figures.get(name)
        return default if fig is None else fig.value

    def sources(self) -> list[str]:
        """The source keys its figures cite, each once, in order of first use."""
        keys: list[str] = []
        for fig in self.figures.values():
            for key in fig.source.split(","):
                key = key.strip()
                if key and key not in keys:
                    keys.append(key)
        return keys


def _is_figure(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node and "source" in node


def entry_from_yaml(kind: Kind, key: str, raw: dict[str, Any]) -> Entry:
    """An entry from its YAML mapping."""
    figures: dict[str, Figure] = {}
    attrs: dict[str, Any] = {}
    for name, node in raw.items():
        if _is_figure(node):
            rng = node.get("range")
            figures[name] = Figure(
                value=node["value"],
                source=str(node["source"]),
                note=str(node.get("note", "")),
                range=(float(rng[0]), float(rng[1])) if rng is not None else None,
            )
        elif name != "name":
            attrs[name] = node
    return Entry(kind=kind, key=key, name=str(raw.get("name", key)), figures=figures, attrs=attrs)


def read_yaml(filename: str) -> dict[str, Any]:
    """One of the catalog's YAML files, parsed (the C loader when PyYAML has it: same data, faster)."""
    text = resources.files("samsim.catalog").joinpath(filename).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)
    assert isinstance(data, dict), filename
    return data
