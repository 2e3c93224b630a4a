"""Compile a validated scenario into the engine's structure-of-arrays world.

The scenario is the friendly layer (named objects, catalog names, optional fields); the world is the
kernel layer: one array per attribute over all threats, all radars, all launchers, with every catalog
figure and default resolved. Nothing here advances time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from samsim.arrays import FloatArray, IntArray
from samsim.catalog import Catalog, RadarSpec, SystemSpec, builtin
from samsim.catalog.signatures import RcsTable
from samsim.geodesy import (
    LocalFrame,
    ecef_to_geodetic,
    frame_map,
    geodetic_to_ecef,
    haversine_m,
    row_norms,
)
from samsim.jit import njit
from samsim.models.motion import GroundHeight, SampledPath, flat_ground
from samsim.models.propagation import SURFACE_DEFAULTS, Surface
from samsim.scenario import DEFAULT_LINK_LATENCY_S, RadarTarget, Scenario
from samsim.sim import flights
from samsim.sim.flights import TABLE_DT_S
from samsim.sim.places import geodetic_of

DEFAULT_COMMAND_ID = "network"
"""Name of the command post that joins a scenario's batteries when it declares none."""


@dataclass(frozen=True)
class Threats:
    """All threat members (groups expanded), one row each."""

    ids: list[str]
    types: list[str]
    group: list[str]
    kind: list[str]
    rcs_m2: FloatArray
    swerling: IntArray
    target_asset: IntArray  # -1: no target asset
    start_s: FloatArray
    end_s: FloatArray
    table_t0_s: FloatArray
    table_n: IntArray
    table_ecef_m: FloatArray  # (n, m, 3), padded with the last sample
    table_alt_m: FloatArray  # (n, m)
    jammer_erp_dbw: FloatArray  # nan: no jammer
    jammer_bandwidth_mhz: FloatArray
    leak_s: FloatArray  # first time inside the target asset's radius, inf if never
    max_speed_mps: FloatArray
    target_radar: IntArray  # (n, 2) battery and radar index an ARM is fired at (its leak: impact); -1
    deception: tuple[Any, ...] = ()  # per threat: its scenario `deception` (repeater jammer) or None
    # Per threat: the catalog's RCS table over aspect and band (shared by members of one type), or None
    # where the threat has none or the scenario gave it a fixed rcs_m2.
    rcs_tables: tuple[RcsTable | None, ...] = ()

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Assets:
    ids: list[str]
    ecef_m: FloatArray
    radius_m: FloatArray
    value: FloatArray


@dataclass(frozen=True)
class Radars:
    """The radars of one battery."""

    types: list[str]
    specs: list[RadarSpec]
    ids: list[str]
    enu_m: FloatArray  # antenna phase centre in the battery frame
    ecef_m: FloatArray
    antenna_height_m: FloatArray  # above the ground under the antenna
    ground_alt_m: FloatArray


@dataclass(frozen=True)
class Launchers:
    """The launchers of one battery; stock[i, k]: missiles of type k on launcher i."""

    types: list[str]
    missile_types: list[str]
    stock: IntArray  # also each launcher's full load: a reload brings it back to this
    enu_m: FloatArray
    launch_interval_s: FloatArray
    reload_s: FloatArray = field(default_factory=lambda: np.zeros(0))  # per launcher, from the reserve


@dataclass(frozen=True)
class CompiledDoctrine:
    """A battery's doctrine with every template default resolved."""

    salvo: int
    policy: str
    weapons: str
    min_pk: float
    high_value_reserve: dict[str, int]  # missile type -> how many are kept for aircraft and ballistic
    reaction_time_s: float
    decision_period_s: float
    kill_assessment_s: float
    emcon: str = "always_on"  # always_on | blink | shutdown_on_arm


