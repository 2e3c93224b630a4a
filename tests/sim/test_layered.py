"""Layered defence under one command post (sim/battery.py ``decide``): each fire unit fights by its own
doctrine, and a point-defence unit re-engages a threat another unit has under fire when the look at
that unit's interceptors would come too late. Constructed cases where the answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from samsim import simulate
from samsim.c2.evaluation import evaluate_threats
from samsim.scenario import Scenario
from samsim.sim import battery
from samsim.sim.command_post import BatteryRuntime
from samsim.sim.invariants import known_gone_violations, violations
from samsim.sim.network import CommandPost
from samsim.sim.world import World, compile_world
from tests.sim.test_network import RADARS, SITE, _point
from tests.sim.test_network import _scenario as _network_scenario

CRUISE_SPEED_MPS = 245.0


def _scenario(s400: str = "", pantsir: str = "", count: int = 4, pantsir_first: bool = False) -> Scenario:
    """An S-400 battalion 40 km west of a base with a Pantsir-S1 beside the base, one post (the default
    network), and low cruise missiles from the north at the base: the S-400 sees them late, over its
    radar horizon, and the Pantsir is the last layer."""
    s, p, start = _point(270, 40e3), _point(90, 1500), _point(0, 80e3)
    units = [
        f"  - {{id: s400, system: S-400, position: {{lat_deg: {s[0]:.5f}, lon_deg: {s[1]:.5f}}}, "
        f"radars: {RADARS}{s400}}}",
        f"  - {{id: pantsir, system: Pantsir-S1, position: {{lat_deg: {p[0]:.5f}, lon_deg: {p[1]:.5f}}}{pantsir}}}",
    ]
    if pantsir_first:
        units.reverse()
    cruise = (
        f"  - {{id: cm, type: Tomahawk, count: {count}, spacing_s: 20, target: base, route: ["
        f"{{lat_deg: {start[0]:.5f}, lon_deg: {start[1]:.5f}, alt_m: 50, agl: true, "
        f"speed_mps: {CRUISE_SPEED_MPS}}}, {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}, alt_m: 50, agl: true}}]}}"
    )
    return _network_scenario(units, [cruise], duration_s=600)


# --- the whole chain -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1])
def test_the_point_defence_re_engages_what_the_long_range_unit_has_under_fire(seed: int) -> None:
    sc = _scenario()
    result = simulate(sc, seed=seed, trajectories=False)
    assert violations(result, sc) == []
    assert known_gone_violations(result, sc) == []
    ours = [i for i in result.interceptors if i.battery == "pantsir"]
    theirs = [i for i in result.interceptors if i.battery == "s400"]
    assert ours and theirs
    # The S-400 engages first (its radars see the missiles first) and its salvo is still in the air
    # when the Pantsir fires at the same threat: the look would come after the threat reached the base.
    overlap = [
        p
        for p in ours
        if any(
            s.target == p.target and s.launch_s < p.launch_s and (s.end_s or np.inf) > p.launch_s
            for s in theirs
        )
    ]
    assert overlap, "the Pantsir fired only where nothing else was flying"
    # one salvo per threat at one instant, the S-400's of two (the Pantsir's one launcher fires one
    # missile a cycle)
    launches: dict[tuple[float, str], int] = {}
    for i in result.interceptors:
        key = (round(i.launch_s, 6), i.target)
        launches[key] = launches.get(key, 0) + 1
    assert max(launches.values()) <= 2
    # never two salvos of one unit at one threat at once (its own shoot-look-shoot)
    for p in ours:
        assert not any(
            o is not p
            and o.target == p.target
            and o.launch_s < p.launch_s
            and (o.end_s or np.inf) > p.launch_s
            for o in ours
        )
    # and the Pantsir kills what it fires at, as a last layer does
    assert any(t.fate == "killed" for t in result.threats)


# --- the decision, on constructed tracks ---------------------------------------------------------


class _Post:
    """The scenario's post with its two fire units, deciding on one constructed track (threat 0)."""

    def __init__(self, sc: Scenario):
        self.world: World = compile_world(sc)
        rts = [BatteryRuntime(self.world, b) for b in range(len(self.world.batteries))]
        self.post = CommandPost(self.world, self.world.commands[0], rts)
        self.post.memory.first_firm_s[0] = 0.0

    def decide(
        self, t: float, pos: tuple[float, float, float], units: list[int] | None = None
    ) -> battery.Decision:
        vel = np.array([[0.0, -CRUISE_SPEED_MPS, 0.0]])
        chosen = [self.post.units[u] for u in (units if units is not None else range(len(self.post.units)))]
        return battery.decide(
            self.post.name,
            self.post.memory,
            self.post.doctrine,
            self.post.where,
            chosen,
            self.world,
            t,
            np.array([0], dtype=np.int64),
            np.array([pos], dtype=np.float64),
            vel,
            [0],
            np.array([t]),
            np.full(self.world.threats.count, np.inf),
        )

    def fired_by(self, decision: battery.Decision) -> set[str]:
        return {launch.meta.id.split("/")[0] for launch in decision.launches}


