"""Threat evaluation: which defended asset each track threatens, how soon, and how much it matters.

For a track at position p with velocity v (constant-velocity prediction) and an asset at a, the
horizontal closest point of approach happens at t* = max(0, −(p − a)·v_h / |v_h|²) with distance
d* = |(p − a)_h + v_h t*| (the classic CPA of two constant-velocity points; Bar-Shalom,
Li & Kirubarajan 2001 §1.4 for the kinematics, Roux & van Vuuren 2007 for its use in threat
evaluation).

A ballistic track falls: given its acceleration g (gravity, the prediction the intercept planning
uses, :func:`samsim.c2.intercept.track_acceleration_mps2`), it is predicted along the drag-free arc
p(t) = p + v t + g t² / 2 (flat-earth ballistics in the gravity at the track; Zarchan 2012, ch. 12)
down to its impact, where the arc crosses the plane through the asset normal to g: with H = −(p − a)·ĝ
its height above that plane and w = −v·ĝ its climb rate, t* = (w + √(w² + 2|g|H)) / |g| and
d* = |p(t*) − a| (:func:`ballistic_impact`). A ballistic missile harms where it lands, not where it
passes over: an asset it overflies on its way to another is not threatened.

A track threatens the asset it will pass closest to relative to that asset's radius; its value is
the asset's value, discounted smoothly for a predicted miss beyond the radius. The ranked list orders
tracks by value, then by time to go.

References
----------
J. N. Roux and J. H. van Vuuren, "Threat evaluation and weapon assignment decision support: a
review of the state of the art", ORiON 23(2), 2007.
Y. Bar-Shalom, X. R. Li, T. Kirubarajan, "Estimation with Applications to Tracking and Navigation",
Wiley, 2001.
P. Zarchan, "Tactical and Strategic Missile Guidance", 6th ed., AIAA, 2012.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from samsim.arrays import FloatArray, IntArray
from samsim.jit import njit

VALUE_FLOOR = 0.05
"""Fraction of the smallest asset value kept by a track that threatens no asset: the battery still
defends itself and the airspace when weapons are free and nothing else needs them."""
MISS_SCALE_M = 20_000.0
"""Predicted miss distance beyond an asset's radius over which its value halves."""

# Kinematic threat classes: what a command post can tell from a track alone (no identification).
BALLISTIC, AIRCRAFT, CRUISE, DRONE = 0, 1, 2, 3
THREAT_CLASSES = ("ballistic", "aircraft", "cruise", "drone")
BALLISTIC_SPEED_MPS = 1_200.0
"""Faster than this: a ballistic (or aeroballistic) missile."""
DRONE_SPEED_MPS = 80.0
"""Slower than this: a loitering munition or drone (Shahed-136 class cruises at ~50 m/s)."""
CRUISE_MAX_HEIGHT_M = 1_500.0
CRUISE_MAX_SPEED_MPS = 330.0
"""Below this height and speed (and not a drone): a cruise missile flying a terrain-hugging profile.
A fighter flying low and slow is taken for one too, as an air-defence operator would at first."""
DAMAGE_WEIGHT = {BALLISTIC: 1.0, AIRCRAFT: 1.0, CRUISE: 0.6, DRONE: 0.15}
"""Expected share of a threatened asset's value lost if a threat of the class gets through.
ASSUMED, from warhead sizes: a ballistic missile (~480 kg) or a strike aircraft (several weapons,
and it returns) destroys the asset; a cruise missile (~450 kg, one aim point) most of it; a
Shahed-136-class drone (~40-50 kg) a small part. Weights, not probabilities: only their ratios
matter to the assignment."""