@dataclass(frozen=True)
class Site:
    """One stay of a battery at a site: it may radiate and fire from there over [from_s, until_s).

    A battery that moves (the scenario's ``moves``) has one site per move plus the first; the move
    that brought it to a site is ordered at ``move_at_s``, stowed at ``stowed_s``, arrives at
    ``arrived_s`` after ``distance_m`` of road and is deployed (ready) at ``from_s``. Its radars and
    launchers stand at their offsets in the site's ``frame`` (centred on the site).
    """

    frame: LocalFrame
    from_s: float
    until_s: float = math.inf
    move_at_s: float = math.nan  # nan: the first site (no move brought the battery here)
    stowed_s: float = math.nan
    arrived_s: float = math.nan
    distance_m: float = 0.0

    def holds(self, t: float) -> bool:
        """Whether the battery is deployed at this site at ``t``."""
        return self.from_s <= t < self.until_s


@dataclass(frozen=True)
class CompiledBattery:
    """One battery of the world: its frame, radars, launchers, doctrine and system figures."""

    id: str
    system: str
    frame: LocalFrame
    radars: Radars
    launchers: Launchers
    doctrine: CompiledDoctrine
    radiate_from_s: float
    spec: SystemSpec
    autonomous: bool = False  # `command: autonomous`: never part of a command post's network
    reserve: dict[str, int] = field(default_factory=dict)  # missile type -> rounds on the transloaders
    # Where it stands when (the first site's frame is ``frame``, the battery frame); one site if it
    # never moves. Its air picture stays in ``frame``: measurements made elsewhere are converted.
    sites: tuple[Site, ...] = ()

    @cached_property
    def deployments(self) -> tuple[Site, ...]:
        """Its sites (one, from time 0, when it never moves). Made once: the engine asks at every
        cycle (a frozen dataclass keeps a cached property in its instance dict, outside its fields)."""
        return self.sites or (Site(frame=self.frame, from_s=0.0),)

    def site_index(self, t: float) -> int | None:
        """The site it is deployed at at ``t`` (None: on the move)."""
        for i, site in enumerate(self.deployments):
            if site.from_s <= t < site.until_s:  # Site.holds, written out (asked at every cycle)
                return i
        return None

    def at_site(self, site: Site) -> CompiledBattery:
        """The battery standing at ``site``: its frame centred there, radars at their offsets."""
        if site.frame == self.frame:
            return self
        r = self.radars
        radars = Radars(
            types=r.types,
            specs=r.specs,
            ids=r.ids,
            enu_m=r.enu_m,
            ecef_m=site.frame.enu_to_ecef(r.enu_m),
            antenna_height_m=r.antenna_height_m,
            ground_alt_m=np.full(len(r.types), site.frame.alt_m, dtype=np.float64),
        )
        return replace(self, frame=site.frame, radars=radars)

    def from_site_frame(self, t: float, pos_m: FloatArray) -> FloatArray:
        """Points given in the frame of the site the battery stood at at ``t`` (an interceptor
        launched then flies in it), in the battery frame."""
        i = self.site_index(t)
        site = self.deployments[0 if i is None else i]
        if site.frame == self.frame:
            return pos_m
        m, o = frame_map(site.frame, self.frame)
        return np.asarray(pos_m @ m.T + o, np.float64)

    def radar_enu_at(self, k: int, time_s: FloatArray) -> FloatArray:
        """Where radar ``k`` stands at each of ``time_s`` (deployed then), in the battery frame."""
        out = np.tile(self.radars.enu_m[k], (np.size(time_s), 1))
        for site in self.deployments[1:]:
            at = (time_s >= site.from_s) & (time_s < site.until_s)
            m, o = frame_map(site.frame, self.frame)
            out[at] = m @ self.radars.enu_m[k] + o
        return out

    def radar_ecef_at(self, t: float) -> FloatArray:
        """Where its radars are at ``t``, ECEF: at a site; stowing, still at the site it leaves; on
        the march, on the straight line to the next one (by the share of the march done); deploying,
        at the new site."""
        sites = self.deployments
        enu = self.radars.enu_m
        for prev, site in zip(sites[:-1], sites[1:], strict=True):
            if site.stowed_s <= t < site.arrived_s:
                share = (t - site.stowed_s) / (site.arrived_s - site.stowed_s)
                a, b = prev.frame.enu_to_ecef(enu), site.frame.enu_to_ecef(enu)
                return np.asarray(a + share * (b - a), dtype=np.float64)
            if site.arrived_s <= t < site.from_s:
                return np.asarray(site.frame.enu_to_ecef(enu), dtype=np.float64)
        i = max((k for k, s in enumerate(sites) if s.from_s <= t), default=0)
        return np.asarray(sites[i].frame.enu_to_ecef(enu), dtype=np.float64)


