"""A battery's command post during a run: its radars' geometry, its tracker and what each track is,
its fire plan, runtime state and flight recorder.

The tracker fuses every radar of the battery centrally (:class:`samsim.tracking.Tracker`) and manages
tracks by a log-likelihood-ratio track score (:class:`samsim.tracking.ScoreLogic`): each look of a
radar weighs by that radar's detection probability at the track, so a radar that can barely see a
target neither confirms nor deletes its track, and adding radars never makes tracks later. The
detection probability needs the target's RCS, which the post estimates from the received amplitude of
the detections (:meth:`BatteryRuntime.step`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from scipy import special

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.c2.handover import hand_over, may_pass_gate, track_distance2
from samsim.catalog import RadarSpec
from samsim.constants import MEAN_EARTH_RADIUS_M
from samsim.geodesy import LocalFrame
from samsim.jit import njit, njit_inline
from samsim.models import horizon
from samsim.models.horizon import half_chord_sine_one, horizon_bounds
from samsim.models.signature import band_of_frequency
from samsim.sim.battery import (
    ENGAGE_MAX_AGE_S,
    BatteryState,
    CommandDoctrine,
    EngagementMemory,
    FlightRecorder,
    PictureFrame,
    TrackEstimate,
    battery_command_doctrine,
    initial_state,
)
from samsim.sim.sensing import (
    RadarGeometry,
    clear_pd,
    clear_snr_db,
    radar_geometry,
    reference_snr_db,
    visible_range,
)
from samsim.sim.weapons import FirePlan, fire_plan
from samsim.sim.world import CompiledBattery, World
from samsim.tracking import ScoreLogic, StepResult, Tracker
from samsim.tracking.tracker import step_kernel

# Battery tracker settings (documented assumptions; see docs/models.md).
TRACK_Q_M2PS3 = 5.0  # NCV process-noise intensity for aircraft and missiles in cruise
TRACK_Q_MANOEUVRE_M2PS3 = 2000.0  # IMM manoeuvre mode (a few g over a revisit period)
TRACK_GATE = 4.0  # Mahalanobis distance; chi-square 3 d.o.f. beyond 99.5 %
TRACK_INIT_VELOCITY_SIGMA_MPS = 1200.0  # a new track may be a 2 km/s ballistic missile: gate it in
# With that wide a prior a new track's second detection may be a neighbour in a formation (cruise
# missiles 2 km apart) or a false alarm, giving a velocity of 1-4 km/s; a look by another radar a
# fraction of a second later cannot tell (300 m/s of error is 100 m in 0.3 s, inside a 91N6E gate), so
# it would confirm the ghost. A tentative track's look counts in its score only this long after its
# previous update: a velocity error of 1 km/s then moves the prediction 1 km, several sigmas of the
# 92N6E's and 96L6E's accuracy, and the 92N6E's 2 s revisit still counts every look. Misses are held
# back with the hits (ScoreLogic.min_hit_interval_s): a command post's 72 radars look within a second.
TRACK_MIN_HIT_INTERVAL_S = 1.0
# Track score (Blackman & Popoli 1999, section 6.2). Chosen so that a target seen at Pd 0.8 per look
# behaves as under the 3-of-5 / 3-misses logic it replaces: three hits confirm (3 ln(0.8/P_F) = 8.3
# reaches the threshold 6.7, two hits, at most 2 ln(1/P_F) = 6.0, never do), and three misses delete
# a new track (its first hit, 2.8, less 3 x 1.6 falls below -1.6; two misses do not).
TRACK_FALSE_ALARM_PROBABILITY = 0.05  # P_F: a false alarm falls in a track's gate in one look
TRACK_ALPHA = 1e-3  # probability of confirming a false track (confirmation at ln(0.8/1e-3) = 6.7)
TRACK_BETA = 0.2  # probability of deleting a true track while tentative (deletion at ln 0.2 = -1.6)
TRACK_DROP = 4.5  # a firm track ends this far below its best score: 3 misses at Pd 0.8, 2 at 0.9
TRACK_MAX_SCORE = 12.0  # cap: a long-held track still ends a few misses after its target is gone
# No look is trusted to detect with more than this: a miss may also be the target leaving the gate
# in a manoeuvre or an eclipse, so one miss at close range must not end a firm track on its own.
TRACK_MAX_PD = 0.95
# A track not updated for this many revisits of a radar is deleted whatever its score (time-based
# deletion, Blackman & Popoli 1999, section 11.4): a firm track has lost its target; a tentative one's
# zero-velocity prediction has spread over tens of km and would gather unrelated detections. 3.5
# revisits: a detection at that radar's third look after the last one still counts (as with the
# deletion after 3 misses the score replaces), none at the fourth; the half revisit keeps the deletion
# between those two looks however often the other radars scan. A firm track counts the revisits of
# the picture's slowest radar; a tentative one those of the slowest radar that detected it (M-of-N
# initiation counts its sensor's own scans): a 92N6E false alarm ends 7 s after it, not after the
# 91N6E's 35 s, while a track the 91N6E saw still waits for the 91N6E's next looks.
COAST_REVISITS = 3.5
# The post expects a track's RCS to be its estimate less this many standard errors (see
# BatteryRuntime.track_log_rcs): a radar's misses count against a track only once the detections
# agree that it could see the target.
TRACK_RCS_CONFIDENCE_SIGMAS = 1.0
_Q_MODES = np.array([TRACK_Q_M2PS3, TRACK_Q_MANOEUVRE_M2PS3])  # the tracker's IMM modes, in order
# Tracks farther than this times a radar's instrumented range are out of its view without asking
# sensing.visible (which tests the range exactly): a margin far above the rounding of either range.
_REACH_MARGIN = 1.001
# A target passing over a radar may be measured at a range near zero or, with the range noise, below
# it; the range equation is used from here on.
_MIN_RANGE_M = 1.0
# The excess of a detection's power over the threshold is positive (it crossed it); this floor only
# keeps the logarithm finite if rounding ever says otherwise.
_MIN_EXCESS = 1e-9
_DB_TO_LN = math.log(10.0) / 10.0  # ln x = x_dB ln(10) / 10
# The M-of-N logic the score replaces (3 hits of the last 5 looks, deleted after 3 misses), kept as
# the reference the score was set against (scripts/validate.py measures the initiation speed limit,
# which depends only on the gate and the initial velocity, with it).
TRACK_CONFIRM_HITS = 3
TRACK_CONFIRM_WINDOW = 5
TRACK_MAX_MISSES = 3


def track_score(coast_s: float = math.inf) -> ScoreLogic:
    """The track-score settings above, with tracks deleted after ``coast_s`` without an update."""
    return ScoreLogic(
        false_alarm_probability=TRACK_FALSE_ALARM_PROBABILITY,
        alpha=TRACK_ALPHA,
        beta=TRACK_BETA,
        drop=TRACK_DROP,
        max_score=TRACK_MAX_SCORE,
        confirmed_coast_s=coast_s,
        tentative_coast_s=coast_s,
        min_hit_interval_s=TRACK_MIN_HIT_INTERVAL_S,
    )


def battery_tracker(coast_s: float = math.inf) -> Tracker:
    """The tracker of a battery's command post, with the settings above."""
    return Tracker(
        ndim=3,
        model="imm",
        q=TRACK_Q_M2PS3,
        q_manoeuvre=TRACK_Q_MANOEUVRE_M2PS3,
        gate=TRACK_GATE,
        init_velocity_sigma_mps=TRACK_INIT_VELOCITY_SIGMA_MPS,
        score=track_score(coast_s),
        lean_tentative_cov=True,  # nobody reads a tentative track's covariance (Tracker.view)
        defer_tentative=True,  # a post steps every few hundredths of a second; most tracks are tentative
    )


_EYE3 = np.eye(3)
_EYE3.setflags(write=False)


def predict_position(
    mean: FloatArray, cov: FloatArray, dt_s: FloatArray, q_m2ps3: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Position and its covariance of state estimates ``[position, velocity]`` (n, 6), (n, 6, 6)
    predicted ``dt_s`` ahead on the nearly-constant-velocity model with continuous white-noise
    acceleration of intensity ``q_m2ps3`` (each (n,)): ``x + v dt`` and
    ``P_pp + dt (P_pv + P_vp) + dt² P_vv + q dt³/3 I`` (Bar-Shalom, Li & Kirubarajan, *Estimation
    with Applications to Tracking and Navigation*, Wiley, 2001, section 6.2.2)."""
    dt = np.asarray(dt_s, dtype=np.float64)[:, None]
    pos = mean[:, :3] + mean[:, 3:] * dt
    pv = cov[:, :3, 3:]
    dt3 = dt[:, :, None]
    p = cov[:, :3, :3] + dt3 * (pv + pv.transpose(0, 2, 1)) + dt3**2 * cov[:, 3:, 3:]
    p = p + (np.asarray(q_m2ps3, dtype=np.float64) * dt[:, 0] ** 3 / 3.0)[:, None, None] * _EYE3
    return np.asarray(pos, dtype=np.float64), np.asarray(p, dtype=np.float64)


def _predicted(estimates: list[TrackEstimate], time_s: float) -> tuple[FloatArray, FloatArray]:
    """Positions and their covariances of remembered estimates predicted to ``time_s``."""
    return predict_position(
        np.array([e.mean for e in estimates]),
        np.array([e.cov for e in estimates]),
        time_s - np.array([e.time_s for e in estimates]),
        np.array([e.q_m2ps3 for e in estimates]),
    )


def _per_m2_db(spec: RadarSpec, range_m: FloatArray) -> FloatArray:
    """Mean SNR (dB) a 1 m² target would have at ``range_m`` (at least ``_MIN_RANGE_M``) in one look
    of this radar (its calibrated range equation, :func:`samsim.sim.sensing.look_snr_db`, here
    :func:`samsim.sim.sensing.clear_snr_db`: the same floats with no jamming or surface terms)."""
    return clear_snr_db(spec, range_m, np.ones_like(range_m))


def _log_chi2_correction(swerling: int) -> tuple[float, float]:
    """``ln k - psi(k)`` and ``psi'(k)`` of the log of a chi-square-2k power sample (k = 1 for
    Swerling case 1, 2 for case 3; see :meth:`TrackPicture.measurement_log_rcs`)."""
    k = 1.0 if swerling == 1 else 2.0
    return math.log(k) - float(special.digamma(k)), float(special.polygamma(1, k))


_LOG_CHI2 = {case1: _log_chi2_correction(1 if case1 else 3) for case1 in (True, False)}


def _measurement_log_rcs(
    spec: RadarSpec, snr_db: FloatArray, per_m2_db: FloatArray
) -> tuple[FloatArray, float]:
    """:meth:`TrackPicture.measurement_log_rcs` given the 1 m² SNR at each detection's range."""
    snr = np.power(10.0, np.asarray(snr_db, dtype=np.float64) / 10.0)
    if spec.swerling == 0:
        log_s, variance = np.log(snr), 0.0
    else:
        shift, variance = _LOG_CHI2[spec.swerling == 1]
        excess = np.maximum(1.0 + snr + math.log(spec.pfa), _MIN_EXCESS)
        log_s = np.log(excess) + shift
    return np.asarray(log_s - per_m2_db * _DB_TO_LN, dtype=np.float64), variance


