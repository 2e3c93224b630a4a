"""A battery's kill chain after the tracker: command-post decisions and its interceptors in flight.

Each decision cycle a command post (a battery's own, or one directing several batteries:
:mod:`samsim.sim.network`) takes the firm tracks of its picture, evaluates them against the defended
assets (:mod:`samsim.c2.evaluation`), works out for every (track, fire unit, missile type) the
predicted intercept point from that battery's site and whether a launch is inside the interceptor's
envelope, the engagement radar's coverage and the end game's closing speed (:mod:`samsim.c2.intercept`),
estimates a kill probability, and solves one weapon–target assignment (:func:`samsim.c2.wta.solve_wta`)
over all its fire units, each a group with its own stocks, ready launchers and fire channels, under
the salvo size per track. Threats on tracks left unengaged get the reason why (``Decision.reasons``).
Emptied launchers are reloaded from the battery's reserve (:func:`start_reloads`).
Doctrine decides which tracks may be engaged at all: weapons free or
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

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from operator import is_, is_not
from typing import Any, NamedTuple, cast

import numpy as np
from numba.typed import List
from numpy.typing import NDArray

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.c2 import intercept
from samsim.c2.doctrine import Engagement, FirePolicy, SalvoDoctrine, cheapest_adequate, hold_reserve
from samsim.c2.evaluation import (
    AIRCRAFT,
    BALLISTIC,
    BALLISTIC_SPEED_MPS,
    classify_tracks,
    damage_weight,
    evaluate_threats,
)
from samsim.c2.wta import solve_wta
from samsim.constants import GM_M3PS2
from samsim.geodesy import row_norms
from samsim.jit import fma, njit, njit_inline
from samsim.models import flyout, lethality
from samsim.models.atmosphere import density_sound_scalar
from samsim.sim.flights import TABLE_DT_S
from samsim.sim.sensing import visible_many
from samsim.sim.weapons import PROFILE_ALT_M, FirePlan, WeaponType, predicted_pk
from samsim.sim.world import CompiledBattery, World

ENGAGE_MAX_AGE_S = 15.0
"""A track not updated for longer than this is coasting: its position is too uncertain to fire at."""
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
    post: str = ""  # the air picture its track belongs to (the battery's own, or its command post's)


@dataclass
class BatteryState:
    """What changes during a run: stocks, launcher readiness, interceptors and the engagements."""

    stock: IntArray  # (launchers, types) missiles left
    ready_s: FloatArray  # (launchers,) when each launcher can fire next
    flight: flyout.FlyoutState  # one slot per loaded missile
    truth: flyout.ThreatTruth  # the threats in the battery frame (their deaths are written in)
    reserve: IntArray  # (types,) rounds on the transloaders
    meta: list[InterceptorMeta] = field(default_factory=list)  # per slot fired, in firing order
    reloads: list[Reload] = field(default_factory=list)  # launchers being reloaded
    exhausted: set[int] = field(default_factory=set)  # types with no round left, loaded or in reserve
    fired_per_type: dict[str, int] = field(default_factory=dict)
    flying: list[int] = field(default_factory=list)  # slots in flight
    clock_s: float = 0.0  # interceptors have been flown up to here


@dataclass(frozen=True)
class Reload:
    """A launcher being reloaded from the battery's reserve: ready with ``rounds`` at ``done_s``."""

    launcher: int
    done_s: float
    rounds: IntArray  # (types,)


@dataclass
class FlightRecorder:
    """Where a battery's interceptors were: at decision cycles while flying, and at launch."""

    # (time, slots, positions, velocities) of the interceptors in flight at each decision cycle
    samples: list[tuple[float, IntArray, FloatArray, FloatArray]] = field(default_factory=list)
    launch_pos_m: list[FloatArray] = field(default_factory=list)


def initial_state(world: World, battery: CompiledBattery) -> BatteryState:
    """A battery at the start of a run: launchers loaded, nothing flying, the threats' truth for its
    interceptors' terminal homing: the world's one table in ECEF, mapped into the battery's frame as
    it is read (:class:`~samsim.models.flyout.ThreatTruth`). A copy of every table in each battery's
    frame would be most of a theatre run's memory, and filling only the rows of the threats fired at
    made that memory grow with every threat engaged (24 batteries against 750 threats over an hour:
    330 MB) and missed the threat an interceptor turns to in mid-course (its track swapped)."""
    t = world.threats
    frame = battery.frame
    reserve = np.array([battery.reserve.get(m, 0) for m in battery.launchers.missile_types], dtype=np.int64)
    return BatteryState(
        stock=battery.launchers.stock.copy(),
        ready_s=np.zeros(len(battery.launchers.types)),
        flight=flyout.empty_state(int(battery.launchers.stock.sum() + reserve.sum())),
        truth=flyout.ThreatTruth(
            pos_m=t.table_ecef_m,
            t0_s=t.table_t0_s.copy(),
            dt_s=TABLE_DT_S,
            dead_s=np.minimum(t.end_s, t.leak_s).copy(),
            rotation=np.ascontiguousarray(frame.rotation, dtype=np.float64),
            origin_m=np.ascontiguousarray(frame.origin_ecef_m, dtype=np.float64),
        ),
        reserve=reserve,
    )


@dataclass
class Launch:
    slot: int
    meta: InterceptorMeta
    pk: float
    state: BatteryState  # of the battery that fired


class Assignment(NamedTuple):
    """A track the command post assigned missiles to in one cycle."""

    track: int
    value: float  # threat value from the evaluation (expected asset value at stake)
    asset: int  # the asset it threatens most (-1: none)
    pk: float  # the best single-shot planned kill probability over the types fired
    types: str  # the missile types fired, comma-separated


@dataclass
class Decision:
    """What one decision cycle did: the tracks assigned and the launches made, and for each threat
    on a track that got no shot, why not."""

    assigned: list[Assignment]
    launches: list[Launch]
    reasons: dict[int, str]  # threat index -> one of samsim.output.result.UNENGAGED_REASONS


class TrackEstimate(NamedTuple):
    """A track's state estimate ``[position, velocity]`` and covariance at ``time_s``, and the process
    noise intensity to predict it on with (its tracker modes' intensities weighed by their
    probabilities)."""

    mean: FloatArray
    cov: FloatArray
    time_s: float
    q_m2ps3: float


class Engagements(dict[int, Engagement]):
    """A post's engagements (:attr:`EngagementMemory.engagements`, track id -> :class:`Engagement`)
    that note the tracks whose entry they hand out (``touched``), and the order in which tracks were
    added (``order``).

    An engagement's interceptors in flight change only through an entry taken from here (a salvo
    adds to it through ``setdefault``, the end of a flight takes from it through ``get``), so the
    tracks under fire (:meth:`under_fire`, asked by the picture at every scan) are those under fire
    at the last look and the ones touched since, not every engagement of the run."""

    def __init__(self) -> None:
        super().__init__()
        self.touched: set[int] = set()
        self.order: dict[int, int] = {}  # track id -> rank of its insertion (the dict's own order)
        self._added = 0

    def _note_new(self, key: int) -> None:
        if key not in self.order:
            self.order[key] = self._added
            self._added += 1

    def get(self, key: int, default: Any = None) -> Any:
        self.touched.add(key)
        return super().get(key, default)

    def __getitem__(self, key: int) -> Engagement:
        self.touched.add(key)
        return super().__getitem__(key)

    def setdefault(self, key: int, default: Any = None) -> Any:
        self.touched.add(key)
        if not super().__contains__(key):
            self._note_new(key)
        return super().setdefault(key, default)

    def __setitem__(self, key: int, value: Engagement) -> None:
        self.touched.add(key)
        if not super().__contains__(key):
            self._note_new(key)
        super().__setitem__(key, value)

    def pop(self, key: int, *default: Any) -> Any:
        self.touched.add(key)
        self.order.pop(key, None)
        return super().pop(key, *default)

    def __delitem__(self, key: int) -> None:
        self.touched.add(key)
        self.order.pop(key, None)
        super().__delitem__(key)

    def under_fire(self, before: list[int]) -> list[int] | None:
        """The tracks with interceptors in flight, in the dict's order, given those of the last look
        (``before``); None when nothing was touched since (they are still ``before``)."""
        touched = self.touched
        if not touched:
            return None
        cands = touched.union(before)
        touched.clear()
        held = dict.get
        flying = [i for i in cands if (e := held(self, i)) is not None and e.in_flight > 0]
        flying.sort(key=self.order.__getitem__)
        return flying


@dataclass
class EngagementMemory:
    """What a command post remembers about the tracks of its picture that it engages."""

    engagements: Engagements = field(default_factory=Engagements)
    first_firm_s: dict[int, float] = field(default_factory=dict)
    destroyed: set[int] = field(default_factory=set)  # tracks whose target a kill assessment confirmed
    # tracks deleted while interceptors flew at them: their last estimate, until a new track takes the
    # engagement over (samsim.c2.handover) or the interceptors end
    lost: dict[int, TrackEstimate] = field(default_factory=dict)


@dataclass(frozen=True)
class CommandDoctrine:
    """The doctrine a command post decides by (a battery's own, or its command post's).

    Under a post each fire unit fights by its own doctrine (:meth:`for_unit`): its salvo, fire policy
    and kill-assessment time, and its own reaction time, at most the post's ``reaction_time_s`` (a
    unit cued by the post's fused track fires no later than the post would have it fire)."""

    salvo: int
    reaction_time_s: float
    fire_policy: FirePolicy
    salvo_doctrine: SalvoDoctrine

    def for_unit(self, plan: FirePlan) -> CommandDoctrine:
        """The doctrine the battery of ``plan`` fights by under this post (for a battery's own post:
        this doctrine itself)."""
        key = (id(self), id(plan))
        got = _FOR_UNIT.get(key)
        if got is not None and got[0] is self and got[1] is plan:
            return got[2]
        own = battery_command_doctrine(plan)
        if own.reaction_time_s > self.reaction_time_s:
            own = battery_command_doctrine(plan, self.reaction_time_s)
        own = _DOCTRINES.setdefault(own, own)  # equal doctrines are one object (_statuses keys by it)
        if len(_FOR_UNIT) >= _FOR_UNIT_KEPT:
            _FOR_UNIT.clear()
        _FOR_UNIT[key] = (self, plan, own)
        return own


_FOR_UNIT: dict[tuple[int, int], tuple[CommandDoctrine, FirePlan, CommandDoctrine]] = {}
""":meth:`CommandDoctrine.for_unit`'s answers, by the identities of the doctrine and the plan (with
both, so that a new object at a reused address is not taken for the old one)."""
_FOR_UNIT_KEPT = 4096
_DOCTRINES: dict[CommandDoctrine, CommandDoctrine] = {}


def battery_command_doctrine(plan: FirePlan, reaction_time_s: float | None = None) -> CommandDoctrine:
    """A battery's doctrine as a command post decides by it (``reaction_time_s``: the post's own)."""
    d = plan.battery.doctrine
    return CommandDoctrine(
        salvo=d.salvo,
        reaction_time_s=d.reaction_time_s if reaction_time_s is None else reaction_time_s,
        fire_policy=plan.fire_policy,
        salvo_doctrine=plan.salvo_doctrine,
    )


@dataclass(frozen=True)
class PictureFrame:
    """Where a command post's picture is kept: its defended assets and the earth in that frame."""

    assets_enu_m: FloatArray
    center_enu_m: FloatArray
    earth_radius_m: float

    def height_m(self, pos_enu_m: FloatArray) -> FloatArray:
        """Height above the earth's sphere of picture-frame points."""
        return np.asarray(row_norms(pos_enu_m - self.center_enu_m) - self.earth_radius_m, np.float64)