@dataclass(frozen=True)
class CompiledCommand:
    """A command post: the batteries it directs, where it stands, its links and when it is lost."""

    id: str
    frame: LocalFrame  # the command post's position: its air picture is kept in this frame
    batteries: tuple[int, ...]  # indices into World.batteries
    link_latency_s: float
    reaction_s: float  # from firm network track to first launch
    lost_s: float  # destroyed or cut off from its batteries from then on (inf: never)


@dataclass(frozen=True)
class World:
    name: str
    seed: int
    duration_s: float
    step_s: float
    refraction_k: float
    frame: LocalFrame
    ground_height: GroundHeight
    horizon_ref_alt_m: float  # the smooth-earth surface for radar horizons (DEM: sea level)
    has_terrain: bool
    terrain: Any  # samsim.models.terrain.Dem or None
    threats: Threats
    assets: Assets
    batteries: list[CompiledBattery] = field(default_factory=list)
    catalog: Catalog = field(default_factory=builtin)  # the scenario's: built-in plus its `catalog:`
    commands: list[CompiledCommand] = field(default_factory=list)
    surface: Surface | None = None  # what reflects and clutters the radars' low beams; None: free space


def _ground_model(scenario: Scenario) -> tuple[GroundHeight, Any]:
    """The ground under threats and sites: the scenario's DEM, or flat at ``ground_alt_m``."""
    if scenario.environment.terrain is not None:
        from samsim.models.terrain import read_dem, sample_height_m  # the DEM loads only when used

        dem = read_dem(str(scenario.terrain_path))
        fallback = scenario.environment.ground_alt_m

        def ground(lat_deg: FloatArray, lon_deg: FloatArray) -> FloatArray:
            h = np.asarray(sample_height_m(dem, lon_deg, lat_deg), dtype=np.float64)
            return np.where(np.isfinite(h), h, fallback)

        return ground, dem
    return flat_ground(scenario.environment.ground_alt_m), None


def _origin(scenario: Scenario, ground: GroundHeight) -> LocalFrame:
    pos = scenario.origin_position()
    assert not pos.is_local
    lat, lon, alt = geodetic_of(pos, LocalFrame(0.0, 0.0, 0.0), ground)
    return LocalFrame(lat, lon, alt)


def _local_up(ecef_m: FloatArray) -> FloatArray:
    """The local vertical (unit, ECEF) at a point: the up row of its ENU frame's rotation."""
    lat, lon, _ = ecef_to_geodetic(ecef_m)
    return np.asarray(LocalFrame(float(lat), float(lon), 0.0).rotation[2], dtype=np.float64)


def _leak_time(
    path: SampledPath, asset_ecef: FloatArray, radius_m: float, up: FloatArray | None = None
) -> float:
    """First time the path is within ``radius_m`` of the asset, measured horizontally (over the
    asset's footprint at any height), linear between samples; inf if never. ``up``: the asset's
    :func:`_local_up`, if the caller has it already."""
    if up is None:
        up = _local_up(asset_ecef)
    rel = path.ecef_m - asset_ecef
    dist = row_norms(rel - np.outer(rel @ up, up))
    inside = np.flatnonzero(dist <= radius_m)
    if inside.size == 0:
        return float("inf")
    k = int(inside[0])
    if k == 0:
        return float(path.time_s[0])
    d0, d1 = dist[k - 1], dist[k]
    frac = (d0 - radius_m) / max(d0 - d1, 1e-12)
    return float(path.time_s[k - 1] + frac * (path.time_s[k] - path.time_s[k - 1]))


