"""Engagement hand-over: which new track continues a track lost while interceptors fly at it.

A command post that loses the track its interceptors are guided on (the tracker deleted it after a
run of misses) usually sees the same target again a few scans later as a new track. Fired at as a
new threat it would get a second salvo while the first is still flying; instead the post hands the
engagement over: the interceptors take their mid-course updates from the new track, and the fire
policy counts them as that track's salvo.

Which new track continues a lost one is the track-to-track association test (Bar-Shalom 1981):
for two estimates ``a``, ``b`` of the same target at one time, the difference ``Δ = x_a - x_b`` is
zero-mean with covariance ``P_a + P_b`` (the cross-covariance of errors neglected, as for tracks
built from different measurements), so ``d² = Δᵀ (P_a + P_b)⁻¹ Δ`` is chi-square distributed; pairs
with ``d`` above the gate are not the same target. Among the gated pairs the assignment minimising
the sum of ``d²`` is taken, one new track per lost one (Bar-Shalom & Li 1995, ch. 8: the same
global-nearest-neighbour rule as for measurements).

References
----------
Y. Bar-Shalom, "On the track-to-track correlation problem", IEEE Transactions on Automatic Control
    26(2), 1981, 571-572.
Y. Bar-Shalom and X.-R. Li, *Multitarget-Multisensor Tracking: Principles and Techniques*, YBS
    Publishing, 1995, ch. 8 (track-to-track association and fusion).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.jit import njit, njit_inline

_UNGATED = 1e12  # cost of a pair outside the gate (never chosen: filtered after the assignment)


def track_distance2(
    pos_a_m: FloatArray, cov_a_m2: FloatArray, pos_b_m: FloatArray, cov_b_m2: FloatArray
) -> FloatArray:
    """Track-to-track statistic ``d² = Δᵀ (P_a + P_b)⁻¹ Δ`` of every pair of position estimates.

    Parameters
    ----------
    pos_a_m, cov_a_m2 : (n, k), (n, k, k) estimates and their covariances.
    pos_b_m, cov_b_m2 : (m, k), (m, k, k) the same for the other set, at the same time.

    Returns
    -------
    (n, m) squared Mahalanobis distances.
    """
    pos_a = np.asarray(pos_a_m, dtype=np.float64)
    pos_b = np.asarray(pos_b_m, dtype=np.float64)
    delta = pos_a[:, None, :] - pos_b[None, :, :]
    s = np.asarray(cov_a_m2, dtype=np.float64)[:, None] + np.asarray(cov_b_m2, dtype=np.float64)[None, :]
    if delta.size == 0:
        return np.zeros((pos_a.shape[0], pos_b.shape[0]))
    sol = np.linalg.solve(s, delta[..., None])[..., 0]
    return np.asarray(np.einsum("nmk,nmk->nm", delta, sol), dtype=np.float64)


_GATE_SLACK = 2.0
"""Pairs are ruled out by :func:`may_pass_gate` only with their distance bound above this many gates
squared: far above the rounding of the predictions and of the distance's solve (which would have to
err by half its value, a covariance condition number near 1e15)."""


@njit_inline
def _predicted_position_trace(
    mean: FloatArray, cov: FloatArray, row: int, dt_s: float, q_m2ps3: float, pos_out: FloatArray
) -> float:
    """Row ``row``'s position predicted ``dt_s`` ahead (into ``pos_out``) and :func:`may_pass_gate`'s
    bound on the trace of its predicted position covariance, ``tr P_pp + 2 |dt tr P_pv| + dt² tr P_vv
    + |q dt³|``."""
    tr = abs(q_m2ps3 * dt_s * dt_s * dt_s)
    for k in range(3):
        pos_out[k] = mean[row, k] + mean[row, k + 3] * dt_s
        tr += (
            cov[row, k, k]
            + abs(dt_s * (cov[row, k, k + 3] + cov[row, k + 3, k]))
            + dt_s * dt_s * cov[row, k + 3, k + 3]
        )
    return tr


@njit
def may_pass_gate(
    mean_a: FloatArray,
    cov_a: FloatArray,
    rows_a: IntArray,
    dt_a_s: float,
    q_a_m2ps3: FloatArray,
    mean_b: FloatArray,
    cov_b: FloatArray,
    dt_b_s: FloatArray,
    q_b_m2ps3: FloatArray,
    gate2: float,
) -> BoolArray:
    """For each state estimate ``a`` (rows ``rows_a`` of ``mean_a`` (N, 6), ``cov_a`` (N, 6, 6), all
    predicted ``dt_a_s`` ahead with process noise ``q_a_m2ps3`` per row), whether some estimate ``b``
    (``mean_b`` (m, 6), ``cov_b`` (m, 6, 6), each predicted ``dt_b_s`` ahead with ``q_b_m2ps3``) may
    pass the track-to-track test ``d² <= gate2`` (:func:`track_distance2` of their predicted
    positions, on the nearly-constant-velocity prediction of
    :func:`samsim.sim.command_post.predict_position`).

    False only where a bound rules every pair out: ``d² = Δᵀ S⁻¹ Δ >= |Δ|² / λ_max(S)`` and the
    largest eigenvalue of the positive definite ``S = P_a + P_b`` is at most its trace, itself at
    most ``tr P_pp + 2 |dt tr P_pv| + dt² tr P_vv + |q dt³|`` summed over both estimates (Golub &
    Van Loan, *Matrix Computations*, 4th ed., 2013, section 8.1: the eigenvalues of a symmetric
    matrix sum to its trace); the pair is ruled out when that bound exceeds ``gate2`` by
    :data:`_GATE_SLACK`. The others need the test itself."""
    n, m = rows_a.size, mean_b.shape[0]
    out = np.zeros(n, np.bool_)
    pos_b = np.empty((m, 3))
    tr_b = np.empty(m)
    for b in range(m):
        tr_b[b] = _predicted_position_trace(mean_b, cov_b, b, dt_b_s[b], q_b_m2ps3[b], pos_b[b])
    p = np.empty(3)
    for a in range(n):
        tr_a = _predicted_position_trace(mean_a, cov_a, rows_a[a], dt_a_s, q_a_m2ps3[a], p)
        for b in range(m):
            d2 = (p[0] - pos_b[b, 0]) ** 2 + (p[1] - pos_b[b, 1]) ** 2 + (p[2] - pos_b[b, 2]) ** 2
            tr = tr_a + tr_b[b]
            if not (tr > 0.0 and d2 > _GATE_SLACK * gate2 * tr):  # a NaN keeps the pair
                out[a] = True
                break
    return out


def hand_over(
    lost_pos_m: FloatArray,
    lost_cov_m2: FloatArray,
    new_pos_m: FloatArray,
    new_cov_m2: FloatArray,
    gate: float,
) -> IntArray:
    """For each lost track, the new track that continues it (-1: none).

    Pairs whose distance :func:`track_distance2` exceeds ``gate`` (a Mahalanobis distance) are never
    matched; among the others each lost track takes at most one new track and each new track
    continues at most one lost track, the matching minimising the total ``d²``.
    """
    n = np.asarray(lost_pos_m).shape[0]
    out = np.full(n, -1, dtype=np.int64)
    if n == 0 or np.asarray(new_pos_m).shape[0] == 0:
        return out
    d2 = track_distance2(lost_pos_m, lost_cov_m2, new_pos_m, new_cov_m2)
    inside = d2 <= gate * gate
    if not np.any(inside):
        return out
    rows, cols = linear_sum_assignment(np.where(inside, d2, _UNGATED))
    keep = inside[rows, cols]
    out[rows[keep]] = cols[keep]
    return out
