"""Pieces shared by samsim's self-contained HTML pages (run, study and coverage reports)."""

from __future__ import annotations

import base64
import io
from typing import Any

PAGE_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;
color:#1b1f24} h1{font-size:1.6rem;margin-bottom:.2rem}
h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9rem}
th,td{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left}
.killed{color:#0a7d32} .leaked{color:#c0262d} .survived{color:#8a6d00}
.muted{color:#666;font-size:.85rem} img{max-width:100%}
"""


def figure_png(fig: Any) -> str:
    """A matplotlib figure as base64 PNG, to embed in a page that must work offline."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")
