"""Fire planning's compiled and batched paths (sim/battery.py ``_planned``) against the plain NumPy
formulation they replace: the same intercepts and kill probabilities, bit for bit, on random tracks
of every kind (low and high, slow and ballistic, near and far) around an S-400 battery with several
missile types. The reference below is the envelope, end-game and radar checks written out as array
passes over every (track, type) pair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import samsim
from samsim.arrays import FloatArray
from samsim.c2 import intercept
from samsim.c2.evaluation import BALLISTIC, classify_tracks
from samsim.models import flyout
from samsim.models.atmosphere import isa
from samsim.sim import battery
from samsim.sim.command_post import BatteryRuntime
from samsim.sim.sensing import visible
from samsim.sim.weapons import PROFILE_ALT_M, FirePlan, predicted_pk
from samsim.sim.world import compile_world

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def plan() -> FirePlan:
    world = compile_world(samsim.load(EXAMPLES / "raid-48.yaml"))
    p = BatteryRuntime(world, 0).plan
    assert len(p.types) >= 2  # several types, each with its own envelope
    return p


def _tracks(rng: np.random.Generator, n: int) -> tuple[FloatArray, FloatArray]:
    """Tracks 2-450 km out at 10 m-40 km, flying at 30-1000 m/s in any direction, and a third of them
    ballistic: 10-80 km out at 5-35 km, diving at 1200-2600 m/s."""
    bearing = rng.uniform(0.0, 2 * np.pi, n)
    fast = rng.random(n) < 1 / 3
    rng_m = np.where(fast, rng.uniform(10e3, 80e3, n), rng.uniform(2e3, 450e3, n))
    up = np.where(fast, rng.uniform(5e3, 35e3, n), np.exp(rng.uniform(np.log(10.0), np.log(40e3), n)))
    pos = np.stack([rng_m * np.sin(bearing), rng_m * np.cos(bearing), up], axis=1)
    speed = np.where(
        fast, rng.uniform(1200.0, 2600.0, n), np.exp(rng.uniform(np.log(30.0), np.log(1000.0), n))
    )
    heading = np.where(fast, bearing + np.pi + rng.uniform(-0.5, 0.5, n), rng.uniform(0.0, 2 * np.pi, n))
    climb = np.where(fast, -rng.uniform(0.3, 0.8, n), rng.uniform(-0.05, 0.05, n))
    horizontal = speed * np.sqrt(1.0 - climb * climb)
    vel = np.stack([horizontal * np.sin(heading), horizontal * np.cos(heading), speed * climb], axis=1)
    return pos, vel


def _reference_arrival(plan: FirePlan, tof: FloatArray, pip: FloatArray) -> FloatArray:
    """The arrival speed of each (track, type) in NumPy: each altitude row interpolated at the time of
    flight, then the rows at the intercept point's altitude (the end rows beyond them)."""
    out = np.full(tof.shape, np.nan)
    h = plan.height_m(np.nan_to_num(pip))
    for j, k in zip(*np.nonzero(np.isfinite(tof)), strict=True):
        rows = [np.interp(tof[j, k], plan.profile_time_s, row, right=np.nan) for row in plan.arrival_mps[k]]
        out[j, k] = np.interp(h[j, k], PROFILE_ALT_M, rows)
    return out


