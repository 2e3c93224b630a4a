"""Anti-radiation missile flight: from its launch point to the antenna of the radar it was fired at,
level then in a straight dive (:func:`samsim.models.arm.dive_profile`).

A radar does not move while it radiates, so the path to its site is known before the run; what the run
decides is the outcome at impact (:mod:`samsim.sim.emitters`): whether the radar was still radiating,
or where the missile's memory or terminal seeker put it.
"""

from __future__ import annotations

import numpy as np

from samsim.catalog import ThreatSpec
from samsim.geodesy import geodesic_direct, geodesic_inverse, geodetic_to_ecef
from samsim.models.arm import dive_profile
from samsim.models.motion import SampledPath
from samsim.scenario import RadarTarget, Threat
from samsim.sim.flights import FlightContext, FlightKind, register

DEFAULT_DIVE_DEG = 30.0
"""Dive angle of a type whose catalog entry gives none (the AGM-88 entries' assumed figure)."""


def _fly(threat: Threat, spec: ThreatSpec, start_s: float, ctx: FlightContext) -> SampledPath:
    assert threat.launch is not None and isinstance(threat.target, RadarTarget)
    launch = threat.launch
    lat_t, lon_t, alt_t = ctx.radars[(threat.target.battery, threat.target.radar)]
    azimuth, _, range_m = geodesic_inverse(launch.lat_deg, launch.lon_deg, lat_t, lon_t)
    speed = launch.speed_mps if launch.speed_mps is not None else spec.cruise_speed_mps
    profile = dive_profile(
        max(float(range_m), 1.0),
        launch.alt_m,
        alt_t,
        speed,
        spec.dive_deg if spec.dive_deg > 0.0 else DEFAULT_DIVE_DEG,
        ctx.dt_s,
    )
    lat, lon, _ = geodesic_direct(launch.lat_deg, launch.lon_deg, float(azimuth), profile.ground_m)
    lat, lon = np.asarray(lat, np.float64), np.asarray(lon, np.float64)
    lat[-1], lon[-1] = lat_t, lon_t  # impact on the antenna itself
    return SampledPath(
        time_s=start_s + profile.time_s,
        lat_deg=lat,
        lon_deg=lon,
        alt_m=profile.alt_m,
        ecef_m=geodetic_to_ecef(lat, lon, profile.alt_m),
    )


ARM = register(
    FlightKind(
        name="arm",
        scenario_field="launch",
        first_start_s=lambda threat: threat.start_s,
        target=lambda threat: None,
        fly=_fly,
    )
)
