"""The command post's track management: looks weighed by each radar's detection probability, RCS
estimated from amplitude, and more radars never making firm tracks later."""

from __future__ import annotations

import numpy as np
import pytest

from samsim import catalog, loads, simulate
from samsim import geodesy as geo
from samsim.c2.doctrine import Engagement
from samsim.models import flyout, radar
from samsim.sim import battery, sensing
from samsim.sim.command_post import TRACK_MAX_PD, BatteryRuntime, predict_position
from samsim.sim.engine import Engine
from samsim.sim.world import compile_world
from samsim.tracking import kalman, models

SITE = (40.0, 33.0)
ALL_RADARS = (
    "{type: 91N6E}, {type: 92N6E, offset_m: [300, 0, 0]}, {type: 96L6E, offset_m: [0, 300, 0], mast_m: 25}"
)


def inbound_f16(radars: str, start_m: float = 420e3, duration_s: float = 700) -> str:
    """One F-16C at 9 km flying straight at the battery from ``start_m``, weapons on hold."""
    lat, lon, _ = geo.geodesic_direct(SITE[0], SITE[1], 270.0, start_m)
    return f"""\
samsim: 1
name: more-radars
duration_s: {duration_s}
environment: {{ground_alt_m: 0}}
assets:
  - {{id: base, position: {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}}}, radius_m: 2000}}
batteries:
  - id: b
    system: S-400
    position: {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}}}
    radars: [{radars}]
    doctrine: {{weapons: hold}}
threats:
  - id: f
    type: F-16C
    target: base
    route:
      - {{lat_deg: {float(lat):.5f}, lon_deg: {float(lon):.5f}, alt_m: 9000, speed_mps: 250}}
      - {{lat_deg: {SITE[0]}, lon_deg: {SITE[1]}, alt_m: 9000}}
"""


def test_more_radars_never_make_the_firm_track_later() -> None:
    # The 91N6E sees the F-16 first (Pd ~0.1-0.5 per look beyond 300 km); the 92N6E looks five times
    # as often but at ~0.01-0.05. Its misses used to delete the tracks the 91N6E started. The 91N6E
    # draws the same detections in both runs (one random stream per radar).
    seeds = range(8)
    every = loads(inbound_f16(ALL_RADARS))
    alone = loads(inbound_f16("{type: 91N6E}"))
    t_all = np.array([simulate(every, seed=s, trajectories=False).threats[0].first_track_s for s in seeds])
    t_alone = np.array([simulate(alone, seed=s, trajectories=False).threats[0].first_track_s for s in seeds])
    assert np.median(t_all) <= np.median(t_alone), (t_all, t_alone)
    assert np.sum(t_all > t_alone + 1e-9) <= 1, (t_all, t_alone)
    # and the firm track comes at long range: beyond 290 km (inbound at 250 m/s from 420 km)
    assert np.median(420e3 - 250.0 * t_all) > 290e3


def test_rcs_estimate_is_not_biased_by_the_detection_threshold() -> None:
    # A 1.2 m² Swerling 1 target at 350 km from the 91N6E (Pd ~0.24): only strong fluctuations cross
    # the threshold, so 1 + SNR of the detections would put the RCS at twice the truth and more. The
    # post's estimate from the power's excess over the threshold is unbiased in the log for 1 + S:
    # E[ln sigma_hat] = ln((1 + S) / c), c the mean SNR of 1 m² at that range.
    rt = BatteryRuntime(compile_world(loads(inbound_f16(ALL_RADARS))), 0)
    spec = catalog.radar("91N6E")
    n, rcs, rng_m = 100_000, 1.2, np.full(100_000, 350e3)
    mean_snr_db = sensing.look_snr_db(spec, rng_m[:1], np.array([rcs]))[0]
    assert 0.15 < radar.probability_of_detection(mean_snr_db, spec.pfa, 1) < 0.35
    snr_db = radar.detected_snr_db(np.full(n, mean_snr_db), spec.pfa, 1, np.random.default_rng(3))
    log_rcs, variance = rt.measurement_log_rcs(0, snr_db, rng_m)
    per_m2 = radar.db_to_ratio(sensing.look_snr_db(spec, rng_m[:1], np.ones(1)))[0]
    expected = np.log((1.0 + radar.db_to_ratio(mean_snr_db)) / per_m2)
    assert log_rcs.mean() == pytest.approx(expected, abs=4.0 * np.sqrt(variance / n))
    assert variance == pytest.approx(np.pi**2 / 6.0)
    assert abs(np.exp(log_rcs.mean()) / rcs - 1.0) < 0.15
    # the plain amplitude estimate, sigma_ref (SNR / SNR_ref) (R / R_ref)^4, is far off
    naive = np.log(radar.db_to_ratio(snr_db) / per_m2).mean()
    assert np.exp(naive) > 1.8 * rcs


