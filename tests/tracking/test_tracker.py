"""Tracker: track management rules, expected masking, irregular intervals, and the peer recipe's logic."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from samsim.tracking import ScoreLogic, StepResult, Tracker, imm
from samsim.tracking import tracker as tracker_module
from samsim.tracking.models import ncv_process_noise, ncv_transition


def _feed(tr: Tracker, scans, t0: float = 0.0, dt: float = 1.0):
    return [tr.step(t0 + k * dt, np.reshape(z, (-1, tr.ndim))) for k, z in enumerate(scans)]


def test_confirmed_on_third_hit_and_ids_map_measurements() -> None:
    tr = Tracker(ndim=2, q=1.0, measurement_sigma_m=10.0)
    res = _feed(tr, [[[0.0, 0.0]], [[100.0, 0.0]], [[200.0, 0.0]], [[300.0, 0.0]]])
    assert [r.confirmed.tolist() for r in res] == [[], [], [0], []]
    assert [r.track_of_measurement.tolist() for r in res] == [[0], [0], [0], [0]]
    assert res[0].started.tolist() == [0] and tr.is_confirmed.tolist() == [True]
    ids, mean, cov = tr.confirmed_tracks()
    assert ids.tolist() == [0] and mean.shape == (1, 4) and cov.shape == (1, 4, 4)
    assert mean[0, 0] == pytest.approx(300.0, abs=10.0) and mean[0, 2] == pytest.approx(100.0, abs=5.0)


def test_confirm_hits_one_confirms_at_birth() -> None:
    tr = Tracker(ndim=3, confirm_hits=1, measurement_sigma_m=5.0)
    res = tr.step(0.0, np.zeros((1, 3)))
    assert res.confirmed.tolist() == [0] and res.started.tolist() == [0]


def test_m_of_n_window() -> None:
    hit, miss = [[0.0, 0.0]], np.zeros((0, 2))
    pattern = [hit, miss, miss, hit, hit]
    # unlimited window (the peers' rule): the 2nd hit confirms (scan 3)
    tr = Tracker(ndim=2, confirm_hits=2, max_misses=3, measurement_sigma_m=10.0)
    assert [r.confirmed.tolist() for r in _feed(tr, pattern)] == [[], [], [], [0], []]
    # 2 of the last 3 scans: at scan 3 the window holds miss, miss, hit; at scan 4 miss, hit, hit
    tr = Tracker(ndim=2, confirm_hits=2, confirm_window=3, max_misses=3, measurement_sigma_m=10.0)
    assert [r.confirmed.tolist() for r in _feed(tr, pattern)] == [[], [], [], [], [0]]


def test_deleted_after_max_misses_consecutive() -> None:
    z = [[[0.0, 0.0]], [[100.0, 0.0]], [[200.0, 0.0]]]
    for max_misses in (1, 3, 5):
        tr = Tracker(ndim=2, max_misses=max_misses, measurement_sigma_m=10.0)
        res = _feed(tr, z + [np.zeros((0, 2))] * 6)
        dropped_at = [k for k, r in enumerate(res) if r.dropped.size]
        assert dropped_at == [2 + max_misses]
        assert res[2 + max_misses].dropped_confirmed.tolist() == [0]
        assert len(tr) == 0
    # a hit resets the count: miss, miss, hit, miss, miss keeps the track with max_misses 3
    tr = Tracker(ndim=2, max_misses=3, measurement_sigma_m=10.0)
    e = np.zeros((0, 2))
    res = _feed(tr, z + [e, e, [[500.0, 0.0]], e, e])
    assert not any(r.dropped.size for r in res) and tr.misses.tolist() == [2]
    # tentative tracks follow the same rule and are reported in dropped but not dropped_confirmed
    tr = Tracker(ndim=2, max_misses=2, measurement_sigma_m=10.0)
    res = _feed(tr, [[[0.0, 0.0]], e, e])
    assert res[2].dropped.tolist() == [0] and res[2].dropped_confirmed.size == 0


def test_expected_mask_protects_unseen_tracks() -> None:
    tr = Tracker(ndim=2, max_misses=3, measurement_sigma_m=10.0)
    _feed(tr, [[[0.0, 0.0], [9000.0, 0.0]]] * 3)
    assert tr.is_confirmed.tolist() == [True, True]
    e = np.zeros((0, 2))
    # track 0 is outside the sensor's coverage for 5 scans: it must not be worn down; track 1 is
    dropped = []
    for k in range(5):
        res = tr.step(3.0 + k, e, expected=tr.ids == 1)
        dropped += res.dropped.tolist()
    assert dropped == [1] and tr.ids.tolist() == [0] and tr.misses.tolist() == [0]
    # back in coverage and still unseen: dropped after 3 expected misses
    res = [tr.step(8.0 + k, e, expected=[True]) for k in range(3)]
    assert res[2].dropped.tolist() == [0]
    with pytest.raises(ValueError, match="expected"):
        tr.step(20.0, e, expected=[True, False])


def test_irregular_intervals_equal_the_kalman_recursion() -> None:
    """Scans at uneven times: the tracker equals F(dt), Q(dt) applied by hand with the actual dt."""
    rng = np.random.default_rng(8)
    times = np.array([0.0, 0.4, 1.9, 2.0, 4.5, 4.6, 9.0, 9.3])
    vel = np.array([120.0, -80.0, 5.0])
    truth = vel[None] * times[:, None] + np.array([1000.0, 2000.0, 3000.0])
    r = np.diag([25.0, 100.0, 400.0])
    z = truth + rng.normal(size=truth.shape) @ np.linalg.cholesky(r).T
    q = 3.0
    tr = Tracker(ndim=3, q=q, confirm_hits=2)
    x = np.concatenate([z[0], np.zeros(3)])
    p = np.zeros((6, 6))
    p[:3, :3] = r
    p[3:, 3:] = 300.0**2 * np.eye(3)
    h = np.hstack([np.eye(3), np.zeros((3, 3))])
    tr.step(times[0], z[:1], R=r)
    for k in range(1, len(times)):
        dt = times[k] - times[k - 1]
        f = ncv_transition(dt, 3)
        x, p = f @ x, f @ p @ f.T + ncv_process_noise(dt, q, 3)
        s = h @ p @ h.T + r
        gain = p @ h.T @ np.linalg.inv(s)
        x, p = x + gain @ (z[k] - h @ x), p - gain @ s @ gain.T
        res = tr.step(times[k], z[k : k + 1], R=r[None])
        assert res.track_of_measurement.tolist() == [0]
        np.testing.assert_allclose(tr.mean[0], x, rtol=1e-9, atol=1e-7)
        np.testing.assert_allclose(tr.cov[0], p, rtol=1e-8, atol=1e-8)
    assert tr.last_update_s.tolist() == [9.3]
    np.testing.assert_allclose(tr.mean[0, 3:], vel, atol=15.0)
    # equal times are allowed (two sensors in one instant), going back is not
    tr.step(9.3, np.zeros((0, 3)), R=r)
    with pytest.raises(ValueError, match="before"):
        tr.step(9.0, np.zeros((0, 3)), R=r)


def test_crossing_targets_keep_their_identities() -> None:
    """Two targets crossing at 90 degrees through one point at t = 20 s; sigma 10 m, no clutter."""
    times = np.arange(41.0)
    a = np.stack([-4000.0 + 200.0 * times, -4000.0 + 200.0 * times], axis=1)
    b = np.stack([-4000.0 + 200.0 * times, 4000.0 - 200.0 * times], axis=1)
    held = 0
    for seed in range(10):
        rng = np.random.default_rng(seed)
        tr = Tracker(ndim=2, q=1.0, measurement_sigma_m=10.0)
        for k, t in enumerate(times):
            order = rng.permutation(2)
            z = np.stack([a[k], b[k]])[order] + rng.normal(size=(2, 2)) * 10.0
            res = tr.step(t, z)
            ids_of = res.track_of_measurement[np.argsort(order)]  # track ids of (a, b)
            if k == 0:
                first = ids_of.tolist()
            elif k != 20:  # at t = 20 s both are at one point and either pairing is right
                # never a swap; a measurement may fall outside its gate (P = exp(-4.5) in 2-D)
                # and start a stray tentative track, which is not an identity change
                assert ids_of[0] != first[1] and ids_of[1] != first[0], (seed, k)
                held += int(ids_of.tolist() == first)
        assert tr.ids[:2].tolist() == [0, 1]
        np.testing.assert_allclose(tr.mean[np.argsort(first), :2], [a[-1], b[-1]], atol=30.0)
    assert held >= 0.97 * 10 * 39


def test_imm_tracker_follows_a_turn_the_quiet_ncv_loses() -> None:
    """A 5 g turn with 1 s scans and sigma 10 m: quiet NCV (q = 1) loses the target, the IMM holds it."""
    times = np.arange(40.0)
    omega = np.where(times >= 10, 0.2, 0.0)  # 0.2 rad/s at 250 m/s is 50 m/s^2
    heading = np.concatenate([[0.0], np.cumsum(omega[:-1])])
    vel = 250.0 * np.stack([np.cos(heading), np.sin(heading)], axis=1)
    pos = np.concatenate([[[0.0, 0.0]], np.cumsum(vel[:-1], axis=0)])
    rng = np.random.default_rng(1)
    z = pos + rng.normal(size=pos.shape) * 10.0
    kept = {}
    for model in ("ncv", "imm"):
        tr = Tracker(ndim=2, model=model, q=1.0, q_manoeuvre=2000.0, measurement_sigma_m=10.0)
        ids = [tr.step(t, z[k : k + 1]).track_of_measurement[0] for k, t in enumerate(times)]
        kept[model] = len(set(ids))
    assert kept["imm"] == 1
    assert kept["ncv"] > 1


def _reference_tracker(scans, times, sigma, q, gate=3.0, hits_needed=3, max_misses=3):
    """The peer recipe's per-object logic written densely (filterpy_gnn.py without FilterPy)."""
    h = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])
    r = sigma**2 * np.eye(2)

    def new(z):
        return {"x": np.array([z[0], z[1], 0.0, 0.0]), "P": np.diag([sigma**2, sigma**2, 300.0**2, 300.0**2]),
                "hits": 1, "misses": 0}  # fmt: skip

    def serve(tracks, zs):
        free = np.ones(len(zs), bool)
        if not tracks or not len(zs):
            for t in tracks:
                t["misses"] += 1
            return free
        cost = np.zeros((len(tracks), len(zs)))
        for i, t in enumerate(tracks):
            nu = zs - h @ t["x"]
            d = np.sqrt(np.einsum("ij,jk,ik->i", nu, np.linalg.inv(h @ t["P"] @ h.T + r), nu))
            cost[i] = np.where(d < gate, d - gate, 0.0)
        rows, cols = linear_sum_assignment(cost)
        pairs = {i: j for i, j in zip(rows, cols, strict=True) if cost[i, j] < 0}
        for i, t in enumerate(tracks):
            if i in pairs:
                s = h @ t["P"] @ h.T + r
                k = t["P"] @ h.T @ np.linalg.inv(s)
                t["x"] = t["x"] + k @ (zs[pairs[i]] - h @ t["x"])
                t["P"] = t["P"] - k @ s @ k.T
                t["hits"], t["misses"] = t["hits"] + 1, 0
                free[pairs[i]] = False
            else:
                t["misses"] += 1
        return free

    conf, tent, out = [], [], []
    for k, zs in enumerate(scans):
        dt = times[k] - times[k - 1] if k else 0.0
        f, qm = ncv_transition(dt, 2), ncv_process_noise(dt, q, 2)
        for t in conf + tent:
            t["x"], t["P"] = f @ t["x"], f @ t["P"] @ f.T + qm
        zs = zs[serve(conf, zs)]
        conf = [t for t in conf if t["misses"] < max_misses]
        zs = zs[serve(tent, zs)]
        conf += [t for t in tent if t["hits"] >= hits_needed]
        tent = [t for t in tent if t["hits"] < hits_needed and t["misses"] < max_misses]
        tent += [new(z) for z in zs]
        out.append(np.array([t["x"][:2] for t in conf]).reshape(-1, 2))
    return out


