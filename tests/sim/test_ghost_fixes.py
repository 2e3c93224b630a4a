"""Ghost fixes of two jammers: two radars cannot tell the crossing of the wrong strobes from a jammer
(it lies where the closed-form geometry puts it, with consistent elevations); a third radar that
reports jamming but has no strobe through the crossing refutes it."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.constants import MEAN_EARTH_RADIUS_M as RE
from samsim.scenario import loads
from samsim.sim import strobes
from samsim.sim.sensing import radar_scan_times
from samsim.sim.world import World, compile_world

LAT0, LON0 = 40.0, 33.0
TWO = [(0.0, -40.0), (0.0, 40.0)]  # radars, km east and north of (LAT0, LON0)
THREE = [*TWO, (30.0, 0.0)]
JAMMER_NORTH_KM = (-30.0, 30.0)
START_EAST_KM, SPEED_KMPS = -150.0, 0.2


def _ll(east_km: float, north_km: float) -> tuple[float, float]:
    return (
        LAT0 + float(np.degrees(north_km * 1e3 / RE)),
        LON0 + float(np.degrees(east_km * 1e3 / (RE * np.cos(np.radians(LAT0))))),
    )


def world(radars: list[tuple[float, float]]) -> World:
    bats = ""
    for k, (e, n) in enumerate(radars):
        lat, lon = _ll(e, n)
        bats += (
            f"  - {{id: b{k}, system: S-400, command: autonomous, position: {{lat_deg: {lat:.6f}, "
            f"lon_deg: {lon:.6f}}}, radars: [{{type: 91N6E}}], doctrine: {{weapons: hold}}}}\n"
        )
    thr = ""
    for k, n in enumerate(JAMMER_NORTH_KM):
        a, b = _ll(START_EAST_KM, n), _ll(START_EAST_KM + 50.0, n)
        thr += (
            f"  - id: j{k}\n    type: EA-18G\n    target: base\n    route:\n"
            f"      - {{lat_deg: {a[0]:.6f}, lon_deg: {a[1]:.6f}, alt_m: 8000, speed_mps: {SPEED_KMPS * 1e3}}}\n"
            f"      - {{lat_deg: {b[0]:.6f}, lon_deg: {b[1]:.6f}, alt_m: 8000}}\n"
        )
    text = (
        "samsim: 1\nname: ghosts\nduration_s: 200\nenvironment: {ground_alt_m: 0}\n"
        f"assets:\n  - {{id: base, position: {{lat_deg: {LAT0}, lon_deg: {LON0}}}, radius_m: 3000}}\n"
        f"batteries:\n{bats}threats:\n{thr}"
    )
    return compile_world(loads(text))


def fixes(w: World, seed: int = 1) -> list[tuple[float, strobes.PositionFix]]:
    """Every fix the passive network makes, stepping all radars' strobe scans in time order."""
    scans = []
    for b, bat in enumerate(w.batteries):
        for k in range(len(bat.radars.ids)):
            rng = np.random.default_rng([seed, b, k])
            scans.append(strobes.scan_strobes(w, b, k, radar_scan_times(w, b, k, rng), rng))
    net = strobes.PassiveNetwork(scans)
    killed = np.full(w.threats.count, np.inf)
    order = sorted((float(t), j, k) for j, ss in enumerate(net.scans) for k, t in enumerate(ss.time_s))
    return [(t, f) for t, j, k in order for f in net.update(j, k, t, killed)[1]]


@pytest.mark.parametrize("reject", [False, True])
def test_two_radars_keep_the_ghost_where_the_wrong_strobes_cross(
    reject: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(strobes, "REJECT_GHOSTS", reject)
    w = world(TWO)
    out = fixes(w)
    ghosts = [(t, f) for t, f in out if f.jammer < 0]
    assert len(out) - len(ghosts) > 30 and len(ghosts) > 10  # no third radar: nothing refutes them
    for t, f in ghosts:
        lat, lon, _ = w.batteries[f.battery].frame.enu_to_geodetic(f.z_enu_m)
        east = np.radians(float(lon) - LON0) * RE * np.cos(np.radians(LAT0)) / 1e3
        north = np.radians(float(lat) - LAT0) * RE / 1e3
        # Radar (0, -40) to jammer (e_J, +30) crosses radar (0, +40) to jammer (e_J, -30) at
        # 4/7 of the way: (4 e_J / 7, 0).
        e_j = START_EAST_KM + SPEED_KMPS * t
        assert east == pytest.approx(4.0 * e_j / 7.0, abs=3.0) and abs(north) < 3.0


def test_a_third_radar_refutes_the_ghosts(monkeypatch: pytest.MonkeyPatch) -> None:
    w = world(THREE)
    # Ghosts are rare events of the strobe noise: counted over several seeds.
    monkeypatch.setattr(strobes, "REJECT_GHOSTS", False)
    before = [f for seed in range(1, 5) for f in fixes(w, seed)]
    monkeypatch.setattr(strobes, "REJECT_GHOSTS", True)
    after = [f for seed in range(1, 5) for f in fixes(w, seed)]
    ghosts_before = sum(f.jammer < 0 for _, f in before)
    ghosts_after = sum(f.jammer < 0 for _, f in after)
    true_after = len(after) - ghosts_after
    assert ghosts_after < ghosts_before and ghosts_after <= 0.02 * len(after)
    assert true_after > 100 and true_after >= 0.97 * (len(before) - ghosts_before)
    assert any(f.radars == 3 for _, f in after)