def _measurement_pd(
    spec: RadarSpec, snr_db: FloatArray, range_m: FloatArray, per_m2_db: FloatArray
) -> FloatArray:
    """:meth:`TrackPicture.measurement_pd` given the ranges (at least ``_MIN_RANGE_M``) and the 1 m²
    SNR there."""
    rcs_m2 = np.power(10.0, (snr_db - per_m2_db) / 10.0)
    return np.minimum(clear_pd(spec, clear_snr_db(spec, range_m, rcs_m2)), TRACK_MAX_PD)


@njit_inline
def _extrapolated(mean: FloatArray, t: int, dt_s: float) -> tuple[float, float, float]:
    """Row ``t``'s position (states ``[position, velocity]``) ``dt_s`` ahead at constant velocity."""
    return mean[t, 0] + mean[t, 3] * dt_s, mean[t, 1] + mean[t, 4] * dt_s, mean[t, 2] + mean[t, 5] * dt_s


@njit_inline
def _height_m(x: float, y: float, up: float, alt_m: float, ref_alt_m: float) -> float:
    """Height above ``ref_alt_m`` of a point of a local frame at altitude ``alt_m``: ENU 'up' drops
    below the true height by d² / 2R away from the origin."""
    return alt_m + up + (x * x + y * y) / (2.0 * MEAN_EARTH_RADIUS_M) - ref_alt_m


@njit
def _within_reach(
    mean: FloatArray, dt_s: float, radar_enu_m: FloatArray, reach_m: float, alt_m: float, ref_alt_m: float
) -> tuple[IntArray, FloatArray, FloatArray]:
    """The tracks (states ``mean`` (n, 6) in a frame at altitude ``alt_m``) whose position extrapolated
    ``dt_s`` ahead at constant velocity lies within ``reach_m`` of a radar at ``radar_enu_m``: their
    rows, positions relative to the radar and heights above ``ref_alt_m``. A command post's picture
    spans the theatre and most tracks lie beyond any one radar's instrumented range; only those
    within it are looked at (:func:`samsim.sim.sensing.visible`), in one pass over the tracks."""
    n = mean.shape[0]
    rows = np.empty(n, dtype=np.int64)
    rel = np.empty((n, 3))
    height = np.empty(n)
    count = 0
    for t in range(n):
        x, y, up = _extrapolated(mean, t, dt_s)
        rx = x - radar_enu_m[0]
        ry = y - radar_enu_m[1]
        rz = up - radar_enu_m[2]
        if rx * rx + ry * ry + rz * rz <= reach_m * reach_m:
            rows[count] = t
            rel[count, 0] = rx
            rel[count, 1] = ry
            rel[count, 2] = rz
            height[count] = _height_m(x, y, up, alt_m, ref_alt_m)
            count += 1
    return rows[:count], rel[:count], height[:count]


@njit
def _seen_log_rcs(
    aux: FloatArray, rows: IntArray, band_col: int, nb: int, sigmas: float
) -> tuple[IntArray, FloatArray]:
    """Of these rows of a picture's per-track figures, those with detections in band column
    ``band_col``, and their expected ln RCS (:meth:`TrackPicture._log_rcs_rows` of that one column:
    the same operations, a square root and three exact-rounded operations, in one pass)."""
    seen = np.empty(rows.shape[0], dtype=np.int64)
    log_rcs = np.empty(rows.shape[0])
    count = 0
    for row in rows:
        n = aux[row, 2 * nb + band_col]
        if n > 0.0:
            seen[count] = row
            log_rcs[count] = (aux[row, band_col] - sigmas * math.sqrt(aux[row, nb + band_col])) / n
            count += 1
    return seen[:count], log_rcs[:count]


# Margin of the compiled visibility test (_look), far above the few units in the last place by
# which the C library's arc sine and arc tangent can differ from NumPy's: within it the test defers to
# sensing.visible_range, whose floats it must reproduce.
_ANGLE_MARGIN_RAD = 1e-12
_HORIZON_MARGIN = 2e-12  # relative; twice horizon_decided's own
_BOUND_SLACK = 1e-13  # relative; above the rounding of the few operations of a bound's evaluation


def _tangent_bounds(min_el_rad: float, max_el_rad: float) -> tuple[float, float]:
    """Tangents of elevations ``2 * _ANGLE_MARGIN_RAD`` inside the limits (:func:`_look`
    takes a look whose ``up / horizontal`` lies between them as inside without its arc tangent); an
    empty interval for limits within a microradian of the vertical, where the tangent is no guide."""
    near_vertical = 0.5 * math.pi - 1e-6
    if not -near_vertical < min_el_rad < max_el_rad < near_vertical:
        return math.inf, -math.inf
    return math.tan(min_el_rad + 2.0 * _ANGLE_MARGIN_RAD), math.tan(max_el_rad - 2.0 * _ANGLE_MARGIN_RAD)


@njit_inline
def _look(mean: FloatArray, t: int, dt_s: float, geo: FloatArray, four_r1: float) -> tuple[int, float]:
    """Whether the radar of constants ``geo`` (:meth:`TrackPicture._radar_constants`) sees track row
    ``t`` of ``mean`` extrapolated ``dt_s`` at constant velocity (:func:`_within_reach`, then
    :func:`samsim.sim.sensing.visible_range`): 0 no, 1 yes, 2 undecided (see :func:`_scan_figures`);
    and its range (m)."""
    ex, ny, uz = geo[0], geo[1], geo[2]
    reach, alt_m, ref_alt_m = geo[3], geo[4], geo[5]
    max_range, el_lo, el_hi = geo[6], geo[7], geo[8]
    h1, theta1, a_m = geo[9], geo[10], geo[11]
    tan_lo, tan_hi = geo[12], geo[13]
    earth = MEAN_EARTH_RADIUS_M
    x, y, up = _extrapolated(mean, t, dt_s)
    rx = x - ex
    ry = y - ny
    rz = up - uz
    if not rx * rx + ry * ry + rz * rz <= reach * reach:
        return 0, 0.0
    height = _height_m(x, y, up, alt_m, ref_alt_m)
    horizontal = math.hypot(rx, ry)
    rng = math.hypot(horizontal, rz)
    if not rng <= max_range:
        return 0, rng
    # inside the elevation limits by a margin: no arc tangent needed (tan is increasing)
    if not (horizontal > 0.0 and horizontal * tan_lo <= rz <= horizontal * tan_hi):
        el = math.atan2(rz, horizontal)
        if el < el_lo - _ANGLE_MARGIN_RAD or el > el_hi + _ANGLE_MARGIN_RAD:
            return 0, rng
        if el < el_lo + _ANGLE_MARGIN_RAD or el > el_hi - _ANGLE_MARGIN_RAD:
            return 2, rng
    # the horizon: arc_from_slant_m and horizon_decided, operation for operation
    h2 = max(height, 0.0)
    s = half_chord_sine_one(rng, h1, h2, four_r1, earth)
    below, beyond = horizon_bounds(theta1, h2, a_m, _HORIZON_MARGIN)
    # s <= asin(s) <= s / sqrt(1 - s^2) settles most tracks without the arc sine
    if s < 1.0 and 2.0 * earth * s / math.sqrt(1.0 - s * s) * (1.0 + _BOUND_SLACK) <= below:
        return 1, rng
    if 2.0 * earth * s * (1.0 - _BOUND_SLACK) > beyond:
        return 0, rng
    ground = math.asin(s) * 2.0 * earth
    if ground <= below:
        return 1, rng
    if ground > beyond:
        return 0, rng
    return 2, rng


@njit_inline
def _look_pd(snr: float, case1: bool, log_pfa: float) -> float:
    """Pd of one look at mean SNR ``snr`` (linear; :func:`samsim.sim.sensing.clear_pd`): Swerling
    case 1 ``Pfa^(1 / (1 + SNR))`` (:func:`samsim.models.radar.pd_swerling1`), case 3
    ``exp(-T x) (1 + T x (1 - x))`` with ``x = 1 / (1 + SNR / 2)`` and ``T = -ln Pfa``
    (:func:`samsim.models.radar.pd_swerling3`); at most ``TRACK_MAX_PD``."""
    if case1:
        p = math.exp(log_pfa / (1.0 + snr))
    else:
        x = 1.0 / (1.0 + 0.5 * snr)
        tx = -log_pfa * x
        p = math.exp(-tx) * (1.0 + tx * (1.0 - x))
    return min(p, TRACK_MAX_PD)