@dataclass
class FireUnit:
    """A battery taking part in a decision cycle, and how the deciding picture's frame maps to its own.

    ``rotation`` and ``offset_m`` take picture-frame ENU to battery-frame ENU
    (``x_b = rotation @ x_p + offset_m``); None when the picture is the battery's own. ``holds`` marks
    the tracks the battery's own engagement radar holds (None: no such rule, the picture is its own).
    """

    plan: FirePlan
    state: BatteryState
    recorder: FlightRecorder
    rotation: FloatArray | None = None
    offset_m: FloatArray | None = None
    holds: BoolArray | None = None
    # ``holds`` worked out when first read (:meth:`held`): most cycles end before they read it
    holds_from: Callable[[], BoolArray] | None = field(default=None, repr=False, compare=False)
    # the battery's site in the picture's frame, with the map it was worked out from (_site_in_picture)
    site: tuple[object, object, FloatArray] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def held(self) -> BoolArray | None:
        """``holds``; given as ``holds_from``, asked on first reading."""
        if self.holds is None and self.holds_from is not None:
            self.holds = self.holds_from()
            self.holds_from = None
        return self.holds

    def to_battery(self, pos_m: FloatArray, vel_mps: FloatArray) -> tuple[FloatArray, FloatArray]:
        if self.rotation is None or self.offset_m is None:
            return pos_m, vel_mps
        return pos_m @ self.rotation.T + self.offset_m, vel_mps @ self.rotation.T


def decide(
    post: str,
    memory: EngagementMemory,
    doctrine: CommandDoctrine,
    frame: PictureFrame,
    units: list[FireUnit],
    world: World,
    t: float,
    track_ids: IntArray,
    track_pos_m: FloatArray,
    track_vel_mps: FloatArray,
    track_label: list[int],
    track_last_update_s: FloatArray,
    gone_s: FloatArray,
    jam_only: BoolArray | None = None,
    duplicate: BoolArray | Callable[[], BoolArray] | None = None,
) -> Decision:
    """One command-post cycle over the firm tracks of picture ``post`` (positions predicted to ``t``,
    in the picture's frame): one weapon–target assignment over every fire unit in ``units``, each a
    group with its own fire channels, stock, ready launchers and intercept geometry from its own site.

    ``gone_s`` is, per threat, when the post knows it is dead or has leaked (kill or leak time plus the
    link latency): its tracks are never fired at from then on. The decision also says, per threat
    seen on a track that got no shot this cycle, why not (:data:`samsim.output.result.UNENGAGED_REASONS`).
    ``jam_only`` marks tracks known only from jam-strobe fixes: only interceptors that can home on
    jam (catalog ``home_on_jam``) are planned against them. ``duplicate`` marks tracks that may be
    second tracks of targets already under fire (:meth:`samsim.sim.command_post.TrackPicture.duplicates`):
    they are not engaged; given as a function of no arguments, it is asked only when some track could
    be engaged but for it (most cycles end before).
    """
    decision = Decision([], [], {})
    if track_ids.size == 0:
        return decision
    labels_arr = np.array(track_label, dtype=np.int64)
    real = labels_arr >= 0
    gone = np.zeros(track_ids.size, dtype=bool)
    gone[real] = gone_s[labels_arr[real]] <= t + 1e-9
    live = ~gone
    live_real = live & real

    def mark(mask: BoolArray, reason: str) -> None:
        for j in (mask & live_real).nonzero()[0].tolist():
            decision.reasons[track_label[j]] = reason

    roster = _roster(doctrine, [u.plan for u in units])
    active = units if len(roster.active) == len(units) else [units[i] for i in roster.active]
    if not active:
        mark(np.ones(track_ids.size, dtype=bool), "weapons_hold" if units else "no_fire_channel")
        return decision
    # (a launcher's readiness is asked again for the units that may fire: most posts stop at the first)
    has_rounds = False
    for fu in active:
        readiness = _readiness(fu.state.ready_s, fu.state.stock, t)
        if readiness == _READY:
            break
        has_rounds |= readiness == _LOADED
    else:
        mark(np.ones(track_ids.size, dtype=bool), "no_fire_channel" if has_rounds else "magazine_empty")
        return decision
    # Each fire unit by its own doctrine (CommandDoctrine.for_unit): the fire policy per unit, on the
    # track's whole engagement (every unit's interceptors at it), then layered defence's exception.
    docs, layered = roster.docs, roster.layered
    status = _statuses(memory, docs, t, track_ids, track_last_update_s)  # (units, tracks)
    allowed = status == _ELIGIBLE
    # layered defence (for a track some unit's fire policy holds back: _leaker_engagements' own test)
    if layered and np.any((status == _ENGAGED) & live[None, :]):
        if callable(duplicate):  # it reads it for every track
            duplicate = duplicate()
        allowed |= _leaker_engagements(
            post,
            docs,
            active,
            frame,
            world,
            t,
            track_ids,
            track_pos_m,
            track_vel_mps,
            status,
            live if duplicate is None else live & ~duplicate,
        )
    eligible = allowed.any(axis=0) & live
    # firm too recently, or not updated lately, for every unit that may not fire at it
    mark(~eligible & (status == _WAITING).any(axis=0), "no_track")
    if not eligible.any():
        return decision
    if duplicate is not None:  # read only now: most cycles end above
        eligible &= ~(duplicate() if callable(duplicate) else duplicate)
        if not eligible.any():
            return decision
    allowed = allowed[:, eligible]
    ids = track_ids[eligible]
    pos = track_pos_m[eligible]
    vel = track_vel_mps[eligible]
    labels = [lab for lab, e in zip(track_label, eligible.tolist(), strict=True) if e]
    n = ids.size

    def mark_cols(cols: BoolArray, reason: str) -> None:
        for j in cols.nonzero()[0].tolist():
            if labels[j] >= 0:
                decision.reasons[labels[j]] = reason

    height = frame.height_m(pos)
    classes = classify_tracks(row_norms(vel), height)
    high_value = (classes == BALLISTIC) | (classes == AIRCRAFT)
    # Per unit: planned pk of each of its types at each track, its stocks and fire channels.
    rows: list[tuple[int, int]] = []  # (unit, type) of each row of the joint pk matrix
    pk_rows, stock_rows, geom = [], [], []
    reach = np.zeros(n, dtype=bool)  # some unit's envelope holds the track
    held = np.zeros(n, dtype=bool)  # some unit may engage it at all (own radar, or engage-on-remote)
    loaded = np.zeros(n, dtype=bool)  # some unit that reaches it has rounds of a type that does
    kept = np.zeros(n, dtype=bool)  # reached with rounds, but only by rounds kept for high-value tracks
    caps_shot: list[int] = []
    caps_target: list[int] = []
    unit_of_group: list[int] = []
    # only tracks that may have an intercept solution are planned (the others' pk is 0 either way)
    # (a unit with no holds rule, or engaging on remote tracks, may engage every track)
    holds = [None if remote else u.held() for u, remote in zip(active, roster.remote, strict=True)]
    ruled = [ui for ui, h in enumerate(holds) if h is not None]
    if len(ruled) == len(active):
        may = np.asarray(np.stack([cast(BoolArray, h) for h in holds])[:, eligible], dtype=bool)
        held = np.asarray(may.any(axis=0), dtype=bool)  # every unit is held to its own radar's tracks
    else:
        may = np.ones((len(active), n), dtype=bool)
        if ruled:
            may[ruled] = np.stack([cast(BoolArray, holds[ui]) for ui in ruled])[:, eligible]
        held[:] = True
    may &= allowed
    tables = _unit_tables(roster.plans)
    sites = np.array([_site_in_picture(u) for u in active], dtype=np.float64).reshape(-1, 3)
    near = _within_reach(pos, vel, may, sites, tables.table_reach, tables.table_time)
    planning = np.flatnonzero(near.any(axis=1)).tolist()
    plans = [u.plan for u in active]
    mapped: dict[int, tuple[FloatArray, FloatArray]] = {}  # the tracks in the frames of units planned

    def plan_pairs(pairs: BoolArray) -> _Planned:
        """:func:`_plan_units` of these pairs, each unit's tracks in its own frame."""
        for ui in np.flatnonzero(pairs.any(axis=1)).tolist():
            if ui not in mapped:
                mapped[ui] = active[ui].to_battery(pos, vel)
        return _plan_units(
            plans,
            [mapped[ui][0] if ui in mapped else pos for ui in range(len(active))],
            [mapped[ui][1] if ui in mapped else vel for ui in range(len(active))],
            pairs,
        )

    left = np.zeros(tables.unit_cost.shape, dtype=np.int64)  # (units, types) rounds on the launchers
    for ui in planning:
        left[ui, : len(active[ui].plan.types)] = active[ui].state.stock.sum(axis=0)
    jammed = None if jam_only is None else jam_only[eligible]
    # A spent unit (no round on its launchers, each type at or below its high-value reserve) adds to
    # what follows only through ``reach`` and, at high-value tracks, through its firing pairs: at a
    # pair of it, ``rounds`` is False (left 0) and hold_reserve zeroes its pk at a track that is not
    # high-value (left 0 <= reserve), so such a pair neither fires, nor is loaded or kept, nor
    # weighs in its unit's pk rows; its pair row is read only for a launch, which needs a round. Its
    # pairs at tracks neither high-value nor reached by the pairs planned first are planned after
    # them; the others (most of a long raid's planning, once batteries have fired their magazines)
    # change nothing, and a spent unit with no pair left planned needs no frame mapping. Every step
    # of the planning is per pair (_planned), so the pairs planned in two parts and merged in unit
    # order hold the floats of one pass over them all.
    spent = ~(left > 0).any(axis=1) & (left <= tables.reserve).all(axis=1) & near.any(axis=1)
    if spent.any():
        first = near.copy()
        first[spent] &= high_value[None, :]
        planned = plan_pairs(first)
        unit_of = _pk_floors(planned, len(active), jammed, tables.home_on_jam, tables.min_pk)
        reached = np.zeros(n, dtype=bool)
        reached[planned.track[(planned.pk > 0.0).any(axis=1)]] = True
        second = np.zeros(near.shape, dtype=bool)
        second[spent] = near[spent] & ~(high_value | reached)[None, :]
        if second.any():
            later = plan_pairs(second)
            _pk_floors(later, len(active), jammed, tables.home_on_jam, tables.min_pk)
            planned = _merged(planned, first, later, second)
            unit_of = np.repeat(np.arange(len(active)), np.diff(planned.start))
    else:
        planned = plan_pairs(near)
        unit_of = _pk_floors(planned, len(active), jammed, tables.home_on_jam, tables.min_pk)
    # Per (unit, track) pair planned: the doctrine's pk floors (_pk_floors), then its choices, the
    # cheapest adequate missile and long-range rounds kept for what matters, each per unit as its own
    # pk matrix would have them (a unit's pairs and types are that matrix's non-zero part; its pairs
    # are tracks it may engage, near is within may).
    track_of = planned.track
    pk_p = planned.pk
    reach[track_of[(pk_p > 0.0).any(axis=1)]] = True
    pk_p = cheapest_adequate(pk_p.T, tables.unit_cost[unit_of].T).T
    left_p = left[unit_of]
    rounds = ((pk_p > 0.0) & (left_p > 0)).any(axis=1)
    loaded[track_of[rounds]] = True
    pk_p = hold_reserve(pk_p.T, left_p.T, tables.reserve[unit_of].T, high_value[track_of]).T
    firing = (pk_p > 0.0).any(axis=1)
    kept[track_of[rounds & ~firing]] = True
    for ui in ([0] if firing.any() else []) if len(active) == 1 else np.unique(unit_of[firing]).tolist():
        unit = active[ui]
        plan, state = unit.plan, unit.state
        # Stocks: ready launchers holding each type (one missile per launcher per cycle).
        holding = (state.ready_s <= t + 1e-9)[:, None] & (state.stock > 0)
        spec = plan.engagement_radar.spec if plan.engagement_radar is not None else None
        assert spec is not None
        busy = len({(state.meta[s].post, state.meta[s].track) for s in state.flying})
        shot_cap = max(spec.guided_missiles - len(state.flying), 0)
        target_cap = max(spec.engaged_targets - busy, 0)
        if shot_cap == 0 or target_cap == 0:
            continue
        g = len(caps_shot)
        caps_shot.append(shot_cap)
        caps_target.append(target_cap)
        unit_of_group.append(ui)
        for k in range(len(plan.types)):
            rows.append((g, k))
        pk_rows.append(planned.unit_pk(ui, len(plan.types), n, pk_p))
        stock_rows.append(holding.sum(axis=0).astype(np.int64))
        geom.append((*mapped[ui], planned.rows(ui, n)))
    mark_cols(~held, "no_track")
    mark_cols(held & ~reach, "out_of_envelope")
    mark_cols(reach & ~loaded, "magazine_empty")
    mark_cols(kept, "lower_priority")
    if not rows:
        mark_cols(reach & loaded & ~kept, "no_fire_channel")
        return decision
    pk_all = np.vstack(pk_rows)
    stock_all = np.concatenate(stock_rows)
    usable = ((pk_all > 0.0) & (stock_all[:, None] > 0)).any(axis=0)
    mark_cols(reach & loaded & ~kept & ~usable, "no_fire_channel")
    if not usable.any():
        # no cell with a shot and a round ready: the assignment would fire nothing (its solver starts
        # no search, samsim.c2.wta._can_shoot), and a track no shot can reach is given no reason below
        return decision
    # a ballistic track is assessed where it falls, not where its straight line passes (c2.evaluation)
    acc = intercept.track_acceleration_mps2(pos, vel, height, frame.center_enu_m)
    assess = evaluate_threats(pos, vel, frame.assets_enu_m, world.assets.radius_m, world.assets.value, acc)
    value = assess.value * damage_weight(classes)
    salvo = np.array([doc.salvo for doc in docs], dtype=np.int64)
    group = np.array([g for g, _ in rows], dtype=np.int64)
    x = solve_wta(
        value,
        pk_all,
        stock_all,
        # a unit fires at most its own salvo at a track (clipped below where salvos differ)
        max_per_target=np.max(np.where(allowed, salvo[:, None], 0), axis=0),
        group=group,
        group_shot_cap=np.array(caps_shot),
        group_target_cap=np.array(caps_target),
        method="exact" if pk_all.size <= ENGINE_EXACT_MAX_CELLS else "heuristic",
    )
    shots_j = x.sum(axis=0)
    unassigned = usable & (shots_j == 0)
    # Left out with a fire channel free: the assignment preferred other tracks; with every channel of
    # the units that could reach it taken this cycle: no fire channel.
    shots_g = np.bincount(group, weights=x.sum(axis=1), minlength=len(caps_shot))
    targets_g = np.array([np.count_nonzero(x[group == g].sum(axis=0)) for g in range(len(caps_shot))])
    spare = (shots_g < np.array(caps_shot)) & (targets_g < np.array(caps_target))
    could = (pk_all > 0.0) & (stock_all[:, None] > 0) & spare[group][:, None]
    could_any = could.any(axis=0)
    mark_cols(unassigned & ~could_any, "no_fire_channel")
    mark_cols(unassigned & could_any & (assess.asset >= 0), "lower_priority")
    mark_cols(unassigned & could_any & (assess.asset < 0), "not_threatening")
    rank = np.lexsort((assess.time_to_go_s, -value))  # most at stake first, then soonest
    offsets = [0]
    for u in unit_of_group:
        offsets.append(offsets[-1] + len(active[u].plan.types))
    for j in rank[shots_j[rank] != 0].tolist():  # the tracks assigned shots, in that order
        track = int(ids[j])
        made = 0
        kinds: list[str] = []
        for g, ui in enumerate(unit_of_group):
            unit = active[ui]
            plan, state = unit.plan, unit.state
            pos_b, vel_b, pair = geom[g]
            shots = _clip_salvo(x[offsets[g] : offsets[g + 1], j], int(salvo[ui]))
            for k in np.flatnonzero(shots).tolist():
                kinds.append(
                    plan.types[k].key if len(unit_of_group) == 1 else f"{plan.battery.id}:{plan.types[k].key}"
                )
                for _ in range(int(shots[k])):
                    launcher = _pick_launcher(state, k, t)
                    if launcher < 0:
                        break
                    meta = _launch(
                        plan,
                        state,
                        unit.recorder,
                        t,
                        launcher,
                        k,
                        track,
                        labels[j],
                        pos_b[j],
                        vel_b[j],
                        planned.pip[pair[j], k],
                        float(planned.tof[pair[j], k]),
                    )
                    meta.post = post
                    meta.planned_pk = float(pk_all[offsets[g] + k, j])
                    aim = planned.pip[pair[j], k]
                    meta.pip_range_m = float(np.linalg.norm(aim - _launch_points(1)[0]))
                    meta.pip_alt_m = float(plan.height_m(aim[None])[0])
                    decision.launches.append(Launch(len(state.meta) - 1, meta, meta.planned_pk, unit.state))
                    made += 1
        if made:
            eng = memory.engagements.setdefault(track, Engagement())
            eng.in_flight += made
            eng.salvos += 1
            decision.assigned.append(
                Assignment(
                    track, float(value[j]), int(assess.asset[j]), float(pk_all[:, j].max()), ",".join(kinds)
                )
            )
    return decision