@pytest.mark.parametrize("max_compiled_cells", [0, 256])
def test_equals_the_peer_recipe_logic_with_clutter(max_compiled_cells: int) -> None:
    """Dense targets, misses and clutter: confirmed positions equal the per-object reference every scan.

    ``max_compiled_cells=0`` sends every multi-track cluster to linear_sum_assignment.
    """
    rng = np.random.default_rng(21)
    n_targets, n_scans, sigma, q = 25, 25, 10.0, 1.0
    side = 5000.0 * np.sqrt(n_targets) / 4  # denser than the benchmark, so clusters form
    x = np.column_stack(
        [rng.uniform(-side / 2, side / 2, (n_targets, 2)), rng.uniform(-250, 250, (n_targets, 2))]
    )
    f = ncv_transition(1.0, 2)
    scans = []
    for _ in range(n_scans):
        x = x @ f.T
        seen = x[rng.random(n_targets) < 0.9, :2]
        z = np.vstack([seen + rng.normal(size=seen.shape) * sigma, rng.uniform(-side / 2, side / 2, (15, 2))])
        scans.append(z[rng.permutation(len(z))])
    times = np.arange(float(n_scans))
    ref = _reference_tracker(scans, times, sigma, q)
    tr = Tracker(ndim=2, q=q, measurement_sigma_m=sigma, max_compiled_cells=max_compiled_cells)
    for k, z in enumerate(scans):
        tr.step(times[k], z)
        _, mean, _ = tr.confirmed_tracks()
        got = mean[:, :2]
        # the reference lists older confirmed tracks first, then those confirmed this scan
        assert len(got) == len(ref[k]), k
        np.testing.assert_allclose(np.sort(got, axis=0), np.sort(ref[k], axis=0), rtol=1e-9, atol=1e-6)
    assert len(ref[-1]) >= n_targets - 2


