"""Batched IMM (Blom & Bar-Shalom 1988): reduction to the Kalman filter and a turning target."""

import numpy as np

from samsim.tracking import imm, kalman


def _run(mean, cov, prob, sojourn, qs, times, z, r):
    """IMM over a batch of runs (one per row), one measurement per run and scan.

    Returns the combined estimates (runs, scans, d) and mode probabilities (runs, scans, r).
    """
    out_x = np.empty((len(mean), mean.shape[2]))
    out_p = np.empty((len(mean), mean.shape[2], mean.shape[2]))
    est = []
    probs = []
    rows = np.arange(len(mean))
    for k in range(len(times)):
        if k:
            dt = times[k] - times[k - 1]
            imm.predict_inplace(mean, cov, prob, imm.transition_matrix(dt, sojourn), dt, qs, out_x, out_p)
        zk = np.ascontiguousarray(z[:, k])
        imm.update_inplace(mean, cov, prob, out_x, out_p, rows, zk, r, rows)
        est.append(out_x.copy())
        probs.append(prob.copy())
    return np.stack(est, axis=1), np.stack(probs, axis=1)


def test_transition_matrix_rows_and_stationary_law() -> None:
    p = imm.transition_matrix(2.0, np.array([20.0, 10.0, 5.0]))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.diag(p), np.exp(-2.0 / np.array([20.0, 10.0, 5.0])))
    pi = imm.stationary_probabilities(np.array([20.0, 10.0]))
    np.testing.assert_allclose(pi, [2 / 3, 1 / 3])
    # balance pi P = pi holds to first order in dt / tau
    small = imm.transition_matrix(1e-4, np.array([20.0, 10.0]))
    np.testing.assert_allclose(pi @ small, pi, atol=1e-9)


def test_imm_with_identical_modes_is_the_kalman_filter() -> None:
    rng = np.random.default_rng(5)
    n, nd = 6, 3
    d = 2 * nd
    x0 = rng.normal(size=(n, d)) * 100
    p0 = np.tile(np.diag([100.0] * nd + [400.0] * nd), (n, 1, 1))
    mean = np.repeat(x0[:, None], 2, axis=1).copy()
    cov = np.repeat(p0[:, None], 2, axis=1).copy()
    prob = np.tile([0.3, 0.7], (n, 1))
    times = np.array([0.0, 1.0, 2.5, 2.7, 6.0])
    z = rng.normal(size=(n, len(times), nd)) * 100
    r = (25.0 * np.eye(nd))[None]
    est, _ = _run(mean, cov, prob, np.array([5.0, 5.0]), np.array([3.0, 3.0]), times, z, r)
    x, p = x0, p0
    for k in range(len(times)):
        if k:
            x, p = kalman.predict_ncv(x, p, times[k] - times[k - 1], 3.0)
        x, p, _ = kalman.update_position(x, p, np.ascontiguousarray(z[:, k]), r)
        np.testing.assert_allclose(est[:, k], x, rtol=1e-9, atol=1e-7)
    # equal likelihoods: the mode probabilities follow the Markov chain alone
    chain = np.array([0.3, 0.7])
    for dt in np.diff(times):
        chain = chain @ imm.transition_matrix(dt, np.array([5.0, 5.0]))
    np.testing.assert_allclose(prob, np.tile(chain, (n, 1)), atol=1e-12)


