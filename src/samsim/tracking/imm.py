"""Batched interacting multiple model (IMM) filter over nearly-constant-velocity modes.

Every track carries ``r`` mode-conditioned estimates ``mean`` (n, r, d), ``cov`` (n, r, d, d) and mode
probabilities ``prob`` (n, r). The modes here differ only by their acceleration noise intensity
``q`` (a quiet NCV mode and a manoeuvre mode of high ``q``), so all share the state layout of
:mod:`samsim.tracking.models`. One cycle (Blom & Bar-Shalom 1988; Bar-Shalom, Li & Kirubarajan
2001, section 11.6.6):

1. mixing: ``c_j = sum_i p_ij mu_i``, ``mu_i|j = p_ij mu_i / c_j``,
   ``x0_j = sum_i mu_i|j x_i``, ``P0_j = sum_i mu_i|j (P_i + (x_i - x0_j)(x_i - x0_j)^T)``;
2. mode-matched prediction of ``(x0_j, P0_j)`` with mode j's model;
3. with a measurement: mode-matched updates with likelihoods ``L_j``, ``mu_j = L_j c_j / sum``;
   without one, ``mu_j = c_j``;
4. output combination ``x = sum_j mu_j x_j``, ``P = sum_j mu_j (P_j + (x_j - x)(x_j - x)^T)``.

The predicted combination (step 4 with ``c_j`` and the predicted estimates) is what gating and
association use. Mode switching for an interval ``dt`` keeps mode i with probability
``exp(-dt / tau_i)`` (``tau_i`` its mean sojourn time) and spreads the rest evenly over the other
modes, the usual continuous-time reading of the Markov switching matrix (Bar-Shalom et al. 2001,
section 11.6.7), so irregular revisit intervals are handled.

References
----------
H. A. P. Blom and Y. Bar-Shalom, "The interacting multiple model algorithm for systems with
Markovian switching coefficients", IEEE Trans. Automatic Control 33(8), 1988.
Y. Bar-Shalom, X. R. Li and T. Kirubarajan, "Estimation with Applications to Tracking and
Navigation", Wiley, 2001, sections 11.6-11.7.
"""

from __future__ import annotations

import math

import numpy as np

from samsim.arrays import FloatArray, IntArray
from samsim.jit import njit, njit_inline
from samsim.tracking.kalman import predict_ncv_mode, update_position_inplace


def transition_matrix(dt_s: float, sojourn_s: FloatArray) -> FloatArray:
    """Mode switching matrix ``p_ij`` (row: from mode i, column: to mode j) for an interval ``dt_s``.

    ``p_ii = exp(-dt / tau_i)`` and ``p_ij = (1 - p_ii) / (r - 1)`` for ``j != i`` (Bar-Shalom et al.
    2001, section 11.6.7), ``tau`` the mean sojourn times (s). Rows sum to one.
    """
    tau = np.asarray(sojourn_s, dtype=np.float64)
    r = tau.shape[0]
    if r == 1:
        return np.ones((1, 1))
    stay = np.exp(-dt_s / tau)
    p: FloatArray = np.repeat(((1.0 - stay) / (r - 1))[:, None], r, axis=1)
    np.fill_diagonal(p, stay)
    return p


def stationary_probabilities(sojourn_s: FloatArray) -> FloatArray:
    """Long-run mode probabilities of the switching model above, proportional to ``tau_i``.

    For intervals short against the sojourn times the chain leaves mode i at rate ``1 / tau_i``,
    spread evenly over the others, and the balance equations give ``pi_i ~ tau_i``. Used as the
    mode probabilities of a new track.
    """
    tau = np.asarray(sojourn_s, dtype=np.float64)
    out: FloatArray = tau / tau.sum()
    return out


@njit_inline
def _combine(
    prob: FloatArray,
    t: int,
    x: FloatArray,
    p: FloatArray,
    r: int,
    d: int,
    out_mean: FloatArray,
    out_cov: FloatArray,
) -> None:
    """Moment-matched combination (step 4 above) of the mode estimates ``x`` (r, d), ``p`` (r, d, d)
    of track ``t`` into ``out_mean[t]``, ``out_cov[t]``; a plain copy when there is one mode."""
    if r == 1:
        for a in range(d):
            out_mean[t, a] = x[0, a]
            for b in range(d):
                out_cov[t, a, b] = p[0, a, b]
        return
    for i in range(d):
        acc = 0.0
        for j in range(r):
            acc += prob[t, j] * x[j, i]
        out_mean[t, i] = acc
    for a in range(d):
        for b in range(a + 1):
            acc = 0.0
            for j in range(r):
                acc += prob[t, j] * (p[j, a, b] + (x[j, a] - out_mean[t, a]) * (x[j, b] - out_mean[t, b]))
            out_cov[t, a, b] = acc
            out_cov[t, b, a] = acc


@njit_inline
def _mix(
    mean: FloatArray,
    cov: FloatArray,
    prob: FloatArray,
    trans: FloatArray,
    t: int,
    r: int,
    d: int,
    x0: FloatArray,
    p0: FloatArray,
    c: FloatArray,
    w: FloatArray,
) -> None:
    """IMM mixing (step 1) of track ``t``: its mode-matched initial conditions into ``x0`` (r, d) and
    ``p0`` (r, d, d), its predicted mode probabilities into ``prob[t]`` (``c``, ``w``: scratch)."""
    for j in range(r):
        cj = 0.0
        for i in range(r):
            cj += trans[i, j] * prob[t, i]
        c[j] = cj
        if cj > 0.0:
            for i in range(r):
                w[i] = trans[i, j] * prob[t, i] / cj
        else:
            for i in range(r):
                w[i] = 1.0 if i == j else 0.0
        for a in range(d):
            acc = 0.0
            for i in range(r):
                acc += w[i] * mean[t, i, a]
            x0[j, a] = acc
        for a in range(d):
            for b in range(a + 1):
                acc = 0.0
                for i in range(r):
                    acc += w[i] * (cov[t, i, a, b] + (mean[t, i, a] - x0[j, a]) * (mean[t, i, b] - x0[j, b]))
                p0[j, a, b] = acc
                p0[j, b, a] = acc
    for j in range(r):
        prob[t, j] = c[j]