def test_each_unit_has_its_own_reaction_time_at_most_the_posts() -> None:
    p = _Post(_scenario(s400=", doctrine: {reaction_time_s: 20}"))
    post = p.post.doctrine
    assert post.reaction_time_s == 20.0  # the post's default: its first battery's
    s400, pantsir = (post.for_unit(u.plan) for u in p.post.units)
    assert s400.reaction_time_s == 20.0
    assert pantsir.reaction_time_s == 5.0  # the catalog's Pantsir-S1 figure
    assert (pantsir.salvo, pantsir.salvo_doctrine.kill_assessment_s) == (2, 2.0)
    assert (s400.salvo, s400.salvo_doctrine.kill_assessment_s) == (2, 4.0)
    # A slow unit under a faster post is cued by its fused track: at most the post's reaction time.
    q = _Post(_scenario(pantsir=", doctrine: {reaction_time_s: 30}"))
    assert q.post.doctrine.for_unit(q.post.units[1].plan).reaction_time_s == 10.0
    # A track firm since t = 0, 8 km north of the base: at t = 6 s only the Pantsir may fire.
    d = p.decide(6.0, (0.0, 8_000.0, 50.0))
    assert p.fired_by(d) == {"pantsir"}
    assert len(d.launches) <= 2


def _engaged_by_the_s400(sc: Scenario, t0: float, pos0: tuple[float, float, float]) -> _Post:
    """The S-400 alone fires a salvo at the track at ``t0``."""
    p = _Post(sc)
    first = p.decide(t0, pos0, units=[0])
    assert p.fired_by(first) == {"s400"}
    return p


def _last_chance_plan_s(p: _Post, t: float, pos: tuple[float, float, float]) -> float:
    """The planned intercept time of the S-400's salvo at which the Pantsir's look at it, plus its
    own time of flight now, comes just when the threat reaches the base."""
    unit = p.post.units[1]
    pos_b, vel_b = unit.to_battery(np.array([pos]), np.array([[0.0, -CRUISE_SPEED_MPS, 0.0]]))
    tof, _, pk = battery._planned(unit.plan, pos_b, vel_b, np.array([True]))
    assert np.all(pk >= unit.plan.battery.doctrine.min_pk)  # one type, in its envelope
    tof_min = float(np.min(tof[0]))
    w = p.post.where
    assess = evaluate_threats(
        np.array([pos]),
        np.array([[0.0, -CRUISE_SPEED_MPS, 0.0]]),
        w.assets_enu_m,
        p.world.assets.radius_m,
        p.world.assets.value,
    )
    assert assess.asset[0] == 0
    ka = p.post.doctrine.for_unit(unit.plan).salvo_doctrine.kill_assessment_s
    return t + float(assess.time_to_go_s[0]) - ka - tof_min