@njit
def _scan_figures(
    mean: FloatArray,
    dt_s: float,
    geo: FloatArray,
    aux: FloatArray,
    band_col: int,
    nb: int,
    sigmas: float,
    snr_db: FloatArray,
    range_m: FloatArray,
    radio: FloatArray,
    mask: BoolArray,
    pd_track: FloatArray,
    meas_figures: FloatArray,
) -> bool:
    """:meth:`TrackPicture.track_pd`, :meth:`TrackPicture.measurement_pd` and
    :meth:`TrackPicture.measurement_log_rcs` of one scan in one compiled call: which tracks (states
    ``mean`` (n, 6) extrapolated ``dt_s``) the radar of constants ``geo`` looked at
    (:meth:`TrackPicture._looked`: in view, :func:`_look`, and with detections in band column
    ``band_col``; the view of the others is not tested), into ``mask[:n]``; the look's Pd at each
    (0 elsewhere; their expected ln RCS as :meth:`TrackPicture._log_rcs_rows`), into
    ``pd_track[:n]``; each measurement's Pd (at its single-look RCS estimate) and ln-RCS estimate,
    into ``meas_figures[0, :k]`` and ``[1, :k]``. ``radio`` holds the radar's constants
    (:class:`_RadarConstants`). The caller's buffers take the results: an array returned costs more
    than the arithmetic of a scan.

    The calibrated range equation ``SNR_ref + 10 log10(sigma / sigma_ref) - 40 log10(R / R_ref)`` dB
    is taken in linear form, ``SNR = K sigma / R^4`` with ``K = SNR_ref R_ref^4 / sigma_ref`` (Skolnik,
    *Introduction to Radar Systems*, 3rd ed., 2001, ch. 2), so a track's look takes one exponential
    for its RCS and one for its Pd. A detection's Pd is that of a target of its single-look RCS
    estimate ``S R^4 / K`` at its range: of its own SNR ``S``. Its ln-RCS estimate is
    ``ln(excess R^4 / K)`` plus the correction of :meth:`TrackPicture.measurement_log_rcs`. The same
    figures as the NumPy route's but for rounding: the C library's exponential and logarithm also
    differ from NumPy's (whose routes depend on the CPU's vector instructions) in the last bit.

    The elevation limits and the horizon are tested with the C library's arc tangent and arc sine: a
    track within ``_ANGLE_MARGIN_RAD`` of an elevation limit or ``_HORIZON_MARGIN`` of the horizon
    bracket is not decided here; True is then returned at once, and the caller takes
    :func:`samsim.sim.sensing.visible_range`'s answers instead (:meth:`TrackPicture._step_general`)."""
    k_m4, log_pfa, shift, case1 = radio[0], radio[1], radio[2], radio[3] > 0.0
    four_r1 = 4.0 * (MEAN_EARTH_RADIUS_M + geo[9])
    for t in range(mean.shape[0]):
        pd_track[t] = 0.0
        detections = aux[t, 2 * nb + band_col]
        if not detections > 0.0:  # Pd 0 wherever the track is: no look to test (_looked)
            mask[t] = False
            continue
        state, rng = _look(mean, t, dt_s, geo, four_r1)
        if state == 2:
            return True
        mask[t] = state == 1
        if state == 1:
            log_rcs = (aux[t, band_col] - sigmas * math.sqrt(aux[t, nb + band_col])) / detections
            r2 = max(rng, _MIN_RANGE_M) ** 2
            pd_track[t] = _look_pd(k_m4 * math.exp(log_rcs) / (r2 * r2), case1, log_pfa)
    for j in range(snr_db.shape[0]):
        snr = math.exp(snr_db[j] * _DB_TO_LN)
        meas_figures[0, j] = _look_pd(snr, case1, log_pfa)
        # _measurement_log_rcs of a fluctuating target: the excess over the threshold
        excess = max(1.0 + snr + log_pfa, _MIN_EXCESS)
        r2 = max(range_m[j], _MIN_RANGE_M) ** 2
        meas_figures[1, j] = math.log(excess * (r2 * r2) / k_m4) + shift
    return False


@njit
def _fold_rcs(
    aux: FloatArray,
    rows: IntArray,
    meas: IntArray,
    log_rcs: FloatArray,
    variance: float,
    band_col: int,
    nb: int,
    col_engaged: int,
    time_s: float,
) -> None:
    """Add the measurements ``meas``'s ln-RCS estimates to the figures of the tracks they updated
    (``rows``, distinct) in band column ``band_col``; ``col_engaged`` >= 0: an engagement radar's
    detections, stamped ``time_s`` there."""
    for a in range(rows.shape[0]):
        r = rows[a]
        aux[r, band_col] += log_rcs[meas[a]]
        aux[r, nb + band_col] += variance
        aux[r, 2 * nb + band_col] += 1.0
        if col_engaged >= 0:
            aux[r, col_engaged] = time_s


@njit
def _held_rows(track_of_measurement: IntArray, ids: IntArray) -> tuple[IntArray, IntArray]:
    """The measurements whose track (``track_of_measurement``, -1: none) is among the sorted ``ids``,
    and the index of that track in ``ids``, in one pass."""
    k = track_of_measurement.shape[0]
    meas = np.empty(k, dtype=np.int64)
    rows = np.empty(k, dtype=np.int64)
    n = ids.shape[0]
    count = 0
    for j in range(k):
        i = track_of_measurement[j]
        if i < 0:
            continue
        r = np.searchsorted(ids, i)
        if r < n and ids[r] == i:
            meas[count] = j
            rows[count] = r
            count += 1
    return meas[:count], rows[:count]


@njit
def _compact_rows(rows: FloatArray, old_ids: IntArray, new_ids: IntArray, keep: int) -> None:
    """Move in place the rows of the tracks ``new_ids[:keep]`` (those of ``old_ids``, in the order of
    ``rows``, that a tracker step kept) to the front, in order, as the step did with its own rows."""
    src = 0
    for dst in range(keep):
        while src < old_ids.shape[0] - 1 and old_ids[src] != new_ids[dst]:
            src += 1
        if src != dst:
            for c in range(rows.shape[1]):
                rows[dst, c] = rows[src, c]
        src += 1


@njit
def _held_estimates(
    ids: IntArray, want: IntArray, mean: FloatArray, cov: FloatArray, prob: FloatArray
) -> tuple[BoolArray, FloatArray, FloatArray, FloatArray]:
    """Which of the track ids ``want`` are among the sorted ``ids``, and copies of the rows of
    ``mean``, ``cov`` and ``prob`` of those that are, in the order of ``want``."""
    n = ids.shape[0]
    found = np.zeros(want.shape[0], dtype=np.bool_)
    rows = np.empty(want.shape[0], dtype=np.int64)
    count = 0
    for a in range(want.shape[0]):
        r = np.searchsorted(ids, want[a])
        if r < n and ids[r] == want[a]:
            found[a] = True
            rows[count] = r
            count += 1
    out_mean = np.empty((count, mean.shape[1]))
    out_cov = np.empty((count, cov.shape[1], cov.shape[2]))
    out_prob = np.empty((count, prob.shape[1]))
    for a in range(count):
        out_mean[a] = mean[rows[a]]
        out_cov[a] = cov[rows[a]]
        out_prob[a] = prob[rows[a]]
    return found, out_mean, out_cov, out_prob


@njit
def _follow_rows(
    rows: FloatArray,
    old_ids: IntArray,
    new_ids: IntArray,
    keep: int,
    dropped: bool,
    default: FloatArray,
    track_of_measurement: IntArray,
    fold: bool,
    log_rcs: FloatArray,
    variance: float,
    band_col: int,
    nb: int,
    col_engaged: int,
    col_stamp: int,
    time_s: float,
    meas_rows: IntArray,
    want: IntArray,
    mean: FloatArray,
    cov: FloatArray,
    prob: FloatArray,
) -> tuple[IntArray, int, BoolArray, FloatArray, FloatArray, FloatArray]:
    """:meth:`TrackPicture._follow_step`'s rows in one call: the kept tracks' rows moved to the front
    (:func:`_compact_rows`, when the step ``dropped`` some), ``default`` in the new tracks' rows after
    them; returns a copy of ``new_ids`` and how many measurements :func:`_held_rows` finds in it,
    those measurements written to ``meas_rows[0]`` and their tracks' rows to ``meas_rows[1]`` (no
    array returned for them: each costs more than this call's arithmetic). With ``fold``, the
    measurements' ln-RCS estimates ``log_rcs`` are folded into the tracks they updated
    (:func:`_fold_rcs`), and those tracks stamped ``time_s`` in column ``col_stamp`` when >= 0.
    Returns :func:`_held_estimates` of the tracks ``want`` (the step's ``mean``, ``cov`` and ``prob``)
    last."""
    if dropped:
        _compact_rows(rows, old_ids, new_ids, keep)
    for r in range(keep, new_ids.shape[0]):
        for c in range(rows.shape[1]):
            rows[r, c] = default[c]
    ids = new_ids.copy()
    meas, held = _held_rows(track_of_measurement, ids)
    if fold:
        _fold_rcs(rows, held, meas, log_rcs, variance, band_col, nb, col_engaged, time_s)
        if col_stamp >= 0:
            for a in range(held.shape[0]):
                rows[held[a], col_stamp] = time_s
    count = meas.shape[0]
    meas_rows[0, :count] = meas
    meas_rows[1, :count] = held
    found, out_mean, out_cov, out_prob = _held_estimates(ids, want, mean, cov, prob)
    return ids, count, found, out_mean, out_cov, out_prob