def test_imm_beats_ncv_on_a_turning_target() -> None:
    """Straight 30 s, 6 deg/s turn for 30 s (about 2.7 g at 250 m/s), straight 30 s; sigma 20 m, 1 s scans."""
    rng = np.random.default_rng(11)
    runs, nd, sigma = 40, 2, 20.0
    times = np.arange(90.0)
    omega = np.where((times >= 30) & (times < 60), np.deg2rad(6.0), 0.0)
    heading = np.concatenate([[0.0], np.cumsum(omega[:-1])])
    vel = 250.0 * np.stack([np.cos(heading), np.sin(heading)], axis=1)
    pos = np.concatenate([[[0.0, 0.0]], np.cumsum(vel[:-1], axis=0)])
    z = pos[None] + sigma * rng.normal(size=(runs, len(times), nd))
    r = (sigma**2 * np.eye(nd))[None]

    def start(modes: int):
        x0 = np.zeros((runs, 2 * nd))
        x0[:, :nd] = z[:, 0]
        p0 = np.diag([sigma**2] * nd + [300.0**2] * nd)
        mean = np.repeat(x0[:, None], modes, axis=1).copy()
        cov = np.tile(p0, (runs, modes, 1, 1))
        return mean, cov

    m1, c1 = start(1)
    ncv, _ = _run(m1, c1, np.ones((runs, 1)), np.array([1.0]), np.array([1.0]), times, z, r)
    m2, c2 = start(2)
    prob = np.tile(imm.stationary_probabilities(np.array([20.0, 10.0])), (runs, 1))
    est, probs = _run(m2, c2, prob, np.array([20.0, 10.0]), np.array([1.0, 400.0]), times, z, r)
    manoeuvre = probs[:, :, 1].mean(axis=0)
    err_ncv = np.linalg.norm(ncv[:, 5:, :nd] - pos[None, 5:], axis=2)
    err_imm = np.linalg.norm(est[:, 5:, :nd] - pos[None, 5:], axis=2)
    rms_ncv = float(np.sqrt(np.mean(err_ncv**2)))
    rms_imm = float(np.sqrt(np.mean(err_imm**2)))
    # measured: IMM 22 m, NCV 240 m (the quiet NCV model lags the turn by hundreds of metres)
    assert rms_imm < 0.25 * rms_ncv, (rms_imm, rms_ncv)
    assert rms_imm < 30.0, rms_imm
    np.testing.assert_allclose(prob.sum(axis=1), 1.0)
    # the manoeuvre mode takes over in the turn and hands back on the straight legs
    in_turn = manoeuvre[(times >= 35) & (times < 60)].mean()
    straight = manoeuvre[(times >= 15) & (times < 30)].mean()
    after = manoeuvre[(times >= 70)].mean()
    # measured: 0.86 in the turn, 0.10 before it, 0.11 after it
    assert in_turn > 0.6 and straight < 0.3 and after < 0.3, (in_turn, straight, after)


def test_compiled_transition_matrix_is_numpys() -> None:
    # The tracker's compiled step builds the switching matrix from exp(-dt / tau) as
    # imm.transition_matrix does, float for float.
    from samsim.tracking.tracker import _transition_from_stay

    tau = np.array([20.0, 10.0])
    for dt in (0.01, 0.37, 2.0, 11.5):
        np.testing.assert_array_equal(
            _transition_from_stay(np.exp(-dt / tau)), imm.transition_matrix(dt, tau)
        )


def _reference_predict(mean, cov, prob, trans, dt, q, out_mean, out_cov) -> None:
    """The IMM prediction written out plainly, element by element in Python floats: mixing (with
    the spreads computed inside every covariance term), NCV prediction of the mixed estimate in
    place and combination. Python's floats are IEEE doubles, so every value must equal the compiled
    kernel's bit for bit."""
    n, r, d = mean.shape
    m = d // 2
    for t in range(n):
        x0 = [[float(mean[t, i, a]) for a in range(d)] for i in range(r)]
        p0 = [[[float(cov[t, i, a, b]) for b in range(d)] for a in range(d)] for i in range(r)]
        if r > 1:
            c = [0.0] * r
            for j in range(r):
                cj = 0.0
                for i in range(r):
                    cj += trans[i, j] * prob[t, i]
                c[j] = float(cj)
                w = [trans[i, j] * prob[t, i] / cj if cj > 0.0 else float(i == j) for i in range(r)]
                for a in range(d):
                    acc = 0.0
                    for i in range(r):
                        acc += w[i] * mean[t, i, a]
                    x0[j][a] = float(acc)
                for a in range(d):
                    for b in range(a + 1):
                        acc = 0.0
                        for i in range(r):
                            acc += w[i] * (
                                cov[t, i, a, b] + (mean[t, i, a] - x0[j][a]) * (mean[t, i, b] - x0[j][b])
                            )
                        p0[j][a][b] = p0[j][b][a] = float(acc)
            prob[t] = c
        for k in range(r):
            x, p, qk = x0[k], p0[k], float(q[k])
            dt2 = dt * dt
            for i in range(m):
                x[i] += dt * x[m + i]
            for i in range(m):
                for j in range(m):
                    p[i][j] += dt * (p[i][m + j] + p[m + i][j]) + dt2 * p[m + i][m + j]
            for i in range(m):
                for j in range(m):
                    p[i][m + j] += dt * p[m + i][m + j]
                    p[m + i][j] += dt * p[m + i][m + j]
            for i in range(m):
                p[i][i] += qk * dt2 * dt / 3.0
                p[i][m + i] += qk * dt2 / 2.0
                p[m + i][i] += qk * dt2 / 2.0
                p[m + i][m + i] += qk * dt
            mean[t, k] = x
            cov[t, k] = p
        if r == 1:
            out_mean[t] = x0[0]
            out_cov[t] = p0[0]
            continue
        for a in range(d):
            acc = 0.0
            for j in range(r):
                acc += prob[t, j] * x0[j][a]
            out_mean[t, a] = acc
        for a in range(d):
            for b in range(a + 1):
                acc = 0.0
                for j in range(r):
                    acc += prob[t, j] * (
                        p0[j][a][b] + (x0[j][a] - out_mean[t, a]) * (x0[j][b] - out_mean[t, b])
                    )
                out_cov[t, a, b] = out_cov[t, b, a] = acc