def test_ids_are_unique_increasing_and_never_reused() -> None:
    rng = np.random.default_rng(3)
    tr = Tracker(ndim=2, measurement_sigma_m=10.0)
    seen: list[int] = []
    for k in range(30):
        res = tr.step(float(k), rng.uniform(-1e5, 1e5, (int(rng.integers(0, 8)), 2)))
        seen += res.started.tolist()
        assert np.all(np.diff(tr.ids) > 0)
    assert seen == sorted(set(seen)) == list(range(len(seen)))


def test_new_track_covariance_and_per_measurement_r() -> None:
    tr = Tracker(ndim=3, init_velocity_sigma_mps=150.0)
    r = np.array([np.diag([1.0, 4.0, 9.0]), [[50.0, 10.0, 0.0], [10.0, 60.0, 0.0], [0.0, 0.0, 70.0]]])
    tr.step(5.0, np.array([[1.0, 2.0, 3.0], [1e5, 0.0, 0.0]]), R=r)
    np.testing.assert_array_equal(tr.mean[0], [1.0, 2.0, 3.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(tr.cov[1][:3, :3], r[1])
    np.testing.assert_array_equal(tr.cov[1][3:, 3:], 150.0**2 * np.eye(3))
    assert np.all(tr.cov[1][:3, 3:] == 0.0)


def test_input_validation() -> None:
    with pytest.raises(ValueError, match="ndim"):
        Tracker(ndim=4)
    with pytest.raises(ValueError, match="model"):
        Tracker(model="ekf")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="confirm_window"):
        Tracker(confirm_hits=3, confirm_window=2)
    tr = Tracker(ndim=2)
    with pytest.raises(ValueError, match="R is required"):
        tr.step(0.0, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="shape"):
        tr.step(0.0, np.zeros((1, 3)), R=np.eye(3))
    with pytest.raises(ValueError, match="R must"):
        tr.step(0.0, np.zeros((2, 2)), R=np.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match="non-finite"):
        tr.step(0.0, np.array([[np.nan, 0.0]]), R=np.eye(2))
    assert len(tr) == 0 and tr.time_s is None
    res = tr.step(0.0, [], R=np.eye(2))
    assert res.track_of_measurement.shape == (0,)


def test_initiate_false_leaves_measurements_unused() -> None:
    tr = Tracker(ndim=2, measurement_sigma_m=10.0)
    res = tr.step(0.0, np.zeros((2, 2)), initiate=False)
    assert res.track_of_measurement.tolist() == [-1, -1] and len(tr) == 0


# -- track score (sequential probability ratio test) ----------------------------------------------

LOGIC = ScoreLogic(false_alarm_probability=0.05, alpha=1e-3, beta=0.2, drop=4.5, max_score=12.0)


def _score_feed(tr: Tracker, pattern: list[bool], pd: float, dt: float = 1.0) -> list[StepResult]:
    """One stationary target at the origin seen (True) or missed (False) at each look, all at ``pd``."""
    out = []
    for k, seen in enumerate(pattern):
        z = np.zeros((1 if seen else 0, 2))
        n = len(tr)
        out.append(tr.step(k * dt, z, pd_track=np.full(n, pd), pd_meas=np.full(len(z), pd)))
    return out


def test_score_thresholds_are_walds() -> None:
    assert LOGIC.confirm_score == pytest.approx(np.log(0.8 / 1e-3))
    assert LOGIC.delete_score == pytest.approx(np.log(0.2 / (1.0 - 1e-3)))
    assert LOGIC.hit(0.8) == pytest.approx(np.log(0.8 / 0.05))
    assert LOGIC.miss(0.8) == pytest.approx(np.log(0.2 / 0.95))
    assert LOGIC.miss(0.01) == 0.0  # a look that could barely see the target carries no evidence
    assert np.isfinite(LOGIC.hit(0.0)) and np.isfinite(LOGIC.miss(1.0))


def test_score_confirms_a_pd08_target_on_its_third_hit_and_deletes_after_three_misses() -> None:
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=LOGIC)
    res = _score_feed(tr, [True, True, True], 0.8)
    assert [r.confirmed.tolist() for r in res] == [[], [], [0]]
    assert tr.score[0] == pytest.approx(3.0 * np.log(0.8 / 0.05))
    # two hits never confirm, whatever the Pd
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=LOGIC)
    assert not any(r.confirmed.size for r in _score_feed(tr, [True, True], 0.95))
    # a new track dies at its third miss at Pd 0.8, not at its second
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=LOGIC)
    res = _score_feed(tr, [True, False, False, False], 0.8)
    assert [r.dropped.tolist() for r in res] == [[], [], [], [0]]
    # ... and lives on when the looks could hardly see it (Pd below P_F: no evidence)
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=LOGIC)
    res = _score_feed(tr, [True] + [False] * 20, 0.03)
    assert not any(r.dropped.size for r in res) and tr.score[0] == pytest.approx(np.log(0.03 / 0.05))