_ELIGIBLE, _WAITING, _ENGAGED, _DESTROYED = 0, 1, 2, 3
_EMPTY, _LOADED, _READY = 0, 1, 2


@njit
def _readiness(ready_s: FloatArray, stock: IntArray, t: float) -> int:
    """A fire unit's launchers at ``t``: ``_READY`` when one is ready (``ready_s <= t + 1e-9``) and
    holds a round, else ``_LOADED`` when one holds a round, else ``_EMPTY``. The answers of
    ``((ready_s <= t + 1e-9)[:, None] & (stock > 0)).any()`` and ``(stock > 0).any()`` (the same
    float comparison) in one compiled pass: :func:`decide` asks it of every unit at every cycle, and
    in a long raid most units are empty, so the two array passes' fixed cost per unit added up."""
    loaded = False
    for i in range(stock.shape[0]):
        for k in range(stock.shape[1]):
            if stock[i, k] > 0:
                if ready_s[i] <= t + 1e-9:
                    return _READY
                loaded = True
                break
    return _LOADED if loaded else _EMPTY


def _eligibility(
    memory: EngagementMemory, doctrine: CommandDoctrine, track: int, t: float, last_update_s: float
) -> int:
    """Doctrine: not assessed destroyed (else ``_DESTROYED``), reaction time since the track went
    firm, a fresh track (else ``_WAITING``), and the fire policy (else ``_ENGAGED``: the track is
    already being engaged)."""
    if track in memory.destroyed:
        return _DESTROYED
    if t < memory.first_firm_s.get(track, np.inf) + doctrine.reaction_time_s - 1e-9:
        return _WAITING
    if t - last_update_s > ENGAGE_MAX_AGE_S:
        return _WAITING
    eng = memory.engagements.get(track)
    if eng is None or doctrine.fire_policy(eng, doctrine.salvo_doctrine, t, last_update_s):
        return _ELIGIBLE
    return _ENGAGED


def _eligibilities(
    memory: EngagementMemory,
    doctrine: CommandDoctrine,
    track_ids: list[int],
    t: float,
    last_update_s: list[float],
) -> list[int]:
    """:func:`_eligibility` of each track, its tests in the same order on the same floats (the
    engagements looked up through ``memory.engagements.get``, as it looks them up), with the
    look-ups bound once."""
    destroyed = memory.destroyed
    first_firm = memory.first_firm_s.get
    engagement = memory.engagements.get
    reaction_s = doctrine.reaction_time_s
    policy, salvo = doctrine.fire_policy, doctrine.salvo_doctrine
    inf = np.inf
    out = []
    for track, last_s in zip(track_ids, last_update_s, strict=True):
        if track in destroyed:
            out.append(_DESTROYED)
        elif t < first_firm(track, inf) + reaction_s - 1e-9 or t - last_s > ENGAGE_MAX_AGE_S:
            out.append(_WAITING)
        else:
            eng = engagement(track)
            out.append(_ELIGIBLE if eng is None or policy(eng, salvo, t, last_s) else _ENGAGED)
    return out


_FEW_STATUSES = 32
"""Up to this many (unit, track) statuses :func:`_statuses` asks :func:`_eligibility` one by one."""


def _statuses(
    memory: EngagementMemory,
    docs: list[CommandDoctrine],
    t: float,
    track_ids: IntArray,
    last_update_s: FloatArray,
) -> IntArray:
    """(units, tracks): :func:`_eligibility` of each track under each unit's doctrine ``docs[u]``, the
    track's memory looked up once and the doctrine's tests as array passes (the same floats: the
    reaction time is added to the firm time, then the 1e-9 taken off). The fire policy is asked only
    where the other tests pass, as :func:`_eligibility` asks it; the engagements handed out are noted
    (:class:`Engagements`) as its look-ups note them."""
    n = track_ids.size
    ids = track_ids.tolist()
    last = last_update_s.tolist()
    if n * len(docs) <= _FEW_STATUSES:  # the array passes' fixed cost is more than asking each
        by_id: dict[int, list[int]] = {}
        for doc in docs:
            if id(doc) not in by_id:
                by_id[id(doc)] = _eligibilities(memory, doc, ids, t, last)
        return np.array([by_id[id(doc)] for doc in docs], dtype=np.int64).reshape(len(docs), n)
    destroyed = np.zeros(n, dtype=bool)
    if memory.destroyed:
        destroyed[:] = list(map(memory.destroyed.__contains__, ids))
    first = np.fromiter(map(memory.first_firm_s.get, ids, repeat(np.inf)), dtype=np.float64, count=n)
    stale = t - last_update_s > ENGAGE_MAX_AGE_S
    engagements = memory.engagements
    eng = list(map(dict.get.__get__(engagements), ids))  # dict's own get: nothing noted yet
    engaged = np.fromiter(map(is_not, eng, repeat(None)), dtype=bool, count=n)
    asked = np.zeros(n, dtype=bool)
    by_doc: dict[int, int] = {}  # doctrine -> its row of ``distinct``
    distinct: list[IntArray] = []
    rows: list[int] = []
    for doc in docs:
        row = by_doc.get(id(doc))
        if row is None:
            waiting = ~destroyed & ((t < first + doc.reaction_time_s - 1e-9) | stale)
            status = np.full(n, _ELIGIBLE, dtype=np.int64)
            status[waiting] = _WAITING
            status[destroyed] = _DESTROYED
            ask = ~destroyed & ~waiting
            asked |= ask
            for j in np.flatnonzero(ask & engaged).tolist():
                if not doc.fire_policy(eng[j], doc.salvo_doctrine, t, last[j]):
                    status[j] = _ENGAGED
            row = by_doc[id(doc)] = len(distinct)
            distinct.append(status)
        rows.append(row)
    if isinstance(engagements, Engagements):
        engagements.touched.update(track_ids[asked].tolist())
    if len(distinct) == 1:
        return np.repeat(distinct[0].reshape(1, n), len(docs), axis=0)
    return np.asarray(np.stack(distinct)[rows], dtype=np.int64).reshape(len(docs), n)


