"""Compiling scenarios into arrays: groups, leak times, defaults."""

from __future__ import annotations

import numpy as np
import pytest

from samsim import loads
from samsim.sim.world import compile_world, positions_ecef

GROUP = """\
samsim: 1
name: groups
duration_s: 2000
environment: {ground_alt_m: 800}
assets:
  - {id: city, position: {lat_deg: 40.0, lon_deg: 33.0}, radius_m: 5000}
batteries:
  - {id: b, system: S-400, position: {lat_deg: 40.2, lon_deg: 33.0}}
threats:
  - id: cm
    type: Kalibr
    count: 5
    spacing_s: 20
    start_s: 30
    target: city
    route:
      - {lat_deg: 40.0, lon_deg: 31.0, alt_m: 60, agl: true, speed_mps: 240}
      - {lat_deg: 40.0, lon_deg: 33.0, alt_m: 60, agl: true}
"""


def test_group_members_are_spaced_and_identical_in_shape() -> None:
    world = compile_world(loads(GROUP))
    t = world.threats
    assert t.ids == [f"cm-{i}" for i in range(1, 6)]
    assert np.allclose(np.diff(t.start_s), 20.0)
    assert t.start_s[0] == 30.0
    # Member k is member 0 delayed by 20 k seconds: same place at the same time since its start.
    for k in range(1, 5):
        p0 = positions_ecef(t, np.array([0]), np.array([300.0]))
        pk = positions_ecef(t, np.array([k]), np.array([300.0 + 20.0 * k]))
        assert np.linalg.norm(p0 - pk) < 1e-6
    # Leak: the ground track enters the 5 km circle (the route ends at its centre).
    assert np.allclose(np.diff(t.leak_s), 20.0)
    assert np.all(t.leak_s < t.end_s)
    assert t.end_s[0] - t.leak_s[0] == pytest.approx(5000.0 / 240.0, rel=0.01)


def test_missing_altitudes_mean_on_the_ground() -> None:
    world = compile_world(loads(GROUP))
    assert world.batteries[0].frame.alt_m == pytest.approx(800.0)
    assert world.horizon_ref_alt_m == 800.0
    # Terrain-following at 60 m over the 800 m plain.
    assert np.allclose(world.threats.table_alt_m[0, : world.threats.table_n[0]], 860.0, atol=1e-6)


def test_compiled_table_reading_is_the_numpy_interpolation_bit_for_bit() -> None:
    """Positions, altitudes and velocities read compiled for 1-D (threat, time) pairs equal the NumPy
    interpolation between table samples, before, inside and after each table."""
    from samsim.sim.world import (
        TABLE_DT_S,
        _table_weights,
        altitudes_m,
        positions_and_altitudes,
        velocities_ecef,
    )

    th = compile_world(loads(GROUP)).threats
    rng = np.random.default_rng(2)
    idx = rng.integers(0, th.start_s.size, 5000).astype(np.int64)
    t = rng.uniform(-100.0, 2500.0, idx.size)
    t[:50] = th.table_t0_s[idx[:50]]
    k0, k1, frac = _table_weights(th, idx, t)
    p0, p1 = th.table_ecef_m[idx, k0], th.table_ecef_m[idx, k1]
    a0 = th.table_alt_m[idx, k0]
    cases = [
        (positions_ecef(th, idx, t), p0 + frac[:, None] * (p1 - p0)),
        (altitudes_m(th, idx, t), a0 + frac * (th.table_alt_m[idx, k1] - a0)),
        (velocities_ecef(th, idx, t), (p1 - p0) / TABLE_DT_S),
    ]
    both = positions_and_altitudes(th, idx, t)  # one reading for the two
    both_numpy = positions_and_altitudes(th, idx.tolist(), t.tolist())  # type: ignore[arg-type]
    cases += [
        (both[0], cases[0][1]),
        (both[1], cases[1][1]),
        (both_numpy[0], cases[0][1]),
        (both_numpy[1], cases[1][1]),
    ]
    for got, ref in cases:
        assert got.shape == ref.shape
        assert np.array_equal(got.view(np.int64), ref.view(np.int64))
