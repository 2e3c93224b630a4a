"""A battery's kill chain after the tracker: command-post decisions and its interceptors in flight.

Each decision cycle the command post takes its firm tracks, evaluates them against the defended
assets (:mod:`samsim.c2.evaluation`), works out for every (track, missile type) pair the predicted
intercept point and whether a launch is inside the interceptor's envelope and the engagement
radar's coverage (:mod:`samsim.c2.intercept`), estimates a kill probability, and solves the
weapon–target assignment (:func:`samsim.c2.wta.solve_wta`) under its stocks, ready launchers, salvo
size and fire-channel limits. Doctrine decides which tracks may be engaged at all: weapons free or
hold, reaction time from firm track to first launch, the fire policy (:mod:`samsim.c2.doctrine`:
shoot-look-shoot, shoot-shoot, ...) and ``min_pk``.

Interceptors fly in the battery's own ENU frame through the compiled 3-DOF kernel
(:mod:`samsim.models.flyout`): mid-course on the engagement radar's track, terminal on the true
target; the miss distance at closest approach goes through the warhead's lethality function.

Three kinds of data, kept apart: the fixed :class:`~samsim.sim.weapons.FirePlan`, the mutable
:class:`BatteryState` these functions advance, and the :class:`FlightRecorder` that only remembers
what happened for the trajectories file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.c2 import intercept
from samsim.c2.doctrine import Engagement, cheapest_adequate, hold_reserve
from samsim.c2.evaluation import AIRCRAFT, BALLISTIC, classify_tracks, damage_weight, evaluate_threats
from samsim.c2.wta import solve_wta
from samsim.models import flyout, lethality
from samsim.sim.flights import TABLE_DT_S
from samsim.sim.sensing import visible
from samsim.sim.weapons import FirePlan, WeaponType, predicted_pk
from samsim.sim.world import CompiledBattery, World

LOW_TARGET_ALT_M = 3_000.0
"""Tracks below this height use the reach table flown against a low target (denser air)."""
ENGAGE_MAX_AGE_S = 15.0
"""A track not updated for longer than this is coasting: its position is too uncertain to fire at."""
DUPLICATE_TRACK_M = 300.0
"""A new track this close to the estimate of a track already under fire is taken to be the same target
(track continuity is imperfect; a command post does not fire a second salvo at a duplicate)."""
ENGINE_EXACT_MAX_CELLS = 24
"""Per-cycle assignments up to this many (type x track) cells are solved exactly; larger ones by the
heuristic, which matched the exact optimum on every unconstrained benchmark instance and keeps a
decision cycle within milliseconds (the exact MILP takes 0.1-3 s on 20-48 targets with fire-channel
limits; benchmarks/wta.py)."""
LAUNCH_HEIGHT_M = 2.0
"""Where planning assumes missiles leave from: the battery position, this far up (launchers stand
within a few hundred metres, nothing at engagement ranges)."""


@dataclass
class InterceptorMeta:
    """Who an interceptor is and what it was fired at."""

    id: str
    type: str
    track: int
    threat: int  # true threat index the interceptor homes on (-1: a false track)
    launch_s: float
    planned_pk: float = 0.0
    pip_range_m: float = 0.0
    pip_alt_m: float = 0.0


@dataclass
class BatteryState:
    """What changes during a run: stocks, launcher readiness, interceptors and the engagements."""

    stock: IntArray  # (launchers, types) missiles left
    ready_s: FloatArray  # (launchers,) when each launcher can fire next
    flight: flyout.FlyoutState  # one slot per loaded missile
    truth: flyout.ThreatTruth  # the threats in the battery frame (their deaths are written in)
    meta: list[InterceptorMeta] = field(default_factory=list)  # per slot fired, in firing order
    engagements: dict[int, Engagement] = field(default_factory=dict)
    first_firm_s: dict[int, float] = field(default_factory=dict)
    destroyed: set[int] = field(default_factory=set)  # tracks whose target a kill assessment confirmed
    fired_per_type: dict[str, int] = field(default_factory=dict)
    flying: list[int] = field(default_factory=list)  # slots in flight
    clock_s: float = 0.0  # interceptors have been flown up to here


@dataclass
class FlightRecorder:
    """Where a battery's interceptors were: at decision cycles while flying, and at launch."""

    samples: list[tuple[float, IntArray, FloatArray, FloatArray]] = field(default_factory=list)
    launch_pos_m: list[FloatArray] = field(default_factory=list)