def _compile_threats(
    scenario: Scenario,
    cat: Catalog,
    frame: LocalFrame,
    ground: GroundHeight,
    assets: Assets,
    asset_geo: dict[str, tuple[float, float, float]],
    batteries: list[CompiledBattery],
) -> Threats:
    ids: list[str] = []
    types: list[str] = []
    group: list[str] = []
    kinds: list[str] = []
    rcs, swerling, target, start, paths = [], [], [], [], []
    erp, bw, max_speed = [], [], []
    deception: list[Any] = []
    tables: list[RcsTable | None] = []
    asset_index = {a: i for i, a in enumerate(assets.ids)}
    radar_at = {
        (b.id, rid): (b_i, k) for b_i, b in enumerate(batteries) for k, rid in enumerate(b.radars.ids)
    }

    def radars_at(t: float) -> dict[tuple[str, str], tuple[float, float, float]]:
        """Where each radar stands at ``t`` (an ARM flies at the site its radar had at launch)."""
        out = {}
        for key, (b_i, k) in radar_at.items():
            lat, lon, alt = ecef_to_geodetic(batteries[b_i].radar_ecef_at(t)[k])
            out[key] = (float(lat), float(lon), float(alt))
        return out

    moving = any(b.sites for b in batteries)
    context = flights.FlightContext(frame=frame, ground=ground, assets=asset_geo, radars=radars_at(0.0))
    aimed: list[tuple[int, int]] = []
    for threat in scenario.threats:
        spec = cat.threat(threat.type)
        flight = flights.kind_of(threat)
        base_s = flight.first_start_s(threat)
        tgt = flight.target(threat)
        for i, member in enumerate(threat.member_ids()):
            start_s = base_s + i * threat.spacing_s
            ids.append(member)
            types.append(threat.type)
            group.append(threat.id)
            kinds.append(spec.kind)
            rcs.append(threat.rcs_m2 if threat.rcs_m2 is not None else spec.rcs_m2)
            tables.append(spec.rcs_table if threat.rcs_m2 is None else None)
            swerling.append(spec.swerling)
            target.append(asset_index[tgt] if tgt is not None else -1)
            start.append(start_s)
            launch_context = replace(context, radars=radars_at(start_s)) if moving else context
            paths.append(flight.fly(threat, spec, start_s, launch_context))
            jammer = (
                (threat.jammer.erp_dbw, threat.jammer.bandwidth_mhz)
                if threat.jammer
                else (spec.jammer_erp_dbw, spec.jammer_bandwidth_mhz)
            )
            erp.append(np.nan if jammer[0] is None else jammer[0])
            bw.append(np.nan if jammer[1] is None else jammer[1])
            aimed.append(
                radar_at[(threat.target.battery, threat.target.radar)]
                if isinstance(threat.target, RadarTarget)
                else (-1, -1)
            )
            max_speed.append(spec.max_speed_mps)
            deception.append(threat.deception)
    n = len(ids)
    m = max((p.time_s.size for p in paths), default=1)
    table = np.zeros((n, m, 3))
    table_alt = np.zeros((n, m))
    table_n = np.zeros(n, dtype=np.int64)
    leak = np.full(n, np.inf)
    ups: dict[int, FloatArray] = {}  # each target asset's vertical, worked out once
    for i, p in enumerate(paths):
        k = p.time_s.size
        table[i, :k] = p.ecef_m
        table[i, k:] = p.ecef_m[-1]
        table_alt[i, :k] = p.alt_m
        table_alt[i, k:] = p.alt_m[-1]
        table_n[i] = k
        if target[i] >= 0:
            a = target[i]
            up = ups.get(a)
            if up is None:
                up = ups[a] = _local_up(assets.ecef_m[a])
            leak[i] = _leak_time(p, assets.ecef_m[a], float(assets.radius_m[a]), up)
        elif aimed[i][0] >= 0:  # an ARM gets through when it reaches the radar it was fired at
            leak[i] = p.end_s
    return Threats(
        ids=ids,
        types=types,
        group=group,
        kind=kinds,
        rcs_m2=np.array(rcs, dtype=np.float64),
        swerling=np.array(swerling, dtype=np.int64),
        target_asset=np.array(target, dtype=np.int64),
        start_s=np.array(start, dtype=np.float64),
        end_s=np.array([p.end_s for p in paths], dtype=np.float64),
        table_t0_s=np.array([p.start_s for p in paths], dtype=np.float64),
        table_n=table_n,
        table_ecef_m=table,
        table_alt_m=table_alt,
        jammer_erp_dbw=np.array(erp, dtype=np.float64),
        jammer_bandwidth_mhz=np.array(bw, dtype=np.float64),
        leak_s=leak,
        max_speed_mps=np.array(max_speed, dtype=np.float64),
        target_radar=np.array(aimed, dtype=np.int64).reshape(n, 2),
        deception=tuple(deception),
        rcs_tables=tuple(tables),
    )