def test_a_miss_at_pd_zero_leaves_the_score_exactly_as_it_was() -> None:
    # min(0, ln((1 - 0) / (1 - P_F))) = 0: a look that could not see the track carries no evidence
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=LOGIC)
    tr.step(0.0, np.zeros((1, 2)), pd_track=np.zeros(0), pd_meas=np.full(1, 0.8))
    first = tr.score[0]
    assert first == pytest.approx(np.log(0.8 / 0.05))
    for k in range(1, 30):
        res = tr.step(float(k), np.zeros((0, 2)), pd_track=np.zeros(1), pd_meas=np.zeros(0))
        assert res.dropped.size == 0
    assert tr.score[0] == first and tr.misses[0] == 29


def test_confirmed_track_ends_a_drop_below_its_capped_best_score() -> None:
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=LOGIC)
    res = _score_feed(tr, [True] * 8 + [False] * 4, 0.8)
    best = min(8 * np.log(0.8 / 0.05), 12.0)  # capped
    misses_to_drop = int(np.ceil(4.5 / -np.log(0.2 / 0.95)))
    dropped_at = [k for k, r in enumerate(res) if r.dropped_confirmed.size]
    assert best == 12.0 and dropped_at == [8 + misses_to_drop - 1] == [10]


def test_coasting_limit_deletes_before_association() -> None:
    logic = ScoreLogic(0.05, 1e-3, 0.2, 4.5, 12.0, confirmed_coast_s=10.0, tentative_coast_s=3.0)
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=logic)
    tr.step(0.0, np.zeros((1, 2)), pd_track=np.zeros(0), pd_meas=[0.5])
    # no look in between: at t = 3.5 the tentative track is past its limit, so the detection there
    # starts a new track instead of updating it
    res = tr.step(3.5, np.zeros((1, 2)), pd_track=[0.5], pd_meas=[0.5])
    assert res.dropped.tolist() == [0] and res.started.tolist() == [1] and tr.ids.tolist() == [1]


def test_a_tentative_track_keeps_the_longest_coasting_limit_its_detections_earned() -> None:
    logic = ScoreLogic(0.05, 1e-3, 0.2, 4.5, 12.0, confirmed_coast_s=35.0, tentative_coast_s=35.0)

    def feed(first_coast_s: float, later_coast_s: float, gap_s: float) -> list[int]:
        """Track ids held after a detection at 0 (earning ``first_coast_s``), another at 0.5 on the
        same spot (earning ``later_coast_s``) and an empty look ``gap_s`` after it."""
        tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=logic)
        tr.step(0.0, np.zeros((1, 2)), pd_track=[], pd_meas=[0.5], tentative_coast_s=first_coast_s)
        tr.step(0.5, np.zeros((1, 2)), pd_track=[0.0], pd_meas=[0.5], tentative_coast_s=later_coast_s)
        tr.step(0.5 + gap_s, np.zeros((0, 2)), pd_track=[0.0], pd_meas=[])
        return tr.ids.tolist()

    # a fast radar's 7 s: the track outlives 6.9 s without an update, not 7.1 s
    assert feed(7.0, 7.0, 6.9) == [0] and feed(7.0, 7.0, 7.1) == []
    # a slow radar's detection, earlier or later, keeps the track for its 35 s
    assert feed(35.0, 7.0, 30.0) == [0] and feed(7.0, 35.0, 30.0) == [0]
    assert feed(7.0, 35.0, 35.1) == []
    # the default is the score logic's own limit, and a step's limit must be positive
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=logic)
    tr.step(0.0, np.zeros((1, 2)), pd_track=[], pd_meas=[0.5])
    tr.step(34.9, np.zeros((0, 2)), pd_track=[0.0], pd_meas=[])
    assert tr.ids.tolist() == [0]
    with pytest.raises(ValueError, match="positive"):
        tr.step(35.0, np.zeros((0, 2)), pd_track=[0.0], pd_meas=[], tentative_coast_s=0.0)


