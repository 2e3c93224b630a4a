"""Scans evaluated a window at a time: determinism for a seed, detection statistics against the closed
form whatever the window, memory that does not keep consumed windows, and a jammer shot down that
stops jamming (and strobing) exactly at its kill time."""

from __future__ import annotations

import math

import numpy as np
import pytest

from samsim import loads
from samsim.models import radar
from samsim.sim import scan_windows
from samsim.sim.deception import apply_deception
from samsim.sim.engine import Engine, simulate_world
from samsim.sim.scan_windows import ScanWindows
from samsim.sim.sensing import look_pd, scan_window
from samsim.sim.signatures import live_rcs_m2
from samsim.sim.strobes import PassiveNetwork
from samsim.sim.world import World, compile_world, positions_ecef
from tests.conftest import circle_route, one_battery_scenario

RADAR = "92N6E"


def _orbit_world(radius_m: float, duration_s: float) -> World:
    threat = f"  - id: jet\n    type: F-16C\n    rcs_m2: 1.0\n    route:\n{circle_route(radius_m, laps=3)}\n"
    return compile_world(
        loads(one_battery_scenario(threat, radars=f"{{type: {RADAR}}}", duration_s=duration_s))
    )


def _windows(world: World, seed: int, killed_s: np.ndarray | None = None) -> ScanWindows:
    n = len(world.batteries[0].radars.ids)
    seqs = np.random.SeedSequence(seed).spawn(3 * n)
    killed = np.full(world.threats.count, np.inf) if killed_s is None else killed_s
    return ScanWindows(
        world,
        [(0, k) for k in range(n)],
        [(seqs[k], seqs[n + k], seqs[2 * n + k]) for k in range(n)],
        killed,
        [0.0] * n,
    )


def _pd_and_hits(world: World, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Closed-form Pd of every look at the threat, and whether the windowed scans detected it."""
    sw = _windows(world, seed)
    times = sw.time_s(0)
    hits = np.zeros(times.size, dtype=bool)
    for k, t in enumerate(times.tolist()):
        rs, i = sw.scan(0, k, t)
        hits[k] = np.any(rs.truth[rs.offsets[i] : rs.offsets[i + 1]] == 0)
    th, bat = world.threats, world.batteries[0]
    alive = (times >= th.start_s[0]) & (times < th.end_s[0])
    idx = np.zeros(times.size, dtype=np.int64)
    ecef = positions_ecef(th, idx, times)
    slant_m = np.linalg.norm(ecef - bat.radars.ecef_m[0], axis=1)
    spec = bat.radars.specs[0]
    rcs_m2 = live_rcs_m2(th, idx, times, ecef, bat.radars.ecef_m[0], spec.frequency_ghz)
    pd = np.where(alive, look_pd(spec, slant_m, rcs_m2, th.swerling[idx]), 0.0)
    return pd, hits


@pytest.mark.parametrize("window_s", [7.0, 60.0, 900.0])
def test_detections_follow_the_closed_form_pd_whatever_the_window(
    window_s: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_windows, "WINDOW_S", window_s)
    world = _orbit_world(0.0, 10.0)  # only for the radar's figures
    spec = world.batteries[0].radars.specs[0]
    # An orbit at the range of Pd 0.5 for a 1 m² target: the Swerling 1 look Pd sits near 0.5.
    radius_m = spec.ref_range_m * (1.0 / spec.ref_rcs_m2) ** 0.25
    world = _orbit_world(radius_m, 2400.0)
    pd, hits = _pd_and_hits(world, seed=3)
    looks = pd > 0.0
    assert looks.sum() > 800 and 0.3 < pd[looks].mean() < 0.7
    expected, sigma = pd.sum(), math.sqrt(float(np.sum(pd * (1.0 - pd))))
    assert abs(hits.sum() - expected) < 4.0 * sigma
    # Not only on average: consecutive looks are independent (no stream reused across windows), so
    # the rate of two hits in a row is the product of the Pd's.
    pair = float(np.sum(pd[1:] * pd[:-1]))
    pair_sigma = math.sqrt(pair)
    assert abs(float(np.sum(hits[1:] & hits[:-1])) - pair) < 4.0 * pair_sigma + 5.0
    assert not np.any(hits[~looks])


def test_a_seed_gives_the_same_run_and_another_seed_another() -> None:
    world = _orbit_world(80_000.0, 900.0)
    a = simulate_world(world, 4, trajectories=False)
    b = simulate_world(world, 4, trajectories=False)
    c = simulate_world(world, 5, trajectories=False)
    assert a.events.equals(b.events) and a.events.num_rows > 100
    assert not a.events.equals(c.events)


def test_consumed_windows_are_freed_and_kept_scans_are_the_ones_consumed() -> None:
    world = _orbit_world(80_000.0, 900.0)
    eng = Engine(world, 4, trajectories=False)
    eng.run()
    # Only the windows around the end of the run are still held.
    assert all(len(s.windows) <= 2 for s in eng.windows.sensors)
    kept = Engine(world, 4, trajectories=False, keep_scans=True)
    result = kept.run()
    rs = kept.scans[0]
    np.testing.assert_array_equal(rs.time_s, kept.windows.time_s(0))
    detects = result.events.filter(result.events.column("kind").to_numpy(zero_copy_only=False) == "detect")
    assert detects.num_rows == int(np.sum(rs.truth == 0))


# --- a jammer shot down -------------------------------------------------------------------------------

JAMMED = """\
  - id: target
    type: F-16C
    rcs_m2: 1.0
    target: base
    route:
      - {east_m: 0, north_m: 60000, up_m: 8000, speed_mps: 200}
      - {east_m: 0, north_m: 3000, up_m: 8000}
  - id: escort
    type: F-16C
    target: base
    jammer: {erp_dbw: 40, bandwidth_mhz: 500}
    route:
      - {east_m: 0, north_m: 61000, up_m: 8000, speed_mps: 200}
      - {east_m: 0, north_m: 4000, up_m: 8000}
"""
KILL_S = 95.0  # inside the second window of 60 s


def _target_snr_per_scan(
    world: World, kill_s: float | None, seed: int
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """Scan times and the target's measured SNR in each (the SNR draw replaced by the look's SNR),
    the escort jammer killed at ``kill_s`` as the loop passes it; also the escort's live strobes."""
    killed = np.full(world.threats.count, np.inf)
    sw = _windows(world, seed, killed)
    passive = PassiveNetwork([sw.empty_strobes(0)])
    times = sw.time_s(0)
    snr: list[np.ndarray] = []
    strobing = np.zeros(times.size, dtype=bool)
    for k, t in enumerate(times.tolist()):
        if kill_s is not None and t > kill_s and not np.isfinite(killed[1]):
            killed[1] = kill_s  # the loop learns of the kill before it visits any later instant
            sw.killed(1, kill_s)
        rs, i = sw.scan(0, k, t)
        rows = slice(int(rs.offsets[i]), int(rs.offsets[i + 1]))
        snr.append(rs.snr_db[rows][rs.truth[rows] == 0])
        passive.scans[0], i_s = sw.strobes(0, k)
        live, _ = passive.update(0, i_s, t, killed)
        strobing[k] = np.any(passive.scans[0].jammer[live] == 1)
    return times, snr, strobing