@pytest.mark.parametrize("margin_s", [-0.5, 0.5])
def test_the_pantsir_fires_at_an_engaged_track_only_when_the_look_comes_too_late(margin_s: float) -> None:
    p = _engaged_by_the_s400(_scenario(), 50.0, (0.0, 20_000.0, 50.0))
    state = p.post.units[0].state
    assert state.flying
    t, pos = 60.0, (0.0, 12_000.0, 50.0)
    # The S-400's planned intercept, set on either side of the Pantsir's last chance.
    state.flight.plan_s[state.flying] = _last_chance_plan_s(p, t, pos) + margin_s
    d = p.decide(t, pos)
    if margin_s > 0:
        assert p.fired_by(d) == {"pantsir"}
        assert p.post.memory.engagements[0].in_flight == 2 + len(d.launches)
    else:
        assert d.launches == []  # it waits for the look
    # The S-400 never fires a second salvo while its first flies (its own shoot-look-shoot).
    assert "s400" not in p.fired_by(d)


def test_no_layered_exception_for_a_destroyed_track_or_one_the_unit_engages_itself() -> None:
    p = _engaged_by_the_s400(_scenario(), 50.0, (0.0, 20_000.0, 50.0))
    state = p.post.units[0].state
    t, pos = 60.0, (0.0, 12_000.0, 50.0)
    state.flight.plan_s[state.flying] = _last_chance_plan_s(p, t, pos) + 30.0
    p.post.memory.destroyed.add(0)
    assert p.decide(t, pos).launches == []
    p.post.memory.destroyed.clear()
    d = p.decide(t, pos)
    assert p.fired_by(d) == {"pantsir"}
    # the next cycle the Pantsir has its own salvo in the air: it waits for its own look
    assert p.decide(t + 1.0, (0.0, pos[1] - CRUISE_SPEED_MPS, 50.0)).launches == []


def test_a_unit_fires_at_most_its_own_salvo() -> None:
    assert battery._clip_salvo(np.array([2, 1, 0]), 2).tolist() == [2, 0, 0]
    assert battery._clip_salvo(np.array([0, 1, 3]), 2).tolist() == [0, 1, 1]
    assert battery._clip_salvo(np.array([1, 0]), 3).tolist() == [1, 0]
    # The S-400 under a post whose first battery is the Pantsir (salvo 2) fires its own salvo of 3.
    p = _Post(_scenario(s400=", doctrine: {salvo: 3}", pantsir_first=True))
    assert p.post.doctrine.salvo == 2
    d = p.decide(30.0, (0.0, 160_000.0, 9_000.0), units=[1])  # beyond the 9M96E2s (two launchers)
    assert p.fired_by(d) == {"s400"}
    assert len(d.launches) == 3


def test_only_an_inner_layer_re_engages_and_never_a_peer_or_outer_one() -> None:
    """The exception is the inner layer's: with the Pantsir's salvo in the air and its look far too
    late, the S-400 (the outer layer, which could fire at the track) still waits for the look, as a
    peer of the firing unit would; otherwise each battery in reach would add a salvo a cycle."""
    t, pos = 50.0, (0.0, 12_000.0, 50.0)
    alone = _Post(_scenario())
    assert alone.fired_by(alone.decide(t, pos, units=[0])) == {"s400"}  # it reaches the track
    p = _Post(_scenario())
    assert p.fired_by(p.decide(t, pos, units=[1])) == {"pantsir"}
    s400, pantsir = p.post.units
    assert battery._outer_reach_m(s400.plan) > battery._outer_reach_m(pantsir.plan)
    state = pantsir.state
    state.flight.plan_s[state.flying] = t + 1e4  # its look comes long after the threat arrives
    assert p.decide(t + 1.0, (0.0, pos[1] - CRUISE_SPEED_MPS, 50.0)).launches == []