def test_the_kept_rule_constants_per_coasting_limit_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracker_module, "_STAYS_KEPT", 4)
    logic = ScoreLogic(0.05, 1e-3, 0.2, 4.5, 12.0, tentative_coast_s=35.0)
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=logic)
    for k in range(10):  # a caller giving a new limit at every step
        constants = tr.rule_constants_for(1.0 + k)
        assert constants[tracker_module._COAST_FIELD] == 1.0 + k
        assert len(tr._rules_coasting) <= 4
    assert tr.rule_constants_for(None) is tr.rule_constants


def test_score_mode_input_validation() -> None:
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=LOGIC)
    with pytest.raises(ValueError, match="pd_track and pd_meas"):
        tr.step(0.0, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="pd_meas must have shape"):
        tr.step(0.0, np.zeros((1, 2)), pd_track=[], pd_meas=[0.5, 0.5])
    with pytest.raises(ValueError, match="probabilities"):
        tr.step(0.0, np.zeros((1, 2)), pd_track=[], pd_meas=[1.5])
    with pytest.raises(ValueError, match="alpha"):
        ScoreLogic(0.05, alpha=0.9, beta=0.5, drop=1.0, max_score=10.0)
    with pytest.raises(ValueError, match="max_score"):
        ScoreLogic(0.05, alpha=1e-3, beta=0.2, drop=1.0, max_score=1.0)


def _confirmed_by_look_dp(pd: float, looks: int, logic: ScoreLogic) -> np.ndarray:
    """P(a target seen with probability ``pd`` at every look has a confirmed track by look n), exactly.

    Dynamic programme over the score random walk: no track, or a tentative track holding a hits and b
    misses since its birth (score (a + 1) h + b m), or confirmed (absorbing). A track deleted at a
    miss leaves no track; the next detection starts a new one at h.
    """
    h, m = float(logic.hit(pd)), float(logic.miss(pd))
    none, confirmed = 1.0, 0.0
    tentative: dict[tuple[int, int], float] = {}
    out = []
    for _ in range(looks):
        nxt: dict[tuple[int, int], float] = {}
        new_none, new_conf = none * (1.0 - pd), confirmed
        birth = none * pd
        if h >= logic.confirm_score:
            new_conf += birth
        else:
            nxt[(0, 0)] = nxt.get((0, 0), 0.0) + birth
        for (a, b), p in tentative.items():
            hit_score = (a + 2) * h + b * m
            if hit_score >= logic.confirm_score:
                new_conf += p * pd
            else:
                nxt[(a + 1, b)] = nxt.get((a + 1, b), 0.0) + p * pd
            miss_score = (a + 1) * h + (b + 1) * m
            if miss_score <= logic.delete_score:
                new_none += p * (1.0 - pd)
            else:
                nxt[(a, b + 1)] = nxt.get((a, b + 1), 0.0) + p * (1.0 - pd)
        none, confirmed, tentative = new_none, new_conf, nxt
        out.append(confirmed)
    return np.array(out)


@pytest.mark.parametrize("pd", [0.8, 0.5, 0.3])
def test_score_initiation_matches_the_cumulative_detection_model(pd: float) -> None:
    # Many independent targets far apart, one tracker, each seen with probability pd at every look:
    # the share with a confirmed track by look n equals the exact dynamic programme over the score.
    n_targets, looks = 3000, 10
    rng = np.random.default_rng(17)
    where = np.column_stack([np.arange(n_targets) * 1e5, np.zeros(n_targets)])
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=LOGIC)
    owner: dict[int, int] = {}
    confirmed_at = np.full(n_targets, looks)
    for k in range(looks):
        seen = np.flatnonzero(rng.random(n_targets) < pd)
        res = tr.step(float(k), where[seen], pd_track=np.full(len(tr), pd), pd_meas=np.full(seen.size, pd))
        for j, track_id in enumerate(res.track_of_measurement.tolist()):
            owner[track_id] = int(seen[j])
        for track_id in res.confirmed.tolist():
            confirmed_at[owner[track_id]] = min(confirmed_at[owner[track_id]], k)
    exact = _confirmed_by_look_dp(pd, looks, LOGIC)
    for k in range(looks):
        share = float(np.mean(confirmed_at <= k))
        tol = 4.0 * np.sqrt(exact[k] * (1.0 - exact[k]) / n_targets) + 1e-9
        assert share == pytest.approx(exact[k], abs=tol), (k, share, exact[k])
    assert exact[-1] > 0.15  # the comparison covers the rising part of the curve


