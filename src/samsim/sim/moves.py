"""Battery relocation: what changes when a battery leaves one site and deploys at another.

A battery with ``moves`` stands at a sequence of sites (:class:`~samsim.sim.world.Site`). Ordered to
move at ``at_s``, it stops radiating and firing at once (its radars are silent for the whole move,
:class:`~samsim.sim.emitters.Emitters`), stows, marches and deploys at the new site; from then on its
radars and launchers stand there. Its air picture stays in the battery frame (the first site's):
scans made elsewhere are converted through ECEF (:func:`samsim.sim.sensing.scan_radar`), and its fire
plan, which measures every intercept from the battery at its frame's origin, is rebuilt at the site,
with the picture's tracks taken to the site frame by the fire unit's frame map (as a command post's
tracks are). Interceptors fly in the frame of the site they were launched from.
"""

from __future__ import annotations

import numpy as np

from samsim.geodesy import frame_map
from samsim.sim.battery import FireUnit, initial_state
from samsim.sim.command_post import BatteryRuntime, TrackPicture
from samsim.sim.sensing import RadarGeometry, radar_geometry
from samsim.sim.weapons import fire_plan
from samsim.sim.world import CompiledBattery, Site, World

MOVE_START, MOVE_END = 0, 1


def move_instants(world: World) -> list[tuple[float, int, int, int]]:
    """``(time, battery, site, MOVE_START | MOVE_END)`` of every move: ordered to the site, ready there."""
    out = []
    for b, bat in enumerate(world.batteries):
        for i, site in enumerate(bat.sites[1:], start=1):
            out.append((site.move_at_s, b, i, MOVE_START))
            out.append((site.from_s, b, i, MOVE_END))
    return out


def picture_geometry(world: World, battery: CompiledBattery, site: Site) -> list[RadarGeometry]:
    """The battery's radars at ``site`` as its own picture sees them: positions in the battery frame,
    antenna heights at the site (what decides whether a scan could see a track)."""
    at_site = battery.at_site(site)
    m, o = frame_map(site.frame, battery.frame)
    out = []
    for k in range(len(battery.radars.ids)):
        g = radar_geometry(world, at_site, k)
        out.append(
            RadarGeometry(
                enu_m=np.asarray(m @ g.enu_m + o, np.float64),
                spec=g.spec,
                antenna_height_m=g.antenna_height_m,
                refraction_k=g.refraction_k,
            )
        )
    return out


def resite(world: World, rt: BatteryRuntime, site: Site) -> None:
    """Deploy battery ``rt`` at ``site``: its fire plan from there, the threats' truth in the site
    frame (for the interceptors' terminal homing; deaths already known are kept), the picture's view
    of its radars from there."""
    battery = rt.battery
    at_site = battery.at_site(site)
    rt.plan = fire_plan(
        world, at_site, [radar_geometry(world, at_site, k) for k in range(len(battery.radars.ids))]
    )
    dead_s = rt.state.truth.dead_s.copy()
    rt.state.truth = initial_state(world, at_site).truth
    rt.state.truth.dead_s[:] = dead_s
    rt.geometry[:] = picture_geometry(world, battery, site)


def own_unit(rt: BatteryRuntime, site: Site | None) -> FireUnit:
    """The battery as a fire unit of its own picture: picture frame to the site's frame (no map at
    the first site, where the two are one)."""
    if site is None or site.frame == rt.battery.frame:
        return FireUnit(rt.plan, rt.state, rt.recorder)
    rot, off = frame_map(rt.battery.frame, site.frame)
    return FireUnit(rt.plan, rt.state, rt.recorder, rotation=rot, offset_m=off)


def resite_in_post(
    post: TrackPicture, units: list[FireUnit], rt: BatteryRuntime, first_radar: int, site: Site
) -> None:
    """A command post's view of member ``rt`` after it deployed at ``site``: the member's fire unit
    (its new plan, post frame to the site frame) and its radars' positions in the post frame."""
    for unit in units:
        if unit.state is rt.state:
            unit.plan = rt.plan
            unit.rotation, unit.offset_m = frame_map(post.frame, site.frame)
    m, o = frame_map(rt.battery.frame, post.frame)
    for k, g in enumerate(rt.geometry):
        post.geometry[first_radar + k] = RadarGeometry(
            enu_m=np.asarray(m @ g.enu_m + o, np.float64),
            spec=g.spec,
            antenna_height_m=g.antenna_height_m,
            refraction_k=g.refraction_k,
        )
