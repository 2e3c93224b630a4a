"""Batched Kalman filter kernels: prediction and position-only update over many tracks at once.

A batch of ``n`` tracks is ``mean`` (n, d) and ``cov`` (n, d, d) with ``d = 2 * ndim`` and the state
ordered ``[positions..., velocities...]`` (see :mod:`samsim.tracking.models`). The measurement is
the position, ``H = [I 0]``, with one covariance per measurement ``R`` (k, ndim, ndim) or one shared
``R`` of shape (1, ndim, ndim).

The loops over tracks are compiled (numba); each track's algebra is written out for small
matrices, so a step over thousands of tracks costs microseconds rather than a numpy call per track.
The covariance update uses the Cholesky factor of the innovation covariance, ``S = L L^T``,
``U = P H^T L^-T``, ``P+ = P - U U^T``, ``x+ = x + U L^-1 nu``, which is the standard Kalman update
(Bar-Shalom, Li & Kirubarajan 2001, eqs. 5.2.3-7 to 5.2.3-17) and keeps ``P+`` symmetric.

References
----------
R. E. Kalman, "A new approach to linear filtering and prediction problems", J. Basic Eng. 82, 1960.
Y. Bar-Shalom, X. R. Li and T. Kirubarajan, "Estimation with Applications to Tracking and
Navigation", Wiley, 2001, chapter 5 and section 6.2.
"""

from __future__ import annotations

import math

import numpy as np

from samsim.arrays import FloatArray, IntArray
from samsim.jit import njit, njit_inline

_LOG_2PI = math.log(2.0 * math.pi)