def _leaker_engagements(
    post: str,
    docs: list[CommandDoctrine],
    units: list[FireUnit],
    frame: PictureFrame,
    world: World,
    t: float,
    track_ids: IntArray,
    pos_m: FloatArray,
    vel_mps: FloatArray,
    status: IntArray,
    open_: BoolArray,
) -> BoolArray:
    """Layered defence: which (unit, track) pairs a unit may engage although its fire policy says the
    track is engaged (``status`` ``_ENGAGED``; ``open_``: tracks that may be fired at at all).

    Shoot-look-shoot waits for the look; an inner layer need not wait for an outer layer's
    interceptors when the look would come too late for it. Unit ``u`` may fire at track ``j`` when
    only units of outer layers (a longer-reaching missile than ``u``'s longest) have interceptors
    flying at ``j``, ``j`` threatens an asset, and

        max_i T_i + t_KA(u) + tof_u  >  t + t_go

    with ``T_i`` the planned intercept times of those interceptors, ``t_KA(u)`` the unit's own
    kill-assessment time, ``tof_u`` its shortest time of flight to ``j`` now (its reach tables; some
    type's planned Pk must also meet its ``min_pk``), ``t_go`` the time to the threat's closest
    approach to the asset it threatens (threat evaluation): if the others miss, a shot fired after the
    look would meet the threat only after it reached its asset. That is the point-defence layer's
    re-engagement of leakers (a "shoot-look-shoot" across layers whose look must come before the
    inner layer's last chance; Wagner, Mylander & Sanders, *Naval Operations Analysis*, 3rd ed.,
    1999, ch. 8, on layered defence and salvo doctrine). The time of flight after the look is taken
    as now's (shorter in truth, as the threat closes), so the test errs towards firing. A unit of the
    same layer as the units already firing (or of an outer one) waits for the look: otherwise every
    peer battery in reach would add a salvo in turn, one per decision cycle, each finding the look
    too late, and a ring of long-range batteries would spend a salvo per battery on one threat.

    Returns (units, tracks) booleans."""
    out = np.zeros(status.shape, dtype=bool)
    if not np.any((status == _ENGAGED) & open_[None, :]):  # no candidate (below) at all
        return out
    reach_m = np.array([_outer_reach_m(u.plan) for u in units])
    if not np.any(reach_m < reach_m.max()):
        # one layer: any interceptor at a track is of the candidate's layer, which waits for the look
        return out
    flying = np.zeros(status.shape, dtype=np.int64)  # interceptors of each unit at each track
    plan_s = np.full(status.shape, -np.inf)  # their latest planned intercept (nan ones ignored)
    row = {int(i): j for j, i in enumerate(track_ids.tolist())}
    for ui, unit in enumerate(units):
        state = unit.state
        for slot in state.flying:
            meta = state.meta[slot]
            j = row.get(meta.track) if meta.post == post else None
            if j is not None:
                flying[ui, j] += 1
                plan_s[ui, j] = max(plan_s[ui, j], float(state.flight.plan_s[slot]))
    # a layer is a reach: units whose longest missile reaches as far or farther than u's are not
    # inner to u, and interceptors of theirs in flight make u wait for the look
    not_outer = reach_m[None, :] <= reach_m[:, None]  # (u, v): v is u's layer or inside it
    blocked = (not_outer.astype(np.int64) @ (flying > 0).astype(np.int64)) > 0
    candidate = (status == _ENGAGED) & ~blocked & (flying.sum(axis=0) > 0)[None, :] & open_[None, :]
    if not np.any(candidate):
        return out
    cols = np.flatnonzero(np.any(candidate, axis=0))
    pos, vel = pos_m[cols], vel_mps[cols]
    acc = intercept.track_acceleration_mps2(pos, vel, None, frame.center_enu_m)  # height not read
    assess = evaluate_threats(pos, vel, frame.assets_enu_m, world.assets.radius_m, world.assets.value, acc)
    look_s = plan_s[:, cols].max(axis=0)  # the unit itself has none there
    for ui in np.flatnonzero(np.any(candidate[:, cols], axis=1)).tolist():
        unit, doc = units[ui], docs[ui]
        plan = unit.plan
        ka_s = doc.salvo_doctrine.kill_assessment_s
        # no flight outlasts the reach tables' time grid: a later look with a longer flight cannot be late
        c = candidate[ui, cols] & (assess.asset >= 0)
        c &= look_s + ka_s + float(plan.profile_time_s[-1]) > t + assess.time_to_go_s
        holds = None if plan.battery.spec.engage_on_remote else unit.held()
        if holds is not None:
            c &= holds[cols]
        at = np.flatnonzero(c)
        if at.size == 0:
            continue
        pos_b, vel_b = unit.to_battery(pos[at], vel[at])
        # the reach tables first (cheap); the full feasibility only where the look comes too late
        tof, _ = _intercept_points(plan, pos_b, vel_b)
        soonest = np.min(np.where(np.isfinite(tof), tof, np.inf), axis=1)
        late = np.isfinite(soonest) & (look_s[at] + ka_s + soonest > t + assess.time_to_go_s[at])
        if not np.any(late):
            continue
        _, _, pk = _planned(plan, pos_b[late], vel_b[late], np.ones(int(late.sum()), dtype=bool))
        fires = np.any((pk > 0.0) & (pk >= plan.battery.doctrine.min_pk), axis=0)
        out[ui, cols[at[late][fires]]] = True
    return out


TRACK_ACCEL_BOUND_MPS2 = GM_M3PS2 / 6.0e6**2
"""More than the gravity at any track (central gravity 6,000 km from the earth's centre, below its
surface): the most a track is predicted to accelerate
(:func:`samsim.c2.intercept.track_acceleration_mps2`)."""


def _site_in_picture(unit: FireUnit) -> FloatArray:
    """Where the unit's battery stands in the deciding picture's frame."""
    if unit.rotation is None or unit.offset_m is None:
        return _ORIGIN
    got = unit.site
    if got is None or got[0] is not unit.rotation or got[1] is not unit.offset_m:  # moved since
        got = (unit.rotation, unit.offset_m, np.asarray(-(unit.offset_m @ unit.rotation), dtype=np.float64))
        unit.site = got
    return got[2]


_ORIGIN = np.zeros(3)


def _within_reach(
    pos: FloatArray,
    vel: FloatArray,
    may: BoolArray,
    site_m: FloatArray,
    reach_m: FloatArray,
    time_s: FloatArray,
) -> BoolArray:
    """(units, tracks): the tracks of row ``u`` of ``may`` that may have an intercept solution from unit
    ``u``'s site ``site_m[u]`` (picture frame): within its reach tables' farthest reach ``reach_m[u]``
    plus the way they cover in their time span ``time_s[u]`` (:func:`_within_reach_kernel`), every
    unit in one compiled call. :func:`_plan_units` finds no solution at the others."""
    near = np.zeros(may.shape, dtype=np.bool_)
    if near.size:
        _within_reach_kernel(
            pos, vel, may, site_m, reach_m, time_s, BALLISTIC_SPEED_MPS, TRACK_ACCEL_BOUND_MPS2, near
        )
    return near


@njit
def _within_reach_kernel(
    pos: FloatArray,
    vel: FloatArray,
    may: BoolArray,
    site_m: FloatArray,
    reach_m: FloatArray,
    time_s: FloatArray,
    ballistic_speed_mps: float,
    accel_bound_mps2: float,
    near: BoolArray,
) -> None:
    """Marks in row ``u`` of ``near`` the tracks of row ``u`` of ``may`` within ``reach_m[u]`` of
    ``site_m[u]`` plus the way they cover in ``time_s[u]`` (a unit whose reach is 0 reaches nothing):
    ``|p| <= r_max + |v| T (+ 3/2 a_max T**2 for a track that may be ballistic)`` plus a margin of
    1 km and 1e-6 relative. A pair beyond it has no intercept solution
    (:func:`samsim.c2.intercept.predict_intercept_by_altitude`): the reach table never exceeds
    ``r_max``, the track at constant velocity moves at most ``|v| T``, and a falling track's motion
    linearised at a segment start strays at most ``3/2 a T**2`` from its start (a bound on the
    tangent's offset ``a t0**2 / 2`` and its velocity change ``a t0`` over ``T``); the frame mapping's
    rounding is far inside the margin."""
    fast2 = (ballistic_speed_mps * (1.0 - 1e-9)) ** 2
    for u in range(may.shape[0]):
        if not reach_m[u] > 0.0:
            continue
        for j in range(pos.shape[0]):
            if not may[u, j]:
                continue
            dx = pos[j, 0] - site_m[u, 0]
            dy = pos[j, 1] - site_m[u, 1]
            dz = pos[j, 2] - site_m[u, 2]
            dist = math.sqrt(dx * dx + dy * dy + dz * dz)
            v2 = vel[j, 0] ** 2 + vel[j, 1] ** 2 + vel[j, 2] ** 2
            travel = math.sqrt(v2) * time_s[u]
            if v2 >= fast2:
                travel += 1.5 * accel_bound_mps2 * time_s[u] * time_s[u]
            near[u, j] = not dist > reach_m[u] + travel + 1_000.0 + 1e-6 * dist


class _Roster(NamedTuple):
    """The fire units of a decision cycle that may fire at all (weapons free, an engagement radar):
    their indices among the cycle's units and their plans, each one's doctrine under the post's
    (:meth:`CommandDoctrine.for_unit`), and whether they make more than one layer
    (:func:`_leaker_engagements`: some reaches less far than another)."""

    doctrine: CommandDoctrine
    all_plans: tuple[FirePlan, ...]
    active: list[int]
    plans: list[FirePlan]
    docs: list[CommandDoctrine]
    layered: bool
    remote: list[bool]  # per unit: it may engage the post's tracks its own radar does not hold


def _roster(doctrine: CommandDoctrine, plans: list[FirePlan]) -> _Roster:
    """:class:`_Roster` of the units of ``plans`` under ``doctrine``; kept for the next cycle with the
    same doctrine and plans (both fixed for a run: a post's units change only when batteries stop
    fighting or move). Read it, do not change it."""
    key = (id(doctrine), *map(id, plans))
    got = _ROSTERS.get(key)
    if got is not None and got.doctrine is doctrine and all(map(is_, got.all_plans, plans)):
        return got
    active = [i for i, p in enumerate(plans) if p.battery.doctrine.weapons == "free" and p.engagement_radar]
    mine = [plans[i] for i in active]
    reach_m = [_outer_reach_m(p) for p in mine]
    layered = len(mine) > 1 and min(reach_m) < max(reach_m)
    docs = [doctrine.for_unit(p) for p in mine]
    remote = [bool(p.battery.spec.engage_on_remote) for p in mine]
    got = _Roster(doctrine, tuple(plans), active, mine, docs, layered, remote)
    if len(_ROSTERS) >= _UNIT_TABLES_KEPT:
        _ROSTERS.clear()
    _ROSTERS[key] = got
    return got


_ROSTERS: dict[tuple[int, ...], _Roster] = {}


def _outer_reach_m(plan: FirePlan) -> float:
    """The unit's layer: the catalog maximum range of its longest-reaching missile type."""
    return plan.table.outer_reach_m


def _clip_salvo(shots: IntArray, salvo: int) -> IntArray:
    """A unit's shots at one track (per missile type, in type order) cut to its own salvo."""
    if int(shots.sum()) <= salvo:
        return shots
    return np.diff(np.minimum(np.cumsum(shots), salvo), prepend=0)


