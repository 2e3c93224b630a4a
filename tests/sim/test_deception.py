"""Deception jamming in a run: pulled-off detections, DRFM false targets, ECCM, false tracks."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from samsim.scenario import loads
from samsim.sim.deception import apply_deception
from samsim.sim.engine import Engine
from samsim.sim.sensing import scan_radar
from samsim.sim.world import compile_world

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
    assert np.count_nonzero(out.truth == -1) == np.count_nonzero(clean.truth == -1) + counts.false_targets
    assert out.offsets[-1] == out.truth.size
    # Each scan's rows: the real ones unchanged (leading-edge radar), false targets beyond the threat.
    for s in range(clean.time_s.size):
        a, b = out.offsets[s], out.offsets[s + 1]
        real = out.truth[a:b] == 0
        if np.any(real):
            extra = out.range_m[a:b][(out.truth[a:b] == -1)]
            assert np.sum(extra > out.range_m[a:b][real].max() + 1000.0) >= 1 or extra.size == 0


def test_false_targets_make_false_tracks_that_draw_interceptors() -> None:
    result = Engine(world(n_false=4, weapons="free"), seed=1).run()
    ev = result.events
    confirms = ev.filter(pc.equal(ev.column("kind"), "track_confirm"))
    assert confirms.filter(pc.equal(confirms.column("detail"), "false track")).num_rows >= 2
    assert len(result.interceptors) > result.threats[0].shots  # some fired at false tracks
    assert result.threats[0].first_track_s is not None
