"""One palette, written twice: samsim.output.html.PALETTE (report.html, the study report) and the front
end's palette.js (replay, legend, dashboard) must say the same."""

from __future__ import annotations

import json
import re
from typing import Any

from samsim.output.html import PALETTE
from tests.conftest import ROOT

PALETTE_JS = ROOT / "src" / "samsim" / "web" / "frontend" / "src" / "palette.js"


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def _palette_js() -> dict[str, str]:
    """The PALETTE object literal of palette.js, read as JSON (comments dropped, keys quoted)."""
    text = PALETTE_JS.read_text(encoding="utf-8")
    start = text.index("{", text.index("export const PALETTE"))
    literal = text[start : text.index("};", start) + 1]
    literal = re.sub(r"//[^\n]*", "", literal)
    literal = re.sub(r"([{,]\s*)([A-Za-z_][\w]*)\s*:", r'\1"\2":', literal)
    literal = re.sub(r",(\s*})", r"\1", literal)
    return {k: v.lower() for k, v in _flatten(json.loads(literal)).items()}


def test_front_end_palette_is_the_python_palette() -> None:
    js = _palette_js()
    assert js == _flatten(PALETTE), "palette.js and samsim.output.html.PALETTE differ"
    assert js["threat.killed"] != js["asset"]  # killed threats are not green