def _planned(
    plan: FirePlan, pos: FloatArray, vel: FloatArray, may: BoolArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """:func:`_intercept_points`, :func:`_arrival_kernel` and the planned kill probabilities
    (:func:`_plan_units`) of the tracks a unit ``may`` engage, worked out only for those (every step is
    per track, so the others are 0 — or nan for the intercepts — as they would be computed in full).

    Returns ``(tof, pip, pk)``: (tracks, types), (tracks, types, 3), (types, tracks)."""
    n, m = pos.shape[0], len(plan.types)
    tof = np.full((n, m), np.nan)
    pip = np.full((n, m, 3), np.nan)
    pk = np.zeros((m, n))
    planned = _plan_units([plan], [pos], [vel], may.reshape(1, n))
    cols = planned.track
    if cols.size:
        tof[cols] = planned.tof[:, :m]
        pip[cols] = planned.pip[:, :m]
        pk[:, cols] = planned.pk[:, :m].T
    return tof, pip, pk


def _pk_floors(
    planned: _Planned,
    n_units: int,
    jammed: BoolArray | None,
    home_on_jam: BoolArray,
    min_pk: FloatArray,
) -> IntArray:
    """The doctrine's floors on the planned pk of each pair (in place): 0 at a track known only from
    jamming (``jammed``, per track) for a type that cannot home on jam, and below the unit's
    ``min_pk``. Each pair's own, so floors taken on parts of the pairs are those of the whole.
    Returns each pair's unit."""
    if n_units == 1:
        unit_of = np.zeros(planned.track.size, dtype=np.int64)
    else:
        unit_of = np.repeat(np.arange(n_units), np.diff(planned.start))
    pk_p = planned.pk
    if jammed is not None:
        at = jammed[planned.track]
        if at.any():
            pk_p[at[:, None] & ~home_on_jam[unit_of]] = 0.0
    pk_p[pk_p < min_pk[unit_of][:, None]] = 0.0
    return unit_of


def _merged(a: _Planned, a_may: BoolArray, b: _Planned, b_may: BoolArray) -> _Planned:
    """One :class:`_Planned` of the pairs of two plannings of the same units over disjoint pairs
    (``a_may``, ``b_may``), in unit order, as one planning of ``a_may | b_may`` lists them: both
    list their pairs in the row-major order of their masks (``numpy.nonzero``), and so do a boolean
    mask's assignments."""
    may = a_may | b_may
    at = np.empty(may.shape, dtype=np.int64)
    at[a_may] = np.arange(a.track.size)
    at[b_may] = a.track.size + np.arange(b.track.size)
    order = at[may]
    unit, track = np.nonzero(may)
    start = np.searchsorted(unit, np.arange(may.shape[0] + 1))
    return _Planned(
        start,
        track,
        np.concatenate([a.tof, b.tof])[order],
        np.concatenate([a.pip, b.pip])[order],
        np.concatenate([a.pk, b.pk])[order],
    )


class _Planned(NamedTuple):
    """:func:`_plan_units`' answer: the (unit, track) pairs planned, unit by unit (unit ``u``'s rows
    ``start[u]:start[u + 1]``, at the tracks ``track`` holds there), and per pair and missile type (the
    columns past a unit's own types nan and 0) the time of flight, intercept point and planned pk."""

    start: IntArray
    track: IntArray  # (pairs,)
    tof: FloatArray  # (pairs, types)
    pip: FloatArray  # (pairs, types, 3)
    pk: FloatArray  # (pairs, types)

    def unit_pk(self, u: int, m: int, n: int, pk_pairs: FloatArray | None = None) -> FloatArray:
        """Unit ``u``'s (types, tracks) planned pk over all ``n`` tracks (``m`` types; 0 where not
        planned), or of ``pk_pairs`` (pairs, types) in place of the planned."""
        pk = np.zeros((m, n))
        s, e = self.start[u], self.start[u + 1]
        pk[:, self.track[s:e]] = (self.pk if pk_pairs is None else pk_pairs)[s:e, :m].T
        return pk

    def rows(self, u: int, n: int) -> IntArray:
        """Per track of ``n``, its pair row of unit ``u`` (-1: not planned)."""
        row = np.full(n, -1, dtype=np.int64)
        s, e = self.start[u], self.start[u + 1]
        row[self.track[s:e]] = np.arange(s, e)
        return row


@dataclass(frozen=True)
class _UnitTables:
    """Several fire plans' planning figures side by side, padded to the most types ``M`` and the
    longest time-of-flight grid ``T`` (the padding is never read): per unit its number of types and
    grid points, the grid (U, T), the reach and arrival-speed tables by target altitude (U, M, A, T)
    with the reach tables' usable lengths, rises, envelopes and slopes across altitudes (U, M, 3, T)
    (:func:`samsim.c2.intercept.reach_bounds`),
    the earth's centre and radius in its frame, the :class:`~samsim.sim.weapons.TypeTable` figures
    (U, M), the system's ballistic engagement range, its flat ground's height (nan with terrain) and
    its doctrine's ``min_pk``."""

    plans: tuple[FirePlan, ...]
    n_types: IntArray
    n_grid: IntArray
    grid: FloatArray
    reach: FloatArray
    arrival: FloatArray
    reach_n_ok: IntArray
    reach_curves: FloatArray
    center: FloatArray
    radius: FloatArray
    min_range: FloatArray
    max_range: FloatArray
    min_alt: FloatArray
    max_alt: FloatArray
    max_speed: FloatArray
    max_flight: FloatArray
    min_closing: FloatArray
    min_accel: FloatArray
    pk_nominal: FloatArray
    params: FloatArray  # (U, M, flyout.N_PARAMS)
    ballistic_range: FloatArray
    flat_ground: FloatArray
    min_pk: FloatArray  # (U,) the battery doctrine's
    home_on_jam: BoolArray
    unit_cost: FloatArray
    reserve: IntArray  # rounds of each type kept for high-value tracks
    terrain: bool  # some unit stands on terrain (its flat_ground nan)
    table_reach: FloatArray  # (U,) TypeTable.table_reach_m
    table_time: FloatArray  # (U,) TypeTable.table_time_s


_UNIT_TABLES: dict[tuple[int, ...], _UnitTables] = {}
_UNIT_TABLES_KEPT = 64


def _unit_tables(plans: list[FirePlan]) -> _UnitTables:
    """:class:`_UnitTables` of ``plans`` (kept for the next cycle with the same plans: a post's units
    change only when batteries stop fighting or move)."""
    key = tuple(map(id, plans))
    got = _UNIT_TABLES.get(key)
    if got is not None and all(map(is_, got.plans, plans)):  # the same length: the keys are equal
        return got
    u = len(plans)
    mm = max((len(p.types) for p in plans), default=0)
    tt = max((p.profile_time_s.size for p in plans), default=0)

    def per_type(f: Callable[[FirePlan], NDArray[Any]]) -> FloatArray:
        out = np.zeros((u, mm))
        for i, p in enumerate(plans):
            out[i, : len(p.types)] = f(p)
        return out

    def per_grid(f: Callable[[FirePlan], FloatArray], rows: int) -> FloatArray:
        """(U, M, rows, T): each plan's (types, rows, grid) table, padded."""
        out = np.zeros((u, mm, rows, tt))
        for i, p in enumerate(plans):
            out[i, : len(p.types), :, : p.profile_time_s.size] = f(p)
        return out

    grid = np.zeros((u, tt))
    for i, p in enumerate(plans):
        grid[i, : p.profile_time_s.size] = p.profile_time_s
    params = np.zeros((u, mm, flyout.N_PARAMS))
    for i, p in enumerate(plans):
        params[i, : len(p.types)] = p.table.params
    tables = _UnitTables(
        plans=tuple(plans),
        n_types=np.array([len(p.types) for p in plans], dtype=np.int64),
        n_grid=np.array([p.profile_time_s.size for p in plans], dtype=np.int64),
        grid=grid,
        reach=per_grid(lambda p: p.reach_m, PROFILE_ALT_M.size),
        arrival=per_grid(lambda p: p.arrival_mps, PROFILE_ALT_M.size),
        reach_n_ok=per_type(lambda p: p.reach_n_ok).astype(np.int64),
        reach_curves=per_grid(lambda p: p.reach_curves_m, 3),
        center=np.array([p.center_enu_m for p in plans], dtype=np.float64).reshape(u, 3),
        radius=np.array([p.earth_radius_m for p in plans], dtype=np.float64),
        min_range=per_type(lambda p: p.table.min_range_m),
        max_range=per_type(lambda p: p.table.max_range_m),
        min_alt=per_type(lambda p: p.table.min_altitude_m),
        max_alt=per_type(lambda p: p.table.max_altitude_m),
        max_speed=per_type(lambda p: p.table.max_target_speed_mps),
        max_flight=per_type(lambda p: p.table.max_flight_s),
        min_closing=per_type(lambda p: p.table.endgame_min_closing_mps),
        min_accel=per_type(lambda p: p.table.endgame_min_accel_mps2),
        pk_nominal=per_type(lambda p: p.table.pk_nominal),
        params=params,
        ballistic_range=np.array(
            [p.battery.spec.ballistic_engagement_range_m for p in plans], dtype=np.float64
        ),
        flat_ground=np.array(
            [np.nan if p.flat_ground_m is None else p.flat_ground_m for p in plans], dtype=np.float64
        ),
        min_pk=np.array([p.battery.doctrine.min_pk for p in plans], dtype=np.float64),
        home_on_jam=per_type(lambda p: p.table.home_on_jam).astype(bool),
        unit_cost=per_type(lambda p: p.table.unit_cost_usd),
        reserve=per_type(lambda p: p.table.high_value_reserve).astype(np.int64),
        terrain=any(p.flat_ground_m is None for p in plans),
        table_reach=np.array([p.table.table_reach_m for p in plans], dtype=np.float64),
        table_time=np.array([p.table.table_time_s for p in plans], dtype=np.float64),
    )
    if len(_UNIT_TABLES) >= _UNIT_TABLES_KEPT:
        _UNIT_TABLES.clear()
    _UNIT_TABLES[key] = tables
    return tables


def _plan_units(
    plans: list[FirePlan], pos: list[FloatArray], vel: list[FloatArray], may: BoolArray
) -> _Planned:
    """Fire planning of several fire units in one pass: for unit ``u`` (fire plan ``plans[u]``, tracks
    ``pos[u]``, ``vel[u]`` in its own frame), the time of flight, intercept point
    (:func:`_intercept_points`) and planned kill probability of one shot of each type at each track
    of row ``u`` of ``may`` (units, tracks; 0 where infeasible).

    Besides the envelope (:func:`samsim.c2.intercept.launch_feasible`'s checks), the interceptor must
    catch the target: its speed on arrival (:func:`_arrival_kernel`) less the target's speed away from
    the launcher along the line to the intercept point must reach the end game's minimum closing speed
    (``endgame_min_closing_mps``; a low receding target at long range is out of reach even where the
    reach table has a root), and its airframe must still pull the end game's minimum acceleration
    (``endgame_min_g``) at the intercept point's altitude at that speed
    (:func:`samsim.models.flyout.available_accel_mps2`, the flyout's own end-game criterion). The
    estimate inside is :func:`samsim.sim.weapons.predicted_pk`.

    The intercepts and the arithmetic checks of every unit run in one compiled pass
    (:func:`_plan_units_kernel`); the atmosphere, the terrain under the intercept point and the
    engagement radar's view (transcendental functions, left to NumPy) only where everything else
    holds: each is per (track, type), so the floats and the answer are those of each unit's checks
    done in full."""
    tables = _unit_tables(plans)
    unit, track = np.nonzero(may)  # pairs in unit order
    start = np.searchsorted(unit, np.arange(len(plans) + 1))
    n, mm = track.size, tables.min_range.shape[1]
    tof = np.full((n, mm), np.nan)
    pip = np.full((n, mm, 3), np.nan)
    pk = np.zeros((n, mm))
    planned = _Planned(start, track, tof, pip, pk)
    if n == 0:
        return planned
    some = np.flatnonzero(start[1:] > start[:-1]).tolist()  # the units with pairs
    if len(some) == 1:  # one unit: every pair is its own
        p, v = pos[some[0]][track], vel[some[0]][track]
    elif all(pos[w].shape == pos[some[0]].shape and vel[w].shape == vel[some[0]].shape for w in some):
        # those units' views of the same tracks: one gather over them all (copies, the same floats)
        rank = np.zeros(len(plans), dtype=np.int64)
        rank[some] = np.arange(len(some))
        p = np.stack([pos[w] for w in some])[rank[unit], track]
        v = np.stack([vel[w] for w in some])[rank[unit], track]
    else:
        p = np.empty((n, 3))
        v = np.empty((n, 3))
        for w in np.flatnonzero(start[1:] > start[:-1]).tolist():
            s, e = start[w], start[w + 1]
            p[s:e] = pos[w][track[s:e]]
            v[s:e] = vel[w][track[s:e]]
    center = tables.center[unit]
    # each unit's FirePlan.height_m, row by row
    height = np.asarray(row_norms(p - center) - tables.radius[unit], np.float64)
    # a ballistic track is predicted falling under gravity, the others at constant velocity
    acc = intercept.track_acceleration_mps2(p, v, height, center)
    speed = row_norms(v)
    arrival = np.empty((n, mm))
    ok = np.zeros((n, mm), dtype=np.bool_)
    slant = np.empty((n, mm))
    alt = np.empty((n, mm))
    decided = np.zeros((n, mm), dtype=np.int8)
    if not _plan_units_kernel(
        start,
        p,
        v,
        acc,
        speed,
        _launch_points(mm),
        tables.n_types,
        tables.n_grid,
        tables.grid,
        PROFILE_ALT_M,
        tables.reach,
        tables.arrival,
        tables.reach_n_ok,
        tables.reach_curves,
        tables.center,
        tables.radius,
        tables.min_range,
        tables.max_range,
        tables.max_alt,
        tables.max_speed,
        tables.max_flight,
        tables.min_closing,
        tables.min_accel,
        tables.params,
        BALLISTIC_SPEED_MPS,
        tables.ballistic_range,
        tof,
        pip,
        arrival,
        ok,
        slant,
        alt,
        decided,
    ):
        return planned
    i, k = np.nonzero(ok)
    u = unit[i]
    # Minimum altitudes are heights above the ground under the intercept point (with terrain: of
    # every intercept point of the unit, as the envelope check of them all would take it).
    ground = tables.flat_ground[u]
    for uu in np.unique(u[np.isnan(ground)]).tolist() if tables.terrain else ():
        plan = plans[uu]
        seg = slice(int(start[uu]), int(start[uu + 1]))
        finite = np.isfinite(tof[seg, : len(plan.types)])
        lat, lon, _ = plan.battery.frame.enu_to_geodetic(pip[seg, : len(plan.types)][finite])
        ground_u = np.zeros(finite.shape)
        ground_u[finite] = plan.ground_height(np.atleast_1d(lat), np.atleast_1d(lon))
        at = u == uu
        ground[at] = ground_u[i[at] - start[uu], k[at]]
    alt_ik = alt[i, k]
    keep = ~(alt_ik < tables.min_alt[u, k] + ground)
    # ... and still pull the end game's minimum acceleration there (the flyout's end-game criterion):
    # above ~20 km the air is too thin for an aerodynamic missile to turn onto a descending target
    dec = decided[i, k]
    exact = np.flatnonzero(keep & (dec == _UNDECIDED))
    keep &= dec == _PULLS
    if exact.size:
        u_x, k_x = u[exact], k[exact]
        speed_x = arrival[i[exact], k_x]
        speed_x[np.isnan(speed_x)] = 0.0
        pull = flyout.available_accel_mps2(tables.params[u_x, k_x], alt_ik[exact], speed_x)
        keep[exact] = pull >= tables.min_accel[u_x, k_x]
    i, k, u, alt_ik = i[keep], k[keep], u[keep], alt_ik[keep]
    if i.size == 0:
        return planned
    # The engagement radar must see the intercept point to guide the missile there.
    if len(plans) == 1:
        spans = [(0, 0, i.size)]
    else:
        bounds = np.searchsorted(u, np.arange(len(plans) + 1)).tolist()  # pairs in unit order
        spans = [(uu, bounds[uu], bounds[uu + 1]) for uu in range(len(plans)) if bounds[uu + 1] > bounds[uu]]
    radars = []
    for uu, _, _ in spans:
        radar = plans[uu].engagement_radar
        assert radar is not None
        radars.append(radar)
    counts = [e_at - s_at for _, s_at, e_at in spans]
    # each unit's pairs relative to its own radar (no azimuth: coverage spans the full circle), all
    # units' radars in one call
    centers = np.array([radar.enu_m for radar in radars], dtype=np.float64).reshape(-1, 3)
    ref_alt_m = np.array([plans[uu].horizon_ref_alt_m for uu, _, _ in spans], dtype=np.float64)
    seen = visible_many(
        radars,
        [0, *(e_at for _, _, e_at in spans)],  # the spans follow one another from 0
        pip[i, k] - np.repeat(centers, counts, axis=0),
        alt_ik - np.repeat(ref_alt_m, counts),
    )
    i, k, u = i[seen], k[seen], u[seen]
    pk[i, k] = predicted_pk(
        tables.pk_nominal[u, k], slant[i, k] / tables.max_range[u, k], speed[i] / tables.max_speed[u, k]
    )
    return planned


@njit
def _plan_units_kernel(
    start: IntArray,
    pos: FloatArray,
    vel: FloatArray,
    acc: FloatArray,
    speed: FloatArray,
    launcher: FloatArray,
    n_types: IntArray,
    n_grid: IntArray,
    grid: FloatArray,
    alt_grid: FloatArray,
    reach: FloatArray,
    arrival_tab: FloatArray,
    reach_n_ok: IntArray,
    reach_curves: FloatArray,
    center: FloatArray,
    radius: FloatArray,
    min_range: FloatArray,
    max_range: FloatArray,
    max_alt: FloatArray,
    max_speed: FloatArray,
    max_flight: FloatArray,
    min_closing: FloatArray,
    min_accel: FloatArray,
    params: FloatArray,
    ballistic_speed_mps: float,
    ballistic_range: FloatArray,
    tof: FloatArray,
    pip: FloatArray,
    arrival: FloatArray,
    ok: BoolArray,
    slant: FloatArray,
    alt: FloatArray,
    decided: NDArray[np.int8],
) -> bool:
    """:func:`_plan_units`' compiled pass, unit by unit over its rows of pairs with its own tables
    (:class:`_UnitTables`): the intercepts (:func:`samsim.c2.intercept.predict_intercept_by_altitude`'
    kernel), the arrival speeds (:func:`_arrival_kernel`), the arithmetic checks
    (:func:`_envelope_kernel`) and, where they pass, the end-game pull (:func:`_pull_one`). Returns
    whether any pair passed the checks."""
    anything = False
    for u in range(start.size - 1):
        s, e = start[u], start[u + 1]
        if e == s:
            continue
        m, nt = n_types[u], n_grid[u]
        t_grid = grid[u, :nt]
        intercept.pip_by_altitude_kernel(
            pos[s:e],
            vel[s:e],
            acc[s:e],
            launcher[:m],
            t_grid,
            alt_grid,
            reach[u, :m, :, :nt],
            reach_n_ok[u, :m],
            reach_curves[u, :m, :, :nt],
            center[u],
            radius[u],
            tof[s:e, :m],
            pip[s:e, :m],
        )
        _arrival_kernel(
            tof[s:e, :m],
            pip[s:e, :m],
            t_grid,
            alt_grid,
            arrival_tab[u, :m, :, :nt],
            center[u],
            radius[u],
            arrival[s:e, :m],
        )
        if not _envelope_kernel(
            pip[s:e, :m],
            tof[s:e, :m],
            arrival[s:e, :m],
            vel[s:e],
            speed[s:e],
            launcher[:m],
            center[u],
            radius[u],
            min_range[u, :m],
            max_range[u, :m],
            max_alt[u, :m],
            max_speed[u, :m],
            max_flight[u, :m],
            min_closing[u, :m],
            ballistic_speed_mps,
            ballistic_range[u],
            ok[s:e, :m],
            slant[s:e, :m],
            alt[s:e, :m],
        ):
            continue
        anything = True
        for i in range(s, e):
            for k in range(m):
                if ok[i, k]:
                    v = arrival[i, k]
                    decided[i, k] = _pull_one(
                        params[u, k], min_accel[u, k], alt[i, k], 0.0 if math.isnan(v) else v
                    )
    return anything


def _intercept_points(plan: FirePlan, pos: FloatArray, vel: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Time of flight and intercept point per (track, type), each type's reach read at the altitude
    the track is predicted at (:func:`samsim.c2.intercept.predict_intercept_by_altitude`), in one
    compiled pass."""
    height = plan.height_m(pos)
    # a ballistic track is predicted falling under gravity, the others at constant velocity
    acc = intercept.track_acceleration_mps2(pos, vel, height, plan.center_enu_m)
    tof = np.empty((pos.shape[0], len(plan.types)))
    pip = np.empty((pos.shape[0], len(plan.types), 3))
    intercept.pip_by_altitude_kernel(
        np.ascontiguousarray(pos, dtype=np.float64),
        np.ascontiguousarray(vel, dtype=np.float64),
        acc,
        _launch_points(len(plan.types)),
        plan.profile_time_s,
        PROFILE_ALT_M,
        plan.reach_m,
        plan.reach_n_ok,
        plan.reach_curves_m,
        plan.center_enu_m,
        plan.earth_radius_m,
        tof,
        pip,
    )
    return tof, pip


@njit
def _arrival_kernel(
    tof: FloatArray,
    pip: FloatArray,
    grid: FloatArray,
    alt_grid: FloatArray,
    table: FloatArray,
    center: FloatArray,
    radius: float,
    out: FloatArray,
) -> None:
    """The interceptor's speed on arrival at the intercept points ``pip`` after flights of ``tof``
    (tracks, types): ``table[k]`` (altitudes ``alt_grid``, times ``grid``) interpolated linearly in
    time in the two rows about the point's altitude above the sphere (``center``, ``radius``; the end
    row beyond them), then linearly between them (nan where ``tof`` is nan or beyond the table).
    In time as ``np.interp(tof, grid, row, right=np.nan)`` (:func:`_interp_kernel`)."""
    for i in range(tof.shape[0]):
        for k in range(tof.shape[1]):
            t = tof[i, k]
            if math.isnan(t):
                out[i, k] = t
                continue
            x = pip[i, k, 0] - center[0]
            y = pip[i, k, 1] - center[1]
            z = pip[i, k, 2] - center[2]
            h = math.sqrt(x * x + y * y + z * z) - radius
            a, w = intercept.altitude_row(alt_grid, h)
            lo = _interp_kernel(t, grid, table[k, a])
            out[i, k] = lo if w == 0.0 else lo + w * (_interp_kernel(t, grid, table[k, a + 1]) - lo)


@njit
def _interp_kernel(x: float, xp: FloatArray, fp: FloatArray) -> float:
    """``np.interp(x, xp, fp, right=np.nan)`` for one ``x`` and strictly increasing ``xp`` (of two or
    more points), with NumPy's floats: its slope and formula, and where that gives nan the other end
    of the interval (numpy/_core/src/multiarray/compiled_base.c, ``arr_interp``)."""
    n = xp.size
    if math.isnan(x):
        return x
    if x < xp[0]:
        return fp[0]  # type: ignore[no-any-return]
    if x > xp[n - 1]:
        return np.nan
    j = np.searchsorted(xp, x, side="right") - 1
    if j == n - 1 or xp[j] == x:
        return fp[j]  # type: ignore[no-any-return]
    slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
    y = slope * (x - xp[j]) + fp[j]
    if math.isnan(y):
        y = slope * (x - xp[j + 1]) + fp[j + 1]
        if math.isnan(y) and fp[j] == fp[j + 1]:
            y = fp[j]
    return y  # type: ignore[no-any-return]


_LAUNCH_POINTS: dict[int, FloatArray] = {}


def _launch_points(m: int) -> FloatArray:
    """Where planning assumes each of ``m`` types leaves from (see :data:`LAUNCH_HEIGHT_M`); one array
    per ``m``, shared: read it, do not write it."""
    points = _LAUNCH_POINTS.get(m)
    if points is None:
        points = np.zeros((m, 3))
        points[:, 2] = LAUNCH_HEIGHT_M
        _LAUNCH_POINTS[m] = points
    return points


_FAILS, _PULLS, _UNDECIDED = 0, 1, -1
_DENSITY_MARGIN = 1e-2
"""Relative bound on the tabulated density's error (:func:`samsim.models.atmosphere.density_sound_scalar`,
1.3e-4 at worst, next to a layer boundary) that :func:`_pull_decided` allows for."""


@njit
def _pull_decided(
    params: FloatArray,
    min_accel_mps2: FloatArray,
    k: IntArray,
    alt_m: FloatArray,
    speed_mps: FloatArray,
    out: NDArray[np.int8],
) -> None:
    """Whether the airframe of type ``k[e]`` pulls ``min_accel_mps2[k[e]]`` at ``alt_m[e]`` and
    ``speed_mps[e]`` (:func:`samsim.models.flyout.available_accel_mps2` at least that): ``_PULLS``,
    ``_FAILS`` or ``_UNDECIDED``. Without an aerodynamic limit, or when the structural limit is lower,
    the answer is exact; else the aerodynamic limit ``q S CN_max / m`` is bracketed with the
    tabulated density, widened by :data:`_DENSITY_MARGIN`, and only a bracket that holds the
    threshold (with 1e-9 relative to spare for rounding) is left to the exact standard atmosphere."""
    for e in range(k.size):
        out[e] = _pull_one(params[k[e]], min_accel_mps2[k[e]], alt_m[e], speed_mps[e])


@njit
def _pull_one(params: FloatArray, need_mps2: float, alt_m: float, speed_mps: float) -> int:
    """:func:`_pull_decided` of one airframe (its ``params`` row) that must pull ``need_mps2``."""
    max_accel = params[flyout.P_MAX_ACCEL_MPS2]
    cn = params[flyout.P_CN_MAX]
    if cn <= 0.0:
        return _PULLS if max_accel >= need_mps2 else _FAILS
    if not max_accel >= need_mps2:
        return _FAILS  # the aerodynamic limit can only lower it
    rho, _ = density_sound_scalar(alt_m)
    pull = (
        0.5 * rho * speed_mps * speed_mps * params[flyout.P_REF_AREA_M2] * cn / params[flyout.P_DRY_MASS_KG]
    )
    if pull * (1.0 - _DENSITY_MARGIN) > need_mps2 * (1.0 + 1e-9):
        return _PULLS
    if pull * (1.0 + _DENSITY_MARGIN) < need_mps2 * (1.0 - 1e-9):
        return _FAILS
    return _UNDECIDED


@njit
def _envelope_kernel(
    pip: FloatArray,
    tof: FloatArray,
    arrival_mps: FloatArray,
    vel: FloatArray,
    speed: FloatArray,
    launcher: FloatArray,
    center_enu_m: FloatArray,
    earth_radius_m: float,
    min_range_m: FloatArray,
    max_range_m: FloatArray,
    max_alt_m: FloatArray,
    max_target_speed_mps: FloatArray,
    max_flight_s: FloatArray,
    min_closing_mps: FloatArray,
    ballistic_speed_mps: float,
    ballistic_range_m: float,
    ok: BoolArray,
    slant_m: FloatArray,
    alt_m: FloatArray,
) -> bool:
    """:func:`_plan_units`' arithmetic checks of each (track, type): an intercept solution, the target
    speed, the slant range to the intercept point (``slant_m``), its height above the sphere
    (``alt_m``) below the maximum altitude, the time of flight, the end game's closing speed (the
    speed on arrival, 0 where unknown, less the target's speed away from the launcher along the line
    of sight), and for a ballistic track (as fast as ``ballistic_speed_mps``,
    :func:`samsim.c2.evaluation.classify_tracks`) the system's ballistic engagement range. Writes
    ``ok``, ``slant_m`` and ``alt_m``; returns whether any pair passed.

    The floats are NumPy's: a norm sums its squares in index order (``np.linalg.norm`` over the last
    axis), and the receding speed sums its products as ``np.einsum("nmk,nk->nm")`` does on C-ordered
    operands, ``(x0 + x2) + x1`` (``test_the_kernel_sums_as_numpy_does`` in
    tests/sim/test_battery_planning.py holds both to NumPy's bits)."""
    n, m = tof.shape
    anything = False
    for i in range(n):
        vx, vy, vz = vel[i, 0], vel[i, 1], vel[i, 2]
        speed_i = speed[i]
        ballistic = speed[i] >= ballistic_speed_mps
        for k in range(m):
            dx = pip[i, k, 0] - launcher[k, 0]
            dy = pip[i, k, 1] - launcher[k, 1]
            dz = pip[i, k, 2] - launcher[k, 2]
            slant = math.sqrt((dx * dx + dy * dy) + dz * dz)
            cx = pip[i, k, 0] - center_enu_m[0]
            cy = pip[i, k, 1] - center_enu_m[1]
            cz = pip[i, k, 2] - center_enu_m[2]
            alt = math.sqrt((cx * cx + cy * cy) + cz * cz) - earth_radius_m
            slant_m[i, k] = slant
            alt_m[i, k] = alt
            t = tof[i, k]
            good = not (
                math.isnan(t)
                or speed_i > max_target_speed_mps[k]
                or slant < min_range_m[k]
                or slant > max_range_m[k]
                or alt > max_alt_m[k]
                or t > max_flight_s[k]
            )
            if good:
                den = max(slant, 1.0)
                receding = ((dx / den) * vx + (dz / den) * vz) + (dy / den) * vy
                arrival = arrival_mps[i, k]
                if math.isnan(arrival):
                    arrival = 0.0
                good = arrival - receding >= min_closing_mps[k]
            if good and ballistic and slant > ballistic_range_m:
                good = False
            ok[i, k] = good
            anything = anything or good
    return anything


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
        track_acc_mps2=intercept.track_acceleration_mps2(pos[None], vel[None], None, plan.center_enu_m)[0],
    )
    state.flying.append(slot)
    recorder.launch_pos_m.append(launchers.enu_m[launcher].copy())
    return meta