def _compile_battery(b: object, cat: Catalog, frame: LocalFrame, ground: GroundHeight) -> CompiledBattery:
    from samsim.scenario import Battery as BatteryConfig

    assert isinstance(b, BatteryConfig)
    spec = cat.system(b.system)
    lat, lon, alt = geodetic_of(b.position, frame, ground)
    bframe = LocalFrame(lat, lon, alt)
    radar_cfgs = (
        [(r.type, r.offset_m, r.mast_m) for r in b.radars]
        if b.radars is not None
        else [(r["type"], tuple(r.get("offset_m", (0, 0, 0))), r.get("mast_m")) for r in spec.radars]
    )
    types, specs, rids, enu = [], [], [], []
    for k, (rtype, offset, mast) in enumerate(radar_cfgs):
        rspec = cat.radar(rtype)
        mast_m = rspec.mast_m if mast is None else float(mast)
        types.append(rtype)
        specs.append(rspec)
        rids.append(f"{rtype}" if sum(1 for t, _, _ in radar_cfgs if t == rtype) == 1 else f"{rtype}-{k + 1}")
        enu.append([float(offset[0]), float(offset[1]), float(offset[2]) + mast_m])
    # The site is taken as locally flat: every antenna stands at the battery's ground altitude plus
    # its offset and mast (offsets are a few hundred metres).
    enu_arr = np.array(enu, dtype=np.float64)
    radars = Radars(
        types=types,
        specs=specs,
        ids=rids,
        enu_m=enu_arr,
        ecef_m=bframe.enu_to_ecef(enu_arr),
        antenna_height_m=enu_arr[:, 2].copy(),
        ground_alt_m=np.full(len(types), alt, dtype=np.float64),
    )
    launcher_cfgs = (
        [(lc.type, lc.count, dict(lc.load)) for lc in b.launchers]
        if b.launchers is not None
        else [(lc["type"], int(lc["count"]), dict(lc["load"])) for lc in spec.launchers]
    )
    missile_types: list[str] = []
    for _, _, load in launcher_cfgs:
        for mtype in load:
            if mtype not in missile_types:
                missile_types.append(mtype)
    ltypes: list[str] = []
    stock_rows: list[list[int]] = []
    intervals: list[float] = []
    reloads: list[float] = []
    for ltype, count, load in launcher_cfgs:
        for _ in range(count):
            ltypes.append(ltype)
            stock_rows.append([int(load.get(mt, 0)) for mt in missile_types])
            intervals.append(cat.launcher(ltype).launch_interval_s)
            reloads.append(cat.launcher(ltype).reload_s)
    # Launchers stand in a ring 300 m around the battery position (their layout is not in the
    # scenario format; at engagement ranges of tens of km it does not matter).
    n_l = len(ltypes)
    ang = 2.0 * np.pi * np.arange(n_l) / max(n_l, 1)
    lenu = np.column_stack([300.0 * np.sin(ang), 300.0 * np.cos(ang), np.full(n_l, 2.0)])
    launchers = Launchers(
        types=ltypes,
        missile_types=missile_types,
        stock=np.array(stock_rows, dtype=np.int64).reshape(n_l, len(missile_types)),
        enu_m=lenu,
        launch_interval_s=np.array(intervals, dtype=np.float64),
        reload_s=np.array(reloads, dtype=np.float64),
    )
    d = spec.doctrine
    o = b.doctrine
    doctrine = CompiledDoctrine(
        salvo=int(o.salvo if o.salvo is not None else d["salvo"]),
        policy=str(o.policy if o.policy is not None else d["policy"]),
        weapons=str(o.weapons if o.weapons is not None else d["weapons"]),
        min_pk=float(o.min_pk if o.min_pk is not None else d["min_pk"]),
        high_value_reserve=dict(
            o.high_value_reserve if o.high_value_reserve is not None else d.get("high_value_reserve", {})
        ),
        reaction_time_s=float(o.reaction_time_s if o.reaction_time_s is not None else spec.reaction_time_s),
        decision_period_s=spec.decision_period_s,
        kill_assessment_s=spec.kill_assessment_s,
        emcon=str(o.emcon if o.emcon is not None else d.get("emcon", "always_on")),
    )
    return CompiledBattery(
        id=b.id,
        system=b.system,
        frame=bframe,
        radars=radars,
        launchers=launchers,
        doctrine=doctrine,
        radiate_from_s=b.radiate_from_s,
        spec=spec,
        autonomous=b.command == "autonomous",
        reserve=dict(b.reserve),
        sites=_sites(b, spec, bframe, frame, ground),
    )


