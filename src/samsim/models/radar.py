"""Radar detection physics: range equation, detection probability, false alarms, measurement noise.

Pure, vectorised functions on numpy arrays (broadcasting over every argument unless stated). The
engine composes them; nothing here knows about scenarios.

Conventions
-----------
* ``snr`` (no unit suffix) is a linear power ratio; ``*_db`` is 10 log10 of it.
* Detection is for a single look (one dwell, n = 1 after any coherent integration) with a square-law
  envelope detector and a fixed threshold set for false-alarm probability ``pfa`` per resolution cell.
  For a single sample the linear and square-law detectors are the same test (one is a monotone
  function of the other), so Albersheim's linear-detector fit applies too.
* The threshold on the noise-normalised statistic is ``T = -ln(pfa)`` (exponential noise power).
* Swerling cases: 0 = non-fluctuating; 1 = Rayleigh amplitude (chi-square, 2 d.o.f. power) scan to
  scan; 3 = one dominant plus Rayleigh (chi-square, 4 d.o.f. power) scan to scan. For one look,
  Swerling 2 equals 1 and Swerling 4 equals 3.

References
----------
M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed., McGraw-Hill, 2001, ch. 2.
M. A. Richards, *Fundamentals of Radar Signal Processing*, McGraw-Hill, 2005, ch. 6.
B. R. Mahafza, *Radar Systems Analysis and Design Using MATLAB*, 3rd ed., CRC, 2013.
D. K. Barton, *Radar Equations for Modern Radar*, Artech House, 2013.
P. Swerling, "Probability of detection for fluctuating targets", IRE Trans. IT-6(2), 1960.
J. I. Marcum, "A statistical theory of target detection by pulsed radar", IRE Trans. IT-6(2), 1960.
W. J. Albersheim, "A closed-form approximation to Robertson's detection characteristics",
    Proc. IEEE 69(7), p. 839, 1981.
D. A. Shnidman, "Determination of required SNR values", IEEE Trans. AES 38(3), pp. 1059-1064, 2002.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.constants import BOLTZMANN_J_PER_K, REFERENCE_TEMPERATURE_K, SPEED_OF_LIGHT_MPS
from samsim.models import _frames_kernels, _radar_kernels

"""Standard noise reference temperature T0 (IEEE Std 145 / Skolnik 2001 ch. 2)."""

SWERLING_CASES = (0, 1, 3)

# Q1(a, b) >= 1 - 1e-16 once a - b > 8.5 (Gaussian tail of the Rician envelope), so those looks skip
# the comparatively slow noncentral chi-square evaluation.
_MARCUM_SATURATION_GAP = 8.5

_BISECTION_LOW_DB = -40.0
_BISECTION_HIGH_DB = 120.0
_BISECTION_STEPS = 64


def _f64(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def db_to_ratio(value_db: ArrayLike) -> FloatArray:
    """Power ratio from decibels, ``10 ** (x / 10)``.

    Parameters
    ----------
    value_db : array_like
        Power ratio in dB (``-inf`` gives 0).

    Returns
    -------
    numpy.ndarray
        Linear power ratio.

    References
    ----------
    Skolnik 2001, ch. 2 (decibel notation of the radar equation).
    """
    return np.asarray(np.power(10.0, _f64(value_db) / 10.0), dtype=np.float64)


def ratio_to_db(ratio: ArrayLike) -> FloatArray:
    """Decibels from a power ratio, ``10 log10(x)``.

    Parameters
    ----------
    ratio : array_like
        Linear power ratio (0 gives ``-inf`` without a warning).

    Returns
    -------
    numpy.ndarray
        Ratio in dB.

    References
    ----------
    Skolnik 2001, ch. 2 (decibel notation of the radar equation).
    """
    with np.errstate(divide="ignore"):
        return np.asarray(10.0 * np.log10(_f64(ratio)), dtype=np.float64)


# ---------------------------------------------------------------------------------------------------
# Radar range equation
# ---------------------------------------------------------------------------------------------------


def wavelength_m(frequency_hz: ArrayLike) -> FloatArray:
    """Free-space wavelength ``c / f``.

    Parameters
    ----------
    frequency_hz : array_like
        Carrier frequency, Hz.

    Returns
    -------
    numpy.ndarray
        Wavelength, m.

    References
    ----------
    Skolnik 2001, ch. 1.
    """
    return np.asarray(SPEED_OF_LIGHT_MPS / _f64(frequency_hz), dtype=np.float64)


def noise_power_dbw(noise_figure_db: ArrayLike, bandwidth_hz: ArrayLike) -> FloatArray:
    """Receiver thermal noise power ``k T0 F B`` referred to the antenna terminals.

    Parameters
    ----------
    noise_figure_db : array_like
        Receiver noise figure F, dB (system temperature taken as T0 F, antenna temperature T0).
    bandwidth_hz : array_like
        Receiver (matched-filter) noise bandwidth B, Hz.

    Returns
    -------
    numpy.ndarray
        Noise power, dBW.

    References
    ----------
    Skolnik 2001, ch. 2 (receiver noise, noise figure); Richards 2005, ch. 2.
    """
    k_t0 = BOLTZMANN_J_PER_K * REFERENCE_TEMPERATURE_K
    return np.asarray(
        ratio_to_db(k_t0 * _f64(bandwidth_hz)) + _f64(noise_figure_db),
        dtype=np.float64,
    )


def snr_db_radar_equation(
    range_m: ArrayLike,
    rcs_m2: ArrayLike,
    peak_power_w: ArrayLike,
    antenna_gain_db: ArrayLike,
    wavelength_m: ArrayLike,
    noise_figure_db: ArrayLike,
    bandwidth_hz: ArrayLike,
    losses_db: ArrayLike = 0.0,
) -> FloatArray:
    """Single-pulse SNR of a point target from the monostatic radar range equation.

    .. math:: \\mathrm{SNR} = \\frac{P_t G^2 \\lambda^2 \\sigma}{(4\\pi)^3 R^4\\, k T_0 F B\\, L}

    Parameters
    ----------
    range_m : array_like
        Target range R, m.
    rcs_m2 : array_like
        Radar cross-section sigma, m^2.
    peak_power_w : array_like
        Peak transmitted power Pt, W.
    antenna_gain_db : array_like
        Antenna gain G (transmit = receive), dBi.
    wavelength_m : array_like
        Wavelength lambda, m.
    noise_figure_db : array_like
        Receiver noise figure F, dB.
    bandwidth_hz : array_like
        Receiver noise bandwidth B, Hz.
    losses_db : array_like, optional
        Total system losses L, dB; default 0.

    Returns
    -------
    numpy.ndarray
        SNR, dB.

    References
    ----------
    Skolnik 2001, ch. 2 (the radar equation with receiver noise k T0 B Fn);
    Richards 2005, ch. 2; Mahafza 2013.
    """
    four_pi_cubed_db = 30.0 * np.log10(4.0 * np.pi)
    return np.asarray(
        ratio_to_db(peak_power_w)
        + 2.0 * _f64(antenna_gain_db)
        + 2.0 * ratio_to_db(wavelength_m)
        + ratio_to_db(rcs_m2)
        - four_pi_cubed_db
        - 4.0 * ratio_to_db(range_m)
        - noise_power_dbw(noise_figure_db, bandwidth_hz)
        - _f64(losses_db),
        dtype=np.float64,
    )


def snr_db_calibrated(
    range_m: ArrayLike,
    rcs_m2: ArrayLike,
    ref_range_m: ArrayLike,
    ref_rcs_m2: ArrayLike,
    ref_snr_db: ArrayLike,
) -> FloatArray:
    """SNR from the radar range equation anchored on a published detection range.

    Every factor of the range equation except sigma and R is a constant of the radar, so
    ``SNR ∝ sigma / R^4``; fixing ``SNR(ref_range, ref_rcs) = ref_snr`` gives

    .. math:: \\mathrm{SNR_{dB}} = \\mathrm{SNR_{ref,dB}} + 10\\log_{10}\\frac{\\sigma}{\\sigma_{ref}}
              - 40\\log_{10}\\frac{R}{R_{ref}}

    Use ``ref_snr_db = required_snr_db(ref_pd, pfa, swerling)`` to calibrate on "detects a
    ref_rcs target at ref_range with probability ref_pd".

    Parameters
    ----------
    range_m : array_like
        Target range, m.
    rcs_m2 : array_like
        Target radar cross-section, m^2.
    ref_range_m : array_like
        Published detection range, m.
    ref_rcs_m2 : array_like
        RCS that the published range refers to, m^2.
    ref_snr_db : array_like
        SNR at the published range for the reference RCS, dB.

    Returns
    -------
    numpy.ndarray
        SNR, dB (``-inf`` for zero RCS).

    References
    ----------
    Skolnik 2001, ch. 2 (R_max ∝ sigma^(1/4)); Barton 2013 (range equation referred to a
    reference range and RCS).
    """
    return np.asarray(
        _f64(ref_snr_db)
        + ratio_to_db(_f64(rcs_m2) / _f64(ref_rcs_m2))
        - 40.0 * np.log10(_f64(range_m) / _f64(ref_range_m)),
        dtype=np.float64,
    )


def detection_range_m(rcs_m2: ArrayLike, ref_range_m: ArrayLike, ref_rcs_m2: ArrayLike) -> FloatArray:
    """Detection range scaled from a reference: ``R = R_ref (sigma / sigma_ref)^(1/4)``.

    The range at which a target of ``rcs_m2`` has the same SNR (hence the same Pd) as the reference
    target at the reference range.

    Parameters
    ----------
    rcs_m2 : array_like
        Target radar cross-section, m^2.
    ref_range_m : array_like
        Detection range of the reference target, m.
    ref_rcs_m2 : array_like
        Reference radar cross-section, m^2.

    Returns
    -------
    numpy.ndarray
        Detection range, m.

    References
    ----------
    Skolnik 2001, ch. 2 (fourth-root dependence of maximum range on sigma).
    """
    return np.asarray(_f64(ref_range_m) * (_f64(rcs_m2) / _f64(ref_rcs_m2)) ** 0.25, dtype=np.float64)


def range_at_pd_m(
    pd: ArrayLike,
    pfa: ArrayLike,
    swerling: ArrayLike,
    rcs_m2: ArrayLike,
    ref_range_m: ArrayLike,
    ref_rcs_m2: ArrayLike,
    ref_snr_db: ArrayLike,
) -> FloatArray:
    """Range at which the single-look detection probability equals ``pd`` for a calibrated radar.

    Inverts :func:`snr_db_calibrated` at the exact required SNR of :func:`required_snr_db`:
    ``R = R_ref (sigma/sigma_ref)^(1/4) 10^((SNR_ref - SNR_req) / 40)``.

    Parameters
    ----------
    pd : array_like
        Wanted probability of detection per look.
    pfa : array_like
        False-alarm probability per cell.
    swerling : array_like of int
        Swerling case, 0, 1 or 3.
    rcs_m2, ref_range_m, ref_rcs_m2, ref_snr_db : array_like
        Target RCS and the radar calibration (see :func:`snr_db_calibrated`).

    Returns
    -------
    numpy.ndarray
        Range, m.

    References
    ----------
    Skolnik 2001, ch. 2.
    """
    margin_db = _f64(ref_snr_db) - required_snr_db(pd, pfa, swerling)
    return np.asarray(
        detection_range_m(rcs_m2, ref_range_m, ref_rcs_m2) * np.power(10.0, margin_db / 40.0),
        dtype=np.float64,
    )


# ---------------------------------------------------------------------------------------------------
# Probability of detection, single look, square-law detector
# ---------------------------------------------------------------------------------------------------


def pd_swerling0(snr: ArrayLike, pfa: ArrayLike) -> FloatArray:
    """Exact single-look Pd of a non-fluctuating (Swerling 0 / V) target.

    .. math:: P_d = Q_1\\left(\\sqrt{2\\,\\mathrm{SNR}},\\ \\sqrt{-2\\ln P_{fa}}\\right)

    Marcum's Q-function, evaluated as the survival function of a noncentral chi-square with 2
    degrees of freedom and noncentrality ``2 SNR`` at ``-2 ln pfa`` (scipy ``chndtr``, cephes/Boost).
    Looks whose Pd is 1 to double precision (``sqrt(2 SNR) - sqrt(2T) > 8.5``) skip that call.

    Parameters
    ----------
    snr : array_like
        Signal-to-noise ratio, linear power ratio.
    pfa : array_like
        False-alarm probability per cell.

    Returns
    -------
    numpy.ndarray
        Probability of detection.

    References
    ----------
    Marcum 1960; Richards 2005, ch. 6 (Pd of a nonfluctuating target, square-law detector);
    Mahafza 2013 (single-pulse detection, Marcum Q-function).
    """
    snr_b, pfa_b = np.broadcast_arrays(_f64(snr), _f64(pfa))
    threshold = -np.log(pfa_b)
    out = np.ones(snr_b.shape, dtype=np.float64)
    gap = np.sqrt(2.0 * snr_b) - np.sqrt(2.0 * threshold)
    todo = gap <= _MARCUM_SATURATION_GAP
    if np.any(todo):
        out[todo] = 1.0 - special.chndtr(2.0 * threshold[todo], 2.0, 2.0 * snr_b[todo])
    return np.clip(out, 0.0, 1.0)


def pd_swerling1(snr: ArrayLike, pfa: ArrayLike) -> FloatArray:
    """Exact single-look Pd of a Swerling 1 (Rayleigh) target: ``Pd = Pfa^(1 / (1 + SNR))``.

    Parameters
    ----------
    snr : array_like
        Mean signal-to-noise ratio, linear power ratio.
    pfa : array_like
        False-alarm probability per cell.

    Returns
    -------
    numpy.ndarray
        Probability of detection.

    References
    ----------
    Swerling 1960; Skolnik 2001, ch. 2 (Swerling case 1, n = 1); Richards 2005, ch. 6
    (Pd = Pfa^(1/(1+SNR))).
    """
    return np.asarray(np.power(_f64(pfa), 1.0 / (1.0 + _f64(snr))), dtype=np.float64)


def pd_swerling3(snr: ArrayLike, pfa: ArrayLike) -> FloatArray:
    """Exact single-look Pd of a Swerling 3 (chi-square, 4 d.o.f.) target.

    .. math::
        P_d = e^{-T x}\\,\\bigl(1 + T x (1 - x)\\bigr),\\quad
        x = \\frac{1}{1 + \\overline{\\mathrm{SNR}}/2},\\quad T = -\\ln P_{fa}

    the n = 1 case of the Swerling 3 result, equivalently
    ``exp(-T/(1+S/2)) (1 + (S/2) T / (1+S/2)^2)``. It follows by averaging the Rician Pd over the
    chi-square-4 SNR density ``(4 s / S^2) exp(-2 s / S)``; written in ``x`` it does not overflow.

    Parameters
    ----------
    snr : array_like
        Mean signal-to-noise ratio, linear power ratio.
    pfa : array_like
        False-alarm probability per cell.

    Returns
    -------
    numpy.ndarray
        Probability of detection.

    References
    ----------
    Swerling 1960; Mahafza 2013 (Swerling III, n_p <= 2: Pd = exp(-V_T/(1+n_p SNR/2))
    (1 + 2/(n_p SNR))^(n_p-2) (1 + V_T/(1+n_p SNR/2) - 2(n_p-2)/(n_p SNR))); Richards 2005, ch. 6;
    D. P. Meyer, H. A. Mayer, *Radar Target Detection*, Academic Press, 1973.
    """
    threshold = -np.log(_f64(pfa))
    x = 1.0 / (1.0 + 0.5 * _f64(snr))
    return np.asarray(np.exp(-threshold * x) * (1.0 + threshold * x * (1.0 - x)), dtype=np.float64)


def _check_swerling(swerling: NDArray[np.int64]) -> None:
    if swerling.ndim == 0:  # one case for every look (a radar's own): a Python test, not array calls
        if int(swerling) not in SWERLING_CASES:
            raise ValueError(
                f"unsupported Swerling case(s) {[int(swerling)]}; expected one of {SWERLING_CASES}"
            )
        return
    if swerling.ndim == 1:  # a radar's looks: one compiled pass, not an array call per case
        valid = _radar_kernels.swerling_cases(swerling)[0]
    else:  # comparisons, not numpy.isin, whose set-up dominated at every look evaluation
        ok = np.zeros(np.shape(swerling), dtype=bool)
        for case in SWERLING_CASES:
            ok |= swerling == case
        valid = bool(np.all(ok))
    if not valid:
        bad = np.unique(swerling[~np.isin(swerling, SWERLING_CASES)])
        raise ValueError(f"unsupported Swerling case(s) {bad.tolist()}; expected one of {SWERLING_CASES}")


def _pd_linear(snr: FloatArray, pfa: FloatArray, swerling: NDArray[np.int64]) -> FloatArray:
    if swerling.ndim == 0:
        case = int(swerling)
        if case == 0:
            return pd_swerling0(snr, pfa)
        if case == 1:
            return pd_swerling1(snr, pfa)
        return pd_swerling3(snr, pfa)
    snr_b, pfa_b, sw_b = np.broadcast_arrays(snr, pfa, swerling)
    out = np.empty(snr_b.shape, dtype=np.float64)
    for case, fn in ((0, pd_swerling0), (1, pd_swerling1), (3, pd_swerling3)):
        mask = sw_b == case
        if np.any(mask):
            out[mask] = fn(snr_b[mask], pfa_b[mask])
    return out


_PD_OF_CASE = {0: pd_swerling0, 1: pd_swerling1, 3: pd_swerling3}


def probability_of_detection(snr_db: ArrayLike, pfa: ArrayLike, swerling: ArrayLike) -> FloatArray:
    """Single-look probability of detection for Swerling 0, 1 or 3 targets.

    Dispatches to :func:`pd_swerling0`, :func:`pd_swerling1` and :func:`pd_swerling3`; all three are
    exact for one look with a square-law detector. ``swerling`` may be a scalar or an integer array
    broadcast against ``snr_db`` and ``pfa`` (e.g. one case per target).

    Parameters
    ----------
    snr_db : array_like
        Mean signal-to-noise ratio, dB (``-inf`` gives Pd = Pfa).
    pfa : array_like
        False-alarm probability per cell.
    swerling : array_like of int
        Swerling case per element: 0, 1 or 3.

    Returns
    -------
    numpy.ndarray
        Probability of detection, broadcast shape.

    Raises
    ------
    ValueError
        If a Swerling case is not 0, 1 or 3.

    References
    ----------
    Swerling 1960; Marcum 1960; Richards 2005, ch. 6; Mahafza 2013.
    """
    sw = np.asarray(swerling, dtype=np.int64)
    if sw.ndim == 1 and sw.size > 0 and np.shape(snr_db) == sw.shape:
        valid, uniform = _radar_kernels.swerling_cases(sw)
        fn = _PD_OF_CASE.get(int(sw[0]))
        if fn is not None and uniform:
            # One case for every look (a raid of one kind): the call the per-case dispatch makes, on
            # the same contiguous arrays of every element, without its masks.
            snr = db_to_ratio(snr_db)
            return np.asarray(fn(snr, np.array(np.broadcast_to(_f64(pfa), snr.shape))), dtype=np.float64)
        pfa_f = _f64(pfa)
        if valid and pfa_f.ndim == 0:
            # A radar's looks at a mixed raid: the per-case calls of _pd_linear on the same elements
            # (each case's looks and as many copies of the Pfa), without its broadcasting and its
            # second validity pass.
            snr = db_to_ratio(snr_db)
            out = np.empty(snr.shape, dtype=np.float64)
            for case, case_fn in _PD_OF_CASE.items():
                mask = sw == case
                n_case = int(np.count_nonzero(mask))
                if n_case:
                    out[mask] = case_fn(snr[mask], np.full(n_case, pfa_f))
            return out
    _check_swerling(sw)
    return _pd_linear(db_to_ratio(snr_db), _f64(pfa), sw)


def draw_detections(pd: ArrayLike, rng: np.random.Generator) -> BoolArray:
    """Bernoulli draw of detections: True with probability ``pd`` per element.

    Parameters
    ----------
    pd : array_like
        Probability of detection per look.
    rng : numpy.random.Generator
        Random source (one uniform draw per element, in C order).

    Returns
    -------
    numpy.ndarray of bool
        Detection flags, shape of ``pd``.

    References
    ----------
    Skolnik 2001, ch. 2 (Pd as the probability of a threshold crossing per look).
    """
    p = _f64(pd)
    return np.asarray(rng.random(p.shape) < p, dtype=np.bool_)


def detected_snr_db(
    snr_db: ArrayLike, pfa: ArrayLike, swerling: ArrayLike, rng: np.random.Generator
) -> FloatArray:
    """SNR measured on looks that crossed the threshold: a sample of signal-plus-noise power given
    detection, minus the noise.

    With the noise power as unit and threshold ``T = -ln Pfa``, the power ``x`` of a look at a target
    of mean SNR ``S`` is, by Swerling case:

    * 1: ``x ~ Exp(1 + S)`` (signal and noise both complex Gaussian), so given ``x > T`` it is
      ``T + Exp(1 + S)`` (memoryless); drawn as ``x = T - (1 + S) ln u``, the same as
      ``(1 + S)(-ln(u Pd))`` with ``Pd = exp(-T / (1 + S))``.
    * 3: with ``theta = 1 + S/2``, a mixture of ``Gamma(2, theta)`` (weight ``1 - 1/theta``) and
      ``Exp(theta)`` (weight ``1/theta``): its survival function
      ``exp(-T/theta) (1 + (1 - 1/theta) T/theta)`` is exactly :func:`pd_swerling3`. Given ``x > T``
      the component is drawn with its posterior weight, then ``x`` by inverting its upper incomplete
      gamma function, ``x = theta Q^-1(k, u Q(k, T/theta))`` (``scipy.special.gammainccinv``). The
      Gamma(2) law alone is only the large-S limit.
    * 0: the mean, ``x = 1 + S`` (the target does not fluctuate; the noise on the estimate is left out).

    The returned SNR is ``x - 1``. A false alarm is noise alone, ``x = T + Exp(1)``: pass ``snr_db =
    -inf`` and Swerling case 1. Such samples are what an amplitude-based RCS estimate sees; they are
    biased high for targets detected at low Pd (only the strong fluctuations cross the threshold).

    Parameters
    ----------
    snr_db : array_like
        Mean SNR of each detected look, dB (``-inf``: noise only).
    pfa : array_like
        False-alarm probability per cell (sets the threshold).
    swerling : array_like of int
        Swerling case 0, 1 or 3, broadcast against ``snr_db``.
    rng : numpy.random.Generator
        Random source: one uniform block of shape (2, *broadcast shape), drawn for every case so that
        the stream advances by the same amount whatever the cases.

    Returns
    -------
    numpy.ndarray
        Measured SNR, dB, broadcast shape.

    References
    ----------
    Swerling 1960; Richards 2005, ch. 6 (densities of the detected power for the Swerling models);
    Mahafza 2013 (Swerling III density: chi-square with four degrees of freedom).
    """
    sw = np.asarray(swerling, dtype=np.int64)
    snr, pfa_f = db_to_ratio(snr_db), _f64(pfa)
    if sw.ndim == 1 and snr.shape == sw.shape and pfa_f.ndim == 0:  # a radar's looks and its Pfa
        valid, uniform = _radar_kernels.swerling_cases(sw)
        if valid and uniform and (sw.size == 0 or int(sw[0]) == 1):
            # Every look Swerling 1 (the scan's false alarms and a raid of one kind): the case-1
            # expression below without the masks that pick it, the same floats.
            threshold1 = -np.log(np.broadcast_to(pfa_f, snr.shape))
            u1 = 1.0 - rng.random((2, *snr.shape))
            return ratio_to_db(threshold1 - (1.0 + snr) * np.log(u1[0]) - 1.0)
    _check_swerling(sw)
    if snr.shape == sw.shape and pfa_f.ndim == 0:  # a radar's looks: only its Pfa to broadcast
        snr_b, pfa_b, sw_b = snr, np.broadcast_to(pfa_f, snr.shape), sw
    else:
        snr_b, pfa_b, sw_b = np.broadcast_arrays(snr, pfa_f, sw)
    threshold = -np.log(pfa_b)
    u = 1.0 - rng.random((2, *snr_b.shape))  # in (0, 1]: -ln u stays finite
    x = 1.0 + snr_b  # Swerling 0
    case1 = sw_b == 1
    x = np.where(case1, threshold - (1.0 + snr_b) * np.log(u[0]), x)
    case3 = sw_b == 3
    if np.any(case3):
        theta = 1.0 + 0.5 * snr_b[case3]
        c = threshold[case3] / theta
        w_gamma = (1.0 - 1.0 / theta) * (1.0 + c)  # weight x survival of each component, over e^-c
        w_exp = 1.0 / theta
        gamma = u[1][case3] * (w_gamma + w_exp) < w_gamma
        u3 = u[0][case3]
        x3 = threshold[case3] - theta * np.log(u3)  # Exp(theta) given x > T, as in case 1
        if np.any(gamma):
            x3[gamma] = theta[gamma] * special.gammainccinv(2.0, u3[gamma] * special.gammaincc(2.0, c[gamma]))
        x[case3] = x3
    return ratio_to_db(x - 1.0)


# ---------------------------------------------------------------------------------------------------
# Required SNR
# ---------------------------------------------------------------------------------------------------


def albersheim_snr_db(pd: ArrayLike, pfa: ArrayLike, n: ArrayLike = 1) -> FloatArray:
    """Albersheim's closed-form required SNR per pulse for a non-fluctuating target.

    .. math::
        A = \\ln(0.62/P_{fa}),\\ B = \\ln\\frac{P_d}{1 - P_d},\\quad
        \\mathrm{SNR_{dB}} = -5\\log_{10} n + \\Bigl(6.2 + \\frac{4.54}{\\sqrt{n + 0.44}}\\Bigr)
        \\log_{10}(A + 0.12 A B + 1.7 B)

    A fit to Robertson's curves for a linear detector with n pulses noncoherently integrated;
    stated accuracy 0.2 dB for 0.1 <= Pd <= 0.9, 1e-7 <= Pfa <= 1e-3, 1 <= n <= 8096. Measured
    against the exact single-look value (:func:`required_snr_db`, Swerling 0): within 0.08 dB for
    0.4 <= Pd <= 0.9, but it under-predicts at low Pd for n = 1 (-0.9 dB at Pd 0.2, -4.1 dB at
    Pd 0.1 and Pfa 1e-3). Use the exact inversion for calibration.

    Parameters
    ----------
    pd : array_like
        Probability of detection.
    pfa : array_like
        False-alarm probability.
    n : array_like, optional
        Number of pulses integrated noncoherently; default 1.

    Returns
    -------
    numpy.ndarray
        Required SNR per pulse, dB.

    References
    ----------
    Albersheim 1981; Richards 2005, ch. 6 (Albersheim's equation); Skolnik 2001, ch. 2.
    """
    p = _f64(pd)
    a = np.log(0.62 / _f64(pfa))
    b = np.log(p / (1.0 - p))
    n_f = _f64(n)
    return np.asarray(
        -5.0 * np.log10(n_f) + (6.2 + 4.54 / np.sqrt(n_f + 0.44)) * np.log10(a + 0.12 * a * b + 1.7 * b),
        dtype=np.float64,
    )


def shnidman_snr_db(pd: ArrayLike, pfa: ArrayLike, n: ArrayLike = 1, swerling: ArrayLike = 0) -> FloatArray:
    """Shnidman's closed-form required SNR per pulse, Swerling cases 0 to 4.

    With K = inf, 1, n, 2, 2n for Swerling 0, 1, 2, 3, 4 and alpha = 0 (n < 40) or 1/4:

    .. math::
        \\eta = \\sqrt{-0.8\\ln(4P_{fa}(1-P_{fa}))}
               + \\operatorname{sign}(P_d - 0.5)\\sqrt{-0.8\\ln(4P_d(1-P_d))}

        X_\\infty = \\eta\\,\\bigl(\\eta + 2\\sqrt{n/2 + \\alpha - 1/4}\\bigr)

        C_1 = \\bigl(((17.7006 P_d - 18.4496) P_d + 14.5339) P_d - 3.525\\bigr)/K

        C_2 = \\bigl(e^{27.31 P_d - 25.14} + (P_d - 0.8)(0.7\\ln(10^{-5}/P_{fa}) + (2n - 20)/80)\\bigr)/K

    ``C_dB = C1`` for Pd <= 0.872 and ``C1 + C2`` above (0 for Swerling 0), and the required SNR is
    ``10 log10(X_inf / n) + C_dB``. Square-law detector; stated accuracy about 0.5 dB for
    0.1 <= Pd <= 0.99, 1e-9 <= Pfa <= 1e-3, 1 <= n <= 100. Measured against the exact n = 1 values
    of :func:`required_snr_db`: within 0.5 dB for 0.5 <= Pd <= 0.9 and 1e-8 <= Pfa <= 1e-4, but
    over the whole stated domain up to 0.22 / 1.12 / 0.57 dB for Swerling 0 / 1 / 3 (Swerling 1
    worst near Pd 0.97, Pfa 1e-9). Use the exact inversion for calibration.

    Parameters
    ----------
    pd : array_like
        Probability of detection.
    pfa : array_like
        False-alarm probability.
    n : array_like, optional
        Number of pulses integrated noncoherently; default 1.
    swerling : array_like of int, optional
        Swerling case 0, 1, 2, 3 or 4; default 0.

    Returns
    -------
    numpy.ndarray
        Required SNR per pulse, dB.

    References
    ----------
    Shnidman 2002; Richards, Scheer & Holm, *Principles of Modern Radar*, SciTech, 2010, ch. 15.
    """
    p = _f64(pd)
    f = _f64(pfa)
    n_f = _f64(n)
    sw = np.asarray(swerling, dtype=np.int64)
    if not np.all(np.isin(sw, (0, 1, 2, 3, 4))):
        raise ValueError("Shnidman's equation covers Swerling cases 0 to 4")
    alpha = np.where(n_f < 40.0, 0.0, 0.25)
    eta = np.sqrt(-0.8 * np.log(4.0 * f * (1.0 - f))) + np.sign(p - 0.5) * np.sqrt(
        -0.8 * np.log(4.0 * p * (1.0 - p))
    )
    x_inf = eta * (eta + 2.0 * np.sqrt(n_f / 2.0 + (alpha - 0.25)))
    k = np.select(
        [sw == 1, sw == 2, sw == 3, sw == 4],
        [np.ones_like(n_f), n_f, 2.0 * np.ones_like(n_f), 2.0 * n_f],
        np.inf,
    )
    c1 = (((17.7006 * p - 18.4496) * p + 14.5339) * p - 3.525) / k
    c2 = (np.exp(27.31 * p - 25.14) + (p - 0.8) * (0.7 * np.log(1e-5 / f) + (2.0 * n_f - 20.0) / 80.0)) / k
    c_db = np.where(p <= 0.872, c1, c1 + c2)
    return np.asarray(10.0 * np.log10(x_inf / n_f) + c_db, dtype=np.float64)


def required_snr_db(pd: ArrayLike, pfa: ArrayLike, swerling: ArrayLike) -> FloatArray:
    """Exact single-look SNR at which the detection probability equals ``pd``.

    Inverts :func:`probability_of_detection`: in closed form for Swerling 1
    (``SNR = ln(Pfa)/ln(Pd) - 1``), and by a vectorised bisection on SNR in dB (64 halvings of
    [-40, 120] dB, i.e. to below 1e-14 dB) for Swerling 0 and 3, whose Pd increases monotonically with
    SNR. Returns ``-inf`` where ``pd <= pfa`` and ``inf`` where ``pd >= 1``.

    Parameters
    ----------
    pd : array_like
        Wanted probability of detection.
    pfa : array_like
        False-alarm probability.
    swerling : array_like of int
        Swerling case 0, 1 or 3.

    Returns
    -------
    numpy.ndarray
        Required SNR, dB.

    References
    ----------
    Richards 2005, ch. 6; Skolnik 2001, ch. 2 (required SNR of single-pulse detection).
    """
    sw = np.asarray(swerling, dtype=np.int64)
    _check_swerling(sw)
    pd_b, pfa_b, sw_b = np.broadcast_arrays(_f64(pd), _f64(pfa), sw)
    out = np.empty(pd_b.shape, dtype=np.float64)
    low_end = pd_b <= pfa_b
    high_end = pd_b >= 1.0
    inner = ~(low_end | high_end)

    sw1 = inner & (sw_b == 1)
    out[sw1] = ratio_to_db(np.log(pfa_b[sw1]) / np.log(pd_b[sw1]) - 1.0)

    rest = inner & (sw_b != 1)
    if np.any(rest):
        target = pd_b[rest]
        f = pfa_b[rest]
        case = sw_b[rest]
        lo = np.full(target.shape, _BISECTION_LOW_DB)
        hi = np.full(target.shape, _BISECTION_HIGH_DB)
        for _ in range(_BISECTION_STEPS):
            mid = 0.5 * (lo + hi)
            too_low = _pd_linear(db_to_ratio(mid), f, case) < target
            lo = np.where(too_low, mid, lo)
            hi = np.where(too_low, hi, mid)
        out[rest] = 0.5 * (lo + hi)
    out[low_end] = -np.inf
    out[high_end] = np.inf
    return out


# ---------------------------------------------------------------------------------------------------
# Coverage, false alarms, measurement noise
# ---------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def required_snr_db_scalar(pd: float, pfa: float, swerling: int) -> float:
    """:func:`required_snr_db` for one radar's constants, remembered: a radar's reference SNR is asked
    for at every look evaluation, and the bisection behind it (64 halvings) cost more than the look.

    References
    ----------
    Richards 2005, ch. 6; Skolnik 2001, ch. 2 (as :func:`required_snr_db`).
    """
    return float(required_snr_db(pd, pfa, swerling))


def in_coverage(
    range_m: ArrayLike,
    azimuth_rad: ArrayLike,
    elevation_rad: ArrayLike,
    max_range_m: ArrayLike,
    min_elevation_rad: ArrayLike,
    max_elevation_rad: ArrayLike,
    min_azimuth_rad: ArrayLike = 0.0,
    azimuth_span_rad: ArrayLike = 2.0 * np.pi,
) -> BoolArray:
    """Whether points lie inside a radar's instrumented volume (range, elevation and azimuth sector).

    The azimuth sector starts at ``min_azimuth_rad`` and extends clockwise by ``azimuth_span_rad``
    (wrapping through north); a span of 2 pi or more is the full circle.

    Parameters
    ----------
    range_m, azimuth_rad, elevation_rad : array_like
        Target position in radar spherical coordinates (azimuth clockwise from north).
    max_range_m : array_like
        Instrumented range, m.
    min_elevation_rad, max_elevation_rad : array_like
        Elevation limits, rad.
    min_azimuth_rad : array_like, optional
        Start of the azimuth sector, rad; default 0 (north).
    azimuth_span_rad : array_like, optional
        Sector width, rad; default 2 pi.

    Returns
    -------
    numpy.ndarray of bool
        True inside the volume.

    References
    ----------
    Skolnik 2001, ch. 1 (coverage of a surveillance radar).
    """
    el = _f64(elevation_rad)
    inside = (
        (_f64(range_m) <= _f64(max_range_m))
        & (el >= _f64(min_elevation_rad))
        & (el <= _f64(max_elevation_rad))
    )
    span = _f64(azimuth_span_rad)
    if span.ndim == 0 and span >= 2.0 * np.pi:  # the full circle (the common case): no sector to test
        shape = np.broadcast_shapes(inside.shape, np.shape(azimuth_rad))
        return inside if inside.shape == shape else np.broadcast_to(inside, shape).copy()
    offset = np.mod(_f64(azimuth_rad) - _f64(min_azimuth_rad), 2.0 * np.pi)
    in_az = (span >= 2.0 * np.pi) | (offset <= span)
    return np.asarray(inside & in_az, dtype=np.bool_)


def false_alarm_count(rng: np.random.Generator, mean_per_scan: ArrayLike) -> IntArray:
    """Number of false alarms in one scan, Poisson with the given mean.

    With N independent resolution cells each exceeding the threshold with probability Pfa, the count
    is binomial(N, Pfa), which for large N and small Pfa is Poisson with mean N Pfa.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random source.
    mean_per_scan : array_like
        Expected false alarms per scan over the radar's coverage (e.g. one entry per radar).

    Returns
    -------
    numpy.ndarray of int64
        Count(s), shape of ``mean_per_scan``.

    References
    ----------
    Skolnik 2001, ch. 2 (false-alarm probability and false-alarm time); Richards 2005, ch. 6.
    """
    return np.asarray(rng.poisson(_f64(mean_per_scan)), dtype=np.int64)


def uniform_false_alarms(
    rng: np.random.Generator,
    count: int,
    max_range_m: float,
    min_elevation_rad: float,
    max_elevation_rad: float,
    min_azimuth_rad: float = 0.0,
    azimuth_span_rad: float = 2.0 * np.pi,
    min_range_m: float = 0.0,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Positions of ``count`` false alarms spread uniformly over the coverage in range, azimuth, elevation.

    A CFAR detector holds Pfa constant per resolution cell and the cells tile range, azimuth and
    elevation uniformly (fixed range gate and beamwidths), so each false alarm falls in a cell drawn
    uniformly in (range, azimuth, elevation), not uniformly in Cartesian volume. Range is uniform on
    [min_range_m, max_range_m), azimuth on the clockwise sector [min_azimuth_rad, min_azimuth_rad +
    azimuth_span_rad) wrapped to [0, 2 pi), elevation on [min_elevation_rad, max_elevation_rad).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random source (one (count, 3) uniform block).
    count : int
        Number of false alarms, e.g. from :func:`false_alarm_count`.
    max_range_m : float
        Instrumented range, m.
    min_elevation_rad, max_elevation_rad : float
        Elevation limits, rad.
    min_azimuth_rad : float, optional
        Start of the azimuth sector (clockwise from north), rad; default 0.
    azimuth_span_rad : float, optional
        Sector width, rad; default 2 pi.
    min_range_m : float, optional
        Start of the range window, m; default 0.

    Returns
    -------
    range_m, azimuth_rad, elevation_rad : numpy.ndarray
        Each of shape (count,).

    References
    ----------
    Richards 2005, ch. 7 (CFAR: constant false-alarm rate per cell); Skolnik 2001 (CFAR receivers).
    """
    u = rng.random((int(count), 3))
    range_m = min_range_m + (max_range_m - min_range_m) * u[:, 0]
    azimuth_rad = np.mod(min_azimuth_rad + azimuth_span_rad * u[:, 1], 2.0 * np.pi)
    elevation_rad = min_elevation_rad + (max_elevation_rad - min_elevation_rad) * u[:, 2]
    return range_m, azimuth_rad, elevation_rad


def measurement_noise(
    range_m: ArrayLike,
    azimuth_rad: ArrayLike,
    elevation_rad: ArrayLike,
    sigma_range_m: ArrayLike,
    sigma_azimuth_rad: ArrayLike,
    sigma_elevation_rad: ArrayLike,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Add independent zero-mean Gaussian errors to range, azimuth and elevation.

    The usual radar measurement model: thermal-noise-limited range and angle errors, independent
    and Gaussian. Azimuth is wrapped to [0, 2 pi); range and elevation are returned unclipped.

    Parameters
    ----------
    range_m, azimuth_rad, elevation_rad : array_like
        True position in radar spherical coordinates.
    sigma_range_m, sigma_azimuth_rad, sigma_elevation_rad : array_like
        One-sigma errors (broadcast against the positions).
    rng : numpy.random.Generator
        Random source (one standard-normal block of shape (3, *broadcast shape)).

    Returns
    -------
    range_m, azimuth_rad, elevation_rad : numpy.ndarray
        Measured values, broadcast shape.

    References
    ----------
    Skolnik 2001, ch. 6 (theoretical accuracy of range and angle measurements);
    Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to Tracking and Navigation*,
    Wiley, 2001 (radar measurement model in spherical coordinates).
    """
    r, az, el = _f64(range_m), _f64(azimuth_rad), _f64(elevation_rad)
    sigmas = _f64(sigma_range_m), _f64(sigma_azimuth_rad), _f64(sigma_elevation_rad)
    if r.ndim == 1 and r.shape == az.shape == el.shape and all(x.ndim == 0 for x in sigmas):
        # one radar's looks: the same products and sums as over broadcast arrays, without them
        z = rng.standard_normal((3, r.size))
        sr, saz, sel = (float(x) for x in sigmas)
        return (
            np.asarray(r + sr * z[0], dtype=np.float64),
            _frames_kernels.remainder(az + saz * z[1], 2.0 * np.pi),  # numpy.mod's floats
            np.asarray(el + sel * z[2], dtype=np.float64),
        )
    r, az, el, s_r, s_az, s_el = np.broadcast_arrays(r, az, el, *sigmas)
    z = rng.standard_normal((3, *r.shape))
    return (
        np.asarray(r + s_r * z[0], dtype=np.float64),
        np.asarray(np.mod(az + s_az * z[1], 2.0 * np.pi), dtype=np.float64),
        np.asarray(el + s_el * z[2], dtype=np.float64),
    )