def _reference(plan: FirePlan, pos: FloatArray, vel: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Time of flight, intercept point and planned pk of every (track, type), in array passes: one
    single-table intercept prediction per track, its table the reach read along its path, and the
    feasibility checks of
    :func:`samsim.c2.intercept.launch_feasible` and after, each over all pairs."""
    n, m = pos.shape[0], len(plan.types)
    launcher = np.zeros((m, 3))
    launcher[:, 2] = battery.LAUNCH_HEIGHT_M
    tof = np.full((n, m), np.nan)
    pip = np.full((n, m, 3), np.nan)
    arrival = np.full((n, m), np.nan)
    height = plan.height_m(pos)
    acc = intercept.track_acceleration_mps2(pos, vel, height, plan.center_enu_m)
    grid = plan.profile_time_s
    for j in range(n):
        # the reach each type has along this track's predicted path: at every node of the grid, the
        # table read at the track's altitude then, then one single-table search per track
        path = pos[j] + vel[j] * grid[:, None] + 0.5 * acc[j] * grid[:, None] ** 2
        h = plan.height_m(path)
        along = np.array(
            [
                [np.interp(h[i], PROFILE_ALT_M, plan.reach_m[k, :, i]) for i in range(grid.size)]
                for k in range(m)
            ]
        )
        tof[j], pip[j] = intercept.predict_intercept(
            pos[j : j + 1], vel[j : j + 1], launcher, grid, along, track_acc_mps2=acc[j : j + 1]
        )
    arrival = _reference_arrival(plan, tof, pip)
    specs = [w.spec for w in plan.types]
    system = plan.battery.spec
    speed = np.linalg.norm(vel, axis=1)
    max_speed = np.minimum([s.max_target_speed_mps for s in specs], system.max_target_speed_mps)
    ground = np.zeros(tof.shape)
    finite = np.isfinite(tof)
    if np.any(finite):
        lat, lon, _ = plan.battery.frame.enu_to_geodetic(pip[finite])
        ground[finite] = plan.ground_height(np.atleast_1d(lat), np.atleast_1d(lon))
    ok, _ = intercept.launch_feasible(
        pip,
        tof,
        vel,
        launcher,
        plan.center_enu_m,
        plan.earth_radius_m,
        min_range_m=np.array([s.min_range_m for s in specs]),
        max_range_m=np.array([s.max_range_m for s in specs]),
        min_alt_m=np.array([s.min_altitude_m for s in specs])[None, :] + ground,
        max_alt_m=np.array([s.max_altitude_m for s in specs]),
        max_target_speed_mps=max_speed,
        max_flight_s=np.array([w.params[flyout.P_MAX_FLIGHT_S] for w in plan.types]),
    )
    slant = np.linalg.norm(pip - launcher[None], axis=-1)
    los = (pip - launcher[None]) / np.maximum(slant, 1.0)[..., None]
    receding = np.einsum("nmk,nk->nm", np.nan_to_num(los), vel)
    closing = np.nan_to_num(arrival, nan=0.0) - receding
    ok &= closing >= np.array([w.params[flyout.P_ENDGAME_MIN_CLOSING_MPS] for w in plan.types])[None, :]
    alt = np.nan_to_num(plan.height_m(pip), nan=0.0)
    for k, w in enumerate(plan.types):
        pull = flyout.available_accel_mps2(w.params, alt[:, k], np.nan_to_num(arrival[:, k], nan=0.0))
        ok[:, k] &= pull >= w.params[flyout.P_ENDGAME_MIN_ACCEL_MPS2]
    ballistic = classify_tracks(speed, plan.height_m(pos)) == BALLISTIC
    ok &= ~(ballistic[:, None] & (slant > system.ballistic_engagement_range_m))
    radar = plan.engagement_radar
    assert radar is not None
    flat_pip = np.where(np.isfinite(pip), pip, 0.0).reshape(-1, 3)
    seen, _, _, _ = visible(radar, flat_pip - radar.enu_m, plan.height_m(flat_pip) - plan.horizon_ref_alt_m)
    ok &= seen.reshape(ok.shape)
    pk = np.zeros((m, n))
    for k, s in enumerate(specs):
        est = predicted_pk(s.pk_nominal, slant[:, k] / s.max_range_m, speed / max_speed[k])
        pk[k] = np.where(ok[:, k], est, 0.0)
    return tof, pip, pk


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("n", [1, 2, 7, 60])
def test_planning_gives_the_array_passes_floats(plan: FirePlan, seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    pos, vel = _tracks(rng, n)
    tof, pip, pk = battery._planned(plan, pos, vel, np.ones(n, dtype=bool))
    ref_tof, ref_pip, ref_pk = _reference(plan, pos, vel)
    # the compiled search reads the table along the path in its own order of operations: the same
    # answer to rounding (a pair on an envelope boundary to 1e-9 would be a 1-in-10^9 draw)
    assert np.array_equal(np.isnan(tof), np.isnan(ref_tof))
    assert np.allclose(tof, ref_tof, rtol=1e-9, atol=1e-9, equal_nan=True)
    assert np.allclose(pip, ref_pip, rtol=1e-9, atol=1e-6, equal_nan=True)
    assert np.array_equal(pk > 0.0, ref_pk > 0.0)
    assert np.allclose(pk, ref_pk, rtol=1e-9, atol=0.0)
    # the one-unit pass the decision cycle's cheap look uses: the same intercepts (to the last bit or
    # two of a falling track's Newton refinement, compiled inside another kernel)
    t2, p2 = battery._intercept_points(plan, pos, vel)
    assert np.array_equal(np.isnan(t2), np.isnan(tof))
    assert np.allclose(t2, tof, rtol=1e-12, atol=0.0, equal_nan=True)
    assert np.allclose(p2, pip, rtol=1e-12, atol=1e-6, equal_nan=True)


def test_the_random_tracks_exercise_every_check(plan: FirePlan) -> None:
    """The comparison above is not vacuous: the random tracks include feasible pairs and pairs that
    fail with an intercept solution, ballistic tracks and the others among both."""
    pos, vel = _tracks(np.random.default_rng(4), 400)
    tof, _, pk = battery._planned(plan, pos, vel, np.ones(400, dtype=bool))
    feasible = pk.T > 0.0
    assert 0 < np.count_nonzero(feasible) < np.count_nonzero(np.isfinite(tof))
    ballistic = np.linalg.norm(vel, axis=1) >= 1200.0
    assert np.any(feasible[ballistic]) and np.any(feasible[~ballistic])


def test_the_kernel_sums_as_numpy_does() -> None:
    """The envelope kernel's slant range and height are NumPy's norms, and its closing speed uses
    ``np.einsum``'s order of the line-of-sight products (checked through the closing-speed limit
    at its boundary: a limit set to the NumPy closing speed passes, one ulp above fails)."""
    rng = np.random.default_rng(5)
    n, m = 50, 3
    pip = rng.normal(size=(n, m, 3)) * 1e5
    vel = rng.normal(size=(n, 3)) * 700.0
    tof = np.full((n, m), 10.0)
    arrival = rng.uniform(500.0, 2000.0, (n, m))
    launcher = np.zeros((m, 3))
    launcher[:, 2] = 2.0
    center = np.array([0.0, 0.0, -6.37e6])
    slant_np = np.linalg.norm(pip - launcher[None], axis=-1)
    alt_np = np.linalg.norm(pip - center, axis=-1) - 6.36e6
    los = (pip - launcher[None]) / np.maximum(slant_np, 1.0)[..., None]
    closing_np = arrival - np.einsum("nmk,nk->nm", los, vel)
    big = np.full(m, 1e9)
    for k in range(m):
        for above in (False, True):
            limit = np.zeros(m) - 1e9
            ok = np.empty((n, m), dtype=bool)
            slant = np.empty((n, m))
            alt = np.empty((n, m))
            passed = np.empty(n, dtype=bool)
            for i in range(n):
                limit[k] = np.nextafter(closing_np[i, k], np.inf) if above else closing_np[i, k]
                battery._envelope_kernel(
                    pip[i : i + 1],
                    tof[i : i + 1],
                    arrival[i : i + 1],
                    vel[i : i + 1],
                    np.linalg.norm(vel[i : i + 1], axis=1),
                    launcher,
                    center,
                    6.36e6,
                    np.zeros(m),
                    big,
                    big,
                    big,
                    big,
                    limit,
                    np.inf,
                    np.inf,
                    ok[i : i + 1],
                    slant[i : i + 1],
                    alt[i : i + 1],
                )
                passed[i] = ok[i, k]
            assert np.array_equal(slant, slant_np) and np.array_equal(alt, alt_np)
            assert not np.any(passed) if above else np.all(passed)


def test_available_accel_takes_one_row_per_element(plan: FirePlan) -> None:
    """Several types' rows in one call give each row's own call's floats."""
    rng = np.random.default_rng(6)
    alt = rng.uniform(-100.0, 40e3, 30)
    speed = rng.uniform(0.0, 2500.0, 30)
    k = rng.integers(0, len(plan.types), 30)
    rows = plan.table.params[k]
    together = flyout.available_accel_mps2(rows, alt, speed)
    alone = np.array(
        [
            flyout.available_accel_mps2(plan.types[j].params, alt[i : i + 1], speed[i : i + 1])[0]
            for i, j in enumerate(k)
        ]
    )
    assert np.array_equal(together, alone)


