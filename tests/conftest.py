"""Shared fixtures: example paths and small scenario builders."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


def one_battery_scenario(
    threats: str,
    *,
    radars: str,
    name: str = "test",
    duration_s: float = 1200.0,
    weapons: str = "hold",
    head: str = "",
    surface: str = "none",
) -> str:
    """Scenario text: one S-400 battery at 40°N 33°E with ``radars`` (a YAML flow list's items), an
    asset there, ``head`` (top-level YAML such as a ``catalog:`` section) and ``threats`` (list items);
    free space by default (``surface``), so closed forms hold without multipath."""
    return f"""\
samsim: 1
name: {name}
seed: 5
duration_s: {duration_s}
environment: {{ground_alt_m: 0, surface: {surface}}}
assets:
  - {{id: base, position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}, radius_m: 500}}
{head}batteries:
  - id: b
    system: S-400
    position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}
    radars: [{radars}]
    doctrine: {{weapons: {weapons}}}
threats:
{threats}"""


def circle_route(
    radius_m: float,
    *,
    north_m: float = 0.0,
    up_m: float = 8000.0,
    laps: int = 1,
    n: int = 72,
    speed_mps: float = 250.0,
) -> str:
    """Route waypoints (YAML list items) of ``laps`` clockwise turns of a circle centred ``north_m``
    north of the origin, one every 360/n degrees."""
    import math

    pts = []
    for k in range(laps * n + 1):
        a = 2.0 * math.pi * k / n  # bearing from the centre, clockwise from north
        speed = f", speed_mps: {speed_mps}" if k == 0 else ""
        pts.append(
            f"      - {{east_m: {radius_m * math.sin(a):.1f}, north_m: {north_m + radius_m * math.cos(a):.1f}, "
            f"up_m: {up_m}{speed}}}"
        )
    return "\n".join(pts)