def classify_tracks(speed_mps: FloatArray, height_m: FloatArray) -> IntArray:
    """Kinematic class of each track (:data:`BALLISTIC`, :data:`AIRCRAFT`, :data:`CRUISE`,
    :data:`DRONE`) from its speed and height above the earth's sphere.

    The speed and altitude bands of Roux & van Vuuren (2007, §3: threat-type identification from
    kinematics), with the thresholds above (ASSUMED, chosen to separate the catalog's threat types).
    """
    speed = np.asarray(speed_mps, dtype=np.float64)
    height = np.asarray(height_m, dtype=np.float64)
    cls = np.full(speed.shape, AIRCRAFT, dtype=np.int64)
    cls[(height < CRUISE_MAX_HEIGHT_M) & (speed < CRUISE_MAX_SPEED_MPS)] = CRUISE
    cls[speed < DRONE_SPEED_MPS] = DRONE
    cls[speed >= BALLISTIC_SPEED_MPS] = BALLISTIC
    return cls


def damage_weight(classes: IntArray) -> FloatArray:
    """:data:`DAMAGE_WEIGHT` of each track's class."""
    table = np.array([DAMAGE_WEIGHT[c] for c in range(len(THREAT_CLASSES))])
    return np.asarray(table[classes], dtype=np.float64)


@dataclass(frozen=True)
class ThreatAssessment:
    """Per track: the asset it threatens (-1: none), predicted CPA, time to go, value and rank."""

    asset: IntArray
    cpa_m: FloatArray
    time_to_go_s: FloatArray
    value: FloatArray
    rank: IntArray  # rank[k] is the index of the k-th most urgent track