def test_step_unchecked_equals_step_and_view_shows_the_rows() -> None:
    # The same scans through step() and through the unchecked entry (given what step() would have
    # made of its arguments) leave identical trackers; view() shows the rows copies are made of.
    score = ScoreLogic(false_alarm_probability=0.05, alpha=1e-3, beta=0.2, drop=4.5, max_score=12.0)
    checked = Tracker(ndim=3, model="imm", q=5.0, gate=4.0, score=score)
    unchecked = Tracker(ndim=3, model="imm", q=5.0, gate=4.0, score=score)
    rng = np.random.default_rng(4)
    r = np.tile(np.eye(3) * 400.0, (4, 1, 1))
    for step in range(12):
        t = 0.7 * step
        z = (
            np.array([[1000.0 + 250.0 * t, 50.0 * j, 8000.0] for j in range(3)])
            + rng.normal(size=(3, 3)) * 20.0
        )
        z = np.concatenate([z, rng.uniform(-50e3, 50e3, (1, 3))])  # and a false alarm
        n = len(checked)
        expected = rng.random(n) < 0.8
        pd_track, pd_meas = rng.uniform(0.0, 0.95, n), rng.uniform(0.4, 0.95, 4)
        a = checked.step(t, z, r, expected, pd_track=pd_track, pd_meas=pd_meas)
        b = unchecked.step_unchecked(t, z, r, expected, pd_track, pd_meas)
        for field in ("track_of_measurement", "confirmed", "started", "dropped", "dropped_confirmed"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
        view = unchecked.view()
        np.testing.assert_array_equal(view.ids, checked.ids)
        np.testing.assert_array_equal(view.mean, checked.mean)
        np.testing.assert_array_equal(view.cov, checked.cov)
        np.testing.assert_array_equal(view.confirmed, checked.is_confirmed)
        np.testing.assert_array_equal(view.prob, checked.mode_probabilities)
        assert unchecked.step_count == step + 1
    assert checked.is_confirmed.sum() == 3


def test_looks_soon_after_a_tentative_update_leave_its_score_alone_hits_and_misses_alike() -> None:
    """min_hit_interval_s holds back a tentative track's misses with its hits: a look within the
    interval after the last hit that added to the score adds nothing to it, either way; later ones
    count, each of them."""
    logic = ScoreLogic(0.05, 1e-3, 0.2, 4.5, 12.0, min_hit_interval_s=1.0)
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=logic)
    z, none = np.zeros((1, 2)), np.zeros((0, 2))
    tr.step(0.0, z, pd_track=np.zeros(0), pd_meas=[0.8])
    first = np.log(0.8 / 0.05)
    for t in (0.2, 0.4, 0.6, 0.8):  # four radars miss it within the second: no evidence yet
        tr.step(t, none, pd_track=[0.8], pd_meas=np.zeros(0))
    assert tr.score[0] == pytest.approx(first)
    tr.step(0.9, z, pd_track=[0.8], pd_meas=[0.8])  # nor does a hit within it
    assert tr.score[0] == pytest.approx(first)
    tr.step(1.5, z, pd_track=[0.8], pd_meas=[0.8])  # a second after the scored hit at 0: counts
    assert tr.score[0] == pytest.approx(2.0 * first)
    tr.step(2.0, none, pd_track=[0.8], pd_meas=np.zeros(0))  # within a second of that one: not
    assert tr.score[0] == pytest.approx(2.0 * first)
    tr.step(2.6, none, pd_track=[0.8], pd_meas=np.zeros(0))  # past the interval each miss counts
    tr.step(2.7, none, pd_track=[0.8], pd_meas=np.zeros(0))
    assert tr.score[0] == pytest.approx(2.0 * first + 2.0 * np.log(0.2 / 0.95))
    assert tr.misses[0] == 3  # every miss since the hit at 1.5 is still counted


@pytest.mark.parametrize("seed", range(3))
def test_many_sensors_at_a_modest_pd_confirm_a_real_target(seed: int) -> None:
    """A command post's case: 20 radars, each seeing a target at Pd 0.5, look at it every 0.05 s (each
    radar once a second). Counting every miss but at most one hit a second, its track was deleted
    before it could confirm; with the looks of the interval held back alike, the score's expected
    step per counted look is 0.5 ln(0.5/0.05) + 0.5 ln(0.5/0.95) = +0.83, and it confirms."""
    rng = np.random.default_rng(seed)
    logic = ScoreLogic(0.05, 1e-3, 0.2, 4.5, 12.0, min_hit_interval_s=1.0)
    tr = Tracker(ndim=2, measurement_sigma_m=10.0, score=logic)
    tr.step(0.0, np.zeros((1, 2)), pd_track=np.zeros(0), pd_meas=[0.5])
    confirmed, started = False, 0
    for k in range(1, 400):
        seen = rng.random() < 0.5
        res = tr.step(
            0.05 * k, np.zeros((1 if seen else 0, 2)), pd_track=np.full(len(tr), 0.5), pd_meas=[0.5] * seen
        )
        started += res.started.size
        confirmed = confirmed or bool(res.confirmed.size)
    assert confirmed and started <= 1


