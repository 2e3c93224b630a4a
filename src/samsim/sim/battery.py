"""A battery's kill chain after the tracker: command-post decisions and its interceptors in flight.

Each decision cycle the command post takes its firm tracks, evaluates them against the defended
assets (:mod:`samsim.c2.evaluation`), works out for every (track, missile type) pair the predicted
intercept point and whether a launch is inside the interceptor's envelope and the engagement
radar's coverage (:mod:`samsim.c2.intercept`), estimates a kill probability, and solves the
weapon–target assignment (:func:`samsim.c2.wta.solve_wta`) under its stocks, ready launchers, salvo
size and fire-channel limits. Doctrine decides which tracks may be engaged at all: weapons free or
hold, reaction time from firm track to first launch, shoot-look-shoot (wait for the kill assessment)
or shoot-shoot (a second salvo may follow before the first arrives), and ``min_pk``.

Interceptors fly in the battery's own ENU frame through the compiled 3-DOF kernel
(:mod:`samsim.models.flyout`): mid-course on the engagement radar's track, terminal on the true
target; the miss distance at closest approach goes through the warhead's lethality function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.c2 import intercept
from samsim.c2.evaluation import evaluate_threats
from samsim.c2.wta import solve_wta
from samsim.catalog import InterceptorSpec
from samsim.constants import G0_MPS2
from samsim.models import flyout, lethality
from samsim.models.motion import GroundHeight
from samsim.sim.sensing import RadarGeometry, visible
from samsim.sim.world import TABLE_DT_S, Battery, World

LOW_PROFILE_ALT_M = 1_000.0
HIGH_PROFILE_ALT_M = 10_000.0
LOW_TARGET_ALT_M = 3_000.0
"""Tracks below this height use the reach table flown against a low target (denser air)."""
BALLISTIC_SPEED_MPS = 1_200.0
"""A track faster than this is classed as a ballistic target (the system's ballistic range cap)."""
SALVOS_IN_FLIGHT_SHOOT_SHOOT = 2
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
PK_RANGE_LOSS = 0.5
PK_SPEED_LOSS = 0.5


@dataclass(frozen=True)
class WeaponType:
    """A missile type as the command post plans with it."""

    key: str
    spec: InterceptorSpec
    params: FloatArray
    lethal_radius_m: float
    profile_time_s: FloatArray
    profile_low_m: FloatArray  # reach r(t) against a low target (nan beyond the table)
    profile_high_m: FloatArray


@cache
def weapon_type(spec: InterceptorSpec) -> WeaponType:
    """Flyout parameters and guided reach tables of an interceptor (computed once per spec: a scenario
    that changes an interceptor's figures gets its own)."""
    params = flyout.interceptor_params(**spec.flyout, max_accel_mps2=spec.max_g * G0_MPS2)
    t_lo, r_lo, _ = flyout.reach_profile(params, target_alt_m=LOW_PROFILE_ALT_M)
    t_hi, r_hi, _ = flyout.reach_profile(params, target_alt_m=HIGH_PROFILE_ALT_M)
    grid = np.union1d(t_lo, t_hi)
    return WeaponType(
        key=spec.key,
        spec=spec,
        params=params,
        lethal_radius_m=float(lethality.lethal_radius_m(spec.warhead_kg)),
        profile_time_s=grid,
        profile_low_m=np.interp(grid, t_lo, np.maximum.accumulate(r_lo), right=np.nan),
        profile_high_m=np.interp(grid, t_hi, np.maximum.accumulate(r_hi), right=np.nan),
    )


def predicted_pk(pk_nominal: float, range_fraction: FloatArray, speed_fraction: FloatArray) -> FloatArray:
    """The command post's single-shot kill-probability estimate inside the envelope.

    ``pk = pk_nominal (1 − a (r/r_max)²)(1 − b (v/v_max)²)`` with a = b = 1/2: the usual parametric
    planning model (e.g. Karasakal, "Air defense missile-target allocation models for a naval task
    group", Computers & OR 35, 2008), degrading towards the edges of the kinematic envelope. The
    simulated outcome never uses it: it comes from the flyout and the warhead's lethality.
    """
    rf = np.clip(range_fraction, 0.0, 1.0)
    sf = np.clip(speed_fraction, 0.0, 1.0)
    return np.asarray(
        pk_nominal * (1.0 - PK_RANGE_LOSS * rf * rf) * (1.0 - PK_SPEED_LOSS * sf * sf), np.float64
    )


@dataclass
class Engagement:
    """What the command post remembers about one track it engages."""

    in_flight: int = 0
    salvos: int = 0
    last_end_s: float = -np.inf


@dataclass
class InterceptorMeta:
    id: str
    type: str
    track: int
    threat: int  # true threat index the interceptor homes on (-1: a false track)
    launch_s: float
    planned_pk: float = 0.0
    pip_range_m: float = 0.0
    pip_alt_m: float = 0.0


@dataclass
class Arsenal:
    """A battery's launchers, interceptor slots and the engagements it runs."""

    battery: Battery
    types: list[WeaponType]
    stock: IntArray  # (launchers, types)
    ready_s: FloatArray  # (launchers,) when each launcher can fire next
    state: flyout.FlyoutState
    truth: flyout.ThreatTruth
    center_enu_m: FloatArray
    earth_radius_m: float
    engagement_radar: RadarGeometry | None
    assets_enu_m: FloatArray
    horizon_ref_alt_m: float
    profile_time_s: FloatArray  # common time-of-flight grid of the reach tables
    reach_low_m: FloatArray  # (types, grid) reach against low targets, nan beyond a type's table
    reach_high_m: FloatArray
    ground_height: GroundHeight  # terrain under an intercept point (minimum altitudes are above ground)
    meta: list[InterceptorMeta] = field(default_factory=list)
    engagements: dict[int, Engagement] = field(default_factory=dict)
    first_firm_s: dict[int, float] = field(default_factory=dict)
    destroyed: set[int] = field(default_factory=set)  # tracks whose target a kill assessment confirmed
    fired_per_type: dict[str, int] = field(default_factory=dict)
    flying: list[int] = field(default_factory=list)  # slots in flight
    clock_s: float = 0.0  # interceptors have been flown up to here
    samples: list[tuple[float, IntArray, FloatArray, FloatArray]] = field(default_factory=list)
    launch_pos_m: list[FloatArray] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return int(self.state.status.size)


def build_arsenal(world: World, battery: Battery, geometry: list[RadarGeometry]) -> Arsenal:
    """Interceptor slots for every loaded missile and the threats' truth in the battery frame."""
    launchers = battery.launchers
    types = [weapon_type(world.catalog.interceptor(k)) for k in launchers.missile_types]
    n_slots = int(launchers.stock.sum())
    t = world.threats
    k = np.arange(t.table_ecef_m.shape[1])
    if t.count:
        table = battery.frame.ecef_to_enu(t.table_ecef_m)
    else:
        table = np.zeros((0, k.size, 3))
    truth = flyout.ThreatTruth(
        pos_m=np.ascontiguousarray(table),
        t0_s=t.table_t0_s.copy(),
        dt_s=TABLE_DT_S,
        dead_s=np.minimum(t.end_s, t.leak_s).copy(),
    )
    center = battery.frame.earth_center_enu_m
    grid = np.unique(np.concatenate([w.profile_time_s for w in types])) if types else np.zeros(1)
    low = np.array([np.interp(grid, w.profile_time_s, w.profile_low_m, right=np.nan) for w in types])
    high = np.array([np.interp(grid, w.profile_time_s, w.profile_high_m, right=np.nan) for w in types])
    roles = [g.spec.role for g in geometry]
    eng = geometry[roles.index("engagement")] if "engagement" in roles else None
    return Arsenal(
        battery=battery,
        types=types,
        stock=launchers.stock.copy(),
        ready_s=np.zeros(len(launchers.types)),
        state=flyout.empty_state(n_slots),
        truth=truth,
        center_enu_m=center,
        earth_radius_m=float(np.linalg.norm(center) - battery.frame.alt_m),
        engagement_radar=eng,
        assets_enu_m=battery.frame.ecef_to_enu(world.assets.ecef_m).reshape(-1, 3),
        horizon_ref_alt_m=world.horizon_ref_alt_m,
        profile_time_s=grid,
        reach_low_m=low.reshape(len(types), grid.size),
        reach_high_m=high.reshape(len(types), grid.size),
        ground_height=world.ground_height,
    )


@dataclass
class Launch:
    slot: int
    meta: InterceptorMeta
    pk: float


@dataclass
class Decision:
    """What one decision cycle did: tracks assigned (track, value, asset, pk) and launches made."""

    assigned: list[tuple[int, float, int, float, str]]
    launches: list[Launch]


def decide(
    ars: Arsenal,
    world: World,
    t: float,
    track_ids: IntArray,
    track_pos_m: FloatArray,
    track_vel_mps: FloatArray,
    track_label: list[int],
    track_last_update_s: FloatArray,
) -> Decision:
    """One command-post cycle over the battery's firm tracks (positions predicted to ``t``)."""
    doctrine = ars.battery.doctrine
    none = Decision([], [])
    if doctrine.weapons != "free" or ars.engagement_radar is None or track_ids.size == 0:
        return none
    ready = ars.ready_s <= t + 1e-9
    if not np.any(ready[:, None] & (ars.stock > 0)):
        return none
    eligible = np.array(
        [
            _eligible(ars, int(i), t, float(u))
            for i, u in zip(track_ids.tolist(), track_last_update_s, strict=True)
        ],
        dtype=bool,
    )
    eligible &= ~_duplicates(ars, track_ids, track_pos_m, t)
    if not np.any(eligible):
        return none
    ids = track_ids[eligible]
    pos = track_pos_m[eligible]
    vel = track_vel_mps[eligible]
    labels = [lab for lab, e in zip(track_label, eligible.tolist(), strict=True) if e]

    tof, pip = _intercepts(ars, pos, vel)
    pk = _pk_matrix(ars, pos, vel, tof, pip)  # (types, tracks)
    pk[pk < doctrine.min_pk] = 0.0
    if not np.any(pk > 0.0):
        return none
    assess = evaluate_threats(pos, vel, ars.assets_enu_m, world.assets.radius_m, world.assets.value)

    # Stocks: ready launchers holding each type (one missile per launcher per cycle).
    holding = ready[:, None] & (ars.stock > 0)
    stock = holding.sum(axis=0).astype(np.int64)
    spec = ars.engagement_radar.spec
    busy_tracks = sum(1 for e in ars.engagements.values() if e.in_flight > 0)
    shot_cap = max(spec.guided_missiles - len(ars.flying), 0)
    target_cap = max(spec.engaged_targets - busy_tracks, 0)
    per_target = np.full(ids.size, doctrine.salvo, dtype=np.int64)
    if shot_cap == 0 or target_cap == 0:
        return none
    x = solve_wta(
        assess.value,
        pk,
        stock,
        max_per_target=per_target,
        group=np.zeros(len(ars.types), dtype=np.int64),
        group_shot_cap=np.array([shot_cap]),
        group_target_cap=np.array([target_cap]),
        method="exact" if pk.size <= ENGINE_EXACT_MAX_CELLS else "heuristic",
    )
    decision = Decision([], [])
    for j in assess.rank.tolist():
        shots = x[:, j]
        if shots.sum() == 0:
            continue
        track = int(ids[j])
        asset = int(assess.asset[j])
        made = 0
        for k in np.flatnonzero(shots).tolist():
            for _ in range(int(shots[k])):
                launcher = _pick_launcher(ars, k, t)
                if launcher < 0:
                    break
                slot = _launch(
                    ars, world, t, launcher, k, track, labels[j], pos[j], vel[j], pip[j, k], tof[j, k]
                )
                meta = ars.meta[slot]
                meta.planned_pk = float(pk[k, j])
                meta.pip_range_m = float(np.linalg.norm(pip[j, k] - _launch_points(1)[0]))
                meta.pip_alt_m = float(_height(ars, pip[j, k][None])[0])
                decision.launches.append(Launch(slot, meta, float(pk[k, j])))
                made += 1
        if made:
            eng = ars.engagements.setdefault(track, Engagement())
            eng.in_flight += made
            eng.salvos += 1
            kinds = ",".join(ars.types[k].key for k in np.flatnonzero(shots).tolist())
            decision.assigned.append((track, float(assess.value[j]), asset, float(pk[:, j].max()), kinds))
    return decision


def _eligible(ars: Arsenal, track: int, t: float, last_update_s: float) -> bool:
    """Doctrine: reaction time since the track went firm, a fresh track, and the salvo policy.

    Shoot-look-shoot waits for every interceptor at the track to end, then for the kill assessment
    time, and re-engages only a track that has been seen again since (a target that stopped
    returning echoes after an intercept is assessed destroyed). Shoot-shoot may fire a second salvo
    while the first is still flying.
    """
    d = ars.battery.doctrine
    if track in ars.destroyed:
        return False
    if t < ars.first_firm_s.get(track, np.inf) + d.reaction_time_s - 1e-9:
        return False
    if t - last_update_s > ENGAGE_MAX_AGE_S:
        return False
    eng = ars.engagements.get(track)
    if eng is None:
        return True
    if d.policy == "shoot-look-shoot":
        return (
            eng.in_flight == 0
            and t >= eng.last_end_s + d.kill_assessment_s - 1e-9
            and last_update_s > eng.last_end_s
        )
    return eng.in_flight < SALVOS_IN_FLIGHT_SHOOT_SHOOT * d.salvo and eng.in_flight < d.salvo * (
        eng.salvos + 1
    )


def _duplicates(ars: Arsenal, track_ids: IntArray, pos: FloatArray, t: float) -> BoolArray:
    """Tracks lying within DUPLICATE_TRACK_M of another track that interceptors are flying at."""
    out = np.zeros(track_ids.size, dtype=bool)
    if not ars.flying:
        return out
    slots = np.array(ars.flying, dtype=np.int64)
    engaged = np.array([ars.meta[s].track for s in ars.flying], dtype=np.int64)
    st = ars.state
    est = st.track_pos_m[slots] + st.track_vel_mps[slots] * (t - st.track_time_s[slots])[:, None]
    dist = np.linalg.norm(pos[:, None, :] - est[None, :, :], axis=-1)
    other = track_ids[:, None] != engaged[None, :]
    return np.asarray(np.any((dist < DUPLICATE_TRACK_M) & other, axis=1), dtype=np.bool_)


def _intercepts(ars: Arsenal, pos: FloatArray, vel: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Time of flight and intercept point per (track, type), with the low or high reach table."""
    n, m = pos.shape[0], len(ars.types)
    tof = np.full((n, m), np.nan)
    pip = np.full((n, m, 3), np.nan)
    low = _height(ars, pos) < LOW_TARGET_ALT_M
    for mask, table in ((low, ars.reach_low_m), (~low, ars.reach_high_m)):
        if np.any(mask):
            tof[mask], pip[mask] = intercept.predict_intercept(
                pos[mask], vel[mask], _launch_points(m), ars.profile_time_s, table
            )
    return tof, pip


def _launch_points(m: int) -> FloatArray:
    """Where planning assumes each type leaves from: the battery position, 2 m up (launchers stand
    within a few hundred metres, nothing at engagement ranges)."""
    points = np.zeros((m, 3))
    points[:, 2] = 2.0
    return points


def _height(ars: Arsenal, pos: FloatArray) -> FloatArray:
    return np.asarray(np.linalg.norm(pos - ars.center_enu_m, axis=-1) - ars.earth_radius_m, np.float64)


def _pk_matrix(
    ars: Arsenal, pos: FloatArray, vel: FloatArray, tof: FloatArray, pip: FloatArray
) -> FloatArray:
    """Planned kill probability of one shot of each type at each track (0 where infeasible)."""
    m = len(ars.types)
    launcher = _launch_points(m)
    system = ars.battery.spec
    specs = [w.spec for w in ars.types]
    speed = np.linalg.norm(vel, axis=1)
    max_speed = np.minimum([s.max_target_speed_mps for s in specs], system.max_target_speed_mps)
    # Minimum altitudes are heights above the ground under the intercept point.
    ground = np.zeros(tof.shape)
    finite = np.isfinite(tof)
    if np.any(finite):
        lat, lon, _ = ars.battery.frame.enu_to_geodetic(pip[finite])
        ground[finite] = ars.ground_height(np.atleast_1d(lat), np.atleast_1d(lon))
    ok, _ = intercept.launch_feasible(
        pip,
        tof,
        vel,
        launcher,
        ars.center_enu_m,
        ars.earth_radius_m,
        min_range_m=np.array([s.min_range_m for s in specs]),
        max_range_m=np.array([s.max_range_m for s in specs]),
        min_alt_m=np.array([s.min_altitude_m for s in specs])[None, :] + ground,
        max_alt_m=np.array([s.max_altitude_m for s in specs]),
        max_target_speed_mps=max_speed,
        max_flight_s=np.array([w.params[flyout.P_MAX_FLIGHT_S] for w in ars.types]),
    )
    slant = np.linalg.norm(pip - launcher[None], axis=-1)
    ballistic = speed >= BALLISTIC_SPEED_MPS
    ok &= ~(ballistic[:, None] & (slant > system.ballistic_engagement_range_m))
    # The engagement radar must see the intercept point to guide the missile there.
    radar = ars.engagement_radar
    assert radar is not None
    flat_pip = np.where(np.isfinite(pip), pip, 0.0).reshape(-1, 3)
    height = _height(ars, flat_pip) - ars.horizon_ref_alt_m
    seen, _, _, _ = visible(radar, flat_pip - radar.enu_m, height)
    ok &= seen.reshape(ok.shape)
    pk = np.zeros((m, pos.shape[0]))
    for k, s in enumerate(specs):
        est = predicted_pk(s.pk_nominal, slant[:, k] / s.max_range_m, speed / max_speed[k])
        pk[k] = np.where(ok[:, k], est, 0.0)
    return pk


def _pick_launcher(ars: Arsenal, k: int, t: float) -> int:
    """A ready launcher holding type k: the fullest one first (spreads the load), then the lowest index."""
    cand = np.flatnonzero((ars.ready_s <= t + 1e-9) & (ars.stock[:, k] > 0))
    if cand.size == 0:
        return -1
    return int(cand[np.argmax(ars.stock[cand].sum(axis=1))])


def _launch(
    ars: Arsenal,
    world: World,
    t: float,
    launcher: int,
    k: int,
    track: int,
    threat: int,
    pos: FloatArray,
    vel: FloatArray,
    pip: FloatArray,
    tof: float,
) -> int:
    w = ars.types[k]
    ars.stock[launcher, k] -= 1
    ars.ready_s[launcher] = t + ars.battery.launchers.launch_interval_s[launcher]
    slot = len(ars.meta)
    number = ars.fired_per_type.get(w.key, 0) + 1
    ars.fired_per_type[w.key] = number
    ars.meta.append(
        InterceptorMeta(
            id=f"{ars.battery.id}/{w.key}/{number}",
            type=w.key,
            track=track,
            threat=threat,
            launch_s=t,
        )
    )
    flyout.launch(
        ars.state,
        slot,
        time_s=t,
        position_m=ars.battery.launchers.enu_m[launcher],
        params=w.params,
        target=threat,
        track_pos_m=pos,
        track_vel_mps=vel,
        track_time_s=t,
        aim_m=pip,
        intercept_s=t + tof,
        center_enu_m=ars.center_enu_m,
    )
    ars.flying.append(slot)
    ars.launch_pos_m.append(ars.battery.launchers.enu_m[launcher].copy())
    return slot


def refresh_tracks(ars: Arsenal, track_ids: IntArray, mean: FloatArray, last_update_s: FloatArray) -> None:
    """Give interceptors in flight the engagement picture's latest estimate of their track."""
    if not ars.flying or track_ids.size == 0:
        return
    slots = np.array(ars.flying, dtype=np.int64)
    tracks = np.array([ars.meta[s].track for s in ars.flying], dtype=np.int64)
    row = np.searchsorted(track_ids, tracks)
    row = np.minimum(row, track_ids.size - 1)
    found = track_ids[row] == tracks
    if not np.any(found):
        return
    s, r = slots[found], row[found]
    ars.state.track_pos_m[s] = mean[r, :3]
    ars.state.track_vel_mps[s] = mean[r, 3:]
    ars.state.track_time_s[s] = last_update_s[r]


def fly(ars: Arsenal, t: float, dt_s: float) -> list[int]:
    """Fly the battery's interceptors up to ``t``; returns the slots whose flight ended."""
    if not ars.flying:
        ars.clock_s = t
        return []
    if t > ars.clock_s:
        flyout.advance(ars.state, ars.truth, ars.clock_s, t, dt_s, ars.center_enu_m, ars.earth_radius_m)
    ars.clock_s = t
    status = ars.state.status
    ended = [s for s in ars.flying if status[s] in (flyout.INTERCEPT, flyout.SELF_DESTRUCT)]
    if ended:
        gone = set(ended)
        ars.flying = [s for s in ars.flying if s not in gone]
    return ended


def sample_flying(ars: Arsenal, t: float) -> None:
    """Remember where the interceptors in flight are (for trajectories.parquet)."""
    if ars.flying:
        slots = np.array(ars.flying, dtype=np.int64)
        ars.samples.append(
            (t, slots, ars.state.pos_m[slots].copy(), np.linalg.norm(ars.state.vel_mps[slots], axis=1))
        )
