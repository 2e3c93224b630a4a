"""What a battery fights with, fixed for a whole run: missile types with their reach tables, and the
battery's fire-planning geometry (:class:`FirePlan`).

Nothing here changes during a run; the battery's runtime state is :class:`samsim.sim.battery.BatteryState`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np

from samsim import catalog
from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.c2 import intercept
from samsim.c2.doctrine import FirePolicy, SalvoDoctrine, policy
from samsim.constants import G0_MPS2
from samsim.models import flyout, lethality
from samsim.models.motion import GroundHeight
from samsim.sim.sensing import RadarGeometry
from samsim.sim.world import CompiledBattery, World

PROFILE_ALT_M = np.array([1_000.0, 3_000.0, 6_000.0, 10_000.0, 15_000.0, 20_000.0, 25_000.0, 30_000.0])
"""Target altitudes (above the sphere) at which each interceptor's guided reach is tabulated. An
interceptor flies faster and farther in thin air: the 48N6E3 reaches 40 km in 61.8 s against a target
at 1 km and in 33.7 s against one at 20 km (:func:`samsim.models.flyout.reach_profile`), so planning
reads the table at the altitude the target is predicted at (:mod:`samsim.c2.intercept`). Linear
interpolation between these rows is within about 1 s of a table flown at the altitude between them
from 12.5 km up, out to 150 km; lower down, near the range where a lofted shot's reach suddenly grows
(each row has that step at its own time), it is off by up to 8 s (48N6E3 at 4.5 km, 80 km out)."""
PK_RANGE_LOSS = 0.5
PK_SPEED_LOSS = 0.5
REACH_TABLES = Path(__file__).with_name("reach_tables.npz")
"""The built-in catalog's reach tables, flown once by ``make reach-tables`` (:func:`write_reach_tables`)
and shipped (flying them takes about 2 s per missile type); a type whose figures a scenario changes has
its tables flown when first used."""


@dataclass(frozen=True)
class ReachTable:
    """An interceptor's guided reach against stationary points at each of :data:`PROFILE_ALT_M`, on
    one time-of-flight grid.

    ``range_m[a, i]`` is the slant range reached after ``time_s[i]`` against a target at altitude
    ``alt_m[a]`` and ``arrival_mps[a, i]`` the interceptor's speed there (nan after the longest
    flight of all rows). A row whose own flights end sooner (above ~25 km the end game fails at long
    range) goes on as the nearest row in altitude that goes on: its reach by that row's increments
    (continuous, no steeper than the rows), its speeds as that row's. So the table reads at every
    altitude as long as any row does: the end game's own check at the intercept point's altitude, not
    the table's end, then judges the thin air (:func:`samsim.sim.battery._plan_units`)."""

    alt_m: FloatArray
    time_s: FloatArray
    range_m: FloatArray
    arrival_mps: FloatArray


def _ends(table: FloatArray) -> IntArray:
    """Per row of (altitudes, times) ``table``, the number of its leading finite values."""
    finite = np.isfinite(table)
    return np.asarray(np.where(finite.all(axis=1), table.shape[1], np.argmin(finite, axis=1)), np.int64)


def _nearest_longer(ends: IntArray) -> list[tuple[int, int]]:
    """``(row, source)`` pairs that fill every shorter row from the nearest row (by its place in the
    altitudes, the lower on a tie) among those already filled, the longest rows first."""
    done = [int(np.argmax(ends))]
    pairs = []
    for a in sorted(range(ends.size), key=lambda r: (-ends[r], r)):
        if a in done:
            continue
        source = min(done, key=lambda b: (abs(b - a), b))
        pairs.append((a, source))
        done.append(a)
    return pairs