@njit
def _into_frame(
    z: FloatArray, cov: FloatArray, rot: FloatArray, off: FloatArray, z_out: FloatArray, cov_out: FloatArray
) -> None:
    """Position measurements ``z`` (k, 3) and their covariances ``cov`` (k, 3, 3) in another local
    frame, into ``z_out[:k]`` (``rot z + off``) and ``cov_out[:k]`` (``rot cov rot^T``), for the
    rotation ``rot`` and offset ``off`` between the frames (:func:`samsim.geodesy.frame_map`)."""
    for j in range(z.shape[0]):
        for a in range(3):
            z_out[j, a] = rot[a, 0] * z[j, 0] + rot[a, 1] * z[j, 1] + rot[a, 2] * z[j, 2] + off[a]
    for j in range(cov.shape[0]):
        for a in range(3):  # row a of rot cov, then of (rot cov) rot^T
            r0 = rot[a, 0] * cov[j, 0, 0] + rot[a, 1] * cov[j, 1, 0] + rot[a, 2] * cov[j, 2, 0]
            r1 = rot[a, 0] * cov[j, 0, 1] + rot[a, 1] * cov[j, 1, 1] + rot[a, 2] * cov[j, 2, 1]
            r2 = rot[a, 0] * cov[j, 0, 2] + rot[a, 1] * cov[j, 1, 2] + rot[a, 2] * cov[j, 2, 2]
            for b in range(3):
                cov_out[j, a, b] = r0 * rot[b, 0] + r1 * rot[b, 1] + r2 * rot[b, 2]


@njit
def _post_step(
    rows_t: tuple[Any, ...],
    n: int,
    next_id: int,
    time_s: float,
    dt_s: float,
    stay: FloatArray,
    q_modes: FloatArray,
    rules: tuple[Any, ...],
    gate: float,
    max_cells: int,
    z: FloatArray,
    r_cov: FloatArray,
    snr_db: FloatArray,
    range_m: FloatArray,
    geo: FloatArray,
    radio: FloatArray,
    aux: FloatArray,
    band_col: int,
    nb: int,
    mask: BoolArray,
    pd_track: FloatArray,
    meas_figures: FloatArray,
    aux_ids: IntArray,
    default: FloatArray,
    fold: tuple[float, int, int],
    meas_rows: IntArray,
    want: IntArray,
    found: BoolArray,
) -> tuple[int, tuple[int, int, int, IntArray, int, int, int, int], int, FloatArray]:
    """One compiled call for :meth:`TrackPicture.step`: the scan's figures (:func:`_scan_figures`,
    tracks extrapolated by ``dt_s``, the interval since the tracker's last step), the tracker's step
    (:func:`samsim.tracking.tracker.step_kernel` from its state, the first seven arguments, and
    ``rules``: :meth:`samsim.tracking.Tracker.kernel_head`, spread out as the tracker's own step
    takes it, since numba types a tuple nested in the arguments at twice the cost of one at the top
    level, 2 us a scan) and the rows that follow it
    (:func:`_follow_rows`, folding in the measurements' ln-RCS estimates with ``fold``: their
    variance, the engagement column and the stamp column).

    Returns a status, the tracker kernel's result (for :meth:`samsim.tracking.Tracker.kernel_tail`),
    how many of :func:`_follow_rows`' measurements it found (in ``meas_rows``) and its estimates of
    the tracks ``want`` as one array (:func:`_packed_estimates`; which of ``want`` are held: into
    ``found[:want.size]``). With status 0 the kernel result's array holds the new track ids after
    what :meth:`samsim.tracking.Tracker.kernel_tail` reads of it (its last ``n`` entries). Every
    array handed back to Python costs more than a scan's bookkeeping (numba looks its class up
    again for each), hence two arrays rather than six. Status 0: all done; 3: a track was undecided
    (:func:`_scan_figures`), nothing was done; 1 and 2: the tracker kernel handed its step back
    (:func:`samsim.tracking.tracker.step_kernel`), the rows were not touched."""
    out_mean, out_cov, prob = rows_t[4], rows_t[5], rows_t[3]
    k = z.shape[0]
    if _scan_figures(
        out_mean[:n],
        dt_s,
        geo,
        aux,
        band_col,
        nb,
        TRACK_RCS_CONFIDENCE_SIGMAS,
        snr_db,
        range_m,
        radio,
        mask,
        pd_track,
        meas_figures,
    ):
        return 3, (3, n, next_id, aux_ids, 0, 0, 0, 0), 0, np.zeros(0)
    pd_meas = meas_figures[0, :k]
    result = step_kernel(
        rows_t,
        n,
        next_id,
        time_s,
        dt_s,
        stay,
        q_modes,
        z,
        r_cov,
        mask,
        rules,
        pd_track,
        pd_meas,
        gate,
        max_cells,
        True,
    )
    status, w, next_id, out, n_conf, n_start, n_drop, n_drop_conf = result
    if status:
        return status, result, 0, np.zeros(0)
    variance, col_engaged, col_stamp = fold
    ids, count, held, mean, cov, p = _follow_rows(
        aux,
        aux_ids,
        rows_t[0][:w],
        w - n_start,
        n_drop > 0,
        default,
        out[:k],
        True,
        meas_figures[1, :k],
        variance,
        band_col,
        nb,
        col_engaged,
        col_stamp,
        time_s,
        meas_rows,
        want,
        out_mean[:w],
        out_cov[:w],
        prob[:w],
    )
    used = out.shape[0]
    both = np.empty(used + w, dtype=np.int64)
    both[:used] = out
    both[used:] = ids
    found[: held.shape[0]] = held
    return (
        0,
        (0, w, next_id, both, n_conf, n_start, n_drop, n_drop_conf),
        count,
        _packed_estimates(mean, cov, p),
    )


@njit
def _packed_estimates(mean: FloatArray, cov: FloatArray, prob: FloatArray) -> FloatArray:
    """The rows ``mean`` (c, d), ``cov`` (c, d, d) and ``prob`` (c, r) one after the other in one
    flat array (:func:`_unpacked_estimates` takes them apart again, as contiguous views)."""
    c, d, r = mean.shape[0], mean.shape[1], prob.shape[1]
    flat = np.empty(c * (d + d * d + r))
    flat[: c * d] = mean.ravel()
    flat[c * d : c * (d + d * d)] = cov.ravel()
    flat[c * (d + d * d) :] = prob.ravel()
    return flat