def test_looks_are_weighed_by_each_radars_detection_probability() -> None:
    world = compile_world(loads(inbound_f16(ALL_RADARS)))
    engine = Engine(world, seed=7)
    engine.run()
    rt = engine.batteries[0]
    assert len(rt.tracker) > 0
    for k in range(len(rt.geometry)):
        in_view, pd = rt.track_pd(k, world.duration_s)
        assert pd.shape == in_view.shape and np.all(pd[~in_view] == 0.0)
        assert np.all((pd >= 0.0) & (pd <= TRACK_MAX_PD))
    # at the end the F-16 is 245 km out, in range of the 91N6E and 92N6E: the estimate is the F-16's
    ids = rt.tracker.ids[rt.tracker.is_confirmed]
    followed = [i for i in ids.tolist() if rt.label.get(i) == 0]
    assert followed
    assert np.exp(rt.track_log_rcs(np.array(followed[:1]))[0]) == pytest.approx(1.2, rel=0.6)


def test_received_snr_is_drawn_after_everything_else() -> None:
    # Replacing the SNR draw by one that consumes no random numbers leaves every measurement as it was.
    world = compile_world(loads(inbound_f16(ALL_RADARS)))
    scans = [sensing.scan_radar(world, 0, k, np.random.default_rng(11 + k)) for k in range(3)]
    original = radar.detected_snr_db
    try:
        radar.detected_snr_db = lambda snr_db, pfa, sw, rng: np.asarray(snr_db, dtype=float)  # type: ignore[assignment]
        plain = [sensing.scan_radar(world, 0, k, np.random.default_rng(11 + k)) for k in range(3)]
    finally:
        radar.detected_snr_db = original  # type: ignore[assignment]
    for a, b in zip(scans, plain, strict=True):
        np.testing.assert_array_equal(a.z_enu_m, b.z_enu_m)
        np.testing.assert_array_equal(a.truth, b.truth)
        assert a.snr_db.shape == a.truth.shape
        # every measurement crossed the threshold: 1 + SNR >= T (Swerling 1 target and false alarms)
        assert np.all(radar.db_to_ratio(a.snr_db) >= -np.log(catalog.radar("91N6E").pfa) - 1.0 - 1e-9)


def _firm_tracks(rt: BatteryRuntime, north_m: list[float], t0_s: float, looks: int = 6) -> list[int]:
    """Feed the battery's tracker targets at 5 km up flying east at 200 m/s from 10 km east at t = 0,
    ``north_m`` apart, over ``looks`` seconds from ``t0_s``; returns their firm track ids."""
    tracker = rt.tracker
    for k in range(looks):
        t = t0_s + k
        n = len(tracker)
        z = np.array([[10_000.0 + 200.0 * t, y, 5000.0] for y in north_m])
        tracker.step(
            t, z, np.eye(3)[None] * 100.0, pd_track=np.full(n, 0.9), pd_meas=np.full(len(north_m), 0.9)
        )
    ids = tracker.ids[tracker.is_confirmed]
    pos = tracker.mean[tracker.is_confirmed]
    return [int(ids[np.argmin(np.abs(pos[:, 1] - y))]) for y in north_m]


def _empty_look(rt: BatteryRuntime, t: float) -> None:
    """A scan of the battery's 91N6E that detects nothing (the tracks have no RCS estimate in its
    band, so it expects none of them)."""
    rt.step(0, t, np.zeros((0, 3)), np.zeros((0, 3, 3)), np.zeros(0), np.zeros(0))