def _filled(reach: FloatArray, arrival: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``reach`` and ``arrival`` (altitudes, times) with each row that ends sooner continued from its
    nearest row that goes on (:func:`_nearest_longer`): its reach by that row's increments
    (continuous, so its slope is never more than the rows' own: the intercept search's skip bound
    rests on it; still non-decreasing), its speeds as that row's."""
    out_r, out_v = reach.copy(), arrival.copy()
    ends = _ends(reach)
    for a, b in _nearest_longer(ends):
        e = int(ends[a])
        base = out_r[a, e - 1] - out_r[b, e - 1] if e > 0 else 0.0
        out_r[a, e:] = out_r[b, e:] + base
        out_v[a, e:] = out_v[b, e:]
    return out_r, out_v


GRID_STEP_S = 0.5
"""The least spacing of a reach table's time nodes: the union of its altitudes' own times (a flight
every 2 km of ground range each) would put them 0.14 s apart (median), and the intercept search steps
through the nodes near a solution one by one."""


def thinned(times: FloatArray, step_s: float = GRID_STEP_S) -> FloatArray:
    """The sorted unique ``times`` without those closer than ``step_s`` to the one kept before them
    (the first and the last kept)."""
    times = np.unique(times)
    keep = [0]
    for i in range(1, times.size - 1):
        if times[i] - times[keep[-1]] >= step_s:
            keep.append(i)
    if times.size > 1:
        if times[-1] - times[keep[-1]] < step_s and len(keep) > 1:
            keep[-1] = times.size - 1
        else:
            keep.append(times.size - 1)
    return times[keep]


def reach_table(params: FloatArray, alt_m: FloatArray = PROFILE_ALT_M) -> ReachTable:
    """:class:`ReachTable` of one interceptor (a row of :func:`samsim.models.flyout.interceptor_params`),
    one :func:`samsim.models.flyout.reach_profile` per altitude resampled onto their time points,
    :func:`thinned` (linear between nodes at least :data:`GRID_STEP_S` apart)."""
    rows = [flyout.reach_profile(params, target_alt_m=float(h)) for h in alt_m]
    grid = thinned(np.concatenate([t for t, _, _ in rows]))
    reach = np.array([np.interp(grid, t, np.maximum.accumulate(r), right=np.nan) for t, r, _ in rows])
    speed = np.array([np.interp(grid, t, v, right=np.nan) for t, _, v in rows])
    return ReachTable(np.asarray(alt_m, np.float64), grid, *_filled(reach, speed))


def table_key(params: FloatArray, alt_m: FloatArray = PROFILE_ALT_M) -> str:
    """What a shipped table is filed under: a digest of the flyout parameters and the altitudes."""
    digest = hashlib.sha256(np.ascontiguousarray(params, np.float64).tobytes())
    digest.update(np.ascontiguousarray(alt_m, np.float64).tobytes())
    return digest.hexdigest()[:20]


@cache
def _shipped() -> dict[str, FloatArray]:
    if not REACH_TABLES.exists():
        return {}
    with np.load(REACH_TABLES) as data:
        return {name: data[name] for name in data.files}


def _shipped_table(params: FloatArray) -> ReachTable | None:
    """The shipped :class:`ReachTable` of these parameters, if there is one."""
    key = table_key(params)
    shipped = _shipped()
    if f"{key}.time_s" not in shipped:
        return None
    return ReachTable(
        PROFILE_ALT_M.copy(),
        shipped[f"{key}.time_s"],
        shipped[f"{key}.range_m"],
        shipped[f"{key}.arrival_mps"],
    )


def write_reach_tables(path: Path = REACH_TABLES) -> list[str]:
    """Fly the reach tables of every interceptor of the built-in catalog and write them to ``path``
    (what ``make reach-tables`` does); returns the interceptors' names."""
    cat = catalog.builtin()
    arrays: dict[str, FloatArray] = {}
    names = cat.names("interceptor")
    for name in names:
        params = _params(cat.interceptor(name))
        table = reach_table(params)
        key = table_key(params)
        arrays[f"{key}.time_s"] = table.time_s
        arrays[f"{key}.range_m"] = table.range_m
        arrays[f"{key}.arrival_mps"] = table.arrival_mps
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **arrays)  # type: ignore[arg-type]
    tmp.replace(path)
    return names


