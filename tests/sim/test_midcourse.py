"""A command post's mid-course updates in one pass over its fire units (sim/midcourse.py) are
battery.refresh_tracks unit by unit, float for float; the post's engagements find the tracks under
fire as a look over every engagement would."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

import samsim
from samsim.c2.doctrine import Engagement
from samsim.models import flyout
from samsim.sim import battery, midcourse
from samsim.sim.engine import Engine
from samsim.sim.network import CommandPost
from samsim.sim.world import compile_world

from .test_network import F35S, TWO, _battery, _scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _post() -> CommandPost:
    three = [*TWO, _battery("north", 0, 25e3)]
    engine = Engine(compile_world(_scenario(three, F35S)), seed=0)
    assert engine.posts, "the batteries fight under one post"
    return engine.posts[0]


def _fly(post: CommandPost, rng: np.random.Generator, track_ids: np.ndarray) -> None:
    """Interceptors of every member at the post's tracks (some at tracks it no longer holds, some in
    terminal homing, one at another picture's track), aimed at no threat yet."""
    statuses = (flyout.MIDCOURSE, flyout.MIDCOURSE, flyout.TERMINAL)
    for unit in post.units:
        state = unit.state
        for slot in range(6):
            track = int(rng.choice(track_ids)) if slot != 5 else 999
            state.meta.append(
                battery.InterceptorMeta(
                    id=f"i{slot}",
                    type="48N6E3",
                    track=track,
                    threat=-1,
                    launch_s=0.0,
                    post=post.name if slot != 4 else "elsewhere",
                )
            )
            state.flight.status[slot] = statuses[slot % 3]
            state.flight.target[slot] = -1
            state.flying.append(slot)


def _flying_post(
    seed: int,
) -> tuple[CommandPost, np.random.Generator, np.ndarray, midcourse.PostFlights, list[int]]:
    """A post whose every member has interceptors at its tracks (:func:`_fly`), and its pass's fleet."""
    post = _post()
    rng = np.random.default_rng(seed)
    track_ids = np.array([2, 5, 7, 11, 12])
    _fly(post, rng, track_ids)
    return post, rng, track_ids, midcourse.PostFlights(post.units), list(range(len(post.units)))


@pytest.mark.parametrize("fast", [False, True])
def test_one_pass_over_the_units_is_refresh_tracks_unit_by_unit(fast: bool) -> None:
    post = _post()
    rng = np.random.default_rng(3)
    track_ids = np.array([2, 5, 7, 11, 12])
    _fly(post, rng, track_ids)
    mean = rng.normal(0.0, 50e3, (track_ids.size, 6))
    mean[:, 3:] = rng.normal(0.0, 300.0, (track_ids.size, 3))
    if fast:  # a ballistic track: mid-course extrapolates it with gravity
        mean[1, 3:] = [0.0, 1500.0, -2500.0]
        mean[1, 2] = 40e3
    label = {2: 0, 5: 1, 7: -1, 11: 2}
    post.units[1].state.truth.dead_s[1] = 0.0  # never onto a dead threat
    for unit in post.units:  # every acceleration the pass leaves alone stays as it was
        unit.state.flight.track_acc_mps2[:] = np.nan
    want_units = copy.deepcopy(post.units)
    want = []
    for unit in want_units:
        want += battery.refresh_tracks(unit.state, post.name, track_ids, mean, 4.0, label, unit)
    fleet = midcourse.PostFlights(post.units)
    members = list(range(len(post.units)))
    got = midcourse.refresh_units(fleet, members, post.name, track_ids, mean, 4.0, label)
    assert got == want and got
    for unit, ref in zip(post.units, want_units, strict=True):
        for name in ("track_pos_m", "track_vel_mps", "track_time_s", "track_acc_mps2", "target"):
            np.testing.assert_array_equal(getattr(unit.state.flight, name), getattr(ref.state.flight, name))
        assert [m.threat for m in unit.state.meta] == [m.threat for m in ref.state.meta]
    if fast:
        assert any(np.any(u.state.flight.track_acc_mps2 != 0.0) for u in post.units)
        # the fast groups' accelerations in one call, each row with its own unit's earth centre
        assert fleet.faster[: len(members)].sum() >= 2
    # a picture of one track is left to the per-unit pass (a one-row product rounds otherwise)
    assert midcourse.refresh_units(fleet, members, post.name, track_ids[:1], mean[:1], 4.0, label) is None


