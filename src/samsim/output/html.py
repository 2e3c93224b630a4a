"""Pieces shared by samsim's self-contained HTML pages (run, study and coverage reports)."""

from __future__ import annotations

import base64
import io
from typing import Any

PALETTE: dict[str, Any] = {
    # Threats in warm colours by fate.
    "threat": {"leaked": "#f03e3e", "killed": "#fd7e14", "survived": "#fab005"},
    # Interceptors in cool colours by result.
    "interceptor": {"kill": "#339af0", "miss": "#868e96", "self_destruct": "#9775fa"},
    # Sites.
    "asset": "#40c057",
    "battery": "#4263eb",
    "radar": {
        "acquisition": "#22b8cf",
        "engagement": "#e64980",
        "low-altitude": "#a9e34b",
        "early-warning": "#fab005",
    },
    # A battery's firm track (its estimate of a threat) and a detection.
    "track": "#e599f7",
    "detection": "#adb5bd",
    # Why a threat was not engaged (summary.json unengaged_reason).
    "reason": {
        "weapons_hold": "#5c7cfa",
        "no_track": "#ced4da",
        "out_of_envelope": "#20c997",
        "magazine_empty": "#c92a2a",
        "no_fire_channel": "#f76707",
        "lower_priority": "#f59f00",
        "not_threatening": "#82c91e",
    },
    # A battery's missiles over time: rounds left (loaded and reserve), rounds on the launchers, and the
    # moment a type ran out on the launchers.
    "stock": {"left": "#364fc7", "ready": "#74c0fc", "empty": "#e03131"},
    # A jam strobe (the bearing a radar receives jamming from) and a destroyed radar.
    "strobe": "#cc5de8",
    "radar_destroyed": "#212529",
}
"""What each colour means in samsim's pages: report.html, the study report, and (the same table in
``web/frontend/src/palette.js``) the 3-D replay and the study dashboard; docs/web.md lists it."""


def result_colour(result: str | None) -> str:
    """The colour of an interceptor by its result (``self-destruct`` as in summary.json)."""
    key = (result or "").replace("-", "_")
    colours: dict[str, str] = PALETTE["interceptor"]
    return colours.get(key, "#a5d8ff")


PAGE_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;
color:#1b1f24} h1{font-size:1.6rem;margin-bottom:.2rem}
h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9rem}
th,td{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left}
.muted{color:#666;font-size:.85rem} img{max-width:100%}
""" + "".join(
    # A fate is marked by a dot of its palette colour; the text stays dark enough to read on white.
    f".{fate}::before{{content:'\\25CF\\00a0';color:{colour}}} "
    for fate, colour in PALETTE["threat"].items()
)


def figure_png(fig: Any) -> str:
    """A matplotlib figure as base64 PNG, to embed in a page that must work offline."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")
