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

    python benchmarks/peers/filterpy_gnn.py data.npz [--tree]    # prints one JSON line
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
    data: dict[str, NDArray[np.float64]], params: dict[str, float], tree: bool = False
) -> tuple[float, list[NDArray[np.float64]]]:
    """Track every scan; returns (seconds spent in the loop, confirmed positions after each scan).

    ``tree``: gate with a SciPy k-d tree (each track asks only the detections inside the circle that
    bounds its gate ellipse) and solve one assignment per connected cluster of tracks and detections;
    otherwise build the full track x detection matrix. Both give the same assignment (a cluster's
    pairs are independent of the others': a pair outside every gate costs 0 either way); the tree is
    the faster form from some hundreds of targets, the matrix below.
    """
    from filterpy.common import Q_continuous_white_noise
    from filterpy.kalman import KalmanFilter
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

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

    def pairs_by_tree(tracks: list[Track], z: NDArray[np.float64]) -> dict[int, int]:
        """The GNN assignment of ``tracks`` to ``z`` (track index -> detection index), by clusters."""
        index = cKDTree(z)
        ti, di, cost = [], [], []
        for i, tr in enumerate(tracks):
            s = h @ tr.kf.P @ h.T + r
            centre = (h @ tr.kf.x).ravel()
            near = index.query_ball_point(centre, GATE * float(np.sqrt(np.linalg.eigvalsh(s)[-1])))
            if not near:
                continue
            innov = z[near] - centre
            dist = np.sqrt(np.einsum("ij,jk,ik->i", innov, np.linalg.inv(s), innov))
            for j, d in zip(near, dist, strict=True):
                if d < GATE:
                    ti.append(i)
                    di.append(j)
                    cost.append(d - GATE)
        if not ti:
            return {}
        n_t = len(tracks)
        graph = coo_matrix((np.ones(len(ti)), (ti, np.asarray(di) + n_t)), shape=(n_t + len(z),) * 2)
        _, label = connected_components(graph, directed=False)
        taken: dict[int, int] = {}
        by_cluster: dict[int, list[int]] = {}
        for k, i in enumerate(ti):
            by_cluster.setdefault(int(label[i]), []).append(k)
        for ks in by_cluster.values():
            rows = sorted({ti[k] for k in ks})
            cols = sorted({di[k] for k in ks})
            sub = np.zeros((len(rows), len(cols)))
            rpos = {t: a for a, t in enumerate(rows)}
            cpos = {d: b for b, d in enumerate(cols)}
            for k in ks:
                sub[rpos[ti[k]], cpos[di[k]]] = cost[k]
            for a, b in zip(*linear_sum_assignment(sub), strict=True):
                if sub[a, b] < 0.0:
                    taken[rows[a]] = cols[b]
        return taken

    def serve(tracks: list[Track], z: NDArray[np.float64]) -> NDArray[np.bool_]:
        """GNN-update ``tracks`` with ``z``; returns the mask of detections nobody took."""
        free = np.ones(len(z), dtype=bool)
        taken: dict[int, int] = {}
        if tracks and len(z) and tree:
            taken = pairs_by_tree(tracks, z)
        elif tracks and len(z):
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
    tree = "--tree" in sys.argv
    seconds, est = run(data, params, tree=tree)
    n_scans = len(data["times"])
    print(
        json.dumps(
            {
                "tracker": "filterpy-gnn",
                "gating": "k-d tree, per cluster" if tree else "dense matrix",
                "targets": int(data["truth"].shape[1]),
                "scans": n_scans,
                "tracking_seconds": round(seconds, 3),
                "scans_per_s": round(n_scans / seconds, 2),
                "mean_ospa_m": round(mean_ospa(est, data["truth"]), 3),
            }
        )
    )
