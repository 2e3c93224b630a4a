"""What a battery fights with, fixed for a whole run: missile types with their reach tables, and the
battery's fire-planning geometry (:class:`FirePlan`).

Nothing here changes during a run; the battery's runtime state is :class:`samsim.sim.battery.BatteryState`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np

from samsim import catalog
from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.c2.doctrine import FirePolicy, SalvoDoctrine, policy
from samsim.constants import G0_MPS2
from samsim.models import flyout, lethality
from samsim.models.motion import GroundHeight
from samsim.sim.sensing import RadarGeometry
from samsim.sim.world import CompiledBattery, World

LOW_PROFILE_ALT_M = 1_000.0
HIGH_PROFILE_ALT_M = 10_000.0
PK_RANGE_LOSS = 0.5
PK_SPEED_LOSS = 0.5


@dataclass(frozen=True)
class WeaponType:
    """A missile type as the command post plans with it."""

    key: str
    spec: catalog.InterceptorSpec
    params: FloatArray
    lethal_radius_m: float
    profile_time_s: FloatArray
    profile_low_m: FloatArray  # reach r(t) against a low target (nan beyond the table)
    profile_high_m: FloatArray
    arrival_low_mps: FloatArray  # the interceptor's speed on arriving at that reach
    arrival_high_mps: FloatArray


@cache
def weapon_type(spec: catalog.InterceptorSpec) -> WeaponType:
    """Flyout parameters and guided reach tables of an interceptor (computed once per spec: a scenario
    that changes an interceptor's figures gets its own)."""
    params = flyout.interceptor_params(**spec.flyout, max_accel_mps2=spec.max_g * G0_MPS2)
    t_lo, r_lo, v_lo = flyout.reach_profile(params, target_alt_m=LOW_PROFILE_ALT_M)
    t_hi, r_hi, v_hi = flyout.reach_profile(params, target_alt_m=HIGH_PROFILE_ALT_M)
    grid = np.union1d(t_lo, t_hi)
    return WeaponType(
        key=spec.key,
        spec=spec,
        params=params,
        lethal_radius_m=float(lethality.lethal_radius_m(spec.warhead_kg)),
        profile_time_s=grid,
        profile_low_m=np.interp(grid, t_lo, np.maximum.accumulate(r_lo), right=np.nan),
        profile_high_m=np.interp(grid, t_hi, np.maximum.accumulate(r_hi), right=np.nan),
        arrival_low_mps=np.interp(grid, t_lo, v_lo, right=np.nan),
        arrival_high_mps=np.interp(grid, t_hi, v_hi, right=np.nan),
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
    reach_low_m: FloatArray  # (types, grid) reach against low targets, nan beyond a type's table
    reach_high_m: FloatArray
    arrival_low_mps: FloatArray  # (types, grid) speed on arrival at the reach tables' points
    arrival_high_mps: FloatArray
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
    table_reach_m: float  # the farthest reach of the reach tables, low or high (0 without types)
    table_time_s: float  # their last time of flight


def type_table(plan: FirePlan) -> TypeTable:
    """:class:`TypeTable` of ``plan``'s missile types."""
    specs = [w.spec for w in plan.types]
    reserve = plan.battery.doctrine.high_value_reserve
    params = np.array([w.params for w in plan.types], dtype=np.float64).reshape(len(specs), flyout.N_PARAMS)
    reach = np.concatenate([plan.reach_low_m.ravel(), plan.reach_high_m.ravel()])
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
    low = np.array([np.interp(grid, w.profile_time_s, w.profile_low_m, right=np.nan) for w in types])
    high = np.array([np.interp(grid, w.profile_time_s, w.profile_high_m, right=np.nan) for w in types])
    roles = [g.spec.role for g in geometry]
    center = battery.frame.earth_center_enu_m
    d = battery.doctrine
    return FirePlan(
        battery=battery,
        types=types,
        profile_time_s=grid,
        reach_low_m=low.reshape(len(types), grid.size),
        reach_high_m=high.reshape(len(types), grid.size),
        arrival_low_mps=np.array(
            [np.interp(grid, w.profile_time_s, w.arrival_low_mps, right=np.nan) for w in types]
        ).reshape(len(types), grid.size),
        arrival_high_mps=np.array(
            [np.interp(grid, w.profile_time_s, w.arrival_high_mps, right=np.nan) for w in types]
        ).reshape(len(types), grid.size),
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