def initial_state(world: World, battery: CompiledBattery) -> BatteryState:
    """A battery at the start of a run: launchers loaded, nothing flying, the threats' truth tables
    in its frame."""
    t = world.threats
    samples = t.table_ecef_m.shape[1]
    table = battery.frame.ecef_to_enu(t.table_ecef_m) if t.count else np.zeros((0, samples, 3))
    return BatteryState(
        stock=battery.launchers.stock.copy(),
        ready_s=np.zeros(len(battery.launchers.types)),
        flight=flyout.empty_state(int(battery.launchers.stock.sum())),
        truth=flyout.ThreatTruth(
            pos_m=np.ascontiguousarray(table),
            t0_s=t.table_t0_s.copy(),
            dt_s=TABLE_DT_S,
            dead_s=np.minimum(t.end_s, t.leak_s).copy(),
        ),
    )


@dataclass
class Launch:
    slot: int
    meta: InterceptorMeta
    pk: float


class Assignment(NamedTuple):
    """A track the command post assigned missiles to in one cycle."""

    track: int
    value: float  # threat value from the evaluation (expected asset value at stake)
    asset: int  # the asset it threatens most (-1: none)
    pk: float  # the best single-shot planned kill probability over the types fired
    types: str  # the missile types fired, comma-separated


@dataclass
class Decision:
    """What one decision cycle did: the tracks assigned and the launches made."""

    assigned: list[Assignment]
    launches: list[Launch]


def decide(
    plan: FirePlan,
    state: BatteryState,
    recorder: FlightRecorder,
    world: World,
    t: float,
    track_ids: IntArray,
    track_pos_m: FloatArray,
    track_vel_mps: FloatArray,
    track_label: list[int],
    track_last_update_s: FloatArray,
) -> Decision:
    """One command-post cycle over the battery's firm tracks (positions predicted to ``t``)."""
    doctrine = plan.battery.doctrine
    none = Decision([], [])
    if doctrine.weapons != "free" or plan.engagement_radar is None or track_ids.size == 0:
        return none
    ready = state.ready_s <= t + 1e-9
    if not np.any(ready[:, None] & (state.stock > 0)):
        return none
    eligible = np.array(
        [
            _eligible(plan, state, int(i), t, float(u))
            for i, u in zip(track_ids.tolist(), track_last_update_s, strict=True)
        ],
        dtype=bool,
    )
    eligible &= ~_duplicates(state, track_ids, track_pos_m, t)
    if not np.any(eligible):
        return none
    ids = track_ids[eligible]
    pos = track_pos_m[eligible]
    vel = track_vel_mps[eligible]
    labels = [lab for lab, e in zip(track_label, eligible.tolist(), strict=True) if e]

    tof, pip = _intercepts(plan, pos, vel)
    pk = _pk_matrix(plan, pos, vel, tof, pip)  # (types, tracks)
    pk[pk < doctrine.min_pk] = 0.0
    # Doctrine's choices: the cheapest adequate missile, and long-range rounds kept for what matters.
    classes = classify_tracks(np.linalg.norm(vel, axis=1), plan.height_m(pos))
    pk = cheapest_adequate(pk, np.array([w.spec.unit_cost_usd for w in plan.types]))
    pk = hold_reserve(
        pk,
        state.stock.sum(axis=0),
        np.array([doctrine.high_value_reserve.get(w.key, 0) for w in plan.types], dtype=np.int64),
        (classes == BALLISTIC) | (classes == AIRCRAFT),
    )
    if not np.any(pk > 0.0):
        return none
    assess = evaluate_threats(pos, vel, plan.assets_enu_m, world.assets.radius_m, world.assets.value)
    value = assess.value * damage_weight(classes)

    # Stocks: ready launchers holding each type (one missile per launcher per cycle).
    holding = ready[:, None] & (state.stock > 0)
    stock = holding.sum(axis=0).astype(np.int64)
    spec = plan.engagement_radar.spec
    busy_tracks = sum(1 for e in state.engagements.values() if e.in_flight > 0)
    shot_cap = max(spec.guided_missiles - len(state.flying), 0)
    target_cap = max(spec.engaged_targets - busy_tracks, 0)
    per_target = np.full(ids.size, doctrine.salvo, dtype=np.int64)
    if shot_cap == 0 or target_cap == 0:
        return none
    x = solve_wta(
        value,
        pk,
        stock,
        max_per_target=per_target,
        group=np.zeros(len(plan.types), dtype=np.int64),
        group_shot_cap=np.array([shot_cap]),
        group_target_cap=np.array([target_cap]),
        method="exact" if pk.size <= ENGINE_EXACT_MAX_CELLS else "heuristic",
    )
    decision = Decision([], [])
    rank = np.lexsort((assess.time_to_go_s, -value))  # most at stake first, then soonest
    for j in rank.tolist():
        shots = x[:, j]
        if shots.sum() == 0:
            continue
        track = int(ids[j])
        made = 0
        for k in np.flatnonzero(shots).tolist():
            for _ in range(int(shots[k])):
                launcher = _pick_launcher(state, k, t)
                if launcher < 0:
                    break
                meta = _launch(
                    plan,
                    state,
                    recorder,
                    t,
                    launcher,
                    k,
                    track,
                    labels[j],
                    pos[j],
                    vel[j],
                    pip[j, k],
                    tof[j, k],
                )
                meta.planned_pk = float(pk[k, j])
                meta.pip_range_m = float(np.linalg.norm(pip[j, k] - _launch_points(1)[0]))
                meta.pip_alt_m = float(plan.height_m(pip[j, k][None])[0])
                decision.launches.append(Launch(len(state.meta) - 1, meta, float(pk[k, j])))
                made += 1
        if made:
            eng = state.engagements.setdefault(track, Engagement())
            eng.in_flight += made
            eng.salvos += 1
            kinds = ",".join(plan.types[k].key for k in np.flatnonzero(shots).tolist())
            decision.assigned.append(
                Assignment(track, float(value[j]), int(assess.asset[j]), float(pk[:, j].max()), kinds)
            )
    return decision


