"""Deception jamming in a run: pulled-off detections, DRFM false targets, ECCM, false tracks."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc
import pytest

from samsim.scenario import loads
from samsim.sim.deception import DeceivedScans, alive_rows, apply_deception, false_target_truth
from samsim.sim.engine import Engine
from samsim.sim.sensing import scan_radar
from samsim.sim.world import compile_world, positions_ecef

DECEIVER = """\
samsim: 1
name: deception
duration_s: 300
environment: {{ground_alt_m: 0}}
{catalog}
assets:
  - {{id: base, position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}, radius_m: 3000}}
batteries:
  - id: b1
    system: S-400
    position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}
    doctrine: {{weapons: {weapons}}}
threats:
  - id: striker
    type: F-16C
    target: base
    deception: {{js_db: 10, drfm: {drfm}, rgpo_mps2: 100, rgpo_hold_s: 2, false_targets: {n_false}}}
    route:
      - {{lat_deg: 40.0, lon_deg: 31.0, alt_m: 8000, speed_mps: 250}}
      - {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 8000}}
"""


def world(drfm: bool = True, n_false: int = 0, catalog: str = "", weapons: str = "hold"):  # type: ignore[no-untyped-def]
    text = DECEIVER.format(drfm=str(drfm).lower(), n_false=n_false, catalog=catalog, weapons=weapons)
    return compile_world(loads(text))


def deceived(w, k: int, seed: int = 2):  # type: ignore[no-untyped-def]
    clean = scan_radar(w, 0, k, np.random.default_rng(seed))
    out, counts = apply_deception(w, clean, np.random.default_rng(seed + 1))
    return clean, out, counts


def test_pull_off_moves_the_threats_detections_by_the_programmed_offset() -> None:
    w = world()
    k = w.batteries[0].radars.ids.index("91N6E")  # no leading-edge tracking in the catalog
    clean, out, counts = deceived(w, k)
    rows = np.flatnonzero(clean.truth == 0)
    assert rows.size > 10 and counts.seduced > 0
    scan_of = np.repeat(np.arange(clean.time_s.size), np.diff(clean.offsets))[rows]
    t = clean.time_s[scan_of] - w.threats.start_s[0]
    cycle = 2.0 + np.sqrt(2 * 3000.0 / 100.0)
    tau = np.maximum(np.mod(t, cycle) - 2.0, 0.0)
    want = np.minimum(0.5 * 100.0 * tau**2, 3000.0)
    np.testing.assert_allclose(out.range_m[rows] - clean.range_m[rows], want, atol=1e-6)
    # Along the line of sight: the measured direction does not change.
    radar_enu = w.batteries[0].radars.enu_m[k]
    u0 = clean.z_enu_m[rows] - radar_enu
    u1 = out.z_enu_m[rows] - radar_enu
    cos = np.sum(u0 * u1, axis=1) / np.linalg.norm(u0, axis=1) / np.linalg.norm(u1, axis=1)
    assert np.all(cos > 1 - 1e-12)


def test_leading_edge_tracking_and_frequency_agility_resist() -> None:
    w = world(drfm=False, n_false=3)
    k = w.batteries[0].radars.ids.index("92N6E")  # leading edge and frequency agility in the catalog
    clean, out, counts = deceived(w, k)
    assert counts.detections > 0 and counts.seduced == 0 and counts.false_targets == 0
    np.testing.assert_array_equal(out.range_m, clean.range_m)
    # A non-coherent repeater against the 91N6E (no agility, 13 dB compression): 10 - 13 dB < capture.
    k = w.batteries[0].radars.ids.index("91N6E")
    _, _, counts = deceived(w, k)
    assert counts.seduced == 0


def test_drfm_false_targets_are_false_measurements_behind_the_threat() -> None:
    w = world(n_false=3)
    k = w.batteries[0].radars.ids.index("92N6E")
    clean, out, counts = deceived(w, k)
    assert counts.false_targets > 3 * 0.9 * np.count_nonzero(clean.truth == 0)
    assert np.count_nonzero(out.truth == -1) == np.count_nonzero(clean.truth == -1)
    assert np.count_nonzero(out.truth == false_target_truth(0)) == counts.false_targets
    assert out.offsets[-1] == out.truth.size
    # Each scan's rows: the real ones unchanged (leading-edge radar), false targets beyond the threat.
    for s in range(clean.time_s.size):
        a, b = out.offsets[s], out.offsets[s + 1]
        real = out.truth[a:b] == 0
        if np.any(real):
            extra = out.range_m[a:b][(out.truth[a:b] == false_target_truth(0))]
            assert np.sum(extra > out.range_m[a:b][real].max() + 1000.0) >= 1 or extra.size == 0


def test_false_targets_make_false_tracks_that_draw_interceptors() -> None:
    result = Engine(world(n_false=4, weapons="free"), seed=1).run()
    ev = result.events
    confirms = ev.filter(pc.equal(ev.column("kind"), "track_confirm"))
    assert confirms.filter(pc.equal(confirms.column("detail"), "false track")).num_rows >= 2
    assert len(result.interceptors) > result.threats[0].shots  # some fired at false tracks
    assert result.threats[0].first_track_s is not None


def test_summary_counts_what_deception_put_into_the_trackers() -> None:
    w = world(n_false=4, weapons="free")
    engine = Engine(w, seed=1)
    result = engine.run()
    ev = result.events.to_pylist()
    summary = result.summary()
    radars = summary["batteries"][0]["radars"]
    assert all("deception" in r for r in radars)
    for r, outcome in zip(radars, result.batteries[0].radars, strict=True):
        # Every look at the deceiver handed to the tracker is one `detect` event of that radar.
        detects = sum(
            1 for e in ev if e["kind"] == "detect" and e["radar"] == r["id"] and e["threat"] == "striker"
        )
        assert r["deception"]["looks"] == detects
        assert outcome.deception is not None and outcome.deception.looks == detects
    assert sum(r["deception"]["false_targets"] for r in radars) > 100
    d = summary["threats"][0]["deception"]
    false_confirms = sum(1 for e in ev if e["kind"] == "track_confirm" and e["detail"] == "false track")
    # False tracks of the DRFM are among the false tracks confirmed (the others: false alarms).
    assert 2 <= d["false_tracks"] <= false_confirms
    assert d["tracks"] >= 1 and 0 <= d["seduced_tracks"] <= d["tracks"]


def test_a_run_without_deception_keeps_its_summary_keys() -> None:
    text = DECEIVER.format(drfm="true", n_false=0, catalog="", weapons="hold")
    text = text.replace(
        "    deception: {js_db: 10, drfm: true, rgpo_mps2: 100, rgpo_hold_s: 2, false_targets: 0}\n", ""
    )
    summary = Engine(compile_world(loads(text)), seed=1).run().summary()
    assert "deception" not in summary["threats"][0]
    assert all("deception" not in r for r in summary["batteries"][0]["radars"])


def test_pulled_off_looks_seduce_firm_tracks() -> None:
    # Only the 91N6E (no leading-edge tracking; the DRFM copy captures its range gate) in the battery.
    text = DECEIVER.format(drfm="true", n_false=0, catalog="", weapons="hold").replace(
        "    system: S-400\n", "    system: S-400\n    radars: [{type: 91N6E}]\n"
    )
    result = Engine(compile_world(loads(text)), seed=3).run()
    radar = result.batteries[0].radars[0].deception
    threat = result.threats[0].deception
    assert radar is not None and threat is not None
    assert 0 < radar.pulled_off < radar.looks
    assert threat.seduced_tracks >= 1


def test_false_targets_end_with_their_jammer() -> None:
    engine = Engine(world(n_false=2), seed=1)
    engine.killed_s[0] = 10.0
    truth = np.array([false_target_truth(0), -1, 0])
    np.testing.assert_array_equal(alive_rows(truth, engine.killed_s, 5.0), [True, True, True])
    np.testing.assert_array_equal(alive_rows(truth, engine.killed_s, 20.0), [False, True, False])


VGPO_CATALOG = (
    "catalog:\n  radars:\n    92N6E: {leading_edge_tracking: true, frequency_agility: true, "
    "velocity_gate: true, range_rate_check: %s}\n"
)


def vgpo_world(check: bool):  # type: ignore[no-untyped-def]
    text = DECEIVER.format(drfm="true", n_false=0, catalog=VGPO_CATALOG % str(check).lower(), weapons="hold")
    text = text.replace("rgpo_mps2: 100, rgpo_hold_s: 2", "vgpo_mps2: 50, vgpo_hold_s: 1, vgpo_max_mps: 300")
    return compile_world(loads(text))


def test_velocity_gate_pull_off_walks_the_range_at_the_programmed_rate() -> None:
    w = vgpo_world(check=False)
    k = w.batteries[0].radars.ids.index("92N6E")
    clean, out, counts = deceived(w, k)
    rows = np.flatnonzero(clean.truth == 0)
    assert rows.size > 20 and counts.seduced > 0
    scan_of = np.repeat(np.arange(clean.time_s.size), np.diff(clean.offsets))[rows]
    tau = np.mod(clean.time_s[scan_of] - w.threats.start_s[0], 1.0 + 300.0 / 50.0) - 1.0
    off = out.range_m[rows] - clean.range_m[rows]
    walking = (tau > 0.0) & (tau < 300.0 / 50.0)
    assert walking.sum() > 10
    # The range walk is the integral of the pulled Doppler: a parabola whose curvature is the
    # programmed pull-off rate.
    coef = np.polyfit(tau[walking], off[walking], 2)
    assert 2 * coef[0] == pytest.approx(50.0, rel=1e-6)
    assert abs(coef[1]) < 1e-6 and abs(coef[2]) < 1e-6
    assert np.all(off[tau <= 0.0] == 0.0)


def test_range_rate_check_stops_the_velocity_gate_pull_off() -> None:
    w = vgpo_world(check=True)
    k = w.batteries[0].radars.ids.index("92N6E")
    clean, out, counts = deceived(w, k)
    # Tripped 3 sqrt(2) 10 m / (2 s x 50 m/s²) = 0.42 s into the walk: at most 4.5 m of range walk.
    assert counts.detections > 20 and counts.seduced == 0
    assert np.max(out.range_m - clean.range_m) <= 0.5 * 50.0 * (3 * np.sqrt(2) * 10.0 / 100.0) ** 2 + 1e-9


STANDOFF = DECEIVER[: DECEIVER.index("threats:")].replace(
    "    system: S-400\n", "    system: S-400\n    radars: [{{type: 91N6E}}]\n"
) + (
    "threats:\n  - id: escort\n    type: EA-18G\n    target: base\n"
    "    deception: {{js_db: 40, drfm: true, sidelobe_false_targets: 20}}\n    route:\n"
    "      - {{lat_deg: 39.5, lon_deg: 31.6, alt_m: 9000, speed_mps: 200}}\n"
    "      - {{lat_deg: 40.5, lon_deg: 31.6, alt_m: 9000}}\n"
)


def test_sidelobe_blanker_removes_exactly_the_sidelobe_false_targets() -> None:
    from samsim.models import antenna, frames

    no_blanker = "catalog:\n  radars:\n    91N6E: {sidelobe_blanker_guard_db: -200}\n"
    w_on = compile_world(loads(STANDOFF.format(catalog="", weapons="hold")))
    w_off = compile_world(loads(STANDOFF.format(catalog=no_blanker, weapons="hold")))
    spec = w_on.batteries[0].radars.specs[0]
    assert spec.sidelobe_blanker_guard_db == pytest.approx(spec.sidelobe_db + 6.0)
    clean_on, on, _ = deceived(w_on, 0)
    clean_off, off, _ = deceived(w_off, 0)
    # The blanker does nothing to the echoes or to noise jamming: the clean scans are the same.
    np.testing.assert_array_equal(clean_on.snr_db, clean_off.snr_db)
    ft = false_target_truth(0)
    n_on, n_off = int(np.count_nonzero(on.truth == ft)), int(np.count_nonzero(off.truth == ft))
    assert isinstance(on, DeceivedScans) and isinstance(off, DeceivedScans)
    assert off.blanked_scan.size == 0 and n_off > 100  # every sidelobe copy gets through
    # Same draws either way: the blanker removes copies and nothing else.
    assert n_on + on.blanked_scan.size == n_off and on.blanked_scan.size > 100
    # What passes entered through the main lobe toward the jammer: main-channel gain above the guard.
    scan_of = np.repeat(np.arange(on.time_s.size), np.diff(on.offsets))
    rows = np.flatnonzero(on.truth == ft)
    radar_enu = w_on.batteries[0].radars.enu_m[0]
    _, az, el = frames.enu_to_spherical(on.z_enu_m[rows] - radar_enu)
    jam = w_on.batteries[0].frame.ecef_to_enu(
        positions_ecef(w_on.threats, np.zeros(rows.size, dtype=np.int64), on.time_s[scan_of[rows]])
    )
    # Measured angles carry the radar's noise: allow its 4 sigma on the main-lobe edge.
    off_az = np.abs(np.angle(np.exp(1j * (az - frames.enu_to_spherical(jam - radar_enu)[1]))))
    edge = antenna.first_null_rad(np.radians(spec.beamwidth_az_deg)) + 4 * np.radians(spec.sigma_azimuth_deg)
    assert np.all(off_az < edge)


def test_cross_eye_turns_the_measured_azimuth_by_the_monopulse_error() -> None:
    from samsim.models import frames

    text = DECEIVER.format(drfm="true", n_false=0, catalog="", weapons="hold")
    text = text.replace(
        "rgpo_mps2: 100, rgpo_hold_s: 2",
        "cross_eye_m: 15, cross_eye_amplitude: 0.9, cross_eye_phase_deg: 180",
    ).replace("duration_s: 300", "duration_s: 640")  # on to 10 km from the battery
    w = compile_world(loads(text))
    k = w.batteries[0].radars.ids.index("92N6E")
    clean, out, counts = deceived(w, k)
    rows = np.flatnonzero(clean.truth == 0)
    assert rows.size > 20
    radar_enu = w.batteries[0].radars.enu_m[k]
    r0, az0, el0 = frames.enu_to_spherical(clean.z_enu_m[rows] - radar_enu)
    r1, az1, el1 = frames.enu_to_spherical(out.z_enu_m[rows] - radar_enu)
    np.testing.assert_allclose(r1, r0, rtol=1e-12)  # range and elevation untouched
    np.testing.assert_allclose(el1, el0, atol=1e-12)
    turn = np.abs(np.angle(np.exp(1j * (az1 - az0))))
    # Head-on, the wing span is across the sight line: error (L / R) / 2 x (1 - 0.81) / (1 + 0.81 -
    # 1.8) x J/S / (1 + J/S) with J/S = 10 dB, up to half the 1 deg beamwidth. (At beam aspect the span
    # lies along the sight line and the error vanishes.)
    want = np.minimum(0.5 * 15.0 / r0 * 19.0 * 10.0 / 11.0, np.radians(0.5))
    np.testing.assert_allclose(turn, want, rtol=0.01)
    assert counts.seduced == np.count_nonzero(want > 3 * np.radians(0.05)) > 0


def test_false_targets_of_a_moved_battery_lie_beyond_the_threat_from_its_new_site() -> None:
    import math

    from samsim.constants import MEAN_EARTH_RADIUS_M
    from tests.sim.test_moves import _scenario

    lon_new = 33.0 - math.degrees(20e3 / (MEAN_EARTH_RADIUS_M * math.cos(math.radians(40.0))))
    threat = """  - id: cm
    type: Tomahawk
    start_s: 3100
    target: base
    deception: {js_db: 10, drfm: true, false_targets: 2}
    route:
      - {lat_deg: 40.0, lon_deg: 31.5, alt_m: 3000, speed_mps: 245}
      - {lat_deg: 40.0, lon_deg: 34.0, alt_m: 3000}
