"""Flight kinds: how a threat of the scenario becomes a sampled trajectory.

Each kind is selected by one block of a scenario threat (``route:``, ``ballistic:``, ...) and turns it
into a :class:`~samsim.models.motion.SampledPath` with the models of :mod:`samsim.models`. To add a
kind (a homing missile, a decoy, an orbit), write one module in this package that calls
:func:`register` with a :class:`FlightKind`, and add its block to the scenario schema; every module of
the package is loaded when it is imported, so nothing else changes (docs/architecture.md).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from samsim.catalog import ThreatSpec
from samsim.geodesy import LocalFrame
from samsim.models.motion import GroundHeight, SampledPath
from samsim.registry import Registry
from samsim.scenario import Threat

TABLE_DT_S = 0.5
"""Sampling interval of threat trajectory tables; positions in between are linear in ECEF."""


@dataclass(frozen=True)
class FlightContext:
    """What every flight kind may need beyond the threat itself."""

    frame: LocalFrame  # the scenario's local frame (local positions are relative to it)
    ground: GroundHeight  # terrain height under a point
    assets: dict[str, tuple[float, float, float]]  # asset id -> (lat, lon, alt MSL)
    dt_s: float = TABLE_DT_S
    # (battery id, radar id: its type when unique) -> the antenna's (lat, lon, alt MSL): what an ARM flies at
    radars: dict[tuple[str, str], tuple[float, float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class FlightKind:
    """One way of flying.

    Attributes
    ----------
    name
        The kind's name (also the scenario block that selects it unless ``scenario_field`` says).
    scenario_field
        The threat field whose presence selects this kind.
    first_start_s
        When the group's first member starts (members follow at ``spacing_s``).
    target
        The asset the threat flies at (its leak is measured against it), or None.
    fly
        ``(threat, spec, start_s, context) -> SampledPath`` for one member starting at ``start_s``.
    """

    name: str
    scenario_field: str
    first_start_s: Callable[[Threat], float]
    target: Callable[[Threat], str | None]
    fly: Callable[[Threat, ThreatSpec, float, FlightContext], SampledPath]


FLIGHT_KINDS: Registry[str, FlightKind] = Registry("flight kind")


def register(kind: FlightKind) -> FlightKind:
    """Make a flight kind available to the compiler."""
    return FLIGHT_KINDS.add(kind.name, kind)


def kind_of(threat: Threat) -> FlightKind:
    """The flight kind whose scenario block the threat gives (validation ensures exactly one)."""
    for kind in FLIGHT_KINDS.values():
        if getattr(threat, kind.scenario_field, None) is not None:
            return kind
    raise ValueError(f"threat {threat.id!r} gives no flight ({', '.join(FLIGHT_KINDS)})")


for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
