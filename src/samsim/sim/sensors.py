"""Sensor kinds: how each kind of catalog sensor turns a run into timed measurements.

A kind is keyed by the type of its catalog spec (:class:`samsim.catalog.RadarSpec` for radars) and
evaluates every scan of one sensor of one battery up front (:class:`~samsim.sim.sensing.RadarScans`).
To add a kind (a passive receiver, an IRST), give it a spec type in the catalog and register its scan
function here with :func:`sensor_kind` (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from samsim.catalog import RadarSpec
from samsim.registry import Registry
from samsim.sim.sensing import RadarScans, scan_radar
from samsim.sim.world import World

ScanFunction = Callable[[World, int, int, np.random.Generator], RadarScans]
"""``(world, battery index, sensor index, random stream) -> every scan of that sensor``."""

SENSOR_KINDS: Registry[type, ScanFunction] = Registry("sensor kind")
"""Catalog spec type -> the scan function of sensors of that type."""
sensor_kind = SENSOR_KINDS.register
"""Register the scan function of the sensors whose catalog spec is of a type: ``@sensor_kind(Spec)``."""

sensor_kind(RadarSpec)(scan_radar)


def scan_sensor(world: World, battery: int, sensor: int, rng: np.random.Generator) -> RadarScans:
    """Every scan of sensor ``sensor`` of battery ``battery``, by its kind's scan function."""
    spec = world.batteries[battery].radars.specs[sensor]
    return SENSOR_KINDS.lookup(type(spec))(world, battery, sensor, rng)