def start_reloads(plan: FirePlan, state: BatteryState, t: float) -> tuple[list[Reload], list[int]]:
    """After launches at ``t``: start reloading every launcher they emptied from the reserve (each
    launcher in its catalog ``reload_s``, in parallel: one transloader each), and note the missile
    types of which the battery now has no round at all.

    Returns the reloads started and the newly exhausted types.
    """
    launchers = plan.battery.launchers
    started: list[Reload] = []
    busy = {r.launcher for r in state.reloads}
    for i in np.flatnonzero(state.stock.sum(axis=1) == 0).tolist():
        if i in busy or not np.isfinite(launchers.reload_s[i]):
            continue
        rounds = np.minimum(launchers.stock[i], state.reserve)
        if rounds.sum() == 0:
            continue
        state.reserve -= rounds
        reload = Reload(launcher=i, done_s=t + float(launchers.reload_s[i]), rounds=rounds)
        state.ready_s[i] = max(state.ready_s[i], reload.done_s)
        state.reloads.append(reload)
        started.append(reload)
    pending = sum((r.rounds for r in state.reloads), np.zeros_like(state.reserve))
    left = state.stock.sum(axis=0) + state.reserve + pending
    gone = [k for k in np.flatnonzero(left == 0).tolist() if k not in state.exhausted]
    state.exhausted.update(gone)
    return started, gone


