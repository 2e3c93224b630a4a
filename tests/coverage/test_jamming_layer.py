"""The coverage map's "with jamming" layer: burn-through against the stand-off jamming closed form."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.coverage import coverage
from samsim.models import jamming, radar
from samsim.scenario import loads
from samsim.sim.jamming import jammer_geometry, jammers_of
from samsim.sim.sensing import radar_geometry, reference_snr_db
from samsim.sim.world import compile_world

SOJ = """\
samsim: 1
name: soj
duration_s: 600
environment: {ground_alt_m: 0, surface: none}  # free space: the closed form has no multipath
assets:
  - {id: base, position: {lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}, radius_m: 3000}
batteries:
  - id: b1
    system: S-400
    position: {lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}
    radars: [{type: 92N6E, offset_m: [0, 0, 0]}]
threats:
  - id: escort
    type: F-16C
    jammer: {erp_dbw: 70, bandwidth_mhz: 1000}
    route:
      - {lat_deg: 40.0, lon_deg: 30.2, alt_m: 9000, speed_mps: 200}
      - {lat_deg: 41.0, lon_deg: 30.2, alt_m: 9000}
"""


def test_burn_through_contour_away_from_the_jammer_matches_the_sidelobe_closed_form() -> None:
    sc = loads(SOJ)
    result = coverage(
        sc, alt_m=(3000.0,), agl=False, swerling=1, az_step_deg=1.0, range_step_m=250.0, jam_at_s=10.0
    )
    rc = result.radar_coverage("b1", "92N6E", 3000.0)
    assert rc.detect_jammed is not None
    # Jamming only takes coverage away.
    assert not np.any(rc.detect_jammed & ~rc.detect)
    # The stand-off jammer (west) is in the sidelobes of a look due east: its J/N there is the
    # jamming equation with the peak gain less the sidelobe level and the canceller's ratio.
    world = compile_world(sc)
    battery = world.batteries[0]
    geom = radar_geometry(world, battery, 0)
    spec = geom.spec
    rel, on = jammer_geometry(
        world, battery, geom.enu_m, geom.antenna_height_m, jammers_of(world), np.array([10.0])
    )
    assert on[0, 0]
    jnr = jamming.jammer_to_noise_db(
        np.linalg.norm(rel[0, 0]),
        70.0,
        1000e6,
        spec.antenna_gain_db + spec.sidelobe_db - spec.sidelobe_canceller_db,
        radar.wavelength_m(spec.frequency_ghz * 1e9),
        spec.noise_figure_db,
        spec.bandwidth_mhz * 1e6,
        spec.losses_db,
    )
    required = reference_snr_db(spec)  # Pd 0.5 per look, the threshold used
    snr0 = radar.snr_db_calibrated(100e3, 1.0, spec.ref_range_m, spec.ref_rcs_m2, required)
    r_bt = float(jamming.burn_through_range_standoff_m(required, snr0, 100e3, jnr))
    east = int(round(90.0 / 1.0))
    reach = result.grid.range_m[np.flatnonzero(rc.detect_jammed[east]).max()]
    # Ground range of the last covered cell vs the slant burn-through range (3 km up: < 100 m apart).
    assert reach == pytest.approx(r_bt, abs=2 * result.grid.range_step_m)
    assert r_bt < 0.97 * result.grid.range_m[np.flatnonzero(rc.detect[east]).max()]
    # Toward the jammer (main lobe) the coverage shrinks far more.
    jam_az_deg = np.degrees(np.arctan2(rel[0, 0, 0], rel[0, 0, 1])) % 360.0
    west = int(round(jam_az_deg / 1.0)) % 360
    west_reach = result.grid.range_m[np.flatnonzero(rc.detect_jammed[west]).max()]
    assert west_reach < 0.5 * reach
    kinds = {(f.kind, f.radar) for f in result.footprints}
    assert ("jammed", "92N6E") in kinds and ("jammed", "all") in kinds


def test_no_jamming_layer_without_jammers_or_time() -> None:
    sc = loads(SOJ.replace("    jammer: {erp_dbw: 70, bandwidth_mhz: 1000}\n", ""))
    with pytest.raises(ValueError, match="no threat of the scenario carries a jammer"):
        coverage(sc, alt_m=(3000.0,), az_step_deg=5.0, jam_at_s=0.0)
    result = coverage(sc, alt_m=(3000.0,), az_step_deg=5.0)
    assert all(rc.detect_jammed is None for rc in result.radars)
    assert all(f.kind != "jammed" for f in result.footprints)
