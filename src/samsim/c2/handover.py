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

from samsim.arrays import FloatArray, IntArray

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