def _sites(
    b: Any, spec: SystemSpec, first: LocalFrame, frame: LocalFrame, ground: GroundHeight
) -> tuple[Site, ...]:
    """A battery's sites and the timeline of each move (stow, march over the great-circle distance,
    deploy: the system's catalog figures); validation has checked that moves do not overlap."""
    if not b.moves:
        return ()
    sites = [Site(frame=first, from_s=0.0)]
    for move in b.moves:
        here = sites[-1]
        sites[-1] = replace(here, until_s=move.at_s)
        lat, lon, alt = geodetic_of(move.to, frame, ground)
        distance_m = float(haversine_m(here.frame.lat_deg, here.frame.lon_deg, lat, lon))
        stowed_s, arrived_s, ready_s = spec.move.timeline(move.at_s, distance_m)
        sites.append(
            Site(
                frame=LocalFrame(lat, lon, alt),
                from_s=ready_s,
                move_at_s=move.at_s,
                stowed_s=stowed_s,
                arrived_s=arrived_s,
                distance_m=distance_m,
            )
        )
    return tuple(sites)


def _compile_commands(scenario: Scenario, frame: LocalFrame, ground: GroundHeight) -> list[CompiledCommand]:
    """The scenario's command posts; without any declared, every battery not ``autonomous`` joins one
    integrated defence at the scenario origin (when there are at least two of them: a lone battery is
    its own command post)."""
    index = {b.id: i for i, b in enumerate(scenario.batteries)}
    out: list[CompiledCommand] = []
    for c in scenario.commands:
        lat, lon, alt = (
            geodetic_of(c.position, frame, ground)
            if c.position is not None
            else (
                frame.lat_deg,
                frame.lon_deg,
                frame.alt_m,
            )
        )
        members = (
            c.batteries
            if c.batteries is not None
            else [b.id for b in scenario.batteries if b.command != "autonomous"]
        )
        out.append(
            CompiledCommand(
                id=c.id,
                frame=LocalFrame(lat, lon, alt),
                batteries=tuple(index[m] for m in members),
                link_latency_s=c.link_latency_s,
                reaction_s=c.reaction_s if c.reaction_s is not None else _reaction_s(scenario, members),
                lost_s=min(
                    c.destroyed_s if c.destroyed_s is not None else float("inf"),
                    c.cut_s if c.cut_s is not None else float("inf"),
                ),
            )
        )
    if not scenario.commands:
        members = [b.id for b in scenario.batteries if b.command != "autonomous"]
        if len(members) >= 2:
            out.append(
                CompiledCommand(
                    id=DEFAULT_COMMAND_ID,
                    frame=frame,
                    batteries=tuple(index[m] for m in members),
                    link_latency_s=DEFAULT_LINK_LATENCY_S,
                    reaction_s=_reaction_s(scenario, members),
                    lost_s=float("inf"),
                )
            )
    return out


