"""The engine's extension points: flight kinds and sensor kinds are looked up, not hard-coded."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from samsim import catalog, loads
from samsim.arrays import FloatArray
from samsim.catalog import RadarSpec
from samsim.sim import flights, sensors
from samsim.sim.sensing import RadarScans
from samsim.sim.world import World, compile_world

SCENARIO = """
samsim: 1
name: registries
duration_s: 120
assets: [{id: city, position: {lat_deg: 40.0, lon_deg: 33.0, alt_m: 900}}]
batteries: [{id: b1, system: S-400, position: {lat_deg: 40.0, lon_deg: 32.8, alt_m: 900}}]
threats:
  - id: f16
    type: F-16C
    target: city
    route:
      - {lat_deg: 40.0, lon_deg: 31.0, alt_m: 8000, speed_mps: 250}
      - {lat_deg: 40.0, lon_deg: 33.0, alt_m: 8000}
  - id: srbm
    type: Iskander-M
    ballistic: {launch: {lat_deg: 38.0, lon_deg: 35.0}, impact_on: city, launch_s: 10}
"""


def test_each_threat_flies_by_the_kind_its_block_names() -> None:
    sc = loads(SCENARIO)
    assert {"route", "ballistic"} <= set(flights.FLIGHT_KINDS)
    kinds = [flights.kind_of(t) for t in sc.threats]
    assert [k.name for k in kinds] == ["route", "ballistic"]
    assert kinds[1].first_start_s(sc.threats[1]) == 10.0
    assert kinds[1].target(sc.threats[1]) == "city"
    with pytest.raises(ValueError, match="already registered"):
        flights.register(kinds[0])


def test_sensors_scan_through_the_kind_registered_for_their_spec_type() -> None:
    world = compile_world(loads(SCENARIO))
    calls: list[tuple[int, int]] = []

    @dataclass(frozen=True)
    class TracingRadarSpec(RadarSpec):
        """A radar spec of a new type: the registry must route it to its own scan function."""

    def traced_scan(
        w: World, b: int, k: int, times: FloatArray, rng: np.random.Generator, killed_s: FloatArray | None
    ) -> RadarScans:
        calls.append((b, k))
        return sensors.SENSOR_KINDS[RadarSpec](w, b, k, times, rng, killed_s)

    sensors.sensor_kind(TracingRadarSpec)(traced_scan)
    try:
        radars = world.batteries[0].radars
        spec = radars.specs[0]
        traced = TracingRadarSpec(**{f: getattr(spec, f) for f in spec.__dataclass_fields__})
        radars.specs[0] = traced
        times = np.arange(0.0, world.duration_s, spec.revisit_s)
        scans = sensors.scan_sensor(world, 0, 0, times, np.random.default_rng(1))
        radars.specs[0] = spec
        plain = sensors.scan_sensor(world, 0, 0, times, np.random.default_rng(1))
    finally:
        del sensors.SENSOR_KINDS[TracingRadarSpec]
    assert calls == [(0, 0)]
    np.testing.assert_array_equal(scans.time_s, plain.time_s)
    np.testing.assert_array_equal(scans.truth, plain.truth)


def test_a_sensor_without_a_registered_kind_is_refused() -> None:
    world = compile_world(loads(SCENARIO))

    @dataclass(frozen=True)
    class UnknownSpec:
        key: str

    world.batteries[0].radars.specs[0] = UnknownSpec("x")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="unknown sensor kind UnknownSpec"):
        sensors.scan_sensor(world, 0, 0, np.zeros(1), np.random.default_rng(0))
    assert catalog.radar("91N6E").key == "91N6E"  # the catalog itself is untouched