def finish_reloads(state: BatteryState, t: float) -> list[Reload]:
    """Reloads done by ``t``: their rounds are on the launchers."""
    done = [r for r in state.reloads if r.done_s <= t + 1e-9]
    for r in done:
        state.stock[r.launcher] += r.rounds
    state.reloads = [r for r in state.reloads if r.done_s > t + 1e-9]
    return done


def refresh_tracks(
    state: BatteryState,
    post: str,
    track_ids: IntArray,
    mean: FloatArray,
    estimate_s: float,
    label: Mapping[int, int],
    unit: FireUnit | None = None,
) -> list[tuple[int, int, int]]:
    """Give interceptors in mid-course at tracks of picture ``post`` its latest estimate of their
    track, which holds at ``estimate_s`` (``unit``: how the picture's frame maps to the battery's,
    when it is not the battery's own). Those in terminal homing follow the target itself and keep
    what they had.

    An interceptor in mid-course flies where its track leads it, so the target its seeker or the
    terminal track-via-missile acquires is the one the track follows by then: when a track has
    swapped to another threat (``label``: track id -> threat it follows), its interceptors still in
    mid-course home on that one. Returns those changes as ``(slot, old threat, new threat)``.
    """
    if track_ids.size == 0:
        return []
    metas = state.meta
    # (slot, track) of the interceptors flying at this picture's tracks
    at = [(slot, meta.track) for slot in state.flying if (meta := metas[slot]).post == post]
    if not at:
        return []
    slot_track = np.array(at, dtype=np.int64)
    if unit is None:
        mode, rotation, offset_m = _COPY, _NO_ROTATION, _NO_OFFSET
    elif unit.rotation is None or unit.offset_m is None or track_ids.size == 1:
        mode, rotation, offset_m = _CALLER_MAPS, _NO_ROTATION, _NO_OFFSET
    else:  # only the rows read, mapped as the whole picture's matrix product rounds them
        mode, rotation, offset_m = _FMA_MAP, unit.rotation, unit.offset_m
    flight = state.flight
    # Only mid-course flight reads the track (terminal homing follows the target itself, and a
    # flight never returns to mid-course), and only mid-course interceptors change target.
    found, r, faster = _refresh_rows(
        slot_track,
        flight.status,
        track_ids,
        mean,
        mode,
        rotation,
        offset_m,
        float(estimate_s),
        flight.track_pos_m,
        flight.track_vel_mps,
        flight.track_time_s,
        BALLISTIC_SPEED_MPS,
    )
    if found.size == 0:
        return []
    s = slot_track[found, 0]
    if unit is not None:
        if mode == _CALLER_MAPS:
            pos_r, vel_r = unit.to_battery(mean[r, :3], mean[r, 3:])
            flight.track_pos_m[s] = pos_r
            flight.track_vel_mps[s] = vel_r
            flight.track_time_s[s] = estimate_s
            faster = _maybe_faster(vel_r, BALLISTIC_SPEED_MPS)
        set_track_acceleration(unit, flight, s, faster)
    return turn_to_followed(state, s.tolist(), slot_track[found, 1].tolist(), label)


def set_track_acceleration(unit: FireUnit, flight: flyout.FlyoutState, slots: IntArray, faster: bool) -> None:
    """The acceleration the unit's interceptors ``slots`` (of ``flight``) extrapolate their new track
    estimates with: mid-course extrapolates a ballistic track with gravity, as planning did
    (``faster``: some of the estimates may be as fast as a ballistic track,
    :func:`~samsim.c2.intercept.maybe_as_fast`)."""
    if faster:
        pos_r, vel_r = flight.track_pos_m[slots], flight.track_vel_mps[slots]
        # the height is not read (the ballistic class is a speed band, whatever the height)
        flight.track_acc_mps2[slots] = intercept.track_acceleration_mps2(
            pos_r, vel_r, None, unit.plan.center_enu_m
        )
    else:  # what track_acceleration_mps2 gives when no track is fast enough to be ballistic
        flight.track_acc_mps2[slots] = 0.0