def test_arrival_speeds_are_interpolated_in_time_then_altitude(plan: FirePlan) -> None:
    """The compiled interpolation of the arrival-speed tables gives NumPy's answer: inside the grid,
    on its points, before it, beyond it, where a type's table has ended (nan), and at intercept points
    below, between and above the tables' altitudes."""
    rng = np.random.default_rng(7)
    grid = plan.profile_time_s
    n, m = 300, len(plan.types)
    tof = rng.uniform(-5.0, float(grid[-1]) + 20.0, (n, m))
    tof[rng.random((n, m)) < 0.2] = np.nan
    on = rng.random((n, m)) < 0.2
    tof[on] = grid[rng.integers(0, grid.size, np.count_nonzero(on))]
    pip = np.zeros((n, m, 3))
    pip[..., 0] = rng.uniform(-50e3, 50e3, (n, m))
    pip[..., 2] = rng.uniform(-500.0, 40e3, (n, m))
    want = _reference_arrival(plan, tof, pip)
    got = np.empty(tof.shape)
    battery._arrival_kernel(
        tof, pip, grid, PROFILE_ALT_M, plan.arrival_mps, plan.center_enu_m, plan.earth_radius_m, got
    )
    assert np.allclose(got, want, rtol=1e-12, atol=1e-9, equal_nan=True)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.any(np.isnan(plan.arrival_mps))
    assert np.count_nonzero(np.isfinite(got)) > n * m // 3


