"""The engine's cross section follows the threat's table: aspect from the flight, value from the band."""

from __future__ import annotations

import math

import numpy as np
import pytest

from samsim import loads
from samsim.models.signature import band_of_frequency
from samsim.sim.engine import Engine
from samsim.sim.sensing import look_snr_db, reference_snr_db
from samsim.sim.signatures import live_rcs_m2
from samsim.sim.world import World, compile_world, positions_ecef
from tests.conftest import circle_route, one_battery_scenario

NOSE_M2, BEAM_M2 = 0.01, 1.0
ALT_M = 8000.0


TABLE = f"""\
catalog:
  threats:
    Shape:
      base: F-35A
      rcs_table: {{aspect_deg: [0, 45, 80, 100, 180], bands: {{X: [{NOSE_M2}, {NOSE_M2}, {BEAM_M2}, {BEAM_M2}, {NOSE_M2}]}}}}
"""


def scenario(route: str, radar: str = "92N6E", duration_s: float = 1200.0) -> str:
    threat = f"  - id: jet\n    type: Shape\n    route:\n{route}\n"
    return one_battery_scenario(threat, radars=f"{{type: {radar}}}", duration_s=duration_s, head=TABLE)


INBOUND = f"""\
      - {{east_m: 0, north_m: 250000, up_m: {ALT_M}, speed_mps: 250}}
      - {{east_m: 0, north_m: 5000, up_m: {ALT_M}}}"""


