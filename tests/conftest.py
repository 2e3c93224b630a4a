"""Shared fixtures: example paths and small scenario builders."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

import samsim.cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


def small_scenario(threats: str, *, name: str, seed: int, duration_s: float, site: str) -> str:
    """Scenario text: the header, ``site`` (top-level YAML from ``origin`` or ``environment`` to the
    batteries, such as ``ANKARA`` or ``TOWN``) and ``threats`` (list items)."""
    return f"samsim: 1\nname: {name}\nseed: {seed}\nduration_s: {duration_s}\n{site}threats:\n{threats}"


def _site(origin: str, asset: str, battery_at: str, *, environment: str = "", radars: str = "") -> str:
    """The top-level YAML from ``origin`` to one S-400 battery ``bat`` (flow mappings given as text;
    ``radars``: YAML list items, or the system's default radars)."""
    env = f"environment: {environment}\n" if environment else ""
    listed = f"    radars:\n{radars}" if radars else ""
    return (
        f"origin: {origin}\n{env}assets:\n  - {asset}\n"
        f"batteries:\n  - id: bat\n    system: S-400\n    position: {battery_at}\n{listed}"
    )


# One S-400 battery (the system's default radars) 15 km north-west of a city with a 3 km asset.
ANKARA = _site(
    "{lat_deg: 39.93, lon_deg: 32.86, alt_m: 900}",
    "{id: city, position: {lat_deg: 39.93, lon_deg: 32.86, alt_m: 900}, radius_m: 3000}",
    "{lat_deg: 40.0, lon_deg: 32.7, alt_m: 950}",
    environment="{ground_alt_m: 900}",
)

# One S-400 battery with one 92N6E on a town at sea level (the origin): the fastest real runs.
TOWN = _site(
    "{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}",
    "{id: town, position: {east_m: 0, north_m: 0, up_m: 0}, radius_m: 2000}",
    "{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}",
    radars="      - {type: 92N6E}\n",
)


def f16_pair(start_lon_deg: float) -> str:
    """Threat item for ``ANKARA``: two F-16C 20 s apart from the west at 5 km, diving on the city."""
    return f"""\
  - id: f16
    type: F-16C
    count: 2
    spacing_s: 20
    target: city
    route:
      - {{lat_deg: 39.9, lon_deg: {start_lon_deg}, alt_m: 5000, speed_mps: 300}}
      - {{lat_deg: 39.93, lon_deg: 32.86, alt_m: 3000}}
"""


def town_jets(east_m: int, count: int = 1) -> str:
    """Threat item for ``TOWN``: ``count`` F-16C 5 s apart from ``east_m`` east at 3 km, onto the town."""
    counted = f"    count: {count}\n    spacing_s: 5\n" if count > 1 else ""
    return f"""\
  - id: jet
    type: F-16C
{counted}    target: town
    route:
      - {{east_m: {east_m}, north_m: 0, up_m: 3000, speed_mps: 300}}
      - {{east_m: 0, north_m: 0, up_m: 300}}
"""


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
    site = f"""\
environment: {{ground_alt_m: 0, surface: {surface}}}
assets:
  - {{id: base, position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}, radius_m: 500}}
{head}batteries:
  - id: b
    system: S-400
    position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}
    radars: [{radars}]
    doctrine: {{weapons: {weapons}}}
"""
    return small_scenario(threats, name=name, seed=5, duration_s=duration_s, site=site)


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


@pytest.fixture(autouse=True)
def _ctrl_c_handling_restored() -> Iterator[None]:
    """A test that runs the console entry point in-process through a Ctrl-C leaves it deaf to
    further ones (``samsim.cli.go_deaf``), as a stopping command must be; the next test gets the
    worker's own handling back."""
    handler = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, handler)
    samsim.cli._stopping.clear()