def test_the_reach_bound_never_drops_a_track_with_a_solution(plan: FirePlan) -> None:
    """A track the reach bound rules out has no intercept solution (ballistic ones among those with
    one), and the bound does rule out tracks far beyond the reach tables."""
    rng = np.random.default_rng(8)
    pos, vel = _tracks(rng, 600)
    pos[::3] *= rng.uniform(1.0, 4.0, (200, 1))  # some well beyond reach
    tof, _ = battery._intercept_points(plan, pos, vel)
    reach = np.array([plan.table.table_reach_m]), np.array([plan.table.table_time_s])
    within = battery._within_reach(pos, vel, np.ones((1, 600), dtype=bool), np.zeros((1, 3)), *reach)[0]
    assert not np.any(
        battery._within_reach(pos, vel, np.zeros((1, 600), dtype=bool), np.zeros((1, 3)), *reach)
    )
    solved = np.any(np.isfinite(tof), axis=1)
    assert np.all(within[solved])
    assert np.count_nonzero(~within) > 100
    fast = np.linalg.norm(vel, axis=1) >= 1200.0
    assert np.any(fast & solved)


def test_the_pull_bracket_agrees_with_the_standard_atmosphere(plan: FirePlan) -> None:
    """Decided end-game pulls are those of :func:`samsim.models.flyout.available_accel_mps2`, also at
    speeds that put the aerodynamic limit within a hair of the threshold (left undecided)."""
    table = plan.table
    rng = np.random.default_rng(9)
    n = 3000
    k = rng.integers(0, len(plan.types), n)
    alt = rng.uniform(-1000.0, 60e3, n)
    alt[:50] = 11_000.0 * 6_356_766.0 / (6_356_766.0 - 11_000.0) + rng.uniform(
        -30.0, 30.0, 50
    )  # a layer boundary
    rows = table.params[k]
    need = table.endgame_min_accel_mps2[k]
    # the speed at which the aerodynamic limit is the threshold, then around it
    rho = isa(alt).density_kgpm3
    v_eq = np.sqrt(
        need
        * rows[:, flyout.P_DRY_MASS_KG]
        / (0.5 * rho * rows[:, flyout.P_REF_AREA_M2] * rows[:, flyout.P_CN_MAX])
    )
    speed = v_eq * np.exp(rng.normal(0.0, 0.05, n))
    speed[::7] = v_eq[::7] * (1.0 + rng.normal(0.0, 1e-9, speed[::7].size))
    speed[::11] = 0.0
    exact = flyout.available_accel_mps2(rows, alt, speed) >= need
    out = np.empty(n, dtype=np.int8)
    battery._pull_decided(table.params, table.endgame_min_accel_mps2, k, alt, speed, out)
    decided = out != battery._UNDECIDED
    assert np.array_equal(out[decided] == battery._PULLS, exact[decided])
    assert np.count_nonzero(decided) > n // 2 and np.count_nonzero(~decided) > 0
    assert np.any(exact[decided]) and np.any(~exact[decided])