def _reaction_s(scenario: Scenario, members: list[str]) -> float:
    """A command post's default reaction time: that of the first battery it directs."""
    first = next(b for b in scenario.batteries if b.id == members[0])
    if first.doctrine.reaction_time_s is not None:
        return float(first.doctrine.reaction_time_s)
    return scenario.merged_catalog.system(first.system).reaction_time_s


def compile_world(scenario: Scenario) -> World:
    """Resolve every default and catalog figure of ``scenario`` into arrays (figures from the
    scenario's catalog: the built-in one with its ``catalog:`` changes)."""
    cat = scenario.merged_catalog
    ground, dem = _ground_model(scenario)
    frame = _origin(scenario, ground)
    asset_geo = {a.id: geodetic_of(a.position, frame, ground) for a in scenario.assets}
    assets = Assets(
        ids=[a.id for a in scenario.assets],
        ecef_m=np.array(
            [geodetic_to_ecef(*asset_geo[a.id]) for a in scenario.assets], dtype=np.float64
        ).reshape(-1, 3),
        radius_m=np.array([a.radius_m for a in scenario.assets], dtype=np.float64),
        value=np.array([a.value for a in scenario.assets], dtype=np.float64),
    )
    batteries = [_compile_battery(b, cat, frame, ground) for b in scenario.batteries]
    threats = _compile_threats(scenario, cat, frame, ground, assets, asset_geo, batteries)
    commands = _compile_commands(scenario, frame, ground)
    return World(
        name=scenario.name,
        seed=scenario.seed,
        duration_s=scenario.duration_s,
        step_s=scenario.step_s,
        refraction_k=scenario.environment.refraction_k,
        frame=frame,
        ground_height=ground,
        horizon_ref_alt_m=0.0 if scenario.environment.terrain else scenario.environment.ground_alt_m,
        has_terrain=dem is not None,
        terrain=dem,
        threats=threats,
        assets=assets,
        batteries=batteries,
        catalog=cat,
        commands=commands,
        surface=_surface(scenario),
    )


def _surface(scenario: Scenario) -> Surface | None:
    """The scenario's reflecting surface, its defaults filled in (None: `surface: none`)."""
    env = scenario.environment
    if env.surface == "none":
        return None
    base = SURFACE_DEFAULTS[env.surface]
    return Surface(
        kind=base.kind,
        relative_permittivity=base.relative_permittivity
        if env.relative_permittivity is None
        else env.relative_permittivity,
        conductivity_s_per_m=base.conductivity_s_per_m
        if env.conductivity_s_per_m is None
        else env.conductivity_s_per_m,
        rms_height_m=base.rms_height_m if env.roughness_m is None else env.roughness_m,
        gamma_db=base.gamma_db if env.clutter_gamma_db is None else env.clutter_gamma_db,
    )