def test_a_jammer_shot_down_stops_jamming_and_strobing_at_its_kill_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        radar, "detected_snr_db", lambda snr_db, pfa, sw, rng: np.asarray(snr_db, dtype=float)
    )
    text = one_battery_scenario(JAMMED, radars=f"{{type: {RADAR}}}", duration_s=240.0)
    world = compile_world(loads(text))
    times, snr, strobing = _target_snr_per_scan(world, KILL_S, seed=2)
    # The same looks with no jammer at all: the unjammed SNR of each (Pd ~ 1 at these ranges).
    clean_world = compile_world(loads(text.replace("    jammer: {erp_dbw: 40, bandwidth_mhz: 500}\n", "")))
    clean = scan_window(clean_world, 0, 0, times, np.random.default_rng(0))
    after = times > KILL_S
    assert after.sum() > 50 and (~after).sum() > 40
    jammed = 0
    for k in range(times.size):
        rows = slice(int(clean.offsets[k]), int(clean.offsets[k + 1]))
        expected = clean.snr_db[rows][clean.truth[rows] == 0]
        if after[k]:  # from the first look after the kill: the unjammed SNR, exactly
            assert snr[k].size == 1 and expected.size == 1
            assert snr[k][0] == pytest.approx(expected[0], abs=1e-9)
        elif expected.size:  # before: the escort's main-lobe noise hides it or takes 3 dB off
            assert snr[k].size == 0 or snr[k][0] < expected[0] - 3.0
            jammed += 1
    assert jammed > 40
    # It strobes up to its kill, never after.
    assert strobing[~after].mean() > 0.9 and not np.any(strobing[after])
    # Without the kill it jams the whole run.
    _, never, never_strobing = _target_snr_per_scan(world, None, seed=2)
    assert never_strobing.mean() > 0.9
    for k in np.flatnonzero(after):
        rows = slice(int(clean.offsets[k]), int(clean.offsets[k + 1]))
        if never[k].size and np.any(clean.truth[rows] == 0):
            assert never[k][0] < clean.snr_db[rows][clean.truth[rows] == 0][0] - 0.1


def test_a_repeater_jammer_shot_down_makes_no_more_false_targets() -> None:
    from tests.sim.test_deception import world as deceiver_world

    w = deceiver_world(n_false=3)
    k = w.batteries[0].radars.ids.index(RADAR)
    times = np.arange(5.0, 250.0, 2.0)
    rs = scan_window(w, 0, k, times, np.random.default_rng(1))
    _, alive = apply_deception(w, rs, np.random.default_rng(2), np.full(w.threats.count, np.inf))
    assert alive.false_targets > 30
    # Killed before these scans: no echo of it (so no pulled-off detection) and no copies.
    killed = np.full(w.threats.count, np.inf)
    killed[0] = 1.0
    dead = scan_window(w, 0, k, times, np.random.default_rng(1), killed)
    out, counts = apply_deception(w, dead, np.random.default_rng(2), killed)
    assert not np.any(dead.truth == 0) and counts.false_targets == 0 and counts.detections == 0
    np.testing.assert_array_equal(out.truth, dead.truth)


def test_scan_identity_is_the_scans_of_no_scan() -> None:
    # Built directly, it is what the sensor's scan function gives for no scan time.
    world = _orbit_world(60e3, 120.0)
    sw = _windows(world, 1)
    got = sw.scan_identity(0)
    ref = scan_window(world, 0, 0, np.zeros(0), np.random.default_rng(0))
    assert (got.battery, got.radar, got.radar_id) == (ref.battery, ref.radar, ref.radar_id)
    for name in ("time_s", "offsets", "truth", "z_enu_m", "r_enu_m2", "range_m", "snr_db"):
        a, b = getattr(got, name), getattr(ref, name)
        assert a.shape == b.shape and a.dtype == b.dtype, name
