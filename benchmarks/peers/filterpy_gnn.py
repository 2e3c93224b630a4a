"""Per-object GNN baseline: one FilterPy KalmanFilter per track and SciPy's linear_sum_assignment.

What a careful engineer writes without a tracking framework, with the peer recipe's settings
(the same as stonesoup_gnn.py): NCV model with continuous white-noise acceleration Q (q from the
data's params), position-only H, R = sigma^2 I; a track starts at its detection with zero velocity
and P = diag(sigma^2, 300^2, sigma^2, 300^2); Mahalanobis gate 3 (distance strictly below 3);
global nearest neighbour minimising the summed distance with 3 as the cost of a miss (Stone Soup's
GNNWith2DAssignment objective with missed_distance = 3); confirmed tracks are served first,
tentative ones take what is left and are confirmed on their 3rd detection (the first included);
unused detections start tentative tracks; any track is dropped after 3 consecutive missed scans.
Only the tracking loop is timed.

    python benchmarks/peers/filterpy_gnn.py data.npz     # prints one JSON line
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen import load, scans_of  # noqa: E402
from ospa import mean_ospa  # noqa: E402

GATE, MIN_POINTS, MAX_MISSES, VEL_SIGMA_MPS = 3.0, 3, 3, 300.0


def run(
    data: dict[str, NDArray[np.float64]], params: dict[str, float]
) -> tuple[float, list[NDArray[np.float64]]]:
    """Track every scan; returns (seconds spent in the loop, confirmed positions after each scan)."""
    from filterpy.common import Q_continuous_white_noise
    from filterpy.kalman import KalmanFilter
    from scipy.optimize import linear_sum_assignment

    sigma_m, q = float(params["sigma"]), float(params["q"])
    h = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    r = sigma_m**2 * np.eye(2)
    p0 = np.diag([sigma_m**2, VEL_SIGMA_MPS**2, sigma_m**2, VEL_SIGMA_MPS**2])

    class Track:
        """One filter and its hit and consecutive-miss counters."""

        def __init__(self, z: NDArray[np.float64]) -> None:
            self.kf = KalmanFilter(dim_x=4, dim_z=2)
            self.kf.x = np.array([[z[0]], [0.0], [z[1]], [0.0]])
            self.kf.P, self.kf.H, self.kf.R = p0.copy(), h, r
            self.hits, self.misses = 1, 0

    def serve(tracks: list[Track], z: NDArray[np.float64]) -> NDArray[np.bool_]:
        """GNN-update ``tracks`` with ``z``; returns the mask of detections nobody took."""
        free = np.ones(len(z), dtype=bool)
        taken: dict[int, int] = {}
        if tracks and len(z):
            # a pair costs (distance - gate) and a miss 0: same argmin as pair = distance, miss = gate
            cost = np.zeros((len(tracks), len(z)))
            for i, tr in enumerate(tracks):
                innov = z - (h @ tr.kf.x).ravel()
                s_inv = np.linalg.inv(h @ tr.kf.P @ h.T + r)
                dist = np.sqrt(np.einsum("ij,jk,ik->i", innov, s_inv, innov))
                cost[i] = np.where(dist < GATE, dist - GATE, 0.0)
            rows, cols = linear_sum_assignment(cost)
            taken = {int(i): int(j) for i, j in zip(rows, cols, strict=True) if cost[i, j] < 0.0}
        for i, tr in enumerate(tracks):
            if i in taken:
                tr.kf.update(z[taken[i]])
                tr.hits, tr.misses = tr.hits + 1, 0
                free[taken[i]] = False
            else:
                tr.misses += 1
        return free

    scans = scans_of(data)
    times = data["times"]
    confirmed: list[Track] = []
    tentative: list[Track] = []
    estimates: list[NDArray[np.float64]] = []
    t0 = time.perf_counter()
    for k, z in enumerate(scans):
        dt = float(times[k] - times[k - 1]) if k else 0.0
        f = np.kron(np.eye(2), np.array([[1.0, dt], [0.0, 1.0]]))
        qm = Q_continuous_white_noise(dim=2, dt=dt, spectral_density=q, block_size=2)
        for tr in confirmed + tentative:
            tr.kf.predict(F=f, Q=qm)
        z = z[serve(confirmed, z)]
        confirmed = [tr for tr in confirmed if tr.misses < MAX_MISSES]
        z = z[serve(tentative, z)]
        confirmed += [tr for tr in tentative if tr.hits >= MIN_POINTS]
        tentative = [tr for tr in tentative if tr.hits < MIN_POINTS and tr.misses < MAX_MISSES]
        tentative += [Track(zi) for zi in z]
        pos = [(tr.kf.x[0, 0], tr.kf.x[2, 0]) for tr in confirmed]
        estimates.append(np.array(pos, dtype=np.float64).reshape(-1, 2))
    return time.perf_counter() - t0, estimates


if __name__ == "__main__":
    data, params = load(sys.argv[1])
    seconds, est = run(data, params)
    n_scans = len(data["times"])
    print(
        json.dumps(
            {
                "tracker": "filterpy-gnn",
                "targets": int(data["truth"].shape[1]),
                "scans": n_scans,
                "tracking_seconds": round(seconds, 3),
                "scans_per_s": round(n_scans / seconds, 2),
                "mean_ospa_m": round(mean_ospa(est, data["truth"]), 3),
            }
        )
    )
