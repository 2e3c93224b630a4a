"""The engine runs with the scenario's catalog: patched radars detect at the patched range, derived
threats fly with their own figures, interceptors keep the patched envelope, and the run reports every
change (summary.json, report.html) — and a scenario without changes gives the same bytes as before."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from samsim import loads, simulate, write_run
from samsim.catalog import builtin
from samsim.scenario import Scenario
from samsim.sim.invariants import violations
from samsim.sim.sensing import look_pd, radar_geometry, visible
from samsim.sim.weapons import weapon_type
from samsim.sim.world import World, altitudes_m, compile_world, positions_ecef

SITE = "{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}"


def inbound(catalog: str, threats: str, duration_s: float = 2400.0) -> str:
    """One 91N6E on the ground, weapons on hold; threats flying straight in at 10 km."""
    return (
        f"samsim: 1\nname: inbound\nduration_s: {duration_s}\n{catalog}"
        f"batteries:\n  - id: b\n    system: S-400\n    position: {SITE}\n"
        "    radars: [{type: 91N6E}]\n    doctrine: {weapons: hold}\n"
        f"threats:\n{threats}"
    )


def threat(tid: str, ttype: str, lat: float = 40.0, rcs: str = "") -> str:
    # From 600 km west, level at 10 km: the horizon of a 10 km target is ~420 km, well beyond the
    # Pd-0.5 ranges compared here (< 400 km).
    return (
        f"  - id: {tid}\n    type: {ttype}\n{rcs}    route:\n"
        f"      - {{lat_deg: {lat}, lon_deg: 25.95, alt_m: 10000, speed_mps: 250}}\n"
        f"      - {{lat_deg: {lat}, lon_deg: 33.0, alt_m: 10000}}\n"
    )


def pd_crossing(world: World, member: int, level: float = 0.5) -> tuple[float, float]:
    """(time, slant range) at which the look Pd of the world's one radar on threat ``member`` first
    reaches ``level``, along its flown path, through the engine's own sensing functions."""
    battery = world.batteries[0]
    geom = radar_geometry(world, battery, 0)
    t = np.arange(world.threats.start_s[member], world.threats.end_s[member], 0.05)
    idx = np.full(t.size, member)
    rel = battery.frame.ecef_to_enu(positions_ecef(world.threats, idx, t)) - geom.enu_m
    seen, rng_m, _, _ = visible(geom, rel, altitudes_m(world.threats, idx, t) - world.horizon_ref_alt_m)
    pd = np.where(
        seen, look_pd(geom.spec, rng_m, world.threats.rcs_m2[idx], world.threats.swerling[idx]), 0.0
    )
    k = int(np.argmax(pd >= level))
    assert k > 0 and seen[k - 1], "the crossing must be in free space, inside the horizon"
    frac = (level - pd[k - 1]) / (pd[k] - pd[k - 1])
    return float(t[k - 1] + frac * (t[k] - t[k - 1])), float(rng_m[k - 1] + frac * (rng_m[k] - rng_m[k - 1]))


@pytest.mark.parametrize("ref_range_m", [250_000, 300_000, 350_000])
def test_a_radar_override_scales_the_detection_range_with_ref_range(ref_range_m: int) -> None:
    target = threat("f", "F-16C", rcs="    rcs_m2: 4.0\n")  # the radar's calibration RCS
    base = compile_world(loads(inbound("", target)))
    patched = compile_world(
        loads(inbound(f"catalog:\n  radars:\n    91N6E: {{ref_range_m: {ref_range_m}}}\n", target))
    )
    assert patched.batteries[0].radars.specs[0].ref_range_m == ref_range_m
    assert patched.catalog.radar("91N6E") is patched.batteries[0].radars.specs[0]
    # Pd is calibrated at ref_range: the look Pd at the scaled range equals the original one at the original.
    ranges = np.linspace(50e3, 500e3, 10)
    scale = ref_range_m / 390_000
    np.testing.assert_allclose(
        look_pd(patched.batteries[0].radars.specs[0], ranges * scale, np.full(10, 4.0), 1),
        look_pd(base.batteries[0].radars.specs[0], ranges, np.full(10, 4.0), 1),
        rtol=1e-12,
    )
    # Along the flown path, Pd 0.5 is reached at ref_range (R ∝ ref_range), within the 0.05 s sampling.
    _, r_base = pd_crossing(base, 0)
    _, r_patched = pd_crossing(patched, 0)
    assert r_base == pytest.approx(390_000, rel=1e-4)
    assert r_patched == pytest.approx(ref_range_m, rel=1e-4)
    assert r_patched / r_base == pytest.approx(scale, rel=2e-4)