def test_predict_inplace_is_the_plain_formula_bit_for_bit() -> None:
    # The compiled prediction reorders its work (spreads computed once, prediction written
    # straight into the track arrays) but must do the same float operations as the textbook loops:
    # the battery tracker's (2 modes, 3-D), other sizes, a mode of zero weight and covariances
    # that are not exactly symmetric.
    rng = np.random.default_rng(17)
    for r, nd in ((2, 3), (2, 3), (2, 2), (3, 3), (1, 3)):
        n, d = 25, 2 * nd
        mean = rng.normal(size=(n, r, d)) * np.array([5e3] * nd + [300.0] * nd)
        a = rng.normal(size=(n, r, d, d))
        cov = a @ np.swapaxes(a, -1, -2) * 50.0 + rng.normal(size=(n, r, d, d)) * 1e-6
        prob = rng.dirichlet(np.ones(r), size=n)
        prob[:3] = np.eye(r)[0]  # only the first mode
        dt = float(rng.uniform(0.05, 12.0))
        trans = imm.transition_matrix(dt, rng.uniform(2.0, 30.0, size=r))
        q = rng.uniform(0.5, 900.0, size=r)
        got = [mean.copy(), cov.copy(), prob.copy(), np.empty((n, d)), np.empty((n, d, d))]
        want = [mean.copy(), cov.copy(), prob.copy(), np.empty((n, d)), np.empty((n, d, d))]
        imm.predict_inplace(got[0], got[1], got[2], trans, dt, q, got[3], got[4])
        _reference_predict(want[0], want[1], want[2], trans, dt, q, want[3], want[4])
        for g, w in zip(got, want, strict=True):
            assert g.tobytes() == w.tobytes()


def test_full_rows_limits_the_combined_covariance_of_the_others_to_positions() -> None:
    rng = np.random.default_rng(8)
    n, r, d = 9, 2, 6
    mean = rng.normal(0.0, 1e3, (n, r, d))
    a = rng.normal(size=(n, r, d, d))
    cov = a @ a.transpose(0, 1, 3, 2) + 10.0 * np.eye(d)
    prob = rng.dirichlet(np.ones(r), n)
    full = rng.random(n) < 0.5
    trans, qs = imm.transition_matrix(0.7, np.array([20.0, 10.0])), np.array([1.0, 100.0])
    outs = []
    for rows in (None, full):
        m, c, p = mean.copy(), cov.copy(), prob.copy()
        out_x, out_p = np.zeros((n, d)), np.full((n, d, d), -1.0)
        if rows is None:
            imm.predict_inplace(m, c, p, trans, 0.7, qs, out_x, out_p)
        else:
            imm.predict_inplace(m, c, p, trans, 0.7, qs, out_x, out_p, rows)
        outs.append((m, c, p, out_x, out_p))
    for x, y in zip(outs[0][:4], outs[1][:4], strict=True):
        np.testing.assert_array_equal(x, y)
    whole, lean = outs[0][4], outs[1][4]
    np.testing.assert_array_equal(lean[full], whole[full])
    np.testing.assert_array_equal(lean[:, :3, :3], whole[:, :3, :3])
    assert (lean[~full, 3:, :] == -1.0).all() and (lean[~full, :3, 3:] == -1.0).all()
    # one row combined whole afterwards: the prediction's floats
    dx = np.empty((r, d))
    for t in np.flatnonzero(~full):
        imm.combine_row(outs[1][2], t, outs[1][0], outs[1][1], r, d, outs[1][3], lean, dx)
    np.testing.assert_array_equal(lean, whole)


def _random_imm(rng: np.random.Generator, n: int, r: int, nd: int) -> tuple[np.ndarray, ...]:
    """Mode estimates, covariances, probabilities and their whole combination, for ``n`` tracks."""
    d = 2 * nd
    mean = rng.normal(size=(n, r, d)) * np.array([5e3] * nd + [300.0] * nd)
    a = rng.normal(size=(n, r, d, d)) * np.array([300.0] * nd + [40.0] * nd)
    cov = a @ np.swapaxes(a, -1, -2) + 10.0 * np.eye(d)
    prob = rng.dirichlet(np.ones(r), size=n)
    out_mean, out_cov = np.empty((n, d)), np.empty((n, d, d))
    dx = np.empty((r, d))
    for t in range(n):
        imm.combine_row(prob, t, mean, cov, r, d, out_mean, out_cov, dx)
    return mean, cov, prob, out_mean, out_cov