"""
    w = compile_world(
        loads(
            _scenario(
                f"[{{at_s: 0, to: {{lat_deg: 40.0, lon_deg: {lon_new:.6f}, alt_m: 0}}}}]",
                threat,
                duration_s=3400,
                radars="    radars: [{type: 96L6E, mast_m: 25}]\n",
                base_lon=34.0,
            )
        )
    )
    bat = w.batteries[0]
    clean, out, counts = deceived(w, 0)
    assert counts.false_targets > 10
    rows = np.flatnonzero(out.truth == false_target_truth(0))
    scan_of = np.repeat(np.arange(out.time_s.size), np.diff(out.offsets))[rows]
    t = out.time_s[scan_of]
    radar = bat.radar_enu_at(0, t)  # the new site, in the battery frame
    threat = bat.frame.ecef_to_enu(positions_ecef(w.threats, np.zeros(rows.size, dtype=np.int64), t))
    beyond = np.linalg.norm(out.z_enu_m[rows] - radar, axis=1) - np.linalg.norm(threat - radar, axis=1)
    k = np.round(beyond / 2000.0)
    assert set(k.tolist()) <= {1.0, 2.0}
    np.testing.assert_allclose(beyond, 2000.0 * k, atol=4 * bat.radars.specs[0].sigma_range_m)


ESCORT = """  - id: escort
    type: EA-18G
    target: base
    route:
      - {lat_deg: 40.003, lon_deg: 31.0, alt_m: 8000, speed_mps: 250}
      - {lat_deg: 40.003, lon_deg: 33.0, alt_m: 8000}