def test_a_derived_threat_with_a_smaller_rcs_is_detected_later() -> None:
    # 0.1 m² is the least the catalog's published range for the F-16C (1-5 m²) allows (ten times less).
    catalog = "catalog:\n  threats:\n    F-16C-coated: {base: F-16C, rcs_m2: 0.1}\n"
    sc = loads(inbound(catalog, threat("plain", "F-16C", 40.0) + threat("coated", "F-16C-coated", 40.2)))
    world = compile_world(sc)
    assert world.threats.types == ["F-16C", "F-16C-coated"]
    assert world.threats.rcs_m2.tolist() == [1.2, 0.1]
    assert world.threats.max_speed_mps[1] == builtin().threat("F-16C").max_speed_mps
    t_plain, r_plain = pd_crossing(world, 0)
    t_coated, r_coated = pd_crossing(world, 1)
    # R ∝ σ^(1/4) (Skolnik 2001, ch. 2): (0.1 / 1.2)^(1/4) = 0.537
    assert r_coated / r_plain == pytest.approx((0.1 / 1.2) ** 0.25, rel=1e-3)
    assert t_coated - t_plain == pytest.approx((r_plain - r_coated) / 250.0, rel=0.01)
    # The engine sees it too. Per look, Pd 0.5 is at 289 km for the plain one and 155 km for the coated
    # one; at 380 km, where the plain one is usually first seen, the coated one's Pd is below 0.001.
    result = simulate(sc, seed=4, trajectories=False)
    plain, coated = result.threats
    assert plain.first_detected_range_m is not None and coated.first_detected_range_m is not None
    assert coated.first_detected_range_m < plain.first_detected_range_m
    assert coated.first_detected_s is not None and plain.first_detected_s is not None
    assert coated.first_detected_s > plain.first_detected_s


ENGAGE = """\
samsim: 1
name: engage
duration_s: 700
{catalog}assets:
  - {{id: site, position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}, radius_m: 2000}}
batteries:
  - id: b
    system: S-400
    position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}
    launchers: [{{type: 5P85SE2, count: 2, load: {{48N6E3: 4}}}}]
threats:
  - id: f
    type: F-16C
    count: 2
    spacing_s: 20
    target: site
    route:
      - {{lat_deg: 40.0, lon_deg: 31.0, alt_m: 8000, speed_mps: 300}}
      - {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 8000}}
"""


@pytest.fixture(scope="module")
def shrunk() -> Scenario:
    return loads(ENGAGE.format(catalog="catalog:\n  interceptors:\n    48N6E3: {max_range_m: 60000}\n"))


def test_interceptors_fly_with_the_patched_envelope(shrunk: Scenario) -> None:
    world = compile_world(shrunk)
    assert world.catalog.interceptor("48N6E3").max_range_m == 60_000
    result = simulate(shrunk, seed=2, trajectories=False)
    fired = [i for i in result.interceptors if i.type == "48N6E3"]
    assert fired, "the scenario must engage with the patched missile"
    assert all(i.pip_range_m is not None and i.pip_range_m <= 60_000 + 1.0 for i in fired)
    assert violations(result, shrunk) == []  # the invariants check against the scenario's catalog


def test_weapon_types_are_cached_per_spec() -> None:
    spec = builtin().interceptor("9M96E2")
    assert weapon_type(spec) is weapon_type(builtin().interceptor("9M96E2"))
    patched = builtin().with_overrides({"interceptors": {"9M96E2": {"max_g": 15}}}).interceptor("9M96E2")
    other = weapon_type(patched)
    assert other is not weapon_type(spec) and other.spec == patched
    assert other.key == "9M96E2"
    assert not np.array_equal(other.params, weapon_type(spec).params)  # the manoeuvre limit is a parameter


def test_summary_and_report_list_the_overrides_with_their_originals(shrunk: Scenario, tmp_path: Path) -> None:
    result = simulate(shrunk, seed=2, trajectories=False)
    write_run(result, tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["catalog_overrides"] == [
        {
            "kind": "interceptor",
            "entry": "48N6E3",
            "field": "max_range_m",
            "value": 60000,
            "original": 250000,
            "base": None,
        }
    ]
    assert list(summary)[-1] == "catalog_overrides"
    report = (tmp_path / "report.html").read_text()
    assert "<h2>Scenario overrides</h2>" in report
    assert "<td>48N6E3</td><td>max_range_m</td><td>60000</td><td>250000</td>" in report


def test_no_overrides_give_the_same_bytes(tmp_path: Path) -> None:
    plain = loads(ENGAGE.format(catalog=""))
    empty = loads(ENGAGE.format(catalog="catalog: {}\n"))
    same = loads(ENGAGE.format(catalog="catalog:\n  interceptors:\n    48N6E3: {max_range_m: 250000}\n"))
    assert compile_world(plain).catalog is builtin() and compile_world(empty).catalog is builtin()
    runs = {}
    for name, sc in (("plain", plain), ("empty", empty), ("same", same)):
        runs[name] = simulate(sc, seed=5)
        write_run(runs[name], tmp_path / name)
    for f in ("summary.json", "events.parquet", "trajectories.parquet", "scene.json", "report.html"):
        assert (tmp_path / "plain" / f).read_bytes() == (tmp_path / "empty" / f).read_bytes(), f
    assert "catalog_overrides" not in json.loads((tmp_path / "plain" / "summary.json").read_text())
    assert "Scenario overrides" not in (tmp_path / "plain" / "report.html").read_text()
    # A change to the catalog's own value changes nothing but the record of it.
    assert runs["same"].events.equals(runs["plain"].events)
    assert runs["same"].trajectories.equals(runs["plain"].trajectories)
    with_record = runs["same"].summary()
    assert with_record.pop("catalog_overrides")[0]["original"] == 250000
    assert with_record == runs["plain"].summary()
