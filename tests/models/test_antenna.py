"""Antenna pattern: uniform-aperture main lobe, sidelobe floor and canceller against closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.models.antenna import (
    AntennaPattern,
    beam_sines,
    first_null_rad,
    relative_gain_db,
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