def turn_to_followed(
    state: BatteryState, slots: list[int], tracks: list[int], label: Mapping[int, int]
) -> list[tuple[int, int, int]]:
    """The battery's interceptors ``slots``, flying at ``tracks`` (their estimates just refreshed),
    turn to the threat each track now follows (``label``: track id -> threat) while still in
    mid-course and that threat alive. Returns the changes as ``(slot, old threat, new threat)``."""
    metas, flight = state.meta, state.flight
    changes = []
    for slot, track in zip(slots, tracks, strict=True):
        threat = label.get(track, -1)
        if threat < 0:
            continue
        meta = metas[slot]
        if (
            threat != meta.threat
            and flight.status[slot] == flyout.MIDCOURSE
            and state.truth.dead_s[threat] > state.clock_s
        ):
            changes.append((slot, meta.threat, threat))
            meta.threat = threat
            flight.target[slot] = threat
    return changes


_COPY, _FMA_MAP, _CALLER_MAPS = 0, 1, 2
"""How :func:`_refresh_rows` takes the picture's states into a battery's frame: as they are (the
battery's own picture), mapped row by row (:func:`_map_rows_fma`), or not at all (the caller maps)."""
_NO_ROTATION, _NO_OFFSET = np.eye(3), np.zeros(3)
_MIDCOURSE = flyout.MIDCOURSE


@njit_inline
def _midcourse_at_tracks(
    slot_track: IntArray,
    lo: int,
    hi: int,
    status: NDArray[np.int8],
    track_ids: IntArray,
    found: IntArray,
    rows: IntArray,
    m: int,
) -> int:
    """Of the ``(slot, track)`` rows ``lo:hi`` of ``slot_track``, those whose interceptor (its
    ``status``) is in mid-course at a track of the sorted ``track_ids``: their row into ``found`` and
    their track's index into ``rows``, from position ``m``; returns the new count."""
    for i in range(lo, hi):
        if status[slot_track[i, 0]] != _MIDCOURSE:
            continue
        track = slot_track[i, 1]
        at = np.searchsorted(track_ids, track)
        if at < track_ids.size and track_ids[at] == track:
            found[m] = i
            rows[m] = at
            m += 1
    return m


@njit
def _refresh_rows(
    slot_track: IntArray,
    status: NDArray[np.int8],
    track_ids: IntArray,
    mean: FloatArray,
    mode: int,
    rotation: FloatArray,
    offset_m: FloatArray,
    estimate_s: float,
    track_pos_m: FloatArray,
    track_vel_mps: FloatArray,
    track_time_s: FloatArray,
    ballistic_speed_mps: float,
) -> tuple[IntArray, IntArray, bool]:
    """:func:`refresh_tracks`' per-slot work: of the ``(slot, track)`` rows of ``slot_track``, those in
    mid-course at a track of ``track_ids``, and that track's row of ``mean``; unless the caller maps
    them (``mode`` :data:`_CALLER_MAPS`), their track estimates are written (in the battery's frame),
    and whether any of them may be as fast as a ballistic track (:func:`_maybe_faster`)."""
    n = slot_track.shape[0]
    found = np.empty(n, dtype=np.int64)
    rows = np.empty(n, dtype=np.int64)
    m = _midcourse_at_tracks(slot_track, 0, n, status, track_ids, found, rows, 0)
    found, rows = found[:m], rows[:m]
    if mode == _CALLER_MAPS or m == 0:
        return found, rows, False
    pos = np.empty((m, 3))
    vel = np.empty((m, 3))
    if mode == _FMA_MAP:
        _map_rows_fma(mean, rows, rotation, offset_m, pos, vel)
    else:
        for i in range(m):
            for j in range(3):
                pos[i, j] = mean[rows[i], j]
                vel[i, j] = mean[rows[i], 3 + j]
    for i in range(m):
        slot = slot_track[found[i], 0]
        for j in range(3):
            track_pos_m[slot, j] = pos[i, j]
            track_vel_mps[slot, j] = vel[i, j]
        track_time_s[slot] = estimate_s
    return found, rows, _maybe_faster(vel, ballistic_speed_mps)


@njit
def _maybe_faster(vel_mps: FloatArray, speed_mps: float) -> bool:
    """Whether any of the velocities may be as fast as ``speed_mps``
    (:func:`~samsim.c2.intercept.maybe_as_fast`)."""
    return bool(intercept.maybe_as_fast(vel_mps, speed_mps).any())


@njit
def _map_rows_fma(
    mean: FloatArray,
    rows: IntArray,
    rotation: FloatArray,
    offset_m: FloatArray,
    pos_out: FloatArray,
    vel_out: FloatArray,
) -> None:
    """Rows ``rows`` of picture states ``mean`` (n, 6) in a fire unit's frame: ``rotation @ p + offset_m``
    and ``rotation @ v``, each component the chain ``fma(x2, m2, fma(x1, m1, x0 m0))`` (then the offset
    added). That is how the matrix product of a whole picture of two or more tracks rounds every row
    (numpy's ``matmul`` through OpenBLAS' dgemm kernels, which accumulate the three products with
    fused multiply-adds in index order), so mapping only the rows read gives the same bits; a one-row
    product goes through another kernel (gemv) and rounds otherwise (:func:`refresh_tracks` maps
    such a picture with the matrix product itself)."""
    for n in range(rows.size):
        i = rows[n]
        for j in range(3):
            p = fma(mean[i, 2], rotation[j, 2], fma(mean[i, 1], rotation[j, 1], mean[i, 0] * rotation[j, 0]))
            pos_out[n, j] = p + offset_m[j]
            vel_out[n, j] = fma(
                mean[i, 5], rotation[j, 2], fma(mean[i, 4], rotation[j, 1], mean[i, 3] * rotation[j, 0])
            )


def hand_over_flights(state: BatteryState, post: str, lost_track: int, new_track: int) -> None:
    """Interceptors flying at a lost track of picture ``post`` take their updates from the new track
    that continues it (:meth:`samsim.sim.command_post.TrackPicture.hand_over`)."""
    for slot in state.flying:
        meta = state.meta[slot]
        if meta.post == post and meta.track == lost_track:
            meta.track = new_track


def fly(plan: FirePlan, state: BatteryState, t: float, dt_s: float) -> list[int]:
    """Fly the battery's interceptors up to ``t``; returns the slots whose flight ended."""
    if not state.flying:
        state.clock_s = t
        return []
    if t > state.clock_s:
        # flyout.advance without its checks (done once per flight: :func:`_launch` aims at a threat
        # of the table), called for every battery with flights at every instant of the run
        flyout.advance_kernel(
            float(state.clock_s),
            float(t),
            float(dt_s),
            state.flight,
            state.truth,
            plan.center_enu_m,
            float(plan.earth_radius_m),
        )
    state.clock_s = t
    slots = np.array(state.flying, dtype=np.int64)
    done = _IS_ENDED[state.flight.status[slots]]
    if not np.any(done):
        return []
    state.flying = slots[~done].tolist()
    return slots[done].tolist()  # type: ignore[no-any-return]


_IS_ENDED = np.isin(np.arange(128), flyout.ENDED)
"""Per flight status code (int8, non-negative): whether the flight has ended."""


class Fleet:
    """Every battery's interceptors, flown together: one compiled call per instant
    (:func:`samsim.models.flyout.advance_many_kernel`) does what :func:`fly` does battery by battery.

    It holds references to the batteries' flight states and threat tables (no copies); after a
    battery's plan or truth table is replaced (a move), :meth:`update` it.
    """

    def __init__(self, plans: list[FirePlan], states: list[BatteryState], dt_s: float):
        self.states = states
        self.dt_s = float(dt_s)  # the flyout's inner step
        n = len(states)
        self._flights: List[flyout.FlyoutState] = List([s.flight for s in states]) if n else List()
        self._truths: List[flyout.ThreatTruth] = (
            List([_kernel_truth(s.truth) for s in states]) if n else List()
        )
        self._centers = np.zeros((n, 3))
        self._radii = np.zeros(n)
        for b in range(n):
            self.update(b, plans[b], states[b])
        slots = sum(s.flight.status.size for s in states)
        self._ended_unit = np.zeros(slots, dtype=np.int64)
        self._ended_slot = np.zeros(slots, dtype=np.int64)
        self._t0 = np.zeros(n)
        self._go = np.zeros(n, dtype=bool)
        # batteries that may have interceptors in flight: only their clocks are kept (the others'
        # are set when they next launch, :meth:`launched`)
        self._active: dict[int, BatteryState] = {b: s for b, s in enumerate(states) if s.flying}
        self._flown_s = -np.inf  # the time :meth:`fly` was last asked for

    def update(self, b: int, plan: FirePlan, state: BatteryState) -> None:
        """Battery ``b``'s frame and threat table, as they are now."""
        self._truths[b] = _kernel_truth(state.truth)
        self._centers[b] = plan.center_enu_m
        self._radii[b] = float(plan.earth_radius_m)

    def launched(self, b: int, t: float) -> None:
        """Battery ``b`` fired at ``t``, the time every battery with interceptors in flight has been
        flown to (call it before the battery's flights are refreshed or flown)."""
        state = self.states[b]
        state.clock_s = t
        self._active[b] = state

    def fly(self, t: float) -> list[tuple[int, int]]:
        """:func:`fly` every battery up to ``t``; returns the ``(battery, slot)`` flights that ended.

        Flying up to ``t`` leaves the clocks of the batteries with nothing in flight behind (nothing
        reads them until the battery fires again: :meth:`launched`)."""
        active = self._active
        if not active or t == self._flown_s:
            # nothing in flight anywhere (no battery's clock is read), or flown up to ``t`` already
            # (a battery that fired since did so at ``t``: its clock is ``t``, :meth:`launched`)
            return []
        self._flown_s = t
        go, t0 = self._go, self._t0
        go.fill(False)
        anything = False
        idle: list[int] = []
        for b, state in active.items():
            if not state.flying:
                idle.append(b)
            elif t > state.clock_s:
                go[b] = anything = True
                t0[b] = state.clock_s
            state.clock_s = t
        for b in idle:
            del active[b]
        if not anything:
            return []
        n = flyout.advance_many_kernel(
            t0,
            float(t),
            self.dt_s,
            self._flights,
            self._truths,
            self._centers,
            self._radii,
            go,
            self._ended_unit,
            self._ended_slot,
        )
        if n == 0:
            return []
        ended = list(zip(self._ended_unit[:n].tolist(), self._ended_slot[:n].tolist(), strict=True))
        done: dict[int, set[int]] = {}
        for b, slot in ended:
            done.setdefault(b, set()).add(slot)
        for b, gone in done.items():
            state = self.states[b]
            state.flying = [s for s in state.flying if s not in gone]
        return ended


def _kernel_truth(truth: flyout.ThreatTruth) -> flyout.ThreatTruth:
    """``truth`` with the types every item of :class:`Fleet`'s typed list shares (a float interval,
    C-ordered float frame arrays); the same arrays where they already are, so writes to ``dead_s``
    are seen."""
    return truth._replace(
        dt_s=float(truth.dt_s),
        rotation=np.ascontiguousarray(truth.rotation, dtype=np.float64),
        origin_m=np.ascontiguousarray(truth.origin_m, dtype=np.float64),
    )


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
    """Remember where the interceptors in flight are and their velocity rows (for
    trajectories.parquet, which takes the speeds of all of them at once)."""
    if state.flying:
        slots = np.array(state.flying, dtype=np.int64)
        recorder.samples.append((t, slots, state.flight.pos_m[slots], state.flight.vel_mps[slots]))
