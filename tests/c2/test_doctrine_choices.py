"""The doctrine's choices on small cases where the best choice is obvious: kinematic classes, the
cheapest adequate missile, the long-range reserve, and the same in the engine."""

from __future__ import annotations

import numpy as np

from samsim import loads, simulate
from samsim.c2.doctrine import cheapest_adequate, hold_reserve
from samsim.c2.evaluation import AIRCRAFT, BALLISTIC, CRUISE, DRONE, classify_tracks, damage_weight
from tests.sim.test_battery import route_threat, scenario_text

BOTH_TYPES = "[{type: 5P85SE2, count: 2, load: {48N6E3: 4}}, {type: 5P85TE2, count: 1, load: {9M96E2: 16}}]"


def test_tracks_are_classed_by_speed_and_height() -> None:
    speed = np.array([2000.0, 250.0, 240.0, 50.0, 280.0])
    height = np.array([30_000.0, 9_000.0, 50.0, 1_000.0, 100.0])
    assert classify_tracks(speed, height).tolist() == [BALLISTIC, AIRCRAFT, CRUISE, DRONE, CRUISE]
    w = damage_weight(np.array([BALLISTIC, AIRCRAFT, CRUISE, DRONE]))
    assert w[0] == w[1] > w[2] > w[3] > 0.0


def test_the_cheapest_adequate_type_is_kept() -> None:
    pk = np.array([[0.80, 0.80, 0.0], [0.78, 0.50, 0.7]])  # types: expensive, cheap
    cost = np.array([1.5e6, 0.6e6])
    out = cheapest_adequate(pk, cost)
    # track 0: both adequate (0.78 >= 0.9 * 0.80) -> the cheap one; track 1: only the expensive one
    # is adequate; track 2: only the cheap one can fire at all.
    np.testing.assert_array_equal(out, [[0.0, 0.80, 0.0], [0.78, 0.0, 0.7]])


def test_the_reserve_is_kept_for_high_value_tracks() -> None:
    pk = np.full((2, 2), 0.8)
    out = hold_reserve(
        pk, stock=np.array([4, 10]), reserve=np.array([4, 0]), high_value=np.array([True, False])
    )
    np.testing.assert_array_equal(out, [[0.8, 0.0], [0.8, 0.8]])


def test_a_drone_gets_the_cheap_missile_and_a_fighter_may_get_the_long_range_one() -> None:
    sc = loads(
        scenario_text(
            [
                route_threat("drone", "Shahed-136", 270, 40e3, 1000, 50),
                route_threat("jet", "F-16C", 90, 120e3, 9000, 280),
            ],
            launchers=BOTH_TYPES,
            duration_s=900,
        )
    )
    fired: dict[str, set[str]] = {"drone": set(), "jet": set()}
    for seed in range(3):
        for i in simulate(sc, seed=seed, trajectories=False).interceptors:
            fired[i.target].add(i.type)
    assert fired["drone"] == {"9M96E2"}
    assert fired["jet"] and fired["jet"] <= {"48N6E3", "9M96E2"}


def test_long_range_rounds_in_reserve_are_not_spent_on_cruise_missiles() -> None:
    only_long = "[{type: 5P85SE2, count: 1, load: {48N6E3: 4}}]"
    threats = [
        route_threat("cm", "Tomahawk", 200, 150e3, 100, 245),
        route_threat("jet", "F-16C", 90, 150e3, 9000, 280),
    ]
    kept = loads(scenario_text(threats, launchers=only_long, doctrine="{high_value_reserve: {48N6E3: 4}}"))
    spent = loads(scenario_text(threats, launchers=only_long, doctrine="{high_value_reserve: {}}"))
    at_cm_kept = [
        i
        for s in range(3)
        for i in simulate(kept, seed=s, trajectories=False).interceptors
        if i.target == "cm"
    ]
    at_jet_kept = [
        i
        for s in range(3)
        for i in simulate(kept, seed=s, trajectories=False).interceptors
        if i.target == "jet"
    ]
    at_cm_spent = [
        i
        for s in range(3)
        for i in simulate(spent, seed=s, trajectories=False).interceptors
        if i.target == "cm"
    ]
    assert at_cm_kept == [] and at_jet_kept
    assert at_cm_spent  # without the reserve the same battery fires at the cruise missile


def test_the_choices_over_several_units_columns_are_each_units_own() -> None:
    """Columns of several fire units side by side, each with its unit's costs, stocks and reserves
    (types, tracks), give each unit's own choice column by column."""
    rng = np.random.default_rng(3)
    units, m, n = 4, 3, 9
    pk = np.where(rng.random((units, m, n)) < 0.6, rng.uniform(0.3, 0.9, (units, m, n)), 0.0)
    cost = rng.choice([0.2e6, 0.6e6, 1.5e6], (units, m))
    stock = rng.integers(0, 6, (units, m))
    reserve = rng.integers(0, 4, (units, m))
    high_value = rng.random(n) < 0.5
    unit_of = np.repeat(np.arange(units), n)  # column c of the joint matrix: unit c // n, track c % n
    joint_pk = np.concatenate(list(pk), axis=1)
    chosen = cheapest_adequate(joint_pk, cost[unit_of].T)
    kept = hold_reserve(chosen, stock[unit_of].T, reserve[unit_of].T, np.tile(high_value, units))
    for u in range(units):
        own = cheapest_adequate(pk[u], cost[u])
        np.testing.assert_array_equal(chosen[:, u * n : (u + 1) * n], own)
        np.testing.assert_array_equal(
            kept[:, u * n : (u + 1) * n], hold_reserve(own, stock[u], reserve[u], high_value)
        )
    assert np.any(chosen != joint_pk) and np.any(kept != chosen)