def _params(spec: catalog.InterceptorSpec) -> FloatArray:
    return flyout.interceptor_params(**spec.flyout, max_accel_mps2=spec.max_g * G0_MPS2)


@dataclass(frozen=True)
class WeaponType:
    """A missile type as the command post plans with it."""

    key: str
    spec: catalog.InterceptorSpec
    params: FloatArray
    lethal_radius_m: float
    reach: ReachTable

    @property
    def profile_time_s(self) -> FloatArray:
        """The reach table's time-of-flight grid."""
        return self.reach.time_s


@cache
def weapon_type(spec: catalog.InterceptorSpec) -> WeaponType:
    """Flyout parameters and guided reach tables of an interceptor (computed once per spec: a scenario
    that changes an interceptor's figures gets its own; the built-in catalog's are shipped)."""
    params = _params(spec)
    table = _shipped_table(params)
    return WeaponType(
        key=spec.key,
        spec=spec,
        params=params,
        lethal_radius_m=float(lethality.lethal_radius_m(spec.warhead_kg)),
        reach=reach_table(params) if table is None else table,
    )


def predicted_pk(
    pk_nominal: float | FloatArray, range_fraction: FloatArray, speed_fraction: FloatArray
) -> FloatArray:
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


@dataclass(frozen=True)
class FirePlan:
    """A battery's fixed fire-planning data: its missile types, their reach tables on a common
    time-of-flight grid, where things stand in the battery frame, and its fire policy."""

    battery: CompiledBattery
    types: list[WeaponType]
    profile_time_s: FloatArray  # common time-of-flight grid of the reach tables
    reach_m: FloatArray  # (types, PROFILE_ALT_M, grid) reach (ReachTable.range_m), nan beyond a type's
    arrival_mps: FloatArray  # (types, PROFILE_ALT_M, grid) speed on arrival at those points
    reach_n_ok: IntArray  # (types,) the reach tables' usable lengths (intercept.reach_bounds)
    reach_curves_m: FloatArray  # (types, 3, grid) their rise, envelope and slope across altitudes
    center_enu_m: FloatArray  # the earth's centre in the battery frame
    earth_radius_m: float
    engagement_radar: RadarGeometry | None
    assets_enu_m: FloatArray
    horizon_ref_alt_m: float
    ground_height: GroundHeight  # terrain under an intercept point (minimum altitudes are above ground)
    fire_policy: FirePolicy
    salvo_doctrine: SalvoDoctrine
    flat_ground_m: float | None = None  # the ground's height everywhere when it is flat (no DEM)

    def height_m(self, pos_enu_m: FloatArray) -> FloatArray:
        """Height above the earth's sphere of battery-frame points."""
        return np.asarray(
            np.linalg.norm(pos_enu_m - self.center_enu_m, axis=-1) - self.earth_radius_m, np.float64
        )

    @cached_property
    def table(self) -> TypeTable:
        """The per-type figures fire planning reads every decision cycle, as arrays (built once)."""
        return type_table(self)


@dataclass(frozen=True)
class TypeTable:
    """A fire plan's missile types' planning figures, one entry per type in type order: the catalog
    envelope (the target-speed limit is the tighter of the missile's and the system's), the end
    game's limits from the flyout parameters, and the doctrine's cost and reserve figures."""

    min_range_m: FloatArray
    max_range_m: FloatArray
    min_altitude_m: FloatArray
    max_altitude_m: FloatArray
    max_target_speed_mps: FloatArray
    max_flight_s: FloatArray
    endgame_min_closing_mps: FloatArray
    endgame_min_accel_mps2: FloatArray
    params: FloatArray  # (types, flyout.N_PARAMS)
    pk_nominal: FloatArray
    unit_cost_usd: FloatArray
    home_on_jam: BoolArray
    high_value_reserve: IntArray
    outer_reach_m: float  # the longest catalog maximum range (0 without types)
    table_reach_m: float  # the farthest reach of the reach tables at any altitude (0 without types)
    table_time_s: float  # their last time of flight


