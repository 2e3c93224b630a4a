"""Antenna pattern: uniform-aperture main lobe, sidelobe floor and canceller against closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

from samsim.models.antenna import (
    AntennaPattern,
    beam_sines,
    first_null_rad,
    pulse_gain_db,
    relative_gain_db,
    sidelobe_blanked,
    unit_vectors,
)

ANT = AntennaPattern(
    gain_db=40.0,
    beamwidth_az_rad=float(np.radians(1.0)),
    beamwidth_el_rad=float(np.radians(2.0)),
    sidelobe_db=-35.0,
    canceller_db=20.0,
)


def test_half_power_points_at_half_the_beamwidths() -> None:
    for u, v in ((np.sin(ANT.beamwidth_az_rad / 2), 0.0), (0.0, np.sin(ANT.beamwidth_el_rad / 2))):
        assert float(relative_gain_db(ANT, u, v)) == pytest.approx(-10 * np.log10(2), abs=1e-4)
    assert float(relative_gain_db(ANT, 0.0, 0.0)) == pytest.approx(0.0, abs=1e-12)


def test_main_lobe_is_the_uniform_aperture_sinc_squared() -> None:
    # Balanis 2016 ch. 12: (sin x / x)^2 with x = pi (D / lambda) sin(theta) and the half-power width
    # 0.886 lambda / D; written through the beamwidth, x = 2 * 1.3916 sin(theta) / sin(theta_3).
    d_over_lambda = 1.391557 / (np.pi * np.sin(ANT.beamwidth_az_rad / 2))
    theta = np.radians(np.array([0.1, 0.3, 0.6, 0.9]))
    x = np.pi * d_over_lambda * np.sin(theta)
    want = 10 * np.log10((np.sin(x) / x) ** 2)
    got = relative_gain_db(ANT, np.sin(theta), np.zeros_like(theta))
    np.testing.assert_allclose(got, np.maximum(want, ANT.sidelobe_db), atol=1e-6)
    # The first null of a uniform aperture is at sin(theta_0) = lambda / D.
    assert np.sin(first_null_rad(ANT.beamwidth_az_rad)) == pytest.approx(1.0 / d_over_lambda, rel=1e-6)


def test_sidelobes_are_the_floor_less_the_canceller() -> None:
    null_u = np.sin(first_null_rad(ANT.beamwidth_az_rad))
    u = np.array([1.01 * null_u, 0.1, 0.5, 0.9])
    np.testing.assert_allclose(relative_gain_db(ANT, u, np.zeros(4)), -55.0, atol=1e-12)
    # Behind the aperture, on the boresight line: sidelobe too.
    assert float(relative_gain_db(ANT, 0.0, 0.0, front=np.array(False))) == pytest.approx(-55.0)
    no_slc = ANT._replace(canceller_db=0.0)
    assert float(relative_gain_db(no_slc, 0.5, 0.0)) == pytest.approx(-35.0)


def test_beam_sines_of_directions_off_the_look() -> None:
    look_az, look_el = np.radians(70.0), np.radians(10.0)
    d = unit_vectors(look_az + np.radians(1.0), look_el)
    u, v, front = beam_sines(look_az, look_el, d)
    # Off in azimuth only: u = cos(el) sin(daz), v = -sin(el) cos(el) (1 - cos(daz)) ~ 0.
    assert float(u) == pytest.approx(np.cos(look_el) * np.sin(np.radians(1.0)), rel=1e-9)
    assert abs(float(v)) < 1e-4 and bool(front)
    u, v, front = beam_sines(look_az, look_el, unit_vectors(look_az, look_el + np.radians(2.0)))
    assert float(u) == pytest.approx(0.0, abs=1e-12)
    assert float(v) == pytest.approx(np.sin(np.radians(2.0)), rel=1e-9)
    _, _, front = beam_sines(look_az, look_el, -unit_vectors(look_az, look_el))
    assert not bool(front)


def test_sidelobe_blanker_passes_the_main_lobe_and_blanks_the_sidelobes() -> None:
    guard_db, ratio_db = -29.0, 0.0  # guard 6 dB above the -35 dB sidelobes
    # Closed form: the main channel's sinc^2 falls to guard - F at x* with sinc^2(x*) = 10^((G - F)/10);
    # in azimuth sin(theta*) = x* sin(theta_3 / 2) / 1.3916.
    x_star = optimize.brentq(lambda x: (np.sin(x) / x) ** 2 - 10 ** ((guard_db - ratio_db) / 10), 1.0, np.pi)
    u_star = x_star * np.sin(ANT.beamwidth_az_rad / 2) / 1.391557
    u = np.array([0.0, 0.5 * u_star, 0.999 * u_star, 1.001 * u_star, 1.5 * u_star, 0.1, 0.7])
    gain = pulse_gain_db(ANT, u, np.zeros_like(u))
    blanked = sidelobe_blanked(gain, guard_db, ratio_db)
    assert blanked.tolist() == [False, False, False, True, True, True, True]
    # The canceller is not in the pulse channel: a sidelobe pulse arrives at the sidelobe level.
    assert float(pulse_gain_db(ANT, 0.5, 0.0)) == pytest.approx(ANT.sidelobe_db)
    # A stronger guard (or a lower blanking ratio) blanks more of the main lobe's skirt.
    assert bool(sidelobe_blanked(float(pulse_gain_db(ANT, 0.999 * u_star, 0.0)), guard_db + 1.0, ratio_db))
    # Decision equals the channel comparison: guard output over main output above the ratio.
    main_db = np.linspace(-40.0, 0.0, 81)
    np.testing.assert_array_equal(sidelobe_blanked(main_db, guard_db, 3.0), guard_db - main_db > 3.0)