def test_the_rows_kept_between_passes_follow_launches_ends_and_hand_overs() -> None:
    """The pass lists each unit's interceptors again only when they changed: a flight that ends and
    one launched in its place (the same number in flight), a hand-over to a new track, and a unit
    whose interceptors all ended each give what refresh_tracks gives on the units as they are."""
    post, rng, track_ids, fleet, members = _flying_post(6)
    label = {2: 0, 5: 1, 7: 2, 11: 0, 12: 1}

    def check(t: float) -> None:
        mean = rng.normal(0.0, 50e3, (track_ids.size, 6))
        want_units = copy.deepcopy(post.units)
        want = []
        for unit in want_units:
            want += battery.refresh_tracks(unit.state, post.name, track_ids, mean, t, label, unit)
        got = midcourse.refresh_units(fleet, members, post.name, track_ids, mean, t, label)
        assert got == want
        for unit, ref in zip(post.units, want_units, strict=True):
            for name in ("track_pos_m", "track_vel_mps", "track_time_s"):
                np.testing.assert_array_equal(
                    getattr(unit.state.flight, name), getattr(ref.state.flight, name)
                )

    check(1.0)
    state = post.units[0].state
    state.flying.remove(0)  # a flight ends and another is launched: as many in flight as before
    state.meta.append(battery.InterceptorMeta(id="i6", type="48N6E3", track=12, threat=-1, launch_s=1.0))
    state.meta[-1].post = post.name
    state.flight.status[6] = flyout.MIDCOURSE
    state.flying.append(6)
    check(2.0)
    lost = post.units[1].state.meta[1].track  # a mid-course interceptor's track
    battery.hand_over_flights(post.units[1].state, post.name, lost, 2 if lost != 2 else 5)
    check(3.0)
    post.units[2].state.flying.clear()
    check(4.0)
    assert all(slot_track[2] != 2 for slot_track in fleet.rows(members, post.name).slot_track.tolist())


def test_a_moved_unit_is_mapped_by_its_new_frame() -> None:
    post = _post()
    rng = np.random.default_rng(4)
    track_ids = np.array([1, 2, 3])
    _fly(post, rng, track_ids)
    fleet = midcourse.PostFlights(post.units)
    unit = post.units[0]
    unit.rotation = unit.rotation @ np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    unit.offset_m = unit.offset_m + 1000.0
    mean = rng.normal(0.0, 30e3, (3, 6))
    ref = copy.deepcopy(unit)
    battery.refresh_tracks(ref.state, post.name, track_ids, mean, 2.0, {}, ref)
    midcourse.refresh_units(fleet, [0], post.name, track_ids, mean, 2.0, {})
    np.testing.assert_array_equal(unit.state.flight.track_pos_m, ref.state.flight.track_pos_m)


def test_the_tracks_under_fire_are_those_of_every_engagement() -> None:
    post = _post()
    engagements = post.memory.engagements
    rng = np.random.default_rng(5)

    def every() -> list[int]:
        return [i for i, e in dict.items(engagements) if e.in_flight > 0]

    for _ in range(300):
        track = int(rng.integers(0, 40))
        roll = rng.random()
        if roll < 0.4:  # a salvo
            engagements.setdefault(track, Engagement()).in_flight += int(rng.integers(1, 3))
        elif roll < 0.8:  # a flight ends
            eng = engagements.get(track)
            if eng is not None and eng.in_flight > 0:
                eng.in_flight -= 1
        elif roll < 0.9 and track in engagements:  # a hand-over to a new track
            engagements[100 + track] = engagements.pop(track)
        np.testing.assert_array_equal(post._flying_ids(), every())