def test_a_coasting_track_is_extrapolated_once() -> None:
    # The tracker predicts every track to each scan's time, so a track last updated at 5 s holds its
    # estimate at 9 s after an empty scan then; at 12 s it is at x0 + v * 12, not v * (12 + 4).
    rt = BatteryRuntime(compile_world(loads(inbound_f16(ALL_RADARS))), 0)
    (track,) = _firm_tracks(rt, [0.0], 0.0)
    _empty_look(rt, 9.0)
    assert rt.tracker.last_update_s[0] == pytest.approx(5.0)
    assert rt.estimate_s == 9.0
    pos = rt.predicted_positions(12.0)[list(rt.tracker.ids).index(track)]
    assert pos[0] == pytest.approx(10_000.0 + 200.0 * 12.0, abs=30.0)


def test_predicted_position_covariance_is_the_ncv_prediction() -> None:
    rng = np.random.default_rng(2)
    a = rng.normal(size=(4, 6, 6))
    cov = a @ a.transpose(0, 2, 1) + 6.0 * np.eye(6)
    mean = rng.normal(size=(4, 6)) * 100.0
    dt = np.array([0.0, 1.5, 4.0, 20.0])
    q = np.array([5.0, 2000.0, 100.0, 5.0])
    pos, p = predict_position(mean, cov, dt, q)
    for i in range(4):
        m_ref, p_ref = kalman.predict(
            mean[i : i + 1],
            cov[i : i + 1],
            models.ncv_transition(dt[i], 3),
            models.ncv_process_noise(dt[i], q[i], 3),
        )
        assert pos[i] == pytest.approx(m_ref[0, :3])
        assert p[i] == pytest.approx(p_ref[0, :3, :3])


def test_a_lost_track_under_fire_hands_its_engagement_to_the_track_that_continues_it() -> None:
    rt = BatteryRuntime(compile_world(loads(inbound_f16(ALL_RADARS))), 0)
    (lost,) = _firm_tracks(rt, [0.0], 0.0)
    rt.memory.engagements[lost] = Engagement(in_flight=2, salvos=1)
    _empty_look(rt, 7.0)  # the post keeps the estimate of the track under fire
    assert set(rt.engaged_estimates) == {lost}
    t = 8.0
    while lost in rt.tracker.ids:  # looks that should have seen it, and missed: the tracker deletes it
        n = len(rt.tracker)
        z = np.zeros((0, 3))
        rt.tracker.step(t, z, np.zeros((0, 3, 3)), pd_track=np.full(n, TRACK_MAX_PD), pd_meas=np.zeros(0))
        t += 1.0
    assert t < 20.0
    rt.forget(lost)
    assert set(rt.memory.lost) == {lost}
    # Later, new tracks on the same target and on one 5 km north of it.
    same, other = _firm_tracks(rt, [0.0, 5000.0], 20.0)
    t = 27.0
    firm = rt.tracker.ids[rt.tracker.is_confirmed]
    dup = rt.duplicates(firm, t)
    assert dup[list(firm).index(same)], "a second track of the target under fire is a duplicate"
    assert not dup[list(firm).index(other)]
    assert rt.hand_over(t) == [(lost, same)]
    assert rt.memory.engagements[same].in_flight == 2 and lost not in rt.memory.lost
    assert other not in rt.memory.engagements
    # the track that took over is the one under fire now, not a duplicate of it
    assert not rt.duplicates(firm, t)[list(firm).index(same)]
    # the duplicate test reads the estimates still held from their rows: the very states
    # engaged_estimates makes of them, in its order, then the lost tracks'
    assert rt._pending is not None
    ids, mean, cov, when_s, q = rt._engaged_states()
    held = rt.engaged_estimates
    want = list(held.values()) + list(rt.memory.lost.values())
    assert ids.tolist() == list(held) == [same]
    assert np.array_equal(mean, np.array([e.mean for e in want]))
    assert np.array_equal(cov, np.array([e.cov for e in want]))
    assert when_s.tolist() == [e.time_s for e in want] and q.tolist() == [e.q_m2ps3 for e in want]
    # a lost track whose interceptors have all ended is forgotten, not handed over
    rt.memory.engagements[99] = Engagement(in_flight=0, salvos=1)
    rt.memory.lost[99] = rt.engaged_estimates[same]
    assert rt.hand_over(t + 1.0) == [] and 99 not in rt.memory.lost


