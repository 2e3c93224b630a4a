"""The theatre-scale scenario generator of benchmarks/theatre.py: the counts it is asked for, batteries
on the ring, each copy of the raid turned about the city without changing its ranges, and copies spread
over the simulated time."""

from __future__ import annotations

import json
import math
import sys

import pytest

from samsim import loads
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from theatre import KM_PER_DEG, theatre  # noqa: E402


def _km(a: dict[str, float], b: dict[str, float]) -> float:
    """Distance on the generator's local flat map (equirectangular about a's latitude)."""
    east = (b["lon_deg"] - a["lon_deg"]) * KM_PER_DEG * math.cos(math.radians(a["lat_deg"]))
    return math.hypot(east, (b["lat_deg"] - a["lat_deg"]) * KM_PER_DEG)


@pytest.mark.parametrize(("n", "m", "minutes"), [(1, 48, 20), (3, 100, 40), (8, 384, 20)])
def test_counts_ring_turns_and_spread(n: int, m: int, minutes: float) -> None:
    data = theatre(n, m, minutes * 60.0, ring_km=30.0)
    scenario = loads(json.dumps(data))
    assert len(scenario.batteries) == n
    assert sum(t.get("count", 1) for t in data["threats"]) == m
    city = data["assets"][0]["position"]
    for b in data["batteries"]:
        assert _km(city, b["position"]) == pytest.approx(30.0, abs=0.01)
    copies = math.ceil(m / 48)
    starts = {int(t["id"].rsplit("-", 1)[1]): t.get("start_s", 0.0) for t in data["threats"] if "route" in t}
    assert len({t["id"].rsplit("-", 1)[1] for t in data["threats"]}) == copies
    # A turn about the city keeps every waypoint's distance to it (rounding to 1e-5 degree: ~1 m).
    first = {t["id"].rsplit("-", 1)[0]: t for t in data["threats"] if t["id"].endswith("-0") and "route" in t}
    for t in data["threats"]:
        name = t["id"].rsplit("-", 1)[0]
        if "route" in t and name in first:
            for p, q in zip(t["route"], first[name]["route"], strict=True):
                assert _km(city, p) == pytest.approx(_km(city, q), abs=0.005)
    if copies > 1 and minutes > 20:
        # Copy k starts k x (duration - 20 min) / (copies - 1) after copy 0 (tlam-a starts at 0).
        step = (minutes * 60.0 - 1200.0) / (copies - 1)
        tlam = {
            int(t["id"].rsplit("-", 1)[1]): t["start_s"]
            for t in data["threats"]
            if t["id"].startswith("tlam-a")
        }
        for k, start in tlam.items():
            assert start == pytest.approx(round(k * step, 1))
    assert starts  # every configuration has route threats


def test_too_short_a_duration_is_refused() -> None:
    with pytest.raises(ValueError):
        theatre(2, 48, 600.0)


def test_reloads_fill_each_battery_reserve_with_whole_loads() -> None:
    # The S-400 battery: six 5P85SE2 of four 48N6E3 and two 5P85TE2 of sixteen 9M96E2 (catalog).
    data = theatre(3, 48, 1200.0, reloads=2)
    scenario = loads(json.dumps(data))
    assert [b.reserve for b in scenario.batteries] == [{"48N6E3": 48, "9M96E2": 64}] * 3
    assert all("reserve" not in b for b in theatre(3, 48, 1200.0)["batteries"])
    with pytest.raises(ValueError):
        theatre(3, 48, 1200.0, reloads=-1)
