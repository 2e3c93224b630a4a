"""Jam strobes and passive tracking: strobe bearings against their predicted accuracy, strobe events,
triangulated jammer tracks, and home-on-jam engagement."""

from __future__ import annotations

import re

import numpy as np
import pyarrow.compute as pc
import pytest

from samsim.models import jamming, radar
from samsim.scenario import loads
from samsim.sim.engine import Engine
from samsim.sim.jamming import jammer_geometry, jammers_of
from samsim.sim.sensing import radar_geometry
from samsim.sim.strobes import scan_strobes, strobe_threshold_db
from samsim.sim.world import compile_world

TWO_BATTERIES = """\
samsim: 1
name: jam-two-batteries
duration_s: {duration}
environment: {{ground_alt_m: 0}}
{catalog}
assets:
  - {{id: base, position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}, radius_m: 3000}}
batteries:
  - id: b1
    system: S-400
    position: {{lat_deg: 40.3, lon_deg: 33.0, alt_m: 0}}
  - id: b2
    system: S-400
    position: {{lat_deg: 39.7, lon_deg: 33.0, alt_m: 0}}
threats:
  - id: jam
    type: F-16C
    target: base
    jammer: {{erp_dbw: {erp}, bandwidth_mhz: 500}}
    route:
      - {{lat_deg: 40.0, lon_deg: 30.5, alt_m: 8000, speed_mps: 250}}
      - {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 8000}}
"""


def scenario(erp: float = 30.0, duration: float = 300.0, catalog: str = "") -> str:
    return TWO_BATTERIES.format(erp=erp, duration=duration, catalog=catalog)


@pytest.mark.parametrize("erp_dbw", [20.0, 40.0])
def test_strobe_bearing_errors_match_their_predicted_accuracy(erp_dbw: float) -> None:
    world = compile_world(loads(scenario(erp=erp_dbw, duration=900.0)))
    battery = world.batteries[0]
    k = battery.radars.ids.index("92N6E")
    spec = battery.radars.specs[k]
    times = np.arange(0.0, 600.0, 0.5)
    ss = scan_strobes(world, 0, k, times, np.random.default_rng(3))
    assert ss.jammer.size > 500
    geom = radar_geometry(world, battery, k)
    scan = np.repeat(np.arange(times.size), np.diff(ss.offsets))
    rel, _ = jammer_geometry(
        world, battery, geom.enu_m, geom.antenna_height_m, jammers_of(world), times[scan]
    )
    rel = rel[np.arange(scan.size), 0]
    true_az = np.arctan2(rel[:, 0], rel[:, 1])
    true_el = np.arcsin(rel[:, 2] / np.linalg.norm(rel, axis=1))
    # J/N is the main-lobe jamming equation at the true range.
    want_jnr = jamming.jammer_to_noise_db(
        np.linalg.norm(rel, axis=1),
        erp_dbw,
        500e6,
        spec.antenna_gain_db,
        radar.wavelength_m(spec.frequency_ghz * 1e9),
        spec.noise_figure_db,
        spec.bandwidth_mhz * 1e6,
        spec.losses_db,
    )
    np.testing.assert_allclose(ss.jnr_db, want_jnr, atol=1e-9)
    assert np.all(ss.jnr_db >= strobe_threshold_db(spec))
    # The angle sigma is the radar's floor and the thermal term theta_3 / (1.6 sqrt(2 J/N)) in quadrature.
    thermal = np.radians(spec.beamwidth_az_deg) / (1.6 * np.sqrt(2 * 10 ** (ss.jnr_db / 10)))
    np.testing.assert_allclose(
        ss.sigma_az_rad, np.hypot(np.radians(spec.sigma_azimuth_deg), thermal), rtol=1e-12
    )
    # Normalised errors are unit normal (standard error of a std over ~1200 draws: 2 %).
    z_az = (np.mod(ss.az_rad - true_az + np.pi, 2 * np.pi) - np.pi) / ss.sigma_az_rad
    z_el = (ss.el_rad - true_el) / ss.sigma_el_rad
    assert np.std(z_az) == pytest.approx(1.0, abs=0.07)
    assert np.std(z_el) == pytest.approx(1.0, abs=0.07)
    assert abs(np.mean(z_az)) < 0.1