def test_interceptors_in_midcourse_follow_their_track_to_the_threat_it_now_follows() -> None:
    sc = loads(inbound_f16(ALL_RADARS).replace("weapons: hold", "weapons: free"))
    world = compile_world(sc)
    rt = BatteryRuntime(world, 0)
    state = rt.state
    for slot, status in ((0, flyout.MIDCOURSE), (1, flyout.TERMINAL)):
        state.meta.append(
            battery.InterceptorMeta(
                id=f"i{slot}", type="48N6E3", track=7, threat=-1, launch_s=0.0, post=rt.name
            )
        )
        state.flight.status[slot] = status
        state.flight.target[slot] = -1
        state.flying.append(slot)
    mean = np.array([[1000.0, 2000.0, 3000.0, 10.0, 20.0, 0.0]])
    changes = battery.refresh_tracks(state, rt.name, np.array([7]), mean, 4.0, {7: 0})
    # the mid-course one now homes on threat 0; the one whose seeker has locked on keeps its target
    assert changes == [(0, -1, 0)]
    assert state.meta[0].threat == 0 and state.flight.target[0] == 0
    assert state.meta[1].threat == -1 and state.flight.target[1] == -1
    # ... and its homing reads threat 0 where it truly is, though the battery never fired at it
    # (a zeroed row would have sent it to the battery's own origin)
    truth = state.truth
    t_s = float(truth.t0_s[0]) + 10.0 * truth.dt_s
    homes_on = np.array(
        flyout._truth(truth.pos_m, 0, t_s, truth.t0_s[0], truth.dt_s, truth.rotation, truth.origin_m)
    )
    true_enu = world.batteries[0].frame.ecef_to_enu(world.threats.table_ecef_m[0, 10])
    np.testing.assert_allclose(homes_on[:3], true_enu, atol=1e-6)
    assert np.linalg.norm(true_enu) > 100e3
    assert state.flight.track_time_s[0] == 4.0 and state.flight.track_pos_m[0] == pytest.approx(mean[0, :3])
    # never onto a threat already dead
    state.meta[0].threat = state.flight.target[0] = -1
    state.truth.dead_s[0] = 0.0
    assert battery.refresh_tracks(state, rt.name, np.array([7]), mean, 4.0, {7: 0}) == []