def test_several_units_plan_in_one_pass_as_each_alone() -> None:
    """:func:`battery._plan_units` over units with different missile types and time-of-flight grids
    (an S-400 battalion and a Pantsir, each tracks in its own frame, some not to be planned) gives,
    pair by pair, the floats of each unit planned alone (which the test above checks against the array
    passes)."""
    from tests.sim.test_layered import _scenario as layered

    world = compile_world(layered())
    plans = [BatteryRuntime(world, b).plan for b in range(len(world.batteries))]
    assert len({len(p.types) for p in plans}) > 1 or len({p.profile_time_s.size for p in plans}) > 1
    rng = np.random.default_rng(11)
    n = 80
    tracks = [_tracks(rng, n) for _ in plans]
    may = rng.random((len(plans), n)) < 0.7
    may[0, :5] = False
    planned = battery._plan_units(plans, [p for p, _ in tracks], [v for _, v in tracks], may)
    feasible = 0
    for u, plan in enumerate(plans):
        m = len(plan.types)
        s, e = planned.start[u], planned.start[u + 1]
        assert np.array_equal(planned.track[s:e], np.flatnonzero(may[u]))
        pos, vel = tracks[u][0][may[u]], tracks[u][1][may[u]]
        # each unit alone (checked against the array passes above), bit for bit
        ref_tof, ref_pip, ref_pk = battery._planned(plan, pos, vel, np.ones(pos.shape[0], dtype=bool))
        assert np.array_equal(planned.tof[s:e, :m], ref_tof, equal_nan=True)
        assert np.array_equal(planned.pip[s:e, :m], ref_pip, equal_nan=True)
        assert np.array_equal(planned.pk[s:e, :m], ref_pk.T)
        assert np.all(np.isnan(planned.tof[s:e, m:])) and np.all(planned.pk[s:e, m:] == 0.0)
        assert np.array_equal(planned.unit_pk(u, m, n)[:, may[u]], ref_pk)
        assert np.array_equal(planned.rows(u, n)[may[u]], np.arange(s, e))
        feasible += np.count_nonzero(ref_pk)
    assert feasible > 0


def test_a_planning_in_two_parts_merged_is_the_planning_in_one() -> None:
    """:func:`battery._merged` of two plannings over disjoint pairs (as :func:`battery.decide` plans a
    spent unit's pairs after the others') gives the planning of all those pairs in one pass, bit for
    bit, and :func:`battery._pk_floors` taken on the parts is that of the whole."""
    from tests.sim.test_layered import _scenario as layered

    world = compile_world(layered())
    plans = [BatteryRuntime(world, b).plan for b in range(len(world.batteries))]
    rng = np.random.default_rng(5)
    n = 90
    tracks = [_tracks(rng, n) for _ in plans]
    pos, vel = [p for p, _ in tracks], [v for _, v in tracks]
    may = rng.random((len(plans), n)) < 0.8
    first = may & (rng.random(may.shape) < 0.5)
    second = may & ~first
    tables = battery._unit_tables(plans)
    jammed = rng.random(n) < 0.2
    whole = battery._plan_units(plans, pos, vel, may)
    unit_whole = battery._pk_floors(whole, len(plans), jammed, tables.home_on_jam, tables.min_pk)
    a = battery._plan_units(plans, pos, vel, first)
    b = battery._plan_units(plans, pos, vel, second)
    battery._pk_floors(a, len(plans), jammed, tables.home_on_jam, tables.min_pk)
    battery._pk_floors(b, len(plans), jammed, tables.home_on_jam, tables.min_pk)
    merged = battery._merged(a, first, b, second)
    assert np.array_equal(merged.start, whole.start)
    assert np.array_equal(merged.track, whole.track)
    assert np.array_equal(merged.tof, whole.tof, equal_nan=True)
    assert np.array_equal(merged.pip, whole.pip, equal_nan=True)
    assert np.array_equal(merged.pk, whole.pk)
    assert np.count_nonzero(whole.pk) > 0
    assert np.array_equal(np.repeat(np.arange(len(plans)), np.diff(merged.start)), unit_whole)


