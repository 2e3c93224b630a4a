"""Sensor kinds: how each kind of catalog sensor turns a run into timed measurements.

A kind is keyed by the type of its catalog spec (:class:`samsim.catalog.RadarSpec` for radars) and
evaluates the scans of one sensor of one battery at given scan times
(:class:`~samsim.sim.sensing.RadarScans`); the engine asks for them a window at a time, just ahead of
its loop (:mod:`samsim.sim.scan_windows`).
To add a kind (a passive receiver, an IRST), give it a spec type in the catalog and register its scan
function here with :func:`sensor_kind` (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from samsim.arrays import FloatArray
from samsim.catalog import RadarSpec
from samsim.registry import Registry
from samsim.sim.sensing import RadarScans, scan_window
from samsim.sim.world import World

ScanFunction = Callable[[World, int, int, FloatArray, np.random.Generator, FloatArray | None], RadarScans]
"""``(world, battery index, sensor index, scan times, random stream, kill time of each threat or None)
-> the scans of that sensor at those times`` (a threat killed before a scan is not in it)."""

SENSOR_KINDS: Registry[type, ScanFunction] = Registry("sensor kind")
"""Catalog spec type -> the scan function of sensors of that type."""
sensor_kind = SENSOR_KINDS.register
"""Register the scan function of the sensors whose catalog spec is of a type: ``@sensor_kind(Spec)``."""

sensor_kind(RadarSpec)(scan_window)


def scan_sensor(
    world: World,
    battery: int,
    sensor: int,
    time_s: FloatArray,
    rng: np.random.Generator,
    killed_s: FloatArray | None = None,
) -> RadarScans:
    """The scans at ``time_s`` of sensor ``sensor`` of battery ``battery``, by its kind's scan function."""
    spec = world.batteries[battery].radars.specs[sensor]
    return SENSOR_KINDS.lookup(type(spec))(world, battery, sensor, time_s, rng, killed_s)
