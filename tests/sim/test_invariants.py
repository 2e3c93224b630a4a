"""The invariant checker catches what it must: each check fails on a result broken on purpose."""

from __future__ import annotations

import dataclasses

from samsim import loads, simulate
from samsim.sim.invariants import violations
from tests.sim.test_battery import route_threat, scenario_text


def test_a_threat_killed_twice_or_at_the_wrong_time_is_reported() -> None:
    sc = loads(scenario_text([route_threat("f", "F-16C", 250, 180e3, 9000, 280)]))
    result = next(
        r for s in range(8) if (r := simulate(sc, seed=s, trajectories=False)).threats[0].fate == "killed"
    )
    assert violations(result, sc) == []
    killer = next(i for i in result.interceptors if i.result == "kill")
    twice = dataclasses.replace(
        result, interceptors=[*result.interceptors, dataclasses.replace(killer, id="x/1")]
    )
    found = violations(twice, sc)
    assert "f: killed by 2 interceptors (a threat dies once)" in found
    late = dataclasses.replace(
        result,
        interceptors=[
            dataclasses.replace(i, end_s=(i.end_s or 0.0) + 5.0) if i is killer else i
            for i in result.interceptors
        ],
    )
    assert any("killed at" in p and f"{killer.id} ended at" in p for p in violations(late, sc))


def test_a_launch_at_a_threat_known_dead_is_reported() -> None:
    sc = loads(scenario_text([route_threat("f", "F-16C", 250, 180e3, 9000, 280)]))
    result = next(
        r for s in range(8) if (r := simulate(sc, seed=s, trajectories=False)).threats[0].fate == "killed"
    )
    assert violations(result, sc) == []
    killed_s = result.threats[0].fate_s
    assert killed_s is not None
    late = dataclasses.replace(
        result.interceptors[0], id="b/48N6E3/99", launch_s=killed_s + 0.5, end_s=killed_s + 9
    )
    broken = dataclasses.replace(result, interceptors=[*result.interceptors, late])
    assert any("known gone" in p and "b/48N6E3/99" in p for p in violations(broken, sc))


def test_a_threat_without_shots_needs_a_reason() -> None:
    sc = loads(scenario_text([route_threat("f", "F-16C", 250, 180e3, 9000, 280)], doctrine="{weapons: hold}"))
    result = simulate(sc, seed=1, trajectories=False)
    assert result.threats[0].unengaged_reason == "weapons_hold"
    assert violations(result, sc) == []
    silent = dataclasses.replace(result.threats[0], unengaged_reason=None, unengaged_reason_s=None)
    found = violations(dataclasses.replace(result, threats=[silent]), sc)
    assert "f: no shots and unengaged_reason None" in found