@pytest.mark.parametrize("seed", range(4))
def test_readiness_is_the_array_passes(seed: int) -> None:
    """:func:`battery._readiness` answers as the array passes it replaced: a launcher ready (within
    1e-9 s) that holds a round, else some round on a launcher, else none."""
    rng = np.random.default_rng(seed)
    for _ in range(200):
        launchers, types = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        stock = np.where(rng.random((launchers, types)) < 0.3, rng.integers(1, 4, (launchers, types)), 0)
        t = 100.0
        ready_s = t + rng.choice([-5.0, 0.0, 1e-9, 2e-9, 5.0], launchers)
        ready = ((ready_s <= t + 1e-9)[:, None] & (stock > 0)).any()
        has = (stock > 0).any()
        want = battery._READY if ready else battery._LOADED if has else battery._EMPTY
        assert battery._readiness(ready_s, stock.astype(np.int64), t) == want


def test_the_doctrine_tests_as_array_passes_are_eligibilitys() -> None:
    """:func:`battery._statuses` gives :func:`battery._eligibility` of every track under every unit's
    doctrine (destroyed, waiting for the reaction time or a fresh update, engaged by the fire policy,
    eligible; doctrines repeated among the units) and notes the engagements it looks up as it does."""
    from samsim.c2.doctrine import Engagement, SalvoDoctrine, policy

    rng = np.random.default_rng(12)
    n, t = 300, 100.0
    ids = np.sort(rng.choice(10_000, n, replace=False)).astype(np.int64)
    last = t - rng.uniform(0.0, 25.0, n)
    memory = battery.EngagementMemory()
    for i in ids.tolist():
        r = rng.random()
        if r < 0.1:
            memory.destroyed.add(i)
        if r < 0.9:
            memory.first_firm_s[i] = t - float(rng.uniform(0.0, 20.0))
        if rng.random() < 0.5:
            memory.engagements[i] = Engagement(
                in_flight=int(rng.integers(0, 5)), salvos=int(rng.integers(0, 3)), last_end_s=t - 5.0
            )
    memory.first_firm_s[int(ids[0])] = t - 8.0 + 1e-9  # at the reaction time's margin
    docs = [
        battery.CommandDoctrine(2, 8.0, policy("shoot-look-shoot"), SalvoDoctrine(2, 4.0)),
        battery.CommandDoctrine(2, 3.0, policy("shoot-shoot"), SalvoDoctrine(2, 4.0)),
    ]
    units = [docs[0], docs[1], docs[0]]

    def touched() -> set[int]:
        out = set(memory.engagements.touched)
        memory.engagements.touched.clear()
        return out

    touched()
    got = battery._statuses(memory, units, t, ids, last)
    by_arrays = touched()
    want = np.array(
        [
            [
                battery._eligibility(memory, d, i, t, u)
                for i, u in zip(ids.tolist(), last.tolist(), strict=True)
            ]
            for d in units
        ]
    )
    assert np.array_equal(got, want)
    assert by_arrays == touched()
    assert {battery._DESTROYED, battery._WAITING, battery._ENGAGED, battery._ELIGIBLE} <= set(
        got.ravel().tolist()
    )
    assert not np.array_equal(got[0], got[1])
    few = 7  # few enough to be asked one by one
    assert few * 2 <= battery._FEW_STATUSES < n
    assert np.array_equal(battery._statuses(memory, units[:2], t, ids[:few], last[:few]), want[:2, :few])