def _eligible(plan: FirePlan, state: BatteryState, track: int, t: float, last_update_s: float) -> bool:
    """Doctrine: reaction time since the track went firm, a fresh track, and the fire policy."""
    if track in state.destroyed:
        return False
    if t < state.first_firm_s.get(track, np.inf) + plan.battery.doctrine.reaction_time_s - 1e-9:
        return False
    if t - last_update_s > ENGAGE_MAX_AGE_S:
        return False
    eng = state.engagements.get(track)
    return eng is None or plan.fire_policy(eng, plan.salvo_doctrine, t, last_update_s)


def _duplicates(state: BatteryState, track_ids: IntArray, pos: FloatArray, t: float) -> BoolArray:
    """Tracks lying within DUPLICATE_TRACK_M of another track that interceptors are flying at."""
    out = np.zeros(track_ids.size, dtype=bool)
    if not state.flying:
        return out
    slots = np.array(state.flying, dtype=np.int64)
    engaged = np.array([state.meta[s].track for s in state.flying], dtype=np.int64)
    st = state.flight
    est = st.track_pos_m[slots] + st.track_vel_mps[slots] * (t - st.track_time_s[slots])[:, None]
    dist = np.linalg.norm(pos[:, None, :] - est[None, :, :], axis=-1)
    other = track_ids[:, None] != engaged[None, :]
    return np.asarray(np.any((dist < DUPLICATE_TRACK_M) & other, axis=1), dtype=np.bool_)


