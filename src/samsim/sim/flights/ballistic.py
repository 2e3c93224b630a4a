"""Ballistic flight: from the launch point to the impact through an apogee
(:func:`samsim.models.ballistic.fly_ballistic`)."""

from __future__ import annotations

from samsim.catalog import ThreatSpec
from samsim.models.ballistic import fly_ballistic
from samsim.models.motion import SampledPath
from samsim.scenario import Threat
from samsim.sim.flights import FlightContext, FlightKind, register


def _fly(threat: Threat, spec: ThreatSpec, start_s: float, ctx: FlightContext) -> SampledPath:
    b = threat.ballistic
    assert b is not None
    if b.impact_on is not None:
        lat2, lon2, alt2 = ctx.assets[b.impact_on]
    else:
        assert b.impact is not None
        lat2, lon2, alt2 = b.impact.lat_deg, b.impact.lon_deg, b.impact.alt_m
    return fly_ballistic(
        b.launch.lat_deg,
        b.launch.lon_deg,
        lat2,
        lon2,
        b.apogee_m if b.apogee_m is not None else spec.apogee_m,
        launch_s=start_s,
        dt_s=ctx.dt_s,
        launch_alt_m=b.launch.alt_m,
        impact_alt_m=alt2,
    )


def _target(threat: Threat) -> str | None:
    assert threat.ballistic is not None
    return threat.target if threat.target is not None else threat.ballistic.impact_on


def _first_start_s(threat: Threat) -> float:
    assert threat.ballistic is not None
    return threat.ballistic.launch_s


BALLISTIC = register(
    FlightKind(
        name="ballistic",
        scenario_field="ballistic",
        first_start_s=_first_start_s,
        target=_target,
        fly=_fly,
    )
)
