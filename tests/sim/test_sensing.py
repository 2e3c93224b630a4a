"""Sensing in the engine: horizon, calibration, jamming burn-through, emission control, tracks."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc
import pytest
from scipy.optimize import brentq

from samsim import catalog, loads, simulate
from samsim.models import horizon, jamming
from samsim.sim.engine import Engine
from samsim.sim.sensing import look_pd, look_snr_db, reference_snr_db
from samsim.sim.world import compile_world

LOW_FLYER = """\
samsim: 1
name: low-flyer
duration_s: 900
environment: {{ground_alt_m: 0}}
assets:
  - {{id: base, position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}, radius_m: 500}}
batteries:
  - id: b
    system: S-400
    position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}
    radars: [{{type: {radar}, mast_m: {mast}}}]
    doctrine: {{weapons: hold}}
    radiate_from_s: {radiate}
threats:
  - id: cm
    type: Tomahawk
    rcs_m2: 5.0
    target: base
    route:
      - {{lat_deg: 40.0, lon_deg: 31.4, alt_m: {alt}, speed_mps: 245}}
      - {{lat_deg: 40.0, lon_deg: 33.0, alt_m: {alt}}}
"""


def detections(result):  # type: ignore[no-untyped-def]
    ev = result.events
    return ev.filter(pc.equal(ev.column("kind"), "detect"))


@pytest.mark.parametrize("alt_m", [50.0, 300.0])
def test_low_flyer_never_detected_beyond_its_horizon(alt_m: float) -> None:
    sc = loads(LOW_FLYER.format(radar="96L6E", mast=25, alt=alt_m, radiate=0))
    spec = catalog.radar("96L6E")
    h_antenna = 25.0 + spec.mast_m * 0  # mast_m given in the scenario
    limit_km = horizon.horizon_ground_range_m(h_antenna, alt_m) / 1000.0
    first_ranges = []
    for seed in range(12):
        det = detections(simulate(sc, seed=seed))
        ranges = np.array([float(d.split("=")[1]) for d in det.column("detail").to_pylist()])
        assert ranges.size > 0
        # Slant range of a detection (measured, sigma 50 m) never exceeds the horizon distance.
        assert ranges.max() <= limit_km * 1.002 + 0.2
        first_ranges.append(ranges.max())
    # ... and detections begin close to the horizon (the 5 m2 target is far inside its free-space range).
    assert np.median(first_ranges) > 0.85 * limit_km


def test_radiate_from_holds_detections() -> None:
    sc = loads(LOW_FLYER.format(radar="92N6E", mast=10, alt=3000, radiate=300))
    det = detections(simulate(sc, seed=1))
    assert det.num_rows > 0
    assert pc.min(det.column("time_s")).as_py() >= 300.0


def test_detection_range_scales_with_rcs_to_the_quarter() -> None:
    spec = catalog.radar("91N6E")
    for rcs in (0.01, 0.1, 1.0, 4.0, 20.0):
        r = spec.ref_range_m * (rcs / spec.ref_rcs_m2) ** 0.25
        pd = look_pd(spec, np.array([r]), np.array([rcs]), spec.swerling)
        assert pd[0] == pytest.approx(spec.ref_pd, abs=1e-9)
    assert reference_snr_db(spec) == pytest.approx(10 * np.log10(np.log(1e-6) / np.log(0.5) - 1), abs=1e-9)


def test_jamming_detection_returns_at_burn_through_range() -> None:
    spec = catalog.radar("92N6E")
    rcs, erp, bw = 1.0, 10.0, 100.0

    def jnr_db(r: float) -> float:
        return float(
            jamming.jammer_to_noise_db(
                r,
                erp,
                bw * 1e6,
                spec.antenna_gain_db,
                299_792_458.0 / (spec.frequency_ghz * 1e9),
                spec.noise_figure_db,
                spec.bandwidth_mhz * 1e6,
                spec.losses_db,
            )
        )

    def margin_db(r: float) -> float:
        return float(look_snr_db(spec, np.array([r]), np.array([rcs]), np.array([jnr_db(r)]))[0] - required)

    required = reference_snr_db(spec)  # Pd 0.5 per look
    clean = look_snr_db(spec, np.array([100e3]), np.array([rcs]))[0]
    jnr = jnr_db(100e3)
    r_bt = float(jamming.burn_through_range_m(required, clean, jnr, 100e3))
    crossing = brentq(margin_db, 100.0, 400e3, xtol=1e-6)
    assert crossing == pytest.approx(r_bt, rel=1e-6)
    assert margin_db(0.9 * r_bt) > 0 > margin_db(1.1 * r_bt)
    # Jamming shrinks the detection range well below the free-space one.
    assert r_bt < 0.5 * spec.ref_range_m * (rcs / spec.ref_rcs_m2) ** 0.25


def test_tracks_follow_threats_and_report_times() -> None:
    sc = loads(LOW_FLYER.format(radar="92N6E", mast=10, alt=5000, radiate=0))
    engine = Engine(compile_world(sc), seed=3)
    result = engine.run()
    threat = result.threats[0]
    assert threat.first_detected_s is not None and threat.first_track_s is not None
    assert threat.first_detected_s <= threat.first_track_s < threat.first_detected_s + 60
    ev = result.events
    confirms = ev.filter(pc.equal(ev.column("kind"), "track_confirm"))
    assert "cm" in confirms.column("threat").to_pylist()
    traj = result.trajectories
    tracks = traj.filter(pc.equal(traj.column("kind"), "track"))
    assert tracks.num_rows > 100
    # The firm track sits within a few hundred metres of the truth at the same time.
    truth = traj.filter(pc.equal(traj.column("kind"), "threat"))
    t_truth = truth.column("time_s").to_numpy()
    e_truth = truth.column("east_m").to_numpy()
    t_track = tracks.column("time_s").to_numpy()
    e_track = tracks.column("east_m").to_numpy()
    err = np.abs(np.interp(t_track, t_truth, e_truth) - e_track)
    assert np.median(err) < 300.0
    times = ev.column("time_s").to_numpy()
    assert np.all(np.diff(times) >= 0)