def test_per_track_figures_follow_the_tracker_rows() -> None:
    # The post keeps what it knows of each track (RCS statistics, engagement-radar update times) in
    # rows aligned with the tracker's; they must stay with their track when steps delete and start
    # tracks, whether the post made the step or the tracker was stepped directly (a move's age-out).
    rt = BatteryRuntime(compile_world(loads(inbound_f16(ALL_RADARS))), 0)
    firm = _firm_tracks(rt, [0.0, 5000.0, 10000.0], 0.0)
    t = 6.0
    engagement = next(k for k, g in enumerate(rt.geometry) if g.spec.role == "engagement")
    spec = rt.geometry[engagement].spec
    pos = rt.predicted_positions(t)[np.searchsorted(rt.tracker.ids, firm)]
    rng_m = np.linalg.norm(pos - rt.geometry[engagement].enu_m, axis=1)
    snr_db = sensing.look_snr_db(spec, rng_m, np.full(3, 2.0)) + np.array([0.0, 3.0, 6.0])
    res = rt.step(engagement, t, pos, np.tile(np.eye(3) * 100.0, (3, 1, 1)), snr_db, rng_m)
    assert res.track_of_measurement.tolist() == firm
    log_rcs, variance = rt.measurement_log_rcs(engagement, snr_db, rng_m)
    band = rt.bands[engagement]
    expected = log_rcs - np.sqrt(variance)  # one detection each: its estimate less one standard error
    # the step's compiled route: the C library's logarithm, NumPy's here (both within a few ulps)
    np.testing.assert_allclose(rt.track_log_rcs(np.array(firm), band), expected, rtol=0.0, atol=1e-13)
    np.testing.assert_array_equal(rt.engagement_update_times_s(np.array(firm)), [t, t, t])
    # a tracker step outside the post: the middle track is not seen, a new one starts far away
    for k in range(4):
        n = len(rt.tracker)
        ahead = pos[[0, 2]] + [200.0 * (1.0 + k), 0.0, 0.0]  # the targets fly east at 200 m/s
        z = np.concatenate([ahead, [[-80e3, 40e3 + 1000.0 * k, 9000.0]]])
        rt.tracker.step(
            t + 1.0 + k, z, np.eye(3)[None] * 100.0, pd_track=np.full(n, 0.95), pd_meas=np.full(3, 0.9)
        )
    assert firm[1] not in rt.tracker.ids and firm[0] in rt.tracker.ids and firm[2] in rt.tracker.ids
    keep = np.array([firm[0], firm[2]])
    np.testing.assert_allclose(rt.track_log_rcs(keep, band), expected[[0, 2]], rtol=0.0, atol=1e-13)
    np.testing.assert_array_equal(rt.engagement_update_times_s(keep), [t, t])
    newest = rt.tracker.ids[-1:]
    assert newest[0] > max(firm)
    assert rt.engagement_update_times_s(newest)[0] == -np.inf
    assert rt.engagement_update_times_s(np.array([firm[1]]))[0] == -np.inf  # deleted: forgotten


def test_in_view_is_sensings_visibility_of_every_track() -> None:
    # Tracks far beyond a radar's instrumented range skip sensing.visible; the mask must be the one
    # visible() gives over all tracks.
    world = compile_world(loads(inbound_f16(ALL_RADARS)))
    engine = Engine(world, seed=3)
    engine.run()
    rt = engine.batteries[0]
    _firm_tracks(rt, [0.0, 400e3, -700e3], 700.0)
    t = 710.0
    mean = rt.tracker.mean
    pos = mean[:, :3] + mean[:, 3:] * (t - rt.estimate_s)
    height = (
        rt.frame.alt_m + pos[:, 2] + (pos[:, 0] ** 2 + pos[:, 1] ** 2) / (2.0 * 6371e3) - rt.horizon_ref_alt_m
    )
    for k, geom in enumerate(rt.geometry):
        mask, _, _, _ = sensing.visible(geom, pos - geom.enu_m, height)
        np.testing.assert_array_equal(rt.in_view(k, t), mask)
        assert 0 < mask.sum() < mask.size or k > 0


def test_track_pd_is_look_pd_at_the_expected_rcs() -> None:
    # The post's Pd of a track in view is sensing.look_pd of the radar's own Swerling case at the
    # track's predicted range and its expected RCS in the radar's band; 0 where no detection of
    # that band has measured it, and never above TRACK_MAX_PD.
    rt = BatteryRuntime(compile_world(loads(inbound_f16(ALL_RADARS))), 0)
    firm = _firm_tracks(rt, [0.0, 5000.0, 10000.0], 0.0)
    engagement = next(k for k, g in enumerate(rt.geometry) if g.spec.role == "engagement")
    spec = rt.geometry[engagement].spec
    pos = rt.predicted_positions(6.0)[np.searchsorted(rt.tracker.ids, firm)]
    rng_m = np.linalg.norm(pos - rt.geometry[engagement].enu_m, axis=1)
    snr_db = sensing.look_snr_db(spec, rng_m, np.full(3, 2.0)) + np.array([0.0, 3.0, 6.0])
    rt.step(engagement, 6.0, pos, np.tile(np.eye(3) * 100.0, (3, 1, 1)), snr_db, rng_m)
    t = 6.5
    for k, geom in enumerate(rt.geometry):
        in_view, pd = rt.track_pd(k, t)
        np.testing.assert_array_equal(in_view, rt.in_view(k, t))
        spec = geom.spec
        rows = np.flatnonzero(in_view)
        ids = rt.tracker.ids[rows]
        band = rt.bands[k]
        same_band = band == rt.bands[engagement]
        measured = np.array([same_band and i in firm for i in ids.tolist()], dtype=bool)
        assert measured.any() or not same_band
        pos = rt.predicted_positions(t)[rows]
        rng_m = np.maximum(np.linalg.norm(pos - geom.enu_m, axis=1), 1.0)
        want = np.zeros(rows.size)
        if measured.any():
            rcs_m2 = np.exp(rt.track_log_rcs(ids[measured], band))
            want[measured] = sensing.look_pd(spec, rng_m[measured], rcs_m2, spec.swerling)
        np.testing.assert_allclose(pd[rows], np.minimum(want, TRACK_MAX_PD), rtol=1e-9, atol=0.0)
        assert np.all(pd[~in_view] == 0.0)
        assert np.all(pd <= TRACK_MAX_PD)


