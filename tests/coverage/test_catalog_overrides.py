"""Coverage uses the scenario's catalog: a patched radar's reach and a patched interceptor's envelope."""

from __future__ import annotations

import math

import numpy as np

from samsim import loads
from samsim.coverage import coverage

R_M = 6_371_008.8
TEXT = """\
samsim: 1
name: cov-overrides
duration_s: 60
catalog:
  radars:
    91N6E: {ref_range_m: 200000}
  interceptors:
    48N6E3: {max_range_m: 100000}
batteries:
  - id: sea
    system: S-400
    position: {lat_deg: 39.9, lon_deg: 32.8, alt_m: 0}
    radars: [{type: 91N6E, mast_m: 25}, {type: 92N6E, mast_m: 25}]
    doctrine: {weapons: hold}
"""


def ground_range_m(slant_m: float, h1: float, h2: float) -> float:
    """The ground range on a sphere of a slant range between heights h1, h2:
    slant² = (h2 - h1)² + 4 r1 r2 sin²(d / 2R)."""
    return 2 * R_M * math.asin(math.sqrt((slant_m**2 - (h2 - h1) ** 2) / (4 * (R_M + h1) * (R_M + h2))))


def test_coverage_reads_the_patched_radar_and_interceptor() -> None:
    result = coverage(loads(TEXT), alt_m=(10_000.0,), rcs_m2=1.0, az_step_deg=45.0, range_step_m=100.0)
    step = result.grid.range_step_m
    # 91N6E at Pd 0.5 per look: ref_range (σ/σ_ref)^(1/4) = 200 km x (1/4)^(1/4) = 141 km slant
    rc = result.radar_coverage("sea", "91N6E", 10_000.0)
    last = np.array([np.flatnonzero(row)[-1] for row in rc.detect])
    expected = ground_range_m(200_000.0 * 0.25**0.25, 25.0, 10_000.0)
    np.testing.assert_allclose((last + 1) * step, expected, rtol=0.01)
    # 48N6E3's envelope is now 100 km (slant from the launchers), inside the 92N6E's 184 km
    eng = result.radar_coverage("sea", "92N6E", 10_000.0).engage["48N6E3"]
    last = np.array([np.flatnonzero(row)[-1] for row in eng])
    np.testing.assert_allclose((last + 1) * step, math.sqrt(100_000.0**2 - 10_000.0**2), rtol=0.01)