def closest_approach(
    pos_m: FloatArray, vel_mps: FloatArray, asset_m: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Horizontal CPA distance and time of each track (rows) to each asset (columns), in one ENU frame.

    Returns ``(cpa_m, tcpa_s)`` of shape (n_tracks, n_assets); a track moving away has tcpa 0.
    """
    pos = np.asarray(pos_m, dtype=np.float64)
    vel = np.asarray(vel_mps, dtype=np.float64)
    asset = np.asarray(asset_m, dtype=np.float64)
    d = np.empty((pos.shape[0], asset.shape[0]))
    t = np.empty_like(d)
    _closest_approach_kernel(pos, vel, asset, d, t)
    return d, t


@njit
def _closest_approach_kernel(
    pos: FloatArray, vel: FloatArray, asset: FloatArray, cpa_out: FloatArray, tcpa_out: FloatArray
) -> None:
    """:func:`closest_approach` of every (track, asset) pair with NumPy's floats: its array form was
    ``rel = p_h - a_h``, ``t = max(-(rel . v_h) / |v_h|^2, 0)`` (0 where ``|v_h|^2 <= 1e-9``; NumPy's
    ``maximum``, which keeps a NaN and makes a zero of either sign +0.0) and
    ``d = sqrt(|rel + v_h t|^2)``, each sum of two squares or products in index order as ``np.sum``
    and ``np.linalg.norm`` over a last axis of two add them (tests/c2/test_evaluation.py holds the two
    to the same bits)."""
    for i in range(pos.shape[0]):
        vx, vy = vel[i, 0], vel[i, 1]
        v2 = vx * vx + vy * vy
        for a in range(asset.shape[0]):
            rx = pos[i, 0] - asset[a, 0]
            ry = pos[i, 1] - asset[a, 1]
            t = -(rx * vx + ry * vy) / v2 if v2 > 1e-9 else 0.0
            if not (t > 0.0 or math.isnan(t)):  # as np.maximum(t, 0.0): -0.0 becomes +0.0
                t = 0.0
            dx = rx + vx * t
            dy = ry + vy * t
            cpa_out[i, a] = math.sqrt(dx * dx + dy * dy)
            tcpa_out[i, a] = t


def ballistic_impact(
    pos_m: FloatArray, vel_mps: FloatArray, acc_mps2: FloatArray, asset_m: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Miss distance and time of the impact of each falling track (rows) near each asset (columns).

    Each track is predicted along the drag-free ballistic arc ``p + v t + a t**2 / 2`` in its gravity
    ``a`` (flat-earth ballistics, Zarchan 2012, ch. 12; the same prediction as
    :func:`samsim.c2.intercept.extrapolate_track`) until it crosses the plane through the asset normal
    to ``a``: with ``H = -(p - asset).â`` and ``w = -v.â`` (height above the plane and climb rate),
    ``t = (w + sqrt(w**2 + 2 |a| H)) / |a|``, the descending root of ``H + w t - |a| t**2 / 2 = 0``.
    A track that never reaches the plane (below it and not climbing enough to come back down through
    it) impacts now (``t = 0``).

    Parameters
    ----------
    pos_m, vel_mps, acc_mps2
        (n, 3) track positions, velocities and accelerations (nonzero), one ENU frame.
    asset_m
        (m, 3) asset positions.

    Returns
    -------
    ``(miss_m, impact_s)`` of shape (n, m): distance from the impact point to the asset, time to impact.
    """
    g = np.linalg.norm(acc_mps2, axis=1)
    down = acc_mps2 / g[:, None]
    rel = pos_m[:, None, :] - asset_m[None, :, :]
    height = -np.sum(rel * down[:, None, :], axis=-1)
    climb = -np.sum(vel_mps * down, axis=1)[:, None]
    disc = np.maximum(climb * climb + 2.0 * g[:, None] * height, 0.0)
    t = np.maximum((climb + np.sqrt(disc)) / g[:, None], 0.0)
    impact = rel + vel_mps[:, None, :] * t[..., None] + 0.5 * acc_mps2[:, None, :] * (t * t)[..., None]
    return np.asarray(np.linalg.norm(impact, axis=-1), dtype=np.float64), np.asarray(t, dtype=np.float64)


def evaluate_threats(
    pos_m: FloatArray,
    vel_mps: FloatArray,
    asset_m: FloatArray,
    asset_radius_m: FloatArray,
    asset_value: FloatArray,
    acc_mps2: FloatArray | None = None,
) -> ThreatAssessment:
    """Assess tracks against the defended assets (all positions in one local ENU frame).

    A track with an acceleration (``acc_mps2``, :func:`samsim.c2.intercept.track_acceleration_mps2`:
    gravity for a ballistic track, zero for the others) is assessed at its ballistic impact
    (:func:`ballistic_impact`), the others at their constant-velocity closest approach
    (:func:`closest_approach`); ``None``: constant velocity for all.

    The value of a track is max over assets of ``value_a · w(d_a)`` with ``w = 1`` inside the
    asset's radius and ``w = 2^(−(d − r)/MISS_SCALE_M)`` beyond it, floored at ``VALUE_FLOOR`` times the
    smallest asset value; the asset attaining the maximum is the one threatened (-1 when only the
    floor applies). Ranked by value (descending), then by time to go (ascending).
    """
    n = pos_m.shape[0]
    if n == 0 or asset_m.shape[0] == 0:
        floor = VALUE_FLOOR * (float(np.min(asset_value)) if asset_value.size else 1.0)
        return ThreatAssessment(
            asset=np.full(n, -1, dtype=np.int64),
            cpa_m=np.full(n, np.inf),
            time_to_go_s=np.full(n, np.inf),
            value=np.full(n, floor),
            rank=np.arange(n, dtype=np.int64),
        )
    cpa, tcpa = closest_approach(pos_m, vel_mps, asset_m)
    if acc_mps2 is not None:
        falling = (acc_mps2 != 0.0).any(axis=1)
        if falling.any():
            cpa[falling], tcpa[falling] = ballistic_impact(
                pos_m[falling], vel_mps[falling], acc_mps2[falling], asset_m
            )
    excess = np.maximum(cpa - asset_radius_m[None, :], 0.0)
    weighted = asset_value[None, :] * np.exp2(-excess / MISS_SCALE_M)
    best = np.argmax(weighted, axis=1)
    rows = np.arange(n)
    value = weighted[rows, best]
    floor = VALUE_FLOOR * float(asset_value.min())
    asset = np.where(value > floor, best, -1).astype(np.int64)
    value = np.maximum(value, floor)
    ttg = tcpa[rows, best]
    rank = np.lexsort((ttg, -value)).astype(np.int64)
    return ThreatAssessment(asset=asset, cpa_m=cpa[rows, best], time_to_go_s=ttg, value=value, rank=rank)
