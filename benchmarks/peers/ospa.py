"""OSPA metric of Schuhmacher, Vo & Vo (IEEE Trans. Signal Processing 56(8), 2008) on 2-D positions.

The peer recipe scores every tracker by the mean over scans of OSPA(c = 100 m, p = 1) between
confirmed-track positions and true positions; a scan with no track but some targets scores c.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment


def ospa(
    estimates: NDArray[np.float64], truth: NDArray[np.float64], c: float = 100.0, p: float = 1.0
) -> float:
    """OSPA distance (m) between (m, 2) estimated and (n, 2) true positions, cut-off c, order p."""
    if len(estimates) == 0 and len(truth) == 0:
        return 0.0
    if len(estimates) == 0 or len(truth) == 0:
        return c
    small, large = (estimates, truth) if len(estimates) <= len(truth) else (truth, estimates)
    diff = small[:, None, :] - large[None, :, :]
    cost = np.minimum(np.sqrt(np.sum(diff * diff, axis=2)), c) ** p
    rows, cols = linear_sum_assignment(cost)
    total = cost[rows, cols].sum() + c**p * (len(large) - len(small))
    return float((total / len(large)) ** (1.0 / p))


def mean_ospa(
    estimates_per_scan: Sequence[NDArray[np.float64]],
    truth: NDArray[np.float64],
    c: float = 100.0,
    p: float = 1.0,
) -> float:
    """Mean OSPA over scans; ``truth`` is the (T, N, 4) [x, vx, y, vy] array of gen.py."""
    scores = [ospa(est, truth[k][:, [0, 2]], c, p) for k, est in enumerate(estimates_per_scan)]
    return float(np.mean(scores))