def _table_weights(
    threats: Threats, index: IntArray, time_s: FloatArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """Table samples around each (threat, time) pair and the interpolation weight of the second."""
    u = (np.asarray(time_s, dtype=np.float64) - threats.table_t0_s[index]) / TABLE_DT_S
    last = threats.table_n[index] - 1
    u = np.clip(u, 0.0, last.astype(np.float64))
    k0 = np.minimum(np.floor(u).astype(np.int64), np.maximum(last - 1, 0))
    k1 = np.minimum(k0 + 1, last)
    return k0, k1, np.asarray(u - k0, dtype=np.float64)


def positions_ecef(threats: Threats, index: IntArray, time_s: FloatArray) -> FloatArray:
    """True ECEF positions of threats ``index`` at times ``time_s`` (linear between table samples)."""
    if _rows(index, time_s):
        return _kinematics(threats, index, time_s, 1)[0]
    k0, k1, frac = _table_weights(threats, index, time_s)
    p0 = threats.table_ecef_m[index, k0]
    p1 = threats.table_ecef_m[index, k1]
    return np.asarray(p0 + frac[..., None] * (p1 - p0), dtype=np.float64)


def altitudes_m(threats: Threats, index: IntArray, time_s: FloatArray) -> FloatArray:
    """True altitudes above MSL of threats ``index`` at times ``time_s`` (linear between samples)."""
    if _rows(index, time_s):
        return _kinematics(threats, index, time_s, 2)[1]
    k0, k1, frac = _table_weights(threats, index, time_s)
    a0 = threats.table_alt_m[index, k0]
    return np.asarray(a0 + frac * (threats.table_alt_m[index, k1] - a0), dtype=np.float64)


def positions_and_altitudes(
    threats: Threats, index: IntArray, time_s: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """:func:`positions_ecef` and :func:`altitudes_m` of the same pairs, the same floats, from one
    reading of the trajectory tables (a radar's scans need both of every pair)."""
    if _rows(index, time_s):
        pos, alt, _ = _kinematics(threats, index, time_s, 3)
        return pos, alt
    return positions_ecef(threats, index, time_s), altitudes_m(threats, index, time_s)


def velocities_ecef(threats: Threats, index: IntArray, time_s: FloatArray) -> FloatArray:
    """True ECEF velocities of threats ``index`` at times ``time_s``: the slope of the trajectory table
    between the samples around each time (the velocity of :func:`positions_ecef`'s interpolation),
    the first or last leg's outside the table, zero for a one-sample table."""
    if _rows(index, time_s):
        return _kinematics(threats, index, time_s, 4)[2]
    k0, k1, _ = _table_weights(threats, index, time_s)
    return np.asarray(
        (threats.table_ecef_m[index, k1] - threats.table_ecef_m[index, k0]) / TABLE_DT_S, dtype=np.float64
    )


def _rows(index: IntArray, time_s: FloatArray) -> bool:
    """Whether the pairs are two 1-D arrays of one length (the compiled reading's case)."""
    return (
        isinstance(index, np.ndarray)
        and isinstance(time_s, np.ndarray)
        and index.ndim == 1
        and time_s.shape == index.shape
        and index.dtype == np.int64
        and time_s.dtype == np.float64
    )


def _kinematics(
    threats: Threats, index: IntArray, time_s: FloatArray, want: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    return _read_tables(
        threats.table_t0_s,
        threats.table_n,
        threats.table_ecef_m,
        threats.table_alt_m,
        index,
        time_s,
        TABLE_DT_S,
        want,
    )


@njit
def _read_tables(
    t0_s: FloatArray,
    n_samples: IntArray,
    ecef_m: FloatArray,
    alt_m: FloatArray,
    index: IntArray,
    time_s: FloatArray,
    dt_s: float,
    want: int,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The trajectory tables read at (``index``, ``time_s``) pairs, operation for operation as
    :func:`_table_weights` and the NumPy forms above: positions (``want`` & 1), altitudes (& 2),
    velocities (& 4); the others left empty."""
    m = index.size
    pos = np.empty((m if want & 1 else 0, 3))
    alt = np.empty(m if want & 2 else 0)
    vel = np.empty((m if want & 4 else 0, 3))
    for i in range(m):
        j = index[i]
        last = n_samples[j] - 1
        u = (time_s[i] - t0_s[j]) / dt_s
        # np.clip(u, 0, last): NaN stays NaN, -0 becomes +0
        if u <= 0.0:
            u = 0.0
        elif u > float(last):
            u = float(last)
        k0 = min(math.floor(u), max(last - 1, 0))
        k1 = min(k0 + 1, last)
        frac = u - float(k0)
        if want & 1:
            for c in range(3):
                p0 = ecef_m[j, k0, c]
                pos[i, c] = p0 + frac * (ecef_m[j, k1, c] - p0)
        if want & 2:
            a0 = alt_m[j, k0]
            alt[i] = a0 + frac * (alt_m[j, k1] - a0)
        if want & 4:
            for c in range(3):
                vel[i, c] = (ecef_m[j, k1, c] - ecef_m[j, k0, c]) / dt_s
    return pos, alt, vel