@njit
def predict(mean: FloatArray, cov: FloatArray, f: FloatArray, q: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Kalman prediction of a batch with any linear model: ``x' = F x``, ``P' = F P F^T + Q``.

    Parameters
    ----------
    mean, cov : (n, d) and (n, d, d) arrays
        Batch of state means and covariances.
    f, q : (d, d) arrays
        Transition matrix and process noise covariance shared by the batch.

    Returns
    -------
    mean, cov : new (n, d) and (n, d, d) arrays
    """
    n, d = mean.shape
    out_x = np.empty_like(mean)
    out_p = np.empty_like(cov)
    fp = np.empty((d, d))
    for t in range(n):
        for i in range(d):
            acc = 0.0
            for k in range(d):
                acc += f[i, k] * mean[t, k]
            out_x[t, i] = acc
        for i in range(d):
            for j in range(d):
                acc = 0.0
                for k in range(d):
                    acc += f[i, k] * cov[t, k, j]
                fp[i, j] = acc
        for i in range(d):
            for j in range(d):
                acc = q[i, j]
                for k in range(d):
                    acc += fp[i, k] * f[j, k]
                out_p[t, i, j] = acc
    return out_x, out_p


@njit_inline
def predict_ncv_mode(x: FloatArray, p: FloatArray, k: int, dt_s: float, q_m2ps3: float, m: int) -> None:
    """NCV prediction in place of state ``k`` of ``x`` (r, 2m) and ``p`` (r, 2m, 2m) by ``dt_s``, CWNA
    intensity ``q_m2ps3``: the per-state body of :func:`predict_ncv_inplace` (inlined into its callers,
    so that a constant ``m`` fixes its loops at compile time)."""
    dt2 = dt_s * dt_s
    for i in range(m):
        x[k, i] += dt_s * x[k, m + i]
    # order matters: A uses the old B and C, B uses the old C; C itself does not change
    for i in range(m):
        for j in range(m):
            p[k, i, j] += dt_s * (p[k, i, m + j] + p[k, m + i, j]) + dt2 * p[k, m + i, m + j]
    for i in range(m):
        for j in range(m):
            p[k, i, m + j] += dt_s * p[k, m + i, m + j]
            p[k, m + i, j] += dt_s * p[k, m + i, m + j]
    q_pp = q_m2ps3 * dt2 * dt_s / 3.0
    q_pv = q_m2ps3 * dt2 / 2.0
    q_vv = q_m2ps3 * dt_s
    for i in range(m):
        p[k, i, i] += q_pp
        p[k, i, m + i] += q_pv
        p[k, m + i, i] += q_pv
        p[k, m + i, m + i] += q_vv


@njit
def predict_ncv_inplace(mean: FloatArray, cov: FloatArray, dt_s: float, q_m2ps3: FloatArray) -> None:
    """NCV prediction in place of every state of a batch, CWNA process noise.

    ``mean`` is (n, r, d) and ``cov`` (n, r, d, d): r = 1 for a plain Kalman batch, r modes of an
    IMM, mode k with intensity ``q_m2ps3[k]`` (m^2/s^3). The loop over tracks lives in here, with
    plain indexing, so that no per-track array object or call is made. Uses the block structure of
    ``F = [[I, dt I], [0, I]]``: with ``P = [[A, B], [B^T, C]]``,
    ``F P F^T = [[A + dt (B + B^T) + dt^2 C, B + dt C], [B^T + dt C, C]]``, plus the CWNA ``Q`` of
    :func:`samsim.tracking.models.ncv_process_noise` (Bar-Shalom et al. 2001, eq. 6.2.2-14).
    """
    n, r, d = mean.shape
    for t in range(n):
        for k in range(r):
            predict_ncv_mode(mean[t], cov[t], k, dt_s, q_m2ps3[k], d // 2)


@njit
def predict_ncv(
    mean: FloatArray, cov: FloatArray, dt_s: float, q_m2ps3: float
) -> tuple[FloatArray, FloatArray]:
    """NCV prediction of a batch (``mean`` (n, d), ``cov`` (n, d, d)) by ``dt_s`` with CWNA intensity q.

    Same result as :func:`predict` with :func:`~samsim.tracking.models.ncv_transition` and
    :func:`~samsim.tracking.models.ncv_process_noise`, in O(d^2) per track instead of O(d^3).
    """
    n, d = mean.shape
    out_x = mean.copy().reshape((n, 1, d))
    out_p = cov.copy().reshape((n, 1, d, d))
    predict_ncv_inplace(out_x, out_p, dt_s, np.full(1, q_m2ps3))
    return out_x.reshape((n, d)), out_p.reshape((n, d, d))


@njit
def update_position_inplace(
    mean: FloatArray,
    cov: FloatArray,
    rows: IntArray,
    z: FloatArray,
    meas: IntArray,
    r_cov: FloatArray,
    likelihood: bool,
) -> FloatArray:
    """Position-only Kalman update in place of the states ``rows`` with the measurements ``meas``.

    ``mean`` is (n, r, d) and ``cov`` (n, r, d, d) (every mode of track ``rows[a]`` is updated with
    ``z[meas[a]]``); ``z`` is (k, m) and ``r_cov`` (k, m, m) or (1, m, m) when shared. With
    ``likelihood``, returns the (len(rows), r) log-likelihoods of the innovations,
    ``log N(nu; 0, S)`` (Bar-Shalom et al. 2001, eqs. 5.2.3-11 and 11.6.6-8), which the IMM uses to
    weigh its modes (zeros without). A state whose ``S`` is not positive definite is left as it was
    and gets ``-inf``.
    """
    r = mean.shape[1]
    d = mean.shape[2]
    m = z.shape[1]
    # the battery tracker's IMM (2 modes, 3-D) gets loops of fixed length, which the compiler unrolls
    if r == 2 and d == 6 and m == 3:
        return _update_rows(mean, cov, rows, z, meas, r_cov, likelihood, 2, 6, 3)
    return _update_rows(mean, cov, rows, z, meas, r_cov, likelihood, r, d, m)


@njit_inline
def _update_rows(
    mean: FloatArray,
    cov: FloatArray,
    rows: IntArray,
    z: FloatArray,
    meas: IntArray,
    r_cov: FloatArray,
    likelihood: bool,
    r: int,
    d: int,
    m: int,
) -> FloatArray:
    """:func:`update_position_inplace` for ``r`` states of dimension ``d`` and measurements of ``m``."""
    chol = np.empty((m, m))
    u = np.empty((d, m))
    w = np.empty(m)
    ll = np.zeros((rows.shape[0], r))
    shared = r_cov.shape[0] == 1
    for a in range(rows.shape[0]):
        t = rows[a]
        j = meas[a]
        rj = 0 if shared else j
        for k in range(r):
            # lower triangle of S = H P H^T + R, factorised in place: S = L L^T
            ok = True
            for i in range(m):
                for jj in range(i + 1):
                    acc = cov[t, k, i, jj] + r_cov[rj, i, jj]
                    for e in range(jj):
                        acc -= chol[i, e] * chol[jj, e]
                    if i == jj:
                        if acc <= 0.0:
                            ok = False
                            break
                        chol[i, i] = math.sqrt(acc)
                    else:
                        chol[i, jj] = acc / chol[jj, jj]
                if not ok:
                    break
            if not ok:
                ll[a, k] = -math.inf
                continue
            # U = P H^T L^-T, i.e. solve L U^T = H P row by row
            for row in range(d):
                for i in range(m):
                    acc = cov[t, k, row, i]
                    for e in range(i):
                        acc -= u[row, e] * chol[i, e]
                    u[row, i] = acc / chol[i, i]
            # w = L^-1 nu; then x += U w and P -= U U^T
            w2 = 0.0
            sqrt_det = 1.0
            for i in range(m):
                acc = z[j, i] - mean[t, k, i]
                for e in range(i):
                    acc -= chol[i, e] * w[e]
                w[i] = acc / chol[i, i]
                w2 += w[i] * w[i]
                sqrt_det *= chol[i, i]
            for row in range(d):
                acc = 0.0
                for e in range(m):
                    acc += u[row, e] * w[e]
                mean[t, k, row] += acc
            for p in range(d):
                for b in range(p + 1):
                    acc = 0.0
                    for e in range(m):
                        acc += u[p, e] * u[b, e]
                    v = cov[t, k, p, b] - acc
                    cov[t, k, p, b] = v
                    cov[t, k, b, p] = v
            if likelihood:
                ll[a, k] = -0.5 * (w2 + m * _LOG_2PI) - math.log(sqrt_det)
    return ll


@njit
def update_position(
    mean: FloatArray, cov: FloatArray, z: FloatArray, r: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Position-only Kalman update of a batch, row ``i`` of the batch with measurement ``z[i]``.

    Parameters
    ----------
    mean, cov : (n, d) and (n, d, d) arrays
        Predicted states.
    z : (n, m) array
        One position measurement per row (``m = d / 2``).
    r : (n, m, m) or (1, m, m) array
        Measurement covariances, per row or shared.

    Returns
    -------
    mean, cov : new (n, d) and (n, d, d) arrays
        Updated states.
    log_likelihood : (n,) array
        ``log N(z - H x; 0, H P H^T + R)`` of each measurement.
    """
    n, d = mean.shape
    out_x = mean.copy().reshape((n, 1, d))
    out_p = cov.copy().reshape((n, 1, d, d))
    idx = np.arange(n)
    ll = update_position_inplace(out_x, out_p, idx, z, idx, r, True)
    return out_x.reshape((n, d)), out_p.reshape((n, d, d)), ll[:, 0]