def _intercepts(plan: FirePlan, pos: FloatArray, vel: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Time of flight and intercept point per (track, type), with the low or high reach table."""
    n, m = pos.shape[0], len(plan.types)
    tof = np.full((n, m), np.nan)
    pip = np.full((n, m, 3), np.nan)
    low = plan.height_m(pos) < LOW_TARGET_ALT_M
    for mask, table in ((low, plan.reach_low_m), (~low, plan.reach_high_m)):
        if np.any(mask):
            tof[mask], pip[mask] = intercept.predict_intercept(
                pos[mask], vel[mask], _launch_points(m), plan.profile_time_s, table
            )
    return tof, pip


def _launch_points(m: int) -> FloatArray:
    """Where planning assumes each of ``m`` types leaves from (see :data:`LAUNCH_HEIGHT_M`)."""
    points = np.zeros((m, 3))
    points[:, 2] = LAUNCH_HEIGHT_M
    return points


def _pk_matrix(
    plan: FirePlan, pos: FloatArray, vel: FloatArray, tof: FloatArray, pip: FloatArray
) -> FloatArray:
    """Planned kill probability of one shot of each type at each track (0 where infeasible)."""
    m = len(plan.types)
    launcher = _launch_points(m)
    system = plan.battery.spec
    specs = [w.spec for w in plan.types]
    speed = np.linalg.norm(vel, axis=1)
    max_speed = np.minimum([s.max_target_speed_mps for s in specs], system.max_target_speed_mps)
    # Minimum altitudes are heights above the ground under the intercept point.
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
    ballistic = classify_tracks(speed, plan.height_m(pos)) == BALLISTIC
    ok &= ~(ballistic[:, None] & (slant > system.ballistic_engagement_range_m))
    # The engagement radar must see the intercept point to guide the missile there.
    radar = plan.engagement_radar
    assert radar is not None
    flat_pip = np.where(np.isfinite(pip), pip, 0.0).reshape(-1, 3)
    height = plan.height_m(flat_pip) - plan.horizon_ref_alt_m
    seen, _, _, _ = visible(radar, flat_pip - radar.enu_m, height)
    ok &= seen.reshape(ok.shape)
    pk = np.zeros((m, pos.shape[0]))
    for k, s in enumerate(specs):
        est = predicted_pk(s.pk_nominal, slant[:, k] / s.max_range_m, speed / max_speed[k])
        pk[k] = np.where(ok[:, k], est, 0.0)
    return pk


def _pick_launcher(state: BatteryState, k: int, t: float) -> int:
    """A ready launcher holding type k: the fullest one first (spreads the load), then the lowest index."""
    cand = np.flatnonzero((state.ready_s <= t + 1e-9) & (state.stock[:, k] > 0))
    if cand.size == 0:
        return -1
    return int(cand[np.argmax(state.stock[cand].sum(axis=1))])


def _launch(
    plan: FirePlan,
    state: BatteryState,
    recorder: FlightRecorder,
    t: float,
    launcher: int,
    k: int,
    track: int,
    threat: int,
    pos: FloatArray,
    vel: FloatArray,
    pip: FloatArray,
    tof: float,
) -> InterceptorMeta:
    """Fire one missile of type ``k`` from ``launcher`` at a track, aimed at the predicted intercept
    point ``pip`` expected ``tof`` seconds from now; it flies from the next step on."""
    w: WeaponType = plan.types[k]
    launchers = plan.battery.launchers
    state.stock[launcher, k] -= 1
    state.ready_s[launcher] = t + launchers.launch_interval_s[launcher]
    number = state.fired_per_type.get(w.key, 0) + 1
    state.fired_per_type[w.key] = number
    meta = InterceptorMeta(
        id=f"{plan.battery.id}/{w.key}/{number}", type=w.key, track=track, threat=threat, launch_s=t
    )
    slot = len(state.meta)
    state.meta.append(meta)
    flyout.launch(
        state.flight,
        slot,
        time_s=t,
        position_m=launchers.enu_m[launcher],
        params=w.params,
        target=threat,
        track_pos_m=pos,
        track_vel_mps=vel,
        track_time_s=t,
        aim_m=pip,
        intercept_s=t + tof,
        center_enu_m=plan.center_enu_m,
    )
    state.flying.append(slot)
    recorder.launch_pos_m.append(launchers.enu_m[launcher].copy())
    return meta


def refresh_tracks(
    state: BatteryState, track_ids: IntArray, mean: FloatArray, last_update_s: FloatArray
) -> None:
    """Give interceptors in flight the engagement picture's latest estimate of their track."""
    if not state.flying or track_ids.size == 0:
        return
    slots = np.array(state.flying, dtype=np.int64)
    tracks = np.array([state.meta[s].track for s in state.flying], dtype=np.int64)
    row = np.searchsorted(track_ids, tracks)
    row = np.minimum(row, track_ids.size - 1)
    found = track_ids[row] == tracks
    if not np.any(found):
        return
    s, r = slots[found], row[found]
    state.flight.track_pos_m[s] = mean[r, :3]
    state.flight.track_vel_mps[s] = mean[r, 3:]
    state.flight.track_time_s[s] = last_update_s[r]


def fly(plan: FirePlan, state: BatteryState, t: float, dt_s: float) -> list[int]:
    """Fly the battery's interceptors up to ``t``; returns the slots whose flight ended."""
    if not state.flying:
        state.clock_s = t
        return []
    if t > state.clock_s:
        flyout.advance(
            state.flight, state.truth, state.clock_s, t, dt_s, plan.center_enu_m, plan.earth_radius_m
        )
    state.clock_s = t
    status = state.flight.status
    ended = [s for s in state.flying if status[s] in flyout.ENDED]
    if ended:
        gone = set(ended)
        state.flying = [s for s in state.flying if s not in gone]
    return ended


def destruct(state: BatteryState, slot: int, t: float) -> None:
    """End a flight now (its target was destroyed, or the scenario ended)."""
    state.flying.remove(slot)
    state.flight.status[slot] = flyout.SELF_DESTRUCT
    state.flight.end_s[slot] = t


def assess_intercept(
    weapon: WeaponType, miss_m: float, rng: np.random.Generator
) -> tuple[float, float, bool]:
    """The end game of an interceptor that reached its closest approach: the terminal miss (guidance
    miss plus the seeker's terminal error), the warhead's kill probability at that miss, and the draw.

    Returns ``(miss_m, pk, killed)``.
    """
    miss = float(lethality.terminal_miss_m(miss_m, weapon.spec.terminal_error_m, rng))
    pk = float(lethality.kill_probability_scalar(miss, weapon.lethal_radius_m, weapon.spec.pk_max))
    return miss, pk, bool(rng.random() < pk)


def record_flying(recorder: FlightRecorder, state: BatteryState, t: float) -> None:
    """Remember where the interceptors in flight are (for trajectories.parquet)."""
    if state.flying:
        slots = np.array(state.flying, dtype=np.int64)
        recorder.samples.append(
            (t, slots, state.flight.pos_m[slots].copy(), np.linalg.norm(state.flight.vel_mps[slots], axis=1))
        )