def test_a_stamp_keeps_the_listing_until_it_changes_or_is_dropped() -> None:
    """Given the stamp of its last listing, the pass takes the table it listed then without a look
    at the units; a new stamp (a launch or an end counted by the caller) lists them again, and a
    pass without a stamp (a hand-over may have re-pointed interceptors) makes the next one list too,
    even when that pass did not list (a picture of one track)."""
    post, rng, track_ids, fleet, members = _flying_post(8)
    mean = rng.normal(0.0, 50e3, (track_ids.size, 6))
    midcourse.refresh_units(fleet, members, post.name, track_ids, mean, 1.0, {}, stamp=1)
    listed = fleet.rows(members, post.name, stamp=1)
    assert listed is not None
    state = post.units[0].state
    state.flying.clear()  # unknown to a caller that gives the same stamp: the table stands
    assert fleet.rows(members, post.name, stamp=1) is listed
    again = fleet.rows(members, post.name, stamp=2)  # a new stamp: listed again
    assert again is not None and again is not listed
    assert all(group != 0 for group in again.group_member)
    assert fleet.rows(members, post.name, stamp=2) is again
    # a hand-over: a pass without a stamp, even one that lists nothing, drops the stamp
    unit = post.units[1]
    moved = next(m for m in unit.state.meta if m.post == post.name)
    moved.track = 12 if moved.track != 12 else 2
    assert midcourse.refresh_units(fleet, members, post.name, track_ids[:1], mean[:1], 2.0, {}) is None
    relisted = fleet.rows(members, post.name, stamp=2)
    assert relisted is not None and relisted is not again
    assert (moved.track, 1) in [(row[1], row[2]) for row in relisted.slot_track.tolist()]


@pytest.mark.parametrize("example", ["regiment-ankara", "ukraine-kyiv"])
def test_the_engine_keeps_a_listing_only_while_it_stands(
    example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs with launches, ends and hand-overs of interceptors at a command post's tracks give the
    same events and interceptors whether the engine's stamps let the mid-course pass keep its
    listing (and skip its look for turns), or every pass lists the units and looks again."""
    scenario = samsim.load(EXAMPLES / f"{example}.yaml").model_copy(update={"duration_s": 600.0})
    kept = samsim.simulate(scenario, seed=1, trajectories=False)
    rows = midcourse.PostFlights.rows

    def always_listed(
        self: midcourse.PostFlights, members: list[int], post: str, stamp: object = None
    ) -> object:
        return rows(self, members, post, None)  # no stamp: no pass keeps a listing or skips a look

    monkeypatch.setattr(midcourse.PostFlights, "rows", always_listed)
    listed = samsim.simulate(scenario, seed=1, trajectories=False)
    assert any(e == "launch" for e in kept.events.column("kind").to_pylist())
    assert kept.events.equals(listed.events)
    assert kept.interceptors == listed.interceptors


def test_a_pass_skips_its_look_for_turns_only_when_nothing_could_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the engine's stamps let the mid-course pass skip its look for turns (tracks changing
    threat under interceptors in flight: Kyiv's raid), no interceptor in mid-course at a track of
    the picture flies at another live threat than the one its track follows."""
    refresh = midcourse.refresh_units
    skipped = []

    def checked(
        fleet: midcourse.PostFlights,
        members: list[int],
        post: str,
        track_ids: np.ndarray,
        mean: np.ndarray,
        estimate_s: float,
        label: dict[int, int],
        stamp: object = None,
        labels: object = None,
    ) -> list[tuple[int, int, int]] | None:
        skips = stamp is not None and stamp == fleet.stamp and labels is not None and labels == fleet.turns_at
        done = refresh(fleet, members, post, track_ids, mean, estimate_s, label, stamp, labels)
        if not skips or done is None:
            return done
        table = fleet.rows(members, post, stamp)  # the listing the pass kept
        assert table is not None
        skipped.append(post)
        held = set(track_ids.tolist())
        for (slot, track, m), meta in zip(table.slot_track.tolist(), table.row_metas, strict=True):
            state = fleet.units[m].state
            threat = label.get(track, -1)
            if state.flight.status[slot] == flyout.MIDCOURSE and track in held and 0 <= threat != meta.threat:
                assert state.truth.dead_s[threat] <= state.clock_s, (post, slot, track, threat)
        return done

    monkeypatch.setattr(midcourse, "refresh_units", checked)
    samsim.simulate(samsim.load(EXAMPLES / "ukraine-kyiv.yaml"), seed=1, trajectories=False)
    assert len(skipped) > 1000
