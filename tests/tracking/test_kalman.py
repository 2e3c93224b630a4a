"""Batched Kalman kernels: textbook update, NEES consistency, steady-state alpha-beta gains."""

import numpy as np
from scipy.stats import chi2, multivariate_normal

from samsim.tracking import kalman, models


def test_update_equals_textbook_formulas() -> None:
    rng = np.random.default_rng(0)
    n, nd = 5, 3
    d = 2 * nd
    a = rng.normal(size=(n, d, d))
    p = a @ a.transpose(0, 2, 1) + np.eye(d)
    x = rng.normal(size=(n, d))
    z = rng.normal(size=(n, nd))
    b = rng.normal(size=(n, nd, nd))
    r = b @ b.transpose(0, 2, 1) + 0.5 * np.eye(nd)
    x1, p1, ll = kalman.update_position(x, p, z, r)
    h = np.hstack([np.eye(nd), np.zeros((nd, nd))])
    for t in range(n):
        s = h @ p[t] @ h.T + r[t]
        k = p[t] @ h.T @ np.linalg.inv(s)
        np.testing.assert_allclose(x1[t], x[t] + k @ (z[t] - h @ x[t]), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(p1[t], (np.eye(d) - k @ h) @ p[t], rtol=1e-9, atol=1e-10)
        expected_ll = multivariate_normal(h @ x[t], s).logpdf(z[t])
        assert abs(ll[t] - expected_ll) < 1e-10


def test_shared_r_equals_repeated_r() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 4))
    p = np.tile(np.diag([4.0, 9.0, 1.0, 2.0]), (4, 1, 1))
    z = rng.normal(size=(4, 2))
    r = np.array([[2.0, 0.3], [0.3, 1.0]])
    one = kalman.update_position(x, p, z, r[None])
    many = kalman.update_position(x, p, z, np.tile(r, (4, 1, 1)))
    for u, v in zip(one, many, strict=True):
        np.testing.assert_array_equal(u, v)


def test_nees_inside_95_percent_chi2_bounds() -> None:
    """Monte Carlo NEES of the NCV filter on matched NCV truth (Bar-Shalom et al. 2001, section 5.4.2).

    Runs are the batch. N runs x T steps; the run-averaged NEES at each step times N is chi2(N d).
    """
    rng = np.random.default_rng(2024)
    runs, steps, nd, dt, q, sigma = 200, 60, 2, 1.0, 2.0, 10.0
    d = 2 * nd
    f = models.ncv_transition(dt, nd)
    qm = models.ncv_process_noise(dt, q, nd)
    lq = np.linalg.cholesky(qm)
    p0 = np.diag([sigma**2] * nd + [50.0**2] * nd)
    truth = np.zeros((runs, d))
    truth[:, nd:] = rng.uniform(-200.0, 200.0, (runs, nd))
    x = truth + rng.normal(size=(runs, d)) @ np.linalg.cholesky(p0).T
    p = np.tile(p0, (runs, 1, 1))
    r = (sigma**2 * np.eye(nd))[None]
    nees = np.empty(steps)
    for k in range(steps):
        truth = truth @ f.T + rng.normal(size=(runs, d)) @ lq.T
        x, p = kalman.predict_ncv(x, p, dt, q)
        z = truth[:, :nd] + sigma * rng.normal(size=(runs, nd))
        x, p, _ = kalman.update_position(x, p, z, r)
        err = x - truth
        nees[k] = np.mean(np.einsum("ni,nij,nj->n", err, np.linalg.inv(p), err))
    lo, hi = chi2.ppf([0.025, 0.975], runs * d) / runs
    inside = np.mean((nees > lo) & (nees < hi))
    assert inside >= 0.9, (inside, nees)
    lo_all, hi_all = chi2.ppf([0.025, 0.975], runs * steps * d) / (runs * steps)
    assert lo_all < nees.mean() < hi_all, (nees.mean(), lo_all, hi_all)


def test_steady_state_gains_are_kalata_alpha_beta() -> None:
    """DWNA model with tracking index 1 (sigma_a T^2 / sigma = 1): alpha = 0.75, beta = 0.5 (Kalata 1984)."""
    nd, dt, sigma = 2, 1.0, 10.0
    sigma_a = sigma / dt**2
    assert models.tracking_index(sigma_a, dt, sigma) == 1.0
    f = models.ncv_transition(dt, nd)
    qm = models.dwna_process_noise(dt, sigma_a, nd)
    x = np.zeros((1, 2 * nd))
    p = np.eye(2 * nd)[None] * 1e6
    r = (sigma**2 * np.eye(nd))[None]
    for _ in range(300):
        x, p = kalman.predict(x, p, f, qm)
        p_pred = p[0]
        x, p, _ = kalman.update_position(x, p, np.zeros((1, nd)), r)
    gain = p_pred[:, :nd] @ np.linalg.inv(p_pred[:nd, :nd] + r[0])
    alpha, beta = models.alpha_beta_gains(1.0)
    np.testing.assert_allclose(np.diag(gain[:nd]), [0.75, 0.75], atol=1e-9)
    np.testing.assert_allclose(np.diag(gain[nd:]) * dt, [0.5, 0.5], atol=1e-9)
    np.testing.assert_allclose(gain[0, 1], 0.0, atol=1e-12)
    assert (alpha, beta) == (0.75, 0.5)
