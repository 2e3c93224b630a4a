"""Self-screening noise jamming and burn-through against closed forms and linear-unit evaluations."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.models.jamming import (
    burn_through_range_jammer_dominated_m,
    burn_through_range_m,
    jammer_to_noise_db,
    snr_with_jamming_db,
)
from samsim.models.radar import (
    range_at_pd_m,
    required_snr_db,
    snr_db_calibrated,
    snr_db_radar_equation,
    wavelength_m,
)

K_T0 = 1.380649e-23 * 290.0

# 91N6E-like catalog figures (assumed values, see catalog/radars.yaml): S band, 38 dB, F 3 dB, 2 MHz
RADAR = {
    "radar_gain_db": 38.0,
    "wavelength_m": float(wavelength_m(3e9)),
    "noise_figure_db": 3.0,
    "radar_bandwidth_hz": 2e6,
}
REF_RANGE_M, REF_RCS_M2, PFA = 390e3, 4.0, 1e-6
REF_SNR_DB = float(required_snr_db(0.5, PFA, 1))


def test_jnr_against_linear_evaluation() -> None:
    # J = ERP G lambda^2 / ((4 pi)^2 R^2 L) * Br/Bj, N = k T0 F Br, all in linear units
    erp_w, bj, g, lam, f, br, loss, r = 1000.0, 100e6, 10**3.8, 0.1, 10**0.3, 2e6, 10**0.2, 100e3
    jnr = erp_w * g * lam**2 / ((4 * np.pi) ** 2 * r**2 * loss) * (br / bj) / (K_T0 * f * br)
    got = jammer_to_noise_db(r, 30.0, bj, 38.0, lam, 3.0, br, 2.0)
    assert float(got) == pytest.approx(10 * np.log10(jnr), abs=1e-10)
    # by hand in dB: received 30 + 38 - 20 - 21.98 - 100 - 2 - 16.99 = -92.97 dBW against
    # noise -203.98 + 3 + 63.01 = -137.97 dBW: a 1 kW ERP barrage over 100 MHz at 100 km gives J/N 45.0 dB
    assert float(got) == pytest.approx(44.99, abs=0.01)


def test_jnr_scales_as_inverse_square_of_range() -> None:
    r = np.array([50e3, 100e3, 200e3])
    jnr = jammer_to_noise_db(r, 30.0, 100e6, **RADAR)
    np.testing.assert_allclose(np.diff(jnr), -20 * np.log10(2.0), atol=1e-12)  # -6.02 dB per doubling


def test_signal_scales_as_inverse_fourth_power() -> None:
    snr = snr_db_calibrated(np.array([50e3, 100e3, 200e3]), 1.0, REF_RANGE_M, REF_RCS_M2, REF_SNR_DB)
    np.testing.assert_allclose(np.diff(snr), -40 * np.log10(2.0), atol=1e-12)  # -12.04 dB per doubling


def test_barrage_bandwidth_fraction() -> None:
    wide = jammer_to_noise_db(100e3, 30.0, 20e6, **RADAR)
    spot = jammer_to_noise_db(100e3, 30.0, 2e6, **RADAR)
    narrower = jammer_to_noise_db(100e3, 30.0, 1e6, **RADAR)
    assert float(spot - wide) == pytest.approx(10.0, abs=1e-12)  # 2 of 20 MHz received
    assert float(narrower) == pytest.approx(float(spot), abs=1e-12)  # all of a narrow jammer is received


def test_snr_with_jamming() -> None:
    assert float(snr_with_jamming_db(20.0, -np.inf)) == pytest.approx(20.0)
    assert float(snr_with_jamming_db(20.0, 0.0)) == pytest.approx(20.0 - 10 * np.log10(2.0))
    assert float(snr_with_jamming_db(20.0, 30.0)) == pytest.approx(20.0 - 10 * np.log10(1001.0))


@pytest.mark.parametrize("erp_dbw", [-10.0, 0.0, 10.0, 30.0, 50.0])
@pytest.mark.parametrize("rcs_m2", [0.01, 1.0, 10.0])
def test_detection_snr_equals_required_at_burn_through(erp_dbw: float, rcs_m2: float) -> None:
    required = float(required_snr_db(0.9, PFA, 1))
    r0 = 150e3
    snr0 = snr_db_calibrated(r0, rcs_m2, REF_RANGE_M, REF_RCS_M2, REF_SNR_DB)
    jnr0 = jammer_to_noise_db(r0, erp_dbw, 100e6, **RADAR)
    r_bt = burn_through_range_m(required, snr0, jnr0, r0)
    at_bt = snr_with_jamming_db(
        snr_db_calibrated(r_bt, rcs_m2, REF_RANGE_M, REF_RCS_M2, REF_SNR_DB),
        jammer_to_noise_db(r_bt, erp_dbw, 100e6, **RADAR),
    )
    assert float(at_bt) == pytest.approx(required, abs=1e-9)
    # detected with margin inside, not outside
    for factor, sign in ((0.99, 1.0), (1.01, -1.0)):
        r = float(r_bt) * factor
        s = snr_with_jamming_db(
            snr_db_calibrated(r, rcs_m2, REF_RANGE_M, REF_RCS_M2, REF_SNR_DB),
            jammer_to_noise_db(r, erp_dbw, 100e6, **RADAR),
        )
        assert sign * (float(s) - required) > 0
    # evaluation range does not matter
    r1 = 20e3
    again = burn_through_range_m(
        required,
        snr_db_calibrated(r1, rcs_m2, REF_RANGE_M, REF_RCS_M2, REF_SNR_DB),
        jammer_to_noise_db(r1, erp_dbw, 100e6, **RADAR),
        r1,
    )
    assert float(again) == pytest.approx(float(r_bt), rel=1e-12)
    # approximation (noise neglected) is never shorter than the exact range
    approx = burn_through_range_jammer_dominated_m(required, snr0, jnr0, r0)
    assert float(approx) >= float(r_bt)


def test_no_jamming_gives_the_unjammed_detection_range() -> None:
    required = float(required_snr_db(0.9, PFA, 1))
    r0 = 100e3
    snr0 = snr_db_calibrated(r0, 2.0, REF_RANGE_M, REF_RCS_M2, REF_SNR_DB)
    got = burn_through_range_m(required, snr0, -np.inf, r0)
    expected = range_at_pd_m(0.9, PFA, 1, 2.0, REF_RANGE_M, REF_RCS_M2, REF_SNR_DB)
    assert float(got) == pytest.approx(float(expected), rel=1e-12)


def test_strong_jammer_exact_tends_to_jammer_dominated() -> None:
    required, r0 = 13.0, 100e3
    snr0 = snr_db_calibrated(r0, 1.0, REF_RANGE_M, REF_RCS_M2, REF_SNR_DB)
    ratios = []
    for erp in (0.0, 20.0, 40.0, 60.0):
        jnr0 = jammer_to_noise_db(r0, erp, 100e6, **RADAR)
        exact = burn_through_range_m(required, snr0, jnr0, r0)
        approx = burn_through_range_jammer_dominated_m(required, snr0, jnr0, r0)
        ratios.append(float(exact / approx))
    assert all(a < b for a, b in zip(ratios, ratios[1:], strict=False))
    assert ratios[-1] == pytest.approx(1.0, abs=1e-4)


def test_classic_self_screening_formula() -> None:
    # With the full radar equation and J >> N, S/J = q gives the textbook self-screening range
    # R_bt^2 = Pt G sigma B_j / (4 pi ERP_j B_r q) (radar losses on both paths cancel).
    pt, g_db, lam, f_db, br, sigma, erp_w, bj = 1e6, 38.0, 0.1, 3.0, 2e6, 4.0, 100.0, 100e6
    q_db = 13.0
    g = 10 ** (g_db / 10)
    classic = np.sqrt(pt * g * sigma * bj / (4 * np.pi * erp_w * br * 10 ** (q_db / 10)))
    r0 = 50e3
    snr0 = snr_db_radar_equation(r0, sigma, pt, g_db, lam, f_db, br, losses_db=0.0)
    jnr0 = jammer_to_noise_db(r0, 10 * np.log10(erp_w), bj, g_db, lam, f_db, br)
    assert float(burn_through_range_jammer_dominated_m(q_db, snr0, jnr0, r0)) == pytest.approx(
        classic, rel=1e-10
    )
    # classic = 7.09 km here; J/N there is ~60 dB, so the exact range including thermal noise is
    # the same to 0.1 %
    assert classic == pytest.approx(7_094.0, rel=1e-3)
    assert float(burn_through_range_m(q_db, snr0, jnr0, r0)) == pytest.approx(classic, rel=1e-3)


def test_power_sum_adds_jammers_as_powers() -> None:
    from samsim.models.jamming import power_sum_db

    assert float(power_sum_db(np.array([10.0, 10.0]))) == pytest.approx(10 + 10 * np.log10(2), abs=1e-12)
    assert float(power_sum_db(np.array([10.0, -np.inf]))) == pytest.approx(10.0, abs=1e-12)
    assert float(power_sum_db(np.array([-np.inf, -np.inf]))) == -np.inf
    got = power_sum_db(np.array([[0.0, 3.0, 7.0]]), axis=1)
    assert float(got[0]) == pytest.approx(10 * np.log10(1 + 10**0.3 + 10**0.7), abs=1e-12)


def test_strobe_angle_sigma_follows_the_thermal_noise_formula() -> None:
    from samsim.models.jamming import strobe_angle_sigma_rad

    bw = np.radians(1.0)
    # Barton 2005: theta_3 / (k_m sqrt(2 J/N)); at 20 dB and k_m 1.6, 1 deg / (1.6 sqrt(200)).
    assert float(strobe_angle_sigma_rad(bw, 20.0, 0.0)) == pytest.approx(bw / (1.6 * np.sqrt(200)), rel=1e-12)
    # Every 6 dB more J/N halves it; the radar's own accuracy is the floor.
    r = strobe_angle_sigma_rad(bw, np.array([14.0, 20.0]), 0.0)
    assert r[0] / r[1] == pytest.approx(10 ** (6 / 20), rel=1e-12)
    floor = np.radians(0.05)
    assert float(strobe_angle_sigma_rad(bw, 80.0, floor)) == pytest.approx(floor, rel=1e-4)


def test_standoff_burn_through_against_the_sidelobe_jamming_equation() -> None:
    from samsim.models.jamming import burn_through_range_standoff_m

    # Stand-off jammer at 150 km, seen through a sidelobe 35 dB below a 38 dB main lobe.
    jnr = float(jammer_to_noise_db(150e3, 40.0, 200e6, 38.0 - 35.0, RADAR["wavelength_m"], 3.0, 2e6))
    required = float(required_snr_db(0.9, PFA, 1))
    snr0 = float(snr_db_calibrated(100e3, 1.0, REF_RANGE_M, REF_RCS_M2, REF_SNR_DB))
    r_bt = float(burn_through_range_standoff_m(required, snr0, 100e3, jnr))
    # At R_bt the signal to noise-plus-jamming is exactly the required SNR (S ∝ 1/R^4, J fixed).
    snr_bt = snr_db_calibrated(r_bt, 1.0, REF_RANGE_M, REF_RCS_M2, REF_SNR_DB)
    assert float(snr_with_jamming_db(snr_bt, jnr)) == pytest.approx(required, abs=1e-9)
    # R_bt^4 ∝ 1 / (1 + J/N) (Schleher 1999, thermal noise kept): 10 dB more jamming.
    louder = float(burn_through_range_standoff_m(required, snr0, 100e3, jnr + 10.0))
    j = 10 ** (jnr / 10)
    assert louder / r_bt == pytest.approx(((1 + j) / (1 + 10 * j)) ** 0.25, rel=1e-12)
