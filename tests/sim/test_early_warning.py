"""Low-band early-warning radars: they build the picture of a stealth aircraft, but the battery fires
only at what its engagement radar acquires."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from samsim import loads, simulate
from tests.conftest import one_battery_scenario

ROUTE = """\
    route:
      - {east_m: 0, north_m: 300000, up_m: 9000, speed_mps: 250}
      - {east_m: 0, north_m: 120000, up_m: 9000}
"""


def scenario(radars: str, type_: str) -> str:
    threat = f"  - id: jet\n    type: {type_}\n{ROUTE}"
    return one_battery_scenario(threat, radars=radars, duration_s=900.0, weapons="free")


def _kinds(text: str, seed: int) -> dict[str, int]:
    ev = simulate(loads(text), seed=seed).events
    jet = ev.filter(pc.equal(ev.column("threat"), "jet"))
    counts: dict[str, int] = {}
    for kind in jet.column("kind").to_pylist():
        counts[kind] = counts.get(kind, 0) + 1
    return counts


@pytest.mark.parametrize("seed", [1, 2])
def test_a_vhf_track_of_an_f35_without_fire_control_quality(seed: int) -> None:
    # Nose-on the F-35A is 0.5 m² at VHF (RLM-M: Pd 0.5 at ~230 km) but 0.005 m² at X band
    # (92N6E: Pd 0.5 at ~49 km): inbound from 300 to 120 km the RLM-M tracks it, the 92N6E never does.
    with_nebo = _kinds(scenario("{type: RLM-M}, {type: 92N6E}", "F-35A"), seed)
    assert with_nebo.get("track_confirm", 0) >= 1
    assert with_nebo.get("launch", 0) == 0
    alone = _kinds(scenario("{type: 92N6E}", "F-35A"), seed)
    assert alone.get("detect", 0) < 3 and alone.get("track_confirm", 0) == 0


def test_a_conventional_fighter_on_the_same_path_is_engaged() -> None:
    # An F-16C (1.2 m² nose-on at X band: Pd 0.5 at ~190 km) is acquired by the 92N6E and fired at.
    counts = _kinds(scenario("{type: RLM-M}, {type: 92N6E}", "F-16C"), 1)
    assert counts.get("launch", 0) >= 1
