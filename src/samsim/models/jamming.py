"""Self-screening (self-protection) noise jamming and burn-through.

A target carries a barrage noise jammer pointed at the radar. The jamming enters the radar's main
lobe from the target's own direction, so it travels one way (J ∝ 1/R^2) while the echo travels two
ways (S ∝ 1/R^4): far out the jamming dominates, and closing in, the echo "burns through".

Everything is expressed relative to the receiver's thermal noise N, which makes it compose with the
calibrated SNR of :func:`samsim.models.radar.snr_db_calibrated`: noise-like jamming is filtered and
integrated exactly like thermal noise, so the jammer-to-noise ratio J/N is the same before and after
the radar's coherent processing, and the detection SNR with jamming is ``S / (N + J) =
SNR / (1 + JNR)`` with SNR the processed (calibrated) value.

References
----------
M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed., McGraw-Hill, 2001 (electronic
    counter-countermeasures: self-screening noise jamming, burn-through).
A. Farina, "Electronic counter-countermeasures", ch. 24 of M. I. Skolnik (ed.), *Radar Handbook*,
    3rd ed., McGraw-Hill, 2008 (jamming equations, burn-through range).
B. R. Mahafza, *Radar Systems Analysis and Design Using MATLAB*, 3rd ed., CRC, 2013 (self-screening
    jammer, burn-through / crossover range).
D. K. Barton, *Radar Equations for Modern Radar*, Artech House, 2013 (radar equation with jamming).
D. C. Schleher, *Electronic Warfare in the Information Age*, Artech House, 1999 (self-protection
    jamming, J/S and burn-through).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from samsim.arrays import FloatArray
from samsim.models.radar import db_to_ratio, noise_power_dbw, ratio_to_db


def _f64(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def jammer_to_noise_db(
    range_m: ArrayLike,
    jammer_erp_dbw: ArrayLike,
    jammer_bandwidth_hz: ArrayLike,
    radar_gain_db: ArrayLike,
    wavelength_m: ArrayLike,
    noise_figure_db: ArrayLike,
    radar_bandwidth_hz: ArrayLike,
    losses_db: ArrayLike = 0.0,
) -> FloatArray:
    """Jammer-to-noise ratio at the radar receiver from a main-lobe (self-screening) noise jammer.

    .. math::
        J = \\frac{\\mathrm{ERP}_j\\, G_r \\lambda^2}{(4\\pi)^2 R^2 L}\\,
            \\min\\Bigl(1, \\frac{B_r}{B_j}\\Bigr), \\qquad
        \\frac{J}{N} = \\frac{J}{k T_0 F B_r}

    The jammer's ERP is spread evenly over its bandwidth B_j (barrage); the radar receives the
    fraction B_r / B_j inside its own bandwidth, or all of it when the jammer is narrower (spot).
    The radar antenna's effective area ``G_r lambda^2 / (4 pi)`` collects the one-way power density.

    Parameters
    ----------
    range_m : array_like
        Jammer (= target) range, m.
    jammer_erp_dbw : array_like
        Jammer effective radiated power toward the radar (transmitter power x antenna gain), dBW.
    jammer_bandwidth_hz : array_like
        Jammer noise bandwidth, Hz.
    radar_gain_db : array_like
        Radar receive antenna gain toward the jammer (main lobe), dBi.
    wavelength_m : array_like
        Radar wavelength, m.
    noise_figure_db : array_like
        Radar receiver noise figure, dB (noise ``k T0 F B_r``).
    radar_bandwidth_hz : array_like
        Radar receiver noise bandwidth B_r, Hz.
    losses_db : array_like, optional
        Losses on the jamming path (receive losses, polarisation mismatch, atmosphere), dB;
        default 0.

    Returns
    -------
    numpy.ndarray
        J/N, dB.

    References
    ----------
    Skolnik 2001 (ECCM) (noise jamming of the main beam); Schleher 1999 (self-protection jamming
    equation); Barton 2013 (jamming term of the radar equation).
    """
    bandwidth_fraction = np.minimum(1.0, _f64(radar_bandwidth_hz) / _f64(jammer_bandwidth_hz))
    received_dbw = (
        _f64(jammer_erp_dbw)
        + _f64(radar_gain_db)
        + 2.0 * ratio_to_db(wavelength_m)
        - 20.0 * np.log10(4.0 * np.pi)
        - 2.0 * ratio_to_db(range_m)
        - _f64(losses_db)
        + ratio_to_db(bandwidth_fraction)
    )
    return np.asarray(received_dbw - noise_power_dbw(noise_figure_db, radar_bandwidth_hz), dtype=np.float64)


def snr_with_jamming_db(snr_db: ArrayLike, jnr_db: ArrayLike) -> FloatArray:
    """Signal to noise-plus-jamming ratio ``S / (N + J) = SNR / (1 + J/N)``.

    Parameters
    ----------
    snr_db : array_like
        Signal-to-noise ratio without jamming, dB.
    jnr_db : array_like
        Jammer-to-noise ratio, dB (``-inf`` for no jamming).

    Returns
    -------
    numpy.ndarray
        S / (N + J), dB.

    References
    ----------
    Skolnik 2001 (ECCM); Barton 2013 (noise jamming adds to receiver noise).
    """
    return np.asarray(_f64(snr_db) - 10.0 * np.log10(1.0 + db_to_ratio(jnr_db)), dtype=np.float64)


def burn_through_range_m(
    required_snr_db: ArrayLike,
    snr_db: ArrayLike,
    jnr_db: ArrayLike,
    range_m: ArrayLike,
) -> FloatArray:
    """Exact burn-through range: where S / (N + J) falls to the required SNR, thermal noise included.

    With ``SNR(R) = a / R^4`` and ``JNR(R) = b / R^2`` (a and b taken from their values at any range
    ``range_m``) and x = 1/R^2, the condition ``a x^2 / (1 + b x) = q`` is the quadratic
    ``a x^2 - q b x - q = 0`` whose positive root is

    .. math:: x = \\frac{q b + \\sqrt{q^2 b^2 + 4 a q}}{2 a},\\qquad R_{bt} = x^{-1/2}

    (no cancellation: both terms are positive). Inside R_bt the target is detected with at least the
    required SNR despite the jammer. Without jamming (b = 0) it reduces to the unjammed range
    ``(a / q)^(1/4)``.

    Parameters
    ----------
    required_snr_db : array_like
        SNR needed for the wanted detection probability, dB (e.g. from
        :func:`samsim.models.radar.required_snr_db`).
    snr_db : array_like
        Unjammed SNR at ``range_m``, dB.
    jnr_db : array_like
        Jammer-to-noise ratio at ``range_m``, dB.
    range_m : array_like
        Range at which ``snr_db`` and ``jnr_db`` were evaluated, m.

    Returns
    -------
    numpy.ndarray
        Burn-through range, m.

    References
    ----------
    Skolnik 2001 (ECCM) (burn-through range); Mahafza 2013 (self-screening jammer burn-through);
    Barton 2013 (range equation with noise plus jamming).
    """
    r0 = _f64(range_m)
    a = db_to_ratio(snr_db) * r0**4
    b = db_to_ratio(jnr_db) * r0**2
    q = db_to_ratio(required_snr_db)
    x = (q * b + np.sqrt((q * b) ** 2 + 4.0 * a * q)) / (2.0 * a)
    return np.asarray(1.0 / np.sqrt(x), dtype=np.float64)


def burn_through_range_jammer_dominated_m(
    required_snr_db: ArrayLike,
    snr_db: ArrayLike,
    jnr_db: ArrayLike,
    range_m: ArrayLike,
) -> FloatArray:
    """Classical burn-through range with thermal noise neglected (J >> N): ``S / J = q``.

    .. math::
        R_{bt} = \\sqrt{\\frac{a}{q\\, b}}
               = R_0 \\sqrt{\\frac{\\mathrm{SNR}(R_0)}{q\\,\\mathrm{JNR}(R_0)}}

    the textbook self-screening formula ``R_bt^2 = Pt G sigma B_j / (4 pi ERP_j B_r (S/J)_req)``
    written through the SNR and JNR at a reference range. It is always >= the exact
    :func:`burn_through_range_m` and approaches it when J/N at burn-through is large.

    Parameters
    ----------
    required_snr_db : array_like
        Required signal-to-jamming ratio, dB.
    snr_db, jnr_db : array_like
        Unjammed SNR and J/N at ``range_m``, dB.
    range_m : array_like
        Range of evaluation, m.

    Returns
    -------
    numpy.ndarray
        Burn-through range, m.

    References
    ----------
    Skolnik 2001 (ECCM); Mahafza 2013 (self-screening jammer burn-through range);
    Schleher 1999.
    """
    ratio_db = _f64(snr_db) - _f64(jnr_db) - _f64(required_snr_db)
    return np.asarray(_f64(range_m) * np.power(10.0, ratio_db / 20.0), dtype=np.float64)


def power_sum_db(level_db: ArrayLike, axis: int = -1) -> FloatArray:
    """Sum of powers given in dB along ``axis`` (``-inf`` entries add nothing): the total J/N of
    several noise jammers, whose powers add in the receiver (Barton 2013, radar equation with
    several noise sources)."""
    with np.errstate(divide="ignore"):
        return np.asarray(ratio_to_db(np.sum(db_to_ratio(level_db), axis=axis)), dtype=np.float64)


def strobe_angle_sigma_rad(
    beamwidth_rad: ArrayLike, jnr_db: ArrayLike, floor_sigma_rad: ArrayLike, slope: float = 1.6
) -> FloatArray:
    """Standard deviation of the angle a radar measures on a noise jammer (a jam strobe).

    The receiver estimates the direction of the jamming like that of an echo, with the J/N of the
    dwell in place of the SNR: thermal-noise angle error ``theta_3 / (k_m sqrt(2 J/N))`` (monopulse
    or beam-splitting slope ``k_m`` ~ 1.6), added in quadrature to the radar's own angle accuracy
    (its bias and instrumentation floor):

    .. math::
        \\sigma_\\theta = \\sqrt{\\sigma_0^2 + \\Bigl(\\frac{\\theta_3}{k_m\\sqrt{2\\,J/N}}\\Bigr)^2}

    Parameters
    ----------
    beamwidth_rad : array_like
        Half-power beamwidth in the plane of the angle, rad.
    jnr_db : array_like
        Jammer-to-noise ratio of the dwell, dB.
    floor_sigma_rad : array_like
        The radar's angle accuracy on a strong echo, rad.
    slope : float
        Normalised monopulse (or beam-splitting) slope ``k_m``; 1.6 is the textbook value for a
        typical sum-and-difference antenna.

    Returns
    -------
    numpy.ndarray
        Angle standard deviation, rad.

    References
    ----------
    D. K. Barton, *Radar System Analysis and Modeling*, Artech House, 2005, ch. 11 (thermal-noise
    angle error ``theta_3 / (k_m sqrt(2 E/N0))``, ``k_m`` ~ 1.6); Skolnik 2001, ch. 4 (monopulse
    accuracy); Farina 2008 (angle measurement on a noise jammer for strobes).
    """
    jnr = db_to_ratio(jnr_db)
    thermal = _f64(beamwidth_rad) / (slope * np.sqrt(2.0 * jnr))
    return np.asarray(np.hypot(_f64(floor_sigma_rad), thermal), dtype=np.float64)


def burn_through_range_standoff_m(
    required_snr_db: ArrayLike, snr_db: ArrayLike, range_m: ArrayLike, jnr_db: ArrayLike
) -> FloatArray:
    """Burn-through range against a stand-off jammer whose J/N does not change with target range.

    The jammer stays where it is while the target closes, so the noise ``N + J`` is fixed and the
    echo ``S = a / R^4`` reaches the required ``S / (N + J) = q`` at

    .. math:: R_{bt} = R_0 \\Bigl(\\frac{\\mathrm{SNR}(R_0)}{q\\,(1 + J/N)}\\Bigr)^{1/4}

    — the stand-off jamming burn-through equation with thermal noise kept (Schleher 1999; Adamy,
    *EW 101*, 2001, ch. 9: stand-off jamming J/S with the radar's sidelobe gain toward the jammer).

    Parameters
    ----------
    required_snr_db : array_like
        SNR needed for the wanted detection probability, dB.
    snr_db : array_like
        Unjammed SNR of the target at ``range_m``, dB.
    range_m : array_like
        Target range at which ``snr_db`` was evaluated, m.
    jnr_db : array_like
        J/N of the stand-off jamming in the look toward the target (sidelobe gain), dB.

    Returns
    -------
    numpy.ndarray
        Burn-through range, m.

    References
    ----------
    Schleher 1999 (stand-off jamming); D. Adamy, *EW 101*, Artech House, 2001, ch. 9 (stand-off
    jamming and burn-through); Barton 2013.
    """
    ratio = db_to_ratio(_f64(snr_db) - _f64(required_snr_db)) / (1.0 + db_to_ratio(jnr_db))
    return np.asarray(_f64(range_m) * np.power(ratio, 0.25), dtype=np.float64)
