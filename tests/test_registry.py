"""The registry every extension point uses."""

from __future__ import annotations

import pytest

from samsim.registry import Registry


def test_registry_adds_once_and_names_the_known_entries() -> None:
    shapes: Registry[str, int] = Registry("shape")

    @shapes.register("square")
    def _square() -> int:
        return 4

    shapes.add("triangle", 3)  # type: ignore[arg-type]
    assert list(shapes) == ["square", "triangle"]
    assert shapes.lookup("triangle") == 3
    with pytest.raises(ValueError, match="a shape 'square' is already registered"):
        shapes.add("square", 5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"unknown shape 'circle' \(known: 'square', 'triangle'\)"):
        shapes.lookup("circle")
