"""Deception jamming: range-gate pull-off and DRFM false targets, and the ECCM that resist them.

A repeater jammer on the target receives each radar pulse and sends it back, stronger than the skin
echo (jammer-to-signal ratio J/S > 0 dB). **Range-gate pull-off (RGPO)**: the repeater first sends
its copy on top of the echo (the radar's range gate, which centres itself on the strongest return in
it, is *captured*), then delays the copy more and more, ``Delta R(t) = a (t - t_h)^2 / 2`` after a
hold ``t_h`` — the gate follows the stronger false return and walks off the target at the
programmed pull-off acceleration ``a``; once the gate is far enough away the jammer stops, the gate
is empty and the radar must re-acquire (and the cycle starts again). **DRFM false targets**: a
digital RF memory stores the pulse and replays it coherently at chosen delays, making false
echoes at ranges behind the jammer that the radar's processing cannot tell from echoes.

ECCM: *leading-edge tracking* centres the range gate on the leading edge of the return, so a copy
that is delayed (pulled off) never moves it; *pulse compression* gives a matched echo the
compression gain ``10 log10(B tau)`` that a non-coherent repeater's copy does not get (a DRFM copy,
being coherent, does); *frequency agility* changes the carrier pulse to pulse, which a set-on
(non-DRFM) repeater cannot follow — it gets no copy into the receiver — while a DRFM, which stores
the actual pulse, still can, but only *after* it has received it, i.e. behind the true echo.

**Velocity-gate pull-off (VGPO)** against a pulse-Doppler tracker: the copy first sits on the echo's
Doppler (capturing the velocity gate), then its Doppler shift walks off linearly,
``Delta v(t) = a_v (t - t_h)`` after the hold, up to a maximum, and the jammer stops. A pulse-Doppler
radar predicts its range gate from the velocity gate between looks (velocity-aided range tracking), so
a captured velocity gate drags the range gate by the integral of the pulled velocity,
``Delta R(t) = a_v (t - t_h)^2 / 2`` — a position walk the position-only tracker of a battery sees.
ECCM: a *range-rate consistency check* compares the velocity gate with the range rate obtained by
differencing the (unaided, leading-edge) range over one update interval ``T``; its standard deviation
is ``sqrt(2) sigma_R / T``, and the check declares the pull-off once ``Delta v`` exceeds ``k`` of them,
``t_d = t_h + k sqrt(2) sigma_R / (T a_v)``; the radar then re-acquires the echo's Doppler and the
walk is lost until the jammer's next cycle. Leading-edge range tracking does not help against VGPO
(the copy is not delayed).

**Cross-eye** (angle deception against monopulse): two repeater antennas a distance ``L`` apart (wing
tips) retransmit the pulse with amplitude ratio ``a`` and phase difference ``phi`` (near 180 deg, in a
retrodirective loop so that the two paths are matched). The radar's monopulse ratio of the two-source
return indicates, relative to their midpoint, ``theta_i = (theta_e / 2) (1 - a^2) / (1 + a^2 + 2 a cos
phi)`` with ``theta_e = L_perp / R`` the sources' angular separation — far outside the target when
``a -> 1`` and ``phi -> 180 deg``; the skin echo dilutes it by ``J/S / (1 + J/S)``, and the linear
monopulse region bounds it (half a beamwidth).

References
----------
D. C. Schleher, *Electronic Warfare in the Information Age*, Artech House, 1999, ch. 4
    (deception ECM: RGPO, VGPO, false targets; ECCM against them).
F. Neri, *Introduction to Electronic Defense Systems*, 2nd ed., SciTech, 2006 (range-gate
    pull-off programme, leading-edge tracking, DRFM).
A. Farina, "Electronic counter-countermeasures", ch. 24 of M. I. Skolnik (ed.), *Radar Handbook*,
    3rd ed., McGraw-Hill, 2008 (leading-edge tracking, frequency agility, pulse compression).
E. Brookner, *Tracking and Kalman Filtering Made Easy*, Wiley, 1998, ch. 1 (alpha-beta filter).
W. P. du Plessis, J. W. Odendaal, J. Joubert, "Extended analysis of retrodirective cross-eye
    jamming", *IEEE Trans. Antennas and Propagation* 57(9), 2803-2806, 2009 (cross-eye angle error).
S. M. Sherman, D. K. Barton, *Monopulse Principles and Techniques*, 2nd ed., Artech House, 2011
    (monopulse ratio of unresolved sources, linear region).
S. A. Vakin, L. N. Shustov, R. H. Dunwell, *Fundamentals of Electronic Warfare*, Artech House, 2001
    (range and velocity gate pull-off, range-rate/Doppler consistency check).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from samsim.arrays import BoolArray, FloatArray


class RadarEccm(NamedTuple):
    """A radar's counter-countermeasures against deception (catalog figures).

    Attributes
    ----------
    leading_edge_tracking : the range gate follows the leading edge of the return.
    frequency_agility : the carrier hops pulse to pulse.
    pulse_compression_db : compression gain ``10 log10(B tau)`` of the radar's waveform, dB.
    velocity_gate : the radar tracks in a Doppler velocity gate that aids its range gate (a
        pulse-Doppler tracker): VGPO applies.
    range_rate_check : it compares the velocity gate with the differenced range (VGPO detection).
    """

    leading_edge_tracking: bool
    frequency_agility: bool
    pulse_compression_db: float
    velocity_gate: bool = False
    range_rate_check: bool = False


def _f64(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def effective_js_db(js_db: ArrayLike, eccm: RadarEccm, drfm: bool) -> FloatArray:
    """J/S after the radar's processing, dB (``-inf``: the repeater's copy never gets in).

    A coherent (DRFM) copy is compressed like the echo; a non-coherent repeater's copy loses the
    compression gain; a set-on repeater cannot follow a frequency-agile radar (Schleher 1999, ch. 4;
    Farina 2008).
    """
    js = _f64(js_db)
    if drfm:
        return js
    if eccm.frequency_agility:
        return np.full_like(js, -np.inf)
    return np.asarray(js - eccm.pulse_compression_db, dtype=np.float64)


def rgpo_offset_m(time_s: ArrayLike, hold_s: float, pull_mps2: float, max_offset_m: float) -> FloatArray:
    """Range offset of the pull-off copy ``time_s`` after the jammer starts a cycle: 0 during the
    hold, then ``a (t - t_h)^2 / 2`` up to ``max_offset_m`` (the jammer then stops: the cycle lasts
    ``t_h + sqrt(2 max / a)``) (Neri 2006; Schleher 1999, ch. 4)."""
    t = np.maximum(_f64(time_s) - hold_s, 0.0)
    return np.asarray(np.minimum(0.5 * pull_mps2 * t**2, max_offset_m), dtype=np.float64)


def rgpo_cycle_s(hold_s: float, pull_mps2: float, max_offset_m: float) -> float:
    """Length of one RGPO cycle: the hold plus the walk-off to ``max_offset_m``."""
    return float(hold_s + np.sqrt(2.0 * max_offset_m / pull_mps2))


def gate_captured(js_eff_db: ArrayLike, eccm: RadarEccm, capture_js_db: float) -> BoolArray:
    """Whether the pull-off copy captures the range gate: it must be stronger than the echo by
    ``capture_js_db`` after processing, and the radar must not track the leading edge (a delayed copy
    lies behind it) (Schleher 1999, ch. 4; Farina 2008)."""
    return np.asarray((_f64(js_eff_db) >= capture_js_db) & (not eccm.leading_edge_tracking), dtype=np.bool_)


def range_gate_track(
    time_s: ArrayLike,
    target_range_m: ArrayLike,
    false_range_m: ArrayLike,
    js_db: float,
    gate_halfwidth_m: float,
    alpha: float,
    beta: float,
    leading_edge: bool,
) -> FloatArray:
    """Range-gate tracker (alpha-beta filter) on an echo and a repeater's copy: the gate positions.

    Each look the gate measures the centroid of the power in it — the echo (power 1) and the copy
    (power ``10^(J/S/10)``) where each lies within ``gate_halfwidth_m`` of the predicted gate centre
    — or, with leading-edge tracking, the range of the earliest return in it. An empty gate coasts.

    Parameters
    ----------
    time_s : (n,) look times, s.
    target_range_m, false_range_m : (n,) echo and copy ranges, m (``nan``: no copy).
    js_db : J/S of the copy after processing, dB.
    gate_halfwidth_m : half-width of the range gate, m.
    alpha, beta : alpha-beta gains (Brookner 1998, ch. 1).
    leading_edge : leading-edge tracking.

    Returns
    -------
    numpy.ndarray
        (n,) gate centre after each look, m.
    """
    t, r_true, r_false = _f64(time_s), _f64(target_range_m), _f64(false_range_m)
    js = 10.0 ** (js_db / 10.0)
    pos, vel = float(r_true[0]), 0.0
    out = np.empty(t.size)
    out[0] = pos
    for i in range(1, t.size):
        dt = float(t[i] - t[i - 1])
        pred = pos + vel * dt
        in_true = abs(r_true[i] - pred) <= gate_halfwidth_m
        in_false = bool(np.isfinite(r_false[i])) and abs(r_false[i] - pred) <= gate_halfwidth_m
        if leading_edge and (in_true or in_false):
            z = min(r for r, ok in ((r_true[i], in_true), (r_false[i], in_false)) if ok)
        elif in_true or in_false:
            w_true, w_false = float(in_true), js * float(in_false)
            z = (w_true * r_true[i] + w_false * (r_false[i] if in_false else 0.0)) / (w_true + w_false)
        else:
            pos, out[i] = pred, pred
            continue
        resid = z - pred
        pos = pred + alpha * resid
        vel = vel + beta * resid / dt
        out[i] = pos
    return out


def vgpo_offset_mps(time_s: ArrayLike, hold_s: float, pull_mps2: float, max_offset_mps: float) -> FloatArray:
    """Doppler (range-rate) offset of the VGPO copy ``time_s`` into a cycle: 0 during the hold, then
    ``a_v (t - t_h)`` up to ``max_offset_mps`` (Schleher 1999, ch. 4; Vakin et al. 2001)."""
    t = np.maximum(_f64(time_s) - hold_s, 0.0)
    return np.asarray(np.minimum(pull_mps2 * t, max_offset_mps), dtype=np.float64)


def vgpo_cycle_s(hold_s: float, pull_mps2: float, max_offset_mps: float) -> float:
    """Length of one VGPO cycle: the hold plus the walk-off to ``max_offset_mps``."""
    return float(hold_s + max_offset_mps / pull_mps2)


def vgpo_detect_s(pull_mps2: float, sigma_range_m: float, update_s: float, k_sigma: float) -> float:
    """Time after the hold at which a range-rate consistency check declares a velocity-gate pull-off:
    the differenced range over ``update_s`` has ``sigma = sqrt(2) sigma_R / T``, and the check trips
    when the pulled Doppler exceeds ``k_sigma`` of it, ``k sqrt(2) sigma_R / (T a_v)`` (Farina 2008;
    Vakin et al. 2001)."""
    return float(k_sigma * np.sqrt(2.0) * sigma_range_m / (update_s * pull_mps2))


def vgpo_range_walk_m(
    time_s: ArrayLike,
    hold_s: float,
    pull_mps2: float,
    max_offset_mps: float,
    detect_s: float = np.inf,
) -> FloatArray:
    """Range walk of a velocity-aided range gate whose velocity gate a VGPO copy holds, ``time_s``
    into a cycle: the integral of the pulled Doppler, ``a_v (t - t_h)^2 / 2`` until the walk-off ends
    at ``max_offset_mps``; zero once a consistency check trips ``detect_s`` after the hold (the radar
    re-acquires the echo) (Schleher 1999, ch. 4)."""
    tau = np.maximum(_f64(time_s) - hold_s, 0.0)
    t_end = max_offset_mps / pull_mps2
    walk = 0.5 * pull_mps2 * np.minimum(tau, t_end) ** 2
    return np.asarray(np.where(tau < detect_s, walk, 0.0), dtype=np.float64)


def velocity_gate_track(
    time_s: ArrayLike,
    target_rate_mps: ArrayLike,
    false_rate_mps: ArrayLike,
    js_db: float,
    gate_halfwidth_mps: float,
    alpha: float,
    beta: float,
) -> FloatArray:
    """Velocity-gate tracker on an echo's Doppler and a VGPO copy's: the gate's range rate after each
    look, m/s. The same split-gate alpha-beta loop as :func:`range_gate_track` in the Doppler domain
    (power centroid of the returns in the gate; there is no leading edge in Doppler)."""
    return range_gate_track(
        time_s, target_rate_mps, false_rate_mps, js_db, gate_halfwidth_mps, alpha, beta, leading_edge=False
    )


def cross_eye_error_rad(separation_rad: ArrayLike, amplitude_ratio: float, phase_rad: float) -> FloatArray:
    """Angle a monopulse radar indicates for a two-source cross-eye jammer, relative to the sources'
    midpoint, toward the stronger source: ``(theta_e / 2) (1 - a^2) / (1 + a^2 + 2 a cos phi)``
    (du Plessis et al. 2009; Neri 2006; Schleher 1999, ch. 4)."""
    a = float(amplitude_ratio)
    gain = (1.0 - a**2) / (1.0 + a**2 + 2.0 * a * np.cos(phase_rad))
    return np.asarray(0.5 * _f64(separation_rad) * gain, dtype=np.float64)


def cross_eye_bias_rad(
    separation_rad: ArrayLike, amplitude_ratio: float, phase_rad: float, js_db: float, beamwidth_rad: float
) -> FloatArray:
    """Angle error of a monopulse measurement of a target carrying a cross-eye jammer: the two-source
    error diluted by the skin echo, ``J/S / (1 + J/S)`` (power-weighted), and held within the linear
    monopulse region, half a beamwidth (Schleher 1999, ch. 4; Sherman & Barton 2011)."""
    js = 10.0 ** (js_db / 10.0)
    err = cross_eye_error_rad(separation_rad, amplitude_ratio, phase_rad) * js / (1.0 + js)
    half = 0.5 * beamwidth_rad
    return np.asarray(np.clip(err, -half, half), dtype=np.float64)
