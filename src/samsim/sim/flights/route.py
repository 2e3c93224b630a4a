"""Route flight: waypoints with speed and altitude legs, climb and turn limits, terrain following and
weaving (:func:`samsim.models.motion.fly_route`)."""

from __future__ import annotations

from samsim.catalog import ThreatSpec
from samsim.models.motion import SampledPath, fly_route
from samsim.scenario import Position, Threat
from samsim.sim.flights import FlightContext, FlightKind, register
from samsim.sim.places import geodetic_of

DEFAULT_ALTITUDE_M = 1000.0
"""Height of a route whose first waypoint gives none and whose type has no cruise altitude."""


def _fly(threat: Threat, spec: ThreatSpec, start_s: float, ctx: FlightContext) -> SampledPath:
    assert threat.route is not None
    lat, lon, alt, speed, agl = [], [], [], [], []
    # A waypoint without altitude or speed keeps the previous leg's (the type's cruise at the start).
    last_alt = spec.cruise_altitude_m if spec.cruise_altitude_m > 0 else DEFAULT_ALTITUDE_M
    last_agl = True
    last_speed = spec.cruise_speed_mps
    for wp in threat.route:
        la, lo, _ = geodetic_of(
            wp.model_copy(update={"alt_m": 0.0, "up_m": 0.0})
            if wp.is_local
            else Position(lat_deg=wp.lat_deg, lon_deg=wp.lon_deg, alt_m=0.0),
            ctx.frame,
            ctx.ground,
        )
        height = wp.up_m if wp.is_local else wp.alt_m
        if height is not None:
            last_alt, last_agl = height, wp.agl
        if wp.speed_mps is not None:
            last_speed = wp.speed_mps
        lat.append(la)
        lon.append(lo)
        alt.append(last_alt)
        agl.append(last_agl)
        speed.append(last_speed)
    weave_g = threat.maneuver.g if threat.maneuver is not None else 0.0
    weave_period = threat.maneuver.period_s if threat.maneuver is not None else 0.0
    return fly_route(
        lat,
        lon,
        alt,
        speed,
        agl,
        start_s=start_s,
        dt_s=ctx.dt_s,
        climb_rate_mps=spec.climb_rate_mps,
        max_g=spec.max_g,
        ground_height=ctx.ground,
        weave_g=weave_g,
        weave_period_s=weave_period,
    )


ROUTE = register(
    FlightKind(
        name="route",
        scenario_field="route",
        first_start_s=lambda threat: threat.start_s,
        target=lambda threat: threat.target if isinstance(threat.target, str) else None,
        fly=_fly,
    )
)
