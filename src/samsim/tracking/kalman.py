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
from numpy.typing import NDArray

from samsim._jit import njit

FloatArray = NDArray[np.float64]

_LOG_2PI = math.log(2.0 * math.pi)


@njit
def cholesky_lower(s: FloatArray, out: FloatArray) -> bool:
    """Lower Cholesky factor of a small symmetric matrix ``s`` into ``out``; False if not pos. definite."""
    m = s.shape[0]
    for i in range(m):
        for j in range(i + 1):
            acc = s[i, j]
            for k in range(j):
                acc -= out[i, k] * out[j, k]
            if i == j:
                if acc <= 0.0:
                    return False
                out[i, i] = math.sqrt(acc)
            else:
                out[i, j] = acc / out[j, j]
        for j in range(i + 1, m):
            out[i, j] = 0.0
    return True


@njit
def mahalanobis_sq(nu: FloatArray, s: FloatArray, chol: FloatArray, y: FloatArray) -> float:
    """Squared Mahalanobis distance ``nu^T s^-1 nu`` of a small system, via ``s = L L^T``.

    ``chol`` (m, m) and ``y`` (m,) are scratch. Returns ``inf`` when ``s`` is not positive definite.
    """
    if not cholesky_lower(s, chol):
        return math.inf
    total = 0.0
    for i in range(nu.shape[0]):
        acc = nu[i]
        for k in range(i):
            acc -= chol[i, k] * y[k]
        y[i] = acc / chol[i, i]
        total += y[i] * y[i]
    return total


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


@njit
def predict_ncv_inplace(mean: FloatArray, cov: FloatArray, dt_s: float, q_m2ps3: float) -> None:
    """NCV prediction of one state in place (``mean`` (d,), ``cov`` (d, d)), CWNA process noise.

    Uses the block structure of ``F = [[I, dt I], [0, I]]``: with ``P = [[A, B], [B^T, C]]``,
    ``F P F^T = [[A + dt (B + B^T) + dt^2 C, B + dt C], [B^T + dt C, C]]``, plus the CWNA ``Q`` of
    :func:`samsim.tracking.models.ncv_process_noise` (Bar-Shalom et al. 2001, eq. 6.2.2-14).
    """
    d = mean.shape[0]
    m = d // 2
    for i in range(m):
        mean[i] += dt_s * mean[m + i]
    dt2 = dt_s * dt_s
    # order matters: A uses the old B and C, B uses the old C; C itself does not change
    for i in range(m):
        for j in range(m):
            cov[i, j] += dt_s * (cov[i, m + j] + cov[m + i, j]) + dt2 * cov[m + i, m + j]
    for i in range(m):
        for j in range(m):
            cov[i, m + j] += dt_s * cov[m + i, m + j]
            cov[m + i, j] += dt_s * cov[m + i, m + j]
    q_pp = q_m2ps3 * dt2 * dt_s / 3.0
    q_pv = q_m2ps3 * dt2 / 2.0
    q_vv = q_m2ps3 * dt_s
    for i in range(m):
        cov[i, i] += q_pp
        cov[i, m + i] += q_pv
        cov[m + i, i] += q_pv
        cov[m + i, m + i] += q_vv


@njit
def predict_ncv(
    mean: FloatArray, cov: FloatArray, dt_s: float, q_m2ps3: float
) -> tuple[FloatArray, FloatArray]:
    """NCV prediction of a batch (``mean`` (n, d), ``cov`` (n, d, d)) by ``dt_s`` with CWNA intensity q.

    Same result as :func:`predict` with :func:`~samsim.tracking.models.ncv_transition` and
    :func:`~samsim.tracking.models.ncv_process_noise`, in O(d^2) per track instead of O(d^3).
    """
    out_x = mean.copy()
    out_p = cov.copy()
    for t in range(mean.shape[0]):
        predict_ncv_inplace(out_x[t], out_p[t], dt_s, q_m2ps3)
    return out_x, out_p


@njit
def update_position_inplace(
    mean: FloatArray,
    cov: FloatArray,
    z: FloatArray,
    r: FloatArray,
    chol: FloatArray,
    u: FloatArray,
    w: FloatArray,
) -> float:
    """Position-only Kalman update of one state in place; returns the log-likelihood of ``z``.

    ``mean`` (d,), ``cov`` (d, d), ``z`` (m,), ``r`` (m, m); ``chol`` (m, m), ``u`` (d, m) and ``w``
    (m,) are scratch. The log-likelihood is that of the innovation, ``log N(nu; 0, S)`` (Bar-Shalom et al.
    2001, eq. 5.2.3-11 and 11.6.6-8), used by the IMM to weigh its models.
    """
    d = mean.shape[0]
    m = z.shape[0]
    for i in range(m):
        for j in range(i + 1):
            chol[i, j] = cov[i, j] + r[i, j]
    # in-place Cholesky of the lower triangle of S = H P H^T + R
    for i in range(m):
        for j in range(i + 1):
            acc = chol[i, j]
            for k in range(j):
                acc -= chol[i, k] * chol[j, k]
            if i == j:
                if acc <= 0.0:
                    return -math.inf
                chol[i, i] = math.sqrt(acc)
            else:
                chol[i, j] = acc / chol[j, j]
    # U = P H^T L^-T, i.e. solve L U^T = H P row by row
    for row in range(d):
        for i in range(m):
            acc = cov[row, i]
            for k in range(i):
                acc -= u[row, k] * chol[i, k]
            u[row, i] = acc / chol[i, i]
    # w = L^-1 nu
    log_det = 0.0
    w2 = 0.0
    for i in range(m):
        acc = z[i] - mean[i]
        for k in range(i):
            acc -= chol[i, k] * w[k]
        w[i] = acc / chol[i, i]
        w2 += w[i] * w[i]
        log_det += 2.0 * math.log(chol[i, i])
    for row in range(d):
        acc = 0.0
        for k in range(m):
            acc += u[row, k] * w[k]
        mean[row] += acc
    for a in range(d):
        for b in range(a + 1):
            acc = 0.0
            for k in range(m):
                acc += u[a, k] * u[b, k]
            v = cov[a, b] - acc
            cov[a, b] = v
            cov[b, a] = v
    return float(-0.5 * (w2 + log_det + m * _LOG_2PI))


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
    m = z.shape[1]
    out_x = mean.copy()
    out_p = cov.copy()
    ll = np.empty(n)
    chol = np.empty((m, m))
    u = np.empty((d, m))
    w = np.empty(m)
    shared = r.shape[0] == 1
    for t in range(n):
        rt = r[0] if shared else r[t]
        ll[t] = update_position_inplace(out_x[t], out_p[t], z[t], rt, chol, u, w)
    return out_x, out_p, ll