def test_one_deferred_prediction_is_the_textbook_prediction_over_its_interval() -> None:
    # predict_rows_over: each listed row over its own interval, as predict_inplace with that
    # interval's switching matrix (the exponential is the C library's, not NumPy's: to rounding);
    # rows not listed and rows of interval 0 untouched
    rng = np.random.default_rng(31)
    for r, nd in ((2, 3), (3, 2), (1, 3)):
        n = 12
        mean, cov, prob, out_mean, out_cov = _random_imm(rng, n, r, nd)
        sojourn, q = rng.uniform(2.0, 30.0, r), rng.uniform(0.5, 900.0, r)
        rows = np.array([1, 4, 5, 9])
        dts = np.array([0.3, 7.5, 0.0, 41.0])
        got = [x.copy() for x in (mean, cov, prob, out_mean, out_cov)]
        imm.predict_rows_over(got[0], got[1], got[2], rows, dts, sojourn, q, got[3], got[4])
        for t, dt in zip(rows, dts, strict=True):
            want = [x[t : t + 1].copy() for x in (mean, cov, prob, out_mean, out_cov)]
            if dt > 0.0:
                imm.predict_inplace(*want[:3], imm.transition_matrix(dt, sojourn), dt, q, *want[3:])
            for g, w in zip(got, want, strict=True):
                np.testing.assert_allclose(g[t], w[0], rtol=1e-12, atol=1e-9)
        still = np.setdiff1d(np.arange(n), rows[dts > 0.0])
        for g, x in zip(got, (mean, cov, prob, out_mean, out_cov), strict=True):
            np.testing.assert_array_equal(g[still], x[still])


def test_predicted_combination_needs_only_the_combined_estimate() -> None:
    # The modes share the NCV transition: the predicted combination is F x and, in its position
    # block, P_pp + dt (P_pv + P_vp) + dt^2 P_vv + (sum_j c_j q_j) dt^3 / 3 I, whatever the modes'
    # own estimates (mixing keeps the mixture's moments); the trace bound holds above it
    rng = np.random.default_rng(32)
    for r, nd in ((2, 3), (3, 3), (2, 2), (1, 3)):
        n = 40
        mean, cov, prob, out_mean, out_cov = _random_imm(rng, n, r, nd)
        sojourn, q = rng.uniform(2.0, 30.0, r), rng.uniform(0.5, 2000.0, r)
        rows = np.arange(n)
        dts = rng.uniform(0.01, 60.0, n)
        into = np.full((n, nd, nd), np.nan)
        imm.predicted_position_cov(out_cov, prob, rows, dts, sojourn, q, into)
        pred = [x.copy() for x in (mean, cov, prob, out_mean, out_cov)]
        imm.predict_rows_over(*pred[:3], rows, dts, sojourn, q, *pred[3:])
        np.testing.assert_allclose(into, pred[4][:, :nd, :nd], rtol=1e-9)
        moved = out_mean[:, :nd] + dts[:, None] * out_mean[:, nd:]
        np.testing.assert_allclose(pred[3][:, :nd], moved, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(pred[3][:, nd:], out_mean[:, nd:], rtol=1e-9, atol=1e-9)
        for t in range(n):
            bound = imm.position_spread_bound_m2(out_cov, t, dts[t], q.max(), nd)
            assert np.trace(into[t]) <= bound * (1.0 + 1e-12)


def test_deferring_predicts_the_full_rows_and_only_moves_the_others_means() -> None:
    rng = np.random.default_rng(33)
    n, r, nd = 30, 2, 3
    mean, cov, prob, out_mean, out_cov = _random_imm(rng, n, r, nd)
    selected = rng.random(n) < 0.3
    trans, q, dt = imm.transition_matrix(0.05, np.array([20.0, 10.0])), np.array([5.0, 2000.0]), 0.05
    got = [x.copy() for x in (mean, cov, prob, out_mean, out_cov)]
    want = [x.copy() for x in (mean, cov, prob, out_mean, out_cov)]
    imm.predict_inplace(*got[:3], trans, dt, q, *got[3:], selected, True)
    imm.predict_inplace(*want[:3], trans, dt, q, *want[3:])
    for g, w in zip(got, want, strict=True):
        assert g[selected].tobytes() == w[selected].tobytes()
    for g, x in zip(got[:3] + got[4:], (mean, cov, prob, out_cov), strict=True):
        assert g[~selected].tobytes() == x[~selected].tobytes()
    np.testing.assert_array_equal(
        got[3][~selected, :nd], out_mean[~selected, :nd] + dt * out_mean[~selected, nd:]
    )
    np.testing.assert_array_equal(got[3][~selected, nd:], out_mean[~selected, nd:])
