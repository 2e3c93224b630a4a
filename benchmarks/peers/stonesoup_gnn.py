"""Stone Soup's standard GNN tracker on a gen.py data set (the peer recipe's settings).

Components, as in Stone Soup's tutorials: Kalman predictor and updater with a nearly-constant-velocity
model (q from the data's params) on both axes, position-only linear Gaussian measurements
(sigma from params), a DistanceHypothesiser with the Mahalanobis measure and missed_distance = 3,
the k-d tree GNN (DetectionKDTreeGNN2D) or, with --dense, GNNWith2DAssignment, a
MultiMeasurementInitiator needing 3 points with prior
P = diag(sigma^2, 300^2, sigma^2, 300^2), and an UpdateTimeStepsDeleter after 3 steps without update.
Only the tracking loop is timed; building Detection objects is not.

    python benchmarks/peers/stonesoup_gnn.py data.npz [--dense]    # prints one JSON line
"""

from __future__ import annotations

import datetime
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
# The k-d tree associator asks only the detections within this distance of each predicted position.
# A Mahalanobis gate of 3 holds every detection that can be associated: a track after 3 missed 1 s
# scans, started with a 300 m/s velocity sigma, has a position sigma near 3 x 300 = 900 m, so its gate
# is under 3 km; 4 km leaves a margin (the OSPA equals the dense associator's, checked by --dense).
KD_RADIUS_M = 4000.0


def run(
    data: dict[str, NDArray[np.float64]], params: dict[str, float], dense: bool = False
) -> tuple[float, list[NDArray[np.float64]]]:
    """Track every scan; returns (seconds spent in the loop, confirmed positions after each scan).

    ``dense``: Stone Soup's GNNWith2DAssignment (every track against every detection); otherwise its
    k-d tree form DetectionKDTreeGNN2D, the faster from a few tens of targets up (Stone Soup at its best).
    """
    from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
    from stonesoup.dataassociator.tree import DetectionKDTreeGNN2D
    from stonesoup.deleter.time import UpdateTimeStepsDeleter
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.initiator.simple import MultiMeasurementInitiator
    from stonesoup.measures import Mahalanobis
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import CombinedLinearGaussianTransitionModel, ConstantVelocity
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.types.detection import Detection
    from stonesoup.types.state import GaussianState
    from stonesoup.updater.kalman import KalmanUpdater

    sigma_m, q = float(params["sigma"]), float(params["q"])
    motion = CombinedLinearGaussianTransitionModel([ConstantVelocity(q), ConstantVelocity(q)])
    sensor = LinearGaussian(ndim_state=4, mapping=(0, 2), noise_covar=sigma_m**2 * np.eye(2))
    predictor = KalmanPredictor(motion)
    updater = KalmanUpdater(sensor)
    hypothesiser = DistanceHypothesiser(predictor, updater, measure=Mahalanobis(), missed_distance=GATE)
    associator: object
    if dense:
        associator = GNNWith2DAssignment(hypothesiser)
    else:
        associator = DetectionKDTreeGNN2D(hypothesiser, predictor, updater, max_distance=KD_RADIUS_M)
    deleter = UpdateTimeStepsDeleter(time_steps_since_update=MAX_MISSES)
    prior = GaussianState(
        np.zeros((4, 1)), np.diag([sigma_m**2, VEL_SIGMA_MPS**2, sigma_m**2, VEL_SIGMA_MPS**2])
    )
    initiator = MultiMeasurementInitiator(
        prior,
        measurement_model=sensor,
        deleter=deleter,
        data_associator=associator,
        updater=updater,
        min_points=MIN_POINTS,
    )

    epoch = datetime.datetime(2026, 1, 1)
    feed = []
    for t, z in zip(data["times"], scans_of(data), strict=True):
        stamp = epoch + datetime.timedelta(seconds=float(t))
        feed.append(
            (stamp, {Detection(zi.reshape(2, 1), timestamp=stamp, measurement_model=sensor) for zi in z})
        )

    tracks: set[object] = set()
    estimates: list[NDArray[np.float64]] = []
    t0 = time.perf_counter()
    for stamp, detections in feed:
        hypotheses = associator.associate(tracks, detections, stamp)
        used = set()
        for track in tracks:
            hyp = hypotheses[track]
            if hyp.measurement:
                track.append(updater.update(hyp))  # type: ignore[attr-defined]
                used.add(hyp.measurement)
            else:
                track.append(hyp.prediction)  # type: ignore[attr-defined]
        tracks -= deleter.delete_tracks(tracks)
        tracks |= initiator.initiate(detections - used, stamp)
        pos = [(tr.state_vector[0, 0], tr.state_vector[2, 0]) for tr in tracks]  # type: ignore[attr-defined]
        estimates.append(np.array(pos, dtype=np.float64).reshape(-1, 2))
    return time.perf_counter() - t0, estimates


if __name__ == "__main__":
    data, params = load(sys.argv[1])  # the first argument is the data set
    dense = "--dense" in sys.argv
    seconds, est = run(data, params, dense=dense)
    n_scans = len(data["times"])
    print(
        json.dumps(
            {
                "tracker": "stonesoup-gnn",
                "associator": "GNNWith2DAssignment" if dense else "DetectionKDTreeGNN2D",
                "targets": int(data["truth"].shape[1]),
                "scans": n_scans,
                "tracking_seconds": round(seconds, 3),
                "scans_per_s": round(n_scans / seconds, 2),
                "mean_ospa_m": round(mean_ospa(est, data["truth"]), 3),
            }
        )
    )