"""


def test_drfm_false_targets_are_not_jammed_by_a_noise_jammer_shot_down() -> None:
    from samsim.sim.sensing import radar_scan_times, scan_window

    escorted = compile_world(
        loads(DECEIVER.format(drfm="true", n_false=3, catalog="", weapons="hold") + ESCORT)
    )
    alone = world(n_false=3)
    k = escorted.batteries[0].radars.ids.index("92N6E")
    times = radar_scan_times(escorted, 0, k, np.random.default_rng(0))
    after = times[times > 150.0]

    def false_target_snr(w, killed_s):  # type: ignore[no-untyped-def]
        rs = scan_window(w, 0, k, after, np.random.default_rng(1), killed_s)
        out, counts = apply_deception(w, rs, np.random.default_rng(2), killed_s)
        rows = np.flatnonzero(out.truth == false_target_truth(0))
        scan_of = np.repeat(np.arange(out.time_s.size), np.diff(out.offsets))[rows]
        # Every copy of a look has the same SNR: one per scan.
        return dict(zip(out.time_s[scan_of].tolist(), out.snr_db[rows].tolist(), strict=True)), counts

    _, jammed_counts = false_target_snr(escorted, np.array([np.inf, np.inf]))
    shot_down, counts = false_target_snr(escorted, np.array([np.inf, 150.0]))
    unescorted, _ = false_target_snr(alone, None)
    # The escort's noise masks the copies while it flies beside the striker, in the main lobe...
    assert counts.false_targets > 50 and jammed_counts.false_targets < counts.false_targets / 10
    # ...and none once it is shot down: each copy's SNR is the one without the escort in the run.
    common = sorted(set(shot_down) & set(unescorted))
    assert len(common) > 0.9 * len(shot_down) > 15
    np.testing.assert_allclose([shot_down[t] for t in common], [unescorted[t] for t in common], atol=1e-9)


def test_source_threat_of_echoes_false_targets_and_false_alarms() -> None:
    """An echo is its threat, a DRFM false target its jammer, a false alarm -1 (1-D compiled, any
    other shape the NumPy form)."""
    from samsim.sim.deception import source_threat

    truth = np.array([3, -1, false_target_truth(0), false_target_truth(7), 0], dtype=np.int64)
    np.testing.assert_array_equal(source_threat(truth), [3, -1, 0, 7, 0])
    np.testing.assert_array_equal(source_threat(truth.reshape(1, 5)), [[3, -1, 0, 7, 0]])
    assert source_threat(np.zeros(0, dtype=np.int64)).shape == (0,)
