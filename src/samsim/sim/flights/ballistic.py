"""Ballistic flight: boost, drag and gravity from the launch point to the impact, shaped by the
scenario's `profile` or apogee, with the type's terminal weave
(:func:`samsim.models.ballistic.fly_ballistic`).

A type whose catalog entry gives no motor (a threat a scenario makes ballistic) flies the drag-free arc.
"""

from __future__ import annotations

from samsim.catalog import ThreatSpec
from samsim.models.ballistic import (
    BallisticMissile,
    ShotError,
    ShotPoints,
    TerminalWeave,
    ballistic_missile,
    fly_ballistic,
)
from samsim.models.motion import SampledPath
from samsim.scenario import Threat
from samsim.sim.flights import FlightContext, FlightKind, register


def missile_of(spec: ThreatSpec) -> BallisticMissile | None:
    """The powered model's record of a catalog type, or None when the type gives no motor."""
    boost = spec.boost
    return None if boost is None else ballistic_missile(**boost)


def weave_of(threat: Threat, spec: ThreatSpec) -> TerminalWeave | None:
    """The terminal weave: the scenario's `maneuver`, else the type's, or None."""
    g, period = (
        (threat.maneuver.g, threat.maneuver.period_s)
        if threat.maneuver is not None
        else (spec.terminal_g, spec.terminal_period_s)
    )
    if g <= 0.0 or period <= 0.0:
        return None
    return TerminalWeave(g=g, period_s=period, below_alt_m=spec.terminal_alt_m)


def _fly(threat: Threat, spec: ThreatSpec, start_s: float, ctx: FlightContext) -> SampledPath:
    b = threat.ballistic
    assert b is not None
    if b.impact_on is not None:
        lat2, lon2, alt2 = ctx.assets[b.impact_on]
    else:
        assert b.impact is not None
        lat2, lon2, alt2 = b.impact.lat_deg, b.impact.lon_deg, b.impact.alt_m
    points = ShotPoints(b.launch.lat_deg, b.launch.lon_deg, b.launch.alt_m, lat2, lon2, alt2)
    try:
        return fly_ballistic(
            points,
            missile=missile_of(spec),
            profile=b.shape,
            apogee_m=b.apogee_m,
            launch_s=start_s,
            dt_s=ctx.dt_s,
            weave=weave_of(threat, spec),
        )
    except ShotError as exc:
        # validation refuses such shots; only a terrain height it could not see can bring one here
        raise ShotError(f"threat {threat.id!r}: {exc}") from None


def _target(threat: Threat) -> str | None:
    assert threat.ballistic is not None
    return threat.target if isinstance(threat.target, str) else threat.ballistic.impact_on


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