def _live(world: World, times: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    threats = world.threats
    bat = world.batteries[0]
    idx = np.zeros(times.size, dtype=np.int64)
    ecef = positions_ecef(threats, idx, times)
    rng = np.linalg.norm(ecef - bat.radars.ecef_m[0], axis=1)
    rcs = live_rcs_m2(threats, idx, times, ecef, bat.radars.ecef_m[0], bat.radars.specs[0].frequency_ghz)
    snr = look_snr_db(bat.radars.specs[0], rng, rcs)
    return rng, rcs, snr


def test_nose_on_and_beam_on_detection_ranges_scale_as_the_table() -> None:
    inbound = compile_world(loads(scenario(INBOUND)))
    spec = inbound.batteries[0].radars.specs[0]
    times = np.linspace(10.0, 900.0, 2000)
    rng, rcs, snr = _live(inbound, times)
    np.testing.assert_allclose(rcs, NOSE_M2, rtol=1e-9)  # flying at the radar: nose-on all the way
    required = reference_snr_db(spec)
    # SNR rises as it closes: the range where it crosses the Pd-0.5 threshold.
    r_nose = float(np.interp(required, snr, rng))

    orbit = compile_world(loads(scenario(circle_route(60_000.0, up_m=ALT_M))))
    rng_o, rcs_o, snr_o = _live(orbit, np.linspace(60.0, 1400.0, 500) % 1500.0)
    # Around the radar on a circle it is beam-on; the 5-degree chords of the route stay in the table's flat top.
    np.testing.assert_allclose(rcs_o[(rng_o > 59_000) & (rng_o < 61_000)], BEAM_M2, rtol=1e-6)
    on_circle = (rng_o > 59_000) & (rng_o < 61_000)
    # The range at which that SNR would fall to the threshold: R ∝ SNR^(1/4).
    r_beam = float(np.median(rng_o[on_circle] * 10 ** ((snr_o[on_circle] - required) / 40.0)))

    expected = (BEAM_M2 / NOSE_M2) ** 0.25
    assert r_beam / r_nose == pytest.approx(expected, rel=0.01)
    assert r_nose == pytest.approx(spec.ref_range_m * (NOSE_M2 / spec.ref_rcs_m2) ** 0.25, rel=0.01)


def test_scans_detect_the_beam_on_target_with_the_tables_pd() -> None:
    """An orbit at the beam-on Pd-0.5 range is seen on about half the looks; nose-on it would not be."""
    spec_range = 260_000.0 * (BEAM_M2 / 4.0) ** 0.25  # 92N6E calibration: 4 m² at 260 km
    world = compile_world(loads(scenario(circle_route(spec_range, up_m=ALT_M), duration_s=2400.0)))
    seen, looks = 0, 0
    for seed in range(4):
        eng = Engine(world, seed, trajectories=False, keep_scans=True)
        eng.run()
        rs = eng.scans[0]
        idx = np.zeros(rs.time_s.size, dtype=np.int64)
        ecef = positions_ecef(world.threats, idx, rs.time_s)
        on = np.abs(np.linalg.norm(ecef - world.batteries[0].radars.ecef_m[0], axis=1) - spec_range) < 1500.0
        on &= rs.time_s < world.threats.end_s[0]
        hits = np.zeros(rs.time_s.size, dtype=bool)
        for k in range(rs.time_s.size):
            hits[k] = np.any(rs.truth[rs.offsets[k] : rs.offsets[k + 1]] == 0)
        seen += int(np.sum(hits & on))
        looks += int(np.sum(on))
    assert looks > 500
    # Slant range includes the 8 km height: Pd a little under 0.5; nose-on it would be ~0.0003.
    assert 0.38 < seen / looks < 0.56


def test_each_radar_reads_its_own_band() -> None:
    sc = scenario(INBOUND, radar="RLM-M").replace(
        f"bands: {{X: [{NOSE_M2}, {NOSE_M2}, {BEAM_M2}, {BEAM_M2}, {NOSE_M2}]}}",
        "bands: {VHF: [0.5, 0.5, 2.0, 2.0, 0.5], X: [0.01, 0.01, 1.0, 1.0, 0.01]}",
    )
    world = compile_world(loads(sc))
    assert band_of_frequency(world.batteries[0].radars.specs[0].frequency_ghz) == "VHF"
    _, rcs, _ = _live(world, np.array([100.0, 300.0]))
    np.testing.assert_allclose(rcs, 0.5, rtol=1e-9)


def test_a_fixed_rcs_in_the_scenario_replaces_the_table() -> None:
    sc = scenario(INBOUND).replace("    type: Shape\n", "    type: Shape\n    rcs_m2: 2.0\n")
    world = compile_world(loads(sc))
    assert world.threats.rcs_tables == (None,)
    _, rcs, _ = _live(world, np.array([100.0, 300.0]))
    np.testing.assert_allclose(rcs, 2.0)


def test_aspect_rcs_and_its_envelopes() -> None:
    from samsim.catalog import builtin
    from samsim.sim.signatures import aspect_rcs_m2

    table = builtin().threat("F-35A").rcs_table
    assert table is not None
    assert aspect_rcs_m2(table, "X", "nose") == pytest.approx(0.005)
    assert aspect_rcs_m2(table, "X", "beam") == pytest.approx(1.0)
    assert aspect_rcs_m2(table, "X", 45.0) == pytest.approx(math.sqrt(0.01 * 0.05))  # mid-way in dB
    assert aspect_rcs_m2(table, "VHF", "worst") == pytest.approx(0.5)
    assert aspect_rcs_m2(table, "Ku", "best") == pytest.approx(1.0)  # Ku served by the X row


def test_looks_at_threats_of_several_tables_read_each_threats_own() -> None:
    # Threats of two table types and one with a fixed RCS, their looks interleaved: each look reads its
    # own threat's table (or value), as the looks at that threat alone do.
    head = TABLE + (
        "    Other:\n      base: F-35A\n"
        "      rcs_table: {aspect_deg: [0, 90, 180], bands: {X: [3.0, 30.0, 5.0]}}\n"
    )
    route = INBOUND.replace("east_m: 0", "east_m: EAST")
    threats = "".join(
        f"  - id: t{i}\n    type: {kind}\n{extra}    route:\n{route.replace('EAST', str(2000 * i))}\n"
        for i, (kind, extra) in enumerate(
            [("Shape", ""), ("Other", ""), ("Shape", "    rcs_m2: 2.0\n"), ("Other", "")]
        )
    )
    world = compile_world(
        loads(one_battery_scenario(threats, radars="{type: 92N6E}", duration_s=1200.0, head=head))
    )
    th = world.threats
    assert th.rcs_tables[0] is not None and th.rcs_tables[2] is None and th.rcs_tables[1] is th.rcs_tables[3]
    idx = np.array([0, 1, 2, 3, 3, 1, 0, 2, 1], dtype=np.int64)
    times = np.linspace(100.0, 900.0, idx.size)
    ecef = positions_ecef(th, idx, times)
    bat = world.batteries[0]
    freq = bat.radars.specs[0].frequency_ghz
    mixed = live_rcs_m2(th, idx, times, ecef, bat.radars.ecef_m[0], freq)
    for i in range(4):
        own = idx == i
        alone = live_rcs_m2(th, idx[own], times[own], ecef[own], bat.radars.ecef_m[0], freq)
        np.testing.assert_array_equal(mixed[own], alone)
    np.testing.assert_allclose(mixed[idx == 2], 2.0)
    assert np.all(mixed[idx == 1] >= 3.0 - 1e-9) and np.all(mixed[idx == 0] <= BEAM_M2 + 1e-9)