def test_weak_jamming_gives_no_strobe() -> None:
    world = compile_world(loads(scenario(erp=-30.0)))
    ss = scan_strobes(world, 0, 0, np.arange(0.0, 60.0, 10.0), np.random.default_rng(1))
    assert ss.jammer.size == 0


def test_strobes_are_reported_and_triangulated_into_an_engaged_track() -> None:
    result = Engine(compile_world(loads(scenario())), seed=1).run()
    ev = result.events
    strobes = ev.filter(pc.equal(ev.column("kind"), "jam_strobe"))
    assert strobes.num_rows > 50
    assert set(strobes.column("threat").to_pylist()) == {"jam"}
    assert set(strobes.column("battery").to_pylist()) == {"b1", "b2"}
    pattern = re.compile(r"^az_deg=\d+\.\d; el_deg=-?\d+\.\d; jnr_db=-?\d+\.\d$")
    assert all(pattern.match(d) for d in strobes.column("detail").to_pylist())
    out = result.threats[0]
    assert out.first_strobe_s == pytest.approx(pc.min(strobes.column("time_s")).as_py())
    # The jammer hides its echo (no detection) but its strobes from the two batteries cross: it gets a
    # firm track, 48N6E3s (home-on-jam) are launched at it and it is shot down.
    assert out.first_detected_s is None
    assert out.first_track_s is not None and out.first_track_s < out.first_strobe_s + 30.0
    assert out.shots > 0 and out.fate == "killed"


def test_without_home_on_jam_a_jammer_known_only_by_strobes_is_not_engaged() -> None:
    catalog = "catalog:\n  interceptors:\n    48N6E3: {home_on_jam: false}\n"
    result = Engine(compile_world(loads(scenario(catalog=catalog))), seed=1).run()
    out = result.threats[0]
    assert out.first_track_s is not None
    assert out.shots == 0


def test_escort_jammer_comes_from_the_catalog_unless_the_scenario_gives_one() -> None:
    text = scenario().replace("type: F-16C", "type: EA-18G")
    plain = text.replace("    jammer: {erp_dbw: 30.0, bandwidth_mhz: 500}\n", "")
    assert plain != text
    w = compile_world(loads(plain))
    assert w.threats.jammer_erp_dbw[0] == 60.0 and w.threats.jammer_bandwidth_mhz[0] == 1000.0
    assert compile_world(loads(text)).threats.jammer_erp_dbw[0] == 30.0


@pytest.mark.parametrize("moves", ["[]", "[{at_s: 100, to: {lat_deg: 40.3, lon_deg: 33.2}}]"])
def test_empty_strobes_are_scan_strobes_of_no_scan(moves: str) -> None:
    """The strobe scans of no scan, built directly, equal :func:`scan_strobes` of no times, field by
    field (with a move: each later site's antenna and rotation)."""
    from dataclasses import fields

    from samsim.sim.strobes import empty_strobes

    text = scenario(duration=4000.0).replace("  - id: b2\n", f"    moves: {moves}\n  - id: b2\n")
    world = compile_world(loads(text))
    assert len(world.batteries[0].deployments) == (1 if moves == "[]" else 2)
    for k in range(len(world.batteries[0].radars.ids)):
        got = empty_strobes(world, 0, k)
        ref = scan_strobes(world, 0, k, np.zeros(0), np.random.default_rng(0))
        for f in fields(ref):
            a, b = getattr(got, f.name), getattr(ref, f.name)
            if f.name == "moved":
                assert len(a) == len(b) == (0 if moves == "[]" else 1)
                for x, y in zip(a, b, strict=True):
                    assert x[0] == y[0]
                    np.testing.assert_array_equal(x[1], y[1])
                    np.testing.assert_array_equal(x[2], y[2])
            elif isinstance(b, np.ndarray):
                assert a.dtype == b.dtype
                np.testing.assert_array_equal(a, b)
            else:
                assert a == b