def _unpacked_estimates(flat: FloatArray, d: int, r: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """:func:`_packed_estimates`' ``mean`` (c, d), ``cov`` (c, d, d) and ``prob`` (c, r), as views of
    ``flat`` laid out as those arrays are (contiguous: the same floats from NumPy's routines)."""
    c = flat.size // (d + d * d + r)
    a, b = c * d, c * (d + d * d)
    return flat[:a].reshape(c, d), flat[a:b].reshape(c, d, d), flat[b:].reshape(c, r)


def _scan_buffers(n: int, k: int) -> tuple[BoolArray, FloatArray, FloatArray]:
    """Buffers for :func:`_scan_figures`'s results over up to ``n`` tracks and ``k`` measurements."""
    return np.empty(n, dtype=np.bool_), np.empty(n), np.empty((2, k))


class _RadarConstants(NamedTuple):
    """A radar's figures for :meth:`TrackPicture.step`'s compiled route, worked out once."""

    geo: FloatArray  # _look's: position (3), reach, frame and horizon altitudes, max range,
    # elevation limits (rad), antenna height, its horizon's central angle, effective earth radius,
    # _tangent_bounds
    band_col: int
    # _scan_figures': K = SNR_ref R_ref^4 / sigma_ref (m^2), ln Pfa, _log_chi2_correction's shift,
    # 1.0 for Swerling case 1 (else 3)
    radio: FloatArray
    variance: float
    col_engaged: int  # -1: not an engagement radar


class _Fold(NamedTuple):
    """What :func:`_follow_rows` folds into the rows after a compiled step the tracker finished
    itself (:meth:`TrackPicture.step`)."""

    log_rcs: FloatArray  # per measurement
    variance: float
    band_col: int
    col_engaged: int
    col_stamp: int
    time_s: float


_NO_FOLD = _Fold(np.zeros(0), 0.0, 0, -1, -1, 0.0)


def _among(ids: IntArray, keys: IntArray) -> BoolArray:
    """Which of ``ids`` are among ``keys`` (``np.isin`` for the few keys of a post's engagements, by
    a binary search of each id in them rather than a Python test per id)."""
    if keys.size == 0:
        return np.zeros(ids.size, dtype=bool)
    keys = np.sort(keys)
    pos = np.minimum(np.searchsorted(keys, ids), keys.size - 1)
    return np.asarray(keys[pos] == ids, dtype=np.bool_)


class TrackPicture:
    """An air picture: one tracker fusing a set of radars (in one local frame), what each track is,
    and the engagement memory of the post that fights from it.

    A battery fighting alone keeps one over its own radars (:class:`BatteryRuntime`); a command post
    keeps one over the radars of every battery it directs (:mod:`samsim.sim.network`).
    """

    def __init__(
        self,
        name: str,
        frame: LocalFrame,
        geometry: list[RadarGeometry],
        horizon_ref_alt_m: float,
        assets_ecef_m: FloatArray,
        extra_columns: int = 0,
    ):
        self.name = name
        self.frame = frame
        self.geometry = geometry
        # what a radar's detection earns a tentative track: its own revisits; a firm track (and a
        # tentative one by default) counts the slowest radar's
        self.radar_coast_s = [COAST_REVISITS * g.spec.revisit_s for g in geometry]
        self.tracker = battery_tracker(max(self.radar_coast_s, default=COAST_REVISITS))
        self.label: dict[int, int] = {}  # track id -> threat index it follows (-1: false track)
        # A shaped target's cross section differs by band (models.signature): the RCS statistics are
        # kept per radar band, each radar pointing at the column of its band.
        self.bands = [band_of_frequency(g.spec.frequency_ghz) for g in self.geometry]
        distinct = list(dict.fromkeys(self.bands))
        self._band_col = [distinct.index(b) for b in self.bands]
        nb = len(distinct)
        self._nb = nb
        # What the post knows of each track, one row per tracker row (kept aligned with the tracker's
        # rows, which its steps compact, by _sync / _follow_step): per band the sum of the track's
        # detections' ln-RCS estimates [0, nb), of their variances [nb, 2 nb) and their number
        # [2 nb, 3 nb); the last time an engagement radar's detection updated it (fire-control
        # quality) [3 nb]; then ``extra_columns`` times of a subclass's own (-inf: never).
        self._col_engaged = 3 * nb
        self._col_extra = 3 * nb + 1
        self._aux_default = np.zeros(3 * nb + 1 + extra_columns)
        self._aux_default[3 * nb :] = -np.inf
        self._aux = np.empty((64, self._aux_default.size))
        self._aux_ids = np.zeros(0, dtype=np.int64)  # the track ids of the rows in use
        self._aux_step = 0  # the tracker step the rows are aligned with
        none = np.zeros(0, dtype=np.int64)
        # the last step, the measurements that updated a track it kept, and those tracks' rows
        self._last_step: tuple[StepResult | None, IntArray, IntArray] = (None, none, none)
        self._radar_constants: list[tuple[RadarGeometry, _RadarConstants | None] | None] = [None] * len(
            geometry
        )
        self.jam_only: set[int] = set()  # tracks known only from jam-strobe fixes, no echo yet
        # step's figures (_scan_figures): tracks in view, Pd of each track's look, measurements' Pd
        # and ln-RCS estimates
        self._mask, self._pd_track, self._meas_figures = _scan_buffers(64, 64)
        self._meas_rows = np.empty((2, 64), dtype=np.int64)  # _follow_step's measurements and rows
        self._found = np.empty(16, dtype=np.bool_)  # step's: which tracks under fire it holds
        view = self.tracker.view()
        self._estimate_dims = (view.mean.shape[1], view.prob.shape[1])  # state dimension, IMM modes
        d, r = self._estimate_dims
        self._estimate_size = d + d * d + r  # of one track's packed estimate (_packed_estimates)
        self._frame_z, self._frame_cov = np.empty((64, 3)), np.empty((64, 3, 3))  # step's, to_frame
        self.horizon_ref_alt_m = horizon_ref_alt_m
        # (time, track ids, picture-frame positions, velocities) at each decision cycle; the speeds are
        # taken from the velocities once, when trajectories.parquet is built
        self.picture: list[tuple[float, IntArray, FloatArray, FloatArray]] = []
        self.memory = EngagementMemory()
        self._under_fire: list[int] = []  # the tracks interceptors are flying at, at the last step
        self._under_fire_ids = np.zeros(0, dtype=np.int64)
        self._under_fire_list: list[int] = []
        # track id -> its latest estimate, for the tracks interceptors are flying at (engaged_estimates):
        # those of tracks the last step kept wait as rows (ids, means, covariances and mode
        # probabilities packed in one array, time) until someone reads them, as most steps nobody does
        self._estimates: dict[int, TrackEstimate] = {}
        # (ids, their rows packed by _packed_estimates, time): unpacked only when read
        self._pending: tuple[list[int], FloatArray, float] | None = None
        center = frame.earth_center_enu_m
        self.where = PictureFrame(
            assets_enu_m=frame.ecef_to_enu(assets_ecef_m).reshape(-1, 3),
            center_enu_m=center,
            earth_radius_m=float(np.linalg.norm(center) - frame.alt_m),
        )
        # per threat: when this picture's post knows it is dead or has leaked
        self.gone_s: FloatArray = np.zeros(0)

    # -- per-track rows --------------------------------------------------------------------------

    def _reserve(self, n: int) -> None:
        """Room for ``n`` rows."""
        if n > self._aux.shape[0]:
            grown = np.empty((max(2 * self._aux.shape[0], n), self._aux.shape[1]))
            grown[: self._aux_ids.size] = self._aux[: self._aux_ids.size]
            self._aux = grown

    def _sync(self) -> None:
        """Align the per-track rows with the tracker's after steps this picture did not make itself
        (a track kept its row's figures, a new one starts from nothing)."""
        tr = self.tracker
        if tr.step_count == self._aux_step:
            return
        ids = tr.view().ids
        old = self._aux_ids
        self._reserve(ids.size)
        rows = np.empty((ids.size, self._aux.shape[1]))
        rows[:] = self._aux_default
        if old.size:
            pos = np.minimum(np.searchsorted(old, ids), old.size - 1)
            found = old[pos] == ids
            rows[found] = self._aux[pos[found]]
        self._aux[: ids.size] = rows
        self._aux_ids = ids.copy()
        self._aux_step = tr.step_count

    def _follow_step(self, res: StepResult, fold: _Fold | None = None) -> int:
        """Align the per-track rows after a tracker step made from aligned rows: the tracker keeps
        its surviving rows in order and appends the tracks it starts. Returns how many
        :meth:`_updated_rows` the step has (in ``_meas_rows``), found in the same compiled call,
        which also folds in the step's RCS estimates when given them (``fold``) and keeps the engaged
        tracks' estimates (:meth:`_note_engaged`)."""
        tr = self.tracker
        view = tr.view()
        ids = view.ids
        self._reserve(ids.size)
        f = _NO_FOLD if fold is None else fold
        want = self._flying_ids()
        k = res.track_of_measurement.size
        if self._meas_rows.shape[1] < k:
            self._meas_rows = np.empty((2, 2 * k), dtype=np.int64)
        self._aux_ids, count, found, mean, cov, prob = _follow_rows(
            self._aux,
            self._aux_ids,
            ids,
            ids.size - res.started.size,
            res.dropped.size > 0,
            self._aux_default,
            res.track_of_measurement,
            fold is not None,
            f.log_rcs,
            f.variance,
            f.band_col,
            self._nb,
            f.col_engaged,
            f.col_stamp,
            f.time_s,
            self._meas_rows,
            want,
            view.mean,
            view.cov,
            view.prob,
        )
        self._aux_step = tr.step_count
        self._keep_engaged(want, found, _packed_estimates(mean, cov, prob))
        return count

    def _rows_of(self, track_ids: IntArray) -> tuple[IntArray, BoolArray]:
        """The rows of these track ids and which of them are current tracks."""
        self._sync()
        ids = self._aux_ids
        if ids.size == 0:
            return np.zeros(track_ids.size, dtype=np.int64), np.zeros(track_ids.size, dtype=bool)
        rows = np.minimum(np.searchsorted(ids, track_ids), ids.size - 1)
        return rows, np.asarray(ids[rows] == track_ids, dtype=np.bool_)

    def track_name(self, track_id: int) -> str:
        return f"{self.name}/T{track_id}"

    @property
    def estimate_s(self) -> float:
        """When the tracker's estimates hold: its last step. A step predicts every track to its time,
        the tracks its scan did not update too, so the means are not at each track's last update."""
        return self.tracker.time_s if self.tracker.time_s is not None else 0.0

    def predicted_states(self, time_s: float, rows: BoolArray | None = None) -> tuple[FloatArray, FloatArray]:
        """Every track's position and velocity extrapolated to ``time_s`` (constant velocity from
        the tracker's last step); ``rows``: only the tracks it marks (the same floats, row by row)."""
        if rows is None:
            mean = self.tracker.mean
            vel = mean[:, 3:]
        else:  # contiguous, as the rows taken from the whole picture's were
            mean = self.tracker.view().mean[rows]
            vel = np.ascontiguousarray(mean[:, 3:])
        return np.asarray(mean[:, :3] + vel * (time_s - self.estimate_s), dtype=np.float64), vel

    def predicted_positions(self, time_s: float) -> FloatArray:
        return self.predicted_states(time_s)[0]

    def in_view(self, radar: int, time_s: float) -> BoolArray:
        """Tracks whose predicted position is inside this radar's coverage and above its horizon."""
        return self._view(radar, time_s)[0]

    def _view(self, radar: int, time_s: float) -> tuple[BoolArray, FloatArray]:
        """In-view mask and range from the radar of each track's predicted position."""
        mean = self.tracker.view().mean
        if mean.shape[0] == 0:
            return np.zeros(0, dtype=bool), np.zeros(0)
        geom = self.geometry[radar]
        near, rel, height = _within_reach(
            mean,
            time_s - self.estimate_s,
            geom.enu_m,
            geom.spec.max_range_m * _REACH_MARGIN,
            self.frame.alt_m,
            self.horizon_ref_alt_m,
        )
        mask = np.zeros(mean.shape[0], dtype=bool)
        range_m = np.full(mean.shape[0], np.inf)
        if near.size:
            mask[near], range_m[near] = visible_range(geom, rel, height)
        return mask, range_m

    def track_pd(self, radar: int, time_s: float) -> tuple[BoolArray, FloatArray]:
        """Tracks this radar's scan could see, and its detection probability at each.

        Pd of one look at the track's predicted range and its RCS as estimated from its detections in
        this radar's band (:meth:`track_log_rcs`), for the radar's own Swerling case and without
        jamming; 0 out of view, and 0 while no radar of this band has detected it (a VHF track of a
        shaped aircraft says nothing of what an X-band radar can see, so the X-band radar's misses do
        not count against it until that radar acquires it); at most ``TRACK_MAX_PD``.
        """
        self._sync()
        mask, range_m = self._view(radar, time_s)
        pd = np.zeros(mask.size)
        cand = np.flatnonzero(mask)  # only the tracks in view: this runs at every scan
        if cand.size:
            spec = self.geometry[radar].spec
            seen, log_rcs = _seen_log_rcs(
                self._aux, cand, self._band_col[radar], self._nb, TRACK_RCS_CONFIDENCE_SIGMAS
            )
            if seen.size:
                rcs_m2 = np.exp(log_rcs)
                # look_pd of the radar's own case, no jamming (the same floats, fewer array passes)
                pd[seen] = clear_pd(spec, clear_snr_db(spec, np.maximum(range_m[seen], _MIN_RANGE_M), rcs_m2))
        return mask, np.minimum(pd, TRACK_MAX_PD)

    def _looked(self, radar: int, in_view: BoolArray) -> BoolArray:
        """The tracks a scan of this radar is taken to have looked at (the tracker's ``expected``):
        those in view with detections in its band. A look at any other has Pd 0 (:meth:`track_pd`),
        which the track score counts as nothing (:meth:`samsim.tracking.ScoreLogic.miss`): half of a
        post's tracks at a scan, most of them started by another band's false alarms, and their view
        need not be tested (:func:`_scan_figures`)."""
        return in_view & (self._aux[: in_view.size, 2 * self._nb + self._band_col[radar]] > 0.0)

    def track_log_rcs(self, track_ids: IntArray, band: str | None = None) -> FloatArray:
        """ln of the RCS (m²) the post expects of each track in ``band`` (every band pooled when
        None): the mean of its detections' ln-RCS estimates less ``TRACK_RCS_CONFIDENCE_SIGMAS``
        standard errors of that mean. Each track is a current one with detections in that band.

        A single detection's estimate scatters by a factor of about 3.6 either way (the standard
        deviation of the log of an exponential variable is pi/sqrt(6)). Too large an estimate makes
        radars that cannot see the target expect to, and their misses would delete a real track;
        too small a one only lets a false track live until its coasting limit. So the post expects
        the lower end until the detections agree.
        """
        rows, _ = self._rows_of(np.asarray(track_ids, dtype=np.int64))
        cols = range(self._nb) if band is None else [self._band_col[self.bands.index(band)]]
        return self._log_rcs_rows(rows, cols)

    def _log_rcs_rows(self, rows: IntArray, cols: Sequence[int]) -> FloatArray:
        """:meth:`track_log_rcs` of these rows, pooling these band columns."""
        aux, nb = self._aux, self._nb
        total, variance, count = aux[rows, cols[0]], aux[rows, nb + cols[0]], aux[rows, 2 * nb + cols[0]]
        for b in cols[1:]:
            total, variance, count = (
                total + aux[rows, b],
                variance + aux[rows, nb + b],
                count + aux[rows, 2 * nb + b],
            )
        return np.asarray((total - TRACK_RCS_CONFIDENCE_SIGMAS * np.sqrt(variance)) / count, dtype=np.float64)

    def measurement_log_rcs(
        self, radar: int, snr_db: FloatArray, range_m: FloatArray
    ) -> tuple[FloatArray, float]:
        """ln of each detection's RCS estimate (m²) from its received SNR and measured range, and the
        variance of such an estimate.

        The radar's calibrated range equation gives the mean SNR ``c`` a 1 m² target would have at
        that range, so ``sigma = S / c``, i.e. ``sigma_ref (S / SNR_ref) (R / R_ref)^4`` for a mean
        SNR ``S``. A detection's power ``x = 1 + SNR`` is not a fair sample of ``1 + S``: only looks
        above the threshold ``T = -ln Pfa`` are seen, so near the edge of a radar's reach ``x - 1``
        would make the estimate several times too large (2 to 8 m² for a 1.2 m² F-16 at 350 km from
        the 91N6E), and the radars' expected Pd with it. For a fluctuating target (the radar's
        Swerling case 1 or 3) the estimate uses the excess ``x - T`` instead, which for the
        exponential power of case 1 is again exponential with mean ``1 + S`` (memorylessness), and
        corrects the log of a chi-square-2k sample, ``E[ln X] = ln E[X] + psi(k) - ln k`` (k = 1 for
        case 1, exact; 2 for case 3, approximate); its variance is ``psi'(k)`` (Johnson, Kotz &
        Balakrishnan, *Continuous Univariate Distributions*, vol. 1, 2nd ed., Wiley, 1994, ch. 17
        and 19: the log of a gamma variable). A steady target (case 0) is estimated from ``SNR``
        directly, with no scatter.
        """
        spec = self.geometry[radar].spec
        return _measurement_log_rcs(spec, snr_db, _per_m2_db(spec, np.maximum(range_m, _MIN_RANGE_M)))

    def measurement_pd(self, radar: int, snr_db: FloatArray, range_m: FloatArray) -> FloatArray:
        """Pd of each detection's own look, for its hit increment: that of a target of its single-look
        RCS estimate ``sigma_ref (SNR / SNR_ref) (R / R_ref)^4`` at its measured range, at most
        ``TRACK_MAX_PD``.

        A strong return counts more than one that barely crossed the threshold; since the detection's
        SNR exceeds ``T - 1`` this Pd is at least ``exp(-1)`` for the Swerling 1 case, so a hit always
        raises the score.
        """
        spec = self.geometry[radar].spec
        range_m = np.maximum(range_m, _MIN_RANGE_M)
        return _measurement_pd(spec, snr_db, range_m, _per_m2_db(spec, range_m))

    def step(
        self,
        radar: int,
        time_s: float,
        z: FloatArray,
        cov: FloatArray,
        snr_db: FloatArray,
        range_m: FloatArray,
        *,
        stamp_col: int = -1,
        to_frame: tuple[FloatArray, FloatArray] | None = None,
    ) -> StepResult:
        """Hand one scan of this radar to the tracker, each look weighed by its detection probability,
        and fold the detections' RCS estimates into the tracks they updated or started (and stamp
        ``time_s`` in their column ``stamp_col`` of the per-track rows, when >= 0). ``to_frame``: the
        rotation and offset (:func:`samsim.geodesy.frame_map`) that take ``z`` and ``cov``, measured
        in another local frame, into the picture's.

        One compiled call (:func:`_post_step`) for the figures of :meth:`track_pd`,
        :meth:`measurement_pd` and :meth:`measurement_log_rcs` (the route :meth:`_step_general`
        takes; :func:`_scan_figures`: the same tracks in view, the same figures to rounding),
        the tracker's step and the per-track rows that follow it."""
        if to_frame is not None:
            z, cov = self._into_frame(z, cov, *to_frame)
        c = self._constants(radar)
        if c is None:  # a Swerling case the compiled route does not cover
            return self._step_general(radar, time_s, z, cov, snr_db, range_m, stamp_col)
        self._sync()
        n, k = self._aux_ids.size, snr_db.size
        if self._mask.size < n or self._meas_figures.shape[1] < k:
            self._mask, self._pd_track, self._meas_figures = _scan_buffers(
                max(2 * n, self._mask.size), max(2 * k, self._meas_figures.shape[1])
            )
        if self._meas_rows.shape[1] < k:
            self._meas_rows = np.empty((2, 2 * k), dtype=np.int64)
        self._reserve(n + k)  # the rows after the step
        tr = self.tracker
        mask, pd_track = self._mask[:n], self._pd_track[:n]
        want = self._flying_ids()
        if self._found.size < want.size:
            self._found = np.empty(2 * want.size, dtype=np.bool_)
        rules = tr.rule_constants_for(self.radar_coast_s[radar])
        status, result, count, packed = _post_step(
            *tr.kernel_head(time_s, k),
            rules,
            tr.gate,
            tr.max_compiled_cells,
            z,
            cov,
            snr_db,
            range_m,
            c.geo,
            c.radio,
            self._aux,
            c.band_col,
            self._nb,
            mask,
            pd_track,
            self._meas_figures,
            self._aux_ids,
            self._aux_default,
            (c.variance, c.col_engaged, stamp_col),
            self._meas_rows,
            want,
            self._found,
        )
        if status == 3:  # a track at an elevation limit or the horizon: NumPy's angles decide
            return self._step_general(radar, time_s, z, cov, snr_db, range_m, stamp_col)
        # the tracker's checks hold by construction: finite (k, 3) z and (k, 3, 3) cov from the
        # sensing layer, pd_track and pd_meas in [0, TRACK_MAX_PD]
        figures = self._meas_figures[:, :k]
        done = tr.kernel_tail(result, time_s, k)
        if done is None:  # the tracker finishes the step itself: the rows follow it here
            res = tr.finish_step(status, result[3], time_s, z, cov, mask, pd_track, figures[0], True, rules)
            self._after_tracker_step(
                res, _Fold(figures[1], c.variance, c.band_col, c.col_engaged, stamp_col, time_s)
            )
            return res
        n_new, both = result[1], result[3]
        self._aux_ids = both[both.size - n_new :]  # the new ids, after the step's result
        self._aux_step = tr.step_count
        self._keep_engaged(want, self._found[: want.size], packed, time_s)
        self._after_rows(done, count)
        return done

    def _into_frame(
        self, z: FloatArray, cov: FloatArray, rot: FloatArray, off: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """:func:`_into_frame` into reused buffers, valid until the next step."""
        k = z.shape[0]
        if self._frame_z.shape[0] < k:
            self._frame_z, self._frame_cov = np.empty((2 * k, 3)), np.empty((2 * k, 3, 3))
        z_out, cov_out = self._frame_z[:k], self._frame_cov[:k]
        _into_frame(z, cov, rot, off, z_out, cov_out)
        return z_out, cov_out

    def _after_tracker_step(self, res: StepResult, fold: _Fold | None = None) -> None:
        """Align the rows after a step of the tracker made from this radar's scan (folding in its RCS
        estimates, ``fold``), keep the engaged tracks' estimates, and find the rows its measurements
        updated (``_last_step``)."""
        self._after_rows(res, self._follow_step(res, fold))

    def _after_rows(self, res: StepResult, count: int) -> None:
        """After the rows followed a step of the tracker made from a radar's scan: its first echo
        measures a jam-strobe track's RCS; the step's ``count`` updated rows (``_meas_rows``) are the
        ones :meth:`_rows_updated_by` gives."""
        if self.jam_only:  # a track's first echo: its RCS is now measured
            self.jam_only.difference_update(res.track_of_measurement.tolist())
        # views of the buffer, read before this picture's next step
        self._last_step = (res, self._meas_rows[0, :count], self._meas_rows[1, :count])

    def _step_general(
        self,
        radar: int,
        time_s: float,
        z: FloatArray,
        cov: FloatArray,
        snr_db: FloatArray,
        range_m: FloatArray,
        stamp_col: int = -1,
    ) -> StepResult:
        """:meth:`step` through :meth:`track_pd` and the range equation's NumPy route, for any
        Swerling case and any geometry."""
        in_view, pd_track = self.track_pd(radar, time_s)  # aligns the rows (_sync) too
        spec = self.geometry[radar].spec
        range_m = np.maximum(range_m, _MIN_RANGE_M)
        per_m2_db = _per_m2_db(spec, range_m)  # one range-equation evaluation for both estimates
        pd_meas = _measurement_pd(spec, snr_db, range_m, per_m2_db)
        looked = self._looked(radar, in_view)
        res = self.tracker.step_unchecked(
            time_s, z, cov, looked, pd_track, pd_meas, tentative_coast_s=self.radar_coast_s[radar]
        )
        self._after_tracker_step(res)
        meas, rows = self._last_step[1:]
        if rows.size:
            log_rcs, variance = _measurement_log_rcs(spec, snr_db[meas], per_m2_db[meas])
            b, nb, aux = self._band_col[radar], self._nb, self._aux
            aux[rows, b] += log_rcs
            aux[rows, nb + b] += variance
            aux[rows, 2 * nb + b] += 1.0
            if spec.role == "engagement":
                aux[rows, self._col_engaged] = time_s
            if stamp_col >= 0:
                aux[rows, stamp_col] = time_s
        return res

    def _constants(self, radar: int) -> _RadarConstants | None:
        """This radar's figures for :meth:`step`, worked out once per geometry (a battery that moves
        gets new geometry); None for a Swerling case :meth:`step`'s compiled route does not cover."""
        geom = self.geometry[radar]
        held = self._radar_constants[radar]
        if held is not None and held[0] is geom:
            return held[1]
        spec = geom.spec
        made: _RadarConstants | None = None
        if spec.swerling in (1, 3):
            k = geom.refraction_k
            geo = np.array(
                [
                    *geom.enu_m,
                    spec.max_range_m * _REACH_MARGIN,
                    self.frame.alt_m,
                    self.horizon_ref_alt_m,
                    spec.max_range_m,
                    np.radians(spec.min_elevation_deg),
                    np.radians(spec.max_elevation_deg),
                    geom.antenna_height_m,
                    float(horizon.horizon_central_angle_rad(float(geom.antenna_height_m), float(k))),
                    float(k) * MEAN_EARTH_RADIUS_M,
                    *_tangent_bounds(np.radians(spec.min_elevation_deg), np.radians(spec.max_elevation_deg)),
                ],
                dtype=np.float64,
            )
            shift, variance = _LOG_CHI2[spec.swerling == 1]
            k_m4 = 10.0 ** (reference_snr_db(spec) / 10.0) * float(spec.ref_range_m) ** 4 / spec.ref_rcs_m2
            radio = np.array(
                [k_m4, math.log(spec.pfa), shift, 1.0 if spec.swerling == 1 else 0.0], dtype=np.float64
            )
            made = _RadarConstants(
                geo=geo,
                band_col=self._band_col[radar],
                radio=radio,
                variance=variance,
                col_engaged=self._col_engaged if spec.role == "engagement" else -1,
            )
        self._radar_constants[radar] = (geom, made)
        return made

    def _rows_updated_by(self, res: StepResult) -> IntArray:
        """The rows of the tracks a step's measurements updated or started and that it kept."""
        last_res, _, rows = self._last_step
        return rows if last_res is res else self._updated_rows(res.track_of_measurement)[1]

    def _updated_rows(self, track_of_measurement: IntArray) -> tuple[IntArray, IntArray]:
        """The measurements of a step that updated or started a track still held after it (a
        tentative track may be deleted by the step that updated it), and the rows of those tracks."""
        self._sync()
        return _held_rows(np.asarray(track_of_measurement, dtype=np.int64), self._aux_ids)

    def step_fix(self, time_s: float, z: FloatArray, cov: FloatArray) -> StepResult:
        """Hand position fixes triangulated from jam strobes (:mod:`samsim.sim.strobes`, in this
        picture's frame) to the tracker. No radar looked, so no track counts a miss; a fix counts as a
        hit at ``TRACK_MAX_PD`` (strobes above the threshold are not in doubt). A track a fix starts
        is known only from its jamming: it has no RCS estimate in any band, so no radar expects to
        see it and the jammed radars' misses do not delete it, until an echo updates it."""
        self._sync()
        before = self._aux_ids
        echoed = self._aux[: before.size, 2 * self._nb : 3 * self._nb].sum(axis=1) > 0.0
        n = before.size
        res = self.tracker.step(
            time_s,
            z,
            cov,
            np.zeros(n, dtype=bool),
            pd_track=np.zeros(n),
            pd_meas=np.full(z.shape[0], TRACK_MAX_PD),
        )
        # its rows, as _updated_rows would find them (and no earlier step's: the buffer is reused)
        count = self._follow_step(res)
        self._last_step = (res, self._meas_rows[0, :count], self._meas_rows[1, :count])
        track_of = res.track_of_measurement
        fixed = track_of[track_of >= 0]
        if fixed.size:
            row = np.minimum(np.searchsorted(before, fixed), max(before.size - 1, 0))
            known = (before[row] == fixed) & echoed[row] if before.size else np.zeros(fixed.size, dtype=bool)
            self.jam_only.update(fixed[~known].tolist())
        return res

    def engagement_update_times_s(self, track_ids: IntArray) -> FloatArray:
        """When an engagement radar last detected each track (-inf: never, or not a current track). A
        battery fires only at tracks its engagement radar holds: an early-warning radar's track has no
        fire-control quality."""
        rows, found = self._rows_of(np.asarray(track_ids, dtype=np.int64))
        return np.where(found, self._aux[rows, self._col_engaged], -np.inf)

    @property
    def engaged_estimates(self) -> dict[int, TrackEstimate]:
        """Track id -> the latest estimate of every track interceptors are flying at (as of the last
        step; a track deleted by a step keeps its estimate of the step before, for :meth:`forget`)."""
        pending = self._pending
        if pending is not None:
            ids, mean, cov, prob, time_s = self._pending_rows(pending)
            q = prob @ _Q_MODES  # as _process_noise
            estimates = self._estimates
            for j, i in enumerate(ids):
                estimates[i] = TrackEstimate(mean[j], cov[j], time_s, float(q[j]))
            self._pending = None
        return self._estimates

    def _note_engaged(self) -> None:
        """Keep the latest estimate of every track interceptors are flying at (a track deleted in this
        step keeps its estimate of the step before, for :meth:`forget`). The estimates of the tracks
        still held are kept as rows, made into :class:`TrackEstimate` only when read."""
        want = self._flying_ids()
        view = self.tracker.view()
        found, mean, cov, prob = _held_estimates(view.ids, want, view.mean, view.cov, view.prob)
        self._keep_engaged(want, found, _packed_estimates(mean, cov, prob))

    def _pending_rows(
        self, pending: tuple[list[int], FloatArray, float]
    ) -> tuple[list[int], FloatArray, FloatArray, FloatArray, float]:
        """The ids, means, covariances, mode probabilities and time of ``pending`` (``_pending``)."""
        ids, packed, time_s = pending
        return (ids, *_unpacked_estimates(packed, *self._estimate_dims), time_s)

    def _keep_engaged(
        self,
        want: IntArray,
        found: BoolArray,
        packed: FloatArray,
        time_s: float | None = None,
    ) -> None:
        """:meth:`_note_engaged` given :func:`_held_estimates` of the tracks under fire ``want``
        (which are held, ``found``, and their estimates, ``packed`` by :func:`_packed_estimates`), as
        of ``time_s`` (None: :attr:`estimate_s`, the tracker's last step)."""
        if want.size == 0:
            self._estimates.clear()
            self._pending = None
            return
        if time_s is None:
            time_s = self.estimate_s
        held = packed.size // self._estimate_size
        if held == want.size:  # all still held: nothing carried
            self._estimates = {}
            self._pending = (
                self._under_fire_list if want is self._under_fire_ids else want.tolist(),
                packed,
                time_s,
            )
            return
        carried: dict[int, TrackEstimate] = {}
        if held < want.size:  # the flying tracks no longer held keep the estimate they had
            gone = want[~found].tolist()
            old = self._estimates
            carried = {i: old[i] for i in gone if i in old}
            just_deleted = set(gone) - carried.keys()
            pending = self._pending
            if pending is not None and just_deleted and not just_deleted.isdisjoint(pending[0]):
                # held at the step before: from its rows
                p_ids, p_mean, p_cov, p_prob, p_time_s = self._pending_rows(pending)
                q = p_prob @ _Q_MODES  # as engaged_estimates, over the same rows
                for j, i in enumerate(p_ids):
                    if i in just_deleted:
                        carried[i] = TrackEstimate(p_mean[j], p_cov[j], p_time_s, float(q[j]))
        self._estimates = carried
        if held == 0:
            self._pending = None
            return
        self._pending = (want[found].tolist(), packed, time_s)

    def _flying_ids(self) -> IntArray:
        """The tracks interceptors are flying at (an engagement with interceptors in flight), in the
        order their engagements began; found again only when an engagement was touched."""
        flying = self.memory.engagements.under_fire(self._under_fire)
        if flying is not None and flying != self._under_fire:
            self._under_fire = flying
            self._under_fire_ids = np.array(flying, dtype=np.int64)
            self._under_fire_list = self._under_fire_ids.tolist()  # _keep_engaged's, as Python ints
        return self._under_fire_ids

    def _process_noise(self, rows: IntArray) -> FloatArray:
        """Each of these tracker rows' process-noise intensity: its IMM modes' weighed by their
        probabilities (moment matching of the mixture)."""
        return np.asarray(self.tracker.view().prob[rows] @ _Q_MODES, dtype=np.float64)

    def _predicted_rows(self, rows: IntArray, time_s: float) -> tuple[FloatArray, FloatArray]:
        """Positions and their covariances of these tracker rows predicted to ``time_s``."""
        view = self.tracker.view()
        dt = np.full(rows.size, time_s - self.estimate_s)
        return predict_position(view.mean[rows], view.cov[rows], dt, self._process_noise(rows))

    def hand_over(self, time_s: float) -> list[tuple[int, int]]:
        """Hand the engagements of lost tracks (deleted while interceptors flew at them) over to the
        firm, unengaged tracks that continue them (:func:`samsim.c2.handover.hand_over`, gated at
        ``TRACK_GATE``), both predicted to ``time_s``. Returns the ``(lost, new)`` track pairs; the
        interceptors in flight at a lost track are re-pointed by the caller."""
        mem = self.memory
        # read without touching (battery.Engagements): nothing here changes an engagement's interceptors
        for i in [i for i in mem.lost if dict.__getitem__(mem.engagements, i).in_flight <= 0]:
            del mem.lost[i]
        view = self.tracker.view()
        if not mem.lost or view.ids.size == 0:
            return []
        # the firm tracks first, then which of them are free: the few firm ones asked, not every track
        firm = np.flatnonzero(view.confirmed)
        engagements, destroyed = mem.engagements, mem.destroyed
        free = [i not in engagements and i not in destroyed for i in view.ids[firm].tolist()]
        cand = firm[np.array(free, dtype=bool)] if free else firm
        if cand.size == 0:
            return []
        lost_ids = list(mem.lost)
        lost = [mem.lost[i] for i in lost_ids]
        # the predictions and the test only when a cheap bound leaves some firm track near a lost one
        # (most cycles: none, and then no track continues one)
        if not may_pass_gate(
            view.mean,
            view.cov,
            cand,
            time_s - self.estimate_s,
            self._process_noise(cand),
            np.array([e.mean for e in lost]),
            np.array([e.cov for e in lost]),
            time_s - np.array([e.time_s for e in lost]),
            np.array([e.q_m2ps3 for e in lost]),
            TRACK_GATE**2,
        ).any():
            return []
        lost_pos, lost_cov = _predicted(lost, time_s)
        new_pos, new_cov = self._predicted_rows(cand, time_s)
        match = hand_over(lost_pos, lost_cov, new_pos, new_cov, TRACK_GATE)
        pairs = []
        for old, j in zip(lost_ids, match.tolist(), strict=True):
            if j >= 0:
                new = int(view.ids[cand[j]])
                mem.engagements[new] = mem.engagements.pop(old)
                del mem.lost[old]
                pairs.append((old, new))
        if pairs:
            self._note_engaged()
        return pairs

    def _engaged_states(self) -> tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """The track ids of :attr:`engaged_estimates`, then the means, covariances, times and process
        noises of those estimates followed by the lost tracks' (``memory.lost``), in that order: the
        estimates still held are read from their rows, not made into :class:`TrackEstimate` first."""
        carried = list(self._estimates.values())
        lost = list(self.memory.lost.values())
        ids = list(self._estimates)
        means, covs = [e.mean for e in carried], [e.cov for e in carried]
        times, qs = [e.time_s for e in carried], [e.q_m2ps3 for e in carried]
        pending = self._pending
        if pending is not None:  # as engaged_estimates would make them, after those carried
            p_ids, p_mean, p_cov, p_prob, p_time_s = self._pending_rows(pending)
            ids += p_ids
            means += list(p_mean)
            covs += list(p_cov)
            times += [p_time_s] * len(p_ids)
            qs += (p_prob @ _Q_MODES).tolist()
        means += [e.mean for e in lost]
        covs += [e.cov for e in lost]
        times += [e.time_s for e in lost]
        qs += [e.q_m2ps3 for e in lost]
        return (
            np.array(ids, dtype=np.int64),
            np.array(means, dtype=np.float64).reshape(-1, 6),
            np.array(covs, dtype=np.float64).reshape(-1, 6, 6),
            np.array(times, dtype=np.float64),
            np.array(qs, dtype=np.float64),
        )

    def duplicates(self, track_ids: IntArray, time_s: float) -> BoolArray:
        """Which of these tracks (not themselves under fire) may be a second track of a target that
        interceptors are already flying at: its estimate and that of a track under fire (or of a lost
        one not handed over) pass the track-to-track test (:func:`samsim.c2.handover.track_distance2`)
        at ``TRACK_GATE``, both predicted to ``time_s``. A post does not fire a second salvo at a
        target it cannot tell apart from one it is engaging; the test widens with a coasting track's
        uncertainty, where a fixed distance would not."""
        out = np.zeros(track_ids.size, dtype=bool)
        held, mean, cov, when_s, q = self._engaged_states()
        if mean.shape[0] == 0 or track_ids.size == 0:
            return out
        row = np.searchsorted(self.tracker.view().ids, track_ids)
        cand = np.flatnonzero(~_among(track_ids, held))
        if cand.size == 0:
            return out
        dt = time_s - when_s
        view = self.tracker.view()
        # the test itself only when a cheap bound leaves some track near an engaged one (most
        # cycles: none, and then no track passes it)
        if not may_pass_gate(
            view.mean,
            view.cov,
            row[cand],
            time_s - self.estimate_s,
            self._process_noise(row[cand]),
            mean,
            cov,
            dt,
            q,
            TRACK_GATE**2,
        ).any():
            return out
        pos, cov_c = self._predicted_rows(row[cand], time_s)
        d2 = track_distance2(pos, cov_c, *predict_position(mean, cov, dt, q))
        out[cand] = np.any(d2 <= TRACK_GATE**2, axis=1)
        return out

    def forget(self, track_id: int) -> None:
        """A track was deleted: drop what the post knew about it; remember the last estimate of a
        track interceptors are flying at, for a hand-over."""
        # a deleted track's estimate is carried as a TrackEstimate (_note_engaged): no rows to make up
        pending = self._pending
        held = pending is not None and track_id in pending[0]
        estimate = (self.engaged_estimates if held else self._estimates).pop(track_id, None)
        eng = dict.get(self.memory.engagements, track_id)  # read without touching (battery.Engagements)
        if estimate is not None and eng is not None and eng.in_flight > 0:
            self.memory.lost[track_id] = estimate
        self.label.pop(track_id, None)
        self.jam_only.discard(track_id)  # its rows went with the tracker's (_follow_step)


class BatteryRuntime(TrackPicture):
    """What a battery holds during a run: its own air picture (its radars fused), its fire plan,
    runtime state and flight recorder."""

    def __init__(self, world: World, index: int):
        self.index = index
        self.battery: CompiledBattery = world.batteries[index]
        geometry = [radar_geometry(world, self.battery, k) for k in range(len(self.battery.radars.ids))]
        super().__init__(
            self.battery.id, self.battery.frame, geometry, world.horizon_ref_alt_m, world.assets.ecef_m
        )
        self.plan: FirePlan = fire_plan(world, self.battery, self.geometry)
        self.state: BatteryState = initial_state(world, self.battery)
        self.recorder = FlightRecorder()
        self.doctrine: CommandDoctrine = battery_command_doctrine(self.plan)

    def holds(self, t: float) -> BoolArray:
        """Over the firm tracks of its own picture, those the battery may fire at (its fire unit's
        ``holds``): updated by its engagement radar within :data:`~samsim.sim.battery.ENGAGE_MAX_AGE_S`
        (an early-warning radar's track has no fire-control quality), or known only from their
        jamming (for home-on-jam missiles)."""
        view = self.tracker.view()
        firm_ids = view.ids[view.confirmed]
        fresh = t - self.engagement_update_times_s(firm_ids) <= ENGAGE_MAX_AGE_S
        if not self.jam_only:  # no track known only from jamming
            return np.asarray(fresh, dtype=np.bool_)
        jam_only = np.array([i in self.jam_only for i in firm_ids.tolist()], dtype=bool)
        return np.asarray(fresh | jam_only, dtype=np.bool_)
