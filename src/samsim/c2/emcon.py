"""ARM launch warning: which tracks look like anti-radiation missiles flying at which radars.

A command post cannot read a missile's seeker; it sees a fast target whose course points at one of
its emitters. A firm track is taken for an ARM aimed at a radar when it is faster than a fighter in
combat and slower than a ballistic missile (:data:`samsim.c2.evaluation.BALLISTIC_SPEED_MPS`), and its
predicted horizontal closest point of approach to the radar (constant-velocity CPA, as in threat
evaluation: :func:`samsim.c2.evaluation.closest_approach`) lies ahead of it and within a miss
distance. Kinematic identification of the threat type from speed and course follows Roux & van Vuuren
(2007, §3); the thresholds are the caller's.

References
----------
J. N. Roux and J. H. van Vuuren, "Threat evaluation and weapon assignment decision support: a review of
the state of the art", ORiON 23(2), 2007.
"""

from __future__ import annotations

import numpy as np

from samsim.arrays import BoolArray, FloatArray
from samsim.c2.evaluation import BALLISTIC_SPEED_MPS, closest_approach


def arm_warning(
    pos_m: FloatArray,
    vel_mps: FloatArray,
    radar_m: FloatArray,
    min_speed_mps: float,
    max_cpa_m: float,
) -> BoolArray:
    """Which tracks (rows) warn of an ARM flying at which radars (columns), all in one ENU frame.

    Parameters
    ----------
    pos_m, vel_mps : (n, 3) track positions and velocities.
    radar_m : (r, 3) radar positions.
    min_speed_mps : slowest speed taken for an ARM.
    max_cpa_m : widest predicted horizontal miss of a radar still taken as aimed at it.

    Returns
    -------
    (n, r) boolean: the track is ARM-like and closing on the radar within ``max_cpa_m``.
    """
    speed = np.linalg.norm(vel_mps, axis=1)
    fast = (speed >= min_speed_mps) & (speed < BALLISTIC_SPEED_MPS)
    cpa_m, tcpa_s = closest_approach(pos_m, vel_mps, radar_m)
    return np.asarray(fast[:, None] & (cpa_m <= max_cpa_m) & (tcpa_s > 0.0), dtype=np.bool_)