def type_table(plan: FirePlan) -> TypeTable:
    """:class:`TypeTable` of ``plan``'s missile types."""
    specs = [w.spec for w in plan.types]
    reserve = plan.battery.doctrine.high_value_reserve
    params = np.array([w.params for w in plan.types], dtype=np.float64).reshape(len(specs), flyout.N_PARAMS)
    reach = plan.reach_m.ravel()
    return TypeTable(
        min_range_m=np.array([s.min_range_m for s in specs], dtype=np.float64),
        max_range_m=np.array([s.max_range_m for s in specs], dtype=np.float64),
        min_altitude_m=np.array([s.min_altitude_m for s in specs], dtype=np.float64),
        max_altitude_m=np.array([s.max_altitude_m for s in specs], dtype=np.float64),
        max_target_speed_mps=np.minimum(
            np.array([s.max_target_speed_mps for s in specs], dtype=np.float64),
            plan.battery.spec.max_target_speed_mps,
        ),
        max_flight_s=params[:, flyout.P_MAX_FLIGHT_S].copy(),
        endgame_min_closing_mps=params[:, flyout.P_ENDGAME_MIN_CLOSING_MPS].copy(),
        endgame_min_accel_mps2=params[:, flyout.P_ENDGAME_MIN_ACCEL_MPS2].copy(),
        params=params,
        pk_nominal=np.array([s.pk_nominal for s in specs], dtype=np.float64),
        unit_cost_usd=np.array([s.unit_cost_usd for s in specs], dtype=np.float64),
        home_on_jam=np.array([s.home_on_jam for s in specs], dtype=bool),
        high_value_reserve=np.array([reserve.get(w.key, 0) for w in plan.types], dtype=np.int64),
        outer_reach_m=max((s.max_range_m for s in specs), default=0.0),
        table_reach_m=float(np.nanmax(reach, initial=0.0)) if reach.size else 0.0,
        table_time_s=float(plan.profile_time_s[-1]),
    )


def fire_plan(world: World, battery: CompiledBattery, geometry: list[RadarGeometry]) -> FirePlan:
    """The fire plan of ``battery`` in ``world`` (``geometry``: its radars, in order)."""
    types = [weapon_type(world.catalog.interceptor(k)) for k in battery.launchers.missile_types]
    grid = np.unique(np.concatenate([w.profile_time_s for w in types])) if types else np.zeros(1)
    n_alt = PROFILE_ALT_M.size

    def on_grid(table: FloatArray, w: WeaponType) -> FloatArray:
        return np.array([np.interp(grid, w.profile_time_s, row, right=np.nan) for row in table])

    reach = np.array([on_grid(w.reach.range_m, w) for w in types]).reshape(len(types), n_alt, grid.size)
    arrival = np.array([on_grid(w.reach.arrival_mps, w) for w in types]).reshape(reach.shape)
    n_ok, curves = intercept.reach_bounds(grid, PROFILE_ALT_M, reach)
    roles = [g.spec.role for g in geometry]
    center = battery.frame.earth_center_enu_m
    d = battery.doctrine
    return FirePlan(
        battery=battery,
        types=types,
        profile_time_s=grid,
        reach_m=reach,
        arrival_mps=arrival,
        reach_n_ok=n_ok,
        reach_curves_m=curves,
        center_enu_m=center,
        earth_radius_m=float(np.linalg.norm(center) - battery.frame.alt_m),
        engagement_radar=geometry[roles.index("engagement")] if "engagement" in roles else None,
        assets_enu_m=battery.frame.ecef_to_enu(world.assets.ecef_m).reshape(-1, 3),
        horizon_ref_alt_m=world.horizon_ref_alt_m,
        ground_height=world.ground_height,
        fire_policy=policy(d.policy),
        salvo_doctrine=SalvoDoctrine(salvo=d.salvo, kill_assessment_s=d.kill_assessment_s),
        # without a DEM the world's ground is flat at its horizon reference altitude
        flat_ground_m=None if world.has_terrain else float(world.horizon_ref_alt_m),
    )