@njit
def _output(
    mean: FloatArray,
    cov: FloatArray,
    prob: FloatArray,
    rows: IntArray,
    out_mean: FloatArray,
    out_cov: FloatArray,
) -> None:
    """Combined estimate (step 4) of the tracks ``rows``; a plain copy when there is one mode."""
    r = mean.shape[1]
    d = mean.shape[2]
    if r == 2 and d == 6:  # the battery tracker: loops of fixed length
        for a in range(rows.shape[0]):
            _combine(prob, rows[a], mean[rows[a]], cov[rows[a]], 2, 6, out_mean, out_cov)
        return
    for a in range(rows.shape[0]):
        t = rows[a]
        _combine(prob, t, mean[t], cov[t], r, d, out_mean, out_cov)


@njit_inline
def _predict_rows(
    mean: FloatArray,
    cov: FloatArray,
    prob: FloatArray,
    trans: FloatArray,
    dt_s: float,
    q_m2ps3: FloatArray,
    out_mean: FloatArray,
    out_cov: FloatArray,
    r: int,
    d: int,
) -> None:
    """:func:`predict_inplace` for ``r`` modes of dimension ``d``, one track at a time (mixing,
    mode-matched prediction and combination with the track's estimates in scratch arrays)."""
    x0 = np.empty((r, d))
    p0 = np.empty((r, d, d))
    c = np.empty(r)
    w = np.empty(r)
    for t in range(mean.shape[0]):
        if r > 1:
            _mix(mean, cov, prob, trans, t, r, d, x0, p0, c, w)
        else:
            for a in range(d):
                x0[0, a] = mean[t, 0, a]
                for b in range(d):
                    p0[0, a, b] = cov[t, 0, a, b]
        for k in range(r):
            predict_ncv_mode(x0, p0, k, dt_s, q_m2ps3[k], d // 2)
            for a in range(d):
                mean[t, k, a] = x0[k, a]
                for b in range(d):
                    cov[t, k, a, b] = p0[k, a, b]
        _combine(prob, t, x0, p0, r, d, out_mean, out_cov)


@njit
def predict_inplace(
    mean: FloatArray,
    cov: FloatArray,
    prob: FloatArray,
    trans: FloatArray,
    dt_s: float,
    q_m2ps3: FloatArray,
    out_mean: FloatArray,
    out_cov: FloatArray,
) -> None:
    """IMM mixing and mode-matched NCV prediction of a batch, in place, plus the predicted combination.

    Parameters
    ----------
    mean, cov, prob : (n, r, d), (n, r, d, d), (n, r) arrays
        Mode-conditioned estimates and mode probabilities; on return the predicted estimates and
        the predicted mode probabilities ``c_j``.
    trans : (r, r) array
        Switching matrix for this interval (:func:`transition_matrix`).
    dt_s : float
        Prediction interval (s).
    q_m2ps3 : (r,) array
        CWNA intensity of each mode.
    out_mean, out_cov : (n, d), (n, d, d) arrays
        Receive the predicted combined estimate (for gating and association).
    """
    r = mean.shape[1]
    d = mean.shape[2]
    # The tracker of a battery (two modes, 3-D states) gets loops of fixed length, which the compiler
    # unrolls; it is the cost of every step of a command post's picture.
    if r == 2 and d == 6:
        _predict_rows(mean, cov, prob, trans, dt_s, q_m2ps3, out_mean, out_cov, 2, 6)
    else:
        _predict_rows(mean, cov, prob, trans, dt_s, q_m2ps3, out_mean, out_cov, r, d)


@njit
def update_inplace(
    mean: FloatArray,
    cov: FloatArray,
    prob: FloatArray,
    out_mean: FloatArray,
    out_cov: FloatArray,
    rows: IntArray,
    z: FloatArray,
    r_cov: FloatArray,
    meas: IntArray,
) -> None:
    """Mode-matched position updates and mode-probability update of the tracks ``rows``, in place.

    Track ``rows[a]`` is updated with measurement ``z[meas[a]]`` of covariance ``r_cov[meas[a]]``
    (or ``r_cov[0]`` when ``r_cov`` has one matrix), its mode probabilities become
    ``mu_j = L_j c_j / sum_i L_i c_i`` and its combined estimate ``out_mean``, ``out_cov`` is
    recomputed. Tracks not listed keep their predicted values (``mu_j = c_j``).
    """
    r = mean.shape[1]
    ll = update_position_inplace(mean, cov, rows, z, meas, r_cov, r > 1)
    if r > 1:
        for a in range(rows.shape[0]):
            t = rows[a]
            best = -math.inf
            for k in range(r):
                best = max(best, ll[a, k])
            if best == -math.inf:
                continue
            total = 0.0
            for k in range(r):
                prob[t, k] *= math.exp(ll[a, k] - best)
                total += prob[t, k]
            if total > 0.0:
                for k in range(r):
                    prob[t, k] /= total
    _output(mean, cov, prob, rows, out_mean, out_cov)