def test_nobody_reads_a_tentative_tracks_covariance_or_mode_probabilities(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The battery tracker predicts a tentative track only when a measurement updates it
    # (Tracker(defer_tentative=True), Tracker.view): its covariance and mode probabilities are those
    # of its last update. Every view of the picture (the engine looks after every step) showing NaN
    # in every tentative row's covariance and mode probabilities must change nothing in a networked
    # run that engages, hands over and tests duplicates.
    from samsim.tracking import Tracker
    from samsim.tracking.tracker import TrackView

    from .test_network import F35S, TWO, _scenario

    sc = _scenario(TWO, F35S)
    plain = simulate(sc, seed=0, trajectories=False)
    view = Tracker.view
    poisoned = [0]

    def poisoning_view(self: Tracker) -> object:
        assert self.defer_tentative
        shown = view(self)
        tentative = ~shown.confirmed
        if not tentative.any():
            return shown
        cov, prob = shown.cov.copy(), shown.prob.copy()
        cov[tentative] = np.nan
        prob[tentative] = np.nan
        poisoned[0] += int(tentative.sum())
        return TrackView(shown.ids, shown.mean, cov, shown.confirmed, prob)

    monkeypatch.setattr(Tracker, "view", poisoning_view)
    result = simulate(sc, seed=0, trajectories=False)
    assert poisoned[0] > 0 and plain.interceptors
    assert result.events.equals(plain.events)
    assert result.interceptors == plain.interceptors


def test_a_tentative_track_lives_a_few_revisits_of_the_radar_that_saw_it() -> None:
    # 3.5 revisits of the slowest radar that detected it (M-of-N initiation counts its sensor's own
    # scans): a 92N6E detection (2 s revisit) is dropped 7 s after it, a 91N6E one (10 s) waits 35 s
    # for that radar's next looks. The empty scans come from the 96L6E, whose C band neither track
    # has an RCS estimate in: its looks have Pd 0 and cannot delete either track by its score.
    rt = BatteryRuntime(compile_world(loads(inbound_f16(ALL_RADARS))), 0)
    surveillance, engagement, low = (rt.bands.index(b) for b in ("S", "X", "C"))
    assert [rt.geometry[k].spec.revisit_s for k in (surveillance, engagement, low)] == [10.0, 2.0, 6.0]

    def detect(radar: int, time_s: float, pos: list[float]) -> int:
        z = np.array([pos])
        rng_m = np.linalg.norm(z - rt.geometry[radar].enu_m, axis=1)
        snr_db = sensing.look_snr_db(rt.geometry[radar].spec, rng_m, np.full(1, 2.0))
        res = rt.step(radar, time_s, z, np.eye(3)[None] * 100.0, snr_db, rng_m)
        return int(res.started[0])

    fast = detect(engagement, 0.0, [100e3, 0.0, 9000.0])
    slow = detect(surveillance, 0.1, [-100e3, 50e3, 9000.0])
    held = []
    for t in (6.9, 7.1, 35.0, 35.2):
        rt.step(low, t, np.zeros((0, 3)), np.zeros((0, 3, 3)), np.zeros(0), np.zeros(0))
        held.append([i for i in (fast, slow) if i in rt.tracker.ids])
    assert held == [[fast, slow], [slow], [slow], []]
