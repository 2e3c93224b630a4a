"""Multi-target tracker: batched NCV / IMM filtering, gated GNN association, M-of-N or track-score
management.

One :class:`Tracker` holds every track as rows of arrays (no object per track or per measurement)
and is fed scans of position measurements with :meth:`Tracker.step`. Each step is:

1. predict every track to the scan time by the actual interval (NCV Kalman or IMM,
   :mod:`samsim.tracking.kalman`, :mod:`samsim.tracking.imm`); with ``defer_tentative`` a tentative
   track only when a measurement is about to update it, over the whole interval since its last
   update, its mean extrapolated and its gate taken from that one prediction in between;
2. confirmed tracks take measurements first: Mahalanobis gating (:mod:`samsim.tracking.gating`) and
   exact global nearest neighbour per cluster (:mod:`samsim.tracking.association`), then the Kalman
   update of the paired tracks;
3. tentative tracks take what is left by the same GNN;
4. track management: a tentative track is confirmed once it holds ``confirm_hits`` detections (its
   first included) among its last ``confirm_window`` scans (M-of-N logic, Blackman & Popoli 1999,
   section 3.3; ``confirm_window=None`` counts every scan of its life); any track is deleted after
   ``max_misses`` consecutive scans in which it was expected but not updated; every measurement
   still unused starts a tentative track at its position with zero velocity and covariance
   ``diag(R, sigma_v^2 I)``. With ``score=ScoreLogic(...)`` the M-of-N rules give way to a
   log-likelihood-ratio track score weighing each look by its detection probability (sequential
   probability ratio test, Blackman & Popoli 1999, section 6.2; see :class:`ScoreLogic`).

With ``model="ncv"``, ``gate=3``, ``confirm_hits=3``, ``max_misses=3`` and ``sigma_v = 300 m/s``
this is the tracker of the project's peer recipe: Stone Soup's GNN tracker (Kalman NCV predictor
and updater, ``DistanceHypothesiser`` with Mahalanobis measure and ``missed_distance=3``,
``GNNWith2DAssignment``, ``MultiMeasurementInitiator(min_points=3)``,
``UpdateTimeStepsDeleter(3)``).

References
----------
S. S. Blackman and R. Popoli, "Design and Analysis of Modern Tracking Systems", Artech House,
1999, sections 3.3 (track initiation and M-of-N confirmation), 6.2 (track score, SPRT), 6.5 (GNN).
Y. Bar-Shalom, P. K. Willett and X. Tian, "Tracking and Data Fusion", YBS Publishing, 2011
(track initiation and deletion by sequential tests on the likelihood ratio).
A. Wald, "Sequential tests of statistical hypotheses", Ann. Math. Statist. 16(2), 1945.
Y. Bar-Shalom, X. R. Li and T. Kirubarajan, "Estimation with Applications to Tracking and
Navigation", Wiley, 2001.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.jit import njit, njit_inline
from samsim.tracking import imm
from samsim.tracking.association import MAX_COMPILED_CELLS, gnn, gnn_compiled
from samsim.tracking.gating import box_cells, gate_subset, measurement_grid

_T = TypeVar("_T", bound=np.generic)
_MAX_WINDOW = 62  # scans of hit history kept in one int64
_HISTORY_MASK = (1 << _MAX_WINDOW) - 1
# A detection probability of exactly 0 or 1 would make a look's log-likelihood ratio infinite: one
# look could then decide a track for good, so probabilities are kept this far inside [0, 1].
_PD_FLOOR = 1e-12
# Entries a tracker's small per-key stores hold before starting again: the exp(-dt / sojourn) of the
# intervals seen (Tracker.kernel_head) and the rule constants per coasting limit (rule_constants_for).
_STAYS_KEPT = 4096


@dataclass(frozen=True, slots=True)
class StepResult:
    """What one :meth:`Tracker.step` did.

    Attributes
    ----------
    track_of_measurement : (k,) int64 array
        Id of the track each measurement updated or started, -1 if none.
    confirmed : int64 array
        Ids of the tracks confirmed in this step.
    started : int64 array
        Ids of the tracks started in this step (tentative, or confirmed at once if
        ``confirm_hits`` is 1).
    dropped : int64 array
        Ids of the tracks deleted in this step, tentative or confirmed.
    dropped_confirmed : int64 array
        The subset of ``dropped`` that had been confirmed (the firm tracks lost).
    """

    track_of_measurement: IntArray
    confirmed: IntArray
    started: IntArray
    dropped: IntArray
    dropped_confirmed: IntArray


@dataclass(frozen=True, slots=True)
class ScoreLogic:
    """Track management by a log-likelihood-ratio track score (sequential probability ratio test).

    A track's score is the log of the likelihood ratio of "a target" to "false alarms" given its looks
    (Blackman & Popoli 1999, section 6.2; Bar-Shalom, Willett & Tian 2011). A look of detection
    probability ``Pd`` adds ``ln(Pd / P_F)`` when it updates the track and ``ln((1 - Pd) / (1 - P_F))``
    when it misses it, where ``P_F`` is the probability that a false alarm is associated with the track
    in a look. A miss's increment is clamped at 0: a look whose Pd is below ``P_F`` carries no evidence
    against the target, so a radar that could barely see it never wears the track down. A new track
    starts at the increment of its first detection. Wald's thresholds (Wald 1945) decide a tentative
    track: confirmed when the score reaches ``ln((1 - beta) / alpha)``, deleted when it falls to
    ``ln(beta / (1 - alpha))``. A confirmed track is deleted when its score falls ``drop`` below its
    running maximum; the score is capped at ``max_score`` so that a long-held track still ends a few
    misses after its target is gone. Optional coasting limits delete a track not updated for longer
    than ``confirmed_coast_s`` (firm) or ``tentative_coast_s`` (tentative) whatever its score
    (time-based deletion, Blackman & Popoli 1999, section 11.4), at the first step past the limit and
    before association: such a track takes no measurement. A step may give its detections a tentative
    limit of their own (:meth:`Tracker.step`'s ``tentative_coast_s``: a sensor's few revisits); a
    tentative track then keeps the longest limit its detections earned.

    Attributes
    ----------
    false_alarm_probability : float
        ``P_F`` in (0, 1).
    alpha : float
        Probability of confirming a false track, in (0, 1).
    beta : float
        Probability of deleting a true track while it is tentative, in (0, 1).
    drop : float
        Fall below its running maximum (score units) that deletes a confirmed track; positive.
    max_score : float
        Cap of the score, at least the confirmation threshold.
    confirmed_coast_s, tentative_coast_s : float
        Longest time (s) a confirmed / tentative track may go without an update; ``inf``: no limit.
        (A step's own ``tentative_coast_s`` is the second's value for the tracks its detections
        start; a tentative track they update keeps the larger of its limit and the step's.)
    min_hit_interval_s : float
        A look at a tentative track less than this long (s) after the last detection that added to
        its score changes nothing in it: a detection still updates its state, a miss is still
        counted, but neither adds its log-likelihood ratio. Initiation verifies a velocity: a new
        track's velocity comes from its first two detections, possibly of two different targets or a
        false alarm, and only a detection far enough in time from the last one tests it; one from
        another sensor a fraction of a second later would confirm any velocity. The misses are held
        back with the hits so that the score stays a fair test: with many sensors looking within the
        interval (a command post fusing 72 radars), counting every miss but at most one hit drove
        the score of a real target seen at a modest Pd below the deletion threshold before it could
        confirm, and its track was deleted and started again and again. 0: every look counts.
    """

    false_alarm_probability: float
    alpha: float
    beta: float
    drop: float
    max_score: float
    confirmed_coast_s: float = math.inf
    tentative_coast_s: float = math.inf
    min_hit_interval_s: float = 0.0

    def __post_init__(self) -> None:
        for name in ("false_alarm_probability", "alpha", "beta"):
            if not 0.0 < getattr(self, name) < 1.0:
                raise ValueError(f"{name} must lie in (0, 1)")
        if not self.drop > 0.0 or not min(self.confirmed_coast_s, self.tentative_coast_s) > 0.0:
            raise ValueError("drop and the coasting limits must be positive")
        if not self.min_hit_interval_s >= 0.0:
            raise ValueError("min_hit_interval_s must not be negative")
        if not self.confirm_score > self.delete_score:
            raise ValueError("alpha + beta must be below 1 (the thresholds would cross)")
        if not self.max_score >= self.confirm_score:
            raise ValueError(f"max_score must reach the confirmation threshold {self.confirm_score:.4g}")

    @property
    def confirm_score(self) -> float:
        """Confirmation threshold ``ln((1 - beta) / alpha)``."""
        return math.log((1.0 - self.beta) / self.alpha)

    @property
    def delete_score(self) -> float:
        """Deletion threshold of a tentative track, ``ln(beta / (1 - alpha))``."""
        return math.log(self.beta / (1.0 - self.alpha))

    def hit(self, pd: ArrayLike) -> FloatArray:
        """Score increment of a detection at probability ``pd``: ``ln(Pd / P_F)``."""
        p = np.clip(np.asarray(pd, dtype=np.float64), _PD_FLOOR, 1.0)
        return np.asarray(np.log(p / self.false_alarm_probability), dtype=np.float64)

    def miss(self, pd: ArrayLike) -> FloatArray:
        """Score increment of a miss at probability ``pd``: ``min(0, ln((1 - Pd) / (1 - P_F)))``."""
        p = np.clip(np.asarray(pd, dtype=np.float64), 0.0, 1.0 - _PD_FLOOR)
        return np.asarray(
            np.minimum(0.0, np.log((1.0 - p) / (1.0 - self.false_alarm_probability))), dtype=np.float64
        )


@njit
def _popcount(v: int) -> int:
    count = 0
    while v:
        v &= v - 1
        count += 1
    return count


class TrackRows(NamedTuple):
    """The tracker's per-track arrays (rows in use first, in increasing id order), updated in place."""

    ids: IntArray
    mean: FloatArray  # (cap, r, d) mode-conditioned means
    cov: FloatArray  # (cap, r, d, d) mode-conditioned covariances
    prob: FloatArray  # (cap, r) mode probabilities
    out_mean: FloatArray  # (cap, d) combined means
    out_cov: FloatArray  # (cap, d, d) combined covariances
    confirmed: BoolArray
    hits: IntArray
    misses: IntArray
    history: IntArray  # bit k set: updated k scans ago (expected or updated scans only)
    last_update_s: FloatArray
    score: FloatArray  # log-likelihood-ratio track score (score logic only)
    score_max: FloatArray  # its running maximum
    scored_s: FloatArray  # when a hit last added to the score (min_hit_interval_s's clock)
    coast_s: FloatArray  # a tentative track's coasting limit: the longest its detections earned it


class TrackView(NamedTuple):
    """The rows in use of the tracker's arrays themselves, not copies (:meth:`Tracker.view`)."""

    ids: IntArray  # (n,) increasing
    mean: FloatArray  # (n, d) combined state estimates at the tracker's time
    cov: FloatArray  # (n, d, d) their covariances (see Tracker.view: tentative rows' may be partial)
    confirmed: BoolArray  # (n,)
    prob: FloatArray  # (n, r) mode probabilities


class TrackRules(NamedTuple):
    """How tracks are confirmed, deleted and born in this step.

    With ``use_score`` False the M-of-N fields apply; with it True the score fields do, and the two
    probability arrays hold this look's detection probability of each track (misses) and of each
    measurement (hits and births).
    """

    confirm_hits: int
    window_mask: int  # 0: count every hit of the track's life
    max_misses: int
    vel_var: float  # variance of each velocity component of a new track
    prob0: FloatArray  # initial mode probabilities
    use_score: bool
    log_pf: float  # ln P_F
    log_1m_pf: float  # ln(1 - P_F)
    confirm_score: float
    delete_score: float
    drop: float
    max_score: float
    confirmed_coast_s: float
    tentative_coast_s: float  # the coasting limit a detection of this step earns a tentative track
    min_hit_interval_s: float
    lean_tentative_cov: bool  # tentative rows' combined covariance: the position block only
    defer_tentative: bool  # tentative rows predicted only when a measurement updates them
    sojourn_s: FloatArray  # IMM mean sojourn times (a deferred prediction's own switching)
    q_modes: FloatArray  # each mode's CWNA intensity
    pd_track: FloatArray  # (n,) Pd of this look at each track's predicted state
    pd_meas: FloatArray  # (k,) Pd of each measurement's own detection


_COAST_FIELD = TrackRules._fields.index("tentative_coast_s")  # its place in rule_constants


class KernelHead(NamedTuple):
    """:func:`_step_kernel`'s first arguments: the tracker's state before a step
    (:meth:`Tracker.kernel_head`)."""

    rows: tuple[Any, ...]  # TrackRows as a plain tuple (cheaper to pass than the named one)
    n: int
    next_id: int
    time_s: float
    dt: float  # since the previous step (0 at the first)
    stay: FloatArray  # each IMM mode's probability of staying over dt
    q_modes: FloatArray


@njit
def _log_clip(x: float) -> float:
    return math.log(min(max(x, _PD_FLOOR), 1.0))


@njit
def _make_whole(
    rows: TrackRows, t: int, time_s: float, rules: TrackRules, r: int, d: int, dx: FloatArray
) -> None:
    """Make row ``t``'s estimate whole and current at ``time_s``: a tentative track confirmed
    without an update in this step, read whole from now on. Deferred (``defer_tentative``), its
    prediction from its last update runs now; predicted with the position block of its covariance
    only (``lean_tentative_cov``), its modes are as the prediction left them and are combined whole
    (:func:`samsim.tracking.imm.combine_row`)."""
    if rules.defer_tentative:
        imm.predict_rows_over(
            rows.mean,
            rows.cov,
            rows.prob,
            np.full(1, t),
            np.full(1, time_s - rows.last_update_s[t]),
            rules.sojourn_s,
            rules.q_modes,
            rows.out_mean,
            rows.out_cov,
        )
    elif rules.lean_tentative_cov:
        imm.combine_row(rows.prob, t, rows.mean, rows.cov, r, d, rows.out_mean, rows.out_cov, dx)


@njit
def _manage(
    n: int,
    next_id: int,
    time_s: float,
    track_meas: IntArray,
    expected: BoolArray,
    z: FloatArray,
    r_cov: FloatArray,
    initiate: bool,
    rules: TrackRules,
    rows: TrackRows,
) -> tuple[int, int, IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Counters, scores, confirmation, deletion (compacting the rows in place) and births of one step.

    Returns the new track count, the next free id, track_of_measurement, and the ids confirmed,
    started, dropped and dropped-while-confirmed in this step.
    """
    confirm_hits = rules.confirm_hits
    window_mask = rules.window_mask
    max_misses = rules.max_misses
    vel_var = rules.vel_var
    prob0 = rules.prob0
    use_score = rules.use_score
    log_pf = rules.log_pf
    log_1m_pf = rules.log_1m_pf
    pd_track = rules.pd_track
    pd_meas = rules.pd_meas
    ids = rows.ids
    mean = rows.mean
    cov = rows.cov
    prob = rows.prob
    out_mean = rows.out_mean
    out_cov = rows.out_cov
    confirmed = rows.confirmed
    hits = rows.hits
    misses = rows.misses
    history = rows.history
    last_update_s = rows.last_update_s
    score = rows.score
    score_max = rows.score_max
    scored_s = rows.scored_s
    coast_s = rows.coast_s
    k, m = z.shape
    r = mean.shape[1]
    d = mean.shape[2]
    cap = mean.shape[0]
    prob_flat = prob.reshape((cap, r))
    mean_flat = mean.reshape((cap, r * d))
    cov_flat = cov.reshape((cap, r * d * d))
    out_mean_flat = out_mean.reshape((cap, d))
    out_cov_flat = out_cov.reshape((cap, d * d))
    dx = np.empty((r, d))
    track_of_meas = np.full(k, -1, dtype=np.int64)
    new_conf = np.empty(n + k, dtype=np.int64)
    n_conf = 0
    dropped = np.empty(n, dtype=np.int64)
    n_drop = 0
    dropped_conf = np.empty(n, dtype=np.int64)
    n_drop_conf = 0
    w = 0
    for t in range(n):
        j = track_meas[t]
        if j >= 0:
            hits[t] += 1
            misses[t] = 0
            history[t] = ((history[t] << 1) | 1) & _HISTORY_MASK
            if use_score and (confirmed[t] or time_s - scored_s[t] >= rules.min_hit_interval_s):
                score[t] += _log_clip(pd_meas[j]) - log_pf
                scored_s[t] = time_s
            last_update_s[t] = time_s
            coast_s[t] = max(coast_s[t], rules.tentative_coast_s)
            track_of_meas[j] = ids[t]
        elif expected[t]:
            misses[t] += 1
            history[t] = (history[t] << 1) & _HISTORY_MASK
            # as a hit, a miss so soon after the last scored hit is no test of a tentative track
            if use_score and (confirmed[t] or time_s - scored_s[t] >= rules.min_hit_interval_s):
                # a look at Pd 0 adds min(0, ln 1 - ln(1 - P_F)) = 0 exactly: no logarithm needed
                # (a good part of a command post's expected tracks are beyond what the scan sees)
                pd_t = pd_track[t]
                score[t] += min(0.0, _log_clip(1.0 - pd_t) - log_1m_pf) if pd_t > 0.0 else 0.0
        drop = False
        if use_score:
            score[t] = min(score[t], rules.max_score)
            score_max[t] = max(score_max[t], score[t])
            if confirmed[t]:
                drop = score[t] <= score_max[t] - rules.drop
                drop = drop or time_s - last_update_s[t] > rules.confirmed_coast_s
            elif score[t] >= rules.confirm_score:
                confirmed[t] = True
                new_conf[n_conf] = ids[t]
                n_conf += 1
                if j < 0:
                    _make_whole(rows, t, time_s, rules, r, d, dx)
            else:
                drop = score[t] <= rules.delete_score
                drop = drop or time_s - last_update_s[t] > coast_s[t]
        else:
            if not confirmed[t]:
                held = hits[t] if window_mask == 0 else _popcount(history[t] & window_mask)
                if held >= confirm_hits:
                    confirmed[t] = True
                    new_conf[n_conf] = ids[t]
                    n_conf += 1
                    if j < 0:
                        _make_whole(rows, t, time_s, rules, r, d, dx)
            drop = misses[t] >= max_misses
        if drop:
            dropped[n_drop] = ids[t]
            n_drop += 1
            if confirmed[t]:
                dropped_conf[n_drop_conf] = ids[t]
                n_drop_conf += 1
            continue
        if w != t:
            ids[w] = ids[t]
            # element by element over the flat rows (a row slice assignment per array costs more
            # than the copy): one contiguous loop per array, which the compiler vectorises
            for e in range(r):
                prob_flat[w, e] = prob_flat[t, e]
            for e in range(r * d):
                mean_flat[w, e] = mean_flat[t, e]
            for e in range(r * d * d):
                cov_flat[w, e] = cov_flat[t, e]
            for e in range(d):
                out_mean_flat[w, e] = out_mean_flat[t, e]
            for e in range(d * d):
                out_cov_flat[w, e] = out_cov_flat[t, e]
            confirmed[w] = confirmed[t]
            hits[w] = hits[t]
            misses[w] = misses[t]
            history[w] = history[t]
            last_update_s[w] = last_update_s[t]
            score[w] = score[t]
            score_max[w] = score_max[t]
            scored_s[w] = scored_s[t]
            coast_s[w] = coast_s[t]
        w += 1
    started = np.empty(k, dtype=np.int64)
    n_start = 0
    if initiate:
        shared = r_cov.shape[0] == 1
        for j in range(k):
            if track_of_meas[j] >= 0:
                continue
            rj = 0 if shared else j
            for a in range(d):
                out_mean[w, a] = z[j, a] if a < m else 0.0
                for b in range(d):
                    if a < m and b < m:
                        out_cov[w, a, b] = r_cov[rj, a, b]
                    elif a == b:
                        out_cov[w, a, b] = vel_var
                    else:
                        out_cov[w, a, b] = 0.0
            for mode in range(r):
                mean[w, mode] = out_mean[w]
                cov[w, mode] = out_cov[w]
                prob[w, mode] = prob0[mode]
            ids[w] = next_id
            track_of_meas[j] = next_id
            started[n_start] = next_id
            n_start += 1
            hits[w] = 1
            misses[w] = 0
            history[w] = 1
            last_update_s[w] = time_s
            scored_s[w] = time_s
            coast_s[w] = rules.tentative_coast_s
            if use_score:
                score[w] = min(_log_clip(pd_meas[j]) - log_pf, rules.max_score)
                score_max[w] = score[w]
                confirmed[w] = score[w] >= rules.confirm_score
            else:
                score[w] = 0.0
                score_max[w] = 0.0
                confirmed[w] = confirm_hits <= 1
            if confirmed[w]:
                new_conf[n_conf] = next_id
                n_conf += 1
            next_id += 1
            w += 1
    return (
        w,
        next_id,
        track_of_meas,
        new_conf[:n_conf],
        started[:n_start],
        dropped[:n_drop],
        dropped_conf[:n_drop_conf],
    )


@njit
def _live_rows(
    confirmed: BoolArray,
    last_update_s: FloatArray,
    coast_s: FloatArray,
    n: int,
    time_s: float,
    confirmed_coast_s: float,
) -> tuple[IntArray, IntArray]:
    """The confirmed and the tentative tracks among the first ``n`` rows that are within their
    coasting limit at ``time_s`` (``confirmed_coast_s`` for a firm one, its own ``coast_s`` for a
    tentative one; the others take no measurement)."""
    firm = np.empty(n, dtype=np.int64)
    tentative = np.empty(n, dtype=np.int64)
    n_firm = 0
    n_tentative = 0
    for t in range(n):
        limit = confirmed_coast_s if confirmed[t] else coast_s[t]
        if time_s - last_update_s[t] > limit:
            continue
        if confirmed[t]:
            firm[n_firm] = t
            n_firm += 1
        else:
            tentative[n_tentative] = t
            n_tentative += 1
    return firm[:n_firm], tentative[:n_tentative]


@njit
def _unpaired(track_meas: IntArray, k: int) -> IntArray:
    """The measurements (of ``k``) that no track took in ``track_meas``."""
    taken = np.zeros(k, dtype=np.bool_)
    for j in track_meas:
        if j >= 0:
            taken[j] = True
    return np.flatnonzero(~taken)


@njit
def _transition_from_stay(stay: FloatArray) -> FloatArray:
    """:func:`samsim.tracking.imm.transition_matrix` given ``stay = exp(-dt / tau)``
    (:func:`samsim.tracking.imm.transition_into`)."""
    r = stay.shape[0]
    p = np.empty((r, r))
    imm.transition_into(stay, p)
    return p


@njit_inline
def _any_within(
    z: FloatArray,
    start: IntArray,
    bucket: IntArray,
    ny: int,
    cells: tuple[int, int, int, int],
    pos: FloatArray,
    t: int,
    m: int,
    reach2: float,
) -> bool:
    """Whether a measurement of the grid cells ``cells`` (:func:`~samsim.tracking.gating.box_cells`
    of a :func:`~samsim.tracking.gating.measurement_grid`) lies within squared Euclidean distance
    ``reach2`` of row ``t`` of ``pos``."""
    ix0, ix1, iy0, iy1 = cells
    for ix in range(ix0, ix1 + 1):
        for iy in range(iy0, iy1 + 1):
            c = ix * ny + iy
            for e_at in range(start[c], start[c + 1]):
                j = bucket[e_at]
                d2 = 0.0
                for a in range(m):
                    e = z[j, a] - pos[t, a]
                    d2 += e * e
                if d2 <= reach2:
                    return True
    return False


@njit
def _deferred_gating(
    rows: TrackRows,
    n: int,
    tracks: IntArray,
    meas: IntArray,
    z: FloatArray,
    r3: FloatArray,
    gate: float,
    time_s: float,
    rules: TrackRules,
) -> tuple[IntArray, FloatArray]:
    """Of the deferred (tentative) ``tracks``, those that may gate one of ``meas``, and their
    predicted position covariances at ``time_s`` at their rows of an (n, m, m) array
    (:func:`samsim.tracking.imm.predicted_position_cov`; other rows not written).

    A track is left out when every measurement lies farther than the gate times the square root of
    a bound of the trace of its innovation covariance (:func:`samsim.tracking.imm.position_spread_bound_m2`
    plus the largest trace of the measurements' covariances): a Mahalanobis distance is at least the
    Euclidean one over the root of the covariance's largest eigenvalue, itself at most its trace.
    Most of a command post's tentative tracks lie far from any measurement left to them; each
    tests only the measurements in the cells of a grid of them
    (:func:`~samsim.tracking.gating.measurement_grid`) under the square that holds its reach."""
    m = z.shape[1]
    q_max = 0.0
    for q in rules.q_modes:
        q_max = max(q_max, q)
    tr_r = 0.0
    for j in meas:
        rj = 0 if r3.shape[0] == 1 else j
        tr = 0.0
        for a in range(m):
            tr += r3[rj, a, a]
        tr_r = max(tr_r, tr)
    near = np.empty(tracks.shape[0], dtype=np.int64)
    since = np.empty(tracks.shape[0])
    count = 0
    # The measurements bucketed on a grid (gating.measurement_grid): a track looks only at those in
    # the cells under the square that holds its reach, its Euclidean test then as before. The
    # square's half side has a margin over the root of the reach: a measurement the test passes has
    # each coordinate's squared difference at most the sum, and the grid's cell arithmetic rounds.
    gx = 1 if m > 1 else 0
    x_lo, x_hi, y_lo, y_hi, nx, ny, inv_x, inv_y, start, bucket = measurement_grid(z, meas, gx)
    for t in tracks:
        dt = time_s - rows.last_update_s[t]
        reach2 = gate * gate * (imm.position_spread_bound_m2(rows.out_cov, t, dt, q_max, m) + tr_r)
        px = rows.out_mean[t, 0]
        py = rows.out_mean[t, gx]
        h = math.sqrt(reach2) * (1.0 + 1e-9) + 1e-6 * (abs(px) + abs(py) + 1.0)
        cells = box_cells(x_lo, x_hi, y_lo, y_hi, nx, ny, inv_x, inv_y, px, py, h, h)
        if _any_within(z, start, bucket, ny, cells, rows.out_mean, t, m, reach2):
            near[count] = t
            since[count] = dt
            count += 1
    into = np.empty((n, m, m))
    near, since = near[:count], since[:count]
    imm.predicted_position_cov(rows.out_cov, rows.prob, near, since, rules.sojourn_s, rules.q_modes, into)
    return near, into


@njit
def _predict_deferred(rows: TrackRows, tracks: IntArray, time_s: float, rules: TrackRules) -> None:
    """The deferred prediction of ``tracks`` (tentative, about to be updated) from their last
    update to ``time_s`` (:func:`samsim.tracking.imm.predict_rows_over`)."""
    imm.predict_rows_over(
        rows.mean,
        rows.cov,
        rows.prob,
        tracks,
        time_s - rows.last_update_s[tracks],
        rules.sojourn_s,
        rules.q_modes,
        rows.out_mean,
        rows.out_cov,
    )


@njit
def _compiled_round(
    rows: TrackRows,
    n: int,
    tracks: IntArray,
    meas: IntArray,
    z: FloatArray,
    r3: FloatArray,
    gate: float,
    max_cells: int,
    deferred: bool,
    time_s: float,
    rules: TrackRules,
) -> tuple[bool, IntArray]:
    """:meth:`Tracker._round` when every association cluster is small enough for the compiled solvers:
    returns True and each track's measurement; False (and nothing updated) when one is not. With
    ``deferred`` the tracks are tentative ones whose prediction waits for their update
    (``defer_tentative``): gated at their predicted position covariance at ``time_s``, the paired
    ones predicted before their update."""
    if deferred:
        near, gating = _deferred_gating(rows, n, tracks, meas, z, r3, gate, time_s, rules)
        pt, pm, pdist = gate_subset(rows.out_mean, gating, z, r3, gate, near, meas)
    else:
        pt, pm, pdist = gate_subset(rows.out_mean, rows.out_cov, z, r3, gate, tracks, meas)
    if pt.shape[0] == 0:
        return True, np.full(n, -1, dtype=np.int64)
    track_meas, _, big_starts = gnn_compiled(n, z.shape[0], pt, pm, pdist, gate, max_cells)
    if big_starts.shape[0] > 1:
        return False, track_meas
    count = 0
    for t in range(n):
        if track_meas[t] >= 0:
            count += 1
    paired = np.empty(count, dtype=np.int64)
    with_meas = np.empty(count, dtype=np.int64)
    count = 0
    for t in range(n):
        if track_meas[t] >= 0:
            paired[count] = t
            with_meas[count] = track_meas[t]
            count += 1
    if deferred:
        _predict_deferred(rows, paired, time_s, rules)
    imm.update_inplace(rows.mean, rows.cov, rows.prob, rows.out_mean, rows.out_cov, paired, z, r3, with_meas)
    return True, track_meas


@njit
def _step_kernel(
    rows_t: tuple[Any, ...],
    n: int,
    next_id: int,
    time_s: float,
    dt: float,
    stay: FloatArray,
    q_modes: FloatArray,
    z: FloatArray,
    r3: FloatArray,
    expected: BoolArray,
    rule_constants: tuple[Any, ...],
    pd_track: FloatArray,
    pd_meas: FloatArray,
    gate: float,
    max_cells: int,
    initiate: bool,
) -> tuple[int, int, int, IntArray, int, int, int, int]:
    """One :meth:`Tracker.step_unchecked` in one compiled call: prediction, the two association rounds
    and track management, on the track arrays ``rows_t`` (:class:`TrackRows` as a plain tuple).

    Returns ``(status, n, next_id, out, n_confirmed, n_started, n_dropped, n_dropped_confirmed)``.
    Status 0: the step is done; ``out`` holds track_of_measurement (k) then the ids confirmed,
    started, dropped and dropped while confirmed. Status 1 (2): a cluster of the first (second) round
    is too large for the compiled solvers; the prediction (and the first round) are done and ``out``
    holds each track's measurement so far, for the caller to finish the step."""
    rows = TrackRows(*rows_t)
    rules = TrackRules(*rule_constants, pd_track, pd_meas)  # type: ignore[call-arg]
    k = z.shape[0]
    if n and dt > 0.0:
        trans = _transition_from_stay(stay) if stay.shape[0] > 1 else np.ones((1, 1))
        # compiled into this kernel: numba's on-disk cache of this module does not notice a change
        # of imm.py, so a change of the IMM kernels comes with a touch of this file
        # a tentative track's covariance: only gating reads it (lean), or it is predicted only when
        # a measurement updates it (defer)
        if rules.lean_tentative_cov or rules.defer_tentative:
            imm.predict_inplace(
                rows.mean[:n],
                rows.cov[:n],
                rows.prob[:n],
                trans,
                dt,
                q_modes,
                rows.out_mean[:n],
                rows.out_cov[:n],
                rows.confirmed[:n],
                rules.defer_tentative,
            )
        else:
            imm.predict_inplace(
                rows.mean[:n],
                rows.cov[:n],
                rows.prob[:n],
                trans,
                dt,
                q_modes,
                rows.out_mean[:n],
                rows.out_cov[:n],
            )
    track_meas = np.full(n, -1, dtype=np.int64)
    if n and k:
        firm, tentative = _live_rows(
            rows.confirmed, rows.last_update_s, rows.coast_s, n, time_s, rules.confirmed_coast_s
        )
        if firm.shape[0]:
            ok, track_meas = _compiled_round(
                rows, n, firm, np.arange(k), z, r3, gate, max_cells, False, time_s, rules
            )
            if not ok:
                return 1, n, next_id, np.full(n, -1, dtype=np.int64), 0, 0, 0, 0
        if tentative.shape[0]:
            left = _unpaired(track_meas, k)
            if left.shape[0]:
                ok, second = _compiled_round(
                    rows, n, tentative, left, z, r3, gate, max_cells, rules.defer_tentative, time_s, rules
                )
                if not ok:
                    return 2, n, next_id, track_meas, 0, 0, 0, 0
                for t in range(n):
                    track_meas[t] = max(track_meas[t], second[t])
    w, next_id, tom, conf, started, dropped, dropped_conf = _manage(
        n, next_id, time_s, track_meas, expected, z, r3, initiate, rules, rows
    )
    out = np.empty(
        k + conf.shape[0] + started.shape[0] + dropped.shape[0] + dropped_conf.shape[0], dtype=np.int64
    )
    a = 0
    for part in (tom, conf, started, dropped, dropped_conf):
        out[a : a + part.shape[0]] = part
        a += part.shape[0]
    return 0, w, next_id, out, conf.shape[0], started.shape[0], dropped.shape[0], dropped_conf.shape[0]


# The compiled step, for a caller that calls it from a compiled function of its own
# (Tracker.kernel_head, Tracker.kernel_tail).
step_kernel = _step_kernel


class Tracker:
    """Multi-target tracker over scans of position measurements, state held as arrays.

    Parameters
    ----------
    ndim : int
        Spatial dimension, 2 (east, north) or 3 (east, north, up). States are
        ``[positions..., velocities...]`` of length ``2 * ndim`` (m, m/s).
    model : {"ncv", "imm"}
        ``"ncv"``: one nearly-constant-velocity Kalman filter per track. ``"imm"``: IMM of the NCV
        model (intensity ``q``) and a manoeuvre model (NCV of intensity ``q_manoeuvre``).
    q : float
        Continuous white-noise acceleration intensity of the NCV model (m^2/s^3).
    gate : float
        Mahalanobis gate; a pair is admissible when its distance is below it, and it is also the cost
        of a missed track in the GNN objective.
    confirm_hits : int
        M of the M-of-N confirmation: detections (the first included) a tentative track must hold.
        The M-of-N parameters (``confirm_hits``, ``confirm_window``, ``max_misses``) are not used
        when ``score`` is given.
    confirm_window : int or None
        N of the M-of-N confirmation: the last N scans (those in which the track was expected or
        updated) are counted, at most 62; None counts every scan of the track's life.
    max_misses : int
        A track is deleted after this many consecutive expected-but-missed updates.
    init_velocity_sigma_mps : float
        Standard deviation of each velocity component of a new track (its velocity is zero).
    q_manoeuvre : float or None
        Intensity of the IMM manoeuvre model (m^2/s^3); None means ``100 * q``.
    sojourn_s : tuple of two floats
        Mean sojourn times (s) of the IMM's NCV and manoeuvre modes (see
        :func:`samsim.tracking.imm.transition_matrix`).
    measurement_sigma_m : float or None
        Position noise standard deviation per axis used when :meth:`step` is given no ``R``.
    max_compiled_cells : int
        Association clusters up to this many track x measurement cells are solved by the compiled
        exact solver, larger ones by ``scipy.optimize.linear_sum_assignment``.
    score : ScoreLogic or None
        None (default): M-of-N confirmation and deletion after ``max_misses``. A
        :class:`ScoreLogic`: confirmation and deletion by the log-likelihood-ratio track score, and
        :meth:`step` then takes the detection probability of each look (``pd_track``, ``pd_meas``).
    lean_tentative_cov : bool
        With ``model="imm"``, a step's prediction combines the whole covariance (:attr:`cov`,
        :meth:`view`) of the confirmed tracks only; of a tentative track only its position block
        (the leading ``ndim`` rows and columns, what gating reads) is current after a step that did
        not update it, the rest holding what it had. For a caller that reads no tentative track's
        covariance: most of a command post's tracks are tentative, and their combined covariance
        was a fifth of the prediction's arithmetic. Everything else is the same to the bit.
    defer_tentative : bool
        A tentative track is predicted only when a measurement is about to update it, in one IMM
        cycle over the whole interval since its last update (the cycle as defined, from one
        measurement to the next), instead of at every step. In between, its combined mean is
        extrapolated at constant velocity to each step (what a prediction's combination gives, as
        all modes share the NCV transition) and it is gated at the closed-form position covariance
        of that one prediction (:func:`samsim.tracking.imm.predicted_position_cov`), so gating,
        association and the track's update are those of the one cycle; its mode estimates, mode
        probabilities and combined covariance (:attr:`cov`, :meth:`view`) are those of its last
        update. Confirmed tracks are predicted at every step as without it. A command post's
        tracker steps at every scan of tens of radars, a few hundredths of a second apart, and nearly
        all its tracks are tentative: their chained predictions were half its step. It moves
        results, since a mixing over two intervals is not two mixings.

    Examples
    --------
    >>> tr = Tracker(ndim=2, q=1.0, measurement_sigma_m=10.0)
    >>> res = tr.step(0.0, np.array([[0.0, 0.0], [5000.0, 0.0]]))
    >>> res.track_of_measurement
    array([0, 1])
    """

    _rows: TrackRows  # the track arrays, rows [0, _n) in use, in increasing id order

    def __init__(
        self,
        ndim: int = 3,
        model: Literal["ncv", "imm"] = "ncv",
        q: float = 1.0,
        gate: float = 3.0,
        confirm_hits: int = 3,
        confirm_window: int | None = None,
        max_misses: int = 3,
        init_velocity_sigma_mps: float = 300.0,
        *,
        q_manoeuvre: float | None = None,
        sojourn_s: tuple[float, float] = (20.0, 10.0),
        measurement_sigma_m: float | None = None,
        max_compiled_cells: int = MAX_COMPILED_CELLS,
        score: ScoreLogic | None = None,
        lean_tentative_cov: bool = False,
        defer_tentative: bool = False,
    ) -> None:
        if ndim not in (2, 3):
            raise ValueError(f"ndim must be 2 or 3, got {ndim}")
        if model not in ("ncv", "imm"):
            raise ValueError(f"model must be 'ncv' or 'imm', got {model!r}")
        if not q > 0.0 or not gate > 0.0 or not init_velocity_sigma_mps > 0.0:
            raise ValueError("q, gate and init_velocity_sigma_mps must be positive")
        if confirm_hits < 1 or max_misses < 1:
            raise ValueError("confirm_hits and max_misses must be at least 1")
        if confirm_window is not None and not confirm_hits <= confirm_window <= _MAX_WINDOW:
            raise ValueError(f"confirm_window must lie in [confirm_hits, {_MAX_WINDOW}] or be None")
        self.ndim = ndim
        self.model = model
        self.q = float(q)
        self.gate = float(gate)
        self.confirm_hits = int(confirm_hits)
        self.confirm_window = confirm_window
        self.max_misses = int(max_misses)
        self.init_velocity_sigma_mps = float(init_velocity_sigma_mps)
        self.max_compiled_cells = int(max_compiled_cells)
        self.score_logic = score
        self.lean_tentative_cov = bool(lean_tentative_cov)
        self.defer_tentative = bool(defer_tentative)
        if model == "imm":
            qm = 100.0 * self.q if q_manoeuvre is None else float(q_manoeuvre)
            if not qm > 0.0 or min(sojourn_s) <= 0.0:
                raise ValueError("q_manoeuvre and sojourn_s must be positive")
            self._q_modes = np.array([self.q, qm])
            self._sojourn = np.array(sojourn_s, dtype=np.float64)
        else:
            self._q_modes = np.array([self.q])
            self._sojourn = np.array([1.0])
        self._prob0 = imm.stationary_probabilities(self._sojourn)
        self._window_mask = 0 if confirm_window is None else (1 << confirm_window) - 1
        self._default_r: FloatArray | None = None
        if measurement_sigma_m is not None:
            self._default_r = (float(measurement_sigma_m) ** 2 * np.eye(ndim))[None]
        self._n = 0
        self._next_id = 0
        self._steps = 0
        self._rules: tuple[Any, ...] | None = None
        self._rules_of: ScoreLogic | None = None
        self._rules_coasting: dict[float, tuple[Any, ...]] = {}  # rule_constants_for's, per limit
        self._time_s: float | None = None
        self._trans_dt = np.nan
        self._stay = np.ones(1)  # exp(-dt / sojourn) of the last interval (imm.transition_matrix)
        self._stays: dict[float, FloatArray] = {}  # exp(-dt / sojourn) of the intervals seen
        self._view: tuple[int, int, TrackRows, TrackView] | None = None  # view()'s, and as of what
        self._allocate(64)

    # -- storage ---------------------------------------------------------------------------------

    def _allocate(self, capacity: int) -> None:
        """(Re)allocate the track arrays for ``capacity`` tracks, keeping the first ``_n`` rows."""
        r, d, n = len(self._q_modes), 2 * self.ndim, self._n

        def grow(old: NDArray[_T] | None, shape: tuple[int, ...], dtype: type[_T]) -> NDArray[_T]:
            arr = np.zeros((capacity, *shape), dtype=dtype)
            if old is not None:
                arr[:n] = old[:n]
            return arr

        old = getattr(self, "_rows", None)
        shapes: dict[str, tuple[tuple[int, ...], type]] = {
            "ids": ((), np.int64),
            "mean": ((r, d), np.float64),
            "cov": ((r, d, d), np.float64),
            "prob": ((r,), np.float64),
            "out_mean": ((d,), np.float64),
            "out_cov": ((d, d), np.float64),
            "confirmed": ((), np.bool_),
            "hits": ((), np.int64),
            "misses": ((), np.int64),
            "history": ((), np.int64),
            "last_update_s": ((), np.float64),
            "score": ((), np.float64),
            "score_max": ((), np.float64),
            "scored_s": ((), np.float64),
            "coast_s": ((), np.float64),
        }
        self._rows = TrackRows(
            **{
                name: grow(None if old is None else getattr(old, name), shape, dtype)
                for name, (shape, dtype) in shapes.items()
            }
        )
        self._rows_tuple = tuple(self._rows)  # as the compiled step takes them (a plain tuple is
        # cheaper to pass than the named one)

    # -- public state ----------------------------------------------------------------------------

    @property
    def time_s(self) -> float | None:
        """Time of the last step (s), None before the first."""
        return self._time_s

    @property
    def ids(self) -> IntArray:
        """(n,) ids of the current tracks, increasing; a copy."""
        return self._rows.ids[: self._n].copy()

    @property
    def mean(self) -> FloatArray:
        """(n, 2*ndim) state estimates ``[positions..., velocities...]`` at :attr:`time_s`; a copy."""
        return self._rows.out_mean[: self._n].copy()

    @property
    def cov(self) -> FloatArray:
        """(n, 2*ndim, 2*ndim) state covariances; a copy. With ``lean_tentative_cov`` a tentative
        track's is current in its position block only, with ``defer_tentative`` it is that of its last
        update (see :class:`Tracker`)."""
        return self._rows.out_cov[: self._n].copy()

    @property
    def is_confirmed(self) -> BoolArray:
        """(n,) True for confirmed (firm) tracks; a copy."""
        return self._rows.confirmed[: self._n].copy()

    @property
    def last_update_s(self) -> FloatArray:
        """(n,) time (s) of each track's last measurement update; a copy."""
        return self._rows.last_update_s[: self._n].copy()

    @property
    def misses(self) -> IntArray:
        """(n,) consecutive expected-but-missed updates of each track; a copy."""
        return self._rows.misses[: self._n].copy()

    @property
    def score(self) -> FloatArray:
        """(n,) log-likelihood-ratio track scores (zeros without a :class:`ScoreLogic`); a copy."""
        return self._rows.score[: self._n].copy()

    @property
    def mode_probabilities(self) -> FloatArray:
        """(n, r) IMM mode probabilities (NCV first); a column of ones for ``model="ncv"``."""
        return self._rows.prob[: self._n].copy()

    @property
    def step_count(self) -> int:
        """Steps made so far: the rows change only at a step."""
        return self._steps

    def view(self) -> TrackView:
        """The current tracks' ids, estimates, confirmation flags and mode probabilities as views of
        the tracker's own arrays: no copies, for readers that only look, and valid only until the next
        step, which updates and compacts them in place.

        With ``defer_tentative`` (a command post's and a battery's tracker,
        :func:`samsim.sim.command_post.battery_tracker`) ``cov`` and ``prob`` are current in the
        confirmed rows only; a tentative row's are those of its last update (its ``mean`` is
        current). With ``lean_tentative_cov`` alone, of a tentative row's ``cov`` only the position
        block (the leading ``ndim`` rows and columns) is current. The readers in the simulation read
        confirmed rows' covariances and mode probabilities only (engaged, handed-over and
        duplicate-tested tracks are firm ones); tests/sim/test_command_post.py holds them to it by
        running a scenario whose views show NaN there in every tentative row."""
        n, rows, steps = self._n, self._rows, self._steps
        held = self._view
        # the same views until a step or a reallocation: readers ask several times between steps
        if held is not None and held[0] == steps and held[1] == n and held[2] is rows:
            return held[3]
        view = TrackView(rows.ids[:n], rows.out_mean[:n], rows.out_cov[:n], rows.confirmed[:n], rows.prob[:n])
        self._view = (steps, n, rows, view)
        return view

    def __getstate__(self) -> dict[str, Any]:
        # a copy's views would be copies of the arrays, not views of its own: it makes its own
        state = self.__dict__.copy()
        state["_view"] = None
        return state

    def __len__(self) -> int:
        return self._n

    def confirmed_tracks(self) -> tuple[IntArray, FloatArray, FloatArray]:
        """Ids, state means and covariances of the confirmed tracks."""
        sel = np.flatnonzero(self._rows.confirmed[: self._n])
        return self._rows.ids[sel], self._rows.out_mean[sel], self._rows.out_cov[sel]

    # -- one scan --------------------------------------------------------------------------------

    def _measurement_covariance(self, r_cov: ArrayLike | None, k: int) -> FloatArray:
        nd = self.ndim
        if r_cov is None:
            if self._default_r is None:
                raise ValueError("R is required: give R to step() or measurement_sigma_m to Tracker()")
            return self._default_r
        r3 = np.ascontiguousarray(r_cov, dtype=np.float64)
        if r3.shape == (nd, nd):
            r3 = r3[None]
        elif r3.ndim != 3 or r3.shape[1:] != (nd, nd) or r3.shape[0] not in (1, k):
            raise ValueError(f"R must have shape ({nd}, {nd}) or ({k}, {nd}, {nd}), got {r3.shape}")
        return r3

    def _rule_constants(self) -> tuple[Any, ...]:
        """The fields of :class:`TrackRules` that do not change from step to step."""
        sl = self.score_logic
        return (
            self.confirm_hits,
            self._window_mask,
            self.max_misses,
            float(self.init_velocity_sigma_mps**2),
            self._prob0,
            sl is not None,
            0.0 if sl is None else math.log(sl.false_alarm_probability),
            0.0 if sl is None else math.log1p(-sl.false_alarm_probability),
            0.0 if sl is None else sl.confirm_score,
            0.0 if sl is None else sl.delete_score,
            0.0 if sl is None else sl.drop,
            0.0 if sl is None else sl.max_score,
            math.inf if sl is None else sl.confirmed_coast_s,
            math.inf if sl is None else sl.tentative_coast_s,
            0.0 if sl is None else sl.min_hit_interval_s,
            self.lean_tentative_cov,
            self.defer_tentative,
            self._sojourn,
            self._q_modes,
        )

    def _round(
        self,
        tracks: IntArray,
        meas: IntArray,
        z: FloatArray,
        r3: FloatArray,
        deferred: tuple[float, TrackRules] | None = None,
    ) -> IntArray:
        """Gate ``tracks`` against ``meas``, solve the GNN, update; returns each track's measurement.
        ``deferred``: the step's time and rules, for tentative tracks whose prediction waits for their
        update (as :func:`_compiled_round`)."""
        gating = self._rows.out_cov
        if deferred is not None:
            tracks, gating = _deferred_gating(
                self._rows, self._n, tracks, meas, z, r3, self.gate, deferred[0], deferred[1]
            )
        pt, pm, pdist = gate_subset(self._rows.out_mean, gating, z, r3, self.gate, tracks, meas)
        if len(pt) == 0:  # nothing in any gate: nothing to associate or update
            return np.full(self._n, -1, dtype=np.int64)
        track_meas = gnn(self._n, len(z), pt, pm, pdist, self.gate, self.max_compiled_cells)
        rows = np.flatnonzero(track_meas >= 0)
        if deferred is not None:
            _predict_deferred(self._rows, rows, deferred[0], deferred[1])
        imm.update_inplace(
            self._rows.mean,
            self._rows.cov,
            self._rows.prob,
            self._rows.out_mean,
            self._rows.out_cov,
            rows,
            z,
            r3,
            track_meas[rows],
        )
        return track_meas

    def step(
        self,
        time_s: float,
        z: ArrayLike,
        R: ArrayLike | None = None,  # noqa: N803 (the textbook's name)
        expected: ArrayLike | None = None,
        *,
        initiate: bool = True,
        pd_track: ArrayLike | None = None,
        pd_meas: ArrayLike | None = None,
        tentative_coast_s: float | None = None,
    ) -> StepResult:
        """Process one scan of position measurements taken at ``time_s``.

        Parameters
        ----------
        time_s : float
            Time of the scan (s), not before the previous step's; tracks are predicted by the
            actual interval, so scans may come irregularly and from several sensors.
        z : (k, ndim) array_like
            Position measurements (m); k may be 0.
        R : (k, ndim, ndim) or (ndim, ndim) array_like, optional
            Measurement covariances, per measurement or shared; default ``measurement_sigma_m^2 I``.
        expected : (n,) bool array_like, optional
            Over the tracks that existed before this step, in the order of :attr:`ids`: whether the
            scan could have detected the track. Only expected tracks count a miss when not updated,
            so a sensor whose coverage excludes a track does not wear it down. None: all expected.
        initiate : bool
            Whether measurements left unused start tentative tracks.
        pd_track : (n,) array_like, optional
            Score logic only, required there: over the tracks that existed before this step, in the
            order of :attr:`ids`, the scan's detection probability at each track's predicted state;
            an expected track not updated adds the miss increment at this probability.
        pd_meas : (k,) array_like, optional
            Score logic only, required there: the detection probability of each measurement; the
            track it updates adds the hit increment at this probability, a track it starts begins
            there.
        tentative_coast_s : float, optional
            Score logic only: the coasting limit (s) that a detection of this scan earns the tentative
            track it starts or updates; a tentative track keeps the longest its detections earned it
            (so a track started by a fast radar's false alarm ends after that radar's few revisits,
            while one a slow radar has seen waits for the slow radar's next look). None: the score
            logic's ``tentative_coast_s``.

        Returns
        -------
        StepResult
            Per-measurement track ids and the ids confirmed, started and dropped in this step.
        """
        nd, n = self.ndim, self._n
        zz = np.ascontiguousarray(z, dtype=np.float64)
        if zz.size == 0:
            zz = zz.reshape(0, nd)
        if zz.ndim != 2 or zz.shape[1] != nd:
            raise ValueError(f"z must have shape (k, {nd}), got {zz.shape}")
        if not np.isfinite(zz).all():
            raise ValueError("z holds non-finite values")
        k = zz.shape[0]
        r3 = self._measurement_covariance(R, k)
        if expected is None:
            exp_mask = np.ones(n, dtype=np.bool_)
        else:
            exp_mask = np.ascontiguousarray(expected, dtype=np.bool_)
            if exp_mask.shape != (n,):
                raise ValueError(f"expected must have shape ({n},), got {exp_mask.shape}")
        sl = self.score_logic
        if sl is None:
            pd_t, pd_m = np.zeros(0), np.zeros(0)
        else:
            if pd_track is None or pd_meas is None:
                raise ValueError("the score logic needs pd_track and pd_meas")
            pd_t = _probabilities(pd_track, n, "pd_track")
            pd_m = _probabilities(pd_meas, k, "pd_meas")
        t = float(time_s)
        if self._time_s is not None and not t >= self._time_s:
            raise ValueError(f"time_s {t} is before the previous step's {self._time_s}")
        return self.step_unchecked(
            t, zz, r3, exp_mask, pd_t, pd_m, initiate=initiate, tentative_coast_s=tentative_coast_s
        )

    def step_unchecked(
        self,
        time_s: float,
        z: FloatArray,
        R: FloatArray,  # noqa: N803 (the textbook's name)
        expected: BoolArray,
        pd_track: FloatArray,
        pd_meas: FloatArray,
        *,
        initiate: bool = True,
        tentative_coast_s: float | None = None,
    ) -> StepResult:
        """:meth:`step` without checking its arguments, for a caller that guarantees them: ``time_s``
        a float not before the previous step's, ``z`` a finite float64 (k, ndim) array, ``R`` float64
        (k, ndim, ndim) or (1, ndim, ndim), ``expected`` bool (n,), and with a score logic
        ``pd_track`` (n,) and ``pd_meas`` (k,) float64 probabilities in [0, 1] (empty arrays
        without). Called at every scan of every radar of a command post, where the checks cost as
        much as the step's arithmetic."""
        constants = self.rule_constants_for(tentative_coast_s)
        result = _step_kernel(
            *self.kernel_head(time_s, z.shape[0]),
            z,
            R,
            expected,
            constants,
            pd_track,
            pd_meas,
            self.gate,
            self.max_compiled_cells,
            initiate,
        )
        res = self.kernel_tail(result, time_s, z.shape[0])
        if res is None:
            return self.finish_step(
                result[0], result[3], time_s, z, R, expected, pd_track, pd_meas, initiate, constants
            )
        return res

    def kernel_head(self, time_s: float, k: int) -> KernelHead:
        """The tracker's state as :func:`_step_kernel`'s first arguments, for a step at ``time_s``
        with ``k`` measurements (room made for the tracks it may start); its further arguments are
        ``z, R, expected``, the rule constants (:meth:`rule_constants_for` the step's tentative
        coasting limit, or :attr:`rule_constants`), ``pd_track, pd_meas``, :attr:`gate`,
        :attr:`max_compiled_cells` and ``initiate``, as :meth:`step_unchecked` takes them. A caller
        that calls the kernel from a compiled function of its own (a command post's scan) then hands
        its result to :meth:`kernel_tail` (and then, if need be, :meth:`finish_step`)."""
        n = self._n
        dt = 0.0 if self._time_s is None else time_s - self._time_s
        if n and dt > 0.0 and dt != self._trans_dt and self._sojourn.shape[0] > 1:
            # A post's scans come from radars of fixed revisits, so the intervals between its steps
            # repeat (each period of the revisits' common multiple): kept, read only, per interval.
            stay = self._stays.get(dt)
            if stay is None:
                if len(self._stays) >= _STAYS_KEPT:
                    self._stays.clear()
                stay = self._stays[dt] = np.exp(-dt / self._sojourn)  # NumPy's, as imm.transition_matrix
            self._stay = stay
            self._trans_dt = dt
        if n + k > len(self._rows.ids):
            self._allocate(max(2 * len(self._rows.ids), n + k))
        return KernelHead(self._rows_tuple, n, self._next_id, time_s, dt, self._stay, self._q_modes)

    @property
    def rule_constants(self) -> tuple[Any, ...]:
        """:func:`_step_kernel`'s ``rule_constants`` (see :meth:`kernel_head`)."""
        sl = self.score_logic
        if self._rules_of is not sl or self._rules is None:
            self._rules, self._rules_of = self._rule_constants(), sl
            self._rules_coasting = {}
        return self._rules

    def rule_constants_for(self, tentative_coast_s: float | None) -> tuple[Any, ...]:
        """:attr:`rule_constants` of a step whose detections earn a tentative track the coasting limit
        ``tentative_coast_s`` (None: the score logic's own ``tentative_coast_s``)."""
        constants = self.rule_constants
        if tentative_coast_s is None or self.score_logic is None:
            return constants
        kept = self._rules_coasting.get(tentative_coast_s)
        if kept is None:
            if not tentative_coast_s > 0.0:
                raise ValueError("tentative_coast_s must be positive")
            if len(self._rules_coasting) >= _STAYS_KEPT:  # a caller with a new limit at every step
                self._rules_coasting.clear()
            kept = (*constants[:_COAST_FIELD], float(tentative_coast_s), *constants[_COAST_FIELD + 1 :])
            self._rules_coasting[tentative_coast_s] = kept
        return kept

    def kernel_tail(
        self, result: tuple[int, int, int, IntArray, int, int, int, int], time_s: float, k: int
    ) -> StepResult | None:
        """Finish a step at ``time_s`` of ``k`` measurements from :func:`_step_kernel`'s ``result``
        (see :meth:`kernel_head`): the tracker's counters and the step's result; None when the kernel
        handed the step back, which :meth:`finish_step` then ends (given ``result``'s status and
        array)."""
        status, n_new, next_id, out, n_conf, n_start, n_drop, n_drop_conf = result
        if status:  # a cluster too large for the compiled solvers
            return None
        self._n, self._next_id = n_new, next_id
        self._time_s = time_s
        self._steps += 1
        a = k + n_conf
        b = a + n_start
        c = b + n_drop
        return StepResult(out[:k], out[k:a], out[a:b], out[b:c], out[c : c + n_drop_conf])

    def finish_step(
        self,
        status: int,
        track_meas: IntArray,
        time_s: float,
        z: FloatArray,
        r3: FloatArray,
        expected: BoolArray,
        pd_track: FloatArray,
        pd_meas: FloatArray,
        initiate: bool,
        rule_constants: tuple[Any, ...] | None = None,
    ) -> StepResult:
        """The rest of a step :func:`_step_kernel` handed back (status 1: both association rounds, 2:
        the second) with ``scipy.optimize.linear_sum_assignment`` for the large clusters, then track
        management, under the step's ``rule_constants`` (default :attr:`rule_constants`)."""
        n, k = self._n, z.shape[0]
        constants = self.rule_constants if rule_constants is None else rule_constants
        rules = TrackRules._make((*constants, pd_track, pd_meas))
        rows = self._rows
        firm, tentative = _live_rows(
            rows.confirmed, rows.last_update_s, rows.coast_s, n, time_s, rules.confirmed_coast_s
        )
        if status == 1:
            track_meas = self._round(firm, np.arange(k, dtype=np.int64), z, r3)
        left = _unpaired(track_meas, k)
        if tentative.size and left.size:
            deferred = (time_s, rules) if self.defer_tentative else None
            track_meas = np.maximum(track_meas, self._round(tentative, left, z, r3, deferred))
        n_new, self._next_id, tom, confirmed, started, dropped, dropped_conf = _manage(
            n, self._next_id, time_s, track_meas, expected, z, r3, initiate, rules, self._rows
        )
        self._n = n_new
        self._time_s = time_s
        self._steps += 1
        return StepResult(tom, confirmed, started, dropped, dropped_conf)


def _probabilities(values: ArrayLike, size: int, name: str) -> FloatArray:
    """A (size,) float array of probabilities in [0, 1], or a ValueError naming ``name``."""
    arr = np.ascontiguousarray(values, dtype=np.float64)
    if arr.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), got {arr.shape}")
    if not np.all((arr >= 0.0) & (arr <= 1.0)):
        raise ValueError(f"{name} must hold probabilities in [0, 1]")
    return arr