@pytest.mark.parametrize(("ndim", "score"), [(3, False), (3, True), (2, False)])
def test_lean_tentative_covariance_changes_nothing_but_tentative_rows_beyond_positions(
    ndim: int, score: bool
) -> None:
    # lean_tentative_cov: the prediction combines a tentative track's covariance in its position
    # block only; everything else (modes, means, confirmed covariances, decisions) to the bit
    rng = np.random.default_rng(5 + ndim)
    logic = ScoreLogic(0.01, 1e-3, 0.1, drop=6.0, max_score=12.0) if score else None
    kw = {"ndim": ndim, "model": "imm", "q": 1.0, "measurement_sigma_m": 30.0, "score": logic}
    lean, plain = Tracker(**kw, lean_tentative_cov=True), Tracker(**kw)
    x = np.column_stack([rng.uniform(-20e3, 20e3, (12, ndim)), rng.uniform(-250, 250, (12, ndim))])
    t = 0.0
    for _ in range(40):
        dt = rng.uniform(0.2, 2.0)
        t += dt
        x[:, :ndim] += dt * x[:, ndim:]
        seen = x[rng.random(len(x)) < 0.8, :ndim]
        z = np.vstack([seen + rng.normal(0.0, 30.0, seen.shape), rng.uniform(-20e3, 20e3, (6, ndim))])
        pd = {"pd_track": np.full(len(lean), 0.8), "pd_meas": np.full(len(z), 0.8)} if score else {}
        a, b = lean.step(t, z, **pd), plain.step(t, z, **pd)
        for name in ("track_of_measurement", "confirmed", "started", "dropped", "dropped_confirmed"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        n = len(plain)
        for name in ("ids", "mean", "cov", "prob", "out_mean", "confirmed", "score", "last_update_s"):
            np.testing.assert_array_equal(getattr(lean._rows, name)[:n], getattr(plain._rows, name)[:n])
        firm = plain.is_confirmed
        np.testing.assert_array_equal(lean.cov[firm], plain.cov[firm])
        np.testing.assert_array_equal(lean.cov[:, :ndim, :ndim], plain.cov[:, :ndim, :ndim])
    assert plain.is_confirmed.sum() >= 6 and (~plain.is_confirmed).sum() > 0


def test_a_deferred_tentative_track_takes_one_imm_cycle_from_its_birth_to_its_update() -> None:
    # defer_tentative: between its birth and its second detection the track sees steps of other
    # measurements far away; its estimate after the update is one textbook cycle (mixing and
    # prediction over the whole interval, then the update), not one per step
    sojourn, q = (20.0, 10.0), (5.0, 2000.0)
    kw = {"ndim": 3, "model": "imm", "q": q[0], "q_manoeuvre": q[1], "sojourn_s": sojourn}
    tr = Tracker(
        **kw, measurement_sigma_m=50.0, init_velocity_sigma_mps=500.0, max_misses=9, defer_tentative=True
    )
    tr.step(0.0, np.array([[0.0, 0.0, 5e3]]))
    rows = tr._rows
    born = [x[:1].copy() for x in (rows.mean, rows.cov, rows.prob, rows.out_mean, rows.out_cov)]
    far = np.array([[400e3, 0.0, 5e3]])
    for t in (0.4, 1.1, 1.5, 2.9):
        tr.step(t, far + 1e3 * t)  # each a new track far away
        assert rows.mean[0].tobytes() == born[0][0].tobytes()  # not predicted
        np.testing.assert_allclose(tr.mean[0, :3], [0.0, 0.0, 5e3] + t * born[3][0, 3:], atol=1e-9)
    z = np.array([[800.0, -300.0, 5.1e3]])
    res = tr.step(3.5, z)
    assert res.track_of_measurement[0] == 0
    want = born
    imm.predict_inplace(*want[:3], imm.transition_matrix(3.5, np.array(sojourn)), 3.5, np.array(q), *want[3:])
    r3 = (50.0**2 * np.eye(3))[None]
    imm.update_inplace(*want[:3], *want[3:], np.array([0]), z, r3, np.array([0]))
    for got, w in zip((rows.mean, rows.cov, rows.prob, rows.out_mean, rows.out_cov), want, strict=True):
        np.testing.assert_allclose(got[0], w[0], rtol=1e-11, atol=1e-9)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_deferred_gating_finds_every_pair_the_exact_covariances_gate(seed: int) -> None:
    # the bound that spares most tentative tracks the covariance must not lose a pair
    from samsim.tracking.gating import gate_subset
    from samsim.tracking.tracker import TrackRules, _deferred_gating

    rng = np.random.default_rng(seed)
    tr = Tracker(
        ndim=3, model="imm", q=5.0, q_manoeuvre=2000.0, measurement_sigma_m=200.0, defer_tentative=True
    )
    n = 60
    tr.step(0.0, rng.uniform(-60e3, 60e3, (n, 3)))
    time_s = 0.0
    for _ in range(3):  # some tracks updated later than others
        time_s += rng.uniform(0.5, 8.0)
        tr.step(time_s, rng.uniform(-60e3, 60e3, (10, 3)))
    n = len(tr)
    rows = tr._rows
    tracks = np.flatnonzero(~rows.confirmed[:n])
    time_s += 4.0
    near_some = rows.out_mean[rng.choice(tracks, 12), :3] + rng.normal(0.0, 4e3, (12, 3))
    z = np.vstack([near_some, rng.uniform(-60e3, 60e3, (13, 3))])
    r3 = (rng.uniform(100.0, 900.0, 25)[:, None, None] ** 2) * np.eye(3)
    meas = np.arange(25)
    rules = TrackRules._make((*tr.rule_constants, np.zeros(0), np.zeros(0)))
    near, gating = _deferred_gating(rows, n, tracks, meas, z, r3, tr.gate, time_s, rules)
    assert 0 < near.size < tracks.size
    exact = np.empty((n, 3, 3))
    imm.predicted_position_cov(
        rows.out_cov, rows.prob, tracks, time_s - rows.last_update_s[tracks], tr._sojourn, tr._q_modes, exact
    )
    want = gate_subset(rows.out_mean, exact, z, r3, tr.gate, tracks, meas)
    got = gate_subset(rows.out_mean, gating, z, r3, tr.gate, near, meas)
    assert want[0].size > 0
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("layout", ["spread", "one point", "a line", "far apart"])
def test_deferred_gating_keeps_the_tracks_a_scan_of_every_measurement_keeps(layout: str) -> None:
    # the grid of measurements that spares each tentative track most of them must keep exactly the
    # tracks that the bound test of every (track, measurement) pair keeps, whatever the layout
    from samsim.tracking.tracker import TrackRules, _deferred_gating

    rng = np.random.default_rng(len(layout))
    tr = Tracker(
        ndim=3, model="imm", q=5.0, q_manoeuvre=2000.0, measurement_sigma_m=200.0, defer_tentative=True
    )
    tr.step(0.0, rng.uniform(-300e3, 300e3, (300, 3)))
    tr.step(2.0, rng.uniform(-300e3, 300e3, (100, 3)))
    n = len(tr)
    rows = tr._rows
    tracks = np.flatnonzero(~rows.confirmed[:n])
    time_s = 2.0 + rng.uniform(0.0, 40.0)
    k = 40
    if layout == "spread":
        z = np.vstack(
            [
                rows.out_mean[rng.choice(tracks, 10), :3] + rng.normal(0.0, 5e3, (10, 3)),
                rng.uniform(-300e3, 300e3, (k - 10, 3)),
            ]
        )
    elif layout == "one point":
        z = np.tile(rows.out_mean[tracks[5], :3], (k, 1))
    elif layout == "a line":
        z = np.column_stack([rng.uniform(-300e3, 300e3, k), np.full(k, 1e3), rng.uniform(0.0, 1e4, k)])
    else:
        far = rng.uniform(-300e3, 300e3, (k - 5, 3)) * np.array([30.0, 30.0, 1.0])
        z = np.vstack([far, rows.out_mean[rng.choice(tracks, 5), :3]])
    r3 = (rng.uniform(100.0, 900.0, k)[:, None, None] ** 2) * np.eye(3)
    meas = rng.permutation(k)[: k - 7]
    rules = TrackRules._make((*tr.rule_constants, np.zeros(0), np.zeros(0)))
    near, _ = _deferred_gating(rows, n, tracks, meas, z, r3, tr.gate, time_s, rules)
    q_max = float(np.max(tr._q_modes))
    tr_r = max(float(np.trace(r3[j])) for j in meas)
    want = []
    for t in tracks:
        dt = time_s - rows.last_update_s[t]
        reach2 = tr.gate**2 * (imm.position_spread_bound_m2(rows.out_cov, t, dt, q_max, 3) + tr_r)
        d2 = ((z[meas] - rows.out_mean[t, :3]) ** 2).sum(axis=1)
        if np.any(d2 <= reach2):
            want.append(t)
    assert near.tolist() == want
    assert 0 < len(want) < tracks.size or layout == "one point"


def test_deferred_tracker_finishes_large_clusters_as_its_compiled_step() -> None:
    # max_compiled_cells=0 hands every multi-track cluster back to Python (Tracker._round): the
    # deferred tentative tracks are gated and predicted there as in the compiled step
    rng = np.random.default_rng(4)
    logic = ScoreLogic(0.01, 1e-3, 0.1, drop=6.0, max_score=12.0)
    kw = {"ndim": 3, "model": "imm", "q": 5.0, "measurement_sigma_m": 30.0, "score": logic}
    fast = Tracker(**kw, defer_tentative=True)
    slow = Tracker(**kw, defer_tentative=True, max_compiled_cells=0)
    x = np.column_stack([rng.uniform(-5e3, 5e3, (10, 3)), rng.uniform(-250, 250, (10, 3))])
    t = 0.0
    for _ in range(30):
        dt = rng.uniform(0.05, 2.0)
        t += dt
        x[:, :3] += dt * x[:, 3:]
        seen = x[rng.random(len(x)) < 0.7, :3]
        z = np.vstack([seen + rng.normal(0.0, 30.0, seen.shape), rng.uniform(-5e3, 5e3, (4, 3))])
        pd = {"pd_track": np.full(len(fast), 0.7), "pd_meas": np.full(len(z), 0.7)}
        a, b = fast.step(t, z, **pd), slow.step(t, z, **pd)
        for name in ("track_of_measurement", "confirmed", "started", "dropped", "dropped_confirmed"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        np.testing.assert_allclose(fast.mean, slow.mean, rtol=1e-12, atol=1e-6)
    assert fast.is_confirmed.sum() >= 5 and (~fast.is_confirmed).sum() > 0


def test_the_kept_mode_keeping_probabilities_are_those_of_each_interval() -> None:
    # the IMM's exp(-dt / sojourn) is kept per interval between steps (a post's intervals repeat):
    # a step reuses it only for the same interval, and the store stays bounded

    tr = Tracker(ndim=3, model="imm", q=5.0, q_manoeuvre=2000.0, measurement_sigma_m=50.0)
    z = np.array([[0.0, 0.0, 1000.0]])
    t = 0.0
    tr.step(t, z)
    for dt in [0.25, 0.75, 0.25, 0.75, 1.125, 0.25]:  # exact in binary: the intervals repeat exactly
        t += dt
        tr.step(t, z)
        dt_used = tr._trans_dt
        np.testing.assert_array_equal(tr._stay, np.exp(-dt_used / tr._sojourn))
    assert len(tr._stays) == 3
    for i in range(tracker_module._STAYS_KEPT + 10):
        t += 0.01 + 1e-7 * i
        tr.step(t, z)
    assert len(tr._stays) <= tracker_module._STAYS_KEPT
    np.testing.assert_array_equal(tr._stay, np.exp(-tr._trans_dt / tr._sojourn))
